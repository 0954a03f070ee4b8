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

/// An aggregate function: `count`, `sum`, `avg`, `min`, `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

impl AggFunc {
    pub const NAMES: [&'static str; 5] = ["count", "sum", "avg", "min", "max"];

    pub fn from_name(name: &str) -> Option<AggFunc> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => AggFunc::Count,
            "sum" => AggFunc::Sum,
            "avg" => AggFunc::Avg,
            "min" => AggFunc::Min,
            "max" => AggFunc::Max,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        AggFunc::NAMES[self as usize]
    }
}

/// A part of a date or a datetime: `year(created_at)`, `date(created_at)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Year,
    Month,
    Day,
    Date,
}

impl DatePart {
    pub const NAMES: [&'static str; 4] = ["year", "month", "day", "date"];

    pub fn from_name(name: &str) -> Option<DatePart> {
        Some(match name.to_ascii_lowercase().as_str() {
            "year" => DatePart::Year,
            "month" => DatePart::Month,
            "day" => DatePart::Day,
            "date" => DatePart::Date,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        DatePart::NAMES[self as usize]
    }
}

/// What a field list, a condition, `by` or `order by` may name: a field, an aggregate or a date
/// part of a field.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Path(FieldPath),
    /// `count`, `count(orders)`, `sum(total)`, `count(distinct status)`: over the rows of a
    /// group, or, when its path goes through a relation, over that relation of each row.
    Aggregate {
        func: AggFunc,
        distinct: bool,
        arg: Option<FieldPath>,
        span: Span,
    },
    /// `year(created_at)`.
    DatePart {
        part: DatePart,
        arg: FieldPath,
        span: Span,
    },
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Path(path) => path.span,
            Expr::Aggregate { span, .. } | Expr::DatePart { span, .. } => *span,
        }
    }
}

/// The canonical spelling, which is also the column's name in the output: `count`,
/// `sum(total)`, `count(distinct status)`, `year(created_at)`, `user.country`.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Path(path) => write!(f, "{path}"),
            Expr::Aggregate { func, distinct, arg: Some(arg), .. } => {
                write!(f, "{}({}{arg})", func.name(), if *distinct { "distinct " } else { "" })
            }
            Expr::Aggregate { func, .. } => f.write_str(func.name()),
            Expr::DatePart { part, arg, .. } => write!(f, "{}({arg})", part.name()),
        }
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
    /// `(a, "b c", 3)`: a PostgreSQL array's elements, as the value of a field (never nested).
    List(Vec<Literal>),
}

/// A value the user typed, with where they typed it.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

impl Literal {
    /// The value much as it was typed, for messages: a quoted string in double quotes.
    pub fn as_typed(&self) -> String {
        match &self.kind {
            LiteralKind::Quoted(s) => format!("{s:?}"),
            LiteralKind::Number(s) | LiteralKind::Word(s) => s.clone(),
            LiteralKind::Bool(b) => b.to_string(),
            LiteralKind::Null => "null".into(),
            LiteralKind::List(items) => {
                format!("({})", items.iter().map(Literal::as_typed).collect::<Vec<_>>().join(", "))
            }
        }
    }
}

/// `field=value` in `add` and in `update … set`; `field += value` (and `-=`, `*=`, `/=`) in
/// `update … set` only.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub field: Ident,
    /// `user.email=a@x.io`: the reference `user` is set to the row whose `email` is the value
    /// (this path, in the referenced model).
    pub through: Option<FieldPath>,
    pub op: AssignOp,
    /// Where the operator is: a compound operator on a field that is not a number is an error
    /// there.
    pub op_span: Span,
    pub value: Literal,
}

/// How an assignment sets its field: to the value, or by arithmetic on the stored value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssignOp {
    #[default]
    Set,
    Add,
    Sub,
    Mul,
    Div,
}

impl AssignOp {
    pub fn as_str(self) -> &'static str {
        match self {
            AssignOp::Set => "=",
            AssignOp::Add => "+=",
            AssignOp::Sub => "-=",
            AssignOp::Mul => "*=",
            AssignOp::Div => "/=",
        }
    }
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
    /// `like` ignoring case (see the `help` of `query` for the case folding of each database).
    ILike,
    NotILike,
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
            CompareOp::ILike => "ilike",
            CompareOp::NotILike => "not ilike",
        }
    }
}

/// How `begin` opens its transaction: `begin serializable`, `begin read only`,
/// `begin isolation level repeatable read, read write`. Nothing given is the database's default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TxMode {
    pub isolation: Option<Isolation>,
    /// `read only` (true) or `read write` (false).
    pub read_only: Option<bool>,
}

/// The SQL standard's isolation levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isolation {
    Serializable,
    RepeatableRead,
    ReadCommitted,
    ReadUncommitted,
}

impl Isolation {
    /// As SQL spells it.
    pub fn as_sql(self) -> &'static str {
        match self {
            Isolation::Serializable => "SERIALIZABLE",
            Isolation::RepeatableRead => "REPEATABLE READ",
            Isolation::ReadCommitted => "READ COMMITTED",
            Isolation::ReadUncommitted => "READ UNCOMMITTED",
        }
    }
}

/// A `where` condition. `Between` includes both ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare {
        field: Expr,
        op: CompareOp,
        value: Literal,
    },
    /// A field on the right, written with a leading dot: `billing_city = .user.city`.
    CompareFields {
        field: Expr,
        op: CompareOp,
        other: FieldPath,
    },
    In {
        field: Expr,
        values: Vec<Literal>,
        negated: bool,
    },
    IsNull {
        field: Expr,
        negated: bool,
    },
    Between {
        field: Expr,
        low: Literal,
        high: Literal,
        negated: bool,
    },
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
    pub field: Expr,
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
    pub fields: Option<Vec<Expr>>,
    /// `fields distinct a, b`: each combination once.
    pub distinct: bool,
    pub filter: Option<Condition>,
    /// `by a, b`: one row per group; empty without `by`.
    pub by: Vec<Expr>,
    /// `having …`: a condition on the groups.
    pub having: Option<Condition>,
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

/// What `alter` changes in a model.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterChange {
    /// `add phone: text?`: a field declared as in `model`.
    Add(FieldDecl),
    /// `rename phone to mobile`.
    Rename { from: Ident, to: Ident },
    /// `drop mobile`; `confirmed` when the user wrote `drop mobile confirm`.
    Drop { field: Ident, confirmed: bool },
    /// `index (a, b)`, or `unique (a, b)` (`unique` set): an index over the fields; `span` is
    /// the parenthesised list's.
    Index { fields: Vec<Ident>, unique: bool, span: Span },
}

impl AlterChange {
    /// The word of each change, in the order the help lists them.
    pub const WORDS: [&'static str; 5] = ["add", "rename", "drop", "index", "unique"];
}

/// A session setting: `set format json`, `set timing on`, `set limit 20`.
#[derive(Debug, Clone, PartialEq)]
pub enum Setting {
    Format(Format),
    Timing(bool),
    /// `None` is `set limit off`: show every row at the prompt.
    Limit(Option<u64>),
    /// `set pager on|off`: results taller or wider than the terminal go through `$PAGER`.
    Pager(bool),
    /// `set` alone: list every setting with its value and its default.
    List,
    /// psql's `\x` and `\timing` without a word: the other of two states.
    Toggle(Toggle),
}

/// A setting that psql's habits flip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    /// `\x`: vertical records, or back to the table.
    Vertical,
    /// `\timing`.
    Timing,
}

/// How rows are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Vertical,
    Json,
    Csv,
    /// JSON Lines: one object per line, no enclosing array.
    Jsonl,
    /// `table`, or `vertical` when a row would not fit the terminal's width (psql's `\x auto`):
    /// the default at the prompt.
    Auto,
}

impl Format {
    pub const NAMES: [&'static str; 6] = ["table", "vertical", "json", "csv", "jsonl", "auto"];

    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "table" => Some(Format::Table),
            "vertical" => Some(Format::Vertical),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "jsonl" => Some(Format::Jsonl),
            "auto" => Some(Format::Auto),
            _ => None,
        }
    }
}

/// One command of the language.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Model(ModelDecl),
    /// `models`, or `models sales`: the models of one schema (PostgreSQL's), as psql's
    /// `\dt sales.*`.
    Models(Option<Ident>),
    /// `refresh`: read the schema again.
    Refresh,
    Describe(Ident),
    /// `alter User add phone: text?`, `… rename f to g`, `… drop f [confirm]`, `… index (f, …)`,
    /// `… unique (f, …)`.
    Alter {
        model: Ident,
        change: AlterChange,
    },
    /// `drop User`; `confirmed` when the user wrote `drop User confirm`.
    Drop {
        model: Ident,
        confirmed: bool,
    },
    Add {
        model: Ident,
        values: Vec<Assignment>,
    },
    /// `upsert M k=v …`: insert, or update the row with the same key.
    Upsert {
        model: Ident,
        values: Vec<Assignment>,
    },
    Get {
        model: Ident,
        key: Literal,
        /// `with …`: related records to show under the record.
        with: Vec<FieldPath>,
    },
    /// Boxed: a query is the largest command by far, and commands are moved about by the
    /// hundred thousand in a script of `add`s.
    Query(Box<Query>),
    /// `count M [where …] [by …]`.
    Count {
        model: Ident,
        filter: Option<Condition>,
        by: Vec<Expr>,
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
    /// `begin`, with the transaction's isolation level and access mode if given.
    Begin(TxMode),
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
    /// `export query … to FILE [format NAME] [force]`: a read command's result written to a
    /// file, in the format named, else the one its extension names. `span` is the path's.
    Export {
        command: Box<Command>,
        path: String,
        span: Span,
        format: Option<Format>,
        force: bool,
    },
    /// `import User from FILE`: the rows of a CSV, JSON or JSON Lines file, all or none.
    Import {
        model: Ident,
        path: String,
        span: Span,
    },
    Help(Option<Ident>),
    /// `output FILE` (psql's `\o FILE`): results go to the file from now on; `output` alone
    /// sends them back to the screen. `span` is the path's.
    Output {
        path: Option<String>,
        span: Span,
    },
    /// `edit` (psql's `\e`): the last entry in `$EDITOR`, then run. Only at the prompt.
    Edit,
    Quit,
}

/// A parsed statement: the command and the span of the whole statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub command: Command,
    pub span: Span,
}
