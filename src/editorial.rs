//! The first pass of the editorial clean-ups `remove_empty` and `tighten_lists`.
//!
//! The converter writes what the HTML says (an empty heading is a heading, `<li><p>` is a loose
//! list); tidying such things for scraped content is the job of rules. Both rules need to know
//! an element's whole content before deciding what to do with its start tag (is this `<p>`
//! empty? does every item of this list hold one paragraph?), which a streaming rewriter cannot
//! know, so when (and only when) a post has such rules, one lol_html pass over the body records,
//! for each element a rule's selector matches, in document order, what to do with it. The
//! rewriting pass in [`crate::clean`] then acts on exactly those elements, counted the same way.
//!
//! Elements whose end tag never comes (`<p>a<p>b`) stay "open" to the end: text after them
//! counts as theirs, so a decision errs on the side of keeping content.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use lol_html::html_content::{Element, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, Selector, Settings};

use crate::rules::{HtmlAction, HtmlRule};

/// Elements that show something without any text.
const CONTENT_ELEMENTS: &str = "img, iframe, video, audio, embed, object, hr";

/// Per rule (by index into the rule list): for each element its selector matches (for
/// `tighten_lists`: each paragraph its `paragraphs` selector matches), in document order,
/// `Some(group)` when the rule acts on it. `group` is the element's own number for
/// `remove_empty` and its list's number for `tighten_lists` (a change is counted once a list).
pub(crate) type Decisions = HashMap<usize, Vec<Option<u32>>>;

/// True when `rules` hold an action that needs [`scan`].
pub(crate) fn needed(rules: &[&HtmlRule]) -> bool {
    rules.iter().any(|r| {
        matches!(
            r.action,
            HtmlAction::RemoveEmpty(_) | HtmlAction::TightenLists { .. }
        )
    })
}

#[derive(Debug, Default)]
struct Empty {
    /// Per match: it shows something.
    visible: Vec<bool>,
    /// Matches whose end tag has not come yet.
    open: Vec<usize>,
}

#[derive(Debug, Default)]
struct Lists {
    /// Per list: every item so far holds at most one paragraph.
    tight: Vec<bool>,
    open_lists: Vec<usize>,
    /// Per item: (its list, paragraphs seen).
    items: Vec<(usize, u32)>,
    open_items: Vec<usize>,
    /// Per paragraph: its list.
    paragraphs: Vec<Option<usize>>,
}

/// Runs the first pass for the `remove_empty` and `tighten_lists` rules among `rules`.
pub(crate) fn scan(
    body: &str,
    rules: &[&HtmlRule],
) -> Result<Decisions, lol_html::errors::RewritingError> {
    let mut empties: Vec<(usize, Rc<RefCell<Empty>>)> = Vec::new();
    let mut lists: Vec<(usize, Rc<RefCell<Lists>>)> = Vec::new();
    let mut settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(crate::clean::memory_settings());
    for (i, rule) in rules.iter().enumerate() {
        match &rule.action {
            HtmlAction::RemoveEmpty(selector) => {
                let state = Rc::new(RefCell::new(Empty::default()));
                settings = settings.append_element_content_handler((
                    Cow::Borrowed(selector),
                    ElementContentHandlers::default().element(open_empty(Rc::clone(&state))),
                ));
                empties.push((i, state));
            }
            HtmlAction::TightenLists {
                lists: list_sel,
                items,
                paragraphs,
            } => {
                let state = Rc::new(RefCell::new(Lists::default()));
                settings = settings
                    .append_element_content_handler((
                        Cow::Borrowed(list_sel),
                        ElementContentHandlers::default().element(open_list(Rc::clone(&state))),
                    ))
                    .append_element_content_handler((
                        Cow::Borrowed(items),
                        ElementContentHandlers::default().element(open_item(Rc::clone(&state))),
                    ))
                    .append_element_content_handler((
                        Cow::Borrowed(paragraphs),
                        ElementContentHandlers::default().element(paragraph(Rc::clone(&state))),
                    ));
                lists.push((i, state));
            }
            _ => {}
        }
    }
    if !empties.is_empty() {
        let on_content: Vec<Rc<RefCell<Empty>>> =
            empties.iter().map(|(_, s)| Rc::clone(s)).collect();
        let on_text = on_content.clone();
        // A constant selector: it always parses.
        if let Ok(content) = CONTENT_ELEMENTS.parse::<Selector>() {
            settings = settings.append_element_content_handler((
                Cow::Owned(content),
                ElementContentHandlers::default().element(move |_el: &mut Element| {
                    for s in &on_content {
                        s.borrow_mut().mark_open_visible();
                    }
                    Ok(())
                }),
            ));
        }
        let mut raw = String::new();
        settings = settings.append_document_content_handler(
            DocumentContentHandlers::default().text(move |t: &mut TextChunk| {
                if !t.text_type().allows_html_entities() {
                    return Ok(());
                }
                raw.push_str(t.as_str());
                if t.last_in_text_node() {
                    if shows_something(&htmlize::unescape(&raw)) {
                        for s in &on_text {
                            s.borrow_mut().mark_open_visible();
                        }
                    }
                    raw.clear();
                }
                Ok(())
            }),
        );
    }
    {
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(body.as_bytes())?;
        rewriter.end()?;
    }
    let mut decisions = Decisions::new();
    for (i, state) in empties {
        let s = state.borrow();
        let v = (0..s.visible.len())
            .map(|k| (!s.visible[k]).then(|| u32::try_from(k).unwrap_or(u32::MAX)))
            .collect();
        decisions.insert(i, v);
    }
    for (i, state) in lists {
        let s = state.borrow();
        let v = s
            .paragraphs
            .iter()
            .map(|l| {
                l.filter(|&l| s.tight.get(l).copied().unwrap_or(false))
                    .map(|l| u32::try_from(l).unwrap_or(u32::MAX))
            })
            .collect();
        decisions.insert(i, v);
    }
    Ok(decisions)
}

impl Empty {
    fn mark_open_visible(&mut self) {
        for &k in &self.open {
            self.visible[k] = true;
        }
    }
}

/// Text that shows: anything but whitespace (NBSP and U+3000 are whitespace here) and
/// zero-width characters.
fn shows_something(text: &str) -> bool {
    text.chars().any(|c| {
        !(c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}'))
    })
}

type Handler = Box<dyn FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult>;

/// Calls `on_end` at the element's end tag, or at once for an element without content.
fn on_end(el: &mut Element<'_, '_>, mut on_end: impl FnMut() + 'static) {
    if !el.can_have_content() {
        on_end();
        return;
    }
    if let Some(handlers) = el.end_tag_handlers() {
        handlers.push(Box::new(move |_| {
            on_end();
            Ok(())
        }));
    }
}

fn open_empty(state: Rc<RefCell<Empty>>) -> Handler {
    Box::new(move |el| {
        let k = {
            let mut s = state.borrow_mut();
            s.visible.push(false);
            let k = s.visible.len() - 1;
            s.open.push(k);
            k
        };
        let state = Rc::clone(&state);
        on_end(el, move || state.borrow_mut().open.retain(|&o| o != k));
        Ok(())
    })
}

fn open_list(state: Rc<RefCell<Lists>>) -> Handler {
    Box::new(move |el| {
        let k = {
            let mut s = state.borrow_mut();
            s.tight.push(true);
            let k = s.tight.len() - 1;
            s.open_lists.push(k);
            k
        };
        let state = Rc::clone(&state);
        on_end(el, move || {
            let mut s = state.borrow_mut();
            s.open_lists.retain(|&o| o != k);
            let Lists {
                items, open_items, ..
            } = &mut *s;
            open_items.retain(|&item| items[item].0 != k);
        });
        Ok(())
    })
}

fn open_item(state: Rc<RefCell<Lists>>) -> Handler {
    Box::new(move |el| {
        let k = {
            let mut s = state.borrow_mut();
            let Some(&list) = s.open_lists.last() else {
                return Ok(());
            };
            s.items.push((list, 0));
            let k = s.items.len() - 1;
            s.open_items.push(k);
            k
        };
        let state = Rc::clone(&state);
        on_end(el, move || {
            state.borrow_mut().open_items.retain(|&o| o != k)
        });
        Ok(())
    })
}

fn paragraph(state: Rc<RefCell<Lists>>) -> Handler {
    Box::new(move |_el| {
        let mut s = state.borrow_mut();
        let list = match s.open_items.last().copied() {
            Some(item) => {
                let (list, count) = &mut s.items[item];
                *count += 1;
                let (list, many) = (*list, *count > 1);
                if many {
                    s.tight[list] = false;
                }
                Some(list)
            }
            None => None,
        };
        s.paragraphs.push(list);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_shows() {
        assert!(!shows_something(" \u{a0}\u{3000}\n\u{200B}"));
        assert!(shows_something("\u{a0}x"));
    }
}
