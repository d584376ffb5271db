//! `--shard K/N` over the whole test corpus: the four shards are disjoint, together they are
//! exactly the unsharded run (same posts, same results), and adding a post moves no other.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// path → the post's JSON record, from `check --format json` in `dir`.
fn check(dir: &Path, extra: &[&str]) -> BTreeMap<String, serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_slice(&check_bytes(dir, extra)).unwrap();
    doc.as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_owned(), p.clone()))
        .collect()
}

#[test]
fn shards_partition_the_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let all = check(&corpus, &[]);
    assert!(
        all.len() >= 100,
        "the corpus is in tests/corpus ({} posts)",
        all.len()
    );
    let mut union = BTreeMap::new();
    for k in 1..=4 {
        let shard = check(&corpus, &["--shard", &format!("{k}/4")]);
        assert!(!shard.is_empty(), "shard {k}/4 is empty");
        for (path, mut record) in shard {
            assert_eq!(
                record.as_object_mut().unwrap().remove("shard"),
                Some(serde_json::json!(format!("{k}/4"))),
                "{path}: the record does not say its shard"
            );
            assert!(
                union.insert(path.clone(), record).is_none(),
                "{path} in two shards"
            );
        }
    }
    assert_eq!(union, all, "the shards together are not the unsharded run");
}

#[test]
fn adding_a_post_moves_no_other() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("site");
    let status = Command::new("cp")
        .arg("-r")
        .arg(&corpus)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    let before: Vec<_> = (1..=3)
        .map(|k| check(&copy, &["--shard", &format!("{k}/3")]))
        .collect();
    std::fs::write(
        copy.join("source/_posts/a-new-post.md"),
        "---\ntitle: new\n---\n<p>new</p>\n",
    )
    .unwrap();
    let mut placed = 0;
    for (k, was) in before.iter().enumerate() {
        let now = check(&copy, &["--shard", &format!("{}/3", k + 1)]);
        let added: Vec<&String> = now.keys().filter(|p| !was.contains_key(*p)).collect();
        let removed: Vec<&String> = was.keys().filter(|p| !now.contains_key(*p)).collect();
        assert!(
            removed.is_empty(),
            "shard {}: {removed:?} moved away",
            k + 1
        );
        assert!(
            added.iter().all(|p| p.ends_with("a-new-post.md")),
            "{added:?}"
        );
        placed += added.len();
    }
    assert_eq!(placed, 1, "the new post is in exactly one shard");
}

/// The raw stdout of `check --format json` in `dir`.
fn check_bytes(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["check", "--format", "json", "--no-config", "-q"])
        .args(extra)
        .current_dir(dir)
        .env("CI", "true")
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    out.stdout
}

#[test]
fn merged_shard_reports_are_the_unsharded_report() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let all = check_bytes(&corpus, &[]);
    assert!(all.len() > 10_000, "the corpus is in tests/corpus");
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    // Given in any order.
    for k in [3, 1, 4, 2] {
        let file = tmp.path().join(format!("shard-{k}.json"));
        std::fs::write(&file, check_bytes(&corpus, &["--shard", &format!("{k}/4")])).unwrap();
        files.push(file);
    }
    let merged = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .arg("merge")
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(merged.status.code(), Some(1), "{merged:?}");
    assert!(
        merged.stdout == all,
        "the merged report differs from the unsharded one"
    );
    let said = String::from_utf8_lossy(&merged.stderr);
    assert!(said.contains("merged 4 reports: 131 posts"), "{said}");

    // Three of four: merged, with a warning.
    let three = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .arg("merge")
        .args(&files[..3])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&three.stderr);
    assert!(said.contains("no report of shard 2/4"), "{said}");
    // One shard twice: refused.
    let twice = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .arg("merge")
        .args([&files[0], &files[0]])
        .output()
        .unwrap();
    assert_eq!(twice.status.code(), Some(2));
    assert!(twice.stdout.is_empty());
}
