//! `table` format: psql's aligned output.
//!
//! ```text
//!  id | name | age
//! ----+------+-----
//!   1 | John |  30
//! (1 row)
//! ```
//!
//! Rows stream in, but a table's column widths depend on every row in it, so rows are buffered
//! and drawn in pages of at most [`PAGE_ROWS`]: each page is its own aligned table with the header
//! repeated, and memory stays bounded however large the result. The footer counts all rows.
//!
//! A page keeps the text its cells will show, all in one buffer: a million rows are a few
//! allocations per page, not one per cell. Pages without colour or multi-line cells (the common
//! case) are drawn here directly; the rest go through comfy-table.

use std::fmt::Write as _;
use std::io::{self, Write};

use comfy_table::presets::NOTHING;
use comfy_table::{Attribute, Cell, CellAlignment, Table, TableComponent};

use super::{NULL_TEXT, Shape, cell_text, clean, nest_label, plural, push_clean, records, write_indented};
use crate::related::Related;
use crate::value::Value;

/// The most rows drawn as one aligned table.
pub(super) const PAGE_ROWS: usize = 1000;

pub(super) struct TableRows {
    /// The column names as shown.
    header: Vec<String>,
    color: bool,
    page_rows: usize,
    page: Page,
    /// Per column, whether every non-NULL value of the page is a number (right-aligned).
    numeric: Vec<Option<bool>>,
    count: u64,
    /// What `with` shows under each row, and for each row of the page, its records.
    shapes: Vec<Shape>,
    related: Vec<Vec<Related>>,
}

/// How far the records under a row (`with`) are indented, level by level.
const INDENT: usize = 4;

/// The cells of one page, row after row, as they will be shown.
#[derive(Default)]
struct Page {
    /// Every cell's text, one after the other.
    text: String,
    cells: Vec<Shown>,
    rows: usize,
    /// Some cell (or the header) spans several lines: the page needs the general drawing.
    multi_line: bool,
    /// A value's text before it is cleaned, kept from cell to cell.
    scratch: String,
}

/// Where one cell's text ends in [`Page::text`], and how wide it is on screen.
#[derive(Clone, Copy)]
struct Shown {
    end: usize,
    width: usize,
    null: bool,
}

impl Page {
    fn push(&mut self, value: &Value) {
        let start = self.text.len();
        let null = value.is_null();
        match value {
            Value::Null => {}
            Value::Int(i) => self.text.push_str(itoa::Buffer::new().format(*i)),
            Value::Text(s) => push_clean(&mut self.text, s),
            other => {
                self.scratch.clear();
                let _ = write!(self.scratch, "{other}");
                push_clean(&mut self.text, &self.scratch);
            }
        }
        let shown = if null { NULL_TEXT } else { &self.text[start..] };
        // A cell of several lines is as wide as its widest line.
        let width = if shown.contains('\n') {
            self.multi_line = true;
            shown.split('\n').map(text_width).max().unwrap_or(0)
        } else {
            text_width(shown)
        };
        self.cells.push(Shown { end: self.text.len(), width, null });
    }

    /// Every cell's text, row after row, and whether it is NULL (shown as such).
    fn texts(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut start = 0;
        self.cells.iter().map(move |cell| {
            let text = if cell.null { NULL_TEXT } else { &self.text[start..cell.end] };
            start = cell.end;
            (text, cell.null)
        })
    }

    fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.rows = 0;
        self.multi_line = false;
    }
}

impl TableRows {
    pub(super) fn new(columns: &[String], color: bool, page_rows: usize) -> TableRows {
        TableRows {
            header: columns.iter().map(|name| clean(name)).collect(),
            color,
            page_rows,
            page: Page::default(),
            numeric: vec![None; columns.len()],
            count: 0,
            shapes: Vec::new(),
            related: Vec::new(),
        }
    }

    /// The same table, with the records `shapes` say under each row (`with`).
    pub(super) fn nesting(mut self, shapes: Vec<Shape>) -> TableRows {
        self.shapes = shapes;
        self
    }

    /// A row and its related records, drawn under it.
    pub(super) fn row_with(&mut self, out: &mut dyn Write, values: &[Value], related: Vec<Related>) -> io::Result<()> {
        if !self.shapes.is_empty() {
            self.related.push(related);
        }
        self.row(out, values)
    }

    pub(super) fn row(&mut self, out: &mut dyn Write, values: &[Value]) -> io::Result<()> {
        for (value, numeric) in values.iter().zip(self.numeric.iter_mut()) {
            if !value.is_null() {
                *numeric = Some(numeric.unwrap_or(true) && is_number(value));
            }
            self.page.push(value);
        }
        self.page.rows += 1;
        self.count += 1;
        if self.page.rows >= self.page_rows {
            self.draw_page(out)?;
        }
        Ok(())
    }

    /// Draws what is left and the footer; returns how many rows there were.
    pub(super) fn end(mut self, out: &mut dyn Write) -> io::Result<u64> {
        // An empty result still shows its header.
        if self.page.rows > 0 || self.count == 0 {
            self.draw_page(out)?;
        }
        writeln!(out, "({} {})", self.count, plural(self.count, "row", "rows"))?;
        Ok(self.count)
    }

    fn draw_page(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let numeric = std::mem::replace(&mut self.numeric, vec![None; self.header.len()]);
        let drawn = if self.shapes.is_empty() { self.draw(out, &numeric) } else { self.draw_nesting(out, &numeric) };
        self.page.clear();
        self.related.clear();
        drawn
    }

    /// The page drawn as ever, with each row's related records written under its lines.
    fn draw_nesting(&self, out: &mut dyn Write, numeric: &[Option<bool>]) -> io::Result<()> {
        let mut table = Vec::new();
        self.draw(&mut table, numeric)?;
        let mut lines = table.split_inclusive(|b| *b == b'\n');
        // The header's lines and the rule under it, then each row's lines: one per line of
        // its tallest cell (nothing wraps).
        let height = |texts: &mut dyn Iterator<Item = &str>| texts.map(|t| t.split('\n').count()).max().unwrap_or(1);
        let header = height(&mut self.header.iter().map(String::as_str)) + 1;
        for line in lines.by_ref().take(header) {
            out.write_all(line)?;
        }
        let mut cells = self.page.texts();
        for related in &self.related {
            let rows = height(&mut cells.by_ref().take(self.header.len()).map(|(text, _)| text));
            for line in lines.by_ref().take(rows) {
                out.write_all(line)?;
            }
            write_nested(out, &self.shapes, related, self.color, INDENT)?;
        }
        for line in lines {
            out.write_all(line)?;
        }
        Ok(())
    }

    fn draw(&self, out: &mut dyn Write, numeric: &[Option<bool>]) -> io::Result<()> {
        if self.header.is_empty() {
            return Ok(());
        }
        if !self.color && !self.header.iter().any(|h| h.contains('\n')) {
            return draw_plain(out, &self.header, &self.page, numeric);
        }
        self.draw_general(out, numeric)
    }

    /// Any page, through comfy-table: colour, and cells of several lines.
    fn draw_general(&self, out: &mut dyn Write, numeric: &[Option<bool>]) -> io::Result<()> {
        let mut table = new_table(self.color);
        table.load_preset(NOTHING);
        table.set_style(TableComponent::VerticalLines, '|');
        table.set_style(TableComponent::HeaderLines, '-');
        table.set_style(TableComponent::MiddleHeaderIntersections, '+');
        let mut cells = self.page.texts();
        for _ in 0..self.page.rows {
            let row: Vec<Cell> = cells
                .by_ref()
                .take(self.header.len())
                .map(|(text, null)| text_cell((!null).then(|| text.to_owned()), self.color))
                .collect();
            table.add_row(row);
        }
        let header = self.header_cells(&table);
        table.set_header(header);
        // Like psql, a column of numbers is right-aligned, its NULLs included.
        for (column, numeric) in table.column_iter_mut().zip(numeric) {
            if *numeric == Some(true) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        write_lines(out, &table)
    }
}

/// The records under a row or record (`with`), `pad` spaces in: each load labelled (`orders (2
/// rows):`), then its records as a table of their own, each of their rows followed by what is
/// nested in it, further in.
///
/// ```text
///   1 | Ann
///     orders (1 row):
///      id | total
///     ----+-------
///      10 |  12.5
///         order_items (0 rows)
///     address: <null>
/// ```
pub(super) fn write_nested(
    out: &mut dyn Write,
    shapes: &[Shape],
    related: &[Related],
    color: bool,
    pad: usize,
) -> io::Result<()> {
    for (shape, related) in shapes.iter().zip(related) {
        let (label, any) = nest_label(shape, related);
        write_indented(out, format!("{label}\n").as_bytes(), pad)?;
        if !any {
            continue;
        }
        let mut table = TableRows::new(&shape.columns, color, usize::MAX).nesting(shape.nested.clone());
        let mut drawn = Vec::new();
        for record in records(related) {
            table.row_with(&mut drawn, &record.values, record.related.clone())?;
        }
        table.draw_page(&mut drawn)?;
        write_indented(out, &drawn, pad)?;
    }
    Ok(())
}

/// A table that never asks the terminal anything: its width (no wrapping, like psql) and whether
/// to colour are decided here.
pub(super) fn new_table(color: bool) -> Table {
    let mut table = Table::new();
    table.force_no_tty();
    if color {
        table.enforce_styling();
        // Leaves padding outside the escape codes, so that trailing spaces can be trimmed.
        table.style_text_only();
    }
    table
}

pub(super) fn value_cell(value: &Value, color: bool) -> Cell {
    text_cell((!value.is_null()).then(|| cell_text(value)), color)
}

/// A cell for a shown value; `None` is NULL.
fn text_cell(text: Option<String>, color: bool) -> Cell {
    match text {
        None if color => Cell::new(NULL_TEXT).add_attribute(Attribute::Dim),
        None => Cell::new(NULL_TEXT),
        Some(text) => Cell::new_owned(text),
    }
}

/// Writes the table's lines without the padding a borderless last column leaves behind.
pub(super) fn write_lines(out: &mut dyn Write, table: &Table) -> io::Result<()> {
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

impl TableRows {
    /// Header cells centred the way psql does it, odd space on the right (comfy-table's own
    /// centring puts it on the left). `table` holds the page's rows.
    fn header_cells(&self, table: &Table) -> Vec<Cell> {
        let data_widths = table.column_max_content_widths();
        let mut measure = Table::new();
        measure.add_row(self.header.iter().map(Cell::new));
        let name_widths = measure.column_max_content_widths();
        self.header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let own = usize::from(name_widths.get(i).copied().unwrap_or(0));
                let width = usize::from(data_widths.get(i).copied().unwrap_or(0)).max(own);
                let cell = if name.contains('\n') {
                    Cell::new(name).set_alignment(CellAlignment::Center)
                } else {
                    Cell::new(format!("{}{name}", " ".repeat((width - own) / 2))).set_alignment(CellAlignment::Left)
                };
                if self.color { cell.add_attribute(Attribute::Bold) } else { cell }
            })
            .collect()
    }
}

/// The same table as the comfy-table path draws, written directly, for the common page: no
/// colour and every cell on one line. A million rows through comfy-table take seconds; this
/// takes a fraction of one.
fn draw_plain(out: &mut dyn Write, header: &[String], page: &Page, numeric: &[Option<bool>]) -> io::Result<()> {
    let columns = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| text_width(h)).collect();
    for row in page.cells.chunks(columns) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.width);
        }
    }
    let mut line = Vec::new();
    let finish = |line: &mut Vec<u8>, out: &mut dyn Write| -> io::Result<()> {
        // A cell's own trailing spaces go too, as in the general path (a no-break space too).
        let mut end = line.trim_ascii_end().len();
        if line[..end].last().is_some_and(|b| !b.is_ascii())
            && let Ok(text) = std::str::from_utf8(&line[..end])
        {
            end = text.trim_end().len();
        }
        line.truncate(end);
        line.push(b'\n');
        out.write_all(line)?;
        line.clear();
        Ok(())
    };
    // psql centres a header, the odd space on the right.
    for (i, (name, width)) in header.iter().zip(&widths).enumerate() {
        let spare = width - text_width(name);
        line.extend_from_slice(if i == 0 { b" " } else { b" | " });
        push_spaces(&mut line, spare / 2);
        line.extend_from_slice(name.as_bytes());
        push_spaces(&mut line, spare - spare / 2);
    }
    finish(&mut line, out)?;
    for (i, width) in widths.iter().enumerate() {
        if i > 0 {
            line.push(b'+');
        }
        line.resize(line.len() + width + 2, b'-');
    }
    finish(&mut line, out)?;
    let text = page.text.as_str();
    let mut start = 0;
    let mut rest: Vec<Option<&str>> = Vec::new();
    for row in page.cells.chunks(columns) {
        rest.clear();
        for (i, ((cell, width), numeric)) in row.iter().zip(&widths).zip(numeric).enumerate() {
            let shown = if cell.null { NULL_TEXT } else { &text[start..cell.end] };
            start = cell.end;
            line.extend_from_slice(if i == 0 { b" " } else { b" | " });
            // A cell of several lines shows its first here, the others on lines of their own.
            let (first, more) = if page.multi_line { split_first_line(shown) } else { (shown, None) };
            rest.push(more);
            let spare = width - if more.is_some() { text_width(first) } else { cell.width };
            if *numeric == Some(true) {
                push_spaces(&mut line, spare);
                line.extend_from_slice(first.as_bytes());
            } else {
                line.extend_from_slice(first.as_bytes());
                push_spaces(&mut line, spare);
            }
        }
        finish(&mut line, out)?;
        // The further lines of a row: each cell's next line, or nothing, padded as above.
        while rest.iter().any(Option::is_some) {
            for (i, (more, width)) in rest.iter_mut().zip(&widths).enumerate() {
                let (shown, after) = more.map_or(("", None), split_first_line);
                *more = after;
                line.extend_from_slice(if i == 0 { b" " } else { b" | " });
                line.extend_from_slice(shown.as_bytes());
                push_spaces(&mut line, width - text_width(shown));
            }
            finish(&mut line, out)?;
        }
    }
    Ok(())
}

/// A text's first line, and the rest after its newline if it has one.
fn split_first_line(text: &str) -> (&str, Option<&str>) {
    match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    }
}

/// Columns a text takes on a terminal. Cell text has no control characters left (`clean`), so
/// ASCII text is as wide as it is long; the rest is measured.
pub(super) fn text_width(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { unicode_width::UnicodeWidthStr::width(text) }
}

fn push_spaces(line: &mut Vec<u8>, n: usize) {
    line.resize(line.len() + n, b' ');
}

fn is_number(value: &Value) -> bool {
    matches!(value, Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Decimal(_))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{TableRows, draw_plain};
    use crate::ast::Format;
    use crate::render::Printer;
    use crate::value::Value;

    fn render(columns: &[&str], rows: &[Vec<Value>], color: bool) -> String {
        let (mut p, out, _) = Printer::capture(Format::Table, color, false, false);
        let columns: Vec<String> = columns.iter().map(|c| c.to_string()).collect();
        p.begin_rows(&columns).unwrap();
        for row in rows {
            p.row(row).unwrap();
        }
        p.end_rows(false).unwrap();
        out.contents()
    }

    fn text(s: &str) -> Value {
        Value::Text(s.to_string())
    }

    #[test]
    fn psql_like_table() {
        let rows = vec![
            vec![Value::Int(1), text("John"), Value::Int(30)],
            vec![Value::Int(2), text("Jane"), Value::Null],
            vec![Value::Int(10), text("null"), Value::Int(7)],
        ];
        assert_eq!(
            render(&["id", "name", "age"], &rows, false),
            " id | name |  age
----+------+--------
  1 | John |     30
  2 | Jane | <null>
 10 | null |      7
(3 rows)
"
        );
    }

    #[test]
    fn one_row_and_no_rows() {
        let rows = vec![vec![Value::Int(1), text("John")]];
        assert_eq!(render(&["id", "name"], &rows, false), " id | name\n----+------\n  1 | John\n(1 row)\n");
        assert_eq!(render(&["id", "name"], &[], false), " id | name\n----+------\n(0 rows)\n");
    }

    #[test]
    fn no_columns_at_all() {
        assert_eq!(render(&[], &[], false), "(0 rows)\n");
    }

    #[test]
    fn unicode_width() {
        let rows = vec![vec![text("Zoë"), text("日本")], vec![text("Bo"), text("x")]];
        assert_eq!(
            render(&["name", "city"], &rows, false),
            " name | city
------+------
 Zoë  | 日本
 Bo   | x
(2 rows)
"
        );
    }

    #[test]
    fn multi_line_text_keeps_the_layout() {
        let rows = vec![
            vec![Value::Int(1), text("first line\nsecond"), text("x")],
            vec![Value::Int(2), text("tab\there"), text("y")],
        ];
        assert_eq!(
            render(&["id", "note", "z"], &rows, false),
            " id |     note     | z
----+--------------+---
  1 | first line   | x
    | second       |
  2 | tab     here | y
(2 rows)
"
        );
    }

    #[test]
    fn types_as_text() {
        let rows = vec![vec![
            Value::Bool(true),
            Value::Bytes(vec![0xde, 0xad]),
            Value::Float(1.5),
            Value::Json(serde_json::json!({"a": [1, null]})),
        ]];
        assert_eq!(
            render(&["b", "raw", "f", "j"], &rows, false),
            "  b   |  raw   |  f  |       j
------+--------+-----+----------------
 true | \\xdead | 1.5 | {\"a\":[1,null]}
(1 row)
"
        );
    }

    #[test]
    fn pages_repeat_the_header_and_the_footer_counts_all() {
        let (mut p, out, _) = Printer::capture(Format::Table, false, false, false);
        p.set_page_rows(2);
        p.begin_rows(&["n".to_string()]).unwrap();
        for n in [1, 2, 3, 100, 5] {
            p.row(&[Value::Int(n)]).unwrap();
        }
        p.end_rows(false).unwrap();
        assert_eq!(
            out.contents(),
            " n
---
 1
 2
  n
-----
   3
 100
 n
---
 5
(5 rows)
"
        );
    }

    #[test]
    fn a_full_last_page_is_not_drawn_twice() {
        let (mut p, out, _) = Printer::capture(Format::Table, false, false, false);
        p.set_page_rows(2);
        p.begin_rows(&["n".to_string()]).unwrap();
        p.row(&[Value::Int(1)]).unwrap();
        p.row(&[Value::Int(2)]).unwrap();
        p.end_rows(true).unwrap();
        assert_eq!(out.contents(), " n\n---\n 1\n 2\n(2 rows)\n(showing first 2 rows; `set limit off` to see all)\n");
    }

    /// Draws `rows` both ways: directly, and through comfy-table.
    fn both_ways(columns: &[String], rows: &[Vec<Value>]) -> (String, String) {
        let mut table = TableRows::new(columns, false, rows.len().max(1) + 1);
        let mut sink = Vec::new();
        for row in rows {
            table.row(&mut sink, row).unwrap();
        }
        let numeric = table.numeric.clone();
        let (mut plain, mut general) = (Vec::new(), Vec::new());
        draw_plain(&mut plain, &table.header, &table.page, &numeric).unwrap();
        table.draw_general(&mut general, &numeric).unwrap();
        (String::from_utf8(plain).unwrap(), String::from_utf8(general).unwrap())
    }

    #[test]
    fn trailing_spaces_of_the_last_column_go() {
        // A no-break space and an ideographic space (two columns wide) are spaces too.
        let rows = vec![vec![text("x"), text("y \u{a0}")], vec![text("long value"), text("\u{3000}")]];
        assert_eq!(
            render(&["a", "b"], &rows, false),
            "     a      |  b\n------------+-----\n x          | y\n long value |\n(2 rows)\n"
        );
    }

    fn any_cell() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            any::<f64>().prop_map(Value::Float),
            "[a-z0-9 é日\u{1b}\u{85}\t\n]{0,12}".prop_map(Value::Text),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        /// The direct drawing is the general one, faster: the same text for any page, cells of
        /// several lines too.
        #[test]
        fn direct_drawing_matches_comfy_table(
            columns in prop::collection::vec("[a-zA-Zé日 _]{1,6}", 1..4),
            rows in prop::collection::vec(prop::collection::vec(any_cell(), 3), 0..6),
        ) {
            let rows: Vec<Vec<Value>> = rows.into_iter().map(|r| r[..columns.len()].to_vec()).collect();
            let (plain, general) = both_ways(&columns, &rows);
            prop_assert_eq!(plain, general);
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let rows = vec![vec![Value::Int(1), Value::Null]];
        let plain = render(&["id", "name"], &rows, false);
        assert!(!plain.contains('\u{1b}'));
        let coloured = render(&["id", "name"], &rows, true);
        assert!(coloured.contains("\u{1b}[1mid"), "{coloured:?}");
        assert!(coloured.contains("\u{1b}[2m<null>"), "{coloured:?}");
    }
}
