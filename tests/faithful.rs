//! Faithful to what other tools wrote and read (issue 12): each case as the issue gives it, on
//! the backends it names. SQLite always; PostgreSQL and MariaDB when `ORMSH_TEST_PG` and
//! `ORMSH_TEST_MYSQL` are set (skipped with a reason otherwise, a failure under `CI=true`).

mod common;

use common::{Scratch, ServerDb, ServerKind, assert_success, ok_csv, ormsh};

/// A database of one test's own on each backend that is there: its name and URL, and what
/// keeps it (a temporary directory, or a schema or database dropped at the end).
struct Backend {
    name: &'static str,
    url: String,
    _keep: Keep,
}

#[allow(dead_code)]
enum Keep {
    Dir(Scratch),
    Server(ServerDb),
}

fn backends(label: &str) -> Vec<Backend> {
    let scratch = Scratch::new();
    let mut all = vec![Backend { name: "sqlite", url: scratch.url("t.db"), _keep: Keep::Dir(scratch) }];
    for (kind, name) in [(ServerKind::Postgres, "postgres"), (ServerKind::Mysql, "mysql")] {
        if let Some(db) = kind.fresh_db("faithful", label) {
            all.push(Backend { name, url: db.url.clone(), _keep: Keep::Server(db) });
        }
    }
    all
}

/// Runs commands that must all succeed, `--format csv`.
fn csv(backend: &Backend, commands: &[&str]) -> String {
    ok_csv(&backend.url, commands)
}

/// Runs one command that must fail; returns its stderr.
fn fails(backend: &Backend, command: &str) -> String {
    let out = ormsh(&backend.url, &["-c", command]);
    assert!(
        !out.status.success(),
        "{}: `{command}` succeeded:\n{}",
        backend.name,
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs commands that must succeed, for their effect.
fn run(backend: &Backend, commands: &[&str]) {
    let mut args = Vec::new();
    for c in commands {
        args.extend(["-c", c]);
    }
    assert_success(&ormsh(&backend.url, &args), &format!("{}: {commands:?}", backend.name));
}

/// Item 3: a reference to a uuid-keyed model is a uuid column, which every database takes as a
/// foreign key and which holds the uuid; a composite key is refused with a clear message.
#[test]
fn a_reference_takes_the_type_of_the_key_it_refers_to() {
    for b in backends("uuid_ref") {
        run(&b, &["model Post { id: uuid primary, title: text }", "model Comment { post: Post, body: text }"]);
        let id = "0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10";
        run(&b, &[&format!("add Post id={id} title=Hi"), &format!("add Comment post={id} body=First")]);
        assert_eq!(
            csv(&b, &["query Comment fields body, post.title where post.id = 0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10"]),
            "body,post.title\nFirst,Hi\n",
            "{}",
            b.name
        );
        let err = fails(&b, "add Comment post=00000000-0000-0000-0000-000000000000 body=Orphan");
        assert!(!err.contains("not an int"), "{}: {err}", b.name);
        run(&b, &["sql CREATE TABLE pairs (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b))"]);
        let err = fails(&b, "model Thing { pair: Pair }");
        assert!(
            err.contains("`Pair` has a composite primary key (a, b), which a reference cannot hold"),
            "{}: {err}",
            b.name
        );
        assert!(csv(&b, &["models"]).lines().all(|l| !l.starts_with("Thing,")), "{}: no table is left behind", b.name);
    }
}

/// Item 4: a `numeric(8,2)` column shows its scale, 39.90 and 2.00, in table, CSV and JSON, in
/// a record's related records and in a sum, as psql, mysql, Django and Sequelize do; a decimal of
/// no declared scale stays canonical.
#[test]
fn decimals_keep_their_columns_scale() {
    for b in backends("scale") {
        run(
            &b,
            &[
                "sql CREATE TABLE products (id INTEGER PRIMARY KEY, name VARCHAR(20), price NUMERIC(8,2))",
                "sql CREATE TABLE items (id INTEGER PRIMARY KEY, product_id INTEGER, cost NUMERIC(8,2), FOREIGN KEY (product_id) REFERENCES products (id))",
                "add Product id=1 name=Tea price=39.90",
                "add Product id=2 name=Cup price=2",
                "add Item id=1 product=1 cost=1.5",
            ],
        );
        assert_eq!(csv(&b, &["query Product order by id"]), "id,name,price\n1,Tea,39.90\n2,Cup,2.00\n", "{}", b.name);
        let table = ormsh(&b.url, &["-c", "query Product fields price order by id"]);
        assert_eq!(String::from_utf8_lossy(&table.stdout), " price\n-------\n 39.90\n  2.00\n(2 rows)\n", "{}", b.name);
        let json = ormsh(&b.url, &["--format", "json", "-c", "get Product 1 with items"]);
        assert_eq!(
            String::from_utf8_lossy(&json.stdout),
            "{\"id\":1,\"name\":\"Tea\",\"price\":39.90,\"items\":[{\"id\":1,\"product_id\":1,\"cost\":1.50}]}\n",
            "{}",
            b.name
        );
        assert_eq!(csv(&b, &["query Product fields sum(price)"]), "sum(price)\n41.90\n", "{}", b.name);
    }
}

/// Item 5: a bool kept in an integer (peewee and tortoise make `is_admin INTEGER`, TypeORM a
/// `tinyint`) takes `true` and `false` as 1 and 0; a `tinyint(1)` (MySQL's BOOLEAN) is a bool.
#[test]
fn integer_booleans_take_true_and_false() {
    for b in backends("intbool") {
        let small = if b.name == "mysql" { "TINYINT" } else { "SMALLINT" };
        run(
            &b,
            &[
                &format!(
                    "sql CREATE TABLE members (id INTEGER PRIMARY KEY, is_admin INTEGER NOT NULL, active {small})"
                ),
                "add Member id=1 is_admin=true active=false",
                "add Member id=2 is_admin=false active=true",
            ],
        );
        assert_eq!(csv(&b, &["query Member where is_admin=true"]), "id,is_admin,active\n1,1,0\n", "{}", b.name);
        assert_eq!(csv(&b, &["count Member where active = true and is_admin != true"]), "1\n", "{}", b.name);
        if b.name != "postgres" {
            run(&b, &["sql CREATE TABLE flags (id INTEGER PRIMARY KEY, on_off TINYINT(1))", "add Flag id=1 on_off=1"]);
            assert_eq!(csv(&b, &["query Flag where on_off = true"]), "id,on_off\n1,true\n", "{}", b.name);
        }
    }
}
