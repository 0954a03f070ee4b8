//! The conformance suite: every example and every script under `tests/scripts/` runs on
//! SQLite, PostgreSQL and MariaDB, and gives the same JSON output (generated keys aside), the
//! same exit status and its errors at the same places on all three.
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`. Without them the server runs
//! are skipped with a printed reason, except under `CI=true`, where that is a failure.

mod common;

use common::conform::Server;
use common::{ServerDb, ServerKind, unique_name};

/// The single servers of `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`.
fn conform(dir: &str, extra: &[&str]) {
    let servers: Vec<(&str, ServerKind, String)> =
        [("PostgreSQL", ServerKind::Postgres), ("MariaDB", ServerKind::Mysql)]
            .into_iter()
            .filter_map(|(backend, kind)| Some((backend, kind, kind.url()?)))
            .collect();
    let makers: Vec<_> = servers
        .iter()
        .map(|(_, kind, url)| move |name: &str| ServerDb::create(*kind, url, &unique_name("conf", name)))
        .collect();
    let named: Vec<Server> = servers.iter().zip(&makers).map(|((backend, _, _), make)| (*backend, make as _)).collect();
    common::conform::conform(dir, extra, &named);
}

#[test]
fn the_examples_give_the_same_results_on_every_backend() {
    conform("examples", &[]);
}

#[test]
fn transaction_and_error_scripts_give_the_same_results_on_every_backend() {
    conform("tests/scripts", &["--on-error", "continue"]);
}
