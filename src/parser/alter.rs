//! `alter`: changing a model's table (a field added, renamed or dropped; an index).

use std::collections::HashSet;

use nom::Parser;
use nom::character::complete::char;

use super::context::{Cx, PResult, fail, or_fail};
use super::lexical::{after_keyword, keyword, model_name, name, peek_word, skip_ws};
use super::model::field_decl;
use crate::ast::{AlterChange, Command, Ident};
use crate::error::Error;
use crate::suggest::did_you_mean;

/// grammar: alter
pub(super) fn alter<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("alter").parse(i)?;
    let r = skip_ws(r);
    let (rest, model) = or_fail(model_name(cx, r), || cx.expected("a model name", r))?;
    let r = skip_ws(rest);
    let Some((after, word)) = peek_word(r) else {
        return Err(fail(expected_change(cx, r)));
    };
    let (rest, change) = match word.as_ref() {
        "add" => alter_add(cx, skip_ws(after))?,
        "rename" => alter_rename(cx, skip_ws(after))?,
        "drop" => alter_drop(cx, &model, skip_ws(after))?,
        "index" => alter_index(cx, skip_ws(after), false)?,
        "unique" => alter_index(cx, skip_ws(after), true)?,
        _ => return Err(fail(expected_change(cx, r))),
    };
    Ok((rest, Command::Alter { model, change }))
}

fn expected_change(cx: &Cx<'_>, r: &str) -> Error {
    let error = cx.expected("`add`, `rename`, `drop`, `index` or `unique`", r);
    match peek_word(r).and_then(|(_, w)| did_you_mean(&w, AlterChange::WORDS)) {
        Some(help) => error.with_help(help),
        None => error.with_help("e.g. `alter User add phone: text?` or `alter User rename phone to mobile`"),
    }
}

/// `add phone: text? unique = ""`: a field as `model` declares one.
///
/// grammar: alter_add
fn alter_add<'a>(cx: &Cx<'a>, r: &'a str) -> PResult<'a, AlterChange> {
    let (rest, field) = or_fail(field_decl(cx, r), || {
        cx.expected("a field after `add`", r).with_help("a field looks like `phone: text?`, as in `model`")
    })?;
    Ok((rest, AlterChange::Add(field)))
}

/// `rename phone to mobile`.
///
/// grammar: alter_rename
fn alter_rename<'a>(cx: &Cx<'a>, r: &'a str) -> PResult<'a, AlterChange> {
    let (rest, from) = or_fail(name(cx, r), || cx.expected("the field to rename", r))?;
    let Some(after) = after_keyword(rest, "to") else {
        let r = skip_ws(rest);
        return Err(fail(cx.expected(&format!("`to` after `{}`", from.name), r)));
    };
    let r = skip_ws(after);
    let (rest, to) = or_fail(name(cx, r), || cx.expected("the field's new name after `to`", r))?;
    Ok((rest, AlterChange::Rename { from, to }))
}

/// `drop mobile [confirm]`.
///
/// grammar: alter_drop
fn alter_drop<'a>(cx: &Cx<'a>, model: &Ident, r: &'a str) -> PResult<'a, AlterChange> {
    let (rest, field) = or_fail(name(cx, r), || cx.expected("the field to drop", r))?;
    if let Some(rest) = after_keyword(rest, "confirm") {
        return Ok((rest, AlterChange::Drop { field, confirmed: true }));
    }
    let r = skip_ws(rest);
    if r.is_empty() {
        return Ok((rest, AlterChange::Drop { field, confirmed: false }));
    }
    let help = format!("write `alter {} drop {} confirm` to drop it without asking", model.name, field.name);
    Err(fail(cx.unexpected_after(r).with_help(help)))
}

/// `index (a, b)` or `unique (a, b)`.
///
/// grammar: alter_index
fn alter_index<'a>(cx: &Cx<'a>, r: &'a str, unique: bool) -> PResult<'a, AlterChange> {
    let start = r;
    let (mut r, _) = or_fail(char('(').parse(r), || {
        let word = if unique { "unique" } else { "index" };
        cx.expected(&format!("`(` after `{word}`"), r).with_help(format!("e.g. `{word} (email)`"))
    })?;
    let mut fields: Vec<Ident> = Vec::new();
    let mut seen = HashSet::new();
    loop {
        let at = skip_ws(r);
        let (after, field) = or_fail(name(cx, at), || cx.expected("a field name", at))?;
        if !seen.insert(field.name.to_lowercase()) {
            return Err(fail(Error::syntax(format!("`{}` is named twice", field.name), field.span)));
        }
        fields.push(field);
        let after = skip_ws(after);
        if let Some(next) = after.strip_prefix(',') {
            r = next;
        } else if let Some(end) = after.strip_prefix(')') {
            return Ok((end, AlterChange::Index { fields, unique, span: cx.span(start, end) }));
        } else {
            return Err(fail(cx.expected("`,` or `)`", after)));
        }
    }
}
