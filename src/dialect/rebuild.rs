//! SQLite's table rebuild, for the changes its ALTER TABLE cannot make (a column dropped that an
//! index or a foreign key holds, a required column or a reference added): the procedure of
//! <https://sqlite.org/lang_altertable.html#otherwise>. The new table is the old one's own
//! definition, as SQLite keeps it, with the one column added or taken out, so that everything
//! ormsh does not model (CHECK, COLLATE, AUTOINCREMENT, ON DELETE, WITHOUT ROWID) is kept as
//! written; its indexes and triggers are made again from their own text.

use super::{Dialect, Sql};
use crate::value::Value;

/// What the rebuilt table differs by.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// A column, as its definition's text.
    Add(String),
    Drop(String),
}

/// Why a rebuild cannot be written: the thing of the schema that stands in the way.
#[derive(Debug, Clone, PartialEq)]
pub enum Obstacle {
    /// A trigger or view (named) whose text names the column to drop.
    Trigger(String),
    /// A CHECK constraint names the column.
    Check,
    /// The column is part of the primary key.
    PrimaryKey,
    /// The table's definition was not understood.
    Unreadable,
}

/// The statements of one rebuild, in order: the rows of `checks` must come back empty (each is
/// `PRAGMA foreign_key_check` of one table), and `undo` is what a failure runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebuild {
    pub statements: Vec<Sql>,
    pub checks: Vec<Sql>,
    pub finish: Vec<Sql>,
    pub undo: Vec<Sql>,
}

/// One entry of `sqlite_schema` for the table: its kind (`table`, `index`, `trigger`), name and
/// SQL text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The table it belongs to: a trigger or view of another table is read only to see whether
    /// it names the column dropped.
    pub table: String,
    pub kind: String,
    pub name: String,
    pub sql: String,
}

/// The table's definition and those of its indexes and triggers, as SQLite keeps them, those of
/// the triggers and views of other tables, and (in each row) whether foreign keys are on.
pub fn schema_query(table: &str) -> Sql {
    Sql {
        text: "SELECT type, name, sql, tbl_name, (SELECT foreign_keys FROM pragma_foreign_keys) \
               FROM sqlite_schema WHERE sql IS NOT NULL \
               AND (tbl_name = ?1 OR type IN ('trigger', 'view')) ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid"
            .into(),
        params: vec![Value::Text(table.to_string())],
    }
}

/// A rebuild of `table` with `change`: `copied` are the columns whose values move into the new
/// table; `temp` is a name no table has; `checked` the tables whose foreign keys are checked
/// before the commit (the table and those that refer to it). `own_transaction`: outside a
/// transaction, foreign keys (when they are on) are turned off around one of the rebuild's own,
/// and on again after it (inside one, SQLite cannot turn them off, and the plan has made sure
/// no foreign key points at the table).
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub table: String,
    pub temp: String,
    pub change: Change,
    pub copied: Vec<String>,
    pub checked: Vec<String>,
    pub own_transaction: bool,
}

/// The statements of the rebuild `target`, from the schema `entries` (see [`schema_query`]);
/// `foreign_keys`: whether they are on.
pub fn rebuild(target: &Target, entries: &[Entry], foreign_keys: bool) -> Result<Rebuild, Obstacle> {
    let Target { table, temp, change, copied, checked, own_transaction } = target;
    let (table, temp, own_transaction) = (table.as_str(), temp.as_str(), *own_transaction);
    let q = |name: &str| Dialect::Sqlite.quote(name);
    let definition = entries.iter().find(|e| e.kind == "table" && e.table == table).ok_or(Obstacle::Unreadable)?;
    if let Change::Drop(column) = change {
        // A trigger or view elsewhere that names both the table and the column would break.
        let elsewhere = entries.iter().filter(|e| e.table != table && matches!(e.kind.as_str(), "trigger" | "view"));
        if let Some(entry) = elsewhere.into_iter().find(|e| names_it(&e.sql, table) && names_it(&e.sql, column)) {
            return Err(Obstacle::Trigger(entry.name.clone()));
        }
    }
    let create = new_definition(&definition.sql, temp, change)?;
    let mut statements = Vec::new();
    let mut undo = Vec::new();
    let mut finish = Vec::new();
    if own_transaction {
        if foreign_keys {
            statements.push(Sql::raw("PRAGMA foreign_keys = OFF"));
        }
        statements.push(Dialect::Sqlite.begin());
        finish.push(Dialect::Sqlite.commit());
        undo.push(Dialect::Sqlite.rollback());
        if foreign_keys {
            finish.push(Sql::raw("PRAGMA foreign_keys = ON"));
            undo.push(Sql::raw("PRAGMA foreign_keys = ON"));
        }
    }
    undo.push(Sql::raw("PRAGMA legacy_alter_table = OFF"));
    statements.push(Sql::raw(create));
    let columns: Vec<String> = copied.iter().map(|c| q(c)).collect();
    let columns = columns.join(", ");
    statements.push(Sql::raw(format!("INSERT INTO {} ({columns}) SELECT {columns} FROM {}", q(temp), q(table))));
    statements.push(Sql::raw(format!("DROP TABLE {}", q(table))));
    // The legacy rename leaves the rest of the schema as it is: a trigger or view of another
    // table that names this one would otherwise be checked while the table is missing, and
    // fail the rename ("no such table"); the new table takes the old one's name, so they need
    // no change.
    statements.push(Sql::raw("PRAGMA legacy_alter_table = ON"));
    statements.push(Sql::raw(format!("ALTER TABLE {} RENAME TO {}", q(temp), q(table))));
    statements.push(Sql::raw("PRAGMA legacy_alter_table = OFF"));
    for entry in entries.iter().filter(|e| e.kind != "table" && e.table == table) {
        if let Change::Drop(column) = change {
            let names = names_it(&entry.sql, column);
            match entry.kind.as_str() {
                // An index over the dropped column goes with it (as on PostgreSQL).
                "index" if names => continue,
                "trigger" if names => return Err(Obstacle::Trigger(entry.name.clone())),
                _ => {}
            }
        }
        statements.push(Sql::raw(entry.sql.clone()));
    }
    let checks = checked
        .iter()
        .map(|t| Sql {
            text: "SELECT * FROM pragma_foreign_key_check(?1)".into(),
            params: vec![Value::Text(t.clone())],
        })
        .collect();
    Ok(Rebuild { statements, checks, finish, undo })
}

/// The table's CREATE TABLE text, named `temp`, with the change made.
fn new_definition(sql: &str, temp: &str, change: &Change) -> Result<String, Obstacle> {
    let tokens = tokens(sql);
    let open = tokens.iter().position(|t| t.kind == Kind::Open).ok_or(Obstacle::Unreadable)?;
    let mut depth = 0;
    let mut items: Vec<(usize, usize)> = Vec::new();
    let mut item_start = open + 1;
    let mut close = None;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth -= 1;
                if depth == 0 {
                    items.push((item_start, i));
                    close = Some(i);
                    break;
                }
            }
            Kind::Comma if depth == 1 => {
                items.push((item_start, i));
                item_start = i + 1;
            }
            _ => {}
        }
    }
    let close = close.ok_or(Obstacle::Unreadable)?;
    let text = |(from, to): (usize, usize)| -> &str {
        if from >= to { "" } else { sql[tokens[from].start..tokens[to - 1].end].trim() }
    };
    let mut columns: Vec<String> = Vec::new();
    let mut constraints: Vec<String> = Vec::new();
    for &(from, to) in &items {
        let item = &tokens[from..to];
        let Some(first) = item.first() else { continue };
        let keyword = match &first.kind {
            Kind::Word(w) if w == "constraint" => item.get(2).and_then(Token::word),
            Kind::Word(w) if ["primary", "unique", "check", "foreign"].contains(&w.as_str()) => Some(w.as_str()),
            _ => None,
        };
        match (keyword, change) {
            (None, Change::Drop(column)) if first.names(column) => continue,
            (None, _) => columns.push(text((from, to)).to_string()),
            (Some(kind), Change::Drop(column)) => {
                let listed = first_group(item).iter().any(|t| t.names(column));
                match kind {
                    "primary" if listed => return Err(Obstacle::PrimaryKey),
                    "check" if item.iter().any(|t| t.names(column)) => return Err(Obstacle::Check),
                    // A unique key or a foreign key over the dropped column goes with it.
                    "unique" | "foreign" if listed => continue,
                    _ => constraints.push(text((from, to)).to_string()),
                }
            }
            (Some(_), Change::Add(_)) => constraints.push(text((from, to)).to_string()),
        }
    }
    if let Change::Add(definition) = change {
        columns.push(definition.clone());
    }
    let tail = &sql[tokens[close].end..];
    // Between the table's name and its columns there are only comments, ormsh's marker of the
    // model's name among them (`catalog::marker`): they stay.
    let between = match open.checked_sub(1) {
        Some(name) => sql[tokens[name].end..tokens[open].start].trim(),
        None => "",
    };
    let between = if between.is_empty() { String::new() } else { format!(" {between}") };
    let body: Vec<String> = columns.into_iter().chain(constraints).collect();
    Ok(format!("CREATE TABLE {}{between} ({}){tail}", Dialect::Sqlite.quote(temp), body.join(", ")))
}

/// The tokens of the first parenthesised group of `item`, without the brackets.
fn first_group(item: &[Token]) -> &[Token] {
    let Some(open) = item.iter().position(|t| t.kind == Kind::Open) else { return &[] };
    let mut depth = 0;
    for (i, t) in item.iter().enumerate().skip(open) {
        match t.kind {
            Kind::Open => depth += 1,
            Kind::Close => {
                depth -= 1;
                if depth == 0 {
                    return &item[open + 1..i];
                }
            }
            _ => {}
        }
    }
    &item[open + 1..]
}

/// Whether the SQL text names `column` (as a word or a quoted name, in any case), after its
/// first `(` for an index (the columns and WHERE), or anywhere in a trigger's body.
fn names_it(sql: &str, column: &str) -> bool {
    tokens(sql).iter().any(|t| t.names(column))
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A bare word, in lower case.
    Word(String),
    /// A quoted name (`"x"`, `` `x` ``, `[x]`), unquoted, in lower case.
    Quoted(String),
    Open,
    Close,
    Comma,
    /// A string, a number, an operator.
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    start: usize,
    end: usize,
    kind: Kind,
}

impl Token {
    fn word(&self) -> Option<&str> {
        match &self.kind {
            Kind::Word(w) => Some(w),
            _ => None,
        }
    }

    /// Whether the token is the name `column` (SQLite's names ignore ASCII case).
    fn names(&self, column: &str) -> bool {
        match &self.kind {
            Kind::Word(w) | Kind::Quoted(w) => w.eq_ignore_ascii_case(column),
            _ => false,
        }
    }
}

/// SQLite's tokens, as far as a definition needs: comments skipped, strings and quoted names
/// whole (a doubled quote inside stands for one).
fn tokens(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        let quoted = |i: &mut usize, close: u8| -> String {
            let mut name = String::new();
            *i += 1;
            let from = *i;
            while *i < bytes.len() {
                if bytes[*i] == close {
                    if close != b']' && bytes.get(*i + 1) == Some(&close) {
                        *i += 2;
                        continue;
                    }
                    break;
                }
                *i += 1;
            }
            name.push_str(&sql[from..(*i).min(bytes.len())]);
            *i += 1;
            name
        };
        let kind = match c {
            b' ' | b'\t' | b'\n' | b'\r' => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..].find("*/").map_or(bytes.len(), |n| i + n + 4);
                continue;
            }
            b'(' => {
                i += 1;
                Kind::Open
            }
            b')' => {
                i += 1;
                Kind::Close
            }
            b',' => {
                i += 1;
                Kind::Comma
            }
            b'\'' => {
                quoted(&mut i, b'\'');
                Kind::Other
            }
            b'"' | b'`' => {
                let name = quoted(&mut i, c);
                Kind::Quoted(name.replace(if c == b'"' { "\"\"" } else { "``" }, &(c as char).to_string()))
            }
            b'[' => Kind::Quoted(quoted(&mut i, b']')),
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'$') || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                Kind::Word(sql[start..i].to_ascii_lowercase())
            }
            _ => {
                i += 1;
                Kind::Other
            }
        };
        out.push(Token { start, end: i.min(bytes.len()), kind });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const USERS: &str = "CREATE TABLE \"users\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL, \
        [team id] INTEGER REFERENCES teams (id), note TEXT DEFAULT 'a, (b)', -- a comment, with a comma\n \
        CHECK (length(name) > 0), UNIQUE (\"team id\", note), FOREIGN KEY (\"team id\") REFERENCES teams (id)) STRICT";

    #[test]
    fn a_dropped_column_takes_its_keys_and_keeps_the_rest_as_written() {
        let sql = new_definition(USERS, "ormsh_new", &Change::Drop("TEAM ID".into())).unwrap();
        assert_eq!(
            sql,
            "CREATE TABLE \"ormsh_new\" (\"id\" INTEGER PRIMARY KEY, \"name\" TEXT NOT NULL, \
             note TEXT DEFAULT 'a, (b)', CHECK (length(name) > 0)) STRICT"
        );
    }

    #[test]
    fn the_model_marker_before_the_columns_is_kept() {
        let marked = "CREATE TABLE \"bar\" /* ormsh model Foo */ (\"id\" INTEGER PRIMARY KEY, \"a\" INTEGER)";
        let sql = new_definition(marked, "ormsh_new", &Change::Add("\"b\" TEXT".into())).unwrap();
        assert_eq!(
            sql,
            "CREATE TABLE \"ormsh_new\" /* ormsh model Foo */ (\"id\" INTEGER PRIMARY KEY, \"a\" INTEGER, \"b\" TEXT)"
        );
        let sql = new_definition(marked, "ormsh_new", &Change::Drop("a".into())).unwrap();
        assert_eq!(sql, "CREATE TABLE \"ormsh_new\" /* ormsh model Foo */ (\"id\" INTEGER PRIMARY KEY)");
    }

    #[test]
    fn an_added_column_goes_before_the_constraints() {
        let sql = new_definition(USERS, "t2", &Change::Add("\"age\" INTEGER NOT NULL".into())).unwrap();
        assert!(sql.starts_with("CREATE TABLE \"t2\" (\"id\" INTEGER PRIMARY KEY,"), "{sql}");
        assert!(sql.contains("'a, (b)', \"age\" INTEGER NOT NULL, CHECK"), "{sql}");
        assert!(sql.ends_with(") STRICT"), "{sql}");
    }

    #[test]
    fn a_column_named_by_a_check_or_the_key_is_not_dropped() {
        assert_eq!(new_definition(USERS, "t", &Change::Drop("name".into())), Err(Obstacle::Check));
        let keyed = "CREATE TABLE t (a INT, b INT, PRIMARY KEY (a, b))";
        assert_eq!(new_definition(keyed, "n", &Change::Drop("b".into())), Err(Obstacle::PrimaryKey));
    }

    #[test]
    fn indexes_on_the_column_go_and_triggers_that_name_it_stop_the_rebuild() {
        let entries = |trigger: &str| {
            vec![
                Entry {
                    table: "t".into(),
                    kind: "table".into(),
                    name: "t".into(),
                    sql: "CREATE TABLE t (a INT, b INT)".into(),
                },
                Entry {
                    table: "t".into(),
                    kind: "index".into(),
                    name: "t_b".into(),
                    sql: "CREATE INDEX t_b ON t (b)".into(),
                },
                Entry {
                    table: "t".into(),
                    kind: "index".into(),
                    name: "t_a".into(),
                    sql: "CREATE INDEX t_a ON t (a)".into(),
                },
                Entry { table: "t".into(), kind: "trigger".into(), name: "tr".into(), sql: trigger.into() },
                Entry {
                    table: "u".into(),
                    kind: "trigger".into(),
                    name: "other".into(),
                    sql: "CREATE TRIGGER other AFTER INSERT ON u BEGIN SELECT 1; END".into(),
                },
            ]
        };
        let target = |checked: &[&str]| Target {
            table: "t".into(),
            temp: "n".into(),
            change: Change::Drop("b".into()),
            copied: vec!["a".into()],
            checked: checked.iter().map(|c| c.to_string()).collect(),
            own_transaction: true,
        };
        let calm = entries("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.a; END");
        let done = rebuild(&target(&["t"]), &calm, true).unwrap();
        let texts: Vec<&str> = done.statements.iter().map(Sql::text).collect();
        assert_eq!(
            texts,
            [
                "PRAGMA foreign_keys = OFF",
                "BEGIN",
                "CREATE TABLE \"n\" (a INT)",
                "INSERT INTO \"n\" (\"a\") SELECT \"a\" FROM \"t\"",
                "DROP TABLE \"t\"",
                "PRAGMA legacy_alter_table = ON",
                "ALTER TABLE \"n\" RENAME TO \"t\"",
                "PRAGMA legacy_alter_table = OFF",
                "CREATE INDEX t_a ON t (a)",
                "CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.a; END",
            ]
        );
        let named = entries("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT new.\"B\"; END");
        assert_eq!(rebuild(&target(&[]), &named, true), Err(Obstacle::Trigger("tr".into())));
        // Foreign keys that are off are left off.
        let off = rebuild(&target(&["t"]), &calm, false).unwrap();
        assert_eq!(off.statements[0].text(), "BEGIN");
        assert!(off.finish.iter().chain(&off.undo).all(|s| !s.text().contains("foreign_keys")));
    }
}
