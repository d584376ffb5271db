//! Sites: detection on minimal Hexo, Hugo and Jekyll skeletons, and a Hexo site holding the
//! real corpus, where `check` at the root reads only the posts and `convert --in-place` leaves
//! every other file byte for byte as it was.

use postscrub::site::{self, Choice, Found, Kind};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_postscrub");

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A folder holding `files` (`dir/` makes an empty folder).
fn skeleton(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        if path.ends_with('/') {
            std::fs::create_dir_all(p).unwrap();
        } else {
            write(&p, text);
        }
    }
    dir
}

fn detect(dir: &Path) -> site::Site {
    site::detect(dir)
        .unwrap()
        .unwrap_or_else(|| panic!("no site found in {}", dir.display()))
}

fn rel(paths: &[PathBuf], root: &Path) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect()
}

fn evidence(site: &site::Site) -> Vec<String> {
    match &site.found {
        Found::Detected(files) => files.clone(),
        Found::Configured(f) => vec![f.to_string_lossy().into_owned()],
    }
}

#[test]
fn the_committed_skeletons_are_detected() {
    let cmd = manifest().join("tests/cmd");

    let root = cmd.join("site-hexo.in");
    let s = detect(&root.join("source/_posts/notes"));
    assert_eq!(s.kind, Kind::Hexo);
    assert_eq!(s.root, root);
    assert_eq!(evidence(&s), ["_config.yml", "package.json"]);
    assert_eq!(s.zone.value.as_deref(), Some("Asia/Shanghai"));
    assert_eq!(s.zone.line, Some(3));
    assert_eq!(rel(&s.content, &root), ["source/_posts", "source/_drafts"]);

    let root = cmd.join("site-hugo.in");
    let s = detect(&root.join("content/posts"));
    assert_eq!(s.kind, Kind::Hugo);
    assert_eq!(evidence(&s), ["hugo.toml"]);
    // The top-level `timeZone`, not `[params] timezone`.
    assert_eq!(s.zone.value.as_deref(), Some("Europe/Oslo"));
    assert_eq!(rel(&s.content, &root), ["content"]);

    let root = cmd.join("site-jekyll.in");
    let s = detect(&root);
    assert_eq!(s.kind, Kind::Jekyll);
    assert_eq!(evidence(&s), ["_config.yml", "Gemfile"]);
    assert_eq!(s.zone.value.as_deref(), Some("America/New_York"));
    assert_eq!(rel(&s.content, &root), ["_posts", "_drafts", "_recipes"]);
}

#[test]
fn each_generator_by_its_other_signs() {
    // Hexo from the folder layout alone, with an empty zone (as `hexo init` writes it).
    let d = skeleton(&[("_config.yml", "timezone: ''\n"), ("source/_posts/", "")]);
    let s = detect(d.path());
    assert_eq!((s.kind, s.zone.value.clone()), (Kind::Hexo, None));
    assert_eq!(evidence(&s), ["_config.yml", "source/_posts"]);

    // Hexo from package.json alone (no _config.yml yet): no config file, default folders.
    let d = skeleton(&[("package.json", r#"{"devDependencies": {"hexo": "8"}}"#)]);
    let s = detect(d.path());
    assert_eq!((s.kind, s.config_file.clone()), (Kind::Hexo, None));
    assert_eq!(
        rel(&s.content, d.path()),
        ["source/_posts", "source/_drafts"]
    );

    // Hexo's source_dir moves the content folders.
    let d = skeleton(&[
        ("_config.yml", "source_dir: src\n"),
        ("package.json", r#"{"dependencies": {"hexo": "8"}}"#),
    ]);
    assert_eq!(
        rel(&detect(d.path()).content, d.path()),
        ["src/_posts", "src/_drafts"]
    );

    // Hugo from config.toml + content/, and not from config.toml alone.
    let d = skeleton(&[
        ("config.toml", "timezone = 'Asia/Tokyo'\n"),
        ("content/", ""),
    ]);
    let s = detect(d.path());
    assert_eq!(s.kind, Kind::Hugo);
    assert_eq!(evidence(&s), ["config.toml", "content"]);
    assert_eq!(s.zone.value.as_deref(), Some("Asia/Tokyo"));
    let d = skeleton(&[("config.toml", "x = 1\n")]);
    assert_eq!(site::detect_at(d.path()).unwrap(), None);

    // Hugo in YAML and JSON, contentDir honoured.
    let d = skeleton(&[("hugo.yaml", "contentDir: posts\n")]);
    assert_eq!(rel(&detect(d.path()).content, d.path()), ["posts"]);
    let d = skeleton(&[("hugo.json", r#"{"timeZone": "UTC"}"#)]);
    assert_eq!(detect(d.path()).zone.value.as_deref(), Some("UTC"));

    // Jekyll from _config.yml + _posts/ (no Gemfile), and from a Gemfile alone.
    let d = skeleton(&[("_config.yml", "title: x\n"), ("_posts/", "")]);
    let s = detect(d.path());
    assert_eq!(s.kind, Kind::Jekyll);
    assert_eq!(evidence(&s), ["_config.yml", "_posts"]);
    let d = skeleton(&[("Gemfile", "gem 'github-pages', group: :jekyll_plugins\n")]);
    assert_eq!(detect(d.path()).kind, Kind::Jekyll);

    // Jekyll collections under collections_dir, listed as a sequence.
    let d = skeleton(&[
        ("_config.yml", "collections_dir: c\ncollections: [docs]\n"),
        ("c/_posts/", ""),
    ]);
    let s = detect(d.path());
    assert_eq!(s.kind, Kind::Jekyll);
    assert_eq!(
        rel(&s.content, d.path()),
        ["c/_posts", "c/_drafts", "c/_docs"]
    );
}

#[test]
fn the_nearest_site_wins_and_a_generator_named_outright_beats_a_layout() {
    // A Hugo site inside a Hexo one: from inside it, the Hugo site.
    let d = skeleton(&[
        ("_config.yml", ""),
        ("source/_posts/", ""),
        ("source/_posts/docs/hugo.toml", ""),
        ("source/_posts/docs/content/a/", ""),
    ]);
    let inner = d.path().join("source/_posts/docs");
    assert_eq!(detect(&inner.join("content/a")).root, inner);
    assert_eq!(detect(&d.path().join("source")).kind, Kind::Hexo);

    // _config.yml with both layouts: package.json naming hexo decides.
    let d = skeleton(&[
        ("_config.yml", ""),
        ("_posts/", ""),
        ("source/_posts/", ""),
        ("package.json", r#"{"dependencies": {"hexo": "8"}}"#),
    ]);
    assert_eq!(detect(d.path()).kind, Kind::Hexo);
    // …and a Gemfile naming jekyll.
    let d = skeleton(&[
        ("_config.yml", ""),
        ("_posts/", ""),
        ("source/_posts/", ""),
        ("Gemfile", "gem \"jekyll\"\n"),
    ]);
    assert_eq!(detect(d.path()).kind, Kind::Jekyll);
    // hugo.toml beats everything.
    let d = skeleton(&[("_config.yml", ""), ("_posts/", ""), ("hugo.toml", "")]);
    assert_eq!(detect(d.path()).kind, Kind::Hugo);
}

#[test]
fn no_site_and_what_overrides_detection() {
    let d = skeleton(&[("posts/a.md", "x"), ("_config.yml", "{ not yaml")]);
    // _config.yml alone is no site, and is not even parsed.
    assert_eq!(site::detect_at(d.path()).unwrap(), None);

    let hexo = skeleton(&[("_config.yml", "timezone: UTC\n"), ("source/_posts/", "")]);
    let cwd = hexo.path();
    let config = cwd.join("postscrub.yaml");
    let off = site::SiteConfig {
        kind: Some(site::KindSetting::None),
        ..Default::default()
    };
    assert_eq!(
        site::choose(Some(&off), Some(&config), cwd, false).unwrap(),
        Choice::Off(Some(config.clone()))
    );
    assert_eq!(
        site::choose(None, None, cwd, true).unwrap(),
        Choice::Off(None)
    );
    // kind given: that generator at the config file's folder, even without its files.
    let empty = skeleton(&[]);
    let jekyll = site::SiteConfig {
        kind: Some(site::KindSetting::Jekyll),
        ..Default::default()
    };
    let cfg = empty.path().join("postscrub.yaml");
    let Choice::Site(s) = site::choose(Some(&jekyll), Some(&cfg), empty.path(), false).unwrap()
    else {
        panic!("no site")
    };
    assert_eq!((s.kind, s.root.as_path()), (Kind::Jekyll, empty.path()));
    assert_eq!(s.found, Found::Configured(cfg.clone()));
    // A root where nothing is found is an error naming postscrub.yaml.
    let bad = site::SiteConfig {
        root: Some(".".into()),
        ..Default::default()
    };
    let e = site::choose(Some(&bad), Some(&cfg), empty.path(), false).unwrap_err();
    assert_eq!(e.file, cfg);
    assert!(e.message.contains("site.root"), "{}", e.message);
}

// --- The corpus in a Hexo site -------------------------------------------------------------

/// Every file below `dir` (hidden ones and `.git/` included): relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Not content, each in its own way; every one would change if it were converted.
const NOT_CONTENT: &[(&str, &str)] = &[
    // `hexo new` copies this into every new post: rewriting it loses their dates.
    (
        "scaffolds/post.md",
        "---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n",
    ),
    ("scaffolds/page.md", "<p>{{ title }}</p>\n"),
    ("themes/x/README.md", "<p>The <b>x</b> theme</p>\n"),
    ("themes/x/source/notes.md", "<p>theme <b>notes</b></p>\n"),
    ("node_modules/x/index.md", "<p>a <b>package</b></p>\n"),
    ("public/index.html", "<p>built <b>output</b></p>\n"),
    ("README.md", "<p>About this <b>site</b></p>\n"),
    (
        "source/about/index.md",
        "---\ntitle: About\n---\n<p>a <b>page</b></p>\n",
    ),
    // Left out by the ignore files below.
    (
        "source/_posts/ignored/secret.md",
        "<p>git<b>ignored</b></p>\n",
    ),
    (
        "source/_posts/excluded/secret.md",
        "<p>excluded in <b>.git/info</b></p>\n",
    ),
    (
        "source/_posts/private/secret.md",
        "<p>in <b>.ignore</b></p>\n",
    ),
    (
        ".gitignore",
        "node_modules/\npublic/\nsource/_posts/ignored/\n",
    ),
    (".git/info/exclude", "source/_posts/excluded/\n"),
    (".ignore", "source/_posts/private/\n"),
    ("_config.yml", "title: Corpus\ntimezone: Asia/Shanghai\n"),
    (
        "package.json",
        "{\n  \"name\": \"corpus\",\n  \"dependencies\": { \"hexo\": \"^8.0.0\" }\n}\n",
    ),
];

fn corpus_site() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let posts = files(&manifest().join("tests/corpus/source/_posts"));
    for (rel, bytes) in &posts {
        let p = root.join("source/_posts").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    for (path, text) in NOT_CONTENT {
        write(&root.join(path), text);
    }
    (dir, posts)
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_at_the_root_of_a_hexo_site_reads_only_the_posts() {
    let (dir, posts) = corpus_site();
    assert_eq!(posts.len(), 131, "the corpus has 131 posts");
    let (code, stdout, stderr) = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let report: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let read: Vec<&str> = report.iter().map(|r| r["path"].as_str().unwrap()).collect();
    let expected: Vec<String> = posts
        .keys()
        .map(|rel| format!("source/_posts/{rel}"))
        .collect();
    let mut sorted_read = read.clone();
    sorted_read.sort_unstable();
    assert_eq!(sorted_read, expected, "check read exactly the corpus posts");
    // Named the way a pre-commit hook names them, the non-content files are skipped too.
    let named: Vec<&str> = NOT_CONTENT
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| p.ends_with(".md") || p.ends_with(".html"))
        .filter(|p| !p.contains("/_posts/"))
        .collect();
    let mut args = vec!["check"];
    args.extend(&named);
    let (code, _, stderr) = run(dir.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "0 posts seen: nothing to change, {} named files skipped (not site content)",
            named.len()
        )),
        "{stderr}"
    );
}

#[test]
fn convert_in_place_at_the_root_leaves_everything_else_byte_identical() {
    let (dir, posts) = corpus_site();
    let root = dir.path();
    let before = files(root);
    let (code, _, stderr) = run(root, &["convert", "--in-place"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("131 posts seen: 131 changed"), "{stderr}");
    let after = files(root);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "no file was added or removed"
    );
    let mut changed = Vec::new();
    for (path, bytes) in &before {
        if after[path] != *bytes {
            changed.push(path.clone());
        }
    }
    let expected: Vec<String> = posts
        .keys()
        .map(|rel| format!("source/_posts/{rel}"))
        .collect();
    assert_eq!(changed, expected, "only the posts changed");
    // The site is clean now: a second run changes nothing.
    let (code, _, stderr) = run(root, &["check"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(files(root), after);
}

// --- Hostile site files ---------------------------------------------------------------------

/// Runs postscrub, failing instead of hanging if it opened a FIFO.
fn run_bounded(dir: &Path, args: &[&str]) -> (i32, String, String) {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(BIN)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("postscrub {args:?} did not finish in 30s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const POST: &str = "---\ntitle: t\n---\n<p>Hello <b>world</b></p>\n";

#[test]
fn a_config_yml_linked_to_etc_passwd_is_an_error_that_quotes_nothing() {
    let d = skeleton(&[("source/_posts/a.md", POST)]);
    std::os::unix::fs::symlink("/etc/passwd", d.path().join("_config.yml")).unwrap();
    let (code, _, stderr) = run_bounded(d.path(), &["check"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("error: _config.yml:"), "{stderr}");
    assert!(!stderr.contains("root:"), "quoted the file: {stderr}");
}

#[test]
fn a_fifo_config_yml_is_never_opened() {
    let d = skeleton(&[("source/_posts/a.md", POST)]);
    let status = Command::new("mkfifo")
        .arg(d.path().join("_config.yml"))
        .status()
        .unwrap();
    assert!(status.success());
    // Not a file, so no site: the folder is walked as a plain folder of posts.
    let (code, _, stderr) = run_bounded(d.path(), &["check", "-v"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("site: none found"), "{stderr}");
}

#[test]
fn billion_laughs_in_a_site_config_fails_fast_with_a_position() {
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..9 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        yaml.push_str(&format!(
            "l{i}: &l{i} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    let d = skeleton(&[("_config.yml", &yaml), ("source/_posts/a.md", POST)]);
    let start = std::time::Instant::now();
    let (code, _, stderr) = run_bounded(d.path(), &["site"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(start.elapsed().as_secs() < 10);
    assert!(
        stderr.contains("_config.yml:") && stderr.contains("billion laughs"),
        "{stderr}"
    );
}

#[test]
fn a_huge_site_config_is_not_read() {
    let d = skeleton(&[("source/_posts/a.md", POST)]);
    let f = std::fs::File::create(d.path().join("_config.yml")).unwrap();
    f.set_len(site::MAX_CONFIG_SIZE + 1).unwrap();
    let (code, _, stderr) = run_bounded(d.path(), &["site"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("larger than any site config file"),
        "{stderr}"
    );
}

#[test]
fn a_bad_glob_in_a_gitignore_is_said_and_the_rest_of_it_applies() {
    let d = skeleton(&[
        ("_config.yml", "timezone: UTC\n"),
        (".git/", ""),
        (".gitignore", "source/_posts/skip/\n[z-a]\n"),
        ("source/_posts/a.md", POST),
        ("source/_posts/skip/b.md", POST),
    ]);
    let (code, stdout, stderr) = run_bounded(d.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.starts_with("source/_posts/a.md:"), "{stdout}");
    assert!(
        stderr.contains("warning: .gitignore: ignore file read only in part (line 2: "),
        "{stderr}"
    );
}

#[test]
fn a_gitignore_outside_any_repository_is_not_git_s_and_does_not_apply() {
    // As Git: a .gitignore means something inside a repository only (a dotfiles `*` above a
    // site must not hide its posts). `.ignore` applies everywhere.
    let d = skeleton(&[
        ("_config.yml", "timezone: UTC\n"),
        (".gitignore", "*\n"),
        (".ignore", "source/_posts/skip/\n"),
        ("source/_posts/a.md", POST),
        ("source/_posts/skip/b.md", POST),
    ]);
    let (code, stdout, stderr) = run_bounded(d.path(), &["check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.lines().collect::<Vec<_>>().len(), 1, "{stdout}");
}
