//! `import M from FILE`: the file's records checked against the model's fields as `add`
//! checks values, and written in chunks by the batched insert of `add`, all of them or none: in
//! a transaction of its own, or under the command's savepoint inside the user's.

use std::path::Path;

use super::{Session, io_error};
use crate::ast::{Format, Ident, Literal, LiteralKind, Span};
use crate::catalog::{Column, Table};
use crate::coerce::{Now, coerce_owned};
use crate::dialect::Sql;
use crate::error::{Error, ErrorKind, Result};
use crate::import::{Cell, Kind, Problem, Reader, Record};
use crate::plan::{Insert, text_casts};
use crate::progress::FileProgress;
use crate::render::Printer;
use crate::runner::io_reason;
use crate::value::{FieldType, Value};

/// Rows per insert at most (fewer when the database's limit on parameters says so).
const CHUNK_ROWS: usize = 1000;

/// Rows per chunk of a `COPY` (PostgreSQL), which has no parameters to limit it.
const COPY_ROWS: usize = 10_000;

/// What an import's errors are about: the file as typed, and where it was typed.
struct FileAt<'a> {
    path: &'a str,
    span: Span,
}

impl FileAt<'_> {
    /// `FILE:LINE: message` (`FILE: message` for the file as a whole), at the path.
    fn error(&self, kind: ErrorKind, line: u64, message: impl std::fmt::Display) -> Error {
        let place = if line == 0 { self.path.to_string() } else { format!("{}:{line}", self.path) };
        Error::at(kind, format!("{place}: {message}"), self.span)
    }

    fn problem(&self, problem: Problem) -> Error {
        self.error(ErrorKind::Value, problem.line, problem.message)
    }
}

/// A file's records, with the progress bar that follows them.
struct Records<'r> {
    reader: &'r mut Reader,
    progress: FileProgress,
    read: u64,
}

impl Records<'_> {
    fn next(&mut self, at: &FileAt<'_>) -> Result<Option<Record>> {
        self.read += 1;
        // Often enough for the eye, seldom enough to cost nothing.
        if self.read.is_multiple_of(4096) {
            self.progress.at(self.reader.bytes_read());
        }
        self.reader.next_record().map_err(|p| at.problem(p))
    }
}

impl Session {
    /// Reads `path` into `model`'s table: every row, or (on the first error) none.
    pub(super) async fn import(&mut self, model: &Ident, path: &str, span: Span) -> Result<()> {
        let table = self.following_schema(|catalog| catalog.writable_model(model).cloned()).await?;
        let at = FileAt { path, span };
        let Some(kind) = Kind::of(path) else {
            return Err(at.error(ErrorKind::Usage, 0, "cannot tell the file's format").with_help(
                "name it .csv (with a header row), .json (an array of objects) or .jsonl (an object per line)",
            ));
        };
        let mut reader = match Reader::open(Path::new(path), kind) {
            Ok(Ok(reader)) => reader,
            Ok(Err(problem)) => return Err(at.problem(problem)),
            Err(err) => return Err(Error::at(ErrorKind::Io, format!("cannot read {path}: {}", io_reason(&err)), span)),
        };
        let (columns, stamps) = header_columns(&table, &reader, &at, Now::read())?;
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        let mut records = Records { reader: &mut reader, progress: FileProgress::start(path, size), read: 0 };
        // Nothing is shown row by row, and the inserts take the batched path of a script.
        let quiet = Printer::new(Box::new(std::io::sink()), Format::Csv, false, false, false);
        let screen = std::mem::replace(&mut self.printer, quiet);
        let result = self.import_all(&table, &columns, &stamps, &mut records, &at).await;
        drop(records);
        self.printer = screen;
        let rows = result?;
        let text = format!("{rows} {} imported into {}", if rows == 1 { "row" } else { "rows" }, table.name);
        self.printer.status(&text).map_err(io_error)
    }

    /// The rows, all or none: in a transaction of the import's own, or under the command's
    /// savepoint inside the open one.
    async fn import_all(
        &mut self,
        table: &Table,
        columns: &[&Column],
        stamps: &[Value],
        records: &mut Records<'_>,
        at: &FileAt<'_>,
    ) -> Result<u64> {
        if self.in_transaction() {
            let protected = self.protect().await?;
            let mut rows = 0;
            let result = self.import_rows(table, columns, stamps, records, at).await.map(|n| rows = n);
            return self.settle(protected, result).await.map(|()| rows);
        }
        let dialect = self.dialect();
        self.send(&dialect.begin()).await?;
        match self.import_rows(table, columns, stamps, records, at).await {
            Ok(rows) => self.send(&dialect.commit()).await.map(|()| rows),
            Err(err) => {
                // The import's own error is the one to report; a rollback that fails leaves
                // the state to the server, which the session asks after any failure.
                let _ = self.send(&dialect.rollback()).await;
                Err(err)
            }
        }
    }

    /// `columns`: the file's, then the timestamps it leaves out, whose values are `stamps`.
    async fn import_rows(
        &mut self,
        table: &Table,
        columns: &[&Column],
        stamps: &[Value],
        records: &mut Records<'_>,
        at: &FileAt<'_>,
    ) -> Result<u64> {
        let mut insert = Insert {
            table: table.name.clone(),
            columns: columns.iter().map(|c| c.name.clone()).collect(),
            rows: Vec::new(),
            casts: text_casts(table, columns),
        };
        let now = Now::read();
        if let Some(copy) = self.dialect().copy_in(&insert) {
            let total = self.copy_all(&copy, columns, stamps, records, now, at).await?;
            self.catch_up_keys(table, columns).await?;
            return Ok(total);
        }
        let chunk = (self.dialect().max_params() / columns.len().max(1)).clamp(1, CHUNK_ROWS);
        insert.rows.reserve(chunk);
        let (mut total, mut first_line, mut last_line) = (0u64, 0u64, 0u64);
        loop {
            let record = records.next(at)?;
            if let Some(record) = record {
                if insert.rows.is_empty() {
                    first_line = record.line;
                }
                last_line = record.line;
                insert.rows.push(row(record, columns, stamps, now, at)?);
                total += 1;
                if insert.rows.len() < chunk {
                    continue;
                }
                self.write_chunk(&insert, first_line, last_line, at).await?;
                insert.rows.clear();
            } else {
                if !insert.rows.is_empty() {
                    self.write_chunk(&insert, first_line, last_line, at).await?;
                }
                self.catch_up_keys(table, columns).await?;
                return Ok(total);
            }
        }
    }

    /// The whole file in one `COPY` (PostgreSQL), read a chunk at a time while the server
    /// takes in the chunk before.
    async fn copy_all(
        &mut self,
        copy: &Sql,
        columns: &[&Column],
        stamps: &[Value],
        records: &mut Records<'_>,
        now: Now,
        at: &FileAt<'_>,
    ) -> Result<u64> {
        let mut total = 0u64;
        let mut next = || -> Result<Option<Vec<Vec<Value>>>> {
            let mut rows = Vec::with_capacity(COPY_ROWS);
            while rows.len() < COPY_ROWS {
                match records.next(at)? {
                    Some(record) => rows.push(row(record, columns, stamps, now, at)?),
                    None => break,
                }
            }
            total += rows.len() as u64;
            Ok((!rows.is_empty()).then_some(rows))
        };
        self.canceller.arm();
        let copied = self.backend.copy_rows(copy, &mut next).await.unwrap_or(Ok(0));
        copied.map_err(|err| {
            if err.span.is_some() {
                // The file's own error, as the reader or the checks found it.
                return err;
            }
            err.with_more_help(format!("while copying the rows of {}; nothing of the file is stored", at.path))
        })?;
        Ok(total)
    }

    /// Keys written as the file gives them leave a PostgreSQL sequence behind: it is moved on.
    async fn catch_up_keys(&mut self, table: &Table, columns: &[&Column]) -> Result<()> {
        for key in columns.iter().filter(|c| c.primary_key && c.has_default) {
            if let Some(sql) = self.dialect().catch_up_sequence(&table.name, &key.name) {
                self.backend.execute(&sql).await?;
            }
        }
        Ok(())
    }

    async fn write_chunk(&mut self, insert: &Insert, first: u64, last: u64, at: &FileAt<'_>) -> Result<()> {
        self.canceller.arm();
        self.insert(insert).await.map_err(|err| {
            let lines = if first == last { format!("line {first}") } else { format!("lines {first} to {last}") };
            err.with_more_help(format!("while writing the rows of {}, {lines}; nothing of the file is stored", at.path))
        })
    }
}

/// The columns the file's names stand for, resolved as fields are (`author` for `author_id`),
/// each once, then the conventional timestamps it leaves out (filled with `now`, as `add` fills
/// them), with their values; every field that needs a value among them.
fn header_columns<'t>(
    table: &'t Table,
    reader: &Reader,
    at: &FileAt<'_>,
    now: Now,
) -> Result<(Vec<&'t Column>, Vec<Value>)> {
    let line = reader.names_line();
    let mut columns: Vec<&Column> = Vec::with_capacity(reader.names().len());
    for name in reader.names() {
        let ident = Ident { name: name.clone(), span: at.span };
        let field = table.field(&ident).map_err(|err| {
            let mut error = at.error(ErrorKind::Name, line, &err.message);
            error.help = err.help;
            error
        })?;
        let column = field.column();
        if columns.iter().any(|c| std::ptr::eq(*c, column)) {
            return Err(at.error(ErrorKind::Value, line, format!("`{name}` is named twice")));
        }
        columns.push(column);
    }
    let mut stamps = Vec::new();
    for column in &table.columns {
        let left_out = !columns.iter().any(|c| std::ptr::eq(*c, column));
        if crate::plan::resolve::stamp(column).is_some()
            && left_out
            && let Some(value) = crate::coerce::now_value(&column.field_type, now)
        {
            columns.push(column);
            stamps.push(value);
        }
    }
    let missing = crate::plan::resolve::missing_required(table, &columns);
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|c| c.name.as_str()).collect();
        return Err(at
            .error(ErrorKind::Value, line, format!("{} needs a value for {}", table.model_name(), names.join(", ")))
            .with_help(format!("{} cannot be null and has no default: the file must name it", names.join(", "))));
    }
    Ok((columns, stamps))
}

/// A record's values, each checked against its column as `add` checks it, then the timestamps
/// the file leaves out.
fn row(record: Record, columns: &[&Column], stamps: &[Value], now: Now, at: &FileAt<'_>) -> Result<Vec<Value>> {
    let mut values = Vec::with_capacity(columns.len());
    for (cell, column) in record.cells.into_iter().zip(columns) {
        let value = value(cell, column, now).map_err(|message| {
            at.error(ErrorKind::Value, record.line, format!("field `{}`: {message}", column.name))
        })?;
        // A key the database numbers itself takes null as "number it" (SQLite's rowid).
        if value.is_null() && !column.nullable && !(column.primary_key && column.has_default) {
            let message = format!("field `{}` cannot be null", column.name);
            return Err(at.error(ErrorKind::Value, record.line, message));
        }
        values.push(value);
    }
    values.extend_from_slice(stamps);
    Ok(values)
}

/// One cell as a value of `column`'s type; the reason when it is not one.
fn value(cell: Cell, column: &Column, now: Now) -> std::result::Result<Value, String> {
    let kind = match cell {
        Cell::Null => return Ok(Value::Null),
        // Text is a quoted literal: `now` in a file is the word, not the clock.
        Cell::Text(text) => LiteralKind::Quoted(text),
        Cell::Json(json) if column.field_type == FieldType::Json => return Ok(Value::Json(json)),
        Cell::Json(serde_json::Value::String(text)) => LiteralKind::Quoted(text),
        Cell::Json(serde_json::Value::Bool(b)) => LiteralKind::Bool(b),
        Cell::Json(serde_json::Value::Number(n)) => LiteralKind::Number(n.to_string()),
        Cell::Json(other) => LiteralKind::Quoted(other.to_string()),
    };
    coerce_owned(Literal { kind, span: Span::default() }, column, now).map_err(|err| err.message)
}
