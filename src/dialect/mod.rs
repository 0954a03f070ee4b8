//! SQL text, per database. This module and its children are the only place in ormsh that
//! writes SQL: identifiers are quoted here, values become placeholders here, and the one
//! `AssertSqlSafe` that sqlx asks for is here.
//!
//! The rule is kept by the types, not by habit: a [`Sql`] can be built only here (its fields are
//! private and `Sql::raw` is this module's own), and the one way in for text from outside is
//! [`Sql::user`], the user's own `sql` command. Everything else that reaches a driver was written
//! by a function of this module or of `sqlite.rs`, `postgres.rs`, `mysql.rs` (the drivers' own
//! statements: catalog queries, session set-up, transaction probes) or `text.rs` (text compared
//! alike on every database). Tests that need a statement
//! of their own use `Sql::for_test`, which exists only in test builds.
//!
//! Why ormsh's own builder and not sea-query (decided 2026-12 on sea-query 1.0.2, measured in a
//! scratch crate, release build): sea-query quoted every hostile name exactly as this module
//! does, and its multi-row INSERT, GROUP BY/HAVING, EXISTS and upsert ran alike on SQLite,
//! PostgreSQL and MariaDB. But it was no faster (a 1000×5 insert: 194 µs here, 257 µs there;
//! 32×5: 5.5 against 8.3 µs; a grouped select 0.65 against 2.2 µs; building statements is about
//! 0.3 % of 100k batched SQLite adds), it cost 9–21 s more to compile, +3.4 s per release rebuild
//! of this crate and +0.5 MB of binary, it cannot carry ormsh's `Value` without a custom
//! `SqlWriter` (its own values lose decimals, zoned datetimes, json and uuids), it silently drops
//! RETURNING for MariaDB, has no IS NOT DISTINCT FROM, binds LIMIT and an empty IN's stand-ins as
//! parameters of its own, and panics on DDL it does not support (SQLite ALTER). The statement
//! kinds to come (GROUP BY/HAVING, EXISTS, ON CONFLICT / ON DUPLICATE KEY UPDATE col =
//! VALUES(col), ALTER) are written here, each through the hostile-identifier suite.

mod alter;
mod instant;
mod load;
pub(crate) mod mysql;
pub(crate) mod postgres;
pub mod rebuild;
mod select;
pub(crate) mod sqlite;
mod text;
mod zero_dates;

use sqlx::AssertSqlSafe;

use crate::ast::{AssignOp, CompareOp};
use crate::catalog::{ResolvedPath, Step, marker};
use crate::plan::{ColumnDef, Count, CreateTable, Delete, Filter, Insert, Scalar, Test, Update};
use crate::value::{FieldType, Value};

/// The database a statement is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

/// A statement ready to run: its text and the values bound to its placeholders, in order. Built
/// only by this module (see the module's note); read by the drivers and the printer.
#[derive(Debug, Clone, PartialEq)]
pub struct Sql {
    text: String,
    params: Vec<Value>,
}

impl Sql {
    /// Text written by this module, with no values: a statement of fixed words, or one whose
    /// identifiers were quoted by [`Dialect::quote`] on the way in.
    fn raw(text: impl Into<String>) -> Sql {
        Sql { text: text.into(), params: Vec::new() }
    }

    /// SQL the user typed (the `sql` command): sent as written, by design the one exception to
    /// "nothing the user types is pasted into SQL", and the one way their text becomes a
    /// statement.
    pub fn user(text: String) -> Sql {
        Sql { text, params: Vec::new() }
    }

    /// A statement a test writes by hand. Only in test builds: production text comes from this
    /// module or from [`Sql::user`].
    #[cfg(test)]
    pub fn for_test(text: impl Into<String>, params: Vec<Value>) -> Sql {
        Sql { text: text.into(), params }
    }

    /// The text, as sent.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The values bound to the placeholders, in order.
    pub fn params(&self) -> &[Value] {
        &self.params
    }

    /// The statement as `explain` shows it when its values are known only when it runs: without
    /// them, and with a note for the reader after it in their place. Never sent.
    pub fn with_note(mut self, note: &str) -> Sql {
        self.params.clear();
        self.text.push_str(" -- ");
        self.text.push_str(note);
        self
    }

    /// The statement with the value bound to parameter `slot` (0-based) replaced: a key found
    /// when the command runs, bound where the plan put a stand-in.
    pub fn rebind(mut self, slot: usize, value: Value) -> Sql {
        if let Some(param) = self.params.get_mut(slot) {
            *param = value;
        }
        self
    }

    /// The statement as `explain` shows it when some values are known only when it runs:
    /// its values kept (the unknown ones as the plan's stand-ins), a note after it. Never sent.
    pub fn with_param_note(mut self, note: &str) -> Sql {
        self.text.push_str(" -- ");
        self.text.push_str(note);
        self
    }

    /// The text in the form sqlx accepts. Everything that reaches here was built by this module
    /// from quoted identifiers and placeholders, or is the user's own `sql` text.
    pub(crate) fn sqlx_text(&self) -> AssertSqlSafe<String> {
        AssertSqlSafe(self.text.clone())
    }
}

/// Table names bound as one value, a JSON array, to a catalog query that reads only those
/// tables.
fn names_value(names: &[String]) -> Value {
    Value::Text(serde_json::Value::from(names.to_vec()).to_string())
}

impl Dialect {
    /// Quotes an identifier, doubling the quote character inside it.
    pub fn quote(self, ident: &str) -> String {
        let q = match self {
            Dialect::Mysql => '`',
            Dialect::Sqlite | Dialect::Postgres => '"',
        };
        let mut out = String::with_capacity(ident.len() + 2);
        out.push(q);
        for c in ident.chars() {
            if c == q {
                out.push(q);
            }
            out.push(c);
        }
        out.push(q);
        out
    }

    /// Quotes a table as the catalog names it. On PostgreSQL a table outside the search path
    /// is named with its schema (`sales.orders`), and is written `"sales"."orders"`; a schema's
    /// name holds no dot, so the first dot is the one between them. Elsewhere a name is one
    /// identifier, whatever it holds.
    pub fn quote_table(self, table: &str) -> String {
        match crate::naming::split_schema(table) {
            (Some(schema), name) if self == Dialect::Postgres => format!("{}.{}", self.quote(schema), self.quote(name)),
            _ => self.quote(table),
        }
    }

    fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite | Dialect::Mysql => "?".to_string(),
        }
    }

    /// Whether `INSERT … RETURNING` gives back the stored row. MySQL has no RETURNING: the row
    /// is read again by its key.
    pub fn has_returning(self) -> bool {
        !matches!(self, Dialect::Mysql)
    }

    /// Whether many rows are written by statements prepared once and run again with each
    /// row's values ([`crate::backend::Backend::execute_rows`]): SQLite's fastest way, where a
    /// statement never crosses a network.
    pub fn binds_rows(self) -> bool {
        matches!(self, Dialect::Sqlite)
    }

    /// How many values one multi-row insert may carry: the most bound parameters a statement
    /// takes (SQLite's default limit; the 16-bit count of the PostgreSQL and MySQL protocols).
    pub fn max_params(self) -> usize {
        match self {
            Dialect::Sqlite => 32_766,
            Dialect::Postgres | Dialect::Mysql => 65_535,
        }
    }

    /// Whether DDL commits the open transaction on its own.
    pub fn ddl_commits(self) -> bool {
        matches!(self, Dialect::Mysql)
    }

    pub fn begin(self) -> Sql {
        Sql::raw(match self {
            Dialect::Mysql => "START TRANSACTION",
            Dialect::Sqlite | Dialect::Postgres => "BEGIN",
        })
    }

    /// `begin` with an isolation level and access mode (see `plan::tx_mode_allowed` for what
    /// each database takes). MySQL sets the next transaction's isolation level apart, as its
    /// START TRANSACTION has no place for it; SQLite's transactions are serializable whatever
    /// is asked.
    pub fn begin_with(self, mode: crate::ast::TxMode) -> Vec<Sql> {
        let access = mode.read_only.map(|ro| if ro { "READ ONLY" } else { "READ WRITE" });
        match self {
            Dialect::Sqlite => vec![self.begin()],
            Dialect::Postgres => {
                let mut modes: Vec<String> =
                    mode.isolation.map(|i| format!("ISOLATION LEVEL {}", i.as_sql())).into_iter().collect();
                modes.extend(access.map(String::from));
                if modes.is_empty() {
                    vec![self.begin()]
                } else {
                    vec![Sql::raw(format!("BEGIN {}", modes.join(", ")))]
                }
            }
            Dialect::Mysql => {
                let mut statements: Vec<Sql> = mode
                    .isolation
                    .map(|i| Sql::raw(format!("SET TRANSACTION ISOLATION LEVEL {}", i.as_sql())))
                    .into_iter()
                    .collect();
                statements.push(match access {
                    Some(access) => Sql::raw(format!("START TRANSACTION {access}")),
                    None => self.begin(),
                });
                statements
            }
        }
    }

    /// The key MySQL generated for the last insert on this connection.
    pub fn last_insert_id(self) -> Sql {
        Sql::raw("SELECT LAST_INSERT_ID()")
    }

    /// After rows were written with keys of their own (`import`), a PostgreSQL sequence (of a
    /// serial or identity key) still stands where it was: it is moved on to the largest key, so
    /// that the next `add` does not take one of those. Elsewhere nothing: MySQL's
    /// AUTO_INCREMENT and SQLite's rowid follow the keys written.
    pub fn catch_up_sequence(self, table: &str, column: &str) -> Option<Sql> {
        (self == Dialect::Postgres).then(|| {
            let key = self.quote(column);
            Sql {
                text: format!(
                    "SELECT setval(pg_get_serial_sequence($1, $2), MAX({key})) FROM {} HAVING MAX({key}) IS NOT NULL \
                     AND pg_get_serial_sequence($1, $2) IS NOT NULL",
                    self.quote_table(table)
                ),
                params: vec![Value::Text(self.quote_table(table)), Value::Text(column.to_string())],
            }
        })
    }

    /// PostgreSQL's fastest way in for many rows: `COPY … FROM STDIN` of CSV, whose values are
    /// the rows' text forms (see `backend::postgres::copy_rows`). None elsewhere.
    pub fn copy_in(self, insert: &Insert) -> Option<Sql> {
        (self == Dialect::Postgres).then(|| {
            let columns: Vec<String> = insert.columns.iter().map(|c| self.quote(c)).collect();
            Sql::raw(format!(
                "COPY {} ({}) FROM STDIN WITH (FORMAT csv)",
                self.quote_table(&insert.table),
                columns.join(", ")
            ))
        })
    }

    pub fn commit(self) -> Sql {
        Sql::raw("COMMIT")
    }

    pub fn rollback(self) -> Sql {
        Sql::raw("ROLLBACK")
    }

    /// The query that returns this connection's id on the server, for cancelling from another.
    pub fn backend_id(self) -> Sql {
        Sql::raw(match self {
            Dialect::Postgres => "SELECT CAST(pg_backend_pid() AS BIGINT)",
            Dialect::Mysql => "SELECT CONNECTION_ID()",
            Dialect::Sqlite => "SELECT 0",
        })
    }

    /// Stops the statement running on connection `id` (sent from another connection). The id
    /// is a number the server gave, so it is written as a number: neither statement takes a
    /// bound parameter on every server.
    pub fn cancel(self, id: i64) -> Sql {
        match self {
            Dialect::Postgres => Sql { text: "SELECT pg_cancel_backend($1)".into(), params: vec![Value::Int(id)] },
            Dialect::Mysql => Sql::raw(format!("KILL QUERY {id}")),
            Dialect::Sqlite => Sql::raw("SELECT 0"),
        }
    }

    pub fn savepoint(self, name: &str) -> Sql {
        Sql::raw(format!("SAVEPOINT {}", self.quote(name)))
    }

    pub fn rollback_to(self, name: &str) -> Sql {
        Sql::raw(format!("ROLLBACK TO SAVEPOINT {}", self.quote(name)))
    }

    pub fn release(self, name: &str) -> Sql {
        Sql::raw(format!("RELEASE SAVEPOINT {}", self.quote(name)))
    }

    pub fn count(self, count: &Count) -> Sql {
        let mut b = Builder::new(self);
        b.push("SELECT COUNT(*) FROM ");
        b.table(&count.table);
        b.filter_clause(&count.table, count.filter.as_ref());
        b.finish()
    }

    /// `returning`: the columns to read back from the stored rows where the database can
    /// (RETURNING); empty for none.
    pub fn insert(self, insert: &Insert, returning: &[String]) -> Sql {
        let mut b = Builder::new(self);
        b.push("INSERT INTO ");
        b.table(&insert.table);
        if insert.columns.is_empty() {
            b.push(match self {
                Dialect::Mysql => " () VALUES ()",
                Dialect::Sqlite | Dialect::Postgres => " DEFAULT VALUES",
            });
        } else {
            b.push(" (");
            b.ident_list(&insert.columns);
            b.push(") VALUES ");
            for (r, row) in insert.rows.iter().enumerate() {
                b.push(if r == 0 { "(" } else { ", (" });
                for (i, value) in row.iter().enumerate() {
                    if i > 0 {
                        b.push(", ");
                    }
                    b.typed_param(value.clone(), insert.casts.get(i).and_then(Option::as_deref));
                }
                b.push(")");
            }
        }
        if !returning.is_empty() && self.has_returning() {
            b.push(" RETURNING ");
            b.ident_list(returning);
        }
        b.finish()
    }

    /// `insert` (one row), or, when a row with the same `key` exists, `update` (columns of the
    /// insert) stored over it: one statement. `returning` as for [`Dialect::insert`].
    pub fn upsert(self, insert: &Insert, key: &[String], update: &[String], returning: &[String]) -> Sql {
        let Sql { mut text, params } = self.insert(insert, &[]);
        // With nothing to store over the row found, its key is set to itself: the row is still
        // "updated", so RETURNING gives it back (DO NOTHING would give nothing).
        let update = if update.is_empty() { key } else { update };
        let set = update.iter().map(|c| {
            let c = self.quote(c);
            match self {
                Dialect::Mysql => format!("{c} = VALUES({c})"),
                Dialect::Sqlite | Dialect::Postgres => format!("{c} = excluded.{c}"),
            }
        });
        let set = set.collect::<Vec<_>>().join(", ");
        match self {
            // MySQL has no conflict target: any unique key of the table that the row collides
            // with finds the row to update.
            Dialect::Mysql => text.push_str(&format!(" ON DUPLICATE KEY UPDATE {set}")),
            Dialect::Sqlite | Dialect::Postgres => {
                let key: Vec<String> = key.iter().map(|c| self.quote(c)).collect();
                text.push_str(&format!(" ON CONFLICT ({}) DO UPDATE SET {set}", key.join(", ")));
            }
        }
        if !returning.is_empty() && self.has_returning() {
            let returning: Vec<String> = returning.iter().map(|c| self.quote(c)).collect();
            text.push_str(" RETURNING ");
            text.push_str(&returning.join(", "));
        }
        Sql { text, params }
    }

    pub fn update(self, update: &Update) -> Sql {
        let mut b = Builder::new(self);
        b.in_write = true;
        b.push("UPDATE ");
        b.table(&update.table);
        b.push(" SET ");
        for (i, (column, value)) in update.set.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            b.ident(column);
            b.push(" = ");
            if let Some(&(op, integer)) = update.ops.get(i).filter(|(op, _)| *op != AssignOp::Set) {
                // `price = price * ?`: the stored value, as the statement finds it.
                b.ident(column);
                b.push(match op {
                    // MySQL's `/` gives a decimal even of two integers; DIV truncates, as the
                    // others' `/` does.
                    AssignOp::Div if integer && self == Dialect::Mysql => " DIV ",
                    AssignOp::Div => " / ",
                    AssignOp::Add => " + ",
                    AssignOp::Sub => " - ",
                    // (`=` never comes here: it was filtered out above.)
                    AssignOp::Mul | AssignOp::Set => " * ",
                });
            }
            b.typed_param(value.clone(), update.casts.get(i).and_then(Option::as_deref));
        }
        b.filter_clause(&update.table, update.filter.as_ref());
        b.finish()
    }

    pub fn delete(self, delete: &Delete) -> Sql {
        let mut b = Builder::new(self);
        b.in_write = true;
        b.push("DELETE FROM ");
        b.table(&delete.table);
        b.filter_clause(&delete.table, delete.filter.as_ref());
        b.finish()
    }

    pub fn create_table(self, create: &CreateTable) -> Sql {
        let mut b = Builder::new(self);
        b.push("CREATE TABLE ");
        b.table(&create.table);
        let marker = create.model.as_deref();
        // SQLite keeps a comment between the name and the columns as written (one after the
        // closing bracket it drops).
        if let Some(comment) = marker.and_then(marker::sql_comment).filter(|_| self == Dialect::Sqlite) {
            b.push(" ");
            b.push(&comment);
        }
        b.push(" (");
        for (i, column) in create.columns.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            self.column_def(&mut b, column);
        }
        for (n, column) in create.columns.iter().filter(|c| c.references.is_some()).enumerate() {
            if let Some((table, key)) = &column.references {
                b.push(", ");
                self.named_foreign_key(&mut b, &create.table, n + 1, &column.name);
                b.push("FOREIGN KEY (");
                b.ident(&column.name);
                b.push(") REFERENCES ");
                b.table(table);
                b.push(" (");
                b.ident(key);
                b.push(")");
            }
        }
        b.push(")");
        // Whatever the server's default (latin1 on older MariaDB), text holds all of Unicode.
        if self == Dialect::Mysql {
            b.push(" CHARACTER SET utf8mb4");
            if let Some(comment) = marker.and_then(marker::comment) {
                b.push(" COMMENT = ");
                b.push(&self.string_literal(&comment));
            }
        }
        b.finish()
    }

    /// What keeps the model's name with a new table on PostgreSQL, where a table's comment is
    /// a statement of its own (elsewhere `create_table` writes it).
    pub fn model_marker(self, create: &CreateTable) -> Option<Sql> {
        let comment = marker::comment(create.model.as_deref()?)?;
        (self == Dialect::Postgres).then(|| {
            Sql::raw(format!("COMMENT ON TABLE {} IS {}", self.quote(&create.table), self.string_literal(&comment)))
        })
    }

    /// `CONSTRAINT name ` before the `n`th foreign key of `table`, where the name the database
    /// would make is longer than it allows: MySQL/MariaDB name one `{table}_ibfk_{n}` and refuse
    /// the table when that is past 64 characters. Elsewhere, and when it fits, the database
    /// names it as it always does.
    fn named_foreign_key(self, b: &mut Builder, table: &str, n: usize, column: &str) {
        let made = format!("{table}_ibfk_{n}");
        if self == Dialect::Mysql && crate::plan::fit_generated(self, &made) != made {
            b.push("CONSTRAINT ");
            b.ident(&crate::plan::fit_generated(self, &format!("{table}_{column}_fk")));
            b.push(" ");
        }
    }

    /// An index on each reference column of a new table, as Rails and Django make one: finding
    /// a row's related records (`with orders`, `where orders.total > 100`, `count(orders)`)
    /// searches the referencing column, and without an index that is a scan of the whole table
    /// for every row. MySQL makes one with the foreign key itself.
    pub fn reference_indexes(self, create: &CreateTable) -> Vec<Sql> {
        if self == Dialect::Mysql {
            return Vec::new();
        }
        create
            .columns
            .iter()
            .filter(|c| c.references.is_some() && !c.primary_key && !c.unique)
            .map(|c| {
                // An index lives in its table's schema, and is named without it.
                let name = crate::plan::fit_generated(
                    self,
                    &format!("{}_{}_idx", crate::naming::split_schema(&create.table).1, c.name),
                );
                Sql::raw(format!(
                    "CREATE INDEX {} ON {} ({})",
                    self.quote(&name),
                    self.quote_table(&create.table),
                    self.quote(&c.name)
                ))
            })
            .collect()
    }

    pub fn drop_table(self, table: &str) -> Sql {
        Sql::raw(format!("DROP TABLE {}", self.quote_table(table)))
    }

    fn column_def(self, b: &mut Builder, column: &ColumnDef) {
        b.ident(&column.name);
        b.push(" ");
        if column.primary_key && column.auto_increment {
            b.push(match self {
                Dialect::Sqlite => sqlite::AUTO_KEY,
                Dialect::Postgres => postgres::AUTO_KEY,
                Dialect::Mysql => mysql::AUTO_KEY,
            });
            return;
        }
        // A reference is keyed like the key it refers to: MySQL refers from a column of the
        // same type only (a VARCHAR key, never TEXT).
        let keyed = column.unique || column.primary_key || column.references.is_some();
        b.push(&self.column_type(&column.field_type, keyed));
        if !column.nullable {
            b.push(" NOT NULL");
        }
        if column.primary_key {
            b.push(" PRIMARY KEY");
        } else if column.unique {
            b.push(" UNIQUE");
        }
        if let Some(default) = &column.default {
            b.push(" DEFAULT ");
            b.push(&self.literal(default));
        }
    }

    /// The column type for an ormsh type. `keyed`: the column is unique or a key, which MySQL
    /// cannot index as TEXT.
    pub fn column_type(self, ty: &FieldType, keyed: bool) -> String {
        match self {
            Dialect::Sqlite => sqlite::column_type(ty),
            Dialect::Postgres => postgres::column_type(ty),
            Dialect::Mysql => mysql::column_type(ty, keyed),
        }
    }

    /// A value written into DDL text. Only column defaults need this (no database accepts a
    /// bound parameter in CREATE TABLE); the value has already been checked against its type,
    /// and text is quoted with its quote characters doubled (on MySQL, a backslash is `CHAR(92)`).
    fn literal(self, value: &Value) -> String {
        match value {
            Value::Null => "NULL".into(),
            Value::Bool(b) => match self {
                Dialect::Sqlite => (if *b { "1" } else { "0" }).into(),
                Dialect::Postgres | Dialect::Mysql => (if *b { "TRUE" } else { "FALSE" }).into(),
            },
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            Value::Float(f) => format!("{f:?}"),
            Value::Decimal(d) => self.string_literal(d),
            Value::Bytes(bytes) => {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                match self {
                    Dialect::Postgres => format!("'\\x{hex}'::bytea"),
                    Dialect::Sqlite | Dialect::Mysql => format!("X'{hex}'"),
                }
            }
            // MySQL wants an expression in parentheses for a JSON default.
            Value::Json(_) if self == Dialect::Mysql => format!("({})", self.string_literal(&value.to_string())),
            other => self.string_literal(&bind_text(other)),
        }
    }

    fn string_literal(self, text: &str) -> String {
        // A backslash means itself or starts an escape on MySQL, as the session's
        // NO_BACKSLASH_ESCAPES has it, and MariaDB keeps a default as text that it reads again
        // later (a hex literal comes back without its backslashes): text with one is an
        // expression that spells each backslash as CHAR(92), the same under either mode.
        if self == Dialect::Mysql && text.contains('\\') {
            let parts: Vec<String> = text.split('\\').map(|part| self.string_literal(part)).collect();
            return format!("(CONCAT({}))", parts.join(", CHAR(92 USING utf8mb4), "));
        }
        let mut out = String::with_capacity(text.len() + 2);
        out.push('\'');
        for c in text.chars() {
            match c {
                '\'' => out.push_str("''"),
                c => out.push(c),
            }
        }
        out.push('\'');
        out
    }

    fn limit_clause(self, b: &mut Builder, limit: Option<u64>, offset: Option<u64>) {
        match (limit, offset) {
            (None, None) => {}
            (Some(limit), offset) => {
                b.push(" LIMIT ");
                b.param(count_value(limit));
                if let Some(offset) = offset {
                    b.push(" OFFSET ");
                    b.param(count_value(offset));
                }
            }
            (None, Some(offset)) => {
                // An offset alone needs a limit on SQLite and MySQL: the largest they take.
                match self {
                    Dialect::Postgres => {}
                    Dialect::Sqlite => b.push(" LIMIT -1"),
                    Dialect::Mysql => b.push(" LIMIT 18446744073709551615"),
                }
                b.push(" OFFSET ");
                b.param(count_value(offset));
            }
        }
    }
}

/// The text cast of a condition on `column`; none for `like`, which compares text.
fn test_cast(column: &crate::catalog::Column, test: &Test) -> Option<String> {
    match test {
        Test::Compare { op: CompareOp::Like | CompareOp::NotLike | CompareOp::ILike | CompareOp::NotILike, .. } => None,
        Test::Compare { .. } | Test::In { .. } | Test::Between { .. } => crate::plan::text_cast(column),
        _ => None,
    }
}

/// The left side of a test: a column of the table a path led to, a date part of one, or any
/// other value of the row or group.
#[derive(Clone, Copy)]
enum Operand<'a> {
    Column(&'a crate::catalog::Column),
    DatePart(crate::ast::DatePart, &'a crate::catalog::Column),
    Value(&'a Scalar),
}

/// The operator, for the tests `text.rs` leaves: those on PostgreSQL, and those of a computed
/// value (`max(name) ilike 'a%'`), where SQLite's and MySQL's LIKE already ignore case.
fn compare_op(dialect: Dialect, op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => " = ",
        CompareOp::Ne => " <> ",
        CompareOp::Lt => " < ",
        CompareOp::Le => " <= ",
        CompareOp::Gt => " > ",
        CompareOp::Ge => " >= ",
        CompareOp::Like => " LIKE ",
        CompareOp::NotLike => " NOT LIKE ",
        CompareOp::ILike if dialect == Dialect::Postgres => " ILIKE ",
        CompareOp::NotILike if dialect == Dialect::Postgres => " NOT ILIKE ",
        CompareOp::ILike => " LIKE ",
        CompareOp::NotILike => " NOT LIKE ",
    }
}

fn count_value(n: u64) -> Value {
    i64::try_from(n).map(Value::Int).unwrap_or(Value::UInt(n))
}

/// The text form a value is bound as where the database has no type of its own for it (dates,
/// uuids and json on SQLite; dates in DDL defaults).
pub fn bind_text(value: &Value) -> String {
    match value {
        // SQLAlchemy's spelling (microseconds, always), which a column of SQLite takes unless
        // its rows spell their times otherwise (`Column::spelling`).
        Value::DateTime(dt) => dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string(),
        Value::Time(t) => t.format("%H:%M:%S%.6f").to_string(),
        other => other.to_string(),
    }
}

/// Accumulates SQL text and its parameters.
struct Builder {
    dialect: Dialect,
    text: String,
    params: Vec<Value>,
    aliases: usize,
    /// Inside UPDATE or DELETE: MySQL cannot read the table being written in a subquery unless
    /// the subquery is materialised first.
    in_write: bool,
    /// The table the statement reads or writes, which a field on the right of a comparison
    /// (`= .user.city`) is a path from.
    base: String,
    /// In a summary, the references its values follow are joined once each (see `summary.rs`):
    /// each chain of steps with its alias.
    joins: Vec<(Vec<Step>, String)>,
}

impl Builder {
    fn new(dialect: Dialect) -> Builder {
        Builder {
            dialect,
            text: String::new(),
            params: Vec::new(),
            aliases: 0,
            in_write: false,
            base: String::new(),
            joins: Vec::new(),
        }
    }

    fn finish(self) -> Sql {
        Sql { text: self.text, params: self.params }
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn ident(&mut self, name: &str) {
        let quoted = self.dialect.quote(name);
        self.text.push_str(&quoted);
    }

    /// A table (or an alias): see [`Dialect::quote_table`].
    fn table(&mut self, name: &str) {
        let quoted = self.dialect.quote_table(name);
        self.text.push_str(&quoted);
    }

    fn ident_list(&mut self, names: &[String]) {
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.ident(name);
        }
    }

    fn qualified(&mut self, table: &str, column: &str) {
        self.table(table);
        self.push(".");
        self.ident(column);
    }

    fn param(&mut self, value: Value) {
        self.params.push(value);
        let placeholder = self.dialect.placeholder(self.params.len());
        self.text.push_str(&placeholder);
    }

    /// A parameter for a column of type `cast` that ormsh does not know: on PostgreSQL, text
    /// is sent as text and cast there (its binary protocol needs each type's own encoding).
    fn typed_param(&mut self, value: Value, cast: Option<&str>) {
        match cast {
            Some(ty) if self.dialect == Dialect::Postgres && matches!(value, Value::Text(_)) => {
                self.push("CAST(CAST(");
                self.param(value);
                self.push(" AS TEXT) AS ");
                self.ident(ty);
                self.push(")");
            }
            _ => self.param(value),
        }
    }

    fn next_alias(&mut self) -> String {
        self.aliases += 1;
        format!("t{}", self.aliases)
    }

    fn filter_clause(&mut self, table: &str, filter: Option<&Filter>) {
        if let Some(filter) = filter {
            self.base = table.to_string();
            self.push(" WHERE ");
            self.filter(table, filter);
        }
    }

    fn filter(&mut self, table: &str, filter: &Filter) {
        match filter {
            Filter::And(a, b) | Filter::Or(a, b) => {
                let op = if matches!(filter, Filter::And(..)) { " AND " } else { " OR " };
                self.push("(");
                self.filter(table, a);
                self.push(op);
                self.filter(table, b);
                self.push(")");
            }
            Filter::Not(inner) => {
                self.push("NOT (");
                self.filter(table, inner);
                self.push(")");
            }
            // A field through references and relations: "at least one" of them passes.
            Filter::Test { left: Scalar::Path(path), test } if self.joins.is_empty() => {
                self.through(table, &path.steps, &mut |b, alias| b.test(alias, Operand::Column(&path.column), test));
            }
            Filter::Test { left: Scalar::DatePart(part, path), test } if self.joins.is_empty() => {
                let column = &path.column;
                self.through(table, &path.steps, &mut |b, alias| b.test(alias, Operand::DatePart(*part, column), test));
            }
            // An aggregate, or a value of a summary whose references are joined.
            Filter::Test { left, test } => self.test(table, Operand::Value(left), test),
        }
    }

    /// Follows `steps` from `table`, then writes the predicate on the last table: a reference
    /// as `column IN (SELECT key …)`, a relation as `EXISTS (SELECT 1 …)` ("at least one", so
    /// that `not` means "none", and no row is repeated).
    fn through(&mut self, table: &str, steps: &[Step], predicate: &mut dyn FnMut(&mut Builder, &str)) {
        let Some((step, rest)) = steps.split_first() else {
            return predicate(self, table);
        };
        // MySQL cannot read the table being written in a subquery unless the subquery is
        // materialised first, and a materialised subquery cannot refer to the outer row: there,
        // both kinds of step are `IN` over a derived table.
        if self.in_write && self.dialect == Dialect::Mysql {
            return self.through_materialised(table, step, rest, predicate);
        }
        let alias = self.next_alias();
        match step {
            Step::Reference { column, table: target, key } => {
                self.qualified(table, column);
                self.push(" IN (SELECT ");
                self.qualified(&alias, key);
                self.push(" FROM ");
                self.table(target);
                self.push(" AS ");
                self.ident(&alias);
                self.push(" WHERE ");
            }
            Step::Relation { table: child, column, key } => {
                self.push("EXISTS (SELECT 1 FROM ");
                self.table(child);
                self.push(" AS ");
                self.ident(&alias);
                self.push(" WHERE ");
                self.qualified(&alias, column);
                self.push(" = ");
                self.qualified(table, key);
                self.push(" AND ");
            }
        }
        self.through(&alias, rest, predicate);
        self.push(")");
    }

    /// One step as `x IN (SELECT d.y FROM (SELECT … ) AS d)`, for MySQL's UPDATE and DELETE.
    fn through_materialised(
        &mut self,
        table: &str,
        step: &Step,
        rest: &[Step],
        predicate: &mut dyn FnMut(&mut Builder, &str),
    ) {
        // Which column of the outer row, and which of the step's table, must match.
        let (outer, inner) = step.link();
        let alias = self.next_alias();
        let derived = self.next_alias();
        self.qualified(table, outer);
        self.push(" IN (SELECT ");
        self.qualified(&derived, inner);
        self.push(" FROM (SELECT ");
        self.qualified(&alias, inner);
        self.push(" FROM ");
        self.table(step.table());
        self.push(" AS ");
        self.ident(&alias);
        self.push(" WHERE ");
        if step.fans_out() {
            // A child whose reference is null belongs to no row, and must not make `NOT IN`
            // unknown for every row.
            self.qualified(&alias, inner);
            self.push(" IS NOT NULL AND ");
        }
        self.through(&alias, rest, predicate);
        self.push(") AS ");
        self.ident(&derived);
        self.push(")");
    }

    /// `operand` (of `table`) and the test made of it.
    fn test(&mut self, table: &str, operand: Operand<'_>, test: &Test) {
        // Text compared by SQLite's or MySQL's own rules would mean something else there than
        // on PostgreSQL: `text.rs` writes those tests; what it leaves is written here.
        if let Operand::Column(column) = operand
            && (self.text_test(table, column, test)
                || self.instant_test(table, column, test)
                || self.zero_date_test(table, column, test))
        {
            return;
        }
        let column = match operand {
            Operand::Column(column) => {
                self.qualified(table, &column.name);
                Some(column)
            }
            Operand::DatePart(part, column) => {
                self.date_part(part, &mut |b| b.qualified(table, &column.name));
                None
            }
            Operand::Value(value) => {
                let base = self.base.clone();
                self.scalar_value(&base, value);
                None
            }
        };
        let cast = column.and_then(|c| test_cast(c, test));
        // SQLite binds a decimal as text, which a column's numeric affinity turns back into a
        // number; a computed value (a sum, an average) has no affinity, and a number never
        // equals text there.
        let computed = column.is_none() && self.dialect == Dialect::Sqlite;
        let param = |b: &mut Builder, value: Value| match value {
            Value::Decimal(_) if computed => {
                b.push("CAST(");
                b.param(value);
                b.push(" AS NUMERIC)");
            }
            value => b.typed_param(value, cast.as_deref()),
        };
        match test {
            Test::Compare { op, value } => {
                self.push(compare_op(self.dialect, *op));
                let value = self.compared(value, column);
                param(self, value);
            }
            Test::Between { low, high, negated } => {
                self.push(if *negated { " NOT BETWEEN " } else { " BETWEEN " });
                let (low, high) = (self.compared(low, column), self.compared(high, column));
                param(self, low);
                self.push(" AND ");
                param(self, high);
            }
            Test::CompareField { op, other } => {
                self.push(compare_op(self.dialect, *op));
                let base = self.base.clone();
                self.path_value(&base, other);
            }
            Test::In { values, negated } => {
                self.push(if *negated { " NOT IN (" } else { " IN (" });
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    param(self, value.clone());
                }
                self.push(")");
            }
            Test::IsNull { negated } => self.push(if *negated { " IS NOT NULL" } else { " IS NULL" }),
        }
    }

    /// `value` as it is bound to be compared with `column` (None: a computed value).
    fn compared(&self, value: &Value, column: Option<&crate::catalog::Column>) -> Value {
        match (value, column) {
            // MySQL widens a FLOAT column to a double before comparing: 0.1 must be the same
            // widened single-precision value to find the 0.1 it shows.
            (Value::Float(x), Some(column))
                if self.dialect == Dialect::Mysql && column.sql_type.to_ascii_lowercase().starts_with("float") =>
            {
                Value::Float(f64::from(*x as f32))
            }
            _ => value.clone(),
        }
    }

    /// A path's value: the column itself, or scalar subqueries following each step (the plan
    /// lets only references, one row each, reach here).
    fn path_value(&mut self, table: &str, path: &ResolvedPath) {
        if !path.steps.is_empty()
            && let Some((_, alias)) = self.joins.iter().find(|(chain, _)| *chain == path.steps)
        {
            let alias = alias.clone();
            return self.qualified(&alias, &path.column.name);
        }
        self.scalar(table, &path.steps, &path.column.name);
    }

    fn scalar(&mut self, table: &str, steps: &[Step], column: &str) {
        let Some((step, rest)) = steps.split_first() else {
            return self.qualified(table, column);
        };
        let (outer, inner) = step.link();
        let alias = self.next_alias();
        self.push("(SELECT ");
        self.scalar(&alias, rest, column);
        self.push(" FROM ");
        self.table(step.table());
        self.push(" AS ");
        self.ident(&alias);
        self.push(" WHERE ");
        self.qualified(&alias, inner);
        self.push(" = ");
        self.qualified(table, outer);
        self.push(")");
    }
}

#[cfg(test)]
mod tests;
