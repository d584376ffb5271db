//! Reporters: everything postscrub tells the user about posts goes through here.
//!
//! Results go to `out` (stdout), messages and summaries to `err` (stderr), both passed in so
//! tests capture them. Posts arrive in path order, whatever the number of threads. Paths and
//! messages reach a terminal or a CI log only through [`printable`]: a file name is data, and
//! must not be able to forge a line or send an escape sequence.

use crate::cli::Format;
use crate::pipeline::{PostNotes, PostWarning};
use crate::printable::printable;
use crate::rules::{RuleSource, RuleWarning, Severity};
use serde_json::json;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

/// What happened to one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Unchanged,
    /// Would change (diff, check) or was changed and written (convert).
    Changed,
    /// Not written because the output file exists (and `--force` was not given).
    Skipped(String),
    /// Could not be read, parsed or written: left untouched.
    Failed(String),
}

/// A rule that changed a post, owned so results can cross threads (and be cached).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FiredRule {
    pub id: String,
    pub count: u32,
    pub severity: Severity,
    pub message: Option<String>,
    pub line: Option<usize>,
    /// 1-based, in characters, where known.
    pub column: Option<usize>,
}

impl PostResult {
    /// Where the post's first change is: the earliest position a rule fired at, else the first
    /// changed line, else the top.
    pub fn first_position(&self) -> (usize, usize) {
        self.fired
            .iter()
            .filter_map(|f| f.line.map(|l| (l, f.column.unwrap_or(1))))
            .min()
            .or_else(|| self.changed_lines.first().map(|l| (l.0, 1)))
            .unwrap_or((1, 1))
    }
}

impl FiredRule {
    /// What the rule did, for a CI message: its message (or a sentence naming it) and, when it
    /// fired more than once, how often.
    pub fn describe(&self) -> String {
        match (&self.message, self.count) {
            (Some(m), 1) => m.clone(),
            (Some(m), n) => format!("{m} (×{n})"),
            (None, n) => format!("rule {} would change this post (×{n})", self.id),
        }
    }

    /// Where the rule first fired in `post`: its own position, else the post's first change.
    pub fn position(&self, post: &PostResult) -> (usize, usize) {
        match self.line {
            Some(l) => (l, self.column.unwrap_or(1)),
            None => post.changed_lines.first().map_or((1, 1), |l| (l.0, 1)),
        }
    }
}

/// One post's result, ready to report.
#[derive(Debug, Clone)]
pub struct PostResult {
    /// The post's path for display (as walked), escaped by [`crate::printable::path`].
    pub path: String,
    /// The same path as bytes, relative to the working folder when under it: for formats that
    /// must name the file exactly (SARIF URIs).
    pub file: std::path::PathBuf,
    pub status: Status,
    pub fired: Vec<FiredRule>,
    pub warnings: Vec<PostWarning>,
    /// Unified diff, for `diff` and `convert --dry-run`.
    pub diff: Option<String>,
    /// Lines added and removed, for `diff --stat`.
    pub diff_stat: Option<(usize, usize)>,
    /// Changed line ranges of the original, for `check`.
    pub changed_lines: Vec<(usize, usize)>,
    /// What the post asks of the site, summed up once per run.
    pub notes: PostNotes,
}

/// Totals for the final summary line.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub seen: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Files named on the command line that are not content of the site (left out).
    pub not_content: usize,
    /// Warnings given about posts (and entries the walk skipped).
    pub warnings: usize,
    /// Where `convert --out` wrote, for display.
    pub output: Option<String>,
    /// `--shard K/N`: the share of the posts this run covered.
    pub shard: Option<String>,
    pub elapsed: Duration,
    pub notes: RunNotes,
}

/// What the run's posts ask of the site, said once at the end (see [`run_notes`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RunNotes {
    pub embeds_kept: u32,
    pub embeds_as_html: u32,
    pub embeds_linked: u32,
    pub embeds_dropped: u32,
    /// Posts whose output needs raw HTML under `--target hugo`.
    pub hugo_raw_html_posts: usize,
    /// Images on hosts that check the referrer, by site, and the posts holding them.
    pub referrer_images: std::collections::BTreeMap<String, u32>,
    pub referrer_posts: usize,
    pub http_images: u32,
    /// The run's own lines, said first (e.g. the posts Hexo will skip).
    pub lines: Vec<String>,
}

impl RunNotes {
    pub fn add(&mut self, n: &PostNotes) {
        self.embeds_kept += n.embeds.embeds_kept;
        self.embeds_as_html += n.embeds.embeds_as_html;
        self.embeds_linked += n.embeds.embeds_linked;
        self.embeds_dropped += n.embeds.embeds_dropped;
        self.hugo_raw_html_posts += usize::from(n.hugo_raw_html);
        if !n.referrer_images.is_empty() {
            self.referrer_posts += 1;
        }
        for (site, count) in &n.referrer_images {
            *self.referrer_images.entry(site.clone()).or_insert(0) += count;
        }
        self.http_images += n.http_images;
    }
}

/// The run's notes, one line each, on `err`: what the site needs to show the converted posts
/// as the old ones showed (Hugo's raw-HTML setting, a referrer policy for hotlink-protected
/// images), and what became of embeds.
pub fn run_notes(n: &RunNotes, err: &mut dyn Write) -> io::Result<()> {
    let plural = |count: u64, one: &'static str, many: &'static str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    for line in &n.lines {
        writeln!(err, "note: {}", printable(line))?;
    }
    let embeds = n.embeds_kept + n.embeds_linked + n.embeds_dropped;
    if embeds > 0 {
        writeln!(
            err,
            "note: embeds: {} kept as players, {} written as links, {} dropped (--embeds keep|link|drop)",
            n.embeds_kept, n.embeds_linked, n.embeds_dropped
        )?;
    }
    if n.hugo_raw_html_posts > 0 {
        let players = if n.embeds_as_html > 0 {
            format!(
                " ({} without a Hugo shortcode kept as HTML)",
                plural(n.embeds_as_html.into(), "player", "players")
            )
        } else {
            String::new()
        };
        writeln!(
            err,
            "note: {} raw HTML{players}, which Hugo drops by default: {}",
            plural(n.hugo_raw_html_posts as u64, "post needs", "posts need"),
            crate::pipeline::HUGO_UNSAFE_FIX
        )?;
    }
    if n.referrer_posts > 0 {
        let total: u32 = n.referrer_images.values().sum();
        let mut sites: Vec<(&String, &u32)> = n.referrer_images.iter().collect();
        sites.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let sites: Vec<String> = sites.iter().map(|(s, c)| format!("{s} ×{c}")).collect();
        writeln!(
            err,
            "note: {} in {} come from hosts that refuse other sites' referrers ({}); they load only on pages that send none: add <meta name=\"referrer\" content=\"no-referrer\"> to the <head> of your theme's layout",
            plural(total.into(), "image", "images"),
            plural(n.referrer_posts as u64, "post", "posts"),
            sites.join(", ")
        )?;
    }
    if n.http_images > 0 {
        writeln!(
            err,
            "note: {} linked over http://: on an https site, browsers upgrade such images to https or block them; check that their hosts serve https",
            plural(n.http_images.into(), "image is", "images are")
        )?;
    }
    Ok(())
}

impl Summary {
    pub fn add(&mut self, status: &Status) {
        self.seen += 1;
        match status {
            Status::Unchanged => self.unchanged += 1,
            Status::Changed => self.changed += 1,
            Status::Skipped(_) => self.skipped += 1,
            Status::Failed(_) => self.failed += 1,
        }
    }
}

/// How `diff` shows a changed post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DiffView {
    /// The unified diff (`patch -p1` applies it).
    #[default]
    Patch,
    /// Lines added and removed per post, as `git diff --stat`.
    Stat,
    /// The paths alone, one per line, as `prettier -l`.
    NameOnly,
}

/// What the run was, for the wording of the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Convert,
    Diff,
    Check,
}

pub trait Reporter {
    fn post(
        &mut self,
        result: &PostResult,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()>;
    fn finish(
        &mut self,
        summary: &Summary,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()>;
    /// A rule file that loaded but cannot do what it says; reported before any post.
    fn rule_warning(
        &mut self,
        warning: &RuleWarning,
        _out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(err, "warning: {warning}")
    }
}

/// What a reporter is built from.
#[derive(Debug, Clone)]
pub struct ReporterOptions {
    pub verb: Verb,
    pub format: Format,
    pub quiet: bool,
    pub color: bool,
    pub view: DiffView,
    /// The GitHub job summary file (`$GITHUB_STEP_SUMMARY`), for the github format.
    pub step_summary: Option<std::path::PathBuf>,
    /// The working folder: SARIF and GitLab name files relative to it.
    pub cwd: std::path::PathBuf,
    /// `--shard K/N`: JSON records say which shard they came from (`postscrub merge` joins them).
    pub shard: Option<String>,
}

impl ReporterOptions {
    /// Human output, quiet, no colour, unified diffs: what tests and `rules test` use.
    pub fn plain(verb: Verb, cwd: &Path) -> ReporterOptions {
        ReporterOptions {
            verb,
            format: Format::Human,
            quiet: true,
            color: false,
            view: DiffView::Patch,
            step_summary: None,
            cwd: cwd.to_path_buf(),
            shard: None,
        }
    }
}

/// Reporter for a command and format.
pub fn reporter(o: ReporterOptions) -> Box<dyn Reporter> {
    match o.format {
        Format::Human => Box::new(Human {
            verb: o.verb,
            quiet: o.quiet,
            color: o.color,
            view: o.view,
            stats: Vec::new(),
        }),
        Format::Json => Box::new(Json {
            array: JsonArray::default(),
            shard: o.shard,
        }),
        Format::Github => Box::new(Github {
            step_summary: o.step_summary,
            rules: std::collections::BTreeMap::new(),
            failures_shown: 0,
            hidden: 0,
            posts: Vec::new(),
            more_posts: 0,
        }),
        Format::Sarif => Box::new(Sarif {
            cwd: o.cwd,
            rules: Vec::new(),
            results: Vec::new(),
        }),
        Format::Gitlab => Box::new(Gitlab {
            array: JsonArray::default(),
            seen: std::collections::HashSet::new(),
        }),
    }
}

/// Post errors and warnings on stderr, the same in every format.
fn problems(result: &PostResult, err: &mut dyn Write) -> io::Result<()> {
    let path = printable(&result.path);
    if let Status::Failed(message) = &result.status {
        let message = printable(message);
        writeln!(err, "error: {}{message}", prefix(&path, &message))?;
    }
    for w in &result.warnings {
        let line = w.line.map(|l| format!(":{l}")).unwrap_or_default();
        writeln!(
            err,
            "warning: {path}{line}: {} [{}]",
            printable(&w.message),
            w.rule_id
        )?;
    }
    Ok(())
}

/// `path: ` unless the message already starts with a `:line` position.
fn prefix(path: &str, message: &str) -> String {
    if message.starts_with(':') {
        path.to_owned()
    } else {
        format!("{path}: ")
    }
}

/// `qr-ad-block, stock-keyword-link ×2`
pub fn rule_list(fired: &[FiredRule]) -> String {
    fired
        .iter()
        .map(|f| {
            if f.count > 1 {
                format!("{} ×{}", f.id, f.count)
            } else {
                f.id.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

struct Human {
    verb: Verb,
    quiet: bool,
    color: bool,
    view: DiffView,
    /// `--stat` rows (path, added, removed), printed together at the end so they align.
    stats: Vec<(String, usize, usize)>,
}

impl Reporter for Human {
    fn post(&mut self, r: &PostResult, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        problems(r, err)?;
        match (self.verb, &r.status) {
            (Verb::Diff, Status::Changed) if self.view == DiffView::NameOnly => {
                writeln!(out, "{}", printable(&r.path))?;
            }
            (Verb::Diff, Status::Changed) if self.view == DiffView::Stat => {
                let (added, removed) = r.diff_stat.unwrap_or_default();
                self.stats
                    .push((printable(&r.path).into_owned(), added, removed));
            }
            (Verb::Diff, Status::Changed) | (Verb::Convert, Status::Changed)
                if r.diff.is_some() =>
            {
                let (bold, reset) = if self.color {
                    ("\x1b[1;33m", "\x1b[0m")
                } else {
                    ("", "")
                };
                writeln!(
                    out,
                    "{bold}# {}: {}{reset}",
                    printable(&r.path),
                    rule_list(&r.fired)
                )?;
                out.write_all(r.diff.as_deref().unwrap_or_default().as_bytes())?;
            }
            (Verb::Check, Status::Changed) => {
                let (line, column) = r.first_position();
                let what = if r.fired.is_empty() {
                    "white space and layout only, no rule fired".to_owned()
                } else {
                    rule_list(&r.fired)
                };
                writeln!(
                    out,
                    "{}:{line}:{column}: would change: {what}",
                    printable(&r.path),
                )?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        if self.view == DiffView::Stat {
            out.write_all(stat_table(&self.stats, self.color).as_bytes())?;
            out.flush()?;
        }
        if self.quiet && s.failed == 0 {
            return Ok(());
        }
        let secs = s.elapsed.as_secs_f64();
        let posts = |n: usize| if n == 1 { "post" } else { "posts" };
        let mut failed = if s.failed > 0 {
            format!(", {} failed", s.failed)
        } else {
            String::new()
        };
        if s.not_content > 0 {
            failed.push_str(&format!(
                ", {} named {} skipped (not site content)",
                s.not_content,
                if s.not_content == 1 { "file" } else { "files" }
            ));
        }
        if let Some(shard) = &s.shard {
            failed.push_str(&format!(" in shard {shard}"));
        }
        if s.warnings > 0 {
            failed.push_str(&format!(
                ", {} {}",
                s.warnings,
                if s.warnings == 1 {
                    "warning"
                } else {
                    "warnings"
                }
            ));
        }
        match self.verb {
            Verb::Convert => {
                // One line for every post already converted by an earlier run, not one each.
                let skipped = if s.skipped > 0 {
                    format!(
                        ", {} skipped (already converted: the output exists; --force overwrites)",
                        s.skipped
                    )
                } else {
                    String::new()
                };
                let into = s
                    .output
                    .as_deref()
                    .map(|o| format!("; output in {}", printable(o)))
                    .unwrap_or_default();
                writeln!(
                    err,
                    "{} {} seen: {} changed, {} unchanged{skipped}{failed} in {secs:.2}s{into}",
                    s.seen,
                    posts(s.seen),
                    s.changed,
                    s.unchanged
                )
            }
            Verb::Diff | Verb::Check => {
                if s.changed == 0 {
                    writeln!(
                        err,
                        "{} {} seen: nothing to change{failed} ({secs:.2}s)",
                        s.seen,
                        posts(s.seen)
                    )
                } else {
                    writeln!(
                        err,
                        "{} of {} {} would change{failed} ({secs:.2}s). Run `postscrub convert --in-place` (or `--out DIR`) to apply.",
                        s.changed,
                        s.seen,
                        posts(s.seen)
                    )
                }
            }
        }
    }
}

/// A JSON array written one element at a time, as results arrive (json and gitlab formats).
#[derive(Default)]
struct JsonArray {
    open: bool,
}

impl JsonArray {
    fn push<T: serde::Serialize>(&mut self, value: &T, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.open { b",\n  " } else { b"[\n  " })?;
        self.open = true;
        serde_json::to_writer(&mut *out, value)?;
        Ok(())
    }

    fn close(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.open { b"\n]\n" } else { b"[]\n" })
    }
}

/// One post's object in the JSON report, serialised straight from borrowed fields (no
/// intermediate `serde_json::Value` per post). Fields are in alphabetical order, the order the
/// report has always had.
#[derive(serde::Serialize)]
struct JsonRecord<'a> {
    changed_lines: Vec<JsonRange>,
    error: Option<&'a str>,
    path: &'a str,
    rules: Vec<JsonRule<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shard: Option<&'a str>,
    status: &'static str,
    warnings: Vec<JsonWarning<'a>>,
}

#[derive(serde::Serialize)]
struct JsonRange {
    end: usize,
    start: usize,
}

#[derive(serde::Serialize)]
struct JsonRule<'a> {
    column: Option<usize>,
    count: u32,
    id: &'a str,
    line: Option<usize>,
    message: Option<&'a str>,
    severity: &'static str,
}

#[derive(serde::Serialize)]
struct JsonWarning<'a> {
    column: Option<usize>,
    line: Option<usize>,
    message: &'a str,
    rule: &'a str,
}

/// A JSON array, one object per post, written as posts arrive.
struct Json {
    array: JsonArray,
    shard: Option<String>,
}

impl Reporter for Json {
    fn post(&mut self, r: &PostResult, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        problems(r, err)?;
        let (status, error) = match &r.status {
            Status::Unchanged => ("unchanged", None),
            Status::Changed => ("changed", None),
            Status::Skipped(why) => ("skipped", Some(why.as_str())),
            Status::Failed(why) => ("failed", Some(why.as_str())),
        };
        let record = JsonRecord {
            changed_lines: r
                .changed_lines
                .iter()
                .map(|&(start, end)| JsonRange { end, start })
                .collect(),
            error,
            path: &r.path,
            rules: r
                .fired
                .iter()
                .map(|f| JsonRule {
                    column: f.column,
                    count: f.count,
                    id: &f.id,
                    line: f.line,
                    message: f.message.as_deref(),
                    severity: f.severity.as_str(),
                })
                .collect(),
            shard: self.shard.as_deref(),
            status,
            warnings: r
                .warnings
                .iter()
                .map(|w| JsonWarning {
                    column: None,
                    line: w.line,
                    message: &w.message,
                    rule: &w.rule_id,
                })
                .collect(),
        };
        self.array.push(&record, out)
    }

    fn finish(
        &mut self,
        _s: &Summary,
        out: &mut dyn Write,
        _err: &mut dyn Write,
    ) -> io::Result<()> {
        self.array.close(out)
    }
}

/// GitHub Actions workflow commands, capped: GitHub shows only about ten annotations of a
/// type per step, so a run over a whole site that annotated every post would hide all but the
/// first few. At most [`GITHUB_PER_RULE`] annotations per rule (and [`GITHUB_FAILURES`] for
/// posts that failed), then one summary annotation with the totals; the full table of rules and
/// posts is appended to the job summary (`$GITHUB_STEP_SUMMARY`) when that is set.
struct Github {
    step_summary: Option<std::path::PathBuf>,
    /// Per rule: annotations written, posts affected, times fired, severity.
    rules: std::collections::BTreeMap<String, GithubRule>,
    failures_shown: usize,
    hidden: usize,
    /// Changed posts for the job summary, as (path, first line, rules), capped.
    posts: Vec<(String, usize, String)>,
    more_posts: usize,
}

#[derive(Default)]
struct GithubRule {
    shown: usize,
    posts: usize,
    count: u64,
    severity: Option<Severity>,
}

/// Annotations written per rule before the rest is only counted.
pub const GITHUB_PER_RULE: usize = 3;
/// Annotations written for failed posts before the rest is only counted.
pub const GITHUB_FAILURES: usize = 10;
/// Changed posts listed in the job summary.
const GITHUB_SUMMARY_POSTS: usize = 500;

/// Escape a workflow-command property or message per the runner's rules (`%25`, `%0D`,
/// `%0A`; in properties also `%3A`, `%2C`), on top of [`printable`], so that nothing in a
/// name can end the command or start another.
fn gh_escape(s: &str, property: bool) -> String {
    let mut out = printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

fn gh_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Off => "notice",
    }
}

impl Reporter for Github {
    fn post(&mut self, r: &PostResult, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        problems(r, err)?;
        if let Status::Failed(message) = &r.status {
            if self.failures_shown < GITHUB_FAILURES {
                self.failures_shown += 1;
                writeln!(
                    out,
                    "::error file={},title=postscrub::{}",
                    gh_escape(&r.path, true),
                    gh_escape(message, false)
                )?;
            } else {
                self.hidden += 1;
            }
        }
        if r.status != Status::Changed {
            return Ok(());
        }
        if self.posts.len() < GITHUB_SUMMARY_POSTS {
            self.posts
                .push((r.path.clone(), r.first_position().0, rule_list(&r.fired)));
        } else {
            self.more_posts += 1;
        }
        for f in &r.fired {
            let rule = self.rules.entry(f.id.clone()).or_default();
            rule.posts += 1;
            rule.count += u64::from(f.count);
            rule.severity = Some(f.severity);
            if rule.shown >= GITHUB_PER_RULE {
                self.hidden += 1;
                continue;
            }
            rule.shown += 1;
            let (line, column) = f.position(r);
            let message = f.describe();
            writeln!(
                out,
                "::{} file={},line={line},col={column},title={}::{}",
                gh_level(f.severity),
                gh_escape(&r.path, true),
                gh_escape(&format!("postscrub/{}", f.id), true),
                gh_escape(&message, false)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        let mut text = format!("{} of {} posts would change", s.changed, s.seen);
        if let Some(shard) = &s.shard {
            text.push_str(&format!(" (shard {shard})"));
        }
        if s.failed > 0 {
            text.push_str(&format!(", {} failed", s.failed));
        }
        if self.hidden > 0 {
            text.push_str(&format!(
                "; {} more annotations not shown (at most {GITHUB_PER_RULE} per rule){}",
                self.hidden,
                if self.step_summary.is_some() {
                    ": every post is in the job summary"
                } else {
                    ""
                }
            ));
        }
        if s.changed > 0 || s.failed > 0 {
            writeln!(
                out,
                "::notice title=postscrub summary::{}",
                gh_escape(&text, false)
            )?;
        }
        out.flush()?;
        if let Some(path) = &self.step_summary {
            let table = self.step_summary_markdown(s);
            let written = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .and_then(|mut f| f.write_all(table.as_bytes()));
            if let Err(e) = written {
                writeln!(
                    err,
                    "warning: cannot append to the job summary ($GITHUB_STEP_SUMMARY={}): {e}",
                    crate::printable::path(path)
                )?;
            }
        }
        writeln!(err, "{text}")
    }

    fn rule_warning(
        &mut self,
        w: &RuleWarning,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(err, "warning: {w}")?;
        let mut properties = Vec::new();
        if let RuleSource::File(_) = &w.source {
            properties.push(format!("file={}", gh_escape(&w.source.to_string(), true)));
            if let Some(l) = w.line {
                properties.push(format!("line={l}"));
            }
        }
        properties.push("title=postscrub/rules".to_owned());
        writeln!(
            out,
            "::warning {}::{}",
            properties.join(","),
            gh_escape(&w.message, false)
        )
    }
}

impl Github {
    /// The job summary: totals, a table of rules, and the changed posts (GitHub-flavoured
    /// Markdown, names escaped so a file name cannot add markup).
    fn step_summary_markdown(&self, s: &Summary) -> String {
        use std::fmt::Write as _;
        let cell = |text: &str| {
            printable(text)
                .replace('\\', "\\\\")
                .replace('|', "\\|")
                .replace('`', "\\`")
                .replace('<', "&lt;")
                .replace('*', "\\*")
                .replace('_', "\\_")
                .replace('[', "\\[")
        };
        let mut md = String::from("## postscrub\n\n");
        let _ = writeln!(
            md,
            "{} posts seen: **{} would change**, {} unchanged, {} failed.\n",
            s.seen, s.changed, s.unchanged, s.failed
        );
        if !self.rules.is_empty() {
            md.push_str("| rule | severity | posts | times |\n|---|---|--:|--:|\n");
            let mut rows: Vec<_> = self.rules.iter().collect();
            rows.sort_by(|a, b| b.1.posts.cmp(&a.1.posts).then(a.0.cmp(b.0)));
            for (id, r) in rows {
                let _ = writeln!(
                    md,
                    "| `{}` | {} | {} | {} |",
                    id.replace('`', "'"),
                    r.severity.map_or("", Severity::as_str),
                    r.posts,
                    r.count
                );
            }
            md.push('\n');
        }
        if !self.posts.is_empty() {
            md.push_str("| post | line | rules |\n|---|--:|---|\n");
            for (path, line, rules) in &self.posts {
                let _ = writeln!(md, "| {} | {line} | {} |", cell(path), cell(rules));
            }
            if self.more_posts > 0 {
                let _ = writeln!(
                    md,
                    "\n… and {} more (run `postscrub check --statistics` locally for all).",
                    self.more_posts
                );
            }
            md.push('\n');
        }
        md
    }
}

/// SARIF 2.1.0, as GitHub code scanning accepts it. Buffered: SARIF is one document.
///
/// Files are named by `artifactLocation.uri`, a relative reference percent-encoded per RFC 3986
/// (a space is `%20`, a `%` is `%25`, non-ASCII bytes are encoded as UTF-8) resolved against the
/// `%SRCROOT%` base, which `originalUriBaseIds` gives as the working folder's `file://` URI. A
/// post outside the working folder gets an absolute `file://` URI and no base.
struct Sarif {
    cwd: std::path::PathBuf,
    rules: Vec<(String, Severity, Option<String>)>,
    results: Vec<serde_json::Value>,
}

/// The URI base SARIF results are relative to.
const SARIF_BASE: &str = "%SRCROOT%";

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Off => "note",
    }
}

impl Reporter for Sarif {
    fn post(
        &mut self,
        r: &PostResult,
        _out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        problems(r, err)?;
        if r.status != Status::Changed {
            return Ok(());
        }
        let location = if r.file.is_absolute() {
            json!({ "uri": crate::uri::file_url(&r.file, false) })
        } else {
            json!({ "uri": crate::uri::relative_reference(&r.file), "uriBaseId": SARIF_BASE })
        };
        for f in &r.fired {
            if !self.rules.iter().any(|(id, _, _)| *id == f.id) {
                self.rules
                    .push((f.id.clone(), f.severity, f.message.clone()));
            }
            let (line, column) = f.position(r);
            let text = f.describe();
            self.results.push(json!({
                "ruleId": f.id,
                "level": sarif_level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": location,
                        "region": { "startLine": line, "startColumn": column }
                    }
                }]
            }));
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary, out: &mut dyn Write, _err: &mut dyn Write) -> io::Result<()> {
        self.rules.sort_by(|a, b| a.0.cmp(&b.0));
        let rules: Vec<_> = self
            .rules
            .iter()
            .map(|(id, severity, message)| {
                json!({
                    "id": id,
                    "shortDescription": { "text": message.clone().unwrap_or_else(|| id.clone()) },
                    "defaultConfiguration": { "level": sarif_level(*severity) }
                })
            })
            .collect();
        let doc = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "postscrub",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules
                }},
                "originalUriBaseIds": {
                    SARIF_BASE: { "uri": crate::uri::file_url(&self.cwd, true) }
                },
                "columnKind": "unicodeCodePoints",
                "results": std::mem::take(&mut self.results)
            }]
        });
        let mut doc = doc;
        if let Some(shard) = &s.shard {
            doc["runs"][0]["properties"] = json!({ "shard": shard });
        }
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
    }
}

/// GitLab Code Quality report (the format ruff's `--output-format gitlab` writes): one JSON
/// array of issues, each with `description`, `check_name`, `fingerprint`, `severity` and
/// `location.path` + `location.lines.begin`. Written as posts arrive. The fingerprint is a hash
/// of the path, the rule and the rule's first line, so a merge request shows an issue as new or
/// fixed, not moved, when unrelated lines change elsewhere in the post.
struct Gitlab {
    array: JsonArray,
    /// Fingerprints already written: GitLab drops duplicates silently, so they are made unique.
    seen: std::collections::HashSet<String>,
}

fn gitlab_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info | Severity::Off => "info",
    }
}

impl Reporter for Gitlab {
    fn post(&mut self, r: &PostResult, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        problems(r, err)?;
        let path = crate::printable::path(&r.file);
        let mut issues = Vec::new();
        if let Status::Failed(message) = &r.status {
            issues.push(("postscrub/failed".to_owned(), message.clone(), "blocker", 1));
        }
        if r.status == Status::Changed {
            for f in &r.fired {
                let description = f.describe();
                issues.push((
                    format!("postscrub/{}", f.id),
                    description,
                    gitlab_severity(f.severity),
                    f.position(r).0,
                ));
            }
        }
        for (check, description, severity, line) in issues {
            let mut fingerprint = crate::uri::fingerprint(&[&path, &check, &line.to_string()]);
            let mut n = 1;
            while !self.seen.insert(fingerprint.clone()) {
                n += 1;
                fingerprint =
                    crate::uri::fingerprint(&[&path, &check, &line.to_string(), &n.to_string()]);
            }
            let value = json!({
                "description": description,
                "check_name": check,
                "fingerprint": fingerprint,
                "severity": severity,
                "location": { "path": path, "lines": { "begin": line } }
            });
            self.array.push(&value, out)?;
        }
        Ok(())
    }

    fn finish(
        &mut self,
        _s: &Summary,
        out: &mut dyn Write,
        _err: &mut dyn Write,
    ) -> io::Result<()> {
        self.array.close(out)
    }
}

/// `git diff --stat`: one row per post, `path | N ++--` with the bar scaled to fit 80 columns,
/// then the totals.
fn stat_table(rows: &[(String, usize, usize)], color: bool) -> String {
    use std::fmt::Write as _;
    use unicode_width::UnicodeWidthStr;
    let mut text = String::new();
    if rows.is_empty() {
        return text;
    }
    let name_width = rows.iter().map(|r| r.0.width()).max().unwrap_or(0).min(50);
    let most = rows.iter().map(|r| r.1 + r.2).max().unwrap_or(0);
    let count_width = most.to_string().len();
    let bar_room = 80usize.saturating_sub(name_width + count_width + 6).max(10);
    let (green, red, reset) = if color {
        ("\x1b[32m", "\x1b[31m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let (mut added_total, mut removed_total) = (0, 0);
    for (path, added, removed) in rows {
        added_total += added;
        removed_total += removed;
        let total = added + removed;
        let scale = |n: usize| {
            if most <= bar_room || n == 0 {
                n
            } else {
                (n * bar_room / most).max(1)
            }
        };
        let pad = name_width.saturating_sub(path.width());
        let _ = writeln!(
            text,
            " {path}{:pad$} | {total:>count_width$} {green}{}{reset}{red}{}{reset}",
            "",
            "+".repeat(scale(*added)),
            "-".repeat(scale(*removed)),
        );
    }
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let _ = writeln!(
        text,
        " {} changed, {}, {}",
        plural(rows.len(), "file", "files"),
        plural(added_total, "insertion(+)", "insertions(+)"),
        plural(removed_total, "deletion(-)", "deletions(-)"),
    );
    text
}
