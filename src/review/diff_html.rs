//! A post's unified diff as HTML: the same hunks as `postscrub diff`, with old and new line
//! numbers, and the changed words of a changed line marked (the word splitter and pairing of
//! [`crate::diff`], so CJK text is compared a character at a time).
//!
//! Every old line shown gets the anchor `o{N}`, so a fired rule's line can link to it.

use super::escape::push_html;
use crate::diff::{Span, hunk_range, word_changes};
use similar::{DiffTag, TextDiff};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The diff of `old` and `new` with 3 lines of context, and the old lines it shows (1-based).
pub struct DiffHtml {
    pub html: String,
    pub shown_old: BTreeSet<usize>,
    pub added: usize,
    pub removed: usize,
}

pub fn render(old: &str, new: &str) -> DiffHtml {
    let mut d = DiffHtml {
        html: String::new(),
        shown_old: BTreeSet::new(),
        added: 0,
        removed: 0,
    };
    let diff = TextDiff::from_lines(old, new);
    let old_lines: Vec<&str> = diff.iter_old_slices().collect();
    let new_lines: Vec<&str> = diff.iter_new_slices().collect();
    d.html.push_str("<div class=\"diff\">");
    for group in diff.grouped_ops(3) {
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let old_range = first.old_range().start..last.old_range().end;
        let new_range = first.new_range().start..last.new_range().end;
        let _ = write!(
            d.html,
            "<div class=\"hunk\">@@ -{} +{} @@</div>",
            hunk_range(&old_range),
            hunk_range(&new_range)
        );
        for op in &group {
            let (or, nr) = (op.old_range(), op.new_range());
            let (olds, news) = (&old_lines[or.clone()], &new_lines[nr.clone()]);
            match op.tag() {
                DiffTag::Equal => {
                    for (i, l) in olds.iter().enumerate() {
                        line(
                            &mut d,
                            ' ',
                            Some(or.start + i + 1),
                            Some(nr.start + i + 1),
                            l,
                            None,
                        );
                    }
                }
                DiffTag::Delete => {
                    for (i, l) in olds.iter().enumerate() {
                        line(&mut d, '-', Some(or.start + i + 1), None, l, None);
                    }
                }
                DiffTag::Insert => {
                    for (i, l) in news.iter().enumerate() {
                        line(&mut d, '+', None, Some(nr.start + i + 1), l, None);
                    }
                }
                DiffTag::Replace => {
                    let marks: Vec<Option<(Vec<Span>, Vec<Span>)>> = olds
                        .iter()
                        .zip(news.iter())
                        .map(|(o, n)| word_changes(o, n))
                        .collect();
                    for (i, l) in olds.iter().enumerate() {
                        let spans = marks.get(i).and_then(|m| m.as_ref()).map(|m| &m.0[..]);
                        line(&mut d, '-', Some(or.start + i + 1), None, l, spans);
                    }
                    for (i, l) in news.iter().enumerate() {
                        let spans = marks.get(i).and_then(|m| m.as_ref()).map(|m| &m.1[..]);
                        line(&mut d, '+', None, Some(nr.start + i + 1), l, spans);
                    }
                }
            }
        }
    }
    d.html.push_str("</div>");
    d
}

fn line(
    d: &mut DiffHtml,
    sign: char,
    old_no: Option<usize>,
    new_no: Option<usize>,
    value: &str,
    spans: Option<&[Span]>,
) {
    let content = value.strip_suffix('\n').unwrap_or(value);
    let class = match sign {
        '-' => {
            d.removed += 1;
            "l del"
        }
        '+' => {
            d.added += 1;
            "l ins"
        }
        _ => "l",
    };
    let html = &mut d.html;
    let _ = write!(html, "<div class=\"{class}\"");
    if let Some(n) = old_no {
        d.shown_old.insert(n);
        let _ = write!(html, " id=\"o{n}\"");
    }
    html.push('>');
    let number = |n: Option<usize>| n.map_or_else(String::new, |n| n.to_string());
    let _ = write!(
        html,
        "<span class=\"n\">{}</span><span class=\"n\">{}</span><span class=\"t\">{sign}",
        number(old_no),
        number(new_no)
    );
    match spans {
        Some(spans) => {
            for (range, changed) in spans {
                let part = content.get(range.clone()).unwrap_or("");
                if *changed {
                    html.push_str("<span class=\"w\">");
                    push_html(html, part);
                    html.push_str("</span>");
                } else {
                    push_html(html, part);
                }
            }
        }
        None => push_html(html, content),
    }
    html.push_str("</span></div>");
    if !value.ends_with('\n') {
        html.push_str("<div class=\"l eof\"><span class=\"n\"></span><span class=\"n\"></span><span class=\"t\">\\ No newline at end of file</span></div>");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_words_are_marked_and_escaped() {
        let d = render(
            "a\n<p>制造业景气度有所减弱</p>\nc\n",
            "a\n<p>制造业景气度明显减弱</p>\nc\n",
        );
        assert!(d.html.contains("@@ -1,3 +1,3 @@"), "{}", d.html);
        assert!(
            d.html
                .contains("-&lt;p&gt;制造业景气度<span class=\"w\">有所</span>减弱&lt;/p&gt;"),
            "{}",
            d.html
        );
        assert!(d.html.contains("<span class=\"w\">明显</span>"));
        assert!(!d.html.contains("<p>"));
        assert_eq!((d.added, d.removed), (1, 1));
        assert_eq!(d.shown_old.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        assert!(d.html.contains("id=\"o2\""));
    }

    #[test]
    fn missing_final_newline_is_said() {
        let d = render("x", "y\n");
        assert!(d.html.contains("No newline at end of file"));
        assert_eq!(
            render("same\n", "same\n").html,
            "<div class=\"diff\"></div>"
        );
    }
}
