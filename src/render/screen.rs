//! The terminal at the prompt: a command's output goes through a pager (`$PAGER`, default
//! `less -SRXF` as in pgcli) when it is taller or wider than the terminal.
//!
//! Output is held while it still fits, one screenful at most: the moment a line is wider than
//! the terminal or the lines fill it, the pager is started, handed what was held, and fed the
//! rest as it comes. A result of millions of rows streams into the pager as it streams to the
//! screen; nothing waits for its end to decide. Output that ends still fitting is written to the
//! terminal as it is.

use std::io::{self, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};

use unicode_width::UnicodeWidthStr;

/// The pager when neither `ORMSH_PAGER` nor `PAGER` names one: pgcli's choice. `-S` chops long
/// lines instead of wrapping them, `-R` keeps colours, `-X` leaves the text on the screen after
/// quitting, `-F` quits at once when it all fits.
pub const DEFAULT_PAGER: &str = "less -SRXF";

/// The pager command the environment asks for: `ORMSH_PAGER`, then `PAGER`, then
/// [`DEFAULT_PAGER`]. An empty one means no pager (as psql takes an empty `PAGER`).
pub fn pager_from_env() -> Option<String> {
    let chosen = std::env::var("ORMSH_PAGER").or_else(|_| std::env::var("PAGER"));
    match chosen {
        Ok(command) if command.trim().is_empty() => None,
        Ok(command) => Some(command),
        Err(_) => Some(DEFAULT_PAGER.to_string()),
    }
}

/// The terminal's size (columns, rows), if stdout is one.
pub fn terminal_size() -> Option<(usize, usize)> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return None;
    }
    crossterm::terminal::size().ok().filter(|&(w, h)| w > 0 && h > 0).map(|(w, h)| (usize::from(w), usize::from(h)))
}

/// The writer over the terminal. Cheap to clone: the printer writes through one clone, and
/// ends each command's output through another ([`Screen::finish`]).
#[derive(Clone)]
pub struct Screen {
    state: Arc<Mutex<State>>,
}

struct State {
    /// The pager's command; `None` when paging is off.
    pager: Option<String>,
    mode: Mode,
    /// The size the output is measured against, read when a command's output begins.
    size: Option<(usize, usize)>,
    /// Where output goes that does not go to a pager (stdout; a buffer in tests).
    terminal: Box<dyn Write + Send>,
}

enum Mode {
    /// Output held while it fits: the text, and how many whole lines it has.
    Holding {
        held: Vec<u8>,
        lines: usize,
        measured: usize,
    },
    /// Straight to the terminal (paging is off, or the pager could not be started).
    Direct,
    Paging {
        child: Child,
        input: ChildStdin,
    },
    /// The pager was quit before the output ended: the rest is dropped.
    Closed,
}

impl Screen {
    /// A screen over stdout that pages with `pager` (`None`: never).
    pub fn new(pager: Option<String>) -> Screen {
        Screen::over(Box::new(io::stdout()), pager)
    }

    fn over(terminal: Box<dyn Write + Send>, pager: Option<String>) -> Screen {
        let state = State { pager, mode: Mode::Direct, size: None, terminal };
        let screen = Screen { state: Arc::new(Mutex::new(state)) };
        screen.begin();
        screen
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Turns paging on (with the environment's pager) or off, from the next command on.
    pub fn set_paging(&self, on: bool) {
        self.lock().pager = if on { pager_from_env().or_else(|| Some(DEFAULT_PAGER.to_string())) } else { None };
    }

    pub fn paging(&self) -> bool {
        self.lock().pager.is_some()
    }

    /// Whether the person quit the pager before the output ended: what prints rows may stop.
    pub fn closed(&self) -> bool {
        matches!(self.lock().mode, Mode::Closed)
    }

    /// Ends a command's output: what was held (it fits) goes to the terminal; a pager gets the
    /// end of its input and is waited for, so that the prompt comes back after it. Then the
    /// next command's output begins.
    pub fn finish(&self) -> io::Result<()> {
        let mut state = self.lock();
        let mode = std::mem::replace(&mut state.mode, Mode::Direct);
        let result = match mode {
            Mode::Holding { held, .. } => state.terminal.write_all(&held).and_then(|()| state.terminal.flush()),
            Mode::Paging { mut child, input } => {
                drop(input);
                child.wait().map(drop)
            }
            Mode::Direct => state.terminal.flush(),
            Mode::Closed => Ok(()),
        };
        drop(state);
        self.begin();
        result
    }

    fn begin(&self) {
        let mut state = self.lock();
        if state.pager.is_none() {
            state.mode = Mode::Direct;
            return;
        }
        state.size = if cfg!(test) { state.size } else { terminal_size() };
        state.mode = match state.size {
            Some(_) => Mode::Holding { held: Vec::new(), lines: 0, measured: 0 },
            None => Mode::Direct,
        };
    }

    #[cfg(test)]
    fn with_size(self, columns: usize, rows: usize) -> Screen {
        self.lock().size = Some((columns, rows));
        self.begin();
        self
    }
}

impl State {
    /// Whether what is held no longer fits: a line wider than the terminal, or more lines than
    /// leave room for the prompt. Only lines not measured before are measured.
    fn overflows(&mut self) -> bool {
        let Some((columns, rows)) = self.size else { return false };
        let Mode::Holding { held, lines, measured } = &mut self.mode else { return false };
        while let Some(newline) = held[*measured..].iter().position(|&b| b == b'\n') {
            let line = &held[*measured..*measured + newline];
            *measured += newline + 1;
            *lines += 1;
            if shown_width(line) > columns {
                return true;
            }
        }
        // A line still being written counts as soon as it is too wide.
        *lines >= rows.saturating_sub(1) || shown_width(&held[*measured..]) > columns
    }

    /// Starts the pager and hands it what was held; if it cannot be started, the terminal gets
    /// it all.
    fn start_pager(&mut self) -> io::Result<()> {
        let Mode::Holding { held, .. } = std::mem::replace(&mut self.mode, Mode::Direct) else { return Ok(()) };
        let command = self.pager.clone().unwrap_or_default();
        let spawned = Command::new("sh").arg("-c").arg(&command).stdin(Stdio::piped()).spawn();
        match spawned {
            Ok(mut child) => {
                let Some(input) = child.stdin.take() else {
                    return self.terminal.write_all(&held);
                };
                self.mode = Mode::Paging { child, input };
                self.send_to_pager(&held)
            }
            Err(_) => self.terminal.write_all(&held),
        }
    }

    fn send_to_pager(&mut self, buf: &[u8]) -> io::Result<()> {
        let Mode::Paging { input, .. } = &mut self.mode else { return Ok(()) };
        match input.write_all(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                // The person quit the pager: the rest of this output is not wanted. The pager
                // has exited; it is reaped at `finish`.
                if let Mode::Paging { mut child, input } = std::mem::replace(&mut self.mode, Mode::Closed) {
                    drop(input);
                    let _ = child.wait();
                }
                Ok(())
            }
            other => other,
        }
    }
}

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.lock();
        match &mut state.mode {
            Mode::Holding { held, .. } => {
                held.extend_from_slice(buf);
                if state.overflows() {
                    state.start_pager()?;
                }
            }
            Mode::Direct => state.terminal.write_all(buf)?,
            Mode::Paging { .. } => state.send_to_pager(buf)?,
            Mode::Closed => {}
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Held output stays held: only the end of the command (`finish`) or overflowing the
        // screen lets it go.
        let mut state = self.lock();
        match &mut state.mode {
            Mode::Direct => state.terminal.flush(),
            Mode::Paging { input, .. } => match input.flush() {
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            },
            Mode::Holding { .. } | Mode::Closed => Ok(()),
        }
    }
}

/// How many columns a line takes on screen: colour escapes take none.
fn shown_width(line: &[u8]) -> usize {
    let text = String::from_utf8_lossy(line);
    let mut width = 0;
    let mut rest: &str = &text;
    while let Some(escape) = rest.find('\u{1b}') {
        width += rest[..escape].width();
        let after = &rest[escape + 1..];
        // CSI: ESC [ parameters… final byte in @–~.
        rest = match after.strip_prefix('[') {
            Some(csi) => csi.find(|c: char| ('@'..='~').contains(&c)).map_or("", |end| &csi[end + 1..]),
            None => after,
        };
    }
    width + rest.width()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Capture;

    fn screen(pager: &str, columns: usize, rows: usize) -> (Screen, Capture) {
        let terminal = Capture::default();
        let screen = Screen::over(Box::new(terminal.clone()), Some(pager.to_string())).with_size(columns, rows);
        (screen, terminal)
    }

    #[test]
    fn output_that_fits_goes_to_the_terminal_at_the_end() {
        let (mut screen, terminal) = screen("exit 3", 20, 5);
        screen.write_all(b"one\ntwo\n").unwrap();
        screen.flush().unwrap();
        assert_eq!(terminal.contents(), "", "held until the command ends");
        screen.finish().unwrap();
        assert_eq!(terminal.contents(), "one\ntwo\n");
    }

    #[test]
    fn tall_or_wide_output_goes_to_the_pager() {
        let dir = tempfile::tempdir().unwrap();
        let paged = dir.path().join("paged");
        let pager = format!("cat > {}", paged.display());
        for text in ["1\n2\n3\n4\n5\n6\n", "a line much wider than the terminal\n"] {
            let (mut screen, terminal) = screen(&pager, 20, 5);
            screen.write_all(text.as_bytes()).unwrap();
            screen.finish().unwrap();
            assert_eq!(terminal.contents(), "");
            assert_eq!(std::fs::read_to_string(&paged).unwrap(), text);
        }
    }

    #[test]
    fn a_pager_quit_early_drops_the_rest() {
        let (mut screen, terminal) = screen("true", 20, 3);
        for _ in 0..100_000 {
            screen.write_all(b"row\n").unwrap();
        }
        assert!(screen.closed());
        screen.finish().unwrap();
        assert!(!screen.closed());
        assert_eq!(terminal.contents(), "");
    }

    #[test]
    fn colour_escapes_take_no_width() {
        assert_eq!(shown_width(b"\x1b[1mid\x1b[0m | x"), 6);
        assert_eq!(shown_width("æøå".as_bytes()), 3);
    }
}
