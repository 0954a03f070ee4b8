//! Tokens: whitespace and comments, names, field paths, keywords and counts.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{take_till, take_while, take_while1};
use nom::character::complete::{char, line_ending, satisfy};
use nom::combinator::{map, recognize, verify};
use nom::multi::fold_many0;
use std::borrow::Cow;

use super::context::{Cx, Fail, PResult, fail, mismatch, or_fail};
use crate::ast::{Count, FieldPath, Ident};
use crate::error::Error;

pub(crate) fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

pub(crate) fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// What a bare word (`John`, `j@x.io`, `2024-01-31T10:00:00`) is made of.
pub(crate) const fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !matches!(c, ',' | ';' | '(' | ')' | '=' | '<' | '>' | '!' | '{' | '}' | '"' | '\'' | '#')
}

/// The ASCII bytes of identifiers (`IDENT`) and bare words (`WORD`), looked up rather than
/// tested: the scans over them run for every token of every line of a script.
const IDENT: u8 = 1;
const WORD: u8 = 2;
static ASCII_CLASS: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8 as char;
        if c.is_ascii_alphanumeric() || c == '_' {
            table[b] |= IDENT;
        }
        if is_word_char(c) {
            table[b] |= WORD;
        }
        b += 1;
    }
    table
};

/// How many bytes at the start of `bytes` are ASCII of `class`.
fn ascii_run(bytes: &[u8], class: u8) -> usize {
    bytes.iter().position(|&b| b >= 128 || ASCII_CLASS[b as usize] & class == 0).unwrap_or(bytes.len())
}

/// How many bytes at the start of `bytes` are ASCII bare-word characters.
pub(super) fn ascii_word_len(bytes: &[u8]) -> usize {
    ascii_run(bytes, WORD)
}

/// Whitespace, comments and line continuations; the output says whether a line ended in them
/// (a newline separates fields in a `model`).
///
/// grammar: ws
pub(super) fn ws(i: &str) -> PResult<'_, bool> {
    fold_many0(
        alt((
            map(take_while1(char::is_whitespace), |s: &str| s.contains('\n')),
            map(line_continuation, |_| false),
            map(comment, |_| false),
        )),
        || false,
        |seen, newline| seen || newline,
    )
    .parse(i)
}

/// `i` without the whitespace and comments it starts with.
pub(super) fn skip_ws(i: &str) -> &str {
    // The same as `ws`, by hand: it runs between every two tokens, and the combinators cost
    // more than the rest of the parse of a typical line. Anything but ASCII goes to `ws`.
    let bytes = i.as_bytes();
    let mut at = 0;
    loop {
        match bytes.get(at) {
            Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') => at += 1,
            Some(b'#') => at = i[at..].find('\n').map_or(bytes.len(), |n| at + n),
            Some(b'\\') if bytes.get(at + 1) == Some(&b'\n') => at += 2,
            Some(b'\\') if bytes[at + 1..].starts_with(b"\r\n") => at += 3,
            Some(b) if !b.is_ascii() => return ws(&i[at..]).map_or(&i[at..], |(rest, _)| rest),
            _ => return &i[at..],
        }
    }
}

/// grammar: comment
pub(super) fn comment(i: &str) -> PResult<'_, &str> {
    recognize((char('#'), take_till(|c| c == '\n'))).parse(i)
}

/// grammar: line_continuation
pub(super) fn line_continuation(i: &str) -> PResult<'_, &str> {
    recognize((char('\\'), line_ending)).parse(i)
}

/// grammar: identifier
pub(super) fn identifier(i: &str) -> PResult<'_, &str> {
    // ASCII names (nearly all) are scanned by hand; the rest by the combinators.
    let bytes = i.as_bytes();
    let end = ascii_run(bytes, IDENT);
    let ascii = bytes.get(end).is_none_or(u8::is_ascii);
    if ascii && end > 0 && !bytes[0].is_ascii_digit() {
        return Ok((&i[end..], &i[..end]));
    }
    recognize((satisfy(is_ident_start), take_while(is_ident_char))).parse(i)
}

/// A name in backticks, for tables and columns that are not identifiers; a doubled backtick
/// stands for one.
///
/// grammar: quoted_identifier
pub(super) fn quoted_identifier<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, String> {
    let (mut rest, _) = char('`').parse(i)?;
    let mut name = String::new();
    loop {
        let (after, run) = take_till(|c| c == '`').parse(rest)?;
        name.push_str(run);
        let Some(after) = after.strip_prefix('`') else {
            return Err(fail(
                Error::syntax("unterminated quoted name", cx.span(i, after))
                    .with_help("close the name with a backtick"),
            ));
        };
        if let Some(after) = after.strip_prefix('`') {
            name.push('`');
            rest = after;
        } else if name.is_empty() {
            return Err(fail(Error::syntax("empty quoted name", cx.span(i, after))));
        } else {
            return Ok((after, name));
        }
    }
}

/// A model, field, table or savepoint name.
///
/// grammar: name
pub(super) fn name<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Ident> {
    let (rest, name) = match identifier(i) {
        Ok((rest, name)) => (rest, name.to_string()),
        Err(_) => quoted_identifier(cx, i)?,
    };
    Ok((rest, Ident { name, span: cx.span(i, rest) }))
}

/// Where a name at the start of `i` ends, without keeping it: a probe for "is a name next?".
pub(super) fn name_end<'a>(cx: &Cx<'a>, i: &'a str) -> Option<&'a str> {
    match identifier(i) {
        Ok((rest, _)) => Some(rest),
        Err(_) => quoted_identifier(cx, i).ok().map(|(rest, _)| rest),
    }
}

/// A model's name, or its schema's and its own (`sales.Order`, PostgreSQL's): one name, with
/// the dot, that the catalog splits.
///
/// grammar: model_name
pub(super) fn model_name<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Ident> {
    let (rest, first) = name(cx, i)?;
    let Some(after_dot) = rest.strip_prefix('.') else { return Ok((rest, first)) };
    let (rest, model) = or_fail(name(cx, after_dot), || cx.expected("a model name after `schema.`", after_dot))?;
    Ok((rest, Ident { name: format!("{}.{}", first.name, model.name), span: cx.span(i, rest) }))
}

/// `name`, `user.name`, `album.artist.name`.
///
/// grammar: field_path
pub(super) fn field_path<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, FieldPath> {
    let (mut rest, first) = name(cx, i)?;
    let mut parts = vec![first];
    while let Some(after_dot) = rest.strip_prefix('.') {
        let (after, part) = or_fail(name(cx, after_dot), || cx.expected("a field name after `.`", after_dot))?;
        parts.push(part);
        rest = after;
    }
    Ok((rest, FieldPath { parts, span: cx.span(i, rest) }))
}

/// A keyword: a whole identifier equal to `kw`, ignoring case.
pub(super) fn keyword<'a>(kw: &'static str) -> impl Parser<&'a str, Output = &'a str, Error = Fail> {
    verify(identifier, move |word: &str| word.eq_ignore_ascii_case(kw))
}

/// The rest after `kw`, if `i` starts with it after whitespace.
pub(super) fn after_keyword<'a>(i: &'a str, kw: &'static str) -> Option<&'a str> {
    keyword(kw).parse(skip_ws(i)).ok().map(|(rest, _)| rest)
}

/// The identifier `i` starts with, lowercased, and the rest after it.
pub(super) fn peek_word(i: &str) -> Option<(&str, Cow<'_, str>)> {
    identifier(i).ok().map(|(rest, word)| (rest, lowercase(word)))
}

/// `word` in ASCII lower case, for matching keywords and commands.
pub(super) fn lowercase(word: &str) -> Cow<'_, str> {
    // Keywords are usually typed in lower case already: no copy then.
    if word.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(word.to_ascii_lowercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// A non-negative whole number: `limit 10`.
///
/// grammar: integer
pub(super) fn integer<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Count> {
    let (rest, text) = take_while1(is_word_char).parse(i)?;
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(mismatch(i));
    }
    let span = cx.span(i, rest);
    match text.parse::<u64>() {
        Ok(value) => Ok((rest, Count { value, span })),
        Err(_) => Err(fail(Error::syntax(format!("`{text}` is too large"), span))),
    }
}
