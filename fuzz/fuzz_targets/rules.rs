#![no_main]
//! Fuzz target `rules`: see `checks::rules` for what it feeds and asserts.

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::rules(data));
