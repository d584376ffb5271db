//! The converter over every post body of the real corpus
//! (`tests/corpus/source/**/*.md`, body = what follows the front matter):
//! deterministic and independent of chunking, no visible text lost when the
//! Markdown is rendered back, no leftover `<p>`/`<div>`/`<span>`/`<font>`/`<br>`
//! raw HTML, idempotent (the rendered-back HTML converts to the same
//! Markdown), and no panic. `POSTSCRUB_DUMP=dir` writes each result to `dir`
//! for reading.

#[path = "fixtures/convert/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};

use postscrub::markdown::{Options, convert};

fn corpus_posts() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/source");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The HTML body: everything after the closing `---` of the front matter.
fn body_of(post: &str) -> &str {
    let mut fences = 0;
    let mut offset = 0;
    for line in post.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == "---" {
            fences += 1;
            if fences == 2 {
                return &post[offset..];
            }
        }
    }
    post
}

#[test]
fn corpus_invariants() {
    let posts = corpus_posts();
    assert!(
        posts.len() >= 131,
        "expected the 131 corpus posts under tests/corpus/source, found {}",
        posts.len()
    );
    let dump = std::env::var_os("POSTSCRUB_DUMP").map(PathBuf::from);
    let opts = Options::default();
    let mut failures = Vec::new();
    for path in &posts {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let post = fs::read_to_string(path).expect("read post");
        let html = body_of(&post);
        let md = convert(html, &opts);
        if let Some(dir) = &dump {
            fs::create_dir_all(dir).expect("dump dir");
            fs::write(dir.join(&name), &md).expect("dump");
        }
        if convert(html, &opts) != md {
            failures.push(format!("{name}: not deterministic"));
        }
        for (label, sizes) in harness::chunkings(1, false) {
            if harness::convert_chunked(html, &opts, sizes) != md {
                failures.push(format!("{name}: {label} changes the output"));
            }
        }
        let back = harness::render(&md);
        let want = harness::visible_text(html);
        let got = harness::visible_text(&back);
        if want != got {
            failures.push(format!(
                "{name}: text lost or changed {}",
                harness::first_difference(&want, &got)
            ));
        }
        let forbidden = harness::forbidden_tags(&md);
        if !forbidden.is_empty() {
            failures.push(format!("{name}: raw HTML left {forbidden:?}"));
        }
        let again = convert(&back, &opts);
        if again != md {
            failures.push(format!(
                "{name}: not idempotent\n--- first\n{md}\n--- from rendered HTML\n{again}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} posts failed:\n\n{}",
        failures.len(),
        posts.len(),
        failures.join("\n\n")
    );
}
