//! The one table of commands: every command word with its aliases, its syntax and its help. The
//! parser's dispatch, `help`, and the editor's completion and highlighting all derive from it,
//! so a command is added in one place (and `match`es on [`Verb`] make the compiler name every
//! place that must handle it).

use crate::ast::{Command, Format, Setting, Toggle};

/// What a command does, whatever word it is typed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Model,
    Models,
    Refresh,
    Describe,
    Alter,
    Drop,
    Add,
    Upsert,
    Get,
    Query,
    Count,
    Update,
    Delete,
    Begin,
    Commit,
    Rollback,
    Savepoint,
    Release,
    Sql,
    Explain,
    Set,
    Source,
    Connect,
    Export,
    Import,
    Help,
    Output,
    Edit,
    Quit,
}

/// One command: its word, the other words it answers to, and its help.
#[derive(Debug)]
pub struct Info {
    pub verb: Verb,
    pub word: &'static str,
    pub aliases: &'static [&'static str],
    /// Whether it runs SQL that `explain` can show.
    pub explainable: bool,
    pub syntax: &'static str,
    pub summary: &'static str,
    pub example: &'static str,
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[Info] = &[
    Info {
        verb: Verb::Model,
        word: "model",
        aliases: &[],
        explainable: true,
        syntax: "model Name [table NAME] { field: type[?] [unique] [primary] [= default], … }",
        summary: "create a table; an `id` key is added unless a field is `primary`; a field whose type is a model is a reference (`author: User` → `author_id`). Types: int float decimal text bool date time datetime json uuid bytes",
        example: "model User { name: text, age: int?, email: text unique }",
    },
    Info {
        verb: Verb::Models,
        word: "models",
        aliases: &["\\dt"],
        explainable: false,
        syntax: "models [schema]",
        summary: "list the models (every table of the database; on PostgreSQL those of the search path, and of a schema named: `models sales`)",
        example: "models",
    },
    Info {
        verb: Verb::Refresh,
        word: "refresh",
        aliases: &[],
        explainable: false,
        syntax: "refresh",
        summary: "read the schema again, to see tables and fields made by other tools while the shell is open (a name ormsh does not know makes it read the schema again by itself)",
        example: "refresh",
    },
    Info {
        verb: Verb::Describe,
        word: "describe",
        aliases: &["\\d"],
        explainable: false,
        syntax: "describe Model",
        summary: "show a model's fields, types, keys, references and indexes (psql's `\\d Model`; `\\d` alone is `models`)",
        example: "describe User",
    },
    Info {
        verb: Verb::Alter,
        word: "alter",
        aliases: &[],
        explainable: true,
        syntax: "alter Model add field: type[?] [unique] [= default] | rename f to g | drop f [confirm] | index (f, …) | unique (f, …)",
        summary: "change a model's table: add a field (declared as in `model`, references too), rename or drop one (`drop` asks at the prompt, needs `confirm` in scripts), or add an index or a unique index over fields. On SQLite, where ALTER TABLE cannot do it, the table is rebuilt in one transaction with its rows, keys, indexes, references and triggers (inside `begin`, only a table no other refers to). Inside `begin` it is part of the transaction on PostgreSQL and SQLite; on MySQL/MariaDB it is refused inside a transaction (the database would commit it)",
        example: "alter User add phone: text?",
    },
    Info {
        verb: Verb::Drop,
        word: "drop",
        aliases: &[],
        explainable: true,
        syntax: "drop Model [confirm]",
        summary: "drop a model's table; asks at the prompt, needs `confirm` in scripts",
        example: "drop User confirm",
    },
    Info {
        verb: Verb::Add,
        word: "add",
        aliases: &[],
        explainable: true,
        syntax: "add Model field=value …",
        summary: "insert a row and show it as stored, with its generated key; a reference takes the referenced key (`user=1`)",
        example: "add User name=John age=30",
    },
    Info {
        verb: Verb::Upsert,
        word: "upsert",
        aliases: &[],
        explainable: true,
        syntax: "upsert Model field=value …",
        summary: "insert, or update the row with the same key: the primary key when all its fields are given, else the first unique key they cover; prints the stored record",
        example: "upsert User email=a@x.io name=Ann",
    },
    Info {
        verb: Verb::Get,
        word: "get",
        aliases: &[],
        explainable: true,
        syntax: "get Model key [with relation.relation, reference, …]",
        summary: "fetch one row by its primary key; `with` shows the related records under it",
        example: "get User 1 with orders.order_items, address",
    },
    Info {
        verb: Verb::Query,
        word: "query",
        aliases: &[],
        explainable: true,
        syntax: "query Model [fields [distinct] a, b.c, count(rel), …] [where …] [by key, …] [having …] [order by f [asc|desc], …] [limit n] [offset n] [with a.b, c]",
        summary: "select rows; conditions: = != < <= > >=, [not] like, [not] ilike, [not] in (…), [not] between a and b (both included), is [not] null, and, or, not, ( ); `ref.field` follows a reference, `orders.total` a relation (at least one order; `not` for none), `= .ref.field` compares with another field. Text compares exactly on every database (case and trailing spaces count); `ilike` ignores case (all of Unicode on MySQL/MariaDB and on PostgreSQL in a UTF-8 locale, ASCII letters only on SQLite). In patterns `%` is any text, `_` one character, `\\` takes the next one as it is. For dates and datetimes, `now` and `today` are the current time and date (UTC), the same all through one command. With `by` (or aggregates in `fields`) a summary: the keys, then `count`, `sum(f)`, `avg(f)`, `min(f)`, `max(f)`, `count(distinct f)`, per group; `having` tests groups; `year(f)`, `month(f)`, `day(f)`, `date(f)` are date parts. An aggregate over a relation (`count(orders)`) is per row. `with orders.order_items, address` shows each row's related records under it (a list per relation, a record or null per reference; csv: their JSON in a column)",
        example: "query User where age between 18 and 30 and name ilike \"j%\" order by name",
    },
    Info {
        verb: Verb::Count,
        word: "count",
        aliases: &[],
        explainable: true,
        syntax: "count Model [where …] [by key, …]",
        summary: "count rows; with `by`, one row per group with its count, largest first",
        example: "count User where active=true",
    },
    Info {
        verb: Verb::Update,
        word: "update",
        aliases: &[],
        explainable: true,
        syntax: "update Model where …|all set field=value, …",
        summary: "change rows; says how many changed. Without `where`, write `all`. \
                  `price *= 0.9`, `stock -= 1` (also `+=`, `/=`) change a number by a value",
        example: "update User where name=John set age=31",
    },
    Info {
        verb: Verb::Delete,
        word: "delete",
        aliases: &[],
        explainable: true,
        syntax: "delete Model where …|all",
        summary: "delete rows; says how many went. Without `where`, write `all`",
        example: "delete User where age < 18",
    },
    Info {
        verb: Verb::Begin,
        word: "begin",
        aliases: &[],
        explainable: true,
        syntax: "begin [serializable|repeatable read|read committed|read uncommitted] [read only|read write]",
        summary: "open a transaction: nothing is committed until `commit`; with an isolation level or read only if given",
        example: "begin",
    },
    Info {
        verb: Verb::Commit,
        word: "commit",
        aliases: &[],
        explainable: true,
        syntax: "commit",
        summary: "commit the open transaction",
        example: "commit",
    },
    Info {
        verb: Verb::Rollback,
        word: "rollback",
        aliases: &[],
        explainable: true,
        syntax: "rollback | rollback to NAME",
        summary: "undo the open transaction, or back to a savepoint",
        example: "rollback to before_cleanup",
    },
    Info {
        verb: Verb::Savepoint,
        word: "savepoint",
        aliases: &[],
        explainable: true,
        syntax: "savepoint NAME",
        summary: "mark a point inside the transaction to roll back to",
        example: "savepoint before_cleanup",
    },
    Info {
        verb: Verb::Release,
        word: "release",
        aliases: &[],
        explainable: true,
        syntax: "release NAME",
        summary: "forget a savepoint (its changes stay)",
        example: "release before_cleanup",
    },
    Info {
        verb: Verb::Sql,
        word: "sql",
        aliases: &[],
        explainable: true,
        syntax: "sql TEXT",
        summary: "run raw SQL as written; rows are shown like `query`. Transaction control (BEGIN, COMMIT, ROLLBACK, SAVEPOINT, SET autocommit, XA) is refused: use ormsh's own `begin`, `commit`… On MySQL/MariaDB a statement that commits implicitly (DDL, LOCK TABLES) is refused inside a transaction and in --sandbox",
        example: "sql select count(*) from users",
    },
    Info {
        verb: Verb::Explain,
        word: "explain",
        aliases: &[],
        explainable: false,
        syntax: "explain COMMAND",
        summary: "show the SQL and bound parameters a command would run, without running it",
        example: "explain query User where name=John",
    },
    Info {
        verb: Verb::Set,
        word: "set",
        aliases: &["\\x", "\\timing"],
        explainable: false,
        syntax: "set | set format auto|table|vertical|json|jsonl|csv | set timing on|off | set limit N|off | set pager on|off",
        summary: "session settings; `set` alone lists each with its value and its default. At the prompt the format is auto (vertical when a row would not fit the terminal), and results taller or wider than the terminal go through $PAGER (default `less -SRXF`). psql's `\\x` flips between vertical and table, `\\timing` flips timing. The config file (~/.config/ormsh/config.toml) sets them for every prompt",
        example: "set format json",
    },
    Info {
        verb: Verb::Source,
        word: "source",
        aliases: &["\\i"],
        explainable: false,
        syntax: "source FILE",
        summary: "run the commands of a file in this session (a relative path inside a script starts from that script's directory)",
        example: "source seed.orm",
    },
    Info {
        verb: Verb::Connect,
        word: "connect",
        aliases: &[],
        explainable: false,
        syntax: "connect URL",
        summary: "switch to another database (not while a transaction is open)",
        example: "connect postgres://localhost/app",
    },
    Info {
        verb: Verb::Export,
        word: "export",
        aliases: &[],
        explainable: false,
        syntax: "export query …|get …|count …|sql … to FILE [format NAME] [force]",
        summary: "write a command's result to a file, streamed: the format is the one named (`format csv`), else the file's extension's (.csv, .json, .jsonl, .txt for the table), else the session's. An existing file is kept unless the command says `force` (at the prompt, ormsh asks). A path is relative to the working directory",
        example: "export query User where active=true to users.csv",
    },
    Info {
        verb: Verb::Import,
        word: "import",
        aliases: &[],
        explainable: false,
        syntax: "import Model from FILE",
        summary: "insert the rows of a file: CSV with a header row naming the fields (an empty field is null), .json (an array of objects) or .jsonl (an object per line). Values are checked as in `add`; an error names file:line and the field, and then nothing of the file is stored (inside `begin`, the rows are part of the transaction). A path is relative to the working directory",
        example: "import User from users.csv",
    },
    Info {
        verb: Verb::Help,
        word: "help",
        aliases: &["\\?"],
        explainable: false,
        syntax: "help [command]",
        summary: "this help, or one command's",
        example: "help query",
    },
    Info {
        verb: Verb::Output,
        word: "output",
        aliases: &["\\o"],
        explainable: false,
        syntax: "output [FILE]",
        summary: "send results to FILE from now on (replaced if it exists, without colour); `output` alone sends them back to the screen. warnings and errors stay on the screen",
        example: "output users.txt",
    },
    Info {
        verb: Verb::Edit,
        word: "edit",
        aliases: &["\\e"],
        explainable: false,
        syntax: "edit",
        summary: "open the last entry in $EDITOR (else $VISUAL, else vi) and run what is saved; only at the prompt",
        example: "edit",
    },
    Info {
        verb: Verb::Quit,
        word: "quit",
        aliases: &["exit", "\\q"],
        explainable: false,
        syntax: "quit",
        summary: "leave; an open transaction is rolled back",
        example: "quit",
    },
];

/// The command typed as `word` (any case), by its word or an alias.
pub fn lookup(word: &str) -> Option<&'static Info> {
    COMMANDS
        .iter()
        .find(|c| c.word.eq_ignore_ascii_case(word) || c.aliases.iter().any(|a| a.eq_ignore_ascii_case(word)))
}

/// The table's entry for `verb`.
pub fn info(verb: Verb) -> &'static Info {
    COMMANDS.iter().find(|c| c.verb == verb).expect("every verb is in the table")
}

/// Every command word, without aliases, in `help`'s order.
pub fn words() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|c| c.word)
}

/// Every word a command can be typed with, aliases included.
pub fn all_words() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().flat_map(|c| std::iter::once(c.word).chain(c.aliases.iter().copied()))
}

impl Command {
    pub fn verb(&self) -> Verb {
        match self {
            Command::Model(_) => Verb::Model,
            Command::Models(_) => Verb::Models,
            Command::Refresh => Verb::Refresh,
            Command::Describe(_) => Verb::Describe,
            Command::Alter { .. } => Verb::Alter,
            Command::Drop { .. } => Verb::Drop,
            Command::Add { .. } => Verb::Add,
            Command::Upsert { .. } => Verb::Upsert,
            Command::Get { .. } => Verb::Get,
            Command::Query(_) => Verb::Query,
            Command::Count { .. } => Verb::Count,
            Command::Update { .. } => Verb::Update,
            Command::Delete { .. } => Verb::Delete,
            Command::Begin(_) => Verb::Begin,
            Command::Commit => Verb::Commit,
            Command::Rollback | Command::RollbackTo(_) => Verb::Rollback,
            Command::Savepoint(_) => Verb::Savepoint,
            Command::Release(_) => Verb::Release,
            Command::Sql { .. } => Verb::Sql,
            Command::Explain(_) => Verb::Explain,
            Command::Set(_) => Verb::Set,
            Command::Source { .. } => Verb::Source,
            Command::Connect { .. } => Verb::Connect,
            Command::Export { .. } => Verb::Export,
            Command::Import { .. } => Verb::Import,
            Command::Help(_) => Verb::Help,
            Command::Output { .. } => Verb::Output,
            Command::Edit => Verb::Edit,
            Command::Quit => Verb::Quit,
        }
    }

    /// The word the command is typed with, for messages.
    pub fn word(&self) -> &'static str {
        match self {
            Command::RollbackTo(_) => "rollback to",
            other => info(other.verb()).word,
        }
    }
}

/// What a command typed with one of psql's words (`\\d User`) is in ormsh's own
/// (`describe User`): the hint shown after it runs.
pub fn ormsh_words(command: &Command, format_now: Format, timing_now: bool) -> String {
    match command {
        Command::Describe(model) => format!("describe {}", model.name),
        Command::Set(Setting::Toggle(Toggle::Vertical)) | Command::Set(Setting::Format(_)) => {
            let to = if format_now == Format::Vertical { "vertical" } else { "table" };
            format!("set format {to}")
        }
        Command::Set(Setting::Toggle(Toggle::Timing) | Setting::Timing(_)) => {
            format!("set timing {}", if timing_now { "on" } else { "off" })
        }
        Command::Source { path, .. } => format!("source {path}"),
        Command::Output { path: Some(path), .. } => format!("output {path}"),
        other => other.word().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_has_one_entry_and_words_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for word in all_words() {
            assert!(seen.insert(word), "`{word}` is in the table twice");
        }
        for command in COMMANDS {
            assert_eq!(COMMANDS.iter().filter(|c| c.verb == command.verb).count(), 1, "{:?}", command.verb);
            assert_eq!(lookup(&command.word.to_uppercase()).map(|c| c.verb), Some(command.verb));
        }
        assert_eq!(lookup("\\q").map(|c| c.verb), Some(Verb::Quit));
        assert!(lookup("nope").is_none());
    }
}
