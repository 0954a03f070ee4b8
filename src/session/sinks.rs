//! Where streamed rows go: straight to the printer, stopping at the prompt's row cap.

use super::io_error;
use crate::backend::RowSink;
use crate::error::Result;
use crate::render::Printer;
use crate::value::Value;

/// Prints rows as they arrive; past `cap` rows it stops reading and notes that more exist.
pub struct PrintRows<'p> {
    printer: &'p mut Printer,
    cap: Option<u64>,
    shown: u64,
    more: bool,
    started: bool,
}

impl<'p> PrintRows<'p> {
    pub fn new(printer: &'p mut Printer, cap: Option<u64>) -> PrintRows<'p> {
        PrintRows { printer, cap, shown: 0, more: false, started: false }
    }

    /// Closes the result set, whatever the fetch returned: rows already shown stay shown, and
    /// the fetch's error, if any, is passed on.
    pub fn finish(self, fetched: Result<()>) -> Result<()> {
        if self.started {
            self.printer.end_rows(self.more).map_err(io_error)?;
        }
        fetched
    }
}

impl RowSink for PrintRows<'_> {
    fn columns(&mut self, names: &[String]) -> Result<()> {
        self.started = true;
        self.printer.begin_rows(names).map_err(io_error)
    }

    fn row(&mut self, values: &[Value]) -> Result<bool> {
        if self.cap.is_some_and(|cap| self.shown >= cap) {
            self.more = true;
            return Ok(false);
        }
        self.shown += 1;
        self.printer.row(values).map_err(io_error)?;
        Ok(true)
    }
}
