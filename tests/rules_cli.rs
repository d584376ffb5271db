//! Rule-authoring commands tested as data: each `tests/rules_cmd/*.toml` runs `postscrub` in its
//! `.in/` folder (copied to a sandbox) and compares stdout, stderr and the exit code.
//! Refresh the expectations with `TRYCMD=overwrite cargo test --test rules_cli`.

#[test]
fn rules_cli() {
    trycmd::TestCases::new()
        .env("POSTSCRUB_NO_CACHE", "1")
        .case("tests/rules_cmd/*.toml");
}
