//! The first pass of the editorial clean-ups `remove_empty`, `tighten_lists`,
//! `trim_block_ends`, `unwrap_layout_tables` and `demote_picture_headings`, and the rewriting
//! handlers of `trim_block_ends` and `unwrap_layout_tables`.
//!
//! The converter writes what the HTML says (an empty heading is a heading, `<li><p>` is a loose
//! list, `结尾&nbsp;</p>` ends with a no-break space, a one-column table is a table); tidying
//! such things for scraped content is the job of rules. These rules need to know
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

use lol_html::html_content::{ContentType, Element, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, Selector, Settings};

use crate::rules::subjects::BodyNames;
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
            HtmlAction::RemoveEmpty(_)
                | HtmlAction::TightenLists { .. }
                | HtmlAction::TrimBlockEnds(_)
                | HtmlAction::UnwrapLayoutTables(_)
                | HtmlAction::DemotePictureHeadings(_)
        )
    })
}

/// Elements that show something other than a picture (with text, which is read apart).
const NOT_PICTURES: &str = "iframe, video, audio, embed, object, code, kbd, samp, tt, input, select, textarea, math, \
     button, canvas, svg, table, ul, ol, pre, hr";

/// `demote_picture_headings`, first pass: per match, (holds a picture, shows anything else).
#[derive(Debug, Default)]
struct Pictures {
    seen: Vec<(bool, bool)>,
    open: Vec<usize>,
}

fn scan_pictures<'h>(
    mut settings: Settings<'h, 'h>,
    selector: &'h Selector,
    state: Rc<RefCell<Pictures>>,
    names: &BodyNames,
) -> Settings<'h, 'h> {
    {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let k = {
                    let mut p = s.borrow_mut();
                    p.seen.push((false, false));
                    let k = p.seen.len() - 1;
                    p.open.push(k);
                    k
                };
                let s = Rc::clone(&s);
                on_end(el, move || {
                    crate::open_stack::close(&mut s.borrow_mut().open, &k)
                });
                Ok(())
            }),
        ));
    }
    // Every open match is marked at once, so below a marked one all are marked already: stop
    // there (linear however deep the matches nest).
    let mark = |p: &mut Pictures, picture: bool| {
        for &k in p.open.iter().rev() {
            let flag = if picture {
                &mut p.seen[k].0
            } else {
                &mut p.seen[k].1
            };
            if *flag {
                break;
            }
            *flag = true;
        }
    };
    if let Some(img) = crate::fixed_selectors::fixed_in("img", names) {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Owned(img),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                // A picture without a source shows its alt text.
                let source = ["src", "data-src", "data-original", "_src", "srcset"]
                    .iter()
                    .any(|n| el.get_attribute(n).is_some_and(|v| !v.trim().is_empty()));
                mark(&mut s.borrow_mut(), source);
                Ok(())
            }),
        ));
    }
    if let Some(other) = crate::fixed_selectors::fixed_in(NOT_PICTURES, names) {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Owned(other),
            ElementContentHandlers::default().element(move |_el: &mut Element| {
                mark(&mut s.borrow_mut(), false);
                Ok(())
            }),
        ));
    }
    let mut raw = String::new();
    settings.append_document_content_handler(DocumentContentHandlers::default().text(
        move |t: &mut TextChunk| {
            if !t.text_type().allows_html_entities() {
                return Ok(());
            }
            raw.push_str(t.as_str());
            if t.last_in_text_node() {
                if shows_something(&htmlize::unescape(&raw)) {
                    mark(&mut state.borrow_mut(), false);
                }
                raw.clear();
            }
            Ok(())
        },
    ))
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
    narrowed: &[Option<Selector>],
    names: &BodyNames,
) -> Result<Decisions, lol_html::errors::RewritingError> {
    let mut empties: Vec<(usize, Rc<RefCell<Empty>>)> = Vec::new();
    let mut lists: Vec<(usize, Rc<RefCell<Lists>>)> = Vec::new();
    let mut ends: Vec<(usize, Rc<RefCell<Ends>>)> = Vec::new();
    let mut tables: Vec<(usize, Rc<RefCell<Tables>>)> = Vec::new();
    let mut pictures: Vec<(usize, Rc<RefCell<Pictures>>)> = Vec::new();
    let mut settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(crate::clean::memory_settings());
    for (i, rule) in rules.iter().enumerate() {
        // The rule's selector as the rewriting pass uses it, so that matches count alike.
        let narrow = narrowed.get(i).and_then(Option::as_ref);
        match &rule.action {
            HtmlAction::RemoveEmpty(selector) => {
                let selector = crate::clean::pick(narrow, selector);
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
            HtmlAction::TrimBlockEnds(selector) => {
                let state = Rc::new(RefCell::new(Ends::default()));
                settings = scan_ends(
                    settings,
                    crate::clean::pick(narrow, selector),
                    Rc::clone(&state),
                );
                ends.push((i, state));
            }
            HtmlAction::UnwrapLayoutTables(selector) => {
                let state = Rc::new(RefCell::new(Tables::default()));
                settings = scan_tables(
                    settings,
                    crate::clean::pick(narrow, selector),
                    Rc::clone(&state),
                );
                tables.push((i, state));
            }
            HtmlAction::DemotePictureHeadings(selector) => {
                let state = Rc::new(RefCell::new(Pictures::default()));
                let selector = crate::clean::pick(narrow, selector);
                settings = scan_pictures(settings, selector, Rc::clone(&state), names);
                pictures.push((i, state));
            }
            _ => {}
        }
    }
    if !empties.is_empty() {
        let on_content: Vec<Rc<RefCell<Empty>>> =
            empties.iter().map(|(_, s)| Rc::clone(s)).collect();
        let on_text = on_content.clone();
        // A constant selector: it always parses.
        if let Some(content) = crate::fixed_selectors::fixed_in(CONTENT_ELEMENTS, names) {
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
    for (i, state) in ends {
        decisions.insert(i, std::mem::take(&mut state.borrow_mut().flagged));
    }
    for (i, state) in tables {
        decisions.insert(i, std::mem::take(&mut state.borrow_mut().layout));
    }
    for (i, state) in pictures {
        let v = (0u32..)
            .zip(&state.borrow().seen)
            .map(|(k, &(picture, other))| (picture && !other).then_some(k))
            .collect();
        decisions.insert(i, v);
    }
    Ok(decisions)
}

/// `trim_block_ends`, first pass: which text nodes end a matching block with blanks.
#[derive(Debug, Default)]
struct Ends {
    /// Text nodes completed so far.
    texts: u32,
    /// Raw text of the node being read.
    raw: String,
    /// The last text node with visible text since the last element start (a `<br>` aside),
    /// and whether it ends with NBSP or U+3000.
    last: Option<(u32, bool)>,
    /// Matches open: (match number, text nodes completed at their start).
    open: Vec<(u32, u32)>,
    matches: u32,
    /// Per text node: `Some(block)` when it is trimmed.
    flagged: Vec<Option<u32>>,
}

/// Characters `trim_block_ends` trims (with ASCII whitespace).
fn is_blank_end(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{3000}')
}

fn scan_ends<'h>(
    mut settings: Settings<'h, 'h>,
    selector: &'h Selector,
    state: Rc<RefCell<Ends>>,
) -> Settings<'h, 'h> {
    // Every element but `br` (chosen by the selector: naming each element would allocate;
    // nothing renames elements in this pass, so the name matched is the name written).
    if let Some(not_br) = crate::fixed_selectors::fixed(":not(br)") {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Owned(not_br),
            ElementContentHandlers::default().element(move |_el: &mut Element| {
                s.borrow_mut().last = None;
                Ok(())
            }),
        ));
    }
    let s = Rc::clone(&state);
    settings = settings.append_element_content_handler((
        Cow::Borrowed(selector),
        ElementContentHandlers::default().element(move |el: &mut Element| {
            let (k, start) = {
                let mut e = s.borrow_mut();
                let k = e.matches;
                e.matches += 1;
                let start = e.texts;
                e.open.push((k, start));
                (k, start)
            };
            let s = Rc::clone(&s);
            on_end(el, move || {
                let mut e = s.borrow_mut();
                crate::open_stack::close(&mut e.open, &(k, start));
                if let Some((node, true)) = e.last
                    && node >= start
                {
                    let n = node as usize;
                    if e.flagged.len() <= n {
                        e.flagged.resize(n + 1, None);
                    }
                    if e.flagged[n].is_none() {
                        e.flagged[n] = Some(k);
                    }
                }
            });
            Ok(())
        }),
    ));
    settings.append_document_content_handler(DocumentContentHandlers::default().text(
        move |t: &mut TextChunk| {
            let mut e = state.borrow_mut();
            let entities = t.text_type().allows_html_entities();
            if entities {
                e.raw.push_str(t.as_str());
            }
            if t.last_in_text_node() {
                let node = e.texts;
                e.texts += 1;
                let last = {
                    let text = htmlize::unescape(&e.raw);
                    let text = text.trim_end_matches(|c: char| c.is_ascii_whitespace());
                    (!text.is_empty()).then(|| (node, text.ends_with(is_blank_end)))
                };
                // Cleared, not taken: the buffer is reused for the next text node.
                e.raw.clear();
                if last.is_some() {
                    e.last = last;
                }
            }
            Ok(())
        },
    ))
}

/// `raw` (HTML source text) without the blanks at its end: ASCII whitespace, NBSP and U+3000,
/// written as characters or as entities.
fn trim_raw_end(raw: &str) -> &str {
    const ENTITIES: [&str; 6] = [
        "&nbsp;", "&#160;", "&#xa0;", "&#12288;", "&#x3000;", "&#xA0;",
    ];
    let mut s = raw;
    loop {
        let before = s.len();
        s = s.trim_end_matches(|c: char| c.is_ascii_whitespace() || is_blank_end(c));
        for e in ENTITIES {
            if s.len() >= e.len()
                && s.is_char_boundary(s.len() - e.len())
                && s[s.len() - e.len()..].eq_ignore_ascii_case(e)
            {
                s = &s[..s.len() - e.len()];
            }
        }
        if s.len() == before {
            return s;
        }
    }
}

/// `trim_block_ends`, rewriting pass: the text nodes `decided` flags (by node number) lose
/// their trailing blanks; one change is counted per block.
pub(crate) fn register_trim<'h>(
    settings: Settings<'h, 'h>,
    decided: Vec<Option<u32>>,
    bump: impl Fn(usize) + 'h,
) -> Settings<'h, 'h> {
    let mut node = 0usize;
    let mut raw = String::new();
    let mut start = None;
    let mut last_group = None;
    settings.append_document_content_handler(DocumentContentHandlers::default().text(
        move |t: &mut TextChunk| {
            let group = decided.get(node).copied().flatten();
            if let Some(group) = group
                && t.text_type().allows_html_entities()
                && !t.removed()
            {
                start.get_or_insert(t.source_location().bytes().start);
                raw.push_str(t.as_str());
                t.remove();
                if t.last_in_text_node() {
                    let trimmed = trim_raw_end(&raw);
                    t.replace(trimmed, ContentType::Html);
                    if trimmed.len() < raw.len() && last_group != Some(group) {
                        last_group = Some(group);
                        bump(start.unwrap_or(0));
                    }
                }
            }
            if t.last_in_text_node() {
                node += 1;
                raw.clear();
                start = None;
            }
            Ok(())
        },
    ))
}

/// `unwrap_layout_tables`, first pass: which matching tables have one column of data cells.
#[derive(Debug, Default)]
struct Tables {
    /// Open tables (all of them): (match number if the selector matched, cells in the current
    /// row, most cells in a row, a header cell seen).
    open: Vec<(Option<u32>, u32, u32, bool)>,
    matches: u32,
    /// Per match: `Some(match)` when it is a layout table.
    layout: Vec<Option<u32>>,
}

fn scan_tables<'h>(
    mut settings: Settings<'h, 'h>,
    selector: &'h Selector,
    state: Rc<RefCell<Tables>>,
) -> Settings<'h, 'h> {
    if let Some(table) = crate::fixed_selectors::fixed("table") {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Owned(table),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                s.borrow_mut().open.push((None, 0, 0, false));
                let depth = s.borrow().open.len();
                let s = Rc::clone(&s);
                on_end(el, move || {
                    let mut t = s.borrow_mut();
                    if t.open.len() < depth {
                        return;
                    }
                    t.open.truncate(depth);
                    if let Some((Some(k), _, max, header)) = t.open.pop()
                        && max == 1
                        && !header
                        && let Some(slot) = t.layout.get_mut(k as usize)
                    {
                        *slot = Some(k);
                    }
                });
                Ok(())
            }),
        ));
    }
    {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let mut t = s.borrow_mut();
                let k = t.matches;
                t.matches += 1;
                t.layout.push(None);
                if el.tag_name() == "table"
                    && let Some(top) = t.open.last_mut()
                {
                    top.0 = Some(k);
                }
                Ok(())
            }),
        ));
    }
    if let Some(parts) = crate::fixed_selectors::fixed("tr, td, th") {
        settings = settings.append_element_content_handler((
            Cow::Owned(parts),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let mut t = state.borrow_mut();
                let Some(top) = t.open.last_mut() else {
                    return Ok(());
                };
                match el.tag_name().as_str() {
                    "tr" => top.1 = 0,
                    name => {
                        top.1 += 1;
                        top.2 = top.2.max(top.1);
                        top.3 |= name == "th";
                    }
                }
                Ok(())
            }),
        ));
    }
    settings
}

/// `unwrap_layout_tables`, rewriting pass: the tables `decided` names, their rows, sections,
/// caption and cells become `div`s (blocks, one after the other).
pub(crate) fn register_layout_tables<'h>(
    mut settings: Settings<'h, 'h>,
    selector: &'h Selector,
    decided: Vec<Option<u32>>,
    bump: impl Fn(usize) + 'h,
) -> Settings<'h, 'h> {
    // Per open table: it is being unwrapped.
    let open: Rc<RefCell<Vec<bool>>> = Rc::default();
    if let Some(table) = crate::fixed_selectors::fixed("table") {
        let open = Rc::clone(&open);
        settings = settings.append_element_content_handler((
            Cow::Owned(table),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                open.borrow_mut().push(false);
                let depth = open.borrow().len();
                let open = Rc::clone(&open);
                on_end(el, move || open.borrow_mut().truncate(depth - 1));
                Ok(())
            }),
        ));
    }
    {
        let open = Rc::clone(&open);
        let mut index = 0usize;
        settings = settings.append_element_content_handler((
            Cow::Borrowed(selector),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let layout = decided.get(index).copied().flatten().is_some();
                index += 1;
                if layout && el.tag_name() == "table" && !el.removed() {
                    if let Some(top) = open.borrow_mut().last_mut() {
                        *top = true;
                    }
                    let _ = el.set_tag_name("div");
                    bump(el.source_location().bytes().start);
                }
                Ok(())
            }),
        ));
    }
    if let Some(parts) = crate::fixed_selectors::fixed("tr, td, th, thead, tbody, tfoot, caption") {
        settings = settings.append_element_content_handler((
            Cow::Owned(parts),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                if open.borrow().last() == Some(&true) && !el.removed() {
                    let _ = el.set_tag_name("div");
                }
                Ok(())
            }),
        ));
    }
    settings
}

impl Empty {
    /// Every open match shows something. Marking always covers the whole open stack, so an
    /// open match that is visible has only visible matches below it: walk down from the top
    /// and stop at the first visible one. Each match is marked once, so the pass stays linear
    /// however deep the nesting (marking the whole stack each time was O(depth) per text).
    fn mark_open_visible(&mut self) {
        for &k in self.open.iter().rev() {
            if self.visible[k] {
                break;
            }
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
        on_end(el, move || {
            crate::open_stack::close(&mut state.borrow_mut().open, &k)
        });
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
            // Items numbered from here on are the only ones that can belong to this list.
            (k, s.items.len())
        };
        let (k, first_item) = k;
        let state = Rc::clone(&state);
        on_end(el, move || {
            let mut s = state.borrow_mut();
            crate::open_stack::close(&mut s.open_lists, &k);
            let Lists {
                items, open_items, ..
            } = &mut *s;
            crate::open_stack::close_above(open_items, first_item, |item| items[item].0 == k);
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
            crate::open_stack::close(&mut state.borrow_mut().open_items, &k)
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
