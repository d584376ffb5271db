//! Rule authoring: `postscrub rules list | show ID | test [RULE_FILE]... | suggest [PATH]...`
//! and the hidden `rules schema`.
//!
//! A rule set is always tested and shown *as written and on its own*: it is reloaded from its
//! source together with the sets it `extends`, so a later set's `severity: off` override does
//! not make its examples fail, and its `when:` does not apply (examples are fragments).

pub mod examples;
pub mod locate;
pub mod schema;
pub mod suggest;

/// The rule-file reference (docs/rules.md), built in so installed users have it.
const REFERENCE: &str = include_str!("../../docs/rules.md");

use crate::cli::{ColorChoice, RulesArgs, RulesCommand, RulesShowArgs, RulesTestArgs};
use crate::config::{Config, ConfigError, Environment};
use crate::rules::{RuleError, RuleSet, RuleSource, Rules, presets};
use crate::run::Outcome;
use anyhow::{Result, anyhow, bail};
use examples::{ExampleRun, Failure};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

/// Run a `rules` subcommand.
pub fn run(
    command: &RulesCommand,
    cwd: &Path,
    env: Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    match command {
        RulesCommand::List(args) => list(args, cwd, env, out, err),
        RulesCommand::Show(args) => show(args, cwd, env, out),
        RulesCommand::Test(args) => test(args, cwd, env, out, err),
        RulesCommand::Docs => {
            out.write_all(REFERENCE.as_bytes())?;
            Ok(Outcome::Done)
        }
        RulesCommand::Suggest(args) => suggest::run(args, cwd, env, out, err),
        RulesCommand::Schema(args) => {
            out.write_all(schema::generate(args.kind).as_bytes())?;
            Ok(Outcome::Done)
        }
    }
}

/// A rule set reloaded on its own: the sets it extends, then itself (last).
struct Alone {
    rules: Rules,
    /// The set's YAML, to find example and rule lines in.
    text: Option<String>,
    /// The set's file for messages: `rules/NAME.yaml` for presets, else relative to the cwd.
    file: String,
    /// Where each example is in `text`, found once (not once per example asked about).
    examples: Vec<locate::Item>,
}

impl Alone {
    fn load(source: &RuleSource, cwd: &Path) -> Result<Alone, ConfigError> {
        let (rules, text) = match source {
            RuleSource::Preset(name) => (
                Rules::load(std::slice::from_ref(name), Path::new(".")),
                presets::get(name).map(str::to_owned),
            ),
            RuleSource::File(path) => (
                Rules::load(&[path.to_string_lossy().into_owned()], Path::new("")),
                std::fs::read_to_string(path).ok(),
            ),
        };
        let rules = rules.map_err(|e| rule_error(e, cwd))?;
        let examples = text
            .as_deref()
            .map(|t| locate::items(t, "examples"))
            .unwrap_or_default();
        Ok(Alone {
            rules,
            examples,
            text,
            file: display_source(source, cwd),
        })
    }

    fn set(&self) -> &RuleSet {
        self.rules
            .sets
            .last()
            .expect("a loaded rule file has a set")
    }

    fn chain(&self) -> Vec<&RuleSet> {
        self.rules.sets.iter().collect()
    }

    /// `file:line` of example `index` (0-based), or just the file.
    fn example_location(&self, index: usize) -> String {
        let line = self.examples.get(index).map(locate::Item::line);
        match line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }

    fn example_text(&self, index: usize) -> Option<String> {
        let text = self.text.as_deref()?;
        self.examples.get(index).map(|item| item.text(text))
    }

    /// Run every example; the ids of this set's rules that no example exercised.
    fn run_examples(&self) -> (Vec<ExampleRun>, Vec<(&str, usize)>) {
        let chain = self.chain();
        let runs: Vec<ExampleRun> = self
            .set()
            .examples
            .iter()
            .map(|e| examples::run(e, &chain))
            .collect();
        let exercised: BTreeSet<&str> = runs
            .iter()
            .flat_map(|r| r.fired.iter().map(String::as_str))
            .collect();
        let idle = self
            .set()
            .metas()
            .filter(|m| !exercised.contains(m.id.as_str()))
            .map(|m| (m.id.as_str(), m.line))
            .collect();
        (runs, idle)
    }
}

fn display_source(source: &RuleSource, cwd: &Path) -> String {
    match source {
        RuleSource::Preset(name) => format!("rules/{name}.yaml"),
        RuleSource::File(path) => path.strip_prefix(cwd).unwrap_or(path).display().to_string(),
    }
}

/// A rule-file error as a config error (exit code 2), its path relative to `cwd`.
fn rule_error(mut e: RuleError, cwd: &Path) -> ConfigError {
    if let RuleSource::File(path) = &mut e.source
        && let Ok(relative) = path.strip_prefix(cwd)
    {
        *path = relative.to_path_buf();
    }
    ConfigError(anyhow!(e))
}

/// Load warnings on stderr, before anything else the command prints.
fn print_warnings(rules: &Rules, err: &mut dyn Write) -> Result<()> {
    for w in rules.warnings() {
        writeln!(err, "warning: {w}")?;
    }
    Ok(())
}

fn use_color(choice: ColorChoice, env: Environment) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

// ---------------------------------------------------------------------------------------------
// rules list

fn list(
    args: &RulesArgs,
    cwd: &Path,
    env: Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let config = Config::resolve(&args.sets.common(), cwd, env)?;
    print_warnings(&config.rules, err)?;
    let in_use: Vec<&RuleSource> = config.rules.sets.iter().map(|s| &s.source).collect();
    for set in &config.rules.sets {
        writeln!(out, "{} — {}", set.name, set.source)?;
        if let Some(d) = &set.description {
            writeln!(out, "  {d}")?;
        }
        for meta in set.metas() {
            writeln!(
                out,
                "  {:<28} {:<8} {}",
                meta.id,
                meta.severity.as_str(),
                meta.message.as_deref().unwrap_or("")
            )?;
        }
    }
    let unused: Vec<&str> = presets::names()
        .filter(|n| !in_use.contains(&&RuleSource::Preset((*n).to_owned())))
        .collect();
    if !unused.is_empty() {
        writeln!(
            out,
            "\nother presets (use with --rules NAME): {}",
            unused.join(", ")
        )?;
    }
    Ok(Outcome::Done)
}

// ---------------------------------------------------------------------------------------------
// rules test

fn test(
    args: &RulesTestArgs,
    cwd: &Path,
    env: Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let color = use_color(args.sets.color, env);
    let rules = if args.files.is_empty() {
        Config::resolve(&args.sets.common(), cwd, env)?.rules
    } else {
        Rules::load(&args.files, cwd).map_err(|e| rule_error(e, cwd))?
    };
    print_warnings(&rules, err)?;
    // Load everything and check every example can run before printing anything: a broken rule
    // file is exit code 2 with nothing tested.
    let mut sets = Vec::with_capacity(rules.sets.len());
    for set in &rules.sets {
        let alone = Alone::load(&set.source, cwd)?;
        for (i, example) in alone.set().examples.iter().enumerate() {
            if let Err(e) = examples::options(example) {
                return Err(ConfigError(anyhow!(
                    "{}: example {}: {e}",
                    alone.example_location(i),
                    i + 1
                ))
                .into());
            }
        }
        sets.push(alone);
    }

    let (mut examples_run, mut examples_failed, mut sets_failed) = (0, 0, 0);
    for alone in &sets {
        let set = alone.set();
        let (runs, idle) = alone.run_examples();
        examples_run += runs.len();
        let failed: Vec<(usize, &ExampleRun)> = runs
            .iter()
            .enumerate()
            .filter(|(_, r)| !r.passed())
            .collect();
        if failed.is_empty() {
            writeln!(
                out,
                "PASS {} ({})",
                set.name,
                plural(runs.len(), "example", "examples")
            )?;
        } else {
            sets_failed += 1;
            examples_failed += failed.len();
        }
        for (i, run) in failed {
            writeln!(
                out,
                "FAIL {}: example {} ({})",
                set.name,
                i + 1,
                alone.example_location(i)
            )?;
            for failure in &run.failures {
                write_failure(out, &set.name, i + 1, failure, color)?;
            }
        }
        out.flush()?;
        if set.examples.is_empty() && !idle.is_empty() {
            writeln!(
                err,
                "warning: {}: `{}` has no examples: its {} untested (add `examples:`; see `postscrub rules docs`)",
                alone.file,
                set.name,
                plural(idle.len(), "rule is", "rules are")
            )?;
        } else {
            for (id, line) in idle {
                let at = if line > 0 {
                    format!("{}:{line}", alone.file)
                } else {
                    alone.file.clone()
                };
                writeln!(
                    err,
                    "warning: {at}: rule `{id}` is exercised by no example of `{}`: add one whose input it changes",
                    set.name
                )?;
            }
        }
    }
    out.flush()?;
    if examples_failed == 0 {
        writeln!(
            err,
            "{}, {}: all passed",
            plural(sets.len(), "rule set", "rule sets"),
            plural(examples_run, "example", "examples")
        )?;
        Ok(Outcome::Done)
    } else {
        writeln!(
            err,
            "{} of {} failed, in {}",
            examples_failed,
            plural(examples_run, "example", "examples"),
            plural(sets_failed, "rule set", "rule sets")
        )?;
        Ok(Outcome::TestsFailed)
    }
}

fn write_failure(
    out: &mut dyn Write,
    set: &str,
    number: usize,
    failure: &Failure,
    color: bool,
) -> Result<()> {
    match failure {
        Failure::Invalid(message) => writeln!(out, "  {message}")?,
        Failure::Mismatch {
            key,
            expected,
            actual,
        } => {
            let (expected, actual, note) = for_display(expected, actual);
            writeln!(out, "  `{key}` differs (-expected +actual{note}):")?;
            let label = format!("{set}/example-{number}/{key}");
            out.write_all(crate::diff::unified(&label, &expected, &actual, color).as_bytes())?;
        }
    }
    Ok(())
}

/// Long one-line HTML diffs badly: break such texts after every tag so the diff shows which
/// tags differ. Returns the texts to diff and a note for the header.
fn for_display(expected: &str, actual: &str) -> (String, String, &'static str) {
    const LONG: usize = 100;
    // Most examples are one line without a final newline: don't let every diff say so.
    let (expected, actual) = if expected.ends_with('\n') || actual.ends_with('\n') {
        (expected.to_owned(), actual.to_owned())
    } else {
        (format!("{expected}\n"), format!("{actual}\n"))
    };
    let long = |s: &str| s.lines().any(|l| l.chars().count() > LONG);
    if !(long(&expected) || long(&actual)) {
        return (expected, actual, "");
    }
    let split = |s: &str| {
        let mut t = String::with_capacity(s.len() + s.len() / 16);
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            t.push(c);
            if c == '>' && chars.peek() == Some(&'<') {
                t.push('\n');
            }
        }
        t
    };
    (
        split(&expected),
        split(&actual),
        "; lines broken between tags for display",
    )
}

// ---------------------------------------------------------------------------------------------
// rules show

fn show(
    args: &RulesShowArgs,
    cwd: &Path,
    env: Environment,
    out: &mut dyn Write,
) -> Result<Outcome> {
    let id = args.id.as_str();
    let config = Config::resolve(&args.sets.common(), cwd, env)?;
    let (source, in_use) = match config.rules.find(id) {
        Some((set, _)) => (set.source.clone(), true),
        None => {
            let preset = presets::names().find(|name| {
                Rules::load(&[(*name).to_owned()], Path::new("."))
                    .is_ok_and(|r| r.sets.last().is_some_and(|s| s.metas().any(|m| m.id == id)))
            });
            match preset {
                Some(name) => (RuleSource::Preset(name.to_owned()), false),
                None => bail!(
                    "no rule `{id}` in the rule sets in use or in the presets: `postscrub rules list` lists them"
                ),
            }
        }
    };
    let alone = Alone::load(&source, cwd)?;
    let set = alone.set();
    let Some(meta) = set.metas().find(|m| m.id == id) else {
        bail!("rule `{id}` is not in {}", alone.file);
    };
    writeln!(out, "{id}")?;
    let kind = if matches!(source, RuleSource::Preset(_)) {
        " (preset)"
    } else {
        ""
    };
    let unused = if in_use { "" } else { ", not in use" };
    writeln!(out, "  set:      {}{kind}{unused}", set.name)?;
    if meta.line > 0 {
        writeln!(out, "  file:     {}:{}", alone.file, meta.line)?;
    } else {
        writeln!(out, "  file:     {}", alone.file)?;
    }
    writeln!(out, "  severity: {}", meta.severity.as_str())?;
    if let Some(message) = &meta.message {
        writeln!(out, "  message:  {message}")?;
    }
    let action = alone
        .text
        .as_deref()
        .and_then(|t| locate::rule_at(t, meta.line).map(|item| item.text(t)))
        .map(|text| action_lines(&text));
    match action {
        Some(lines) if !lines.is_empty() => {
            writeln!(out, "  action:")?;
            for line in lines {
                writeln!(out, "    {line}")?;
            }
        }
        _ => writeln!(out, "  action:   see {}", alone.file)?,
    }

    let (runs, _) = alone.run_examples();
    let exercising: Vec<usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.fired.contains(id))
        .map(|(i, _)| i)
        .collect();
    writeln!(out)?;
    if exercising.is_empty() {
        writeln!(
            out,
            "no example of `{}` exercises it ({} in all): add one to `examples:`",
            set.name,
            plural(runs.len(), "example", "examples")
        )?;
        return Ok(Outcome::Done);
    }
    writeln!(
        out,
        "examples of `{}` that exercise it ({} of {}):",
        set.name,
        exercising.len(),
        runs.len()
    )?;
    for i in exercising {
        writeln!(out, "\nexample {} ({})", i + 1, alone.example_location(i))?;
        match alone.example_text(i) {
            Some(text) => {
                for line in text.lines() {
                    writeln!(out, "  {line}")?;
                }
            }
            None => {
                let example = &set.examples[i];
                for (key, value) in [
                    ("input", &example.input),
                    ("output", &example.output),
                    ("markdown", &example.markdown),
                ] {
                    if let Some(v) = value {
                        writeln!(out, "  {key}: {v:?}")?;
                    }
                }
            }
        }
    }
    Ok(Outcome::Done)
}

/// A rule item's text (dedented, `- id: …` first) without its `id`, `message` and `severity`
/// keys: what remains is the action.
fn action_lines(item: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut skipping = false;
    for (i, line) in item.lines().enumerate() {
        let line = if i == 0 {
            format!("  {}", line.strip_prefix('-').unwrap_or(line).trim_start())
        } else {
            line.to_owned()
        };
        let indent = line.len() - line.trim_start().len();
        if indent <= 2 && !line.trim().is_empty() {
            let key = line.trim_start();
            skipping = ["id:", "message:", "severity:"]
                .iter()
                .any(|k| key.starts_with(k));
        }
        if !skipping {
            lines.push(line.get(2..).unwrap_or("").trim_end().to_owned());
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_without_id_message_severity() {
        let item = "- id: a\n  message: >-\n    long\n    text\n  severity: error\n  set_attribute:\n    selector: img\n    name: src\n";
        assert_eq!(
            action_lines(item),
            ["set_attribute:", "  selector: img", "  name: src"]
        );
        assert_eq!(action_lines("- remove: p\n  id: x\n"), ["remove: p"]);
    }

    #[test]
    fn long_lines_broken_for_display() {
        let long = format!("<p>{}</p><p>b</p>", "a".repeat(120));
        let (e, _, note) = for_display(&long, "<p>b</p>");
        assert_eq!(e.lines().count(), 2);
        assert!(!note.is_empty());
        let (e, _, note) = for_display("<p>a</p><p>b</p>", "");
        assert_eq!(e, "<p>a</p><p>b</p>\n");
        assert!(note.is_empty());
    }
}
