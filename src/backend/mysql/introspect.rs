//! MySQL/MariaDB's catalog: every base table of `DATABASE()`, its columns, single-column foreign
//! keys and indexes, read with the information_schema queries of `dialect::mysql`.

use sqlx::MySqlConnection;
use sqlx::mysql::MySqlRow;

use super::decode::decode_by_type;
use crate::backend::db_error;
use crate::catalog::{Catalog, Column, ForeignKey, View, field_type_of};
use crate::dialect::Sql;
use crate::dialect::mysql as dialect;
use crate::error::Result;
use crate::value::{FieldType, Value};

async fn rows(conn: &mut MySqlConnection, sql: Sql) -> Result<Vec<MySqlRow>> {
    let mut query = sqlx::query(sql.sqlx_text());
    // A catalog query's only values are the names of the tables it reads, as text.
    for param in sql.params() {
        query = query.bind(param.to_string());
    }
    query.fetch_all(&mut *conn).await.map_err(db_error)
}

/// The name of every base table of `DATABASE()`, with its marker if it has one.
pub async fn table_names(conn: &mut MySqlConnection) -> Result<Vec<(String, Option<String>)>> {
    Ok(rows(conn, dialect::table_names_query())
        .await?
        .iter()
        .filter_map(|r| Some((text_at(r, 0)?, text_at(r, 1))))
        .collect())
}

/// The tables `names` with those around them (see `dialect::mysql::tables_around_query`).
pub async fn tables_around(conn: &mut MySqlConnection, names: &[String], inbound: bool) -> Result<Vec<String>> {
    Ok(rows(conn, dialect::tables_around_query(names, inbound)).await?.iter().filter_map(|r| text_at(r, 0)).collect())
}

/// A text column of an introspection row (information_schema's text may arrive as binary).
fn text_at(row: &MySqlRow, i: usize) -> Option<String> {
    match decode_by_type(row, i) {
        Value::Text(s) => Some(s),
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

fn int_at(row: &MySqlRow, i: usize) -> i64 {
    match decode_by_type(row, i) {
        Value::Int(i) => i,
        Value::Bool(b) => i64::from(b),
        Value::Text(s) | Value::Decimal(s) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

/// The ormsh type of a column from its `COLUMN_TYPE`. Besides `field_type_of`: MariaDB's JSON
/// (a longtext with a `json_valid` check), BIT and YEAR (numbers), and the geometry types, whose
/// names (`point`, `multipoint`) would otherwise pass for ints.
fn field_type(column_type: &str, json_checked: bool) -> FieldType {
    let base = column_type.split(['(', ' ']).next().unwrap_or("").to_ascii_lowercase();
    match base.as_str() {
        _ if json_checked => FieldType::Json,
        "bit" | "year" => FieldType::Int,
        "geometry" | "point" | "linestring" | "polygon" | "multipoint" | "multilinestring" | "multipolygon"
        | "geometrycollection" | "geomcollection" => FieldType::Other(column_type.to_string()),
        _ => field_type_of(column_type),
    }
}

/// Reads every table of `DATABASE()` (or those of `only`) with three information_schema queries
/// (after asking which server this is), whatever the number of tables.
pub async fn introspect(conn: &mut MySqlConnection, only: Option<&[String]>) -> Result<Catalog> {
    let version = rows(conn, dialect::version_query()).await?;
    let mariadb = version.first().and_then(|r| text_at(r, 0)).is_some_and(|v| v.contains("MariaDB"));

    let mut catalog = Catalog::default();
    for row in rows(conn, dialect::columns_query(mariadb, only)).await? {
        let table = text_at(&row, 0).unwrap_or_default();
        let sql_type = text_at(&row, 2).unwrap_or_default();
        let nullable = text_at(&row, 3).is_some_and(|n| n.eq_ignore_ascii_case("YES"));
        // MariaDB reports "no default" on a nullable column as the expression NULL.
        let default = text_at(&row, 4).filter(|d| !(mariadb && d == "NULL"));
        let extra = text_at(&row, 5).unwrap_or_default().to_ascii_lowercase();
        let json_checked = int_at(&row, 6) != 0;
        catalog.add_column(
            &table,
            Column {
                name: text_at(&row, 1).unwrap_or_default(),
                field_type: field_type(&sql_type, json_checked),
                sql_type,
                nullable,
                primary_key: false,
                has_default: default.is_some() || extra.contains("auto_increment") || extra.contains("generated"),
                default,
                spelling: None,
            },
        );
    }

    // Only single-column foreign keys are references.
    let fk_rows: Vec<[Option<String>; 5]> = rows(conn, dialect::foreign_keys_query(only))
        .await?
        .iter()
        .map(|r| std::array::from_fn(|i| text_at(r, i)))
        .collect();
    for row in &fk_rows {
        let [Some(table), constraint, Some(column), Some(ref_table), Some(ref_column)] = row.clone() else { continue };
        if fk_rows.iter().filter(|r| r[0].as_ref() == Some(&table) && r[1] == constraint).count() > 1 {
            continue;
        }
        if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(ForeignKey { column, ref_table, ref_column });
        }
    }

    // The primary key is the index named PRIMARY, shown as the key rather than as an index.
    for row in rows(conn, dialect::views_query()).await? {
        catalog.views.push(View { name: text_at(&row, 0).unwrap_or_default(), writable: int_at(&row, 1) != 0 });
    }

    for row in rows(conn, dialect::indexes_query(only)).await? {
        let (Some(table), Some(name)) = (text_at(&row, 0), text_at(&row, 1)) else { continue };
        let unique = int_at(&row, 2) == 0;
        let column = text_at(&row, 3);
        let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) else { continue };
        if name == "PRIMARY" {
            if let Some(c) = t.columns.iter_mut().find(|c| Some(&c.name) == column.as_ref()) {
                c.primary_key = true;
                c.nullable = false;
            }
            continue;
        }
        t.add_index_column(name, unique, column);
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_support::{name, server, with_objects};
    use crate::catalog::Index;

    #[tokio::test]
    async fn mysql_reads_the_catalog() {
        let Some(mut conn) = server("mysql_reads_the_catalog").await else { return };
        let t = name("mysql_reads_the_catalog");
        let (parent, child) = (format!("{t}_parent"), format!("{t}_child"));
        let drop = format!("DROP TABLE IF EXISTS {child}; DROP TABLE IF EXISTS {parent}");
        let create = format!(
            "CREATE TABLE {parent} (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE); \
             CREATE TABLE {child} (id INT AUTO_INCREMENT PRIMARY KEY, parent_id BIGINT, \
             note VARCHAR(40) NOT NULL DEFAULT 'x', flag BOOLEAN DEFAULT TRUE, amount DECIMAL(10,2), data JSON, \
             big BIGINT UNSIGNED, born DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), \
             CONSTRAINT {t}_fk FOREIGN KEY (parent_id) REFERENCES {parent} (id), \
             UNIQUE KEY note_amount (note, amount))"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            let catalog = introspect(conn, None).await.unwrap();
            let parent_table = catalog.table(&parent).expect("parent table");
            let id = &parent_table.columns[0];
            assert_eq!((id.name.as_str(), &id.field_type), ("id", &FieldType::Int));
            assert!(id.sql_type.starts_with("bigint"), "{}", id.sql_type);
            assert!(id.primary_key && !id.nullable && id.has_default && id.default.is_none());
            let name_column = &parent_table.columns[1];
            assert_eq!((name_column.sql_type.as_str(), &name_column.field_type), ("varchar(255)", &FieldType::Text));
            assert!(!name_column.nullable && !name_column.has_default && !name_column.primary_key);
            assert_eq!(
                parent_table.indexes,
                [Index { name: "name".into(), columns: vec!["name".into()], unique: true }]
            );

            let child_table = catalog.table(&child).expect("child table");
            let summary: Vec<(&str, FieldType, bool, bool, bool)> = child_table
                .columns
                .iter()
                .map(|c| (c.name.as_str(), c.field_type.clone(), c.nullable, c.primary_key, c.has_default))
                .collect();
            assert_eq!(
                summary,
                [
                    ("id", FieldType::Int, false, true, true),
                    ("parent_id", FieldType::Int, true, false, false),
                    ("note", FieldType::Text, false, false, true),
                    ("flag", FieldType::Bool, true, false, true),
                    ("amount", FieldType::Decimal, true, false, false),
                    ("data", FieldType::Json, true, false, false),
                    ("big", FieldType::Int, true, false, false),
                    ("born", FieldType::DateTime, true, false, true),
                ]
            );
            assert_eq!(child_table.columns[3].sql_type, "tinyint(1)");
            assert!(child_table.columns[6].sql_type.contains("unsigned"), "{}", child_table.columns[6].sql_type);
            assert!(child_table.columns[2].default.as_deref().is_some_and(|d| d.contains('x')));
            assert_eq!(
                child_table.foreign_keys,
                [ForeignKey { column: "parent_id".into(), ref_table: parent.clone(), ref_column: "id".into() }]
            );
            let unique = child_table.indexes.iter().find(|i| i.name == "note_amount").expect("note_amount index");
            assert_eq!(
                (unique.columns.as_slice(), unique.unique),
                (&["note".to_string(), "amount".to_string()][..], true)
            );
        })
        .await;
    }
}
