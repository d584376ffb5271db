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
    fn junk_is_not_a_date() {
        assert_eq!(norm("Invalid Date", "UTC", DateStyle::Hexo), None);
        assert_eq!(norm("", "UTC", DateStyle::Hexo), None);
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
