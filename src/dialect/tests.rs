use super::*;
use crate::ast::Direction;
use crate::catalog::{Column, ResolvedPath, Step, field_type_of};
use crate::plan::{Grouping, OrderBy, Projection, Select};

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
