//! SQLite's column types, and the catalog queries its driver sends. SQLite keeps the declared
//! name, which is how ormsh knows a `bool` or `date` column again when it reads the schema back.

use super::Sql;
use crate::value::FieldType;

pub const AUTO_KEY: &str = "INTEGER PRIMARY KEY";

pub fn column_type(ty: &FieldType) -> String {
    match ty {
        FieldType::Int => "INTEGER",
        FieldType::Float => "REAL",
        FieldType::Decimal => "NUMERIC",
        FieldType::Text => "TEXT",
        FieldType::Bool => "BOOLEAN",
        FieldType::Date => "DATE",
        FieldType::Time => "TIME",
        FieldType::DateTime => "DATETIME",
        FieldType::Json => "JSON",
        FieldType::Uuid => "UUID",
        FieldType::Bytes => "BLOB",
        FieldType::Other(name) => return name.clone(),
    }
    .to_string()
}

/// A `like` pattern (`%`, `_`, and `\` taking the next character as it is) as the GLOB pattern
/// that matches the same text with case: `*` and `?` for `%` and `_`, and GLOB's own `*`, `?` and
/// `[` taken as they are by a bracket of one character. A lone `\` at the end (which the planner
/// refuses) is taken as a backslash.
pub fn glob_pattern(like: &str) -> String {
    fn literal(out: &mut String, c: char) {
        if matches!(c, '*' | '?' | '[') {
            out.push('[');
            out.push(c);
            out.push(']');
        } else {
            out.push(c);
        }
    }
    let mut out = String::with_capacity(like.len() + 8);
    let mut chars = like.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => out.push('*'),
            '_' => out.push('?'),
            '\\' => literal(&mut out, chars.next().unwrap_or('\\')),
            c => literal(&mut out, c),
        }
    }
    out
}

// The catalog, read by the driver (`backend::sqlite`) with three queries over SQLite's pragma
// functions, whatever the number of tables: of every table, or of the tables named in a JSON
// array bound to `?1` (a big schema is read as commands need it).

/// The tables a catalog query reads: every one, or those named.
fn tables_where(only: Option<&[String]>) -> &'static str {
    match only {
        None => "m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        Some(_) => "m.type IN ('table', 'view') AND m.name IN (SELECT value FROM json_each(?1))",
    }
}

fn catalog_query(head: &str, only: Option<&[String]>, order: &str) -> Sql {
    let text = format!("{head} WHERE {} ORDER BY {order}", tables_where(only));
    match only {
        None => Sql::raw(text),
        Some(names) => Sql { text, params: vec![super::names_value(names)] },
    }
}

/// The name of every table but SQLite's own, the order of [`columns_query`].
/// With each, its ormsh marker if it has one (see `catalog::marker`).
pub fn table_names_query() -> Sql {
    catalog_query(
        "SELECT m.name, CASE WHEN instr(m.sql, '/* ormsh model ') > 0 \
        THEN substr(m.sql, instr(m.sql, '/* ormsh model '), 300) END FROM sqlite_schema AS m",
        None,
        "m.name",
    )
}

/// Every column of every table (or of those named) but SQLite's own.
pub fn columns_query(only: Option<&[String]>) -> Sql {
    catalog_query(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk \
        FROM sqlite_schema AS m JOIN pragma_table_info(m.name) AS p",
        only,
        "m.name, p.cid",
    )
}

/// One value of each of `columns` of `table` that is not null, from its first rows (a hundred,
/// so that a column that is mostly null costs no scan of a large table): how its rows spell
/// their dates and uuids. Cast, so that it is read as the text it is and not as a date.
pub fn sample_query(table: &str, columns: &[&str]) -> Sql {
    let q = |name: &str| super::Dialect::Sqlite.quote(name);
    let samples: Vec<String> = columns
        .iter()
        .map(|c| {
            format!(
                "CAST((SELECT {c} FROM (SELECT {c} FROM {t} LIMIT 100) WHERE typeof({c}) = 'text' LIMIT 1) AS TEXT)",
                c = q(c),
                t = q(table)
            )
        })
        .collect();
    Sql::raw(format!("SELECT {}", samples.join(", ")))
}

/// Every view, and whether an INSTEAD OF INSERT trigger lets it take rows.
pub fn views_query() -> Sql {
    Sql::raw(
        "SELECT m.name, EXISTS (SELECT 1 FROM sqlite_schema AS t WHERE t.type = 'trigger' AND t.tbl_name = m.name \
        AND t.sql LIKE '%INSTEAD OF INSERT%') FROM sqlite_schema AS m WHERE m.type = 'view'",
    )
}

/// Every column of every foreign key, in order (the driver keeps the single-column ones). A
/// key that names no column refers to its table's primary key: the last column says which
/// when that key is one column (the table it names may not be read with this one).
pub fn foreign_keys_query(only: Option<&[String]>) -> Sql {
    catalog_query(
        "SELECT m.name, f.id, f.seq, f.\"table\", f.\"from\", f.\"to\", \
        (SELECT max(k.name) FROM pragma_table_info(f.\"table\") AS k WHERE k.pk > 0 \
            HAVING count(*) = 1) \
        FROM sqlite_schema AS m JOIN pragma_foreign_key_list(m.name) AS f",
        only,
        "m.name, f.id, f.seq",
    )
}

/// Every column of every index.
pub fn indexes_query(only: Option<&[String]>) -> Sql {
    catalog_query(
        "SELECT m.name, l.name, l.\"unique\", i.name \
        FROM sqlite_schema AS m JOIN pragma_index_list(m.name) AS l JOIN pragma_index_info(l.name) AS i",
        only,
        "m.name, l.name, i.seqno",
    )
}

/// The tables named in the JSON array bound to `?1`, with every table they refer to and, if
/// `inbound`, every table that refers to them and every table those refer to (the far end of a
/// join table): what resolving names in the named tables may need. Only the tables whose text
/// mentions a named table are asked for their foreign keys. The steps are MATERIALIZED: as
/// co-routines SQLite would run each again for every row that uses it (seconds on thousands of
/// tables).
pub fn tables_around_query(names: &[String], inbound: bool) -> Sql {
    let inbound = if inbound { "1" } else { "0" };
    Sql {
        text: format!(
            "WITH named(name) AS MATERIALIZED (SELECT value FROM json_each(?1)), \
            candidates(name, target) AS MATERIALIZED (SELECT m.name, named.name FROM sqlite_schema AS m \
                JOIN named ON instr(lower(m.sql), lower(named.name)) > 0 WHERE {inbound} AND m.type = 'table'), \
            inbound(name) AS MATERIALIZED (SELECT DISTINCT c.name FROM candidates AS c \
                JOIN pragma_foreign_key_list(c.name) AS f WHERE f.\"table\" = c.target COLLATE NOCASE), \
            near(name) AS (SELECT name FROM named \
                UNION SELECT f.\"table\" FROM named JOIN pragma_foreign_key_list(named.name) AS f \
                UNION SELECT name FROM inbound \
                UNION SELECT f.\"table\" FROM inbound JOIN pragma_foreign_key_list(inbound.name) AS f) \
            SELECT m.name FROM sqlite_schema AS m \
            WHERE m.type IN ('table', 'view') AND m.name COLLATE NOCASE IN (SELECT name FROM near) ORDER BY m.name"
        ),
        params: vec![super::names_value(names)],
    }
}
