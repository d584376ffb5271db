//! Hiding `{{`, `{%` and `{#` from Nunjucks (Hexo's template engine).
//!
//! Hexo renders every post through Nunjucks before Markdown, so a literal
//! `{{ x }}` in prose or inline code would be evaluated as a template. Hexo's
//! documented escape is `{% raw %}…{% endraw %}`: each opener is wrapped
//! together with its closer (`}}`, `%}`, `#}`) when the closer is in the same
//! block, else alone. The markers are removed by Nunjucks before Markdown sees
//! the text, so wrapping never changes how the Markdown parses. Fenced code
//! blocks are left alone: Hexo's backtick_code_block filter protects them.

const RAW: &str = "{% raw %}";
const ENDRAW: &str = "{% endraw %}";

/// True when `s` contains something Nunjucks would interpret.
pub(crate) fn needs_protection(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0] == b'{' && matches!(w[1], b'{' | b'%' | b'#'))
}

/// Rewrites `s` so that every Nunjucks opener sits inside a raw block.
pub(crate) fn protect(s: &mut String) {
    if !needs_protection(s) {
        return;
    }
    let src = std::mem::take(s);
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + 32);
    let mut flushed = 0;
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] != b'{' {
            i += 1;
            continue;
        }
        let closer: &[u8] = match b[i + 1] {
            b'{' => b"}}",
            b'%' => b"%}",
            b'#' => b"#}",
            _ => {
                i += 1;
                continue;
            }
        };
        let mut end = i + 2;
        if let Some(pos) = find(&b[i + 2..], closer) {
            let candidate = i + 2 + pos + 2;
            if !src[i..candidate].contains("endraw") {
                end = candidate;
            }
        }
        out.push_str(&src[flushed..i]);
        out.push_str(RAW);
        out.push_str(&src[i..end]);
        out.push_str(ENDRAW);
        flushed = end;
        i = end;
    }
    out.push_str(&src[flushed..]);
    *s = out;
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        let mut s = s.to_owned();
        protect(&mut s);
        s
    }

    #[test]
    fn wraps_openers_with_their_closers() {
        assert_eq!(p("`{{ test }}`"), "`{% raw %}{{ test }}{% endraw %}`");
        assert_eq!(p("a {% if x %} b"), "a {% raw %}{% if x %}{% endraw %} b");
        assert_eq!(p("{# c #}"), "{% raw %}{# c #}{% endraw %}");
        assert_eq!(p("lonely {{ here"), "lonely {% raw %}{{{% endraw %} here");
        assert_eq!(p("{{{x}}}"), "{% raw %}{{{x}}{% endraw %}}");
        assert_eq!(p("plain { braces }"), "plain { braces }");
    }
}
