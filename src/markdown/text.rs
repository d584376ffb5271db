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
            if flags & AMP == 0 {
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
                sink(&decode(&head));
            }
        }
    }

    /// Hands over whatever is buffered.
    pub(crate) fn flush(&mut self, mut sink: impl FnMut(&str)) {
        if !self.buf.is_empty() {
            let text = std::mem::take(&mut self.buf);
            sink(&decode(&text));
            self.buf = text;
            self.buf.clear();
        }
    }
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
    fn raw_text_is_dropped() {
        let mut t = TextBuffer::default();
        let mut out = String::new();
        t.push("alert(1)", TextType::ScriptData, true, |s| out.push_str(s));
        assert_eq!(out, "");
    }
}
