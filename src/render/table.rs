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

use std::io::{self, Write};

use comfy_table::presets::NOTHING;
use comfy_table::{Attribute, Cell, CellAlignment, Table, TableComponent};

use super::{NULL_TEXT, cell_text, clean, plural};
use crate::value::Value;

/// The most rows drawn as one aligned table.
pub(super) const PAGE_ROWS: usize = 1000;

pub(super) struct TableRows {
    columns: Vec<String>,
    color: bool,
    page_rows: usize,
    /// The page's cells as they will be shown; `None` is NULL.
    page: Vec<Vec<Option<String>>>,
    /// Per column, whether every non-NULL value of the page is a number (right-aligned).
    numeric: Vec<Option<bool>>,
    count: u64,
}

impl TableRows {
    pub(super) fn new(columns: &[String], color: bool, page_rows: usize) -> TableRows {
        TableRows {
            columns: columns.to_vec(),
            color,
            page_rows,
            page: Vec::new(),
            numeric: vec![None; columns.len()],
            count: 0,
        }
    }

    pub(super) fn row(&mut self, out: &mut dyn Write, values: &[Value]) -> io::Result<()> {
        for (value, numeric) in values.iter().zip(self.numeric.iter_mut()) {
            if !value.is_null() {
                *numeric = Some(numeric.unwrap_or(true) && is_number(value));
            }
        }
        self.page.push(values.iter().map(|v| (!v.is_null()).then(|| cell_text(v))).collect());
        self.count += 1;
        if self.page.len() >= self.page_rows {
            self.draw_page(out)?;
        }
        Ok(())
    }

    /// Draws what is left and the footer; returns how many rows there were.
    pub(super) fn end(mut self, out: &mut dyn Write) -> io::Result<u64> {
        // An empty result still shows its header.
        if !self.page.is_empty() || self.count == 0 {
            self.draw_page(out)?;
        }
        writeln!(out, "({} {})", self.count, plural(self.count, "row", "rows"))?;
        Ok(self.count)
    }

    fn draw_page(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let rows = std::mem::take(&mut self.page);
        let numeric = std::mem::replace(&mut self.numeric, vec![None; self.columns.len()]);
        if self.columns.is_empty() {
            return Ok(());
        }
        if !self.color && draw_plain(out, &self.columns, &rows, &numeric)? {
            return Ok(());
        }
        let mut table = new_table(self.color);
        table.load_preset(NOTHING);
        table.set_style(TableComponent::VerticalLines, '|');
        table.set_style(TableComponent::HeaderLines, '-');
        table.set_style(TableComponent::MiddleHeaderIntersections, '+');
        for row in rows {
            table.add_row(row.into_iter().map(|text| text_cell(text, self.color)));
        }
        let header = self.header(&table);
        table.set_header(header);
        // Like psql, a column of numbers is right-aligned, its NULLs included.
        for (column, numeric) in table.column_iter_mut().zip(numeric) {
            if numeric == Some(true) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        write_lines(out, &table)
    }
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
    fn header(&self, table: &Table) -> Vec<Cell> {
        let names: Vec<String> = self.columns.iter().map(|name| clean(name)).collect();
        let data_widths = table.column_max_content_widths();
        let mut measure = Table::new();
        measure.add_row(names.iter().map(Cell::new));
        let name_widths = measure.column_max_content_widths();
        names
            .into_iter()
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
/// takes a fraction of one. Returns false (nothing written) when the page needs the general path.
fn draw_plain(
    out: &mut dyn Write,
    columns: &[String],
    rows: &[Vec<Option<String>>],
    numeric: &[Option<bool>],
) -> io::Result<bool> {
    let header: Vec<String> = columns.iter().map(|name| clean(name)).collect();
    if header.iter().chain(rows.iter().flatten().flatten()).any(|t| t.contains('\n')) {
        return Ok(false);
    }
    let cells = rows;
    let mut widths: Vec<usize> = header.iter().map(|h| text_width(h)).collect();
    for row in cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(text_width(shown(cell)));
        }
    }
    let mut line = String::new();
    let finish = |line: &mut String, out: &mut dyn Write| -> io::Result<()> {
        let end = line.trim_end().len();
        line.truncate(end);
        line.push('\n');
        out.write_all(line.as_bytes())?;
        line.clear();
        Ok(())
    };
    // psql centres a header, the odd space on the right.
    for (i, (name, width)) in header.iter().zip(&widths).enumerate() {
        let spare = width - text_width(name);
        line.push_str(if i == 0 { " " } else { " | " });
        push_spaces(&mut line, spare / 2);
        line.push_str(name);
        push_spaces(&mut line, spare - spare / 2);
    }
    finish(&mut line, out)?;
    for (i, width) in widths.iter().enumerate() {
        if i > 0 {
            line.push('+');
        }
        line.extend(std::iter::repeat_n('-', width + 2));
    }
    finish(&mut line, out)?;
    for row in cells {
        for (i, ((cell, width), numeric)) in row.iter().zip(&widths).zip(numeric).enumerate() {
            let text = shown(cell);
            line.push_str(if i == 0 { " " } else { " | " });
            let spare = width - text_width(text);
            if *numeric == Some(true) {
                push_spaces(&mut line, spare);
                line.push_str(text);
            } else {
                line.push_str(text);
                push_spaces(&mut line, spare);
            }
        }
        finish(&mut line, out)?;
    }
    Ok(true)
}

/// Columns a text takes on a terminal. Cell text has no control characters left (`clean`), so
/// ASCII text is as wide as it is long; the rest is measured.
fn text_width(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { unicode_width::UnicodeWidthStr::width(text) }
}

/// A cell's text; NULL shown as such.
fn shown(cell: &Option<String>) -> &str {
    cell.as_deref().unwrap_or(NULL_TEXT)
}

fn push_spaces(line: &mut String, n: usize) {
    line.extend(std::iter::repeat_n(' ', n));
}

fn is_number(value: &Value) -> bool {
    matches!(value, Value::Int(_) | Value::UInt(_) | Value::Float(_) | Value::Decimal(_))
}

#[cfg(test)]
mod tests {
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
