//! What `fields`, `by`, `order by`, `having` and a condition may name: a field path, an
//! aggregate (`count`, `sum(total)`, `count(distinct status)`) or a date part
//! (`year(created_at)`).
//!
//! A function word is a function only where it is one: `count` alone or with `(`, the others
//! with `(`. So a field named `date` or `sum` is still a field, and `` `count` `` in backticks
//! is always the field.

use nom::Parser;
use nom::character::complete::char;

use super::context::{Cx, PResult, fail, or_fail};
use super::lexical::{after_keyword, field_path, identifier, skip_ws};
use crate::ast::{AggFunc, DatePart, Expr, FieldPath};

/// grammar: expr
pub(super) fn expr<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Expr> {
    if let Ok((after_word, word)) = identifier(i) {
        let open = skip_ws(after_word).strip_prefix('(');
        if let Some(func) = AggFunc::from_name(word) {
            match open {
                Some(inside) => return aggregate(cx, i, func, inside),
                // `count` alone counts rows; `count.x` would be a path through a field named
                // count.
                None if func == AggFunc::Count && !after_word.starts_with('.') => {
                    let span = cx.span(i, after_word);
                    return Ok((after_word, Expr::Aggregate { func, distinct: false, arg: None, span }));
                }
                None => {}
            }
        }
        if let (Some(part), Some(inside)) = (DatePart::from_name(word), open) {
            let (rest, arg) = argument(cx, inside, part.name())?;
            return Ok((rest, Expr::DatePart { part, arg, span: cx.span(i, rest) }));
        }
    }
    let (rest, path) = field_path(cx, i)?;
    Ok((rest, Expr::Path(path)))
}

/// grammar: aggregate
fn aggregate<'a>(cx: &Cx<'a>, start: &'a str, func: AggFunc, inside: &'a str) -> PResult<'a, Expr> {
    let (inside, distinct) = match after_keyword(inside, "distinct") {
        Some(after) => (after, true),
        None => (inside, false),
    };
    let (rest, arg) = argument(cx, inside, func.name())?;
    Ok((rest, Expr::Aggregate { func, distinct, arg: Some(arg), span: cx.span(start, rest) }))
}

/// `path)`: a function's argument and its closing parenthesis.
fn argument<'a>(cx: &Cx<'a>, inside: &'a str, function: &str) -> PResult<'a, FieldPath> {
    let r = skip_ws(inside);
    let (after, path) = or_fail(field_path(cx, r), || cx.expected(&format!("a field name inside `{function}(…)`"), r))?;
    let r = skip_ws(after);
    match char::<&str, ()>(')').parse(r) {
        Ok((rest, _)) => Ok((rest, path)),
        Err(_) => Err(fail(cx.expected(&format!("`)` to close `{function}(`"), r))),
    }
}

/// A comma list of expressions, at least one (`by a, b`, `fields count, sum(total)`).
pub(super) fn expr_list<'a>(cx: &Cx<'a>, i: &'a str, what: &str) -> PResult<'a, Vec<Expr>> {
    let (mut rest, first) = or_fail(expr(cx, i), || cx.expected(what, i))?;
    let mut list = vec![first];
    while let Ok((after, _)) = char::<&str, ()>(',').parse(skip_ws(rest)) {
        let r = skip_ws(after);
        let (after, next) = or_fail(expr(cx, r), || cx.expected(what, r))?;
        list.push(next);
        rest = after;
    }
    Ok((rest, list))
}
