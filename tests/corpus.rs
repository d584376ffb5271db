//! Properties of the whole pipeline over every post of the real corpus (tests/corpus, a copy of the shared corpus):
//! deterministic, idempotent, no cruft left, front matter valid with normalized dates.

#[path = "fixtures/convert/harness.rs"]
mod harness;
#[path = "support/corpus.rs"]
mod support;

use postscrub::dates::parse_timezone;
use postscrub::pipeline::{Options, OutputFormat, Target, process};
use postscrub::rules::Rules;
use std::path::{Path, PathBuf};

fn corpus() -> Vec<PathBuf> {
    support::posts()
}

fn presets() -> Rules {
    Rules::load(
        &["sina-finance".into(), "36kr".into(), "rsshub-common".into()],
        Path::new("."),
    )
    .unwrap()
}

fn options(to: OutputFormat) -> Options {
    Options {
        to,
        target: Target::Hexo,
        timezone: parse_timezone("+08:00").unwrap(),
        ..Options::default()
    }
}

const CRUFT: &[&str] = &[
    "appendQr_wrap",
    "app-kaihu-qr",
    "<style",
    "news_keyword_pub",
    "article_adlist",
    "id=\"stock_",
    "id=\"quote_",
    "class=\"keyword\"",
    "referrerpolicy",
    "343233024.png",
    "copy-code-btn",
    "project-link",
    "cors.zfour.workers.dev",
    "link.juejin.cn/?target=",
    "<!--",
];

#[test]
fn every_post_is_cleaned_idempotently_and_deterministically() {
    let rules = presets();
    let hexo_date = regex::Regex::new(r"(?m)^date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$").unwrap();
    for to in [OutputFormat::Html, OutputFormat::Markdown] {
        let options = options(to);
        for path in corpus() {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            let first =
                process(&text, &name, &rules, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            let again = process(&text, &name, &rules, &options).unwrap();
            assert_eq!(first.output, again.output, "{name}: not deterministic");
            let second = process(&first.output, &name, &rules, &options).unwrap();
            assert_eq!(
                second.output, first.output,
                "{name}: not idempotent ({to:?})"
            );
            assert!(
                second.fired.is_empty(),
                "{name}: rules fired on output: {:?}",
                second.fired
            );
            for marker in CRUFT {
                assert!(
                    !first.output.contains(marker),
                    "{name}: `{marker}` left ({to:?})"
                );
            }
            let doc = postscrub::document::Document::split(&first.output);
            let fm = doc
                .front_matter
                .unwrap_or_else(|| panic!("{name}: front matter lost"));
            let value: serde_yaml::Value = serde_yaml::from_str(fm).unwrap();
            assert!(value.is_mapping(), "{name}");
            assert!(
                first.output.starts_with("---\n"),
                "{name}: fence must come first"
            );
            if value.get("date").is_some() {
                assert!(hexo_date.is_match(fm), "{name}: date not normalized:\n{fm}");
            } else {
                assert!(text.contains("date: Invalid Date"), "{name}: date lost");
            }
        }
    }
}

#[test]
fn markdown_output_has_no_html_wrappers() {
    let rules = presets();
    let options = options(OutputFormat::Markdown);
    let tag = regex::Regex::new(r"(?i)<(p|div|span|font|br)[\s/>]").unwrap();
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let out = process(&text, &name, &rules, &options).unwrap().output;
        // Tags inside fenced code are content.
        let mut in_fence = false;
        for line in out.lines() {
            if line.trim_start().starts_with("```") {
                in_fence = !in_fence;
            }
            if !in_fence {
                assert!(!tag.is_match(line), "{name}: HTML tag left: {line}");
            }
        }
    }
}

#[test]
fn editor_names_drop_sina_staff_codes() {
    // `责任编辑：梁斌 SF055`: the name is the editor, SF055 Sina's internal code.
    let rules = presets();
    let mut editors = Vec::new();
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        let out = process(&text, "x.md", &rules, &options(OutputFormat::Markdown)).unwrap();
        let fm = postscrub::document::Document::split(&out.output)
            .front_matter
            .unwrap_or_default()
            .to_owned();
        let value: serde_yaml::Mapping = serde_yaml::from_str(&fm).unwrap_or_default();
        if let Some(editor) = value.get("editor").and_then(|v| v.as_str()) {
            editors.push(editor.to_owned());
        }
    }
    assert!(editors.len() >= 20, "{editors:?}");
    assert!(editors.iter().any(|e| e == "梁斌"), "{editors:?}");
    for e in &editors {
        assert!(
            !e.contains(' ') && !e.chars().any(|c| c.is_ascii_digit()),
            "staff code left: {e:?}"
        );
    }
}

#[test]
fn sina_fields_are_extracted() {
    let rules = presets();
    let path = corpus()
        .into_iter()
        .find(|p| p.to_string_lossy().contains("2021对话山东"))
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let out = process(&text, "seed.md", &rules, &options(OutputFormat::Html)).unwrap();
    let fm = postscrub::document::Document::split(&out.output)
        .front_matter
        .unwrap()
        .to_owned();
    assert!(fm.contains("editor: 李墨轩\n"), "{fm}");
    // Not `source:`, which Hexo overwrites with the file path.
    assert!(fm.contains("source_name: 大众日报\n"), "{fm}");
    assert!(
        fm.contains("original_title: “2021对话山东—日本·山东产业合作交流会”系列活动正式启动\n"),
        "{fm}"
    );
    assert!(!fm.contains("headimg") && !fm.contains("thumbnail"), "{fm}");
    assert!(fm.contains("date: 2021-08-13 15:51:58\n"), "{fm}");
    let ids: Vec<&str> = out.fired.iter().map(|f| f.meta.id.as_str()).collect();
    for id in [
        "qr-ad-style",
        "qr-ad-block",
        "stock-keyword-link",
        "quote-placeholder",
        "tracking-comments",
        "editor-trailer",
        "qr-cover",
        "date",
    ] {
        assert!(ids.contains(&id), "{id} did not fire: {ids:?}");
    }
}

/// Invariant 2 through the whole pipeline: the visible text of the cleaned HTML (`--to html`)
/// equals the visible text of the Markdown (`--to markdown`) rendered back by pulldown-cmark.
#[test]
fn no_text_lost_between_cleaned_html_and_markdown() {
    let rules = presets();
    let (html_options, md_options) = (options(OutputFormat::Html), options(OutputFormat::Markdown));
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let html = process(&text, &name, &rules, &html_options).unwrap().output;
        let md = process(&text, &name, &rules, &md_options).unwrap().output;
        let html_body = postscrub::document::Document::split(&html).body;
        let md_body = postscrub::document::Document::split(&md).body;
        let expected = harness::visible_text(html_body);
        let actual = harness::visible_text(&harness::render(md_body));
        assert!(
            expected == actual,
            "{name}: text differs: {}",
            harness::first_difference(&expected, &actual)
        );
    }
}

/// What a post is said to need of the site (Hugo's raw HTML, referrer-checking and `http://`
/// images) is what a CommonMark reading of the body written finds, for every post: the
/// pipeline takes it from the settle pass's read when that pass changed nothing, and must
/// never report a stale answer.
#[test]
fn every_post_reports_the_needs_of_the_body_it_writes() {
    let rule_sets = [presets(), Rules::default()];
    for (rules, target) in rule_sets
        .iter()
        .flat_map(|r| [Target::Hugo, Target::Hexo, Target::Jekyll].map(|t| (r, t)))
    {
        let options = Options {
            target,
            ..options(OutputFormat::Markdown)
        };
        let (mut with_images, mut with_html) = (0, 0);
        for path in corpus() {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.display().to_string();
            let out = process(&text, &name, rules, &options).unwrap();
            let body = postscrub::document::Document::split(&out.output).body;
            let needs = postscrub::audit::audit(body);
            assert_eq!(out.notes.referrer_images, needs.referrer_images, "{name}");
            assert_eq!(out.notes.http_images, needs.http_images, "{name}");
            assert_eq!(
                out.notes.hugo_raw_html,
                target == Target::Hugo && !needs.raw_html.is_empty(),
                "{name} ({target:?})"
            );
            with_images += usize::from(!needs.referrer_images.is_empty() || needs.http_images > 0);
            with_html += usize::from(!needs.raw_html.is_empty());
        }
        // The corpus has both kinds of post: the comparison is not of empty answers.
        assert!(
            with_images > 10 && with_html > 0,
            "{with_images} {with_html}"
        );
    }
}
