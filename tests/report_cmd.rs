//! `postscrub report` on hostile file names: every name reaches the pages as escaped text, page
//! names come from numbers only, nothing is written outside `--out`, and a second run replaces
//! the first report's pages.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const POST: &str =
    "---\ntitle: 't'\n---\n<div><p>text <span class=\"keyword\">kw</span></p><p></p></div>\n";

fn tree(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(root) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn report(cwd: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .arg("report")
        .args(args)
        .args(["--no-config", "--no-progress"])
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn hostile_names_stay_text_and_nothing_is_written_outside_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    let folder = posts.join("<b>folder");
    std::fs::create_dir_all(&folder).unwrap();
    let names: Vec<&[u8]> = vec![
        b"<img src=x onerror=alert(1)><script>.md",
        b"q\"uote' onmouseover=\"x\".md",
        b"new\nline.md",
        b"esc\x1b]0;title\x07.md",
        b"caf\xe9.md",
        b"rtl\xe2\x80\xaemd.txt.md",
        b"&amp;.md",
    ];
    for name in &names {
        std::fs::write(folder.join(OsStr::from_bytes(name)), POST).unwrap();
    }
    let before = tree(&posts);

    let out = report(tmp.path(), &["posts", "--out", "rep"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("7 posts seen: 7 would change"), "{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "a name reached the terminal raw: {stderr}"
    );

    // The inputs are as they were, and the report folder is the only thing added.
    assert_eq!(tree(&posts), before);
    let top: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top.len(), 2, "{top:?}");

    let page_name = regex::Regex::new(r"^(index\.html|\.postscrub-report|assets/(report\.css|index\.js|post\.js)|data/(list-\d{4}|folders)\.js|posts/\d{6}\.html)$").unwrap();
    let written = tree(&tmp.path().join("rep"));
    for path in written.keys() {
        let p = path.to_str().expect("report file names are ASCII");
        assert!(page_name.is_match(p), "unexpected file {p}");
    }
    let pages: Vec<&PathBuf> = written.keys().filter(|p| p.starts_with("posts")).collect();
    assert_eq!(pages.len(), 7);

    let text = |p: &str| String::from_utf8(written[Path::new(p)].clone()).unwrap();
    let index = text("index.html");
    let data = text("data/list-0001.js");
    let folders = text("data/folders.js");
    for page in [&index, &data, &folders] {
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(!page.contains("<b>folder"), "{page}");
        assert!(!page.contains('\x1b') && !page.contains('\u{202e}') && !page.contains('\x07'));
    }
    assert!(
        folders.contains(r#"["posts/\u003cb\u003efolder",7]"#),
        "{folders}"
    );
    // Names as the other commands print them, then as inert script strings.
    assert!(data.contains(r#""posts/\u003cb\u003efolder/\u003cimg src=x onerror=alert(1)\u003e\u003cscript\u003e.md""#), "{data}");
    assert!(
        data.contains(r#""posts/\u003cb\u003efolder/new\\nline.md""#),
        "{data}"
    );
    assert!(
        data.contains(r#""posts/\u003cb\u003efolder/caf\\xe9.md""#),
        "{data}"
    );
    assert!(data.contains(r#"rtl\\u{202e}md.txt.md"#), "{data}");
    assert!(data.contains(r#"q\"uote' onmouseover=\"x\".md"#), "{data}");
    for page in &pages {
        let html = text(page.to_str().unwrap());
        assert_eq!(
            html.matches("<script").count(),
            1,
            "only the page's own script: {html}"
        );
        assert!(
            !html.contains("<b>folder") && !html.contains('\x1b') && !html.contains("<img src=x")
        );
        assert!(html.contains("&lt;b&gt;folder/"), "{html}");
    }
}

#[test]
fn a_second_run_replaces_the_first_report() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    std::fs::create_dir_all(&posts).unwrap();
    for name in ["a.md", "b.md", "c.md"] {
        std::fs::write(posts.join(name), POST).unwrap();
    }
    assert_eq!(
        report(tmp.path(), &["posts", "--out", "rep"]).status.code(),
        Some(0)
    );
    let pages = |dir: &Path| std::fs::read_dir(dir.join("rep/posts")).unwrap().count();
    assert_eq!(pages(tmp.path()), 3);
    std::fs::write(tmp.path().join("rep/notes.txt"), "mine").unwrap();
    std::fs::remove_file(posts.join("a.md")).unwrap();
    std::fs::write(posts.join("b.md"), "plain text that stays\n").unwrap();
    // An earlier report needs no --force; its pages go, other files stay.
    let out = report(tmp.path(), &["posts", "--out", "rep"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(pages(tmp.path()), 1);
    assert!(tmp.path().join("rep/notes.txt").exists());
    // A folder that is no report needs --force.
    std::fs::create_dir(tmp.path().join("mine")).unwrap();
    std::fs::write(tmp.path().join("mine/x.txt"), "x").unwrap();
    let out = report(tmp.path(), &["posts", "--out", "mine"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        report(tmp.path(), &["posts", "--out", "mine", "--force"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(std::fs::read(tmp.path().join("mine/x.txt")).unwrap(), b"x");
}
