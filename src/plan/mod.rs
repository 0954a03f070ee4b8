//! The plan step: a command as typed becomes, in one place, what runs — names resolved against
//! the catalog, values checked and typed ([`resolve`]), and the statements of each step built
//! by the dialect ([`step`]). The session runs a [`Plan`]; `explain` prints the same plan's
//! statements, so it can never describe something other than what runs.

mod load;
pub mod resolve;
mod step;

pub use load::Load;

pub use step::{
    COMMAND_SAVEPOINT, Context, Plan, Readback, SANDBOX_SAVEPOINT, insert_statement, plan, readback,
    transaction_statements,
};

use crate::ast::{CompareOp, Direction};
use crate::catalog::{Column, ResolvedPath, Table};
use crate::value::{FieldType, Value};

/// The type a text value is cast to for a column whose type ormsh does not know (an interval,
/// a range, a network address), or a time that is not a time of day (`24:00:00`): the database
/// parses the text, as it would a quoted literal. Types with arrays or odd names are left alone.
pub fn text_cast(column: &crate::catalog::Column) -> Option<String> {
    let name = match &column.field_type {
        FieldType::Other(name) => name.as_str(),
        FieldType::Time => column.sql_type.split('(').next().unwrap_or("").trim(),
        _ => return None,
    };
    let plain = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b' ');
    plain.then(|| name.to_string())
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare { path: ResolvedPath, op: CompareOp, value: Value },
    In { path: ResolvedPath, values: Vec<Value>, negated: bool },
    IsNull { path: ResolvedPath, negated: bool },
}

/// One output column of a select: a path and the name it is shown under.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub path: ResolvedPath,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub table: String,
    pub columns: Vec<Projection>,
    pub filter: Option<Filter>,
    pub order: Vec<(ResolvedPath, Direction)>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub table: String,
    pub filter: Option<Filter>,
}

/// Rows to insert; every row has a value for each of `columns`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Per column, the database type a text value must be cast to (see [`text_cast`]).
    pub casts: Vec<Option<String>>,
}

impl Insert {
    /// The same table, columns and casts, without rows.
    pub fn clone_shape(&self) -> Insert {
        Insert { table: self.table.clone(), columns: self.columns.clone(), rows: Vec::new(), casts: self.casts.clone() }
    }
}

/// One `add`, resolved: its table and columns borrowed from the catalog. A run of them that
/// share a table and columns becomes one [`Insert`] without copying those names for every row.
pub struct InsertRow<'c> {
    pub table: &'c Table,
    pub columns: Vec<&'c Column>,
    pub values: Vec<Value>,
}

impl<'c> InsertRow<'c> {
    /// Whether `insert` writes to the same table and columns, in the same order.
    pub fn fits(&self, insert: &Insert) -> bool {
        insert.table == self.table.name
            && insert.columns.len() == self.columns.len()
            && insert.columns.iter().zip(&self.columns).all(|(a, b)| *a == b.name)
    }

    /// The row as an insert of its own.
    pub fn into_insert(self) -> Insert {
        let columns: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        Insert {
            table: self.table.name.clone(),
            casts: text_casts(self.table, &self.columns),
            columns,
            rows: vec![self.values],
        }
    }
}

/// The text casts of `columns` of `table` (see [`text_cast`]); none at all for a table without
/// such columns.
pub fn text_casts(table: &Table, columns: &[&Column]) -> Vec<Option<String>> {
    // Most tables have no such column: no list to build for every row then.
    if !table.columns.iter().any(|c| matches!(c.field_type, FieldType::Other(_) | FieldType::Time)) {
        return Vec::new();
    }
    columns.iter().map(|column| text_cast(column)).collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub table: String,
    pub set: Vec<(String, Value)>,
    /// Per assignment, the database type a text value must be cast to (see [`text_cast`]).
    pub casts: Vec<Option<String>>,
    pub filter: Option<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: String,
    pub filter: Option<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub field_type: FieldType,
    pub nullable: bool,
    pub unique: bool,
    pub primary_key: bool,
    /// An integer key the database numbers itself.
    pub auto_increment: bool,
    pub default: Option<Value>,
    /// `(table, column)` this column refers to.
    pub references: Option<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreateTable {
    pub table: String,
    pub columns: Vec<ColumnDef>,
}
