//! Numbers, names, types and small betrayals (issue 17.4–17.6), each with the exact case that
//! showed it, on every backend that has it.

mod common;

use common::{Scratch, ServerKind, assert_success, ormsh, text};

/// Runs `commands` on `url`, stopping at the first error; stdout, stderr and the exit code.
fn run(url: &str, commands: &[&str]) -> (String, String, i32) {
    let mut args = vec!["--format", "csv"];
    for c in commands {
        args.extend(["-c", c]);
    }
    let out = ormsh(url, &args);
    (text(&out.stdout), text(&out.stderr), out.status.code().unwrap_or(-1))
}

/// SQLite, and each server that is configured (in a database of the test's own).
fn each_backend(label: &str, test: impl Fn(&str, &str)) {
    let t = Scratch::new();
    test(&t.url("h.db"), "sqlite");
    for kind in [ServerKind::Postgres, ServerKind::Mysql] {
        if let Some(db) = kind.fresh_db("hard", label) {
            test(&db.url, if kind == ServerKind::Postgres { "postgres" } else { "mysql" });
        }
    }
}

#[test]
fn an_int_past_i64_is_out_of_range_on_every_backend() {
    each_backend("int_range", |url, name| {
        let (_, _, code) = run(url, &["model Big { n: int }"]);
        assert_eq!(code, 0, "{name}");
        let (out, err, code) = run(url, &["add Big n=9223372036854775808"]);
        assert_eq!(code, 1, "{name}: {out}{err}");
        assert!(err.contains("`9223372036854775808` is out of range for an int field"), "{name}: {err}");
        let (out, _, _) = run(url, &["count Big"]);
        assert_eq!(out, "0\n", "{name}: nothing was stored");
        let (out, err, code) = run(
            url,
            &["add Big n=9223372036854775807", "add Big n=-9223372036854775808", "query Big fields n order by n"],
        );
        assert_eq!(code, 0, "{name}: {err}");
        assert_eq!(out, "n\n-9223372036854775808\n9223372036854775807\n", "{name}");
    });
}

#[test]
fn names_longer_than_the_database_keeps_are_refused_with_the_limit() {
    each_backend("long_names", |url, name| {
        let table = "t".repeat(64);
        let (_, err, code) = run(url, &[&format!("model Foo table {table} {{ a: int }}")]);
        match name {
            "postgres" => {
                assert_eq!(code, 1, "{err}");
                assert!(err.contains("is 64 bytes long; PostgreSQL allows at most 63"), "{err}");
            }
            _ => assert_eq!(code, 0, "{name}: 64 is allowed: {err}"),
        }
        let column = "c".repeat(65);
        let (_, err, code) = run(url, &[&format!("model Bar {{ {column}: int }}")]);
        match name {
            "postgres" => assert!(err.contains("PostgreSQL allows at most 63"), "{err}"),
            "mysql" => assert!(err.contains("is 65 characters long; MySQL/MariaDB allows at most 64"), "{err}"),
            _ => assert_eq!(code, 0, "SQLite has no limit: {err}"),
        }
        if name != "sqlite" {
            assert_eq!(code, 1);
            let (out, _, _) = run(url, &["models"]);
            assert!(!out.contains("Bar"), "{name}: nothing was made: {out}");
        }
    });
}

#[test]
fn a_model_keeps_the_name_it_was_declared_with() {
    each_backend("declared_name", |url, name| {
        let (out, err, code) = run(
            url,
            &["model Foo table bar { a: int }", "add Foo a=1", "query Foo fields a", "count Foo", "describe Foo"],
        );
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.starts_with("a\n1\n1\n"), "{name}: {out}");
        // A new process, a new session: the name was kept with the table.
        let (out, err, code) = run(url, &["query Foo fields a", "models"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.starts_with("a\n1\nmodel,table,fields\n"), "{name}: {out}");
        assert!(out.contains("\nFoo,bar,\"id, a\"\n"), "{name}: {out}");
        assert!(!out.contains("Bar,"), "{name}: {out}");
        // A schema change keeps it (on SQLite, dropping an indexed field rebuilds the table).
        let (_, err, code) = run(url, &["alter Foo add b: text?", "alter Foo index (a)", "alter Foo drop a confirm"]);
        assert_eq!(code, 0, "{name}: {err}");
        let (out, err, code) = run(url, &["add Foo b=x", "query Foo fields b where b = x", "models"]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.starts_with("b\nx\n") && out.contains("\nFoo,bar,\"id, b\"\n"), "{name}: {out}");
        // A comment the user wrote is not a model name, and is left as it was.
        let (create, read) = match name {
            "postgres" => (
                &[
                    "sql create table notes (id int primary key)",
                    "sql comment on table notes is 'ormsh model Memo, and more'",
                ][..],
                "sql select obj_description('notes'::regclass, 'pg_class') as c",
            ),
            "mysql" => (
                &["sql create table notes (id int primary key) comment = 'ormsh model Memo, and more'"][..],
                "sql select table_comment as c from information_schema.tables where table_schema = database() and table_name = 'notes'",
            ),
            _ => (
                &["sql create table notes /* ormsh model Memo, and more */ (id int primary key)"][..],
                "sql select sql as c from sqlite_master where name = 'notes'",
            ),
        };
        let (_, err, code) = run(url, create);
        assert_eq!(code, 0, "{name}: {err}");
        let (out, err, code) = run(url, &["models", read]);
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains("\nNote,notes,id\n") && !out.contains("\nMemo,"), "{name}: {out}");
        assert!(out.contains("ormsh model Memo, and more"), "{name}: {out}");
        let (_, err, code) = run(url, &["count Memo"]);
        assert_eq!(code, 1, "{name}");
        assert!(err.contains("unknown model `Memo`"), "{name}: {err}");
    });
}

#[test]
fn a_mariadb_default_with_a_backslash_is_stored_as_written_whatever_the_escape_mode() {
    let Some(db) = ServerKind::Mysql.fresh_db("hard", "backslash") else { return };
    for (mode, model) in [("NO_BACKSLASH_ESCAPES", "Esc"), ("", "Plain")] {
        let set = format!("sql SET SESSION sql_mode = CONCAT_WS(',', @@SESSION.sql_mode, NULLIF('{mode}', ''))");
        let (out, err, code) = run(
            &db.url,
            &[
                &set,
                &format!(r#"model {model} {{ path: text? = "C:\\dir\\it's", n: int? }}"#),
                &format!("add {model} n=1"),
                &format!("query {model} fields path"),
            ],
        );
        assert_eq!(code, 0, "{mode}: {err}");
        assert_eq!(out, "path\nC:\\dir\\it's\n", "{mode}");
    }
}

#[test]
fn mariadb_tables_are_utf8mb4_whatever_the_database_default() {
    let Some(db) = ServerKind::Mysql.fresh_db("hard", "latin1") else { return };
    let made = ormsh(&db.url, &["-c", &format!("sql ALTER DATABASE {} CHARACTER SET latin1", db.name)]);
    assert_success(&made, "make the database latin1");
    let (out, err, code) =
        run(&db.url, &["model Note { body: text }", "add Note body=\"emoji 🦀 ok\"", "query Note fields body"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "body\nemoji 🦀 ok\n");
}

#[test]
fn postgres_types_ormsh_does_not_decode_are_the_servers_text() {
    let Some(db) = ServerKind::Postgres.fresh_db("hard", "types") else { return };
    let (_, err, code) = run(
        &db.url,
        &[
            "sql create table shapes (id serial primary key, l line, b box, p polygon, c circle, v tsvector, \
             q tsquery, m int4multirange, pa path, ls lseg, va tsvector[])",
            "sql insert into shapes (l, b, p, c, v, q, m, pa, ls, va) values ('{1,2,3}', '(1,2),(3,4)', \
             '((0,0),(1,1),(1,0))', '<(1,2),3>', 'a fat cat', 'fat & cat', '{[1,3),[5,7)}', '[(0,0),(1,1)]', \
             '[(0,0),(1,1)]', array['a b'::tsvector])",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let expected = "id,l,b,p,c,v,q,m,pa,ls,va\n1,\"{1,2,3}\",\"(3,4),(1,2)\",\"((0,0),(1,1),(1,0))\",\"<(1,2),3>\",\
                    'a' 'cat' 'fat','fat' & 'cat',\"{[1,3),[5,7)}\",\"[(0,0),(1,1)]\",\"[(0,0),(1,1)]\",\"{\"\"'a' 'b'\"\"}\"\n";
    // The whole table, a record, and JSON: every value as the server writes it.
    let (out, err, code) = run(&db.url, &["query Shape"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected);
    let out = ormsh(&db.url, &["--format", "json", "-c", "get Shape 1"]);
    let json = text(&out.stdout);
    assert!(json.contains(r#""m":"{[1,3),[5,7)}""#) && json.contains(r#""q":"'fat' & 'cat'""#), "{json}");
    // Raw SQL: the geometric types, tsvector and tsquery decoded to the same text; with a
    // multirange, which the driver cannot describe, the whole result is the server's text.
    let (out, err, code) = run(&db.url, &["sql select l, b, p, c, v, q, pa, ls from shapes"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "l,b,p,c,v,q,pa,ls\n\"{1,2,3}\",\"(3,4),(1,2)\",\"((0,0),(1,1),(1,0))\",\"<(1,2),3>\",'a' 'cat' 'fat',\
         'fat' & 'cat',\"[(0,0),(1,1)]\",\"[(0,0),(1,1)]\"\n"
    );
    let (out, err, code) = run(&db.url, &["sql select * from shapes"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected);
}

#[test]
fn a_tsquery_in_raw_sql_is_the_servers_text() {
    let Some(db) = ServerKind::Postgres.fresh_db("hard", "tsquery") else { return };
    // Each query decoded from its binary form beside the server's own text of it.
    let queries = [
        "a & !b | c:*",
        "a <-> b",
        "a <2> b",
        "a <0> b",
        "a:AB & b:*D",
        "x:*ABCD | ''it''''s''",
        r"''back\\slash''",
        "!(a & b)",
        "!!a",
        "!(a <-> b)",
        "(a | b) & c",
        "a | b & c",
        "a | (b | c)",
        "a <-> (b | c)",
        "(a <-> b) <-> c",
        "a <-> (b <-> c)",
        "!a <-> b",
        "a <-> !b",
        "(a & b) <-> c",
        "a & (b | !(c <3> d:*A))",
    ];
    let values: Vec<String> = queries.iter().map(|q| format!("('{q}')")).collect();
    let sql = format!("sql select q::tsquery, q::tsquery::text from (values {}) v(q)", values.join(", "));
    let (out, err, code) = run(&db.url, &[&sql]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(lines.len(), queries.len(), "{out}");
    for line in lines {
        let fields = csv_fields(line);
        assert_eq!(fields.len(), 2, "{line}");
        assert_eq!(fields[0], fields[1], "{out}");
    }
    let (out, _, _) = run(&db.url, &["sql select 'a & !b | c:*'::tsquery as q"]);
    assert_eq!(out, "q\n'a' & !'b' | 'c':*\n");
}

/// The fields of one CSV line.
fn csv_fields(line: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
    let record = reader.records().next().expect("a record").expect("valid csv");
    record.iter().map(str::to_string).collect()
}

#[test]
fn any_postgres_type_in_raw_sql_is_the_servers_text_and_runs_once() {
    let Some(db) = ServerKind::Postgres.fresh_db("hard", "raw_types") else { return };
    let (_, err, code) = run(
        &db.url,
        &[
            "sql create type pair as (a int4multirange, b text)",
            "sql create table spans (id serial primary key, m int4multirange, ms int4multirange[], p pair)",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // A write that returns a multirange runs once, and shows what it wrote.
    let (out, err, code) = run(
        &db.url,
        &["sql insert into spans (m, ms, p) values ('{[1,3)}', array['{[5,7)}'::int4multirange], \
           row('{[2,4)}', 'x')) returning id, m, ms, p"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "id,m,ms,p\n1,\"{[1,3)}\",\"{\"\"{[5,7)}\"\"}\",\"(\"\"{[2,4)}\"\",x)\"\n");
    let (out, _, _) = run(&db.url, &["count Span"]);
    assert_eq!(out, "1\n", "the insert ran once");
    // Inside a transaction: the statement runs once and the transaction lives on.
    let (out, err, code) = run(
        &db.url,
        &[
            "begin",
            "sql update spans set m = '{[8,9)}' returning m",
            "sql select m, ms from spans where false",
            "sql select count(*) from spans",
            "rollback",
            "sql select m, 'english'::regconfig as cfg from spans",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // (A result without rows of a statement sqlx cannot describe has no names to show: the
    // simple protocol tells them only with a row.)
    assert_eq!(out, "m\n\"{[8,9)}\"\n\ncount\n1\nm,cfg\n\"{[1,3)}\",english\n");
    // An anonymous record, whose fields' types only its bytes tell, is the server's text.
    let (out, err, code) = run(&db.url, &["sql select row(m, 'a & b'::tsquery, 1) as r from spans"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "r\n\"(\"\"{[1,3)}\"\",\"\"'a' & 'b'\"\",1)\"\n");
    // sqlx's statement that failed is not left on the server (behind a pooler, another client
    // of the server connection would meet its name), here or behind a pooler.
    let joiner = if db.url.contains('?') { '&' } else { '?' };
    for url in [db.url.clone(), format!("{}{joiner}statement_cache=off", db.url)] {
        let (out, err, code) = run(
            &url,
            &[
                "sql select m from spans",
                "count Span",
                "sql select m from spans",
                "sql select count(*) from pg_prepared_statements",
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, "m\n\"{[1,3)}\"\n1\nm\n\"{[1,3)}\"\ncount\n1\n", "{url}: only the count is prepared");
    }
    // A statement the server refuses is still its error.
    let (_, err, code) = run(&db.url, &["sql select m + 1 from spans"]);
    assert_eq!(code, 1);
    assert!(err.contains("operator does not exist"), "{err}");
}

#[test]
fn begin_takes_an_isolation_level_and_read_only() {
    each_backend("begin_modes", |url, name| {
        let (_, err, code) = run(url, &["model Acct { n: int }", "add Acct n=1"]);
        assert_eq!(code, 0, "{name}: {err}");
        let (out, err, code) =
            run(url, &["begin serializable", "count Acct", "commit", "begin repeatable read", "commit"]);
        assert_eq!((code, out.as_str()), (0, "1\n"), "{name}: {err}");
        if name == "postgres" {
            let (out, err, _) = run(url, &["begin serializable", "sql show transaction_isolation", "rollback"]);
            assert_eq!(out, "transaction_isolation\nserializable\n", "{err}");
        }
        // Read only: the database refuses the write (SQLite has no such transaction: refused).
        let (_, err, code) = run(url, &["begin read only", "add Acct n=2", "rollback"]);
        assert_eq!(code, 1, "{name}");
        match name {
            "sqlite" => assert!(err.contains("SQLite has no read-only transactions"), "{err}"),
            _ => assert!(err.to_lowercase().contains("read-only") || err.contains("READ ONLY"), "{name}: {err}"),
        }
        let (out, _, _) = run(url, &["count Acct"]);
        assert_eq!(out, "1\n", "{name}");
    });
}

#[test]
fn a_model_rolled_back_is_forgotten_by_the_catalog() {
    // MySQL commits DDL on its own (ormsh refuses `model` in a transaction there).
    let t = Scratch::new();
    let mut urls = vec![t.url("h.db")];
    let pg = ServerKind::Postgres.fresh_db("hard", "rolled_back");
    urls.extend(pg.iter().map(|db| db.url.clone()));
    for url in urls {
        let (_, err, code) = run(&url, &["begin", "model Gone { a: int }", "rollback", "query Gone"]);
        assert_eq!(code, 1);
        assert!(err.contains("unknown model `Gone`"), "{url}: {err}");
    }
}

#[test]
fn small_betrayals_in_scripts() {
    let t = Scratch::new();
    // A byte order mark at the start of a script is skipped.
    let script = t.write("bom.orm", "\u{feff}sql select 1 as one\n");
    let out = t.cmd().arg(t.url("h.db")).args(["--format", "csv", "-f"]).arg(&script).output().unwrap();
    assert_eq!(text(&out.stdout), "one\n1\n", "{}", text(&out.stderr));
    // A query that fails before its first row prints nothing but its error, in every format.
    for format in ["csv", "json", "table", "vertical"] {
        let out = t
            .cmd()
            .arg(t.url("h.db"))
            .args(["--format", format, "-c", "sql select abs(-9223372036854775807 - 1) as x"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(text(&out.stdout), "", "{format}");
        assert!(text(&out.stderr).contains("integer overflow"), "{}", text(&out.stderr));
    }
    // "file is not a database" names the file.
    t.write("notes.txt", &"these are my notes\n".repeat(100));
    let out = t.run("notes.txt", &["count X"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("notes.txt: the file is not a database"), "{}", text(&out.stderr));
}

#[test]
fn like_on_a_json_field_is_refused_at_the_operator() {
    each_backend("json_like", |url, name| {
        let (_, err, code) = run(url, &["model Doc { d: json }", "query Doc where d like \"%a%\""]);
        assert_eq!(code, 1, "{name}");
        assert!(err.contains("`like` matches text, and `d` is json"), "{name}: {err}");
        assert!(
            err.contains("1 | query Doc where d like \"%a%\"\n  |                   ^^^^ not for json"),
            "{name}: {err}"
        );
    });
}

#[test]
fn a_failed_batch_waits_for_a_lock_once_not_once_per_row() {
    use ormsh::parser::parse_statement;
    use ormsh::runner::NoConfirm;
    let t = Scratch::new();
    t.ok("lock.db", &["model P { a: int }"]);
    // A session of this process holds the write lock, in a transaction left open.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (printer, _, _) = ormsh::render::Printer::capture(ormsh::ast::Format::Csv, false, false, false);
    let mut holder = runtime.block_on(ormsh::session::Session::open(&t.url("lock.db"), printer, false)).unwrap();
    for line in ["begin", "add P a=0"] {
        runtime.block_on(holder.execute(&parse_statement(line).unwrap(), &mut NoConfirm)).unwrap();
    }
    let script = t.write("batch.orm", "begin\nadd P a=1\nadd P a=2\nadd P a=3\nadd P a=4\nadd P a=5\ncommit\n");
    let started = std::time::Instant::now();
    let out = t.cmd().arg(t.url("lock.db")).arg("-f").arg(&script).output().unwrap();
    let waited = started.elapsed();
    runtime.block_on(holder.finish());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("database is locked"), "{}", text(&out.stderr));
    // One busy timeout is 5 s; one per row would be 25 s. (A bound, not a measurement.)
    assert!(waited < std::time::Duration::from_secs(15), "the batch waited {waited:?}");
}

#[test]
fn index_names_ormsh_makes_fit_the_database_and_stay_distinct() {
    for kind in [ServerKind::Postgres, ServerKind::Mysql] {
        let Some(db) = kind.fresh_db("hard", "index_names") else { continue };
        let table = "l".repeat(60);
        let (out, err, code) = run(
            &db.url,
            &[
                "model Owner { name: text }",
                &format!(
                    "model Foo table {table} {{ email: text unique, first_name_x: text, first_name_y: text, owner: Owner? }}"
                ),
                "alter Foo index (first_name_x)",
                "alter Foo index (first_name_y)",
                "alter Foo add code: text unique",
                "alter Foo add backup: Owner?",
                "alter Foo unique (first_name_x, first_name_y)",
            ],
        );
        assert_eq!(code, 0, "{kind:?}: {out}{err}");
        let out = text(&ormsh(&db.url, &["-c", "describe Foo"]).stdout);
        let limit = if kind == ServerKind::Postgres { 63 } else { 64 };
        let indexes: Vec<(&str, &str)> = out
            .lines()
            .filter_map(|l| l.strip_prefix("index ").or_else(|| l.strip_prefix("unique index ")))
            .filter_map(|l| l.split_once(' '))
            .collect();
        let on = |columns: &str| indexes.iter().filter(|(_, c)| *c == columns).count();
        assert_eq!(on("(first_name_x)"), 1, "{kind:?}: {out}");
        assert_eq!(on("(first_name_y)"), 1, "{kind:?}: {out}");
        assert_eq!(on("(first_name_x, first_name_y)"), 1, "{kind:?}: {out}");
        assert_eq!(on("(code)"), 1, "{kind:?}: {out}");
        assert_eq!(on("(email)"), 1, "{kind:?}: {out}");
        let mut names: Vec<&str> = indexes.iter().map(|(name, _)| *name).collect();
        assert!(names.iter().all(|n| n.len() <= limit), "{kind:?}: {names:?}");
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), indexes.len(), "{kind:?}: distinct: {out}");
        // The indexes are used by name as the database has them: made again, refused as there.
        let (_, err, code) = run(&db.url, &["alter Foo index (first_name_y)"]);
        assert_eq!(code, 1);
        assert!(err.contains("already has an index on (first_name_y)"), "{kind:?}: {err}");
    }
}

/// PostgreSQL's dollar quotes hold the `;` and newlines of a `DO` block or a function's body in
/// `sql` text.
#[test]
fn sql_text_takes_dollar_quotes_on_postgres() {
    let Some(db) = ServerKind::Postgres.fresh_db("hard", "dollar") else { return };
    let t = Scratch::new();
    let script = t.path("dollar.orm");
    std::fs::write(
        &script,
        "sql CREATE TABLE hits (n int)\n\
        sql DO $$ BEGIN INSERT INTO hits VALUES (1); INSERT INTO hits VALUES (2); END $$\n\
        sql CREATE FUNCTION plus_one(x int) RETURNS int AS $body$\nBEGIN\n  RETURN x + 1;\nEND;\n$body$ LANGUAGE plpgsql\n\
        sql select plus_one(41) as y, (select count(*) from hits) as hits\n",
    )
    .unwrap();
    let out = ormsh(&db.url, &["--format", "csv", "-f", script.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "y,hits\n42,2\n");
}

/// A placeholder in `sql` text, which ormsh sends without values, is a clear error: not a lost
/// connection (PostgreSQL), not a wait for values that never come (MariaDB).
#[test]
fn sql_text_refuses_placeholders_it_has_no_values_for() {
    for (kind, placeholder) in [(ServerKind::Postgres, "$1"), (ServerKind::Mysql, "?")] {
        let Some(db) = kind.fresh_db("hard", "placeholder") else { continue };
        let t = Scratch::new();
        let command = format!("sql select {placeholder} as x");
        let out = t
            .cmd()
            .arg(&db.url)
            .args(["-c", "begin", "-c", &command])
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .expect("run ormsh");
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{placeholder}: {err}");
        let expected = format!("the SQL has a placeholder ({placeholder}) that no value is given for");
        assert!(err.contains(&expected), "{err}");
        assert!(!err.contains("lost the connection"), "{err}");
    }
}
