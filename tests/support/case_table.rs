//! One row per hostile case for the catalogue table (`scripts/hostile-table`).
//!
//! The catalogue's generated cases (tests/hostile_*.rs) call [`record`] after each run. It does
//! nothing unless `POSTSCRUB_CASE_TABLE` names a file; then it appends one tab-separated line:
//! catalogue, case name, the postscrub arguments, the exit code and the first line of stderr.
//! The script turns the lines into the Markdown table the issue notes carry.

#![allow(dead_code)] // each test binary uses what it needs

use std::io::Write;

/// Append one row for a finished case when a table file was asked for.
pub fn record(catalogue: &str, case: &str, args: &[String], code: Option<i32>, stderr: &str) {
    let Some(path) = std::env::var_os("POSTSCRUB_CASE_TABLE") else {
        return;
    };
    let clean = |s: &str| s.replace(['\t', '\n', '\r'], " ");
    let first = stderr.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let shown: Vec<String> = args.iter().map(|a| shorten(a)).collect();
    let line = format!(
        "{catalogue}\t{}\tpostscrub {}\t{}\t{}\n",
        clean(case),
        clean(&shown.join(" ")),
        code.map_or_else(|| "signal".to_owned(), |c| c.to_string()),
        clean(&shorten(first)),
    );
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("the case table file opens");
    file.write_all(line.as_bytes())
        .expect("the case table row is written");
}

/// Temp-dir paths and huge generated arguments, cut to something a table can show.
fn shorten(s: &str) -> String {
    let tmp = std::env::temp_dir();
    let tmp = tmp.to_string_lossy();
    let mut out = s.to_owned();
    if let Some(i) = out.find(&*tmp) {
        // `/tmp/.tmpAbC123/posts/a.md` → `posts/a.md`
        let rest = &out[i + tmp.len()..];
        let rest = rest.trim_start_matches('/');
        let rest = rest.split_once('/').map_or("", |(_, r)| r);
        out = format!("{}{rest}", &out[..i]);
    }
    if out.chars().count() > 120 {
        out = out.chars().take(117).collect::<String>() + "...";
    }
    out
}
