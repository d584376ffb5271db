//! A saved `postscrub diff` applies with `patch -p1` and gives what `convert --out` writes, for
//! file names with spaces, quotes and CJK characters (git's header conventions).

use std::fs;
use std::path::Path;
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn saved_diff_applies_with_patch_p1() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/source/_posts");
    let mut posts: Vec<_> = walkdir::WalkDir::new(&corpus)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    posts.sort();
    assert!(
        posts.len() >= 3,
        "the test corpus is missing: {}",
        corpus.display()
    );
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let names = ["my post.md", "a \"quoted\" name.md", "新闻 稿.md"];
    for (name, from) in names.iter().zip(&posts) {
        fs::create_dir_all(site.join("posts")).unwrap();
        fs::copy(from, site.join("posts").join(name)).unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_postscrub");
    let diff = Command::new(bin)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["diff", "posts", "--no-progress", "--no-site"])
        .current_dir(&site)
        .output()
        .unwrap();
    assert_eq!(
        diff.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&diff.stderr)
    );
    let text = String::from_utf8_lossy(&diff.stdout);
    for header in [
        "--- a/posts/my post.md\t",
        "--- \"a/posts/a \\\"quoted\\\" name.md\"",
        "--- a/posts/新闻 稿.md\t",
    ] {
        assert!(text.contains(header), "no `{header}` in the diff:\n{text}");
    }
    let patch_file = tmp.path().join("changes.patch");
    fs::write(&patch_file, &diff.stdout).unwrap();

    let patched = tmp.path().join("patched");
    copy_tree(&site, &patched);
    let applied = Command::new("patch")
        .args(["-p1", "--quiet", "-i"])
        .arg(&patch_file)
        .current_dir(&patched)
        .output()
        .expect("`patch` must be installed for this test (apt-get install patch)");
    assert!(
        applied.status.success(),
        "patch -p1 failed: {}{}",
        String::from_utf8_lossy(&applied.stdout),
        String::from_utf8_lossy(&applied.stderr)
    );

    let converted = tmp.path().join("converted");
    let out = Command::new(bin)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["convert", "posts", "--no-progress", "--no-site", "--out"])
        .arg(&converted)
        .current_dir(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in names {
        let want = fs::read_to_string(converted.join(name)).unwrap();
        let got = fs::read_to_string(patched.join("posts").join(name)).unwrap();
        assert_eq!(
            got, want,
            "{name}: the patched post differs from the converted one"
        );
    }
}
