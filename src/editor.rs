//! The line editor on its own thread. rustyline blocks while the person types, so it lives on a
//! thread of its own and hands whole entries to the async session over channels; it never
//! touches the connection.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use rustyline::error::ReadlineError;
use std::borrow::Cow;
use std::sync::{Arc, RwLock};

use owo_colors::OwoColorize;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, EditMode, Editor as Rustyline, Helper};
use tokio::sync::oneshot;

use crate::assist;
use crate::catalog::Catalog;
use crate::history;
use crate::parser::split::{ends_in_sql, still_open};

/// What the person entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A complete entry (possibly several lines).
    Line(String),
    /// Ctrl-C at the prompt.
    Interrupted,
    /// Ctrl-D, or the terminal went away.
    Eof,
}

/// A prompt as shown: `styled` may carry colours and must look as wide as `raw`.
#[derive(Debug, Clone, Default)]
pub struct PromptText {
    pub raw: String,
    pub styled: String,
}

impl PromptText {
    pub fn plain(text: &str) -> PromptText {
        PromptText { raw: text.to_string(), styled: text.to_string() }
    }

    /// The prompt for a line that goes on with `open` still open: `ormsh db> ` becomes
    /// `ormsh db '> ` (psql's `db'> `), keeping the first prompt's colours.
    pub fn continuation(&self, open: char) -> PromptText {
        let with = |prompt: &str| match prompt.strip_suffix("> ") {
            Some(base) => format!("{base} {open}> "),
            None => format!("{prompt}{open}> "),
        };
        PromptText { raw: with(&self.raw), styled: with(&self.styled) }
    }
}

impl rustyline::Prompt for PromptText {
    fn raw(&self) -> &str {
        &self.raw
    }

    fn styled(&self) -> &str {
        &self.styled
    }
}

struct Request {
    prompt: PromptText,
    /// The schema as it is now, for completion and highlighting; `None` keeps the last one.
    catalog: Option<Arc<Catalog>>,
    initial: String,
    /// Whether the entry goes into history (not for answers to questions).
    remember: bool,
    /// Hands the entry back: to an awaiting task, or to a thread that blocks for it.
    reply: Reply,
}

enum Reply {
    Task(oneshot::Sender<Input>),
    Thread(mpsc::SyncSender<Input>),
}

impl Reply {
    fn send(self, input: Input) -> bool {
        match self {
            Reply::Task(sender) => sender.send(input).is_ok(),
            Reply::Thread(sender) => sender.send(input).is_ok(),
        }
    }
}

/// Entries kept in history unless the config file says otherwise.
pub const DEFAULT_HISTORY_SIZE: usize = 10_000;

/// How the person likes the editor (from the config file).
#[derive(Debug, Clone, Copy, Default)]
pub struct EditorOptions {
    pub edit_mode: crate::config::EditMode,
    pub history_size: Option<usize>,
}

/// The catalog the helper completes from, shared with the session's side so that a catalog
/// read while the person types (see [`Editor::publish`]) reaches completion at once.
type Snapshot = Arc<RwLock<Arc<Catalog>>>;

/// The editor thread's handle.
pub struct Editor {
    snapshot: Snapshot,
    requests: Option<mpsc::Sender<Request>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// The editor's helper: completion, highlighting and hints from the catalog snapshot the session
/// sent with the request. An entry of several lines is read a line at a time, each under a
/// continuation prompt (see [`read_entry`]); the helper sees the lines before the one being
/// edited (`before`), so that a field inside a `model { … }` or a word of `sql` on its third line
/// is completed and coloured as in one line.
#[derive(Helper)]
struct OrmshHelper {
    snapshot: Snapshot,
    color: bool,
    history: HistoryHinter,
    /// The entry's lines before this one, each ending in a newline.
    before: String,
    /// The line as it was when a hint was last drawn after it, or `None` when the last drawing
    /// had no hint: Ctrl-C leaves the line on the screen as drawn, and the hint is wiped then.
    hinted: std::sync::Mutex<Option<String>>,
}

impl OrmshHelper {
    /// The whole entry so far with `line` as its last line, and `pos` moved into it.
    fn whole(&self, line: &str, pos: usize) -> (String, usize) {
        (format!("{}{line}", self.before), self.before.len() + pos)
    }

    /// The catalog as published last; a lock poisoned by a panic elsewhere still holds one.
    fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.snapshot.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }
}

impl Completer for OrmshHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (whole, at) = self.whole(line, pos);
        let (start, candidates) = assist::complete(&whole, at, &self.catalog());
        // A word never starts on an earlier line: a newline ends every word.
        let start = start.saturating_sub(self.before.len());
        let pairs = candidates.into_iter().map(|c| Pair { display: c.display, replacement: c.replacement }).collect();
        Ok((start, pairs))
    }
}

/// A hint: the rest of a command's syntax (shown, never inserted), or the rest of a history
/// entry (→ accepts it).
struct EditorHint {
    text: String,
    accept: bool,
}

impl Hint for EditorHint {
    fn display(&self) -> &str {
        &self.text
    }

    fn completion(&self) -> Option<&str> {
        self.accept.then_some(self.text.as_str())
    }
}

impl Hinter for OrmshHelper {
    type Hint = EditorHint;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<EditorHint> {
        let hint = self.find_hint(line, pos, ctx);
        *self.hinted.lock().unwrap_or_else(|e| e.into_inner()) = hint.as_ref().map(|_| line.to_string());
        hint
    }
}

impl OrmshHelper {
    fn find_hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<EditorHint> {
        let (whole, at) = self.whole(line, pos);
        if let Some(text) = assist::hint(&whole, at, &self.catalog()) {
            return Some(EditorHint { text, accept: false });
        }
        // History holds whole entries: only the first line of one can be the start of one.
        if !self.before.is_empty() {
            return None;
        }
        self.history.hint(line, pos, ctx).map(|text| EditorHint { text, accept: true })
    }
}

impl Highlighter for OrmshHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.color {
            return Cow::Borrowed(line);
        }
        if self.before.is_empty() {
            return Cow::Owned(assist::highlight(line, &self.catalog()));
        }
        let (whole, _) = self.whole(line, 0);
        Cow::Owned(assist::highlight_from(&whole, self.before.len(), &self.catalog()))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color { Cow::Owned(hint.dimmed().to_string()) } else { Cow::Borrowed(hint) }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Any keystroke may change what a word is (a model name completed, a quote closed).
        self.color
    }
}

/// Every line is taken as it is: whether the entry goes on is decided a line at a time, with a
/// prompt that shows what is open (see [`read_entry`]).
impl Validator for OrmshHelper {
    fn validate(&self, _ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(ValidationResult::Valid(None))
    }
}

impl Editor {
    /// Starts the editor thread; `history` is the file kept across runs, if any; `color` turns
    /// on highlighting; `options` come from the config file.
    pub fn start(history: Option<PathBuf>, color: bool, options: EditorOptions) -> std::io::Result<Editor> {
        let edit_mode = match options.edit_mode {
            crate::config::EditMode::Emacs => EditMode::Emacs,
            crate::config::EditMode::Vi => EditMode::Vi,
        };
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .edit_mode(edit_mode)
            .auto_add_history(false)
            .max_history_size(options.history_size.unwrap_or(DEFAULT_HISTORY_SIZE))
            .map_err(std::io::Error::other)?
            .build();
        let mut editor: Rustyline<OrmshHelper, DefaultHistory> =
            Rustyline::with_config(config).map_err(std::io::Error::other)?;
        let snapshot = Snapshot::default();
        editor.set_helper(Some(OrmshHelper {
            snapshot: Arc::clone(&snapshot),
            color,
            history: HistoryHinter::new(),
            before: String::new(),
            hinted: std::sync::Mutex::default(),
        }));
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        let (requests, inbox) = mpsc::channel::<Request>();
        let thread = thread::Builder::new().name("ormsh-editor".into()).spawn(move || serve(editor, inbox, history))?;
        Ok(Editor { snapshot, requests: Some(requests), thread: Some(thread) })
    }

    /// Gives completion, highlighting and hints a newer catalog, even while a line is being
    /// typed.
    pub fn publish(&self, catalog: Arc<Catalog>) {
        *self.snapshot.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = catalog;
    }

    /// Reads one entry, with `initial` already on the line (a failed command to edit).
    pub async fn read(&self, prompt: PromptText, initial: &str, catalog: Arc<Catalog>) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(prompt, initial, true, Some(catalog), Reply::Task(reply)) {
            return Input::Eof;
        }
        answer.await.unwrap_or(Input::Eof)
    }

    /// Reads an answer to a question; it is not kept in history.
    pub async fn read_answer(&self, prompt: &str) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(PromptText::plain(prompt), "", false, None, Reply::Task(reply)) {
            return Input::Eof;
        }
        answer.await.unwrap_or(Input::Eof)
    }

    /// [`Editor::read_answer`] for code that cannot await.
    pub fn read_answer_blocking(&self, prompt: &str) -> Input {
        // A plain channel: this may be called on the async runtime's own thread, where
        // blocking on a tokio channel is refused.
        let (reply, answer) = mpsc::sync_channel(1);
        if !self.send(PromptText::plain(prompt), "", false, None, Reply::Thread(reply)) {
            return Input::Eof;
        }
        answer.recv().unwrap_or(Input::Eof)
    }

    fn send(
        &self,
        prompt: PromptText,
        initial: &str,
        remember: bool,
        catalog: Option<Arc<Catalog>>,
        reply: Reply,
    ) -> bool {
        let request = Request { prompt, catalog, initial: initial.to_string(), remember, reply };
        self.requests.as_ref().is_some_and(|r| r.send(request).is_ok())
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        // Closing the channel ends the thread's loop; it saves the history on its way out.
        self.requests.take();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut editor: Rustyline<OrmshHelper, DefaultHistory>, inbox: mpsc::Receiver<Request>, history: Option<PathBuf>) {
    for request in inbox {
        if let (Some(helper), Some(catalog)) = (editor.helper_mut(), request.catalog) {
            *helper.snapshot.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = catalog;
        }
        let input = if request.remember {
            read_entry(&mut editor, &request.prompt, &request.initial)
        } else {
            read_line(&mut editor, &request.prompt, &request.initial)
        };
        if let Input::Line(entry) = &input
            && request.remember
            && !entry.trim().is_empty()
            && let Some(entry) = history::entry(entry)
        {
            let _ = editor.add_history_entry(entry);
            if let Some(path) = &history {
                let _ = editor.append_history(path);
            }
        }
        if !request.reply.send(input) {
            break;
        }
    }
    if let Some(path) = &history {
        history::keep_private(path);
    }
}

/// One line, as typed.
fn read_line(editor: &mut Rustyline<OrmshHelper, DefaultHistory>, prompt: &PromptText, initial: &str) -> Input {
    match editor.readline_with_initial(prompt, (initial, "")) {
        Ok(line) => Input::Line(line),
        Err(ReadlineError::Interrupted) => {
            let hinted = editor.helper().and_then(|h| h.hinted.lock().unwrap_or_else(|e| e.into_inner()).take());
            if let Some(line) = hinted {
                wipe_hint(&prompt.raw, &line);
            }
            Input::Interrupted
        }
        Err(_) => Input::Eof,
    }
}

/// After Ctrl-C rustyline leaves the line as drawn, a hint after it included, and moves to the
/// next line: the hint, never typed, would read as if it had been. It is erased from the end of
/// what was typed to the end of that row (when the typed text fits on one screen row, the usual
/// case; a longer entry keeps it).
fn wipe_hint(prompt: &str, line: &str) {
    use std::io::Write;
    let Some((columns, _)) = crate::render::terminal_size() else { return };
    if let Some(wipe) = hint_wipe(prompt, line, columns) {
        let mut out = std::io::stdout();
        let _ = out.write_all(wipe.as_bytes());
        let _ = out.flush();
    }
}

/// The escapes that erase a hint drawn after `prompt` and `line` on the row above the cursor.
fn hint_wipe(prompt: &str, line: &str, columns: usize) -> Option<String> {
    use unicode_width::UnicodeWidthStr;
    let typed = prompt.width() + line.width();
    if line.contains('\n') || typed >= columns {
        return None;
    }
    // Up to the row left, to the column after the text, erase to the end of the row, and back.
    let to_column = if typed > 0 { format!("\x1b[{typed}C") } else { String::new() };
    Some(format!("\x1b[1A\r{to_column}\x1b[K\x1b[1B\r"))
}

/// One entry, a line at a time, as psql reads: while a quote or bracket is open (or a line ends
/// in `\`) the next line is asked for under a prompt that shows what is open (`ormsh db '> `,
/// `ormsh db {> `); `sql` text goes on (`ormsh db -> `) until a `;` or an empty line. Ctrl-C
/// drops the whole entry; Ctrl-D sends what there is (to be told what is left open).
fn read_entry(editor: &mut Rustyline<OrmshHelper, DefaultHistory>, prompt: &PromptText, initial: &str) -> Input {
    let mut entry = String::new();
    let mut shown = prompt.clone();
    let input = loop {
        if let Some(helper) = editor.helper_mut() {
            helper.before.clone_from(&entry);
        }
        let line = match read_line(editor, &shown, if entry.is_empty() { initial } else { "" }) {
            Input::Line(line) => line,
            Input::Eof if !entry.is_empty() => break Input::Line(entry.trim_end_matches(['\\', '\n']).to_string()),
            other => break other,
        };
        // An empty line ends `sql` text: the `\` that joined its lines to this one goes, and a
        // `;` ends it, so that the entry brought back from history runs as it is.
        if line.trim().is_empty() && entry.ends_with("\\\n") {
            entry.truncate(entry.len() - 2);
            let end = entry.trim_end().len();
            entry.truncate(end);
            entry.push(';');
            break Input::Line(entry);
        }
        entry.push_str(&line);
        let open = match still_open(&entry) {
            Some(open) => open,
            // The lines of `sql` text are joined with `\`, as a script would write them.
            None if ends_in_sql(&entry) && !line.trim().is_empty() => {
                entry.push_str(" \\");
                '-'
            }
            None => break Input::Line(entry),
        };
        entry.push('\n');
        shown = prompt.continuation(open);
    };
    if let Some(helper) = editor.helper_mut() {
        helper.before.clear();
    }
    input
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hint_is_wiped_from_the_end_of_what_was_typed() {
        assert_eq!(hint_wipe("ormsh a.db> ", "cou", 80).as_deref(), Some("\x1b[1A\r\x1b[15C\x1b[K\x1b[1B\r"));
        // A line that wrapped, or an entry of several lines, is left as it is.
        assert_eq!(hint_wipe("ormsh a.db> ", &"x".repeat(70), 80), None);
        assert_eq!(hint_wipe("ormsh a.db> ", "a\nb", 80), None);
    }

    #[test]
    fn the_continuation_prompt_names_what_is_open() {
        let prompt = PromptText { raw: "ormsh a.db [tx]> ".into(), styled: "\x1b[1mormsh\x1b[0m a.db [tx]> ".into() };
        let open = prompt.continuation('\'');
        assert_eq!(open.raw, "ormsh a.db [tx] '> ");
        assert_eq!(open.styled, "\x1b[1mormsh\x1b[0m a.db [tx] '> ");
    }
}
