//! Hints: the rest of a command's syntax, shown after the cursor while nothing of it is typed.

use super::walk::{self, Hint};
use crate::catalog::Catalog;

/// A grey-able hint of what comes next at the end of the line (`pos == line.len()` only),
/// without colour; None when there is nothing useful.
pub fn hint(line: &str, pos: usize, catalog: &Catalog) -> Option<String> {
    if pos != line.len() {
        return None;
    }
    let point = walk::point(line, catalog)?;
    // Only where a new word would start, never in the middle of one.
    if point.start != line.len() {
        return None;
    }
    let text = match point.offer.hint? {
        Hint::Model => "Model".to_string(),
        Hint::AfterModel { command, table } => match command {
            "query" => "[fields …] [where …] [by …] [order by …] [limit n]".to_string(),
            "count" => "[where …] [by …]".to_string(),
            "update" => "where … set …".to_string(),
            "delete" => "where …|all".to_string(),
            "model" => "{ field: type, … }".to_string(),
            "alter" => "add f: type | rename f to g | drop f | index (f, …) | unique (f, …)".to_string(),
            "get" => table?.single_key()?.name.clone(),
            "add" | "upsert" => {
                let table = table?;
                let column = table.columns.iter().find(|c| !c.nullable && !c.has_default)?;
                let name = table.foreign_key_of(&column.name).map_or(column.name.as_str(), |fk| fk.reference_name());
                format!("{name}=…")
            }
            _ => return None,
        },
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{LINES, catalog};
    use super::*;

    fn at_end(line: &str) -> Option<String> {
        hint(line, line.len(), &catalog())
    }

    #[test]
    fn hints_the_rest_of_a_command() {
        assert_eq!(at_end("update User ").as_deref(), Some("where … set …"));
        assert_eq!(at_end("query User ").as_deref(), Some("[fields …] [where …] [by …] [order by …] [limit n]"));
        assert_eq!(at_end("count User ").as_deref(), Some("[where …] [by …]"));
        assert_eq!(at_end("delete User ").as_deref(), Some("where …|all"));
        assert_eq!(at_end("add User ").as_deref(), Some("name=…"));
        assert_eq!(at_end("add Address ").as_deref(), Some("email=…"));
        assert_eq!(at_end("add Track ").as_deref(), Some("album=…"));
        assert_eq!(at_end("get User ").as_deref(), Some("id"));
        assert_eq!(at_end("model User ").as_deref(), Some("{ field: type, … }"));
        assert_eq!(
            at_end("alter User ").as_deref(),
            Some("add f: type | rename f to g | drop f | index (f, …) | unique (f, …)")
        );
        assert_eq!(at_end("explain update User ").as_deref(), Some("where … set …"));
        assert_eq!(
            at_end("models; QUERY User  ").as_deref(),
            Some("[fields …] [where …] [by …] [order by …] [limit n]")
        );
    }

    #[test]
    fn hints_a_model_after_a_bare_command() {
        for line in
            ["query ", "add ", "get ", "count ", "update ", "delete ", "describe ", "drop ", "alter ", "explain add "]
        {
            assert_eq!(at_end(line).as_deref(), Some("Model"), "line: {line:?}");
        }
    }

    #[test]
    fn nothing_otherwise() {
        for line in [
            "",
            "query",
            "query User",
            "query User where ",
            "update User where id=1 ",
            "add User name=x ",
            "add Nope ",
            "get Nope ",
            "describe User ",
            "set ",
            "query User # comment ",
            "sql ",
        ] {
            assert_eq!(at_end(line), None, "line: {line:?}");
        }
        assert_eq!(hint("query User ", 3, &catalog()), None);
        // A table without a single-column key has nothing to hint for `get`.
        let mut c = catalog();
        c.tables[0].columns[0].primary_key = false;
        assert_eq!(hint("get User ", 9, &c), None);
    }

    #[test]
    fn never_panics() {
        let c = catalog();
        for line in LINES {
            for pos in 0..=line.len() + 1 {
                let _ = hint(line, pos, &c);
                let _ = super::super::complete(line, pos, &c);
                if line.is_char_boundary(pos) {
                    let _ = hint(&line[..pos], pos, &c);
                    let _ = super::super::complete(&line[..pos], pos, &c);
                }
            }
        }
    }
}
