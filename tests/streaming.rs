//! `check` and `diff` on one tree (for Hexo and plain targets) do not list the posts first:
//! they walk twice and hand posts over in batches (src/run.rs). Given the corpus's folders as
//! separate PATHs, the same commands take the listing path. Both must write the same bytes.

use std::path::Path;
use std::process::Command;

fn run(dir: &Path, args: &[&str], paths: &[String]) -> (Vec<u8>, Vec<u8>, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .args(args)
        .args([
            "--no-config",
            "--target",
            "hexo",
            "--timezone",
            "+08:00",
            "-j",
            "2",
        ])
        .args(paths)
        .current_dir(dir)
        .output()
        .unwrap();
    let timing = regex::bytes::Regex::new(r"\(\d+\.\d\ds\)|in \d+\.\d\ds").unwrap();
    (
        out.stdout,
        timing.replace_all(&out.stderr, &b"[time]"[..]).into_owned(),
        out.status.code(),
    )
}

#[test]
fn streamed_runs_equal_listed_runs() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut folders: Vec<String> = std::fs::read_dir(corpus.join("source/_posts"))
        .unwrap()
        .map(|e| format!("source/_posts/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    folders.sort();
    assert!(
        folders.len() >= 5,
        "the corpus is in tests/corpus: {folders:?}"
    );
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "--format", "github"],
        &["check", "--shard", "2/3", "--format", "json"],
        &["diff"],
        &["diff", "--stat"],
    ] {
        let streamed = run(&corpus, args, &["source/_posts".to_string()]);
        let listed = run(&corpus, args, &folders);
        assert!(
            streamed.0.len() > 1000,
            "{args:?}: {}",
            String::from_utf8_lossy(&streamed.1)
        );
        assert_eq!(
            String::from_utf8_lossy(&streamed.0),
            String::from_utf8_lossy(&listed.0),
            "{args:?}: stdout"
        );
        assert_eq!(
            String::from_utf8_lossy(&streamed.1),
            String::from_utf8_lossy(&listed.1),
            "{args:?}: stderr"
        );
        assert_eq!(streamed.2, listed.2, "{args:?}: exit code");
    }
}
