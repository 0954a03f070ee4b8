//! `query` and `count … by` as a [`Select`]: row by row, or a summary (`by`, or aggregates in
//! `fields`) whose output is the group keys first, then the fields as written.

use crate::ast::{AggFunc, Condition, Direction, Expr, Query, Span};
use crate::catalog::{Catalog, Table};
use crate::coerce::Now;
use crate::error::{Error, ErrorKind, Result};
use crate::plan::resolve::{having, optional_filter};
use crate::plan::scalar::{Place, scalar};
use crate::plan::{Grouping, OrderBy, Projection, Scalar, Select};

/// A `query`: every column, the fields given, or a summary.
pub fn query(catalog: &Catalog, table: &Table, query: &Query, now: Now) -> Result<Select> {
    let filter = optional_filter(catalog, table, query.filter.as_ref(), now)?;
    let fields = query.fields.as_deref().unwrap_or_default();
    // A summary when grouped, or when a field is an aggregate over the rows.
    let summary = !query.by.is_empty()
        || fields.iter().any(|f| matches!(scalar(catalog, table, f, Place::Row), Ok(ref s) if s.is_group_aggregate()));
    if !summary {
        if let Some(having) = &query.having {
            let help = format!(
                "group with `by …` first: `query {} by <field> fields count having count > 1`",
                query.model.name
            );
            return Err(Error::at(
                ErrorKind::Value,
                "`having` tests groups, and this query has none",
                condition_span(having),
            )
            .with_help(help));
        }
        let columns = match &query.fields {
            None => table.columns.iter().map(Projection::column).collect(),
            Some(fields) => fields
                .iter()
                .map(|f| Ok(Projection { value: scalar(catalog, table, f, Place::Row)?, label: f.to_string() }))
                .collect::<Result<_>>()?,
        };
        let order = query
            .order
            .iter()
            .map(|item| {
                let value = scalar(catalog, table, &item.field, Place::Row)?;
                Ok(OrderBy { nulls_last: may_be_null(&value), value, direction: item.direction })
            })
            .collect::<Result<_>>()?;
        return Ok(Select {
            columns,
            distinct: query.distinct,
            order,
            limit: query.limit.map(|c| c.value),
            offset: query.offset.map(|c| c.value),
            ..Select::rows(table, filter)
        });
    }
    if query.distinct {
        let span = query.fields.as_ref().and_then(|f| f.first()).map_or(query.model.span, Expr::span);
        return Err(Error::at(
            ErrorKind::Value,
            "`distinct` shows each row once, and a summary's rows are its groups",
            span,
        )
        .with_help("count distinct values with `count(distinct field)`"));
    }
    let keys = group_keys(catalog, table, &query.by)?;
    let mut columns: Vec<Projection> = query
        .by
        .iter()
        .zip(&keys)
        .map(|(expr, key)| Projection { value: key.clone(), label: expr.to_string() })
        .collect();
    let fields: Vec<Expr> = match &query.fields {
        Some(fields) => fields.clone(),
        None => vec![Expr::Aggregate { func: AggFunc::Count, distinct: false, arg: None, span: query.model.span }],
    };
    for field in &fields {
        let value = summary_value(catalog, table, field, &keys)?;
        // A key given again as a field is shown once, where the keys are.
        if !keys.contains(&value) {
            columns.push(Projection { value, label: field.to_string() });
        }
    }
    let having = match &query.having {
        Some(condition) => {
            check_summary_condition(catalog, table, condition, &keys)?;
            Some(having(catalog, table, condition, now)?)
        }
        None => None,
    };
    let order: Vec<OrderBy> = if query.order.is_empty() {
        // Groups come in the order of their keys, nulls last, the same on every database.
        keys.iter()
            .map(|k| OrderBy { value: k.clone(), direction: Direction::Asc, nulls_last: may_be_null(k) })
            .collect()
    } else {
        query
            .order
            .iter()
            .map(|item| {
                let value = summary_value(catalog, table, &item.field, &keys)?;
                Ok(OrderBy { nulls_last: may_be_null(&value), value, direction: item.direction })
            })
            .collect::<Result<_>>()?
    };
    Ok(Select {
        columns,
        grouping: if keys.is_empty() { Grouping::All } else { Grouping::By(keys) },
        having,
        order,
        limit: query.limit.map(|c| c.value),
        offset: query.offset.map(|c| c.value),
        ..Select::rows(table, filter)
    })
}

/// Whether a sort key may be null, and so needs its nulls put last the same way everywhere
/// (SQLite and MySQL sort them first, PostgreSQL last). A column that cannot be null needs no
/// extra key, which would keep an index from giving the order.
fn may_be_null(value: &Scalar) -> bool {
    match value {
        Scalar::Path(path) => path.column.nullable || !path.steps.is_empty(),
        Scalar::Aggregate { func: AggFunc::Count, .. } | Scalar::PerRow { func: AggFunc::Count, .. } => false,
        _ => true,
    }
}

/// `count M [where …] by k, …`: one row per group with its count, largest first, ties by the
/// keys.
pub fn count_by(catalog: &Catalog, table: &Table, filter: Option<&Condition>, by: &[Expr], now: Now) -> Result<Select> {
    let keys = group_keys(catalog, table, by)?;
    let mut columns: Vec<Projection> =
        by.iter().zip(&keys).map(|(expr, key)| Projection { value: key.clone(), label: expr.to_string() }).collect();
    let count = Scalar::Aggregate { func: AggFunc::Count, distinct: false, arg: None };
    columns.push(Projection { value: count.clone(), label: "count".into() });
    let mut order = vec![OrderBy { value: count, direction: Direction::Desc, nulls_last: false }];
    order.extend(keys.iter().map(|k| OrderBy {
        value: k.clone(),
        direction: Direction::Asc,
        nulls_last: may_be_null(k),
    }));
    Ok(Select {
        columns,
        grouping: Grouping::By(keys),
        order,
        ..Select::rows(table, optional_filter(catalog, table, filter, now)?)
    })
}

fn group_keys(catalog: &Catalog, table: &Table, by: &[Expr]) -> Result<Vec<Scalar>> {
    by.iter().map(|expr| scalar(catalog, table, expr, Place::By)).collect()
}

/// A field, a condition's operand or a sort key of a summary: an aggregate, or one of the keys.
fn summary_value(catalog: &Catalog, table: &Table, expr: &Expr, keys: &[Scalar]) -> Result<Scalar> {
    let value = scalar(catalog, table, expr, Place::Summary)?;
    if value.is_group_aggregate() || keys.contains(&value) {
        return Ok(value);
    }
    let help = if keys.is_empty() {
        format!("without `by`, a summary shows aggregates only: add `by {expr}`, or use `max({expr})`")
    } else {
        format!("add it to `by`, or use an aggregate such as `max({expr})`")
    };
    Err(Error::at(ErrorKind::Value, format!("`{expr}` is neither a `by` key nor an aggregate"), expr.span())
        .with_label("one value per group is needed")
        .with_help(help))
}

/// Every operand of a `having` condition is an aggregate or a key.
fn check_summary_condition(catalog: &Catalog, table: &Table, condition: &Condition, keys: &[Scalar]) -> Result<()> {
    match condition {
        Condition::And(a, b) | Condition::Or(a, b) => {
            check_summary_condition(catalog, table, a, keys)?;
            check_summary_condition(catalog, table, b, keys)
        }
        Condition::Not(inner) => check_summary_condition(catalog, table, inner, keys),
        Condition::Compare { field, .. }
        | Condition::CompareFields { field, .. }
        | Condition::In { field, .. }
        | Condition::IsNull { field, .. }
        | Condition::Between { field, .. } => summary_value(catalog, table, field, keys).map(|_| ()),
    }
}

/// Where a condition starts, for an error about all of it.
fn condition_span(condition: &Condition) -> Span {
    match condition {
        Condition::And(a, _) | Condition::Or(a, _) | Condition::Not(a) => condition_span(a),
        Condition::Compare { field, .. }
        | Condition::CompareFields { field, .. }
        | Condition::In { field, .. }
        | Condition::IsNull { field, .. }
        | Condition::Between { field, .. } => field.span(),
    }
}
