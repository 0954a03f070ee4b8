//! SQLite's column types. SQLite keeps the declared name, which is how ormsh knows a `bool` or
//! `date` column again when it reads the schema back.

use crate::value::FieldType;

pub const AUTO_KEY: &str = "INTEGER PRIMARY KEY";

pub fn column_type(ty: &FieldType) -> String {
    match ty {
        FieldType::Int => "INTEGER",
        FieldType::Float => "REAL",
        FieldType::Decimal => "NUMERIC",
        FieldType::Text => "TEXT",
        FieldType::Bool => "BOOLEAN",
        FieldType::Date => "DATE",
        FieldType::Time => "TIME",
        FieldType::DateTime => "DATETIME",
        FieldType::Json => "JSON",
        FieldType::Uuid => "UUID",
        FieldType::Bytes => "BLOB",
        FieldType::Other(name) => return name.clone(),
    }
    .to_string()
}
