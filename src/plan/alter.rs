//! `alter`: a change to a model's table, resolved against the catalog and turned into the
//! statements each database runs for it. On SQLite a change that its ALTER TABLE cannot make is
//! a rebuild of the table, whose statements are written once the table's own definition has
//! been read (when the command runs, or is explained).

use super::Context;
use super::resolve;
use crate::ast::{AlterChange, FieldDecl, Ident, ModelDecl, Span};
use crate::catalog::{Catalog, Column, Field, Table};
use crate::dialect::rebuild::{self, Change, Entry, Obstacle};
use crate::dialect::{Dialect, Sql};
use crate::error::{Error, ErrorKind, Result};
use crate::naming;
use crate::value::Value;

/// An `alter`, planned.
#[derive(Debug, Clone)]
pub struct Alter {
    pub table: String,
    /// What the status line says once it is done.
    pub done: String,
    /// `drop`: the column whose values go (asked at the prompt, `confirm` in scripts).
    pub drops: Option<String>,
    /// Statements that must find no row, run before anything changes, with the error when one
    /// does.
    pub guards: Vec<(Sql, Error)>,
    pub work: Work,
}

/// What an `alter` runs after its guards.
#[derive(Debug, Clone)]
pub enum Work {
    Statements(Vec<Sql>),
    /// Statements written once `read` has been run: see [`Pending`].
    Pending(Box<Pending>),
}

/// The part of an `alter` that depends on the schema as the database keeps it.
#[derive(Debug, Clone)]
pub enum Pending {
    /// SQLite: the table rebuilt; `read` gives its definition, indexes and triggers.
    Rebuild {
        read: Sql,
        target: rebuild::Target,
        /// Statements after the rebuild (the index on a reference column added).
        after: Vec<Sql>,
        column: String,
        span: Span,
        /// Why it cannot run here (inside a transaction, a table others refer to): told after
        /// the guards, whose errors come first.
        refused: Option<Box<Error>>,
    },
    /// MySQL: a column that holds a foreign key, dropped with it; `read` gives the key's name.
    DropReference { read: Sql, table: String, column: String },
}

/// What an `alter` runs, in order, once nothing is pending: `statements`, then `checks` (which
/// must find no row), then `finish`; `undo` when any of them fails.
#[derive(Debug, Clone, Default)]
pub struct Steps {
    pub statements: Vec<Sql>,
    pub checks: Vec<(Sql, Error)>,
    pub finish: Vec<Sql>,
    pub undo: Vec<Sql>,
}

impl Pending {
    /// The catalog read the rest depends on.
    pub fn read(&self) -> &Sql {
        match self {
            Pending::Rebuild { read, .. } | Pending::DropReference { read, .. } => read,
        }
    }

    /// The statements, written from the rows `read` gave (each column as text).
    pub fn complete(&self, rows: &[Vec<Value>]) -> Result<Steps> {
        let text = |v: &Value| if v.is_null() { String::new() } else { v.to_string() };
        match self {
            Pending::DropReference { table, column, .. } => {
                let key = rows.first().and_then(|r| r.first()).map(text);
                Ok(Steps {
                    statements: vec![Dialect::Mysql.drop_column(table, column, key.as_deref())],
                    ..Steps::default()
                })
            }
            Pending::Rebuild { target, after, column, span, refused, .. } => {
                if let Some(refused) = refused {
                    return Err((**refused).clone());
                }
                let table = &target.table;
                let entries: Vec<Entry> = rows
                    .iter()
                    .filter(|r| r.len() >= 4)
                    .map(|r| Entry { kind: text(&r[0]), name: text(&r[1]), sql: text(&r[2]), table: text(&r[3]) })
                    .collect();
                let foreign_keys = rows.first().and_then(|r| r.get(4)).is_none_or(|v| text(v) != "0");
                let built = rebuild::rebuild(target, &entries, foreign_keys)
                    .map_err(|obstacle| obstacle_error(obstacle, table, column, *span))?;
                let broken = Error::at(
                    ErrorKind::Database,
                    format!("rebuilding table `{table}` would break a foreign key, so nothing was changed"),
                    *span,
                )
                .with_help("`sql select * from pragma_foreign_key_check` lists the rows");
                let mut statements = built.statements;
                statements.extend(after.iter().cloned());
                Ok(Steps {
                    statements,
                    checks: built.checks.into_iter().map(|c| (c, broken.clone())).collect(),
                    finish: built.finish,
                    undo: built.undo,
                })
            }
        }
    }
}

fn obstacle_error(obstacle: Obstacle, table: &str, column: &str, span: Span) -> Error {
    let (message, help) = match obstacle {
        Obstacle::Trigger(name) => (
            format!("trigger or view `{name}` names `{column}` of table `{table}`"),
            format!(
                "drop it first (`sql DROP TRIGGER \"{name}\"` or `DROP VIEW`), then make it again without `{column}`"
            ),
        ),
        Obstacle::Check => (
            format!("a CHECK constraint of table `{table}` names `{column}`"),
            "SQLite keeps CHECK constraints in the table's definition; make the table again without it".into(),
        ),
        Obstacle::PrimaryKey => (
            format!("`{column}` is part of the primary key of table `{table}`"),
            "a table keeps its key; `drop` removes the whole table".into(),
        ),
        Obstacle::Unreadable => (
            format!("ormsh could not read the definition of table `{table}` to rebuild it"),
            "change it with `sql` and SQLite's own statements".into(),
        ),
    };
    Error::at(ErrorKind::Refused, message, span).with_help(help)
}

/// The plan of `alter model change`.
pub fn plan(catalog: &Catalog, model: &Ident, change: &AlterChange, context: &Context) -> Result<Alter> {
    let table = catalog.model(model)?;
    let model_name = table.model_name();
    let mut alter = Alter {
        table: table.name.clone(),
        done: String::new(),
        drops: None,
        guards: Vec::new(),
        work: Work::Statements(Vec::new()),
    };
    match change {
        AlterChange::Add(field) => add(catalog, table, model, field, context, &mut alter)?,
        AlterChange::Rename { from, to } => {
            let column = table.field(from)?.column();
            // A reference named by its reference name (`user`) keeps its `_id`.
            let by_reference = !column.name.eq_ignore_ascii_case(&from.name);
            let new_name = if by_reference { naming::reference_column(&to.name) } else { to.name.clone() };
            if new_name == column.name {
                return Err(Error::at(ErrorKind::Value, format!("`{}` is already named so", from.name), to.span));
            }
            if table.column(&new_name).is_some_and(|c| !std::ptr::eq(c, column)) {
                return Err(Error::at(
                    ErrorKind::Name,
                    format!("{model_name} already has a field `{new_name}`"),
                    to.span,
                )
                .with_label("taken")
                .with_help(format!("`describe {model_name}` lists its fields")));
            }
            alter.done = format!("renamed {} of {model_name} to {new_name}", column.name);
            alter.work = Work::Statements(vec![context.dialect.rename_column(&table.name, &column.name, &new_name)]);
        }
        AlterChange::Drop { field, .. } => drop(catalog, table, field, context, &mut alter)?,
        AlterChange::Index { fields, unique, span } => {
            let mut columns: Vec<&Column> = Vec::new();
            for field in fields {
                columns.push(table.field(field)?.column());
            }
            let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
            if let Some(existing) = table.indexes.iter().find(|i| i.columns == names && (i.unique || !unique)) {
                let kind = if existing.unique { "a unique index" } else { "an index" };
                return Err(Error::at(
                    ErrorKind::Refused,
                    format!("{model_name} already has {kind} on ({}): `{}`", names.join(", "), existing.name),
                    *span,
                ));
            }
            let base = format!(
                "{}_{}_{}",
                crate::naming::split_schema(&table.name).1,
                names.join("_"),
                if *unique { "key" } else { "idx" }
            );
            // Free as the database will have it: shortened when too long for it.
            let fit = |n: &str| super::fit_generated(context.dialect, n);
            let name = fit(&free_name(catalog, &base, |catalog, n| {
                let n = fit(n);
                catalog.tables.iter().flat_map(|t| &t.indexes).any(|i| i.name.eq_ignore_ascii_case(&n))
            }));
            let long = |c: &Column| {
                let t = c.sql_type.to_ascii_lowercase();
                t.contains("text") || t.contains("blob")
            };
            let listed: Vec<(String, bool)> = columns.iter().map(|c| (c.name.clone(), long(c))).collect();
            let kind = if *unique { "unique index" } else { "index" };
            alter.done = format!("{kind} {name} made on {model_name} ({})", names.join(", "));
            alter.work = Work::Statements(vec![context.dialect.create_index(&table.name, &name, &listed, *unique)]);
        }
    }
    Ok(alter)
}

fn add(
    catalog: &Catalog,
    table: &Table,
    model: &Ident,
    field: &FieldDecl,
    context: &Context,
    alter: &mut Alter,
) -> Result<()> {
    let model_name = table.model_name();
    if field.primary_key {
        return Err(Error::at(ErrorKind::Refused, format!("{model_name} has its primary key already"), field.span)
            .with_help("a table's key is declared with it, in `model`"));
    }
    // The model's own name is no reason to refer to `id`: the table exists, and the catalog
    // knows its key.
    let decl = ModelDecl { name: Ident { name: String::new(), span: model.span }, table: None, fields: Vec::new() };
    let def = resolve::column_def(catalog, &decl, &table.name, field)?;
    if table.column(&def.name).is_some() {
        return Err(Error::at(
            ErrorKind::Name,
            format!("{model_name} already has a field `{}`", def.name),
            field.name.span,
        )
        .with_label("taken")
        .with_help(format!("`alter {model_name} rename {} to …` renames the one it has", def.name)));
    }
    let required = !def.nullable && def.default.is_none();
    if required {
        let error = Error::at(
            ErrorKind::Value,
            format!(
                "{model_name} has rows, and `{}` is required with no default: they would have no value",
                field.name.name
            ),
            field.name.span,
        )
        .with_help(format!(
            "make it nullable (`{}: {}?`) or give it a default (`= …`)",
            field.name.name,
            type_name(field)
        ));
        alter.guards.push((context.dialect.any_row(&table.name), error));
    }
    alter.done = format!("added field {} to {model_name}", def.name);
    // SQLite adds a column only when it may be null or has a default, and a reference only when
    // its default is null.
    let rebuilt = context.dialect == Dialect::Sqlite
        && (required || (def.references.is_some() && (!def.nullable || def.default.is_some())));
    if !rebuilt {
        alter.work = Work::Statements(context.dialect.add_column(&table.name, &def));
        return Ok(());
    }
    let create = super::CreateTable { table: table.name.clone(), model: None, columns: vec![def.clone()] };
    let after = context.dialect.reference_indexes(&create);
    alter.work = rebuild_work(
        catalog,
        table,
        Change::Add(Dialect::Sqlite.column_text(&def)),
        after,
        &def.name,
        field.span,
        context,
    )?;
    Ok(())
}

fn type_name(field: &FieldDecl) -> &str {
    match &field.ty {
        crate::ast::FieldTypeDecl::Scalar(t) | crate::ast::FieldTypeDecl::Reference(t) => &t.name,
    }
}

fn drop(catalog: &Catalog, table: &Table, field: &Ident, context: &Context, alter: &mut Alter) -> Result<()> {
    let model_name = table.model_name();
    let found = table.field(field)?;
    let column = found.column();
    // A table of one field has nothing left without it, key or not.
    if table.columns.len() == 1 {
        return Err(Error::at(
            ErrorKind::Refused,
            format!("`{}` is {model_name}'s last field", column.name),
            field.span,
        )
        .with_help(format!("`drop {model_name}` removes the whole table")));
    }
    if column.primary_key {
        return Err(Error::at(
            ErrorKind::Refused,
            format!("`{}` is {model_name}'s primary key, and a table keeps its key", column.name),
            field.span,
        )
        .with_help(format!("`drop {model_name}` removes the whole table")));
    }
    let referrer = catalog.tables.iter().find_map(|t| {
        t.foreign_keys
            .iter()
            .find(|fk| fk.ref_table == table.name && fk.ref_column == column.name)
            .map(|fk| format!("{}.{}", t.name, fk.column))
    });
    if let Some(referrer) = referrer {
        return Err(Error::at(
            ErrorKind::Refused,
            format!("`{}.{}` is referred to by `{referrer}`", table.name, column.name),
            field.span,
        )
        .with_help("drop or change that reference first"));
    }
    alter.done = format!("dropped field {} of {model_name}", column.name);
    alter.drops = Some(column.name.clone());
    let holds_key = matches!(found, Field::Reference(..));
    let indexed = table.indexes.iter().any(|i| i.columns.contains(&column.name));
    alter.work = match context.dialect {
        Dialect::Sqlite if holds_key || indexed => rebuild_work(
            catalog,
            table,
            Change::Drop(column.name.clone()),
            Vec::new(),
            &column.name,
            field.span,
            context,
        )?,
        Dialect::Mysql if holds_key => Work::Pending(Box::new(Pending::DropReference {
            read: Dialect::Mysql.foreign_key_name(&table.name, &column.name),
            table: table.name.clone(),
            column: column.name.clone(),
        })),
        dialect => Work::Statements(vec![dialect.drop_column(&table.name, &column.name, None)]),
    };
    Ok(())
}

/// A SQLite rebuild of `table`. Inside a transaction SQLite cannot turn foreign keys off, and
/// dropping a table that a foreign key points at would delete (or cascade to) the rows that
/// refer to it: such a rebuild is refused there, before anything changes.
fn rebuild_work(
    catalog: &Catalog,
    table: &Table,
    change: Change,
    after: Vec<Sql>,
    column: &str,
    span: Span,
    context: &Context,
) -> Result<Work> {
    let referrers: Vec<String> = catalog
        .tables
        .iter()
        .filter(|t| t.foreign_keys.iter().any(|fk| fk.ref_table == table.name))
        .map(|t| t.name.clone())
        .collect();
    let refused = (context.in_transaction && !referrers.is_empty()).then(|| {
        let help = if context.sandbox {
            "a sandbox on SQLite cannot rebuild a table that others refer to"
        } else {
            "run it outside `begin` (`commit` or `rollback` first)"
        };
        Error::at(
            ErrorKind::Transaction,
            format!(
                "on SQLite this change rebuilds table `{}`, which `{}` refers to; foreign keys can be turned off for that only outside a transaction",
                table.name,
                referrers.join("`, `")
            ),
            span,
        )
        .with_help(help)
        .into()
    });
    let temp = free_name(catalog, &format!("ormsh_new_{}", table.name), |catalog, n| catalog.table(n).is_some());
    let copied: Vec<String> = table
        .columns
        .iter()
        .map(|c| c.name.clone())
        .filter(|c| !matches!(&change, Change::Drop(d) if d == c))
        .collect();
    let mut checked = vec![table.name.clone()];
    checked.extend(referrers.into_iter().filter(|t| *t != table.name));
    Ok(Work::Pending(Box::new(Pending::Rebuild {
        read: rebuild::schema_query(&table.name),
        target: rebuild::Target {
            table: table.name.clone(),
            temp,
            change,
            copied,
            checked,
            own_transaction: !context.in_transaction,
        },
        after,
        column: column.to_string(),
        span,
        refused,
    })))
}

/// `base`, or `base_2`, `base_3`, … : the first that `taken` says is free.
fn free_name(catalog: &Catalog, base: &str, taken: impl Fn(&Catalog, &str) -> bool) -> String {
    let mut name = base.to_string();
    let mut n = 1;
    while taken(catalog, &name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}
