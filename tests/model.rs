//! ormsh against a plain model of a table and of the transaction state, on SQLite, PostgreSQL
//! and MariaDB.
//!
//! proptest generates sequences of `add`, `update`, `delete` and transaction control (`begin`,
//! `commit`, `rollback`, `savepoint`, `rollback to`, `release`), some of them invalid on purpose
//! (a duplicate key, a `commit` with nothing open, an unknown savepoint). A model in Rust says
//! what each should do: autocommit outside `begin`; inside, a failed command is undone alone and
//! the transaction goes on; `rollback to` keeps its savepoint, `release` removes it and every
//! later one; a script that ends inside a transaction is rolled back. Each sequence runs as one
//! script through the binary with `--on-error continue`, and then the table, the lines the errors
//! point at, the counts printed on the way and the exit status are compared with the model.
//!
//! Half of the scripts put a `count Row` after every `add`, so nothing is batched; the others let
//! consecutive `add`s inside a transaction be written as multi-row inserts.
//!
//! 40 sequences per backend unless `PROPTEST_CASES` says otherwise. The servers come from
//! `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`; without them those runs are skipped with a printed
//! reason, except under `CI=true`, where that is a failure. Failing cases are not saved to a
//! regressions file (the failure message prints the whole script instead).

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Scratch, ServerDb, ServerKind, ormsh, ormsh_command};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};

const MODEL: &str = "model Row { k: int unique, v: int }";
/// Savepoint names are drawn from a few, so that they are reused.
const SAVEPOINT_NAMES: usize = 4;
const MAX_OPS: usize = 40;

// ---------------------------------------------------------------------------------------------
// Databases

/// One database, made for one test and dropped after it: a fresh SQLite file per case lives in
/// the directory; on a server, the table is reset instead.
enum Database {
    Sqlite(Scratch),
    Server(ServerDb),
}

static CASE_NUMBER: AtomicUsize = AtomicUsize::new(0);

impl Database {
    /// A URL with an empty table `rows` (model `Row`) for one case: a new SQLite file, or the
    /// server's table dropped and made again.
    fn fresh_table(&self) -> Result<String, String> {
        let (url, reset): (String, Vec<&str>) = match self {
            Database::Sqlite(scratch) => {
                let n = CASE_NUMBER.fetch_add(1, Ordering::Relaxed);
                (scratch.url(&format!("case{n}.db")), vec!["-c", MODEL])
            }
            // `rows` is a reserved word on MariaDB: quoted the server's way.
            Database::Server(db) if db.kind == ServerKind::Mysql => {
                (db.url.clone(), vec!["-c", "sql DROP TABLE IF EXISTS `rows`", "-c", MODEL])
            }
            Database::Server(db) => (db.url.clone(), vec!["-c", "sql DROP TABLE IF EXISTS \"rows\"", "-c", MODEL]),
        };
        let out = ormsh(&url, &reset);
        if !out.status.success() {
            return Err(format!("cannot make the table: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(url)
    }

    /// Where scripts are written.
    fn dir(&self) -> (Option<Scratch>, std::path::PathBuf) {
        match self {
            Database::Sqlite(s) => (None, s.root().to_path_buf()),
            Database::Server(_) => {
                let s = Scratch::new();
                let dir = s.root().to_path_buf();
                (Some(s), dir)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations, as generated. Each is turned into a command by looking at the model, so a shrunk
// sequence still makes sense: `pick` chooses among the keys or savepoints that exist then, and
// `invalid` asks for the failing form of a command (ignored in clean sequences).

#[derive(Debug, Clone)]
enum Op {
    /// `add Row k=… v=…`: a new key, or (`dup`) one that exists (a unique violation).
    Add {
        dup: bool,
        pick: usize,
        v: i64,
    },
    /// `update Row where k=… set v=…` on an existing key, or (`miss`) on none.
    Update {
        miss: bool,
        pick: usize,
        v: i64,
    },
    /// `update Row where v > … set v=…`.
    UpdateAbove {
        above: i64,
        v: i64,
    },
    /// `update Row where k=… set k=…`: to a new key, or (`clash`) to another existing one.
    Rekey {
        clash: bool,
        pick: usize,
        to: usize,
    },
    /// `delete Row where k=…` on an existing key, or (`miss`) on none.
    Delete {
        miss: bool,
        pick: usize,
    },
    Begin {
        invalid: bool,
    },
    Commit {
        invalid: bool,
    },
    Rollback {
        invalid: bool,
    },
    Savepoint {
        name: usize,
        invalid: bool,
    },
    RollbackTo {
        pick: usize,
        invalid: bool,
    },
    Release {
        pick: usize,
        invalid: bool,
    },
}

#[derive(Debug, Clone)]
struct Case {
    ops: Vec<Op>,
    /// No command is invalid on purpose.
    clean: bool,
    /// A `count Row` after every `add`: nothing is batched.
    separate_adds: bool,
    /// How an open transaction is closed at the end: commit, rollback, or left open.
    close: Option<bool>,
}

fn value() -> impl Strategy<Value = i64> {
    0i64..100
}

/// Chooses among the keys or savepoints there are (modulo their number); small, so that it
/// shrinks fast.
fn pick() -> impl Strategy<Value = usize> {
    0usize..16
}

fn op() -> impl Strategy<Value = Op> {
    let invalid = || prop::bool::weighted(0.15);
    prop_oneof![
        10 => (prop::bool::weighted(0.12), pick(), value()).prop_map(|(dup, pick, v)| Op::Add { dup, pick, v }),
        2 => (prop::bool::weighted(0.2), pick(), value()).prop_map(|(miss, pick, v)| Op::Update { miss, pick, v }),
        1 => (value(), value()).prop_map(|(above, v)| Op::UpdateAbove { above, v }),
        1 => (prop::bool::weighted(0.3), pick(), pick())
            .prop_map(|(clash, pick, to)| Op::Rekey { clash, pick, to }),
        2 => (prop::bool::weighted(0.2), pick()).prop_map(|(miss, pick)| Op::Delete { miss, pick }),
        3 => invalid().prop_map(|invalid| Op::Begin { invalid }),
        1 => invalid().prop_map(|invalid| Op::Commit { invalid }),
        1 => invalid().prop_map(|invalid| Op::Rollback { invalid }),
        2 => (0..SAVEPOINT_NAMES, invalid()).prop_map(|(name, invalid)| Op::Savepoint { name, invalid }),
        1 => (pick(), invalid()).prop_map(|(pick, invalid)| Op::RollbackTo { pick, invalid }),
        1 => (pick(), invalid()).prop_map(|(pick, invalid)| Op::Release { pick, invalid }),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(op(), 0..=MAX_OPS),
        prop::bool::weighted(0.35),
        any::<bool>(),
        prop_oneof![Just(None), Just(Some(true)), Just(Some(false))],
    )
        .prop_map(|(ops, clean, separate_adds, close)| Case { ops, clean, separate_adds, close })
}

// ---------------------------------------------------------------------------------------------
// The model

type Rows = BTreeMap<i64, i64>;

#[derive(Debug, Default)]
struct Tx {
    rows: Rows,
    /// The user's savepoints, oldest first, each with the rows as they were when it was set.
    savepoints: Vec<(String, Rows)>,
}

#[derive(Debug, Default)]
struct Model {
    committed: Rows,
    tx: Option<Tx>,
    /// Keys handed out so far; a new key is never one used before.
    next_key: i64,
}

impl Model {
    fn rows(&self) -> &Rows {
        self.tx.as_ref().map_or(&self.committed, |tx| &tx.rows)
    }

    fn rows_mut(&mut self) -> &mut Rows {
        match &mut self.tx {
            Some(tx) => &mut tx.rows,
            None => &mut self.committed,
        }
    }

    fn new_key(&mut self) -> i64 {
        self.next_key += 1;
        self.next_key
    }

    fn existing_key(&self, pick: usize) -> Option<i64> {
        let rows = self.rows();
        (!rows.is_empty()).then(|| *rows.keys().nth(pick % rows.len()).unwrap())
    }

    /// A key that no row has and none will have.
    fn missing_key(&self, pick: usize) -> i64 {
        1_000_000 + (pick % 1000) as i64
    }

    fn savepoint_names(&self) -> Vec<String> {
        self.tx.as_ref().map(|tx| tx.savepoints.iter().map(|(n, _)| n.clone()).collect()).unwrap_or_default()
    }

    /// The command for `op`, and whether it succeeds; its effect is applied to the model.
    /// `None` when the op makes no sense here (and is not asked to fail).
    fn step(&mut self, op: &Op, clean: bool) -> Option<(String, bool)> {
        let invalid_ok = |flag: bool| flag && !clean;
        match *op {
            Op::Add { dup, pick, v } => {
                if invalid_ok(dup)
                    && let Some(k) = self.existing_key(pick)
                {
                    return Some((format!("add Row k={k} v={v}"), false));
                }
                let k = self.new_key();
                self.rows_mut().insert(k, v);
                Some((format!("add Row k={k} v={v}"), true))
            }
            Op::Update { miss, pick, v } => {
                let k = match self.existing_key(pick) {
                    Some(k) if !miss => {
                        self.rows_mut().insert(k, v);
                        k
                    }
                    _ => self.missing_key(pick),
                };
                Some((format!("update Row where k={k} set v={v}"), true))
            }
            Op::UpdateAbove { above, v } => {
                for value in self.rows_mut().values_mut() {
                    if *value > above {
                        *value = v;
                    }
                }
                Some((format!("update Row where v > {above} set v={v}"), true))
            }
            Op::Rekey { clash, pick, to } => {
                let k = self.existing_key(pick)?;
                if invalid_ok(clash) {
                    let other = self.existing_key(to).unwrap();
                    return Some((format!("update Row where k={k} set k={other}"), other == k));
                }
                let other = self.new_key();
                let v = self.rows_mut().remove(&k).unwrap();
                self.rows_mut().insert(other, v);
                Some((format!("update Row where k={k} set k={other}"), true))
            }
            Op::Delete { miss, pick } => {
                let k = match self.existing_key(pick) {
                    Some(k) if !miss => {
                        self.rows_mut().remove(&k);
                        k
                    }
                    _ => self.missing_key(pick),
                };
                Some((format!("delete Row where k={k}"), true))
            }
            Op::Begin { invalid } => match self.tx {
                None => {
                    self.tx = Some(Tx { rows: self.committed.clone(), savepoints: Vec::new() });
                    Some(("begin".into(), true))
                }
                Some(_) if invalid_ok(invalid) => Some(("begin".into(), false)),
                Some(_) => None,
            },
            Op::Commit { invalid } => match self.tx.take() {
                Some(tx) => {
                    self.committed = tx.rows;
                    Some(("commit".into(), true))
                }
                None if invalid_ok(invalid) => Some(("commit".into(), false)),
                None => None,
            },
            Op::Rollback { invalid } => match self.tx.take() {
                Some(_) => Some(("rollback".into(), true)),
                None if invalid_ok(invalid) => Some(("rollback".into(), false)),
                None => None,
            },
            Op::Savepoint { name, invalid } => {
                let name = format!("s{name}");
                match &mut self.tx {
                    Some(tx) => {
                        // A name set again moves to the top (MySQL's rule, which ormsh keeps on
                        // every backend).
                        tx.savepoints.retain(|(n, _)| *n != name);
                        tx.savepoints.push((name.clone(), tx.rows.clone()));
                        Some((format!("savepoint {name}"), true))
                    }
                    None if invalid_ok(invalid) => Some((format!("savepoint {name}"), false)),
                    None => None,
                }
            }
            Op::RollbackTo { pick, invalid } => {
                if invalid_ok(invalid) {
                    return Some((format!("rollback to {}", self.unknown_savepoint(pick)), false));
                }
                let tx = self.tx.as_mut()?;
                if tx.savepoints.is_empty() {
                    return None;
                }
                let at = pick % tx.savepoints.len();
                tx.savepoints.truncate(at + 1);
                tx.rows = tx.savepoints[at].1.clone();
                Some((format!("rollback to {}", tx.savepoints[at].0), true))
            }
            Op::Release { pick, invalid } => {
                if invalid_ok(invalid) {
                    return Some((format!("release {}", self.unknown_savepoint(pick)), false));
                }
                let tx = self.tx.as_mut()?;
                if tx.savepoints.is_empty() {
                    return None;
                }
                let at = pick % tx.savepoints.len();
                let name = tx.savepoints[at].0.clone();
                tx.savepoints.truncate(at);
                Some((format!("release {name}"), true))
            }
        }
    }

    /// A savepoint name that is not set now (one that was, if possible).
    fn unknown_savepoint(&self, pick: usize) -> String {
        let set = self.savepoint_names();
        (0..SAVEPOINT_NAMES)
            .map(|i| format!("s{}", (pick + i) % SAVEPOINT_NAMES))
            .find(|n| !set.contains(n))
            .unwrap_or_else(|| "nosuch".into())
    }
}

/// A case turned into a script, with what the model says it does.
#[derive(Debug)]
struct Expected {
    script: String,
    /// The script's lines (1-based) whose command fails.
    failing_lines: Vec<usize>,
    /// What each `count Row` prints.
    counts: Vec<usize>,
    /// The table at the end.
    rows: Vec<(i64, i64)>,
    ended_in_transaction: bool,
    exit_code: i32,
}

fn expect(case: &Case) -> Expected {
    let mut model = Model::default();
    let mut lines: Vec<String> = Vec::new();
    let mut failing_lines = Vec::new();
    let mut counts = Vec::new();
    let mut push = |lines: &mut Vec<String>, (command, ok): (String, bool)| {
        lines.push(command);
        if !ok {
            failing_lines.push(lines.len());
        }
    };
    for op in &case.ops {
        let Some(step) = model.step(op, case.clean) else { continue };
        push(&mut lines, step);
        if case.separate_adds && matches!(op, Op::Add { .. }) {
            lines.push("count Row".into());
            counts.push(model.rows().len());
        }
    }
    if let Some(commit) = case.close
        && model.tx.is_some()
    {
        let op = if commit { Op::Commit { invalid: false } } else { Op::Rollback { invalid: false } };
        let step = model.step(&op, true).unwrap();
        push(&mut lines, step);
    }
    let ended_in_transaction = model.tx.take().is_some();
    let exit_code = if failing_lines.is_empty() && !ended_in_transaction { 0 } else { 1 };
    let mut script = lines.join("\n");
    script.push('\n');
    Expected {
        script,
        failing_lines,
        counts,
        rows: model.committed.into_iter().collect(),
        ended_in_transaction,
        exit_code,
    }
}

// ---------------------------------------------------------------------------------------------
// Running a case

fn numbered(script: &str) -> String {
    script.lines().enumerate().map(|(i, l)| format!("{:>3} | {l}\n", i + 1)).collect()
}

/// Runs one case; a description of every difference from the model, with the script.
fn run_case(db: &Database, case: &Case) -> Result<(), String> {
    let expected = expect(case);
    let url = db.fresh_table()?;
    let (_keep, dir) = db.dir();
    std::fs::write(dir.join("script.orm"), &expected.script).expect("write the script");
    let out = ormsh_command(&url, &["--on-error", "continue", "--format", "json", "-f", "script.orm"])
        .current_dir(&dir)
        .env("HOME", &dir)
        .output()
        .expect("run ormsh");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();

    let mut problems = Vec::new();
    if out.status.code() != Some(expected.exit_code) {
        problems.push(format!("exit status {:?}, the model says {}", out.status.code(), expected.exit_code));
    }
    if stderr.contains("panicked") {
        problems.push("ormsh panicked".into());
    }
    let failing_lines: Vec<usize> = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> script.orm:"))
        .map(|place| place.split(':').next().unwrap().parse().expect("a line number"))
        .collect();
    if failing_lines != expected.failing_lines {
        problems
            .push(format!("errors at lines {failing_lines:?}, the model says at lines {:?}", expected.failing_lines));
    }
    let counts: Vec<usize> = stdout.lines().filter_map(|l| l.trim().parse().ok()).collect();
    if counts != expected.counts {
        problems.push(format!("`count Row` printed {counts:?}, the model says {:?}", expected.counts));
    }
    let rolled_back_note = stderr.contains("the open transaction was rolled back");
    if rolled_back_note != expected.ended_in_transaction {
        problems.push(format!(
            "the note that the open transaction was rolled back is {}, but the script ends {} a transaction",
            if rolled_back_note { "there" } else { "missing" },
            if expected.ended_in_transaction { "inside" } else { "outside" },
        ));
    }

    let read = ormsh(&url, &["--format", "json", "-c", "query Row order by k"]);
    let table = String::from_utf8_lossy(&read.stdout);
    match serde_json::from_str::<serde_json::Value>(&table) {
        Ok(serde_json::Value::Array(records)) => {
            let rows: Vec<(i64, i64)> = records
                .iter()
                .map(|r| (r["k"].as_i64().unwrap_or(i64::MIN), r["v"].as_i64().unwrap_or(i64::MIN)))
                .collect();
            if rows != expected.rows {
                problems.push(format!("the table holds (k, v) {rows:?}\n  the model says {:?}", expected.rows));
            }
        }
        _ => problems.push(format!(
            "reading the table failed ({:?}):\n{table}\n{}",
            read.status.code(),
            String::from_utf8_lossy(&read.stderr)
        )),
    }

    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}\n\nscript ({}, run with --on-error continue):\n{}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        problems.join("\n"),
        if case.separate_adds { "a count after every add" } else { "adds may be batched" },
        numbered(&expected.script),
    ))
}

fn check(label: &str, db: Database) {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(40);
    let config = Config {
        cases,
        // Every step of shrinking runs the binary a few times.
        max_shrink_iters: 1000,
        max_shrink_time: 300_000,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&case(), |case| run_case(&db, &case).map_err(TestCaseError::fail)) {
        Ok(()) => {}
        Err(TestError::Fail(reason, case)) => {
            panic!("{label}: ormsh differs from the model on this (shrunk) case:\n{reason}\n{case:?}")
        }
        Err(TestError::Abort(reason)) => panic!("{label}: {reason}"),
    }
}

#[test]
fn sqlite_behaves_like_the_model() {
    check("SQLite", Database::Sqlite(Scratch::new()));
}

#[test]
fn postgres_behaves_like_the_model() {
    if let Some(db) = ServerKind::Postgres.fresh_db("model", "pg") {
        check("PostgreSQL", Database::Server(db));
    }
}

#[test]
fn mariadb_behaves_like_the_model() {
    if let Some(db) = ServerKind::Mysql.fresh_db("model", "my") {
        check("MariaDB", Database::Server(db));
    }
}

/// The model itself, on a hand-written case: so that a wrong model does not pass for a bug.
#[test]
fn the_model_follows_the_rules() {
    let case = Case {
        ops: vec![
            Op::Add { dup: false, pick: 0, v: 10 },     // k=1, autocommit
            Op::Begin { invalid: false },               //
            Op::Add { dup: false, pick: 0, v: 20 },     // k=2
            Op::Add { dup: true, pick: 0, v: 30 },      // k=1 again: fails alone
            Op::Savepoint { name: 0, invalid: false },  // s0
            Op::Delete { miss: false, pick: 0 },        // k=1 goes
            Op::Savepoint { name: 1, invalid: false },  // s1
            Op::Add { dup: false, pick: 0, v: 40 },     // k=3
            Op::RollbackTo { pick: 0, invalid: false }, // back to s0: k=1 and k=2; s1 gone
            Op::Release { pick: 1, invalid: true },     // s1 is gone: fails
            Op::UpdateAbove { above: 15, v: 5 },        // k=2 → 5
            Op::Commit { invalid: false },              //
            Op::Commit { invalid: true },               // nothing open: fails
            Op::Begin { invalid: false },               //
            Op::Add { dup: false, pick: 0, v: 50 },     // k=4, rolled back at the end
        ],
        clean: false,
        separate_adds: true,
        close: None,
    };
    let expected = expect(&case);
    assert_eq!(
        expected.script,
        "add Row k=1 v=10\ncount Row\nbegin\nadd Row k=2 v=20\ncount Row\nadd Row k=1 v=30\ncount Row\n\
         savepoint s0\ndelete Row where k=1\nsavepoint s1\nadd Row k=3 v=40\ncount Row\nrollback to s0\n\
         release s1\nupdate Row where v > 15 set v=5\ncommit\ncommit\nbegin\nadd Row k=4 v=50\ncount Row\n"
    );
    assert_eq!(expected.failing_lines, vec![6, 14, 17]);
    assert_eq!(expected.counts, vec![1, 2, 2, 2, 3]);
    assert_eq!(expected.rows, vec![(1, 10), (2, 5)]);
    assert!(expected.ended_in_transaction);
    assert_eq!(expected.exit_code, 1);
}
