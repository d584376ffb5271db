//! Code the scraper failed to escape, through the whole pipeline (cleanup
//! with the default presets, then Markdown): every closing tag shown inside
//! the code blocks of `像玩 jQuery 一样玩 AST.md` (highlight.js markup such as
//! `</<span class="hljs-name">h2</span>>`, which a browser shows as `h2>`,
//! 20 of them, and the JSX fragment `'<></>'`, shown as `'<>'`) keeps its `</`
//! in the Markdown fences.

use std::path::Path;

use postscrub::config::DEFAULT_RULES;
use postscrub::pipeline::{Options, process};
use postscrub::rules::Rules;

const POST: &str = "tests/corpus/source/_posts/编程/掘金/专栏/像玩 jQuery 一样玩 AST.md";

/// `</` the author wrote inside the `<pre>` blocks of `html`: the bogus
/// comments that start with `</` (not followed by a letter: no end tag) and
/// escaped `&lt;/`.
fn closing_tags_in_source_code(html: &str) -> usize {
    let mut n = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<pre") {
        let end = rest[start..]
            .find("</pre>")
            .map_or(rest.len(), |e| start + e);
        let block = &rest[start..end];
        n += block.matches("&lt;/").count();
        // Bogus comments (`</<span …>`) and `</>`, which the tokenizer drops.
        n += block
            .match_indices("</")
            .filter(|(i, _)| {
                !block[i + 2..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
            })
            .count();
        rest = &rest[end..];
    }
    n
}

/// `</` inside the fenced code blocks of `md`.
fn closing_tags_in_fences(md: &str) -> usize {
    let mut n = 0;
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let trimmed = line.trim_start();
        match &fence {
            Some(f) if trimmed.starts_with(f.as_str()) && trimmed.trim_end() == f => fence = None,
            Some(_) => n += line.matches("</").count(),
            None if trimmed.starts_with("```") => {
                let ticks = trimmed.chars().take_while(|&c| c == '`').count();
                fence = Some("`".repeat(ticks));
            }
            None => {}
        }
    }
    n
}

#[test]
fn ast_post_keeps_every_closing_tag_of_its_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let post = std::fs::read_to_string(root.join(POST)).expect("read the AST post");
    let names: Vec<String> = DEFAULT_RULES.iter().map(|s| (*s).to_owned()).collect();
    let rules = Rules::load(&names, root).expect("default presets");
    let processed = process(&post, POST, &rules, &Options::default()).expect("converts");
    let want = closing_tags_in_source_code(&post);
    assert_eq!(want, 21, "the post's code blocks show 21 closing tags");
    let got = closing_tags_in_fences(&processed.output);
    assert_eq!(
        got, want,
        "closing tags in the Markdown code blocks\n{}",
        processed.output
    );
    assert!(processed.output.contains("转译前</h2>"));
}

/// The converter lets go of input it has tokenized: recovery still reads
/// the right bytes far into a long post, however the input is split.
#[test]
fn recovery_far_into_a_long_post() {
    use postscrub::markdown::{Converter, Options as MdOptions};
    let mut html = "<p>filler text &amp; more</p>\n".repeat(10_000);
    html.push_str("<pre><code>Map<String, Object> m; Class<?> c; x</></code></pre>");
    html.push_str(&"<p>after</p>".repeat(10_000));
    html.push_str("<pre>List<T> tail</pre>");
    let opts = MdOptions::default();
    let whole = postscrub::markdown::convert(&html, &opts);
    assert!(
        whole.contains("Map<String, Object> m; Class<?> c; x</>"),
        "{}",
        &whole[..200]
    );
    assert!(whole.contains("List<T> tail"));
    for size in [1, 7, 4096, 70_000] {
        let mut c = Converter::new(&opts);
        for piece in html.as_bytes().chunks(size) {
            c.write(piece);
        }
        assert_eq!(c.finish(), whole, "chunks of {size} bytes");
    }
}
