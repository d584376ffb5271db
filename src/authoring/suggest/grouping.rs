//! Which source each post comes from: boilerplate repeats within one source, so posts are
//! grouped before anything is counted.
//!
//! A group key is a front-matter field (`author`, which RSSHub scrapers fill with the source's
//! name), the first of the post's `categories`, or the post's folder. Asked for none, the first
//! key that every post has and that puts at least half of the posts in groups of three or more
//! is used ([`Tally::separates`]); the folder always works.

use crate::frontmatter::{FrontMatter, value_text};
use serde_yaml::Value;
use std::collections::BTreeMap;

/// What posts are grouped by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// A front-matter field's value.
    Field(String),
    /// The first entry of `categories`.
    Category,
    /// The folder the post is in, relative to the folder walked.
    Folder,
}

impl GroupBy {
    /// `author` (or any field), `category`, `folder`.
    pub fn parse(text: &str) -> GroupBy {
        match text {
            "category" | "categories" => GroupBy::Category,
            "folder" => GroupBy::Folder,
            field => GroupBy::Field(field.to_owned()),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            GroupBy::Field(f) => format!("front-matter field `{f}`"),
            GroupBy::Category => "the first of `categories`".to_owned(),
            GroupBy::Folder => "folder".to_owned(),
        }
    }

    pub fn name(&self) -> String {
        match self {
            GroupBy::Field(f) => f.clone(),
            GroupBy::Category => "category".to_owned(),
            GroupBy::Folder => "folder".to_owned(),
        }
    }
}

/// The keys one post could be grouped by.
#[derive(Debug, Clone, Default)]
pub struct PostKeys {
    pub author: Option<String>,
    pub category: Option<String>,
    pub folder: String,
    /// The field asked for with `--group-by FIELD` (other than `author`).
    pub field: Option<String>,
}

/// What the candidates need of a post's front matter: its top-level fields (an `extract` must
/// not write one of them), and those whose value is a URL, `(field, value)` (covers).
#[derive(Debug, Clone, Default)]
pub struct FrontMatterFacts {
    pub fields: Vec<String>,
    pub urls: Vec<(String, String)>,
}

/// Read the [`FrontMatterFacts`] of a post's front matter.
pub fn facts(front_matter: Option<&str>) -> FrontMatterFacts {
    let Some(fm) = front_matter.and_then(|t| FrontMatter::parse(t).ok()) else {
        return FrontMatterFacts::default();
    };
    let urls = fm
        .keys()
        .filter_map(|k| match fm.get(k) {
            Some(Value::String(v)) if v.starts_with("http://") || v.starts_with("https://") => {
                Some((k.to_owned(), v.chars().take(300).collect()))
            }
            _ => None,
        })
        .take(16)
        .collect();
    FrontMatterFacts {
        fields: fm.keys().map(str::to_owned).collect(),
        urls,
    }
}

/// Read the keys from a post's front matter and relative path.
pub fn keys(front_matter: Option<&str>, relative: &str, by: Option<&GroupBy>) -> PostKeys {
    let folder = relative
        .rsplit_once('/')
        .map_or(".", |(dir, _)| dir)
        .to_owned();
    let fm = front_matter.and_then(|t| FrontMatter::parse(t).ok());
    let text = |v: &Value| {
        let t = value_text(v).trim().to_owned();
        (!t.is_empty()).then_some(t)
    };
    let Some(fm) = fm else {
        return PostKeys {
            folder,
            ..PostKeys::default()
        };
    };
    let category = fm.get("categories").and_then(|v| match v {
        Value::Sequence(items) => items.first().and_then(|first| match first {
            Value::Sequence(inner) => inner.first().and_then(text),
            other => text(other),
        }),
        other => text(other),
    });
    let field = match by {
        Some(GroupBy::Field(f)) if f != "author" => fm.get(f).and_then(text),
        _ => None,
    };
    PostKeys {
        author: fm.get("author").and_then(text),
        category,
        folder,
        field,
    }
}

/// The group of a post under `by`.
pub fn group_of(keys: &PostKeys, by: &GroupBy) -> Option<String> {
    match by {
        GroupBy::Field(f) if f == "author" => keys.author.clone(),
        GroupBy::Field(_) => keys.field.clone(),
        GroupBy::Category => keys.category.clone(),
        GroupBy::Folder => Some(keys.folder.clone()),
    }
}

/// How often each value of one group key was seen, and where first: what choosing the key
/// needs, and the group names in walk order, without a list of the posts.
#[derive(Debug, Default)]
pub struct Tally {
    /// Value: posts with it, index of the first.
    values: BTreeMap<String, (u32, u32)>,
    /// Posts without a value.
    missing: u32,
}

impl Tally {
    /// Post `i` (in walk order) has `value` for this key.
    pub fn add(&mut self, i: u32, value: Option<String>) {
        match value {
            Some(v) => self.values.entry(v).or_insert((0, i)).0 += 1,
            None => self.missing += 1,
        }
    }

    /// Whether this key can group the posts when none is asked for: every post has a value,
    /// and at least half of the posts are in groups of `min_posts` or more.
    pub fn separates(&self, min_posts: u32) -> bool {
        let total: u32 = self.values.values().map(|(n, _)| n).sum();
        let in_big: u32 = self
            .values
            .values()
            .map(|(n, _)| *n)
            .filter(|n| *n >= min_posts)
            .sum();
        self.missing == 0 && total > 0 && in_big * 2 >= total
    }

    /// The group names, in the order the walk first met them.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<(&String, u32)> = self
            .values
            .iter()
            .map(|(v, (_, first))| (v, *first))
            .collect();
        names.sort_by_key(|(_, first)| *first);
        names.into_iter().map(|(v, _)| v.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_choice() {
        let k = keys(
            Some("title: t\nauthor: 新浪财经\ncategories:\n - 金融\n - 新浪财经\n"),
            "金融/新浪财经/a.md",
            None,
        );
        assert_eq!(k.author.as_deref(), Some("新浪财经"));
        assert_eq!(k.category.as_deref(), Some("金融"));
        assert_eq!(k.folder, "金融/新浪财经");
        let by = GroupBy::Field("author".into());
        let mut many = Tally::default();
        for i in 0..4 {
            many.add(i, group_of(&k, &by));
        }
        assert!(many.separates(3));
        assert_eq!(many.names(), ["新浪财经"]);
        // Every post its own author: not a source.
        let mut lone = Tally::default();
        for i in 0..4 {
            lone.add(i, Some(format!("a{}", 3 - i)));
        }
        assert!(!lone.separates(3));
        // Names in the order the walk met them, not sorted.
        assert_eq!(lone.names(), ["a3", "a2", "a1", "a0"]);
        // One post without the key: the key cannot group them all.
        many.add(4, None);
        assert!(!many.separates(3));
        assert_eq!(keys(None, "a.md", None).folder, ".");
    }
}
