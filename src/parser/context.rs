//! What every rule shares: the statement's text (so that any rest of it is a byte offset), the
//! guards against runaway nesting, and the helpers that turn "this did not match" into an error
//! with a caret.

use std::cell::Cell;

use nom::IResult;
use nom::error::{ErrorKind as NomErrorKind, ParseError};

use super::lexical::is_word_char;
use crate::ast::Span;
use crate::error::Error;

/// How deep parentheses and `not` may nest in a condition. Each level is a few stack frames, so
/// this keeps hostile input from overflowing the stack.
pub(super) const MAX_DEPTH: usize = 64;

/// How many `and`/`or` one statement may chain. A chain becomes a tree as deep as it is long, and
/// everything that walks the tree (drop, clone, SQL generation) recurses. The evaluator refuses
/// a tree deeper than 256 (`session/resolve.rs`), with no position to point at: a chain plus
/// every `not` it may nest must stay below that, so that the parser's error, which points at
/// the `and`/`or` too many, is the one a person sees.
pub(super) const MAX_TERMS: usize = 128;
const _: () = assert!(MAX_TERMS + MAX_DEPTH < 256, "the evaluator refuses conditions deeper than 256");

/// The result of a rule: the rest of the input and what was parsed.
pub(super) type PResult<'a, T> = IResult<&'a str, T, Fail>;

/// Why a rule stopped.
///
/// `nom::Err::Error(Mismatch)` means "not here": the rule did not start, and the caller may try
/// something else or say what it expected. `nom::Err::Failure(Report)` is final.
#[derive(Debug)]
pub(super) enum Fail {
    /// Nothing matched this many bytes before the end of the text.
    Mismatch(usize),
    Report(Box<Error>),
}

impl ParseError<&str> for Fail {
    fn from_error_kind(input: &str, _: NomErrorKind) -> Fail {
        Fail::Mismatch(input.len())
    }

    fn append(_: &str, _: NomErrorKind, other: Fail) -> Fail {
        other
    }
}

/// A final error.
pub(super) fn fail(error: Error) -> nom::Err<Fail> {
    nom::Err::Failure(Fail::Report(Box::new(error)))
}

/// "Not here", at `rest`.
pub(super) fn mismatch(rest: &str) -> nom::Err<Fail> {
    nom::Err::Error(Fail::Mismatch(rest.len()))
}

/// Commits to a rule: when it does not even start, report `error()` instead.
pub(super) fn or_fail<'a, T>(result: PResult<'a, T>, error: impl FnOnce() -> Error) -> PResult<'a, T> {
    match result {
        Err(nom::Err::Error(_)) => Err(fail(error())),
        other => other,
    }
}

/// The parse of one statement.
pub(super) struct Cx<'a> {
    text: &'a str,
    depth: Cell<usize>,
    terms: Cell<usize>,
}

/// Leaves one level of nesting when dropped.
pub(super) struct Nest<'c>(&'c Cell<usize>);

impl Drop for Nest<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get() - 1);
    }
}

impl<'a> Cx<'a> {
    pub(super) fn new(text: &'a str) -> Cx<'a> {
        Cx { text, depth: Cell::new(0), terms: Cell::new(0) }
    }

    /// The byte offset of `rest`, a suffix of the text.
    pub(super) fn pos(&self, rest: &str) -> usize {
        self.text.len() - rest.len()
    }

    /// The text before `rest`, a suffix of the text: a statement of its own, cut short.
    pub(super) fn before(&self, rest: &str) -> &'a str {
        &self.text[..self.pos(rest)]
    }

    /// The span between two suffixes of the text: `from` (the longer) up to `to`.
    pub(super) fn span(&self, from: &str, to: &str) -> Span {
        Span::new(self.pos(from), self.pos(to))
    }

    /// An empty span where `rest` starts.
    pub(super) fn at(&self, rest: &str) -> Span {
        let pos = self.pos(rest);
        Span::new(pos, pos)
    }

    /// The token that `rest` starts with, for "found …": how it is shown and its span.
    pub(super) fn found(&self, rest: &str) -> (String, Span) {
        let len = token_len(rest);
        let shown = if len == 0 { "end of input".to_string() } else { show(&rest[..len]) };
        (shown, Span::new(self.pos(rest), self.pos(rest) + len))
    }

    /// `expected WHAT, found TOKEN`, pointing at the token.
    pub(super) fn expected(&self, what: &str, rest: &str) -> Error {
        let (found, span) = self.found(rest);
        Error::syntax(format!("expected {what}, found {found}"), span)
    }

    /// `unexpected TOKEN after the command`.
    pub(super) fn unexpected_after(&self, rest: &str) -> Error {
        let (found, span) = self.found(rest);
        Error::syntax(format!("unexpected {found} after the command"), span)
    }

    /// Enters one level of nesting (a `(` or a `not` at `rest`).
    pub(super) fn nest(&self, rest: &str) -> Result<Nest<'_>, nom::Err<Fail>> {
        if self.depth.get() >= MAX_DEPTH {
            let (_, span) = self.found(rest);
            return Err(fail(
                Error::syntax(format!("the condition is nested too deeply (more than {MAX_DEPTH} levels)"), span)
                    .with_help("split it, or use `in (…)` instead of many `or`s"),
            ));
        }
        self.depth.set(self.depth.get() + 1);
        Ok(Nest(&self.depth))
    }

    /// Counts one `and`/`or` (at `rest`).
    pub(super) fn term(&self, rest: &str) -> Result<(), nom::Err<Fail>> {
        if self.terms.get() >= MAX_TERMS {
            let (_, span) = self.found(rest);
            return Err(fail(
                Error::syntax(format!("the condition is too long (more than {MAX_TERMS} `and`/`or`)"), span)
                    .with_help("use `in (…)` to compare one field with many values"),
            ));
        }
        self.terms.set(self.terms.get() + 1);
        Ok(())
    }
}

/// The length in bytes of the token `rest` starts with: a quoted string, a two-character
/// operator, a run of word characters, or one character.
fn token_len(rest: &str) -> usize {
    let Some(first) = rest.chars().next() else {
        return 0;
    };
    if first == '"' || first == '\'' {
        let mut escaped = false;
        for (at, c) in rest.char_indices().skip(1) {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == first {
                return at + 1;
            }
        }
        return rest.len();
    }
    if ["<=", ">=", "!=", "<>"].iter().any(|op| rest.starts_with(op)) {
        return 2;
    }
    if is_word_char(first) {
        let word = &rest[..rest.find(|c: char| !is_word_char(c)).unwrap_or(rest.len())];
        // `b:` in `{ a: int b: text }` is the name `b` and its colon.
        return match word.strip_suffix(':') {
            Some(name) if !name.is_empty() => name.len(),
            _ => word.len(),
        };
    }
    first.len_utf8()
}

/// A token in backticks, shortened, with invisible and control characters escaped. A token with
/// a backtick of its own (a quoted name) goes in double backticks: `` `odd name` ``.
fn show(token: &str) -> String {
    const MAX_CHARS: usize = 32;
    let mut shown = String::new();
    for (n, c) in token.chars().enumerate() {
        if n == MAX_CHARS {
            shown.push('…');
            break;
        }
        match c {
            '"' | '\'' | '\\' => shown.push(c),
            _ => shown.extend(c.escape_debug()),
        }
    }
    if shown.contains('`') { format!("`` {shown} ``") } else { format!("`{shown}`") }
}
