//! Reassembling lol_html text chunks into decoded text.
//!
//! lol_html splits a text node anywhere (mid-word, mid-entity, mid-line) and
//! leaves entities undecoded, so chunks are buffered until
//! `last_in_text_node()` and decoded once. Memory stays bounded: past
//! [`FLUSH_AT`] bytes the buffer is handed over early, cut at a point that
//! cannot be inside a character reference or a CR LF pair, so the result does
//! not depend on where lol_html split the input. Raw text (script, style,
//! iframe fallback content ...) never reaches the converter.

use std::borrow::Cow;

use lol_html::html_content::TextType;

/// Buffered text beyond this many bytes is decoded and handed over early.
pub(crate) const FLUSH_AT: usize = 64 * 1024;

/// Text of the current text node, not yet decoded.
#[derive(Debug, Default)]
pub(crate) struct TextBuffer {
    buf: String,
    /// Decode brace references to Nunjucks markers (see [`decode_marked`]).
    pub(crate) mark_braces: bool,
}

impl TextBuffer {
    /// Adds a chunk; calls `sink` with decoded text when the node ends or the
    /// buffer is full.
    pub(crate) fn push(
        &mut self,
        chunk: &str,
        text_type: TextType,
        last: bool,
        mut sink: impl FnMut(&str),
    ) {
        if !matches!(text_type, TextType::Data | TextType::RCData) {
            // Raw text is dropped; a node never mixes types.
            self.buf.clear();
            return;
        }
        if self.buf.is_empty() && !chunk.ends_with('\r') {
            let flags = classify(chunk);
            if flags & AMP == 0 && !(self.mark_braces && super::nunjucks::has_marker(chunk)) {
                // Nothing buffered and no `&`: no reference can span this
                // chunk and the next one, nor a CR LF pair, so it decodes the
                // same on its own; hand it over without copying.
                if !chunk.is_empty() {
                    sink(&decode_classified(chunk, flags));
                }
                return;
            }
        }
        self.buf.push_str(chunk);
        if last {
            self.flush(&mut sink);
        } else if self.buf.len() >= FLUSH_AT {
            let cut = safe_cut(&self.buf);
            if cut > 0 {
                let rest = self.buf.split_off(cut);
                let head = std::mem::replace(&mut self.buf, rest);
                sink(&self.decode(&head));
            }
        }
    }

    /// Hands over whatever is buffered.
    pub(crate) fn flush(&mut self, mut sink: impl FnMut(&str)) {
        if !self.buf.is_empty() {
            let text = std::mem::take(&mut self.buf);
            sink(&self.decode(&text));
            self.buf = text;
            self.buf.clear();
        }
    }
}

impl TextBuffer {
    fn decode<'a>(&self, raw: &'a str) -> Cow<'a, str> {
        if self.mark_braces {
            decode_marked(raw, decode)
        } else {
            decode(raw)
        }
    }
}

/// [`decode`] for Hexo output: a brace written as a character reference (`&#123;`, `&#x7d;`,
/// `&lbrace;` …) becomes a Nunjucks marker (`nunjucks::OPEN`/`CLOSE`), since Hexo never read
/// it as part of a tag; the input's own marker characters become U+FFFD. `plain` decodes the
/// text between (text or attribute rules).
pub(crate) fn decode_marked<'a>(raw: &'a str, plain: fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    use super::nunjucks::{CLOSE, OPEN, has_marker, is_marker};
    if !raw.contains('&') && !has_marker(raw) {
        return plain(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let push_plain = |out: &mut String, part: &str| {
        let decoded = plain(part);
        if has_marker(&decoded) {
            out.push_str(&decoded.replace(is_marker, "\u{FFFD}"));
        } else {
            out.push_str(&decoded);
        }
    };
    let mut flushed = 0;
    let mut i = 0;
    let bytes = raw.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'&'
            && let Some((len, brace)) = brace_reference(&raw[i..])
        {
            push_plain(&mut out, &raw[flushed..i]);
            out.push(if brace == '{' { OPEN } else { CLOSE });
            i += len;
            flushed = i;
        } else {
            i += 1;
        }
    }
    push_plain(&mut out, &raw[flushed..]);
    Cow::Owned(out)
}

/// A character reference for `{` or `}` at the start of `s`: its length and the brace.
fn brace_reference(s: &str) -> Option<(usize, char)> {
    for (name, brace) in [
        ("&lbrace;", '{'),
        ("&lcub;", '{'),
        ("&rbrace;", '}'),
        ("&rcub;", '}'),
    ] {
        if s.starts_with(name) {
            return Some((name.len(), brace));
        }
    }
    let rest = s.strip_prefix("&#")?;
    let (hex, digits) = match rest.strip_prefix(['x', 'X']) {
        Some(h) => (true, h),
        None => (false, rest),
    };
    let len = digits
        .bytes()
        .take_while(|b| {
            if hex {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
        })
        .count();
    if len == 0 {
        return None;
    }
    let significant = digits[..len].trim_start_matches('0');
    if significant.len() > 6 {
        return None;
    }
    let value = u32::from_str_radix(significant, if hex { 16 } else { 10 }).ok()?;
    let brace = match value {
        0x7B => '{',
        0x7D => '}',
        _ => return None,
    };
    let mut total = 2 + usize::from(hex) + len;
    if s.as_bytes().get(total) == Some(&b';') {
        total += 1;
    }
    Some((total, brace))
}

/// A byte offset at which raw HTML text can be split without changing its
/// decoding: before the last `&` when what follows could still grow into a
/// reference, and never between CR and LF.
fn safe_cut(s: &str) -> usize {
    let mut cut = s.len();
    if let Some(amp) = s.rfind('&')
        && s[amp + 1..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'#' || b == b';')
    {
        cut = amp;
    }
    if s[..cut].ends_with('\r') {
        cut -= 1;
    }
    cut
}

/// Decodes character references and normalizes newlines (CR LF and CR → LF);
/// NUL characters are dropped as browsers do in text.
pub(crate) fn decode(raw: &str) -> Cow<'_, str> {
    decode_classified(raw, classify(raw))
}

/// [`classify`] bit: the text holds `&`.
const AMP: u8 = 1;
/// [`classify`] bit: the text holds CR or NUL.
const CR_NUL: u8 = 2;

/// One branch-free pass over raw text: [`AMP`] | [`CR_NUL`]. All three bytes
/// are ASCII, so never inside a multi-byte character. Plain comparisons OR-ed
/// into two flags, so that the loop vectorizes.
fn classify(raw: &str) -> u8 {
    let (mut amp, mut cr_nul) = (false, false);
    for &b in raw.as_bytes() {
        amp |= b == b'&';
        cr_nul |= (b == b'\r') | (b == 0);
    }
    (u8::from(amp) * AMP) | (u8::from(cr_nul) * CR_NUL)
}

/// [`decode`] with the raw text's [`classify`] flags already known.
fn decode_classified(raw: &str, flags: u8) -> Cow<'_, str> {
    let (decoded, newlines) = if flags & AMP != 0 {
        // A reference can decode to CR (`&#13;`): look again.
        let decoded = htmlize::unescape(raw);
        let bytes = decoded.as_bytes();
        let newlines = bytes.contains(&b'\r') || bytes.contains(&0);
        (decoded, newlines)
    } else {
        (Cow::Borrowed(raw), flags & CR_NUL != 0)
    };
    if !newlines {
        return decoded;
    }
    let mut s = String::with_capacity(decoded.len());
    let mut chars = decoded.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                s.push('\n');
            }
            '\0' => {}
            c => s.push(c),
        }
    }
    Cow::Owned(s)
}

/// Decodes an attribute value (the attribute rules for legacy references).
/// Takes the value by value: without `&` it is returned as it is, no copy.
pub(crate) fn decode_attribute(raw: String) -> String {
    if raw.contains('&') {
        htmlize::unescape_attribute(&raw).into_owned()
    } else {
        raw
    }
}

/// [`decode_attribute`] for Hexo output: brace references become Nunjucks markers.
pub(crate) fn decode_attribute_marked(raw: String) -> String {
    fn plain(s: &str) -> Cow<'_, str> {
        htmlize::unescape_attribute(s)
    }
    if raw.contains('&') || raw.contains(super::nunjucks::is_marker) {
        decode_marked(&raw, plain).into_owned()
    } else {
        raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_entities() {
        assert_eq!(
            decode("Tom &amp; Jerry&nbsp;&#x4e2d;"),
            "Tom & Jerry\u{a0}中"
        );
        assert_eq!(decode("&#123;&#125;"), "{}");
        assert_eq!(decode("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(decode("&copy=2"), "©=2");
        assert_eq!(
            decode_attribute("/x?a=1&copy=2&amp;b".into()),
            "/x?a=1&copy=2&b"
        );
    }

    #[test]
    fn split_entities_reassemble() {
        let mut t = TextBuffer::default();
        let mut out = String::new();
        for (chunk, last) in [
            ("Tom &a", false),
            ("mp; J", false),
            ("erry", false),
            ("", true),
        ] {
            t.push(chunk, TextType::Data, last, |s| out.push_str(s));
        }
        assert_eq!(out, "Tom & Jerry");
    }

    #[test]
    fn early_flush_never_splits_a_reference() {
        let mut big = "字".repeat(FLUSH_AT / 3 + 10);
        big.push_str("&amp");
        assert_eq!(safe_cut(&big), big.len() - 4);
        assert_eq!(safe_cut("ab\r"), 2);
        assert_eq!(safe_cut("a & b"), 5);
    }

    #[test]
    fn brace_references_become_markers() {
        use crate::markdown::nunjucks::{CLOSE, OPEN};
        let d = |s| decode_marked(s, decode).into_owned();
        assert_eq!(
            d("&#123;&#x7D;&lbrace;&rcub;&#0123x"),
            format!("{OPEN}{CLOSE}{OPEN}{CLOSE}{OPEN}x")
        );
        assert_eq!(d("{a} &amp; &#124;"), "{a} & |");
        assert_eq!(d("\u{FDD0}&#xFDD1;"), "\u{FFFD}\u{FFFD}");
        assert_eq!(brace_reference("&#1234567;"), None);
        assert_eq!(brace_reference("&#x7b;"), Some((6, '{')));
    }

    #[test]
    fn raw_text_is_dropped() {
        let mut t = TextBuffer::default();
        let mut out = String::new();
        t.push("alert(1)", TextType::ScriptData, true, |s| out.push_str(s));
        assert_eq!(out, "");
    }
}
