//! MySQL and MariaDB: the connection, and statements run on it (prepared, or sent as text when
//! MySQL cannot prepare them). Rows are decoded in `decode`, values bound in `encode`, the
//! catalog read in `introspect`.

mod decode;
mod encode;
mod introspect;
mod password;

use std::str::FromStr;

use futures_util::TryStreamExt;
use futures_util::future::ready;
use sqlx::mysql::{MySqlArguments, MySqlConnectOptions, MySqlDatabaseError};
use sqlx::{Column as _, Connection, Either, Executor, MySql, MySqlConnection, SqlSafeStr, Statement};

pub use introspect::{introspect, table_names, tables_around};

use super::stream::{Streamed, column_names, stream_rows};
use super::{Outcome, RowSink, ServerTx, connect_error, db_error};
use crate::catalog::Catalog;
use crate::dialect::Sql;
use crate::dialect::mysql as dialect;
use crate::error::Result;
use crate::value::{FieldType, Value};

pub(super) type Query<'q> = sqlx::query::Query<'q, MySql, MySqlArguments>;

pub async fn connect(url: &str) -> Result<MySqlConnection> {
    // sqlx knows the scheme `mysql` only; MariaDB speaks the same protocol.
    let sqlx_url = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("mariadb") => format!("mysql://{rest}"),
        _ => url.to_string(),
    };
    let mut options = MySqlConnectOptions::from_str(&sqlx_url).map_err(|e| connect_error(url, e))?;
    let url_has_password = url::Url::parse(&sqlx_url).is_ok_and(|u| u.password().is_some());
    if !url_has_password && let Some(pwd) = password::fallback() {
        options = options.password(&pwd);
    }
    let options = options
        // TIMESTAMP columns are stored in UTC and converted to the session's zone: UTC in, UTC
        // out, like PostgreSQL's session.
        .timezone(Some("+00:00".to_string()))
        // sqlx would add PIPES_AS_CONCAT to sql_mode; the user's own SQL keeps the server's
        // meaning of `||`.
        .pipes_as_concat(false);
    let mut conn = MySqlConnection::connect_with(&options).await.map_err(|e| connect_error(url, e))?;
    conn.execute(dialect::session_settings().sqlx_text()).await.map_err(|e| connect_error(url, e))?;
    Ok(conn)
}

fn query(sql: &Sql) -> Query<'static> {
    sql.params().iter().fold(sqlx::query(sql.sqlx_text()), encode::bind)
}

/// The server's own word on the transaction: MariaDB's `@@in_transaction`, kept from the same
/// status flag every OK packet carries (sqlx reads that flag but does not show it). MySQL has no
/// such variable; there the question fails and the session keeps its own view.
pub async fn transaction_status(conn: &mut MySqlConnection) -> Result<ServerTx> {
    let mut rows = super::Collect::default();
    fetch(conn, &dialect::in_transaction(), &[FieldType::Int], &mut rows).await?;
    let flag = |i: usize| match rows.rows.first().and_then(|row| row.get(i)) {
        Some(Value::Int(n)) => Ok(*n != 0),
        Some(Value::UInt(n)) => Ok(*n != 0),
        other => Err(crate::error::Error::new(
            crate::error::ErrorKind::Database,
            format!("unexpected answer to `{}`: {other:?}", dialect::in_transaction().text()),
        )),
    };
    // With autocommit off every statement opens a transaction that nothing commits: that is a
    // transaction, whether or not a statement ran in it yet.
    Ok(if flag(0)? || !flag(1)? { ServerTx::Open } else { ServerTx::Idle })
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
    let rows = query(sql).fetch(&mut *conn);
    match stream_rows(rows, sink, |row| decode::decode_row(row, hints)).await? {
        Streamed::Ended { any: true } => {}
        // No row told the names: the prepared statement does.
        Streamed::Ended { any: false } => {
            let statement = conn.prepare(sql.sqlx_text().into_sql_str()).await.map_err(db_error)?;
            sink.columns(&column_names(statement.columns()))?;
        }
        Streamed::Failed { error, any: false } if cannot_prepare(sql, &error) => {
            if let Outcome::Affected(_) = run_text(conn, sql, hints, sink).await? {
                sink.columns(&[])?;
            }
        }
        Streamed::Failed { error, .. } => return Err(db_error(error)),
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
    // A `?` in `sql` text: MySQL would wait for values that never come.
    if let Some(Either::Right(wanted)) = statement.parameters()
        && wanted > sql.params().len()
    {
        return Err(super::unbound_placeholder("?"));
    }
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
    let mut affected = 0;
    // Each statement's end counts the rows it changed; the rows go on to the sink.
    let rows = sqlx::raw_sql(sql.sqlx_text()).fetch_many(&mut *conn).try_filter_map(|step| {
        ready(Ok(match step {
            Either::Left(done) => {
                affected += done.rows_affected();
                None
            }
            Either::Right(row) => Some(row),
        }))
    });
    match stream_rows(rows, sink, |row| decode::decode_row(row, hints)).await? {
        Streamed::Ended { any: true } => Ok(Outcome::Rows),
        Streamed::Ended { any: false } => Ok(Outcome::Affected(affected)),
        Streamed::Failed { error, .. } => Err(db_error(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::Collect;
    use crate::backend::test_support::{date, exec, name, server, server_url, with_objects};

    pub(super) async fn select(conn: &mut MySqlConnection, sql: Sql, hints: &[FieldType]) -> Collect {
        let mut out = Collect::default();
        fetch(conn, &sql, hints, &mut out).await.unwrap_or_else(|e| panic!("{}: {e}", sql.text()));
        out
    }

    pub(super) fn hints(catalog: &Catalog, table: &str) -> Vec<FieldType> {
        catalog.table(table).expect("table in catalog").columns.iter().map(|c| c.field_type.clone()).collect()
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
