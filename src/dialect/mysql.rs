//! MySQL/MariaDB's column types.

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
