//! SQLite: the embedded default. Values are decoded by their own storage class, refined by the
//! column's declared type (SQLite keeps a bool as an integer and json as text).

use std::str::FromStr;
use std::time::Duration;

use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteArguments, SqliteConnectOptions, SqliteRow};
use sqlx::{
    Column as _, Connection, Decode, Executor, Row, SqlSafeStr, Sqlite, SqliteConnection, Statement, TypeInfo, ValueRef,
};

use super::{Outcome, RowSink, connect_error, db_error};
use crate::catalog::{Catalog, Column, ForeignKey, Index, Table, field_type_of};
use crate::dialect::{Sql, bind_text};
use crate::error::Result;
use crate::value::{FieldType, Value};

type Query<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments>;

/// How long a statement waits for another writer's lock before it fails.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn connect(url: &str) -> Result<SqliteConnection> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| connect_error(url, e))?
        .create_if_missing(true)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    SqliteConnection::connect_with(&options).await.map_err(|e| connect_error(url, e))
}

fn query(sql: &Sql) -> Query<'static> {
    sql.params.iter().fold(sqlx::query(sql.sqlx_text()), bind)
}

fn bind(q: Query<'static>, value: &Value) -> Query<'static> {
    match value {
        Value::Null => q.bind(None::<i64>),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::UInt(u) => match i64::try_from(*u) {
            Ok(i) => q.bind(i),
            Err(_) => q.bind(u.to_string()),
        },
        Value::Float(f) => q.bind(*f),
        Value::Bytes(b) => q.bind(b.clone()),
        Value::Json(j) => q.bind(j.to_string()),
        other => q.bind(bind_text(other)),
    }
}

pub async fn execute(conn: &mut SqliteConnection, sql: &Sql) -> Result<u64> {
    Ok(query(sql).execute(&mut *conn).await.map_err(db_error)?.rows_affected())
}

pub async fn fetch(conn: &mut SqliteConnection, sql: &Sql, hints: &[FieldType], sink: &mut dyn RowSink) -> Result<()> {
    let mut rows = query(sql).fetch(&mut *conn);
    let mut started = false;
    while let Some(row) = rows.try_next().await.map_err(db_error)? {
        if !started {
            sink.columns(&column_names(&row))?;
            started = true;
        }
        if !sink.row(decode_row(&row, hints))? {
            break;
        }
    }
    drop(rows);
    if !started {
        let statement = conn.prepare(sql.sqlx_text().into_sql_str()).await.map_err(db_error)?;
        let names: Vec<String> = statement.columns().iter().map(|c| c.name().to_string()).collect();
        sink.columns(&names)?;
    }
    Ok(())
}

pub async fn run(conn: &mut SqliteConnection, sql: &Sql, sink: &mut dyn RowSink) -> Result<Outcome> {
    let statement = conn.prepare(sql.sqlx_text().into_sql_str()).await.map_err(db_error)?;
    if statement.columns().is_empty() {
        return execute(conn, sql).await.map(Outcome::Affected);
    }
    fetch(conn, sql, &[], sink).await.map(|()| Outcome::Rows)
}

fn column_names(row: &SqliteRow) -> Vec<String> {
    row.columns().iter().map(|c| c.name().to_string()).collect()
}

fn decode_row(row: &SqliteRow, hints: &[FieldType]) -> Vec<Value> {
    (0..row.len()).map(|i| decode(row, i, hints.get(i))).collect()
}

/// One value by its storage class; the hint (or else the declared type) tells a bool from an
/// integer and json from text.
fn decode(row: &SqliteRow, i: usize, hint: Option<&FieldType>) -> Value {
    let Ok(raw) = row.try_get_raw(i) else { return Value::Null };
    if raw.is_null() {
        return Value::Null;
    }
    let declared = || field_type_of(row.columns()[i].type_info().name());
    let ty = hint.cloned().unwrap_or_else(declared);
    let storage = raw.type_info().name().to_string();
    match storage.as_str() {
        "INTEGER" | "BOOLEAN" => match <i64 as Decode<Sqlite>>::decode(raw) {
            Ok(i) if ty == FieldType::Bool => Value::Bool(i != 0),
            Ok(i) => Value::Int(i),
            Err(_) => Value::Null,
        },
        "REAL" => <f64 as Decode<Sqlite>>::decode(raw).map(Value::Float).unwrap_or(Value::Null),
        "BLOB" => <Vec<u8> as Decode<Sqlite>>::decode(raw).map(Value::Bytes).unwrap_or(Value::Null),
        _ => match <String as Decode<Sqlite>>::decode(raw) {
            Ok(text) if ty == FieldType::Json => match serde_json::from_str(&text) {
                Ok(json) => Value::Json(json),
                Err(_) => Value::Text(text),
            },
            Ok(text) => Value::Text(text),
            // Text that is not UTF-8 is shown as its bytes rather than lost.
            Err(_) => row
                .try_get_raw(i)
                .ok()
                .and_then(|r| <Vec<u8> as Decode<Sqlite>>::decode(r).ok())
                .map(Value::Bytes)
                .unwrap_or(Value::Null),
        },
    }
}

async fn rows(conn: &mut SqliteConnection, text: &'static str) -> Result<Vec<SqliteRow>> {
    sqlx::query(text).fetch_all(&mut *conn).await.map_err(db_error)
}

/// Reads every table with three queries over SQLite's pragma functions, whatever the number of
/// tables.
pub async fn introspect(conn: &mut SqliteConnection) -> Result<Catalog> {
    const TABLES: &str = "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
        FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p \
        WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, p.cid";
    const FOREIGN_KEYS: &str = "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\" \
        FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f \
        WHERE m.type = 'table' ORDER BY m.name, f.id, f.seq";
    const INDEXES: &str = "SELECT m.name, l.name, l.\"unique\", i.name \
        FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS l JOIN pragma_index_info(l.name) AS i \
        WHERE m.type = 'table' ORDER BY m.name, l.name, i.seqno";

    let mut catalog = Catalog::default();
    for row in rows(conn, TABLES).await? {
        let table: String = row.get(0);
        let sql_type: String = row.try_get(2).unwrap_or_default();
        let not_null: i64 = row.get(3);
        let default: Option<String> = row.try_get(4).unwrap_or(None);
        let pk: i64 = row.get(5);
        if catalog.tables.last().is_none_or(|t| t.name != table) {
            catalog.tables.push(Table { name: table.clone(), columns: vec![], foreign_keys: vec![], indexes: vec![] });
        }
        let current = catalog.tables.last_mut().expect("just pushed");
        current.columns.push(Column {
            name: row.get(1),
            field_type: field_type_of(&sql_type),
            sql_type,
            nullable: not_null == 0 && pk == 0,
            primary_key: pk > 0,
            has_default: default.is_some(),
            default,
        });
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
    let fk_rows = rows(conn, FOREIGN_KEYS).await?;
    let composite = |table: &str, id: i64| {
        fk_rows.iter().any(|r| r.get::<String, _>(0) == table && r.get::<i64, _>(1) == id && r.get::<i64, _>(2) > 0)
    };
    let mut foreign_keys = Vec::new();
    for row in &fk_rows {
        let table: String = row.get(0);
        if composite(&table, row.get(1)) {
            continue;
        }
        let ref_table: String = row.get(3);
        let to: Option<String> = row.try_get(5).unwrap_or(None);
        let ref_column = to
            .or_else(|| catalog.table(&ref_table).and_then(|t| t.single_key()).map(|c| c.name.clone()))
            .unwrap_or_else(|| "rowid".into());
        foreign_keys.push((table, ForeignKey { column: row.get(4), ref_table, ref_column }));
    }
    for (table, fk) in foreign_keys {
        if let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) {
            t.foreign_keys.push(fk);
        }
    }

    for row in rows(conn, INDEXES).await? {
        let table: String = row.get(0);
        let name: String = row.get(1);
        let unique: i64 = row.get(2);
        let column: Option<String> = row.try_get(3).unwrap_or(None);
        let Some(t) = catalog.tables.iter_mut().find(|t| t.name == table) else { continue };
        if t.indexes.last().is_none_or(|i| i.name != name) {
            t.indexes.push(Index { name, columns: vec![], unique: unique != 0 });
        }
        if let Some(column) = column {
            t.indexes.last_mut().expect("just pushed").columns.push(column);
        }
    }
    Ok(catalog)
}
