//! Data in and out: `export <command> to FILE [force]` and `import Model from FILE`.

use nom::Parser;

use super::command;
use super::context::{Cx, PResult, fail, or_fail};
use super::lexical::{keyword, model_name, peek_word, skip_ws};
use super::shell::{file_path, unknown_format};
use crate::ast::{Command, Format, Span};
use crate::error::Error;

/// `export query … to FILE [format NAME] [force]`. The exported command is parsed on the text before its
/// last `to FILE [force]`: a query's own text may hold the word `to` (in a quoted value), and
/// `sql` takes all the text it is given.
///
/// grammar: export
pub(super) fn export<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("export").parse(i)?;
    let start = skip_ws(r);
    if !peek_word(start).is_some_and(|(_, w)| EXPORTED.contains(&&*w)) {
        let (_, span) = cx.found(start);
        return Err(fail(
            Error::syntax("`export` writes the result of `query`, `get`, `count` or `sql`", span)
                .with_help("write `export query User … to users.csv`"),
        ));
    }
    let Some(Destination { to, path, span, format, rest, force }) = destination(cx, start) else {
        // Where the statement goes wrong: in the command, or where `to FILE` should be.
        let (left, _) = command(cx, start)?;
        let after = skip_ws(left);
        let help = "write `export query User … to users.csv`";
        let error = if after.is_empty() {
            Error::syntax("`export` needs `to FILE` at its end", cx.at(after))
        } else {
            cx.expected("`to FILE`", after)
        };
        return Err(fail(error.with_help(help)));
    };
    // The text before `to` is parsed as a statement of its own: spans stay offsets into the
    // whole text, which it is the start of.
    let head = cx.before(to);
    let head_cx = Cx::new(head);
    let inner = &head[cx.pos(start)..];
    let (left, inner_command) = command(&head_cx, inner)?;
    if !skip_ws(left).is_empty() {
        return Err(fail(head_cx.unexpected_after(skip_ws(left))));
    }
    let format = format.transpose().map_err(fail)?;
    let command = Command::Export { command: Box::new(inner_command), path, span, format, force };
    Ok((rest, command))
}

/// The commands whose result `export` writes.
const EXPORTED: [&str; 4] = ["query", "get", "count", "sql"];

/// ` to FILE [format NAME] [force]` at the end of an `export`.
struct Destination<'a> {
    /// The text from `to` on.
    to: &'a str,
    path: String,
    /// The path's.
    span: Span,
    /// The format named after the path (an unknown name is the error to report, at the name).
    format: Option<Result<Format, Error>>,
    /// After it all (whitespace and comments).
    rest: &'a str,
    force: bool,
}

/// The ` to FILE [format NAME] [force]` that ends the statement.
fn destination<'a>(cx: &Cx<'a>, i: &'a str) -> Option<Destination<'a>> {
    let mut found = None;
    let bytes = i.as_bytes();
    for (at, _) in i.match_indices(['t', 'T']) {
        // A whole word `to`, after whitespace.
        if at == 0 || !bytes[at - 1].is_ascii_whitespace() {
            continue;
        }
        let from = &i[at..];
        let Ok((after, _)) = keyword("to").parse(from) else { continue };
        let path_at = skip_ws(after);
        if path_at.len() == after.len() {
            continue;
        }
        let Ok((rest, path)) = file_path(cx, path_at) else { continue };
        let span = cx.span(path_at, rest);
        let (rest, format) = match format_option(cx, skip_ws(rest)) {
            Some((rest, format)) => (rest, Some(format)),
            None => (rest, None),
        };
        let (rest, force) = match keyword("force").parse(skip_ws(rest)) {
            Ok((rest, _)) => (rest, true),
            Err(_) => (rest, false),
        };
        if skip_ws(rest).is_empty() {
            found = Some(Destination { to: from, path, span, format, rest, force });
        }
    }
    found
}

/// `format NAME` (or `--format NAME`, as on the command line) after an export's path: the
/// format whatever the extension says. None when the text is not that option.
fn format_option<'a>(cx: &Cx<'a>, i: &'a str) -> Option<(&'a str, Result<Format, Error>)> {
    let after = i.strip_prefix("--").unwrap_or(i);
    let (after, _) = keyword("format").parse(after).ok()?;
    let at = skip_ws(after);
    let (rest, name) = peek_word(at).filter(|_| at.len() < after.len())?;
    let format = Format::from_name(&name).ok_or_else(|| unknown_format(cx, at, &name));
    Some((rest, format))
}

/// `import User from users.csv`.
///
/// grammar: import
pub(super) fn import<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("import").parse(i)?;
    let r = skip_ws(r);
    let (r, model) = or_fail(model_name(cx, r), || cx.expected("a model name", r))?;
    let r = skip_ws(r);
    let (r, _) = or_fail(keyword("from").parse(r), || cx.expected("`from FILE`", r))?;
    let r = skip_ws(r);
    let (rest, path) = or_fail(file_path(cx, r), || cx.expected("a file name after `from`", r))?;
    Ok((rest, Command::Import { model, path, span: cx.span(r, rest) }))
}
