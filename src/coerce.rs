//! Checks a value the user typed against its column's type and converts it, before anything is
//! sent: `age=abc` is an error that points at `abc`.

use chrono::{NaiveDate, NaiveDateTime, Timelike, Utc};

use crate::ast::{Literal, LiteralKind, Span};
use crate::catalog::Column;
use crate::datetime::{parse_datetime, parse_time};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{FieldType, Value};

/// The current time of one command, in UTC: read once, so that every `now` and `today` in a
/// command is the same instant, and bound as a value like any other (never the database's
/// `NOW()`, whose time zone and precision differ between databases). Milliseconds, the finest
/// that every tool reading the rows keeps (JavaScript's `Date`, so Sequelize, keeps no finer;
/// the databases keep microseconds): a `now` stored is read back whole by all of them, and
/// found again by the value they read (a `createdAt` of ormsh's, read by Sequelize and bound
/// back, finds its row), and a `now` stored and a `now` compared are the same value.
///
/// It keeps the clock's raw reading and makes a date of it only when a `now` is used: every
/// command reads the clock, and a script's `add`s are many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now(std::time::SystemTime);

impl Now {
    /// The clock, now.
    pub fn read() -> Now {
        Now(std::time::SystemTime::now())
    }

    /// A given instant (to milliseconds), for tests and for a command that has one already.
    pub fn at(instant: NaiveDateTime) -> Now {
        Now(instant.and_utc().into())
    }

    pub fn datetime(self) -> NaiveDateTime {
        let instant = chrono::DateTime::<Utc>::from(self.0).naive_utc();
        let millis = instant.nanosecond() / 1_000_000 * 1_000_000;
        instant.with_nanosecond(millis).unwrap_or(instant)
    }

    pub fn date(self) -> NaiveDate {
        self.datetime().date()
    }
}

/// `now`'s time as a value of a date or datetime field; None for any other type.
pub fn now_value(ty: &FieldType, now: Now) -> Option<Value> {
    clock_value("now", ty, now)
}

/// The literal as a value of `column`'s type, or an error pointing at the literal. A bare `now`
/// or `today` for a date or datetime field is `now`'s time.
pub fn coerce(literal: &Literal, column: &Column, now: Now) -> Result<Value> {
    checked(literal, column, Some(now))
}

/// A field's default in a `model`: as [`coerce`], but without a clock. A default of `now` would
/// be the moment the model was made, which is not what anyone means by it.
pub fn coerce_default(literal: &Literal, column: &Column) -> Result<Value> {
    checked(literal, column, None)
}

fn checked(literal: &Literal, column: &Column, now: Option<Now>) -> Result<Value> {
    if let LiteralKind::List(items) = &literal.kind {
        return list(items, literal.span, column, now);
    }
    if column.field_type == FieldType::Int
        && let LiteralKind::Number(digits) | LiteralKind::Word(digits) | LiteralKind::Quoted(digits) = &literal.kind
        && out_of_range(digits.trim(), &column.sql_type)
    {
        // SQLite would store it as a float, PostgreSQL and MariaDB refuse it: refused here,
        // before anything is sent, on all three.
        let (low, high) = if unsigned(&column.sql_type) { ("0", "18446744073709551615") } else { (I64_LOW, I64_HIGH) };
        return Err(Error::at(
            ErrorKind::Value,
            format!("{} is out of range for an int field", shown(literal)),
            literal.span,
        )
        .with_label(format!("{} is {}", column.name, column.field_type))
        .with_help(format!("an int is between {low} and {high}")));
    }
    let value = to_type(literal, &column.field_type, now);
    // A dashed uuid compared with, or written to, a `char(32)` column is its 32 hex digits.
    let value = value.map(|v| if matches!(v, Value::Text(_)) { spelled(v, column) } else { v });
    value.map_err(|expected| {
        let err = Error::at(ErrorKind::Value, format!("{} is not {expected}", shown(literal)), literal.span)
            .with_label(format!("{} is {}", column.name, column.field_type));
        match clock_word(literal) {
            Some((word, quoted)) => err.with_help(clock_help(word, quoted, &column.field_type, now.is_some())),
            None if column.field_type == FieldType::Json
                && matches!(literal.kind, LiteralKind::Quoted(_) | LiteralKind::Word(_)) =>
            {
                err.with_help("a JSON string is written in its own quotes inside the value's: '\"text\"'")
            }
            None => err,
        }
    })
}

/// `(a, "b c", 3)`: the value of a PostgreSQL array field, each element checked against the
/// element's type (an `int4[]` refuses `x`, pointing at it). A list for any other field is
/// refused at its `(`; a list for a json field too, rather than guessed into a JSON array
/// (a JSON array is written as JSON, in quotes). The parser refuses a list in a list.
fn list(items: &[Literal], span: Span, column: &Column, now: Option<Now>) -> Result<Value> {
    let Some(element) = column.array_element() else {
        let err = Error::at(
            ErrorKind::Value,
            "a list is a value only for an array field (PostgreSQL)",
            Span::new(span.start, span.start + 1),
        )
        .with_label(format!("{} is {}", column.name, column.field_type));
        return Err(if column.field_type == FieldType::Json {
            err.with_help("a JSON array is written as JSON, in quotes: '[\"a\", \"b\"]'")
        } else {
            err
        });
    };
    items.iter().map(|item| checked(item, &element, now)).collect::<Result<Vec<Value>>>().map(Value::Array)
}

const I64_LOW: &str = "-9223372036854775808";
const I64_HIGH: &str = "9223372036854775807";

/// MySQL's `bigint unsigned` (and its kin): the one int column that goes past i64.
fn unsigned(sql_type: &str) -> bool {
    sql_type.to_ascii_lowercase().contains("unsigned")
}

/// Whether `text` is a whole number (digits, an optional sign) that the column cannot hold.
fn out_of_range(text: &str, sql_type: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if unsigned(sql_type) { text.parse::<u64>().is_err() } else { text.parse::<i64>().is_err() }
}

/// `now` or `today` (in any case), and whether it was quoted.
fn clock_word(literal: &Literal) -> Option<(&'static str, bool)> {
    let (text, quoted) = match &literal.kind {
        LiteralKind::Word(s) => (s, false),
        LiteralKind::Quoted(s) => (s, true),
        _ => return None,
    };
    ["now", "today"].into_iter().find(|w| text.eq_ignore_ascii_case(w)).map(|w| (w, quoted))
}

fn clock_help(word: &str, quoted: bool, ty: &FieldType, clock: bool) -> String {
    let dated = matches!(ty, FieldType::Date | FieldType::DateTime);
    if quoted && dated {
        format!("a quoted \"{word}\" is the text `{word}`; the bare word `{word}` is the current {}", clock_noun(ty))
    } else if dated && !clock {
        format!("a default is fixed when the model is made, so it cannot be `{word}`; give `{word}` in each `add`")
    } else {
        // A time of day without a date or a zone: the clock's UTC time of day would mislead.
        "`now` and `today` are values of date and datetime fields only".to_string()
    }
}

fn clock_noun(ty: &FieldType) -> &'static str {
    if matches!(ty, FieldType::Date) { "date (UTC)" } else { "time (UTC)" }
}

/// [`coerce`], taking the literal: text for a text column is moved, not copied (a script's
/// `add`s are mostly text).
pub fn coerce_owned(literal: Literal, column: &Column, now: Now) -> Result<Value> {
    match literal.kind {
        LiteralKind::Number(s) | LiteralKind::Quoted(s) | LiteralKind::Word(s)
            if matches!(column.field_type, FieldType::Text | FieldType::Other(_)) =>
        {
            Ok(spelled(Value::Text(s), column))
        }
        _ => coerce(&literal, column, now).map(|value| spelled(value, column)),
    }
}

/// A value to write into `column` in the spelling its rows have (see [`Spelling`]): a
/// datetime, time or uuid as text, on a database that keeps them as text; a dashed uuid given
/// for a `char(32)` column as its 32 hex digits, as Django and SQLAlchemy keep one there.
pub fn spelled(value: Value, column: &Column) -> Value {
    let text = match (&value, &column.spelling) {
        (Value::DateTime(dt), Some(spelling)) => spelling.datetime(dt),
        (Value::Time(t), Some(spelling)) => spelling.time(t),
        (Value::Uuid(id), Some(spelling)) => spelling.uuid(id),
        (Value::Text(text), _) if crate::catalog::is_hex_uuid_type(&column.sql_type) && text.len() == 36 => {
            uuid::Uuid::try_parse(text).ok().map(|id| id.simple().to_string())
        }
        _ => None,
    };
    text.map_or(value, Value::Text)
}

/// The literal as text, whatever its kind (for `like` patterns).
pub fn as_text(literal: &Literal) -> Value {
    match &literal.kind {
        LiteralKind::Null => Value::Null,
        LiteralKind::Bool(b) => Value::Text(b.to_string()),
        LiteralKind::Number(s) | LiteralKind::Quoted(s) | LiteralKind::Word(s) => Value::Text(s.clone()),
        LiteralKind::List(items) => Value::Array(items.iter().map(as_text).collect()),
    }
}

/// A `like` or `ilike` pattern: `%` is any run of characters, `_` one character, and `\` takes
/// the next character as it is (PostgreSQL's and MySQL's default escape, which SQLite is given
/// too). A pattern that ends in a lone `\` is refused here: PostgreSQL refuses it, MySQL would
/// match a backslash, SQLite nothing.
pub fn pattern(literal: &Literal) -> Result<Value> {
    let value = as_text(literal);
    if let Value::Text(text) = &value {
        let trailing = text.bytes().rev().take_while(|&b| b == b'\\').count();
        if trailing % 2 == 1 {
            return Err(Error::at(ErrorKind::Value, "a pattern cannot end in a lone `\\`", literal.span)
                .with_help("`\\` takes the next character as it is; write `\\\\` for a backslash"));
        }
    }
    Ok(value)
}

fn shown(literal: &Literal) -> String {
    match &literal.kind {
        LiteralKind::Null => "`null`".into(),
        LiteralKind::Bool(b) => format!("`{b}`"),
        LiteralKind::Number(s) | LiteralKind::Word(s) => format!("`{s}`"),
        LiteralKind::Quoted(s) => format!("{s:?}"),
        LiteralKind::List(_) => "a list".into(),
    }
}

/// Converts, or says what was expected ("an int", "a date (YYYY-MM-DD)"). `now`: the clock for
/// a bare `now` or `today`, where there is one.
fn to_type(literal: &Literal, ty: &FieldType, now: Option<Now>) -> Result<Value, &'static str> {
    if let (Some(now), LiteralKind::Word(word)) = (now, &literal.kind)
        && let Some(value) = clock_value(word, ty, now)
    {
        return Ok(value);
    }
    let text = match &literal.kind {
        LiteralKind::Null => return Ok(Value::Null),
        LiteralKind::Bool(b) => {
            return match ty {
                FieldType::Bool => Ok(Value::Bool(*b)),
                // A bool kept in an integer (peewee's and tortoise's `INTEGER` on SQLite,
                // TypeORM's `tinyint` on MariaDB): 1 and 0, as SQLite and MySQL take `true`.
                FieldType::Int => Ok(Value::Int(i64::from(*b))),
                FieldType::Json => Ok(Value::Json(serde_json::Value::Bool(*b))),
                FieldType::Text | FieldType::Other(_) => Ok(Value::Text(b.to_string())),
                _ => Err(expected(ty)),
            };
        }
        LiteralKind::Number(s) | LiteralKind::Quoted(s) | LiteralKind::Word(s) => s.as_str(),
        LiteralKind::List(_) => return Err(expected(ty)),
    };
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
        FieldType::Date => crate::datetime::parse_date(text.trim()).map(Value::Date).ok_or_else(|| expected(ty)),
        FieldType::Time => match parse_time(text.trim()) {
            Some(time) => Ok(Value::Time(time)),
            // A duration beyond one day (MySQL's TIME runs to 838:59:59) or PostgreSQL's
            // `24:00:00`: the database judges it.
            None if is_duration(text.trim()) => Ok(Value::Text(text.trim().to_string())),
            None => Err(expected(ty)),
        },
        FieldType::DateTime => parse_datetime(text.trim()).map(Value::DateTime).ok_or(expected(ty)),
        FieldType::Uuid => uuid::Uuid::parse_str(text.trim()).map(Value::Uuid).map_err(|_| expected(ty)),
        // Quoted or not, the value must be JSON: text that is not would be stored as a JSON
        // string by some databases and refused by others, and `"{a: 1}"` is a mistake more
        // often than it is a string. A JSON string is written with its own quotes: '"text"'.
        FieldType::Json => serde_json::from_str(text).map(Value::Json).map_err(|_| expected(ty)),
        FieldType::Bytes => match text.strip_prefix("\\x") {
            Some(hex) => parse_hex(hex).map(Value::Bytes).ok_or(expected(ty)),
            None => Ok(Value::Bytes(text.as_bytes().to_vec())),
        },
    }
}

/// `now` and `today` for a date or datetime field: `now` is the instant for a datetime and its
/// date for a date; `today` is the date, or its midnight for a datetime. Both in UTC, as every
/// datetime without an offset is read and written.
fn clock_value(word: &str, ty: &FieldType, now: Now) -> Option<Value> {
    let today = word.eq_ignore_ascii_case("today");
    if !today && !word.eq_ignore_ascii_case("now") {
        return None;
    }
    match ty {
        FieldType::Date => Some(Value::Date(now.date())),
        FieldType::DateTime if today => Some(Value::DateTime(now.date().and_time(chrono::NaiveTime::MIN))),
        FieldType::DateTime => Some(Value::DateTime(now.datetime())),
        _ => None,
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
            spelling: None,
        }
    }

    fn lit(kind: LiteralKind) -> Literal {
        Literal { kind, span: Span::new(4, 7) }
    }

    fn word(s: &str) -> Literal {
        lit(LiteralKind::Word(s.into()))
    }

    /// The clock of these tests: 2024-03-01 23:59:58.123456789 UTC.
    fn clock() -> Now {
        Now::at(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap().and_hms_nano_opt(23, 59, 58, 123_456_789).unwrap())
    }

    /// [`super::coerce`] at [`clock`].
    fn coerce(literal: &Literal, column: &Column) -> Result<Value> {
        super::coerce(literal, column, clock())
    }

    #[test]
    fn good_values_convert() {
        assert_eq!(coerce(&lit(LiteralKind::Number("30".into())), &col("age", "int")).unwrap(), Value::Int(30));
        let big = lit(LiteralKind::Number("9223372036854775808".into()));
        let err = coerce(&big, &col("age", "int")).unwrap_err();
        assert_eq!(err.message, "`9223372036854775808` is out of range for an int field");
        assert_eq!(err.help.as_deref(), Some("an int is between -9223372036854775808 and 9223372036854775807"));
        let low = lit(LiteralKind::Number("-9223372036854775809".into()));
        assert!(coerce(&low, &col("age", "int")).unwrap_err().message.contains("out of range"));
        assert_eq!(
            coerce(&lit(LiteralKind::Number("-9223372036854775808".into())), &col("age", "int")).unwrap(),
            Value::Int(i64::MIN)
        );
        // MySQL's bigint unsigned takes it, and refuses a negative one past i64 too.
        assert_eq!(coerce(&big, &col("big", "bigint(20) unsigned")).unwrap(), Value::UInt(9223372036854775808));
        let too_big = lit(LiteralKind::Number("18446744073709551616".into()));
        assert!(coerce(&too_big, &col("big", "bigint unsigned")).unwrap_err().message.contains("out of range"));
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
        assert_eq!(coerce(&lit(LiteralKind::Bool(true)), &col("is_admin", "INTEGER")).unwrap(), Value::Int(1));
        assert_eq!(coerce(&lit(LiteralKind::Bool(false)), &col("is_admin", "tinyint(4)")).unwrap(), Value::Int(0));
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

    #[test]
    fn now_and_today_are_the_commands_clock() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let instant = day.and_hms_milli_opt(23, 59, 58, 123).unwrap();
        assert_eq!(clock().datetime(), instant, "kept to milliseconds");
        assert_eq!(coerce(&word("now"), &col("t", "datetime")).unwrap(), Value::DateTime(instant));
        assert_eq!(coerce(&word("NOW"), &col("t", "timestamptz")).unwrap(), Value::DateTime(instant));
        assert_eq!(
            coerce(&word("today"), &col("t", "datetime")).unwrap(),
            Value::DateTime(day.and_hms_opt(0, 0, 0).unwrap())
        );
        assert_eq!(coerce(&word("today"), &col("d", "date")).unwrap(), Value::Date(day));
        assert_eq!(coerce(&word("now"), &col("d", "date")).unwrap(), Value::Date(day));
        // Only the bare word, and only for dates: elsewhere `now` is what it says.
        assert_eq!(coerce(&word("now"), &col("name", "text")).unwrap(), Value::Text("now".into()));
        let quoted = coerce(&lit(LiteralKind::Quoted("now".into())), &col("t", "datetime")).unwrap_err();
        assert_eq!(quoted.message, "\"now\" is not a datetime (YYYY-MM-DD HH:MM:SS)");
        assert!(quoted.help.as_deref().is_some_and(|h| h.contains("bare word `now`")), "{:?}", quoted.help);
        let time = coerce(&word("now"), &col("at", "time")).unwrap_err();
        assert_eq!(time.message, "`now` is not a time (HH:MM:SS)");
        assert_eq!(time.help.as_deref(), Some("`now` and `today` are values of date and datetime fields only"));
        let default = coerce_default(&word("now"), &col("t", "datetime")).unwrap_err();
        assert!(
            default.help.as_deref().is_some_and(|h| h.contains("fixed when the model is made")),
            "{:?}",
            default.help
        );
    }

    #[test]
    fn a_pattern_may_not_end_in_a_lone_escape() {
        let quoted = |s: &str| lit(LiteralKind::Quoted(s.into()));
        assert_eq!(pattern(&quoted("a\\%")).unwrap(), Value::Text("a\\%".into()));
        assert_eq!(pattern(&quoted("a\\\\")).unwrap(), Value::Text("a\\\\".into()));
        let err = pattern(&quoted("a\\\\\\")).unwrap_err();
        assert_eq!(err.message, "a pattern cannot end in a lone `\\`");
        assert_eq!(err.span, Some(Span::new(4, 7)));
    }

    #[test]
    fn a_list_is_an_arrays_elements_each_of_the_element_type() {
        let array = |sql_type: &str| Column { field_type: FieldType::Other(sql_type.into()), ..col("xs", sql_type) };
        let at = |kind: LiteralKind, start: usize| Literal { kind, span: Span::new(start, start + 1) };
        let list = |items: Vec<Literal>| Literal { kind: LiteralKind::List(items), span: Span::new(10, 20) };
        let ints = list(vec![at(LiteralKind::Number("1".into()), 11), at(LiteralKind::Null, 14)]);
        assert_eq!(coerce(&ints, &array("int4[]")).unwrap(), Value::Array(vec![Value::Int(1), Value::Null]));
        let day = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap();
        let dates = list(vec![at(LiteralKind::Word("2024-01-31".into()), 11)]);
        assert_eq!(coerce(&dates, &array("date[]")).unwrap(), Value::Array(vec![Value::Date(day)]));
        assert_eq!(coerce(&list(vec![]), &array("text[]")).unwrap(), Value::Array(vec![]));

        // `x` in an int[] is refused where it is.
        let bad = list(vec![at(LiteralKind::Number("1".into()), 11), at(LiteralKind::Word("x".into()), 14)]);
        let err = coerce(&bad, &array("int4[]")).unwrap_err();
        assert_eq!(err.message, "`x` is not an int");
        assert_eq!(err.span, Some(Span::new(14, 15)));
        assert_eq!(err.label.as_deref(), Some("each element of xs is int"));

        // Not an array: refused at the `(`; SQLite's `text[]` is text.
        for column in [col("xs", "text"), col("xs", "text[]"), col("xs", "json")] {
            let err = coerce(&ints, &column).unwrap_err();
            assert_eq!(err.message, "a list is a value only for an array field (PostgreSQL)");
            assert_eq!(err.span, Some(Span::new(10, 11)));
        }
    }
}
