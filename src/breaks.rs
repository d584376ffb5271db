//! The `paragraph_breaks` and `remove_redundant_titles` clean-ups: two editorial choices the
//! converter used to make silently, now rules that show in `--explain` and can be turned off.
//!
//! `<p>a<br><br>b</p>` shows a blank line between `a` and `b`, and the converter writes exactly
//! that: two line breaks. Scraped posts use `<br><br>` where they mean a new paragraph, so
//! `paragraph_breaks` turns the second break of a run into `<p>` (and drops the ones after it):
//! in HTML a `<p>` start closes the open paragraph, and the converter drops the first break,
//! now at the end of a block. It never acts inside headings, table cells, code or inline
//! formatting (`<strong>a<br><br>b</strong>`), where a paragraph start would end more than the
//! line: there the breaks stay breaks. The `<p>` is written only once content follows (text or
//! an inline element, not a block start), so no empty paragraph is made.
//!
//! `title="a.png"` on `<img src="/x/a.png">` is a tooltip that repeats what the reader sees.
//! CMSs fill titles that way (Juejin, woshipm, Dockone); `remove_redundant_titles` drops a
//! title that is blank or equals the URL, its file name, or the alt text.
//!
//! Both work in the rewriting pass itself: what they need is known when the element arrives.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use lol_html::html_content::{ContentType, Element, TextChunk};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, Selector, Settings};

/// Elements inside which a `<p>` would end more than the line.
const INHIBIT: &[&str] = &[
    "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption", "pre", "listing", "xmp", "code",
    "tt", "samp", "kbd", "a", "strong", "b", "em", "i", "cite", "dfn", "var", "s", "del", "strike",
    "u", "ins", "mark", "sup", "sub", "button", "select", "textarea",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    /// No break since the last content.
    None,
    /// One break since the last content.
    One,
    /// Two breaks: the second is gone, and a `<p>` goes before the next content (text or an
    /// inline element; a block start separates by itself). Further breaks go.
    Pending,
}

/// Elements that start a block of their own.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "center",
    "address",
    "details",
    "summary",
    "fieldset",
    "form",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "pre",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
];

#[derive(Debug)]
struct Breaks {
    run: Run,
    /// Depth of [`INHIBIT`] elements we are in.
    inhibit: u32,
}

/// Registers the handlers of one `paragraph_breaks` rule whose breaks `breaks` selects.
pub(crate) fn register_breaks<'h>(
    mut settings: Settings<'h, 'h>,
    breaks: &'h Selector,
    bump: impl Fn(usize) + 'h,
    removed_depth: Rc<Cell<u32>>,
) -> Settings<'h, 'h> {
    let state = Rc::new(RefCell::new(Breaks {
        run: Run::None,
        inhibit: 0,
    }));
    if let Ok(all) = "*".parse::<Selector>() {
        let s = Rc::clone(&state);
        settings = settings.append_element_content_handler((
            Cow::Owned(all),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                let name = el.tag_name();
                if name == "br" {
                    return Ok(());
                }
                let mut b = s.borrow_mut();
                if b.run == Run::Pending {
                    if el.removed() {
                        return Ok(());
                    }
                    if !BLOCKS.contains(&name.as_str()) {
                        el.before("<p>", ContentType::Html);
                    }
                }
                b.run = Run::None;
                if INHIBIT.contains(&name.as_str())
                    && let Some(handlers) = el.end_tag_handlers()
                {
                    b.inhibit += 1;
                    let s = Rc::clone(&s);
                    handlers.push(Box::new(move |_| {
                        let mut b = s.borrow_mut();
                        b.inhibit = b.inhibit.saturating_sub(1);
                        b.run = Run::None;
                        Ok(())
                    }));
                }
                Ok(())
            }),
        ));
    }
    {
        let s = Rc::clone(&state);
        let removed = Rc::clone(&removed_depth);
        settings = settings.append_element_content_handler((
            Cow::Borrowed(breaks),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                if el.removed() || removed.get() > 0 || el.tag_name() != "br" {
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
                        bump(el.source_location().bytes().start);
                        Run::Pending
                    }
                    Run::Pending => {
                        el.remove();
                        Run::Pending
                    }
                };
                Ok(())
            }),
        ));
    }
    let s = Rc::clone(&state);
    settings.append_document_content_handler(DocumentContentHandlers::default().text(
        move |t: &mut TextChunk| {
            if t.as_str().bytes().any(|b| !b.is_ascii_whitespace()) {
                let mut b = s.borrow_mut();
                if b.run == Run::Pending {
                    if t.removed() || removed_depth.get() > 0 {
                        return Ok(());
                    }
                    t.before("<p>", ContentType::Html);
                }
                b.run = Run::None;
            }
            Ok(())
        },
    ))
}

/// The `remove_redundant_titles` handler.
pub(crate) fn titles<'h>(
    bump: impl Fn(usize) + 'h,
) -> Box<dyn FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h> {
    Box::new(move |el| {
        if el.removed() {
            return Ok(());
        }
        let Some(title) = el.get_attribute("title") else {
            return Ok(());
        };
        let title = htmlize::unescape_attribute(&title).into_owned();
        let decoded = |name: &str| {
            el.get_attribute(name)
                .map(|v| htmlize::unescape_attribute(&v).trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let urls: Vec<String> = [
            "href",
            "src",
            "data-src",
            "data-original",
            "_src",
            "data-actualsrc",
            "data-lazy-src",
        ]
        .iter()
        .filter_map(|n| decoded(n))
        .collect();
        let alt = decoded("alt");
        if repeats(&title, &urls, alt.as_deref()) {
            el.remove_attribute("title");
            bump(el.source_location().bytes().start);
        }
        Ok(())
    })
}

/// A title that is blank or only repeats one of the URLs, its file name, or the alt text.
fn repeats(title: &str, urls: &[String], alt: Option<&str>) -> bool {
    let title = title.trim();
    if title.is_empty() || alt == Some(title) {
        return true;
    }
    urls.iter().any(|url| {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        url == title || path.rsplit('/').next() == Some(title)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redundant_titles() {
        let urls = ["https://a/b/c.png?x=1".to_owned()];
        assert!(repeats("c.png", &urls, None));
        assert!(repeats("https://a/b/c.png?x=1", &urls, None));
        assert!(repeats(" ", &urls, None));
        assert!(repeats("图", &urls, Some("图")));
        assert!(!repeats("架构图", &urls, Some("图")));
    }
}
