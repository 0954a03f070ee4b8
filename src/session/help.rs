//! `help` and `help <command>`.

use crate::ast::Ident;
use crate::error::{Error, ErrorKind, Result};

/// (command, syntax, what it does, example)
const ENTRIES: &[(&str, &str, &str, &str)] = &[
    (
        "model",
        "model Name [table NAME] { field: type[?] [unique] [primary] [= default], … }",
        "create a table; an `id` key is added unless a field is `primary`; a field whose type is a model is a reference (`author: User` → `author_id`). Types: int float decimal text bool date time datetime json uuid bytes",
        "model User { name: text, age: int?, email: text unique }",
    ),
    ("models", "models", "list the models (every table of the database)", "models"),
    ("describe", "describe Model", "show a model's fields, types, keys, references and indexes", "describe User"),
    (
        "drop",
        "drop Model [confirm]",
        "drop a model's table; asks at the prompt, needs `confirm` in scripts",
        "drop User confirm",
    ),
    (
        "add",
        "add Model field=value …",
        "insert a row and show it as stored, with its generated key; a reference takes the referenced key (`user=1`)",
        "add User name=John age=30",
    ),
    ("get", "get Model key", "fetch one row by its primary key", "get User 1"),
    (
        "query",
        "query Model [fields a, b.c] [where …] [order by f [asc|desc], …] [limit n] [offset n]",
        "select rows; conditions: = != < <= > >= like, in (…), is [not] null, and, or, not, ( ); `ref.field` follows a reference",
        "query User where age >= 18 and name like \"J%\" order by name",
    ),
    ("count", "count Model [where …]", "count rows", "count User where active=true"),
    (
        "update",
        "update Model where …|all set field=value, …",
        "change rows; says how many changed. Without `where`, write `all`",
        "update User where name=John set age=31",
    ),
    (
        "delete",
        "delete Model where …|all",
        "delete rows; says how many went. Without `where`, write `all`",
        "delete User where age < 18",
    ),
    ("begin", "begin", "open a transaction: nothing is committed until `commit`", "begin"),
    ("commit", "commit", "commit the open transaction", "commit"),
    (
        "rollback",
        "rollback | rollback to NAME",
        "undo the open transaction, or back to a savepoint",
        "rollback to before_cleanup",
    ),
    ("savepoint", "savepoint NAME", "mark a point inside the transaction to roll back to", "savepoint before_cleanup"),
    ("release", "release NAME", "forget a savepoint (its changes stay)", "release before_cleanup"),
    (
        "sql",
        "sql TEXT",
        "run raw SQL as written; rows are shown like `query`. Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, SET autocommit, XA) is refused: use ormsh's own `begin`, `commit`… On MySQL/MariaDB a statement that commits implicitly (DDL, LOCK TABLES) is refused inside a transaction and in --sandbox",
        "sql select count(*) from users",
    ),
    (
        "explain",
        "explain COMMAND",
        "show the SQL and bound parameters a command would run, without running it",
        "explain query User where name=John",
    ),
    (
        "set",
        "set format table|vertical|json|csv | set timing on|off | set limit N|off",
        "session settings",
        "set format json",
    ),
    ("source", "source FILE", "run the commands of a file in this session", "source seed.orm"),
    (
        "connect",
        "connect URL",
        "switch to another database (not while a transaction is open)",
        "connect postgres://localhost/app",
    ),
    ("help", "help [command]", "this help, or one command's", "help query"),
    ("quit", "quit", "leave; an open transaction is rolled back", "quit"),
];

pub fn text(topic: Option<&Ident>) -> Result<String> {
    match topic {
        None => {
            let width = ENTRIES.iter().map(|e| e.0.len()).max().unwrap_or(0);
            let mut out = String::from("Commands (`help <command>` for more):\n");
            for (word, syntax, _, _) in ENTRIES {
                out.push_str(&format!("  {word:width$}  {syntax}\n"));
            }
            out.push_str(
                "Values: bare words, \"quoted\" or 'quoted' strings, numbers, true/false, null, dates 2024-01-31.\n",
            );
            out.push_str(
                "One command per line; `;` separates several; `#` starts a comment; `\\` at the end continues a line.",
            );
            Ok(out)
        }
        Some(topic) => {
            let word = topic.name.to_ascii_lowercase();
            let entry = ENTRIES.iter().find(|e| e.0 == word).ok_or_else(|| {
                let mut err = Error::at(ErrorKind::Name, format!("no help for `{}`", topic.name), topic.span);
                if let Some(help) = crate::suggest::did_you_mean(&topic.name, ENTRIES.iter().map(|e| e.0)) {
                    err = err.with_help(help);
                }
                err
            })?;
            let (_, syntax, what, example) = entry;
            Ok(format!("{syntax}\n  {what}\n  example: {example}"))
        }
    }
}

/// Every command has a help entry, and every entry is a command.
#[cfg(test)]
#[test]
fn every_command_has_help() {
    for word in crate::ast::COMMAND_WORDS {
        assert!(ENTRIES.iter().any(|e| e.0 == *word), "no help for {word}");
    }
    for entry in ENTRIES {
        assert!(crate::ast::COMMAND_WORDS.contains(&entry.0), "help for unknown command {}", entry.0);
    }
}
