//! Placeholder until the postgres driver lands: every call says so.

use sqlx::PgConnection;

use super::{Outcome, RowSink};
use crate::catalog::Catalog;
use crate::dialect::Sql;
use crate::error::{Error, ErrorKind, Result};

fn missing() -> Error {
    Error::new(ErrorKind::Connection, "the postgres backend is not built yet")
}

pub async fn connect(_url: &str) -> Result<PgConnection> {
    Err(missing())
}

pub async fn execute(_conn: &mut PgConnection, _sql: &Sql) -> Result<u64> {
    Err(missing())
}

pub async fn fetch(_conn: &mut PgConnection, _sql: &Sql, _sink: &mut dyn RowSink) -> Result<()> {
    Err(missing())
}

pub async fn run(_conn: &mut PgConnection, _sql: &Sql, _sink: &mut dyn RowSink) -> Result<Outcome> {
    Err(missing())
}

pub async fn introspect(_conn: &mut PgConnection) -> Result<Catalog> {
    Err(missing())
}
