//! Command-line behaviour as data: each `tests/cmd/*.toml` runs postscrub in a sandbox copy of
//! its `.in/` folder and compares stdout, stderr, the exit code and (where given) the resulting
//! folder with `.out/`. Refresh snapshots with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli_cases() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .env("CI", "true")
        // Cases are about one run each; the cache has its own cases and tests (tests/cache.rs).
        .env("POSTSCRUB_NO_CACHE", "1")
        .case("tests/cmd/*.toml");
}
