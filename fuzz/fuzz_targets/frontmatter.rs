#![no_main]
//! Fuzz target `frontmatter`: see `checks::frontmatter` for what it feeds and asserts.

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::frontmatter(data));
