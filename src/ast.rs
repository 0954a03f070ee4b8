//! The command language as plain data. Every node that the user typed keeps its [`Span`], a byte
//! range into the statement's source text, so that any later error can point at it.

use std::fmt;

/// A byte range `start..end` into the source text of one statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The same span moved right by `offset` bytes (statement-relative to file-relative).
    pub fn shift(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }
}

/// A name the user typed: a model, a field, a savepoint, a command word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A possibly dotted field reference: `name`, `user.name`, `album.artist.name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub parts: Vec<Ident>,
    pub span: Span,
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.parts.iter().map(|p| p.name.as_str()).collect();
        f.write_str(&names.join("."))
    }
}

/// What kind of literal the user wrote. The text is kept as typed; it is checked against the
/// column's type (and converted) only once the column is known.
#[derive(Debug, Clone, PartialEq)]
pub enum LiteralKind {
    Null,
    Bool(bool),
    /// An integer or decimal number as typed (`30`, `-4`, `12.50`, `1e3`).
    Number(String),
    /// A quoted string, escapes already resolved.
    Quoted(String),
    /// A bare word such as `John`, `2024-01-31` or `j@x.io`.
    Word(String),
}

/// A value the user typed, with where they typed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

/// `field=value` in `add` and in `update … set`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub field: Ident,
    pub value: Literal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    NotLike,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Like => "like",
            CompareOp::NotLike => "not like",
        }
    }
}

/// A `where` condition.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare { field: FieldPath, op: CompareOp, value: Literal },
    In { field: FieldPath, values: Vec<Literal>, negated: bool },
    IsNull { field: FieldPath, negated: bool },
}

/// Which rows an `update` or `delete` touches: a condition, or every row when the user wrote
/// `all` on purpose.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Where(Condition),
    All(Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Asc,
    Desc,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrderItem {
    pub field: FieldPath,
    pub direction: Direction,
}

/// A number the user typed where a count is expected (`limit 10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub value: u64,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub model: Ident,
    /// `fields a, b`; `None` means every column.
    pub fields: Option<Vec<FieldPath>>,
    pub filter: Option<Condition>,
    pub order: Vec<OrderItem>,
    pub limit: Option<Count>,
    pub offset: Option<Count>,
    /// `with orders.order_items, address`: related records to show under each row.
    pub with: Vec<FieldPath>,
}

/// A field's type in a `model` declaration.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldTypeDecl {
    /// One of ormsh's scalar types: `int`, `float`, `decimal`, `text`, `bool`, `date`,
    /// `datetime`, `json`, `uuid`, `bytes`.
    Scalar(Ident),
    /// Another model: a reference, stored as a foreign key column `<field>_id`.
    Reference(Ident),
}

/// One field in a `model` declaration: `email: text? unique = "x"`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDecl {
    pub name: Ident,
    pub ty: FieldTypeDecl,
    pub nullable: bool,
    pub unique: bool,
    /// `primary` (or `key`): this field is the primary key, so no `id` is added.
    pub primary_key: bool,
    pub default: Option<Literal>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelDecl {
    pub name: Ident,
    /// `table NAME` when the user names the table; otherwise it comes from the convention.
    pub table: Option<Ident>,
    pub fields: Vec<FieldDecl>,
}

/// A session setting: `set format json`, `set timing on`, `set limit 20`.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Format(Format),
    Timing(bool),
    /// `None` is `set limit off`: show every row at the prompt.
    Limit(Option<u64>),
}

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Vertical,
    Json,
    Csv,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["table", "vertical", "json", "csv"];

    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "vertical" => Some(Format::Vertical),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// One command of the language.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Model(ModelDecl),
    Models,
    Describe(Ident),
    /// `drop User`; `confirmed` when the user wrote `drop User confirm`.
    Drop {
        model: Ident,
        confirmed: bool,
    },
    Add {
        model: Ident,
        values: Vec<Assignment>,
    },
    Get {
        model: Ident,
        key: Literal,
        /// `with …`: related records to show under the record.
        with: Vec<FieldPath>,
    },
    Query(Query),
    Count {
        model: Ident,
        filter: Option<Condition>,
    },
    Update {
        model: Ident,
        target: Target,
        set: Vec<Assignment>,
    },
    Delete {
        model: Ident,
        target: Target,
    },
    Begin,
    Commit,
    Rollback,
    Savepoint(Ident),
    RollbackTo(Ident),
    Release(Ident),
    /// Raw SQL, sent as the user wrote it.
    Sql {
        text: String,
        span: Span,
    },
    Explain(Box<Command>),
    Set(Setting),
    Source {
        path: String,
        span: Span,
    },
    Connect {
        url: String,
        span: Span,
    },
    Help(Option<Ident>),
    Quit,
}

/// A parsed statement: the command and the span of the whole statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub command: Command,
    pub span: Span,
}
