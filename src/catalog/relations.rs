//! Relations: every foreign key seen from the table it points at. `orders.user_id → users.id`
//! is the reference `Order.user` (forward, one row) and the relation `User.orders` (backward,
//! many rows); a join table (two references and nothing else but its own key and timestamps)
//! also gives each end a many-to-many relation through it (`Product.tags`).
//!
//! Relations are worked out when a name is looked up, not stored: they depend on every other
//! table, and the fast paths (an `add` of a known field) never need them.

use heck::ToSnakeCase;

use super::{Catalog, ForeignKey, Table};
use crate::naming;

/// One step of a path from one table to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Along a reference (many-to-one): the current row's `column` holds the `key` of one row of
    /// `table`.
    Reference { column: String, table: String, key: String },
    /// Against a reference (one-to-many): every row of `table` whose `column` holds the current
    /// row's `key`.
    Relation { table: String, column: String, key: String },
}

impl Step {
    /// The table the step leads to.
    pub fn table(&self) -> &str {
        match self {
            Step::Reference { table, .. } | Step::Relation { table, .. } => table,
        }
    }

    /// Whether the step may lead to many rows.
    pub fn fans_out(&self) -> bool {
        matches!(self, Step::Relation { .. })
    }

    /// The two columns that must be equal to take the step: the one of the row it starts from,
    /// and the one of the step's table.
    pub fn link(&self) -> (&str, &str) {
        match self {
            Step::Reference { column, key, .. } => (column, key),
            Step::Relation { column, key, .. } => (key, column),
        }
    }
}

/// A relation of one table: the rows of another table that refer to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The name the user types: `orders`, `messages_as_sender`, `tags`.
    pub name: String,
    pub kind: RelationKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelationKind {
    /// One-to-many: the rows of `table` whose `column` holds this table's `key`.
    Many { table: String, column: String, key: String },
    /// Many-to-many through the join table `join`: its `near` column holds this table's `key`,
    /// its `far` column the `target_key` of a row of `target`.
    Through { join: String, near: String, key: String, far: String, target: String, target_key: String },
}

impl Relation {
    /// The steps that follow the relation: one, or two through a join table.
    pub fn steps(&self) -> Vec<Step> {
        match &self.kind {
            RelationKind::Many { table, column, key } => {
                vec![Step::Relation { table: table.clone(), column: column.clone(), key: key.clone() }]
            }
            RelationKind::Through { join, near, key, far, target, target_key } => vec![
                Step::Relation { table: join.clone(), column: near.clone(), key: key.clone() },
                Step::Reference { column: far.clone(), table: target.clone(), key: target_key.clone() },
            ],
        }
    }

    /// The table whose rows the relation leads to.
    pub fn target(&self) -> &str {
        match &self.kind {
            RelationKind::Many { table, .. } => table,
            RelationKind::Through { target, .. } => target,
        }
    }

    /// How `describe` shows where the relation comes from: `orders.user_id`, or
    /// `tags through product_tags`.
    pub fn origin(&self) -> String {
        match &self.kind {
            RelationKind::Many { table, column, .. } => format!("{table}.{column}"),
            RelationKind::Through { join, near, far, .. } => format!("through {join} ({near}, {far})"),
        }
    }

    /// Whether `typed` names this relation: exactly, case-insensitively, or in CamelCase
    /// (`OrderItems` for `order_items`).
    pub fn answers_to(&self, typed: &str) -> bool {
        self.name == typed || self.name.eq_ignore_ascii_case(typed) || typed.to_snake_case() == self.name
    }
}

/// Column names a join table may have besides its two references and its own key.
const TIMESTAMPS: [&str; 6] = ["created_at", "updated_at", "inserted_at", "createdAt", "updatedAt", "insertedAt"];

/// Whether `table` is a join table: exactly two references, on two columns, and no other column
/// but its own key and timestamps.
pub fn is_join_table(table: &Table) -> bool {
    let [a, b] = table.foreign_keys.as_slice() else {
        return false;
    };
    a.column != b.column
        && table.columns.iter().all(|c| {
            c.name == a.column
                || c.name == b.column
                || c.primary_key
                || TIMESTAMPS.iter().any(|t| c.name.eq_ignore_ascii_case(t))
        })
}

/// The name of the relation made by the references of `child`: the plural of its model name in
/// snake_case (`orders` → `orders`, `OrderDetails` → `order_details`, `people` → `people`), of a
/// table in another schema too (`sales.orders` → `orders`): a relation's name is one name.
fn plural_name(child: &str) -> String {
    let child = naming::split_schema(child).1;
    naming::table_for_model(&naming::model_for_table(child))
}

impl Catalog {
    /// Every relation of `table`, backward (one-to-many) first, then many-to-many; names are
    /// unique among them, and a name a column or reference already has is left to it.
    pub fn relations(&self, table: &Table) -> Vec<Relation> {
        let mut found: Vec<Relation> = Vec::new();
        for child in &self.tables {
            let fks: Vec<&ForeignKey> = child.foreign_keys.iter().filter(|fk| fk.ref_table == table.name).collect();
            if fks.is_empty() {
                continue;
            }
            let plural = plural_name(&child.name);
            for fk in &fks {
                // A table that refers twice (sender, recipient) gives one relation for each.
                let name = if fks.len() > 1 {
                    format!("{plural}_as_{}", fk.reference_name().to_snake_case())
                } else {
                    plural.clone()
                };
                let kind = RelationKind::Many {
                    table: child.name.clone(),
                    column: fk.column.clone(),
                    key: fk.ref_column.clone(),
                };
                found.push(Relation { name, kind });
            }
        }
        for join in self.tables.iter().filter(|t| is_join_table(t)) {
            let [a, b] = join.foreign_keys.as_slice() else { continue };
            for (near, far) in [(a, b), (b, a)] {
                if near.ref_table != table.name {
                    continue;
                }
                // Both ends on one table (followers, followees): named by the far reference.
                let name = if a.ref_table == b.ref_table {
                    naming::table_for_model(far.reference_name()).to_snake_case()
                } else {
                    plural_name(&far.ref_table)
                };
                let kind = RelationKind::Through {
                    join: join.name.clone(),
                    near: near.column.clone(),
                    key: near.ref_column.clone(),
                    far: far.column.clone(),
                    target: far.ref_table.clone(),
                    target_key: far.ref_column.clone(),
                };
                found.push(Relation { name, kind });
            }
        }
        // A name taken by a field, or by an earlier relation, gets the table it comes from.
        let fields = table.field_names();
        let mut named: Vec<Relation> = Vec::with_capacity(found.len());
        for mut relation in found {
            let taken = |name: &str, named: &[Relation]| {
                fields.iter().any(|f| f.eq_ignore_ascii_case(name)) || named.iter().any(|r| r.name == name)
            };
            if taken(&relation.name, &named) {
                let via = match &relation.kind {
                    RelationKind::Many { table, .. } => table.clone(),
                    RelationKind::Through { join, .. } => join.clone(),
                };
                relation.name = format!("{}_via_{}", relation.name, via.to_snake_case());
            }
            if !taken(&relation.name, &named) {
                named.push(relation);
            }
        }
        named
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::{FieldPath, Ident, Span};
    use crate::catalog::fixtures::table;
    use crate::catalog::{End, Member};
    use crate::error::ErrorKind;

    fn shop() -> Catalog {
        Catalog {
            partial: None,
            schemas: Default::default(),
            tables: vec![
                table("users", &["name"], &[]),
                table("orders", &["total"], &[("user_id", "users")]),
                table("order_items", &["quantity"], &[("order_id", "orders"), ("product_id", "products")]),
                table("products", &["name"], &[]),
                table("tags", &["name"], &[]),
                table("product_tags", &["created_at"], &[("product_id", "products"), ("tag_id", "tags")]),
                table("messages", &["body"], &[("sender_id", "users"), ("recipient_id", "users")]),
                table("employees", &["name"], &[("reports_to_id", "employees")]),
                table("follows", &[], &[("follower_id", "users"), ("followee_id", "users")]),
                table("OrderDetails", &["Quantity"], &[("OrderId", "Orders2")]),
                table("Orders2", &[], &[]),
            ],
            declared: Vec::new(),
            views: vec![],
        }
    }

    fn names(catalog: &Catalog, table: &str) -> Vec<String> {
        catalog.relations(catalog.table(table).unwrap()).into_iter().map(|r| r.name).collect()
    }

    fn path(text: &str) -> FieldPath {
        crate::catalog::fixtures::path_at(text, 0)
    }

    #[test]
    fn every_foreign_key_is_a_relation_of_the_table_it_points_at() {
        let catalog = shop();
        assert_eq!(
            names(&catalog, "users"),
            [
                "orders",
                "messages_as_sender",
                "messages_as_recipient",
                "follows_as_follower",
                "follows_as_followee",
                "followees",
                "followers"
            ]
        );
        assert_eq!(names(&catalog, "products"), ["order_items", "product_tags", "tags"]);
        assert_eq!(names(&catalog, "tags"), ["product_tags", "products"]);
        assert_eq!(names(&catalog, "employees"), ["employees"]);
        assert_eq!(names(&catalog, "Orders2"), ["order_details"]);
        assert!(names(&catalog, "order_items").is_empty());
    }

    #[test]
    fn join_tables_have_two_references_and_nothing_else() {
        let catalog = shop();
        assert!(is_join_table(catalog.table("product_tags").unwrap()));
        assert!(is_join_table(catalog.table("follows").unwrap()));
        // A column of its own (quantity) makes a table a model, not a join.
        assert!(!is_join_table(catalog.table("order_items").unwrap()));
        assert!(!is_join_table(catalog.table("messages").unwrap()));
    }

    #[test]
    fn relations_resolve_in_every_spelling_and_chain_both_ways() {
        let catalog = shop();
        let users = catalog.table("users").unwrap();
        for typed in ["orders", "ORDERS", "Orders"] {
            let ident = Ident { name: typed.into(), span: Span::default() };
            assert!(matches!(catalog.member(users, &ident), Ok(Member::Relation(r)) if r.name == "orders"));
        }
        let products = catalog.table("products").unwrap();
        let ident = Ident { name: "OrderItems".into(), span: Span::default() };
        assert!(matches!(catalog.member(products, &ident), Ok(Member::Relation(r)) if r.name == "order_items"));

        let walk = catalog.walk(users, &path("orders.order_items.product.tags.name")).unwrap();
        let tables: Vec<&str> = walk.steps.iter().map(Step::table).collect();
        assert_eq!(tables, ["orders", "order_items", "products", "product_tags", "tags"]);
        assert_eq!(walk.first_relation, Some(0));
        assert!(matches!(walk.end, End::Column(ref c) if c.name == "name"));
        let walk = catalog.walk(users, &path("orders")).unwrap();
        assert_eq!(walk.end, End::Rows("orders".into()));
        assert_eq!(walk.first_relation, Some(0));
    }

    #[test]
    fn a_relation_is_not_a_field_and_unknown_names_suggest_relations() {
        let catalog = shop();
        let users = catalog.table("users").unwrap();
        let err = catalog.path(users, &path("orders")).unwrap_err();
        assert!(err.message.contains("is a relation"), "{}", err.message);
        assert!(err.help.unwrap().contains("count(orders)"));
        let err = catalog.path(users, &path("ordrs.total")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Name);
        assert_eq!(err.help.as_deref(), Some("did you mean `orders`?"));
        assert_eq!(err.span, Some(Span::new(0, 5)));
        let err = catalog.path(users, &path("orders.totl")).unwrap_err();
        assert_eq!(err.help.as_deref(), Some("did you mean `total`?"));
        assert_eq!(err.span, Some(Span::new(7, 11)));
    }
}
