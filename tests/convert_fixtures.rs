//! Golden-file tests for the HTML → Markdown converter.
//!
//! Every `tests/fixtures/convert/<case>.html` must convert to `<case>.md`,
//! whole and fed in random chunk sizes (several seeds, 1..64 bytes) and byte
//! by byte. Names choose options, as the pipeline maps them: a `hexo-`, `hugo-`,
//! `jekyll-` or `plain-` prefix sets the target (Hexo turns on `nunjucks_safe`;
//! embeds default to kept players for the three generators), `embeds-keep`,
//! `embeds-link` or `embeds-drop` in the name sets `--embeds`, `keep-indent-*`
//! turns on `keep_fullwidth_indent`. No prefix: the converter's defaults.
//!
//! - `POSTSCRUB_BLESS=1` rewrites the `.md` goldens from the current output.
//! - `POSTSCRUB_CHUNK_SIZE=n` replays one chunk size instead of the set.
//!
//! A second test renders each golden back to HTML (pulldown-cmark, tables and
//! strikethrough) and checks that the visible text and the counts of
//! headings, list items, table cells, links and images match the input.

#[path = "fixtures/convert/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};

use postscrub::markdown::{Options, Renderer, convert};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/convert")
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut v: Vec<(String, PathBuf)> = fs::read_dir(fixture_dir())
        .expect("fixture dir")
        .filter_map(|e| {
            let p = e.ok()?.path();
            if p.extension()? != "html" {
                return None;
            }
            let stem = p.file_stem()?.to_string_lossy().into_owned();
            Some((stem, p))
        })
        .collect();
    v.sort();
    assert!(!v.is_empty(), "no fixtures found");
    v
}

fn options_for(name: &str) -> Options {
    use postscrub::pipeline::{self, EmbedMode, Target};
    let target = [
        ("hexo-", Target::Hexo),
        ("hugo-", Target::Hugo),
        ("jekyll-", Target::Jekyll),
        ("plain-", Target::Plain),
    ]
    .into_iter()
    .find_map(|(prefix, t)| name.starts_with(prefix).then_some(t));
    let embeds = [
        ("embeds-keep", EmbedMode::Keep),
        ("embeds-link", EmbedMode::Link),
        ("embeds-drop", EmbedMode::Drop),
    ]
    .into_iter()
    .find_map(|(word, e)| name.contains(word).then_some(e));
    let mut options = match target {
        Some(target) => pipeline::Options {
            target,
            embeds,
            ..pipeline::Options::default()
        }
        .markdown(),
        None => Options::default(),
    };
    if target.is_none()
        && let Some(e) = embeds
    {
        options.embeds = pipeline::Options {
            embeds: Some(e),
            ..pipeline::Options::default()
        }
        .markdown()
        .embeds;
    }
    options.keep_fullwidth_indent = name.starts_with("keep-indent-");
    options
}

#[test]
fn fixtures_convert_to_goldens_under_any_chunking() {
    let bless = std::env::var_os("POSTSCRUB_BLESS").is_some();
    let mut failures = Vec::new();
    for (name, path) in fixtures() {
        let html = fs::read_to_string(&path).expect("read fixture");
        let opts = options_for(&name);
        let whole = convert(&html, &opts);
        let golden_path = path.with_extension("md");
        if bless {
            fs::write(&golden_path, &whole).expect("write golden");
        } else {
            match fs::read_to_string(&golden_path) {
                Ok(golden) if golden == whole => {}
                Ok(golden) => failures.push(format!(
                    "{name}: output differs from golden\n--- expected\n{golden}\n--- actual\n{whole}"
                )),
                Err(_) => failures.push(format!("{name}: missing golden (run with POSTSCRUB_BLESS=1)\n{whole}")),
            }
        }
        for (label, sizes) in harness::chunkings(4, true) {
            let chunked = harness::convert_chunked(&html, &opts, sizes);
            if chunked != whole {
                failures.push(format!(
                    "{name}: {label} gives different output\n--- whole\n{whole}\n--- chunked\n{chunked}"
                ));
            }
        }
    }
    assert_no_failures(&failures);
}

#[test]
fn fixtures_round_trip_text_and_structure() {
    let mut failures = Vec::new();
    for (name, path) in fixtures() {
        let html = fs::read_to_string(&path).expect("read fixture");
        let md = convert(&html, &options_for(&name));
        let back = harness::render(&md);
        let want = harness::visible_text(&html);
        let got = harness::visible_text(&back);
        if want != got {
            failures.push(format!(
                "{name}: visible text differs {}",
                harness::first_difference(&want, &got)
            ));
        }
        let a = harness::counts(&html);
        let b = harness::counts(&back);
        // One-column tables are tables too (writing layout tables as paragraphs is a rule),
        // unless their cells hold blocks, which a GFM cell cannot: then they are laid out.
        let cells_ok = a.max_row_cells == b.max_row_cells || (a.max_row_cells == 1 && b.cells == 0);
        // Dropped embeds are gone on purpose.
        let embeds_ok = a.embeds == b.embeds || name.contains("embeds-drop");
        if (a.headings, a.items, &a.links, a.images) != (b.headings, b.items, &b.links, b.images)
            || !cells_ok
            || !embeds_ok
        {
            failures.push(format!(
                "{name}: structure differs\n  html: {a:?}\n  md:   {b:?}"
            ));
        }
        let forbidden = harness::forbidden_tags(&md);
        if !forbidden.is_empty() {
            failures.push(format!("{name}: forbidden raw HTML {forbidden:?}"));
        }
    }
    assert_no_failures(&failures);
}

/// Random tag soup: never panics, and chunking never changes the output.
#[test]
fn random_tag_soup_is_chunking_independent() {
    const PIECES: &[&str] = &[
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<b>",
        "</b>",
        "<em>",
        "</em>",
        "<li>",
        "<ul>",
        "</ul>",
        "<ol start=3>",
        "</ol>",
        "<table>",
        "</table>",
        "<tr>",
        "<td>",
        "<th colspan=2>",
        "</td>",
        "<pre>",
        "</pre>",
        "<code>",
        "</code>",
        "<br>",
        "<hr>",
        "<a href='x y'>",
        "</a>",
        "<img src=i.png alt='a*b'>",
        "<blockquote>",
        "</blockquote>",
        "<h2>",
        "</h2>",
        "<script>",
        "</script>",
        "<select><option>",
        "<caption>",
        "<dt>",
        "<dd>",
        "<iframe src=//v.com/x>",
        "</iframe>",
        "<video>",
        "<source src=v.mp4>",
        "</video>",
        "<!-- c -->",
        "&amp;",
        "&#123;",
        "&nb",
        "sp;",
        "中文",
        "\n",
        " ",
        "，",
        "*",
        "_",
        "`",
        "#",
        "1.",
        "-",
        "[",
        "]",
        "(",
        ")",
        "{{",
        "}}",
        "\u{3000}",
        "text",
        "<",
        ">",
        "&",
        "\\",
        "~",
        "|",
    ];
    let opts = [
        Options::default(),
        Options {
            nunjucks_safe: true,
            keep_fullwidth_indent: true,
            embeds: postscrub::markdown::Embeds::Html,
            ..Options::default()
        },
        Options {
            embeds: postscrub::markdown::Embeds::HugoShortcodes,
            ..Options::default()
        },
        site_options(Renderer::Marked),
        site_options(Renderer::Goldmark),
        site_options(Renderer::Kramdown),
    ];
    let mut rng = harness::Rng::new(7);
    for case in 0..300 {
        let mut html = String::new();
        for _ in 0..(1 + rng.below(60)) {
            html.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
        }
        let opt = &opts[case % opts.len()];
        let whole = convert(&html, opt);
        assert!(
            whole.is_empty() || (whole.ends_with('\n') && !whole.ends_with("\n\n")),
            "{html:?}"
        );
        for (label, sizes) in harness::chunkings(2, case % 10 == 0) {
            let chunked = harness::convert_chunked(&html, opt, sizes);
            assert_eq!(chunked, whole, "{label} on {html:?}");
        }
    }
}

/// Random inline soup inside paragraphs, headings and list items: the text
/// survives a round trip through CommonMark (every backslash the converter
/// leaves out must really be unneeded) and converting the rendered HTML
/// again changes nothing.
#[test]
fn random_inline_text_survives_rendering() {
    const PIECES: &[&str] = &[
        "<b>",
        "</b>",
        "<em>",
        "</em>",
        "<del>",
        "</del>",
        "<a href=https://u.cn/>",
        "<a href=https://u.cn/a_b>",
        "https://u.cn/a_b",
        "</a>",
        "<img src=i.png>",
        "<img src=i.png alt='a[b]'>",
        "<br>",
        "<code>",
        "</code>",
        "*",
        "**",
        "_",
        "__",
        "~",
        "[",
        "]",
        "(",
        ")",
        ":",
        "-",
        "---",
        "=",
        "+",
        "#",
        "1.",
        "2)",
        "|",
        "!",
        "\\",
        "&",
        "&amp;",
        "&nbsp;",
        "<",
        ">",
        "`",
        "中文",
        "文",
        "，",
        "。",
        "“",
        "”",
        "ST",
        "x",
        "ab",
        "$",
        " ",
        " ",
        " ",
        "\n",
        "\u{3000}",
    ];
    const WRAP: &[(&str, &str)] = &[
        ("<p>", "</p>"),
        ("<h3>", "</h3>"),
        ("<ul><li>", "</li></ul>"),
        ("<blockquote><p>", "</p></blockquote>"),
        ("<div>", "</div>"),
    ];
    let opts = Options::default();
    let mut rng = harness::Rng::new(11);
    let mut failures = Vec::new();
    for _ in 0..2000 {
        let mut html = String::new();
        for _ in 0..(1 + rng.below(3)) {
            let (open, close) = WRAP[rng.below(WRAP.len() as u64) as usize];
            html.push_str(open);
            for _ in 0..(1 + rng.below(14)) {
                html.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
            }
            html.push_str(close);
        }
        let md = convert(&html, &opts);
        let back = harness::render(&md);
        let want = harness::visible_text(&html);
        let got = harness::visible_text(&back);
        if want != got {
            failures.push(format!(
                "{html:?}\n{md:?}\ntext differs {}",
                harness::first_difference(&want, &got)
            ));
        } else if convert(&back, &opts) != md {
            failures.push(format!("{html:?}\n{md:?}\nnot idempotent"));
        }
        if failures.len() >= 5 {
            break;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The converter's options for a site whose renderer is `renderer`, typographer on.
fn site_options(renderer: Renderer) -> Options {
    use postscrub::pipeline::{self, Target};
    let target = match renderer {
        Renderer::Marked => Target::Hexo,
        Renderer::Goldmark => Target::Hugo,
        Renderer::Kramdown => Target::Jekyll,
        Renderer::CommonMark => Target::Plain,
    };
    pipeline::Options {
        target,
        ..pipeline::Options::default()
    }
    .markdown()
}

/// Text full of quotes, dashes, dots and URLs next to markup, written for each site's renderer:
/// the escapes are CommonMark (the text survives a plain rendering), and for the renderers
/// whose typographer changes every quote (marked, kramdown) a typographer leaves the text as
/// the HTML had it (pulldown-cmark's smart punctuation stands in for theirs; the real ones are
/// checked by scripts/site-check).
#[test]
fn site_escapes_survive_rendering_and_a_typographer() {
    const PIECES: &[&str] = &[
        "\"",
        "'",
        "-",
        "--",
        "---",
        ".",
        "...",
        "....",
        "<<",
        ">>",
        "|",
        "*",
        "_",
        "ST",
        "中文",
        "x",
        "1",
        " ",
        " ",
        "，",
        "<b>",
        "</b>",
        "<a href=https://u.cn/>",
        "</a>",
        "https://v.cn/p",
        "www.w.cn",
        "<code>",
        "</code>",
        "{{",
        "}}",
        "{%",
        "%}",
        "{{<",
    ];
    let mut rng = harness::Rng::new(23);
    let mut failures = Vec::new();
    for renderer in [Renderer::Marked, Renderer::Goldmark, Renderer::Kramdown] {
        let opts = site_options(renderer);
        for _ in 0..1500 {
            let mut html = String::from("<p>");
            for _ in 0..(1 + rng.below(16)) {
                html.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
            }
            html.push_str("</p>");
            // Hexo runs typed `{{ }}` and `{% %}` as Nunjucks: they are no text there.
            if renderer == Renderer::Marked && (html.contains("{{") || html.contains("{%")) {
                continue;
            }
            let md = convert(&html, &opts);
            let want = harness::visible_text(&html);
            let smart = matches!(renderer, Renderer::Marked | Renderer::Kramdown);
            for typographer in [false, smart] {
                let mut back = harness::render_with(&md, typographer);
                if renderer == Renderer::Goldmark {
                    // Hugo drops the comment markers of `{{</* … */>}}`.
                    back = back
                        .replace("{{&lt;/*", "{{&lt;")
                        .replace("*/&gt;}}", "&gt;}}");
                }
                let got = harness::visible_text(&back);
                if want != got {
                    failures.push(format!(
                        "{renderer:?}, typographer {typographer}: {html:?}\n{md:?}\ntext differs {}",
                        harness::first_difference(&want, &got)
                    ));
                }
            }
            if failures.len() >= 5 {
                break;
            }
        }
    }
    assert_no_failures(&failures);
}

/// Fails the test with every collected failure at once.
fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} failure(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
