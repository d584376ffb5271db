//! Split a post into its parts and join them back.
//!
//! A post is `[BOM] [blank lines] --- front matter --- body`, where everything but the body is
//! optional. Hexo accepts blank lines before the opening fence (every file of the RSSHub corpus
//! starts with `\n---`); Jekyll and Hugo do not, so [`Document::join`] writes the fence first.
//! The line ending style of the file (LF or CRLF) is detected once and kept on output.

/// Line-ending style of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    Lf,
    CrLf,
}

impl LineEnding {
    /// The style the file mostly uses: CRLF when its first line break is `\r\n`.
    pub fn detect(text: &str) -> Self {
        match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => LineEnding::CrLf,
            _ => LineEnding::Lf,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
        }
    }
}

/// A post cut into parts. All slices borrow the original text; line endings inside the parts are
/// as in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    pub bom: bool,
    /// YAML between the fences, without the fences; `None` for a body-only post.
    pub front_matter: Option<&'a str>,
    /// 1-based line of the file where the front matter text starts (for error positions).
    pub front_matter_line: usize,
    pub body: &'a str,
    /// 1-based line of the file where the body starts.
    pub body_line: usize,
    pub line_ending: LineEnding,
    /// 1-based line of an opening `---` fence that is never closed (the text is then all body).
    pub unclosed_fence: Option<usize>,
}

impl<'a> Document<'a> {
    /// Split `text` into BOM, front matter and body. Never fails: text without a closed
    /// front-matter fence is all body.
    pub fn split(text: &'a str) -> Document<'a> {
        let line_ending = LineEnding::detect(text);
        let (bom, rest) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let body_only = Document {
            bom,
            front_matter: None,
            front_matter_line: 0,
            body: rest,
            body_line: 1,
            line_ending,
            unclosed_fence: None,
        };
        // Skip blank lines before the opening fence.
        let mut pos = 0;
        let mut line = 1;
        let open_end = loop {
            let Some((content, next)) = next_line(rest, pos) else {
                return body_only;
            };
            if content.trim().is_empty() {
                pos = next;
                line += 1;
                continue;
            }
            if content.trim_end() == "---" {
                break next;
            }
            return body_only;
        };
        // Find the closing fence (`---`, or YAML's `...`).
        let fm_start = open_end;
        let fm_line = line + 1;
        let mut pos = open_end;
        let mut close_line = fm_line;
        loop {
            let Some((content, next)) = next_line(rest, pos) else {
                return Document {
                    unclosed_fence: Some(line),
                    ..body_only
                };
            };
            let trimmed = content.trim_end();
            if trimmed == "---" || trimmed == "..." {
                return Document {
                    bom,
                    front_matter: Some(&rest[fm_start..pos]),
                    front_matter_line: fm_line,
                    body: &rest[next..],
                    body_line: close_line + 1,
                    line_ending,
                    unclosed_fence: None,
                };
            }
            pos = next;
            close_line += 1;
        }
    }

    /// Join parts back into a file: fence first, a blank line between front matter and body,
    /// the file's own line endings. `front_matter` must end with a line break when not empty.
    pub fn join(
        bom: bool,
        front_matter: Option<&str>,
        body: &str,
        line_ending: LineEnding,
    ) -> String {
        let nl = line_ending.as_str();
        let mut out = String::with_capacity(body.len() + front_matter.map_or(0, str::len) + 16);
        if bom {
            out.push('\u{feff}');
        }
        if let Some(fm) = front_matter {
            out.push_str("---");
            out.push_str(nl);
            out.push_str(&with_line_ending(fm, line_ending));
            out.push_str("---");
            out.push_str(nl);
        }
        let body = skip_blank_lines(body);
        if front_matter.is_some() && !body.is_empty() {
            out.push_str(nl);
        }
        out.push_str(&with_line_ending(body, line_ending));
        out
    }
}

/// `text` without its leading whitespace-only lines.
fn skip_blank_lines(text: &str) -> &str {
    let mut pos = 0;
    while let Some((line, next)) = next_line(text, pos) {
        if !line.trim().is_empty() || next == pos {
            break;
        }
        pos = next;
    }
    if text[pos..].trim().is_empty() {
        ""
    } else {
        &text[pos..]
    }
}

/// The line starting at `pos` (without its line break) and the position after its line break.
fn next_line(text: &str, pos: usize) -> Option<(&str, usize)> {
    if pos >= text.len() {
        return None;
    }
    match memchr::memchr(b'\n', &text.as_bytes()[pos..]) {
        Some(i) => {
            let content = text[pos..pos + i]
                .strip_suffix('\r')
                .unwrap_or(&text[pos..pos + i]);
            Some((content, pos + i + 1))
        }
        None => Some((&text[pos..], text.len())),
    }
}

/// A text whose only line breaks are lone CRs (old Mac), with LFs instead; `None` for any
/// other text. Such a file would otherwise be one long line, and its front matter would not be
/// found.
pub fn lone_cr_to_lf(text: &str) -> Option<String> {
    (has_byte(text, b'\r') && !has_byte(text, b'\n')).then(|| text.replace('\r', "\n"))
}

/// Whether `text` holds the ASCII byte `b`: the memchr crate's vector search (a `char` search
/// in `str` goes a word at a time), for checks that run over every whole post.
pub(crate) fn has_byte(text: &str, b: u8) -> bool {
    memchr::memchr(b, text.as_bytes()).is_some()
}

/// `text` with every line break in the given style.
pub fn with_line_ending(text: &str, line_ending: LineEnding) -> std::borrow::Cow<'_, str> {
    match line_ending {
        LineEnding::Lf if has_byte(text, b'\r') => text.replace("\r\n", "\n").into(),
        LineEnding::CrLf if has_byte(text, b'\n') => {
            text.replace("\r\n", "\n").replace('\n', "\r\n").into()
        }
        _ => text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_blank_line_before_fence_is_front_matter() {
        let d = Document::split("\n---\ntitle: a\n---\n\n<div>x</div>  ");
        assert_eq!(d.front_matter, Some("title: a\n"));
        assert_eq!(d.front_matter_line, 3);
        assert_eq!(d.body, "\n<div>x</div>  ");
        assert_eq!(d.body_line, 5);
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let d = Document::split("<p>hi</p>\n---\n");
        assert_eq!(d.front_matter, None);
        assert_eq!(d.body, "<p>hi</p>\n---\n");
    }

    #[test]
    fn unclosed_fence_is_all_body() {
        let d = Document::split("---\ntitle: a\n");
        assert_eq!(d.front_matter, None);
        assert_eq!(d.unclosed_fence, Some(1));
        assert_eq!(Document::split("\n\n---\nx").unclosed_fence, Some(3));
        assert_eq!(Document::split("x\n---\n").unclosed_fence, None);
    }

    #[test]
    fn bom_and_crlf() {
        let d = Document::split("\u{feff}---\r\ntitle: a\r\n---\r\nbody\r\n");
        assert!(d.bom);
        assert_eq!(d.line_ending, LineEnding::CrLf);
        assert_eq!(d.front_matter, Some("title: a\r\n"));
        assert_eq!(d.body, "body\r\n");
        let joined = Document::join(true, Some("title: a\n"), "body\n", LineEnding::CrLf);
        assert_eq!(joined, "\u{feff}---\r\ntitle: a\r\n---\r\n\r\nbody\r\n");
    }

    #[test]
    fn empty_front_matter() {
        let d = Document::split("---\n---\nbody");
        assert_eq!(d.front_matter, Some(""));
        assert_eq!(d.body, "body");
        assert_eq!(
            Document::join(false, Some(""), "", LineEnding::Lf),
            "---\n---\n"
        );
    }
}
