//! Where streamed rows go: straight to the printer, stopping at the prompt's row cap.

use super::io_error;
use crate::backend::{Canceller, RowSink};
use crate::dialect::Dialect;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::Load;
use crate::related::read_all;
use crate::render::Printer;
use crate::value::{DecimalForm, Value};

/// Gives the decimals of a row the form their columns ask for (see [`DecimalForm`]).
pub fn shape_decimals(row: &mut [Value], decimals: &[(usize, DecimalForm)]) {
    for &(at, form) in decimals {
        if let Some(value) = row.get_mut(at)
            && let Some(shaped) = form.apply(value)
        {
            *value = shaped;
        }
    }
}

/// Prints rows as they arrive; past `cap` rows it stops reading and notes that more exist.
pub struct PrintRows<'p> {
    printer: &'p mut Printer,
    cap: Option<u64>,
    shown: u64,
    more: bool,
    started: bool,
    /// `with`: each row's last columns are these loads' records, as JSON, read back row by row
    /// (nothing is kept from one row to the next).
    loads: &'p [Load],
    dialect: Dialect,
    /// Ctrl-C: the listing stops at the next row, and its stream is dropped.
    canceller: Option<&'p Canceller>,
    /// The decimal columns and their forms; a row that has any is shaped in `shaped`.
    decimals: &'p [(usize, DecimalForm)],
    shaped: Vec<Value>,
}

impl<'p> PrintRows<'p> {
    pub fn new(printer: &'p mut Printer, cap: Option<u64>) -> PrintRows<'p> {
        PrintRows {
            printer,
            cap,
            shown: 0,
            more: false,
            started: false,
            loads: &[],
            dialect: Dialect::Sqlite,
            canceller: None,
            decimals: &[],
            shaped: Vec::new(),
        }
    }

    /// Rows whose decimal columns are shown in these forms.
    pub fn with_decimals(mut self, decimals: &'p [(usize, DecimalForm)]) -> PrintRows<'p> {
        self.decimals = decimals;
        self
    }

    /// Rows that end with a column of related records for each of `loads`, as `dialect` sends them.
    pub fn with_loads(mut self, loads: &'p [Load], dialect: Dialect) -> PrintRows<'p> {
        self.loads = loads;
        self.dialect = dialect;
        self
    }

    /// Stops at the next row once `canceller` was told to stop (Ctrl-C).
    pub fn stopping_on(mut self, canceller: &'p Canceller) -> PrintRows<'p> {
        self.canceller = Some(canceller);
        self
    }

    /// Where a row's own values end and its related records begin.
    fn own(&self, len: usize) -> Result<usize> {
        len.checked_sub(self.loads.len())
            .ok_or_else(|| Error::new(ErrorKind::Database, "the database sent fewer columns than asked for"))
    }

    /// Closes the result set, whatever the fetch returned: rows already shown stay shown, and
    /// the fetch's error, if any, is passed on. A fetch that failed before its first row shows
    /// nothing but its error.
    pub fn finish(self, fetched: Result<()>) -> Result<()> {
        if self.started && fetched.is_err() && self.shown == 0 {
            self.printer.abandon_rows();
        } else if self.started {
            self.printer.end_rows(self.more).map_err(io_error)?;
        }
        fetched
    }
}

impl RowSink for PrintRows<'_> {
    fn columns(&mut self, names: &[String]) -> Result<()> {
        self.started = true;
        let own = self.own(names.len())?;
        self.printer.begin_rows_with(&names[..own], self.loads).map_err(io_error)
    }

    fn row(&mut self, values: &[Value]) -> Result<bool> {
        if self.canceller.is_some_and(Canceller::stopped) {
            // An error, not a quiet end: inside a transaction the command is undone under its
            // savepoint, and the server is asked what state the transaction is in.
            return Err(Error::new(ErrorKind::Database, format!("cancelled after {} rows (Ctrl-C)", self.shown)));
        }
        if !self.printer.wants_more() {
            // The pager was quit: the rest is not read.
            return Ok(false);
        }
        if self.cap.is_some_and(|cap| self.shown >= cap) {
            self.more = true;
            return Ok(false);
        }
        self.shown += 1;
        let values = if self.decimals.is_empty() {
            values
        } else {
            self.shaped.clear();
            self.shaped.extend_from_slice(values);
            shape_decimals(&mut self.shaped, self.decimals);
            &self.shaped
        };
        if self.loads.is_empty() {
            self.printer.row(values).map_err(io_error)?;
        } else {
            let own = self.own(values.len())?;
            let related = read_all(self.loads, &values[own..], self.dialect)?;
            self.printer.row_with(&values[..own], related).map_err(io_error)?;
        }
        Ok(true)
    }
}
