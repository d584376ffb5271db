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

/// A rule that changed a post, owned so results can cross threads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiredRule {
    pub id: String,
    pub count: u32,
    pub severity: Severity,
    pub message: Option<String>,
    pub line: Option<usize>,
}

/// One post's result, ready to report.
#[derive(Debug, Clone)]
pub struct PostResult {
    /// The post's path for display (as walked).
    pub path: String,
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

/// Reporter for a command and format.
pub fn reporter(
    verb: Verb,
    format: Format,
    quiet: bool,
    color: bool,
    view: DiffView,
) -> Box<dyn Reporter> {
    match format {
        Format::Human => Box::new(Human {
            verb,
            quiet,
            color,
            view,
            stats: Vec::new(),
        }),
        Format::Json => Box::new(Json { first: true }),
        Format::Github => Box::new(Github),
        Format::Sarif => Box::new(Sarif::default()),
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
                let line = r.changed_lines.first().map_or(1, |l| l.0);
                writeln!(
                    out,
                    "{}:{line}: would change: {}",
                    printable(&r.path),
                    rule_list(&r.fired)
                )?;
            }
            (Verb::Convert, Status::Skipped(why)) if !self.quiet => {
                writeln!(err, "skipped: {}: {}", printable(&r.path), printable(why))?;
            }
            _ => {}
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        if self.view == DiffView::Stat {
            out.write_all(stat_table(&self.stats, self.color).as_bytes())?;
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
        match self.verb {
            Verb::Convert => {
                let skipped = if s.skipped > 0 {
                    format!(
                        ", {} skipped (output exists; --force overwrites)",
                        s.skipped
                    )
                } else {
                    String::new()
                };
                writeln!(
                    err,
                    "{} {} seen: {} changed, {} unchanged{skipped}{failed} in {secs:.2}s",
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

/// A JSON array, one object per post, written as posts arrive.
struct Json {
    first: bool,
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
        let value = json!({
            "path": r.path,
            "status": status,
            "rules": r.fired.iter().map(|f| json!({
                "id": f.id,
                "count": f.count,
                "severity": f.severity.as_str(),
                "line": f.line,
                "message": f.message,
            })).collect::<Vec<_>>(),
            "changed_lines": r.changed_lines.iter().map(|(a, b)| json!({"start": a, "end": b})).collect::<Vec<_>>(),
            "warnings": r.warnings.iter().map(|w| json!({"rule": w.rule_id, "line": w.line, "message": w.message})).collect::<Vec<_>>(),
            "error": error,
        });
        out.write_all(if self.first { b"[\n  " } else { b",\n  " })?;
        self.first = false;
        serde_json::to_writer(&mut *out, &value)?;
        Ok(())
    }

    fn finish(
        &mut self,
        _s: &Summary,
        out: &mut dyn Write,
        _err: &mut dyn Write,
    ) -> io::Result<()> {
        out.write_all(if self.first { b"[]\n" } else { b"\n]\n" })
    }
}

/// GitHub Actions workflow commands: one annotation per rule per post.
struct Github;

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
            writeln!(
                out,
                "::error file={},title=postscrub::{}",
                gh_escape(&r.path, true),
                gh_escape(message, false)
            )?;
        }
        if r.status != Status::Changed {
            return Ok(());
        }
        for f in &r.fired {
            let line = f
                .line
                .or_else(|| r.changed_lines.first().map(|l| l.0))
                .unwrap_or(1);
            let message = match (&f.message, f.count) {
                (Some(m), 1) => m.clone(),
                (Some(m), n) => format!("{m} (×{n})"),
                (None, n) => format!("rule {} would change this post (×{n})", f.id),
            };
            writeln!(
                out,
                "::{} file={},line={line},title={}::{}",
                gh_level(f.severity),
                gh_escape(&r.path, true),
                gh_escape(&format!("postscrub/{}", f.id), true),
                gh_escape(&message, false)
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary, _out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        writeln!(err, "{} of {} posts would change", s.changed, s.seen)
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

/// SARIF 2.1.0, as GitHub code scanning accepts it. Buffered: SARIF is one document.
#[derive(Default)]
struct Sarif {
    rules: Vec<(String, Severity, Option<String>)>,
    results: Vec<serde_json::Value>,
}

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
        for f in &r.fired {
            if !self.rules.iter().any(|(id, _, _)| *id == f.id) {
                self.rules
                    .push((f.id.clone(), f.severity, f.message.clone()));
            }
            let line = f
                .line
                .or_else(|| r.changed_lines.first().map(|l| l.0))
                .unwrap_or(1);
            let text = match &f.message {
                Some(m) => format!("{m} ({}×)", f.count),
                None => format!("rule {} would change this post ({}×)", f.id, f.count),
            };
            self.results.push(json!({
                "ruleId": f.id,
                "level": sarif_level(f.severity),
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": r.path.trim_start_matches("./") },
                        "region": { "startLine": line }
                    }
                }]
            }));
        }
        Ok(())
    }

    fn finish(
        &mut self,
        _s: &Summary,
        out: &mut dyn Write,
        _err: &mut dyn Write,
    ) -> io::Result<()> {
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
                "results": std::mem::take(&mut self.results)
            }]
        });
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        writeln!(out)
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
