//! Throughput of each layer, as ratios measured in one run on the same input.
//!
//! Run with `cargo bench --bench convert` (never in CI). Input: every post body of
//! `tests/corpus` (or `POSTSCRUB_BENCH_DIR`), each layer run single-threaded over all bodies,
//! best of `POSTSCRUB_BENCH_ROUNDS` (default 15) rounds. Layers:
//!
//! - `lol_html pass-through`: a rewriter with no handlers (the floor);
//! - `cleanup (presets)`: the default presets' rule handlers alone (`clean::clean`), with the
//!   sets whose `when` holds for each post;
//! - `markdown only`: the converter on the raw bodies;
//! - `postscrub pipeline`: front matter + cleanup + Markdown, what `convert` does per post.
//!
//! The comparison with peers (htmd) and the whole-process figures are `scripts/bench`'s; htmd
//! is built there, from `benches/htmd-peer`, so it is not in postscrub's dependency tree.

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use postscrub::dates::parse_timezone;
use postscrub::document::Document;
use postscrub::pipeline::{Options, Target, process};
use postscrub::rules::{RuleSet, Rules};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn posts() -> Vec<String> {
    let dir = std::env::var_os("POSTSCRUB_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/source"));
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect()
}

fn best<F: FnMut()>(rounds: usize, mut f: F) -> Duration {
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let defaults: Vec<String> = postscrub::config::DEFAULT_RULES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let posts = posts();
    let bodies: Vec<&str> = posts.iter().map(|p| Document::split(p).body).collect();
    let body_bytes: usize = bodies.iter().map(|b| b.len()).sum();
    let post_bytes: usize = posts.iter().map(String::len).sum();
    let rounds = std::env::var("POSTSCRUB_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let rules = Rules::load(&defaults, Path::new(".")).unwrap();
    let sets: Vec<&RuleSet> = rules.sets.iter().collect();
    // The rule sets whose `when` holds for each body, as the pipeline picks them.
    let applicable: Vec<Vec<&RuleSet>> = bodies
        .iter()
        .map(|b| {
            sets.iter()
                .copied()
                .filter(|s| s.when.matches("bench.md", b))
                .collect()
        })
        .collect();
    let options = Options {
        target: Target::Hexo,
        timezone: parse_timezone("+08:00").unwrap(),
        ..Options::default()
    };
    let md = postscrub::markdown::Options::default();

    let layers: Vec<(&str, usize, Duration)> = vec![
        (
            "lol_html pass-through",
            body_bytes,
            best(rounds, || {
                for b in &bodies {
                    let mut out = Vec::with_capacity(b.len());
                    let mut rw = lol_html::HtmlRewriter::new(
                        lol_html::Settings::new().with_strict(false),
                        |c: &[u8]| out.extend_from_slice(c),
                    );
                    rw.write(b.as_bytes()).unwrap();
                    rw.end().unwrap();
                    black_box(out);
                }
            }),
        ),
        (
            "cleanup (presets)",
            body_bytes,
            best(rounds, || {
                for (b, sets) in bodies.iter().zip(&applicable) {
                    black_box(
                        postscrub::clean::clean(b, sets, &postscrub::suppress::Skip::none())
                            .unwrap(),
                    );
                }
            }),
        ),
        (
            "cleanup setup, empty bodies",
            body_bytes,
            best(rounds, || {
                for _ in &bodies {
                    black_box(
                        postscrub::clean::clean("", &sets, &postscrub::suppress::Skip::none())
                            .unwrap(),
                    );
                }
            }),
        ),
        (
            "markdown only",
            body_bytes,
            best(rounds, || {
                for b in &bodies {
                    black_box(postscrub::markdown::convert(b, &md));
                }
            }),
        ),
        (
            "postscrub pipeline",
            post_bytes,
            best(rounds, || {
                for p in &posts {
                    black_box(process(p, "bench.md", &rules, &options).unwrap());
                }
            }),
        ),
    ];
    let mbs = |bytes: usize, d: Duration| bytes as f64 / d.as_secs_f64() / 1e6;
    let floor = mbs(layers[0].1, layers[0].2);
    println!(
        "{} posts, {:.1} MB of bodies, best of {rounds} rounds, one thread",
        posts.len(),
        body_bytes as f64 / 1e6
    );
    println!("{:<28} {:>9} {:>14}", "layer", "MB/s", "× pass-through");
    for (name, bytes, d) in &layers {
        let speed = mbs(*bytes, *d);
        println!("{name:<28} {speed:>9.1} {:>14.2}", floor / speed);
    }
}
