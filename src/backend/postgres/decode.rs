//! PostgreSQL's binary wire formats, both ways.
//!
//! sqlx always asks PostgreSQL for results in binary and always sends parameters in binary, so
//! both directions are about bytes whose layout depends on the type:
//!
//! - [`decode`] turns a column value into a [`Value`] by the column's type (its OID, or for a type
//!   the server defined — enum, domain, array, range, composite — its kind). A type not known here
//!   is shown as its text when the bytes are text, as bytes otherwise: never an error.
//! - [`encode`] turns a [`Value`] into the bytes of the type the server *inferred* for the
//!   parameter (see `postgres::query` for why parameters are sent untyped).

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use bigdecimal::BigDecimal;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use serde_json::Value as Json;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgTypeKind};
use sqlx::{Encode, Postgres, TypeInfo};

use crate::datetime::{parse_datetime, parse_time};
use crate::dialect::bind_text;
use crate::value::Value;

// Built-in type OIDs (pg_type.dat); stable across servers, unlike those of extensions.
const BOOL: u32 = 16;
const BYTEA: u32 = 17;
const CHAR: u32 = 18;
const NAME: u32 = 19;
const INT8: u32 = 20;
const INT2: u32 = 21;
const INT4: u32 = 23;
const REGPROC: u32 = 24;
const TEXT: u32 = 25;
const OID: u32 = 26;
const TID: u32 = 27;
const XID: u32 = 28;
const CID: u32 = 29;
const JSON: u32 = 114;
const XML: u32 = 142;
const POINT: u32 = 600;
const CIDR: u32 = 650;
const FLOAT4: u32 = 700;
const FLOAT8: u32 = 701;
const UNKNOWN: u32 = 705;
const MACADDR8: u32 = 774;
const MONEY: u32 = 790;
const MACADDR: u32 = 829;
const INET: u32 = 869;
const BPCHAR: u32 = 1042;
const VARCHAR: u32 = 1043;
const DATE: u32 = 1082;
const TIME: u32 = 1083;
const TIMESTAMP: u32 = 1114;
const TIMESTAMPTZ: u32 = 1184;
const INTERVAL: u32 = 1186;
const TIMETZ: u32 = 1266;
const BIT: u32 = 1560;
const VARBIT: u32 = 1562;
const NUMERIC: u32 = 1700;
const REGPROCEDURE: u32 = 2202;
const REGOPER: u32 = 2203;
const REGOPERATOR: u32 = 2204;
const REGCLASS: u32 = 2205;
const REGTYPE: u32 = 2206;
const RECORD: u32 = 2249;
const CSTRING: u32 = 2275;
const VOID: u32 = 2278;
const UUID: u32 = 2950;
const PG_LSN: u32 = 3220;
const JSONB: u32 = 3802;
const JSONPATH: u32 = 4072;
const REGNAMESPACE: u32 = 4089;
const REGROLE: u32 = 4096;
const XID8: u32 = 5069;
/// OIDs below this are built into the server; above, they belong to extensions and users.
const FIRST_NORMAL_OID: u32 = 16384;

// numeric's sign word.
const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;

/// The type's kind, when sqlx has resolved it. sqlx panics on `kind()` of a type it knows only
/// by a bare OID or name (its `Declare*` forms, whose display name is `?` or which have no OID).
fn kind(ty: &PgTypeInfo) -> Option<&PgTypeKind> {
    (ty.oid().is_some() && ty.name() != "?").then(|| ty.kind())
}

fn pg_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("a valid date")
}

/// Reads big-endian fields off the front of a value.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).and_then(|b| b.try_into().ok())
    }

    fn u8(&mut self) -> Option<u8> {
        self.array::<1>().map(|[b]| b)
    }

    fn i16(&mut self) -> Option<i16> {
        self.array().map(i16::from_be_bytes)
    }

    fn u16(&mut self) -> Option<u16> {
        self.array().map(u16::from_be_bytes)
    }

    fn i32(&mut self) -> Option<i32> {
        self.array().map(i32::from_be_bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.array().map(u32::from_be_bytes)
    }

    fn i64(&mut self) -> Option<i64> {
        self.array().map(i64::from_be_bytes)
    }

    fn f64(&mut self) -> Option<f64> {
        self.array().map(f64::from_be_bytes)
    }

    /// A length-prefixed value (`-1` is NULL).
    fn value(&mut self) -> Option<Option<&'a [u8]>> {
        let len = self.i32()?;
        if len < 0 { Some(None) } else { self.take(usize::try_from(len).ok()?).map(Some) }
    }

    fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// Reads a whole value as one fixed-size field.
fn exact<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.try_into().ok()
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/// A non-NULL value in binary format, by its type.
pub fn decode(ty: &PgTypeInfo, bytes: &[u8]) -> Value {
    decode_known(ty, bytes).unwrap_or_else(|| unknown(bytes))
}

/// A value in text format (only the simple query protocol sends those; ormsh always prepares,
/// but a value is never lost for it).
pub fn decode_text(ty: &PgTypeInfo, text: &str) -> Value {
    let parsed = match ty.oid().map(|o| o.0) {
        Some(BOOL) => Some(Value::Bool(text == "t")),
        Some(INT2 | INT4 | INT8 | OID) => text.parse().ok().map(Value::Int),
        Some(FLOAT4 | FLOAT8) => text.parse().ok().map(Value::Float),
        Some(NUMERIC) => Some(Value::Decimal(text.to_string())),
        Some(JSON | JSONB) => serde_json::from_str(text).ok().map(Value::Json),
        Some(UUID) => text.parse().ok().map(Value::Uuid),
        Some(DATE) => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Value::Date),
        Some(TIMESTAMP) => NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok().map(Value::DateTime),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::Text(text.to_string()))
}

/// A type ormsh does not know: its text when the bytes are printable text, else the bytes.
fn unknown(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) => {
            Value::Text(text.to_string())
        }
        _ => Value::Bytes(bytes.to_vec()),
    }
}

fn text(bytes: &[u8]) -> Option<Value> {
    String::from_utf8(bytes.to_vec()).ok().map(Value::Text)
}

fn decode_known(ty: &PgTypeInfo, b: &[u8]) -> Option<Value> {
    let oid = ty.oid()?.0;
    Some(match oid {
        BOOL => Value::Bool(exact::<1>(b)? != [0]),
        INT2 => Value::Int(i16::from_be_bytes(exact(b)?).into()),
        INT4 => Value::Int(i32::from_be_bytes(exact(b)?).into()),
        INT8 => Value::Int(i64::from_be_bytes(exact(b)?)),
        OID | XID | CID | REGPROC | REGPROCEDURE | REGOPER | REGOPERATOR | REGCLASS | REGTYPE | REGNAMESPACE
        | REGROLE => Value::Int(u32::from_be_bytes(exact(b)?).into()),
        XID8 => unsigned(u64::from_be_bytes(exact(b)?)),
        // A float4 is shown by its shortest decimal form, not widened bit for bit (0.1, not
        // 0.10000000149011612).
        FLOAT4 => {
            let f = f32::from_be_bytes(exact(b)?);
            Value::Float(f.to_string().parse().unwrap_or(f64::from(f)))
        }
        FLOAT8 => Value::Float(f64::from_be_bytes(exact(b)?)),
        NUMERIC => Value::Decimal(numeric_text(b)?),
        MONEY => Value::Decimal(money_text(i64::from_be_bytes(exact(b)?))),
        TEXT | VARCHAR | BPCHAR | NAME | UNKNOWN | XML | CSTRING => text(b)?,
        CHAR => Value::Text(match exact::<1>(b)? {
            [0] => String::new(),
            [c] => char::from(c).to_string(),
        }),
        BYTEA => Value::Bytes(b.to_vec()),
        DATE => match i32::from_be_bytes(exact(b)?) {
            i32::MAX => Value::Text("infinity".into()),
            i32::MIN => Value::Text("-infinity".into()),
            days => Value::Date(pg_epoch().date().checked_add_signed(TimeDelta::try_days(days.into())?)?),
        },
        TIME => {
            let micros = i64::from_be_bytes(exact(b)?);
            time_of_micros(micros).map(Value::Time).unwrap_or_else(|| Value::Text(clock_text(micros)))
        }
        TIMETZ => {
            let mut r = Reader(b);
            let micros = r.i64()?;
            let west = r.i32()?;
            Value::Text(format!("{}{}", clock_text(micros), offset_text(-west)))
        }
        TIMESTAMP => match timestamp(b)? {
            Ok(dt) => Value::DateTime(dt),
            Err(infinite) => Value::Text(infinite.into()),
        },
        TIMESTAMPTZ => match timestamp(b)? {
            Ok(dt) => Value::DateTimeTz(timestamptz_text(&dt)),
            Err(infinite) => Value::DateTimeTz(infinite.into()),
        },
        INTERVAL => {
            let mut r = Reader(b);
            let (micros, days, months) = (r.i64()?, r.i32()?, r.i32()?);
            Value::Text(interval_text(micros, days, months))
        }
        UUID => Value::Uuid(uuid::Uuid::from_slice(b).ok()?),
        JSON => Value::Json(serde_json::from_slice(b).ok()?),
        JSONB => match b.split_first()? {
            (1, json) => Value::Json(serde_json::from_slice(json).ok()?),
            _ => return None,
        },
        JSONPATH => match b.split_first()? {
            (1, path) => text(path)?,
            _ => return None,
        },
        INET | CIDR => Value::Text(inet_text(b)?),
        MACADDR | MACADDR8 if b.len() == 6 || b.len() == 8 => {
            Value::Text(b.iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(":"))
        }
        BIT | VARBIT => {
            let mut r = Reader(b);
            let bits = usize::try_from(r.i32()?).ok()?;
            let data = r.0;
            if data.len() * 8 < bits {
                return None;
            }
            Value::Text((0..bits).map(|i| if data[i / 8] & (0x80 >> (i % 8)) != 0 { '1' } else { '0' }).collect())
        }
        POINT => {
            let mut r = Reader(b);
            Value::Text(format!("({},{})", r.f64()?, r.f64()?))
        }
        TID => {
            let mut r = Reader(b);
            Value::Text(format!("({},{})", r.u32()?, r.u16()?))
        }
        PG_LSN => {
            let lsn = u64::from_be_bytes(exact(b)?);
            Value::Text(format!("{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF))
        }
        VOID => Value::Null,
        RECORD => decode_record(None, b)?,
        _ => match kind(ty)? {
            PgTypeKind::Enum(_) => text(b)?,
            PgTypeKind::Domain(base) => decode_known(base, b)?,
            PgTypeKind::Array(elem) => decode_array(Some(elem), b)?,
            PgTypeKind::Range(elem) => Value::Text(range_text(elem, b)?),
            PgTypeKind::Composite(fields) => decode_record(Some(fields), b)?,
            // citext and other extension types whose binary form is their text.
            PgTypeKind::Simple | PgTypeKind::Pseudo => text(b).filter(|_| oid >= FIRST_NORMAL_OID)?,
        },
    })
}

fn unsigned(u: u64) -> Value {
    i64::try_from(u).map(Value::Int).unwrap_or(Value::UInt(u))
}

/// numeric's binary form (base-10000 digits, a weight and a display scale) as PostgreSQL prints
/// it: every digit kept, trailing zeros up to the scale included.
fn numeric_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let ndigits = r.u16()?;
    let weight = i32::from(r.i16()?);
    let sign = r.u16()?;
    let dscale = usize::from(r.u16()?);
    let digits: Vec<i16> = (0..ndigits).map(|_| r.i16()).collect::<Option<_>>()?;
    match sign {
        NUMERIC_NAN => return Some("NaN".into()),
        NUMERIC_PINF => return Some("Infinity".into()),
        NUMERIC_NINF => return Some("-Infinity".into()),
        NUMERIC_POS | NUMERIC_NEG => {}
        _ => return None,
    }
    if digits.iter().any(|d| !(0..10_000).contains(d)) {
        return None;
    }
    let digit = |i: i32| usize::try_from(i).ok().and_then(|i| digits.get(i)).copied().unwrap_or(0);
    let mut out = String::new();
    if sign == NUMERIC_NEG {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for i in 0..=weight {
            if i == 0 {
                write!(out, "{}", digit(i)).ok()?;
            } else {
                write!(out, "{:04}", digit(i)).ok()?;
            }
        }
    }
    if dscale > 0 {
        let mut fraction = String::with_capacity(dscale + 4);
        let mut i = weight + 1;
        while fraction.len() < dscale {
            write!(fraction, "{:04}", digit(i)).ok()?;
            i += 1;
        }
        fraction.truncate(dscale);
        out.push('.');
        out.push_str(&fraction);
    }
    Some(out)
}

/// money is a count of cents (with the usual two fraction digits of `lc_monetary`).
fn money_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn time_of_micros(micros: i64) -> Option<NaiveTime> {
    let secs = u32::try_from(micros.div_euclid(1_000_000)).ok()?;
    let nanos = u32::try_from(micros.rem_euclid(1_000_000) * 1000).ok()?;
    NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
}

/// `HH:MM:SS[.ffffff]` for a count of microseconds (also past 24 hours, as `time` allows
/// `24:00:00`).
fn clock_text(micros: i64) -> String {
    let abs = micros.unsigned_abs();
    let sign = if micros < 0 { "-" } else { "" };
    let mut out = format!("{sign}{:02}:{:02}:{:02}", abs / 3_600_000_000, abs / 60_000_000 % 60, abs / 1_000_000 % 60);
    let fraction = abs % 1_000_000;
    if fraction != 0 {
        let digits = format!("{fraction:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out
}

/// An offset east of UTC as PostgreSQL prints it: `+02`, `-03:30`.
fn offset_text(east: i32) -> String {
    let sign = if east < 0 { '-' } else { '+' };
    let abs = east.unsigned_abs();
    let mut out = format!("{sign}{:02}", abs / 3600);
    if !abs.is_multiple_of(3600) {
        write!(out, ":{:02}", abs / 60 % 60).ok();
        if !abs.is_multiple_of(60) {
            write!(out, ":{:02}", abs % 60).ok();
        }
    }
    out
}

/// A timestamp's microseconds since 2000-01-01, or `Err` with the name of an infinity.
fn timestamp(b: &[u8]) -> Option<Result<NaiveDateTime, &'static str>> {
    Some(match i64::from_be_bytes(exact(b)?) {
        i64::MAX => Err("infinity"),
        i64::MIN => Err("-infinity"),
        micros => Ok(pg_epoch().checked_add_signed(TimeDelta::microseconds(micros))?),
    })
}

/// A timestamptz is sent as UTC whatever the session's time zone: shown as
/// `YYYY-MM-DD HH:MM:SS[.ffffff]+00:00`.
pub fn timestamptz_text(utc: &NaiveDateTime) -> String {
    let mut out = utc.format("%Y-%m-%d %H:%M:%S").to_string();
    crate::value::push_fraction(&mut out, utc.nanosecond());
    out.push_str("+00:00");
    out
}

/// An interval as PostgreSQL's default `postgres` style prints it: `1 year 2 mons 3 days
/// 04:05:06.5`, `-1 days +02:00:00`, `00:00:00`.
fn interval_text(micros: i64, days: i32, months: i32) -> String {
    let mut out = String::new();
    let mut is_before = false;
    let mut is_zero = true;
    for (value, unit) in [(months / 12, "year"), (months % 12, "mon"), (days, "day")] {
        if value == 0 {
            continue;
        }
        let sep = if is_zero { "" } else { " " };
        let plus = if is_before && value > 0 { "+" } else { "" };
        let plural = if value == 1 { "" } else { "s" };
        write!(out, "{sep}{plus}{value} {unit}{plural}").ok();
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || micros != 0 {
        if !is_zero {
            out.push(' ');
        }
        if is_before && micros > 0 {
            out.push('+');
        }
        out.push_str(&clock_text(micros));
    }
    out
}

fn inet_text(b: &[u8]) -> Option<String> {
    let mut r = Reader(b);
    let (family, bits, is_cidr, len) = (r.u8()?, r.u8()?, r.u8()?, r.u8()?);
    let addr = r.take(len.into())?;
    let (ip, max): (IpAddr, u8) = match family {
        2 => (Ipv4Addr::from(<[u8; 4]>::try_from(addr).ok()?).into(), 32),
        3 => (Ipv6Addr::from(<[u8; 16]>::try_from(addr).ok()?).into(), 128),
        _ => return None,
    };
    Some(if is_cidr != 0 || bits != max { format!("{ip}/{bits}") } else { ip.to_string() })
}

/// An array as a JSON array (nested for several dimensions), each element decoded by its type.
fn decode_array(elem: Option<&PgTypeInfo>, b: &[u8]) -> Option<Value> {
    let mut r = Reader(b);
    let ndim = usize::try_from(r.i32()?).ok()?;
    let _has_nulls = r.i32()?;
    let elem_oid = r.u32()?;
    let fallback = PgTypeInfo::with_oid(Oid(elem_oid));
    let elem = elem.filter(|e| e.oid() == Some(Oid(elem_oid))).unwrap_or(&fallback);
    if ndim == 0 {
        return Some(Value::Json(Json::Array(vec![])));
    }
    let mut dims = Vec::with_capacity(ndim);
    for _ in 0..ndim {
        dims.push(usize::try_from(r.i32()?).ok()?);
        let _lower_bound = r.i32()?;
    }
    let count = dims.iter().try_fold(1usize, |n, d| n.checked_mul(*d))?;
    let mut items = Vec::with_capacity(count.min(r.0.len() / 4));
    for _ in 0..count {
        items.push(match r.value()? {
            None => Json::Null,
            Some(bytes) => decode(elem, bytes).to_json(),
        });
    }
    if !r.done() {
        return None;
    }
    let mut items = items.into_iter();
    Some(Value::Json(nest(&dims, &mut items)))
}

fn nest(dims: &[usize], items: &mut impl Iterator<Item = Json>) -> Json {
    match dims.split_first() {
        Some((n, rest)) => Json::Array((0..*n).map(|_| nest(rest, items)).collect()),
        None => items.next().unwrap_or(Json::Null),
    }
}

/// A range as PostgreSQL prints it: `[1,10)`, `(,5]`, `empty`.
fn range_text(elem: &PgTypeInfo, b: &[u8]) -> Option<String> {
    const EMPTY: u8 = 0x01;
    const LOWER_INCLUSIVE: u8 = 0x02;
    const UPPER_INCLUSIVE: u8 = 0x04;
    const LOWER_INFINITE: u8 = 0x08;
    const UPPER_INFINITE: u8 = 0x10;
    let mut r = Reader(b);
    let flags = r.u8()?;
    if flags & EMPTY != 0 {
        return Some("empty".into());
    }
    let mut bound = |infinite: u8| -> Option<String> {
        if flags & infinite != 0 {
            return Some(String::new());
        }
        let bytes = r.value()??;
        Some(quote_bound(&decode(elem, bytes).to_string()))
    };
    let lower = bound(LOWER_INFINITE)?;
    let upper = bound(UPPER_INFINITE)?;
    let open = if flags & LOWER_INCLUSIVE != 0 { '[' } else { '(' };
    let close = if flags & UPPER_INCLUSIVE != 0 { ']' } else { ')' };
    Some(format!("{open}{lower},{upper}{close}"))
}

fn quote_bound(text: &str) -> String {
    let special = |c: char| c.is_whitespace() || matches!(c, '"' | '\\' | '(' | ')' | '[' | ']' | ',');
    if !text.is_empty() && !text.chars().any(special) {
        return text.to_string();
    }
    let mut out = String::from("\"");
    for c in text.chars() {
        if matches!(c, '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A composite value as a JSON object of its fields (`f1`, `f2`… for an anonymous record).
fn decode_record(fields: Option<&[(String, PgTypeInfo)]>, b: &[u8]) -> Option<Value> {
    let mut r = Reader(b);
    let count = usize::try_from(r.i32()?).ok()?;
    let mut object = serde_json::Map::new();
    for i in 0..count {
        let oid = r.u32()?;
        let field = fields.and_then(|f| f.get(i));
        let name = field.map(|(name, _)| name.clone()).unwrap_or_else(|| format!("f{}", i + 1));
        let fallback = PgTypeInfo::with_oid(Oid(oid));
        let ty = field.map(|(_, ty)| ty).filter(|ty| ty.oid() == Some(Oid(oid))).unwrap_or(&fallback);
        let value = match r.value()? {
            None => Json::Null,
            Some(bytes) => decode(ty, bytes).to_json(),
        };
        object.insert(name, value);
    }
    Some(Value::Json(Json::Object(object)))
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/// The bytes of `value` as a parameter of type `target` (the type the server inferred), `None`
/// for NULL. The error says what could not be sent as what.
pub fn encode(value: &Value, target: &PgTypeInfo) -> Result<Option<Vec<u8>>, String> {
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

fn numeric_bytes(text: &str) -> Option<Vec<u8>> {
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

fn inet_bytes(text: &str, cidr: bool) -> Option<Vec<u8>> {
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

/// A one-dimensional array from a JSON array (or text holding one).
fn array_bytes(value: &Value, elem: &PgTypeInfo, target: &PgTypeInfo) -> Result<Vec<u8>, String> {
    let bad = || mismatch(value, target);
    let items = match value {
        Value::Json(Json::Array(items)) => items.clone(),
        Value::Text(t) => match serde_json::from_str(t) {
            Ok(Json::Array(items)) => items,
            _ => return Err(bad()),
        },
        _ => return Err(bad()),
    };
    let Some(Oid(elem_oid)) = elem.oid() else { return Err(bad()) };
    let is_json = matches!(elem_oid, JSON | JSONB);
    let mut body = Vec::new();
    let mut has_nulls = false;
    for item in &items {
        let item = if is_json { Value::Json(item.clone()) } else { json_scalar(item) };
        match encode(&item, elem)? {
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
    use super::*;

    #[test]
    fn numerics_print_every_digit() {
        let ty = PgTypeInfo::with_oid(Oid(NUMERIC));
        for text in
            ["0", "1.50", "-12345678901234567890.000000000001", "0.0001", "10000", "NaN", "Infinity", "-Infinity"]
        {
            let bytes = numeric_bytes(text).unwrap();
            assert_eq!(numeric_text(&bytes).unwrap(), text, "{text}");
            assert_eq!(decode_known(&ty, &bytes), Some(Value::Decimal(text.into())));
        }
        // Exponents are written out.
        assert_eq!(numeric_text(&numeric_bytes("1e5").unwrap()).unwrap(), "100000");
        assert_eq!(numeric_text(&numeric_bytes("-2.5E-7").unwrap()).unwrap(), "-0.00000025");
    }

    #[test]
    fn intervals_print_like_postgres() {
        assert_eq!(interval_text(2 * 3_600_000_000 + 3 * 60_000_000 + 4_000_000, 1, 0), "1 day 02:03:04");
        assert_eq!(interval_text(0, 0, 0), "00:00:00");
        assert_eq!(interval_text(1_500_000, 3, 14), "1 year 2 mons 3 days 00:00:01.5");
        assert_eq!(interval_text(7_200_000_000, -1, 0), "-1 days +02:00:00");
        assert_eq!(interval_text(-60_000_000, 0, 0), "-00:01:00");
    }

    #[test]
    fn small_formats_round_trip() {
        assert_eq!(inet_text(&inet_bytes("10.0.0.1", false).unwrap()).unwrap(), "10.0.0.1");
        assert_eq!(inet_text(&inet_bytes("10.0.0.0/8", true).unwrap()).unwrap(), "10.0.0.0/8");
        assert_eq!(inet_text(&inet_bytes("::1", false).unwrap()).unwrap(), "::1");
        assert_eq!(offset_text(-19800), "-05:30");
        assert_eq!(offset_text(7200), "+02");
        assert_eq!(money_text(-1234), "-12.34");
        let ts = NaiveDate::from_ymd_opt(2024, 1, 31).unwrap().and_hms_micro_opt(12, 0, 0, 500).unwrap();
        assert_eq!(timestamptz_text(&ts), "2024-01-31 12:00:00.0005+00:00");
        assert_eq!(quote_bound("2024-01-01 00:00:00"), "\"2024-01-01 00:00:00\"");
    }
}
