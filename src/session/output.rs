//! `output FILE` (psql's `\o`): results go to a file until `output` alone brings them back.

use std::io::BufWriter;

use super::{Session, io_error};
use crate::ast::Span;
use crate::error::{Error, ErrorKind, Result};
use crate::render::Printer;

impl Session {
    /// Sends results to `path` from now on, or (None) back to the screen.
    pub(super) fn output(&mut self, path: Option<&str>, span: Span) -> Result<()> {
        let format = self.printer.format();
        let Some(path) = path else {
            let Some(mut screen) = self.screen.take() else {
                return self.printer.status("output is the screen already").map_err(io_error);
            };
            screen.set_format(format);
            let mut file = std::mem::replace(&mut self.printer, screen);
            file.flush().map_err(io_error)?;
            return self.printer.status("output back to the screen").map_err(io_error);
        };
        let file = std::fs::File::create(path).map_err(|e| {
            Error::at(ErrorKind::Io, format!("cannot write {path}: {}", crate::runner::io_reason(&e)), span)
        })?;
        self.printer.status(&format!("output to {path} (`output` alone to come back)")).map_err(io_error)?;
        // Said now, on the screen: from here on the session flushes the file's printer.
        self.printer.flush().map_err(io_error)?;
        let interactive = self.printer.interactive();
        // No colour in a file; the prompt's row cap as on the screen. As with psql's `\o`,
        // what commands say of themselves goes there too; warnings and errors stay on screen.
        let to_file = Printer::new(Box::new(BufWriter::new(file)), format, false, interactive, false);
        let previous = std::mem::replace(&mut self.printer, to_file);
        match self.screen {
            // A second `output FILE` closes the first file; the screen stays the one to go back to.
            Some(_) => {
                let mut earlier = previous;
                earlier.flush().map_err(io_error)
            }
            None => {
                self.screen = Some(previous);
                Ok(())
            }
        }
    }
}
