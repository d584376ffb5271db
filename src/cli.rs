//! The command line, as clap sees it: raw flags, no decisions.
//!
//! `config.rs` turns these into a resolved [`crate::config::Config`]; nothing below it knows
//! clap exists.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXIT_CODES: &str = "\
Exit codes:
  0  done; nothing (left) to change
  1  check/diff: some posts would change
  2  error: bad rule or config file (nothing processed), or a post that could not be
     read, parsed or written (reported and left untouched; the others were processed)";

#[derive(Debug, Parser)]
#[command(
    name = "postscrub",
    version,
    about = "Turn content folders full of scraped HTML into clean Markdown posts",
    long_about = "Turn content folders full of scraped HTML into clean Markdown posts.\n\n\
Rule files (YAML) remove ad stylesheets, QR-code blocks, stock-ticker links, tracking comments \
and other cruft with a streaming HTML rewriter; the cleaned HTML becomes CommonMark + GFM; front \
matter is normalized. Preview with `diff`, lint in CI with `check`, write with `convert`.",
    after_help = EXIT_CODES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean and convert posts, writing to --out DIR or --in-place
    #[command(after_help = concat!("Examples:
  postscrub convert posts/ --out clean/        mirror posts/ into clean/
  postscrub convert content/ --in-place        rewrite the posts where they are
  postscrub convert posts/ --dry-run           show the diff, write nothing
  postscrub convert - < post.md > clean.md     one post, stdin to stdout

", "Exit codes:
  0  done; nothing (left) to change
  1  --dry-run: some posts would change
  2  error: bad rule or config file, or a post that could not be read, parsed or written"))]
    Convert(ConvertArgs),
    /// Show the unified diff of every post that would change; write nothing
    #[command(after_help = "Examples:
  postscrub diff posts/
  postscrub diff posts/ --rules sina-finance --rules rules/local.yaml | less -R

Exit codes:
  0  nothing would change
  1  some posts would change
  2  error")]
    Diff(DiffArgs),
    /// Report posts that would change, for CI (exit code 1 when any would)
    #[command(after_help = "Examples:
  postscrub check                         uses postscrub.yaml found from here upward
  postscrub check content/ --format github
  postscrub check content/ --format sarif > postscrub.sarif

Exit codes:
  0  nothing would change
  1  some posts would change
  2  error")]
    Check(CheckArgs),
    /// Write a static HTML review of what a conversion would do, to open in a browser
    #[command(after_help = "Examples:
  postscrub report posts/ --out review/      then open review/index.html in a browser
  postscrub report --out /tmp/review         the site's content folders (or postscrub.yaml's)

The report writes nothing but DIR. It opens from file:// with no network: the original and the
converted post are shown in sandboxed frames where scripts never run and remote images load only
when the page's toggle is on. DIR must be outside the folders read; a DIR that is not empty and
not an earlier report needs --force.

Exit codes:
  0  the report was written
  2  error: bad rule or config file, a refused DIR, or posts that could not be read")]
    Report(ReportArgs),
    /// List, show and test rule sets
    #[command(
        subcommand,
        after_help = "Examples:
  postscrub rules list                      rule sets in use, with their rule ids
  postscrub rules show stock-keyword-link   one rule: file:line, action, examples
  postscrub rules test                      run the examples of the rule sets in use
  postscrub rules test rules/local.yaml     run one file's examples (exit 1 on a failure)
  postscrub rules suggest posts/ --out d/   draft rules from what repeats across posts"
    )]
    Rules(RulesCommand),
    /// Say which site (Hexo, Hugo, Jekyll) was detected, from which files, and what it sets
    #[command(after_help = "Examples:
  postscrub site                    at the root of a site, or anywhere in it
  postscrub site --format json      the same for scripts (paths absolute)

The site is found upward from the current folder: Hexo (_config.yml + source/_posts, or a
package.json naming hexo), Hugo (hugo.toml/yaml/json, or config.toml/yaml/json + content/),
Jekyll (_config.yml + _posts/, or a Gemfile naming jekyll). It gives the default --target, the
time zone dates are written for, and the content folders walked when no PATH is given.
`site:` in postscrub.yaml and the flags override it.")]
    Site(SiteArgs),
    /// Join the JSON reports of a CI matrix's shards (`check --shard K/N --format json`) into one
    #[command(after_help = "Examples:
  postscrub merge shard-1.json shard-2.json shard-3.json shard-4.json > postscrub.json

The result is the report one unsharded `check --format json` would have written: the same
records in the same order, without their `shard` fields. A post in two reports, reports of
matrices of different sizes, or a shard given twice is an error; a missing shard is a warning.

Exit codes:
  0  merged; no post would change
  1  merged; some posts would change
  2  error: a report that cannot be read or does not fit with the others, or posts that failed")]
    Merge(MergeArgs),
    /// Print a shell completion script
    #[command(after_help = "Examples:
  postscrub completions bash > ~/.local/share/bash-completion/completions/postscrub
  postscrub completions zsh > ~/.zfunc/_postscrub
  postscrub completions fish > ~/.config/fish/completions/postscrub.fish")]
    Completions {
        /// Shell to generate completions for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Posts or folders to convert (`-` reads one post from stdin)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write results under DIR, mirroring relative paths
    #[arg(long, value_name = "DIR", group = "dest", help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// Rewrite the posts in place
    #[arg(long, group = "dest", help_heading = "Output")]
    pub in_place: bool,
    /// Show the diff instead of writing (same as `postscrub diff`)
    #[arg(long, group = "dest", help_heading = "Output")]
    pub dry_run: bool,
    /// Overwrite files that already exist under --out (default: keep them and skip the post)
    #[arg(long, requires = "out", help_heading = "Output")]
    pub force: bool,
    /// For each changed post, list the rules that fired, how often, and the line of the first
    #[arg(long, help_heading = "Output")]
    pub explain: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Posts or folders to compare
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Instead of the diff, the lines added and removed per post, as `git diff --stat`
    #[arg(long, conflicts_with = "name_only", help_heading = "Output")]
    pub stat: bool,
    /// Instead of the diff, the paths of the posts that would change, one per line
    #[arg(long, help_heading = "Output")]
    pub name_only: bool,
    /// After each diff, list the rules that fired, how often, and the line of the first
    #[arg(long, help_heading = "Output")]
    pub explain: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Posts or folders to check
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Report format [default: human, or `format:` in postscrub.yaml]
    #[arg(long, value_enum, help_heading = "Output")]
    pub format: Option<Format>,
    /// Exit 1 only for changes by rules of at least this severity (error, warning, info) or
    /// with this id; repeatable (default: any change)
    #[arg(long, value_name = "SEVERITY|RULE", help_heading = "Output")]
    pub fail_on: Vec<String>,
    /// After the report, print totals per rule: posts, count, severity
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Posts or folders to review
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Folder the report is written to (index.html and its pages); created if missing
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    pub out: PathBuf,
    /// Write into a DIR that is not empty and holds no earlier report
    #[arg(long, help_heading = "Output")]
    pub force: bool,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = SiteFormat::Human)]
    pub format: SiteFormat,
    /// Project config file (default: postscrub.yaml, searched from the current folder upward)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any postscrub.yaml
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Work without a site: no detection
    #[arg(long)]
    pub no_site: bool,
    /// Site generator, as a run would be given it
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Time zone, as a run would be given it
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
}

impl SiteArgs {
    /// The options of a run that decide the site.
    pub fn common(&self) -> CommonArgs {
        CommonArgs {
            config: self.config.clone(),
            no_config: self.no_config,
            no_site: self.no_site,
            target: self.target,
            timezone: self.timezone.clone(),
            ..CommonArgs::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SiteFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rule sets in use (presets and files) with their rule ids
    List(RulesArgs),
    /// Show one rule: its set, file and line, action, and the examples that exercise it
    Show(RulesShowArgs),
    /// Run the `examples:` of rule sets (those in use, or the files given)
    #[command(after_help = "Exit codes:
  0  every example passed
  1  some example failed (a diff of expected and actual output is printed)
  2  error: a rule file could not be loaded")]
    Test(RulesTestArgs),
    /// Print the JSON Schema of rule files (`rules`) or of postscrub.yaml (`config`), for
    /// editors (`# yaml-language-server: $schema=…`)
    Schema(RulesSchemaArgs),
    /// Print the rule-file reference: every action, `when`, overrides, opt-outs, examples
    Docs,
    /// Find what repeats across the posts of each source (ad blocks, stylesheets, tracking
    /// comments, keyword links, label lines) and write draft rule files that remove it
    #[command(after_help = "Examples:
  postscrub rules suggest                       the site's content folders, drafts on stdout
  postscrub rules suggest posts/ --out drafts/  one drafts/NAME.yaml per source
  postscrub rules suggest posts/sina --out sina.yaml --group-by folder
  postscrub rules test drafts/NAME.yaml         the drafts pass as written; review, then keep

Posts are grouped by source (front-matter `author`, the first category, or the folder;
--group-by). A finding must be in --min-share of a group's posts and in at least 3. Posts are
cleaned with the rule sets in use first, so only what they leave is proposed (`rules: []` in
postscrub.yaml to see everything). A rule that would remove text unique to one post, or more
than 30 % of a post's visible text, is dropped. Nothing is written but --out.

Exit codes:
  0  done (with or without findings)
  2  error: bad rule or config file, or no posts")]
    Suggest(Box<RulesSuggestArgs>),
}

#[derive(Debug, Args)]
pub struct RulesSuggestArgs {
    /// Posts or folders to read (default: the site's content folders)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write the drafts to this folder (one NAME.yaml per group), or to this .yaml file when
    /// one group has findings (default: standard output)
    #[arg(long, value_name = "DIR|FILE", help_heading = "Output")]
    pub out: Option<PathBuf>,
    /// Share of a group's posts a finding must be in (and at least 3 posts)
    #[arg(
        long,
        value_name = "FRACTION",
        default_value_t = 0.3,
        help_heading = "Output"
    )]
    pub min_share: f64,
    /// Group posts by this front-matter field, `category` (the first of `categories`) or
    /// `folder` [default: author, category or folder, whichever separates the sources]
    #[arg(long, value_name = "FIELD", help_heading = "Output")]
    pub group_by: Option<String>,
    /// Report format: a table on stderr (drafts on stdout without --out), or JSON on stdout
    #[arg(long, value_enum, default_value_t = SuggestFormat::Human, help_heading = "Output")]
    pub format: SuggestFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// JSON reports to join (one per shard)
    #[arg(value_name = "REPORT", required = true)]
    pub files: Vec<PathBuf>,
    /// Print only errors and the merged report
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RulesShowArgs {
    /// Rule id, as in `postscrub rules list`
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    pub sets: RuleSetArgs,
}

#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// Rule files or preset names to test (default: the rule sets in use)
    #[arg(value_name = "RULE_FILE")]
    pub files: Vec<String>,
    #[command(flatten)]
    pub sets: RuleSetArgs,
}

#[derive(Debug, Args)]
pub struct RulesSchemaArgs {
    /// Which schema
    #[arg(value_enum, default_value_t = SchemaKind::Rules)]
    pub kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// Rule files (`rules/*.yaml`)
    Rules,
    /// The project config file `postscrub.yaml`
    Config,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub sets: RuleSetArgs,
}

/// The options of `rules list|show|test`: which rule sets are in use, and how they run. The
/// walk, conversion and output options of `check` do not apply, so they are not offered.
#[derive(Debug, Args, Clone, Default)]
pub struct RuleSetArgs {
    /// Rule set: a preset name (see `postscrub rules list`) or a YAML file; repeatable
    #[arg(long = "rules", value_name = "FILE|PRESET")]
    pub rules: Vec<String>,
    /// Only these rules (ids, comma-separated or repeated)
    #[arg(long, value_name = "RULE,…", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Every rule but these (ids, comma-separated or repeated)
    #[arg(long, value_name = "RULE,…", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Project config file (default: postscrub.yaml, searched from the current folder upward)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any postscrub.yaml
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Work without a site: no detection, target plain
    #[arg(long)]
    pub no_site: bool,
    /// Site generator the rules' examples and reserved-field checks assume (default: the
    /// site's, else plain)
    #[arg(long, value_enum)]
    pub target: Option<TargetArg>,
    /// Zone dates are written for in examples (default: the site config's, else UTC)
    #[arg(long, value_name = "TZ")]
    pub timezone: Option<String>,
    /// When to use colors
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

impl RuleSetArgs {
    /// The same settings as the options every run command takes (the rest at their defaults).
    pub fn common(&self) -> CommonArgs {
        CommonArgs {
            rules: self.rules.clone(),
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            config: self.config.clone(),
            no_config: self.no_config,
            no_site: self.no_site,
            target: self.target,
            timezone: self.timezone.clone(),
            color: self.color,
            no_progress: true,
            ..CommonArgs::default()
        }
    }
}

/// Options every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonArgs {
    /// Rule set: a preset name (see `postscrub rules list`) or a YAML file; repeatable
    #[arg(long = "rules", value_name = "FILE|PRESET", help_heading = "Rules")]
    pub rules: Vec<String>,
    /// Run only these rules (ids, comma-separated or repeated); see `postscrub rules list`
    #[arg(
        long,
        value_name = "RULE,…",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub select: Vec<String>,
    /// Run every rule but these (ids, comma-separated or repeated)
    #[arg(
        long,
        value_name = "RULE,…",
        value_delimiter = ',',
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,
    /// Project config file (default: postscrub.yaml, searched from the current folder upward)
    #[arg(long, value_name = "FILE", help_heading = "Rules")]
    pub config: Option<PathBuf>,
    /// Ignore any postscrub.yaml
    #[arg(long, conflicts_with = "config", help_heading = "Rules")]
    pub no_config: bool,
    /// Work without a site: no detection, target plain, no PATH walks the current folder
    #[arg(long, help_heading = "Rules")]
    pub no_site: bool,
    /// What bodies become [default: markdown, or `to:` in postscrub.yaml]
    #[arg(long, value_enum, help_heading = "Conversion")]
    pub to: Option<To>,
    /// Site generator: decides date format and template escaping (default: the site's, else
    /// plain)
    #[arg(long, value_enum, help_heading = "Conversion")]
    pub target: Option<TargetArg>,
    /// How to read bodies: auto tells HTML from Markdown per post [default: auto, or `body:`
    /// in postscrub.yaml]
    #[arg(long, value_enum, help_heading = "Conversion")]
    pub body: Option<BodyArg>,
    /// The zone the site's generator reads front-matter dates in (`+08:00`, `UTC`,
    /// `Asia/Shanghai`; default: the site config's, else UTC)
    #[arg(long, value_name = "TZ", help_heading = "Conversion")]
    pub timezone: Option<String>,
    /// Keep full-width (U+3000) paragraph indents
    #[arg(long, help_heading = "Conversion")]
    pub keep_fullwidth_indent: bool,
    /// What iframes, video and audio become: players (sanitized HTML, Hugo shortcodes), links,
    /// or nothing [default: keep for hexo, hugo and jekyll; link for plain]
    #[arg(long, value_enum, value_name = "MODE", help_heading = "Conversion")]
    pub embeds: Option<EmbedsArg>,
    /// Whether the target's Markdown renderer makes quotes, `--` and `...` typographic: on
    /// writes them escaped where it would, so the page shows them as the HTML did [default:
    /// auto: the site config's setting, else the generator's (on)]
    #[arg(long, value_enum, value_name = "WHEN", help_heading = "Conversion")]
    pub typographer: Option<TypographerArg>,
    /// Only process files matching this glob (relative to the folder given, or the site root
    /// when its content folders are walked); repeatable
    #[arg(long, value_name = "GLOB", help_heading = "Files")]
    pub include: Vec<String>,
    /// Skip files matching this glob; repeatable
    #[arg(long, value_name = "GLOB", help_heading = "Files")]
    pub exclude: Vec<String>,
    /// Apply --exclude (and the config's excludes) to files named on the command line too
    #[arg(long, help_heading = "Files")]
    pub force_exclude: bool,
    /// Number of posts processed in parallel (default and maximum: the number of CPUs)
    #[arg(short = 'j', long, value_name = "N", help_heading = "Files")]
    pub jobs: Option<usize>,
    /// Only this job's share of the posts, for a CI matrix: K/N (1 ≤ K ≤ N, by a stable hash of
    /// each post's path), or auto (GitLab's CI_NODE_INDEX/CI_NODE_TOTAL)
    #[arg(long, value_name = "K/N|auto", help_heading = "Files")]
    pub shard: Option<String>,
    /// With `-` as the PATH: the file the post on standard input stands for, so `when.path`
    /// conditions, the site and every report name it (`--stdin-filename source/_posts/a.md`)
    #[arg(long, value_name = "PATH", help_heading = "Files")]
    pub stdin_filename: Option<PathBuf>,
    /// Follow symlinks met in folders (default: skip each with a warning); loops are reported
    #[arg(long, help_heading = "Files")]
    pub follow: bool,
    /// Largest post read, in bytes or with K, M, G (default 16M); a larger one fails alone
    #[arg(long, value_name = "BYTES", value_parser = parse_size, help_heading = "Files")]
    pub max_post_size: Option<u64>,
    /// Do not read or write the result cache (also: POSTSCRUB_NO_CACHE=1)
    #[arg(long, help_heading = "Cache")]
    pub no_cache: bool,
    /// Where the result cache lives (also: POSTSCRUB_CACHE_DIR) [default: .postscrub_cache
    /// beside postscrub.yaml, else at the site root, else in the current folder]
    #[arg(long, value_name = "DIR", help_heading = "Cache")]
    pub cache_dir: Option<PathBuf>,
    /// Largest size of the result cache on disk, in bytes or with K, M, G (default 512M); the
    /// least recently used entries go beyond it
    #[arg(long, value_name = "BYTES", value_parser = parse_size, help_heading = "Cache")]
    pub cache_max_size: Option<u64>,
    /// When to use colors
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, help_heading = "Display")]
    pub color: ColorChoice,
    /// Print only results and what is wrong with posts (errors, rule warnings)
    #[arg(short, long, help_heading = "Display")]
    pub quiet: bool,
    /// Say which site was detected, and the target and time zone it gives, before the run
    #[arg(short, long, conflicts_with = "quiet", help_heading = "Display")]
    pub verbose: bool,
    /// Never show a progress bar
    #[arg(long, help_heading = "Display")]
    pub no_progress: bool,
}

fn parse_size(s: &str) -> Result<u64, String> {
    crate::limits::parse_size(s)
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `path:line:col: would change: rules` and diffs, for people.
    Human,
    /// One JSON array, an object per post (rules with `line` and `column`).
    Json,
    /// GitHub Actions annotations, a few per rule, plus the job summary.
    Github,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitLab Code Quality report.
    Gitlab,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum To {
    Markdown,
    Html,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TargetArg {
    Hexo,
    Hugo,
    Jekyll,
    Plain,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum BodyArg {
    Auto,
    Html,
    Markdown,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum EmbedsArg {
    Keep,
    Link,
    Drop,
}

/// `--typographer`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum TypographerArg {
    // auto: the site config's setting (Hexo `marked.smartypants`, Hugo
    // `markup.goldmark.extensions.typographer`), else the generator's default (on); on: the
    // renderer substitutes, so what it would change is written escaped; off: it does not.
    Auto,
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
