//! The converter tells the pipeline which images it wrote (`Converted::image_destinations`),
//! so that a body without raw HTML is not read again by a CommonMark parser just to find what
//! it asks of the site (`audit::Needs::of_images`). That is only right if the list is exactly
//! what a CommonMark reader finds: every `![...](...)` the reader sees as an image, with the
//! destination it reads, in order, and nothing else. Here pulldown-cmark (the reader the audit
//! uses) checks it on every committed input and on a grid of the shapes where writing and
//! reading could part: escaped destinations, a `!` before a link, images in headings, lists,
//! quotes and table cells, tables that fall back after their cells were written.

use postscrub::audit::{Needs, audit};
use postscrub::body::{markdown_options, may_hold_html};
use postscrub::document::Document;
use postscrub::markdown::{Options, try_convert_in_full};
use postscrub::pipeline::{self, EmbedMode, Target};
use pulldown_cmark::{Event, Parser, Tag};

#[path = "support/corpus.rs"]
mod support;

/// The converter's options for every target, typographer on and off, players kept and linked:
/// what the pipeline hands it.
fn option_sets() -> Vec<Options> {
    let mut sets = Vec::new();
    for target in [Target::Hexo, Target::Hugo, Target::Jekyll, Target::Plain] {
        for typographer in [true, false] {
            for embeds in [EmbedMode::Keep, EmbedMode::Link] {
                let run = pipeline::Options {
                    target,
                    typographer,
                    embeds: Some(embeds),
                    ..pipeline::Options::default()
                };
                sets.push(run.markdown());
            }
        }
    }
    sets
}

/// The image destinations a CommonMark reader finds in `markdown`.
fn read_images(markdown: &str) -> Vec<String> {
    Parser::new_ext(markdown, markdown_options())
        .filter_map(|e| match e {
            Event::Start(Tag::Image { dest_url, .. }) => Some(dest_url.into_string()),
            _ => None,
        })
        .collect()
}

/// Checks `html` under every option set; returns how many conversions wrote an image into
/// Markdown without raw HTML (the case the pipeline relies on).
fn check(name: &str, html: &str) -> usize {
    let mut relied_on = 0;
    for options in option_sets() {
        let Ok(c) = try_convert_in_full(html, &options) else {
            continue;
        };
        let read = read_images(&c.markdown);
        let Some(written) = c.image_destinations.filter(|_| !may_hold_html(&c.markdown)) else {
            // Only Liquid's protection makes the converter give up its list.
            assert!(options.liquid_safe || may_hold_html(&c.markdown), "{name}");
            continue;
        };
        assert_eq!(written, read, "{name} ({options:?}):\n{}", c.markdown);
        assert_eq!(
            Needs::of_images(written.iter().map(String::as_str)),
            audit(&c.markdown),
            "{name} ({options:?})"
        );
        relied_on += usize::from(!read.is_empty());
    }
    relied_on
}

#[test]
fn the_images_written_are_the_images_read_on_every_committed_input() {
    let mut relied_on = 0;
    for (_, path) in support::converter_inputs() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        relied_on += check(&path.display().to_string(), Document::split(&text).body);
    }
    // Most corpus posts have pictures and no raw HTML once converted: the comparison is not
    // of empty lists.
    assert!(relied_on > 800, "{relied_on}");
}

#[test]
fn the_images_written_are_the_images_read_on_awkward_shapes() {
    let sources = [
        "http://img.sinaimg.cn/a.png",
        "HTTP://Q.qpic.cn/x?y=1#z",
        "https://i0.hdslb.com/b fs/a.jpg",
        "a (1).png",
        "a\\b\\(c).png",
        "x&amp;y.png",
        "x&copy;y.png",
        "x&amp;copy;y&amp;#123;.png",
        "a\\b\\c.png",
        "a\\.png?x=\\&amp;amp;",
        "&#123;&#123; a &#125;&#125;.png",
        "{{ site.url }}/a.png",
        "{% raw %}.png",
        "a|b.png",
        "<a>.png",
        "\t http://sinaimg.cn/a.png \n",
        "&#1;http://x.sinaimg.cn/a",
        "",
        "javascript:alert(1)",
        "http://user@evil.com@x.qpic.cn/a",
    ];
    let shapes = [
        "<p>{img}</p>",
        "<p>a!{img}b</p>",
        "<p>!<a href=\"u\">{img}</a></p>",
        "<p>!<a href=\"u\">t</a></p>",
        "<h2>{img} title</h2>",
        "<ul><li>{img}<ul><li>{img}</li></ul></li></ul>",
        "<blockquote><p>{img}</p><p>[{img}]</p></blockquote>",
        "<table><tr><td>{img}</td><td>b</td></tr><tr><td>c</td><td>{img}</td></tr></table>",
        "<table><tr><th>h</th></tr><tr><td><p>{img}</p><p>x</p></td></tr></table>",
        "<table><tr><td>{img}</td></tr></table>",
        "<table><tr><td>a</td><td><p>{img}</p><p>x</p></td></tr></table>",
        "<pre>{img}</pre><p><code>{img}</code>{img}</p>",
        "<p><em>{img}</em><strong>*{img}*</strong></p>",
        "<p>[{img}](x)</p>",
    ];
    let mut relied_on = 0;
    for src in sources {
        for alt in ["", "a]b", "[x](y)", "!["] {
            let img = format!(
                "<img src=\"{}\" alt=\"{}\" title=\"t\">",
                src.replace('"', "&quot;"),
                alt
            );
            for shape in shapes {
                let html = shape.replace("{img}", &img);
                relied_on += check(&html, &html);
            }
        }
    }
    assert!(relied_on > 2000, "{relied_on}");
}
