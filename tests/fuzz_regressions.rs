//! Inputs the fuzzers (see `fuzz/README.md`) found, replayed through the very checks the fuzz
//! targets run (`fuzz/checks.rs` is compiled into this test). Each file under
//! `tests/fuzz-regressions/<target>/` is one input for the target of that name; adding a crash
//! found by `cargo fuzz run` is copying its artifact there.
//!
//! Files named `known-*` reproduce defects that are not fixed yet: the main test skips them,
//! and the `#[ignore]`d tests below replay them, one per defect, named after it. When a defect
//! is fixed, drop the `known-` prefix (the main test then guards it) and delete its ignored test.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::{Path, PathBuf};

type Check = fn(&[u8]);

const TARGETS: &[(&str, Check)] = &[
    ("pipeline", checks::pipeline),
    ("rules", checks::rules),
    ("frontmatter", checks::frontmatter),
    ("convert_chunks", checks::convert_chunks),
];

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions")
}

fn inputs(target: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join(target))
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_none_or(|n| n != "README.md"));
    files.sort();
    files
}

fn is_known(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("known-"))
}

/// Replay `files` through `check`; the failures, each with its file and panic message.
fn replay(check: Check, files: &[PathBuf]) -> Vec<String> {
    let mut failures = Vec::new();
    for path in files {
        let data = std::fs::read(path).unwrap();
        if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            failures.push(format!("{}: {message}", path.display()));
        }
    }
    failures
}

#[test]
fn fuzz_regressions_replay() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (target, check) in TARGETS {
        let files: Vec<PathBuf> = inputs(target)
            .into_iter()
            .filter(|p| !is_known(p))
            .collect();
        count += files.len();
        failures.extend(replay(*check, &files));
    }
    assert!(
        count > 0,
        "no fuzz regression inputs under {}",
        dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} fuzz regression input(s) fail:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Every file in the folder is one a replay picks up: no stray target folders.
#[test]
fn fuzz_regression_folders_are_targets() {
    for entry in std::fs::read_dir(dir()).unwrap().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            name == "README.md" || TARGETS.iter().any(|(t, _)| *t == name),
            "tests/fuzz-regressions/{name} is not a fuzz target's folder"
        );
    }
}

/// Replay the known-defect inputs of `target` whose name contains `defect`: for the
/// `#[ignore]`d test of a defect not fixed yet (none at the moment).
#[allow(dead_code)]
fn known(target: &str, defect: &str) {
    let check = TARGETS.iter().find(|(t, _)| *t == target).unwrap().1;
    let files: Vec<PathBuf> = inputs(target)
        .into_iter()
        .filter(|p| is_known(p) && p.to_string_lossy().contains(defect))
        .collect();
    assert!(!files.is_empty(), "no known-*{defect}* inputs for {target}");
    let failures = replay(check, &files);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
