//! Syntax colouring of the line being edited. Only colour is added: the visible text is the
//! line as typed.

use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::walk::{self, Class};
use crate::catalog::Catalog;

/// The line with ANSI colours (owo-colors) added; the visible text is exactly `line` (strip the
/// escapes and you get `line` back).
pub fn highlight(line: &str, catalog: &Catalog) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut at = 0;
    for (start, end, class) in walk::spans(line, catalog) {
        // Spans come in order and on char boundaries; anything else is skipped rather than
        // risk changing the text.
        let (Some(before), Some(text)) = (line.get(at..start), line.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        let _ = write!(out, "{}", text.style(style(class)));
        at = end;
    }
    out.push_str(&line[at..]);
    out
}

/// The part of `text` from `from` (the start of its last line) with colours added, coloured as
/// in the whole `text`: a line of an entry of several lines, read in the light of the lines
/// before it. A span that starts on an earlier line is coloured from `from` on.
pub fn highlight_from(text: &str, from: usize, catalog: &Catalog) -> String {
    let Some(tail) = text.get(from..) else { return String::new() };
    let mut out = String::with_capacity(tail.len() * 2);
    let mut at = from;
    for (start, end, class) in walk::spans(text, catalog) {
        let start = start.max(from);
        if end <= start {
            continue;
        }
        let (Some(before), Some(word)) = (text.get(at..start), text.get(start..end)) else {
            continue;
        };
        out.push_str(before);
        let _ = write!(out, "{}", word.style(style(class)));
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn style(class: Class) -> Style {
    let plain = Style::new();
    match class {
        Class::Command => plain.bold().blue(),
        Class::Model => plain.cyan(),
        Class::UnknownModel | Class::UnknownField => plain.red(),
        Class::Field => plain.yellow(),
        Class::Keyword | Class::Literal => plain.magenta(),
        Class::Type => plain.blue(),
        Class::Str => plain.green(),
        Class::Number => plain.bright_blue(),
        Class::Comment => plain.dimmed(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{LINES, catalog};
    use super::*;

    /// `s` without its ANSI escapes.
    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The text painted in `style` somewhere in `line`'s highlighting.
    fn painted(line: &str, style: Style) -> Vec<String> {
        let out = highlight(line, &catalog());
        let prefix = style.style("\u{0}").to_string();
        let (open, close) = prefix.split_once('\u{0}').unwrap();
        out.match_indices(open)
            .filter_map(|(i, _)| out[i + open.len()..].split_once(close).map(|(text, _)| strip(text)))
            .collect()
    }

    #[test]
    fn keeps_the_visible_text() {
        let c = catalog();
        for line in LINES {
            assert_eq!(strip(&highlight(line, &c)), *line);
            // Every prefix too: that is what is on the screen while typing.
            for (i, _) in line.char_indices() {
                assert_eq!(strip(&highlight(&line[..i], &c)), line[..i]);
            }
        }
    }

    #[test]
    fn colours_what_the_words_are() {
        let line = "query User where name=John and age > 30 # old";
        assert!(painted(line, Style::new().bold().blue()).contains(&"query".to_string()));
        assert_eq!(painted(line, Style::new().cyan()), ["User"]);
        assert_eq!(painted(line, Style::new().yellow()), ["name", "age"]);
        assert_eq!(painted(line, Style::new().magenta()), ["where", "and"]);
        assert_eq!(painted(line, Style::new().bright_blue()), ["30"]);
        assert_eq!(painted(line, Style::new().dimmed()), ["# old"]);
        assert_eq!(painted("add User name=\"Jo\" active=TRUE x=null", Style::new().magenta()), ["TRUE", "null"]);
        let sql = "sql SELECT name, 42 FROM users WHERE users.name = 'a#b' -- why";
        assert_eq!(painted(sql, Style::new().magenta()), ["SELECT", "FROM", "WHERE"]);
        assert_eq!(painted(sql, Style::new().cyan()), ["users", "users"]);
        assert_eq!(painted(sql, Style::new().yellow()), ["name", "name"]);
        assert_eq!(painted(sql, Style::new().green()), ["'a#b'"]);
        assert_eq!(painted(sql, Style::new().bright_blue()), ["42"]);
        assert_eq!(painted(sql, Style::new().dimmed()), ["-- why"]);
        assert_eq!(painted("add User name=\"Jo hn", Style::new().green()), ["\"Jo hn"]);
        assert_eq!(painted("add User name='a\\'b' x=\"c\"", Style::new().green()), ["'a\\'b'", "\"c\""]);
        // A list as a field's value (a PostgreSQL array): its values, and what follows it.
        let list = "update User where name = (a, \"b c\", 3) set age=(1, null) # x";
        assert_eq!(painted(list, Style::new().yellow()), ["name", "age"]);
        assert_eq!(painted(list, Style::new().green()), ["\"b c\""]);
        assert_eq!(painted(list, Style::new().bright_blue()), ["3", "1"]);
        assert_eq!(painted(list, Style::new().magenta()), ["where", "set", "null"]);
        assert_eq!(painted(list, Style::new().dimmed()), ["# x"]);
    }

    /// A model named with its schema is one model name, coloured as one; an unknown one is red.
    #[test]
    fn models_named_with_their_schema_are_models() {
        let mut c = catalog();
        c.tables.push(crate::assist::tests::table("sales.orders", &[("id", "INTEGER", "pk")], &[]));
        c.schemas.names = vec!["sales".into()];
        let cyan = Style::new().cyan().style("sales.Order").to_string();
        assert!(
            highlight("query sales.Order where id = 1", &c).contains(&cyan),
            "{:?}",
            highlight("query sales.Order", &c)
        );
        let red = Style::new().red().style("sales.Ordr").to_string();
        assert!(highlight("count sales.Ordr", &c).contains(&red));
    }

    #[test]
    fn unknown_names_are_red() {
        let red = |line: &str| painted(line, Style::new().red());
        let out = highlight("query Usr where name=1", &catalog());
        assert!(out.contains("\x1b[31mUsr\x1b[0m"), "{out:?}");
        assert_eq!(red("query Usr where name=1"), ["Usr"]);
        assert_eq!(red("drop Nope confirm"), ["Nope"]);
        assert_eq!(red("add User nmae=John"), ["nmae"]);
        assert_eq!(red("query Address where user.nmae=1 and email.x=2"), ["nmae", "x"]);
        assert_eq!(red("query Track where album.artist.name=1"), Vec::<String>::new());
        assert_eq!(red("model Post { author: Usr, boss: Post, owner: User }"), ["Usr"]);
        // A model being declared is new, not unknown.
        assert_eq!(red("model Brand { name: text }"), Vec::<String>::new());
    }

    /// Before the whole schema is read (in the background at the prompt), a model whose table
    /// is not read yet is a model, not an unknown name.
    #[test]
    fn models_not_read_yet_are_models() {
        let partial = crate::catalog::Catalog::partial(vec!["users".into(), "tracks".into()], Default::default());
        let out = highlight("query User where name=1", &partial);
        assert!(!out.contains("\x1b[31mUser"), "{out:?}");
        let unknown = highlight("query Usr", &partial);
        assert!(unknown.contains("\x1b[31mUsr"), "{unknown:?}");
        let declared = highlight("model Post { owner: User, boss: Usr }", &partial);
        assert!(!declared.contains("\x1b[31mUser") && declared.contains("\x1b[31mUsr"), "{declared:?}");
    }

    #[test]
    fn with_names_relations_and_references() {
        let line = "query Artist with albums.tracks.album, Albums where name=x";
        assert_eq!(painted(line, Style::new().yellow()), ["albums", "tracks", "album", "Albums", "name"]);
        assert_eq!(painted(line, Style::new().magenta()), ["with", "where"]);
        let red = |line: &str| painted(line, Style::new().red());
        assert_eq!(red("query Artist with name, albms.x"), ["name", "albms"]);
        assert_eq!(red("get User 1 with addresses.user, addresses.email"), ["email"]);
    }

    #[test]
    fn sql_text_is_coloured_as_sql() {
        let line = "sql select 'x', 1 from users where name = 'a' and id = 2 # 3";
        assert_eq!(painted(line, Style::new().bold().blue()), ["sql"]);
        assert_eq!(painted(line, Style::new().magenta()), ["select", "from", "where", "and"]);
        assert_eq!(painted(line, Style::new().green()), ["'x'", "'a'"]);
        // `#` is an operator in PostgreSQL, not a comment.
        assert_eq!(painted(line, Style::new().bright_blue()), ["1", "2", "3"]);
        assert!(painted(line, Style::new().dimmed()).is_empty());
        // A word that is neither a keyword nor a name of the catalog stays plain.
        assert!(painted("sql select frobnicate()", Style::new().red()).is_empty());
    }

    #[test]
    fn model_declarations() {
        let line = "model Post table posts { title: text unique, author: User? = 1 }";
        assert_eq!(painted(line, Style::new().yellow()), ["title", "author"]);
        assert_eq!(painted(line, Style::new().blue()), ["text"]);
        assert_eq!(painted(line, Style::new().cyan()), ["Post", "User"]);
        assert_eq!(painted(line, Style::new().magenta()), ["table", "unique"]);
    }
}
