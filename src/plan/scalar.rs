//! An expression as typed (`user.country`, `count(orders)`, `sum(total)`, `year(created_at)`)
//! resolved to the [`Scalar`] the database computes, checked against where it stands: a path
//! through a relation is "at least one" in `where` and nowhere else, an aggregate over a
//! group's rows belongs to a summary's fields, `having` and `order by`, an aggregate over a
//! relation of each row to a query row by row.

use crate::ast::{AggFunc, Expr, FieldPath};
use crate::catalog::{Catalog, Column, End, Table};
use crate::error::{Error, ErrorKind, Result};
use crate::plan::Scalar;
use crate::value::FieldType;

/// Where an expression stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A condition on rows (`where`, and the target of `update`/`delete`).
    Where,
    /// A field shown, or a key sorted by, row by row.
    Row,
    /// A key of `by`.
    By,
    /// A field shown, a condition (`having`) or a key sorted by, in a summary.
    Summary,
}

/// Resolves `expr` from `table` for `place`.
pub fn scalar(catalog: &Catalog, table: &Table, expr: &Expr, place: Place) -> Result<Scalar> {
    match expr {
        Expr::Path(path) => {
            let resolved = catalog.path(table, path)?;
            if place != Place::Where && resolved.fans_out() {
                return Err(many_values(catalog, table, path));
            }
            Ok(Scalar::Path(resolved))
        }
        Expr::DatePart { part, arg, .. } => {
            let resolved = catalog.path(table, arg)?;
            if place != Place::Where && resolved.fans_out() {
                return Err(many_values(catalog, table, arg));
            }
            if !matches!(resolved.column.field_type, FieldType::Date | FieldType::DateTime) {
                return Err(Error::at(
                    ErrorKind::Value,
                    format!(
                        "`{}` takes a date or a datetime, and `{arg}` is {}",
                        part.name(),
                        resolved.column.field_type
                    ),
                    arg.span,
                )
                .with_label(format!("{} is {}", resolved.column.name, resolved.column.field_type)));
            }
            Ok(Scalar::DatePart(*part, resolved))
        }
        Expr::Aggregate { func, distinct, arg, span } => {
            let (func, distinct) = (*func, *distinct);
            let Some(arg) = arg else {
                return group_aggregate(expr, place).map(|()| Scalar::Aggregate { func, distinct, arg: None });
            };
            let walk = catalog.walk(table, arg)?;
            let column = match walk.end {
                End::Column(column) => Some(column),
                End::Rows(_) if func == AggFunc::Count => None,
                End::Rows(_) => {
                    return Err(Error::at(
                        ErrorKind::Value,
                        format!("`{arg}` is a relation; `{}` needs one of its fields", func.name()),
                        arg.span,
                    )
                    .with_help(format!("for example `{}({arg}.<field>)`, or `count({arg})`", func.name())));
                }
            };
            if let Some(column) = &column {
                check_aggregated(func, column, arg)?;
            }
            if walk.first_relation.is_none() {
                group_aggregate(expr, place)?;
                let path = crate::catalog::ResolvedPath {
                    steps: walk.steps,
                    column: column.expect("a path without a relation ends at a column"),
                };
                return Ok(Scalar::Aggregate { func, distinct, arg: Some(path) });
            }
            match place {
                Place::Where | Place::Row => Ok(Scalar::PerRow { func, distinct, steps: walk.steps, column }),
                Place::By => Err(Error::at(ErrorKind::Value, format!("`{expr}` cannot be a `by` key"), *span)
                    .with_help("group by a field or a date part; aggregates go after `fields`")),
                Place::Summary => Err(Error::at(
                    ErrorKind::Value,
                    format!("`{expr}` is per row of {}, and this is a summary of groups", table.model_name()),
                    *span,
                )
                .with_help(format!(
                    "summarise from the related model instead (its rows grouped by their reference to {})",
                    table.model_name()
                ))),
            }
        }
    }
}

/// Whether an aggregate over a group's rows may stand in `place`.
fn group_aggregate(expr: &Expr, place: Place) -> Result<()> {
    match place {
        Place::Summary | Place::Row => Ok(()),
        Place::Where => Err(Error::at(
            ErrorKind::Value,
            format!("`{expr}` is over groups of rows, so it cannot test one row"),
            expr.span(),
        )
        .with_help("test groups with `by … having …`, or count a relation of each row: `count(orders) > 2`")),
        Place::By => Err(Error::at(ErrorKind::Value, format!("`{expr}` cannot be a `by` key"), expr.span())
            .with_help("group by a field or a date part; aggregates go after `fields`")),
    }
}

/// Sums and averages need numbers; extremes need values that order.
fn check_aggregated(func: AggFunc, column: &Column, arg: &FieldPath) -> Result<()> {
    let ty = &column.field_type;
    let fits = match func {
        AggFunc::Count => true,
        AggFunc::Sum | AggFunc::Avg => matches!(ty, FieldType::Int | FieldType::Float | FieldType::Decimal),
        AggFunc::Min | AggFunc::Max => !matches!(ty, FieldType::Bool | FieldType::Json | FieldType::Bytes),
    };
    if fits {
        return Ok(());
    }
    let needs = match func {
        AggFunc::Sum | AggFunc::Avg => "a number field (int, float or decimal)",
        _ => "a field whose values have an order",
    };
    Err(Error::at(ErrorKind::Value, format!("`{}` needs {needs}, and `{arg}` is {ty}", func.name()), arg.span)
        .with_label(format!("{} is {ty}", column.name)))
}

/// The error for a path through a relation where one value per row is needed.
fn many_values(catalog: &Catalog, table: &Table, path: &FieldPath) -> Error {
    let at = catalog.walk(table, path).ok().and_then(|w| w.first_relation).unwrap_or(0);
    let relation = &path.parts[at].name;
    Error::at(ErrorKind::Value, format!("`{path}` has many values for each {}", table.model_name()), path.span)
        .with_label(format!("`{relation}` is a relation"))
        .with_help(format!(
            "use an aggregate such as `count({path})` or `max({path})`, or `with {relation}` to show the related records"
        ))
}
