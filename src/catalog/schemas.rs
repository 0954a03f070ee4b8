//! PostgreSQL's schemas, as far as model names need them. The catalog names a table of the
//! search path as the path finds it (`users`), and any other table with its schema
//! (`sales.orders`); a model may be named with its schema either way (`sales.Order`,
//! `public.User`). SQLite and MySQL have none: every name there is one table's.

use std::collections::HashMap;

use crate::naming::split_schema;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schemas {
    /// Every schema a model may be named by (not the system's), read or not.
    pub names: Vec<String>,
    /// The schema of each table that the catalog names without one (those of the search path).
    pub homes: HashMap<String, String>,
}

impl Schemas {
    /// The schema `typed` stands for: by exact name, then case-insensitively.
    pub fn find(&self, typed: &str) -> Option<&str> {
        let exact = self.names.iter().find(|s| *s == typed);
        exact.or_else(|| self.names.iter().find(|s| s.eq_ignore_ascii_case(typed))).map(String::as_str)
    }

    /// Whether the table the catalog names `table` is in `schema`.
    pub fn holds(&self, schema: &str, table: &str) -> bool {
        match split_schema(table) {
            (Some(own), _) => own == schema,
            (None, _) => self.homes.get(table).is_some_and(|home| home == schema),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_are_found_exactly_then_in_any_case_and_hold_their_tables() {
        let schemas = Schemas {
            names: vec!["Sales".into(), "public".into(), "sales".into()],
            homes: HashMap::from([("users".to_string(), "public".to_string())]),
        };
        assert_eq!(schemas.find("sales"), Some("sales"));
        assert_eq!(schemas.find("SALES"), Some("Sales"));
        assert_eq!(schemas.find("PUBLIC"), Some("public"));
        assert_eq!(schemas.find("salse"), None);
        assert!(schemas.holds("public", "users") && !schemas.holds("sales", "users"));
        assert!(schemas.holds("sales", "sales.orders") && !schemas.holds("public", "sales.orders"));
    }
}
