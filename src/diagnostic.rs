//! Drawing an [`Error`] for a person: the message, where it happened (`origin:line:col`), the
//! source line with a caret under the offending token, and a hint. The one place errors are
//! drawn; codespan-reporting does the layout.
//!
//! ```text
//! error: unknown field `agee`
//!  --> <input>:1:18
//!   |
//! 1 | query User where agee=3
//!   |                  ^^^^ User has no field `agee`
//!   |
//!   = help: did you mean `age`?
//! ```

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::termcolor::Ansi;
use codespan_reporting::term::{self, Chars, Config};

use crate::ast::Span;
use crate::error::Error;
use crate::redact::{Masked, mask_passwords};

/// Draws `err` like rustc: "error: message", then " --> origin:line:col", the source line and a
/// caret under `err.span` with `err.label` beside it, then "help: …" if any.
///
/// `origin` is a file name (or "<input>" at the prompt, "<command>" for -c); `source` is the text
/// the span refers to (spans are byte offsets into it). Without a span: just the message and the
/// help. Spans out of range or off a character boundary are clamped, never a panic. With `color`
/// false the result holds no escape codes.
pub fn render(err: &Error, origin: &str, source: &str, color: bool) -> String {
    render_in(err, &Source::masked(origin, source), color)
}

/// A text that errors are drawn against, with its line index built once (codespan's
/// `SimpleFile` makes the index when it is made): each of many errors in one long script then
/// costs its own lines, not the script's length.
pub struct Source(SimpleFile<String, String>, Masked);

impl Source {
    pub fn new(origin: &str, text: String) -> Source {
        Source(SimpleFile::new(origin.to_string(), text), Masked::default())
    }

    /// The source drawn with its passwords masked; spans into the original are carried over.
    pub fn masked(origin: &str, original: &str) -> Source {
        let mut masked = Masked::new(original);
        let text = std::mem::take(&mut masked.text);
        Source(SimpleFile::new(origin.to_string(), text), masked)
    }

    pub fn text(&self) -> &str {
        self.0.source()
    }

    pub fn origin(&self) -> &str {
        self.0.name()
    }
}

/// [`render`] against a [`Source`] made once for many errors.
pub fn render_in(err: &Error, file: &Source, color: bool) -> String {
    let source = file.text();
    let edits = &file.1;
    let file = &file.0;
    // Whatever a message repeats (a URL it could not use, a token it did not expect) is shown
    // without its password, like the source line.
    let mut diagnostic = Diagnostic::error().with_message(mask_passwords(&err.message));
    if let Some(span) = err.span {
        let span = Span { start: edits.offset(span.start), end: edits.offset(span.end) };
        let range = clamp(span, source);
        let mut label = Label::primary((), range.start..range.end);
        if let Some(text) = &err.label {
            label = label.with_message(mask_passwords(text));
        }
        diagnostic = diagnostic.with_labels(vec![label]);
    }
    let mut notes = Vec::new();
    // The server's own words come first, as psql prints them: DETAIL, then HINT.
    if let Some(server) = &err.server {
        notes.extend(server.detail.iter().map(|detail| format!("detail: {detail}")));
        notes.extend(server.hint.iter().map(|hint| format!("hint: {hint}")));
    }
    notes.extend(err.help.iter().map(|help| format!("help: {}", mask_passwords(help))));
    diagnostic = diagnostic.with_notes(notes);

    let config = Config { chars: Chars::ascii(), ..Config::default() };
    let drawn = if color {
        let mut writer = Ansi::new(Vec::new());
        term::emit_to_write_style(&mut writer, &config, file, &diagnostic)
            .map(|()| String::from_utf8_lossy(&writer.into_inner()).into_owned())
    } else {
        term::emit_into_string(&config, file, &diagnostic)
    };
    // The range is clamped into the source, so codespan has nothing to fail on; should it still,
    // the message alone is better than nothing.
    let mut drawn = drawn.unwrap_or_else(|_| plain(err));
    // codespan ends a diagnostic with a blank line; the caller decides on spacing.
    while drawn.ends_with("\n\n") {
        drawn.pop();
    }
    if err.span.is_some() {
        drawn = rustc_arrow(drawn);
    }
    drawn
}

/// codespan lines the arrow up with the gutter (`  --> file:1:2`); rustc and just start it one
/// column further left (` --> file:1:2`).
fn rustc_arrow(mut drawn: String) -> String {
    let arrow = drawn.match_indices('\n').map(|(i, _)| i + 1).find(|&start| {
        let line = &drawn[start..];
        let mut rest = line.trim_start_matches(' ');
        let indent = line.len() - rest.len();
        // In colour the arrow is preceded by its style's escape sequences.
        while let Some(styled) = rest.strip_prefix("\u{1b}[") {
            rest = styled.split_once('m').map_or("", |(_, after)| after);
        }
        indent >= 2 && rest.starts_with("-->")
    });
    if let Some(start) = arrow {
        drawn.remove(start);
    }
    drawn
}

/// The 1-based line and column (in characters) of a byte offset, for `file:line:col`. An offset
/// past the end or inside a character counts as the nearest boundary before it.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(source, offset);
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn plain(err: &Error) -> String {
    let mut text = format!("error: {}\n", mask_passwords(&err.message));
    if let Some(server) = &err.server {
        for (name, note) in [("detail", &server.detail), ("hint", &server.hint)] {
            if let Some(note) = note {
                text.push_str(&format!("  = {name}: {note}\n"));
            }
        }
    }
    if let Some(help) = &err.help {
        text.push_str(&format!("  = help: {}\n", mask_passwords(help)));
    }
    text
}

/// The span as a byte range that is inside `source` and on character boundaries. An empty span
/// is widened to the character at its start, so that it gets a caret; at the end of the input
/// or of a line there is no character to mark (widened over the newline, the caret would run
/// into the next line), and codespan draws a caret just past the last one.
fn clamp(span: Span, source: &str) -> std::ops::Range<usize> {
    let start = floor_boundary(source, span.start.min(span.end));
    let mut end = ceil_boundary(source, span.end.max(span.start)).max(start);
    if end == start {
        end = source[start..]
            .chars()
            .next()
            .filter(|c| !matches!(c, '\n' | '\r'))
            .map_or(start, |c| start + c.len_utf8());
    }
    start..end
}

fn floor_boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn ceil_boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn mid_line_token() {
        let source = "query User where agee=3";
        let err = Error::at(ErrorKind::Name, "unknown field `agee`", Span::new(17, 21))
            .with_label("User has no field `agee`");
        assert_eq!(
            render(&err, "<input>", source, false),
            "error: unknown field `agee`
 --> <input>:1:18
  |
1 | query User where agee=3
  |                  ^^^^ User has no field `agee`
"
        );
    }

    #[test]
    fn error_on_line_three_of_a_file() {
        let source = "model User { name: text }\nadd User name=John\nadd User age=abc\n";
        let start = source.find("abc").unwrap();
        let err =
            Error::at(ErrorKind::Value, "invalid int `abc`", Span::new(start, start + 3)).with_label("age is int");
        assert_eq!(
            render(&err, "users.orm", source, false),
            "error: invalid int `abc`
 --> users.orm:3:14
  |
3 | add User age=abc
  |              ^^^ age is int
"
        );
    }

    #[test]
    fn end_of_input_still_gets_a_caret() {
        let source = "query User where";
        let err = Error::syntax("expected a condition", Span::new(source.len(), source.len()));
        assert_eq!(
            render(&err, "<command>", source, false),
            "error: expected a condition
 --> <command>:1:17
  |
1 | query User where
  |                 ^
"
        );
    }

    #[test]
    fn end_of_a_line_gets_a_caret_on_that_line() {
        for source in ["describe\ndescribe User extra\n", "describe\r\ndescribe User extra\r\n"] {
            let err = Error::syntax("expected a model name, found end of input", Span::new(8, 8));
            assert_eq!(
                render(&err, "cases.orm", source, false),
                "error: expected a model name, found end of input
 --> cases.orm:1:9
  |
1 | describe
  |         ^
",
                "{source:?}"
            );
        }
    }

    #[test]
    fn empty_span_mid_line_marks_one_character() {
        let source = "add User name=Zoë x";
        let at = source.find('ë').unwrap();
        let err = Error::syntax("unexpected", Span::new(at, at));
        assert_eq!(
            render(&err, "<input>", source, false),
            "error: unexpected
 --> <input>:1:17
  |
1 | add User name=Zoë x
  |                 ^
"
        );
    }

    #[test]
    fn no_span() {
        let err = Error::new(ErrorKind::Database, "no such table: users");
        assert_eq!(render(&err, "<input>", "query User", false), "error: no such table: users\n");
    }

    #[test]
    fn with_help() {
        let source = "query Usr";
        let err = Error::at(ErrorKind::Name, "unknown model `Usr`", Span::new(6, 9)).with_help("did you mean `User`?");
        assert_eq!(
            render(&err, "<input>", source, false),
            "error: unknown model `Usr`
 --> <input>:1:7
  |
1 | query Usr
  |       ^^^
  |
  = help: did you mean `User`?
"
        );
        let err = Error::new(ErrorKind::Refused, "refusing to delete every row")
            .with_help("write `delete User all` to mean it");
        assert_eq!(
            render(&err, "<input>", source, false),
            "error: refusing to delete every row
 = help: write `delete User all` to mean it
"
        );
    }

    #[test]
    fn bad_spans_are_clamped() {
        let source = "get User Zoë";
        let inside_e = source.find('ë').unwrap() + 1;
        for span in [Span::new(inside_e, inside_e + 1), Span::new(50, 60), Span::new(9, 400), Span::new(11, 4)] {
            let err = Error::syntax("bad", span);
            let drawn = render(&err, "<input>", source, false);
            assert!(drawn.contains('^'), "{span:?}: {drawn}");
        }
        let err = Error::syntax("bad", Span::new(3, 5));
        assert!(render(&err, "<input>", "", false).contains("<input>:1:1"));
    }

    #[test]
    fn colour_only_when_asked() {
        let err = Error::syntax("bad", Span::new(0, 3)).with_help("h");
        assert!(!render(&err, "<input>", "add", false).contains('\u{1b}'));
        let coloured = render(&err, "<input>", "add", true);
        assert!(coloured.contains('\u{1b}'));
        assert!(coloured.contains("<input>:1:1"));
        // The arrow is moved left in colour too.
        assert!(coloured.lines().nth(1).unwrap().starts_with(" \u{1b}"), "{coloured:?}");
    }

    #[test]
    fn line_and_column() {
        let source = "ab\nZoë x\n";
        assert_eq!(line_col(source, 0), (1, 1));
        assert_eq!(line_col(source, 2), (1, 3));
        assert_eq!(line_col(source, 3), (2, 1));
        assert_eq!(line_col(source, source.find('x').unwrap()), (2, 5));
        // Inside `ë`: the character's own column.
        assert_eq!(line_col(source, source.find('ë').unwrap() + 1), (2, 3));
        assert_eq!(line_col(source, source.len()), (3, 1));
        assert_eq!(line_col(source, 999), (3, 1));
    }
}
