//! "Did you mean …?" for names a user typed: rule ids in overrides, `--select`, `--ignore`,
//! `--fail-on` and suppressions. A typo that is accepted silently turns nothing off, and the
//! user finds out only when the rule fires anyway.

/// The candidate closest to `word`, when it is close enough to be the likely intent
/// (Jaro-Winkler similarity ≥ 0.8, the threshold clap uses for subcommands).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `; did you mean `x`?` or nothing.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(word, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_are_suggested_and_far_ones_not() {
        let ids = ["stock-keyword-link", "qr-ad-block", "qr-cover"];
        assert_eq!(
            closest("stock-keyword-links", ids),
            Some("stock-keyword-link")
        );
        assert_eq!(closest("qr-ad-blok", ids), Some("qr-ad-block"));
        assert_eq!(closest("editor-trailer", ids), None);
        assert_eq!(did_you_mean("qr-covr", ids), "; did you mean `qr-cover`?");
        assert_eq!(did_you_mean("zzz", ids), "");
    }
}
