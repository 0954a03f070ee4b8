//! The schema as ormsh sees it: tables, columns, keys, references and indexes, read from the
//! database at connect and after every schema change. It also resolves the names the user types
//! (`User`, `user.name`, `orders.total`) to tables, columns, references and relations, with "did
//! you mean" when nothing matches.

pub mod marker;
mod partial;
mod relations;
mod schemas;

pub use partial::Partial;
pub use relations::{Relation, RelationKind, Step, is_join_table};
pub use schemas::Schemas;

use crate::ast::{FieldPath, Ident, Span};
use crate::datetime::Spelling;
use crate::error::{Error, ErrorKind, Result};
use crate::naming::{self, split_schema};
use crate::suggest;
use crate::value::{DecimalForm, FieldType};

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    /// The type as the database declares it (`VARCHAR(40)`, `int4`, `tinyint(1)`).
    pub sql_type: String,
    pub field_type: FieldType,
    pub nullable: bool,
    pub primary_key: bool,
    /// The database fills it when it is left out (a default or an auto-increment key).
    pub has_default: bool,
    /// The default's SQL expression, as the database reports it.
    pub default: Option<String>,
    /// How its rows spell a date, time or uuid where the database keeps them as text
    /// (SQLite), as a sample showed; ormsh writes the same.
    pub spelling: Option<Spelling>,
}

/// A foreign key of one column: `column` → `ref_table.ref_column`.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    pub column: String,
    pub ref_table: String,
    pub ref_column: String,
}

impl Column {
    /// A stand-in column for one element, if this is a PostgreSQL array (`int4[]`, `text[]`):
    /// only PostgreSQL's catalog types a column as an array (of any other database's, a name
    /// ending in `[]` is read as the scalar type it names). Its element type comes from the
    /// element's type name alone, and a name ormsh does not know (an enum, `interval`, `inet`)
    /// is text, checked by the server.
    pub fn array_element(&self) -> Option<Column> {
        let FieldType::Other(sql_type) = &self.field_type else { return None };
        let element = sql_type.strip_suffix("[]")?;
        Some(Column {
            name: format!("each element of {}", self.name),
            sql_type: element.to_string(),
            field_type: array_element_type(element),
            nullable: true,
            primary_key: false,
            has_default: false,
            default: None,
            spelling: None,
        })
    }

    /// How values of this column are shown if it is a decimal: with the scale its type
    /// declares (`numeric(8,2)`), else canonically. None for a column of another type.
    pub fn decimal_form(&self) -> Option<DecimalForm> {
        if self.field_type != FieldType::Decimal {
            return None;
        }
        let t = self.sql_type.to_ascii_lowercase().replace(' ', "");
        // MySQL's DECIMAL(38,10) is the type ormsh makes for a `decimal` of no declared scale.
        if t == "decimal(38,10)" {
            return Some(DecimalForm::Canonical);
        }
        let scale = t
            .split_once('(')
            .and_then(|(_, args)| args.split_once(')'))
            .and_then(|(args, _)| args.split_once(','))
            .and_then(|(_, scale)| scale.parse().ok());
        Some(scale.map_or(DecimalForm::Canonical, DecimalForm::Scale))
    }
}

impl ForeignKey {
    /// The name the user types for this reference: `user_id` → `user`.
    pub fn reference_name(&self) -> &str {
        naming::reference_name(&self.column)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: String,
    /// The model name it was declared with, where that is not the one its name gives by
    /// convention (`model Foo table bar`): from the session, or the table's marker (`marker`).
    pub model: Option<String>,
    pub columns: Vec<Column>,
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
}

/// What a single field name stands for in one table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    Column(&'a Column),
    /// A reference by its name (`user` for the column `user_id`).
    Reference(&'a ForeignKey, &'a Column),
}

impl<'a> Field<'a> {
    /// The column that holds the field's value.
    pub fn column(&self) -> &'a Column {
        match self {
            Field::Column(c) | Field::Reference(_, c) => c,
        }
    }
}

/// A field path resolved against the catalog: the steps it takes through references and
/// relations, then the final column.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedPath {
    pub steps: Vec<Step>,
    pub column: Column,
}

impl ResolvedPath {
    /// A column of the table itself.
    pub fn column(column: Column) -> ResolvedPath {
        ResolvedPath { steps: Vec::new(), column }
    }

    /// Whether the path goes through a relation, so that it may stand for many values per row.
    pub fn fans_out(&self) -> bool {
        self.steps.iter().any(Step::fans_out)
    }
}

/// What one name stands for in one table.
#[derive(Debug, Clone, PartialEq)]
pub enum Member<'c> {
    Column(&'c Column),
    /// A reference by its name (`user` for the column `user_id`).
    Reference(&'c ForeignKey, &'c Column),
    /// A relation: the rows of another table that refer to this one.
    Relation(Relation),
}

/// Where a path that may end at a relation leads: a column, or the rows of a table
/// (`count(orders)`).
#[derive(Debug, Clone, PartialEq)]
pub enum End {
    Column(Column),
    Rows(String),
}

/// A path resolved as far as it goes: its steps, then where it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk {
    pub steps: Vec<Step>,
    pub end: End,
    /// Which part of the path is its first relation, if it has one: from there on, the path
    /// stands for many rows.
    pub first_relation: Option<usize>,
}

impl Table {
    /// Adds one column of an index, rows of which arrive in order, one column per row;
    /// `column` is None for an expression.
    pub fn add_index_column(&mut self, index: String, unique: bool, column: Option<String>) {
        if self.indexes.last().is_none_or(|i| i.name != index) {
            self.indexes.push(Index { name: index, columns: vec![], unique });
        }
        if let (Some(column), Some(last)) = (column, self.indexes.last_mut()) {
            last.columns.push(column);
        }
    }

    /// The model name this table is shown as: the name it was declared with, else by
    /// convention (`users` → `User`).
    pub fn model_name(&self) -> String {
        self.model.clone().unwrap_or_else(|| naming::model_for_table(&self.name))
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .or_else(|| self.columns.iter().find(|c| c.name.eq_ignore_ascii_case(name)))
    }

    /// The primary key's columns.
    pub fn primary_key(&self) -> Vec<&Column> {
        self.columns.iter().filter(|c| c.primary_key).collect()
    }

    /// The single-column primary key, which `get` and the stored-record re-read need.
    pub fn single_key(&self) -> Option<&Column> {
        match self.primary_key().as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    pub fn foreign_key_of(&self, column: &str) -> Option<&ForeignKey> {
        self.foreign_keys.iter().find(|fk| fk.column == column)
    }

    /// Resolves one field name: a column by exact name, then case-insensitively, then a
    /// reference by its name (`user` for `user_id`).
    pub fn field(&self, ident: &Ident) -> Result<Field<'_>> {
        self.find_field(&ident.name).ok_or_else(|| self.unknown_field(ident, &self.field_names()))
    }

    /// [`Table::field`] without the error.
    pub fn find_field(&self, name: &str) -> Option<Field<'_>> {
        if let Some(column) = self.column(name) {
            return Some(match self.foreign_key_of(&column.name) {
                Some(fk) => Field::Reference(fk, column),
                None => Field::Column(column),
            });
        }
        let by_ref = |exact: bool| {
            self.foreign_keys.iter().find(|fk| {
                let reference = fk.reference_name();
                if exact { reference == name } else { reference.eq_ignore_ascii_case(name) }
            })
        };
        let fk = by_ref(true).or_else(|| by_ref(false))?;
        let column = self.column(&fk.column).expect("a foreign key's column is in its table");
        Some(Field::Reference(fk, column))
    }

    /// "no field `x`", with the nearest of `known` or the list of them.
    fn unknown_field(&self, ident: &Ident, known: &[String]) -> Error {
        let err =
            Error::at(ErrorKind::Name, format!("{} has no field `{}`", self.model_name(), ident.name), ident.span)
                .with_label("unknown field");
        match suggest::did_you_mean(&ident.name, known.iter().map(String::as_str)) {
            Some(help) => err.with_help(help),
            None => err.with_help(format!("its fields are: {}", known.join(", "))),
        }
    }

    /// Every name a field of this table can be called by: its columns and its references.
    pub fn field_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        for fk in &self.foreign_keys {
            let name = fk.reference_name();
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
        names
    }
}

/// The tables of the connection's current schema: all of them, or (in a big schema, read as
/// commands need it) some of them, with the names of all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub tables: Vec<Table>,
    /// Models declared in this session with a table of another name (`model Foo table bar`),
    /// and their tables: the name they were declared with finds them, which no convention
    /// would. Kept while the table exists (see [`Catalog::keep_declared`]).
    pub declared: Vec<(String, String)>,
    /// `None` when `tables` is the whole schema; otherwise what is known of the rest.
    pub partial: Option<Partial>,
    /// Which of `tables` are views, and whether each takes rows: a model like a table, but
    /// `add`, `update` and `delete` on one the database cannot write are refused.
    pub views: Vec<View>,
    /// PostgreSQL's schemas: which there are, and where the tables named without one are.
    pub schemas: Schemas,
}

/// A view of the current schema (its columns are a [`Table`] of the same name).
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    pub name: String,
    /// The database writes through it (PostgreSQL's and MySQL's simple views; a SQLite view
    /// with an INSTEAD OF trigger).
    pub writable: bool,
}

impl Catalog {
    /// Remembers that the model `model` is the table `table`.
    pub fn declare(&mut self, model: &str, table: &str) {
        self.remember(model, table);
        self.name_tables();
    }

    /// Takes in the models that tables' markers name (`(table, model)`, as the database lists
    /// its tables; see `marker`).
    pub fn declare_marked(&mut self, listed: &[(String, Option<String>)]) {
        for (table, model) in listed {
            if let Some(model) = model {
                self.remember(model, table);
            }
        }
        self.name_tables();
    }

    /// `model` is `table`, and neither is anything else.
    fn remember(&mut self, model: &str, table: &str) {
        self.declared.retain(|(m, t)| !m.eq_ignore_ascii_case(model) && t != table);
        self.declared.push((model.to_string(), table.to_string()));
    }

    /// Takes over what `earlier` (the catalog this one replaces) declared, for the tables that
    /// are still there and that this one does not name otherwise: a table a rollback took back
    /// takes its name with it.
    pub fn keep_declared(&mut self, earlier: &Catalog) {
        for (model, table) in &earlier.declared {
            let named = self.declared.iter().any(|(m, t)| m.eq_ignore_ascii_case(model) || t == table);
            if !named && self.names().any(|t| t == table) {
                self.declared.push((model.clone(), table.clone()));
            }
        }
        let mut declared = std::mem::take(&mut self.declared);
        declared.retain(|(_, table)| self.names().any(|t| t == table));
        self.declared = declared;
        self.name_tables();
    }

    /// Gives each table read the model name it was declared with, if any.
    pub(crate) fn name_tables(&mut self) {
        for table in &mut self.tables {
            table.model = self.declared.iter().find(|(_, t)| *t == table.name).map(|(m, _)| m.clone());
        }
    }

    /// The model name of the table `name` (read or not): as declared, else by convention.
    pub fn model_name_of(&self, name: &str) -> String {
        match self.declared.iter().find(|(_, t)| t == name) {
            Some((model, _)) => model.clone(),
            None => naming::model_for_table(name),
        }
    }

    /// Adds a column to `table`, the last table added or a new one: introspection reads columns
    /// ordered by table.
    pub fn add_column(&mut self, table: &str, column: Column) {
        if self.tables.last().is_none_or(|t| t.name != table) {
            self.tables.push(Table {
                name: table.to_string(),
                model: None,
                columns: vec![],
                foreign_keys: vec![],
                indexes: vec![],
            });
        }
        if let Some(last) = self.tables.last_mut() {
            last.columns.push(column);
        }
    }

    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// Finds the table a model name stands for: by exact name, then case-insensitively, then by
    /// the convention (snake_case, then its plural). In a catalog read in part, the name is
    /// resolved among every table's name, and the table is found only if it was read.
    pub fn find_model(&self, model: &str) -> Option<&Table> {
        self.table(self.table_name_for(model)?)
    }

    /// The name of the table a model name stands for, among every table of the schema (read or
    /// not): see [`Catalog::find_model`]. A model named with its schema (`sales.Order`) is
    /// looked for among that schema's tables only, and a bare name among the search path's: a
    /// table of the path wins, as in PostgreSQL.
    pub fn table_name_for(&self, model: &str) -> Option<&str> {
        if let Some((_, table)) = self.declared.iter().find(|(m, _)| m.eq_ignore_ascii_case(model))
            && let Some(name) = self.names().find(|t| t == table)
        {
            return Some(name);
        }
        match split_schema(model) {
            (Some(typed), bare) => match self.schemas.find(typed) {
                Some(schema) => resolve(bare, || {
                    self.names().filter(move |t| self.schemas.holds(schema, t)).map(|t| (t, split_schema(t).1))
                }),
                // No schema of that name: a table whose own name has a dot (SQLite, MySQL).
                None => resolve(model, || self.names().map(|t| (t, t))),
            },
            (None, _) => resolve(model, || self.names().filter(|t| split_schema(t).0.is_none()).map(|t| (t, t))),
        }
    }

    /// Like [`Catalog::find_model`], with an error that points at the name and suggests the
    /// nearest model.
    pub fn model(&self, ident: &Ident) -> Result<&Table> {
        if let Some(name) = self.table_name_for(&ident.name) {
            return self.table(name).ok_or_else(|| self.not_read(name, ident.span));
        }
        if let (Some(typed), _) = split_schema(&ident.name)
            && !self.schemas.names.is_empty()
        {
            return Err(self.unknown_in_schema(ident, typed));
        }
        Err({
            let models = self.model_names();
            let mut err = Error::at(ErrorKind::Name, format!("unknown model `{}`", ident.name), ident.span)
                .with_label("no table for this model");
            let tables = self.names();
            match suggest::did_you_mean(&ident.name, models.iter().map(String::as_str).chain(tables)) {
                Some(help) => err = err.with_help(help),
                None if models.is_empty() => {
                    err = err.with_help("there are no models yet; declare one with `model Name { field: type, … }`")
                }
                None => err = err.with_help(format!("known models: {}", models.join(", "))),
            }
            err
        })
    }

    /// The schema a name stands for (`models sales`), or an error that points at it.
    pub fn schema(&self, ident: &Ident) -> Result<&str> {
        let Some(schema) = self.schemas.find(&ident.name) else {
            let err = self.unknown_schema(&ident.name, ident.span);
            // `models User`, for the fields of one model.
            return Err(match self.table_name_for(&ident.name) {
                Some(_) => err.with_help(format!("`{0}` is a model: `describe {0}` shows it", ident.name)),
                None => err,
            });
        };
        Ok(schema)
    }

    /// "unknown schema", with the nearest one.
    fn unknown_schema(&self, typed: &str, span: Span) -> Error {
        let err = Error::at(ErrorKind::Name, format!("unknown schema `{typed}`"), span).with_label("no such schema");
        if self.schemas.names.is_empty() {
            return err.with_help("schemas are PostgreSQL's; here `models` lists every model");
        }
        match suggest::did_you_mean(typed, self.schemas.names.iter().map(String::as_str)) {
            Some(help) => err.with_help(help),
            // A server may hold a schema per tenant: a few of them say enough.
            None => {
                let shown: Vec<&str> = self.schemas.names.iter().take(10).map(String::as_str).collect();
                let more = self.schemas.names.len() - shown.len();
                let tail = if more > 0 { format!(", and {more} more") } else { String::new() };
                err.with_help(format!("its schemas are: {}{tail}", shown.join(", ")))
            }
        }
    }

    /// The error for a model named with a schema (`sales.Ordr`) that names no table: an unknown
    /// schema, pointed at, with the nearest one; or the nearest model of the schema.
    fn unknown_in_schema(&self, ident: &Ident, typed: &str) -> Error {
        let Some(schema) = self.schemas.find(typed) else {
            // The schema is what the name starts with, unless it was written in backticks.
            let span = match ident.span.end - ident.span.start == ident.name.len() {
                true => Span::new(ident.span.start, ident.span.start + typed.len()),
                false => ident.span,
            };
            return self.unknown_schema(typed, span);
        };
        let models: Vec<String> = self
            .names()
            .filter(|t| self.schemas.holds(schema, t))
            .map(|t| format!("{typed}.{}", naming::model_for_table(split_schema(t).1)))
            .collect();
        let err = Error::at(ErrorKind::Name, format!("unknown model `{}`", ident.name), ident.span)
            .with_label("no table for this model");
        match suggest::did_you_mean(&ident.name, models.iter().map(String::as_str)) {
            Some(help) => err.with_help(help),
            None if models.is_empty() => err.with_help(format!("schema `{schema}` has no tables")),
            None => err.with_help(format!("its models are: {}", models.join(", "))),
        }
    }

    /// Like [`Catalog::model`], for a command that writes rows: a view the database cannot
    /// write through is refused, with the reason.
    pub fn writable_model(&self, ident: &Ident) -> Result<&Table> {
        let table = self.model(ident)?;
        match self.views.iter().find(|v| v.name == table.name) {
            Some(view) if !view.writable => Err(Error::at(
                ErrorKind::Refused,
                format!("{} is the view `{}`, which the database cannot write rows through", ident.name, table.name),
                ident.span,
            )
            .with_label("a read-only view")
            .with_help("write to the tables it shows; `query` reads it")),
            _ => Ok(table),
        }
    }

    /// Whether `table` is a view.
    pub fn is_view(&self, table: &str) -> bool {
        self.views.iter().any(|v| v.name == table)
    }

    /// Resolves one name of `table`: a column, a reference, then a relation, each by exact
    /// name, then case-insensitively (relations also in CamelCase); an error with the nearest
    /// name otherwise.
    pub fn member<'c>(&'c self, table: &'c Table, ident: &Ident) -> Result<Member<'c>> {
        if let Some(field) = table.find_field(&ident.name) {
            return Ok(match field {
                Field::Column(c) => Member::Column(c),
                Field::Reference(fk, c) => Member::Reference(fk, c),
            });
        }
        if !self.relations_read(&table.name) {
            return Err(self.not_read(&table.name, ident.span));
        }
        let relations = self.relations(table);
        let exact = relations.iter().position(|r| r.name == ident.name);
        if let Some(at) = exact.or_else(|| relations.iter().position(|r| r.answers_to(&ident.name))) {
            return Ok(Member::Relation(relations[at].clone()));
        }
        let mut names = table.field_names();
        names.extend(relations.into_iter().map(|r| r.name));
        Err(table.unknown_field(ident, &names))
    }

    /// Follows `a.b.c` from `table` through references and relations. Every part but the last
    /// must lead to a table; the last is a column (a reference there means its key column) or
    /// a relation, whose rows the path then stands for.
    pub fn walk(&self, table: &Table, path: &FieldPath) -> Result<Walk> {
        let mut current = table;
        let mut steps = Vec::new();
        let mut first_relation = None;
        let (last, through) = path.parts.split_last().expect("a field path has at least one part");
        for (at, part) in through.iter().enumerate() {
            let next = match self.member(current, part)? {
                Member::Reference(fk, _) => {
                    steps.push(Step::Reference {
                        column: fk.column.clone(),
                        table: fk.ref_table.clone(),
                        key: fk.ref_column.clone(),
                    });
                    fk.ref_table.clone()
                }
                Member::Relation(relation) => {
                    first_relation = first_relation.or(Some(at));
                    steps.extend(relation.steps());
                    relation.target().to_string()
                }
                Member::Column(c) => {
                    return Err(Error::at(
                        ErrorKind::Name,
                        format!("`{}` is not a reference, so it has no fields", c.name),
                        part.span,
                    )
                    .with_label(format!("{} is {}", c.name, c.field_type)));
                }
            };
            current = self.table(&next).ok_or_else(|| {
                Error::at(
                    ErrorKind::Name,
                    format!("`{}` leads to table `{next}`, which is not in the current schema", part.name),
                    part.span,
                )
            })?;
        }
        let end = match self.member(current, last)? {
            Member::Column(c) | Member::Reference(_, c) => End::Column(c.clone()),
            Member::Relation(relation) => {
                first_relation = first_relation.or(Some(through.len()));
                steps.extend(relation.steps());
                End::Rows(relation.target().to_string())
            }
        };
        Ok(Walk { steps, end, first_relation })
    }

    /// Resolves `a.b.c` from `table` to a column, through references and relations.
    pub fn path(&self, table: &Table, path: &FieldPath) -> Result<ResolvedPath> {
        let walk = self.walk(table, path)?;
        match walk.end {
            End::Column(column) => Ok(ResolvedPath { steps: walk.steps, column }),
            End::Rows(target) => {
                let last = path.parts.last().expect("a field path has at least one part");
                let model = naming::model_for_table(&target);
                Err(Error::at(
                    ErrorKind::Name,
                    format!("`{path}` is a relation: the {model} rows that refer to this one, not a field"),
                    last.span,
                )
                .with_label("a relation, not a field")
                .with_help(format!("name one of their fields (`{path}.<field>`), or count them: `count({path})`")))
            }
        }
    }
}

/// The name of the table `model` stands for among `names` (each table's name, and the part of
/// it the model is matched against: without its schema): by exact name, then
/// case-insensitively, then by the convention (snake_case, then its plural).
fn resolve<'n, I>(model: &str, names: impl Fn() -> I) -> Option<&'n str>
where
    I: Iterator<Item = (&'n str, &'n str)>,
{
    let find = |pick: &dyn Fn(&str) -> bool| names().find(|(_, t)| pick(t)).map(|(name, _)| name);
    let exact = || find(&|t| t == model);
    let folded = || find(&|t| t.eq_ignore_ascii_case(model));
    // A table named in CamelCase (`OrderDetails`, which `models` shows as `OrderDetail`) is
    // the snake_case candidate (`order_details`) without its underscores.
    let named = |candidates: &[String]| candidates.iter().find_map(|c| find(&|t| same_words(t, c)));
    // `users` for `User` is found without loading the inflection rules, which are slow to
    // load; `people` for `Person` needs them.
    // The commonest case, `User` for `users`, without allocating.
    let simple_plural = || {
        let one_word = model.chars().skip(1).all(|c| !c.is_uppercase());
        let plural_of = |t: &str| {
            t.len() == model.len() + 1
                && t.ends_with('s')
                && t.is_char_boundary(model.len())
                && t[..model.len()].eq_ignore_ascii_case(model)
        };
        if one_word { find(&plural_of) } else { None }
    };
    let regular = || named(&naming::regular_plurals(model));
    let conventional = || named(&naming::table_candidates(model));
    let rails = || named(&[naming::rails_table(model)]);
    // Whatever `models` lists resolves, even where the inflection rules do not go both ways.
    let shown = || find(&|t| naming::model_for_table(t).eq_ignore_ascii_case(model));
    exact().or_else(folded).or_else(simple_plural).or_else(regular).or_else(conventional).or_else(rails).or_else(shown)
}

/// Whether two names are the same words, whatever their case and underscores:
/// `OrderDetails` and `order_details`.
fn same_words(a: &str, b: &str) -> bool {
    fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| *c != '_').flat_map(char::to_lowercase)
    }
    letters(a).eq(letters(b))
}

/// `char(32)`: the column Django's UUIDField (on SQLite and MySQL) and SQLAlchemy's Uuid (on
/// SQLite) keep a uuid in, as 32 hex digits.
pub fn is_hex_uuid_type(sql_type: &str) -> bool {
    sql_type.replace(' ', "").eq_ignore_ascii_case("char(32)")
}

/// The ormsh type of a column from the type its database declares. Names from all three
/// backends are understood; anything else is `Other` and shown as text.
pub fn field_type_of(sql_type: &str) -> FieldType {
    let t = sql_type.trim().to_ascii_lowercase();
    let base = t.split(['(', ' ']).next().unwrap_or("");
    match base {
        // MySQL's boolean is tinyint(1).
        "tinyint" if t.starts_with("tinyint(1)") => FieldType::Bool,
        "bool" | "boolean" => FieldType::Bool,
        "date" => FieldType::Date,
        "time" | "timetz" => FieldType::Time,
        "datetime" | "timestamp" | "timestamptz" => FieldType::DateTime,
        "json" | "jsonb" => FieldType::Json,
        "uuid" => FieldType::Uuid,
        "decimal" | "numeric" | "money" => FieldType::Decimal,
        "bytea" | "blob" | "tinyblob" | "mediumblob" | "longblob" | "binary" | "varbinary" => FieldType::Bytes,
        "real" | "float" | "float4" | "float8" | "double" => FieldType::Float,
        "serial" | "bigserial" | "smallserial" | "int2" | "int4" | "int8" => FieldType::Int,
        _ if base.contains("int") => FieldType::Int,
        _ if base.contains("char") || base.contains("clob") || base.contains("text") => FieldType::Text,
        _ if base.contains("real") || base.contains("floa") || base.contains("doub") => FieldType::Float,
        "" => FieldType::Other(String::new()),
        _ => FieldType::Other(sql_type.to_string()),
    }
}

/// The ormsh type of a PostgreSQL array's element, by the element type's own name. Not
/// [`field_type_of`]: a name is all there is here (no category), and `interval` or `point` hold
/// `int` without being ints.
fn array_element_type(name: &str) -> FieldType {
    match name.to_ascii_lowercase().as_str() {
        "int2" | "int4" | "int8" => FieldType::Int,
        "float4" | "float8" => FieldType::Float,
        "numeric" | "money" => FieldType::Decimal,
        "text" | "varchar" | "bpchar" | "name" | "citext" => FieldType::Text,
        "bool" => FieldType::Bool,
        "date" => FieldType::Date,
        "time" | "timetz" => FieldType::Time,
        "timestamp" | "timestamptz" => FieldType::DateTime,
        "json" | "jsonb" => FieldType::Json,
        "uuid" => FieldType::Uuid,
        "bytea" => FieldType::Bytes,
        other => FieldType::Other(other.to_string()),
    }
}

/// Tables for the tests of every module that reads a catalog.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{Column, ForeignKey, Table, field_type_of};
    use crate::ast::{FieldPath, Ident, Span};

    /// `a.b.c` as the parser would give it, its spans counted from `start`.
    pub fn path_at(text: &str, start: usize) -> FieldPath {
        let mut at = start;
        let parts = text
            .split('.')
            .map(|p| {
                let ident = Ident { name: p.into(), span: Span::new(at, at + p.len()) };
                at += p.len() + 1;
                ident
            })
            .collect();
        FieldPath { parts, span: Span::new(start, start + text.len()) }
    }

    /// A nullable column of `sql_type`; `id` is the key the database numbers.
    pub fn column(name: &str, sql_type: &str) -> Column {
        Column {
            name: name.into(),
            sql_type: sql_type.into(),
            field_type: field_type_of(sql_type),
            nullable: true,
            primary_key: name == "id",
            has_default: name == "id",
            default: None,
            spelling: None,
        }
    }

    /// A table with an `id` key, the given integer columns, and a reference for every
    /// `(column, table)`.
    pub fn table(name: &str, columns: &[&str], refs: &[(&str, &str)]) -> Table {
        let mut all = vec![column("id", "INTEGER")];
        all.extend(columns.iter().map(|c| column(c, "INTEGER")));
        all.extend(refs.iter().map(|(c, _)| column(c, "INTEGER")));
        let foreign_keys = refs
            .iter()
            .map(|(c, t)| ForeignKey { column: (*c).into(), ref_table: (*t).into(), ref_column: "id".into() })
            .collect();
        Table { name: name.into(), model: None, columns: all, foreign_keys, indexes: vec![] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;
    use fixtures::column;

    fn ident(name: &str) -> Ident {
        Ident { name: name.into(), span: Span::new(0, name.len()) }
    }

    fn sample() -> Catalog {
        Catalog {
            partial: None,
            schemas: Default::default(),
            tables: vec![
                Table {
                    name: "users".into(),
                    model: None,
                    columns: vec![column("id", "INTEGER"), column("name", "VARCHAR")],
                    foreign_keys: vec![],
                    indexes: vec![],
                },
                Table {
                    name: "addresses".into(),
                    model: None,
                    columns: vec![column("id", "INTEGER"), column("email", "TEXT"), column("user_id", "INTEGER")],
                    foreign_keys: vec![ForeignKey {
                        column: "user_id".into(),
                        ref_table: "users".into(),
                        ref_column: "id".into(),
                    }],
                    indexes: vec![],
                },
            ],
            declared: Vec::new(),
            views: vec![],
        }
    }

    #[test]
    fn models_resolve_by_convention() {
        let catalog = sample();
        assert_eq!(catalog.find_model("User").unwrap().name, "users");
        assert_eq!(catalog.find_model("users").unwrap().name, "users");
        assert_eq!(catalog.find_model("ADDRESS").unwrap().name, "addresses");
        let err = catalog.model(&ident("Usr")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Name);
        assert_eq!(err.help.as_deref(), Some("did you mean `User`?"));
    }

    /// A model a marker names finds its table and is the name the table is shown as; one the
    /// session declared is kept while its table is there.
    #[test]
    fn marked_and_declared_models_name_their_tables() {
        let mut catalog = Catalog { tables: vec![fixtures::table("bar", &[], &[])], ..Catalog::default() };
        catalog.declare_marked(&[("bar".into(), Some("Foo".into())), ("baz".into(), None)]);
        assert_eq!(catalog.find_model("Foo").map(|t| t.name.as_str()), Some("bar"));
        assert_eq!(catalog.find_model("foo").map(|t| t.name.as_str()), Some("bar"));
        assert_eq!(catalog.tables[0].model_name(), "Foo");
        assert_eq!(catalog.model_name_of("baz"), "Baz");

        let mut session = Catalog { tables: vec![fixtures::table("qux", &[], &[])], ..Catalog::default() };
        session.declare("Quux", "qux");
        let mut again = Catalog {
            tables: vec![fixtures::table("bar", &[], &[]), fixtures::table("qux", &[], &[])],
            ..Catalog::default()
        };
        again.declare_marked(&[("bar".into(), Some("Foo".into()))]);
        again.keep_declared(&session);
        assert_eq!(again.tables.iter().map(Table::model_name).collect::<Vec<_>>(), ["Foo", "Quux"]);
        // A table gone takes its name with it.
        let gone = Catalog { tables: vec![fixtures::table("bar", &[], &[])], ..Catalog::default() };
        let mut after = gone.clone();
        after.keep_declared(&again);
        assert!(after.find_model("Quux").is_none());
    }

    /// Tables named in CamelCase by other tools are found by the model name `models` shows.
    #[test]
    fn camel_case_tables_resolve_by_the_model_name_they_are_shown_as() {
        let table = |name: &str| Table {
            name: name.into(),
            model: None,
            columns: vec![],
            foreign_keys: vec![],
            indexes: vec![],
        };
        let catalog = Catalog {
            tables: vec![table("OrderDetails"), table("ProductTags"), table("Categories")],
            declared: Vec::new(),
            partial: None,
            schemas: Default::default(),
            views: vec![],
        };
        for t in &catalog.tables {
            assert_eq!(catalog.find_model(&t.model_name()).map(|found| &found.name), Some(&t.name));
        }
        assert_eq!(catalog.find_model("order_detail").unwrap().name, "OrderDetails");
        assert!(catalog.find_model("OrderDetailz").is_none());
    }

    /// Every table name the tools make for a model is found by that model's name and by the
    /// name `models` shows for it: Sequelize's `TeamMembers`, Rails' irregular plurals, Django's
    /// `app_model`, SQLAlchemy's and plain SQL's own names.
    #[test]
    fn every_name_the_tools_make_resolves() {
        let table = |name: &str| Table {
            name: name.into(),
            model: None,
            columns: vec![],
            foreign_keys: vec![],
            indexes: vec![],
        };
        let pairs = [
            ("TeamMember", "TeamMembers"),
            ("TeamMember", "team_members"),
            ("Medium", "media"),
            ("Octopus", "octopi"),
            ("Person", "people"),
            ("Salesperson", "salespeople"),
            ("Datum", "data"),
            ("Virus", "viri"),
            ("Status", "statuses"),
            ("Alias", "aliases"),
            ("Bus", "buses"),
            ("Tomato", "tomatoes"),
            ("Analysis", "analyses"),
            ("Axis", "axes"),
            ("Wife", "wives"),
            ("Half", "halves"),
            ("Matrix", "matrices"),
            ("Vertex", "vertices"),
            ("Mouse", "mice"),
            ("Ox", "oxen"),
            ("Quiz", "quizzes"),
            ("Child", "children"),
            ("Series", "series"),
            ("ShopOrderItem", "shop_orderitem"),
            ("Category", "categories"),
        ];
        for (model, name) in pairs {
            let catalog = Catalog { tables: vec![table("unrelated_things"), table(name)], ..Catalog::default() };
            assert_eq!(catalog.find_model(model).map(|t| t.name.as_str()), Some(name), "{model} → {name}");
            let shown = catalog.tables[1].model_name();
            assert_eq!(catalog.find_model(&shown).map(|t| t.name.as_str()), Some(name), "{shown} (shown) → {name}");
        }
    }

    /// PostgreSQL's resolution: a bare name finds the search path's table, a name with its
    /// schema that schema's (a schema of the path too), the schema exactly then in any case;
    /// an unknown schema is an error on the schema's part of the name.
    #[test]
    fn models_named_with_their_schema_resolve_in_that_schema() {
        let table = |name: &str| Table {
            name: name.into(),
            columns: vec![],
            foreign_keys: vec![],
            indexes: vec![],
            model: None,
        };
        let catalog = Catalog {
            tables: vec![table("orders"), table("sales.orders"), table("sales.order_items"), table("users")],
            schemas: Schemas {
                names: vec!["public".into(), "sales".into()],
                homes: [("orders", "public"), ("users", "public")].map(|(t, s)| (t.into(), s.into())).into(),
            },
            ..Catalog::default()
        };
        assert_eq!(catalog.table_name_for("Order"), Some("orders"));
        assert_eq!(catalog.table_name_for("sales.Order"), Some("sales.orders"));
        assert_eq!(catalog.table_name_for("SALES.orders"), Some("sales.orders"));
        assert_eq!(catalog.table_name_for("sales.OrderItem"), Some("sales.order_items"));
        assert_eq!(catalog.table_name_for("public.Order"), Some("orders"));
        assert_eq!(catalog.table_name_for("public.User"), Some("users"));
        // Outside the search path, a table is found only with its schema.
        assert_eq!(catalog.table_name_for("OrderItem"), None);
        assert_eq!(catalog.table_name_for("sales.User"), None);
        assert_eq!(catalog.tables[2].model_name(), "sales.OrderItem");

        let err = catalog.model(&Ident { name: "salse.Order".into(), span: Span::new(6, 17) }).unwrap_err();
        assert_eq!(err.message, "unknown schema `salse`");
        assert_eq!(err.span, Some(Span::new(6, 11)));
        assert_eq!(err.help.as_deref(), Some("did you mean `sales`?"));
        let err = catalog.model(&ident("sales.Ordr")).unwrap_err();
        assert_eq!(err.message, "unknown model `sales.Ordr`");
        assert_eq!(err.help.as_deref(), Some("did you mean `sales.Order`?"));
    }

    #[test]
    fn references_resolve_by_name_and_path() {
        let catalog = sample();
        let addresses = catalog.find_model("Address").unwrap();
        assert!(matches!(addresses.field(&ident("user")).unwrap(), Field::Reference(fk, _) if fk.column == "user_id"));
        assert!(matches!(addresses.field(&ident("EMAIL")).unwrap(), Field::Column(c) if c.name == "email"));
        let path = FieldPath { parts: vec![ident("user"), ident("name")], span: Span::default() };
        let resolved = catalog.path(addresses, &path).unwrap();
        assert_eq!(resolved.steps.len(), 1);
        assert_eq!(resolved.column.name, "name");
        let bad = FieldPath { parts: vec![ident("email"), ident("name")], span: Span::default() };
        assert!(catalog.path(addresses, &bad).unwrap_err().message.contains("not a reference"));
        assert_eq!(addresses.field(&ident("emial")).unwrap_err().help.as_deref(), Some("did you mean `email`?"));
    }

    #[test]
    fn sql_types_map_to_field_types() {
        assert_eq!(field_type_of("VARCHAR(40)"), FieldType::Text);
        assert_eq!(field_type_of("tinyint(1)"), FieldType::Bool);
        assert_eq!(field_type_of("tinyint(4)"), FieldType::Int);
        assert_eq!(field_type_of("bigint unsigned"), FieldType::Int);
        assert_eq!(field_type_of("timestamp with time zone"), FieldType::DateTime);
        assert_eq!(field_type_of("character varying"), FieldType::Text);
        assert_eq!(field_type_of("double precision"), FieldType::Float);
        assert_eq!(field_type_of("NUMERIC(10,2)"), FieldType::Decimal);
        assert_eq!(field_type_of("geometry"), FieldType::Other("geometry".into()));
    }

    #[test]
    fn decimals_show_the_scale_their_type_declares() {
        assert_eq!(column("p", "numeric(8,2)").decimal_form(), Some(DecimalForm::Scale(2)));
        assert_eq!(column("p", "DECIMAL(10, 3)").decimal_form(), Some(DecimalForm::Scale(3)));
        assert_eq!(column("p", "numeric").decimal_form(), Some(DecimalForm::Canonical));
        assert_eq!(column("p", "decimal(38,10)").decimal_form(), Some(DecimalForm::Canonical));
        assert_eq!(column("p", "integer").decimal_form(), None);
    }
}
