//! `alter` (issue 15, item 5) on SQLite, PostgreSQL and MariaDB alike: a field added (a
//! reference, a unique field, one with a default), renamed and dropped, an index and a unique
//! index; SQLite's table rebuild keeping rows, keys, indexes, references (to and from the table)
//! and triggers; `alter` inside `begin`, rolled back with the transaction (PostgreSQL, SQLite)
//! or refused (MariaDB); `explain alter`.
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`; without them their part is
//! skipped with a printed reason, except under `CI=true`, where that is a failure.

mod common;

use common::{Scratch, ServerDb, ServerKind, ok_csv, ormsh, scalar};

/// One database of a test, kept for as long as the test runs.
struct Db {
    backend: &'static str,
    url: String,
    _scratch: Scratch,
    _server: Option<ServerDb>,
}

impl Db {
    fn sqlite(&self) -> bool {
        self.backend == "SQLite"
    }
}

/// SQLite, and each server that is configured, each with `setup` run on it.
fn databases(label: &str, setup: &[&str]) -> Vec<Db> {
    let scratch = Scratch::new();
    let url = scratch.url("alter.db");
    let mut dbs = vec![Db { backend: "SQLite", url, _scratch: scratch, _server: None }];
    for (backend, kind) in [("PostgreSQL", ServerKind::Postgres), ("MariaDB", ServerKind::Mysql)] {
        if let Some(server) = kind.fresh_db("alter", label) {
            dbs.push(Db { backend, url: server.url.clone(), _scratch: Scratch::new(), _server: Some(server) });
        }
    }
    for db in &dbs {
        ok_csv(&db.url, setup);
    }
    dbs
}

/// Runs `commands`, of which the last must fail; returns its stderr.
fn fails(db: &Db, commands: &[&str]) -> String {
    let mut args = vec![];
    for c in commands {
        args.extend(["-c", *c]);
    }
    let out = ormsh(&db.url, &args);
    assert!(!out.status.success(), "{}: {commands:?} succeeded", db.backend);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `sql` with the SQLite shell (a trigger's body holds `;`, which ends a statement of
/// ormsh's `sql`).
fn sqlite3(path: &std::path::Path, sql: &str) {
    let out = std::process::Command::new("sqlite3")
        .arg(path)
        .arg(sql)
        .output()
        .expect("run sqlite3 (the SQLite command-line shell)");
    common::assert_success(&out, &format!("sqlite3 `{sql}`"));
}

/// `describe` as CSV: one line per field (name, type, null, key, references).
fn fields(db: &Db, model: &str) -> Vec<String> {
    let out = ok_csv(&db.url, &[&format!("describe {model}")]);
    out.lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            format!("{} {} {} {} {}", cells[0], cells[1], cells[3], cells[4], cells[6])
        })
        .collect()
}

const SHOP: [&str; 6] = [
    "model Team { name: text unique }",
    "model User { name: text, email: text unique, team: Team? }",
    "add Team name=red",
    "add Team name=blue",
    "add User name=Ann email=a@x.io team=1",
    "add User name=Bob email=b@x.io team=2",
];

#[test]
fn fields_are_added_renamed_and_dropped_and_the_next_command_knows_them() {
    for db in databases("fields", &SHOP) {
        // Each `-c` is a command of one session: the catalog follows each change at once.
        ok_csv(
            &db.url,
            &[
                "alter User add phone: text?",
                "update User where name=Ann set phone=555",
                "alter User add score: int = 7",
                "alter User add boss: User?",
                "update User where name=Bob set boss=1",
                "alter User rename phone to mobile",
                "alter User add code: text? unique",
                "update User where name=Bob set code=b",
            ],
        );
        let rows = ok_csv(&db.url, &["query User fields name, mobile, score, boss.name, code order by name"]);
        assert_eq!(rows, "name,mobile,score,boss.name,code\nAnn,555,7,,\nBob,,7,Ann,b\n", "{}", db.backend);
        // The unique field is unique.
        let err = fails(&db, &["update User where name=Ann set code=b"]);
        assert!(err.to_lowercase().contains("unique") || err.contains("Duplicate"), "{}: {err}", db.backend);
        // A reference added is a foreign key.
        let err = fails(&db, &["update User where name=Ann set boss=99"]);
        assert!(err.to_lowercase().contains("foreign key"), "{}: {err}", db.backend);
        // Dropped: the field of a reference, a unique field, a plain one.
        ok_csv(
            &db.url,
            &["alter User drop boss confirm", "alter User drop code confirm", "alter User drop mobile confirm"],
        );
        let described = fields(&db, "User");
        let names: Vec<&str> = described.iter().map(|f| f.split(' ').next().unwrap()).collect();
        assert_eq!(names, ["id", "name", "email", "team_id", "score"], "{}", db.backend);
        assert_eq!(common::count(&db.url, "User"), 2, "{}", db.backend);
    }
}

#[test]
fn a_required_field_is_added_to_an_empty_table_and_refused_on_one_with_rows() {
    for db in databases("required", &SHOP) {
        let err = fails(&db, &["alter User add age: int"]);
        assert!(err.contains("User has rows, and `age` is required with no default"), "{}: {err}", db.backend);
        let err = fails(&db, &["alter User add leader: User"]);
        assert!(err.contains("`leader` is required with no default"), "{}: {err}", db.backend);
        assert!(!fields(&db, "User").iter().any(|f| f.starts_with("age ")), "{}", db.backend);
        // With a default, the rows take it.
        ok_csv(&db.url, &["alter User add age: int = 18"]);
        assert_eq!(scalar(&db.url, "count User where age = 18"), "2", "{}", db.backend);
        // On an empty table (a rebuild on SQLite, which adds no NOT NULL column without a default).
        ok_csv(&db.url, &["model Note { text: text }", "alter Note add user: User", "alter Note add stars: int"]);
        ok_csv(&db.url, &["add Note text=hi user=1 stars=3"]);
        let err = fails(&db, &["add Note text=hi stars=3"]);
        assert!(err.contains("user"), "{}: {err}", db.backend);
        let err = fails(&db, &["add Note text=x user=77 stars=1"]);
        assert!(err.to_lowercase().contains("foreign key"), "{}: {err}", db.backend);
        let described = fields(&db, "Note");
        assert!(
            described.contains(&"user_id (user) int no \"\" users.id".to_string()),
            "{}: {described:?}",
            db.backend
        );
    }
}

#[test]
fn indexes_and_unique_indexes_are_made_over_fields() {
    for db in databases("indexes", &SHOP) {
        ok_csv(&db.url, &["alter User index (name, team)", "alter User unique (name)"]);
        let described = String::from_utf8_lossy(&ormsh(&db.url, &["-c", "describe User"]).stdout).into_owned();
        assert!(described.contains("index users_name_team_id_idx (name, team_id)"), "{}: {described}", db.backend);
        assert!(described.contains("unique index users_name_key (name)"), "{}: {described}", db.backend);
        let err = fails(&db, &["add User name=Ann email=c@x.io"]);
        assert!(err.to_lowercase().contains("unique") || err.contains("Duplicate"), "{}: {err}", db.backend);
        let err = fails(&db, &["alter User unique (name)"]);
        assert!(err.contains("User already has a unique index on (name): `users_name_key`"), "{}: {err}", db.backend);
    }
}

#[test]
fn rename_keeps_the_values_and_a_reference_keeps_its_id() {
    for db in databases("rename", &SHOP) {
        ok_csv(&db.url, &["alter User rename team to squad", "alter User rename name to full_name"]);
        let rows = ok_csv(&db.url, &["query User fields full_name, squad.name order by id"]);
        assert_eq!(rows, "full_name,squad.name\nAnn,red\nBob,blue\n", "{}", db.backend);
        let err = fails(&db, &["alter User rename full_name to email"]);
        assert!(err.contains("User already has a field `email`"), "{}: {err}", db.backend);
        let err = fails(&db, &["alter User drop id confirm"]);
        assert!(err.contains("`id` is User's primary key"), "{}: {err}", db.backend);
    }
}

#[test]
fn last_field_and_a_referred_to_field_are_not_dropped() {
    for db in databases("last", &["sql CREATE TABLE lone (word TEXT)", "refresh"]) {
        let err = fails(&db, &["alter Lone drop word confirm"]);
        assert!(err.contains("`word` is Lone's last field"), "{}: {err}", db.backend);
    }
    for db in databases("referred", &SHOP) {
        let err = fails(&db, &["alter Team drop id confirm"]);
        assert!(err.contains("primary key"), "{}: {err}", db.backend);
    }
}

#[test]
fn drop_asks_for_confirm_in_a_script() {
    for db in databases("confirm", &SHOP) {
        let err = fails(&db, &["alter User drop name"]);
        assert!(err.contains("in a script, write `alter User drop name confirm`"), "{}: {err}", db.backend);
        assert_eq!(fields(&db, "User").len(), 4, "{}", db.backend);
    }
}

#[test]
fn alter_inside_begin_rolls_back_with_it_or_is_refused_on_mariadb() {
    for db in databases("begin", &SHOP) {
        let commands = [
            "begin",
            "alter User add phone: text?",
            "update User all set phone=1",
            "count User where phone=1",
            "rollback",
        ];
        if db.backend == "MariaDB" {
            let err = fails(&db, &commands);
            assert!(err.contains("MySQL/MariaDB commits the open transaction before this statement"), "{err}");
        } else {
            let out = ok_csv(&db.url, &commands);
            assert_eq!(out.trim(), "2", "{}", db.backend);
        }
        if db.backend == "MariaDB" {
            continue;
        }
        // The catalog follows the rollback: the field is gone, in the same session too.
        let err = fails(&db, &["begin", "alter User add phone: text?", "rollback", "query User fields phone"]);
        assert!(err.contains("User has no field `phone`"), "{}: {err}", db.backend);
        assert!(!fields(&db, "User").iter().any(|f| f.starts_with("phone ")), "{}", db.backend);
        // Committed, it stays.
        ok_csv(&db.url, &["begin", "alter User add phone: text?", "commit"]);
        assert!(fields(&db, "User").iter().any(|f| f.starts_with("phone ")), "{}", db.backend);
    }
}

#[test]
fn explain_alter_shows_the_statements_and_runs_nothing() {
    for db in databases("explain", &SHOP) {
        let out = ok_csv(&db.url, &["explain alter User add phone: text?"]);
        assert!(out.contains("ALTER TABLE") && out.contains("ADD COLUMN"), "{}: {out}", db.backend);
        let out = ok_csv(&db.url, &["explain alter User drop team confirm"]);
        if db.sqlite() {
            for step in
                ["PRAGMA foreign_keys = OFF", "CREATE TABLE \"\"ormsh_new_users\"\"", "DROP TABLE \"\"users\"\""]
            {
                assert!(out.contains(step), "{step}: {out}");
            }
            assert!(out.contains("pragma_foreign_key_check"), "{out}");
        } else {
            assert!(out.contains("DROP COLUMN"), "{}: {out}", db.backend);
        }
        assert_eq!(fields(&db, "User").len(), 4, "{}", db.backend);
    }
}

/// SQLite's rebuild, on a table that another refers to, with an index, a trigger, a check, and
/// rows: every one of them is there afterwards, and the database is sound.
#[test]
fn a_sqlite_rebuild_keeps_rows_keys_indexes_references_and_triggers() {
    let scratch = Scratch::new();
    let url = scratch.url("rebuild.db");
    ok_csv(&url, &SHOP);
    ok_csv(
        &url,
        &[
            "model Log { what: text }",
            "sql CREATE TABLE badges (id INTEGER PRIMARY KEY AUTOINCREMENT, label TEXT CHECK (length(label) > 1), team_id INTEGER REFERENCES teams (id) ON DELETE CASCADE, tag TEXT)",
            "refresh",
            "sql CREATE INDEX badges_label ON badges (label)",
            "add Badge label=gold team=1 tag=x",
            "add Badge label=silver team=2",
            "alter Team add motto: text?",
            "alter Team index (motto)",
        ],
    );
    let trigger =
        "CREATE TRIGGER teams_log AFTER UPDATE ON teams BEGIN INSERT INTO logs (what) VALUES (new.motto); END";
    sqlite3(&scratch.path("rebuild.db"), trigger);
    // `teams`, which `users` and `badges` refer to, rebuilt twice: a unique (and indexed) field
    // dropped, and a reference added with a default, which SQLite's ALTER cannot add.
    ok_csv(&url, &["alter Team drop name confirm"]);
    ok_csv(&url, &["alter Team add captain: User? = 1"]);
    // Every row, key and reference is there; foreign keys hold and the file is sound.
    assert_eq!(scalar(&url, "sql select count(*) from pragma_foreign_key_check"), "0");
    assert_eq!(scalar(&url, "sql pragma integrity_check"), "ok");
    let users = ok_csv(&url, &["query User fields name, team.id, team.captain.name order by name"]);
    assert_eq!(users, "name,team.id,team.captain.name\nAnn,1,Ann\nBob,2,Ann\n");
    // The trigger on the rebuilt table still fires; the cascade from badges still holds.
    ok_csv(&url, &["update Team where id=1 set motto=go"]);
    assert_eq!(scalar(&url, "count Log"), "1");
    ok_csv(&url, &["sql PRAGMA foreign_keys", "delete User where name=Bob", "delete Team where id=2"]);
    assert_eq!(scalar(&url, "count Badge"), "1");
    // A row referring to a team that is not there is refused, as before.
    let out = ormsh(&url, &["-c", "add User name=Cy email=c@x.io team=99"]);
    assert!(!out.status.success(), "a dangling reference was stored");
    // badges itself, rebuilt: its CHECK, AUTOINCREMENT, index and ON DELETE stay as written.
    ok_csv(&url, &["alter Badge drop tag confirm", "alter Badge add rank: int? unique"]);
    let schema = scalar(&url, "sql select sql from sqlite_schema where name = 'badges'");
    assert!(
        schema.contains("AUTOINCREMENT") && schema.contains("CHECK") && schema.contains("ON DELETE CASCADE"),
        "{schema}"
    );
    assert!(!schema.contains("\"tag\""), "{schema}");
    let described = String::from_utf8_lossy(&ormsh(&url, &["-c", "describe Badge"]).stdout).into_owned();
    assert!(described.contains("index badges_label (label)"), "{described}");
    assert!(described.contains("index badges_team_id_idx (team_id)") || described.contains("team_id"), "{described}");
    let described = String::from_utf8_lossy(&ormsh(&url, &["-c", "describe Team"]).stdout).into_owned();
    assert!(described.contains("index teams_motto_idx (motto)"), "{described}");
    assert!(described.contains("referenced by: users"), "{described}");
    assert!(described.contains("referenced by: badges"), "{described}");
    assert_eq!(scalar(&url, "sql pragma integrity_check"), "ok");
    assert_eq!(scalar(&url, "sql select count(*) from pragma_foreign_key_check"), "0");
    assert_eq!(scalar(&url, "sql PRAGMA foreign_keys"), "1");
}

/// Inside a transaction SQLite cannot turn foreign keys off: a rebuild of a table that others
/// refer to is refused there (and the transaction lives on); one of a table no one refers to
/// is part of the transaction, and rolled back with it.
#[test]
fn a_sqlite_rebuild_inside_begin() {
    let scratch = Scratch::new();
    let url = scratch.url("tx.db");
    ok_csv(&url, &SHOP);
    let out = ormsh(&url, &["-c", "begin", "-c", "alter Team drop name confirm", "-c", "rollback"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("foreign keys can be turned off for that only outside a transaction"), "{err}");
    // A required field on a table with rows: that is what is said first (it holds outside too).
    let out = ormsh(&url, &["-c", "begin", "-c", "alter Team add size: int"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Team has rows, and `size` is required"), "{err}");
    ok_csv(&url, &["begin", "alter User drop email confirm", "rollback"]);
    assert!(ok_csv(&url, &["describe User"]).contains("email"));
    ok_csv(&url, &["begin", "alter User drop email confirm", "commit"]);
    assert!(!ok_csv(&url, &["describe User"]).contains("email"));
    assert_eq!(scalar(&url, "sql pragma integrity_check"), "ok");
    assert_eq!(common::count(&url, "User"), 2);
}

/// A drop that a trigger stands in the way of is refused before anything changes.
#[test]
fn a_sqlite_drop_that_a_trigger_names_is_refused() {
    let scratch = Scratch::new();
    let url = scratch.url("trigger.db");
    ok_csv(&url, &SHOP);
    ok_csv(&url, &["model Log { what: text }"]);
    let trigger =
        "CREATE TRIGGER users_log AFTER INSERT ON users BEGIN INSERT INTO logs (what) VALUES (new.email); END";
    sqlite3(&scratch.path("trigger.db"), trigger);
    let out = ormsh(&url, &["-c", "alter User drop email confirm"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("trigger or view `users_log` names `email` of table `users`"), "{err}");
    assert!(ok_csv(&url, &["describe User"]).contains("email"));
    assert_eq!(scalar(&url, "sql PRAGMA foreign_keys"), "1");
}

/// Names with quotes, backticks, spaces, semicolons and accents go through every change (and
/// SQLite's rebuild, which reads the table's definition back) as names, on every database.
#[test]
fn hostile_names_stay_names() {
    const T: &str = "`we\"ird; tab``le`";
    let setup = ["model Odd table `we\"ird; tab``le` { `na me`: text, `sel``ect`: int? unique }"];
    for db in databases("hostile", &setup) {
        ok_csv(
            &db.url,
            &[
                &format!("alter {T} add `a;b`: text?"),
                &format!("alter {T} add `ré f`: {T}?"),
                &format!("alter {T} rename `a;b` to `c'd`"),
                &format!("alter {T} index (`na me`, `c'd`)"),
                &format!("add {T} `na me`=x `c'd`=\"y'); DROP TABLE x; --\" `sel``ect`=1"),
                &format!("add {T} `na me`=z `ré f`=1"),
                &format!("alter {T} drop `sel``ect` confirm"),
                &format!("alter {T} drop `ré f` confirm"),
            ],
        );
        let rows = ok_csv(&db.url, &[&format!("query {T} fields `na me`, `c'd` order by id")]);
        assert_eq!(rows, "na me,c'd\nx,y'); DROP TABLE x; --\nz,\n", "{}", db.backend);
        let names: Vec<String> = fields(&db, T).iter().map(|f| f.split(' ').next().unwrap().to_string()).collect();
        assert_eq!(names, ["id", "na", "c'd"], "{}", db.backend);
    }
}

/// Foreign keys turned off by the user stay off after a rebuild (and on ones stay on, as the
/// other tests check).
#[test]
fn a_sqlite_rebuild_leaves_foreign_keys_as_it_found_them() {
    let scratch = Scratch::new();
    let url = scratch.url("fk.db");
    ok_csv(&url, &SHOP);
    let out =
        ok_csv(&url, &["sql PRAGMA foreign_keys = OFF", "alter Team drop name confirm", "sql PRAGMA foreign_keys"]);
    assert!(out.ends_with("foreign_keys\n0\n"), "{out}");
    let out = ok_csv(&url, &["alter User drop email confirm", "sql PRAGMA foreign_keys"]);
    assert!(out.ends_with("foreign_keys\n1\n"), "{out}");
    assert_eq!(scalar(&url, "sql pragma integrity_check"), "ok");
}
