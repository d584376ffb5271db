//! Reading the many ways scraped front matter writes a date, and writing one canonical form.
//!
//! Feeds give RFC 2822 (`Fri, 13 Aug 2021 07:51:58 GMT`), RFC 3339 / ISO 8601, or a bare
//! `YYYY-MM-DD HH:mm:ss` with no zone (Hexo's own format). Each generator reads these its own
//! way, so a date is written for the target so that *it* reads the instant the source meant
//! ([`for_target`]): wall-clock time in the site's zone for Hexo, which ignores offsets; RFC
//! 3339 with an offset for Hugo, Jekyll and plain; zone-less dates as they were written.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

use crate::generator::Target;

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

/// What a front-matter date says, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// An instant: the text carries its own offset or zone (RFC 3339 with `Z` or an offset,
    /// RFC 2822, `2021-08-13 15:51:58 +08:00`). `rfc3339`: written exactly as RFC 3339.
    Instant { timestamp: Timestamp, rfc3339: bool },
    /// Wall-clock time with no zone, or a date alone: each generator reads it in its own zone.
    /// `canonical`: written `YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS[.f]` or with a `T`, a form
    /// Hexo, Hugo and Jekyll all read.
    Wall {
        datetime: DateTime,
        date_only: bool,
        canonical: bool,
    },
}

/// Read a front-matter date, or `None` when it is not one.
pub fn read(value: &str) -> Option<Reading> {
    let s = value.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(timestamp) = s.parse::<Timestamp>() {
        return Some(Reading::Instant {
            timestamp,
            rfc3339: is_rfc3339(s),
        });
    }
    if let Ok(zdt) = jiff::fmt::rfc2822::parse(s) {
        return Some(Reading::Instant {
            timestamp: zdt.timestamp(),
            rfc3339: false,
        });
    }
    // An offset after a space: `2021-08-13 15:51:58 +08:00` (Jekyll's documented form).
    for format in ["%Y-%m-%d %H:%M:%S %:z", "%Y-%m-%d %H:%M:%S %z"] {
        if let Ok(zdt) = jiff::fmt::strtime::parse(format, s).and_then(|t| t.to_timestamp()) {
            return Some(Reading::Instant {
                timestamp: zdt,
                rfc3339: false,
            });
        }
    }
    let canonical = is_canonical_wall(s);
    const CIVIL: &[&str] = &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ];
    let wall = |datetime, date_only| {
        Some(Reading::Wall {
            datetime,
            date_only,
            canonical,
        })
    };
    for format in CIVIL {
        if let Ok(dt) = DateTime::strptime(format, s) {
            return wall(dt, false);
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(date) = jiff::civil::Date::strptime(format, s) {
            return wall(date.to_datetime(jiff::civil::Time::midnight()), true);
        }
    }
    // Fractional seconds without a zone: `2021-08-07 02:22:05.123`.
    if let Ok(dt) = s.replacen(' ', "T", 1).parse::<DateTime>() {
        return wall(dt, false);
    }
    None
}

/// Parse a date as found in front matter; dates without a zone are read in `tz`.
pub fn parse_date(value: &str, tz: &TimeZone) -> Option<ZonedDateTime> {
    match read(value)? {
        Reading::Instant { timestamp, .. } => Some(timestamp.to_zoned_datetime(tz.clone())),
        Reading::Wall { datetime, .. } => datetime.to_zoned_datetime(tz.clone()).ok(),
    }
}

/// `YYYY-MM-DD`, or `YYYY-MM-DD[ T]HH:MM:SS[.f]`.
fn is_canonical_wall(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|d| d.len() == r.len() && d.iter().all(u8::is_ascii_digit))
    };
    let date = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-');
    if !date || !digits(8..10) {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    let time = matches!(b.get(10), Some(b' ' | b'T'))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19);
    time && match &b[19..] {
        [] => true,
        [b'.', frac @ ..] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// What to do with a front-matter date for a target generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateEdit {
    /// The generator reads it, as written, as the instant it means: leave it.
    Keep,
    /// Write `scalar` (the YAML text, quoted or not as the generator needs), whose value as a
    /// string is `value`.
    Write { scalar: String, value: String },
    /// A zone-less date that the rule says is in another zone than the site's, for Hexo: Hexo
    /// reads every date as wall-clock time in its own zone and ignores offsets, so no text
    /// can say the other zone, and a converted wall clock would be converted again by the next
    /// run. It is left as written, and the user told to set the site's zone.
    FeedZoneIgnored,
}

/// How to write the date `value` (the field's string; `quoted`: its YAML scalar is quoted) so
/// that `target` reads the instant the source meant.
///
/// - `site` is the zone the generator reads dates in (Hexo `timezone`, Hugo `timeZone`, Jekyll
///   `timezone`: `--timezone`).
/// - `feed` is the zone the source wrote zone-less dates in, when a rule says so
///   (`normalize_date.timezone`); without it, zone-less dates are the site's wall-clock time.
///
/// The rules, from the generators' source and checked by building real sites:
/// - Hexo 8 (hexo-front-matter, `adjustDateForTimezone`) ignores offsets: it takes the wall
///   clock and reads it in its `timezone`. Dates that name an instant are written as wall-clock
///   time in the site zone, `YYYY-MM-DD HH:mm:ss`.
/// - Hugo reads RFC 3339 offsets, and zone-less dates in its `timeZone`; it misreads RFC 2822
///   (the zone name is dropped) and does not read `2021/08/13` or times without seconds.
///   Instants not in RFC 3339 are written in RFC 3339 with an offset.
/// - Jekyll (Psych) reads offsets, but an unquoted zone-less timestamp as UTC, not in its
///   `timezone`; quoted, it is read in `timezone`. Zone-less date-times are written quoted.
/// - Zone-less dates stay as written (they already mean site-zone wall-clock time to the
///   generator, whatever its zone is set to), except forms the generator would not read, which
///   become `YYYY-MM-DD HH:mm:ss`. `plain` writes what Hugo reads.
///
/// `None`: not a date.
pub fn for_target(
    value: &str,
    quoted: bool,
    target: Target,
    site: &TimeZone,
    feed: Option<&TimeZone>,
) -> Option<DateEdit> {
    let write = |value: String| DateEdit::Write {
        scalar: value.clone(),
        value,
    };
    match read(value)? {
        Reading::Instant { timestamp, rfc3339 } => Some(match target {
            Target::Hexo => write(wall_clock(
                &timestamp.to_zoned_datetime(site.clone()),
                false,
            )),
            _ if rfc3339 => DateEdit::Keep,
            _ => write(format_rfc3339(
                &timestamp.to_zoned_datetime(feed.unwrap_or(site).clone()),
            )),
        }),
        Reading::Wall {
            datetime,
            date_only,
            canonical,
        } => {
            if let Some(feed) = feed {
                let in_feed = datetime.to_zoned_datetime(feed.clone()).ok()?;
                let in_site = datetime.to_zoned_datetime(site.clone()).ok()?;
                if in_feed.offset() != in_site.offset() {
                    // The feed's wall clock is another instant than the site's. With an offset
                    // it is written as that instant; Hexo dates cannot carry one, and a
                    // converted wall clock would be converted again by the next run.
                    return Some(match target {
                        Target::Hexo => DateEdit::FeedZoneIgnored,
                        _ => write(format_rfc3339(&in_feed)),
                    });
                }
            }
            let form = if canonical {
                value.trim().to_owned()
            } else {
                wall_clock(&datetime.to_zoned_datetime(TimeZone::UTC).ok()?, date_only)
            };
            let must_quote = target == Target::Jekyll && !date_only;
            Some(if canonical && (quoted || !must_quote) {
                DateEdit::Keep
            } else if must_quote {
                DateEdit::Write {
                    scalar: format!("'{form}'"),
                    value: form,
                }
            } else {
                write(form)
            })
        }
    }
}

/// A zone as users write it: its IANA name, else its offset (`+08:00`).
pub fn zone_label(tz: &TimeZone) -> String {
    match tz.iana_name() {
        Some(name) => name.to_owned(),
        None => {
            let seconds = tz.to_offset(Timestamp::UNIX_EPOCH).seconds();
            let (sign, minutes) = (if seconds < 0 { '-' } else { '+' }, seconds.abs() / 60);
            format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
    }
}

/// `YYYY-MM-DD HH:mm:ss` (with a fraction when there is one), or `YYYY-MM-DD`.
fn wall_clock(zdt: &ZonedDateTime, date_only: bool) -> String {
    if date_only {
        zdt.strftime("%Y-%m-%d").to_string()
    } else if zdt.subsec_nanosecond() == 0 {
        zdt.strftime("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        zdt.strftime("%Y-%m-%d %H:%M:%S%.f").to_string()
    }
}

/// RFC 3339 with an offset: `2021-08-13T15:51:58+08:00`.
pub fn format_rfc3339(zdt: &ZonedDateTime) -> String {
    if zdt.subsec_nanosecond() == 0 {
        zdt.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
    } else {
        zdt.strftime("%Y-%m-%dT%H:%M:%S%.f%:z").to_string()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's date table: each source form, read for each target with the site zone
    /// Asia/Shanghai. `None`: left as written.
    #[test]
    fn date_forms_by_target() {
        let site = parse_timezone("Asia/Shanghai").unwrap();
        #[rustfmt::skip]
        let rows: &[(&str, bool, [Option<&str>; 4])] = &[
            // input, quoted in the file, [hexo, hugo, jekyll, plain]
            ("2021-08-13T07:51:58Z", false,
                [Some("2021-08-13 15:51:58"), None, None, None]),
            ("2021-08-13T15:51:58+08:00", false,
                [Some("2021-08-13 15:51:58"), None, None, None]),
            ("2021-08-13T09:51:58.5+02:00", true,
                [Some("2021-08-13 15:51:58.5"), None, None, None]),
            ("Fri, 13 Aug 2021 07:51:58 GMT", false,
                [Some("2021-08-13 15:51:58"), Some("2021-08-13T15:51:58+08:00"),
                 Some("2021-08-13T15:51:58+08:00"), Some("2021-08-13T15:51:58+08:00")]),
            ("2021-08-13 15:51:58 +08:00", false,
                [Some("2021-08-13 15:51:58"), Some("2021-08-13T15:51:58+08:00"),
                 Some("2021-08-13T15:51:58+08:00"), Some("2021-08-13T15:51:58+08:00")]),
            ("2021-08-07 02:22:05", false,
                [None, None, Some("'2021-08-07 02:22:05'"), None]),
            ("2021-08-07 02:22:05", true, [None, None, None, None]),
            ("2021-08-07T02:22:05", false,
                [None, None, Some("'2021-08-07T02:22:05'"), None]),
            ("2021-08-07", false, [None, None, None, None]),
            ("2021/08/07 02:22", false,
                [Some("2021-08-07 02:22:00"), Some("2021-08-07 02:22:00"),
                 Some("'2021-08-07 02:22:00'"), Some("2021-08-07 02:22:00")]),
            ("2021/08/07", false,
                [Some("2021-08-07"), Some("2021-08-07"), Some("2021-08-07"), Some("2021-08-07")]),
        ];
        let targets = [Target::Hexo, Target::Hugo, Target::Jekyll, Target::Plain];
        for (input, quoted, want) in rows {
            for (target, want) in targets.iter().zip(want) {
                let got = for_target(input, *quoted, *target, &site, None).unwrap();
                let got = match got {
                    DateEdit::Keep => None,
                    DateEdit::FeedZoneIgnored => panic!("no feed zone here"),
                    DateEdit::Write { scalar, value } => {
                        assert_eq!(scalar.trim_matches('\''), value);
                        Some(scalar)
                    }
                };
                assert_eq!(got.as_deref(), *want, "{input:?} for {target:?}");
            }
        }
    }

    #[test]
    fn what_is_written_is_kept_next_time() {
        // Idempotent: each output, read again (quoted when written quoted), is kept.
        let site = parse_timezone("Asia/Shanghai").unwrap();
        let feed = parse_timezone("UTC").unwrap();
        for input in [
            "2021-08-13T07:51:58Z",
            "Fri, 13 Aug 2021 07:51:58 GMT",
            "2021-08-07 02:22:05",
            "2021/08/07 02:22",
            "2021-08-07",
            "2021-08-13 15:51:58.250 +08:00",
        ] {
            for target in [Target::Hexo, Target::Hugo, Target::Jekyll, Target::Plain] {
                for feed in [None, Some(&feed)] {
                    let Some(DateEdit::Write { scalar, value }) =
                        for_target(input, false, target, &site, feed)
                    else {
                        continue;
                    };
                    let quoted = scalar.starts_with('\'');
                    // Hexo with a feed zone other than the site's leaves it (with a warning).
                    let again = for_target(&value, quoted, target, &site, feed);
                    assert!(
                        matches!(again, Some(DateEdit::Keep | DateEdit::FeedZoneIgnored)),
                        "{input:?} → {scalar} for {target:?} (feed {feed:?}): {again:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_feed_zone_other_than_the_site_zone_converts_wall_clock_dates() {
        let site = TimeZone::UTC;
        let feed = parse_timezone("+08:00").unwrap();
        let edit = |target| for_target("2021-08-07 02:22:05", false, target, &site, Some(&feed));
        let written = |s: &str| {
            Some(DateEdit::Write {
                scalar: s.into(),
                value: s.into(),
            })
        };
        assert_eq!(edit(Target::Hexo), Some(DateEdit::FeedZoneIgnored));
        assert_eq!(edit(Target::Hugo), written("2021-08-07T02:22:05+08:00"));
        assert_eq!(edit(Target::Jekyll), written("2021-08-07T02:22:05+08:00"));
        // The same zone under another name is the site's wall clock: kept.
        let shanghai = parse_timezone("Asia/Shanghai").unwrap();
        assert_eq!(
            for_target(
                "2021-08-07 02:22:05",
                false,
                Target::Hexo,
                &shanghai,
                Some(&feed)
            ),
            Some(DateEdit::Keep)
        );
        // An RFC 2822 date for Hugo is written in the feed's zone.
        assert_eq!(
            for_target(
                "Fri, 13 Aug 2021 07:51:58 GMT",
                false,
                Target::Hugo,
                &site,
                Some(&feed)
            ),
            written("2021-08-13T15:51:58+08:00")
        );
    }

    #[test]
    fn readings() {
        assert!(matches!(
            read("2021-08-13T07:51:58Z"),
            Some(Reading::Instant { rfc3339: true, .. })
        ));
        assert!(matches!(
            read("2021-08-13 07:51:58Z"),
            Some(Reading::Instant { rfc3339: false, .. })
        ));
        assert!(matches!(
            read("2021-08-07 02:22:05.5"),
            Some(Reading::Wall {
                canonical: true,
                date_only: false,
                ..
            })
        ));
        assert!(matches!(
            read("2021-8-7"),
            None | Some(Reading::Wall {
                canonical: false,
                ..
            })
        ));
        let tz = parse_timezone("+08:00").unwrap();
        assert_eq!(
            parse_date("Fri, 13 Aug 2021 07:51:58 GMT", &tz).map(|z| format_rfc3339(&z)),
            Some("2021-08-13T15:51:58+08:00".into())
        );
        assert_eq!(
            parse_date("2021-08-07", &TimeZone::UTC).map(|z| format_rfc3339(&z)),
            Some("2021-08-07T00:00:00+00:00".into())
        );
    }

    #[test]
    fn junk_is_not_a_date() {
        let utc = TimeZone::UTC;
        for junk in [
            "Invalid Date",
            "",
            "2024-13-01T10:00:00+01:00",
            // Found by the `pipeline` fuzz target: a multi-byte character across byte 19 panicked.
            "2021-04-12T00:28:1\u{fffd}x",
            "2021-04-12T00:28:11\u{fffd}",
            "2021-04-12 00:28:1\u{fffd}",
        ] {
            assert_eq!(read(junk), None, "{junk:?}");
            assert_eq!(for_target(junk, false, Target::Hexo, &utc, None), None);
        }
    }

    #[test]
    fn zone_labels() {
        assert_eq!(zone_label(&parse_timezone("+08:00").unwrap()), "+08:00");
        assert_eq!(zone_label(&parse_timezone("-05:30").unwrap()), "-05:30");
        assert_eq!(
            zone_label(&parse_timezone("Asia/Shanghai").unwrap()),
            "Asia/Shanghai"
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
