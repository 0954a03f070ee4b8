//! Faithful to what other tools wrote and read (issue 12): each case as the issue gives it, on
//! the backends it names. SQLite always; PostgreSQL and MariaDB when `ORMSH_TEST_PG` and
//! `ORMSH_TEST_MYSQL` are set (skipped with a reason otherwise, a failure under `CI=true`).

mod common;

use common::{Scratch, ServerDb, ServerKind, assert_success, ok_csv, ormsh, unique_name};

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

/// Item 2: on SQLite, a datetime compares as the instant it is whatever spelling its row has
/// (SQLAlchemy's, Django's, Sequelize's), still through the column's index; ormsh writes the
/// spelling the column holds, else SQLAlchemy's; a dashed uuid finds one kept as 32 hex digits.
#[test]
fn sqlite_dates_and_uuids_match_whatever_their_spelling() {
    let scratch = Scratch::new();
    let url = scratch.url("spellings.db");
    let setup = [
        "sql CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, created_at DATETIME NOT NULL, ext CHAR(32))",
        "sql CREATE INDEX users_created_at ON users (created_at)",
        "sql INSERT INTO users VALUES (1, 'sqlalchemy', '2024-01-02 03:04:05.000000', '0b6f9c1e8c574d5e9a432f1d8a7e6b10'), \
         (2, 'django', '2024-01-02 03:04:05', NULL), (3, 'sequelize', '2024-01-02 03:04:05.000 +00:00', NULL), \
         (4, 'python half', '2024-01-02 03:04:05.500000', NULL), (5, 'later', '2024-01-03 00:00:00.000000', NULL)",
    ];
    let mut args = Vec::new();
    for c in setup {
        args.extend(["-c", c]);
    }
    assert_success(&ormsh(&url, &args), "setup");
    let count = |condition: &str| ok_csv(&url, &[&format!("count User where {condition}")]).trim().to_string();
    assert_eq!(count("created_at = 2024-01-02T03:04:05"), "3");
    assert_eq!(count("created_at <= 2024-01-02T03:04:05"), "3");
    assert_eq!(count("created_at < 2024-01-02T03:04:05.5"), "3");
    assert_eq!(count("created_at >= 2024-01-02T03:04:05.5"), "2");
    assert_eq!(count("created_at != 2024-01-02T03:04:05"), "2");
    assert_eq!(count("created_at between 2024-01-02 and 2024-01-02T23:59:59"), "4");
    assert_eq!(count("created_at in (2024-01-02T03:04:05, 2024-01-03)"), "4");
    assert_eq!(count("created_at not in (2024-01-02T03:04:05)"), "2");
    // What ormsh writes is what Python binds: the `.500000` row is the one ormsh's value equals.
    assert_eq!(count("created_at = \"2024-01-02 03:04:05.500\""), "1");
    // The index still serves the comparison.
    let explain = ormsh(&url, &["-c", "explain count User where created_at = 2024-01-02T03:04:05"]);
    let explain = String::from_utf8_lossy(&explain.stdout).into_owned();
    let sql = explain.lines().find_map(|l| l.strip_prefix("SQL: ")).expect("explain shows the SQL").to_string();
    let params: Vec<String> = explain
        .lines()
        .find_map(|l| l.strip_prefix("params: "))
        .expect("explain shows the params")
        .split(", ")
        .map(|p| p.split_once(" = ").unwrap().1.to_string())
        .collect();
    let mut plan_sql = sql.replacen("COUNT(*)", "*", 1);
    for p in &params {
        plan_sql = plan_sql.replacen('?', p, 1);
    }
    let plan = ok_csv(&url, &[&format!("sql EXPLAIN QUERY PLAN {plan_sql}")]);
    assert!(
        plan.contains("USING COVERING INDEX users_created_at") || plan.contains("USING INDEX users_created_at"),
        "{plan}"
    );
    // (`|| ''` shows the text as it is kept, not the value it is read as.)
    // The uuid Django and SQLAlchemy keep as 32 hex digits, found and written by its dashed form.
    assert_eq!(count("ext = 0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10"), "1");
    assert_success(
        &ormsh(
            &url,
            &[
                "-c",
                "add User id=6 name=ormsh created_at=2024-02-03T04:05:06.25 ext=0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b11",
            ],
        ),
        "add",
    );
    assert_eq!(
        ok_csv(&url, &["sql SELECT created_at || '' AS created_at, ext FROM users WHERE id = 6"]),
        "created_at,ext\n2024-02-03 04:05:06.250000,0b6f9c1e8c574d5e9a432f1d8a7e6b11\n"
    );
    // A column whose rows spell it as Sequelize does gets Sequelize's spelling.
    let setup = [
        "sql CREATE TABLE events (id INTEGER PRIMARY KEY, at DATETIME)",
        "sql INSERT INTO events VALUES (1, '2024-01-02 03:04:05.000 +00:00')",
    ];
    let mut args = Vec::new();
    for c in setup {
        args.extend(["-c", c]);
    }
    assert_success(&ormsh(&url, &args), "events");
    assert_success(&ormsh(&url, &["-c", "add Event id=2 at=2024-05-06T07:08:09"]), "add an event");
    assert_eq!(
        ok_csv(&url, &["sql SELECT at || '' AS at FROM events WHERE id = 2"]),
        "at\n2024-05-06 07:08:09.000 +00:00\n"
    );
    assert_eq!(ok_csv(&url, &["query Event order by id"]), "id,at\n1,2024-01-02 03:04:05\n2,2024-05-06 07:08:09\n");
}

/// Item 8: a quoted value that is not JSON is refused for a json field (PostgreSQL and MariaDB
/// stored it as a JSON string), on every database; a JSON string is written in its own quotes.
#[test]
fn a_json_field_takes_json_only() {
    for b in backends("json") {
        run(&b, &["model Doc { data: json }"]);
        let err = fails(&b, "add Doc data=\"{a: 1}\"");
        assert!(err.contains("\"{a: 1}\" is not valid json"), "{}: {err}", b.name);
        assert!(err.contains("'\"text\"'"), "{}: {err}", b.name);
        run(&b, &["add Doc data='\"text\"'", "add Doc data='{\"a\": 1}'"]);
        assert_eq!(
            csv(&b, &["query Doc fields data order by id"]),
            "data\n\"\"\"text\"\"\"\n\"{\"\"a\"\":1}\"\n",
            "{}",
            b.name
        );
    }
}

/// Whether `stderr` has a caret (`^`) under column `at` (counted from 0) of the one-line
/// `command` it shows.
fn caret_under(stderr: &str, command: &str, at: usize) -> bool {
    let Some(shown) = stderr.lines().find(|l| l.ends_with(command)) else { return false };
    let gutter = shown.len() - command.len();
    stderr
        .lines()
        .any(|l| l.len() > gutter + at && l.as_bytes()[gutter + at] == b'^' && l[gutter..gutter + at].trim().is_empty())
}

/// Item 8: a PostgreSQL array takes ormsh's own list syntax, `tags=(a, b)` (issue 12's case),
/// in `add`, `update … set` and comparisons: each element checked against the element type
/// before anything is sent, the whole bound as one array parameter, and the array shown as
/// PostgreSQL prints it (a JSON array in JSON).
#[test]
fn postgres_arrays_take_the_list_syntax() {
    let Some(db) = ServerKind::Postgres.fresh_db("faithful", "arrays") else { return };
    let b = Backend { name: "postgres", url: db.url.clone(), _keep: Keep::Server(db) };
    run(&b, &["sql create table arr_posts (id serial primary key, title text, tags text[], nums int[])"]);

    // The issue's case: stored as the array {a,b}, whose second element PostgreSQL reads as `b`.
    run(&b, &["add ArrPost title=x tags=(a, b)"]);
    assert_eq!(csv(&b, &["get ArrPost 1"]), "id,title,tags,nums\n1,x,\"{a,b}\",\n");
    assert_eq!(csv(&b, &["query ArrPost fields tags"]), "tags\n\"{a,b}\"\n");
    assert_eq!(
        csv(&b, &["sql select tags[2] as second, cardinality(tags) as n from arr_posts where id = 1"]),
        "second,n\nb,2\n"
    );
    let out = ormsh(&b.url, &["--format", "json", "-c", "query ArrPost fields tags, nums"]);
    assert_success(&out, "query in json");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json, serde_json::json!([{"tags": ["a", "b"], "nums": null}]));

    // Elements with a comma or a space, null, a number for text, and ints; then the empty array.
    run(
        &b,
        &[
            r#"add ArrPost title=y tags=("b c", "d,e", null, 3) nums=(1, -2, null)"#,
            "add ArrPost title=z tags=() nums=()",
        ],
    );
    assert_eq!(
        csv(&b, &["query ArrPost fields tags, nums where id > 1 order by id"]),
        "tags,nums\n\"{\"\"b c\"\",\"\"d,e\"\",NULL,3}\",\"{1,-2,NULL}\"\n{},{}\n"
    );
    assert_eq!(
        csv(
            &b,
            &["sql select tags[1] as a, tags[2] as b, tags[3] is null as c, nums[2] as d from arr_posts where id = 2"]
        ),
        "a,b,c,d\nb c,\"d,e\",true,-2\n"
    );
    assert_eq!(csv(&b, &["sql select cardinality(tags) as n from arr_posts where id = 3"]), "n\n0\n");

    // `update … set` and a comparison of the whole array.
    run(&b, &["update ArrPost where id=1 set tags=(c, d)"]);
    assert_eq!(csv(&b, &["query ArrPost fields id where tags = (c, d)"]), "id\n1\n");
    assert_eq!(csv(&b, &["count ArrPost where tags = (d, c)"]), "0\n");
    assert_eq!(csv(&b, &["query ArrPost fields id where nums = () "]), "id\n3\n");

    // PostgreSQL's own text form, as ormsh shows an array (and exports it to CSV), is taken too.
    run(&b, &[r#"add ArrPost title=v tags='{p,"q r",NULL}' nums='{7}'"#]);
    assert_eq!(
        csv(&b, &["query ArrPost fields tags, nums where title = v"]),
        "tags,nums\n\"{p,\"\"q r\"\",NULL}\",{7}\n"
    );
    run(&b, &["delete ArrPost where title = v"]);

    // `explain` shows the one array parameter.
    let out = ormsh(&b.url, &["-c", "explain add ArrPost title=x tags=(a, \"b c\")"]);
    assert_success(&out, "explain");
    let explained = String::from_utf8_lossy(&out.stdout);
    assert!(explained.contains("params: 1 = 'x', 2 = '{a,\"b c\"}'"), "{explained}");

    // An int[] refuses `x`, pointing at it; a list in a list, and a list for a text field, at
    // their `(`. Nothing was written.
    let command = "add ArrPost title=w nums=(1, x)";
    let err = fails(&b, command);
    assert!(err.contains("`x` is not an int"), "{err}");
    assert!(caret_under(&err, command, command.rfind('x').unwrap()), "{err}");
    let command = "add ArrPost title=w tags=(a, (b))";
    let err = fails(&b, command);
    assert!(err.contains("a list cannot hold a list"), "{err}");
    assert!(caret_under(&err, command, command.find("(b").unwrap()), "{err}");
    let command = "update ArrPost where id=1 set title=(a, b)";
    let err = fails(&b, command);
    assert!(err.contains("a list is a value only for an array field (PostgreSQL)"), "{err}");
    assert!(caret_under(&err, command, command.find('(').unwrap()), "{err}");
    assert_eq!(csv(&b, &["count ArrPost"]), "3\n");
}

/// Item 8: SQLite and MariaDB have no arrays: a list for a field is refused at its `(`, for a
/// json field too (a JSON array is written as JSON).
#[test]
fn a_list_is_refused_where_there_are_no_arrays() {
    for b in backends("no_arrays").into_iter().filter(|b| b.name != "postgres") {
        run(&b, &["sql CREATE TABLE arr_notes (id INTEGER PRIMARY KEY, tags TEXT, data JSON)"]);
        for command in ["add ArrNote tags=(a, b)", "add ArrNote data=(1, 2)", "query ArrNote where tags = (a)"] {
            let err = fails(&b, command);
            assert!(err.contains("a list is a value only for an array field (PostgreSQL)"), "{}: {err}", b.name);
            assert!(caret_under(&err, command, command.find('(').unwrap()), "{}: {err}", b.name);
        }
        assert_eq!(csv(&b, &["count ArrNote"]), "0\n", "{}", b.name);
    }
}

/// Item 8: MariaDB's zero dates are shown as written, and `is null` agrees with what is shown.
#[test]
fn mariadb_zero_dates_are_shown_as_written() {
    let Some(db) = ServerKind::Mysql.fresh_db("faithful", "zero_dates") else { return };
    let setup = [
        "sql SET SESSION sql_mode = ''",
        "sql CREATE TABLE stamps (id INT PRIMARY KEY, d DATE NOT NULL, at DATETIME NOT NULL, maybe DATE NULL)",
        "sql INSERT INTO stamps VALUES (1, '0000-00-00', '0000-00-00 00:00:00', '0000-00-00'), \
         (2, '2024-01-02', '2024-01-02 03:04:05', NULL)",
    ];
    let mut args = Vec::new();
    for c in setup {
        args.extend(["-c", c]);
    }
    assert_success(&ormsh(&db.url, &args), "setup");
    assert_eq!(
        ok_csv(&db.url, &["query Stamp order by id"]),
        "id,d,at,maybe\n1,0000-00-00,0000-00-00 00:00:00,0000-00-00\n2,2024-01-02,2024-01-02 03:04:05,\n"
    );
    assert_eq!(ok_csv(&db.url, &["count Stamp where d is null"]), "0\n");
    assert_eq!(ok_csv(&db.url, &["count Stamp where at is null"]), "0\n");
    assert_eq!(ok_csv(&db.url, &["query Stamp fields id where maybe is null"]), "id\n2\n");
    assert_eq!(ok_csv(&db.url, &["count Stamp where d is not null"]), "2\n");
}

/// Item 6: a view is a model: `create view active_users …` → `query ActiveUser`, on all three;
/// `add` to it is a clear error where the database cannot write through it (SQLite), and works
/// where it can (a simple view on PostgreSQL and MariaDB).
#[test]
fn views_are_models() {
    for b in backends("views") {
        run(
            &b,
            &[
                "sql CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(20), active BOOLEAN)",
                "add User id=1 name=Ann active=true",
                "add User id=2 name=Bob active=false",
                "sql CREATE VIEW active_users AS SELECT id, name, active FROM users WHERE active",
            ],
        );
        assert_eq!(csv(&b, &["query ActiveUser fields name"]), "name\nAnn\n", "{}", b.name);
        assert!(csv(&b, &["models"]).contains("ActiveUser,active_users,"), "{}", b.name);
        if b.name == "sqlite" {
            let err = fails(&b, "add ActiveUser id=3 name=Cid active=true");
            assert!(
                err.contains("ActiveUser is the view `active_users`, which the database cannot write rows through"),
                "{err}"
            );
            assert!(fails(&b, "delete ActiveUser all").contains("a read-only view"));
        } else {
            run(&b, &["add ActiveUser id=3 name=Cid active=true"]);
            assert_eq!(
                csv(&b, &["query User fields name where active = true order by id"]),
                "name\nAnn\nCid\n",
                "{}",
                b.name
            );
        }
    }
}

/// Item 7 (in part): the connection's search_path is honoured: every schema in it is read, each
/// name as PostgreSQL resolves it (the first schema that has it), so a table of `sales` is a
/// model when `sales` is on the path, and shadows a table of the same name further on.
#[test]
fn postgres_search_path_is_honoured() {
    let Some(base) = ServerKind::Postgres.fresh_db("faithful", "path") else { return };
    let sales = ServerDb::create_pg_schema(&base.url, &unique_name("faithful", "sales"));
    let shop = ServerDb::create_pg_schema(&base.url, &unique_name("faithful", "shop"));
    let setup = [
        format!("sql CREATE TABLE {}.orders (id INTEGER PRIMARY KEY, total NUMERIC(8,2))", sales.name),
        format!("sql INSERT INTO {}.orders VALUES (1, 10.5)", sales.name),
        format!("sql CREATE TABLE {}.orders (id INTEGER PRIMARY KEY, other INTEGER)", shop.name),
        format!("sql CREATE TABLE {}.customers (id INTEGER PRIMARY KEY, name TEXT)", shop.name),
    ];
    let mut args = Vec::new();
    for c in &setup {
        args.extend(["-c", c.as_str()]);
    }
    assert_success(&ormsh(&sales.admin_url, &args), "setup");
    let joiner = if sales.admin_url.contains('?') { '&' } else { '?' };
    let url = format!("{}{joiner}options=-csearch_path%3D{}%2C{}", sales.admin_url, sales.name, shop.name);
    let models = ok_csv(&url, &["models"]);
    assert!(models.contains("Order,orders,\"id, total\""), "{models}");
    assert!(models.contains("Customer,customers,\"id, name\""), "{models}");
    assert_eq!(ok_csv(&url, &["query Order"]), "id,total\n1,10.50\n");
    assert_success(&ormsh(&url, &["-c", "add Customer id=1 name=Ann"]), "add to the second schema of the path");
    assert_eq!(ok_csv(&shop.url, &["query Customer"]), "id,name\n1,Ann\n");
}

/// Item 1: every name `models` lists resolves, on every database: Sequelize's `TeamMembers`,
/// Rails' irregular plurals (`media`, `octopi`) by the model Rails names them with too.
#[test]
fn every_listed_model_resolves() {
    for b in backends("names") {
        run(
            &b,
            &[
                "sql CREATE TABLE \"TeamMembers\" (id INTEGER PRIMARY KEY, name VARCHAR(20))",
                "sql CREATE TABLE media (id INTEGER PRIMARY KEY)",
                "sql CREATE TABLE octopi (id INTEGER PRIMARY KEY)",
            ]
            .map(|c| if b.name == "mysql" { c.replace('"', "`") } else { c.to_string() })
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        );
        let models = csv(&b, &["models"]);
        for line in models.lines().skip(1) {
            let model = line.split(',').next().unwrap();
            assert_eq!(csv(&b, &[&format!("count {model}")]), "0\n", "{}: {model}", b.name);
        }
        for model in ["TeamMember", "Medium", "Octopus"] {
            assert_eq!(csv(&b, &[&format!("count {model}")]), "0\n", "{}: {model}", b.name);
        }
    }
}

/// Found by Sequelize in tests/interop.rs: the `createdAt` ormsh filled when it added a row to a
/// table of Sequelize's had microseconds, which Sequelize (JavaScript's `Date`) reads back cut to
/// milliseconds, so that it did not find the row again by the `createdAt` it read (on SQLite and
/// PostgreSQL). `now`, filled or given, is whole milliseconds on every database; on SQLite it is
/// spelled as Sequelize spells its rows. The tables are Sequelize's, as its `sync` makes them.
#[test]
fn now_is_whole_milliseconds_as_sequelize_keeps_it() {
    for b in backends("sequelize_now") {
        let (create, tea) = match b.name {
            "sqlite" => (
                "sql CREATE TABLE `ShopBooks` (`id` INTEGER PRIMARY KEY AUTOINCREMENT, `title` VARCHAR(100), \
                 `seen_at` DATETIME, `createdAt` DATETIME NOT NULL, `updatedAt` DATETIME NOT NULL)",
                "sql INSERT INTO `ShopBooks` (`title`, `createdAt`, `updatedAt`) \
                 VALUES ('Tea', '2024-01-02 03:04:05.285 +00:00', '2024-01-02 03:04:05.285 +00:00')",
            ),
            "postgres" => (
                "sql CREATE TABLE IF NOT EXISTS \"ShopBooks\" (\"id\" SERIAL, \"title\" VARCHAR(100), \
                 \"seen_at\" TIMESTAMP(6) WITH TIME ZONE, \"createdAt\" TIMESTAMP WITH TIME ZONE NOT NULL, \
                 \"updatedAt\" TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (\"id\"))",
                "sql INSERT INTO \"ShopBooks\" (\"title\", \"createdAt\", \"updatedAt\") \
                 VALUES ('Tea', '2024-01-02 03:04:05.285 +00:00', '2024-01-02 03:04:05.285 +00:00')",
            ),
            // (Sequelize's timestamps are whole seconds on MariaDB; its DATE(6) keeps microseconds.)
            _ => (
                "sql CREATE TABLE IF NOT EXISTS `ShopBooks` (`id` INTEGER NOT NULL auto_increment, \
                 `title` VARCHAR(100), `seen_at` DATETIME(6), `createdAt` DATETIME NOT NULL, \
                 `updatedAt` DATETIME NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB",
                "sql INSERT INTO `ShopBooks` (`title`, `createdAt`, `updatedAt`) \
                 VALUES ('Tea', '2024-01-02 03:04:05', '2024-01-02 03:04:05')",
            ),
        };
        run(&b, &[create, tea]);
        run(&b, &["add ShopBook title=Pot seen_at=now", "update ShopBook where title = Tea set seen_at = now"]);
        let shown = csv(&b, &["query ShopBook fields title, seen_at, createdAt, updatedAt order by title"]);
        let mut rows = 0;
        for line in shown.lines().skip(1) {
            for value in line.split(',').skip(1) {
                // The digits after the second's point, whatever follows them (`+00:00`).
                let fraction = value.split_once('.').map_or("", |(_, f)| f);
                let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
                assert!(digits <= 3, "{}: {value} is finer than milliseconds in\n{shown}", b.name);
            }
            rows += 1;
        }
        assert_eq!(rows, 2, "{}: {shown}", b.name);
        if b.name == "sqlite" {
            // (`|| ''` shows the text as it is kept.) Sequelize's spelling, three digits always.
            let kept = csv(&b, &["sql SELECT createdAt || '' AS at FROM ShopBooks WHERE title = 'Pot'"]);
            let at = kept.strip_prefix("at\n").and_then(|t| t.strip_suffix(" +00:00\n"));
            let at = at.unwrap_or_else(|| panic!("not Sequelize's spelling: {kept}"));
            assert!(at.len() == 23 && at.as_bytes()[19] == b'.', "not Sequelize's spelling: {kept}");
        }
    }
}
