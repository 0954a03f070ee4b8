//! `(Catalog, Command, Context) -> Plan`: what a command runs, decided once. Running and
//! `explain` both take the plan made here, so the statements `explain` prints are the ones that
//! run (the prompt's row cap included, and the sandbox's savepoints where a real run sends
//! BEGIN and COMMIT).

use super::resolve;
use super::{Conflict, Count, CreateTable, Delete, Filter, Insert, InsertRow, Load, Select, Update};
use crate::ast::{Command, FieldPath, Ident, Literal, Target, TxMode};
use crate::catalog::{Catalog, Column, Table};
use crate::coerce::Now;
use crate::dialect::{Dialect, Sql};
use crate::error::{Error, ErrorKind, Result};
use crate::value::{DecimalForm, FieldType, Value};

/// In a sandbox the real transaction is the sandbox's; the user's `begin` is this savepoint.
pub const SANDBOX_SAVEPOINT: &str = "ormsh_transaction";
/// The savepoint each command runs under inside a transaction.
pub const COMMAND_SAVEPOINT: &str = "ormsh_command";

/// What a plan depends on besides the command and the catalog.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    pub dialect: Dialect,
    /// Rows a query shows at most (the prompt's `set limit`); None: all of them.
    pub row_cap: Option<u64>,
    /// Whether a write shows what it stored (at the prompt, or with `--verbose`).
    pub writes_shown: bool,
    /// The session runs inside the sandbox's transaction.
    pub sandbox: bool,
    /// Statements run inside a transaction (the user's or the sandbox's), each command under
    /// its own savepoint.
    pub in_transaction: bool,
    /// The command's clock: what `now` and `today` are.
    pub now: Now,
}

/// How an `add` shows the row it stored.
#[derive(Debug, Clone)]
pub enum Readback {
    /// Writes are not shown.
    Nothing,
    /// `INSERT … RETURNING` gives the row back.
    Returning,
    /// No RETURNING (MySQL): the row is read again by its key, given (`Some`) or generated and
    /// asked for with `SELECT LAST_INSERT_ID()` (`None`).
    ByKey { table: Box<Table>, key: Box<Column>, given: Option<Value> },
    /// No single key to read it back by: the count of rows added is shown.
    Count,
    /// No RETURNING (MySQL): an upsert's row is read again by the key it was found or made
    /// by, whose values were all given: each column's value, or, for a reference set by a
    /// field of its row, the write's parameter the key found was bound to.
    ByColumns { table: Box<Table>, key: Vec<(Column, Value, Option<usize>)> },
}

/// A reference set by a field of its row (`user.email=a@x.io`), as it runs: the statement that
/// finds the key (two rows at most), the one that counts the rows when not one matched, and the
/// parameter of the write the key is bound to.
#[derive(Debug, Clone)]
pub struct Found {
    pub slot: usize,
    pub find: Sql,
    pub count: Sql,
    pub key_type: FieldType,
    pub model: String,
    pub condition: String,
    pub span: crate::ast::Span,
}

impl Found {
    fn planned(lookup: super::Lookup, dialect: Dialect) -> Found {
        Found {
            slot: lookup.slot,
            key_type: lookup.find.columns.first().map_or(FieldType::Int, |p| p.value.field_type()),
            find: dialect.select(&lookup.find),
            count: dialect.count(&lookup.count),
            model: lookup.model,
            condition: lookup.condition,
            span: lookup.span,
        }
    }

    /// The error when `n` rows, not one, match.
    pub fn not_one(&self, n: i64) -> Error {
        let rows = if n == 1 { "row" } else { "rows" };
        Error::at(ErrorKind::Value, format!("{n} {} {rows} match {}", self.model, self.condition), self.span)
            .with_label("a reference needs exactly one")
    }
}

/// A command resolved and turned into the statements it runs.
#[derive(Debug, Clone)]
pub enum Plan {
    /// `model`: the table, then an index on each reference column (see
    /// [`Dialect::reference_indexes`]).
    Model {
        create: CreateTable,
        sql: Sql,
        indexes: Vec<Sql>,
    },
    Drop {
        table: String,
        sql: Sql,
    },
    Alter(Box<super::alter::Alter>),
    Add {
        insert: Insert,
        sql: Sql,
        readback: Readback,
        /// References set by a field of their row: found first, in the same transaction.
        lookups: Vec<Found>,
    },
    /// `get`: one row by its key; `missing` is the error when there is none.
    Get {
        sql: Sql,
        hints: Vec<FieldType>,
        /// The decimal columns of the result and how each is shown.
        decimals: Vec<(usize, DecimalForm)>,
        missing: Error,
        /// What `with` shows under the row: the statement's last columns, one per load.
        loads: Vec<Load>,
    },
    Query {
        sql: Sql,
        hints: Vec<FieldType>,
        /// The decimal columns of the result and how each is shown.
        decimals: Vec<(usize, DecimalForm)>,
        cap: Option<u64>,
        /// What `with` shows under each row: the statement's last columns, one per load.
        loads: Vec<Load>,
    },
    Count {
        sql: Sql,
    },
    Update {
        sql: Sql,
        lookups: Vec<Found>,
    },
    Delete {
        sql: Sql,
    },
    /// The user's own SQL, sent as written.
    Sql {
        sql: Sql,
        changes_schema: bool,
        cap: Option<u64>,
    },
    /// Transaction control: the statements `begin`, `commit`, `rollback`, `savepoint`,
    /// `rollback to` and `release` send.
    Transaction {
        statements: Vec<Sql>,
    },
}

impl Plan {
    /// Every statement the plan runs, in order, for `explain`. A statement whose value is known
    /// only when it runs (the key MySQL generated) is shown with a comment saying so.
    pub fn statements(&self, context: &Context) -> Vec<Sql> {
        let mut statements = match self {
            Plan::Model { sql, indexes, .. } => std::iter::once(sql).chain(indexes).cloned().collect(),
            Plan::Drop { sql, .. }
            | Plan::Get { sql, .. }
            | Plan::Query { sql, .. }
            | Plan::Count { sql }
            | Plan::Update { sql, .. }
            | Plan::Delete { sql }
            | Plan::Sql { sql, .. } => vec![sql.clone()],
            Plan::Transaction { statements } => return statements.clone(),
            // Its pending statements are known once the schema is read: the session completes
            // them (see `Session::explain`); here they are the read, with a note.
            Plan::Alter(alter) => {
                let mut all: Vec<Sql> = alter.guards.iter().map(|(sql, _)| sql.clone()).collect();
                match &alter.work {
                    super::alter::Work::Statements(statements) => all.extend(statements.iter().cloned()),
                    super::alter::Work::Pending(pending) => {
                        all.push(pending.read().clone().with_param_note("the statements depend on what this reads"))
                    }
                }
                all
            }
            Plan::Add { sql, readback, .. } => {
                let mut all = vec![sql.clone()];
                if let Readback::ByColumns { table, key } = readback {
                    let columns = key.iter().map(|(c, v, _)| (c.clone(), v.clone())).collect();
                    all.push(context.dialect.select(&resolve::by_columns(table, columns)));
                }
                if let Readback::ByKey { table, key, given } = readback {
                    let dialect = context.dialect;
                    match given {
                        Some(value) => all.push(dialect.select(&resolve::by_key(table, key, value.clone()))),
                        None => {
                            all.push(dialect.last_insert_id());
                            let select = dialect.select(&resolve::by_key(table, key, Value::Null));
                            all.push(select.with_note("the key is the one LAST_INSERT_ID() returned"));
                        }
                    }
                }
                all
            }
        };
        let lookups = self.lookups();
        if !lookups.is_empty() {
            // The keys are found first; the write binds them where it shows null.
            let write = statements.remove(0);
            let slots: Vec<String> = lookups.iter().map(|l| (l.slot + 1).to_string()).collect();
            let note = format!("parameter {} is the key the lookup above finds", slots.join(", "));
            statements.insert(0, write.with_param_note(&note));
            for (i, lookup) in lookups.iter().enumerate() {
                statements.insert(i, lookup.find.clone());
            }
            if !context.in_transaction {
                // Outside a transaction, one is opened for the lookups and the write.
                statements.insert(0, context.dialect.begin());
                statements.push(context.dialect.commit());
            }
        }
        if context.in_transaction {
            // The savepoint the command runs under, so that its failure undoes it alone.
            statements.insert(0, context.dialect.savepoint(COMMAND_SAVEPOINT));
            statements.push(context.dialect.release(COMMAND_SAVEPOINT));
        }
        statements
    }

    /// The references the plan finds before it writes.
    pub fn lookups(&self) -> &[Found] {
        match self {
            Plan::Add { lookups, .. } | Plan::Update { lookups, .. } => lookups,
            _ => &[],
        }
    }
}

/// The plan of `command`, or why there is none. Shell commands (`set`, `help`, `models`, …) run
/// no SQL and have no plan.
pub fn plan(catalog: &Catalog, command: &Command, context: &Context) -> Result<Plan> {
    let dialect = context.dialect;
    Ok(match command {
        Command::Model(model) => {
            let create = resolve::create_table(catalog, model)?;
            super::name_limits::check(dialect, model, &create)?;
            let mut after = dialect.reference_indexes(&create);
            after.extend(dialect.model_marker(&create));
            Plan::Model { sql: dialect.create_table(&create), indexes: after, create }
        }
        Command::Drop { model, .. } => {
            let table = catalog.model(model)?.name.clone();
            Plan::Drop { sql: dialect.drop_table(&table), table }
        }
        Command::Alter { model, change } => Plan::Alter(Box::new(super::alter::plan(catalog, model, change, context)?)),
        Command::Add { model, values } => {
            let table = catalog.writable_model(model)?;
            let mut given = resolve::assignments(catalog, table, values.to_vec(), context.now)?;
            let lookups = found(std::mem::take(&mut given.lookups), dialect);
            let insert = resolve::complete_row(table, model, given, context.now)?.into_insert();
            add(table, insert, lookups, context)
        }
        Command::Upsert { model, values } => upsert(catalog, model, values, context)?,
        Command::Get { model, key, with } => get(catalog, model, key, with, context)?,
        Command::Query(query) => {
            let table = catalog.model(&query.model)?;
            let select = super::select::query(catalog, table, query, context.now)?;
            let loads = super::load::loads(catalog, table, &query.with)?;
            if !loads.is_empty() && select.grouping != super::Grouping::None {
                let at = query.with[0].span;
                return Err(Error::at(
                    ErrorKind::Value,
                    "`with` loads the related records of each row, and a summary's rows are groups",
                    at,
                )
                .with_help("drop `with`, or drop `by` and the aggregates"));
            }
            rows(select, loads, context)
        }
        Command::Count { model, filter, by } if !by.is_empty() => {
            let table = catalog.model(model)?;
            rows(super::select::count_by(catalog, table, filter.as_ref(), by, context.now)?, Vec::new(), context)
        }
        Command::Count { model, filter, .. } => {
            let table = catalog.model(model)?;
            let filter = resolve::optional_filter(catalog, table, filter.as_ref(), context.now)?;
            Plan::Count { sql: dialect.count(&Count { table: table.name.clone(), filter }) }
        }
        Command::Update { model, target, set } => {
            let table = catalog.writable_model(model)?;
            let filter = target_filter(catalog, table, target, context.now)?;
            let mut set = resolve::assignments(catalog, table, set.to_vec(), context.now)?;
            let lookups = found(std::mem::take(&mut set.lookups), dialect);
            resolve::stamp_update(table, &mut set, context.now);
            let casts = super::text_casts(table, &set.columns);
            let ops =
                set.ops().into_iter().zip(&set.columns).map(|(op, c)| (op, c.field_type == FieldType::Int)).collect();
            let set = set.columns.iter().map(|column| column.name.clone()).zip(set.values).collect();
            Plan::Update {
                sql: dialect.update(&Update { table: table.name.clone(), casts, ops, set, filter }),
                lookups,
            }
        }
        Command::Delete { model, target } => {
            let table = catalog.writable_model(model)?;
            let filter = target_filter(catalog, table, target, context.now)?;
            Plan::Delete { sql: dialect.delete(&Delete { table: table.name.clone(), filter }) }
        }
        Command::Sql { text, .. } => Plan::Sql {
            sql: Sql::user(text.clone()),
            changes_schema: crate::raw_sql::changes_schema(text),
            cap: context.row_cap,
        },
        Command::Begin(mode) => {
            tx_mode_allowed(dialect, *mode, context.sandbox)?;
            Plan::Transaction { statements: transaction_statements(command, context) }
        }
        Command::Commit | Command::Rollback | Command::Savepoint(_) | Command::RollbackTo(_) | Command::Release(_) => {
            Plan::Transaction { statements: transaction_statements(command, context) }
        }
        other => {
            return Err(Error::new(ErrorKind::Refused, format!("`{}` runs no SQL to explain", other.word())));
        }
    })
}

/// Whether `begin` can open a transaction of `mode` here: SQLite has no read-only transaction
/// (its transactions are all serializable, so any isolation level is met), and in a sandbox the
/// user's transaction is a savepoint, which has no mode of its own.
pub fn tx_mode_allowed(dialect: Dialect, mode: TxMode, sandbox: bool) -> Result<()> {
    if mode == TxMode::default() {
        return Ok(());
    }
    if sandbox {
        return Err(Error::new(
            ErrorKind::Transaction,
            "in --sandbox, `begin` is a savepoint inside the sandbox's transaction, which has no isolation level or access mode of its own",
        )
        .with_help("run without --sandbox to choose them"));
    }
    if dialect == Dialect::Sqlite && mode.read_only == Some(true) {
        return Err(Error::new(ErrorKind::Transaction, "SQLite has no read-only transactions")
            .with_help("open the file read-only instead: `sqlite:FILE?mode=ro`"));
    }
    Ok(())
}

/// The statements of transaction control: in a sandbox, the user's transaction is a savepoint
/// inside the sandbox's.
pub fn transaction_statements(command: &Command, context: &Context) -> Vec<Sql> {
    let dialect = context.dialect;
    match (command, context.sandbox) {
        (Command::Begin(mode), false) => dialect.begin_with(*mode),
        (Command::Begin(_), true) => vec![dialect.savepoint(SANDBOX_SAVEPOINT)],
        (Command::Commit, false) => vec![dialect.commit()],
        (Command::Commit, true) => vec![dialect.release(SANDBOX_SAVEPOINT)],
        (Command::Rollback, false) => vec![dialect.rollback()],
        (Command::Rollback, true) => vec![dialect.rollback_to(SANDBOX_SAVEPOINT), dialect.release(SANDBOX_SAVEPOINT)],
        (Command::Savepoint(name), _) => vec![dialect.savepoint(&name.name)],
        (Command::RollbackTo(name), _) => vec![dialect.rollback_to(&name.name)],
        (Command::Release(name), _) => vec![dialect.release(&name.name)],
        _ => Vec::new(),
    }
}

/// An `add`: the insert, and how the stored rows are shown.
fn add(table: &Table, insert: Insert, lookups: Vec<Found>, context: &Context) -> Plan {
    let readback = readback(table, &insert, context);
    Plan::Add { sql: insert_statement(table, &insert, &readback, context.dialect), insert, readback, lookups }
}

/// An `upsert`: one statement that inserts the row, or stores the fields given over the row
/// with the same key.
fn upsert(catalog: &Catalog, model: &Ident, values: &[crate::ast::Assignment], context: &Context) -> Result<Plan> {
    let dialect = context.dialect;
    let table = catalog.writable_model(model)?;
    let mut given = resolve::assignments(catalog, table, values.to_vec(), context.now)?;
    let lookups = found(std::mem::take(&mut given.lookups), dialect);
    let (row, conflict) = upsert_row(table, model, given, context.now)?;
    let found_at = |slot: usize| lookups.iter().any(|l| l.slot == slot).then_some(slot);
    let key_values: Vec<(Column, Value, Option<usize>)> = row
        .columns
        .iter()
        .zip(&row.values)
        .enumerate()
        .filter(|(_, (c, _))| conflict.key.contains(&c.name))
        .map(|(slot, (c, v))| ((*c).clone(), v.clone(), found_at(slot)))
        .collect();
    let insert = row.into_insert();
    let readback = if !context.writes_shown {
        Readback::Nothing
    } else if dialect.has_returning() {
        Readback::Returning
    } else {
        Readback::ByColumns { table: Box::new(table.clone()), key: key_values }
    };
    let returning: Vec<String> = match readback {
        Readback::Returning => table.columns.iter().map(|c| c.name.clone()).collect(),
        _ => Vec::new(),
    };
    let sql = dialect.upsert(&insert, &conflict.key, &conflict.update, &returning);
    Ok(Plan::Add { sql, insert, readback, lookups })
}

/// An `upsert`'s row, with the key it finds a stored row by and the fields it stores over it:
/// those given that are not the key, and of the timestamps filled in, `updated_at` (the stored
/// `created_at` is kept).
pub fn upsert_row<'t>(
    table: &'t Table,
    model: &Ident,
    given: resolve::Assigned<'t>,
    now: Now,
) -> Result<(InsertRow<'t>, Conflict)> {
    let key = resolve::upsert_key(table, model, &given.columns)?;
    let key: Vec<String> = key.iter().map(|c| c.name.clone()).collect();
    let typed = given.columns.len();
    let row = resolve::complete_row(table, model, given, now)?;
    let update = row
        .columns
        .iter()
        .enumerate()
        .filter(|(i, c)| *i < typed || resolve::stamp(c) == Some(resolve::Stamp::Updated))
        .map(|(_, c)| c.name.clone())
        .filter(|c| !key.contains(c))
        .collect();
    Ok((row, Conflict { key, update }))
}

fn found(lookups: Vec<super::Lookup>, dialect: Dialect) -> Vec<Found> {
    lookups.into_iter().map(|l| Found::planned(l, dialect)).collect()
}

/// The statement that writes `insert` into `table`: with RETURNING every column when its rows
/// are read back that way.
pub fn insert_statement(table: &Table, insert: &Insert, readback: &Readback, dialect: Dialect) -> Sql {
    let returning: Vec<String> = match readback {
        Readback::Returning => table.columns.iter().map(|c| c.name.clone()).collect(),
        _ => Vec::new(),
    };
    dialect.insert(insert, &returning)
}

/// How the rows `insert` stores (one `add`, or a batch of them) are shown.
pub fn readback(table: &Table, insert: &Insert, context: &Context) -> Readback {
    let dialect = context.dialect;
    if !context.writes_shown {
        Readback::Nothing
    } else if dialect.has_returning() {
        Readback::Returning
    } else {
        match table.single_key() {
            Some(key) if insert.rows.len() == 1 => {
                let given = insert.columns.iter().position(|c| *c == key.name).map(|i| insert.rows[0][i].clone());
                Readback::ByKey { table: Box::new(table.clone()), key: Box::new(key.clone()), given }
            }
            _ => Readback::Count,
        }
    }
}

fn get(catalog: &Catalog, model: &Ident, key: &Literal, with: &[FieldPath], context: &Context) -> Result<Plan> {
    let table = catalog.model(model)?;
    let key_column = resolve::key_column(table, model)?;
    let value = crate::coerce::coerce(key, key_column, context.now)?;
    if value.is_null() {
        return Err(Error::at(ErrorKind::Value, "a key is never null", key.span).with_help(format!(
            "`query {} where {} is null` finds rows by a null field",
            model.name, key_column.name
        )));
    }
    let missing =
        Error::at(ErrorKind::Name, format!("no {} with {} {}", model.name, key_column.name, key_text(key)), key.span);
    let select = resolve::by_key(table, key_column, value);
    let loads = super::load::loads(catalog, table, with)?;
    Ok(Plan::Get {
        hints: hints(&select, &loads),
        decimals: decimals(&select),
        sql: context.dialect.select_with(&select, &loads),
        missing,
        loads,
    })
}

fn target_filter(catalog: &Catalog, table: &Table, target: &Target, now: Now) -> Result<Option<Filter>> {
    match target {
        Target::All(_) => Ok(None),
        Target::Where(condition) => resolve::filter(catalog, table, condition, now).map(Some),
    }
}

/// The type of each column of the statement: the select's, then a JSON document per load,
/// taken as its text (`related` reads it straight into values, not into a tree of JSON first).
fn hints(select: &Select, loads: &[Load]) -> Vec<FieldType> {
    let columns = select.columns.iter().map(|p| p.value.field_type());
    columns.chain(loads.iter().map(|_| FieldType::Text)).collect()
}

/// The decimal columns of the select, each with how it is shown.
fn decimals(select: &Select) -> Vec<(usize, DecimalForm)> {
    select.columns.iter().enumerate().filter_map(|(at, p)| Some((at, p.value.decimal_form()?))).collect()
}

/// A select whose rows are shown, capped at the prompt: it asks for one row past the cap, which
/// says whether more exist.
fn rows(mut select: Select, loads: Vec<Load>, context: &Context) -> Plan {
    let cap = context.row_cap;
    if let Some(cap) = cap {
        select.limit = Some(select.limit.map_or(cap + 1, |l| l.min(cap + 1)));
    }
    Plan::Query {
        hints: hints(&select, &loads),
        decimals: decimals(&select),
        sql: context.dialect.select_with(&select, &loads),
        cap,
        loads,
    }
}

fn key_text(key: &Literal) -> String {
    key.as_typed()
}
