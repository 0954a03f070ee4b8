//! MariaDB's and MySQL's zero dates (`0000-00-00`, which a server not in NO_ZERO_DATE mode
//! keeps, and which tools of old wrote for "no date"). ormsh shows one as it is written
//! (`backend/mysql/decode.rs`), so `is null` must not find it, as the server's own `IS NULL`
//! does in a WHERE on a NOT NULL date column (an ODBC habit of MySQL's). A zero date cast to
//! text is not null, so `c IS NULL AND CAST(c AS CHAR) IS NULL` is null as shown; the first
//! test still lets an index find the nulls.

use super::{Builder, Dialect};
use crate::catalog::Column;
use crate::plan::Test;
use crate::value::FieldType;

impl Builder {
    /// Writes `is null` of `table.column` where a zero date would otherwise be found; says
    /// whether it did.
    pub(super) fn zero_date_test(&mut self, table: &str, column: &Column, test: &Test) -> bool {
        let dated = matches!(column.field_type, FieldType::Date | FieldType::DateTime);
        if self.dialect != Dialect::Mysql || !dated || !matches!(test, Test::IsNull { negated: false }) {
            return false;
        }
        self.push("(");
        self.qualified(table, &column.name);
        self.push(" IS NULL AND CAST(");
        self.qualified(table, &column.name);
        self.push(" AS CHAR) IS NULL)");
        true
    }
}
