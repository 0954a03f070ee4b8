//! Cutting a script, or what was typed at the prompt, into statements.
//!
//! One command per line; `;` separates several on a line; `#` starts a comment to the end of the
//! line; a line ending in `\`, or with an open `{`, `(` or `[`, or an open quote (`"`, `'`, or
//! a backtick), continues on the next one. Quotes take backslash escapes (not backticks, where a
//! doubled backtick stands for one, which the scan handles on its own).

use crate::ast::Span;

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
    let mut start = 0;
    let mut keep = |start: usize, end: usize| {
        let raw = &source[start..end];
        let trimmed = raw.trim_start();
        let start = start + (raw.len() - trimmed.len());
        let end = start + trimmed.trim_end().len();
        if !super::lexical::skip_ws(&source[start..end]).is_empty() {
            pieces.push(Piece { start, end });
        }
    };
    scan(source, |at| {
        keep(start, at);
        start = at + 1;
    });
    keep(start, source.len());
    pieces
}

/// Whether `source` stops in the middle of a statement: inside a bracket or a quote, or right
/// after a line-continuing `\`. The line editor then asks for another line.
pub fn is_incomplete(source: &str) -> bool {
    let end = scan(source, |_| {});
    end.depth > 0 || end.quote.is_some() || end.continued
}

/// Where the scan stopped.
struct ScanEnd {
    depth: usize,
    quote: Option<char>,
    continued: bool,
}

/// Walks `source`, calling `separator` with the byte offset of every `;` or newline that ends a
/// statement.
fn scan(source: &str, mut separator: impl FnMut(usize)) -> ScanEnd {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut continued = false;
    let mut pos = 0;
    let next_len = |pos: usize| source[pos..].chars().next().map_or(0, char::len_utf8);
    while let Some(c) = source[pos..].chars().next() {
        let at = pos;
        pos += c.len_utf8();
        continued = false;
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == '\\' && q != '`' {
                pos += next_len(pos);
            }
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            // The comment runs up to the newline, which is then seen as usual.
            '#' => pos = source[at..].find('\n').map_or(source.len(), |n| at + n),
            '\\' => {
                let after = &source[pos..];
                continued = matches!(after, "" | "\n" | "\r\n" | "\r");
                if after.starts_with('\n') {
                    pos += 1;
                } else if after.starts_with("\r\n") {
                    pos += 2;
                }
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ';' | '\n' if depth == 0 => separator(at),
            _ => {}
        }
    }
    ScanEnd { depth, quote, continued }
}
