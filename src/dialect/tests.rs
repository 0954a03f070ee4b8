use super::*;
use crate::catalog::{Column, ResolvedPath, Step, field_type_of};
use crate::plan::{Load, Projection};

fn column(name: &str) -> Column {
    Column {
        name: name.into(),
        sql_type: "TEXT".into(),
        field_type: field_type_of("TEXT"),
        nullable: true,
        primary_key: false,
        has_default: false,
        default: None,
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
}

#[test]
fn select_binds_every_value() {
    let select = Select {
        table: "users".into(),
        columns: vec![Projection { path: path("name"), label: "name".into() }],
        filter: Some(Filter::And(
            Box::new(Filter::Compare {
                path: path("name"),
                op: CompareOp::Eq,
                value: Value::Text("x'); DROP TABLE users; --".into()),
            }),
            Box::new(Filter::In { path: path("age"), values: vec![Value::Int(1), Value::Int(2)], negated: false }),
        )),
        order: vec![(path("name"), Direction::Desc)],
        limit: Some(10),
        offset: Some(5),
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
        table: "addresses".into(),
        columns: vec![Projection { path: via_user("name"), label: "user.name".into() }],
        filter: Some(Filter::Compare { path: via_user("name"), op: CompareOp::Eq, value: Value::Text("John".into()) }),
        order: vec![],
        limit: None,
        offset: None,
    };
    assert_eq!(
        Dialect::Sqlite.select(&select).text,
        "SELECT (SELECT \"t1\".\"name\" FROM \"users\" AS \"t1\" WHERE \"t1\".\"id\" = \"addresses\".\"user_id\") AS \"user.name\" FROM \"addresses\" \
         WHERE \"addresses\".\"user_id\" IN (SELECT \"t2\".\"id\" FROM \"users\" AS \"t2\" WHERE \"t2\".\"name\" = ?)"
    );
    let delete = Delete { table: "addresses".into(), filter: select.filter.clone() };
    assert_eq!(
        Dialect::Mysql.delete(&delete).text,
        "DELETE FROM `addresses` WHERE `addresses`.`user_id` IN (SELECT `t2`.`id` FROM (SELECT `t1`.`id` FROM `users` AS `t1` WHERE `t1`.`name` = ?) AS `t2`)"
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
        "CREATE TABLE `t` (`id` BIGINT AUTO_INCREMENT PRIMARY KEY, `note` VARCHAR(255) UNIQUE DEFAULT 'it''s \\\\ fine', FOREIGN KEY (`note`) REFERENCES `users` (`id`))"
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
    let filter = Filter::Not(Box::new(Filter::Compare { path: total, op: CompareOp::Gt, value: Value::Int(100) }));
    let select = Select {
        table: "users".into(),
        columns: vec![Projection { path: path("name"), label: "name".into() }],
        filter: Some(filter.clone()),
        order: vec![],
        limit: None,
        offset: None,
    };
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
        table: "products".into(),
        columns: vec![Projection { path: path("name"), label: "name".into() }],
        filter: Some(Filter::Compare { path: path("name"), op: CompareOp::Eq, value: Value::Text("Tea".into()) }),
        order: vec![],
        limit: None,
        offset: None,
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
        "SELECT \"products\".\"name\", (SELECT json_group_array(json_array(\"t1\".\"id\", \"t1\".\"we\"\"ird`\", CASE WHEN \"t1\".\"photo\" IS NULL THEN NULL ELSE hex(\"t1\".\"photo\") END, CASE WHEN typeof(\"t1\".\"w\") = 'real' THEN quote(\"t1\".\"w\") ELSE \"t1\".\"w\" END)) FROM (SELECT * FROM \"tags\" AS \"t2\" WHERE EXISTS (SELECT 1 FROM \"product_tags\" AS \"t3\" WHERE \"t3\".\"product_id\" = \"products\".\"id\" AND \"t2\".\"id\" = \"t3\".\"tag_id\") ORDER BY \"t2\".\"id\") AS \"t1\") AS \"tags\", (SELECT json_group_array(json_array(\"t4\".\"id\", \"t4\".\"order_id\", json((SELECT json_array(\"t5\".\"id\", CASE WHEN typeof(\"t5\".\"total\") = 'real' THEN quote(\"t5\".\"total\") ELSE \"t5\".\"total\" END) FROM \"orders\" AS \"t5\" WHERE \"t5\".\"id\" = \"t4\".\"order_id\")))) FROM (SELECT * FROM \"order_items\" AS \"t6\" WHERE \"t6\".\"product_id\" = \"products\".\"id\" ORDER BY \"t6\".\"id\") AS \"t4\") AS \"order_items\" FROM \"products\" WHERE \"products\".\"name\" = ?"
    );
    let postgres = Dialect::Postgres.select_with(&select, &loads);
    assert_eq!(
        postgres.text,
        "SELECT \"products\".\"name\", CAST((SELECT COALESCE(json_agg(\"t2\" ORDER BY \"t2\".\"0\"), '[]'::json) FROM (SELECT \"t1\".\"id\" AS \"0\", \"t1\".\"we\"\"ird`\" AS \"1\", encode(\"t1\".\"photo\", 'hex') AS \"2\", \"t1\".\"w\" AS \"3\" FROM \"tags\" AS \"t1\" WHERE EXISTS (SELECT 1 FROM \"product_tags\" AS \"t3\" WHERE \"t3\".\"product_id\" = \"products\".\"id\" AND \"t1\".\"id\" = \"t3\".\"tag_id\")) AS \"t2\") AS TEXT) AS \"tags\", CAST((SELECT COALESCE(json_agg(\"t5\" ORDER BY \"t5\".\"0\"), '[]'::json) FROM (SELECT \"t4\".\"id\" AS \"0\", \"t4\".\"order_id\" AS \"1\", (SELECT row_to_json(\"t7\") FROM (SELECT \"t6\".\"id\" AS \"0\", \"t6\".\"total\" AS \"1\" FROM \"orders\" AS \"t6\" WHERE \"t6\".\"id\" = \"t4\".\"order_id\") AS \"t7\") AS \"2\" FROM \"order_items\" AS \"t4\" WHERE \"t4\".\"product_id\" = \"products\".\"id\") AS \"t5\") AS TEXT) AS \"order_items\" FROM \"products\" WHERE \"products\".\"name\" = $1"
    );
    let mysql = Dialect::Mysql.select_with(&select, &loads);
    assert_eq!(
        mysql.text,
        "SELECT `products`.`name`, (SELECT COALESCE(JSON_ARRAYAGG(JSON_ARRAY(`t1`.`id`, `t1`.`we\"ird```, HEX(`t1`.`photo`), `t1`.`w`) ORDER BY `t1`.`id`), JSON_ARRAY()) FROM `tags` AS `t1` WHERE EXISTS (SELECT 1 FROM `product_tags` AS `t2` WHERE `t2`.`product_id` = `products`.`id` AND `t1`.`id` = `t2`.`tag_id`)) AS `tags`, (SELECT COALESCE(JSON_ARRAYAGG(JSON_ARRAY(`t3`.`id`, `t3`.`order_id`, (SELECT JSON_ARRAY(`t4`.`id`, `t4`.`total`) FROM `orders` AS `t4` WHERE `t4`.`id` = `t3`.`order_id`)) ORDER BY `t3`.`id`), JSON_ARRAY()) FROM `order_items` AS `t3` WHERE `t3`.`product_id` = `products`.`id`) AS `order_items` FROM `products` WHERE `products`.`name` = ?"
    );
    for sql in [sqlite, postgres, mysql] {
        assert_eq!(sql.params, [Value::Text("Tea".into())]);
    }
    assert_eq!(Dialect::Sqlite.select_with(&select, &[]), Dialect::Sqlite.select(&select));
}
