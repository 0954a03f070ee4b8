//! The one way commands are executed, whatever they come from: a line at the prompt, `-c`, a
//! script file, piped stdin or `source`. Text is split into statements, each is parsed and run
//! in the session, and errors are drawn with their position in the text.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::ast::{Command, Span, Statement};
use crate::diagnostic;
use crate::error::{Error, ErrorKind};
use crate::parser::{parse_statement, split::split_statements, sql_as_sent};
use crate::server_error;
use crate::session::{Batch, Confirm, Flow, Session};

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
    /// The text errors were last drawn against (masked, with its line index), and which text
    /// it was made from (its address and length).
    source: Option<((usize, usize), diagnostic::Source)>,
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
        Runner { session, confirm, errors, on_error, color, failures: 0, source: None, depth: 0 }
    }

    /// Runs every statement of `text`. `origin` names it in errors (`script.orm`, `<input>`);
    /// `base` is the directory that relative `source` paths start from.
    pub async fn run(&mut self, origin: &str, text: &str, base: &Path) -> Ended {
        // A byte order mark (editors on Windows write one) is no part of the first command.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Errors are drawn against this text from now on (and against it again after a
        // `source`d file's).
        self.source = None;
        let mut batch: Option<Batch> = None;
        for piece in split_statements(text) {
            let statement_text = &text[piece.start..piece.end];
            let whole = Span::new(piece.start, piece.end);
            let parsed = match parse_statement(statement_text) {
                // A run of `add`s waits, to be written as multi-row inserts (the unit of work).
                // (Except an `add` that sets a reference by a field of its row: its key is looked
                // up first, which a multi-row insert has no place for.)
                // So does a run of `upsert`s, where the rows they store are not shown.
                Ok(Statement { command: command @ (Command::Add { .. } | Command::Upsert { .. }), .. })
                    if self.session.batches(&command) =>
                {
                    let max_params = self.session.dialect().max_params();
                    let row = match command {
                        Command::Upsert { model, values } => {
                            self.session.upsert_row(&model, values).map(|(row, conflict)| (row, Some(conflict)))
                        }
                        Command::Add { model, values } => {
                            self.session.insert_row(&model, values).map(|row| (row, None))
                        }
                        _ => unreachable!("matched as an add or an upsert"),
                    };
                    match row {
                        Ok((row, conflict)) => {
                            if let Some(pending) = batch.as_mut()
                                && pending.accepts(&row, conflict.as_ref(), max_params)
                            {
                                pending.push(row.values, whole);
                                continue;
                            }
                            let started = Batch::new(row, conflict, whole);
                            if let Some(pending) = batch.replace(started)
                                && !self.flush(pending, origin, text).await
                            {
                                return Ended::Stopped;
                            }
                            continue;
                        }
                        // A name the catalog does not know: the `add` runs on its own (after the
                        // rows before it), where the session reads the schema again to look
                        // for it. The statement was taken apart above: it is parsed again.
                        Err(err) if err.kind == ErrorKind::Name => parse_statement(statement_text),
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
                            continue;
                        }
                    }
                }
                other => other,
            };
            if let Some(pending) = batch.take()
                && !self.flush(pending, origin, text).await
            {
                return Ended::Stopped;
            }
            let result = match parsed {
                Ok(statement) => {
                    let result = self
                        .session
                        .execute(&statement, self.confirm)
                        .await
                        .map_err(|err| placed_in_sql(err, &statement.command, statement_text));
                    if result.is_ok() {
                        self.psql_hint(&statement.command, statement_text);
                    }
                    result
                }
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

    /// After a command typed with one of psql's words (`\d User`), at the prompt: ormsh's own
    /// words for it, so that the habit leads to the language.
    fn psql_hint(&mut self, command: &Command, statement_text: &str) {
        let typed = statement_text.trim_start();
        if !self.session.interactive() || !typed.starts_with('\\') || matches!(command, Command::Quit) {
            return;
        }
        let word = typed.split_whitespace().next().unwrap_or(typed);
        let ormsh = crate::commands::ormsh_words(command, self.session.format(), self.session.timing());
        let line = format!("({word} is `{ormsh}` in ormsh)");
        let line = if self.color { format!("\u{1b}[2m{line}\u{1b}[0m") } else { line };
        let _ = writeln!(self.errors, "{line}");
    }

    /// Writes a batch of queued `add`s (see [`Session::flush_batch`]) and reports its errors
    /// at their lines. Whether the run goes on.
    async fn flush(&mut self, batch: Batch, origin: &str, text: &str) -> bool {
        let mut failures = Vec::new();
        let line_of = |span: Span| text[..span.start.min(text.len())].matches('\n').count() + 1;
        let go_on = self.session.flush_batch(batch, self.on_error == OnError::Continue, &line_of, &mut failures).await;
        for (err, span) in failures {
            // The `add` that failed, parsed again, to pin a broken constraint on its field.
            let err = match text.get(span.start..span.end).map(parse_statement) {
                Some(Ok(statement)) => server_error::name_the_field(err, &statement.command, &self.session.catalog()),
                _ => err,
            };
            self.report_at(err, span.start, span, origin, text);
        }
        go_on
    }

    /// Reports an error of the statement at `start`; one without a position of its own (the
    /// database's) points at its whole statement.
    fn report_at(&mut self, mut err: Error, start: usize, whole: Span, origin: &str, text: &str) {
        err.span = Some(err.span.map_or(whole, |s| s.shift(start)));
        self.report(&err, origin, text);
    }

    fn report(&mut self, err: &Error, origin: &str, text: &str) {
        self.failures += 1;
        // The source line is shown under the error: a password typed in a URL is not. The
        // masked text and its line index are made once per text, not once per error: a long
        // script with many errors would otherwise be copied and indexed for every one.
        let key = (text.as_ptr() as usize, text.len());
        let stale = self.source.as_ref().is_none_or(|(k, source)| *k != key || source.origin() != origin);
        if stale {
            self.source = Some((key, diagnostic::Source::masked(origin, text)));
        }
        let (_, source) = self.source.as_ref().expect("made above");
        let drawn = diagnostic::render_in(err, source, self.color);
        let _ = writeln!(self.errors, "{}", drawn.trim_end());
        let _ = self.errors.flush();
        self.session.error_reported();
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
        self.source = None;
        self.depth -= 1;
        Ok(ended)
    }
}

/// A `sql` statement's error with its caret where the server puts it (see
/// [`server_error::place_in_sql`]); other errors as they are.
fn placed_in_sql(err: Error, command: &Command, statement_text: &str) -> Error {
    let Command::Sql { span, .. } = command else { return err };
    let Some(typed) = statement_text.get(span.start..span.end) else { return err };
    let (sent, offsets) = sql_as_sent(typed);
    server_error::place_in_sql(err, typed, span.start, &sent, &offsets)
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

/// Never asks: for input that is not a person at a keyboard.
pub struct NoConfirm;

impl Confirm for NoConfirm {
    fn confirm(&mut self, _question: &str) -> bool {
        false
    }
}
