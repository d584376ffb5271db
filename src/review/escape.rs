//! HTML escaping for the report: every string that comes from a post, a file name or a rule goes
//! through here before it reaches a page.
//!
//! A post is scraped HTML and a file name is whatever the tree holds (`<script>`, quotes, a
//! newline, bytes that are not UTF-8): neither may ever become markup of the report itself.
//! Text and attribute values are escaped the same way (`& < > " '`), so a value is safe in
//! either place, quoted with `"` or `'`. Names are also passed through [`printable`] first, so a
//! control character shows as an escape rather than disappearing.
//!
//! [`printable`]: crate::printable::printable

use std::fmt::Write as _;

/// `s` with `&`, `<`, `>`, `"` and `'` written as character references: safe as element text
/// and as a quoted attribute value (including `srcdoc`, whose value is a whole document).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_html(&mut out, s);
    out
}

/// [`html`], appended to `out`.
pub fn push_html(out: &mut String, s: &str) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// A name from the tree (path, rule id, message) as page text: control characters and bidi
/// overrides shown as escapes, then HTML-escaped.
pub fn name(s: &str) -> String {
    html(&crate::printable::printable(s))
}

/// A value as a JavaScript/JSON string literal that is safe anywhere in a page or a script
/// file: besides JSON's own escapes, `<`, `>`, `&`, U+2028 and U+2029 are written as `\uXXXX`,
/// so no `</script>` or `<!--` can be formed and no line terminator splits the literal.
pub fn js_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            html(r#"<a href="x" title='y'>&amp;</a>"#),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(html("中文 plain"), "中文 plain");
        assert_eq!(html(""), "");
    }

    #[test]
    fn names_are_printable_then_escaped() {
        assert_eq!(
            name("a\n<script>\u{202e}.md"),
            "a\\n&lt;script&gt;\\u{202e}.md"
        );
        assert_eq!(name("\x1b[31m\"x\".md"), "\\x1b[31m&quot;x&quot;.md");
    }

    #[test]
    fn js_strings_cannot_close_a_script() {
        let s = js_string("</script><!-- \"\\\n\u{2028}\u{1}");
        assert_eq!(s, r#""\u003c/script\u003e\u003c!-- \"\\\n\u2028\u0001""#);
        assert!(!s.contains('<') && !s.contains('>'));
        // It is valid JSON, and reads back as the original.
        let back: String = serde_json::from_str(&s).unwrap();
        assert_eq!(back, "</script><!-- \"\\\n\u{2028}\u{1}");
    }
}
