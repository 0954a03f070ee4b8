//! Where a MySQL/MariaDB password comes from when the URL has none, as the mysql client looks:
//! `$MYSQL_PWD`, then the `password` of the `[client]` group of `~/.my.cnf`. Either keeps the
//! password off the command line, where any user can read it in `/proc/<pid>/cmdline`.

use std::path::Path;

/// The password to use for a URL without one, if the environment or `~/.my.cnf` has one.
pub fn fallback() -> Option<String> {
    if let Some(pwd) = std::env::var("MYSQL_PWD").ok().filter(|p| !p.is_empty()) {
        return Some(pwd);
    }
    let home =
        std::env::var_os("HOME").filter(|h| !h.is_empty()).map(std::path::PathBuf::from).or_else(dirs::home_dir)?;
    from_option_file(&home.join(".my.cnf"))
}

fn from_option_file(path: &Path) -> Option<String> {
    client_password(&std::fs::read_to_string(path).ok()?)
}

/// The `password` option of the `[client]` group of an option file (the last one given wins,
/// as in the mysql client). Values may be quoted, with the client's backslash escapes.
pub fn client_password(text: &str) -> Option<String> {
    let mut in_client = false;
    let mut password = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(group) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            in_client = group.trim().eq_ignore_ascii_case("client");
            continue;
        }
        if !in_client {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        // Option names treat `-` and `_` alike.
        if key.trim().replace('-', "_").eq_ignore_ascii_case("password") {
            password = Some(option_value(value.trim()));
        }
    }
    password.filter(|p| !p.is_empty())
}

/// An option's value: quoted (with escapes) or bare, where a ` #` starts a comment.
fn option_value(raw: &str) -> String {
    let Some(quote) = raw.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
        return raw.split(" #").next().unwrap_or(raw).trim_end().to_string();
    };
    let mut out = String::new();
    let mut chars = raw[1..].chars();
    while let Some(c) = chars.next() {
        match c {
            c if c == quote => break,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('s') => out.push(' '),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_group_gives_the_password() {
        let cnf = "[mysqld]\npassword=server\n\n[client]\nuser = me\npassword = \"se cr\\\"et\" # note\n[mysql]\npassword=other\n";
        assert_eq!(client_password(cnf).as_deref(), Some("se cr\"et"));
        assert_eq!(client_password("[client]\npassword=plain # c\n").as_deref(), Some("plain"));
        assert_eq!(client_password("[mysqld]\npassword=x\n"), None);
        assert_eq!(client_password("[client]\npassword\n"), None);
    }
}
