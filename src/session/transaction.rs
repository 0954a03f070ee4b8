//! The transaction state, and how it is kept true. `BEGIN`, `COMMIT` and savepoints are sent as
//! statements, and every command inside a transaction runs under a savepoint of its own; but the
//! state shown is the server's, never only ormsh's bookkeeping: after anything that may have
//! ended or started a transaction behind ormsh's back (a failed statement or commit, the user's
//! own SQL, a lost connection) the session asks the database ([`Backend::transaction_status`])
//! and follows its answer, saying in one line when it is not what ormsh expected.

use super::{Session, io_error};
use crate::ast::{Command, Ident, Span, TxMode};
use crate::backend::ServerTx;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::{COMMAND_SAVEPOINT, SANDBOX_SAVEPOINT, transaction_statements};
use crate::raw_sql;

#[cfg(doc)]
use crate::backend::Backend;

/// Names the session's own statements use on the server, which the user's savepoints may not.
const RESERVED_SAVEPOINTS: [&str; 4] = [COMMAND_SAVEPOINT, SANDBOX_SAVEPOINT, "ormsh_probe", "ormsh_check"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxState {
    Idle,
    /// A transaction is open, with the user's savepoints, oldest first.
    Open {
        savepoints: Vec<String>,
    },
    /// The database aborted the transaction and holds it so (PostgreSQL): only `rollback` or
    /// `rollback to` gets out.
    Aborted {
        savepoints: Vec<String>,
    },
    /// The transaction ended without the user's word: the database rolled it back on its own (a
    /// deadlock, a full disk, an interrupted SQLite write) or it went with the connection.
    /// The commands that would have been part of it must not run on their own (in autocommit),
    /// so nothing runs until `rollback` says the user knows; it then has nothing to send.
    Ended {
        why: String,
    },
}

impl TxState {
    pub fn is_open(&self) -> bool {
        !matches!(self, TxState::Idle)
    }

    /// What the prompt shows: nothing, ` [tx]` or ` [tx!]`.
    pub fn marker(&self) -> &'static str {
        match self {
            TxState::Idle => "",
            TxState::Open { .. } => " [tx]",
            TxState::Aborted { .. } | TxState::Ended { .. } => " [tx!]",
        }
    }

    fn savepoints(&self) -> &[String] {
        match self {
            TxState::Idle | TxState::Ended { .. } => &[],
            TxState::Open { savepoints } | TxState::Aborted { savepoints } => savepoints,
        }
    }

    /// The state after the database aborted the transaction (PostgreSQL), savepoints kept.
    fn aborted(&self) -> TxState {
        TxState::Aborted { savepoints: self.savepoints().to_vec() }
    }

    /// In an aborted or ended transaction only a rollback (and commands that do not touch the
    /// database) are accepted.
    pub(crate) fn check_allowed(&self, command: &Command) -> Result<()> {
        let harmless = matches!(
            command,
            Command::Rollback
                | Command::RollbackTo(_)
                | Command::Quit
                | Command::Help(_)
                | Command::Set(_)
                | Command::Output { .. }
                | Command::Edit
                | Command::Explain(_)
        );
        if harmless {
            return Ok(());
        }
        self.check_runs(command.word())
    }

    /// Refuses a command (named by `word`) that touches the database, in an aborted or ended
    /// transaction.
    pub(crate) fn check_runs(&self, word: &str) -> Result<()> {
        match self {
            TxState::Aborted { .. } => Err(Error::new(
                ErrorKind::Transaction,
                format!("the database aborted this transaction; `{word}` is not accepted until it is rolled back"),
            )
            .with_help("`rollback` (or `rollback to <savepoint>`) to go on")),
            TxState::Ended { why } => Err(Error::new(
                ErrorKind::Transaction,
                format!("this transaction is over ({why}); `{word}` is not run until it is rolled back"),
            )
            .with_help("nothing of it was committed; `rollback` to go on")),
            TxState::Idle | TxState::Open { .. } => Ok(()),
        }
    }
}

/// Why a transaction is over when the database rolled it back for `err`: named by the first line
/// of its message, for the later refusals.
fn rolled_back_by(err: &Error) -> String {
    format!("the database rolled it back: {}", err.message.lines().next().unwrap_or(""))
}

impl Session {
    pub(super) async fn begin(&mut self, mode: TxMode) -> Result<()> {
        if self.tx.is_open() {
            return Err(Error::new(ErrorKind::Transaction, "a transaction is already open")
                .with_help("`commit` or `rollback` it first, or use `savepoint NAME`"));
        }
        crate::plan::tx_mode_allowed(self.dialect(), mode, self.sandbox)?;
        self.send_all(&Command::Begin(mode)).await?;
        self.tx = TxState::Open { savepoints: Vec::new() };
        self.printer.status("BEGIN").map_err(io_error)
    }

    pub(super) async fn commit(&mut self) -> Result<()> {
        if !self.tx.is_open() {
            return Err(Error::new(ErrorKind::Transaction, "no transaction is open, so there is nothing to commit")
                .with_help("outside `begin` … `commit` every command commits on its own"));
        }
        if self.sandbox {
            // A real commit checks the deferred constraints; the sandbox checks them, and
            // fails as the commit would.
            if let Err(err) = self.backend.check_deferred().await {
                self.send_all(&Command::Rollback).await?;
                self.tx = TxState::Idle;
                return Err(err.with_more_help(
                    "a real commit would fail here, and the database would roll the transaction back: it was rolled back (sandbox)",
                ));
            }
        }
        if let Err(err) = self.send_all(&Command::Commit).await {
            // SQLite keeps a transaction whose COMMIT failed on a deferred constraint open, where
            // PostgreSQL rolls it back: one meaning on every database, it is rolled back. (A
            // commit held up by a lock is another matter: the transaction is sound, and stays
            // open to be committed again.)
            let about_a_row = err.code.as_ref().is_some_and(crate::error::DbCode::is_about_a_row);
            if about_a_row && matches!(self.backend.transaction_status().await, Ok(ServerTx::Open)) {
                self.send(&self.dialect().rollback()).await?;
            }
            return Err(err);
        }
        self.tx = TxState::Idle;
        self.printer.status("COMMIT").map_err(io_error)
    }

    pub(super) async fn rollback(&mut self) -> Result<()> {
        if !self.tx.is_open() {
            return Err(Error::new(ErrorKind::Transaction, "no transaction is open, so there is nothing to roll back"));
        }
        // When the server already ended it, there is nothing to send.
        if !matches!(self.tx, TxState::Ended { .. }) {
            self.send_all(&Command::Rollback).await?;
        }
        self.tx = TxState::Idle;
        self.printer.status("ROLLBACK").map_err(io_error)
    }

    pub(super) async fn savepoint(&mut self, name: &Ident) -> Result<()> {
        if !self.tx.is_open() {
            return Err(Error::at(ErrorKind::Transaction, "a savepoint needs an open transaction", name.span)
                .with_help("`begin` first"));
        }
        if RESERVED_SAVEPOINTS.iter().any(|r| name.name.eq_ignore_ascii_case(r)) {
            return Err(Error::at(ErrorKind::Name, format!("`{}` is a name ormsh uses itself", name.name), name.span));
        }
        self.send_all(&Command::Savepoint(name.clone())).await?;
        if let TxState::Open { savepoints } = &mut self.tx {
            savepoints.retain(|s| *s != name.name);
            savepoints.push(name.name.clone());
        }
        self.printer.status("SAVEPOINT").map_err(io_error)
    }

    pub(super) async fn rollback_to(&mut self, name: &Ident) -> Result<()> {
        if let TxState::Ended { why } = &self.tx {
            return Err(Error::at(
                ErrorKind::Transaction,
                format!("this transaction is over ({why}), and its savepoints with it"),
                name.span,
            )
            .with_help("`rollback` to go on"));
        }
        let position = self.savepoint_position(name)?;
        self.send_all(&Command::RollbackTo(name.clone())).await?;
        let mut savepoints = self.tx.savepoints().to_vec();
        savepoints.truncate(position + 1);
        // Rolling back to a savepoint also ends an aborted state on PostgreSQL.
        self.tx = TxState::Open { savepoints };
        self.printer.status("ROLLBACK TO SAVEPOINT").map_err(io_error)
    }

    pub(super) async fn release(&mut self, name: &Ident) -> Result<()> {
        let position = self.savepoint_position(name)?;
        self.send_all(&Command::Release(name.clone())).await?;
        if let TxState::Open { savepoints } = &mut self.tx {
            savepoints.truncate(position);
        }
        self.printer.status("RELEASE SAVEPOINT").map_err(io_error)
    }

    fn savepoint_position(&self, name: &Ident) -> Result<usize> {
        if !self.tx.is_open() {
            return Err(Error::at(
                ErrorKind::Transaction,
                "no transaction is open, so there is no savepoint",
                name.span,
            ));
        }
        let savepoints = self.tx.savepoints();
        savepoints.iter().rposition(|s| *s == name.name).ok_or_else(|| {
            let mut err =
                Error::at(ErrorKind::Name, format!("no savepoint `{}` in this transaction", name.name), name.span);
            if let Some(help) = crate::suggest::did_you_mean(&name.name, savepoints.iter().map(String::as_str)) {
                err = err.with_help(help);
            } else if !savepoints.is_empty() {
                err = err.with_help(format!("savepoints: {}", savepoints.join(", ")));
            }
            err
        })
    }

    /// Sends the statements of transaction control `command`: those its plan (and `explain`)
    /// names.
    async fn send_all(&mut self, command: &Command) -> Result<()> {
        for sql in transaction_statements(command, &self.context()) {
            self.send(&sql).await?;
        }
        Ok(())
    }

    /// Whether statements run inside a transaction (the user's or the sandbox's).
    pub(super) fn in_transaction(&self) -> bool {
        self.tx.is_open() || self.sandbox
    }

    /// Refuses SQL that would change the transaction behind the session's back: transaction
    /// control, which has an ormsh command of its own, and (MySQL/MariaDB) a statement that
    /// commits the open transaction implicitly. `span` is where the SQL text was typed.
    pub(super) fn refuse_raw_control(&self, text: &str, span: Span) -> Result<()> {
        if let Some(control) = raw_sql::transaction_control(text) {
            return Err(Error::at(
                ErrorKind::Refused,
                "ormsh keeps the transaction itself, so `sql` does not take transaction control",
                span,
            )
            .with_help(control.instead()));
        }
        if self.in_transaction() && raw_sql::commits_implicitly(self.dialect(), text) {
            return Err(self.implicit_commit_refused(span));
        }
        Ok(())
    }

    /// The error for a schema change that MySQL/MariaDB would commit the open transaction for.
    pub(super) fn implicit_commit_refused(&self, span: Span) -> Error {
        let (message, help) = if self.sandbox {
            (
                "MySQL/MariaDB commits the open transaction before this statement, and the sandbox would then keep everything",
                "a sandbox on MySQL/MariaDB cannot change the schema",
            )
        } else {
            (
                "MySQL/MariaDB commits the open transaction before this statement, so it is refused inside one",
                "`commit` or `rollback` first",
            )
        };
        Error::at(ErrorKind::Transaction, message, span).with_help(help)
    }

    /// Inside a transaction, opens the savepoint a command runs under; whether it did.
    pub(super) async fn protect(&mut self) -> Result<bool> {
        if !self.in_transaction() {
            return Ok(false);
        }
        self.send(&self.dialect().savepoint(COMMAND_SAVEPOINT)).await?;
        Ok(true)
    }

    /// Closes the command's savepoint: kept on success, rolled back on failure. In a sandbox,
    /// a command outside `begin` would commit on its own in a real run, so the constraints its
    /// commit would check are checked first, and it fails as that commit would.
    pub(super) async fn settle(&mut self, protected: bool, result: Result<()>) -> Result<()> {
        if !protected {
            return result;
        }
        let dialect = self.dialect();
        let result = match result {
            Ok(()) if self.sandbox && !self.tx.is_open() => self.backend.check_deferred().await.map_err(|err| {
                err.with_more_help("in a real run this command would fail at its commit, and be undone (sandbox)")
            }),
            other => other,
        };
        let Err(err) = result else {
            return self.send(&dialect.release(COMMAND_SAVEPOINT)).await;
        };
        // When this fails, the transaction that held the savepoint is gone or aborted; the
        // server's state, taken afterwards, says which.
        if self.send(&dialect.rollback_to(COMMAND_SAVEPOINT)).await.is_ok() {
            let _ = self.send(&dialect.release(COMMAND_SAVEPOINT)).await;
        } else {
            self.savepoint_lost = true;
        }
        Err(err)
    }

    /// Gives the outcome of `command` (None: a batch of `add`s) its full account: a lost
    /// connection is noted, and after a failure, or SQL the user wrote, the transaction state
    /// is taken from the server.
    pub(super) async fn account<T>(&mut self, command: Option<&Command>, result: Result<T>) -> Result<T> {
        if matches!(command, Some(Command::Connect { .. })) {
            // A failed `connect` leaves the current connection as it was.
            return result;
        }
        let result = result.map_err(|err| self.note_lost(err, command));
        let result = self.ask_server(command, result).await;
        self.forget_undone_schema(command, result.is_ok()).await;
        result
    }

    /// After a transaction (or part of it) was undone, a catalog read inside it may name tables
    /// that are gone: it is read again.
    async fn forget_undone_schema(&mut self, command: Option<&Command>, succeeded: bool) {
        if !self.schema_provisional || self.lost {
            return;
        }
        let committed = matches!(command, Some(Command::Commit)) && succeeded;
        let undone = matches!(command, Some(Command::Rollback | Command::RollbackTo(_)))
            || !matches!(self.tx, TxState::Open { .. });
        if committed {
            self.schema_provisional = false;
        } else if undone {
            self.schema_provisional = false;
            // On failure the old catalog stays, and the next schema change replaces it.
            let _ = self.refresh_catalog().await;
        }
    }

    /// After a failure, or SQL the user wrote, takes the transaction state from the server.
    async fn ask_server<T>(&mut self, command: Option<&Command>, result: Result<T>) -> Result<T> {
        let ask = match &result {
            Err(err) => err.kind == ErrorKind::Database,
            Ok(_) => matches!(command, Some(Command::Sql { .. })),
        };
        // Taken whatever happens next: it speaks of this command's savepoint alone.
        let savepoint_lost = std::mem::take(&mut self.savepoint_lost);
        if !ask || self.lost {
            return result;
        }
        let server = match self.backend.transaction_status().await {
            // MySQL/MariaDB roll a deadlock victim's transaction back and go on in a new one, as
            // if `START TRANSACTION` still held: the server says "open", but the savepoint the
            // command ran under went with the old transaction. That is a rollback; the new
            // transaction, empty, is ended too, so that the server is idle as the state says.
            Ok(ServerTx::Open) if savepoint_lost => {
                self.send(&self.dialect().rollback()).await?;
                ServerTx::Idle
            }
            Ok(server) => server,
            Err(err) if err.kind == ErrorKind::Connection => {
                let _ = self.note_lost(err, None);
                return result;
            }
            // The database cannot say (MySQL has no `@@in_transaction`): ormsh's view stands.
            Err(_) => return result,
        };
        let committing = matches!(command, Some(Command::Commit));
        if self.sandbox {
            self.follow_sandbox(server, result).await
        } else {
            self.follow_server(server, committing, result)
        }
    }

    /// Takes the state from the server's answer, outside a sandbox.
    fn follow_server<T>(&mut self, server: ServerTx, committing: bool, result: Result<T>) -> Result<T> {
        match (&self.tx, server) {
            (TxState::Open { .. }, ServerTx::Open) if committing => result.map_err(|err| {
                // SQLite keeps a transaction whose COMMIT a lock held up (a reader in the way)
                // open; it can be committed once the lock is free.
                err.with_more_help("the transaction is still open: `commit` again once that is mended, or `rollback`")
            }),
            (TxState::Idle, ServerTx::Idle)
            | (TxState::Open { .. }, ServerTx::Open)
            | (TxState::Aborted { .. }, ServerTx::Failed)
            | (TxState::Ended { .. }, ServerTx::Idle) => result,
            (TxState::Idle, ServerTx::Open | ServerTx::Failed) => {
                // Only SQL that ormsh did not recognise gets here. Later commands would run in a
                // transaction nobody sees: follow it instead.
                self.tx = if server == ServerTx::Failed {
                    TxState::Aborted { savepoints: Vec::new() }
                } else {
                    TxState::Open { savepoints: Vec::new() }
                };
                self.tell(
                    result,
                    "the database opened a transaction: ormsh follows it (`commit` or `rollback` ends it)",
                )
            }
            (TxState::Ended { .. }, ServerTx::Open | ServerTx::Failed) => {
                self.tx = TxState::Aborted { savepoints: Vec::new() };
                result
            }
            (TxState::Open { .. }, ServerTx::Failed) => {
                self.tx = self.tx.aborted();
                result
            }
            (TxState::Aborted { savepoints }, ServerTx::Open) => {
                self.tx = TxState::Open { savepoints: savepoints.clone() };
                result
            }
            (TxState::Open { .. } | TxState::Aborted { .. }, ServerTx::Idle) => match result {
                Err(err) if committing => {
                    self.tx = TxState::Idle;
                    Err(err.with_more_help("the transaction was rolled back: nothing of it was committed"))
                }
                Err(err) => {
                    self.tx = TxState::Ended { why: rolled_back_by(&err) };
                    Err(err.with_more_help(
                        "the database rolled the whole transaction back: nothing of it was committed; `rollback` to go on",
                    ))
                }
                Ok(value) => {
                    self.tx = TxState::Idle;
                    self.tell(
                        Ok(value),
                        "the database ended the transaction on its own after this command (an implicit commit): what it held is committed",
                    )
                }
            },
        }
    }

    /// Takes the state from the server's answer in a sandbox, whose transaction must always be
    /// open: if the database ended it, a new one is opened at once, so that nothing after this
    /// runs (and commits) on its own.
    async fn follow_sandbox<T>(&mut self, server: ServerTx, result: Result<T>) -> Result<T> {
        match server {
            ServerTx::Open => {
                if let TxState::Aborted { savepoints } = &self.tx {
                    self.tx = TxState::Open { savepoints: savepoints.clone() };
                }
                result
            }
            // The user's `begin` is a savepoint, which `rollback` returns to.
            ServerTx::Failed if self.tx.is_open() => {
                self.tx = self.tx.aborted();
                result
            }
            ServerTx::Failed | ServerTx::Idle => {
                let failed = server == ServerTx::Failed;
                if failed {
                    self.send(&self.dialect().rollback()).await?;
                }
                self.send(&self.dialect().begin()).await?;
                match result {
                    Ok(value) if !failed => {
                        self.tx = TxState::Idle;
                        self.sandbox_breached = true;
                        self.tell(
                            Ok(value),
                            "the database committed the sandbox's transaction on its own after this command: the changes made before it are kept",
                        )
                    }
                    result => {
                        let why = match &result {
                            Err(err) => rolled_back_by(err),
                            Ok(_) => "the database aborted it".to_string(),
                        };
                        if self.tx.is_open() {
                            self.tx = TxState::Ended { why };
                        }
                        self.tell(
                            result,
                            "the database rolled back the sandbox's transaction: the changes made in it so far are gone (nothing was committed); a new one is open",
                        )
                    }
                }
            }
        }
    }

    /// Says `note` beside a result: as help on an error, else as a warning.
    fn tell<T>(&mut self, result: Result<T>, note: &str) -> Result<T> {
        match result {
            Err(err) => Err(err.with_more_help(note)),
            Ok(value) => {
                self.printer.warning(note).map_err(io_error)?;
                Ok(value)
            }
        }
    }

    /// A lost connection takes its transaction with it: the user is told, only `rollback` is
    /// accepted until then, and the next command reconnects. A `commit` whose connection went
    /// may or may not have been carried out, and the user is told that instead.
    pub(super) fn note_lost(&mut self, err: Error, command: Option<&Command>) -> Error {
        if err.kind != ErrorKind::Connection {
            return err;
        }
        self.lost = true;
        if self.sandbox {
            if self.tx.is_open() {
                self.tx = TxState::Ended { why: "it was lost with the connection".into() };
            }
            return err.with_help("the sandbox's changes were lost with the connection; the next command reconnects");
        }
        if !self.tx.is_open() {
            return err.with_help("the next command reconnects");
        }
        if matches!(command, Some(Command::Commit)) && matches!(self.tx, TxState::Open { .. }) {
            self.tx = TxState::Idle;
            return err.with_help(
                "the connection went while COMMIT ran: whether the database committed the transaction is unknown; look at the data once the next command reconnects",
            );
        }
        // What follows must not run in autocommit as if the transaction were still there:
        // until `rollback` says the user knows, nothing else is accepted.
        self.tx = TxState::Ended { why: "it was lost with the connection".into() };
        err.with_help(
            "the open transaction was lost with the connection: nothing of it was committed; `rollback` to go on (the next command reconnects)",
        )
    }

    /// Ends the session: an open transaction (or the sandbox) is rolled back, never committed.
    /// Returns a note for stderr when something was rolled back.
    pub async fn finish(&mut self) -> Option<String> {
        let _ = self.printer.flush();
        if self.sandbox {
            let _ = self.send(&self.dialect().rollback()).await;
            return Some(if self.sandbox_breached {
                "sandbox: the database committed part of this session on its own (see the warning above); every change after that was rolled back".into()
            } else {
                "sandbox: every change of this session was rolled back".into()
            });
        }
        match std::mem::replace(&mut self.tx, TxState::Idle) {
            TxState::Idle => None,
            TxState::Ended { .. } => Some("the open transaction was rolled back (nothing was committed)".into()),
            TxState::Open { .. } | TxState::Aborted { .. } => {
                let _ = self.send(&self.dialect().rollback()).await;
                Some("the open transaction was rolled back (nothing was committed)".into())
            }
        }
    }
}
