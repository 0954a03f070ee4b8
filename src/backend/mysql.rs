//! Placeholder until the mysql driver lands: every call says so.

use sqlx::MySqlConnection;

use super::{Outcome, RowSink};
use crate::catalog::Catalog;
use crate::dialect::Sql;
use crate::error::{Error, ErrorKind, Result};

fn missing() -> Error {
    Error::new(ErrorKind::Connection, "the mysql backend is not built yet")
}

pub async fn connect(_url: &str) -> Result<MySqlConnection> {
    Err(missing())
}

pub async fn execute(_conn: &mut MySqlConnection, _sql: &Sql) -> Result<u64> {
    Err(missing())
}

pub async fn fetch(_conn: &mut MySqlConnection, _sql: &Sql, _sink: &mut dyn RowSink) -> Result<()> {
    Err(missing())
}

pub async fn run(_conn: &mut MySqlConnection, _sql: &Sql, _sink: &mut dyn RowSink) -> Result<Outcome> {
    Err(missing())
}

pub async fn introspect(_conn: &mut MySqlConnection) -> Result<Catalog> {
    Err(missing())
}
