//! Which rules can act on a body at all, decided before any rewriter is built.
//!
//! Building a lol_html rewriter compiles every selector it is given, and that costs far more
//! than reading a short body: a Markdown post is cleaned island by island, so 100,000 small
//! raw-HTML islands built 200,000 rewriters of ~40 selectors each (19 s). Most rules name the
//! element they act on (`remove: div.appendQr_wrap`, `remove_empty: 'p, h1, li'`): a rule whose
//! every selector part ends in a type selector can only act when one of those tags occurs in
//! the body. Such rules are left out of the rewriters for bodies without them, which changes
//! nothing but the work: lol_html builds elements only from start tags in the text (it does not
//! imply elements the way a browser's tree builder does), so a tag that is not written cannot
//! be matched.

/// The tag names a selector's subject must have, one per comma-separated part, lowercased;
/// `None` when some part can match any element (`*`, `.class`, `[attr]`, `:not(x)` alone) or
/// the selector has a shape this reading does not know (then the rule is always kept).
pub fn subject_tags(selector: &str) -> Option<Vec<String>> {
    let mut tags = Vec::new();
    for part in split_top_level(selector, |c| c == ',') {
        let compounds =
            split_top_level(part, |c| c.is_whitespace() || matches!(c, '>' | '+' | '~'));
        let subject = compounds.into_iter().rev().find(|c| !c.trim().is_empty())?;
        let name: String = subject
            .trim()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        let rest = &subject.trim()[name.len()..];
        if name.is_empty()
            || rest.starts_with('|')
            || !name.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return None;
        }
        tags.push(name.to_ascii_lowercase());
    }
    (!tags.is_empty()).then_some(tags)
}

/// `text` cut at the characters `is_separator` accepts, outside `[...]`, `(...)` and quotes.
fn split_top_level(text: &str, is_separator: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0usize);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && is_separator(c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// The distinct start tag names of a body, sorted: few enough that a binary search beats
/// hashing (this is asked once per rule per body).
#[derive(Debug, Default)]
pub struct StartTags(Vec<String>);

impl StartTags {
    pub fn contains(&self, name: &str) -> bool {
        self.0.binary_search_by(|t| t.as_str().cmp(name)).is_ok()
    }
}

/// The names of every start tag written in `html`, lowercased: `<name` followed by whitespace,
/// `/`, `>` or the end, as the HTML tokenizer reads a tag name. One pass over the text.
pub fn start_tags(html: &str) -> StartTags {
    let bytes = html.as_bytes();
    let mut tags: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off + 1;
        let mut end = start;
        if bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            while end < bytes.len()
                && !matches!(
                    bytes[end],
                    b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'
                )
            {
                end += 1;
            }
            let name = &html[start..end];
            if !tags.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                tags.push(name.to_ascii_lowercase());
            }
        }
        i = end.max(start);
    }
    tags.sort();
    StartTags(tags)
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&b| b == b'<')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_of_typed_selectors() {
        assert_eq!(
            subject_tags("p, h1, LI"),
            Some(vec!["p".into(), "h1".into(), "li".into()])
        );
        assert_eq!(subject_tags("div.appendQr_wrap"), Some(vec!["div".into()]));
        assert_eq!(
            subject_tags("ul > li p:not(.x, .y)"),
            Some(vec!["p".into()])
        );
        assert_eq!(subject_tags("a[href^='a, b']"), Some(vec!["a".into()]));
        assert_eq!(
            subject_tags("span[id^=\"stock_\"], a.keyword"),
            Some(vec!["span".into(), "a".into()])
        );
        assert_eq!(subject_tags("pre code"), Some(vec!["code".into()]));
    }

    #[test]
    fn selectors_that_can_match_anything_are_kept() {
        assert_eq!(subject_tags("[style]"), None);
        assert_eq!(subject_tags("*"), None);
        assert_eq!(subject_tags("p, .ad"), None);
        assert_eq!(subject_tags("div *"), None);
        assert_eq!(subject_tags(":not(p)"), None);
        assert_eq!(subject_tags("svg|rect"), None);
        assert_eq!(subject_tags(""), None);
    }

    #[test]
    fn start_tags_as_the_tokenizer_reads_them() {
        let tags = start_tags("<P class=x>a</p><pre>\n<br/><IMG\tsrc=y>< b><!-- <em> --><1>x<");
        let v = tags.0.clone();
        // `<em>` inside a comment is counted too: over-counting only keeps a rule, never drops one.
        assert_eq!(v, ["br", "em", "img", "p", "pre"]);
    }
}
