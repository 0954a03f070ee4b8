//! Editing assistance for the prompt: completion, highlighting and hints. Everything here is pure
//! and synchronous: it reads a snapshot of the catalog and never touches the database. One
//! tolerant walk over the statement (`walk`) serves all three.

mod complete;
mod highlight;
mod hint;
mod walk;

pub use complete::complete;
pub use highlight::{highlight, highlight_from};
pub use hint::hint;

/// One completion: what is shown in the list and what replaces the word being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub display: String,
    pub replacement: String,
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::catalog::{Catalog, Column, ForeignKey, Table, field_type_of};

    /// A table; each column is `(name, sql type, flags)`, flags `pk` (an auto-increment key),
    /// `?` (nullable), `=` (has a default) or `` (required); each foreign key is
    /// `(column, table)`, to its `id`.
    pub(crate) fn table(name: &str, columns: &[(&str, &str, &str)], foreign_keys: &[(&str, &str)]) -> Table {
        Table {
            name: name.into(),
            model: None,
            columns: columns
                .iter()
                .map(|(name, sql_type, flags)| Column {
                    name: (*name).into(),
                    sql_type: (*sql_type).into(),
                    field_type: field_type_of(sql_type),
                    nullable: *flags == "?",
                    primary_key: *flags == "pk",
                    has_default: *flags == "pk" || *flags == "=",
                    default: None,
                    spelling: None,
                })
                .collect(),
            foreign_keys: foreign_keys
                .iter()
                .map(|(column, table)| ForeignKey {
                    column: (*column).into(),
                    ref_table: (*table).into(),
                    ref_column: "id".into(),
                })
                .collect(),
            indexes: Vec::new(),
        }
    }

    /// Users; addresses → users; tracks → albums → artists.
    pub(crate) fn catalog() -> Catalog {
        Catalog {
            partial: None,
            schemas: Default::default(),
            tables: vec![
                table(
                    "users",
                    &[
                        ("id", "INTEGER", "pk"),
                        ("name", "TEXT", ""),
                        ("age", "INTEGER", "?"),
                        ("active", "BOOLEAN", "="),
                    ],
                    &[],
                ),
                table(
                    "addresses",
                    &[("id", "INTEGER", "pk"), ("email", "TEXT", ""), ("user_id", "INTEGER", "")],
                    &[("user_id", "users")],
                ),
                table("artists", &[("id", "INTEGER", "pk"), ("name", "TEXT", "")], &[]),
                table(
                    "albums",
                    &[("id", "INTEGER", "pk"), ("title", "TEXT", ""), ("artist_id", "INTEGER", "?")],
                    &[("artist_id", "artists")],
                ),
                table(
                    "tracks",
                    &[("id", "INTEGER", "pk"), ("album_id", "INTEGER", ""), ("title", "TEXT", "")],
                    &[("album_id", "albums")],
                ),
            ],
            declared: Vec::new(),
            views: vec![],
        }
    }

    /// Lines that exercise every corner, for the "never panics" and "visible text" tests.
    pub(crate) const LINES: &[&str] = &[
        "",
        "model User { name: text, age: int?, email: text unique, active: bool = true }",
        "model Post table posts {\n  title: text\n  author: User? # who\n  body: text? = \"\", id: uuid primary key\n}",
        "model `odd model` { `odd field`: `int`, code: text primary key }",
        "add User name=\"John Smith\", email=j@x.io, active=true, born=2024-01-31 age=-4 x=1e3",
        "add Address email=j@x.io user=1; query Address where user.name=John",
        "query User fields name, address.city where age >= 30 order by name desc, id limit 10 offset 20",
        "query Track where album.artist.name=\"AC/DC\" and not (id in (1, 2,) or title like 'x%')",
        "query Artist with albums.tracks, albums.artist where name=x; get User 1 with addresses, nope.x",
        "query User where email is not null or name not like \"J%\" and id not in (3)",
        "query User where age between 1 and 5 and name ilike 'j%' or born not between today and now",
        "update User where id=1 set a=1, b=null; update User set age=31 where name=John",
        "delete User all; delete User where id in (1, 2)",
        "count User where active=true # trailing",
        "get User 1; get Key \"a-b-c\"",
        "explain query User where name=John; explain delete User all",
        "sql select name, age from users where name = 'a;b' # not a comment to sql",
        "set format json; set timing on; set limit 20; set limit off",
        "source \"my scripts/users.orm\"; source examples/users.orm # c",
        "connect postgres://me@localhost:5432/shop?sslmode=disable # fragment",
        "begin; savepoint s1; rollback to savepoint s1; release s1; commit; rollback",
        "help query; help; models; describe User; drop User confirm; quit; exit; \\q",
        "add User note=\"say \\\"hi\\\"\\n\" other='it\\'s \\u{1F600}'",
        "query User \\\n  where name=John",
        "add User name=\"unterminated",
        "add User name='also \\' unterminated",
        "query `odd",
        "add Üsér nämé=Jöhn 😀=😀 ; query 用户 where 名字 = '值'",
        "((((( ))) ; ;; }}} {{{ === !=!= <><> ,,, \\ \\\\ # \"",
        "query User where ((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((a=1",
        "drop Nope; describe Nope; add Nope x=1",
        "query User where nope=1 and user.x=2",
        "\t  \r\n  query User\r\n",
        "update User where",
        "é",
        "`",
        "\"",
        "'",
        "#",
        "model X { a: ",
        "query User order by name asc,",
    ];
}
