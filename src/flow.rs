//! What the editorial rules that act in the rewriting pass itself share: how they are handed
//! their counter and the removed-content depth, and where they are in the block structure.
//!
//! `caption_images`, `paragraph_breaks` and `trim_leading_breaks` decide on an element when it
//! arrives, from a little state kept since the last block edge (is this the block's first
//! content? how many breaks in a row?), and must not act inside some elements (headings, table
//! cells, code). That tracking is the same for all of them, and a block edge must mean what the
//! converter reads as one: [`crate::markdown::BLOCK_ELEMENTS`].

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use lol_html::html_content::{Element, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, Settings};

/// What the rewriting pass gives one streaming rule.
#[derive(Clone)]
pub(crate) struct Hooks<'h> {
    /// Counts one change at a byte offset of the input.
    pub bump: Rc<dyn Fn(usize) + 'h>,
    /// Greater than 0 inside content another rule removed.
    pub removed_depth: Rc<Cell<u32>>,
}

impl Hooks<'_> {
    /// True for an element or text that is gone already (removed, or inside removed content):
    /// rules neither count nor touch it.
    pub(crate) fn gone(&self, removed: bool) -> bool {
        removed || self.removed_depth.get() > 0
    }
}

/// An element edge: its start, or its end (at once for an element without content).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Edge {
    Start,
    End,
}

/// Calls `on(state, name, edge)` at the start and at the end of every element named in
/// `names` (lower-case tag names, as the rules before this one left them): block edges, and
/// the depth of elements a rule must not act in.
pub(crate) fn on_edges<'h, S: 'static>(
    settings: Settings<'h, 'h>,
    names: &[&str],
    state: &Rc<RefCell<S>>,
    on: impl Fn(&mut S, &str, Edge) + 'static,
) -> Settings<'h, 'h> {
    on_edges_of(settings, state, vec![(names, Rc::new(on))])
}

/// What [`on_edges_of`] calls at an edge.
pub(crate) type OnEdge<S> = Rc<dyn Fn(&mut S, &str, Edge)>;

/// [`on_edges`] for several name lists at once, in one handler: exactly as the same calls of
/// `on_edges` one after the other (each list's start, and its end at once for an element
/// without content, then the next list's; end handlers in that order), for one element name
/// read (which allocates) and one handler run per element instead of one per list.
pub(crate) fn on_edges_of<'h, S: 'static>(
    settings: Settings<'h, 'h>,
    state: &Rc<RefCell<S>>,
    groups: Vec<(&[&str], OnEdge<S>)>,
) -> Settings<'h, 'h> {
    // Every element, judged by its name as earlier rules left it: a layout table's `td`
    // that `unwrap_layout_tables` made a `div` is a block, no longer a cell.
    let Some(all) = crate::fixed_selectors::fixed("*") else {
        return settings;
    };
    // Sorted, for a binary search per element (the block list is long).
    let groups: Vec<(Vec<String>, OnEdge<S>)> = groups
        .into_iter()
        .map(|(names, on)| {
            let mut names: Vec<String> = names.iter().map(|&n| n.to_owned()).collect();
            names.sort();
            (names, on)
        })
        .collect();
    let state = Rc::clone(state);
    settings.append_element_content_handler((
        Cow::Owned(all),
        ElementContentHandlers::default().element(move |el: &mut Element| {
            let name = el.tag_name();
            for (names, on) in &groups {
                if names.binary_search(&name).is_err() {
                    continue;
                }
                on(&mut state.borrow_mut(), &name, Edge::Start);
                if !el.can_have_content() {
                    on(&mut state.borrow_mut(), &name, Edge::End);
                } else if let Some(handlers) = el.end_tag_handlers() {
                    let (state, on, name) = (Rc::clone(&state), Rc::clone(on), name.clone());
                    handlers.push(Box::new(move |_| {
                        on(&mut state.borrow_mut(), &name, Edge::End);
                        Ok(())
                    }));
                }
            }
            Ok(())
        }),
    ))
}

/// Calls `on(state, chunk, gone)` for every text chunk that shows something (not only ASCII
/// whitespace) in markup text (not raw text: script, style, textarea ...).
pub(crate) fn on_visible_text<'h, S: 'h>(
    settings: Settings<'h, 'h>,
    hooks: &Hooks<'h>,
    state: &Rc<RefCell<S>>,
    mut on: impl FnMut(&mut S, &mut TextChunk<'_>, bool) + 'h,
) -> Settings<'h, 'h> {
    let state = Rc::clone(state);
    let hooks = hooks.clone();
    settings.append_document_content_handler(DocumentContentHandlers::default().text(
        move |t: &mut TextChunk| {
            if t.text_type().allows_html_entities()
                && t.as_str().bytes().any(|b| !b.is_ascii_whitespace())
            {
                let gone = hooks.gone(t.removed());
                on(&mut state.borrow_mut(), t, gone);
            }
            Ok(())
        },
    ))
}
