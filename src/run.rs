//! The commands: find posts, transform them in parallel, write or report, pick the exit code.

use crate::atomic::{self, Attributes, DirError};
use crate::cli::{Cli, Command, CommonArgs, Format};
use crate::config::{Config, Environment};
use crate::diff;
use crate::explain::Extras;
use crate::generator::names::PostFacts;
use crate::lock::{self, Lock, LockError};
use crate::memo::{self, Failure, Need};
use crate::pipeline::{self, Processed};
use crate::plan::{self, Destination, PostNaming, Target};
use crate::printable;
use crate::report::{self, DiffView, FiredRule, PostResult, Status, Summary, Verb};
use crate::rules::Severity;
use crate::site;
use crate::walk::{self, Post, Root, WalkOptions};
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime};

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
    /// Compute every changed line range (JSON reports them); otherwise only the first changed
    /// line, which needs no diff.
    ranges: bool,
    /// How `diff` shows a changed post (`--stat` and `--name-only` need no rendered diff).
    view: DiffView,
    /// The post read from standard input (`check -`, `diff -`), or why it could not be.
    stdin: Option<&'a Result<Vec<u8>, String>>,
    /// What `when.path` globs are relative to.
    rule_base: RuleBase,
    /// Where transformations are remembered between runs (`None`: `--no-cache`, or a command
    /// the cache does not serve).
    cache: Option<&'a crate::cache::Cache>,
}

/// The folder `when.path` globs are matched from: the site root, else the config file's
/// folder, else the working folder (`Config::rule_base`). The same post then matches the same
/// way whether postscrub is given no PATH, a folder, or the file itself (as pre-commit does).
pub(crate) struct RuleBase {
    path: PathBuf,
    canonical: Option<PathBuf>,
    /// `path` is absolute and spelled as its parts would be joined again (no `.` part, no
    /// doubled or trailing `/`): a post below it then starts with its bytes and a `/`.
    plain: bool,
}

impl RuleBase {
    pub(crate) fn new(path: PathBuf) -> RuleBase {
        let canonical = path.canonicalize().ok();
        let plain = path.is_absolute()
            && path.as_os_str() != "/"
            && path.components().collect::<PathBuf>().as_os_str() == path.as_os_str();
        RuleBase {
            path,
            canonical,
            plain,
        }
    }

    /// `post`'s path for `when.path`: relative to the base with `/`; a post outside the base
    /// keeps the path relative to the folder given (`fallback`).
    pub(crate) fn relative(&self, post: &Path, fallback: &str) -> String {
        // The common case without parsing both paths into parts (`--shard` asks this of every
        // post of the tree): the post's path is the base's bytes, `/`, and a plain UTF-8 rest,
        // which is then what the parts below would give.
        if self.plain
            && let Some(rest) = post
                .as_os_str()
                .as_encoded_bytes()
                .strip_prefix(self.path.as_os_str().as_encoded_bytes())
                .and_then(|rest| rest.strip_prefix(b"/"))
            && let Ok(rest) = std::str::from_utf8(rest)
            && rest.split('/').all(|part| !part.is_empty() && part != ".")
        {
            return rest.to_owned();
        }
        if let Ok(rel) = post.strip_prefix(&self.path) {
            return walk::slash_string(rel);
        }
        if let (Some(base), Some(parent)) = (&self.canonical, post.parent())
            && let Ok(parent) = parent.canonicalize()
            && let Ok(rel) = parent.strip_prefix(base)
        {
            return walk::slash_string(&rel.join(post.file_name().unwrap_or_default()));
        }
        fallback.to_owned()
    }
}

/// What the walk could not read (errors) and skipped on purpose (warnings, unless `quiet`).
pub(crate) fn walk_problems(
    errors: &[walk::WalkError],
    notes: &[walk::WalkNote],
    quiet: bool,
    cwd: &Path,
    err: &mut dyn Write,
) -> std::io::Result<()> {
    for e in errors {
        writeln!(err, "error: {}: {}", display_path(&e.path, cwd), e.message)?;
    }
    if !quiet {
        for n in notes {
            writeln!(
                err,
                "warning: {}: {}",
                display_path(&n.path, cwd),
                n.message
            )?;
        }
    }
    Ok(())
}

/// Keep the posts of `--shard K/N`, by their path relative to the folder `when.path` uses
/// (the site root, the config file's folder, or `cwd`), so that every entry point and every
/// job of a matrix places a post the same way.
pub(crate) fn take_shard(posts: &mut Vec<Post>, config: &Config, cwd: &Path) {
    if let Some(shard) = config.shard {
        let base = RuleBase::new(config.rule_base(cwd));
        posts.retain(|p| shard.holds(Path::new(&base.relative(&p.path, &p.relative))));
    }
}

/// Standard input, read up to the post size limit.
fn read_stdin_post(stdin: &mut dyn Read, max: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    stdin
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "post is over the {} limit (--max-post-size)",
            crate::limits::format_size(max)
        ));
    }
    Ok(bytes)
}

/// The post that standard input stands for: `--stdin-filename`, else `<stdin>` in the working
/// folder. It is never opened.
fn stdin_as_post(name: Option<&Path>, cwd: &Path) -> Post {
    let path = match name {
        Some(n) if n.is_absolute() => n.to_path_buf(),
        Some(n) => cwd.join(n),
        None => cwd.join(STDIN_NAME),
    };
    let rel_path = PathBuf::from(path.file_name().unwrap_or_default());
    Post {
        relative: walk::slash_string(&rel_path),
        rel_path,
        tree: cwd.to_path_buf(),
        path,
        named: true,
        symlink: false,
    }
}

/// How a post from standard input with no `--stdin-filename` is named in reports.
const STDIN_NAME: &str = "<stdin>";

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
            process_all(
                &args.paths,
                &args.common,
                cwd,
                env,
                &run,
                Io { stdin, out, err },
            )
        }
        Command::Diff(args) => {
            let mut run = Run::new(Action::Diff, Verb::Diff, Extras::explaining(args.explain));
            run.view = if args.stat {
                DiffView::Stat
            } else if args.name_only {
                DiffView::NameOnly
            } else {
                DiffView::Patch
            };
            process_all(
                &args.paths,
                &args.common,
                cwd,
                env,
                &run,
                Io { stdin, out, err },
            )
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
                view: DiffView::Patch,
            };
            process_all(
                &args.paths,
                &args.common,
                cwd,
                env,
                &run,
                Io { stdin, out, err },
            )
        }
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(*shell, &mut Cli::command(), "postscrub", out);
            Ok(Outcome::Done)
        }
        Command::Report(args) => crate::review::run(args, cwd, env, err),
        Command::Rules(command) => crate::authoring::run(command, cwd, env, out, err),
        Command::Site(args) => show_site(args, cwd, out, err),
        Command::Merge(args) => merge_reports(args, cwd, out, err),
    }
}

/// `postscrub merge`: one JSON report from the shards' reports.
fn merge_reports(
    args: &crate::cli::MergeArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let files: Vec<PathBuf> = args.files.iter().map(|f| cwd.join(f)).collect();
    let merged = match crate::merge::merge(&files, &|p| display_path(p, cwd)) {
        Ok(m) => m,
        Err(crate::merge::MergeError(why)) => {
            writeln!(err, "error: {}", printable::printable(&why))?;
            return Ok(Outcome::PostErrors);
        }
    };
    crate::merge::write_json(&merged.records, out)?;
    out.flush()?;
    if !args.quiet {
        if let Some(of) = merged.of {
            for k in &merged.missing {
                writeln!(
                    err,
                    "warning: no report of shard {k}/{of}: the merged report covers {} of {of} shards",
                    of as usize - merged.missing.len()
                )?;
            }
        }
        let n = merged.records.len();
        writeln!(
            err,
            "merged {} report{}: {n} post{}, {} would change, {} failed{}",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
            merged.changed,
            merged.failed,
            merged
                .of
                .map(|of| format!(" (shards of {of})"))
                .unwrap_or_default()
        )?;
    }
    Ok(if merged.failed > 0 {
        Outcome::PostErrors
    } else if merged.changed > 0 {
        Outcome::WouldChange
    } else {
        Outcome::Done
    })
}

/// `postscrub site`: what was detected and what it sets, on stdout.
fn show_site(
    args: &crate::cli::SiteArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let (setup, warnings) = Config::site(&args.common(), cwd)?;
    for w in &warnings {
        writeln!(err, "warning: {}", printable::printable(w))?;
    }
    match args.format {
        crate::cli::SiteFormat::Human => {
            for (label, value) in site::describe::lines(&setup, cwd) {
                writeln!(out, "{:<13}{value}", format!("{label}:"))?;
            }
        }
        crate::cli::SiteFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &site::describe::json(&setup, cwd))?;
            writeln!(out)?;
        }
    }
    Ok(Outcome::Done)
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
    if config.verbose {
        writeln!(err, "{}", site::describe::one_line(&config.site, cwd))?;
    }
    for w in config.rules.warnings() {
        writeln!(err, "warning: {w}")?;
    }
    let post = stdin_as_post(common.stdin_filename.as_deref(), cwd);
    let name = display_path(&post.path, cwd);
    let rule_path = RuleBase::new(config.rule_base(cwd)).relative(&post.path, &post.relative);
    let bytes = match read_stdin_post(stdin, config.max_post_size) {
        Ok(bytes) => bytes,
        Err(message) => {
            writeln!(err, "error: {name}: {message}")?;
            return Ok(Outcome::PostErrors);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            writeln!(
                err,
                "error: {name}: not UTF-8 text: convert it first (e.g. with iconv)"
            )?;
            return Ok(Outcome::PostErrors);
        }
    };
    match pipeline::process(&text, &rule_path, &config.rules, &config.options) {
        Ok(p) => {
            out.write_all(p.output.as_bytes())?;
            for w in &p.warnings {
                let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
                writeln!(
                    err,
                    "warning: {name}{line}: {} [{}]",
                    printable::printable(&w.message),
                    w.rule_id
                )?;
            }
            if !config.quiet {
                let mut notes = report::RunNotes::default();
                notes.add(&p.notes);
                report::run_notes(&notes, err)?;
            }
            Ok(Outcome::Done)
        }
        Err(e) => {
            writeln!(err, "error: {name}{}", position_message(&e))?;
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
    view: DiffView,
}

impl Run {
    fn new(action: Action, verb: Verb, extras: Extras) -> Run {
        Run {
            action,
            verb,
            format: None,
            fail_on: FailOn::default(),
            extras,
            view: DiffView::Patch,
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
            if id != &pipeline::CONVERT_RULE.id
                && id != &pipeline::JEKYLL_NAME_RULE.id
                && id != &pipeline::PAGE_TITLE_RULE.id
                && id != &pipeline::EMBEDS_DROPPED_RULE.id
                && rules.find(id).is_none()
            {
                let hint = crate::did_you_mean::did_you_mean(
                    id,
                    rules
                        .sets
                        .iter()
                        .flat_map(|s| s.metas().map(|m| m.id.as_str())),
                );
                bail!(
                    "--fail-on {id}: no rule has this id{hint} (give error, warning, info, or a rule id from `postscrub rules list`)"
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

/// The streams a run reads and writes.
struct Io<'a> {
    stdin: &'a mut dyn Read,
    out: &'a mut dyn Write,
    err: &'a mut dyn Write,
}

fn process_all(
    paths: &[PathBuf],
    common: &CommonArgs,
    cwd: &Path,
    env: Environment,
    run: &Run,
    io: Io<'_>,
) -> Result<Outcome> {
    let Io { stdin, out, err } = io;
    let (action, verb) = (&run.action, run.verb);
    let start = Instant::now();
    let config = Config::resolve(common, cwd, env)?;
    run.fail_on.check_ids(&config.rules)?;
    if config.verbose {
        writeln!(err, "{}", site::describe::one_line(&config.site, cwd))?;
    }
    let from_stdin = paths.iter().any(|p| p.as_os_str() == "-");
    if from_stdin && paths.len() > 1 {
        bail!(
            "`-` reads one post from standard input: give it as the only PATH (name the file it stands for with --stdin-filename)"
        );
    }
    if common.stdin_filename.is_some() && !from_stdin {
        bail!("--stdin-filename names the post read from standard input: give `-` as the PATH");
    }
    let stdin_post = if from_stdin {
        Some(read_stdin_post(stdin, config.max_post_size))
    } else {
        None
    };
    let given: Vec<PathBuf> = paths
        .iter()
        .filter(|_| !from_stdin)
        .map(|p| {
            if p.is_absolute() {
                p.clone()
            } else {
                cwd.join(p)
            }
        })
        .collect();
    let the_site = config.site.choice.site();
    let mut scope = site::scope::plan(&given, the_site, cwd, &config.filter);
    if from_stdin {
        scope.roots.clear();
        scope.not_content.clear();
    }
    let roots: Vec<Root> = scope.roots;
    let root_paths: Vec<PathBuf> = roots.iter().map(|r| r.path.clone()).collect();
    if let Action::WriteTo { dir, force } = action {
        check_out_folder(dir, *force, &root_paths, cwd)?;
    }
    if !config.quiet {
        for w in &config.warnings {
            writeln!(err, "warning: {}", printable::printable(w))?;
        }
    }
    let skip = match action {
        Action::WriteTo { dir, .. } => Some(dir.as_path()),
        _ => None,
    };
    let site_root = the_site.map(|s| plan::canonical_lenient(&s.root));
    let walk_options = WalkOptions {
        filter: &config.filter,
        skip,
        follow: config.follow,
        site_root: site_root.as_deref(),
    };
    // Reading commands on one tree, for a target that names no post from the others (Jekyll
    // and Hugo plan names and URLs from all posts), never hold the list of posts: the walk is
    // done twice, once to count the posts and report what it met, once handing posts over in
    // batches as it finds them. Memory then stays the same for ten posts or a million, and
    // the output is the same as when the posts are listed first (one tree walks in path order).
    let streaming = matches!(action, Action::Check | Action::Diff)
        && !from_stdin
        && roots.len() == 1
        && !matches!(
            config.options.target,
            crate::generator::Target::Jekyll | crate::generator::Target::Hugo
        );
    let shard_base = RuleBase::new(config.rule_base(cwd));
    // A post's shard is decided from its paths, before the walk makes the post.
    let in_shard = |path: &Path, relative: &str| {
        config
            .shard
            .is_none_or(|s| s.holds(Path::new(&shard_base.relative(path, relative))))
    };
    let (mut found, mut in_this_shard) = (0usize, 0usize);
    let mut walked = if streaming {
        let walked = walk::walk_selected(&roots, walk_options, &in_shard, &mut |_| {
            in_this_shard += 1;
            std::ops::ControlFlow::Continue(())
        });
        found = in_this_shard + walked.passed_over;
        walked
    } else {
        walk::find_posts(&roots, walk_options)
    };
    if !streaming {
        found = walked.posts.len();
    }
    if from_stdin {
        walked
            .posts
            .push(stdin_as_post(common.stdin_filename.as_deref(), cwd));
        found += 1;
    }
    let walk_errors = walked.errors;
    let format = run.format.or(config.format).unwrap_or(Format::Human);
    // GitHub Actions sets this; the github format appends its table there.
    let step_summary = std::env::var_os("GITHUB_STEP_SUMMARY")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from);
    let mut reporter = run.extras.wrap(
        report::reporter(report::ReporterOptions {
            verb,
            format,
            quiet: config.quiet,
            color: config.color,
            view: run.view,
            step_summary,
            cwd: cwd.to_path_buf(),
            shard: config.shard.map(|s| s.to_string()),
        }),
        format,
    );
    for w in config.rules.warnings() {
        reporter.rule_warning(w, out, err)?;
        out.flush()?;
    }
    let mut summary = Summary::default();
    let mut failing = 0usize;

    walk_problems(&walk_errors, &walked.notes, config.quiet, cwd, err)?;
    if !config.quiet
        && let Some(site) = the_site
    {
        for path in &scope.not_content {
            writeln!(
                err,
                "skipped: {}: not in the {} site's content folders ({}); an --include glob matching it, or `site: {{content: [...]}}` in postscrub.yaml, takes it",
                display_path(path, cwd),
                site.kind.name(),
                site.content
                    .iter()
                    .map(|c| display_path(c, cwd))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
    }
    if found == 0 && walk_errors.is_empty() && scope.not_content.is_empty() && !config.quiet {
        let looked_in = match (root_paths.is_empty(), the_site) {
            (true, Some(site)) => format!(
                "the {} site's content folders ({}; none exists)",
                site.kind.name(),
                site.content
                    .iter()
                    .map(|c| display_path(c, cwd))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            _ => root_paths
                .iter()
                .map(|r| display_path(r, cwd))
                .collect::<Vec<_>>()
                .join(", "),
        };
        writeln!(
            err,
            "warning: no posts found in {looked_in} (looked for *.md, *.markdown, *.html; see --include)"
        )?;
    }

    // Every output path is decided before anything is written.
    let to_markdown = config.options.to == pipeline::OutputFormat::Markdown;
    let destination = match action {
        Action::WriteTo { dir, force } => Some(Destination::Out { dir, force: *force }),
        Action::InPlace => Some(Destination::InPlace),
        _ => None,
    };
    let mut posts = std::mem::take(&mut walked.posts);
    take_shard(&mut posts, &config, cwd);
    if !streaming {
        in_this_shard = posts.len();
    }
    // The generator's names (Jekyll's dates, Hugo's URLs, Hexo's hidden names), decided for
    // all posts from their converted front matter, so the diff and the plan show them.
    let facts = post_facts(&posts, &config);
    let naming = plan::naming(&posts, &facts, config.options.target, to_markdown, &|p| {
        display_path(p, cwd)
    });
    if !naming.conflicts.is_empty() {
        for c in &naming.conflicts {
            writeln!(err, "error: {c}")?;
        }
        if destination.is_some() {
            writeln!(err, "error: nothing was written")?;
        }
        return Ok(Outcome::PostErrors);
    }
    summary.notes.lines.extend(hidden_note(&naming.hidden));
    let mut namings = naming.posts;
    if matches!(action, Action::Diff) {
        plan::show_output_names(&posts, &mut namings, to_markdown);
    }
    let mut targets: Vec<Option<Target>> = vec![None; posts.len()];
    if let Some(destination) = destination {
        let renames: Vec<Option<String>> = namings.iter().map(|n| n.rename.clone()).collect();
        let planned = plan::plan(&posts, destination, to_markdown, &renames, &|p| {
            display_path(p, cwd)
        });
        if !planned.conflicts.is_empty() {
            for c in &planned.conflicts {
                writeln!(err, "error: {c}")?;
            }
            writeln!(err, "error: nothing was written")?;
            return Ok(Outcome::PostErrors);
        }
        let mut kept = Vec::with_capacity(posts.len());
        let mut kept_namings = Vec::with_capacity(posts.len());
        targets.clear();
        for ((post, target), naming) in posts.into_iter().zip(planned.targets).zip(namings) {
            match target {
                Target::Skip(why) => {
                    if !config.quiet {
                        writeln!(err, "warning: {}: {why}", display_path(&post.path, cwd))?;
                    }
                }
                t => {
                    kept.push(post);
                    kept_namings.push(naming);
                    targets.push(Some(t));
                }
            }
        }
        posts = kept;
        namings = kept_namings;
    }
    let (_locks, removed) = prepare_writes(action, &posts, &targets, &walked.locked_dirs, cwd)?;
    if removed > 0 && !config.quiet {
        writeln!(
            err,
            "warning: removed {removed} temporary file{} left by an interrupted run",
            if removed == 1 { "" } else { "s" }
        )?;
    }

    // The cache serves what reads (check, diff) and rewrites in place; `--out` writes a new
    // tree, and a post on standard input is met once.
    let cache = match action {
        Action::Check | Action::Diff | Action::InPlace if !from_stdin => {
            open_cache(&config, cwd, err)?
        }
        _ => None,
    };
    let context = PostContext {
        cwd,
        config: &config,
        action,
        ranges: format == Format::Json,
        view: run.view,
        stdin: stdin_post.as_ref(),
        rule_base: RuleBase::new(config.rule_base(cwd)),
        cache: cache.as_ref(),
    };
    let bar = progress_bar(config.progress, in_this_shard);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .context("cannot start worker threads")?;
    let batch = (BATCH_PER_THREAD * config.jobs).max(1);
    // Results are reported on this thread, in path order, while the pool converts the next
    // batches: the walk, the naming of each batch and the reporter (writing JSON, diffs) run
    // beside the conversions instead of between them, so both cores stay busy.
    let mut report_batch = |results: Vec<PostResult>, summary: &mut Summary| -> Result<()> {
        let (mut post_out, mut post_err) = (Vec::new(), Vec::new());
        for result in &results {
            summary.add(&result.status);
            summary.warnings += result.warnings.len();
            summary.notes.add(&result.notes);
            if result.status == Status::Changed && run.fail_on.fails(&result.fired) {
                failing += 1;
            }
            post_out.clear();
            post_err.clear();
            reporter.post(result, &mut post_out, &mut post_err)?;
            // What a post says on stderr comes after every earlier post's stdout and before
            // its own, on a pipe too; stdout is otherwise flushed once per batch.
            bar.suspend(|| -> std::io::Result<()> {
                if !post_err.is_empty() {
                    out.flush()?;
                    err.write_all(&post_err)?;
                }
                out.write_all(&post_out)
            })?;
        }
        bar.suspend(|| out.flush())?;
        Ok(())
    };
    let context = &context;
    let bar_ref = &bar;
    let convert = move |work: &[(&Post, Option<&Target>, &PostNaming)]| -> Vec<PostResult> {
        work.par_iter()
            .map(|&(post, target, naming)| {
                let r = handle_post(post, target, naming, context);
                bar_ref.inc(1);
                r
            })
            .collect()
    };
    // Without streaming, every post was walked and planned above (empty when streaming).
    let planned_work: Vec<(&Post, Option<&Target>, &PostNaming)> = posts
        .iter()
        .zip(targets.iter().map(Option::as_ref))
        .zip(&namings)
        .map(|((p, t), n)| (p, t, n))
        .collect();
    let planned_work = &planned_work;
    pool.in_place_scope(|scope| -> Result<()> {
        let mut queue = crate::in_flight::InFlight::new();
        if streaming {
            let mut hidden = Vec::new();
            let mut failure: Option<anyhow::Error> = None;
            let mut pending: Vec<Post> = Vec::with_capacity(batch);
            let mut flush = |pending: &mut Vec<Post>, summary: &mut Summary| -> Result<()> {
                let posts = std::mem::replace(pending, Vec::with_capacity(batch));
                // Hexo's hidden names (and nothing else) are decided per post.
                let mut naming =
                    plan::naming(&posts, &[], config.options.target, to_markdown, &|p| {
                        display_path(p, cwd)
                    });
                hidden.append(&mut naming.hidden);
                if matches!(action, Action::Diff) {
                    plan::show_output_names(&posts, &mut naming.posts, to_markdown);
                }
                let namings = naming.posts;
                let ready = queue.submit(scope, move || {
                    let work: Vec<(&Post, Option<&Target>, &PostNaming)> = posts
                        .iter()
                        .zip(&namings)
                        .map(|(p, n)| (p, None, n))
                        .collect();
                    convert(&work)
                });
                match ready {
                    Some(results) => report_batch(results, summary),
                    None => Ok(()),
                }
            };
            walk::walk_selected(&roots, walk_options, &in_shard, &mut |post| {
                pending.push(post);
                if pending.len() == batch
                    && let Err(e) = flush(&mut pending, &mut summary)
                {
                    failure = Some(e);
                    return std::ops::ControlFlow::Break(());
                }
                std::ops::ControlFlow::Continue(())
            });
            if let Some(e) = failure {
                return Err(e);
            }
            if !pending.is_empty() {
                flush(&mut pending, &mut summary)?;
            }
            summary.notes.lines.extend(hidden_note(&hidden));
        } else {
            for chunk in planned_work.chunks(batch) {
                if let Some(results) = queue.submit(scope, move || convert(chunk)) {
                    report_batch(results, &mut summary)?;
                }
            }
        }
        while let Some(results) = queue.next() {
            report_batch(results, &mut summary)?;
        }
        Ok(())
    })?;

    bar.finish_and_clear();
    if let Some(cache) = &cache {
        let stats = cache.finish();
        if config.verbose {
            writeln!(err, "{}", cache_line(&stats, cache, cwd))?;
        }
    }
    summary.elapsed = start.elapsed();
    summary.failed += walk_errors.len();
    summary.not_content = scope.not_content.len();
    summary.warnings += walked.notes.len();
    if let Action::WriteTo { dir, .. } = action {
        summary.output = Some(display_path(dir, cwd));
    }
    summary.shard = config.shard.map(|s| s.to_string());
    if !config.quiet {
        report::run_notes(&summary.notes, err)?;
    }
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

/// The run's result cache, or `None` (`--no-cache`, or a cache that cannot be used: said once,
/// and the run goes on without it).
pub(crate) fn open_cache(
    config: &Config,
    cwd: &Path,
    err: &mut dyn Write,
) -> Result<Option<crate::cache::Cache>> {
    let Some(setting) = &config.cache else {
        return Ok(None);
    };
    let mut run = blake3::Hasher::new();
    run.update(&config.rules.fingerprint());
    run.update(format!("{:?}", config.options).as_bytes());
    match crate::cache::Cache::open(&setting.dir, *run.finalize().as_bytes(), setting.max_size) {
        Ok(cache) => Ok(Some(cache)),
        Err(crate::cache::Unusable(why)) => {
            if !config.quiet {
                writeln!(
                    err,
                    "warning: the result cache is not used: {} (--no-cache silences this)",
                    printable::printable(&why.replacen(
                        &setting.dir.display().to_string(),
                        &display_path(&setting.dir, cwd),
                        1
                    ))
                )?;
            }
            Ok(None)
        }
    }
}

/// `--verbose`: what the run did with the cache.
pub(crate) fn cache_line(
    stats: &crate::cache::Stats,
    cache: &crate::cache::Cache,
    cwd: &Path,
) -> String {
    let mut line = format!(
        "cache: {} hit{}, {} miss{}",
        stats.hits,
        if stats.hits == 1 { "" } else { "s" },
        stats.misses,
        if stats.misses == 1 { "" } else { "es" },
    );
    if stats.unreadable > 0 {
        line.push_str(&format!(" ({} unreadable, rewritten)", stats.unreadable));
    }
    line.push_str(&format!(", {} written", stats.written));
    if stats.pruned > 0 {
        line.push_str(&format!(", {} old entries pruned", stats.pruned));
    }
    line.push_str(&format!(" ({})", display_path(cache.root(), cwd)));
    line
}

/// Each post's naming facts (date, `slug:`, `url:`) for the generators that name or route
/// posts by them; read in parallel from the front matter alone. A post that cannot be read
/// has none here, and fails with its error in the main pass.
pub(crate) fn post_facts(posts: &[Post], config: &Config) -> Vec<PostFacts> {
    use crate::generator::Target as Generator;
    if !matches!(config.options.target, Generator::Jekyll | Generator::Hugo) {
        return Vec::new();
    }
    posts
        .par_iter()
        .map(|post| {
            let mut facts = match read_post(&post.path, config.max_post_size) {
                Ok((bytes, _)) => match simdutf8::basic::from_utf8(&bytes) {
                    Ok(text) => {
                        pipeline::post_facts(text, &post.relative, &config.rules, &config.options)
                    }
                    Err(_) => return PostFacts::default(),
                },
                Err(_) => return PostFacts::default(),
            };
            if facts.date.is_none() && config.options.target == Generator::Jekyll {
                facts.file_date = std::fs::metadata(&post.path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| jiff::Timestamp::try_from(t).ok())
                    .map(|t| config.options.timezone.to_datetime(t).date());
            }
            facts
        })
        .collect()
}

/// The summary's line about posts Hexo will skip.
fn hidden_note(hidden: &[String]) -> Option<String> {
    const SHOWN: usize = 10;
    if hidden.is_empty() {
        return None;
    }
    let mut names: Vec<String> = hidden.iter().take(SHOWN).cloned().collect();
    if hidden.len() > SHOWN {
        names.push(format!("and {} more", hidden.len() - SHOWN));
    }
    Some(format!(
        "{} {} hidden from Hexo (a name starting with `_` or `.`), so not on the site: {}",
        hidden.len(),
        if hidden.len() == 1 {
            "post is"
        } else {
            "posts are"
        },
        names.join(", ")
    ))
}

pub(crate) fn progress_bar(enabled: bool, len: usize) -> ProgressBar {
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

/// A path as messages show it: relative to the current folder, control characters and bytes
/// that are not UTF-8 escaped (see [`printable`]).
/// `path` relative to `cwd` when it is under it, else as given.
fn relative(path: &Path, cwd: &Path) -> PathBuf {
    path.strip_prefix(cwd).unwrap_or(path).to_path_buf()
}

pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    let p = path.strip_prefix(cwd).unwrap_or(path);
    if p.as_os_str().is_empty() {
        ".".into()
    } else {
        printable::path(p)
    }
}

/// Up-front checks of `--out DIR`, so a bad one is one error, not one per post.
fn check_out_folder(dir: &Path, force: bool, roots: &[PathBuf], cwd: &Path) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(dir)
        && !meta.is_dir()
    {
        bail!(
            "--out {}: this is a file, not a folder; give a folder (it is created if missing)",
            display_path(dir, cwd)
        );
    }
    if force {
        let out = plan::canonical_lenient(dir);
        for root in roots {
            let root_real = plan::canonical_lenient(root);
            if root_real == out
                || (root.is_dir() && root_real.starts_with(&out) && out != Path::new("/"))
            {
                bail!(
                    "--out {} {} the input folder {}: with --force, converted posts would overwrite their sources; to rewrite posts where they are, use --in-place",
                    display_path(dir, cwd),
                    if root_real == out { "is" } else { "contains" },
                    display_path(root, cwd)
                );
            }
        }
    }
    Ok(())
}

/// Before the first write: take the lock of every folder written under, and remove the temp
/// files that killed runs left in the folders written to. Returns the locks (held until they
/// are dropped) and how many temp files were removed.
fn prepare_writes(
    action: &Action,
    posts: &[Post],
    targets: &[Option<Target>],
    locked_below: &[PathBuf],
    cwd: &Path,
) -> Result<(Vec<Lock>, usize)> {
    let run_start = SystemTime::now();
    let roots: BTreeSet<PathBuf> = match action {
        Action::InPlace => posts.iter().map(|p| p.tree.clone()).collect(),
        Action::WriteTo { dir, .. } => {
            if posts.is_empty() {
                return Ok((Vec::new(), 0));
            }
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", display_path(dir, cwd)))?;
            [dir.clone()].into()
        }
        Action::Diff | Action::Check => return Ok((Vec::new(), 0)),
    };
    let mut locks = Vec::new();
    for root in &roots {
        for dir in root.ancestors().skip(1) {
            if let Some(pid) = lock::held_by_other(dir) {
                bail!(
                    "another postscrub run (pid {pid}) is writing to {}, which holds {}; wait for it to finish",
                    display_path(dir, cwd),
                    display_path(root, cwd)
                );
            }
        }
        let lock_file = display_path(&root.join(lock::LOCK_FILE), cwd);
        match lock::acquire(root) {
            Ok(l) => locks.push(l),
            Err(LockError::Held(pid)) => bail!(
                "another postscrub run (pid {pid}) is writing to {} ({lock_file}); wait for it to finish, or remove the lock file if no postscrub is running",
                display_path(root, cwd)
            ),
            Err(LockError::Io(e)) => bail!("cannot create the lock file {lock_file}: {e}"),
        }
    }
    for dir in locked_below {
        if let Some(pid) = lock::held_by_other(dir) {
            bail!(
                "another postscrub run (pid {pid}) is writing to {}, inside the folders given; wait for it to finish",
                display_path(dir, cwd)
            );
        }
    }
    let mut folders: BTreeSet<&Path> = BTreeSet::new();
    for (post, target) in posts.iter().zip(targets) {
        if matches!(action, Action::InPlace)
            && let Some(parent) = post.path.parent()
        {
            folders.insert(parent);
        }
        if let Some(Target::Write { path, .. }) = target
            && let Some(parent) = path.parent()
        {
            folders.insert(parent);
        }
    }
    let removed = folders
        .iter()
        .map(|dir| atomic::sweep(dir, run_start).len())
        .sum();
    Ok((locks, removed))
}

fn position_message(e: &pipeline::PostError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!(":{l}:{c}: {}", e.message),
        (Some(l), None) => format!(":{l}: {}", e.message),
        _ => format!(": {}", e.message),
    }
}

/// The rules that changed a post, as reports show them.
pub(crate) fn fired_rules(processed: &Processed) -> Vec<FiredRule> {
    processed
        .fired
        .iter()
        .map(|f| FiredRule {
            id: f.meta.id.clone(),
            count: f.count,
            severity: f.meta.severity,
            message: f.meta.message.clone(),
            line: f.line,
            column: f.column,
        })
        .collect()
}

/// The Jekyll rename, shown as a rule that fired when the post gets a dated name.
pub(crate) fn jekyll_rename_rule() -> FiredRule {
    let meta = &*pipeline::JEKYLL_NAME_RULE;
    FiredRule {
        id: meta.id.clone(),
        count: 1,
        severity: meta.severity,
        message: meta.message.clone(),
        line: Some(1),
        column: Some(1),
    }
}

/// Read, transform and write or compare one post. Never panics on bad input; errors become a
/// `Failed` status and the post is left untouched.
fn handle_post(
    post: &Post,
    target: Option<&Target>,
    naming: &PostNaming,
    context: &PostContext<'_>,
) -> PostResult {
    let (cwd, config) = (context.cwd, context.config);
    let path = display_path(&post.path, cwd);
    let mut result = PostResult {
        path,
        file: relative(&post.path, cwd),
        status: Status::Unchanged,
        fired: Vec::new(),
        warnings: Vec::new(),
        diff: None,
        diff_stat: None,
        changed_lines: Vec::new(),
        notes: crate::pipeline::PostNotes::default(),
    };
    let fail = |mut r: PostResult, message: String| {
        r.status = Status::Failed(message);
        r
    };
    let (bytes, meta) = match context.stdin {
        Some(Ok(bytes)) => (bytes.clone(), None),
        Some(Err(message)) => return fail(result, message.clone()),
        None => match read_post(&post.path, config.max_post_size) {
            Ok((bytes, meta)) => (bytes, Some(meta)),
            Err(message) => return fail(result, message),
        },
    };
    let rule_path = context.rule_base.relative(&post.path, &post.relative);
    let Ok(text) = simdutf8::basic::from_utf8(&bytes) else {
        return fail(
            result,
            "not UTF-8 text: convert it first (e.g. with iconv); left untouched".into(),
        );
    };
    let need = match context.action {
        Action::Check => Need::Verdict {
            all_lines: context.ranges,
        },
        _ => Need::Output,
    };
    let memo = match memo::transform(text, &rule_path, config, need, context.cache) {
        Ok(m) => m,
        Err(Failure::Post(e)) => return fail(result, position_message(&e)),
        Err(Failure::Internal) => {
            return fail(
                result,
                "internal error while converting this post (a bug: please report it with the post); left untouched".into(),
            );
        }
    };
    if let Some(planned) = naming.date
        && let Some(date) = &memo.date
        && *date != planned.to_string()
    {
        return fail(
            result,
            format!(
                "its converted date ({date}) is not the one its Jekyll name was made from ({planned}): a rule fills `date` from the body; set the date in the front matter, or rename the post by hand"
            ),
        );
    }
    let renamed = naming.rename.is_some();
    let changed = memo.changed || renamed;
    let output: &str = memo.output.as_deref().unwrap_or(text);
    result.fired = memo.fired.clone();
    if renamed {
        result.fired.push(jekyll_rename_rule());
    }
    result.warnings = memo.warnings.clone();
    result.notes = memo.notes.clone();
    result.warnings.extend(naming.warnings.iter().cloned());
    if changed {
        result.status = Status::Changed;
    }
    match context.action {
        Action::Diff if changed => {
            match context.view {
                DiffView::Patch => {
                    use std::os::unix::ffi::OsStrExt;
                    // Raw bytes, not the escaped display name: the header quotes them as git
                    // does, so the diff applies with `patch -p1` whatever the name holds.
                    let old_path = relative(&post.path, cwd);
                    let new_path = match &naming.shown_as {
                        Some(name) => relative(&post.path.with_file_name(name), cwd),
                        None => old_path.clone(),
                    };
                    result.diff = Some(diff::unified_paths(
                        old_path.as_os_str().as_bytes(),
                        new_path.as_os_str().as_bytes(),
                        text,
                        output,
                        config.color,
                    ));
                }
                DiffView::Stat => result.diff_stat = Some(diff::stat(text, output)),
                DiffView::NameOnly => {}
            }
        }
        Action::Check if changed => {
            result.changed_lines = if memo.changed {
                memo.lines.clone()
            } else {
                // Only renamed: the content is the same.
                let line = diff::first_changed_line(text, text);
                vec![(line, line)]
            };
        }
        Action::InPlace if changed => {
            let Some(Target::Write {
                path,
                remove,
                taken_md,
            }) = target
            else {
                return result;
            };
            // An interrupted run already wrote this page's conversion beside it.
            if let Some(md) = taken_md
                && std::fs::read(md).is_ok_and(|b| b == output.as_bytes())
            {
                if let Err(e) = std::fs::remove_file(path) {
                    return fail(
                        result,
                        format!(
                            "{} already holds the conversion, but cannot remove the page: {e}",
                            display_path(md, cwd)
                        ),
                    );
                }
                return result;
            }
            let Some(meta) = meta.as_ref() else {
                return fail(result, "standard input cannot be rewritten in place".into());
            };
            let attrs = Attributes {
                durable: true,
                ..Attributes::of(meta)
            };
            if let Err(e) = atomic::write(path, output.as_bytes(), attrs) {
                return fail(result, format!("cannot write: {e}"));
            }
            // The page now lives as Markdown beside it; the new file is on disk first.
            if let Some(original) = remove
                && let Err(e) = std::fs::remove_file(original)
            {
                return fail(
                    result,
                    format!(
                        "converted to {}, but cannot remove the original: {e}",
                        display_path(path, cwd)
                    ),
                );
            }
        }
        Action::WriteTo { dir, force } => {
            let Some(Target::Write { path: target, .. }) = target else {
                return result;
            };
            let shown = display_path(target, cwd);
            if !force && std::fs::symlink_metadata(target).is_ok() {
                result.status = Status::Skipped(format!("{shown} exists"));
                return result;
            }
            let below = target
                .strip_prefix(dir)
                .ok()
                .and_then(Path::parent)
                .unwrap_or(Path::new(""));
            if let Err(e) = atomic::create_dirs_below(dir, below) {
                let why = match e {
                    DirError::Symlink(p) => format!(
                        "{} is a symlink: postscrub does not write through symlinks inside --out (remove it, or choose another --out)",
                        display_path(&p, cwd)
                    ),
                    DirError::NotAFolder(p) => {
                        format!("{} is a file, not a folder", display_path(&p, cwd))
                    }
                    DirError::Io(p, e) => format!("cannot create {}: {e}", display_path(&p, cwd)),
                };
                return fail(result, format!("cannot write {shown}: {why}"));
            }
            let Some(meta) = meta.as_ref() else {
                return fail(
                    result,
                    "standard input is written to standard output, not --out".into(),
                );
            };
            let attrs = Attributes {
                owner: None,
                ..Attributes::of(meta)
            };
            if let Err(e) = atomic::write(target, output.as_bytes(), attrs) {
                return fail(result, format!("cannot write {shown}: {e}"));
            }
        }
        _ => {}
    }
    result
}

/// Read a post: only a regular file (a FIFO would block forever, a device never end), and
/// only up to `max` bytes (checked from the metadata before reading, and again while reading
/// in case the file grows). Returns the bytes and the metadata of the file read.
pub(crate) fn read_post(path: &Path, max: u64) -> Result<(Vec<u8>, std::fs::Metadata), String> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opened without blocking, so a FIFO put where a post was (after the walk saw a file)
    // cannot hang the run; what was opened is then checked before a byte is read. (A stat
    // before the open cost a system call per post and did not close that race anyway.)
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "not a regular file ({}); not read",
            walk::special_kind(meta.file_type())
        ));
    }
    if meta.len() > max {
        return Err(over_limit(Some(meta.len()), max));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    (&mut file)
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(over_limit(None, max));
    }
    Ok((bytes, meta))
}

fn over_limit(size: Option<u64>, max: u64) -> String {
    let limit = crate::limits::format_size(max);
    match size {
        Some(n) => format!("post is {n} bytes, over the {limit} limit (--max-post-size)"),
        None => format!("post grew over the {limit} limit while read (--max-post-size)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO where a post was (put there after the walk saw a file) is refused at once,
    /// never opened for a blocking read that would hang the run.
    #[test]
    fn read_post_refuses_a_fifo_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("post.md");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success(), "mkfifo failed");
        let (done, got) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = done.send(read_post(&path, 1 << 20).map(|(bytes, _)| bytes));
        });
        let result = got
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("read_post blocked on a FIFO");
        let message = result.unwrap_err();
        assert!(message.contains("not a regular file"), "{message}");
        let file = dir.path().join("ok.md");
        std::fs::write(&file, "---\ntitle: a\n---\nbody\n").unwrap();
        assert_eq!(read_post(&file, 1 << 20).unwrap().0.len(), 22);
        assert!(read_post(&file, 10).unwrap_err().contains("over the"));
    }

    /// [`RuleBase::relative`] without its shortcut.
    fn relative_by_parts(base: &RuleBase, post: &Path, fallback: &str) -> String {
        RuleBase {
            plain: false,
            path: base.path.clone(),
            canonical: base.canonical.clone(),
        }
        .relative(post, fallback)
    }

    #[test]
    fn rule_base_shortcut_agrees_with_the_parts() {
        use std::os::unix::ffi::OsStrExt;
        let bases = ["/s", "/s/", "/s/./t", "/s//t", "/", "s", "/s/../t"];
        let posts = [
            "/s/a.md",
            "/s/t/a.md",
            "/s//a.md",
            "/s/./a.md",
            "/sx/a.md",
            "/s",
            "/s/",
            "/s/../t/a.md",
            "/s/ü.md",
            "s/a.md",
            "/other/a.md",
        ];
        for base in bases {
            let base = RuleBase::new(PathBuf::from(base));
            for post in posts {
                let post = Path::new(post);
                assert_eq!(
                    base.relative(post, "fallback"),
                    relative_by_parts(&base, post, "fallback"),
                    "{:?} {post:?}",
                    base.path
                );
            }
            let odd = Path::new(std::ffi::OsStr::from_bytes(b"/s/\xff.md"));
            assert_eq!(
                base.relative(odd, "fallback"),
                relative_by_parts(&base, odd, "fallback")
            );
        }
        assert!(RuleBase::new(PathBuf::from("/s/t")).plain);
        assert!(!RuleBase::new(PathBuf::from("/s/t/")).plain);
    }
}
