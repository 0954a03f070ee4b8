//! Warnings about a command that runs, but may not mean what its writer meant. Today one: a
//! bare word on the right of a comparison that spells a field path (`billing_city = user.city`)
//! is a value, the text `user.city`; the field is written with a leading dot (`.user.city`).

use crate::ast::{Command, CompareOp, Condition, Expr, FieldPath, Ident, LiteralKind, Span, Target};
use crate::catalog::{Catalog, Table};
use crate::parser::chars::ident_len;
use crate::value::FieldType;

/// What `command` should be warned of; empty for nearly every command.
pub fn warnings(catalog: &Catalog, command: &Command) -> Vec<String> {
    let (model, conditions): (&Ident, Vec<&Condition>) = match command {
        Command::Query(query) => (&query.model, query.filter.iter().chain(&query.having).collect()),
        Command::Count { model, filter, .. } => (model, filter.iter().collect()),
        Command::Update { model, target: Target::Where(condition), .. }
        | Command::Delete { model, target: Target::Where(condition) } => (model, vec![condition]),
        _ => return Vec::new(),
    };
    let Some(table) = catalog.find_model(&model.name) else { return Vec::new() };
    let mut found = Vec::new();
    for condition in conditions {
        words_that_are_fields(catalog, table, condition, &mut found);
    }
    found
}

fn words_that_are_fields(catalog: &Catalog, table: &Table, condition: &Condition, found: &mut Vec<String>) {
    match condition {
        Condition::And(a, b) | Condition::Or(a, b) => {
            words_that_are_fields(catalog, table, a, found);
            words_that_are_fields(catalog, table, b, found);
        }
        Condition::Not(inner) => words_that_are_fields(catalog, table, inner, found),
        Condition::Compare { field: Expr::Path(field), op, value } if !is_pattern(*op) => {
            let LiteralKind::Word(word) = &value.kind else { return };
            let Some(path) = as_path(word) else { return };
            // Only where the value is text: a number or a date cannot be a field's name.
            let compared_as_text = catalog.path(table, field).is_ok_and(|p| p.column.field_type == FieldType::Text);
            if compared_as_text && catalog.path(table, &path).is_ok() {
                found.push(format!(
                    "`{field} {} {word}` compares `{field}` with the text \"{word}\"; to compare it with the field, write `.{word}`",
                    op.as_str()
                ));
            }
        }
        _ => {}
    }
}

fn is_pattern(op: CompareOp) -> bool {
    matches!(op, CompareOp::Like | CompareOp::NotLike | CompareOp::ILike | CompareOp::NotILike)
}

/// The word as a field path, if it has the shape of one (`city`, `user.city`).
fn as_path(word: &str) -> Option<FieldPath> {
    let parts: Option<Vec<Ident>> = word
        .split('.')
        .map(|part| {
            (!part.is_empty() && ident_len(part) == part.len())
                .then(|| Ident { name: part.to_string(), span: Span::default() })
        })
        .collect();
    Some(FieldPath { parts: parts?, span: Span::default() })
}
