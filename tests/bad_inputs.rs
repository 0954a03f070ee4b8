//! A corpus of bad inputs and the exact messages ormsh gives for them.
//!
//! `tests/bad_inputs/cases.orm` holds one bad input per line, grouped by kind; it runs, with
//! `--on-error continue`, against a database made by `tests/bad_inputs/setup.orm`, and the whole
//! of stderr must be `tests/bad_inputs/cases.stderr`. Beyond the golden file, every line must
//! fail exactly once (none may succeed silently), each error must name its own line with a caret
//! under a token of it, and the database must be exactly as it was.
//!
//! `ORMSH_BLESS=1 cargo test --test bad_inputs` rewrites the golden file; read the difference
//! before committing it.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Scratch, text};

const CASES: &str = "tests/bad_inputs/cases.orm";
const SETUP: &str = "tests/bad_inputs/setup.orm";
const GOLDEN: &str = "tests/bad_inputs/cases.stderr";

/// The binary, run from the crate root (so that the paths in messages are the ones above).
fn ormsh(scratch: &Scratch, args: &[&str]) -> Output {
    scratch.cmd().current_dir(env!("CARGO_MANIFEST_DIR")).env("NO_COLOR", "1").args(args).output().expect("run ormsh")
}

/// Every table (schema and rows) as text: the schema from `sqlite_master`, the rows of each
/// model as json.
fn dump(scratch: &Scratch, url: &str) -> String {
    let schema =
        ormsh(scratch, &[url, "--format", "json", "-c", "sql select type, name, sql from sqlite_master order by name"]);
    assert!(schema.status.success(), "dumping the schema: {}", text(&schema.stderr));
    let models = ormsh(scratch, &[url, "--format", "json", "-c", "models"]);
    assert!(models.status.success(), "listing models: {}", text(&models.stderr));
    let models: serde_json::Value = serde_json::from_str(&text(&models.stdout)).expect("models as json");
    let mut out = text(&schema.stdout);
    for model in models.as_array().expect("a list of models") {
        let table = model["table"].as_str().expect("a table name");
        let rows =
            ormsh(scratch, &[url, "--format", "json", "-c", &format!("sql select * from \"{table}\" order by 1")]);
        assert!(rows.status.success(), "dumping {table}: {}", text(&rows.stderr));
        out.push_str(&format!("-- {table}\n{}", text(&rows.stdout)));
    }
    out
}

/// The lines of cases.orm that hold a case: (1-based line number, text).
fn case_lines(cases: &str) -> Vec<(usize, &str)> {
    cases
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|(n, line)| (n + 1, line))
        .collect()
}

/// One drawn error: its first line, the line and column it names, and its caret line.
struct Drawn<'a> {
    message: &'a str,
    line: usize,
    column: usize,
    /// The source line as drawn and the caret line under it.
    source: Option<&'a str>,
    carets: Option<&'a str>,
}

fn drawn_errors(stderr: &str) -> Vec<Drawn<'_>> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut found = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(message) = line.strip_prefix("error: ") else { continue };
        let location = lines.get(n + 1).and_then(|l| l.trim_start().strip_prefix("--> "));
        let location = location.unwrap_or_else(|| panic!("`{message}` has no location"));
        let (_, line_col) = location
            .rsplit_once("cases.orm:")
            .unwrap_or_else(|| panic!("`{message}` is not located in cases.orm: {location}"));
        let (line_no, column) = line_col.split_once(':').expect("line:col");
        let line_no: usize = line_no.parse().expect("a line number");
        let column: usize = column.parse().expect("a column");
        // `  |`, then `NN | source`, then `   |    ^^^`.
        let prefix = format!("{line_no} | ");
        let source = lines.get(n + 3).and_then(|l| l.strip_prefix(&prefix));
        let carets = lines.get(n + 4).map(|l| l.split_once('|').map_or("", |(_, c)| c));
        found.push(Drawn { message, line: line_no, column, source, carets });
    }
    found
}

#[test]
fn every_bad_input_fails_with_its_golden_message_and_changes_nothing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = Scratch::new();
    let url = scratch.url("bad.db");

    let setup = ormsh(&scratch, &[&url, "-f", SETUP]);
    assert!(setup.status.success(), "setup.orm fails:\n{}", text(&setup.stderr));
    let before = dump(&scratch, &url);

    let run = ormsh(&scratch, &[&url, "--on-error", "continue", "-f", CASES]);
    let stderr = text(&run.stderr);
    let golden_path = root.join(GOLDEN);
    if std::env::var_os("ORMSH_BLESS").is_some_and(|v| !v.is_empty()) {
        std::fs::write(&golden_path, &stderr).expect("write the golden file");
    }

    let cases = std::fs::read_to_string(root.join(CASES)).expect("cases.orm");
    let lines = case_lines(&cases);
    assert!(lines.len() >= 200, "only {} cases", lines.len());
    let errors = drawn_errors(&stderr);
    let mut problems = Vec::new();
    if errors.len() != lines.len() {
        problems.push(format!("{} errors for {} lines", errors.len(), lines.len()));
    }
    for (&(line_no, line), error) in lines.iter().zip(&errors) {
        let case = format!("cases.orm:{line_no}: `{line}` → `{}`", error.message);
        if error.line != line_no {
            problems
                .push(format!("{case}: the error names line {} (a line that succeeded, or failed twice?)", error.line));
            break;
        }
        if error.source != Some(line) {
            problems.push(format!("{case}: the line is drawn as {:?}", error.source));
            continue;
        }
        // The column counts characters; the caret line lines up with the drawn source.
        let chars: Vec<char> = line.chars().collect();
        let at = error.column - 1;
        let caret_at = error.carets.and_then(|c| c.find('^')).map(|i| i - 1);
        if caret_at != Some(line.chars().take(at).map(width).sum()) {
            problems.push(format!("{case}: column {} but the caret is at {caret_at:?}", error.column));
        }
        let on_token = chars.get(at).is_some_and(|c| !c.is_whitespace());
        // Something missing at the end of the line is pointed at just past its last character.
        let missing = error.message.ends_with("end of input") || error.message.ends_with("needs `where …` or `all`");
        let at_end = at == chars.len() && missing;
        if !(on_token || at_end) {
            problems.push(format!("{case}: the caret (column {}) is not under a token", error.column));
        }
    }

    let golden = std::fs::read_to_string(&golden_path).unwrap_or_default();
    if stderr != golden {
        problems.push(format!(
            "stderr differs from {GOLDEN} (ORMSH_BLESS=1 rewrites it; read the difference first):\n{}",
            first_difference(&golden, &stderr)
        ));
    }
    assert_eq!(run.status.code(), Some(1), "exit status; stderr:\n{stderr}");
    // Nothing is printed: no command got as far as a result.
    assert_eq!(text(&run.stdout), "", "stdout");

    let after = dump(&scratch, &url);
    if before != after {
        problems.push(format!("the database changed:\n--- before\n{before}--- after\n{after}"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// How many columns a character takes in the drawing (codespan counts east-asian wide as two and
/// marks and format characters as none).
fn width(c: char) -> usize {
    match c {
        '\u{300}'..='\u{36f}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{feff}' => 0,
        '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}' | '\u{f900}'..='\u{faff}' => 2,
        '\u{1f300}'..='\u{1faff}' => 2,
        _ => 1,
    }
}

/// The first line where two texts part, with a little context.
fn first_difference(want: &str, got: &str) -> String {
    let want: Vec<&str> = want.lines().collect();
    let got: Vec<&str> = got.lines().collect();
    let at = want.iter().zip(&got).position(|(w, g)| w != g).unwrap_or(want.len().min(got.len()));
    let from = at.saturating_sub(3);
    let show = |lines: &[&str]| lines.iter().skip(from).take(8).map(|l| format!("  {l}\n")).collect::<String>();
    format!("at line {}:\n--- want\n{}--- got\n{}", at + 1, show(&want), show(&got))
}
