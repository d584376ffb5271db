//! The selectors that handlers register on their own (`*`, `table`, `tr, td, th`, …), parsed
//! once per thread rather than once per post.
//!
//! Rule selectors are parsed when the rules load; these are constants, but they were parsed
//! every time a rewriter was set up, several per post, at a cost close to rewriting a short
//! post's tags. A parsed selector is cheap to clone (its parts are reference counted).
//! Rule selectors narrowed to what one body can match ([`parsed`]) are kept the same way.

use lol_html::Selector;
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static PARSED: RefCell<HashMap<&'static str, Selector>> = RefCell::new(HashMap::new());
    /// Rule selectors narrowed to the parts a body can match, by text.
    static NARROWED: RefCell<HashMap<String, Selector>> = RefCell::new(HashMap::new());
}

/// How many narrowed selectors a thread keeps: bodies write few distinct sets of names, and
/// an unusual run only parses more often.
const MAX_NARROWED: usize = 4096;

/// `text` parsed, or `None` when it is no selector lol_html supports (never for the
/// constants this crate passes; the callers skip their handler then, as before).
pub(crate) fn fixed(text: &'static str) -> Option<Selector> {
    PARSED.with(|parsed| {
        if let Some(s) = parsed.borrow().get(text) {
            return Some(s.clone());
        }
        let s: Selector = text.parse().ok()?;
        parsed.borrow_mut().insert(text, s.clone());
        Some(s)
    })
}

/// A constant list of type selectors (`img, video, hr`) cut down to the tags `names` holds
/// (a body's start tags): `None` when it holds none of them, so that the handler is not
/// registered at all; it could not fire.
pub(crate) fn fixed_in(
    text: &'static str,
    names: &crate::rules::subjects::BodyNames,
) -> Option<Selector> {
    let kept: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|t| names.has_tag(t))
        .collect();
    if kept.len() == text.split(',').count() {
        return fixed(text);
    }
    if kept.is_empty() {
        return None;
    }
    parsed(&kept.join(", "))
}

/// `text` (made from parts of a rule selector that parsed) parsed, once per thread while the
/// cache holds it.
pub(crate) fn parsed(text: &str) -> Option<Selector> {
    NARROWED.with(|parsed| {
        if let Some(s) = parsed.borrow().get(text) {
            return Some(s.clone());
        }
        let s: Selector = text.parse().ok()?;
        let mut parsed = parsed.borrow_mut();
        if parsed.len() >= MAX_NARROWED {
            parsed.clear();
        }
        parsed.insert(text.to_owned(), s.clone());
        Some(s)
    })
}

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn constant_lists_keep_the_tags_a_body_writes() {
        use super::fixed_in;
        let names = crate::rules::subjects::body_names("<p><IMG src=x><hr/>");
        let shown = |s: Option<lol_html::Selector>| s.map(|s| format!("{s:?}"));
        let parsed = |t: &str| Some(format!("{:?}", t.parse::<lol_html::Selector>().unwrap()));
        assert_eq!(shown(fixed_in("img, video, hr", &names)), parsed("img, hr"));
        assert_eq!(shown(fixed_in("img, hr", &names)), parsed("img, hr"));
        assert_eq!(shown(fixed_in("video, audio", &names)), None);
    }

    #[test]
    fn parses_once_and_refuses_what_lol_html_refuses() {
        assert!(fixed("tr, td, th").is_some());
        assert!(fixed("tr, td, th").is_some());
        // Handlers skip themselves when their constant does not parse: these must.
        assert!(fixed(":not(br)").is_some());
        assert!(fixed("*").is_some());
        assert!(fixed("a + b").is_none());
    }
}
