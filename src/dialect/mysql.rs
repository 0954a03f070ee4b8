//! MySQL/MariaDB's column types, and the statements its driver sends of its own: strict mode,
//! MariaDB's transaction question and the catalog queries.

use super::Sql;
use crate::value::FieldType;

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

/// The columns of every base table of `DATABASE()`; the last column says whether a MariaDB
/// `json_valid` check makes it JSON.
macro_rules! columns_query {
    ($json_checked:literal, $json_checks:literal) => {
        concat!(
            "SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), CAST(c.COLUMN_TYPE AS CHAR), ",
            "CAST(c.IS_NULLABLE AS CHAR), CAST(c.COLUMN_DEFAULT AS CHAR), CAST(c.EXTRA AS CHAR), ",
            $json_checked,
            " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ",
            "ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME ",
            $json_checks,
            "WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE IN ('BASE TABLE', 'VIEW') ",
            "ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"
        )
    };
}

/// Every column of every table; on MariaDB, with whether a `json_valid` check makes it JSON.
pub fn columns_query(mariadb: bool) -> Sql {
    const MYSQL_COLUMNS: &str = columns_query!("0", "");
    // MariaDB names a column's JSON check after the column. The checks are read once, joined:
    // a subquery per column reads information_schema again for each (about a second for a
    // schema of ten tables).
    const MARIADB_COLUMNS: &str = columns_query!(
        "k.CONSTRAINT_NAME IS NOT NULL",
        "LEFT JOIN (SELECT TABLE_NAME, CONSTRAINT_NAME FROM information_schema.CHECK_CONSTRAINTS \
         WHERE CONSTRAINT_SCHEMA = DATABASE() AND CHECK_CLAUSE LIKE 'json\\_valid(%') k \
         ON k.TABLE_NAME = c.TABLE_NAME AND k.CONSTRAINT_NAME = c.COLUMN_NAME "
    );
    Sql::raw(if mariadb { MARIADB_COLUMNS } else { MYSQL_COLUMNS })
}

/// Every column of every foreign key, in order (the driver keeps the single-column ones).
pub fn foreign_keys_query() -> Sql {
    Sql::raw(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), \
        CAST(COLUMN_NAME AS CHAR), CAST(REFERENCED_TABLE_NAME AS CHAR), CAST(REFERENCED_COLUMN_NAME AS CHAR) \
        FROM information_schema.KEY_COLUMN_USAGE \
        WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL \
        ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION",
    )
}

/// Every column of every index, the primary key's (named PRIMARY) included. Functional index
/// parts (MySQL 8) have no column name.
pub fn indexes_query() -> Sql {
    Sql::raw(
        "SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), NON_UNIQUE, \
        CAST(COLUMN_NAME AS CHAR) \
        FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
        ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
    )
}
