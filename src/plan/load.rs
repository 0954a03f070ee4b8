//! `with`: which related records are shown under each row, resolved against the catalog into a
//! tree of [`Load`]s. `with orders.order_items.product, address` is `orders` (each with its
//! `order_items`, each with its `product`) and `address`, under every row.
//!
//! The tree is what the dialect writes into the one statement of the command (each load a
//! subquery that the database aggregates to JSON), and what the session reads that JSON back
//! by: run and `explain` share it through the plan.

use crate::ast::{FieldPath, Ident};
use crate::catalog::{Catalog, Column, Member, Step, Table};
use crate::error::{Error, ErrorKind, Result};
use crate::suggest::did_you_mean;
use crate::value::FieldType;

/// The records one relation or reference leads to from a row, and what is loaded with each of
/// them in turn.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// The name they are shown under, as the catalog spells it (`orders`, `order_items`,
    /// `user`), whatever spelling was typed.
    pub name: String,
    /// From the row to its records: a relation (one step, or two through a join table) or a
    /// reference (one step).
    pub steps: Vec<Step>,
    /// The records' table.
    pub table: String,
    /// Every column of the records, in the table's order: what is shown of each, and the types
    /// their values are read back by.
    pub columns: Vec<Column>,
    /// The columns the records are sorted by (their key), so that the output is the same on
    /// every run and every database.
    pub order: Vec<String>,
    /// What is loaded with each record, in the order first named.
    pub nested: Vec<Load>,
}

/// A load for the tests of the modules that read or show related records: `many` a relation
/// of `name`'s rows by `parent_id`, else a reference by `<name>_id`.
#[cfg(test)]
pub(crate) fn test_load(name: &str, many: bool, columns: Vec<Column>, nested: Vec<Load>) -> Load {
    let step = if many {
        Step::Relation { table: name.into(), column: "parent_id".into(), key: "id".into() }
    } else {
        Step::Reference { column: format!("{name}_id"), table: name.into(), key: "id".into() }
    };
    Load { name: name.into(), steps: vec![step], table: name.into(), columns, order: vec!["id".into()], nested }
}

impl Load {
    /// Whether a row may have many of these records (a relation: a list), or at most one (a
    /// reference: a record or none).
    pub fn many(&self) -> bool {
        self.steps.iter().any(Step::fans_out)
    }

    /// The names of the records' columns.
    pub fn column_names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }
}

/// How many levels a `with` path may go down. Each is a subquery inside the one above it, and
/// the statement is written, run and read level by level: a bound keeps every one of those from
/// running out of stack, far above what anyone shows under a row, and below what SQLite takes
/// in one statement (its expressions nest at most 1000 deep: about 22 levels).
const MAX_LEVELS: usize = 16;

/// The load tree of `with a.b, c` on rows of `table`. Paths that share a beginning share its
/// loads (`with orders, orders.order_items` loads orders once); the same path twice is an error.
pub fn loads(catalog: &Catalog, table: &Table, paths: &[FieldPath]) -> Result<Vec<Load>> {
    let mut loads: Vec<Load> = Vec::new();
    let mut given: Vec<Vec<String>> = Vec::with_capacity(paths.len());
    for path in paths {
        if let Some(part) = path.parts.get(MAX_LEVELS) {
            return Err(Error::at(
                ErrorKind::Refused,
                format!("`with` goes at most {MAX_LEVELS} levels down"),
                part.span,
            ));
        }
        let mut level = &mut loads;
        let mut current = table;
        let mut names = Vec::with_capacity(path.parts.len());
        for part in &path.parts {
            let (load, target) = resolve(catalog, current, part)?;
            names.push(load.name.clone());
            let at = match level.iter().position(|l| l.name == load.name) {
                Some(at) => at,
                None => {
                    level.push(load);
                    level.len() - 1
                }
            };
            level = &mut level[at].nested;
            current = target;
        }
        if given.contains(&names) {
            return Err(Error::at(ErrorKind::Value, format!("`with {}` is given twice", names.join(".")), path.span)
                .with_label("already loaded"));
        }
        given.push(names);
    }
    Ok(loads)
}

/// One name of a `with` path in `table`: a relation or a reference, as a load without anything
/// nested yet, and the table it leads to.
fn resolve<'c>(catalog: &'c Catalog, table: &'c Table, part: &Ident) -> Result<(Load, &'c Table)> {
    let (name, steps, target) = match catalog.member(table, part) {
        Ok(Member::Relation(relation)) => (relation.name.clone(), relation.steps(), relation.target().to_string()),
        Ok(Member::Reference(fk, _)) => {
            let step =
                Step::Reference { column: fk.column.clone(), table: fk.ref_table.clone(), key: fk.ref_column.clone() };
            (fk.reference_name().to_string(), vec![step], fk.ref_table.clone())
        }
        Ok(Member::Column(column)) => return Err(not_related(catalog, table, part, column)),
        Err(_) => return Err(unknown(catalog, table, part)),
    };
    let target = catalog.table(&target).ok_or_else(|| {
        Error::at(
            ErrorKind::Name,
            format!("`{}` leads to table `{target}`, which is not in the current schema", part.name),
            part.span,
        )
    })?;
    let load = Load {
        name,
        steps,
        table: target.name.clone(),
        columns: target.columns.clone(),
        order: order_of(target),
        nested: Vec::new(),
    };
    Ok((load, target))
}

/// The key, or (a table without one) every column that sorts the same way on every database.
fn order_of(table: &Table) -> Vec<String> {
    let key = table.primary_key();
    let columns: Vec<&Column> = if key.is_empty() {
        table.columns.iter().filter(|c| !matches!(c.field_type, FieldType::Json | FieldType::Other(_))).collect()
    } else {
        key
    };
    columns.into_iter().map(|c| c.name.clone()).collect()
}

/// What `with` can name in `table`: its relations, then its references.
fn related_names(catalog: &Catalog, table: &Table) -> Vec<String> {
    let mut names: Vec<String> = catalog.relations(table).into_iter().map(|r| r.name).collect();
    names.extend(table.foreign_keys.iter().map(|fk| fk.reference_name().to_string()));
    names
}

/// `with name` where `name` is a plain field.
fn not_related(catalog: &Catalog, table: &Table, part: &Ident, column: &Column) -> Error {
    let error = Error::at(
        ErrorKind::Value,
        format!("`{}` is a field of {}, not a relation or reference", part.name, table.model_name()),
        part.span,
    )
    .with_label(format!("{} is {}", column.name, column.field_type));
    with_help(error, catalog, table, part)
}

/// `with name` where `table` has no such name at all.
fn unknown(catalog: &Catalog, table: &Table, part: &Ident) -> Error {
    let error = Error::at(
        ErrorKind::Name,
        format!("{} has no relation or reference `{}`", table.model_name(), part.name),
        part.span,
    )
    .with_label("unknown relation");
    with_help(error, catalog, table, part)
}

/// The nearest relation or reference, or the list of them.
fn with_help(error: Error, catalog: &Catalog, table: &Table, part: &Ident) -> Error {
    let names = related_names(catalog, table);
    if let Some(help) = did_you_mean(&part.name, names.iter().map(String::as_str)) {
        return error.with_help(help);
    }
    if names.is_empty() {
        return error.with_help(format!("{} has no relations or references to load", table.model_name()));
    }
    error.with_help(format!("`with` takes one of: {}", names.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;
    use crate::catalog::fixtures::table;

    fn shop() -> Catalog {
        Catalog {
            partial: None,
            schemas: Default::default(),
            tables: vec![
                table("users", &["name"], &[("address_id", "addresses")]),
                table("addresses", &["street"], &[]),
                table("orders", &["total"], &[("user_id", "users")]),
                table("order_items", &["quantity"], &[("order_id", "orders"), ("product_id", "products")]),
                table("products", &["name"], &[]),
                table("tags", &["name"], &[]),
                table("product_tags", &[], &[("product_id", "products"), ("tag_id", "tags")]),
            ],
            declared: Vec::new(),
            views: vec![],
        }
    }

    /// `a.b, c` as typed, with the spans a parser would give.
    fn paths(text: &str) -> Vec<FieldPath> {
        let mut at = 0;
        text.split(", ")
            .map(|path| {
                let parsed = crate::catalog::fixtures::path_at(path, at);
                at += path.len() + 2;
                parsed
            })
            .collect()
    }

    fn tree(loads: &[Load]) -> String {
        let shown: Vec<String> = loads
            .iter()
            .map(|l| {
                let kind = if l.many() { "*" } else { "1" };
                if l.nested.is_empty() {
                    format!("{}{kind}", l.name)
                } else {
                    format!("{}{kind}({})", l.name, tree(&l.nested))
                }
            })
            .collect();
        shown.join(" ")
    }

    fn load(text: &str) -> Result<Vec<Load>> {
        let catalog = shop();
        loads(&catalog, catalog.table("users").unwrap(), &paths(text))
    }

    #[test]
    fn paths_become_a_tree_of_relations_and_references() {
        assert_eq!(tree(&load("orders").unwrap()), "orders*");
        assert_eq!(
            tree(&load("Orders.OrderItems.product, address, orders").unwrap()),
            "orders*(order_items*(product1)) address1"
        );
        let loaded = load("orders.order_items.product.tags").unwrap();
        let tags = &loaded[0].nested[0].nested[0].nested[0];
        assert_eq!(tags.name, "tags");
        assert_eq!(tags.table, "tags");
        assert_eq!(tags.steps.len(), 2, "through the join table");
        assert!(tags.many());
        assert_eq!(tags.order, ["id"]);
        assert_eq!(tags.column_names(), ["id", "name"]);
    }

    #[test]
    fn paths_go_a_bounded_number_of_levels_down() {
        let deep = |levels: usize| {
            let parts: Vec<&str> = ["orders", "user"].into_iter().cycle().take(levels).collect();
            load(&parts.join("."))
        };
        assert_eq!(deep(16).unwrap()[0].nested[0].nested[0].name, "orders");
        let err = deep(17).unwrap_err();
        assert_eq!(err.message, "`with` goes at most 16 levels down");
        assert_eq!(err.kind, ErrorKind::Refused);
        assert!(deep(10_000).is_err());
    }

    #[test]
    fn the_same_path_twice_is_an_error() {
        let err = load("orders, ORDERS").unwrap_err();
        assert_eq!(err.message, "`with orders` is given twice");
        assert_eq!(err.span, Some(Span::new(8, 14)));
        assert!(load("orders.order_items, orders.order_items").is_err());
    }

    #[test]
    fn a_plain_field_or_an_unknown_name_says_what_with_takes() {
        let err = load("name").unwrap_err();
        assert_eq!(err.message, "`name` is a field of User, not a relation or reference");
        assert_eq!(err.help.as_deref(), Some("`with` takes one of: orders, address"));
        let err = load("ordrs").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Name);
        assert_eq!(err.message, "User has no relation or reference `ordrs`");
        assert_eq!(err.help.as_deref(), Some("did you mean `orders`?"));
        let err = load("orders.totl").unwrap_err();
        assert_eq!(err.message, "Order has no relation or reference `totl`");
        assert_eq!(err.span, Some(Span::new(7, 11)));
        let err = load("orders.total").unwrap_err();
        assert_eq!(err.help.as_deref(), Some("`with` takes one of: order_items, user"));
        let err = load("address.street").unwrap_err();
        assert_eq!(err.help.as_deref(), Some("`with` takes one of: users"));
    }
}
