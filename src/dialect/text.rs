//! Text compared with one meaning on every database: `=`, `!=`, `in`, `not in`, `like` and
//! `not like` are exact (case and trailing spaces count, and `_` is one character), and `ilike`
//! ignores case, whatever the column's collation. `like` patterns use `\` as their escape on all
//! three (the default of PostgreSQL and MySQL; SQLite is told).
//!
//! PostgreSQL needs nothing of this file: with a deterministic collation (all but ICU ones made
//! `deterministic = false`) `=` and `LIKE` compare exactly and `ILIKE` is its own; the caller
//! writes those. SQLite and MySQL/MariaDB get a form of their own here:
//!
//! - SQLite compares with the column's collation, and a column may be `COLLATE NOCASE` or
//!   `RTRIM`; its `LIKE` ignores ASCII case (and nothing else: `ilike` folds ASCII only there).
//!   Exact: `(c = ? AND c = ? COLLATE BINARY)`, `c COLLATE BINARY IN (…)` and `GLOB` with the
//!   pattern translated ([`super::sqlite::glob_pattern`]).
//! - MySQL/MariaDB compare with the column's collation, by default case- and accent-insensitive
//!   and PAD SPACE (`'a' = 'a '`). Exact: the column as UTF-8 bytes, `CAST(CONVERT(c USING
//!   utf8mb4) AS BINARY)`, which pads nothing and works whatever the column's character set
//!   (`BINARY c` compares a latin1 column's bytes with the UTF-8 bytes of the value); for
//!   `LIKE`, `CONVERT(c USING utf8mb4) COLLATE utf8mb4_bin`, where `_` is one character, not
//!   one byte (LIKE pads nothing). `ilike`: both sides lowered and compared that way.
//!
//! Keeping an index: each exact test that could use an index on the column keeps the plain test
//! beside it (`c = ?`, `c IN (…)`, `c LIKE ?`), which the exact one only narrows. Measured with
//! EXPLAIN on SQLite 3.40, PostgreSQL 15 and MariaDB 10.11, and kept so by
//! `tests/one_meaning.rs`: on an indexed column, binary or `NOCASE` (SQLite) or `_ci`
//! (MariaDB), `=`, `in` and `like 'An%'` still search the index; the value is bound twice.
//! `!=`, `not in`, `not like` and `ilike` could use no index before either. Ordering (`<`,
//! `between`, `order by`) still follows each column's collation.

use super::{Builder, Dialect, sqlite};
use crate::ast::CompareOp;
use crate::catalog::Column;
use crate::plan::Test;
use crate::value::{FieldType, Value};

impl Builder {
    /// Writes `test` of `table.column` if it compares text and this database needs another
    /// form for it than PostgreSQL's; says whether it did. (A computed value, `max(name)`,
    /// is compared by the database's own rules.)
    pub(super) fn text_test(&mut self, table: &str, column: &Column, test: &Test) -> bool {
        if self.dialect == Dialect::Postgres {
            return false;
        }
        let text = column.field_type == FieldType::Text;
        let column = column.name.as_str();
        match test {
            Test::Compare { op, value }
                if matches!(op, CompareOp::Like | CompareOp::NotLike | CompareOp::ILike | CompareOp::NotILike) =>
            {
                self.pattern_test(table, column, *op, value);
                true
            }
            Test::Compare { op: op @ (CompareOp::Eq | CompareOp::Ne), value: value @ Value::Text(_) } if text => {
                self.exact_equal(table, column, *op == CompareOp::Ne, value);
                true
            }
            Test::In { values, negated } if text => {
                self.exact_in(table, column, values, *negated);
                true
            }
            _ => false,
        }
    }

    /// `=` (or `<>` when `negated`) on text, exactly.
    fn exact_equal(&mut self, table: &str, column: &str, negated: bool, value: &Value) {
        if negated {
            self.exact(table, column);
            self.push(" <> ");
            self.param(value.clone());
            self.collate_binary();
            return;
        }
        self.push("(");
        self.qualified(table, column);
        self.push(" = ");
        self.param(value.clone());
        self.push(" AND ");
        self.exact(table, column);
        self.push(" = ");
        self.param(value.clone());
        self.collate_binary();
        self.push(")");
    }

    /// `IN (…)` (or `NOT IN`) on text, exactly.
    fn exact_in(&mut self, table: &str, column: &str, values: &[Value], negated: bool) {
        if negated {
            self.exact_list_operand(table, column);
            self.push(" NOT IN (");
            self.params_list(values);
            return self.push(")");
        }
        self.push("(");
        self.qualified(table, column);
        self.push(" IN (");
        self.params_list(values);
        self.push(") AND ");
        self.exact_list_operand(table, column);
        self.push(" IN (");
        self.params_list(values);
        self.push("))");
    }

    /// `like`, `not like`, `ilike`, `not ilike`.
    fn pattern_test(&mut self, table: &str, column: &str, op: CompareOp, pattern: &Value) {
        match (self.dialect, op) {
            (Dialect::Sqlite, CompareOp::Like) => {
                // LIKE finds the candidates (through an index on a NOCASE column), GLOB keeps
                // the exact ones (and uses an index on a binary column itself).
                self.push("(");
                self.sqlite_like(table, column, "LIKE", pattern);
                self.push(" AND ");
                self.sqlite_glob(table, column, "GLOB", pattern);
                self.push(")");
            }
            (Dialect::Sqlite, CompareOp::NotLike) => self.sqlite_glob(table, column, "NOT GLOB", pattern),
            (Dialect::Sqlite, CompareOp::ILike) => self.sqlite_like(table, column, "LIKE", pattern),
            (Dialect::Sqlite, _) => self.sqlite_like(table, column, "NOT LIKE", pattern),
            (_, CompareOp::Like) => {
                self.push("(");
                self.qualified(table, column);
                self.push(" LIKE ");
                self.param(pattern.clone());
                self.push(" AND ");
                self.mysql_exact_like(table, column, "LIKE", pattern);
                self.push(")");
            }
            (_, CompareOp::NotLike) => self.mysql_exact_like(table, column, "NOT LIKE", pattern),
            (_, op) => {
                self.push("LOWER(CONVERT(");
                self.qualified(table, column);
                self.push(" USING utf8mb4)) COLLATE utf8mb4_bin ");
                self.push(if op == CompareOp::ILike { "LIKE" } else { "NOT LIKE" });
                self.push(" LOWER(");
                self.param(pattern.clone());
                self.push(")");
            }
        }
    }

    /// The column compared byte for byte: MySQL's UTF-8 bytes of it, SQLite's column (whose
    /// value is given `COLLATE BINARY`, see [`Self::collate_binary`]).
    fn exact(&mut self, table: &str, column: &str) {
        if self.dialect == Dialect::Mysql {
            self.push("CAST(CONVERT(");
            self.qualified(table, column);
            self.push(" USING utf8mb4) AS BINARY)");
        } else {
            self.qualified(table, column);
        }
    }

    /// SQLite takes the collation of either side of `=` and `<>` that names one.
    fn collate_binary(&mut self) {
        if self.dialect == Dialect::Sqlite {
            self.push(" COLLATE BINARY");
        }
    }

    /// The left side of an exact `IN`: SQLite's `IN` compares with the left side's collation.
    fn exact_list_operand(&mut self, table: &str, column: &str) {
        self.exact(table, column);
        if self.dialect == Dialect::Sqlite {
            self.push(" COLLATE BINARY");
        }
    }

    fn params_list(&mut self, values: &[Value]) {
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(value.clone());
        }
    }

    fn sqlite_like(&mut self, table: &str, column: &str, op: &str, pattern: &Value) {
        self.qualified(table, column);
        self.push(" ");
        self.push(op);
        self.push(" ");
        self.param(pattern.clone());
        self.push(" ESCAPE '\\'");
    }

    fn sqlite_glob(&mut self, table: &str, column: &str, op: &str, pattern: &Value) {
        self.qualified(table, column);
        self.push(" ");
        self.push(op);
        self.push(" ");
        self.param(match pattern {
            Value::Text(like) => Value::Text(sqlite::glob_pattern(like)),
            other => other.clone(),
        });
    }

    fn mysql_exact_like(&mut self, table: &str, column: &str, op: &str, pattern: &Value) {
        self.push("CONVERT(");
        self.qualified(table, column);
        self.push(" USING utf8mb4) COLLATE utf8mb4_bin ");
        self.push(op);
        self.push(" ");
        self.param(pattern.clone());
    }
}
