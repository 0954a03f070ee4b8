//! The line editor on its own thread. rustyline blocks while the person types, so it lives on a
//! thread of its own and hands whole entries to the async session over channels; it never
//! touches the connection.

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;

use rustyline::error::ReadlineError;
use std::borrow::Cow;
use std::sync::Arc;

use owo_colors::OwoColorize;
use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, Editor as Rustyline, Helper};
use tokio::sync::oneshot;

use crate::assist;
use crate::catalog::Catalog;
use crate::history;
use crate::parser::split::is_incomplete;

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
    /// The schema as it is now, for completion and highlighting.
    catalog: Arc<Catalog>,
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

/// The editor thread's handle.
pub struct Editor {
    requests: Option<mpsc::Sender<Request>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// The editor's helper: completion, highlighting and hints from the catalog snapshot the session
/// sent with the request, and multi-line entry while a brace, bracket, quote or trailing `\`
/// is unfinished.
#[derive(Helper)]
struct OrmshHelper {
    catalog: Arc<Catalog>,
    color: bool,
    history: HistoryHinter,
}

impl Completer for OrmshHelper {
    type Candidate = Pair;

    fn complete(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> rustyline::Result<(usize, Vec<Pair>)> {
        let (start, candidates) = assist::complete(line, pos, &self.catalog);
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
        if let Some(text) = assist::hint(line, pos, &self.catalog) {
            return Some(EditorHint { text, accept: false });
        }
        self.history.hint(line, pos, ctx).map(|text| EditorHint { text, accept: true })
    }
}

impl Highlighter for OrmshHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color { Cow::Owned(assist::highlight(line, &self.catalog)) } else { Cow::Borrowed(line) }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color { Cow::Owned(hint.dimmed().to_string()) } else { Cow::Borrowed(hint) }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Any keystroke may change what a word is (a model name completed, a quote closed).
        self.color
    }
}

impl Validator for OrmshHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if is_incomplete(ctx.input()) { ValidationResult::Incomplete } else { ValidationResult::Valid(None) })
    }
}

impl Editor {
    /// Starts the editor thread; `history` is the file kept across runs, if any; `color` turns
    /// on highlighting.
    pub fn start(history: Option<PathBuf>, color: bool) -> std::io::Result<Editor> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .auto_add_history(false)
            .max_history_size(10_000)
            .map_err(std::io::Error::other)?
            .build();
        let mut editor: Rustyline<OrmshHelper, DefaultHistory> =
            Rustyline::with_config(config).map_err(std::io::Error::other)?;
        editor.set_helper(Some(OrmshHelper { catalog: Arc::default(), color, history: HistoryHinter::new() }));
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        let (requests, inbox) = mpsc::channel::<Request>();
        let thread = thread::Builder::new().name("ormsh-editor".into()).spawn(move || serve(editor, inbox, history))?;
        Ok(Editor { requests: Some(requests), thread: Some(thread) })
    }

    /// Reads one entry, with `initial` already on the line (a failed command to edit).
    pub async fn read(&self, prompt: PromptText, initial: &str, catalog: Arc<Catalog>) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(prompt, initial, true, catalog, Reply::Task(reply)) {
            return Input::Eof;
        }
        answer.await.unwrap_or(Input::Eof)
    }

    /// Reads an answer to a question; it is not kept in history.
    pub async fn read_answer(&self, prompt: &str) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(PromptText::plain(prompt), "", false, Arc::default(), Reply::Task(reply)) {
            return Input::Eof;
        }
        answer.await.unwrap_or(Input::Eof)
    }

    /// [`Editor::read_answer`] for code that cannot await.
    pub fn read_answer_blocking(&self, prompt: &str) -> Input {
        // A plain channel: this may be called on the async runtime's own thread, where
        // blocking on a tokio channel is refused.
        let (reply, answer) = mpsc::sync_channel(1);
        if !self.send(PromptText::plain(prompt), "", false, Arc::default(), Reply::Thread(reply)) {
            return Input::Eof;
        }
        answer.recv().unwrap_or(Input::Eof)
    }

    fn send(&self, prompt: PromptText, initial: &str, remember: bool, catalog: Arc<Catalog>, reply: Reply) -> bool {
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
        if let Some(helper) = editor.helper_mut() {
            helper.catalog = request.catalog;
        }
        let input = match editor.readline_with_initial(&request.prompt, (request.initial.as_str(), "")) {
            Ok(line) => {
                if request.remember
                    && !line.trim().is_empty()
                    && let Some(entry) = history::entry(&line)
                {
                    let _ = editor.add_history_entry(entry);
                    if let Some(path) = &history {
                        let _ = editor.append_history(path);
                    }
                }
                Input::Line(line)
            }
            Err(ReadlineError::Interrupted) => Input::Interrupted,
            Err(_) => Input::Eof,
        };
        if !request.reply.send(input) {
            break;
        }
    }
    if let Some(path) = &history {
        history::keep_private(path);
    }
}
