//! The one session: its connection, its transaction state, its catalog and its settings. Every
//! command, from the prompt, `-c`, a script or stdin, is executed here and nowhere else.

mod alter;
mod batch;
mod export;
mod help;
mod import;
mod output;
mod schema;
mod sinks;
mod transaction;

use std::sync::Arc;
use std::time::Instant;

use crate::ast::{AlterChange, Command, Format, Ident, Setting, Statement, Toggle};
use crate::backend::{Backend, Canceller, Collect, Outcome, ServerRole};
use crate::catalog::{Catalog, Table};
use crate::dialect::{Dialect, Sql};
use crate::error::{Error, ErrorKind, Result};
use crate::plan::resolve;
use crate::plan::{self, Conflict, Context, Insert, Plan, Readback};
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
    /// The models the command being run names, for reading more of a schema read in part.
    named: Vec<String>,
    tx: TxState,
    settings: Settings,
    printer: Printer,
    /// Runs every command inside a transaction that is rolled back at the end.
    sandbox: bool,
    /// `set timing on`: how long the command that just failed took, shown after its error.
    time_of_failure: Option<std::time::Duration>,
    /// The screen's printer while `output FILE` sends results to a file.
    screen: Option<Printer>,
}

/// A part of the prompt, for its colour: `ormsh pg 127.0.0.1/app (standby) [sandbox] [tx]> `.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptPart {
    Name,
    Backend,
    Location,
    Role,
    Sandbox,
    Transaction,
}

impl Session {
    /// Connects and reads the names of the tables (each command reads the tables it needs).
    pub async fn open(url: &str, printer: Printer, sandbox: bool) -> Result<Session> {
        let mut backend = Backend::connect(url).await?;
        let catalog = Arc::new(Self::first_catalog(&mut backend).await.map_err(|e| not_a_database(url, e))?);
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
            named: Vec::new(),
            tx: TxState::Idle,
            settings: Settings::default(),
            printer,
            sandbox,
            time_of_failure: None,
            screen: None,
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

    /// The prompt, which always shows where you are, whether that server only reads, the
    /// sandbox and the transaction state: `ormsh app.db [tx]> `, `ormsh pg db.example/app
    /// [sandbox]> `, `ormsh pg 127.0.0.1/app (standby)> `.
    pub fn prompt(&self) -> String {
        self.prompt_painted(|_, text| text.to_string())
    }

    /// The prompt with each of its parts passed through `paint` (the prompt's colours); the
    /// parts that are absent are not painted.
    pub fn prompt_painted(&self, paint: impl Fn(PromptPart, &str) -> String) -> String {
        let backend = self.backend_word().map(|b| format!("{} ", paint(PromptPart::Backend, b))).unwrap_or_default();
        let location = paint(PromptPart::Location, &self.short_location());
        let role = self.role_marker().trim();
        let role = if role.is_empty() { String::new() } else { format!(" {}", paint(PromptPart::Role, role)) };
        let sandbox =
            if self.sandbox { format!(" {}", paint(PromptPart::Sandbox, "[sandbox]")) } else { String::new() };
        let marker = self.tx.marker().trim();
        let marker =
            if marker.is_empty() { String::new() } else { format!(" {}", paint(PromptPart::Transaction, marker)) };
        format!("{} {backend}{location}{role}{sandbox}{marker}> ", paint(PromptPart::Name, "ormsh"))
    }

    /// The backend's short name for the prompt, when the location does not say it already
    /// (`pg` before `127.0.0.1/app`; nothing before `shop.db`).
    pub fn backend_word(&self) -> Option<&'static str> {
        backend_word(self.dialect(), &self.short_location())
    }

    /// Whether everything is rolled back at exit (`--sandbox`).
    pub fn sandbox(&self) -> bool {
        self.sandbox
    }

    /// Whether this session is at a prompt (a person reads its output).
    pub fn interactive(&self) -> bool {
        self.printer.interactive()
    }

    /// Whether each command's time is printed.
    pub fn timing(&self) -> bool {
        self.settings.timing
    }

    /// The format rows are printed in now.
    pub fn format(&self) -> Format {
        self.printer.format()
    }

    /// ` (standby)` or ` (read-only)` when the server takes no writes, else nothing.
    pub fn role_marker(&self) -> &'static str {
        match self.backend.role() {
            Some(ServerRole::Standby) => " (standby)",
            Some(ServerRole::ReadOnly) => " (read-only)",
            Some(ServerRole::Primary) | None => "",
        }
    }

    /// Said once when a connection is made to a server that takes no writes.
    pub fn role_note(&self) -> Option<&'static str> {
        match self.backend.role() {
            Some(ServerRole::Standby) => Some("this server is a hot standby: it answers reads and refuses writes"),
            Some(ServerRole::ReadOnly) => Some("this server's transactions are read-only: it refuses writes"),
            Some(ServerRole::Primary) | None => None,
        }
    }

    /// The database in a few characters: an SQLite file's name, or `host/database`.
    pub fn short_location(&self) -> String {
        short_location(&self.location)
    }

    /// A handle that stops the command this session is running.
    pub fn canceller(&self) -> Canceller {
        self.canceller.clone()
    }

    /// Called once the error of the command that failed last has been drawn: with `set timing
    /// on`, its `Time:` line follows it.
    pub fn error_reported(&mut self) {
        if let Some(elapsed) = self.time_of_failure.take() {
            let _ = self.printer.timing(elapsed).and_then(|()| self.printer.end_command());
        }
    }

    /// Executes one statement, printing its result.
    pub async fn execute(&mut self, statement: &Statement, confirm: &mut dyn Confirm) -> Result<Flow> {
        let started = Instant::now();
        // Shell commands need no connection: a server that stays down does not keep the user
        // from `quit`, `help` or `connect` to another.
        let offline = matches!(
            statement.command,
            Command::Quit
                | Command::Help(_)
                | Command::Set(_)
                | Command::Connect { .. }
                | Command::Source { .. }
                | Command::Output { .. }
                | Command::Edit
        ) || (matches!(statement.command, Command::Rollback) && matches!(self.tx, TxState::Ended { .. }));
        // (Letting go of a transaction the server ended sends nothing: it needs no server either.)
        if self.lost && !offline {
            self.reconnect().await?;
        }
        self.canceller.arm();
        let flow = self.dispatch(&statement.command, confirm).await;
        let flow = self.account(Some(&statement.command), flow).await;
        let quiet = matches!(statement.command, Command::Set(_) | Command::Help(_) | Command::Output { .. });
        if self.settings.timing && !quiet {
            if flow.is_err() {
                // Its time comes after the error it belongs to, which the caller draws.
                self.time_of_failure = Some(started.elapsed());
            } else {
                self.printer.timing(started.elapsed()).map_err(io_error)?;
            }
        }
        self.printer.end_command().map_err(io_error)?;
        flow
    }

    async fn dispatch(&mut self, command: &Command, confirm: &mut dyn Confirm) -> Result<Flow> {
        self.tx.check_allowed(command)?;
        self.read_for(command).await?;
        match command {
            Command::Begin(mode) => self.begin(*mode).await?,
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
            Command::Output { path, span } => self.output(path.as_deref(), *span)?,
            // At the prompt the editor takes `edit` before it gets here.
            Command::Edit => {
                return Err(Error::new(ErrorKind::Refused, "`edit` works only at the prompt, alone on its line")
                    .with_help("it opens the last entry in $EDITOR, then runs it"));
            }
            Command::Source { path, span } => return Ok(Flow::Source(path.clone(), *span)),
            Command::Connect { url, span } => self.connect(url, *span).await?,
            Command::Explain(inner) => self.explain(inner).await?,
            Command::Models(schema) => self.models(schema.as_ref())?,
            Command::Describe(model) => self.describe(model).await?,
            Command::Refresh => self.refresh().await?,
            // Boxed: each holds a whole command's future, which would make every command's
            // future (on the stack while it runs) that much larger.
            Command::Export { command, path, span, format, force } => {
                let target = export::Target { path, span: *span, format: *format, force: *force };
                Box::pin(self.export(command, target, confirm)).await?
            }
            Command::Import { model, path, span } => Box::pin(self.import(model, path, *span)).await?,
            data => self.guarded(data, confirm).await?,
        }
        Ok(Flow::Continue)
    }

    /// Runs a command that touches data; inside a transaction, under its own savepoint, so that
    /// a failure undoes this command alone and the transaction lives on.
    async fn guarded(&mut self, command: &Command, confirm: &mut dyn Confirm) -> Result<()> {
        let schema = schema_change_at(command);
        if let Some(at) = schema
            && self.in_transaction()
            && self.dialect().ddl_commits()
        {
            return Err(self.implicit_commit_refused(at));
        }
        let schema = schema.is_some();
        if let Command::Sql { text, span } = command {
            self.refuse_raw_control(text, *span)?;
        }
        let context = self.context();
        let plan = self.following_schema(|catalog| plan::plan(catalog, command, &context)).await?;
        if let (Plan::Drop { table, .. }, Command::Drop { model, confirmed: false }) = (&plan, command) {
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
        if let (Plan::Alter(alter), Command::Alter { model, change: AlterChange::Drop { field, confirmed: false } }) =
            (&plan, command)
            && let Some(column) = &alter.drops
        {
            if !self.printer.interactive() {
                return Err(Error::at(
                    ErrorKind::Refused,
                    format!(
                        "`alter … drop` removes field `{column}` and its values from every row of `{}`",
                        alter.table
                    ),
                    field.span,
                )
                .with_help(format!("in a script, write `alter {} drop {} confirm`", model.name, field.name)));
            }
            if !confirm.confirm(&format!("Drop field `{column}` of `{}` and its values?", alter.table)) {
                return self.printer.status("not dropped").map_err(io_error);
            }
        }
        for warning in plan::warnings(&self.catalog, command) {
            self.printer.warning(&warning).map_err(io_error)?;
        }
        let protected = self.protect().await?;
        // A reference set by a field of its row is found, then written, in one transaction:
        // outside one, a transaction is opened for the two.
        let opened = !protected && !self.in_transaction() && !plan.lookups().is_empty();
        if opened {
            self.send(&self.dialect().begin()).await?;
        }
        let mut result = self.run_data(command, plan).await;
        result = result.map_err(|err| crate::server_error::name_the_field(err, command, &self.catalog));
        if opened {
            result = match result {
                Ok(()) => self.send(&self.dialect().commit()).await,
                Err(err) => {
                    let _ = self.send(&self.dialect().rollback()).await;
                    Err(err)
                }
            };
        }
        if result.is_err() {
            self.refresh_catalog_if(schema || matches!(command, Command::Sql { .. })).await;
        }
        self.settle(protected, result).await
    }

    /// The context the plan of a command depends on.
    pub(crate) fn context(&self) -> Context {
        Context {
            dialect: self.dialect(),
            row_cap: self.row_cap(),
            writes_shown: self.printer.writes_shown(),
            sandbox: self.sandbox,
            in_transaction: self.in_transaction(),
            now: crate::coerce::Now::read(),
        }
    }

    /// Runs the plan of a data command.
    async fn run_data(&mut self, command: &Command, plan: Plan) -> Result<()> {
        match plan {
            Plan::Model { create, sql, indexes } => {
                self.send(&sql).await?;
                for index in &indexes {
                    self.send(index).await?;
                }
                self.refresh_catalog().await?;
                let Command::Model(model) = command else { unreachable!("a model's plan") };
                // `model Foo table bar`: `Foo` is the name to use, though no convention finds it.
                if model.table.is_some() {
                    Arc::make_mut(&mut self.catalog).declare(&model.name.name, &create.table);
                }
                let text = format!("model {} created (table {})", model.name.name, create.table);
                self.printer.status(&text).map_err(io_error)
            }
            Plan::Drop { table, sql } => {
                self.send(&sql).await?;
                self.refresh_catalog().await?;
                self.printer.status(&format!("dropped table {table}")).map_err(io_error)
            }
            Plan::Alter(alter) => self.run_alter(*alter).await,
            plan @ Plan::Add { .. } => self.run_add(plan).await,
            Plan::Get { sql, hints, decimals, missing, loads } => {
                let mut rows = Collect::default();
                self.backend.fetch(&sql, &hints, &mut rows).await?;
                let Some(row) = rows.rows.first_mut() else { return Err(missing) };
                sinks::shape_decimals(row, &decimals);
                let row = &*row;
                if loads.is_empty() {
                    return self.printer.record(&rows.columns, row, false).map_err(io_error);
                }
                let own = rows.columns.len().min(row.len()).saturating_sub(loads.len());
                let related = crate::related::read_all(&loads, &row[own..], self.dialect())?;
                self.printer.record_with(&rows.columns[..own], &row[..own], &loads, &related).map_err(io_error)
            }
            Plan::Query { sql, hints, decimals, cap, loads } => {
                let dialect = self.dialect();
                let mut sink = PrintRows::new(&mut self.printer, cap)
                    .with_loads(&loads, dialect)
                    .with_decimals(&decimals)
                    .stopping_on(&self.canceller);
                let fetched = self.backend.fetch(&sql, &hints, &mut sink).await;
                sink.finish(fetched)
            }
            Plan::Count { sql } => {
                let n = self.scalar_count(&sql).await?;
                self.printer.count(n).map_err(io_error)
            }
            Plan::Update { sql, lookups } => {
                let sql = self.found_keys(sql, &lookups).await?;
                let n = self.backend.execute(&sql).await?;
                self.printer.affected(n, "updated").map_err(io_error)
            }
            Plan::Delete { sql } => {
                let n = self.backend.execute(&sql).await?;
                self.printer.affected(n, "deleted").map_err(io_error)
            }
            Plan::Sql { sql, changes_schema, cap } => {
                let mut sink = PrintRows::new(&mut self.printer, cap).stopping_on(&self.canceller);
                let outcome = self.backend.run(&sql, &self.catalog, &mut sink).await;
                let result = match outcome {
                    Ok(Outcome::Rows) => sink.finish(Ok(())),
                    // DDL and the like change no rows: psql's tag says what was done.
                    Ok(Outcome::Affected(n)) => match crate::raw_sql::command_tag(sql.text()) {
                        Some(tag) => self.printer.status(&tag).map_err(io_error),
                        None => self.printer.affected(n, "affected").map_err(io_error),
                    },
                    Err(err) => Err(err),
                };
                self.refresh_catalog_if(changes_schema).await;
                result
            }
            Plan::Transaction { .. } => unreachable!("transaction control is not a data command"),
        }
    }

    /// Runs an insert (one `add`, or a batch of them) and shows the stored records when writes
    /// are shown.
    pub(super) async fn insert(&mut self, insert: &Insert) -> Result<()> {
        self.write_rows(insert, None).await
    }

    /// [`insert`](Self::insert), or with `conflict` a batch of `upsert`s, which are batched
    /// only where writes are not shown.
    pub(super) async fn write_rows(&mut self, insert: &Insert, conflict: Option<&Conflict>) -> Result<()> {
        let table = self.table_of(insert)?;
        let context = self.context();
        let dialect = context.dialect;
        let statement = |insert: &Insert| match conflict {
            Some(c) => dialect.upsert(insert, &c.key, &c.update, &[]),
            None => dialect.insert(insert, &[]),
        };
        if !context.writes_shown && insert.rows.len() > 1 && !insert.columns.is_empty() && dialect.binds_rows() {
            // Statements for one row and for a chunk of rows, each prepared once and run
            // again and again with new values (SQLite). Their own values are never sent:
            // nulls stand in for them, rather than copies of the rows.
            let text_for = |rows: usize| {
                let blank = vec![vec![Value::Null; insert.columns.len()]; rows];
                statement(&Insert { rows: blank, ..insert.clone_shape() })
            };
            let chunk_rows = CHUNK_ROWS.min(insert.rows.len());
            let (one_row, chunk) = (text_for(1), text_for(chunk_rows));
            if let Some(written) = self.backend.execute_rows(&one_row, &chunk, chunk_rows, &insert.rows).await {
                return written.map(|_| ());
            }
        }
        if conflict.is_some() {
            return self.backend.execute(&statement(insert)).await.map(|_| ());
        }
        let readback = plan::readback(&table, insert, &context);
        let sql = plan::insert_statement(&table, insert, &readback, dialect);
        self.write_and_show(insert.rows.len(), &sql, readback, &table).await
    }

    /// The table an insert writes to, as the catalog has it now.
    fn table_of(&self, insert: &Insert) -> Result<Table> {
        self.catalog
            .table(&insert.table)
            .cloned()
            .ok_or_else(|| Error::new(ErrorKind::Name, format!("table `{}` is gone from the catalog", insert.table)))
    }

    async fn run_add(&mut self, plan: Plan) -> Result<()> {
        let Plan::Add { insert, sql, readback, lookups } = plan else { unreachable!("an add's plan") };
        let table = self.table_of(&insert)?;
        let sql = self.found_keys(sql, &lookups).await?;
        self.write_and_show(insert.rows.len(), &sql, readback, &table).await
    }

    /// Runs an insert of `rows` rows and shows what was stored, as its plan says.
    async fn write_and_show(&mut self, rows: usize, sql: &Sql, readback: Readback, table: &Table) -> Result<()> {
        let hints: Vec<FieldType> = table.columns.iter().map(|c| c.field_type.clone()).collect();
        let mut stored = Collect::default();
        match readback {
            Readback::Nothing => {
                self.backend.execute(sql).await?;
                return Ok(());
            }
            Readback::Returning => self.backend.fetch(sql, &hints, &mut stored).await?,
            Readback::ByColumns { table, key } => {
                self.backend.execute(sql).await?;
                let found = |slot: Option<usize>| slot.and_then(|s| sql.params().get(s).cloned());
                let key = key.into_iter().map(|(c, v, slot)| (c, found(slot).unwrap_or(v))).collect();
                let select = resolve::by_columns(&table, key);
                self.backend.fetch(&self.dialect().select(&select), &hints, &mut stored).await?;
            }
            Readback::Count => {
                let added = self.backend.execute(sql).await?;
                return self.printer.affected(added, "added").map_err(io_error);
            }
            Readback::ByKey { table, key, given } => {
                self.backend.execute(sql).await?;
                let key_value = match given {
                    Some(value) => value,
                    None => self.last_insert_id().await?,
                };
                let select = resolve::by_key(&table, &key, key_value);
                self.backend.fetch(&self.dialect().select(&select), &hints, &mut stored).await?;
            }
        }
        if stored.rows.is_empty() {
            return self.printer.affected(rows as u64, "added").map_err(io_error);
        }
        let decimals: Vec<_> =
            table.columns.iter().enumerate().filter_map(|(at, c)| Some((at, c.decimal_form()?))).collect();
        for row in &mut stored.rows {
            sinks::shape_decimals(row, &decimals);
            self.printer.record(&stored.columns, row, true).map_err(io_error)?;
        }
        Ok(())
    }

    /// `sql` with the key of each reference set by a field of its row bound in: the one row
    /// that matches, or an error that says how many did.
    async fn found_keys(&mut self, mut sql: Sql, lookups: &[plan::Found]) -> Result<Sql> {
        for lookup in lookups {
            let mut rows = Collect::default();
            self.backend.fetch(&lookup.find, std::slice::from_ref(&lookup.key_type), &mut rows).await?;
            if rows.rows.len() != 1 {
                let n = if rows.rows.is_empty() { 0 } else { self.scalar_count(&lookup.count).await? };
                return Err(lookup.not_one(n));
            }
            let key = rows.rows.swap_remove(0).into_iter().next().unwrap_or(Value::Null);
            sql = sql.rebind(lookup.slot, key);
        }
        Ok(sql)
    }

    async fn last_insert_id(&mut self) -> Result<Value> {
        let mut rows = Collect::default();
        self.backend.fetch(&self.dialect().last_insert_id(), &[FieldType::Int], &mut rows).await?;
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

    /// Rows shown by a query: capped at the prompt, all of them in scripts.
    fn row_cap(&self) -> Option<u64> {
        if self.printer.interactive() { self.settings.limit } else { None }
    }

    /// `explain`: the statements a command would run, without running it: those of its plan,
    /// the plan that running it would take.
    async fn explain(&mut self, command: &Command) -> Result<()> {
        let context = self.context();
        let plan = self.following_schema(|catalog| plan::plan(catalog, command, &context)).await?;
        let statements = match &plan {
            Plan::Alter(alter) => self.alter_statements(alter, &context).await?,
            plan => plan.statements(&context),
        };
        for sql in statements {
            self.printer.explain(sql.text(), sql.params()).map_err(io_error)?;
        }
        Ok(())
    }

    fn models(&mut self, schema: Option<&Ident>) -> Result<()> {
        let schema = schema.map(|s| self.catalog.schema(s)).transpose()?;
        let columns = ["model".to_string(), "table".to_string(), "fields".to_string()];
        self.printer.begin_rows(&columns).map_err(io_error)?;
        let listed =
            self.catalog.tables.iter().filter(|t| schema.is_none_or(|s| self.catalog.schemas.holds(s, &t.name)));
        for table in listed {
            let row = [
                Value::Text(table.model_name()),
                Value::Text(table.name.clone()),
                Value::Text(table.field_names().join(", ")),
            ];
            self.printer.row(&row).map_err(io_error)?;
        }
        self.printer.end_rows(false).map_err(io_error)
    }

    async fn describe(&mut self, model: &Ident) -> Result<()> {
        let table = self.following_schema(|catalog| catalog.model(model).cloned()).await?;
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
        if matches!(self.printer.format(), Format::Table | Format::Vertical | Format::Auto) {
            let mut lines = format!("model {} (table {})", table.model_name(), table.name);
            let stamps: Vec<&str> =
                table.columns.iter().filter(|c| resolve::stamp(c).is_some()).map(|c| c.name.as_str()).collect();
            if !stamps.is_empty() {
                let refreshed: Vec<&str> = table
                    .columns
                    .iter()
                    .filter(|c| resolve::stamp(c) == Some(resolve::Stamp::Updated))
                    .map(|c| c.name.as_str())
                    .collect();
                let mut note = format!("filled by ormsh: {} (UTC now, on add and upsert", stamps.join(", "));
                if !refreshed.is_empty() {
                    note.push_str(&format!("; {} again on update", refreshed.join(", ")));
                }
                lines.push_str(&format!("\n{note}), unless given"));
            }
            for index in &table.indexes {
                let kind = if index.unique { "unique index" } else { "index" };
                lines.push_str(&format!("\n{kind} {} ({})", index.name, index.columns.join(", ")));
            }
            // The other side of every foreign key that points here: what `where`, `fields`
            // (through aggregates) and `with` can follow.
            for relation in self.catalog.relations(&table) {
                let model = crate::naming::model_for_table(relation.target());
                lines.push_str(&format!("\nreferenced by: {} ({model} rows, {})", relation.name, relation.origin()));
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
            Setting::Pager(on) => self.printer.set_pager(*on),
            Setting::Toggle(Toggle::Vertical) => {
                let flipped = if self.printer.format() == Format::Vertical { Format::Table } else { Format::Vertical };
                self.printer.set_format(flipped);
            }
            Setting::Toggle(Toggle::Timing) => self.settings.timing = !self.settings.timing,
            Setting::List => return self.list_settings(),
        }
        Ok(())
    }

    /// `set` alone: every setting, its value now, its default and the values it takes.
    fn list_settings(&mut self) -> Result<()> {
        let header = ["setting", "value", "default", "values"].map(String::from);
        self.printer.begin_rows(&header).map_err(io_error)?;
        for setting in crate::settings::SETTINGS {
            let row = [
                Value::Text(setting.name.into()),
                Value::Text(self.setting_value(setting.name)),
                Value::Text(
                    if self.printer.interactive() {
                        setting.default
                    } else {
                        setting.in_scripts.unwrap_or(setting.default)
                    }
                    .into(),
                ),
                Value::Text(setting.values.into()),
            ];
            self.printer.row(&row).map_err(io_error)?;
        }
        self.printer.end_rows(false).map_err(io_error)
    }

    /// A setting's value now, as `set` writes it.
    fn setting_value(&self, name: &str) -> String {
        let on_off = |on: bool| if on { "on" } else { "off" }.to_string();
        match name {
            "format" => crate::ast::Format::NAMES
                .iter()
                .find(|n| Format::from_name(n) == Some(self.printer.format()))
                .map_or_else(String::new, |n| n.to_string()),
            "limit" => self.settings.limit.map_or_else(|| "off".to_string(), |n| n.to_string()),
            "timing" => on_off(self.settings.timing),
            "pager" => on_off(self.printer.paging()),
            _ => String::new(),
        }
    }

    async fn connect(&mut self, url: &str, span: crate::ast::Span) -> Result<()> {
        if self.tx.is_open() || self.sandbox {
            return Err(Error::at(ErrorKind::Transaction, "cannot switch databases with a transaction open", span)
                .with_help("`commit` or `rollback` first"));
        }
        let mut backend = Backend::connect(url).await?;
        let catalog = Self::first_catalog(&mut backend).await.map_err(|e| not_a_database(url, e))?;
        self.canceller = Canceller::install(&mut backend, url).await?;
        self.backend = backend;
        self.url = url.to_string();
        self.lost = false;
        self.catalog = Arc::new(catalog);
        self.location = redact_url(url);
        let text = format!("connected to {}", self.location);
        self.printer.status(&text).map_err(io_error)?;
        self.say_role()
    }

    pub(super) async fn reconnect(&mut self) -> Result<()> {
        let mut backend = Backend::connect(&self.url)
            .await
            .map_err(|e| e.with_help("the connection was lost and could not be opened again"))?;
        let mut catalog = Self::first_catalog(&mut backend).await?;
        catalog.keep_declared(&self.catalog);
        self.catalog = Arc::new(catalog);
        self.canceller = Canceller::install(&mut backend, &self.url).await?;
        self.backend = backend;
        self.lost = false;
        if self.sandbox {
            // The sandbox's transaction went with the old connection; the new one gets its own.
            self.send(&self.dialect().begin()).await?;
        }
        let text = format!("reconnected to {}", self.location);
        self.printer.status(&text).map_err(io_error)?;
        self.say_role()
    }

    fn say_role(&mut self) -> Result<()> {
        match self.role_note() {
            Some(note) => self.printer.status(note).map_err(io_error),
            None => Ok(()),
        }
    }

    /// Sends a statement ormsh wrote (transaction control) and discards its result.
    async fn send(&mut self, sql: &Sql) -> Result<()> {
        self.backend.execute(sql).await.map(|_| ())
    }

    /// `refresh`: reads the schema again now, and says how many models it holds.
    async fn refresh(&mut self) -> Result<()> {
        self.refresh_catalog().await?;
        let n = self.catalog.table_count();
        let text = format!("schema read again: {n} {}", if n == 1 { "model" } else { "models" });
        self.printer.status(&text).map_err(io_error)
    }

    /// Looks something up in the catalog (`look`: a command's plan, a model to describe). When
    /// it fails on a name (a model, field or reference the catalog does not know), the schema
    /// is read again once and `look` tried again: a table or column that another tool made
    /// while the shell is open is found without `refresh`. Nothing is read when `look`
    /// succeeds. Inside a transaction the catalog read is provisional, as after any schema
    /// change in one (see `schema_provisional`).
    async fn following_schema<T>(&mut self, look: impl Fn(&Catalog) -> Result<T>) -> Result<T> {
        let err = match look(&self.catalog) {
            // A transaction the database aborted or ended answers nothing until it is rolled
            // back (`explain` is still accepted there): the name error stands as it is.
            Err(err) if err.kind == ErrorKind::Name && matches!(self.tx, TxState::Idle | TxState::Open { .. }) => err,
            found => return found,
        };
        let reading_failed = |failed: Error, err: &Error| {
            // The read's own error is the one to report: the session takes the transaction
            // state (or the lost connection) from it, as after any statement that failed.
            failed.with_more_help(format!("ormsh was reading the schema again to look for a name ({err})"))
        };
        // A schema read in part is read further, up to all of it, while the name is not found:
        // the last step is the re-read below.
        let mut err = err;
        let was_partial = self.catalog.is_partial();
        while self.catalog.is_partial() {
            match self.read_more().await {
                Ok(true) => {}
                Ok(false) => break,
                Err(failed) => return Err(reading_failed(failed, &err)),
            }
            match look(&self.catalog) {
                Err(again) if again.kind == ErrorKind::Name => err = again,
                found => return found,
            }
        }
        if was_partial {
            return Err(err);
        }
        if let Err(failed) = self.read_whole().await {
            return Err(reading_failed(failed, &err));
        }
        look(&self.catalog)
    }

    async fn refresh_catalog_if(&mut self, changed: bool) {
        if changed {
            // The command's own error is what the user needs to see; a failed re-read keeps the
            // old catalog, which the next schema change will replace.
            let _ = self.refresh_catalog().await;
        }
    }
}

/// Where a command that changes the schema names its model, for an error about it; None for
/// any other command. MySQL/MariaDB commits the open transaction before such a command.
fn schema_change_at(command: &Command) -> Option<crate::ast::Span> {
    match command {
        Command::Model(model) => Some(model.name.span),
        Command::Drop { model, .. } | Command::Alter { model, .. } => Some(model.span),
        _ => None,
    }
}

/// Rows written by one run of a prepared multi-row insert: SQLite finishes a statement and
/// finds the table's end again for every run, so a run of many rows saves that work per row.
const CHUNK_ROWS: usize = 32;

/// SQLite opens any file and finds out on the first read that it is not a database
/// (SQLITE_NOTADB, 26), in words that do not say which file: the error names it.
fn not_a_database(url: &str, err: Error) -> Error {
    if err.code == Some(crate::error::DbCode::Sqlite(26)) {
        let file = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
        let file = file.split('?').next().unwrap_or(file);
        return Error::new(ErrorKind::Connection, format!("cannot open {file}: the file is not a database"))
            .with_help("check the file name; ormsh leaves the file as it is");
    }
    err
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
        // A host list (`postgres://u@h1:1,h2:2/db`), which the URL parser refuses: the hosts and
        // the path, without user or parameters.
        Err(_) => match location.split_once("://") {
            Some((_, rest)) => {
                let rest = rest.split('?').next().unwrap_or(rest);
                let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
                let hosts = authority.rsplit_once('@').map_or(authority, |(_, hosts)| hosts);
                format!("{hosts}{path}")
            }
            None => location.to_string(),
        },
    }
}

/// The backend's word in the prompt, unless `location` names it: an SQLite file whose name
/// ends in `.db`, `.sqlite` or `.sqlite3` (or the in-memory database) says it is SQLite; a
/// server's `host/database` never says which server.
fn backend_word(dialect: Dialect, location: &str) -> Option<&'static str> {
    match dialect {
        Dialect::Postgres => Some("pg"),
        Dialect::Mysql => Some("mysql"),
        Dialect::Sqlite => {
            let lower = location.to_ascii_lowercase();
            let says_sqlite =
                lower == "memory" || [".db", ".sqlite", ".sqlite3", ".db3"].iter().any(|ext| lower.ends_with(ext));
            (!says_sqlite).then_some("sqlite")
        }
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
