//! A reader for the plain front matter nearly every post has, that gives exactly what
//! serde_yaml gives or declines.
//!
//! Scraped and generated posts write their front matter one `key: value` per line, with
//! quoted or plain scalars and block lists of them (`categories:` then ` - a`). serde_yaml
//! (libyaml underneath) spends about 100,000 instructions on such ten lines, as much as
//! converting a short body; a post's front matter is read at least twice (the input, then the
//! edited text checked back). This reader handles that shape in one scan and answers
//! `None` for anything else (comments, anchors, flow collections, block scalars, escapes,
//! numbers, nested mappings, continuation lines, odd characters), which the caller then
//! hands to serde_yaml. When it answers, the value is the one serde_yaml would give: the
//! corpus, the unit tests below and the `frontmatter` fuzz target compare the two.

use serde_yaml::{Mapping, Value};

/// The longest key libyaml takes as a simple key is 1024 characters; keep well inside.
const MAX_KEY: usize = 512;

/// The mapping (or `Null` for an empty text) serde_yaml would read from `text`, when `text`
/// has the plain shape this reader knows; `None` otherwise (including every text serde_yaml
/// would refuse).
pub fn read(text: &str) -> Option<Value> {
    if !plain_text(text) {
        return None;
    }
    let mut map = Mapping::new();
    let mut lines = crate::lines::split_lf(text).peekable();
    while let Some(line) = lines.next() {
        if is_blank(line) {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") {
            // Document markers (when a space or the end follows; refused either way).
            return None;
        }
        let (key, rest) = split_key(line)?;
        if map.contains_key(key) {
            // serde_yaml refuses duplicate keys: let it say so.
            return None;
        }
        let value = if rest.is_empty() {
            // A list on the next lines, or nothing.
            let mut items = Vec::new();
            let mut indent = None;
            while let Some(next) = lines.peek() {
                if is_blank(next) {
                    lines.next();
                    continue;
                }
                let spaces = next.len() - next.trim_start_matches(' ').len();
                let Some(item) = next[spaces..].strip_prefix("- ") else {
                    if spaces > 0 || next.starts_with('-') {
                        // A nested mapping, a continuation line, `-` alone: not ours.
                        return None;
                    }
                    break;
                };
                if *indent.get_or_insert(spaces) != spaces {
                    return None;
                }
                items.push(item_scalar(item)?);
                lines.next();
            }
            if items.is_empty() {
                Value::Null
            } else {
                Value::Sequence(items)
            }
        } else {
            scalar(rest)?
        };
        // A line after a scalar that starts with a space continues it, or nests: not ours.
        if let Some(next) = lines.peek()
            && next.starts_with(' ')
            && !is_blank(next)
        {
            return None;
        }
        map.insert(Value::String(key.to_owned()), value);
    }
    if map.is_empty() {
        // Blank lines only: serde_yaml reads an empty document as null.
        return Some(Value::Null);
    }
    Some(Value::Mapping(map))
}

/// Characters libyaml reads as themselves everywhere: printable, no tab or CR, no line
/// break other than LF (YAML 1.1 also breaks lines at U+0085, U+2028, U+2029), no BOM. The
/// definition [`plain_text`] is tested against.
#[cfg(test)]
fn plain_char(c: char) -> bool {
    match c {
        '\n' => true,
        '\u{20}'..='\u{7E}' => true,
        '\u{A0}'..='\u{D7FF}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{E000}'..='\u{FFFD}' => c != '\u{FEFF}',
        '\u{10000}'..='\u{10FFFF}' => true,
        _ => false,
    }
}

/// `text.chars().all(plain_char)`, by bytes: ASCII is looked at one byte at a time, and of
/// the rest only the sequences of the refused characters (C1 controls `C2 80..9F`, U+2028 and
/// U+2029 `E2 80 A8/A9`, the BOM `EF BB BF`, U+FFFE and U+FFFF `EF BF BE/BF`) are looked for,
/// without decoding every character.
fn plain_text(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            if !(c == b'\n' || (0x20..=0x7E).contains(&c)) {
                return false;
            }
            i += 1;
            continue;
        }
        // `text` is UTF-8: `c` leads a sequence whose bytes follow.
        let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
        match c {
            0xC2 if next(1) < 0xA0 => return false,
            0xE2 if next(1) == 0x80 && matches!(next(2), 0xA8 | 0xA9) => return false,
            0xEF if next(1) == 0xBB && next(2) == 0xBF => return false,
            0xEF if next(1) == 0xBF && matches!(next(2), 0xBE | 0xBF) => return false,
            _ => {}
        }
        i += match c {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    true
}

fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ')
}

/// `key: rest` at the start of a line: the key (a plain string) and the rest, trimmed.
fn split_key(line: &str) -> Option<(&str, &str)> {
    let colon = line.find(':')?;
    let key = &line[..colon];
    let after = &line[colon + 1..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    if key.is_empty()
        || key.len() > MAX_KEY
        || key.ends_with(' ')
        || key.contains(['#', '[', ']', '{', '}', ',', '<'])
        || !starts_plain(key)
        || !surely_not_number(key)
        || !matches!(resolve(key), Value::String(_))
    {
        return None;
    }
    Some((key, after.trim_matches(' ')))
}

/// The scalar of a list item (`- ` taken off).
fn item_scalar(item: &str) -> Option<Value> {
    let item = item.trim_matches(' ');
    if item.is_empty() {
        return None;
    }
    scalar(item)
}

/// One scalar on one line, trimmed of spaces: single-quoted, double-quoted without escapes,
/// or plain. `None` for anything that is not a complete scalar of that kind.
fn scalar(s: &str) -> Option<Value> {
    match s.as_bytes()[0] {
        b'\'' => {
            let body = &s[1..];
            let mut out = String::with_capacity(body.len());
            let mut rest = body;
            loop {
                let quote = rest.find('\'')?;
                out.push_str(&rest[..quote]);
                rest = &rest[quote + 1..];
                if let Some(after) = rest.strip_prefix('\'') {
                    out.push('\'');
                    rest = after;
                } else {
                    break;
                }
            }
            // Only the end of the line may follow (spaces were trimmed).
            rest.is_empty().then_some(Value::String(out))
        }
        b'"' => {
            let body = &s[1..];
            let quote = body.find('"')?;
            let content = &body[..quote];
            (!content.contains('\\') && quote + 1 == body.len())
                .then(|| Value::String(content.to_owned()))
        }
        _ => {
            if !starts_plain(s)
                || !surely_not_number(s)
                || s.contains(": ")
                || s.ends_with(':')
                || s.contains(" #")
            {
                return None;
            }
            // Flow indicators are text in block context, but keep to the common case.
            if s.contains(['[', ']', '{', '}']) {
                return None;
            }
            Some(resolve(s))
        }
    }
}

/// A plain scalar may not start with an indicator (or `-`, `?`, `:`, which start one when a
/// space follows; refused either way here).
fn starts_plain(s: &str) -> bool {
    !s.starts_with([
        '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
        '`', ' ',
    ])
}

/// What serde_yaml makes of a plain scalar, for the ones this reader answers: null, a
/// boolean, or a string. Anything that could be a number (it starts with a digit, a sign or
/// a dot, and holds only characters a number can) stays with serde_yaml.
fn resolve(s: &str) -> Value {
    match s {
        "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => Value::String(s.to_owned()),
    }
}

/// Whether [`resolve`] may answer for `s`: true unless `s` could read as a number. serde_yaml
/// tries Rust's integer parsers (decimal, and `0x`/`0o`/`0b` after an optional sign) and
/// `f64`'s (plus `.inf`/`.nan`); this says "maybe" for anything one of them might take, so
/// `2022-02-01` and `36kr` are strings here and `1e3`, `007`, `0x1F`, `.5` stay with serde_yaml.
fn surely_not_number(s: &str) -> bool {
    if !s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        // No integer or float text starts otherwise (`inf` and `nan` are not finite, which
        // serde_yaml reads as strings).
        return true;
    }
    let unsigned = s.strip_prefix(['+', '-']).unwrap_or(s);
    if unsigned.starts_with(['.', '+', '-'])
        || unsigned.starts_with("0x")
        || unsigned.starts_with("0o")
        || unsigned.starts_with("0b")
    {
        return false;
    }
    s.parse::<f64>().is_err() && s.parse::<i128>().is_err() && s.parse::<u128>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serde(text: &str) -> Option<Value> {
        serde_yaml::from_str::<Value>(text).ok()
    }

    #[test]
    fn plain_text_is_plain_char_for_every_character() {
        // Every code point, alone and between ASCII and CJK neighbours.
        for cp in (0..=0x10FFFFu32).step_by(1) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            if cp > 0x3000 && cp < 0xFD00 && cp % 97 != 0 {
                continue; // the middle of the BMP holds nothing special: sample it
            }
            for s in [c.to_string(), format!("a{c}中"), format!("{c}{c}\n")] {
                assert_eq!(plain_text(&s), s.chars().all(plain_char), "{cp:X}");
            }
        }
    }

    /// Where the reader answers, serde_yaml answers the same, and the YAML guard (which
    /// `FrontMatter::parse` skips for such text) lets the text through.
    fn agrees(text: &str) -> bool {
        match read(text) {
            Some(v) => {
                assert_eq!(Some(&v), serde(text).as_ref(), "{text:?}");
                assert_eq!(crate::yaml_guard::check(text), Ok(()), "{text:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_the_common_shape_as_serde_yaml_does() {
        let text = "title: '+SaaS还是SaaS+？''引号'''\ncategories: \n - 新媒体\n - 'a b'\n\
                    headimg: 'https://x/y.jpg'\nauthor: 人人都是产品经理\ncomments: false\n\
                    date: Tue, 01 Feb 2022 00:00:00 GMT\nlink: https://a.example/p?q=1#frag\n\
                    tags:\n- x\n-  y  \nempty:\nnone: ~\nq: \"double quoted\"\n\
                    stamp: 2022-02-01 10:00:00\n\n";
        assert!(agrees(text));
        assert!(agrees(""));
        assert!(agrees("\n  \n"));
        assert!(agrees("a b: c d  \nT: True\nn: NULL\ns: ''\nd: \"\"\n"));
        assert!(agrees("x: a#b\ny: 12:30\nz: 1a b\nw: Infinity\nv: yes\n"));
        assert!(agrees("d: 2022-02-01\nc:\n - 36kr\n - 10x\n"));
    }

    #[test]
    fn declines_what_it_does_not_know() {
        for text in [
            "a: 1\n",
            "a: -1\n",
            "a: .5\n",
            "a: 0x1F\n",
            "a: 1e3\n",
            "a: 007\n",
            "a: +5\n",
            "1: a\n",
            "true: a\n",
            "a: b\na: c\n",
            "a: b # comment\n",
            "# comment\na: b\n",
            "a: 'x\n  y'\n",
            "a: x\n  y\n",
            "a:\n  b: c\n",
            "a:\n - x\n  - y\n",
            "a:\n -\n",
            "a: [1, 2]\n",
            "a: {b: c}\n",
            "a: &x b\nc: *x\n",
            "a: !!str b\n",
            "a: |\n  b\n",
            "a: \"b\\n\"\n",
            "a: 'b' c\n",
            "a: b: c\n",
            "a:b\n",
            "'a': b\n",
            "<<: b\n",
            "---\na: b\n",
            "... a: b\n",
            "a: b\n...\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: \u{85}b\n",
            "a: \u{2028}\n",
            "\u{feff}a: b\n",
            "- a\n",
            "a\n",
            "a : b\n",
        ] {
            assert_eq!(read(text), None, "{text:?}");
        }
    }

    /// Every line shape the reader knows, in many combinations with tricky values: where it
    /// answers, serde_yaml agrees (so where serde_yaml refuses, it declines).
    #[test]
    fn never_disagrees_with_serde_yaml() {
        let values = [
            "",
            " ",
            "v",
            "'q'",
            "'it''s'",
            "\"dq\"",
            "\"a\\b\"",
            "true",
            "False",
            "null",
            "~",
            "1",
            "-2",
            "0o7",
            "007",
            "1e3",
            ".inf",
            "+.5",
            "a: b",
            "a:b",
            "a #b",
            "a#b",
            "[x]",
            "{x}",
            "x]",
            "'unterminated",
            "\"un",
            "- x",
            "-x",
            "? x",
            "中文 标题",
            "  spaced  ",
            "Tue, 01 Feb 2022",
            "2022-02-01 10:00:00+08:00",
            "&a",
            "*a",
            "!t",
            "%p",
            "@x",
            "`x`",
            "|",
            ">",
            "a'b",
            "a\"b",
            "''",
            "'a' ",
            "' a '",
            "a\u{a0}",
            "'\u{85}'",
        ];
        let mut answered = 0;
        let mut n = 0u32;
        for v1 in values {
            for v2 in values {
                for shape in 0..6 {
                    n += 1;
                    let text = match shape {
                        0 => format!("a: {v1}\nb: {v2}\n"),
                        1 => format!("a:\n - {v1}\n - {v2}\nc: x\n"),
                        2 => format!("a:\n- {v1}\n\n- {v2}\n"),
                        3 => format!("{v1}: {v2}\n"),
                        4 => format!("a: {v1}\n {v2}\n"),
                        _ => format!("k{}: {v1}\nk: {v2}", n % 3),
                    };
                    if let Some(v) = read(&text) {
                        answered += 1;
                        assert_eq!(Some(&v), serde(&text).as_ref(), "{text:?}");
                    }
                }
            }
        }
        // The test compares real answers, not only refusals.
        assert!(answered > 1500, "{answered}");
    }
}
