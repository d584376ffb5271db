//! The documents shown in a post page's two frames: the original body and the converted one.
//!
//! Both are someone else's HTML (the converted one too: Markdown may hold raw HTML islands), so
//! they are shown the way a mail client shows a message: in an `<iframe sandbox>` without
//! `allow-scripts` (no script, inline handler or meta refresh ever runs), given as `srcdoc`
//! (nothing is fetched to show it), with a Content-Security-Policy of its own that blocks every
//! remote resource. By default the remote addresses of images and the like are also moved to
//! `data-postscrub-*` attributes, so nothing even tries to load and the console stays quiet; the
//! page's "remote images" toggle swaps in the policy that allows images and moves them back.
//!
//! The frames are `allow-same-origin` (still without scripts) only so that the page's own script
//! can scroll the two panes together and restore the moved addresses.

use lol_html::{HtmlRewriter, Settings, element};
use pulldown_cmark::{Options, Parser, html};

/// The policy of a frame while remote resources are blocked (the default).
pub const CSP_BLOCKED: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";
/// The policy once the reader allows remote images.
pub const CSP_REMOTE: &str = "default-src 'none'; img-src data: http: https:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; form-action 'none'";

/// Attributes that make an element fetch something, per element (`*`: any element).
const FETCHING: &[(&str, &str)] = &[
    ("*", "src"),
    ("*", "srcset"),
    ("*", "poster"),
    ("*", "background"),
    ("link", "href"),
    ("image", "href"),
];

/// Prefix of the attribute a fetching attribute is moved to.
pub const MOVED_PREFIX: &str = "data-postscrub-";

/// Markdown rendered as a GFM renderer does (tables, strikethrough, task lists, footnotes),
/// with its raw HTML passed through as GitHub, Hexo and Hugo's renderers do.
pub fn markdown_to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM;
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, Parser::new_ext(markdown, options));
    out
}

/// `body` with its scripts, inline handlers, meta refreshes and plugins (`object` unwrapped to
/// its fallback content, `embed` removed) removed, and the addresses of
/// what it would fetch moved aside (see the module docs). `data:`
/// addresses stay, as they fetch nothing. Stylesheets are switched off (`media="not all"`, the
/// original media kept aside) and style attributes that name a `url(` are held aside. HTML the rewriter cannot take is returned as it is:
/// the frame's policy still blocks it.
pub fn hold_remote(body: &str) -> String {
    let mut settings = Settings::new().with_memory_settings(crate::clean::memory_settings());
    for &(tag, attr) in FETCHING {
        let selector = if tag == "*" {
            format!("[{attr}]")
        } else {
            format!("{tag}[{attr}]")
        };
        settings = settings.append_element_content_handler(element!(selector, move |el| {
            if let Some(value) = el.get_attribute(attr)
                && !value.trim_start().to_ascii_lowercase().starts_with("data:")
            {
                el.remove_attribute(attr);
                el.set_attribute(&format!("{MOVED_PREFIX}{attr}"), &value)?;
            }
            Ok(())
        }));
    }
    // CSS fetches too: a style attribute with a `url(` is held aside whole, and a stylesheet
    // applies to no media (so none of its images is fetched) until the toggle.
    settings = settings
        .append_element_content_handler(element!("[style]", |el| {
            if let Some(style) = el.get_attribute("style")
                && style.to_ascii_lowercase().contains("url(")
            {
                el.remove_attribute("style");
                el.set_attribute(&format!("{MOVED_PREFIX}style"), &style)?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("style", |el| {
            let media = el.get_attribute("media").unwrap_or_default();
            el.set_attribute(&format!("{MOVED_PREFIX}media"), &media)?;
            el.set_attribute("media", "not all")?;
            Ok(())
        }));
    // Scripts would not run in the sandbox anyway, but each would be a console error: they go,
    // with inline handlers and meta refreshes (which the sandbox refuses too).
    settings = settings
        .append_element_content_handler(element!("script, meta[http-equiv], embed", |el| {
            el.remove();
            Ok(())
        }))
        // Plugins never run in the sandbox; a browser without one shows an object's content,
        // and an object left without its data can hold up the frame's load event.
        .append_element_content_handler(element!("object", |el| {
            el.remove_and_keep_content();
            Ok(())
        }))
        .append_element_content_handler(element!("*", |el| {
            let handlers: Vec<String> = el
                .attributes()
                .iter()
                .map(|a| a.name())
                .filter(|n| n.starts_with("on"))
                .collect();
            for name in handlers {
                el.remove_attribute(&name);
            }
            Ok(())
        }));
    let mut out = Vec::with_capacity(body.len() + 256);
    let mut rewriter = HtmlRewriter::new(settings, |chunk: &[u8]| out.extend_from_slice(chunk));
    let done = rewriter
        .write(body.as_bytes())
        .and_then(|()| rewriter.end());
    match (done, String::from_utf8(out)) {
        (Ok(()), Ok(text)) => text,
        _ => body.to_owned(),
    }
}

/// The start of a frame document, up to and including `<body>`, under `csp`.
pub fn prefix(csp: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
<meta name=\"referrer\" content=\"no-referrer\"><base target=\"_blank\">\
<style>{FRAME_CSS}</style></head><body>"
    )
}

/// A whole frame document for `body` (HTML), blocked by default.
pub fn document(body: &str) -> String {
    let mut doc = prefix(CSP_BLOCKED);
    doc.push_str(&hold_remote(body));
    doc.push_str("</body></html>");
    doc
}

/// Readable defaults for a post shown without its site's theme.
const FRAME_CSS: &str = "body{font:16px/1.6 system-ui,sans-serif;margin:0 auto;padding:12px 16px;max-width:46em;color:#222;overflow-wrap:anywhere}img,video,iframe{max-width:100%;height:auto}pre{overflow:auto;background:#f4f4f4;padding:8px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}img:not([src]){display:inline-block;min-width:4em;min-height:2em;background:#eee;outline:1px dashed #aaa}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gfm_is_rendered() {
        let html =
            markdown_to_html("| a | b |\n|---|:-:|\n| 1 | 2 |\n\n~~x~~ **y**\n\n- [x] done\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>x</del>"), "{html}");
        assert!(html.contains("checkbox"), "{html}");
    }

    #[test]
    fn remote_addresses_are_moved_and_data_kept() {
        let body = r#"<p><img src="https://x/a.png" srcset="https://x/b.png 2x"><img src="data:image/png;base64,AA"><iframe src="//evil/"></iframe><link rel="stylesheet" href="https://x/s.css"><a href="https://x/">l</a></p>"#;
        let held = hold_remote(body);
        assert!(!held.contains(" src=\"https"), "{held}");
        assert!(!held.contains(" src=\"//"), "{held}");
        assert!(
            held.contains(r#"data-postscrub-src="https://x/a.png""#),
            "{held}"
        );
        assert!(
            held.contains(r#"data-postscrub-srcset="https://x/b.png 2x""#),
            "{held}"
        );
        assert!(held.contains(r#"src="data:image/png;base64,AA""#), "{held}");
        assert!(
            held.contains(r#"data-postscrub-href="https://x/s.css""#),
            "{held}"
        );
        // Links fetch nothing until clicked (and the sandbox has no popups for them).
        assert!(held.contains(r#"<a href="https://x/">"#), "{held}");
    }

    #[test]
    fn scripts_and_handlers_go() {
        let held = hold_remote(
            r#"<p onclick="x()" ONMOUSEOVER="y()" title="on">a<script>alert(1)</script><meta http-equiv="refresh" content="0;url=https://x/"></p>"#,
        );
        assert_eq!(held, r#"<p title="on">a</p>"#);
        assert_eq!(
            hold_remote(
                r#"<object data="https://x/a.swf"><param name="m"><p>fallback</p></object><embed src="https://x/b.swf">"#
            ),
            r#"<param name="m"><p>fallback</p>"#
        );
    }

    #[test]
    fn the_document_starts_with_its_policy() {
        let doc = document("<script>alert(1)</script>");
        assert!(doc.starts_with(&prefix(CSP_BLOCKED)));
        assert!(CSP_BLOCKED.contains("default-src 'none'"));
        assert!(!CSP_BLOCKED.contains("http"));
        assert_eq!(
            prefix(CSP_BLOCKED).len() - CSP_BLOCKED.len(),
            prefix(CSP_REMOTE).len() - CSP_REMOTE.len()
        );
    }
}
