//! The naming convention that ties model names to tables: `User` → `users`,
//! `BlogPost` → `blog_posts`, `Category` → `categories`; and back, `users` → `User`.

use heck::{ToSnakeCase, ToUpperCamelCase};

mod rails;

/// A name qualified by its schema (`sales.orders`, `sales.Order`) split at the first dot; a
/// bare name has no schema. A schema's name never holds a dot (see `dialect::postgres`), so
/// the table's part may.
pub fn split_schema(name: &str) -> (Option<&str>, &str) {
    match name.split_once('.') {
        Some((schema, rest)) if !schema.is_empty() && !rest.is_empty() => (Some(schema), rest),
        _ => (None, name),
    }
}

/// The table a new model gets when the user names none: the plural of its snake_case name
/// (`sales.Order` → `sales.orders`, in the schema named).
pub fn table_for_model(model: &str) -> String {
    match split_schema(model) {
        (Some(schema), model) => format!("{schema}.{}", table_for_model(model)),
        (None, model) => pluralize_last_word(&model.to_snake_case()),
    }
}

/// Table names a model name may stand for, in the order they are tried after the exact and
/// case-insensitive matches: snake_case, then its plural.
pub fn table_candidates(model: &str) -> [String; 2] {
    let snake = model.to_snake_case();
    let plural = pluralize_last_word(&snake);
    [snake, plural]
}

/// A model's snake_case name, then its regular plurals (`users`, `boxes`, `categories`): tried
/// before the full inflection rules, which are slow to load and rarely needed.
pub fn regular_plurals(model: &str) -> Vec<String> {
    let snake = model.to_snake_case();
    let mut names = vec![format!("{snake}s"), format!("{snake}es")];
    if let Some(stem) = snake.strip_suffix('y') {
        names.push(format!("{stem}ies"));
    }
    names.insert(0, snake);
    names
}

/// The table Rails (and Sequelize, whose inflections are Rails') makes for a model:
/// `Medium` → `media`, `Octopus` → `octopi`, `TeamMember` → `team_members`.
pub fn rails_table(model: &str) -> String {
    let snake = model.to_snake_case();
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", rails::plural(last)),
        None => rails::plural(&snake),
    }
}

/// The model name shown for a table: the singular of its last word, in UpperCamelCase, after
/// its schema if it has one (`sales.orders` → `sales.Order`).
pub fn model_for_table(table: &str) -> String {
    if let (Some(schema), table) = split_schema(table) {
        return format!("{schema}.{}", model_for_table(table));
    }
    let snake = table.to_snake_case();
    let (head, last) = match snake.rsplit_once('_') {
        Some((head, last)) => (format!("{head}_"), last.to_string()),
        None => (String::new(), snake.clone()),
    };
    let singular = pluralizer::pluralize(&last, 1, false);
    format!("{head}{singular}").to_upper_camel_case()
}

/// The column name of a reference field: `author` → `author_id`.
pub fn reference_column(field: &str) -> String {
    format!("{field}_id")
}

/// The reference name of a foreign-key column: `author_id` → `author`; a column without the
/// `_id` suffix keeps its name.
pub fn reference_name(column: &str) -> &str {
    column
        .strip_suffix("_id")
        .or_else(|| column.strip_suffix("_ID"))
        .or_else(|| column.strip_suffix("Id"))
        .filter(|s| !s.is_empty())
        .unwrap_or(column)
}

fn pluralize_last_word(snake: &str) -> String {
    match snake.rsplit_once('_') {
        Some((head, last)) => format!("{head}_{}", pluralizer::pluralize(last, 2, false)),
        None => pluralizer::pluralize(snake, 2, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_become_tables() {
        assert_eq!(table_for_model("User"), "users");
        assert_eq!(table_for_model("BlogPost"), "blog_posts");
        assert_eq!(table_for_model("Category"), "categories");
        assert_eq!(table_for_model("MediaType"), "media_types");
        assert_eq!(table_for_model("Person"), "people");
        assert_eq!(table_candidates("MediaType"), ["media_type".to_string(), "media_types".to_string()]);
    }

    /// A name with its schema keeps the schema as it is; the convention applies to the rest.
    #[test]
    fn names_with_a_schema_keep_it() {
        assert_eq!(split_schema("sales.orders"), (Some("sales"), "orders"));
        assert_eq!(split_schema("public.a.b"), (Some("public"), "a.b"));
        assert_eq!(split_schema("orders"), (None, "orders"));
        assert_eq!(split_schema(".x"), (None, ".x"));
        assert_eq!(table_for_model("Sales.OrderItem"), "Sales.order_items");
        assert_eq!(model_for_table("Sales.order_items"), "Sales.OrderItem");
    }

    #[test]
    fn tables_become_models() {
        assert_eq!(model_for_table("users"), "User");
        assert_eq!(model_for_table("blog_posts"), "BlogPost");
        assert_eq!(model_for_table("categories"), "Category");
        assert_eq!(model_for_table("media_types"), "MediaType");
        assert_eq!(model_for_table("Track"), "Track");
    }

    #[test]
    fn references_name_their_columns() {
        assert_eq!(reference_column("author"), "author_id");
        assert_eq!(reference_name("author_id"), "author");
        assert_eq!(reference_name("ArtistId"), "Artist");
        assert_eq!(reference_name("owner"), "owner");
        assert_eq!(reference_name("_id"), "_id");
    }
}
