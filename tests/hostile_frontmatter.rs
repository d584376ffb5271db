//! Hostile front matter and rule files too big (or too byte-exact) to commit as
//! `tests/hostile/*.toml` cases: 100,000-deep nesting, a 50,000-deep rule file, a billion-laughs
//! file with many more levels, and CRLF and backslash-escape edits whose bytes must come out
//! exactly (trycmd normalizes line endings and backslashes when it compares files). Each case
//! is a row: the files to create, the arguments, the exit code, a line the stderr must hold,
//! and for edits the exact bytes of the output post. Every case must finish within a bound
//! (generous, for debug builds on a shared machine: the work is linear).

#[path = "support/case_table.rs"]
mod case_table;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: &'static [&'static str],
    code: i32,
    stderr: &'static str,
    /// The output post `out/a.md` must be exactly this; `None`: it must not exist.
    output: Option<&'static [u8]>,
}

const OTHER: &[u8] = b"---\ntitle: other\n---\n\n<p>untouched</p>\n";
const RULES_RM: &[u8] =
    b"name: fm-case\nfront_matter:\n  - id: drop-tags\n    remove_fields: { names: [tags] }\n";
const CONVERT: &[&str] = &["convert", "posts", "--out", "out", "--to", "html"];
const CONVERT_RULES: &[&str] = &[
    "convert",
    "posts",
    "--out",
    "out",
    "--to",
    "html",
    "--rules",
    "rules.yaml",
];

fn post(front_matter: &str) -> Vec<u8> {
    format!("---\n{front_matter}---\n\n<p>x</p>\n").into_bytes()
}

fn laughs(levels: usize, width: usize) -> String {
    let mut s = format!("l0: &a0 [{}]\n", vec!["lol"; width].join(", "));
    for i in 1..levels {
        let refs = vec![format!("*a{}", i - 1); width].join(", ");
        s.push_str(&format!("l{i}: &a{i} [{refs}]\n"));
    }
    s
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "100,000-deep [ in front matter",
            files: vec![
                ("posts/a.md", post(&format!("title: t\ntags: {}\n", "[".repeat(100_000)))),
                ("posts/other.md", OTHER.to_vec()),
            ],
            args: CONVERT,
            code: 2,
            stderr: "error: posts/a.md:3:134: front matter nests deeper than 128 levels: simplify it (no post needs such structure)",
            output: None,
        },
        Case {
            name: "100,000-deep { in front matter, on one line with the key",
            files: vec![
                ("posts/a.md", post(&format!("{}\n", "{a: ".repeat(100_000)))),
                ("posts/other.md", OTHER.to_vec()),
            ],
            args: CONVERT,
            code: 2,
            stderr: "front matter nests deeper than 128 levels",
            output: None,
        },
        Case {
            name: "100,000-deep block sequence in front matter",
            files: vec![
                ("posts/a.md", post(&format!("tags:\n{}x\n", "- ".repeat(100_000)))),
                ("posts/other.md", OTHER.to_vec()),
            ],
            args: CONVERT,
            code: 2,
            stderr: "error: posts/a.md:3:257: front matter nests deeper than 128 levels",
            output: None,
        },
        Case {
            name: "50,000-deep rule file",
            files: vec![
                ("posts/a.md", OTHER.to_vec()),
                (
                    "deep.yaml",
                    format!("name: deep\nfront_matter: {}\n", "[".repeat(50_000)).into_bytes(),
                ),
            ],
            args: &["convert", "posts", "--out", "out", "--rules", "deep.yaml"],
            code: 2,
            stderr: "error: deep.yaml:2:142: rule file nests deeper than 128 levels: no rule needs such structure",
            output: None,
        },
        Case {
            name: "50,000-deep block rule file",
            files: vec![
                ("posts/a.md", OTHER.to_vec()),
                (
                    "deep.yaml",
                    format!("name: deep\nhtml:\n{}x\n", "- ".repeat(50_000)).into_bytes(),
                ),
            ],
            args: &["convert", "posts", "--out", "out", "--rules", "deep.yaml"],
            code: 2,
            stderr: "rule file nests deeper than 128 levels",
            output: None,
        },
        Case {
            name: "100,000-deep config file",
            files: vec![
                ("posts/a.md", OTHER.to_vec()),
                (
                    "postscrub.yaml",
                    format!("rules: {}\n", "[".repeat(100_000)).into_bytes(),
                ),
            ],
            args: CONVERT,
            code: 2,
            stderr: "postscrub.yaml:1:135: config file nests deeper than 128 levels",
            output: None,
        },
        Case {
            name: "billion laughs, 30 levels of 30",
            files: vec![
                ("posts/a.md", post(&laughs(30, 30))),
                ("posts/other.md", OTHER.to_vec()),
            ],
            args: CONVERT,
            code: 2,
            stderr: "error: posts/a.md:4:55: front matter has aliases that expand to more than 10000 nodes (a \"billion laughs\"): simplify it (no post needs such structure)",
            output: None,
        },
        Case {
            name: "CRLF multi-line removal keeps CRLF bytes",
            files: vec![
                (
                    "posts/a.md",
                    b"---\r\ntitle: t\r\ntags: [a,\r\n  b] # c\r\n# kept\r\ndate: x\r\n---\r\n\r\n<p>x</p>\r\n"
                        .to_vec(),
                ),
                ("rules.yaml", RULES_RM.to_vec()),
            ],
            args: CONVERT_RULES,
            code: 0,
            stderr: "1 post seen: 1 changed",
            output: Some(b"---\r\ntitle: t\r\n# kept\r\ndate: x\r\n---\r\n\r\n<p>x</p>\r\n"),
        },
        Case {
            name: "escaped quotes and backslashes in a removed value",
            files: vec![
                (
                    "posts/a.md",
                    post("title: 'C:\\dir'\ntags: \"a \\\" b\ntags: \\\\\"\ndate: x\n"),
                ),
                ("rules.yaml", RULES_RM.to_vec()),
            ],
            args: CONVERT_RULES,
            code: 0,
            stderr: "1 post seen: 1 changed",
            output: Some(b"---\ntitle: 'C:\\dir'\ndate: x\n---\n\n<p>x</p>\n"),
        },
        Case {
            name: "lone CR line breaks with a multi-line value",
            files: vec![
                (
                    "posts/a.md",
                    b"---\rtitle: t\rtags: \"a\r b\"\r---\r\r<p>x</p>\r".to_vec(),
                ),
                ("rules.yaml", RULES_RM.to_vec()),
            ],
            args: CONVERT_RULES,
            code: 0,
            stderr: "warning: posts/a.md:1: line breaks are lone CRs (old Mac)",
            output: Some(b"---\ntitle: t\n---\n\n<p>x</p>\n"),
        },
    ]
}

fn run(case: &Case) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, bytes) in &case.files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
    }
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(case.args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .output()
        .map_err(|e| e.to_string())?;
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let args: Vec<String> = case.args.iter().map(|a| (*a).to_owned()).collect();
    case_table::record(
        "hostile_frontmatter",
        case.name,
        &args,
        out.status.code(),
        &stderr,
    );
    let mut problems = Vec::new();
    if out.status.code() != Some(case.code) {
        problems.push(format!(
            "exit {:?}, wanted {}",
            out.status.code(),
            case.code
        ));
    }
    if !stderr.contains(case.stderr) {
        problems.push(format!("stderr lacks {:?}", case.stderr));
    }
    // Never echo a 100,000-byte post back.
    let stderr: String = stderr.chars().take(2000).collect();
    if elapsed > Duration::from_secs(10) {
        problems.push(format!("took {elapsed:?}"));
    }
    let written = std::fs::read(dir.path().join("out/a.md")).ok();
    if written.as_deref() != case.output {
        let show = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(500)]).into_owned();
        problems.push(format!(
            "out/a.md is {:?}, wanted {:?}",
            written.as_deref().map(show),
            case.output.map(show)
        ));
    }
    // Inputs are never modified.
    for (path, bytes) in &case.files {
        if std::fs::read(dir.path().join(path)).ok().as_ref() != Some(bytes) {
            problems.push(format!("{path} was modified"));
        }
    }
    if Path::new(&dir.path().join("out/other.md")).exists()
        != case.files.iter().any(|f| f.0 == "posts/other.md")
    {
        problems.push("the other post was not converted".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\nstderr:\n{stderr}", problems.join("\n")))
    }
}

#[test]
fn generated_hostile_front_matter() {
    let failures: Vec<String> = cases()
        .iter()
        .filter_map(|c| run(c).err().map(|e| format!("== {}\n{e}", c.name)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
