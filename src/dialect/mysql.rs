//! MySQL/MariaDB's column types, and the statements its driver sends of its own: strict mode,
//! MariaDB's transaction question and the catalog queries.

use super::Sql;
use crate::value::{FieldType, Value};

pub const AUTO_KEY: &str = "BIGINT AUTO_INCREMENT PRIMARY KEY";

/// `keyed`: MySQL cannot put a unique index on TEXT, so such text is a VARCHAR(255).
pub fn column_type(ty: &FieldType, keyed: bool) -> String {
    match ty {
        FieldType::Int => "BIGINT",
        FieldType::Float => "DOUBLE",
        FieldType::Decimal => "DECIMAL(38,10)",
        FieldType::Text if keyed => "VARCHAR(255)",
        FieldType::Text => "TEXT",
        FieldType::Bool => "BOOLEAN",
        FieldType::Date => "DATE",
        FieldType::Time => "TIME(6)",
        FieldType::DateTime => "DATETIME(6)",
        FieldType::Json => "JSON",
        FieldType::Uuid => "CHAR(36)",
        FieldType::Bytes => "LONGBLOB",
        FieldType::Other(name) => return name.clone(),
    }
    .to_string()
}

// The driver's own statements (`backend::mysql`).

/// Sent once a connection opens. Turns strict mode on for the session (a bad value is an error,
/// not a warning and a truncated or zeroed value), keeping every other mode the server has; and
/// lets `JSON_ARRAYAGG` (which MariaDB builds as a GROUP_CONCAT) make documents longer than the
/// default 1 MiB of `group_concat_max_len`, past which it cuts them short with only a warning:
/// the related records of `with` are one such document per row.
pub fn session_settings() -> Sql {
    Sql::raw(
        "SET SESSION sql_mode = IF(FIND_IN_SET('STRICT_TRANS_TABLES', @@SESSION.sql_mode) > 0, \
        @@SESSION.sql_mode, CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_TRANS_TABLES')), \
        SESSION group_concat_max_len = 4294967295",
    )
}

/// MariaDB's question whether a transaction is open, and whether autocommit is on (see
/// `backend::mysql`).
pub fn in_transaction() -> Sql {
    Sql::raw("SELECT @@in_transaction, @@autocommit")
}

// The catalog of `DATABASE()`, in three information_schema queries (after asking which server
// this is) whatever the number of tables.

/// The server's version, which names MariaDB.
/// Every view of `DATABASE()`, and whether it takes rows.
pub fn views_query() -> Sql {
    Sql::raw(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(IS_UPDATABLE AS CHAR) = 'YES' FROM information_schema.VIEWS \
        WHERE TABLE_SCHEMA = DATABASE()",
    )
}

pub fn version_query() -> Sql {
    Sql::raw("SELECT CAST(VERSION() AS CHAR)")
}

/// `AND <column> IN (?, …)` for the tables named, bound in order; nothing for every table.
fn tables_where(column: &str, only: Option<&[String]>) -> (String, Vec<Value>) {
    match only {
        None => (String::new(), Vec::new()),
        Some(names) => {
            let marks = vec!["?"; names.len().max(1)].join(", ");
            let mut params: Vec<Value> = names.iter().cloned().map(Value::Text).collect();
            if params.is_empty() {
                // `IN ()` is no SQL: a name no table has.
                params.push(Value::Text(String::new()));
            }
            (format!(" AND {column} IN ({marks})"), params)
        }
    }
}

/// The name of every table and view of `DATABASE()`, in the order of [`columns_query`].
/// With each, its ormsh marker if it has one (see `catalog::marker`).
pub fn table_names_query() -> Sql {
    Sql::raw(
        "SELECT CAST(TABLE_NAME AS CHAR), \
        CASE WHEN TABLE_COMMENT LIKE 'ormsh model %' THEN CAST(TABLE_COMMENT AS CHAR) END \
        FROM information_schema.TABLES \
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'VIEW') ORDER BY TABLE_NAME",
    )
}

/// The columns of every table and view of `DATABASE()` (or of those named); the last column says
/// whether a MariaDB `json_valid` check makes it JSON. MariaDB names a column's JSON check
/// after the column. The checks are read once, joined: a subquery per column reads
/// information_schema again for each (about a second for a schema of ten tables).
pub fn columns_query(mariadb: bool, only: Option<&[String]>) -> Sql {
    let (json_checked, json_checks) = if mariadb {
        (
            "k.CONSTRAINT_NAME IS NOT NULL",
            "LEFT JOIN (SELECT TABLE_NAME, CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND CHECK_CLAUSE LIKE 'json\\_valid(%') k \
             ON k.TABLE_NAME = c.TABLE_NAME AND k.CONSTRAINT_NAME = c.COLUMN_NAME ",
        )
    } else {
        ("0", "")
    };
    let (filter, params) = tables_where("c.TABLE_NAME", only);
    let text = format!(
        "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), CAST(c.COLUMN_TYPE AS CHAR), \
        CAST(c.IS_NULLABLE AS CHAR), CAST(c.COLUMN_DEFAULT AS CHAR), CAST(c.EXTRA AS CHAR), {json_checked} \
        FROM information_schema.COLUMNS c JOIN information_schema.TABLES t \
        ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME {json_checks}\
        WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE IN ('BASE TABLE', 'VIEW'){filter} \
        ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"
    );
    Sql { text, params }
}

/// Every column of every foreign key (of every table, or of those named), in order (the driver
/// keeps the single-column ones).
pub fn foreign_keys_query(only: Option<&[String]>) -> Sql {
    let (filter, params) = tables_where("TABLE_NAME", only);
    let text = format!(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), \
        CAST(COLUMN_NAME AS CHAR), CAST(REFERENCED_TABLE_NAME AS CHAR), CAST(REFERENCED_COLUMN_NAME AS CHAR) \
        FROM information_schema.KEY_COLUMN_USAGE \
        WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL{filter} \
        ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION"
    );
    Sql { text, params }
}

/// Every column of every index (of every table, or of those named), the primary key's (named
/// PRIMARY) included. Functional index parts (MySQL 8) have no column name.
pub fn indexes_query(only: Option<&[String]>) -> Sql {
    let (filter, params) = tables_where("TABLE_NAME", only);
    let text = format!(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), NON_UNIQUE, \
        CAST(COLUMN_NAME AS CHAR) \
        FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE(){filter} \
        ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"
    );
    Sql { text, params }
}

/// The tables named, with every table they refer to and, if `inbound`, every table that refers
/// to them and every table those refer to (the far end of a join table): what resolving names
/// in the named tables may need.
pub fn tables_around_query(names: &[String], inbound: bool) -> Sql {
    let parts = [
        ("TABLE_NAME", "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"),
        (
            "TABLE_NAME",
            "SELECT REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE \
            WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_SCHEMA = DATABASE()",
        ),
        (
            "REFERENCED_TABLE_NAME",
            "SELECT TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE \
            WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_SCHEMA = DATABASE()",
        ),
        (
            "k1.REFERENCED_TABLE_NAME",
            "SELECT k2.REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE k1 \
            JOIN information_schema.KEY_COLUMN_USAGE k2 \
            ON k2.TABLE_SCHEMA = k1.TABLE_SCHEMA AND k2.TABLE_NAME = k1.TABLE_NAME \
            WHERE k1.TABLE_SCHEMA = DATABASE() AND k1.REFERENCED_TABLE_SCHEMA = DATABASE() \
            AND k2.REFERENCED_TABLE_NAME IS NOT NULL",
        ),
    ];
    let mut selects = Vec::new();
    let mut params = Vec::new();
    for (column, select) in parts.into_iter().take(if inbound { 4 } else { 2 }) {
        let (filter, values) = tables_where(column, Some(names));
        selects.push(format!("{select}{filter}"));
        params.extend(values);
    }
    let text = format!("SELECT DISTINCT CAST(name AS CHAR) FROM ({}) x ORDER BY 1", selects.join(" UNION "));
    Sql { text, params }
}
