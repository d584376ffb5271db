//! The report's front page and the list data it pages through.
//!
//! `index.html` holds what is small whatever the run's size: the totals, the table of rules, the
//! folders, and the failed posts (up to [`FAILED_SHOWN`]). The changed posts are listed from data
//! files of [`PAGE_SIZE`] posts each (`data/list-0001.js` …), which the page's script loads with
//! `<script src>` (a page opened from `file://` may not `fetch()`): it reads one file to show one
//! page, and all of them only when a filter needs every post. So 50,000 posts are 250 files of a
//! few dozen kilobytes, and the front page stays the same size. The folder filter's choices are
//! in `data/folders.js`, read after the first page of the list shows.

use super::escape::{js_string, name};
use super::post_page::PAGE_CSP;
use crate::rules::Severity;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Posts per list page (and per data file).
pub const PAGE_SIZE: usize = 200;
/// Failed posts listed on the front page; the rest are counted.
pub const FAILED_SHOWN: usize = 1000;

/// A changed post, as the list shows it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Names the post's page (`posts/{number:06}.html`).
    pub number: usize,
    pub path: String,
    pub title: String,
    pub rules: Vec<String>,
    pub added: usize,
    pub removed: usize,
}

/// The run's totals, as `check` counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub seen: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub warnings: usize,
}

/// One rule over the run.
#[derive(Debug, Clone)]
pub struct RuleTotal {
    pub id: String,
    pub posts: usize,
    pub count: u64,
    pub severity: Severity,
    pub message: Option<String>,
}

/// What the front page shows.
pub struct Index<'a> {
    pub title: &'a str,
    pub totals: &'a Totals,
    /// Sorted as shown (most fired first); list entries name rules by their place here.
    pub rules: &'a [RuleTotal],
    pub entries: &'a [Entry],
    pub failed: &'a [(String, String)],
}

/// The folder filter's choices.
pub const FOLDERS_FILE: &str = "data/folders.js";

/// The file name of a post's page, from its number alone (never from its path).
pub fn post_file(number: usize) -> String {
    format!("posts/{number:06}.html")
}

/// The file name of list page `page` (1-based).
pub fn data_file(page: usize) -> String {
    format!("data/list-{page:04}.js")
}

/// How many list pages `entries` posts make (at least one, which may be empty).
pub fn page_count(entries: usize) -> usize {
    entries.div_ceil(PAGE_SIZE).max(1)
}

/// The list pages: (page number, its posts), every page but the last [`PAGE_SIZE`] long.
pub fn pages(entries: &[Entry]) -> Vec<(usize, &[Entry])> {
    if entries.is_empty() {
        return vec![(1, entries)];
    }
    entries
        .chunks(PAGE_SIZE)
        .enumerate()
        .map(|(i, c)| (i + 1, c))
        .collect()
}

/// A data file: one call that hands the page's posts to the list script.
pub fn data_script(page: usize, entries: &[Entry], rules: &[RuleTotal]) -> String {
    let place: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut out = format!("postscrubReport.addPage({page}, [\n");
    for (i, e) in entries.iter().enumerate() {
        let rules: Vec<String> = e
            .rules
            .iter()
            .filter_map(|r| place.get(r.as_str()))
            .map(usize::to_string)
            .collect();
        let _ = writeln!(
            out,
            "[{},{},{},[{}],{},{}]{}",
            e.number,
            js_string(&crate::printable::printable(&e.path)),
            js_string(&crate::printable::printable(&e.title)),
            rules.join(","),
            e.added,
            e.removed,
            if i + 1 < entries.len() { "," } else { "" }
        );
    }
    out.push_str("]);\n");
    out
}

/// The folders file: every folder and its count of changed posts, for the folder filter. It is
/// a file of its own, filled into the page's select after the list shows: a run over thousands
/// of folders would otherwise hold up the front page while the browser lays out the select.
pub fn folders_script(entries: &[Entry]) -> String {
    let mut out = String::from("postscrubReport.addFolders([\n");
    let folders = folders(entries);
    let last = folders.len();
    for (i, (folder, count)) in folders.into_iter().enumerate() {
        let _ = writeln!(
            out,
            "[{},{count}]{}",
            js_string(&folder),
            if i + 1 < last { "," } else { "" }
        );
    }
    out.push_str("]);\n");
    out
}

/// Every folder holding a changed post, with its parents, and how many changed posts are
/// under each.
pub fn folders(entries: &[Entry]) -> BTreeMap<String, usize> {
    let mut folders = BTreeMap::new();
    for e in entries {
        let path = crate::printable::printable(&e.path);
        let mut end = path.len();
        while let Some(slash) = path[..end].rfind('/') {
            *folders.entry(path[..slash].to_owned()).or_insert(0) += 1;
            end = slash;
        }
    }
    folders
}

pub fn render(index: &Index<'_>) -> String {
    let t = index.totals;
    let mut page = String::with_capacity(16384);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"{PAGE_CSP}\">\
<meta name=\"referrer\" content=\"no-referrer\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>postscrub report · {}</title><link rel=\"stylesheet\" href=\"assets/report.css\"></head>\n\
<body class=\"index\"><header><h1>postscrub report</h1><p class=\"path\">{}</p></header>\n",
        name(index.title),
        name(index.title)
    );
    page.push_str("<section id=\"totals-section\"><h2>Totals</h2><dl class=\"totals\">");
    for (key, label, value) in [
        ("seen", "posts seen", t.seen),
        ("changed", "would change", t.changed),
        ("unchanged", "unchanged", t.unchanged),
        ("failed", "failed", t.failed),
        ("warnings", "warnings", t.warnings),
    ] {
        let _ = write!(
            page,
            "<div class=\"total {key}\"><dt>{label}</dt><dd id=\"count-{key}\" data-count=\"{value}\">{value}</dd></div>"
        );
    }
    page.push_str("</dl></section>\n");

    page.push_str("<section id=\"rules-section\"><h2>Rules</h2>");
    if index.rules.is_empty() {
        page.push_str("<p>No rule changed any post.</p>");
    } else {
        page.push_str("<table class=\"rules\" id=\"rules\"><thead><tr><th>rule</th><th>posts</th><th>times fired</th><th>severity</th><th>message</th></tr></thead><tbody>");
        for (i, r) in index.rules.iter().enumerate() {
            let _ = write!(
                page,
                "<tr data-rule=\"{i}\"><td><button type=\"button\" class=\"rule-filter\" data-rule=\"{i}\" title=\"list the posts this rule changed\">{}</button></td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"sev-{}\">{}</td><td>{}</td></tr>",
                name(&r.id),
                r.posts,
                r.count,
                r.severity.as_str(),
                r.severity.as_str(),
                r.message.as_deref().map(name).unwrap_or_default()
            );
        }
        page.push_str("</tbody></table>");
    }
    page.push_str("</section>\n");

    let _ = write!(
        page,
        "<section id=\"list\" data-pages=\"{}\" data-total=\"{}\" data-page-size=\"{PAGE_SIZE}\"><h2>Changed posts</h2>\
<form class=\"filters\" id=\"filters\"><label>rule <select id=\"filter-rule\"><option value=\"\">any</option>",
        page_count(index.entries.len()),
        index.entries.len()
    );
    for (i, r) in index.rules.iter().enumerate() {
        let _ = write!(
            page,
            "<option value=\"{i}\">{} ({})</option>",
            name(&r.id),
            r.posts
        );
    }
    page.push_str("</select></label> <label>folder <select id=\"filter-folder\"><option value=\"\">any</option>");
    page.push_str("</select></label> <label>text <input type=\"search\" id=\"filter-text\" placeholder=\"path or title\"></label></form>\
<p id=\"list-status\" aria-live=\"polite\"></p>\
<table class=\"posts\" id=\"posts\"><thead><tr><th>post</th><th>title</th><th>rules</th><th>lines</th></tr></thead><tbody></tbody></table>\
<p class=\"pager\"><button type=\"button\" id=\"prev\">← previous</button> <span id=\"page-label\"></span> <button type=\"button\" id=\"next\">next →</button></p>\
<noscript><p>The list of changed posts needs JavaScript (the report's own script; nothing from a post runs). Each post's page is <code>posts/NNNNNN.html</code>.</p></noscript></section>\n");

    if !index.failed.is_empty() {
        page.push_str("<section id=\"failed-section\"><h2>Failed posts</h2><p>Left untouched by a conversion; fix them or report a bug.</p><table class=\"failed\"><thead><tr><th>post</th><th>error</th></tr></thead><tbody>");
        for (path, message) in index.failed.iter().take(FAILED_SHOWN) {
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td></tr>",
                name(path),
                name(message)
            );
        }
        page.push_str("</tbody></table>");
        if index.failed.len() > FAILED_SHOWN {
            let _ = write!(
                page,
                "<p>and {} more (run <code>postscrub check</code> for all).</p>",
                index.failed.len() - FAILED_SHOWN
            );
        }
        page.push_str("</section>\n");
    }
    page.push_str("<script src=\"assets/index.js\"></script>\n</body></html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(number: usize, path: &str) -> Entry {
        Entry {
            number,
            path: path.into(),
            title: "t".into(),
            rules: vec!["b".into(), "unknown".into()],
            added: 1,
            removed: 2,
        }
    }

    #[test]
    fn pages_are_bounded() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(1), 1);
        assert_eq!(page_count(PAGE_SIZE), 1);
        assert_eq!(page_count(PAGE_SIZE + 1), 2);
        assert_eq!(page_count(50_000), 250);
        let entries: Vec<Entry> = (0..PAGE_SIZE * 2 + 3).map(|i| entry(i, "a/b.md")).collect();
        let pages = pages(&entries);
        assert_eq!(pages.len(), 3);
        assert!(pages.iter().all(|(_, p)| p.len() <= PAGE_SIZE));
        assert_eq!((pages[2].0, pages[2].1.len()), (3, 3));
        assert_eq!(pages[2].1[0].number, PAGE_SIZE * 2);
        assert_eq!(super::pages(&[]).len(), 1);
        assert_eq!(data_file(3), "data/list-0003.js");
        assert_eq!(post_file(42), "posts/000042.html");
    }

    #[test]
    fn data_files_hold_names_as_inert_strings() {
        let rules = [
            RuleTotal {
                id: "a".into(),
                posts: 1,
                count: 1,
                severity: Severity::Warning,
                message: None,
            },
            RuleTotal {
                id: "b".into(),
                posts: 1,
                count: 1,
                severity: Severity::Error,
                message: None,
            },
        ];
        let script = data_script(1, &[entry(7, "x/</script><b>\n\u{2028}.md")], &rules);
        assert_eq!(
            script,
            "postscrubReport.addPage(1, [\n[7,\"x/\\u003c/script\\u003e\\u003cb\\u003e\\\\n\\u2028.md\",\"t\",[1],1,2]\n]);\n"
        );
    }

    #[test]
    fn folders_count_parents() {
        let f = folders(&[entry(1, "a/b/c.md"), entry(2, "a/d.md"), entry(3, "e.md")]);
        assert_eq!(
            f.into_iter().collect::<Vec<_>>(),
            [("a".to_owned(), 2), ("a/b".to_owned(), 1)]
        );
    }

    #[test]
    fn index_escapes_and_counts() {
        let totals = Totals {
            seen: 3,
            changed: 1,
            unchanged: 1,
            failed: 1,
            warnings: 0,
        };
        let failed = [("<b>.md".to_owned(), "not UTF-8 <i>".to_owned())];
        let page = render(&Index {
            title: "posts<script>",
            totals: &totals,
            rules: &[],
            entries: &[entry(1, "f<o>/x.md")],
            failed: &failed,
        });
        assert!(page.contains("<dd id=\"count-seen\" data-count=\"3\">3</dd>"));
        assert!(page.contains("posts&lt;script&gt;"));
        assert!(page.contains("&lt;b&gt;.md"));
        assert!(!page.contains("f<o>"));
        assert_eq!(
            folders_script(&[entry(1, "f<o>/x.md"), entry(2, "a/b.md")]),
            "postscrubReport.addFolders([\n[\"a\",1],\n[\"f\\u003co\\u003e\",1]\n]);\n"
        );
        assert_eq!(page.matches("<script").count(), 1);
    }
}
