//! [`Value`]s sent as PostgreSQL parameters.
//!
//! sqlx always sends parameters in binary, so each value becomes the bytes of the type the
//! server *inferred* for its parameter (see [`Param`] for why parameters are sent untyped).

use std::net::IpAddr;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde_json::Value as Json;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgTypeKind};
use sqlx::{Encode, Postgres, Type, TypeInfo};

use super::types::*;
use crate::datetime::{parse_datetime, parse_time};
use crate::dialect::bind_text;
use crate::value::Value;

/// A parameter already encoded for the type the server inferred for it.
///
/// Why untyped: PostgreSQL does not convert a typed parameter to a column's type the way it
/// converts a literal. A `text` parameter is refused by an enum column (`operator does not
/// exist: mood = text`) or by a json, inet… column; a NULL typed as `text` is refused by an
/// `int`, `date`, `uuid` or `bool` column in `SET c = $1` (and no one type fits them all); a
/// float8 compared with a `real` column misses (`0.1::real <> 0.1::float8`). A parameter declared
/// with OID 0 is typed by the server from its context, like a quoted literal in psql:
/// `enum_col = $1` makes `$1` the enum, `int4_col = $1` an int4, `LIMIT $1` an int8. ormsh
/// prepares the statement untyped (sqlx caches it by its text), reads the types the server chose
/// from the prepared statement, and encodes each value for its type here ([`encode`]):
/// NULL fits every column, text goes into varchar, bpchar, enums and citext as it is, an int
/// into int2/int4 after a range check, a float into real as a real. The statement sqlx then
/// executes is the cached one, so the types always match the bytes, even when the same text was
/// first prepared with other values. (Binding text as `unknown` alone would not do: sqlx sends
/// every parameter in binary, and the binary form of the type the server infers is not text.)
pub(super) struct Param(Option<Vec<u8>>);

impl Type<Postgres> for Param {
    fn type_info() -> PgTypeInfo {
        untyped()
    }
}

impl Encode<'_, Postgres> for Param {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> std::result::Result<IsNull, BoxDynError> {
        match &self.0 {
            Some(bytes) => {
                buf.extend_from_slice(bytes);
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn size_hint(&self) -> usize {
        self.0.as_ref().map_or(0, Vec::len)
    }
}

/// OID 0 in Parse: "unspecified", the server infers the type.
pub(super) fn untyped() -> PgTypeInfo {
    PgTypeInfo::with_oid(Oid(0))
}

/// `value` as a parameter of type `target` (the type the server inferred). The error says what
/// could not be sent as what.
pub(super) fn param(value: &Value, target: &PgTypeInfo) -> Result<Param, String> {
    encode(value, target).map(Param)
}

/// The bytes of `value` as a parameter of type `target` (the type the server inferred), `None`
/// for NULL. The error says what could not be sent as what.
fn encode(value: &Value, target: &PgTypeInfo) -> Result<Option<Vec<u8>>, String> {
    if value.is_null() {
        return Ok(None);
    }
    encode_value(value, target).map(Some)
}

fn mismatch(value: &Value, target: &PgTypeInfo) -> String {
    let shown = match value {
        Value::Text(_) | Value::Decimal(_) | Value::DateTimeTz(_) => format!("{:?}", value.to_string()),
        other => other.to_string(),
    };
    format!("cannot send {shown} as a PostgreSQL {} value", target.name().to_ascii_lowercase())
}

/// Runs one of sqlx's own encoders into a scratch buffer.
fn sqlx_bytes<'q, T: Encode<'q, Postgres>>(value: &T) -> Result<Vec<u8>, String> {
    let mut buf = PgArgumentBuffer::default();
    match value.encode_by_ref(&mut buf).map_err(|e| e.to_string())? {
        sqlx::encode::IsNull::No => Ok(buf.to_vec()),
        sqlx::encode::IsNull::Yes => Err("unexpected NULL".into()),
    }
}

fn encode_value(value: &Value, target: &PgTypeInfo) -> Result<Vec<u8>, String> {
    let bad = || mismatch(value, target);
    // The server always reports a resolved type for a parameter; without one, text is the best
    // guess.
    let Some(Oid(oid)) = target.oid() else { return Ok(bind_text(value).into_bytes()) };
    Ok(match oid {
        BOOL => vec![u8::from(bool_of(value).ok_or_else(bad)?)],
        INT2 => i16::try_from(int_of(value).ok_or_else(bad)?).map_err(|_| bad())?.to_be_bytes().to_vec(),
        INT4 => i32::try_from(int_of(value).ok_or_else(bad)?).map_err(|_| bad())?.to_be_bytes().to_vec(),
        INT8 => i64::try_from(int_of(value).ok_or_else(bad)?).map_err(|_| bad())?.to_be_bytes().to_vec(),
        OID | XID | CID | REGPROC | REGPROCEDURE | REGOPER | REGOPERATOR | REGCLASS | REGTYPE | REGNAMESPACE
        | REGROLE => u32::try_from(int_of(value).ok_or_else(bad)?).map_err(|_| bad())?.to_be_bytes().to_vec(),
        XID8 => u64::try_from(int_of(value).ok_or_else(bad)?).map_err(|_| bad())?.to_be_bytes().to_vec(),
        // Narrowing to float4 is what the column would do with the value anyway.
        #[allow(clippy::cast_possible_truncation)]
        FLOAT4 => (float_of(value).ok_or_else(bad)? as f32).to_be_bytes().to_vec(),
        FLOAT8 => float_of(value).ok_or_else(bad)?.to_be_bytes().to_vec(),
        NUMERIC => numeric_bytes(&decimal_of(value).ok_or_else(bad)?).ok_or_else(bad)?,
        MONEY => {
            let cents: BigDecimal = BigDecimal::from_str(&decimal_of(value).ok_or_else(bad)?).map_err(|_| bad())? * 100;
            let cents = cents.with_scale_round(0, bigdecimal::RoundingMode::HalfEven);
            i64::from_str(&cents.to_string()).map_err(|_| bad())?.to_be_bytes().to_vec()
        }
        TEXT | VARCHAR | BPCHAR | NAME | UNKNOWN | XML | CSTRING => bind_text(value).into_bytes(),
        CHAR => match bind_text(value).as_bytes() {
            [] => vec![0],
            [c] => vec![*c],
            _ => return Err(bad()),
        },
        BYTEA => match value {
            Value::Bytes(b) => b.clone(),
            other => bind_text(other).into_bytes(),
        },
        DATE => match date_of(value).ok_or_else(bad)? {
            Ok(date) => i32::try_from((date - pg_epoch().date()).num_days()).map_err(|_| bad())?,
            Err(true) => i32::MAX,
            Err(false) => i32::MIN,
        }
        .to_be_bytes()
        .to_vec(),
        TIME => micros_of_time(&time_of(value).ok_or_else(bad)?).to_be_bytes().to_vec(),
        TIMETZ => {
            let (time, east) = timetz_of(value).ok_or_else(bad)?;
            let mut out = micros_of_time(&time).to_be_bytes().to_vec();
            out.extend_from_slice(&(-east).to_be_bytes());
            out
        }
        // A timestamptz is sent as UTC; a datetime without an offset is taken as UTC, like the
        // session's time zone.
        TIMESTAMP | TIMESTAMPTZ => match datetime_of(value).ok_or_else(bad)? {
            Ok(dt) => (dt - pg_epoch()).num_microseconds().ok_or_else(bad)?,
            Err(true) => i64::MAX,
            Err(false) => i64::MIN,
        }
        .to_be_bytes()
        .to_vec(),
        UUID => match value {
            Value::Uuid(u) => u.as_bytes().to_vec(),
            Value::Bytes(b) if b.len() == 16 => b.clone(),
            other => uuid::Uuid::parse_str(bind_text(other).trim()).map_err(|_| bad())?.as_bytes().to_vec(),
        },
        JSON => serde_json::to_vec(&json_of(value)).map_err(|e| e.to_string())?,
        JSONB => {
            let mut out = vec![1];
            serde_json::to_writer(&mut out, &json_of(value)).map_err(|e| e.to_string())?;
            out
        }
        JSONPATH => [&[1u8][..], bind_text(value).as_bytes()].concat(),
        INET | CIDR => inet_bytes(&bind_text(value), oid == CIDR).ok_or_else(bad)?,
        MACADDR | MACADDR8 => {
            let hex: String = bind_text(value).chars().filter(|c| !matches!(c, ':' | '-' | '.')).collect();
            let len = if oid == MACADDR { 12 } else { 16 };
            if hex.len() != len || !hex.is_ascii() {
                return Err(bad());
            }
            (0..len)
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16))
                .collect::<Result<_, _>>()
                .map_err(|_| bad())?
        }
        BIT | VARBIT => {
            let bits = bind_text(value);
            if !bits.chars().all(|c| c == '0' || c == '1') {
                return Err(bad());
            }
            let mut out = i32::try_from(bits.len()).map_err(|_| bad())?.to_be_bytes().to_vec();
            for chunk in bits.as_bytes().chunks(8) {
                out.push(chunk.iter().enumerate().fold(0u8, |byte, (i, c)| byte | (u8::from(*c == b'1') << (7 - i))));
            }
            out
        }
        _ => match kind(target) {
            // An enum's binary form is its label.
            Some(PgTypeKind::Enum(_)) => bind_text(value).into_bytes(),
            Some(PgTypeKind::Domain(base)) => encode_value(value, base)?,
            Some(PgTypeKind::Array(elem)) => array_bytes(value, elem, target)?,
            // Extension types such as citext take their text as their binary form.
            Some(PgTypeKind::Simple) if oid >= FIRST_NORMAL_OID => bind_text(value).into_bytes(),
            _ => return Err(bad()),
        },
    })
}

fn bool_of(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::Int(0) | Value::UInt(0) => Some(false),
        Value::Int(1) | Value::UInt(1) => Some(true),
        Value::Text(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "on" | "1" => Some(true),
            "false" | "f" | "no" | "n" | "off" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn int_of(value: &Value) -> Option<i128> {
    match value {
        Value::Int(i) => Some((*i).into()),
        Value::UInt(u) => Some((*u).into()),
        Value::Bool(b) => Some(i128::from(*b)),
        // Only a whole float is an integer; the cast is exact below 2^53 and range-checked by
        // the caller.
        #[allow(clippy::cast_possible_truncation)]
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e19 => Some(*f as i128),
        Value::Decimal(t) | Value::Text(t) => {
            let t = t.trim();
            t.parse().ok().or_else(|| {
                let d = BigDecimal::from_str(t).ok()?;
                d.is_integer().then(|| d.with_scale(0).to_string().parse().ok()).flatten()
            })
        }
        _ => None,
    }
}

fn float_of(value: &Value) -> Option<f64> {
    match value {
        Value::Float(f) => Some(*f),
        // Integers beyond 2^53 round, as they would in a float column.
        #[allow(clippy::cast_precision_loss)]
        Value::Int(i) => Some(*i as f64),
        #[allow(clippy::cast_precision_loss)]
        Value::UInt(u) => Some(*u as f64),
        Value::Decimal(t) | Value::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// The value as decimal text (numeric's own text form, with NaN and the infinities).
fn decimal_of(value: &Value) -> Option<String> {
    Some(match value {
        Value::Int(i) => i.to_string(),
        Value::UInt(u) => u.to_string(),
        Value::Float(f) if f.is_nan() => "NaN".into(),
        Value::Float(f) if f.is_infinite() => (if *f > 0.0 { "Infinity" } else { "-Infinity" }).into(),
        // Rust prints a float's shortest exact decimal, never with an exponent.
        Value::Float(f) => f.to_string(),
        Value::Decimal(t) | Value::Text(t) => t.trim().to_string(),
        _ => return None,
    })
}

pub(super) fn numeric_bytes(text: &str) -> Option<Vec<u8>> {
    let special = |sign: u16| [0u16, 0, sign, 0].iter().flat_map(|w| w.to_be_bytes()).collect();
    match text.to_ascii_lowercase().as_str() {
        "nan" => Some(special(NUMERIC_NAN)),
        "infinity" | "+infinity" | "inf" | "+inf" => Some(special(NUMERIC_PINF)),
        "-infinity" | "-inf" => Some(special(NUMERIC_NINF)),
        _ => sqlx_bytes(&BigDecimal::from_str(text).ok()?).ok(),
    }
}

/// A date, or `Err(true)` / `Err(false)` for `infinity` / `-infinity`.
fn date_of(value: &Value) -> Option<Result<NaiveDate, bool>> {
    match value {
        Value::Date(d) => Some(Ok(*d)),
        Value::DateTime(dt) => Some(Ok(dt.date())),
        other => {
            let text = bind_text(other);
            let text = text.trim();
            infinity(text).map(Err).or_else(|| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .ok()
                    .or_else(|| parse_datetime(text).map(|dt| dt.date()))
                    .map(Ok)
            })
        }
    }
}

fn infinity(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "infinity" | "+infinity" => Some(true),
        "-infinity" => Some(false),
        _ => None,
    }
}

fn time_of(value: &Value) -> Option<NaiveTime> {
    match value {
        Value::Time(t) => Some(*t),
        Value::DateTime(dt) => Some(dt.time()),
        other => parse_time(bind_text(other).trim()),
    }
}

/// A time with its offset east of UTC (`12:00:00+02`); a time alone is UTC.
fn timetz_of(value: &Value) -> Option<(NaiveTime, i32)> {
    if let Some(time) = time_of(value) {
        return Some((time, 0));
    }
    let text = bind_text(value);
    let text = text.trim();
    let at = text.rfind(['+', '-'])?;
    let (clock, offset) = text.split_at(at);
    let sign = if offset.starts_with('-') { -1 } else { 1 };
    let mut parts = offset[1..].split(':').map(|p| p.parse::<i32>().ok());
    let hours = parts.next()??;
    let minutes = parts.next().flatten().unwrap_or(0);
    Some((parse_time(clock)?, sign * (hours * 3600 + minutes * 60)))
}

fn micros_of_time(time: &NaiveTime) -> i64 {
    i64::from(time.num_seconds_from_midnight()) * 1_000_000 + i64::from(time.nanosecond() / 1000)
}

/// A naive datetime in UTC, or `Err(true)` / `Err(false)` for `infinity` / `-infinity`.
fn datetime_of(value: &Value) -> Option<Result<NaiveDateTime, bool>> {
    match value {
        Value::DateTime(dt) => Some(Ok(*dt)),
        Value::Date(d) => d.and_hms_opt(0, 0, 0).map(Ok),
        other => {
            let text = bind_text(other);
            let text = text.trim();
            infinity(text).map(Err).or_else(|| parse_datetime(text).map(Ok))
        }
    }
}

/// JSON for a json column: JSON values as they are, text that is JSON as that JSON, other text
/// as a JSON string.
fn json_of(value: &Value) -> Json {
    match value {
        Value::Json(j) => j.clone(),
        Value::Text(t) => serde_json::from_str(t).unwrap_or_else(|_| Json::String(t.clone())),
        other => other.to_json(),
    }
}

pub(super) fn inet_bytes(text: &str, cidr: bool) -> Option<Vec<u8>> {
    let text = text.trim();
    let (addr, bits) = match text.split_once('/') {
        Some((addr, bits)) => (addr, Some(bits.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let (family, max, octets): (u8, u8, Vec<u8>) = match IpAddr::from_str(addr).ok()? {
        IpAddr::V4(v4) => (2, 32, v4.octets().to_vec()),
        IpAddr::V6(v6) => (3, 128, v6.octets().to_vec()),
    };
    let bits = bits.unwrap_or(max);
    if bits > max {
        return None;
    }
    let mut out = vec![family, bits, u8::from(cidr), u8::try_from(octets.len()).ok()?];
    out.extend(octets);
    Some(out)
}

/// A one-dimensional array: a list the user typed (its elements checked already), or a JSON
/// array (or text holding one), each element encoded for the element type.
fn array_bytes(value: &Value, elem: &PgTypeInfo, target: &PgTypeInfo) -> Result<Vec<u8>, String> {
    let bad = || mismatch(value, target);
    let Some(Oid(elem_oid)) = elem.oid() else { return Err(bad()) };
    let is_json = matches!(elem_oid, JSON | JSONB);
    let from_json = |items: &[Json]| -> Vec<Value> {
        items.iter().map(|item| if is_json { Value::Json(item.clone()) } else { json_scalar(item) }).collect()
    };
    let items = match value {
        Value::Array(items) => items.clone(),
        Value::Json(Json::Array(items)) => from_json(items),
        Value::Text(t) => match serde_json::from_str(t) {
            Ok(Json::Array(items)) => from_json(&items),
            // PostgreSQL's own text form, as ormsh shows an array and exports it to CSV.
            _ => array_text(t).ok_or_else(bad)?,
        },
        _ => return Err(bad()),
    };
    let mut body = Vec::new();
    let mut has_nulls = false;
    for item in &items {
        if matches!(item, Value::Array(_)) {
            return Err(bad());
        }
        match encode(item, elem)? {
            None => {
                has_nulls = true;
                body.extend_from_slice(&(-1i32).to_be_bytes());
            }
            Some(bytes) => {
                body.extend_from_slice(&i32::try_from(bytes.len()).map_err(|_| bad())?.to_be_bytes());
                body.extend(bytes);
            }
        }
    }
    let mut out = Vec::with_capacity(20 + body.len());
    let ndim: i32 = if items.is_empty() { 0 } else { 1 };
    out.extend_from_slice(&ndim.to_be_bytes());
    out.extend_from_slice(&i32::from(has_nulls).to_be_bytes());
    out.extend_from_slice(&elem_oid.to_be_bytes());
    if ndim == 1 {
        out.extend_from_slice(&i32::try_from(items.len()).map_err(|_| bad())?.to_be_bytes());
        out.extend_from_slice(&1i32.to_be_bytes());
    }
    out.extend(body);
    Ok(out)
}

/// The elements of a one-dimensional array in PostgreSQL's text form (`{a,"b c",NULL}`, `{}`),
/// each as text or NULL; None for any other text (a nested array among them).
fn array_text(text: &str) -> Option<Vec<Value>> {
    let inner = text.trim().strip_prefix('{')?.strip_suffix('}')?;
    let mut items = Vec::new();
    if inner.trim().is_empty() {
        return Some(items);
    }
    let mut chars = inner.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let item = if chars.next_if_eq(&'"').is_some() {
            let mut item = String::new();
            loop {
                match chars.next()? {
                    '"' => break,
                    '\\' => item.push(chars.next()?),
                    c => item.push(c),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            Value::Text(item)
        } else {
            let mut item = String::new();
            while let Some(c) = chars.next_if(|c| !matches!(c, ',' | '"' | '{' | '}')) {
                item.push(if c == '\\' { chars.next()? } else { c });
            }
            let item = item.trim();
            if item.is_empty() {
                return None;
            }
            if item.eq_ignore_ascii_case("null") { Value::Null } else { Value::Text(item.to_string()) }
        };
        items.push(item);
        match chars.next() {
            None => return Some(items),
            Some(',') => {}
            Some(_) => return None,
        }
    }
}

/// An array element from JSON: numbers keep their digits, strings are text.
fn json_scalar(item: &Json) -> Value {
    match item {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .or_else(|| n.as_u64().map(Value::UInt))
            .unwrap_or_else(|| Value::Decimal(n.to_string())),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Json(other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::PgLink;
    use chrono::NaiveTime;
    use serde_json::json;

    use super::super::tests::select;
    use super::super::{execute, fetch, run};
    use crate::backend::test_support::{date, name, server, with_objects};
    use crate::backend::{Collect, Outcome};
    use crate::dialect::Sql;
    use crate::error::{Error, ErrorKind};
    use crate::value::Value;

    async fn select_err(conn: &mut PgLink, sql: Sql) -> Error {
        fetch(conn, &sql, &mut Collect::default()).await.unwrap_err()
    }

    #[tokio::test]
    async fn pg_binds_every_value() {
        let Some(mut conn) = server("pg_binds_every_value").await else { return };
        let t = name("pg_binds_every_value");
        let drop = format!("DROP TABLE IF EXISTS {t}; DROP TYPE IF EXISTS {t}_mood");
        let create = format!(
            "CREATE TYPE {t}_mood AS ENUM ('happy', 'sad'); \
             CREATE TABLE {t} (id int4 PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 real, f8 float8, \
             num numeric, vc varchar(10), mood {t}_mood, by bytea, d date, tm time, ts timestamp, \
             tstz timestamptz, j json, jb jsonb, u uuid, ai int8[])"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            let ts = date(2024, 2, 29).and_hms_micro_opt(23, 59, 58, 123_456).unwrap();
            let values = vec![
                Value::Int(1),
                Value::Bool(true),
                Value::Int(-7),
                Value::Int(70_000),
                Value::UInt(9_000_000_000),
                Value::Float(0.1),
                Value::Float(1e300),
                Value::Decimal("123456789012345678901234567890.000000001".into()),
                Value::Text("var".into()),
                Value::Text("happy".into()),
                Value::Bytes(vec![0, 1, 255]),
                Value::Date(date(2024, 2, 29)),
                Value::Time(NaiveTime::from_hms_micro_opt(1, 2, 3, 4).unwrap()),
                Value::DateTime(ts),
                Value::DateTimeTz("2024-01-31 12:00:00+02:00".into()),
                Value::Json(json!({"k": [1, "two", null]})),
                Value::Json(json!([true, 2.5])),
                Value::Uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".parse().unwrap()),
                Value::Json(json!([1, null, 3])),
            ];
            let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("${i}")).collect();
            let insert = format!("INSERT INTO {t} VALUES ({})", placeholders.join(", "));
            assert_eq!(execute(conn, &Sql::for_test(insert.clone(), values.clone())).await.unwrap(), 1);

            let out = select(conn, Sql::for_test(format!("SELECT * FROM {t}"), vec![])).await;
            let mut expected = values.clone();
            expected[4] = Value::Int(9_000_000_000);
            // An array sent as a JSON array reads back as an array.
            expected[18] = Value::Array(vec![Value::Int(1), Value::Null, Value::Int(3)]);
            expected[14] = Value::DateTimeTz("2024-01-31 10:00:00+00:00".into());
            assert_eq!(out.rows, [expected]);

            // The same statement with NULL everywhere (and a datetime into timestamptz).
            let mut nulls = vec![Value::Int(2)];
            nulls.resize(values.len(), Value::Null);
            nulls[14] = Value::DateTime(ts);
            execute(conn, &Sql::for_test(insert, nulls)).await.unwrap();
            let out =
                select(conn, Sql::for_test(format!("SELECT * FROM {t} WHERE id = $1"), vec![Value::Int(2)])).await;
            assert!(out.rows[0][1..14].iter().all(Value::is_null), "{:?}", out.rows[0]);
            assert_eq!(out.rows[0][14], Value::DateTimeTz("2024-02-29 23:59:58.123456+00:00".into()));

            // SET c = NULL on columns of every type, then the same text with values: the
            // cached statement's types still fit.
            let update = format!("UPDATE {t} SET i4 = $1, d = $2, j = $3, u = $4, b = $5, mood = $6 WHERE id = $7");
            let set_nulls =
                vec![Value::Null, Value::Null, Value::Null, Value::Null, Value::Null, Value::Null, Value::Int(1)];
            assert_eq!(execute(conn, &Sql::for_test(update.clone(), set_nulls)).await.unwrap(), 1);
            let set_values = vec![
                Value::Int(5),
                Value::Date(date(2020, 1, 1)),
                Value::Json(json!(1)),
                Value::Uuid(uuid::Uuid::nil()),
                Value::Bool(false),
                Value::Text("sad".into()),
                Value::Int(2),
            ];
            assert_eq!(execute(conn, &Sql::for_test(update, set_values)).await.unwrap(), 1);

            // Comparisons: text with an enum, a float with a real, LIMIT, IN.
            let find = |column: &str, value: Value| {
                Sql::for_test(
                    format!("SELECT id FROM {t} WHERE {column} = $1 ORDER BY id LIMIT $2"),
                    vec![value, Value::Int(10)],
                )
            };
            assert_eq!(select(conn, find("mood", Value::Text("sad".into()))).await.rows, [[Value::Int(2)]]);
            assert_eq!(select(conn, find("f4", Value::Float(0.1))).await.rows, [[Value::Int(1)]]);
            assert_eq!(select(conn, find("vc", Value::Text("var".into()))).await.rows, [[Value::Int(1)]]);
            assert_eq!(select(conn, find("i4", Value::Int(5))).await.rows, [[Value::Int(2)]]);
            assert_eq!(select(conn, find("tstz", Value::DateTime(ts))).await.rows, [[Value::Int(2)]]);
            let within = Sql::for_test(
                format!("SELECT id FROM {t} WHERE i2 IN ($1, $2) OR d IS NULL ORDER BY id"),
                vec![Value::Int(-7), Value::Int(3)],
            );
            assert_eq!(select(conn, within).await.rows, [[Value::Int(1)]]);

            // A value that cannot be one of the column's type is refused before it is sent.
            let err = execute(conn, &Sql::for_test(format!("UPDATE {t} SET i2 = $1"), vec![Value::Int(70_000)]))
                .await
                .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Value, "{err}");
            let err = select_err(conn, find("i4", Value::Text("abc".into()))).await;
            assert_eq!(err.kind, ErrorKind::Value, "{err}");

            // `run` tells statements from queries.
            let mut sink = Collect::default();
            let outcome =
                run(conn, &Sql::for_test(format!("DELETE FROM {t} WHERE id = 2"), vec![]), &mut sink).await.unwrap();
            assert!(matches!(outcome, Outcome::Affected(1)));
            let outcome =
                run(conn, &Sql::for_test(format!("SELECT count(*) AS n FROM {t}"), vec![]), &mut sink).await.unwrap();
            assert!(matches!(outcome, Outcome::Rows));
            assert_eq!(sink.columns, ["n"]);
            assert_eq!(sink.rows, [[Value::Int(1)]]);
        })
        .await;
    }

    #[tokio::test]
    async fn pg_binds_into_domains_arrays_and_text_types() {
        let Some(mut conn) = server("pg_binds_into_domains_arrays_and_text_types").await else {
            return;
        };
        let t = name("pg_binds_into_domains_arrays_and_text_types");
        let drop = format!("DROP TABLE IF EXISTS {t}; DROP DOMAIN IF EXISTS {t}_pos; DROP TYPE IF EXISTS {t}_mood");
        let create = format!(
            "CREATE DOMAIN {t}_pos AS int4 CHECK (VALUE > 0); CREATE TYPE {t}_mood AS ENUM ('happy', 'sad'); \
             CREATE TABLE {t} (id {t}_pos PRIMARY KEY, moods {t}_mood[], words text[], ip inet, flags bit(4), \
             c char(2), j jsonb, m macaddr)"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            let values = vec![
                Value::Int(3),
                Value::Json(json!(["sad", "happy"])),
                // As a list the user typed is sent.
                Value::Array(vec![Value::Text("a".into()), Value::Null, Value::Text("b c".into())]),
                Value::Text("10.1.2.3/16".into()),
                Value::Text("1010".into()),
                Value::Text("ab".into()),
                Value::Text("not json".into()),
                Value::Text("08:00:2b:01:02:03".into()),
            ];
            let insert = format!("INSERT INTO {t} VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
            execute(conn, &Sql::for_test(insert, values)).await.unwrap();
            let out = select(conn, Sql::for_test(format!("SELECT * FROM {t}"), vec![])).await;
            assert_eq!(
                out.rows[0],
                [
                    Value::Int(3),
                    Value::Array(vec![Value::Text("sad".into()), Value::Text("happy".into())]),
                    Value::Array(vec![Value::Text("a".into()), Value::Null, Value::Text("b c".into())]),
                    Value::Text("10.1.2.3/16".into()),
                    Value::Text("1010".into()),
                    Value::Text("ab".into()),
                    Value::Json(json!("not json")),
                    Value::Text("08:00:2b:01:02:03".into()),
                ]
            );
            let by_domain = Sql::for_test(format!("SELECT count(*) FROM {t} WHERE id = $1"), vec![Value::Int(3)]);
            assert_eq!(select(conn, by_domain).await.rows, [[Value::Int(1)]]);
            let like =
                Sql::for_test(format!("SELECT count(*) FROM {t} WHERE c LIKE $1"), vec![Value::Text("a%".into())]);
            assert_eq!(select(conn, like).await.rows, [[Value::Int(1)]]);
            // The domain's check is the server's to make.
            let bad = Sql::for_test(format!("UPDATE {t} SET id = $1"), vec![Value::Int(-1)]);
            assert_eq!(execute(conn, &bad).await.unwrap_err().kind, ErrorKind::Database);
        })
        .await;
    }
}

/// One row of `COPY … (FORMAT csv)` data: each value's text form quoted (so that an empty
/// string stays one), NULL an empty unquoted field.
pub fn copy_csv_row(out: &mut Vec<u8>, row: &[Value]) {
    use std::io::Write as _;
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if value.is_null() {
            continue;
        }
        let start = out.len();
        out.push(b'"');
        let _ = write!(out, "{value}");
        // Double the quotes inside, after the opening one.
        if out[start + 1..].contains(&b'"') {
            let text: Vec<u8> = out.drain(start + 1..).collect();
            for byte in text {
                if byte == b'"' {
                    out.push(b'"');
                }
                out.push(byte);
            }
        }
        out.push(b'"');
    }
    out.push(b'\n');
}

#[cfg(test)]
mod copy_tests {
    use super::*;

    #[test]
    fn arrays_are_read_from_the_text_postgresql_prints() {
        let text = |s: &str| Value::Text(s.into());
        assert_eq!(array_text("{}"), Some(vec![]));
        assert_eq!(
            array_text(r#"{a,"b c",NULL,"NULL", d e ,"x,\"y\\"}"#),
            Some(vec![text("a"), text("b c"), Value::Null, text("NULL"), text("d e"), text("x,\"y\\")])
        );
        // What `Value::Array` prints reads back as the same elements.
        let items = vec![text(""), text("{}"), Value::Null, text("a\\b")];
        assert_eq!(array_text(&Value::Array(items.clone()).to_string()), Some(items));
        for bad in ["", "{", "{a", "{{1,2}}", "{a,}", "{,a}", r#"{"a"b}"#, "[1]"] {
            assert_eq!(array_text(bad), None, "{bad}");
        }
    }

    #[test]
    fn copy_rows_quote_every_value_and_leave_null_empty() {
        let mut out = Vec::new();
        copy_csv_row(
            &mut out,
            &[Value::Int(1), Value::Null, Value::Text(String::new()), Value::Text("a \"b\",\nc".into())],
        );
        copy_csv_row(&mut out, &[Value::Bytes(vec![0, 255]), Value::Bool(true)]);
        assert_eq!(String::from_utf8(out).unwrap(), "\"1\",,\"\",\"a \"\"b\"\",\nc\"\n\"\\x00ff\",\"true\"\n");
    }
}
