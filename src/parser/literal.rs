//! Values: quoted strings with escapes, numbers, `true`/`false`/`null`, bare words, and lists.

use nom::Parser;
use nom::bytes::complete::{tag, take_till, take_while_m_n, take_while1};
use nom::character::complete::{char, line_ending};
use nom::sequence::delimited;

use super::context::{Cx, PResult, fail, mismatch, or_fail};
use super::lexical::{ascii_word_len, is_word_char, skip_ws};
use crate::ast::{Literal, LiteralKind};
use crate::error::Error;

/// grammar: value
pub(super) fn value<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    let (rest, kind) = if i.starts_with(['"', '\'']) {
        let (rest, text) = string(cx, i)?;
        (rest, LiteralKind::Quoted(text))
    } else {
        let (rest, word) = bare_word(i)?;
        (rest, classify(word))
    };
    Ok((rest, Literal { kind, span: cx.span(i, rest) }))
}

/// What a bare word stands for; keywords ignore case.
fn classify(word: &str) -> LiteralKind {
    if word.eq_ignore_ascii_case("null") {
        LiteralKind::Null
    } else if word.eq_ignore_ascii_case("true") {
        LiteralKind::Bool(true)
    } else if word.eq_ignore_ascii_case("false") {
        LiteralKind::Bool(false)
    } else if number(word).is_ok_and(|(rest, _)| rest.is_empty()) {
        LiteralKind::Number(word.to_string())
    } else {
        LiteralKind::Word(word.to_string())
    }
}

/// `30`, `-4`, `12.50`, `1e3`: only ever a whole bare word.
///
/// grammar: number
pub(super) fn number(i: &str) -> PResult<'_, &str> {
    // By hand: every value of every `add` is tried as a number.
    let bytes = i.as_bytes();
    let digits = |from: usize| bytes[from.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
    let mut end = usize::from(bytes.first() == Some(&b'-'));
    let whole = digits(end);
    if whole == 0 {
        return Err(mismatch(i));
    }
    end += whole;
    if bytes.get(end) == Some(&b'.') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        let exponent = digits(end + 1 + sign);
        if exponent > 0 {
            end += 1 + sign + exponent;
        }
    }
    Ok((&i[end..], &i[..end]))
}

/// A run of word characters: `John`, `j@x.io`, `2024-01-31T10:00:00`.
///
/// grammar: bare_word
pub(super) fn bare_word(i: &str) -> PResult<'_, &str> {
    // ASCII words (nearly all) are scanned byte by byte; anything else by the combinator.
    let ascii_end = ascii_word_len(i.as_bytes());
    let (rest, word) = if i.as_bytes().get(ascii_end).is_none_or(|b| b.is_ascii()) && ascii_end > 0 {
        (&i[ascii_end..], &i[..ascii_end])
    } else {
        take_while1(is_word_char).parse(i)?
    };
    // A `\` that ends the line continues the line; it is not part of the word.
    if word.ends_with('\\') && line_ending::<&str, ()>(rest).is_ok() {
        let word = &word[..word.len() - 1];
        if word.is_empty() {
            return Err(mismatch(i));
        }
        return Ok((&i[word.len()..], word));
    }
    Ok((rest, word))
}

/// A string in double or single quotes, escapes resolved.
///
/// grammar: string
pub(super) fn string<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, String> {
    let quote = match i.chars().next() {
        Some(q @ ('"' | '\'')) => q,
        _ => return Err(mismatch(i)),
    };
    let mut text = String::new();
    let mut rest = &i[1..];
    loop {
        let (after, run) = take_till(|c| c == quote || c == '\\').parse(rest)?;
        text.push_str(run);
        rest = after;
        if let Some(after) = rest.strip_prefix(quote) {
            return Ok((after, text));
        }
        if rest.is_empty() || rest == "\\" {
            return Err(fail(
                Error::syntax("unterminated string", cx.span(i, ""))
                    .with_label("this string is never closed")
                    .with_help(format!("close it with {quote}")),
            ));
        }
        let (after, c) = escape(cx, rest)?;
        text.extend(c);
        rest = after;
    }
}

/// `\"`, `\'`, `\\`, `\n`, `\t`, `\r`, `\0`, `\u{…}`; a `\` at the end of a line joins the lines.
///
/// grammar: escape
pub(super) fn escape<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Option<char>> {
    let (after_slash, _) = char('\\').parse(i)?;
    if let Ok((rest, _)) = line_ending::<&str, ()>(after_slash) {
        return Ok((rest, None));
    }
    let Some(c) = after_slash.chars().next() else {
        return Err(mismatch(i));
    };
    let simple = match c {
        '"' | '\'' | '\\' => Some(c),
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '0' => Some('\0'),
        _ => None,
    };
    if let Some(resolved) = simple {
        return Ok((&after_slash[c.len_utf8()..], Some(resolved)));
    }
    if c == 'u' {
        let hex: PResult<'_, &str> =
            delimited(tag("u{"), take_while_m_n(1, 6, |c: char| c.is_ascii_hexdigit()), char('}')).parse(after_slash);
        let Ok((rest, digits)) = hex else {
            let (_, span) = cx.found(i);
            return Err(fail(
                Error::syntax("malformed unicode escape", span)
                    .with_help("write it as `\\u{…}` with 1 to 6 hex digits"),
            ));
        };
        let span = cx.span(i, rest);
        return match u32::from_str_radix(digits, 16).ok().and_then(char::from_u32) {
            Some(resolved) => Ok((rest, Some(resolved))),
            None => Err(fail(Error::syntax(format!("`\\u{{{digits}}}` is not a unicode character"), span))),
        };
    }
    let end = &after_slash[c.len_utf8()..];
    Err(fail(
        Error::syntax(format!("unknown escape `\\{}`", c.escape_debug()), cx.span(i, end))
            .with_help("known escapes are \\\" \\' \\\\ \\n \\t \\r \\0 \\u{…}; write \\\\ for a backslash"),
    ))
}

/// A field's value in `add`, `update … set` and a comparison: a value, or a list of values (a
/// PostgreSQL array's elements).
///
/// grammar: field_value
pub(super) fn field_value<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    if i.starts_with('(') { list(cx, i) } else { value(cx, i) }
}

/// `(a, "b c", 3)`, or `()` for none: an array's elements, each a value. Of one dimension: a
/// list in a list is refused where it opens.
///
/// grammar: list
pub(super) fn list<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Literal> {
    let (mut rest, _) = char('(').parse(i)?;
    let mut items = Vec::new();
    loop {
        let r = skip_ws(rest);
        if let Ok((after, _)) = char::<&str, ()>(')').parse(r) {
            return Ok((after, Literal { kind: LiteralKind::List(items), span: cx.span(i, after) }));
        }
        if let Some(inner) = r.strip_prefix('(') {
            return Err(fail(
                Error::syntax("a list cannot hold a list: ormsh writes arrays of one dimension", cx.span(r, inner))
                    .with_help("write a nested array with `sql`"),
            ));
        }
        let (after, literal) = or_fail(value(cx, r), || cx.expected("a value or `)`", r))?;
        items.push(literal);
        let r = skip_ws(after);
        rest = match char::<&str, ()>(',').parse(r) {
            Ok((after, _)) => after,
            Err(_) if r.starts_with(')') => r,
            Err(_) => return Err(fail(cx.expected("`,` or `)`", r))),
        };
    }
}

/// `(a, b, …)` after `in`.
///
/// grammar: value_list
pub(super) fn value_list<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<Literal>> {
    let (mut rest, _) = char('(').parse(i)?;
    let mut values = Vec::new();
    loop {
        let r = skip_ws(rest);
        if let Ok((after, _)) = char::<&str, ()>(')').parse(r) {
            if values.is_empty() {
                return Err(fail(cx.expected("a value", r)));
            }
            return Ok((after, values));
        }
        let (after, literal) = or_fail(value(cx, r), || cx.expected("a value", r))?;
        values.push(literal);
        let r = skip_ws(after);
        rest = match char::<&str, ()>(',').parse(r) {
            Ok((after, _)) => after,
            Err(_) if r.starts_with(')') => r,
            Err(_) => return Err(fail(cx.expected("`,` or `)`", r))),
        };
    }
}
