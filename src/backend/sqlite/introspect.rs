//! SQLite's catalog: every table, its columns, single-column foreign keys and indexes, read with
//! the three pragma queries of `dialect::sqlite`.

use super::SqliteLink;
use crate::catalog::{Catalog, Column, ForeignKey, View, field_type_of};
use crate::datetime::Spelling;
use crate::dialect::Sql;
use crate::dialect::sqlite as dialect;
use crate::error::Result;
use crate::value::{FieldType, Value};

/// A whole (small) result, read on this thread like any other: introspection at start-up then
/// costs no hand-over to sqlx's worker thread.
async fn rows(conn: &mut SqliteLink, sql: Sql) -> Result<Vec<Vec<Value>>> {
    let mut all = crate::backend::Collect::default();
    super::fetch(conn, &sql, &[], &mut all).await?;
    Ok(all.rows)
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn optional_text(value: &Value) -> Option<String> {
    (!value.is_null()).then(|| text(value))
}

fn int(value: &Value) -> i64 {
    match value {
        Value::Int(i) => *i,
        _ => 0,
    }
}

/// The name of every table, with its marker if it has one.
pub async fn table_names(conn: &mut SqliteLink) -> Result<Vec<(String, Option<String>)>> {
    Ok(rows(conn, dialect::table_names_query()).await?.iter().map(|r| (text(&r[0]), optional_text(&r[1]))).collect())
}

/// The tables `names` with those around them (see `dialect::sqlite::tables_around_query`).
pub async fn tables_around(conn: &mut SqliteLink, names: &[String], inbound: bool) -> Result<Vec<String>> {
    Ok(rows(conn, dialect::tables_around_query(names, inbound)).await?.iter().map(|r| text(&r[0])).collect())
}

/// Whether a column may hold values whose spelling ormsh must follow: a datetime, a time, a
/// uuid, or the `char(32)` Django and SQLAlchemy keep a uuid in.
fn spelled(column: &Column) -> bool {
    matches!(column.field_type, FieldType::DateTime | FieldType::Time | FieldType::Uuid)
        || crate::catalog::is_hex_uuid_type(&column.sql_type)
}

/// Reads how each table's dates, times and uuids are spelled, from a sample of its rows: one
/// query for each table that has such columns.
async fn sample_spellings(conn: &mut SqliteLink, catalog: &mut Catalog) -> Result<()> {
    for table in &mut catalog.tables {
        let columns: Vec<&str> = table.columns.iter().filter(|c| spelled(c)).map(|c| c.name.as_str()).collect();
        if columns.is_empty() {
            continue;
        }
        let samples = rows(conn, dialect::sample_query(&table.name, &columns)).await?;
        let Some(samples) = samples.into_iter().next() else { continue };
        let mut samples = samples.into_iter();
        for column in table.columns.iter_mut().filter(|c| spelled(c)) {
            let Some(Value::Text(sample)) = samples.next() else { continue };
            column.spelling = match column.field_type {
                FieldType::DateTime => Spelling::of_moment(&sample, true),
                FieldType::Time => Spelling::of_moment(&sample, false),
                _ => Spelling::of_uuid(&sample),
            };
        }
    }
    Ok(())
}

/// Reads every table (or those of `only`) with three queries over SQLite's pragma functions,
/// whatever the number of tables.
pub async fn introspect(conn: &mut SqliteLink, only: Option<&[String]>) -> Result<Catalog> {
    let mut catalog = Catalog::default();
    for row in rows(conn, dialect::columns_query(only)).await? {
        let table = text(&row[0]);
        let sql_type = text(&row[2]);
        let not_null = int(&row[3]);
        let default = optional_text(&row[4]);
        let pk = int(&row[5]);
        catalog.add_column(
            &table,
            Column {
                name: text(&row[1]),
                field_type: field_type_of(&sql_type),
                sql_type,
                nullable: not_null == 0 && pk == 0,
                primary_key: pk > 0,
                has_default: default.is_some(),
                default,
                spelling: None,
            },
        );
    }
    for table in &mut catalog.tables {
        // A single INTEGER PRIMARY KEY is the rowid: SQLite numbers it.
        if let [key] = table.primary_key().as_slice() {
            let name = key.name.clone();
            if key.sql_type.eq_ignore_ascii_case("INTEGER") {
                table.columns.iter_mut().filter(|c| c.name == name).for_each(|c| c.has_default = true);
            }
        }
    }

    // Only single-column foreign keys are references; `to` is NULL when it is the target's key.
    let fk_rows = rows(conn, dialect::foreign_keys_query(only)).await?;
    let composite =
        |table: &str, id: i64| fk_rows.iter().any(|r| text(&r[0]) == table && int(&r[1]) == id && int(&r[2]) > 0);
    let mut foreign_keys = Vec::new();
    for row in &fk_rows {
        let table = text(&row[0]);
        if composite(&table, int(&row[1])) {
            continue;
        }
        let ref_table = text(&row[3]);
        let to = optional_text(&row[5]).or_else(|| optional_text(&row[6]));
        let ref_column = to
            .or_else(|| catalog.table(&ref_table).and_then(|t| t.single_key()).map(|c| c.name.clone()))
            .unwrap_or_else(|| "rowid".into());
        foreign_keys.push((table, ForeignKey { column: text(&row[4]), ref_table, ref_column }));
    }
    for (table, fk) in foreign_keys {
        if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(fk);
        }
    }

    for row in rows(conn, dialect::views_query()).await? {
        catalog.views.push(View { name: text(&row[0]), writable: int(&row[1]) != 0 });
    }
    sample_spellings(conn, &mut catalog).await?;

    for row in rows(conn, dialect::indexes_query(only)).await? {
        let table = text(&row[0]);
        let name = text(&row[1]);
        let unique = int(&row[2]);
        let column = optional_text(&row[3]);
        let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) else { continue };
        t.add_index_column(name, unique != 0, column);
    }
    Ok(catalog)
}
