//! The one way commands are executed, whatever they come from: a line at the prompt, `-c`, a
//! script file, piped stdin or `source`. Text is split into statements, each is parsed and run
//! in the session, and errors are drawn with their position in the text.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ast::{Command, Span, Statement};
use crate::diagnostic;
use crate::error::{Error, ErrorKind};
use crate::parser::{parse_statement, split::split_statements};
use crate::plan::{Insert, InsertRow};
use crate::session::{Confirm, Flow, Session};
use crate::value::Value;

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
        Runner { session, confirm, errors, on_error, color, failures: 0, depth: 0 }
    }

    /// Runs every statement of `text`. `origin` names it in errors (`script.orm`, `<input>`);
    /// `base` is the directory that relative `source` paths start from.
    pub async fn run(&mut self, origin: &str, text: &str, base: &Path) -> Ended {
        let mut batch: Option<Batch> = None;
        for piece in split_statements(text) {
            let statement_text = &text[piece.start..piece.end];
            let whole = Span::new(piece.start, piece.end);
            let parsed = match parse_statement(statement_text) {
                // A run of `add`s waits, to be written as multi-row inserts (the unit of work).
                Ok(Statement { command: Command::Add { model, values }, .. }) if self.session.batches_adds() => {
                    let max_params = self.session.dialect().max_params();
                    match self.session.insert_row(&model, values) {
                        Ok(row) => {
                            if let Some(pending) = batch.as_mut()
                                && pending.accepts(&row, max_params)
                            {
                                pending.push(row.values, whole);
                                continue;
                            }
                            let started = Batch::new(row, whole);
                            if let Some(pending) = batch.replace(started)
                                && !self.flush(pending, origin, text).await
                            {
                                return Ended::Stopped;
                            }
                        }
                        Err(err) => {
                            // Rows before the bad one go in first, as they would one by one.
                            if let Some(pending) = batch.take()
                                && !self.flush(pending, origin, text).await
                            {
                                return Ended::Stopped;
                            }
                            self.report_at(err, piece.start, whole, origin, text);
                            if self.on_error == OnError::Stop {
                                return Ended::Stopped;
                            }
                        }
                    }
                    continue;
                }
                other => other,
            };
            if let Some(pending) = batch.take()
                && !self.flush(pending, origin, text).await
            {
                return Ended::Stopped;
            }
            let result = match parsed {
                Ok(statement) => self.session.execute(&statement, self.confirm).await,
                Err(err) => Err(err),
            };
            let outcome = match result {
                Ok(Flow::Continue) => Ok(Ended::Done),
                Ok(Flow::Quit) => Ok(Ended::Quit),
                Ok(Flow::Source(path, span)) => self.source(base, &path).await.map_err(|e| e.with_span(span)),
                Err(err) => Err(err),
            };
            match outcome {
                Ok(Ended::Done) => {}
                Ok(Ended::Quit) => return Ended::Quit,
                // The sourced file reported its own error.
                Ok(Ended::Stopped) => {
                    if self.on_error == OnError::Stop {
                        return Ended::Stopped;
                    }
                }
                Err(err) if err.kind == ErrorKind::OutputClosed => return Ended::Quit,
                Err(err) => {
                    self.report_at(err, piece.start, whole, origin, text);
                    if self.on_error == OnError::Stop {
                        return Ended::Stopped;
                    }
                }
            }
        }
        if let Some(pending) = batch.take()
            && !self.flush(pending, origin, text).await
        {
            return Ended::Stopped;
        }
        Ended::Done
    }

    /// Writes a batch of queued `add`s. If the multi-row insert fails on a row's values, the rows
    /// are written again one by one, so that the error names the line that caused it and the
    /// rows before it stay, exactly as without batching; they are written in the same
    /// transaction, under the same guards, as any command. Any other failure (a full disk, a
    /// deadlock) is not about a row: it is reported as it is, at the batch's first line, and
    /// nothing is written again. Whether the run goes on.
    async fn flush(&mut self, batch: Batch, origin: &str, text: &str) -> bool {
        let failed = match self.session.add_batch(&batch.insert).await {
            Ok(()) => return true,
            Err(err) if err.kind == ErrorKind::OutputClosed => return false,
            Err(err) => err,
        };
        let rows = batch.spans.len();
        if rows == 1 || !self.session.may_retry_rows(&failed) {
            let failed = if rows > 1 {
                let line = |span: Span| text[..span.start].matches('\n').count() + 1;
                let (first, last) = (line(batch.spans[0]), line(batch.spans[rows - 1]));
                failed.with_more_help(format!("{rows} `add`s (lines {first} to {last}) were being written together"))
            } else {
                failed
            };
            self.report_at(failed, batch.spans[0].start, batch.spans[0], origin, text);
            return self.on_error == OnError::Continue;
        }
        let Batch { insert, spans } = batch;
        let mut single = insert.clone_shape();
        for (row, span) in insert.rows.into_iter().zip(spans) {
            single.rows = vec![row];
            if let Err(err) = self.session.add_batch(&single).await {
                self.report_at(err, span.start, span, origin, text);
                if self.on_error == OnError::Stop {
                    return false;
                }
            }
        }
        true
    }

    /// Reports an error of the statement at `start`; one without a position of its own (the
    /// database's) points at its whole statement.
    fn report_at(&mut self, mut err: Error, start: usize, whole: Span, origin: &str, text: &str) {
        err.span = Some(err.span.map_or(whole, |s| s.shift(start)));
        self.report(&err, origin, text);
    }

    fn report(&mut self, err: &Error, origin: &str, text: &str) {
        self.failures += 1;
        // The source line is shown under the error: a password typed in a URL is not.
        let text = crate::redact::mask_passwords(text);
        let drawn = diagnostic::render(err, origin, &text, self.color);
        let _ = writeln!(self.errors, "{}", drawn.trim_end());
        let _ = self.errors.flush();
    }

    /// `source FILE`: the file's statements in this session, relative to the including file.
    /// `source FILE`: the file's statements in this session, relative to the including file.
    /// A file that cannot be read is the `source` statement's error.
    async fn source(&mut self, base: &Path, path: &str) -> Result<Ended, Error> {
        let full: PathBuf = base.join(path);
        if self.depth >= MAX_SOURCE_DEPTH {
            return Err(Error::new(
                ErrorKind::Refused,
                format!("`source` is nested more than {MAX_SOURCE_DEPTH} deep (does a file source itself?)"),
            ));
        }
        let text = std::fs::read_to_string(&full)
            .map_err(|e| Error::new(ErrorKind::Io, format!("cannot read {}: {}", full.display(), io_reason(&e))))?;
        let dir = full.parent().map(Path::to_path_buf).unwrap_or_default();
        self.depth += 1;
        let origin = full.display().to_string();
        let ended = Box::pin(self.run(&origin, &text, &dir)).await;
        self.depth -= 1;
        Ok(ended)
    }
}

/// Why a file could not be read, in words (without the "os error" number).
pub fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => err.to_string(),
    }
}

/// `add`s waiting to be written together: one table, one set of columns.
struct Batch {
    insert: Insert,
    /// Where each row's `add` is in the text, for its errors.
    spans: Vec<Span>,
}

impl Batch {
    /// A batch of one row.
    fn new(row: InsertRow<'_>, span: Span) -> Batch {
        Batch { insert: row.into_insert(), spans: vec![span] }
    }

    fn accepts(&self, next: &InsertRow<'_>, max_params: usize) -> bool {
        // Rows of defaults only (`add User`) have no multi-row form.
        let per_row = self.insert.columns.len();
        per_row > 0
            && next.fits(&self.insert)
            && (self.insert.rows.len() + 1) * per_row <= max_params.min(MAX_BATCH_ROWS * per_row)
    }

    fn push(&mut self, values: Vec<Value>, span: Span) {
        self.insert.rows.push(values);
        self.spans.push(span);
    }
}

/// Rows per multi-row insert at most: large enough that statements are few, small enough that
/// one statement's text and parameters stay modest.
const MAX_BATCH_ROWS: usize = 1000;

/// Never asks: for input that is not a person at a keyboard.
pub struct NoConfirm;

impl Confirm for NoConfirm {
    fn confirm(&mut self, _question: &str) -> bool {
        false
    }
}
