//! The committed inputs the whole-corpus suites read (included with `#[path]`): the posts of
//! tests/corpus (a copy of the shared corpus) and other folders of test data. A suite that
//! finds no input fails: every listing says how many it wants at least.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The files under `dir` (relative to the crate) whose extension is one of `exts` (any file
/// when `exts` is empty), sorted; at least `min` of them.
pub fn files(dir: &str, exts: &[&str], min: usize) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    assert!(root.is_dir(), "the test data must be at {}", root.display());
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| exts.is_empty() || p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)))
        .collect();
    found.sort();
    assert!(
        found.len() >= min,
        "{dir}: found only {} files",
        found.len()
    );
    found
}

/// Every post of the corpus (`tests/corpus/source/**/*.md`).
pub fn posts() -> Vec<PathBuf> {
    files("tests/corpus/source", &["md"], 131)
}

/// The fuzz regressions' folder: its inputs start with the fuzz target's option bytes.
pub const FUZZ_REGRESSIONS: &str = "tests/fuzz-regressions";

/// Every committed input the converter suites read, with the folder it is in: the corpus
/// posts, the converter fixtures, the hostile catalogue and the fuzz regressions (over 400).
pub fn converter_inputs() -> Vec<(&'static str, PathBuf)> {
    let mut inputs = Vec::new();
    for (dir, exts, min) in [
        ("tests/corpus/source", &["md"][..], 131),
        ("tests/fixtures/convert", &["html"][..], 100),
        ("tests/hostile", &["md", "html", "htm", "txt"][..], 100),
        (FUZZ_REGRESSIONS, &[][..], 1),
    ] {
        inputs.extend(files(dir, exts, min).into_iter().map(|p| (dir, p)));
    }
    assert!(inputs.len() > 400, "{}", inputs.len());
    inputs
}
