//! `with` on every backend, through the real binary: a related record shows the very values a
//! plain query of its table shows (every type, NULLs, the awkward values of each database), a
//! relation without records is `[]` and a reference to nothing `null`, and the related records
//! of a row may run to megabytes (MariaDB's JSON_ARRAYAGG stops at 1 MiB unless told).
//!
//! SQLite always; PostgreSQL and MariaDB from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL` (skipped
//! with a printed reason when unset, a failure under `CI=true`), each in a schema or database of
//! the test's own.

mod common;

use common::{Scratch, ServerDb, ServerKind, assert_success, ormsh, text};
use serde_json::Value as Json;

/// One database to run on: SQLite in a scratch directory, or a server's schema or database.
struct Backend {
    name: &'static str,
    url: String,
    _scratch: Scratch,
    _db: Option<ServerDb>,
}

fn backends(label: &str) -> Vec<Backend> {
    let scratch = Scratch::new();
    let mut all = vec![Backend { name: "SQLite", url: scratch.url("with.db"), _scratch: scratch, _db: None }];
    for (name, kind) in [("PostgreSQL", ServerKind::Postgres), ("MariaDB", ServerKind::Mysql)] {
        if let Some(db) = kind.fresh_db("with", label) {
            all.push(Backend { name, url: db.url.clone(), _scratch: Scratch::new(), _db: Some(db) });
        }
    }
    all
}

impl Backend {
    /// Commands that must succeed; stdout.
    fn ok(&self, commands: &[&str]) -> String {
        let mut args = vec!["--format", "json"];
        for c in commands {
            args.extend(["-c", c]);
        }
        let out = ormsh(&self.url, &args);
        assert_success(&out, &format!("{}: {commands:?}", self.name));
        text(&out.stdout)
    }

    /// One command's JSON.
    fn json(&self, command: &str) -> Json {
        let out = self.ok(&[command]);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{}: `{command}` printed no JSON ({e}): {out}", self.name))
    }

    /// A script of many commands, run with `-f`.
    fn script(&self, lines: &str) {
        let scratch = Scratch::new();
        let path = scratch.write("script.orm", lines);
        let out = ormsh(&self.url, &["-f", path.to_str().unwrap()]);
        assert_success(&out, &format!("{}: a script", self.name));
    }
}

/// The rows of `rows` whose `field` is `value`.
fn rows_where(rows: &Json, field: &str, value: &Json) -> Json {
    Json::Array(rows.as_array().unwrap().iter().filter(|r| &r[field] == value).cloned().collect())
}

/// Under each row of `parents` (with `relation`), the records a plain query of their table
/// shows for it; under each child (with `reference`), the record `get` of its parent shows.
fn assert_loads_match(b: &Backend, parent: &str, relation: &str, child: &str, reference: &str) {
    let children = b.json(&format!("query {child} order by id"));
    let column = format!("{reference}_id");
    let parents = b.json(&format!("query {parent} with {relation} order by id"));
    for row in parents.as_array().unwrap() {
        let own = rows_where(&children, &column, &row["id"]);
        assert_eq!(row[relation], own, "{}: the {relation} of {parent} {}", b.name, row["id"]);
    }
    let with_parent = b.json(&format!("query {child} with {reference} order by id"));
    for (row, plain) in with_parent.as_array().unwrap().iter().zip(children.as_array().unwrap()) {
        let expected = match &plain[&column] {
            Json::Null => Json::Null,
            id => b.json(&format!("get {parent} {id}")),
        };
        assert_eq!(row[reference], expected, "{}: the {reference} of {child} {}", b.name, row["id"]);
        let mut own = row.as_object().unwrap().clone();
        own.remove(reference);
        assert_eq!(Json::Object(own), *plain, "{}: a {child}'s own fields", b.name);
    }
}

#[test]
fn related_records_show_what_a_query_of_their_table_shows_for_every_type() {
    for b in backends("types") {
        b.ok(&[
            "model Kind { name: text }",
            "model Thing { kind: Kind?, i: int?, f: float?, d: decimal?, t: text?, b: bool?, da: date?, \
             ti: time?, dt: datetime?, j: json?, u: uuid?, by: bytes? }",
        ]);
        b.script(
            "add Kind name=first\nadd Kind name=second\nadd Kind name=empty\n\
             add Thing kind=1 i=-9000000000 f=0.30000000000000004 d=12345678901234567890.0123456789 \
             t=\"it's \\\"quoted\\\", ünïcode\\nand a line\" b=true da=2024-02-29 ti=10:20:30.5 \
             dt=2024-01-31T10:00:00.25 j='{\"a\": [1, true, null]}' u=a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 by=\\x00ff10\n\
             add Thing kind=1 f=6.02214076e23 d=3 b=false j='\"a string\"' by=\\x\n\
             add Thing kind=2 f=-2.5e-8 d=0.5 i=0 t=\"\"\n\
             add Thing kind=2 f=3 d=-7.25 i=1\n\
             add Thing\n",
        );
        assert_loads_match(&b, "Kind", "things", "Thing", "kind");
        let kinds = b.json("query Kind with things order by id");
        assert_eq!(kinds[2]["things"], Json::Array(vec![]), "{}: a kind without things", b.name);
    }
}

#[test]
fn related_records_of_each_servers_own_types_read_back_as_a_query_shows_them() {
    if let Some(db) = ServerKind::Postgres.fresh_db("with", "pg_types") {
        let b = Backend { name: "PostgreSQL", url: db.url.clone(), _scratch: Scratch::new(), _db: Some(db) };
        b.ok(&[
            "sql CREATE TABLE boxes (id BIGINT PRIMARY KEY)",
            "sql CREATE TABLE parts (id BIGINT PRIMARY KEY, box_id BIGINT REFERENCES boxes (id), m MONEY, \
             tz TIMESTAMPTZ, ttz TIMETZ, iv INTERVAL, arr INT[], f4 REAL, n NUMERIC, by BYTEA, d DATE, \
             ts TIMESTAMP, t TIME, js JSON, ip INET, bits BIT(3), ch CHAR(3))",
            "sql INSERT INTO boxes VALUES (1), (2)",
            "sql INSERT INTO parts VALUES (1, 1, 12.5, '2024-01-31 10:00:00.5+02', '10:00:00+05:30', \
             '1 year 2 days 03:00:00', '{1,NULL,3}', 0.1, 'NaN', '\\x00ff', 'infinity', '-infinity', '24:00:00', \
             '{\"k\": \"v\"}', '10.0.0.1/8', B'101', 'ab'), \
             (2, 1, NULL, 'infinity', NULL, '-1 days', '{}', 'Infinity', 123.4500, '\\x', '2024-02-29', \
             '2024-02-29 23:59:59.999999', '00:00:00', '[1, 2]', NULL, NULL, NULL), (3, NULL, NULL, NULL, NULL, \
             NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        ]);
        assert_loads_match(&b, "Box", "parts", "Part", "box");
    }
    if let Some(db) = ServerKind::Mysql.fresh_db("with", "my_types") {
        let b = Backend { name: "MariaDB", url: db.url.clone(), _scratch: Scratch::new(), _db: Some(db) };
        b.ok(&[
            "sql CREATE TABLE boxes (id BIGINT PRIMARY KEY)",
            "sql CREATE TABLE parts (id BIGINT PRIMARY KEY, box_id BIGINT REFERENCES boxes (id), ok TINYINT(1), \
             tiny TINYINT, big BIGINT UNSIGNED, f FLOAT, d DOUBLE, n DECIMAL(30,10), js JSON, bl LONGBLOB, \
             dt DATETIME(6), ts TIMESTAMP(6) NULL, t TIME(6), y YEAR, e ENUM('a','b'), vc VARCHAR(20))",
            "sql INSERT INTO boxes VALUES (1), (2)",
            "sql INSERT INTO parts VALUES (1, 1, 1, -5, 18446744073709551615, 0.1, 0.30000000000000004, \
             '12345678901234567890.0123456789', '{\"a\": [1, 2]}', x'00ff', '2024-01-31 10:00:00.25', \
             '2024-01-31 10:00:00', '10:00:00.5', 2024, 'b', 'x'), \
             (2, 1, 0, 0, 0, NULL, 1e300, 0, '\"str\"', x'', '2024-02-29 00:00:00', NULL, '00:00:00', NULL, 'a', ''), \
             (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
        ]);
        assert_loads_match(&b, "Box", "parts", "Part", "box");
    }
}

/// A row whose related records make a document of megabytes comes whole, in order.
#[test]
fn related_records_may_run_to_megabytes() {
    for b in backends("large") {
        let note = "x".repeat(400);
        let mut script = String::from("model Shelf { name: text }\nmodel Book { shelf: Shelf, note: text }\n");
        script.push_str("add Shelf name=big\nbegin\n");
        for _ in 0..5000 {
            script.push_str(&format!("add Book shelf=1 note={note}\n"));
        }
        script.push_str("commit\n");
        b.script(&script);
        let shelves = b.json("query Shelf with books");
        let books = shelves[0]["books"].as_array().unwrap_or_else(|| panic!("{}: no list of books", b.name));
        assert_eq!(books.len(), 5000, "{}", b.name);
        assert!(books.iter().all(|book| book["note"] == note.as_str()), "{}", b.name);
        let ids: Vec<i64> = books.iter().map(|book| book["id"].as_i64().unwrap()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{}: books out of key order", b.name);
    }
}

/// Related records come in the order of their key, not the order they were stored in (SQLite
/// aggregates them from a sorted sub-select; a text key is not the rowid).
#[test]
fn related_records_come_in_key_order_whatever_order_they_were_stored_in() {
    for b in backends("order") {
        let mut script =
            String::from("model Shelf { name: text }\nmodel Label table labels { code: text primary, shelf: Shelf }\n");
        script.push_str("add Shelf name=one\nadd Shelf name=two\n");
        for code in ["m", "c", "x", "a", "q", "b"] {
            script.push_str(&format!("add Label code={code} shelf=1\n"));
        }
        b.script(&script);
        let shelves = b.json("query Shelf with labels order by id");
        let codes: Vec<&str> =
            shelves[0]["labels"].as_array().unwrap().iter().map(|l| l["code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["a", "b", "c", "m", "q", "x"], "{}", b.name);
        assert_eq!(shelves[1]["labels"], Json::Array(vec![]), "{}", b.name);
    }
}
