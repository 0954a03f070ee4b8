//! `vertical` format: psql's expanded display (`\x`), one block per row.
//!
//! ```text
//! -[ RECORD 1 ]-
//! id   | 1
//! name | John
//! ```
//!
//! A single record (`add`, `get`) in table or vertical format is drawn the same way, without the
//! banner.

use std::io::{self, Write};

use comfy_table::presets::NOTHING;
use comfy_table::{Attribute, Cell, TableComponent};

use super::table::{new_table, text_width, value_cell, write_lines};
use super::{NULL_TEXT, Shape, cell_text, clean, nest_label, records, write_indented};
use crate::related::Related;
use crate::value::Value;

/// How far the records under a row (`with`) are indented, level by level.
const INDENT: usize = 4;

pub(super) struct VerticalRows {
    names: Names,
    color: bool,
    count: u64,
    /// What `with` shows under each row.
    shapes: Vec<Shape>,
}

impl VerticalRows {
    pub(super) fn new(columns: &[String], color: bool, shapes: Vec<Shape>) -> VerticalRows {
        VerticalRows { names: Names::of(columns), color, count: 0, shapes }
    }

    pub(super) fn row(&mut self, out: &mut dyn Write, values: &[Value], related: &[Related]) -> io::Result<()> {
        self.count += 1;
        draw(out, &self.names, values, self.color, Some(&format!("RECORD {}", self.count)))?;
        write_nested(out, &self.shapes, related, self.color, 0)
    }

    /// Returns how many rows there were. Like psql, only an empty result gets a footer.
    pub(super) fn end(self, out: &mut dyn Write) -> io::Result<u64> {
        if self.count == 0 {
            writeln!(out, "(0 rows)")?;
        }
        Ok(self.count)
    }
}

/// One record without a banner: `id   | 1` / `name | John`.
pub(super) fn write_record(out: &mut dyn Write, columns: &[String], values: &[Value], color: bool) -> io::Result<()> {
    draw(out, &Names::of(columns), values, color, None)
}

/// The records under a row or record (`with`), `pad` spaces in: each load labelled
/// (`orders (2 rows):`), then its records as blocks, `-[ orders 1 ]` over each of a list, one
/// more level in, with what is nested in them further in still.
///
/// ```text
/// orders (1 row):
///     -[ orders 1 ]-
///     id    | 10
///     total | 12.5
///     order_items (0 rows)
/// address: <null>
/// ```
pub(super) fn write_nested(
    out: &mut dyn Write,
    shapes: &[Shape],
    related: &[Related],
    color: bool,
    pad: usize,
) -> io::Result<()> {
    for (shape, related) in shapes.iter().zip(related) {
        let (label, _) = nest_label(shape, related);
        write_indented(out, format!("{label}\n").as_bytes(), pad)?;
        for (i, record) in records(related).iter().enumerate() {
            let banner = shape.many.then(|| format!("{} {}", clean(&shape.name), i + 1));
            let mut block = Vec::new();
            draw(&mut block, &Names::of(&shape.columns), &record.values, color, banner.as_deref())?;
            write_indented(out, &block, pad + INDENT)?;
            write_nested(out, &shape.nested, &record.related, color, pad + INDENT)?;
        }
    }
    Ok(())
}

/// A record's block; `title` is its banner's (`RECORD 3`), if it has one. Written directly, in
/// time linear in what is shown: a value of many megabytes, or millions of small records, would
/// take comfy-table far longer (it measures and pads every line of every cell more than once).
/// A column name of several lines is rare enough to go through comfy-table still.
/// The column names of a block as shown, measured once for all its records.
struct Names {
    names: Vec<String>,
    widths: Vec<usize>,
    width: usize,
    multi_line: bool,
}

impl Names {
    fn of(columns: &[String]) -> Names {
        let names: Vec<String> = columns.iter().map(|name| clean(name)).collect();
        let widths: Vec<usize> = names.iter().map(|name| text_width(name)).collect();
        let multi_line = names.iter().any(|name| name.contains('\n'));
        Names { width: widths.iter().copied().max().unwrap_or(0), names, widths, multi_line }
    }
}

fn draw(out: &mut dyn Write, names: &Names, values: &[Value], color: bool, title: Option<&str>) -> io::Result<()> {
    if names.multi_line {
        return draw_general(out, &names.names, values, color, title);
    }
    let texts: Vec<Option<String>> = values.iter().map(|v| (!v.is_null()).then(|| cell_text(v))).collect();
    let name_width = names.width;
    if let Some(title) = title {
        let value_width = texts
            .iter()
            .map(|text| text.as_deref().map_or(NULL_TEXT.len(), |t| t.split('\n').map(text_width).max().unwrap_or(0)))
            .max()
            .unwrap_or(0);
        writeln!(out, "{}", banner(title, name_width, value_width))?;
    }
    let mut line = String::new();
    for ((name, width), text) in names.names.iter().zip(&names.widths).zip(&texts) {
        let pad = name_width - width;
        line.clear();
        if color {
            line.push_str("\u{1b}[1m");
            line.push_str(name);
            line.push_str("\u{1b}[0m");
        } else {
            line.push_str(name);
        }
        line.extend(std::iter::repeat_n(' ', pad));
        line.push_str(" | ");
        match text {
            None if color => line.push_str("\u{1b}[2m<null>\u{1b}[0m"),
            None => line.push_str(NULL_TEXT),
            Some(text) => {
                let mut lines = text.split('\n');
                line.push_str(lines.next().unwrap_or(""));
                for more in lines {
                    write_trimmed(out, &line)?;
                    line.clear();
                    line.extend(std::iter::repeat_n(' ', name_width));
                    line.push_str(" | ");
                    line.push_str(more);
                }
            }
        }
        write_trimmed(out, &line)?;
    }
    Ok(())
}

/// A line without its trailing spaces (a value's own too, as comfy-table leaves them).
fn write_trimmed(out: &mut dyn Write, line: &str) -> io::Result<()> {
    out.write_all(line.trim_end().as_bytes())?;
    out.write_all(b"\n")
}

/// The block through comfy-table, for names of several lines.
fn draw_general(
    out: &mut dyn Write,
    names: &[String],
    values: &[Value],
    color: bool,
    title: Option<&str>,
) -> io::Result<()> {
    let mut table = new_table(color);
    table.load_preset(NOTHING);
    table.set_style(TableComponent::VerticalLines, '|');
    for (name, value) in names.iter().zip(values) {
        let name = Cell::new(name);
        let name = if color { name.add_attribute(Attribute::Bold) } else { name };
        table.add_row(vec![name, value_cell(value, color)]);
    }
    if let Some(title) = title {
        let widths = table.column_max_content_widths();
        let names = widths.first().copied().unwrap_or(0).into();
        let values = widths.get(1).copied().unwrap_or(0).into();
        writeln!(out, "{}", banner(title, names, values))?;
    }
    // No padding at the outer edges: `name | value`, flush left.
    let mut columns = table.column_iter_mut();
    if let Some(names) = columns.next() {
        names.set_padding((0, 1));
    }
    if let Some(values) = columns.next() {
        values.set_padding((1, 0));
    }
    write_lines(out, &table)
}

/// psql's banner: a rule as wide as the block, `+` over the `|`, with `-[ RECORD 3 ]` written
/// over its start.
fn banner(title: &str, names: usize, values: usize) -> String {
    let rule = format!("{}+{}", "-".repeat(names + 1), "-".repeat(values + 1));
    let banner = format!("-[ {title} ]");
    match rule.get(banner.len()..) {
        Some(rest) => banner + rest,
        None => banner,
    }
}

#[cfg(test)]
mod tests {
    use crate::ast::Format;
    use crate::render::Printer;
    use crate::value::Value;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|c| c.to_string()).collect()
    }

    fn render(columns: &[&str], rows: &[Vec<Value>]) -> String {
        let (mut p, out, _) = Printer::capture(Format::Vertical, false, false, false);
        p.begin_rows(&cols(columns)).unwrap();
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
    fn one_block_per_row() {
        let rows =
            vec![vec![Value::Int(1), text("John"), Value::Null], vec![Value::Int(2), text("null"), Value::Int(30)]];
        assert_eq!(
            render(&["id", "name", "age"], &rows),
            "-[ RECORD 1 ]
id   | 1
name | John
age  | <null>
-[ RECORD 2 ]
id   | 2
name | null
age  | 30
"
        );
    }

    #[test]
    fn wide_names_put_a_plus_over_the_divider() {
        let rows = vec![vec![text("a"), text("bc")]];
        assert_eq!(
            render(&["id", "a_rather_long_column"], &rows),
            "-[ RECORD 1 ]--------+---
id                   | a
a_rather_long_column | bc
"
        );
    }

    #[test]
    fn empty_result() {
        assert_eq!(render(&["id"], &[]), "(0 rows)\n");
    }

    #[test]
    fn unicode_and_multi_line_values() {
        let rows = vec![vec![text("Zoë"), text("日本\nTokyo")]];
        assert_eq!(
            render(&["name", "city"], &rows),
            "-[ RECORD 1 ]
name | Zoë
city | 日本
     | Tokyo
"
        );
    }

    #[test]
    fn record_in_table_and_vertical_format() {
        for format in [Format::Table, Format::Vertical] {
            let (mut p, out, _) = Printer::capture(format, false, true, false);
            p.record(&cols(&["id", "name", "email"]), &[Value::Int(1), text("John"), Value::Null], true).unwrap();
            assert_eq!(out.contents(), "id    | 1\nname  | John\nemail | <null>\n");
        }
    }

    #[test]
    fn multi_line_empty_and_trailing_spaces_as_comfy_table_drew_them() {
        let rows = vec![vec![Value::Int(1), text("x\ny yy  \n"), Value::Null, text("")]];
        assert_eq!(
            render(&["id", "a", "bb", "c"], &rows),
            "-[ RECORD 1 ]\nid | 1\na  | x\n   | y yy\n   |\nbb | <null>\nc  |\n"
        );
        let names = render(&["two\nlines", "b"], &[vec![text("v"), text("w")]]);
        assert!(names.contains("two   | v"), "{names}");
    }

    fn any_cell() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            "[a-z0-9 é日\u{1b}\u{85}\t\n]{0,12}".prop_map(Value::Text),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config { cases: 300, failure_persistence: None, ..Default::default() })]

        /// The direct drawing is comfy-table's, in colour or not, with a banner or without.
        #[test]
        fn direct_drawing_matches_comfy_table(
            columns in proptest::collection::vec("[a-zA-Zé日 _]{1,6}", 1..4),
            values in proptest::collection::vec(any_cell(), 3),
            color: bool,
            banner: bool,
        ) {
            let values = &values[..columns.len()];
            let names: Vec<String> = columns.iter().map(|c| super::clean(c)).collect();
            let title = banner.then_some("RECORD 1");
            let (mut direct, mut general) = (Vec::new(), Vec::new());
            super::draw(&mut direct, &super::Names::of(&columns), values, color, title).unwrap();
            super::draw_general(&mut general, &names, values, color, title).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(direct).unwrap(), String::from_utf8(general).unwrap());
        }
    }

    #[test]
    fn colour_only_when_asked() {
        let (mut p, out, _) = Printer::capture(Format::Vertical, true, false, false);
        p.record(&cols(&["id"]), &[Value::Null], false).unwrap();
        let coloured = out.contents();
        assert!(coloured.contains("\u{1b}[1mid"), "{coloured:?}");
        assert!(coloured.contains("\u{1b}[2m<null>"), "{coloured:?}");
    }
}
