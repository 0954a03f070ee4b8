//! The one way commands are executed, whatever they come from: a line at the prompt, `-c`, a
//! script file, piped stdin or `source`. Text is split into statements, each is parsed and run
//! in the session, and errors are drawn with their position in the text.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ast::Span;
use crate::diagnostic;
use crate::error::{Error, ErrorKind};
use crate::parser::{parse_statement, split::split_statements};
use crate::session::{Confirm, Flow, Session};

/// What to do after a command fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnError {
    /// Stop the input at the first error (scripts).
    #[default]
    Stop,
    /// Report it and go on with the next command.
    Continue,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every statement was read (some may have failed if errors do not stop the run).
    Done,
    /// `quit`, or the output was closed.
    Quit,
    /// A statement failed and errors stop the run.
    Stopped,
}

/// Runs text through the session; errors go to `errors` (stderr in the binary).
pub struct Runner<'a> {
    pub session: &'a mut Session,
    pub confirm: &'a mut dyn Confirm,
    pub errors: &'a mut dyn Write,
    pub on_error: OnError,
    /// Colour in error messages.
    pub color: bool,
    /// How many commands failed so far.
    pub failures: usize,
    /// The last error, for a caller that wants to act on it (the prompt puts the line back).
    pub last_error: Option<Error>,
    depth: usize,
}

/// `source` may include files that include files, but not forever.
const MAX_SOURCE_DEPTH: usize = 16;

impl<'a> Runner<'a> {
    pub fn new(
        session: &'a mut Session,
        confirm: &'a mut dyn Confirm,
        errors: &'a mut dyn Write,
        on_error: OnError,
        color: bool,
    ) -> Runner<'a> {
        Runner { session, confirm, errors, on_error, color, failures: 0, last_error: None, depth: 0 }
    }

    /// Runs every statement of `text`. `origin` names it in errors (`script.orm`, `<input>`);
    /// `base` is the directory that relative `source` paths start from.
    pub async fn run(&mut self, origin: &str, text: &str, base: &Path) -> Ended {
        for piece in split_statements(text) {
            let statement_text = &text[piece.start..piece.end];
            let result = match parse_statement(statement_text) {
                Ok(statement) => self.session.execute(&statement, self.confirm).await,
                Err(err) => Err(err),
            };
            match result {
                Ok(Flow::Continue) => {}
                Ok(Flow::Quit) => return Ended::Quit,
                Ok(Flow::Source(path)) => match self.source(base, &path).await {
                    Ended::Done => {}
                    Ended::Quit => return Ended::Quit,
                    Ended::Stopped => {
                        if self.on_error == OnError::Stop {
                            return Ended::Stopped;
                        }
                    }
                },
                Err(err) if err.kind == ErrorKind::OutputClosed => return Ended::Quit,
                Err(mut err) => {
                    // An error without a position of its own (the database's) points at its
                    // whole statement.
                    let trimmed = statement_text.trim_end();
                    let whole = Span::new(piece.start, piece.start + trimmed.len());
                    err.span = Some(err.span.map_or(whole, |s| s.shift(piece.start)));
                    self.report(&err, origin, text);
                    if self.on_error == OnError::Stop {
                        return Ended::Stopped;
                    }
                }
            }
        }
        Ended::Done
    }

    fn report(&mut self, err: &Error, origin: &str, text: &str) {
        self.failures += 1;
        let drawn = diagnostic::render(err, origin, text, self.color);
        let _ = writeln!(self.errors, "{}", drawn.trim_end());
        let _ = self.errors.flush();
        self.last_error = Some(err.clone());
    }

    /// `source FILE`: the file's statements in this session, relative to the including file.
    async fn source(&mut self, base: &Path, path: &str) -> Ended {
        let full: PathBuf = base.join(path);
        if self.depth >= MAX_SOURCE_DEPTH {
            let err = Error::new(
                ErrorKind::Refused,
                format!("`source` is nested more than {MAX_SOURCE_DEPTH} deep (does a file source itself?)"),
            );
            self.report(&err, path, "");
            return Ended::Stopped;
        }
        let text = match std::fs::read_to_string(&full) {
            Ok(text) => text,
            Err(e) => {
                let err = Error::new(ErrorKind::Io, format!("cannot read {}: {e}", full.display()));
                self.report(&err, path, "");
                return Ended::Stopped;
            }
        };
        let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
        self.depth += 1;
        let origin = full.display().to_string();
        let ended = Box::pin(self.run(&origin, &text, &dir)).await;
        self.depth -= 1;
        ended
    }
}

/// Never asks: for input that is not a person at a keyboard.
pub struct NoConfirm;

impl Confirm for NoConfirm {
    fn confirm(&mut self, _question: &str) -> bool {
        false
    }
}
