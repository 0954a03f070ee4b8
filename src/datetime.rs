//! Dates and times as text: the one reading of a time or a timestamp that ormsh accepts, from
//! the user (a value typed for a column) and from the drivers (a value bound as text) alike.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

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

/// How the rows of a SQLite column spell their dates, times or uuids, which SQLite keeps as the
/// text each tool wrote: SQLAlchemy `2024-01-02 03:04:05.000000`, Django the same with the
/// fraction only when there is one, Sequelize `2024-01-02 03:04:05.000 +00:00`, Django and
/// SQLAlchemy a uuid as 32 hex digits. ormsh writes a column's values as its rows spell them
/// (taken from a sample), so that the tool that made it finds them equal to its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Spelling {
    /// A datetime, or a time of day when `date` is false.
    Moment {
        date: bool,
        /// Between the date and the time: a space or `T`.
        separator: char,
        /// Digits of the fraction of a second, and whether they are written when it is zero.
        digits: usize,
        always: bool,
        /// What follows the time as it was written (` +00:00`, `Z`): values are kept in UTC.
        zone: String,
    },
    /// A uuid as 32 hex digits, without dashes.
    HexUuid,
}

impl Spelling {
    /// SQLAlchemy's, which ormsh writes in a column that holds nothing yet.
    pub fn default_moment(date: bool) -> Spelling {
        Spelling::Moment { date, separator: ' ', digits: 6, always: true, zone: String::new() }
    }

    /// How `sample`, a value of a datetime (`date`) or time column, is spelled; None for text
    /// that is no such value.
    pub fn of_moment(sample: &str, date: bool) -> Option<Spelling> {
        let sample = sample.trim();
        let (separator, time) = if date {
            let separator = sample.chars().nth(10)?;
            if !matches!(separator, ' ' | 'T') || parse_datetime(sample).is_none() {
                return None;
            }
            (separator, sample.get(11..)?)
        } else {
            (' ', sample)
        };
        let rest = time.get(8..)?;
        let (digits, zone) = match rest.strip_prefix('.') {
            Some(fraction) => {
                let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
                (digits, &fraction[digits..])
            }
            None => (0, rest),
        };
        // A zone other than UTC's is not one ormsh can keep writing: values are in UTC.
        if !matches!(zone.trim(), "" | "Z" | "+00:00" | "+0000" | "+00") {
            return None;
        }
        if !date && parse_time(&time[..time.len() - zone.len()]).is_none() {
            return None;
        }
        Some(match digits {
            // No fraction in the sample: written only when there is one (Django).
            0 => Spelling::Moment { date, separator, digits: 6, always: false, zone: zone.to_string() },
            n => Spelling::Moment { date, separator, digits: n.min(9), always: true, zone: zone.to_string() },
        })
    }

    /// How `sample`, a value of a uuid or `char(32)` column, is spelled: None for a uuid with
    /// its dashes, which is how ormsh writes one anyway.
    pub fn of_uuid(sample: &str) -> Option<Spelling> {
        let sample = sample.trim();
        (sample.len() == 32 && uuid::Uuid::try_parse(sample).is_ok()).then_some(Spelling::HexUuid)
    }

    /// A datetime in this spelling.
    pub fn datetime(&self, dt: &NaiveDateTime) -> Option<String> {
        let Spelling::Moment { date: true, separator, .. } = self else { return None };
        let mut out = dt.format("%Y-%m-%d").to_string();
        out.push(*separator);
        out.push_str(&self.time(&dt.time())?);
        Some(out)
    }

    /// A time of day in this spelling (the time part of a datetime's).
    pub fn time(&self, time: &NaiveTime) -> Option<String> {
        let Spelling::Moment { digits, always, zone, .. } = self else { return None };
        let mut out = time.format("%H:%M:%S").to_string();
        let nanos = time.nanosecond() % 1_000_000_000;
        let fraction = format!("{nanos:09}");
        let kept = &fraction[..*digits];
        // A fraction finer than the spelling keeps is written in full rather than cut.
        let lost = fraction[*digits..].bytes().any(|b| b != b'0');
        if lost {
            out.push('.');
            out.push_str(fraction.trim_end_matches('0'));
        } else if *always || nanos != 0 {
            out.push('.');
            out.push_str(kept);
        }
        out.push_str(zone);
        Some(out)
    }

    /// A uuid in this spelling.
    pub fn uuid(&self, id: &uuid::Uuid) -> Option<String> {
        matches!(self, Spelling::HexUuid).then(|| id.simple().to_string())
    }
}

/// The one spelling of an instant that ormsh compares SQLite's dates and times in, whatever
/// the row's own (see `dialect/instant.rs`): `YYYY-MM-DD HH:MM:SS.ffffff` in UTC, or
/// `HH:MM:SS.ffffff` for a time of day. Text that is neither is left as it is.
pub fn instant_key(text: &str) -> std::borrow::Cow<'_, str> {
    let trimmed = text.trim();
    if let Some(dt) = parse_datetime(trimmed).filter(|_| trimmed.len() >= 10) {
        return dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string().into();
    }
    if let Some(time) = parse_time(trimmed) {
        return time.format("%H:%M:%S%.6f").to_string().into();
    }
    text.into()
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
    fn spellings_are_read_from_a_sample_and_written_back() {
        let dt = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap().and_hms_opt(3, 4, 5).unwrap();
        let half = dt + chrono::Duration::milliseconds(500);
        let cases = [
            ("2024-01-02 03:04:05.000000", "2024-01-02 03:04:05.000000", "2024-01-02 03:04:05.500000"),
            ("2024-05-06 07:08:09", "2024-01-02 03:04:05", "2024-01-02 03:04:05.500000"),
            ("2024-05-06 07:08:09.250000", "2024-01-02 03:04:05.000000", "2024-01-02 03:04:05.500000"),
            ("2024-01-02 03:04:05.000 +00:00", "2024-01-02 03:04:05.000 +00:00", "2024-01-02 03:04:05.500 +00:00"),
            ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.500000Z"),
        ];
        for (sample, whole, fraction) in cases {
            let spelling = Spelling::of_moment(sample, true).unwrap();
            assert_eq!(spelling.datetime(&dt).as_deref(), Some(whole), "{sample}");
            assert_eq!(spelling.datetime(&half).as_deref(), Some(fraction), "{sample}");
        }
        assert_eq!(Spelling::default_moment(true).datetime(&dt).as_deref(), Some("2024-01-02 03:04:05.000000"));
        assert_eq!(Spelling::of_moment("2024-01-02 03:04:05+02:00", true), None);
        assert_eq!(Spelling::of_moment("hello", true), None);
        let time = Spelling::of_moment("03:04:05.000000", false).unwrap();
        assert_eq!(time.time(&half.time()).as_deref(), Some("03:04:05.500000"));
        let id = uuid::Uuid::parse_str("0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10").unwrap();
        assert_eq!(
            Spelling::of_uuid("0b6f9c1e8c574d5e9a432f1d8a7e6b10").unwrap().uuid(&id).as_deref(),
            Some("0b6f9c1e8c574d5e9a432f1d8a7e6b10")
        );
        assert_eq!(Spelling::of_uuid("0b6f9c1e-8c57-4d5e-9a43-2f1d8a7e6b10"), None);
    }

    #[test]
    fn every_spelling_of_an_instant_has_one_key() {
        for text in [
            "2024-01-02 03:04:05",
            "2024-01-02 03:04:05.000000",
            "2024-01-02T03:04:05",
            "2024-01-02 03:04:05.000 +00:00",
            "2024-01-02 05:04:05+02:00",
            "2024-01-02T03:04:05Z",
        ] {
            assert_eq!(instant_key(text), "2024-01-02 03:04:05.000000", "{text}");
        }
        assert_eq!(instant_key("2024-01-02 03:04:05.5"), "2024-01-02 03:04:05.500000");
        assert_eq!(instant_key("03:04:05"), "03:04:05.000000");
        assert_eq!(instant_key("not a date"), "not a date");
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
