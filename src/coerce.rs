//! Checks a value the user typed against its column's type and converts it, before anything is
//! sent: `age=abc` is an error that points at `abc`.

use chrono::NaiveDate;

use crate::ast::{Literal, LiteralKind};
use crate::catalog::Column;
use crate::datetime::{parse_datetime, parse_time};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{FieldType, Value};

/// The literal as a value of `column`'s type, or an error pointing at the literal.
pub fn coerce(literal: &Literal, column: &Column) -> Result<Value> {
    to_type(literal, &column.field_type).map_err(|expected| {
        Error::at(ErrorKind::Value, format!("{} is not {expected}", shown(literal)), literal.span)
            .with_label(format!("{} is {}", column.name, column.field_type))
    })
}

/// [`coerce`], taking the literal: text for a text column is moved, not copied (a script's
/// `add`s are mostly text).
pub fn coerce_owned(literal: Literal, column: &Column) -> Result<Value> {
    match literal.kind {
        LiteralKind::Number(s) | LiteralKind::Quoted(s) | LiteralKind::Word(s)
            if matches!(column.field_type, FieldType::Text | FieldType::Other(_)) =>
        {
            Ok(Value::Text(s))
        }
        _ => coerce(&literal, column),
    }
}

/// The literal as text, whatever its kind (for `like` patterns).
pub fn as_text(literal: &Literal) -> Value {
    match &literal.kind {
        LiteralKind::Null => Value::Null,
        LiteralKind::Bool(b) => Value::Text(b.to_string()),
        LiteralKind::Number(s) | LiteralKind::Quoted(s) | LiteralKind::Word(s) => Value::Text(s.clone()),
    }
}

fn shown(literal: &Literal) -> String {
    match &literal.kind {
        LiteralKind::Null => "`null`".into(),
        LiteralKind::Bool(b) => format!("`{b}`"),
        LiteralKind::Number(s) | LiteralKind::Word(s) => format!("`{s}`"),
        LiteralKind::Quoted(s) => format!("{s:?}"),
    }
}

/// Converts, or says what was expected ("an int", "a date (YYYY-MM-DD)").
fn to_type(literal: &Literal, ty: &FieldType) -> Result<Value, &'static str> {
    let text = match &literal.kind {
        LiteralKind::Null => return Ok(Value::Null),
        LiteralKind::Bool(b) => {
            return match ty {
                FieldType::Bool => Ok(Value::Bool(*b)),
                FieldType::Json => Ok(Value::Json(serde_json::Value::Bool(*b))),
                FieldType::Text | FieldType::Other(_) => Ok(Value::Text(b.to_string())),
                _ => Err(expected(ty)),
            };
        }
        LiteralKind::Number(s) | LiteralKind::Quoted(s) | LiteralKind::Word(s) => s.as_str(),
    };
    let quoted = matches!(literal.kind, LiteralKind::Quoted(_));
    match ty {
        FieldType::Text | FieldType::Other(_) => Ok(Value::Text(text.to_string())),
        FieldType::Int => match text.trim().parse::<i64>() {
            Ok(i) => Ok(Value::Int(i)),
            // MySQL's `bigint unsigned` goes past i64.
            Err(_) => text.trim().parse::<u64>().map(Value::UInt).map_err(|_| expected(ty)),
        },
        FieldType::Float => match text.trim().parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(expected(ty)),
        },
        FieldType::Decimal => text
            .trim()
            .parse::<bigdecimal::BigDecimal>()
            .map(|_| Value::Decimal(text.trim().to_string()))
            .map_err(|_| expected(ty)),
        FieldType::Bool => match text.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "on" | "1" => Ok(Value::Bool(true)),
            "false" | "f" | "no" | "n" | "off" | "0" => Ok(Value::Bool(false)),
            _ => Err(expected(ty)),
        },
        FieldType::Date => {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map(Value::Date).map_err(|_| expected(ty))
        }
        FieldType::Time => match parse_time(text.trim()) {
            Some(time) => Ok(Value::Time(time)),
            // A duration beyond one day (MySQL's TIME runs to 838:59:59) or PostgreSQL's
            // `24:00:00`: the database judges it.
            None if is_duration(text.trim()) => Ok(Value::Text(text.trim().to_string())),
            None => Err(expected(ty)),
        },
        FieldType::DateTime => parse_datetime(text.trim()).map(Value::DateTime).ok_or(expected(ty)),
        FieldType::Uuid => uuid::Uuid::parse_str(text.trim()).map(Value::Uuid).map_err(|_| expected(ty)),
        FieldType::Json => match serde_json::from_str(text) {
            Ok(json) => Ok(Value::Json(json)),
            // A quoted string that is not JSON is meant as a JSON string.
            Err(_) if quoted => Ok(Value::Json(serde_json::Value::String(text.to_string()))),
            Err(_) => Err(expected(ty)),
        },
        FieldType::Bytes => match text.strip_prefix("\\x") {
            Some(hex) => parse_hex(hex).map(Value::Bytes).ok_or(expected(ty)),
            None => Ok(Value::Bytes(text.as_bytes().to_vec())),
        },
    }
}

fn expected(ty: &FieldType) -> &'static str {
    match ty {
        FieldType::Int => "an int",
        FieldType::Float => "a float",
        FieldType::Decimal => "a decimal number",
        FieldType::Bool => "a bool (true or false)",
        FieldType::Date => "a date (YYYY-MM-DD)",
        FieldType::Time => "a time (HH:MM:SS)",
        FieldType::DateTime => "a datetime (YYYY-MM-DD HH:MM:SS)",
        FieldType::Json => "valid json",
        FieldType::Uuid => "a uuid",
        FieldType::Bytes => "bytes (\\x followed by hex digits)",
        FieldType::Text | FieldType::Other(_) => "text",
    }
}

/// `[-]H…H:MM[:SS[.f]]`.
fn is_duration(text: &str) -> bool {
    let body = text.strip_prefix('-').unwrap_or(text);
    let mut parts = body.split(':');
    let hours = parts.next().is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_digit()));
    let minutes = parts.next().is_some_and(|m| m.len() == 2 && m.bytes().all(|b| b.is_ascii_digit()));
    let seconds = parts.next().is_none_or(|s| {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, "0"));
        whole.len() == 2 && whole.bytes().all(|b| b.is_ascii_digit()) && fraction.bytes().all(|b| b.is_ascii_digit())
    });
    hours && minutes && seconds && parts.next().is_none()
}

fn parse_hex(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) || !hex.is_ascii() {
        return None;
    }
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;
    use crate::catalog::field_type_of;

    fn col(name: &str, sql_type: &str) -> Column {
        Column {
            name: name.into(),
            sql_type: sql_type.into(),
            field_type: field_type_of(sql_type),
            nullable: true,
            primary_key: false,
            has_default: false,
            default: None,
        }
    }

    fn lit(kind: LiteralKind) -> Literal {
        Literal { kind, span: Span::new(4, 7) }
    }

    fn word(s: &str) -> Literal {
        lit(LiteralKind::Word(s.into()))
    }

    #[test]
    fn good_values_convert() {
        assert_eq!(coerce(&lit(LiteralKind::Number("30".into())), &col("age", "int")).unwrap(), Value::Int(30));
        assert_eq!(coerce(&word("John"), &col("name", "text")).unwrap(), Value::Text("John".into()));
        assert_eq!(coerce(&lit(LiteralKind::Bool(true)), &col("ok", "boolean")).unwrap(), Value::Bool(true));
        assert_eq!(
            coerce(&word("2024-02-29"), &col("d", "date")).unwrap(),
            Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap())
        );
        assert_eq!(
            coerce(&word("2024-02-29T10:30"), &col("t", "datetime")).unwrap(),
            Value::DateTime(NaiveDate::from_ymd_opt(2024, 2, 29).unwrap().and_hms_opt(10, 30, 0).unwrap())
        );
        assert_eq!(
            coerce(&lit(LiteralKind::Number("12.50".into())), &col("p", "numeric(10,2)")).unwrap(),
            Value::Decimal("12.50".into())
        );
        assert_eq!(coerce(&word("\\x00ff"), &col("b", "blob")).unwrap(), Value::Bytes(vec![0, 255]));
        assert_eq!(
            coerce(&lit(LiteralKind::Quoted("{\"a\":1}".into())), &col("j", "json")).unwrap(),
            Value::Json(serde_json::json!({"a": 1}))
        );
        assert_eq!(coerce(&lit(LiteralKind::Null), &col("age", "int")).unwrap(), Value::Null);
    }

    #[test]
    fn bad_values_point_at_themselves() {
        let err = coerce(&word("abc"), &col("age", "int")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Value);
        assert_eq!(err.message, "`abc` is not an int");
        assert_eq!(err.label.as_deref(), Some("age is int"));
        assert_eq!(err.span, Some(Span::new(4, 7)));
        assert!(coerce(&word("2024-02-30"), &col("d", "date")).is_err());
        assert!(coerce(&word("yes-ish"), &col("ok", "bool")).is_err());
        assert!(coerce(&word("nope"), &col("id", "uuid")).is_err());
        assert!(coerce(&lit(LiteralKind::Number("1.5".into())), &col("n", "integer")).is_err());
        assert!(coerce(&word("\\x0"), &col("b", "bytea")).is_err());
    }
}
