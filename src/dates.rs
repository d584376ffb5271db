//! Reading the many ways scraped front matter writes a date, and writing one canonical form.
//!
//! Feeds give RFC 2822 (`Fri, 13 Aug 2021 07:51:58 GMT`), RFC 3339 / ISO 8601, or a bare
//! `YYYY-MM-DD HH:mm:ss` with no zone (Hexo's own format, read in the configured zone).
//! Output is Hexo's `YYYY-MM-DD HH:mm:ss` in the configured zone for `--target hexo`, RFC 3339
//! with an offset for every other target.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

/// Parse a time zone setting: `UTC`, `Z`, an offset (`+08:00`, `+0800`, `-5`) or an IANA name
/// (`Asia/Shanghai`).
pub fn parse_timezone(spec: &str) -> Result<TimeZone, String> {
    let s = spec.trim();
    if s.eq_ignore_ascii_case("utc") || s == "Z" || s.eq_ignore_ascii_case("gmt") {
        return Ok(TimeZone::UTC);
    }
    if let Some(offset) = parse_offset(s) {
        return Ok(TimeZone::fixed(offset));
    }
    TimeZone::get(s).map_err(|_| {
        format!("unknown time zone `{spec}`: use an offset like `+08:00`, `UTC`, or an IANA name like `Asia/Shanghai`")
    })
}

fn parse_offset(s: &str) -> Option<Offset> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let h: i32 = h.parse().ok().filter(|h: &i32| *h <= 25)?;
    let m: i32 = m.parse().ok().filter(|m: &i32| *m < 60)?;
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// Parse a date as found in front matter; dates without a zone are read in `tz`.
pub fn parse_date(value: &str, tz: &TimeZone) -> Option<ZonedDateTime> {
    let s = value.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Some(ts.to_zoned_datetime(tz.clone()));
    }
    if let Ok(zdt) = jiff::fmt::rfc2822::parse(s) {
        return Some(zdt.timestamp().to_zoned_datetime(tz.clone()));
    }
    const CIVIL: &[&str] = &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ];
    for format in CIVIL {
        if let Ok(dt) = DateTime::strptime(format, s) {
            return dt.to_zoned_datetime(tz.clone()).ok();
        }
    }
    // Fractional seconds without a zone: `2021-08-07 02:22:05.123`.
    if let Ok(dt) = s.replacen(' ', "T", 1).parse::<DateTime>() {
        return dt.to_zoned_datetime(tz.clone()).ok();
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(date) = jiff::civil::Date::strptime(format, s) {
            return date
                .to_datetime(jiff::civil::Time::midnight())
                .to_zoned_datetime(tz.clone())
                .ok();
        }
    }
    None
}

/// The canonical form of a front-matter date for a target, or `None` when it is not a date.
/// A date already written in RFC 3339 with its own offset is kept as written for RFC 3339
/// targets: the author's offset is information, not noise.
pub fn normalize(value: &str, tz: &TimeZone, style: DateStyle) -> Option<String> {
    let trimmed = value.trim();
    if style == DateStyle::Rfc3339 && is_rfc3339(trimmed) {
        return Some(trimmed.to_owned());
    }
    parse_date(trimmed, tz).map(|zdt| format_date(&zdt, style))
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, and a valid instant.
fn is_rfc3339(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 20
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && b[10] == b'T'
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    if !shape {
        // Byte 19 may be inside a multi-byte character of something that is no date at all.
        return false;
    }
    let rest = &s[19..];
    let rest = match rest.strip_prefix('.') {
        Some(frac) => frac.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    let offset = rest == "Z"
        || (rest.len() == 6
            && matches!(rest.as_bytes()[0], b'+' | b'-')
            && rest.as_bytes()[3] == b':'
            && rest[1..3]
                .bytes()
                .chain(rest[4..6].bytes())
                .all(|c| c.is_ascii_digit()));
    offset && s.parse::<Timestamp>().is_ok()
}

/// How a target writes dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `YYYY-MM-DD HH:mm:ss` in the configured zone (Hexo reads zone-less dates as local).
    Hexo,
    /// RFC 3339 with an offset: `2021-08-13T15:51:58+08:00`.
    Rfc3339,
}

pub fn format_date(zdt: &ZonedDateTime, style: DateStyle) -> String {
    match style {
        DateStyle::Hexo => zdt.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        DateStyle::Rfc3339 => {
            if zdt.subsec_nanosecond() == 0 {
                zdt.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
            } else {
                zdt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str, tz: &str, style: DateStyle) -> Option<String> {
        let tz = parse_timezone(tz).unwrap();
        parse_date(s, &tz).map(|z| format_date(&z, style))
    }

    #[test]
    fn rfc2822_from_the_corpus() {
        assert_eq!(
            norm("Fri, 13 Aug 2021 07:51:58 GMT", "+08:00", DateStyle::Hexo).as_deref(),
            Some("2021-08-13 15:51:58")
        );
        assert_eq!(
            norm(
                "Fri, 13 Aug 2021 07:51:58 GMT",
                "Asia/Shanghai",
                DateStyle::Rfc3339
            )
            .as_deref(),
            Some("2021-08-13T15:51:58+08:00")
        );
    }

    #[test]
    fn zoneless_dates_are_local() {
        assert_eq!(
            norm("2021-08-07 02:22:05", "+08:00", DateStyle::Hexo).as_deref(),
            Some("2021-08-07 02:22:05")
        );
        assert_eq!(
            norm("2021-08-07 02:22:05", "+08:00", DateStyle::Rfc3339).as_deref(),
            Some("2021-08-07T02:22:05+08:00")
        );
        assert_eq!(
            norm("2021-08-07", "UTC", DateStyle::Rfc3339).as_deref(),
            Some("2021-08-07T00:00:00+00:00")
        );
    }

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(
            norm("2021-08-13T15:51:58+08:00", "+08:00", DateStyle::Rfc3339).as_deref(),
            Some("2021-08-13T15:51:58+08:00")
        );
        assert_eq!(
            norm("2021-08-13T07:51:58Z", "+08:00", DateStyle::Hexo).as_deref(),
            Some("2021-08-13 15:51:58")
        );
    }

    #[test]
    fn rfc3339_with_own_offset_is_kept_for_rfc3339_targets() {
        let utc = TimeZone::UTC;
        assert_eq!(
            normalize("2024-03-01T10:00:00+01:00", &utc, DateStyle::Rfc3339).as_deref(),
            Some("2024-03-01T10:00:00+01:00")
        );
        assert_eq!(
            normalize("2024-03-01T10:00:00Z", &utc, DateStyle::Rfc3339).as_deref(),
            Some("2024-03-01T10:00:00Z")
        );
        assert_eq!(
            normalize("2024-03-01T10:00:00+01:00", &utc, DateStyle::Hexo).as_deref(),
            Some("2024-03-01 09:00:00")
        );
        assert_eq!(
            normalize("2024-03-01 10:00:00", &utc, DateStyle::Rfc3339).as_deref(),
            Some("2024-03-01T10:00:00+00:00")
        );
        assert_eq!(
            normalize("2024-13-01T10:00:00+01:00", &utc, DateStyle::Rfc3339),
            None
        );
    }

    #[test]
    fn junk_is_not_a_date() {
        assert_eq!(norm("Invalid Date", "UTC", DateStyle::Hexo), None);
        assert_eq!(norm("", "UTC", DateStyle::Hexo), None);
        // Found by the `pipeline` fuzz target: a multi-byte character across byte 19 panicked.
        assert_eq!(
            norm("2021-04-12T00:28:1\u{fffd}x", "UTC", DateStyle::Rfc3339),
            None
        );
        assert_eq!(
            norm("2021-04-12T00:28:11\u{fffd}", "UTC", DateStyle::Rfc3339),
            None
        );
    }

    #[test]
    fn timezones() {
        assert!(parse_timezone("+0800").is_ok());
        assert!(parse_timezone("-05:30").is_ok());
        assert!(parse_timezone("Europe/Paris").is_ok());
        assert!(
            parse_timezone("Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
    }
}
