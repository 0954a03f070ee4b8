//! An SQLite file that does not exist yet is made only when something is written to it: a read
//! (`ormsh -c 'count User'` in the wrong directory) must not leave an empty database behind.
//! SQLite creates the file when it opens it, empty until the first write; so the file is
//! removed again after the session if it is still empty, and the user is told either way.

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::sqlite::SqliteConnectOptions;

/// An SQLite file that did not exist when the session opened it.
pub struct NewDatabase {
    path: PathBuf,
    /// Whether the user named no database (ormsh chose its default file).
    by_default: bool,
}

impl NewDatabase {
    /// The SQLite file `url` names, if it is a file that does not exist yet.
    pub fn before_open(url: &str, by_default: bool) -> Option<NewDatabase> {
        if !url.starts_with("sqlite:") || url.contains("mode=memory") {
            return None;
        }
        let options = SqliteConnectOptions::from_str(url).ok()?;
        let path = options.get_filename().to_path_buf();
        // sqlx names an in-memory database `file:sqlx-in-memory-N`, which is no file.
        let name = path.to_string_lossy();
        let in_memory = name.is_empty() || name == ":memory:" || name.starts_with("file:sqlx-in-memory-");
        (!in_memory && std::fs::symlink_metadata(&path).is_err()).then_some(NewDatabase { path, by_default })
    }

    /// After the session: the file is removed if nothing was written to it. What to tell the
    /// user: that the database does not exist (and was not made), or that it was made when
    /// ormsh chose the file itself.
    pub fn settle(self) -> Option<String> {
        let metadata = std::fs::symlink_metadata(&self.path).ok()?;
        let shown = self.path.display();
        if metadata.is_file() && metadata.len() == 0 {
            for extra in ["-journal", "-wal", "-shm"] {
                let mut side = self.path.clone().into_os_string();
                side.push(extra);
                let _ = std::fs::remove_file(PathBuf::from(side));
            }
            std::fs::remove_file(&self.path).ok()?;
            return Some(format!(
                "note: the database {shown} does not exist; nothing was written, so it was not created"
            ));
        }
        self.by_default.then(|| format!("note: created the database {shown} (SQLite)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_missing_file_is_new() {
        let dir = tempfile::tempdir().unwrap();
        let there = dir.path().join("there.db");
        std::fs::write(&there, "").unwrap();
        assert!(NewDatabase::before_open(&format!("sqlite:{}", there.display()), false).is_none());
        assert!(NewDatabase::before_open("sqlite::memory:", false).is_none());
        assert!(NewDatabase::before_open("postgres://h/db", false).is_none());
        let missing = dir.path().join("missing.db");
        let new = NewDatabase::before_open(&format!("sqlite:{}", missing.display()), true).unwrap();
        std::fs::write(&missing, "").unwrap();
        assert!(new.settle().unwrap().contains("does not exist"));
        assert!(!missing.exists());
    }
}
