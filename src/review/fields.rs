//! Front-matter changes of one post as rows of a table: each field before and after.
//!
//! Values are compared as parsed YAML (so re-quoting alone is no change) and shown as the YAML
//! text of the value, one line for a scalar, block form for a list or mapping.

use crate::document::Document;
use crate::frontmatter::FrontMatter;
use serde_yaml::Value;

/// One field of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRow {
    pub name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl FieldRow {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// The fields of both posts' front matter, in the original's order then the new fields in the
/// converted order. `Err` names the side whose front matter could not be read.
pub fn rows(original: &str, converted: &str) -> Result<Vec<FieldRow>, String> {
    let before = parse(original).map_err(|e| format!("original front matter: {e}"))?;
    let after = parse(converted).map_err(|e| format!("converted front matter: {e}"))?;
    let value =
        |fm: &Option<FrontMatter>, key: &str| fm.as_ref().and_then(|f| f.get(key)).map(show);
    let mut names: Vec<String> = Vec::new();
    for fm in [&before, &after].into_iter().flatten() {
        for k in fm.keys() {
            if !names.iter().any(|n| n == k) {
                names.push(k.to_owned());
            }
        }
    }
    Ok(names
        .into_iter()
        .map(|name| {
            let (b, a) = (
                before.as_ref().and_then(|f| f.get(&name)),
                after.as_ref().and_then(|f| f.get(&name)),
            );
            // Equal values show as equal, even where the YAML text differs.
            let same = b.is_some() && b == a;
            let before = value(&before, &name);
            let after = if same {
                before.clone()
            } else {
                value(&after, &name)
            };
            FieldRow {
                name,
                before,
                after,
            }
        })
        .collect())
}

fn parse(text: &str) -> Result<Option<FrontMatter>, String> {
    match Document::split(text).front_matter {
        Some(fm) => FrontMatter::parse(fm)
            .map(Some)
            .map_err(|e| format!("line {}: {}", e.line, e.message)),
        None => Ok(None),
    }
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim_end()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_before_and_after() {
        let old = "\n---\ntitle: 'A'\nheadimg: x.png\ncategories:\n - a\n - b\ndate: Sun, 31 Oct 2021 01:09:09 GMT\n---\nbody";
        let new = "---\ntitle: A\ncategories:\n  - a\n  - b\ndate: 2021-10-31 09:09:09\neditor: 张三\n---\n\nbody\n";
        let rows = rows(old, new).unwrap();
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["title", "headimg", "categories", "date", "editor"]);
        assert!(!rows[0].changed(), "re-quoting is no change");
        assert_eq!(rows[1].after, None);
        assert!(!rows[2].changed());
        assert_eq!(rows[2].before.as_deref(), Some("- a\n- b"));
        assert_eq!(rows[3].after.as_deref(), Some("2021-10-31 09:09:09"));
        assert_eq!(rows[4].before, None);
        assert_eq!(rows[4].after.as_deref(), Some("张三"));
    }

    #[test]
    fn no_front_matter_is_no_rows() {
        assert_eq!(rows("<p>x</p>", "x\n").unwrap(), []);
        assert!(rows("---\n[a\n---\nx", "x\n").is_err());
    }
}
