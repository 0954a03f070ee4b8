//! A database's error, put back into what the user typed: the caret of a `sql` error at the
//! token the server names (PostgreSQL's position, SQLite's error offset; MySQL/MariaDB give
//! none and the whole statement stays marked), and a constraint broken by an ormsh command
//! pinned on the field that broke it (`email=a@x.io`: "User.email must be unique").
//!
//! Which constraint failed is decided by the error's code. The servers name the column or the
//! constraint in fields of their own (PostgreSQL) or only inside the message (MySQL/MariaDB,
//! SQLite), where names are quoted the same way in every language the server speaks.

use crate::ast::{Assignment, Command, Span};
use crate::catalog::{Catalog, Table};
use crate::error::{DbCode, Error};

/// A `sql` error with its caret on the token the server names. `typed` is the SQL as typed
/// (ormsh's `\` line continuations still in it) and `typed_at` where it starts in the
/// statement; `offsets` maps each byte of the text sent to its byte in `typed`.
pub fn place_in_sql(mut err: Error, typed: &str, typed_at: usize, sent: &str, offsets: &[usize]) -> Error {
    if err.span.is_some() {
        return err;
    }
    let Some(position) = err.server.as_ref().and_then(|s| s.position) else { return err };
    let at_sent = position.byte_in(sent);
    let at = offsets.get(at_sent).copied().unwrap_or(typed.len()).min(typed.len());
    let token = token_len(&typed[at..]);
    err.span = Some(Span::new(typed_at + at, typed_at + at + token));
    err
}

/// The length of the token `rest` starts with: a word, or one character.
fn token_len(rest: &str) -> usize {
    let word = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    if word > 0 { word } else { rest.chars().next().map_or(0, char::len_utf8) }
}

/// What kind of constraint a write broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broken {
    Unique,
    NotNull,
    Reference,
}

/// A constraint error of `add`, `upsert` or `update` with the field named: the caret on the
/// field's assignment, or a help line when the command did not give the field.
pub fn name_the_field(err: Error, command: &Command, catalog: &Catalog) -> Error {
    if err.span.is_some() {
        return err;
    }
    let (model, assignments) = match command {
        Command::Add { model, values } | Command::Upsert { model, values } => (model, values),
        Command::Update { model, set, .. } => (model, set),
        _ => return err,
    };
    let Some(table) = catalog.find_model(&model.name) else { return err };
    let Some((broken, columns)) = broken_columns(&err, table, assignments) else { return err };
    let model_name = table.model_name();
    let fields: Vec<String> = columns.iter().map(|c| field_name(table, c)).collect();
    let label = match (broken, fields.as_slice()) {
        (Broken::Unique, [one]) => format!("{model_name}.{one} must be unique: another row has this value"),
        (Broken::Unique, many) => {
            format!("{model_name}'s ({}) must be unique together: another row has these values", many.join(", "))
        }
        (Broken::NotNull, _) => format!("{model_name}.{} cannot be null", fields.join(", ")),
        (Broken::Reference, _) => {
            format!("{model_name}.{} must name a row that exists", fields.join(", "))
        }
    };
    let given = assignments.iter().find(|a| columns.iter().any(|c| names_column(table, a, c)));
    match given {
        Some(assignment) => {
            let end = assignment.value.span.end.max(assignment.field.span.end);
            err.with_span(Span::new(assignment.field.span.start, end)).with_label(label)
        }
        None => err.with_more_help(format!("{label} (the command does not set it)")),
    }
}

/// The constraint `err` reports and the columns it covers, in `table`.
fn broken_columns(err: &Error, table: &Table, assignments: &[Assignment]) -> Option<(Broken, Vec<String>)> {
    let server = err.server.as_deref();
    let columns_of_index = |name: &str| {
        // MySQL 8 names the key `table.index`; MariaDB and PostgreSQL the index alone.
        let name = name.rsplit_once('.').map_or(name, |(_, index)| index);
        table.indexes.iter().find(|i| i.name == name).map(|i| i.columns.clone())
    };
    match err.code.as_ref()? {
        DbCode::SqlState(_) => {
            let server = server?;
            match err.code.as_ref()?.sqlstate()? {
                "23505" => Some((Broken::Unique, columns_of_index(server.constraint.as_deref()?)?)),
                "23502" => Some((Broken::NotNull, vec![server.column.clone()?])),
                "23503" => {
                    let constraint = server.constraint.as_deref()?;
                    // PostgreSQL names a foreign key `table_column_fkey` unless told otherwise;
                    // else the one reference the command sets is the one.
                    let by_name = table
                        .foreign_keys
                        .iter()
                        .find(|fk| constraint == format!("{}_{}_fkey", table.name, fk.column))
                        .map(|fk| fk.column.clone());
                    Some((Broken::Reference, vec![by_name.or_else(|| only_reference_given(table, assignments))?]))
                }
                _ => None,
            }
        }
        DbCode::Mysql(number) => {
            let message = err.message.as_str();
            match number {
                1062 | 1586 => Some((Broken::Unique, columns_of_index(last_quoted(message, '\'')?)?)),
                // "Column 'name' cannot be null", "Field 'name' doesn't have a default value".
                1048 | 1364 => Some((Broken::NotNull, vec![first_quoted(message, '\'')?.to_string()])),
                1452 | 1216 => {
                    let after = &message[message.find("FOREIGN KEY (")? + "FOREIGN KEY (".len()..];
                    Some((Broken::Reference, vec![first_quoted(after, '`')?.to_string()]))
                }
                _ => None,
            }
        }
        DbCode::Sqlite(code) => {
            // "UNIQUE constraint failed: users.email, users.name"; "NOT NULL constraint
            // failed: users.name". A foreign key failure names nothing.
            let listed = || -> Option<Vec<String>> {
                let (_, list) = err.message.split_once(": ")?;
                let columns: Vec<String> =
                    list.split(", ").filter_map(|c| c.rsplit_once('.').map(|(_, col)| col.to_string())).collect();
                (!columns.is_empty()).then_some(columns)
            };
            match code {
                2067 | 1555 => Some((Broken::Unique, listed()?)),
                1299 => Some((Broken::NotNull, listed()?)),
                787 => Some((Broken::Reference, vec![only_reference_given(table, assignments)?])),
                _ => None,
            }
        }
    }
}

/// The column of the one reference the command sets, if it sets exactly one.
fn only_reference_given(table: &Table, assignments: &[Assignment]) -> Option<String> {
    let mut given = table
        .foreign_keys
        .iter()
        .filter(|fk| assignments.iter().any(|a| names_column(table, a, &fk.column)))
        .map(|fk| fk.column.clone());
    let first = given.next()?;
    given.next().is_none().then_some(first)
}

/// Whether `assignment` sets `column` (by its name, or by its reference's).
fn names_column(table: &Table, assignment: &Assignment, column: &str) -> bool {
    table.find_field(&assignment.field.name).is_some_and(|field| field.column().name == column)
}

/// The name the user types for `column`: a reference's (`user`) for its column (`user_id`).
fn field_name(table: &Table, column: &str) -> String {
    match table.foreign_key_of(column) {
        Some(fk) => fk.reference_name().to_string(),
        None => column.to_string(),
    }
}

fn first_quoted(text: &str, quote: char) -> Option<&str> {
    let (_, after) = text.split_once(quote)?;
    after.split_once(quote).map(|(inside, _)| inside)
}

fn last_quoted(text: &str, quote: char) -> Option<&str> {
    let (before, _) = text.rsplit_once(quote)?;
    before.rsplit_once(quote).map(|(_, inside)| inside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{ErrorKind, ServerDetail, TextPosition};

    #[test]
    fn quoted_names_are_found() {
        assert_eq!(last_quoted("Duplicate entry 'a@x' for key 'users.email'", '\''), Some("users.email"));
        assert_eq!(first_quoted("Column 'name' cannot be null", '\''), Some("name"));
    }

    #[test]
    fn the_caret_goes_where_the_server_says_through_line_continuations() {
        // Typed with a continuation; sent without it.
        let typed = "select 1,\\\n frm x";
        let sent = "select 1,\n frm x";
        let offsets: Vec<usize> = (0..sent.len()).map(|i| if i < 9 { i } else { i + 1 }).collect();
        let err = Error::new(ErrorKind::Database, "syntax error at or near \"x\"").with_server(ServerDetail {
            position: Some(TextPosition::Char(sent.find('x').unwrap())),
            ..ServerDetail::default()
        });
        let placed = place_in_sql(err, typed, 4, sent, &offsets);
        let at = typed.find('x').unwrap() + 4;
        assert_eq!(placed.span, Some(Span::new(at, at + 1)));
    }
}
