//! The conformance suite: every example and every script under `tests/scripts/` runs on
//! SQLite, PostgreSQL and MariaDB, and gives the same JSON output (generated keys aside), the
//! same exit status and its errors at the same places on all three.
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`. Without them the server runs
//! are skipped with a printed reason, except under `CI=true`, where that is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{ORMSH, Scratch};

/// One database, made for one run and dropped after it.
struct Database {
    url: String,
    /// How to drop it: (server URL, SQL), run through ormsh itself.
    drop: Option<(String, String)>,
    _scratch: Option<Scratch>,
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Some((server, sql)) = &self.drop {
            let _ = ormsh(server, &["-c", sql]);
        }
    }
}

fn ormsh(url: &str, args: &[&str]) -> Output {
    std::process::Command::new(ORMSH)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .arg(url)
        .args(args)
        .output()
        .expect("run ormsh")
}

/// A server's URL, or None (skipped) when it is not configured outside CI.
fn server(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => panic!("{var} is not set, and CI needs the server"),
        _ => {
            eprintln!("skipping the {var} runs: {var} is not set");
            None
        }
    }
}

fn unique_name(label: &str) -> String {
    let clean: String = label.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    format!("ormsh_conf_{clean}_{}", std::process::id())
}

fn sqlite() -> Database {
    let scratch = Scratch::new();
    Database { url: scratch.url("conformance.db"), drop: None, _scratch: Some(scratch) }
}

fn postgres(base: &str, label: &str) -> Database {
    let schema = unique_name(label);
    let made = ormsh(
        base,
        &["-c", &format!("sql DROP SCHEMA IF EXISTS {schema} CASCADE"), "-c", &format!("sql CREATE SCHEMA {schema}")],
    );
    assert!(made.status.success(), "cannot create schema {schema}: {}", String::from_utf8_lossy(&made.stderr));
    let joiner = if base.contains('?') { '&' } else { '?' };
    Database {
        url: format!("{base}{joiner}options=-csearch_path%3D{schema}"),
        drop: Some((base.to_string(), format!("sql DROP SCHEMA {schema} CASCADE"))),
        _scratch: None,
    }
}

fn mysql(base: &str, label: &str) -> Database {
    let name = unique_name(label);
    let made = ormsh(
        base,
        &["-c", &format!("sql DROP DATABASE IF EXISTS {name}"), "-c", &format!("sql CREATE DATABASE {name}")],
    );
    assert!(made.status.success(), "cannot create database {name}: {}", String::from_utf8_lossy(&made.stderr));
    let mut url = url::Url::parse(base).expect("a MySQL URL");
    url.set_path(&format!("/{name}"));
    Database {
        url: url.to_string(),
        drop: Some((base.to_string(), format!("sql DROP DATABASE {name}"))),
        _scratch: None,
    }
}

/// What a run gives that must match across backends.
#[derive(Debug, PartialEq)]
struct Result {
    documents: Vec<serde_json::Value>,
    /// The ` --> file:line:col` lines of the errors, in order.
    error_places: Vec<String>,
    code: Option<i32>,
}

/// Generated keys (`id`, `…_id`) may differ between databases (a PostgreSQL sequence does not
/// go back on rollback); everything else must not.
fn without_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => serde_json::Value::Object(
            map.into_iter()
                .filter(|(k, _)| k != "id" && !k.ends_with("_id"))
                .map(|(k, v)| (k, without_keys(v)))
                .collect(),
        ),
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(without_keys).collect()),
        other => other,
    }
}

fn run(db: &Database, script: &Path, extra: &[&str]) -> Result {
    let relative = script.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
    let mut args = vec!["--format", "json", "-f", relative.as_str()];
    args.extend_from_slice(extra);
    let output = ormsh(&db.url, &args);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let documents = serde_json::Deserializer::from_str(&stdout)
        .into_iter::<serde_json::Value>()
        .map(|d| d.unwrap_or_else(|e| panic!("{relative} printed output that is not JSON ({e}):\n{stdout}")))
        .map(without_keys)
        .collect();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let error_places =
        stderr.lines().filter(|l| l.trim_start().starts_with("--> ")).map(|l| l.trim().to_string()).collect();
    Result { documents, error_places, code: output.status.code() }
}

fn scripts(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "orm"))
        .collect();
    found.sort();
    found
}

/// Examples whose first lines say `# backends: sqlite` use SQL of one database.
fn runs_everywhere(script: &Path) -> bool {
    let text = std::fs::read_to_string(script).unwrap();
    !text.lines().take_while(|l| l.starts_with('#')).any(|l| l.starts_with("# backends:") && !l.contains("postgres"))
}

fn conform(dir: &str, extra: &[&str]) {
    let pg = server("ORMSH_TEST_PG");
    let my = server("ORMSH_TEST_MYSQL");
    let mut differences = Vec::new();
    let mut compared = 0;
    for script in scripts(dir) {
        let name = script.file_stem().unwrap().to_string_lossy().to_string();
        let reference = run(&sqlite(), &script, extra);
        assert!(!reference.documents.is_empty() || reference.code != Some(0), "{name} printed nothing on SQLite");
        if !runs_everywhere(&script) {
            continue;
        }
        let mut others = Vec::new();
        if let Some(base) = &pg {
            others.push(("PostgreSQL", run(&postgres(base, &name), &script, extra)));
        }
        if let Some(base) = &my {
            others.push(("MariaDB", run(&mysql(base, &name), &script, extra)));
        }
        for (backend, result) in others {
            compared += 1;
            if result != reference {
                differences.push(format!("{name} on {backend}:\n  got  {result:?}\n  want {reference:?} (SQLite)"));
            }
        }
    }
    if pg.is_some() || my.is_some() {
        assert!(compared > 0, "no script ran on a server");
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn the_examples_give_the_same_results_on_every_backend() {
    conform("examples", &[]);
}

#[test]
fn transaction_and_error_scripts_give_the_same_results_on_every_backend() {
    conform("tests/scripts", &["--on-error", "continue"]);
}
