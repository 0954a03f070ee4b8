//! The connection to one database. An enum over the three concrete sqlx drivers (never
//! `sqlx::Any`, which cannot decode dates, decimals, uuids or json): each driver binds ormsh's
//! values and decodes rows into them its own way, and reads its own schema.
//!
//! A folder per driver, a file per concern: `mod.rs` connects and runs statements, `decode` and
//! `encode` turn rows into values and values into parameters, `introspect` reads the catalog;
//! SQLite's `ffi` holds all of ormsh's unsafe code. The two server drivers stream rows through
//! one loop (`stream`). No driver writes SQL: the statements they send of their own come from
//! `dialect`, as every other statement does.

mod cancel;
mod mysql;
mod postgres;
mod sqlite;
mod stream;
#[cfg(test)]
mod test_support;

use crate::redact::redact_url;
pub use cancel::Canceller;
pub use postgres::ServerRole;

use crate::catalog::{Catalog, Schemas, marker};
use crate::dialect::{Dialect, Sql};
use crate::error::{DbCode, Error, ErrorKind, Result, ServerDetail, TextPosition};
use crate::value::{FieldType, Value};

/// A source of rows to write, a chunk at a time (`import`); `None` at the end.
pub type RowChunks<'a> = dyn FnMut() -> Result<Option<Vec<Vec<Value>>>> + Send + 'a;

/// Receives a result set as it streams in.
pub trait RowSink {
    /// The column names, once, before any row.
    fn columns(&mut self, names: &[String]) -> Result<()>;
    /// One row, lent: the driver may reuse its buffers for the next. Returning `false` stops
    /// the stream (the rest is not read).
    fn row(&mut self, values: &[Value]) -> Result<bool>;
}

/// What a statement sent with [`Backend::run`] produced.
pub enum Outcome {
    /// It returned rows (they went to the sink).
    Rows,
    /// It returned no result set; this many rows were changed.
    Affected(u64),
}

/// A connection's transaction, as the database itself tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerTx {
    /// No transaction: each statement commits on its own.
    Idle,
    Open,
    /// Open, and aborted by an error (PostgreSQL): only a rollback gets out of it.
    Failed,
}

pub enum Backend {
    Sqlite(sqlite::SqliteLink),
    Postgres(postgres::PgLink),
    Mysql(sqlx::MySqlConnection),
}

thread_local! {
    /// The text of every statement sent from this thread while a [`Recording`] lives.
    static RECORDED: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// Keeps the text of every statement sent from this thread, in order, while it lives: how the
/// tests hold `explain` to what runs. Costs one look at a thread-local per statement otherwise.
pub struct Recording(());

impl Recording {
    pub fn start() -> Recording {
        RECORDED.with(|r| *r.borrow_mut() = Some(Vec::new()));
        Recording(())
    }

    /// The statements sent since the last call.
    pub fn take(&self) -> Vec<String> {
        RECORDED.with(|r| r.borrow_mut().as_mut().map(std::mem::take).unwrap_or_default())
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        RECORDED.with(|r| *r.borrow_mut() = None);
    }
}

fn record(text: &str) {
    RECORDED.with(|r| {
        if let Some(statements) = r.borrow_mut().as_mut() {
            statements.push(text.to_string());
        }
    });
}

/// Which driver a URL asks for.
pub fn dialect_of_url(url: &str) -> Result<Dialect> {
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase()).unwrap_or_default();
    match scheme.as_str() {
        "sqlite" => Ok(Dialect::Sqlite),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        "mysql" | "mariadb" => Ok(Dialect::Mysql),
        _ => Err(Error::new(ErrorKind::Usage, format!("unsupported database URL `{}`", redact_url(url)))
            .with_help("use sqlite:FILE, postgres://user@host/db or mysql://user@host/db")),
    }
}

/// The error for a placeholder (`$1`, `?`) in `sql` text, which ormsh sends without values.
fn unbound_placeholder(placeholder: &str) -> Error {
    Error::new(ErrorKind::Value, format!("the SQL has a placeholder ({placeholder}) that no value is given for"))
        .with_help("`sql` sends its text as it is: write the value in the text")
}

impl Backend {
    /// Opens the one connection of a session.
    pub async fn connect(url: &str) -> Result<Backend> {
        match dialect_of_url(url)? {
            Dialect::Sqlite => sqlite::connect(url).await.map(Backend::Sqlite),
            Dialect::Postgres => postgres::connect(url).await.map(Backend::Postgres),
            Dialect::Mysql => mysql::connect(url).await.map(Backend::Mysql),
        }
    }

    /// What the server is (PostgreSQL: primary, standby or read-only), as it said at connect;
    /// `None` where ormsh does not ask (SQLite, MySQL/MariaDB).
    pub fn role(&self) -> Option<ServerRole> {
        match self {
            Backend::Postgres(link) => Some(link.role),
            Backend::Sqlite(_) | Backend::Mysql(_) => None,
        }
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
            Backend::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Runs a statement that returns no rows; how many rows it changed.
    pub async fn execute(&mut self, sql: &Sql) -> Result<u64> {
        record(sql.text());
        check_params(self.dialect(), sql)?;
        match self {
            Backend::Sqlite(conn) => sqlite::execute(conn, sql).await,
            Backend::Postgres(link) => {
                let role = link.role;
                postgres::execute(link, sql).await.map_err(|e| postgres::server_help(role, e))
            }
            Backend::Mysql(conn) => mysql::execute(conn, sql).await,
        }
    }

    /// Writes rows with statements prepared once and run again and again, `chunk` for
    /// `chunk_rows` rows at a time and `one_row` for the rest, where that is fastest (SQLite);
    /// elsewhere (None) the caller sends one multi-row statement instead. The two statements'
    /// own values are not sent: `rows` are bound to them.
    pub async fn execute_rows(
        &mut self,
        one_row: &Sql,
        chunk: &Sql,
        chunk_rows: usize,
        rows: &[Vec<Value>],
    ) -> Option<Result<u64>> {
        if let Backend::Sqlite(_) = self {
            record(chunk.text());
        }
        match self {
            Backend::Sqlite(conn) => Some(sqlite::execute_rows(conn, one_row, chunk, chunk_rows, rows).await),
            Backend::Postgres(_) | Backend::Mysql(_) => None,
        }
    }

    /// Writes the rows `next` gives, chunk after chunk until it gives `None`, by `copy` (a
    /// `COPY … FROM STDIN` of CSV, PostgreSQL only), in one statement: the server takes a chunk
    /// in while the next one is read. How many rows. `None` on the other databases.
    pub async fn copy_rows(&mut self, copy: &Sql, next: &mut RowChunks<'_>) -> Option<Result<u64>> {
        match self {
            Backend::Postgres(conn) => {
                record(copy.text());
                Some(postgres::copy_rows(conn, copy, next).await)
            }
            Backend::Sqlite(_) | Backend::Mysql(_) => None,
        }
    }

    /// Streams a query's rows into `sink`. `hints` gives the ormsh type of each column where
    /// the catalog knows it (SQLite stores a bool or json without saying so).
    pub async fn fetch(&mut self, sql: &Sql, hints: &[FieldType], sink: &mut dyn RowSink) -> Result<()> {
        record(sql.text());
        check_params(self.dialect(), sql)?;
        match self {
            Backend::Sqlite(conn) => sqlite::fetch(conn, sql, hints, sink).await,
            Backend::Postgres(link) => {
                let role = link.role;
                postgres::fetch(link, sql, sink).await.map_err(|e| postgres::server_help(role, e))
            }
            Backend::Mysql(conn) => mysql::fetch(conn, sql, hints, sink).await,
        }
    }

    /// Runs a statement of unknown kind (the `sql` command): rows go to `sink`, otherwise the
    /// number of rows changed is returned.
    /// `catalog` tells the ormsh type of result columns that come straight from a table, where
    /// the driver cannot (MariaDB's json is longtext).
    pub async fn run(&mut self, sql: &Sql, catalog: &Catalog, sink: &mut dyn RowSink) -> Result<Outcome> {
        record(sql.text());
        check_params(self.dialect(), sql)?;
        match self {
            Backend::Sqlite(conn) => sqlite::run(conn, sql, sink).await,
            Backend::Postgres(link) => {
                let role = link.role;
                postgres::run(link, sql, sink).await.map_err(|e| postgres::server_help(role, e))
            }
            Backend::Mysql(conn) => mysql::run(conn, sql, catalog, sink).await,
        }
    }

    /// The connection's transaction as the database tells it: SQLite's autocommit flag (no
    /// round trip), PostgreSQL's answer to a savepoint (whose SQLSTATE tells idle from aborted),
    /// MySQL/MariaDB's `@@in_transaction`.
    pub async fn transaction_status(&mut self) -> Result<ServerTx> {
        match self {
            Backend::Sqlite(conn) => Ok(if conn.in_transaction() { ServerTx::Open } else { ServerTx::Idle }),
            Backend::Postgres(conn) => postgres::transaction_status(conn).await,
            Backend::Mysql(conn) => mysql::transaction_status(conn).await,
        }
    }

    /// Makes the constraints that the open transaction would check only at its commit (deferred
    /// ones) be checked now, and changes nothing else: the error is the one a commit would meet.
    pub async fn check_deferred(&mut self) -> Result<()> {
        match self {
            Backend::Sqlite(conn) => sqlite::check_deferred(conn),
            Backend::Postgres(conn) => postgres::check_deferred(conn).await,
            // MySQL and MariaDB check every constraint at once.
            Backend::Mysql(_) => Ok(()),
        }
    }

    /// Reads every table of the current schema, with the models their markers name.
    pub async fn introspect(&mut self) -> Result<Catalog> {
        let mut catalog = self.read_tables(None).await?;
        catalog.declare_marked(&self.table_names().await?.0);
        Ok(catalog)
    }

    /// Reads every table of the current schema, or those of `only`.
    async fn read_tables(&mut self, only: Option<&[String]>) -> Result<Catalog> {
        match self {
            Backend::Sqlite(conn) => sqlite::introspect(conn, only).await,
            Backend::Postgres(link) => {
                let role = link.role;
                postgres::read_catalog(link, only).await.map_err(|e| postgres::server_help(role, e))
            }
            Backend::Mysql(conn) => mysql::introspect(conn, only).await,
        }
    }

    /// The name of every table read (see `dialect::postgres` for PostgreSQL's schemas), in the
    /// order a whole read lists them, each with the model its marker names if it has one (see
    /// `catalog::marker`), and the schemas there are; nothing else (one cheap query).
    pub async fn table_names(&mut self) -> Result<(Vec<(String, Option<String>)>, Schemas)> {
        let (listed, schemas) = match self {
            Backend::Sqlite(conn) => (sqlite::table_names(conn).await?, Schemas::default()),
            Backend::Postgres(conn) => postgres::table_names(conn).await?,
            Backend::Mysql(conn) => (mysql::table_names(conn).await?, Schemas::default()),
        };
        let listed =
            listed.into_iter().map(|(table, marker)| (table, marker.as_deref().and_then(marker::model_of))).collect();
        Ok((listed, schemas))
    }

    /// Reads the tables `names` and the tables around them: those they refer to and, if
    /// `inbound`, those that refer to them and those that these refer to (the far end of a
    /// join table). That is what resolving a command on `names` needs (references; with
    /// `inbound`, relations too), unless its paths go further.
    pub async fn read_around(&mut self, names: &[String], inbound: bool) -> Result<Catalog> {
        let around = match self {
            Backend::Sqlite(conn) => sqlite::tables_around(conn, names, inbound).await?,
            Backend::Postgres(conn) => postgres::tables_around(conn, names, inbound).await?,
            Backend::Mysql(conn) => mysql::tables_around(conn, names, inbound).await?,
        };
        if around.is_empty() {
            return Ok(Catalog::default());
        }
        self.read_tables(Some(&around)).await
    }
}

/// Refuses a statement with more bound values than the database takes in one, before anything
/// is sent: past the limit a driver may fail half-way through a message and leave a healthy
/// connection (and its transaction) unusable.
fn check_params(dialect: Dialect, sql: &Sql) -> Result<()> {
    let max = dialect.max_params();
    if sql.params().len() <= max {
        return Ok(());
    }
    let database = match dialect {
        Dialect::Sqlite => "SQLite",
        Dialect::Postgres => "PostgreSQL",
        Dialect::Mysql => "MySQL/MariaDB",
    };
    Err(Error::new(
        ErrorKind::Refused,
        format!(
            "this command has {} values, more than the {max} {database} takes in one statement",
            sql.params().len()
        ),
    )
    .with_help("split it into several commands (an `in (…)` list of fewer values each)"))
}

/// A driver error as ormsh reports it.
pub(crate) fn db_error(err: sqlx::Error) -> Error {
    let lost =
        |detail: String| Error::new(ErrorKind::Connection, format!("lost the connection to the database: {detail}"));
    match err {
        sqlx::Error::Database(db) => {
            let code = db_code(&*db);
            let error = if connection_gone(&*db) {
                lost(db.message().to_string())
            } else {
                Error::new(ErrorKind::Database, db.message().to_string())
            };
            let error = match server_detail(&*db) {
                Some(server) => error.with_server(server),
                None => error,
            };
            match code {
                Some(code) => error.with_code(code),
                None => error,
            }
        }
        sqlx::Error::Io(io) => lost(io.to_string()),
        sqlx::Error::Protocol(detail) => lost(detail),
        sqlx::Error::WorkerCrashed => lost("the SQLite worker stopped".into()),
        other => Error::new(ErrorKind::Database, other.to_string()),
    }
}

/// What PostgreSQL says of an error beyond its message (the other servers say it all in the
/// message). A position inside a function's own query is not one in the user's text: left out.
fn server_detail(db: &dyn sqlx::error::DatabaseError) -> Option<ServerDetail> {
    let pg = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()?;
    let position = match pg.position() {
        Some(sqlx::postgres::PgErrorPosition::Original(at)) => Some(TextPosition::Char(at.saturating_sub(1))),
        _ => None,
    };
    Some(ServerDetail {
        detail: pg.detail().map(str::to_string),
        hint: pg.hint().map(str::to_string),
        position,
        table: pg.table().map(str::to_string),
        column: pg.column().map(str::to_string),
        constraint: pg.constraint().map(str::to_string),
    })
}

/// The server's own code for an error: MySQL's error number, else the SQLSTATE.
fn db_code(db: &dyn sqlx::error::DatabaseError) -> Option<DbCode> {
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return Some(DbCode::Mysql(my.number()));
    }
    db.code().and_then(|c| DbCode::from_sqlstate(&c))
}

/// Whether the server ended this connection. PostgreSQL says so with SQLSTATE class 08
/// (connection exception) and 57P01–57P03 (shutdown, terminated backend). MySQL/MariaDB with
/// error numbers 1053 (shutdown), 1927 (connection killed), 2006 and 2013 (server gone,
/// connection lost) — not by SQLSTATE, which 1927 shares with a merely interrupted query.
fn connection_gone(db: &dyn sqlx::error::DatabaseError) -> bool {
    if let Some(my) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(my.number(), 1053 | 1927 | 2006 | 2013);
    }
    db.code().is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03"))
}

/// A connection error as ormsh reports it: never with the password.
pub(crate) fn connect_error(url: &str, err: sqlx::Error) -> Error {
    let (detail, sqlstate) = match &err {
        sqlx::Error::Database(db) => (db.message().to_string(), db.code().map(|c| c.into_owned())),
        other => (other.to_string(), None),
    };
    // A driver's message may repeat what it was given; the password never, wherever it came
    // from.
    let mut secrets = crate::redact::passwords_in(url);
    secrets.extend(PASSWORD_VARS.iter().filter_map(|var| std::env::var(var).ok()).filter(|p| !p.is_empty()));
    let detail = crate::redact::scrub(&detail, &secrets);
    let error = Error::new(ErrorKind::Connection, format!("cannot connect to {}: {detail}", redact_url(url)));
    // Refused a password (PostgreSQL's invalid_password, MySQL's access denied): where one is
    // looked for.
    match (sqlstate.as_deref(), dialect_of_url(url)) {
        (Some("28P01"), Ok(Dialect::Postgres)) => error.with_help(
            "the password is the URL's, else $PGPASSWORD's, else the matching line of ~/.pgpass \
             ($PGPASSFILE; host:port:database:user:password, mode 0600)",
        ),
        (Some("28000"), Ok(Dialect::Mysql)) => {
            error.with_help("the password is the URL's, else $MYSQL_PWD's, else `password` under [client] in ~/.my.cnf")
        }
        _ => error,
    }
}

/// The environment variables that may hold the password of a connection.
const PASSWORD_VARS: [&str; 2] = ["PGPASSWORD", "MYSQL_PWD"];

/// Collects a whole (small) result set; used for introspection and tests.
#[derive(Default)]
pub struct Collect {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl RowSink for Collect {
    fn columns(&mut self, names: &[String]) -> Result<()> {
        self.columns = names.to_vec();
        Ok(())
    }

    fn row(&mut self, values: &[Value]) -> Result<bool> {
        self.rows.push(values.to_vec());
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_their_driver() {
        assert_eq!(dialect_of_url("postgresql://x/y").unwrap(), Dialect::Postgres);
        assert_eq!(dialect_of_url("mariadb://x/y").unwrap(), Dialect::Mysql);
        assert_eq!(dialect_of_url("sqlite::memory:").unwrap(), Dialect::Sqlite);
        assert_eq!(dialect_of_url("oracle://x").unwrap_err().kind, ErrorKind::Usage);
    }
}
