//! Keeps `grammar/ormsh.ebnf` true: every `(* example: … *)` in it parses, the examples cover
//! every command and every condition form, every rule it defines is a parser function (marked
//! `grammar: NAME` in its doc comment) and every function so marked is a rule.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use ormsh::ast::{Command, Condition, Target};
use ormsh::parser::parse_statement;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn grammar() -> String {
    fs::read_to_string(Path::new(ROOT).join("grammar/ormsh.ebnf")).expect("grammar/ormsh.ebnf")
}

/// The text of every `(* example: … *)` comment.
fn examples(grammar: &str) -> Vec<String> {
    const OPEN: &str = "(* example:";
    let mut found = Vec::new();
    let mut rest = grammar;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let end = after.find("*)").expect("an example comment is not closed");
        let example = after[..end].trim();
        assert!(!example.contains("(*"), "an example cannot hold `(*` or `*)`: {example:?}");
        found.push(example.to_string());
        rest = &after[end..];
    }
    found
}

/// The grammar without its comments.
fn without_comments(grammar: &str) -> String {
    let mut out = String::new();
    let mut rest = grammar;
    while let Some(start) = rest.find("(*") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("*)").expect("a comment is not closed");
        rest = &rest[start + end + 2..];
    }
    out + rest
}

/// Each rule as (name, right-hand side): `name = … ;` with the name at the start of a line.
fn rules(grammar: &str) -> Vec<(String, String)> {
    let text = without_comments(grammar);
    let mut rules = Vec::new();
    let mut rest = text.as_str();
    while !rest.trim().is_empty() {
        let body = rest.trim_start();
        let eq = body.find('=').unwrap_or_else(|| panic!("no `=` in {body:?}"));
        let name = body[..eq].trim();
        assert!(
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "not a rule name: {name:?}"
        );
        let rhs = &body[eq + 1..];
        let end = rule_end(rhs).unwrap_or_else(|| panic!("rule `{name}` has no final `;`"));
        rules.push((name.to_string(), rhs[..end].to_string()));
        rest = &rhs[end + 1..];
    }
    rules
}

/// Where the `;` that ends a right-hand side is, skipping terminals and special sequences.
fn rule_end(rhs: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (at, c) in rhs.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '?') => quote = Some(c),
            None if c == ';' => return Some(at),
            None => {}
        }
    }
    None
}

/// The rule names a right-hand side refers to.
fn references(rhs: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut quote: Option<char> = None;
    let mut word = String::new();
    for c in rhs.chars().chain([' ']) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '"' | '\'' | '?') => quote = Some(c),
            None if c.is_ascii_alphanumeric() || c == '_' => {
                word.push(c);
                continue;
            }
            None => {}
        }
        if !word.is_empty() {
            names.insert(std::mem::take(&mut word));
        }
    }
    names
}

/// Every `.rs` file under `src/parser/`, with its text.
fn parser_sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dirs = vec![Path::new(ROOT).join("src/parser")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("src/parser/") {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).unwrap();
                files.push((path.display().to_string(), text));
            }
        }
    }
    assert!(!files.is_empty(), "no parser sources");
    files
}

/// The name declared by a line such as `pub(super) fn name<'a>(…`.
fn declared_fn(line: &str) -> Option<&str> {
    let at = line.find("fn ")?;
    if at > 0 && !line[..at].ends_with(' ') {
        return None;
    }
    let rest = &line[at + 3..];
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// (rule name, file) for every doc comment line `/// grammar: NAME`, checking that the item it
/// documents is `fn NAME`.
fn marked_functions() -> Vec<(String, String)> {
    let mut marked = Vec::new();
    for (file, text) in parser_sources() {
        let lines: Vec<&str> = text.lines().collect();
        for (n, line) in lines.iter().enumerate() {
            let Some(name) = line.trim().strip_prefix("/// grammar: ") else { continue };
            let name = name.trim();
            let item = lines[n + 1..]
                .iter()
                .map(|l| l.trim())
                .find(|l| !l.starts_with("///") && !l.starts_with("#["))
                .unwrap_or_default();
            assert_eq!(
                declared_fn(item),
                Some(name),
                "{file}:{}: `grammar: {name}` documents `{item}`, not `fn {name}`",
                n + 1
            );
            marked.push((name.to_string(), file.clone()));
        }
    }
    marked
}

#[test]
fn every_example_parses() {
    let examples = examples(&grammar());
    assert!(examples.len() >= 40, "only {} examples", examples.len());
    let failures: Vec<String> = examples
        .iter()
        .filter_map(|example| parse_statement(example).err().map(|e| format!("{example:?}: {e} at {:?}", e.span)))
        .collect();
    assert!(failures.is_empty(), "examples that do not parse:\n{}", failures.join("\n"));
}

#[test]
fn examples_cover_every_command() {
    let examples = examples(&grammar());
    let first_words: BTreeSet<String> =
        examples.iter().filter_map(|e| e.split_whitespace().next()).map(|w| w.to_ascii_lowercase()).collect();
    let missing: Vec<&str> = ormsh::commands::all_words().filter(|word| !first_words.contains(*word)).collect();
    assert!(missing.is_empty(), "no example for: {missing:?}");
}

fn collect_forms(condition: &Condition, forms: &mut BTreeSet<String>) {
    match condition {
        Condition::And(a, b) | Condition::Or(a, b) => {
            forms.insert(if matches!(condition, Condition::And(..)) { "and" } else { "or" }.into());
            collect_forms(a, forms);
            collect_forms(b, forms);
        }
        Condition::Not(inner) => {
            forms.insert("not".into());
            collect_forms(inner, forms);
        }
        Condition::Compare { op, .. } => {
            forms.insert(op.as_str().into());
        }
        Condition::CompareFields { op, .. } => {
            forms.insert(format!("{} .field", op.as_str()));
        }
        Condition::In { negated, .. } => {
            forms.insert(if *negated { "not in" } else { "in" }.into());
        }
        Condition::IsNull { negated, .. } => {
            forms.insert(if *negated { "is not null" } else { "is null" }.into());
        }
        Condition::Between { negated, .. } => {
            forms.insert(if *negated { "not between" } else { "between" }.into());
        }
    }
}

fn conditions_of(command: &Command) -> Vec<&Condition> {
    match command {
        Command::Query(q) => q.filter.iter().chain(&q.having).collect(),
        Command::Count { filter, .. } => filter.iter().collect(),
        Command::Update { target: Target::Where(c), .. } | Command::Delete { target: Target::Where(c), .. } => {
            vec![c]
        }
        Command::Explain(inner) => conditions_of(inner),
        _ => Vec::new(),
    }
}

#[test]
fn examples_cover_every_condition_form() {
    let examples = examples(&grammar());
    let mut forms = BTreeSet::new();
    for example in &examples {
        if let Ok(statement) = parse_statement(example) {
            for condition in conditions_of(&statement.command) {
                collect_forms(condition, &mut forms);
            }
        }
    }
    let expected = [
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "like",
        "not like",
        "ilike",
        "not ilike",
        "between",
        "not between",
        "in",
        "not in",
        "is null",
        "is not null",
        "and",
        "or",
        "not",
        "= .field",
    ];
    let missing: Vec<&str> = expected.iter().copied().filter(|f| !forms.contains(*f)).collect();
    assert!(missing.is_empty(), "no example for: {missing:?}");
    assert!(examples.iter().any(|e| e.contains("<>")), "no example for `<>`");
    assert!(examples.iter().any(|e| e.contains("where (")), "no example with parentheses");
    assert!(examples.iter().any(|e| e.contains('.') && e.starts_with("query")), "no example with a dotted path");
}

#[test]
fn rules_and_parser_functions_agree() {
    let grammar = grammar();
    let rules = rules(&grammar);
    let defined: BTreeSet<String> = rules.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(defined.len(), rules.len(), "a rule is defined twice");

    // Every name a rule uses is defined.
    for (name, rhs) in &rules {
        let undefined: Vec<String> = references(rhs).into_iter().filter(|r| !defined.contains(r)).collect();
        assert!(undefined.is_empty(), "rule `{name}` uses undefined {undefined:?}");
    }

    // Lower-case rules are parser functions; upper-case ones are character classes.
    let parser_rules: BTreeSet<&String> =
        defined.iter().filter(|name| name.chars().next().is_some_and(|c| c.is_ascii_lowercase())).collect();
    let marked = marked_functions();
    let marked_names: BTreeSet<&String> = marked.iter().map(|(name, _)| name).collect();
    assert_eq!(marked_names.len(), marked.len(), "a rule is marked on two functions");

    let unmarked: Vec<&&String> = parser_rules.difference(&marked_names).collect();
    assert!(unmarked.is_empty(), "grammar rules with no `/// grammar: NAME` fn in src/parser/: {unmarked:?}");
    let strangers: Vec<&(String, String)> = marked.iter().filter(|(name, _)| !defined.contains(name)).collect();
    assert!(strangers.is_empty(), "functions marked as rules that the grammar does not define: {strangers:?}");
}
