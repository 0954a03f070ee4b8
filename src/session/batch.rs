//! The unit of work: in non-interactive input, a run of `add`s (or of `upsert`s) for one model
//! inside a transaction is written as multi-row inserts (SQLAlchemy's flush), under one
//! savepoint, and a failure is still reported against the line that caused it.

use std::collections::HashSet;

use super::{Session, TxState};
use crate::ast::{Command, Ident, Span};
use crate::error::{DbCode, Error, ErrorKind, Result};
use crate::plan::resolve;
use crate::plan::{Conflict, Insert, InsertRow};
use crate::value::Value;

/// `add`s (or `upsert`s) waiting to be written together: one table, one set of columns.
pub struct Batch {
    insert: Insert,
    /// Where each row's command is in the text, for its errors.
    spans: Vec<Span>,
    /// For `upsert`s: the key they find rows by and what they store over them.
    conflict: Option<Conflict>,
    /// For `upsert`s: the keys of the rows so far. A key met again waits for the next batch:
    /// PostgreSQL refuses a statement that would update one row twice, and the second upsert
    /// must see the first one's row.
    keys: HashSet<String>,
}

impl Batch {
    /// A batch of one row; of `upsert`s with `conflict`.
    pub fn new(row: InsertRow<'_>, conflict: Option<Conflict>, span: Span) -> Batch {
        let mut batch = Batch { insert: row.into_insert(), spans: vec![span], conflict, keys: HashSet::new() };
        if let Some(key) = batch.key_of(&batch.insert.rows[0]) {
            batch.keys.insert(key);
        }
        batch
    }

    pub fn accepts(&self, next: &InsertRow<'_>, conflict: Option<&Conflict>, max_params: usize) -> bool {
        // Rows of defaults only (`add User`) have no multi-row form.
        let per_row = self.insert.columns.len();
        per_row > 0
            && next.fits(&self.insert)
            && self.conflict.as_ref() == conflict
            && self.key_of(&next.values).is_none_or(|key| !self.keys.contains(&key))
            && (self.insert.rows.len() + 1) * per_row <= max_params.min(MAX_BATCH_ROWS * per_row)
    }

    pub fn push(&mut self, values: Vec<Value>, span: Span) {
        if let Some(key) = self.key_of(&values) {
            self.keys.insert(key);
        }
        self.insert.rows.push(values);
        self.spans.push(span);
    }

    /// An upsert's key values, as one text to compare; None for `add`s.
    fn key_of(&self, values: &[Value]) -> Option<String> {
        let conflict = self.conflict.as_ref()?;
        let mut key = String::new();
        for (column, value) in self.insert.columns.iter().zip(values) {
            if conflict.key.contains(column) {
                key.push_str(&format!("{value:?}\u{1f}"));
            }
        }
        Some(key)
    }
}

/// Rows per multi-row insert at most: large enough that statements are few, small enough that
/// one statement's text and parameters stay modest.
const MAX_BATCH_ROWS: usize = 1000;

impl Session {
    /// Whether an `add` may wait to be written with the ones after it as one multi-row insert:
    /// only in non-interactive input inside a transaction, where nobody watches each row go in
    /// and a failure undoes the batch alone.
    pub fn batches_adds(&self) -> bool {
        !self.printer.interactive() && self.in_transaction() && matches!(self.tx, TxState::Open { .. } | TxState::Idle)
    }

    /// Whether `command` (an `add` or an `upsert`) may wait in a batch: where adds are batched,
    /// but not one that sets a reference by a field of its row (its key is looked up first,
    /// which a multi-row insert has no place for), nor an upsert whose stored row is shown.
    pub fn batches(&self, command: &Command) -> bool {
        match command {
            Command::Add { values, .. } => self.batches_adds() && values.iter().all(|v| v.through.is_none()),
            Command::Upsert { values, .. } => {
                self.batches_adds() && !self.printer.writes_shown() && values.iter().all(|v| v.through.is_none())
            }
            _ => false,
        }
    }

    /// Writes rows queued by several `add`s (or `upsert`s: `conflict`) at once, under one
    /// savepoint: all of them or none, with the same guards and the same account of the
    /// outcome as any command.
    async fn add_batch(&mut self, insert: &Insert, conflict: Option<&Conflict>) -> Result<()> {
        let result = self.write_batch(insert, conflict).await;
        self.account(None, result).await
    }

    async fn write_batch(&mut self, insert: &Insert, conflict: Option<&Conflict>) -> Result<()> {
        if self.lost {
            self.reconnect().await?;
        }
        self.tx.check_runs(if conflict.is_some() { "upsert" } else { "add" })?;
        let protected = self.protect().await?;
        let result = self.write_rows(insert, conflict).await;
        self.settle(protected, result).await
    }

    /// Whether the rows of a failed batch may be written again one at a time, to find the row
    /// that failed: only when the failure was about a row and the batch was undone alone, so
    /// that the transaction they belong to is still open as it was.
    pub fn may_retry_rows(&self, err: &Error) -> bool {
        let about_a_row = match err.kind {
            ErrorKind::Value => true,
            ErrorKind::Database => err.code.as_ref().is_none_or(DbCode::is_about_a_row),
            _ => false,
        };
        about_a_row && !self.lost && self.batches_adds()
    }

    /// [`insert_plan`](Self::insert_plan), taking the values and leaving the names in the
    /// catalog: the form a batch of `add`s is collected in.
    pub fn insert_row(&self, model: &Ident, values: Vec<crate::ast::Assignment>) -> Result<InsertRow<'_>> {
        let (table, given, now) = self.batched_values(model, values)?;
        resolve::complete_row(table, model, given, now)
    }

    /// [`insert_row`](Self::insert_row) for an `upsert`, with the key it finds a stored row by
    /// and what it stores over it.
    pub fn upsert_row(&self, model: &Ident, values: Vec<crate::ast::Assignment>) -> Result<(InsertRow<'_>, Conflict)> {
        let (table, given, now) = self.batched_values(model, values)?;
        crate::plan::upsert_row(table, model, given, now)
    }

    /// A batched command's values resolved against its model, at the command's clock.
    fn batched_values(
        &self,
        model: &Ident,
        values: Vec<crate::ast::Assignment>,
    ) -> Result<(&crate::catalog::Table, resolve::Assigned<'_>, crate::coerce::Now)> {
        let table = self.catalog.writable_model(model)?;
        let now = crate::coerce::Now::read();
        let given = resolve::assignments(&self.catalog, table, values, now)?;
        if let Some(lookup) = given.lookups.first() {
            // The runner writes such a command on its own (see `Runner::run`).
            return Err(Error::at(ErrorKind::Value, "a reference set by a field is not batched", lookup.span));
        }
        Ok((table, given, now))
    }

    /// Writes a batch of queued `add`s; each failure goes into `failures` with the span of the
    /// `add` it belongs to. If the multi-row insert fails on a row's values, the rows are written
    /// again one by one, so that the error names the line that caused it and the rows before it
    /// stay, exactly as without batching; they are written in the same transaction, under the
    /// same guards, as any command. Any other failure (a full disk, a deadlock) is not about a
    /// row: it is reported as it is, at the batch's first line, and nothing is written again.
    /// Whether the run goes on (`go_on`: errors do not stop it).
    /// `line_of` names the line a span starts on, for the error of a batch as a whole.
    pub async fn flush_batch(
        &mut self,
        batch: Batch,
        go_on: bool,
        line_of: &dyn Fn(Span) -> usize,
        failures: &mut Vec<(Error, Span)>,
    ) -> bool {
        let failed = match self.add_batch(&batch.insert, batch.conflict.as_ref()).await {
            Ok(()) => return true,
            Err(err) if err.kind == ErrorKind::OutputClosed => return false,
            Err(err) => err,
        };
        let rows = batch.spans.len();
        if rows == 1 || !self.may_retry_rows(&failed) {
            let failed = if rows > 1 {
                let (first, last) = (line_of(batch.spans[0]), line_of(batch.spans[rows - 1]));
                let verb = if batch.conflict.is_some() { "upsert" } else { "add" };
                failed.with_more_help(format!("{rows} `{verb}`s (lines {first} to {last}) were being written together"))
            } else {
                failed
            };
            failures.push((failed, batch.spans[0]));
            return go_on;
        }
        let Batch { insert, spans, conflict, .. } = batch;
        let mut single = insert.clone_shape();
        for (row, span) in insert.rows.into_iter().zip(spans) {
            single.rows = vec![row];
            match self.add_batch(&single, conflict.as_ref()).await {
                Ok(()) => {}
                Err(err) if err.kind == ErrorKind::OutputClosed => return false,
                Err(err) => {
                    failures.push((err, span));
                    if !go_on {
                        return false;
                    }
                }
            }
        }
        true
    }
}
