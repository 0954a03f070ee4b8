//! Data commands: `add`, `get`, `query` and its clauses, `count`, `update`, `delete`.

use nom::Parser;
use nom::character::complete::char;

use super::condition::condition;
use super::context::{Cx, PResult, fail, or_fail};
use super::expr::{expr, expr_list};
use super::lexical::{after_keyword, field_path, integer, keyword, model_name, name, name_end, peek_word, skip_ws};
use super::literal::{field_value, value};
use crate::ast::{
    AssignOp, Assignment, Command, Condition, Count, Direction, Expr, FieldPath, Ident, LiteralKind, OrderItem, Query,
    Target,
};
use crate::error::Error;
use crate::suggest::did_you_mean;

const QUERY_CLAUSES: [&str; 8] = ["fields", "where", "by", "having", "order", "limit", "offset", "with"];

/// For a word that follows a value: it was probably meant to be part of it.
const QUOTE_HELP: &str = "quote values that contain spaces: name=\"John Smith\"";

/// `model` right after the command word, or an error.
fn command_model<'a>(cx: &Cx<'a>, i: &'a str, command: &'static str) -> PResult<'a, Ident> {
    let (r, _) = keyword(command).parse(i)?;
    let r = skip_ws(r);
    or_fail(model_name(cx, r), || cx.expected("a model name", r))
}

/// `WORD given twice`, at the second one.
fn given_twice(cx: &Cx<'_>, at: &str, word: &str) -> nom::Err<super::context::Fail> {
    let (_, span) = cx.found(at);
    fail(Error::syntax(format!("`{word}` is given twice"), span))
}

/// grammar: add
pub(super) fn add<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, model) = command_model(cx, i, "add")?;
    let r = skip_ws(rest);
    if r.is_empty() {
        return Ok((rest, Command::Add { model, values: Vec::new() }));
    }
    let (rest, values) = or_fail(assignments(cx, r), || cx.expected("`field=value`", r))?;
    Ok((rest, Command::Add { model, values }))
}

/// grammar: upsert
pub(super) fn upsert<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (rest, model) = command_model(cx, i, "upsert")?;
    let r = skip_ws(rest);
    let (rest, values) = or_fail(assignments(cx, r), || {
        cx.expected("`field=value`", r).with_help("an upsert needs the fields of a key, and the fields to store")
    })?;
    Ok((rest, Command::Upsert { model, values }))
}

/// `a=1 b=2`, `a=1, b=2`: separated by spaces and/or commas.
///
/// grammar: assignments
pub(super) fn assignments<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<Assignment>> {
    let (mut rest, first) = assignment(cx, i)?;
    let mut list = Vec::with_capacity(4);
    let mut seen: Option<std::collections::HashSet<String>> = None;
    list.push(first);
    loop {
        let r = skip_ws(rest);
        let (r, comma) = match char::<&str, ()>(',').parse(r) {
            Ok((after, _)) => (skip_ws(after), true),
            Err(_) => (r, false),
        };
        if !comma
            && let Some(after_name) = name_end(cx, r)
            && !starts_assign_op(skip_ws(after_name))
            && !after_name.starts_with('.')
        {
            // `update User set a=1 where …`: the list ends at `where` or `all`.
            let word = &r[..r.len() - after_name.len()];
            if ["where", "all", "set"].iter().any(|kw| word.eq_ignore_ascii_case(kw)) {
                break;
            }
            // `name=John Smith age=3`: a word after a value, where a field was expected.
            if let Ok((_, word)) = name(cx, r) {
                let error = cx.expected(&format!("`=` after `{}`", word.name), skip_ws(after_name));
                return Err(fail(error.with_help(QUOTE_HELP)));
            }
        }
        let (after, next) = match assignment(cx, r) {
            Ok(found) => found,
            Err(nom::Err::Error(_)) if comma => {
                return Err(fail(cx.expected("`field=value` after `,`", r)));
            }
            Err(nom::Err::Error(_)) => break,
            Err(e) => return Err(e),
        };
        // Lists are short, and a scan beats hashing; a long one (generated, thousands of
        // fields) is checked against a set, so that its cost stays linear.
        let twice = if list.len() < LONG_LIST {
            list.iter().any(|a| same_name(&a.field.name, &next.field.name))
        } else {
            let seen = seen.get_or_insert_with(|| list.iter().map(|a| folded(&a.field.name)).collect());
            !seen.insert(folded(&next.field.name))
        };
        if twice {
            return Err(fail(Error::syntax(format!("`{}` is given twice", next.field.name), next.field.span)));
        }
        list.push(next);
        rest = after;
    }
    Ok((rest, list))
}

/// Whether `i` starts with `=` or a compound operator (`+=`, `-=`, `*=`, `/=`).
fn starts_assign_op(i: &str) -> bool {
    i.starts_with('=') || assign_op(i).is_some()
}

/// The compound operator at the start of `i`, and the text after it.
fn assign_op(i: &str) -> Option<(AssignOp, &str)> {
    let op = match i.as_bytes() {
        [b'+', b'=', ..] => AssignOp::Add,
        [b'-', b'=', ..] => AssignOp::Sub,
        [b'*', b'=', ..] => AssignOp::Mul,
        [b'/', b'=', ..] => AssignOp::Div,
        _ => return None,
    };
    Some((op, &i[2..]))
}

/// grammar: assignment
pub(super) fn assignment<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Assignment> {
    let (r, field) = name(cx, i)?;
    // `user.email=…`: a reference set by a field of the row it points at.
    let (r, through) = match r.strip_prefix('.') {
        Some(after_dot) => {
            let (r, path) = or_fail(field_path(cx, after_dot), || cx.expected("a field name after `.`", after_dot))?;
            (r, Some(path))
        }
        None => (r, None),
    };
    let at_op = skip_ws(r);
    let (r, op) = match assign_op(at_op) {
        Some((op, after)) => (after, op),
        None => {
            let (after, _) =
                or_fail(char('=').parse(at_op), || cx.expected(&format!("`=` after `{}`", field.name), at_op))?;
            (after, AssignOp::Set)
        }
    };
    let op_span = cx.span(at_op, r);
    let r = skip_ws(r);
    let (rest, value) =
        or_fail(field_value(cx, r), || cx.expected(&format!("a value for `{}`", field.name), r).with_help(QUOTE_HELP))?;
    Ok((rest, Assignment { field, through, op, op_span, value }))
}

/// grammar: get
pub(super) fn get<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (r, model) = command_model(cx, i, "get")?;
    let r = skip_ws(r);
    let (rest, key) = or_fail(value(cx, r), || cx.expected("a primary key value", r))?;
    if matches!(&key.kind, LiteralKind::Word(w) if w.eq_ignore_ascii_case("where")) && !skip_ws(rest).is_empty() {
        let help = format!("write the key alone: `get {0} 1`, or use `query {0} where …`", model.name);
        return Err(fail(Error::syntax("`get` takes a primary key value, not a condition", key.span).with_help(help)));
    }
    if matches!(&key.kind, LiteralKind::Word(w) if w.eq_ignore_ascii_case("with")) && !skip_ws(rest).is_empty() {
        let help = format!("write the key first: `get {} 1 with …`", model.name);
        return Err(fail(Error::syntax("`get` needs a primary key value before `with`", key.span).with_help(help)));
    }
    if skip_ws(rest).starts_with('=') {
        let help = format!("write the key alone: `get {} 1`", model.name);
        return Err(fail(cx.unexpected_after(skip_ws(rest)).with_help(help)));
    }
    let r = skip_ws(rest);
    if peek_word(r).is_some_and(|(_, w)| w == "with") {
        let (rest, with) = with_clause(cx, r)?;
        return Ok((rest, Command::Get { model, key, with }));
    }
    Ok((rest, Command::Get { model, key, with: Vec::new() }))
}

/// `query User` and its clauses, in any order, each at most once.
///
/// grammar: query
pub(super) fn query<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (mut rest, model) = command_model(cx, i, "query")?;
    let mut query = Query {
        model,
        fields: None,
        distinct: false,
        filter: None,
        by: Vec::new(),
        having: None,
        order: Vec::new(),
        limit: None,
        offset: None,
        with: Vec::new(),
    };
    let mut seen_order = false;
    let mut after_where = false;
    loop {
        let r = skip_ws(rest);
        if r.is_empty() {
            break;
        }
        let word = peek_word(r).map(|(_, w)| w).unwrap_or_default();
        let repeated = match &*word {
            "fields" => query.fields.is_some(),
            "where" => query.filter.is_some(),
            "by" => !query.by.is_empty(),
            "having" => query.having.is_some(),
            "order" => seen_order,
            "limit" => query.limit.is_some(),
            "offset" => query.offset.is_some(),
            "with" => !query.with.is_empty(),
            _ if r.starts_with(')') => {
                let (_, span) = cx.found(r);
                return Err(fail(Error::syntax("unmatched `)`", span).with_help("there is no `(` for it to close")));
            }
            _ => {
                let mut error =
                    cx.expected("`fields`, `where`, `by`, `having`, `order by`, `limit`, `offset` or `with`", r);
                if let Some(help) = did_you_mean(&word, QUERY_CLAUSES) {
                    error = error.with_help(help);
                } else if after_where && !word.is_empty() {
                    error = error.with_help(QUOTE_HELP);
                }
                return Err(fail(error));
            }
        };
        if repeated {
            return Err(given_twice(cx, r, &word));
        }
        after_where = word == "where";
        rest = match &*word {
            "fields" => {
                let (after, (distinct, fields)) = fields_clause(cx, r)?;
                query.fields = Some(fields);
                query.distinct = distinct;
                after
            }
            "where" => {
                let (after, filter) = where_clause(cx, r)?;
                query.filter = Some(filter);
                after
            }
            "by" => {
                let (after, by) = by_clause(cx, r)?;
                query.by = by;
                after
            }
            "having" => {
                let (after, having) = having_clause(cx, r)?;
                query.having = Some(having);
                after
            }
            "order" => {
                let (after, order) = order_clause(cx, r)?;
                query.order = order;
                seen_order = true;
                after
            }
            "limit" => {
                let (after, limit) = limit_clause(cx, r)?;
                query.limit = Some(limit);
                after
            }
            "with" => {
                let (after, with) = with_clause(cx, r)?;
                query.with = with;
                after
            }
            _ => {
                let (after, offset) = offset_clause(cx, r)?;
                query.offset = Some(offset);
                after
            }
        };
    }
    Ok((rest, Command::Query(Box::new(query))))
}

/// `fields [distinct] a, count, sum(b)`: whether `distinct` was given, and the list.
///
/// grammar: fields_clause
pub(super) fn fields_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, (bool, Vec<Expr>)> {
    let (r, _) = keyword("fields").parse(i)?;
    let (r, distinct) = match after_keyword(r, "distinct") {
        Some(after) => (after, true),
        None => (r, false),
    };
    let (rest, fields) = expr_list(cx, skip_ws(r), "a field name")?;
    Ok((rest, (distinct, fields)))
}

/// `by a, year(b)`: the keys of a summary's groups.
///
/// grammar: by_clause
pub(super) fn by_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<Expr>> {
    let (r, _) = keyword("by").parse(i)?;
    expr_list(cx, skip_ws(r), "a field to group by")
}

/// grammar: having_clause
pub(super) fn having_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Condition> {
    let (r, _) = keyword("having").parse(i)?;
    let r = skip_ws(r);
    let (rest, filter) = or_fail(condition(cx, r), || cx.expected("a condition on the groups after `having`", r))?;
    Ok((rest, *filter))
}

/// `with orders.order_items, address`: the relations and references whose records are shown
/// under each row. Which names those are is the catalog's to say, when the command is planned.
///
/// grammar: with_clause
pub(super) fn with_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<FieldPath>> {
    let (r, _) = keyword("with").parse(i)?;
    let r = skip_ws(r);
    let expected = |r| cx.expected("a relation or reference after `with`", r);
    let (mut rest, first) = or_fail(field_path(cx, r), || expected(r))?;
    let mut paths = vec![first];
    while let Ok((after, _)) = char::<&str, ()>(',').parse(skip_ws(rest)) {
        let r = skip_ws(after);
        let (after, path) = or_fail(field_path(cx, r), || expected(r))?;
        paths.push(path);
        rest = after;
    }
    Ok((rest, paths))
}

/// grammar: where_clause
pub(super) fn where_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Condition> {
    let (r, _) = keyword("where").parse(i)?;
    let r = skip_ws(r);
    let (rest, filter) = or_fail(condition(cx, r), || {
        if r.is_empty() { cx.expected("a condition after `where`", r) } else { cx.expected("a field name", r) }
    })?;
    Ok((rest, *filter))
}

/// grammar: order_clause
pub(super) fn order_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<OrderItem>> {
    let (r, _) = keyword("order").parse(i)?;
    let r = skip_ws(r);
    let (r, _) = or_fail(keyword("by").parse(r), || cx.expected("`by` after `order`", r))?;
    let r = skip_ws(r);
    let (mut rest, first) = or_fail(order_item(cx, r), || cx.expected("a field name", r))?;
    let mut items = vec![first];
    while let Ok((after, _)) = char::<&str, ()>(',').parse(skip_ws(rest)) {
        let r = skip_ws(after);
        let (after, item) = or_fail(order_item(cx, r), || cx.expected("a field name", r))?;
        items.push(item);
        rest = after;
    }
    Ok((rest, items))
}

/// grammar: order_item
pub(super) fn order_item<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, OrderItem> {
    let (rest, field) = expr(cx, i)?;
    if let Some(after) = after_keyword(rest, "asc") {
        return Ok((after, OrderItem { field, direction: Direction::Asc }));
    }
    if let Some(after) = after_keyword(rest, "desc") {
        return Ok((after, OrderItem { field, direction: Direction::Desc }));
    }
    Ok((rest, OrderItem { field, direction: Direction::Asc }))
}

/// grammar: limit_clause
pub(super) fn limit_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Count> {
    let (r, _) = keyword("limit").parse(i)?;
    let r = skip_ws(r);
    or_fail(integer(cx, r), || cx.expected("a non-negative integer after `limit`", r))
}

/// grammar: offset_clause
pub(super) fn offset_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Count> {
    let (r, _) = keyword("offset").parse(i)?;
    let r = skip_ws(r);
    or_fail(integer(cx, r), || cx.expected("a non-negative integer after `offset`", r))
}

/// `count User [where …] [by …]`, the clauses in either order.
///
/// grammar: count
pub(super) fn count<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (mut rest, model) = command_model(cx, i, "count")?;
    let mut filter = None;
    let mut by = Vec::new();
    loop {
        let r = skip_ws(rest);
        if r.is_empty() {
            break;
        }
        let word = peek_word(r).map(|(_, w)| w).unwrap_or_default();
        rest = match &*word {
            "where" if filter.is_some() => return Err(given_twice(cx, r, "where")),
            "by" if !by.is_empty() => return Err(given_twice(cx, r, "by")),
            "where" => {
                let (after, f) = where_clause(cx, r)?;
                filter = Some(f);
                after
            }
            "by" => {
                let (after, keys) = by_clause(cx, r)?;
                by = keys;
                after
            }
            _ => {
                let mut error = cx.unexpected_after(r);
                if let Some(help) = did_you_mean(&word, ["where", "by"]) {
                    error = error.with_help(help);
                }
                return Err(fail(error));
            }
        };
    }
    Ok((rest, Command::Count { model, filter, by }))
}

/// `update User where … set …`; `set …` may also come first, as in SQL.
///
/// grammar: update
pub(super) fn update<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (mut rest, model) = command_model(cx, i, "update")?;
    let mut target = None;
    let mut set = None;
    loop {
        let r = skip_ws(rest);
        let word = peek_word(r).map(|(_, w)| w).unwrap_or_default();
        rest = match &*word {
            "where" | "all" if target.is_some() => {
                let (_, span) = cx.found(r);
                let message = "`update` takes one `where …` or `all`";
                return Err(fail(Error::syntax(message, span)));
            }
            "where" | "all" => {
                let (after, t) = self::target(cx, r)?;
                target = Some(t);
                after
            }
            "set" if set.is_some() => return Err(given_twice(cx, r, "set")),
            "set" => {
                let (after, s) = set_clause(cx, r)?;
                set = Some(s);
                after
            }
            _ => break,
        };
    }
    let Some(target) = target else {
        return Err(fail(needs_target(cx, rest, &model, "update")));
    };
    let Some(set) = set else {
        let r = skip_ws(rest);
        return Err(fail(cx.expected("`set`", r).with_help("write `update … set field=value, …`")));
    };
    Ok((rest, Command::Update { model, target, set }))
}

/// The error for `update`/`delete` without `where` or `all`, pointing at what stands where it
/// should be (`wher`), or where it should go.
fn needs_target(cx: &Cx<'_>, at: &str, model: &Ident, command: &str) -> Error {
    let next = skip_ws(at);
    let span = if next.is_empty() { cx.at(at) } else { cx.found(next).1 };
    let mut error = Error::syntax(format!("`{command}` needs `where …` or `all`"), span);
    if let Some(help) = peek_word(next).and_then(|(_, w)| did_you_mean(&w, ["where", "all"])) {
        error = error.with_help(help);
    } else {
        error = error.with_help(format!(
            "write `{command} {model} where …`, or `{command} {model} all` for every row",
            model = model.name
        ));
    }
    error
}

/// grammar: set_clause
pub(super) fn set_clause<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Vec<Assignment>> {
    let (r, _) = keyword("set").parse(i)?;
    let r = skip_ws(r);
    or_fail(assignments(cx, r), || cx.expected("`field=value` after `set`", r))
}

/// grammar: delete
pub(super) fn delete<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let (model_end, model) = command_model(cx, i, "delete")?;
    let r = skip_ws(model_end);
    let (rest, target) = or_fail(target(cx, r), || needs_target(cx, model_end, &model, "delete"))?;
    Ok((rest, Command::Delete { model, target }))
}

/// Which rows: `where …`, or `all` on purpose.
///
/// grammar: target
pub(super) fn target<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Target> {
    if let Ok((rest, _)) = keyword("all").parse(i) {
        return Ok((rest, Target::All(cx.span(i, rest))));
    }
    let (rest, filter) = where_clause(cx, i)?;
    Ok((rest, Target::Where(filter)))
}

/// Names compare case-insensitively; ASCII names (nearly all) without allocating.
/// How many assignments are checked for a repeated name by a scan, before a set takes over.
const LONG_LIST: usize = 16;

/// A name as [`same_name`] compares it.
fn folded(name: &str) -> String {
    if name.is_ascii() { name.to_ascii_lowercase() } else { name.to_lowercase() }
}

fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() { a.eq_ignore_ascii_case(b) } else { a.to_lowercase() == b.to_lowercase() }
}
