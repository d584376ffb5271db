#![no_main]
//! Fuzz target `convert_chunks`: see `checks::convert_chunks` for what it feeds and asserts.

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::convert_chunks(data));
