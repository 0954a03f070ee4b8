//! The prompt as psql and pgcli users use it: psql's backslash words, the config file and the
//! startup script, `set` alone, and a prompt that says which backend and whether it is a
//! sandbox. The real binary on a pseudo-terminal, driven with rexpect, as in `tests/prompt.rs`.

mod common;

use std::process::Command;

use common::{ORMSH, Scratch, ServerKind};
use rexpect::session::PtySession;

const TIMEOUT_MS: u64 = 10_000;
const PROMPT: &str = "ormsh p.db> ";

/// One interactive ormsh on a pseudo-terminal.
struct Prompt {
    pty: PtySession,
}

impl Prompt {
    /// `ormsh URL ARGS…` in the test's directory, with HOME, XDG_DATA_HOME and XDG_CONFIG_HOME
    /// in it (so `config/ormsh/` is the config directory), `env` added.
    fn spawn(t: &Scratch, url: &str, args: &[&str], env: &[(&str, &str)]) -> Prompt {
        let mut cmd = Command::new(ORMSH);
        cmd.arg(url).args(args).env_remove("ORMSH_CONFIG_DIR");
        let mut cmd = t.on_terminal(cmd);
        for (name, value) in env {
            cmd.env(name, value);
        }
        Prompt { pty: common::spawn_pty(cmd, TIMEOUT_MS) }
    }

    fn expect(&mut self, needle: &str) -> String {
        common::expect_on(&mut self.pty, needle)
    }

    /// Types a line and returns what it printed: everything from the end of the line typed
    /// (the editor redraws the prompt while the line is typed, but ends it only on Enter) up
    /// to the next `prompt`.
    fn run(&mut self, text: &str, prompt: &str) -> String {
        self.pty.send_line(text).expect("type a line");
        self.expect("\n");
        self.expect(prompt)
    }

    fn quit(mut self) {
        self.pty.send_line("quit").expect("type quit");
        self.pty.exp_eof().expect("ormsh exits");
    }
}

/// A database `p.db` with two users, made by a script.
fn shop(t: &Scratch) -> String {
    let url = t.url("p.db");
    t.ok(
        "p.db",
        &[
            "model User { name: text, email: text unique }",
            "add User name=Ann email=a@x.io",
            "add User name=Bob email=b@x.io",
        ],
    );
    url
}

#[test]
fn psql_words_work_and_say_the_ormsh_word() {
    let t = Scratch::new();
    let url = shop(&t);
    let mut p = Prompt::spawn(&t, &url, &[], &[]);
    p.expect(PROMPT);

    let models = p.run("\\d", PROMPT);
    assert!(models.contains("User") && models.contains("users"), "{models}");
    assert!(models.contains("(\\d is `models` in ormsh)"), "{models}");

    let described = p.run("\\d User", PROMPT);
    assert!(described.contains("email") && described.contains("unique"), "{described}");
    assert!(described.contains("(\\d is `describe User` in ormsh)"), "{described}");

    let tables = p.run("\\dt", PROMPT);
    assert!(tables.contains("users") && tables.contains("(\\dt is `models` in ormsh)"), "{tables}");

    // \x flips to vertical records and back.
    let flipped = p.run("\\x", PROMPT);
    assert!(flipped.contains("(\\x is `set format vertical` in ormsh)"), "{flipped}");
    let vertical = p.run("query User order by name", PROMPT);
    assert!(vertical.contains("-[ RECORD 1 ]") && vertical.contains("name  | Ann"), "{vertical}");
    p.run("\\x", PROMPT);
    let table = p.run("query User order by name", PROMPT);
    assert!(table.contains(" id | name | email") && !table.contains("RECORD"), "{table}");

    let timing = p.run("\\timing", PROMPT);
    assert!(timing.contains("(\\timing is `set timing on` in ormsh)"), "{timing}");
    let timed = p.run("count User", PROMPT);
    assert!(timed.contains("Time: "), "{timed}");

    let help = p.run("\\?", PROMPT);
    assert!(help.contains("query") && help.contains("(\\? is `help` in ormsh)"), "{help}");

    // \o sends results to a file, and \o alone back to the screen.
    let to_file = p.run("\\o out.txt", PROMPT);
    assert!(to_file.contains("output to out.txt"), "{to_file}");
    let hidden = p.run("query User where name=Bob", PROMPT);
    assert!(!hidden.contains("b@x.io"), "{hidden}");
    p.run("\\o", PROMPT);
    let back = p.run("query User where name=Bob", PROMPT);
    assert!(back.contains("b@x.io"), "{back}");
    let written = std::fs::read_to_string(t.path("out.txt")).expect("the output file");
    assert!(written.contains("b@x.io") && !written.contains('\u{1b}'), "{written:?}");

    // \i runs a file.
    t.write("more.orm", "add User name=Cid email=c@x.io\n");
    p.run("\\i more.orm", PROMPT);
    let counted = p.run("count User", PROMPT);
    assert!(counted.contains('3'), "{counted}");
    p.quit();
}

#[test]
fn edit_opens_the_last_entry_in_the_editor_and_runs_it() {
    let t = Scratch::new();
    let url = shop(&t);
    // The "editor" fixes the typo in the file it is given.
    let mut p = Prompt::spawn(&t, &url, &[], &[("EDITOR", "sed -i s/Usr/User/")]);
    p.expect(PROMPT);
    let failed = p.run("count Usr", PROMPT);
    assert!(failed.contains("unknown model `Usr`"), "{failed}");
    let edited = p.run("\\e", PROMPT);
    assert!(edited.contains("count User") && edited.contains('2'), "{edited}");
    p.quit();
}

#[test]
fn the_config_file_and_the_startup_script_apply_at_the_prompt() {
    let t = Scratch::new();
    let url = shop(&t);
    t.write("config/ormsh/config.toml", "format = \"vertical\"\n\nlimt = 3\ntiming = \"maybe\"\n");
    t.write("config/ormsh/rc.orm", "set limit 1\nqeury User\n");
    let mut p = Prompt::spawn(&t, &url, &[], &[]);
    let start = p.expect(PROMPT);
    let config = t.path("config/ormsh/config.toml").display().to_string();
    assert!(start.contains(&format!("warning: {config}:3: unknown key `limt`: did you mean `limit`?")), "{start}");
    assert!(start.contains(&format!("warning: {config}:4: `timing`:")), "{start}");
    // An error in the startup script is shown at its line, and the prompt starts all the same.
    assert!(start.contains("rc.orm:2:1") && start.contains("unknown command `qeury`"), "{start}");

    let settings = p.run("set", PROMPT);
    assert!(settings.contains("setting | format") && settings.contains("value   | vertical"), "{settings}");
    assert!(settings.contains("setting | limit") && settings.contains("value   | 1"), "{settings}");
    assert!(settings.contains("default | 100"), "{settings}");

    let capped = p.run("query User order by name", PROMPT);
    assert!(capped.contains("name  | Ann") && !capped.contains("Bob"), "{capped}");
    p.quit();

    // --no-rc starts with the defaults.
    let mut p = Prompt::spawn(&t, &url, &["--no-rc"], &[]);
    let start = p.expect(PROMPT);
    assert!(!start.contains("warning"), "{start}");
    let plain = p.run("query User order by name", PROMPT);
    assert!(plain.contains(" id | name") && plain.contains("Bob"), "{plain}");
    p.quit();

    // ORMSH_CONFIG_DIR names another directory.
    t.write("elsewhere/config.toml", "limit = 1\n");
    let elsewhere = t.path("elsewhere").display().to_string();
    let mut p = Prompt::spawn(&t, &url, &[], &[("ORMSH_CONFIG_DIR", &elsewhere)]);
    p.expect(PROMPT);
    let capped = p.run("query User order by name", PROMPT);
    assert!(capped.contains(" id | name") && !capped.contains("Bob"), "{capped}");
    p.quit();
}

#[test]
fn scripts_read_no_config() {
    let t = Scratch::new();
    shop(&t);
    t.write("config/ormsh/config.toml", "format = \"json\"\n");
    let out = t.ok("p.db", &["count User"]);
    assert_eq!(out, "2\n");
    let out = t.ok("p.db", &["query User fields name where name=Ann"]);
    assert!(out.contains(" name") && !out.contains('{'), "{out}");
}

#[test]
fn the_prompt_shows_the_sandbox_and_the_banner_says_so() {
    let t = Scratch::new();
    let url = shop(&t);
    let mut p = Prompt::spawn(&t, &url, &["--sandbox"], &[]);
    let banner = p.expect("ormsh p.db [sandbox]> ");
    assert!(banner.contains("(SQLite) [sandbox: everything is rolled back at exit]"), "{banner}");
    p.run("begin", "ormsh p.db [sandbox] [tx]> ");
    p.run("rollback", "ormsh p.db [sandbox]> ");
    p.quit();
}

#[test]
fn the_prompt_names_the_backend_when_the_location_does_not() {
    let t = Scratch::new();
    // An SQLite file whose name does not say so.
    t.ok("data", &["model Thing { name: text }"]);
    let mut p = Prompt::spawn(&t, &t.url("data"), &[], &[]);
    p.expect("ormsh sqlite data> ");
    p.quit();

    let Some(db) = ServerKind::Postgres.fresh_db("habits", "prompt") else { return };
    let host = url::Url::parse(&db.url).unwrap().host_str().unwrap().to_string();
    let mut p = Prompt::spawn(&t, &db.url, &[], &[]);
    let banner = p.expect(&format!("ormsh pg {host}/"));
    assert!(banner.contains("(PostgreSQL)"), "{banner}");
    p.expect("> ");
    p.quit();
}
