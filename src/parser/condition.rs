//! `where` conditions. Precedence, loosest first: `or`, `and`, `not`; parentheses group.
//! Chains fold to the left: `a and b and c` is `(a and b) and c`.

use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::tag;
use nom::character::complete::char;
use nom::combinator::value as to;

use super::context::{Cx, Fail, PResult, fail, or_fail};
use super::expr::expr;
use super::lexical::{after_keyword, field_path, is_ident_start, keyword, peek_word, skip_ws};
use super::literal::{field_value, value, value_list};
use crate::ast::{CompareOp, Condition, Expr};

/// grammar: condition
pub(super) fn condition<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Box<Condition>> {
    let (mut rest, mut left) = conjunction(cx, i)?;
    while let Some(r) = next_term(cx, rest, "or")? {
        let (after, right) = or_fail(conjunction(cx, r), || cx.expected("a condition after `or`", r))?;
        left = join(Condition::Or, left, right);
        rest = after;
    }
    Ok((rest, left))
}

/// grammar: conjunction
pub(super) fn conjunction<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Box<Condition>> {
    let (mut rest, mut left) = negation(cx, i)?;
    while let Some(r) = next_term(cx, rest, "and")? {
        let (after, right) = or_fail(negation(cx, r), || cx.expected("a condition after `and`", r))?;
        left = join(Condition::And, left, right);
        rest = after;
    }
    Ok((rest, left))
}

/// grammar: negation
pub(super) fn negation<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Box<Condition>> {
    let Some(after) = after_keyword(i, "not") else {
        return condition_group(cx, i);
    };
    let _nest = cx.nest(i)?;
    let r = skip_ws(after);
    let (rest, inner) = or_fail(negation(cx, r), || cx.expected("a condition after `not`", r))?;
    Ok((rest, Box::new(Condition::Not(inner))))
}

/// grammar: condition_group
pub(super) fn condition_group<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Box<Condition>> {
    let Some(after) = i.strip_prefix('(') else {
        return boxed_predicate(cx, i);
    };
    let _nest = cx.nest(i)?;
    let r = skip_ws(after);
    let (rest, inner) = or_fail(condition(cx, r), || cx.expected("a condition", r))?;
    close_group(cx, rest, inner)
}

// Conditions nest through the four rules above, so their stack frames are kept small (a debug
// build gives every temporary its own slot): conditions are built on the heap, and the rest of
// the work is done in the helpers below, whose frames are not part of every level.

/// After an operand at `rest`: where the next one starts if `word` (`and`, `or`) follows,
/// counted against the length limit.
fn next_term<'a>(cx: &Cx<'a>, rest: &'a str, word: &'static str) -> Result<Option<&'a str>, nom::Err<Fail>> {
    let Some(after) = after_keyword(rest, word) else {
        return Ok(None);
    };
    cx.term(skip_ws(rest))?;
    let next = skip_ws(after);
    // `a=1 and and b=2`: the second `and` is a slip, not a field named `and`.
    if let Some((after_word, w)) = peek_word(next)
        && matches!(&*w, "and" | "or")
        && !starts_operator(skip_ws(after_word))
    {
        return Err(fail(cx.expected(&format!("a condition after `{word}`"), next)));
    }
    Ok(Some(next))
}

/// Whether `i` starts with what may follow a field in a predicate.
fn starts_operator(i: &str) -> bool {
    i.starts_with(['=', '!', '<', '>'])
        || peek_word(i).is_some_and(|(_, w)| matches!(&*w, "like" | "ilike" | "in" | "between" | "is" | "not"))
}

fn join(
    node: fn(Box<Condition>, Box<Condition>) -> Condition,
    left: Box<Condition>,
    right: Box<Condition>,
) -> Box<Condition> {
    Box::new(node(left, right))
}

/// The `)` that closes a group.
fn close_group<'a>(cx: &Cx<'a>, rest: &'a str, inner: Box<Condition>) -> PResult<'a, Box<Condition>> {
    let r = skip_ws(rest);
    match char::<&str, ()>(')').parse(r) {
        Ok((rest, _)) => Ok((rest, inner)),
        Err(_) => Err(fail(cx.expected("`)`", r))),
    }
}

/// A predicate on the heap. Apart from [`condition_group`], so that the predicate's stack frame
/// is not part of every level of nesting.
fn boxed_predicate<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Box<Condition>> {
    let (rest, leaf) = predicate(cx, i)?;
    Ok((rest, Box::new(leaf)))
}

/// One test on one field: `age >= 30`, `name like "J%"`, `id in (1, 2)`, `age between 1 and 5`,
/// `email is not null`.
///
/// grammar: predicate
pub(super) fn predicate<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Condition> {
    let (after_field, field) = expr(cx, i)?;
    let r = skip_ws(after_field);
    if let Ok((after, op)) = compare_op(r) {
        let v = skip_ws(after);
        // `.user.city`: a field on the right (a value never starts with `.` and a letter).
        if let Some(path) = v.strip_prefix('.').filter(|p| p.starts_with(is_ident_start) || p.starts_with('`')) {
            let (rest, other) = or_fail(field_path(cx, path), || cx.expected("a field name after `.`", path))?;
            return Ok((rest, Condition::CompareFields { field, op, other }));
        }
        let (rest, value) = or_fail(field_value(cx, v), || {
            cx.expected(&format!("a value after `{}`", &r[..r.len() - after.len()]), v)
        })?;
        return Ok((rest, Condition::Compare { field, op, value }));
    }
    let expected_operator = || {
        cx.expected(&format!("an operator after `{field}`"), r).with_help(
            "operators are =, !=, <, <=, >, >=, [not] like, [not] ilike, [not] in (…), \
             [not] between … and …, is [not] null; quote values that contain spaces",
        )
    };
    let Some((after_word, word)) = peek_word(r) else {
        return Err(fail(expected_operator()));
    };
    let after_word = skip_ws(after_word);
    match &*word {
        "like" => like(cx, after_word, field, CompareOp::Like),
        "ilike" => like(cx, after_word, field, CompareOp::ILike),
        "in" => in_list(cx, after_word, field, false),
        "between" => between(cx, r, field, false),
        "not" => match peek_word(after_word) {
            Some((after, w)) if w == "like" => like(cx, skip_ws(after), field, CompareOp::NotLike),
            Some((after, w)) if w == "ilike" => like(cx, skip_ws(after), field, CompareOp::NotILike),
            Some((after, w)) if w == "in" => in_list(cx, skip_ws(after), field, true),
            Some((_, w)) if w == "between" => between(cx, after_word, field, true),
            _ => Err(fail(cx.expected("`like`, `ilike`, `in` or `between` after `not`", after_word))),
        },
        "is" => {
            let (r, negated) = match after_keyword(after_word, "not") {
                Some(after) => (skip_ws(after), true),
                None => (after_word, false),
            };
            let what = if negated { "`null` after `is not`" } else { "`null` or `not null` after `is`" };
            let (rest, _) = or_fail(keyword("null").parse(r), || {
                cx.expected(what, r).with_help("to compare with a value, use `=`")
            })?;
            Ok((rest, Condition::IsNull { field, negated }))
        }
        _ => Err(fail(expected_operator())),
    }
}

fn like<'a>(cx: &Cx<'a>, i: &'a str, field: Expr, op: CompareOp) -> PResult<'a, Condition> {
    let (rest, value) = or_fail(value(cx, i), || cx.expected(&format!("a pattern after `{}`", op.as_str()), i))?;
    Ok((rest, Condition::Compare { field, op, value }))
}

/// `between low and high`, both ends included. The `and` here belongs to `between`: the
/// predicate ends after `high`, so in `age between 1 and 5 and name=x` the second `and` joins
/// the next condition.
///
/// grammar: between
pub(super) fn between<'a>(cx: &Cx<'a>, i: &'a str, field: Expr, negated: bool) -> PResult<'a, Condition> {
    let (after, _) = keyword("between").parse(i)?;
    let what = if negated { "not between" } else { "between" };
    let v = skip_ws(after);
    let (rest, low) = or_fail(value(cx, v), || cx.expected(&format!("a value after `{what}`"), v))?;
    let r = skip_ws(rest);
    let (rest, _) = or_fail(keyword("and").parse(r), || {
        let low = &v[..v.len() - rest.len()];
        cx.expected(&format!("`and` after `{what} {low}`"), r).with_help("give both ends: `between 1 and 5`")
    })?;
    let r = skip_ws(rest);
    let (rest, high) = or_fail(value(cx, r), || cx.expected("a value after `and`", r))?;
    Ok((rest, Condition::Between { field, low, high, negated }))
}

fn in_list<'a>(cx: &Cx<'a>, i: &'a str, field: Expr, negated: bool) -> PResult<'a, Condition> {
    let (rest, values) = or_fail(value_list(cx, i), || {
        cx.expected("`(` after `in`", i).with_help("write the values in parentheses: `in (1, 2)`")
    })?;
    Ok((rest, Condition::In { field, values, negated }))
}

/// grammar: compare_op
pub(super) fn compare_op(i: &str) -> PResult<'_, CompareOp> {
    alt((
        to(CompareOp::Le, tag("<=")),
        to(CompareOp::Ge, tag(">=")),
        to(CompareOp::Ne, tag("!=")),
        to(CompareOp::Ne, tag("<>")),
        to(CompareOp::Eq, tag("=")),
        to(CompareOp::Lt, tag("<")),
        to(CompareOp::Gt, tag(">")),
    ))
    .parse(i)
}
