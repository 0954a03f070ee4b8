//! Changing data as ORM users do (issue 15), on SQLite, PostgreSQL and MariaDB alike: compound
//! assignments, upsert by primary and by unique key, a reference set by a field of its row, and
//! the conventional timestamps.
//!
//! The servers come from `ORMSH_TEST_PG` and `ORMSH_TEST_MYSQL`; without them their part is
//! skipped with a printed reason, except under `CI=true`, where that is a failure.

mod common;

use common::{Scratch, ServerDb, ServerKind, ok_csv, ormsh};

/// One database of a test, kept for as long as the test runs.
struct Db {
    backend: &'static str,
    url: String,
    _scratch: Scratch,
    _server: Option<ServerDb>,
}

/// SQLite, and each server that is configured, each with `setup` run on it.
fn databases(label: &str, setup: &[&str]) -> Vec<Db> {
    let scratch = Scratch::new();
    let url = scratch.url("changes.db");
    let mut dbs = vec![Db { backend: "SQLite", url, _scratch: scratch, _server: None }];
    for (backend, kind) in [("PostgreSQL", ServerKind::Postgres), ("MariaDB", ServerKind::Mysql)] {
        if let Some(server) = kind.fresh_db("changes", label) {
            dbs.push(Db { backend, url: server.url.clone(), _scratch: Scratch::new(), _server: Some(server) });
        }
    }
    for db in &dbs {
        ok_csv(&db.url, setup);
    }
    dbs
}

/// Runs `command`, which must fail; returns its stderr.
fn fails(db: &Db, command: &str) -> String {
    let out = ormsh(&db.url, &["-c", command]);
    assert!(!out.status.success(), "{}: `{command}` succeeded", db.backend);
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn compound_assignments_change_the_stored_numbers() {
    let setup = [
        "model Product { name: text unique, price: decimal, stock: int, rating: float? }",
        "add Product name=pen price=2.50 stock=10 rating=4",
        "add Product name=ink price=12.00 stock=7",
    ];
    for db in databases("compound", &setup) {
        ok_csv(&db.url, &["update Product where name=pen set price *= 2, stock -= 1, rating += 0.5"]);
        // Integers divide as integers on every database (MariaDB's `/` would give 2.333…, stored as 2).
        ok_csv(&db.url, &["update Product where name=ink set stock /= 3, price /= 4"]);
        let rows = ok_csv(&db.url, &["query Product fields name, price, stock, rating order by name"]);
        assert_eq!(rows, "name,price,stock,rating\nink,3,2,\npen,5,9,4.5\n", "{}", db.backend);
        // Integer division truncates toward zero everywhere: 9 / 2 is 4, -9 / 2 is -4.
        ok_csv(
            &db.url,
            &["update Product where name=pen set stock /= 2", "update Product where name=ink set stock -= 11"],
        );
        ok_csv(&db.url, &["update Product where name=ink set stock /= 2"]);
        let stock = ok_csv(&db.url, &["query Product fields name, stock order by name"]);
        assert_eq!(stock, "name,stock\nink,-4\npen,4\n", "{}", db.backend);
        let err = fails(&db, "update Product all set name += x");
        assert!(err.contains("`+=` needs a number, and `name` is text"), "{}: {err}", db.backend);
    }
}

/// Runs `commands` with the stored records shown (`--verbose`), as CSV; they must succeed.
fn shown(db: &Db, commands: &[&str]) -> String {
    let mut args = vec!["--verbose", "--format", "csv"];
    for c in commands {
        args.extend(["-c", c]);
    }
    let out = ormsh(&db.url, &args);
    common::assert_success(&out, &format!("{}: {commands:?}", db.backend));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn upsert_inserts_or_updates_by_the_primary_or_a_unique_key() {
    let setup = [
        "model User { email: text unique, name: text, age: int? }",
        "model Stock table stock { shop: text, item: text, qty: int }",
        "sql CREATE UNIQUE INDEX stock_shop_item ON stock (shop, item)",
    ];
    for db in databases("upsert", &setup) {
        // By the unique key `email`: a new row, then the same row changed.
        let first = shown(&db, &["upsert User email=a@x.io name=Ann"]);
        assert_eq!(first, "id,email,name,age\n1,a@x.io,Ann,\n", "{}", db.backend);
        let again = shown(&db, &["upsert User email=a@x.io name=Anna age=30"]);
        assert_eq!(again, "id,email,name,age\n1,a@x.io,Anna,30\n", "{}", db.backend);
        // By the primary key, which wins over `email` when both are given: the email changes.
        let by_id = shown(&db, &["upsert User id=1 email=b@x.io name=Anna"]);
        assert_eq!(by_id, "id,email,name,age\n1,b@x.io,Anna,30\n", "{}", db.backend);
        let rows = ok_csv(&db.url, &["query User fields email, name, age order by id"]);
        assert_eq!(rows, "email,name,age\nb@x.io,Anna,30\n", "{}", db.backend);
        // A key of two fields.
        ok_csv(&db.url, &["upsert Stock shop=a item=pen qty=1", "upsert Stock shop=a item=ink qty=2"]);
        ok_csv(&db.url, &["upsert Stock shop=a item=pen qty=5"]);
        let stock = ok_csv(&db.url, &["query Stock fields item, qty order by item"]);
        assert_eq!(stock, "item,qty\nink,2\npen,5\n", "{}", db.backend);
        // No key given: the error names the keys, and nothing is stored.
        let err = fails(&db, "upsert Stock shop=a qty=3");
        assert!(err.contains("`upsert` needs the fields of a key of Stock"), "{}: {err}", db.backend);
        assert!(err.contains("its keys: id, (shop, item)"), "{}: {err}", db.backend);
        assert_eq!(common::count(&db.url, "Stock"), 2, "{}", db.backend);
    }
}

#[test]
fn timestamps_are_filled_on_add_and_upsert_and_refreshed_on_update() {
    let setup = [
        "model Post { title: text unique, created_at: datetime, updated_at: datetime }",
        "model Item { name: text unique, createdAt: datetime, updatedAt: datetime, seen_at: datetime? }",
    ];
    for db in databases("stamps", &setup) {
        // A script's `add`s are written in batches: each row gets its timestamps there too.
        let scratch = Scratch::new();
        let adds: String = (0..50).map(|i| format!("add Post title=p{i}\n")).collect();
        let script = scratch.write("adds.orm", &adds);
        let out = ormsh(&db.url, &["-f", script.to_str().unwrap()]);
        common::assert_success(&out, &format!("{}: the script of adds", db.backend));
        let recent = "count Post where created_at > 2025-01-01 and created_at <= now and updated_at = .created_at";
        assert_eq!(common::scalar(&db.url, recent), "50", "{}", db.backend);
        // A value given wins.
        ok_csv(&db.url, &["add Post title=old created_at=\"2020-01-01 00:00:00\" updated_at=\"2020-01-02 00:00:00\""]);
        let old = ok_csv(&db.url, &["query Post fields created_at, updated_at where title=old"]);
        assert_eq!(old, "created_at,updated_at\n2020-01-01 00:00:00,2020-01-02 00:00:00\n", "{}", db.backend);
        // `update` refreshes updated_at, and only it.
        ok_csv(&db.url, &["update Post where title=old set title=older"]);
        let older = "count Post where title=older and created_at = 2020-01-01 and updated_at > 2025-01-01";
        assert_eq!(common::scalar(&db.url, older), "1", "{}", db.backend);
        // … unless the update sets it.
        ok_csv(&db.url, &["update Post where title=older set updated_at=\"2021-01-01 00:00:00\""]);
        assert_eq!(
            common::scalar(&db.url, "count Post where updated_at = \"2021-01-01 00:00:00\""),
            "1",
            "{}",
            db.backend
        );
        // `upsert` of a row that exists keeps its created_at and refreshes updated_at.
        ok_csv(&db.url, &["upsert Post title=older"]);
        assert_eq!(common::scalar(&db.url, older), "1", "{}", db.backend);
        // The camelCase spelling (Sequelize), beside a nullable datetime, which is not filled.
        ok_csv(&db.url, &["add Item name=a", "upsert Item name=b"]);
        let items = "count Item where createdAt <= now and updatedAt = .createdAt and seen_at is null";
        assert_eq!(common::scalar(&db.url, items), "2", "{}", db.backend);
        // `describe` says which fields are filled.
        let described = String::from_utf8_lossy(&ormsh(&db.url, &["-c", "describe Item"]).stdout).into_owned();
        assert!(
            described.contains(
                "filled by ormsh: createdAt, updatedAt (UTC now, on add and upsert; updatedAt again on update), unless given"
            ),
            "{}: {described}",
            db.backend
        );
    }
}

#[test]
fn a_reference_is_set_by_a_field_of_the_one_row_it_points_at() {
    let setup = [
        "model User { email: text unique, name: text, country: text }",
        "model Order { user: User, total: int, note: text? }",
        "model Member { user: User, club: text, role: text }",
        "sql CREATE UNIQUE INDEX member_user_club ON members (user_id, club)",
        "add User email=a@x.io name=Ann country=NO",
        "add User email=b@x.io name=Bob country=NO",
        "add User email=c@x.io name=Cy country=SE",
    ];
    for db in databases("reference", &setup) {
        // One match: the key is found and stored, by add, update and upsert.
        ok_csv(&db.url, &["add Order user.email=a@x.io total=10", "add Order user.country=SE total=20"]);
        ok_csv(&db.url, &["update Order where total=10 set user.name=Bob"]);
        ok_csv(&db.url, &["upsert Order id=2 user.email=a@x.io total=21"]);
        let rows = ok_csv(&db.url, &["query Order fields user.email, total order by total"]);
        assert_eq!(rows, "user.email,total\nb@x.io,10\na@x.io,21\n", "{}", db.backend);
        // An upsert whose key holds such a reference: the stored record is shown (MariaDB reads
        // it back by the key found).
        let member = shown(&db, &["upsert Member user.email=b@x.io club=chess role=member"]);
        assert!(member.ends_with(",chess,member\n"), "{}: {member}", db.backend);
        let member = shown(&db, &["upsert Member user.email=b@x.io club=chess role=captain"]);
        assert!(member.ends_with(",chess,captain\n") && member.lines().count() == 2, "{}: {member}", db.backend);
        assert_eq!(common::scalar(&db.url, "count Member where user.name=Bob"), "1", "{}", db.backend);
        // A script's adds that set references so are written one by one (never batched).
        let scratch = Scratch::new();
        let script =
            scratch.write("adds.orm", "add Order user.email=c@x.io total=1\nadd Order user.email=c@x.io total=2\n");
        common::assert_success(&ormsh(&db.url, &["-f", script.to_str().unwrap()]), db.backend);
        assert_eq!(common::scalar(&db.url, "count Order where user.name=Cy"), "2", "{}", db.backend);
        // Outside a transaction, one is opened for the lookup and the write.
        let explained = ok_csv(&db.url, &["explain add Order user.email=a@x.io total=1"]);
        let at = |word: &str| explained.find(word);
        let begin = at("BEGIN").or(at("START TRANSACTION"));
        assert!(begin.is_some() && begin < at("SELECT"), "{}: {explained}", db.backend);
        assert!(at("INSERT") < at("COMMIT"), "{}: {explained}", db.backend);
        // None, or several: an error that names the count and the model; nothing is written.
        let none = fails(&db, "add Order user.country=DK total=1");
        assert!(none.contains("0 User rows match country = DK"), "{}: {none}", db.backend);
        let two = fails(&db, "add Order user.country=NO total=1");
        assert!(two.contains("2 User rows match country = NO"), "{}: {two}", db.backend);
        let update = fails(&db, "update Order all set user.country=NO");
        assert!(update.contains("2 User rows match country = NO"), "{}: {update}", db.backend);
        assert_eq!(common::count(&db.url, "Order"), 4, "{}", db.backend);
        assert_eq!(common::scalar(&db.url, "count Order where total=1 and user.name=Cy"), "1", "{}", db.backend);
        // Inside a transaction, a failed lookup undoes its command alone; the transaction lives on.
        let out = ormsh(
            &db.url,
            &[
                "--format",
                "csv",
                "--on-error",
                "continue",
                "-c",
                "begin",
                "-c",
                "add Order user.email=b@x.io total=5",
                "-c",
                "add Order user.email=z@x.io total=6",
                "-c",
                "commit",
            ],
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("0 User rows match email = z@x.io"), "{}: {stderr}", db.backend);
        assert_eq!(common::scalar(&db.url, "count Order where total in (5, 6)"), "1", "{}", db.backend);
    }
}
