//! Ctrl-C while a command runs stops it on the server, not just in ormsh: dropping a sqlx future
//! does not stop a query on any backend. PostgreSQL and MySQL/MariaDB are told from a second
//! connection (`pg_cancel_backend`, `KILL QUERY`); SQLite checks a flag from a progress handler.
//! Rows already on their way are not waited for: printing stops at the next row (see
//! [`Canceller::stopped`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{Backend, Collect};
use crate::dialect::{Dialect, Sql};
use crate::error::Result;
use crate::value::{FieldType, Value};

/// Stops SIGINT from setting the SQLite flag when dropped.
pub struct InterruptGuard(signal_hook::SigId);

impl Drop for InterruptGuard {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.0);
    }
}

/// How many SQLite virtual-machine steps run between two looks at the flag: often enough to
/// stop within milliseconds, rarely enough to cost nothing measurable.
const SQLITE_CHECK_EVERY: i32 = 10_000;

/// Stops the command running on a session's connection. Cheap to clone; usable while the
/// session itself is busy running that command.
///
/// Every backend has a stop flag, set by Ctrl-C itself (the signal handler) and read by what
/// prints rows: a long listing stops printing at the next row and drops its stream, whatever
/// the server is doing. On SQLite the progress handler reads the same flag; a server is told
/// as well, so that it stops producing rows.
#[derive(Clone)]
pub struct Canceller {
    stop: Arc<AtomicBool>,
    server: Option<ServerCancel>,
    /// Behind a pooler in transaction mode the server connection changes from one transaction
    /// to the next: the id read at connect would name another client's, so the server is not
    /// told (the listing still stops).
    pooled: bool,
}

/// How to reach the server to stop this session's command there.
#[derive(Clone)]
struct ServerCancel {
    url: String,
    dialect: Dialect,
    id: i64,
}

impl Canceller {
    /// Sets up cancelling for `backend`, connected with `url`.
    pub async fn install(backend: &mut Backend, url: &str) -> Result<Canceller> {
        let stop = Arc::new(AtomicBool::new(false));
        match backend {
            Backend::Sqlite(conn) => {
                let seen = Arc::clone(&stop);
                // Returning false interrupts the statement (SQLITE_INTERRUPT).
                conn.set_progress_handler(SQLITE_CHECK_EVERY, move || !seen.load(Ordering::Relaxed));
                Ok(Canceller { stop, server: None, pooled: false })
            }
            Backend::Postgres(link) if link.pooled => Ok(Canceller { stop, server: None, pooled: true }),
            _ => {
                // A host list (PostgreSQL) was narrowed to the one server connected to.
                let url = match backend {
                    Backend::Postgres(link) => link.url.clone(),
                    _ => url.to_string(),
                };
                let dialect = backend.dialect();
                let mut rows = Collect::default();
                backend.fetch(&dialect.backend_id(), &[FieldType::Int], &mut rows).await?;
                let id = match rows.rows.first().and_then(|r| r.first()) {
                    Some(Value::Int(id)) => *id,
                    Some(Value::UInt(id)) => *id as i64,
                    _ => -1,
                };
                Ok(Canceller { stop, server: Some(ServerCancel { url, dialect, id }), pooled: false })
            }
        }
    }

    /// Called before each command, so that a Ctrl-C that came too late for the last command
    /// does not stop the next one.
    pub fn arm(&self) {
        self.stop.store(false, Ordering::Relaxed);
    }

    /// Whether Ctrl-C asked the running command to stop.
    pub fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed)
    }

    /// While the returned guard lives, Ctrl-C (SIGINT) sets the stop flag at once, even though
    /// this thread may be busy inside SQLite or writing rows and cannot look at its async signal
    /// stream: the signal itself sets the flag that the progress handler and the row printer
    /// read. The session's Ctrl-C handling then tells a server too.
    pub fn interrupt_on_ctrl_c(&self) -> Option<InterruptGuard> {
        signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&self.stop)).ok().map(InterruptGuard)
    }

    /// Asks the database to stop the running command.
    pub async fn cancel(&self) -> Result<()> {
        self.stop.store(true, Ordering::Relaxed);
        if self.pooled {
            return Err(crate::error::Error::new(
                crate::error::ErrorKind::Refused,
                "a command cannot be cancelled on the server through a connection pooler (statement_cache=off)",
            ));
        }
        let Some(ServerCancel { url, dialect, id }) = &self.server else { return Ok(()) };
        let mut other = Backend::connect(url).await?;
        let sql: Sql = dialect.cancel(*id);
        other.execute(&sql).await.map(|_| ())
    }
}
