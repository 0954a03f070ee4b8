//! Dates and times as text: the one reading of a time or a timestamp that ormsh accepts, from
//! the user (a value typed for a column) and from the drivers (a value bound as text) alike.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

/// `YYYY-MM-DD`. The form every database prints is read by hand: chrono's parser, driven by
/// its format string, was a fifth of the time of a big import of dates.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let number = |digits: &[u8]| {
            digits.iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (number(&b[..4]), number(&b[5..7]), number(&b[8..])) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `HH:MM[:SS[.f]]`.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f").or_else(|_| NaiveTime::parse_from_str(text, "%H:%M")).ok()
}

/// ISO 8601 timestamps, with `T` or a space, with or without seconds and fraction; one with an
/// offset is converted to UTC; a date alone is midnight.
pub fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Some(dt.naive_utc());
    }
    const WITH_OFFSET: [&str; 4] =
        ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M%#z", "%Y-%m-%dT%H:%M%#z"];
    if let Some(dt) = WITH_OFFSET.iter().find_map(|f| DateTime::parse_from_str(text, f).ok()) {
        return Some(dt.naive_utc());
    }
    const NAIVE: [&str; 4] = ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"];
    NAIVE
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_date_by_hand_as_chrono_reads_it() {
        for text in [
            "2024-01-02",
            "0001-12-31",
            "9999-12-31",
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-1-2",
            "2024-01-0x",
            "+2024-01-02",
            " 2024-01-02",
            "2024/01/02",
            "",
            "20240102",
        ] {
            assert_eq!(parse_date(text), NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(), "{text:?}");
        }
    }

    #[test]
    fn reads_every_spelling_of_a_timestamp() {
        let noon = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap().and_hms_opt(12, 0, 0).unwrap();
        for text in [
            "2024-01-02T12:00:00",
            "2024-01-02 12:00",
            "2024-01-02T12:00:00.000",
            "2024-01-02T14:00:00+02:00",
            "2024-01-02 14:00:00+02",
            "2024-01-02T12:00Z",
        ] {
            assert_eq!(parse_datetime(text), Some(noon), "{text}");
        }
        assert_eq!(parse_datetime("2024-01-02"), noon.date().and_hms_opt(0, 0, 0));
        assert_eq!(parse_datetime("2024-13-02"), None);
        assert_eq!(parse_time("12:30"), NaiveTime::from_hms_opt(12, 30, 0));
        assert_eq!(parse_time("25:00"), None);
    }
}
