//! What decoding and encoding both name: the built-in type OIDs, numeric's sign words,
//! PostgreSQL's epoch, and a type's kind.

use chrono::{NaiveDate, NaiveDateTime};
use sqlx::TypeInfo;
use sqlx::postgres::{PgTypeInfo, PgTypeKind};

// Built-in type OIDs (pg_type.dat); stable across servers, unlike those of extensions.
pub(super) const BOOL: u32 = 16;
pub(super) const BYTEA: u32 = 17;
pub(super) const CHAR: u32 = 18;
pub(super) const NAME: u32 = 19;
pub(super) const INT8: u32 = 20;
pub(super) const INT2: u32 = 21;
pub(super) const INT4: u32 = 23;
pub(super) const REGPROC: u32 = 24;
pub(super) const TEXT: u32 = 25;
pub(super) const OID: u32 = 26;
pub(super) const TID: u32 = 27;
pub(super) const XID: u32 = 28;
pub(super) const CID: u32 = 29;
pub(super) const JSON: u32 = 114;
pub(super) const XML: u32 = 142;
pub(super) const POINT: u32 = 600;
pub(super) const CIDR: u32 = 650;
pub(super) const FLOAT4: u32 = 700;
pub(super) const FLOAT8: u32 = 701;
pub(super) const UNKNOWN: u32 = 705;
pub(super) const MACADDR8: u32 = 774;
pub(super) const MONEY: u32 = 790;
pub(super) const MACADDR: u32 = 829;
pub(super) const INET: u32 = 869;
pub(super) const BPCHAR: u32 = 1042;
pub(super) const VARCHAR: u32 = 1043;
pub(super) const DATE: u32 = 1082;
pub(super) const TIME: u32 = 1083;
pub(super) const TIMESTAMP: u32 = 1114;
pub(super) const TIMESTAMPTZ: u32 = 1184;
pub(super) const INTERVAL: u32 = 1186;
pub(super) const TIMETZ: u32 = 1266;
pub(super) const BIT: u32 = 1560;
pub(super) const VARBIT: u32 = 1562;
pub(super) const NUMERIC: u32 = 1700;
pub(super) const REGPROCEDURE: u32 = 2202;
pub(super) const REGOPER: u32 = 2203;
pub(super) const REGOPERATOR: u32 = 2204;
pub(super) const REGCLASS: u32 = 2205;
pub(super) const REGTYPE: u32 = 2206;
pub(super) const RECORD: u32 = 2249;
pub(super) const CSTRING: u32 = 2275;
pub(super) const VOID: u32 = 2278;
pub(super) const UUID: u32 = 2950;
pub(super) const PG_LSN: u32 = 3220;
pub(super) const JSONB: u32 = 3802;
pub(super) const JSONPATH: u32 = 4072;
pub(super) const REGNAMESPACE: u32 = 4089;
pub(super) const REGROLE: u32 = 4096;
pub(super) const XID8: u32 = 5069;
/// OIDs below this are built into the server; above, they belong to extensions and users.
pub(super) const FIRST_NORMAL_OID: u32 = 16384;

// numeric's sign word.
pub(super) const NUMERIC_POS: u16 = 0x0000;
pub(super) const NUMERIC_NEG: u16 = 0x4000;
pub(super) const NUMERIC_NAN: u16 = 0xC000;
pub(super) const NUMERIC_PINF: u16 = 0xD000;
pub(super) const NUMERIC_NINF: u16 = 0xF000;

/// The type's kind, when sqlx has resolved it. sqlx panics on `kind()` of a type it knows only
/// by a bare OID or name (its `Declare*` forms, whose display name is `?` or which have no OID).
pub(super) fn kind(ty: &PgTypeInfo) -> Option<&PgTypeKind> {
    (ty.oid().is_some() && ty.name() != "?").then(|| ty.kind())
}

/// PostgreSQL's epoch, from which dates and timestamps are counted.
pub(super) fn pg_epoch() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("a valid date")
}
