//! SELECT: row by row, or a summary (GROUP BY, HAVING, aggregates), with its values: fields
//! through references, date parts and aggregates written so that they mean the same on every
//! database.
//!
//! In a summary, each chain of references its values follow is a LEFT JOIN, once: a group key
//! `user.country` is then one column (`j1.country`) for GROUP BY, HAVING and ORDER BY alike,
//! where a scalar subquery would be written, and run, again in each. Row by row, a reference is
//! a scalar subquery, as before.

use super::{Builder, Dialect, Sql, Step};
use crate::ast::{AggFunc, DatePart, Direction};
use crate::plan::{Filter, Grouping, Load, Scalar, Select};
use crate::value::FieldType;

impl Dialect {
    pub fn select(self, select: &Select) -> Sql {
        self.select_with(select, &[])
    }

    /// A select with one more column per load of `with`: the related records of each row, as
    /// JSON the database builds (see `load.rs`).
    pub fn select_with(self, select: &Select, loads: &[Load]) -> Sql {
        let mut b = Builder::new(self);
        b.base = select.table.clone();
        if select.grouping != Grouping::None {
            b.plan_joins(select);
        }
        b.push(if select.distinct { "SELECT DISTINCT " } else { "SELECT " });
        for (i, p) in select.columns.iter().enumerate() {
            if i > 0 {
                b.push(", ");
            }
            // A PostgreSQL type ormsh does not decode is asked for as the server's own text.
            let as_text = self == Dialect::Postgres
                && matches!(&p.value, Scalar::Path(path) if super::postgres::shown_as_text(&path.column.sql_type));
            if as_text {
                b.push("CAST(");
            }
            b.scalar_value(&select.table, &p.value);
            if as_text {
                b.push(" AS text)");
            }
            let plain = matches!(&p.value, Scalar::Path(path) if path.steps.is_empty() && path.column.name == p.label);
            if !plain || as_text {
                b.push(" AS ");
                b.ident(&p.label);
            }
        }
        b.loads(&select.table, loads);
        b.push(" FROM ");
        b.table(&select.table);
        b.write_joins(&select.table);
        // The WHERE clause tests rows, before any join of the summary is in play.
        let joins = std::mem::take(&mut b.joins);
        b.filter_clause(&select.table, select.filter.as_ref());
        b.joins = joins;
        if let Grouping::By(keys) = &select.grouping {
            for (i, key) in keys.iter().enumerate() {
                b.push(if i == 0 { " GROUP BY " } else { ", " });
                b.scalar_value(&select.table, key);
            }
        }
        if let Some(having) = &select.having {
            b.push(" HAVING ");
            b.filter(&select.table, having);
        }
        for (i, order) in select.order.iter().enumerate() {
            b.push(if i == 0 { " ORDER BY " } else { ", " });
            if order.nulls_last {
                // Nulls last on every database (PostgreSQL's habit; SQLite and MySQL put them
                // first), written as a key of its own since MySQL has no NULLS LAST.
                b.push("(");
                b.scalar_value(&select.table, &order.value);
                b.push(" IS NULL), ");
            }
            b.scalar_value(&select.table, &order.value);
            if order.direction == Direction::Desc {
                b.push(" DESC");
            }
        }
        self.limit_clause(&mut b, select.limit, select.offset);
        b.finish()
    }
}

impl Builder {
    /// Gives every chain of references that the summary's values follow an alias of its own,
    /// prefixes first, so that each is joined after the one it starts from.
    fn plan_joins(&mut self, select: &Select) {
        let mut chains: Vec<Vec<Step>> = Vec::new();
        let mut add = |scalar: &Scalar| match scalar {
            Scalar::Path(path) | Scalar::DatePart(_, path) | Scalar::Aggregate { arg: Some(path), .. } => {
                chains.push(path.steps.clone())
            }
            _ => {}
        };
        select.columns.iter().for_each(|p| add(&p.value));
        if let Grouping::By(keys) = &select.grouping {
            keys.iter().for_each(&mut add);
        }
        select.order.iter().for_each(|o| add(&o.value));
        if let Some(having) = &select.having {
            having_values(having, &mut add);
        }
        for chain in chains {
            for end in 1..=chain.len() {
                let prefix = &chain[..end];
                if !self.joins.iter().any(|(c, _)| c.as_slice() == prefix) {
                    self.aliases += 1;
                    self.joins.push((prefix.to_vec(), format!("j{}", self.aliases)));
                }
            }
        }
    }

    fn write_joins(&mut self, table: &str) {
        for i in 0..self.joins.len() {
            let (chain, alias) = self.joins[i].clone();
            let from = match chain.len() {
                1 => table.to_string(),
                n => self
                    .joins
                    .iter()
                    .find(|(c, _)| c.as_slice() == &chain[..n - 1])
                    .map(|(_, a)| a.clone())
                    .unwrap_or_default(),
            };
            let step = chain.last().expect("a chain has a step");
            let (outer, inner) = step.link();
            self.push(" LEFT JOIN ");
            self.table(step.table());
            self.push(" AS ");
            self.ident(&alias);
            self.push(" ON ");
            self.qualified(&alias, inner);
            self.push(" = ");
            self.qualified(&from, outer);
        }
    }

    /// The SQL of a value of a row (or of a group) of `table`.
    pub(super) fn scalar_value(&mut self, table: &str, value: &Scalar) {
        match value {
            Scalar::Path(path) => self.path_value(table, path),
            Scalar::DatePart(part, path) => self.date_part(*part, &mut |b| b.path_value(table, path)),
            Scalar::Aggregate { func, distinct, arg } => {
                let ty = arg.as_ref().map(|p| p.column.field_type.clone());
                match arg {
                    Some(path) => self.aggregate(*func, *distinct, ty.as_ref(), &mut |b| b.path_value(table, path)),
                    None => self.push("COUNT(*)"),
                }
            }
            Scalar::PerRow { func, distinct, steps, column } => {
                self.per_row(table, *func, *distinct, steps, column.as_ref())
            }
        }
    }

    /// `year(x)` and the rest, giving integers (and a date for `date`) on every database.
    pub(super) fn date_part(&mut self, part: DatePart, value: &mut dyn FnMut(&mut Builder)) {
        let (open, close) = match (self.dialect, part) {
            (Dialect::Sqlite, DatePart::Year) => ("CAST(strftime('%Y', ", ") AS INTEGER)"),
            (Dialect::Sqlite, DatePart::Month) => ("CAST(strftime('%m', ", ") AS INTEGER)"),
            (Dialect::Sqlite, DatePart::Day) => ("CAST(strftime('%d', ", ") AS INTEGER)"),
            (Dialect::Sqlite, DatePart::Date) => ("date(", ")"),
            (Dialect::Postgres, DatePart::Year) => ("CAST(EXTRACT(YEAR FROM ", ") AS INTEGER)"),
            (Dialect::Postgres, DatePart::Month) => ("CAST(EXTRACT(MONTH FROM ", ") AS INTEGER)"),
            (Dialect::Postgres, DatePart::Day) => ("CAST(EXTRACT(DAY FROM ", ") AS INTEGER)"),
            (Dialect::Postgres, DatePart::Date) => ("CAST(", " AS DATE)"),
            (Dialect::Mysql, DatePart::Year) => ("YEAR(", ")"),
            (Dialect::Mysql, DatePart::Month) => ("MONTH(", ")"),
            (Dialect::Mysql, DatePart::Day) => ("DAYOFMONTH(", ")"),
            (Dialect::Mysql, DatePart::Date) => ("DATE(", ")"),
        };
        self.push(open);
        value(self);
        self.push(close);
    }

    /// An aggregate of `value` (of type `ty`), giving the same type on every database: a sum of
    /// integers is an integer (PostgreSQL makes a bigint's sum numeric, MySQL any sum decimal),
    /// an average a float (PostgreSQL and MySQL make it a decimal, MySQL rounded to four places).
    fn aggregate(
        &mut self,
        func: AggFunc,
        distinct: bool,
        ty: Option<&FieldType>,
        value: &mut dyn FnMut(&mut Builder),
    ) {
        let distinct = if distinct { "DISTINCT " } else { "" };
        let mut call = |b: &mut Builder, name: &str| {
            b.push(name);
            b.push("(");
            b.push(distinct);
            value(b);
            b.push(")");
        };
        match (func, self.dialect) {
            (AggFunc::Sum, Dialect::Postgres) if ty == Some(&FieldType::Int) => {
                self.push("CAST(");
                call(self, "SUM");
                self.push(" AS BIGINT)");
            }
            (AggFunc::Sum, Dialect::Mysql) if ty == Some(&FieldType::Int) => {
                self.push("CAST(");
                call(self, "SUM");
                self.push(" AS SIGNED)");
            }
            (AggFunc::Avg, Dialect::Postgres) => {
                self.push("CAST(");
                call(self, "AVG");
                self.push(" AS DOUBLE PRECISION)");
            }
            (AggFunc::Avg, Dialect::Mysql) => {
                // The sum as a double, divided: the average SQLite and PostgreSQL give.
                self.push("(");
                call(self, "SUM");
                self.push(" + 0e0) / ");
                call(self, "COUNT");
            }
            (AggFunc::Count, _) => call(self, "COUNT"),
            (AggFunc::Sum, _) => call(self, "SUM"),
            (AggFunc::Avg, _) => call(self, "AVG"),
            (AggFunc::Min, _) => call(self, "MIN"),
            (AggFunc::Max, _) => call(self, "MAX"),
        }
    }

    /// An aggregate over a relation of each row of `table`: a correlated subquery that joins
    /// the steps and ties the first to the row.
    fn per_row(
        &mut self,
        table: &str,
        func: AggFunc,
        distinct: bool,
        steps: &[Step],
        column: Option<&crate::catalog::Column>,
    ) {
        let aliases: Vec<String> = steps.iter().map(|_| self.next_alias()).collect();
        let last = aliases.last().cloned().unwrap_or_else(|| table.to_string());
        self.push("(SELECT ");
        match column {
            Some(column) => {
                let ty = column.field_type.clone();
                self.aggregate(func, distinct, Some(&ty), &mut |b| b.qualified(&last, &column.name));
            }
            None => self.push("COUNT(*)"),
        }
        for (i, step) in steps.iter().enumerate() {
            let from = if i == 0 { table } else { aliases[i - 1].as_str() };
            let (outer, inner) = step.link();
            self.push(if i == 0 { " FROM " } else { " JOIN " });
            self.table(step.table());
            self.push(" AS ");
            self.ident(&aliases[i]);
            if i > 0 {
                self.push(" ON ");
                self.qualified(&aliases[i], inner);
                self.push(" = ");
                self.qualified(from, outer);
            }
        }
        if let (Some(first), Some(alias)) = (steps.first(), aliases.first()) {
            let (outer, inner) = first.link();
            self.push(" WHERE ");
            self.qualified(alias, inner);
            self.push(" = ");
            self.qualified(table, outer);
        }
        self.push(")");
    }
}

/// Every value a `having` condition tests.
fn having_values(filter: &Filter, add: &mut dyn FnMut(&Scalar)) {
    match filter {
        Filter::And(a, b) | Filter::Or(a, b) => {
            having_values(a, add);
            having_values(b, add);
        }
        Filter::Not(inner) => having_values(inner, add),
        Filter::Test { left, .. } => add(left),
    }
}
