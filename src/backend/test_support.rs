//! What the PostgreSQL and MySQL/MariaDB driver tests share: the test server from the
//! environment, names of their own, statements that must succeed, and tables (types, domains)
//! made for one test and dropped after it even when the test fails.

use std::panic::AssertUnwindSafe;

use chrono::NaiveDate;
use futures_util::FutureExt;
use sqlx::MySqlConnection;

use super::{mysql, postgres};
use crate::dialect::Sql;
use crate::error::Result;

/// A driver's connection, as its tests use it.
pub(super) trait TestConnection: Sized {
    /// The environment variable that holds the test server's URL.
    const VAR: &'static str;

    async fn connect(url: &str) -> Result<Self>;

    async fn execute(&mut self, sql: &Sql) -> Result<u64>;
}

impl TestConnection for postgres::PgLink {
    const VAR: &'static str = "ORMSH_TEST_PG";

    async fn connect(url: &str) -> Result<Self> {
        postgres::connect(url).await
    }

    async fn execute(&mut self, sql: &Sql) -> Result<u64> {
        postgres::execute(self, sql).await
    }
}

impl TestConnection for MySqlConnection {
    const VAR: &'static str = "ORMSH_TEST_MYSQL";

    async fn connect(url: &str) -> Result<Self> {
        mysql::connect(url).await
    }

    async fn execute(&mut self, sql: &Sql) -> Result<u64> {
        mysql::execute(self, sql).await
    }
}

/// The test server's URL, or `None` (with the reason printed) when its variable is unset outside
/// CI; under `CI=true` a missing server is a failure.
pub(super) fn server_url<C: TestConnection>(test: &str) -> Option<String> {
    match std::env::var(C::VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => panic!("{} must be set in CI", C::VAR),
        _ => {
            eprintln!("skipping {test}: {} is not set", C::VAR);
            None
        }
    }
}

/// A connection to the test server, or `None` as for [`server_url`].
pub(super) async fn server<C: TestConnection>(test: &str) -> Option<C> {
    let url = server_url::<C>(test)?;
    Some(C::connect(&url).await.unwrap_or_else(|e| panic!("cannot connect to {}: {e}", C::VAR)))
}

/// A name for a test's tables and types: the test's, and the process's id.
pub(super) fn name(test: &str) -> String {
    format!("{test}_{}", std::process::id())
}

/// Runs statements separated by `; ` (a prepared statement holds one); each must succeed.
pub(super) async fn exec<C: TestConnection>(conn: &mut C, text: &str) {
    for part in text.split("; ") {
        conn.execute(&Sql::for_test(part, vec![])).await.unwrap_or_else(|e| panic!("{part}: {e}"));
    }
}

/// Runs `drop` (for what an earlier run may have left) and `create`, then `body`, then `drop`
/// again whether or not `body` panicked. `drop` is written with `IF EXISTS`.
pub(super) async fn with_objects<C: TestConnection>(
    conn: &mut C,
    drop: &str,
    create: &str,
    body: impl AsyncFnOnce(&mut C),
) {
    exec(conn, drop).await;
    exec(conn, create).await;
    let outcome = AssertUnwindSafe(body(conn)).catch_unwind().await;
    exec(conn, drop).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

pub(super) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
