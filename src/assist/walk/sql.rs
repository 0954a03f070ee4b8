//! The text of `sql`, walked as SQL: keywords, strings, numbers, the catalog's tables and
//! columns coloured; at the end of the input, table and column names offered (the columns of
//! the tables the statement names, or of every table while it names none; `users.` offers the
//! columns of `users`). None of it is ormsh's language: `#` is an operator, not a comment.

use super::{Class, Offer, Point, Step, Walker};
use crate::catalog::Table;

/// Words coloured as SQL keywords (compared without case): the common ground of the three
/// databases' statements, clauses and operators.
const KEYWORDS: &str = "\
    add all alter and as asc between by case cast column constraint count create cross \
    default delete desc distinct drop else end exists explain false foreign from full group \
    having if ilike in index inner insert into is join key left like limit not null offset \
    on or order outer primary references returning right select set table then true union \
    unique update using values view when where with";

/// Where the walk of SQL text stands after a token.
enum Token {
    Word,
    /// A string or comment: nothing is offered inside one, nor right after.
    Text,
    Other,
}

impl<'s, 'c> Walker<'s, 'c> {
    /// The rest of the statement as SQL (after `sql`).
    pub(super) fn sql_text(&mut self) -> Step {
        let named = self.tables_named();
        loop {
            let rest = self.rest();
            let Some(c) = rest.chars().next() else { break };
            let start = self.pos;
            if c.is_whitespace() {
                self.pos += c.len_utf8();
                self.separated = true;
                continue;
            }
            let token = if rest.starts_with("--") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
                self.mark(start, Class::Comment);
                Token::Text
            } else if rest.starts_with("/*") {
                self.pos += rest.strip_prefix("/*").and_then(|r| r.find("*/")).map_or(rest.len(), |end| end + 4);
                self.mark(start, Class::Comment);
                Token::Text
            } else if c == '\'' {
                self.pos += quoted_len(rest, '\'');
                self.mark(start, Class::Str);
                Token::Text
            } else if c == '"' || c == '`' {
                // A quoted identifier: coloured as what it names.
                let len = quoted_len(rest, c);
                self.pos += len;
                let inside = rest[1..len].trim_end_matches(c);
                self.mark(start, self.class_of_name(inside, &named));
                Token::Other
            } else if c.is_ascii_digit() {
                self.pos += rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '.')).unwrap_or(rest.len());
                self.mark(start, Class::Number);
                Token::Other
            } else if c.is_alphabetic() || c == '_' {
                let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.')).unwrap_or(rest.len());
                if self.completing && start + len == self.src.len() {
                    return self.offer_names(start, named);
                }
                self.pos += len;
                let word = &self.src[start..self.pos];
                // `users.name`: each part as what it names.
                let mut at = start;
                for part in word.split('.') {
                    let class = if KEYWORDS.split_whitespace().any(|k| k.eq_ignore_ascii_case(part)) {
                        Some(Class::Keyword)
                    } else {
                        Some(self.class_of_name(part, &named)).filter(|c| *c != Class::UnknownField)
                    };
                    if let Some(class) = class {
                        self.spans.push((at, at + part.len(), class));
                    }
                    at += part.len() + 1;
                }
                Token::Word
            } else {
                self.pos += c.len_utf8();
                Token::Other
            };
            if matches!(token, Token::Text) && self.at_end() {
                return None;
            }
            self.separated = matches!(token, Token::Other);
        }
        if self.completing && self.separated {
            return self.offer_names(self.pos, named);
        }
        None
    }

    /// Offers table and column names for the word that starts at `start` and ends the input.
    fn offer_names(&mut self, start: usize, named: Vec<&'c Table>) -> Step {
        let columns_of = if named.is_empty() { self.catalog.tables.iter().collect() } else { named };
        self.point = Some(Point { start, offer: Offer { sql: Some(columns_of), ..Offer::default() } });
        None
    }

    /// Model (a table), field (a column of a table the statement names, or of any table while
    /// it names none), or neither.
    fn class_of_name(&self, name: &str, named: &[&Table]) -> Class {
        if self.catalog.tables.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
            return Class::Model;
        }
        let mut tables: Box<dyn Iterator<Item = &Table>> =
            if named.is_empty() { Box::new(self.catalog.tables.iter()) } else { Box::new(named.iter().copied()) };
        if tables.any(|t| t.columns.iter().any(|c| c.name.eq_ignore_ascii_case(name))) {
            Class::Field
        } else {
            Class::UnknownField
        }
    }

    /// The catalog's tables that the text names anywhere, as a word (or a quoted name).
    fn tables_named(&self) -> Vec<&'c Table> {
        let words: Vec<&str> =
            self.rest().split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        self.catalog.tables.iter().filter(|t| words.iter().any(|w| t.name.eq_ignore_ascii_case(w))).collect()
    }
}

/// The length of a quoted token at the start of `s` (its closing quote included, a doubled
/// quote inside it kept); to the end when it is not closed.
fn quoted_len(s: &str, quote: char) -> usize {
    let mut chars = s.char_indices().skip(1).peekable();
    while let Some((at, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|(_, next)| *next == quote) {
                chars.next();
                continue;
            }
            return at + c.len_utf8();
        }
    }
    s.len()
}
