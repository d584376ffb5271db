#![no_main]
//! Fuzz target `pipeline`: see `checks::pipeline` for what it feeds and asserts.

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::pipeline(data));
