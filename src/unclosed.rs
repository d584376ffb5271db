//! Openers that never close: a comment (`<!--` with no `-->`) or a raw-text element
//! (`<script>`, `<style>`, `<textarea>`, `<title>`, `<xmp>`, `<noscript>`, …) with no end tag.
//!
//! The HTML tokenizer reads everything after such an opener as its content, to the end of the
//! input, so one stray `<script>` silently swallows the rest of a post. This is a cheap linear
//! byte scan of the body that finds the first such opener, so the pipeline can warn with its
//! line. It follows the tokenizer only as far as needed: it skips over tags (minding quoted
//! attribute values), comments and raw-text contents, and never goes back.

/// Elements whose content runs to their end tag, whatever it holds.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "noscript", "iframe", "noembed", "noframes",
];

/// The opener that swallows the rest of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// Byte offset of its `<`.
    pub offset: usize,
    /// `<!--`, `<script>`, `<plaintext>` …
    pub opener: String,
    /// Bytes from the opener to the end of the input.
    pub swallowed: usize,
}

/// The first comment or raw-text element of `html` that is never closed.
pub fn find(html: &str) -> Option<Unclosed> {
    // Most bodies have no opener at all: one fast look for any, before the scan that walks
    // every tag.
    if !any_opener(html.as_bytes()) {
        return None;
    }
    scan(html)
}

/// Whether `b` holds, anywhere (in a value too), a `<!--` or a `<` followed by the name of a
/// raw-text element or `plaintext` in any case: the only places [`scan`] can report.
fn any_opener(b: &[u8]) -> bool {
    if memchr::memmem::find(b, b"<!--").is_some() {
        return true;
    }
    memchr::memchr_iter(b'<', b).any(|lt| {
        let rest = &b[lt + 1..];
        matches!(
            rest.first().map(u8::to_ascii_lowercase),
            Some(b's' | b't' | b'x' | b'n' | b'i' | b'p')
        ) && RAW_TEXT.iter().chain(&["plaintext"]).any(|name| {
            rest.get(..name.len())
                .is_some_and(|r| r.eq_ignore_ascii_case(name.as_bytes()))
        })
    })
}

/// [`find`] without the first look.
fn scan(html: &str) -> Option<Unclosed> {
    let b = html.as_bytes();
    let unclosed = |offset: usize, opener: String| {
        Some(Unclosed {
            offset,
            opener,
            swallowed: b.len() - offset,
        })
    };
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &b[i..]).map(|p| p + i) {
        let rest = &b[lt + 1..];
        if rest.starts_with(b"!--") {
            // `<!-->` and `<!--->` are (empty) comments already.
            let body = lt + 4;
            if b[body..].starts_with(b">") || b[body..].starts_with(b"->") {
                i = body + 1;
                continue;
            }
            match find_comment_end(&b[body..]) {
                Some(end) => i = body + end,
                None => return unclosed(lt, "<!--".into()),
            }
        } else if rest.first().is_some_and(u8::is_ascii_alphabetic) {
            let name_len = rest
                .iter()
                .position(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
                .unwrap_or(rest.len());
            // Compared in place: most tags are none of these, and naming each one (a
            // lower-cased copy) cost more than the rest of the scan.
            let name = &rest[..name_len];
            let Some(tag_end) = tag_end(b, lt + 1 + name_len) else {
                return None; // an unterminated tag: the tokenizer drops it, nothing to report
            };
            if name.eq_ignore_ascii_case(b"plaintext") {
                return unclosed(lt, "<plaintext>".into());
            }
            if let Some(raw) = RAW_TEXT
                .iter()
                .find(|r| name.eq_ignore_ascii_case(r.as_bytes()))
            {
                match find_end_tag(&b[tag_end..], raw.as_bytes()) {
                    Some(end) => i = tag_end + end,
                    None => return unclosed(lt, format!("<{raw}>")),
                }
            } else {
                i = tag_end;
            }
        } else if rest.starts_with(b"!") || rest.starts_with(b"?") || rest.starts_with(b"/") {
            // Doctype, bogus comment or end tag: runs to the next `>`.
            match memchr::memchr(b'>', &b[lt + 1..]) {
                Some(p) => i = lt + 1 + p + 1,
                None => return None,
            }
        } else {
            i = lt + 1;
        }
    }
    None
}

/// Offset just past the `>` of the tag whose name goes on at `from` (a start tag's or an end
/// tag's: the tokenizer reads both alike), or `None` if the input ends first. Read as the
/// tokenizer reads it: a value is quoted only when its quote comes right after `=` (and
/// spaces), so a `>` inside one does not end the tag, and a quote anywhere else is text. Also
/// used by the converter to take unhandled end tags out of its text (`markdown::text_before`).
pub(crate) fn tag_end(b: &[u8], from: usize) -> Option<usize> {
    tag_end_read(b, from).map(|(end, _)| end)
}

/// [`tag_end`], and whether the `>` came where a value was expected (`<a b=>`, `<a b = >`):
/// lol_html's tokenizer then goes on in the data state even after a `script`, `style` or
/// other raw-text start tag (browsers do not).
pub(crate) fn tag_end_read(b: &[u8], from: usize) -> Option<(usize, bool)> {
    #[derive(Clone, Copy)]
    enum State {
        Name,
        BeforeAttr,
        AttrName,
        AfterAttrName,
        BeforeValue,
        Unquoted,
        AfterQuoted,
        SelfClosing,
    }
    let space = |c: u8| matches!(c, b' ' | b'\n' | b'\r' | b'\t' | b'\x0C');
    let mut state = State::Name;
    let mut i = from;
    while let Some(&c) = b.get(i) {
        if c == b'>' {
            return Some((i + 1, matches!(state, State::BeforeValue)));
        }
        state = match state {
            State::Name => match c {
                b'/' => State::SelfClosing,
                c if space(c) => State::BeforeAttr,
                _ => State::Name,
            },
            State::BeforeAttr => match c {
                b'/' => State::SelfClosing,
                c if space(c) => State::BeforeAttr,
                _ => State::AttrName,
            },
            State::AttrName | State::AfterAttrName => match c {
                b'/' => State::SelfClosing,
                b'=' => State::BeforeValue,
                c if space(c) => State::AfterAttrName,
                _ => State::AttrName,
            },
            State::BeforeValue => match c {
                b'"' | b'\'' => {
                    // Values are long (URLs): jump to the closing quote.
                    i += 1 + memchr::memchr(c, &b[i + 1..])?;
                    State::AfterQuoted
                }
                c if space(c) => State::BeforeValue,
                _ => State::Unquoted,
            },
            State::Unquoted => {
                if space(c) {
                    State::BeforeAttr
                } else {
                    State::Unquoted
                }
            }
            // Anything else is read again as the start of an attribute.
            State::AfterQuoted | State::SelfClosing => match c {
                b'/' => State::SelfClosing,
                c if space(c) => State::BeforeAttr,
                _ => State::AttrName,
            },
        };
        i += 1;
    }
    None
}

/// Offset just past `-->` (or `--!>`) in comment text.
fn find_comment_end(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'-', &b[i..]).map(|p| p + i) {
        if b[p..].starts_with(b"-->") {
            return Some(p + 3);
        }
        if b[p..].starts_with(b"--!>") {
            return Some(p + 4);
        }
        i = p + 1;
    }
    None
}

/// Offset just past the end tag `</name` + (whitespace, `/` or `>`) in raw text, ASCII
/// case-insensitive; `None` when there is none.
fn find_end_tag(b: &[u8], name: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]).map(|p| p + i) {
        let rest = &b[p + 1..];
        if rest.first() == Some(&b'/')
            && rest.len() > name.len()
            && rest[1..=name.len()].eq_ignore_ascii_case(name)
            && rest
                .get(name.len() + 1)
                .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'/' | b'>'))
        {
            let close = p + 1 + name.len() + 1;
            return Some(memchr::memchr(b'>', &b[close..]).map_or(b.len(), |q| close + q + 1));
        }
        i = p + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first look never hides what the scan finds.
    #[test]
    fn the_first_look_passes_every_opener() {
        let parts = [
            "",
            "a",
            "<!--",
            "-->",
            "<!-->",
            "<script>",
            "</script>",
            "<SCRIPT a='>'>",
            "<style",
            "<title>",
            "<textarea>",
            "<xmp>",
            "<iframe>",
            "<noscript>",
            "<noembed>",
            "<noframes>",
            "<plaintext>",
            "<PlainText>",
            "<p title='<script>'>",
            "<scripts>",
            "<s>",
            "<t>",
            "<i>",
            "</p>",
            "<",
            "中",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let html = format!("{a}{b}x{c}");
                    let found = scan(&html);
                    assert_eq!(find(&html), found, "{html}");
                    if found.is_some() {
                        assert!(any_opener(html.as_bytes()), "{html}");
                    }
                }
            }
        }
    }

    /// A tag ends where the tokenizer ends it: a `>` in a value quoted after `=` does not end
    /// it; a quote that does not open a value (an attribute named `="`) is text.
    #[test]
    fn tag_end_reads_values_as_the_tokenizer_does() {
        assert_eq!(tag_end(b"a b='>'c>", 1), Some(9));
        assert_eq!(tag_end(b"a b = \"x>y\">", 1), Some(12));
        assert_eq!(tag_end(b"a b=x\"y>z\">", 1), Some(8));
        assert_eq!(tag_end(b"a =\">\" b>", 1), Some(5));
        assert_eq!(tag_end(b"a/>", 1), Some(3));
        assert_eq!(tag_end(b"a b='>", 1), None);
    }

    fn opener(html: &str) -> Option<(usize, String, usize)> {
        find(html).map(|u| (u.offset, u.opener, u.swallowed))
    }

    #[test]
    fn closed_things_are_fine() {
        for html in [
            "<p>a</p><!-- c --><script>if (a < b) x = '</p>';</script><style>p{}</STYLE >",
            "<!----><!--><!---><textarea>x</textarea><title>t</title>",
            "<a title=\"<script>\" href='<!--'>x</a> 1 < 2 <b>",
            "<xmp><b></xmp><noscript>n</noscript><!DOCTYPE html><?php x ?></div>",
            "<p>x</p",
            "a <!-- x --!> b",
        ] {
            assert_eq!(opener(html), None, "{html}");
        }
    }

    #[test]
    fn finds_the_first_unclosed_opener() {
        assert_eq!(opener("<p>a</p><!-- x"), Some((8, "<!--".into(), 6)));
        assert_eq!(
            opener("<p>a</p>\n<script src=x>var a;<p>b</p>"),
            Some((9, "<script>".into(), 28))
        );
        assert_eq!(
            opener("<STYLE>p{}</styles><p>x</p>"),
            Some((0, "<style>".into(), 27))
        );
        assert_eq!(
            opener("<textarea>a</text"),
            Some((0, "<textarea>".into(), 17))
        );
        assert_eq!(
            opener("<!-- a --> <title>t"),
            Some((11, "<title>".into(), 8))
        );
        assert_eq!(opener("<plaintext>x"), Some((0, "<plaintext>".into(), 12)));
        // A comment inside a script is script text; the script still never closes.
        assert_eq!(opener("<script><!--</script>-->"), None);
        assert_eq!(opener("<script>x<!--"), Some((0, "<script>".into(), 13)));
    }

    #[test]
    fn linear_on_many_openers() {
        let html = "<b><!-- c --><script>x</script>".repeat(100_000);
        assert_eq!(find(&html), None);
    }
}
