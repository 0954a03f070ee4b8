//! The interactive loop: read an entry from the editor thread, run it in the session, show the
//! prompt with the true transaction state again.

use std::io::Write;
use std::path::Path;

use crate::editor::{Editor, Input};
use crate::runner::{Ended, OnError, Runner};
use crate::session::{Confirm, Session};

/// Asks yes/no questions through the editor thread.
struct AskEditor<'e> {
    editor: &'e Editor,
}

impl Confirm for AskEditor<'_> {
    fn confirm(&mut self, question: &str) -> bool {
        let prompt = format!("{question} [y/N] ");
        // The session awaits the answer; the editor thread does the typing.
        let answer = tokio::task::block_in_place(|| self.editor.read_answer_blocking(&prompt));
        matches!(answer, Input::Line(line) if matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
    }
}

/// Runs the prompt until `quit` or Ctrl-D. Returns how many commands failed.
pub async fn run(session: &mut Session, editor: &Editor, color: bool) -> usize {
    let mut stderr = std::io::stderr();
    let mut failures = 0;
    let mut initial = String::new();
    let cwd = Path::new(".");
    loop {
        let prompt = session.prompt();
        let line = match editor.read(&prompt, &initial).await {
            Input::Line(line) => line,
            Input::Interrupted => {
                initial.clear();
                continue;
            }
            Input::Eof => break,
        };
        initial.clear();
        let mut confirm = AskEditor { editor };
        let mut runner = Runner::new(session, &mut confirm, &mut stderr, OnError::Continue, color);
        let ended = runner.run("<input>", &line, cwd).await;
        failures += runner.failures;
        if runner.failures > 0 {
            // The failed entry comes back on the line, to be mended rather than retyped.
            initial = line.trim_end().to_string();
        }
        if ended == Ended::Quit {
            break;
        }
    }
    let _ = stderr.flush();
    failures
}
