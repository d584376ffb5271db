//! The draft rule file of one group, as commented YAML: a header saying where it comes from and
//! what to do with it, the group's `when:`, its rules by confidence with what each would remove,
//! and `examples:` cut from real posts so that `postscrub rules test` passes on it as written.

use super::candidates::{Candidate, quote};
use super::safety::Effect;

/// One rule with what applying it did.
pub struct DraftRule<'a> {
    pub candidate: &'a Candidate,
    pub effect: &'a Effect,
    /// The post the largest removal is from, as shown.
    pub largest_post: Option<String>,
}

/// One example: where it was cut from, and its parts.
pub struct DraftExample {
    pub rule: String,
    pub from: String,
    pub input: String,
    pub output: String,
    /// Front matter before and after (for `extract`).
    pub front_matter: Option<(String, String)>,
}

pub struct Draft<'a> {
    pub group: &'a str,
    pub grouped_by: String,
    pub posts: u32,
    pub name: String,
    pub markers: Vec<String>,
    /// Posts of the group the markers match.
    pub marked: u32,
    pub rules: Vec<DraftRule<'a>>,
    pub examples: Vec<DraftExample>,
}

/// A YAML double-quoted scalar (JSON's escapes are YAML's).
fn dq(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

impl Draft<'_> {
    /// The rule file's text; without examples when `examples` is false (to compute them).
    pub fn yaml(&self, examples: bool) -> String {
        let mut y = String::new();
        y.push_str(&format!(
            "# Draft rules for {} ({} posts, grouped by {}), written by `postscrub rules suggest`\n\
             # from what repeats across them. Nothing here is tested on your judgement yet: read each\n\
             # rule, narrow or delete it, then run `postscrub rules test FILE` and\n\
             # `postscrub diff --rules FILE` before you keep it. Rules are ordered by confidence.\n",
            self.group, self.posts, self.grouped_by
        ));
        y.push_str(&format!("name: {}\n", dq(&self.name)));
        y.push_str(&format!(
            "description: {}\n",
            dq(&format!("Boilerplate found in the posts of {}", self.group))
        ));
        if self.markers.is_empty() {
            y.push_str("# No marker was found that only this group's posts contain: add a `when:` (body_contains\n# or path) before you use this file with others.\n");
        } else {
            y.push_str(&format!(
                "# In {} of the {} posts of {}, and in no other post read.\n",
                self.marked, self.posts, self.group
            ));
            y.push_str("when:\n  body_contains: [");
            y.push_str(
                &self
                    .markers
                    .iter()
                    .map(|m| quote(m))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            y.push_str("]\n");
        }
        for (key, front_matter) in [("html", false), ("front_matter", true)] {
            let part: Vec<&DraftRule<'_>> = self
                .rules
                .iter()
                .filter(|r| r.candidate.kind.front_matter() == front_matter)
                .collect();
            if part.is_empty() {
                continue;
            }
            y.push_str(&format!("{key}:\n"));
            for r in part {
                self.rule(&mut y, r);
            }
        }
        if examples && !self.examples.is_empty() {
            y.push_str("examples:\n");
            for ex in &self.examples {
                y.push_str(&format!("  # {}: cut from {}\n", ex.rule, ex.from));
                let mut lead = "  - ";
                if !ex.input.is_empty() {
                    y.push_str(&format!("{lead}input: {}\n", dq(&ex.input)));
                    y.push_str(&format!("    output: {}\n", dq(&ex.output)));
                    lead = "    ";
                }
                if let Some((before, after)) = &ex.front_matter {
                    y.push_str(&format!("{lead}front_matter:\n"));
                    y.push_str(&format!("      input: {}\n", dq(before)));
                    y.push_str(&format!("      output: {}\n", dq(after)));
                }
            }
        }
        y
    }

    fn rule(&self, y: &mut String, r: &DraftRule<'_>) {
        let c = r.candidate;
        let e = r.effect;
        let mut note = format!(
            "  # {:.0} % confidence: changes {} of {} posts",
            c.confidence * 100.0,
            e.posts,
            self.posts
        );
        if e.chars > 0 {
            note.push_str(&format!(", removes {} characters", e.chars));
            if let (Some((chars, _)), Some(post)) = (e.largest, &r.largest_post) {
                note.push_str(&format!(" (at most {chars}, in {post})"));
            }
        }
        y.push_str(&note);
        y.push('\n');
        if let Some(why) = &c.machine {
            y.push_str(&format!(
                "  # Below --min-share, kept because its shape shows a CMS made it: {why}\n"
            ));
        }
        y.push_str(&format!("  - id: {}\n", c.id));
        y.push_str(&format!("    message: {}\n", dq(&c.message)));
        for line in &c.action {
            y.push_str(&format!("    {line}\n"));
        }
    }
}
