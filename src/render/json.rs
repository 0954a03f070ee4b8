//! `json` format: a result set is an array of objects, one per line, keys in column order and
//! values typed ([`Value::to_json`]); a record is one object. Streamed: nothing is held but the
//! keys.

use std::collections::HashSet;
use std::io::{self, Write};

use serde_json::{Map, Value as Json};

use super::Shape;
use crate::related::Related;
use crate::value::Value;

pub(super) struct JsonRows {
    /// The columns' keys, then those of the loads (`with`).
    keys: Vec<String>,
    nests: Vec<Nest>,
    count: u64,
    /// One line, kept from row to row.
    line: Vec<u8>,
    /// JSON Lines: each object on a line of its own, no array around them.
    lines: bool,
}

/// The keys of the records of one load, encoded once for the whole result, and those of what
/// is nested in them.
pub(super) struct Nest {
    keys: Vec<String>,
    nested: Vec<Nest>,
}

impl Nest {
    pub(super) fn of(shapes: &[Shape]) -> Vec<Nest> {
        shapes
            .iter()
            .map(|shape| Nest { keys: encoded_keys(&unique_keys(&shape.names())), nested: Nest::of(&shape.nested) })
            .collect()
    }
}

impl JsonRows {
    pub(super) fn new(columns: &[String], shapes: &[Shape]) -> JsonRows {
        JsonRows { keys: row_keys(columns, shapes), nests: Nest::of(shapes), count: 0, line: Vec::new(), lines: false }
    }

    /// The rows as JSON Lines.
    pub(super) fn lines(mut self) -> JsonRows {
        self.lines = true;
        self
    }

    pub(super) fn row(&mut self, out: &mut dyn Write, values: &[Value], related: &[Related]) -> io::Result<()> {
        self.line.clear();
        if !self.lines {
            self.line.extend_from_slice(if self.count == 0 { b"[\n  " } else { b",\n  " });
        }
        self.count += 1;
        push_object(&mut self.line, &self.keys, values, related, &self.nests)?;
        if self.lines {
            self.line.push(b'\n');
        }
        out.write_all(&self.line)
    }

    /// Closes the array (`[]` when empty); returns how many rows there were.
    pub(super) fn end(self, out: &mut dyn Write) -> io::Result<u64> {
        if self.lines {
            return Ok(self.count);
        }
        out.write_all(if self.count == 0 { b"[]\n" } else { b"\n]\n" })?;
        Ok(self.count)
    }
}

pub(super) fn write_record(out: &mut dyn Write, columns: &[String], values: &[Value]) -> io::Result<()> {
    write_record_with(out, columns, values, &[], &[])
}

/// One object, with a key for each load (`with`) holding its records.
pub(super) fn write_record_with(
    out: &mut dyn Write,
    columns: &[String],
    values: &[Value],
    shapes: &[Shape],
    related: &[Related],
) -> io::Result<()> {
    let mut line = Vec::new();
    push_object(&mut line, &row_keys(columns, shapes), values, related, &Nest::of(shapes))?;
    line.push(b'\n');
    out.write_all(&line)
}

/// The records of one load as JSON text: a list, an object or `null` (a CSV cell).
pub(super) fn related_text(nest: &Nest, related: &Related) -> io::Result<String> {
    let mut text = Vec::new();
    push_related(&mut text, nest, related)?;
    Ok(String::from_utf8(text).unwrap_or_default())
}

/// The keys of a row's columns and of its loads, unique among them all.
fn row_keys(columns: &[String], shapes: &[Shape]) -> Vec<String> {
    let names: Vec<String> = columns.iter().cloned().chain(shapes.iter().map(|s| s.name.clone())).collect();
    encoded_keys(&unique_keys(&names))
}

/// `{"sql": "...", "params": [...]}`, the parameters typed.
pub(super) fn write_explain(out: &mut dyn Write, sql: &str, params: &[Value]) -> io::Result<()> {
    let mut object = Map::new();
    object.insert("sql".into(), Json::String(sql.into()));
    object.insert("params".into(), Json::Array(params.iter().map(Value::to_json).collect()));
    serde_json::to_writer(&mut *out, &Json::Object(object))?;
    out.write_all(b"\n")
}

/// Each key as JSON text with its colon (`"name":`), encoded once for the whole result.
fn encoded_keys(keys: &[String]) -> Vec<String> {
    keys.iter().map(|k| format!("{}:", Json::String(k.clone()))).collect()
}

/// One object, written value by value: no intermediate JSON tree per row. `to_json` decides
/// each value's JSON type; text, the common case, is escaped straight from the row. The records
/// of each load (`with`) follow the values, under the keys after theirs.
fn push_object(
    line: &mut Vec<u8>,
    keys: &[String],
    values: &[Value],
    related: &[Related],
    nests: &[Nest],
) -> io::Result<()> {
    line.push(b'{');
    for (i, (key, value)) in keys.iter().zip(values).enumerate() {
        if i > 0 {
            line.push(b',');
        }
        line.extend_from_slice(key.as_bytes());
        match value {
            Value::Null => line.extend_from_slice(b"null"),
            Value::Text(text) => serde_json::to_writer(&mut *line, text)?,
            Value::Int(n) => serde_json::to_writer(&mut *line, n)?,
            other => serde_json::to_writer(&mut *line, &other.to_json())?,
        }
    }
    let keys = keys.get(values.len()..).unwrap_or_default();
    for (i, ((key, related), nest)) in keys.iter().zip(related).zip(nests).enumerate() {
        if i > 0 || !values.is_empty() {
            line.push(b',');
        }
        line.extend_from_slice(key.as_bytes());
        push_related(line, nest, related)?;
    }
    line.push(b'}');
    Ok(())
}

/// A relation's records as a list (`[]` when none), a reference's as an object or `null`.
fn push_related(line: &mut Vec<u8>, nest: &Nest, related: &Related) -> io::Result<()> {
    match related {
        Related::Many(records) => {
            line.push(b'[');
            for (i, record) in records.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                push_object(line, &nest.keys, &record.values, &record.related, &nest.nested)?;
            }
            line.push(b']');
        }
        Related::One(Some(record)) => push_object(line, &nest.keys, &record.values, &record.related, &nest.nested)?,
        Related::One(None) => line.extend_from_slice(b"null"),
    }
    Ok(())
}

/// Object keys for the columns. A result may repeat a column name (`sql select 1 as a, 2 as a`),
/// and an object cannot, so later duplicates become `a_2`, `a_3`, … — skipping any name that is
/// already a column — rather than overwrite the earlier value.
fn unique_keys(columns: &[String]) -> Vec<String> {
    let mut taken: HashSet<String> = columns.iter().cloned().collect();
    let mut first = HashSet::new();
    columns
        .iter()
        .map(|name| {
            if first.insert(name.as_str()) {
                return name.clone();
            }
            let key =
                (2..).map(|n| format!("{name}_{n}")).find(|key| !taken.contains(key)).expect("an unused suffix exists");
            taken.insert(key.clone());
            key
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::unique_keys;
    use crate::ast::Format;
    use crate::render::Printer;
    use crate::value::Value;
    use serde_json::json;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|c| c.to_string()).collect()
    }

    fn render(columns: &[&str], rows: &[Vec<Value>]) -> String {
        let (mut p, out, _) = Printer::capture(Format::Json, true, false, false);
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
    fn array_of_objects_one_per_line() {
        let rows =
            vec![vec![Value::Int(1), text("John"), Value::Null], vec![Value::Int(2), text("null"), Value::Int(30)]];
        assert_eq!(
            render(&["id", "name", "age"], &rows),
            "[
  {\"id\":1,\"name\":\"John\",\"age\":null},
  {\"id\":2,\"name\":\"null\",\"age\":30}
]
"
        );
    }

    #[test]
    fn empty_result() {
        assert_eq!(render(&["id"], &[]), "[]\n");
    }

    #[test]
    fn parses_back_with_types() {
        let rows = vec![vec![
            Value::Int(-7),
            Value::Bool(false),
            Value::Null,
            text("Zoë 日本\n\"quoted\""),
            Value::Float(2.5),
            Value::Decimal("12.50".into()),
            Value::Bytes(vec![1, 255]),
            Value::Json(json!({"k": [1, true]})),
        ]];
        let output = render(&["i", "b", "n", "t", "f", "d", "raw", "j"], &rows);
        let parsed: serde_json::Value = serde_json::from_str(&output).unwrap();
        assert_eq!(
            parsed,
            json!([{
                "i": -7, "b": false, "n": null, "t": "Zoë 日本\n\"quoted\"", "f": 2.5,
                "d": serde_json::from_str::<serde_json::Value>("12.50").unwrap(), "raw": "\\x01ff", "j": {"k": [1, true]}
            }])
        );
        assert!(parsed[0]["i"].is_i64());
        assert!(parsed[0]["b"].is_boolean());
        assert!(parsed[0]["n"].is_null());
    }

    #[test]
    fn keys_stay_in_column_order() {
        let output = render(&["z", "a", "m"], &[vec![Value::Int(1); 3]]);
        assert_eq!(output, "[\n  {\"z\":1,\"a\":1,\"m\":1}\n]\n");
    }

    #[test]
    fn duplicate_columns_keep_their_data() {
        let output =
            render(&["a", "a", "a_2", "a"], &[vec![Value::Int(1), Value::Int(2), Value::Int(3), Value::Int(4)]]);
        assert_eq!(output, "[\n  {\"a\":1,\"a_3\":2,\"a_2\":3,\"a_4\":4}\n]\n");
        assert_eq!(unique_keys(&cols(&["x", "y"])), cols(&["x", "y"]));
    }

    #[test]
    fn json_lines_are_one_object_a_line_and_nothing_when_empty() {
        let (mut p, out, _) = Printer::capture(Format::Jsonl, false, false, false);
        p.begin_rows(&cols(&["id", "s"])).unwrap();
        p.row(&[Value::Int(1), text("a\nb")]).unwrap();
        p.row(&[Value::Int(2), Value::Null]).unwrap();
        p.end_rows(false).unwrap();
        p.begin_rows(&cols(&["id"])).unwrap();
        p.end_rows(false).unwrap();
        assert_eq!(out.contents(), "{\"id\":1,\"s\":\"a\\nb\"}\n{\"id\":2,\"s\":null}\n");
        assert_eq!(p.written(), 2);
    }

    #[test]
    fn record_is_one_object() {
        let (mut p, out, _) = Printer::capture(Format::Json, false, false, false);
        p.record(&cols(&["id", "name"]), &[Value::Int(1), text("John")], false).unwrap();
        assert_eq!(out.contents(), "{\"id\":1,\"name\":\"John\"}\n");
    }

    #[test]
    fn explain_is_an_object() {
        let (mut p, out, _) = Printer::capture(Format::Json, false, false, false);
        p.explain("SELECT * FROM users WHERE name = ?", &[text("John"), Value::Int(30), Value::Null]).unwrap();
        assert_eq!(out.contents(), "{\"sql\":\"SELECT * FROM users WHERE name = ?\",\"params\":[\"John\",30,null]}\n");
    }

    #[test]
    fn the_row_limit_note_keeps_the_output_parseable() {
        let (mut p, out, notes) = Printer::capture(Format::Json, false, true, false);
        p.begin_rows(&cols(&["id"])).unwrap();
        p.row(&[Value::Int(1)]).unwrap();
        p.row(&[Value::Int(2)]).unwrap();
        p.end_rows(true).unwrap();
        serde_json::from_str::<serde_json::Value>(&out.contents()).unwrap();
        assert_eq!(notes.contents(), "(showing first 2 rows; `set limit off` to see all)\n");
    }
}
