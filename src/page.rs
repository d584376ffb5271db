//! Full HTML pages (a saved web page, not a post's HTML fragment): their `<title>`.
//!
//! A post's title lives in its front matter. A page saved whole (`<!DOCTYPE html>`, then
//! `<html>` and `<head>`) has it in `<title>`, which the converter drops with the rest of
//! `<head>`; when such a page has no front matter, the title becomes `title:` so the converted
//! post keeps it.

use lol_html::{HtmlRewriter, Settings, element, text};
use std::cell::{Cell, RefCell};

/// Whether `body` is a whole HTML document: it starts with a doctype or an `<html>` tag.
pub fn is_full_document(body: &str) -> bool {
    let start = body.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let head: String = start
        .chars()
        .take(14)
        .collect::<String>()
        .to_ascii_lowercase();
    head.starts_with("<!doctype html")
        || head.starts_with("<html") && {
            let after = head.as_bytes().get(5).copied();
            matches!(
                after,
                None | Some(b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/')
            )
        }
}

/// The page's title: the text of its first `<title>` before `<body>` (a `<title>` inside an
/// `<svg>` names the picture), entities decoded and ASCII white space collapsed; with the byte
/// offset of its `<title>` tag. `None` when there is none, or it is empty.
pub fn title(document: &str) -> Option<(String, usize)> {
    let done = Cell::new(false);
    let inside = Cell::new(false);
    let raw = RefCell::new(String::new());
    let at = Cell::new(None);
    {
        let mut rewriter = HtmlRewriter::new(
            Settings::new()
                .with_memory_settings(crate::clean::memory_settings())
                .append_element_content_handler(element!("body, svg", |_| {
                    done.set(true);
                    Ok(())
                }))
                .append_element_content_handler(element!("title", |el| {
                    if !done.get() {
                        inside.set(true);
                        at.set(Some(el.source_location().bytes().start));
                    }
                    Ok(())
                }))
                .append_element_content_handler(text!("title", |t| {
                    if inside.get() {
                        raw.borrow_mut().push_str(t.as_str());
                        // A title's text is one node: its last chunk ends the title.
                        if t.last_in_text_node() {
                            inside.set(false);
                            done.set(true);
                        }
                    }
                    Ok(())
                })),
            |_: &[u8]| {},
        );
        rewriter.write(document.as_bytes()).ok()?;
        rewriter.end().ok()?;
    }
    let decoded = htmlize::unescape(raw.into_inner());
    // As `document.title`: ASCII white space collapsed (U+3000 is text).
    let title = decoded
        .split([' ', '\t', '\n', '\r', '\x0c'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| (title, at.get().unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_documents() {
        assert!(is_full_document("\n<!DOCTYPE html>\n<html>"));
        assert!(is_full_document("<HTML lang=zh>"));
        assert!(!is_full_document("<div>x</div>"));
        assert!(!is_full_document("<htmlx>"));
    }

    #[test]
    fn titles() {
        let page = "<!doctype html><html><head><meta charset=utf-8><title>\n  A &amp; B\u{3000}：  C </title></head><body><svg><title>icon</title></svg></body></html>";
        let (t, at) = title(page).unwrap();
        assert_eq!(t, "A & B\u{3000}： C");
        assert_eq!(&page[at..at + 7], "<title>");
        assert_eq!(
            title("<html><body><svg><title>icon</title></svg></body></html>"),
            None
        );
        assert_eq!(title("<html><head><title>  </title></head></html>"), None);
        // A title never closed still ends the document's text, not the post.
        assert_eq!(
            title("<html><title>a &lt;b").map(|t| t.0).as_deref(),
            Some("a <b")
        );
    }
}
