//! ormsh when things go wrong around it: the process killed in the middle of a transaction, the
//! server ending the session's connection (at the prompt and in a script), a deadlock between two
//! sessions, an SQLite file locked by another writer or held by a reader at commit, and databases
//! that cannot be opened (no directory, not an SQLite file, read-only, a wrong password).
//!
//! Every wait has an upper bound and a test that reaches it fails ("hangs"); nothing asserts
//! that something took at least some time. The servers come from `ORMSH_TEST_PG` and
//! `ORMSH_TEST_MYSQL`; without them those tests are skipped with a printed reason, except under
//! `CI=true`, where that is a failure. A file-permission test is skipped when run as root, which
//! writes to any file whatever its mode; on PostgreSQL a wrong password is only tested when the
//! server asks for one (pg_hba.conf `trust` accepts any).

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{ORMSH, Scratch, ServerDb, ServerKind, count, eventually, ok_csv as ok, ormsh, ormsh_command, scalar};
use rexpect::session::PtySession;

const ROW: &str = "model Row { k: int unique, v: int }";

// ---------------------------------------------------------------------------------------------
// Databases and processes

/// One database, made for one test and dropped after it.
struct Database {
    url: String,
    /// The schema or database on a server, with the server's own URL (to kill sessions); None
    /// for SQLite.
    server: Option<ServerDb>,
    dialect: Dialect,
    scratch: Scratch,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sqlite() -> Database {
    let scratch = Scratch::new();
    Database { url: scratch.url("faults.db"), server: None, dialect: Dialect::Sqlite, scratch }
}

/// The test's database on a server, or None (skipped) when the server is not configured.
fn on_server(kind: ServerKind, label: &str) -> Option<Database> {
    let db = kind.fresh_db("f", label)?;
    let dialect = match kind {
        ServerKind::Postgres => Dialect::Postgres,
        ServerKind::Mysql => Dialect::Mysql,
    };
    Some(Database { url: db.url.clone(), server: Some(db), dialect, scratch: Scratch::new() })
}

/// The databases of every configured backend.
fn every_backend(label: &str) -> Vec<Database> {
    let mut dbs = vec![sqlite()];
    dbs.extend(on_server(ServerKind::Postgres, label));
    dbs.extend(on_server(ServerKind::Mysql, label));
    dbs
}

impl Database {
    /// The server's own URL.
    fn server(&self) -> &str {
        &self.server.as_ref().expect("a server").admin_url
    }

    /// The SQL that says which server session this is (short: at the prompt, a line longer than
    /// the terminal wraps, and the test reads the echo up to the first new line).
    fn session_id_sql(&self) -> &'static str {
        match self.dialect {
            Dialect::Sqlite => "sql select 0 as session_id",
            Dialect::Postgres => "sql select pg_backend_pid()",
            Dialect::Mysql => "sql select connection_id()",
        }
    }

    /// Ends a server session from another connection (through another ormsh).
    fn kill_session(&self, id: i64) {
        let sql = match self.dialect {
            Dialect::Postgres => format!("sql select pg_terminate_backend({id})"),
            Dialect::Mysql => format!("sql KILL {id}"),
            Dialect::Sqlite => unreachable!(),
        };
        ok(self.server(), &[&sql]);
    }

    /// Whether server session `id` is running a statement that contains `needle`.
    fn session_runs(&self, id: i64, needle: &str) -> bool {
        let sql = match self.dialect {
            Dialect::Postgres => format!(
                "sql select count(*) from pg_stat_activity where pid = {id} and state = 'active' and query like '%{needle}%'"
            ),
            Dialect::Mysql => {
                format!(
                    "sql select count(*) from information_schema.processlist where id = {id} and info like '%{needle}%'"
                )
            }
            Dialect::Sqlite => unreachable!(),
        };
        scalar(self.server(), &sql) == "1"
    }
}

/// A child process that is killed if the test ends before it does.
struct Running {
    child: Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl Running {
    /// Waits at most `limit` for the process to end; None if it is still running then.
    fn wait_at_most(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for a child") {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Its stdout, line by line, read on a thread.
    fn lines(&mut self) -> mpsc::Receiver<String> {
        let stdout = self.child.stdout.take().expect("piped stdout");
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        receive
    }
}

// ---------------------------------------------------------------------------------------------
// SIGKILL in the middle of a transaction

/// Rows added before the kill: with 1000-character rows, about 3 MB, more than SQLite's page
/// cache, so that the uncommitted transaction reaches the file (and a hot journal is left).
const KILLED_ROWS: usize = 3000;

fn killed_mid_transaction(db: &Database) {
    let backend = format!("{:?}", db.dialect);
    ok(&db.url, &["model Item { n: int, pad: text }"]);
    let slow = match db.dialect {
        Dialect::Sqlite => {
            "sql WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 100000000) SELECT count(*) FROM c"
        }
        Dialect::Postgres => "sql select pg_sleep(30)",
        Dialect::Mysql => "sql select sleep(30)",
    };
    let pad = "x".repeat(1000);
    let mut script = format!("{}\nbegin\n", db.session_id_sql());
    for n in 0..KILLED_ROWS {
        script.push_str(&format!("add Item n={n} pad={pad}\n"));
    }
    script.push_str(&format!("count Item\nsql select 'slow statement next' as marker\n{slow}\ncommit\n"));
    let path = db.scratch.write("killed.orm", &script);

    let child = ormsh_command(&db.url, &["--format", "csv", "-f", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ormsh");
    let mut running = Running { child };
    let lines = running.lines();
    let mut printed = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !printed.iter().any(|l: &String| l == "slow statement next") {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => printed.push(line),
            Err(_) => {
                let status = running.wait_at_most(Duration::ZERO);
                let mut stderr = String::new();
                if status.is_some() {
                    std::io::Read::read_to_string(running.child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
                }
                panic!(
                    "{backend}: the script never reached its slow statement ({status:?}); it printed {printed:?}\n{stderr}"
                )
            }
        }
    }
    // session_id, its value, then the count: all the rows are in the transaction.
    assert_eq!(printed[2], KILLED_ROWS.to_string(), "{backend}: {printed:?}");
    let session: i64 = printed[1].parse().expect("a session id");

    match db.dialect {
        // Nothing to watch from outside: the statement counts for a minute, a second is plenty.
        Dialect::Sqlite => std::thread::sleep(Duration::from_secs(1)),
        _ => assert!(
            eventually(Duration::from_secs(30), || db.session_runs(session, "sleep(30)")),
            "{backend}: the slow statement is not seen running"
        ),
    }
    assert!(
        running.wait_at_most(Duration::ZERO).is_none(),
        "{backend}: ormsh ended before it was killed (was the statement not slow?)"
    );
    running.child.kill().expect("SIGKILL ormsh");
    let status = running.child.wait().expect("wait for ormsh");
    assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(9), "{backend}: {status:?}");

    if db.dialect == Dialect::Sqlite {
        // The transaction reached the file: a hot journal is left, which the next open undoes.
        let journal = ["faults.db-journal", "faults.db-wal"]
            .iter()
            .map(|name| db.scratch.path(name))
            .find(|path| std::fs::metadata(path).is_ok_and(|m| m.len() > 0));
        assert!(journal.is_some(), "{backend}: no journal after the kill: did the transaction reach the file?");
    }

    // Nothing of the transaction is there, the database opens, and ormsh works on it.
    assert_eq!(count(&db.url, "Item"), 0, "{backend}: rows of a killed transaction are visible");
    match db.dialect {
        Dialect::Sqlite => {
            assert_eq!(scalar(&db.url, "sql PRAGMA integrity_check"), "ok", "{backend}");
        }
        // The server may still be sleeping for the dead client; end its session, then look again.
        _ => {
            db.kill_session(session);
            assert!(
                eventually(Duration::from_secs(30), || !db.session_runs(session, "sleep(30)")),
                "{backend}: the killed session is still running"
            );
            assert_eq!(count(&db.url, "Item"), 0, "{backend}: rows of a killed transaction were committed");
        }
    }
    ok(&db.url, &["add Item n=1 pad=after"]);
    assert_eq!(count(&db.url, "Item"), 1, "{backend}");
}

#[test]
fn a_transaction_killed_with_sigkill_leaves_nothing_and_the_database_opens() {
    for db in every_backend("kill") {
        killed_mid_transaction(&db);
    }
}

// ---------------------------------------------------------------------------------------------
// The server ends the session's connection

/// One interactive ormsh on a pseudo-terminal.
struct Prompt {
    pty: PtySession,
    idle: String,
    tx: String,
}

const PTY_TIMEOUT_MS: u64 = 30_000;

impl Prompt {
    fn start(db: &Database) -> Prompt {
        let pty = db.scratch.spawn_prompt(&db.url, PTY_TIMEOUT_MS);
        let location = match db.dialect {
            Dialect::Sqlite => db.scratch.path("faults.db").file_name().unwrap().to_string_lossy().into_owned(),
            server => {
                // A server's prompt names the backend before `host/database`.
                let backend = if server == Dialect::Postgres { "pg" } else { "mysql" };
                let url = url::Url::parse(&db.url).unwrap();
                format!("{backend} {}{}", url.host_str().unwrap(), url.path())
            }
        };
        let mut prompt = Prompt { pty, idle: format!("ormsh {location}> "), tx: format!("ormsh {location} [tx]> ") };
        let idle = prompt.idle.clone();
        prompt.expect(&idle);
        prompt
    }

    fn expect(&mut self, needle: &str) -> String {
        match self.pty.exp_string(needle) {
            Ok(before) => before,
            Err(e) => panic!("waiting for {needle:?}: {e}"),
        }
    }

    /// Types a line; returns what it printed and the prompt that came after it.
    fn run(&mut self, line: &str) -> (String, String) {
        self.send(line);
        self.finish(line)
    }

    /// Types a line (and does not wait for it).
    fn send(&mut self, line: &str) {
        // At the prompt `sql` text goes on until a `;` (or an empty line).
        let line =
            &if line.starts_with("sql ") && !line.ends_with(';') { format!("{line};") } else { line.to_string() };
        assert!(self.tx.len() + line.len() < 80, "`{line}` would wrap on the terminal");
        // After an error the failed entry is put back on the line: Ctrl-U clears it.
        self.pty.send_control('u').expect("send Ctrl-U");
        self.pty.send_line(line).expect("type a line");
        // The line is drawn again as it is typed (with hints and colours); Enter ends it with the
        // first new line.
        self.expect("\r\n");
    }

    /// The output of the line sent last, up to the next prompt; and that prompt.
    fn finish(&mut self, line: &str) -> (String, String) {
        match self.pty.exp_regex(r"ormsh (?:pg |mysql )?\S+( \[tx!?\])?> ") {
            Ok((before, prompt)) => (before, prompt),
            Err(e) => panic!("no prompt after `{line}` (a hang?): {e}"),
        }
    }

    /// The server's id of this session (`set format csv` first).
    fn session_id(&mut self, db: &Database) -> i64 {
        let (out, _) = self.run(db.session_id_sql());
        out.lines().find_map(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("no session id in {out:?}"))
    }

    fn quit(mut self) {
        self.pty.send_control('u').expect("send Ctrl-U");
        self.pty.send_line("quit").expect("type quit");
        self.pty.exp_eof().expect("ormsh exits");
    }
}

fn connection_lost_under_an_open_session(db: &Database) {
    let backend = format!("{:?}", db.dialect);
    ok(&db.url, &[ROW]);
    let mut p = Prompt::start(db);
    p.run("set format csv");
    let (out, _) = p.run(db.session_id_sql());
    let session: i64 = out
        .lines()
        .find_map(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("{backend}: no session id in {out:?}"));
    let (_, prompt) = p.run("begin");
    assert_eq!(prompt, p.tx, "{backend}");
    let (out, prompt) = p.run("add Row k=1 v=1");
    assert_eq!(prompt, p.tx, "{backend}: {out}");

    db.kill_session(session);

    // The next command says what happened, without a panic or a hang.
    let (out, prompt) = p.run("count Row");
    eprintln!("{backend}: after the connection was ended, `count Row` said:\n{out}");
    let said = out.to_lowercase();
    assert!(!said.contains("panicked"), "{backend}: ormsh panicked:\n{out}");
    assert!(
        said.contains("connection") && ["lost", "closed", "terminated", "killed"].iter().any(|w| said.contains(w)),
        "{backend}: the error does not say that the connection was lost:\n{out}"
    );
    assert!(
        said.contains("transaction")
            && ["nothing", "not committed", "rolled back", "was lost", "is lost"].iter().any(|w| said.contains(w)),
        "{backend}: the error does not say that the open transaction was lost:\n{out}"
    );
    // The transaction is gone: the prompt says so, and nothing runs as if it were still open
    // (which would commit what follows in autocommit) until the user rolls back.
    let aborted = p.tx.replace("[tx]", "[tx!]");
    assert_eq!(prompt, aborted, "{backend}: the transaction is gone, the prompt must say so:\n{out}");
    let (out, prompt) = p.run("count Row");
    assert!(out.contains("rolled back"), "{backend}: only `rollback` is accepted now:\n{out}");
    assert_eq!(prompt, aborted, "{backend}");
    let (_, prompt) = p.run("rollback");
    assert_eq!(prompt, p.idle, "{backend}");

    // ormsh connects again: the next commands work, and the row added before the loss is gone.
    let (out, prompt) = p.run("count Row");
    assert_eq!(out.trim().lines().last(), Some("0"), "{backend}: after the loss, `count Row` printed {out:?}");
    assert!(!out.to_lowercase().contains("error"), "{backend}: {out}");
    assert_eq!(prompt, p.idle, "{backend}");
    let (out, _) = p.run("add Row k=2 v=2");
    assert!(!out.to_lowercase().contains("error"), "{backend}: {out}");

    // Lost again with no transaction open: the error says the connection was lost, and claims
    // no lost transaction; what was committed stays.
    let (out, _) = p.run(db.session_id_sql());
    let session: i64 = out
        .lines()
        .find_map(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("{backend}: no session id in {out:?}"));
    db.kill_session(session);
    let (out, prompt) = p.run("count Row");
    let said = out.to_lowercase();
    assert!(said.contains("lost the connection"), "{backend}: {out}");
    assert!(!said.contains("transaction was lost"), "{backend}: no transaction was open:\n{out}");
    assert_eq!(prompt, p.idle, "{backend}");
    let (out, _) = p.run("count Row");
    assert_eq!(out.trim().lines().last(), Some("1"), "{backend}: {out:?}");
    p.pty.send_line("quit").expect("type quit");
    p.pty.exp_eof().expect("ormsh exits");
    assert_eq!(scalar(&db.url, "query Row fields k"), "2", "{backend}");
}

#[test]
fn a_lost_connection_is_reported_and_ormsh_connects_again() {
    let mut ran = false;
    for db in every_backend("lost").into_iter().filter(|db| db.dialect != Dialect::Sqlite) {
        connection_lost_under_an_open_session(&db);
        ran = true;
    }
    if !ran {
        eprintln!("skipping: no server to lose the connection to");
    }
}

/// A script (`--on-error continue`) whose connection is ended by the server in the middle of a
/// transaction: the transaction is lost, and the commands of it that follow must not be run on
/// their own (autocommit) after ormsh connects again. That would commit half a transaction,
/// and one whose `commit` failed.
fn transaction_lost_in_a_script(db: &Database) {
    let backend = format!("{:?}", db.dialect);
    ok(&db.url, &[ROW]);
    let sleep = match db.dialect {
        Dialect::Postgres => "sql select pg_sleep(5)",
        _ => "sql select sleep(5)",
    };
    let script = format!(
        "{}\nbegin\nadd Row k=1 v=1\n{sleep}\nadd Row k=2 v=2\nupdate Row where k=1 set v=9\nadd Row k=3 v=3\ncommit\n",
        db.session_id_sql()
    );
    let path = db.scratch.write("lost.orm", &script);
    let child = ormsh_command(&db.url, &["--format", "csv", "--on-error", "continue", "-f", path.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ormsh");
    let mut running = Running { child };
    let lines = running.lines();
    // The header, then the id.
    let next_line = || lines.recv_timeout(Duration::from_secs(60)).expect("the session id");
    let _header = next_line();
    let session: i64 = next_line().parse().expect("a session id");
    assert!(
        eventually(Duration::from_secs(30), || db.session_runs(session, "sleep(5)")),
        "{backend}: the sleep is not seen running"
    );
    db.kill_session(session);
    let status = running.wait_at_most(Duration::from_secs(60)).expect("ormsh ends");
    let mut stderr = String::new();
    std::io::Read::read_to_string(running.child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{backend}:\n{stderr}");
    assert!(stderr.contains("lost the connection"), "{backend}:\n{stderr}");
    let rows = ok(&db.url, &["query Row order by k"]);
    assert_eq!(
        count(&db.url, "Row"),
        0,
        "{backend}: a transaction lost with the connection went on in autocommit; committed:\n{rows}\nscript:\n{script}\nstderr:\n{stderr}"
    );
}

#[test]
fn a_transaction_lost_in_a_script_does_not_go_on_in_autocommit_on_postgres() {
    if let Some(db) = on_server(ServerKind::Postgres, "scr") {
        transaction_lost_in_a_script(&db);
    }
}

#[test]
fn a_transaction_lost_in_a_script_does_not_go_on_in_autocommit_on_mariadb() {
    if let Some(db) = on_server(ServerKind::Mysql, "scr") {
        transaction_lost_in_a_script(&db);
    }
}

/// Two sessions deadlock; the server picks one as the victim. PostgreSQL undoes the victim's
/// statement alone (ormsh's savepoint) and its transaction goes on; MariaDB rolls the victim's
/// whole transaction back. Either way, what ormsh then says must be true: if it lets the victim
/// commit, everything the victim did before the deadlock is committed; if not, none of it is.
fn deadlock(db: &Database) {
    let backend = format!("{:?}", db.dialect);
    ok(&db.url, &[ROW]);
    ok(&db.url, &["add Row k=1 v=1", "add Row k=2 v=2", "add Row k=3 v=3", "add Row k=4 v=4", "add Row k=5 v=5"]);
    let mut a = Prompt::start(db);
    let mut b = Prompt::start(db);
    a.run("set format csv");
    b.run("set format csv");
    let a_id = a.session_id(db);
    // A changes more rows than B, so that MariaDB (which rolls back the lighter transaction)
    // picks B.
    a.run("begin");
    a.run("update Row where k=1 set v=10");
    // (By key, one row at a time: a range would lock gaps on MariaDB and block B's add.)
    a.run("update Row where k=3 set v=30");
    a.run("update Row where k=4 set v=40");
    b.run("begin");
    b.run("add Row k=50 v=50");
    b.run("update Row where k=2 set v=20");

    a.send("update Row where k=2 set v=11");
    let waiting = match db.dialect {
        Dialect::Postgres => {
            format!("sql select count(*) from pg_stat_activity where pid = {a_id} and wait_event_type = 'Lock'")
        }
        _ => format!(
            "sql select count(*) from information_schema.innodb_trx where trx_mysql_thread_id = {a_id} and trx_state = 'LOCK WAIT'"
        ),
    };
    assert!(
        eventually(Duration::from_secs(30), || scalar(db.server(), &waiting) == "1"),
        "{backend}: A does not wait for B"
    );
    // PostgreSQL looks for a deadlock once, `deadlock_timeout` (1 s) after a session starts to
    // wait: let A's look find none, so that B's finds it and B is the victim.
    std::thread::sleep(Duration::from_millis(2500));
    b.send("update Row where k=1 set v=21");
    let (out, prompt) = b.finish("update Row where k=1 set v=21");
    assert!(out.to_lowercase().contains("deadlock"), "{backend}: B is not told of the deadlock:\n{out}");
    eprintln!("{backend}: the victim was told:\n{out}\nand its prompt is {prompt:?}");

    // B commits if ormsh lets it; on PostgreSQL this also lets A go on.
    let (commit_out, _) = b.run("commit");
    let b_committed = !commit_out.contains("error");
    if !b_committed {
        b.run("rollback");
    }
    let (out, _) = a.finish("update Row where k=2 set v=11");
    assert!(!out.contains("error"), "{backend}: A's update failed:\n{out}");
    let (out, _) = a.run("commit");
    assert!(!out.contains("error"), "{backend}: A's commit failed:\n{out}");
    a.quit();
    b.quit();

    let marker = count(&db.url, "Row where k=50");
    assert_eq!(
        marker,
        i64::from(b_committed),
        "{backend}: the victim's `commit` {} but its row added before the deadlock is {}:\n{commit_out}",
        if b_committed { "succeeded" } else { "was refused" },
        if marker == 1 { "there" } else { "not there" },
    );
    assert_eq!(scalar(&db.url, "query Row where k=1 fields v"), "10", "{backend}");
    assert_eq!(scalar(&db.url, "query Row where k=2 fields v"), "11", "{backend}");
}

#[test]
fn after_a_deadlock_what_ormsh_says_about_the_victims_transaction_is_true_on_postgres() {
    if let Some(db) = on_server(ServerKind::Postgres, "dl") {
        deadlock(&db);
    }
}

#[test]
fn after_a_deadlock_what_ormsh_says_about_the_victims_transaction_is_true_on_mariadb() {
    if let Some(db) = on_server(ServerKind::Mysql, "dl") {
        deadlock(&db);
    }
}

// ---------------------------------------------------------------------------------------------
// SQLite locked by another writer

/// `sqlite3 FILE` in the middle of a transaction, holding its lock until it is released.
struct Sqlite3Holder {
    stdin: Option<ChildStdin>,
    running: Running,
}

impl Sqlite3Holder {
    /// Runs `sql` in `sqlite3 FILE` and keeps it open, until `probe`, run by another sqlite3
    /// that does not wait, is refused because the database is locked.
    fn start(file: &Path, sql: &str, probe: &str) -> Sqlite3Holder {
        let mut child = Command::new("sqlite3")
            .arg(file)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run sqlite3 (the sqlite3 shell must be installed)");
        let mut stdin = child.stdin.take().unwrap();
        // The probe below takes the lock for an instant: the holder waits for it rather than
        // failing its own BEGIN and holding nothing.
        stdin.write_all(b".timeout 10000\n").unwrap();
        stdin.write_all(sql.as_bytes()).unwrap();
        stdin.flush().unwrap();
        let holder = Sqlite3Holder { stdin: Some(stdin), running: Running { child } };
        let held = eventually(Duration::from_secs(60), || {
            let out = Command::new("sqlite3").arg(file).arg(probe).output().expect("run sqlite3");
            text(&out.stderr).contains("locked")
        });
        assert!(held, "sqlite3 did not take the lock: `{probe}` is not refused");
        holder
    }

    /// The write lock (`BEGIN IMMEDIATE`): no other writer.
    fn writer(file: &Path) -> Sqlite3Holder {
        Sqlite3Holder::start(file, "BEGIN IMMEDIATE;\n", "BEGIN IMMEDIATE;")
    }

    /// A read transaction (a shared lock): others may write, but not commit.
    fn reader(file: &Path) -> Sqlite3Holder {
        Sqlite3Holder::start(file, "BEGIN;\nSELECT count(*) FROM sqlite_master;\n", "BEGIN EXCLUSIVE;")
    }

    /// Ends the transaction (rolled back) and the shell.
    fn release(mut self) {
        drop(self.stdin.take());
        assert!(self.running.wait_at_most(Duration::from_secs(20)).is_some(), "sqlite3 does not exit");
    }
}

/// Runs `ormsh URL -c CMD…` with an upper bound on the time it may take.
fn bounded(url: &str, commands: &[&str], limit: Duration) -> Output {
    let args: Vec<&str> = commands.iter().flat_map(|c| ["-c", c]).collect();
    let mut child = ormsh_command(url, &args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run ormsh");
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().unwrap()));
    let stderr = read(Box::new(child.stderr.take().unwrap()));
    let mut running = Running { child };
    let Some(status) = running.wait_at_most(limit) else {
        panic!("`ormsh {url}` {commands:?} still runs after {limit:?}: it hangs");
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

fn assert_locked(out: &Output, what: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{what}: want exit status 1\nstderr:\n{stderr}");
    assert!(stderr.contains("database is locked"), "{what}: the error does not say the database is locked:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{what}:\n{stderr}");
}

#[test]
fn a_write_to_an_sqlite_file_locked_by_sqlite3_fails_with_database_is_locked() {
    let db = sqlite();
    ok(&db.url, &[ROW]);
    let writer = Sqlite3Holder::writer(&db.scratch.path("faults.db"));
    let out = bounded(&db.url, &["add Row k=1 v=1"], Duration::from_secs(30));
    assert_locked(&out, "add while sqlite3 holds the lock");
    // Reading is not writing: it works while the lock is held.
    assert_eq!(count(&db.url, "Row"), 0);
    writer.release();
    ok(&db.url, &["add Row k=1 v=1"]);
    assert_eq!(count(&db.url, "Row"), 1);
}

#[test]
fn a_write_to_an_sqlite_file_locked_by_another_ormsh_fails_with_database_is_locked() {
    let db = sqlite();
    ok(&db.url, &[ROW]);
    let mut p = Prompt::start(&db);
    p.run("begin");
    let (out, prompt) = p.run("add Row k=1 v=1");
    assert_eq!(prompt, p.tx, "{out}");
    let out = bounded(&db.url, &["add Row k=2 v=2"], Duration::from_secs(30));
    assert_locked(&out, "add while another ormsh has written in a transaction");
    let (out, prompt) = p.run("commit");
    assert_eq!(prompt, p.idle, "{out}");
    p.pty.send_line("quit").expect("type quit");
    p.pty.exp_eof().expect("ormsh exits");
    assert_eq!(scalar(&db.url, "query Row fields k"), "1");
}

#[test]
fn a_commit_held_up_by_an_sqlite_reader_fails_and_the_transaction_stays_open() {
    let db = sqlite();
    ok(&db.url, &[ROW]);
    let reader = Sqlite3Holder::reader(&db.scratch.path("faults.db"));

    // In a script: the commit fails, the script ends inside its transaction, which is rolled back.
    let out = bounded(&db.url, &["begin", "add Row k=1 v=1", "commit"], Duration::from_secs(30));
    assert_locked(&out, "commit while sqlite3 reads");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("commit\n"), "the error is the commit's:\n{stderr}");
    assert!(stderr.contains("the open transaction was rolled back"), "{stderr}");

    // At the prompt: the commit fails, the transaction is still open, and once the reader is
    // gone the same commit succeeds.
    let mut p = Prompt::start(&db);
    p.run("begin");
    p.run("add Row k=2 v=2");
    let (out, prompt) = p.run("commit");
    assert!(out.contains("database is locked"), "{out}");
    assert_eq!(prompt, p.tx, "the failed commit left the transaction open:\n{out}");
    reader.release();
    let (out, prompt) = p.run("commit");
    assert!(!out.contains("error"), "{out}");
    assert_eq!(prompt, p.idle, "{out}");
    p.pty.send_line("quit").expect("type quit");
    p.pty.exp_eof().expect("ormsh exits");
    assert_eq!(scalar(&db.url, "query Row fields k"), "2");
}

// ---------------------------------------------------------------------------------------------
// Databases that cannot be opened

/// A connection error: exit status 2, nothing on stdout, an error naming the cause.
fn assert_connection_error(out: &Output, what: &str, cause: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: want exit status 2\nstderr:\n{stderr}");
    assert_eq!(text(&out.stdout), "", "{what}: stdout");
    assert!(stderr.starts_with("error: "), "{what}: {stderr}");
    assert!(stderr.contains(cause), "{what}: the error does not say {cause:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{what}:\n{stderr}");
}

#[test]
fn a_missing_directory_is_a_connection_error() {
    let t = Scratch::new();
    let out = t.cmd().args(["sqlite:/nonexistent-dir/x.db", "-c", "count Row"]).output().unwrap();
    assert_connection_error(&out, "sqlite:/nonexistent-dir/x.db", "unable to open database file");
    assert!(text(&out.stderr).contains("/nonexistent-dir/x.db"), "the error names the file");
    assert!(!Path::new("/nonexistent-dir").exists(), "ormsh made the directory");
}

#[test]
fn a_file_that_is_not_sqlite_is_a_connection_error_and_is_left_alone() {
    let t = Scratch::new();
    let notes = "these are my notes, not a database\n".repeat(200);
    let path = t.write("notes.db", &notes);
    for command in ["count Row", "model Row { k: int }"] {
        let out = t.cmd().args([&t.url("notes.db"), "-c", command]).output().unwrap();
        assert_connection_error(&out, command, "not a database");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), notes, "ormsh changed the file");
    }
}

#[test]
fn a_write_to_a_read_only_database_is_refused_clearly() {
    let t = Scratch::new();
    t.ok("ro.db", &[ROW, "add Row k=1 v=1"]);
    let url = format!("{}?mode=ro", t.url("ro.db"));
    // Opening read-only works, and so does reading: only the write fails, as a command.
    let out = t.cmd().args([&url, "-c", "count Row", "-c", "add Row k=2 v=2"]).output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(text(&out.stdout), "1\n");
    assert!(stderr.contains("readonly") || stderr.contains("read-only"), "not clear:\n{stderr}");
    assert!(stderr.contains("add Row k=2 v=2"), "the error shows the command:\n{stderr}");
    assert_eq!(t.count("ro.db", "Row"), 1);
}

/// Whether the tests run as root, which opens files whatever their permissions say.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map(|m| m.uid() == 0).unwrap_or(false)
}

/// A file ormsh may not write is refused when it is opened (exit status 2), unless the URL asks
/// for reading only. Root writes whatever the permissions say, so as root the binary runs as
/// `nobody` (through `setpriv`).
#[test]
fn a_database_file_without_write_permission_is_a_connection_error() {
    use std::os::unix::fs::PermissionsExt;
    let t = Scratch::new();
    t.ok("locked.db", &[ROW, "add Row k=1 v=1"]);
    let path = t.path("locked.db");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(t.root(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = |url: &str| -> Option<Output> {
        let mut cmd = if running_as_root() {
            let mut cmd = Command::new("setpriv");
            cmd.args(["--reuid", "65534", "--regid", "65534", "--clear-groups", ORMSH]);
            cmd
        } else {
            Command::new(ORMSH)
        };
        let out = cmd.args([url, "-c", "count Row"]).env_remove("DATABASE_URL").output().ok()?;
        // `nobody` may not reach the binary (a private build directory): nothing to learn then.
        let unreachable =
            matches!(out.status.code(), Some(126 | 127)) || text(&out.stderr).contains("Permission denied");
        (!unreachable).then_some(out)
    };
    let Some(out) = run(&t.url("locked.db")) else {
        eprintln!(
            "skipping: the binary cannot be run without root here (setpriv missing or the build directory is private)"
        );
        return;
    };
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("read-only") && stderr.contains("mode=ro"), "not clear:\n{stderr}");
    let out = run(&format!("{}?mode=ro", t.url("locked.db"))).expect("ran once already");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "1\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

/// Nothing ormsh printed contains `secret`.
fn assert_hidden(out: &Output, secret: &str, what: &str) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!stdout.contains(secret) && !stderr.contains(secret), "{what}: the password is shown:\n{stdout}\n{stderr}");
}

/// A user with a password, dropped at the end.
struct User {
    server: String,
    drop: String,
}

impl Drop for User {
    fn drop(&mut self) {
        let _ = ormsh(&self.server, &["-c", &self.drop]);
    }
}

fn with_credentials(base: &str, user: &str, password: &str) -> String {
    let mut url = url::Url::parse(base).unwrap();
    url.set_username(user).unwrap();
    url.set_password(Some(password)).unwrap();
    url.to_string()
}

#[test]
fn a_wrong_password_on_mariadb_is_a_connection_error_that_does_not_show_it() {
    let Some(base) = ServerKind::Mysql.url() else { return };
    let user = "ormsh_pw_test";
    let right = "Right-pw-4711";
    let wrong = "Wrong-pw-0815";
    ok(
        &base,
        &[
            &format!("sql DROP USER IF EXISTS '{user}'@'%'"),
            &format!("sql CREATE USER '{user}'@'%' IDENTIFIED BY '{right}'"),
            &format!(
                "sql GRANT SELECT ON {}.* TO '{user}'@'%'",
                url::Url::parse(&base).unwrap().path().trim_matches('/')
            ),
        ],
    );
    let _user = User { server: base.clone(), drop: format!("sql DROP USER IF EXISTS '{user}'@'%'") };

    // The right password works (so the failure below is the password's).
    let good = with_credentials(&base, user, right);
    let out = ormsh(&good, &["-c", "sql select 1 as one"]);
    assert!(out.status.success(), "the right password: {}", text(&out.stderr));
    assert_hidden(&out, right, "the right password");
    // A failing command with the right password does not show it either.
    let out = ormsh(&good, &["-c", "sql select * from no_such_table_here"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_hidden(&out, right, "an error after connecting");

    let bad = with_credentials(&base, user, wrong);
    let out = ormsh(&bad, &["-c", "sql select 1"]);
    assert_connection_error(&out, "a wrong password", "Access denied");
    assert_hidden(&out, wrong, "a wrong password");
    assert!(text(&out.stderr).contains(user), "the error names the user:\n{}", text(&out.stderr));

    // `connect` with a wrong password in a script: the error shows the line, without it.
    let t = Scratch::new();
    let out = t.run("x.db", &[&format!("connect {bad}")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("Access denied"), "{}", text(&out.stderr));
    assert_hidden(&out, wrong, "`connect` with a wrong password");
}

#[test]
fn a_wrong_password_on_postgres_is_a_connection_error_that_does_not_show_it() {
    let Some(base) = ServerKind::Postgres.url() else { return };
    let user = "ormsh_pw_test";
    let right = "Right-pw-4711";
    let wrong = "Wrong-pw-0815";

    // Whatever the authentication, a password in a URL is not shown on a connection error.
    let missing = with_credentials(&base, "postgres", wrong).replacen("/test", "/ormsh_no_such_database", 1);
    let out = ormsh(&missing, &["-c", "sql select 1"]);
    assert_connection_error(&out, "a database that does not exist", "does not exist");
    assert_hidden(&out, wrong, "a database that does not exist");

    ok(
        &base,
        &[&format!("sql DROP ROLE IF EXISTS {user}"), &format!("sql CREATE ROLE {user} LOGIN PASSWORD '{right}'")],
    );
    let _user = User { server: base.clone(), drop: format!("sql DROP ROLE IF EXISTS {user}") };
    let bad = with_credentials(&base, user, wrong);
    let out = ormsh(&bad, &["-c", "sql select 1"]);
    if out.status.success() {
        eprintln!(
            "skipping the wrong password on PostgreSQL: the server trusts this address (pg_hba.conf `trust`), \
             so any password is accepted"
        );
        assert_hidden(&out, wrong, "a password the server ignores");
        return;
    }
    assert_connection_error(&out, "a wrong password", "password authentication failed");
    assert_hidden(&out, wrong, "a wrong password");
}
