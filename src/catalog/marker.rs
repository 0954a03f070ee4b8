//! The name a model was declared with, kept with its table. `model Foo table bar` makes a
//! table that no convention maps back to `Foo`; so ormsh writes the name into the table's own
//! comment (PostgreSQL's `COMMENT ON TABLE`, MySQL's table `COMMENT`, and on SQLite a comment in
//! the CREATE TABLE text, which SQLite keeps as written), and the catalog reads it back in any
//! later session. A comment the user wrote is not a marker and is left alone.

/// What a marker starts with, before the model's name.
pub const PREFIX: &str = "ormsh model ";

/// The comment that keeps `model` (PostgreSQL's and MySQL's table comment), or None for a name
/// that could not be read back from one.
pub fn comment(model: &str) -> Option<String> {
    is_model_name(model).then(|| format!("{PREFIX}{model}"))
}

/// The same, as a comment inside SQL text (SQLite's CREATE TABLE): `/* ormsh model Foo */`.
pub fn sql_comment(model: &str) -> Option<String> {
    comment(model).map(|c| format!("/* {c} */"))
}

/// The model a table's comment (or, on SQLite, its CREATE TABLE text from the marker on)
/// names, if it is ormsh's marker: the whole comment and nothing else.
pub fn model_of(text: &str) -> Option<String> {
    let text = text.trim();
    let inner = match text.strip_prefix("/*") {
        Some(rest) => rest.split_once("*/")?.0.trim(),
        None => text,
    };
    let name = inner.strip_prefix(PREFIX)?;
    is_model_name(name).then(|| name.to_string())
}

/// A name a marker can hold: one word (letters, digits, `_`), as the command language's names.
fn is_model_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_is_read_back_and_a_users_comment_is_not_one() {
        assert_eq!(comment("Foo").as_deref(), Some("ormsh model Foo"));
        assert_eq!(model_of("ormsh model Foo").as_deref(), Some("Foo"));
        assert_eq!(model_of(&sql_comment("Foo").unwrap()).as_deref(), Some("Foo"));
        assert_eq!(model_of("/* ormsh model Foo */ (id INTEGER PRIMARY KEY)").as_deref(), Some("Foo"));
        assert_eq!(model_of("the people of the shop"), None);
        assert_eq!(model_of("ormsh model Foo and more"), None);
        assert_eq!(model_of("ormsh model "), None);
        assert_eq!(model_of("/* ormsh model Foo"), None);
        assert_eq!(comment("Foo */ DROP"), None);
    }
}
