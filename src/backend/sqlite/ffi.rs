//! SQLite's C API, used directly for every statement. sqlx's SQLite driver copies every value and
//! hands each row from its own thread to ours; for a million rows that hand-over costs more than
//! SQLite's own work. Here statements step on our thread, on a connection sqlx opened and then
//! let go of for good ([`SqliteLink`]). Everything unsafe is in this file, behind
//! [`SqliteLink`] and [`Statement`].

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::SqliteConnection;
use sqlx::sqlite::LockedSqliteHandle;

use crate::catalog::field_type_of;
use crate::dialect::bind_text;
use crate::error::{DbCode, Error, ErrorKind, Result, ServerDetail, TextPosition};
use crate::value::{FieldType, Value};

/// An SQLite connection that sqlx opened, taken for this thread once, for its whole life.
///
/// sqlx runs SQLite on a worker thread of its own and lends the connection out with
/// `lock_handle`, which also sends the worker a message asking it to let go. When the lock
/// happens to be free at that moment, the message is sent all the same and left over; left-overs
/// pile up until sqlx's command channel (50 messages) is full, and the next `lock_handle` then
/// waits for ever for room in it, holding the lock the worker needs to make room (a script of a
/// few thousand statements hung so, now and then). ormsh runs every SQLite statement on its own
/// thread anyway, so it takes the connection once, when it connects, and never hands it back.
pub struct SqliteLink {
    /// Borrows `*conn`: dropped before it.
    handle: ManuallyDrop<LockedSqliteHandle<'static>>,
    /// Owned (a leaked box, taken back in `drop`); reached only through `handle`.
    conn: NonNull<SqliteConnection>,
}

impl SqliteLink {
    pub async fn lock(conn: SqliteConnection) -> std::result::Result<SqliteLink, sqlx::Error> {
        let conn = NonNull::from(Box::leak(Box::new(conn)));
        // SAFETY: the connection is this struct's alone: nothing else can reach it, and the
        // handle borrowing it for "'static" is dropped before the box is taken back.
        let borrowed: &'static mut SqliteConnection = unsafe { &mut *conn.as_ptr() };
        match borrowed.lock_handle().await {
            Ok(handle) => Ok(SqliteLink { handle: ManuallyDrop::new(handle), conn }),
            Err(e) => {
                // SAFETY: the failed lock left no borrow of the connection behind.
                drop(unsafe { Box::from_raw(conn.as_ptr()) });
                Err(e)
            }
        }
    }

    /// Prepares `sql` (its first statement only) on the connection.
    pub fn prepare(&mut self, sql: &str) -> Result<Statement<'_>> {
        Statement::prepare(&mut self.handle, sql)
    }

    /// Whether a transaction is open on the connection: SQLite's own word, which changes behind
    /// ormsh's back when SQLite rolls a transaction back by itself (a full disk, an interrupted
    /// write).
    pub fn in_transaction(&mut self) -> bool {
        let db = self.handle.as_raw_handle().as_ptr();
        // SAFETY: `db` is open and locked for us.
        unsafe { ffi::sqlite3_get_autocommit(db) == 0 }
    }

    /// How many foreign key violations the open transaction holds that are checked only at its
    /// commit (deferred ones, or all of them under `PRAGMA defer_foreign_keys`): a commit now
    /// fails unless this is zero.
    pub fn deferred_violations(&mut self) -> i64 {
        let db = self.handle.as_raw_handle().as_ptr();
        let (mut current, mut highest) = (0, 0);
        // SAFETY: `db` is open and locked for us; both out-pointers are to locals.
        let code =
            unsafe { ffi::sqlite3_db_status(db, ffi::SQLITE_DBSTATUS_DEFERRED_FKS, &mut current, &mut highest, 0) };
        if code == ffi::SQLITE_OK { i64::from(current) } else { 0 }
    }

    /// Whether the connection's main database is open read-only.
    pub fn is_read_only(&mut self) -> bool {
        let db = self.handle.as_raw_handle().as_ptr();
        // SAFETY: `db` is open and locked for us; the name is a NUL-terminated literal.
        unsafe { ffi::sqlite3_db_readonly(db, c"main".as_ptr()) == 1 }
    }

    /// Gives the connection `ormsh_instant(x)`: the one spelling of the date or time `x` is,
    /// whatever the tool that wrote it (see `datetime::instant_key`), so that ormsh's
    /// comparisons on dates and times kept as text mean the same instant (`dialect/instant.rs`).
    pub fn add_instant_function(&mut self) -> Result<()> {
        let db = self.handle.as_raw_handle().as_ptr();
        // SAFETY: `db` is open and locked for us; the name is a NUL-terminated literal; the
        // function is a plain `extern "C"` function with no user data to free.
        let code = unsafe {
            ffi::sqlite3_create_function_v2(
                db,
                c"ormsh_instant".as_ptr(),
                1,
                ffi::SQLITE_UTF8 | ffi::SQLITE_DETERMINISTIC | ffi::SQLITE_INNOCUOUS,
                ptr::null_mut(),
                Some(instant),
                None,
                None,
                None,
            )
        };
        if code == ffi::SQLITE_OK { Ok(()) } else { Err(error(db, code)) }
    }

    /// Calls `callback` every `every` virtual-machine steps of a running statement; when it
    /// returns false, the statement stops with SQLITE_INTERRUPT.
    pub fn set_progress_handler(&mut self, every: i32, callback: impl FnMut() -> bool + Send + 'static) {
        self.handle.set_progress_handler(every, callback);
    }
}

/// `ormsh_instant(x)`: text that spells a date or time becomes its one spelling; anything else
/// (null, a number, other text) is returned as it is.
unsafe extern "C" fn instant(ctx: *mut ffi::sqlite3_context, argc: c_int, argv: *mut *mut ffi::sqlite3_value) {
    if argc != 1 {
        return;
    }
    // SAFETY: SQLite passes `argc` valid values; text is read with its length, as SQLite asks
    // (the pointer first, then the byte count), and is valid for the length of this call. The
    // result's text is copied by SQLite (SQLITE_TRANSIENT) before `key` goes.
    unsafe {
        let value = *argv;
        if ffi::sqlite3_value_type(value) != ffi::SQLITE_TEXT {
            return ffi::sqlite3_result_value(ctx, value);
        }
        let data = ffi::sqlite3_value_text(value);
        let len = ffi::sqlite3_value_bytes(value) as usize;
        let text =
            if data.is_null() { "" } else { std::str::from_utf8(std::slice::from_raw_parts(data, len)).unwrap_or("") };
        match crate::datetime::instant_key(text) {
            std::borrow::Cow::Owned(key) => {
                ffi::sqlite3_result_text(ctx, key.as_ptr().cast(), key.len() as c_int, ffi::SQLITE_TRANSIENT())
            }
            std::borrow::Cow::Borrowed(_) => ffi::sqlite3_result_value(ctx, value),
        }
    }
}

impl Drop for SqliteLink {
    fn drop(&mut self) {
        // SAFETY: the handle goes first, and with it the only borrow of the connection; then
        // the connection is taken back from the box it was leaked from, once. sqlx's worker
        // gets the lock back and ends when the connection's channel closes.
        unsafe {
            ManuallyDrop::drop(&mut self.handle);
            drop(Box::from_raw(self.conn.as_ptr()));
        }
    }
}

/// A prepared statement on a locked connection. `'h` ties it to the lock.
pub struct Statement<'h> {
    db: *mut ffi::sqlite3,
    stmt: NonNull<ffi::sqlite3_stmt>,
    _lock: PhantomData<&'h mut ()>,
}

fn error(db: *mut ffi::sqlite3, code: c_int) -> Error {
    // SAFETY: `db` is an open connection; sqlite3_errmsg returns a NUL-terminated string owned
    // by SQLite, valid until the next call on this connection, and copied at once.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }.to_string_lossy().into_owned();
    let kind = if code & 0xff == ffi::SQLITE_IOERR || code & 0xff == ffi::SQLITE_CORRUPT {
        ErrorKind::Connection
    } else {
        ErrorKind::Database
    };
    // SAFETY: `db` is an open connection.
    let extended = unsafe { ffi::sqlite3_extended_errcode(db) };
    // SAFETY: `db` is an open connection. The offset of the token a statement failed to
    // prepare at (SQLite 3.38+), or -1.
    let offset = unsafe { ffi::sqlite3_error_offset(db) };
    let error = Error::new(kind, message).with_code(DbCode::Sqlite(extended));
    match usize::try_from(offset) {
        Ok(at) => error.with_server(ServerDetail { position: Some(TextPosition::Byte(at)), ..ServerDetail::default() }),
        Err(_) => error,
    }
}

impl<'h> Statement<'h> {
    /// Prepares `sql` (its first statement only) on the locked connection.
    fn prepare(handle: &'h mut LockedSqliteHandle<'_>, sql: &str) -> Result<Statement<'h>> {
        let db = handle.as_raw_handle().as_ptr();
        let mut stmt = ptr::null_mut();
        let len =
            c_int::try_from(sql.len()).map_err(|_| Error::new(ErrorKind::Refused, "the statement is too long"))?;
        // SAFETY: `db` is open and locked for us; the text pointer and length describe `sql`.
        let code = unsafe { ffi::sqlite3_prepare_v2(db, sql.as_ptr().cast(), len, &mut stmt, ptr::null_mut()) };
        if code != ffi::SQLITE_OK {
            return Err(error(db, code));
        }
        let stmt = NonNull::new(stmt).ok_or_else(|| Error::new(ErrorKind::Database, "the statement is empty"))?;
        Ok(Statement { db, stmt, _lock: PhantomData })
    }

    /// Binds `values` to the placeholders, in order.
    pub fn bind_all(&mut self, values: &[Value]) -> Result<()> {
        for (i, value) in values.iter().enumerate() {
            self.bind(i as c_int + 1, value)?;
        }
        Ok(())
    }

    /// Binds `values` to the placeholders in order, runs the statement to its end and makes it
    /// ready to run again; how many rows it changed.
    ///
    /// The values outlive the statement (`'h`), so their text is lent to SQLite rather than
    /// copied for every run.
    pub fn run_with(&mut self, values: impl Iterator<Item = &'h Value>) -> Result<u64> {
        let stmt = self.stmt.as_ptr();
        for (i, value) in values.enumerate() {
            let index = i as c_int + 1;
            match value {
                // SAFETY: `stmt` is live. SQLITE_STATIC lends the bytes: they must stay as they
                // are while the statement may read them, which is until they are bound again or
                // the statement is finalized. They are borrowed for `'h`, and the statement
                // cannot outlive `'h`.
                Value::Text(text) => {
                    let code = unsafe { bind_str(stmt, index, text, ffi::SQLITE_STATIC()) };
                    if code != ffi::SQLITE_OK {
                        return Err(error(self.db, code));
                    }
                }
                other => self.bind(index, other)?,
            }
        }
        while self.step()? {}
        let changed = self.changes();
        // SAFETY: `stmt` is a live statement. Every placeholder is bound again before the next
        // run, so the old values need not be cleared.
        unsafe { ffi::sqlite3_reset(self.stmt.as_ptr()) };
        Ok(changed)
    }

    fn bind(&mut self, index: c_int, value: &Value) -> Result<()> {
        let stmt = self.stmt.as_ptr();
        // SAFETY: `stmt` is a live statement; text and blobs are passed with SQLITE_TRANSIENT, so
        // SQLite copies them before the call returns and the borrowed bytes may then go.
        let code = unsafe {
            match value {
                Value::Null => ffi::sqlite3_bind_null(stmt, index),
                Value::Bool(b) => ffi::sqlite3_bind_int64(stmt, index, i64::from(*b)),
                Value::Int(i) => ffi::sqlite3_bind_int64(stmt, index, *i),
                Value::UInt(u) => match i64::try_from(*u) {
                    Ok(i) => ffi::sqlite3_bind_int64(stmt, index, i),
                    Err(_) => bind_str(stmt, index, &u.to_string(), ffi::SQLITE_TRANSIENT()),
                },
                Value::Float(f) => ffi::sqlite3_bind_double(stmt, index, *f),
                Value::Text(s) => bind_str(stmt, index, s, ffi::SQLITE_TRANSIENT()),
                Value::Bytes(b) => {
                    ffi::sqlite3_bind_blob64(stmt, index, b.as_ptr().cast(), b.len() as u64, ffi::SQLITE_TRANSIENT())
                }
                Value::Json(j) => bind_str(stmt, index, &j.to_string(), ffi::SQLITE_TRANSIENT()),
                other => bind_str(stmt, index, &bind_text(other), ffi::SQLITE_TRANSIENT()),
            }
        };
        if code == ffi::SQLITE_OK { Ok(()) } else { Err(error(self.db, code)) }
    }

    /// Runs to the next row: `true` when there is one, `false` when the statement is done.
    pub fn step(&mut self) -> Result<bool> {
        // SAFETY: `stmt` is a live statement.
        match unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            code => Err(error(self.db, code)),
        }
    }

    /// How many rows the last run changed.
    pub fn changes(&self) -> u64 {
        // SAFETY: `db` is open.
        unsafe { ffi::sqlite3_changes64(self.db) as u64 }
    }

    pub fn column_count(&self) -> usize {
        // SAFETY: `stmt` is a live statement.
        unsafe { ffi::sqlite3_column_count(self.stmt.as_ptr()) as usize }
    }

    pub fn column_names(&self) -> Vec<String> {
        (0..self.column_count())
            .map(|i| {
                // SAFETY: `i` is a column of this statement; the name lives until the statement
                // is finalized and is copied at once.
                let name = unsafe { ffi::sqlite3_column_name(self.stmt.as_ptr(), i as c_int) };
                if name.is_null() {
                    String::new()
                } else {
                    unsafe { CStr::from_ptr(name) }.to_string_lossy().into_owned()
                }
            })
            .collect()
    }

    /// The ormsh type each column is declared with (`BOOLEAN`, `JSON`, …), where it is a column.
    pub fn declared_types(&self) -> Vec<FieldType> {
        (0..self.column_count())
            .map(|i| {
                // SAFETY: as in `column_names`.
                let decl = unsafe { ffi::sqlite3_column_decltype(self.stmt.as_ptr(), i as c_int) };
                if decl.is_null() {
                    FieldType::Other(String::new())
                } else {
                    field_type_of(&unsafe { CStr::from_ptr(decl) }.to_string_lossy())
                }
            })
            .collect()
    }

    /// Reads column `i` of the current row into `slot`, keeping the slot's text buffer when
    /// both are text.
    pub fn read_value(&self, i: usize, ty: &FieldType, slot: &mut Value) {
        let stmt = self.stmt.as_ptr();
        // SAFETY: as in `value`: a current row, a valid column, bytes copied before the next step.
        unsafe {
            if ffi::sqlite3_column_type(stmt, i as c_int) == ffi::SQLITE_TEXT
                && !matches!(ty, FieldType::Json | FieldType::DateTime | FieldType::Time | FieldType::Uuid)
                && let Value::Text(buffer) = slot
            {
                let data = ffi::sqlite3_column_text(stmt, i as c_int);
                let len = ffi::sqlite3_column_bytes(stmt, i as c_int) as usize;
                let bytes = if data.is_null() { &[][..] } else { std::slice::from_raw_parts(data, len) };
                if let Ok(text) = std::str::from_utf8(bytes) {
                    buffer.clear();
                    buffer.push_str(text);
                    return;
                }
            }
        }
        *slot = self.value(i, ty);
    }

    /// Column `i` of the current row, by its storage class; `ty` tells a bool from an integer
    /// and json from text.
    pub fn value(&self, i: usize, ty: &FieldType) -> Value {
        let stmt = self.stmt.as_ptr();
        let i = i as c_int;
        // SAFETY: there is a current row (the last `step` returned true) and `i` is one of its
        // columns. Text and blob pointers are valid until the next step and are copied here;
        // their lengths come from sqlite3_column_bytes, called after the pointer as SQLite asks.
        unsafe {
            match ffi::sqlite3_column_type(stmt, i) {
                ffi::SQLITE_NULL => Value::Null,
                ffi::SQLITE_INTEGER => {
                    let n = ffi::sqlite3_column_int64(stmt, i);
                    if *ty == FieldType::Bool { Value::Bool(n != 0) } else { Value::Int(n) }
                }
                ffi::SQLITE_FLOAT => Value::Float(ffi::sqlite3_column_double(stmt, i)),
                ffi::SQLITE_BLOB => {
                    let data = ffi::sqlite3_column_blob(stmt, i);
                    let len = ffi::sqlite3_column_bytes(stmt, i) as usize;
                    if data.is_null() || len == 0 {
                        Value::Bytes(Vec::new())
                    } else {
                        Value::Bytes(std::slice::from_raw_parts(data.cast::<u8>(), len).to_vec())
                    }
                }
                _ => {
                    let data = ffi::sqlite3_column_text(stmt, i);
                    let len = ffi::sqlite3_column_bytes(stmt, i) as usize;
                    let bytes = if data.is_null() { &[][..] } else { std::slice::from_raw_parts(data, len) };
                    match std::str::from_utf8(bytes) {
                        Ok(text) if *ty == FieldType::Json => match serde_json::from_str(text) {
                            Ok(json) => Value::Json(json),
                            Err(_) => Value::Text(text.to_string()),
                        },
                        Ok(text) => typed_text(text, ty),
                        // Text that is not UTF-8 is shown as its bytes rather than lost.
                        Err(_) => Value::Bytes(bytes.to_vec()),
                    }
                }
            }
        }
    }
}

/// Text of a date, time or uuid column as its value, whichever tool spelled it
/// (`2024-01-02 03:04:05.000000`, `….000 +00:00`, a uuid's 32 hex digits): shown the same
/// whatever the spelling, as on the other databases. Text that is no such value stays text.
fn typed_text(text: &str, ty: &FieldType) -> Value {
    let typed = match ty {
        FieldType::DateTime if text.len() > 10 => crate::datetime::parse_datetime(text.trim()).map(Value::DateTime),
        FieldType::Time => crate::datetime::parse_time(text.trim()).map(Value::Time),
        FieldType::Uuid => uuid::Uuid::try_parse(text.trim()).ok().map(Value::Uuid),
        _ => None,
    };
    typed.unwrap_or_else(|| Value::Text(text.to_string()))
}

/// Binds text to placeholder `index`. `lifetime` is SQLITE_TRANSIENT (SQLite copies the bytes
/// at once) or SQLITE_STATIC (SQLite reads them where they are, later).
///
/// # Safety
/// `stmt` is a live statement; with SQLITE_STATIC, `text` stays as it is until it is bound
/// again or the statement is finalized.
unsafe fn bind_str(
    stmt: *mut ffi::sqlite3_stmt,
    index: c_int,
    text: &str,
    lifetime: ffi::sqlite3_destructor_type,
) -> c_int {
    // SAFETY: as the caller promises.
    unsafe {
        ffi::sqlite3_bind_text64(stmt, index, text.as_ptr().cast(), text.len() as u64, lifetime, ffi::SQLITE_UTF8 as u8)
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is finalized once, here, and not used after.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}
