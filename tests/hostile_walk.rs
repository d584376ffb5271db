//! The hostile-input catalogue, the part that cannot be committed as files: symlinks to
//! `/etc/passwd` and out of the sandbox, symlink loops, FIFOs, sockets, devices, unreadable
//! files, read-only output folders, a 100 MB post, names that are not UTF-8 or hold a newline
//! or ESC, stale temp and lock files, concurrent runs. Each case builds its input in a fresh
//! temp folder, runs the binary there, and states the exit code, the lines the user sees on
//! stderr (the message they can act on), and what the tree looks like afterwards.
//!
//! Tests may run as root, which reads and writes whatever the permission bits say: the cases
//! that rely on a permission being refused check `euid == 0` and then assert only what holds
//! for root too (and say so in their `after`).

#[path = "support/case_table.rs"]
mod case_table;

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_postscrub");

/// A post that changes when converted (its body is HTML).
const POST: &str = "---\ntitle: t\n---\n<p>Hello <b>world</b></p>\n";
/// What `POST` becomes.
const CONVERTED: &str = "---\ntitle: t\n---\n\nHello **world**\n";
/// A page without front matter.
const PAGE: &str = "<p>page</p>\n";

struct Case {
    name: &'static str,
    setup: fn(&Path),
    args: fn(&Path) -> Vec<String>,
    code: i32,
    /// Each must be a whole line of stderr.
    stderr_lines: &'static [&'static str],
    /// Each must occur somewhere in stderr.
    stderr_contains: &'static [&'static str],
    after: fn(&Path, &Output),
}

struct Output {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn write(p: &Path, text: impl AsRef<[u8]>) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().mode() & 0o777
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn is_root() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    fs::write(&probe, "").unwrap();
    fs::metadata(&probe).unwrap().uid() == 0
}

fn mkfifo(p: &Path) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    let status = Command::new("mkfifo").arg(p).status().expect("mkfifo runs");
    assert!(status.success());
}

/// Every file (not folder) below `dir`, relative, sorted; symlinks listed, not followed.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn go(dir: &Path, base: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let ft = e.file_type().unwrap();
            let rel = e
                .path()
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if ft.is_dir() {
                go(&e.path(), base, out);
            } else if ft.is_symlink() {
                out.push(format!(
                    "{rel} -> {}",
                    fs::read_link(e.path()).unwrap().display()
                ));
            } else {
                out.push(rel);
            }
        }
    }
    go(dir, dir, &mut out);
    out
}

fn run_in(dir: &Path, args: &[String]) -> (i32, Output) {
    let mut child = Command::new(BIN)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("CI", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    // A FIFO opened by mistake blocks forever: fail instead of hanging the suite.
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("postscrub {args:?} did not finish in 60s (opened a FIFO? followed a loop?)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        Output {
            stdout: out.stdout,
            stderr: out.stderr,
        },
    )
}

fn no_op(_: &Path, _: &Output) {}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "walk-symlink-to-etc-passwd-not-copied",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                symlink("/etc/passwd", d.join("posts/passwd.md")).unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 0,
            stderr_lines: &[
                "warning: posts/passwd.md: symlink, not followed (--follow follows symlinks)",
            ],
            stderr_contains: &["1 post seen: 1 changed"],
            after: |d, _| assert_eq!(tree(&d.join("out")), ["a.md"]),
        },
        Case {
            name: "walk-symlinked-folder-outside-not-rewritten-in-place",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("elsewhere/x.md"), POST);
                symlink("../elsewhere", d.join("posts/ext")).unwrap();
            },
            args: |_| args(&["convert", "posts", "--in-place"]),
            code: 0,
            stderr_lines: &[
                "warning: posts/ext: symlink to a folder, not followed (--follow follows symlinks)",
            ],
            stderr_contains: &[],
            after: |d, _| {
                assert_eq!(read(&d.join("elsewhere/x.md")), POST);
                assert_eq!(read(&d.join("posts/a.md")), CONVERTED);
            },
        },
        Case {
            name: "walk-follow-in-place-never-writes-outside-the-tree",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("elsewhere/x.md"), POST);
                symlink("../elsewhere", d.join("posts/ext")).unwrap();
            },
            args: |_| args(&["convert", "posts", "--in-place", "--follow"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &[
                "warning: posts/ext/x.md: is reached through a symlink, at ",
                "elsewhere/x.md, outside ",
                "; not rewritten in place (edit the target itself)",
            ],
            after: |d, _| {
                assert_eq!(read(&d.join("elsewhere/x.md")), POST);
                assert_eq!(read(&d.join("posts/a.md")), CONVERTED);
            },
        },
        Case {
            name: "walk-follow-out-copies-a-linked-folder",
            setup: |d| {
                write(&d.join("elsewhere/x.md"), POST);
                fs::create_dir_all(d.join("posts")).unwrap();
                symlink("../elsewhere", d.join("posts/ext")).unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out", "--follow"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &["1 post seen: 1 changed"],
            after: |d, _| assert_eq!(read(&d.join("out/ext/x.md")), CONVERTED),
        },
        Case {
            name: "walk-follow-in-place-link-inside-the-tree-converted-once",
            setup: |d| {
                write(&d.join("posts/real.md"), POST);
                symlink("real.md", d.join("posts/link.md")).unwrap();
            },
            args: |_| args(&["convert", "posts", "--in-place", "--follow"]),
            code: 0,
            stderr_lines: &[
                "warning: posts/link.md: symlink to posts/real.md, which is converted itself",
            ],
            stderr_contains: &["1 post seen: 1 changed"],
            after: |d, _| {
                assert_eq!(tree(&d.join("posts")), ["link.md -> real.md", "real.md"]);
                assert_eq!(read(&d.join("posts/real.md")), CONVERTED);
            },
        },
        Case {
            name: "walk-named-symlink-in-place-rewrites-its-target-keeps-the-link",
            setup: |d| {
                write(&d.join("posts/drafts/real.md"), POST);
                symlink("drafts/real.md", d.join("posts/link.md")).unwrap();
            },
            args: |_| args(&["convert", "posts/link.md", "--in-place"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &["1 post seen: 1 changed"],
            after: |d, _| {
                assert!(
                    fs::symlink_metadata(d.join("posts/link.md"))
                        .unwrap()
                        .file_type()
                        .is_symlink(),
                    "the symlink is not replaced by a file"
                );
                assert_eq!(read(&d.join("posts/drafts/real.md")), CONVERTED);
            },
        },
        Case {
            name: "walk-named-symlink-out-of-its-folder-not-rewritten-in-place",
            setup: |d| {
                write(&d.join("elsewhere/x.md"), POST);
                fs::create_dir_all(d.join("posts")).unwrap();
                symlink("../elsewhere/x.md", d.join("posts/link.md")).unwrap();
            },
            args: |_| args(&["convert", "posts/link.md", "--in-place"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &[
                "warning: posts/link.md: is a symlink to ",
                "; not rewritten in place (edit the target itself)",
            ],
            after: |d, _| assert_eq!(read(&d.join("elsewhere/x.md")), POST),
        },
        Case {
            name: "walk-symlink-loop-with-follow-is-reported-not-walked",
            setup: |d| {
                write(&d.join("posts/sub/a.md"), POST);
                symlink("..", d.join("posts/sub/loop")).unwrap();
            },
            args: |_| args(&["check", "posts", "--follow"]),
            code: 1,
            stderr_lines: &[
                "warning: posts/sub/loop: symlink loop (leads back to posts); not followed again",
            ],
            stderr_contains: &["1 of 1 post would change"],
            after: no_op,
        },
        Case {
            name: "walk-dangling-symlink-is-named",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                symlink("nowhere.md", d.join("posts/gone.md")).unwrap();
            },
            args: |_| args(&["check", "posts"]),
            code: 1,
            stderr_lines: &[
                "warning: posts/gone.md: symlink to a missing target, not followed (--follow follows symlinks)",
            ],
            stderr_contains: &[],
            after: no_op,
        },
        Case {
            name: "walk-fifo-met-in-the-walk-is-skipped-never-opened",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                mkfifo(&d.join("posts/pipe.md"));
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 0,
            stderr_lines: &["warning: posts/pipe.md: not a regular file (a FIFO); skipped"],
            stderr_contains: &["1 post seen: 1 changed"],
            after: |d, _| assert_eq!(tree(&d.join("out")), ["a.md"]),
        },
        Case {
            name: "walk-fifo-named-is-an-error-never-opened",
            setup: |d| mkfifo(&d.join("posts/pipe.md")),
            args: |_| args(&["convert", "posts/pipe.md", "--out", "out"]),
            code: 2,
            stderr_lines: &["error: posts/pipe.md: not a regular file (a FIFO); not opened"],
            stderr_contains: &[],
            after: |d, _| assert!(!d.join("out").exists()),
        },
        Case {
            name: "walk-socket-named-is-an-error",
            setup: |d| {
                fs::create_dir_all(d.join("posts")).unwrap();
                let listener = std::os::unix::net::UnixListener::bind(d.join("posts/s.md"));
                std::mem::forget(listener.unwrap());
            },
            args: |_| args(&["check", "posts/s.md"]),
            code: 2,
            stderr_lines: &["error: posts/s.md: not a regular file (a socket); not opened"],
            stderr_contains: &[],
            after: no_op,
        },
        Case {
            name: "walk-device-named-is-an-error",
            setup: |_| {},
            args: |_| args(&["check", "/dev/null"]),
            code: 2,
            stderr_lines: &["error: /dev/null: not a regular file (a device); not opened"],
            stderr_contains: &[],
            after: no_op,
        },
        Case {
            name: "walk-unreadable-post-fails-alone",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("posts/secret.md"), POST);
                fs::set_permissions(d.join("posts/secret.md"), fs::Permissions::from_mode(0o000))
                    .unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            // As root the file is readable: then both convert (checked in `after`).
            code: if is_root() { 0 } else { 2 },
            stderr_lines: &[],
            stderr_contains: &[],
            after: |d, out| {
                assert_eq!(read(&d.join("out/a.md")), CONVERTED);
                if !is_root() {
                    let err = String::from_utf8_lossy(&out.stderr);
                    assert!(
                        err.contains(
                            "error: posts/secret.md: cannot read: Permission denied (os error 13)"
                        ),
                        "{err}"
                    );
                }
            },
        },
        Case {
            name: "walk-read-only-out-folder-fails-per-post-nothing-half-written",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                fs::create_dir_all(d.join("out")).unwrap();
                fs::set_permissions(d.join("out"), fs::Permissions::from_mode(0o555)).unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            // Root writes into a read-only folder anyway: then the post converts.
            code: if is_root() { 0 } else { 2 },
            stderr_lines: &[],
            stderr_contains: &[],
            after: |d, out| {
                fs::set_permissions(d.join("out"), fs::Permissions::from_mode(0o755)).unwrap();
                let err = String::from_utf8_lossy(&out.stderr);
                if is_root() {
                    assert_eq!(tree(&d.join("out")), ["a.md"]);
                } else {
                    assert!(
                        err.contains("cannot create the lock file out/.postscrub.lock"),
                        "{err}"
                    );
                    assert!(tree(&d.join("out")).is_empty());
                }
            },
        },
        Case {
            name: "walk-symlinked-folder-inside-out-is-not-written-through",
            setup: |d| {
                write(&d.join("posts/sub/a.md"), POST);
                write(&d.join("posts/b.md"), POST);
                fs::create_dir_all(d.join("elsewhere")).unwrap();
                fs::create_dir_all(d.join("out")).unwrap();
                symlink("../elsewhere", d.join("out/sub")).unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 2,
            stderr_lines: &[
                "error: posts/sub/a.md: cannot write out/sub/a.md: out/sub is a symlink: postscrub does not write through symlinks inside --out (remove it, or choose another --out)",
            ],
            stderr_contains: &[],
            after: |d, _| {
                assert!(tree(&d.join("elsewhere")).is_empty());
                assert_eq!(read(&d.join("out/b.md")), CONVERTED);
            },
        },
        Case {
            name: "walk-100-mb-post-fails-alone",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                // Sparse: 100 MiB in the metadata, no disk space used.
                let f = fs::File::create(d.join("posts/huge.md")).unwrap();
                f.set_len(100 * 1024 * 1024).unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 2,
            stderr_lines: &[
                "error: posts/huge.md: post is 104857600 bytes, over the 16 MiB limit (--max-post-size)",
            ],
            stderr_contains: &["2 posts seen: 1 changed, 0 unchanged, 1 failed"],
            after: |d, _| assert_eq!(tree(&d.join("out")), ["a.md"]),
        },
        Case {
            name: "walk-invalid-utf8-names-stay-two-files",
            setup: |d| {
                write(&d.join(OsStr::from_bytes(b"posts/caf\xe9.md")), POST);
                write(&d.join(OsStr::from_bytes(b"posts/caf\xe8.md")), PAGE);
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &["2 posts seen"],
            after: |d, _| {
                let out = d.join("out");
                assert_eq!(read(&out.join(OsStr::from_bytes(b"caf\xe9.md"))), CONVERTED);
                assert_eq!(read(&out.join(OsStr::from_bytes(b"caf\xe8.md"))), "page\n");
            },
        },
        Case {
            name: "walk-invalid-utf8-name-is-shown-as-hex",
            setup: |d| write(&d.join(OsStr::from_bytes(b"posts/caf\xe9.md")), b"\xff"),
            args: |_| args(&["check", "posts"]),
            code: 2,
            stderr_lines: &[
                "error: posts/caf\\xe9.md: not UTF-8 text: convert it first (e.g. with iconv); left untouched",
            ],
            stderr_contains: &[],
            after: no_op,
        },
        Case {
            name: "walk-newline-in-a-name-cannot-forge-a-github-command",
            setup: |d| {
                write(
                    &d.join("posts/x\n::error file=forged.md::pwned\n.md"),
                    "---\ntitle: [\n---\nbody\n",
                );
                write(&d.join("posts/y%,:\r.md"), POST);
            },
            args: |_| args(&["check", "posts", "--format", "github"]),
            code: 2,
            stderr_lines: &[],
            stderr_contains: &["error: posts/x\\n::error file=forged.md::pwned\\n.md:"],
            after: |_, out| {
                for line in String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .chain(String::from_utf8_lossy(&out.stdout).lines())
                {
                    assert!(!line.starts_with("::error file=forged"), "forged: {line}");
                }
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert!(
                    stdout.contains("file=posts/y%25%2C%3A\\r.md,line=4,"),
                    "{stdout}"
                );
                assert!(
                    stdout.contains(
                        "::error file=posts/x\\n%3A%3Aerror file=forged.md%3A%3Apwned\\n.md,title=postscrub::"
                    ),
                    "{stdout}"
                );
            },
        },
        Case {
            name: "walk-escape-sequences-in-a-name-are-escaped-everywhere",
            setup: |d| write(&d.join("posts/\x1b]0;pwned\x07\x1b[31mred.md"), POST),
            args: |_| args(&["diff", "posts"]),
            code: 1,
            stderr_lines: &[],
            stderr_contains: &[],
            after: |_, out| {
                assert!(!out.stdout.contains(&0x1b), "ESC reached stdout");
                assert!(!out.stderr.contains(&0x1b), "ESC reached stderr");
                let stdout = String::from_utf8_lossy(&out.stdout);
                assert!(
                    stdout.contains("--- \"a/posts/\\033]0;pwned\\007\\033[31mred.md\""),
                    "{stdout}"
                );
            },
        },
        Case {
            name: "walk-names-with-spaces-quotes-and-newlines-convert",
            setup: |d| {
                write(&d.join("posts/my post.md"), POST);
                write(&d.join("posts/it's \"quoted\".md"), POST);
                write(&d.join("posts/two\nlines.md"), POST);
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &["3 posts seen: 3 changed"],
            after: |d, _| {
                for name in ["my post.md", "it's \"quoted\".md", "two\nlines.md"] {
                    assert_eq!(read(&d.join("out").join(name)), CONVERTED);
                }
            },
        },
        Case {
            name: "walk-out-files-get-the-input-permission-bits",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("posts/shared.md"), POST);
                write(&d.join("posts/page.html"), PAGE);
                fs::set_permissions(d.join("posts/a.md"), fs::Permissions::from_mode(0o640))
                    .unwrap();
                fs::set_permissions(d.join("posts/shared.md"), fs::Permissions::from_mode(0o664))
                    .unwrap();
                fs::set_permissions(d.join("posts/page.html"), fs::Permissions::from_mode(0o604))
                    .unwrap();
            },
            args: |_| args(&["convert", "posts", "--out", "out"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &[],
            after: |d, _| {
                assert_eq!(mode(&d.join("out/a.md")), 0o640);
                assert_eq!(mode(&d.join("out/shared.md")), 0o664);
                assert_eq!(mode(&d.join("out/page.md")), 0o604);
            },
        },
        Case {
            name: "walk-in-place-keeps-mode-and-the-page-md-gets-the-page-mode",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("posts/page.html"), PAGE);
                fs::set_permissions(d.join("posts/a.md"), fs::Permissions::from_mode(0o640))
                    .unwrap();
                fs::set_permissions(d.join("posts/page.html"), fs::Permissions::from_mode(0o755))
                    .unwrap();
            },
            args: |_| args(&["convert", "posts", "--in-place"]),
            code: 0,
            stderr_lines: &["2 posts seen: 2 changed, 0 unchanged in [..]s"],
            stderr_contains: &[],
            after: |d, _| {
                assert_eq!(mode(&d.join("posts/a.md")), 0o640);
                assert_eq!(mode(&d.join("posts/page.md")), 0o755);
                assert_eq!(tree(&d.join("posts")), ["a.md", "page.md"]);
            },
        },
        Case {
            name: "walk-in-place-keeps-the-owner",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("posts/page.html"), PAGE);
                if is_root() {
                    for f in ["posts/a.md", "posts/page.html"] {
                        std::os::unix::fs::chown(d.join(f), Some(1234), Some(2345)).unwrap();
                    }
                }
            },
            args: |_| args(&["convert", "posts", "--in-place"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &[],
            after: |d, _| {
                // Only root can give files away (and set them up owned by someone else).
                if is_root() {
                    for f in ["posts/a.md", "posts/page.md"] {
                        let meta = fs::metadata(d.join(f)).unwrap();
                        assert_eq!((meta.uid(), meta.gid()), (1234, 2345), "{f}");
                    }
                }
            },
        },
        Case {
            name: "walk-stale-temp-files-are-removed-by-the-next-run",
            setup: |d| {
                write(&d.join("posts/a.md"), CONVERTED);
                // pid 4194304 is above Linux's pid_max: never a live process.
                write(&d.join("posts/.postscrub-tmp-4194304-7-a.md"), "half");
                write(&d.join("posts/sub/.postscrub-tmp-4194304-8-b.md"), "half");
                write(&d.join("posts/sub/b.md"), CONVERTED);
                write(&d.join("posts/.postscrub.lock.4194304"), "4194304\n");
            },
            args: |_| args(&["convert", "posts", "--in-place"]),
            code: 0,
            stderr_lines: &[
                "warning: removed 3 temporary files left by an interrupted run",
                "2 posts seen: 0 changed, 2 unchanged in [..]s",
            ],
            stderr_contains: &[],
            after: |d, _| assert_eq!(tree(&d.join("posts")), ["a.md", "sub/b.md"]),
        },
        Case {
            name: "walk-in-place-finishes-a-page-conversion-a-kill-interrupted",
            setup: |d| {
                // Killed after writing p.md, before removing p.html.
                write(&d.join("posts/p.html"), PAGE);
                write(&d.join("posts/p.md"), "page\n");
                // A page whose .md name is taken by a different post stays a page.
                write(&d.join("posts/q.html"), PAGE);
                write(&d.join("posts/q.md"), CONVERTED);
            },
            args: |_| args(&["convert", "posts", "--in-place", "--include", "*.html"]),
            code: 0,
            stderr_lines: &["2 posts seen: 2 changed, 0 unchanged in [..]s"],
            stderr_contains: &[],
            after: |d, _| {
                assert_eq!(tree(&d.join("posts")), ["p.md", "q.html", "q.md"]);
                assert_eq!(read(&d.join("posts/q.html")), "page\n");
            },
        },
        Case {
            name: "walk-stale-lock-of-a-killed-run-is-taken-over",
            setup: |d| {
                write(&d.join("posts/a.md"), POST);
                write(&d.join("posts/.postscrub.lock"), "4194304\n");
            },
            args: |_| args(&["convert", "posts", "--in-place"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &["1 post seen: 1 changed"],
            after: |d, _| {
                assert_eq!(tree(&d.join("posts")), ["a.md"], "the lock is gone");
                assert_eq!(read(&d.join("posts/a.md")), CONVERTED);
            },
        },
        Case {
            name: "walk-jobs-are-capped-at-the-cpu-count",
            setup: |d| write(&d.join("posts/a.md"), CONVERTED),
            args: |_| args(&["check", "posts", "-j", "100000"]),
            code: 0,
            stderr_lines: &[],
            stderr_contains: &["warning: -j 100000 is more than the "],
            after: |_, out| {
                let cpus = std::thread::available_parallelism().unwrap().get();
                let err = String::from_utf8_lossy(&out.stderr);
                let expected = format!("using {cpus} threads");
                assert_eq!(err.matches(&expected).count(), 1, "{err}");
            },
        },
    ]
}

#[test]
fn hostile_walk_catalogue() {
    let mut failures = Vec::new();
    for case in cases() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        (case.setup)(&d);
        let args = (case.args)(&d);
        let (code, out) = run_in(&d, &args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        case_table::record("hostile_walk", case.name, &args, Some(code), &stderr);
        let mut problems = Vec::new();
        if code != case.code {
            problems.push(format!("exit code {code}, expected {}", case.code));
        }
        for want in case.stderr_lines {
            let found = stderr.lines().any(|line| matches_line(line, want));
            if !found {
                problems.push(format!("no stderr line `{want}`"));
            }
        }
        for want in case.stderr_contains {
            if !stderr.contains(want) {
                problems.push(format!("stderr lacks `{want}`"));
            }
        }
        let after =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (case.after)(&d, &out)));
        if let Err(e) = after {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            problems.push(format!("tree/output check failed: {msg}"));
        }
        // Nothing may leave a temp file or a lock behind.
        let leftovers: Vec<String> = tree(&d)
            .into_iter()
            .filter(|p| p.contains(".postscrub-tmp-") || p.ends_with(".postscrub.lock"))
            .collect();
        if !leftovers.is_empty() && case.name != "walk-stale-lock-of-a-killed-run-is-taken-over" {
            problems.push(format!("left behind: {leftovers:?}"));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "{}: postscrub {}\n  {}\n  stderr:\n{stderr}",
                case.name,
                args.join(" "),
                problems.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} hostile case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `want` with `[..]` matching any run of characters.
fn matches_line(line: &str, want: &str) -> bool {
    let parts: Vec<&str> = want.split("[..]").collect();
    if parts.len() == 1 {
        return line == want;
    }
    let mut rest = line;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(at) = rest.find(part) else {
                return false;
            };
            rest = &rest[at + part.len()..];
        }
    }
    true
}

/// A live postscrub holding the lock: a second `--in-place` run stops, naming it, and writes
/// nothing.
#[test]
fn lock_held_by_a_running_postscrub_stops_a_second_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().canonicalize().unwrap();
    write(&d.join("posts/a.md"), POST);
    // `convert -` waits for its standard input: a live process named postscrub.
    let mut holder = Command::new(BIN)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["convert", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let pid = holder.id();
    std::thread::sleep(Duration::from_millis(100));
    write(&d.join("posts/.postscrub.lock"), format!("{pid}\n"));
    let (code, out) = run_in(&d, &args(&["convert", "posts", "--in-place"]));
    drop(holder.stdin.take());
    let _ = holder.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: another postscrub run (pid {pid}) is writing to posts (posts/.postscrub.lock); wait for it to finish, or remove the lock file if no postscrub is running"
        )
    );
    assert_eq!(read(&d.join("posts/a.md")), POST);
}

/// Two `--in-place` runs at once on pages: today's race left both `p.html` and `p.md`. With
/// the lock, one run converts and the other stops (or finds nothing left to do): every page
/// ends as exactly one file.
#[test]
fn concurrent_in_place_runs_leave_no_duplicates() {
    for _ in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().canonicalize().unwrap();
        for i in 0..300 {
            write(&d.join(format!("site/p{i:03}.html")), PAGE);
        }
        let spawn = || {
            Command::new(BIN)
                .env("POSTSCRUB_NO_CACHE", "1")
                .args(["convert", "site", "--in-place", "-q"])
                .current_dir(&d)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let files = tree(&d.join("site"));
        let stems: std::collections::BTreeSet<String> = files
            .iter()
            .map(|f| f.rsplit_once('.').unwrap().0.to_owned())
            .collect();
        assert_eq!(
            stems.len(),
            files.len(),
            "a page exists twice; stderr: {} / {}",
            String::from_utf8_lossy(&a.stderr),
            String::from_utf8_lossy(&b.stderr)
        );
        assert_eq!(files.len(), 300);
        assert!(a.status.success() || b.status.success());
    }
}
