//! Bounds on the work one run may do: how large a post may be, how many threads may run.
//!
//! A 100 MB "post" is a mistake (a log, a dump) or an attack; reading it whole and running
//! regexes over it would stall the run and take memory the other posts need. `-j 10000` would
//! start ten thousand threads that fight over a few cores. Both are cut here, with a message.

/// Default `--max-post-size`: 16 MiB, a thousand times the largest post in the corpus.
pub const DEFAULT_MAX_POST_SIZE: u64 = 16 * 1024 * 1024;

/// `16M`, `16MiB`, `512k`, `1G`, `1000` (bytes). Suffixes are binary (K = 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, suffix) = t.split_at(digits);
    let number: u64 = number.parse().map_err(|_| {
        format!("`{s}` is not a size: give bytes, or a number with K, M or G (e.g. 16M)")
    })?;
    let unit: u64 = match suffix.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "`{s}`: unknown size suffix `{other}` (use K, M or G, e.g. 16M)"
            ));
        }
    };
    number
        .checked_mul(unit)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("`{s}` is not a usable size (give at least 1 byte)"))
}

/// `16 MiB`, `512 KiB`, `1000 bytes`: the way the limit was most likely written.
pub fn format_size(n: u64) -> String {
    for (unit, name) in [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if n >= unit && n.is_multiple_of(unit) {
            return format!("{} {name}", n / unit);
        }
    }
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

/// How many threads to run: what was asked for, at most the CPU count. Returns the count and,
/// when the request was cut, the warning to print once.
pub fn jobs(requested: Option<usize>, cpus: usize) -> (usize, Option<String>) {
    let cpus = cpus.max(1);
    match requested.filter(|j| *j > 0) {
        None => (cpus, None),
        Some(j) if j <= cpus => (j, None),
        Some(j) => (
            cpus,
            Some(format!(
                "-j {j} is more than the {cpus} CPU{} here; using {cpus} threads",
                if cpus == 1 { "" } else { "s" }
            )),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_binary_suffixes() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("16MiB"), Ok(16 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("16X").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn sizes_print_as_written() {
        assert_eq!(format_size(DEFAULT_MAX_POST_SIZE), "16 MiB");
        assert_eq!(format_size(512 << 10), "512 KiB");
        assert_eq!(format_size(1000), "1000 bytes");
    }

    #[test]
    fn jobs_are_capped_at_the_cpu_count() {
        assert_eq!(jobs(None, 2), (2, None));
        assert_eq!(jobs(Some(1), 2), (1, None));
        assert_eq!(jobs(Some(0), 2), (2, None));
        let (n, w) = jobs(Some(10000), 2);
        assert_eq!(n, 2);
        assert_eq!(
            w.as_deref(),
            Some("-j 10000 is more than the 2 CPUs here; using 2 threads")
        );
    }
}
