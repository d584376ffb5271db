//! The hostile-input catalogue, as data: each `tests/hostile/*.toml` is one case a careful
//! attacker or a careless user could bring (broken YAML, symlinks out of the tree, names with
//! control characters, inputs that make naive code quadratic, ...). Each states the command, the
//! exit code and the message a user can act on, and runs in a sandbox copy of its `.in/` folder;
//! where a `.out/` folder is given, the whole tree afterwards must equal it, which is how a case
//! shows that no other post was affected. Cases whose input cannot be committed (a symlink to
//! `/etc/passwd`, a FIFO, a 100 MB post, 100,000-deep nesting) are built by
//! `tests/hostile_generated.rs`. Refresh snapshots with `TRYCMD=overwrite cargo test --test hostile`.

#[test]
fn hostile_catalogue() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile");
    let cases = std::fs::read_dir(&dir)
        .expect("tests/hostile exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .count();
    assert!(
        cases > 0,
        "no hostile-input cases found in {}",
        dir.display()
    );
    trycmd::TestCases::new()
        .env("POSTSCRUB_NO_CACHE", "1")
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .case("tests/hostile/*.toml");
}
