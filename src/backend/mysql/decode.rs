//! MySQL/MariaDB's rows, read into [`Value`]s. Rows arrive in the binary protocol (in text,
//! for a statement MySQL cannot prepare) and are decoded by each column's type as sqlx names it
//! (`BIGINT UNSIGNED`, `DATETIME`, `VARCHAR`…), refined by the catalog's hints: MariaDB's JSON
//! is a `longtext` with a `json_valid` check, which only the catalog knows.

use sqlx::mysql::MySqlRow;
use sqlx::{Decode, MySql, Row, Type, TypeInfo, ValueRef};

use crate::value::{FieldType, Value};

/// A row's values, each by its column's type and hint.
pub(super) fn decode_row(row: &MySqlRow, hints: &[FieldType]) -> Vec<Value> {
    (0..row.len()).map(|i| decode(row, i, hints.get(i))).collect()
}

/// One value by its column's type, then refined by the hint (the catalog's type for the column):
/// json kept as text by MariaDB, a bool in an integer column.
fn decode(row: &MySqlRow, i: usize, hint: Option<&FieldType>) -> Value {
    let value = decode_by_type(row, i);
    match (hint, value) {
        (Some(FieldType::Json), Value::Text(text)) => match serde_json::from_str(&text) {
            Ok(json) => Value::Json(json),
            Err(_) => Value::Text(text),
        },
        (Some(FieldType::Bool), Value::Int(i)) => Value::Bool(i != 0),
        (Some(FieldType::Uuid), Value::Text(text)) => match uuid::Uuid::parse_str(&text) {
            Ok(uuid) => Value::Uuid(uuid),
            Err(_) => Value::Text(text),
        },
        (_, value) => value,
    }
}

/// One value by its column's type alone.
pub(super) fn decode_by_type(row: &MySqlRow, i: usize) -> Value {
    let Ok(raw) = row.try_get_raw(i) else { return Value::Null };
    let ty = raw.type_info().into_owned();
    if raw.is_null() {
        // sqlx calls a zero date (`0000-00-00`) null; it is shown as it is written.
        let dated = matches!(ty.name(), "DATE" | "DATETIME" | "TIMESTAMP");
        return match <&[u8] as Decode<MySql>>::decode(raw) {
            Ok(bytes) if dated && bytes.first() == Some(&0) => {
                date_time(bytes, ty.name() != "DATE").unwrap_or(Value::Null)
            }
            _ => Value::Null,
        };
    }
    // Decoding never checks the column's type: each arm reads the bytes the way the type says.
    let bytes = <&[u8] as Decode<MySql>>::decode(raw.clone()).unwrap_or_default();
    let decoded = match ty.name() {
        "NULL" => Some(Value::Null),
        "BOOLEAN" => <i64 as Decode<MySql>>::decode(raw).ok().map(|i| Value::Bool(i != 0)),
        "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" | "YEAR" => {
            <i64 as Decode<MySql>>::decode(raw).ok().map(Value::Int)
        }
        "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED" | "BIGINT UNSIGNED"
        | "BIT" => <u64 as Decode<MySql>>::decode(raw).ok().map(unsigned),
        // A FLOAT is shown by its shortest decimal form, not widened bit for bit.
        "FLOAT" => <f32 as Decode<MySql>>::decode(raw)
            .ok()
            .map(|f| Value::Float(f.to_string().parse().unwrap_or(f64::from(f)))),
        "DOUBLE" => <f64 as Decode<MySql>>::decode(raw).ok().map(Value::Float),
        "DECIMAL" => std::str::from_utf8(bytes).ok().map(|d| Value::Decimal(d.to_string())),
        "DATE" => date_time(bytes, false),
        "DATETIME" | "TIMESTAMP" => date_time(bytes, true),
        "TIME" => time(bytes),
        "JSON" => std::str::from_utf8(bytes).ok().map(|text| match serde_json::from_str(text) {
            Ok(json) => Value::Json(json),
            Err(_) => Value::Text(text.to_string()),
        }),
        "GEOMETRY" => Some(Value::Bytes(bytes.to_vec())),
        // Strings and blobs alike: text unless the column's collation is `binary` (the BINARY
        // flag, and so sqlx's name, also marks text with a `_bin` collation).
        _ if <String as Type<MySql>>::compatible(&ty) => std::str::from_utf8(bytes).ok().map(|s| Value::Text(s.into())),
        _ => Some(Value::Bytes(bytes.to_vec())),
    };
    decoded.unwrap_or_else(|| match std::str::from_utf8(bytes) {
        Ok(text) => Value::Text(text.to_string()),
        Err(_) => Value::Bytes(bytes.to_vec()),
    })
}

fn unsigned(u: u64) -> Value {
    i64::try_from(u).map(Value::Int).unwrap_or(Value::UInt(u))
}

/// A DATE, DATETIME or TIMESTAMP: binary `[len][year u16][month][day][hour][minute][second]
/// [micros u32]`, little-endian, shortened when the tail is zero. A zero date (`0000-00-00`,
/// which the server allows without NO_ZERO_DATE) or one out of chrono's range is shown as text.
fn date_time(bytes: &[u8], with_time: bool) -> Option<Value> {
    if bytes.first().is_some_and(u8::is_ascii_digit) {
        return Some(text_date_time(std::str::from_utf8(bytes).ok()?, with_time));
    }
    let (&len, b) = bytes.split_first()?;
    let b = b.get(..usize::from(len))?;
    let field = |i: usize| b.get(i).copied().unwrap_or(0);
    let year = b.get(..2).map_or(0, |y| u16::from_le_bytes([y[0], y[1]]));
    let (month, day, hour, minute, second) = (field(2), field(3), field(4), field(5), field(6));
    let micros = b.get(7..11).map_or(0, |m| u32::from_le_bytes([m[0], m[1], m[2], m[3]]));
    let date = chrono::NaiveDate::from_ymd_opt(year.into(), month.into(), day.into());
    let time = chrono::NaiveTime::from_hms_micro_opt(hour.into(), minute.into(), second.into(), micros);
    Some(match (date, time, with_time) {
        (Some(date), _, false) => Value::Date(date),
        (Some(date), Some(time), true) => Value::DateTime(date.and_time(time)),
        _ => {
            let mut text = format!("{year:04}-{month:02}-{day:02}");
            if with_time {
                text.push_str(&format!(" {hour:02}:{minute:02}:{second:02}"));
                if micros != 0 {
                    text.push_str(&format!(".{micros:06}"));
                }
            }
            Value::Text(text)
        }
    })
}

fn text_date_time(text: &str, with_time: bool) -> Value {
    let parsed = if with_time {
        chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f").ok().map(Value::DateTime)
    } else {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().map(Value::Date)
    };
    parsed.unwrap_or_else(|| Value::Text(text.to_string()))
}

/// A TIME: binary `[len][negative][days u32][hour][minute][second][micros u32]`. MySQL's TIME
/// is a duration (-838:59:59 to 838:59:59): one outside a day is shown as text.
fn time(bytes: &[u8]) -> Option<Value> {
    if bytes.first().is_some_and(|b| b.is_ascii_digit() || *b == b'-') {
        let text = std::str::from_utf8(bytes).ok()?;
        return Some(
            chrono::NaiveTime::parse_from_str(text, "%H:%M:%S%.f")
                .map(Value::Time)
                .unwrap_or_else(|_| Value::Text(text.to_string())),
        );
    }
    let (&len, b) = bytes.split_first()?;
    let b = b.get(..usize::from(len))?;
    let field = |i: usize| b.get(i).copied().unwrap_or(0);
    let negative = field(0) != 0;
    let days = b.get(1..5).map_or(0, |d| u32::from_le_bytes([d[0], d[1], d[2], d[3]]));
    let (hour, minute, second) = (field(5), field(6), field(7));
    let micros = b.get(8..12).map_or(0, |m| u32::from_le_bytes([m[0], m[1], m[2], m[3]]));
    if !negative
        && days == 0
        && let Some(t) = chrono::NaiveTime::from_hms_micro_opt(hour.into(), minute.into(), second.into(), micros)
    {
        return Some(Value::Time(t));
    }
    let hours = u64::from(days) * 24 + u64::from(hour);
    let mut text = format!("{}{hours:02}:{minute:02}:{second:02}", if negative { "-" } else { "" });
    if micros != 0 {
        text.push_str(&format!(".{micros:06}"));
    }
    Some(Value::Text(text))
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use serde_json::json;

    use super::super::introspect;
    use super::super::tests::{hints, select};
    use super::*;
    use crate::backend::test_support::{date, exec, name, server, with_objects};
    use crate::dialect::Sql;

    #[tokio::test]
    async fn mysql_decodes_every_type() {
        let Some(mut conn) = server("mysql_decodes_every_type").await else { return };
        let t = name("mysql_decodes_every_type");
        let create = format!(
            "CREATE TABLE {t} (id INT PRIMARY KEY, b BOOLEAN, ti TINYINT, si SMALLINT, mi MEDIUMINT, i INT, \
             bi BIGINT, ubi BIGINT UNSIGNED, ui INT UNSIGNED, num DECIMAL(30,10), f FLOAT, d DOUBLE, dt DATE, \
             dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), yr YEAR, j JSON, bl BLOB, bin BINARY(3), \
             vb VARBINARY(10), ch CHAR(3), vc VARCHAR(20), tx TEXT, en ENUM('a','b'), st SET('x','y'), \
             bt BIT(8), vcb VARCHAR(10) COLLATE utf8mb4_bin)"
        );
        with_objects(&mut conn, &format!("DROP TABLE IF EXISTS {t}"), &create, async |conn| {
            exec(
                conn,
                &format!(
                    "INSERT INTO {t} VALUES (1, TRUE, -5, -300, -70000, -2000000000, -9000000000, \
                     18446744073709551615, 4000000000, '12345678901234567890.0123456789', 0.1, 2.5, '2024-01-31', \
                     '2024-01-31 12:00:00.25', '2024-01-31 12:00:00', '12:34:56.5', 2024, '{{\"a\": [1, 2]}}', \
                     x'deadbeef', 'abc', x'00ff', 'ab', 'var', 'text', 'b', 'x,y', b'101', 'Bin')"
                ),
            )
            .await;
            exec(conn, &format!("INSERT INTO {t} (id) VALUES (2)")).await;
            let catalog = introspect(conn, None).await.unwrap();
            let hints = hints(&catalog, &t);
            let out = select(conn, Sql::for_test(format!("SELECT * FROM {t} ORDER BY id"), vec![]), &hints).await;
            assert_eq!(out.columns.len(), 28);
            let expected = vec![
                Value::Int(1),
                Value::Bool(true),
                Value::Int(-5),
                Value::Int(-300),
                Value::Int(-70000),
                Value::Int(-2_000_000_000),
                Value::Int(-9_000_000_000),
                Value::UInt(u64::MAX),
                Value::Int(4_000_000_000),
                Value::Decimal("12345678901234567890.0123456789".into()),
                Value::Float(0.1),
                Value::Float(2.5),
                Value::Date(date(2024, 1, 31)),
                Value::DateTime(date(2024, 1, 31).and_hms_milli_opt(12, 0, 0, 250).unwrap()),
                Value::DateTime(date(2024, 1, 31).and_hms_opt(12, 0, 0).unwrap()),
                Value::Time(NaiveTime::from_hms_milli_opt(12, 34, 56, 500).unwrap()),
                Value::Int(2024),
                Value::Json(json!({"a": [1, 2]})),
                Value::Bytes(vec![0xde, 0xad, 0xbe, 0xef]),
                Value::Bytes(b"abc".to_vec()),
                Value::Bytes(vec![0, 255]),
                Value::Text("ab".into()),
                Value::Text("var".into()),
                Value::Text("text".into()),
                Value::Text("b".into()),
                Value::Text("x,y".into()),
                Value::Int(5),
                Value::Text("Bin".into()),
            ];
            for (i, (got, want)) in out.rows[0].iter().zip(&expected).enumerate() {
                assert_eq!(got, want, "column {}", out.columns[i]);
            }
            assert_eq!(out.rows[1][0], Value::Int(2));
            assert!(out.rows[1][1..].iter().all(Value::is_null), "{:?}", out.rows[1]);

            // Expressions, durations beyond a day, and a result with no rows.
            let out = select(
                conn,
                Sql::for_test("SELECT 1.50, CAST('-01:02:03' AS TIME), CAST('100:00:00.5' AS TIME(1)), NULL", vec![]),
                &[],
            )
            .await;
            assert_eq!(
                out.rows[0],
                [
                    Value::Decimal("1.50".into()),
                    Value::Text("-01:02:03".into()),
                    Value::Text("100:00:00.500000".into()),
                    Value::Null
                ]
            );
            let out = select(conn, Sql::for_test(format!("SELECT id, en FROM {t} WHERE 1 = 0"), vec![]), &[]).await;
            assert_eq!(out.columns, ["id", "en"]);
            assert!(out.rows.is_empty());
        })
        .await;
    }
}
