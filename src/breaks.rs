//! The `<br>` clean-ups `paragraph_breaks`, `trim_leading_breaks` and `collapse_code_breaks`:
//! editorial choices the converter used to make silently, now rules that show in `--explain`
//! and can be turned off.
//!
//! The converter writes what a browser shows: `<p>a<br><br>b</p>` is two line breaks, a `<br>`
//! before a block's first content is an empty line (`\` alone on the first line), and inside
//! `<pre>` a `<br>` and the newline after it are two line breaks. Scraped posts mean less:
//!
//! - `paragraph_breaks` turns the second break of a run into `<p>` (and drops the ones after
//!   it): in HTML a `<p>` start closes the open paragraph, and the first break, now at the end
//!   of a block, shows nothing. It never acts inside headings, table cells, code or inline
//!   formatting (`<strong>a<br><br>b</strong>`), where a paragraph start would end more than
//!   the line. The `<p>` is written only once content follows (text or an inline element, not
//!   a block start), so no empty paragraph is made.
//! - `trim_leading_breaks` removes the breaks that come before any content of their block
//!   (spacers, leftovers of removed widgets); not inside code.
//! - `collapse_code_breaks` drops the newline right after a `<br>` inside the selected code
//!   blocks: scrapers write each code line as `line<br>` and a newline, meaning one line break.
//!
//! All three work in the rewriting pass itself: what they need is known when the element (or
//! the text after it) arrives.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, Selector, Settings};

use crate::flow::{self, Edge, Hooks};
use crate::markdown::BLOCK_ELEMENTS;

/// Elements inside which a `<p>` would end more than the line.
const INHIBIT: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "pre", "listing", "xmp", "code",
    "tt", "samp", "kbd", "a", "strong", "b", "em", "i", "cite", "dfn", "var", "s", "del", "strike",
    "u", "ins", "mark", "sup", "sub", "button", "select", "textarea",
];

/// Code, where a break is part of the code's lines.
const CODE: &[&str] = &["pre", "listing", "xmp", "code", "tt", "samp", "textarea"];

/// Elements that show something without text: a break after them is not leading.
const CONTENT: &[&str] = &[
    "img", "iframe", "video", "audio", "embed", "object", "input", "select", "textarea", "math",
    "code", "button", "canvas",
];

/// [`CONTENT`] as one selector list.
static CONTENT_LIST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| CONTENT.join(", "));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// No break since the last content.
    None,
    /// One break since the last content.
    One,
    /// Two breaks: the second is gone, and a `<p>` goes before the next content (text or an
    /// inline element; a block start separates by itself). Further breaks go.
    Pending,
    /// The `<p>` went before an inline element, and nothing has shown since: a break here is
    /// still part of the run, and goes (`<br><br><font></font><br>text`).
    Opened,
}

#[derive(Debug)]
struct Breaks {
    run: Run,
    /// Depth of [`INHIBIT`] elements we are in.
    inhibit: u32,
}

/// Registers the handlers of one `paragraph_breaks` rule whose breaks `breaks` selects.
pub(crate) fn register_paragraph_breaks<'h>(
    mut settings: Settings<'h, 'h>,
    breaks: &'h Selector,
    hooks: Hooks<'h>,
) -> Settings<'h, 'h> {
    let state = Rc::new(RefCell::new(Breaks {
        run: Run::None,
        inhibit: 0,
    }));
    settings = flow::on_edges(settings, INHIBIT, &state, |b, _, edge| match edge {
        Edge::Start => b.inhibit += 1,
        Edge::End => {
            b.inhibit = b.inhibit.saturating_sub(1);
            b.run = Run::None;
        }
    });
    if let Some(all) = crate::fixed_selectors::fixed("*") {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Owned(all),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let name = el.tag_name();
                if name == "br" {
                    return Ok(());
                }
                let mut b = s.borrow_mut();
                let block = BLOCK_ELEMENTS.contains(&name.as_str());
                b.run = match b.run {
                    Run::Pending if el.removed() => Run::Pending,
                    Run::Pending if !block => {
                        el.before("<p>", ContentType::Html);
                        if CONTENT.contains(&name.as_str()) {
                            Run::None
                        } else {
                            Run::Opened
                        }
                    }
                    Run::Opened if !block && !CONTENT.contains(&name.as_str()) => Run::Opened,
                    _ => Run::None,
                };
                Ok(())
            }),
        ));
    }
    {
        let s = Rc::clone(&state);
        let hooks = hooks.clone();
        settings = settings.append_element_content_handler((
            Cow::Borrowed(breaks),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                if hooks.gone(el.removed()) || el.tag_name() != "br" {
                    return Ok(());
                }
                let mut b = s.borrow_mut();
                if b.inhibit > 0 {
                    b.run = Run::None;
                    return Ok(());
                }
                b.run = match b.run {
                    Run::None => Run::One,
                    Run::One => {
                        el.remove();
                        (hooks.bump)(el.source_location().bytes().start);
                        Run::Pending
                    }
                    Run::Pending | Run::Opened => {
                        el.remove();
                        b.run
                    }
                };
                Ok(())
            }),
        ));
    }
    flow::on_visible_text(settings, &hooks, &state, |b, t, gone| {
        if b.run == Run::Pending {
            if gone {
                return;
            }
            t.before("<p>", ContentType::Html);
        }
        b.run = Run::None;
    })
}

#[derive(Debug)]
struct Leading {
    /// Nothing shown since the last block edge.
    fresh: bool,
    /// Depth of [`CODE`] elements we are in.
    code: u32,
}

/// Registers the handlers of one `trim_leading_breaks` rule whose breaks `breaks` selects.
pub(crate) fn register_leading_breaks<'h>(
    mut settings: Settings<'h, 'h>,
    breaks: &'h Selector,
    hooks: Hooks<'h>,
) -> Settings<'h, 'h> {
    let state = Rc::new(RefCell::new(Leading {
        fresh: true,
        code: 0,
    }));
    // Block edges, then code elements: one handler for both.
    let fresh: flow::OnEdge<Leading> = Rc::new(|l, _, _| l.fresh = true);
    let code: flow::OnEdge<Leading> = Rc::new(|l, _, edge| match edge {
        Edge::Start => l.code += 1,
        Edge::End => l.code = l.code.saturating_sub(1),
    });
    settings = flow::on_edges_of(
        settings,
        &state,
        vec![(crate::markdown::BLOCK_ELEMENTS, fresh), (CODE, code)],
    );
    if let Some(content) = crate::fixed_selectors::fixed(&CONTENT_LIST) {
        let s = Rc::clone(&state);
        let hooks = hooks.clone();
        settings = settings.append_element_content_handler((
            Cow::Owned(content),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                if !hooks.gone(el.removed()) {
                    s.borrow_mut().fresh = false;
                }
                Ok(())
            }),
        ));
    }
    {
        let s = Rc::clone(&state);
        let hooks = hooks.clone();
        settings = settings.append_element_content_handler((
            Cow::Borrowed(breaks),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                if hooks.gone(el.removed()) || el.tag_name() != "br" {
                    return Ok(());
                }
                let l = s.borrow();
                if l.fresh && l.code == 0 {
                    el.remove();
                    (hooks.bump)(el.source_location().bytes().start);
                }
                Ok(())
            }),
        ));
    }
    flow::on_visible_text(settings, &hooks, &state, |l, _, gone| {
        if !gone {
            l.fresh = false;
        }
    })
}

#[derive(Debug, Default)]
struct CodeBreaks {
    /// Open matches (code blocks).
    depth: u32,
    /// Outermost matches seen so far; the last one counted.
    blocks: u32,
    counted: Option<u32>,
    /// A `<br>` came last: a newline right after it goes.
    after_break: bool,
}

/// Registers the handlers of one `collapse_code_breaks` rule whose code blocks `blocks` selects.
pub(crate) fn register_code_breaks<'h>(
    mut settings: Settings<'h, 'h>,
    blocks: &'h Selector,
    hooks: Hooks<'h>,
) -> Settings<'h, 'h> {
    let state = Rc::new(RefCell::new(CodeBreaks::default()));
    {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Borrowed(blocks),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let Some(handlers) = el.end_tag_handlers() else {
                    return Ok(());
                };
                {
                    let mut c = s.borrow_mut();
                    if c.depth == 0 {
                        c.blocks += 1;
                    }
                    c.depth += 1;
                    c.after_break = false;
                }
                let s = Rc::clone(&s);
                handlers.push(Box::new(move |_| {
                    let mut c = s.borrow_mut();
                    c.depth = c.depth.saturating_sub(1);
                    c.after_break = false;
                    Ok(())
                }));
                Ok(())
            }),
        ));
    }
    if let Some(all) = crate::fixed_selectors::fixed("*") {
        let s = Rc::clone(&state);
        let hooks = hooks.clone();
        settings = settings.append_element_content_handler((
            Cow::Owned(all),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let mut c = s.borrow_mut();
                if c.depth > 0 && el.tag_name() == "br" {
                    c.after_break = !hooks.gone(el.removed());
                }
                Ok(())
            }),
        ));
    }
    let s = Rc::clone(&state);
    settings.append_document_content_handler(DocumentContentHandlers::default().text(
        move |t: &mut TextChunk| {
            let mut c = s.borrow_mut();
            if !c.after_break || c.depth == 0 {
                return Ok(());
            }
            let raw = t.as_str();
            if raw.is_empty() {
                // lol_html may end a text node with an empty chunk: wait for the next one.
                return Ok(());
            }
            c.after_break = false;
            if hooks.gone(t.removed()) {
                return Ok(());
            }
            let Some(rest) = raw.strip_prefix("\r\n").or_else(|| raw.strip_prefix('\n')) else {
                return Ok(());
            };
            let rest = rest.to_owned();
            t.replace(&rest, ContentType::Html);
            if c.counted != Some(c.blocks) {
                c.counted = Some(c.blocks);
                (hooks.bump)(t.source_location().bytes().start);
            }
            Ok(())
        },
    ))
}
