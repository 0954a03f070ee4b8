//! What ormsh must know of SQL text it did not write (the `sql` command, and statements the
//! drivers send): whether it controls the transaction, commits one implicitly, or changes the
//! schema. Only the leading words are read, past comments and white space; one list of each kind,
//! used by the session and the drivers alike.

use crate::dialect::Dialect;

/// Transaction control written in SQL, which ormsh does not pass through: the transaction state
/// is the session's to keep (its marker, the savepoint each command runs under, the sandbox), so
/// each is refused with the ormsh command that does the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionControl {
    Begin,
    Commit,
    Rollback,
    RollbackTo,
    Savepoint,
    Release,
    /// `SET autocommit …` (MySQL/MariaDB): autocommit off is a transaction without `begin`.
    Autocommit,
    /// Two-phase commit (`XA …`, `PREPARE TRANSACTION`): it ends or starts a transaction.
    TwoPhase,
}

impl TransactionControl {
    /// What to type instead.
    pub fn instead(self) -> &'static str {
        match self {
            TransactionControl::Begin => "use `begin`",
            TransactionControl::Commit => "use `commit`",
            TransactionControl::Rollback => "use `rollback`",
            TransactionControl::RollbackTo => "use `rollback to NAME`",
            TransactionControl::Savepoint => "use `savepoint NAME`",
            TransactionControl::Release => "use `release NAME`",
            TransactionControl::Autocommit => {
                "ormsh keeps autocommit on and opens transactions itself: use `begin` … `commit`"
            }
            TransactionControl::TwoPhase => "two-phase commit is not run through ormsh's session",
        }
    }
}

/// The first `n` words of `text`, lowercased, past white space, comments and opening brackets.
/// A MySQL/MariaDB executable comment (`/*! … */`, `/*!40101 … */`) is read as the SQL it holds,
/// as the server reads it.
pub fn leading_words(text: &str, n: usize) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut pos = 0;
    while words.len() < n && pos < bytes.len() {
        match bytes[pos] {
            b if b.is_ascii_whitespace() || b == b'(' || b == b';' => pos += 1,
            b'-' if bytes.get(pos + 1) == Some(&b'-') => {
                pos = text[pos..].find('\n').map_or(bytes.len(), |i| pos + i + 1);
            }
            b'#' => pos = text[pos..].find('\n').map_or(bytes.len(), |i| pos + i + 1),
            b'/' if bytes.get(pos + 1) == Some(&b'*') => {
                if bytes.get(pos + 2) == Some(&b'!') {
                    // The comment's content is SQL; its version number is not.
                    pos += 3;
                    while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                        pos += 1;
                    }
                } else {
                    pos = text[pos + 2..].find("*/").map_or(bytes.len(), |i| pos + 2 + i + 2);
                }
            }
            b'*' if bytes.get(pos + 1) == Some(&b'/') => pos += 2,
            b if b.is_ascii_alphabetic() || b == b'@' || b == b'_' => {
                let start = pos;
                while pos < bytes.len()
                    && (bytes[pos].is_ascii_alphanumeric() || matches!(bytes[pos], b'_' | b'@' | b'.'))
                {
                    pos += 1;
                }
                words.push(text[start..pos].to_ascii_lowercase());
            }
            // Anything else (a quote, `=`, a digit) ends the words that matter.
            _ => break,
        }
    }
    words
}

/// Whether `text` starts, ends or steps through a transaction, and how.
pub fn transaction_control(text: &str) -> Option<TransactionControl> {
    use TransactionControl::*;
    let words = leading_words(text, 4);
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    match word(0) {
        // MariaDB's anonymous block `BEGIN NOT ATOMIC … END` is a program, not a transaction.
        "begin" if word(1) == "not" => None,
        "begin" => Some(Begin),
        "start" if word(1) == "transaction" => Some(Begin),
        // `COMMIT PREPARED 'id'` / `ROLLBACK PREPARED 'id'` settle another session's prepared
        // transaction and must run outside one: PostgreSQL refuses them inside, and outside they
        // leave the session's state as it was.
        "commit" | "rollback" if word(1) == "prepared" => None,
        "commit" | "end" => Some(Commit),
        "rollback" | "abort" => {
            let rest = if matches!(word(1), "work" | "transaction") { 2 } else { 1 };
            if word(rest) == "to" { Some(RollbackTo) } else { Some(Rollback) }
        }
        "savepoint" => Some(Savepoint),
        "release" => Some(Release),
        // `SET a = 1, autocommit = 0` sets both: every assignment counts.
        "set" => set_assignments(text).iter().any(|name| name == "autocommit").then_some(Autocommit),
        "xa" if word(1) != "recover" => Some(TwoPhase),
        "prepare" if word(1) == "transaction" => Some(TwoPhase),
        _ => None,
    }
}

/// The names a `SET` statement assigns (`SET @a = 1, SESSION autocommit = 0` → `@a`,
/// `autocommit`), their scope words and `@@session.` prefixes taken off.
fn set_assignments(text: &str) -> Vec<String> {
    let Some(after_set) = after_first_word(text) else { return Vec::new() };
    split_top_level(after_set)
        .into_iter()
        .filter_map(|part| {
            let words = leading_words(part, 3);
            let name = words.into_iter().find(|w| !matches!(w.as_str(), "session" | "local" | "global"))?;
            let name = name.trim_start_matches("@@");
            Some(name.trim_start_matches("session.").trim_start_matches("local.").trim_start_matches("global.").into())
        })
        .collect()
}

/// The text after the first word of `text` (past leading comments), if there is one.
fn after_first_word(text: &str) -> Option<&str> {
    let first = leading_words(text, 1).pop()?;
    let lower = text.to_ascii_lowercase();
    let at = lower.find(&first)?;
    Some(&text[at + first.len()..])
}

/// `text` cut at the commas outside quotes and brackets.
fn split_top_level(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None, 0);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) if b == b'\\' => i += 1,
            Some(_) => {}
            None => match b {
                b'\'' | b'"' | b'`' => quote = Some(b),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b',' if depth == 0 => {
                    parts.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            },
        }
        i += 1;
    }
    parts.push(&text[start..]);
    parts
}

/// Whether MySQL/MariaDB commits the open transaction before running `text` (its "statements
/// that cause an implicit commit": data definition, account management, table locks and
/// administration). Elsewhere such statements are transactional and nothing is committed.
pub fn commits_implicitly(dialect: Dialect, text: &str) -> bool {
    if dialect != Dialect::Mysql {
        return false;
    }
    let words = leading_words(text, 3);
    let word = |i: usize| words.get(i).map(String::as_str).unwrap_or("");
    match word(0) {
        // A temporary table is the one object made or dropped without a commit.
        "create" | "drop" => word(1) != "temporary",
        "alter" | "rename" | "truncate" | "grant" | "revoke" | "install" | "uninstall" | "lock" | "unlock"
        | "analyze" | "cache" | "check" | "flush" | "optimize" | "repair" | "reset" | "change" | "stop" => true,
        "load" => word(1) == "index",
        "start" => word(1) != "transaction",
        "set" => word(1) == "password",
        _ => false,
    }
}

/// Whether `text` may have changed the schema: the catalog is read again after it, and the
/// drivers forget the statements they prepared against the tables as they were.
pub fn changes_schema(text: &str) -> bool {
    let words = leading_words(text, 3);
    let word = |n: usize| words.get(n).map_or("", String::as_str);
    match word(0) {
        "create" | "alter" | "drop" | "rename" | "truncate" | "attach" | "detach" => true,
        // PostgreSQL's search path says which tables a bare name finds.
        "set" | "reset" => {
            let setting = if matches!(word(1), "session" | "local") { word(2) } else { word(1) };
            matches!(setting, "search_path" | "schema" | "all")
        }
        _ => false,
    }
}

/// What psql prints for a statement that returns no rows and changes none (its command tag):
/// `CREATE TABLE`, `DROP INDEX`, `ALTER TABLE`, `TRUNCATE`, `PRAGMA`. `None` for a statement
/// that changes rows (insert, update, delete and the like), whose count is what to print.
pub fn command_tag(text: &str) -> Option<String> {
    // Words between `create`/`drop`/`alter` and the kind of object, which psql's tag leaves out.
    const MODIFIERS: [&str; 12] = [
        "or",
        "replace",
        "unique",
        "temp",
        "temporary",
        "global",
        "local",
        "unlogged",
        "if",
        "not",
        "exists",
        "definer",
    ];
    let words = leading_words(text, 8);
    let first = words.first()?;
    match first.as_str() {
        "insert" | "update" | "delete" | "replace" | "merge" | "with" | "upsert" | "copy" | "load" => None,
        "create" | "drop" | "alter" => {
            let kind = words[1..].iter().find(|w| !MODIFIERS.contains(&w.as_str()) && !w.contains('='));
            Some(match kind {
                Some(kind) => format!("{} {}", first.to_uppercase(), kind.to_uppercase()),
                None => first.to_uppercase(),
            })
        }
        word => Some(word.to_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::TransactionControl::*;
    use super::*;

    #[test]
    fn reads_the_leading_words_past_comments() {
        assert_eq!(leading_words("  -- c\n /* x */ (SELECT 1", 2), ["select"]);
        assert_eq!(leading_words("/*!40101 SET @@autocommit=0 */", 2), ["set", "@@autocommit"]);
        assert_eq!(leading_words("# mysql comment\nCOMMIT WORK", 3), ["commit", "work"]);
        assert_eq!(leading_words("'commit'", 1), Vec::<String>::new());
        assert_eq!(leading_words("", 1), Vec::<String>::new());
        assert_eq!(leading_words("/* never closed", 1), Vec::<String>::new());
    }

    #[test]
    fn knows_transaction_control_in_every_dialect() {
        let table: &[(&str, Option<TransactionControl>)] = &[
            ("begin", Some(Begin)),
            ("BEGIN TRANSACTION", Some(Begin)),
            ("begin immediate", Some(Begin)),
            ("START TRANSACTION READ ONLY", Some(Begin)),
            ("  /* x */ commit;", Some(Commit)),
            ("COMMIT AND CHAIN", Some(Commit)),
            ("end transaction", Some(Commit)),
            ("rollback", Some(Rollback)),
            ("ABORT", Some(Rollback)),
            ("rollback to s1", Some(RollbackTo)),
            ("ROLLBACK TRANSACTION TO SAVEPOINT s1", Some(RollbackTo)),
            ("rollback work to savepoint s1", Some(RollbackTo)),
            ("savepoint a", Some(Savepoint)),
            ("RELEASE SAVEPOINT a", Some(Release)),
            ("set autocommit = 0", Some(Autocommit)),
            ("SET @@autocommit=0", Some(Autocommit)),
            ("set session autocommit=OFF", Some(Autocommit)),
            ("SET @@session.autocommit = 0", Some(Autocommit)),
            ("/*!40101 SET autocommit=0 */", Some(Autocommit)),
            ("xa start 'x'", Some(TwoPhase)),
            ("PREPARE TRANSACTION 'x'", Some(TwoPhase)),
            ("set @ormsh = 1, autocommit = 0", Some(Autocommit)),
            ("SET @a = 'x,autocommit', @@global.autocommit=1", Some(Autocommit)),
            ("set @a = (select 1, 2), b = 'autocommit'", None),
            ("xa recover", None),
            ("commit prepared 'x'", None),
            ("begin not atomic select 1; end", None),
            ("select 'commit'", None),
            ("set search_path = x", None),
            ("set transaction isolation level serializable", None),
            ("create trigger t after insert on a begin select 1; end", None),
            ("prepare s from 'select 1'", None),
            ("release_lock('x')", None),
        ];
        for (text, expected) in table {
            assert_eq!(transaction_control(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn knows_what_commits_implicitly_on_mysql_only() {
        for text in [
            "create table t (a int)",
            "ALTER TABLE t ADD b int",
            "drop view v",
            "TRUNCATE t",
            "lock tables t write",
            "grant select on *.* to x",
            "rename table a to b",
            "/*!40000 ALTER TABLE t DISABLE KEYS */",
            "analyze table t",
            "set password = 'x'",
            "load index into cache t",
            "start replica",
            "create index i on t (a)",
        ] {
            assert!(commits_implicitly(Dialect::Mysql, text), "{text:?}");
            assert!(!commits_implicitly(Dialect::Postgres, text), "{text:?}");
            assert!(!commits_implicitly(Dialect::Sqlite, text), "{text:?}");
        }
        for text in [
            "create temporary table t (a int)",
            "DROP TEMPORARY TABLE t",
            "select 1",
            "insert into t values (1)",
            "start transaction",
            "set names utf8mb4",
            "load data infile 'x' into table t",
        ] {
            assert!(!commits_implicitly(Dialect::Mysql, text), "{text:?}");
        }
    }

    #[test]
    fn tags_statements_that_change_no_rows_as_psql_does() {
        for (text, tag) in [
            ("CREATE TABLE t (a int)", Some("CREATE TABLE")),
            ("create unique index if not exists i on t (a)", Some("CREATE INDEX")),
            ("create or replace view v as select 1", Some("CREATE VIEW")),
            ("/* c */ drop table if exists t", Some("DROP TABLE")),
            ("alter table t add column b int", Some("ALTER TABLE")),
            ("truncate t", Some("TRUNCATE")),
            ("pragma foreign_keys = on", Some("PRAGMA")),
            ("insert into t values (1)", None),
            ("update t set a = 1", None),
            ("delete from t", None),
            ("with x as (select 1) delete from t", None),
        ] {
            assert_eq!(command_tag(text).as_deref(), tag, "{text:?}");
        }
    }

    #[test]
    fn knows_schema_changes() {
        for text in [
            "CREATE TABLE t (a int)",
            " alter table t",
            "drop index i",
            "rename table a to b",
            "attach 'x' as y",
            "/* c */ create view v as select 1",
            "truncate t",
            "SET search_path TO sales, public",
            "set local search_path = x",
            "SET SCHEMA 'sales'",
            "reset search_path",
        ] {
            assert!(changes_schema(text), "{text:?}");
        }
        for text in [
            "select 1",
            "insert into create_log values (1)",
            "update t set drop = 1",
            "pragma table_info(t)",
            "set time zone 'UTC'",
            "set statement_timeout = 5",
        ] {
            assert!(!changes_schema(text), "{text:?}");
        }
    }
}
