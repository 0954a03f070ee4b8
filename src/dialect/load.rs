//! The related records of `with`, written into the command's one statement. Each load is a
//! column of its own: a subquery, correlated with the row, that the database aggregates to JSON
//! (SQLite's `json_group_array`, PostgreSQL's `json_agg`, MariaDB's `JSON_ARRAYAGG`), so that
//! a command takes one statement however many rows and levels it shows, and its rows still
//! stream (the one connection is held by the stream; a statement per level would need a second).
//!
//! A relation's column is a JSON array of its records, `[]` when there are none, in key order;
//! a reference's is one record, or NULL. A record is its column values in the table's order,
//! then one value per nested load: an array on SQLite and MariaDB, an object with keys `"0"`,
//! `"1"`, … on PostgreSQL (`row_to_json` of a sub-select, which, unlike `json_build_array`,
//! has no limit of 100 arguments). The session reads the values back by position, by the
//! catalog's types (`crate::related`); what each database cannot put into JSON as it is, is
//! written here in a form that reads back to the value a plain select shows: bytes as hex,
//! SQLite's floating-point numbers with all their digits, PostgreSQL's money as a number.
//!
//! Each subquery is an index lookup when the referencing column has an index (Rails, Django
//! and MariaDB make one for every foreign key; SQLite and PostgreSQL do not on their own): the
//! database runs it once per row.

use super::{Builder, Dialect};
use crate::catalog::{Column, Step};
use crate::plan::Load;
use crate::value::FieldType;

impl Builder {
    /// `, (…) AS "orders"`: one column for each load under rows of `table`, the document's
    /// text (PostgreSQL's `json` made text, which its driver would otherwise parse into a tree:
    /// `related` reads the text itself, once).
    pub(super) fn loads(&mut self, table: &str, loads: &[Load]) {
        for load in loads {
            self.push(", ");
            let cast = self.dialect == Dialect::Postgres;
            if cast {
                self.push("CAST(");
            }
            self.load(table, load, false);
            if cast {
                self.push(" AS TEXT)");
            }
            self.push(" AS ");
            self.ident(&load.name);
        }
    }

    /// One load under rows of `parent`, as a scalar subquery. `nested`: inside the record of
    /// another load.
    fn load(&mut self, parent: &str, load: &Load, nested: bool) {
        match self.dialect {
            Dialect::Sqlite => self.sqlite_load(parent, load, nested),
            Dialect::Postgres => self.postgres_load(parent, load),
            Dialect::Mysql => self.mysql_load(parent, load),
        }
    }

    /// A relation's records are aggregated from a sub-select that sorts them: SQLite feeds an
    /// aggregate the rows of such a sub-select in its order, and sorts nothing when an index
    /// gives that order already (the referencing column's, which ends in the key), where an
    /// ORDER BY inside `json_group_array` sorts every row's records anew (measured: the whole
    /// command took 1.8 times as long). The order is held by a test whose keys are not in the
    /// rows' stored order.
    fn sqlite_load(&mut self, parent: &str, load: &Load, nested: bool) {
        let alias = self.next_alias();
        // A JSON value that comes out of a subquery may reach the enclosing `json_array` as
        // plain text, which it would quote: `json()` says it is JSON.
        if nested {
            self.push("json(");
        }
        self.push("(SELECT ");
        if load.many() {
            self.push("json_group_array(");
        }
        self.push("json_array(");
        self.record_values(&alias, load);
        self.push(")");
        if load.many() {
            let sorted = self.next_alias();
            self.push(") FROM (SELECT * FROM ");
            self.table(&load.table);
            self.push(" AS ");
            self.ident(&sorted);
            self.push(" WHERE ");
            self.reached(parent, &load.steps, &sorted);
            self.order_by(&sorted, &load.order);
            self.push(") AS ");
            self.ident(&alias);
        } else {
            self.reached_from(parent, load, &alias);
        }
        self.push(")");
        if nested {
            self.push(")");
        }
    }

    fn mysql_load(&mut self, parent: &str, load: &Load) {
        let alias = self.next_alias();
        self.push("(SELECT ");
        if load.many() {
            // JSON_ARRAYAGG of no rows is NULL; MariaDB's JSON functions embed both as JSON
            // (not as text) in the enclosing record.
            self.push("COALESCE(JSON_ARRAYAGG(");
        }
        self.push("JSON_ARRAY(");
        self.record_values(&alias, load);
        self.push(")");
        if load.many() {
            self.order_by(&alias, &load.order);
            self.push("), JSON_ARRAY())");
        }
        self.reached_from(parent, load, &alias);
        self.push(")");
    }

    fn postgres_load(&mut self, parent: &str, load: &Load) {
        let alias = self.next_alias();
        let record = self.next_alias();
        self.push("(SELECT ");
        if load.many() {
            self.push("COALESCE(json_agg(");
            self.ident(&record);
            // Sorted by the sub-select's own names for the key columns.
            let positions: Vec<String> = load
                .order
                .iter()
                .filter_map(|key| load.columns.iter().position(|c| c.name == *key))
                .map(|at| at.to_string())
                .collect();
            self.order_by(&record, &positions);
            self.push("), '[]'::json)");
        } else {
            self.push("row_to_json(");
            self.ident(&record);
            self.push(")");
        }
        self.push(" FROM (SELECT ");
        let mut at = 0;
        for column in &load.columns {
            if at > 0 {
                self.push(", ");
            }
            self.load_value(&alias, column);
            self.push(" AS ");
            self.ident(&at.to_string());
            at += 1;
        }
        for nested in &load.nested {
            self.push(", ");
            self.load(&alias, nested, true);
            self.push(" AS ");
            self.ident(&at.to_string());
            at += 1;
        }
        self.reached_from(parent, load, &alias);
        self.push(") AS ");
        self.ident(&record);
        self.push(")");
    }

    /// A record's values (SQLite and MariaDB): its columns, then its nested loads.
    fn record_values(&mut self, alias: &str, load: &Load) {
        for (i, column) in load.columns.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.load_value(alias, column);
        }
        for nested in &load.nested {
            self.push(", ");
            self.load(alias, nested, true);
        }
    }

    /// ` ORDER BY a.k1, a.k2` inside an aggregate.
    fn order_by(&mut self, alias: &str, columns: &[String]) {
        for (i, column) in columns.iter().enumerate() {
            self.push(if i == 0 { " ORDER BY " } else { ", " });
            self.qualified(alias, column);
        }
    }

    /// One column of a record, in a form the database can put into JSON and that reads back to
    /// the value a plain select shows.
    fn load_value(&mut self, alias: &str, column: &Column) {
        let lower = column.sql_type.to_ascii_lowercase();
        match (self.dialect, &column.field_type) {
            // JSON has no bytes; SQLite's hex() of NULL is ''.
            (Dialect::Sqlite, FieldType::Bytes) => {
                self.push("CASE WHEN ");
                self.qualified(alias, &column.name);
                self.push(" IS NULL THEN NULL ELSE hex(");
                self.qualified(alias, &column.name);
                self.push(") END");
            }
            (Dialect::Postgres, FieldType::Bytes) => {
                self.push("encode(");
                self.qualified(alias, &column.name);
                self.push(", 'hex')");
            }
            (Dialect::Mysql, FieldType::Bytes) => {
                self.push("HEX(");
                self.qualified(alias, &column.name);
                self.push(")");
            }
            // SQLite writes a floating-point number into JSON with 15 significant digits;
            // `quote()` writes more where 15 do not give back the very number
            // (`0.30000000000000004`, not `0.3`), and costs less than `printf('%!.17g')`.
            // SQLite's own digits are exact to the last bit between about 1e-80 and 1e100
            // (measured on 3.51); beyond, the last bit may differ from what a plain select shows.
            (Dialect::Sqlite, FieldType::Float | FieldType::Decimal) => {
                self.push("CASE WHEN typeof(");
                self.qualified(alias, &column.name);
                self.push(") = 'real' THEN quote(");
                self.qualified(alias, &column.name);
                self.push(") ELSE ");
                self.qualified(alias, &column.name);
                self.push(" END");
            }
            // money's JSON is its text with the currency sign; as a number it is what a plain
            // select shows. timetz's JSON writes `+02:00` where its text (shown) has `+02`.
            (Dialect::Postgres, FieldType::Decimal) if lower.starts_with("money") => {
                self.push("CAST(");
                self.qualified(alias, &column.name);
                self.push(" AS NUMERIC)");
            }
            (Dialect::Postgres, FieldType::Time) if lower.starts_with("timetz") => {
                self.push("CAST(");
                self.qualified(alias, &column.name);
                self.push(" AS TEXT)");
            }
            _ => self.qualified(alias, &column.name),
        }
    }

    /// ` FROM table AS alias WHERE <alias is a record of the parent row>`.
    fn reached_from(&mut self, parent: &str, load: &Load, alias: &str) {
        self.push(" FROM ");
        self.table(&load.table);
        self.push(" AS ");
        self.ident(alias);
        self.push(" WHERE ");
        self.reached(parent, &load.steps, alias);
    }

    /// Whether the row `target` is reached from the row `parent` by `steps`: a key matched in
    /// one step, and EXISTS through what lies between (the join table of a many-to-many).
    fn reached(&mut self, parent: &str, steps: &[Step], target: &str) {
        match steps {
            [] => self.push("1 = 1"),
            [step] => self.joined(parent, step, target),
            [first, rest @ ..] => {
                let via = self.next_alias();
                self.push("EXISTS (SELECT 1 FROM ");
                self.table(first.table());
                self.push(" AS ");
                self.ident(&via);
                self.push(" WHERE ");
                self.joined(parent, first, &via);
                self.push(" AND ");
                self.reached(&via, rest, target);
                self.push(")");
            }
        }
    }

    /// The condition that the row `child` is one step from the row `parent`.
    fn joined(&mut self, parent: &str, step: &Step, child: &str) {
        let (parent_column, child_column) = step.link();
        self.qualified(child, child_column);
        self.push(" = ");
        self.qualified(parent, parent_column);
    }
}
