//! Unified diffs of a post before and after, and the changed line ranges for CI annotations.

use crate::printable;
use similar::{DiffTag, TextDiff};
use std::fmt::Write as _;

/// A unified diff with `--- a/PATH` / `+++ b/PATH` headers and 3 lines of context; ANSI
/// colors when asked, with the changed words of a changed line highlighted. Empty when the texts
/// are equal.
pub fn unified(path: &str, old: &str, new: &str, color: bool) -> String {
    unified_paths(path.as_bytes(), path.as_bytes(), old, new, color)
}

/// [`unified`] for a post that is also renamed from `old_path` to `new_path`: the headers name
/// both, and a rename alone (same text) is the two header lines.
///
/// Headers name paths as git does, so that a saved diff applies with `patch -p1`: a name with a
/// space is followed by a tab (where `patch` stops reading the name), and a name with a quote, a
/// backslash, a control or other unsafe character is C-quoted (`"a/x\"y.md"`), with octal escapes
/// for its bytes. The names are raw bytes, so a name that is not UTF-8 is written exactly.
pub fn unified_paths(
    old_path: &[u8],
    new_path: &[u8],
    old: &str,
    new: &str,
    color: bool,
) -> String {
    let a = header_path("a/", old_path);
    let b = header_path("b/", new_path);
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut text = String::new();
    if old == new {
        if old_path != new_path {
            let _ = writeln!(text, "{bold}--- {a}{reset}\n{bold}+++ {b}{reset}");
        }
        return text;
    }
    let diff = TextDiff::from_lines(old, new);
    let _ = writeln!(text, "{bold}--- {a}{reset}\n{bold}+++ {b}{reset}");
    let old_lines: Vec<&str> = diff.iter_old_slices().collect();
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    for group in diff.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let (old_range, new_range) = (
            first.old_range().start..last.old_range().end,
            first.new_range().start..last.new_range().end,
        );
        let header = format!(
            "@@ -{} +{} @@",
            hunk_range(&old_range),
            hunk_range(&new_range)
        );
        if color {
            let _ = writeln!(text, "\x1b[36m{header}\x1b[0m");
        } else {
            let _ = writeln!(text, "{header}");
        }
        for op in &group {
            let (olds, news) = (&old_lines[op.old_range()], &new_lines[op.new_range()]);
            match op.tag() {
                DiffTag::Equal => olds
                    .iter()
                    .for_each(|l| line(&mut text, ' ', l, None, color)),
                DiffTag::Delete => olds
                    .iter()
                    .for_each(|l| line(&mut text, '-', l, None, color)),
                DiffTag::Insert => news
                    .iter()
                    .for_each(|l| line(&mut text, '+', l, None, color)),
                DiffTag::Replace => {
                    // Lines are paired in order; each pair's changed words are marked.
                    let marks: Vec<Option<(Vec<Span>, Vec<Span>)>> = olds
                        .iter()
                        .zip(news.iter())
                        .map(|(o, n)| if color { word_changes(o, n) } else { None })
                        .collect();
                    for (i, l) in olds.iter().enumerate() {
                        let spans = marks.get(i).and_then(|m| m.as_ref()).map(|m| &m.0[..]);
                        line(&mut text, '-', l, spans, color);
                    }
                    for (i, l) in news.iter().enumerate() {
                        let spans = marks.get(i).and_then(|m| m.as_ref()).map(|m| &m.1[..]);
                        line(&mut text, '+', l, spans, color);
                    }
                }
            }
        }
    }
    text
}

/// `start,len` of a hunk as unified diffs write it (1-based; `start` is the line before an empty
/// range).
pub fn hunk_range(range: &std::ops::Range<usize>) -> String {
    let len = range.len();
    let start = if len == 0 {
        range.start
    } else {
        range.start + 1
    };
    if len == 1 {
        format!("{start}")
    } else {
        format!("{start},{len}")
    }
}

/// A byte range of a line, and whether it changed.
pub type Span = (std::ops::Range<usize>, bool);

/// One diff line. `spans` marks the changed words (reverse video inside the line's color).
fn line(text: &mut String, sign: char, value: &str, spans: Option<&[Span]>, color: bool) {
    let content = value.strip_suffix('\n').unwrap_or(value);
    let style = match sign {
        '-' => "\x1b[31m",
        '+' => "\x1b[32m",
        _ => "",
    };
    if !color || style.is_empty() {
        let _ = writeln!(text, "{sign}{content}");
    } else if let Some(spans) = spans {
        let _ = write!(text, "{style}{sign}");
        for (range, changed) in spans {
            let part = content.get(range.clone()).unwrap_or("");
            if *changed {
                let _ = write!(text, "\x1b[7m{part}\x1b[27m");
            } else {
                text.push_str(part);
            }
        }
        let _ = writeln!(text, "\x1b[0m");
    } else {
        let _ = writeln!(text, "{style}{sign}{content}\x1b[0m");
    }
    if !value.ends_with('\n') {
        let _ = writeln!(text, "\\ No newline at end of file");
    }
}

/// The changed words of a pair of lines, as spans of each, or `None` when the lines share too
/// little for marks to help (then the whole lines are the change).
pub fn word_changes(old: &str, new: &str) -> Option<(Vec<Span>, Vec<Span>)> {
    let old = old.strip_suffix('\n').unwrap_or(old);
    let new = new.strip_suffix('\n').unwrap_or(new);
    let (old_words, new_words) = (words(old), words(new));
    let diff = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_slices(&old_words, &new_words);
    if diff.ratio() < 0.4 {
        return None;
    }
    let spans = |words: &[&str], base: &str, changes: Vec<(std::ops::Range<usize>, bool)>| {
        let mut spans: Vec<Span> = Vec::new();
        for (range, changed) in changes {
            if range.is_empty() {
                continue;
            }
            let (Some(first), Some(last)) = (
                words.get(range.start),
                range.end.checked_sub(1).and_then(|e| words.get(e)),
            ) else {
                continue;
            };
            let start = first.as_ptr() as usize - base.as_ptr() as usize;
            let end = last.as_ptr() as usize - base.as_ptr() as usize + last.len();
            match spans.last_mut() {
                Some((r, c)) if *c == changed && r.end == start => r.end = end,
                _ => spans.push((start..end, changed)),
            }
        }
        spans
    };
    let (mut old_changes, mut new_changes) = (Vec::new(), Vec::new());
    for op in diff.ops() {
        let equal = op.tag() == DiffTag::Equal;
        old_changes.push((op.old_range(), !equal));
        new_changes.push((op.new_range(), !equal));
    }
    Some((
        spans(&old_words, old, old_changes),
        spans(&new_words, new, new_changes),
    ))
}

/// A line cut into what a reader sees as words: runs of letters and digits (Latin, Cyrillic…),
/// runs of whitespace, and every other character alone. CJK text has no spaces between words, so
/// each ideograph, kana or hangul syllable and each punctuation mark is its own unit: a changed
/// character is marked, not the whole 300-character sentence.
fn words(line: &str) -> Vec<&str> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Word,
        Space,
        Alone,
    }
    let class = |c: char| {
        if c.is_whitespace() {
            Class::Space
        } else if c.is_alphanumeric() && !is_cjk(c) {
            Class::Word
        } else {
            Class::Alone
        }
    };
    let mut words = Vec::new();
    let mut start = 0;
    let mut previous: Option<Class> = None;
    for (i, c) in line.char_indices() {
        let now = class(c);
        if let Some(p) = previous
            && (p != now || now == Class::Alone)
        {
            words.push(&line[start..i]);
            start = i;
        }
        previous = Some(now);
    }
    if start < line.len() {
        words.push(&line[start..]);
    }
    words
}

/// Ideographs, kana, hangul and their full-width punctuation: scripts written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// `prefix` + `path` as git writes it in `---`/`+++` headers (see [`unified_paths`]).
pub fn header_path(prefix: &str, path: &[u8]) -> String {
    let plain = std::str::from_utf8(path)
        .ok()
        .filter(|p| !p.chars().any(|c| matches!(c, '"' | '\\')) && printable::printable(p) == *p);
    if let Some(path) = plain {
        let tab = if path.contains(' ') { "\t" } else { "" };
        return format!("{prefix}{path}{tab}");
    }
    let mut out = String::from("\"");
    out.push_str(prefix);
    for chunk in path.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if printable::printable(c.encode_utf8(&mut [0; 4])).len() != c.len_utf8() => {
                    for b in c.encode_utf8(&mut [0; 4]).bytes() {
                        let _ = write!(out, "\\{b:03o}");
                    }
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\{b:03o}");
        }
    }
    out.push('"');
    out
}

/// Lines added and removed, as `git diff --stat` counts them.
pub fn stat(old: &str, new: &str) -> (usize, usize) {
    let diff = TextDiff::from_lines(old, new);
    let (mut added, mut removed) = (0, 0);
    for op in diff.ops() {
        match op.tag() {
            DiffTag::Equal => {}
            DiffTag::Delete => removed += op.old_range().len(),
            DiffTag::Insert => added += op.new_range().len(),
            DiffTag::Replace => {
                removed += op.old_range().len();
                added += op.new_range().len();
            }
        }
    }
    (added, removed)
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
            unified_paths(b"p.md", b"2021-01-01-p.md", "x\n", "x\n", false),
            "--- a/p.md\n+++ b/2021-01-01-p.md\n"
        );
        assert!(unified("p.md", "a\n", "b\n", true).contains("\x1b[31m-a"));
    }

    #[test]
    fn words_split_cjk_by_character() {
        assert_eq!(
            words("PMI为49.2%，比上月 down 0.4"),
            [
                "PMI", "为", "49", ".", "2", "%", "，", "比", "上", "月", " ", "down", " ", "0",
                ".", "4"
            ]
        );
    }

    #[test]
    fn changed_characters_of_a_cjk_line_are_marked() {
        let old = "制造业景气度有所减弱。非制造业继续保持扩张。\n";
        let new = "制造业景气度明显减弱。非制造业继续保持扩张。\n";
        let (o, n) = word_changes(old, new).unwrap();
        let changed = |line: &str, spans: &[Span]| -> Vec<String> {
            spans
                .iter()
                .filter(|s| s.1)
                .map(|s| line[s.0.clone()].to_owned())
                .collect()
        };
        assert_eq!(changed(old, &o), ["有所"]);
        assert_eq!(changed(new, &n), ["明显"]);
        let d = unified("p.md", old, new, true);
        assert!(
            d.contains("\x1b[31m-制造业景气度\x1b[7m有所\x1b[27m减弱"),
            "{d}"
        );
        // Lines with little in common are not marked word by word.
        assert!(word_changes("abc def\n", "xyz uvw\n").is_none());
    }

    #[test]
    fn header_paths_as_git_writes_them() {
        assert_eq!(header_path("a/", "posts/x.md".as_bytes()), "a/posts/x.md");
        assert_eq!(
            header_path("a/", "posts/my post.md".as_bytes()),
            "a/posts/my post.md\t"
        );
        assert_eq!(
            header_path("b/", "新闻/文章.md".as_bytes()),
            "b/新闻/文章.md"
        );
        assert_eq!(header_path("a/", "x\"y.md".as_bytes()), "\"a/x\\\"y.md\"");
        assert_eq!(header_path("a/", "x\ny.md".as_bytes()), "\"a/x\\ny.md\"");
        assert_eq!(
            header_path("a/", "x\u{202e}.md".as_bytes()),
            "\"a/x\\342\\200\\256.md\""
        );
        assert_eq!(header_path("a/", b"caf\xe9.md"), "\"a/caf\\351.md\"");
        assert_eq!(
            header_path("a/", "\x1b[31mred.md".as_bytes()),
            "\"a/\\033[31mred.md\""
        );
    }

    #[test]
    fn stats_count_lines() {
        assert_eq!(stat("a\nb\nc\n", "a\nB\nc\nd\n"), (2, 1));
        assert_eq!(stat("a\n", "a\n"), (0, 0));
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
