//! The converter's own element stack and the dispatch of start tags, end
//! tags and text to the block and inline writers.
//!
//! lol_html has no tree builder: `<p>a<p>b` nests, end-tag handlers fire late
//! (at an ancestor's end tag) or never (elements open at EOF), and text inside
//! `<script>` or removed content still arrives. This module keeps its own
//! stack of frames with unique ids and applies the HTML standard's implied end
//! tags on it (`p` closed by block starts, `li`/`dt`/`dd`/`tr`/`td`/`option`
//! closed by their siblings); an end event closes its frame and everything
//! above it, idempotently, and [`Core::finish`] closes whatever is left.
//! Text is buffered until `last_in_text_node` ([`super::text`]). Tables are
//! recorded as events and replayed once their shape is known
//! ([`super::table`]); `<pre>` and `<code>` capture their text verbatim.

use lol_html::html_content::TextType;

/// Elements nested deeper than this are flattened: they add no structure
/// of their own (their text, images and breaks still flow into the element
/// at the limit; what they would hide, `<script>`, `<svg>` and the like, is
/// still hidden). Bounds the converter's stack and the work per tag.
pub const MAX_DEPTH: usize = 512;

/// Tables nested deeper than this are flattened into the table around them.
/// A table is recorded and replayed, and a nested table inside the replay is
/// recorded and replayed again, so this bounds that recursion (and its
/// memory) far below any thread's stack.
pub const MAX_TABLE_DEPTH: usize = 16;

use super::block::Blocks;
use super::embed::{self, EmbedAttrs, Embeds, Kind, Rendered};
use super::escape;
use super::inline::{Flush, Inline, Mark};
use super::nunjucks;
use super::shortcodes;
use super::table::{self, Attrs, Event, Shape};
use super::tags::Tag;
use super::text::TextBuffer;
use super::{Notes, Options};

#[derive(Debug)]
enum Act {
    /// A block boundary at start and end.
    Plain,
    Heading(u8),
    Quote,
    List,
    Item,
    /// `dt`: a bold paragraph (the mark handle).
    Term(usize),
    Pre,
    Code,
    /// An inline mark (handle in the inline open stack).
    Mark(usize),
    /// Content dropped.
    Suppress,
    /// `video`/`audio`/`object`: content dropped (its `<source>`s collected), the embed
    /// written at the end.
    Media(Box<(Kind, EmbedAttrs)>),
    /// Inside a table being recorded.
    Recorded,
    /// The table being recorded.
    TableRoot,
    /// A cell of a GFM table being replayed.
    GfmCell,
    /// A `select`: the label of its chosen option is written at its end.
    Select,
    /// An `option` inside a `select`: its text is a label.
    SelectOption,
    /// Nothing to do at the end.
    Inert,
}

#[derive(Debug)]
struct Frame {
    id: u32,
    tag: Tag,
    act: Act,
}

#[derive(Debug, Default)]
struct Pre {
    lang: Option<String>,
    buf: String,
    /// Nothing seen since `<pre>` (or `<textarea>`): a leading newline is dropped, as the
    /// HTML parser drops it. A `<br>` is a line break, and a newline after it another one,
    /// as a browser shows them (`<br>\n` is two; counting it once is the
    /// `collapse_code_breaks` rule).
    fresh: bool,
    /// A `textarea`: a code span unless its text holds a line break.
    textarea: bool,
    /// `xmp`, `plaintext`: raw text (not entity-decoded) is its content.
    raw: bool,
}

/// A `select` being read: a browser shows one option's label (the last one `selected`,
/// else the first one not `disabled`), or every label in a list box.
#[derive(Debug, Default)]
struct Select {
    /// (label, selected, disabled) per option.
    options: Vec<(String, bool, bool)>,
    list_box: bool,
    in_option: bool,
}

impl Select {
    /// The labels a browser shows.
    fn shown(&self) -> Vec<String> {
        let label = |s: &str| {
            s.split(|c: char| c.is_ascii_whitespace())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        };
        if self.list_box {
            return self.options.iter().map(|o| label(&o.0)).collect();
        }
        let chosen = self
            .options
            .iter()
            .rev()
            .find(|o| o.1)
            .or_else(|| self.options.iter().find(|o| !o.2));
        chosen.map(|o| label(&o.0)).into_iter().collect()
    }
}

#[derive(Debug, Default)]
struct Gfm {
    rows: Vec<Vec<String>>,
    /// Per column: the alignment of its first cell that has one.
    aligns: Vec<table::Align>,
    complex: bool,
    in_cell: bool,
    /// Content count at the last block boundary inside the current cell.
    boundary_at: Option<u32>,
}

/// Replay entry for a recorded `Start` that has an `End`.
enum Entry {
    Frame(Option<u32>, bool),
}

/// The converter state shared by all lol_html handlers.
#[derive(Debug)]
pub(crate) struct Core {
    opts: Options,
    frames: Vec<Frame>,
    /// Frames of `pre`/`code` elements on the stack (recorded ones included).
    code_frames: usize,
    /// Frames of `table` elements on the stack (recorded ones included).
    table_frames: usize,
    /// Frames of `math` elements on the stack: there, `annotation`s are hidden.
    math_frames: usize,
    select: Option<Select>,
    next_id: u32,
    suppress: u32,
    single_line: u32,
    heading: Option<u8>,
    inline: Inline,
    blocks: Blocks,
    para: String,
    text_buf: TextBuffer,
    pre: Option<Pre>,
    code: Option<String>,
    rec: Option<Vec<Event>>,
    gfm: Option<Gfm>,
    /// The paragraph being flushed is a `<p>` element (not bare text).
    para_wrapped: bool,
    /// Hexo output: an author's own `{% raw %}` is open (see [`nunjucks::protect`]).
    raw_open: bool,
    notes: Notes,
}

impl Core {
    pub(crate) fn new(opts: Options) -> Self {
        let mut text_buf = TextBuffer::default();
        text_buf.mark_braces = opts.nunjucks_safe;
        Core {
            opts,
            frames: Vec::new(),
            code_frames: 0,
            table_frames: 0,
            math_frames: 0,
            select: None,
            next_id: 0,
            suppress: 0,
            single_line: 0,
            heading: None,
            inline: Inline::default(),
            blocks: Blocks::default(),
            para: String::new(),
            text_buf,
            pre: None,
            code: None,
            rec: None,
            gfm: None,
            para_wrapped: false,
            raw_open: false,
            notes: Notes::default(),
        }
    }

    /// Braces written as references are decoded to Nunjucks markers (Hexo output).
    pub(crate) fn marks_braces(&self) -> bool {
        self.opts.nunjucks_safe
    }

    /// A raw text chunk from lol_html.
    pub(crate) fn text_chunk(&mut self, chunk: &str, text_type: TextType, last: bool) {
        if matches!(text_type, TextType::RawText | TextType::PlainText) {
            // Shown only as the content of `xmp` and `plaintext` (script, style and the
            // like are hidden).
            if self.pre.as_ref().is_some_and(|p| p.raw) {
                self.text(chunk);
            }
            return;
        }
        let mut buf = std::mem::take(&mut self.text_buf);
        buf.push(chunk, text_type, last, |s| self.text(s));
        self.text_buf = buf;
    }

    fn flush_text(&mut self) {
        let mut buf = std::mem::take(&mut self.text_buf);
        buf.flush(|s| self.text(s));
        self.text_buf = buf;
    }

    fn push_frame(&mut self, tag: Tag, act: Act) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        if matches!(tag, Tag::Pre | Tag::Code) {
            self.code_frames += 1;
        }
        if tag == Tag::Table {
            self.table_frames += 1;
        }
        if tag == Tag::Math {
            self.math_frames += 1;
        }
        self.frames.push(Frame { id, tag, act });
        id
    }

    /// True inside `<pre>` or `<code>` (where mis-tokenized text is recovered).
    pub(crate) fn in_code(&self) -> bool {
        self.code_frames > 0 || self.pre.is_some() || self.code.is_some()
    }

    /// Code text written exactly as given (a tag or comment that was text).
    pub(crate) fn literal(&mut self, raw: &str) {
        self.flush_text();
        if let Some(pre) = &mut self.pre {
            pre.fresh = false;
        }
        self.text(raw);
    }

    /// A start tag. Returns the frame id when an end event must be reported.
    pub(crate) fn start(&mut self, tag: Tag, attrs: Attrs, has_content: bool) -> Option<u32> {
        self.flush_text();
        if self.suppress > 0 {
            if tag == Tag::Source
                && let Some(Frame {
                    act: Act::Media(media),
                    ..
                }) = self.frames.last_mut()
                && let Some(src) = attrs.src.filter(|s| !s.is_empty())
                && media.1.sources.len() < embed::MAX_SOURCES
            {
                media.1.sources.push((src, attrs.source_type));
            }
            return None;
        }
        if self.select.is_some() {
            return self.start_in_select(tag, attrs, has_content);
        }
        if self.pre.is_some() || self.code.is_some() {
            return self.start_in_code(tag, attrs, has_content);
        }
        if !has_content {
            self.void(tag, attrs);
            return None;
        }
        if matches!(tag, Tag::Transparent | Tag::Nothing | Tag::Source) {
            return None;
        }
        if self.too_deep(tag) {
            return None;
        }
        self.implied_end_tags(tag);
        if self.rec.is_some() {
            return Some(self.start_recorded(tag, attrs));
        }
        self.open(tag, attrs)
    }

    /// Past the nesting limits an element is flattened (no frame), except
    /// one that hides its content: inside it nothing more is pushed.
    fn too_deep(&self, tag: Tag) -> bool {
        let hides = matches!(tag, Tag::Suppress | Tag::Media(_) | Tag::Annotation);
        (self.frames.len() >= MAX_DEPTH && !hides)
            || (tag == Tag::Table && self.table_frames >= MAX_TABLE_DEPTH)
    }

    /// Inside a `select`, the HTML parser keeps only options (and groups of them).
    fn start_in_select(&mut self, tag: Tag, attrs: Attrs, has_content: bool) -> Option<u32> {
        if tag != Tag::Option || !has_content {
            return None;
        }
        // An option closes the one before it.
        self.implied_end_tags(tag);
        if let Some(select) = &mut self.select {
            select
                .options
                .push((String::new(), attrs.selected, attrs.disabled));
            select.in_option = true;
        }
        Some(self.push_frame(tag, Act::SelectOption))
    }

    fn start_in_code(&mut self, tag: Tag, attrs: Attrs, has_content: bool) -> Option<u32> {
        if let Some(pre) = &mut self.pre {
            pre.fresh = false;
            if tag == Tag::Code && pre.lang.is_none() {
                pre.lang = attrs.lang.clone();
            }
        }
        if self.pre.is_none()
            && (tag.closes_paragraph() || tag.is_table_part())
            && let Some(code) = &mut self.code
        {
            // A block inside inline code still separates its text.
            code.push(' ');
        }
        match tag {
            Tag::Break => {
                if let Some(pre) = &mut self.pre {
                    pre.buf.push('\n');
                } else if let Some(code) = &mut self.code {
                    code.push(' ');
                }
                None
            }
            Tag::Suppress if has_content => {
                self.suppress += 1;
                Some(self.push_frame(tag, Act::Suppress))
            }
            Tag::Media(name) if has_content => {
                self.suppress += 1;
                Some(self.push_frame(tag, media_act(name, attrs)))
            }
            _ => None,
        }
    }

    fn start_recorded(&mut self, tag: Tag, attrs: Attrs) -> u32 {
        match tag {
            Tag::Suppress => {
                self.suppress += 1;
                self.push_frame(tag, Act::Suppress)
            }
            Tag::Media(name) => {
                self.suppress += 1;
                self.push_frame(tag, media_act(name, attrs))
            }
            Tag::Frame => {
                self.emit_embed(Kind::Frame, attrs.embed.map(|b| *b).unwrap_or_default());
                self.push_frame(tag, Act::Inert)
            }
            _ => {
                if let Some(rec) = &mut self.rec {
                    rec.push(Event::Start {
                        tag,
                        attrs: Box::new(attrs),
                        has_end: true,
                    });
                }
                self.push_frame(tag, Act::Recorded)
            }
        }
    }

    fn void(&mut self, tag: Tag, attrs: Attrs) {
        if let Some(rec) = &mut self.rec {
            match tag {
                Tag::Break | Tag::Image | Tag::Rule | Tag::Input => rec.push(Event::Start {
                    tag,
                    attrs: Box::new(attrs),
                    has_end: false,
                }),
                Tag::Embed => {
                    self.emit_embed(Kind::Plugin, attrs.embed.map(|b| *b).unwrap_or_default());
                }
                _ => {}
            }
            return;
        }
        match tag {
            Tag::Break => self.line_break(),
            Tag::Image => match attrs.src {
                Some(src) => self.inline.image(
                    attrs.alt.unwrap_or_default(),
                    src,
                    attrs.title.unwrap_or_default(),
                ),
                // No usable source (a `data:` or script URL): what a browser
                // shows for a picture it cannot load, its alt text.
                None => {
                    if let Some(alt) = attrs.alt {
                        self.inline.text(&alt);
                    }
                }
            },
            Tag::Rule => {
                if self.single_line > 0 {
                    self.mark_complex();
                    self.boundary();
                } else {
                    self.flush_inline();
                    self.blocks.rule();
                }
            }
            Tag::Embed => {
                self.emit_embed(Kind::Plugin, attrs.embed.map(|b| *b).unwrap_or_default());
            }
            Tag::Input => {
                if let Some(checked) = attrs.checkbox {
                    self.checkbox(checked);
                }
            }
            Tag::Paragraph | Tag::Block | Tag::Heading(_) => self.boundary(),
            _ => {}
        }
    }

    /// A checkbox: a GFM task list marker where it opens a list item, else the same
    /// `[ ]` / `[x]` as text.
    fn checkbox(&mut self, checked: bool) {
        if self.single_line == 0 && self.blocks.at_item_start() && self.inline.is_blank() {
            self.inline.task(checked);
        } else {
            self.inline.text(if checked { "[x]" } else { "[ ]" });
        }
    }

    fn line_break(&mut self) {
        if self.single_line > 0 {
            if self.inline.has_content() {
                self.inline.space(false);
            }
        } else {
            // `<br><br>` is two line breaks, as the browser shows it; making a paragraph
            // break of it is the `paragraph_breaks` rule. A break before any content of
            // the block shows an empty line, and is written (`\` alone on the first line);
            // dropping it is the `trim_leading_breaks` rule. One after the last content
            // shows nothing, and goes.
            self.inline.hard_break();
        }
    }

    /// Applies the implied end tags of the HTML standard that matter here.
    fn implied_end_tags(&mut self, tag: Tag) {
        if tag.closes_paragraph() {
            self.close_in_scope(|t| t == Tag::Paragraph, Tag::is_scope_boundary);
        }
        match tag {
            Tag::Heading(_) => {
                if let Some(f) = self.frames.last()
                    && matches!(f.tag, Tag::Heading(_))
                {
                    let id = f.id;
                    self.end(id);
                }
            }
            Tag::ListItem => {
                self.close_in_scope(|t| t == Tag::ListItem, Tag::stops_item_search);
            }
            Tag::Term | Tag::Definition => {
                self.close_in_scope(
                    |t| matches!(t, Tag::Term | Tag::Definition),
                    Tag::stops_item_search,
                );
            }
            Tag::Row | Tag::TableSection | Tag::Caption => {
                let target = |t: Tag| matches!(t, Tag::Row | Tag::Cell { .. } | Tag::Caption);
                let stop = |t: Tag| t == Tag::Table;
                if tag == Tag::Row {
                    self.close_in_scope(target, stop);
                } else {
                    self.close_in_scope(|t| target(t) || t == Tag::TableSection, stop);
                }
            }
            Tag::Cell { .. } => {
                self.close_in_scope(
                    |t| matches!(t, Tag::Cell { .. } | Tag::Caption),
                    |t| matches!(t, Tag::Table | Tag::Row),
                );
            }
            Tag::Link => {
                // A link start closes an open link (browsers never nest them).
                self.close_in_scope(
                    |t| t == Tag::Link,
                    |t| t.is_table_part() || t.is_scope_boundary(),
                );
            }
            Tag::Option => {
                if let Some(f) = self.frames.last()
                    && f.tag == Tag::Option
                {
                    let id = f.id;
                    self.end(id);
                }
            }
            _ => {}
        }
    }

    /// Closes the nearest frame matching `target`, searching down the stack
    /// until a frame for which `stop` holds.
    fn close_in_scope(&mut self, target: impl Fn(Tag) -> bool, stop: impl Fn(Tag) -> bool) {
        for f in self.frames.iter().rev() {
            if target(f.tag) {
                let id = f.id;
                self.end(id);
                return;
            }
            if stop(f.tag) {
                return;
            }
        }
    }

    fn mark_complex(&mut self) {
        if let Some(g) = &mut self.gfm
            && g.in_cell
        {
            g.complex = true;
        }
    }

    /// Opens an element in normal (streaming) mode.
    fn open(&mut self, tag: Tag, attrs: Attrs) -> Option<u32> {
        let act = match tag {
            Tag::Paragraph
            | Tag::Block
            | Tag::DefinitionList
            | Tag::Definition
            | Tag::Option
            | Tag::Caption
            | Tag::TableSection
            | Tag::Row
            | Tag::Cell { .. } => {
                self.boundary();
                Act::Plain
            }
            Tag::Term => {
                self.boundary();
                Act::Term(self.inline.open_mark(Mark::Strong))
            }
            Tag::Heading(level) => {
                if self.single_line > 0 {
                    self.mark_complex();
                    self.boundary();
                    Act::Plain
                } else {
                    self.flush_inline();
                    self.heading = Some(level);
                    self.single_line += 1;
                    Act::Heading(level)
                }
            }
            Tag::Blockquote | Tag::List { .. } | Tag::ListItem if self.single_line > 0 => {
                self.mark_complex();
                self.boundary();
                Act::Plain
            }
            Tag::Blockquote => {
                self.flush_inline();
                self.blocks.start_quote();
                Act::Quote
            }
            Tag::List { ordered } => {
                self.flush_inline();
                self.blocks
                    .start_list(ordered, if ordered { attrs.start.unwrap_or(1) } else { 1 });
                Act::List
            }
            Tag::ListItem => {
                self.flush_inline();
                let in_list = self
                    .frames
                    .iter()
                    .rev()
                    .find(|f| matches!(f.tag, Tag::List { .. } | Tag::Table | Tag::Cell { .. }))
                    .is_some_and(|f| matches!(f.tag, Tag::List { .. }));
                if in_list {
                    self.blocks.start_item();
                    Act::Item
                } else {
                    Act::Plain
                }
            }
            Tag::Pre => {
                if self.single_line > 0 {
                    self.mark_complex();
                    self.boundary();
                } else {
                    self.flush_inline();
                }
                self.pre = Some(Pre {
                    lang: attrs.lang,
                    buf: String::new(),
                    fresh: true,
                    textarea: false,
                    raw: false,
                });
                Act::Pre
            }
            Tag::Code => {
                self.code = Some(String::new());
                Act::Code
            }
            Tag::Strong | Tag::Emphasis | Tag::Strike | Tag::RawInline(_) => {
                let mark = match tag {
                    Tag::Strong => Mark::Strong,
                    Tag::Emphasis => Mark::Emphasis,
                    Tag::Strike => Mark::Strike,
                    Tag::RawInline(t) => Mark::Raw(t),
                    _ => Mark::Strong,
                };
                // Nested emphasis is kept (`<em>(<em>x</em>)</em>`); nested
                // strike or raw inline HTML would say nothing more.
                if !matches!(mark, Mark::Strong | Mark::Emphasis) && self.inline.is_open(&mark) {
                    Act::Inert
                } else {
                    Act::Mark(self.inline.open_mark(mark))
                }
            }
            Tag::Link => match attrs.href {
                Some(href) if !self.inline.in_link() => {
                    Act::Mark(self.inline.open_mark(Mark::Link {
                        href,
                        title: attrs.title.unwrap_or_default(),
                    }))
                }
                _ => Act::Inert,
            },
            Tag::Table => {
                self.flush_inline();
                self.rec = Some(vec![Event::Start {
                    tag,
                    attrs: Box::new(attrs),
                    has_end: true,
                }]);
                Act::TableRoot
            }
            Tag::Frame => {
                self.emit_embed(Kind::Frame, attrs.embed.map(|b| *b).unwrap_or_default());
                Act::Inert
            }
            Tag::Media(name) => {
                self.suppress += 1;
                media_act(name, attrs)
            }
            Tag::Suppress => {
                self.suppress += 1;
                Act::Suppress
            }
            Tag::Preformatted { inline } => {
                if !inline {
                    if self.single_line > 0 {
                        self.mark_complex();
                        self.boundary();
                    } else {
                        self.flush_inline();
                    }
                }
                self.pre = Some(Pre {
                    lang: None,
                    buf: String::new(),
                    fresh: inline,
                    textarea: inline,
                    raw: !inline,
                });
                Act::Pre
            }
            Tag::Select => {
                self.select = Some(Select {
                    list_box: attrs.list_box,
                    ..Select::default()
                });
                Act::Select
            }
            Tag::Annotation if self.math_frames > 0 => {
                self.suppress += 1;
                Act::Suppress
            }
            Tag::Math | Tag::Annotation => Act::Inert,
            Tag::Break | Tag::Image | Tag::Rule | Tag::Embed | Tag::Input => {
                // Written as void elements even if the markup gave them content.
                self.void(tag, attrs);
                Act::Inert
            }
            Tag::Transparent | Tag::Nothing | Tag::Source => Act::Inert,
        };
        Some(self.push_frame(tag, act))
    }

    /// An end event for frame `id`: closes it and every frame above it.
    pub(crate) fn end(&mut self, id: u32) {
        self.flush_text();
        let Some(pos) = self.frames.iter().rposition(|f| f.id == id) else {
            return;
        };
        while self.frames.len() > pos {
            if let Some(f) = self.frames.pop() {
                if matches!(f.tag, Tag::Pre | Tag::Code) {
                    self.code_frames = self.code_frames.saturating_sub(1);
                }
                if f.tag == Tag::Table {
                    self.table_frames = self.table_frames.saturating_sub(1);
                }
                if f.tag == Tag::Math {
                    self.math_frames = self.math_frames.saturating_sub(1);
                }
                self.close(f);
            }
        }
    }

    fn close(&mut self, f: Frame) {
        match f.act {
            Act::Plain => {
                self.para_wrapped = f.tag == Tag::Paragraph;
                self.boundary();
                self.para_wrapped = false;
            }
            Act::Term(h) => {
                self.inline.close_mark(h);
                self.boundary();
            }
            Act::Heading(level) => {
                self.single_line = self.single_line.saturating_sub(1);
                self.heading = None;
                self.para.clear();
                // `<h3><img></h3>` is a heading that holds a picture (writing it as a
                // paragraph is the `demote_picture_headings` rule).
                let opts = Flush {
                    heading: true,
                    ..self.flush_opts(false)
                };
                if self.inline.flush(&mut self.para, opts) {
                    self.protect_para();
                    self.blocks.heading(level, &self.para);
                } else {
                    // An empty heading is still a heading.
                    self.blocks.heading(level, "");
                }
            }
            Act::Quote => {
                self.flush_inline();
                self.blocks.end_quote();
            }
            Act::List => {
                self.flush_inline();
                self.blocks.end_list();
            }
            Act::Item => {
                self.flush_inline();
                self.blocks.end_item();
            }
            Act::Pre => {
                if let Some(pre) = self.pre.take() {
                    let span = pre.textarea && !pre.buf.contains('\n');
                    if span {
                        if !pre.buf.is_empty() {
                            self.inline.code(&pre.buf);
                        }
                    } else if self.single_line > 0 {
                        // A table cell falls back to HTML; a heading keeps the text.
                        self.mark_complex();
                        let collapsed = collapse_code(&pre.buf);
                        if !collapsed.trim().is_empty() {
                            self.inline.code(&collapsed);
                        }
                    } else {
                        if pre.textarea {
                            self.flush_inline();
                        }
                        let lang = pre.lang.unwrap_or_default();
                        let mut code = pre.buf;
                        // Hexo's backtick_code_block filter keeps fenced code from Nunjucks.
                        nunjucks::unmark(&mut code);
                        if self.opts.shortcode_safe && shortcodes::has_opener(&code) {
                            match shortcodes::comment_form(&code) {
                                Some(shown) => self.blocks.code_block(&lang, &shown),
                                None => {
                                    // Never closed: only HTML can show it to Hugo.
                                    let mut html = String::from("<pre><code>");
                                    escape::push_html_escaped(&mut html, &code);
                                    html = html.replace('%', "&#37;");
                                    html.push_str("</code></pre>");
                                    self.blocks.raw_lines(&html);
                                }
                            }
                        } else {
                            self.blocks.code_block(&lang, &code);
                        }
                    }
                }
            }
            Act::Code => {
                if let Some(code) = self.code.take() {
                    // Edge spaces stay inside the span (`<code> a</code>`);
                    // an empty span cannot be written.
                    let mut collapsed = collapse_code(&code);
                    if self.opts.nunjucks_safe {
                        // Hexo never read braces in code as tags (its tag filter escapes
                        // them inside `<code>`): all of them are protected.
                        collapsed = nunjucks::mark_all(&collapsed);
                    }
                    if !collapsed.is_empty() {
                        self.inline.code(&collapsed);
                    }
                }
            }
            Act::Mark(h) => self.inline.close_mark(h),
            Act::Suppress => self.suppress = self.suppress.saturating_sub(1),
            Act::Media(media) => {
                self.suppress = self.suppress.saturating_sub(1);
                let (kind, attrs) = *media;
                self.emit_embed(kind, attrs);
            }
            Act::Recorded => {
                if let Some(rec) = &mut self.rec {
                    rec.push(Event::End);
                }
            }
            Act::TableRoot => {
                if let Some(mut rec) = self.rec.take() {
                    rec.push(Event::End);
                    self.render_table(&rec);
                }
            }
            Act::GfmCell => self.gfm_cell_end(),
            Act::SelectOption => {
                if let Some(select) = &mut self.select {
                    select.in_option = false;
                }
            }
            Act::Select => {
                if let Some(select) = self.select.take() {
                    for (i, label) in select.shown().iter().enumerate() {
                        if i > 0 {
                            self.line_break();
                        }
                        self.inline.text(label);
                    }
                }
            }
            Act::Inert => {}
        }
    }

    fn flush_opts(&self, table: bool) -> Flush {
        Flush {
            table,
            keep_indent: self.opts.keep_fullwidth_indent,
            heading: false,
            dialect: self.opts.dialect,
        }
    }

    fn protect_para(&mut self) {
        if self.opts.nunjucks_safe {
            nunjucks::protect(&mut self.para, &mut self.raw_open);
        }
    }

    /// A block boundary: ends the current paragraph (a space inside
    /// single-line contexts).
    fn boundary(&mut self) {
        if self.single_line > 0 {
            if self.inline.has_content() {
                self.inline.space(false);
                if let Some(g) = &mut self.gfm
                    && g.in_cell
                {
                    g.boundary_at = Some(self.inline.content_count());
                }
            }
            return;
        }
        self.flush_inline();
    }

    fn flush_inline(&mut self) {
        if self.single_line > 0 {
            return;
        }
        self.para.clear();
        let opts = self.flush_opts(false);
        if self.inline.flush(&mut self.para, opts) {
            self.protect_para();
            self.blocks.paragraph(&self.para, self.para_wrapped);
        }
    }

    /// Decoded text.
    fn text(&mut self, s: &str) {
        if self.suppress > 0 || s.is_empty() {
            return;
        }
        if let Some(select) = &mut self.select {
            if select.in_option
                && let Some(option) = select.options.last_mut()
            {
                option.0.push_str(s);
            }
            return;
        }
        if let Some(pre) = &mut self.pre {
            let s = if pre.fresh {
                pre.fresh = false;
                s.strip_prefix("\r\n")
                    .or_else(|| s.strip_prefix('\n'))
                    .unwrap_or(s)
            } else {
                s
            };
            pre.buf.push_str(s);
            return;
        }
        if let Some(code) = &mut self.code {
            code.push_str(s);
            return;
        }
        if let Some(rec) = &mut self.rec {
            if let Some(Event::Text(t)) = rec.last_mut() {
                t.push_str(s);
            } else {
                rec.push(Event::Text(s.to_owned()));
            }
            return;
        }
        self.inline.text(s);
    }

    /// An iframe, video, audio, embed or object: decided per `--embeds` (never fetched).
    fn emit_embed(&mut self, kind: Kind, attrs: EmbedAttrs) {
        let Some(r) = embed::render(kind, &attrs, self.opts.embeds) else {
            let has_source = attrs.src.as_deref().is_some_and(|s| !s.trim().is_empty())
                || !attrs.sources.is_empty();
            if self.opts.embeds == Embeds::Drop && has_source {
                self.notes.embeds_dropped += 1;
            }
            return;
        };
        match &r.block {
            Some(b) if !self.inline.in_link() && self.heading.is_none() => {
                self.notes.embeds_kept += 1;
                self.notes.embeds_as_html += u32::from(b.html);
            }
            _ => self.notes.embeds_linked += 1,
        }
        if let Some(rec) = &mut self.rec {
            rec.push(Event::Embed(Box::new(r)));
            return;
        }
        self.place_embed(&r);
    }

    /// A decided embed where it stands: a kept player is a block of its own; inside a link or
    /// a heading it can only be a link; in a GFM cell it makes the table an HTML table.
    fn place_embed(&mut self, r: &Rendered) {
        match &r.block {
            Some(block) if !self.inline.in_link() && self.heading.is_none() => {
                if self.single_line > 0 {
                    // Only the raw-HTML table can hold the player: fall back to it.
                    self.mark_complex();
                    self.embed_link(&r.label, r.url.clone());
                } else {
                    self.flush_inline();
                    self.blocks.raw_lines(&block.text);
                }
            }
            _ => self.embed_link(&r.label, r.url.clone()),
        }
    }

    /// Embeds stand as their own paragraph (inline only inside links,
    /// headings and table cells).
    fn embed_link(&mut self, text: &str, src: String) {
        if self.inline.in_link() {
            self.inline.text(text);
            return;
        }
        self.boundary();
        let h = self.inline.open_mark(Mark::Link {
            href: src,
            title: String::new(),
        });
        self.inline.text(text);
        self.inline.close_mark(h);
        self.boundary();
    }

    fn render_table(&mut self, events: &[Event]) {
        match table::shape(events) {
            Shape::Layout => self.replay(events, Shape::Layout),
            Shape::Gfm => {
                let checkpoint = self.blocks.checkpoint();
                let images = self.inline.written_images.len();
                self.gfm = Some(Gfm::default());
                self.replay(events, Shape::Gfm);
                self.flush_inline();
                let gfm = self.gfm.take().unwrap_or_default();
                if gfm.complex {
                    self.blocks.restore(checkpoint);
                    self.inline.written_images.truncate(images);
                    if table::one_data_column(events) {
                        self.replay(events, Shape::Layout);
                    } else {
                        self.html_table(events);
                    }
                } else if let Some(lines) = table::gfm_lines(&gfm.rows, &gfm.aligns) {
                    self.blocks.raw_lines(&lines);
                }
            }
            Shape::Html => self.html_table(events),
        }
    }

    fn html_table(&mut self, events: &[Event]) {
        if let Some(caption) = caption_range(events) {
            let id = self.push_frame(Tag::Cell { header: false }, Act::Plain);
            self.replay_inner(&events[caption.0..caption.1]);
            self.end(id);
        }
        self.flush_inline();
        let mut html = table::to_html(events);
        if self.opts.nunjucks_safe {
            nunjucks::protect(&mut html, &mut self.raw_open);
        }
        if self.opts.shortcode_safe {
            // `<` is `&lt;` already; `{{%` would still open a Hugo shortcode.
            html = html.replace("{{%", "{{&#37;");
        }
        if !html.is_empty() {
            self.blocks.raw_lines(&html);
        }
    }

    /// Replays a recorded table; its own structure is interpreted per `shape`.
    fn replay(&mut self, events: &[Event], shape: Shape) {
        let mut stack: Vec<Entry> = Vec::new();
        let mut level = 0usize;
        for e in events {
            match e {
                Event::Start {
                    tag,
                    attrs,
                    has_end,
                } => {
                    let root_part = tag.is_table_part()
                        && ((level == 0 && *tag == Tag::Table)
                            || (level == 1 && *tag != Tag::Table));
                    let is_table = *tag == Tag::Table;
                    if is_table {
                        level += 1;
                    }
                    let id = if root_part {
                        Some(self.root_part(*tag, attrs, shape))
                    } else {
                        self.start(*tag, (**attrs).clone(), *has_end)
                    };
                    if *has_end {
                        stack.push(Entry::Frame(id, is_table));
                    }
                }
                Event::End => {
                    if let Some(Entry::Frame(id, is_table)) = stack.pop() {
                        if let Some(id) = id {
                            self.end(id);
                        }
                        if is_table {
                            level = level.saturating_sub(1);
                        }
                    }
                }
                Event::Text(t) => {
                    self.text(t);
                }
                Event::Embed(r) => {
                    if let Some(rec) = &mut self.rec {
                        rec.push(Event::Embed(r.clone()));
                    } else {
                        self.place_embed(r);
                    }
                }
            }
        }
    }

    /// Replays events that are not table structure (a caption's content).
    fn replay_inner(&mut self, events: &[Event]) {
        let mut stack: Vec<Option<u32>> = Vec::new();
        for e in events {
            match e {
                Event::Start {
                    tag,
                    attrs,
                    has_end,
                } => {
                    let id = self.start(*tag, (**attrs).clone(), *has_end);
                    if *has_end {
                        stack.push(id);
                    }
                }
                Event::End => {
                    if let Some(Some(id)) = stack.pop() {
                        self.end(id);
                    }
                }
                Event::Text(t) => self.text(t),
                Event::Embed(r) => self.place_embed(r),
            }
        }
    }

    /// A frame for the replayed table's own structure.
    fn root_part(&mut self, tag: Tag, attrs: &Attrs, shape: Shape) -> u32 {
        match (shape, tag) {
            (Shape::Gfm, Tag::Row) => {
                self.flush_inline();
                if let Some(g) = &mut self.gfm {
                    g.rows.push(Vec::new());
                }
                self.push_frame(tag, Act::Inert)
            }
            (Shape::Gfm, Tag::Cell { .. }) => {
                self.flush_inline();
                if let Some(g) = &mut self.gfm {
                    if g.rows.is_empty() {
                        g.rows.push(Vec::new());
                    }
                    let col = g.rows.last().map_or(0, Vec::len);
                    if g.aligns.len() <= col {
                        g.aligns.resize(col + 1, table::Align::None);
                    }
                    if g.aligns[col] == table::Align::None {
                        g.aligns[col] = attrs.align;
                    }
                    g.in_cell = true;
                    g.boundary_at = None;
                }
                self.single_line += 1;
                self.push_frame(tag, Act::GfmCell)
            }
            (Shape::Gfm, Tag::Caption) => {
                self.flush_inline();
                self.push_frame(tag, Act::Plain)
            }
            (Shape::Gfm, _) => self.push_frame(tag, Act::Inert),
            _ => {
                self.boundary();
                self.push_frame(tag, Act::Plain)
            }
        }
    }

    fn gfm_cell_end(&mut self) {
        self.single_line = self.single_line.saturating_sub(1);
        let count = self.inline.content_count();
        self.para.clear();
        let opts = self.flush_opts(true);
        self.inline.flush(&mut self.para, opts);
        self.protect_para();
        let cell = std::mem::take(&mut self.para);
        if let Some(g) = &mut self.gfm {
            if g.boundary_at.is_some_and(|c| count > c) {
                g.complex = true;
            }
            g.in_cell = false;
            g.boundary_at = None;
            if let Some(row) = g.rows.last_mut() {
                row.push(cell);
            }
        }
    }

    /// End of input: closes everything still open and returns the Markdown and its notes.
    /// The Markdown, what was done to embeds, and the destination of every Markdown image
    /// in the Markdown, in order, as a CommonMark reader reads it (`None` when Liquid's
    /// protection may rewrite the text after it was written: a reader of the file before
    /// Liquid runs may no longer see an image there).
    pub(crate) fn finish(mut self) -> (String, Notes, Option<Vec<String>>) {
        self.flush_text();
        if let Some(first) = self.frames.first() {
            let id = first.id;
            self.end(id);
        }
        self.flush_inline();
        let mut out = self.blocks.finish();
        if self.opts.nunjucks_safe {
            // Every writer unmarks what it writes; this only guarantees no marker escapes.
            nunjucks::unmark(&mut out);
        }
        let mut images = Some(self.inline.written_images);
        if self.opts.liquid_safe {
            // Protection acts on a `{{` or `{%` only.
            if out.contains("{{") || out.contains("{%") {
                images = None;
            }
            nunjucks::protect_liquid(&mut out);
        }
        (out, self.notes, images)
    }
}

/// The frame of a `video`, `audio` or `object` element, collecting its sources.
fn media_act(name: &str, attrs: Attrs) -> Act {
    Act::Media(Box::new((
        Kind::from_name(name),
        attrs.embed.map(|b| *b).unwrap_or_default(),
    )))
}

/// Inline code: whitespace runs collapse to one space, as HTML renders them
/// (at the edges too: `<code> a</code>` keeps its space).
fn collapse_code(code: &str) -> String {
    let mut s = String::with_capacity(code.len());
    let mut space = false;
    for c in code.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0C}') {
            if !space {
                s.push(' ');
            }
            space = true;
        } else {
            space = false;
            s.push(c);
        }
    }
    s
}

/// `[start, end)` of the root caption's content events, if any.
fn caption_range(events: &[Event]) -> Option<(usize, usize)> {
    let mut level = 0usize;
    let mut stack: Vec<(bool, Option<usize>)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e {
            Event::Start { tag, has_end, .. } => {
                if *tag == Tag::Table {
                    level += 1;
                }
                if *has_end {
                    let caption = (*tag == Tag::Caption && level == 1).then_some(i + 1);
                    stack.push((*tag == Tag::Table, caption));
                }
            }
            Event::End => {
                if let Some((is_table, caption)) = stack.pop() {
                    if let Some(start) = caption {
                        return Some((start, i));
                    }
                    if is_table {
                        level = level.saturating_sub(1);
                    }
                }
            }
            _ => {}
        }
    }
    None
}
