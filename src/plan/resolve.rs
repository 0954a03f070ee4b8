//! Turns a command as typed into a plan: names resolved against the catalog, values checked
//! against their columns. Every error points at what the user typed.

use crate::ast::{
    AssignOp, Assignment, CompareOp, Condition, Expr, FieldDecl, FieldTypeDecl, Ident, Literal, LiteralKind, ModelDecl,
    Span,
};
use crate::catalog::{Catalog, Column, ResolvedPath, Table};
use crate::coerce::{Now, coerce, coerce_default, coerce_owned, pattern};
use crate::error::{Error, ErrorKind, Result};
use crate::naming;
use crate::plan::scalar::{Place, scalar};
use crate::plan::{ColumnDef, CreateTable, Filter, InsertRow, Lookup, Scalar, Select, Test};
use crate::value::{FieldType, Value};

/// How deep a condition may nest before it is refused (the parser refuses deeper input first;
/// this keeps the recursion here bounded whatever builds the AST).
const MAX_DEPTH: usize = 256;

/// A condition on rows. `now`: the command's clock, for `now` and `today`.
pub fn filter(catalog: &Catalog, table: &Table, condition: &Condition, now: Now) -> Result<Filter> {
    filter_at(catalog, table, condition, Place::Where, now, 0)
}

/// A condition on the groups of a summary (`having`).
pub fn having(catalog: &Catalog, table: &Table, condition: &Condition, now: Now) -> Result<Filter> {
    filter_at(catalog, table, condition, Place::Summary, now, 0)
}

/// Where to resolve a condition: the catalog, the table it tests, where it stands and the
/// command's clock.
#[derive(Clone, Copy)]
struct Scope<'a> {
    catalog: &'a Catalog,
    table: &'a Table,
    place: Place,
    now: Now,
}

fn filter_at(
    catalog: &Catalog,
    table: &Table,
    condition: &Condition,
    place: Place,
    now: Now,
    depth: usize,
) -> Result<Filter> {
    nested(Scope { catalog, table, place, now }, condition, depth).map(|filter| *filter)
}

// A condition nests as deep as the parser allows (`a and b and …` is a chain as deep as it is
// long), so the recursion below keeps its frames small: it passes boxes, and the work on a leaf
// is done in [`leaf`], whose frame is not part of every level (a debug build gives each
// temporary a slot of its own).
fn nested(scope: Scope<'_>, condition: &Condition, depth: usize) -> Result<Box<Filter>> {
    if depth > MAX_DEPTH {
        return Err(too_deep());
    }
    let depth = depth + 1;
    let filter = match condition {
        Condition::And(a, b) => Filter::And(nested(scope, a, depth)?, nested(scope, b, depth)?),
        Condition::Or(a, b) => Filter::Or(nested(scope, a, depth)?, nested(scope, b, depth)?),
        Condition::Not(inner) => Filter::Not(nested(scope, inner, depth)?),
        leaf_condition => return leaf(scope, leaf_condition).map(Box::new),
    };
    Ok(Box::new(filter))
}

#[cold]
#[inline(never)]
fn too_deep() -> Error {
    Error::new(ErrorKind::Syntax, "the condition is nested too deeply")
}

/// One test of one value: everything of a condition but `and`, `or` and `not`.
#[inline(never)]
fn leaf(scope: Scope<'_>, condition: &Condition) -> Result<Filter> {
    let Scope { catalog, table, place, now } = scope;
    let left = |field: &Expr| scalar(catalog, table, field, place);
    Ok(match condition {
        Condition::And(..) | Condition::Or(..) | Condition::Not(..) => unreachable!("`nested` takes these"),
        Condition::IsNull { field, negated } => {
            Filter::Test { left: left(field)?, test: Test::IsNull { negated: *negated } }
        }
        Condition::In { field, values, negated } => {
            let left = left(field)?;
            let column = typed_as(&left, field);
            let values = values.iter().map(|v| coerce(v, &column, now)).collect::<Result<Vec<Value>>>()?;
            Filter::Test { left, test: Test::In { values, negated: *negated } }
        }
        Condition::CompareFields { field, op, other } => {
            let left = left(field)?;
            let other = match scalar(catalog, table, &Expr::Path(other.clone()), Place::Row)? {
                Scalar::Path(path) => path,
                _ => unreachable!("a path resolves to a path"),
            };
            Filter::Test { left, test: Test::CompareField { op: *op, other } }
        }
        Condition::Compare { field, op, value } => {
            let left = left(field)?;
            // `= null` is never true in SQL; what the user means is `is null`.
            if value.kind == LiteralKind::Null {
                let negated = match op {
                    CompareOp::Eq => false,
                    CompareOp::Ne => true,
                    _ => {
                        return Err(Error::at(
                            ErrorKind::Value,
                            format!("`{}` cannot compare with null", op.as_str()),
                            value.span,
                        )
                        .with_help("use `is null` or `is not null`"));
                    }
                };
                return Ok(Filter::Test { left, test: Test::IsNull { negated } });
            }
            let value = match op {
                CompareOp::Like | CompareOp::NotLike | CompareOp::ILike | CompareOp::NotILike => {
                    // Each database answers `like` on JSON its own way (PostgreSQL has no such
                    // operator, the others match the document's text): refused alike, here.
                    let column = typed_as(&left, field);
                    if column.field_type == FieldType::Json {
                        return Err(Error::at(
                            ErrorKind::Value,
                            format!("`{}` matches text, and `{field}` is json", op.as_str()),
                            operator_span(field.span(), value.span, op.as_str().len()),
                        )
                        .with_label("not for json")
                        .with_help("compare the whole document with `=`, or match its text with `sql`"));
                    }
                    pattern(value)?
                }
                _ => coerce(value, &typed_as(&left, field), now)?,
            };
            Filter::Test { left, test: Test::Compare { op: *op, value } }
        }
        Condition::Between { field, low, high, negated } => {
            let left = left(field)?;
            let column = typed_as(&left, field);
            if matches!(column.field_type, FieldType::Bool | FieldType::Json) {
                return Err(Error::at(
                    ErrorKind::Value,
                    format!("`between` needs values in order, and `{field}` is {}", column.field_type),
                    field.span(),
                )
                .with_help("compare with `=` or `in (…)`"));
            }
            let end = |literal: &Literal| {
                let value = coerce(literal, &column, now)?;
                if value.is_null() {
                    return Err(Error::at(ErrorKind::Value, "`between` cannot compare with null", literal.span)
                        .with_help("use `is null` or `is not null`"));
                }
                Ok(value)
            };
            let (low, high) = (end(low)?, end(high)?);
            Filter::Test { left, test: Test::Between { low, high, negated: *negated } }
        }
    })
}

/// The column a value compared with `left` is checked against: the field itself, or a stand-in
/// of the type an aggregate or a date part gives.
fn typed_as(left: &Scalar, field: &Expr) -> Column {
    match left {
        Scalar::Path(path) => path.column.clone(),
        other => Column {
            name: field.to_string(),
            sql_type: String::new(),
            field_type: other.field_type(),
            nullable: true,
            primary_key: false,
            has_default: false,
            default: None,
            spelling: None,
        },
    }
}

pub fn optional_filter(
    catalog: &Catalog,
    table: &Table,
    condition: Option<&Condition>,
    now: Now,
) -> Result<Option<Filter>> {
    condition.map(|c| filter(catalog, table, c, now)).transpose()
}

/// Every column of the row of `table` whose single-column key `key` is `value`.
pub fn by_key(table: &Table, key: &Column, value: Value) -> Select {
    let test = Test::Compare { op: CompareOp::Eq, value };
    Select::rows(table, Some(Filter::Test { left: Scalar::Path(ResolvedPath::column(key.clone())), test }))
}

/// Every column of the rows of `table` whose columns `key` hold these values.
pub fn by_columns(table: &Table, key: Vec<(Column, Value)>) -> Select {
    let filter = key.into_iter().fold(None, |filter, (column, value)| {
        let test = Filter::Test {
            left: Scalar::Path(ResolvedPath::column(column)),
            test: Test::Compare { op: CompareOp::Eq, value },
        };
        Some(match filter {
            None => test,
            Some(before) => Filter::And(Box::new(before), Box::new(test)),
        })
    });
    Select::rows(table, filter)
}

/// The columns an `add` or an `update … set` assigns, in the order typed, and their values.
pub struct Assigned<'t> {
    pub columns: Vec<&'t Column>,
    pub values: Vec<Value>,
    /// Per column, how it is set and where the operator is; empty when every one is a plain
    /// `=` (nearly always: no list to build for every row of a script of `add`s).
    pub ops: Vec<(AssignOp, Span)>,
    /// References set by a field of their row: their values (null until then) are found when
    /// the command runs.
    pub lookups: Vec<Lookup>,
    /// The columns set so far, once there are many (see [`Assigned::column`]).
    seen: Option<std::collections::HashSet<*const Column>>,
}

impl<'t> Assigned<'t> {
    fn with_capacity(n: usize) -> Assigned<'t> {
        Assigned {
            columns: Vec::with_capacity(n),
            values: Vec::with_capacity(n),
            ops: Vec::new(),
            lookups: Vec::new(),
            seen: None,
        }
    }

    /// How each column is set, in order: `=` for all when none is compound.
    pub fn ops(&self) -> Vec<AssignOp> {
        if self.ops.is_empty() {
            return Vec::new();
        }
        self.ops.iter().map(|(op, _)| *op).collect()
    }

    /// Adds the column `field` sets, unless an earlier assignment already set it.
    fn column(&mut self, table: &'t Table, field: &Ident) -> Result<&'t Column> {
        let column = table.field(field)?.column();
        // A set of the columns seen, once there are many (a scan is quicker for a few).
        let twice = if self.columns.len() < 16 {
            self.columns.iter().any(|c| std::ptr::eq(*c, column))
        } else {
            let columns = &self.columns;
            let seen = self.seen.get_or_insert_with(|| columns.iter().map(|c| std::ptr::from_ref(*c)).collect());
            !seen.insert(std::ptr::from_ref(column))
        };
        if twice {
            return Err(Error::at(ErrorKind::Value, format!("`{}` is set twice", field.name), field.span));
        }
        self.columns.push(column);
        Ok(column)
    }
}

/// The columns and values of `add` or `update … set`, each checked against its column.
/// Reference names (`user=1`) set their key column (`user_id`). The assignments are taken, so
/// that text values are moved into the row, not copied (a script's `add`s are mostly text).
pub fn assignments<'t>(
    catalog: &Catalog,
    table: &'t Table,
    assignments: Vec<Assignment>,
    now: Now,
) -> Result<Assigned<'t>> {
    let mut out = Assigned::with_capacity(assignments.len());
    for Assignment { field, through, op, op_span, value } in assignments {
        let column = out.column(table, &field)?;
        let span = value.span;
        if let Some(path) = through {
            let lookup = lookup(catalog, table, &field, &path, op, op_span, &value, out.values.len(), now)?;
            out.lookups.push(lookup);
            if !out.ops.is_empty() {
                out.ops.push((op, op_span));
            }
            // A stand-in: the key found is bound here when the command runs.
            out.values.push(Value::Null);
            continue;
        }
        if op != AssignOp::Set {
            compound(column, &field, op, op_span, &value)?;
            out.ops.resize(out.columns.len() - 1, (AssignOp::Set, Span::default()));
        }
        if op != AssignOp::Set || !out.ops.is_empty() {
            out.ops.push((op, op_span));
        }
        out.values.push(not_null_unless_allowed(column, &field, span, coerce_owned(value, column, now)?)?);
    }
    Ok(out)
}

/// `user.email=a@x.io`: how the key of the one `User` whose email it is will be found.
#[allow(clippy::too_many_arguments)]
fn lookup(
    catalog: &Catalog,
    table: &Table,
    field: &Ident,
    path: &crate::ast::FieldPath,
    op: AssignOp,
    op_span: Span,
    value: &Literal,
    slot: usize,
    now: Now,
) -> Result<Lookup> {
    let Ok(crate::catalog::Field::Reference(fk, _)) = table.field(field) else {
        return Err(Error::at(
            ErrorKind::Value,
            format!("`{}` is not a reference: only a reference is set by a field of the row it points at", field.name),
            field.span,
        )
        .with_help(format!("write `{}=…`", field.name)));
    };
    if op != AssignOp::Set {
        return Err(Error::at(ErrorKind::Value, format!("`{}` cannot set a reference", op.as_str()), op_span)
            .with_help(format!("write `{}.{path}=…`", field.name)));
    }
    if value.kind == LiteralKind::Null {
        return Err(Error::at(ErrorKind::Value, "a row is found by a value, not by null", value.span)
            .with_help(format!("`{}=null` clears the reference", field.name)));
    }
    let target = catalog.table(&fk.ref_table).ok_or_else(|| {
        Error::at(ErrorKind::Name, format!("table `{}` is not in the catalog", fk.ref_table), field.span)
    })?;
    let key = target.column(&fk.ref_column).ok_or_else(|| {
        Error::at(ErrorKind::Name, format!("`{}` has no column `{}`", fk.ref_table, fk.ref_column), field.span)
    })?;
    let condition = Condition::Compare { field: Expr::Path(path.clone()), op: CompareOp::Eq, value: value.clone() };
    let found = filter(catalog, target, &condition, now)?;
    let mut find = Select::rows(target, Some(found.clone()));
    find.columns = vec![crate::plan::Projection::column(key)];
    find.limit = Some(2);
    let count = crate::plan::Count { table: target.name.clone(), filter: Some(found) };
    let shown = value.as_typed();
    Ok(Lookup {
        slot,
        find,
        count,
        model: target.model_name(),
        condition: format!("{path} = {shown}"),
        span: path.span.to(value.span),
    })
}

/// Checks `field += value` (and `-=`, `*=`, `/=`): arithmetic on a number, with a number.
fn compound(column: &Column, field: &Ident, op: AssignOp, op_span: Span, value: &Literal) -> Result<()> {
    if !matches!(column.field_type, FieldType::Int | FieldType::Float | FieldType::Decimal) {
        return Err(Error::at(
            ErrorKind::Value,
            format!("`{}` needs a number, and `{}` is {}", op.as_str(), field.name, column.field_type),
            op_span,
        )
        .with_help(format!("set it with `{}=…`", field.name)));
    }
    match &value.kind {
        LiteralKind::Null => {
            Err(Error::at(ErrorKind::Value, format!("`{}` needs a number, not null", op.as_str()), value.span))
        }
        // Each database answers a division by zero its own way (an error, or null): refused here.
        LiteralKind::Number(n) if op == AssignOp::Div && n.parse::<f64>().is_ok_and(|n| n == 0.0) => {
            Err(Error::at(ErrorKind::Value, "a division by zero", value.span))
        }
        _ => Ok(()),
    }
}

fn not_null_unless_allowed(column: &Column, field: &Ident, span: Span, value: Value) -> Result<Value> {
    // A key the database numbers itself takes null as "number it" (SQLite's rowid).
    let numbered = column.primary_key && column.has_default;
    if value.is_null() && !column.nullable && !numbered {
        return Err(Error::at(ErrorKind::Value, format!("`{}` cannot be null", field.name), span)
            .with_label(format!("{} is required", column.name)));
    }
    Ok(value)
}

/// Where the operator between a field and its value is (the condition keeps no span of its
/// own for it): the gap between them, without the single spaces that usually surround it.
fn operator_span(field: Span, value: Span, op_len: usize) -> Span {
    let gap = value.start.saturating_sub(field.end);
    if gap == op_len + 2 { Span::new(field.end + 1, value.start - 1) } else { Span::new(field.end, value.start) }
}

/// Required columns that `add` left out: not null, no default, not the database's own key.
pub fn missing_required<'t>(table: &'t Table, given: &[&Column]) -> Vec<&'t Column> {
    table
        .columns
        .iter()
        .filter(|c| !c.nullable && !c.has_default && !given.iter().any(|g| std::ptr::eq(*g, *c)))
        .collect()
}

/// `model …` as a table definition: the convention's table name unless one is given, an `id`
/// key unless a field is declared `primary`, references as `<field>_id` foreign keys.
pub fn create_table(catalog: &Catalog, model: &ModelDecl) -> Result<CreateTable> {
    let table =
        model.table.as_ref().map(|t| t.name.clone()).unwrap_or_else(|| naming::table_for_model(&model.name.name));
    if catalog.has_table_folded(&table) {
        let at = model.table.as_ref().unwrap_or(&model.name);
        return Err(Error::at(ErrorKind::Name, format!("a table `{table}` already exists"), at.span)
            .with_help(format!("`describe {}` shows it; `drop {}` removes it", model.name.name, model.name.name)));
    }
    let mut columns = Vec::new();
    if !model.fields.iter().any(|f| f.primary_key) {
        columns.push(ColumnDef {
            name: "id".into(),
            field_type: FieldType::Int,
            nullable: false,
            unique: false,
            primary_key: true,
            auto_increment: true,
            default: None,
            references: None,
        });
    }
    // Every column name so far, folded: a model of thousands of fields is checked in linear time.
    let mut names: std::collections::HashSet<String> = columns.iter().map(|c| c.name.to_ascii_lowercase()).collect();
    for field in &model.fields {
        let def = column_def(catalog, model, &table, field)?;
        if !names.insert(def.name.to_ascii_lowercase()) {
            return Err(Error::at(
                ErrorKind::Name,
                format!("field `{}` is declared twice", field.name.name),
                field.name.span,
            ));
        }
        columns.push(def);
    }
    // The declared name is kept with the table where no convention would give it back.
    let convention = naming::model_for_table(&table);
    let model_name = (!convention.eq_ignore_ascii_case(&model.name.name)).then(|| model.name.name.clone());
    Ok(CreateTable { table, model: model_name, columns })
}

pub(crate) fn column_def(catalog: &Catalog, model: &ModelDecl, table: &str, field: &FieldDecl) -> Result<ColumnDef> {
    let (name, field_type, references) = match &field.ty {
        FieldTypeDecl::Scalar(ty) => {
            let field_type = FieldType::from_decl(&ty.name).ok_or_else(|| unknown_type(catalog, ty))?;
            (field.name.name.clone(), field_type, None)
        }
        FieldTypeDecl::Reference(target) => {
            let (ref_table, key, key_type) = referenced_key(catalog, model, table, target)?;
            (naming::reference_column(&field.name.name), key_type, Some((ref_table, key)))
        }
    };
    let column = Column {
        name: name.clone(),
        sql_type: String::new(),
        field_type: field_type.clone(),
        nullable: true,
        primary_key: false,
        has_default: false,
        default: None,
        spelling: None,
    };
    let default = field.default.as_ref().map(|lit| coerce_default(lit, &column)).transpose()?;
    Ok(ColumnDef {
        name,
        field_type,
        nullable: field.nullable,
        unique: field.unique,
        primary_key: field.primary_key,
        auto_increment: false,
        default,
        references,
    })
}

/// The table and key a reference refers to, and the type its column takes: the key's own type,
/// as the database declares it, so that the foreign key is accepted (PostgreSQL and MariaDB
/// refuse one between columns of different types) and the values fit (a uuid key makes a uuid
/// reference). A model may refer to itself before its table exists: then its declared key, or
/// the `id` ormsh adds.
fn referenced_key(
    catalog: &Catalog,
    model: &ModelDecl,
    table: &str,
    target: &Ident,
) -> Result<(String, String, FieldType)> {
    if target.name == model.name.name {
        let keys: Vec<&FieldDecl> = model.fields.iter().filter(|f| f.primary_key).collect();
        return match keys.as_slice() {
            [] => Ok((table.to_string(), "id".to_string(), FieldType::Int)),
            [key] => match &key.ty {
                FieldTypeDecl::Scalar(ty) => {
                    let key_type = FieldType::from_decl(&ty.name).ok_or_else(|| unknown_type(catalog, ty))?;
                    Ok((table.to_string(), key.name.name.clone(), key_type))
                }
                FieldTypeDecl::Reference(_) => Err(Error::at(
                    ErrorKind::Name,
                    format!("`{}`'s key is itself a reference, which a reference to it cannot follow", target.name),
                    target.span,
                )),
            },
            keys => Err(composite_key(target, keys.iter().map(|k| k.name.name.as_str()))),
        };
    }
    let target_table = catalog.model(target).map_err(|_| unknown_type(catalog, target))?;
    match target_table.primary_key().as_slice() {
        [key] => {
            let key_type = if key.sql_type.trim().is_empty() {
                key.field_type.clone()
            } else {
                FieldType::Other(key.sql_type.clone())
            };
            Ok((target_table.name.clone(), key.name.clone(), key_type))
        }
        [] => Err(Error::at(ErrorKind::Name, format!("`{}` has no primary key to refer to", target.name), target.span)
            .with_help(format!(
                "a reference needs a single-column primary key; `describe {}` shows its fields",
                target.name
            ))),
        keys => Err(composite_key(target, keys.iter().map(|k| k.name.as_str()))),
    }
}

/// A reference to a model whose key has several columns: one column cannot hold it.
fn composite_key<'a>(target: &Ident, keys: impl Iterator<Item = &'a str>) -> Error {
    let keys: Vec<&str> = keys.collect();
    Error::at(
        ErrorKind::Name,
        format!("`{}` has a composite primary key ({}), which a reference cannot hold", target.name, keys.join(", ")),
        target.span,
    )
    .with_label("a reference needs a single-column key")
    .with_help("declare the key's fields yourself and refer to them with `sql … FOREIGN KEY`")
}

fn unknown_type(catalog: &Catalog, ty: &Ident) -> Error {
    let models = catalog.model_names();
    let names = FieldType::DECL_NAMES.iter().copied().chain(models.iter().map(String::as_str));
    let mut err = Error::at(ErrorKind::Name, format!("unknown type `{}`", ty.name), ty.span)
        .with_label("neither a type nor a model");
    err = match crate::suggest::did_you_mean(&ty.name, names) {
        Some(help) => err.with_help(help),
        None => {
            err.with_help(format!("types are {}; a model name makes a reference", FieldType::DECL_NAMES.join(", ")))
        }
    };
    err
}

/// The field a key literal of `get` is compared with.
pub fn key_column<'t>(table: &'t Table, model: &Ident) -> Result<&'t Column> {
    table.single_key().ok_or_else(|| {
        Error::at(
            ErrorKind::Name,
            format!("{} has no single-column primary key, so `get` cannot find by key", model.name),
            model.span,
        )
        .with_help("use `query … where …` instead")
    })
}

/// A conventional timestamp, filled by ormsh as Rails and Sequelize fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stamp {
    /// `created_at` or `createdAt`: set when the row is made.
    Created,
    /// `updated_at` or `updatedAt`: set when the row is made, and again at every change.
    Updated,
}

/// Whether `column` is a conventional timestamp: its name, a date or datetime type, not null
/// and no default (a column with a default is the database's to fill).
pub fn stamp(column: &Column) -> Option<Stamp> {
    if column.nullable || column.has_default || !matches!(column.field_type, FieldType::DateTime | FieldType::Date) {
        return None;
    }
    let name = column.name.as_str();
    if name.eq_ignore_ascii_case("created_at") || name.eq_ignore_ascii_case("createdAt") {
        Some(Stamp::Created)
    } else if name.eq_ignore_ascii_case("updated_at") || name.eq_ignore_ascii_case("updatedAt") {
        Some(Stamp::Updated)
    } else {
        None
    }
}

/// Adds `now` for each timestamp of `table` (of the kinds `fill` takes) that `given` leaves
/// out: a value the user gives wins.
fn fill_stamps<'t>(table: &'t Table, given: &mut Assigned<'t>, now: Now, fill: impl Fn(Stamp) -> bool) {
    for column in &table.columns {
        if stamp(column).is_some_and(&fill) && !given.columns.iter().any(|g| std::ptr::eq(*g, column)) {
            let Some(value) = crate::coerce::now_value(&column.field_type, now) else { continue };
            given.columns.push(column);
            given.values.push(crate::coerce::spelled(value, column));
            if !given.ops.is_empty() {
                given.ops.push((AssignOp::Set, Span::default()));
            }
        }
    }
}

/// `update … set`: `updated_at` is refreshed unless the user sets it.
pub fn stamp_update<'t>(table: &'t Table, set: &mut Assigned<'t>, now: Now) {
    fill_stamps(table, set, now, |s| s == Stamp::Updated);
}

/// A row of `add` for `table`, unless it leaves out a column that needs a value. The
/// timestamps it leaves out are `now`.
pub fn complete_row<'t>(table: &'t Table, model: &Ident, mut given: Assigned<'t>, now: Now) -> Result<InsertRow<'t>> {
    if let Some((op, span)) = given.ops.iter().find(|(op, _)| *op != AssignOp::Set) {
        return Err(Error::at(
            ErrorKind::Value,
            format!("`{}` changes a stored value: it is for `update … set`", op.as_str()),
            *span,
        )
        .with_help("write `field=value`"));
    }
    fill_stamps(table, &mut given, now, |_| true);
    let missing = missing_required(table, &given.columns);
    if !missing.is_empty() {
        // A reference is named as the user types it: `author`, not `author_id`.
        let names: Vec<&str> = missing
            .iter()
            .map(|c| table.foreign_key_of(&c.name).map_or(c.name.as_str(), |fk| fk.reference_name()))
            .collect();
        return Err(Error::at(
            ErrorKind::Value,
            format!("{} needs a value for {}", model.name, names.join(", ")),
            model.span,
        )
        .with_label(format!("{} cannot be null and has no default", names.join(", "))));
    }
    Ok(InsertRow { table, columns: given.columns, values: given.values })
}

/// The key an `upsert` finds its row by: the primary key when all its fields are given, else
/// the first unique key whose fields are all given; none is an error that names the keys.
pub fn upsert_key<'t>(table: &'t Table, model: &Ident, given: &[&Column]) -> Result<Vec<&'t Column>> {
    let is_given = |column: &Column| given.iter().any(|g| std::ptr::eq(*g, column));
    let primary = table.primary_key();
    if !primary.is_empty() && primary.iter().all(|c| is_given(c)) {
        return Ok(primary);
    }
    // An index on an expression has no column to give (or fewer columns than it covers).
    let unique = table.indexes.iter().filter(|i| i.unique && !i.columns.is_empty());
    for index in unique.clone() {
        let columns: Option<Vec<&Column>> = index.columns.iter().map(|name| table.column(name)).collect();
        if let Some(columns) = columns.filter(|cs| cs.len() == index.columns.len() && cs.iter().all(|c| is_given(c))) {
            return Ok(columns);
        }
    }
    // Named as the user types them: a reference by its name.
    let name = |c: &str| table.foreign_key_of(c).map_or(c.to_string(), |fk| fk.reference_name().to_string());
    let spell =
        |names: Vec<String>| if names.len() == 1 { names[0].clone() } else { format!("({})", names.join(", ")) };
    let mut keys = Vec::new();
    if !primary.is_empty() {
        keys.push(spell(primary.iter().map(|c| name(&c.name)).collect()));
    }
    keys.extend(unique.map(|i| spell(i.columns.iter().map(|c| name(c)).collect())));
    let error =
        Error::at(ErrorKind::Value, format!("`upsert` needs the fields of a key of {}", model.name), model.span);
    Err(if keys.is_empty() {
        error.with_label("it has neither a primary key nor a unique key").with_help("use `add`")
    } else {
        error.with_label(format!("its keys: {}", keys.join(", "))).with_help("give every field of one key")
    })
}
