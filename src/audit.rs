//! What a converted Markdown body asks of the site generator that builds it.
//!
//! Some output is only right if the site is set up for it, and the user cannot see that in a
//! diff: Hugo drops raw HTML unless `markup.goldmark.renderer.unsafe` is set, so a table kept
//! as HTML or a kept player vanishes; images on hosts that refuse other sites' referrers
//! loaded on the old pages only because each had `referrerpolicy="no-referrer"` (which the
//! common preset removes, as Markdown cannot carry it). This module reads the body as a
//! CommonMark renderer would and lists those needs, so the pipeline can warn per post and the
//! reporter can say once per run what to set.

use pulldown_cmark::{Event, Parser, Tag};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Image hosts that answer a request carrying another site's `Referer` with an error or a
/// placeholder, and serve the image to a request without one (each was seen doing so, and
/// each is in the corpus): Sina's and Weibo's image CDN, WeChat's, bilibili's.
pub const REFERRER_CHECKING_HOSTS: &[&str] = &["sinaimg.cn", "qpic.cn", "hdslb.com"];

/// What one body needs from the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needs {
    /// Raw HTML elements, by name, with how many start tags (comments aside: they show
    /// nothing either way).
    pub raw_html: BTreeMap<String, u32>,
    /// Images whose host checks the referrer, by site (an entry of
    /// [`REFERRER_CHECKING_HOSTS`]).
    pub referrer_images: BTreeMap<String, u32>,
    /// Images linked over `http://`.
    pub http_images: u32,
}

static TAG: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"<([A-Za-z][A-Za-z0-9-]*)").expect("valid regex"));
static IMG_SRC: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r#"(?i)<img\b[^>]*?\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#)
        .expect("valid regex")
});

const PARTS: &[&str] = &[
    "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup", "col", "source", "track",
    "param", "li",
];

/// Reads `markdown` as CommonMark with GFM tables and strikethrough.
pub fn audit(markdown: &str) -> Needs {
    let mut needs = Needs::default();
    if worth_reading(markdown) {
        for event in Parser::new_ext(markdown, crate::body::markdown_options()) {
            needs.observe(&event);
        }
    }
    needs
}

/// The body's raw-HTML islands ([`crate::body::html_islands`]) and its [`Needs`], from one
/// read of the text: the pipeline needs both of the same Markdown, and reading it is most of
/// the cost of either.
pub fn islands_and_needs(markdown: &str) -> (Vec<std::ops::Range<usize>>, Needs) {
    let mut needs = Needs::default();
    if !worth_reading(markdown) {
        return (Vec::new(), needs);
    }
    let islands = crate::body::html_islands_with(markdown, |event| needs.observe(event));
    (islands, needs)
}

/// Images start with `![` and raw HTML with a tag-like `<`: without either there is nothing
/// to find, and no need to parse.
fn worth_reading(markdown: &str) -> bool {
    markdown.contains("![") || crate::body::may_hold_html(markdown)
}

impl Needs {
    /// The needs of a Markdown body that holds no raw HTML ([`crate::body::may_hold_html`]
    /// is false) and whose images have `destinations` (as read), without reading it: what
    /// [`audit`] finds in such a body. The converter knows the images it wrote.
    pub fn of_images<'a>(destinations: impl IntoIterator<Item = &'a str>) -> Needs {
        let mut needs = Needs::default();
        for d in destinations {
            needs.image(d);
        }
        needs
    }

    /// Counts what one event of the body's CommonMark reading asks of the site.
    fn observe(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => self.image(dest_url),
            Event::Html(html) | Event::InlineHtml(html) => {
                for tag in TAG.captures_iter(html) {
                    // Parts are named by their whole (`<table>`, `<video>`).
                    if PARTS.iter().any(|p| tag[1].eq_ignore_ascii_case(p)) {
                        continue;
                    }
                    *self
                        .raw_html
                        .entry(tag[1].to_ascii_lowercase())
                        .or_insert(0) += 1;
                }
                for img in IMG_SRC.captures_iter(html) {
                    if let Some(src) = img.get(1).or(img.get(2)).or(img.get(3)) {
                        self.image(&htmlize::unescape_attribute(src.as_str()));
                    }
                }
            }
            _ => {}
        }
    }

    fn image(&mut self, url: &str) {
        let url = url.trim();
        let Some((scheme, rest)) = url.split_once("://") else {
            return;
        };
        if scheme.eq_ignore_ascii_case("http") {
            self.http_images += 1;
        }
        let host = rest
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("")
            .rsplit('@')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if let Some(site) = REFERRER_CHECKING_HOSTS
            .iter()
            .find(|h| host == **h || host.ends_with(&format!(".{h}")))
        {
            *self.referrer_images.entry((*site).to_owned()).or_insert(0) += 1;
        }
    }

    /// `<table> ×2, <iframe>`: the raw HTML named for a warning.
    pub fn raw_html_list(&self) -> String {
        self.raw_html
            .iter()
            .map(|(name, n)| {
                if *n > 1 {
                    format!("<{name}> ×{n}")
                } else {
                    format!("<{name}>")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_raw_html_and_images() {
        let md = "a<sup>1</sup> ![](http://n.sinaimg.cn/x.jpg) ![](https://i.example/y.png)\n\n<table>\n<tr><td><img src=\"https://mmbiz.qpic.cn/z\"></td></tr>\n</table>\n\n<!-- c -->\n\n`<code>` and\n\n```\n<pre>\n```\n";
        let n = audit(md);
        assert_eq!(n.raw_html_list(), "<img>, <sup>, <table>");
        assert_eq!(
            n.referrer_images.into_iter().collect::<Vec<_>>(),
            [("qpic.cn".to_owned(), 1), ("sinaimg.cn".to_owned(), 1)]
        );
        assert_eq!(n.http_images, 1);
        assert_eq!(audit("plain *text*\n"), Needs::default());
    }
}
