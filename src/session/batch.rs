//! The unit of work: in non-interactive input, a run of `add`s for one model inside a
//! transaction is written as multi-row inserts (SQLAlchemy's flush), under one savepoint, and a
//! failure is still reported against the line that caused it.

use super::{Session, TxState};
use crate::ast::{Ident, Span};
use crate::error::{DbCode, Error, ErrorKind, Result};
use crate::plan::resolve;
use crate::plan::{Insert, InsertRow};
use crate::value::Value;

/// `add`s waiting to be written together: one table, one set of columns.
pub struct Batch {
    insert: Insert,
    /// Where each row's `add` is in the text, for its errors.
    spans: Vec<Span>,
}

impl Batch {
    /// A batch of one row.
    pub fn new(row: InsertRow<'_>, span: Span) -> Batch {
        Batch { insert: row.into_insert(), spans: vec![span] }
    }

    pub fn accepts(&self, next: &InsertRow<'_>, max_params: usize) -> bool {
        // Rows of defaults only (`add User`) have no multi-row form.
        let per_row = self.insert.columns.len();
        per_row > 0
            && next.fits(&self.insert)
            && (self.insert.rows.len() + 1) * per_row <= max_params.min(MAX_BATCH_ROWS * per_row)
    }

    pub fn push(&mut self, values: Vec<Value>, span: Span) {
        self.insert.rows.push(values);
        self.spans.push(span);
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

    /// Writes rows queued by several `add`s at once, under one savepoint: all of them or none,
    /// with the same guards and the same account of the outcome as any command.
    async fn add_batch(&mut self, insert: &Insert) -> Result<()> {
        let result = self.write_batch(insert).await;
        self.account(None, result).await
    }

    async fn write_batch(&mut self, insert: &Insert) -> Result<()> {
        if self.lost {
            self.reconnect().await?;
        }
        self.tx.check_runs("add")?;
        let protected = self.protect().await?;
        let result = self.insert(insert).await;
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
        let table = self.catalog.writable_model(model)?;
        let now = crate::coerce::Now::read();
        let given = resolve::assignments(&self.catalog, table, values, now)?;
        if let Some(lookup) = given.lookups.first() {
            // The runner writes such an `add` on its own (see `Runner::run`).
            return Err(Error::at(ErrorKind::Value, "a reference set by a field is not batched", lookup.span));
        }
        resolve::complete_row(table, model, given, now)
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
        let failed = match self.add_batch(&batch.insert).await {
            Ok(()) => return true,
            Err(err) if err.kind == ErrorKind::OutputClosed => return false,
            Err(err) => err,
        };
        let rows = batch.spans.len();
        if rows == 1 || !self.may_retry_rows(&failed) {
            let failed = if rows > 1 {
                let (first, last) = (line_of(batch.spans[0]), line_of(batch.spans[rows - 1]));
                failed.with_more_help(format!("{rows} `add`s (lines {first} to {last}) were being written together"))
            } else {
                failed
            };
            failures.push((failed, batch.spans[0]));
            return go_on;
        }
        let Batch { insert, spans } = batch;
        let mut single = insert.clone_shape();
        for (row, span) in insert.rows.into_iter().zip(spans) {
            single.rows = vec![row];
            match self.add_batch(&single).await {
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
