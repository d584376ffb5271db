//! Tables: recorded as events, then written as a GFM table, or as clean raw
//! HTML; as paragraphs only when a table has no cells at all, or is one
//! column of data cells that hold blocks (see [`one_data_column`]).
//!
//! A GFM table needs its column count before its first line and single-line
//! cells, and whether a table can be a GFM table at all (no spans, no blocks in
//! cells) is only known at `</table>`. So the converter records a table's
//! events (bounded by the table's size) and decides at its end. This module
//! holds the recorded form, the shape analysis, the GFM line writer and the
//! HTML fallback serializer; replaying events through the converter (for GFM
//! cells and layout tables) is done by `state.rs`.

use super::cjk::is_cjk;
use super::escape::push_html_escaped;
use super::tags::Tag;

/// Attributes the converter uses, already entity-decoded and resolved.
#[derive(Debug, Clone, Default)]
pub(crate) struct Attrs {
    /// Link target (`None` for anchors without a usable href).
    pub href: Option<String>,
    pub title: Option<String>,
    /// Resolved image / embed source.
    pub src: Option<String>,
    pub alt: Option<String>,
    /// Code language from `language-*`/`lang-*`/`highlight-*` classes.
    pub lang: Option<String>,
    /// `start` of an ordered list.
    pub start: Option<u64>,
    pub colspan: u32,
    pub rowspan: u32,
    /// A table cell's `align` or `text-align`.
    pub align: Align,
    /// An iframe's, video's or audio's attributes.
    pub embed: Option<Box<super::embed::EmbedAttrs>>,
    /// A `<source>`'s `type`.
    pub source_type: Option<String>,
    /// An `option`'s `selected`.
    pub selected: bool,
    /// An `option`'s `disabled`.
    pub disabled: bool,
    /// A `select` shown as a list box (`multiple`, or `size` > 1).
    pub list_box: bool,
    /// An `input type=checkbox`: whether it is `checked`.
    pub checkbox: Option<bool>,
}

/// A table column's alignment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Align {
    #[default]
    None,
    Left,
    Center,
    Right,
}

impl Align {
    /// From `align="…"` or a `text-align: …` declaration in `style`.
    pub(crate) fn from_attrs(align: Option<&str>, style: Option<&str>) -> Align {
        let from_style = style.and_then(|s| {
            s.split(';').find_map(|decl| {
                let (k, v) = decl.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("text-align")
                    .then(|| v.trim().to_owned())
            })
        });
        let value = from_style
            .or_else(|| align.map(str::to_owned))
            .unwrap_or_default();
        match value.trim().to_ascii_lowercase().as_str() {
            "left" | "start" => Align::Left,
            "center" | "middle" => Align::Center,
            "right" | "end" => Align::Right,
            _ => Align::None,
        }
    }

    fn delimiter(self) -> &'static str {
        match self {
            Align::None => " --- |",
            Align::Left => " :--- |",
            Align::Center => " :---: |",
            Align::Right => " ---: |",
        }
    }

    fn html(self) -> &'static str {
        match self {
            Align::None => "",
            Align::Left => " align=\"left\"",
            Align::Center => " align=\"center\"",
            Align::Right => " align=\"right\"",
        }
    }
}

/// One recorded event of a table's subtree.
#[derive(Debug, Clone)]
pub(crate) enum Event {
    Start {
        tag: Tag,
        attrs: Box<Attrs>,
        /// A matching `End` follows.
        has_end: bool,
    },
    End,
    Text(String),
    /// An embed already decided (see [`super::embed`]).
    Embed(Box<super::embed::Rendered>),
}

/// How a recorded table will be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// No cells at all: the content as ordinary blocks.
    Layout,
    /// A GFM pipe table (may still fall back if a cell holds blocks).
    Gfm,
    /// Raw HTML: spans or nested tables.
    Html,
}

/// Decides the shape of the table whose events are `events` (starting with
/// its own `Start`).
pub(crate) fn shape(events: &[Event]) -> Shape {
    let c = census(events);
    // A table without cells has nothing to lay out in columns. A one-column
    // table of data cells only is a table too (its first row becomes the GFM
    // header row, as GFM needs one); writing such layout tables as paragraphs
    // is the `unwrap_layout_tables` rule.
    if c.max_cells == 0 {
        Shape::Layout
    } else if c.spans || c.nested {
        Shape::Html
    } else {
        Shape::Gfm
    }
}

/// One column of data cells only (no `<th>`, at most one cell a row).
///
/// When such a table cannot be a GFM table (a cell holds blocks), it is
/// written as its cells' blocks: the raw-HTML fallback would flatten those
/// blocks into one line, losing more of what the HTML says than the one
/// column's box does (and would not read back the same).
pub(crate) fn one_data_column(events: &[Event]) -> bool {
    let c = census(events);
    c.max_cells == 1 && !c.header
}

struct Census {
    max_cells: usize,
    header: bool,
    spans: bool,
    nested: bool,
}

fn census(events: &[Event]) -> Census {
    let mut level = 0usize;
    let mut stack: Vec<bool> = Vec::new();
    let mut max_cells = 0usize;
    let mut cells = 0usize;
    let mut spans = false;
    let mut nested = false;
    let mut header = false;
    for e in events {
        match e {
            Event::Start {
                tag,
                attrs,
                has_end,
            } => {
                if *tag == Tag::Table {
                    level += 1;
                    if level > 1 {
                        nested = true;
                    }
                }
                if level == 1 {
                    match tag {
                        Tag::Row => cells = 0,
                        Tag::Cell { header: th } => {
                            header |= *th;
                            cells += 1;
                            max_cells = max_cells.max(cells);
                            if attrs.colspan > 1 || attrs.rowspan > 1 {
                                spans = true;
                            }
                        }
                        _ => {}
                    }
                }
                if *has_end {
                    stack.push(*tag == Tag::Table);
                }
            }
            Event::End if stack.pop() == Some(true) => {
                level = level.saturating_sub(1);
            }
            _ => {}
        }
    }
    Census {
        max_cells,
        header,
        spans,
        nested,
    }
}

/// Writes GFM table lines: header (first row), separator (with the columns'
/// alignments), body rows.
pub(crate) fn gfm_lines(rows: &[Vec<String>], aligns: &[Align]) -> Option<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    // A table of empty cells is still a table (dropping it is `remove_empty: table`).
    if cols == 0 {
        return None;
    }
    let mut s = String::new();
    let push_row = |s: &mut String, row: &[String]| {
        s.push('|');
        for i in 0..cols {
            s.push(' ');
            if let Some(c) = row.get(i) {
                s.push_str(c);
            }
            if row.get(i).is_some_and(|c| !c.is_empty()) {
                s.push(' ');
            }
            s.push('|');
        }
        s.push('\n');
    };
    push_row(&mut s, &rows[0]);
    s.push('|');
    for i in 0..cols {
        s.push_str(aligns.get(i).copied().unwrap_or_default().delimiter());
    }
    s.push('\n');
    for row in &rows[1..] {
        push_row(&mut s, row);
    }
    s.pop();
    Some(s)
}

/// Serializes a table's events as clean HTML on lines without blank lines
/// (so it stays one CommonMark HTML block): only table structure, `colspan`
/// and `rowspan`, and simple inline elements survive; the caption is left
/// out (the caller writes it as a paragraph).
pub(crate) fn to_html(events: &[Event]) -> String {
    let mut w = HtmlWriter::default();
    // Per open element: the closing tag to write (empty for none).
    let mut stack: Vec<&'static str> = Vec::new();
    let mut level = 0usize;
    let mut skip_caption: Option<usize> = None;
    for e in events {
        if let Some(depth) = skip_caption {
            match e {
                Event::Start { has_end: true, .. } => stack.push(""),
                Event::End => {
                    stack.pop();
                    if stack.len() == depth {
                        skip_caption = None;
                    }
                }
                _ => {}
            }
            continue;
        }
        match e {
            Event::Start {
                tag,
                attrs,
                has_end,
            } => {
                if *tag == Tag::Caption && level == 1 && *has_end {
                    skip_caption = Some(stack.len());
                    stack.push("");
                    continue;
                }
                let close = w.start(*tag, attrs, level);
                if *tag == Tag::Table {
                    level += 1;
                }
                if *has_end {
                    stack.push(close);
                }
            }
            Event::End => {
                if let Some(close) = stack.pop() {
                    if close == "</table>" {
                        level = level.saturating_sub(1);
                    }
                    w.end(close, level);
                }
            }
            Event::Text(t) => w.text(t),
            Event::Embed(r) => {
                w.flush_space();
                if let Some(block) = &r.block {
                    // The kept player, inside the cell (lines without blank ones).
                    w.out.push_str(&block.text);
                } else {
                    w.out.push_str("<a href=\"");
                    push_html_escaped(&mut w.out, &r.url);
                    w.out.push_str("\">");
                    push_html_escaped(&mut w.out, &r.label);
                    w.out.push_str("</a>");
                }
                w.last = Some('>');
            }
        }
    }
    while let Some(close) = stack.pop() {
        w.end(close, 0);
    }
    let mut out = w.out;
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

#[derive(Default)]
struct HtmlWriter {
    out: String,
    space: Option<bool>,
    last: Option<char>,
    in_cell: usize,
}

impl HtmlWriter {
    fn newline(&mut self) {
        self.space = None;
        if !self.out.is_empty() && !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        self.last = None;
    }

    fn flush_space(&mut self) {
        if self.space.take().is_some() && self.last.is_some() {
            self.out.push(' ');
        }
    }

    fn start(&mut self, tag: Tag, attrs: &Attrs, level: usize) -> &'static str {
        let structural = self.in_cell == 0 || level > 1;
        match tag {
            Tag::Table => {
                if self.in_cell == 0 {
                    self.newline();
                } else {
                    self.flush_space();
                }
                self.out.push_str("<table>");
                self.after_structure();
                "</table>"
            }
            Tag::TableSection if structural => "",
            Tag::Row | Tag::Caption if structural => {
                let (open, close) = match tag {
                    Tag::Row => ("<tr>", "</tr>"),
                    _ => ("<caption>", "</caption>"),
                };
                if self.in_cell == 0 {
                    self.newline();
                }
                self.out.push_str(open);
                self.after_structure();
                close
            }
            Tag::Cell { header } if structural => {
                if self.in_cell == 0 {
                    self.newline();
                }
                self.out.push_str(if header { "<th" } else { "<td" });
                self.out.push_str(attrs.align.html());
                if attrs.colspan > 1 {
                    self.out
                        .push_str(&format!(" colspan=\"{}\"", attrs.colspan));
                }
                if attrs.rowspan > 1 {
                    self.out
                        .push_str(&format!(" rowspan=\"{}\"", attrs.rowspan));
                }
                self.out.push('>');
                self.in_cell += 1;
                self.space = None;
                self.last = None;
                if header { "</th>" } else { "</td>" }
            }
            Tag::Strong => self.inline_open("strong"),
            Tag::Emphasis => self.inline_open("em"),
            Tag::Strike => self.inline_open("del"),
            Tag::Code | Tag::Pre => self.inline_open("code"),
            Tag::RawInline(t) => self.inline_open(t),
            Tag::List { ordered } => {
                self.flush_space();
                self.out.push_str(if ordered { "<ol>" } else { "<ul>" });
                self.last = None;
                if ordered { "</ol>" } else { "</ul>" }
            }
            Tag::ListItem => {
                self.space = None;
                self.out.push_str("<li>");
                self.last = None;
                "</li>"
            }
            Tag::Link => match &attrs.href {
                Some(href) => {
                    self.flush_space();
                    self.out.push_str("<a href=\"");
                    push_html_escaped(&mut self.out, href);
                    self.out.push('"');
                    if let Some(t) = &attrs.title {
                        self.out.push_str(" title=\"");
                        push_html_escaped(&mut self.out, t);
                        self.out.push('"');
                    }
                    self.out.push('>');
                    self.last = Some('>');
                    "</a>"
                }
                None => "",
            },
            Tag::Image => {
                if let Some(src) = &attrs.src {
                    self.flush_space();
                    self.out.push_str("<img src=\"");
                    push_html_escaped(&mut self.out, src);
                    self.out.push_str("\" alt=\"");
                    push_html_escaped(&mut self.out, attrs.alt.as_deref().unwrap_or(""));
                    self.out.push_str("\">");
                    self.last = Some('>');
                } else if let Some(alt) = &attrs.alt {
                    // No usable source: the alt text, as a browser shows it.
                    self.text(alt);
                }
                ""
            }
            Tag::Break
            | Tag::Rule
            | Tag::Paragraph
            | Tag::Block
            | Tag::Heading(_)
            | Tag::Blockquote
            | Tag::DefinitionList
            | Tag::Term
            | Tag::Definition
            | Tag::Option
            | Tag::Caption
            | Tag::Row
            | Tag::TableSection
            | Tag::Cell { .. } => {
                if self.last.is_some() {
                    self.space = Some(false);
                }
                ""
            }
            _ => "",
        }
    }

    fn after_structure(&mut self) {
        self.space = None;
        self.last = Some('>');
        if self.in_cell == 0 {
            self.last = None;
        }
    }

    fn inline_open(&mut self, t: &'static str) -> &'static str {
        self.flush_space();
        self.out.push('<');
        self.out.push_str(t);
        self.out.push('>');
        match t {
            "strong" => "</strong>",
            "em" => "</em>",
            "del" => "</del>",
            "code" => "</code>",
            "sup" => "</sup>",
            "sub" => "</sub>",
            "kbd" => "</kbd>",
            "mark" => "</mark>",
            "ins" => "</ins>",
            _ => "</u>",
        }
    }

    fn end(&mut self, close: &'static str, level: usize) {
        if close.is_empty() {
            return;
        }
        let structural = matches!(close, "</td>" | "</th>") || self.in_cell == 0 || level > 0;
        if matches!(close, "</td>" | "</th>") {
            self.space = None;
            self.out.push_str(close);
            self.in_cell = self.in_cell.saturating_sub(1);
            self.last = if self.in_cell > 0 { Some('>') } else { None };
            return;
        }
        if matches!(close, "</tr>" | "</caption>" | "</table>") && structural && self.in_cell == 0 {
            self.newline();
            self.out.push_str(close);
            return;
        }
        self.space = None;
        self.out.push_str(close);
        self.last = Some('>');
    }

    fn text(&mut self, t: &str) {
        let bytes = t.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0C) {
                let mut newline = false;
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0C) {
                    newline |= bytes[i] == b'\n';
                    i += 1;
                }
                if self.last.is_some() {
                    let nl = self.space.unwrap_or(true) && newline;
                    self.space = Some(nl);
                }
            } else {
                let start = i;
                while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r' | 0x0C) {
                    i += 1;
                }
                let word = &t[start..i];
                if self.in_cell == 0 {
                    // Stray text between cells (browsers move it before the table).
                    continue;
                }
                if let Some(newline) = self.space.take() {
                    let between_cjk = newline
                        && self.last.is_some_and(is_cjk)
                        && word.chars().next().is_some_and(is_cjk);
                    if !between_cjk && self.last.is_some() {
                        self.out.push(' ');
                    }
                }
                push_html_escaped(&mut self.out, word);
                self.last = word.chars().next_back();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(tag: Tag) -> Event {
        Event::Start {
            tag,
            attrs: Box::default(),
            has_end: true,
        }
    }

    #[test]
    fn shapes() {
        let one_col = vec![
            start(Tag::Table),
            start(Tag::Row),
            start(Tag::Cell { header: false }),
            Event::End,
            Event::End,
            Event::End,
        ];
        // One column of data cells is still a table (layout tables are a rule's business).
        assert_eq!(shape(&one_col), Shape::Gfm);
        let empty = vec![start(Tag::Table), start(Tag::Row), Event::End, Event::End];
        assert_eq!(shape(&empty), Shape::Layout);
        let mut two = one_col.clone();
        two.insert(4, start(Tag::Cell { header: false }));
        two.insert(5, Event::End);
        assert_eq!(shape(&two), Shape::Gfm);
    }

    #[test]
    fn gfm_rows() {
        let rows = vec![vec!["a".to_owned(), "b".to_owned()], vec!["1".to_owned()]];
        assert_eq!(
            gfm_lines(&rows, &[]).as_deref(),
            Some("| a | b |\n| --- | --- |\n| 1 | |")
        );
    }

    #[test]
    fn html_fallback_keeps_spans() {
        let mut cell = Attrs {
            colspan: 2,
            ..Attrs::default()
        };
        cell.rowspan = 1;
        let events = vec![
            start(Tag::Table),
            start(Tag::Row),
            Event::Start {
                tag: Tag::Cell { header: false },
                attrs: Box::new(cell),
                has_end: true,
            },
            Event::Text(" a <b> \n".to_owned()),
            start(Tag::Strong),
            Event::Text("x".to_owned()),
            Event::End,
            Event::End,
            Event::End,
            Event::End,
        ];
        assert_eq!(
            to_html(&events),
            "<table>\n<tr>\n<td colspan=\"2\">a &lt;b&gt; <strong>x</strong></td>\n</tr>\n</table>"
        );
    }
}
