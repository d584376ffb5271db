//! postscrub's copy of Hugo's URL rules against the URLs Hugo itself gives the corpus posts and
//! some awkward names (`tests/fixtures/hugo/urls.tsv`, written by `scripts/hugo-urls`).

use postscrub::generator::names::{PostFacts, hugo_url};

#[test]
fn urls_are_the_ones_hugo_gives() {
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hugo/urls.tsv"
    ))
    .unwrap();
    let mut wrong = Vec::new();
    let mut n = 0;
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let (path, url) = line.split_once('\t').unwrap();
        let ours = hugo_url(path, &PostFacts::default());
        if ours != url {
            wrong.push(format!("{path:?}: Hugo {url:?}, postscrub {ours:?}"));
        }
        n += 1;
    }
    assert!(n >= 150, "only {n} URLs");
    assert!(
        wrong.is_empty(),
        "{} of {n} differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
