//! The table of session settings: what `set` changes, what `set` alone lists (each with its
//! value and its default), what the config file may set, and the names the parser suggests.
//! A new setting is a row here and an arm in [`crate::session::Session`]'s `setting_value`.

/// One setting of the session.
#[derive(Debug)]
pub struct SettingInfo {
    /// The word after `set`, and the key in `config.toml`.
    pub name: &'static str,
    /// The values it takes, as `set` writes them.
    pub values: &'static str,
    /// Its value at the prompt when nothing set it, as `set` writes it.
    pub default: &'static str,
    /// Its value in a script (`-c`, `-f`, piped input) when nothing set it, where that differs.
    pub in_scripts: Option<&'static str>,
    pub summary: &'static str,
}

/// Every setting, in the order `set` lists them.
pub const SETTINGS: &[SettingInfo] = &[
    SettingInfo {
        name: "format",
        values: "auto|table|vertical|json|jsonl|csv",
        default: "auto",
        in_scripts: Some("table"),
        summary: "how rows are printed (psql's \\x flips table and vertical)",
    },
    SettingInfo {
        name: "limit",
        values: "N|off",
        default: "100",
        in_scripts: None,
        summary: "rows a query shows at the prompt (scripts show all)",
    },
    SettingInfo {
        name: "timing",
        values: "on|off",
        default: "off",
        in_scripts: None,
        summary: "print how long each command took (psql's \\timing)",
    },
    SettingInfo {
        name: "pager",
        values: "on|off",
        default: "on",
        in_scripts: Some("off"),
        summary: "results taller or wider than the terminal go through $PAGER (default less -SRXF)",
    },
];

/// The row of `name`.
pub fn find(name: &str) -> Option<&'static SettingInfo> {
    SETTINGS.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}
