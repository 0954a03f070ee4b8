//! The transaction marker is the server's state, and nothing is kept that ormsh said it undid:
//! one regression test per case of the issue "Transaction truth", with its exact sequence, on
//! every backend it applies to. (Faults that need a full disk, a deadlock or a dropped
//! connection are in `transaction_faults.rs`; the model-based test is `model.rs`.)
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`; without them those cases are
//! skipped with a printed reason, except under `CI=true`, where that is a failure.

mod common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::{Scratch, ServerDb, ServerKind, ormsh_command, text};

/// One database of one test: an SQLite file in a scratch directory, or a server's schema.
struct Db {
    url: String,
    kind: Kind,
    _scratch: Option<Scratch>,
    _server: Option<ServerDb>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
    Mysql,
}

impl Db {
    fn sqlite() -> Db {
        let scratch = Scratch::new();
        Db { url: scratch.url("truth.db"), kind: Kind::Sqlite, _scratch: Some(scratch), _server: None }
    }

    fn server(kind: ServerKind, label: &str) -> Option<Db> {
        let server = kind.fresh_db("tt", label)?;
        let kind = if kind == ServerKind::Postgres { Kind::Postgres } else { Kind::Mysql };
        Some(Db { url: server.url.clone(), kind, _scratch: None, _server: Some(server) })
    }

    /// SQLite, and each configured server.
    fn every(label: &str) -> Vec<Db> {
        let mut all = vec![Db::sqlite()];
        all.extend(Db::server(ServerKind::Postgres, label));
        all.extend(Db::server(ServerKind::Mysql, label));
        all
    }

    /// Runs `script` as piped stdin with `args`; the output, whatever the status.
    fn pipe(&self, script: &str, args: &[&str]) -> Output {
        let mut child = ormsh_command(&self.url, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run ormsh");
        child.stdin.take().expect("stdin").write_all(script.as_bytes()).expect("write the script");
        child.wait_with_output().expect("wait for ormsh")
    }

    /// Runs `script`, which must succeed; its stdout.
    fn ok(&self, script: &str) -> String {
        let out = self.pipe(script, &[]);
        assert!(out.status.success(), "{:?}: {script:?} failed:\n{}", self.kind, text(&out.stderr));
        text(&out.stdout)
    }

    fn count(&self, model: &str) -> i64 {
        let out = self.ok(&format!("count {model}\n"));
        out.trim().parse().unwrap_or_else(|_| panic!("`count {model}` printed {out:?}"))
    }
}

fn stderr(out: &Output) -> String {
    text(&out.stderr)
}

const ADDRESSES: &str = "model Address { email: text }\nadd Address email=a@x.io\nadd Address email=b@x.io\n";

// ---------------------------------------------------------------------------------------------
// 1 and 2: raw transaction control in `sql`

/// `sql commit` in a sandbox once committed the sandbox's transaction, and the sandbox still
/// said every change was rolled back.
#[test]
fn the_sandbox_cannot_be_escaped_with_sql_commit() {
    for db in Db::every("escape") {
        db.ok(ADDRESSES);
        let out = db.pipe("delete Address all\nsql commit\ncount Address\n", &["--sandbox", "--on-error", "continue"]);
        let err = stderr(&out);
        assert!(err.contains("`sql` does not take transaction control"), "{:?}:\n{err}", db.kind);
        assert!(err.contains("use `commit`"), "{:?}:\n{err}", db.kind);
        assert!(err.contains("sandbox: every change of this session was rolled back"), "{:?}:\n{err}", db.kind);
        // Inside the sandbox the delete holds; after it, nothing of it is kept.
        assert_eq!(text(&out.stdout).trim(), "0", "{:?}", db.kind);
        assert_eq!(db.count("Address"), 2, "{:?}: the sandbox's delete was committed", db.kind);
    }
}

/// Every spelling of transaction control is refused, in and out of a transaction, on every
/// database, and the state stays as it was: inside `begin`, the later `add` is still part of the
/// transaction (and rolled back with it); outside, it is committed on its own.
#[test]
fn raw_transaction_control_is_refused_and_the_state_stays_the_servers() {
    let spellings = [
        ("sql commit", "use `commit`"),
        ("sql COMMIT WORK", "use `commit`"),
        ("sql end", "use `commit`"),
        ("sql rollback", "use `rollback`"),
        ("sql begin", "use `begin`"),
        ("sql start transaction", "use `begin`"),
        ("sql savepoint s1", "use `savepoint NAME`"),
        ("sql release savepoint s1", "use `release NAME`"),
        ("sql rollback to savepoint s1", "use `rollback to NAME`"),
        ("sql /* c */ SET autocommit = 0", "ormsh keeps autocommit on"),
        ("sql set @ormsh = 1, autocommit = 0", "ormsh keeps autocommit on"),
    ];
    for db in Db::every("raw") {
        db.ok(ADDRESSES);
        for (raw, instead) in spellings {
            // Inside a transaction.
            let script = format!("begin\n{raw}\nadd Address email=in@x.io\nrollback\ncount Address\n");
            let out = db.pipe(&script, &["--on-error", "continue"]);
            let err = stderr(&out);
            assert!(err.contains(instead), "{:?} {raw:?}:\n{err}", db.kind);
            assert!(err.contains("<stdin>:2:5"), "{:?} {raw:?}: the error points at the SQL:\n{err}", db.kind);
            assert_eq!(err.matches("error:").count(), 1, "{:?} {raw:?}: one error only:\n{err}", db.kind);
            assert_eq!(text(&out.stdout).trim(), "2", "{:?} {raw:?}: the add was not rolled back", db.kind);
            // Outside: the refusal starts nothing, and the add commits on its own.
            let script = format!("{raw}\nadd Address email=out@x.io\nrollback\n");
            let out = db.pipe(&script, &["--on-error", "continue"]);
            let err = stderr(&out);
            assert!(err.contains(instead), "{:?} {raw:?}:\n{err}", db.kind);
            assert!(
                err.contains("no transaction is open"),
                "{:?} {raw:?}: `rollback` must find nothing:\n{err}",
                db.kind
            );
            assert_eq!(db.count("Address"), 3, "{:?} {raw:?}: the add outside was not committed", db.kind);
            db.ok("delete Address where email=out@x.io\n");
        }
    }
}

/// `explain` shows the user's SQL as it is; `sql` text that merely mentions a word is run.
#[test]
fn sql_that_is_not_transaction_control_runs() {
    for db in Db::every("notcontrol") {
        db.ok(ADDRESSES);
        let out = db.ok("begin\nsql select 'commit' as word\nadd Address email=c@x.io\nrollback\ncount Address\n");
        assert!(out.contains("commit"), "{:?}:\n{out}", db.kind);
        assert!(out.trim_end().ends_with('2'), "{:?}:\n{out}", db.kind);
    }
}

// ---------------------------------------------------------------------------------------------
// 3: MySQL/MariaDB DDL in `sql` commits implicitly

#[test]
fn an_implicit_commit_through_sql_is_refused_inside_a_transaction_on_mariadb() {
    let Some(db) = Db::server(ServerKind::Mysql, "implicit") else { return };
    db.ok(ADDRESSES);
    let out = db.pipe(
        "begin\nadd Address email=c@x.io\nsql create table other (a int)\nsql /*!40000 ALTER TABLE addresses DISABLE KEYS */\nrollback\n",
        &["--on-error", "continue"],
    );
    let err = stderr(&out);
    assert_eq!(err.matches("commits the open transaction before this statement").count(), 2, "{err}");
    assert_eq!(db.count("Address"), 2, "the add was committed by DDL:\n{err}");
    // In the sandbox too, which would otherwise keep everything.
    let out = db.pipe("delete Address all\nsql create table other (a int)\n", &["--sandbox", "--on-error", "continue"]);
    let err = stderr(&out);
    assert!(err.contains("the sandbox would then keep everything"), "{err}");
    assert_eq!(db.count("Address"), 2, "the sandbox's delete was committed by DDL:\n{err}");
    // Outside a transaction the same statement runs.
    db.ok("sql create table other (a int)\n");
}

/// On SQLite and PostgreSQL DDL is transactional: `sql create table` runs inside `begin`, and
/// `rollback` undoes it.
#[test]
fn ddl_through_sql_is_part_of_the_transaction_on_sqlite_and_postgres() {
    let mut dbs = vec![Db::sqlite()];
    dbs.extend(Db::server(ServerKind::Postgres, "ddl"));
    for db in dbs {
        db.ok(ADDRESSES);
        let out = db.pipe("begin\nsql create table other (a int)\nrollback\nmodels\n", &[]);
        assert!(out.status.success(), "{:?}:\n{}", db.kind, stderr(&out));
        assert!(!text(&out.stdout).contains("other"), "{:?}:\n{}", db.kind, text(&out.stdout));
    }
}

// ---------------------------------------------------------------------------------------------
// 4 and 5: a failed COMMIT, and the sandbox that said yes to it

/// Django makes every foreign key DEFERRABLE INITIALLY DEFERRED.
const DEFERRED_PG: &str = "sql create table shop_authors (id serial primary key, name text)\n\
    sql create table shop_books (id serial primary key, title text, author_id int references shop_authors deferrable initially deferred)\n\
    add ShopAuthor name=Ann\nadd ShopBook title=x author=1\n";
const DEFERRED_SQLITE: &str = "sql create table shop_authors (id integer primary key, name text)\n\
    sql create table shop_books (id integer primary key, title text, author_id int references shop_authors deferrable initially deferred)\n\
    add ShopAuthor name=Ann\nadd ShopBook title=x author=1\n";

fn deferred_dbs(label: &str) -> Vec<(Db, &'static str)> {
    let mut dbs = vec![(Db::sqlite(), DEFERRED_SQLITE)];
    dbs.extend(Db::server(ServerKind::Postgres, label).map(|db| (db, DEFERRED_PG)));
    dbs
}

/// A transaction whose COMMIT failed on a deferred foreign key is rolled back, on PostgreSQL
/// (the server's doing) and on SQLite (which would keep it open: ormsh rolls it back, so that a
/// failed commit means one thing everywhere). ormsh says so, shows no transaction, and a second
/// `commit` finds none (it used to print COMMIT).
#[test]
fn a_failed_commit_ends_the_transaction_and_says_it_was_rolled_back() {
    for (db, setup) in deferred_dbs("commitfail") {
        db.ok(setup);
        let out = db.pipe(
            "begin\nadd ShopAuthor name=Bob\ndelete ShopAuthor where name=Ann\ncommit\ncommit\ncount ShopAuthor\n",
            &["--on-error", "continue"],
        );
        let err = stderr(&out);
        assert!(err.contains("<stdin>:4:1"), "{:?}: the commit fails:\n{err}", db.kind);
        assert!(err.contains("the transaction was rolled back: nothing of it was committed"), "{:?}:\n{err}", db.kind);
        assert!(
            err.contains("<stdin>:5:1") && err.contains("no transaction is open, so there is nothing to commit"),
            "{:?}:\n{err}",
            db.kind
        );
        assert!(
            !err.contains("the open transaction was rolled back"),
            "{:?}: nothing was open at the end:\n{err}",
            db.kind
        );
        assert_eq!(text(&out.stdout).trim(), "1", "{:?}: Bob's add went with the transaction", db.kind);
        assert_eq!(out.status.code(), Some(1), "{:?}", db.kind);
    }
}

/// At the prompt the marker follows the server: no transaction after PostgreSQL's failed commit.
#[test]
fn after_a_failed_commit_on_postgres_the_prompt_shows_no_transaction() {
    let Some(db) = Db::server(ServerKind::Postgres, "commitprompt") else { return };
    db.ok(DEFERRED_PG);
    let scratch = Scratch::new();
    let mut p = scratch.spawn_prompt(&db.url, 20_000);
    p.exp_string("> ").expect("the prompt");
    // Each line's result first: the prompt is drawn again while one types.
    for (line, result) in [("begin", "BEGIN"), ("delete ShopAuthor where name=Ann", "1 row deleted")] {
        p.send_line(line).expect("type");
        p.exp_string(result).expect("the result");
        p.exp_string("[tx]> ").expect("in a transaction");
    }
    p.send_line("commit").expect("type");
    let said = p.exp_string("the transaction was rolled back").expect("the failed commit is explained");
    assert!(said.contains("violates foreign key constraint"), "{said}");
    p.send_line("count ShopAuthor").expect("type");
    let (said, _) = p.exp_regex(r"\n\s*1\r?\n").expect("the count");
    assert!(!said.contains("[tx"), "the prompt still shows a transaction:\n{said}");
    p.send_line("quit").expect("type");
    p.exp_eof().expect("ormsh exits");
    assert_eq!(db.count("ShopAuthor"), 1);
}

#[test]
fn the_sandbox_fails_what_would_fail_at_commit() {
    for (db, setup) in deferred_dbs("sandboxdeferred") {
        db.ok(setup);
        // A command outside `begin` commits on its own in a real run: there it fails.
        let real = db.pipe("delete ShopAuthor where name=Ann\n", &["--on-error", "continue"]);
        let real_err = stderr(&real);
        assert_eq!(real.status.code(), Some(1), "{:?}: a real run fails:\n{real_err}", db.kind);
        let out =
            db.pipe("delete ShopAuthor where name=Ann\ncount ShopAuthor\n", &["--sandbox", "--on-error", "continue"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{:?}: the sandbox must fail too:\n{err}", db.kind);
        assert!(err.contains("would fail at its commit"), "{:?}:\n{err}", db.kind);
        assert_eq!(text(&out.stdout).trim(), "1", "{:?}: the failed delete was undone", db.kind);

        // Inside `begin` the delete holds until the commit, which fails as a real one would.
        let out = db.pipe(
            "begin\ndelete ShopAuthor where name=Ann\ncount ShopAuthor\ncommit\ncount ShopAuthor\n",
            &["--sandbox", "--on-error", "continue"],
        );
        let err = stderr(&out);
        assert!(err.contains("<stdin>:4:1") && err.contains("a real commit would fail here"), "{:?}:\n{err}", db.kind);
        let stdout = text(&out.stdout);
        let counts: Vec<&str> = stdout.lines().map(str::trim).collect();
        assert_eq!(counts, ["0", "1"], "{:?}: the transaction was rolled back at the failed commit", db.kind);

        // A deferred check that passes changes nothing: the rows of a good transaction are
        // there until the sandbox ends, and a later violation inside `begin` still waits for
        // the commit (the constraints stayed deferred).
        let out = db.pipe(
            "add ShopAuthor name=Cy\nbegin\nadd ShopBook title=y author=99\nadd ShopAuthor id=99 name=Late\ncommit\ncount ShopBook\n",
            &["--sandbox"],
        );
        assert!(out.status.success(), "{:?}:\n{}", db.kind, stderr(&out));
        assert_eq!(text(&out.stdout).trim(), "2", "{:?}", db.kind);
        assert_eq!(db.count("ShopAuthor"), 1, "{:?}: the sandbox kept a change", db.kind);
    }
}

/// The sandbox's checks run for good: on PostgreSQL a check rolled back again left every earlier
/// command's checks pending, so `CREATE INDEX` then failed ("pending trigger events") where a
/// real run succeeds.
#[test]
fn the_sandbox_leaves_no_checks_pending_on_postgres() {
    let Some(db) = Db::server(ServerKind::Postgres, "pending") else { return };
    db.ok(DEFERRED_PG);
    let script = "add ShopAuthor name=Zed\ndelete ShopAuthor where name=Zed\nsql create index ix0 on shop_authors (name)\n\
        begin\nadd ShopBook title=z author=1\ncommit\nsql create index ix1 on shop_books (title)\n";
    let real = db.pipe(script, &[]);
    assert!(real.status.success(), "a real run:\n{}", stderr(&real));
    db.ok("sql drop index ix0\nsql drop index ix1\ndelete ShopBook where title=z\n");
    let out = db.pipe(script, &["--sandbox"]);
    assert!(out.status.success(), "the sandbox:\n{}", stderr(&out));
    // And a constraint declared DEFERRABLE INITIALLY DEFERRED is deferred again afterwards.
    let out = db.pipe(
        "add ShopAuthor name=Cy\nbegin\nadd ShopBook title=y author=99\nadd ShopAuthor id=99 name=Late\ncommit\n",
        &["--sandbox"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------------
// 7: a command with more values than a statement takes

#[test]
fn too_many_values_are_refused_before_sending_and_the_transaction_lives_on() {
    for db in Db::every("params") {
        db.ok(ADDRESSES);
        let list: Vec<String> = (0..70_000).map(|i| i.to_string()).collect();
        let script = format!(
            "begin\nadd Address email=c@x.io\ncount Address where id in ({})\ncount Address\ncommit\n",
            list.join(", ")
        );
        let out = db.pipe(&script, &["--on-error", "continue"]);
        let err = stderr(&out);
        assert!(err.contains("this command has 70000 values, more than the"), "{:?}:\n{err}", db.kind);
        assert!(!err.contains("lost the connection"), "{:?}:\n{err}", db.kind);
        assert_eq!(err.matches("error:").count(), 1, "{:?}:\n{err}", db.kind);
        assert_eq!(text(&out.stdout).trim(), "3", "{:?}: the transaction went on", db.kind);
        assert_eq!(db.count("Address"), 3, "{:?}: the commit went through", db.kind);
    }
}
