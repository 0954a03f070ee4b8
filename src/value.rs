//! ormsh's own values: what a backend decodes a row into, and what a user's literal becomes once
//! it has been checked against its column's type.

use std::fmt;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// The ormsh type of a column. Columns of types ormsh does not know are `Other` and are shown as
/// text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldType {
    Int,
    Float,
    Decimal,
    Text,
    Bool,
    Date,
    Time,
    DateTime,
    Json,
    Uuid,
    Bytes,
    Other(String),
}

impl FieldType {
    /// The ormsh type named in a `model` declaration.
    pub fn from_decl(name: &str) -> Option<FieldType> {
        Some(match name.to_ascii_lowercase().as_str() {
            "int" | "integer" => FieldType::Int,
            "float" | "real" | "double" => FieldType::Float,
            "decimal" | "numeric" => FieldType::Decimal,
            "text" | "string" => FieldType::Text,
            "bool" | "boolean" => FieldType::Bool,
            "date" => FieldType::Date,
            "time" => FieldType::Time,
            "datetime" | "timestamp" => FieldType::DateTime,
            "json" => FieldType::Json,
            "uuid" => FieldType::Uuid,
            "bytes" | "blob" => FieldType::Bytes,
            _ => return None,
        })
    }

    /// The names accepted in a `model` declaration, for help and suggestions.
    pub const DECL_NAMES: [&'static str; 11] =
        ["int", "float", "decimal", "text", "bool", "date", "time", "datetime", "json", "uuid", "bytes"];

    pub fn name(&self) -> &str {
        match self {
            FieldType::Int => "int",
            FieldType::Float => "float",
            FieldType::Decimal => "decimal",
            FieldType::Text => "text",
            FieldType::Bool => "bool",
            FieldType::Date => "date",
            FieldType::Time => "time",
            FieldType::DateTime => "datetime",
            FieldType::Json => "json",
            FieldType::Uuid => "uuid",
            FieldType::Bytes => "bytes",
            FieldType::Other(name) => name,
        }
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One value in a row, or one value to bind.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    /// Unsigned integers too large for `i64` (MySQL `bigint unsigned`).
    UInt(u64),
    Float(f64),
    /// An exact decimal, kept as its text so that no digit is lost.
    Decimal(String),
    Text(String),
    Bytes(Vec<u8>),
    Date(NaiveDate),
    Time(NaiveTime),
    DateTime(NaiveDateTime),
    /// A timestamp with a time zone, already in its display form (`2024-01-31 12:00:00+00:00`).
    DateTimeTz(String),
    Json(serde_json::Value),
    Uuid(uuid::Uuid),
    /// A PostgreSQL array, one dimension (or nested arrays for several), its elements typed.
    Array(Vec<Value>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as JSON, keeping its type: numbers stay numbers, booleans booleans, JSON columns
    /// are embedded as JSON, NULL is `null`; everything else is a string.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::UInt(u) => J::from(*u),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map(J::Number).unwrap_or_else(|| J::String(f.to_string()))
            }
            // A decimal is a JSON number, digit for digit (NaN and infinities are strings).
            Value::Decimal(d) => match serde_json::from_str::<serde_json::Number>(d.trim()) {
                Ok(n) => J::Number(n),
                Err(_) => J::String(d.trim().to_string()),
            },
            Value::Json(j) => j.clone(),
            Value::Array(items) => J::Array(items.iter().map(Value::to_json).collect()),
            other => J::String(other.to_string()),
        }
    }
}

/// The text form of a value as shown in a table, a record and CSV. NULL has no text form of its
/// own here: each renderer shows it its own way, distinct from the text "null".
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::UInt(u) => write!(f, "{u}"),
            Value::Float(x) => write!(f, "{x}"),
            // Its text as the query's result gave it its form (see [`DecimalForm`]).
            Value::Decimal(d) => f.write_str(d.trim()),
            Value::Text(s) => f.write_str(s),
            Value::Bytes(b) => {
                f.write_str("\\x")?;
                b.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
            // By hand where it can be: chrono's format string is read anew for every value.
            Value::Date(d) if (0..=9999).contains(&d.year()) => {
                write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
            }
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Time(t) => {
                let mut text = t.format("%H:%M:%S").to_string();
                push_fraction(&mut text, t.nanosecond());
                f.write_str(&text)
            }
            Value::DateTime(dt) => {
                let mut text = dt.format("%Y-%m-%d %H:%M:%S").to_string();
                push_fraction(&mut text, dt.nanosecond());
                f.write_str(&text)
            }
            Value::DateTimeTz(s) => f.write_str(s),
            Value::Json(j) => write!(f, "{j}"),
            Value::Uuid(u) => write!(f, "{u}"),
            Value::Array(items) => write_array(f, items),
        }
    }
}

/// An array as PostgreSQL prints it (`array_out`): `{a,"b c",NULL}`, `{{1,2},{3,4}}`, `{t,f}`.
/// An element is quoted when it is empty, spells NULL, or holds a space or one of `{}",\`, so
/// that the text reads back as the same array.
fn write_array(f: &mut fmt::Formatter<'_>, items: &[Value]) -> fmt::Result {
    f.write_str("{")?;
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        let text = match item {
            Value::Null => {
                f.write_str("NULL")?;
                continue;
            }
            Value::Array(inner) => {
                write_array(f, inner)?;
                continue;
            }
            Value::Bool(b) => (if *b { "t" } else { "f" }).to_string(),
            other => other.to_string(),
        };
        let quoted = text.is_empty()
            || text.eq_ignore_ascii_case("null")
            || text
                .chars()
                .any(|c| matches!(c, '{' | '}' | '"' | ',' | '\\') || c.is_ascii_whitespace() || c == '\x0b');
        if quoted {
            f.write_str("\"")?;
            for c in text.chars() {
                if matches!(c, '"' | '\\') {
                    f.write_str("\\")?;
                }
                write!(f, "{c}")?;
            }
            f.write_str("\"")?;
        } else {
            f.write_str(&text)?;
        }
    }
    f.write_str("}")
}

/// Appends the fraction of a second as PostgreSQL prints it: nothing for a whole second, else
/// the digits without trailing zeros (`.5`, `.000123`), so a time reads the same in every type.
pub fn push_fraction(out: &mut String, nanos: u32) {
    if nanos == 0 {
        return;
    }
    // A leap second's nanoseconds run past 1e9; its fraction is what is left.
    let digits = format!("{:09}", nanos % 1_000_000_000);
    out.push('.');
    out.push_str(digits.trim_end_matches('0'));
}

/// How a decimal column of a result is shown. A column that declares its scale
/// (`numeric(8,2)`) shows every value with it, `39.90` and `2.00`, as psql, mysql, Django and
/// Sequelize do, whatever the database keeps (SQLite keeps `39.9` as a float). Any other
/// decimal (ormsh's own `decimal`, a sum, a value computed by the database) is shown in its
/// canonical form: MySQL would pad it to the scale of its type, PostgreSQL to the scale it was
/// typed with, SQLite to none, and the same value must look the same everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalForm {
    Canonical,
    Scale(u32),
}

impl DecimalForm {
    /// `value`, a decimal column's, in this form. Numbers that SQLite kept as integers or
    /// floats become decimals at a declared scale; other values are left as they are.
    pub fn apply(self, value: &Value) -> Option<Value> {
        match (self, value) {
            (DecimalForm::Canonical, Value::Decimal(d)) => {
                let canonical = canonical_decimal(d);
                (canonical != d).then(|| Value::Decimal(canonical.to_string()))
            }
            (DecimalForm::Scale(scale), Value::Decimal(d)) => Some(Value::Decimal(at_scale(d.trim(), scale)?)),
            (DecimalForm::Scale(scale), Value::Int(i)) => Some(Value::Decimal(at_scale(&i.to_string(), scale)?)),
            (DecimalForm::Scale(scale), Value::Float(f)) if f.is_finite() => {
                Some(Value::Decimal(format!("{f:.prec$}", prec = scale as usize)))
            }
            _ => None,
        }
    }
}

/// A decimal's text rounded or padded to `scale` digits after the point; None for text that is
/// no finite decimal (`NaN`), which is shown as it is.
fn at_scale(text: &str, scale: u32) -> Option<String> {
    let number: bigdecimal::BigDecimal = text.parse().ok()?;
    let scaled = number.with_scale_round(i64::from(scale), bigdecimal::RoundingMode::HalfEven).to_plain_string();
    (scaled != text).then_some(scaled).or_else(|| Some(text.to_string()))
}

/// A decimal without the trailing zeros of its scale: `70.0000000000` → `70`, `12.50` → `12.5`.
/// MySQL pads every value to its column's scale while PostgreSQL keeps the typed scale and
/// SQLite keeps none; showing the canonical form makes the same value look the same everywhere,
/// and no digit that carries a value is dropped.
pub fn canonical_decimal(text: &str) -> &str {
    let text = text.trim();
    if !text.contains('.') || text.contains(['e', 'E']) {
        return text;
    }
    let trimmed = text.trim_end_matches('0').trim_end_matches('.');
    match trimmed {
        "" | "-" | "-0" | "+" => "0",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_shown_without_padding() {
        assert_eq!(canonical_decimal("70.0000000000"), "70");
        assert_eq!(canonical_decimal("12.50"), "12.5");
        assert_eq!(canonical_decimal("-0.000"), "0");
        assert_eq!(canonical_decimal("100"), "100");
        assert_eq!(canonical_decimal("1.5e10"), "1.5e10");
        assert_eq!(canonical_decimal("NaN"), "NaN");
        assert_eq!(Value::Decimal("12345678901234567890.123".into()).to_json().to_string(), "12345678901234567890.123");
        assert_eq!(Value::Decimal("NaN".into()).to_json(), serde_json::json!("NaN"));
    }

    #[test]
    fn decimals_take_their_columns_scale() {
        let two = DecimalForm::Scale(2);
        assert_eq!(two.apply(&Value::Decimal("39.9".into())), Some(Value::Decimal("39.90".into())));
        assert_eq!(two.apply(&Value::Int(2)), Some(Value::Decimal("2.00".into())));
        assert_eq!(two.apply(&Value::Float(39.9)), Some(Value::Decimal("39.90".into())));
        assert_eq!(two.apply(&Value::Decimal("-0.125".into())), Some(Value::Decimal("-0.12".into())));
        assert_eq!(two.apply(&Value::Decimal("NaN".into())), None);
        assert_eq!(two.apply(&Value::Null), None);
        assert_eq!(
            DecimalForm::Canonical.apply(&Value::Decimal("70.0000000000".into())),
            Some(Value::Decimal("70".into()))
        );
        assert_eq!(Value::Decimal("39.90".into()).to_string(), "39.90");
        assert_eq!(Value::Decimal("39.90".into()).to_json().to_string(), "39.90");
    }

    #[test]
    fn arrays_are_shown_as_postgresql_prints_them() {
        let text = |s: &str| Value::Text(s.into());
        let tags = Value::Array(vec![text("a"), text("b c"), Value::Null, text(""), text("NULL"), text("x,\"y\\")]);
        assert_eq!(tags.to_string(), r#"{a,"b c",NULL,"","NULL","x,\"y\\"}"#);
        let nested = Value::Array(vec![Value::Array(vec![Value::Int(1), Value::Int(2)]), Value::Array(vec![])]);
        assert_eq!(nested.to_string(), "{{1,2},{}}");
        assert_eq!(Value::Array(vec![Value::Bool(true), Value::Bool(false)]).to_string(), "{t,f}");
        assert_eq!(Value::Array(vec![]).to_string(), "{}");
        assert_eq!(tags.to_json(), serde_json::json!(["a", "b c", null, "", "NULL", "x,\"y\\"]));
    }

    #[test]
    fn fractions_of_seconds_lose_their_trailing_zeros() {
        let t = NaiveTime::from_hms_milli_opt(1, 2, 3, 500).unwrap();
        assert_eq!(Value::Time(t).to_string(), "01:02:03.5");
        assert_eq!(Value::Time(NaiveTime::from_hms_opt(1, 2, 3).unwrap()).to_string(), "01:02:03");
        let dt = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap().and_hms_micro_opt(10, 0, 0, 123).unwrap();
        assert_eq!(Value::DateTime(dt).to_string(), "2024-01-31 10:00:00.000123");
    }
}
