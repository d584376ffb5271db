//! Body modes: is a body an HTML fragment or Markdown, and how to clean Markdown's HTML islands.
//!
//! postscrub's own output is Markdown, and running it again must change nothing, so a body that
//! is already Markdown is never converted: only the raw-HTML islands a CommonMark parser finds
//! in it (HTML blocks, and runs of inline HTML inside a paragraph) go through the cleanup
//! rules. Markdown text, code spans and code blocks are left byte for byte.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// How to read a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyMode {
    /// `html` when the trimmed body starts with a tag and ends with one, else `markdown`.
    #[default]
    Auto,
    Html,
    Markdown,
}

impl BodyMode {
    /// Resolve `Auto` for a given body.
    pub fn resolve(self, body: &str) -> BodyMode {
        match self {
            BodyMode::Auto if looks_like_html(body) => BodyMode::Html,
            BodyMode::Auto => BodyMode::Markdown,
            other => other,
        }
    }
}

fn looks_like_html(body: &str) -> bool {
    let t = body.trim();
    let Some(rest) = t.strip_prefix('<') else {
        return false;
    };
    // A tag (`<div`, `</p`) or a comment/doctype (`<!`); `<http://x>` is an autolink.
    let starts = rest.starts_with('!')
        || rest
            .trim_start_matches('/')
            .split(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .next()
            .is_some_and(|name| {
                name.starts_with(|c: char| c.is_ascii_alphabetic())
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
    starts && t.ends_with('>')
}

/// Whether `text` has a `<` that could open HTML in CommonMark: a tag (`<a`, `</a`), a
/// comment, declaration or CDATA (`<!`), or a processing instruction (`<?`). Every HTML block
/// and every piece of inline HTML starts with one, so a text without any has no islands; most
/// converted posts have none, and the parse this saves is the cost of a whole pass.
pub fn may_hold_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'<', &bytes[from..]) {
        let at = from + i;
        if let Some(&next) = bytes.get(at + 1)
            && (next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?'))
        {
            return true;
        }
        from = at + 1;
    }
    false
}

/// The reading of Markdown bodies: CommonMark with GFM tables and strikethrough.
pub fn markdown_options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options
}

/// Byte ranges of the raw-HTML islands of a Markdown text, in order, never overlapping.
pub fn html_islands(markdown: &str) -> Vec<Range<usize>> {
    if !may_hold_html(markdown) {
        return Vec::new();
    }
    html_islands_with(markdown, |_| {})
}

/// [`html_islands`], also handing every event of the reading to `observe`, so that another
/// question about the same text needs no second parse. Always parses.
pub fn html_islands_with(markdown: &str, mut observe: impl FnMut(&Event<'_>)) -> Vec<Range<usize>> {
    let mut islands: Vec<Range<usize>> = Vec::new();
    // An inline run: starts and ends at inline HTML, may hold plain text between.
    let mut run: Option<Range<usize>> = None;
    let mut run_end_html = 0;
    let close_run =
        |run: &mut Option<Range<usize>>, end: usize, islands: &mut Vec<Range<usize>>| {
            if let Some(r) = run.take() {
                islands.push(r.start..end);
            }
        };
    for (event, range) in Parser::new_ext(markdown, markdown_options()).into_offset_iter() {
        observe(&event);
        match event {
            Event::Start(Tag::HtmlBlock) => {
                close_run(&mut run, run_end_html, &mut islands);
                islands.push(range);
            }
            Event::InlineHtml(_) => {
                if run.is_none() {
                    run = Some(range.start..range.end);
                }
                run_end_html = range.end;
            }
            Event::Text(_) | Event::SoftBreak | Event::HardBreak if run.is_some() => {}
            Event::End(TagEnd::HtmlBlock) => {}
            Event::Html(_) => {}
            _ => close_run(&mut run, run_end_html, &mut islands),
        }
    }
    close_run(&mut run, run_end_html, &mut islands);
    islands.retain(|r| !r.is_empty());
    islands
}

/// Replace each island of `markdown` by `f(island)`; everything else is copied as is.
pub fn map_islands<E>(
    markdown: &str,
    f: impl FnMut(&str) -> Result<String, E>,
) -> Result<String, E> {
    map_ranges(markdown, html_islands(markdown), f)
}

/// [`map_islands`] with the islands already found (by [`html_islands`]).
pub fn map_ranges<E>(
    markdown: &str,
    islands: Vec<Range<usize>>,
    mut f: impl FnMut(&str) -> Result<String, E>,
) -> Result<String, E> {
    if islands.is_empty() {
        return Ok(markdown.to_owned());
    }
    let mut out = String::with_capacity(markdown.len());
    let mut last = 0;
    for island in islands {
        out.push_str(&markdown[last..island.start]);
        out.push_str(&f(&markdown[island.clone()])?);
        last = island.end;
    }
    out.push_str(&markdown[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn islands_need_a_tag_like_lt() {
        for text in ["a < b and 1 <2", "ends with <", "<<>> <= <3"] {
            assert!(!may_hold_html(text), "{text}");
            // The parser agrees: nothing there is HTML.
            let parsed = Parser::new_ext(text, Options::empty())
                .any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
            assert!(!parsed, "{text}");
        }
        for text in [
            "<div>x</div>",
            "a </b> c",
            "<!-- c -->",
            "<?php x ?>",
            "<!DOCTYPE html>",
            "x <span>y</span>",
        ] {
            assert!(may_hold_html(text), "{text}");
            assert!(!html_islands(text).is_empty(), "{text}");
        }
        // The test errs on the side of parsing: an autolink looks like a tag to it.
        assert!(may_hold_html("<https://example.com>"));
        assert!(html_islands("<https://example.com>").is_empty());
    }

    #[test]
    fn auto_detection() {
        assert_eq!(BodyMode::Auto.resolve("\n<div>x</div>   "), BodyMode::Html);
        assert_eq!(
            BodyMode::Auto.resolve("# Title\n\n<p>x</p>"),
            BodyMode::Markdown
        );
        assert_eq!(BodyMode::Auto.resolve("a <b>c</b>"), BodyMode::Markdown);
        assert_eq!(
            BodyMode::Auto.resolve("<!-- c --> text <br>"),
            BodyMode::Html
        );
        assert_eq!(BodyMode::Auto.resolve("<http://x.y>"), BodyMode::Markdown);
        assert_eq!(BodyMode::Html.resolve("# x"), BodyMode::Html);
    }

    #[test]
    fn detection_of_what_cleaning_leaves() {
        // A fuzz find: `</;x` (a bogus comment) makes this Markdown; once a rule drops it,
        // what is left is HTML. The pipeline goes on in the new mode (`pipeline::process`).
        assert_eq!(BodyMode::Auto.resolve("<p>a</p></;x"), BodyMode::Markdown);
        assert_eq!(BodyMode::Auto.resolve("<p>a</p>"), BodyMode::Html);
        // Output of html mode that still looks like HTML: a raw table, an embed.
        assert_eq!(
            BodyMode::Auto.resolve("<table>\n<tr><td colspan=\"2\">a</td></tr>\n</table>\n"),
            BodyMode::Html
        );
        assert_eq!(
            BodyMode::Auto.resolve("<iframe src=\"v\"></iframe>\n"),
            BodyMode::Html
        );
        assert_eq!(BodyMode::Auto.resolve("a\n"), BodyMode::Markdown);
        assert_eq!(BodyMode::Auto.resolve(""), BodyMode::Markdown);
    }

    #[test]
    fn islands_skip_code() {
        let md = "Text `<style>` and <span id=\"quote_1\">q</span> end.\n\n<div class=\"ad\">\nx\n</div>\n\n```\n<style>\n```\n";
        let islands: Vec<&str> = html_islands(md).into_iter().map(|r| &md[r]).collect();
        assert_eq!(
            islands,
            [
                "<span id=\"quote_1\">q</span>",
                "<div class=\"ad\">\nx\n</div>\n"
            ]
        );
    }

    #[test]
    fn map_keeps_markdown_bytes() {
        let md = "*a*  <b>x</b>\n";
        let out = map_islands::<()>(md, |s| Ok(s.to_uppercase())).unwrap();
        assert_eq!(out, "*a*  <B>X</B>\n");
    }
}
