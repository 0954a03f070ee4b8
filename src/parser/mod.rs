//! The command language's parser: from the text of one statement to a [`Statement`] whose nodes
//! carry spans (byte offsets into that text).
//!
//! [`split_statements`] cuts a script or an input into statements and [`parse_statement`]
//! parses one. The functions are named after the rules of `grammar/ormsh.ebnf`; each one that
//! is a rule says so with a `grammar: NAME` line in its doc comment, and `tests/grammar.rs`
//! keeps the two in step. A rule starts at its first token and stops right after its last one;
//! the caller skips the whitespace and comments in between. A rule that does not start returns
//! `nom::Err::Error`, so that the caller can try something else or say what it expected; once
//! it has started, an error is `nom::Err::Failure` and final.

mod alter;
mod commands;
mod condition;
mod context;
mod expr;
mod lexical;
mod literal;
mod model;
mod shell;
pub mod split;
#[cfg(test)]
mod tests;
mod transfer;

pub use shell::sql_as_sent;
pub use split::{Piece, is_incomplete, split_statements};

/// The parser's character rules, for the editor's walk (`assist`), which must see the same
/// tokens the parser does.
pub(crate) mod chars {
    pub(crate) use super::lexical::{is_ident_char, is_ident_start, is_word_char};

    /// The length of the identifier `s` starts with (0 if none).
    pub(crate) fn ident_len(s: &str) -> usize {
        match s.chars().next() {
            Some(c) if is_ident_start(c) => s.find(|c: char| !is_ident_char(c)).unwrap_or(s.len()),
            _ => 0,
        }
    }

    /// Whether `word` is a number as the parser reads one (`30`, `-4`, `12.50`, `1e3`), whole.
    pub(crate) fn is_number(word: &str) -> bool {
        super::literal::number(word).is_ok_and(|(rest, _)| rest.is_empty())
    }
}

use context::{Cx, Fail, PResult, fail};
use lexical::skip_ws;

use crate::ast::{Command, Span, Statement};
use crate::commands::{self as table, Verb};
use crate::error::Error;
use crate::suggest::did_you_mean;

/// Words that start SQL statements and no ormsh command: typed at the start of a line, the user
/// meant SQL.
const SQL_WORDS: &[&str] = &["select", "insert", "with", "create", "alter", "pragma", "replace", "values", "vacuum"];

/// Parses one statement (one piece from [`split_statements`]). Spans in the result and in the
/// error are byte offsets into `text`. Never panics, whatever the input.
///
/// A statement that ends inside a quote or bracket that more text could still have closed (the
/// last of a script, as a statement that cannot go on ends at its line) is an error at that
/// quote or bracket: it is never closed.
pub fn parse_statement(text: &str) -> Result<Statement, Error> {
    let parsed = parse_text(text);
    // Only `sql` takes any text, open quotes included; any other statement with something open
    // fails to parse.
    let may_be_open = match &parsed {
        Ok(statement) => matches!(statement.command, Command::Sql { .. } | Command::Explain(_)),
        Err(_) => true,
    };
    if may_be_open && let Some(error) = split::never_closed(text) {
        return Err(error);
    }
    parsed
}

/// The parse of `text` as it is.
fn parse_text(text: &str) -> Result<Statement, Error> {
    let cx = Cx::new(text);
    match statement(&cx, text) {
        Ok((_, statement)) => Ok(statement),
        Err(nom::Err::Error(Fail::Report(e)) | nom::Err::Failure(Fail::Report(e))) => Err(*e),
        Err(nom::Err::Error(Fail::Mismatch(left)) | nom::Err::Failure(Fail::Mismatch(left))) => {
            let rest = &text[text.len() - left..];
            let (found, span) = cx.found(rest);
            Err(Error::syntax(format!("unexpected {found}"), span))
        }
        Err(nom::Err::Incomplete(_)) => {
            Err(Error::syntax("unexpected end of input", Span::new(text.len(), text.len())))
        }
    }
}

/// A whole statement: one command, with only whitespace and comments around it.
///
/// grammar: statement
fn statement<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Statement> {
    let start = skip_ws(i);
    let (rest, command) = command(cx, start)?;
    let span = cx.span(start, rest);
    let after = skip_ws(rest);
    if !after.is_empty() {
        let mut error = cx.unexpected_after(after);
        if after.starts_with(';') {
            error = error.with_help("run one statement at a time; split a script first");
        }
        return Err(fail(error));
    }
    Ok((after, Statement { command, span }))
}

/// grammar: command
fn command<'a>(cx: &Cx<'a>, i: &'a str) -> PResult<'a, Command> {
    let Ok((_, word)) = shell::command_word(i) else {
        return Err(fail(cx.expected("a command", i)));
    };
    type Rule = for<'b> fn(&Cx<'b>, &'b str) -> PResult<'b, Command>;
    let Some(known) = table::lookup(word) else {
        let span = Span::new(cx.pos(i), cx.pos(i) + word.len());
        let mut error = Error::syntax(format!("unknown command `{word}`"), span);
        if let Some(help) = did_you_mean(word, table::words()) {
            error = error.with_help(help);
        } else if SQL_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)) {
            error = error.with_help(format!("to run SQL as it is, write `sql {word} …`"));
        } else {
            error = error.with_help("type `help` for the list of commands");
        }
        return Err(fail(error));
    };
    let parse: Rule = match known.verb {
        Verb::Model => model::model_decl,
        Verb::Models => model::models,
        Verb::Refresh => shell::refresh,
        Verb::Describe => model::describe,
        Verb::Alter => alter::alter,
        Verb::Drop => model::drop,
        Verb::Add => commands::add,
        Verb::Upsert => commands::upsert,
        Verb::Get => commands::get,
        Verb::Query => commands::query,
        Verb::Count => commands::count,
        Verb::Update => commands::update,
        Verb::Delete => commands::delete,
        Verb::Begin => shell::begin,
        Verb::Commit => shell::commit,
        Verb::Rollback => shell::rollback,
        Verb::Savepoint => shell::savepoint,
        Verb::Release => shell::release,
        Verb::Sql => shell::sql,
        Verb::Explain => shell::explain,
        Verb::Set => shell::set,
        Verb::Source => shell::source,
        Verb::Connect => shell::connect,
        Verb::Export => transfer::export,
        Verb::Import => transfer::import,
        Verb::Help => shell::help,
        Verb::Output => shell::output,
        Verb::Edit => shell::edit,
        Verb::Quit => shell::quit,
    };
    parse(cx, i)
}
