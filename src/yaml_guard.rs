//! A bound on YAML nesting, checked before any YAML parser sees the text.
//!
//! libyaml's work grows with the square of the nesting depth: 100,000 `[` take about a minute
//! before serde_yaml gives up, and serde_yaml refuses anything deeper than 128 levels anyway.
//! A linear pre-scan ([`crate::yaml_scan`]) counts flow depth (`[`, `{` outside quotes and
//! comments) plus open block collections (indentation levels, `- ` entries) and stops at the
//! first place past the limit, so hostile front matter or rule files fail in microseconds with
//! a position instead of stalling a run.

use crate::yaml_scan;
use std::fmt;

/// The deepest nesting accepted: serde_yaml's own recursion limit, so a file the guard lets
/// through is never one the parser would refuse for depth.
pub const MAX_DEPTH: usize = 128;

/// Text that nests deeper than the limit, and the first place where it does (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub column: usize,
    pub limit: usize,
}

impl fmt::Display for TooDeep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "nests deeper than {} levels", self.limit)
    }
}

impl std::error::Error for TooDeep {}

/// Check that `text` nests at most `limit` levels deep. Linear in the text's length.
pub fn check_depth(text: &str, limit: usize) -> Result<(), TooDeep> {
    let mut too_deep = None;
    yaml_scan::scan(
        text,
        |_| true,
        |d| {
            if d.depth > limit {
                too_deep = Some(TooDeep {
                    line: d.line,
                    column: d.column(text),
                    limit,
                });
                false
            } else {
                true
            }
        },
    );
    too_deep.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_is_refused_at_its_position() {
        let text = format!("title: t\ntags: {}", "[".repeat(200));
        let e = check_depth(&text, MAX_DEPTH).unwrap_err();
        // `tags:` opens nothing new (the mapping is at depth 1); the 128th `[` reaches 129.
        assert_eq!((e.line, e.column), (2, 7 + 127));
        assert_eq!(e.to_string(), "nests deeper than 128 levels");
    }

    #[test]
    fn deep_blocks_are_refused() {
        let text = "- ".repeat(200);
        assert_eq!(check_depth(&text, MAX_DEPTH).unwrap_err().line, 1);
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        assert_eq!(check_depth(&text, MAX_DEPTH).unwrap_err().line, 129);
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let deep = "[".repeat(300);
        for text in [
            format!("a: \"{deep}\"\n"),
            format!("a: '{deep}'\n"),
            format!("a: x{deep}\n"),
            format!("a: x # {deep}\n"),
            format!("a: |\n  {deep}\n"),
            format!("# {deep}\n"),
        ] {
            check_depth(&text, MAX_DEPTH).unwrap();
        }
        // ... but a quote inside a flow plain scalar is text, and the brackets after it count.
        let text = format!("a: [x\"{deep}");
        assert!(check_depth(&text, MAX_DEPTH).is_err());
        // Lone CR is a line break to libyaml: a comment ends there.
        let text = format!("# c\r{deep}");
        assert!(check_depth(&text, MAX_DEPTH).is_err());
    }

    #[test]
    fn linear_on_huge_input() {
        let text = "[".repeat(1_000_000);
        let start = std::time::Instant::now();
        assert!(check_depth(&text, MAX_DEPTH).is_err());
        let text = format!("a: [{}]\n", "1,".repeat(500_000));
        check_depth(&text, MAX_DEPTH).unwrap();
        assert!(start.elapsed().as_secs() < 2);
    }
}
