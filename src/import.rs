//! Reading the rows of a file for `import`: CSV with a header row, JSON (an array of objects)
//! and JSON Lines (an object per line), one record at a time with the line it starts on, so
//! that memory stays bounded whatever the file's size. What the fields are and whether the
//! values fit them is the session's to check (`session/import.rs`); here a problem is only
//! about the file's form, and says on which line.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use serde_json::Value as Json;

/// One value as the file gives it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// An empty CSV field, a JSON `null` or a key left out.
    Null,
    /// A CSV field.
    Text(String),
    /// A JSON value (a string too).
    Json(Json),
}

/// A record: the line it starts on and its cells, in the order of [`Reader::names`].
#[derive(Debug)]
pub struct Record {
    pub line: u64,
    pub cells: Vec<Cell>,
}

/// A problem with the file's form: the line it is on (0: the file as a whole) and what it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: u64,
    pub message: String,
}

impl Problem {
    fn at(line: u64, message: impl Into<String>) -> Problem {
        Problem { line, message: message.into() }
    }
}

/// The kinds of file `import` reads, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Csv,
    Json,
    JsonLines,
}

impl Kind {
    pub fn of(path: &str) -> Option<Kind> {
        let extension = Path::new(path).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Kind::Csv),
            "json" => Some(Kind::Json),
            "jsonl" | "ndjson" => Some(Kind::JsonLines),
            _ => None,
        }
    }
}

/// The records of one file, after its header (CSV) or its first object's keys (JSON).
pub struct Reader {
    names: Vec<String>,
    /// The line each name is on (the header's, or the first object's).
    names_line: u64,
    source: Source,
    /// A first record read to learn the names (JSON), not yet handed out.
    first: Option<Record>,
}

enum Source {
    Csv {
        reader: csv::Reader<File>,
        path: std::path::PathBuf,
        last_start: Option<(u64, u64)>,
        /// One record's buffer, kept from record to record.
        record: csv::ByteRecord,
    },
    Json(Objects),
}

impl Reader {
    /// Opens `path` as `kind` and reads its names. An I/O error is the caller's to word.
    pub fn open(path: &Path, kind: Kind) -> std::io::Result<Result<Reader, Problem>> {
        let file = File::open(path)?;
        if file.metadata()?.is_dir() {
            return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "is a directory"));
        }
        Ok(match kind {
            Kind::Csv => Reader::csv(file, path),
            Kind::Json | Kind::JsonLines => Reader::json(Objects::new(file, kind == Kind::Json)),
        })
    }

    fn csv(file: File, path: &Path) -> Result<Reader, Problem> {
        // Records of any length are read, so that a short or long one is reported with its line
        // and the header's length; a BOM before the header is dropped by the reader.
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(file);
        let mut header = csv::ByteRecord::new();
        match reader.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => return Err(Problem::at(0, "the file is empty: its first line must name the fields")),
            Err(err) => return Err(csv_problem(&err)),
        }
        let mut names = Vec::with_capacity(header.len());
        for (i, name) in header.iter().enumerate() {
            let name = std::str::from_utf8(name)
                .map_err(|_| Problem::at(1, format!("the name of column {} is not valid UTF-8", i + 1)))?;
            names.push(name.trim().to_string());
        }
        let source = Source::Csv { reader, path: path.to_path_buf(), last_start: None, record: csv::ByteRecord::new() };
        Ok(Reader { names, names_line: 1, source, first: None })
    }

    fn json(mut objects: Objects) -> Result<Reader, Problem> {
        let Some((line, first)) = objects.next_object()? else {
            let what = if objects.array {
                "the file holds no objects: it must be an array of objects"
            } else {
                "the file is empty: it must hold an object per line"
            };
            return Err(Problem::at(0, what));
        };
        let names: Vec<String> = first.keys().cloned().collect();
        let cells = first.into_iter().map(|(_, v)| json_cell(v)).collect();
        let source = Source::Json(objects);
        Ok(Reader { names, names_line: line, source, first: Some(Record { line, cells }) })
    }

    /// How far into the file reading has come, in bytes (for a progress bar).
    pub fn bytes_read(&self) -> u64 {
        match &self.source {
            Source::Csv { reader, .. } => reader.position().byte(),
            Source::Json(objects) => objects.consumed,
        }
    }

    /// The fields the file names, in its order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The line the names are on.
    pub fn names_line(&self) -> u64 {
        self.names_line
    }

    /// The next record, or `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record>, Problem> {
        if let Some(first) = self.first.take() {
            return Ok(Some(first));
        }
        let names = &self.names;
        match &mut self.source {
            Source::Csv { reader, path, last_start, record } => {
                match reader.read_byte_record(record) {
                    Ok(true) => {}
                    Ok(false) => {
                        // The csv reader takes a quote left open as running to the end of the
                        // file: the last record is where that shows.
                        if let Some((line, byte)) = *last_start
                            && quote_left_open(path, byte).unwrap_or(false)
                        {
                            return Err(Problem::at(line, "a quoted field is never closed"));
                        }
                        return Ok(None);
                    }
                    Err(err) => return Err(csv_problem(&err)),
                }
                let (line, byte) = record.position().map_or((0, 0), |p| (p.line(), p.byte()));
                *last_start = Some((line, byte));
                if record.len() != names.len() {
                    if quote_left_open(path, byte).unwrap_or(false) {
                        return Err(Problem::at(line, "a quoted field is never closed"));
                    }
                    return Err(Problem::at(
                        line,
                        format!("{} fields, where the header names {}", record.len(), names.len()),
                    ));
                }
                let mut cells = Vec::with_capacity(record.len());
                for (field, name) in record.iter().zip(names) {
                    if field.is_empty() {
                        cells.push(Cell::Null);
                        continue;
                    }
                    let text = std::str::from_utf8(field)
                        .map_err(|_| Problem::at(line, format!("field `{name}`: not valid UTF-8")))?;
                    cells.push(Cell::Text(text.to_owned()));
                }
                Ok(Some(Record { line, cells }))
            }
            Source::Json(objects) => {
                let Some((line, mut object)) = objects.next_object()? else { return Ok(None) };
                let mut cells = Vec::with_capacity(names.len());
                for name in names {
                    cells.push(object.remove(name).map_or(Cell::Null, json_cell));
                }
                if let Some(key) = object.keys().next() {
                    return Err(Problem::at(
                        line,
                        format!("key `{key}` is not in the first object; every object has the keys of the first"),
                    ));
                }
                Ok(Some(Record { line, cells }))
            }
        }
    }
}

fn json_cell(value: Json) -> Cell {
    match value {
        Json::Null => Cell::Null,
        // Kept as JSON: for a json field it is a JSON string, for any other its text.
        other => Cell::Json(other),
    }
}

fn csv_problem(err: &csv::Error) -> Problem {
    let line = err.position().map_or(0, csv::Position::line);
    match err.kind() {
        csv::ErrorKind::Io(io) => Problem::at(line, format!("cannot read on: {io}")),
        _ => Problem::at(line, err.to_string()),
    }
}

/// Whether the CSV text from byte `start` to the end leaves a quoted field open: CSV's quoting
/// read again, for the one record that can be affected (the last one).
fn quote_left_open(path: &Path, start: u64) -> std::io::Result<bool> {
    let mut file = BufReader::new(File::open(path)?);
    file.seek(SeekFrom::Start(start))?;
    let (mut quoted, mut field_start, mut after_quote) = (false, true, false);
    for byte in file.bytes() {
        let byte = byte?;
        if quoted {
            if after_quote {
                after_quote = false;
                if byte != b'"' {
                    // The quote before closed the field.
                    quoted = false;
                    field_start = matches!(byte, b',' | b'\n' | b'\r');
                }
            } else if byte == b'"' {
                after_quote = true;
            }
            continue;
        }
        match byte {
            b'"' if field_start => {
                quoted = true;
                field_start = false;
            }
            b',' | b'\n' | b'\r' => field_start = true,
            _ => field_start = false,
        }
    }
    Ok(quoted && !after_quote)
}

/// A JSON object, keys in the file's order.
type Object = serde_json::Map<String, Json>;

/// The objects of a JSON array or of JSON Lines, one at a time, with the line each starts on.
struct Objects {
    input: BufReader<File>,
    /// An array (`.json`) rather than an object per line.
    array: bool,
    line: u64,
    /// The array's `[` was read (or it ended).
    started: bool,
    ended: bool,
    /// One value's text, kept from value to value.
    text: Vec<u8>,
    /// A byte read ahead.
    peeked: Option<u8>,
    /// Bytes read from the file so far.
    consumed: u64,
}

impl Objects {
    fn new(file: File, array: bool) -> Objects {
        Objects {
            input: BufReader::with_capacity(1 << 16, file),
            array,
            line: 1,
            started: false,
            ended: false,
            text: Vec::new(),
            peeked: None,
            consumed: 0,
        }
    }

    fn byte(&mut self) -> Result<Option<u8>, Problem> {
        if let Some(b) = self.peeked.take() {
            return Ok(Some(b));
        }
        let mut one = [0u8];
        match self.input.read(&mut one) {
            Ok(0) => Ok(None),
            Ok(_) => {
                self.consumed += 1;
                if one[0] == b'\n' {
                    self.line += 1;
                }
                Ok(Some(one[0]))
            }
            Err(err) => Err(Problem::at(self.line, format!("cannot read on: {err}"))),
        }
    }

    /// The next byte that is not whitespace (a BOM at the very start is skipped too).
    fn skip_ws(&mut self) -> Result<Option<u8>, Problem> {
        loop {
            match self.byte()? {
                Some(b' ' | b'\t' | b'\r' | b'\n') => {}
                Some(0xEF) if !self.started && self.line == 1 => {
                    // The rest of a UTF-8 BOM.
                    let (a, b) = (self.byte()?, self.byte()?);
                    if (a, b) != (Some(0xBB), Some(0xBF)) {
                        return Err(Problem::at(1, "not JSON: the file starts with a byte that is not UTF-8"));
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// The next object and the line it starts on, or `None` at the end.
    fn next_object(&mut self) -> Result<Option<(u64, Object)>, Problem> {
        if self.ended {
            return Ok(None);
        }
        let mut first = self.skip_ws()?;
        if self.array {
            if !self.started {
                self.started = true;
                match first {
                    Some(b'[') => first = self.skip_ws()?,
                    None => {
                        self.ended = true;
                        return Ok(None);
                    }
                    Some(_) => return Err(Problem::at(self.line, "expected `[`: a .json file is an array of objects")),
                }
                if first == Some(b']') {
                    self.ended = true;
                    return self.nothing_after();
                }
            } else {
                match first {
                    Some(b',') => first = self.skip_ws()?,
                    Some(b']') => {
                        self.ended = true;
                        return self.nothing_after();
                    }
                    None => return Err(Problem::at(self.line, "the array is never closed with `]`")),
                    Some(_) => return Err(Problem::at(self.line, "expected `,` or `]` after an object")),
                }
            }
        } else {
            self.started = true;
        }
        let Some(first) = first else {
            self.ended = true;
            if self.array {
                return Err(Problem::at(self.line, "the array is never closed with `]`"));
            }
            return Ok(None);
        };
        let line = self.line;
        self.value(first)?;
        let value: Json = serde_json::from_slice(&self.text).map_err(|e| {
            Problem::at(line + e.line().saturating_sub(1) as u64, format!("not JSON: {}", json_reason(&e)))
        })?;
        match value {
            Json::Object(object) => Ok(Some((line, object))),
            _ => Err(Problem::at(line, "expected an object (`{…}`)")),
        }
    }

    /// After the array's `]`: only whitespace.
    fn nothing_after<T>(&mut self) -> Result<Option<T>, Problem> {
        match self.skip_ws()? {
            None => Ok(None),
            Some(_) => Err(Problem::at(self.line, "text after the array's `]`")),
        }
    }

    /// One JSON value's text into `self.text`, starting with `first`: up to its closing bracket
    /// (objects, arrays) or to the next `,`, `]` or line end (anything else, which the JSON parse
    /// then judges).
    fn value(&mut self, first: u8) -> Result<(), Problem> {
        self.text.clear();
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        let mut next = Some(first);
        while let Some(b) = next {
            if in_string {
                self.text.push(b);
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else {
                match b {
                    b'"' => in_string = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' if depth > 0 => depth -= 1,
                    b',' | b']' | b'\n' if depth == 0 => {
                        // The end of a value that is no object: the byte is the next token's
                        // (a newline counted already, when it was read).
                        self.peeked = Some(b);
                        return Ok(());
                    }
                    _ => {}
                }
                self.text.push(b);
                if depth == 0 && matches!(b, b'}' | b']') {
                    return Ok(());
                }
            }
            next = self.byte()?;
        }
        Ok(())
    }
}

/// serde_json's message without its own "at line N column M" (the line is said already).
fn json_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}
