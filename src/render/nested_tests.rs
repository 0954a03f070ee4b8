//! Related records (`with`) under their rows, in every format.

use crate::ast::Format;
use crate::catalog::{Column, field_type_of};
use crate::plan::Load;
use crate::related::{Record, Related};
use crate::render::Printer;
use crate::value::Value;

fn column(name: &str) -> Column {
    Column {
        name: name.into(),
        sql_type: "INTEGER".into(),
        field_type: field_type_of("INTEGER"),
        nullable: true,
        primary_key: name == "id",
        has_default: false,
        default: None,
        spelling: None,
    }
}

fn load(name: &str, many: bool, columns: &[&str], nested: Vec<Load>) -> Load {
    crate::plan::test_load(name, many, columns.iter().map(|c| column(c)).collect(), nested)
}

/// `with orders.items, address`.
fn loads() -> Vec<Load> {
    let items = load("items", true, &["id", "qty"], vec![]);
    vec![load("orders", true, &["id", "total"], vec![items]), load("address", false, &["id", "city"], vec![])]
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn record(values: Vec<Value>, related: Vec<Related>) -> Record {
    Record { values, related }
}

/// Ann: two orders, the first with an item, and an address; Bob: nothing.
fn rows() -> Vec<(Vec<Value>, Vec<Related>)> {
    let item = record(vec![Value::Int(100), Value::Int(2)], vec![]);
    let orders = Related::Many(vec![
        record(vec![Value::Int(10), Value::Float(12.5)], vec![Related::Many(vec![item])]),
        record(vec![Value::Int(11), Value::Int(3)], vec![Related::Many(vec![])]),
    ]);
    let address = Related::One(Some(record(vec![Value::Int(4), text("Oslo")], vec![])));
    vec![
        (vec![Value::Int(1), text("Ann")], vec![orders, address]),
        (vec![Value::Int(2), text("Bob")], vec![Related::Many(vec![]), Related::One(None)]),
    ]
}

fn render(format: Format) -> String {
    let (mut p, out, _) = Printer::capture(format, false, false, false);
    p.begin_rows_with(&["id".to_string(), "name".to_string()], &loads()).unwrap();
    for (values, related) in rows() {
        p.row_with(&values, related).unwrap();
    }
    p.end_rows(false).unwrap();
    out.contents()
}

#[test]
fn json_nests_a_list_per_relation_and_an_object_or_null_per_reference() {
    assert_eq!(
        render(Format::Json),
        r#"[
  {"id":1,"name":"Ann","orders":[{"id":10,"total":12.5,"items":[{"id":100,"qty":2}]},{"id":11,"total":3,"items":[]}],"address":{"id":4,"city":"Oslo"}},
  {"id":2,"name":"Bob","orders":[],"address":null}
]
"#
    );
}

#[test]
fn a_table_shows_each_rows_records_as_labelled_tables_under_it() {
    assert_eq!(
        render(Format::Table),
        " id | name
----+------
  1 | Ann
    orders (2 rows):
     id | total
    ----+-------
     10 |  12.5
        items (1 row):
         id  | qty
        -----+-----
         100 |   2
     11 |     3
        items (0 rows)
    address:
     id | city
    ----+------
      4 | Oslo
  2 | Bob
    orders (0 rows)
    address: <null>
(2 rows)
"
    );
}

#[test]
fn a_table_with_multi_line_cells_keeps_the_records_under_the_right_row() {
    let (mut p, out, _) = Printer::capture(Format::Table, false, false, false);
    let address = load("address", false, &["id"], vec![]);
    p.begin_rows_with(&["note".to_string()], std::slice::from_ref(&address)).unwrap();
    let one = Related::One(Some(record(vec![Value::Int(4)], vec![])));
    p.row_with(&[text("two\nlines")], vec![one]).unwrap();
    p.row_with(&[text("one")], vec![Related::One(None)]).unwrap();
    p.end_rows(false).unwrap();
    assert_eq!(
        out.contents(),
        " note
-------
 two
 lines
    address:
     id
    ----
      4
 one
    address: <null>
(2 rows)
"
    );
}

#[test]
fn vertical_blocks_nest_one_level_in_per_load() {
    assert_eq!(
        render(Format::Vertical),
        "-[ RECORD 1 ]
id   | 1
name | Ann
orders (2 rows):
    -[ orders 1 ]
    id    | 10
    total | 12.5
    items (1 row):
        -[ items 1 ]
        id  | 100
        qty | 2
    -[ orders 2 ]
    id    | 11
    total | 3
    items (0 rows)
address:
    id   | 4
    city | Oslo
-[ RECORD 2 ]
id   | 2
name | Bob
orders (0 rows)
address: <null>
"
    );
}

#[test]
fn csv_keeps_one_line_per_row_with_the_records_as_json() {
    assert_eq!(
        render(Format::Csv),
        r#"id,name,orders,address
1,Ann,"[{""id"":10,""total"":12.5,""items"":[{""id"":100,""qty"":2}]},{""id"":11,""total"":3,""items"":[]}]","{""id"":4,""city"":""Oslo""}"
2,Bob,[],
"#
    );
}

#[test]
fn a_record_shows_its_records_under_it_in_every_format() {
    let (values, related) = rows().remove(0);
    let columns = ["id".to_string(), "name".to_string()];
    let shown = |format| {
        let (mut p, out, _) = Printer::capture(format, false, false, false);
        p.record_with(&columns, &values, &loads(), &related).unwrap();
        out.contents()
    };
    assert_eq!(
        shown(Format::Json),
        "{\"id\":1,\"name\":\"Ann\",\"orders\":[{\"id\":10,\"total\":12.5,\"items\":[{\"id\":100,\"qty\":2}]},{\"id\":11,\"total\":3,\"items\":[]}],\"address\":{\"id\":4,\"city\":\"Oslo\"}}\n"
    );
    assert!(
        shown(Format::Table)
            .starts_with("id   | 1\nname | Ann\norders (2 rows):\n id | total\n----+-------\n 10 |  12.5\n")
    );
    assert!(shown(Format::Vertical).starts_with("id   | 1\nname | Ann\norders (2 rows):\n    -[ orders 1 ]\n"));
    assert!(shown(Format::Csv).starts_with("id,name,orders,address\n1,Ann,\"[{"));
}
