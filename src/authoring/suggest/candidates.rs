//! From a group's tables to proposed rules: each finding that repeats in enough of the group's
//! posts becomes one rule with the narrowest selector that matches it.
//!
//! What is proposed, and why it is taken for boilerplate:
//! - a class/id element whose text (and pictures) is the same in many posts: `remove`, with
//!   `text_matches` when the same selector also holds other text; an element with no text and
//!   no picture only when it has an id (an empty slot a script fills), not for empty spans of
//!   a class;
//! - a link or id-marked span of one class whose text changes from post to post but stays a few
//!   words, and (for links) whose `href` has one pattern: `unwrap` (keyword links);
//! - `<style>`/`<script>` blocks that are the same in many posts: `remove`;
//! - comments that start with the same word in many posts: one `remove_comments` pattern;
//! - attributes carried by many posts' images or elements that no output uses: one
//!   `remove_attributes` for images, one for other elements; URL-valued image attributes
//!   (lazy sources): `set_attribute` of `src`;
//! - `label：value` paragraphs among the first or last paragraphs: `extract` into a field.

use super::scan::{DIGITS, TEXT_CAP};
use super::stats::{GroupStats, Place, SelectorStat};
use crate::generator::{Target, reserved};
use std::collections::BTreeMap;

/// What a proposed rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Block,
    Wrap,
    Raw,
    Comments,
    Attributes,
    LazyImage,
    Proxy,
    Extract,
    Cover,
    CoverProxy,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Block => "block",
            Kind::Wrap => "link",
            Kind::Raw => "raw",
            Kind::Comments => "comments",
            Kind::Attributes => "attributes",
            Kind::LazyImage => "lazy-image",
            Kind::Extract => "extract",
            Kind::Proxy => "proxy",
            Kind::Cover => "cover",
            Kind::CoverProxy => "cover-proxy",
        }
    }

    /// Whether the rule acts on the front matter (`front_matter:` in the file).
    pub fn front_matter(self) -> bool {
        matches!(self, Kind::Cover | Kind::CoverProxy)
    }

    /// Whether the rule takes visible text out of the body.
    pub fn removes_text(self) -> bool {
        matches!(self, Kind::Block | Kind::Extract)
    }
}

/// One proposed rule, before it is checked.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub kind: Kind,
    /// The rule's action, as YAML lines (no indentation).
    pub action: Vec<String>,
    pub message: String,
    /// Posts of the group it was seen in (from the tables).
    pub posts: u32,
    /// Share of the group's posts, 0–1, and for links the share with the common href.
    pub confidence: f64,
    pub examples: Vec<Place>,
    /// Normalized texts the rule is meant to remove (`Block`): anything else it removes is
    /// someone's article.
    pub texts: Vec<String>,
    /// Field an `extract` writes.
    pub field: Option<String>,
    /// Words a `when:` marker may be chosen from (class names, ids).
    pub markers: Vec<String>,
    /// Text an example tag must hold (a proxy prefix), or a front-matter `(field, value)` for
    /// a front-matter rule's example.
    pub needle: Option<(String, String)>,
    /// Why a finding in fewer than `--min-share` of the posts was kept: its shape shows a CMS
    /// generated it ("machine-generated ids in 5 of 21 posts").
    pub machine: Option<String>,
}

impl Candidate {
    /// What every kind of finding fills in is set at each finding; this is the rest, empty
    /// (no examples, texts, field, markers, needle or machine note), for `..Candidate::empty()`.
    fn empty() -> Candidate {
        Candidate {
            id: String::new(),
            kind: Kind::Raw,
            action: Vec::new(),
            message: String::new(),
            posts: 0,
            confidence: 0.0,
            examples: Vec::new(),
            texts: Vec::new(),
            field: None,
            markers: Vec::new(),
            needle: None,
            machine: None,
        }
    }
}

/// Settings of a suggestion run.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub min_share: f64,
    pub min_posts: u32,
    pub target: Target,
}

impl Limits {
    /// Posts a finding must be in, for a group of `posts`.
    pub fn needed(&self, posts: u32) -> u32 {
        let share = (self.min_share * f64::from(posts)).ceil() as u32;
        share.max(self.min_posts)
    }
}

/// Attributes the converter or a page uses: never proposed for removal.
const KEEP: &[&str] = &[
    "href",
    "src",
    "srcset",
    "sizes",
    "alt",
    "title",
    "colspan",
    "rowspan",
    "start",
    "reversed",
    "type",
    "value",
    "checked",
    "disabled",
    "lang",
    "dir",
    "datetime",
    "cite",
    "controls",
    "poster",
    "width",
    "height",
    "name",
    "open",
    "span",
    "scope",
    "headers",
    "abbr",
    "align",
    "class",
    "id",
    "target",
    "rel",
    "allow",
    "allowfullscreen",
    "frameborder",
    "autoplay",
    "loop",
    "muted",
    "playsinline",
    "preload",
    "for",
    "role",
    "aria-hidden",
    "aria-label",
    "language",
    "translate",
    "hidden",
    "download",
    "media",
    "usemap",
    "ismap",
];
/// On images, class and id carry only layout.
const IMG_KEEP: &[&str] = &[
    "src", "srcset", "sizes", "alt", "title", "width", "height", "usemap", "ismap",
];

/// Every candidate of one group, most confident first.
pub fn propose(name: &str, stats: &GroupStats, limits: &Limits) -> Vec<Candidate> {
    let n = stats.posts;
    let needed = limits.needed(n);
    if n < limits.min_posts {
        return Vec::new();
    }
    let share = |posts: u32| f64::from(posts) / f64::from(n.max(1));
    let of = |posts: u32| format!("in {posts} of {n} posts of {name}");
    let mut out = Vec::new();
    let floor = limits.min_posts;
    blocks(stats, needed, floor, &share, &of, &mut out);
    wraps(stats, needed, floor, &share, &of, &mut out);
    for (tag, posts) in &stats.raw_tags {
        let repeated: Vec<_> = stats
            .raws
            .frequent(needed)
            .into_iter()
            .filter(|(_, r)| r.tag == *tag)
            .collect();
        let Some((_, top)) = repeated
            .iter()
            .max_by_key(|(k, r)| (r.seen.posts, std::cmp::Reverse(*k)))
        else {
            continue;
        };
        let what = match tag.as_str() {
            "style" => "stylesheet",
            "script" => "script",
            _ => "noscript block",
        };
        out.push(Candidate {
            id: format!("{tag}-blocks"),
            kind: Kind::Raw,
            action: vec![format!("remove: {tag}")],
            message: format!(
                "{}: the same {what} ({} “{}…”); {tag} blocks are in {posts} posts",
                of(top.seen.posts),
                if repeated.len() > 1 {
                    "and similar ones"
                } else {
                    "every time"
                },
                top.sample
            ),
            posts: top.seen.posts,
            confidence: share(top.seen.posts),
            examples: top.seen.examples.clone(),
            ..Candidate::empty()
        });
    }
    let comments: Vec<_> = stats
        .comments
        .frequent(needed)
        .into_iter()
        .filter(|(k, _)| !k.is_empty())
        .collect();
    if !comments.is_empty() {
        let mut sorted = comments.clone();
        sorted.sort_by(|a, b| b.1.seen.posts.cmp(&a.1.seen.posts).then(a.0.cmp(b.0)));
        let posts = sorted.iter().map(|(_, c)| c.seen.posts).max().unwrap_or(0);
        let pattern = sorted
            .iter()
            .map(|(k, _)| pattern_of(k))
            .collect::<Vec<_>>()
            .join("|");
        let words = sorted
            .iter()
            .map(|(k, c)| format!("{k} ({})", c.seen.posts))
            .collect::<Vec<_>>()
            .join(", ");
        let mut examples: Vec<Place> = Vec::new();
        for (_, c) in &sorted {
            for e in &c.seen.examples {
                if examples.len() < 2 && !examples.iter().any(|x| x.0 == e.0) {
                    examples.push(*e);
                }
            }
        }
        out.push(Candidate {
            id: "tracking-comments".to_owned(),
            kind: Kind::Comments,
            action: vec![format!(
                "remove_comments: {}",
                quote(&format!("^\\s*(?:{pattern})"))
            )],
            message: format!("{}: comments starting with {words}", of(posts)),
            posts,
            confidence: share(posts),
            examples,
            ..Candidate::empty()
        });
    }
    attributes(stats, needed, &share, &of, &mut out);
    proxies(stats, needed, &share, &of, &mut out);
    covers(stats, needed, &share, &of, &mut out);
    lines(stats, (needed, floor), limits.target, &share, &of, &mut out);
    out.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.kind.cmp(&b.kind))
            .then(a.id.cmp(&b.id))
    });
    let stem = super::file_stem(name);
    for c in &mut out {
        c.id = format!("{stem}-{}", c.id);
    }
    unique_ids(&mut out);
    out
}

fn blocks(
    stats: &GroupStats,
    needed: u32,
    floor: u32,
    share: &dyn Fn(u32) -> f64,
    of: &dyn Fn(u32) -> String,
    out: &mut Vec<Candidate>,
) {
    // The repeated texts of each selector.
    let mut by_selector: BTreeMap<&str, Vec<&super::stats::BlockStat>> = BTreeMap::new();
    for (_, b) in stats.blocks.frequent(floor) {
        if b.seen.posts < needed && !is_machine(stats, &b.selector) {
            continue; // too rare, and nothing shows a CMS made it
        }
        if b.text.is_empty() && b.media.is_empty() && !b.by_id {
            continue; // an empty span of a class: a hook for styles, harmless
        }
        if b.tag == "p" && super::scan::label_of(&b.text).is_some() {
            continue; // a label line: proposed as an extract
        }
        let inline = matches!(
            b.tag.as_str(),
            "a" | "span" | "font" | "b" | "strong" | "em" | "i" | "code"
        );
        let varied = stats
            .selectors
            .map
            .get(&b.selector)
            .is_none_or(|s| s.varied);
        if inline && !b.text.is_empty() && varied {
            continue; // styled words: the same class holds other words elsewhere (code tokens)
        }
        by_selector.entry(b.selector.as_str()).or_default().push(b);
    }
    // Outer blocks first: an inner one that sits inside an accepted block goes with it.
    let mut order: Vec<(&str, Vec<&super::stats::BlockStat>)> = by_selector.into_iter().collect();
    order.sort_by_key(|(s, bs)| (bs.iter().map(|b| b.inside.len()).min().unwrap_or(0), *s));
    let mut accepted: Vec<String> = Vec::new();
    for (selector, texts) in order {
        let Some(sel) = stats.selectors.map.get(selector) else {
            continue;
        };
        let posts = texts.iter().map(|b| b.seen.posts).max().unwrap_or(0);
        let nested = accepted.iter().any(|a| {
            texts
                .iter()
                .all(|b| b.inside.get(a).copied().unwrap_or(0) * 10 >= b.seen.posts * 8)
        });
        if nested {
            continue;
        }
        let count: u32 = texts.iter().map(|b| b.seen.count).sum();
        let action = if count >= sel.seen.count {
            format!("remove: {}", quote(selector))
        } else if texts
            .iter()
            .all(|b| b.text.chars().count() < TEXT_CAP && b.media.is_empty())
        {
            let alternatives: Vec<String> = texts.iter().map(|b| text_pattern(&b.text)).collect();
            let re = if alternatives.len() == 1 {
                format!("^\\s*{}\\s*$", alternatives[0])
            } else {
                format!("^\\s*(?:{})\\s*$", alternatives.join("|"))
            };
            format!(
                "remove: {{ selector: {}, text_matches: {} }}",
                quote(selector),
                quote(&re)
            )
        } else {
            continue; // its text changes and it holds pictures: no safe way to tell it apart
        };
        let top = texts.iter().max_by_key(|b| b.seen.posts).expect("one text");
        let shown = if top.text.is_empty() {
            if top.media.is_empty() {
                "empty".to_owned()
            } else {
                format!("picture {}", top.media[0])
            }
        } else {
            format!("“{}”", shorten(&top.text.replace(DIGITS, "0"), 40))
        };
        accepted.push(selector.to_owned());
        let machine = (posts < needed).then(|| machine_ids(sel, posts, stats.posts));
        let mut examples: Vec<Place> = Vec::new();
        for b in &texts {
            for e in &b.seen.examples {
                if examples.len() < 2 && !examples.iter().any(|x| x.0 == e.0) {
                    examples.push(*e);
                }
            }
        }
        out.push(Candidate {
            id: format!("block-{}", slug(selector)),
            kind: Kind::Block,
            action: vec![action],
            message: with_why(
                format!("{}: repeated block `{selector}` ({shown})", of(posts)),
                machine.as_deref(),
            ),
            posts,
            confidence: share(posts),
            examples,
            texts: texts.iter().map(|b| b.text.clone()).collect(),
            markers: selector_words(selector),
            machine,
            ..Candidate::empty()
        });
    }
}

fn wraps(
    stats: &GroupStats,
    needed: u32,
    floor: u32,
    share: &dyn Fn(u32) -> f64,
    of: &dyn Fn(u32) -> String,
    out: &mut Vec<Candidate>,
) {
    for (selector, sel) in stats.selectors.frequent(floor) {
        if sel.seen.posts < needed && !sel.machine() {
            continue;
        }
        let SelectorStat {
            seen, tag, by_id, ..
        } = sel;
        let link = tag == "a";
        if !(link || (tag == "span" && *by_id)) || !sel.varied || sel.with_media > 0 {
            continue;
        }
        let average = sel.chars as f64 / f64::from(seen.count.max(1));
        if average > 16.0 || sel.chars == 0 {
            continue;
        }
        let mut confidence = share(seen.posts);
        let mut narrow = selector.clone();
        let mut pattern_note = String::new();
        if link {
            let Some((pattern, n)) = sel
                .hrefs
                .iter()
                .max_by_key(|(p, n)| (**n, std::cmp::Reverse(*p)))
            else {
                continue;
            };
            let href_share = f64::from(*n) / f64::from(seen.count.max(1));
            if href_share < 0.8 {
                continue;
            }
            confidence *= href_share;
            if *n == seen.count {
                narrow = format!("{selector}[href^=\"{pattern}\"]");
            }
            pattern_note = format!(", links to {pattern}…");
        }
        let machine = (seen.posts < needed).then(|| {
            if *by_id {
                machine_ids(sel, seen.posts, stats.posts)
            } else {
                format!(
                    "links with a generated code in one URL pattern (a keyword-link service) in {} of {} posts ({})",
                    seen.posts,
                    stats.posts,
                    codes_shown(sel)
                )
            }
        });
        out.push(Candidate {
            id: format!("unwrap-{}", slug(selector)),
            kind: Kind::Wrap,
            action: vec![format!("unwrap: {}", quote(&narrow))],
            message: with_why(
                format!(
                    "{}: `{selector}` wraps ordinary words ({} times, {average:.0} characters on average{pattern_note}): the words stay",
                    of(seen.posts),
                    seen.count
                ),
                machine.as_deref(),
            ),
            posts: seen.posts,
            confidence,
            examples: seen.examples.clone(),
            markers: selector_words(selector),
            machine,
            ..Candidate::empty()
        });
    }
}

fn attributes(
    stats: &GroupStats,
    needed: u32,
    share: &dyn Fn(u32) -> f64,
    of: &dyn Fn(u32) -> String,
    out: &mut Vec<Candidate>,
) {
    let images = stats.images.elements.max(1) as f64;
    let lazy: Vec<(&String, _)> = stats
        .img_url_attributes
        .iter()
        .filter(|(_, c)| c.posts >= needed && c.elements as f64 >= images * 0.3)
        .collect();
    for (name, c) in &lazy {
        out.push(Candidate {
            id: format!("lazy-image-{}", slug(name)),
            kind: Kind::LazyImage,
            action: vec![format!(
                "set_attribute: {{ selector: {}, name: src, from: {name}, remove_from: true }}",
                quote(&format!("img[{name}]"))
            )],
            message: format!(
                "{}: images carry their source in `{name}` ({} of {} images): it becomes `src`",
                of(c.posts),
                c.elements,
                stats.images.elements
            ),
            posts: c.posts,
            confidence: share(c.posts),
            ..Candidate::empty()
        });
    }
    let img: Vec<(&String, _)> = stats
        .img_attributes
        .iter()
        .filter(|(name, c)| {
            c.posts >= needed
                && c.elements as f64 >= images * 0.5
                && !IMG_KEEP.contains(&name.as_str())
                && !lazy.iter().any(|(l, _)| l == name)
                && is_attribute_name(name)
        })
        .collect();
    if !img.is_empty() {
        let posts = img.iter().map(|(_, c)| c.posts).max().unwrap_or(0);
        let names: Vec<&str> = img.iter().map(|(n, _)| n.as_str()).collect();
        out.push(Candidate {
            id: "image-attributes".to_owned(),
            kind: Kind::Attributes,
            action: vec![format!(
                "remove_attributes: {{ selector: img, names: [{}] }}",
                names.join(", ")
            )],
            message: format!(
                "{}: layout and tracking attributes on images ({})",
                of(posts),
                img.iter()
                    .map(|(n, c)| format!("{n} on {}", c.elements))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            posts,
            confidence: share(posts),
            ..Candidate::empty()
        });
    }
    let other: Vec<(&String, _)> = stats
        .attributes
        .iter()
        .filter(|(name, c)| {
            c.posts >= needed
                && !KEEP.contains(&name.as_str())
                && !name.starts_with("aria-")
                && is_attribute_name(name)
        })
        .collect();
    if !other.is_empty() {
        let posts = other.iter().map(|(_, c)| c.posts).max().unwrap_or(0);
        let names: Vec<&str> = other.iter().map(|(n, _)| n.as_str()).collect();
        let selector = names
            .iter()
            .map(|n| format!("[{n}]"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(Candidate {
            id: "element-attributes".to_owned(),
            kind: Kind::Attributes,
            action: vec![format!(
                "remove_attributes: {{ selector: {}, names: [{}] }}",
                quote(&selector),
                names.join(", ")
            )],
            message: format!(
                "{}: styling and tracking attributes no output uses ({})",
                of(posts),
                other
                    .iter()
                    .map(|(n, c)| format!("{n} in {} posts", c.posts))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            posts,
            confidence: share(posts),
            ..Candidate::empty()
        });
    }
}

fn proxies(
    stats: &GroupStats,
    needed: u32,
    share: &dyn Fn(u32) -> f64,
    of: &dyn Fn(u32) -> String,
    out: &mut Vec<Candidate>,
) {
    for (_, p) in stats.proxies.frequent(needed) {
        let prefix = regex::escape(&p.prefix);
        let (what, rewrite) = if p.encoded {
            (
                "links through a redirect page, the real URL encoded after it",
                format!(
                    "pattern: {}, replace: '$1', url_decode: true",
                    quote(&format!("^{prefix}([^&]+).*$"))
                ),
            )
        } else {
            (
                "URLs behind a proxy, the real URL after it",
                format!("pattern: {}, replace: ''", quote(&format!("^{prefix}"))),
            )
        };
        let selector = format!("{}[{}^=\"{}\"]", p.tag, p.attribute, p.prefix);
        out.push(Candidate {
            id: format!(
                "proxy-{}-{}",
                p.tag,
                slug(p.prefix.split("://").nth(1).unwrap_or(""))
            ),
            kind: Kind::Proxy,
            action: vec![format!(
                "rewrite_attribute: {{ selector: {}, name: {}, {rewrite} }}",
                quote(&selector),
                p.attribute
            )],
            message: format!(
                "{}: {} {what} ({}, {} times)",
                of(p.seen.posts),
                if p.tag == "img" { "image" } else { "link" },
                p.prefix,
                p.seen.count
            ),
            posts: p.seen.posts,
            confidence: share(p.seen.posts),
            needle: Some((String::new(), p.prefix.clone())),
            ..Candidate::empty()
        });
    }
}

fn covers(
    stats: &GroupStats,
    needed: u32,
    share: &dyn Fn(u32) -> f64,
    of: &dyn Fn(u32) -> String,
    out: &mut Vec<Candidate>,
) {
    for (_, f) in stats.field_values.frequent(needed) {
        let names: Vec<&str> = f.fields.keys().map(String::as_str).collect();
        let Some(first) = names.first() else { continue };
        let (kind, id, action, what) = if f.proxy {
            (
                Kind::CoverProxy,
                format!(
                    "field-proxy-{}",
                    slug(f.contains.split("://").nth(1).unwrap_or(""))
                ),
                format!(
                    "rewrite_fields: {{ names: [{}], pattern: {}, replace: '' }}",
                    names.join(", "),
                    quote(&format!("^{}", regex::escape(&f.contains)))
                ),
                format!("URLs behind the proxy {}", f.contains),
            )
        } else {
            (
                Kind::Cover,
                format!(
                    "placeholder-cover-{}",
                    slug(f.contains.split('/').next().unwrap_or(""))
                ),
                format!(
                    "remove_fields: {{ names: [{}], value_contains: {} }}",
                    names.join(", "),
                    quote(&f.contains)
                ),
                format!(
                    "the same picture ({}…) as cover: a placeholder or ad",
                    f.contains
                ),
            )
        };
        out.push(Candidate {
            id,
            kind,
            action: vec![action],
            message: format!(
                "{}: `{}` holds {what}",
                of(f.seen.posts),
                names.join("`, `")
            ),
            posts: f.seen.posts,
            confidence: share(f.seen.posts),
            needle: Some(((*first).to_owned(), f.sample.clone())),
            ..Candidate::empty()
        });
    }
}

fn lines(
    stats: &GroupStats,
    (needed, floor): (u32, u32),
    target: Target,
    share: &dyn Fn(u32) -> f64,
    of: &dyn Fn(u32) -> String,
    out: &mut Vec<Candidate>,
) {
    let mut taken: Vec<String> = Vec::new();
    let mut frequent = stats.lines.frequent(floor);
    // What is in the share first (a label at both ends: one rule, not the rare place).
    frequent.sort_by_key(|(k, l)| (l.seen.posts < needed, *k));
    for (_, l) in frequent {
        let known = CMS_LABELS.iter().any(|(label, _)| *label == l.label);
        if l.seen.posts < needed && !known {
            continue;
        }
        if taken.contains(&l.label) {
            continue; // the same label at both ends: one rule
        }
        taken.push(l.label.clone());
        let total: u32 = l.selectors.values().sum();
        let selector = l
            .selectors
            .iter()
            .find(|(_, n)| **n * 10 >= total * 9)
            .map_or("p", |(s, _)| s.as_str());
        let field = field_for(&l.label, target, &stats.fields);
        let pattern = format!(
            "^\\s*{}\\s*[：:]\\s*(.+?)\\s*$",
            regex::escape(&l.label).replace(' ', "\\s*")
        );
        let edge = match l.edge {
            Some(super::scan::Edge::End) => "last",
            _ => "first",
        };
        let machine = (l.seen.posts < needed).then(|| {
            format!(
                "a CMS label line (“{}：…”) among the {edge} paragraphs in {} of {} posts",
                l.label, l.seen.posts, stats.posts
            )
        });
        out.push(Candidate {
            id: format!("line-{}", slug(&field)),
            kind: Kind::Extract,
            action: vec![format!(
                "extract: {{ selector: {}, field: {field}, pattern: {}, max: 1 }}",
                quote(selector),
                quote(&pattern)
            )],
            message: with_why(
                format!(
                    "{}: a “{}：…” line among the {edge} paragraphs (“{}”), moved to front matter",
                    of(l.seen.posts),
                    l.label,
                    shorten(&l.sample, 30)
                ),
                machine.as_deref(),
            ),
            posts: l.seen.posts,
            confidence: share(l.seen.posts),
            examples: l.seen.examples.clone(),
            field: Some(field),
            markers: selector_words(selector),
            machine,
            ..Candidate::empty()
        });
    }
}

/// The front-matter field a `label：value` line goes to: a known label's English name, else
/// the label itself (ASCII labels lower-cased); a field the target computes is replaced by the
/// name the target's reserved list gives, and a field the posts already have gets `_line`.
pub fn field_for(
    label: &str,
    target: Target,
    existing: &std::collections::BTreeSet<String>,
) -> String {
    let mut field = CMS_LABELS
        .iter()
        .find(|(l, _)| *l == label)
        .map(|(_, f)| (*f).to_owned())
        .unwrap_or_else(|| {
            if label.is_ascii() {
                label.trim().to_ascii_lowercase().replace(' ', "_")
            } else {
                label.trim().replace(' ', "_")
            }
        });
    if let Some(r) = reserved::find(target, &field) {
        field = r.instead.to_owned();
    }
    if existing.contains(&field) {
        field.push_str("_line");
    }
    field
}

/// Labels Chinese CMSs put on a line of their own at the start or end of an article, and the
/// field each goes to. A line with one of them is metadata a CMS wrote, so it is proposed in
/// at least [`Limits::min_posts`] posts whatever the share.
const CMS_LABELS: &[(&str, &str)] = &[
    ("原标题", "original_title"),
    ("来源", "source_name"),
    ("责任编辑", "editor"),
    ("编辑", "editor"),
    ("作者", "byline"),
    ("文", "byline"),
    ("记者", "reporter"),
    ("摄影", "photographer"),
    ("校对", "proofreader"),
    ("审核", "reviewer"),
    ("排版", "layout_editor"),
    ("编者按", "editor_note"),
    ("出品", "producer"),
    ("策划", "planner"),
    ("译者", "translator"),
    ("本文作者", "byline"),
];

/// Whether the elements of `selector` are machine-shaped (see [`SelectorStat::machine`]).
fn is_machine(stats: &GroupStats, selector: &str) -> bool {
    stats
        .selectors
        .map
        .get(selector)
        .is_some_and(SelectorStat::machine)
}

/// Why an id-prefix selector qualified below the share.
fn machine_ids(sel: &SelectorStat, posts: u32, of: u32) -> String {
    format!(
        "machine-generated ids (a prefix plus a code: {}) in {posts} of {of} posts",
        codes_shown(sel)
    )
}

/// A few of the codes seen, for the message.
fn codes_shown(sel: &SelectorStat) -> String {
    let mut shown: Vec<&str> = sel.codes.keys().take(3).map(String::as_str).collect();
    if sel.codes.len() > 3 {
        shown.push("…");
    }
    shown.join(", ")
}

/// A message with the reason it qualified below the share, when it did.
fn with_why(message: String, why: Option<&str>) -> String {
    match why {
        Some(why) => format!("{message}; below the share, kept as machine-shaped: {why}"),
        None => message,
    }
}

/// A regex for normalized text: white space as `\s*`, digit runs as `\d+`.
fn text_pattern(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c == ' ' {
            out.push_str("\\s*");
        } else if c == DIGITS {
            out.push_str("\\d+");
        } else {
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    out
}

/// A comment word as a pattern.
fn pattern_of(word: &str) -> String {
    let mut out = String::new();
    let mut digits = false;
    for c in word.chars() {
        if c.is_ascii_digit() {
            if !digits {
                out.push_str("\\d+");
            }
            digits = true;
        } else {
            digits = false;
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    out
}

fn is_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
        && !name.starts_with(|c: char| c.is_ascii_digit() || c == '-')
}

/// A YAML single-quoted scalar.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// An id part from a selector or name: ASCII letters and digits, `-` between words.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    out.chars()
        .take(40)
        .collect::<String>()
        .trim_end_matches('-')
        .to_owned()
}

/// Class names and ids in a selector (`div.a.b` → a, b).
fn selector_words(selector: &str) -> Vec<String> {
    let rest = selector.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    if rest.starts_with("[id^=") {
        return Vec::new();
    }
    rest.split(['.', '#'])
        .filter(|w| w.len() >= 4)
        .map(str::to_owned)
        .collect()
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn unique_ids(candidates: &mut [Candidate]) {
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for c in candidates {
        let n = seen.entry(c.id.clone()).or_default();
        *n += 1;
        if *n > 1 {
            c.id = format!("{}-{n}", c.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extract_fields_avoid_reserved_and_existing_names() {
        let none = Default::default();
        // Hexo sets `source` to the post's file path: an extracted source would vanish.
        assert_eq!(field_for("Source", Target::Hexo, &none), "source_name");
        assert_eq!(field_for("Source", Target::Plain, &none), "source");
        assert_eq!(field_for("来源", Target::Hexo, &none), "source_name");
        assert_eq!(field_for("slug", Target::Hexo, &none), "original_slug");
        assert_eq!(field_for("Draft", Target::Hugo, &none), "draft_note");
        let existing = ["byline".to_owned()].into_iter().collect();
        assert_eq!(field_for("作者", Target::Hexo, &existing), "byline_line");
        assert_eq!(field_for("出处", Target::Hexo, &none), "出处");
        for target in [Target::Hexo, Target::Hugo, Target::Jekyll] {
            for r in reserved::fields(target) {
                let f = field_for(r.field, target, &none);
                assert!(reserved::find(target, &f).is_none(), "{f}");
            }
        }
    }

    #[test]
    fn patterns() {
        assert_eq!(text_pattern(&format!("a b{DIGITS}")), "a\\s*b\\d+");
        assert_eq!(pattern_of("article_adlist["), "article_adlist\\[");
        assert_eq!(
            slug("div.appendQr_wrap.clearfix"),
            "div-appendqr-wrap-clearfix"
        );
        assert_eq!(quote("a'b"), "'a''b'");
        assert_eq!(
            selector_words("div.clearfix.appendQr_wrap"),
            ["clearfix", "appendQr_wrap"]
        );
    }
}
