//! Dates, times and uuids compared on SQLite, which keeps them as the text each tool wrote:
//! SQLAlchemy `2024-01-02 03:04:05.000000`, Django `2024-01-02 03:04:05` (a fraction only when
//! there is one), Sequelize `2024-01-02 03:04:05.000 +00:00`, ormsh's own, a `T` between date
//! and time; a uuid with its dashes or as 32 hex digits (peewee). A comparison of the text
//! would find none of them but the one spelled as the value is.
//!
//! A datetime or time is compared as `ormsh_instant(c)`, the one spelling of the instant
//! whatever the row's (a function ormsh gives its SQLite connection, `backend/sqlite/ffi.rs`),
//! with the value in that spelling. So that an index on the column still serves, a datetime
//! test also keeps the column between the days around the value's (every spelling starts with
//! the date, a zone moves it by less than a day): `c >= '2024-01-01' AND c < '2024-01-04'`,
//! a range SQLite searches the index for, which the exact test then narrows. `!=`, `not in`
//! and `not between` could use no index anyway. A uuid is compared with both its spellings,
//! `c IN (?, ?)`, which an index serves as it is.

use chrono::{Duration, NaiveDate, NaiveDateTime};

use super::{Builder, Dialect};
use crate::ast::CompareOp;
use crate::catalog::Column;
use crate::plan::Test;
use crate::value::{FieldType, Value};

impl Builder {
    /// Writes `test` of `table.column` if it compares a date, time or uuid that SQLite keeps as
    /// text; says whether it did.
    pub(super) fn instant_test(&mut self, table: &str, column: &Column, test: &Test) -> bool {
        if self.dialect != Dialect::Sqlite {
            return false;
        }
        match column.field_type {
            FieldType::DateTime | FieldType::Time => self.moment_test(table, &column.name, test),
            FieldType::Uuid => self.uuid_test(table, &column.name, test),
            _ => false,
        }
    }

    fn moment_test(&mut self, table: &str, column: &str, test: &Test) -> bool {
        let all_moments = |values: &[&Value]| values.iter().all(|v| key(v).is_some());
        match test {
            Test::Compare { op, value } if is_order_or_equal(*op) && all_moments(&[value]) => {
                let (lowest, highest) = match op {
                    CompareOp::Eq => (Some(value), Some(value)),
                    CompareOp::Lt | CompareOp::Le => (None, Some(value)),
                    CompareOp::Gt | CompareOp::Ge => (Some(value), None),
                    _ => (None, None),
                };
                let opened = self.within_days(table, column, lowest, highest);
                self.instant(table, column);
                self.push(super::compare_op(self.dialect, *op));
                self.key_param(value);
                self.close_days(opened);
                true
            }
            Test::Between { low, high, negated } if all_moments(&[low, high]) => {
                let (lowest, highest) = if *negated { (None, None) } else { (Some(low), Some(high)) };
                let opened = self.within_days(table, column, lowest, highest);
                self.instant(table, column);
                self.push(if *negated { " NOT BETWEEN " } else { " BETWEEN " });
                self.key_param(low);
                self.push(" AND ");
                self.key_param(high);
                self.close_days(opened);
                true
            }
            Test::In { values, negated } if !values.is_empty() && all_moments(&values.iter().collect::<Vec<_>>()) => {
                let by_instant = |a: &&Value, b: &&Value| key(a).cmp(&key(b));
                let (lowest, highest) = if *negated {
                    (None, None)
                } else {
                    (values.iter().min_by(by_instant), values.iter().max_by(by_instant))
                };
                let opened = self.within_days(table, column, lowest, highest);
                self.instant(table, column);
                self.push(if *negated { " NOT IN (" } else { " IN (" });
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.key_param(value);
                }
                self.push(")");
                self.close_days(opened);
                true
            }
            _ => false,
        }
    }

    /// Opens `(c >= 'day before' AND c < 'day after next' AND …` for the datetimes given;
    /// nothing for a time of day or when neither end is given. Whether it opened one.
    fn within_days(&mut self, table: &str, column: &str, lowest: Option<&Value>, highest: Option<&Value>) -> bool {
        let day = |v: Option<&Value>| match v {
            Some(Value::DateTime(dt)) => Some(dt.date()),
            _ => None,
        };
        let (low, high) = (day(lowest), day(highest));
        if low.is_none() && high.is_none() {
            return false;
        }
        self.push("(");
        if let Some(low) = low {
            self.qualified(table, column);
            self.push(" >= ");
            self.param(Value::Text(day_text(low - Duration::days(1))));
            self.push(" AND ");
        }
        if let Some(high) = high {
            self.qualified(table, column);
            self.push(" < ");
            self.param(Value::Text(day_text(high + Duration::days(2))));
            self.push(" AND ");
        }
        true
    }

    fn close_days(&mut self, opened: bool) {
        if opened {
            self.push(")");
        }
    }

    fn instant(&mut self, table: &str, column: &str) {
        self.push("ormsh_instant(");
        self.qualified(table, column);
        self.push(")");
    }

    fn key_param(&mut self, value: &Value) {
        let key = key(value).unwrap_or_default();
        self.param(Value::Text(key));
    }

    fn uuid_test(&mut self, table: &str, column: &str, test: &Test) -> bool {
        let (values, negated) = match test {
            Test::Compare { op: CompareOp::Eq, value } => (std::slice::from_ref(value), false),
            Test::Compare { op: CompareOp::Ne, value } => (std::slice::from_ref(value), true),
            Test::In { values, negated } => (values.as_slice(), *negated),
            _ => return false,
        };
        let ids: Option<Vec<uuid::Uuid>> =
            values.iter().map(|v| if let Value::Uuid(id) = v { Some(*id) } else { None }).collect();
        let Some(ids) = ids.filter(|ids| !ids.is_empty()) else { return false };
        self.qualified(table, column);
        self.push(if negated { " NOT IN (" } else { " IN (" });
        for (i, id) in ids.iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.param(Value::Text(id.hyphenated().to_string()));
            self.push(", ");
            self.param(Value::Text(id.simple().to_string()));
        }
        self.push(")");
        true
    }
}

fn is_order_or_equal(op: CompareOp) -> bool {
    matches!(op, CompareOp::Eq | CompareOp::Ne | CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge)
}

/// A datetime's or time's one spelling (`datetime::instant_key`'s).
fn key(value: &Value) -> Option<String> {
    match value {
        Value::DateTime(dt) => Some(datetime_key(dt)),
        Value::Time(t) => Some(t.format("%H:%M:%S%.6f").to_string()),
        _ => None,
    }
}

fn datetime_key(dt: &NaiveDateTime) -> String {
    dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

fn day_text(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}
