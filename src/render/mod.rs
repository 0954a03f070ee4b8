//! Output. Every result set, record, count and status line the session produces goes through the
//! [`Printer`], which draws it in one of five formats: `table` (psql-like), `vertical` (psql's
//! `\x`), `json`, `jsonl` (JSON Lines: an object per line) and `csv`; `auto` (the default at the
//! prompt) is `table`, or `vertical` for a result whose rows would not fit the terminal's width.
//! At the prompt, output taller or wider than the terminal goes through a pager ([`Screen`]).
//!
//! Two streams: `out` carries the results; `notes` (stderr unless told otherwise) carries the
//! human remarks that would break a machine-readable result in json or csv (row-limit notes,
//! timing, write statuses), so that `--format json` output always parses. In table and vertical
//! format everything goes to `out`.

mod csv;
mod json;
#[cfg(test)]
mod nested_tests;
mod screen;
mod table;
mod vertical;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::ast::Format;
use crate::plan::Load;
use crate::related::Related;
use crate::value::Value;

pub use screen::{DEFAULT_PAGER, Screen, pager_from_env, terminal_size};

/// How NULL is shown in table and vertical format (pgcli's way): distinct from the text "null".
pub const NULL_TEXT: &str = "<null>";

/// Writes results in the session's current format.
pub struct Printer {
    out: Box<dyn Write + Send>,
    notes: Box<dyn Write + Send>,
    format: Format,
    color: bool,
    interactive: bool,
    verbose: bool,
    /// The result set being streamed, between `begin_rows` and `end_rows`.
    rows: Option<Rows>,
    /// Rows per table page; a page is rendered (and its memory freed) when it fills up.
    page_rows: usize,
    /// Rows and records written so far (what `export` reports).
    written: u64,
    /// The terminal, when results go to one at the prompt: it pages what does not fit.
    screen: Option<Screen>,
    /// The width `format auto` fits rows to, instead of the terminal's (tests).
    width: Option<usize>,
}

/// A result set in progress, in the format it was begun in.
enum Rows {
    Table(table::TableRows),
    Vertical(vertical::VerticalRows),
    Json(json::JsonRows),
    Csv(csv::CsvRows),
    /// `format auto` before it has chosen: the first rows, held until one is too wide for the
    /// terminal (vertical) or a page of them fits (table). The widest cell of each column so far.
    Choosing {
        columns: Vec<String>,
        shapes: Vec<Shape>,
        held: Vec<(Vec<Value>, Vec<Related>)>,
        widths: Vec<usize>,
        /// The terminal's width when the result began.
        fit: usize,
    },
}

impl Printer {
    /// `out` is where results go (a BufWriter over stdout in the binary, a Vec<u8> in tests).
    pub fn new(out: Box<dyn Write + Send>, format: Format, color: bool, interactive: bool, verbose: bool) -> Printer {
        Printer {
            out,
            notes: Box::new(io::stderr()),
            format,
            color,
            interactive,
            verbose,
            rows: None,
            page_rows: table::PAGE_ROWS,
            written: 0,
            screen: None,
            width: None,
        }
    }

    /// Results go to the terminal through `screen`, which pages what does not fit.
    pub fn with_screen(mut self, screen: Screen) -> Printer {
        self.screen = Some(screen);
        self
    }

    /// `set pager on|off`: only at a terminal; elsewhere output is never paged.
    pub fn set_pager(&mut self, on: bool) {
        if let Some(screen) = &self.screen {
            screen.set_paging(on);
        }
    }

    /// Whether results taller or wider than the terminal go through the pager.
    pub fn paging(&self) -> bool {
        self.screen.as_ref().is_some_and(|screen| screen.paging())
    }

    /// Whether whoever reads the output still wants more: not after quitting the pager.
    pub fn wants_more(&self) -> bool {
        self.screen.as_ref().is_none_or(|s| !s.closed())
    }

    /// Ends a command's output: everything written reaches the terminal (or the pager, which
    /// is waited for).
    pub fn end_command(&mut self) -> io::Result<()> {
        self.flush()?;
        match &self.screen {
            Some(screen) => screen.finish(),
            None => Ok(()),
        }
    }

    /// The width `format auto` fits rows to: the terminal's, when results go to one.
    fn fit_width(&self) -> Option<usize> {
        self.width.or_else(|| self.screen.as_ref().and_then(|_| screen::terminal_size()).map(|(w, _)| w))
    }

    /// A printer whose output (and notes) are kept in memory, for tests: the [`Capture`]s return
    /// what was written so far.
    pub fn capture(format: Format, color: bool, interactive: bool, verbose: bool) -> (Printer, Capture, Capture) {
        let out = Capture::default();
        let notes = Capture::default();
        let printer = Printer::new(Box::new(out.clone()), format, color, interactive, verbose)
            .with_notes(Box::new(notes.clone()));
        (printer, out, notes)
    }

    /// Sends the remarks that must stay out of json/csv results somewhere other than stderr.
    pub fn with_notes(mut self, notes: Box<dyn Write + Send>) -> Printer {
        self.notes = notes;
        self
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn set_format(&mut self, f: Format) {
        self.format = f;
    }

    pub fn interactive(&self) -> bool {
        self.interactive
    }

    /// Rows, records and counts written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Writes (add/update/delete results, status messages) are shown at the prompt or with
    /// --verbose; scripts are silent about them.
    pub fn writes_shown(&self) -> bool {
        self.interactive || self.verbose
    }

    /// Starts a result set. Rows follow with [`row`](Printer::row), and
    /// [`end_rows`](Printer::end_rows) closes it.
    pub fn begin_rows(&mut self, columns: &[String]) -> io::Result<()> {
        self.begin_rows_with(columns, &[])
    }

    /// Starts a result set whose rows each come with the related records `loads` say (`with`):
    /// rows follow with [`row_with`](Printer::row_with).
    pub fn begin_rows_with(&mut self, columns: &[String], loads: &[Load]) -> io::Result<()> {
        if self.rows.is_some() {
            // A result set left open (an error mid-stream) is closed rather than mixed in.
            self.end_rows(false)?;
        }
        let shapes = Shape::of(loads);
        self.rows = Some(match self.format {
            Format::Auto if let Some(fit) = self.fit_width() => Rows::Choosing {
                columns: columns.to_vec(),
                widths: columns.iter().map(|c| shown_width(&clean(c))).collect(),
                shapes,
                held: Vec::new(),
                fit,
            },
            Format::Table | Format::Auto => {
                Rows::Table(table::TableRows::new(columns, self.color, self.page_rows).nesting(shapes))
            }
            Format::Vertical => Rows::Vertical(vertical::VerticalRows::new(columns, self.color, shapes)),
            Format::Json => Rows::Json(json::JsonRows::new(columns, &shapes)),
            Format::Jsonl => Rows::Json(json::JsonRows::new(columns, &shapes).lines()),
            Format::Csv => Rows::Csv(csv::CsvRows::begin(columns, &shapes)),
        });
        Ok(())
    }

    /// One row of the result set begun last.
    pub fn row(&mut self, values: &[Value]) -> io::Result<()> {
        self.row_with(values, Vec::new())
    }

    /// One row and its related records, one entry per load the result set was begun with.
    pub fn row_with(&mut self, values: &[Value], related: Vec<Related>) -> io::Result<()> {
        if let Some(Rows::Choosing { held, widths, fit, .. }) = &mut self.rows {
            for (width, value) in widths.iter_mut().zip(values) {
                *width = (*width).max(shown_width(&cell_text(value)));
            }
            held.push((values.to_vec(), related));
            let too_wide = table_width(widths) > *fit;
            if too_wide || held.len() >= self.page_rows {
                self.choose(if too_wide { Format::Vertical } else { Format::Table })?;
            }
            return Ok(());
        }
        let out = &mut self.out;
        self.written += u64::from(self.rows.is_some());
        match &mut self.rows {
            Some(Rows::Table(rows)) => rows.row_with(out, values, related),
            Some(Rows::Vertical(rows)) => rows.row(out, values, &related),
            Some(Rows::Json(rows)) => rows.row(out, values, &related),
            Some(Rows::Csv(rows)) => rows.row(out, values, &related),
            Some(Rows::Choosing { .. }) | None => Ok(()),
        }
    }

    /// `format auto` has chosen: the result set is drawn in `format` from here on, beginning
    /// with the rows held so far.
    fn choose(&mut self, format: Format) -> io::Result<()> {
        let Some(Rows::Choosing { columns, shapes, held, .. }) = self.rows.take() else { return Ok(()) };
        self.rows = Some(match format {
            Format::Vertical => Rows::Vertical(vertical::VerticalRows::new(&columns, self.color, shapes)),
            _ => Rows::Table(table::TableRows::new(&columns, self.color, self.page_rows).nesting(shapes)),
        });
        for (values, related) in held {
            self.row_with(&values, related)?;
        }
        Ok(())
    }

    /// Closes the result set. `more`: rows were cut off by the prompt's row limit.
    pub fn end_rows(&mut self, more: bool) -> io::Result<()> {
        if matches!(self.rows, Some(Rows::Choosing { .. })) {
            // Every row fitted: a table.
            self.choose(Format::Table)?;
        }
        let Some(rows) = self.rows.take() else {
            return Ok(());
        };
        let out = &mut self.out;
        let count = match rows {
            Rows::Table(rows) => rows.end(out)?,
            Rows::Vertical(rows) => rows.end(out)?,
            Rows::Json(rows) => rows.end(out)?,
            Rows::Csv(rows) => rows.end(out)?,
            Rows::Choosing { .. } => unreachable!("chosen above"),
        };
        if more {
            let note = format!("(showing first {count} {}; `set limit off` to see all)", plural(count, "row", "rows"));
            self.remark(&note)?;
        }
        Ok(())
    }

    /// Drops the result set begun last without a word: its query failed before any row, and
    /// an empty result (`[]`, `(0 rows)`, a header) would say that it succeeded.
    pub fn abandon_rows(&mut self) {
        self.rows = None;
    }

    /// One stored or fetched row (`add` prints the stored record, `get` the fetched one).
    /// `write`: the record comes from a write, shown only when [`writes_shown`](Self::writes_shown).
    pub fn record(&mut self, columns: &[String], values: &[Value], write: bool) -> io::Result<()> {
        if write && !self.writes_shown() {
            return Ok(());
        }
        self.written += 1;
        match self.format {
            Format::Table | Format::Vertical | Format::Auto => {
                vertical::write_record(&mut self.out, columns, values, self.color)
            }
            Format::Json | Format::Jsonl => json::write_record(&mut self.out, columns, values),
            Format::Csv => csv::write_record(&mut self.out, columns, values),
        }
    }

    /// A fetched record with its related records (`get … with …`), one entry per load.
    pub fn record_with(
        &mut self,
        columns: &[String],
        values: &[Value],
        loads: &[Load],
        related: &[Related],
    ) -> io::Result<()> {
        let shapes = Shape::of(loads);
        self.written += 1;
        match self.format {
            Format::Table | Format::Auto => {
                vertical::write_record(&mut self.out, columns, values, self.color)?;
                table::write_nested(&mut self.out, &shapes, related, self.color, 0)
            }
            Format::Vertical => {
                vertical::write_record(&mut self.out, columns, values, self.color)?;
                vertical::write_nested(&mut self.out, &shapes, related, self.color, 0)
            }
            Format::Json | Format::Jsonl => json::write_record_with(&mut self.out, columns, values, &shapes, related),
            Format::Csv => csv::write_record_with(&mut self.out, columns, values, &shapes, related),
        }
    }

    /// `count User`: the number alone, in every format (it is valid json and csv as it is).
    pub fn count(&mut self, n: i64) -> io::Result<()> {
        self.written += 1;
        writeln!(self.out, "{n}")
    }

    /// "2 rows updated" / "1 row deleted"; only when writes are shown.
    pub fn affected(&mut self, n: u64, verb: &str) -> io::Result<()> {
        if !self.writes_shown() {
            return Ok(());
        }
        let line = format!("{n} {} {verb}", plural(n, "row", "rows"));
        self.remark(&line)
    }

    /// A status line ("BEGIN", "model User created (table users)"); only when writes are shown.
    pub fn status(&mut self, text: &str) -> io::Result<()> {
        if !self.writes_shown() {
            return Ok(());
        }
        self.remark(text)
    }

    /// Plain informational text that is always printed to `out` (help text, describe's extra
    /// lines).
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        self.out.write_all(text.as_bytes())?;
        if !text.ends_with('\n') {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// `explain`: the SQL and its bound parameters.
    pub fn explain(&mut self, sql: &str, params: &[Value]) -> io::Result<()> {
        match self.format {
            Format::Table | Format::Vertical | Format::Auto => {
                writeln!(self.out, "SQL: {sql}")?;
                if params.is_empty() {
                    writeln!(self.out, "params: none")
                } else {
                    let list: Vec<String> =
                        params.iter().enumerate().map(|(i, v)| format!("{} = {}", i + 1, sql_literal(v))).collect();
                    writeln!(self.out, "params: {}", list.join(", "))
                }
            }
            Format::Json | Format::Jsonl => json::write_explain(&mut self.out, sql, params),
            Format::Csv => csv::write_explain(&mut self.out, sql, params),
        }
    }

    /// A warning for the person, whatever the format and even in scripts: always beside the
    /// results (stderr in the binary), never among them.
    pub fn warning(&mut self, text: &str) -> io::Result<()> {
        self.out.flush()?;
        writeln!(self.notes, "warning: {text}")?;
        self.notes.flush()
    }

    /// `set timing on`: "Time: 1.234 ms".
    pub fn timing(&mut self, elapsed: Duration) -> io::Result<()> {
        let line = format!("Time: {:.3} ms", elapsed.as_secs_f64() * 1000.0);
        self.remark(&line)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()?;
        self.notes.flush()
    }

    /// A line for the person, not part of the data: into the results in table and vertical
    /// format, beside them (in `notes`) in json and csv so that those stay parseable.
    fn remark(&mut self, line: &str) -> io::Result<()> {
        let to = match self.format {
            Format::Table | Format::Vertical | Format::Auto => &mut self.out,
            Format::Json | Format::Jsonl | Format::Csv => {
                // Keep the order the person sees when both streams reach one terminal.
                self.out.flush()?;
                &mut self.notes
            }
        };
        writeln!(to, "{line}")
    }

    #[cfg(test)]
    pub(crate) fn set_page_rows(&mut self, rows: usize) {
        self.page_rows = rows.max(1);
    }

    #[cfg(test)]
    pub(crate) fn set_width(&mut self, width: usize) {
        self.width = Some(width);
    }
}

/// How wide a table with columns this wide is: ` a | b ` (psql's layout).
fn table_width(widths: &[usize]) -> usize {
    widths.iter().map(|w| w + 3).sum::<usize>().saturating_sub(1)
}

/// How many columns the widest line of `text` takes on screen.
fn shown_width(text: &str) -> usize {
    text.lines().map(unicode_width::UnicodeWidthStr::width).max().unwrap_or(0)
}

/// What `with` shows under a row, as the formats need it: names, and what is nested in turn.
#[derive(Debug, Clone)]
struct Shape {
    name: String,
    /// A list of records (a relation), or one record or none (a reference).
    many: bool,
    columns: Vec<String>,
    nested: Vec<Shape>,
}

impl Shape {
    fn of(loads: &[Load]) -> Vec<Shape> {
        loads
            .iter()
            .map(|load| Shape {
                name: load.name.clone(),
                many: load.many(),
                columns: load.column_names(),
                nested: Shape::of(&load.nested),
            })
            .collect()
    }

    /// The names a record of this shape shows: its columns', then its loads'.
    fn names(&self) -> Vec<String> {
        self.columns.iter().cloned().chain(self.nested.iter().map(|n| n.name.clone())).collect()
    }
}

/// How a load's records are introduced under their row: `orders (2 rows):`, `orders (0
/// rows)`, `address:`, `address: <null>`. Whether records follow the label.
fn nest_label(shape: &Shape, related: &Related) -> (String, bool) {
    let name = clean(&shape.name);
    match related {
        Related::Many(records) => {
            let n = records.len();
            let rows = plural(n, "row", "rows");
            if n == 0 { (format!("{name} (0 rows)"), false) } else { (format!("{name} ({n} {rows}):"), true) }
        }
        Related::One(None) => (format!("{name}: {NULL_TEXT}"), false),
        Related::One(Some(_)) => (format!("{name}:"), true),
    }
}

/// The records of a load, whichever kind it is.
fn records(related: &Related) -> &[crate::related::Record] {
    match related {
        Related::Many(records) => records,
        Related::One(Some(record)) => std::slice::from_ref(record),
        Related::One(None) => &[],
    }
}

/// Writes `lines` with `pad` spaces before each.
fn write_indented(out: &mut dyn Write, lines: &[u8], pad: usize) -> io::Result<()> {
    for line in lines.split_inclusive(|b| *b == b'\n') {
        if line != b"\n" {
            out.write_all(&b" ".repeat(pad))?;
        }
        out.write_all(line)?;
    }
    Ok(())
}

/// An in-memory writer whose contents stay readable after it has been handed to a [`Printer`].
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    /// Everything written so far, as text (invalid UTF-8 replaced).
    pub fn contents(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }

    /// Everything written since the last `take`, which empties the capture.
    pub fn take(&self) -> String {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn plural<'a, N: PartialEq + From<u8>>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n == N::from(1) { one } else { many }
}

/// A value's text for a table or vertical cell. Data can hold anything; what reaches the terminal
/// must not move the cursor or restyle it, so control characters other than newlines are shown
/// escaped, tabs become spaces and `\r\n` becomes a newline, keeping columns aligned.
fn cell_text(value: &Value) -> String {
    clean(&value.to_string())
}

fn clean(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    push_clean(&mut cleaned, text);
    cleaned
}

/// Appends `text` as [`clean`] shows it.
fn push_clean(out: &mut String, text: &str) {
    // Control characters are U+0000–U+001F and U+007F–U+009F; the last are 0xC2 0x80–0x9F in
    // UTF-8. Text without any of these bytes (nearly all) is copied as it is.
    if !text.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) || !text.chars().any(char::is_control) {
        out.push_str(text);
        return;
    }
    let mut column = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => {
                out.push('\n');
                column = 0;
                continue;
            }
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\t' => {
                let spaces = 8 - column % 8;
                out.extend(std::iter::repeat_n(' ', spaces));
                column += spaces;
                continue;
            }
            c if c.is_control() => {
                let escaped = format!("\\u{{{:x}}}", c as u32);
                column += escaped.len();
                out.push_str(&escaped);
                continue;
            }
            c => out.push(c),
        }
        column += 1;
    }
}

/// A parameter as an SQL literal, for `explain`'s human-readable form. Shown, never sent: the
/// values themselves go to the database bound to placeholders, so this is the one literal ormsh
/// writes outside `dialect/`, and it is the same for every database (the printer knows none).
/// `Dialect::literal`, which writes DDL defaults, differs by database and would change what
/// `explain` shows. Identifiers are never quoted here: the statement's text is shown as written.
fn sql_literal(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_owned(),
        Value::Bool(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Decimal(_) => value.to_string(),
        other => format!("'{}'", other.to_string().replace('\'', "''")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_printer_can_move_between_threads() {
        fn send<T: Send>() {}
        send::<Printer>();
    }

    #[test]
    fn writes_are_silent_in_scripts() {
        let (mut p, out, _) = Printer::capture(Format::Table, false, false, false);
        p.affected(2, "updated").unwrap();
        p.status("BEGIN").unwrap();
        p.record(&cols(&["id"]), &[Value::Int(1)], true).unwrap();
        assert_eq!(out.contents(), "");
        p.record(&cols(&["id"]), &[Value::Int(1)], false).unwrap();
        assert_eq!(out.contents(), "id | 1\n");
    }

    #[test]
    fn writes_are_shown_at_the_prompt_and_with_verbose() {
        for (interactive, verbose) in [(true, false), (false, true)] {
            let (mut p, out, _) = Printer::capture(Format::Table, false, interactive, verbose);
            p.affected(2, "updated").unwrap();
            p.affected(1, "deleted").unwrap();
            p.affected(0, "deleted").unwrap();
            p.status("BEGIN").unwrap();
            assert_eq!(out.contents(), "2 rows updated\n1 row deleted\n0 rows deleted\nBEGIN\n");
        }
    }

    #[test]
    fn count_is_the_number_alone_in_every_format() {
        for format in [Format::Table, Format::Vertical, Format::Json, Format::Csv] {
            let (mut p, out, _) = Printer::capture(format, true, true, false);
            p.count(42).unwrap();
            assert_eq!(out.contents(), "42\n");
        }
    }

    #[test]
    fn text_ends_with_one_newline() {
        let (mut p, out, _) = Printer::capture(Format::Json, false, false, false);
        p.text("one").unwrap();
        p.text("two\n").unwrap();
        assert_eq!(out.contents(), "one\ntwo\n");
    }

    #[test]
    fn explain_in_table_format() {
        let (mut p, out, _) = Printer::capture(Format::Table, false, false, false);
        p.explain("SELECT * FROM users WHERE name = ? AND age = ?", &[Value::Text("O'Brien".into()), Value::Int(30)])
            .unwrap();
        p.explain("SELECT 1", &[]).unwrap();
        assert_eq!(
            out.contents(),
            "SQL: SELECT * FROM users WHERE name = ? AND age = ?\n\
             params: 1 = 'O''Brien', 2 = 30\n\
             SQL: SELECT 1\n\
             params: none\n"
        );
    }

    #[test]
    fn timing_line() {
        let (mut p, out, notes) = Printer::capture(Format::Table, false, false, false);
        p.timing(Duration::from_micros(1234)).unwrap();
        assert_eq!(out.contents(), "Time: 1.234 ms\n");
        p.set_format(Format::Json);
        p.timing(Duration::from_micros(1234)).unwrap();
        assert_eq!(notes.contents(), "Time: 1.234 ms\n");
    }

    #[test]
    fn remarks_stay_out_of_json_and_csv() {
        for format in [Format::Json, Format::Csv] {
            let (mut p, out, notes) = Printer::capture(format, false, true, false);
            p.status("BEGIN").unwrap();
            p.affected(3, "updated").unwrap();
            p.begin_rows(&cols(&["id"])).unwrap();
            p.row(&[Value::Int(1)]).unwrap();
            p.end_rows(true).unwrap();
            assert!(!out.contents().contains("BEGIN"));
            assert_eq!(notes.contents(), "BEGIN\n3 rows updated\n(showing first 1 row; `set limit off` to see all)\n");
        }
    }

    #[test]
    fn format_auto_is_a_table_while_rows_fit_and_vertical_when_one_does_not() {
        let columns = cols(&["id", "name"]);
        let draw = |rows: &[&str]| {
            let (mut p, out, _) = Printer::capture(Format::Auto, false, true, false);
            p.set_width(20);
            p.begin_rows(&columns).unwrap();
            for (i, name) in rows.iter().enumerate() {
                p.row(&[Value::Int(i as i64 + 1), Value::Text(name.to_string())]).unwrap();
            }
            p.end_rows(false).unwrap();
            (out.contents(), p.written())
        };
        let (fits, written) = draw(&["Ann", "Bob"]);
        assert_eq!(fits, " id | name\n----+------\n  1 | Ann\n  2 | Bob\n(2 rows)\n");
        assert_eq!(written, 2);
        // The second row is too wide for 20 columns: the whole result is vertical.
        let (wide, written) = draw(&["Ann", "a name far too long to fit"]);
        assert!(wide.starts_with("-[ RECORD 1 ]"), "{wide}");
        assert!(wide.contains("name | a name far too long to fit"), "{wide}");
        assert_eq!(written, 2);
        // Without a terminal to fit, auto is a table.
        let (mut p, out, _) = Printer::capture(Format::Auto, false, true, false);
        p.begin_rows(&columns).unwrap();
        p.row(&[Value::Int(1), Value::Text("a name far too long to fit".into())]).unwrap();
        p.end_rows(false).unwrap();
        assert!(out.contents().contains("(1 row)"));
    }

    #[test]
    fn control_characters_cannot_reach_the_terminal() {
        assert_eq!(clean("a\tb"), "a       b");
        assert_eq!(clean("ab\tc"), "ab      c");
        assert_eq!(clean("x\r\ny"), "x\ny");
        assert_eq!(clean("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(clean("plain"), "plain");
    }

    #[test]
    fn sql_literals() {
        assert_eq!(sql_literal(&Value::Null), "NULL");
        assert_eq!(sql_literal(&Value::Bool(true)), "true");
        assert_eq!(sql_literal(&Value::Float(1.5)), "1.5");
        assert_eq!(sql_literal(&Value::Bytes(vec![0xab])), "'\\xab'");
        assert_eq!(sql_literal(&Value::Text("null".into())), "'null'");
    }
}
