//! Keeping `{{`, `{%` and `{#` that Hexo did not read as tags away from Nunjucks, and leaving
//! the ones it did read alone.
//!
//! Hexo renders a post's Markdown to HTML and then runs Nunjucks over the result (its
//! `lib/hexo/post` escapes the tags before Markdown and restores them after; its tag filter
//! first turns the braces inside `<code>` elements into `&#123;`/`&#125;`). So in an HTML body,
//! `{% post_link x %}` typed as text was a working tag, while braces written as `&#123;` and
//! braces inside code were shown as text. The converter keeps that difference: braces decoded
//! from a character reference, and every brace of inline code, are carried through the
//! converter as the marker characters [`OPEN`] and [`CLOSE`] (Unicode noncharacters, which
//! exist for such internal use; the input's own are read as U+FFFD in this mode). When a block
//! is written, [`protect`] looks at each opener:
//! - typed as text and closed in the same block: a tag Hexo ran, left as it is;
//! - anything else (a marker in it, or never closed, which swallowed the rest of the post in
//!   the original): wrapped in `{% raw %}…{% endraw %}`, together with its closer when nothing
//!   between them could end or nest the raw block, else alone.
//!
//! A literal `{% raw %}` typed as text opens a raw block of the author's own; inside it nothing
//! is wrapped (Nunjucks would show the markers) until its `{% endraw %}`, in a later block too.
//! Fenced code blocks are left alone: Hexo's backtick_code_block filter protects them.

/// A `{` that Hexo did not read as part of a tag.
pub(crate) const OPEN: char = '\u{FDD0}';
/// A `}` that Hexo did not read as part of a tag.
pub(crate) const CLOSE: char = '\u{FDD1}';

const RAW: &str = "{% raw %}";
const ENDRAW: &str = "{% endraw %}";

/// True for the marker characters.
pub(crate) fn is_marker(c: char) -> bool {
    c == OPEN || c == CLOSE
}

/// The brace a marker stands for; other characters as they are.
fn plain(c: char) -> char {
    match c {
        OPEN => '{',
        CLOSE => '}',
        c => c,
    }
}

/// Whether `s` holds a marker. Both are `EF B7 9x` in UTF-8: one search for the two bytes
/// they share, which are rare in any text (U+FDC0..U+FDFF), where a search for a char goes by
/// its last byte (`90`, a continuation byte all over CJK text) and `EF` leads the full-width
/// punctuation of Chinese.
pub(crate) fn has_marker(s: &str) -> bool {
    // The bytes OPEN and CLOSE share in UTF-8 (tested); the searcher is built once, as this
    // runs on every text chunk.
    static SHARED: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(&[0xEF, 0xB7]));
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(i) = SHARED.find(&b[from..]) {
        let at = from + i;
        if matches!(b.get(at + 2), Some(0x90 | 0x91)) {
            return true;
        }
        from = at + 2;
    }
    false
}

/// `s` with markers turned back into braces.
pub(crate) fn unmark(s: &mut String) {
    if has_marker(s) {
        *s = s.chars().map(plain).collect();
    }
}

/// Marks every brace of `s` (inline code: never a tag).
pub(crate) fn mark_all(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '{' => OPEN,
            '}' => CLOSE,
            c => c,
        })
        .collect()
}

/// A URL's marked braces percent-encoded (the same URL to a browser, and no brace left for
/// Nunjucks); braces typed as text stay.
pub(crate) fn url_unmark(s: &mut String) {
    if has_marker(s) {
        let mut out = String::with_capacity(s.len() + 8);
        for c in s.chars() {
            match c {
                OPEN => out.push_str("%7B"),
                CLOSE => out.push_str("%7D"),
                c => out.push(c),
            }
        }
        *s = out;
    }
}

/// Rewrites one written block: openers Hexo did not read as tags go inside raw blocks, markers
/// become braces. `in_raw` carries an author's own open `{% raw %}` from block to block.
pub(crate) fn protect(s: &mut String, in_raw: &mut bool) {
    if !*in_raw && !s.contains('{') {
        // Most text: no brace and no marker.
        if !has_marker(s) {
            return;
        }
        if !s.contains(OPEN) {
            unmark(s);
            return;
        }
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 32);
    let push = |out: &mut String, part: &[char]| out.extend(part.iter().copied().map(plain));
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if *in_raw {
            // Only a typed `{% endraw %}` ends the author's raw block.
            if c == '{'
                && next == Some('%')
                && let Some(end) = literal_closer(&chars, i + 2, '%')
            {
                if tag_name(&chars[i + 2..end]) == "endraw" {
                    *in_raw = false;
                }
                push(&mut out, &chars[i..end + 2]);
                i = end + 2;
                continue;
            }
            out.push(plain(c));
            i += 1;
            continue;
        }
        let closer = match (c, next) {
            ('{' | OPEN, Some('{' | OPEN)) => '}',
            ('{' | OPEN, Some('%')) => '%',
            ('{' | OPEN, Some('#')) => '#',
            _ => {
                out.push(plain(c));
                i += 1;
                continue;
            }
        };
        let typed = c == '{' && next != Some(OPEN);
        if typed && let Some(end) = literal_closer(&chars, i + 2, closer) {
            // A tag Hexo ran in the original: written as it was.
            if closer == '%' && tag_name(&chars[i + 2..end]) == "raw" {
                *in_raw = true;
            }
            push_tag(&mut out, &chars[i..end + 2]);
            i = end + 2;
            continue;
        }
        // Protected: with its closer when the raw block cannot be ended or nested early.
        let mut end = i + 2;
        if let Some(close) = any_closer(&chars, i + 2, closer) {
            let inner = &chars[i + 2..close];
            let opens_tag = inner
                .windows(2)
                .any(|w| matches!(w[0], '{' | OPEN) && w[1] == '%');
            let says_raw = inner.windows(3).any(|w| w == ['r', 'a', 'w']);
            if !opens_tag && !says_raw {
                end = close + 2;
            }
        }
        out.push_str(RAW);
        push(&mut out, &chars[i..end]);
        out.push_str(ENDRAW);
        i = end;
    }
    *s = out;
}

/// Jekyll runs Liquid over the whole post before Markdown, code blocks and code spans
/// included, and nothing in a converted HTML body was ever Liquid: every `{{` and `{%` of the
/// finished Markdown is wrapped in `{% raw %}…{% endraw %}` (with its closer, as [`protect`]
/// does for Hexo's unread openers). `{#` is no Liquid syntax and stays as it is.
pub(crate) fn protect_liquid(s: &mut String) {
    if !s.contains("{{") && !s.contains("{%") {
        return;
    }
    let chars: Vec<char> = s.chars().collect();
    let mut marked = String::with_capacity(s.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let before = i.checked_sub(1).map(|j| chars[j]);
        marked.push(match c {
            '{' if matches!(next, Some('{' | '%')) || before == Some('{') => OPEN,
            '}' if matches!(before, Some('}' | '%')) || next == Some('}') => CLOSE,
            c => c,
        });
    }
    let mut in_raw = false;
    protect(&mut marked, &mut in_raw);
    *s = marked;
}

/// A typed tag, as the author wrote it. Nunjucks reads the Markdown source, so the backslashes
/// that keep quotes, dashes and dots from the Markdown typographer (`\"`) must not be in it;
/// nothing else puts a backslash before those inside a tag.
fn push_tag(out: &mut String, tag: &[char]) {
    let mut k = 0;
    while k < tag.len() {
        let c = plain(tag[k]);
        if c == '\\' {
            match tag.get(k + 1).copied() {
                Some('"' | '\'' | '-' | '.') => {
                    out.push(tag[k + 1]);
                    k += 2;
                    continue;
                }
                Some('\\') => {
                    out.push_str("\\\\");
                    k += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
        k += 1;
    }
}

/// The index of the first typed `X}` (X = `closer`) at or after `from`.
fn literal_closer(chars: &[char], from: usize, closer: char) -> Option<usize> {
    (from..chars.len().saturating_sub(1)).find(|&j| chars[j] == closer && chars[j + 1] == '}')
}

/// The index of the first `X}` at or after `from`, markers counted as braces.
fn any_closer(chars: &[char], from: usize, closer: char) -> Option<usize> {
    (from..chars.len().saturating_sub(1))
        .find(|&j| plain(chars[j]) == closer && plain(chars[j + 1]) == '}')
}

/// The name of a `{% name args %}` tag (whitespace control dashes aside).
fn tag_name(inner: &[char]) -> String {
    let s: String = inner.iter().collect();
    s.trim_matches(|c: char| c.is_whitespace() || c == '-')
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_marker_is_a_search_for_either_marker() {
        assert_eq!(OPEN.to_string().as_bytes(), [0xEF, 0xB7, 0x90]);
        assert_eq!(CLOSE.to_string().as_bytes(), [0xEF, 0xB7, 0x91]);
        // Neighbours sharing bytes with the markers: the rest of U+FDxx, CJK text full of
        // 0x90 continuation bytes, full-width punctuation led by 0xEF.
        let pieces = [
            "", "a", "中文", "，", "：", "\u{FDCF}", "\u{FDD2}", "\u{FDEF}", "\u{FD90}",
            "\u{ED90}", "\u{FDD0}", "\u{FDD1}", "{", "}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(
                        has_marker(&s),
                        s.contains(OPEN) || s.contains(CLOSE),
                        "{s:?}"
                    );
                }
            }
        }
    }

    fn p(s: &str) -> String {
        let mut s = s
            .replace('⦃', &OPEN.to_string())
            .replace('⦄', &CLOSE.to_string());
        let mut raw = false;
        protect(&mut s, &mut raw);
        s
    }

    #[test]
    fn typed_tags_stay_working() {
        assert_eq!(
            p("see {% post_link hello %} now"),
            "see {% post_link hello %} now"
        );
        assert_eq!(p("{{ page.title }}"), "{{ page.title }}");
        assert_eq!(p("{# note #}"), "{# note #}");
        assert_eq!(p("plain { braces }"), "plain { braces }");
        // The typographer's backslashes stay out of a tag Hexo runs.
        assert_eq!(
            p(r#"{% asset_img a.png \"A \-\- cover\" %} \"x\""#),
            r#"{% asset_img a.png "A -- cover" %} \"x\""#
        );
        assert_eq!(p(r"{{ a \\ b }}"), r"{{ a \\ b }}");
    }

    #[test]
    fn marked_and_unclosed_openers_are_wrapped() {
        // ⦃ ⦄ stand for braces written `&#123;` / `&#125;` in the input.
        assert_eq!(p("⦃⦃ test ⦄⦄"), "{% raw %}{{ test }}{% endraw %}");
        assert_eq!(p("a ⦃% if x %⦄ b"), "a {% raw %}{% if x %}{% endraw %} b");
        assert_eq!(p("{⦃x}}"), "{% raw %}{{x}}{% endraw %}");
        assert_eq!(p("lonely {{ here"), "lonely {% raw %}{{{% endraw %} here");
        assert_eq!(p("⦃⦃⦃x⦄⦄⦄"), "{% raw %}{{{x}}{% endraw %}}");
        assert_eq!(p("⦃ one ⦄"), "{ one }");
    }

    #[test]
    fn raw_text_in_code_cannot_end_the_protection() {
        // Code braces are all marked: a literal `{% endraw %}` or `{% raw %}` is wrapped
        // opener by opener, so no raw block is closed or nested early.
        assert_eq!(
            p("⦃% endraw %⦄ and ⦃⦃ x ⦄⦄"),
            "{% raw %}{%{% endraw %} endraw %} and {% raw %}{{ x }}{% endraw %}"
        );
        assert_eq!(p("⦃% raw %⦄"), "{% raw %}{%{% endraw %} raw %}");
        assert_eq!(
            p("⦃⦃ a ⦃% b %⦄ ⦄⦄"),
            "{% raw %}{{{% endraw %} a {% raw %}{% b %}{% endraw %} }}"
        );
    }

    #[test]
    fn an_authors_raw_block_is_left_as_written() {
        let mut raw = false;
        let mut a = format!("{{% raw %}}{OPEN}{OPEN} x");
        protect(&mut a, &mut raw);
        assert_eq!(a, "{% raw %}{{ x");
        assert!(raw);
        let mut b = format!("{CLOSE}{CLOSE} {{% endraw %}} {OPEN}{OPEN}y{CLOSE}{CLOSE}");
        protect(&mut b, &mut raw);
        assert_eq!(b, "}} {% endraw %} {% raw %}{{y}}{% endraw %}");
        assert!(!raw);
    }

    #[test]
    fn liquid_sees_no_tag_and_no_output() {
        let l = |s: &str| {
            let mut s = s.to_owned();
            protect_liquid(&mut s);
            s
        };
        assert_eq!(l("a {{ x }} b"), "a {% raw %}{{ x }}{% endraw %} b");
        assert_eq!(
            l("```\n{% if a %}\n```"),
            "```\n{% raw %}{% if a %}{% endraw %}\n```"
        );
        // An `{% endraw %}` in the text cannot end the protection early.
        assert_eq!(
            l("{% endraw %} {{ y"),
            "{% raw %}{%{% endraw %} endraw %} {% raw %}{{{% endraw %} y"
        );
        assert_eq!(l("{# c #} and { x }"), "{# c #} and { x }");
        assert_eq!(l("plain"), "plain");
    }

    #[test]
    fn urls_percent_encode_marked_braces() {
        let mut u = format!("https://x.example/{OPEN}id{CLOSE}/{{typed}}");
        url_unmark(&mut u);
        assert_eq!(u, "https://x.example/%7Bid%7D/{typed}");
    }
}
