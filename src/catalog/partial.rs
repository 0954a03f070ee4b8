//! A catalog read in part. On a schema of thousands of tables, reading every column, key and
//! index before the first command costs more than the command itself; so the session starts
//! with the names of all tables, and reads a table (with the tables around it) when a command
//! names it. A name that resolves to a table not read, or a relation of a table whose
//! neighbours were not all read, is a name error, on which the session reads the whole schema
//! and tries again: a partial catalog may know less than the whole one, never something else.

use std::collections::HashSet;

use super::{Catalog, Schemas, Table};
use crate::ast::Span;
use crate::error::{Error, ErrorKind};

/// What a catalog read in part knows besides its tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Partial {
    /// Every table of the schema, in the order the database lists them.
    pub names: Vec<String>,
    /// The tables whose relations are all known: every table that refers to them was read
    /// with them.
    pub whole: HashSet<String>,
}

impl Catalog {
    /// A catalog of no table read yet, knowing every table's name (and the schemas there are).
    pub fn partial(names: Vec<String>, schemas: Schemas) -> Catalog {
        Catalog {
            tables: Vec::new(),
            declared: Vec::new(),
            views: Vec::new(),
            partial: Some(Partial { names, whole: HashSet::new() }),
            schemas,
        }
    }

    pub fn is_partial(&self) -> bool {
        self.partial.is_some()
    }

    /// The name of every table of the schema, read or not.
    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        let (known, read) = match &self.partial {
            Some(partial) => (Some(partial.names.iter()), None),
            None => (None, Some(self.tables.iter())),
        };
        known.into_iter().flatten().map(String::as_str).chain(read.into_iter().flatten().map(|t| t.name.as_str()))
    }

    /// How many tables the schema has, read or not.
    pub fn table_count(&self) -> usize {
        self.partial.as_ref().map_or(self.tables.len(), |p| p.names.len())
    }

    /// The model name of every table of the schema, read or not.
    pub fn model_names(&self) -> Vec<String> {
        self.names().map(|t| self.model_name_of(t)).collect()
    }

    /// Whether every relation of `table` is known: always in a whole catalog.
    pub fn relations_read(&self, table: &str) -> bool {
        self.partial.as_ref().is_none_or(|p| p.whole.contains(table))
    }

    /// Whether a table of this name (in any case) exists, read or not.
    pub fn has_table_folded(&self, name: &str) -> bool {
        self.names().any(|t| t.eq_ignore_ascii_case(name))
    }

    /// Takes in the tables of `read`, read around `named`: they replace any older read of the
    /// same tables. With `inbound` (every table that refers to `named` was read too), the
    /// relations of `named` are then known.
    pub fn take_in(&mut self, read: Catalog, named: &[String], inbound: bool) {
        let Some(partial) = self.partial.as_mut() else { return };
        // Every read lists every view: the newest list is the one kept.
        self.views = read.views;
        for table in read.tables {
            if !partial.names.contains(&table.name) {
                partial.names.push(table.name.clone());
            }
            self.tables.retain(|t| t.name != table.name);
            self.tables.push(table);
        }
        for name in named.iter().filter(|_| inbound) {
            if self.tables.iter().any(|t| &t.name == name) {
                partial.whole.insert(name.clone());
            }
        }
        // The order of a whole read (the database's), on which relation names depend when two
        // would be the same.
        let position = |t: &Table| partial.names.iter().position(|n| *n == t.name);
        self.tables.sort_by_cached_key(position);
        self.name_tables();
    }

    /// Takes in the names of the tables as they are now (and the schemas): tables gone are
    /// forgotten.
    pub fn take_names(&mut self, names: Vec<String>, schemas: Schemas) {
        let Some(partial) = self.partial.as_mut() else { return };
        self.schemas = schemas;
        self.tables.retain(|t| names.contains(&t.name));
        partial.whole.retain(|n| names.contains(n));
        partial.names = names;
    }

    /// The error for a name that needs a table not read yet: a name error, on which the session
    /// reads the whole schema and looks again.
    pub(super) fn not_read(&self, table: &str, span: Span) -> Error {
        Error::at(ErrorKind::Name, format!("table `{table}` is not read yet"), span)
            .with_help("`refresh` reads the schema again")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Ident;
    use crate::catalog::fixtures::{path_at, table};

    fn ident(name: &str) -> Ident {
        Ident { name: name.into(), span: Span::new(0, name.len()) }
    }

    fn shop() -> Catalog {
        Catalog {
            declared: Vec::new(),
            views: Vec::new(),
            tables: vec![
                table("orders", &["total"], &[("user_id", "users")]),
                table("reviews", &[], &[("user_id", "users")]),
                table("users", &["age"], &[]),
            ],
            partial: None,
            schemas: Schemas::default(),
        }
    }

    /// The names resolve among all tables; a table not read is a name error (which makes the
    /// session read the schema), never another table found instead.
    #[test]
    fn models_resolve_among_every_name_and_need_their_table_read() {
        let whole = shop();
        let mut part = Catalog::partial(
            vec!["User".into(), "orders".into(), "reviews".into(), "users".into()],
            Schemas::default(),
        );
        assert!(part.model(&ident("User")).unwrap_err().message.contains("`User` is not read yet"));
        assert_eq!(part.table_name_for("Order"), Some("orders"));
        assert_eq!(part.model(&ident("Usr")).unwrap_err().help.as_deref(), Some("did you mean `User`?"));
        assert!(part.has_table_folded("REVIEWS") && !part.has_table_folded("tags"));

        let users = whole.table("users").unwrap().clone();
        let orders = whole.table("orders").unwrap().clone();
        part.take_in(Catalog { tables: vec![users.clone(), orders], ..Catalog::default() }, &["orders".into()], true);
        assert_eq!(part.tables.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["orders", "users"]);
        assert_eq!(part.find_model("Order").unwrap().name, "orders");
        assert_eq!(part.table_count(), 4);
        // `orders` is whole (nothing refers to it); `users` is not: `reviews` was not read.
        let path = path_at("user.age", 0);
        assert_eq!(part.path(part.table("orders").unwrap(), &path).unwrap().column.name, "age");
        let relation = path_at("reviews.id", 0);
        let err = part.path(part.table("users").unwrap(), &relation).unwrap_err();
        assert_eq!((err.kind, err.message.as_str()), (ErrorKind::Name, "table `users` is not read yet"));
        assert!(whole.path(whole.table("users").unwrap(), &relation).is_ok());
        // Read without what refers to it, a table's relations are still unknown.
        part.take_in(Catalog { tables: vec![users], ..Catalog::default() }, &["users".into()], false);
        assert!(!part.relations_read("users") && part.relations_read("orders"));
    }
}
