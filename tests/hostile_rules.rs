//! Hostile rule-loading and post inputs that cannot be committed as files, built on the fly and
//! run against the real binary: FIFOs and devices where a rule or config file should be, a
//! symlink to a system file, rule files with 2,000 rules, a Markdown body with 10,000 raw-HTML
//! islands, markup nested a million deep. Each case is a row of the table below: what to build,
//! the arguments, the exit code and what stderr (and stdout) must and must not say.
//! Correctness only, at sizes a debug build runs in seconds: the same inputs at full size (20,000
//! rules, 100,000 islands) and their time bounds are measured on the release binary by
//! `scripts/hostile-timings`.

#[path = "support/case_table.rs"]
mod case_table;

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

struct Case {
    name: &'static str,
    /// Builds the inputs in the folder and returns the arguments.
    setup: fn(&Path) -> Vec<String>,
    code: i32,
    stderr_contains: &'static [&'static str],
    stdout_contains: &'static [&'static str],
    /// Never printed, on either stream (secrets from a file that is not a rule file).
    never: &'static [&'static str],
}

const POST: &str = "---\ntitle: ok\n---\n\n<p>kept</p>\n";

/// Rules in the big rule files (`scripts/hostile-timings` times 20,000).
const RULES: usize = 2_000;

/// Raw-HTML islands in the Markdown post (`scripts/hostile-timings` times 100,000).
const ISLANDS: usize = 10_000;

/// Nesting depth of the deep post: lol_html's open-element stack passes the 64 MiB parse limit
/// (`clean::MAX_PARSE_MEMORY`) near 500,000 `<span>`s deep, so a million is over it with room.
const DEEP: usize = 1_000_000;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

fn many_rules(n: usize) -> String {
    let mut text = String::from("html:\n");
    for i in 0..n {
        writeln!(text, "  - id: r{i}\n    remove: div.c{i}").unwrap();
    }
    text
}

fn islands_post(n: usize, tail: &str) -> String {
    let mut text = String::from("---\ntitle: islands\n---\n\n");
    for i in 0..n {
        writeln!(text, "Line {i} <span id=\"quote_{i}\">q</span> text.\n").unwrap();
    }
    text.push_str(tail);
    text
}

const QUOTE_RULE: &str = "html:\n  - id: quote\n    remove: 'span[id^=\"quote_\"]'\n";

const CASES: &[Case] = &[
    Case {
        name: "fifo-as-rules",
        setup: |d| {
            write(d, "posts/a.md", POST);
            mkfifo(&d.join("rules.yaml"));
            args(&["check", "posts", "--rules", "./rules.yaml"])
        },
        code: 2,
        stderr_contains: &["error: rules.yaml: not a regular file (a FIFO, socket or device)"],
        stdout_contains: &[],
        never: &[],
    },
    Case {
        name: "fifo-as-config",
        setup: |d| {
            write(d, "posts/a.md", POST);
            mkfifo(&d.join("postscrub.yaml"));
            args(&["check", "posts", "--config", "postscrub.yaml"])
        },
        code: 2,
        stderr_contains: &["postscrub.yaml: not a regular file", "config file"],
        stdout_contains: &[],
        never: &[],
    },
    Case {
        name: "fifo-via-extends",
        setup: |d| {
            write(d, "posts/a.md", POST);
            write(
                d,
                "rules/local.yaml",
                "extends: [pipe.yaml]\nhtml:\n  - id: ad\n    remove: div.ad\n",
            );
            mkfifo(&d.join("rules/pipe.yaml"));
            args(&["check", "posts", "--rules", "rules/local.yaml"])
        },
        code: 2,
        stderr_contains: &[
            "rules/pipe.yaml: not a regular file",
            "(named in `extends:` of rules/local.yaml)",
        ],
        stdout_contains: &[],
        never: &[],
    },
    Case {
        name: "device-as-rules",
        setup: |d| {
            write(d, "posts/a.md", POST);
            args(&["check", "posts", "--rules", "/dev/zero"])
        },
        code: 2,
        stderr_contains: &["/dev/zero: not a regular file"],
        stdout_contains: &[],
        never: &[],
    },
    Case {
        name: "symlink-to-system-file",
        setup: |d| {
            write(d, "posts/a.md", POST);
            write(
                d,
                "secret/shadow",
                "root:$6$SALTSALT$HASHEDPASSWORDVALUE:19000:0:99999:7:::\n",
            );
            std::os::unix::fs::symlink(d.join("secret/shadow"), d.join("rules.yaml")).unwrap();
            args(&["check", "posts", "--rules", "./rules.yaml"])
        },
        code: 2,
        stderr_contains: &["rules.yaml:1:1: unknown field (a key not shown"],
        stdout_contains: &[],
        never: &["root", "SALT", "HASHED"],
    },
    Case {
        name: "two-thousand-rules",
        setup: |d| {
            write(
                d,
                "posts/a.md",
                &format!(
                    "---\ntitle: t\n---\n\n<p>a</p><div class=\"c{}\">ad</div>\n",
                    RULES - 1
                ),
            );
            write(d, "big.yaml", &many_rules(RULES));
            args(&["check", "posts", "--rules", "./big.yaml", "--no-config"])
        },
        code: 1,
        stderr_contains: &["1 of 1 post would change"],
        stdout_contains: &["posts/a.md:4:1: would change: r1999, html-to-markdown"],
        never: &[],
    },
    Case {
        name: "two-thousand-rules-duplicate-at-the-end",
        setup: |d| {
            write(d, "posts/a.md", POST);
            let mut text = many_rules(RULES);
            text.push_str("  - id: r7\n    remove: div.again\n");
            write(d, "big.yaml", &text);
            args(&["check", "posts", "--rules", "./big.yaml"])
        },
        code: 2,
        stderr_contains: &[
            // Two lines a rule after the `html:` line.
            "error: big.yaml:4002: rule `r7`: duplicate rule id `r7` (first used on line 16)",
        ],
        stdout_contains: &[],
        never: &[],
    },
    Case {
        name: "two-thousand-rules-listed",
        setup: |d| {
            write(d, "big.yaml", &many_rules(RULES));
            args(&["rules", "list", "--rules", "./big.yaml"])
        },
        code: 0,
        stderr_contains: &[],
        stdout_contains: &["big — big.yaml", "  r1999 "],
        never: &[],
    },
    Case {
        name: "ten-thousand-islands-then-an-unclosed-comment",
        setup: |d| {
            write(
                d,
                "posts/post.md",
                &islands_post(ISLANDS, "<!-- tracking\n\nthe rest\n"),
            );
            write(d, "quote.yaml", QUOTE_RULE);
            args(&["check", "posts", "--rules", "./quote.yaml", "--no-config"])
        },
        code: 1,
        // 4 front-matter lines, then two lines per island.
        stderr_contains: &[
            "warning: posts/post.md:20005: <!-- is never closed (no `-->`); it swallows the rest of the post (24 bytes)",
            "1 of 1 post would change",
        ],
        stdout_contains: &["posts/post.md:5:8: would change: quote ×10000"],
        never: &[],
    },
    Case {
        name: "nested-a-million-deep",
        setup: |d| {
            let n = DEEP;
            let body = format!(
                "<div>{}x{}</div>\n",
                "<span>".repeat(n),
                "</span>".repeat(n)
            );
            write(
                d,
                "posts/deep.md",
                &format!("---\ntitle: deep\n---\n{body}"),
            );
            write(d, "posts/fine.md", POST);
            // No body rules: only the converter parses the body.
            write(
                d,
                "fm.yaml",
                "front_matter:\n  - id: t\n    remove_fields: { names: [zzz] }\n",
            );
            // Over the default --max-post-size: raised so the parser limit is what stops it.
            args(&[
                "convert",
                "posts",
                "--out",
                "out",
                "--rules",
                "./fm.yaml",
                "--max-post-size",
                "64M",
            ])
        },
        code: 2,
        stderr_contains: &[
            "error: posts/deep.md:4: post needs more than 64 MiB to parse",
            "2 posts seen: 1 changed, 0 unchanged, 1 failed",
        ],
        stdout_contains: &[],
        never: &[],
    },
];

#[test]
fn hostile_generated_rule_and_post_inputs() {
    // The cases are independent: run them side by side (the big ones take a while unoptimized).
    let failures: Vec<String> = std::thread::scope(|scope| {
        let runs: Vec<_> = CASES.iter().map(|case| scope.spawn(|| run(case))).collect();
        runs.into_iter()
            .filter_map(|r| r.join().expect("case thread"))
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Run one case; a description of what went wrong, if anything did.
fn run(case: &Case) -> Option<String> {
    let bin = env!("CARGO_BIN_EXE_postscrub");
    let dir = tempfile::tempdir().unwrap();
    let args = (case.setup)(dir.path());
    let output = Command::new(bin)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(&args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .output()
        .expect("postscrub runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    case_table::record(
        "hostile_rules",
        case.name,
        &args,
        output.status.code(),
        &stderr,
    );
    let mut problems = Vec::new();
    if output.status.code() != Some(case.code) {
        problems.push(format!(
            "exit {:?}, expected {}",
            output.status.code(),
            case.code
        ));
    }
    for want in case.stderr_contains {
        if !stderr.contains(want) {
            problems.push(format!("stderr lacks {want:?}"));
        }
    }
    for want in case.stdout_contains {
        if !stdout.contains(want) {
            problems.push(format!("stdout lacks {want:?}"));
        }
    }
    for secret in case.never {
        if stdout.contains(secret) || stderr.contains(secret) {
            problems.push(format!("printed {secret:?}"));
        }
    }
    if problems.is_empty() {
        return None;
    }
    let cut = |s: &str| s.chars().take(2000).collect::<String>();
    Some(format!(
        "{}: {}\n--- stdout\n{}\n--- stderr\n{}",
        case.name,
        problems.join("; "),
        cut(&stdout),
        cut(&stderr)
    ))
}
