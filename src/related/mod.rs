//! Records shown under the row they belong to (`with`). The database sends them as JSON it
//! built (see `dialect/load.rs`): here that JSON is read back into ormsh's [`Value`]s by the
//! catalog's types, the way each driver reads a row, so that a related record shows the values
//! a plain `query` of its table shows: a bool that SQLite and MariaDB keep as 0 or 1, a date
//! that PostgreSQL writes with a `T`, bytes sent as hex, a decimal digit for digit.

mod scan;

use std::borrow::Cow;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::Value as Json;

use scan::Scan;

use crate::catalog::Column;
use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::Load;
use crate::value::{FieldType, Value};

/// The records of one load under one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Related {
    /// A relation's records, in key order (none is an empty list).
    Many(Vec<Record>),
    /// A reference's record, if the row has one.
    One(Option<Record>),
}

/// One related record: its values in its table's column order, then what is loaded under it.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub values: Vec<Value>,
    pub related: Vec<Related>,
}

impl Related {
    /// The records of `load` from the statement's column for it, as the driver decoded it: the
    /// text of the JSON document the database built (or NULL: a reference to nothing). The
    /// text is read once, straight into values (`scan`); no tree of JSON is built for it.
    pub fn read(load: &Load, value: &Value, dialect: Dialect) -> Result<Related> {
        let text: Cow<'_, str> = match value {
            Value::Text(text) => Cow::Borrowed(text),
            Value::Null => Cow::Borrowed("null"),
            // A driver that decoded the JSON itself.
            Value::Json(json) => Cow::Owned(json.to_string()),
            _ => return Err(malformed(load, "a value that is not JSON")),
        };
        let mut scan = Scan::new(&text);
        let read = related(&mut scan, load, dialect).and_then(|related| scan.end().map(|()| related));
        // Not JSON, or JSON of another shape: cut short (MariaDB's JSON_ARRAYAGG stops at
        // group_concat_max_len) or not what the statement asked for.
        read.map_err(|e| malformed(load, &format!("what is not the records' JSON ({e})")))
    }
}

/// The records of each of `loads` from the statement's last columns, one per load.
pub fn read_all(loads: &[Load], values: &[Value], dialect: Dialect) -> Result<Vec<Related>> {
    if values.len() != loads.len() {
        return Err(Error::new(
            ErrorKind::Database,
            format!("the database sent {} columns of related records, not {}", values.len(), loads.len()),
        ));
    }
    loads.iter().zip(values).map(|(load, value)| Related::read(load, value, dialect)).collect()
}

fn malformed(load: &Load, what: &str) -> Error {
    Error::new(ErrorKind::Database, format!("the database sent {what} for the `{}` records", load.name))
}

/// A load's records: a list (a relation; `null` is none), or a record or `null` (a reference).
fn related(scan: &mut Scan<'_>, load: &Load, dialect: Dialect) -> std::result::Result<Related, String> {
    match scan.peek() {
        Some(b'n') => {
            scan.literal("null")?;
            Ok(if load.many() { Related::Many(Vec::new()) } else { Related::One(None) })
        }
        Some(b'[') if load.many() => {
            scan.expect(b'[')?;
            let mut records = Vec::new();
            if !scan.eat(b']') {
                loop {
                    records.push(record(scan, load, dialect)?);
                    if scan.eat(b']') {
                        break;
                    }
                    scan.expect(b',')?;
                }
            }
            Ok(Related::Many(records))
        }
        Some(b'[' | b'{') if !load.many() => record(scan, load, dialect).map(|r| Related::One(Some(r))),
        _ => Err(scan.unexpected(if load.many() { "a list of records" } else { "a record or null" })),
    }
}

/// One record: an array of values (SQLite, MariaDB), or an object whose values come in that
/// order (PostgreSQL's `row_to_json`): the columns' values, then each nested load's records.
fn record(scan: &mut Scan<'_>, load: &Load, dialect: Dialect) -> std::result::Result<Record, String> {
    let object = scan.peek() == Some(b'{');
    scan.expect(if object { b'{' } else { b'[' })?;
    let wanted = load.columns.len() + load.nested.len();
    let mut values = Vec::with_capacity(load.columns.len());
    let mut related_records = Vec::with_capacity(load.nested.len());
    for at in 0..wanted {
        if at > 0 {
            scan.expect(b',').map_err(|e| format!("{e} (a record has {wanted} values)"))?;
        }
        if object {
            scan.string()?;
            scan.expect(b':')?;
        }
        match load.columns.get(at) {
            Some(column) => {
                let value = value(scan, column, dialect)?;
                let shaped = column.decimal_form().and_then(|form| form.apply(&value));
                values.push(shaped.unwrap_or(value));
            }
            None => related_records.push(related(scan, &load.nested[at - load.columns.len()], dialect)?),
        }
    }
    scan.expect(if object { b'}' } else { b']' }).map_err(|e| format!("{e} (a record has {wanted} values)"))?;
    Ok(Record { values, related: related_records })
}

/// One value of a related record, read by its column's type.
fn value(scan: &mut Scan<'_>, column: &Column, dialect: Dialect) -> std::result::Result<Value, String> {
    Ok(match scan.peek() {
        Some(b'n') => {
            scan.literal("null")?;
            Value::Null
        }
        Some(b't' | b'f') => {
            let b = scan.peek() == Some(b't');
            scan.literal(if b { "true" } else { "false" })?;
            if column.field_type == FieldType::Json { Value::Json(Json::Bool(b)) } else { Value::Bool(b) }
        }
        Some(b'"') => string(column, scan.string()?, dialect),
        Some(b'-' | b'0'..=b'9') => number(column, scan.number()?, dialect),
        // JSON of its own: a JSON column's object or array, a PostgreSQL array.
        Some(b'[' | b'{') => {
            let json = serde_json::from_str(scan.value_text()?).map_err(|e| e.to_string())?;
            match column.array_element() {
                Some(element) => array(&element, json, dialect),
                None => Value::Json(json),
            }
        }
        _ => return Err(scan.unexpected("a value")),
    })
}

/// A PostgreSQL array that `json_agg` wrote as a JSON array, as a query reads it: each element
/// by the element's type.
fn array(element: &Column, json: Json, dialect: Dialect) -> Value {
    match json {
        Json::Array(items) => Value::Array(items.into_iter().map(|item| array(element, item, dialect)).collect()),
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(b),
        Json::Number(n) => number(element, &n.to_string(), dialect),
        Json::String(text) => string(element, Cow::Owned(text), dialect),
        object @ Json::Object(_) => Value::Json(object),
    }
}

fn number(column: &Column, text: &str, dialect: Dialect) -> Value {
    match (&column.field_type, dialect) {
        // SQLite and MariaDB keep a bool as 0 or 1.
        (FieldType::Bool, _) if text.parse::<i64>().is_ok() => Value::Bool(text != "0"),
        // SQLite shows a value by how it is stored, whatever the column's type says.
        (_, Dialect::Sqlite) => by_form(text),
        (FieldType::Decimal, _) => Value::Decimal(text.to_string()),
        (FieldType::Float, _) => text.parse().map(Value::Float).unwrap_or_else(|_| Value::Decimal(text.to_string())),
        (FieldType::Json, _) => serde_json::from_str(text).map(Value::Json).unwrap_or_else(|_| by_form(text)),
        _ => by_form(text),
    }
}

/// A number as its text says: whole (signed, then unsigned), else floating-point, else (too
/// large for either) a decimal.
fn by_form(text: &str) -> Value {
    if let Ok(n) = text.parse::<i64>() {
        return Value::Int(n);
    }
    if let Ok(n) = text.parse::<u64>() {
        return Value::UInt(n);
    }
    match text.parse::<f64>() {
        Ok(f) if f.is_finite() => Value::Float(f),
        _ => Value::Decimal(text.to_string()),
    }
}

fn string(column: &Column, text: Cow<'_, str>, dialect: Dialect) -> Value {
    let ty = &column.field_type;
    if *ty == FieldType::Bytes {
        return hex(&text).map(Value::Bytes).unwrap_or_else(|| Value::Text(text.into_owned()));
    }
    if dialect == Dialect::Sqlite {
        return match ty {
            // A JSON column is text to SQLite, read as JSON when it is.
            FieldType::Json => {
                serde_json::from_str(&text).map(Value::Json).unwrap_or_else(|_| Value::Text(text.into()))
            }
            // A floating-point number, written with all its digits (`quote()`).
            FieldType::Float | FieldType::Decimal if is_printed_real(&text) => {
                text.parse().map(Value::Float).unwrap_or_else(|_| Value::Text(text.into()))
            }
            // Dates, times and uuids whatever tool spelled them (as the driver reads them).
            FieldType::DateTime if text.len() > 10 => crate::datetime::parse_datetime(text.trim())
                .map_or_else(|| Value::Text(text.to_string()), Value::DateTime),
            FieldType::Time => {
                crate::datetime::parse_time(text.trim()).map_or_else(|| Value::Text(text.to_string()), Value::Time)
            }
            FieldType::Uuid => {
                uuid::Uuid::try_parse(text.trim()).map_or_else(|_| Value::Text(text.to_string()), Value::Uuid)
            }
            // The rest is the text SQLite keeps.
            _ => Value::Text(text.into_owned()),
        };
    }
    let parsed = match ty {
        // PostgreSQL and MariaDB put a JSON column's value into the document as JSON: a string
        // here is the JSON string.
        FieldType::Json => Some(Value::Json(Json::String(text.to_string()))),
        FieldType::Decimal => Some(Value::Decimal(text.to_string())),
        // `NaN`, `Infinity`, `-Infinity`.
        FieldType::Float => text.parse().ok().map(Value::Float),
        FieldType::Date => NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok().map(Value::Date),
        FieldType::Time => NaiveTime::parse_from_str(&text, "%H:%M:%S%.f").ok().map(Value::Time),
        // PostgreSQL's timestamptz is shown as it comes, in UTC (the session's zone).
        FieldType::DateTime if column.sql_type.to_ascii_lowercase().starts_with("timestamptz") => {
            Some(Value::DateTimeTz(text.replacen('T', " ", 1)))
        }
        FieldType::DateTime => NaiveDateTime::parse_from_str(&text, "%Y-%m-%dT%H:%M:%S%.f")
            .or_else(|_| NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S%.f"))
            .ok()
            .map(Value::DateTime),
        FieldType::Uuid => text.parse().ok().map(Value::Uuid),
        _ => None,
    };
    // What does not parse (PostgreSQL's `infinity`, MariaDB's zero date) is shown as its text,
    // as the drivers show it.
    parsed.unwrap_or_else(|| Value::Text(text.into_owned()))
}

/// Whether `text` is what SQLite's `quote(x)` writes of a floating-point number: digits, a
/// point, an exponent (an infinity is `9.0e+999`).
fn is_printed_real(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
}

/// Bytes from their hex digits (either case); None when `text` is not hex.
fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use crate::catalog::fixtures::column;
    use serde_json::json;

    use super::*;

    /// One value read from `json`'s text, by a column of `sql_type`.
    fn read(dialect: Dialect, sql_type: &str, json: Json) -> Value {
        let text = json.to_string();
        let mut scan = Scan::new(&text);
        let mut column = column("c", sql_type);
        if sql_type.ends_with("[]") {
            // As PostgreSQL's catalog types an array.
            column.field_type = FieldType::Other(sql_type.into());
        }
        let value = value(&mut scan, &column, dialect).unwrap();
        scan.end().unwrap();
        value
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn every_type_reads_back_as_a_plain_select_shows_it_on_postgres() {
        let pg = Dialect::Postgres;
        assert_eq!(read(pg, "int8", json!(-7)), Value::Int(-7));
        assert_eq!(read(pg, "bool", json!(true)), Value::Bool(true));
        // A float that is whole is still a float (shown `3`, but `3.0` in JSON).
        assert_eq!(read(pg, "float8", json!(3)), Value::Float(3.0));
        assert_eq!(read(pg, "float4", json!(0.1)), Value::Float(0.1));
        assert!(matches!(read(pg, "float8", json!("NaN")), Value::Float(f) if f.is_nan()));
        assert_eq!(read(pg, "float8", json!("-Infinity")), Value::Float(f64::NEG_INFINITY));
        let digits: Json = serde_json::from_str("12345678901234567890.0123456789").unwrap();
        assert_eq!(read(pg, "numeric", digits), Value::Decimal("12345678901234567890.0123456789".into()));
        assert_eq!(read(pg, "numeric(10,2)", serde_json::from_str("3.50").unwrap()), Value::Decimal("3.50".into()));
        assert_eq!(read(pg, "numeric", json!("NaN")), Value::Decimal("NaN".into()));
        assert_eq!(read(pg, "text", json!("it's")), Value::Text("it's".into()));
        assert_eq!(read(pg, "bytea", json!("00ff")), Value::Bytes(vec![0, 255]));
        assert_eq!(read(pg, "date", json!("2024-01-31")), Value::Date(date(2024, 1, 31)));
        assert_eq!(read(pg, "date", json!("infinity")), Value::Text("infinity".into()));
        let noon = date(2024, 1, 31).and_hms_milli_opt(10, 0, 0, 500).unwrap();
        assert_eq!(read(pg, "timestamp", json!("2024-01-31T10:00:00.5")), Value::DateTime(noon));
        assert_eq!(
            read(pg, "timestamptz", json!("2024-01-31T10:00:00.5+00:00")),
            Value::DateTimeTz("2024-01-31 10:00:00.5+00:00".into())
        );
        assert_eq!(read(pg, "time", json!("10:00:00.5")), Value::Time(noon.time()));
        assert_eq!(read(pg, "time", json!("24:00:00")), Value::Text("24:00:00".into()));
        assert_eq!(read(pg, "jsonb", json!({"a": [1, 2]})), Value::Json(json!({"a": [1, 2]})));
        assert_eq!(read(pg, "jsonb", json!("str")), Value::Json(json!("str")));
        assert_eq!(read(pg, "jsonb", json!(5)), Value::Json(json!(5)));
        let uuid = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assert_eq!(read(pg, "uuid", json!(uuid)), Value::Uuid(uuid.parse().unwrap()));
        assert_eq!(read(pg, "interval", json!("1 day 02:00:00")), Value::Text("1 day 02:00:00".into()));
        assert_eq!(read(pg, "int4[]", json!([1, 2])), Value::Array(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(
            read(pg, "date[]", json!([["2024-01-31"], [null]])),
            Value::Array(vec![Value::Array(vec![Value::Date(noon.date())]), Value::Array(vec![Value::Null])])
        );
        for ty in ["int8", "text", "bytea", "date", "jsonb", "uuid", "numeric"] {
            assert_eq!(read(pg, ty, Json::Null), Value::Null, "{ty}");
        }
    }

    #[test]
    fn every_type_reads_back_as_a_plain_select_shows_it_on_mariadb() {
        let my = Dialect::Mysql;
        assert_eq!(read(my, "tinyint(1)", json!(1)), Value::Bool(true));
        assert_eq!(read(my, "tinyint(1)", json!(0)), Value::Bool(false));
        assert_eq!(read(my, "bigint(20)", json!(-9000000000_i64)), Value::Int(-9_000_000_000));
        assert_eq!(read(my, "bigint(20) unsigned", json!(u64::MAX)), Value::UInt(u64::MAX));
        let padded: Json = serde_json::from_str("12.5000000000").unwrap();
        assert_eq!(read(my, "decimal(38,10)", padded), Value::Decimal("12.5000000000".into()));
        assert_eq!(read(my, "double", serde_json::from_str("1e300").unwrap()), Value::Float(1e300));
        assert_eq!(read(my, "float", json!(0.1)), Value::Float(0.1));
        assert_eq!(read(my, "longblob", json!("00FF")), Value::Bytes(vec![0, 255]));
        assert_eq!(read(my, "date", json!("2024-01-31")), Value::Date(date(2024, 1, 31)));
        assert_eq!(read(my, "date", json!("0000-00-00")), Value::Text("0000-00-00".into()));
        let at = date(2024, 1, 31).and_hms_opt(10, 0, 0).unwrap();
        assert_eq!(read(my, "datetime(6)", json!("2024-01-31 10:00:00.000000")), Value::DateTime(at));
        assert_eq!(read(my, "time(6)", json!("10:00:00.000000")), Value::Time(at.time()));
        assert_eq!(read(my, "json", json!({"a": 1})), Value::Json(json!({"a": 1})));
        assert_eq!(read(my, "json", json!("str")), Value::Json(json!("str")));
        let uuid = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        assert_eq!(read(my, "char(36)", json!(uuid)), Value::Text(uuid.into()));
        assert_eq!(read(my, "text", Json::Null), Value::Null);
    }

    #[test]
    fn every_type_reads_back_as_a_plain_select_shows_it_on_sqlite() {
        let lite = Dialect::Sqlite;
        assert_eq!(read(lite, "BOOLEAN", json!(1)), Value::Bool(true));
        assert_eq!(read(lite, "INTEGER", json!(42)), Value::Int(42));
        // By how the value is stored: a whole number in a NUMERIC column is an integer.
        assert_eq!(read(lite, "NUMERIC", json!(3)), Value::Int(3));
        assert_eq!(read(lite, "NUMERIC", json!("12.5")), Value::Float(12.5));
        assert_eq!(read(lite, "REAL", json!("3.000000000000000444e-01")), Value::Float(0.30000000000000004));
        assert_eq!(read(lite, "REAL", json!("0.1")), Value::Float(0.1));
        assert_eq!(read(lite, "REAL", json!("1.0e+300")), Value::Float(1e300));
        assert_eq!(read(lite, "REAL", json!("-9.0e+999")), Value::Float(f64::NEG_INFINITY));
        assert_eq!(read(lite, "REAL", json!("abc")), Value::Text("abc".into()));
        assert_eq!(read(lite, "NUMERIC", json!("NaN")), Value::Text("NaN".into()));
        assert_eq!(read(lite, "BLOB", json!("00FF")), Value::Bytes(vec![0, 255]));
        assert_eq!(read(lite, "BLOB", json!("")), Value::Bytes(vec![]));
        assert_eq!(read(lite, "JSON", json!("{\"a\":1}")), Value::Json(json!({"a": 1})));
        assert_eq!(read(lite, "JSON", json!("not json")), Value::Text("not json".into()));
        assert_eq!(read(lite, "DATE", json!("2024-01-31")), Value::Text("2024-01-31".into()));
        // A datetime or uuid whatever tool spelled it, as the driver reads one.
        let ten = chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap().and_hms_opt(10, 0, 0).unwrap();
        assert_eq!(read(lite, "DATETIME", json!("2024-01-31 10:00:00")), Value::DateTime(ten));
        assert_eq!(read(lite, "DATETIME", json!("2024-01-31 10:00:00.000 +00:00")), Value::DateTime(ten));
        assert_eq!(
            read(lite, "UUID", json!("0b6f9c1e8c574d5e9a432f1d8a7e6b10")),
            Value::Uuid("0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10".parse().unwrap())
        );
        assert_eq!(read(lite, "UUID", json!("x")), Value::Text("x".into()));
        assert_eq!(read(lite, "TEXT", json!(7)), Value::Int(7));
        assert_eq!(read(lite, "TEXT", Json::Null), Value::Null);
    }

    fn load(name: &str, many: bool, columns: &[(&str, &str)], nested: Vec<Load>) -> Load {
        crate::plan::test_load(name, many, columns.iter().map(|(n, t)| column(n, t)).collect(), nested)
    }

    #[test]
    fn documents_nest_lists_and_records_by_position() {
        let items = load("order_items", true, &[("id", "int8"), ("quantity", "int8")], vec![]);
        let user = load("user", false, &[("id", "int8"), ("active", "bool")], vec![]);
        let orders = load("orders", true, &[("id", "int8"), ("paid", "bool")], vec![items, user]);
        // SQLite and MariaDB send arrays; PostgreSQL objects keyed by position.
        let arrays = json!([[1, 1, [[10, 2], [11, 1]], [5, 0]], [2, 0, [], null]]);
        let objects = json!([
            {"0": 1, "1": true, "2": [{"0": 10, "1": 2}, {"0": 11, "1": 1}], "3": {"0": 5, "1": false}},
            {"0": 2, "1": false, "2": [], "3": null}
        ]);
        let expected = Related::Many(vec![
            Record {
                values: vec![Value::Int(1), Value::Bool(true)],
                related: vec![
                    Related::Many(vec![
                        Record { values: vec![Value::Int(10), Value::Int(2)], related: vec![] },
                        Record { values: vec![Value::Int(11), Value::Int(1)], related: vec![] },
                    ]),
                    Related::One(Some(Record { values: vec![Value::Int(5), Value::Bool(false)], related: vec![] })),
                ],
            },
            Record {
                values: vec![Value::Int(2), Value::Bool(false)],
                related: vec![Related::Many(vec![]), Related::One(None)],
            },
        ]);
        for (dialect, document) in
            [(Dialect::Sqlite, &arrays), (Dialect::Mysql, &arrays), (Dialect::Postgres, &objects)]
        {
            // As JSON (PostgreSQL's driver decodes `json`), and as its text.
            assert_eq!(Related::read(&orders, &Value::Json(document.clone()), dialect).unwrap(), expected);
            assert_eq!(Related::read(&orders, &Value::Text(document.to_string()), dialect).unwrap(), expected);
        }
        assert_eq!(Related::read(&orders, &Value::Json(json!([])), Dialect::Sqlite).unwrap(), Related::Many(vec![]));
        assert_eq!(Related::read(&orders, &Value::Null, Dialect::Mysql).unwrap(), Related::Many(vec![]));
        let user = &orders.nested[1];
        assert_eq!(Related::read(user, &Value::Null, Dialect::Postgres).unwrap(), Related::One(None));
    }

    #[test]
    fn a_document_of_the_wrong_shape_is_an_error_not_a_panic() {
        let orders = load("orders", true, &[("id", "int8"), ("total", "numeric")], vec![]);
        let cut = Value::Text("[[1, 2.5],[2, 3".into());
        let err = Related::read(&orders, &cut, Dialect::Mysql).unwrap_err();
        assert_eq!(
            err.message,
            "the database sent what is not the records' JSON (expected `]` at character 15, found the end (a record has 2 values)) for the `orders` records"
        );
        for bad in [json!([[1]]), json!([[1, 2, 3]]), json!({"a": 1}), json!([5]), json!("x")] {
            let text = Value::Text(format!("{bad} "));
            assert!(Related::read(&orders, &Value::Json(bad.clone()), Dialect::Sqlite).is_err(), "{bad}");
            assert!(Related::read(&orders, &text, Dialect::Sqlite).is_err(), "{bad}");
        }
        assert!(Related::read(&orders, &Value::Text("[] []".into()), Dialect::Sqlite).is_err());
        assert!(Related::read(&orders, &Value::Int(3), Dialect::Sqlite).is_err());
    }
}
