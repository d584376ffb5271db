//! The result cache over the whole test corpus: a warm run gives exactly what a run without the
//! cache gives (check in every format, diff, report, convert --in-place); every part of the key
//! misses when it changes; torn, truncated, corrupted and foreign entries are misses, not
//! results; concurrent runs agree; the cache stays within its bound; and it is never written
//! through a symlink.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// A copy of the corpus in a fresh temporary folder (the cache goes in it).
fn site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("site");
    let status = Command::new("cp")
        .arg("-r")
        .arg(corpus())
        .arg(&copy)
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        posts(&copy).len() >= 100,
        "the corpus is in tests/corpus ({} posts)",
        posts(&copy).len()
    );
    (tmp, copy)
}

/// The corpus posts of a copy (what postscrub walks: `source/`).
fn posts(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = walkdir::WalkDir::new(dir.join("source"))
        .into_iter()
        .flatten()
        .filter(|e| {
            e.path().extension().is_some_and(|x| x == "md")
                && !e.path().starts_with(dir.join(".postscrub_cache"))
        })
        .map(|e| e.into_path())
        .collect();
    all.sort();
    all
}

fn run_with(bin: &Path, dir: &Path, args: &[&str]) -> Output {
    let out = Command::new(bin)
        .args(args)
        .args(["--no-config", "--target", "hexo", "--timezone", "+08:00"])
        .current_dir(dir)
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .env_remove("POSTSCRUB_NO_CACHE")
        .env_remove("POSTSCRUB_CACHE_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn run(dir: &Path, args: &[&str]) -> Output {
    run_with(Path::new(env!("CARGO_BIN_EXE_postscrub")), dir, args)
}

/// stdout and the exit code; stderr without the timing of the summary line.
fn result(out: &Output) -> (String, Option<i32>, String) {
    let err = String::from_utf8_lossy(&out.stderr);
    let err: String = err
        .lines()
        .filter(|l| !l.starts_with("cache: "))
        .map(|l| {
            let t = regex::Regex::new(r"\(\d+\.\d\ds\)|in \d+\.\d\ds").unwrap();
            format!("{}\n", t.replace_all(l, "[time]"))
        })
        .collect();
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code(),
        err,
    )
}

/// The numbers of the `-v` cache line: (hits, misses, unreadable, written).
fn cache_stats(out: &Output) -> (u64, u64, u64, u64) {
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("cache: "))
        .unwrap_or_else(|| panic!("no cache line in {err}"));
    let n = |re: &str| -> u64 {
        regex::Regex::new(re)
            .unwrap()
            .captures(line)
            .map_or(0, |c| c[1].parse().unwrap())
    };
    (
        n(r"(\d+) hits?"),
        n(r"(\d+) miss"),
        n(r"(\d+) unreadable"),
        n(r"(\d+) written"),
    )
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = walkdir::WalkDir::new(dir.join(".postscrub_cache"))
        .min_depth(3)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    all.sort();
    all
}

const CHECKS: &[&[&str]] = &[
    &["check", "-v"],
    &["check", "-v", "--format", "json"],
    &["check", "-v", "--format", "sarif"],
    &["check", "-v", "--format", "github"],
    &["diff", "-v"],
    &["diff", "-v", "--stat"],
];

#[test]
fn warm_runs_equal_runs_without_the_cache() {
    let (_tmp, dir) = site();
    let n = posts(&dir).len() as u64;
    for args in CHECKS {
        let mut plain: Vec<&str> = args.to_vec();
        plain.push("--no-cache");
        let expected = result(&run(&dir, &plain));
        let cold = run(&dir, args);
        let warm = run(&dir, args);
        assert_eq!(result(&cold), expected, "{args:?} cold");
        assert_eq!(result(&warm), expected, "{args:?} warm");
        assert_eq!(
            cache_stats(&warm),
            (n, 0, 0, 0),
            "{args:?}: warm run misses"
        );
    }
    let cache = dir.join(".postscrub_cache");
    assert_eq!(
        std::fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    assert!(cache.join("CACHEDIR.TAG").is_file());
}

#[test]
fn report_and_in_place_use_it_and_agree() {
    let (tmp, dir) = site();
    let n = posts(&dir).len() as u64;
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    run(
        &dir,
        &["report", "--no-cache", "--out", a.to_str().unwrap()],
    );
    run(&dir, &["report", "--out", b.to_str().unwrap()]);
    let warm_out = tmp.path().join("c");
    let warm = run(&dir, &["report", "-v", "--out", warm_out.to_str().unwrap()]);
    assert_eq!(cache_stats(&warm).0, n);
    for page in walkdir::WalkDir::new(&a).into_iter().flatten() {
        if !page.file_type().is_file() {
            continue;
        }
        let rel = page.path().strip_prefix(&a).unwrap();
        let want = std::fs::read(page.path()).unwrap();
        if rel.to_string_lossy().contains("index") || rel.extension().is_some_and(|e| e == "js") {
            // The index carries the run's time; its data files do not.
            continue;
        }
        assert_eq!(
            std::fs::read(warm_out.join(rel)).unwrap(),
            want,
            "{}",
            rel.display()
        );
    }

    // convert --in-place from a cache that `diff` filled: the same files as without the cache.
    let (_tmp2, other) = site();
    run(&dir, &["diff"]);
    let hit = run(&dir, &["convert", "--in-place", "-v"]);
    assert_eq!(cache_stats(&hit).0, n, "in-place reads what diff cached");
    run(&other, &["convert", "--in-place", "--no-cache"]);
    for (x, y) in posts(&dir).iter().zip(posts(&other)) {
        assert_eq!(
            std::fs::read(x).unwrap(),
            std::fs::read(&y).unwrap(),
            "{}",
            x.display()
        );
    }
    // Converted posts are new content: the next check misses, then finds nothing to change.
    let again = run(&dir, &["check", "-v"]);
    assert_eq!(again.status.code(), Some(0));
}

#[test]
fn each_part_of_the_key_misses() {
    let (_tmp, dir) = site();
    let n = posts(&dir).len() as u64;
    let base = ["check", "-v", "--format", "json"];
    run(&dir, &base);
    assert_eq!(cache_stats(&run(&dir, &base)), (n, 0, 0, 0));

    // The post's bytes: one post edited, one miss.
    let post = &posts(&dir)[3];
    let mut text = std::fs::read_to_string(post).unwrap();
    text.push_str("\n<p>one more line</p>\n");
    std::fs::write(post, text).unwrap();
    let edited = run(&dir, &base);
    assert_eq!(cache_stats(&edited), (n - 1, 1, 0, 1));
    let mut plain = base.to_vec();
    plain.push("--no-cache");
    assert_eq!(result(&edited), result(&run(&dir, &plain)));

    // The rules, the options, what is asked (all changed lines or the first one).
    for extra in [
        &["--rules", "sina-finance"][..],
        &["--ignore", "date"],
        &["--embeds", "link"],
        &["--to", "html"],
    ] {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        assert_eq!(cache_stats(&run(&dir, &args)).1, n, "{extra:?} hit");
        assert_eq!(cache_stats(&run(&dir, &args)).0, n, "{extra:?} then missed");
    }
    let human = run(&dir, &["check", "-v"]);
    assert_eq!(
        cache_stats(&human).1,
        n,
        "the first-line verdict is another entry"
    );
    let other_zone = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .args([
            "check",
            "-v",
            "--no-config",
            "--target",
            "hexo",
            "--timezone",
            "+09:00",
        ])
        .current_dir(&dir)
        .env("CI", "true")
        .env_remove("POSTSCRUB_NO_CACHE")
        .output()
        .unwrap();
    assert_eq!(
        cache_stats(&other_zone).1,
        n,
        "the time zone is part of the key"
    );

    // The path the rules see: the same bytes under another name.
    let copy = post.with_file_name("copy of a post.md");
    std::fs::copy(post, &copy).unwrap();
    assert_eq!(cache_stats(&run(&dir, &base)).1, 1);

    // The build: the same binary copied (another modification time) reads nothing.
    let tmp = tempfile::tempdir().unwrap();
    let bin = tmp.path().join("postscrub");
    std::thread::sleep(std::time::Duration::from_millis(20));
    std::fs::copy(env!("CARGO_BIN_EXE_postscrub"), &bin).unwrap();
    assert_eq!(cache_stats(&run_with(&bin, &dir, &base)).1, n + 1);
}

#[test]
fn damaged_entries_are_misses_never_results() {
    let (_tmp, dir) = site();
    let n = posts(&dir).len() as u64;
    let args = ["check", "-v", "--format", "json"];
    let expected = result(&run(
        &dir,
        &["check", "-v", "--format", "json", "--no-cache"],
    ));
    run(&dir, &args);
    let all = entries(&dir);
    assert_eq!(all.len() as u64, n);
    // Every kind of damage, spread over the entries.
    for (i, entry) in all.iter().enumerate() {
        let bytes = std::fs::read(entry).unwrap();
        let damaged = match i % 6 {
            0 => Vec::new(),                        // emptied
            1 => bytes[..bytes.len() / 2].to_vec(), // torn write
            2 => bytes[..bytes.len() - 1].to_vec(), // one byte short
            3 => {
                let mut b = bytes.clone(); // a flipped bit in the payload
                let at = b.len() - 3;
                b[at] ^= 1;
                b
            }
            4 => b"not a cache entry at all".to_vec(), // foreign
            _ => std::fs::read(&all[(i + 1) % all.len()]).unwrap(), // another key's entry
        };
        std::fs::write(entry, damaged).unwrap();
    }
    let after = run(&dir, &args);
    assert_eq!(result(&after), expected);
    assert_eq!(cache_stats(&after), (0, n, n, n));
    // Rewritten: the next run hits them all.
    assert_eq!(cache_stats(&run(&dir, &args)), (n, 0, 0, 0));
    // A stale temporary file from a killed run is no entry either.
    let bucket = all[0].parent().unwrap();
    std::fs::write(bucket.join(".tmp-1-0-xx"), b"half").unwrap();
    assert_eq!(result(&run(&dir, &args)), expected);
}

#[test]
fn concurrent_runs_agree() {
    let (_tmp, dir) = site();
    let expected = result(&run(&dir, &["check", "--format", "json", "--no-cache"]));
    for round in 0..3 {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    result(&run(&dir, &["check", "--format", "json", "-j", "2"]))
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), expected, "round {round}");
        }
        // And while entries are pruned under a tiny bound by another run.
        if round == 1 {
            let pruning = {
                let dir = dir.clone();
                std::thread::spawn(move || {
                    run(
                        &dir,
                        &[
                            "check",
                            "--format",
                            "json",
                            "--cache-max-size",
                            "8K",
                            "--ignore",
                            "date",
                        ],
                    )
                })
            };
            assert_eq!(result(&run(&dir, &["check", "--format", "json"])), expected);
            pruning.join().unwrap();
        }
    }
}

#[test]
fn stays_within_its_bound() {
    let (_tmp, dir) = site();
    let cache = dir.join(".postscrub_cache");
    let bound = 128 * 1024;
    let out = run(&dir, &["check", "-v", "--cache-max-size", "128K"]);
    let usage: u64 = entries(&dir)
        .iter()
        .map(|e| {
            use std::os::unix::fs::MetadataExt;
            let m = std::fs::metadata(e).unwrap();
            (m.blocks() * 512).max(m.len())
        })
        .sum();
    assert!(usage <= bound, "{usage} bytes in {}", cache.display());
    assert!(!entries(&dir).is_empty(), "everything was pruned");
    assert!(String::from_utf8_lossy(&out.stderr).contains("old entries pruned"));
    // What stayed still hits.
    let again = run(&dir, &["check", "-v", "--cache-max-size", "128K"]);
    assert!(cache_stats(&again).0 > 0);
}

#[test]
fn no_writes_through_a_symlink() {
    let (tmp, dir) = site();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join(".postscrub_cache")).unwrap();
    let out = run(&dir, &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the result cache is not used"), "{err}");
    assert!(err.contains("symlink"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    // --no-cache says nothing.
    let quiet = run(&dir, &["check", "--no-cache"]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("cache"));
}

#[test]
fn where_it_lives() {
    let (tmp, dir) = site();
    // --cache-dir, then POSTSCRUB_CACHE_DIR; POSTSCRUB_NO_CACHE turns it off.
    let given = tmp.path().join("given");
    run(&dir, &["check", "--cache-dir", given.to_str().unwrap()]);
    assert!(given.join(".gitignore").is_file());
    assert!(!dir.join(".postscrub_cache").exists());
    let from_env = tmp.path().join("from-env");
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .args(["check", "--no-config", "-q"])
        .current_dir(&dir)
        .env("POSTSCRUB_CACHE_DIR", &from_env)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    assert!(from_env.join("CACHEDIR.TAG").is_file());
    let off = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .args(["check", "--no-config", "-q"])
        .current_dir(&dir)
        .env("POSTSCRUB_NO_CACHE", "1")
        .output()
        .unwrap();
    assert!(off.status.code().is_some_and(|c| c <= 1));
    assert!(!dir.join(".postscrub_cache").exists());
    // Beside postscrub.yaml, found from a folder below it.
    std::fs::write(dir.join("postscrub.yaml"), "target: hexo\n").unwrap();
    let below = dir.join("source");
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .args(["check", "-q", "."])
        .current_dir(&below)
        .env_remove("POSTSCRUB_NO_CACHE")
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    assert!(dir.join(".postscrub_cache").is_dir());
    assert!(!below.join(".postscrub_cache").exists());
    // The cache's own files are never taken for posts.
    let listed = run(&dir, &["check", "--format", "json"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains(".postscrub_cache"));
}
