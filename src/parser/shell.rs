//! Transaction control, `sql`, `explain`, settings and the shell's own commands.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while1};
use nom::combinator::recognize;

use super::command;
use super::context::mismatch;
use super::context::{Cx, PResult, fail, or_fail};
use super::lexical::lowercase;
use super::lexical::{after_keyword, identifier, integer, keyword, name, peek_word, skip_ws};
use super::literal::string;
use crate::ast::{Command, Format, Ident, Isolation, Setting, Span, Toggle, TxMode};
use crate::commands::Verb;
use crate::error::Error;
use crate::suggest::did_you_mean;

/// grammar: begin
pub(super) fn begin<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (mut rest, _) = keyword("begin").parse(i)?;
    let mut mode = TxMode::default();
    loop {
        let r = skip_ws(rest);
        // Modes may be separated by commas, as in SQL.
        let r = if mode != TxMode::default() { r.strip_prefix(',').map_or(r, skip_ws) } else { r };
        let Some((after, word)) = peek_word(r) else { break };
        let (after, isolation, read_only) = match &*word {
            "isolation" => {
                let after = or_fail(keyword("level").parse(skip_ws(after)), || {
                    cx.expected("`level` after `isolation`", skip_ws(after))
                })?
                .0;
                let at = skip_ws(after);
                let (after, level) = isolation_level(at).ok_or_else(|| fail(cx.expected(TX_MODES, at)))?;
                (after, Some(level), None)
            }
            "serializable" | "repeatable" | "read" => match isolation_level(r) {
                Some((after, level)) => (after, Some(level), None),
                None => {
                    let after_read = skip_ws(after);
                    match peek_word(after_read) {
                        Some((after, w)) if word == "read" && w == "only" => (after, None, Some(true)),
                        Some((after, w)) if word == "read" && w == "write" => (after, None, Some(false)),
                        _ => return Err(fail(cx.expected(TX_MODES, after_read))),
                    }
                }
            },
            _ => return Err(fail(cx.expected(TX_MODES, r))),
        };
        if (isolation.is_some() && mode.isolation.is_some()) || (read_only.is_some() && mode.read_only.is_some()) {
            let what = if isolation.is_some() { "an isolation level" } else { "`read only` or `read write`" };
            return Err(fail(Error::syntax(format!("{what} is given twice"), cx.span(r, after))));
        }
        mode.isolation = mode.isolation.or(isolation);
        mode.read_only = mode.read_only.or(read_only);
        rest = after;
    }
    Ok((rest, Command::Begin(mode)))
}

/// What may follow `begin`.
const TX_MODES: &str =
    "`serializable`, `repeatable read`, `read committed`, `read uncommitted`, `read only` or `read write`";

/// grammar: isolation_level
fn isolation_level(i: &str) -> Option<(&str, Isolation)> {
    let (after, first) = peek_word(i)?;
    let second = || peek_word(skip_ws(after));
    match &*first {
        "serializable" => Some((after, Isolation::Serializable)),
        "repeatable" => second().filter(|(_, w)| w == "read").map(|(a, _)| (a, Isolation::RepeatableRead)),
        "read" => match second() {
            Some((a, w)) if w == "committed" => Some((a, Isolation::ReadCommitted)),
            Some((a, w)) if w == "uncommitted" => Some((a, Isolation::ReadUncommitted)),
            _ => None,
        },
        _ => None,
    }
}

/// grammar: commit
pub(super) fn commit<'a>(_: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = keyword("commit").parse(i)?;
    Ok((rest, Command::Commit))
}

/// `rollback`, `rollback to s`, `rollback to savepoint s`.
///
/// grammar: rollback
pub(super) fn rollback<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = keyword("rollback").parse(i)?;
    let Some(after_to) = after_keyword(rest, "to") else {
        return Ok((rest, Command::Rollback));
    };
    let (rest, savepoint) = savepoint_name(cx, after_to, "rollback to")?;
    Ok((rest, Command::RollbackTo(savepoint)))
}

/// grammar: savepoint
pub(super) fn savepoint<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("savepoint").parse(i)?;
    let r = skip_ws(r);
    let (rest, savepoint) = or_fail(name(cx, r), || cx.expected("a savepoint name after `savepoint`", r))?;
    Ok((rest, Command::Savepoint(savepoint)))
}

/// `release s`, `release savepoint s`.
///
/// grammar: release
pub(super) fn release<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = keyword("release").parse(i)?;
    let (rest, savepoint) = savepoint_name(cx, rest, "release")?;
    Ok((rest, Command::Release(savepoint)))
}

/// The name after `rollback to` or `release`, with an optional `savepoint` before it (unless
/// `savepoint` is the name itself).
fn savepoint_name<'a>(cx: &Cx<'a>, i: &'a str, after: &str) -> PResult<'a, Ident> {
    let r = skip_ws(i);
    if let Some(after_word) = after_keyword(r, "savepoint") {
        let next = skip_ws(after_word);
        if let Ok(found) = name(cx, next) {
            return Ok(found);
        }
    }
    or_fail(name(cx, r), || cx.expected(&format!("a savepoint name after `{after}`"), r))
}

/// `sql` and the rest of the statement, sent as written. A `\` that ends a line is ormsh's line
/// continuation and is dropped; `#` is left alone, since it is an operator in PostgreSQL.
///
/// grammar: sql
pub(super) fn sql<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("sql").parse(i)?;
    let start = r.trim_start();
    let raw = start.trim_end();
    if raw.is_empty() {
        return Err(fail(cx.expected("SQL text after `sql`", start)));
    }
    let span = Span::new(cx.pos(start), cx.pos(start) + raw.len());
    let rest = &start[raw.len()..];
    Ok((rest, Command::Sql { text: raw_text(raw), span }))
}

/// SQL text without ormsh's line continuations (outside quotes).
///
/// grammar: raw_text
fn raw_text(raw: &str) -> String {
    sql_as_sent(raw).0
}

/// The SQL text `sql` sends for what was typed (without ormsh's line continuations outside
/// quotes), and for each of its bytes the byte of `raw` it came from: a server's error position
/// in the one is a caret in the other.
pub fn sql_as_sent(raw: &str) -> (String, Vec<usize>) {
    let mut text = String::with_capacity(raw.len());
    let mut offsets = Vec::with_capacity(raw.len());
    let mut push = |text: &mut String, at: usize, c: char| {
        text.push(c);
        offsets.extend(at..at + c.len_utf8());
    };
    let mut quote: Option<char> = None;
    let mut chars = raw.char_indices();
    while let Some((at, c)) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if matches!(c, '\'' | '"' | '`') => quote = Some(c),
            None if c == '\\' => {
                let after = &raw[at + 1..];
                if after.starts_with('\n') || after.starts_with("\r\n") {
                    continue;
                }
            }
            None => {}
        }
        push(&mut text, at, c);
        // A backslash escape inside quotes keeps the quote open.
        if quote.is_some()
            && c == '\\'
            && quote != Some('`')
            && let Some((at, escaped)) = chars.next()
        {
            push(&mut text, at, escaped);
        }
    }
    (text, offsets)
}

/// `explain` and the command it shows.
///
/// grammar: explain
pub(super) fn explain<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("explain").parse(i)?;
    let r = skip_ws(r);
    if keyword("explain").parse(r).is_ok() {
        let (_, span) = cx.found(r);
        return Err(fail(Error::syntax("`explain` cannot explain itself", span)));
    }
    if r.is_empty() {
        return Err(fail(cx.expected("a command after `explain`", r)));
    }
    let (rest, inner) = command(cx, r)?;
    Ok((rest, Command::Explain(Box::new(inner))))
}

/// `set SETTING`, `set` alone (the list), and psql's `\x [on|off]`, `\timing [on|off]`.
///
/// grammar: set
pub(super) fn set<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (after_word, word) = verb_word(Verb::Set, i)?;
    let r = skip_ws(after_word);
    let on_off = match peek_word(r) {
        Some((rest, w)) if w == "on" => Some((rest, true)),
        Some((rest, w)) if w == "off" => Some((rest, false)),
        _ => None,
    };
    let setting = match (lowercase(word).as_ref(), on_off) {
        ("\\x", Some((rest, on))) => (rest, Setting::Format(if on { Format::Vertical } else { Format::Table })),
        ("\\x", None) => (after_word, Setting::Toggle(Toggle::Vertical)),
        ("\\timing", Some((rest, on))) => (rest, Setting::Timing(on)),
        ("\\timing", None) => (after_word, Setting::Toggle(Toggle::Timing)),
        _ if r.is_empty() => (after_word, Setting::List),
        _ => setting(cx, r)?,
    };
    Ok((setting.0, Command::Set(setting.1)))
}

/// The error for a format name that is none, at `at` where it is.
pub(super) fn unknown_format<'a>(cx: &Cx<'a>, at: &'a str, name: &str) -> Error {
    let (_, span) = cx.found(at);
    let help = did_you_mean(name, Format::NAMES).unwrap_or_else(|| format!("formats are {}", Format::NAMES.join(", ")));
    Error::syntax(format!("unknown format `{name}`"), span).with_help(help)
}

/// `format table|vertical|json|csv|jsonl|auto`, `timing on|off`, `limit N|off`, `pager on|off`.
///
/// grammar: setting
pub(super) fn setting<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Setting> {
    let Some((after, word)) = peek_word(i) else {
        return Err(fail(cx.expected("`format`, `timing`, `limit` or `pager`", i)));
    };
    let r = skip_ws(after);
    match &*word {
        "format" => {
            let Some((rest, name)) = peek_word(r) else {
                return Err(fail(cx.expected("table, vertical, json, csv, jsonl or auto", r)));
            };
            match Format::from_name(&name) {
                Some(format) => Ok((rest, Setting::Format(format))),
                None => Err(fail(unknown_format(cx, r, &name))),
            }
        }
        "timing" => match peek_word(r) {
            Some((rest, w)) if w == "on" => Ok((rest, Setting::Timing(true))),
            Some((rest, w)) if w == "off" => Ok((rest, Setting::Timing(false))),
            _ => Err(fail(cx.expected("`on` or `off`", r))),
        },
        "pager" => match peek_word(r) {
            Some((rest, w)) if w == "on" => Ok((rest, Setting::Pager(true))),
            Some((rest, w)) if w == "off" => Ok((rest, Setting::Pager(false))),
            _ => Err(fail(cx.expected("`on` or `off`", r))),
        },
        "limit" => {
            if let Some((rest, w)) = peek_word(r)
                && w == "off"
            {
                return Ok((rest, Setting::Limit(None)));
            }
            let (rest, count) = or_fail(integer(cx, r), || cx.expected("a non-negative integer or `off`", r))?;
            Ok((rest, Setting::Limit(Some(count.value))))
        }
        _ => {
            let (_, span) = cx.found(i);
            let names = crate::settings::SETTINGS.iter().map(|s| s.name);
            let help = did_you_mean(&word, names.clone())
                .unwrap_or_else(|| format!("settings are {}", names.collect::<Vec<_>>().join(", ")));
            Err(fail(Error::syntax(format!("unknown setting `{word}`"), span).with_help(help)))
        }
    }
}

/// grammar: source
pub(super) fn source<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = verb_word(Verb::Source, i)?;
    let r = skip_ws(r);
    let (rest, path) = or_fail(file_path(cx, r), || cx.expected("a file name after `source`", r))?;
    Ok((rest, Command::Source { path, span: cx.span(r, rest) }))
}

/// A quoted string, or a run of characters up to whitespace or a comment.
///
/// grammar: file_path
pub(super) fn file_path<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, String> {
    if i.starts_with(['"', '\'']) {
        return string(cx, i);
    }
    let (rest, path) = take_while1(|c: char| !c.is_whitespace() && !"#;\"'".contains(c)).parse(i)?;
    Ok((rest, path.to_string()))
}

/// `connect` and the rest of the statement up to a comment, trimmed, or a quoted string.
///
/// grammar: connect
pub(super) fn connect<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("connect").parse(i)?;
    let start = skip_ws(r);
    if start.starts_with(['"', '\'']) {
        let (rest, url) = string(cx, start)?;
        return Ok((rest, Command::Connect { url, span: cx.span(start, rest) }));
    }
    // `#` cannot be part of a database URL's authority or path: it starts the fragment.
    let url = start.split('#').next().unwrap_or_default().trim_end();
    if url.is_empty() {
        return Err(fail(cx.expected("a database URL after `connect`", start)));
    }
    let rest = &start[url.len()..];
    Ok((rest, Command::Connect { url: url.to_string(), span: cx.span(start, rest) }))
}

/// grammar: refresh
pub(super) fn refresh<'a>(_: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = keyword("refresh").parse(i)?;
    Ok((rest, Command::Refresh))
}

/// grammar: help
pub(super) fn help<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = verb_word(Verb::Help, i)?;
    let r = skip_ws(rest);
    match name(cx, r) {
        Ok((rest, topic)) => Ok((rest, Command::Help(Some(topic)))),
        Err(nom::Err::Error(_)) => Ok((rest, Command::Help(None))),
        Err(e) => Err(e),
    }
}

/// `quit`, `exit` or `\q`.
///
/// grammar: quit
pub(super) fn quit<'a>(_: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = alt((keyword("quit"), keyword("exit"), recognize((tag("\\"), keyword("q"))))).parse(i)?;
    Ok((rest, Command::Quit))
}

/// The word a command starts with: an identifier, or `\` and one (`\q`), or psql's `\?`.
pub(super) fn command_word(i: &str) -> PResult<'_, &str> {
    alt((identifier, recognize((tag("\\"), identifier)), tag("\\?"))).parse(i)
}

/// The word `verb` is typed with, its own or an alias (`describe`, `\d`), as typed.
pub(super) fn verb_word(verb: Verb, i: &str) -> PResult<'_, &str> {
    let (rest, word) = command_word(i)?;
    match crate::commands::lookup(word) {
        Some(info) if info.verb == verb => Ok((rest, word)),
        _ => Err(mismatch(i)),
    }
}

/// `output FILE`, `output` (psql's `\o`).
///
/// grammar: output
pub(super) fn output<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = verb_word(Verb::Output, i)?;
    let start = skip_ws(r);
    match file_path(cx, start) {
        Ok((rest, path)) => Ok((rest, Command::Output { path: Some(path), span: cx.span(start, rest) })),
        Err(nom::Err::Error(_)) => Ok((r, Command::Output { path: None, span: cx.span(start, start) })),
        Err(e) => Err(e),
    }
}

/// `edit` (psql's `\e`).
///
/// grammar: edit
pub(super) fn edit<'a>(_: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = verb_word(Verb::Edit, i)?;
    Ok((rest, Command::Edit))
}
