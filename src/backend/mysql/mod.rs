//! MySQL and MariaDB. Rows arrive in the binary protocol and are decoded by each column's type
//! as sqlx names it (`BIGINT UNSIGNED`, `DATETIME`, `VARCHAR`…), refined by the catalog's hints:
//! MariaDB's JSON is a `longtext` with a `json_valid` check, which only the catalog knows.

use std::str::FromStr;

use futures_util::TryStreamExt;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::mysql::{MySqlArguments, MySqlConnectOptions, MySqlDatabaseError, MySqlRow, MySqlTypeInfo};
use sqlx::{
    Column as _, Connection, Decode, Either, Encode, Executor, MySql, MySqlConnection, Row, SqlSafeStr, Statement,
    Type, TypeInfo, ValueRef,
};

use super::{Outcome, RowSink, ServerTx, connect_error, db_error};
use crate::catalog::{Catalog, Column, ForeignKey, field_type_of};
use crate::dialect::Sql;
use crate::dialect::mysql as dialect;
use crate::error::Result;
use crate::value::{FieldType, Value};

type Query<'q> = sqlx::query::Query<'q, MySql, MySqlArguments>;

pub async fn connect(url: &str) -> Result<MySqlConnection> {
    // sqlx knows the scheme `mysql` only; MariaDB speaks the same protocol.
    let sqlx_url = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mariadb") => format!("mysql://{rest}"),
        _ => url.to_string(),
    };
    let options = MySqlConnectOptions::from_str(&sqlx_url)
        .map_err(|e| connect_error(url, e))?
        // TIMESTAMP columns are stored in UTC and converted to the session's zone: UTC in, UTC
        // out, like PostgreSQL's session.
        .timezone(Some("+00:00".to_string()))
        // sqlx would add PIPES_AS_CONCAT to sql_mode; the user's own SQL keeps the server's
        // meaning of `||`.
        .pipes_as_concat(false);
    let mut conn = MySqlConnection::connect_with(&options).await.map_err(|e| connect_error(url, e))?;
    conn.execute(dialect::strict_mode().sqlx_text()).await.map_err(|e| connect_error(url, e))?;
    Ok(conn)
}

/// A decimal sent as its exact text, typed DECIMAL so that MySQL compares it with a DECIMAL
/// column as a decimal (a string would be compared as a double).
struct Decimal(String);

impl Type<MySql> for Decimal {
    fn type_info() -> MySqlTypeInfo {
        <bigdecimal::BigDecimal as Type<MySql>>::type_info()
    }
}

impl Encode<'_, MySql> for Decimal {
    fn encode_by_ref(&self, buf: &mut Vec<u8>) -> std::result::Result<IsNull, BoxDynError> {
        <&str as Encode<MySql>>::encode_by_ref(&self.0.as_str(), buf)
    }
}

fn query(sql: &Sql) -> Query<'static> {
    sql.params().iter().fold(sqlx::query(sql.sqlx_text()), bind)
}

/// MySQL converts a bound value to its column's type as it converts a literal, so each value is
/// sent as its own type.
fn bind(q: Query<'static>, value: &Value) -> Query<'static> {
    match value {
        Value::Null => q.bind(None::<String>),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::UInt(u) => q.bind(*u),
        Value::Float(f) => q.bind(*f),
        Value::Decimal(d) => q.bind(Decimal(d.clone())),
        Value::Text(s) => q.bind(s.clone()),
        Value::Bytes(b) => q.bind(b.clone()),
        Value::Date(d) => q.bind(*d),
        Value::Time(t) => q.bind(*t),
        Value::DateTime(dt) => q.bind(*dt),
        // MySQL's DATETIME and TIMESTAMP hold no offset: the instant in UTC, the session's zone.
        Value::DateTimeTz(text) => match chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z")
            .or_else(|_| chrono::DateTime::parse_from_rfc3339(text))
        {
            Ok(dt) => q.bind(dt.naive_utc()),
            Err(_) => q.bind(text.clone()),
        },
        Value::Json(j) => q.bind(j.to_string()),
        Value::Uuid(u) => q.bind(u.hyphenated().to_string()),
    }
}

/// The server's own word on the transaction: MariaDB's `@@in_transaction`, kept from the same
/// status flag every OK packet carries (sqlx reads that flag but does not show it). MySQL has no
/// such variable; there the question fails and the session keeps its own view.
pub async fn transaction_status(conn: &mut MySqlConnection) -> Result<ServerTx> {
    let mut rows = super::Collect::default();
    fetch(conn, &dialect::in_transaction(), &[FieldType::Int], &mut rows).await?;
    match rows.rows.first().and_then(|row| row.first()) {
        Some(Value::Int(0) | Value::UInt(0)) => Ok(ServerTx::Idle),
        Some(Value::Int(_) | Value::UInt(_)) => Ok(ServerTx::Open),
        other => Err(crate::error::Error::new(
            crate::error::ErrorKind::Database,
            format!("unexpected @@in_transaction {other:?}"),
        )),
    }
}

/// Whether MySQL refused to prepare the statement (ER_UNSUPPORTED_PS: `PREPARE`, `EXECUTE`, and
/// on MySQL a few more such as `USE`). Such a statement, when it has no parameters, is sent as
/// text instead.
fn cannot_prepare(sql: &Sql, err: &sqlx::Error) -> bool {
    const ER_UNSUPPORTED_PS: u16 = 1295;
    sql.params().is_empty()
        && matches!(err, sqlx::Error::Database(db)
            if db.try_downcast_ref::<MySqlDatabaseError>().is_some_and(|e| e.number() == ER_UNSUPPORTED_PS))
}

pub async fn execute(conn: &mut MySqlConnection, sql: &Sql) -> Result<u64> {
    let affected = match query(sql).execute(&mut *conn).await {
        Ok(done) => done.rows_affected(),
        Err(e) if cannot_prepare(sql, &e) => {
            sqlx::raw_sql(sql.sqlx_text()).execute(&mut *conn).await.map_err(db_error)?.rows_affected()
        }
        Err(e) => return Err(db_error(e)),
    };
    if crate::raw_sql::changes_schema(sql.text()) {
        conn.clear_cached_statements().await.map_err(db_error)?;
    }
    Ok(affected)
}

pub async fn fetch(conn: &mut MySqlConnection, sql: &Sql, hints: &[FieldType], sink: &mut dyn RowSink) -> Result<()> {
    let mut rows = query(sql).fetch(&mut *conn);
    let mut started = false;
    loop {
        let next = rows.try_next().await;
        let row = match next {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(e) if !started && cannot_prepare(sql, &e) => {
                drop(rows);
                if let Outcome::Affected(_) = run_text(conn, sql, hints, sink).await? {
                    sink.columns(&[])?;
                }
                return Ok(());
            }
            Err(e) => return Err(db_error(e)),
        };
        if !started {
            sink.columns(&column_names(&row))?;
            started = true;
        }
        if !sink.row(&decode_row(&row, hints))? {
            break;
        }
    }
    drop(rows);
    if !started {
        let statement = conn.prepare(sql.sqlx_text().into_sql_str()).await.map_err(db_error)?;
        let names: Vec<String> = statement.columns().iter().map(|c| c.name().to_string()).collect();
        sink.columns(&names)?;
    }
    Ok(())
}

pub async fn run(conn: &mut MySqlConnection, sql: &Sql, catalog: &Catalog, sink: &mut dyn RowSink) -> Result<Outcome> {
    let statement = match conn.prepare(sql.sqlx_text().into_sql_str()).await {
        Ok(statement) => statement,
        Err(e) if cannot_prepare(sql, &e) => {
            let outcome = run_text(conn, sql, &[], sink).await?;
            if crate::raw_sql::changes_schema(sql.text()) {
                conn.clear_cached_statements().await.map_err(db_error)?;
            }
            return Ok(outcome);
        }
        Err(e) => return Err(db_error(e)),
    };
    if statement.columns().is_empty() {
        return execute(conn, sql).await.map(Outcome::Affected);
    }
    // A column read straight from a table has that column's type (json on MariaDB).
    let hints: Vec<FieldType> = statement
        .columns()
        .iter()
        .map(|c| {
            c.origin()
                .table_column()
                .and_then(|origin| {
                    // The origin is `database.table`; the catalog holds the current database's.
                    let table = origin.table.rsplit('.').next().unwrap_or(&origin.table);
                    catalog.table(table)?.column(&origin.name).map(|col| col.field_type.clone())
                })
                .unwrap_or(FieldType::Other(String::new()))
        })
        .collect();
    fetch(conn, sql, &hints, sink).await.map(|()| Outcome::Rows)
}

/// A statement MySQL cannot prepare, sent as text: its rows (in text form, which `decode` reads
/// too) go to `sink`, or the number of rows it changed is returned.
async fn run_text(
    conn: &mut MySqlConnection,
    sql: &Sql,
    hints: &[FieldType],
    sink: &mut dyn RowSink,
) -> Result<Outcome> {
    let mut steps = sqlx::raw_sql(sql.sqlx_text()).fetch_many(&mut *conn);
    let mut affected = 0;
    let mut started = false;
    while let Some(step) = steps.try_next().await.map_err(db_error)? {
        match step {
            Either::Left(done) => affected += done.rows_affected(),
            Either::Right(row) => {
                if !started {
                    sink.columns(&column_names(&row))?;
                    started = true;
                }
                if !sink.row(&decode_row(&row, hints))? {
                    break;
                }
            }
        }
    }
    Ok(if started { Outcome::Rows } else { Outcome::Affected(affected) })
}

fn column_names(row: &MySqlRow) -> Vec<String> {
    row.columns().iter().map(|c| c.name().to_string()).collect()
}

fn decode_row(row: &MySqlRow, hints: &[FieldType]) -> Vec<Value> {
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

fn decode_by_type(row: &MySqlRow, i: usize) -> Value {
    let Ok(raw) = row.try_get_raw(i) else { return Value::Null };
    if raw.is_null() {
        return Value::Null;
    }
    let ty = raw.type_info().into_owned();
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

async fn rows(conn: &mut MySqlConnection, sql: Sql) -> Result<Vec<MySqlRow>> {
    sqlx::query(sql.sqlx_text()).fetch_all(&mut *conn).await.map_err(db_error)
}

/// A text column of an introspection row (information_schema's text may arrive as binary).
fn text_at(row: &MySqlRow, i: usize) -> Option<String> {
    match decode_by_type(row, i) {
        Value::Text(s) => Some(s),
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn int_at(row: &MySqlRow, i: usize) -> i64 {
    match decode_by_type(row, i) {
        Value::Int(i) => i,
        Value::Bool(b) => i64::from(b),
        Value::Text(s) | Value::Decimal(s) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// The ormsh type of a column from its `COLUMN_TYPE`. Besides `field_type_of`: MariaDB's JSON
/// (a longtext with a `json_valid` check), BIT and YEAR (numbers), and the geometry types, whose
/// names (`point`, `multipoint`) would otherwise pass for ints.
fn field_type(column_type: &str, json_checked: bool) -> FieldType {
    let base = column_type.split(['(', ' ']).next().unwrap_or("").to_ascii_lowercase();
    match base.as_str() {
        _ if json_checked => FieldType::Json,
        "bit" | "year" => FieldType::Int,
        "geometry" | "point" | "linestring" | "polygon" | "multipoint" | "multilinestring" | "multipolygon"
        | "geometrycollection" | "geomcollection" => FieldType::Other(column_type.to_string()),
        _ => field_type_of(column_type),
    }
}

/// Reads every table of `DATABASE()` with three information_schema queries (after asking which
/// server this is), whatever the number of tables.
pub async fn introspect(conn: &mut MySqlConnection) -> Result<Catalog> {
    let version = rows(conn, dialect::version_query()).await?;
    let mariadb = version.first().and_then(|r| text_at(r, 0)).is_some_and(|v| v.contains("MariaDB"));

    let mut catalog = Catalog::default();
    for row in rows(conn, dialect::columns_query(mariadb)).await? {
        let table = text_at(&row, 0).unwrap_or_default();
        let sql_type = text_at(&row, 2).unwrap_or_default();
        let nullable = text_at(&row, 3).is_some_and(|n| n.eq_ignore_ascii_case("YES"));
        // MariaDB reports "no default" on a nullable column as the expression NULL.
        let default = text_at(&row, 4).filter(|d| !(mariadb && d == "NULL"));
        let extra = text_at(&row, 5).unwrap_or_default().to_ascii_lowercase();
        let json_checked = int_at(&row, 6) != 0;
        catalog.add_column(
            &table,
            Column {
                name: text_at(&row, 1).unwrap_or_default(),
                field_type: field_type(&sql_type, json_checked),
                sql_type,
                nullable,
                primary_key: false,
                has_default: default.is_some() || extra.contains("auto_increment") || extra.contains("generated"),
                default,
            },
        );
    }

    // Only single-column foreign keys are references.
    let fk_rows: Vec<[Option<String>; 5]> = rows(conn, dialect::foreign_keys_query())
        .await?
        .iter()
        .map(|r| std::array::from_fn(|i| text_at(r, i)))
        .collect();
    for row in &fk_rows {
        let [Some(table), constraint, Some(column), Some(ref_table), Some(ref_column)] = row.clone() else { continue };
        if fk_rows.iter().filter(|r| r[0].as_ref() == Some(&table) && r[1] == constraint).count() > 1 {
            continue;
        }
        if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(ForeignKey { column, ref_table, ref_column });
        }
    }

    // The primary key is the index named PRIMARY, shown as the key rather than as an index.
    for row in rows(conn, dialect::indexes_query()).await? {
        let (Some(table), Some(name)) = (text_at(&row, 0), text_at(&row, 1)) else { continue };
        let unique = int_at(&row, 2) == 0;
        let column = text_at(&row, 3);
        let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) else { continue };
        if name == "PRIMARY" {
            if let Some(c) = t.columns.iter_mut().find(|c| Some(&c.name) == column.as_ref()) {
                c.primary_key = true;
                c.nullable = false;
            }
            continue;
        }
        t.add_index_column(name, unique, column);
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use serde_json::json;

    use super::*;
    use crate::backend::Collect;
    use crate::backend::test_support::{date, exec, name, server, server_url, with_objects};
    use crate::catalog::Index;
    use crate::error::ErrorKind;

    async fn select(conn: &mut MySqlConnection, sql: Sql, hints: &[FieldType]) -> Collect {
        let mut out = Collect::default();
        fetch(conn, &sql, hints, &mut out).await.unwrap_or_else(|e| panic!("{}: {e}", sql.text()));
        out
    }

    fn hints(catalog: &Catalog, table: &str) -> Vec<FieldType> {
        catalog.table(table).expect("table in catalog").columns.iter().map(|c| c.field_type.clone()).collect()
    }

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
            let catalog = introspect(conn).await.unwrap();
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

    #[tokio::test]
    async fn mysql_binds_every_value() {
        let Some(mut conn) = server("mysql_binds_every_value").await else { return };
        let t = name("mysql_binds_every_value");
        let create = format!(
            "CREATE TABLE {t} (id INT PRIMARY KEY, b BOOLEAN, i INT, ubi BIGINT UNSIGNED, f DOUBLE, \
             num DECIMAL(38,10), vc VARCHAR(10), en ENUM('happy','sad'), bl BLOB, d DATE, tm TIME(6), \
             dtm DATETIME(6), tz DATETIME(6), j JSON, u CHAR(36))"
        );
        with_objects(&mut conn, &format!("DROP TABLE IF EXISTS {t}"), &create, async |conn| {
            let ts = date(2024, 2, 29).and_hms_micro_opt(23, 59, 58, 123_456).unwrap();
            let values = vec![
                Value::Int(1),
                Value::Bool(true),
                Value::Int(-7),
                Value::UInt(u64::MAX),
                Value::Float(0.1),
                Value::Decimal("1234567890123456789012345678.0000000001".into()),
                Value::Text("var".into()),
                Value::Text("happy".into()),
                Value::Bytes(vec![0, 1, 255]),
                Value::Date(date(2024, 2, 29)),
                Value::Time(NaiveTime::from_hms_micro_opt(1, 2, 3, 4).unwrap()),
                Value::DateTime(ts),
                Value::DateTimeTz("2024-01-31 12:00:00+02:00".into()),
                Value::Json(json!({"k": [1, "two", null]})),
                Value::Uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".parse().unwrap()),
            ];
            let insert = format!("INSERT INTO {t} VALUES ({})", vec!["?"; values.len()].join(", "));
            assert_eq!(execute(conn, &Sql::for_test(insert.clone(), values.clone())).await.unwrap(), 1);
            let mut nulls = vec![Value::Int(2)];
            nulls.resize(values.len(), Value::Null);
            execute(conn, &Sql::for_test(insert, nulls)).await.unwrap();

            let catalog = introspect(conn).await.unwrap();
            let hints = hints(&catalog, &t);
            let out = select(conn, Sql::for_test(format!("SELECT * FROM {t} ORDER BY id"), vec![]), &hints).await;
            let mut expected = values.clone();
            expected[12] = Value::DateTime(date(2024, 1, 31).and_hms_opt(10, 0, 0).unwrap());
            expected[14] = Value::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into());
            assert_eq!(out.rows[0], expected);
            assert!(out.rows[1][1..].iter().all(Value::is_null), "{:?}", out.rows[1]);

            // SET c = NULL, then values, with the same statement text.
            let update = format!("UPDATE {t} SET i = ?, d = ?, j = ?, b = ?, en = ? WHERE id = ?");
            let set_nulls = vec![Value::Null, Value::Null, Value::Null, Value::Null, Value::Null, Value::Int(1)];
            assert_eq!(execute(conn, &Sql::for_test(update.clone(), set_nulls)).await.unwrap(), 1);
            let set_values = vec![
                Value::Int(5),
                Value::Date(date(2020, 1, 1)),
                Value::Json(json!(1)),
                Value::Bool(false),
                Value::Text("sad".into()),
                Value::Int(2),
            ];
            assert_eq!(execute(conn, &Sql::for_test(update, set_values)).await.unwrap(), 1);

            let find = |column: &str, value: Value| {
                Sql::for_test(
                    format!("SELECT id FROM {t} WHERE {column} = ? ORDER BY id LIMIT ?"),
                    vec![value, Value::Int(10)],
                )
            };
            assert_eq!(select(conn, find("en", Value::Text("sad".into())), &[]).await.rows, [[Value::Int(2)]]);
            assert_eq!(
                select(conn, find("num", Value::Decimal("1234567890123456789012345678.0000000001".into())), &[])
                    .await
                    .rows,
                [[Value::Int(1)]]
            );
            assert_eq!(select(conn, find("dtm", Value::DateTime(ts)), &[]).await.rows, [[Value::Int(1)]]);

            // A decimal with an exponent is still a decimal.
            let set_num =
                Sql::for_test(format!("UPDATE {t} SET num = ? WHERE id = 2"), vec![Value::Decimal("1e5".into())]);
            execute(conn, &set_num).await.unwrap();
            let out = select(conn, Sql::for_test(format!("SELECT num FROM {t} WHERE id = 2"), vec![]), &[]).await;
            assert_eq!(out.rows, [[Value::Decimal("100000.0000000000".into())]]);

            // Strict mode: a value that does not fit is an error, not a warning.
            let err = execute(conn, &Sql::for_test(format!("UPDATE {t} SET i = ?"), vec![Value::Text("abc".into())]))
                .await
                .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Database, "{err}");

            let mut sink = Collect::default();
            let outcome = run(
                conn,
                &Sql::for_test(format!("DELETE FROM {t} WHERE id = 2"), vec![]),
                &Catalog::default(),
                &mut sink,
            )
            .await
            .unwrap();
            assert!(matches!(outcome, Outcome::Affected(1)));
            let outcome = run(
                conn,
                &Sql::for_test(format!("SELECT COUNT(*) AS n FROM {t}"), vec![]),
                &Catalog::default(),
                &mut sink,
            )
            .await
            .unwrap();
            assert!(matches!(outcome, Outcome::Rows));
            assert_eq!(
                (sink.columns.as_slice(), sink.rows.as_slice()),
                (&["n".to_string()][..], &[vec![Value::Int(1)]][..])
            );
        })
        .await;
    }

    #[tokio::test]
    async fn mysql_reads_the_catalog() {
        let Some(mut conn) = server("mysql_reads_the_catalog").await else { return };
        let t = name("mysql_reads_the_catalog");
        let (parent, child) = (format!("{t}_parent"), format!("{t}_child"));
        let drop = format!("DROP TABLE IF EXISTS {child}; DROP TABLE IF EXISTS {parent}");
        let create = format!(
            "CREATE TABLE {parent} (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE); \
             CREATE TABLE {child} (id INT AUTO_INCREMENT PRIMARY KEY, parent_id BIGINT, \
             note VARCHAR(40) NOT NULL DEFAULT 'x', flag BOOLEAN DEFAULT TRUE, amount DECIMAL(10,2), data JSON, \
             big BIGINT UNSIGNED, born DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), \
             CONSTRAINT {t}_fk FOREIGN KEY (parent_id) REFERENCES {parent} (id), \
             UNIQUE KEY note_amount (note, amount))"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            let catalog = introspect(conn).await.unwrap();
            let parent_table = catalog.table(&parent).expect("parent table");
            let id = &parent_table.columns[0];
            assert_eq!((id.name.as_str(), &id.field_type), ("id", &FieldType::Int));
            assert!(id.sql_type.starts_with("bigint"), "{}", id.sql_type);
            assert!(id.primary_key && !id.nullable && id.has_default && id.default.is_none());
            let name_column = &parent_table.columns[1];
            assert_eq!((name_column.sql_type.as_str(), &name_column.field_type), ("varchar(255)", &FieldType::Text));
            assert!(!name_column.nullable && !name_column.has_default && !name_column.primary_key);
            assert_eq!(
                parent_table.indexes,
                [Index { name: "name".into(), columns: vec!["name".into()], unique: true }]
            );

            let child_table = catalog.table(&child).expect("child table");
            let summary: Vec<(&str, FieldType, bool, bool, bool)> = child_table
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.field_type.clone(), c.nullable, c.primary_key, c.has_default))
                .collect();
            assert_eq!(
                summary,
                [
                    ("id", FieldType::Int, false, true, true),
                    ("parent_id", FieldType::Int, true, false, false),
                    ("note", FieldType::Text, false, false, true),
                    ("flag", FieldType::Bool, true, false, true),
                    ("amount", FieldType::Decimal, true, false, false),
                    ("data", FieldType::Json, true, false, false),
                    ("big", FieldType::Int, true, false, false),
                    ("born", FieldType::DateTime, true, false, true),
                ]
            );
            assert_eq!(child_table.columns[3].sql_type, "tinyint(1)");
            assert!(child_table.columns[6].sql_type.contains("unsigned"), "{}", child_table.columns[6].sql_type);
            assert!(child_table.columns[2].default.as_deref().is_some_and(|d| d.contains('x')));
            assert_eq!(
                child_table.foreign_keys,
                [ForeignKey { column: "parent_id".into(), ref_table: parent.clone(), ref_column: "id".into() }]
            );
            let unique = child_table.indexes.iter().find(|i| i.name == "note_amount").expect("note_amount index");
            assert_eq!(
                (unique.columns.as_slice(), unique.unique),
                (&["note".to_string(), "amount".to_string()][..], true)
            );
        })
        .await;
    }

    #[tokio::test]
    async fn mysql_session_is_strict_and_utc() {
        let Some(url) = server_url::<MySqlConnection>("mysql_session_is_strict_and_utc") else { return };
        // The mariadb:// scheme is the same driver.
        let url = format!("mariadb://{}", url.split_once("://").map_or(url.as_str(), |(_, rest)| rest));
        let mut conn = connect(&url).await.expect("connect with mariadb://");
        let out = select(&mut conn, Sql::for_test("SELECT @@SESSION.sql_mode, @@SESSION.time_zone", vec![]), &[]).await;
        let Value::Text(mode) = &out.rows[0][0] else { panic!("{:?}", out.rows) };
        assert!(mode.split(',').any(|m| m == "STRICT_TRANS_TABLES"), "{mode}");
        assert!(!mode.contains("PIPES_AS_CONCAT"), "{mode}");
        assert_eq!(out.rows[0][1], Value::Text("+00:00".into()));
        let err = connect("mariadb://nobody:s3cret@127.0.0.1:1/test").await.unwrap_err();
        assert!(!err.message.contains("s3cret"), "{}", err.message);
    }

    #[tokio::test]
    async fn mysql_runs_transaction_control() {
        let Some(mut conn) = server("mysql_runs_transaction_control").await else { return };
        let t = name("mysql_runs_transaction_control");
        let (drop, create) = (format!("DROP TABLE IF EXISTS {t}"), format!("CREATE TABLE {t} (x INT)"));
        with_objects(&mut conn, &drop, &create, async |conn| {
            for text in [
                "START TRANSACTION".to_string(),
                "SAVEPOINT `s1`".into(),
                format!("INSERT INTO {t} VALUES (1)"),
                "ROLLBACK TO SAVEPOINT `s1`".into(),
                format!("INSERT INTO {t} VALUES (2)"),
                "RELEASE SAVEPOINT `s1`".into(),
                "COMMIT".into(),
            ] {
                exec(conn, &text).await;
            }
            let out = select(conn, Sql::for_test(format!("SELECT x FROM {t}"), vec![]), &[]).await;
            assert_eq!(out.rows, [[Value::Int(2)]]);
        })
        .await;
    }

    #[tokio::test]
    async fn mysql_sends_unpreparable_statements_as_text() {
        let Some(mut conn) = server("mysql_sends_unpreparable_statements_as_text").await else {
            return;
        };
        exec(&mut conn, "PREPARE ormsh_q FROM 'SELECT 1 AS one, CAST(''2024-01-31'' AS DATE) AS d, 2.50 AS n'").await;
        let mut sink = Collect::default();
        let outcome =
            run(&mut conn, &Sql::for_test("EXECUTE ormsh_q", vec![]), &Catalog::default(), &mut sink).await.unwrap();
        assert!(matches!(outcome, Outcome::Rows));
        assert_eq!(sink.columns, ["one", "d", "n"]);
        assert_eq!(sink.rows, [[Value::Int(1), Value::Date(date(2024, 1, 31)), Value::Decimal("2.50".into())]]);
        let out = select(&mut conn, Sql::for_test("EXECUTE ormsh_q", vec![]), &[]).await;
        assert_eq!(out.rows.len(), 1);
        exec(&mut conn, "DEALLOCATE PREPARE ormsh_q").await;
    }
}
