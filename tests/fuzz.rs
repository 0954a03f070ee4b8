//! Bounded fuzzing of everything that reads what a person types: the splitter, the parser, the
//! editing assistance (completion, highlighting, hints), the error drawing, and the evaluator on
//! in-memory SQLite. None of them may panic or overflow the stack, whatever the input; the
//! parser's errors point inside the text, on character boundaries.
//!
//! Each property runs a fixed number of cases so that the file stays well under a minute in a
//! debug build on two cores; `PROPTEST_CASES=100000 cargo test --test fuzz` runs longer (every
//! property then takes that many). A crash found here becomes a plain `#[test]` at the end, with
//! the smallest input that shows it.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use ormsh::assist::{complete, highlight, hint};
use ormsh::ast::{Command, Format, Span};
use ormsh::catalog::Catalog;
use ormsh::diagnostic::{line_col, render};
use ormsh::error::{Error, ErrorKind};
use ormsh::parser::{is_incomplete, parse_statement, split_statements};
use ormsh::render::Printer;
use ormsh::runner::{NoConfirm, OnError, Runner};
use ormsh::session::Session;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::Config;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The stack the deep-nesting cases run on: far less than any thread ormsh runs on (the main
/// thread has 8 MiB, tokio's workers and the editor's thread 2 MiB), so that a guard that only
/// works on a big stack is caught.
const SMALL_STACK: usize = 256 * 1024;

/// `cases`, unless `PROPTEST_CASES` asks for another number.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(cases);
    // Failures become regression tests in this file, not files beside it.
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---- what inputs are made of ----

/// The language's words: commands, keywords, names of the fuzzed schema and of nothing.
const WORDS: &[&str] = &[
    "exit",
    "\\q",
    "where",
    "and",
    "or",
    "not",
    "in",
    "is",
    "null",
    "like",
    "order",
    "by",
    "asc",
    "desc",
    "limit",
    "offset",
    "fields",
    "set",
    "all",
    "table",
    "unique",
    "primary",
    "key",
    "confirm",
    "to",
    "format",
    "timing",
    "on",
    "off",
    "json",
    "csv",
    "vertical",
    "true",
    "false",
    "TRUE",
    "Null",
    "User",
    "user",
    "users",
    "Post",
    "posts",
    "Tag",
    "Usr",
    "Nope",
    "name",
    "email",
    "age",
    "active",
    "score",
    "born",
    "seen",
    "uid",
    "data",
    "blob",
    "title",
    "author",
    "author.name",
    "author.age",
    "user.nope",
    "name.x",
    "id",
    "text",
    "int",
    "float",
    "bool",
    "date",
    "datetime",
    "uuid",
    "bytes",
    "decimal",
    "s1",
    "s2",
    "`odd name`",
    "`",
    "``",
];

/// Punctuation, values and layout.
const PUNCT: &[&str] = &[
    "=",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ";",
    "#",
    "\\",
    ".",
    ":",
    "?",
    "\"",
    "'",
    "\n",
    "\r\n",
    "\r",
    "\t",
    " ",
    "  ",
    "\\\n",
    "-",
    "1",
    "0",
    "-4",
    "12.50",
    "1e3",
    "1e",
    "99999999999999999999",
    "2024-01-31",
    "2024-02-30",
    "2024-01-31T10:00:00",
    "\"John Smith\"",
    "'it\\'s'",
    "\"\\u{1F600}\"",
    "\"\\u{110000}\"",
    "\"\\q\"",
    "\"\\u{zz}\"",
    "\"unterminated",
    "j@x.io",
    "%",
    "J%",
    "*",
    "/",
    "$1",
    "?1",
    "@",
];

/// Characters that break terminals, layouts and byte arithmetic.
const AWKWARD: &[&str] = &[
    "\0",
    "\u{7}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{1b}[2J",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{a0}",
    "\u{200b}",
    "\u{200d}",
    "\u{200f}",
    "\u{202e}",
    "\u{2028}",
    "\u{2029}",
    "\u{feff}",
    "\u{fffd}",
    "é",
    "e\u{301}",
    "\u{301}",
    "\u{35c}\u{35d}\u{35e}",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "🇫🇷",
    "日本",
    "名字",
    "اسم",
    "ß",
    "İ",
    "\u{10ffff}",
    "\u{e000}",
];

/// A few long tokens: a name, a word, a number, a string and a comment, 10 000 characters each.
fn long_tokens() -> &'static [String] {
    static LONG: OnceLock<Vec<String>> = OnceLock::new();
    LONG.get_or_init(|| {
        vec![
            "x".repeat(10_000),
            "é".repeat(10_000),
            "9".repeat(10_000),
            format!("\"{}\"", "a".repeat(10_000)),
            format!("`{}`", "😀".repeat(10_000)),
            format!("# {}", "c".repeat(10_000)),
            "(".repeat(10_000),
            "not ".repeat(2_500),
            " and a=1".repeat(1_250),
        ]
    })
}

/// One token of the language or around it; a long one now and then (one in about 130).
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        20 => select(ormsh::commands::words().collect::<Vec<_>>()).prop_map(String::from),
        40 => select(WORDS).prop_map(String::from),
        40 => select(PUNCT).prop_map(String::from),
        15 => select(AWKWARD).prop_map(String::from),
        5 => any::<char>().prop_map(String::from),
        5 => "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        5 => any::<String>(),
        1 => select(long_tokens()),
    ]
}

/// Tokens joined with nothing, spaces or newlines; often starting with a command word, so that
/// the input reaches past the command's first word.
fn soup() -> impl Strategy<Value = String> {
    let separator = select(&["", " ", " ", " ", "\n", ";"][..]);
    let tokens = prop::collection::vec((token(), separator), 0..24);
    (prop::option::weighted(0.6, select(ormsh::commands::words().collect::<Vec<_>>())), tokens).prop_map(
        |(command, tokens)| {
            let mut text = command.map(|c| format!("{c} ")).unwrap_or_default();
            for (token, separator) in tokens {
                text.push_str(&token);
                text.push_str(separator);
            }
            text
        },
    )
}

/// Valid commands: every line of `examples/*.orm` that is not a comment, and every example of
/// the grammar.
fn seeds() -> &'static [String] {
    static SEEDS: OnceLock<Vec<String>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut seeds = Vec::new();
        let mut scripts: Vec<_> = std::fs::read_dir(Path::new(ROOT).join("examples"))
            .expect("examples/")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "orm"))
            .collect();
        scripts.sort();
        for script in scripts {
            let text = std::fs::read_to_string(&script).expect("an example");
            for piece in split_statements(&text) {
                seeds.push(piece.text(&text).to_string());
            }
        }
        let grammar = std::fs::read_to_string(Path::new(ROOT).join("grammar/ormsh.ebnf")).expect("the grammar");
        let mut rest = grammar.as_str();
        while let Some(start) = rest.find("(* example:") {
            let after = &rest[start + "(* example:".len()..];
            let end = after.find("*)").expect("a closed example");
            seeds.push(after[..end].trim().to_string());
            rest = &after[end..];
        }
        assert!(seeds.len() > 50, "only {} seeds", seeds.len());
        seeds
    })
}

/// One edit of a text.
#[derive(Debug, Clone)]
enum Edit {
    Insert(Index, String),
    Delete(Index, usize),
    Replace(Index, String),
    /// Repeats the character range starting there.
    Repeat(Index, usize, usize),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        4 => (any::<Index>(), token()).prop_map(|(at, t)| Edit::Insert(at, t)),
        3 => (any::<Index>(), 1..6usize).prop_map(|(at, n)| Edit::Delete(at, n)),
        3 => (any::<Index>(), token()).prop_map(|(at, t)| Edit::Replace(at, t)),
        1 => (any::<Index>(), 1..12usize, 2..40usize).prop_map(|(at, n, times)| Edit::Repeat(at, n, times)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

/// The byte offset of the character boundary `at` picks.
fn boundary(text: &str, at: &Index) -> usize {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    boundaries[at.index(boundaries.len())]
}

/// The byte offset `n` characters after `from` (or the end).
fn chars_after(text: &str, from: usize, n: usize) -> usize {
    text[from..].char_indices().nth(n).map_or(text.len(), |(i, _)| from + i)
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut text = text.to_string();
    match edit {
        Edit::Insert(at, token) => text.insert_str(boundary(&text, at), token),
        Edit::Delete(at, n) => {
            let from = boundary(&text, at);
            text.replace_range(from..chars_after(&text, from, *n), "");
        }
        Edit::Replace(at, token) => {
            let from = boundary(&text, at);
            text.replace_range(from..chars_after(&text, from, 1), token);
        }
        Edit::Repeat(at, n, times) => {
            let from = boundary(&text, at);
            let slice = text[from..chars_after(&text, from, *n)].to_string();
            text.insert_str(from, &slice.repeat(*times));
        }
        Edit::Truncate(at) => text.truncate(boundary(&text, at)),
    }
    text
}

/// A valid command with a few edits.
fn mutated() -> impl Strategy<Value = String> {
    (select(seeds()), prop::collection::vec(edit(), 1..6))
        .prop_map(|(seed, edits)| edits.iter().fold(seed, |text, e| apply(&text, e)))
}

// ---- what must hold ----

fn check_span(text: &str, span: Span, what: &str) {
    assert!(span.start <= span.end && span.end <= text.len(), "{what} span {span:?} is outside {text:?}");
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what} span {span:?} is not on character boundaries of {text:?}"
    );
}

/// Parses one statement: no panic; the statement's span, or the error's, is inside the text and
/// on character boundaries; the error draws.
fn check_statement(text: &str) {
    match parse_statement(text) {
        Ok(statement) => check_span(text, statement.span, "statement"),
        Err(error) => {
            assert_eq!(error.kind, ErrorKind::Syntax, "{text:?}: {error:?}");
            let span = error.span.unwrap_or_else(|| panic!("{text:?}: a syntax error without a span: {error:?}"));
            check_span(text, span, "error");
            let drawn = render(&error, "<fuzz>", text, false);
            assert!(drawn.starts_with("error: "), "{text:?}: drawn as {drawn:?}");
        }
    }
}

/// Splits a script: pieces are in order, inside it and on boundaries, and each one parses (or
/// not) as [`check_statement`] wants; so does the whole text as one statement.
fn check_script(text: &str) {
    let mut last_end = 0;
    for piece in split_statements(text) {
        check_span(text, piece.span(), "piece");
        assert!(piece.start >= last_end && piece.start < piece.end, "{text:?}: piece {piece:?}");
        last_end = piece.end;
        check_statement(piece.text(text));
    }
    let _ = is_incomplete(text);
    check_statement(text);
}

/// A catalog like the one the evaluator fuzzing uses.
fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async { fixture(false).await.catalog() })
    })
}

/// The text without ANSI colour sequences.
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\u{1b}[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        rest = after.find('m').map_or("", |m| &after[m + 1..]);
    }
    out + rest
}

/// Completion, highlighting and hints at every few positions of the line.
fn check_assist(line: &str) {
    let catalog = catalog();
    let coloured = highlight(line, catalog);
    if !line.contains('\u{1b}') {
        assert_eq!(strip_ansi(&coloured), line, "highlighting changed the text");
    }
    let ends: Vec<usize> = line.char_indices().map(|(i, _)| i).chain([line.len()]).collect();
    let step = (ends.len() / 8).max(1);
    for &pos in ends.iter().step_by(step).chain(ends.last()) {
        let (start, found) = complete(line, pos, catalog);
        assert!(start <= pos && line.is_char_boundary(start), "{line:?} at {pos}: completion starts at {start}");
        for c in found {
            assert!(!c.replacement.is_empty(), "{line:?} at {pos}: an empty completion");
        }
        let _ = hint(line, pos, catalog);
    }
    // Positions inside a character are rounded, never a panic.
    if let Some((at, c)) = line.char_indices().find(|(_, c)| c.len_utf8() > 1) {
        let _ = complete(line, at + 1, catalog);
        let _ = hint(line, at + c.len_utf8() - 1, catalog);
    }
}

/// An error drawn with any span, message, label and help, in colour and without.
fn check_render(source: &str, start: usize, end: usize, message: &str, extra: &str) {
    let error = Error::at(ErrorKind::Syntax, message, Span::new(start, end)).with_label(extra).with_help(extra);
    let plain = render(&error, "<fuzz>", source, false);
    assert!(plain.starts_with("error: "), "{plain:?}");
    let escapes_given = [source, message, extra].iter().any(|t| t.contains('\u{1b}'));
    assert!(escapes_given || !plain.contains('\u{1b}'), "colour without asking: {plain:?}");
    let _ = render(&error, "dir/file.orm", source, true);
    let _ = render(&Error::new(ErrorKind::Database, message), "<fuzz>", source, false);
    let (line, column) = line_col(source, start);
    assert!(line >= 1 && column >= 1);
}

// ---- the evaluator ----

/// The schema (and a few rows) every evaluator case starts from.
const SCHEMA: &[&str] = &[
    "model User { name: text, email: text unique, age: int?, active: bool = true, score: float?, \
     born: date?, seen: datetime?, uid: uuid?, data: json?, blob: bytes? }",
    "model Post { title: text, author: User?, body: text? = \"\" }",
    "model Tag table tags { label: text primary key, weight: decimal = 1 }",
    "add User name=John email=j@x.io age=30",
    "add User name=Ann email=a@x.io active=false",
    "add Post title=Hello author=1",
    "add Tag label=rust",
];

/// A session on a fresh in-memory database with [`SCHEMA`], writing its output nowhere;
/// `interactive` as at the prompt (rows capped, `drop` asks) or not (as in a script).
async fn fixture(interactive: bool) -> Session {
    let (printer, _out, _notes) = Printer::capture(Format::Table, false, interactive, false);
    let mut session = Session::open("sqlite::memory:", printer, false).await.expect("in-memory sqlite opens");
    for line in SCHEMA {
        let statement = parse_statement(line).expect("the schema parses");
        session.execute(&statement, &mut NoConfirm).await.unwrap_or_else(|e| panic!("{line}: {e:?}"));
    }
    session
}

/// Commands that leave the fuzzed database, or remove what the final check needs: they are
/// skipped (they are not what this fuzzes).
fn leaves_the_sandbox(command: &Command) -> bool {
    match command {
        // `export` and `output` write a file where the tests run.
        Command::Connect { .. } | Command::Source { .. } | Command::Export { .. } | Command::Output { .. } => true,
        Command::Drop { confirmed, .. } => *confirmed,
        Command::Sql { text, .. } => {
            let text = text.to_ascii_lowercase();
            ["drop", "alter", "rename", "attach", "vacuum", "create", "pragma", "load_extension"]
                .iter()
                .any(|w| text.contains(w))
        }
        _ => false,
    }
}

/// After any input the session still answers.
async fn still_works(session: &mut Session) {
    for line in ["count User", "count Post where author.name=John", "query Tag"] {
        let statement = parse_statement(line).expect("parses");
        session
            .execute(&statement, &mut NoConfirm)
            .await
            .unwrap_or_else(|e| panic!("`{line}` fails after fuzzing: {e:?}"));
    }
}

/// Runs every statement of `script` through `Session::execute` (the runner is checked apart).
fn evaluate(script: &str, interactive: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let mut session = fixture(interactive).await;
        for piece in split_statements(script) {
            let Ok(statement) = parse_statement(piece.text(script)) else { continue };
            if leaves_the_sandbox(&statement.command) {
                continue;
            }
            // Ok or an error: both are fine, a panic is not.
            let _ = session.execute(&statement, &mut NoConfirm).await;
        }
        still_works(&mut session).await;
    });
}

/// Runs a whole script through the [`Runner`] (batched `add`s inside a transaction, errors drawn
/// against the script) after dropping the statements that would leave the sandbox.
fn run_script(script: &str, in_transaction: bool) {
    let kept: Vec<&str> = split_statements(script)
        .iter()
        .map(|p| p.text(script))
        .filter(|text| parse_statement(text).map_or(true, |s| !leaves_the_sandbox(&s.command)))
        .collect();
    let mut text = kept.join("\n");
    if in_transaction {
        text = format!("begin\n{text}\ncommit");
    }
    // Joining may merge pieces (a trailing `\`); make sure nothing that leaves the sandbox formed.
    if split_statements(&text)
        .iter()
        .any(|p| parse_statement(p.text(&text)).is_ok_and(|s| leaves_the_sandbox(&s.command)))
    {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let mut session = fixture(false).await;
        let mut errors = Vec::new();
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut confirm = NoConfirm;
        let mut runner = Runner::new(&mut session, &mut confirm, &mut errors, OnError::Continue, false);
        let _ = runner.run("<fuzz>", &text, dir.path()).await;
        let failures = runner.failures;
        let drawn = String::from_utf8(errors).expect("errors are UTF-8");
        assert!(drawn.matches("error: ").count() >= failures, "{failures} failures drawn as {drawn:?}");
        session.finish().await;
        still_works(&mut session).await;
    });
}

// ---- the properties ----

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_script(&text);
        check_assist(&text);
    }

    #[test]
    fn token_soup_never_panics(text in soup()) {
        check_script(&text);
        check_assist(&text);
    }

    #[test]
    fn mutated_commands_never_panic(text in mutated()) {
        check_script(&text);
        check_assist(&text);
    }

    #[test]
    fn errors_draw_with_any_span(
        source in prop_oneof![soup(), mutated(), any::<String>()],
        start in prop_oneof![0..64usize, any::<usize>()],
        len in prop_oneof![0..16usize, any::<usize>()],
        message in prop_oneof![token(), any::<String>()],
        extra in token(),
    ) {
        check_render(&source, start, start.saturating_add(len), &message, &extra);
        // Backwards too.
        check_render(&source, start.saturating_add(len), start, &message, &extra);
    }
}

proptest! {
    // Each case opens a database and creates a schema: fewer cases, same kinds of input.
    #![proptest_config(config(300))]

    #[test]
    fn the_evaluator_survives_token_soup(script in prop::collection::vec(soup(), 1..8), interactive in any::<bool>()) {
        evaluate(&script.join("\n"), interactive);
    }

    #[test]
    fn the_evaluator_survives_mutated_commands(
        script in prop::collection::vec(mutated(), 1..12),
        interactive in any::<bool>(),
    ) {
        evaluate(&script.join("\n"), interactive);
    }

    #[test]
    fn the_runner_survives_mutated_scripts(
        script in prop::collection::vec(prop_oneof![3 => mutated(), 1 => soup(), 2 => select(seeds())], 1..12),
        in_transaction in any::<bool>(),
    ) {
        run_script(&script.join("\n"), in_transaction);
    }
}

// ---- stray brackets and quotes ----

/// Seeds that are one statement on one line.
fn one_line_seeds() -> &'static [String] {
    static ONE_LINE: OnceLock<Vec<String>> = OnceLock::new();
    ONE_LINE.get_or_init(|| {
        seeds()
            .iter()
            .filter(|seed| !seed.contains(['\n', '\r']) && split_statements(seed).len() == 1)
            .cloned()
            .collect()
    })
}

/// What is inserted into a good line to damage it.
const STRAY: &[&str] = &["(", "{", "'", "\"", "`", "((", "({", "('", "{\"", "(`", "'(", ")", "}", "(a=1 ", "'it"];

/// Where in the line: right after the command word (where, but for a backtick that starts a
/// quoted name, none of them can begin what a command takes), or anywhere.
#[derive(Debug, Clone)]
enum StrayAt {
    AfterCommand,
    Anywhere(Index),
}

fn stray_at() -> impl Strategy<Value = StrayAt> {
    prop_oneof![1 => Just(StrayAt::AfterCommand), 1 => any::<Index>().prop_map(StrayAt::Anywhere)]
}

/// `line` with `stray` inserted where `at` says.
fn damage(line: &str, stray: &str, at: &StrayAt) -> String {
    let offset = match at {
        StrayAt::AfterCommand => line.find(char::is_whitespace).unwrap_or(line.len()),
        StrayAt::Anywhere(index) => boundary(line, index),
    };
    let mut damaged = line.to_string();
    damaged.insert_str(offset, stray);
    damaged
}

/// Whether what follows the command word of `line` may be any text: `sql` (and `explain sql`)
/// takes it as it is, and so do `connect` and `source` with the word after them.
fn takes_any_text(line: &str) -> bool {
    let words: Vec<String> = line.split_whitespace().take(2).map(str::to_ascii_lowercase).collect();
    match words.first().map(String::as_str) {
        // A file path, as `source` takes one: `output` and psql's `\o` and `\i` too.
        Some("sql" | "connect" | "source" | "output" | "\\o" | "\\i") => true,
        Some("explain") => words.get(1).is_some_and(|w| w == "sql"),
        _ => false,
    }
}

/// The texts of the pieces of `script` that start at or after `from`.
fn pieces_from(script: &str, from: usize) -> Vec<&str> {
    split_statements(script).iter().filter(|p| p.start >= from).map(|p| p.text(script)).collect()
}

proptest! {
    #![proptest_config(config(1000))]

    /// A stray bracket or quote in one line of a script of good lines: when the damaged line
    /// cannot become a statement (the prompt would send it as it is), every statement after it
    /// is split out exactly as before. The damaged line ends at its own newline then.
    #[test]
    fn a_stray_bracket_or_quote_leaves_the_lines_after_it_alone(
        lines in prop::collection::vec(select(one_line_seeds()), 2..10),
        damaged_line in any::<Index>(),
        stray in select(STRAY),
        at in stray_at(),
    ) {
        let k = damaged_line.index(lines.len());
        let damaged = damage(&lines[k], stray, &at);
        let before: usize = lines[..=k].iter().map(|l| l.len() + 1).sum();
        let original = lines.join("\n");
        let mut changed = lines.clone();
        changed[k] = damaged.clone();
        let script = changed.join("\n");
        let after = before + damaged.len() - lines[k].len();
        check_script(&script);
        // Right after the command word nothing but a backtick (a quoted name) can start what
        // follows, unless the command takes any text: the line is surely wrong then.
        let surely_wrong = matches!(at, StrayAt::AfterCommand) && !stray.starts_with('`') && !takes_any_text(&lines[k]);
        if surely_wrong {
            prop_assert!(!is_incomplete(&damaged), "{:?} waits for more", damaged);
        }
        if surely_wrong || !is_incomplete(&damaged) {
            prop_assert_eq!(pieces_from(&script, after), pieces_from(&original, before), "damaged line {:?}", damaged);
            // The damaged line is one statement (or several, split at `;`), none past its end.
            let line = (before - lines[k].len() - 1)..(after - 1);
            for piece in split_statements(&script).iter().filter(|p| line.contains(&p.start)) {
                prop_assert!(piece.end <= line.end, "piece {:?} runs past the damaged line {:?}", piece.text(&script), damaged);
            }
        }
    }
}

proptest! {
    #![proptest_config(config(200))]

    /// The same through the runner: a good line damaged right after its command word fails, once,
    /// and every one of the `add`s after it runs.
    #[test]
    fn every_line_after_a_stray_bracket_or_quote_still_runs(
        line in select(one_line_seeds()),
        stray in select(&["(", "{", "'", "\"", "((", "({", "('", "{\""][..]),
        adds in 1..40usize,
    ) {
        prop_assume!(!takes_any_text(&line));
        let damaged = damage(&line, stray, &StrayAt::AfterCommand);
        prop_assert!(!is_incomplete(&damaged), "{:?} waits for more", damaged);
        let mut script = format!("model Fz {{ n: int }}\n{damaged}\n");
        for n in 0..adds {
            script.push_str(&format!("add Fz n={n}\n"));
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let (failures, drawn, count) = runtime.block_on(async {
            let (printer, out, _notes) = Printer::capture(Format::Csv, false, false, false);
            let mut session = Session::open("sqlite::memory:", printer, false).await.expect("in-memory sqlite opens");
            let mut errors = Vec::new();
            let dir = tempfile::tempdir().expect("a temp dir");
            let mut confirm = NoConfirm;
            let mut runner = Runner::new(&mut session, &mut confirm, &mut errors, OnError::Continue, false);
            let _ = runner.run("<fuzz>", &script, dir.path()).await;
            let failures = runner.failures;
            let count = parse_statement("count Fz").expect("parses");
            out.take();
            session.execute(&count, &mut NoConfirm).await.expect("count Fz runs");
            (failures, String::from_utf8(errors).expect("UTF-8"), out.take())
        });
        prop_assert_eq!(failures, 1, "{:?}: {}", damaged, drawn);
        prop_assert!(drawn.contains("--> <fuzz>:2:"), "{:?}: the error is not on line 2: {}", damaged, drawn);
        prop_assert_eq!(count.trim(), adds.to_string(), "{:?}: {}", damaged, drawn);
    }
}

// ---- deep nesting, on a small stack ----

/// Runs `f` on a thread with [`SMALL_STACK`]; a stack overflow aborts the whole test binary,
/// which fails the test as loudly as a panic.
fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(SMALL_STACK).spawn(f).expect("a thread").join().expect("no panic");
}

/// What parsing a deep input must give.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Deep {
    /// The nesting guard's error.
    Nested,
    /// The length guard's error.
    TooLong,
    /// Some other error.
    Error,
    /// It parses (`sql` takes anything; comments are whitespace).
    Parses,
}

/// Inputs nested 100 000 deep in every place the language nests (and some where it does not).
fn deep_inputs() -> Vec<(String, Deep)> {
    const N: usize = 100_000;
    let open = "(".repeat(N);
    let close = ")".repeat(N);
    vec![
        (format!("query User where {open}a=1{close}"), Deep::Nested),
        (format!("query User where {open}"), Deep::Nested),
        (format!("count User where {}a=1", "not ".repeat(N)), Deep::Nested),
        (format!("count User where {}a=1{close}", "not (".repeat(N)), Deep::Nested),
        (format!("delete User where {}", "a=1 and (".repeat(N)), Deep::Nested),
        (format!("update User set a=1 where {open}a=1{close}"), Deep::Nested),
        (format!("explain query User where a=1{}", " or (a=1".repeat(N)), Deep::Nested),
        // The and/or chain is checked by its length before its depth; 10 000 is plenty past it.
        (format!("query User where a=1{}", " and a=1".repeat(10_000)), Deep::TooLong),
        (format!("query User where a in {open}1{close}"), Deep::Error),
        (format!("add User a={open}"), Deep::Error),
        (format!("model A {}", "{".repeat(N)), Deep::Error),
        (format!("model A {{ a: {} }}", "[".repeat(N)), Deep::Error),
        (format!("{}models", "explain ".repeat(N)), Deep::Error),
        (format!("query User where {}", "\"".repeat(N)), Deep::Error),
        (format!("query User where {}", "`".repeat(N + 1)), Deep::Error),
        (format!("query User where {}", "a.".repeat(N)), Deep::Error),
        (format!("{open}{close}"), Deep::Error),
        ("\\\n".repeat(N), Deep::Error),
        (format!("sql select {open}1{close}"), Deep::Parses),
        (format!("add User a=\"{}\"", "\\\"".repeat(N)), Deep::Parses),
        (format!("query User {}", "#\n".repeat(N)), Deep::Parses),
    ]
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    on_small_stack(|| {
        for (text, expected) in deep_inputs() {
            let shown: String = text.chars().take(40).collect();
            let parsed = parse_statement(&text);
            match (&parsed, expected) {
                (Ok(_), Deep::Parses) => {}
                (Err(e), Deep::Nested) if e.message.contains("nested too deeply") => {}
                (Err(e), Deep::TooLong) if e.message.contains("too long") => {}
                (Err(_), Deep::Error) => {}
                _ => panic!("{shown:?}…: want {expected:?}, got {:?}", parsed.map(|_| ()).map_err(|e| e.message)),
            }
            if let Err(error) = parsed {
                check_span(&text, error.span.expect("a span"), "error");
            }
        }
    });
}

#[test]
fn deep_nesting_splits_completes_highlights_and_draws_on_a_small_stack() {
    // The catalog is made on this thread: opening a database is not what is measured.
    let catalog = catalog();
    on_small_stack(move || {
        for (text, _) in deep_inputs() {
            for piece in split_statements(&text) {
                check_span(&text, piece.span(), "piece");
            }
            let _ = is_incomplete(&text);
            let coloured = highlight(&text, catalog);
            assert_eq!(strip_ansi(&coloured), text);
            let _ = complete(&text, text.len(), catalog);
            let _ = hint(&text, text.len(), catalog);
            let error = Error::syntax("deep", Span::new(text.len() / 2, text.len()));
            let _ = render(&error, "<fuzz>", &text, false);
        }
    });
}

proptest! {
    #![proptest_config(config(64))]

    /// Random input around deep nesting, each case on its own small stack.
    #[test]
    fn deep_nesting_in_soup_never_overflows(
        before in soup(),
        opener in select(&["(", "not ", "not (", "{", "[", " and (", "explain "][..]),
        depth in prop_oneof![8 => 60..70usize, 4 => 1_000..2_000usize, 1 => Just(100_000usize)],
        after in soup(),
    ) {
        let text = format!("{before}{}{after}", opener.repeat(depth));
        let catalog = catalog();
        on_small_stack(move || {
            check_script(&text);
            let where_text = format!("query User where {text}");
            check_statement(&where_text);
            let _ = highlight(&where_text, catalog);
            let _ = complete(&where_text, where_text.len(), catalog);
            let _ = hint(&where_text, where_text.len(), catalog);
        });
    }
}

// ---- regressions: what fuzzing found ----

/// A level of parentheses took about 7 KiB of stack in a debug build, so the 64 levels the
/// parser accepts overflowed a 256 KiB stack before its guard could refuse the 65th.
#[test]
fn the_deepest_condition_the_parser_accepts_fits_a_small_stack() {
    on_small_stack(|| {
        // (what opens a level, what closes it, how many levels it opens)
        for (open, close, per) in [("(", ")", 1), ("not ", "", 1), ("not (", ")", 2), ("a=1 or not (", ")", 2)] {
            let levels = 64 / per;
            let text = format!("query User where {}a=1{}", open.repeat(levels), close.repeat(levels));
            parse_statement(&text).unwrap_or_else(|e| panic!("{open:?} × {levels}: {}", e.message));
            let deeper = format!("query User where {}a=1{}", open.repeat(levels + 1), close.repeat(levels + 1));
            let error = parse_statement(&deeper).expect_err("one level too deep");
            assert!(error.message.contains("nested too deeply"), "{open:?}: {}", error.message);
        }
    });
}

/// The parser accepted 1000 `and`/`or`, but the evaluator refuses a condition more than 256
/// deep with "the condition is nested too deeply" and no position (for a flat chain, which is
/// not nested at all). The longest and deepest condition the parser accepts must now run, and
/// one `and` more is the parser's error, under that `and`.
#[test]
fn the_longest_condition_the_parser_accepts_runs() {
    let nested = 31;
    let longest =
        format!("count User where {}age=1{}{}", "not (".repeat(nested), " and age=1".repeat(128), ")".repeat(nested));
    let statement = parse_statement(&longest).unwrap_or_else(|e| panic!("{}", e.message));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let mut session = fixture(false).await;
        session.execute(&statement, &mut NoConfirm).await.unwrap_or_else(|e| panic!("{}", e.message));
    });

    let too_long = format!("count User where age=1{}", " and age=1".repeat(129));
    let error = parse_statement(&too_long).expect_err("129 `and`s");
    assert!(error.message.contains("too long"), "{}", error.message);
    let span = error.span.expect("a span");
    assert_eq!(&too_long[span.start..span.end], "and");
    assert_eq!(span.start, "count User where age=1".len() + 128 * " and age=1".len() + 1);
}

/// An error at the end of a line of a script ("found end of input") drew its caret over the
/// newline, so codespan drew a two-line label running into the next line.
#[test]
fn an_error_at_the_end_of_a_line_is_drawn_on_that_line() {
    let script = "describe\ndescribe User extra\n";
    let piece = split_statements(script)[0];
    let error = parse_statement(piece.text(script)).expect_err("no model name");
    let drawn = render(&error, "cases.orm", script, false);
    assert_eq!(
        drawn,
        "error: expected a model name, found end of input\n --> cases.orm:1:9\n  |\n1 | describe\n  |         ^\n"
    );
}

// ---- secrets: a password in every place a URL can hold one ----

/// A password that can be found in what ormsh shows (its marker appears nowhere else), made
/// of the characters a driver takes raw in that place: `spaces` only inside quotes.
fn password(spaces: bool) -> impl Strategy<Value = String> {
    let body = if spaces { "[A-Za-z0-9!$*()+,;=:@/._~ -]{0,16}" } else { "[A-Za-z0-9!$*()+,;=:@/._~-]{0,16}" };
    body.prop_map(|tail| format!("Pw9{tail}Q"))
}

/// `connect URL` with the password in the userinfo, in a `password=` query parameter (first or
/// later), in a quoted URL (where it may hold spaces), or in two places at once.
fn connect_with_password() -> impl Strategy<Value = (String, String)> {
    let scheme = select(&["postgres", "postgresql", "mysql", "mariadb"][..]);
    (scheme, 0..5usize, password(false), password(true)).prop_map(|(scheme, place, plain, spaced)| {
        let base = format!("{scheme}://bob");
        let host = "127.0.0.1:1/db";
        match place {
            0 => (format!("connect {base}:{plain}@{host}"), plain),
            1 => (format!("connect {base}@{host}?password={}", plain.replace('&', "")), plain.replace('&', "")),
            2 => (format!("connect {base}@{host}?sslmode=disable&password={plain}"), plain),
            3 => (format!("connect \"{base}:{spaced}@{host}\""), spaced),
            _ => (format!("connect '{base}:{plain}@{host}?password={plain}'"), plain),
        }
    })
}

/// Everything that may show the line: the history entry, an error drawn against it, and the
/// session itself trying to connect (and failing) in a script.
fn check_secret_hidden(line: &str, secret: &str) {
    if let Some(entry) = ormsh::history::entry(line) {
        assert!(!entry.contains(secret), "history keeps {secret:?}: {entry:?}");
    }
    let url = line.trim_start_matches("connect ").trim_matches(|c| c == '"' || c == '\'');
    let redacted = ormsh::redact::redact_url(url);
    assert!(!redacted.contains(secret), "{redacted:?}");
    let error = Error::at(ErrorKind::Connection, format!("cannot connect to {redacted}"), Span::new(8, line.len()));
    let drawn = render(&error, "<fuzz>", line, false);
    assert!(!drawn.contains(secret), "{drawn}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let (printer, out, notes) = Printer::capture(Format::Table, false, false, true);
        let mut session = Session::open("sqlite::memory:", printer, false).await.expect("in-memory sqlite opens");
        let mut errors = Vec::new();
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut confirm = NoConfirm;
        let mut runner = Runner::new(&mut session, &mut confirm, &mut errors, OnError::Continue, false);
        let _ = runner.run("<fuzz>", &format!("{line}\ncount X"), dir.path()).await;
        let drawn = String::from_utf8(errors).expect("errors are UTF-8");
        assert!(drawn.contains("error: "), "{drawn}");
        assert!(!drawn.contains(secret), "the error shows {secret:?}:\n{drawn}");
        let shown = format!("{}{}{}", out.contents(), notes.contents(), session.location());
        assert!(!shown.contains(secret), "the output shows {secret:?}:\n{shown}");
    });
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn no_password_is_ever_shown(case in connect_with_password()) {
        let (line, secret) = case;
        check_secret_hidden(&line, &secret);
    }
}
