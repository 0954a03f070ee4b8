//! SQLite: the embedded default. sqlx opens the connection; the schema is read (`introspect`)
//! and statements run through SQLite's own API on this thread (`ffi`, all the unsafe code),
//! where values are decoded by their storage class, refined by the column's declared type
//! (SQLite keeps a bool as an integer and json as text).

mod ffi;
mod introspect;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

pub use ffi::SqliteLink;
use ffi::Statement;
pub use introspect::{introspect, table_names, tables_around};

use super::{Outcome, RowSink, connect_error};
use crate::dialect::Sql;
use crate::error::{Error, ErrorKind, Result};
use crate::value::{FieldType, Value};

/// How long a statement waits for another writer's lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn connect(url: &str) -> Result<SqliteLink> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| connect_error(url, e))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    let conn = SqliteConnection::connect_with(&options).await.map_err(|e| connect_error(url, e))?;
    let mut conn = SqliteLink::lock(conn).await.map_err(|e| connect_error(url, e))?;
    conn.add_instant_function()?;
    // SQLite opens a file it may not write read-only, without a word: the first write would
    // fail. Unless read-only was asked for (`?mode=ro`), say so now.
    let asked_read_only = url.contains("mode=ro");
    let read_only = conn.is_read_only();
    if read_only && !asked_read_only {
        return Err(Error::new(
            ErrorKind::Connection,
            format!("cannot open {} for writing: the file is read-only", crate::redact::redact_url(url)),
        )
        .with_help("add `?mode=ro` to the URL to open it for reading only"));
    }
    Ok(conn)
}

/// Statements run on this thread and never wait, so without a pause the session's loop would not
/// look at a Ctrl-C until the whole command is over (SQLite's progress handler stops the
/// statement itself; the session says "cancelling…" and stops the rest). One pause before each
/// statement is that chance.
async fn let_the_session_look() {
    tokio::task::yield_now().await;
}

pub async fn execute(conn: &mut SqliteLink, sql: &Sql) -> Result<u64> {
    let_the_session_look().await;
    let mut statement = conn.prepare(sql.text())?;
    statement.bind_all(sql.params())?;
    while statement.step()? {}
    Ok(statement.changes())
}

/// Writes `rows` with statements prepared once: `chunk` (an insert of `chunk_rows` rows) for
/// as many whole chunks as there are, `one_row` for the rest. Faster than one statement of
/// every row, which SQLite must parse whole, and than one run per row, each of which ends the
/// statement and looks for the table's end again.
pub async fn execute_rows(
    conn: &mut SqliteLink,
    one_row: &Sql,
    chunk: &Sql,
    chunk_rows: usize,
    rows: &[Vec<Value>],
) -> Result<u64> {
    let_the_session_look().await;
    let mut changed = 0;
    let whole = if chunk_rows > 1 { rows.len() / chunk_rows * chunk_rows } else { 0 };
    if whole > 0 {
        let mut statement = conn.prepare(chunk.text())?;
        for rows in rows[..whole].chunks(chunk_rows) {
            changed += statement.run_with(rows.iter().flatten())?;
        }
    }
    if whole < rows.len() {
        let mut statement = conn.prepare(one_row.text())?;
        for row in &rows[whole..] {
            changed += statement.run_with(row.iter())?;
        }
    }
    Ok(changed)
}

/// Streams rows on this thread, straight from SQLite (see `ffi`). `hints` (or else the
/// declared type) tell a bool from an integer and json from text.
pub async fn fetch(conn: &mut SqliteLink, sql: &Sql, hints: &[FieldType], sink: &mut dyn RowSink) -> Result<()> {
    let_the_session_look().await;
    let mut statement = conn.prepare(sql.text())?;
    statement.bind_all(sql.params())?;
    stream(&mut statement, hints, sink)
}

fn stream(statement: &mut Statement<'_>, hints: &[FieldType], sink: &mut dyn RowSink) -> Result<()> {
    let names = statement.column_names();
    let declared = statement.declared_types();
    let types: Vec<FieldType> =
        declared.into_iter().enumerate().map(|(i, d)| hints.get(i).cloned().unwrap_or(d)).collect();
    sink.columns(&names)?;
    // One row buffer for the whole result: each value is read into the last row's place,
    // reusing its text's memory.
    let mut row = vec![Value::Null; types.len()];
    while statement.step()? {
        for (i, (ty, slot)) in types.iter().zip(row.iter_mut()).enumerate() {
            statement.read_value(i, ty, slot);
        }
        if !sink.row(&row)? {
            break;
        }
    }
    Ok(())
}

pub async fn run(conn: &mut SqliteLink, sql: &Sql, sink: &mut dyn RowSink) -> Result<Outcome> {
    let_the_session_look().await;
    let mut statement = conn.prepare(sql.text())?;
    statement.bind_all(sql.params())?;
    if statement.column_count() == 0 {
        while statement.step()? {}
        return Ok(Outcome::Affected(statement.changes()));
    }
    stream(&mut statement, &[], sink).map(|()| Outcome::Rows)
}

/// Fails as a commit now would on a deferred foreign key: SQLite counts the violations it will
/// check at commit, and the count is zero when none is left.
pub fn check_deferred(conn: &mut SqliteLink) -> Result<()> {
    if conn.deferred_violations() > 0 {
        // The words and the code of the error COMMIT gives.
        return Err(Error::new(ErrorKind::Database, "FOREIGN KEY constraint failed")
            .with_code(crate::error::DbCode::Sqlite(SQLITE_CONSTRAINT_FOREIGNKEY)));
    }
    Ok(())
}

/// SQLITE_CONSTRAINT_FOREIGNKEY: SQLITE_CONSTRAINT (19) | 3 << 8.
const SQLITE_CONSTRAINT_FOREIGNKEY: i32 = 787;
