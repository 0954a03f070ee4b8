//! Tab completion: what the word being typed may become, from the grammar and the live catalog.

use super::Completion;
use super::walk::{self, Fields, Offer};
use crate::ast::Ident;
use crate::catalog::{Catalog, Field, Member, Table};
use crate::parser::chars::{is_ident_char, is_ident_start};
use crate::value::FieldType;

/// Completions for the word that ends at byte `pos` of `line`; returns the byte offset where
/// that word starts and the candidates (deduplicated, matching case-insensitively). Those that
/// start with the typed word come, sorted; when none does, those that hold its letters in order
/// (pgcli's fuzzy match: `adr` → `addresses`), the closest first.
pub fn complete(line: &str, pos: usize, catalog: &Catalog) -> (usize, Vec<Completion>) {
    let pos = floor_char_boundary(line, pos);
    let prefix = &line[..pos];
    let Some(point) = walk::point(prefix, catalog) else {
        return (pos, Vec::new());
    };
    let word = &prefix[point.start..];
    let mut found = candidates(&point.offer, word, catalog);
    let typed = word.to_lowercase();
    if found.iter().any(|c| c.replacement.to_lowercase().starts_with(&typed)) {
        found.retain(|c| c.replacement.to_lowercase().starts_with(&typed));
        found.sort_by_cached_key(|c| (c.display.to_lowercase(), c.display.clone(), c.replacement.clone()));
    } else {
        let mut ranked: Vec<(usize, Completion)> =
            found.into_iter().filter_map(|c| Some((fuzzy_rank(&typed, &c.replacement.to_lowercase())?, c))).collect();
        ranked.sort_by_cached_key(|(rank, c)| {
            (*rank, c.display.to_lowercase(), c.display.clone(), c.replacement.clone())
        });
        found = ranked.into_iter().map(|(_, c)| c).collect();
    }
    found.dedup();
    (point.start, found)
}

/// How closely `candidate` holds the letters of `typed` in order (lower is closer): where the
/// first one is and how far apart they lie. `None` when it does not hold them all.
fn fuzzy_rank(typed: &str, candidate: &str) -> Option<usize> {
    let mut letters = candidate.char_indices();
    let mut first = None;
    let mut last = 0;
    for wanted in typed.chars() {
        let (at, _) = letters.by_ref().find(|&(_, c)| c == wanted)?;
        first.get_or_insert(at);
        last = at;
    }
    let first = first.unwrap_or(0);
    Some((last - first) * 4 + first)
}

impl Completion {
    fn new(display: impl Into<String>, suffix: &str) -> Completion {
        let display = display.into();
        let replacement = format!("{display}{suffix}");
        Completion { display, replacement }
    }
}

/// The largest char boundary of `s` at or before `pos`.
pub(super) fn floor_char_boundary(s: &str, pos: usize) -> usize {
    let mut pos = pos.min(s.len());
    while !s.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

fn candidates(offer: &Offer<'_>, word: &str, catalog: &Catalog) -> Vec<Completion> {
    let mut out = Vec::new();
    out.extend(offer.keywords.iter().map(|k| Completion::new(*k, " ")));
    out.extend(offer.words.iter().map(|w| Completion::new(*w, "")));
    if offer.models {
        out.extend(catalog.model_names().iter().map(|m| Completion::new(quote_model(m), " ")));
    }
    if offer.schemas {
        out.extend(catalog.schemas.names.iter().map(|s| Completion::new(quote(s), "")));
    }
    if offer.types {
        out.extend(FieldType::DECL_NAMES.iter().map(|t| Completion::new(*t, "")));
        out.extend(catalog.model_names().iter().map(|m| Completion::new(quote_model(m), "")));
    }
    if let Some(fields) = &offer.fields {
        fields_of(fields, word, catalog, &mut out);
    }
    if offer.values {
        let bool_fits = offer.value_of.is_none_or(|c| c.field_type == FieldType::Bool);
        let null_fits = offer.value_of.is_none_or(|c| c.nullable);
        let fitting = [("true", bool_fits), ("false", bool_fits), ("null", null_fits)];
        out.extend(fitting.into_iter().filter(|(_, fits)| *fits).map(|(v, _)| Completion::new(v, "")));
    }
    if let Some(tables) = &offer.sql {
        sql_names(tables, word, catalog, &mut out);
    }
    out
}

/// Inside `sql` text: every table's name and the columns of `tables` (those the statement
/// names); after `users.`, the columns of `users`, with the table in front. Names as the
/// database spells them: this is SQL, not models.
fn sql_names(tables: &[&Table], word: &str, catalog: &Catalog, out: &mut Vec<Completion>) {
    if let Some((head, _)) = word.rsplit_once('.') {
        if let Some(table) = catalog.tables.iter().find(|t| t.name.eq_ignore_ascii_case(head)) {
            out.extend(table.columns.iter().map(|c| Completion::new(format!("{head}.{}", c.name), "")));
        }
        return;
    }
    out.extend(catalog.tables.iter().map(|t| Completion::new(t.name.clone(), "")));
    for table in tables {
        out.extend(table.columns.iter().map(|c| Completion::new(c.name.clone(), "")));
    }
}

/// The fields of the offer's table; for a dotted word (`album.artist.`) those of the table the
/// references lead to, with the path in front.
fn fields_of(fields: &Fields<'_>, word: &str, catalog: &Catalog, out: &mut Vec<Completion>) {
    if fields.related {
        return related_of(fields.table, word, catalog, out);
    }
    let (head, table) = match word.rsplit_once('.') {
        Some((head, _)) if fields.dotted => match follow(catalog, fields.table, head) {
            Some(table) => (format!("{head}."), table),
            None => return,
        },
        Some(_) => return,
        None => (String::new(), fields.table),
    };
    for name in table.field_names() {
        let column = resolve(table, &name).map(|f| f.column().name.clone());
        if column.is_some_and(|c| fields.exclude.contains(&c)) {
            continue;
        }
        out.push(Completion::new(format!("{head}{}", quote(&name)), fields.suffix));
    }
    // Where a path may go on (conditions, fields, `by`, `order by`), so may a relation.
    if fields.dotted {
        for relation in catalog.relations(table) {
            out.push(Completion::new(format!("{head}{}", quote(&relation.name)), fields.suffix));
        }
    }
}

/// What `with` takes at the end of `word`: the relations and references of the table the path
/// before it leads to, with the path in front.
fn related_of(table: &Table, word: &str, catalog: &Catalog, out: &mut Vec<Completion>) {
    let (head, table) = match word.rsplit_once('.') {
        Some((head, _)) => {
            let found = head.split('.').try_fold(table, |table, part| {
                match catalog.member(table, &Ident { name: part.to_string(), span: Default::default() }).ok()? {
                    Member::Relation(relation) => catalog.table(relation.target()),
                    Member::Reference(fk, _) => catalog.table(&fk.ref_table),
                    Member::Column(_) => None,
                }
            });
            match found {
                Some(table) => (format!("{head}."), table),
                None => return,
            }
        }
        None => (String::new(), table),
    };
    let references = table.foreign_keys.iter().map(|fk| fk.reference_name().to_string());
    for name in catalog.relations(table).into_iter().map(|r| r.name).chain(references) {
        out.push(Completion::new(format!("{head}{}", quote(&name)), ""));
    }
}

/// The table that the references and relations `a.b` lead to from `table`.
fn follow<'c>(catalog: &'c Catalog, table: &'c Table, path: &str) -> Option<&'c Table> {
    path.split('.').try_fold(table, |table, part| {
        match catalog.member(table, &Ident { name: part.to_string(), span: Default::default() }).ok()? {
            Member::Reference(fk, _) => catalog.table(&fk.ref_table),
            Member::Relation(relation) => catalog.table(relation.target()),
            Member::Column(_) => None,
        }
    })
}

fn resolve<'t>(table: &'t Table, name: &str) -> Option<Field<'t>> {
    table.field(&Ident { name: name.to_string(), span: Default::default() }).ok()
}

/// A model's name as it must be typed: its schema and its own name each quoted on its own
/// (`sales.Order`).
fn quote_model(name: &str) -> String {
    match crate::naming::split_schema(name) {
        (Some(schema), model) => format!("{}.{}", quote(schema), quote(model)),
        (None, model) => quote(model),
    }
}

/// A name as it must be typed: in backticks unless it is an identifier.
fn quote(name: &str) -> String {
    let mut chars = name.chars();
    if chars.next().is_some_and(is_ident_start) && chars.all(is_ident_char) {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{catalog, table};
    use super::*;

    /// The replacements offered at the end of `line`.
    fn offered(line: &str, catalog: &Catalog) -> Vec<String> {
        complete(line, line.len(), catalog).1.into_iter().map(|c| c.replacement).collect()
    }

    fn has(line: &str, expected: &[&str]) {
        let got = offered(line, &catalog());
        for e in expected {
            assert!(got.iter().any(|g| g == e), "{line:?}: {e:?} not in {got:?}");
        }
    }

    fn exactly(line: &str, expected: &[&str]) {
        assert_eq!(offered(line, &catalog()), expected, "line: {line:?}");
    }

    #[test]
    fn sql_text_completes_tables_and_the_columns_of_the_tables_it_names() {
        exactly("sql select * from add", &["addresses"]);
        // Named in the statement: only the columns of `addresses`.
        exactly("sql select em", &["email"]);
        exactly("sql select * from addresses where us", &["user_id", "users"]);
        exactly("sql select * from users where na", &["name"]);
        exactly("sql select x from users where users.na", &["users.name"]);
        has("sql select ", &["users", "tracks", "title", "artist_id"]);
        // Not inside a string.
        exactly("sql select 'us", &[]);
    }

    #[test]
    fn first_word_is_a_command() {
        let c = catalog();
        let (start, found) = complete("", 0, &c);
        assert_eq!(start, 0);
        assert!(found.iter().any(|f| f.display == "query" && f.replacement == "query "));
        assert!(found.iter().any(|f| f.display == "exit"));
        exactly("qu", &["query ", "quit "]);
        exactly("  QU", &["query ", "quit "]);
        assert_eq!(complete("  qu", 4, &c).0, 2);
        exactly("models; cou", &["count "]);
        exactly("models\nde", &["delete ", "describe "]);
    }

    #[test]
    fn model_names_after_model_commands() {
        let c = catalog();
        let (start, found) = complete("add Us", 6, &c);
        assert_eq!(start, 4);
        assert_eq!(found, vec![Completion { display: "User".into(), replacement: "User ".into() }]);
        exactly("query us", &["User "]);
        exactly("explain count A", &["Address ", "Album ", "Artist "]);
        exactly("drop ", &["Address ", "Album ", "Artist ", "Track ", "User "]);
        exactly("describe Z", &[]);
        has("explain ", &["query ", "update "]);
    }

    #[test]
    fn alter_offers_its_changes_and_the_model_s_fields() {
        exactly("alter Us", &["User "]);
        exactly("alter User ", &["add ", "drop ", "index ", "rename ", "unique "]);
        exactly("alter User re", &["rename "]);
        exactly("alter User rename na", &["name"]);
        exactly("alter User rename name ", &["to "]);
        exactly("alter User drop ag", &["age"]);
        exactly("alter User drop age ", &["confirm"]);
        exactly("alter User index (na", &["name"]);
        exactly("alter User unique (name, ag", &["age"]);
        // `add` declares a new field: its type is a scalar type or a model.
        has("alter User add phone: ", &["text", "Address"]);
    }

    #[test]
    fn fuzzy_matches_when_no_name_starts_with_the_word() {
        exactly("query adr", &["Address "]);
        exactly("query tk", &["Track "]);
        // A name that starts with the word is all that is offered, so Tab still completes it.
        exactly("query a", &["Address ", "Album ", "Artist "]);
        exactly("query xyz", &[]);
        // The closest match first.
        assert_eq!(fuzzy_rank("adr", "address"), Some(4 * 3));
        assert!(fuzzy_rank("al", "album") < fuzzy_rank("al", "artist_label"));
    }

    #[test]
    fn true_false_and_null_only_where_they_fit() {
        exactly("add User active=", &["false", "true"]);
        exactly("add User age=", &["null"]);
        exactly("add User name=", &[]);
        // In a condition the field is not known here: all three.
        has("query User where name = ", &["false", "null", "true"]);
    }

    #[test]
    fn field_names_in_add() {
        exactly("add User na", &["name="]);
        exactly("add User ", &["active=", "age=", "id=", "name="]);
        exactly("add User name=John ", &["active=", "age=", "id="]);
        // After a list (a PostgreSQL array's elements), the next field.
        exactly("add User name=(a, \"b c\") ", &["active=", "age=", "id="]);
        exactly("add User name=() ag", &["age="]);
        exactly("add User name=John, AGE=3, ", &["active=", "id="]);
        // A reference and its column are one field.
        exactly("add Address user=1 ", &["email=", "id="]);
        exactly("add Address user_id=1 ", &["email=", "id="]);
        exactly("add Address email='a b' user=1 ", &["id="]);
        exactly("add User name=John ag", &["age="]);
        exactly("add Address ", &["email=", "id=", "user=", "user_id="]);
        exactly("add Nope ", &[]);
        exactly("add User name", &["name="]);
        exactly("add User name ", &[]);
    }

    #[test]
    fn values_after_an_operator() {
        exactly("query User where name=", &["false", "null", "true"]);
        exactly("query User where name = ", &["false", "null", "true"]);
        exactly("query User where age >= N", &["null"]);
        exactly("add User active=t", &["true"]);
        // In an assignment only what fits the field: name is text and never null.
        exactly("update User all set name=", &[]);
        exactly("update User all set age=", &["null"]);
        exactly("add User name=John", &[]);
        exactly("query User where id in (1, ", &["false", "null", "true"]);
    }

    #[test]
    fn nothing_inside_strings_and_comments() {
        exactly("add User name=\"Jo", &[]);
        exactly("add User name=\"J o", &[]);
        exactly("add User name='a b' # a comm", &[]);
        exactly("# qu", &[]);
        exactly("add User name=\"John\"", &[]);
        exactly("sql select * from t where title = 'u", &[]);
        exactly("sql select 1 -- u", &[]);
        exactly("model `odd na", &[]);
    }

    /// `names` with the aggregates and date parts that may stand where a field may, sorted.
    fn with_functions(names: &[&'static str]) -> Vec<&'static str> {
        let mut all = names.to_vec();
        all.extend(super::walk::FUNCTIONS);
        all.sort_by_key(|w| w.to_lowercase());
        all
    }

    #[test]
    fn query_clauses() {
        exactly("query User ", &["by ", "fields ", "limit ", "offset ", "order by ", "where ", "with "]);
        exactly("query User wh", &["where "]);
        exactly(
            "query User where name=John ",
            &["and ", "by ", "fields ", "limit ", "offset ", "or ", "order by ", "with "],
        );
        exactly("query User where name=John o", &["offset ", "or ", "order by "]);
        exactly("query User limit 5 ", &["by ", "fields ", "offset ", "order by ", "where ", "with "]);
        exactly("query User order b", &["by "]);
        let user_paths = ["active", "addresses", "age", "id", "name"];
        exactly("query User order by ", &with_functions(&user_paths));
        exactly(
            "query User order by name ",
            &["asc ", "by ", "desc ", "fields ", "limit ", "offset ", "where ", "with "],
        );
        exactly("query User order by name desc, ", &with_functions(&user_paths));
        exactly("query User fields name, a", &["active", "addresses", "age", "avg("]);
        exactly("query User fields name ", &["by ", "limit ", "offset ", "order by ", "where ", "with "]);
        exactly("query Artist with ", &["albums"]);
        exactly("query Artist with albums.", &["albums.artist", "albums.tracks"]);
        exactly("query Artist with albums.tracks.a", &["albums.tracks.album"]);
        exactly("query Artist with albums ", &["fields ", "limit ", "offset ", "order by ", "where "]);
        exactly("get User 1 ", &["with "]);
        exactly("get User 1 with ", &["addresses"]);
        exactly("count User ", &["by ", "where "]);
        exactly("count User where ", &with_functions(&["active", "addresses", "age", "id", "name", "not "]));
        exactly("count User by name ", &["where "]);
        exactly("query User where not (na", &["name"]);
        exactly(
            "query User where age > 3 and ",
            &with_functions(&["active", "addresses", "age", "id", "name", "not "]),
        );
        exactly("query User where name ", &["between ", "ilike ", "in ", "is ", "like ", "not "]);
        exactly("query User where name is ", &["not ", "null"]);
        exactly("query User where name not ", &["between ", "ilike ", "in ", "like "]);
        exactly("query User where name il", &["ilike "]);
        exactly("query User where age between 1 ", &["and "]);
        exactly(
            "query User where age not between 1 and 5 ",
            &["and ", "by ", "fields ", "limit ", "offset ", "or ", "order by ", "with "],
        );
    }

    #[test]
    fn summaries() {
        // `having` comes with `by`.
        exactly("query User by name ", &["fields ", "having ", "limit ", "offset ", "order by ", "where "]);
        has("query User by name fields ", &["count", "sum(", "distinct ", "name", "addresses"]);
        has("query User fields count(", &["addresses", "distinct ", "name"]);
        exactly(
            "query User fields count(distinct addresses.",
            &["addresses.email", "addresses.id", "addresses.user", "addresses.user_id"],
        );
        exactly("query User fields count(addresses ", &[")"]);
        exactly("query User fields count(addresses) ", &["by ", "limit ", "offset ", "order by ", "where ", "with "]);
        has("query User by name having ", &["count", "sum("]);
        exactly("query Address where email = .us", &["user", "user_id"]);
    }

    #[test]
    fn update_and_delete() {
        exactly("update User ", &["all ", "set ", "where "]);
        exactly("update User where id=1 ", &["and ", "or ", "set "]);
        exactly("update User where id=1 set ", &["active=", "age=", "id=", "name="]);
        exactly("update User set ", &["active=", "age=", "id=", "name="]);
        exactly("update User where id=1 set age=2, ", &["active=", "id=", "name="]);
        exactly("update User set age=2 ", &["active=", "all ", "id=", "name=", "where "]);
        exactly("update User all ", &["set "]);
        exactly("delete User ", &["all ", "where "]);
    }

    #[test]
    fn dotted_paths_follow_references() {
        let got = offered("query Address where user.", &catalog());
        assert_eq!(got, ["user.active", "user.addresses", "user.age", "user.id", "user.name"]);
        // Relations lead on too, both ways.
        exactly("query User where addresses.user.na", &["addresses.user.name"]);
        exactly("query Address where user.na", &["user.name"]);
        exactly("query Address where USER.na", &["USER.name"]);
        exactly("query Track where album.artist.", &["album.artist.albums", "album.artist.id", "album.artist.name"]);
        exactly("query Track fields album.ar", &["album.artist", "album.artist_id"]);
        exactly(
            "query Track order by album.",
            &["album.artist", "album.artist_id", "album.id", "album.title", "album.tracks"],
        );
        exactly("query Address where email.", &[]);
        exactly("query Address where nope.", &[]);
        let c = catalog();
        assert_eq!(complete("query Address where user.na", 27, &c).0, 20);
    }

    #[test]
    fn model_declarations_and_settings() {
        has("model Post { author: ", &["text", "int", "bool", "User", "Address"]);
        exactly("model Post { author: Us", &["User"]);
        exactly("model Post {\n  title: text\n  author: u", &["User", "uuid"]);
        exactly("model Post { title: text ", &["key ", "primary ", "unique "]);
        exactly("set ", &["format ", "limit ", "pager ", "timing "]);
        exactly("set format ", &["auto", "csv", "json", "jsonl", "table", "vertical"]);
        exactly("set pager ", &["off", "on"]);
        exactly("set timing ", &["off", "on"]);
        exactly("set limit ", &["off"]);
        has("help ", &["query", "exit", "model"]);
        exactly("rollback ", &["to "]);
        exactly("rollback to ", &["savepoint "]);
        exactly("drop User ", &["confirm "]);
    }

    #[test]
    fn completions_follow_the_catalog() {
        let mut c = catalog();
        assert!(complete("query Po", 8, &c).1.is_empty());
        c.tables.push(table("posts", &[("id", "INTEGER", "pk"), ("title", "TEXT", "")], &[]));
        assert_eq!(complete("query Po", 8, &c).1, vec![Completion::new("Post", " ")]);
        let functions = ["avg(", "count", "date(", "day(", "max(", "min(", "month(", "sum(", "year("];
        let mut expected = vec!["id", "not ", "title"];
        expected.extend(functions);
        expected.sort();
        assert_eq!(offered("query Post where ", &c), expected);
    }

    #[test]
    fn odd_names_are_quoted() {
        let mut c = catalog();
        c.tables.push(table("things", &[("odd col", "TEXT", "?")], &[]));
        assert_eq!(offered("add Thing ", &c), ["`odd col`="]);
        assert_eq!(quote("a`b"), "`a``b`");
    }

    /// A model of a schema outside the search path is offered with its schema, and its fields
    /// after it (`query sales.Order where …`).
    #[test]
    fn models_of_other_schemas_complete_with_their_schema() {
        let mut c = catalog();
        c.tables.push(table(
            "sales.orders",
            &[("id", "INTEGER", "pk"), ("total", "INTEGER", ""), ("user_id", "INTEGER", "")],
            &[("user_id", "users")],
        ));
        c.schemas.names = vec!["public".into(), "sales".into()];
        assert_eq!(offered("query sales.Or", &c), ["sales.Order "]);
        assert_eq!(offered("count sal", &c), ["sales.Order "]);
        assert_eq!(offered("query sales.Order where tot", &c), ["total"]);
        assert_eq!(offered("model Refund { order: sales.Or", &c), ["sales.Order"]);
        assert_eq!(offered("models sa", &c), ["sales"]);
        assert_eq!(quote_model("sales.Order"), "sales.Order");
        assert_eq!(quote_model("my sales.Order"), "`my sales`.Order");
    }

    #[test]
    fn positions_anywhere_never_panic() {
        let c = catalog();
        // The cursor in the middle: only what is before it counts.
        assert_eq!(complete("add Us name=x", 6, &c).1, vec![Completion::new("User", " ")]);
        assert_eq!(complete("qé", 2, &c).0, 0);
        assert_eq!(complete("qé", 99, &c).0, 0);
    }

    #[test]
    fn begin_offers_isolation_levels_and_access_modes() {
        exactly("begin ", &["isolation ", "read ", "repeatable ", "serializable "]);
        exactly("begin re", &["read ", "repeatable "]);
        exactly("begin read ", &["committed ", "only ", "uncommitted ", "write "]);
        exactly("begin isolation ", &["level "]);
        exactly("begin isolation level repeatable ", &["read "]);
        exactly("begin serializable, read o", &["only "]);
    }
}
