//! `postscrub report`: a static HTML review of what a conversion would do.
//!
//! Reviewing 50,000 posts in a terminal diff is slow; this writes a folder that a browser opens
//! from `file://`, with no network and nothing from the posts ever running: a front page with
//! the totals, the rules and a paged, filterable list of the changed posts, and one page per
//! changed post with both versions rendered side by side, the diff with its changed words
//! marked, the rules that fired and the front-matter fields before and after.
//!
//! The posts are found, transformed and counted as `check` does (same walk, rules and config),
//! so the report's totals are `check`'s. One job per module:
//! - [`collect`]: one post: transform it, write its page, hand back its list entry;
//! - [`post_page`], [`frame`], [`diff_html`], [`fields`]: a post's page and its parts;
//! - [`index_page`]: the front page and its paged list data;
//! - [`assets`]: the report's own stylesheet and scripts;
//! - [`out_dir`]: which folder may be written, and writing inside it only;
//! - [`escape`]: how anything from a post or a file name reaches a page.
//!
//! The library prints nothing itself: messages and the progress bar go to the `err` it is given.

pub mod assets;
mod collect;
pub mod diff_html;
pub mod escape;
pub mod fields;
pub mod frame;
pub mod index_page;
pub mod out_dir;
pub mod post_page;

use crate::cli::ReportArgs;
use crate::config::{Config, Environment};
use crate::plan;
use crate::printable;
use crate::run::{Outcome, display_path};
use crate::site;
use crate::walk::{self, Root, WalkOptions};
use anyhow::{Context as _, Result, bail};
use collect::{Context, Reviewed};
use index_page::{Entry, Index, RuleTotal, Totals};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

/// Posts transformed per thread between two reports to the main thread.
const BATCH_PER_THREAD: usize = 64;

/// Run `postscrub report`.
pub fn run(
    args: &ReportArgs,
    cwd: &std::path::Path,
    env: Environment,
    err: &mut dyn Write,
) -> Result<Outcome> {
    let start = Instant::now();
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!(
            "`report` reads posts from files and folders, not standard input: give the post's path instead of `-`"
        );
    }
    let config = Config::resolve(&args.common, cwd, env)?;
    if config.verbose {
        writeln!(err, "{}", site::describe::one_line(&config.site, cwd))?;
    }
    let given: Vec<PathBuf> = args.paths.iter().map(|p| cwd.join(p)).collect();
    let the_site = config.site.choice.site();
    let scope = site::scope::plan(&given, the_site, cwd, &config.filter);
    let roots: Vec<Root> = scope.roots;
    let root_paths: Vec<PathBuf> = roots.iter().map(|r| r.path.clone()).collect();
    let out = cwd.join(&args.out);
    let shown_out = display_path(&out, cwd);
    if let Err(refusal) = out_dir::check(&out, &root_paths, args.force) {
        use out_dir::Refusal;
        let (how, input) = match refusal {
            Refusal::NotAFolder => bail!(
                "--out {shown_out}: this is a file, not a folder; give a folder (it is created if missing)"
            ),
            Refusal::NotEmpty => bail!(
                "--out {shown_out} is not empty and holds no earlier report: give an empty or new folder, or --force to write into it anyway"
            ),
            Refusal::IsInput(p) => ("is", p),
            Refusal::InsideInput(p) => ("is inside", p),
            Refusal::HoldsInput(p) => ("holds", p),
        };
        bail!(
            "--out {shown_out} {how} {}, which the report reads: the report writes nothing but its folder, so give one outside the posts (e.g. --out ../review)",
            display_path(&input, cwd)
        );
    }
    if !config.quiet {
        for w in &config.warnings {
            writeln!(err, "warning: {}", printable::printable(w))?;
        }
        for w in config.rules.warnings() {
            writeln!(err, "warning: {w}")?;
        }
    }
    let site_root = the_site.map(|s| plan::canonical_lenient(&s.root));
    let walked = walk::find_posts(
        &roots,
        WalkOptions {
            filter: &config.filter,
            skip: Some(&out),
            follow: config.follow,
            site_root: site_root.as_deref(),
        },
    );
    crate::run::walk_problems(&walked.errors, &walked.notes, config.quiet, cwd, err)?;
    if !config.quiet {
        for path in &scope.not_content {
            writeln!(
                err,
                "skipped: {}: not in the site's content folders",
                display_path(path, cwd)
            )?;
        }
    }
    let mut posts = walked.posts;
    crate::run::take_shard(&mut posts, &config, cwd);
    let to_markdown = config.options.to == crate::pipeline::OutputFormat::Markdown;
    let facts = crate::run::post_facts(&posts, &config);
    let naming = plan::naming(&posts, &facts, config.options.target, to_markdown, &|p| {
        display_path(p, cwd)
    });
    if !naming.conflicts.is_empty() {
        for c in &naming.conflicts {
            writeln!(err, "error: {c}")?;
        }
        writeln!(err, "error: no report was written")?;
        return Ok(Outcome::PostErrors);
    }
    let mut namings = naming.posts;
    plan::show_output_names(&posts, &mut namings, to_markdown);

    out_dir::prepare(&out).with_context(|| format!("cannot prepare {shown_out}"))?;
    out_dir::write(&out, out_dir::MARKER, b"postscrub report\n")?;
    for (name, bytes) in assets::FILES {
        out_dir::write(&out, name, bytes.as_bytes())?;
    }

    let cache = crate::run::open_cache(&config, cwd, err)?;
    let cx = Context {
        cwd,
        config: &config,
        out: &out,
        rule_base: crate::run::RuleBase::new(config.rule_base(cwd)),
        cache: cache.as_ref(),
    };
    let mut totals = Totals {
        failed: walked.errors.len(),
        ..Totals::default()
    };
    let mut rules: BTreeMap<String, RuleTotal> = BTreeMap::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut failed: Vec<(String, String)> = walked
        .errors
        .iter()
        .map(|e| (display_path(&e.path, cwd), e.message.clone()))
        .collect();
    let bar = crate::run::progress_bar(config.progress, posts.len());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .context("cannot start worker threads")?;
    let work: Vec<(usize, (&walk::Post, &plan::PostNaming))> =
        posts.iter().zip(&namings).enumerate().collect();
    for chunk in work.chunks((BATCH_PER_THREAD * config.jobs).max(1)) {
        let results: Vec<Result<Reviewed>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&(i, (post, naming))| {
                    let r = collect::review(post, naming, i + 1, &cx);
                    bar.inc(1);
                    r
                })
                .collect()
        });
        for r in results {
            totals.seen += 1;
            match r? {
                Reviewed::Unchanged { path, warnings } => {
                    totals.unchanged += 1;
                    totals.warnings += warnings.len();
                    say_warnings(&path, &warnings, config.quiet, &bar, err)?;
                }
                Reviewed::Changed {
                    entry,
                    fired,
                    warnings,
                } => {
                    totals.changed += 1;
                    totals.warnings += warnings.len();
                    say_warnings(&entry.path, &warnings, config.quiet, &bar, err)?;
                    for f in fired {
                        let t = rules.entry(f.id.clone()).or_insert_with(|| RuleTotal {
                            id: f.id.clone(),
                            posts: 0,
                            count: 0,
                            severity: f.severity,
                            message: f.message.clone(),
                        });
                        t.posts += 1;
                        t.count += u64::from(f.count);
                    }
                    entries.push(entry);
                }
                Reviewed::Failed { path, message } => {
                    totals.failed += 1;
                    if !config.quiet {
                        bar.suspend(|| {
                            writeln!(err, "error: {}: {}", path, printable::printable(&message))
                        })?;
                    }
                    failed.push((path, message));
                }
            }
        }
    }
    bar.finish_and_clear();
    if let Some(cache) = &cache {
        let stats = cache.finish();
        if config.verbose {
            writeln!(err, "{}", crate::run::cache_line(&stats, cache, cwd))?;
        }
    }

    let mut rules: Vec<RuleTotal> = rules.into_values().collect();
    rules.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.posts.cmp(&a.posts))
            .then(a.id.cmp(&b.id))
    });
    let pages = index_page::pages(&entries);
    for (page, slice) in &pages {
        out_dir::write(
            &out,
            &index_page::data_file(*page),
            index_page::data_script(*page, slice, &rules).as_bytes(),
        )?;
    }
    out_dir::write(
        &out,
        index_page::FOLDERS_FILE,
        index_page::folders_script(&entries).as_bytes(),
    )?;
    let title = if root_paths.is_empty() {
        ".".to_owned()
    } else {
        root_paths
            .iter()
            .map(|r| display_path(r, cwd))
            .collect::<Vec<_>>()
            .join(", ")
    };
    // A report of one job of a matrix says which share of the posts it shows.
    let shard = config
        .shard
        .map(|s| format!(" (shard {s})"))
        .unwrap_or_default();
    let title = format!("{title}{shard}");
    let index = index_page::render(&Index {
        title: &title,
        totals: &totals,
        rules: &rules,
        entries: &entries,
        failed: &failed,
    });
    out_dir::write(&out, "index.html", index.as_bytes())?;
    if !config.quiet {
        writeln!(
            err,
            "{} post{} seen{shard}: {} would change, {} unchanged, {} failed, {} warning{} ({:.2}s). Report: {}",
            totals.seen,
            if totals.seen == 1 { "" } else { "s" },
            totals.changed,
            totals.unchanged,
            totals.failed,
            totals.warnings,
            if totals.warnings == 1 { "" } else { "s" },
            start.elapsed().as_secs_f64(),
            display_path(&out.join("index.html"), cwd)
        )?;
    }
    Ok(if totals.failed > 0 {
        Outcome::PostErrors
    } else {
        Outcome::Done
    })
}

/// A post's warnings on `err`, as the other commands write them.
fn say_warnings(
    path: &str,
    warnings: &[crate::pipeline::PostWarning],
    quiet: bool,
    bar: &indicatif::ProgressBar,
    err: &mut dyn Write,
) -> Result<()> {
    if quiet {
        return Ok(());
    }
    for w in warnings {
        let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
        bar.suspend(|| {
            writeln!(
                err,
                "warning: {}{line}: {} [{}]",
                printable::printable(path),
                printable::printable(&w.message),
                w.rule_id
            )
        })?;
    }
    Ok(())
}
