//! Ctrl-C while a command runs stops it on the server, not just in ormsh: dropping a sqlx future
//! does not stop a query on any backend. PostgreSQL and MySQL/MariaDB are told from a second
//! connection (`pg_cancel_backend`, `KILL QUERY`); SQLite checks a flag from a progress handler.

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
#[derive(Clone)]
pub enum Canceller {
    Sqlite(Arc<AtomicBool>),
    Server {
        url: String,
        dialect: Dialect,
        id: i64,
    },
    /// Behind a pooler in transaction mode the server connection changes from one transaction
    /// to the next: the id read at connect would name another client's, so nothing is cancelled.
    Pooled,
}

impl Canceller {
    /// Sets up cancelling for `backend`, connected with `url`.
    pub async fn install(backend: &mut Backend, url: &str) -> Result<Canceller> {
        match backend {
            Backend::Sqlite(conn) => {
                let flag = Arc::new(AtomicBool::new(false));
                let seen = Arc::clone(&flag);
                // Returning false interrupts the statement (SQLITE_INTERRUPT).
                conn.set_progress_handler(SQLITE_CHECK_EVERY, move || !seen.load(Ordering::Relaxed));
                Ok(Canceller::Sqlite(flag))
            }
            Backend::Postgres(link) if link.pooled => Ok(Canceller::Pooled),
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
                Ok(Canceller::Server { url, dialect, id })
            }
        }
    }

    /// Called before each command, so that a Ctrl-C that came too late for the last command
    /// does not stop the next one.
    pub fn arm(&self) {
        if let Canceller::Sqlite(flag) = self {
            flag.store(false, Ordering::Relaxed);
        }
    }

    /// While the returned guard lives, Ctrl-C (SIGINT) stops the running SQLite statement even
    /// though this thread is busy inside SQLite and cannot look at its async signal stream: the
    /// signal itself sets the flag the progress handler reads. Servers need nothing of the
    /// kind: the thread waits on their socket, and the session's Ctrl-C handling cancels.
    pub fn interrupt_on_ctrl_c(&self) -> Option<InterruptGuard> {
        let Canceller::Sqlite(flag) = self else { return None };
        signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(flag)).ok().map(InterruptGuard)
    }

    /// Asks the database to stop the running command.
    pub async fn cancel(&self) -> Result<()> {
        match self {
            Canceller::Sqlite(flag) => {
                flag.store(true, Ordering::Relaxed);
                Ok(())
            }
            Canceller::Pooled => Err(crate::error::Error::new(
                crate::error::ErrorKind::Refused,
                "a command cannot be cancelled through a connection pooler (statement_cache=off)",
            )),
            Canceller::Server { url, dialect, id } => {
                let mut other = Backend::connect(url).await?;
                let sql: Sql = dialect.cancel(*id);
                other.execute(&sql).await.map(|_| ())
            }
        }
    }
}
