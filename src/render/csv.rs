//! `csv` format: a header line, then one line per row, streamed.
//!
//! NULL and the empty string stay distinct, as in PostgreSQL's `COPY … CSV`: NULL is an empty
//! unquoted field, the empty string is `""`. Fields are quoted by `csv_core` where CSV needs it;
//! the line is assembled here because no writer of the csv crates asks for `""` on its own.
//! Bytes are `\x…` hex.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Shape;
use super::json::{Nest, related_text};
use crate::related::Related;
use crate::value::Value;

/// Related records (`with`) are one field per load holding their JSON, the same JSON that
/// `--format json` nests: a CSV line stays one row (the parent's), nothing is lost, and no
/// cross product of several loads is made up. A reference to nothing is NULL (an empty field).
pub(super) struct CsvRows {
    count: u64,
    line: Line,
    nests: Vec<Nest>,
    /// The header line, until it is written: with the first row, or at the end for an empty
    /// result, so that a query that fails before its first row prints nothing at all.
    header: Option<Vec<String>>,
}

impl CsvRows {
    /// A result set whose header is the columns, then one name per load.
    pub(super) fn begin(columns: &[String], shapes: &[Shape]) -> CsvRows {
        let header = columns.iter().cloned().chain(shapes.iter().map(|s| s.name.clone())).collect();
        CsvRows { count: 0, line: Line::default(), nests: Nest::of(shapes), header: Some(header) }
    }

    fn write_header(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.header.take() {
            Some(header) => self.line.write(out, header.iter().map(|c| Some(c.as_str()))),
            None => Ok(()),
        }
    }

    pub(super) fn row(&mut self, out: &mut dyn Write, values: &[Value], related: &[Related]) -> io::Result<()> {
        self.write_header(out)?;
        self.count += 1;
        if related.is_empty() {
            return self.line.values(out, values);
        }
        let values = with_related(values, &self.nests, related)?;
        self.line.values(out, &values)
    }

    /// Writes the header if no row did; how many rows there were.
    pub(super) fn end(mut self, out: &mut dyn Write) -> io::Result<u64> {
        self.write_header(out)?;
        Ok(self.count)
    }
}

/// Header and one row.
pub(super) fn write_record(out: &mut dyn Write, columns: &[String], values: &[Value]) -> io::Result<()> {
    let mut line = Line::default();
    line.write(out, columns.iter().map(|c| Some(c.as_str())))?;
    line.values(out, values)
}

/// Header and one row, with a field per load (`with`).
pub(super) fn write_record_with(
    out: &mut dyn Write,
    columns: &[String],
    values: &[Value],
    shapes: &[Shape],
    related: &[Related],
) -> io::Result<()> {
    let mut line = Line::default();
    let names = shapes.iter().map(|s| Some(s.name.as_str()));
    line.write(out, columns.iter().map(|c| Some(c.as_str())).chain(names))?;
    line.values(out, &with_related(values, &Nest::of(shapes), related)?)
}

/// The row's values, then each load's records as a JSON text.
fn with_related(values: &[Value], nests: &[Nest], related: &[Related]) -> io::Result<Vec<Value>> {
    let mut all = values.to_vec();
    for (nest, related) in nests.iter().zip(related) {
        all.push(match related {
            Related::One(None) => Value::Null,
            related => Value::Text(related_text(nest, related)?),
        });
    }
    Ok(all)
}

/// `sql,params` and one row; the parameters as a JSON array, which keeps their types.
pub(super) fn write_explain(out: &mut dyn Write, sql: &str, params: &[Value]) -> io::Result<()> {
    let params = serde_json::Value::Array(params.iter().map(Value::to_json).collect());
    let mut line = Line::default();
    line.write(out, [Some("sql"), Some("params")].into_iter())?;
    line.write(out, [Some(sql), Some(params.to_string().as_str())].into_iter())
}

/// The buffers one line is built in, kept from line to line so that a million rows do not
/// allocate a million times.
struct Line {
    bytes: Vec<u8>,
    text: String,
    /// Says which fields need quotes (the same rule `push_field` quotes by).
    quoting: csv_core::Writer,
}

impl Default for Line {
    fn default() -> Line {
        Line { bytes: Vec::new(), text: String::new(), quoting: field_writer() }
    }
}

impl Line {
    fn values(&mut self, out: &mut dyn Write, values: &[Value]) -> io::Result<()> {
        self.bytes.clear();
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.bytes.push(b',');
            }
            match value {
                Value::Null => {}
                // A whole number never needs quotes.
                Value::Int(i) => self.bytes.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
                Value::Text(s) => push_value(&mut self.bytes, &self.quoting, s),
                other => {
                    self.text.clear();
                    let _ = write!(self.text, "{other}");
                    push_value(&mut self.bytes, &self.quoting, &self.text);
                }
            }
        }
        self.bytes.push(b'\n');
        out.write_all(&self.bytes)
    }

    /// One CSV line; `None` is NULL. (A row whose only field is NULL is an empty line, as in
    /// PostgreSQL; readers that skip blank lines, the csv crate's among them, will miss it.)
    fn write<'a>(&mut self, out: &mut dyn Write, fields: impl Iterator<Item = Option<&'a str>>) -> io::Result<()> {
        self.bytes.clear();
        for (i, field) in fields.enumerate() {
            if i > 0 {
                self.bytes.push(b',');
            }
            if let Some(field) = field {
                push_field(&mut self.bytes, field);
            }
        }
        self.bytes.push(b'\n');
        out.write_all(&self.bytes)
    }
}

/// One non-NULL value's field: as it is when it needs no quotes (nearly every field), else
/// through [`push_field`].
fn push_value(line: &mut Vec<u8>, quoting: &csv_core::Writer, field: &str) {
    if field.is_empty() || quoting.should_quote(field.as_bytes()) {
        push_field(line, field);
    } else {
        line.extend_from_slice(field.as_bytes());
    }
}

/// csv_core's writer of one field, quoting it where CSV needs it.
fn field_writer() -> csv_core::Writer {
    csv_core::WriterBuilder::new().quote_style(csv_core::QuoteStyle::Necessary).build()
}

/// Appends one non-NULL field, quoted by `csv_core` when it holds a delimiter, a quote or a line
/// break, and as `""` when empty.
fn push_field(line: &mut Vec<u8>, field: &str) {
    if field.is_empty() {
        line.extend_from_slice(b"\"\"");
        return;
    }
    let mut writer = field_writer();
    let mut input = field.as_bytes();
    loop {
        let start = line.len();
        // Quoting at most doubles the field, plus its two quotes.
        line.resize(start + input.len() * 2 + 2, 0);
        let (result, read, written) = writer.field(input, &mut line[start..]);
        line.truncate(start + written);
        input = &input[read..];
        if result == csv_core::WriteResult::InputEmpty {
            break;
        }
    }
    let start = line.len();
    line.resize(start + 2, 0);
    let (_, written) = writer.finish(&mut line[start..]);
    line.truncate(start + written);
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
        let (mut p, out, _) = Printer::capture(Format::Csv, true, false, false);
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
    fn header_then_rows() {
        let rows = vec![
            vec![Value::Int(1), text("John"), Value::Int(30)],
            vec![Value::Int(2), text("Smith, Jane"), Value::Float(1.5)],
        ];
        assert_eq!(render(&["id", "name", "age"], &rows), "id,name,age\n1,John,30\n2,\"Smith, Jane\",1.5\n");
    }

    #[test]
    fn null_and_empty_string_stay_distinct() {
        let rows = vec![vec![Value::Null, text(""), text("null")], vec![text(""), Value::Null, Value::Null]];
        assert_eq!(render(&["a", "b", "c"], &rows), "a,b,c\n,\"\",null\n\"\",,\n");
    }

    #[test]
    fn empty_result_is_the_header() {
        assert_eq!(render(&["id", "name"], &[]), "id,name\n");
    }

    #[test]
    fn bytes_are_hex_and_quotes_are_doubled() {
        let rows = vec![vec![Value::Bytes(vec![0, 0xff]), text("say \"hi\"\nbye")]];
        assert_eq!(render(&["raw", "t"], &rows), "raw,t\n\\x00ff,\"say \"\"hi\"\"\nbye\"\n");
    }

    #[test]
    fn round_trips_through_the_csv_reader() {
        let originals = [
            "plain",
            "",
            "with, comma",
            "with \"quotes\"",
            "two\nlines",
            "crlf\r\nend",
            " padded ",
            "Zoë 日本",
            "#hash",
        ];
        let rows: Vec<Vec<Value>> = originals.iter().map(|s| vec![text(s), Value::Null, Value::Int(1)]).collect();
        let output = render(&["t", "n", "i"], &rows);

        let mut reader = ::csv::ReaderBuilder::new().from_reader(output.as_bytes());
        assert_eq!(reader.headers().unwrap(), vec!["t", "n", "i"]);
        let mut read = Vec::new();
        for record in reader.records() {
            let record = record.unwrap();
            assert_eq!(&record[1], "");
            assert_eq!(&record[2], "1");
            read.push(record[0].to_string());
        }
        assert_eq!(read, originals);

        // The raw lines keep NULL (nothing) apart from "" (quoted).
        assert!(output.contains("\n\"\",,1\n"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 300, failure_persistence: None, ..Default::default() })]

        /// Whatever the text, the csv crate's reader reads back what was written, and NULL
        /// stays apart from the empty string.
        #[test]
        fn any_text_round_trips(texts in proptest::collection::vec("(?s).{0,12}", 1..8), int in proptest::prelude::any::<i64>()) {
            let rows: Vec<Vec<Value>> = texts.iter().map(|t| vec![text(t), Value::Null, Value::Int(int)]).collect();
            let output = render(&["t", "n", "i"], &rows);
            let mut reader = ::csv::ReaderBuilder::new().from_reader(output.as_bytes());
            let read: Vec<(String, String, String)> = reader
                .records()
                .map(|r| r.map(|r| (r[0].to_string(), r[1].to_string(), r[2].to_string())))
                .collect::<Result<_, _>>()
                .unwrap();
            let expected: Vec<(String, String, String)> =
                texts.iter().map(|t| (t.clone(), String::new(), int.to_string())).collect();
            proptest::prop_assert_eq!(read, expected);
        }
    }

    #[test]
    fn record_is_header_and_one_row() {
        let (mut p, out, _) = Printer::capture(Format::Csv, false, false, false);
        p.record(&cols(&["id", "name"]), &[Value::Int(1), Value::Null], false).unwrap();
        assert_eq!(out.contents(), "id,name\n1,\n");
    }

    #[test]
    fn explain_is_one_row() {
        let (mut p, out, _) = Printer::capture(Format::Csv, false, false, false);
        p.explain("SELECT * FROM users WHERE name = ?", &[text("John"), Value::Int(30)]).unwrap();
        assert_eq!(out.contents(), "sql,params\nSELECT * FROM users WHERE name = ?,\"[\"\"John\"\",30]\"\n");
    }
}
