//! Errors as ormsh reports them: a kind (which decides the exit status), a message, and where the
//! user typed the offending token, so that one place can draw the caret.

use crate::ast::Span;

/// What went wrong, broadly. The kind decides the exit status and how the session carries on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input does not parse.
    Syntax,
    /// An unknown model, field, reference or savepoint.
    Name,
    /// A value that does not fit its column's type.
    Value,
    /// A command ormsh refuses to run as written (`delete User` without `where` or `all`).
    Refused,
    /// A command not allowed in the current transaction state.
    Transaction,
    /// The database reported an error.
    Database,
    /// A file could not be read or written.
    Io,
    /// Bad command-line usage.
    Usage,
    /// The database could not be reached or opened.
    Connection,
    /// Whoever reads the output went away (`ormsh … | head`): stop quietly.
    OutputClosed,
}

/// An error with its position. `span` is relative to the statement's text unless the caller
/// shifted it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Where the offending token is, when the error comes from something the user typed.
    pub span: Option<Span>,
    /// A short note drawn under the caret (e.g. "age is int").
    pub label: Option<String>,
    /// A hint drawn after the snippet (e.g. "did you mean `User`?").
    pub help: Option<String>,
    /// The database's own code, when the database reported the error.
    pub code: Option<DbCode>,
    /// What else the server said of the error (PostgreSQL's DETAIL, HINT and position; the
    /// table, column or constraint it names): boxed, as most errors have none.
    pub server: Option<Box<ServerDetail>>,
}

/// The parts of a server's error beyond its message, as the server gave them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerDetail {
    /// PostgreSQL's DETAIL (`Key (id)=(1) is still referenced from table "addresses".`).
    pub detail: Option<String>,
    /// PostgreSQL's HINT.
    pub hint: Option<String>,
    /// Where in the statement's text the server puts the error.
    pub position: Option<TextPosition>,
    pub table: Option<String>,
    pub column: Option<String>,
    pub constraint: Option<String>,
}

/// A place in the text of a statement sent to the server, as the server counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextPosition {
    /// PostgreSQL: the 0-based index of a character.
    Char(usize),
    /// SQLite: the 0-based offset of a byte.
    Byte(usize),
}

impl TextPosition {
    /// The byte offset in `text` (clamped to its end).
    pub fn byte_in(self, text: &str) -> usize {
        match self {
            TextPosition::Byte(at) => at.min(text.len()),
            TextPosition::Char(n) => text.char_indices().nth(n).map_or(text.len(), |(at, _)| at),
        }
    }
}

/// The database's own code for an error, kept so that ormsh decides by it, never by the
/// message's wording (which changes with the server's version and language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbCode {
    /// PostgreSQL's SQLSTATE: always five ASCII characters.
    SqlState([u8; 5]),
    /// MySQL/MariaDB's error number.
    Mysql(u16),
    /// SQLite's extended result code.
    Sqlite(i32),
}

impl DbCode {
    /// Whether the error is about the values of one row (a duplicate key, a missing reference, a
    /// value out of range): writing the rows of a failed batch one at a time then finds the row
    /// that caused it. Other errors (a full disk, a lock held too long, a deadlock) are not
    /// about any one row, and retrying row by row would only meet them again.
    pub fn is_about_a_row(&self) -> bool {
        match self {
            // Class 22: data exception; class 23: integrity constraint violation.
            DbCode::SqlState(state) => state.starts_with(b"22") || state.starts_with(b"23"),
            // Duplicate key (1062, 1586), null in a not-null column (1048, 1364), missing or
            // referenced parent (1216, 1217, 1451, 1452), data too long or out of range (1406,
            // 1264, 1690), a wrong value for the type (1292, 1366, 1367, 4025), a failed CHECK
            // (3819, 4025 on MariaDB), a wrong number of values (1136).
            DbCode::Mysql(n) => matches!(
                n,
                1048 | 1062
                    | 1136
                    | 1216
                    | 1217
                    | 1264
                    | 1292
                    | 1364
                    | 1366
                    | 1367
                    | 1406
                    | 1451
                    | 1452
                    | 1586
                    | 1690
                    | 3819
                    | 4025
            ),
            // SQLITE_CONSTRAINT (19), SQLITE_MISMATCH (20), SQLITE_TOOBIG (18), SQLITE_RANGE (25).
            DbCode::Sqlite(code) => matches!(code & 0xff, 18 | 19 | 20 | 25),
        }
    }

    /// An SQLSTATE as the code of an error, if it is one (five ASCII characters).
    pub fn from_sqlstate(state: &str) -> Option<DbCode> {
        state.as_bytes().try_into().ok().filter(|s: &[u8; 5]| s.is_ascii()).map(DbCode::SqlState)
    }

    /// The SQLSTATE, where the database gives one with the code.
    pub fn sqlstate(&self) -> Option<&str> {
        match self {
            DbCode::SqlState(state) => std::str::from_utf8(state).ok(),
            _ => None,
        }
    }
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), span: None, label: None, help: None, code: None, server: None }
    }

    pub fn at(kind: ErrorKind, message: impl Into<String>, span: Span) -> Error {
        Error::new(kind, message).with_span(span)
    }

    pub fn with_span(mut self, span: Span) -> Error {
        self.span = Some(span);
        self
    }

    pub fn with_label(mut self, label: impl Into<String>) -> Error {
        self.label = Some(label.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    pub fn with_code(mut self, code: DbCode) -> Error {
        self.code = Some(code);
        self
    }

    pub fn with_server(mut self, server: ServerDetail) -> Error {
        self.server = Some(Box::new(server));
        self
    }

    /// Adds a second hint after the first one, if there is one already.
    pub fn with_more_help(mut self, help: impl Into<String>) -> Error {
        let help = help.into();
        self.help = Some(match self.help.take() {
            Some(first) => format!("{first}\n{help}"),
            None => help,
        });
        self
    }

    pub fn syntax(message: impl Into<String>, span: Span) -> Error {
        Error::at(ErrorKind::Syntax, message, span)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
