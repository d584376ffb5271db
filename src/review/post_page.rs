//! The page of one changed post: the rules that fired (each with its line), the front-matter
//! field table, the original and the converted post rendered side by side, and the diff.

use super::escape::{html, name};
use super::{diff_html, fields, frame};
use crate::pipeline::PostWarning;
use crate::report::FiredRule;
use std::fmt::Write as _;

/// Everything one page shows, borrowed from the run.
pub struct PostInput<'a> {
    /// The post's path for display (as the other commands print it).
    pub path: &'a str,
    /// The output's file name when it is not the input's (Jekyll's dated name, `.html` → `.md`).
    pub renamed_to: Option<&'a str>,
    pub title: Option<&'a str>,
    pub original: &'a str,
    pub converted: &'a str,
    /// The original body's HTML, as the old site showed it.
    pub original_html: &'a str,
    /// The converted body's HTML, as a GFM renderer shows it.
    pub converted_html: &'a str,
    pub fired: &'a [FiredRule],
    pub warnings: &'a [PostWarning],
}

/// The policy of the report's own pages: only its own scripts and styles. Images stay open
/// because the frames inherit this policy and their toggle must be able to allow them.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; base-uri 'none'; form-action 'none'";

/// Longest part of a rule's line quoted in the rules table.
const LINE_QUOTE: usize = 160;

/// The page, and the diff's line counts (added, removed).
pub fn render(p: &PostInput<'_>) -> (String, usize, usize) {
    let diff = diff_html::render(p.original, p.converted);
    let mut page = String::with_capacity(
        p.original.len() * 2 + p.original_html.len() + p.converted_html.len() + 8192,
    );
    let heading = p.title.filter(|t| !t.trim().is_empty()).unwrap_or(p.path);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{PAGE_CSP}\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} · postscrub report</title><link rel=\"stylesheet\" href=\"../assets/report.css\"></head>\n\
<body class=\"post\"><header><nav><a href=\"../index.html\" id=\"back\">← all changed posts</a></nav>\
<h1>{}</h1><p class=\"path\" id=\"post-path\">{}</p>",
        name(heading),
        name(heading),
        name(p.path)
    );
    if let Some(to) = p.renamed_to {
        let _ = write!(
            page,
            "<p class=\"renamed\">written as <code>{}</code></p>",
            name(to)
        );
    }
    let _ = writeln!(
        page,
        "<p class=\"stat\"><span class=\"added\">+{}</span> <span class=\"removed\">−{}</span> lines</p></header>",
        diff.added, diff.removed
    );
    rules_section(&mut page, p, &diff.shown_old);
    warnings_section(&mut page, p.warnings);
    fields_section(&mut page, p.original, p.converted);
    panes_section(&mut page, p);
    page.push_str("<section id=\"diff-section\"><h2>Diff</h2>");
    page.push_str(&diff.html);
    page.push_str("</section>\n<script src=\"../assets/post.js\"></script>\n</body></html>\n");
    (page, diff.added, diff.removed)
}

fn rules_section(page: &mut String, p: &PostInput<'_>, shown: &std::collections::BTreeSet<usize>) {
    page.push_str("<section id=\"rules\"><h2>Rules that fired</h2>");
    if p.fired.is_empty() {
        page.push_str(
            "<p>No rule fired: the change is the converter's own (see the diff).</p></section>\n",
        );
        return;
    }
    page.push_str("<table class=\"rules\"><thead><tr><th>rule</th><th>severity</th><th>times</th><th>first at line</th><th>the line</th><th>message</th></tr></thead><tbody>");
    let lines: Vec<&str> = p.original.lines().collect();
    for f in p.fired {
        let at = |n: usize| match f.column {
            Some(c) => format!("{n}:{c}"),
            None => n.to_string(),
        };
        let line = match f.line {
            Some(n) if shown.contains(&n) => format!("<a href=\"#o{n}\">{}</a>", at(n)),
            Some(n) => at(n),
            None => "–".into(),
        };
        let quote = f
            .line
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| lines.get(i))
            .map(|l| {
                let l = l.trim();
                match l.char_indices().nth(LINE_QUOTE) {
                    Some((cut, _)) => format!("{}…", &l[..cut]),
                    None => l.to_owned(),
                }
            })
            .unwrap_or_default();
        let _ = write!(
            page,
            "<tr><td><code class=\"rule\">{}</code></td><td class=\"sev-{}\">{}</td><td>{}</td><td>{line}</td><td><code class=\"quote\">{}</code></td><td>{}</td></tr>",
            name(&f.id),
            f.severity.as_str(),
            f.severity.as_str(),
            f.count,
            html(&quote),
            f.message.as_deref().map(name).unwrap_or_default()
        );
    }
    page.push_str("</tbody></table></section>\n");
}

fn warnings_section(page: &mut String, warnings: &[PostWarning]) {
    if warnings.is_empty() {
        return;
    }
    page.push_str("<section id=\"warnings\"><h2>Warnings</h2><ul>");
    for w in warnings {
        let line = w.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let _ = write!(
            page,
            "<li>{line}{} <code>{}</code></li>",
            name(&w.message),
            name(&w.rule_id)
        );
    }
    page.push_str("</ul></section>\n");
}

fn fields_section(page: &mut String, original: &str, converted: &str) {
    page.push_str("<section id=\"fields\"><h2>Front matter</h2>");
    let rows = match fields::rows(original, converted) {
        Ok(rows) => rows,
        Err(e) => {
            let _ = writeln!(page, "<p class=\"error\">{}</p></section>", name(&e));
            return;
        }
    };
    if rows.is_empty() {
        page.push_str("<p>Neither version has front matter.</p></section>\n");
        return;
    }
    let (changed, same): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| r.changed());
    let cell = |v: &Option<String>| match v {
        Some(v) => format!("<td><pre>{}</pre></td>", html(v)),
        None => "<td class=\"absent\">(none)</td>".into(),
    };
    if changed.is_empty() {
        page.push_str("<p>No field changed.</p>");
    } else {
        page.push_str("<table class=\"fields\"><thead><tr><th>field</th><th>before</th><th>after</th></tr></thead><tbody>");
        for r in &changed {
            let kind = match (&r.before, &r.after) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            };
            let _ = write!(
                page,
                "<tr class=\"{kind}\"><th>{}</th>{}{}</tr>",
                name(&r.name),
                cell(&r.before),
                cell(&r.after)
            );
        }
        page.push_str("</tbody></table>");
    }
    if !same.is_empty() {
        let _ = write!(
            page,
            "<details><summary>{} unchanged field{}</summary><table class=\"fields\"><tbody>",
            same.len(),
            if same.len() == 1 { "" } else { "s" }
        );
        for r in &same {
            let _ = write!(
                page,
                "<tr><th>{}</th>{}</tr>",
                name(&r.name),
                cell(&r.before)
            );
        }
        page.push_str("</tbody></table></details>");
    }
    page.push_str("</section>\n");
}

fn panes_section(page: &mut String, p: &PostInput<'_>) {
    let _ = write!(
        page,
        "<section id=\"panes-section\"><h2>Rendered</h2>\
<p class=\"toolbar\"><label><input type=\"checkbox\" id=\"remote-images\" data-prefix-blocked=\"{}\" data-prefix-remote=\"{}\"> load remote images</label> \
<span class=\"hint\">Scripts in the posts never run; remote images load only when this is on.</span></p>\
<div class=\"panes\">",
        html(&frame::prefix(frame::CSP_BLOCKED)),
        html(&frame::prefix(frame::CSP_REMOTE))
    );
    for (id, caption, body) in [
        (
            "pane-original",
            "Original, as the old site showed it",
            p.original_html,
        ),
        (
            "pane-converted",
            "Converted, rendered from its Markdown",
            p.converted_html,
        ),
    ] {
        let _ = write!(
            page,
            "<figure><figcaption>{caption}</figcaption><iframe class=\"pane\" id=\"{id}\" title=\"{caption}\" sandbox=\"allow-same-origin\" referrerpolicy=\"no-referrer\" srcdoc=\"{}\"></iframe></figure>",
            html(&frame::document(body))
        );
    }
    page.push_str("</div></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;

    #[test]
    fn hostile_content_stays_data() {
        let evil = "\"><script>alert(1)</script>";
        let fired = [FiredRule {
            id: format!("r{evil}"),
            count: 1,
            severity: Severity::Warning,
            message: Some(evil.into()),
            line: Some(2),
            column: None,
        }];
        let original = format!(
            "---\ntitle: '{}'\n---\n<p>{evil}</p>\n",
            "x</title><script>"
        );
        let input = PostInput {
            path: "a/\"><img src=x onerror=alert(1)>.md",
            renamed_to: None,
            title: Some("x</title><script>"),
            original: &original,
            converted: "---\ntitle: x\n---\n\nok\n",
            original_html: "<p>\"><script>alert(1)</script></p>",
            converted_html: "<p>ok</p>",
            fired: &fired,
            warnings: &[],
        };
        let (page, added, removed) = render(&input);
        assert!(added > 0 && removed > 0);
        // The page's only script is its own; every hostile string is escaped.
        assert_eq!(page.matches("<script").count(), 1, "{page}");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(!page.contains("</title><script>"));
        // The frames are sandboxed without scripts and hold the post as an attribute value.
        assert_eq!(page.matches("sandbox=\"allow-same-origin\"").count(), 2);
        assert!(!page.contains("allow-scripts"));
        assert!(page.contains("srcdoc=\"&lt;!DOCTYPE html&gt;"));
        assert!(
            page.contains("<a href=\"#o2\">2</a>"),
            "the rule links to its line"
        );
    }
}
