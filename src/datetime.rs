//! Dates and times as text: the one reading of a time or a timestamp that ormsh accepts, from
//! the user (a value typed for a column) and from the drivers (a value bound as text) alike.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};

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
