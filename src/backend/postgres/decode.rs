//! PostgreSQL's rows, read into [`Value`]s.
//!
//! sqlx always asks PostgreSQL for results in binary, so a column value is bytes whose layout
//! depends on the type: [`decode`] reads them by the column's type (its OID, or for a type the
//! server defined — enum, domain, array, range, composite — its kind). A type not known here is
//! shown as its text when the bytes are text, as bytes otherwise: never an error.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};
use serde_json::Value as Json;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgRow, PgTypeInfo, PgTypeKind, PgValueFormat};
use sqlx::{Row, ValueRef};

use super::types::*;
use super::{geometry, text_search};
use crate::value::Value;

/// A row's values, each by its column's type.
pub(super) fn decode_row(row: &PgRow) -> Vec<Value> {
    (0..row.len()).map(|i| decode_column(row, i)).collect()
}

/// One value by its column's type: binary, as ormsh always prepares; text, should a value come
/// so.
fn decode_column(row: &PgRow, i: usize) -> Value {
    let Ok(raw) = row.try_get_raw(i) else { return Value::Null };
    if raw.is_null() {
        return Value::Null;
    }
    let ty = raw.type_info().into_owned();
    match raw.format() {
        PgValueFormat::Binary => raw.as_bytes().map(|b| decode(&ty, b)).unwrap_or(Value::Null),
        PgValueFormat::Text => raw.as_str().map(|t| decode_text(&ty, t)).unwrap_or(Value::Null),
    }
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

/// A non-NULL value in binary format, by its type.
fn decode(ty: &PgTypeInfo, bytes: &[u8]) -> Value {
    decode_known(ty, bytes).unwrap_or_else(|| unknown(bytes))
}

/// A value in text format: the simple query protocol sends only those, and raw `sql` asks so
/// for a result that has a column whose binary form ormsh does not read (see `run`).
fn decode_text(ty: &PgTypeInfo, text: &str) -> Value {
    let parsed = match ty.oid().map(|o| o.0) {
        Some(BOOL) => Some(Value::Bool(text == "t")),
        Some(INT2 | INT4 | INT8 | OID) => text.parse().ok().map(Value::Int),
        Some(FLOAT4 | FLOAT8) => text.parse().ok().map(Value::Float),
        Some(NUMERIC) => Some(Value::Decimal(text.to_string())),
        Some(JSON | JSONB) => serde_json::from_str(text).ok().map(Value::Json),
        Some(UUID) => text.parse().ok().map(Value::Uuid),
        Some(DATE) => NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Value::Date),
        Some(TIMESTAMP) => NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok().map(Value::DateTime),
        Some(TIMESTAMPTZ) => Some(Value::DateTimeTz(whole_offset(text))),
        Some(BYTEA) => text.strip_prefix("\\x").and_then(|hex| hex::decode(hex).ok()).map(Value::Bytes),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::Text(text.to_string()))
}

/// A timestamptz's text with its offset in hours and minutes (`+00` → `+00:00`), as the binary
/// form is shown (`timestamptz_text`).
fn whole_offset(text: &str) -> String {
    let bytes = text.as_bytes();
    let hours_only = bytes.len() > 3
        && matches!(bytes[bytes.len() - 3], b'+' | b'-')
        && bytes[bytes.len() - 2..].iter().all(u8::is_ascii_digit)
        && text.contains(':');
    if hours_only { format!("{text}:00") } else { text.to_string() }
}

/// The built-in types whose binary form [`decode_known`] reads by OID alone.
const READ_BY_OID: &[u32] = &[
    BOOL,
    INT2,
    INT4,
    INT8,
    OID,
    XID,
    CID,
    REGPROC,
    REGPROCEDURE,
    REGOPER,
    REGOPERATOR,
    REGCLASS,
    REGTYPE,
    REGNAMESPACE,
    REGROLE,
    XID8,
    FLOAT4,
    FLOAT8,
    NUMERIC,
    MONEY,
    TEXT,
    VARCHAR,
    BPCHAR,
    NAME,
    UNKNOWN,
    XML,
    CSTRING,
    CHAR,
    BYTEA,
    DATE,
    TIME,
    TIMETZ,
    TIMESTAMP,
    TIMESTAMPTZ,
    INTERVAL,
    UUID,
    JSON,
    JSONB,
    JSONPATH,
    INET,
    CIDR,
    MACADDR,
    MACADDR8,
    BIT,
    VARBIT,
    geometry::LINE,
    geometry::LSEG,
    geometry::BOX,
    geometry::PATH,
    geometry::POLYGON,
    geometry::CIRCLE,
    text_search::TSVECTOR,
    text_search::TSQUERY,
    POINT,
    TID,
    PG_LSN,
    VOID,
];

/// Whether ormsh reads this type's binary form (by its OID, or by its kind through types it
/// reads). A result with a column of any other type (an extension's, `aclitem`, `regconfig`…)
/// is asked for as the server's text instead, never shown as the bytes of its binary form. An
/// anonymous record (`row(…)`) is one: its fields' types are known only from its bytes, too
/// late to ask for text.
pub(super) fn reads_binary(ty: &PgTypeInfo) -> bool {
    if ty.oid().is_some_and(|oid| READ_BY_OID.contains(&oid.0)) {
        return true;
    }
    match kind(ty) {
        Some(PgTypeKind::Enum(_)) => true,
        Some(PgTypeKind::Domain(inner) | PgTypeKind::Array(inner) | PgTypeKind::Range(inner)) => reads_binary(inner),
        Some(PgTypeKind::Composite(fields)) => fields.iter().all(|(_, ty)| reads_binary(ty)),
        _ => false,
    }
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
        geometry::LINE | geometry::LSEG | geometry::BOX | geometry::PATH | geometry::POLYGON | geometry::CIRCLE => {
            Value::Text(geometry::decode(oid, b)?)
        }
        text_search::TSVECTOR | text_search::TSQUERY => Value::Text(text_search::decode(oid, b)?),
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
fn timestamptz_text(utc: &NaiveDateTime) -> String {
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

/// An array as an array of values (nested for several dimensions), each element decoded by its
/// type.
fn decode_array(elem: Option<&PgTypeInfo>, b: &[u8]) -> Option<Value> {
    let mut r = Reader(b);
    let ndim = usize::try_from(r.i32()?).ok()?;
    let _has_nulls = r.i32()?;
    let elem_oid = r.u32()?;
    let fallback = PgTypeInfo::with_oid(Oid(elem_oid));
    let elem = elem.filter(|e| e.oid() == Some(Oid(elem_oid))).unwrap_or(&fallback);
    if ndim == 0 {
        return Some(Value::Array(vec![]));
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
            None => Value::Null,
            Some(bytes) => decode(elem, bytes),
        });
    }
    if !r.done() {
        return None;
    }
    let mut items = items.into_iter();
    Some(nest(&dims, &mut items))
}

fn nest(dims: &[usize], items: &mut impl Iterator<Item = Value>) -> Value {
    match dims.split_first() {
        Some((n, rest)) => Value::Array((0..*n).map(|_| nest(rest, items)).collect()),
        None => items.next().unwrap_or(Value::Null),
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

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use serde_json::json;

    use super::super::encode::{inet_bytes, numeric_bytes};
    use super::super::tests::select;
    use super::*;
    use crate::backend::test_support::{date, exec, name, server, with_objects};
    use crate::dialect::Sql;

    #[test]
    fn a_timestamptz_in_text_has_the_offset_the_binary_one_has() {
        assert_eq!(whole_offset("2024-01-02 03:04:05.5+00"), "2024-01-02 03:04:05.5+00:00");
        assert_eq!(whole_offset("2024-01-02 03:04:05-08"), "2024-01-02 03:04:05-08:00");
        assert_eq!(whole_offset("2024-01-02 03:04:05+05:30"), "2024-01-02 03:04:05+05:30");
        assert_eq!(whole_offset("infinity"), "infinity");
        assert_eq!(whole_offset("2024-01-02"), "2024-01-02");
    }

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

    #[tokio::test]
    async fn pg_decodes_every_type() {
        let Some(mut conn) = server("pg_decodes_every_type").await else { return };
        let t = name("pg_decodes_every_type");
        let drop = format!("DROP TABLE IF EXISTS {t}; DROP TYPE IF EXISTS {t}_mood");
        let create = format!(
            "CREATE TYPE {t}_mood AS ENUM ('happy', 'sad'); \
             CREATE TABLE {t} (id int4 PRIMARY KEY, i2 int2, i4 int4, i8 int8, num numeric(30,10), f4 float4, \
             f8 float8, b bool, t text, vc varchar(20), bc char(3), nm name, d date, tm time, ts timestamp, \
             tstz timestamptz, iv interval, u uuid, j json, jb jsonb, by bytea, ai int4[], at text[], \
             mood {t}_mood, o oid, ch \"char\", ip inet, net cidr, m money, r int4range, tz timetz)"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            exec(
                conn,
                &format!(
                    "INSERT INTO {t} VALUES (1, -2, 40000, 9000000000, '12345678901234567890.0123456789', 0.1, \
                     2.5, true, 'hello', 'var', 'ab', 'nm', '2024-01-31', '12:34:56.5', '2024-01-31 12:00:00', \
                     '2024-01-31 12:00:00.25+02', '1 day 02:03:04', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', \
                     '{{\"a\": [1, 2]}}', '{{\"b\": true}}', '\\xdeadbeef', '{{1,2,NULL}}', '{{\"x\",\"y z\"}}', \
                     'sad', 42, 'x', '192.168.0.1', '10.0.0.0/8', 12.34, '[1,5)', '12:00:00+05:30')"
                ),
            )
            .await;
            exec(conn, &format!("INSERT INTO {t} (id) VALUES (2)")).await;
            let out = select(conn, Sql::for_test(format!("SELECT * FROM {t} ORDER BY id"), vec![])).await;
            assert_eq!(out.columns.len(), 31);
            assert_eq!(&out.columns[..3], ["id", "i2", "i4"]);
            let expected = vec![
                Value::Int(1),
                Value::Int(-2),
                Value::Int(40000),
                Value::Int(9_000_000_000),
                Value::Decimal("12345678901234567890.0123456789".into()),
                Value::Float(0.1),
                Value::Float(2.5),
                Value::Bool(true),
                Value::Text("hello".into()),
                Value::Text("var".into()),
                Value::Text("ab ".into()),
                Value::Text("nm".into()),
                Value::Date(date(2024, 1, 31)),
                Value::Time(NaiveTime::from_hms_milli_opt(12, 34, 56, 500).unwrap()),
                Value::DateTime(date(2024, 1, 31).and_hms_opt(12, 0, 0).unwrap()),
                Value::DateTimeTz("2024-01-31 10:00:00.25+00:00".into()),
                Value::Text("1 day 02:03:04".into()),
                Value::Uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".parse().unwrap()),
                Value::Json(json!({"a": [1, 2]})),
                Value::Json(json!({"b": true})),
                Value::Bytes(vec![0xde, 0xad, 0xbe, 0xef]),
                Value::Array(vec![Value::Int(1), Value::Int(2), Value::Null]),
                Value::Array(vec![Value::Text("x".into()), Value::Text("y z".into())]),
                Value::Text("sad".into()),
                Value::Int(42),
                Value::Text("x".into()),
                Value::Text("192.168.0.1".into()),
                Value::Text("10.0.0.0/8".into()),
                Value::Decimal("12.34".into()),
                Value::Text("[1,5)".into()),
                Value::Text("12:00:00+05:30".into()),
            ];
            for (i, (got, want)) in out.rows[0].iter().zip(&expected).enumerate() {
                assert_eq!(got, want, "column {}", out.columns[i]);
            }
            assert_eq!(out.rows[1][0], Value::Int(2));
            assert!(out.rows[1][1..].iter().all(Value::is_null), "{:?}", out.rows[1]);

            // Expressions too, and a result with no rows still has its columns.
            let out = select(
                conn,
                Sql::for_test(
                    "SELECT 'NaN'::numeric, 1.50::numeric, ROW(1, 'a'), pg_sleep(0), '-1 days'::interval",
                    vec![],
                ),
            )
            .await;
            assert_eq!(out.rows[0][0], Value::Decimal("NaN".into()));
            assert_eq!(out.rows[0][1], Value::Decimal("1.50".into()));
            assert_eq!(out.rows[0][2], Value::Json(json!({"f1": 1, "f2": "a"})));
            assert_eq!(out.rows[0][3], Value::Null);
            assert_eq!(out.rows[0][4], Value::Text("-1 days".into()));
            let out = select(conn, Sql::for_test(format!("SELECT id, mood FROM {t} WHERE false"), vec![])).await;
            assert_eq!(out.columns, ["id", "mood"]);
            assert!(out.rows.is_empty());
        })
        .await;
    }
}
