//! A post's own opt-outs from rules, so an author can keep a rule on for the site and off for
//! the one post where it is wrong (the `noqa` convention of linters):
//!
//! - in the front matter: `postscrub: { ignore: [rule-id, …] }`;
//! - in the body: `<!-- postscrub-disable rule-id … -->` (ids separated by spaces or commas;
//!   with no id, every rule of the rule files is off for the post).
//!
//! Both apply to the whole post. They turn off rule-file rules only: the conversion itself is
//! what `--to` says. The directive comment is kept in the output (a comment rule never removes
//! it, and it is put back at the top of a body whose conversion dropped it), so the next run
//! reads the same opt-out.

use crate::frontmatter::FrontMatter;
use serde_yaml::Value;
use std::collections::HashSet;

/// The front-matter field that holds a post's settings for postscrub.
pub const FIELD: &str = "postscrub";
/// What a body directive comment starts with.
pub const DIRECTIVE: &str = "postscrub-disable";

/// Which rules are off for one post.
#[derive(Debug, Default, Clone)]
pub struct Skip {
    all: bool,
    ids: HashSet<String>,
}

impl Skip {
    /// Nothing skipped.
    pub fn none() -> Skip {
        Skip::default()
    }

    pub fn skips(&self, id: &str) -> bool {
        self.all || self.ids.contains(id)
    }

    pub fn is_empty(&self) -> bool {
        !self.all && self.ids.is_empty()
    }
}

/// A post's opt-outs as found.
#[derive(Debug, Default)]
pub struct Found {
    pub skip: Skip,
    /// Each id named, with the 1-based line of the post it was named on.
    pub named: Vec<(String, usize)>,
    /// The directive comments, as written (`<!-- postscrub-disable x -->`), to keep.
    pub directives: Vec<String>,
    /// A `postscrub:` field that is not `{ignore: [ids]}`: (line, what is wrong).
    pub problems: Vec<(usize, String)>,
}

/// The opt-outs of a post: `front_matter` (its first line is `fm_line`) and `body` (which
/// starts on `body_line`).
pub fn find(
    front_matter: Option<&FrontMatter>,
    fm_line: usize,
    body: &str,
    body_line: usize,
) -> Found {
    let mut found = Found::default();
    if let Some(value) = front_matter.and_then(|fm| fm.get(FIELD)) {
        read_field(value, fm_line, &mut found);
    }
    if body.contains(DIRECTIVE) {
        read_directives(body, body_line, &mut found);
    }
    found
}

fn read_field(value: &Value, line: usize, found: &mut Found) {
    let shape = "write `postscrub: { ignore: [rule-id] }`";
    let Some(map) = value.as_mapping() else {
        found
            .problems
            .push((line, format!("`{FIELD}:` is not a mapping: {shape}")));
        return;
    };
    for (key, v) in map {
        match key.as_str() {
            Some("ignore") => {
                let ids: Vec<&Value> = match v {
                    Value::Sequence(items) => items.iter().collect(),
                    other => vec![other],
                };
                for id in ids {
                    match id.as_str() {
                        Some(id) if !id.trim().is_empty() => {
                            found.skip.ids.insert(id.trim().to_owned());
                            found.named.push((id.trim().to_owned(), line));
                        }
                        _ => found.problems.push((
                            line,
                            format!(
                                "`{FIELD}.ignore` holds something that is not a rule id: {shape}"
                            ),
                        )),
                    }
                }
            }
            _ => found.problems.push((
                line,
                format!(
                    "`{FIELD}:` has an unknown key `{}`: {shape}",
                    key.as_str().unwrap_or("?")
                ),
            )),
        }
    }
}

fn read_directives(body: &str, body_line: usize, found: &mut Found) {
    let mut from = 0;
    while let Some(at) = body[from..].find("<!--").map(|i| from + i) {
        let Some(end) = body[at..].find("-->").map(|i| at + i + 3) else {
            break;
        };
        let inner = body[at + 4..end - 3].trim();
        if let Some(rest) = inner.strip_prefix(DIRECTIVE)
            && (rest.is_empty() || rest.starts_with(char::is_whitespace))
        {
            let line = body_line + body[..at].matches('\n').count();
            let ids: Vec<&str> = rest
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|s| !s.is_empty())
                .collect();
            if ids.is_empty() {
                found.skip.all = true;
            }
            for id in ids {
                found.skip.ids.insert(id.to_owned());
                found.named.push((id.to_owned(), line));
            }
            found.directives.push(body[at..end].to_owned());
        }
        from = end;
    }
}

/// Whether an HTML comment's text is a postscrub directive (never removed by a comment rule).
pub fn is_directive(comment_text: &str) -> bool {
    comment_text
        .trim_start()
        .strip_prefix(DIRECTIVE)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body_opt_outs() {
        let fm = FrontMatter::parse("title: x\npostscrub:\n  ignore: [a, b]\n").unwrap();
        let f = find(
            Some(&fm),
            2,
            "<p>x</p>\n<!-- postscrub-disable c, d -->\n",
            6,
        );
        assert!(f.skip.skips("a") && f.skip.skips("b") && f.skip.skips("c") && f.skip.skips("d"));
        assert!(!f.skip.skips("e"));
        assert_eq!(f.named.last(), Some(&("d".to_owned(), 7)));
        assert_eq!(f.directives, ["<!-- postscrub-disable c, d -->"]);
        assert!(f.problems.is_empty());
    }

    #[test]
    fn a_bare_directive_turns_every_rule_off() {
        let f = find(None, 1, "<!--postscrub-disable-->", 1);
        assert!(f.skip.skips("anything"));
        assert!(
            find(None, 1, "<!-- postscrub-disabled x -->", 1)
                .skip
                .is_empty()
        );
        assert!(is_directive(" postscrub-disable x "));
        assert!(!is_directive("postscrub-disabled"));
    }

    #[test]
    fn a_wrong_field_is_a_problem_not_a_skip() {
        let fm = FrontMatter::parse("postscrub: [a]\n").unwrap();
        let f = find(Some(&fm), 2, "", 4);
        assert!(f.skip.is_empty());
        assert_eq!(f.problems.len(), 1);
        let fm = FrontMatter::parse("postscrub: {ignor: [a]}\n").unwrap();
        assert!(
            find(Some(&fm), 2, "", 4).problems[0]
                .1
                .contains("unknown key `ignor`")
        );
    }
}
