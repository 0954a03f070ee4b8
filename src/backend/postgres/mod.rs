//! PostgreSQL: the connection, and statements run on it. Rows arrive in binary and are decoded
//! by each column's type (`decode`); parameters are sent untyped, so that the server infers each
//! one's type from where it stands, and then encoded for the type it inferred (`encode`). The
//! catalog is read in `introspect`.

mod decode;
mod encode;
mod geometry;
mod introspect;
mod types;

use std::str::FromStr;

use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgStatement, PgTypeInfo};
use sqlx::{Connection, Either, Executor, PgConnection, Postgres, SqlSafeStr, Statement};

pub use introspect::{introspect, table_names, tables_around};

use super::stream::{Streamed, column_names, stream_rows};
use super::{Outcome, RowSink, ServerTx, connect_error, db_error};
use crate::dialect::Sql;
use crate::dialect::postgres as dialect;
use crate::error::{Error, ErrorKind, Result};

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

/// Prepares (or finds in sqlx's cache) the statement with every parameter untyped.
async fn prepare(conn: &mut PgConnection, sql: &Sql) -> Result<PgStatement> {
    let types = vec![encode::untyped(); sql.params().len()];
    conn.prepare_with(sql.sqlx_text().into_sql_str(), &types).await.map_err(|err| unreadable_type(db_error(err)))
}

/// The driver cannot describe a multirange column (pg_type's `typtype` `m`, code 109, is unknown
/// to it) and fails the statement with its own words: ormsh says which column type it is and
/// how to read it. `query` and `get` ask for such a column as text already.
fn unreadable_type(err: Error) -> Error {
    if err.message.contains("unknown type code 109") {
        return Error::new(ErrorKind::Database, "a column of the result is a multirange, which the driver cannot read")
            .with_help("select it as text: `column::text`");
    }
    err
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
        let target = types.get(i).cloned().unwrap_or_else(|| PgTypeInfo::with_oid(Oid(types::TEXT)));
        let param = encode::param(value, &target)
            .map_err(|message| Error::new(ErrorKind::Value, format!("{message} (parameter ${})", i + 1)))?;
        q = q.bind(param);
    }
    Ok(q)
}

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

/// Sends the rows `next` gives as the CSV data of `copy` (`COPY … FROM STDIN WITH (FORMAT
/// csv)`), chunk by chunk: every value quoted in its text form, NULL an empty unquoted field.
/// The values were checked against their columns already; the server parses each as its
/// column's type. An error of `next` ends the copy (nothing of it stays) and is returned.
pub async fn copy_rows(conn: &mut PgConnection, copy: &Sql, next: &mut crate::backend::RowChunks<'_>) -> Result<u64> {
    let mut copy_in = conn.copy_in_raw(copy.text()).await.map_err(db_error)?;
    let mut data = Vec::new();
    loop {
        let rows = match next() {
            Ok(Some(rows)) => rows,
            Ok(None) => break,
            Err(err) => {
                // The connection must hear the copy end, whatever became of it.
                let _ = copy_in.abort("ormsh stopped the import").await;
                return Err(err);
            }
        };
        data.clear();
        for row in &rows {
            encode::copy_csv_row(&mut data, row);
        }
        if let Err(err) = copy_in.send(data.as_slice()).await {
            let _ = copy_in.abort("ormsh could not send the rows").await;
            return Err(db_error(err));
        }
    }
    copy_in.finish().await.map_err(db_error)
}

pub async fn fetch(conn: &mut PgConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<()> {
    let result = fetch_prepared(conn, sql, sink).await;
    after(conn, sql, result).await
}

async fn fetch_prepared(conn: &mut PgConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<()> {
    let statement = prepare(conn, sql).await?;
    let rows = query(sql, &statement)?.fetch(&mut *conn);
    match stream_rows(rows, sink, decode::decode_row).await? {
        Streamed::Ended { any: true } => Ok(()),
        // No row told the names: the prepared statement does.
        Streamed::Ended { any: false } => sink.columns(&column_names(statement.columns())),
        Streamed::Failed { error, .. } => Err(db_error(error)),
    }
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

/// Checks the deferred constraints now, as COMMIT would (see `dialect::postgres::check_deferred`).
pub async fn check_deferred(conn: &mut PgConnection) -> Result<()> {
    // Several statements in one message: the simple protocol.
    conn.execute(dialect::check_deferred().sqlx_text()).await.map(drop).map_err(db_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Collect;
    use crate::backend::test_support::{exec, name, server, with_objects};
    use crate::value::Value;

    pub(super) async fn select(conn: &mut PgConnection, sql: Sql) -> Collect {
        let mut out = Collect::default();
        fetch(conn, &sql, &mut out).await.unwrap_or_else(|e| panic!("{}: {e}", sql.text()));
        out
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
}
