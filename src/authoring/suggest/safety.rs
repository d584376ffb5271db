//! The draft applied in memory to every post of its group: what each rule would remove, and
//! whether it removes article text.
//!
//! A rule that removes blocks may only remove the repeated texts it was proposed for: text it
//! removes that is not one of them is unique to that post (someone's article), and the rule is
//! dropped. Any rule that takes more than [`MAX_SHARE`] of a post's visible text is dropped too.
//! What was removed is found by diffing the post's visible text (white space left out) before
//! and after the rule, alone, so each rule answers for itself.

use super::candidates::{Candidate, Kind};
use super::scan::{self, DIGITS};

/// Most of a post's visible text one rule may remove.
pub const MAX_SHARE: f64 = 0.3;

/// What one rule did to the posts of its group.
#[derive(Debug, Clone, Default)]
pub struct Effect {
    /// Posts it changed.
    pub posts: u32,
    /// Times it fired.
    pub count: u64,
    /// Visible characters it removed (or moved to front matter), in all.
    pub chars: u64,
    /// The largest removal from one post: characters and the post's index.
    pub largest: Option<(u64, u32)>,
    /// Why it must be dropped: the first post where it removed what it must not.
    pub violation: Option<Violation>,
}

#[derive(Debug, Clone)]
pub struct Violation {
    pub post: u32,
    pub reason: String,
}

/// What the rule removed from one post's visible text.
#[derive(Debug, Clone, Default)]
pub struct Removal {
    pub chars: u64,
    /// The removed runs (white space left out).
    pub runs: Vec<String>,
}

/// The runs of `before` that are missing from `after` (a rule only removes text, so `after` is
/// a subsequence of `before`).
pub fn removed(before: &str, after: &str) -> Removal {
    if before == after {
        return Removal::default();
    }
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(200))
        .diff_chars(before, after);
    let mut out = Removal::default();
    let mut run = String::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Delete => run.push_str(change.value()),
            _ => {
                if !run.is_empty() {
                    out.runs.push(std::mem::take(&mut run));
                }
            }
        }
    }
    if !run.is_empty() {
        out.runs.push(run);
    }
    out.chars = out.runs.iter().map(|r| r.chars().count() as u64).sum();
    out
}

/// Text for comparing: no white space, digit runs as one mark.
fn comparable(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let c = if c.is_ascii_digit() { DIGITS } else { c };
        if !(c == DIGITS && out.ends_with(DIGITS)) {
            out.push(c);
        }
    }
    out
}

/// Judge one rule's removal from one post (`visible` characters in all) and add it up.
pub fn judge(
    effect: &mut Effect,
    candidate: &Candidate,
    post: u32,
    visible: usize,
    removal: &Removal,
) {
    effect.chars += removal.chars;
    if effect.largest.is_none_or(|(c, _)| removal.chars > c) && removal.chars > 0 {
        effect.largest = Some((removal.chars, post));
    }
    if effect.violation.is_some() || removal.chars == 0 {
        return;
    }
    let share = removal.chars as f64 / visible.max(1) as f64;
    if share > MAX_SHARE {
        effect.violation = Some(Violation {
            post,
            reason: format!(
                "removes {:.0} % of the post's visible text ({} of {visible} characters)",
                share * 100.0,
                removal.chars
            ),
        });
        return;
    }
    if candidate.kind == Kind::Block {
        let allowed: Vec<String> = candidate.texts.iter().map(|t| comparable(t)).collect();
        for run in &removal.runs {
            let run = comparable(run);
            if !run.is_empty() && !allowed.iter().any(|a| a.contains(&run)) {
                let shown: String = run.replace(DIGITS, "0").chars().take(40).collect();
                effect.violation = Some(Violation {
                    post,
                    reason: format!("removes text unique to the post (“{shown}”)"),
                });
                return;
            }
        }
    }
}

/// The visible text of cleaned HTML, for [`removed`].
pub fn visible(html: &str) -> String {
    scan::visible_text(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removed_runs() {
        let r = removed("正文甲海量资讯正文乙", "正文甲正文乙");
        assert_eq!(r.runs, ["海量资讯"]);
        assert_eq!(r.chars, 4);
        assert_eq!(removed("abc", "abc").chars, 0);
    }

    #[test]
    fn unique_text_is_a_violation() {
        let c = Candidate {
            id: "x".into(),
            kind: Kind::Block,
            action: vec![],
            message: String::new(),
            posts: 3,
            confidence: 1.0,
            examples: vec![],
            texts: vec!["扫码 下载 APP".into()],
            field: None,
            markers: vec![],
            needle: None,
            machine: None,
        };
        let mut e = Effect::default();
        judge(&mut e, &c, 0, 100, &removed("正文扫码下载APP", "正文"));
        assert!(e.violation.is_none());
        judge(&mut e, &c, 1, 100, &removed("正文独有的句子", "正文"));
        assert!(e.violation.unwrap().reason.contains("unique"));
        let mut e = Effect::default();
        judge(&mut e, &c, 2, 10, &removed("正扫码下载APP", "正"));
        assert!(e.violation.unwrap().reason.contains("visible text"));
    }
}
