//! The person's own defaults for the prompt: `config.toml` (settings, colour, the editor's
//! keys, history size) and `rc.orm` (commands run when the prompt starts), both in ormsh's
//! config directory: `$ORMSH_CONFIG_DIR`, else `$XDG_CONFIG_HOME/ormsh`, else
//! `~/.config/ormsh`.
//!
//! Both are read for the prompt only (`--no-rc` skips them): the output of `-c`, `-f` and piped
//! input is their data, and must not change with whoever runs them. A key or value that is
//! wrong is a warning naming `file:line`; the rest of the file still applies and the prompt
//! still starts.
//!
//! ```toml
//! format = "vertical"     # any `set` setting, as `set` takes it
//! limit = 50              # or "off"
//! timing = true
//! color = "never"         # auto | always | never
//! edit_mode = "vi"        # emacs | vi
//! history_size = 5000
//! ```

use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};

/// The file of settings, in the config directory.
pub const CONFIG_FILE: &str = "config.toml";
/// The commands run when the prompt starts, in the config directory.
pub const RC_FILE: &str = "rc.orm";

/// The keys of `config.toml` that are not `set` settings.
const OTHER_KEYS: [&str; 3] = ["color", "edit_mode", "history_size"];

/// How the line editor takes keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EditMode {
    #[default]
    Emacs,
    Vi,
}

/// Colour, as the config file asks for it (the command line's `--color` wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// What `config.toml` says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Where it was read from (None: no file).
    pub path: Option<PathBuf>,
    /// `set` commands, in the file's order, each with its line: `set format vertical`.
    pub settings: Vec<(String, usize)>,
    pub color: Option<ColorChoice>,
    pub edit_mode: Option<EditMode>,
    pub history_size: Option<usize>,
    /// What was wrong in it, each naming `file:line`.
    pub warnings: Vec<String>,
}

/// ormsh's config directory (see the module's doc), if there is a home to have one in.
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ORMSH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    // dirs follows XDG_CONFIG_HOME, else ~/.config.
    dirs::config_dir().map(|d| d.join("ormsh"))
}

impl Config {
    /// Reads `config.toml` from `dir`; no file is no config, and not a warning.
    pub fn load(dir: &Path) -> Config {
        let path = dir.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&path, &text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Config::default(),
            Err(e) => Config {
                warnings: vec![format!("{}: cannot read it: {}", path.display(), crate::runner::io_reason(&e))],
                ..Config::default()
            },
        }
    }

    /// The config in `text`, read from `path` (named in warnings).
    pub fn parse(path: &Path, text: &str) -> Config {
        let mut config = Config { path: Some(path.to_path_buf()), ..Config::default() };
        let line_of = |at: usize| text[..at.min(text.len())].matches('\n').count() + 1;
        let table = match DeTable::parse(text) {
            Ok(table) => table.into_inner(),
            Err(e) => {
                let line = e.span().map_or(1, |s| line_of(s.start));
                config.warnings.push(format!("{}:{line}: not TOML: {}", path.display(), e.message().trim()));
                return config;
            }
        };
        // In the file's order: a later line wins, and warnings read top to bottom.
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(key, _)| key.span().start);
        for (key, value) in entries {
            let line = line_of(key.span().start);
            let name = key.get_ref().as_ref();
            let mut warn = |what: String| config.warnings.push(format!("{}:{line}: {what}", path.display()));
            match (name, value.get_ref()) {
                ("color" | "colour", v) => match v.as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some("auto") => config.color = Some(ColorChoice::Auto),
                    Some("always") => config.color = Some(ColorChoice::Always),
                    Some("never") => config.color = Some(ColorChoice::Never),
                    _ => warn(format!("`{name}` is \"auto\", \"always\" or \"never\", not {}", shown(v))),
                },
                ("edit_mode", v) => match v.as_str().map(str::to_ascii_lowercase).as_deref() {
                    Some("emacs") => config.edit_mode = Some(EditMode::Emacs),
                    Some("vi") => config.edit_mode = Some(EditMode::Vi),
                    _ => warn(format!("`edit_mode` is \"emacs\" or \"vi\", not {}", shown(v))),
                },
                ("history_size", DeValue::Integer(n)) => match n.as_str().parse::<usize>() {
                    Ok(size) if size > 0 => config.history_size = Some(size),
                    _ => warn(format!("`history_size` is a number of entries above 0, not {}", n.as_str())),
                },
                ("history_size", v) => warn(format!("`history_size` is a number of entries, not {}", shown(v))),
                (name, v) if crate::settings::find(name).is_some() => match set_word(v) {
                    Some(word) => config.settings.push((format!("set {} {word}", name.to_ascii_lowercase()), line)),
                    None => warn(format!(
                        "`{name}` takes {}, not {}",
                        crate::settings::find(name).map_or("", |s| s.values),
                        shown(v)
                    )),
                },
                (name, _) => {
                    let known = crate::settings::SETTINGS.iter().map(|s| s.name).chain(OTHER_KEYS);
                    let help = crate::suggest::did_you_mean(name, known.clone())
                        .unwrap_or_else(|| format!("the keys are {}", known.collect::<Vec<_>>().join(", ")));
                    warn(format!("unknown key `{name}`: {help}"));
                }
            }
        }
        config
    }
}

/// A value as `set` takes it: a word or number as it is, `true`/`false` as `on`/`off`.
fn set_word(value: &DeValue<'_>) -> Option<String> {
    match value {
        DeValue::String(s) if !s.trim().is_empty() && !s.contains(['\n', ';', '#']) => Some(s.trim().to_string()),
        DeValue::Integer(n) => Some(n.as_str().to_string()),
        DeValue::Boolean(b) => Some(if *b { "on" } else { "off" }.to_string()),
        _ => None,
    }
}

/// A value for a warning: strings quoted, others by their kind.
fn shown(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("\"{s}\""),
        DeValue::Integer(n) => n.as_str().to_string(),
        DeValue::Float(f) => f.as_str().to_string(),
        DeValue::Boolean(b) => b.to_string(),
        other => format!("a {}", other.type_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Config {
        Config::parse(Path::new("/c/config.toml"), text)
    }

    #[test]
    fn settings_become_set_commands_and_the_rest_is_kept() {
        let config = parse(
            "format = \"vertical\"\nlimit = 20\ntiming = true\ncolor = \"never\"\nedit_mode = \"vi\"\nhistory_size = 50\n",
        );
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        let sets: Vec<&str> = config.settings.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(sets, ["set format vertical", "set limit 20", "set timing on"]);
        assert_eq!(config.settings[1].1, 2);
        assert_eq!(config.color, Some(ColorChoice::Never));
        assert_eq!(config.edit_mode, Some(EditMode::Vi));
        assert_eq!(config.history_size, Some(50));
    }

    #[test]
    fn bad_keys_and_values_are_warnings_at_their_line() {
        let config = parse("format = \"table\"\n\nformt = \"json\"\nedit_mode = \"nano\"\nhistory_size = -1\n");
        assert_eq!(
            config.warnings,
            [
                "/c/config.toml:3: unknown key `formt`: did you mean `format`?",
                "/c/config.toml:4: `edit_mode` is \"emacs\" or \"vi\", not \"nano\"",
                "/c/config.toml:5: `history_size` is a number of entries above 0, not -1",
            ]
        );
        // The good line still applies.
        assert_eq!(config.settings, [("set format table".to_string(), 1)]);
        let broken = parse("format = \"table\"\nlimit = = 3\n");
        assert_eq!(broken.warnings.len(), 1);
        assert!(broken.warnings[0].starts_with("/c/config.toml:2: not TOML"), "{:?}", broken.warnings);
    }
}
