//! The GitHub Action (`action.yml`): a composite action whose shell steps parse, and whose run
//! step, given the built binary, runs `postscrub check --format github` on a folder and fails
//! when a post would change. GitHub itself is not here; what can be run locally is.

use std::path::Path;
use std::process::Command;

fn action() -> serde_yaml::Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml at the repository root");
    serde_yaml::from_str(&text).expect("action.yml is YAML")
}

fn steps(action: &serde_yaml::Value) -> Vec<serde_yaml::Value> {
    action["runs"]["steps"].as_sequence().unwrap().clone()
}

/// A step's script with `${{ … }}` expressions replaced, as the runner would before running it.
fn script(step: &serde_yaml::Value) -> Option<String> {
    let run = step["run"].as_str()?;
    let expr = regex::Regex::new(r"\$\{\{[^}]*\}\}").unwrap();
    Some(expr.replace_all(run, "x").into_owned())
}

#[test]
fn the_action_is_composite_and_its_scripts_parse() {
    let a = action();
    assert_eq!(a["runs"]["using"], "composite");
    for key in ["name", "description"] {
        assert!(a[key].as_str().is_some_and(|s| !s.is_empty()), "{key}");
    }
    assert_eq!(a["inputs"]["args"]["default"], "check --format github");
    let steps = steps(&a);
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/cache@"))
    }));
    for step in &steps {
        let Some(body) = script(step) else { continue };
        assert_eq!(step["shell"], "bash", "a composite run step needs `shell:`");
        let status = Command::new("bash")
            .args(["-n", "-c", &body])
            .status()
            .unwrap();
        assert!(status.success(), "does not parse:\n{body}");
    }
}

#[test]
fn the_run_step_checks_the_posts_and_fails_on_a_change() {
    let a = action();
    let step = steps(&a)
        .into_iter()
        .find(|s| s["name"] == "Run postscrub")
        .expect("a `Run postscrub` step");
    let body = script(&step).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("bin")).unwrap();
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_postscrub"),
        tmp.path().join("bin/postscrub"),
    )
    .unwrap();
    let run = |src: &str| {
        Command::new("bash")
            .args(["-c", &body])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/check.in"))
            .env("DIR", tmp.path())
            // It runs in the repository's own test folder: no cache left there.
            .env("POSTSCRUB_NO_CACHE", "1")
            .env("ARGS", a["inputs"]["args"]["default"].as_str().unwrap())
            .env("SRC", src)
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap()
    };
    let out = run("posts");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("::error file=posts/sina/seed.md,line=8,col=1,title=postscrub/qr-cover::"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("::notice title=postscrub summary::")
    );
    // Two paths in `src` are two arguments.
    let out = run("posts/kr posts/sina");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("posts/kr/pmi.md")
    );
}

/// The CI examples in examples/ parse, and each command line they give postscrub parses with
/// postscrub's own CLI (`--help` appended, so nothing runs): a renamed flag breaks this test.
#[test]
fn the_ci_examples_parse_and_their_commands_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut commands = Vec::new();
    for file in [
        "examples/github-actions/postscrub.yml",
        "examples/github-actions/postscrub-matrix.yml",
        "examples/gitlab-ci/.gitlab-ci.yml",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let _: serde_yaml::Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        for line in text.lines() {
            let line = line
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ");
            let line = line.trim_start_matches("args: ");
            let cmd = if let Some(rest) = line.strip_prefix("postscrub ") {
                rest
            } else if line.starts_with("check ") || line.starts_with("--version") {
                line
            } else {
                continue;
            };
            // Up to a redirection or `||`; the matrix variable stands for a number.
            let cmd = cmd.split(['>', '|']).next().unwrap().trim();
            let cmd = cmd.replace("${{ matrix.shard }}", "1");
            commands.push((file, cmd));
        }
    }
    assert!(commands.len() >= 6, "{commands:?}");
    for (file, cmd) in commands {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
            .args(&args)
            .arg("--help")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{file}: `postscrub {cmd}` does not parse: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
