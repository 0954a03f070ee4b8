//! `help` and `help <command>`.

use crate::ast::Ident;
use crate::commands::{self, COMMANDS};
use crate::error::{Error, ErrorKind, Result};

pub fn text(topic: Option<&Ident>) -> Result<String> {
    match topic {
        None => {
            let width = COMMANDS.iter().map(|c| c.word.len()).max().unwrap_or(0);
            let mut out = String::from("Commands (`help <command>` for more):\n");
            for command in COMMANDS {
                out.push_str(&format!("  {:width$}  {}\n", command.word, command.syntax));
            }
            out.push_str(
                "Values: bare words, \"quoted\" or 'quoted' strings, numbers, true/false, null, dates 2024-01-31; now and today for dates and datetimes; (a, b) for a PostgreSQL array.\n",
            );
            out.push_str(
                "One command per line; `;` separates several; `#` starts a comment; `\\` at the end, or a bracket or quote that can still be closed, continues a line.\n",
            );
            out.push_str(
                "psql's words work too: \\d, \\d Model, \\dt, \\x, \\timing, \\i FILE, \\o [FILE], \\e, \\?, \\q. The prompt reads ~/.config/ormsh/config.toml and rc.orm (--no-rc to skip them).",
            );
            Ok(out)
        }
        Some(topic) => {
            let entry = commands::lookup(&topic.name).ok_or_else(|| {
                let mut err = Error::at(ErrorKind::Name, format!("no help for `{}`", topic.name), topic.span);
                if let Some(help) = crate::suggest::did_you_mean(&topic.name, commands::words()) {
                    err = err.with_help(help);
                }
                err
            })?;
            Ok(format!("{}\n  {}\n  example: {}", entry.syntax, entry.summary, entry.example))
        }
    }
}
