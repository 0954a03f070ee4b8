//! Batched `add`s against the same script run one `add` at a time, on SQLite, PostgreSQL and
//! MariaDB, with runs long enough to cross every boundary the batching has: multi-row inserts of
//! up to 1000 rows, and on SQLite a prepared statement of 32 rows run chunk after chunk with a
//! one-row statement for the rest. Duplicate keys are placed in the first chunk, in a later
//! one, in the rest after the last whole chunk and right after a batch boundary: each must be
//! reported at its own line, and every other row must be stored as written.

mod common;

use common::{Scratch, ServerKind, ormsh_command, text};

const MODEL: &str = "model Item { k: int unique, v: int, t: text }";
const ROWS: usize = 2100;
/// The rows (1-based) whose `k` repeats the first row's.
const DUPLICATES: [usize; 6] = [5, 40, 98, 1001, 1002, 2099];

/// The script: `begin`, the adds (with `count Item` after each one when `separate`, so that no
/// two are batched), `commit`. Returns it with the lines of the duplicate adds.
fn script(separate: bool) -> (String, Vec<usize>) {
    let mut lines = vec!["begin".to_string()];
    let mut failing = Vec::new();
    for row in 1..=ROWS {
        // A duplicate takes the key of row 1, which is never a duplicate itself.
        let k = if DUPLICATES.contains(&row) { 1 } else { row };
        // Text that would break a statement pasted together, and some that is not ASCII.
        lines.push(format!("add Item k={k} v={} t=\"it's row {row}; 日本 \\\"{row}\\\"\"", row * 7 % 1000));
        if DUPLICATES.contains(&row) {
            failing.push(lines.len());
        }
        if separate {
            lines.push("count Item".into());
        }
    }
    lines.push("commit".into());
    (lines.join("\n") + "\n", failing)
}

/// What the table must hold: every row but the duplicates, in order of `k`.
fn expected_rows() -> Vec<(i64, i64, String)> {
    (1..=ROWS)
        .filter(|row| !DUPLICATES.contains(row))
        .map(|row| (row as i64, (row * 7 % 1000) as i64, format!("it's row {row}; 日本 \"{row}\"")))
        .collect()
}

/// Runs the script on a fresh table; returns the lines errors were reported at, and the rows.
fn run(url: &str, dir: &std::path::Path, separate: bool) -> (Vec<usize>, Vec<(i64, i64, String)>) {
    let (script, _) = script(separate);
    std::fs::write(dir.join("adds.orm"), script).expect("write the script");
    // A run that hangs fails the test instead of holding up the suite (a hang is what this
    // test first found).
    let out = assert_cmd::Command::from_std(ormsh_command(url, &["--on-error", "continue", "-f", "adds.orm"]))
        .current_dir(dir)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run ormsh");
    assert!(out.status.code().is_some(), "ormsh did not finish within two minutes");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "the duplicates fail the run:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let failing = stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("--> adds.orm:"))
        .map(|place| place.split(':').next().unwrap().parse().expect("a line number"))
        .collect();

    let read = ormsh_command(url, &["--format", "json", "-c", "query Item order by k"]).output().expect("run ormsh");
    let records: serde_json::Value = serde_json::from_slice(&read.stdout).expect("json rows");
    let rows = records
        .as_array()
        .expect("an array of rows")
        .iter()
        .map(|r| (r["k"].as_i64().unwrap(), r["v"].as_i64().unwrap(), r["t"].as_str().unwrap().to_string()))
        .collect();
    (failing, rows)
}

fn check(label: &str, fresh_table: impl Fn() -> String) {
    let scratch = Scratch::new();
    let (_, failing_lines) = script(false);
    let (_, separate_failing_lines) = script(true);
    for (separate, expected_failing) in [(false, failing_lines), (true, separate_failing_lines)] {
        let url = fresh_table();
        let (failing, rows) = run(&url, scratch.root(), separate);
        let how = if separate { "one add at a time" } else { "batched" };
        assert_eq!(failing, expected_failing, "{label}, {how}: the errors name the lines of the duplicates");
        assert!(rows == expected_rows(), "{label}, {how}: the table holds {} rows, not the ones written", rows.len());
    }
}

#[test]
fn sqlite_batches_store_what_single_adds_store() {
    let scratch = Scratch::new();
    let counter = std::cell::Cell::new(0);
    check("SQLite", || {
        counter.set(counter.get() + 1);
        let url = scratch.url(&format!("batch{}.db", counter.get()));
        let made = ormsh_command(&url, &["-c", MODEL]).output().expect("run ormsh");
        assert!(made.status.success(), "{}", text(&made.stderr));
        url
    });
}

fn server(kind: ServerKind, label: &str) {
    let Some(db) = kind.fresh_db("batching", label) else { return };
    check(label, || {
        let out =
            ormsh_command(&db.url, &["-c", "sql DROP TABLE IF EXISTS items", "-c", MODEL]).output().expect("run ormsh");
        assert!(out.status.success(), "{}", text(&out.stderr));
        db.url.clone()
    });
}

#[test]
fn postgres_batches_store_what_single_adds_store() {
    server(ServerKind::Postgres, "pg");
}

#[test]
fn mariadb_batches_store_what_single_adds_store() {
    server(ServerKind::Mysql, "my");
}

/// A run of `upsert`s in a script's transaction is batched too: keys that come again (within a
/// batch, across batches, over rows stored before the run) end with the last value written,
/// exactly as one upsert at a time leaves them.
fn upserts_store_what_single_upserts_store(label: &str, url: &str) {
    const UPSERTS: usize = 2300;
    const KEYS: usize = 700;
    let scratch = Scratch::new();
    let mut expected = std::collections::BTreeMap::new();
    let mut batched = vec!["begin".to_string()];
    let mut separate = vec!["begin".to_string()];
    for row in 1..=UPSERTS {
        // Keys repeat every KEYS rows, and a few twice in a row.
        let k = if row % 97 == 0 { (row - 1) % KEYS + 1 } else { row % KEYS + 1 };
        let line = format!("upsert Tally k={k} v={row} t=\"row {row}; it's \\\"{k}\\\"\"");
        expected.insert(k as i64, (row as i64, format!("row {row}; it's \"{k}\"")));
        batched.push(line.clone());
        separate.push(line);
        separate.push("count Tally".into());
    }
    batched.push("commit".into());
    separate.push("commit".into());
    for (how, lines) in [("batched", batched), ("one at a time", separate)] {
        let setup = ormsh_command(
            url,
            &["-c", "sql DROP TABLE IF EXISTS tallies", "-c", "model Tally { k: int unique, v: int, t: text }"],
        )
        .output()
        .expect("run ormsh");
        assert!(setup.status.success(), "{}", text(&setup.stderr));
        // A row stored before the run, which the run stores over.
        let before = ormsh_command(url, &["-c", "add Tally k=1 v=0 t=before"]).output().expect("run ormsh");
        assert!(before.status.success(), "{}", text(&before.stderr));
        std::fs::write(scratch.path("upserts.orm"), lines.join("\n") + "\n").unwrap();
        let out = assert_cmd::Command::from_std(ormsh_command(url, &["-f", "upserts.orm"]))
            .current_dir(scratch.root())
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .expect("run ormsh");
        assert!(out.status.success(), "{label}, {how}: {}", text(&out.stderr));
        let read = ormsh_command(url, &["--format", "json", "-c", "query Tally order by k"]).output().expect("run");
        let records: serde_json::Value = serde_json::from_slice(&read.stdout).expect("json rows");
        let rows: std::collections::BTreeMap<i64, (i64, String)> = records
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| (r["k"].as_i64().unwrap(), (r["v"].as_i64().unwrap(), r["t"].as_str().unwrap().to_string())))
            .collect();
        assert!(rows == expected, "{label}, {how}: {} rows, not the ones written", rows.len());
    }
}

#[test]
fn upserts_are_batched_on_every_backend() {
    let scratch = Scratch::new();
    upserts_store_what_single_upserts_store("SQLite", &scratch.url("upserts.db"));
    for (kind, label) in [(ServerKind::Postgres, "pg"), (ServerKind::Mysql, "my")] {
        if let Some(db) = kind.fresh_db("upserts", label) {
            upserts_store_what_single_upserts_store(label, &db.url);
        }
    }
}
