//! PostgreSQL: the connection, and statements run on it. Rows arrive in binary and are decoded
//! by each column's type (`decode`); parameters are sent untyped, so that the server infers each
//! one's type from where it stands, and then encoded for the type it inferred (`encode`). The
//! catalog is read in `introspect`.

mod decode;
mod encode;
mod geometry;
mod hosts;
mod introspect;
mod text_search;
mod types;

use std::str::FromStr;

use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgStatement, PgTypeInfo};
use sqlx::{Column, Connection, Either, Executor, PgConnection, Postgres, Row, SqlSafeStr, Statement};

pub use hosts::ServerRole;
use hosts::{HostList, TargetSessionAttrs};
pub use introspect::introspect;

use super::stream::{Streamed, column_names, stream_rows};
use super::{Outcome, RowSink, ServerTx, connect_error, db_error};
use crate::dialect::postgres as dialect;
use crate::dialect::{Dialect, Sql};
use crate::error::{Error, ErrorKind, Result};

type Query<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;

/// The session's connection to one PostgreSQL server, and what ormsh learnt of it at connect.
pub struct PgLink {
    conn: PgConnection,
    /// The one-host URL of the server kept from the list (for a second connection to it).
    pub url: String,
    pub role: ServerRole,
    /// Behind a pooler in transaction mode (`statement_cache=off`), a server connection is the
    /// session's only while a transaction is open, so no prepared statement may outlive one:
    /// each statement outside a transaction runs inside one of its own, and the statements
    /// prepared for it are closed before that transaction ends.
    pub pooled: bool,
}

impl std::ops::Deref for PgLink {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PgLink {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.conn
    }
}

/// Connects to the first server of the URL's host list that is of the kind its
/// `target_session_attrs` asks for (libpq's rules; one host and `any` when it says nothing).
pub async fn connect(url: &str) -> Result<PgLink> {
    let list = HostList::parse(url)?;
    let mut tried = Vec::new();
    let passes: &[TargetSessionAttrs] = match list.target {
        TargetSessionAttrs::PreferStandby => &[TargetSessionAttrs::Standby, TargetSessionAttrs::Any],
        target => &[target][..],
    };
    for (pass, target) in passes.iter().enumerate() {
        for host_url in &list.urls {
            let mut conn = match connect_one(host_url).await {
                Ok(conn) => conn,
                // One host and nothing to choose: its own error says it best.
                Err(err) if list.urls.len() == 1 && *target == TargetSessionAttrs::Any => return Err(err),
                Err(err) => {
                    if pass == 0 {
                        let prefix = format!("cannot connect to {}: ", crate::redact::redact_url(host_url));
                        let why = err.message.strip_prefix(&prefix).map(str::to_string).unwrap_or(err.message);
                        tried.push((host_url.clone(), Err(why)));
                    }
                    continue;
                }
            };
            let role = role_of(&mut conn).await.map_err(|e| connect_error(host_url, e))?;
            if target.accepts(role) {
                return Ok(PgLink { conn, url: host_url.clone(), role, pooled: list.pooled });
            }
            if pass == 0 {
                tried.push((host_url.clone(), Ok(role)));
            }
            let _ = conn.close().await;
        }
    }
    Err(list.none_found(url, &tried))
}

async fn connect_one(url: &str) -> Result<PgConnection> {
    let mut options = PgConnectOptions::from_str(url).map_err(|e| connect_error(url, e))?;
    if options.get_application_name().is_none() {
        options = options.application_name("ormsh");
    }
    let mut conn = PgConnection::connect_with(&options).await.map_err(|e| connect_error(url, e))?;
    // The session's time zone is UTC (see `dialect::postgres::utc_session` for why). A bare text
    // given to `execute` goes by the simple protocol, as the probe and check below need. (A
    // pooler keeps a `SET TimeZone` for its client: pgbouncer re-applies it on every server.)
    conn.execute(dialect::utc_session().sqlx_text()).await.map_err(|e| connect_error(url, e))?;
    Ok(conn)
}

/// Asks the server what it is, by the simple protocol (nothing prepared, pooler or not).
async fn role_of(conn: &mut PgConnection) -> std::result::Result<ServerRole, sqlx::Error> {
    let row = conn.fetch_one(dialect::server_role().sqlx_text()).await?;
    let (in_recovery, read_only): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    Ok(ServerRole::from_answers(in_recovery == "true", read_only == "on"))
}

/// Runs `$body` (an expression using `$conn`), behind a pooler (`link.pooled`) inside a
/// transaction of its own when none is open, and closes the statements it prepared before that
/// transaction ends (see [`PgLink::pooled`]). A macro, not a function: the body is an `async`
/// borrow of the connection, which a closure cannot return.
macro_rules! pinned {
    ($link:expr, |$conn:ident| $body:expr) => {{
        let link: &mut PgLink = $link;
        if !link.pooled {
            let $conn: &mut PgConnection = &mut link.conn;
            $body
        } else {
            let own = transaction_status(&mut link.conn).await? == ServerTx::Idle;
            if own {
                link.conn.execute(Dialect::Postgres.begin().sqlx_text()).await.map_err(db_error)?;
            }
            let result = {
                let $conn: &mut PgConnection = &mut link.conn;
                $body
            };
            let closed = link.conn.clear_cached_statements().await.map_err(db_error);
            let end = if own {
                let end = if result.is_ok() && closed.is_ok() {
                    Dialect::Postgres.commit()
                } else {
                    Dialect::Postgres.rollback()
                };
                link.conn.execute(end.sqlx_text()).await.map(drop).map_err(db_error)
            } else {
                Ok(())
            };
            match (result, closed, end) {
                (Ok(value), Ok(()), Ok(())) => Ok(value),
                (Err(err), _, _) | (Ok(_), Err(err), _) | (Ok(_), Ok(()), Err(err)) => Err(err),
            }
        }
    }};
}

/// The help an error of this server needs:
/// - named prepared statements that clash or vanish (42P05, 26000) are what a pooler in
///   transaction mode does to a session that keeps them: the error says how to run there;
/// - a write refused because the transaction is read-only (25006), on a server that said at
///   connect that it takes no writes: the error says where writes go.
pub fn server_help(role: ServerRole, err: Error) -> Error {
    let sqlstate = err.code.as_ref().and_then(|c| c.sqlstate());
    if err.help.is_some() {
        return err;
    }
    if matches!(sqlstate, Some("42P05" | "26000")) && err.message.contains("sqlx_s_") {
        return err.with_help(
            "behind a pooler in transaction mode (pgbouncer), add ?statement_cache=off to the URL: \
             then no prepared statement outlives a transaction",
        );
    }
    if sqlstate != Some("25006") {
        return err;
    }
    match role {
        ServerRole::Standby => err.with_help(
            "this server is a hot standby, which only reads: write on the primary (a host list with \
             ?target_session_attrs=read-write finds it)",
        ),
        ServerRole::ReadOnly => {
            err.with_help("this server's transactions are read-only (default_transaction_read_only)")
        }
        ServerRole::Primary => err,
    }
}

/// Reads the catalog (see `introspect`), behind a pooler inside one transaction.
pub async fn read_catalog(link: &mut PgLink, only: Option<&[String]>) -> Result<crate::catalog::Catalog> {
    pinned!(link, |conn| introspect(conn, only).await)
}

/// The name of every table (see [`introspect::table_names`]), behind a pooler as any statement.
pub async fn table_names(link: &mut PgLink) -> Result<(Vec<(String, Option<String>)>, crate::catalog::Schemas)> {
    pinned!(link, |conn| introspect::table_names(conn).await)
}

/// The tables `names` with those around them (see [`introspect::tables_around`]).
pub async fn tables_around(link: &mut PgLink, names: &[String], inbound: bool) -> Result<Vec<String>> {
    pinned!(link, |conn| introspect::tables_around(conn, names, inbound).await)
}

/// Prepares (or finds in sqlx's cache) the statement with every parameter untyped.
async fn prepare(conn: &mut PgConnection, sql: &Sql) -> Result<PgStatement> {
    let types = vec![encode::untyped(); sql.params().len()];
    conn.prepare_with(sql.sqlx_text().into_sql_str(), &types).await.map_err(|err| unreadable_type(db_error(err)))
}

/// The driver cannot describe a multirange column (pg_type's `typtype` `m`, code 109, is unknown
/// to it) and fails the statement with its own words: ormsh says which column type it is and
/// how to read it. `query` and `get` ask for such a column as text already, and raw `sql` reads
/// the whole result as text (`run_prepared`); only a statement with values can still meet it.
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
    // Only `sql` text can hold a placeholder that ormsh has no value for (`$1`): the server
    // would refuse the statement in a way sqlx takes for a broken connection.
    if types.len() > sql.params().len() {
        return Err(super::unbound_placeholder(&format!("${}", sql.params().len() + 1)));
    }
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

pub async fn execute(link: &mut PgLink, sql: &Sql) -> Result<u64> {
    // Behind a pooler, a statement without values (transaction control above all: a `BEGIN`
    // must not be wrapped in a transaction of its own) goes by the simple protocol, which
    // prepares nothing.
    if link.pooled && sql.params().is_empty() {
        let done = link.conn.execute(sql.sqlx_text()).await.map_err(db_error);
        return after(&mut link.conn, sql, done.map(|r| r.rows_affected())).await;
    }
    pinned!(link, |conn| {
        let result = execute_prepared(conn, sql).await;
        after(conn, sql, result).await
    })
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

pub async fn fetch(link: &mut PgLink, sql: &Sql, sink: &mut dyn RowSink) -> Result<()> {
    pinned!(link, |conn| {
        let result = fetch_prepared(conn, sql, sink).await;
        after(conn, sql, result).await
    })
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

pub async fn run(link: &mut PgLink, sql: &Sql, sink: &mut dyn RowSink) -> Result<Outcome> {
    // Behind a pooler, the user's statement that returns no rows and has no values goes by the
    // simple protocol, outside any transaction of ormsh's: `CREATE DATABASE` and `VACUUM`
    // refuse to run inside one.
    if link.pooled && sql.params().is_empty() && !may_return_rows(sql.text()) {
        return execute(link, sql).await.map(Outcome::Affected);
    }
    pinned!(link, |conn| {
        let result = run_prepared(conn, sql, sink).await;
        after(conn, sql, result).await
    })
}

/// Runs the user's statement once, its rows decoded from binary when ormsh reads every column's
/// type, else asked for as the server's text (`fetch_as_text`). Preparing only parses and
/// describes: whichever way it then goes, the statement runs once, writes or not.
async fn run_prepared(conn: &mut PgConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<Outcome> {
    let as_text = sql.params().is_empty();
    let types = vec![encode::untyped(); sql.params().len()];
    let statement = match conn.prepare_with(sql.sqlx_text().into_sql_str(), &types).await {
        Ok(statement) => statement,
        // sqlx failed reading what a result column's type is (a multirange: pg_type's typtype
        // `m` is unknown to it), after the server described the statement and before anything
        // ran; the server's text needs no description.
        Err(err) if as_text && undescribed(&err) => {
            // The server holds the statement sqlx named before it failed, which sqlx will never
            // close (behind a pooler, the next client of that server connection could meet its
            // name): every statement goes, sqlx's own cache with them.
            conn.clear_cached_statements().await.map_err(db_error)?;
            conn.execute(dialect::deallocate_all().sqlx_text()).await.map_err(db_error)?;
            return fetch_as_text(conn, sql, sink, &[]).await;
        }
        Err(err) => return Err(unreadable_type(db_error(err))),
    };
    let columns = statement.columns();
    if columns.is_empty() {
        execute_prepared(conn, sql).await.map(Outcome::Affected)
    } else if as_text && !columns.iter().all(|c| decode::reads_binary(c.type_info())) {
        fetch_as_text(conn, sql, sink, &column_names(columns)).await
    } else {
        fetch_prepared(conn, sql, sink).await.map(|()| Outcome::Rows)
    }
}

/// Whether preparing failed in sqlx's own reading of the catalog (a value it could not decode),
/// not on the server or the connection.
fn undescribed(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_))
}

/// Runs a statement without values by the simple protocol, whose rows are always the server's
/// text (`decode_text` reads the common types back into values). `names` are the columns'
/// when known, for a result without rows.
async fn fetch_as_text(
    conn: &mut PgConnection,
    sql: &Sql,
    sink: &mut dyn RowSink,
    names: &[String],
) -> Result<Outcome> {
    let rows = conn.fetch(sql.sqlx_text());
    match stream_rows(rows, sink, decode::decode_row).await? {
        Streamed::Ended { any: true } => {}
        Streamed::Ended { any: false } => sink.columns(names)?,
        Streamed::Failed { error, .. } => return Err(db_error(error)),
    }
    Ok(Outcome::Rows)
}

/// Whether a statement of the user's may return rows (by its first word, or a RETURNING).
fn may_return_rows(text: &str) -> bool {
    let first = crate::raw_sql::leading_words(text, 1);
    matches!(
        first.first().map(String::as_str),
        None | Some("select" | "with" | "values" | "table" | "show" | "explain" | "fetch")
    ) || text.to_ascii_lowercase().contains("returning")
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

    pub(super) async fn select(conn: &mut PgLink, sql: Sql) -> Collect {
        let mut out = Collect::default();
        fetch(conn, &sql, &mut out).await.unwrap_or_else(|e| panic!("{}: {e}", sql.text()));
        out
    }

    #[test]
    fn errors_say_how_to_run_behind_a_pooler_and_where_writes_go() {
        use crate::error::DbCode;
        let error = |state: &str, message: &str| {
            Error::new(ErrorKind::Database, message).with_code(DbCode::from_sqlstate(state).unwrap())
        };
        let help = |role, err| server_help(role, err).help.unwrap_or_default();
        let clash = error("42P05", "prepared statement \"sqlx_s_1\" already exists");
        assert!(help(ServerRole::Primary, clash).contains("?statement_cache=off"));
        let refused = || error("25006", "cannot execute INSERT in a read-only transaction");
        assert!(help(ServerRole::Standby, refused()).contains("target_session_attrs=read-write"));
        assert!(help(ServerRole::ReadOnly, refused()).contains("default_transaction_read_only"));
        assert_eq!(help(ServerRole::Primary, refused()), "");
        assert_eq!(help(ServerRole::Standby, error("23505", "duplicate key")), "");
    }

    #[test]
    fn only_statements_that_may_return_rows_are_prepared_behind_a_pooler() {
        assert!(may_return_rows("SELECT 1"));
        assert!(may_return_rows("  with x as (select 1) select * from x"));
        assert!(may_return_rows("INSERT INTO t (x) VALUES (1) RETURNING x"));
        assert!(!may_return_rows("CREATE DATABASE app"));
        assert!(!may_return_rows("VACUUM"));
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
