//! Schemas and rows made by other tools themselves — Django, SQLAlchemy, ActiveRecord and
//! Sequelize — on SQLite, PostgreSQL and MariaDB: ormsh reads them, filters them, follows their
//! references and writes to them, and the tool then reads ormsh's rows back and compares every
//! value exactly (decimals, datetimes with zones, uuids, json, booleans) and still finds its own
//! rows by the values it binds (`tests/interop/*.py`, `*.rb`, `*.js`).
//!
//! The tools live outside the clone, where `tests/interop/install.sh` puts them (a virtualenv,
//! Sequelize's node_modules; `.ci/run` runs it under CI=true); without them these tests skip and
//! say why, except under CI=true, where that is a failure. The servers come from `ORMSH_TEST_PG`
//! and `ORMSH_TEST_MYSQL`, as for every server test.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{Scratch, ServerDb, ServerKind, assert_success, ok_csv, ormsh};

const U1: &str = "0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10";
const U2: &str = "7d3c1f0a-2b4e-4c6d-8e9f-0a1b2c3d4e5f";
const U3: &str = "c0ffee00-1234-4abc-8def-0123456789ab";

/// The virtualenv's python, or None (skipped, with the reason) when the tools are not installed.
fn python() -> Option<PathBuf> {
    let cache = std::env::var("ORMSH_INTEROP_CACHE").unwrap_or_else(|_| "/var/cache/ormsh-interop".into());
    let python = PathBuf::from(cache).join("venv/bin/python");
    let installed = python.exists()
        && Command::new(&python)
            .args(["-c", "import django, sqlalchemy, psycopg2, pymysql"])
            .status()
            .is_ok_and(|s| s.success());
    installed_or_skip(installed, &format!("Django and SQLAlchemy are not installed in {}", python.display()))
        .then_some(python)
}

/// `ruby`, when ActiveRecord and its three drivers load; None (skipped, with the reason) otherwise.
fn ruby() -> Option<PathBuf> {
    let loads = r#"require "active_record"; require "sqlite3"; require "pg"; require "mysql2""#;
    let installed = Command::new("ruby").args(["-e", loads]).output().is_ok_and(|o| o.status.success());
    installed_or_skip(installed, "ActiveRecord is not installed").then(|| PathBuf::from("ruby"))
}

/// `node`, when Sequelize and its four drivers load from where install.sh put them; None
/// (skipped, with the reason) otherwise.
fn node() -> Option<PathBuf> {
    let cache = std::env::var("ORMSH_INTEROP_CACHE").unwrap_or_else(|_| "/var/cache/ormsh-interop".into());
    let manifest = PathBuf::from(cache).join("node/package.json");
    let loads = r#"const load = require("node:module").createRequire(process.argv[1]);
        for (const m of ["sequelize", "pg", "pg-hstore", "mysql2", "sqlite3"]) load(m);"#;
    let installed = Command::new("node").args(["-e", loads]).arg(&manifest).output().is_ok_and(|o| o.status.success());
    let why = format!("Sequelize is not installed beside {}", manifest.display());
    installed_or_skip(installed, &why).then(|| PathBuf::from("node"))
}

/// Whether the tools are there; if not, says why the test skips (a failure under CI=true).
fn installed_or_skip(installed: bool, why: &str) -> bool {
    if installed {
        return true;
    }
    let why = format!("{why} (run tests/interop/install.sh)");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}");
    }
    eprintln!("skipping an interop test: {why}");
    false
}

/// A database of the test's own, with what the scripts need to find it.
struct Place {
    backend: &'static str,
    url: String,
    env: Vec<(&'static str, String)>,
    _scratch: Option<Scratch>,
    _db: Option<ServerDb>,
}

fn places(label: &str) -> Vec<Place> {
    let scratch = Scratch::new();
    let path = scratch.path("shop.db");
    let mut all = vec![Place {
        backend: "sqlite",
        url: scratch.url("shop.db"),
        env: vec![("INTEROP_BACKEND", "sqlite".into()), ("INTEROP_SQLITE_PATH", path.display().to_string())],
        _scratch: Some(scratch),
        _db: None,
    }];
    for (kind, backend) in [(ServerKind::Postgres, "postgres"), (ServerKind::Mysql, "mysql")] {
        if let Some(db) = kind.fresh_db("interop", label) {
            all.push(Place {
                backend,
                url: db.url.clone(),
                env: vec![("INTEROP_BACKEND", backend.into()), ("INTEROP_DATABASE", db.name.clone())],
                _scratch: None,
                _db: Some(db),
            });
        }
    }
    all
}

/// Runs `script` (in tests/interop/) with `action` by `program`, which must succeed.
fn tool(program: &PathBuf, script: &str, action: &str, place: &Place) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");
    let out = Command::new(program)
        .arg(format!("{dir}/{script}"))
        .arg(action)
        .current_dir(dir)
        .envs(place.env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run the tool's script");
    assert_success(&out, &format!("{script} {action} on {}", place.backend));
}

/// One tool's shop on every backend: made by the tool, used by ormsh, checked by the tool.
/// `book` is the model ormsh shows for the tool's table of books and `author` the name of its
/// reference to their authors; `scale` whether the tool declares its decimal's scale in the
/// column's type (Django on SQLite does not).
fn round_trip(
    program: Option<PathBuf>,
    script: &str,
    label: &str,
    book: &str,
    author: &str,
    scale: impl Fn(&str) -> bool,
) {
    let Some(program) = program else { return };
    for place in places(label) {
        let name = place.backend;
        tool(&program, script, "create", &place);
        let csv = |command: &str| ok_csv(&place.url, &[command]);
        let (tea, cup) = if scale(name) { ("39.90", "2.00") } else { ("39.9", "2") };
        assert_eq!(
            csv(&format!("query {book} fields title, price, {author}.name order by title")),
            format!("title,price,{author}.name\nCup,{cup},Bob\nTea,{tea},Ann\n"),
            "{script} on {name}"
        );
        assert_eq!(csv(&format!("query {book} fields title where {author}.name = Ann")), "title\nTea\n", "{name}");
        assert_eq!(csv(&format!("count {book} where published_at = 2024-01-02T03:04:05")), "1\n", "{name}");
        assert_eq!(csv(&format!("count {book} where published_at <= \"2024-01-02 03:04:05.5\"")), "2\n", "{name}");
        assert_eq!(csv(&format!("count {book} where published_at > 2024-01-02T03:04:05")), "1\n", "{name}");
        assert_eq!(csv(&format!("query {book} fields title where uid = {U1}")), "title\nTea\n", "{name}");
        // (Django keeps json on SQLite as text with a check, shown as it is written.)
        assert_eq!(
            csv(&format!("query {book} fields meta, in_print where uid in ({U2})")).replace(' ', ""),
            "meta,in_print\n\"{\"\"n\"\":1}\",false\n",
            "{name}"
        );
        assert_eq!(csv(&format!("count {book} where in_print = true")), "1\n", "{name}");
        let add = format!(
            "add {book} title=Pot price=12.50 published_at=2024-03-04T05:06:07.25 uid={U3} \
             meta='{{\"k\": [1, 2]}}' in_print=true {author}.name=Bob"
        );
        let update = format!("update {book} where title = Cup set price = 2.50");
        assert_success(&ormsh(&place.url, &["-c", &add, "-c", &update]), &format!("ormsh writes on {name}"));
        tool(&program, script, "check", &place);
    }
}

#[test]
fn sqlalchemy_reads_what_ormsh_writes() {
    round_trip(python(), "sqlalchemy_shop.py", "sqlalchemy", "Book", "author", |_| true);
}

#[test]
fn django_reads_what_ormsh_writes() {
    round_trip(python(), "django_shop.py", "django", "ShopBook", "author", |backend| backend != "sqlite");
}

/// Rails' irregular plurals too: the model `Medium` is the table `media`, `Person` `people`.
#[test]
fn activerecord_reads_what_ormsh_writes() {
    round_trip(ruby(), "activerecord_shop.rb", "activerecord", "Medium", "person", |_| true);
}

/// Sequelize's own names: the multi-word model `ShopBook` in `ShopBooks`, the reference `Author`
/// in `AuthorId`, and the timestamps `createdAt`/`updatedAt` that ormsh fills when it adds.
#[test]
fn sequelize_reads_what_ormsh_writes() {
    round_trip(node(), "sequelize_shop.js", "sequelize", "ShopBook", "Author", |_| true);
}
