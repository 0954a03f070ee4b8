//! The one session: its connection, its transaction state, its catalog and its settings. Every
//! command, from the prompt, `-c`, a script or stdin, is executed here and nowhere else.

mod batch;
mod help;
mod resolve;
mod sinks;
mod transaction;

use std::sync::Arc;
use std::time::Instant;

use crate::ast::{Command, Format, Ident, Setting, Statement, Target};
use crate::backend::{Backend, Canceller, Collect, Outcome};
use crate::catalog::{Catalog, Table};
use crate::dialect::{Dialect, Sql};
use crate::error::{Error, ErrorKind, Result};
use crate::plan::{Count, Delete, Filter, Insert, InsertRow, Select, Update};
use crate::redact::redact_url;
use crate::render::Printer;
use crate::value::{FieldType, Value};

pub use batch::Batch;
pub use transaction::TxState;

use sinks::PrintRows;

/// What the caller should do after a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
    /// Run this file's commands in the same session (`source FILE`); where the path was typed.
    Source(String, crate::ast::Span),
}

/// Asks the person at the keyboard (only at the prompt) before something irreversible.
pub trait Confirm {
    fn confirm(&mut self, question: &str) -> bool;
}

/// Settings changed with `set`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub timing: bool,
    /// Rows shown by a query at the prompt; `None` shows all.
    pub limit: Option<u64>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { timing: false, limit: Some(100) }
    }
}

pub struct Session {
    backend: Backend,
    /// The URL as it may be shown (no password).
    location: String,
    /// Stops the running command from outside (Ctrl-C).
    canceller: Canceller,
    /// The URL as given, password included: kept only to reconnect, never shown.
    url: String,
    /// The connection was lost: the next command reconnects first.
    lost: bool,
    /// The database committed the sandbox's transaction on its own once (SQL ormsh did not
    /// recognise): the sandbox's last word must not say that everything was rolled back.
    sandbox_breached: bool,
    /// The savepoint a failed command ran under could not be rolled back to: the transaction
    /// that held it is gone, whatever the server says of the one it is in now.
    savepoint_lost: bool,
    /// The catalog was read inside the open transaction, after a schema change that is not
    /// committed yet: when the transaction (or part of it) is undone, it is read again.
    schema_provisional: bool,
    catalog: Arc<Catalog>,
    tx: TxState,
    settings: Settings,
    printer: Printer,
    /// Runs every command inside a transaction that is rolled back at the end.
    sandbox: bool,
}

impl Session {
    /// Connects and reads the schema.
    pub async fn open(url: &str, printer: Printer, sandbox: bool) -> Result<Session> {
        let mut backend = Backend::connect(url).await?;
        let catalog = Arc::new(backend.introspect().await?);
        let canceller = Canceller::install(&mut backend, url).await?;
        let mut session = Session {
            backend,
            location: redact_url(url),
            canceller,
            url: url.to_string(),
            lost: false,
            sandbox_breached: false,
            savepoint_lost: false,
            schema_provisional: false,
            catalog,
            tx: TxState::Idle,
            settings: Settings::default(),
            printer,
            sandbox,
        };
        if sandbox {
            session.send(&session.dialect().begin()).await?;
        }
        Ok(session)
    }

    pub fn dialect(&self) -> Dialect {
        self.backend.dialect()
    }

    pub fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.catalog)
    }

    pub fn tx_state(&self) -> &TxState {
        &self.tx
    }

    pub fn location(&self) -> &str {
        &self.location
    }

    /// The prompt, which always shows where you are and the transaction state:
    /// `ormsh app.db [tx]> `.
    pub fn prompt(&self) -> String {
        format!("ormsh {}{}> ", self.short_location(), self.tx.marker())
    }

    /// The database in a few characters: an SQLite file's name, or `host/database`.
    pub fn short_location(&self) -> String {
        short_location(&self.location)
    }

    /// A handle that stops the command this session is running.
    pub fn canceller(&self) -> Canceller {
        self.canceller.clone()
    }

    /// Executes one statement, printing its result.
    pub async fn execute(&mut self, statement: &Statement, confirm: &mut dyn Confirm) -> Result<Flow> {
        let started = Instant::now();
        // Shell commands need no connection: a server that stays down does not keep the user
        // from `quit`, `help` or `connect` to another.
        let offline = matches!(
            statement.command,
            Command::Quit | Command::Help(_) | Command::Set(_) | Command::Connect { .. } | Command::Source { .. }
        );
        if self.lost && !offline {
            self.reconnect().await?;
        }
        self.canceller.arm();
        let flow = self.dispatch(&statement.command, confirm).await;
        let flow = self.account(Some(&statement.command), flow).await;
        if self.settings.timing && !matches!(statement.command, Command::Set(_) | Command::Help(_)) {
            self.printer.timing(started.elapsed()).map_err(io_error)?;
        }
        self.printer.flush().map_err(io_error)?;
        flow
    }

    async fn dispatch(&mut self, command: &Command, confirm: &mut dyn Confirm) -> Result<Flow> {
        self.tx.check_allowed(command)?;
        match command {
            Command::Begin => self.begin().await?,
            Command::Commit => self.commit().await?,
            Command::Rollback => self.rollback().await?,
            Command::Savepoint(name) => self.savepoint(name).await?,
            Command::RollbackTo(name) => self.rollback_to(name).await?,
            Command::Release(name) => self.release(name).await?,
            Command::Set(setting) => self.set(setting)?,
            Command::Help(topic) => {
                let text = help::text(topic.as_ref())?;
                self.printer.text(&text).map_err(io_error)?;
            }
            Command::Quit => return Ok(Flow::Quit),
            Command::Source { path, span } => return Ok(Flow::Source(path.clone(), *span)),
            Command::Connect { url, span } => self.connect(url, *span).await?,
            Command::Explain(inner) => self.explain(inner)?,
            Command::Models => self.models()?,
            Command::Describe(model) => self.describe(model)?,
            data => self.guarded(data, confirm).await?,
        }
        Ok(Flow::Continue)
    }

    /// Runs a command that touches data; inside a transaction, under its own savepoint, so that
    /// a failure undoes this command alone and the transaction lives on.
    async fn guarded(&mut self, command: &Command, confirm: &mut dyn Confirm) -> Result<()> {
        let schema = matches!(command, Command::Model(_) | Command::Drop { .. });
        if schema && self.in_transaction() && self.dialect().ddl_commits() {
            let at = match command {
                Command::Model(model) => model.name.span,
                Command::Drop { model, .. } => model.span,
                _ => unreachable!("a schema command"),
            };
            return Err(self.implicit_commit_refused(at));
        }
        if let Command::Sql { text, span } = command {
            self.refuse_raw_control(text, *span)?;
        }
        let protected = self.protect().await?;
        let result = self.run_data(command, confirm).await;
        if result.is_err() {
            self.refresh_catalog_if(schema || matches!(command, Command::Sql { .. })).await;
        }
        self.settle(protected, result).await
    }

    async fn run_data(&mut self, command: &Command, confirm: &mut dyn Confirm) -> Result<()> {
        match command {
            Command::Model(model) => {
                let create = resolve::create_table(&self.catalog, model)?;
                self.send(&self.dialect().create_table(&create)).await?;
                self.refresh_catalog().await?;
                let text = format!("model {} created (table {})", model.name.name, create.table);
                self.printer.status(&text).map_err(io_error)
            }
            Command::Drop { model, confirmed } => {
                let table = self.catalog.model(model)?.name.clone();
                if !confirmed {
                    if !self.printer.interactive() {
                        return Err(Error::at(
                            ErrorKind::Refused,
                            format!("`drop` removes table `{table}` and all its rows"),
                            model.span,
                        )
                        .with_help(format!("in a script, write `drop {} confirm`", model.name)));
                    }
                    if !confirm.confirm(&format!("Drop table `{table}` and all its rows?")) {
                        return self.printer.status("not dropped").map_err(io_error);
                    }
                }
                self.send(&self.dialect().drop_table(&table)).await?;
                self.refresh_catalog().await?;
                self.printer.status(&format!("dropped table {table}")).map_err(io_error)
            }
            Command::Add { model, values } => self.add(model, values).await,
            Command::Get { model, key } => {
                let select = self.get_plan(model, key)?;
                let key_name = resolve::key_column(self.catalog.model(model)?, model)?.name.clone();
                let hints = hints(&select);
                let mut rows = Collect::default();
                self.backend.fetch(&self.dialect().select(&select), &hints, &mut rows).await?;
                match rows.rows.first() {
                    Some(row) => self.printer.record(&rows.columns, row, false).map_err(io_error),
                    None => Err(Error::at(
                        ErrorKind::Name,
                        format!("no {} with {key_name} {}", model.name, key_text(key)),
                        key.span,
                    )),
                }
            }
            Command::Query(query) => {
                let table = self.catalog.model(&query.model)?;
                let mut select = resolve::select(&self.catalog, table, query)?;
                let cap = self.row_cap();
                // Ask for one row past the cap: that row says whether more exist.
                if let Some(cap) = cap {
                    select.limit = Some(select.limit.map_or(cap + 1, |l| l.min(cap + 1)));
                }
                let hints = hints(&select);
                let sql = self.dialect().select(&select);
                let mut sink = PrintRows::new(&mut self.printer, cap);
                let fetched = self.backend.fetch(&sql, &hints, &mut sink).await;
                sink.finish(fetched)
            }
            Command::Count { model, filter } => {
                let table = self.catalog.model(model)?;
                let count = Count {
                    table: table.name.clone(),
                    filter: resolve::optional_filter(&self.catalog, table, filter.as_ref())?,
                };
                let n = self.scalar_count(&self.dialect().count(&count)).await?;
                self.printer.count(n).map_err(io_error)
            }
            Command::Update { model, target, set } => {
                let update = self.update_plan(model, target, set)?;
                let n = self.backend.execute(&self.dialect().update(&update)).await?;
                self.printer.affected(n, "updated").map_err(io_error)
            }
            Command::Delete { model, target } => {
                let delete = self.delete_plan(model, target)?;
                let n = self.backend.execute(&self.dialect().delete(&delete)).await?;
                self.printer.affected(n, "deleted").map_err(io_error)
            }
            Command::Sql { text, .. } => {
                let sql = Sql::raw(text.clone());
                let cap = self.row_cap();
                let mut sink = PrintRows::new(&mut self.printer, cap);
                let outcome = self.backend.run(&sql, &self.catalog, &mut sink).await;
                let result = match outcome {
                    Ok(Outcome::Rows) => sink.finish(Ok(())),
                    Ok(Outcome::Affected(n)) => self.printer.affected(n, "affected").map_err(io_error),
                    Err(err) => Err(err),
                };
                self.refresh_catalog_if(crate::raw_sql::changes_schema(text)).await;
                result
            }
            other => unreachable!("not a data command: {other:?}"),
        }
    }

    async fn add(&mut self, model: &Ident, values: &[crate::ast::Assignment]) -> Result<()> {
        let insert = self.insert_plan(model, values)?;
        self.insert(&insert).await
    }

    /// Runs an insert and shows the stored records when writes are shown.
    pub(super) async fn insert(&mut self, insert: &Insert) -> Result<()> {
        let dialect = self.dialect();
        if !self.printer.writes_shown() {
            if insert.rows.len() > 1 && !insert.columns.is_empty() {
                // Statements for one row and for a chunk of rows, each prepared once and run
                // again and again with new values.
                let text_for = |rows: usize| {
                    dialect.insert(&Insert { rows: insert.rows[..rows].to_vec(), ..insert.clone_shape() }, &[]).text
                };
                let chunk_rows = CHUNK_ROWS.min(insert.rows.len());
                let (one_row, chunk) = (text_for(1), text_for(chunk_rows));
                if let Some(written) = self.backend.execute_rows(&one_row, &chunk, chunk_rows, &insert.rows).await {
                    return written.map(|_| ());
                }
            }
            self.backend.execute(&dialect.insert(insert, &[])).await?;
            return Ok(());
        }
        let table =
            self.catalog.table(&insert.table).cloned().ok_or_else(|| {
                Error::new(ErrorKind::Name, format!("table `{}` is gone from the catalog", insert.table))
            })?;
        let hints: Vec<FieldType> = table.columns.iter().map(|c| c.field_type.clone()).collect();
        let mut stored = Collect::default();
        if dialect.has_returning() {
            let returning: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
            self.backend.fetch(&dialect.insert(insert, &returning), &hints, &mut stored).await?;
        } else {
            let added = self.backend.execute(&dialect.insert(insert, &[])).await?;
            // No RETURNING: read one row back by its key, given or generated.
            match table.single_key() {
                Some(key) if insert.rows.len() == 1 => {
                    let given = insert.columns.iter().position(|c| *c == key.name).map(|i| insert.rows[0][i].clone());
                    let key_value = match given {
                        Some(v) => v,
                        None => self.last_insert_id().await?,
                    };
                    let select = resolve::by_key(&table, key, key_value);
                    self.backend.fetch(&dialect.select(&select), &hints, &mut stored).await?;
                }
                _ => return self.printer.affected(added, "added").map_err(io_error),
            }
        }
        if stored.rows.is_empty() {
            return self.printer.affected(insert.rows.len() as u64, "added").map_err(io_error);
        }
        for row in &stored.rows {
            self.printer.record(&stored.columns, row, true).map_err(io_error)?;
        }
        Ok(())
    }

    async fn last_insert_id(&mut self) -> Result<Value> {
        let mut rows = Collect::default();
        self.backend.fetch(&Sql::raw("SELECT LAST_INSERT_ID()"), &[FieldType::Int], &mut rows).await?;
        Ok(rows.rows.into_iter().next().and_then(|r| r.into_iter().next()).unwrap_or(Value::Null))
    }

    async fn scalar_count(&mut self, sql: &Sql) -> Result<i64> {
        let mut rows = Collect::default();
        self.backend.fetch(sql, &[FieldType::Int], &mut rows).await?;
        match rows.rows.first().and_then(|r| r.first()) {
            Some(Value::Int(n)) => Ok(*n),
            Some(Value::UInt(n)) => Ok(*n as i64),
            Some(Value::Decimal(d)) => {
                d.parse().map_err(|_| Error::new(ErrorKind::Database, format!("unexpected count `{d}`")))
            }
            other => Err(Error::new(ErrorKind::Database, format!("unexpected count {other:?}"))),
        }
    }

    /// `add` resolved and checked: one row to insert.
    pub fn insert_plan(&self, model: &Ident, values: &[crate::ast::Assignment]) -> Result<Insert> {
        let table = self.catalog.model(model)?;
        let given = resolve::assignments(table, values.to_vec())?;
        Ok(complete_row(table, model, given)?.into_insert())
    }

    fn get_plan(&self, model: &Ident, key: &crate::ast::Literal) -> Result<Select> {
        let table = self.catalog.model(model)?;
        let key_column = resolve::key_column(table, model)?;
        let value = crate::coerce::coerce(key, key_column)?;
        if value.is_null() {
            return Err(Error::at(ErrorKind::Value, "a key is never null", key.span).with_help(format!(
                "`query {} where {} is null` finds rows by a null field",
                model.name, key_column.name
            )));
        }
        Ok(resolve::by_key(table, key_column, value))
    }

    fn target_filter(&self, table: &Table, target: &Target) -> Result<Option<Filter>> {
        match target {
            Target::All(_) => Ok(None),
            Target::Where(condition) => resolve::filter(&self.catalog, table, condition).map(Some),
        }
    }

    fn update_plan(&self, model: &Ident, target: &Target, set: &[crate::ast::Assignment]) -> Result<Update> {
        let table = self.catalog.model(model)?;
        let filter = self.target_filter(table, target)?;
        let set = resolve::assignments(table, set.to_vec())?;
        let casts = crate::plan::text_casts(table, &set.columns);
        let set = set.columns.iter().map(|column| column.name.clone()).zip(set.values).collect();
        Ok(Update { table: table.name.clone(), casts, set, filter })
    }

    fn delete_plan(&self, model: &Ident, target: &Target) -> Result<Delete> {
        let table = self.catalog.model(model)?;
        Ok(Delete { table: table.name.clone(), filter: self.target_filter(table, target)? })
    }

    /// Rows shown by a query: capped at the prompt, all of them in scripts.
    fn row_cap(&self) -> Option<u64> {
        if self.printer.interactive() { self.settings.limit } else { None }
    }

    /// `explain`: the SQL and parameters a command would run, without running it.
    fn explain(&mut self, command: &Command) -> Result<()> {
        let dialect = self.dialect();
        let sql = match command {
            Command::Model(model) => dialect.create_table(&resolve::create_table(&self.catalog, model)?),
            Command::Drop { model, .. } => dialect.drop_table(&self.catalog.model(model)?.name),
            Command::Add { model, values } => {
                let columns: Vec<String> = self.catalog.model(model)?.columns.iter().map(|c| c.name.clone()).collect();
                dialect.insert(&self.insert_plan(model, values)?, &columns)
            }
            Command::Get { model, key } => dialect.select(&self.get_plan(model, key)?),
            Command::Query(query) => {
                let table = self.catalog.model(&query.model)?;
                dialect.select(&resolve::select(&self.catalog, table, query)?)
            }
            Command::Count { model, filter } => {
                let table = self.catalog.model(model)?;
                dialect.count(&Count {
                    table: table.name.clone(),
                    filter: resolve::optional_filter(&self.catalog, table, filter.as_ref())?,
                })
            }
            Command::Update { model, target, set } => dialect.update(&self.update_plan(model, target, set)?),
            Command::Delete { model, target } => dialect.delete(&self.delete_plan(model, target)?),
            Command::Sql { text, .. } => Sql::raw(text.clone()),
            Command::Begin => dialect.begin(),
            Command::Commit => dialect.commit(),
            Command::Rollback => dialect.rollback(),
            Command::Savepoint(name) => dialect.savepoint(&name.name),
            Command::RollbackTo(name) => dialect.rollback_to(&name.name),
            Command::Release(name) => dialect.release(&name.name),
            other => {
                return Err(Error::new(
                    ErrorKind::Refused,
                    format!("`{}` runs no SQL to explain", command_word(other)),
                ));
            }
        };
        self.printer.explain(&sql.text, &sql.params).map_err(io_error)
    }

    fn models(&mut self) -> Result<()> {
        let columns = ["model".to_string(), "table".to_string(), "fields".to_string()];
        self.printer.begin_rows(&columns).map_err(io_error)?;
        for table in &self.catalog.tables {
            let row = [
                Value::Text(table.model_name()),
                Value::Text(table.name.clone()),
                Value::Text(table.field_names().join(", ")),
            ];
            self.printer.row(&row).map_err(io_error)?;
        }
        self.printer.end_rows(false).map_err(io_error)
    }

    fn describe(&mut self, model: &Ident) -> Result<()> {
        let table = self.catalog.model(model)?.clone();
        let header = ["field", "type", "sql type", "null", "key", "default", "references"].map(String::from);
        self.printer.begin_rows(&header).map_err(io_error)?;
        for column in &table.columns {
            let fk = table.foreign_key_of(&column.name);
            let field = match fk {
                Some(fk) if fk.reference_name() != column.name => format!("{} ({})", column.name, fk.reference_name()),
                _ => column.name.clone(),
            };
            let key = if column.primary_key {
                "primary"
            } else if table.indexes.iter().any(|i| i.unique && i.columns == [column.name.clone()]) {
                "unique"
            } else {
                ""
            };
            let row = [
                Value::Text(field),
                Value::Text(column.field_type.to_string()),
                Value::Text(column.sql_type.clone()),
                Value::Text(if column.nullable { "yes" } else { "no" }.into()),
                Value::Text(key.into()),
                column.default.clone().map(Value::Text).unwrap_or(Value::Null),
                fk.map(|fk| Value::Text(format!("{}.{}", fk.ref_table, fk.ref_column))).unwrap_or(Value::Null),
            ];
            self.printer.row(&row).map_err(io_error)?;
        }
        self.printer.end_rows(false).map_err(io_error)?;
        if matches!(self.printer.format(), Format::Table | Format::Vertical) {
            let mut lines = format!("model {} (table {})", table.model_name(), table.name);
            for index in &table.indexes {
                let kind = if index.unique { "unique index" } else { "index" };
                lines.push_str(&format!("\n{kind} {} ({})", index.name, index.columns.join(", ")));
            }
            self.printer.text(&lines).map_err(io_error)?;
        }
        Ok(())
    }

    fn set(&mut self, setting: &Setting) -> Result<()> {
        match setting {
            Setting::Format(format) => self.printer.set_format(*format),
            Setting::Timing(on) => self.settings.timing = *on,
            Setting::Limit(limit) => self.settings.limit = *limit,
        }
        Ok(())
    }

    async fn connect(&mut self, url: &str, span: crate::ast::Span) -> Result<()> {
        if self.tx.is_open() || self.sandbox {
            return Err(Error::at(ErrorKind::Transaction, "cannot switch databases with a transaction open", span)
                .with_help("`commit` or `rollback` first"));
        }
        let mut backend = Backend::connect(url).await?;
        let catalog = backend.introspect().await?;
        self.canceller = Canceller::install(&mut backend, url).await?;
        self.backend = backend;
        self.url = url.to_string();
        self.lost = false;
        self.catalog = Arc::new(catalog);
        self.location = redact_url(url);
        let text = format!("connected to {}", self.location);
        self.printer.status(&text).map_err(io_error)
    }

    pub(super) async fn reconnect(&mut self) -> Result<()> {
        let mut backend = Backend::connect(&self.url)
            .await
            .map_err(|e| e.with_help("the connection was lost and could not be opened again"))?;
        self.catalog = Arc::new(backend.introspect().await?);
        self.canceller = Canceller::install(&mut backend, &self.url).await?;
        self.backend = backend;
        self.lost = false;
        if self.sandbox {
            // The sandbox's transaction went with the old connection; the new one gets its own.
            self.send(&self.dialect().begin()).await?;
        }
        let text = format!("reconnected to {}", self.location);
        self.printer.status(&text).map_err(io_error)
    }

    /// Sends a statement ormsh wrote (transaction control) and discards its result.
    async fn send(&mut self, sql: &Sql) -> Result<()> {
        self.backend.execute(sql).await.map(|_| ())
    }

    pub(crate) async fn refresh_catalog(&mut self) -> Result<()> {
        self.catalog = Arc::new(self.backend.introspect().await?);
        // Read inside a transaction, the catalog holds changes that a rollback takes back.
        self.schema_provisional |= self.tx.is_open();
        Ok(())
    }

    async fn refresh_catalog_if(&mut self, changed: bool) {
        if changed {
            // The command's own error is what the user needs to see; a failed re-read keeps the
            // old catalog, which the next schema change will replace.
            let _ = self.refresh_catalog().await;
        }
    }
}

/// Rows written by one run of a prepared multi-row insert: SQLite finishes a statement and
/// finds the table's end again for every run, so a run of many rows saves that work per row.
const CHUNK_ROWS: usize = 32;

/// A row of `add` for `table`, unless it leaves out a column that needs a value.
pub(super) fn complete_row<'t>(table: &'t Table, model: &Ident, given: resolve::Assigned<'t>) -> Result<InsertRow<'t>> {
    let missing = resolve::missing_required(table, &given.columns);
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

fn short_location(location: &str) -> String {
    if let Some(path) = location.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//").split('?').next().unwrap_or("");
        if path.is_empty() || path == ":memory:" {
            return "memory".into();
        }
        return std::path::Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.into());
    }
    match url::Url::parse(location) {
        Ok(url) => format!("{}{}", url.host_str().unwrap_or("localhost"), url.path()),
        Err(_) => location.to_string(),
    }
}

fn hints(select: &Select) -> Vec<FieldType> {
    select.columns.iter().map(|p| p.path.column.field_type.clone()).collect()
}

fn key_text(key: &crate::ast::Literal) -> String {
    use crate::ast::LiteralKind;
    match &key.kind {
        LiteralKind::Number(s) | LiteralKind::Word(s) => s.clone(),
        LiteralKind::Quoted(s) => format!("{s:?}"),
        LiteralKind::Bool(b) => b.to_string(),
        LiteralKind::Null => "null".into(),
    }
}

pub(crate) fn command_word(command: &Command) -> &'static str {
    match command {
        Command::Model(_) => "model",
        Command::Models => "models",
        Command::Describe(_) => "describe",
        Command::Drop { .. } => "drop",
        Command::Add { .. } => "add",
        Command::Get { .. } => "get",
        Command::Query(_) => "query",
        Command::Count { .. } => "count",
        Command::Update { .. } => "update",
        Command::Delete { .. } => "delete",
        Command::Begin => "begin",
        Command::Commit => "commit",
        Command::Rollback => "rollback",
        Command::Savepoint(_) => "savepoint",
        Command::RollbackTo(_) => "rollback to",
        Command::Release(_) => "release",
        Command::Sql { .. } => "sql",
        Command::Explain(_) => "explain",
        Command::Set(_) => "set",
        Command::Source { .. } => "source",
        Command::Connect { .. } => "connect",
        Command::Help(_) => "help",
        Command::Quit => "quit",
    }
}

pub(crate) fn io_error(err: std::io::Error) -> Error {
    if err.kind() == std::io::ErrorKind::BrokenPipe {
        return Error::new(ErrorKind::OutputClosed, "the output was closed");
    }
    Error::new(ErrorKind::Io, format!("cannot write the output: {err}"))
}

#[cfg(test)]
mod tests;
