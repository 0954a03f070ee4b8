//! PostgreSQL. Rows arrive in binary and are decoded by each column's type (see `decode`);
//! parameters are sent untyped, so that the server infers each one's type from where it stands,
//! and then encoded for the type it inferred.

use std::str::FromStr;

use futures_util::TryStreamExt;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgArguments, PgConnectOptions, PgRow, PgStatement, PgTypeInfo, PgValueFormat};
use sqlx::{
    Column as _, Connection, Either, Encode, Executor, PgConnection, Postgres, Row, SqlSafeStr, Statement, Type,
    ValueRef,
};

mod decode;

use super::{Outcome, RowSink, ServerTx, connect_error, db_error};
use crate::catalog::{Catalog, Column, ForeignKey, field_type_of};
use crate::dialect::Sql;
use crate::dialect::postgres as dialect;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{FieldType, Value};

type Query<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

pub async fn connect(url: &str) -> Result<PgConnection> {
    let mut options = PgConnectOptions::from_str(url).map_err(|e| connect_error(url, e))?;
    if options.get_application_name().is_none() {
        options = options.application_name("ormsh");
    }
    let mut conn = PgConnection::connect_with(&options).await.map_err(|e| connect_error(url, e))?;
    // The session's time zone is UTC (see `dialect::postgres::utc_session` for why). A bare text
    // given to `execute` goes by the simple protocol, as the probe and check below need.
    conn.execute(dialect::utc_session().sqlx_text()).await.map_err(|e| connect_error(url, e))?;
    Ok(conn)
}

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
/// from the prepared statement, and encodes each value for its type here (`decode::encode`):
/// NULL fits every column, text goes into varchar, bpchar, enums and citext as it is, an int
/// into int2/int4 after a range check, a float into real as a real. The statement sqlx then
/// executes is the cached one, so the types always match the bytes, even when the same text was
/// first prepared with other values. (Binding text as `unknown` alone would not do: sqlx sends
/// every parameter in binary, and the binary form of the type the server infers is not text.)
struct Param(Option<Vec<u8>>);

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
fn untyped() -> PgTypeInfo {
    PgTypeInfo::with_oid(Oid(0))
}

/// Prepares (or finds in sqlx's cache) the statement with every parameter untyped.
async fn prepare(conn: &mut PgConnection, sql: &Sql) -> Result<PgStatement> {
    let types = vec![untyped(); sql.params().len()];
    conn.prepare_with(sql.sqlx_text().into_sql_str(), &types).await.map_err(db_error)
}

/// The statement's query with its values encoded for the parameter types the server chose.
fn query(sql: &Sql, statement: &PgStatement) -> Result<Query<'static>> {
    let types = match statement.parameters() {
        Some(Either::Left(types)) => types,
        _ => &[],
    };
    let mut q = sqlx::query(sql.sqlx_text());
    for (i, value) in sql.params().iter().enumerate() {
        // The server describes every parameter; should one be missing, text is the best guess.
        let target = types.get(i).cloned().unwrap_or_else(|| PgTypeInfo::with_oid(Oid(TEXT_OID)));
        let bytes = decode::encode(value, &target)
            .map_err(|message| Error::new(ErrorKind::Value, format!("{message} (parameter ${})", i + 1)))?;
        q = q.bind(Param(bytes));
    }
    Ok(q)
}

const TEXT_OID: u32 = 25;

/// Forgets sqlx's statement cache after DDL, and after an error caused by a stale cached
/// statement (a table changed by another session), so that the next statement is prepared
/// afresh against the tables as they are.
async fn after<T>(conn: &mut PgConnection, sql: &Sql, result: Result<T>) -> Result<T> {
    let stale = match &result {
        Ok(_) => crate::raw_sql::changes_schema(sql.text()),
        // "cached plan must not change result type" (feature_not_supported): the table
        // changed under a statement sqlx had prepared.
        Err(e) => e.code.as_ref().and_then(|c| c.sqlstate()) == Some("0A000"),
    };
    if stale {
        let cleared = conn.clear_cached_statements().await.map_err(db_error);
        if result.is_ok() {
            cleared?;
        }
    }
    result
}

pub async fn execute(conn: &mut PgConnection, sql: &Sql) -> Result<u64> {
    let result = execute_prepared(conn, sql).await;
    after(conn, sql, result).await
}

async fn execute_prepared(conn: &mut PgConnection, sql: &Sql) -> Result<u64> {
    let statement = prepare(conn, sql).await?;
    Ok(query(sql, &statement)?.execute(&mut *conn).await.map_err(db_error)?.rows_affected())
}

pub async fn fetch(conn: &mut PgConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<()> {
    let result = fetch_prepared(conn, sql, sink).await;
    after(conn, sql, result).await
}

async fn fetch_prepared(conn: &mut PgConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<()> {
    let statement = prepare(conn, sql).await?;
    let names: Vec<String> = statement.columns().iter().map(|c| c.name().to_string()).collect();
    let mut rows = query(sql, &statement)?.fetch(&mut *conn);
    let mut started = false;
    while let Some(row) = rows.try_next().await.map_err(db_error)? {
        if !started {
            sink.columns(&column_names(&row))?;
            started = true;
        }
        if !sink.row(&decode_row(&row))? {
            break;
        }
    }
    drop(rows);
    if !started {
        sink.columns(&names)?;
    }
    Ok(())
}

pub async fn run(conn: &mut PgConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<Outcome> {
    let statement = prepare(conn, sql).await?;
    if statement.columns().is_empty() {
        return execute(conn, sql).await.map(Outcome::Affected);
    }
    fetch(conn, sql, sink).await.map(|()| Outcome::Rows)
}

/// Asks the server whether a transaction is open: a savepoint can be made only inside one, and
/// the error's SQLSTATE tells no transaction (25P01) from an aborted one (25P02). Both statements
/// go in one message (the simple protocol), so it is one round trip and nothing is prepared.
pub async fn transaction_status(conn: &mut PgConnection) -> Result<ServerTx> {
    match conn.execute(dialect::transaction_probe().sqlx_text()).await.map_err(db_error) {
        Ok(_) => Ok(ServerTx::Open),
        Err(e) => match e.code.as_ref().and_then(|c| c.sqlstate()) {
            Some("25P01") => Ok(ServerTx::Idle),
            Some("25P02") => Ok(ServerTx::Failed),
            _ => Err(e),
        },
    }
}

/// Checks the deferred constraints now, as COMMIT would, and leaves them deferred: the check runs
/// under a savepoint that is rolled back whatever it found, which restores the constraints' mode
/// and un-fires the checks it fired (PostgreSQL keeps both per subtransaction), so a check that
/// passed is made again at the real commit.
pub async fn check_deferred(conn: &mut PgConnection) -> Result<()> {
    // Several statements in one message: the simple protocol.
    match conn.execute(dialect::check_deferred().sqlx_text()).await.map_err(db_error) {
        Ok(_) => Ok(()),
        Err(e) => {
            // The statements after the failed SET were not run.
            conn.execute(dialect::undo_check_deferred().sqlx_text()).await.map_err(db_error)?;
            Err(e)
        }
    }
}

fn column_names(row: &PgRow) -> Vec<String> {
    row.columns().iter().map(|c| c.name().to_string()).collect()
}

fn decode_row(row: &PgRow) -> Vec<Value> {
    (0..row.len()).map(|i| decode(row, i)).collect()
}

/// One value by its column's type; see `decode::decode`.
fn decode(row: &PgRow, i: usize) -> Value {
    let Ok(raw) = row.try_get_raw(i) else { return Value::Null };
    if raw.is_null() {
        return Value::Null;
    }
    let ty = raw.type_info().into_owned();
    match raw.format() {
        PgValueFormat::Binary => raw.as_bytes().map(|b| decode::decode(&ty, b)).unwrap_or(Value::Null),
        PgValueFormat::Text => raw.as_str().map(|t| decode::decode_text(&ty, t)).unwrap_or(Value::Null),
    }
}

async fn rows(conn: &mut PgConnection, sql: Sql) -> Result<Vec<PgRow>> {
    sqlx::query(sql.sqlx_text()).fetch_all(&mut *conn).await.map_err(db_error)
}

/// The ormsh type of a column from its type's name and category (`pg_type.typcategory`, of the
/// base type for a domain). The category settles what a name cannot: an array, an interval or
/// a point is not an int although its name contains `int`, an enum is text-like whatever its
/// name, and every string type (`name`, `citext`, `bpchar`) is text.
fn field_type(category: &str, base: &str, sql_type: &str) -> FieldType {
    match category {
        // Arrays, composites, enums, geometry, network addresses, ranges, intervals, bit strings.
        "A" | "C" | "E" | "G" | "I" | "R" | "T" | "V" => FieldType::Other(sql_type.to_string()),
        "S" => FieldType::Text,
        _ => match field_type_of(base) {
            FieldType::Other(_) => FieldType::Other(sql_type.to_string()),
            known => known,
        },
    }
}

/// Reads every table of `current_schema()` with three catalog queries, whatever the number of
/// tables.
pub async fn introspect(conn: &mut PgConnection) -> Result<Catalog> {
    let mut catalog = Catalog::default();
    for row in rows(conn, dialect::columns_query()).await? {
        let table: String = row.try_get(0).map_err(db_error)?;
        let sql_type: String = row.try_get(2).unwrap_or_default();
        let category: String = row.try_get(3).unwrap_or_default();
        let base: String = row.try_get(4).unwrap_or_default();
        let not_null: bool = row.try_get(5).unwrap_or(false);
        let default: Option<String> = row.try_get(6).unwrap_or(None);
        let generated: bool = row.try_get(7).unwrap_or(false);
        let primary_key: bool = row.try_get(8).unwrap_or(false);
        catalog.add_column(
            &table,
            Column {
                name: row.try_get(1).map_err(db_error)?,
                field_type: field_type(&category, &base, &sql_type),
                sql_type,
                nullable: !not_null && !primary_key,
                primary_key,
                has_default: default.is_some() || generated,
                default,
            },
        );
    }

    for row in rows(conn, dialect::foreign_keys_query()).await? {
        let table: String = row.try_get(0).map_err(db_error)?;
        let fk = ForeignKey {
            column: row.try_get(1).map_err(db_error)?,
            ref_table: row.try_get(2).map_err(db_error)?,
            ref_column: row.try_get(3).map_err(db_error)?,
        };
        if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(fk);
        }
    }

    for row in rows(conn, dialect::indexes_query()).await? {
        let table: String = row.try_get(0).map_err(db_error)?;
        let name: String = row.try_get(1).map_err(db_error)?;
        let unique: bool = row.try_get(2).unwrap_or(false);
        let column: Option<String> = row.try_get(3).unwrap_or(None);
        let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) else { continue };
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
    use crate::backend::test_support::{date, exec, name, server, with_objects};
    use crate::catalog::Index;

    async fn select(conn: &mut PgConnection, sql: Sql) -> Collect {
        let mut out = Collect::default();
        fetch(conn, &sql, &mut out).await.unwrap_or_else(|e| panic!("{}: {e}", sql.text()));
        out
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
                Value::Json(json!([1, 2, null])),
                Value::Json(json!(["x", "y z"])),
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

    async fn select_err(conn: &mut PgConnection, sql: Sql) -> Error {
        fetch(conn, &sql, &mut Collect::default()).await.unwrap_err()
    }

    #[tokio::test]
    async fn pg_reads_the_catalog() {
        let Some(mut conn) = server("pg_reads_the_catalog").await else { return };
        let t = name("pg_reads_the_catalog");
        let (parent, child) = (format!("{t}_parent"), format!("{t}_child"));
        let drop = format!("DROP TABLE IF EXISTS {child}; DROP TABLE IF EXISTS {parent}");
        let create = format!(
            "CREATE TABLE {parent} (id serial PRIMARY KEY, name text NOT NULL UNIQUE); \
             CREATE TABLE {child} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             parent_id int4 REFERENCES {parent} (id), note varchar(40) NOT NULL DEFAULT 'x', \
             at timestamptz DEFAULT now(), score numeric(10,2), tags text[], span interval, data jsonb); \
             CREATE UNIQUE INDEX {t}_note_score ON {child} (note, score)"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            let catalog = introspect(conn).await.unwrap();
            let parent_table = catalog.table(&parent).expect("parent table");
            let id = &parent_table.columns[0];
            assert_eq!((id.name.as_str(), id.sql_type.as_str(), &id.field_type), ("id", "int4", &FieldType::Int));
            assert!(id.primary_key && !id.nullable && id.has_default);
            assert!(id.default.as_deref().unwrap().starts_with("nextval("), "{:?}", id.default);
            let name_column = &parent_table.columns[1];
            assert_eq!((name_column.sql_type.as_str(), &name_column.field_type), ("text", &FieldType::Text));
            assert!(!name_column.nullable && !name_column.has_default && !name_column.primary_key);
            assert_eq!(
                parent_table.indexes,
                [Index { name: format!("{parent}_name_key"), columns: vec!["name".into()], unique: true }]
            );

            let child_table = catalog.table(&child).expect("child table");
            let summary: Vec<(&str, &str, FieldType, bool, bool, bool)> = child_table
                .columns
                .iter()
                .map(|c| {
                    (
                        c.name.as_str(),
                        c.sql_type.as_str(),
                        c.field_type.clone(),
                        c.nullable,
                        c.primary_key,
                        c.has_default,
                    )
                })
                .collect();
            assert_eq!(
                summary,
                [
                    ("id", "int8", FieldType::Int, false, true, true),
                    ("parent_id", "int4", FieldType::Int, true, false, false),
                    ("note", "varchar(40)", FieldType::Text, false, false, true),
                    ("at", "timestamptz", FieldType::DateTime, true, false, true),
                    ("score", "numeric(10,2)", FieldType::Decimal, true, false, false),
                    ("tags", "text[]", FieldType::Other("text[]".into()), true, false, false),
                    ("span", "interval", FieldType::Other("interval".into()), true, false, false),
                    ("data", "jsonb", FieldType::Json, true, false, false),
                ]
            );
            assert_eq!(child_table.columns[0].default, None);
            assert_eq!(child_table.columns[2].default.as_deref(), Some("'x'::character varying"));
            assert_eq!(child_table.columns[3].default.as_deref(), Some("now()"));
            assert_eq!(
                child_table.foreign_keys,
                [ForeignKey { column: "parent_id".into(), ref_table: parent.clone(), ref_column: "id".into() }]
            );
            assert_eq!(
                child_table.indexes,
                [Index { name: format!("{t}_note_score"), columns: vec!["note".into(), "score".into()], unique: true }]
            );
        })
        .await;
    }

    #[tokio::test]
    async fn pg_session_is_utc_and_survives_schema_changes() {
        let Some(mut conn) = server("pg_session_is_utc_and_survives_schema_changes").await else {
            return;
        };
        let t = name("pg_session_is_utc_and_survives_schema_changes");
        let out = select(&mut conn, Sql::for_test("SELECT current_setting('TimeZone')", vec![])).await;
        assert_eq!(out.rows, [[Value::Text("UTC".into())]]);
        let (drop, create) = (format!("DROP TABLE IF EXISTS {t}"), format!("CREATE TABLE {t} (x int4)"));
        with_objects(&mut conn, &drop, &create, async |conn| {
            let insert = Sql::for_test(format!("INSERT INTO {t} (x) VALUES ($1) RETURNING x"), vec![Value::Int(1)]);
            assert_eq!(select(conn, insert).await.rows, [[Value::Int(1)]]);
            // The same texts, now about a table whose column is text: cached statements are
            // forgotten after DDL.
            exec(conn, &format!("DROP TABLE {t}")).await;
            exec(conn, &format!("CREATE TABLE {t} (x text)")).await;
            let insert =
                Sql::for_test(format!("INSERT INTO {t} (x) VALUES ($1) RETURNING x"), vec![Value::Text("a".into())]);
            assert_eq!(select(conn, insert).await.rows, [[Value::Text("a".into())]]);
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
                Value::Json(json!(["a", null, "b c"])),
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
                    Value::Json(json!(["sad", "happy"])),
                    Value::Json(json!(["a", null, "b c"])),
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
