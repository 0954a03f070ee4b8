//! The statements of `alter`: ALTER TABLE and CREATE INDEX per database, and the catalog reads
//! an `alter` needs when it runs (SQLite's table definition, MySQL's foreign key names).

use super::{Builder, Dialect, Sql};
use crate::plan::ColumnDef;
use crate::value::Value;

impl Dialect {
    /// `ALTER TABLE … ADD COLUMN`, then the indexes the column needs: on SQLite, which cannot add
    /// a UNIQUE column, a unique index; on SQLite and PostgreSQL an index on a reference column,
    /// as `model` makes (MySQL's foreign key makes its own).
    pub fn add_column(self, table: &str, column: &ColumnDef) -> Vec<Sql> {
        let mut b = Builder::new(self);
        b.push("ALTER TABLE ");
        b.table(table);
        b.push(" ADD COLUMN ");
        let inline_unique = self != Dialect::Sqlite;
        self.column_def(&mut b, &ColumnDef { unique: column.unique && inline_unique, ..column.clone() });
        if let Some((ref_table, key)) = &column.references {
            // SQLite takes a reference only inline; MySQL ignores an inline one.
            if self == Dialect::Sqlite {
                b.push(" REFERENCES ");
            } else {
                b.push(", ADD ");
                self.named_foreign_key(&mut b, table, 1, &column.name);
                b.push("FOREIGN KEY (");
                b.ident(&column.name);
                b.push(") REFERENCES ");
            }
            b.table(ref_table);
            b.push(" (");
            b.ident(key);
            b.push(")");
        }
        let mut statements = vec![b.finish()];
        if column.unique && !inline_unique {
            let name = crate::plan::fit_generated(
                self,
                &format!("{}_{}_key", crate::naming::split_schema(table).1, column.name),
            );
            statements.push(self.create_index(table, &name, &[(column.name.clone(), false)], true));
        }
        let create = crate::plan::CreateTable { table: table.to_string(), model: None, columns: vec![column.clone()] };
        statements.extend(self.reference_indexes(&create));
        statements
    }

    /// The column definition `model` would write, as text: what a SQLite rebuild puts in the
    /// new table (with its reference inline).
    pub fn column_text(self, column: &ColumnDef) -> String {
        let mut b = Builder::new(self);
        self.column_def(&mut b, column);
        if let Some((ref_table, key)) = &column.references {
            b.push(" REFERENCES ");
            b.table(ref_table);
            b.push(" (");
            b.ident(key);
            b.push(")");
        }
        b.finish().text
    }

    pub fn rename_column(self, table: &str, from: &str, to: &str) -> Sql {
        Sql::raw(format!(
            "ALTER TABLE {} RENAME COLUMN {} TO {}",
            self.quote_table(table),
            self.quote(from),
            self.quote(to)
        ))
    }

    /// `ALTER TABLE … DROP COLUMN`; on MySQL, a column that holds a foreign key loses the key in
    /// the same statement (MySQL refuses to drop the column first).
    pub fn drop_column(self, table: &str, column: &str, foreign_key: Option<&str>) -> Sql {
        let mut text = format!("ALTER TABLE {} ", self.quote_table(table));
        if let Some(key) = foreign_key {
            text.push_str(&format!("DROP FOREIGN KEY {}, ", self.quote(key)));
        }
        text.push_str(&format!("DROP COLUMN {}", self.quote(column)));
        Sql::raw(text)
    }

    /// `CREATE [UNIQUE] INDEX name ON table (columns)`. Each column says whether it is TEXT or
    /// BLOB on MySQL, which indexes only a prefix of those (255 characters; a unique index
    /// covers the whole value, which MariaDB checks by a hash).
    pub fn create_index(self, table: &str, name: &str, columns: &[(String, bool)], unique: bool) -> Sql {
        let columns: Vec<String> = columns
            .iter()
            .map(|(c, long)| match self {
                Dialect::Mysql if *long && !unique => format!("{}(255)", self.quote(c)),
                _ => self.quote(c),
            })
            .collect();
        Sql::raw(format!(
            "CREATE {}INDEX {} ON {} ({})",
            if unique { "UNIQUE " } else { "" },
            self.quote(name),
            self.quote_table(table),
            columns.join(", ")
        ))
    }

    /// One row if the table has any: a required field with no default cannot be added then.
    pub fn any_row(self, table: &str) -> Sql {
        Sql::raw(format!("SELECT 1 FROM {} LIMIT 1", self.quote_table(table)))
    }

    /// MySQL: the name of the foreign key held by `column` of `table` (one row, or none).
    pub fn foreign_key_name(self, table: &str, column: &str) -> Sql {
        let mut b = Builder::new(self);
        b.push(
            "SELECT CONSTRAINT_NAME FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ",
        );
        b.param(Value::Text(table.to_string()));
        b.push(" AND COLUMN_NAME = ");
        b.param(Value::Text(column.to_string()));
        b.push(" AND REFERENCED_TABLE_NAME IS NOT NULL");
        b.finish()
    }
}
