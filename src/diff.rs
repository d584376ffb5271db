//! Unified diffs of a post before and after, and the changed line ranges for CI annotations.

use similar::{ChangeTag, TextDiff};
use std::fmt::Write as _;

/// A unified diff with `--- a/PATH` / `+++ b/PATH` headers and 3 lines of context; ANSI
/// colors when asked. Empty when the texts are equal.
pub fn unified(path: &str, old: &str, new: &str, color: bool) -> String {
    unified_paths(path, path, old, new, color)
}

/// [`unified`] for a post that is also renamed from `old_path` to `new_path`: the headers name
/// both, and a rename alone (same text) is the two header lines.
pub fn unified_paths(old_path: &str, new_path: &str, old: &str, new: &str, color: bool) -> String {
    let diff = TextDiff::from_lines(old, new);
    let a = format!("a/{}", crate::printable::printable(old_path));
    let b = format!("b/{}", crate::printable::printable(new_path));
    let mut text = String::new();
    if old == new {
        if old_path != new_path {
            let (bold, reset) = if color {
                ("\x1b[1m", "\x1b[0m")
            } else {
                ("", "")
            };
            let _ = writeln!(text, "{bold}--- {a}{reset}\n{bold}+++ {b}{reset}");
        }
        return text;
    }
    let mut unified = diff.unified_diff();
    unified.context_radius(3).header(&a, &b);
    if !color {
        let _ = write!(text, "{unified}");
        return text;
    }
    let _ = writeln!(text, "\x1b[1m--- {a}\x1b[0m\n\x1b[1m+++ {b}\x1b[0m");
    for hunk in unified.iter_hunks() {
        let _ = writeln!(text, "\x1b[36m{}\x1b[0m", hunk.header());
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                ChangeTag::Delete => ('-', "\x1b[31m"),
                ChangeTag::Insert => ('+', "\x1b[32m"),
                ChangeTag::Equal => (' ', ""),
            };
            let value = change.value();
            let line = value.strip_suffix('\n').unwrap_or(value);
            if style.is_empty() {
                let _ = writeln!(text, "{sign}{line}");
            } else {
                let _ = writeln!(text, "{style}{sign}{line}\x1b[0m");
            }
            if change.missing_newline() {
                let _ = writeln!(text, "\\ No newline at end of file");
            }
        }
    }
    text
}

/// 1-based, inclusive line ranges of the original text that the change touches. A pure
/// insertion is reported at the line it goes before (or the last line).
pub fn changed_lines(old: &str, new: &str) -> Vec<(usize, usize)> {
    let diff = TextDiff::from_lines(old, new);
    let old_lines = old.lines().count().max(1);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for group in diff.grouped_ops(0) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let start = first.old_range().start + 1;
        let end = last.old_range().end.max(start);
        let range = (start.min(old_lines), end.min(old_lines));
        match ranges.last_mut() {
            Some(prev) if prev.1 + 1 >= range.0 => prev.1 = prev.1.max(range.1),
            _ => ranges.push(range),
        }
    }
    ranges
}

/// 1-based number of the first line of `old` that differs from `new` (cheap: no diff).
pub fn first_changed_line(old: &str, new: &str) -> usize {
    let common = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    1 + old.as_bytes()[..common]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_hunks() {
        let d = unified("p.md", "a\nb\nc\n", "a\nB\nc\n", false);
        assert_eq!(
            d,
            "--- a/p.md\n+++ b/p.md\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        assert_eq!(unified("p.md", "x\n", "x\n", false), "");
        assert_eq!(
            unified_paths("p.md", "2021-01-01-p.md", "x\n", "x\n", false),
            "--- a/p.md\n+++ b/2021-01-01-p.md\n"
        );
        assert!(unified("p.md", "a\n", "b\n", true).contains("\x1b[31m-a"));
    }

    #[test]
    fn ranges() {
        assert_eq!(
            changed_lines("a\nb\nc\nd\n", "a\nB\nc\nD\n"),
            [(2, 2), (4, 4)]
        );
        assert_eq!(changed_lines("a\nb\n", "a\nb\nc\n"), [(2, 2)]);
        assert_eq!(changed_lines("a\nb\nc\n", "c\n"), [(1, 2)]);
        assert_eq!(first_changed_line("a\nb\nc\n", "a\nB\nc\n"), 2);
        assert_eq!(first_changed_line("\n---\n", "---\n"), 1);
    }
}
