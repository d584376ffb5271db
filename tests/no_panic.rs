//! Invariant 5, as a short deterministic fuzz smoke run: no input makes the pipeline panic.
//! Inputs are corpus posts cut, spliced and sprinkled with hostile fragments by a seeded PRNG
//! (`POSTSCRUB_FUZZ_SEED` replays a seed, `POSTSCRUB_FUZZ_ROUNDS` runs longer).

use postscrub::body::BodyMode;
use postscrub::pipeline::{Options, OutputFormat, Target, process};
use postscrub::rules::Rules;
use std::path::Path;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "<",
    ">",
    "</",
    "<p>",
    "</p>",
    "<li>",
    "<ul>",
    "<ol start=\"-3\">",
    "<table>",
    "<td colspan=\"99999\">",
    "<tr>",
    "<pre>",
    "</pre>",
    "<code>",
    "`",
    "```",
    "&",
    "&#",
    "&#x110000;",
    "&amp",
    "&nbsp;",
    "<!--",
    "-->",
    "<script>",
    "</script>",
    "<style>",
    "*",
    "**",
    "_",
    "[",
    "](",
    "![",
    "\\",
    "---\n",
    "\n",
    "\r\n",
    "　",
    "，",
    "<br>",
    "<img src=\"x\" data-src=\"\">",
    "<a href=\"javascript:x\">",
    "{{",
    "{%",
    "&#123;",
    "<h1>",
    "<blockquote>",
    "<svg>",
    "<textarea>",
    "\u{0}",
    "\u{feff}",
    "<div class=\"appendQr_wrap\">",
    "<span id=\"stock_x\">",
    "<p class=\"article-editor\">责任编辑：",
];

fn mutate(rng: &mut Rng, text: &str, donor: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        match rng.below(40) {
            0 => out.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]),
            1 => i += rng.below(20),
            2 => {
                let d: Vec<char> = donor.chars().collect();
                let s = rng.below(d.len());
                out.extend(d[s..(s + rng.below(200)).min(d.len())].iter());
            }
            _ => {}
        }
        if let Some(c) = chars.get(i) {
            out.push(*c);
        }
        i += 1;
    }
    out
}

#[test]
fn no_input_panics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/source");
    let mut posts: Vec<String> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    posts.sort();
    assert!(
        posts.len() >= 131,
        "found only {} corpus posts",
        posts.len()
    );
    let rules = Rules::load(
        &["sina-finance".into(), "rsshub-common".into()],
        Path::new("."),
    )
    .unwrap();
    let seed = std::env::var("POSTSCRUB_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_cafe);
    let rounds: usize = std::env::var("POSTSCRUB_FUZZ_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let mut rng = Rng(seed);
    for round in 0..rounds {
        let post = &posts[rng.below(posts.len())];
        let donor = &posts[rng.below(posts.len())];
        let input = mutate(&mut rng, post, donor);
        let options = Options {
            to: if round % 3 == 0 {
                OutputFormat::Html
            } else {
                OutputFormat::Markdown
            },
            target: if round % 2 == 0 {
                Target::Hexo
            } else {
                Target::Hugo
            },
            body: [BodyMode::Auto, BodyMode::Html, BodyMode::Markdown][round % 3],
            ..Options::default()
        };
        let result = std::panic::catch_unwind(|| {
            process(&input, "fuzz.md", &rules, &options).map(|p| p.output)
        });
        assert!(
            result.is_ok(),
            "panic at round {round} (seed {seed}); input:\n{input}"
        );
    }
}
