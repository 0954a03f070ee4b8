//! Every column type of PostgreSQL and MySQL/MariaDB, end to end through the real binary: a
//! table made with raw SQL, a row of values and a row of NULLs written with `sql INSERT` and with
//! `add`, read back as JSON, CSV and a table, described, and searched with `where` on typed
//! columns (which checks how each value is bound).
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`. Without one, a test says why it
//! skips and passes, unless `CI=true`, where it fails. Each test works in a schema (PostgreSQL) or
//! a database (MySQL) of its own, named after the test and the process, dropped at the end even
//! when the test fails.

mod common;

use std::collections::HashMap;
use std::process::Output;

use common::{Scratch, ServerDb, ServerKind, assert_success, text};
use serde_json::{Map, Value as Json};

// ---------------------------------------------------------------------------------------------
// Servers

/// A server reached through ormsh only, with a schema or database that belongs to one test.
/// Dropping it drops the schema or database.
struct Server {
    db: ServerDb,
    scratch: Scratch,
}

/// A schema of its own on `$ORMSH_TEST_PG`, named after `tag` (short: names have at most 63
/// characters) and the process; None (with the reason on stderr) when it is unset outside CI.
fn postgres(tag: &str) -> Option<Server> {
    Some(Server { db: ServerKind::Postgres.fresh_db("types", tag)?, scratch: Scratch::new() })
}

/// A database of its own on `$ORMSH_TEST_MYSQL`, named after `tag` and the process.
fn mysql(tag: &str) -> Option<Server> {
    Some(Server { db: ServerKind::Mysql.fresh_db("types", tag)?, scratch: Scratch::new() })
}

impl Server {
    /// `ormsh URL [args…] -c command…` in the test's schema or database, whatever the status.
    fn run(&self, args: &[&str], commands: &[&str]) -> Output {
        let mut cmd = self.scratch.cmd();
        cmd.arg(&self.db.url).args(args);
        for c in commands {
            cmd.arg("-c").arg(one_line(c));
        }
        cmd.output().expect("run ormsh")
    }

    /// Commands that must succeed and print nothing on stderr; returns stdout.
    fn ok_with(&self, args: &[&str], commands: &[&str]) -> String {
        let out = self.run(args, commands);
        assert_success(&out, &format!("ormsh {args:?} {commands:?}"));
        assert_eq!(text(&out.stderr), "", "ormsh {args:?} {commands:?} wrote on stderr");
        text(&out.stdout)
    }

    fn ok(&self, commands: &[&str]) -> String {
        self.ok_with(&[], commands)
    }

    /// The rows of a read in `--format json`, each an object in column order.
    fn json_rows(&self, command: &str) -> Vec<Map<String, Json>> {
        let out = self.ok_with(&["--format", "json"], &[command]);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("`{command}` printed JSON that does not parse ({e}):\n{out}"))
    }

    /// The ids of the rows a read returns.
    fn ids(&self, command: &str) -> Vec<i64> {
        self.json_rows(command)
            .iter()
            .map(|row| row["id"].as_i64().unwrap_or_else(|| panic!("`{command}`: id is not an int in {row:?}")))
            .collect()
    }

    /// The one value a `sql SELECT` of one row and one column returns, as CSV text.
    fn scalar(&self, sql: &str) -> String {
        let out = self.ok_with(&["--format", "csv"], &[sql]);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("CSV record")).collect();
        assert_eq!(records.len(), 1, "`{sql}` printed:\n{out}");
        assert_eq!(records[0].len(), 1, "`{sql}` printed:\n{out}");
        records[0][0].to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Expectations

/// One column: its name, the ormsh type `describe` shows, the start of the SQL type `describe`
/// shows, the value of the full row in JSON (written as JSON text) and as text (CSV and table).
struct Col {
    name: &'static str,
    field_type: &'static str,
    sql_type: &'static str,
    json: &'static str,
    text: &'static str,
}

const fn col(
    name: &'static str,
    field_type: &'static str,
    sql_type: &'static str,
    json: &'static str,
    text: &'static str,
) -> Col {
    Col { name, field_type, sql_type, json, text }
}

/// A command written over several lines in the source, as the one line ormsh reads.
fn one_line(command: &str) -> String {
    command.lines().map(str::trim).collect::<Vec<_>>().join(" ")
}

/// Parses an expected value; numbers keep their digits (serde_json's arbitrary precision).
fn json(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("bad expected JSON {text:?}: {e}"))
}

/// `query MODEL order by id` in JSON, CSV and table format: row 1 is `cols`' values, row 2 is
/// `id` 2 and NULL everywhere else.
fn check_outputs(server: &Server, model: &str, cols: &[Col]) {
    let query = format!("query {model} order by id");
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();

    // JSON: typed values.
    let rows = server.json_rows(&query);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for row in &rows {
        assert_eq!(row.keys().map(String::as_str).collect::<Vec<_>>(), names, "the keys are the columns, in order");
    }
    let mut wrong = vec![];
    for c in cols {
        let expected = json(c.json);
        let got = &rows[0][c.name];
        // Numbers compare by their digits: `1.50` is not `1.5`, `1e2` is not `100`.
        let same = match (got, &expected) {
            (Json::Number(a), Json::Number(b)) => a.to_string() == b.to_string(),
            (a, b) => a == b,
        };
        if !same {
            wrong.push(format!("{}: expected {expected}, got {got}", c.name));
        }
    }
    assert!(wrong.is_empty(), "wrong JSON values in row 1:\n{}\nrow: {:?}", wrong.join("\n"), rows[0]);
    assert_eq!(rows[1]["id"], json("2"));
    for c in &cols[1..] {
        assert_eq!(rows[1][c.name], Json::Null, "row 2, column {}: {:?}", c.name, rows[1]);
    }

    // CSV: the same number of fields everywhere, NULL an empty field.
    let out = server.ok_with(&["--format", "csv"], &[&query]);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_bytes());
    let records: Vec<csv::StringRecord> =
        reader.records().collect::<Result<_, _>>().unwrap_or_else(|e| panic!("bad CSV ({e}):\n{out}"));
    assert_eq!(records.len(), 3, "a header and two rows:\n{out}");
    assert_eq!(records[0].iter().collect::<Vec<_>>(), names, "CSV header");
    for record in &records {
        assert_eq!(record.len(), cols.len(), "CSV record {record:?}");
    }
    let mut wrong = vec![];
    for (i, c) in cols.iter().enumerate() {
        if &records[1][i] != c.text {
            wrong.push(format!("{}: expected {:?}, got {:?}", c.name, c.text, &records[1][i]));
        }
    }
    assert!(wrong.is_empty(), "wrong CSV fields in row 1:\n{}\n{out}", wrong.join("\n"));
    assert_eq!(&records[2][0], "2");
    assert!(records[2].iter().skip(1).all(str::is_empty), "NULLs are empty fields: {:?}", records[2]);

    // The table.
    let out = server.ok(&[&query]);
    let mut lines = out.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('|').map(str::trim).collect();
    assert_eq!(header, names, "table header:\n{out}");
    assert!(out.contains("<null>"), "NULL is shown as <null>:\n{out}");
    assert_eq!(out.lines().last(), Some("(2 rows)"), "table:\n{out}");
    let row1 = out.lines().nth(2).expect("row 1");
    let cells: Vec<&str> = row1.split(" | ").map(str::trim).collect();
    for c in cols {
        // `|` inside a value would split it; none of the values here has one.
        assert!(cells.contains(&c.text.trim()), "the table does not show {} as {:?}:\n{out}", c.name, c.text);
    }
    let row2 = out.lines().nth(3).expect("row 2");
    assert_eq!(row2.matches("<null>").count(), cols.len() - 1, "row 2 is NULL but for its id:\n{out}");
}

/// `describe MODEL` names every column with its ormsh type and SQL type.
fn check_describe(server: &Server, model: &str, cols: &[Col]) {
    let out = server.ok(&[&format!("describe {model}")]);
    let shown: HashMap<&str, Vec<&str>> = out
        .lines()
        .filter(|l| l.contains('|'))
        .skip(1)
        .map(|l| l.split('|').map(str::trim).collect::<Vec<_>>())
        .map(|cells| (cells[0], cells))
        .collect();
    for c in cols {
        let cells = shown.get(c.name).unwrap_or_else(|| panic!("`describe {model}` does not name {}:\n{out}", c.name));
        assert_eq!(cells[1], c.field_type, "ormsh type of {}:\n{out}", c.name);
        assert!(
            cells[2].to_ascii_lowercase().starts_with(c.sql_type),
            "SQL type of {}: expected {:?}…:\n{out}",
            c.name,
            c.sql_type
        );
    }
}

/// A command that must fail with exit status 1, and its stderr.
fn fails(server: &Server, command: &str) -> String {
    let out = server.run(&[], &[command]);
    assert_eq!(out.status.code(), Some(1), "`{command}` should fail; stdout:\n{}", text(&out.stdout));
    text(&out.stderr)
}

/// `query Sample where FILTER` finds the rows (by id) each case expects; each filter of
/// `refused`, with a value that is not one of its column's type, fails with an error that says
/// which type.
fn check_where(server: &Server, cases: &[(&str, &[i64])], refused: &[(&str, &str)]) {
    let mut wrong = vec![];
    for (filter, expected) in cases {
        let command = format!("query Sample where {filter} order by id");
        let out = server.run(&["--format", "json"], &[&command]);
        if !out.status.success() {
            wrong.push(format!("`{filter}` failed: {}", text(&out.stderr)));
            continue;
        }
        let ids = server.ids(&command);
        if ids != *expected {
            wrong.push(format!("`{filter}` found {ids:?}, expected {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    for (filter, says) in refused {
        let stderr = fails(server, &format!("query Sample where {filter}"));
        assert!(stderr.contains(says), "`{filter}`: {stderr}");
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const PG_SETUP: [&str; 2] = [
    "sql CREATE TYPE mood AS ENUM ('happy', 'sad')",
    "sql CREATE TABLE samples (id int4 PRIMARY KEY, i2 int2, i4 int4, i8 int8, num numeric(12,3), f4 float4, \
     f8 float8, flag bool, txt text, vc varchar(20), ch char(3), d date, tm time, ts timestamp, tstz timestamptz, \
     iv interval, u uuid, j json, jb jsonb, bin bytea, ai int4[], at text[], m mood)",
];

const PG_INSERT: &str = r#"sql INSERT INTO samples VALUES (1, -32768, 2147483647, 9223372036854775807,
    123456789.123, 1.5, 0.1, true, 'hello, "world"', 'varchar', 'ab', '2024-02-29', '13:45:30',
    '2024-02-29 13:45:30', '2024-02-29 13:45:30+02', '1 day 02:03:04', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '{"k": [1, "two"], "n": null}', '{"b": 2, "a": 1}', '\x00ff10', '{1,2,3}', '{a,"b c",NULL}', 'happy')"#;

/// The same row as `PG_INSERT`, typed by the user (but the interval: see
/// `pg_add_and_where_bind_an_interval`).
const PG_ADD: &str = r#"add Sample id=1 i2=-32768 i4=2147483647 i8=9223372036854775807 num=123456789.123 f4=1.5
    f8=0.1 flag=true txt='hello, "world"' vc=varchar ch=ab d=2024-02-29 tm=13:45:30 ts=2024-02-29T13:45:30
    tstz='2024-02-29 13:45:30+02:00' u=a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 j='{"k": [1, "two"], "n": null}'
    jb='{"b": 2, "a": 1}' bin=\x00ff10 ai=(1, 2, 3) at=(a, "b c", null) m=happy"#;

/// What the server holds after `PG_INSERT`, asked in SQL: 1 when every value is right.
const PG_STORED: &str = r#"sql SELECT count(*) FROM samples WHERE id = 1 AND i2 = -32768 AND i4 = 2147483647
    AND i8 = 9223372036854775807 AND num = 123456789.123 AND f4 = 1.5 AND f8 = 0.1 AND flag
    AND txt = 'hello, "world"' AND vc = 'varchar' AND ch = 'ab' AND d = DATE '2024-02-29'
    AND tm = TIME '13:45:30' AND ts = TIMESTAMP '2024-02-29 13:45:30'
    AND tstz = TIMESTAMPTZ '2024-02-29 11:45:30+00' AND u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'
    AND j::jsonb = '{"k": [1, "two"], "n": null}' AND jb = '{"a": 1, "b": 2}' AND bin = '\x00ff10'::bytea
    AND ai = '{1,2,3}' AND at = '{a,"b c",NULL}' AND m = 'happy'"#;

fn pg_cols() -> Vec<Col> {
    vec![
        col("id", "int", "int4", "1", "1"),
        col("i2", "int", "int2", "-32768", "-32768"),
        col("i4", "int", "int4", "2147483647", "2147483647"),
        col("i8", "int", "int8", "9223372036854775807", "9223372036854775807"),
        col("num", "decimal", "numeric(12,3)", "123456789.123", "123456789.123"),
        col("f4", "float", "float4", "1.5", "1.5"),
        col("f8", "float", "float8", "0.1", "0.1"),
        col("flag", "bool", "bool", "true", "true"),
        col("txt", "text", "text", r#""hello, \"world\"""#, r#"hello, "world""#),
        col("vc", "text", "varchar(20)", r#""varchar""#, "varchar"),
        // char(n) is blank-padded on PostgreSQL (MySQL strips the padding).
        col("ch", "text", "bpchar(3)", r#""ab ""#, "ab "),
        col("d", "date", "date", r#""2024-02-29""#, "2024-02-29"),
        col("tm", "time", "time", r#""13:45:30""#, "13:45:30"),
        col("ts", "datetime", "timestamp", r#""2024-02-29 13:45:30""#, "2024-02-29 13:45:30"),
        col("tstz", "datetime", "timestamptz", r#""2024-02-29 11:45:30+00:00""#, "2024-02-29 11:45:30+00:00"),
        col("iv", "interval", "interval", r#""1 day 02:03:04""#, "1 day 02:03:04"),
        col("u", "uuid", "uuid", r#""a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11""#, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"),
        col("j", "json", "json", r#"{"k": [1, "two"], "n": null}"#, r#"{"k":[1,"two"],"n":null}"#),
        // jsonb orders keys its own way.
        col("jb", "json", "jsonb", r#"{"a": 1, "b": 2}"#, r#"{"a":1,"b":2}"#),
        col("bin", "bytes", "bytea", r#""\\x00ff10""#, r"\x00ff10"),
        // Arrays as PostgreSQL prints them; a JSON array in JSON.
        col("ai", "int4[]", "int4[]", "[1, 2, 3]", "{1,2,3}"),
        col("at", "text[]", "text[]", r#"["a", "b c", null]"#, r#"{a,"b c",NULL}"#),
        col("m", "mood", "mood", r#""happy""#, "happy"),
    ]
}

#[test]
fn pg_sql_insert_reads_back_every_type() {
    let Some(pg) = postgres("pg_sql") else { return };
    pg.ok(&PG_SETUP);
    pg.ok(&[PG_INSERT, "sql INSERT INTO samples (id) VALUES (2)"]);
    assert_eq!(pg.scalar(PG_STORED), "1");
    check_outputs(&pg, "Sample", &pg_cols());
    check_describe(&pg, "Sample", &pg_cols());
}

#[test]
fn pg_sql_select_reads_like_query() {
    let Some(pg) = postgres("pg_sql_select") else { return };
    pg.ok(&PG_SETUP);
    pg.ok(&[PG_INSERT, "sql INSERT INTO samples (id) VALUES (2)"]);
    let by_query = pg.ok_with(&["--format", "json"], &["query Sample order by id"]);
    let by_sql = pg.ok_with(&["--format", "json"], &["sql SELECT * FROM samples ORDER BY id"]);
    assert_eq!(by_sql, by_query);
}

#[test]
fn pg_add_binds_every_type() {
    let Some(pg) = postgres("pg_add") else { return };
    pg.ok(&PG_SETUP);
    pg.ok(&[PG_ADD, "add Sample id=2"]);
    let mut cols = pg_cols();
    let iv = cols.iter_mut().find(|c| c.name == "iv").expect("iv");
    iv.json = "null";
    // The values arrived as what they are, checked by the server's own literals.
    assert_eq!(pg.scalar(&PG_STORED.replace("AND m = 'happy'", "AND m = 'happy' AND iv IS NULL")), "1");
    let rows = pg.json_rows("query Sample where id=1");
    for c in &cols {
        let got = &rows[0][c.name];
        let expected = json(c.json);
        match (got, &expected) {
            (Json::Number(a), Json::Number(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", c.name),
            _ => assert_eq!(got, &expected, "{}", c.name),
        }
    }
    assert!(pg.json_rows("query Sample where id=2")[0].iter().skip(1).all(|(_, v)| v.is_null()));
}

/// Values typed by the user are checked against the column's type and bound as that type.
#[test]
fn pg_where_binds_typed_values() {
    let Some(pg) = postgres("pg_where") else { return };
    pg.ok(&PG_SETUP);
    pg.ok(&[PG_INSERT, "sql INSERT INTO samples (id) VALUES (2)"]);
    let cases: &[(&str, &[i64])] = &[
        ("d=2024-02-29", &[1]),
        ("d=2024-03-01", &[]),
        ("d is null", &[2]),
        ("flag=true", &[1]),
        ("flag=false", &[]),
        ("u=a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", &[1]),
        ("u='A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'", &[1]),
        ("num=123456789.123", &[1]),
        ("num=123456789.1230", &[1]),
        ("num=123456789.124", &[]),
        ("num>123456789.1229", &[1]),
        ("m=happy", &[1]),
        ("m=sad", &[]),
        ("m in (sad, happy)", &[1]),
        ("i2=-32768", &[1]),
        ("i8=9223372036854775807", &[1]),
        ("f4=1.5", &[1]),
        ("f8=0.1", &[1]),
        ("ch=ab", &[1]),
        ("vc=varchar", &[1]),
        ("txt like 'hello%'", &[1]),
        ("tm=13:45:30", &[1]),
        ("ts='2024-02-29 13:45:30'", &[1]),
        ("tstz='2024-02-29 11:45:30'", &[1]),
        ("tstz='2024-02-29T13:45:30+02:00'", &[1]),
        (r"bin=\x00ff10", &[1]),
        (r#"jb='{"a": 1, "b": 2}'"#, &[1]),
        ("ai='[1,2,3]'", &[1]),
    ];
    // A value that is not one of the column's type is refused, pointing at it.
    let refused = [("d=2024-02-30", "date"), ("flag=maybe", "bool"), ("u=123", "uuid"), ("num=1.2.3", "decimal")];
    check_where(&pg, cases, &refused);
}

/// An interval column (an `Other` type, shown as text) takes text in `add` and in `where`, as
/// PostgreSQL takes '1 day' for an interval literal: the text is cast on the server.
#[test]
fn pg_add_and_where_bind_an_interval() {
    let Some(pg) = postgres("pg_interval") else { return };
    pg.ok(&PG_SETUP);
    pg.ok(&["add Sample id=1 iv='1 day 02:03:04'", "add Sample id=2 iv='-1 mons +00:00:01'"]);
    let rows = pg.json_rows("query Sample fields id, iv order by id");
    assert_eq!(rows[0]["iv"], json(r#""1 day 02:03:04""#));
    assert_eq!(rows[1]["iv"], json(r#""-1 mons +00:00:01""#));
    assert_eq!(pg.ids("query Sample where iv='1 day 02:03:04'"), [1]);
    assert_eq!(pg.ids("query Sample where iv='26 hours 3 minutes 4 seconds'"), [1]);
}

/// Fractions of a second are shown one way, as PostgreSQL prints them (`.5`): the same instant
/// in a timestamp and a timestamptz column reads the same but for the offset.
#[test]
fn pg_fractional_seconds_read_the_same_in_every_time_type() {
    let Some(pg) = postgres("pg_fraction") else { return };
    pg.ok(&[
        "sql CREATE TABLE moments (id int4 PRIMARY KEY, tm time, ts timestamp, tstz timestamptz)",
        "sql INSERT INTO moments VALUES (1, '01:02:03.5', '2024-01-02 01:02:03.5', '2024-01-02 01:02:03.5+00'), \
         (2, '01:02:03.123456', '2024-01-02 01:02:03.123456', '2024-01-02 01:02:03.123456+00')",
    ]);
    for row in pg.json_rows("query Moment order by id") {
        let (tm, ts, tstz) = (row["tm"].as_str().unwrap(), row["ts"].as_str().unwrap(), row["tstz"].as_str().unwrap());
        assert_eq!(format!("{ts}+00:00"), tstz, "timestamp and timestamptz of one instant: {row:?}");
        assert_eq!(ts.split_once(' ').map(|(_, time)| time), Some(tm), "time and timestamp: {row:?}");
    }
}

/// A `real` column holding 0.1 is found by `where f=0.1` (0.1 as a float4 is not 0.1 as a
/// float8; ormsh binds the value as the column's type).
#[test]
fn pg_real_column_is_found_by_the_value_it_shows() {
    let Some(pg) = postgres("pg_real") else { return };
    pg.ok(&["sql CREATE TABLE floats (id int4 PRIMARY KEY, f4 real, f8 double precision)"]);
    pg.ok(&["sql INSERT INTO floats VALUES (1, 0.1, 0.1)"]);
    let rows = pg.json_rows("query Float where id=1");
    assert_eq!((rows[0]["f4"].to_string(), rows[0]["f8"].to_string()), ("0.1".into(), "0.1".into()));
    assert_eq!(pg.ids("query Float where f4=0.1"), [1]);
    assert_eq!(pg.ids("query Float where f8=0.1"), [1]);
}

/// PostgreSQL's `time` goes up to `24:00:00`; ormsh reads it (as text) and takes it back in
/// `add` and `where`.
#[test]
fn pg_time_24_00_is_written_and_found() {
    let Some(pg) = postgres("pg_time24") else { return };
    pg.ok(&["sql CREATE TABLE clocks (id int4 PRIMARY KEY, tm time)", "sql INSERT INTO clocks VALUES (1, '24:00:00')"]);
    assert_eq!(pg.json_rows("query Clock")[0]["tm"], json(r#""24:00:00""#));
    assert_eq!(pg.ids("query Clock where tm='24:00:00'"), [1]);
    pg.ok(&["add Clock id=2 tm='24:00:00'"]);
    assert_eq!(pg.ids("query Clock where tm='24:00:00' order by id"), [1, 2]);
}

// ---------------------------------------------------------------------------------------------
// MySQL / MariaDB

const MY_SETUP: &str = "sql CREATE TABLE samples (id int PRIMARY KEY, flag tinyint(1), i1 tinyint, i2 smallint, \
    i3 mediumint, i4 int, i8 bigint, u8 bigint unsigned, num decimal(12,3), f4 float, f8 double, d date, \
    dt datetime, ts timestamp NULL, tm time, j json, bl blob, vb varbinary(10), ch char(3), vc varchar(20), \
    txt text, e enum('a','b'), st set('x','y'))";

const MY_INSERT: &str = r#"sql INSERT INTO samples VALUES (1, 1, -128, -32768, 8388607, 2147483647,
    -9223372036854775808, 12345678901234567890, 123456789.123, 1.5, 0.1, '2024-02-29', '2024-02-29 13:45:30',
    '2024-02-29 13:45:30', '13:45:30', '{"k": [1, "two"], "n": null}', X'00FF10', X'0102', 'ab', 'varchar',
    'hello, "world"', 'b', 'x,y')"#;

/// The same row as `MY_INSERT`, typed by the user (but the unsigned value: see
/// `mysql_add_and_where_bind_bigint_unsigned_above_i64`).
const MY_ADD: &str = r#"add Sample id=1 flag=true i1=-128 i2=-32768 i3=8388607 i4=2147483647
    i8=-9223372036854775808 u8=42 num=123456789.123 f4=1.5 f8=0.1 d=2024-02-29 dt=2024-02-29T13:45:30
    ts='2024-02-29 15:45:30+02:00' tm=13:45:30 j='{"k": [1, "two"], "n": null}' bl=\x00ff10 vb=\x0102 ch=ab
    vc=varchar txt='hello, "world"' e=b st='x,y'"#;

/// What the server holds, asked in SQL: 1 when every value is right (`UNSIGNED` is replaced).
const MY_STORED: &str = r#"sql SELECT count(*) FROM samples WHERE id = 1 AND flag = 1 AND i1 = -128 AND i2 = -32768
    AND i3 = 8388607 AND i4 = 2147483647 AND i8 = -9223372036854775808 AND u8 = UNSIGNED
    AND num = 123456789.123 AND f4 = 1.5 AND f8 = 0.1 AND d = DATE '2024-02-29'
    AND dt = TIMESTAMP '2024-02-29 13:45:30' AND ts = TIMESTAMP '2024-02-29 13:45:30' AND tm = TIME '13:45:30'
    AND JSON_EXTRACT(j, '$.k[1]') = 'two' AND JSON_TYPE(JSON_EXTRACT(j, '$.n')) = 'NULL'
    AND bl = X'00FF10' AND vb = X'0102' AND ch = 'ab' AND vc = 'varchar'
    AND txt = 'hello, "world"' AND e = 'b' AND st = 'x,y'"#;

fn mysql_cols() -> Vec<Col> {
    vec![
        col("id", "int", "int", "1", "1"),
        col("flag", "bool", "tinyint(1)", "true", "true"),
        col("i1", "int", "tinyint", "-128", "-128"),
        col("i2", "int", "smallint", "-32768", "-32768"),
        col("i3", "int", "mediumint", "8388607", "8388607"),
        col("i4", "int", "int", "2147483647", "2147483647"),
        col("i8", "int", "bigint", "-9223372036854775808", "-9223372036854775808"),
        // Above 2^63: exact, not a float.
        col("u8", "int", "bigint", "12345678901234567890", "12345678901234567890"),
        col("num", "decimal", "decimal(12,3)", "123456789.123", "123456789.123"),
        col("f4", "float", "float", "1.5", "1.5"),
        col("f8", "float", "double", "0.1", "0.1"),
        col("d", "date", "date", r#""2024-02-29""#, "2024-02-29"),
        col("dt", "datetime", "datetime", r#""2024-02-29 13:45:30""#, "2024-02-29 13:45:30"),
        col("ts", "datetime", "timestamp", r#""2024-02-29 13:45:30""#, "2024-02-29 13:45:30"),
        col("tm", "time", "time", r#""13:45:30""#, "13:45:30"),
        // MariaDB's JSON is a longtext with a check; MySQL's is its own type.
        col("j", "json", "", r#"{"k": [1, "two"], "n": null}"#, r#"{"k":[1,"two"],"n":null}"#),
        col("bl", "bytes", "blob", r#""\\x00ff10""#, r"\x00ff10"),
        col("vb", "bytes", "varbinary(10)", r#""\\x0102""#, r"\x0102"),
        col("ch", "text", "char(3)", r#""ab""#, "ab"),
        col("vc", "text", "varchar(20)", r#""varchar""#, "varchar"),
        col("txt", "text", "text", r#""hello, \"world\"""#, r#"hello, "world""#),
        col("e", "enum('a','b')", "enum('a','b')", r#""b""#, "b"),
        col("st", "set('x','y')", "set('x','y')", r#""x,y""#, "x,y"),
    ]
}

#[test]
fn mysql_sql_insert_reads_back_every_type() {
    let Some(my) = mysql("my_sql") else { return };
    my.ok(&[MY_SETUP]);
    my.ok(&[MY_INSERT, "sql INSERT INTO samples (id) VALUES (2)"]);
    assert_eq!(my.scalar(&MY_STORED.replace("UNSIGNED", "12345678901234567890")), "1");
    check_outputs(&my, "Sample", &mysql_cols());
    check_describe(&my, "Sample", &mysql_cols());
    let describe = my.ok(&["describe Sample"]);
    let u8_line = describe.lines().find(|l| l.trim_start().starts_with("u8 ")).expect("u8 in describe");
    assert!(u8_line.contains("unsigned"), "{describe}");
}

/// MariaDB: `sql SELECT` shows a JSON column as JSON, like `query`, although MariaDB's JSON is a
/// longtext: the result column's origin leads to the catalog's type.
#[test]
fn mysql_sql_select_reads_like_query() {
    let Some(my) = mysql("my_sql_select") else { return };
    my.ok(&[MY_SETUP]);
    my.ok(&[MY_INSERT, "sql INSERT INTO samples (id) VALUES (2)"]);
    let by_query = my.ok_with(&["--format", "json"], &["query Sample order by id"]);
    let by_sql = my.ok_with(&["--format", "json"], &["sql SELECT * FROM samples ORDER BY id"]);
    assert_eq!(by_sql, by_query);
}

#[test]
fn mysql_add_binds_every_type() {
    let Some(my) = mysql("my_add") else { return };
    my.ok(&[MY_SETUP]);
    my.ok(&[MY_ADD, "add Sample id=2"]);
    // The timestamp with an offset arrived as its UTC time, the rest as typed.
    assert_eq!(my.scalar(&MY_STORED.replace("UNSIGNED", "42")), "1");
    let mut cols = mysql_cols();
    let u8 = cols.iter_mut().find(|c| c.name == "u8").expect("u8");
    (u8.json, u8.text) = ("42", "42");
    check_outputs(&my, "Sample", &cols);
}

/// Values typed by the user are checked against the column's type and bound as that type.
#[test]
fn mysql_where_binds_typed_values() {
    let Some(my) = mysql("my_where") else { return };
    my.ok(&[MY_SETUP]);
    my.ok(&[MY_INSERT, "sql INSERT INTO samples (id) VALUES (2)"]);
    let cases: &[(&str, &[i64])] = &[
        ("d=2024-02-29", &[1]),
        ("d=2024-03-01", &[]),
        ("d is null", &[2]),
        ("flag=true", &[1]),
        ("flag=false", &[]),
        ("num=123456789.123", &[1]),
        ("num=123456789.1230", &[1]),
        ("num=123456789.124", &[]),
        ("num>123456789.1229", &[1]),
        ("e=b", &[1]),
        ("e=a", &[]),
        ("st='x,y'", &[1]),
        ("i1=-128", &[1]),
        ("i8=-9223372036854775808", &[1]),
        ("f4=1.5", &[1]),
        ("f8=0.1", &[1]),
        ("ch=ab", &[1]),
        ("vc=varchar", &[1]),
        ("txt like 'hello%'", &[1]),
        ("tm=13:45:30", &[1]),
        ("dt='2024-02-29 13:45:30'", &[1]),
        ("dt=2024-02-29T13:45:30", &[1]),
        ("ts='2024-02-29 13:45:30'", &[1]),
        ("ts='2024-02-29T15:45:30+02:00'", &[1]),
        (r"bl=\x00ff10", &[1]),
        (r"vb=\x0102", &[1]),
    ];
    let refused = [("d=2024-02-30", "date"), ("flag=maybe", "bool"), ("num=1.2.3", "decimal"), ("i4=x", "int")];
    check_where(&my, cases, &refused);
}

/// A `bigint unsigned` value above 2^63 - 1 is taken by `add` and `where`, as it is read:
/// exactly.
#[test]
fn mysql_add_and_where_bind_bigint_unsigned_above_i64() {
    let Some(my) = mysql("my_unsigned") else { return };
    my.ok(&[MY_SETUP]);
    my.ok(&["add Sample id=1 u8=12345678901234567890", "add Sample id=2 u8=18446744073709551615"]);
    let rows = my.json_rows("query Sample fields id, u8 order by id");
    assert_eq!(rows[0]["u8"].to_string(), "12345678901234567890");
    assert_eq!(rows[1]["u8"].as_u64(), Some(u64::MAX));
    assert_eq!(my.ids("query Sample where u8=12345678901234567890"), [1]);
    assert_eq!(my.ids("query Sample where u8>9223372036854775807 order by id"), [1, 2]);
}

/// A MySQL FLOAT column holding 0.1 shows 0.1 and `where f4=0.1` finds it, as PostgreSQL does
/// (`pg_real_column_is_found_by_the_value_it_shows`), although MySQL compares the float widened
/// to a double: the value is widened the same way.
#[test]
fn mysql_float_column_is_found_by_the_value_it_shows() {
    let Some(my) = mysql("my_float") else { return };
    my.ok(&["sql CREATE TABLE floats (id int PRIMARY KEY, f4 float, f8 double)"]);
    my.ok(&["sql INSERT INTO floats VALUES (1, 0.1, 0.1)"]);
    let rows = my.json_rows("query Float where id=1");
    assert_eq!((rows[0]["f4"].to_string(), rows[0]["f8"].to_string()), ("0.1".into(), "0.1".into()));
    assert_eq!(my.ids("query Float where f8=0.1"), [1]);
    assert_eq!(my.ids("query Float where f4=0.1"), [1]);
}

/// Fractions of a second read the same in DATETIME(6), TIMESTAMP(6) and TIME(6).
#[test]
fn mysql_fractional_seconds_read_the_same_in_every_time_type() {
    let Some(my) = mysql("my_fraction") else { return };
    my.ok(&[
        "sql CREATE TABLE moments (id int PRIMARY KEY, tm time(6), dt datetime(6), ts timestamp(6) NULL)",
        "sql INSERT INTO moments VALUES (1, '01:02:03.5', '2024-01-02 01:02:03.5', '2024-01-02 01:02:03.5'), \
         (2, '01:02:03.123456', '2024-01-02 01:02:03.123456', '2024-01-02 01:02:03.123456')",
    ]);
    for row in my.json_rows("query Moment order by id") {
        let (tm, dt, ts) = (row["tm"].as_str().unwrap(), row["dt"].as_str().unwrap(), row["ts"].as_str().unwrap());
        assert_eq!(dt, ts, "datetime and timestamp: {row:?}");
        assert_eq!(dt.split_once(' ').map(|(_, time)| time), Some(tm), "time and datetime: {row:?}");
    }
}

/// MySQL's TIME is a duration, -838:59:59 to 838:59:59: a value outside a day that ormsh shows
/// can be typed back in `add` and `where`.
#[test]
fn mysql_time_outside_a_day_is_written_and_found() {
    let Some(my) = mysql("my_time") else { return };
    my.ok(&["sql CREATE TABLE clocks (id int PRIMARY KEY, tm time)"]);
    my.ok(&["sql INSERT INTO clocks VALUES (1, '838:59:59'), (2, '-01:30:00'), (3, '13:45:30')"]);
    let shown: Vec<Json> = my.json_rows("query Clock order by id").iter().map(|r| r["tm"].clone()).collect();
    assert_eq!(shown, [json(r#""838:59:59""#), json(r#""-01:30:00""#), json(r#""13:45:30""#)]);
    assert_eq!(my.ids("query Clock where tm=13:45:30"), [3]);
    assert_eq!(my.ids("query Clock where tm='838:59:59'"), [1]);
    assert_eq!(my.ids("query Clock where tm='-01:30:00'"), [2]);
    my.ok(&["add Clock id=4 tm='100:00:00'"]);
    assert_eq!(my.ids("query Clock where tm>'99:00:00' order by id"), [1, 4]);
}
