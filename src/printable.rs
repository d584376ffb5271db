//! Names made safe to print: a file name is data from the tree, and the tree may be hostile.
//!
//! A name holding ESC can recolour or retitle a terminal (OSC sequences), a newline can forge a
//! line of output (a standalone `::error ::` line that GitHub Actions would act on), a CR can
//! overwrite what came before, and bidi overrides can make a name read backwards. Every reporter
//! prints names through [`printable`] (and paths through [`path`]), so there is one place that
//! decides what reaches a terminal or a CI log. GitHub workflow-command escaping (`%0A` …) is
//! done on top of this by the GitHub reporter.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::Path;

/// Whether `c` must not reach a terminal as is: C0 and C1 controls, DEL, and the Unicode
/// bidirectional overrides and isolates.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character written as an escape: `\n`, `\r`, `\t`, `\x1b`, `\u{9b}`,
/// `\u{202e}`. Text without any is borrowed unchanged. Applying it twice changes nothing more.
pub fn printable(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) && (c as u32) < 0x80 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path for display: bytes that are not UTF-8 shown as `\xNN` (so two names that differ
/// only there still print differently), control characters escaped as by [`printable`].
pub fn path(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in p.as_os_str().as_bytes().utf8_chunks() {
        out.push_str(&printable(chunk.valid()));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn controls_are_escaped_and_plain_text_borrowed() {
        assert!(matches!(printable("a b/c.md"), Cow::Borrowed(_)));
        assert_eq!(printable("a\nb\r\t"), "a\\nb\\r\\t");
        assert_eq!(printable("\x1b]0;pwned\x07"), "\\x1b]0;pwned\\x07");
        assert_eq!(printable("x\u{9b}y\u{202e}"), "x\\u{9b}y\\u{202e}");
        assert_eq!(printable("\x7f"), "\\x7f");
        let once = printable("a\n\x1b").into_owned();
        assert_eq!(printable(&once), once);
        assert_eq!(printable("中文 名.md"), "中文 名.md");
    }

    #[test]
    fn invalid_utf8_bytes_are_shown_as_hex() {
        let p = Path::new(OsStr::from_bytes(b"posts/caf\xe9\n.md"));
        assert_eq!(path(p), "posts/caf\\xe9\\n.md");
    }
}
