//! One post, from bytes to result: split, clean, convert, fix the front matter, join.
//!
//! This is the whole transformation and nothing else: no file system, no printing. The caller
//! compares the result with the original and decides to write, diff or report.

use crate::body::{self, BodyMode};
use crate::clean;
use crate::dates::{self, DateEdit};
use crate::document::{self, Document};
use crate::frontmatter::{EditError, FrontMatter, value_text};
use crate::generator::names::PostFacts;
use crate::lines::LineIndex;
use crate::markdown;
use crate::rules::spec::InvalidDate;
use crate::rules::{FrontMatterAction, RuleMeta, RuleSet, Rules, Severity};
use crate::suppress::{self, Skip};
use crate::unclosed;
use jiff::tz::TimeZone;
use serde_yaml::Value;
use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// What the body becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    #[default]
    Markdown,
    /// Cleaned HTML, not converted.
    Html,
}

pub use crate::generator::Target;

/// What iframes, video and audio become (`--embeds`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedMode {
    /// Players stay: a sanitized HTML block, or Hugo's shortcode where it has one.
    Keep,
    /// A link to the video's page or the media.
    Link,
    /// Removed (counted, and visible in the diff).
    Drop,
}

/// Everything that decides how a post is transformed.
#[derive(Debug, Clone)]
pub struct Options {
    pub to: OutputFormat,
    pub target: Target,
    pub timezone: TimeZone,
    pub body: BodyMode,
    pub keep_fullwidth_indent: bool,
    /// `None`: the target's default, `keep` for a site generator, `link` for `plain`.
    pub embeds: Option<EmbedMode>,
    /// The target's Markdown renderer substitutes typographic quotes, dashes and ellipses
    /// (each generator's default): the characters it would change are written escaped.
    pub typographer: bool,
    /// The site renders raw HTML in Markdown (Hugo `markup.goldmark.renderer.unsafe`): no
    /// warning that Hugo would drop it.
    pub raw_html_rendered: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            to: OutputFormat::default(),
            target: Target::default(),
            timezone: TimeZone::UTC,
            body: BodyMode::default(),
            keep_fullwidth_indent: false,
            embeds: None,
            typographer: true,
            raw_html_rendered: false,
        }
    }
}

impl Options {
    /// `--embeds` as given, else the target's default.
    pub fn embed_mode(&self) -> EmbedMode {
        self.embeds.unwrap_or(match self.target {
            Target::Hexo | Target::Hugo | Target::Jekyll => EmbedMode::Keep,
            Target::Plain => EmbedMode::Link,
        })
    }

    /// The converter's options for this run.
    pub fn markdown(&self) -> markdown::Options {
        markdown::Options {
            keep_fullwidth_indent: self.keep_fullwidth_indent,
            nunjucks_safe: self.target == Target::Hexo,
            liquid_safe: self.target == Target::Jekyll,
            shortcode_safe: self.target == Target::Hugo,
            embeds: match (self.embed_mode(), self.target) {
                (EmbedMode::Link, _) => markdown::Embeds::Link,
                (EmbedMode::Drop, _) => markdown::Embeds::Drop,
                (EmbedMode::Keep, Target::Hugo) => markdown::Embeds::HugoShortcodes,
                (EmbedMode::Keep, _) => markdown::Embeds::Html,
            },
            dialect: self.dialect(),
        }
    }

    /// The renderer the target reads Markdown with, as the site configures it.
    pub fn dialect(&self) -> markdown::Dialect {
        markdown::Dialect {
            renderer: match self.target {
                Target::Hexo => markdown::Renderer::Marked,
                Target::Hugo => markdown::Renderer::Goldmark,
                Target::Jekyll => markdown::Renderer::Kramdown,
                Target::Plain => markdown::Renderer::CommonMark,
            },
            typographer: self.typographer,
        }
    }
}

/// The built-in step that is not a rule: HTML converted to Markdown.
pub static CONVERT_RULE: LazyLock<RuleMeta> = LazyLock::new(|| RuleMeta {
    id: "html-to-markdown".into(),
    message: Some("HTML body converted to Markdown".into()),
    severity: Severity::Warning,
    line: 0,
});

/// The built-in step that keeps a whole HTML page's `<title>` as `title:`.
pub static PAGE_TITLE_RULE: LazyLock<RuleMeta> = LazyLock::new(|| RuleMeta {
    id: "page-title".into(),
    message: Some("the page's <title> moved to front matter (the page had none)".into()),
    severity: Severity::Warning,
    line: 0,
});

/// The built-in step that names a post `YYYY-MM-DD-title.md` for Jekyll.
pub static JEKYLL_NAME_RULE: LazyLock<RuleMeta> = LazyLock::new(|| RuleMeta {
    id: "jekyll-file-name".into(),
    message: Some("file renamed YYYY-MM-DD-title.md: Jekyll builds only posts named so".into()),
    severity: Severity::Warning,
    line: 0,
});

/// The built-in step that removes embeds under `--embeds drop`.
pub static EMBEDS_DROPPED_RULE: LazyLock<RuleMeta> = LazyLock::new(|| RuleMeta {
    id: "embeds-dropped".into(),
    message: Some("iframe, video or audio removed (--embeds drop)".into()),
    severity: Severity::Warning,
    line: 0,
});

/// The id post warnings about a never-closed comment or raw-text element carry.
pub const UNCLOSED_ID: &str = "unclosed-html";

/// The id of the warning that a post needs raw HTML, which Hugo drops by default.
pub const HUGO_RAW_HTML_ID: &str = "hugo-raw-html";
/// Warnings about a post's own opt-outs (`suppress`).
pub const SUPPRESS_ID: &str = "postscrub-ignore";

/// The Hugo setting that renders raw HTML.
pub const HUGO_UNSAFE_FIX: &str = "set `unsafe = true` under `[markup.goldmark.renderer]` in hugo.toml (`markup: {goldmark: {renderer: {unsafe: true}}}` in hugo.yaml)";

/// A post transformed.
#[derive(Debug)]
pub struct Processed<'r> {
    pub output: String,
    /// Rules that changed the post, in the order they ran, with the line where each first did.
    pub fired: Vec<Fired<'r>>,
    /// Things the user should know that did not stop the post (e.g. an unparseable date).
    pub warnings: Vec<PostWarning>,
    /// What the post asks of the site, for the run's summary.
    pub notes: PostNotes,
}

/// Facts about one post that the run sums up once (see `report::run_notes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostNotes {
    /// What the converter did with embeds.
    pub embeds: markdown::Notes,
    /// The output needs raw HTML and the target is Hugo.
    pub hugo_raw_html: bool,
    /// Images on hosts that check the referrer, by host (site targets, Markdown output).
    pub referrer_images: std::collections::BTreeMap<String, u32>,
    /// Images linked over `http://` (site targets, Markdown output).
    pub http_images: u32,
}

impl Processed<'_> {
    pub fn changed(&self, original: &str) -> bool {
        self.output != original
    }
}

/// A problem in one post, with its position in the file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostError {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for PostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PostError {}

/// A rule that changed a post: how often, and the first line (of the input file) it touched.
#[derive(Debug, Clone, Copy)]
pub struct Fired<'r> {
    pub meta: &'r RuleMeta,
    pub count: u32,
    /// Where it first fired: line, and the column (in characters) where that is known.
    pub line: Option<usize>,
    pub column: Option<usize>,
}

/// A 1-based line and column in the post's file.
type At = Option<(usize, usize)>;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PostWarning {
    pub line: Option<usize>,
    pub rule_id: String,
    pub message: String,
}

/// Transform one post. `path` is the post's path relative to the folder given (for `when.path`).
pub fn process<'r>(
    text: &str,
    path: &str,
    rules: &'r Rules,
    options: &Options,
) -> Result<Processed<'r>, PostError> {
    let lf = document::lone_cr_to_lf(text);
    let source = lf.as_deref().unwrap_or(text);
    let doc = Document::split(source);
    let sets: Vec<&RuleSet> = rules
        .sets
        .iter()
        .filter(|s| s.when.matches(path, doc.body))
        .collect();
    process_split(source, doc, &sets, Some(rules), options, lf.is_some())
}

/// Transform one post with exactly these rule sets, ignoring their `when` (for rule examples).
pub fn process_with_sets<'r>(
    text: &str,
    sets: &[&'r RuleSet],
    options: &Options,
) -> Result<Processed<'r>, PostError> {
    let lf = document::lone_cr_to_lf(text);
    let source = lf.as_deref().unwrap_or(text);
    process_split(
        source,
        Document::split(source),
        sets,
        None,
        options,
        lf.is_some(),
    )
}

/// Transform a post split into `doc`; `lone_cr` says its CR line breaks were made LFs.
fn process_split<'r>(
    text: &str,
    doc: Document<'_>,
    sets: &[&'r RuleSet],
    known: Option<&Rules>,
    options: &Options,
    lone_cr: bool,
) -> Result<Processed<'r>, PostError> {
    let mut front_matter = match doc.front_matter {
        None => None,
        Some(fm) => Some(FrontMatter::parse(fm).map_err(|e| PostError {
            line: Some(doc.front_matter_line + e.line - 1),
            column: Some(e.column),
            message: e.message,
        })?),
    };

    // The post's own opt-outs (`postscrub: {ignore: …}`, `<!-- postscrub-disable … -->`).
    let found = {
        // The field's line is only asked for when the field is there (most posts have none).
        let line = front_matter
            .as_ref()
            .filter(|fm| fm.contains(suppress::FIELD))
            .and_then(|fm| {
                field_lines(fm, doc.front_matter_line)
                    .get(suppress::FIELD)
                    .copied()
            })
            .unwrap_or(doc.front_matter_line);
        suppress::find(front_matter.as_ref(), line, doc.body, doc.body_line)
    };
    let mut fired: Vec<Fired<'r>> = Vec::new();
    let body_start = text.len() - doc.body.len();
    // Built on the first question, once per post: rules can fire thousands of times.
    let line_index = std::cell::OnceCell::new();
    let line_at =
        |offset: usize| Some(line_index.get_or_init(|| LineIndex::new(text)).line(offset));
    let at = |offset: usize| {
        Some(
            line_index
                .get_or_init(|| LineIndex::new(text))
                .position(text, offset),
        )
    };
    let mut warnings = Vec::new();
    let clean_error = |e: lol_html::errors::RewritingError| PostError {
        line: Some(doc.body_line),
        column: None,
        message: match e {
            lol_html::errors::RewritingError::MemoryLimitExceeded(_) => {
                clean::MEMORY_LIMIT_MESSAGE.to_owned()
            }
            e => format!("cannot rewrite the HTML body: {e}"),
        },
    };

    let mode = options.body.resolve(doc.body);
    // An opener that never closes swallows the rest of the post: say so, with its line.
    let islands = match mode {
        BodyMode::Markdown => body::html_islands(doc.body),
        BodyMode::Html | BodyMode::Auto => Vec::new(),
    };
    let unclosed = match mode {
        BodyMode::Html | BodyMode::Auto => unclosed::find(doc.body).map(|u| (body_start, u)),
        BodyMode::Markdown => islands
            .iter()
            .find_map(|r| unclosed::find(&doc.body[r.clone()]).map(|u| (body_start + r.start, u))),
    };
    if let Some((start, u)) = unclosed {
        let at = start + u.offset;
        let closer = match u.opener.as_str() {
            "<!--" => " (no `-->`)".to_owned(),
            "<plaintext>" => " (nothing closes it)".to_owned(),
            _ => String::new(),
        };
        warnings.push(PostWarning {
            line: line_at(at),
            rule_id: UNCLOSED_ID.into(),
            message: format!(
                "{} is never closed{closer}; it swallows the rest of the post ({} bytes): close it where it ends, or remove it from the source",
                u.opener,
                text.len() - at
            ),
        });
    }
    let first = body_pass(doc.body, mode, Some(islands), sets, &found.skip, options)
        .map_err(clean_error)?;
    for f in &first.fired {
        merge(
            &mut fired,
            f.meta,
            f.count,
            f.offset.and_then(|o| at(body_start + o)),
        );
    }
    if first.converted {
        merge(&mut fired, &CONVERT_RULE, 1, Some((doc.body_line, 1)));
    }
    let mut notes = PostNotes {
        embeds: first.notes,
        ..PostNotes::default()
    };
    if first.notes.embeds_dropped > 0 {
        merge(
            &mut fired,
            &EMBEDS_DROPPED_RULE,
            first.notes.embeds_dropped,
            Some((doc.body_line, 1)),
        );
    }
    let mut extracted = first.extracted;
    let mut body = first.body;
    // The audit of `body`, if a pass already knows it.
    let mut needs = first.output_needs;
    // `--body html` into Markdown settles too: the output is Markdown, which a later default
    // run reads with `auto`, so it must be what `auto` leaves as it is.
    let settles = matches!(options.body, BodyMode::Auto | BodyMode::Markdown)
        || options.to == OutputFormat::Markdown;
    if settles {
        // A second run reads the output the way `auto` (or `markdown`) reads it, and must
        // change nothing: go on in the mode the result would be read in until a pass in that
        // mode changes nothing. Cleaning Markdown is not idempotent by itself (removing an
        // island can join two others into a new one), so a Markdown pass that changed the
        // text is checked too. Rules of a later pass are reported once, at their first line
        // in the input if an earlier pass found one, else at the body's first line.
        let (mut input_mode, mut unchanged) = (mode, body == doc.body);
        let mut passes = 0;
        loop {
            let next = match options.body {
                BodyMode::Markdown => BodyMode::Markdown,
                _ => BodyMode::Auto.resolve(&body),
            };
            if next == input_mode && unchanged {
                // The same mode on the same text gives the same text.
                break;
            }
            if passes == MAX_EXTRA_PASSES {
                return Err(PostError {
                    line: Some(doc.body_line),
                    column: None,
                    message: if options.body == BodyMode::Html {
                        format!(
                            "--body html output does not settle on this body: after {} passes, read back as `--body auto` reads it, it still changes; run it with --body markdown, or clean its HTML islands by hand",
                            passes + 1
                        )
                    } else if options.body == BodyMode::Markdown {
                        format!(
                            "--body markdown does not settle on this body: after {} passes its HTML islands still change; clean them by hand, or run it with --body html",
                            passes + 1
                        )
                    } else {
                        format!(
                            "--body auto does not settle on this body: after {} passes it still reads as {} and changes again; run it with --body html or --body markdown",
                            passes + 1,
                            mode_name(next)
                        )
                    },
                });
            }
            let again =
                body_pass(&body, next, None, sets, &found.skip, options).map_err(clean_error)?;
            passes += 1;
            for f in &again.fired {
                merge_later(&mut fired, f.meta, f.count, Some((doc.body_line, 1)));
            }
            if again.converted {
                merge_later(&mut fired, &CONVERT_RULE, 1, Some((doc.body_line, 1)));
            }
            extracted.extend(again.extracted);
            unchanged = again.body == body;
            // Unchanged, the body's audit is what was known of it or what this pass read of
            // it; changed, what the pass knows of its output.
            needs = if unchanged {
                needs.or(again.input_needs)
            } else {
                again.output_needs
            };
            body = again.body;
            input_mode = next;
        }
    }

    // A whole HTML page with no front matter: its `<title>` becomes `title:`.
    let page_title = match front_matter {
        None if crate::page::is_full_document(doc.body) => crate::page::title(doc.body),
        _ => None,
    };
    // Front matter: the page title, extracted fields, then front-matter rules in order.
    if front_matter.is_none() && (!extracted.is_empty() || page_title.is_some()) {
        front_matter = Some(FrontMatter::parse("").expect("empty front matter parses"));
    }
    if let (Some((title, title_at)), Some(fm)) = (&page_title, front_matter.as_mut()) {
        fm.set("title", Value::String(title.clone()))
            .map_err(|e| PostError {
                line: line_at(body_start + title_at),
                column: None,
                message: format!("cannot write the page's <title> as `title:`: {e}"),
            })?;
        merge(&mut fired, &PAGE_TITLE_RULE, 1, at(body_start + *title_at));
    }
    // Nothing to edit (no extracted field, no front-matter rule): nothing to look up either.
    let edits = !extracted.is_empty() || sets.iter().any(|s| !s.front_matter.is_empty());
    if let Some(fm) = front_matter.as_mut().filter(|_| edits) {
        let field_lines = field_lines(fm, doc.front_matter_line);
        // An edit that would not give the intended front matter fails the post, naming the
        // field; the post is then left as it was.
        let edit_error = |e: EditError| PostError {
            line: line_of(&field_lines, &e.field).or(Some(doc.front_matter_line)),
            column: None,
            message: format!(
                "cannot edit front matter {e}; the post is left as it was (edit that field by hand)"
            ),
        };
        let edit = |fm: &mut FrontMatter,
                    warnings: &mut Vec<PostWarning>,
                    fired: &mut Vec<Fired<'r>>|
         -> Result<(), PostError> {
            for e in &extracted {
                if e.keep_existing && fm.contains(e.field) {
                    continue;
                }
                fm.set(e.field, Value::String(e.value.clone()))
                    .map_err(edit_error)?;
            }
            for set in sets {
                for rule in set
                    .front_matter
                    .iter()
                    .filter(|r| !found.skip.skips(&r.meta.id))
                {
                    let (n, field) = apply_front_matter_rule(
                        fm,
                        &rule.action,
                        options,
                        &rule.meta,
                        warnings,
                        &field_lines,
                    )
                    .map_err(edit_error)?;
                    if n > 0 {
                        let line = field
                            .and_then(|f| line_of(&field_lines, f))
                            .unwrap_or(doc.front_matter_line);
                        merge(fired, &rule.meta, n, Some((line, 1)));
                    }
                }
            }
            Ok(())
        };
        // First with one check of the final text; when that does not read as intended (or an
        // edit failed), again from the start with each edit checked, which refuses the edit
        // that breaks it or takes its fallback, exactly as without the fast path.
        let (before, warned, fired_before) = (fm.clone(), warnings.len(), fired.clone());
        fm.defer_checks();
        let fast = edit(fm, &mut warnings, &mut fired).is_ok();
        if !(fm.check_deferred() && fast) {
            *fm = before;
            warnings.truncate(warned);
            fired = fired_before;
            edit(fm, &mut warnings, &mut fired)?;
        }
    }
    fired.sort_by_key(|f| std::ptr::eq(f.meta, &*CONVERT_RULE));

    if audits(options) {
        let needs = needs.unwrap_or_else(|| crate::audit::audit(&body));
        if options.target == Target::Hugo
            && !options.raw_html_rendered
            && !needs.raw_html.is_empty()
        {
            notes.hugo_raw_html = true;
            warnings.push(PostWarning {
                line: Some(doc.body_line),
                rule_id: HUGO_RAW_HTML_ID.into(),
                message: format!(
                    "the Markdown needs raw HTML ({}), which Hugo drops by default: {HUGO_UNSAFE_FIX}",
                    needs.raw_html_list()
                ),
            });
        }
        notes.referrer_images = needs.referrer_images;
        notes.http_images = needs.http_images;
    }

    for (line, problem) in &found.problems {
        warnings.push(PostWarning {
            line: Some(*line),
            rule_id: SUPPRESS_ID.into(),
            message: problem.clone(),
        });
    }
    if let Some(known) = known {
        for (id, line) in &found.named {
            if !known.knows(id) {
                let hint = crate::did_you_mean::did_you_mean(id, known.known_ids());
                warnings.push(PostWarning {
                    line: Some(*line),
                    rule_id: SUPPRESS_ID.into(),
                    message: format!(
                        "the post turns off `{id}`, but no rule has this id{hint} (`postscrub rules list` shows them)"
                    ),
                });
            }
        }
    }
    // A directive the conversion dropped goes back at the top of the body, so the next run
    // still reads it.
    let missing: Vec<&String> = found
        .directives
        .iter()
        .filter(|d| !body.contains(d.as_str()))
        .collect();
    if !missing.is_empty() {
        let mut top = String::new();
        for d in missing {
            top.push_str(d);
            top.push('\n');
        }
        top.push('\n');
        body.insert_str(0, &top);
    }

    let output = Document::join(
        doc.bom,
        front_matter.as_ref().map(FrontMatter::text),
        &body,
        doc.line_ending,
    );
    if output == text {
        fired.clear();
    }
    warnings.splice(0..0, input_warnings(text, &doc, &output, lone_cr));
    Ok(Processed {
        output,
        fired,
        warnings,
        notes,
    })
}

/// What the target generator names and routes a post by (its date, `slug:`, `url:`), as the
/// converted post will hold it: the front-matter rules are applied, the body is not cleaned
/// (so a field an `extract` rule fills from the body is not seen; the run checks the output).
/// A post whose front matter cannot be read has no facts.
pub fn post_facts(text: &str, path: &str, rules: &Rules, options: &Options) -> PostFacts {
    let lf = document::lone_cr_to_lf(text);
    let source = lf.as_deref().unwrap_or(text);
    let doc = Document::split(source);
    let Some(Ok(mut fm)) = doc.front_matter.map(FrontMatter::parse) else {
        return PostFacts::default();
    };
    let field_lines = field_lines(&fm, doc.front_matter_line);
    let mut warnings = Vec::new();
    for set in rules.sets.iter().filter(|s| s.when.matches(path, doc.body)) {
        for rule in &set.front_matter {
            if apply_front_matter_rule(
                &mut fm,
                &rule.action,
                options,
                &rule.meta,
                &mut warnings,
                &field_lines,
            )
            .is_err()
            {
                return PostFacts::default();
            }
        }
    }
    facts_of(&fm, &options.timezone)
}

/// The facts of a converted post (its output text).
pub fn output_facts(output: &str, options: &Options) -> PostFacts {
    match Document::split(output).front_matter.map(FrontMatter::parse) {
        Some(Ok(fm)) => facts_of(&fm, &options.timezone),
        _ => PostFacts::default(),
    }
}

fn facts_of(fm: &FrontMatter, site: &TimeZone) -> PostFacts {
    let text = |key: &str| {
        fm.get(key)
            .map(value_text)
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
    };
    PostFacts {
        date: text("date")
            .and_then(|d| dates::parse_date(&d, site))
            .map(|z| z.date()),
        file_date: None,
        slug: text("slug"),
        url: text("url"),
    }
}

/// What the pipeline did to a post's text that no rule asked for and the user should know:
/// an unclosed front-matter fence, old Mac line breaks, dropped NUL bytes.
fn input_warnings(text: &str, doc: &Document<'_>, output: &str, lone_cr: bool) -> Vec<PostWarning> {
    let mut warnings = Vec::new();
    let mut warn = |line: usize, rule_id: &str, message: String| {
        warnings.push(PostWarning {
            line: Some(line),
            rule_id: rule_id.into(),
            message,
        });
    };
    if lone_cr {
        warn(
            1,
            "line-endings",
            "line breaks are lone CRs (old Mac): each CR is read as a line break, and the result is written with LF".into(),
        );
    }
    if let Some(line) = doc.unclosed_fence {
        warn(
            line,
            "front-matter-fence",
            "front matter opened with --- but never closed; treated as body (close it with a `---` line, or remove the opening one)".into(),
        );
    }
    // A byte search first: almost no post holds a NUL, and counting visits every byte.
    let nul_in = if crate::document::has_byte(text, 0) {
        text.bytes().filter(|&b| b == 0).count()
    } else {
        0
    };
    if nul_in > 0 {
        let dropped = nul_in.saturating_sub(output.bytes().filter(|&b| b == 0).count());
        if dropped > 0 {
            let at = text.find('\0').unwrap_or(0);
            let line = 1 + text[..at].matches('\n').count();
            warn(
                line,
                "nul-bytes",
                format!(
                    "{dropped} NUL byte(s) dropped, the first on this line: a text file holds none; check that it is not binary or truncated"
                ),
            );
        }
    }
    warnings
}

/// How many passes `--body auto` may add after the first before a post fails as unsettled.
pub const MAX_EXTRA_PASSES: usize = 3;

fn mode_name(mode: BodyMode) -> &'static str {
    match mode {
        BodyMode::Html => "HTML",
        BodyMode::Markdown | BodyMode::Auto => "Markdown",
    }
}

/// One pass over a body in one (resolved) mode.
struct BodyPass<'r> {
    body: String,
    /// Offsets are those of the pass's input.
    fired: Vec<clean::Fired<'r>>,
    extracted: Vec<clean::Extracted<'r>>,
    /// The HTML was converted to Markdown.
    converted: bool,
    /// What the converter did with embeds.
    notes: markdown::Notes,
    /// The audit of the pass's input, when the pass read it as Markdown and could answer that
    /// in the same read (see [`audits`]).
    input_needs: Option<crate::audit::Needs>,
    /// The audit of the pass's output, when the converter could answer it (see [`audits`]).
    output_needs: Option<crate::audit::Needs>,
}

/// Clean `body` read in `mode` (`Auto` is read as `Html`) and, for Markdown output, convert
/// HTML to Markdown. `islands`: the body's raw-HTML islands if already found.
fn body_pass<'r>(
    body: &str,
    mode: BodyMode,
    islands: Option<Vec<std::ops::Range<usize>>>,
    sets: &[&'r RuleSet],
    skip: &Skip,
    options: &Options,
) -> Result<BodyPass<'r>, lol_html::errors::RewritingError> {
    match mode {
        BodyMode::Html | BodyMode::Auto => {
            let cleaned = clean::clean(body, sets, skip)?;
            let mut output_needs = None;
            let (out, converted, notes) = match options.to {
                OutputFormat::Html => (tidy_html(&cleaned.html), false, markdown::Notes::default()),
                OutputFormat::Markdown => {
                    let c = markdown::try_convert_in_full(&cleaned.html, &options.markdown())?;
                    // Without raw HTML the body's needs are its images, which the converter
                    // knows: no need to read the Markdown for them.
                    output_needs = c
                        .image_destinations
                        .as_ref()
                        .filter(|_| audits(options) && !body::may_hold_html(&c.markdown))
                        .map(|d| crate::audit::Needs::of_images(d.iter().map(String::as_str)));
                    (c.markdown, true, c.notes)
                }
            };
            Ok(BodyPass {
                body: out,
                fired: cleaned.fired,
                extracted: cleaned.extracted,
                converted,
                notes,
                input_needs: None,
                output_needs,
            })
        }
        BodyMode::Markdown => {
            let mut fired = Vec::new();
            let mut extracted = Vec::new();
            let no_rules = sets.iter().all(|s| s.html.is_empty());
            let (islands, input_needs) = match islands {
                Some(islands) => (islands, None),
                // Not one tag-like `<`: no island, nothing to read the text for.
                None if !body::may_hold_html(body) => (Vec::new(), None),
                // The audit reads the same text: one parse for both.
                None if audits(options) => {
                    let (islands, needs) = crate::audit::islands_and_needs(body);
                    (islands, Some(needs))
                }
                // No HTML rule: no island can change, nothing to look for.
                None if no_rules => (Vec::new(), None),
                None => (body::html_islands(body), None),
            };
            let out = body::map_ranges(body, islands, |island| {
                let island_start = island.as_ptr() as usize - body.as_ptr() as usize;
                let cleaned = clean::clean(island, sets, skip)?;
                fired.extend(cleaned.fired.into_iter().map(|f| clean::Fired {
                    offset: f.offset.map(|o| island_start + o),
                    ..f
                }));
                extracted.extend(cleaned.extracted);
                Ok(cleaned.html)
            })?;
            Ok(BodyPass {
                body: out,
                fired,
                extracted,
                converted: false,
                notes: markdown::Notes::default(),
                input_needs,
                output_needs: None,
            })
        }
    }
}

/// Whether the output's Markdown is audited for what it needs of the site
/// ([`crate::audit`]): Markdown output for a site generator.
fn audits(options: &Options) -> bool {
    options.to == OutputFormat::Markdown && options.target != Target::Plain
}

/// [`merge`] for a later `auto` pass: its offsets are not the input's, so a rule that already
/// fired keeps its line, and one that did not gets `line`.
fn merge_later<'r>(into: &mut Vec<Fired<'r>>, meta: &'r RuleMeta, count: u32, at: At) {
    match into.iter_mut().find(|f| std::ptr::eq(f.meta, meta)) {
        Some(f) => {
            f.count += count;
            if f.line.is_none() {
                (f.line, f.column) = (at.map(|a| a.0), at.map(|a| a.1));
            }
        }
        None => into.push(Fired {
            meta,
            count,
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
        }),
    }
}

fn merge<'r>(into: &mut Vec<Fired<'r>>, meta: &'r RuleMeta, count: u32, at: At) {
    match into.iter_mut().find(|f| std::ptr::eq(f.meta, meta)) {
        Some(f) => {
            f.count += count;
            let earlier = match (f.line.zip(f.column), at) {
                (Some(old), Some(new)) => new < old,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            if earlier {
                (f.line, f.column) = (at.map(|a| a.0), at.map(|a| a.1));
            }
        }
        None => into.push(Fired {
            meta,
            count,
            line: at.map(|a| a.0),
            column: at.map(|a| a.1),
        }),
    }
}

fn line_of(field_lines: &FieldLines, field: &str) -> Option<usize> {
    field_lines.get(field).copied()
}

/// Top-level field name → its first line in the file.
type FieldLines = HashMap<String, usize>;

/// Top-level field names and their line in the file, before a rule changes them, indexed once
/// so each rule's lookup is not a scan.
fn field_lines(fm: &FrontMatter, first_line: usize) -> FieldLines {
    let mut lines = HashMap::new();
    for (k, i) in fm.field_lines() {
        lines.entry(k).or_insert(first_line + i);
    }
    lines
}

/// Cleaned HTML as a body: no leading blank lines, no trailing spaces, one final newline.
fn tidy_html(html: &str) -> String {
    let t = html.trim_start_matches(['\n', '\r']).trim_end();
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}\n")
    }
}

/// Apply one front-matter rule; returns how many fields it changed.
fn apply_front_matter_rule<'a>(
    fm: &mut FrontMatter,
    action: &'a FrontMatterAction,
    options: &Options,
    meta: &RuleMeta,
    warnings: &mut Vec<PostWarning>,
    field_lines: &FieldLines,
) -> Result<(u32, Option<&'a str>), EditError> {
    match action {
        FrontMatterAction::RemoveFields {
            names,
            value_contains,
            value_matches,
        } => {
            let mut n = 0;
            let mut first = None;
            for name in names {
                let Some(value) = fm.get(name) else { continue };
                let text = value_text(value);
                let by_contains = value_contains.is_empty()
                    || value_contains.iter().any(|s| text.contains(s.as_str()));
                let by_pattern = value_matches.as_ref().is_none_or(|p| p.is_match(&text));
                if by_contains && by_pattern && fm.remove(name)? {
                    n += 1;
                    first = first.or(Some(name.as_str()));
                }
            }
            Ok((n, first))
        }
        FrontMatterAction::RewriteFields { names, rewrite } => {
            let mut n = 0;
            let mut first = None;
            for name in names {
                let Some(Value::String(value)) = fm.get(name) else {
                    continue;
                };
                if let Some(new) = rewrite.apply(value).filter(|new| new != value)
                    && fm.set(name, Value::String(new))?
                {
                    n += 1;
                    first = first.or(Some(name.as_str()));
                }
            }
            Ok((n, first))
        }
        FrontMatterAction::RenameField { from, to } => {
            Ok((u32::from(fm.rename(from, to)?), Some(from)))
        }
        FrontMatterAction::SetField {
            name,
            value,
            if_missing,
        } => {
            if *if_missing && fm.contains(name) {
                return Ok((0, None));
            }
            Ok((u32::from(fm.set(name, value.clone())?), Some(name)))
        }
        FrontMatterAction::NormalizeDate {
            field,
            timezone,
            invalid,
        } => {
            let Some(value) = fm.get(field) else {
                return Ok((0, None));
            };
            let raw = value_text(value);
            let quoted = fm
                .scalar_text(field)
                .is_some_and(|t| t.starts_with(['\'', '"']));
            match dates::for_target(
                &raw,
                quoted,
                options.target,
                &options.timezone,
                timezone.as_ref(),
            ) {
                Some(DateEdit::Keep) => Ok((0, None)),
                Some(DateEdit::FeedZoneIgnored) => {
                    let feed = timezone.as_ref().map(dates::zone_label).unwrap_or_default();
                    warnings.push(PostWarning {
                        line: line_of(field_lines, field),
                        rule_id: meta.id.clone(),
                        message: format!(
                            "`{field}: {raw}` is wall-clock time in `{feed}` (the rule's `timezone`), but Hexo reads dates in its own zone (`{}`, --timezone) and ignores offsets: left as written; set Hexo's `timezone` and --timezone to `{feed}`",
                            dates::zone_label(&options.timezone)
                        ),
                    });
                    Ok((0, None))
                }
                Some(DateEdit::Write { scalar, value }) => Ok((
                    u32::from(fm.set_scalar(field, &scalar, Value::String(value))?),
                    Some(field),
                )),
                None => {
                    let line = line_of(field_lines, field);
                    match invalid {
                        InvalidDate::Remove => {
                            warnings.push(PostWarning {
                                line,
                                rule_id: meta.id.clone(),
                                message: format!("`{field}: {raw}` is not a date: field removed"),
                            });
                            Ok((u32::from(fm.remove(field)?), Some(field)))
                        }
                        InvalidDate::Keep => {
                            warnings.push(PostWarning {
                                line,
                                rule_id: meta.id.clone(),
                                message: format!("`{field}: {raw}` is not a date: left as it is (fix it by hand, or set `invalid: remove` on the rule)"),
                            });
                            Ok((0, None))
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn presets() -> Rules {
        Rules::load(
            &["sina-finance".into(), "rsshub-common".into()],
            Path::new("."),
        )
        .unwrap()
    }

    #[test]
    fn html_output_and_front_matter() {
        let rules = presets();
        let options = Options {
            to: OutputFormat::Html,
            target: Target::Hexo,
            timezone: crate::dates::parse_timezone("+08:00").unwrap(),
            ..Options::default()
        };
        let post = "\n---\ntitle: t\nheadimg: 'https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png'\ndate: Fri, 13 Aug 2021 07:51:58 GMT\n---\n\n<div><p>a<span id=\"quote_1\"></span></p><p class=\"article-editor\">责任编辑：李墨轩 </p></div>   ";
        let p = process(post, "x.md", &rules, &options).unwrap();
        assert_eq!(
            p.output,
            "---\ntitle: t\ndate: 2021-08-13 15:51:58\neditor: 李墨轩\n---\n\n<div><p>a</p></div>\n"
        );
        let ids: Vec<(&str, Option<usize>)> = p
            .fired
            .iter()
            .map(|f| (f.meta.id.as_str(), f.line))
            .collect();
        assert_eq!(
            ids,
            [
                ("quote-placeholder", Some(8)),
                ("editor-trailer", Some(8)),
                ("qr-cover", Some(4)),
                ("date", Some(5))
            ]
        );
        // Idempotent.
        let again = process(&p.output, "x.md", &rules, &options).unwrap();
        assert_eq!(again.output, p.output);
        assert!(again.fired.is_empty());
    }

    #[test]
    fn dates_for_each_target_in_the_pipeline() {
        let rules = presets();
        let shanghai = crate::dates::parse_timezone("Asia/Shanghai").unwrap();
        let run = |target, timezone: &jiff::tz::TimeZone, post: &str| {
            let options = Options {
                target,
                timezone: timezone.clone(),
                ..Options::default()
            };
            let p = process(post, "x.md", &rules, &options).unwrap();
            // Idempotent.
            let again = process(&p.output, "x.md", &rules, &options).unwrap();
            assert_eq!(again.output, p.output);
            p
        };
        let post = "---\ndate: 2021-08-07 02:22:05\n---\n\nx\n";
        assert_eq!(run(Target::Hexo, &shanghai, post).output, post);
        assert_eq!(run(Target::Hugo, &shanghai, post).output, post);
        assert_eq!(
            run(Target::Jekyll, &shanghai, post).output,
            "---\ndate: '2021-08-07 02:22:05'\n---\n\nx\n"
        );
        let post = "---\ndate: Fri, 13 Aug 2021 07:51:58 GMT # feed\n---\n\nx\n";
        assert_eq!(
            run(Target::Hexo, &shanghai, post).output,
            "---\ndate: 2021-08-13 15:51:58 # feed\n---\n\nx\n"
        );
        assert_eq!(
            run(Target::Hugo, &TimeZone::UTC, post).output,
            "---\ndate: 2021-08-13T07:51:58+00:00 # feed\n---\n\nx\n"
        );
        // A rule's feed zone that is not the site's cannot be said to Hexo: kept, and said.
        let rules = Rules::from_text(
            "front_matter:\n  - id: d\n    normalize_date: { field: date, timezone: '+08:00' }\n",
            crate::rules::RuleSource::File("r.yaml".into()),
        )
        .unwrap();
        let options = Options {
            target: Target::Hexo,
            ..Options::default()
        };
        let post = "---\ndate: 2021-08-07 02:22:05\n---\n\nx\n";
        let p = process(post, "x.md", &rules, &options).unwrap();
        assert_eq!(p.output, post);
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(2));
        assert!(
            p.warnings[0]
                .message
                .contains("set Hexo's `timezone` and --timezone to `+08:00`"),
            "{:?}",
            p.warnings
        );
        let options = Options {
            target: Target::Hugo,
            ..Options::default()
        };
        assert_eq!(
            process(post, "x.md", &rules, &options).unwrap().output,
            "---\ndate: 2021-08-07T02:22:05+08:00\n---\n\nx\n"
        );
    }

    #[test]
    fn a_full_page_keeps_its_title() {
        let rules = presets();
        let page = "<!DOCTYPE html>\n<html><head><title>我的 &amp; 页面</title></head>\n<body><p>正文</p></body></html>\n";
        let p = process(page, "p.html", &rules, &Options::default()).unwrap();
        assert_eq!(p.output, "---\ntitle: 我的 & 页面\n---\n\n正文\n");
        assert!(
            p.fired
                .iter()
                .any(|f| f.meta.id == "page-title" && f.line == Some(2))
        );
        let again = process(&p.output, "p.md", &rules, &Options::default()).unwrap();
        assert_eq!(again.output, p.output);
        // With front matter, or as a fragment, nothing is added.
        let with = "---\ntitle: t\n---\n\n<!DOCTYPE html><html><head><title>x</title></head><body><p>a</p></body></html>\n";
        assert!(
            process(with, "p.html", &rules, &Options::default())
                .unwrap()
                .output
                .contains("title: t\n---")
        );
        let fragment = "<div><title>x</title><p>a</p></div>";
        assert!(
            !process(fragment, "p.md", &rules, &Options::default())
                .unwrap()
                .output
                .contains("title:")
        );
    }

    #[test]
    fn broken_yaml_is_an_error_with_file_line() {
        let rules = presets();
        let e = process(
            "\n---\ntitle: [a\n---\nbody",
            "x.md",
            &rules,
            &Options::default(),
        )
        .unwrap_err();
        assert!(e.line.is_some_and(|l| l >= 3), "{e:?}");
        assert!(e.message.contains("invalid YAML"));
    }

    #[test]
    fn markdown_body_only_islands_change() {
        let rules = presets();
        let post = "---\ntitle: t\n---\n\nSome *text* with `<style>` code.\n\n<div class=\"x\"><style>p{}</style><img src=\"a.png\" referrerpolicy=\"no-referrer\"></div>\n";
        let p = process(post, "x.md", &rules, &Options::default()).unwrap();
        assert_eq!(
            p.output,
            "---\ntitle: t\n---\n\nSome *text* with `<style>` code.\n\n<div class=\"x\"><img src=\"a.png\"></div>\n"
        );
    }

    #[test]
    fn invalid_date_is_reported() {
        let rules = presets();
        let p = process(
            "---\ndate: Invalid Date\n---\n",
            "x.md",
            &rules,
            &Options::default(),
        )
        .unwrap();
        assert_eq!(p.output, "---\n---\n");
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].line, Some(2));
        // Lines are those of the input, even after an earlier field was removed.
        let post =
            "---\nheadimg: 'https://picsum.photos/400/300?random=1'\ndate: Invalid Date\n---\n";
        let p = process(post, "x.md", &rules, &Options::default()).unwrap();
        assert_eq!(p.output, "---\n---\n");
        assert_eq!(p.warnings[0].line, Some(3));
    }
    fn auto_twice(post: &str, rules: &Rules, options: &Options) -> String {
        let first = process(post, "x.md", rules, options).unwrap();
        let second = process(&first.output, "x.md", rules, options).unwrap();
        assert_eq!(second.output, first.output, "auto changes its own output");
        assert!(second.fired.is_empty(), "{:?}", second.fired);
        first.output
    }

    #[test]
    fn auto_settles_when_cleaning_makes_markdown_look_like_html() {
        // Read as Markdown (it does not end with a tag); the bogus comment `</;x` goes, and
        // `<p>a</p>` left would be read as HTML next time: it is converted now.
        let rules = presets();
        let p = process("<p>a</p></;x", "x.md", &rules, &Options::default()).unwrap();
        assert_eq!(p.output, "a\n");
        let ids: Vec<(&str, Option<usize>)> = p
            .fired
            .iter()
            .map(|f| (f.meta.id.as_str(), f.line))
            .collect();
        assert_eq!(ids, [("comments", Some(1)), ("html-to-markdown", Some(1))]);
        assert_eq!(
            auto_twice("<p>a</p></;x", &rules, &Options::default()),
            "a\n"
        );
        // With front matter: lines are the input's.
        let post = "---\ntitle: t\n---\n\n<p>a</p>\n</;x";
        let p = process(post, "x.md", &rules, &Options::default()).unwrap();
        assert_eq!(p.output, "---\ntitle: t\n---\n\na\n");
        let lines: Vec<Option<usize>> = p.fired.iter().map(|f| f.line).collect();
        assert_eq!(lines, [Some(6), Some(4)]);
        auto_twice(post, &rules, &Options::default());
    }

    #[test]
    fn html_output_that_looks_like_html_is_settled() {
        // Outputs of html mode that start and end with a tag: raw-HTML table fallback, an
        // embed, inline HTML kept. Read back with `auto` they must not change, whether they
        // came from `auto` or from `--body html`.
        let rules = presets();
        let html = Options {
            body: BodyMode::Html,
            ..Options::default()
        };
        for post in [
            "<table><tr><td colspan=\"2\">a</td></tr><tr><td>b</td><td>c</td></tr></table>",
            "<table><tr><td><p>x</p><p>y</p></td></tr></table>",
            "<iframe src=\"https://v.example/e\"></iframe>",
            "<iframe src=\"//player.bilibili.com/player.html?aid=1\" allowfullscreen=\"true\"></iframe>",
            "<iframe src=\"https://www.youtube.com/embed/0RKpf3rK57I\"></iframe>",
            "<video src=\"http://v.example/a.mp4\" autoplay><source src=\"//v.example/a.webm\" type=\"video/webm\"></video>",
            "<p><span style=\"x\">a</span><sup>1</sup></p>",
            "<div><kbd>Ctrl</kbd></div>",
        ] {
            for target in [Target::Plain, Target::Hexo, Target::Hugo, Target::Jekyll] {
                let auto = Options {
                    target,
                    ..Options::default()
                };
                auto_twice(post, &rules, &auto);
                let explicit = process(
                    post,
                    "x.md",
                    &rules,
                    &Options {
                        target,
                        ..html.clone()
                    },
                )
                .unwrap()
                .output;
                let read_back = process(&explicit, "x.md", &rules, &auto).unwrap();
                assert_eq!(
                    read_back.output, explicit,
                    "{post}: --body html output changes under auto"
                );
            }
        }
    }

    #[test]
    fn dropped_embeds_are_a_step_of_their_own() {
        let rules = presets();
        let options = Options {
            target: Target::Hexo,
            embeds: Some(EmbedMode::Drop),
            ..Options::default()
        };
        let post = "---\ntitle: t\n---\n\n<p>a</p><iframe src=\"https://v.example/e\"></iframe><video><source src=\"https://v.example/a.mp4\"></video>";
        let p = process(post, "x.md", &rules, &options).unwrap();
        assert_eq!(p.output, "---\ntitle: t\n---\n\na\n");
        let dropped = p
            .fired
            .iter()
            .find(|f| f.meta.id == "embeds-dropped")
            .unwrap();
        assert_eq!((dropped.count, dropped.line), (2, Some(4)));
        assert_eq!(p.notes.embeds.embeds_dropped, 2);
        // Hugo: a kept bilibili player is raw HTML, warned; a YouTube shortcode is not.
        let hugo = Options {
            target: Target::Hugo,
            ..Options::default()
        };
        let p = process(
            "<div><iframe src=\"https://www.youtube.com/embed/0RKpf3rK57I\"></iframe></div>",
            "x.md",
            &rules,
            &hugo,
        )
        .unwrap();
        assert_eq!(p.output, "{{< youtube 0RKpf3rK57I >}}\n");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        let p = process(
            "<div><iframe src=\"https://player.bilibili.com/player.html?aid=1\"></iframe></div>",
            "x.md",
            &rules,
            &hugo,
        )
        .unwrap();
        assert_eq!(p.warnings.len(), 1);
        assert_eq!(p.warnings[0].rule_id, HUGO_RAW_HTML_ID);
        assert!(p.notes.hugo_raw_html);
    }

    #[test]
    fn auto_fuzz_flips_settle_or_fail_clearly() {
        let rules = presets();
        for data in [
            &include_bytes!("../tests/fuzz-regressions/pipeline/auto-mode-flip-bogus-comment")[..],
            &include_bytes!("../tests/fuzz-regressions/pipeline/auto-mode-flip-raw-table")[..],
        ] {
            let post = String::from_utf8_lossy(data);
            match process(&post, "x.md", &rules, &Options::default()) {
                Ok(first) => {
                    auto_twice(&post, &rules, &Options::default());
                    assert!(!first.output.is_empty());
                }
                Err(e) => assert!(e.message.contains("--body html"), "{e}"),
            }
        }
    }

    #[test]
    fn unchanged_markdown_takes_one_pass() {
        // Already settled: no extra pass fires anything, output is the input.
        let rules = presets();
        let post = "---\ntitle: t\n---\n\nSome *text*.\n\n<div class=\"x\">y</div>\n";
        let p = process(post, "x.md", &rules, &Options::default()).unwrap();
        assert_eq!(p.output, post);
        assert!(p.fired.is_empty());
    }
}
