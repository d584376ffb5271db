//! The commands: find posts, transform them in parallel, write or report, pick the exit code.

use crate::cli::{Cli, Command, CommonArgs, Format};
use crate::config::{Config, Environment};
use crate::diff;
use crate::explain::Extras;
use crate::pipeline::{self, Processed};
use crate::report::{self, FiredRule, PostResult, Status, Summary, Verb};
use crate::rules::Severity;
use crate::walk::{self, Post};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// How a run ended, mapped to the process exit code by `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Done,
    /// Exit 1: `check`/`diff` found posts that would change.
    WouldChange,
    /// Exit 1: `rules test` found examples that do not hold.
    TestsFailed,
    /// Exit 2: some post could not be read, parsed or written.
    PostErrors,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Done => 0,
            Outcome::WouldChange | Outcome::TestsFailed => 1,
            Outcome::PostErrors => 2,
        }
    }
}

/// Posts are processed in batches of this many per thread, so memory stays bounded by the
/// batch (not the corpus) while output keeps path order.
const BATCH_PER_THREAD: usize = 64;

/// What to do with each transformed post.
#[derive(Debug, Clone)]
enum Action {
    WriteTo { dir: PathBuf, force: bool },
    InPlace,
    Diff,
    Check,
}

/// What every post of a run is handled with.
struct PostContext<'a> {
    cwd: &'a Path,
    config: &'a Config,
    action: &'a Action,
    /// Relative paths of all inputs (so an `.html` page is not renamed onto another input).
    inputs: HashSet<&'a str>,
    /// Compute every changed line range (JSON reports them); otherwise only the first changed
    /// line, which needs no diff.
    ranges: bool,
}

/// Run a parsed command line. `stdin` is used only by `convert -`.
pub fn run(
    cli: &Cli,
    cwd: &Path,
    env: Environment,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    match &cli.command {
        Command::Convert(args) => {
            if args.paths.iter().any(|p| p.as_os_str() == "-") {
                if args.paths.len() > 1 || args.dry_run || args.in_place || args.out.is_some() {
                    bail!(
                        "`convert -` reads one post from standard input and writes the result to standard output: give no other path, and no --out, --in-place or --dry-run"
                    );
                }
                return convert_stdin(&args.common, cwd, env, stdin, out, err);
            }
            let action = if args.dry_run {
                Action::Diff
            } else if args.in_place {
                Action::InPlace
            } else if let Some(dir) = &args.out {
                Action::WriteTo {
                    dir: cwd.join(dir),
                    force: args.force,
                }
            } else {
                bail!(
                    "`convert` needs to know where to write: give `--out DIR` (a copy), `--in-place` (rewrite the posts), or `--dry-run` (show the diff). It never rewrites inputs unless asked."
                );
            };
            let verb = if matches!(action, Action::Diff) {
                Verb::Diff
            } else {
                Verb::Convert
            };
            let run = Run::new(action, verb, Extras::explaining(args.explain));
            process_all(&args.paths, &args.common, cwd, env, &run, out, err)
        }
        Command::Diff(args) => {
            let run = Run::new(Action::Diff, Verb::Diff, Extras::explaining(args.explain));
            process_all(&args.paths, &args.common, cwd, env, &run, out, err)
        }
        Command::Check(args) => {
            let run = Run {
                action: Action::Check,
                verb: Verb::Check,
                format: args.format,
                fail_on: FailOn::parse(&args.fail_on),
                extras: Extras {
                    statistics: args.statistics,
                    ..Extras::default()
                },
            };
            process_all(&args.paths, &args.common, cwd, env, &run, out, err)
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(*shell, &mut Cli::command(), "postscrub", out);
            Ok(Outcome::Done)
        }
        Command::Rules(command) => crate::authoring::run(command, cwd, env, out, err),
    }
}

fn convert_stdin(
    common: &CommonArgs,
    cwd: &Path,
    env: Environment,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let config = Config::resolve(common, cwd, env)?;
    let mut bytes = Vec::new();
    stdin
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            writeln!(
                err,
                "error: <stdin>: not UTF-8 text: convert it first (e.g. with iconv)"
            )?;
            return Ok(Outcome::PostErrors);
        }
    };
    match pipeline::process(&text, "stdin.md", &config.rules, &config.options) {
        Ok(p) => {
            out.write_all(p.output.as_bytes())?;
            for w in &p.warnings {
                let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
                writeln!(err, "warning: <stdin>{line}: {} [{}]", w.message, w.rule_id)?;
            }
            Ok(Outcome::Done)
        }
        Err(e) => {
            writeln!(err, "error: <stdin>{}", position_message(&e))?;
            Ok(Outcome::PostErrors)
        }
    }
}

/// One folder run: what to do with posts and how to report.
struct Run {
    action: Action,
    verb: Verb,
    format: Option<Format>,
    fail_on: FailOn,
    extras: Extras,
}

impl Run {
    fn new(action: Action, verb: Verb, extras: Extras) -> Run {
        Run {
            action,
            verb,
            format: None,
            fail_on: FailOn::default(),
            extras,
        }
    }
}

/// Which changes make `check` fail: any (default), or those by rules of a minimum severity or
/// with given ids.
#[derive(Debug, Default)]
struct FailOn {
    severity: Option<Severity>,
    ids: Vec<String>,
}

impl FailOn {
    fn parse(values: &[String]) -> FailOn {
        let mut f = FailOn::default();
        for v in values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            match v {
                "error" => {
                    f.severity = Some(
                        f.severity
                            .map_or(Severity::Error, |s| s.min(Severity::Error)),
                    )
                }
                "warning" => {
                    f.severity = Some(
                        f.severity
                            .map_or(Severity::Warning, |s| s.min(Severity::Warning)),
                    )
                }
                "info" => {
                    f.severity = Some(f.severity.map_or(Severity::Info, |s| s.min(Severity::Info)))
                }
                id => f.ids.push(id.to_owned()),
            }
        }
        f
    }

    /// A rule id that no loaded rule has would silently never fail the run: refuse it.
    fn check_ids(&self, rules: &crate::rules::Rules) -> Result<()> {
        for id in &self.ids {
            if id != &pipeline::CONVERT_RULE.id && rules.find(id).is_none() {
                bail!(
                    "--fail-on {id}: no rule has this id (give error, warning, info, or a rule id from `postscrub rules list`)"
                );
            }
        }
        Ok(())
    }

    fn fails(&self, fired: &[FiredRule]) -> bool {
        if self.severity.is_none() && self.ids.is_empty() {
            return true;
        }
        fired
            .iter()
            .any(|f| self.severity.is_some_and(|min| f.severity >= min) || self.ids.contains(&f.id))
    }
}

fn process_all(
    paths: &[PathBuf],
    common: &CommonArgs,
    cwd: &Path,
    env: Environment,
    run: &Run,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let (action, verb) = (&run.action, run.verb);
    let start = Instant::now();
    let config = Config::resolve(common, cwd, env)?;
    run.fail_on.check_ids(&config.rules)?;
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let roots: Vec<PathBuf> = roots
        .iter()
        .map(|p| {
            if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            }
        })
        .collect();
    let skip = match action {
        Action::WriteTo { dir, .. } => Some(dir.as_path()),
        _ => None,
    };
    let (posts, walk_errors) = walk::find_posts(&roots, &config.filter, skip);
    let format = run.format.or(config.format).unwrap_or(Format::Human);
    let mut reporter = run.extras.wrap(
        report::reporter(verb, format, config.quiet, config.color),
        format,
    );
    let mut summary = Summary::default();
    let mut failing = 0usize;

    for e in &walk_errors {
        writeln!(err, "error: {}: {}", display_path(&e.path, cwd), e.message)?;
    }
    if posts.is_empty() && walk_errors.is_empty() && !config.quiet {
        writeln!(
            err,
            "warning: no posts found in {} (looked for *.md, *.markdown, *.html; see --include)",
            roots
                .iter()
                .map(|r| display_path(r, cwd))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }

    let context = PostContext {
        cwd,
        config: &config,
        action,
        inputs: posts.iter().map(|p| p.relative.as_str()).collect(),
        ranges: format == Format::Json,
    };
    let bar = progress_bar(config.progress, posts.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .context("cannot start worker threads")?;
    let batch = BATCH_PER_THREAD * config.jobs;
    for chunk in posts.chunks(batch.max(1)) {
        let results: Vec<PostResult> = pool.install(|| {
            chunk
                .par_iter()
                .map(|post| {
                    let r = handle_post(post, &context);
                    bar.inc(1);
                    r
                })
                .collect()
        });
        for result in &results {
            summary.add(&result.status);
            if result.status == Status::Changed && run.fail_on.fails(&result.fired) {
                failing += 1;
            }
            bar.suspend(|| reporter.post(result, out, err))?;
        }
    }
    bar.finish_and_clear();
    summary.elapsed = start.elapsed();
    summary.failed += walk_errors.len();
    reporter.finish(&summary, out, err)?;
    out.flush()?;

    Ok(if summary.failed > 0 {
        Outcome::PostErrors
    } else if failing > 0 && matches!(verb, Verb::Diff | Verb::Check) {
        Outcome::WouldChange
    } else {
        Outcome::Done
    })
}

fn progress_bar(enabled: bool, len: usize) -> ProgressBar {
    if !enabled {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} posts · {rate} · ETA {eta}")
    {
        bar.set_style(style.with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} posts/s", state.per_sec());
            },
        ));
    }
    bar
}

fn display_path(path: &Path, cwd: &Path) -> String {
    let p = path.strip_prefix(cwd).unwrap_or(path);
    let s = p.to_string_lossy();
    if s.is_empty() {
        ".".into()
    } else {
        s.into_owned()
    }
}

fn position_message(e: &pipeline::PostError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}: {}", e.message),
        (Some(l), None) => format!(":{l}: {}", e.message),
        _ => format!(": {}", e.message),
    }
}

/// Where a post goes under `--out`: its relative path, with `.html`/`.htm` becoming `.md` when
/// the body becomes Markdown, unless another input already has that name.
fn output_relative(relative: &str, to_markdown: bool, inputs: &HashSet<&str>) -> String {
    if to_markdown {
        for ext in [".html", ".htm", ".HTML", ".HTM"] {
            if let Some(stem) = relative.strip_suffix(ext) {
                let md = format!("{stem}.md");
                if !inputs.contains(md.as_str()) {
                    return md;
                }
            }
        }
    }
    relative.to_owned()
}

/// Where `--in-place` writes a post: the same file, or for an `.html`/`.htm` page converted to
/// Markdown the `.md` beside it (a site generator would render Markdown in an `.html` file as
/// HTML), unless that name is taken.
fn in_place_target(path: &Path, to_markdown: bool) -> PathBuf {
    let is_html = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let md = path.with_extension("md");
    if to_markdown && is_html && !md.exists() {
        md
    } else {
        path.to_path_buf()
    }
}

/// Read, transform and write or compare one post. Never panics on bad input; errors become a
/// `Failed` status and the post is left untouched.
fn handle_post(post: &Post, context: &PostContext<'_>) -> PostResult {
    let (cwd, config) = (context.cwd, context.config);
    let path = display_path(&post.path, cwd);
    let mut result = PostResult {
        path,
        status: Status::Unchanged,
        fired: Vec::new(),
        warnings: Vec::new(),
        diff: None,
        changed_lines: Vec::new(),
    };
    let fail = |mut r: PostResult, message: String| {
        r.status = Status::Failed(message);
        r
    };
    let bytes = match std::fs::read(&post.path) {
        Ok(b) => b,
        Err(e) => return fail(result, format!("cannot read: {e}")),
    };
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return fail(
            result,
            "not UTF-8 text: convert it first (e.g. with iconv); left untouched".into(),
        );
    };
    let processed: Processed = match std::panic::catch_unwind(|| {
        pipeline::process(text, &post.relative, &config.rules, &config.options)
    }) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return fail(result, position_message(&e)),
        Err(_) => {
            return fail(
                result,
                "internal error while converting this post (a bug: please report it with the post); left untouched".into(),
            );
        }
    };
    let changed = processed.output != text;
    result.fired = processed
        .fired
        .iter()
        .map(|f| FiredRule {
            id: f.meta.id.clone(),
            count: f.count,
            severity: f.meta.severity,
            message: f.meta.message.clone(),
            line: f.line,
        })
        .collect();
    result.warnings = processed.warnings;
    if changed {
        result.status = Status::Changed;
    }
    match context.action {
        Action::Diff if changed => {
            result.diff = Some(diff::unified(
                &result.path,
                text,
                &processed.output,
                config.color,
            ));
        }
        Action::Check if changed => {
            result.changed_lines = if context.ranges {
                diff::changed_lines(text, &processed.output)
            } else {
                let line = diff::first_changed_line(text, &processed.output);
                vec![(line, line)]
            };
        }
        Action::InPlace if changed => {
            let to_markdown = config.options.to == pipeline::OutputFormat::Markdown;
            let target = in_place_target(&post.path, to_markdown);
            if let Err(e) = write_atomic(&target, processed.output.as_bytes(), true) {
                return fail(result, format!("cannot write: {e:#}"));
            }
            // The page now lives as Markdown beside it; the new file is on disk first.
            if target != post.path
                && let Err(e) = std::fs::remove_file(&post.path)
            {
                return fail(
                    result,
                    format!(
                        "converted to {}, but cannot remove the original: {e}",
                        display_path(&target, cwd)
                    ),
                );
            }
        }
        Action::WriteTo { dir, force } => {
            let to_markdown = config.options.to == pipeline::OutputFormat::Markdown;
            let target = dir.join(output_relative(
                &post.relative,
                to_markdown,
                &context.inputs,
            ));
            if !force && target.exists() {
                result.status = Status::Skipped(format!("{} exists", display_path(&target, cwd)));
                return result;
            }
            if let Err(e) = write_atomic(&target, processed.output.as_bytes(), false) {
                return fail(
                    result,
                    format!("cannot write {}: {e:#}", display_path(&target, cwd)),
                );
            }
        }
        _ => {}
    }
    result
}

/// Write through a temporary file in the same folder and rename it over the target, so the
/// target is always either the old or the new file. `durable` also flushes the data to disk
/// before the rename, so that even a power loss cannot leave an empty file in place of a post
/// that existed (used for `--in-place`; `--out` files can simply be written again).
fn write_atomic(target: &Path, bytes: &[u8], durable: bool) -> Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".postscrub-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if let Ok(meta) = std::fs::metadata(target) {
        let _ = tmp.as_file().set_permissions(meta.permissions());
    }
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_inputs_become_md_outputs_unless_taken() {
        let inputs: HashSet<&str> = ["a/x.html", "a/y.htm", "a/z.html", "a/z.md"].into();
        assert_eq!(output_relative("a/x.html", true, &inputs), "a/x.md");
        assert_eq!(output_relative("a/y.htm", true, &inputs), "a/y.md");
        assert_eq!(output_relative("a/z.html", true, &inputs), "a/z.html");
        assert_eq!(output_relative("a/x.html", false, &inputs), "a/x.html");
        assert_eq!(output_relative("a/z.md", true, &inputs), "a/z.md");
    }
}
