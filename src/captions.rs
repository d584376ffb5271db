//! The `caption_images` clean-up: text right after a picture that opens a block is that
//! picture's caption, and goes on a line of its own.
//!
//! CMSs write a figure as `<div><img><span class="img_descr">图：…</span></div>` or
//! `<p><a><img></a> <em>说明</em></p>`: in the browser the text shows under the picture. Read
//! faithfully, it is one paragraph, the text running on after `![](…)`; as an editorial choice
//! (a rule, so it shows in `--explain` and can be turned off) a `<br>` is put before the first
//! text or code that follows such a picture. Pictures side by side, icons (declared at most
//! 32 px wide or high), and pictures in headings and table cells are left alone.
//!
//! This runs in the rewriting pass itself ([`crate::flow`]): whether a picture opens its block
//! is known when its start tag arrives (no text since the block's start), and the `<br>` goes
//! before the text chunk or `<code>` that comes next.

use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element};
use lol_html::{ElementContentHandlers, Selector, Settings};

use crate::flow::{self, Edge, Hooks};

/// Where a picture gets no caption line.
const OFF: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6", "td", "th"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing visible yet in the current block.
    Fresh,
    /// The block opened with a picture and nothing came after it yet.
    AfterImage,
    /// Anything else.
    Seen,
}

#[derive(Debug)]
struct Caption {
    state: State,
    /// Depth of [`OFF`] elements we are in.
    off: u32,
}

/// Registers the handlers of one `caption_images` rule whose pictures `images` selects.
pub(crate) fn register<'h>(
    mut settings: Settings<'h, 'h>,
    images: &'h Selector,
    hooks: Hooks<'h>,
) -> Settings<'h, 'h> {
    let state = Rc::new(RefCell::new(Caption {
        state: State::Fresh,
        off: 0,
    }));
    // Block edges, then the elements captions stay out of: one handler for both.
    let fresh: flow::OnEdge<Caption> = Rc::new(|c, _, _| c.state = State::Fresh);
    let off: flow::OnEdge<Caption> = Rc::new(|c, _, edge| match edge {
        Edge::Start => c.off += 1,
        Edge::End => c.off = c.off.saturating_sub(1),
    });
    settings = flow::on_edges_of(
        settings,
        &state,
        vec![(crate::markdown::BLOCK_ELEMENTS, fresh), (OFF, off)],
    );
    {
        let s = Rc::clone(&state);
        let hooks = hooks.clone();
        settings = settings.append_element_content_handler((
            Cow::Borrowed(images),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let mut c = s.borrow_mut();
                if hooks.gone(el.removed()) || !has_source(el) {
                    return Ok(());
                }
                c.state = if c.state == State::Fresh && c.off == 0 && !is_icon(el) {
                    State::AfterImage
                } else {
                    State::Seen
                };
                Ok(())
            }),
        ));
    }
    if let Some(code) =
        crate::fixed_selectors::fixed("code, br, iframe, video, audio, embed, object")
    {
        let s = Rc::clone(&state);
        let hooks = hooks.clone();
        settings = settings.append_element_content_handler((
            Cow::Owned(code),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                if hooks.gone(el.removed()) {
                    return Ok(());
                }
                let mut c = s.borrow_mut();
                match el.tag_name().as_str() {
                    "code" if c.state == State::AfterImage => {
                        el.before("<br>", ContentType::Html);
                        (hooks.bump)(el.source_location().bytes().start);
                        c.state = State::Seen;
                    }
                    // A break before any content leaves the picture opening the block
                    // (`trim_leading_breaks` removes such breaks).
                    "br" if c.state == State::Fresh => {}
                    _ => c.state = State::Seen,
                }
                Ok(())
            }),
        ));
    }
    let bump = Rc::clone(&hooks.bump);
    flow::on_visible_text(settings, &hooks, &state, move |c, t, gone| {
        if gone {
            return;
        }
        if c.state == State::AfterImage {
            t.before("<br>", ContentType::Html);
            bump(t.source_location().bytes().start);
        }
        c.state = State::Seen;
    })
}

/// An image the converter writes: some source it can use.
fn has_source(el: &Element<'_, '_>) -> bool {
    [
        "src",
        "data-src",
        "data-original",
        "_src",
        "data-actualsrc",
        "data-lazy-src",
        "srcset",
        "data-srcset",
    ]
    .iter()
    .any(|n| {
        el.get_attribute(n).is_some_and(|v| {
            let v = v.trim();
            !v.is_empty() && !v.starts_with("data:") && v != "about:blank" && v != "#"
        })
    })
}

/// Declared at most 32 pixels wide or high: an inline icon, not a picture with a caption.
fn is_icon(el: &Element<'_, '_>) -> bool {
    ["width", "height"].iter().any(|n| {
        el.get_attribute(n)
            .and_then(|v| v.trim().trim_end_matches("px").trim().parse::<u32>().ok())
            .is_some_and(|px| px <= 32)
    })
}
