//! The converter reads its text from the input between the tokens that reach a handler
//! (`markdown::text_before`) instead of through lol_html's text handler, which cost about a
//! fifth of a conversion. The two must give the same Markdown on everything: here on every
//! committed HTML we have (the corpus bodies, the converter fixtures, the hostile catalogue,
//! the fuzz regressions) and on a grid of the token shapes the gap reading has to take apart,
//! under each target's options and in small writes; the `convert_chunks` fuzz target checks
//! the same on what it generates.

use postscrub::document::Document;
use postscrub::markdown::{Converter, Embeds, Options};

#[path = "support/corpus.rs"]
mod support;

fn option_sets() -> Vec<Options> {
    vec![
        Options::default(),
        Options {
            nunjucks_safe: true,
            embeds: Embeds::Html,
            ..Options::default()
        },
        Options {
            liquid_safe: true,
            ..Options::default()
        },
        Options {
            shortcode_safe: true,
            embeds: Embeds::Html,
            ..Options::default()
        },
    ]
}

fn convert(mut c: Converter<'_>, html: &str, piece: usize) -> String {
    for chunk in html.as_bytes().chunks(piece) {
        c.write(chunk);
    }
    c.finish()
}

/// Panics with the input's name where the two readings differ.
fn same(name: &str, html: &str) {
    for options in option_sets() {
        let reference = convert(Converter::reference(&options), html, usize::MAX);
        let gaps = convert(Converter::new(&options), html, usize::MAX);
        assert_eq!(gaps, reference, "{name} ({options:?})");
        if html.len() < 20_000 {
            let pieces = convert(Converter::new(&options), html, 7);
            assert_eq!(pieces, reference, "{name} in 7-byte writes ({options:?})");
        }
    }
}

#[test]
fn same_markdown_on_every_committed_input() {
    for (dir, path) in support::converter_inputs() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let body = Document::split(&text).body;
        same(&path.display().to_string(), body);
        // The fuzz inputs start with two option bytes; as a whole they are HTML too.
        if dir == support::FUZZ_REGRESSIONS {
            same(&path.display().to_string(), &text);
        }
    }
}

#[test]
fn same_markdown_on_the_token_shapes_the_gaps_hold() {
    let parts = [
        "text",
        "a&am",
        "p;",
        "&amp;",
        "</span>",
        "</>",
        "</a b='>'c>",
        "</a b=\"x>y\" c>",
        "</a/ >",
        "</a\tb=c\"d>",
        "</ x>",
        "</3>",
        "<",
        "</",
        "<!--c-->",
        "<![CDATA[q]]>",
        "<svg>",
        "</svg>",
        "<math>",
        "<svg><![CDATA[a<b]]]>",
        "<p>",
        "</p>",
        "<span>",
        "<b>",
        "</b>",
        "<pre>",
        "</pre>",
        "<code>",
        "</code>",
        "<script>",
        "</script>",
        "<style>x</style>",
        "<textarea>",
        "</textarea>",
        "<title>",
        "</title>",
        "<xmp>",
        "</xmp>",
        "<noscript>",
        "<iframe src=x>",
        "<iframe src=>",
        "<style a = >",
        "<script/a=>",
        "<textarea a=>",
        "</iframe>",
        "<svg><title>",
        "<plaintext>",
        "{{ x }}",
        "{% raw %}",
        "中文",
        " ",
        "\n",
        "\r\n",
        "<br>",
        "</br>",
        "<img src=a>",
        "<table><tr><td>",
        "</td></tr></table>",
        "<li>",
        "<!DOCTYPE html>",
        "<?php x ?>",
        "<bean>",
        "</bean>",
        "\u{FDD0}",
    ];
    let mut n = 0;
    for (i, a) in parts.iter().enumerate() {
        for b in &parts {
            for c in [
                parts[(i * 7) % parts.len()],
                parts[(i * 13 + 5) % parts.len()],
            ] {
                let html = format!("{a}x{b}y{c}z");
                same(&html, &html);
                let html = format!("<pre>{a}{b}</pre>{c}");
                same(&html, &html);
                n += 2;
            }
        }
    }
    assert!(n > 10_000, "{n}");
}
