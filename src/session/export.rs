//! `export … to FILE`: a read command run as usual, its printer a file's for the while.

use std::io::BufWriter;
use std::path::{Path, PathBuf};

use super::{Confirm, Session, io_error};
use crate::ast::{Command, Format, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::render::Printer;
use crate::runner::io_reason;

/// The format a file's extension names, if it names one.
pub fn format_of(path: &str) -> Option<Format> {
    let extension = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "csv" => Some(Format::Csv),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        "txt" => Some(Format::Table),
        _ => None,
    }
}

/// Where an export writes, as the command says it.
pub(super) struct Target<'a> {
    pub path: &'a str,
    /// The path's.
    pub span: Span,
    /// The format the command names, which wins over the extension's.
    pub format: Option<Format>,
    /// Replace an existing file without asking.
    pub force: bool,
}

impl Session {
    /// Runs `command` with its result written to `path` instead of shown. The rows go to a
    /// file beside `path` as they come, which takes its name only once all of them are there:
    /// a failed export leaves no half-written file, and an existing one as it was.
    pub(super) async fn export(
        &mut self,
        command: &Command,
        target: Target<'_>,
        confirm: &mut dyn Confirm,
    ) -> Result<()> {
        let Target { path, span, format, force } = target;
        let format = format.or_else(|| format_of(path)).unwrap_or(self.printer.format());
        let target = Path::new(path);
        if target.is_dir() {
            return Err(Error::at(ErrorKind::Io, format!("cannot write {path}: it is a directory"), span));
        }
        if target.exists() && !force {
            if !self.printer.interactive() {
                return Err(Error::at(ErrorKind::Refused, format!("{path} exists already"), span)
                    .with_help(format!("write `… to {path} force` to replace it")));
            }
            if !confirm.confirm(&format!("Replace {path}?")) {
                return self.printer.status("not exported").map_err(io_error);
            }
        }
        let partial = partial_path(target);
        let cannot =
            |e: std::io::Error| Error::at(ErrorKind::Io, format!("cannot write {path}: {}", io_reason(&e)), span);
        let file = std::fs::File::create(&partial).map_err(cannot)?;
        // Never interactive: every row is written (no row cap) and writes are not shown.
        let to_file = Printer::new(Box::new(BufWriter::with_capacity(1 << 16, file)), format, false, false, false);
        let screen = std::mem::replace(&mut self.printer, to_file);
        let result = self.guarded(command, confirm).await;
        let mut to_file = std::mem::replace(&mut self.printer, screen);
        let written = to_file.written();
        let flushed = to_file.flush();
        drop(to_file);
        let result = result
            .and_then(|()| flushed.map_err(cannot))
            .and_then(|()| std::fs::rename(&partial, target).map_err(cannot));
        if let Err(err) = result {
            let _ = std::fs::remove_file(&partial);
            return Err(err);
        }
        let rows = if written == 1 { "row" } else { "rows" };
        self.printer.status(&format!("{written} {rows} written to {path}")).map_err(io_error)
    }
}

/// `dir/.name.PID.partial`: beside the target, so that the rename stays on one file system,
/// and the process's own, so that two exports to one file do not write into each other.
fn partial_path(target: &Path) -> PathBuf {
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    target.with_file_name(format!(".{name}.{}.partial", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_names_the_format_in_any_case() {
        assert_eq!(format_of("a/b.CSV"), Some(Format::Csv));
        assert_eq!(format_of("x.json"), Some(Format::Json));
        assert_eq!(format_of("x.jsonl"), Some(Format::Jsonl));
        assert_eq!(format_of("x.txt"), Some(Format::Table));
        assert_eq!(format_of("x.dat"), None);
        assert_eq!(format_of("noext"), None);
        let partial = format!("d/.x.csv.{}.partial", std::process::id());
        assert_eq!(partial_path(Path::new("d/x.csv")), PathBuf::from(partial));
    }
}
