//! The line editor on its own thread. rustyline blocks while the person types, so it lives on a
//! thread of its own and hands whole entries to the async session over channels; it never
//! touches the connection.

use std::fs::OpenOptions;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Completer, Config, Editor as Rustyline, Helper, Highlighter, Hinter};
use tokio::sync::oneshot;

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
    initial: String,
    /// Whether the entry goes into history (not for answers to questions).
    remember: bool,
    reply: oneshot::Sender<Input>,
}

/// The editor thread's handle.
pub struct Editor {
    requests: Option<mpsc::Sender<Request>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// Keeps a multi-line entry open while a brace, bracket, quote or trailing `\` is unfinished.
#[derive(Completer, Helper, Highlighter, Hinter, Default)]
struct OrmshHelper;

impl Validator for OrmshHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        Ok(if is_incomplete(ctx.input()) { ValidationResult::Incomplete } else { ValidationResult::Valid(None) })
    }
}

impl Editor {
    /// Starts the editor thread; `history` is the file kept across runs, if any.
    pub fn start(history: Option<PathBuf>) -> std::io::Result<Editor> {
        let config =
            Config::builder().auto_add_history(false).max_history_size(10_000).map_err(std::io::Error::other)?.build();
        let mut editor: Rustyline<OrmshHelper, DefaultHistory> =
            Rustyline::with_config(config).map_err(std::io::Error::other)?;
        editor.set_helper(Some(OrmshHelper));
        if let Some(path) = &history {
            prepare_history_file(path);
            let _ = editor.load_history(path);
        }
        let (requests, inbox) = mpsc::channel::<Request>();
        let thread = thread::Builder::new().name("ormsh-editor".into()).spawn(move || serve(editor, inbox, history))?;
        Ok(Editor { requests: Some(requests), thread: Some(thread) })
    }

    /// Reads one entry, with `initial` already on the line (a failed command to edit).
    pub async fn read(&self, prompt: PromptText, initial: &str) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(prompt, initial, true, reply) {
            return Input::Eof;
        }
        answer.await.unwrap_or(Input::Eof)
    }

    /// Reads an answer to a question; it is not kept in history.
    pub async fn read_answer(&self, prompt: &str) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(PromptText::plain(prompt), "", false, reply) {
            return Input::Eof;
        }
        answer.await.unwrap_or(Input::Eof)
    }

    /// [`Editor::read_answer`] for code that cannot await.
    pub fn read_answer_blocking(&self, prompt: &str) -> Input {
        let (reply, answer) = oneshot::channel();
        if !self.send(PromptText::plain(prompt), "", false, reply) {
            return Input::Eof;
        }
        answer.blocking_recv().unwrap_or(Input::Eof)
    }

    fn send(&self, prompt: PromptText, initial: &str, remember: bool, reply: oneshot::Sender<Input>) -> bool {
        let request = Request { prompt, initial: initial.to_string(), remember, reply };
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
        let input = match editor.readline_with_initial(&request.prompt, (request.initial.as_str(), "")) {
            Ok(line) => {
                if request.remember && !line.trim().is_empty() {
                    let _ = editor.add_history_entry(history_entry(&line));
                    if let Some(path) = &history {
                        let _ = editor.append_history(path);
                    }
                }
                Input::Line(line)
            }
            Err(ReadlineError::Interrupted) => Input::Interrupted,
            Err(_) => Input::Eof,
        };
        if request.reply.send(input).is_err() {
            break;
        }
    }
    if let Some(path) = &history {
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

/// The history entry for a line: a `connect` URL loses its password.
fn history_entry(line: &str) -> String {
    let trimmed = line.trim_start();
    match trimmed.get(..7) {
        Some(word) if word.eq_ignore_ascii_case("connect") => {
            let url = trimmed[7..].trim();
            format!("connect {}", crate::backend::redact_url(url))
        }
        _ => line.to_string(),
    }
}

/// The history file lives in the user's data directory and is readable by the user alone.
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("ormsh").join("history"))
}

fn prepare_history_file(path: &Path) {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = OpenOptions::new().create(true).append(true).mode(0o600).open(path);
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_lines_lose_their_password_in_history() {
        assert_eq!(history_entry("connect postgres://bob:hunter2@db/app"), "connect postgres://bob:***@db/app");
        assert_eq!(history_entry("query User"), "query User");
    }
}
