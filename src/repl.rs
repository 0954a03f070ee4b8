//! The interactive loop: read an entry from the editor thread, run it in the session (Ctrl-C
//! cancels it on the server), show the prompt with the true transaction state again.

use std::io::Write;
use std::path::Path;

use futures_util::FutureExt;
use owo_colors::OwoColorize;
use tokio::signal::unix::{SignalKind, signal};

use crate::ast::Command;
use crate::editor::{Editor, Input, PromptText};
use crate::parser::parse_statement;
use crate::runner::{Ended, NoConfirm, OnError, Runner};
use crate::session::{Confirm, PromptPart, Session, TxState};

/// Asks yes/no questions through the editor thread.
struct AskEditor<'e> {
    editor: &'e Editor,
}

impl Confirm for AskEditor<'_> {
    fn confirm(&mut self, question: &str) -> bool {
        let prompt = format!("{question} [y/N] ");
        // The session waits for the answer while the editor thread does the typing; nothing else
        // runs meanwhile, so blocking this thread holds nothing up.
        let answer = self.editor.read_answer_blocking(&prompt);
        matches!(answer, Input::Line(line) if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }
}

/// The prompt, coloured when colour is on: the transaction marker green (`[tx]`) or red
/// (`[tx!]`), the location cyan, the backend magenta, a read-only server and the sandbox yellow.
fn prompt(session: &Session, color: bool) -> PromptText {
    let raw = session.prompt();
    if !color {
        return PromptText::plain(&raw);
    }
    let failed = matches!(session.tx_state(), TxState::Aborted { .. } | TxState::Ended { .. });
    let styled = session.prompt_painted(|part, text| match part {
        PromptPart::Name => text.bold().to_string(),
        PromptPart::Backend => text.magenta().to_string(),
        PromptPart::Location => text.cyan().to_string(),
        PromptPart::Role => text.yellow().to_string(),
        PromptPart::Sandbox => text.yellow().bold().to_string(),
        PromptPart::Transaction if failed => text.red().bold().to_string(),
        PromptPart::Transaction => text.green().bold().to_string(),
    });
    PromptText { raw, styled }
}

/// Runs the prompt until `quit` or Ctrl-D.
pub async fn run(session: &mut Session, editor: &Editor, prompt_color: bool, error_color: bool) {
    let mut stderr = std::io::stderr();
    let cwd = Path::new(".");
    // Ctrl-C while a command runs arrives as SIGINT (the editor is not in raw mode then); it is
    // caught from the start so that it never kills the session.
    let mut interrupts = match signal(SignalKind::interrupt()) {
        Ok(s) => Some(s),
        Err(e) => {
            let _ = writeln!(stderr, "warning: Ctrl-C cannot cancel commands: {e}");
            None
        }
    };
    // The last entry run, for `edit` (psql's `\e`).
    let mut last: Option<String> = None;
    loop {
        let line = match read_while_reading_schema(session, editor, prompt(session, prompt_color)).await {
            Input::Line(line) if is_edit(&line) => match edit_in_editor(last.as_deref().unwrap_or("")) {
                Ok(edited) if edited.trim().is_empty() => continue,
                Ok(edited) => {
                    // What runs is shown, as psql does after `\e`.
                    println!("{}", edited.trim_end());
                    edited
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    continue;
                }
            },
            Input::Line(line) => line,
            Input::Interrupted => continue,
            Input::Eof => {
                if leave(session, editor).await {
                    break;
                }
                continue;
            }
        };
        if !line.trim().is_empty() {
            last = Some(line.clone());
        }
        // A Ctrl-C that came between commands must not stop the next one.
        if let Some(interrupts) = interrupts.as_mut() {
            while interrupts.recv().now_or_never().is_some() {}
        }
        let canceller = session.canceller();
        let interrupt_guard = canceller.interrupt_on_ctrl_c();
        let mut confirm = AskEditor { editor };
        let mut runner = Runner::new(session, &mut confirm, &mut stderr, OnError::Continue, error_color);
        let ended = {
            let running = runner.run("<input>", &line, cwd);
            tokio::pin!(running);
            loop {
                let interrupted = async {
                    match interrupts.as_mut() {
                        Some(s) => s.recv().await,
                        None => std::future::pending().await,
                    }
                };
                tokio::select! {
                    biased;
                    ended = &mut running => break ended,
                    _ = interrupted => {
                        eprintln!("cancelling…");
                        if let Err(e) = canceller.cancel().await {
                            eprintln!("could not cancel: {e}");
                        }
                    }
                }
            }
        };
        drop(interrupt_guard);
        // A Ctrl-C that stopped SQLite inside a statement was not seen above; it is spent.
        // (A failed command is not put back on the line, where the next typing would be
        // spliced onto it: it is one Up-arrow away in history.)
        if let Some(interrupts) = interrupts.as_mut() {
            while interrupts.recv().now_or_never().is_some() {}
        }
        if ended == Ended::Quit && leave(session, editor).await {
            break;
        }
    }
    let _ = stderr.flush();
}

/// Whether the entry is `edit` (`\e`) alone.
fn is_edit(line: &str) -> bool {
    matches!(parse_statement(line.trim()), Ok(statement) if statement.command == Command::Edit)
}

/// Opens `text` in the person's editor (`$EDITOR`, else `$VISUAL`, else `vi`) and returns what
/// they saved. The file is theirs alone and removed afterwards.
fn edit_in_editor(text: &str) -> std::io::Result<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let editor = ["EDITOR", "VISUAL"]
        .iter()
        .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let path = std::env::temp_dir().join(format!("ormsh-edit-{}.orm", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
    file.write_all(text.as_bytes())?;
    if !text.is_empty() && !text.ends_with('\n') {
        file.write_all(b"\n")?;
    }
    drop(file);
    // Through the shell, as psql does: $EDITOR may carry its own arguments (`code --wait`).
    let status =
        std::process::Command::new("sh").arg("-c").arg(format!("{editor} \"$1\"")).arg("sh").arg(&path).status();
    let edited = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    match status {
        Ok(status) if status.success() => edited,
        Ok(status) => Err(std::io::Error::other(format!("{editor} ended with {status}; nothing was run"))),
        Err(e) => Err(std::io::Error::other(format!("cannot start {editor}: {e}"))),
    }
}

/// Reads an entry; meanwhile, if the schema was read only in part (at start-up, or after
/// `connect`), reads all of it for completion, which fills in when it is ready. The prompt is
/// shown first and typing never waits; an entry sent before the read ends runs after it (the
/// connection is the session's one).
async fn read_while_reading_schema(session: &mut Session, editor: &Editor, prompt: PromptText) -> Input {
    if !session.catalog_is_partial() {
        return editor.read(prompt, "", session.catalog()).await;
    }
    // `read` sends its request to the editor thread when first polled, and `join!` polls in
    // order: the prompt is on its way before the schema is asked for.
    let reading = editor.read(prompt, "", session.catalog());
    let schema = async {
        // A failed read leaves the partial catalog: each command still reads what it needs,
        // and reports what goes wrong.
        if session.read_whole_catalog().await.is_ok() {
            editor.publish(session.catalog());
        }
    };
    let (input, ()) = tokio::join!(reading, schema);
    input
}

/// Whether to leave now. With a transaction open, the person chooses: commit, roll back, or
/// stay. Nothing is committed unless they say so.
async fn leave(session: &mut Session, editor: &Editor) -> bool {
    // A transaction the database already ended has nothing left to commit or keep.
    if !matches!(session.tx_state(), TxState::Open { .. } | TxState::Aborted { .. }) {
        return true;
    }
    loop {
        let answer = editor.read_answer("A transaction is open: [c]ommit, [r]ollback, or [s]tay? ").await;
        let word = match answer {
            Input::Line(line) => line.trim().to_ascii_lowercase(),
            // No answer (Ctrl-D again, the terminal went away): roll back, at exit.
            Input::Eof => return true,
            Input::Interrupted => return false,
        };
        let command = match word.as_str() {
            "c" | "commit" => "commit",
            "r" | "rollback" => "rollback",
            "s" | "stay" | "" => return false,
            _ => continue,
        };
        let statement = parse_statement(command).expect("commit and rollback parse");
        match session.execute(&statement, &mut NoConfirm).await {
            Ok(_) => return true,
            Err(err) => {
                eprintln!("error: {}", err.message);
                return false;
            }
        }
    }
}
