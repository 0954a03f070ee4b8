//! The prompt as a person uses it: the real binary on a pseudo-terminal, driven with rexpect.
//!
//! Every expectation waits up to ten seconds (the machine is shared) but nothing here measures
//! time. Escape sequences are stripped from what the terminal shows, so the text matched is what
//! a person reads. After each command the test waits for the output it expects and then for the
//! next prompt, so that the next keystrokes reach a fresh line.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Scratch, ServerKind};
use nix::sys::wait::WaitStatus;
use rexpect::session::PtySession;

const TIMEOUT_MS: u64 = 10_000;

/// The prompt names the database (every test's is `p.db`) and shows the transaction state.
const PROMPT: &str = "ormsh p.db> ";
const TX: &str = "ormsh p.db [tx]> ";
/// The question asked when leaving with a transaction open.
const LEAVE: &str = "A transaction is open: [c]ommit, [r]ollback, or [s]tay? ";

/// One interactive ormsh on a pseudo-terminal.
struct Prompt {
    pty: PtySession,
}

impl Prompt {
    /// Starts `ormsh sqlite:<dir>/<db>` and waits for the first prompt.
    fn start(t: &Scratch, db: &str) -> Prompt {
        let mut prompt = Prompt::spawn(t, db);
        prompt.expect(PROMPT);
        prompt
    }

    /// Starts `ormsh sqlite:<dir>/<db>` with HOME and XDG_DATA_HOME in the test's directory.
    fn spawn(t: &Scratch, db: &str) -> Prompt {
        Prompt::spawn_url(t, &t.url(db))
    }

    /// Starts `ormsh URL` with HOME and XDG_DATA_HOME in the test's directory.
    fn spawn_url(t: &Scratch, url: &str) -> Prompt {
        Prompt { pty: t.spawn_prompt(url, TIMEOUT_MS) }
    }

    /// Waits for `needle`; returns what came before it.
    fn expect(&mut self, needle: &str) -> String {
        common::expect_on(&mut self.pty, needle)
    }

    /// Types a line and presses Enter.
    fn line(&mut self, text: &str) {
        self.pty.send_line(text).expect("type a line");
    }

    /// Types a line, waits for `output`, then for the next `prompt`.
    fn run(&mut self, text: &str, output: &str, prompt: &str) {
        self.line(text);
        self.expect(output);
        self.expect(prompt);
    }

    fn control(&mut self, c: char) {
        self.pty.send_control(c).expect("send a control key");
    }

    /// Waits for the process to end; returns everything it printed on the way out.
    fn finish(mut self) -> (String, WaitStatus) {
        let rest = match self.pty.exp_eof() {
            Ok(rest) => rest,
            Err(e) => panic!("waiting for ormsh to exit: {e}"),
        };
        let status = self.pty.process().wait().expect("wait for ormsh");
        (rest, status)
    }
}

#[test]
fn banner_prompt_add_and_query() {
    let t = Scratch::new();
    let mut p = Prompt::spawn(&t, "p.db");
    let banner = p.expect(PROMPT);
    let location = format!("ormsh {} on {}", env!("CARGO_PKG_VERSION"), t.url("p.db"));
    assert!(banner.contains(&location), "banner: {banner:?}");
    assert!(banner.contains("`help` for commands"), "banner: {banner:?}");

    p.run("model User { name: text }", "model User created (table users)", PROMPT);
    p.run("add User name=John", "id   | 1\r\nname | John\r\n", PROMPT);
    p.run("query User", " id | name\r\n----+------\r\n  1 | John\r\n(1 row)\r\n", PROMPT);
    p.line("quit");
    let (_, status) = p.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    // It was written for real.
    assert_eq!(t.count("p.db", "User"), 1);
}

#[test]
fn the_prompt_shows_the_transaction() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("begin", "BEGIN", TX);
    p.run("add User name=Tx", "name | Tx", TX);
    p.run("savepoint s1", "SAVEPOINT", TX);
    p.run("rollback", "ROLLBACK", PROMPT);
    p.run("query User", "(0 rows)", PROMPT);
    p.line("quit");
    p.finish();
}

#[test]
fn a_model_can_span_several_lines() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.line("model Post {");
    p.line("  title: text,");
    p.line("  body: text?");
    p.line("}");
    p.expect("model Post created (table posts)");
    p.expect(PROMPT);
    p.run("add Post title=Hi", "title | Hi\r\nbody  | <null>\r\n", PROMPT);
    p.line("quit");
    p.finish();
    assert_eq!(t.ok("p.db", &["query Post fields title"]), " title\n-------\n Hi\n(1 row)\n");
}

#[test]
fn an_error_points_at_the_token_leaves_the_line_empty_and_the_session_lives_on() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.line("add User nme=John");
    p.expect("error: User has no field `nme`");
    p.expect(" --> <input>:1:10");
    p.expect("1 | add User nme=John\r\n  |          ^^^");
    p.expect(PROMPT);
    // The line is empty: what is typed next is not spliced onto the failed entry.
    p.run("commit", "no transaction is open", PROMPT);
    // The failed entry is two Up-arrows away in history, to be mended.
    p.pty.send("\x1b[A\x1b[A").unwrap();
    p.pty.flush().unwrap();
    p.expect("add User nme=John");
    p.control('u');
    p.run("add User name=John", "name | John", PROMPT);
    p.run("query User", "  1 | John\r\n(1 row)", PROMPT);
    p.line("quit");
    p.finish();
}

#[test]
fn a_stray_quote_or_bracket_is_an_error_at_once_but_an_open_one_waits_for_more() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model Book { title: text }", "created", PROMPT);
    // `John's` can never be closed into a statement: Enter sends it, and the error comes at once
    // (waiting for another line instead would time out here).
    p.line("add Book title=John's");
    p.expect("error: unexpected `'s` after the command");
    p.expect(" --> <input>:1:20");
    p.expect(PROMPT);
    // The same for a stray `(`, and for a `[` or quote inside a URL.
    p.line("add Book title=John ag(e=3");
    p.expect("error: expected `=` after `ag`, found `(`");
    p.expect(PROMPT);
    p.line("connect nowhere://me:p[a's@[::1]/x");
    p.expect("error: unsupported database URL");
    p.expect(PROMPT);
    // What can still become a statement waits for the next line.
    p.line("query Book where (title = x");
    p.line("  or title = y)");
    p.expect("(0 rows)");
    p.expect(PROMPT);
    p.line("add Book title='two");
    p.line("lines'");
    p.expect("title | two");
    p.expect(PROMPT);
    p.run("count Book", "1", PROMPT);
    p.line("quit");
    p.finish();
    assert_eq!(t.count("p.db", "Book"), 1);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.pty.send("this is not a command").unwrap();
    p.pty.flush().unwrap();
    p.expect("this is not a command");
    p.control('c');
    p.expect(PROMPT);
    // Had the text stayed, this would read `this is not a commandquery User` and fail.
    p.run("query User", "(0 rows)", PROMPT);
    // The same for an entry brought back from history after an error.
    p.line("add User nope=1");
    p.expect("error:");
    p.expect(PROMPT);
    p.pty.send("\x1b[A").unwrap();
    p.pty.flush().unwrap();
    p.expect("add User nope=1");
    p.control('c');
    p.expect(PROMPT);
    p.run("add User name=After", "name | After", PROMPT);
    p.line("quit");
    let (_, status) = p.finish();
    assert!(matches!(status, WaitStatus::Exited(..)), "{status:?}");
    assert_eq!(t.count("p.db", "User"), 1);
}

#[test]
fn drop_asks_first() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("add User name=John", "name | John", PROMPT);
    p.line("drop User");
    p.expect("Drop table `users` and all its rows? [y/N] ");
    p.run("n", "not dropped", PROMPT);
    p.run("query User", "(1 row)", PROMPT);
    // Just Enter is no as well.
    p.line("drop User");
    p.expect("[y/N] ");
    p.run("", "not dropped", PROMPT);
    p.line("drop User");
    p.expect("[y/N] ");
    p.run("y", "dropped table users", PROMPT);
    p.line("quit");
    p.finish();
    t.cmd().arg(t.url("p.db")).args(["-c", "count User"]).assert().code(1);
}

#[test]
fn ctrl_d_with_a_transaction_open_asks_and_a_second_ctrl_d_rolls_back() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("begin", "BEGIN", TX);
    p.run("add User name=Ghost", "name | Ghost", TX);
    p.run("count User", "\r\n1\r\n", TX);
    p.control('d');
    p.expect(LEAVE);
    p.control('d');
    let (rest, status) = p.finish();
    assert!(rest.contains("the open transaction was rolled back"), "on exit: {rest:?}");
    assert!(matches!(status, WaitStatus::Exited(..)), "{status:?}");
    assert_eq!(t.count("p.db", "User"), 0);
}

#[test]
fn leaving_with_a_transaction_open_can_stay_roll_back_or_commit() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("begin", "BEGIN", TX);
    p.run("add User name=Ghost", "name | Ghost", TX);
    // Stay: the transaction is still open and still has the row.
    p.control('d');
    p.expect(LEAVE);
    p.line("s");
    p.expect(TX);
    p.run("count User", "\r\n1\r\n", TX);
    // Roll back on the way out.
    p.line("quit");
    p.expect(LEAVE);
    p.line("r");
    p.expect("ROLLBACK");
    let (_, status) = p.finish();
    assert!(matches!(status, WaitStatus::Exited(_, 0)), "{status:?}");
    assert_eq!(t.count("p.db", "User"), 0);

    // Commit on the way out.
    let mut p = Prompt::start(&t, "p.db");
    p.run("begin", "BEGIN", TX);
    p.run("add User name=Kept", "name | Kept", TX);
    p.control('d');
    p.expect(LEAVE);
    p.line("c");
    p.expect("COMMIT");
    p.finish();
    assert_eq!(t.count("p.db", "User"), 1);
}

#[test]
fn history_is_private_and_keeps_what_was_typed() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("add User name=John", "name | John", PROMPT);
    p.line("drop User");
    p.expect("[y/N] ");
    p.run("n", "not dropped", PROMPT);
    p.line("quit");
    p.finish();

    let history = t.path("data/ormsh/history");
    let meta = std::fs::metadata(&history).expect("the history file exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "history mode is {:o}", meta.permissions().mode());
    let text = std::fs::read_to_string(&history).unwrap();
    for typed in ["model User { name: text }", "add User name=John", "drop User", "quit"] {
        assert!(text.lines().any(|l| l == typed), "history lacks {typed:?}:\n{text}");
    }
    // The answer to a question is not a command.
    assert!(!text.lines().any(|l| l == "n"), "the answer `n` is in history:\n{text}");

    // A second session sees it: Up brings back the last command.
    let mut p = Prompt::start(&t, "p.db");
    p.pty.send("\x1b[A").unwrap();
    p.pty.flush().unwrap();
    p.expect("quit");
    p.line("");
    p.finish();
}

#[test]
fn history_never_keeps_a_password() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.line("connect postgres://bob:hunter2@127.0.0.1:1/db");
    p.expect("error");
    p.expect(PROMPT);
    p.control('u');
    p.line("quit");
    p.finish();
    let text = std::fs::read_to_string(t.path("data/ormsh/history")).unwrap();
    assert!(text.contains("connect postgres://bob:"), "history:\n{text}");
    assert!(!text.contains("hunter2"), "the password is in history:\n{text}");
}

#[test]
fn history_never_keeps_a_password_in_a_query_parameter_or_a_quoted_url() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    for line in [
        "connect postgres://bob@127.0.0.1:1/db?password=hunter2&sslmode=disable",
        r#"connect "postgres://bob:two words@127.0.0.1:1/db""#,
    ] {
        p.line(line);
        // The line as typed is on the screen; the error under it is not to repeat the password.
        p.expect("error");
        let shown = p.expect(PROMPT);
        assert!(!shown.contains("hunter2") && !shown.contains("two words"), "shown:\n{shown}");
        p.control('u');
    }
    p.line("quit");
    p.finish();
    let text = std::fs::read_to_string(t.path("data/ormsh/history")).unwrap();
    assert!(text.contains("password=********&sslmode"), "history:\n{text}");
    assert!(text.contains("bob:********@127"), "history:\n{text}");
    assert!(!text.contains("hunter2") && !text.contains("two words"), "a password is in history:\n{text}");
}

#[test]
fn a_symlinked_history_file_is_refused_and_its_target_untouched() {
    let t = Scratch::new();
    let target = t.write("elsewhere", "someone else's file\n");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::create_dir_all(t.path("data/ormsh")).unwrap();
    std::os::unix::fs::symlink(&target, t.path("data/ormsh/history")).unwrap();
    let mut p = Prompt::spawn(&t, "p.db");
    p.expect("history is not kept");
    p.expect("symbolic link");
    p.expect(PROMPT);
    p.run("count User", "unknown model", PROMPT);
    p.line("quit");
    p.finish();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "someone else's file\n");
    assert_eq!(std::fs::metadata(&target).unwrap().permissions().mode() & 0o777, 0o644);
}

#[test]
fn password_flag_asks_without_echo() {
    let Some(base) = ServerKind::Postgres.url() else { return };
    let t = Scratch::new();
    let mut cmd = std::process::Command::new(common::ORMSH);
    cmd.args(["-W", &base]).env_remove("PGPASSWORD");
    let mut p = Prompt { pty: common::spawn_pty(t.on_terminal(cmd), TIMEOUT_MS) };
    p.expect("Password for ");
    p.line("Typed-pw-4711");
    let shown = p.expect("ormsh ");
    p.expect("> ");
    assert!(!shown.contains("Typed-pw-4711"), "the password was echoed:\n{shown}");
    p.line("quit");
    let (rest, _) = p.finish();
    assert!(!rest.contains("Typed-pw-4711"), "{rest}");
}

/// Presses Ctrl-C until ormsh says it is cancelling, then returns what the screen shows up to
/// the prompt `tx` after it.
fn cancel_running_command(p: &mut Prompt, tx: &str) -> String {
    // The command runs once the editor has handed the line over; a Ctrl-C that comes before it
    // starts is dropped on purpose, so keep pressing until ormsh says it is cancelling.
    let mut seen = String::new();
    for _ in 0..50 {
        p.control('c');
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(200);
        while std::time::Instant::now() < deadline {
            match p.pty.try_read() {
                Some(c) => seen.push(c),
                None => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        }
        if seen.contains("cancelling") {
            break;
        }
    }
    assert!(seen.contains("cancelling"), "Ctrl-C did not cancel the command; the screen showed {seen:?}");
    let mut after = seen[seen.find("cancelling").unwrap()..].to_string();
    if !after.contains(tx) {
        after.push_str(&p.expect(tx));
    }
    after
}

#[test]
fn ctrl_c_cancels_a_running_command_and_the_session_lives_on() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("begin", "BEGIN", TX);
    p.run("add User name=Kept", "name | Kept", TX);
    // A query that never ends by itself.
    p.line("sql WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c;");
    let after = cancel_running_command(&mut p, TX);
    assert!(after.contains("error: interrupted"), "after Ctrl-C: {after:?}");
    // The transaction and its row are still there.
    p.run("count User", "\r\n1\r\n", TX);
    p.run("commit", "COMMIT", PROMPT);
    p.line("quit");
    p.finish();
    assert_eq!(t.count("p.db", "User"), 1);
}

/// The same on PostgreSQL, where the query is cancelled on the server (`pg_cancel_backend` from a
/// second connection) and the transaction survives (each command runs under a savepoint).
#[test]
fn ctrl_c_cancels_a_running_command_on_postgres() {
    let Some(db) = ServerKind::Postgres.fresh_db("prompt", "cancel") else { return };
    let location = {
        let parsed = url::Url::parse(&db.url).unwrap();
        // A server's prompt names the backend before `host/database`.
        format!("pg {}{}", parsed.host_str().unwrap_or("localhost"), parsed.path())
    };
    let (idle, tx) = (format!("ormsh {location}> "), format!("ormsh {location} [tx]> "));
    let t = Scratch::new();
    let mut p = Prompt::spawn_url(&t, &db.url);
    p.expect(&idle);
    p.run("model User { name: text }", "created", &idle);
    p.run("begin", "BEGIN", &tx);
    p.run("add User name=Kept", "name | Kept", &tx);
    p.line("sql SELECT pg_sleep(60);");
    let after = cancel_running_command(&mut p, &tx);
    assert!(after.contains("canceling statement due to user request"), "after Ctrl-C: {after:?}");
    p.run("count User", "\r\n1\r\n", &tx);
    p.run("commit", "COMMIT", &idle);
    p.line("quit");
    p.finish();
}

/// `alter` changes the catalog the editor completes from at once: a field added is offered by
/// the next line's Tab, and usable by it.
#[test]
fn a_field_added_by_alter_is_completed_at_once() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text }", "created", PROMPT);
    p.run("alter User add nickname: text?", "added field nickname to User", PROMPT);
    p.pty.send("add User nick").expect("type");
    p.pty.flush().expect("flush");
    p.pty.send("\t").expect("press Tab");
    p.pty.flush().expect("flush");
    p.expect("nickname=");
    p.pty.send("Nik name=Ann\r").expect("type and press Enter");
    p.pty.flush().expect("flush");
    p.expect("nickname | Nik");
    p.expect(PROMPT);
    // At the prompt a drop asks first; no keeps the field.
    p.pty.send("alter User drop nickname\r").expect("type and press Enter");
    p.pty.flush().expect("flush");
    p.expect("Drop field `nickname` of `users` and its values?");
    p.pty.send("n\r").expect("answer no");
    p.pty.flush().expect("flush");
    p.expect("not dropped");
    p.expect(PROMPT);
    p.line("quit");
    p.finish();
    assert_eq!(t.ok("p.db", &["count User where nickname = Nik"]).trim(), "1");
}

/// Tab completes from the live catalog: a model after `add`, then a field with its `=`; a model
/// declared a moment ago is offered at once.
#[test]
fn tab_completes_models_and_fields() {
    let t = Scratch::new();
    let mut p = Prompt::start(&t, "p.db");
    p.run("model User { name: text, age: int? }", "created", PROMPT);
    p.pty.send("add Us").expect("type");
    p.pty.flush().expect("flush");
    p.pty.send("\t").expect("press Tab");
    p.pty.flush().expect("flush");
    p.expect("add User ");
    p.pty.send("na").expect("type");
    p.pty.flush().expect("flush");
    p.pty.send("\t").expect("press Tab");
    p.pty.flush().expect("flush");
    p.expect("name=");
    p.pty.send("Ann").expect("type");
    p.pty.flush().expect("flush");
    p.pty.send("\r").expect("press Enter");
    p.pty.flush().expect("flush");
    p.expect("name | Ann");
    p.expect(PROMPT);
    p.run("model Invoice { total: decimal }", "created", PROMPT);
    p.pty.send("query Inv\t").expect("type and press Tab");
    p.pty.flush().expect("flush");
    p.expect("query Invoice ");
    p.pty.send("\r").expect("press Enter");
    p.pty.flush().expect("flush");
    p.expect("(0 rows)");
    p.expect(PROMPT);
    p.line("quit");
    p.finish();
    assert_eq!(t.count("p.db", "User"), 1);
}
