//! The plan step: a command as typed becomes, in one place, what runs — names resolved against
//! the catalog, values checked and typed ([`resolve`]), and the statements of each step built
//! by the dialect ([`step`]). The session runs a [`Plan`]; `explain` prints the same plan's
//! statements, so it can never describe something other than what runs.

pub mod alter;
mod lint;
mod load;
mod name_limits;
pub use name_limits::fit_generated;
pub mod resolve;
mod scalar;
mod select;
mod step;

pub use lint::warnings;
pub use load::Load;
#[cfg(test)]
pub(crate) use load::test_load;

pub use step::{
    COMMAND_SAVEPOINT, Context, Found, Plan, Readback, SANDBOX_SAVEPOINT, insert_statement, plan, readback,
    transaction_statements, tx_mode_allowed, upsert_row,
};

use crate::ast::{AggFunc, CompareOp, DatePart, Direction};
use crate::catalog::{Column, ResolvedPath, Step, Table};
use crate::value::{DecimalForm, FieldType, Value};

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

/// A value the database computes for each row, or for each group of rows, of a select.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A field of the row, or of a row it refers to.
    Path(ResolvedPath),
    /// `year(created_at)`: a part of a date or datetime field.
    DatePart(DatePart, ResolvedPath),
    /// An aggregate over the rows of a group (all the rows that match, without `by`); `arg`
    /// None is `count`: the rows themselves.
    Aggregate { func: AggFunc, distinct: bool, arg: Option<ResolvedPath> },
    /// An aggregate over a relation of each row (`count(orders)`, `sum(orders.total)`): the
    /// steps from the row, then the column aggregated (None: the related rows themselves).
    PerRow { func: AggFunc, distinct: bool, steps: Vec<Step>, column: Option<Column> },
}

impl Scalar {
    /// The type of the values it gives, which decoding and rendering follow.
    pub fn field_type(&self) -> FieldType {
        match self {
            Scalar::Path(path) => path.column.field_type.clone(),
            Scalar::DatePart(DatePart::Date, _) => FieldType::Date,
            Scalar::DatePart(..) => FieldType::Int,
            Scalar::Aggregate { func, arg, .. } => aggregate_type(*func, arg.as_ref().map(|p| &p.column)),
            Scalar::PerRow { func, column, .. } => aggregate_type(*func, column.as_ref()),
        }
    }

    /// How its values are shown if they are decimals: a column's own, and a sum or an extreme
    /// of one, keep the column's declared scale (psql's and mysql's sum of a `numeric(8,2)`
    /// has two places too).
    pub fn decimal_form(&self) -> Option<DecimalForm> {
        let column = match self {
            Scalar::Path(path) => Some(&path.column),
            Scalar::Aggregate { func: AggFunc::Sum | AggFunc::Min | AggFunc::Max, arg, .. } => {
                arg.as_ref().map(|p| &p.column)
            }
            Scalar::PerRow { func: AggFunc::Sum | AggFunc::Min | AggFunc::Max, column, .. } => column.as_ref(),
            _ => None,
        };
        column
            .and_then(Column::decimal_form)
            .or_else(|| (self.field_type() == FieldType::Decimal).then_some(DecimalForm::Canonical))
    }

    /// Whether it is computed over a group of rows.
    pub fn is_group_aggregate(&self) -> bool {
        matches!(self, Scalar::Aggregate { .. })
    }
}

/// What an aggregate of `column` gives: counts are ints, averages floats, sums and extremes
/// the column's own type.
fn aggregate_type(func: AggFunc, column: Option<&Column>) -> FieldType {
    match (func, column) {
        (AggFunc::Count, _) | (_, None) => FieldType::Int,
        (AggFunc::Avg, _) => FieldType::Float,
        (AggFunc::Sum | AggFunc::Min | AggFunc::Max, Some(column)) => column.field_type.clone(),
    }
}

/// The test a condition makes of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    Compare {
        op: CompareOp,
        value: Value,
    },
    /// A comparison with another field of the same row (`= .user.city`), a path from the table
    /// queried.
    CompareField {
        op: CompareOp,
        other: ResolvedPath,
    },
    In {
        values: Vec<Value>,
        negated: bool,
    },
    /// Both ends included.
    Between {
        low: Value,
        high: Value,
        negated: bool,
    },
    IsNull {
        negated: bool,
    },
}

// A condition is built once per command and holds a few leaves: boxing every leaf to shrink
// the enum would cost an allocation each for no gain.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Test { left: Scalar, test: Test },
}

/// One output column of a select: a value and the name it is shown under.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub value: Scalar,
    pub label: String,
}

impl Projection {
    /// A column of the table itself, under its own name.
    pub fn column(column: &Column) -> Projection {
        Projection { value: Scalar::Path(ResolvedPath::column(column.clone())), label: column.name.clone() }
    }
}

/// How the rows of a select are summarised.
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    /// Row by row.
    None,
    /// One row over all the rows that match (aggregates without `by`).
    All,
    /// One row per combination of these keys.
    By(Vec<Scalar>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub table: String,
    pub columns: Vec<Projection>,
    pub distinct: bool,
    pub filter: Option<Filter>,
    pub grouping: Grouping,
    pub having: Option<Filter>,
    pub order: Vec<OrderBy>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

/// One key of `ORDER BY`.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderBy {
    pub value: Scalar,
    pub direction: Direction,
    /// Nulls last, the same on every database (the keys of a summary); otherwise each
    /// database's own habit.
    pub nulls_last: bool,
}

impl Select {
    /// Every column of `table`, row by row, filtered by `filter`.
    pub fn rows(table: &Table, filter: Option<Filter>) -> Select {
        Select {
            table: table.name.clone(),
            columns: table.columns.iter().map(Projection::column).collect(),
            distinct: false,
            filter,
            grouping: Grouping::None,
            having: None,
            order: Vec::new(),
            limit: None,
            offset: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Count {
    pub table: String,
    pub filter: Option<Filter>,
}

/// What an `upsert` does when a stored row has its key: the key's columns, and the columns
/// stored over that row.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub key: Vec<String>,
    pub update: Vec<String>,
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

/// A reference set by a field of the row it points at (`user.email=a@x.io`): the key of the one
/// row that matches, found before the write, in the same transaction, and bound into the
/// write's parameter `slot` (one per assignment, in order, in an insert of one row and in the
/// SET of an update alike).
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub slot: usize,
    /// The key of the rows that match, two at most: exactly one must.
    pub find: Select,
    /// How many rows match, for the error when it is not one.
    pub count: Count,
    /// The model looked in, and the condition as typed, for that error.
    pub model: String,
    pub condition: String,
    pub span: crate::ast::Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub table: String,
    pub set: Vec<(String, Value)>,
    /// Per assignment, the database type a text value must be cast to (see [`text_cast`]).
    pub casts: Vec<Option<String>>,
    /// Per assignment, `=` or arithmetic on the stored value (`+=`), and whether the column
    /// holds integers (a division of integers truncates on every database); empty: all `=`.
    pub ops: Vec<(crate::ast::AssignOp, bool)>,
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
    /// The model name to keep with the table (see `catalog::marker`), where its name would not
    /// give it back by convention.
    pub model: Option<String>,
    pub columns: Vec<ColumnDef>,
}
