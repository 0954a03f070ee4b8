//! Cutting a script, or what was typed at the prompt, into statements.
//!
//! One command per line; `;` separates several on a line; `#` starts a comment to the end of the
//! line; a line ending in `\` continues on the next one. Quotes (`"`, `'`, or a backtick) take
//! backslash escapes (not backticks, where a doubled backtick stands for one, which the scan
//! handles on its own).
//!
//! A line that leaves a `{` or `(` or a quote open continues on the next one only while the
//! statement so far is *incomplete* rather than *invalid* (Python's `codeop` draws the same
//! line): what is open is closed (the quote, then the brackets innermost first, on a line of
//! their own so that a comment cannot swallow them) and the result parsed. If it parses, or its
//! first error is at or after the end of what was typed (at the closers), more text may still
//! make a statement of it, and the next line is part of it; if the error is before that end, no
//! text after it can help, and the statement ends at this newline, so that a stray `(` or `'`
//! never swallows the lines after it.
//!
//! In `sql` text a PostgreSQL dollar quote (`$$ … $$`, `$body$ … $body$`) is a quote too: the
//! `;` and newlines of a function's body or a `DO` block are inside it.
//!
//! The word after `connect` (a URL) and `source` (a file name) is taken as it is: a `[`, `(` or a
//! quote inside a password, an IPv6 host or a file name never continues the line. `[` is no
//! bracket at all: the language has none, and in a bare word it is a character like any other.

use crate::ast::Span;
use crate::error::Error;

/// One statement: a byte range `start..end` into the source. The text is raw (comments and line
/// continuations included, whitespace around it trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
}

impl Piece {
    /// The statement's text.
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        &source[self.start..self.end]
    }

    /// The range as a span, to shift statement-relative spans by `start`.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// Splits `source` into statements, dropping those that are only whitespace and comments.
pub fn split_statements(source: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut keep = |start: usize, end: usize| {
        let raw = &source[start..end];
        let trimmed = raw.trim_start();
        let start = start + (raw.len() - trimmed.len());
        let end = start + trimmed.trim_end().len();
        if !super::lexical::skip_ws(&source[start..end]).is_empty() {
            pieces.push(Piece { start, end });
        }
    };
    let mut scan = Scan::new(source);
    let mut start = 0;
    loop {
        match scan.statement(start, true) {
            Stop::Separator(at) => {
                keep(start, at);
                start = at + 1;
            }
            Stop::End => {
                keep(start, source.len());
                return pieces;
            }
        }
    }
}

/// Whether `source` stops in the middle of a statement: right after a line-continuing `\`, or
/// inside a bracket or a quote while the statement so far is incomplete rather than invalid (see
/// the module's documentation). The line editor then asks for another line; an invalid statement
/// is sent as it is, to get its error at once.
pub fn is_incomplete(source: &str) -> bool {
    still_open(source).is_some()
}

/// What keeps `source` from being complete (see [`is_incomplete`]), as the continuation prompt
/// shows it, psql's way: the quote or bracket open innermost (`'`, `"`, `` ` ``, `{`, `(`), or `-`
/// after a line-continuing `\`. `None` when the source is complete (or invalid).
pub fn still_open(source: &str) -> Option<char> {
    let mut scan = Scan::new(source);
    let mut start = 0;
    loop {
        match scan.statement(start, true) {
            Stop::Separator(at) => start = at + 1,
            Stop::End => {
                if scan.continued {
                    return Some('-');
                }
                if !scan.is_open() || scan.end_verdict != Some(Verdict::Incomplete) {
                    return None;
                }
                if scan.dollar.is_some() {
                    return Some('$');
                }
                return match (scan.quote, scan.brackets.last()) {
                    (Some((quote, _)), _) => Some(char::from(quote)),
                    (None, Some(&(bracket, _))) => Some(char::from(bracket)),
                    (None, None) => None,
                };
            }
        }
    }
}

/// Whether the last statement of `source` is `sql` text: at the prompt it goes on over lines
/// until a `;` or an empty line (see [`is_incomplete`] for the other ways to go on).
pub fn ends_in_sql(source: &str) -> bool {
    let last = split_statements(source).last().map_or("", |piece| piece.text(source));
    // A `;` that ended the text left no statement after it: the last piece is an earlier one.
    if source.trim_end().ends_with(';') {
        return false;
    }
    let word_end = last.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(last.len());
    last[..word_end].eq_ignore_ascii_case("sql")
}

/// The error for `text`, one statement, when it ends inside a quote or bracket that more text
/// could still have closed: it names where that quote or bracket (the innermost) was opened.
/// `None` when nothing is open at its end, or when the statement is wrong before that (then the
/// parser's own error says more).
pub(super) fn never_closed(text: &str) -> Option<Error> {
    let mut scan = Scan::new(text);
    if scan.statement(0, false) != Stop::End || !scan.is_open() {
        return None;
    }
    if scan.verdict(0, text.len()) != Verdict::Incomplete {
        return None;
    }
    // Everything after the opener went into it: say so when that is more than its own line.
    let swallowed = |at: usize| text[at..].contains('\n');
    if let Some((at, tag)) = scan.dollar {
        let quote = &text[at..at + tag];
        return Some(
            Error::syntax("unterminated dollar-quoted string", Span::new(at, at + tag))
                .with_label("this dollar quote is never closed")
                .with_help(rest_inside(&format!("close it with {quote}"), swallowed(at))),
        );
    }
    let error = match scan.quote {
        Some((b'`', at)) => Error::syntax("unterminated quoted name", Span::new(at, at + 1))
            .with_label("this backtick is never closed")
            .with_help(rest_inside("close the name with a backtick", swallowed(at))),
        Some((quote, at)) => Error::syntax("unterminated string", Span::new(at, at + 1))
            .with_label("this quote is never closed")
            .with_help(rest_inside(&format!("close it with {}", char::from(quote)), swallowed(at))),
        None => {
            let &(bracket, at) = scan.brackets.last()?;
            Error::syntax(format!("`{}` is never closed", char::from(bracket)), Span::new(at, at + 1))
                .with_label("opened here")
                .with_help(rest_inside(&format!("close it with `{}`", char::from(closer(bracket))), swallowed(at)))
        }
    };
    Some(error)
}

fn rest_inside(help: &str, swallowed: bool) -> String {
    if swallowed {
        format!("{help}; every line after it, to the end of the input, is inside it")
    } else {
        help.to_string()
    }
}

/// Where the scan of one statement stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At the `;` or newline at this offset, which ends the statement.
    Separator(usize),
    /// At the end of the source.
    End,
}

/// What the statement so far can still become.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Valid, or wrong only where more text would go: it may go on.
    Incomplete,
    /// Wrong at this offset (into the statement), before the end of what was typed.
    Invalid(usize),
}

/// A newline inside an open bracket or quote is checked while the checks of the statement have
/// parsed at most this many times its length, plus [`CHECK_ALLOWANCE`] bytes.
///
/// Each check parses the whole statement so far, so checking every line of a statement that
/// stays open for n lines would cost n²/2 lines of parsing (a generated `in (…)` list of 100 000
/// lines, or a stray quote in `sql` at the top of a long script). With the budget, the first
/// hundred or so lines of any statement are each checked, and after that checks come at lines
/// spaced in proportion to the statement's length: parsing costs at most about nine times the
/// statement's length. A newline that was not checked is kept; when a later check (or the one at
/// the statement's end) finds an error, the statement ends at the first of them after the error,
/// which is where checking every line would have ended it, as the parser reads left to right and
/// stops at the first thing that cannot be right.
const CHECK_FACTOR: usize = 8;
const CHECK_ALLOWANCE: usize = 64 * 1024;

/// The bytes the scan acts on outside quotes.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let specials = *b"\"'`#\\({)};\n$";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] = true;
        i += 1;
    }
    table
};

/// The bracket that closes `open`.
fn closer(open: u8) -> u8 {
    if open == b'{' { b'}' } else { b')' }
}

/// The scan of a source, one statement at a time, and what is open where it stopped.
struct Scan<'s> {
    source: &'s str,
    /// The brackets open, innermost last: the bracket and its offset.
    brackets: Vec<(u8, usize)>,
    /// The quote open, and its offset.
    quote: Option<(u8, usize)>,
    /// The dollar quote open in `sql` text (one never closed: its offset and its tag's length,
    /// `$$` or `$body$`).
    dollar: Option<(usize, usize)>,
    /// Inside a quote, the source ends right after a `\` (whose escape is yet to be typed).
    escaped: bool,
    /// The source ends right after a line-continuing `\`.
    continued: bool,
    /// Newlines inside the statement that were not checked (the budget was spent).
    unchecked: Vec<usize>,
    /// Bytes parsed by the checks of this statement.
    spent: usize,
    /// The verdict on the statement at the end of the source, if it was checked there.
    end_verdict: Option<Verdict>,
    /// The statement so far with what is open closed, for a check (kept to reuse its memory).
    closed: String,
    /// Whether checks keep to their budget (tests turn it off, to compare with every line checked).
    budgeted: bool,
}

impl<'s> Scan<'s> {
    fn new(source: &'s str) -> Scan<'s> {
        Scan {
            source,
            brackets: Vec::new(),
            quote: None,
            dollar: None,
            escaped: false,
            continued: false,
            unchecked: Vec::new(),
            spent: 0,
            end_verdict: None,
            closed: String::new(),
            budgeted: true,
        }
    }

    fn is_open(&self) -> bool {
        self.quote.is_some() || self.dollar.is_some() || !self.brackets.is_empty()
    }

    /// Scans the statement that starts at `start`, up to the separator that ends it or the end of
    /// the source. With `check`, a newline inside a bracket or quote ends the statement when what
    /// comes before is invalid (and the end of the source is checked too); without, it never
    /// does.
    fn statement(&mut self, start: usize, check: bool) -> Stop {
        self.brackets.clear();
        self.quote = None;
        self.dollar = None;
        self.escaped = false;
        self.continued = false;
        self.unchecked.clear();
        self.spent = 0;
        self.end_verdict = None;
        // Every character that matters here is ASCII, and no byte of a multi-byte UTF-8 character
        // is, so the scan walks bytes: each offset it reports is a char boundary.
        let bytes = self.source.as_bytes();
        let mut pos = verbatim_word_end(self.source, start);
        let sql = is_sql(self.source, start);
        while pos < bytes.len() {
            // Ordinary bytes, most of the text, are passed over in a tight loop.
            if self.quote.is_none() {
                let from = pos;
                while pos < bytes.len() && !SPECIAL[usize::from(bytes[pos])] {
                    pos += 1;
                }
                if pos > from {
                    self.continued = false;
                }
                if pos == bytes.len() {
                    break;
                }
            }
            let at = pos;
            let c = bytes[pos];
            pos += 1;
            self.continued = false;
            if let Some((q, _)) = self.quote {
                if c == q {
                    self.quote = None;
                } else if c == b'\\' && q != b'`' {
                    // The escaped character; `\` and a line ending join the lines.
                    match &bytes[pos..] {
                        [] => self.escaped = true,
                        [b'\r', b'\n', ..] => pos += 2,
                        _ => pos += 1,
                    }
                } else if c == b'\n'
                    && check
                    && let Some(end) = self.newline(start, at)
                {
                    return Stop::Separator(end);
                }
                continue;
            }
            match c {
                b'"' | b'\'' | b'`' => self.quote = Some((c, at)),
                // The comment runs up to the newline, which is then seen as usual.
                b'#' => pos = self.source[at..].find('\n').map_or(bytes.len(), |n| at + n),
                b'\\' => {
                    let after = &bytes[pos..];
                    self.continued = matches!(after, b"" | b"\n" | b"\r\n" | b"\r");
                    if after.starts_with(b"\n") {
                        pos += 1;
                    } else if after.starts_with(b"\r\n") {
                        pos += 2;
                    }
                }
                b'$' if sql => {
                    if let Some(tag) = dollar_tag(bytes, at) {
                        let body = at + tag;
                        match self.source[body..].find(&self.source[at..body]) {
                            Some(n) => pos = body + n + tag,
                            None => {
                                self.dollar = Some((at, tag));
                                pos = bytes.len();
                            }
                        }
                    }
                }
                b'(' | b'{' => self.brackets.push((c, at)),
                b')' | b'}' => {
                    self.brackets.pop();
                }
                b';' | b'\n' if self.brackets.is_empty() => return Stop::Separator(self.ended(start, at)),
                b'\n' => {
                    if check && let Some(end) = self.newline(start, at) {
                        return Stop::Separator(end);
                    }
                }
                _ => {}
            }
        }
        if check && (self.is_open() || !self.unchecked.is_empty()) {
            let verdict = self.verdict(start, bytes.len());
            if let Verdict::Invalid(error) = verdict
                && let Some(end) = self.first_unchecked_after(start + error)
            {
                return Stop::Separator(end);
            }
            self.end_verdict = Some(verdict);
        }
        Stop::End
    }

    /// At the newline at `at`, inside a bracket or quote: where the statement ends if it ends
    /// here (or at an earlier newline that was not checked), or `None` if it goes on.
    fn newline(&mut self, start: usize, at: usize) -> Option<usize> {
        let len = at - start;
        if self.budgeted && self.spent + len > CHECK_FACTOR * len + CHECK_ALLOWANCE {
            self.unchecked.push(at);
            return None;
        }
        self.spent += len;
        match self.verdict(start, at) {
            Verdict::Incomplete => {
                self.unchecked.clear();
                None
            }
            Verdict::Invalid(error) => Some(self.first_unchecked_after(start + error).unwrap_or(at)),
        }
    }

    /// The statement ends at the separator at `at`, with nothing open; or earlier, at a newline
    /// that was not checked, if the statement is wrong before it.
    fn ended(&mut self, start: usize, at: usize) -> usize {
        if self.unchecked.is_empty() {
            return at;
        }
        match self.verdict(start, at) {
            Verdict::Invalid(error) => self.first_unchecked_after(start + error).unwrap_or(at),
            Verdict::Incomplete => at,
        }
    }

    fn first_unchecked_after(&self, offset: usize) -> Option<usize> {
        self.unchecked.iter().copied().find(|&newline| newline >= offset)
    }

    /// Closes what is open after `start..end` (the statement so far) and parses it: see the
    /// module's documentation.
    fn verdict(&mut self, start: usize, end: usize) -> Verdict {
        let typed = &self.source[start..end];
        let closed = &mut self.closed;
        closed.clear();
        closed.push_str(typed);
        if let Some((quote, _)) = self.quote {
            if self.escaped {
                // `\` and a newline join the lines: the quote itself is closed after them.
                closed.push('\n');
            }
            closed.push(char::from(quote));
        }
        if let Some((at, tag)) = self.dollar {
            closed.push_str(&self.source[at..at + tag]);
        }
        if !self.brackets.is_empty() {
            // On a line of their own: the last line may end in a comment.
            closed.push('\n');
            closed.extend(self.brackets.iter().rev().map(|&(open, _)| char::from(closer(open))));
        }
        match super::parse_text(closed) {
            Ok(_) => Verdict::Incomplete,
            Err(error) => match error.span {
                Some(span) if span.start >= typed.len() => Verdict::Incomplete,
                Some(span) => Verdict::Invalid(span.start),
                None => Verdict::Invalid(typed.len().saturating_sub(1)),
            },
        }
    }
}

/// Whether the statement at `start` is `sql` text.
fn is_sql(source: &str, start: usize) -> bool {
    let text = source[start..].trim_start_matches([' ', '\t', '\r', '\n']);
    text.get(..3).is_some_and(|word| word.eq_ignore_ascii_case("sql"))
        && text[3..].chars().next().is_none_or(char::is_whitespace)
}

/// The length of the PostgreSQL dollar quote that opens at `at` (`$$`, `$body$`), if one does:
/// its tag is a name's characters, not after a name's character (`a$b$` is a name), and does
/// not start with a digit (`$1` is a parameter).
fn dollar_tag(bytes: &[u8], at: usize) -> Option<usize> {
    let name_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
    if at > 0 && (name_char(bytes[at - 1]) || bytes[at - 1] == b'$') {
        return None;
    }
    let rest = &bytes[at + 1..];
    if rest.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let tag = rest.iter().take_while(|&&b| name_char(b)).count();
    (rest.get(tag) == Some(&b'$')).then_some(tag + 2)
}

/// Where the word after `connect` or `source` at the start of the statement at `start` ends (the
/// scan goes on from there), or `start` if the statement is neither or the word is quoted. The
/// word is what the parser takes as it is: a URL runs up to a comment or the end of the line, a
/// file name up to whitespace, a comment or a quote. A `\` that ends the line still continues it.
fn verbatim_word_end(source: &str, start: usize) -> usize {
    let bytes = source.as_bytes();
    let blanks = |from: usize| from + bytes[from..].iter().take_while(|&&b| b == b' ' || b == b'\t').count();
    let at = blanks(start);
    // Most statements are neither: one byte tells.
    if !matches!(bytes.get(at), Some(b'c' | b'C' | b's' | b'S')) {
        return start;
    }
    let word = bytes[at..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let command = &source[at..at + word];
    let url = command.eq_ignore_ascii_case("connect");
    if !url && !command.eq_ignore_ascii_case("source") {
        return start;
    }
    let after = at + word;
    let from = blanks(after);
    if from == after || matches!(bytes.get(from), None | Some(b'"' | b'\'')) {
        return start;
    }
    let mut end = from;
    while let Some(&b) = bytes.get(end) {
        let stops =
            if url { matches!(b, b'\n' | b';' | b'#') } else { b.is_ascii_whitespace() || b"#;\"'".contains(&b) };
        let continues = b == b'\\' && matches!(&bytes[end + 1..], [b'\n', ..] | [b'\r', b'\n', ..]);
        if stops || continues {
            break;
        }
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dollar_quote_in_sql_text_holds_its_semicolons_and_newlines() {
        let source = "sql DO $$ BEGIN PERFORM 1; END $$; count User\n\
            sql CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql\n\
            sql select $1, a$b$c; count X";
        assert_eq!(
            texts(source),
            [
                "sql DO $$ BEGIN PERFORM 1; END $$",
                "count User",
                "sql CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  RETURN 1;\nEND;\n$body$ LANGUAGE plpgsql",
                "sql select $1, a$b$c",
                "count X",
            ]
        );
        // Outside `sql` text a `$` is a character like any other.
        assert_eq!(texts("add Note body=$$x; count Note"), ["add Note body=$$x", "count Note"]);
        // One never closed goes on at the prompt, and is named as psql's prompt names it.
        assert!(is_incomplete("sql DO $$ BEGIN PERFORM 1;"));
        assert_eq!(still_open("sql DO $fn$ BEGIN\n"), Some('$'));
        assert!(!is_incomplete("sql DO $$ BEGIN PERFORM 1; END $$"));
        let error = never_closed("sql select $q$abc").expect("an error");
        assert_eq!(error.message, "unterminated dollar-quoted string");
        assert_eq!(error.span, Some(Span::new(11, 14)));
    }

    #[test]
    fn says_what_is_still_open() {
        assert_eq!(still_open("model T {"), Some('{'));
        assert_eq!(still_open("model T {\n a: int,"), Some('{'));
        assert_eq!(still_open("add T a='two"), Some('\''));
        assert_eq!(still_open("add T a=\"two"), Some('"'));
        assert_eq!(still_open("query T where (a = 1"), Some('('));
        assert_eq!(still_open("query T \\"), Some('-'));
        assert_eq!(still_open("query T"), None);
        // A stray quote that can never be closed into a statement is not waited for.
        assert_eq!(still_open("add T a=John's"), None);
    }

    #[test]
    fn knows_when_sql_text_goes_on() {
        assert!(ends_in_sql("sql select a"));
        assert!(ends_in_sql("models; SQL select a \\\nfrom t"));
        assert!(!ends_in_sql("sql select a;"));
        assert!(!ends_in_sql("sql select a; "));
        assert!(!ends_in_sql("query T"));
        assert!(!ends_in_sql("sqlite"));
        assert!(!ends_in_sql("sql select 1\nquery T"));
    }

    fn texts(source: &str) -> Vec<&str> {
        split_statements(source).iter().map(|p| p.text(source)).collect()
    }

    #[test]
    fn splits_statements() {
        let table: &[(&str, &[&str])] = &[
            ("", &[]),
            ("models", &["models"]),
            ("models\ncount User\n", &["models", "count User"]),
            ("models; count User", &["models", "count User"]),
            (";;\n  ;\n\n", &[]),
            ("# only a comment\n\n   # another", &[]),
            ("  models   # trailing ; comment\n", &["models   # trailing ; comment"]),
            (
                "model User {\n  name: text\n  age: int?\n}\nmodels",
                &["model User {\n  name: text\n  age: int?\n}", "models"],
            ),
            (
                "model User { # fields (\n  name: text, age: int\n}",
                &["model User { # fields (\n  name: text, age: int\n}"],
            ),
            ("add User a=\"x;y\"; models", &["add User a=\"x;y\"", "models"]),
            ("add User a='x # y'  # real comment\nmodels", &["add User a='x # y'  # real comment", "models"]),
            ("add User a=\"say \\\"hi\\\"; ok\"; models", &["add User a=\"say \\\"hi\\\"; ok\"", "models"]),
            ("query User \\\n  where a=1\nmodels", &["query User \\\n  where a=1", "models"]),
            ("query User \\\r\n  where a=1\r\nmodels\r\n", &["query User \\\r\n  where a=1", "models"]),
            ("add User bio='line1\nline2'\nmodels", &["add User bio='line1\nline2'", "models"]),
            ("query User where (a=1,\n b=2)\nmodels", &["query User where (a=1,", "b=2)", "models"]),
            ("sql select (1;\n 2); models", &["sql select (1;\n 2)", "models"]),
            ("sql select ';' ; models", &["sql select ';'", "models"]),
            ("add `a;b`=1; models", &["add `a;b`=1", "models"]),
            ("models # comment \\\ncount User", &["models # comment \\", "count User"]),
            ("model User {\n  a: int", &["model User {\n  a: int"]),
            ("models ) ; count User", &["models )", "count User"]),
            ("\\q", &["\\q"]),
            ("add U x=é😀; y", &["add U x=é😀", "y"]),
        ];
        for (source, expected) in table {
            assert_eq!(texts(source), *expected, "source: {source:?}");
        }
    }

    /// A newline inside a bracket or quote continues the statement only while it is incomplete.
    #[test]
    fn an_open_bracket_or_quote_continues_only_what_can_still_be_valid() {
        let table: &[(&str, &[&str])] = &[
            // Incomplete: the line goes on.
            ("model User {\n name: text\n}", &["model User {\n name: text\n}"]),
            ("model User {\n\n name: text,\n\n}\nmodels", &["model User {\n\n name: text,\n\n}", "models"]),
            ("add User bio='line1\nline2'", &["add User bio='line1\nline2'"]),
            ("add User bio=\"a\n\nb\" age=3\nmodels", &["add User bio=\"a\n\nb\" age=3", "models"]),
            ("query User where (a=1\n or b=2)", &["query User where (a=1\n or b=2)"]),
            (
                "query User where ((a=1\n or b=2)\n and c=3)\nmodels",
                &["query User where ((a=1\n or b=2)\n and c=3)", "models"],
            ),
            ("query User where id in (1,\n 2,\n)\nmodels", &["query User where id in (1,\n 2,\n)", "models"]),
            ("sql select '\n'", &["sql select '\n'"]),
            ("sql select (1\n + 2); models", &["sql select (1\n + 2)", "models"]),
            ("add `odd\nname`=1\nmodels", &["add `odd\nname`=1", "models"]),
            // CRLF.
            ("model User {\r\n name: text\r\n}\r\nmodels\r\n", &["model User {\r\n name: text\r\n}", "models"]),
            ("add User bio='a\r\nb'\r\nmodels", &["add User bio='a\r\nb'", "models"]),
            // A comment with brackets and quotes in it, inside an open bracket.
            (
                "model User { # a ) or a ' (\n name: text # (\n}\nmodels",
                &["model User { # a ) or a ' (\n name: text # (\n}", "models"],
            ),
            ("query User where (a=1 # and {\n or b=2)\nmodels", &["query User where (a=1 # and {\n or b=2)", "models"]),
            // A line continuation, inside a bracket and inside a string.
            ("query User where (a=1 \\\n or b=2)\nmodels", &["query User where (a=1 \\\n or b=2)", "models"]),
            ("add User bio='a\\\nb'\nmodels", &["add User bio='a\\\nb'", "models"]),
            ("add User bio='a\\\r\nb'\r\nmodels", &["add User bio='a\\\r\nb'", "models"]),
            // A quote inside brackets, closed on a later line.
            (
                "query User where (name='x\n y' or (a=1\n))\nmodels",
                &["query User where (name='x\n y' or (a=1\n))", "models"],
            ),
            // The quoted forms of `connect` and `source` are strings like any other.
            ("connect \"sqlite:a\nb.db\"\nmodels", &["connect \"sqlite:a\nb.db\"", "models"]),
            ("source 'my\nfile.orm'\nmodels", &["source 'my\nfile.orm'", "models"]),
            // Invalid: the statement ends at its line, and the next lines are statements of their own.
            ("add User name=John ag(e=3\nmodels", &["add User name=John ag(e=3", "models"]),
            ("add User name=John ag(e=3\r\nmodels\r\n", &["add User name=John ag(e=3", "models"]),
            ("add User title=John's\ncount User", &["add User title=John's", "count User"]),
            ("add User title=John's\r\ncount User\r\n", &["add User title=John's", "count User"]),
            ("models (\ncount User", &["models (", "count User"]),
            ("models 'x\ncount User", &["models 'x", "count User"]),
            ("count User where {\ncount User", &["count User where {", "count User"]),
            ("add User bio='a\\q\nmodels'", &["add User bio='a\\q", "models'"]),
            ("model User {\n name: text\n age int\n}\nmodels", &["model User {\n name: text\n age int", "}", "models"]),
            // Nested brackets with a stray quote.
            (
                "query User where (a=1 and (b=2 or c=it's\n d=1))\nmodels",
                &["query User where (a=1 and (b=2 or c=it's", "d=1))", "models"],
            ),
            ("query User where ((a='x' and it's)\n)\nmodels", &["query User where ((a='x' and it's)", ")", "models"]),
            // A comment cannot hide a stray bracket that came before it.
            ("add User name=John ag(e=3 # (\nmodels", &["add User name=John ag(e=3 # (", "models"]),
            // A statement can only be seen to be invalid once a line shows it: the line after an
            // open `(` is part of the statement that the `(` opened.
            ("query User where (a=1\nadd User name=x\nmodels", &["query User where (a=1\nadd User name=x", "models"]),
            // An explicit `\` still continues the line, whatever is open.
            ("add User name=John ag(e=3 \\\nmodels", &["add User name=John ag(e=3 \\\nmodels"]),
            // `[` is a character of a bare word, not a bracket.
            ("add User tags=[a,\nmodels", &["add User tags=[a,", "models"]),
            ("add User note=a[1]; models", &["add User note=a[1]", "models"]),
            // The word after `connect` and `source` is taken as it is.
            (
                "connect postgres://me:p[ss@[::1]:5432/db\nmodels",
                &["connect postgres://me:p[ss@[::1]:5432/db", "models"],
            ),
            ("connect postgres://me:it's(@h/db\nmodels", &["connect postgres://me:it's(@h/db", "models"]),
            ("CONNECT  mysql://me:{x\"@h/db # (\nmodels", &["CONNECT  mysql://me:{x\"@h/db # (", "models"]),
            ("connect sqlite:x.db; models", &["connect sqlite:x.db", "models"]),
            ("source a(b{.orm\nmodels", &["source a(b{.orm", "models"]),
            ("source a.orm (\nmodels", &["source a.orm (", "models"]),
            ("connected (\nmodels", &["connected (", "models"]),
        ];
        for (source, expected) in table {
            assert_eq!(texts(source), *expected, "source: {source:?}");
        }
    }

    #[test]
    fn pieces_are_byte_ranges_into_the_source() {
        let source = "  models ;\n\n  count User  ";
        let pieces = split_statements(source);
        assert_eq!(pieces, vec![Piece { start: 2, end: 8 }, Piece { start: 14, end: 24 }]);
        assert_eq!(pieces[1].span(), Span::new(14, 24));
    }

    #[test]
    fn knows_incomplete_input() {
        let table: &[(&str, bool)] = &[
            ("", false),
            ("models", false),
            ("model User {", true),
            ("model User {\n  name: text", true),
            ("model User {\r\n  name: text\r\n", true),
            ("model User { # (", true),
            ("model User { name: text }", false),
            ("query User where (a=1", true),
            ("query User where (a=1 and", true),
            ("query User where ((a=1) or (b=2", true),
            ("query User where (a=1)", false),
            ("query User where id in (1,", true),
            ("add User a=\"x", true),
            ("add User a=\"x\\\"", true),
            ("add User a='it\\'s", true),
            ("add User a='it\\'s'", false),
            ("add User a='abc\\", true),
            ("add `odd", true),
            ("sql select '", true),
            ("sql select (1", true),
            ("query User \\", true),
            ("query User \\\n", true),
            ("query User \\\r\n", true),
            ("query User \\\n where a=1", false),
            ("models # comment \\", false),
            ("models # open { (", false),
            ("\\q", false),
            ("models)", false),
            // What is typed so far cannot become valid: it is sent, to get its error.
            ("add User title=John's", false),
            ("add User title=John's\ncount User", false),
            ("add User name=John ag(e=3", false),
            ("query User where (a=1 b", false),
            ("models (", false),
            ("models 'x", false),
            ("add User bio='a\\q", false),
            ("connect postgres://me:p[ss@h/db", false),
            ("connect postgres://me:p(ss@h/db", false),
            ("connect postgres://me:it's@h/db", false),
            ("connect 'sqlite:x", true),
            ("source a(b.orm", false),
            // The last statement counts.
            ("models (\nmodel User {", true),
            ("model User {\n name: text\n}\nadd User name=it's", false),
        ];
        for (source, expected) in table {
            assert_eq!(is_incomplete(source), *expected, "source: {source:?}");
        }
    }

    #[test]
    fn a_statement_that_ends_inside_an_open_quote_or_bracket_names_it() {
        // (text, message, where the caret is, help)
        let table: &[(&str, &str, usize, &str)] = &[
            ("add User bio='abc", "unterminated string", 13, "close it with '"),
            ("add User bio=\"abc\\", "unterminated string", 13, "close it with \""),
            (
                "add User bio='abc\nmodels\ncount User",
                "unterminated string",
                13,
                "close it with '; every line after it, to the end of the input, is inside it",
            ),
            ("add `odd", "unterminated quoted name", 4, "close the name with a backtick"),
            ("model User {", "`{` is never closed", 11, "close it with `}`"),
            (
                "model User {\n  name: text\n",
                "`{` is never closed",
                11,
                "close it with `}`; every line after it, to the end of the input, is inside it",
            ),
            ("query User where (a=1 or (b=2)", "`(` is never closed", 17, "close it with `)`"),
            ("query User where (a=1 or (b=2", "`(` is never closed", 25, "close it with `)`"),
            ("query User where (name='x", "unterminated string", 23, "close it with '"),
            ("sql select 'abc", "unterminated string", 11, "close it with '"),
            ("explain sql select (1", "`(` is never closed", 19, "close it with `)`"),
        ];
        for (text, message, at, help) in table {
            let error = never_closed(text).unwrap_or_else(|| panic!("{text:?}: nothing is never closed"));
            assert_eq!(error.message, *message, "{text:?}");
            assert_eq!(error.span, Some(Span::new(*at, at + 1)), "{text:?}");
            assert_eq!(error.help.as_deref(), Some(*help), "{text:?}");
            // And that is what parsing it says.
            assert_eq!(super::super::parse_statement(text).err(), Some(error), "{text:?}");
        }
        // Nothing open, something open after an error, or open inside a comment or a URL.
        for text in [
            "models",
            "sql select '('",
            "add User title=John's",
            "add User name=John ag(e=3",
            "models (",
            "models # (",
            "connect postgres://me:p(ss@h/db",
            "models; model User {",
        ] {
            assert_eq!(never_closed(text), None, "{text:?}");
        }
        let error = super::super::parse_statement("add User title=John's").expect_err("a stray quote");
        assert_eq!(error.message, "unexpected `'s` after the command");
        let error = super::super::parse_statement("add User name=John ag(e=3").expect_err("a stray bracket");
        assert_eq!(
            (error.message.as_str(), error.span),
            ("expected `=` after `ag`, found `(`", Some(Span::new(21, 22)))
        );
    }

    /// Splitting with every newline checked, as the rule says, without the budget.
    fn exact(source: &str) -> Vec<&str> {
        let mut scan = Scan::new(source);
        scan.budgeted = false;
        let mut pieces = Vec::new();
        let mut start = 0;
        loop {
            let (end, last) = match scan.statement(start, true) {
                Stop::Separator(at) => (at, false),
                Stop::End => (source.len(), true),
            };
            let text = source[start..end].trim();
            if !super::super::lexical::skip_ws(text).is_empty() {
                pieces.push(text);
            }
            if last {
                return pieces;
            }
            start = end + 1;
        }
    }

    #[test]
    fn long_open_statements_split_as_if_every_line_were_checked() {
        let list: String = (0..1000).map(|n| format!("{n},\n")).collect();
        let cases = [
            format!("query User where id in ({list})\nmodels"),
            format!("query User where id in ({list}\nmodels"),
            format!("query User where id in ({list}"),
            // An error deep inside: the statement ends at its line, checked or not.
            format!("query User where id in ({list}1 2,\n{list})\nmodels"),
            format!("query User where id in ({list}1 2,\n{list}"),
            format!("query User where id in ({list}x\n)"),
            format!("sql select '{list}'\nmodels"),
            format!("sql select '{list}\nmodels"),
            format!("add User bio='{list}' x\nmodels"),
            format!("add User bio='{list}\\q\n{list}'\nmodels"),
        ];
        for source in &cases {
            let shown: String = source.chars().take(40).collect();
            assert_eq!(texts(source), exact(source), "{shown:?}…");
            assert_eq!(is_incomplete(source), is_incomplete_exact(source), "{shown:?}…");
        }
        // The error deep inside really does end the statement there.
        let pieces = texts(&cases[3]);
        assert_eq!(pieces.len(), 1001 + 2, "{:?}", &pieces[pieces.len() - 3..]);
        assert!(pieces[0].ends_with("998,\n999,\n1 2,"));
    }

    fn is_incomplete_exact(source: &str) -> bool {
        let mut scan = Scan::new(source);
        scan.budgeted = false;
        let mut start = 0;
        loop {
            match scan.statement(start, true) {
                Stop::Separator(at) => start = at + 1,
                Stop::End => {
                    return scan.continued || (scan.is_open() && scan.end_verdict == Some(Verdict::Incomplete));
                }
            }
        }
    }

    #[test]
    fn every_piece_of_a_script_parses() {
        let script = "# a script\nmodel User {\n  name: text,\n  age: int?   # years\n}\n\
                      add User name=John age=30; add User name='Ann \\\n Lee'\n\
                      query User \\\n  where (age > 20\n    or name = John)\ncount User";
        let pieces = split_statements(script);
        assert_eq!(pieces.len(), 5);
        for piece in pieces {
            let text = piece.text(script);
            super::super::parse_statement(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        }
    }
}
