//! The question set: everyday questions about a Northwind-style shop made in plain SQL by
//! another tool (`tests/questions/shop.sql`: PascalCase tables, `XxxId` keys, a join table), each
//! asked in ormsh and held against hand-written SQL (`tests/questions/asked.rs`), on SQLite,
//! PostgreSQL and MariaDB.
//!
//! The SQL runs through ormsh's own `sql` command, which sends it as written: no second client per
//! database in the tests, and its rows come back decoded by the driver's own types, without the
//! catalog's hints that ormsh's queries use, so the two sides are not one code path.
//!
//! Rows are compared in order, value by value (column names differ: ormsh names a column as it
//! was asked, `customer.CompanyName`). Text, dates and NULL must be equal. Numbers are compared as
//! numbers: decimals by value (`12.5` is `12.50`), and within a relative 1e-9, because SQLite
//! keeps a `decimal(10,2)` column as a binary float, and sums it as one. A bool equals the number
//! 1 or 0, because SQLite has no bool type of its own, and raw SQL there gives the stored integer.
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`; without them those runs are
//! skipped with a printed reason, except under `CI=true`, where that is a failure. Each backend
//! loads the shop once and asks all its answered questions in one run of ormsh.

#[path = "questions/asked.rs"]
mod asked;
mod common;

use std::str::FromStr;

use asked::{ANSWERED, PENDING, Question, Sql};
use bigdecimal::BigDecimal;
use common::{Scratch, ServerKind, ormsh};
use serde_json::Value as Json;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Db {
    Sqlite,
    Postgres,
    Mysql,
}

impl Db {
    /// `text` as this database takes it: MariaDB quotes identifiers with backticks.
    fn dialect(self, text: &str) -> String {
        match self {
            Db::Mysql => text.replace('"', "`"),
            Db::Sqlite | Db::Postgres => text.to_string(),
        }
    }

    fn sql(self, question: &Question) -> String {
        let text = match question.sql {
            Sql::All(text) => text,
            Sql::Each { sqlite, postgres, mysql } => match self {
                Db::Sqlite => sqlite,
                Db::Postgres => postgres,
                Db::Mysql => mysql,
            },
        };
        format!("sql {}", self.dialect(text))
    }
}

/// The shop's statements: `shop.sql` without its comments, one statement a line (ormsh's `sql`
/// takes one line; a `;` ends each statement in the file).
fn shop(db: Db) -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/questions/shop.sql")).unwrap();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("--")).collect();
    lines
        .join(" ")
        .split(';')
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .map(|s| format!("sql {}", db.dialect(&s)))
        .collect()
}

/// Runs `commands` on `url` in one ormsh, `--format json`; what it printed, or why it failed.
fn run(url: &str, commands: &[String]) -> Result<String, String> {
    let mut args = vec!["--format", "json"];
    for command in commands {
        args.extend(["-c", command.as_str()]);
    }
    let out = ormsh(url, &args);
    if !out.status.success() {
        return Err(format!("failed ({:?}):\n{}", out.status.code(), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// [`run`], and the JSON documents it printed, one per command.
fn run_json(url: &str, commands: &[String]) -> Result<Vec<Json>, String> {
    let stdout = run(url, commands)?;
    let documents: Vec<Json> = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<Json>()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("printed output that is not JSON ({e}):\n{stdout}"))?;
    if documents.len() != commands.len() {
        return Err(format!("printed {} documents for {} commands:\n{stdout}", documents.len(), commands.len()));
    }
    Ok(documents)
}

/// A document as rows of values: a list of records, one record, or one value (`count`).
fn rows(document: &Json) -> Vec<Vec<Json>> {
    match document {
        Json::Array(items) => items.iter().flat_map(rows).collect(),
        Json::Object(record) => vec![record.values().cloned().collect()],
        value => vec![vec![value.clone()]],
    }
}

fn number(n: &serde_json::Number) -> BigDecimal {
    BigDecimal::from_str(&n.to_string()).unwrap_or_else(|e| panic!("{n} is not a number: {e}"))
}

/// Whether two values are the same answer (see the module's note).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let (x, y) = (number(x), number(y));
            let scale = x.abs().max(y.abs()).max(BigDecimal::from(1));
            (x - y).abs() <= scale * BigDecimal::from_str("1e-9").unwrap()
        }
        (Json::Bool(b), Json::Number(n)) | (Json::Number(n), Json::Bool(b)) => number(n) == u8::from(*b),
        (x, y) => x == y,
    }
}

fn same_rows(a: &[Vec<Json>], b: &[Vec<Json>]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.len() == y.len() && x.iter().zip(y).all(|(u, v)| same(u, v)))
}

fn show(rows: &[Vec<Json>]) -> String {
    rows.iter().map(|r| format!("    {}", Json::Array(r.clone()))).collect::<Vec<_>>().join("\n")
}

/// The rows ormsh gave for `question`: the part of its document the question picks.
fn ormsh_rows(question: &Question, document: &Json) -> Option<Vec<Vec<Json>>> {
    match question.pick {
        Some(pointer) => document.pointer(pointer).map(rows),
        None => Some(rows(document)),
    }
}

/// Every answered question on `url`: ormsh's rows must be the SQL's. All in one run of ormsh;
/// when that run fails, each question is run alone to name the ones that fail.
fn answered(db: Db, url: &str, problems: &mut Vec<String>) {
    let commands: Vec<String> = ANSWERED.iter().flat_map(|q| [q.ormsh.to_string(), db.sql(q)]).collect();
    let documents = match run_json(url, &commands) {
        Ok(documents) => documents,
        Err(whole) => {
            problems.push(format!("the answered questions in one run: {whole}"));
            for question in ANSWERED {
                for command in [question.ormsh.to_string(), db.sql(question)] {
                    if let Err(why) = run_json(url, std::slice::from_ref(&command)) {
                        problems.push(format!("{}\n  `{command}` {why}", question.asked));
                    }
                }
            }
            return;
        }
    };
    for (question, pair) in ANSWERED.iter().zip(documents.chunks(2)) {
        let expected = rows(&pair[1]);
        if expected.is_empty() {
            problems.push(format!("{}\n  its SQL finds no rows: an empty answer tells nothing", question.asked));
        }
        match ormsh_rows(question, &pair[0]) {
            Some(got) if same_rows(&got, &expected) => {}
            got => problems.push(format!(
                "{}\n  ormsh: {}\n{}\n  SQL:   {}\n{}",
                question.asked,
                question.ormsh,
                got.as_deref().map_or_else(|| "    (nothing at the picked place)".into(), show),
                db.sql(question),
                show(&expected)
            )),
        }
    }
}

/// Every pending question on `url`: its SQL runs and finds rows (so it is ready for the day ormsh
/// answers), and ormsh does not give its answer yet. It fails, as an error of the command
/// (status 1) with nothing printed, or it runs and answers something else.
fn pending(db: Db, url: &str, problems: &mut Vec<String>) {
    let sql: Vec<String> = PENDING.iter().map(|q| db.sql(q)).collect();
    let expected: Vec<Vec<Vec<Json>>> = match run_json(url, &sql) {
        Ok(documents) => documents.iter().map(rows).collect(),
        Err(why) => {
            problems.push(format!("the pending questions' SQL: {why}"));
            return;
        }
    };
    // One ormsh each, since each fails; a few at a time, since most of a run is waiting for the
    // server (MariaDB takes half a second to connect and read the schema).
    let outputs: Vec<std::process::Output> = std::thread::scope(|s| {
        let runs: Vec<_> = PENDING
            .chunks(PENDING.len().div_ceil(4).max(1))
            .map(|chunk| {
                s.spawn(move || {
                    chunk.iter().map(|q| ormsh(url, &["--format", "json", "-c", q.ormsh])).collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter().flat_map(|run| run.join().expect("ormsh ran")).collect()
    });
    for ((question, expected), out) in PENDING.iter().zip(&expected).zip(outputs) {
        if expected.is_empty() {
            problems.push(format!("{}\n  its SQL finds no rows: an empty answer tells nothing", question.asked));
        }
        if out.status.success() {
            let document = serde_json::from_slice::<Json>(&out.stdout).unwrap_or(Json::Null);
            if ormsh_rows(question, &document).is_some_and(|got| same_rows(&got, expected)) {
                problems.push(format!(
                    "{}\n  `{}` gives its answer now: move it from PENDING to ANSWERED in tests/questions/asked.rs",
                    question.asked, question.ormsh
                ));
            }
        } else if out.status.code() != Some(1) || !out.stdout.is_empty() {
            problems.push(format!(
                "{}\n  `{}` failed as no command should ({:?}), printing {:?}:\n{}",
                question.asked,
                question.ormsh,
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
}

/// Loads the shop on `url` and asks every question.
fn ask_everything(db: Db, url: &str) {
    if let Err(why) = run(url, &shop(db)) {
        panic!("loading tests/questions/shop.sql on {db:?}: {why}");
    }
    let mut problems = Vec::new();
    answered(db, url, &mut problems);
    pending(db, url, &mut problems);
    assert!(problems.is_empty(), "{} problem(s) on {db:?}:\n\n{}", problems.len(), problems.join("\n\n"));
}

#[test]
fn the_questions_on_sqlite() {
    let t = Scratch::new();
    ask_everything(Db::Sqlite, &t.url("shop.db"));
}

#[test]
fn the_questions_on_postgres() {
    let Some(db) = ServerKind::Postgres.fresh_db("questions", "shop") else { return };
    ask_everything(Db::Postgres, &db.url);
}

#[test]
fn the_questions_on_mariadb() {
    let Some(db) = ServerKind::Mysql.fresh_db("questions", "shop") else { return };
    ask_everything(Db::Mysql, &db.url);
}

/// The set itself: at least 30 questions, each asked once, in English; SQL that the MariaDB
/// rewrite cannot break (no double quote inside a string literal).
#[test]
fn the_question_set_is_well_formed() {
    let all: Vec<&Question> = ANSWERED.iter().chain(PENDING).collect();
    assert!(all.len() >= 30, "only {} questions", all.len());
    let mut seen = std::collections::HashSet::new();
    for question in &all {
        assert!(seen.insert(question.ormsh), "`{}` is asked twice", question.ormsh);
        assert!(question.asked.ends_with('?'), "{:?} is not a question", question.asked);
        for db in [Db::Sqlite, Db::Postgres, Db::Mysql] {
            let sql = db.sql(question);
            let literals = sql.split('\'').skip(1).step_by(2);
            assert!(literals.clone().all(|l| !l.contains('"') && !l.contains('`')), "{sql}");
        }
    }
}

/// The comparison is neither too strict nor too loose.
#[test]
fn values_compare_as_the_note_says() {
    let j = |text: &str| serde_json::from_str::<Json>(text).unwrap();
    assert!(same(&j("12.5"), &j("12.50")));
    assert!(same(&j("1234.56"), &j("1234.5600000000002")));
    assert!(!same(&j("1234.56"), &j("1234.57")));
    assert!(same(&j("true"), &j("1")) && same(&j("0"), &j("false")));
    assert!(!same(&j("\"12.5\""), &j("12.5")));
    assert!(!same(&j("null"), &j("0")));
    assert!(!same(&j("\"London\""), &j("\"london\"")));
    assert_eq!(rows(&j("3")), vec![vec![j("3")]]);
    assert_eq!(rows(&j(r#"{"a": 1, "b": null}"#)), vec![vec![j("1"), j("null")]]);
    assert!(!same_rows(&rows(&j("[[1]]")), &rows(&j("[]"))));
}
