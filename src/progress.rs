//! A progress bar for a long read of a file (`import`), drawn on standard error only when it is
//! a terminal and the file is big enough for the wait to be noticed: a script's output and a
//! pipe never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files smaller than this (a few thousand rows of a few fields) are read before a bar would
/// be seen.
const SHOWN_FROM_BYTES: u64 = 256 * 1024;

/// How far into a file reading has come; nothing at all when not shown.
pub struct FileProgress {
    bar: Option<ProgressBar>,
}

impl FileProgress {
    /// A bar for reading `size` bytes of `name`, if one is to be shown.
    pub fn start(name: &str, size: u64) -> FileProgress {
        if size < SHOWN_FROM_BYTES || !std::io::stderr().is_terminal() {
            return FileProgress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::stderr());
        let template = "{msg} [{bar:30}] {bytes}/{total_bytes} ({eta} left)";
        // The template is ours and valid: a failure here could only be a mistake in it.
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(format!("importing {name}"));
        bar.enable_steady_tick(Duration::from_millis(250));
        FileProgress { bar: Some(bar) }
    }

    /// `bytes` of the file are read.
    pub fn at(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(bytes);
        }
    }

    /// Whether a bar is shown.
    pub fn shown(&self) -> bool {
        self.bar.is_some()
    }
}

impl Drop for FileProgress {
    /// The bar is wiped from the screen, so that the line after it is the import's outcome.
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
