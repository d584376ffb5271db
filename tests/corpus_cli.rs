//! The binary over the whole real corpus: inputs untouched, output identical whatever `-j`,
//! and the tool's own output is clean by `check`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every file under `dir`: relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn postscrub(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(args)
        .env("CI", "true")
        .output()
        .unwrap()
}

#[test]
fn convert_is_deterministic_and_leaves_inputs_alone() {
    let before = tree(&corpus());
    let tmp = tempfile::tempdir().unwrap();
    let corpus = corpus();
    let corpus = corpus.to_str().unwrap();
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let out = tmp.path().join(format!("j{jobs}"));
        let run = postscrub(&[
            "convert",
            corpus,
            "--out",
            out.to_str().unwrap(),
            "-j",
            jobs,
            "--target",
            "hexo",
            "--timezone",
            "+08:00",
        ]);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        assert!(run.stdout.is_empty());
        outputs.push(tree(&out));
    }
    assert_eq!(outputs[0], outputs[1], "-j 1 and -j 2 differ");
    // Every post has an output; MANIFEST.tsv and the corpus README are not posts.
    assert_eq!(outputs[0].len(), before.len() - 2);
    assert!(!outputs[0].contains_key("README.md"));
    // The check, as a grep over the whole output folder.
    for (name, bytes) in &outputs[0] {
        let text = String::from_utf8_lossy(bytes);
        for marker in [
            "appendQr_wrap",
            "<style",
            "news_keyword_pub",
            "article_adlist",
            "id=\"stock_",
            "id=\"quote_",
            "class=\"keyword\"",
            "referrerpolicy",
            "343233024.png",
        ] {
            assert!(!text.contains(marker), "{name}: `{marker}` left");
        }
    }
    assert_eq!(tree(corpus.as_ref()), before, "inputs were modified");

    // A postscrub.yaml found from the current folder gives the same result as the flags.
    let project = tmp.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("postscrub.yaml"),
        "rules: [sina-finance, 36kr, rsshub-common]\ntarget: hexo\ntimezone: '+08:00'\n",
    )
    .unwrap();
    let by_config = tmp.path().join("by-config");
    let run = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["convert", corpus, "--out", by_config.to_str().unwrap()])
        .current_dir(&project)
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(tree(&by_config), outputs[0], "config file and flags differ");

    // The raw corpus would change; the output would not.
    let raw = postscrub(&[
        "check",
        corpus,
        "--target",
        "hexo",
        "--timezone",
        "+08:00",
        "-q",
    ]);
    assert_eq!(raw.status.code(), Some(1));
    let out = tmp.path().join("j1");
    let clean = postscrub(&[
        "check",
        out.to_str().unwrap(),
        "--target",
        "hexo",
        "--timezone",
        "+08:00",
    ]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stdout)
    );

    // Reports are identical whatever -j.
    let j1 = postscrub(&["check", corpus, "--format", "json", "-j", "1"]);
    let j2 = postscrub(&["check", corpus, "--format", "json", "-j", "2"]);
    assert_eq!(j1.stdout, j2.stdout);
    let diff = postscrub(&["diff", corpus, "-j", "2"]);
    assert_eq!(diff.status.code(), Some(1));
    let text = String::from_utf8(diff.stdout).unwrap();
    assert!(text.contains("\n--- a/") && text.contains("\n+++ b/") && text.contains("\n@@ -"));
    assert_eq!(tree(corpus.as_ref()), before, "diff wrote something");
}

#[test]
fn in_place_converts_once_and_then_has_nothing_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("posts");
    for (rel, bytes) in tree(&corpus().join("source")) {
        let path = copy.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let dir = copy.to_str().unwrap();
    let args = ["--target", "hexo", "--timezone", "+08:00"];
    let first = postscrub(&[&["convert", dir, "--in-place"][..], &args].concat());
    assert_eq!(first.status.code(), Some(0));
    let summary = String::from_utf8_lossy(&first.stderr);
    assert!(summary.contains("131 posts seen: 131 changed"), "{summary}");
    let after = tree(&copy);
    assert!(
        after.keys().all(|k| !k.contains(".postscrub-")),
        "temporary files left behind"
    );
    let second = postscrub(&[&["convert", dir, "--in-place"][..], &args].concat());
    assert_eq!(second.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 changed, 131 unchanged"));
    assert_eq!(tree(&copy), after, "second run changed something");
    let check = postscrub(&[&["check", dir][..], &args].concat());
    assert_eq!(check.status.code(), Some(0));
}

#[test]
fn in_place_moves_converted_html_pages_to_md() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("page.html"), "<div><p>第一段。</p></div>\n").unwrap();
    std::fs::write(site.join("taken.html"), "<p>x</p>\n").unwrap();
    std::fs::write(site.join("taken.md"), "keep\n").unwrap();
    let run = postscrub(&["convert", site.to_str().unwrap(), "--in-place"]);
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let files: Vec<String> = tree(&site).into_keys().collect();
    assert_eq!(files, ["page.md", "taken.html", "taken.md"]);
    assert_eq!(
        std::fs::read_to_string(site.join("page.md")).unwrap(),
        "第一段。\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("taken.html")).unwrap(),
        "x\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("taken.md")).unwrap(),
        "keep\n"
    );
}
