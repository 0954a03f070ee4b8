//! Helpers shared by the integration tests that run the real `ormsh` binary.
//!
//! Every test gets its own temporary directory: the databases, scripts, the working directory
//! and HOME / XDG_DATA_HOME (where history may be written) all live in it, so tests run in
//! parallel and nothing is written outside it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

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
        assert!(
            out.status.success(),
            "ormsh {commands:?} failed with {:?}\nstdout:\n{}\nstderr:\n{}",
            out.status,
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    /// `count MODEL` on a database, as a number.
    pub fn count(&self, db: &str, model: &str) -> i64 {
        let out = self.ok(db, &[&format!("count {model}")]);
        out.trim().parse().unwrap_or_else(|_| panic!("`count {model}` printed {out:?}"))
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}
