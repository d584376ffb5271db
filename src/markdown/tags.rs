//! What each HTML element means to the converter.
//!
//! lol_html hands over tag names as strings; the converter needs one decision
//! per element: is it a block boundary, an emphasis, a container, something to
//! drop with its content, or just a wrapper to see through. Keeping that table
//! here lets the state machine match on a small enum instead of strings, and
//! keeps the implied-end-tag rules (which depend on the same categories) next to
//! it.

/// The elements that start and end a Markdown block, as the converter reads them (every
/// name [`Tag::from_name`] gives a block role). The streaming editorial rules
/// (`crate::flow`) and the test harness judge block edges by this one list.
pub const BLOCK_ELEMENTS: &[&str] = &[
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
    "hgroup",
    "legend",
    "dialog",
    "search",
    "listing",
    "body",
    "html",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "menu",
    "dir",
    "li",
    "dl",
    "dt",
    "dd",
    "pre",
    "xmp",
    "plaintext",
    "hr",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "td",
    "th",
    "option",
    "optgroup",
];

/// The role of an element in the conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    /// `p`.
    Paragraph,
    /// Generic block boundary: `div`, `section`, `figure`, `figcaption`, `center` ...
    Block,
    /// `h1`–`h6`.
    Heading(u8),
    /// `blockquote`.
    Blockquote,
    /// `ul`, `ol`, `menu`, `dir`.
    List { ordered: bool },
    /// `li`.
    ListItem,
    /// `dl` (a plain block).
    DefinitionList,
    /// `dt`: a bold paragraph.
    Term,
    /// `dd`: a paragraph.
    Definition,
    /// `pre`.
    Pre,
    /// `code`, `tt`, `samp`.
    Code,
    /// `strong`, `b`.
    Strong,
    /// `em`, `i`, `cite`, `dfn`, `var`.
    Emphasis,
    /// `del`, `s`, `strike`.
    Strike,
    /// Kept as inline raw HTML: `sup`, `sub`, `kbd`, `mark`, `ins`, `u`.
    RawInline(&'static str),
    /// `a`.
    Link,
    /// `img` (void).
    Image,
    /// `br` (void).
    Break,
    /// `hr` (void).
    Rule,
    /// `table`.
    Table,
    /// `caption`.
    Caption,
    /// `thead`, `tbody`, `tfoot`.
    TableSection,
    /// `tr`.
    Row,
    /// `td`, `th`.
    Cell { header: bool },
    /// `iframe`: its content is raw text; replaced by a link to its source.
    Frame,
    /// `embed` (void): replaced by a link to its source.
    Embed,
    /// `video`, `audio`, `object`: content dropped, replaced by a link.
    Media(&'static str),
    /// `source`, `param` (void): may give a source to an enclosing media element.
    Source,
    /// `option`, `optgroup` outside a `select`: treated as blocks.
    Option,
    /// `textarea`, `xmp`, `plaintext`: preformatted text a browser shows as written, in a
    /// monospace box; written as code. `inline`: a `textarea` (RCDATA, an inline box:
    /// a code span unless it holds a line break); else `xmp`/`plaintext` (raw text, a block).
    Preformatted { inline: bool },
    /// `select`: a browser shows the label of its chosen option (a list box, `multiple` or
    /// `size` > 1, shows them all).
    Select,
    /// `math` (MathML): a browser shows the formula, not its `annotation`s; written as the
    /// formula's text.
    Math,
    /// `annotation`, `annotation-xml`: a formula's source (TeX) that a browser does not show.
    /// Hidden inside `math`; outside it, an unknown element seen through.
    Annotation,
    /// `input` (void): a checkbox is written `[ ]` / `[x]` (a GFM task list marker at the
    /// start of a list item); other controls show no text of their own.
    Input,
    /// Dropped with everything inside: what a browser does not show (`script`, `style`,
    /// `template`, `head`, `title`, `datalist`, `noscript`: its content shows only with
    /// scripting off; `canvas`: its content is fallback for browsers without canvas;
    /// `noembed`, `noframes`: fallback that modern browsers never show; `frame`), and `svg`
    /// (a picture, with no Markdown form; its text is drawing labels).
    Suppress,
    /// Void elements that produce nothing (`meta`, `wbr`, `col` ...).
    Nothing,
    /// Wrappers reduced to their content: `span`, `font`, `small`, unknown tags.
    Transparent,
}

impl Tag {
    /// Classifies a lower-case tag name.
    pub(crate) fn from_name(name: &str) -> Tag {
        match name {
            "p" => Tag::Paragraph,
            "div" | "section" | "article" | "main" | "header" | "footer" | "nav" | "aside"
            | "figure" | "figcaption" | "center" | "address" | "details" | "summary"
            | "fieldset" | "form" | "hgroup" | "legend" | "dialog" | "search" | "listing"
            | "body" | "html" | "frameset" => Tag::Block,
            "h1" => Tag::Heading(1),
            "h2" => Tag::Heading(2),
            "h3" => Tag::Heading(3),
            "h4" => Tag::Heading(4),
            "h5" => Tag::Heading(5),
            "h6" => Tag::Heading(6),
            "blockquote" => Tag::Blockquote,
            "ul" | "menu" | "dir" => Tag::List { ordered: false },
            "ol" => Tag::List { ordered: true },
            "li" => Tag::ListItem,
            "dl" => Tag::DefinitionList,
            "dt" => Tag::Term,
            "dd" => Tag::Definition,
            "pre" => Tag::Pre,
            "code" | "tt" | "samp" => Tag::Code,
            "strong" | "b" => Tag::Strong,
            "em" | "i" | "cite" | "dfn" | "var" => Tag::Emphasis,
            "del" | "s" | "strike" => Tag::Strike,
            "sup" => Tag::RawInline("sup"),
            "sub" => Tag::RawInline("sub"),
            "kbd" => Tag::RawInline("kbd"),
            "mark" => Tag::RawInline("mark"),
            "ins" => Tag::RawInline("ins"),
            "u" => Tag::RawInline("u"),
            "a" => Tag::Link,
            "img" => Tag::Image,
            "br" => Tag::Break,
            "hr" => Tag::Rule,
            "table" => Tag::Table,
            "caption" => Tag::Caption,
            "thead" | "tbody" | "tfoot" => Tag::TableSection,
            "tr" => Tag::Row,
            "td" => Tag::Cell { header: false },
            "th" => Tag::Cell { header: true },
            "iframe" => Tag::Frame,
            "embed" => Tag::Embed,
            "video" => Tag::Media("video"),
            "audio" => Tag::Media("audio"),
            "object" => Tag::Media("object"),
            "source" | "param" => Tag::Source,
            "option" | "optgroup" => Tag::Option,
            "textarea" => Tag::Preformatted { inline: true },
            "xmp" | "plaintext" => Tag::Preformatted { inline: false },
            "select" => Tag::Select,
            "math" => Tag::Math,
            "annotation" | "annotation-xml" => Tag::Annotation,
            "input" => Tag::Input,
            "script" | "style" | "noscript" | "template" | "svg" | "title" | "head"
            | "datalist" | "canvas" | "noembed" | "noframes" | "frame" => Tag::Suppress,
            "meta" | "link" | "base" | "wbr" | "col" | "colgroup" | "area" | "track" | "keygen" => {
                Tag::Nothing
            }
            // `button` shows its content (a label, formatted); `map` shows its content too
            // (its `area`s are nothing).
            _ => Tag::Transparent,
        }
    }

    /// Start tags that close an open `p` (HTML "close a p element in button scope").
    pub(crate) fn closes_paragraph(self) -> bool {
        matches!(
            self,
            Tag::Paragraph
                | Tag::Block
                | Tag::Heading(_)
                | Tag::Blockquote
                | Tag::List { .. }
                | Tag::ListItem
                | Tag::DefinitionList
                | Tag::Term
                | Tag::Definition
                | Tag::Pre
                | Tag::Rule
                | Tag::Table
        )
    }

    /// Elements that stop the search for an open `li`/`dt`/`dd` (HTML's
    /// "special" category, minus `address`, `div` and `p`).
    pub(crate) fn stops_item_search(self) -> bool {
        matches!(
            self,
            Tag::Heading(_)
                | Tag::Blockquote
                | Tag::List { .. }
                | Tag::DefinitionList
                | Tag::Pre
                | Tag::Table
                | Tag::Caption
                | Tag::TableSection
                | Tag::Row
                | Tag::Cell { .. }
        )
    }

    /// Scope boundaries for "has a `p` element in button scope".
    pub(crate) fn is_scope_boundary(self) -> bool {
        matches!(
            self,
            Tag::Table | Tag::Cell { .. } | Tag::Caption | Tag::Media(_) | Tag::Suppress
        )
    }

    /// A role that starts and ends a Markdown block.
    #[cfg(test)]
    pub(crate) fn is_block(self) -> bool {
        self.closes_paragraph()
            || self.is_table_part()
            || matches!(self, Tag::Option | Tag::Preformatted { inline: false })
    }

    /// Elements that belong to table structure.
    pub(crate) fn is_table_part(self) -> bool {
        matches!(
            self,
            Tag::Table | Tag::Caption | Tag::TableSection | Tag::Row | Tag::Cell { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_common_tags() {
        assert_eq!(Tag::from_name("p"), Tag::Paragraph);
        assert_eq!(Tag::from_name("h3"), Tag::Heading(3));
        assert_eq!(Tag::from_name("b"), Tag::Strong);
        assert_eq!(Tag::from_name("span"), Tag::Transparent);
        assert_eq!(Tag::from_name("my-widget"), Tag::Transparent);
        assert_eq!(Tag::from_name("script"), Tag::Suppress);
        assert_eq!(Tag::from_name("th"), Tag::Cell { header: true });
        assert!(Tag::ListItem.closes_paragraph());
        assert!(!Tag::Strong.closes_paragraph());
    }

    #[test]
    fn block_elements_are_the_block_roles() {
        for name in BLOCK_ELEMENTS {
            assert!(Tag::from_name(name).is_block(), "{name} is no block role");
        }
        // Every name the classifier knows, checked the other way round.
        let known = "a abbr b blockquote body br button canvas caption center code col \
            colgroup dd del dfn dir div dl dt em embed fieldset figcaption figure font footer \
            form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input \
            ins kbd legend li listing main map mark math menu meta nav noscript object ol \
            optgroup option p param plaintext pre s samp script search section select small \
            source span strike strong style sub summary sup svg table tbody td template \
            textarea tfoot th thead title tr tt u ul var video wbr xmp aside address article \
            details dialog annotation";
        for name in known.split_whitespace() {
            assert_eq!(
                Tag::from_name(name).is_block(),
                BLOCK_ELEMENTS.contains(&name),
                "{name}"
            );
        }
    }
}
