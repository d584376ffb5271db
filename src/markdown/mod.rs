//! HTML → CommonMark + GFM conversion in one streaming lol_html pass.
//!
//! This module is the public face ([`convert`], [`Converter`], [`Options`])
//! and the lol_html wiring: one `*` element handler (classify the tag, read the
//! few attributes that matter, register an end-tag handler for elements that
//! can have content), comment and doctype handlers, and no text handler: the
//! text is read from the input between the tokens that reach a handler
//! (`text_before`), which spares lol_html decoding, checking and handing over
//! every text chunk (about a fifth of a conversion). `Converter::reference`
//! takes its text from lol_html's text handler instead; tests and the
//! `convert_chunks` fuzz target hold the two to the same Markdown. Everything
//! else happens in `state::Core` behind an `Rc<RefCell<_>>`; no borrow is held
//! while lol_html runs. The rewritten HTML itself is discarded.
//!
//! Layout: `tags` (what an element means), `text` (chunk buffering, entity
//! decoding), `state` (element stack, implied end tags, dispatch), `inline`
//! (a paragraph's tokens, whitespace, emphasis decisions), `escape`
//! (position-aware Markdown escaping), `block` (containers, blank lines,
//! prefixes), `table` (recorded tables: GFM or raw HTML), `cjk` and `punct`
//! (character classes), `embed` (what an iframe, video or audio becomes per
//! `--embeds` and target), `nunjucks` (Hexo template safety), `literal` (code
//! text the tokenizer took for tags). The converter keeps the input that
//! lol_html has not tokenized yet, so that such tokens can be written back
//! exactly as they were typed (lol_html gives their source byte range).

mod block;
mod cjk;
mod embed;
mod escape;
mod inline;
pub mod literal;
mod nunjucks;
mod punct;
pub mod renderer;
mod shortcodes;
mod state;
mod table;
mod tags;
mod text;

use std::cell::RefCell;
use std::marker::PhantomData;
use std::rc::Rc;

use lol_html::html_content::{Element, SourceLocation, TextType};
use lol_html::{HtmlRewriter, Settings, doc_comments, doc_text, doctype, element};

use self::embed::EmbedAttrs;
use self::state::Core;
use self::table::Attrs;
use self::tags::Tag;
use self::text::{decode_attribute, decode_attribute_marked};

pub use self::embed::Embeds;
pub use self::renderer::{Dialect, Renderer};
pub use self::state::{MAX_DEPTH, MAX_TABLE_DEPTH};
pub use self::tags::BLOCK_ELEMENTS;

/// Conversion options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Keep leading U+3000 full-width paragraph indents (default: strip them).
    pub keep_fullwidth_indent: bool,
    /// Target is Hexo: `{{`, `{%`, `{#` that Hexo did not read as tags in the input (written
    /// as `&#123;`, or inside code) must not reach Nunjucks; typed tags stay working.
    pub nunjucks_safe: bool,
    /// Target is Jekyll: no `{{` or `{%` may reach Liquid, which runs over the whole post.
    pub liquid_safe: bool,
    /// Target is Hugo: no `{{<` or `{{%` may open a shortcode.
    pub shortcode_safe: bool,
    /// How iframes, video and audio are written (default: links).
    pub embeds: Embeds,
    /// The renderer that will read the Markdown (default: any CommonMark reader).
    pub dialect: Dialect,
}

/// What a conversion did that its caller may want to report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Notes {
    /// Embeds kept as players (an HTML block or a Hugo shortcode).
    pub embeds_kept: u32,
    /// Kept embeds written as raw HTML (no shortcode for them).
    pub embeds_as_html: u32,
    /// Embeds written as links.
    pub embeds_linked: u32,
    /// Embeds removed (`--embeds drop`).
    pub embeds_dropped: u32,
}

/// Converts an HTML fragment (a post body) to Markdown.
///
/// Returns "" when there is no content, else blocks separated by one blank
/// line and exactly one final newline. Never panics.
pub fn convert(html: &str, options: &Options) -> String {
    let mut c = Converter::new(options);
    c.write(html.as_bytes());
    c.finish()
}

/// Like [`convert`], but when lol_html gives up (its memory limit) the error is returned
/// instead of the Markdown of the part read so far.
pub fn try_convert(
    html: &str,
    options: &Options,
) -> Result<String, lol_html::errors::RewritingError> {
    try_convert_with_notes(html, options).map(|(markdown, _)| markdown)
}

/// [`try_convert`], with what the conversion did to embeds.
pub fn try_convert_with_notes(
    html: &str,
    options: &Options,
) -> Result<(String, Notes), lol_html::errors::RewritingError> {
    try_convert_in_full(html, options).map(|c| (c.markdown, c.notes))
}

/// A conversion and what the converter knows of what it wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub markdown: String,
    pub notes: Notes,
    /// The destination of every Markdown image (`![alt](dest)`) in `markdown`, in order, as
    /// a CommonMark reader reads it (the angle brackets and escapes it was written with
    /// gone), when the converter can vouch for that: not when `liquid_safe` protection
    /// rewrote the text afterwards. Exact for Markdown without raw HTML; images inside raw
    /// HTML the converter wrote (a table kept as HTML) are not here, and an image beside
    /// raw HTML may be read as part of it.
    pub image_destinations: Option<Vec<String>>,
}

/// [`try_convert`], with [`Converted`]'s facts.
pub fn try_convert_in_full(
    html: &str,
    options: &Options,
) -> Result<Converted, lol_html::errors::RewritingError> {
    let mut c = Converter::new(options);
    c.write(html.as_bytes());
    let (converted, error) = c.finish_checked();
    error.map_or(Ok(converted), Err)
}

fn discard(_: &[u8]) {}

/// The rewriter; its HTML output is discarded.
type Rewriter = HtmlRewriter<'static, fn(&[u8])>;

/// Streaming converter: feed bytes in any pieces; the result does not depend
/// on how the input was split.
pub struct Converter<'o> {
    rewriter: Option<Rewriter>,
    /// Why the rewriter stopped, if it did.
    error: Option<lol_html::errors::RewritingError>,
    core: Rc<RefCell<Core>>,
    /// The input not yet tokenized: the raw text of tokens inside code.
    input: Rc<RefCell<Source>>,
    _options: PhantomData<&'o Options>,
}

impl std::fmt::Debug for Converter<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter").finish_non_exhaustive()
    }
}

impl<'o> Converter<'o> {
    /// A converter for one document.
    pub fn new(options: &'o Options) -> Self {
        Self::with_text(options, TextFrom::Gaps)
    }

    /// A converter that is handed its text by lol_html's text handler: the same conversion,
    /// slower. It is the reference the gap reading is tested against (corpus, fuzz corpora,
    /// hostile inputs); postscrub itself never uses it.
    #[doc(hidden)]
    pub fn reference(options: &'o Options) -> Self {
        Self::with_text(options, TextFrom::Chunks)
    }

    fn with_text(options: &'o Options, from: TextFrom) -> Self {
        let core = Rc::new(RefCell::new(Core::new(options.clone())));
        let input = Rc::new(RefCell::new(Source {
            from,
            ..Source::default()
        }));
        let on_element = Rc::clone(&core);
        let on_comment = Rc::clone(&core);
        let on_doctype = Rc::clone(&core);
        let (element_input, comment_input, doctype_input) =
            (Rc::clone(&input), Rc::clone(&input), Rc::clone(&input));
        let mut settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(crate::clean::memory_settings())
            .append_element_content_handler(element!("*", move |el| {
                handle_element(&on_element, &element_input, el);
                Ok(())
            }))
            .append_document_content_handler(doc_comments!(move |c| {
                seen(&on_comment, &comment_input, c.source_location());
                if on_comment.borrow().in_code() {
                    let raw = raw_text(&comment_input, c.source_location());
                    if let Some(text) = literal::bogus_comment_text(&raw) {
                        on_comment.borrow_mut().literal(&text);
                    }
                }
                Ok(())
            }))
            .append_document_content_handler(doctype!(move |d| {
                seen(&on_doctype, &doctype_input, d.source_location());
                if on_doctype.borrow().in_code() {
                    let raw = raw_text(&doctype_input, d.source_location());
                    on_doctype.borrow_mut().literal(&raw);
                }
                Ok(())
            }));
        if from == TextFrom::Chunks {
            let (on_text, text_input) = (Rc::clone(&core), Rc::clone(&input));
            settings = settings.append_document_content_handler(doc_text!(move |t| {
                seen(&on_text, &text_input, t.source_location());
                on_text
                    .borrow_mut()
                    .text_chunk(t.as_str(), t.text_type(), t.last_in_text_node());
                Ok(())
            }));
        }
        let rewriter = HtmlRewriter::new(settings, discard as fn(&[u8]));
        Converter {
            rewriter: Some(rewriter),
            error: None,
            core,
            input,
            _options: PhantomData,
        }
    }

    /// Feeds the next piece of the HTML.
    pub fn write(&mut self, chunk: &[u8]) {
        self.input.borrow_mut().bytes.extend_from_slice(chunk);
        if let Some(r) = &mut self.rewriter
            && let Err(e) = r.write(chunk)
        {
            // A rewriter that failed must not be used again; keep what we have.
            self.rewriter = None;
            self.error = Some(e);
        }
    }

    /// Ends the input and returns the Markdown.
    pub fn finish(self) -> String {
        self.finish_checked().0.markdown
    }

    /// Ends the input and returns the Markdown with what the converter knows of it.
    pub fn finish_in_full(self) -> Converted {
        self.finish_checked().0
    }

    /// The conversion, and the error that stopped the rewriter early, if one did.
    fn finish_checked(mut self) -> (Converted, Option<lol_html::errors::RewritingError>) {
        if let Some(r) = self.rewriter.take() {
            match r.end() {
                // The text after the last token.
                Ok(()) if self.input.borrow().from == TextFrom::Gaps => {
                    text_before(&self.core, &self.input, usize::MAX);
                }
                Ok(()) => {
                    // The `</>` the tokenizer dropped after the last token.
                    let scan = self.core.borrow().in_code();
                    let mut input = self.input.borrow_mut();
                    let end = input.base + input.bytes.len();
                    let dropped = input.see_range(end..end, scan);
                    if dropped > 0 {
                        self.core.borrow_mut().literal(&"</>".repeat(dropped));
                    }
                }
                // Errors at the end leave the collected output intact.
                Err(e) => {
                    self.error.get_or_insert(e);
                }
            }
        }
        let core = std::mem::replace(&mut *self.core.borrow_mut(), Core::new(Options::default()));
        let (markdown, notes, image_destinations) = core.finish();
        (
            Converted {
                markdown,
                notes,
                image_destinations,
            },
            self.error.take(),
        )
    }
}

/// Where the converter's text comes from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum TextFrom {
    /// Read from the input between the tokens that reach a handler (see [`text_before`]):
    /// lol_html then has no text to decode, check and hand over, which was about a fifth of
    /// a conversion.
    #[default]
    Gaps,
    /// lol_html's text handler.
    Chunks,
}

/// The input kept by the converter, from the end of the last token seen
/// on (what came before is no longer needed, and is let go in large steps).
#[derive(Debug, Default)]
struct Source {
    bytes: Vec<u8>,
    /// Input offset of `bytes[0]`.
    base: usize,
    /// End of the last token a handler saw.
    seen: usize,
    from: TextFrom,
    /// How the tokenizer reads what follows the last token seen: the start tag of
    /// `script`, `style`, `textarea`, `plaintext` and the like switches it from data.
    after: Option<TextType>,
    /// Set when such a start tag ended where a value was expected (`<iframe a=>`): lol_html's
    /// tokenizer then stays in the data state (tags are tags), but labels the text it reads
    /// with the element's text type until the next tag (start or end; a comment does not
    /// count), as its text handler shows.
    labelled: Option<TextType>,
}

impl Source {
    /// Marks the token at `at` seen; when `scan`, returns how many `</>` the
    /// tokenizer dropped without a token since the last token seen (the gap
    /// holds only end tags, which reach no handler, and those).
    fn see(&mut self, at: SourceLocation, scan: bool) -> usize {
        self.see_range(at.bytes(), scan)
    }

    fn see_range(&mut self, range: std::ops::Range<usize>, scan: bool) -> usize {
        if range.start < self.seen {
            return 0;
        }
        self.let_go();
        let gap = self.get(self.seen..range.start);
        let dropped = if scan { dropped_empty_end_tags(gap) } else { 0 };
        self.seen = range.end;
        dropped
    }

    /// Let go of what was seen in large steps, and only when it is most of what is kept:
    /// draining a long input's front each time would copy the rest again and again.
    fn let_go(&mut self) {
        let done = self.seen - self.base;
        if done >= text::FLUSH_AT && done * 2 >= self.bytes.len() {
            self.bytes.drain(..done);
            self.base = self.seen;
        }
    }

    fn get(&self, range: std::ops::Range<usize>) -> &[u8] {
        let (Some(start), Some(end)) = (
            range.start.checked_sub(self.base),
            range.end.checked_sub(self.base),
        ) else {
            return &[];
        };
        self.bytes.get(start..end).unwrap_or_default()
    }
}

/// The `</>` among the end tags of `gap`.
fn dropped_empty_end_tags(mut gap: &[u8]) -> usize {
    let mut n = 0;
    while !gap.is_empty() {
        if let Some(rest) = gap.strip_prefix(b"</>") {
            n += 1;
            gap = rest;
        } else if gap.starts_with(b"</") {
            // As the tokenizer reads it: a quoted `>` does not end it.
            match crate::unclosed::tag_end(gap, 2) {
                Some(end) => gap = &gap[end..],
                None => break,
            }
        } else {
            break;
        }
    }
    n
}

/// A token at `at` reaches a handler: first writes the `</>` that the
/// tokenizer dropped before it, when that was inside code.
fn seen(core: &Rc<RefCell<Core>>, input: &Rc<RefCell<Source>>, at: SourceLocation) {
    if input.borrow().from == TextFrom::Gaps {
        text_before(core, input, at.bytes().start);
        let mut input = input.borrow_mut();
        input.seen = input.seen.max(at.bytes().end);
        input.after = None;
        return;
    }
    see_in_chunks(core, input, at);
}

/// [`seen`] for a start or end tag: the text after it is labelled afresh.
fn seen_tag(core: &Rc<RefCell<Core>>, input: &Rc<RefCell<Source>>, at: SourceLocation) {
    if input.borrow().from == TextFrom::Gaps {
        seen(core, input, at);
        input.borrow_mut().labelled = None;
        return;
    }
    see_in_chunks(core, input, at);
}

fn see_in_chunks(core: &Rc<RefCell<Core>>, input: &Rc<RefCell<Source>>, at: SourceLocation) {
    let scan = core.borrow().in_code();
    let dropped = input.borrow_mut().see(at, scan);
    if dropped > 0 {
        core.borrow_mut().literal(&"</>".repeat(dropped));
    }
}

/// Hands the converter the text between the last token seen and `end` (an offset of the
/// input, or `usize::MAX` for all of it), exactly as lol_html's text handler would: the
/// tokens that reach a handler (start tags, the end tags of elements with an end-tag
/// handler, comments, doctypes) bound it, and what else the tokenizer made of it is taken
/// out. In data that is end tags no handler asked for (a stray `</span>`, the end of a
/// `<span>`), `</>`, and CDATA sections in SVG and MathML; each ends a text node, as it does
/// for lol_html. After the start tag of `script`, `style`, `textarea` and the like, the text
/// runs to that element's end tag, which always has a handler ([`bounds_raw_text`]).
fn text_before(core: &Rc<RefCell<Core>>, input: &Rc<RefCell<Source>>, end: usize) {
    let (from, after, labelled) = {
        let mut source = input.borrow_mut();
        let end = end.min(source.base + source.bytes.len());
        if end <= source.seen {
            return;
        }
        source.let_go();
        let from = source.seen;
        source.seen = end;
        (from..end, source.after, source.labelled)
    };
    let source = input.borrow();
    let gap = source.get(from);
    if gap.is_empty() {
        return;
    }
    // The label of data text until the next tag (see `Source::labelled`).
    let mut data = labelled.unwrap_or(TextType::Data);
    let node = |bytes: &[u8], text_type: TextType| {
        if bytes.is_empty() {
            return;
        }
        let text = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        core.borrow_mut().text_chunk(&text, text_type, true);
    };
    if let Some(text_type) = after {
        node(gap, text_type);
        return;
    }
    let mut start = 0;
    let mut at = 0;
    while let Some(i) = memchr::memchr(b'<', &gap[at..]).map(|i| at + i) {
        let rest = &gap[i..];
        let skip = match rest.get(1) {
            Some(b'/') => match rest.get(2) {
                Some(b'>') => {
                    node(&gap[start..i], data);
                    if core.borrow().in_code() {
                        core.borrow_mut().literal("</>");
                    }
                    Some(3)
                }
                Some(c) if c.is_ascii_alphabetic() => {
                    // An end tag: gone, to its `>` (or to the end of the input).
                    node(&gap[start..i], data);
                    data = TextType::Data;
                    Some(crate::unclosed::tag_end(rest, 2).unwrap_or(rest.len()))
                }
                _ => None,
            },
            Some(c) if c.is_ascii_alphabetic() => {
                // A start tag always reaches the element handler, so this one is unfinished
                // at the end of the input, where the tokenizer drops it.
                node(&gap[start..i], data);
                Some(rest.len())
            }
            Some(b'!') if rest.starts_with(b"<![CDATA[") => {
                // Outside foreign content this is a comment, which reaches a handler; here it
                // is text of its own that the converter does not show.
                node(&gap[start..i], data);
                Some(memchr::memmem::find(&rest[9..], b"]]>").map_or(rest.len(), |e| 9 + e + 3))
            }
            _ => None,
        };
        match skip {
            Some(n) => {
                start = i + n;
                at = start;
            }
            None => at = i + 1,
        }
    }
    node(&gap[start..], data);
    drop(source);
    if labelled.is_some() && data == TextType::Data {
        input.borrow_mut().labelled = None;
    }
}

/// How the tokenizer reads the text after this start tag, when not as data (see
/// lol_html's tree builder simulator: HTML elements only, by name).
fn raw_text_type(el: &Element<'_, '_>, name: &str) -> Option<TextType> {
    let text_type = match name {
        "textarea" | "title" => TextType::RCData,
        "plaintext" => TextType::PlainText,
        "script" => TextType::ScriptData,
        "style" | "iframe" | "xmp" | "noembed" | "noframes" | "noscript" => TextType::RawText,
        _ => return None,
    };
    (el.namespace_uri() == "http://www.w3.org/1999/xhtml").then_some(text_type)
}

/// After a raw-text start tag, the text runs to the element's end tag: make sure that end
/// tag reaches a handler (the converter may not have asked for it), so that it bounds the
/// text. Returns whether the element is one.
fn bounds_raw_text(input: &Rc<RefCell<Source>>, el: &mut Element<'_, '_>, name: &str) -> bool {
    if input.borrow().from != TextFrom::Gaps {
        return false;
    }
    let Some(text_type) = raw_text_type(el, name) else {
        return false;
    };
    let mut input = input.borrow_mut();
    let tag = input.get(el.source_location().bytes());
    if crate::unclosed::tag_end_read(tag, 1).is_some_and(|(_, no_value)| no_value) {
        input.labelled = Some(text_type);
        return false;
    }
    input.after = Some(text_type);
    true
}

/// The source text of a token, from the input kept by the converter.
fn raw_text(input: &Rc<RefCell<Source>>, at: SourceLocation) -> String {
    let input = input.borrow();
    String::from_utf8_lossy(input.get(at.bytes())).into_owned()
}

fn handle_element(core: &Rc<RefCell<Core>>, input: &Rc<RefCell<Source>>, el: &mut Element<'_, '_>) {
    seen_tag(core, input, el.source_location());
    let name = el.tag_name();
    let raw = bounds_raw_text(input, el, &name);
    if core.borrow().in_code() && is_literal(el) {
        literal_element(core, input, el, name);
        return;
    }
    let tag = Tag::from_name(&name);
    let has_content = el.can_have_content();
    let id = if tag == Tag::Transparent {
        None
    } else {
        let marked = core.borrow().marks_braces();
        let attrs = read_attrs(el, tag, marked);
        core.borrow_mut().start(tag, attrs, has_content)
    };
    if (id.is_some() || raw) && has_content {
        let core = Rc::clone(core);
        let input = Rc::clone(input);
        // Only fails for elements that cannot have content, excluded above.
        let _ = el.on_end_tag(Box::new(move |end| {
            seen_tag(&core, &input, end.source_location());
            if let Some(id) = id {
                core.borrow_mut().end(id);
            }
            Ok(())
        }));
    }
}

fn is_literal(el: &Element<'_, '_>) -> bool {
    let attrs = el.attributes();
    let names: Vec<String> = attrs.iter().map(|a| a.name()).collect();
    literal::is_literal_tag(
        &el.tag_name_preserve_case(),
        names.iter().map(String::as_str),
    )
}

/// A tag inside code that is text: written as typed, and so is its own end
/// tag when one comes (`<bean>…</bean>` in an unescaped XML sample).
fn literal_element(
    core: &Rc<RefCell<Core>>,
    input: &Rc<RefCell<Source>>,
    el: &mut Element<'_, '_>,
    name: String,
) {
    let raw = raw_text(input, el.source_location());
    core.borrow_mut().literal(&literal::as_text(&raw));
    if el.can_have_content() {
        let core = Rc::clone(core);
        let input = Rc::clone(input);
        // Only fails for elements that cannot have content, excluded above.
        let _ = el.on_end_tag(Box::new(move |end| {
            seen_tag(&core, &input, end.source_location());
            // Also called at an ancestor's end tag, which is not this one's.
            if end.name() == name && core.borrow().in_code() {
                let raw = raw_text(&input, end.source_location());
                core.borrow_mut().literal(&literal::as_text(&raw));
            }
            Ok(())
        }));
    }
}

fn attr(el: &Element<'_, '_>, name: &str) -> Option<String> {
    el.get_attribute(name).map(|v| {
        let v = decode_attribute(v);
        // Most values need no trimming: keep the String lol_html made.
        let trimmed = v.trim();
        if trimmed.len() == v.len() {
            v
        } else {
            trimmed.to_owned()
        }
    })
}

/// An attribute decoded for Hexo output: brace references become Nunjucks markers.
fn attr_marked(el: &Element<'_, '_>, name: &str) -> Option<String> {
    el.get_attribute(name).map(|v| {
        let v = decode_attribute_marked(v);
        let trimmed = v.trim();
        if trimmed.len() == v.len() {
            v
        } else {
            trimmed.to_owned()
        }
    })
}

/// Reads the attributes `tag` needs, decoded and resolved. `marked`: braces written as
/// references are Nunjucks markers (kept in text, percent-encoded in URLs).
fn read_attrs(el: &Element<'_, '_>, tag: Tag, marked: bool) -> Attrs {
    let text_attr = |name: &str| {
        if marked {
            el.get_attribute(name).map(decode_attribute_marked)
        } else {
            el.get_attribute(name).map(decode_attribute)
        }
    };
    // Hexo: no brace in a URL reaches Nunjucks, typed or not. A typed `{{ x }}` in a link
    // target was run by Hexo in the HTML original, but in a Markdown link marked would
    // percent-encode Hexo's placeholder for it and break the URL (or the build).
    let url = |mut u: String| {
        if marked {
            nunjucks::url_unmark(&mut u);
            if u.contains(['{', '}']) {
                u = u.replace('{', "%7B").replace('}', "%7D");
            }
        }
        u
    };
    let mut a = Attrs::default();
    match tag {
        Tag::Link => {
            let href = if marked {
                attr_marked(el, "href")
            } else {
                attr(el, "href")
            };
            a.href = href.filter(|h| !is_script_url(h)).map(url);
            // A title is kept as written (edge spaces and line breaks too), even one that
            // repeats the URL: dropping those is the `remove_redundant_titles` rule.
            a.title = text_attr("title");
        }
        Tag::Image => {
            a.src = image_source(el, marked).map(url);
            a.alt = if marked {
                attr_marked(el, "alt")
            } else {
                attr(el, "alt")
            };
            a.title = text_attr("title");
        }
        Tag::Pre | Tag::Code => {
            a.lang = attr(el, "class")
                .and_then(|c| lang_from_class(&c))
                .or_else(|| attr(el, "data-lang").and_then(|l| clean_lang(&l)))
                .or_else(|| {
                    attr(el, "lang")
                        .filter(|l| !is_natural_language(l))
                        .and_then(|l| clean_lang(&l))
                });
        }
        Tag::List { ordered: true } => {
            a.start = attr(el, "start").and_then(|s| s.parse().ok());
        }
        Tag::Cell { .. } => {
            a.colspan = attr(el, "colspan")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            a.rowspan = attr(el, "rowspan")
                .and_then(|s| s.parse().ok())
                .unwrap_or(1);
            a.align = table::Align::from_attrs(
                attr(el, "align").as_deref(),
                attr(el, "style").as_deref(),
            );
        }
        Tag::Frame | Tag::Embed | Tag::Media(_) => {
            let src = if marked {
                attr_marked(el, "src")
                    .or_else(|| attr_marked(el, "data-src"))
                    .or_else(|| attr_marked(el, "data"))
            } else {
                attr(el, "src")
                    .or_else(|| attr(el, "data-src"))
                    .or_else(|| attr(el, "data"))
            };
            let has = |name: &str| el.has_attribute(name);
            a.embed = Some(Box::new(EmbedAttrs {
                src: src.filter(|s| !s.is_empty() && !is_script_url(s)).map(url),
                width: attr(el, "width"),
                height: attr(el, "height"),
                frameborder: attr(el, "frameborder").map(|v| v.to_ascii_lowercase()),
                allow: attr(el, "allow"),
                allowfullscreen: has("allowfullscreen"),
                sandbox: attr(el, "sandbox").map(|v| v.to_ascii_lowercase()),
                poster: attr(el, "poster").filter(|s| !is_script_url(s)).map(url),
                preload: attr(el, "preload").map(|v| v.to_ascii_lowercase()),
                looped: has("loop"),
                muted: has("muted"),
                playsinline: has("playsinline"),
                sources: Vec::new(),
            }));
        }
        Tag::Option => {
            a.selected = el.has_attribute("selected");
            a.disabled = el.has_attribute("disabled");
        }
        Tag::Select => {
            a.list_box = el.has_attribute("multiple")
                || attr(el, "size")
                    .and_then(|s| s.parse::<u64>().ok())
                    .is_some_and(|n| n > 1);
        }
        Tag::Input => {
            let kind = attr(el, "type").unwrap_or_default();
            if kind.eq_ignore_ascii_case("checkbox") {
                a.checkbox = Some(el.has_attribute("checked"));
            }
        }
        Tag::Source => {
            a.src = attr(el, "src")
                .or_else(|| {
                    let name = attr(el, "name")?.to_ascii_lowercase();
                    matches!(name.as_str(), "movie" | "src" | "url")
                        .then(|| attr(el, "value"))
                        .flatten()
                })
                .filter(|s| !is_script_url(s))
                .map(url);
            a.source_type = attr(el, "type").map(|t| t.to_ascii_lowercase());
        }
        _ => {}
    }
    a
}

/// A URL that would run script when followed or loaded: `javascript:`,
/// `vbscript:` and `data:text/html`, however obfuscated. Attribute values
/// are entity-decoded before they get here (`jav&#x09;ascript:`); browsers
/// strip leading spaces and control characters and ignore tabs and newlines
/// inside the scheme, so every whitespace or control character is skipped,
/// and letters compare ASCII-case-insensitively. Links with such a target
/// lose it (their text stays), images lose their source (their alt text
/// stays), embeds are dropped.
pub(crate) fn is_script_url(url: &str) -> bool {
    let starts = |prefix: &str| {
        let mut chars = url
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control());
        prefix
            .chars()
            .all(|s| chars.next().is_some_and(|c| c.to_ascii_lowercase() == s))
    };
    starts("javascript:") || starts("vbscript:") || starts("data:text/html")
}

/// The real source of an image: lazy-loading attributes win over a missing
/// or placeholder `src`.
fn image_source(el: &Element<'_, '_>, marked: bool) -> Option<String> {
    let usable = |s: &String| !is_placeholder(s) && !is_script_url(s);
    let attr = |el: &Element<'_, '_>, name: &str| {
        if marked {
            attr_marked(el, name)
        } else {
            attr(el, name)
        }
    };
    let src = attr(el, "src").filter(usable);
    src.or_else(|| {
        [
            "data-src",
            "data-original",
            "_src",
            "data-actualsrc",
            "data-lazy-src",
        ]
        .iter()
        .find_map(|n| attr(el, n).filter(usable))
    })
    .or_else(|| {
        let set = attr(el, "srcset").or_else(|| attr(el, "data-srcset"))?;
        let first = set.split(',').next()?.split_whitespace().next()?.to_owned();
        (!first.is_empty()).then_some(first)
    })
    .filter(|s| !is_script_url(s))
}

/// No picture: empty, a `data:` URL (a lazy-loading placeholder, or an
/// inline picture too big for a Markdown line), `about:blank`, `#`.
fn is_placeholder(src: &str) -> bool {
    src.is_empty()
        || src
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
        || src == "about:blank"
        || src == "#"
}

/// `language-rust`, `lang-rust`, `highlight-rust`, SyntaxHighlighter's
/// `brush: rust;` → `rust`.
fn lang_from_class(class: &str) -> Option<String> {
    let mut words = class.split_ascii_whitespace();
    while let Some(c) = words.next() {
        let lang = match c {
            "brush:" => words.next().map(|w| w.trim_end_matches(';')),
            _ if c.starts_with("brush:") => Some(c["brush:".len()..].trim_end_matches(';')),
            _ => c
                .strip_prefix("language-")
                .or_else(|| c.strip_prefix("lang-"))
                .or_else(|| c.strip_prefix("highlight-")),
        };
        if let Some(lang) = lang.and_then(clean_lang) {
            return Some(lang);
        }
    }
    None
}

/// A language name as a backtick fence's info string can hold it (`c++`,
/// `c#`, `föö`): everything but whitespace and backticks.
fn clean_lang(lang: &str) -> Option<String> {
    let clean: String = lang
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '`')
        .collect();
    (!clean.is_empty()).then_some(clean)
}

/// `lang="zh-CN"` on a `<pre>` is the HTML language attribute, not a
/// programming language (`<pre lang="php">`, WP-Syntax style).
fn is_natural_language(lang: &str) -> bool {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "en" | "zh" | "ja" | "ko" | "fr" | "de" | "es" | "ru" | "pt" | "it" | "und" | ""
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> String {
        convert(html, &Options::default())
    }

    #[test]
    fn empty_input() {
        assert_eq!(md(""), "");
        assert_eq!(md("<div> </div>"), "");
    }

    /// Inside code, a `</>` the tokenizer dropped is written back, also after an end tag with a
    /// quoted `>` in an attribute and after the last token (the gap reading finds both; the
    /// reference agrees).
    #[test]
    fn dropped_empty_end_tags_in_code_come_back() {
        for html in ["<pre>a</b c='>'></>d</pre>", "<pre>text</</pre></>"] {
            let opts = Options::default();
            let mut reference = Converter::reference(&opts);
            reference.write(html.as_bytes());
            assert_eq!(md(html), reference.finish(), "{html}");
            assert!(md(html).contains("</>"), "{html}: {:?}", md(html));
        }
    }

    #[test]
    fn implied_paragraph_ends() {
        assert_eq!(md("<p>a<p>b"), "a\n\nb\n");
        assert_eq!(md("<ul><li>x<li>y</ul>"), "- x\n- y\n");
    }

    #[test]
    fn lang_classes() {
        assert_eq!(lang_from_class("hljs language-rust"), Some("rust".into()));
        assert_eq!(lang_from_class("lang-js x"), Some("js".into()));
        assert_eq!(lang_from_class("plain"), None);
        assert_eq!(
            lang_from_class("brush: js; gutter: false"),
            Some("js".into())
        );
        assert_eq!(lang_from_class("brush:php"), Some("php".into()));
        assert!(is_natural_language("zh-CN"));
        assert!(!is_natural_language("go"));
        assert!(is_script_url(" JavaScript:void(0)"));
        assert!(is_script_url("\u{1}\u{7f} jav\tascr\nipt:x"));
        assert!(is_script_url("JaVaScRiPt:alert(1)"));
        assert!(is_script_url("DATA:Text/HTML;base64,PHNjcmlwdD4="));
        assert!(!is_script_url("data:image/png;base64,AAAA"));
        assert!(!is_script_url("https://example.com/javascript:x"));
        assert!(is_placeholder("DATA:image/gif;base64,R0lGOD"));
    }
}
