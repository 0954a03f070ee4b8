//! A database's error shown in full, where the user typed it: PostgreSQL's DETAIL and HINT,
//! the caret of a `sql` error at the token the server names, and a broken constraint pinned on
//! the field of the ormsh command that broke it, on all three databases.

mod common;

use common::{Scratch, ServerKind, ormsh, text};

const SHOP: &str = "model User { name: text, email: text unique }
model Address { email: text, user: User }
add User name=Ann email=a@x.io
add Address email=home user=1
";

/// Runs one command that must fail; its stderr.
fn failing(url: &str, command: &str) -> String {
    let out = ormsh(url, &["-c", command]);
    assert_eq!(out.status.code(), Some(1), "`{command}` should fail:\n{}", text(&out.stderr));
    text(&out.stderr)
}

/// The line under the source line: the caret, and its label.
fn caret_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.contains('^')).unwrap_or_else(|| panic!("no caret in:\n{stderr}"))
}

/// The caret's columns in the line it is under, and the text above them.
fn marked(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let at = lines.iter().position(|l| l.contains('^')).unwrap_or_else(|| panic!("no caret in:\n{stderr}"));
    let (source, carets) = (lines[at - 1], lines[at]);
    let start = carets.find('^').unwrap();
    let end = start + carets[start..].find(|c| c != '^').unwrap_or(carets.len() - start);
    source.get(start..end).unwrap_or_else(|| panic!("caret past the line:\n{stderr}")).to_string()
}

/// The three databases this test can reach: SQLite always, the servers when configured.
fn databases(t: &Scratch, label: &str) -> Vec<(String, Option<common::ServerDb>)> {
    let mut all = vec![(t.url("shop.db"), None)];
    for kind in [ServerKind::Postgres, ServerKind::Mysql] {
        if let Some(db) = kind.fresh_db("server_errors", label) {
            all.push((db.url.clone(), Some(db)));
        }
    }
    all
}

#[test]
fn a_broken_constraint_names_the_field_on_every_database() {
    let t = Scratch::new();
    for (url, _db) in databases(&t, "fields") {
        let script = t.write("shop.orm", SHOP);
        let made = ormsh(&url, &["-f", script.to_str().unwrap()]);
        assert!(made.status.success(), "{url}: {}", text(&made.stderr));

        let duplicate = failing(&url, "add User name=Bob email=a@x.io");
        assert_eq!(marked(&duplicate), "email=a@x.io", "{url}:\n{duplicate}");
        assert!(caret_line(&duplicate).contains("User.email must be unique"), "{url}:\n{duplicate}");

        let missing = failing(&url, "add Address email=work user=42");
        assert_eq!(marked(&missing), "user=42", "{url}:\n{missing}");
        assert!(caret_line(&missing).contains("Address.user must name a row that exists"), "{url}:\n{missing}");

        // A second user, then an update that makes its email the first one's.
        assert!(ormsh(&url, &["-c", "add User name=Cid email=c@x.io"]).status.success());
        let clash = failing(&url, "update User where name=Cid set email=a@x.io");
        assert_eq!(marked(&clash), "email=a@x.io", "{url}:\n{clash}");
    }
}

#[test]
fn postgres_detail_hint_and_the_sql_caret() {
    let t = Scratch::new();
    let Some(db) = ServerKind::Postgres.fresh_db("server_errors", "detail") else { return };
    let script = t.write("shop.orm", SHOP);
    assert!(ormsh(&db.url, &["-f", script.to_str().unwrap()]).status.success());

    let referenced = failing(&db.url, "delete User all");
    assert!(
        referenced.contains("= detail: Key (id)=(1) is still referenced from table \"addresses\"."),
        "{referenced}"
    );

    let misspelt = failing(&db.url, "sql select name from users where nme = 'Ann'");
    assert_eq!(marked(&misspelt), "nme", "{misspelt}");
    assert!(misspelt.contains("= hint: Perhaps you meant to reference the column \"users.name\"."), "{misspelt}");

    // Over a line continuation, which ormsh takes out before sending: the caret is still on
    // the token typed.
    let continued = failing(&db.url, "sql select name \\\n  from users where emal = 'x'");
    assert_eq!(marked(&continued), "emal", "{continued}");
}

#[test]
fn sqlite_puts_the_sql_caret_at_its_error_offset_and_mysql_marks_the_line() {
    let t = Scratch::new();
    let url = t.url("s.db");
    let script = t.write("shop.orm", SHOP);
    assert!(ormsh(&url, &["-f", script.to_str().unwrap()]).status.success());
    let wrong = failing(&url, "sql select * frm users");
    assert_eq!(marked(&wrong), "frm", "{wrong}");

    let Some(db) = ServerKind::Mysql.fresh_db("server_errors", "line") else { return };
    assert!(ormsh(&db.url, &["-f", script.to_str().unwrap()]).status.success());
    let wrong = failing(&db.url, "sql select * from users where nme = 1");
    assert_eq!(marked(&wrong), "sql select * from users where nme = 1", "{wrong}");
}
