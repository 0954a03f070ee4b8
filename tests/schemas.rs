//! PostgreSQL's schemas outside the search path (issue 12, item 7): `query sales.Order` reaches
//! `sales.orders`, `models` lists such tables with their schema, a reference across schemas is
//! followed both ways, and the search path decides what a bare name means. PostgreSQL only
//! (skipped with a reason when `ORMSH_TEST_PG` is not set); each test works in schemas of its
//! own, one of them the search path of its URL.

mod common;

use common::{ServerDb, ServerKind, assert_success, ok_csv, ormsh, unique_name};

/// Two schemas in a database of the test's own: `home`, the search path of `home.url`, and
/// `sales`, outside it. The database comes first, so that it is dropped after them.
fn schemas(label: &str) -> Option<(ServerDb, ServerDb, ServerDb)> {
    let base = ServerKind::Postgres.fresh_db("schemas", label)?;
    let home = ServerDb::create_pg_schema(&base.url, &unique_name("schemas", &format!("{label}_home")));
    let sales = ServerDb::create_pg_schema(&base.url, &unique_name("schemas", &format!("{label}_sales")));
    Some((base, home, sales))
}

/// Runs `sql` statements (made by `make` from the two schemas' names) on the server.
fn setup(home: &ServerDb, statements: &[String]) {
    let mut args = Vec::new();
    for s in statements {
        args.extend(["-c", s.as_str()]);
    }
    assert_success(&ormsh(&home.admin_url, &args), "setup");
}

/// Runs commands that must succeed, as a person reads them (not csv); returns stdout.
fn ok_text(url: &str, commands: &[&str]) -> String {
    let mut args = Vec::new();
    for c in commands {
        args.extend(["-c", c]);
    }
    let out = ormsh(url, &args);
    assert_success(&out, &format!("{commands:?}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs one command that must fail; returns its stderr.
fn fails(url: &str, command: &str) -> String {
    let out = ormsh(url, &["-c", command]);
    assert!(!out.status.success(), "`{command}` succeeded:\n{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The case: `create schema sales; create table sales.orders (…)`, then `query
/// sales.Order` returns its rows, `models` lists `sales.Order`, and add, update, delete and
/// count work on it, each statement naming `"sales"."orders"`.
#[test]
fn a_table_outside_the_search_path_is_a_model_named_with_its_schema() {
    let Some((_base, home, sales)) = schemas("crud") else { return };
    let s = &sales.name;
    setup(
        &home,
        &[
            format!("sql CREATE TABLE {s}.orders (id SERIAL PRIMARY KEY, total INTEGER NOT NULL, status TEXT)"),
            format!("sql INSERT INTO {s}.orders (total, status) VALUES (10, 'new'), (20, 'paid')"),
        ],
    );
    let url = &home.url;
    assert_eq!(ok_csv(url, &[&format!("query {s}.Order order by id")]), "id,total,status\n1,10,new\n2,20,paid\n");
    // Its schema is matched exactly, then in any case; its model by the usual convention.
    let upper = s.to_uppercase();
    assert_eq!(ok_csv(url, &[&format!("count {upper}.orders")]), "2\n");
    // `models` lists it with its schema, in a new session that named nothing yet (issue 12.7).
    let models = ok_csv(url, &["models"]);
    assert!(models.contains(&format!("{s}.Order,{s}.orders,\"id, total, status\"")), "{models}");
    // `models sales` lists the schema's models (psql's `\dt sales.*`).
    assert_eq!(
        ok_csv(url, &[&format!("models {s}")]),
        format!("model,table,fields\n{s}.Order,{s}.orders,\"id, total, status\"\n")
    );
    let models = ok_csv(url, &[&format!("count {s}.Order"), "models"]);
    assert!(models.contains(&format!("{s}.Order,{s}.orders,\"id, total, status\"")), "{models}");

    let explained = ok_text(url, &[&format!("explain update {s}.Order where total > 15 set status=late")]);
    assert!(explained.contains(&format!("UPDATE \"{s}\".\"orders\" SET")), "{explained}");
    let changed = ok_csv(
        url,
        &[
            &format!("add {s}.Order total=30 status=new"),
            &format!("update {s}.Order where total > 15 set status=late"),
            &format!("delete {s}.Order where total = 10"),
            &format!("count {s}.Order by status"),
        ],
    );
    assert!(changed.ends_with("status,count\nlate,2\n"), "{changed}");
    // What ormsh wrote is where PostgreSQL has it.
    assert_eq!(ok_csv(url, &[&format!("sql SELECT total FROM {s}.orders ORDER BY total")]), "total\n20\n30\n");

    // A model made in the schema, referring to a model of it.
    let made = ok_csv(
        url,
        &[
            &format!("model {s}.Refund {{ amount: int, order: {s}.Order }}"),
            &format!("add {s}.Refund amount=5 order=2"),
            &format!("query {s}.Refund where order.total = 20 fields amount"),
        ],
    );
    assert!(made.ends_with("amount\n5\n"), "{made}");
    assert_eq!(ok_csv(&sales.url, &["sql SELECT amount FROM refunds"]), "amount\n5\n");
}

/// A reference from `sales.orders` to the search path's `users` is followed both ways: from
/// the order to its user, and from the user to its orders (`with`, a relation path, a count),
/// without naming the schema: a reference ties the table to the search path.
#[test]
fn a_reference_across_schemas_is_followed_both_ways() {
    let Some((_base, home, sales)) = schemas("refs") else { return };
    let (h, s) = (&home.name, &sales.name);
    setup(
        &home,
        &[
            format!("sql CREATE TABLE {h}.users (id SERIAL PRIMARY KEY, name TEXT NOT NULL)"),
            format!(
                "sql CREATE TABLE {s}.orders (id SERIAL PRIMARY KEY, total INTEGER, user_id INTEGER REFERENCES {h}.users (id))"
            ),
            format!("sql INSERT INTO {h}.users (name) VALUES ('Ann'), ('Bo')"),
            format!("sql INSERT INTO {s}.orders (total, user_id) VALUES (10, 1), (20, 1), (5, 2)"),
        ],
    );
    let url = &home.url;
    let models = ok_csv(url, &["models"]);
    assert!(models.contains(&format!("{s}.Order,{s}.orders,")), "the referring table is listed: {models}");
    assert_eq!(
        ok_csv(url, &[&format!("query {s}.Order where user.name = Ann fields total order by total")]),
        "total\n10\n20\n"
    );
    assert_eq!(
        ok_csv(url, &["query User where orders.total > 15 fields name, count(orders), sum(orders.total)"]),
        "name,count(orders),sum(orders.total)\nAnn,2,30\n"
    );
    let out = ormsh(url, &["--format", "json", "-c", "get User 2 with orders"]);
    assert_success(&out, "get with orders");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json["orders"][0]["total"], 5, "{json}");
    assert_eq!(ok_csv(url, &["count User where count(orders) = 0"]), "0\n");
    // The same, one command at a time: each reads only the tables it needs.
    assert_eq!(ok_csv(url, &[&format!("count {s}.Order where user.name = Bo")]), "1\n");
    let described = ok_text(url, &["describe User"]);
    assert!(described.contains(&format!("{s}.orders.user_id")), "{described}");
}

/// The same table name in two schemas: the bare name is the search path's (as in PostgreSQL),
/// `sales.Order` is the other, and a schema of the path may be named too. `sql SET search_path`
/// changes what the bare name means, from the next command on.
#[test]
fn the_search_path_decides_what_a_bare_name_means() {
    let Some((_base, home, sales)) = schemas("path") else { return };
    let (h, s) = (&home.name, &sales.name);
    setup(
        &home,
        &[
            format!("sql CREATE TABLE {h}.orders (id SERIAL PRIMARY KEY, note TEXT)"),
            format!("sql CREATE TABLE {s}.orders (id SERIAL PRIMARY KEY, total INTEGER)"),
            format!("sql INSERT INTO {h}.orders (note) VALUES ('home')"),
            format!("sql INSERT INTO {s}.orders (total) VALUES (1), (2)"),
        ],
    );
    let url = &home.url;
    assert_eq!(ok_csv(url, &["query Order"]), "id,note\n1,home\n");
    assert_eq!(ok_csv(url, &[&format!("query {s}.Order fields total")]), "total\n1\n2\n");
    assert_eq!(ok_csv(url, &[&format!("query {h}.Order fields note")]), "note\nhome\n");
    let models = ok_csv(url, &[&format!("count {s}.Order"), "models"]);
    assert!(
        models.contains("Order,orders,\"id, note\"") && models.contains(&format!("{s}.Order,{s}.orders,\"id, total\"")),
        "{models}"
    );

    // With `sales` first on the path, `Order` is sales'; home's is `home.Order`.
    let after = ok_csv(
        url,
        &[
            &format!("sql SET search_path TO {s}, {h}"),
            "query Order fields total",
            &format!("query {h}.Order fields note"),
            &format!("add {h}.Order note=again"),
            &format!("count {h}.Order"),
        ],
    );
    assert!(after.ends_with("total\n1\n2\nnote\nhome\n2\n"), "{after}");
}

/// A schema that is not there is an error on the schema's part of the name, with the nearest
/// schema; a model not in a schema that is there, with that schema's models.
#[test]
fn an_unknown_schema_is_pointed_at() {
    let Some((_base, home, sales)) = schemas("unknown") else { return };
    let s = &sales.name;
    setup(&home, &[format!("sql CREATE TABLE {s}.orders (id SERIAL PRIMARY KEY)")]);
    let typo = s.replace("sales", "salse");
    let err = fails(&home.url, &format!("query {typo}.Order"));
    assert!(err.contains(&format!("unknown schema `{typo}`")), "{err}");
    let caret = format!("      {} no such schema", "^".repeat(typo.len()));
    assert!(err.contains(&caret), "the caret is under the schema only:\n{err}");
    assert!(err.contains(&format!("did you mean `{s}`?")), "{err}");

    let err = fails(&home.url, &format!("query {s}.Ordr"));
    assert!(err.contains(&format!("unknown model `{s}.Ordr`")), "{err}");
    assert!(err.contains(&format!("did you mean `{s}.Order`?")), "{err}");
}

/// A schema made by another tool while the prompt is open is found when a command names it,
/// as a table made elsewhere is (`tests/catalog_follows.rs`).
#[test]
fn a_schema_made_elsewhere_is_found_when_named() {
    let Some((_base, home, sales)) = schemas("late") else { return };
    let s = &sales.name;
    setup(&home, &[format!("sql CREATE TABLE {}.things (id INTEGER)", home.name), format!("sql DROP SCHEMA {s}")]);
    let scratch = common::Scratch::new();
    let mut pty = scratch.spawn_prompt(&home.url, 10_000);
    common::expect_on(&mut pty, "> ");
    pty.send_line("count Thing").expect("type");
    common::expect_on(&mut pty, "0");
    common::expect_on(&mut pty, "> ");
    // Made again by the other tool, after ormsh read the catalog.
    setup(
        &home,
        &[
            format!("sql CREATE SCHEMA {s}"),
            format!("sql CREATE TABLE {s}.parts (id INTEGER, name TEXT)"),
            format!("sql INSERT INTO {s}.parts VALUES (7, 'bolt')"),
        ],
    );
    pty.send_line(&format!("query {s}.Part fields name")).expect("type");
    let shown = common::expect_on(&mut pty, "(1 row)");
    assert!(shown.contains("bolt"), "{shown:?}");
    pty.send_line("quit").expect("quit");
    pty.exp_eof().expect("ormsh leaves");
}
