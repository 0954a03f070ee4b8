//! The catalog follows the database: a table or field that another tool makes while the prompt
//! is open is found by the next command that names it, without `refresh`; `refresh` reads the
//! schema on demand, and the editor's completion follows. Driven as a person would: the real
//! binary on a pseudo-terminal, with the schema changed from outside between two commands (by
//! `sqlite3`, or a second ormsh), on SQLite, PostgreSQL and MariaDB.

mod common;

use common::{Scratch, ServerDb, ServerKind, assert_success, ormsh};
use rexpect::session::PtySession;

const TIMEOUT_MS: u64 = 10_000;

/// One interactive ormsh on a pseudo-terminal, and how to change its database from outside.
struct Prompt {
    pty: PtySession,
    /// The idle prompt, which names the database.
    idle: String,
    url: String,
}

impl Prompt {
    fn start(t: &Scratch, url: &str, location: &str) -> Prompt {
        let mut prompt =
            Prompt { pty: t.spawn_prompt(url, TIMEOUT_MS), idle: format!("ormsh {location}> "), url: url.into() };
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

    /// Types a line, waits for `output`, then for `prompt`; returns what came before `output`.
    fn run_to(&mut self, text: &str, output: &str, prompt: &str) -> String {
        self.pty.send_line(text).expect("type a line");
        let before = self.expect(output);
        self.expect(prompt);
        before
    }

    /// [`run_to`](Self::run_to) the idle prompt.
    fn run(&mut self, text: &str, output: &str) -> String {
        let idle = self.idle.clone();
        self.run_to(text, output, &idle)
    }

    /// Runs SQL on the same database from another process: a second ormsh.
    fn elsewhere(&self, sql: &str) {
        let out = ormsh(&self.url, &["-c", &format!("sql {sql}")]);
        assert_success(&out, &format!("`{sql}` from another ormsh"));
    }

    fn quit(mut self) {
        self.pty.send_line("quit").expect("type quit");
        self.pty.exp_eof().expect("ormsh exits");
    }
}

/// What every backend must do; `elsewhere_tool` changes the schema from outside (a second ormsh
/// on the servers, `sqlite3` on SQLite).
fn follows(p: &mut Prompt, elsewhere_tool: &dyn Fn(&Prompt, &str)) {
    p.run("model Widget { name: text }", "created");
    elsewhere_tool(p, "CREATE TABLE gadgets (id integer primary key, label varchar(40) not null)");
    elsewhere_tool(p, "INSERT INTO gadgets (id, label) VALUES (1, 'made elsewhere')");
    // The first command that names it finds it.
    p.run("query Gadget", "made elsewhere");

    // A field made elsewhere, on a model the catalog already has.
    elsewhere_tool(p, "ALTER TABLE gadgets ADD colour varchar(20)");
    p.run("count Gadget where colour is null", "\r\n1\r\n");

    // `describe` and `explain` follow the same rule.
    elsewhere_tool(p, "CREATE TABLE gizmos (id integer primary key, size integer)");
    p.run("describe Gizmo", "model Gizmo (table gizmos)");
    elsewhere_tool(p, "CREATE TABLE sprockets (id integer primary key)");
    p.run("explain count Sprocket", "FROM ");

    // Nothing to find: the error is what it always was, with its suggestion.
    let shown = p.run("query Gadgt", "did you mean `Gadget`?");
    assert!(shown.contains("unknown model `Gadgt`"), "{shown:?}");

    // A command that succeeds reads nothing again: `models` does not show a table made since.
    elsewhere_tool(p, "CREATE TABLE bolts (id integer primary key)");
    let listed = p.run("models", "(4 rows)");
    assert!(!listed.contains("Bolt"), "{listed:?}");
    p.run("refresh", "schema read again: 5 models");
    let listed = p.run("models", "(5 rows)");
    assert!(listed.contains("Bolt"), "{listed:?}");

    // The editor's catalog follows: Tab completes the model read again a moment ago.
    elsewhere_tool(p, "CREATE TABLE flanges (id integer primary key)");
    p.run("count Flange", "\r\n0\r\n");
    p.pty.send("count Fla\t").expect("type and press Tab");
    p.pty.flush().expect("flush");
    p.expect("count Flange");
    p.pty.send("\r").expect("press Enter");
    p.pty.flush().expect("flush");
    p.expect("\r\n0\r\n");
    let idle = p.idle.clone();
    p.expect(&idle);

    // Inside a transaction the catalog is read again as well, and a rollback keeps what others
    // committed.
    let tx = p.idle.replace("> ", " [tx]> ");
    p.run_to("begin", "BEGIN", &tx);
    elsewhere_tool(p, "CREATE TABLE nuts (id integer primary key, size integer)");
    p.run_to("add Nut id=1 size=3", "size | 3", &tx);
    p.run("rollback", "ROLLBACK");
    p.run("count Nut", "\r\n0\r\n");
}

fn by_ormsh(p: &Prompt, sql: &str) {
    p.elsewhere(sql);
}

#[test]
fn the_prompt_finds_what_sqlite3_made_on_sqlite() {
    let t = Scratch::new();
    let path = t.path("p.db");
    let mut p = Prompt::start(&t, &t.url("p.db"), "p.db");
    let sqlite3 = move |_: &Prompt, sql: &str| {
        let out = std::process::Command::new("sqlite3")
            .arg(&path)
            .arg(sql)
            .output()
            .expect("run sqlite3 (the SQLite command-line shell)");
        assert_success(&out, &format!("sqlite3 `{sql}`"));
    };
    follows(&mut p, &sqlite3);
    p.quit();
}

#[test]
fn the_prompt_finds_what_another_ormsh_made_on_sqlite() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, &t.url("p.db"), "p.db");
    follows(&mut p, &by_ormsh);
    p.quit();
}

fn on_server(kind: ServerKind) {
    let Some(db) = kind.fresh_db("follows", "prompt") else { return };
    let t = Scratch::new();
    let mut p = Prompt::start(&t, &db.url, &location(&db));
    follows(&mut p, &by_ormsh);
    p.quit();
}

/// The database as the prompt names it: the backend, then `host/database`.
fn location(db: &ServerDb) -> String {
    let parsed = url::Url::parse(&db.url).unwrap();
    let backend = match db.kind {
        ServerKind::Postgres => "pg",
        ServerKind::Mysql => "mysql",
    };
    format!("{backend} {}{}", parsed.host_str().unwrap_or("localhost"), parsed.path())
}

#[test]
fn the_prompt_finds_what_another_ormsh_made_on_postgres() {
    on_server(ServerKind::Postgres);
}

#[test]
fn the_prompt_finds_what_another_ormsh_made_on_mariadb() {
    on_server(ServerKind::Mysql);
}

/// In a script the error for a name that is nowhere is unchanged: its place, its suggestion,
/// exit status 1.
#[test]
fn an_unknown_name_is_still_an_error_with_its_suggestion() {
    let t = Scratch::new();
    t.ok("s.db", &["sql CREATE TABLE gadgets (id integer primary key, label text)"]);
    let out = t.run("s.db", &["query Gadget where lable = x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = common::text(&out.stderr);
    assert!(stderr.contains("Gadget has no field `lable`"), "{stderr}");
    assert!(stderr.contains("did you mean `label`?"), "{stderr}");
    assert!(stderr.contains("<command>:1:20"), "{stderr}");
}
