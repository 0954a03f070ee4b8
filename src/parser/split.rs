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

/// The bytes `scan` acts on outside quotes.
static SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let specials = *b"\"'`#\\([{)]};\n";
    let mut i = 0;
    while i < specials.len() {
        table[specials[i] as usize] = true;
        i += 1;
    }
    table
};

/// Walks `source`, calling `separator` with the byte offset of every `;` or newline that ends a
/// statement.
fn scan(source: &str, mut separator: impl FnMut(usize)) -> ScanEnd {
    // Every character that matters here is ASCII, and no byte of a multi-byte UTF-8 character
    // is, so the scan walks bytes: each offset it reports is a char boundary.
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut continued = false;
    let mut pos = 0;
    while pos < bytes.len() {
        // Ordinary bytes, most of the text, are passed over in a tight loop.
        if quote.is_none() {
            while pos < bytes.len() && !SPECIAL[usize::from(bytes[pos])] {
                pos += 1;
                continued = false;
            }
            if pos == bytes.len() {
                break;
            }
        }
        let at = pos;
        let c = bytes[pos];
        pos += 1;
        continued = false;
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == b'\\' && q != b'`' {
                pos += 1;
            }
            continue;
        }
        match c {
            b'"' | b'\'' | b'`' => quote = Some(c),
            // The comment runs up to the newline, which is then seen as usual.
            b'#' => pos = source[at..].find('\n').map_or(bytes.len(), |n| at + n),
            b'\\' => {
                let after = &bytes[pos..];
                continued = matches!(after, b"" | b"\n" | b"\r\n" | b"\r");
                if after.starts_with(b"\n") {
                    pos += 1;
                } else if after.starts_with(b"\r\n") {
                    pos += 2;
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            b';' | b'\n' if depth == 0 => separator(at),
            _ => {}
        }
    }
    ScanEnd { depth, quote: quote.map(char::from), continued }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ("model User { # fields\n  name: text; age: int\n}", &["model User { # fields\n  name: text; age: int\n}"]),
            ("add User a=\"x;y\"; models", &["add User a=\"x;y\"", "models"]),
            ("add User a='x # y'  # real comment\nmodels", &["add User a='x # y'  # real comment", "models"]),
            ("add User a=\"say \\\"hi\\\"; ok\"; models", &["add User a=\"say \\\"hi\\\"; ok\"", "models"]),
            ("query User \\\n  where a=1\nmodels", &["query User \\\n  where a=1", "models"]),
            ("query User \\\r\n  where a=1\r\nmodels\r\n", &["query User \\\r\n  where a=1", "models"]),
            ("add User bio='line1\nline2'\nmodels", &["add User bio='line1\nline2'", "models"]),
            ("query User where (a=1;\n b=2)\nmodels", &["query User where (a=1;\n b=2)", "models"]),
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
            ("model User { name: text }", false),
            ("query User where (a=1", true),
            ("query User where (a=1)", false),
            ("add User a=\"x", true),
            ("add User a=\"x\\\"", true),
            ("add User a='it\\'s", true),
            ("add User a='it\\'s'", false),
            ("add `odd", true),
            ("query User \\", true),
            ("query User \\\n", true),
            ("query User \\\r\n", true),
            ("query User \\\n where a=1", false),
            ("models # comment \\", false),
            ("models # open { (", false),
            ("\\q", false),
            ("models)", false),
        ];
        for (source, expected) in table {
            assert_eq!(is_incomplete(source), *expected, "source: {source:?}");
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
