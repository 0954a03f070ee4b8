//! Schema commands: `model` declarations, `models`, `describe`, `drop`.

use std::collections::HashSet;

use nom::Parser;
use nom::character::complete::char;

use super::context::{Cx, PResult, fail, mismatch, or_fail};
use super::lexical::{after_keyword, keyword, model_name, name, peek_word, skip_ws, ws};
use super::literal::value;
use crate::ast::{Command, FieldDecl, FieldTypeDecl, Ident, Literal, ModelDecl};
use crate::commands::Verb;
use crate::error::Error;
use crate::suggest::did_you_mean;
use crate::value::FieldType;

const MODIFIERS: [&str; 3] = ["unique", "primary", "key"];

/// grammar: model_decl
pub(super) fn model_decl<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("model").parse(i)?;
    let r = skip_ws(r);
    let (mut rest, name) = or_fail(model_name(cx, r), || cx.expected("a model name", r))?;
    let mut table = None;
    if let Some(after) = after_keyword(rest, "table") {
        let r = skip_ws(after);
        let (after, t) = or_fail(self::name(cx, r), || cx.expected("a table name after `table`", r))?;
        table = Some(t);
        rest = after;
    }
    let r = skip_ws(rest);
    let (r, _) = or_fail(char('{').parse(r), || {
        cx.expected("`{`", r).with_help("a model looks like `model User { name: text, age: int? }`")
    })?;
    let (r, fields) = field_list(cx, r)?;
    let (rest, _) = or_fail(char('}').parse(r), || cx.expected("`,` or `}`", r))?;
    Ok((rest, Command::Model(ModelDecl { name, table, fields })))
}

/// Fields, separated by commas or newlines; a trailing comma is fine.
///
/// grammar: field_list
pub(super) fn field_list<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<FieldDecl>> {
    let mut fields: Vec<FieldDecl> = Vec::new();
    let mut seen = HashSet::new();
    let mut rest = i;
    loop {
        let r = skip_ws(rest);
        if r.is_empty() || r.starts_with('}') {
            return Ok((r, fields));
        }
        let (after, field) = or_fail(field_decl(cx, r), || cx.expected("a field name", r))?;
        if !seen.insert(field.name.name.to_lowercase()) {
            return Err(fail(Error::syntax(format!("field `{}` is declared twice", field.name.name), field.name.span)));
        }
        fields.push(field);
        let (r, newline) = ws(after)?;
        rest = if let Ok((after, _)) = char::<&str, ()>(',').parse(r) {
            after
        } else if newline || r.is_empty() || r.starts_with('}') {
            r
        } else {
            let mut error = cx.expected("`,`, `}` or a newline after the field", r);
            let word = peek_word(r).map(|(_, w)| w);
            if let Some(help) = word.and_then(|w| did_you_mean(&w, MODIFIERS)) {
                error = error.with_help(help);
            } else {
                error = error.with_help("separate fields with commas or newlines");
            }
            return Err(fail(error));
        };
    }
}

/// `email: text? unique = "x"`.
///
/// grammar: field_decl
pub(super) fn field_decl<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, FieldDecl> {
    let (r, name) = name(cx, i)?;
    let r = skip_ws(r);
    let (r, _) = or_fail(char(':').parse(r), || {
        cx.expected(&format!("`:` after `{}`", name.name), r).with_help("a field looks like `name: text`")
    })?;
    let r = skip_ws(r);
    let (mut rest, (ty, nullable)) = or_fail(field_type(cx, r), || {
        cx.expected(&format!("a type for `{}`", name.name), r)
            .with_help(format!("types are {}, or a model name", FieldType::DECL_NAMES.join(", ")))
    })?;
    let mut decl =
        FieldDecl { name, ty, nullable, unique: false, primary_key: false, default: None, span: cx.span(i, rest) };
    loop {
        // A newline ends the field: what follows is the next one.
        let (r, newline) = ws(rest)?;
        if newline {
            break;
        }
        let (after, modifier) = match field_modifier(cx, r) {
            Ok(found) => found,
            Err(nom::Err::Error(_)) => break,
            Err(e) => return Err(e),
        };
        let repeated = match modifier {
            Modifier::Unique if decl.unique => Some("unique"),
            Modifier::Primary if decl.primary_key => Some("primary"),
            Modifier::Default(_) if decl.default.is_some() => Some("="),
            Modifier::Unique => {
                decl.unique = true;
                None
            }
            Modifier::Primary => {
                decl.primary_key = true;
                None
            }
            Modifier::Default(literal) => {
                decl.default = Some(literal);
                None
            }
        };
        if let Some(what) = repeated {
            return Err(fail(Error::syntax(
                format!("`{what}` is given twice for `{}`", decl.name.name),
                cx.span(r, after),
            )));
        }
        rest = after;
        decl.span = cx.span(i, rest);
    }
    Ok((rest, decl))
}

/// A scalar type or, for any other name, a reference to that model (which may be named with
/// its schema, `sales.Order`); `?` makes it nullable.
///
/// grammar: field_type
pub(super) fn field_type<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, (FieldTypeDecl, bool)> {
    let (after, ty) = model_name(cx, i)?;
    // A name in backticks is never a type keyword.
    let scalar = !i.starts_with('`') && FieldType::from_decl(&ty.name).is_some();
    let ty = if scalar { FieldTypeDecl::Scalar(ty) } else { FieldTypeDecl::Reference(ty) };
    match char::<&str, ()>('?').parse(skip_ws(after)) {
        Ok((rest, _)) => Ok((rest, (ty, true))),
        Err(_) => Ok((after, (ty, false))),
    }
}

enum Modifier {
    Unique,
    Primary,
    Default(Literal),
}

/// grammar: field_modifier
fn field_modifier<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Modifier> {
    if let Ok((r, _)) = char::<&str, ()>('=').parse(i) {
        let r = skip_ws(r);
        let (rest, literal) = or_fail(value(cx, r), || cx.expected("a default value after `=`", r))?;
        return Ok((rest, Modifier::Default(literal)));
    }
    match peek_word(i) {
        Some((rest, word)) if word == "unique" => Ok((rest, Modifier::Unique)),
        Some((rest, word)) if word == "primary" => {
            // `primary key`, on the same line: on the next, `key` may be a field's name.
            let rest = match ws(rest) {
                Ok((r, false)) => keyword("key").parse(r).map_or(rest, |(after, _)| after),
                _ => rest,
            };
            Ok((rest, Modifier::Primary))
        }
        Some((rest, word)) if word == "key" => Ok((rest, Modifier::Primary)),
        _ => Err(mismatch(i)),
    }
}

/// `models`, or the models of one schema: `models sales`.
///
/// grammar: models
pub(super) fn models<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, _) = super::shell::verb_word(Verb::Models, i)?;
    match name(cx, skip_ws(rest)) {
        Ok((rest, schema)) => Ok((rest, Command::Models(Some(schema)))),
        Err(_) => Ok((rest, Command::Models(None))),
    }
}

/// `describe Model`; psql's `\d Model`, and `\d` alone for the list of models.
///
/// grammar: describe
pub(super) fn describe<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (after_word, word) = super::shell::verb_word(Verb::Describe, i)?;
    let r = skip_ws(after_word);
    if word.starts_with('\\') && model_name(cx, r).is_err() {
        return Ok((after_word, Command::Models(None)));
    }
    let (rest, model) = or_fail(model_name(cx, r), || cx.expected("a model name", r))?;
    Ok((rest, Command::Describe(model)))
}

/// grammar: drop
pub(super) fn drop<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, _) = keyword("drop").parse(i)?;
    let r = skip_ws(r);
    let (rest, model): (&str, Ident) = or_fail(model_name(cx, r), || cx.expected("a model name", r))?;
    match after_keyword(rest, "confirm") {
        Some(rest) => Ok((rest, Command::Drop { model, confirmed: true })),
        None => {
            let r = skip_ws(rest);
            if r.is_empty() {
                return Ok((rest, Command::Drop { model, confirmed: false }));
            }
            let help = format!("write `drop {} confirm` to drop it without asking", model.name);
            Err(fail(cx.unexpected_after(r).with_help(help)))
        }
    }
}
