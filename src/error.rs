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
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into(), span: None, label: None, help: None }
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

    pub fn syntax(message: impl Into<String>, span: Span) -> Error {
        Error::at(ErrorKind::Syntax, message, span)
    }

    /// The exit status a command-line run ends with when this error stops it.
    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::Usage | ErrorKind::Connection => 2,
            _ => 1,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
