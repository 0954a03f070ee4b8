//! A schema of hundreds of tables: a command reads only the tables it needs, and the prompt
//! reads the whole schema in the background, for completion, after the prompt is shown.
//!
//! What was read is seen through `ORMSH_DEBUG_CATALOG`, which has ormsh tell each catalog read
//! on stderr (`ormsh: catalog read: …`). Nothing here measures time (the bench does).

mod common;

use std::process::{Command, Output};

use common::{ORMSH, Scratch, ServerKind, assert_success, text};
use rexpect::session::{Options, spawn_with_options};

/// Tables in the schema: `t0000` … `t0299`. Each table from `t0010` on refers to one of the
/// first ten (`t0017.parent_id` → `t0007`), as a schema's tables refer to its few central ones.
const TABLES: usize = 300;

/// Tables on MySQL/MariaDB, whose CREATE TABLE is slow.
const MYSQL_TABLES: usize = 60;

fn table(i: usize) -> String {
    format!("t{i:04}")
}

/// The statements that make the schema, in `dialect`'s words for a key the database numbers.
fn schema(key: &str) -> Vec<String> {
    (0..TABLES)
        .map(|i| {
            let parent =
                if i >= 10 { format!(", parent_id BIGINT REFERENCES {} (id)", table(i % 10)) } else { String::new() };
            format!("CREATE TABLE {} (id {key}, label TEXT NOT NULL, amount INTEGER{parent})", table(i))
        })
        .collect()
}

/// `ormsh URL -c …` with every catalog read told on stderr.
fn run_told(url: &str, commands: &[&str]) -> Output {
    let mut cmd = Command::new(ORMSH);
    cmd.env_remove("DATABASE_URL").env("NO_COLOR", "1").env("ORMSH_DEBUG_CATALOG", "1").arg(url);
    for c in commands {
        cmd.arg("-c").arg(c);
    }
    cmd.output().expect("run ormsh")
}

/// The catalog reads a run told of, in order.
fn reads(out: &Output) -> Vec<String> {
    text(&out.stderr).lines().filter_map(|l| l.strip_prefix("ormsh: catalog read: ")).map(String::from).collect()
}

/// The rows the checks count: three in the middle table, one in `t0001` and one in `t0011`
/// that refers to it.
fn rows(tables: usize) -> [String; 3] {
    [
        format!("sql INSERT INTO {} (label, amount) VALUES ('a', 1), ('b', 2), ('c', 3)", table(tables / 2)),
        "sql INSERT INTO t0001 (label, amount) VALUES ('root', 0)".into(),
        "sql INSERT INTO t0011 (label, amount, parent_id) VALUES ('child', 7, 1)".into(),
    ]
}

/// Makes the schema on `url` (the key in the database's words), with its [`rows`].
fn make_schema(t: &Scratch, url: &str, key: &str) {
    let mut script = vec!["begin".to_string()];
    script.extend(schema(key).into_iter().map(|s| format!("sql {s}")));
    script.extend(rows(TABLES));
    script.push("commit".into());
    let path = t.write("schema.orm", &script.join("\n"));
    let out = t.cmd().arg(url).arg("-f").arg(&path).output().expect("run ormsh");
    assert_success(&out, "making the schema");
}

/// An SQLite file holding the schema.
fn sqlite_schema(t: &Scratch) -> String {
    let url = t.url("big.db");
    make_schema(t, &url, "INTEGER PRIMARY KEY");
    url
}

/// The reads of a one-shot command on the schema: the names, then the named table with the
/// tables it refers to; a path through a relation reads what refers to the table, and a
/// misspelt model reads the names again for "did you mean", never every table.
fn reads_only_what_commands_need(url: &str, tables: usize) {
    let names = format!("names of {tables} tables");
    let counted = tables / 2;

    let out = run_told(url, &[&format!("count T{counted:04} where amount > 1")]);
    assert_success(&out, "count");
    assert_eq!(text(&out.stdout).trim(), "2");
    assert_eq!(reads(&out), [names.clone(), format!("2 tables from {}", table(counted))]);

    // `t0001` is referred to by `t0011`, `t0021`, …: one table in ten but the first.
    let out = run_told(url, &["count T0001 where t0011s.amount = 7"]);
    assert_success(&out, "count through a relation");
    assert_eq!(text(&out.stdout).trim(), "1");
    let around = format!("{} tables around t0001", 1 + (tables - 2) / 10);
    assert_eq!(reads(&out), [names.clone(), "1 tables from t0001".into(), around]);

    let out = run_told(url, &[&format!("count Tx{counted:04}")]);
    assert!(!out.status.success());
    let help = format!("did you mean `T{counted:04}`?");
    assert!(text(&out.stderr).contains(&help), "{}", text(&out.stderr));
    assert_eq!(reads(&out), [names.clone(), names.clone()]);

    // `models` lists every table, and reads them all.
    let out = run_told(url, &["models"]);
    assert_success(&out, "models");
    assert_eq!(text(&out.stdout).lines().filter(|l| l.contains("| t0")).count(), tables);
    assert_eq!(reads(&out), [names, format!("all {tables} tables")]);
}

#[test]
fn a_one_shot_command_reads_only_the_tables_it_needs_on_sqlite() {
    let t = Scratch::new();
    let url = sqlite_schema(&t);
    reads_only_what_commands_need(&url, TABLES);
}

#[test]
fn a_one_shot_command_reads_only_the_tables_it_needs_on_postgres() {
    let Some(db) = ServerKind::Postgres.fresh_db("big_schema", "one_shot") else { return };
    make_schema(&Scratch::new(), &db.url, "BIGSERIAL PRIMARY KEY");
    reads_only_what_commands_need(&db.url, TABLES);
}

/// At the prompt, the first prompt comes before the whole schema is read; the read then
/// happens while the prompt waits, and completion offers the fields of a table no command has
/// named.
#[test]
fn the_prompt_reads_the_whole_schema_in_the_background_for_completion() {
    let t = Scratch::new();
    let url = sqlite_schema(&t);
    let mut cmd = Command::new(ORMSH);
    cmd.arg(&url)
        .current_dir(t.root())
        .env("HOME", t.root())
        .env("XDG_DATA_HOME", t.path("data"))
        .env("XDG_CONFIG_HOME", t.path("config"))
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env("ORMSH_DEBUG_CATALOG", "1")
        .env_remove("DATABASE_URL");
    let options = Options::new().timeout_ms(Some(10_000)).strip_ansi_escape_codes(true);
    let mut p = spawn_with_options(cmd, options).expect("spawn ormsh on a pty");
    let before_prompt = p.exp_string("ormsh big.db> ").expect("the first prompt");
    assert!(before_prompt.contains(&format!("names of {TABLES} tables")), "{before_prompt:?}");
    assert!(!before_prompt.contains("all "), "the whole schema was read before the prompt: {before_prompt:?}");
    p.exp_string(&format!("catalog read: all {TABLES} tables")).expect("the whole schema read after the prompt");
    // Fields of `t0222`, which no command named: only the background read knows them.
    p.send("query T0222 where amo").expect("type");
    p.flush().expect("flush");
    p.send("\t").expect("press Tab");
    p.flush().expect("flush");
    p.exp_string("where amount").expect("the field completed");
    p.send("\u{3}").expect("Ctrl-C clears the line");
    p.flush().expect("flush");
    p.exp_string("ormsh big.db> ").expect("the prompt again");
    p.send_line(&format!("count T{:04}", TABLES / 2)).expect("type a command");
    p.exp_string("3").expect("the count");
    p.exp_string("ormsh big.db> ").expect("the prompt again");
    p.send_line("quit").expect("quit");
    p.exp_eof().expect("ormsh leaves");
}

#[test]
fn a_one_shot_command_reads_only_the_tables_it_needs_on_mysql() {
    let Some(db) = ServerKind::Mysql.fresh_db("big_schema", "one_shot") else { return };
    // A foreign key written with its column is ignored by MySQL: the table's own clause is not.
    let t = Scratch::new();
    // No `begin`: MySQL commits before each CREATE TABLE, so ormsh refuses one in a transaction.
    let mut script = Vec::new();
    for i in 0..MYSQL_TABLES {
        let parent = if i >= 10 {
            format!(", parent_id BIGINT, FOREIGN KEY (parent_id) REFERENCES {} (id)", table(i % 10))
        } else {
            String::new()
        };
        script.push(format!(
            "sql CREATE TABLE {} (id BIGINT AUTO_INCREMENT PRIMARY KEY, label TEXT NOT NULL, amount INTEGER{parent})",
            table(i)
        ));
    }
    script.extend(rows(MYSQL_TABLES));
    let path = t.write("schema.orm", &script.join("\n"));
    let out = t.cmd().arg(&db.url).arg("-f").arg(&path).output().expect("run ormsh");
    assert_success(&out, "making the schema");
    reads_only_what_commands_need(&db.url, MYSQL_TABLES);
}
