//! Reading a generator's own config file (`_config.yml`, `hugo.toml`, `config.json` …) into one
//! shape, so the rest of the site module asks for a key and never cares about the format.
//!
//! These are files the user did not write for postscrub and may be large or hostile like any
//! other input: YAML goes through the same guard as front matter and rule files before serde
//! sees it, and every error names the file and line and says what to do. Only the keys postscrub
//! needs are ever looked at; the rest of the file is parsed (so a broken file is reported, as the
//! generator itself would fail on it) and dropped.

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A site config file that could not be read or parsed (nothing processed: exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteError {
    pub file: PathBuf,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl SiteError {
    pub fn new(file: &Path, line: Option<usize>, message: impl Into<String>) -> SiteError {
        SiteError {
            file: file.to_path_buf(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// `file:line:column: message`, the file shown relative to `cwd` when it is below it.
    pub fn render(&self, cwd: &Path) -> String {
        let shown = self.file.strip_prefix(cwd).unwrap_or(&self.file);
        let position = match (self.line, self.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        format!(
            "{}{position}: {}",
            crate::printable::path(shown),
            crate::printable::printable(&self.message)
        )
    }
}

/// The format of a config file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

impl Format {
    pub fn of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Format::Toml,
            Some("json") => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A parsed config file: its top-level mapping and its text (to find the line of a key).
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub format: Format,
    text: String,
    top: serde_json::Map<String, Value>,
}

/// The largest site config file read: generator configs are a few kilobytes, and one named by
/// a symlink to something else must not be read whole.
pub const MAX_SIZE: u64 = 4 << 20;

/// A file no larger than [`MAX_SIZE`], as text.
pub fn read_small(path: &Path, what: &str) -> Result<String, String> {
    let len = std::fs::metadata(path).map_or(0, |m| m.len());
    if len > MAX_SIZE {
        return Err(format!(
            "is {len} bytes, larger than any {what} ({} at most)",
            crate::limits::format_size(MAX_SIZE)
        ));
    }
    crate::userfile::read_text(path, what)
}

/// What the site's config files are called in messages.
const WHAT: &str = "site config file";

/// The advice every parse error ends with.
const FIX: &str = "fix it (the generator cannot read it either), or set `site: {kind: none}` in postscrub.yaml (or pass --no-site) to work without the site";

impl ConfigFile {
    /// Read and parse `path`. An empty file is an empty mapping (a fresh `_config.yml`).
    pub fn read(path: &Path) -> Result<ConfigFile, SiteError> {
        let text = read_small(path, WHAT)
            .map_err(|m| SiteError::new(path, None, format!("{m}; {FIX}")))?;
        let format = Format::of(path);
        let value = if text.trim().is_empty() {
            Value::Null
        } else {
            match format {
                Format::Yaml => parse_yaml(path, &text)?,
                Format::Toml => parse_toml(path, &text)?,
                Format::Json => parse_json(path, &text)?,
            }
        };
        let top = match value {
            Value::Object(map) => map,
            Value::Null => serde_json::Map::new(),
            other => {
                return Err(SiteError::new(
                    path,
                    Some(1),
                    format!(
                        "not a {WHAT}: it should be a mapping of settings, but this file is {}; {FIX}",
                        describe(&other)
                    ),
                ));
            }
        };
        Ok(ConfigFile {
            path: path.to_path_buf(),
            format,
            text,
            top,
        })
    }

    /// A top-level key. Hugo's keys are case-insensitive (`timeZone`, `timezone`), the others'
    /// are not.
    pub fn get(&self, key: &str, any_case: bool) -> Option<&Value> {
        if any_case {
            self.top
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        } else {
            self.top.get(key)
        }
    }

    /// A top-level key that must be text: `Ok(None)` when missing, null or empty.
    pub fn text(&self, key: &str, any_case: bool) -> Result<Option<String>, SiteError> {
        match self.get(key, any_case) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
            Some(other) => Err(SiteError::new(
                &self.path,
                self.line_of(key, any_case),
                format!(
                    "`{key}` should be text, but it is {}; fix it, or set `site: {{kind: none}}` in postscrub.yaml",
                    describe(other)
                ),
            )),
        }
    }

    /// The 1-based line where a top-level `key` is set, found in the text (for messages only):
    /// `key:` at the start of a line in YAML, `key =` before the first table in TOML, `"key"`
    /// in JSON.
    pub fn line_of(&self, key: &str, any_case: bool) -> Option<usize> {
        let same = |a: &str, b: &str| {
            if any_case {
                a.eq_ignore_ascii_case(b)
            } else {
                a == b
            }
        };
        for (i, line) in self.text.lines().enumerate() {
            let found = match self.format {
                Format::Yaml => {
                    let unquoted = line.trim_end();
                    let name = unquoted.split(':').next().unwrap_or("");
                    let name = name.trim_matches(|c| c == '"' || c == '\'');
                    !line.starts_with([' ', '\t', '#', '-'])
                        && unquoted.contains(':')
                        && same(name.trim_end(), key)
                }
                Format::Toml => {
                    let t = line.trim_start();
                    if t.starts_with('[') {
                        return None;
                    }
                    t.split('=').next().is_some_and(|name| {
                        t.contains('=') && same(name.trim().trim_matches('"'), key)
                    })
                }
                Format::Json => {
                    let t = line.trim_start();
                    t.strip_prefix('"')
                        .and_then(|rest| rest.split('"').next())
                        .is_some_and(|name| same(name, key))
                }
            };
            if found {
                return Some(i + 1);
            }
        }
        None
    }
}

fn parse_yaml(path: &Path, text: &str) -> Result<Value, SiteError> {
    if let Err(e) = crate::yaml_guard::check(text) {
        return Err(SiteError {
            file: path.to_path_buf(),
            line: Some(e.line),
            column: Some(e.column),
            message: format!("{WHAT} {e}; {FIX}"),
        });
    }
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let p = crate::userfile::yaml_problem(&e, "Value", WHAT, "`timezone:`");
        SiteError {
            file: path.to_path_buf(),
            line: p.line,
            column: p.column,
            message: format!("{}; {FIX}", p.message),
        }
    })?;
    Ok(yaml_to_json(value))
}

fn parse_toml(path: &Path, text: &str) -> Result<Value, SiteError> {
    toml::from_str::<Value>(text).map_err(|e| {
        let (line, column) = match e.span() {
            Some(span) => line_column(text, span.start),
            None => (None, None),
        };
        SiteError {
            file: path.to_path_buf(),
            line,
            column,
            message: format!(
                "not valid TOML: {}; {FIX}",
                e.message().lines().next().unwrap_or("")
            ),
        }
    })
}

fn parse_json(path: &Path, text: &str) -> Result<Value, SiteError> {
    serde_json::from_str::<Value>(text).map_err(|e| SiteError {
        file: path.to_path_buf(),
        line: Some(e.line()),
        column: Some(e.column()),
        message: format!("not valid JSON: {}; {FIX}", json_reason(&e)),
    })
}

/// serde_json's message without its own ` at line L column C` (the position is given already).
fn json_reason(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (Option<usize>, Option<usize>) {
    let offset = offset.min(text.len());
    let Some(before) = text.get(..offset) else {
        return (None, None);
    };
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (Some(line), Some(column))
}

/// A YAML value as JSON: keys that are not text (`404: …`) become their text form, tags are
/// dropped. Depth is bounded by the guard, so the recursion is too.
fn yaml_to_json(v: serde_yaml::Value) -> Value {
    use serde_yaml::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

/// `a list`, `a number` …, for messages (never the value itself: it could be anything).
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn yaml_keys_and_lines() {
        let (_d, p) = file(
            "_config.yml",
            "# Hexo\ntitle: x\ndeploy:\n  timezone: nested\ntimezone: 'Asia/Shanghai'\nsource_dir: src\n",
        );
        let c = ConfigFile::read(&p).unwrap();
        assert_eq!(
            c.text("timezone", false).unwrap().as_deref(),
            Some("Asia/Shanghai")
        );
        assert_eq!(c.line_of("timezone", false), Some(5));
        assert_eq!(c.text("source_dir", false).unwrap().as_deref(), Some("src"));
        assert_eq!(c.text("missing", false).unwrap(), None);
    }

    #[test]
    fn empty_values_are_unset_and_wrong_types_name_the_line() {
        let (_d, p) = file("_config.yml", "timezone: ''\nurl:\nlanguage: [en]\n");
        let c = ConfigFile::read(&p).unwrap();
        assert_eq!(c.text("timezone", false).unwrap(), None);
        assert_eq!(c.text("url", false).unwrap(), None);
        let e = c.text("language", false).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("a list"), "{}", e.message);
    }

    #[test]
    fn toml_keys_any_case_and_errors_with_line() {
        let (_d, p) = file(
            "hugo.toml",
            "baseURL = 'https://x/'\ntimeZone = \"Europe/Oslo\"\n[params]\ntimezone = 'no'\n",
        );
        let c = ConfigFile::read(&p).unwrap();
        assert_eq!(
            c.text("timezone", true).unwrap().as_deref(),
            Some("Europe/Oslo")
        );
        assert_eq!(c.line_of("timezone", true), Some(2));
        let (_d, p) = file("hugo.toml", "title = 'x'\ntimeZone = \n");
        let e = ConfigFile::read(&p).unwrap_err();
        assert_eq!(e.line, Some(2), "{e:?}");
        assert!(e.message.starts_with("not valid TOML"), "{}", e.message);
    }

    #[test]
    fn json_and_bad_json() {
        let (_d, p) = file(
            "hugo.json",
            "{\n  \"title\": \"x\",\n  \"timeZone\": \"UTC\"\n}\n",
        );
        let c = ConfigFile::read(&p).unwrap();
        assert_eq!(c.text("timeZone", true).unwrap().as_deref(), Some("UTC"));
        assert_eq!(c.line_of("timeZone", true), Some(3));
        let (_d, p) = file("hugo.json", "{\n  \"title\": \"x\",,\n}\n");
        let e = ConfigFile::read(&p).unwrap_err();
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn hostile_yaml_is_refused_by_the_guard_with_a_position() {
        let (_d, p) = file("_config.yml", &format!("a: {}", "[".repeat(10_000)));
        let e = ConfigFile::read(&p).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("nests deeper"), "{}", e.message);
        let (_d, p) = file("_config.yml", "title: x\ntimezone: 'open\n");
        let e = ConfigFile::read(&p).unwrap_err();
        assert!(e.line.is_some(), "{e:?}");
        let (_d, p) = file("_config.yml", "- a\n- b\n");
        let e = ConfigFile::read(&p).unwrap_err();
        assert!(e.message.contains("a list"), "{}", e.message);
    }
}
