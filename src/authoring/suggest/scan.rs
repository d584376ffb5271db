//! One lol_html pass over one post's body: what could be boilerplate in it, as observations.
//!
//! The pass keeps nothing of the post but what later passes need to find repetition: each
//! element with a class or id (its selector, its text normalized and cut short, the pictures in
//! it, where it is), each `<style>`/`<script>` block as a hash, each comment's leading word, the
//! attributes of each kind of element, `label：value` paragraphs at the start and end, and the
//! class names and hosts a `when:` marker can be chosen from. Text is collected once for the
//! whole post; an element's text is a slice of it, so nested elements cost nothing extra.

use lol_html::html_content::{Comment, Element, TextChunk, TextType};
use lol_html::{DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, Selector, Settings};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::Hasher;
use std::rc::Rc;

/// Text kept of an element, in characters: enough to show it and to match it again.
pub const TEXT_CAP: usize = 300;
/// Pictures kept per element.
const MEDIA_CAP: usize = 4;
/// Paragraphs kept at each end of a post, where `label：value` lines are looked for.
const EDGE_PARAGRAPHS: usize = 4;
/// Marker tokens kept per post.
const MARKER_CAP: usize = 400;
/// Stands for a run of digits in normalized text ("read 1,234 times" ≈ "read 99 times").
pub const DIGITS: char = '\u{E000}';

/// What one post holds that could repeat.
#[derive(Debug, Default)]
pub struct PostScan {
    pub blocks: Vec<BlockObs>,
    pub raws: Vec<RawObs>,
    pub comments: Vec<CommentObs>,
    /// Per tag: how many elements, and per attribute name how many of them carry it.
    pub tags: BTreeMap<String, TagCount>,
    pub lines: Vec<LineObs>,
    pub markers: BTreeSet<String>,
    /// URLs behind a proxy or redirect page: `(tag, attribute, prefix, encoded)` per element.
    pub proxies: Vec<Proxied>,
    /// Visible characters (white space not counted).
    pub visible: usize,
}

#[derive(Debug, Default, Clone)]
pub struct TagCount {
    pub elements: u32,
    pub attributes: BTreeMap<String, u32>,
    /// Attributes whose value is a URL (lazy-image sources), on `img` only.
    pub url_attributes: BTreeMap<String, u32>,
}

/// An `img src` or `a href` that carries another URL after a fixed prefix
/// (`https://cors.example/?http://…`, `https://link.example/?target=https%3A%2F%2F…`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Proxied {
    pub tag: &'static str,
    pub attribute: &'static str,
    pub prefix: String,
    /// The URL after the prefix is percent-encoded.
    pub encoded: bool,
}

/// The fixed prefix before an embedded URL, and whether that URL is percent-encoded.
pub fn proxy_prefix(value: &str) -> Option<(String, bool)> {
    let value = value.trim();
    if !(value.starts_with("http://") || value.starts_with("https://")) {
        return None;
    }
    let query = value.find('?')?;
    let rest = &value[query + 1..];
    let (param, url) = match rest.split_once('=') {
        Some((p, u)) if p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            (p.len() + 1, u)
        }
        _ => (0, rest),
    };
    let plain = url.starts_with("http://") || url.starts_with("https://");
    let encoded = url.starts_with("http%3A%2F%2F") || url.starts_with("https%3A%2F%2F");
    if !(plain || encoded) {
        return None;
    }
    let prefix = &value[..query + 1 + param];
    (prefix.len() < 120 && !prefix.contains('"')).then(|| (prefix.to_owned(), encoded))
}

/// An element with a class or id.
#[derive(Debug, Clone)]
pub struct BlockObs {
    pub tag: String,
    /// The element's selector: `div.a.b`, `div#x` or `span[id^="stock_"]`.
    pub selector: String,
    /// The selector names an id (or id prefix), not only classes.
    pub by_id: bool,
    /// Text normalized: white space collapsed, digit runs as [`DIGITS`], at most [`TEXT_CAP`].
    pub text: String,
    /// Characters of visible text (white space not counted), before the cut.
    pub chars: usize,
    pub media: Vec<String>,
    /// `href` pattern for links: scheme, host and first path segment.
    pub href: Option<String>,
    /// The generated code after an id prefix (`sz300959` of `stock_sz300959`), when the rest of
    /// the id looks generated (see [`generated_code`]).
    pub id_code: Option<String>,
    /// The generated code in a link's `href` path (a keyword-link service's page per word:
    /// `…/realstock/company/sz300959/nc.shtml`).
    pub href_code: Option<String>,
    /// Byte range of the element in the body.
    pub span: (usize, usize),
    /// Selectors of the class/id elements it is inside.
    pub inside: Vec<String>,
}

/// A `<style>`, `<script>` or `<noscript>` block.
#[derive(Debug, Clone)]
pub struct RawObs {
    pub tag: String,
    pub hash: u64,
    pub sample: String,
    pub span: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct CommentObs {
    /// The comment's leading word (`news_keyword_pub`, `article_adlist[`, `正文下iframe`).
    pub prefix: String,
    pub sample: String,
    pub span: (usize, usize),
}

/// Where a `label：value` paragraph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edge {
    Start,
    End,
}

#[derive(Debug, Clone)]
pub struct LineObs {
    pub label: String,
    pub edge: Edge,
    /// `p` or `p.class`.
    pub selector: String,
    pub text: String,
    pub span: (usize, usize),
}

/// An element still open during the pass.
struct Open {
    id: u32,
    tag: String,
    selector: Option<(String, bool)>,
    start: usize,
    text_start: usize,
    media_start: usize,
    href: Option<String>,
    href_code: Option<String>,
    raw: Option<String>,
    id_code: Option<String>,
}

#[derive(Default)]
struct State {
    scan: PostScan,
    /// The post's visible text so far, white space collapsed.
    text: String,
    media: Vec<String>,
    open: Vec<Open>,
    pending: String,
    /// The first and the last [`EDGE_PARAGRAPHS`] paragraphs.
    paragraphs: Vec<LineObs>,
    paragraph_count: usize,
    next_id: u32,
}

/// Scan one body. A body lol_html cannot parse gives what was seen up to the error.
pub fn scan(body: &str) -> PostScan {
    let state = Rc::new(RefCell::new(State::default()));
    let all: Selector = "*".parse().expect("`*` is a selector");
    let s_el = Rc::clone(&state);
    let s_text = Rc::clone(&state);
    let s_comment = Rc::clone(&state);
    let settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(crate::clean::memory_settings())
        .append_element_content_handler((
            Cow::Owned(all),
            ElementContentHandlers::default().element(move |el: &mut Element| {
                start_element(&s_el, el);
                Ok(())
            }),
        ))
        .append_document_content_handler(
            DocumentContentHandlers::default()
                .text(move |t: &mut TextChunk| {
                    let mut st = s_text.borrow_mut();
                    match t.text_type() {
                        TextType::Data => {
                            st.pending.push_str(t.as_str());
                            if t.last_in_text_node() {
                                let raw = std::mem::take(&mut st.pending);
                                let decoded = htmlize::unescape(&raw);
                                push_text(&mut st, &decoded);
                            }
                        }
                        TextType::RawText | TextType::ScriptData => {
                            if let Some(raw) = st.open.last_mut().and_then(|o| o.raw.as_mut())
                                && raw.len() < 64 * 1024
                            {
                                raw.push_str(t.as_str());
                            }
                        }
                        _ => {}
                    }
                    Ok(())
                })
                .comments(move |c: &mut Comment| {
                    let mut st = s_comment.borrow_mut();
                    let loc = c.source_location().bytes();
                    let text = c.text();
                    st.scan.comments.push(CommentObs {
                        prefix: comment_prefix(&text),
                        sample: text.trim().chars().take(60).collect(),
                        span: (loc.start, loc.end),
                    });
                    Ok(())
                }),
        );
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    if rewriter.write(body.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
    let state = Rc::try_unwrap(state)
        .ok()
        .expect("the rewriter is gone")
        .into_inner();
    finish(state)
}

fn finish(mut st: State) -> PostScan {
    // The paragraphs kept are the first few and the last few: label lines are looked for there.
    for line in std::mem::take(&mut st.paragraphs) {
        if let Some(label) = label_of(&line.text) {
            st.scan.lines.push(LineObs { label, ..line });
        }
    }
    st.scan.visible = st.text.chars().filter(|c| !c.is_whitespace()).count();
    st.scan
}

fn push_text(st: &mut State, text: &str) {
    for c in text.chars() {
        if c.is_whitespace() {
            if !st.text.ends_with(' ') && !st.text.is_empty() {
                st.text.push(' ');
            }
        } else {
            st.text.push(c);
        }
    }
}

fn start_element(state: &Rc<RefCell<State>>, el: &mut Element) {
    let tag = el.tag_name();
    let loc = el.source_location().bytes();
    let mut st = state.borrow_mut();
    let count = st.scan.tags.entry(tag.clone()).or_default();
    count.elements += 1;
    for a in el.attributes() {
        let name = a.name();
        *count.attributes.entry(name.clone()).or_default() += 1;
        if tag == "img" && name != "src" && name != "srcset" && looks_like_url(&a.value()) {
            *count.url_attributes.entry(name).or_default() += 1;
        }
    }
    if tag == "img"
        && let Some(src) = el.get_attribute("src")
    {
        if let Some((prefix, encoded)) = proxy_prefix(&src) {
            st.scan.proxies.push(Proxied {
                tag: "img",
                attribute: "src",
                prefix,
                encoded,
            });
        }
        let src: String = src.chars().take(200).collect();
        st.media.push(src);
    }
    if tag == "a"
        && let Some(href) = el.get_attribute("href")
        && let Some((prefix, encoded)) = proxy_prefix(&href)
    {
        st.scan.proxies.push(Proxied {
            tag: "a",
            attribute: "href",
            prefix,
            encoded,
        });
    }
    if st.scan.markers.len() < MARKER_CAP {
        if let Some(class) = el.get_attribute("class") {
            for c in class.split_ascii_whitespace() {
                if c.len() >= 4 && is_ident(c) && st.scan.markers.len() < MARKER_CAP {
                    st.scan.markers.insert(c.to_owned());
                }
            }
        }
        for name in ["href", "src"] {
            if let Some(url) = el.get_attribute(name)
                && let Some(host) = host_of(&url)
            {
                st.scan.markers.insert(host);
            }
        }
    }
    if !el.can_have_content() {
        return;
    }
    let selector = signature(&tag, el);
    let raw = matches!(tag.as_str(), "style" | "script" | "noscript").then(String::new);
    let href_attr = (tag == "a").then(|| el.get_attribute("href")).flatten();
    let href = href_attr.as_deref().and_then(href_pattern);
    let href_code = href_attr.as_deref().and_then(href_code);
    let id_code = match &selector {
        Some((s, true)) => s
            .split_once("[id^=\"")
            .and_then(|(_, rest)| rest.strip_suffix("\"]"))
            .and_then(|prefix| {
                let id = el.get_attribute("id")?;
                let code = id.trim().strip_prefix(prefix)?;
                generated_code(code).then(|| code.to_owned())
            }),
        _ => None,
    };
    st.next_id += 1;
    let id = st.next_id;
    let open = Open {
        id,
        tag,
        selector,
        start: loc.start,
        text_start: st.text.len(),
        media_start: st.media.len(),
        href,
        href_code,
        raw,
        id_code,
    };
    st.open.push(open);
    drop(st);
    let state = Rc::clone(state);
    if let Some(handlers) = el.end_tag_handlers() {
        handlers.push(Box::new(move |end| {
            let end = end.source_location().bytes().end;
            end_element(&mut state.borrow_mut(), id, end);
            Ok(())
        }));
    }
}

fn end_element(st: &mut State, id: u32, end: usize) {
    // Elements above it that got no end-tag call were closed without one: they are dropped.
    let Some(at) = st.open.iter().rposition(|o| o.id == id) else {
        return;
    };
    st.open.truncate(at + 1);
    let Some(open) = st.open.pop() else {
        return;
    };
    // End tags an ancestor closes come with the ancestor's end offset: still inside it.
    let span = (open.start, end);
    if let Some(raw) = open.raw {
        st.scan.raws.push(RawObs {
            hash: hash(&normalize(&raw, usize::MAX)),
            sample: raw
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(60)
                .collect(),
            tag: open.tag,
            span,
        });
        return;
    }
    let text = st
        .text
        .get(open.text_start..)
        .unwrap_or("")
        .trim()
        .to_owned();
    if open.tag == "p" {
        st.paragraph_count += 1;
        let line = LineObs {
            label: String::new(),
            edge: Edge::Start,
            selector: match &open.selector {
                Some((s, false)) => s.clone(),
                _ => "p".to_owned(),
            },
            text: text.chars().take(TEXT_CAP).collect(),
            span,
        };
        if st.paragraph_count <= EDGE_PARAGRAPHS {
            st.paragraphs.push(line);
        } else {
            let ends = st.paragraphs.iter().filter(|l| l.edge == Edge::End).count();
            if ends == EDGE_PARAGRAPHS
                && let Some(i) = st.paragraphs.iter().position(|l| l.edge == Edge::End)
            {
                st.paragraphs.remove(i);
            }
            st.paragraphs.push(LineObs {
                edge: Edge::End,
                ..line
            });
        }
    }
    let Some((selector, by_id)) = open.selector else {
        return;
    };
    let media: Vec<String> = st.media[open.media_start..]
        .iter()
        .take(MEDIA_CAP)
        .cloned()
        .collect();
    let inside = st
        .open
        .iter()
        .filter_map(|o| o.selector.as_ref().map(|(s, _)| s.clone()))
        .collect();
    st.scan.blocks.push(BlockObs {
        tag: open.tag,
        selector,
        by_id,
        chars: text.chars().filter(|c| !c.is_whitespace()).count(),
        text: normalize(&text, TEXT_CAP),
        media,
        href: open.href,
        id_code: open.id_code,
        href_code: open.href_code,
        span,
        inside,
    });
}

/// The selector of an element with a class or id: the id when it has one (`div#x`; an id with
/// digits, generated per post, as its prefix: `span[id^="stock_"]`), else its classes without
/// digits (`div.clearfix.appendQr_wrap`). `None` for an element with neither.
fn signature(tag: &str, el: &Element) -> Option<(String, bool)> {
    if !is_ident(tag) {
        return None;
    }
    if let Some(id) = el.get_attribute("id") {
        let id = id.trim();
        if let Some(first_digit) = id.find(|c: char| c.is_ascii_digit()) {
            let head = &id[..first_digit];
            if let Some(cut) = head.rfind(['_', '-']) {
                let prefix = &id[..=cut];
                if prefix.len() >= 2 && is_ident(prefix) {
                    return Some((format!("{tag}[id^=\"{prefix}\"]"), true));
                }
            }
        } else if !id.is_empty() && is_ident(id) {
            return Some((format!("{tag}#{id}"), true));
        }
    }
    let class = el.get_attribute("class")?;
    let mut classes: Vec<&str> = class
        .split_ascii_whitespace()
        .filter(|c| is_ident(c) && !c.contains(|ch: char| ch.is_ascii_digit()))
        .collect();
    classes.sort_unstable();
    classes.dedup();
    if classes.is_empty() {
        return None;
    }
    Some((format!("{tag}.{}", classes.join(".")), false))
}

/// A CSS identifier postscrub writes unquoted: ASCII letters, digits, `-`, `_`, not starting
/// with a digit or `--`.
pub fn is_ident(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with(|c: char| c.is_ascii_digit())
        && !s.starts_with("--")
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn looks_like_url(v: &str) -> bool {
    let v = v.trim();
    (v.starts_with("http://") || v.starts_with("https://") || v.starts_with("//")) && v.len() > 10
}

/// `https://host/first-segment/` of a link, or `None` for relative and odd links.
fn href_pattern(href: &str) -> Option<String> {
    let (scheme, rest) = href.trim().split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let segment = path.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return None;
    }
    let segment = if segment.contains(|c: char| c.is_ascii_digit()) || segment.contains('.') {
        ""
    } else {
        segment
    };
    Some(format!("{scheme}://{host}/{segment}"))
}

/// Whether `code` looks generated by a CMS, not chosen by an author: 4 to 32 ASCII letters and
/// digits with at least 4 digits (a stock code `sz300959`, a database key `a81f2e90`), or at
/// least 5 when it is only digits (not a year); not a number an author counts with
/// (`section-2`, `fig-12`) or a word.
pub fn generated_code(code: &str) -> bool {
    let len = code.len();
    let digits = code.chars().filter(char::is_ascii_digit).count();
    (4..=32).contains(&len)
        && code.chars().all(|c| c.is_ascii_alphanumeric())
        && digits >= if digits == len { 5 } else { 4 }
}

/// The first [`generated_code`] segment of a link's path (not its host, not its query).
fn href_code(href: &str) -> Option<String> {
    let (_, rest) = href.trim().split_once("://")?;
    let path = rest.split(['?', '#']).next().unwrap_or("");
    path.split('/')
        .skip(1)
        .map(|seg| seg.split('.').next().unwrap_or(""))
        .find(|seg| generated_code(seg))
        .map(str::to_owned)
}

fn host_of(href: &str) -> Option<String> {
    let rest = href.trim().split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    (host.contains('.')
        && host.len() >= 4
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
    .then(|| host.to_ascii_lowercase())
}

/// White space collapsed and trimmed, digit runs as [`DIGITS`], at most `cap` characters.
pub fn normalize(text: &str, cap: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in text.chars() {
        if n >= cap {
            break;
        }
        if c.is_whitespace() {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
                n += 1;
            }
        } else if c.is_ascii_digit() {
            if !out.ends_with(DIGITS) {
                out.push(DIGITS);
                n += 1;
            }
        } else {
            out.push(c);
            n += 1;
        }
    }
    out.truncate(out.trim_end().len());
    out
}

pub fn hash(text: &str) -> u64 {
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0x5eed, 0x5c2b);
    h.write(text.as_bytes());
    h.finish()
}

/// A comment's leading word: what tracking and layout comments of one CMS share.
fn comment_prefix(text: &str) -> String {
    let t = text.trim_start();
    let mut out = String::new();
    for c in t.chars() {
        if c.is_whitespace() || matches!(c, ',' | ']' | ':' | '：' | '<' | '>' | '-') {
            break;
        }
        out.push(c);
        if c == '[' || out.chars().count() >= 24 {
            break;
        }
    }
    out
}

/// The label of a `label：value` line (`原标题`, `来源`, `责任编辑`, `Source`): one to eight
/// letters, a colon, then a value of at most 120 characters.
pub fn label_of(text: &str) -> Option<String> {
    let (label, value) = text.trim().split_once(['：', ':'])?;
    let (label, value) = (label.trim(), value.trim());
    let ok = (1..=8).contains(&label.chars().count())
        && label.chars().all(|c| c.is_alphabetic() || c == ' ')
        && !value.is_empty()
        && value.chars().count() <= 120
        && !value.starts_with("//");
    ok.then(|| label.to_owned())
}

/// A post's visible text with all white space removed: what a reader sees of it.
pub fn visible_text(html: &str) -> String {
    let out = Rc::new(RefCell::new((String::new(), String::new())));
    let o = Rc::clone(&out);
    let settings = Settings::new()
        .with_strict(false)
        .with_memory_settings(crate::clean::memory_settings())
        .append_document_content_handler(DocumentContentHandlers::default().text(
            move |t: &mut TextChunk| {
                if t.text_type() == TextType::Data {
                    let mut st = o.borrow_mut();
                    st.1.push_str(t.as_str());
                    if t.last_in_text_node() {
                        let raw = std::mem::take(&mut st.1);
                        let decoded = htmlize::unescape(&raw);
                        st.0.extend(decoded.chars().filter(|c| !c.is_whitespace()));
                    }
                }
                Ok(())
            },
        ));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    if rewriter.write(html.as_bytes()).is_ok() {
        let _ = rewriter.end();
    }
    out.borrow().0.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_comments_styles_and_lines() {
        let body = "<p>原标题：甲</p><p>正文 1</p><div class=\"clearfix appendQr_wrap\"><img src=\"q.png\">扫码 下载</div><span id=\"stock_sz300\"><a class=\"keyword\" href=\"https://finance.sina.com.cn/realstock/company/sz300/nc.shtml\">词</a></span><!-- news_keyword_pub,stock --><style>.a{}</style><p class=\"article-editor\">责任编辑：李</p>";
        let s = scan(body);
        let sels: Vec<&str> = s.blocks.iter().map(|b| b.selector.as_str()).collect();
        assert_eq!(
            sels,
            [
                "div.appendQr_wrap.clearfix",
                "a.keyword",
                "span[id^=\"stock_\"]",
                "p.article-editor"
            ]
        );
        assert_eq!(s.blocks[0].text, "扫码 下载");
        assert_eq!(s.blocks[0].media, ["q.png"]);
        assert_eq!(
            s.blocks[1].href.as_deref(),
            Some("https://finance.sina.com.cn/realstock")
        );
        assert_eq!(s.blocks[1].inside, ["span[id^=\"stock_\"]"]);
        assert_eq!(
            &body[s.blocks[0].span.0..s.blocks[0].span.1],
            "<div class=\"clearfix appendQr_wrap\"><img src=\"q.png\">扫码 下载</div>"
        );
        assert_eq!(s.comments[0].prefix, "news_keyword_pub");
        assert_eq!(s.raws[0].tag, "style");
        let labels: Vec<&str> = s.lines.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, ["原标题", "责任编辑"]);
        assert_eq!(s.lines[1].selector, "p.article-editor");
        // `sz300`: three digits are too few to tell a code from a word an author numbered.
        assert_eq!(s.blocks[2].id_code, None);
        assert_eq!(s.blocks[1].href_code, None);
        let s = scan(
            "<span id=\"stock_sz300959\"><a class=\"keyword\" href=\"https://f.example/realstock/company/sz300959/nc.shtml\">词</a></span>",
        );
        assert_eq!(s.blocks[0].href_code.as_deref(), Some("sz300959"));
        assert_eq!(s.blocks[1].id_code.as_deref(), Some("sz300959"));
        // Codes a CMS generates, not numbers or words an author picks.
        for code in ["sz300959", "a81f2e90", "123456"] {
            assert!(generated_code(code), "{code}");
        }
        for code in ["1", "12", "2023", "intro", "x1", "fig12", "sz30-0959"] {
            assert!(!generated_code(code), "{code}");
        }
        assert_eq!(
            normalize("  a \u{3000} 12 b ", 100),
            format!("a {DIGITS} b")
        );
        assert_eq!(
            visible_text("<p>a b</p><style>x</style><!--c-->&amp;"),
            "ab&"
        );
    }
}
