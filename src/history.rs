//! The history file: where it lives, what goes into it (never a password), and that it stays
//! the user's alone (never followed through a symbolic link to a file it would then chmod).

use std::fs::OpenOptions;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::redact::{mask_passwords, passwords_in};

/// The history file lives in the user's data directory and is readable by the user alone.
pub fn default_path() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("ormsh").join("history"))
}

/// Makes the history file ready to use: created if missing, readable by the user alone. A
/// symbolic link is refused (why, in words): following it, ormsh would write and chmod a file
/// somewhere else, perhaps another user's.
pub fn prepare(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!("history is not kept: {} is a symbolic link (ormsh does not follow it)", path.display()));
    }
    let _ = OpenOptions::new().create(true).append(true).mode(0o600).open(path);
    keep_private(path);
    Ok(())
}

/// The file readable and writable by the user alone, unless it has become a symbolic link.
pub fn keep_private(path: &Path) {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file()) {
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
}

/// The history entry for a line: every URL in it loses its password. A `connect` line whose
/// password the mask could not find (an unusual spelling) is not kept at all.
pub fn entry(line: &str) -> Option<String> {
    let masked = mask_passwords(line);
    let trimmed = line.trim_start();
    let is_connect = trimmed.get(..7).is_some_and(|w| w.eq_ignore_ascii_case("connect"));
    if is_connect {
        let url = trimmed[7..].trim().trim_matches(|c| c == '"' || c == '\'');
        let leaked = url::Url::parse(url)
            .ok()
            .and_then(|u| u.password().map(str::to_string))
            .into_iter()
            .chain(passwords_in(url))
            .any(|secret| !secret.is_empty() && masked.contains(&secret));
        if leaked {
            return None;
        }
    }
    Some(masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_lines_lose_their_password_in_history() {
        assert_eq!(entry("connect postgres://bob:hunter2@db/app").unwrap(), "connect postgres://bob:********@db/app");
        assert_eq!(
            entry("connect postgres://bob@db/app?password=hunter2").unwrap(),
            "connect postgres://bob@db/app?password=********"
        );
        assert_eq!(
            entry(r#"connect "postgres://bob:two words@db/app""#).unwrap(),
            r#"connect "postgres://bob:********@db/app""#
        );
        assert_eq!(entry("query User").unwrap(), "query User");
    }

    #[test]
    fn a_symlinked_history_file_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "x").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
        let link = dir.path().join("history");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let err = prepare(&link).unwrap_err();
        assert!(err.contains("symbolic link"), "{err}");
        keep_private(&link);
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o644);
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "x");
    }
}
