//! The selectors that handlers register on their own (`*`, `table`, `tr, td, th`, …), parsed
//! once per thread rather than once per post.
//!
//! Rule selectors are parsed when the rules load; these are constants, but they were parsed
//! every time a rewriter was set up, several per post, at a cost close to rewriting a short
//! post's tags. A parsed selector is cheap to clone (its parts are reference counted).

use lol_html::Selector;
use std::cell::RefCell;
use std::collections::HashMap;

thread_local! {
    static PARSED: RefCell<HashMap<&'static str, Selector>> = RefCell::new(HashMap::new());
}

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

#[cfg(test)]
mod tests {
    use super::fixed;

    #[test]
    fn parses_once_and_refuses_what_lol_html_refuses() {
        assert!(fixed("tr, td, th").is_some());
        assert!(fixed("tr, td, th").is_some());
        assert!(fixed("a + b").is_none());
    }
}
