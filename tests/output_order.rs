//! Output order on a pipe: with stdout and stderr going to one file (as `2>&1 | less` or a CI
//! log shows them), each post's warnings come right before its diff, in path order, and the
//! summary comes last. Expected output: `tests/order/*.expected`, refreshed with
//! `POSTSCRUB_BLESS=1 cargo test --test output_order`.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

/// Run postscrub in `dir` with stdout and stderr into one file; exit 1 (would change) is
/// expected. Returns what the file holds.
fn run_merged(dir: &Path, args: &[&std::ffi::OsStr]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("log");
    let file = fs::File::create(&log).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .env_remove("GITHUB_STEP_SUMMARY")
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    fs::read_to_string(&log).unwrap()
}

fn merged(args: &[&str], expected: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/order");
    assert!(root.join("posts").is_dir(), "tests/order/posts is missing");
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    let text = run_merged(&root, &args);
    let text = regex::Regex::new(r"\(\d+\.\d\ds\)")
        .unwrap()
        .replace_all(&text, "(TIME)")
        .into_owned();
    let path = root.join(expected);
    if std::env::var_os("POSTSCRUB_BLESS").is_some() {
        fs::write(&path, &text).unwrap();
    }
    let want = fs::read_to_string(&path).unwrap();
    assert_eq!(text, want, "merged output differs from {expected}");
    assert!(
        text.trim_end()
            .lines()
            .last()
            .unwrap()
            .contains("would change")
    );
}

#[test]
fn diff_warnings_sit_before_their_post_and_the_summary_is_last() {
    merged(
        &["diff", "posts", "--rules", "rules.yaml", "--to", "html"],
        "diff.expected",
    );
}

#[test]
fn check_with_statistics_puts_the_table_before_the_summary() {
    merged(
        &[
            "check",
            "posts",
            "--rules",
            "rules.yaml",
            "--to",
            "html",
            "--statistics",
        ],
        "check-statistics.expected",
    );
}

#[test]
fn diff_stat_table_comes_before_the_summary() {
    merged(
        &[
            "diff",
            "posts",
            "--rules",
            "rules.yaml",
            "--to",
            "html",
            "--stat",
        ],
        "diff-stat.expected",
    );
}

/// Many batches in flight at once (posts are converted in batches while earlier ones are
/// reported): on one merged pipe, every post's warning still sits right before its own diff,
/// the diffs come in path order, and the summary is last. 900 posts at `-j 2` are seven
/// batches; every seventh post warns.
#[test]
fn warnings_stay_with_their_post_across_many_batches() {
    let tmp = tempfile::tempdir().unwrap();
    let posts = tmp.path().join("posts");
    fs::create_dir(&posts).unwrap();
    let count = 900;
    for i in 0..count {
        let tail = if i % 7 == 0 {
            "<p>tail <!-- never closed"
        } else {
            ""
        };
        fs::write(
            posts.join(format!("p{i:04}.html")),
            format!("---\ntitle: P{i}\n---\n<p>Post {i}.</p>\n<div class=\"ad\">buy</div>\n{tail}"),
        )
        .unwrap();
    }
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/order/rules.yaml");
    let args = ["diff", "posts", "--to", "html", "-j", "2", "--rules"].map(std::ffi::OsStr::new);
    let text = run_merged(tmp.path(), &[&args[..], &[rules.as_os_str()]].concat());
    let lines: Vec<&str> = text.lines().collect();
    let headers: Vec<usize> = (0..lines.len())
        .filter(|&n| lines[n].starts_with("--- a/posts/"))
        .collect();
    assert_eq!(headers.len(), count, "one diff per post");
    for (i, &n) in headers.iter().enumerate() {
        let name = format!("posts/p{i:04}.html");
        assert_eq!(lines[n], format!("--- a/{name}"), "diffs in path order");
        assert!(lines[n - 1].starts_with(&format!("# {name}:")));
        let warned = lines[n - 2].starts_with(&format!("warning: {name}:6:"));
        assert_eq!(warned, i % 7 == 0, "post {i}: its warning, right before it");
    }
    assert_eq!(
        text.matches("warning: posts/").count(),
        count.div_ceil(7),
        "no warning elsewhere"
    );
    assert!(lines.last().unwrap().contains("would change"));
}
