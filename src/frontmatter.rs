//! Front matter as text that can be edited field by field.
//!
//! Users hand-write front matter, with comments, key order and quoting styles of their own.
//! Re-serializing the whole mapping would turn a one-field change into a rewrite of every
//! line, so this module keeps the original text and edits only the lines of the fields a rule
//! touches. The YAML is parsed once (serde_yaml) to validate it and to read values; the text
//! span of a top-level field is found from the YAML layout ([`crate::yaml_scan`]: quoted and
//! flow values over several lines, block scalars, nested blocks, comments). Every edit is
//! parsed back and must give exactly the intended mapping, in order, or it is refused and the
//! text stays as it was: an edit can fail, but never corrupt the front matter.

use crate::{yaml_fast, yaml_guard, yaml_scan};
use serde_yaml::{Mapping, Value};
use std::cell::OnceCell;
use std::fmt;

/// Front matter text plus its parsed top-level mapping, kept in step by every edit.
#[derive(Debug, Clone)]
pub struct FrontMatter {
    text: String,
    values: Mapping,
    /// Edits are checked once, by [`FrontMatter::check_deferred`], not one by one.
    defer: bool,
    /// An edit was taken unchecked since the last check.
    unchecked: bool,
    /// The top-level fields of `text`, read from its layout on the first question after each
    /// change: a post's rules ask for field lines and spans many times between edits, and
    /// reading the layout each time was most of their cost.
    layout: OnceCell<Vec<Field>>,
}

/// Front matter that cannot be used, with a position relative to its text (1-based) and a
/// message that says what is wrong and what to do.
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

/// The YAML of `text`: the plain shape nearly every post has is read by [`yaml_fast`], which
/// gives what serde_yaml gives; anything else (and every error) by serde_yaml.
fn read_yaml(text: &str) -> Result<Value, serde_yaml::Error> {
    match yaml_fast::read(text) {
        Some(value) => Ok(value),
        None => serde_yaml::from_str(text),
    }
}

impl FrontMatter {
    /// Parse front matter text (without fences). An empty text is an empty mapping.
    pub fn parse(text: &str) -> Result<Self, YamlError> {
        // Plain front matter (what `yaml_fast` answers for) is a mapping of scalars and lists
        // of scalars, without an anchor or alias: always within the guard's bounds (tested).
        let value = match yaml_fast::read(text) {
            Some(value) => value,
            None => {
                if let Err(e) = yaml_guard::check(text) {
                    return Err(YamlError {
                        line: e.line,
                        column: e.column,
                        message: format!(
                            "front matter {e}: simplify it (no post needs such structure)"
                        ),
                    });
                }
                serde_yaml::from_str(text).map_err(|e| yaml_error(text, &e))?
            }
        };
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
        Ok(FrontMatter {
            text,
            values,
            defer: false,
            unchecked: false,
            layout: OnceCell::new(),
        })
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
    pub fn remove(&mut self, key: &str) -> Result<bool, EditError> {
        if !self.values.contains_key(key) {
            return Ok(false);
        }
        let mut values = self.values.clone();
        values.shift_remove(key);
        let Some(span) = self.span(key) else {
            return Err(EditError {
                field: key.to_owned(),
                message: "cannot find the field's lines to remove them".into(),
            });
        };
        let mut text = self.text.clone();
        text.replace_range(span.start..span.end, "");
        let Err(e) = self.commit(key, text, values.clone()) else {
            return Ok(true);
        };
        // The blank and comment lines after the field can change the value before it once the
        // field is gone (a `|+` block scalar keeps blank lines): take them too.
        if span.until_next > span.end {
            let mut text = self.text.clone();
            text.replace_range(span.start..span.until_next, "");
            if self.commit(key, text, values).is_ok() {
                return Ok(true);
            }
        }
        Err(e)
    }

    /// Set a field: its lines are replaced in place, or appended when it is new.
    /// Returns whether anything changed.
    pub fn set(&mut self, key: &str, value: Value) -> Result<bool, EditError> {
        if self.values.get(key) == Some(&value) {
            return Ok(false);
        }
        let lines = crate::yaml_write::field(key, &value);
        self.replace_lines(key, lines, value)
    }

    /// Set a field to a scalar written exactly as `scalar` (e.g. a date, which must stay an
    /// unquoted timestamp for the generator), which must read back as `value`. Returns whether
    /// the field's text changed: the same value written another way (quoted or not) is a change.
    pub fn set_scalar(&mut self, key: &str, scalar: &str, value: Value) -> Result<bool, EditError> {
        if self.values.get(key) == Some(&value) && self.scalar_text(key) == Some(scalar) {
            return Ok(false);
        }
        let lines = format!("{}: {scalar}\n", crate::yaml_write::key_scalar(key));
        self.replace_lines(key, lines, value)
    }

    /// The text of a top-level field's value when it is one scalar on the key's line (plain or
    /// quoted, without a trailing comment); `None` for anything else.
    pub fn scalar_text(&self, key: &str) -> Option<&str> {
        let span = self.span(key)?;
        let end = span.comment.unwrap_or(span.end).min(span.end);
        let after = self.text[span.key.1..end].strip_prefix(':')?;
        let value = after.trim();
        if value.is_empty()
            || value.contains('\n')
            || (span.comment.is_none() && self.text[span.key.1..span.end].trim_end().contains('\n'))
        {
            return None;
        }
        Some(value)
    }

    /// Replace a field's lines with `lines` (or append them), to give `value`.
    fn replace_lines(
        &mut self,
        key: &str,
        mut lines: String,
        value: Value,
    ) -> Result<bool, EditError> {
        let mut text = self.text.clone();
        match self.span(key) {
            Some(span) => {
                // A one-line field keeps its trailing comment when its new value is one line.
                if let Some(comment) = span.comment
                    && lines.matches('\n').count() == 1
                    && !text[span.start..span.end].trim_end().contains('\n')
                {
                    lines.truncate(lines.len() - 1);
                    lines.push(' ');
                    lines.push_str(text[comment..].lines().next().unwrap_or_default());
                    lines.push('\n');
                }
                text.replace_range(span.start..span.end, &lines);
            }
            None => text.push_str(&lines),
        }
        let mut values = self.values.clone();
        values.insert(Value::String(key.to_owned()), value);
        self.commit(key, text, values)?;
        Ok(true)
    }

    /// Rename a field in place, keeping its value text. An existing `to` field is replaced.
    pub fn rename(&mut self, from: &str, to: &str) -> Result<bool, EditError> {
        let Some(value) = self.values.get(from).cloned() else {
            return Ok(false);
        };
        if from == to {
            return Ok(false);
        }
        let before = (self.text.clone(), self.values.clone());
        self.remove(to)?;
        let Some(span) = self.span(from) else {
            self.restore(before);
            return Err(EditError {
                field: from.to_owned(),
                message: "cannot find the field's line to rename it".into(),
            });
        };
        let key = crate::yaml_write::key_scalar(to);
        let mut text = self.text.clone();
        text.replace_range(span.key.0..span.key.1, &key);
        // Keep the mapping order: replace the key at the same position.
        let mut values = Mapping::new();
        for (k, v) in &self.values {
            if k.as_str() == Some(from) {
                values.insert(Value::String(to.to_owned()), value.clone());
            } else {
                values.insert(k.clone(), v.clone());
            }
        }
        if let Err(e) = self.commit(from, text, values) {
            self.restore(before);
            return Err(e);
        }
        Ok(true)
    }

    /// From now on, take edits without parsing each back; [`FrontMatter::check_deferred`]
    /// parses the result once. A post's rules make several edits, and parsing the whole front
    /// matter back after each was most of the cost of its front-matter rules.
    pub fn defer_checks(&mut self) {
        self.defer = true;
    }

    /// Ends [`FrontMatter::defer_checks`]: true when the text reads back as exactly the
    /// intended mapping, in order (always, when nothing was edited). On false the edits must
    /// be made again, from a copy taken before and without deferring, so that each is
    /// checked, and refused (or its fallback taken) as usual.
    pub fn check_deferred(&mut self) -> bool {
        self.defer = false;
        if !std::mem::take(&mut self.unchecked) {
            return true;
        }
        match read_yaml(&self.text) {
            Ok(Value::Mapping(m)) => m.iter().eq(self.values.iter()),
            Ok(Value::Null) => self.values.is_empty(),
            _ => false,
        }
    }

    /// Take an edited text if it reads back as exactly the intended mapping, in order.
    fn commit(&mut self, field: &str, text: String, values: Mapping) -> Result<(), EditError> {
        if self.defer {
            self.set_text(text);
            self.values = values;
            self.unchecked = true;
            return Ok(());
        }
        let fail = |message: String| EditError {
            field: field.to_owned(),
            message,
        };
        let parsed = match read_yaml(&text) {
            Ok(Value::Mapping(m)) => m,
            Ok(Value::Null) => Mapping::new(),
            Ok(_) => {
                return Err(fail(
                    "the edited front matter is no longer a mapping".into(),
                ));
            }
            Err(e) => {
                let mut why = e.to_string();
                if let Some(i) = why.find(" at line ") {
                    why.truncate(i);
                }
                return Err(fail(if why.contains("unknown anchor") {
                    "another field is an alias (`*name`) of an anchor in this field, and the edit would break it".into()
                } else {
                    format!("the edited front matter would not parse ({why})")
                }));
            }
        };
        if !parsed.iter().eq(values.iter()) {
            return Err(fail(
                "the edited front matter would read differently from what was intended".into(),
            ));
        }
        self.set_text(text);
        self.values = values;
        Ok(())
    }

    fn set_text(&mut self, text: String) {
        self.text = text;
        self.layout = OnceCell::new();
    }

    fn restore(&mut self, (text, values): (String, Mapping)) {
        self.set_text(text);
        self.values = values;
    }

    /// 0-based line (in the front matter text) of each top-level field, in document order.
    pub fn field_lines(&self) -> Vec<(String, usize)> {
        self.fields()
            .iter()
            .filter_map(|f| Some((f.name.clone()?, f.line)))
            .collect()
    }

    /// Byte span of a top-level field: its key line plus the lines that continue its value.
    fn span(&self, key: &str) -> Option<Span> {
        self.fields()
            .iter()
            .find(|f| f.name.as_deref() == Some(key))
            .map(|f| f.span)
    }

    /// The top-level fields of the text as it is now.
    fn fields(&self) -> &[Field] {
        self.layout.get_or_init(|| self.read_fields())
    }

    /// The top-level fields, from the text's YAML layout.
    fn read_fields(&self) -> Vec<Field> {
        let lines = yaml_scan::lines(&self.text);
        // The top-level mapping's indentation: that of its first key.
        let Some(top) = lines
            .iter()
            .find(|l| !l.continues && !l.blank && !l.comment)
            .map(|l| l.indent)
        else {
            return Vec::new();
        };
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| {
                let l = &lines[i];
                !l.continues && !l.blank && !l.comment && !l.dash && l.indent == top
            })
            .collect();
        let mut fields = Vec::with_capacity(starts.len());
        for (n, &i) in starts.iter().enumerate() {
            let next = starts.get(n + 1).copied().unwrap_or(lines.len());
            // Trailing blank and comment lines stay with what follows, unless they are inside
            // the value (blank lines kept by a `|+` block scalar are its content).
            // Comments indented under the field are its own.
            let mut last = next - 1;
            while last > i
                && !lines[last].continues
                && (lines[last].blank || (lines[last].comment && lines[last].indent <= top))
            {
                last -= 1;
            }
            let until_next = lines[next - 1].next;
            let line = &lines[i];
            let Some((ks, ke)) = line.key else {
                // `? complex key` and the like: a boundary, not a field we can edit.
                fields.push(Field {
                    name: None,
                    line: i,
                    span: Span {
                        start: line.start,
                        end: lines[last].next,
                        key: (line.start, line.start),
                        comment: None,
                        until_next,
                    },
                });
                continue;
            };
            let token = &self.text[ks..ke];
            let name = match token.as_bytes().first() {
                Some(b'"' | b'\'') => match serde_yaml::from_str::<Value>(token) {
                    Ok(Value::String(s)) => s,
                    _ => token.to_owned(),
                },
                _ => token.to_owned(),
            };
            fields.push(Field {
                name: Some(name),
                line: i,
                span: Span {
                    start: line.start,
                    end: lines[last].next,
                    key: (ks, ke),
                    comment: line.comment_at,
                    until_next,
                },
            });
        }
        fields
    }
}

/// A top-level field found in the text.
#[derive(Debug, Clone)]
struct Field {
    name: Option<String>,
    /// 0-based line of its key.
    line: usize,
    span: Span,
}

/// Where a field's text is: its lines, its key token and a comment on its key line.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    key: (usize, usize),
    comment: Option<usize>,
    /// Where the next field starts: the end of the blank and comment lines after this one.
    until_next: usize,
}

/// An edit that would not have given the intended front matter; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub field: String,
    pub message: String,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.message)
    }
}

impl std::error::Error for EditError {}

/// A serde_yaml error as a message that says what to do, at the best position known.
fn yaml_error(text: &str, e: &serde_yaml::Error) -> YamlError {
    let (mut line, mut column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
    // serde_yaml appends " at line L column C"; we report the position separately.
    let mut message = e.to_string();
    if let Some(i) = message.find(" at line ") {
        message.truncate(i);
    }
    let error_line = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    if message.contains("end of stream") {
        message.push_str(" (a quote or bracket opened earlier is probably not closed)");
    } else if message.contains("tab")
        || error_line.trim_end().starts_with([' ', '\t']) && error_line.contains('\t')
    {
        message.push_str(" (a tab in the indentation: YAML indents with spaces only)");
    } else if message.starts_with("control characters") {
        message.push_str(" (remove the control character, e.g. a NUL byte)");
    } else if message.starts_with("repetition limit") {
        message.push_str(
            " (aliases expand to too much data, as in a \"billion laughs\" file: remove the anchors and aliases)",
        );
    } else if let Some(key) = message.strip_prefix("duplicate entry with key ") {
        // serde_yaml points at the mapping; point at the second occurrence instead.
        let key: String = serde_yaml::from_str(key).unwrap_or_else(|_| key.to_owned());
        let lines = yaml_scan::lines(text);
        if let Some(l) = lines
            .iter()
            .filter(|l| {
                l.key
                    .is_some_and(|(s, e)| text[s..e].trim_matches(['"', '\'']) == key)
            })
            .nth(1)
        {
            (line, column) = (l.number, l.indent + 1);
        }
        message.push_str(" (the field appears twice: keep one)");
    }
    YamlError {
        line,
        column,
        message: format!("invalid YAML in front matter: {message}"),
    }
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
        assert!(fm.remove("headimg").unwrap());
        assert!(fm.remove("categories").unwrap());
        assert!(!fm.remove("nope").unwrap());
        assert_eq!(
            fm.text(),
            "title: 'a: b'\n# note\ndate: Fri, 13 Aug 2021 07:51:58 GMT\nthumbnail: 'x/343233024.png'\n"
        );
    }

    #[test]
    fn set_replaces_in_place_or_appends() {
        let mut fm = FrontMatter::parse(HEXO).unwrap();
        let date = || Value::String("2021-08-13 15:51:58".into());
        assert!(
            fm.set_scalar("date", "2021-08-13 15:51:58", date())
                .unwrap()
        );
        assert!(
            !fm.set_scalar("date", "2021-08-13 15:51:58", date())
                .unwrap()
        );
        assert_eq!(fm.scalar_text("date"), Some("2021-08-13 15:51:58"));
        // The same string quoted is another text.
        assert!(
            fm.set_scalar("date", "'2021-08-13 15:51:58'", date())
                .unwrap()
        );
        assert!(!fm.set("date", date()).unwrap());
        assert!(
            fm.set_scalar("date", "2021-08-13 15:51:58", date())
                .unwrap()
        );
        assert!(fm.set("editor", Value::String("李墨轩".into())).unwrap());
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
        assert!(fm.rename("headimg", "cover").unwrap());
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

    fn removed(text: &str, key: &str) -> String {
        let mut fm = FrontMatter::parse(text).unwrap();
        assert!(fm.remove(key).unwrap(), "{key} in {text:?}");
        fm.text().to_owned()
    }

    #[test]
    fn multi_line_values_go_whole() {
        let cases = [
            ("tags: [a,\nb]\nx: 1\n", "x: 1\n"),
            ("tags: \"a\nb\"\nx: 1\n", "x: 1\n"),
            ("tags: 'a''\nb: c'\nx: 1\n", "x: 1\n"),
            ("tags: \"a\\\"\nb: c\"\nx: 1\n", "x: 1\n"),
            ("tags: a\n  b\n  c\nx: 1\n", "x: 1\n"),
            ("tags: |-\n  a\n\n  # not a comment\nx: 1\n", "x: 1\n"),
            ("tags: >+2\n   a\n  b\n\nx: 1\n", "x: 1\n"),
            ("tags:\n- a\n- b: [1,\n2]\n# kept\nx: 1\n", "# kept\nx: 1\n"),
            ("tags: # c\n  k: v\n  # inside\n  j: w\nx: 1\n", "x: 1\n"),
            ("tags: &t !!str \"a\n b\"\nx: 1\n", "x: 1\n"),
            ("tags: {a: 1,\n  b: [2, 3]}\r\nx: 1\r\n", "x: 1\r\n"),
        ];
        for (text, want) in cases {
            assert_eq!(removed(text, "tags"), want, "{text:?}");
        }
    }

    #[test]
    fn an_edit_that_would_change_meaning_is_refused() {
        let mut fm = FrontMatter::parse("a: &x 1\nb: *x\n").unwrap();
        let e = fm.remove("a").unwrap_err();
        assert_eq!(e.field, "a");
        assert!(e.message.contains("alias"), "{e}");
        assert_eq!(fm.text(), "a: &x 1\nb: *x\n");
        assert!(fm.contains("a"));
    }

    #[test]
    fn deferred_checks_catch_what_each_check_would() {
        // A good edit passes the one deferred check, with the same text as checked edits.
        let mut checked = FrontMatter::parse("a: 1\nb: 2\n").unwrap();
        let mut deferred = checked.clone();
        deferred.defer_checks();
        for fm in [&mut checked, &mut deferred] {
            fm.remove("a").unwrap();
            fm.set("c", Value::from(3)).unwrap();
        }
        assert!(deferred.check_deferred());
        assert_eq!(deferred.text(), checked.text());
        // The alias edit that a checked remove refuses is taken, then caught by the check.
        let mut fm = FrontMatter::parse("a: &x 1\nb: *x\n").unwrap();
        fm.defer_checks();
        fm.remove("a").unwrap();
        assert!(!fm.check_deferred());
        // Nothing edited: nothing to parse, and the check holds.
        let mut fm = FrontMatter::parse("a: 1\n").unwrap();
        fm.defer_checks();
        assert!(fm.check_deferred());
    }

    #[test]
    fn set_keeps_a_trailing_comment() {
        let mut fm = FrontMatter::parse("date: x # from the feed\nb: 1\n").unwrap();
        assert!(fm.set("date", Value::String("2021-01-01".into())).unwrap());
        assert_eq!(fm.text(), "date: '2021-01-01' # from the feed\nb: 1\n");
        assert_eq!(fm.scalar_text("date"), Some("'2021-01-01'"));
        assert_eq!(fm.scalar_text("b"), Some("1"));
    }

    #[test]
    fn values_other_readers_would_retype_are_quoted() {
        let mut fm = FrontMatter::parse("title: t\n").unwrap();
        for (k, v) in [
            ("a", "no"),
            ("b", "1e3"),
            ("c", "*x"),
            ("d", "a: b"),
            ("e", "梁斌"),
        ] {
            fm.set(k, Value::String(v.into())).unwrap();
        }
        fm.rename("title", "on").unwrap();
        assert_eq!(
            fm.text(),
            "'on': t\na: 'no'\nb: '1e3'\nc: '*x'\nd: 'a: b'\ne: 梁斌\n"
        );
        assert_eq!(fm.scalar_text("d"), Some("'a: b'"));
        let mut fm = FrontMatter::parse("k: # c\n  - a\nm: |\n  x\n").unwrap();
        assert_eq!(fm.scalar_text("k"), None);
        assert_eq!(fm.scalar_text("m"), None);
        assert!(fm.set("m", Value::String("x\n".into())).is_ok());
    }

    #[test]
    fn too_deep_is_refused_before_parsing() {
        let e = FrontMatter::parse(&format!("a: {}", "[".repeat(100_000))).unwrap_err();
        assert_eq!(
            e.message,
            "front matter nests deeper than 128 levels: simplify it (no post needs such structure)"
        );
        assert_eq!((e.line, e.column), (1, 131));
    }

    #[test]
    fn quoted_keys() {
        let mut fm = FrontMatter::parse("\"a b\": 1\n'c': 2\n").unwrap();
        assert!(fm.remove("a b").unwrap());
        assert_eq!(fm.text(), "'c': 2\n");
    }
}
