//! Per-group tables of what repeats: how many posts of a group hold each block, stylesheet,
//! comment word, attribute and label line, with two example places to cut rule examples from.
//!
//! Memory is bounded by the tables, not by the number of posts: each table holds at most
//! [`TABLE_CAP`] keys, and when it is full the keys seen in the fewest posts are dropped (what
//! is in 30 % of a group's posts is seen again and again, so it stays). Posts are merged in walk
//! order, so the tables, and the draft built from them, do not depend on `-j`.

use super::scan::{Edge, PostScan};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Keys kept per table and group.
pub const TABLE_CAP: usize = 1024;
/// Entries kept in the small per-key maps (where a block sits, which link patterns).
const SMALL_CAP: usize = 16;
/// Example places kept per key.
const EXAMPLES: usize = 2;

/// A place in a post: the post's index in the walk and a byte range of its (cleaned) body.
pub type Place = (u32, (usize, usize));

/// How often something was seen.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    pub posts: u32,
    pub count: u32,
    pub examples: Vec<Place>,
}

impl Seen {
    fn add(&mut self, post: u32, span: (usize, usize), first_in_post: bool) {
        self.count += 1;
        if first_in_post {
            self.posts += 1;
            if self.examples.len() < EXAMPLES {
                self.examples.push((post, span));
            }
        }
    }
}

pub trait HasSeen {
    fn seen(&self) -> &Seen;
}

/// A map of at most [`TABLE_CAP`] keys.
#[derive(Debug)]
pub struct Table<V> {
    pub map: HashMap<String, V>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            map: HashMap::new(),
        }
    }
}

impl<V: HasSeen + Default> Table<V> {
    fn entry(&mut self, key: &str) -> &mut V {
        if !self.map.contains_key(key) {
            if self.map.len() >= TABLE_CAP {
                self.prune();
            }
            self.map.insert(key.to_owned(), V::default());
        }
        self.map.get_mut(key).expect("inserted")
    }

    /// Drop the keys seen in the fewest posts until the table is half full.
    fn prune(&mut self) {
        let mut threshold = 1;
        while self.map.len() > TABLE_CAP / 2 {
            self.map.retain(|_, v| v.seen().posts > threshold);
            threshold += 1;
        }
    }

    /// Entries seen in at least `posts` posts, sorted by key.
    pub fn frequent(&self, posts: u32) -> Vec<(&String, &V)> {
        let mut v: Vec<(&String, &V)> = self
            .map
            .iter()
            .filter(|(_, v)| v.seen().posts >= posts)
            .collect();
        v.sort_by(|a, b| a.0.cmp(b.0));
        v
    }
}

fn bump_small(map: &mut BTreeMap<String, u32>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else if map.len() < SMALL_CAP {
        map.insert(key.to_owned(), 1);
    }
}

#[derive(Debug, Default)]
pub struct BlockStat {
    pub seen: Seen,
    pub tag: String,
    pub selector: String,
    pub by_id: bool,
    pub text: String,
    pub chars: usize,
    pub media: Vec<String>,
    /// Posts in which it sits inside an element with this selector.
    pub inside: BTreeMap<String, u32>,
}

#[derive(Debug, Default)]
pub struct SelectorStat {
    pub seen: Seen,
    pub tag: String,
    pub by_id: bool,
    /// The first text seen, and whether another text was seen since.
    pub first_text: Option<String>,
    pub varied: bool,
    pub chars: u64,
    pub with_media: u32,
    pub hrefs: BTreeMap<String, u32>,
    pub inside: BTreeMap<String, u32>,
    /// Elements whose id (after its prefix) or `href` path holds a generated code, and the
    /// first few different codes: what shows a CMS made them.
    pub coded: u32,
    pub codes: BTreeMap<String, u32>,
}

impl SelectorStat {
    /// Machine-shaped: every element carries a generated code in its id or link, and the codes
    /// differ (a prefix plus a stock code per company, a link per keyword), so a CMS wrote it.
    pub fn machine(&self) -> bool {
        self.seen.count > 0 && self.coded == self.seen.count && self.codes.len() >= 2
    }
}

#[derive(Debug, Default)]
pub struct RawStat {
    pub seen: Seen,
    pub tag: String,
    pub sample: String,
}

#[derive(Debug, Default)]
pub struct CommentStat {
    pub seen: Seen,
    pub sample: String,
}

#[derive(Debug, Default)]
pub struct LineStat {
    pub seen: Seen,
    pub label: String,
    pub edge: Option<Edge>,
    pub selectors: BTreeMap<String, u32>,
    pub sample: String,
}

#[derive(Debug, Default)]
pub struct ProxyStat {
    pub seen: Seen,
    pub tag: String,
    pub attribute: String,
    pub prefix: String,
    pub encoded: bool,
}

/// A front-matter value seen in many posts (a placeholder or ad cover), or a proxy prefix of
/// front-matter URLs.
#[derive(Debug, Default)]
pub struct FieldStat {
    pub seen: Seen,
    /// Fields it was in.
    pub fields: BTreeMap<String, u32>,
    /// What the rule matches values by (`picsum.photos/400/300`, or the proxy prefix).
    pub contains: String,
    /// One value as seen, for the example.
    pub sample: String,
    pub proxy: bool,
}

#[derive(Debug, Default)]
pub struct MarkerStat {
    pub seen: Seen,
}

/// Posts and elements carrying one attribute.
#[derive(Debug, Default, Clone, Copy)]
pub struct AttrCount {
    pub posts: u32,
    pub elements: u64,
}

macro_rules! has_seen {
    ($($t:ty),*) => {$(impl HasSeen for $t { fn seen(&self) -> &Seen { &self.seen } })*};
}
has_seen!(
    BlockStat,
    SelectorStat,
    RawStat,
    CommentStat,
    LineStat,
    MarkerStat,
    ProxyStat,
    FieldStat
);

/// Attribute names kept per group (HTML may invent any number).
const NAMES_CAP: usize = 256;
/// Front-matter fields kept per group.
pub const FIELDS_CAP: usize = 256;

/// Everything counted for one group.
#[derive(Debug, Default)]
pub struct GroupStats {
    pub posts: u32,
    pub blocks: Table<BlockStat>,
    pub selectors: Table<SelectorStat>,
    pub raws: Table<RawStat>,
    /// Posts with any block of this raw-text tag.
    pub raw_tags: BTreeMap<String, u32>,
    pub comments: Table<CommentStat>,
    pub lines: Table<LineStat>,
    pub markers: Table<MarkerStat>,
    pub proxies: Table<ProxyStat>,
    /// Front-matter URL values by what they share, and proxy prefixes of them.
    pub field_values: Table<FieldStat>,
    /// `img` elements, and the posts that have any.
    pub images: AttrCount,
    /// Attributes on `img`.
    pub img_attributes: BTreeMap<String, AttrCount>,
    /// Attributes on `img` whose value is a URL.
    pub img_url_attributes: BTreeMap<String, AttrCount>,
    /// Attributes on other elements.
    pub attributes: BTreeMap<String, AttrCount>,
    /// Front-matter fields the group's posts have.
    pub fields: std::collections::BTreeSet<String>,
}

fn add_attr(map: &mut BTreeMap<String, AttrCount>, name: &str, elements: u32) {
    if !map.contains_key(name) && map.len() >= NAMES_CAP {
        return;
    }
    let c = map.entry(name.to_owned()).or_default();
    c.posts += 1;
    c.elements += u64::from(elements);
}

impl GroupStats {
    /// Count one post (index `post` in the walk).
    pub fn add(&mut self, post: u32, scan: &PostScan) {
        self.posts += 1;
        let mut firsts: HashSet<String> = HashSet::new();
        let mut first = |key: String| firsts.insert(key);
        for b in &scan.blocks {
            let key = format!("{}\u{1f}{}\u{1f}{}", b.selector, b.text, b.media.join(" "));
            let new = first(format!("b{key}"));
            let stat = self.blocks.entry(&key);
            if stat.seen.count == 0 {
                stat.tag.clone_from(&b.tag);
                stat.selector.clone_from(&b.selector);
                stat.by_id = b.by_id;
                stat.text.clone_from(&b.text);
                stat.chars = b.chars;
                stat.media.clone_from(&b.media);
            }
            stat.seen.add(post, b.span, new);
            if new {
                for s in &b.inside {
                    bump_small(&mut stat.inside, s);
                }
            }
            let new = first(format!("s{}", b.selector));
            let sel = self.selectors.entry(&b.selector);
            if sel.seen.count == 0 {
                sel.tag.clone_from(&b.tag);
                sel.by_id = b.by_id;
            }
            match &sel.first_text {
                None => sel.first_text = Some(b.text.clone()),
                Some(t) if *t != b.text => sel.varied = true,
                Some(_) => {}
            }
            sel.chars += b.chars as u64;
            if !b.media.is_empty() {
                sel.with_media += 1;
            }
            if let Some(h) = &b.href {
                bump_small(&mut sel.hrefs, h);
            }
            if let Some(code) = b.id_code.as_ref().or(b.href_code.as_ref()) {
                sel.coded += 1;
                bump_small(&mut sel.codes, code);
            }
            sel.seen.add(post, b.span, new);
            if new {
                for s in &b.inside {
                    bump_small(&mut sel.inside, s);
                }
            }
        }
        for r in &scan.raws {
            let key = format!("{}:{:016x}", r.tag, r.hash);
            let new = first(format!("r{key}"));
            let stat = self.raws.entry(&key);
            if stat.seen.count == 0 {
                stat.tag.clone_from(&r.tag);
                stat.sample.clone_from(&r.sample);
            }
            stat.seen.add(post, r.span, new);
            if first(format!("t{}", r.tag)) {
                *self.raw_tags.entry(r.tag.clone()).or_default() += 1;
            }
        }
        for c in &scan.comments {
            let new = first(format!("c{}", c.prefix));
            let stat = self.comments.entry(&c.prefix);
            if stat.seen.count == 0 {
                stat.sample.clone_from(&c.sample);
            }
            stat.seen.add(post, c.span, new);
        }
        for l in &scan.lines {
            let edge = match l.edge {
                Edge::Start => "start",
                Edge::End => "end",
            };
            let key = format!("{}\u{1f}{edge}", l.label);
            let new = first(format!("l{key}"));
            let stat = self.lines.entry(&key);
            if stat.seen.count == 0 {
                stat.label.clone_from(&l.label);
                stat.edge = Some(l.edge);
                stat.sample.clone_from(&l.text);
            }
            stat.seen.add(post, l.span, new);
            bump_small(&mut stat.selectors, &l.selector);
        }
        for p in &scan.proxies {
            let key = format!("{}\u{1f}{}", p.tag, p.prefix);
            let new = first(format!("p{key}"));
            let stat = self.proxies.entry(&key);
            if stat.seen.count == 0 {
                stat.tag = p.tag.to_owned();
                stat.attribute = p.attribute.to_owned();
                stat.prefix.clone_from(&p.prefix);
                stat.encoded = p.encoded;
            }
            stat.seen.add(post, (0, 0), new);
        }
        for m in &scan.markers {
            self.markers.entry(m).seen.add(post, (0, 0), true);
        }
        let mut others: BTreeMap<&str, u32> = BTreeMap::new();
        for (tag, count) in &scan.tags {
            if tag == "img" {
                self.images.posts += 1;
                self.images.elements += u64::from(count.elements);
                for (name, n) in &count.attributes {
                    add_attr(&mut self.img_attributes, name, *n);
                }
                for (name, n) in &count.url_attributes {
                    add_attr(&mut self.img_url_attributes, name, *n);
                }
            } else {
                for (name, n) in &count.attributes {
                    *others.entry(name).or_default() += n;
                }
            }
        }
        for (name, n) in others {
            add_attr(&mut self.attributes, name, n);
        }
    }
}

impl GroupStats {
    /// Note a post's front-matter fields.
    pub fn add_fields(&mut self, fields: Vec<String>) {
        for f in fields {
            if self.fields.len() < FIELDS_CAP || self.fields.contains(&f) {
                self.fields.insert(f);
            }
        }
    }

    /// Count one post's front-matter URL values (`field`, value).
    pub fn add_front_matter(&mut self, post: u32, urls: &[(String, String)]) {
        let mut firsts: HashSet<String> = HashSet::new();
        for (field, value) in urls {
            let bare = value
                .split_once("://")
                .map_or(value.as_str(), |(_, rest)| rest);
            // The same path with any query: a placeholder service (`?random=3`) or one ad image.
            let (contains, proxy) = match super::scan::proxy_prefix(value) {
                Some((prefix, _)) => (prefix, true),
                None => (bare.split('?').next().unwrap_or(bare).to_owned(), false),
            };
            if contains.len() < 8 {
                continue;
            }
            let key = format!("{}\u{1f}{contains}", u8::from(proxy));
            let new = firsts.insert(key.clone());
            let stat = self.field_values.entry(&key);
            if stat.seen.count == 0 {
                stat.contains.clone_from(&contains);
                stat.sample.clone_from(value);
                stat.proxy = proxy;
            }
            stat.seen.add(post, (0, 0), new);
            bump_small(&mut stat.fields, field);
        }
    }
}
