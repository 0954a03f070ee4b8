//! Transaction state, tracked by ormsh: `BEGIN`, `COMMIT` and savepoints are sent as statements,
//! and the state decides the prompt's marker and which commands are accepted.

use super::{Session, io_error};
use crate::ast::{Command, Ident};
use crate::dialect::Sql;
use crate::error::{Error, ErrorKind, Result};

/// The savepoint each command runs under inside a transaction.
pub(crate) const COMMAND_SAVEPOINT: &str = "ormsh_command";
/// In a sandbox the real transaction is the sandbox's; the user's `begin` is this savepoint.
const SANDBOX_SAVEPOINT: &str = "ormsh_transaction";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TxState {
    Idle,
    /// A transaction is open, with the user's savepoints, oldest first.
    Open {
        savepoints: Vec<String>,
    },
    /// The database aborted the transaction (PostgreSQL): only a rollback gets out.
    Aborted {
        savepoints: Vec<String>,
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
            TxState::Aborted { .. } => " [tx!]",
        }
    }

    pub(crate) fn abort(&mut self) {
        if let TxState::Open { savepoints } = self {
            *self = TxState::Aborted { savepoints: std::mem::take(savepoints) };
        }
    }

    fn savepoints(&self) -> &[String] {
        match self {
            TxState::Idle => &[],
            TxState::Open { savepoints } | TxState::Aborted { savepoints } => savepoints,
        }
    }

    /// In an aborted transaction only a rollback (and commands that do not touch the database)
    /// are accepted.
    pub(crate) fn check_allowed(&self, command: &Command) -> Result<()> {
        let harmless = matches!(
            command,
            Command::Rollback
                | Command::RollbackTo(_)
                | Command::Quit
                | Command::Help(_)
                | Command::Set(_)
                | Command::Explain(_)
        );
        if matches!(self, TxState::Aborted { .. }) && !harmless {
            return Err(Error::new(
                ErrorKind::Transaction,
                format!(
                    "the database aborted this transaction; `{}` is not accepted until it is rolled back",
                    super::command_word(command)
                ),
            )
            .with_help("`rollback` (or `rollback to <savepoint>`) to go on"));
        }
        Ok(())
    }
}

impl Session {
    pub(super) async fn begin(&mut self) -> Result<()> {
        if self.tx.is_open() {
            return Err(Error::new(ErrorKind::Transaction, "a transaction is already open")
                .with_help("`commit` or `rollback` it first, or use `savepoint NAME`"));
        }
        let sql = if self.sandbox { self.dialect().savepoint(SANDBOX_SAVEPOINT) } else { self.dialect().begin() };
        self.send(&sql).await?;
        self.tx = TxState::Open { savepoints: Vec::new() };
        self.printer.status("BEGIN").map_err(io_error)
    }

    pub(super) async fn commit(&mut self) -> Result<()> {
        if !self.tx.is_open() {
            return Err(Error::new(ErrorKind::Transaction, "no transaction is open, so there is nothing to commit")
                .with_help("outside `begin` … `commit` every command commits on its own"));
        }
        if matches!(self.tx, TxState::Aborted { .. }) {
            return Err(Error::new(
                ErrorKind::Transaction,
                "the database aborted this transaction; it cannot be committed",
            )
            .with_help("`rollback`"));
        }
        let sql = if self.sandbox { self.dialect().release(SANDBOX_SAVEPOINT) } else { Sql::raw("COMMIT") };
        self.send(&sql).await?;
        self.tx = TxState::Idle;
        self.printer.status("COMMIT").map_err(io_error)
    }

    pub(super) async fn rollback(&mut self) -> Result<()> {
        if !self.tx.is_open() {
            return Err(Error::new(ErrorKind::Transaction, "no transaction is open, so there is nothing to roll back"));
        }
        if self.tx_lost {
            // The server already ended it with the old connection.
            self.tx_lost = false;
        } else if self.sandbox {
            self.send(&self.dialect().rollback_to(SANDBOX_SAVEPOINT)).await?;
            self.send(&self.dialect().release(SANDBOX_SAVEPOINT)).await?;
        } else {
            self.send(&Sql::raw("ROLLBACK")).await?;
        }
        self.tx = TxState::Idle;
        self.printer.status("ROLLBACK").map_err(io_error)
    }

    pub(super) async fn savepoint(&mut self, name: &Ident) -> Result<()> {
        if !self.tx.is_open() {
            return Err(Error::at(ErrorKind::Transaction, "a savepoint needs an open transaction", name.span)
                .with_help("`begin` first"));
        }
        if [COMMAND_SAVEPOINT, SANDBOX_SAVEPOINT].iter().any(|r| name.name.eq_ignore_ascii_case(r)) {
            return Err(Error::at(ErrorKind::Name, format!("`{}` is a name ormsh uses itself", name.name), name.span));
        }
        self.send(&self.dialect().savepoint(&name.name)).await?;
        if let TxState::Open { savepoints } = &mut self.tx {
            savepoints.retain(|s| *s != name.name);
            savepoints.push(name.name.clone());
        }
        self.printer.status("SAVEPOINT").map_err(io_error)
    }

    pub(super) async fn rollback_to(&mut self, name: &Ident) -> Result<()> {
        if self.tx_lost {
            return Err(Error::at(
                ErrorKind::Transaction,
                "the transaction was lost with the connection, and its savepoints with it",
                name.span,
            )
            .with_help("`rollback` to go on"));
        }
        let position = self.savepoint_position(name)?;
        self.send(&self.dialect().rollback_to(&name.name)).await?;
        let mut savepoints = self.tx.savepoints().to_vec();
        savepoints.truncate(position + 1);
        // Rolling back to a savepoint also ends an aborted state on PostgreSQL.
        self.tx = TxState::Open { savepoints };
        self.printer.status("ROLLBACK TO SAVEPOINT").map_err(io_error)
    }

    pub(super) async fn release(&mut self, name: &Ident) -> Result<()> {
        let position = self.savepoint_position(name)?;
        self.send(&self.dialect().release(&name.name)).await?;
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
}
