//! Passwords and connection defaults (issues 17.1 and 12.9): a password is never shown, in any
//! form the drivers accept, and with a mask that does not tell its length; the ways that keep a
//! password off the command line work; a URL without a user is the OS user; a read does not
//! leave an empty SQLite file behind.

mod common;

use std::process::Output;

use common::{Scratch, ServerKind, ormsh, text};

fn all(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_password_query_parameter_is_masked_everywhere() {
    let t = Scratch::new();
    let url = "postgres://bob@127.0.0.1:1/db?password=hunter2&sslmode=disable";
    // As the URL of the session: the connection error.
    let out = t.cmd().arg(url).args(["-c", "models"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let shown = all(&out);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("password=********&sslmode"), "{shown}");
    // As `connect` in a script: the error and its excerpt.
    let out = t.run("x.db", &[&format!("connect {url}")]);
    let shown = all(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("1 | connect postgres://bob@127.0.0.1:1/db?password=********&sslmode=disable"), "{shown}");
}

#[test]
fn a_quoted_url_with_a_space_in_its_password_is_masked_in_the_excerpt() {
    let t = Scratch::new();
    let out = t.run("x.db", &[r#"connect "postgres://bob:two words@127.0.0.1:1/db""#]);
    let shown = all(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(!shown.contains("two words") && !shown.contains("two%20words"), "{shown}");
    assert!(shown.contains("bob:********@127.0.0.1"), "{shown}");
}

#[test]
fn the_mask_does_not_tell_the_length() {
    let t = Scratch::new();
    for password in ["x", "a-much-longer-password-than-eight"] {
        let out =
            t.cmd().arg(format!("postgres://bob:{password}@127.0.0.1:1/db")).args(["-c", "models"]).output().unwrap();
        let shown = all(&out);
        assert!(shown.contains("postgres://bob:********@127.0.0.1:1/db"), "{shown}");
        assert!(!shown.contains(password), "{shown}");
    }
}

#[test]
fn a_caret_after_a_masked_password_still_points_at_its_token() {
    let t = Scratch::new();
    let out = t.run("x.db", &["connect postgres://bob:a-long-password@127.0.0.1:1/db; query Nobody"]);
    let shown = all(&out);
    let lines: Vec<&str> = shown.lines().collect();
    let source = lines.iter().position(|l| l.contains("| connect")).expect(&shown);
    let caret = lines[source + 1];
    let column = caret.find('^').expect(&shown);
    assert!(lines[source][column..].starts_with("connect") || lines[source][column..].starts_with("Nobody"), "{shown}");
}

/// A MySQL user with a password, dropped at the end.
struct MysqlUser {
    admin: String,
    name: String,
}

impl Drop for MysqlUser {
    fn drop(&mut self) {
        let _ = ormsh(&self.admin, &["-c", &format!("sql DROP USER IF EXISTS '{}'@'%'", self.name)]);
    }
}

#[test]
fn mysql_takes_the_password_from_mysql_pwd_and_my_cnf() {
    let Some(admin) = ServerKind::Mysql.url() else { return };
    let name = common::unique_name("pw", "mycnf");
    let password = "Cnf-pw 4711";
    let created = ormsh(
        &admin,
        &[
            "-c",
            &format!("sql DROP USER IF EXISTS '{name}'@'%'"),
            "-c",
            &format!("sql CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'"),
            "-c",
            &format!(
                "sql GRANT SELECT ON {}.* TO '{name}'@'%'",
                url::Url::parse(&admin).unwrap().path().trim_matches('/')
            ),
        ],
    );
    common::assert_success(&created, "create the user");
    let _user = MysqlUser { admin: admin.clone(), name: name.clone() };
    let mut url = url::Url::parse(&admin).unwrap();
    url.set_username(&name).unwrap();
    url.set_password(None).unwrap();
    let url = url.to_string();
    let t = Scratch::new();
    let run = |env: Option<&str>| {
        let mut cmd = t.cmd();
        cmd.arg(&url).args(["-c", "sql select current_user() like 'pw%' as me"]).env_remove("MYSQL_PWD");
        if let Some(pwd) = env {
            cmd.env("MYSQL_PWD", pwd);
        }
        cmd.output().unwrap()
    };
    // Without either, the server refuses.
    let out = run(None);
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(text(&out.stderr).contains("Access denied"), "{}", all(&out));
    // $MYSQL_PWD.
    let out = run(Some(password));
    assert!(out.status.success(), "{}", all(&out));
    assert!(!all(&out).contains(password));
    // ~/.my.cnf's [client] password (HOME is the scratch directory).
    t.write(".my.cnf", &format!("[mysqld]\npassword=wrong\n[client]\npassword=\"{password}\"\n"));
    let out = run(None);
    assert!(out.status.success(), "{}", all(&out));
    // A password in the URL comes first.
    let mut wrong = url::Url::parse(&url).unwrap();
    wrong.set_password(Some("Wrong-pw")).unwrap();
    let out = t.cmd().arg(wrong.as_str()).args(["-c", "models"]).env_remove("MYSQL_PWD").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", all(&out));
    assert!(!all(&out).contains("Wrong-pw"), "{}", all(&out));
}

#[test]
fn a_postgres_url_without_a_user_is_the_os_user() {
    let Some(base) = ServerKind::Postgres.url() else { return };
    let mut url = url::Url::parse(&base).unwrap();
    url.set_username("").unwrap();
    url.set_password(None).unwrap();
    let os_user = String::from_utf8(std::process::Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    let os_user = os_user.trim();
    let t = Scratch::new();
    let out = t
        .cmd()
        .arg(url.as_str())
        .args(["--format", "csv", "-c", "sql select current_user as u"])
        .env_remove("PGUSER")
        .output()
        .unwrap();
    let shown = all(&out);
    assert!(!shown.contains("anonymous"), "{shown}");
    if out.status.success() {
        assert_eq!(text(&out.stdout), format!("u\n{os_user}\n"));
    } else {
        // The server has no role of that name: it says which it was asked for.
        assert!(shown.contains(&format!("role \"{os_user}\" does not exist")), "{shown}");
    }
}

#[test]
fn a_read_where_no_database_exists_leaves_no_file() {
    let t = Scratch::new();
    let out = t.cmd().args(["-c", "count X"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("ormsh.db does not exist"), "{}", all(&out));
    assert!(!t.path("ormsh.db").exists());
    // A write creates it, and says so.
    let out = t.cmd().args(["-c", "model X { a: int }"]).output().unwrap();
    assert!(out.status.success(), "{}", all(&out));
    assert!(text(&out.stderr).contains("created the database ormsh.db"), "{}", all(&out));
    assert!(t.path("ormsh.db").exists());
    // An existing one is quietly used.
    let out = t.cmd().args(["-c", "count X"]).output().unwrap();
    assert_eq!(text(&out.stdout), "0\n");
    assert_eq!(text(&out.stderr), "");
    // A file named on the command line is not left behind by a read either.
    let out = t.run("typo.db", &["count X"]);
    assert!(text(&out.stderr).contains("typo.db does not exist"), "{}", all(&out));
    assert!(!t.path("typo.db").exists());
}
