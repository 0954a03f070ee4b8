//! Helpers shared by the integration tests that run the real `ormsh` binary.
//!
//! Every test gets its own temporary directory: the databases, scripts, the working directory
//! and HOME / XDG_DATA_HOME (where history may be written) all live in it, so tests run in
//! parallel and nothing is written outside it.
//!
//! The tests that need a server take its URL from `ORMSH_TEST_PG` or `ORMSH_TEST_MYSQL`
//! ([`ServerKind::url`]) and work in a schema or database of their own ([`ServerDb`]).

#![allow(dead_code)]

pub mod conform;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rexpect::session::{Options, PtySession, spawn_with_options};
use tempfile::TempDir;

/// The binary under test.
pub const ORMSH: &str = env!("CARGO_BIN_EXE_ormsh");

/// A temporary directory that is the whole world of one test.
pub struct Scratch {
    pub dir: TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch { dir: tempfile::Builder::new().prefix("ormsh-test-").tempdir().expect("create a temp dir") }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A path inside the directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// `sqlite:<dir>/<name>`.
    pub fn url(&self, name: &str) -> String {
        format!("sqlite:{}", self.path(name).display())
    }

    /// Writes a file (creating its directories) and returns its full path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&path, text).expect("write file");
        path
    }

    /// The binary, run in this directory with a clean environment: HOME and XDG_DATA_HOME in the
    /// directory, no DATABASE_URL, and nothing that forces or forbids colour.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(ORMSH);
        cmd.current_dir(self.root())
            .env("HOME", self.root())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("TERM", "xterm-256color")
            .env_remove("DATABASE_URL")
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        cmd
    }

    /// Runs `ormsh <url> -c cmd1 -c cmd2 …` and returns the output, whatever the status.
    pub fn run(&self, db: &str, commands: &[&str]) -> Output {
        let mut cmd = self.cmd();
        cmd.arg(self.url(db));
        for c in commands {
            cmd.arg("-c").arg(c);
        }
        cmd.output().expect("run ormsh")
    }

    /// Runs commands that must all succeed; returns stdout.
    pub fn ok(&self, db: &str, commands: &[&str]) -> String {
        let out = self.run(db, commands);
        assert_success(&out, &format!("ormsh {commands:?}"));
        text(&out.stdout)
    }

    /// `count MODEL` on a database, as a number.
    pub fn count(&self, db: &str, model: &str) -> i64 {
        let out = self.ok(db, &[&format!("count {model}")]);
        out.trim().parse().unwrap_or_else(|_| panic!("`count {model}` printed {out:?}"))
    }

    /// `ormsh URL` on a pseudo-terminal, in this directory (see [`Scratch::on_terminal`]);
    /// every expectation waits at most `timeout_ms`.
    pub fn spawn_prompt(&self, url: &str, timeout_ms: u64) -> PtySession {
        let mut cmd = Command::new(ORMSH);
        cmd.arg(url);
        spawn_pty(self.on_terminal(cmd), timeout_ms)
    }

    /// `cmd` run as a person at a terminal would, but in this directory: HOME, XDG_DATA_HOME
    /// (history) and XDG_CONFIG_HOME in it, no DATABASE_URL, without colour on a plain `xterm`.
    pub fn on_terminal(&self, mut cmd: Command) -> Command {
        cmd.current_dir(self.root())
            .env("HOME", self.root())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env_remove("DATABASE_URL");
        cmd
    }
}

/// `cmd` on a pseudo-terminal, escape sequences stripped from what it shows; every expectation
/// waits at most `timeout_ms`.
pub fn spawn_pty(cmd: Command, timeout_ms: u64) -> PtySession {
    let options = Options::new().timeout_ms(Some(timeout_ms)).strip_ansi_escape_codes(true);
    spawn_with_options(cmd, options).expect("spawn ormsh on a pty")
}

/// Waits for `needle` on `pty`; what came before it. A timeout fails the test, naming it.
pub fn expect_on(pty: &mut PtySession, needle: &str) -> String {
    match pty.exp_string(needle) {
        Ok(before) => before,
        Err(e) => panic!("waiting for {needle:?}: {e}"),
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// Waits up to `limit` for `condition`, checking it every 100 ms; whether it came true.
pub fn eventually(limit: std::time::Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// Asserts that a run of ormsh (`what`) succeeded, showing its output if not.
pub fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `ormsh URL args…` in the crate's directory (scripts are named relative to it), with no
/// DATABASE_URL and no colour.
pub fn ormsh_command(url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(ORMSH);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("DATABASE_URL").env("NO_COLOR", "1").arg(url).args(args);
    cmd
}

/// Runs [`ormsh_command`]; returns the output, whatever the status.
pub fn ormsh(url: &str, args: &[&str]) -> Output {
    ormsh_command(url, args).output().expect("run ormsh")
}

/// Runs commands on `url` that must all succeed, `--format csv`; returns stdout.
pub fn ok_csv(url: &str, commands: &[&str]) -> String {
    let mut args = vec!["--format", "csv"];
    for c in commands {
        args.extend(["-c", c]);
    }
    let out = ormsh(url, &args);
    assert_success(&out, &format!("ormsh {url} {commands:?}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The one value printed by a command run with `--format csv` (the line under the header).
pub fn scalar(url: &str, command: &str) -> String {
    let out = ok_csv(url, &[command]);
    let lines: Vec<&str> = out.lines().collect();
    match lines.as_slice() {
        [value] => value.to_string(),
        [_header, value] => value.to_string(),
        _ => panic!("`{command}` printed {out:?}, not one value"),
    }
}

/// `count MODEL` on `url`, as a number.
pub fn count(url: &str, model: &str) -> i64 {
    let n = scalar(url, &format!("count {model}"));
    n.parse().unwrap_or_else(|_| panic!("`count {model}` printed {n:?}"))
}

// ---------------------------------------------------------------------------------------------
// Servers

/// A server the tests can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Postgres,
    Mysql,
}

impl ServerKind {
    /// The environment variable that holds the server's URL.
    pub fn var(self) -> &'static str {
        match self {
            ServerKind::Postgres => "ORMSH_TEST_PG",
            ServerKind::Mysql => "ORMSH_TEST_MYSQL",
        }
    }

    /// The server's URL, or None when its variable is not set: the caller skips what needs the
    /// server, and the reason is printed. Under `CI=true` a missing server is a failure.
    pub fn url(self) -> Option<String> {
        let var = self.var();
        match std::env::var(var) {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                // The test harness names each test's thread after the test.
                let thread = std::thread::current();
                let test = thread.name().unwrap_or("this test");
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("{var} is not set, and CI needs the server for {test}");
                }
                eprintln!("skipping what {test} does on {var}: {var} is not set");
                None
            }
        }
    }

    /// A schema or database of one test's own (see [`unique_name`]) on the server, or None
    /// (skipped, see [`ServerKind::url`]) when the server is not configured.
    pub fn fresh_db(self, prefix: &str, label: &str) -> Option<ServerDb> {
        Some(ServerDb::create(self, &self.url()?, &unique_name(prefix, label)))
    }
}

/// `ormsh_<prefix>_<label>_<process id>`, the label's characters other than ASCII letters and
/// digits made `_`: a name for one test's schema or database, unique to the test (through the
/// prefix of its file and its label) and to the process.
pub fn unique_name(prefix: &str, label: &str) -> String {
    let label: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let name = format!("ormsh_{prefix}_{label}_{}", std::process::id());
    assert!(name.len() <= 63, "`{name}` is longer than the 63 characters of a PostgreSQL name");
    name
}

/// A schema (PostgreSQL) or a database (MySQL/MariaDB) made for one test through ormsh itself,
/// and dropped, with all it holds, when this is dropped (even when the test fails).
pub struct ServerDb {
    pub kind: ServerKind,
    /// The server's URL as configured: where `name` is made and dropped.
    pub admin_url: String,
    /// The URL that works inside `name`.
    pub url: String,
    pub name: String,
    /// The command that removes it.
    drop: String,
}

impl ServerDb {
    /// Makes `name` on the server at `admin_url`, dropping one left over by an earlier run first:
    /// a database of its own on either server. Not a schema: ormsh reads every schema of a
    /// PostgreSQL database, so tests sharing one would each see the others' tables.
    pub fn create(kind: ServerKind, admin_url: &str, name: &str) -> ServerDb {
        match kind {
            ServerKind::Postgres => ServerDb::create_pg_database(admin_url, name),
            ServerKind::Mysql => {
                let mut url = url::Url::parse(admin_url).expect("a MySQL URL");
                url.set_path(&format!("/{name}"));
                let (create, drop) =
                    (format!("sql CREATE DATABASE {name}"), format!("sql DROP DATABASE IF EXISTS {name}"));
                ServerDb::make(kind, admin_url, url.to_string(), name, create, drop)
            }
        }
    }

    /// A PostgreSQL schema `name` in the database of `admin_url`, first in the search path of
    /// every connection made with `url`: for the tests of schemas themselves, in a database of
    /// their own.
    pub fn create_pg_schema(admin_url: &str, name: &str) -> ServerDb {
        let joiner = if admin_url.contains('?') { '&' } else { '?' };
        ServerDb::make(
            ServerKind::Postgres,
            admin_url,
            format!("{admin_url}{joiner}options=-csearch_path%3D{name}"),
            name,
            format!("sql CREATE SCHEMA {name}"),
            format!("sql DROP SCHEMA IF EXISTS {name} CASCADE"),
        )
    }

    /// A PostgreSQL database of its own, the URL's options kept.
    pub fn create_pg_database(admin_url: &str, name: &str) -> ServerDb {
        let mut url = url::Url::parse(admin_url).expect("a one-host URL");
        url.set_path(&format!("/{name}"));
        // The pooler keeps server connections to it open: FORCE ends them.
        let drop = format!("sql DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        ServerDb::make(
            ServerKind::Postgres,
            admin_url,
            url.to_string(),
            name,
            format!("sql CREATE DATABASE {name}"),
            drop,
        )
    }

    fn make(kind: ServerKind, admin_url: &str, url: String, name: &str, create: String, drop: String) -> ServerDb {
        let db = ServerDb { kind, admin_url: admin_url.to_string(), url, name: name.to_string(), drop };
        let made = ormsh(admin_url, &["-c", &db.drop, "-c", &create]);
        assert_success(&made, &format!("making {name} (`{create}`)"));
        db
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        let drop = &self.drop;
        let out = ormsh(&self.admin_url, &["-c", drop]);
        if !out.status.success() {
            // Not a panic: this may run while the test is already panicking.
            eprintln!("could not clean up, `{drop}` failed:\n{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}
