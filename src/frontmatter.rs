//! Front matter as text that can be edited field by field.
//!
//! Users hand-write front matter, with comments, key order and quoting styles of their own.
//! Re-serializing the whole mapping would turn a one-field change into a rewrite of every
//! line, so this module keeps the original text and edits only the lines of the fields a rule
//! touches. The YAML is parsed once (serde_yaml) to validate it and to read values; the text
//! spans of top-level fields are found by their column-0 key lines.

use serde_yaml::{Mapping, Value};
use std::fmt;

/// Front matter text plus its parsed top-level mapping, kept in step by every edit.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    text: String,
    values: Mapping,
}

/// Invalid YAML, with a position relative to the front matter text (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

impl FrontMatter {
    /// Parse front matter text (without fences). An empty text is an empty mapping.
    pub fn parse(text: &str) -> Result<Self, YamlError> {
        let value: Value = serde_yaml::from_str(text).map_err(|e| {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            // serde_yaml appends " at line L column C"; we report the position separately.
            let mut message = e.to_string();
            if let Some(i) = message.find(" at line ") {
                message.truncate(i);
            }
            if message.contains("end of stream") {
                message.push_str(" (a quote or bracket opened earlier is probably not closed)");
            }
            YamlError {
                line,
                column,
                message,
            }
        })?;
        let values = match value {
            Value::Mapping(m) => m,
            Value::Null => Mapping::new(),
            _ => {
                return Err(YamlError {
                    line: 1,
                    column: 1,
                    message: "front matter is not a mapping of `field: value` lines".into(),
                });
            }
        };
        let mut text = text.to_owned();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(FrontMatter { text, values })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// Top-level field names in document order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().filter_map(Value::as_str)
    }

    /// Remove a field and its lines. Returns whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        if self.values.remove(key).is_none() {
            return false;
        }
        if let Some(span) = self.span(key) {
            self.text.replace_range(span.start..span.end, "");
        }
        true
    }

    /// Set a field: its lines are replaced in place, or appended when it is new.
    /// Returns whether anything changed.
    pub fn set(&mut self, key: &str, value: Value) -> bool {
        if self.values.get(key) == Some(&value) {
            return false;
        }
        let mut one = Mapping::new();
        one.insert(Value::String(key.to_owned()), value.clone());
        let lines = serde_yaml::to_string(&one).unwrap_or_default();
        match self.span(key) {
            Some(span) => self.text.replace_range(span.start..span.end, &lines),
            None => self.text.push_str(&lines),
        }
        self.values.insert(Value::String(key.to_owned()), value);
        true
    }

    /// Rename a field in place, keeping its value text. An existing `to` field is replaced.
    pub fn rename(&mut self, from: &str, to: &str) -> bool {
        let Some(value) = self.values.get(from).cloned() else {
            return false;
        };
        if from == to {
            return false;
        }
        self.remove(to);
        let Some(span) = self.span(from) else {
            return false;
        };
        let key = serde_yaml::to_string(&Value::String(to.to_owned())).unwrap_or_default();
        self.text
            .replace_range(span.start..span.start + span.key_len, key.trim_end());
        // Keep the mapping order: replace the key at the same position.
        let old = std::mem::take(&mut self.values);
        for (k, v) in old {
            if k.as_str() == Some(from) {
                self.values
                    .insert(Value::String(to.to_owned()), value.clone());
            } else {
                self.values.insert(k, v);
            }
        }
        true
    }

    /// Byte span of a top-level field: its key line plus the lines that continue its value.
    fn span(&self, key: &str) -> Option<Span> {
        let mut found: Option<Span> = None;
        let mut pos = 0;
        for line in self.text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            if let Some(span) = found.as_mut() {
                if is_continuation(line) {
                    span.end = pos;
                    continue;
                }
                // Trailing blank or comment lines stay with what follows.
                return Some(trim_trailing_blank(&self.text, *span));
            }
            if let Some((k, key_len)) = top_level_key(line)
                && k == key
            {
                found = Some(Span {
                    start,
                    end: pos,
                    key_len,
                });
            }
        }
        found.map(|s| trim_trailing_blank(&self.text, s))
    }
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    key_len: usize,
}

/// A line that belongs to the value above it: indented, a column-0 sequence item, or blank.
fn is_continuation(line: &str) -> bool {
    let first = line.as_bytes().first().copied();
    match first {
        None | Some(b' ' | b'\t' | b'\n' | b'\r') => true,
        Some(b'-') => {
            !line.starts_with("---")
                && (line.len() == 1 || line.as_bytes()[1].is_ascii_whitespace())
        }
        Some(b'#') => true,
        _ => false,
    }
}

/// Keep blank and comment lines at the end of a span out of it.
fn trim_trailing_blank(text: &str, mut span: Span) -> Span {
    loop {
        let slice = &text[span.start..span.end];
        let without_last = slice[..slice.len().saturating_sub(1)].rfind('\n');
        let Some(i) = without_last else { return span };
        let last = slice[i + 1..].trim_start();
        if last.trim().is_empty() || last.starts_with('#') {
            span.end = span.start + i + 1;
        } else {
            return span;
        }
    }
}

/// The key of a column-0 `key: value` line and the byte length of the key token.
fn top_level_key(line: &str) -> Option<(String, usize)> {
    let bytes = line.as_bytes();
    match bytes.first()? {
        b' ' | b'\t' | b'#' | b'-' | b'\r' | b'\n' | b'?' | b'[' | b'{' => return None,
        _ => {}
    }
    let key_len = if bytes[0] == b'"' || bytes[0] == b'\'' {
        let quote = bytes[0];
        let mut i = 1;
        loop {
            match bytes.get(i)? {
                b'\\' if quote == b'"' => i += 2,
                &c if c == quote => {
                    if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                    } else {
                        break i + 1;
                    }
                }
                _ => i += 1,
            }
        }
    } else {
        // A plain key ends at the first `:` followed by a space or the line end.
        let mut i = 0;
        loop {
            let c = *bytes.get(i)?;
            if c == b':' && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) {
                break i;
            }
            i += 1;
        }
    };
    let rest = line[key_len..].trim_start_matches([' ', '\t']);
    if !rest.starts_with(':') {
        return None;
    }
    let token = &line[..key_len];
    let key = match serde_yaml::from_str::<Value>(token) {
        Ok(Value::String(s)) => s,
        _ => token.trim_end().to_owned(),
    };
    Some((key, key_len))
}

/// A YAML value as plain text, for matching: strings as they are, lists joined by spaces.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Sequence(items) => items.iter().map(value_text).collect::<Vec<_>>().join(" "),
        Value::Null => String::new(),
        Value::Tagged(t) => value_text(&t.value),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEXO: &str = "title: 'a: b'\ncategories: \n - 金融\n - 新浪财经\nheadimg: 'x/343233024.png'\n# note\ndate: Fri, 13 Aug 2021 07:51:58 GMT\nthumbnail: 'x/343233024.png'\n";

    #[test]
    fn remove_keeps_other_lines_byte_identical() {
        let mut fm = FrontMatter::parse(HEXO).unwrap();
        assert!(fm.remove("headimg"));
        assert!(fm.remove("categories"));
        assert!(!fm.remove("nope"));
        assert_eq!(
            fm.text(),
            "title: 'a: b'\n# note\ndate: Fri, 13 Aug 2021 07:51:58 GMT\nthumbnail: 'x/343233024.png'\n"
        );
    }

    #[test]
    fn set_replaces_in_place_or_appends() {
        let mut fm = FrontMatter::parse(HEXO).unwrap();
        assert!(fm.set("date", Value::String("2021-08-13 15:51:58".into())));
        assert!(!fm.set("date", Value::String("2021-08-13 15:51:58".into())));
        assert!(fm.set("editor", Value::String("李墨轩".into())));
        assert!(
            fm.text()
                .contains("# note\ndate: 2021-08-13 15:51:58\nthumbnail")
        );
        assert!(fm.text().ends_with("editor: 李墨轩\n"));
        FrontMatter::parse(fm.text()).unwrap();
    }

    #[test]
    fn rename_keeps_value_text() {
        let mut fm = FrontMatter::parse("headimg: 'a.png' # cover\ntitle: t\n").unwrap();
        assert!(fm.rename("headimg", "cover"));
        assert_eq!(fm.text(), "cover: 'a.png' # cover\ntitle: t\n");
        assert_eq!(fm.keys().collect::<Vec<_>>(), ["cover", "title"]);
    }

    #[test]
    fn bad_yaml_has_position() {
        let err = FrontMatter::parse("title: a\ndate: [1, 2\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
        let err = FrontMatter::parse("- a\n- b\n").unwrap_err();
        assert!(err.message.contains("not a mapping"));
    }

    #[test]
    fn quoted_keys() {
        let mut fm = FrontMatter::parse("\"a b\": 1\n'c': 2\n").unwrap();
        assert!(fm.remove("a b"));
        assert_eq!(fm.text(), "'c': 2\n");
    }
}
