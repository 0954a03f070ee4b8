//! What the prompt shows on the screen: the pager, `format auto`, Ctrl-C during a long listing,
//! the continuation prompt and multi-line `sql`. The real binary on a pseudo-terminal of a size
//! the test sets (`stty`), driven with rexpect as in `prompt.rs`.

mod common;

use std::process::Command;

use common::{ORMSH, Scratch, ServerKind};
use rexpect::session::PtySession;

const TIMEOUT_MS: u64 = 20_000;

/// One ormsh at a prompt on a terminal of `columns` × `rows`, with `env` set.
struct Screen {
    pty: PtySession,
}

impl Screen {
    fn start(t: &Scratch, url: &str, columns: u16, rows: u16, env: &[(&str, &str)]) -> Screen {
        // The pty starts without a size; `stty` gives it one before ormsh reads it.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("stty cols {columns} rows {rows} && exec \"$0\" \"$1\""))
            .arg(ORMSH)
            .arg(url)
            .env_remove("ORMSH_PAGER")
            .env_remove("PAGER");
        let mut cmd = t.on_terminal(cmd);
        for (name, value) in env {
            cmd.env(name, value);
        }
        let pty = common::spawn_pty(cmd, TIMEOUT_MS);
        let mut screen = Screen { pty };
        screen.expect("> ");
        screen
    }

    fn expect(&mut self, needle: &str) -> String {
        common::expect_on(&mut self.pty, needle)
    }

    fn line(&mut self, text: &str) {
        self.pty.send_line(text).expect("type a line");
    }

    /// Types a line; waits for `output`, then for the prompt `prompt` after it; returns what
    /// came from the output on. (A line longer than the terminal is redrawn with its prompt, so
    /// the prompt alone would be found in the echo.)
    fn run(&mut self, text: &str, output: &str, prompt: &str) -> String {
        self.line(text);
        self.expect(output);
        format!("{output}{}", self.expect(prompt))
    }
}

/// A pager that records that it ran, and what it was given, in files of the test's directory.
fn recording_pager(t: &Scratch) -> String {
    let script = t.write(
        "pager.sh",
        &format!("#!/bin/sh\necho ran >> {}\ncat >> {}\n", t.path("pager.ran").display(), t.path("paged").display()),
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    script.display().to_string()
}

fn times_paged(t: &Scratch) -> usize {
    std::fs::read_to_string(t.path("pager.ran")).map_or(0, |s| s.lines().count())
}

const PROMPT: &str = "ormsh s.db> ";

#[test]
fn the_pager_runs_for_a_tall_result_and_not_for_a_short_one() {
    let t = Scratch::new();
    let pager = recording_pager(&t);
    let mut s = Screen::start(&t, &t.url("s.db"), 80, 12, &[("PAGER", &pager)]);
    s.run("model N { n: int }", "created", PROMPT);
    for n in 1..=30 {
        s.run(&format!("add N n={n}"), &format!("n  | {n}"), PROMPT);
    }
    let short = s.run("query N where n <= 3", " n\r\n", PROMPT);
    assert!(short.contains("(3 rows)"), "a short result is on the screen: {short:?}");
    assert_eq!(times_paged(&t), 0, "a result that fits is not paged");
    s.line("query N");
    let tall = s.expect(PROMPT);
    assert!(!tall.contains("(30 rows)"), "the tall result went to the pager, not the screen: {tall:?}");
    assert_eq!(times_paged(&t), 1);
    let paged = std::fs::read_to_string(t.path("paged")).unwrap();
    assert!(paged.contains("(30 rows)") && paged.contains(" 17\n"), "the pager got the whole result: {paged}");
    // A line wider than the terminal is paged too.
    s.line("sql select n, printf('%0100d', n) as wide from ns where n = 1;");
    assert!(common::eventually(std::time::Duration::from_secs(10), || times_paged(&t) == 2), "a wide line is paged");
    s.expect(PROMPT);
    s.run("set pager off", "off\r\n", PROMPT);
    let unpaged = s.run("query N", "(30 rows)", PROMPT);
    assert!(unpaged.contains("(30 rows)"), "with the pager off the result is on the screen: {unpaged:?}");
    assert_eq!(times_paged(&t), 2);
}

#[test]
fn an_empty_pager_variable_means_no_pager() {
    let t = Scratch::new();
    let mut s = Screen::start(&t, &t.url("s.db"), 80, 8, &[("PAGER", "")]);
    s.run(
        "sql with recursive c(x) as (select 1 union all select x + 1 from c where x < 20) select x from c;",
        "(20 rows)",
        PROMPT,
    );
}

#[test]
fn format_auto_turns_vertical_when_a_row_would_not_fit() {
    let t = Scratch::new();
    let mut s = Screen::start(&t, &t.url("s.db"), 40, 40, &[("PAGER", "")]);
    s.run("sql select 1 as a, 'short' as b;", " a |   b\r\n", PROMPT);
    // A row wider than the 40 columns is drawn vertically.
    let wide = "sql select 1 as a, 'a rather long text that does not fit' as b, 'more' as c;";
    let shown = s.run(wide, "-[ RECORD 1 ]", PROMPT);
    assert!(shown.contains("b | a rather long text that does not fit"), "{shown:?}");
    // An explicit format stays as asked.
    s.run("set format table", "\r\n", PROMPT);
    s.run(wide, " a |                  b", PROMPT);
}

/// Starts a listing of three million rows, presses Ctrl-C once it is printing, and checks that
/// it stopped far short of its end, that the session goes on in its transaction, and that the
/// next command answers.
fn ctrl_c_stops_a_listing(url: &str, prompt_tx: &str, listing: &str) {
    let t = Scratch::new();
    let mut s = Screen::start(&t, url, 100, 30, &[("PAGER", "")]);
    s.run("model Kept { n: int }", "created", "> ");
    s.run("set limit off", "off\r\n", "> ");
    s.run("begin", "BEGIN", prompt_tx);
    s.run("add Kept n=1", "n  | 1", prompt_tx);
    s.line(listing);
    // Rows are on the screen, a second page of them: the listing is running.
    s.expect("------");
    s.expect("------");
    s.pty.send_control('c').unwrap();
    let after = s.expect("cancelled after ");
    assert!(!after.contains("(3000000 rows)"), "the listing ran to its end");
    let rest = s.expect(prompt_tx);
    let shown: u64 = rest.split_whitespace().next().and_then(|n| n.parse().ok()).expect("a row count");
    assert!(shown < 3_000_000, "{shown} rows shown");
    // The transaction and its row are still there.
    s.run("count Kept", "\r\n1\r\n", prompt_tx);
    s.run("rollback", "ROLLBACK", "> ");
}

#[test]
fn ctrl_c_stops_a_long_listing_on_sqlite() {
    let t = Scratch::new();
    ctrl_c_stops_a_listing(
        &t.url("s.db"),
        "ormsh s.db [tx]> ",
        "sql with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000) \
         select a.x + 1000 * b.x + 1000000 * d.x as x from c a, c b, c d limit 3000000;",
    );
}

#[test]
fn ctrl_c_stops_a_long_listing_on_postgres() {
    let Some(db) = ServerKind::Postgres.fresh_db("screen", "ctrl_c") else { return };
    ctrl_c_stops_a_listing(&db.url, "[tx]> ", "sql select x from generate_series(1, 3000000) as g(x);");
}

#[test]
fn ctrl_c_stops_a_long_listing_on_mysql() {
    let Some(db) = ServerKind::Mysql.fresh_db("screen", "ctrl_c") else { return };
    ctrl_c_stops_a_listing(
        &db.url,
        "[tx]> ",
        "sql with recursive c(x) as (select 1 union all select x + 1 from c where x < 1000) \
         select a.x + 1000 * b.x + 1000000 * d.x as x from c a, c b, c d limit 3000000;",
    );
}

#[test]
fn the_continuation_prompt_shows_what_is_open() {
    let t = Scratch::new();
    let mut s = Screen::start(&t, &t.url("s.db"), 100, 30, &[("PAGER", "")]);
    s.line("model Note {");
    s.expect("ormsh s.db {> ");
    s.line("  text: text,");
    s.expect("ormsh s.db {> ");
    s.run("  n: int? }", "model Note created", PROMPT);
    s.line("add Note text='two");
    s.expect("ormsh s.db '> ");
    s.run("lines' n=1", "   | lines", PROMPT);
    s.line("query Note \\");
    s.expect("ormsh s.db -> ");
    s.run("fields n", "(1 row)", PROMPT);
    // Ctrl-C drops the whole entry, and the next one starts afresh.
    s.line("add Note text=\"never");
    s.expect("ormsh s.db \"> ");
    s.pty.send_control('c').unwrap();
    s.expect(PROMPT);
    s.run("count Note", "\r\n1\r\n", PROMPT);
}

#[test]
fn sql_goes_on_until_a_semicolon_or_an_empty_line() {
    let t = Scratch::new();
    let mut s = Screen::start(&t, &t.url("s.db"), 100, 30, &[("PAGER", "")]);
    s.line("sql create table t (a int,");
    s.expect("ormsh s.db (> ");
    s.line("  b text)");
    s.expect("ormsh s.db -> ");
    s.line("");
    s.expect(PROMPT);
    s.line("sql insert into t");
    s.expect("ormsh s.db -> ");
    s.line("values (1, 'x'),");
    s.expect("ormsh s.db -> ");
    s.line("(2, 'y');");
    s.expect(PROMPT);
    s.line("sql select count(*) as n");
    s.expect("ormsh s.db -> ");
    s.line("from t");
    s.expect("ormsh s.db -> ");
    s.run("", " n\r\n---\r\n 2\r\n", PROMPT);
    // Up brings the whole statement back, and it runs again as it was.
    s.pty.send("\x1b[A").unwrap();
    s.pty.flush().unwrap();
    s.expect("from t");
    s.run("", " 2\r\n", PROMPT);
}

#[test]
fn ddl_through_sql_prints_its_tag_and_time_follows_its_error() {
    let t = Scratch::new();
    let mut s = Screen::start(&t, &t.url("s.db"), 100, 30, &[("PAGER", "")]);
    let created = s.run("sql create table t (a int);", "CREATE TABLE\r\n", PROMPT);
    assert!(!created.contains("affected"), "{created:?}");
    s.run("sql insert into t values (1), (2);", "2 rows affected\r\n", PROMPT);
    s.run("sql drop table t;", "DROP TABLE\r\n", PROMPT);
    s.run("set timing on", "on\r\n", PROMPT);
    s.line("count Nope");
    let before_error = s.expect("error: unknown model `Nope`");
    assert!(!before_error.contains("Time:"), "Time: came before the error: {before_error:?}");
    s.expect("Time: ");
    s.expect(PROMPT);
}
