//! Keeping `{{<` and `{{%` of converted text from opening Hugo shortcodes.
//!
//! Hugo looks for shortcodes in the whole content file before Markdown, code included:
//! `{{< x >}}` calls the shortcode `x` (the build fails when there is none), and an opener that
//! is never closed fails it too. Nothing in a converted HTML body was ever a shortcode, so:
//! - in text, a backslash between the braces and `<`/`%` (`{{\<`): no opener for Hugo, and the
//!   literal `<` or `%` for Markdown ([`super::escape`] writes it);
//! - in code (spans and fenced blocks), where a backslash would show, Hugo's own way of
//!   showing a shortcode: `{{</* x */>}}` renders as `{{< x >}}`. It needs the closer, so code
//!   with an opener that is never closed is written as HTML instead (`<code>`, `<pre>`), where
//!   `&lt;` keeps Hugo away.

/// True when `code` holds a shortcode opener.
pub(crate) fn has_opener(code: &str) -> bool {
    code.contains("{{<") || code.contains("{{%")
}

/// `code` with every `{{< … >}}` written `{{</* … */>}}` (and `{{% … %}}` as `{{%/* … */%}}`),
/// which Hugo shows as the original; `None` when an opener has no closer after it.
pub(crate) fn comment_form(code: &str) -> Option<String> {
    let mut out = String::with_capacity(code.len() + 16);
    let mut rest = code;
    loop {
        let lt = rest.find("{{<");
        let pct = rest.find("{{%");
        let (at, mark) = match (lt, pct) {
            (Some(a), Some(b)) if b < a => (b, '%'),
            (Some(a), _) => (a, '<'),
            (None, Some(b)) => (b, '%'),
            (None, None) => {
                out.push_str(rest);
                return Some(out);
            }
        };
        let closer = if mark == '<' { ">}}" } else { "%}}" };
        let inner_start = at + 3;
        let close = rest[inner_start..].find(closer)? + inner_start;
        out.push_str(&rest[..inner_start]);
        out.push_str("/*");
        out.push_str(&rest[inner_start..close]);
        out.push_str("*/");
        out.push_str(closer);
        rest = &rest[close + closer.len()..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_openers_take_the_comment_form() {
        assert_eq!(
            comment_form("a {{< x y >}} b {{% z %}}").as_deref(),
            Some("a {{</* x y */>}} b {{%/* z */%}}")
        );
        assert_eq!(
            comment_form("plain {{ x }}").as_deref(),
            Some("plain {{ x }}")
        );
        assert_eq!(comment_form("open {{< x"), None);
        assert!(has_opener("{{%") && !has_opener("{{ x }}"));
    }
}
