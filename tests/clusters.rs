//! ormsh on the clusters people outgrow one server into (issue 13): a 3-node MariaDB Galera
//! cluster, a PostgreSQL primary with a hot standby, pgbouncer in transaction mode, pgpool-II.
//! `ci/clusters.sh up` brings them up on loopback and `ci/clusters.sh env` names them:
//!
//! - `ORMSH_TEST_GALERA`: the three nodes' URLs, separated by spaces;
//! - `ORMSH_TEST_PG_PRIMARY`, `ORMSH_TEST_PG_STANDBY`: a primary and its hot standby;
//! - `ORMSH_TEST_PG_SECRET_URL`, `ORMSH_TEST_PG_SECRET_PASSWORD`: a role of that primary that
//!   must give its password (scram-sha-256), and the password;
//! - `ORMSH_TEST_PGBOUNCER`: pgbouncer (transaction pooling) in front of that primary;
//! - `ORMSH_TEST_PGPOOL`: pgpool-II in front of another pair, whose primary a test kills;
//! - `ORMSH_CLUSTERS_DIR`: where the clusters live, for `ci/clusters.sh` to kill and restart.
//!
//! Without them the tests are skipped with a printed reason, except under `CI=true`. The tests
//! that kill a server hold their cluster's lock, and leave it usable: the Galera node is brought
//! back; after pgpool's failover the promoted standby is the primary the others use.

mod common;

use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use common::conform::conform;
use common::{Scratch, ServerDb, ServerKind, assert_success, ormsh, scalar, unique_name};
use rexpect::session::PtySession;

const TIMEOUT_MS: u64 = 30_000;

/// Held by whatever kills or restarts a node of that cluster, or needs all its nodes.
static GALERA: Mutex<()> = Mutex::new(());
static PGPOOL: Mutex<()> = Mutex::new(());

fn lock(m: &'static Mutex<()>) -> std::sync::MutexGuard<'static, ()> {
    // A test that failed while holding it leaves the cluster as usable as any other.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The cluster URL in `var`, or None (the reason printed) when it is not set; under `CI=true`
/// a missing cluster is a failure, since `.ci/run` brings them up.
fn cluster(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let thread = std::thread::current();
            let test = thread.name().unwrap_or("this test").to_string();
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{var} is not set, and CI needs the clusters for {test} (ci/clusters.sh up)");
            }
            eprintln!("skipping {test}: {var} is not set (bring the clusters up with ci/clusters.sh up)");
            None
        }
    }
}

fn galera_nodes() -> Option<Vec<String>> {
    Some(cluster("ORMSH_TEST_GALERA")?.split_whitespace().map(str::to_string).collect())
}

/// `ci/clusters.sh ARGS…`, which must succeed.
fn clusters_sh(args: &[&str]) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/ci/clusters.sh");
    let out = Command::new(script).args(args).output().expect("run ci/clusters.sh");
    assert_success(&out, &format!("ci/clusters.sh {args:?}"));
}

/// `url` with its port replaced (the same database on another node).
fn on_port(url: &str, port: u16) -> String {
    let mut url = url::Url::parse(url).expect("a one-host URL");
    url.set_port(Some(port)).expect("a URL with a host");
    url.to_string()
}

fn port_of(url: &str) -> u16 {
    url::Url::parse(url).expect("a one-host URL").port().expect("a port")
}

/// An ormsh prompt on a pseudo-terminal.
struct Prompt {
    pty: PtySession,
    /// The prompt it shows when idle, `[tx]` and the like inserted before `> `.
    name: String,
}

impl Prompt {
    fn start(t: &Scratch, url: &str, name: &str) -> Prompt {
        let mut prompt = Prompt::spawn(t, url, name);
        prompt.expect(&prompt.idle());
        prompt
    }

    /// `ormsh URL` on a terminal wide enough that no line typed here wraps: the editor redraws
    /// the prompt as a line is typed, and a wrapped line would look like a prompt after output.
    fn spawn(t: &Scratch, url: &str, name: &str) -> Prompt {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "stty cols 400 rows 50; exec \"$0\" \"$1\"", common::ORMSH, url]);
        let pty = common::spawn_pty(t.on_terminal(cmd), TIMEOUT_MS);
        Prompt { pty, name: name.to_string() }
    }

    fn idle(&self) -> String {
        format!("{}> ", self.name)
    }

    fn in_tx(&self) -> String {
        format!("{} [tx]> ", self.name)
    }

    fn expect(&mut self, needle: &str) -> String {
        common::expect_on(&mut self.pty, needle)
    }

    /// Types `line` and waits for the prompt `then`; what was shown in between. (The editor
    /// redraws the prompt as the line is typed: the prompt counts only after the Enter.)
    fn run(&mut self, line: &str, then: &str) -> String {
        self.pty.send_line(line).expect("type a line");
        self.expect("\n");
        self.expect(then)
    }
}

/// The prompt's name for a database on a server: `ormsh pg 127.0.0.1/db`, `ormsh mysql …`.
fn prompt_name(url: &str) -> String {
    let url = url::Url::parse(url).unwrap();
    let backend = if url.scheme().starts_with("postgres") { "pg" } else { "mysql" };
    format!("ormsh {backend} {}{}", url.host_str().unwrap(), url.path())
}

// ---------------------------------------------------------------------------------------------
// The conformance suite on every cluster

#[test]
fn the_examples_conform_on_galera() {
    let Some(nodes) = galera_nodes() else { return };
    let _galera = lock(&GALERA);
    let node = &nodes[0];
    conform(
        "examples",
        &[],
        &[("Galera", &|name| ServerDb::create(ServerKind::Mysql, node, &unique_name("galera", name)))],
    );
}

#[test]
fn the_examples_conform_through_pgpool() {
    let Some(pgpool) = cluster("ORMSH_TEST_PGPOOL") else { return };
    let _pgpool = lock(&PGPOOL);
    conform("examples", &[], &[("pgpool", &|name| ServerDb::create_pg_schema(&pgpool, &unique_name("pgpool", name)))]);
}

#[test]
fn the_examples_conform_through_pgbouncer_in_transaction_mode() {
    let Some(pgbouncer) = cluster("ORMSH_TEST_PGBOUNCER") else { return };
    let admin = format!("{pgbouncer}?statement_cache=off");
    conform(
        "examples",
        &[],
        &[("pgbouncer", &|name| ServerDb::create_pg_database(&admin, &unique_name("bouncer", name)))],
    );
}

// ---------------------------------------------------------------------------------------------
// Galera

/// A database of the test's own, made through node 1 (Galera replicates it), with one account.
fn galera_db(nodes: &[String], label: &str) -> ServerDb {
    let db = ServerDb::create(ServerKind::Mysql, &nodes[0], &unique_name("clusters", label));
    let made = ormsh(
        &db.url,
        &["-c", "model Account { name: text unique, balance: int }", "-c", "add Account name=a balance=10"],
    );
    assert_success(&made, "making the accounts");
    db
}

#[test]
fn a_galera_conflict_at_commit_is_a_rolled_back_transaction() {
    let Some(nodes) = galera_nodes() else { return };
    let _galera = lock(&GALERA);
    let db = galera_db(&nodes, "conflict");
    let (url1, url2) = (db.url.clone(), on_port(&db.url, port_of(&nodes[1])));
    let t = Scratch::new();
    let mut one = Prompt::start(&t, &url1, &prompt_name(&url1));
    let mut two = Prompt::start(&t, &url2, &prompt_name(&url2));

    // Both nodes change the same row in a transaction; node 1 commits first.
    one.run("begin", &one.in_tx());
    two.run("begin", &two.in_tx());
    one.run("update Account where name=a set balance=11", &one.in_tx());
    two.run("update Account where name=a set balance=12", &two.in_tx());
    one.run("commit", &one.idle());
    // Node 2's transaction lost the certification: its COMMIT fails, and the prompt says that
    // no transaction is open any more, as the server says.
    let failed = two.run("commit", &two.idle());
    assert!(failed.contains("Deadlock"), "the losing commit said: {failed}");
    // What comes next is committed at once, and nothing claims to roll it back.
    let added = two.run("add Account name=b balance=1", &two.idle());
    assert!(!added.contains("does not exist"), "the add after the conflict said: {added}");
    let rolled = two.run("rollback", &two.idle());
    assert!(rolled.contains("no transaction"), "`rollback` after the conflict said: {rolled}");

    assert_eq!(scalar(&url1, "query Account fields balance where name=a"), "11");
    assert_eq!(scalar(&url1, "count Account where name=b"), "1");
}

#[test]
fn a_galera_transaction_aborted_by_another_nodes_write_is_shown_as_gone() {
    let Some(nodes) = galera_nodes() else { return };
    let _galera = lock(&GALERA);
    let db = galera_db(&nodes, "bf_abort");
    let (url1, url2) = (db.url.clone(), on_port(&db.url, port_of(&nodes[1])));
    let t = Scratch::new();
    let mut one = Prompt::start(&t, &url1, &prompt_name(&url1));

    one.run("begin", &one.in_tx());
    one.run("add Account name=mine balance=5", &one.in_tx());
    one.run("update Account where name=a set balance=20", &one.in_tx());
    // Another node writes the same row and commits: Galera aborts the idle transaction on node 1.
    let out = ormsh(&url2, &["-c", "update Account where name=a set balance=30"]);
    assert_success(&out, "the write on node 2");
    std::thread::sleep(Duration::from_millis(500));

    // The next command meets the abort, and the prompt shows the transaction over (`[tx!]`):
    // nothing runs on its own in autocommit until `rollback` lets it go.
    let over = format!("{} [tx!]> ", one.name);
    let said = one.run("count Account", &over);
    assert!(said.contains("Deadlock"), "the command after the abort said: {said}");
    assert!(said.contains("nothing of it was committed"), "{said}");
    let refused = one.run("add Account name=after balance=1", &over);
    assert!(refused.contains("not run until it is rolled back"), "{refused}");
    one.run("rollback", &one.idle());
    one.run("add Account name=after balance=1", &one.idle());
    // Nothing of the aborted transaction stayed; the other node's write did.
    assert_eq!(scalar(&url1, "count Account where name=mine"), "0");
    assert_eq!(scalar(&url1, "query Account fields balance where name=a"), "30");
    assert_eq!(scalar(&url2, "count Account where name=after"), "1");
}

#[test]
fn a_galera_node_killed_mid_transaction_is_a_clear_loss_and_the_others_go_on() {
    let Some(nodes) = galera_nodes() else { return };
    let _galera = lock(&GALERA);
    let db = galera_db(&nodes, "node_loss");
    let url3 = on_port(&db.url, port_of(&nodes[2]));
    let t = Scratch::new();
    let mut three = Prompt::start(&t, &url3, &prompt_name(&url3));
    three.run("begin", &three.in_tx());
    three.run("add Account name=lost balance=1", &three.in_tx());

    clusters_sh(&["kill-galera", "3"]);
    let lost = format!("{} [tx!]> ", three.name);
    let said = three.run("count Account", &lost);
    assert!(said.contains("lost the connection"), "the command after the kill said: {said}");
    // The other nodes go on.
    assert_success(&ormsh(&db.url, &["-c", "add Account name=kept balance=2"]), "a write on node 1");

    clusters_sh(&["start-galera", "3"]);
    // The lost transaction is let go; the next command reconnects to the node, which has
    // caught up with the others.
    let rolled = three.run("rollback", &three.idle());
    assert!(!rolled.contains("error"), "letting the lost transaction go said: {rolled}");
    let counted = three.run("count Account where name=kept", &three.idle());
    assert!(counted.contains("reconnected"), "the node came back, and the session said: {counted}");
    assert!(counted.contains('1'), "the node that came back sees the others' write: {counted}");
    assert_eq!(scalar(&url3, "count Account where name=lost"), "0");
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: host lists, standbys, pgbouncer

#[test]
fn a_host_list_chooses_the_server_target_session_attrs_asks_for() {
    let (Some(primary), Some(standby)) = (cluster("ORMSH_TEST_PG_PRIMARY"), cluster("ORMSH_TEST_PG_STANDBY")) else {
        return;
    };
    let (p, s) = (port_of(&primary), port_of(&standby));
    let list = |target: &str, ports: &[u16]| {
        let hosts: Vec<String> = ports.iter().map(|port| format!("127.0.0.1:{port}")).collect();
        format!("postgres://postgres@{}/test?target_session_attrs={target}", hosts.join(","))
    };
    let port = |url: &str| scalar(url, "sql SELECT inet_server_port()");
    // The standby comes first in each list: only the attributes decide.
    assert_eq!(port(&list("read-write", &[s, p])), p.to_string());
    assert_eq!(port(&list("primary", &[s, p])), p.to_string());
    assert_eq!(port(&list("any", &[s, p])), s.to_string());
    assert_eq!(port(&list("standby", &[p, s])), s.to_string());
    assert_eq!(port(&list("read-only", &[p, s])), s.to_string());
    // A host that is down is passed over; with no standby, prefer-standby takes what there is.
    assert_eq!(port(&list("read-write", &[1, s, p])), p.to_string());
    assert_eq!(port(&list("prefer-standby", &[1, p])), p.to_string());

    // None will do: each host is named with the reason it was passed over.
    let out = ormsh(&list("read-write", &[s, 1]), &["-c", "count User"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no server in the list is read-write"), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{s} is a standby")), "{err}");
    assert!(err.contains("127.0.0.1:1: "), "{err}");
}

#[test]
fn a_standby_says_so_at_connect_and_in_the_prompt_and_refuses_writes_clearly() {
    let Some(standby) = cluster("ORMSH_TEST_PG_STANDBY") else { return };
    let t = Scratch::new();
    let mut prompt = Prompt::spawn(&t, &standby, "ormsh pg 127.0.0.1/test (standby)");
    let banner = prompt.expect(&prompt.idle());
    assert_eq!(banner.matches("hot standby").count(), 1, "said once at connect: {banner}");
    let said = prompt.run("sql CREATE TABLE refused (x int);", &prompt.idle());
    assert!(said.contains("read-only transaction"), "{said}");
    assert!(said.contains("target_session_attrs=read-write"), "the error says where writes go: {said}");
    let read = prompt.run("sql SELECT 40 + 2 AS answer;", &prompt.idle());
    assert!(read.contains("42"), "{read}");

    let out = ormsh(&standby, &["-c", "sql CREATE TABLE refused (x int)"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("hot standby"), "{err}");
}

#[test]
fn two_sessions_at_once_through_pgbouncer_in_transaction_mode() {
    let Some(pgbouncer) = cluster("ORMSH_TEST_PGBOUNCER") else { return };
    let admin = format!("{pgbouncer}?statement_cache=off");
    let db = ServerDb::create_pg_database(&admin, &unique_name("clusters", "pgbouncer"));
    let url = db.url.clone();
    assert_success(&ormsh(&url, &["-c", "model Hit { session: int, n: int }"]), "the model");

    // Two sessions, each a stream of commands with values (prepared statements), at once; each
    // also runs a transaction that it rolls back.
    let sessions: Vec<_> = (1..=2)
        .map(|session| {
            let url = url.clone();
            std::thread::spawn(move || {
                let mut script = String::from("begin\nadd Hit session=0 n=0\nquery Hit where session=0\nrollback\n");
                for n in 0..40 {
                    script +=
                        &format!("add Hit session={session} n={n}\ncount Hit where session={session} and n >= 0\n");
                }
                let mut child = common::ormsh_command(&url, &[])
                    .stdin(std::process::Stdio::piped())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap();
                use std::io::Write;
                child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
                child.wait_with_output().unwrap()
            })
        })
        .collect();
    for session in sessions {
        assert_success(&session.join().unwrap(), "a session through pgbouncer");
    }
    assert_eq!(scalar(&url, "count Hit"), "80");
    assert_eq!(scalar(&url, "count Hit where session=0"), "0");
}

// ---------------------------------------------------------------------------------------------
// pgpool-II: failover

#[test]
fn the_pgpool_primary_killed_mid_transaction_fails_over_and_a_down_server_traps_no_one() {
    let Some(pgpool) = cluster("ORMSH_TEST_PGPOOL") else { return };
    let _pgpool = lock(&PGPOOL);
    // pgpool's first primary, straight: the server that is killed and stays down.
    let first_primary = pgpool.replacen(&format!(":{}/", port_of(&pgpool)), ":5471/", 1);
    if !ormsh(&first_primary, &["-c", "sql SELECT 1"]).status.success() {
        // An earlier run on these clusters failed over already: bring them up again to repeat.
        eprintln!("skipping the failover: pgpool's first primary is down already");
        return;
    }
    let db = ServerDb::create_pg_schema(&pgpool, &unique_name("clusters", "failover"));
    assert_success(&ormsh(&db.url, &["-c", "model Note { body: text }", "-c", "add Note body=before"]), "the model");
    // The primary behind pgpool (5471), straight: the server that will stay down.
    let direct = db.url.replacen(&format!(":{}/", port_of(&pgpool)), ":5471/", 1);
    let promoted = db.url.replacen(&format!(":{}/", port_of(&pgpool)), ":5472/", 1);
    let t = Scratch::new();
    let mut pooled = Prompt::start(&t, &db.url, &prompt_name(&db.url));
    let mut down = Prompt::start(&t, &direct, &prompt_name(&direct));
    let mut moving = Prompt::start(&t, &direct, &prompt_name(&direct));
    // The same pair as a host list: the session finds the primary again after the failover.
    let hosts = "127.0.0.1:5471,127.0.0.1:5472";
    let list =
        format!("postgres://postgres@{hosts}/test?target_session_attrs=read-write&options=-csearch_path%3D{}", db.name);
    let mut listed = Prompt::start(&t, &list, &format!("ormsh pg {hosts}/test"));
    // At the prompt, `sql` text goes on until a `;`.
    let port = "sql SELECT inet_server_port() AS port;";
    assert!(listed.run(port, &listed.idle()).contains("5471"));
    pooled.run("begin", &pooled.in_tx());
    pooled.run("add Note body=lost", &pooled.in_tx());
    down.run("count Note", &down.idle());

    clusters_sh(&["kill-pgpool-primary"]);
    // The transaction is reported lost.
    let lost = format!("{} [tx!]> ", pooled.name);
    let said = pooled.run("add Note body=also_lost", &lost);
    assert!(said.contains("lost the connection"), "the command after the kill said: {said}");
    pooled.run("rollback", &pooled.idle());
    // The next command lands on the promoted standby, once pgpool has failed over, and writes.
    let mut written = String::new();
    for _ in 0..30 {
        written = pooled.run("add Note body=after", &pooled.idle());
        if !written.contains("error") {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(!written.contains("error"), "writing after the failover said: {written}");
    assert_eq!(scalar(&promoted, "sql SELECT CAST(pg_is_in_recovery() AS text)"), "false");
    let bodies = common::ok_csv(&promoted, &["query Note fields body order by body"]);
    assert_eq!(bodies, "body\nafter\nbefore\n");

    // The host list is walked again after the loss, and the promoted standby is its primary.
    let said = listed.run(port, &listed.idle());
    assert!(said.contains("lost the connection"), "{said}");
    let found = listed.run(port, &listed.idle());
    assert!(found.contains("reconnected") && found.contains("5472"), "{found}");

    // The server that stays down traps no one: help needs no connection, one Ctrl-D leaves,
    // and `connect` moves to the promoted standby.
    let said = down.run("count Note", &down.idle());
    assert!(said.contains("lost the connection"), "{said}");
    let again = down.run("count Note", &down.idle());
    assert!(again.contains("could not be opened again"), "{again}");
    let help = down.run("help", &down.idle());
    assert!(help.contains("quit"), "help works without a server: {help}");
    down.pty.send_control('d').unwrap();
    down.pty.exp_eof().expect("one Ctrl-D leaves");

    let promoted_name = prompt_name(&promoted);
    let moved = moving.run(&format!("connect {promoted}"), &format!("{promoted_name}> "));
    assert!(!moved.contains("error"), "{moved}");
    let counted = moving.run("count Note", &format!("{promoted_name}> "));
    assert!(counted.contains('2'), "{counted}");
    moving.run("quit", "");
    moving.pty.exp_eof().expect("quit leaves");
}

/// ormsh on `url` with the password environment `vars` (nothing of the caller's: no PGPASSWORD,
/// no PGPASSFILE, a HOME of its own), running `sql select current_user`.
fn as_secret_role(url: &str, home: &std::path::Path, vars: &[(&str, &str)]) -> (String, String, Option<i32>) {
    let mut cmd = common::ormsh_command(url, &["--format", "csv", "-c", "sql select current_user as who"]);
    cmd.env_remove("PGPASSWORD").env_remove("PGPASSFILE").env("HOME", home).envs(vars.iter().copied());
    let out = cmd.output().expect("run ormsh");
    (common::text(&out.stdout), common::text(&out.stderr), out.status.code())
}

/// Writes `text` to `path`, readable by its owner alone (libpq ignores a ~/.pgpass others read).
fn write_private(path: &std::path::Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).expect("write the password file");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).expect("chmod 600");
}

#[test]
fn pgpassword_and_pgpass_give_the_password_and_no_error_shows_one() {
    let (Some(url), Some(password)) = (cluster("ORMSH_TEST_PG_SECRET_URL"), cluster("ORMSH_TEST_PG_SECRET_PASSWORD"))
    else {
        return;
    };
    let t = Scratch::new();
    let home = t.path("home");
    std::fs::create_dir_all(&home).expect("a home");
    let works = |(out, err, code): (String, String, Option<i32>), how: &str| {
        assert_eq!(code, Some(0), "{how}: {err}");
        assert_eq!(out, "who\normsh_secret\n", "{how}");
    };
    let refused = |(out, err, code): (String, String, Option<i32>), how: &str, shown: &[&str]| {
        assert_eq!(code, Some(2), "{how}: a connection error: {out}{err}");
        assert!(err.contains("password authentication failed for user \"ormsh_secret\""), "{how}: {err}");
        assert!(err.contains("$PGPASSWORD") && err.contains("~/.pgpass"), "{how}: says where one is looked for: {err}");
        for secret in shown {
            assert!(!out.contains(secret) && !err.contains(secret), "{how}: shows {secret}: {out}{err}");
        }
    };

    works(as_secret_role(&url, &home, &[("PGPASSWORD", &password)]), "PGPASSWORD");
    refused(as_secret_role(&url, &home, &[]), "no password", &[&password]);
    let wrong = "Wrong-horse-8";
    refused(as_secret_role(&url, &home, &[("PGPASSWORD", wrong)]), "a wrong PGPASSWORD", &[wrong, &password]);
    let in_url = url.replacen("ormsh_secret@", &format!("ormsh_secret:{wrong}@"), 1);
    refused(as_secret_role(&in_url, &home, &[]), "a wrong password in the URL", &[wrong, &password]);

    // A password file named by PGPASSFILE, then ~/.pgpass itself; a line for another database
    // first, which must not be taken.
    let port = port_of(&url);
    let lines = format!("127.0.0.1:{port}:other:ormsh_secret:{wrong}\n127.0.0.1:{port}:test:ormsh_secret:{password}\n");
    let file = t.path("pgpass");
    write_private(&file, &lines);
    works(as_secret_role(&url, &home, &[("PGPASSFILE", file.to_str().expect("a UTF-8 path"))]), "PGPASSFILE");
    write_private(&home.join(".pgpass"), &lines);
    works(as_secret_role(&url, &home, &[]), "~/.pgpass");
    // PGPASSWORD comes before the file, as in libpq; a wrong one is refused though the file has
    // the right one.
    refused(as_secret_role(&url, &home, &[("PGPASSWORD", wrong)]), "PGPASSWORD first", &[wrong, &password]);
    let other_user = format!("127.0.0.1:{port}:test:someone_else:{password}\n");
    write_private(&home.join(".pgpass"), &other_user);
    refused(as_secret_role(&url, &home, &[]), "a ~/.pgpass line for another role", &[&password]);
}
