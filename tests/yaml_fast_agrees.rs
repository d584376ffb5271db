//! `yaml_fast` (the reader of plain front matter) against serde_yaml, on real front matter:
//! every corpus post as scraped and as postscrub writes it, and the ~1,500 strings of
//! `tests/fixtures/yaml/plain-scalars.tsv` as plain values and as list items. Where the fast
//! reader answers, serde_yaml must read the same value; and it must answer for at least 95 % of
//! the corpus front matters (today all 262), or it saves nothing. The YAML guard must let what
//! it answers through, since `FrontMatter::parse` does not run the guard on such text.

use postscrub::document::Document;
use postscrub::pipeline::{Options, OutputFormat, Target, process};
use postscrub::rules::Rules;
use postscrub::yaml_fast;
use serde_yaml::Value;
use std::path::Path;

#[path = "support/corpus.rs"]
mod support;

/// Whether the fast reader answered; panics where it answers differently from serde_yaml.
fn check(text: &str, what: &str) -> bool {
    let Some(fast) = yaml_fast::read(text) else {
        return false;
    };
    let slow = serde_yaml::from_str::<Value>(text).unwrap_or_else(|e| {
        panic!("{what}: the fast reader answered, serde_yaml refused: {e}\n{text}")
    });
    assert_eq!(fast, slow, "{what}:\n{text}");
    // FrontMatter::parse skips the guard for what the fast reader answers.
    assert_eq!(
        postscrub::yaml_guard::check(text),
        Ok(()),
        "{what}:\n{text}"
    );
    true
}

#[test]
fn agrees_on_every_corpus_front_matter_in_and_out() {
    let rules = Rules::load(
        &["sina-finance".into(), "36kr".into(), "rsshub-common".into()],
        Path::new("."),
    )
    .unwrap();
    let options = Options {
        to: OutputFormat::Markdown,
        target: Target::Hexo,
        timezone: postscrub::dates::parse_timezone("+08:00").unwrap(),
        ..Options::default()
    };
    let (mut seen, mut answered) = (0, 0);
    let mut declined = Vec::new();
    for path in support::posts() {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let out = process(&text, &name, &rules, &options).unwrap().output;
        for (which, t) in [("input", &text), ("output", &out)] {
            let fm = Document::split(t)
                .front_matter
                .expect("corpus posts have front matter");
            seen += 1;
            if check(fm, &format!("{name} ({which})")) {
                answered += 1;
            } else {
                declined.push(format!("{name} ({which})"));
            }
        }
    }
    // Real front matter is the plain shape: the fast reader must carry the load.
    assert!(
        answered * 20 >= seen * 19,
        "answered {answered} of {seen}; declined: {declined:#?}"
    );
}

#[test]
fn agrees_on_the_plain_scalar_catalogue() {
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/yaml/plain-scalars.tsv"
    ))
    .unwrap();
    let (mut n, mut answered) = (0, 0);
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let s: String = serde_json::from_str(line.split('\t').next().unwrap()).unwrap();
        for text in [
            format!("v: {s}\n"),
            format!("v:\n - {s}\n - x\nw: {s}\n"),
            format!("{s}: v\n"),
            format!("v: '{}'\n", s.replace('\'', "''")),
        ] {
            n += 1;
            answered += usize::from(check(&text, &format!("{s:?}")));
        }
    }
    assert!(n >= 4000, "only {n} texts");
    assert!(answered >= n / 2, "answered {answered} of {n}");
}
