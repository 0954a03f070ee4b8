//! The conformance suite's core: a script run with `--format json` gives the same documents (generated keys aside),
//! the same exit status and its errors at the same places on SQLite and on a server.

use std::path::{Path, PathBuf};

use super::{Scratch, ServerDb, ormsh};

/// What a run gives that must match across backends.
#[derive(Debug, PartialEq)]
pub struct Result {
    documents: Vec<serde_json::Value>,
    /// The ` --> file:line:col` lines of the errors, in order.
    error_places: Vec<String>,
    code: Option<i32>,
}

/// Generated keys (`id`, `…_id`) may differ between databases (a PostgreSQL sequence does not
/// go back on rollback); everything else must not.
pub fn without_keys(value: serde_json::Value) -> serde_json::Value {
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

pub fn run(url: &str, script: &Path, extra: &[&str]) -> Result {
    let relative = script.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().display().to_string();
    let mut args = vec!["--format", "json", "-f", relative.as_str()];
    args.extend_from_slice(extra);
    let output = ormsh(url, &args);
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

pub fn scripts(dir: &str) -> Vec<PathBuf> {
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
pub fn runs_everywhere(script: &Path) -> bool {
    let text = std::fs::read_to_string(script).unwrap();
    !text.lines().take_while(|l| l.starts_with('#')).any(|l| l.starts_with("# backends:") && !l.contains("postgres"))
}

/// A server the scripts run on: its name, and what makes a database of a script's own there
/// (given the script's name).
pub type Server<'a> = (&'a str, &'a dyn Fn(&str) -> ServerDb);

/// Runs every script of `dir` on SQLite and on each of `servers`, and asserts that they all
/// give the same.
pub fn conform(dir: &str, extra: &[&str], servers: &[Server<'_>]) {
    let mut differences = Vec::new();
    let mut compared = 0;
    for script in scripts(dir) {
        let name = script.file_stem().unwrap().to_string_lossy().to_string();
        let sqlite = Scratch::new();
        let reference = run(&sqlite.url("conformance.db"), &script, extra);
        assert!(!reference.documents.is_empty() || reference.code != Some(0), "{name} printed nothing on SQLite");
        if !runs_everywhere(&script) {
            continue;
        }
        for (backend, make) in servers {
            let db = make(&name);
            let result = run(&db.url, &script, extra);
            compared += 1;
            if result != reference {
                differences.push(format!("{name} on {backend}:\n  got  {result:?}\n  want {reference:?} (SQLite)"));
            }
        }
    }
    if !servers.is_empty() {
        assert!(compared > 0, "no script ran on a server");
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}
