//! Commands resolved against the catalog: every name is a real table or column, every value is
//! checked and typed. Plain data that a dialect turns into SQL.

use crate::ast::{CompareOp, Direction};
use crate::catalog::ResolvedPath;
use crate::value::{FieldType, Value};

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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub table: String,
    pub set: Vec<(String, Value)>,
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
