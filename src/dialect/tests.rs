use super::*;
use crate::ast::Direction;
use crate::catalog::{Column, ResolvedPath, Step, field_type_of};
use crate::plan::{Grouping, Load, OrderBy, Projection, Select};

/// A select of `table` row by row, with nothing but its table.
fn select_from(table: &str) -> Select {
    Select {
        table: table.into(),
        columns: vec![],
        distinct: false,
        filter: None,
        grouping: Grouping::None,
        having: None,
        order: vec![],
        limit: None,
        offset: None,
    }
}

fn shown(path: ResolvedPath, label: &str) -> Projection {
    Projection { value: Scalar::Path(path), label: label.into() }
}

fn compare(path: ResolvedPath, op: CompareOp, value: Value) -> Filter {
    Filter::Test { left: Scalar::Path(path), test: Test::Compare { op, value } }
}

fn column(name: &str) -> Column {
    Column {
        name: name.into(),
        sql_type: "TEXT".into(),
        field_type: field_type_of("TEXT"),
        nullable: true,
        primary_key: false,
        has_default: false,
        default: None,
        spelling: None,
    }
}

fn path(name: &str) -> ResolvedPath {
    ResolvedPath::column(column(name))
}

fn via_user(name: &str) -> ResolvedPath {
    ResolvedPath {
        steps: vec![Step::Reference { column: "user_id".into(), table: "users".into(), key: "id".into() }],
        column: column(name),
    }
}

#[test]
fn identifiers_are_quoted_with_their_quotes_doubled() {
    assert_eq!(Dialect::Sqlite.quote("a\"b"), "\"a\"\"b\"");
    assert_eq!(Dialect::Mysql.quote("a`b"), "`a``b`");
    assert_eq!(Dialect::Postgres.quote("select"), "\"select\"");
    // A table outside PostgreSQL's search path is named with its schema; elsewhere a dot is
    // part of the one name.
    assert_eq!(Dialect::Postgres.quote_table("sales.orders"), "\"sales\".\"orders\"");
    assert_eq!(Dialect::Postgres.quote_table("public.a.b"), "\"public\".\"a.b\"");
    assert_eq!(Dialect::Postgres.quote_table("orders"), "\"orders\"");
    assert_eq!(Dialect::Sqlite.quote_table("a.b"), "\"a.b\"");
    assert_eq!(Dialect::Mysql.quote_table("a.b"), "`a.b`");
}

#[test]
fn select_binds_every_value() {
    let select = Select {
        columns: vec![shown(path("name"), "name")],
        filter: Some(Filter::And(
            Box::new(compare(path("name"), CompareOp::Eq, Value::Text("x'); DROP TABLE users; --".into()))),
            Box::new(Filter::Test {
                left: Scalar::Path(path("age")),
                test: Test::In { values: vec![Value::Int(1), Value::Int(2)], negated: false },
            }),
        )),
        order: vec![OrderBy { value: Scalar::Path(path("name")), direction: Direction::Desc, nulls_last: false }],
        limit: Some(10),
        offset: Some(5),
        ..select_from("users")
    };
    let sql = Dialect::Postgres.select(&select);
    assert_eq!(
        sql.text,
        "SELECT \"users\".\"name\" FROM \"users\" WHERE (\"users\".\"name\" = $1 AND \"users\".\"age\" IN ($2, $3)) ORDER BY \"users\".\"name\" DESC LIMIT $4 OFFSET $5"
    );
    assert_eq!(sql.params.len(), 5);
    assert!(!sql.text.contains("DROP"));
    let sql = Dialect::Sqlite.select(&Select { limit: None, ..select });
    assert!(sql.text.ends_with("DESC LIMIT -1 OFFSET ?"), "{}", sql.text);
}

#[test]
fn references_become_subqueries() {
    let select = Select {
        columns: vec![shown(via_user("name"), "user.name")],
        filter: Some(compare(via_user("name"), CompareOp::Eq, Value::Text("John".into()))),
        ..select_from("addresses")
    };
    assert_eq!(
        Dialect::Sqlite.select(&select).text,
        "SELECT (SELECT \"t1\".\"name\" FROM \"users\" AS \"t1\" WHERE \"t1\".\"id\" = \"addresses\".\"user_id\") AS \"user.name\" FROM \"addresses\" \
         WHERE \"addresses\".\"user_id\" IN (SELECT \"t2\".\"id\" FROM \"users\" AS \"t2\" \
         WHERE (\"t2\".\"name\" = ? AND \"t2\".\"name\" = ? COLLATE BINARY))"
    );
    let delete = Delete { table: "addresses".into(), filter: select.filter.clone() };
    assert_eq!(
        Dialect::Mysql.delete(&delete).text,
        "DELETE FROM `addresses` WHERE `addresses`.`user_id` IN (SELECT `t2`.`id` FROM (SELECT `t1`.`id` FROM `users` AS `t1` \
         WHERE (`t1`.`name` = ? AND CAST(CONVERT(`t1`.`name` USING utf8mb4) AS BINARY) = ?)) AS `t2`)"
    );
}

#[test]
fn inserts_return_the_stored_row_where_they_can() {
    let returning = ["id".to_string(), "name".to_string()];
    let insert = Insert {
        table: "users".into(),
        columns: vec!["name".into()],
        rows: vec![vec![Value::Text("a".into())], vec![Value::Text("b".into())]],
        casts: vec![None],
    };
    assert_eq!(
        Dialect::Postgres.insert(&insert, &returning).text,
        "INSERT INTO \"users\" (\"name\") VALUES ($1), ($2) RETURNING \"id\", \"name\""
    );
    assert_eq!(Dialect::Mysql.insert(&insert, &returning).text, "INSERT INTO `users` (`name`) VALUES (?), (?)");
    let empty = Insert { columns: vec![], rows: vec![vec![]], ..insert };
    assert_eq!(
        Dialect::Sqlite.insert(&empty, &returning).text,
        "INSERT INTO \"users\" DEFAULT VALUES RETURNING \"id\", \"name\""
    );
}

#[test]
fn ddl_defaults_are_escaped_literals() {
    let create = CreateTable {
        table: "t".into(),
        model: None,
        columns: vec![
            ColumnDef {
                name: "id".into(),
                field_type: FieldType::Int,
                nullable: false,
                unique: false,
                primary_key: true,
                auto_increment: true,
                default: None,
                references: None,
            },
            ColumnDef {
                name: "note".into(),
                field_type: FieldType::Text,
                nullable: true,
                unique: true,
                primary_key: false,
                auto_increment: false,
                default: Some(Value::Text("it's \\ fine".into())),
                references: Some(("users".into(), "id".into())),
            },
        ],
    };
    assert_eq!(
        Dialect::Mysql.create_table(&create).text,
        "CREATE TABLE `t` (`id` BIGINT AUTO_INCREMENT PRIMARY KEY, `note` VARCHAR(255) UNIQUE DEFAULT (CONCAT('it''s ', CHAR(92 USING utf8mb4), ' fine')), FOREIGN KEY (`note`) REFERENCES `users` (`id`)) CHARACTER SET utf8mb4"
    );
    assert_eq!(
        Dialect::Sqlite.create_table(&create).text,
        "CREATE TABLE \"t\" (\"id\" INTEGER PRIMARY KEY, \"note\" TEXT UNIQUE DEFAULT 'it''s \\ fine', FOREIGN KEY (\"note\") REFERENCES \"users\" (\"id\"))"
    );
}

/// `query User where orders.total > 100`: at least one order, by EXISTS; in MySQL's DELETE, an
/// `IN` over a derived table that leaves out nulls.
#[test]
fn a_path_through_a_relation_is_an_exists_subquery() {
    let total = ResolvedPath {
        steps: vec![Step::Relation { table: "orders".into(), column: "user_id".into(), key: "id".into() }],
        column: column("total"),
    };
    let filter = Filter::Not(Box::new(compare(total, CompareOp::Gt, Value::Int(100))));
    let select =
        Select { columns: vec![shown(path("name"), "name")], filter: Some(filter.clone()), ..select_from("users") };
    assert_eq!(
        Dialect::Postgres.select(&select).text,
        "SELECT \"users\".\"name\" FROM \"users\" WHERE NOT (EXISTS (SELECT 1 FROM \"orders\" AS \"t1\" WHERE \"t1\".\"user_id\" = \"users\".\"id\" AND \"t1\".\"total\" > $1))"
    );
    let delete = Dialect::Mysql.delete(&Delete { table: "users".into(), filter: Some(filter) });
    assert_eq!(
        delete.text,
        "DELETE FROM `users` WHERE NOT (`users`.`id` IN (SELECT `t2`.`user_id` FROM (SELECT `t1`.`user_id` FROM `orders` AS `t1` WHERE `t1`.`user_id` IS NOT NULL AND `t1`.`total` > ?) AS `t2`))"
    );
}

fn int_path(name: &str) -> ResolvedPath {
    ResolvedPath::column(Column { sql_type: "INTEGER".into(), field_type: FieldType::Int, ..column(name) })
}

/// The WHERE clause and the parameters of a select of `users` with `filter`.
fn where_of(dialect: Dialect, filter: Filter) -> (String, Vec<Value>) {
    let select = Select { columns: vec![shown(path("id"), "id")], filter: Some(filter), ..select_from("users") };
    let sql = dialect.select(&select);
    let clause = sql.text.split_once(" WHERE ").map(|(_, w)| w.to_string()).unwrap_or_default();
    (clause, sql.params)
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

/// `name OP 'value'`.
fn name_is(op: CompareOp, value: &str) -> Filter {
    compare(path("name"), op, text(value))
}

fn test(path: ResolvedPath, test: Test) -> Filter {
    Filter::Test { left: Scalar::Path(path), test }
}

#[test]
fn text_is_exact_on_every_database() {
    let eq = name_is(CompareOp::Eq, "Ann");
    assert_eq!(where_of(Dialect::Postgres, eq.clone()), ("\"users\".\"name\" = $1".into(), vec![text("Ann")]));
    assert_eq!(
        where_of(Dialect::Sqlite, eq.clone()),
        ("(\"users\".\"name\" = ? AND \"users\".\"name\" = ? COLLATE BINARY)".into(), vec![text("Ann"), text("Ann")])
    );
    assert_eq!(
        where_of(Dialect::Mysql, eq).0,
        "(`users`.`name` = ? AND CAST(CONVERT(`users`.`name` USING utf8mb4) AS BINARY) = ?)"
    );
    let ne = name_is(CompareOp::Ne, "Ann");
    assert_eq!(where_of(Dialect::Sqlite, ne.clone()).0, "\"users\".\"name\" <> ? COLLATE BINARY");
    assert_eq!(where_of(Dialect::Mysql, ne).0, "CAST(CONVERT(`users`.`name` USING utf8mb4) AS BINARY) <> ?");

    let values = vec![text("Ann"), text("Bo")];
    let within = test(path("name"), Test::In { values: values.clone(), negated: false });
    assert_eq!(where_of(Dialect::Postgres, within.clone()).0, "\"users\".\"name\" IN ($1, $2)");
    let (clause, params) = where_of(Dialect::Sqlite, within.clone());
    assert_eq!(clause, "(\"users\".\"name\" IN (?, ?) AND \"users\".\"name\" COLLATE BINARY IN (?, ?))");
    assert_eq!(params, [values.clone(), values.clone()].concat());
    assert_eq!(
        where_of(Dialect::Mysql, within).0,
        "(`users`.`name` IN (?, ?) AND CAST(CONVERT(`users`.`name` USING utf8mb4) AS BINARY) IN (?, ?))"
    );
    let outside = test(path("name"), Test::In { values, negated: true });
    assert_eq!(where_of(Dialect::Sqlite, outside.clone()).0, "\"users\".\"name\" COLLATE BINARY NOT IN (?, ?)");
    assert_eq!(
        where_of(Dialect::Mysql, outside).0,
        "CAST(CONVERT(`users`.`name` USING utf8mb4) AS BINARY) NOT IN (?, ?)"
    );

    // Numbers are compared as numbers: nothing to make exact.
    let number = test(int_path("age"), Test::In { values: vec![Value::Int(1)], negated: false });
    assert_eq!(where_of(Dialect::Mysql, number).0, "`users`.`age` IN (?)");
    let number = compare(int_path("age"), CompareOp::Eq, Value::Int(1));
    assert_eq!(where_of(Dialect::Sqlite, number).0, "\"users\".\"age\" = ?");
}

#[test]
fn like_is_exact_and_ilike_ignores_case_on_every_database() {
    let like = name_is(CompareOp::Like, "A_n*%");
    assert_eq!(where_of(Dialect::Postgres, like.clone()).0, "\"users\".\"name\" LIKE $1");
    assert_eq!(
        where_of(Dialect::Sqlite, like.clone()),
        (
            "(\"users\".\"name\" LIKE ? ESCAPE '\\' AND \"users\".\"name\" GLOB ?)".into(),
            vec![text("A_n*%"), text("A?n[*]*")]
        )
    );
    assert_eq!(
        where_of(Dialect::Mysql, like).0,
        "(`users`.`name` LIKE ? AND CONVERT(`users`.`name` USING utf8mb4) COLLATE utf8mb4_bin LIKE ?)"
    );
    let unlike = name_is(CompareOp::NotLike, "A%");
    assert_eq!(where_of(Dialect::Postgres, unlike.clone()).0, "\"users\".\"name\" NOT LIKE $1");
    assert_eq!(where_of(Dialect::Sqlite, unlike.clone()), ("\"users\".\"name\" NOT GLOB ?".into(), vec![text("A*")]));
    assert_eq!(
        where_of(Dialect::Mysql, unlike).0,
        "CONVERT(`users`.`name` USING utf8mb4) COLLATE utf8mb4_bin NOT LIKE ?"
    );

    let ilike = name_is(CompareOp::ILike, "a%");
    assert_eq!(where_of(Dialect::Postgres, ilike.clone()).0, "\"users\".\"name\" ILIKE $1");
    assert_eq!(where_of(Dialect::Sqlite, ilike.clone()).0, "\"users\".\"name\" LIKE ? ESCAPE '\\'");
    assert_eq!(
        where_of(Dialect::Mysql, ilike).0,
        "LOWER(CONVERT(`users`.`name` USING utf8mb4)) COLLATE utf8mb4_bin LIKE LOWER(?)"
    );
    let not_ilike = name_is(CompareOp::NotILike, "a%");
    assert_eq!(where_of(Dialect::Postgres, not_ilike.clone()).0, "\"users\".\"name\" NOT ILIKE $1");
    assert_eq!(where_of(Dialect::Sqlite, not_ilike.clone()).0, "\"users\".\"name\" NOT LIKE ? ESCAPE '\\'");
    assert_eq!(
        where_of(Dialect::Mysql, not_ilike).0,
        "LOWER(CONVERT(`users`.`name` USING utf8mb4)) COLLATE utf8mb4_bin NOT LIKE LOWER(?)"
    );
}

#[test]
fn glob_patterns_match_what_the_like_pattern_matches() {
    assert_eq!(sqlite::glob_pattern("%"), "*");
    assert_eq!(sqlite::glob_pattern("J_hn%"), "J?hn*");
    assert_eq!(sqlite::glob_pattern("a*b?c[d]"), "a[*]b[?]c[[]d]");
    assert_eq!(sqlite::glob_pattern("100\\%\\_\\\\x\\y"), "100%_\\xy");
    assert_eq!(sqlite::glob_pattern("é_😀"), "é?😀");
    assert_eq!(sqlite::glob_pattern("end\\"), "end\\");
}

#[test]
fn between_binds_both_ends() {
    let between = |negated| Test::Between { low: Value::Int(1), high: Value::Int(5), negated };
    let filter = test(int_path("age"), between(false));
    assert_eq!(
        where_of(Dialect::Postgres, filter.clone()),
        ("\"users\".\"age\" BETWEEN $1 AND $2".into(), vec![Value::Int(1), Value::Int(5)])
    );
    let negated = Filter::Not(Box::new(test(int_path("age"), between(true))));
    assert_eq!(where_of(Dialect::Mysql, negated).0, "NOT (`users`.`age` NOT BETWEEN ? AND ?)");
    let via = test(via_user("name"), Test::Between { low: text("A"), high: text("B"), negated: false });
    assert_eq!(
        where_of(Dialect::Sqlite, via).0,
        "\"users\".\"user_id\" IN (SELECT \"t1\".\"id\" FROM \"users\" AS \"t1\" WHERE \"t1\".\"name\" BETWEEN ? AND ?)"
    );
}

/// A column of `sql_type` (its ormsh type as the catalog would read it).
fn typed(name: &str, sql_type: &str) -> Column {
    Column { sql_type: sql_type.into(), field_type: field_type_of(sql_type), primary_key: name == "id", ..column(name) }
}

/// `query Product with tags, order_items.order`: a many-to-many through `product_tags`, a
/// relation, and a reference nested in it; the products' bytes and floats are written so that
/// JSON can carry them.
fn product_loads() -> (Select, Vec<Load>) {
    let order = Load {
        name: "order".into(),
        steps: vec![Step::Reference { column: "order_id".into(), table: "orders".into(), key: "id".into() }],
        table: "orders".into(),
        columns: vec![typed("id", "INTEGER"), typed("total", "NUMERIC")],
        order: vec!["id".into()],
        nested: vec![],
    };
    let items = Load {
        name: "order_items".into(),
        steps: vec![Step::Relation { table: "order_items".into(), column: "product_id".into(), key: "id".into() }],
        table: "order_items".into(),
        columns: vec![typed("id", "INTEGER"), typed("order_id", "INTEGER")],
        order: vec!["id".into()],
        nested: vec![order],
    };
    let tags = Load {
        name: "tags".into(),
        steps: vec![
            Step::Relation { table: "product_tags".into(), column: "product_id".into(), key: "id".into() },
            Step::Reference { column: "tag_id".into(), table: "tags".into(), key: "id".into() },
        ],
        table: "tags".into(),
        columns: vec![typed("id", "INTEGER"), typed("we\"ird`", "TEXT"), typed("photo", "BLOB"), typed("w", "REAL")],
        order: vec!["id".into()],
        nested: vec![],
    };
    let select = Select {
        columns: vec![shown(path("name"), "name")],
        filter: Some(compare(int_path("id"), CompareOp::Eq, Value::Int(7))),
        ..select_from("products")
    };
    (select, vec![tags, items])
}

/// `with`: one statement, each load a correlated subquery aggregated to JSON in key order; the
/// only value bound is the condition's.
#[test]
fn loads_are_subqueries_aggregated_to_json() {
    let (select, loads) = product_loads();
    let sqlite = Dialect::Sqlite.select_with(&select, &loads);
    assert_eq!(
        sqlite.text,
        "SELECT \"products\".\"name\", (SELECT json_group_array(json_array(\"t1\".\"id\", \"t1\".\"we\"\"ird`\", CASE WHEN \"t1\".\"photo\" IS NULL THEN NULL ELSE hex(\"t1\".\"photo\") END, CASE WHEN typeof(\"t1\".\"w\") = 'real' THEN quote(\"t1\".\"w\") ELSE \"t1\".\"w\" END)) FROM (SELECT * FROM \"tags\" AS \"t2\" WHERE EXISTS (SELECT 1 FROM \"product_tags\" AS \"t3\" WHERE \"t3\".\"product_id\" = \"products\".\"id\" AND \"t2\".\"id\" = \"t3\".\"tag_id\") ORDER BY \"t2\".\"id\") AS \"t1\") AS \"tags\", (SELECT json_group_array(json_array(\"t4\".\"id\", \"t4\".\"order_id\", json((SELECT json_array(\"t5\".\"id\", CASE WHEN typeof(\"t5\".\"total\") = 'real' THEN quote(\"t5\".\"total\") ELSE \"t5\".\"total\" END) FROM \"orders\" AS \"t5\" WHERE \"t5\".\"id\" = \"t4\".\"order_id\")))) FROM (SELECT * FROM \"order_items\" AS \"t6\" WHERE \"t6\".\"product_id\" = \"products\".\"id\" ORDER BY \"t6\".\"id\") AS \"t4\") AS \"order_items\" FROM \"products\" WHERE \"products\".\"id\" = ?"
    );
    let postgres = Dialect::Postgres.select_with(&select, &loads);
    assert_eq!(
        postgres.text,
        "SELECT \"products\".\"name\", CAST((SELECT COALESCE(json_agg(\"t2\" ORDER BY \"t2\".\"0\"), '[]'::json) FROM (SELECT \"t1\".\"id\" AS \"0\", \"t1\".\"we\"\"ird`\" AS \"1\", encode(\"t1\".\"photo\", 'hex') AS \"2\", \"t1\".\"w\" AS \"3\" FROM \"tags\" AS \"t1\" WHERE EXISTS (SELECT 1 FROM \"product_tags\" AS \"t3\" WHERE \"t3\".\"product_id\" = \"products\".\"id\" AND \"t1\".\"id\" = \"t3\".\"tag_id\")) AS \"t2\") AS TEXT) AS \"tags\", CAST((SELECT COALESCE(json_agg(\"t5\" ORDER BY \"t5\".\"0\"), '[]'::json) FROM (SELECT \"t4\".\"id\" AS \"0\", \"t4\".\"order_id\" AS \"1\", (SELECT row_to_json(\"t7\") FROM (SELECT \"t6\".\"id\" AS \"0\", \"t6\".\"total\" AS \"1\" FROM \"orders\" AS \"t6\" WHERE \"t6\".\"id\" = \"t4\".\"order_id\") AS \"t7\") AS \"2\" FROM \"order_items\" AS \"t4\" WHERE \"t4\".\"product_id\" = \"products\".\"id\") AS \"t5\") AS TEXT) AS \"order_items\" FROM \"products\" WHERE \"products\".\"id\" = $1"
    );
    let mysql = Dialect::Mysql.select_with(&select, &loads);
    assert_eq!(
        mysql.text,
        "SELECT `products`.`name`, (SELECT COALESCE(JSON_ARRAYAGG(JSON_ARRAY(`t1`.`id`, `t1`.`we\"ird```, HEX(`t1`.`photo`), `t1`.`w`) ORDER BY `t1`.`id`), JSON_ARRAY()) FROM `tags` AS `t1` WHERE EXISTS (SELECT 1 FROM `product_tags` AS `t2` WHERE `t2`.`product_id` = `products`.`id` AND `t1`.`id` = `t2`.`tag_id`)) AS `tags`, (SELECT COALESCE(JSON_ARRAYAGG(JSON_ARRAY(`t3`.`id`, `t3`.`order_id`, (SELECT JSON_ARRAY(`t4`.`id`, `t4`.`total`) FROM `orders` AS `t4` WHERE `t4`.`id` = `t3`.`order_id`)) ORDER BY `t3`.`id`), JSON_ARRAY()) FROM `order_items` AS `t3` WHERE `t3`.`product_id` = `products`.`id`) AS `order_items` FROM `products` WHERE `products`.`id` = ?"
    );
    for sql in [sqlite, postgres, mysql] {
        assert_eq!(sql.params, [Value::Int(7)]);
    }
    assert_eq!(Dialect::Sqlite.select_with(&select, &[]), Dialect::Sqlite.select(&select));
}

/// A new table's references get an index each, but on MySQL, whose foreign keys make their own.
#[test]
fn references_get_an_index_where_the_database_makes_none() {
    let column = |name: &str, references: Option<(String, String)>| ColumnDef {
        name: name.into(),
        field_type: FieldType::Int,
        nullable: false,
        unique: false,
        primary_key: false,
        auto_increment: false,
        default: None,
        references,
    };
    let create = CreateTable {
        table: "orders".into(),
        model: None,
        columns: vec![column("total", None), column("user_id", Some(("users".into(), "id".into())))],
    };
    let texts = |d: Dialect| d.reference_indexes(&create).iter().map(|s| s.text.clone()).collect::<Vec<_>>();
    assert_eq!(texts(Dialect::Sqlite), ["CREATE INDEX \"orders_user_id_idx\" ON \"orders\" (\"user_id\")"]);
    assert_eq!(texts(Dialect::Postgres), ["CREATE INDEX \"orders_user_id_idx\" ON \"orders\" (\"user_id\")"]);
    assert!(texts(Dialect::Mysql).is_empty());
}

#[test]
fn compound_assignments_change_the_stored_value() {
    let update = Update {
        table: "products".into(),
        set: vec![
            ("price".into(), Value::Decimal("0.9".into())),
            ("stock".into(), Value::Int(1)),
            ("name".into(), text("x")),
            ("views".into(), Value::Int(2)),
        ],
        casts: vec![],
        ops: vec![(AssignOp::Mul, false), (AssignOp::Sub, true), (AssignOp::Set, false), (AssignOp::Div, true)],
        filter: None,
    };
    let sql = Dialect::Postgres.update(&update);
    assert_eq!(
        sql.text(),
        r#"UPDATE "products" SET "price" = "price" * $1, "stock" = "stock" - $2, "name" = $3, "views" = "views" / $4"#
    );
    assert_eq!(sql.params().len(), 4);
    assert_eq!(
        Dialect::Mysql.update(&update).text(),
        "UPDATE `products` SET `price` = `price` * ?, `stock` = `stock` - ?, `name` = ?, `views` = `views` DIV ?"
    );
    let plain = Update { ops: vec![], ..update };
    assert_eq!(
        Dialect::Sqlite.update(&plain).text(),
        r#"UPDATE "products" SET "price" = ?, "stock" = ?, "name" = ?, "views" = ?"#
    );
}

#[test]
fn upserts_are_one_statement_on_every_database() {
    let insert = Insert {
        table: "users".into(),
        columns: vec!["email".into(), "name".into()],
        rows: vec![vec![text("a@x.io"), text("Ann")]],
        casts: vec![],
    };
    let key = ["email".to_string()];
    let update = ["name".to_string()];
    let returning = ["id".to_string(), "email".to_string(), "name".to_string()];
    let pg = Dialect::Postgres.upsert(&insert, &key, &update, &returning);
    assert_eq!(
        pg.text(),
        r#"INSERT INTO "users" ("email", "name") VALUES ($1, $2) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name" RETURNING "id", "email", "name""#
    );
    assert_eq!(pg.params(), &[text("a@x.io"), text("Ann")]);
    assert_eq!(
        Dialect::Sqlite.upsert(&insert, &key, &update, &[]).text(),
        r#"INSERT INTO "users" ("email", "name") VALUES (?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = excluded."name""#
    );
    // No RETURNING on MySQL, whatever is asked: the row is read again by its key.
    assert_eq!(
        Dialect::Mysql.upsert(&insert, &key, &update, &returning).text(),
        "INSERT INTO `users` (`email`, `name`) VALUES (?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)"
    );
    // Only the key given: the row found is "updated" to itself, so that RETURNING gives it.
    let only_key = Insert { columns: vec!["email".into()], rows: vec![vec![text("a@x.io")]], ..insert.clone() };
    assert_eq!(
        Dialect::Sqlite.upsert(&only_key, &key, &[], &["id".to_string()]).text(),
        r#"INSERT INTO "users" ("email") VALUES (?) ON CONFLICT ("email") DO UPDATE SET "email" = excluded."email" RETURNING "id""#
    );
    // Hostile names stay quoted.
    let odd =
        Insert { table: "a\"b".into(), columns: vec!["c\"d".into()], rows: vec![vec![Value::Int(1)]], casts: vec![] };
    assert_eq!(
        Dialect::Postgres.upsert(&odd, &["c\"d".to_string()], &[], &[]).text(),
        r#"INSERT INTO "a""b" ("c""d") VALUES ($1) ON CONFLICT ("c""d") DO UPDATE SET "c""d" = excluded."c""d""#
    );
}

#[test]
fn a_key_found_when_the_command_runs_is_bound_where_the_plan_put_its_stand_in() {
    let insert = Insert {
        table: "orders".into(),
        columns: vec!["user_id".into(), "total".into()],
        rows: vec![vec![Value::Null, Value::Int(10)]],
        casts: vec![],
    };
    for dialect in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let planned = dialect.insert(&insert, &[]);
        let text = planned.text().to_string();
        let bound = planned.clone().rebind(0, Value::Int(7));
        // The text is unchanged: the key is a bound value like any other.
        assert_eq!(bound.text(), text);
        assert_eq!(bound.params(), &[Value::Int(7), Value::Int(10)]);
        // `explain` shows the stand-in, with a note, and keeps the other values.
        let shown = planned.with_param_note("parameter 1 is the key the lookup above finds");
        assert_eq!(shown.text(), format!("{text} -- parameter 1 is the key the lookup above finds"));
        assert_eq!(shown.params(), &[Value::Null, Value::Int(10)]);
    }
}
