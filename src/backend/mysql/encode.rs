//! [`Value`]s sent as MySQL/MariaDB parameters, each as the sqlx type that is its own.

use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::mysql::MySqlTypeInfo;
use sqlx::{Encode, MySql, Type};

use super::Query;
use crate::value::Value;

/// MySQL converts a bound value to its column's type as it converts a literal, so each value is
/// sent as its own type.
pub(super) fn bind(q: Query<'static>, value: &Value) -> Query<'static> {
    match value {
        Value::Null => q.bind(None::<String>),
        Value::Bool(b) => q.bind(*b),
        Value::Int(i) => q.bind(*i),
        Value::UInt(u) => q.bind(*u),
        Value::Float(f) => q.bind(*f),
        Value::Decimal(d) => q.bind(Decimal(d.clone())),
        Value::Text(s) => q.bind(s.clone()),
        Value::Bytes(b) => q.bind(b.clone()),
        Value::Date(d) => q.bind(*d),
        Value::Time(t) => q.bind(*t),
        Value::DateTime(dt) => q.bind(*dt),
        // MySQL's DATETIME and TIMESTAMP hold no offset: the instant in UTC, the session's zone.
        Value::DateTimeTz(text) => match chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z")
            .or_else(|_| chrono::DateTime::parse_from_rfc3339(text))
        {
            Ok(dt) => q.bind(dt.naive_utc()),
            Err(_) => q.bind(text.clone()),
        },
        Value::Json(j) => q.bind(j.to_string()),
        Value::Uuid(u) => q.bind(u.hyphenated().to_string()),
        // MySQL has no arrays (a list is refused before it gets here): as a JSON array.
        Value::Array(_) => q.bind(value.to_json().to_string()),
    }
}

/// A decimal sent as its exact text, typed DECIMAL so that MySQL compares it with a DECIMAL
/// column as a decimal (a string would be compared as a double).
struct Decimal(String);

impl Type<MySql> for Decimal {
    fn type_info() -> MySqlTypeInfo {
        <bigdecimal::BigDecimal as Type<MySql>>::type_info()
    }
}

impl Encode<'_, MySql> for Decimal {
    fn encode_by_ref(&self, buf: &mut Vec<u8>) -> std::result::Result<IsNull, BoxDynError> {
        <&str as Encode<MySql>>::encode_by_ref(&self.0.as_str(), buf)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveTime;
    use serde_json::json;

    use super::super::tests::{hints, select};
    use super::super::{execute, introspect, run};
    use crate::backend::test_support::{date, name, server, with_objects};
    use crate::backend::{Collect, Outcome};
    use crate::catalog::Catalog;
    use crate::dialect::Sql;
    use crate::error::ErrorKind;
    use crate::value::Value;

    #[tokio::test]
    async fn mysql_binds_every_value() {
        let Some(mut conn) = server("mysql_binds_every_value").await else { return };
        let t = name("mysql_binds_every_value");
        let create = format!(
            "CREATE TABLE {t} (id INT PRIMARY KEY, b BOOLEAN, i INT, ubi BIGINT UNSIGNED, f DOUBLE, \
             num DECIMAL(38,10), vc VARCHAR(10), en ENUM('happy','sad'), bl BLOB, d DATE, tm TIME(6), \
             dtm DATETIME(6), tz DATETIME(6), j JSON, u CHAR(36))"
        );
        with_objects(&mut conn, &format!("DROP TABLE IF EXISTS {t}"), &create, async |conn| {
            let ts = date(2024, 2, 29).and_hms_micro_opt(23, 59, 58, 123_456).unwrap();
            let values = vec![
                Value::Int(1),
                Value::Bool(true),
                Value::Int(-7),
                Value::UInt(u64::MAX),
                Value::Float(0.1),
                Value::Decimal("1234567890123456789012345678.0000000001".into()),
                Value::Text("var".into()),
                Value::Text("happy".into()),
                Value::Bytes(vec![0, 1, 255]),
                Value::Date(date(2024, 2, 29)),
                Value::Time(NaiveTime::from_hms_micro_opt(1, 2, 3, 4).unwrap()),
                Value::DateTime(ts),
                Value::DateTimeTz("2024-01-31 12:00:00+02:00".into()),
                Value::Json(json!({"k": [1, "two", null]})),
                Value::Uuid("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".parse().unwrap()),
            ];
            let insert = format!("INSERT INTO {t} VALUES ({})", vec!["?"; values.len()].join(", "));
            assert_eq!(execute(conn, &Sql::for_test(insert.clone(), values.clone())).await.unwrap(), 1);
            let mut nulls = vec![Value::Int(2)];
            nulls.resize(values.len(), Value::Null);
            execute(conn, &Sql::for_test(insert, nulls)).await.unwrap();

            let catalog = introspect(conn, None).await.unwrap();
            let hints = hints(&catalog, &t);
            let out = select(conn, Sql::for_test(format!("SELECT * FROM {t} ORDER BY id"), vec![]), &hints).await;
            let mut expected = values.clone();
            expected[12] = Value::DateTime(date(2024, 1, 31).and_hms_opt(10, 0, 0).unwrap());
            expected[14] = Value::Text("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into());
            assert_eq!(out.rows[0], expected);
            assert!(out.rows[1][1..].iter().all(Value::is_null), "{:?}", out.rows[1]);

            // SET c = NULL, then values, with the same statement text.
            let update = format!("UPDATE {t} SET i = ?, d = ?, j = ?, b = ?, en = ? WHERE id = ?");
            let set_nulls = vec![Value::Null, Value::Null, Value::Null, Value::Null, Value::Null, Value::Int(1)];
            assert_eq!(execute(conn, &Sql::for_test(update.clone(), set_nulls)).await.unwrap(), 1);
            let set_values = vec![
                Value::Int(5),
                Value::Date(date(2020, 1, 1)),
                Value::Json(json!(1)),
                Value::Bool(false),
                Value::Text("sad".into()),
                Value::Int(2),
            ];
            assert_eq!(execute(conn, &Sql::for_test(update, set_values)).await.unwrap(), 1);

            let find = |column: &str, value: Value| {
                Sql::for_test(
                    format!("SELECT id FROM {t} WHERE {column} = ? ORDER BY id LIMIT ?"),
                    vec![value, Value::Int(10)],
                )
            };
            assert_eq!(select(conn, find("en", Value::Text("sad".into())), &[]).await.rows, [[Value::Int(2)]]);
            assert_eq!(
                select(conn, find("num", Value::Decimal("1234567890123456789012345678.0000000001".into())), &[])
                    .await
                    .rows,
                [[Value::Int(1)]]
            );
            assert_eq!(select(conn, find("dtm", Value::DateTime(ts)), &[]).await.rows, [[Value::Int(1)]]);

            // A decimal with an exponent is still a decimal.
            let set_num =
                Sql::for_test(format!("UPDATE {t} SET num = ? WHERE id = 2"), vec![Value::Decimal("1e5".into())]);
            execute(conn, &set_num).await.unwrap();
            let out = select(conn, Sql::for_test(format!("SELECT num FROM {t} WHERE id = 2"), vec![]), &[]).await;
            assert_eq!(out.rows, [[Value::Decimal("100000.0000000000".into())]]);

            // Strict mode: a value that does not fit is an error, not a warning.
            let err = execute(conn, &Sql::for_test(format!("UPDATE {t} SET i = ?"), vec![Value::Text("abc".into())]))
                .await
                .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Database, "{err}");

            let mut sink = Collect::default();
            let outcome = run(
                conn,
                &Sql::for_test(format!("DELETE FROM {t} WHERE id = 2"), vec![]),
                &Catalog::default(),
                &mut sink,
            )
            .await
            .unwrap();
            assert!(matches!(outcome, Outcome::Affected(1)));
            let outcome = run(
                conn,
                &Sql::for_test(format!("SELECT COUNT(*) AS n FROM {t}"), vec![]),
                &Catalog::default(),
                &mut sink,
            )
            .await
            .unwrap();
            assert!(matches!(outcome, Outcome::Rows));
            assert_eq!(
                (sink.columns.as_slice(), sink.rows.as_slice()),
                (&["n".to_string()][..], &[vec![Value::Int(1)]][..])
            );
        })
        .await;
    }
}
