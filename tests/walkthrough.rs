//! The rule file of the docs/rules.md walk-through does what the walk-through says, on the
//! corpus post it was written for (`tests/fixtures/walkthrough/36kr-pe-investment.md`, a copy
//! of 新媒体/36kr/资讯/10亿，又一笔PE投资落定.md).
//!
//! The body is kept as cleaned HTML (`--to html`) so this test does not depend on the Markdown
//! converter. `POSTSCRUB_BLESS=1` rewrites the expected file.

use clap::Parser;
use postscrub::cli::Cli;
use postscrub::config::Environment;
use postscrub::pipeline::{self, Options, OutputFormat, Target};
use postscrub::rules::Rules;
use postscrub::run::{self, Outcome};
use std::path::Path;

const ENV: Environment = Environment {
    stderr_is_terminal: false,
    stdout_is_terminal: false,
    no_color: true,
    ci: true,
};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn walkthrough_rules_clean_the_post_they_were_written_for() {
    let rules = Rules::load(&["docs/walkthrough/rules.yaml".into()], root()).unwrap();
    let options = Options {
        to: OutputFormat::Html,
        target: Target::Hexo,
        timezone: postscrub::dates::parse_timezone("+08:00").unwrap(),
        ..Options::default()
    };
    let dir = root().join("tests/fixtures/walkthrough");
    let post = std::fs::read_to_string(dir.join("36kr-pe-investment.md")).unwrap();
    let processed = pipeline::process(&post, "36kr-pe-investment.md", &rules, &options).unwrap();

    let counts: Vec<(&str, u32)> = processed
        .fired
        .iter()
        .map(|f| (f.meta.id.as_str(), f.count))
        .collect();
    assert_eq!(
        counts,
        [
            ("36kr-project-link", 9), // the 10th is inside the editor's note, removed whole
            ("36kr-editor-note", 1),
            ("placeholder-cover", 2),
            ("date", 1),
        ]
    );
    let out = &processed.output;
    assert!(!out.contains("project-link"), "an auto-link is left");
    assert!(
        out.contains("投后赋能团队的员工"),
        "a split word was not joined"
    );
    assert!(
        !out.contains("编者按"),
        "the editor's note is still in the body"
    );
    assert!(out.contains("\nvia: 本文来自微信公众号“投资界”（ID:pedaily2012），作者：杨继云\n"));
    assert!(!out.contains("picsum.photos"));
    assert!(out.contains("\ndate: 2021-06-16 14:30:29\n"));

    let expected_path = dir.join("36kr-pe-investment.expected.md");
    if std::env::var_os("POSTSCRUB_BLESS").is_some_and(|v| v != "0") {
        std::fs::write(&expected_path, out).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
    assert!(
        *out == expected,
        "output differs from {}: rerun with POSTSCRUB_BLESS=1 and review the diff",
        expected_path.display()
    );

    // Idempotent: the cleaned post is left alone by a second run.
    let again = pipeline::process(out, "36kr-pe-investment.md", &rules, &options).unwrap();
    assert_eq!(again.output, *out);
}

#[test]
fn walkthrough_rules_pass_their_own_examples() {
    let cli = Cli::parse_from([
        "postscrub",
        "rules",
        "test",
        "--no-config",
        "docs/walkthrough/rules.yaml",
    ]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let outcome = run::run(&cli, root(), ENV, &mut std::io::empty(), &mut out, &mut err).unwrap();
    let (out, err) = (
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    );
    assert_eq!(outcome, Outcome::Done, "{out}{err}");
    // The walk-through extends the preset, whose own examples run first.
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("PASS rsshub-common ("), "{out}");
    assert_eq!(lines[1], "PASS 36kr (3 examples)");
    assert!(!err.contains("warning"), "{err}");
}
