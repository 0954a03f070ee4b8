//! PostgreSQL's catalog: every table of the search path (as it resolves their names), its columns, single-column foreign
//! keys and indexes, read with the three catalog queries of `dialect::postgres`.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use crate::backend::db_error;
use crate::catalog::{Catalog, Column, ForeignKey, Schemas, View, field_type_of};
use crate::dialect::Sql;
use crate::dialect::postgres as dialect;
use crate::error::Result;
use crate::value::FieldType;

async fn rows(conn: &mut PgConnection, sql: Sql) -> Result<Vec<PgRow>> {
    let mut query = sqlx::query(sql.sqlx_text());
    // A catalog query's only values are the names of the tables it reads, as text.
    for param in sql.params() {
        query = query.bind(param.to_string());
    }
    query.fetch_all(&mut *conn).await.map_err(db_error)
}

/// The name of every table read (see `dialect::postgres`), each with its marker if it has one, and the schemas there are.
pub async fn table_names(conn: &mut PgConnection) -> Result<(Vec<(String, Option<String>)>, Schemas)> {
    let mut names = Vec::new();
    let mut read = Schemas::default();
    for row in rows(conn, dialect::table_names_query()).await? {
        let name: String = row.try_get(0).map_err(db_error)?;
        let schema: String = row.try_get(1).map_err(db_error)?;
        let marker: Option<String> = row.try_get(2).unwrap_or(None);
        if !name.contains('.') {
            read.homes.insert(name.clone(), schema);
        }
        names.push((name, marker));
    }
    read.names = schema_names(conn).await?;
    Ok((names, read))
}

/// Every schema a model may be named by.
async fn schema_names(conn: &mut PgConnection) -> Result<Vec<String>> {
    rows(conn, dialect::schemas_query()).await?.iter().map(|r| r.try_get(0).map_err(db_error)).collect()
}

/// The tables `names` with those around them (see `dialect::postgres::tables_around_query`).
pub async fn tables_around(conn: &mut PgConnection, names: &[String], inbound: bool) -> Result<Vec<String>> {
    rows(conn, dialect::tables_around_query(names, inbound))
        .await?
        .iter()
        .map(|r| r.try_get(0).map_err(db_error))
        .collect()
}

/// The ormsh type of a column from its type's name and category (`pg_type.typcategory`, of the
/// base type for a domain). The category settles what a name cannot: an array, an interval or
/// a point is not an int although its name contains `int`, an enum is text-like whatever its
/// name, and every string type (`name`, `citext`, `bpchar`) is text.
fn field_type(category: &str, base: &str, sql_type: &str) -> FieldType {
    match category {
        // Arrays, composites, enums, geometry, network addresses, ranges, intervals, bit strings.
        "A" | "C" | "E" | "G" | "I" | "R" | "T" | "V" => FieldType::Other(sql_type.to_string()),
        "S" => FieldType::Text,
        _ => match field_type_of(base) {
            FieldType::Other(_) => FieldType::Other(sql_type.to_string()),
            known => known,
        },
    }
}

/// Reads every table (see `dialect::postgres`), or those
/// of `only`, with a few catalog queries, whatever the number of tables.
pub async fn introspect(conn: &mut PgConnection, only: Option<&[String]>) -> Result<Catalog> {
    let mut catalog = Catalog::default();
    for row in rows(conn, dialect::columns_query(only)).await? {
        let table: String = row.try_get(0).map_err(db_error)?;
        if !table.contains('.') {
            let schema: String = row.try_get(9).map_err(db_error)?;
            catalog.schemas.homes.insert(table.clone(), schema);
        }
        let sql_type: String = row.try_get(2).unwrap_or_default();
        let category: String = row.try_get(3).unwrap_or_default();
        let base: String = row.try_get(4).unwrap_or_default();
        let not_null: bool = row.try_get(5).unwrap_or(false);
        let default: Option<String> = row.try_get(6).unwrap_or(None);
        let generated: bool = row.try_get(7).unwrap_or(false);
        let primary_key: bool = row.try_get(8).unwrap_or(false);
        catalog.add_column(
            &table,
            Column {
                name: row.try_get(1).map_err(db_error)?,
                field_type: field_type(&category, &base, &sql_type),
                sql_type,
                nullable: !not_null && !primary_key,
                primary_key,
                has_default: default.is_some() || generated,
                default,
                spelling: None,
            },
        );
    }

    for row in rows(conn, dialect::foreign_keys_query(only)).await? {
        let table: String = row.try_get(0).map_err(db_error)?;
        let fk = ForeignKey {
            column: row.try_get(1).map_err(db_error)?,
            ref_table: row.try_get(2).map_err(db_error)?,
            ref_column: row.try_get(3).map_err(db_error)?,
        };
        if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(fk);
        }
    }

    for row in rows(conn, dialect::views_query()).await? {
        let name: String = row.try_get(0).map_err(db_error)?;
        catalog.views.push(View { name, writable: row.try_get(1).unwrap_or(false) });
    }

    for row in rows(conn, dialect::indexes_query(only)).await? {
        let table: String = row.try_get(0).map_err(db_error)?;
        let name: String = row.try_get(1).map_err(db_error)?;
        let unique: bool = row.try_get(2).unwrap_or(false);
        let column: Option<String> = row.try_get(3).unwrap_or(None);
        let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) else { continue };
        t.add_index_column(name, unique, column);
    }
    if only.is_none() {
        catalog.schemas.names = schema_names(conn).await?;
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::test_support::{name, server, with_objects};
    use crate::catalog::Index;

    #[tokio::test]
    async fn pg_reads_the_catalog() {
        let Some::<super::super::PgLink>(mut conn) = server("pg_reads_the_catalog").await else { return };
        let t = name("pg_reads_the_catalog");
        let (parent, child) = (format!("{t}_parent"), format!("{t}_child"));
        let drop = format!("DROP TABLE IF EXISTS {child}; DROP TABLE IF EXISTS {parent}");
        let create = format!(
            "CREATE TABLE {parent} (id serial PRIMARY KEY, name text NOT NULL UNIQUE); \
             CREATE TABLE {child} (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, \
             parent_id int4 REFERENCES {parent} (id), note varchar(40) NOT NULL DEFAULT 'x', \
             at timestamptz DEFAULT now(), score numeric(10,2), tags text[], span interval, data jsonb); \
             CREATE UNIQUE INDEX {t}_note_score ON {child} (note, score)"
        );
        with_objects(&mut conn, &drop, &create, async |conn| {
            let catalog = introspect(conn, None).await.unwrap();
            let parent_table = catalog.table(&parent).expect("parent table");
            let id = &parent_table.columns[0];
            assert_eq!((id.name.as_str(), id.sql_type.as_str(), &id.field_type), ("id", "int4", &FieldType::Int));
            assert!(id.primary_key && !id.nullable && id.has_default);
            assert!(id.default.as_deref().unwrap().starts_with("nextval("), "{:?}", id.default);
            let name_column = &parent_table.columns[1];
            assert_eq!((name_column.sql_type.as_str(), &name_column.field_type), ("text", &FieldType::Text));
            assert!(!name_column.nullable && !name_column.has_default && !name_column.primary_key);
            assert_eq!(
                parent_table.indexes,
                [Index { name: format!("{parent}_name_key"), columns: vec!["name".into()], unique: true }]
            );

            let child_table = catalog.table(&child).expect("child table");
            let summary: Vec<(&str, &str, FieldType, bool, bool, bool)> = child_table
                .columns
                .iter()
                .map(|c| {
                    (
                        c.name.as_str(),
                        c.sql_type.as_str(),
                        c.field_type.clone(),
                        c.nullable,
                        c.primary_key,
                        c.has_default,
                    )
                })
                .collect();
            assert_eq!(
                summary,
                [
                    ("id", "int8", FieldType::Int, false, true, true),
                    ("parent_id", "int4", FieldType::Int, true, false, false),
                    ("note", "varchar(40)", FieldType::Text, false, false, true),
                    ("at", "timestamptz", FieldType::DateTime, true, false, true),
                    ("score", "numeric(10,2)", FieldType::Decimal, true, false, false),
                    ("tags", "text[]", FieldType::Other("text[]".into()), true, false, false),
                    ("span", "interval", FieldType::Other("interval".into()), true, false, false),
                    ("data", "jsonb", FieldType::Json, true, false, false),
                ]
            );
            assert_eq!(child_table.columns[0].default, None);
            assert_eq!(child_table.columns[2].default.as_deref(), Some("'x'::character varying"));
            assert_eq!(child_table.columns[3].default.as_deref(), Some("now()"));
            assert_eq!(
                child_table.foreign_keys,
                [ForeignKey { column: "parent_id".into(), ref_table: parent.clone(), ref_column: "id".into() }]
            );
            assert_eq!(
                child_table.indexes,
                [Index { name: format!("{t}_note_score"), columns: vec!["note".into(), "score".into()], unique: true }]
            );
        })
        .await;
    }
}
