//! Code the scraper failed to escape: markup-looking text inside `<pre>` and
//! `<code>` that the HTML tokenizer took for tags, recovered as the literal
//! text the author wrote.
//!
//! Scrapers often unescape a code block once too often, so `Map&lt;String,
//! Object&gt;` arrives as `Map<String, Object>`, `Class<?>` as a bogus
//! comment `<?>`, and highlight.js's `&lt;/<span class="hljs-name">h2</span>&gt;`
//! as `</<span …>h2</span>>`, whose `</<span …>` is a bogus comment too. A
//! browser hides all of that, so the code loses text. Inside code, this module
//! decides which tokens are such text: start and end tags of names that are
//! no HTML element (`String,`, `T`, `bean`), tags spelled like a type or a
//! component (`Button`, `T`), tags whose attributes no HTML could have
//! (`<b && c>`), and bogus comments (`<?>`, `<!x>`, `</ 1>`). Real elements
//! (`span`, `b`, `br`, `a`, `font` …) keep their meaning; `&lt;`-escaped text
//! never reaches here, as it is text already. The caller supplies the raw
//! source bytes of the token (lol_html's source location into the input).
//! `clean.rs` uses the same predicate so that body rules leave such text
//! alone.

/// True for the names of HTML elements, current and obsolete (lower case),
/// plus the `svg` and `math` roots.
pub fn is_html_element(name: &str) -> bool {
    matches!(
        name,
        "a" | "abbr"
            | "acronym"
            | "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "audio"
            | "b"
            | "base"
            | "basefont"
            | "bdi"
            | "bdo"
            | "bgsound"
            | "big"
            | "blink"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "canvas"
            | "caption"
            | "center"
            | "cite"
            | "code"
            | "col"
            | "colgroup"
            | "data"
            | "datalist"
            | "dd"
            | "del"
            | "details"
            | "dfn"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "em"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "font"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "i"
            | "iframe"
            | "image"
            | "img"
            | "input"
            | "ins"
            | "isindex"
            | "kbd"
            | "keygen"
            | "label"
            | "legend"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "map"
            | "mark"
            | "marquee"
            | "math"
            | "menu"
            | "menuitem"
            | "meta"
            | "meter"
            | "multicol"
            | "nav"
            | "nextid"
            | "nobr"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "optgroup"
            | "option"
            | "output"
            | "p"
            | "param"
            | "picture"
            | "plaintext"
            | "pre"
            | "progress"
            | "q"
            | "rb"
            | "rp"
            | "rt"
            | "rtc"
            | "ruby"
            | "s"
            | "samp"
            | "script"
            | "search"
            | "section"
            | "select"
            | "slot"
            | "small"
            | "source"
            | "spacer"
            | "span"
            | "strike"
            | "strong"
            | "style"
            | "sub"
            | "summary"
            | "sup"
            | "svg"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "time"
            | "title"
            | "tr"
            | "track"
            | "tt"
            | "u"
            | "ul"
            | "var"
            | "video"
            | "wbr"
            | "xmp"
    )
}

/// Inside code: is a start tag named `raw_name` (as written) with these
/// attribute names text the author wrote rather than markup?
pub fn is_literal_tag<'a>(raw_name: &str, mut attr_names: impl Iterator<Item = &'a str>) -> bool {
    if !is_html_element(&raw_name.to_ascii_lowercase()) {
        return true;
    }
    let upper = raw_name.bytes().any(|b| b.is_ascii_uppercase());
    let lower = raw_name.bytes().any(|b| b.is_ascii_lowercase());
    // `Button`, `Select`: a component or a type; `T`, `A`, `S`: a type
    // parameter. Markup is all lower case, or all upper case in old pages.
    if upper && (lower || raw_name.len() == 1) {
        return true;
    }
    attr_names.any(|n| !is_attribute_name(n))
}

/// A name HTML (or a template language) could use for an attribute: `&&`,
/// `||`, `c)` are operators, not attributes.
fn is_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.' | b'@'))
}

/// The text a tag's source `raw` stands for when it is code text: read as
/// if its first `<` had been escaped. Entities decode, and markup the
/// tokenizer swallowed into the tag goes (`<deleteCount;i++)&#123;\n<span
/// class="hljs-keyword">` → `<deleteCount;i++){\n`: the bogus tag ran on to
/// the `>` of the highlighting span that followed it).
pub fn as_text(raw: &str) -> String {
    let (first, rest) = raw.split_at(raw.len().min(1));
    let mut out = first.to_owned();
    push_text(&mut out, rest);
    out
}

/// Appends source `rest` read as text: entities decode, markup goes.
fn push_text(out: &mut String, mut rest: &str) {
    while !rest.is_empty() {
        let lt = rest.find('<').unwrap_or(rest.len());
        out.push_str(&super::text::decode(&rest[..lt]));
        rest = &rest[lt..];
        if rest.is_empty() {
            break;
        }
        let after = rest[1..].strip_prefix('/').unwrap_or(&rest[1..]);
        let markup = tag_name(after).is_some_and(|n| !is_literal_tag(n, std::iter::empty()));
        match rest.find('>') {
            Some(end) if markup => rest = &rest[end + 1..],
            _ => {
                out.push('<');
                rest = &rest[1..];
            }
        }
    }
}

/// The text a non-comment token stands for inside code: `raw` is a bogus
/// comment's source (`<?>`, `<!x>`, `</ 1>`, `</<span class="x">`). `None`
/// for a real comment (`<!-- … -->`), which stays hidden.
pub fn bogus_comment_text(raw: &str) -> Option<String> {
    if raw.starts_with("<!--") {
        return None;
    }
    match raw.strip_prefix("</") {
        // `</<span class="hljs-name">`: the `</` is text, the rest is
        // highlighting markup swallowed into the comment (dropped, as the
        // element it opens is transparent), unless that is text too.
        Some(rest) => {
            let mut out = "</".to_owned();
            push_text(&mut out, rest);
            Some(out)
        }
        None => Some(as_text(raw)),
    }
}

/// The tag name at the start of `s` (`span class="x">` → `span`).
fn tag_name(s: &str) -> Option<&str> {
    let end = s
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(s.len());
    let name = &s[..end];
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_tags() {
        let none = || std::iter::empty();
        assert!(is_literal_tag("String,", ["object"].into_iter()));
        assert!(is_literal_tag("T", none()));
        assert!(is_literal_tag("A", none()));
        assert!(is_literal_tag("Button", none()));
        assert!(is_literal_tag("bean", none()));
        assert!(is_literal_tag("b", ["&&", "c"].into_iter()));
        assert!(!is_literal_tag("span", ["class"].into_iter()));
        assert!(!is_literal_tag("BR", none()));
        assert!(!is_literal_tag("FONT", ["color"].into_iter()));
        assert!(!is_literal_tag(
            "a",
            ["href", "data-x", "v-on:click", "@click"].into_iter()
        ));
    }

    #[test]
    fn bogus_comments() {
        assert_eq!(bogus_comment_text("<!-- c -->"), None);
        assert_eq!(bogus_comment_text("<?>").as_deref(), Some("<?>"));
        assert_eq!(bogus_comment_text("<!x>").as_deref(), Some("<!x>"));
        assert_eq!(bogus_comment_text("</ 1>").as_deref(), Some("</ 1>"));
        assert_eq!(
            bogus_comment_text("</<span class=\"hljs-name\">").as_deref(),
            Some("</")
        );
        assert_eq!(
            bogus_comment_text("</<String>").as_deref(),
            Some("</<String>")
        );
        assert_eq!(
            bogus_comment_text("<?a &amp; b?>").as_deref(),
            Some("<?a & b?>")
        );
    }

    #[test]
    fn swallowed_markup() {
        assert_eq!(
            as_text("<deleteCount;i++)&#123;\n  <span class=\"hljs-keyword\">"),
            "<deleteCount;i++){\n  "
        );
        assert_eq!(as_text("<String, Object>"), "<String, Object>");
        assert_eq!(as_text("<T extends List<T>"), "<T extends List<T>");
    }
}
