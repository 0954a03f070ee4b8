//! One tolerant pass over a statement that follows the grammar without ever failing. It says
//! what each piece of the text is (for highlighting) and, when completing, where the word being
//! typed starts and what it may become. Where the text stops making sense the walk stops; the
//! highlighter colours the rest token by token.
//!
//! The tokens are those of `parser::lexical` and `parser::literal`: identifiers are a letter or
//! `_` then letters, digits and `_`; bare words run up to whitespace or one of `,;()=<>!{}"'#`.

mod commands;
mod condition;
mod model;
mod shell;
mod sql;

use crate::ast::{AggFunc, AlterChange, DatePart, Format, Ident};
use crate::catalog::{Catalog, Member, Table};
use crate::commands::{self as table, Verb};
use crate::parser::chars::{ident_len, is_ident_char, is_number, is_word_char};
use crate::parser::split::split_statements;
use crate::value::FieldType;
pub(super) use commands::FUNCTIONS;
use commands::paths;

/// What a piece of the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Command,
    Model,
    UnknownModel,
    Field,
    UnknownField,
    Keyword,
    /// A scalar type in a `model` declaration.
    Type,
    Str,
    Number,
    /// `true`, `false`, `null`.
    Literal,
    Comment,
}

/// A classified byte range.
pub(super) type Span = (usize, usize, Class);

/// Field names of a table, as offered at one point.
#[derive(Debug, Clone)]
pub(super) struct Fields<'c> {
    pub table: &'c Table,
    /// Appended to each name: `=` in assignments.
    pub suffix: &'static str,
    /// Whether a path through references (`user.name`) may be typed here.
    pub dotted: bool,
    /// Columns already assigned on the line.
    pub exclude: Vec<String>,
    /// The names are those `with` takes: relations and references (a dotted path goes through
    /// both), not columns.
    pub related: bool,
}

/// What the rest of a command looks like, for a hint.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hint<'c> {
    /// A model name comes next.
    Model,
    /// Nothing typed yet after `command Model`.
    AfterModel { command: &'static str, table: Option<&'c Table> },
}

/// What may be typed at one point.
#[derive(Debug, Clone, Default)]
pub(super) struct Offer<'c> {
    /// Words that something follows; offered with a trailing space.
    pub keywords: Vec<&'static str>,
    /// Words that end what they are part of; offered as they are.
    pub words: Vec<&'static str>,
    /// Model names, with a trailing space.
    pub models: bool,
    /// Type names and model names, as the type of a field in a `model` declaration.
    pub types: bool,
    /// Schema names (PostgreSQL's): `models sales`.
    pub schemas: bool,
    pub fields: Option<Fields<'c>>,
    /// `true`, `false`, `null`.
    pub values: bool,
    /// The column the value is for, when known: only the words that fit it are offered (`true`
    /// and `false` for a bool, `null` where null is allowed).
    pub value_of: Option<&'c crate::catalog::Column>,
    pub hint: Option<Hint<'c>>,
    /// Inside `sql` text: table names, and the columns of these tables.
    pub sql: Option<Vec<&'c Table>>,
}

impl<'c> Offer<'c> {
    fn keywords(keywords: &[&'static str]) -> Offer<'c> {
        Offer { keywords: keywords.to_vec(), ..Offer::default() }
    }

    fn words(words: &[&'static str]) -> Offer<'c> {
        Offer { words: words.to_vec(), ..Offer::default() }
    }

    fn values() -> Offer<'c> {
        Offer { values: true, ..Offer::default() }
    }

    /// The value for `column`: only the words that fit it.
    fn value_for(column: Option<&'c crate::catalog::Column>) -> Offer<'c> {
        Offer { values: true, value_of: column, ..Offer::default() }
    }

    /// What the word being typed is made of here.
    fn word_kind(&self) -> WordKind {
        if self.values {
            WordKind::Value
        } else if self.sql.is_some() || self.fields.as_ref().is_some_and(|f| f.dotted) || self.models || self.types {
            // A model may be named with its schema: `sales.Order`.
            WordKind::Path
        } else {
            WordKind::Ident
        }
    }
}

/// Where the input ends, when completing: the word being typed starts at `start` (relative to
/// the text given to [`point`]), and `offer` is what it may become.
#[derive(Debug, Clone)]
pub(super) struct Point<'c> {
    pub start: usize,
    pub offer: Offer<'c>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordKind {
    Ident,
    Path,
    Value,
}

/// The length of the word of `kind` that `s` starts with (0 if none).
fn word_len(s: &str, kind: WordKind) -> usize {
    match kind {
        WordKind::Ident => ident_len(s),
        WordKind::Path if ident_len(s) > 0 => s.find(|c: char| !is_ident_char(c) && c != '.').unwrap_or(s.len()),
        WordKind::Path => 0,
        WordKind::Value => s.find(|c: char| !is_word_char(c)).unwrap_or(s.len()),
    }
}

const QUERY_CLAUSES: [&str; 8] = ["fields", "where", "by", "having", "order by", "limit", "offset", "with"];
/// Deep enough for any condition a person types; it keeps garbage from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// The words offered where a command goes: every command and alias that is a word (`\q` is
/// not offered, only understood).
fn command_words() -> Vec<&'static str> {
    table::all_words().filter(|w| !w.starts_with('\\')).collect()
}

/// The commands `explain` can show the SQL of.
fn explainable() -> Vec<&'static str> {
    table::COMMANDS.iter().filter(|c| c.explainable).map(|c| c.word).collect()
}

/// Every classified piece of `line`, in order, not overlapping.
pub(super) fn spans(line: &str, catalog: &Catalog) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut at = 0;
    let gap = |from: usize, to: usize, spans: &mut Vec<Span>| {
        let mut walker = Walker::new(&line[from..to], catalog, false);
        walker.generic();
        spans.extend(walker.spans.into_iter().map(|(s, e, c)| (s + from, e + from, c)));
    };
    for piece in split_statements(line) {
        gap(at, piece.start, &mut spans);
        let mut walker = Walker::new(piece.text(line), catalog, false);
        let _ = walker.statement();
        walker.generic();
        spans.extend(walker.spans.into_iter().map(|(s, e, c)| (s + piece.start, e + piece.start, c)));
        at = piece.end;
    }
    gap(at, line.len(), &mut spans);
    spans
}

/// What may be typed where `prefix` ends, and where the word being typed starts (an offset into
/// `prefix`); `None` inside a string or a comment, or after text that makes no sense.
pub(super) fn point<'c>(prefix: &str, catalog: &'c Catalog) -> Option<Point<'c>> {
    // The statement the end belongs to is the one a character typed there would join.
    let probe = format!("{prefix}x");
    let start = split_statements(&probe).pop()?.start.min(prefix.len());
    let mut walker = Walker::new(&prefix[start..], catalog, true);
    let _ = walker.statement();
    walker.point.map(|p| Point { start: p.start + start, ..p })
}

struct Walker<'s, 'c> {
    src: &'s str,
    pos: usize,
    catalog: &'c Catalog,
    /// Completing: stop where the input ends and say what may be typed there.
    completing: bool,
    /// Whether whitespace or punctuation came since the last word: only then may a new word
    /// start at the end of the input.
    separated: bool,
    depth: usize,
    spans: Vec<Span>,
    point: Option<Point<'c>>,
}

/// The walk goes on (`Some`) or stops (`None`): at the end of the input, or at text that does not
/// fit.
type Step<T = ()> = Option<T>;

impl<'s, 'c> Walker<'s, 'c> {
    fn new(src: &'s str, catalog: &'c Catalog, completing: bool) -> Self {
        Walker { src, pos: 0, catalog, completing, separated: true, depth: 0, spans: Vec::new(), point: None }
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    fn mark(&mut self, start: usize, class: Class) {
        if start < self.pos {
            self.spans.push((start, self.pos, class));
        }
    }

    /// Skips whitespace, comments and line continuations, and says whether a newline was
    /// crossed. Stops when completing inside a comment.
    fn ws(&mut self) -> Step<bool> {
        let mut newline = false;
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else { break };
            if c.is_whitespace() {
                newline |= c == '\n';
                self.pos += c.len_utf8();
            } else if c == '#' {
                let start = self.pos;
                self.pos += rest.find('\n').unwrap_or(rest.len());
                self.mark(start, Class::Comment);
                if self.completing && self.at_end() {
                    return None;
                }
            } else if let Some(after) = rest.strip_prefix('\\')
                && (after.starts_with('\n') || after.starts_with("\r\n"))
            {
                self.pos += if after.starts_with('\n') { 2 } else { 3 };
            } else {
                break;
            }
            self.separated = true;
        }
        Some(newline)
    }

    /// A point where what `offer` describes may be typed. When completing, the walk stops here
    /// if the rest of the input is one word (or nothing, after a separator): that is the word
    /// being typed.
    fn slot(&mut self, offer: impl FnOnce() -> Offer<'c>) -> Step {
        self.ws()?;
        if self.completing {
            let offer = offer();
            let len = word_len(self.rest(), offer.word_kind());
            if self.pos + len == self.src.len() {
                if len > 0 || self.separated {
                    self.point = Some(Point { start: self.pos, offer });
                }
                return None;
            }
        }
        (!self.at_end()).then_some(())
    }

    fn punct(&mut self, p: &str) -> bool {
        if self.rest().starts_with(p) {
            self.pos += p.len();
            self.separated = true;
            true
        } else {
            false
        }
    }

    /// A name: an identifier, or a name in backticks (a doubled backtick stands for one).
    fn name(&mut self) -> Step<(usize, String, bool)> {
        let start = self.pos;
        let rest = self.rest();
        let len = ident_len(rest);
        let (name, quoted) = if len > 0 {
            self.pos += len;
            (rest[..len].to_string(), false)
        } else if let Some(mut inner) = rest.strip_prefix('`') {
            let mut name = String::new();
            self.pos += 1;
            loop {
                let Some(tick) = inner.find('`') else {
                    // Unterminated: the name runs to the end.
                    name.push_str(inner);
                    self.pos = self.src.len();
                    break;
                };
                name.push_str(&inner[..tick]);
                self.pos += tick + 1;
                inner = &inner[tick + 1..];
                match inner.strip_prefix('`') {
                    Some(after) => {
                        name.push('`');
                        self.pos += 1;
                        inner = after;
                    }
                    None => break,
                }
            }
            (name, true)
        } else {
            return None;
        };
        self.separated = false;
        Some((start, name, quoted))
    }

    /// The keyword of `words` (one word each) the input starts with, without taking it.
    fn peek_keyword(&self, words: &[&'static str]) -> Option<&'static str> {
        let rest = self.rest();
        let word = &rest[..ident_len(rest)];
        words.iter().copied().find(|k| !word.is_empty() && k.eq_ignore_ascii_case(word))
    }

    fn keyword(&mut self, words: &[&'static str]) -> Step<&'static str> {
        let found = self.peek_keyword(words)?;
        let start = self.pos;
        self.pos += found.len();
        self.separated = false;
        self.mark(start, Class::Keyword);
        Some(found)
    }

    /// A quoted string (possibly unterminated) or a bare word.
    fn value(&mut self) -> Step {
        let start = self.pos;
        let rest = self.rest();
        let mut chars = rest.char_indices();
        match chars.next() {
            Some((_, quote @ ('"' | '\''))) => {
                let mut end = rest.len();
                while let Some((i, c)) = chars.next() {
                    if c == quote {
                        end = i + 1;
                        break;
                    }
                    if c == '\\' {
                        chars.next();
                    }
                }
                self.pos += end;
                self.mark(start, Class::Str);
            }
            _ => {
                let mut len = word_len(rest, WordKind::Value);
                let word = &rest[..len];
                // A `\` that ends the line continues the line; it is not part of the word.
                if word.ends_with('\\') && (rest[len..].starts_with('\n') || rest[len..].starts_with("\r\n")) {
                    len -= 1;
                }
                if len == 0 {
                    return None;
                }
                let word = &rest[..len];
                self.pos += len;
                if ["true", "false", "null"].iter().any(|w| w.eq_ignore_ascii_case(word)) {
                    self.mark(start, Class::Literal);
                } else if is_number(word) {
                    self.mark(start, Class::Number);
                }
            }
        }
        self.separated = false;
        Some(())
    }

    /// Token by token to the end, for the highlighter: strings, numbers, literals, comments.
    fn generic(&mut self) {
        while self.ws().is_some() && !self.at_end() {
            let before = self.pos;
            let c = self.rest().chars().next().unwrap_or(' ');
            if c == '`' {
                let _ = self.name();
            } else if c == '"' || c == '\'' || is_word_char(c) {
                let _ = self.value();
            }
            if self.pos == before {
                self.pos += c.len_utf8();
            }
        }
    }

    /// A command word: an identifier, or `\` and one (`\q`).
    fn command_word(&mut self) -> Step<(usize, String)> {
        let start = self.pos;
        let len = match self.rest().strip_prefix('\\') {
            Some(after) if ident_len(after) > 0 => 1 + ident_len(after),
            Some(after) if after.starts_with('?') => 2,
            _ => ident_len(self.rest()),
        };
        if len == 0 {
            return None;
        }
        self.pos += len;
        self.separated = false;
        Some((start, self.src[start..self.pos].to_ascii_lowercase()))
    }

    fn statement(&mut self) -> Step {
        self.slot(|| Offer::keywords(&command_words()))?;
        let (start, word) = self.command_word()?;
        self.command(start, &word)
    }

    fn command(&mut self, start: usize, word: &str) -> Step {
        let known = table::lookup(word)?;
        self.mark(start, Class::Command);
        match known.verb {
            Verb::Model => self.model_decl(),
            Verb::Describe => self.model().map(drop),
            Verb::Alter => self.alter(),
            Verb::Drop => {
                self.model()?;
                self.slot(|| Offer::keywords(&["confirm"]))?;
                self.keyword(&["confirm"]).map(drop)
            }
            Verb::Add => {
                let table = self.model()?;
                self.assignments(table, &[], Some(Hint::AfterModel { command: "add", table }))
            }
            Verb::Upsert => {
                let table = self.model()?;
                self.assignments(table, &[], Some(Hint::AfterModel { command: "upsert", table }))
            }
            Verb::Get => {
                let table = self.model()?;
                self.slot(|| Offer { hint: Some(Hint::AfterModel { command: "get", table }), ..Offer::default() })?;
                self.value()?;
                self.slot(|| Offer::keywords(&["with"]))?;
                self.keyword(&["with"])?;
                self.with_list(table, &[])
            }
            Verb::Query => self.query(),
            Verb::Count => {
                let table = self.model()?;
                let mut hint = Some(Hint::AfterModel { command: "count", table });
                let mut used: Vec<&'static str> = Vec::new();
                loop {
                    let left: Vec<&'static str> = ["where", "by"].into_iter().filter(|c| !used.contains(c)).collect();
                    let hint = hint.take();
                    self.slot(|| Offer { hint, ..Offer::keywords(&left) })?;
                    let clause = self.keyword(&left)?;
                    used.push(clause);
                    let follow: Vec<&'static str> = ["where", "by"].into_iter().filter(|c| !used.contains(c)).collect();
                    match clause {
                        "where" => self.condition(table, &follow)?,
                        _ => self.path_list(table, &follow, false)?,
                    }
                }
            }
            Verb::Update => self.update(),
            Verb::Delete => {
                let table = self.model()?;
                let hint = Some(Hint::AfterModel { command: "delete", table });
                self.slot(|| Offer { hint, ..Offer::keywords(&["where", "all"]) })?;
                match self.keyword(&["where", "all"])? {
                    "where" => self.condition(table, &[]),
                    _ => Some(()),
                }
            }
            Verb::Rollback => {
                self.slot(|| Offer::keywords(&["to"]))?;
                self.keyword(&["to"])?;
                self.savepoint_name(true)
            }
            Verb::Savepoint => self.savepoint_name(false),
            Verb::Release => self.savepoint_name(true),
            // Sent as written: walked as SQL, for its colours and names.
            Verb::Sql => self.sql_text(),
            Verb::Explain => {
                self.slot(|| Offer::keywords(&explainable()))?;
                let (start, word) = self.command_word()?;
                if word == "explain" {
                    return None;
                }
                self.command(start, &word)
            }
            // psql's `\x` and `\timing` take `on` or `off`, or nothing.
            Verb::Set if word.starts_with('\\') => {
                self.slot(|| Offer::keywords(&["on", "off"]))?;
                self.keyword(&["on", "off"]).map(drop)
            }
            Verb::Set => self.setting(),
            Verb::Source | Verb::Output => self.file_path(),
            Verb::Edit => Some(()),
            // The exported command as on its own, up to the `to FILE [force]` that ends the
            // statement (as the parser cuts it), then that.
            Verb::Export => {
                const EXPORTED: [&str; 4] = ["query", "get", "count", "sql"];
                self.slot(|| Offer::keywords(&EXPORTED))?;
                let (start, word) = self.command_word()?;
                if !EXPORTED.contains(&word.as_str()) {
                    return None;
                }
                let Some(to) = export_destination(self.src, self.pos) else {
                    return self.command(start, &word);
                };
                let (whole, completing) = (self.src, self.completing);
                self.src = &whole[..to];
                self.completing = false;
                let _ = self.command(start, &word);
                (self.src, self.completing) = (whole, completing);
                self.pos = to;
                self.separated = true;
                self.keyword(&["to"])?;
                self.file_path()?;
                self.slot(|| Offer::keywords(&["format", "force"]))?;
                // `--format` is the command line's spelling of the same option.
                if self.rest().starts_with("--") {
                    self.pos += 2;
                }
                if self.keyword(&["format", "force"])? == "format" {
                    self.slot(|| Offer::words(&Format::NAMES))?;
                    self.keyword(&Format::NAMES)?;
                    self.slot(|| Offer::keywords(&["force"]))?;
                    self.keyword(&["force"])?;
                }
                Some(())
            }
            Verb::Import => {
                self.model()?;
                self.slot(|| Offer::keywords(&["from"]))?;
                self.keyword(&["from"])?;
                self.file_path()
            }
            Verb::Connect => {
                self.slot(Offer::default)?;
                if self.rest().starts_with(['"', '\'']) {
                    return self.value();
                }
                // `#` ends the URL: in a URL it could only start the fragment.
                let rest = self.rest();
                self.pos += rest.find('#').unwrap_or(rest.len());
                Some(())
            }
            Verb::Help => {
                self.slot(|| Offer::words(&command_words()))?;
                let (start, topic, _) = self.name()?;
                if command_words().iter().any(|w| w.eq_ignore_ascii_case(&topic)) {
                    self.mark(start, Class::Command);
                }
                Some(())
            }
            Verb::Begin => self.tx_modes(),
            Verb::Refresh | Verb::Commit | Verb::Quit => Some(()),
            Verb::Models => {
                self.slot(|| Offer { schemas: true, ..Offer::default() })?;
                self.name().map(drop)
            }
        }
    }

    /// `begin`'s isolation level and access mode, as the parser's `begin` takes them.
    fn tx_modes(&mut self) -> Step {
        const FIRST: [&str; 4] = ["serializable", "repeatable", "read", "isolation"];
        const LEVELS: [&str; 3] = ["serializable", "repeatable", "read"];
        loop {
            self.punct(",");
            self.slot(|| Offer::keywords(&FIRST))?;
            let mut word = self.keyword(&FIRST)?;
            if word == "isolation" {
                self.slot(|| Offer::keywords(&["level"]))?;
                self.keyword(&["level"])?;
                self.slot(|| Offer::keywords(&LEVELS))?;
                word = self.keyword(&LEVELS)?;
            }
            let after: &[&'static str] = match word {
                "repeatable" => &["read"],
                "read" => &["committed", "uncommitted", "only", "write"],
                _ => continue,
            };
            self.slot(|| Offer::keywords(after))?;
            self.keyword(after)?;
        }
    }

    /// A file's path: quoted, or up to whitespace or a comment.
    fn file_path(&mut self) -> Step {
        self.slot(Offer::default)?;
        if self.rest().starts_with(['"', '\'']) {
            return self.value();
        }
        let rest = self.rest();
        self.pos += rest.find(|c: char| c.is_whitespace() || "#;\"'".contains(c)).unwrap_or(rest.len());
        Some(())
    }

    /// The model name after a command word.
    fn model(&mut self) -> Step<Option<&'c Table>> {
        self.slot(|| Offer { models: true, hint: Some(Hint::Model), ..Offer::default() })?;
        let (start, mut name, _) = self.name()?;
        // `sales.Order`: a model named with its schema (PostgreSQL's).
        if self.rest().starts_with('.') {
            self.pos += 1;
            let (_, model, _) = self.name()?;
            name = format!("{name}.{model}");
        }
        let table = self.catalog.find_model(&name);
        // A table not read yet (a big schema is read in the background) is still a model.
        let known = table.is_some() || self.catalog.table_name_for(&name).is_some();
        self.mark(start, if known { Class::Model } else { Class::UnknownModel });
        Some(table)
    }
}

/// Where the `to FILE [force]` that ends an `export` starts, looking from `from` on: the
/// last whole word `to` after which come only a path, `force` perhaps, and a comment.
fn export_destination(src: &str, from: usize) -> Option<usize> {
    let mut found = None;
    for (at, _) in src[from..].match_indices(['t', 'T']) {
        let at = from + at;
        let after = &src[at..];
        let before_ok = src[..at].ends_with(char::is_whitespace);
        if !before_ok || !after.get(..2).is_some_and(|w| w.eq_ignore_ascii_case("to")) {
            continue;
        }
        let rest = &after[2..];
        let path = rest.trim_start();
        if path.len() == rest.len() || path.is_empty() {
            continue;
        }
        let end = match path.chars().next() {
            Some(quote @ ('"' | '\'')) => match path[1..].find(quote) {
                Some(close) => close + 2,
                None => continue,
            },
            _ => path.find(|c: char| c.is_whitespace() || "#;\"'".contains(c)).unwrap_or(path.len()),
        };
        let tail = path[end..].trim_start();
        let tail = skip_format_option(tail);
        let tail = match tail.get(..5) {
            Some(w) if w.eq_ignore_ascii_case("force") && !tail[5..].starts_with(is_word_char) => {
                tail[5..].trim_start()
            }
            _ => tail,
        };
        if tail.is_empty() || tail.starts_with('#') {
            found = Some(at);
        }
    }
    found
}

/// `tail` after a `format NAME` (or `--format NAME`) that starts it, as the parser takes one.
fn skip_format_option(tail: &str) -> &str {
    let option = tail.strip_prefix("--").unwrap_or(tail);
    let Some(after) = option.get(..6).filter(|w| w.eq_ignore_ascii_case("format")).map(|_| &option[6..]) else {
        return tail;
    };
    let name = after.trim_start();
    let len = ident_len(name);
    if name.len() == after.len() || !Format::NAMES.iter().any(|f| f.eq_ignore_ascii_case(&name[..len])) {
        return tail;
    }
    name[len..].trim_start()
}

/// The walk follows the parser's grammar to its end: every example of `grammar/ormsh.ebnf`,
/// which the parser takes whole, is walked whole, without the walk stopping early.
#[cfg(test)]
#[test]
fn every_grammar_example_is_walked_to_its_end() {
    let grammar = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/ormsh.ebnf"));
    let catalog = Catalog::default();
    let mut walked = 0;
    for line in grammar.lines() {
        let Some(example) = line.trim().strip_prefix("(* example:").and_then(|e| e.strip_suffix("*)")) else {
            continue;
        };
        let example = example.trim();
        let mut walker = Walker::new(example, &catalog, false);
        let finished = walker.statement().is_some();
        let rest = example[walker.pos..].trim();
        assert!(finished || rest.is_empty(), "the walk stopped in {example:?} before {rest:?}");
        assert!(rest.is_empty() || rest.starts_with('#'), "the walk stopped in {example:?} before {rest:?}");
        walked += 1;
    }
    assert!(walked > 50, "only {walked} examples");
}
