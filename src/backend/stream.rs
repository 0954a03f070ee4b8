//! The one row-streaming loop of the server drivers (PostgreSQL and MySQL/MariaDB): sqlx hands
//! each a stream of owned rows, and each decodes a row its own way; what happens between the two
//! (the column names from the first row, the sink that may stop the stream, an error told apart
//! by whether rows came before it) is the same, and is here.
//!
//! SQLite does not use it: its rows are not a stream of owned rows but one statement stepped on
//! this thread, each column read into one row buffer that is reused for the next row (so that a
//! million rows of text cost no allocation each), and its column names are known before the
//! first step, with or without rows (`sqlite::stream`).

use std::pin::pin;

use futures_util::{Stream, TryStreamExt};
use sqlx::{Column, Row};

use super::RowSink;
use crate::error::Result;
use crate::value::Value;

/// How a stream of rows ended.
pub(super) enum Streamed {
    /// The rows ended, or the sink stopped them. `any`: a row came, and with the first one the
    /// column names went to the sink; without one, the caller still owes the sink the names.
    Ended { any: bool },
    /// The driver failed; `any` as above. The error is the driver's own, for the caller to read
    /// (MySQL sends a statement it cannot prepare again as text) and report.
    Failed { error: sqlx::Error, any: bool },
}

/// Streams `rows` into `sink`: the column names once, from the first row, then every row as
/// `decode` reads it, until the rows end or the sink says stop (the rest is not read). The
/// sink's own errors are returned as errors; the driver's, as [`Streamed::Failed`].
pub(super) async fn stream_rows<R: Row>(
    rows: impl Stream<Item = std::result::Result<R, sqlx::Error>>,
    sink: &mut dyn RowSink,
    mut decode: impl FnMut(&R) -> Vec<Value>,
) -> Result<Streamed> {
    let mut rows = pin!(rows);
    let mut any = false;
    loop {
        let row = match rows.try_next().await {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(error) => return Ok(Streamed::Failed { error, any }),
        };
        if !any {
            sink.columns(&column_names(row.columns()))?;
            any = true;
        }
        if !sink.row(&decode(&row))? {
            break;
        }
    }
    Ok(Streamed::Ended { any })
}

/// The names of columns (a row's, or a prepared statement's), in order.
pub(super) fn column_names<C: Column>(columns: &[C]) -> Vec<String> {
    columns.iter().map(|c| c.name().to_string()).collect()
}
