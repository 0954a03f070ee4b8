//! How much of the schema the session reads, and when. At connect it reads only the names of
//! the tables; a command reads the tables it names, with the tables around them (see
//! `Backend::read_around`), before it is planned; `models`, a name that is still not found,
//! and the prompt while it waits for typing (for completion) read the whole schema. A schema of
//! thousands of tables then costs a one-shot command a few small queries, not all of it.

use std::sync::Arc;

use super::{Session, TxState};
use crate::ast::{Command, FieldTypeDecl, Ident};
use crate::catalog::Catalog;
use crate::dialect::Dialect;
use crate::error::Result;

/// Set (to anything) to have every catalog read told on stderr: how the tests see what a
/// command read.
const DEBUG_VAR: &str = "ORMSH_DEBUG_CATALOG";

impl Session {
    /// The catalog of a new connection: the names of its tables, nothing read yet.
    pub(super) async fn first_catalog(backend: &mut crate::backend::Backend) -> Result<Catalog> {
        let (listed, schemas) = backend.table_names().await?;
        tell(format_args!("names of {} tables", listed.len()));
        let mut catalog = Catalog::partial(listed.iter().map(|(table, _)| table.clone()).collect(), schemas);
        catalog.declare_marked(&listed);
        Ok(catalog)
    }

    /// Whether only part of the schema is read (the rest is read when needed).
    pub fn catalog_is_partial(&self) -> bool {
        self.catalog.is_partial()
    }

    /// Reads the whole schema, if it was read only in part.
    pub async fn read_whole_catalog(&mut self) -> Result<()> {
        if self.catalog.is_partial() {
            self.read_whole().await?;
        }
        Ok(())
    }

    /// Reads the whole schema now.
    pub(super) async fn read_whole(&mut self) -> Result<()> {
        let catalog = self.backend.introspect().await?;
        tell(format_args!("all {} tables", catalog.tables.len()));
        self.set_catalog(catalog);
        Ok(())
    }

    fn set_catalog(&mut self, mut catalog: Catalog) {
        // `model Foo table bar` is known as Foo while its table is there.
        catalog.keep_declared(&self.catalog);
        self.catalog = Arc::new(catalog);
        // Read inside a transaction, the catalog holds changes that a rollback takes back.
        self.schema_provisional |= self.tx.is_open();
    }

    /// Reads what `command` needs of a schema read in part: the tables it names and those they
    /// refer to (a name not found then reads more: see [`Session::read_more`]); the whole
    /// schema for `models` (and for `sql` on MySQL, whose results take
    /// their types from the catalog). Nothing when the schema is read whole, or in a
    /// transaction that only a rollback leaves (where nothing can be read).
    pub(super) async fn read_for(&mut self, command: &Command) -> Result<()> {
        if !matches!(self.tx, TxState::Idle | TxState::Open { .. }) {
            return Ok(());
        }
        if !self.catalog.is_partial() {
            return Ok(());
        }
        match command {
            Command::Models(_) => return self.read_whole().await,
            Command::Sql { .. } if self.dialect() == Dialect::Mysql => return self.read_whole().await,
            _ => {}
        }
        let mut models = Vec::new();
        models_named(command, &mut models);
        self.named = models.into_iter().map(|m| m.name.clone()).collect();
        // `describe` shows what refers to the table: it reads that too.
        let inbound = matches!(command, Command::Describe(_));
        let unread = self.tables_named(|catalog, table| match inbound {
            true => !catalog.relations_read(table),
            false => catalog.table(table).is_none(),
        });
        self.read_around(unread, inbound).await
    }

    /// The tables of the models the command names that `pick` picks.
    fn tables_named(&self, pick: impl Fn(&Catalog, &str) -> bool) -> Vec<String> {
        let mut tables: Vec<String> = Vec::new();
        for model in &self.named {
            if let Some(table) = self.catalog.table_name_for(model)
                && pick(&self.catalog, table)
                && !tables.iter().any(|t| t == table)
            {
                tables.push(table.to_string());
            }
        }
        tables
    }

    /// After a name was not found in a schema read in part: reads more of it, and says whether
    /// it did (then the name is looked for again). A model that names no table: the names of
    /// the tables again (one made elsewhere is found; "did you mean" needs no more). Otherwise
    /// what refers to the tables the command names (their relations), then the whole schema.
    pub(super) async fn read_more(&mut self) -> Result<bool> {
        if !self.catalog.is_partial() {
            return Ok(false);
        }
        if self.named.iter().any(|m| self.catalog.table_name_for(m).is_none()) {
            let (listed, schemas) = self.backend.table_names().await?;
            tell(format_args!("names of {} tables", listed.len()));
            let mut catalog = Catalog::clone(&self.catalog);
            catalog.take_names(listed.iter().map(|(table, _)| table.clone()).collect(), schemas);
            catalog.declare_marked(&listed);
            self.set_catalog(catalog);
            if self.named.iter().any(|m| self.catalog.table_name_for(m).is_none()) {
                return Ok(false);
            }
            let unread = self.tables_named(|catalog, table| catalog.table(table).is_none());
            self.read_around(unread, false).await?;
            return Ok(true);
        }
        let named = self.tables_named(|catalog, table| !catalog.relations_read(table));
        if named.is_empty() {
            self.read_whole().await?;
        } else {
            self.read_around(named, true).await?;
        }
        Ok(true)
    }

    /// Reads the tables `names` and those around them (see `Backend::read_around`) into the
    /// catalog.
    async fn read_around(&mut self, names: Vec<String>, inbound: bool) -> Result<()> {
        if names.is_empty() {
            return Ok(());
        }
        let read = self.backend.read_around(&names, inbound).await?;
        let what = if inbound { "around" } else { "from" };
        tell(format_args!("{} tables {what} {}", read.tables.len(), names.join(", ")));
        let mut catalog = Catalog::clone(&self.catalog);
        catalog.take_in(read, &names, inbound);
        self.set_catalog(catalog);
        Ok(())
    }

    /// Reads the schema again after a change: all of it when it was read whole; otherwise the
    /// names, and again the tables read around a command so far.
    pub(crate) async fn refresh_catalog(&mut self) -> Result<()> {
        let Some(partial) = &self.catalog.partial else { return self.read_whole().await };
        let catalog = Self::first_catalog(&mut self.backend).await?;
        let mut named: Vec<String> =
            partial.whole.iter().filter(|n| catalog.names().any(|t| t == *n)).cloned().collect();
        named.sort();
        self.set_catalog(catalog);
        self.read_around(named, true).await
    }
}

/// Every model `command` names: the one it works on, the models a `model` refers to, those of
/// the command inside `explain` and `export`.
fn models_named<'c>(command: &'c Command, out: &mut Vec<&'c Ident>) {
    match command {
        Command::Model(decl) => out.extend(decl.fields.iter().filter_map(|f| match &f.ty {
            FieldTypeDecl::Reference(target) => Some(target),
            FieldTypeDecl::Scalar(_) => None,
        })),
        Command::Describe(model)
        | Command::Drop { model, .. }
        | Command::Add { model, .. }
        | Command::Upsert { model, .. }
        | Command::Get { model, .. }
        | Command::Count { model, .. }
        | Command::Update { model, .. }
        | Command::Delete { model, .. }
        | Command::Import { model, .. } => out.push(model),
        Command::Query(query) => out.push(&query.model),
        Command::Explain(inner) | Command::Export { command: inner, .. } => models_named(inner, out),
        _ => {}
    }
}

/// Tells a catalog read on stderr when `ORMSH_DEBUG_CATALOG` is set.
fn tell(what: std::fmt::Arguments<'_>) {
    if std::env::var_os(DEBUG_VAR).is_some() {
        eprintln!("ormsh: catalog read: {what}");
    }
}
