//! Writing YAML values that every generator's reader reads back as what was meant.
//!
//! A value is written once and read by many: serde_yaml (postscrub itself), js-yaml (Hexo,
//! through hexo-front-matter), Ruby's Psych (Jekyll) and Go's yaml reader (Hugo). They do not
//! agree on what a plain scalar means: `no` and `on` are booleans to Psych and Hugo (YAML 1.1)
//! and strings to js-yaml and serde_yaml (YAML 1.2); `1e3` is a number to js-yaml and a string to
//! Psych; `:a` is a Ruby symbol, which Jekyll refuses; `2021-01-01` is a date to js-yaml and
//! Psych. A string is therefore written plain only when *every* reader gives it back as that
//! string, and quoted otherwise. The rules here were found by asking the readers themselves:
//! `scripts/yaml-readers` writes their verdicts for ~1500 strings to
//! `tests/fixtures/yaml/plain-scalars.tsv`, and `tests/yaml_scalars.rs` holds [`needs_quotes`]
//! to exactly those verdicts.

use serde_yaml::Value;
use std::fmt::Write as _;
use std::sync::LazyLock;

/// Whether some reader would not read `s`, written as a plain scalar after `key: `, back as the
/// string `s`. Strings that cannot be plain at all (line breaks, control characters) count too.
pub fn needs_quotes(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return true; // `key:` is null
    };
    let last = s.chars().next_back().unwrap_or(first);
    if matches!(first, ' ' | '\t') || matches!(last, ' ' | '\t' | ':') {
        return true;
    }
    if s.chars().any(needs_escape) {
        return true;
    }
    // Indicators that start something other than a plain scalar. `-` and `?` start a plain
    // scalar when a non-space follows; `:` would too, but Psych reads `:a` as a Ruby symbol.
    let second = s[first.len_utf8()..].chars().next();
    match first {
        ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
        | '@' | '`' | ':' => return true,
        '-' | '?' if second.is_none_or(|c| c == ' ' || c == '\t') => return true,
        _ => {}
    }
    // A mapping (`a: b`) or a comment (`a #b`) inside.
    if s.contains(": ") || s.contains(":\t") || s.contains(" #") || s.contains("\t#") {
        return true;
    }
    OTHER_TYPE.is_match(s)
}

/// Plain scalars that some reader resolves to another type: null, booleans (YAML 1.1 and 1.2,
/// any case, as Psych matches them), numbers (with `_` and `,` as Psych and Go allow them, bases
/// 2, 8 and 16, YAML 1.1 sexagesimal), special floats, dates and timestamps.
static OTHER_TYPE: LazyLock<regex::Regex> = LazyLock::new(|| {
    let alternatives = [
        // null and booleans
        r"(?i:~|null|true|false|yes|no|on|off|y|n)",
        // integers: decimal (leading zeros are octal to some), binary, octal, hexadecimal
        r"[-+]?[0-9](?:[0-9_]|,[0-9])*",
        r"[-+]?0[0-7_,]+",
        r"[-+]?0b[01_,]+",
        r"[-+]?0o[0-7_]+",
        r"[-+]?0[xX][0-9a-fA-F_,]+",
        // sexagesimal (YAML 1.1): 12:30, 190:20:30, 1:20.5
        r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9]){1,2}(?:\.[0-9_]*)?",
        // floats: 1.5, .5, 5., 1e3, 1.e3
        r"[-+]?(?:[0-9][0-9_,]*\.[0-9_]*|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?",
        r"[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+",
        r"[-+]?(?i:\.inf)",
        r"(?i:\.nan)",
        // dates and timestamps
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::?[0-9]{2})?))?",
    ];
    let pattern = format!("^(?:{})$", alternatives.join("|"));
    regex::Regex::new(&pattern).expect("the scalar-type pattern is valid")
});

/// Characters a plain or single-quoted scalar cannot hold as themselves: line breaks (YAML 1.1
/// also breaks lines at NEL, LS and PS), other control characters, a byte-order mark, and the
/// noncharacters U+FFFE and U+FFFF.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// `s` as a YAML scalar that every reader reads back as `s`: plain when that is safe, else
/// single-quoted, else (line breaks, control characters) double-quoted with escapes.
pub fn scalar(s: &str) -> String {
    if !needs_quotes(s) {
        return s.to_owned();
    }
    if !s.chars().any(needs_escape) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as a top-level key: as [`scalar`], and quoted when it starts with `---` or `...`, which
/// at the start of a line end the document.
pub fn key_scalar(s: &str) -> String {
    if !needs_quotes(s) && (s.starts_with("---") || s.starts_with("...")) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    scalar(s)
}

/// The lines of `key: value` (block style, ending with a line break), for a top-level field.
/// Strings anywhere in the value are written with [`scalar`]; numbers, booleans and null as
/// serde_yaml writes them; tagged values by serde_yaml.
pub fn field(key: &str, value: &Value) -> String {
    let mut out = key_scalar(key);
    out.push(':');
    block(value, 0, &mut out);
    out
}

/// Append `value` after a `key:` or `-` that is already written, at nesting `indent`.
fn block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 2);
    match value {
        Value::Sequence(items) if !items.is_empty() => {
            out.push('\n');
            for item in items {
                out.push_str(&pad);
                out.push('-');
                block(item, indent + 2, out);
            }
        }
        Value::Mapping(map) if !map.is_empty() => {
            out.push('\n');
            for (k, v) in map {
                out.push_str(&pad);
                out.push_str(&inline_scalar(k));
                out.push(':');
                block(v, indent + 2, out);
            }
        }
        other => {
            out.push(' ');
            out.push_str(&inline_scalar(other));
            out.push('\n');
        }
    }
}

/// A value that fits on one line: a scalar, an empty collection, or serde_yaml's flow form.
fn inline_scalar(value: &Value) -> String {
    match value {
        Value::String(s) => scalar(s),
        Value::Sequence(s) if s.is_empty() => "[]".into(),
        Value::Mapping(m) if m.is_empty() => "{}".into(),
        other => {
            // Numbers, booleans, null: serde_yaml's one-token form. Tagged and complex values
            // (rare in front matter) as serde_yaml writes them, which it reads back itself.
            let text = serde_yaml::to_string(other).unwrap_or_default();
            let text = text.strip_prefix("---\n").unwrap_or(&text).trim_end();
            if text.contains('\n') {
                serde_json::to_string(&serde_json::to_value(other).unwrap_or_default())
                    .unwrap_or_default()
            } else {
                text.to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_readers_would_retype() {
        for s in [
            "",
            "no",
            "On",
            "y",
            "null",
            "~",
            "1e3",
            "0x1F",
            "2021-01-01",
            "*a",
            "&a",
            "!a",
            "%a",
            "@a",
            "`a",
            "a: b",
            "a #b",
            " a",
            "a ",
            ":a",
            "- a",
            "12:30",
            "1_000",
            "1,000",
        ] {
            assert!(needs_quotes(s), "{s:?}");
        }
        for s in [
            "梁斌",
            "a:b",
            "a#b",
            "C#",
            "-a",
            "?a",
            "a - b",
            "Nope",
            "yesterday",
            "100%直接通邮！",
            "Fri, 13 Aug 2021 07:51:58 GMT",
            "<<",
            "=",
            "---",
            "\u{3000}a",
        ] {
            assert!(!needs_quotes(s), "{s:?}");
        }
    }

    #[test]
    fn writes_quoted_forms() {
        assert_eq!(scalar("no"), "'no'");
        assert_eq!(scalar("it's: x"), "'it''s: x'");
        assert_eq!(scalar("a\nb"), "\"a\\nb\"");
        assert_eq!(scalar("a\u{7}\u{2028}\"\\"), "\"a\\u0007\\u2028\\\"\\\\\"");
        assert_eq!(scalar("plain"), "plain");
    }

    #[test]
    fn writes_fields_in_block_style() {
        let v: Value = serde_yaml::from_str("[a, 'no', {k: 'on', n: 1}, [x], [], {}]").unwrap();
        let text = field("tags", &v);
        assert_eq!(
            text,
            "tags:\n  - a\n  - 'no'\n  -\n    k: 'on'\n    'n': 1\n  -\n    - x\n  - []\n  - {}\n"
        );
        let back: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back.get("tags"), Some(&v));
        assert_eq!(field("yes", &Value::Bool(true)), "'yes': true\n");
        assert_eq!(field("n", &Value::Null), "'n': null\n");
        assert_eq!(field("note", &Value::Null), "note: null\n");
    }
}
