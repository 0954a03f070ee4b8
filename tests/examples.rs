//! Every `examples/*.orm` runs as a user would run it (`ormsh sqlite:FILE -f examples/x.orm`),
//! and its output is exactly the `.out` file beside it; an example with an `.err` file is
//! expected to fail with exactly that on stderr (and exit status 1).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "orm"))
        .collect();
    scripts.sort();
    scripts
}

#[test]
fn every_example_gives_its_expected_output_on_sqlite() {
    let scripts = examples();
    assert!(scripts.len() >= 5, "the examples are missing");
    let mut failures = Vec::new();
    for script in &scripts {
        let name = script.file_stem().unwrap().to_string_lossy().to_string();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("example.db").display());
        let relative = format!("examples/{name}.orm");
        let output = Command::cargo_bin("ormsh")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("DATABASE_URL")
            .args([url.as_str(), "-f", relative.as_str()])
            .output()
            .unwrap();
        let expected_out =
            std::fs::read_to_string(script.with_extension("out")).unwrap_or_else(|_| panic!("{name}.out is missing"));
        let expected_err = std::fs::read_to_string(script.with_extension("err")).unwrap_or_default();
        let expected_code = if expected_err.is_empty() { 0 } else { 1 };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if stdout != expected_out || stderr != expected_err || output.status.code() != Some(expected_code) {
            failures.push(format!(
                "{name}: exit {:?} (want {expected_code})\n--- stdout\n{stdout}--- want\n{expected_out}--- stderr\n{stderr}--- want\n{expected_err}",
                output.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
