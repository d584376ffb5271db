//! From raw command-line flags and `postscrub.yaml` to one resolved configuration.
//!
//! Precedence: command line, then the project config file, then defaults. Rules on the command
//! line replace the config file's list (as `--select` does in ruff). Paths in the config file
//! are relative to the file. Everything that can be wrong (unknown keys, bad rules, bad time
//! zone, bad globs) is found here, before any post is read.

use crate::body::BodyMode;
use crate::cli::{
    BodyArg, ColorChoice, CommonArgs, EmbedsArg, Format, TargetArg, To, TypographerArg,
};
use crate::pipeline::{self, EmbedMode, OutputFormat, Target};
use crate::rules::Rules;
use crate::site::{self, Origin, Setup};
use crate::walk::Filter;
use anyhow::{Result, anyhow, bail};
use serde::Deserialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Name of the project config file.
pub const CONFIG_FILE: &str = "postscrub.yaml";

/// Rule sets used when neither the command line nor a config file names any.
pub const DEFAULT_RULES: &[&str] = &["sina-finance", "36kr", "rsshub-common"];

/// `postscrub.yaml`, as written.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectConfig {
    /// Presets and rule files (relative to this file), applied in order.
    pub rules: Option<Vec<String>>,
    /// Only process files matching these globs (relative to the folder given).
    #[serde(default)]
    pub include: Vec<String>,
    /// Skip files matching these globs.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Site generator: decides date format and template escaping (default `plain`).
    pub target: Option<TargetArg>,
    /// The zone the target generator reads front-matter dates in (Hexo `timezone`, Hugo
    /// `timeZone`, Jekyll `timezone`): `+08:00`, `UTC` or an IANA name.
    pub timezone: Option<String>,
    /// How to read bodies: `html`, `markdown`, or `auto` (default: by the body's first and last
    /// characters).
    pub body: Option<BodyArg>,
    /// What bodies become: `markdown` (default) or cleaned `html`.
    pub to: Option<To>,
    /// Default report format of `check`.
    pub format: Option<Format>,
    /// Keep full-width (U+3000) paragraph indents.
    pub keep_fullwidth_indent: Option<bool>,
    /// What iframes, video and audio become: `keep` (players: sanitized HTML, or Hugo
    /// shortcodes), `link` or `drop` (default: `keep` for hexo, hugo and jekyll, `link` for
    /// plain).
    pub embeds: Option<EmbedsArg>,
    /// Whether the target's Markdown renderer makes quotes curly and `--`, `...` into dashes
    /// and an ellipsis: `on` writes those characters escaped where it would, so the page
    /// shows them straight as the HTML did; `off` writes them plainly; `auto` (default) reads
    /// the site's config (Hexo `marked.smartypants`, Hugo
    /// `markup.goldmark.extensions.typographer`), else takes the generator's default (on).
    pub typographer: Option<TypographerArg>,
    /// Apply `exclude` to files named on the command line too.
    pub force_exclude: Option<bool>,
    /// The site (Hexo, Hugo or Jekyll) worked on: detected upward from the current folder
    /// unless given here. It supplies the default `target`, the `timezone` and the content
    /// folders walked when no path is given.
    pub site: Option<crate::site::SiteConfig>,
}

/// A resolved configuration: what every command runs with.
#[derive(Debug)]
pub struct Config {
    pub rules: Rules,
    pub options: pipeline::Options,
    pub filter: Filter,
    pub jobs: usize,
    /// Follow symlinks met in the walk (`--follow`).
    pub follow: bool,
    /// Posts larger than this many bytes fail without being read.
    pub max_post_size: u64,
    /// Said once at the start of a run (e.g. `-j` was cut to the CPU count).
    pub warnings: Vec<String>,
    pub color: bool,
    pub progress: bool,
    pub quiet: bool,
    pub format: Option<Format>,
    /// The config file used, if any.
    pub config_file: Option<PathBuf>,
    /// The site, and where the target and time zone came from.
    pub site: Setup,
    /// `--verbose`: say what the site decided before the run.
    pub verbose: bool,
    /// `--shard K/N`: only this share of the posts.
    pub shard: Option<crate::shard::Shard>,
    /// Where the result cache is, and its bound (`None`: `--no-cache`).
    pub cache: Option<CacheSetting>,
}

/// The result cache's folder and size bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheSetting {
    pub dir: PathBuf,
    pub max_size: u64,
}

/// `--no-cache`, `--cache-dir`, `--cache-max-size` and their environment variables. Without a
/// folder given, the cache is beside the config file, else at the site root, else in `cwd`.
fn cache_setting(
    args: &CommonArgs,
    config_file: Option<&Path>,
    site_root: Option<&Path>,
    cwd: &Path,
    var: impl Fn(&str) -> Option<String>,
) -> Option<CacheSetting> {
    let set = |name: &str| var(name).is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    if args.no_cache || set("POSTSCRUB_NO_CACHE") {
        return None;
    }
    let dir = match (
        &args.cache_dir,
        var("POSTSCRUB_CACHE_DIR").filter(|v| !v.is_empty()),
    ) {
        (Some(dir), _) => cwd.join(dir),
        (None, Some(dir)) => cwd.join(dir),
        (None, None) => config_file
            .and_then(Path::parent)
            .filter(|d| !d.as_os_str().is_empty())
            .map(|d| cwd.join(d))
            .or_else(|| site_root.map(Path::to_path_buf))
            .unwrap_or_else(|| cwd.to_path_buf())
            .join(crate::cache::FOLDER),
    };
    Some(CacheSetting {
        dir,
        max_size: args
            .cache_max_size
            .unwrap_or(crate::cache::DEFAULT_MAX_SIZE),
    })
}

/// The typed error of a bad config or rule file: exit code 2, nothing processed.
#[derive(Debug)]
pub struct ConfigError(pub anyhow::Error);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Facts about the environment that decide color and progress, passed in so tests can set them.
#[derive(Debug, Clone, Copy)]
pub struct Environment {
    pub stderr_is_terminal: bool,
    pub stdout_is_terminal: bool,
    pub no_color: bool,
    pub ci: bool,
}

impl Environment {
    pub fn detect() -> Environment {
        Environment {
            stderr_is_terminal: std::io::stderr().is_terminal(),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            ci: std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false"),
        }
    }
}

impl Config {
    /// The folder `when.path` globs are relative to: the site root where there is a site,
    /// else the folder of the config file, else `cwd`.
    pub fn rule_base(&self, cwd: &Path) -> PathBuf {
        if let Some(site) = self.site.choice.site() {
            return site.root.clone();
        }
        match self.config_file.as_ref().and_then(|f| f.parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => cwd.join(dir),
            _ => cwd.to_path_buf(),
        }
    }

    pub fn resolve(args: &CommonArgs, cwd: &Path, env: Environment) -> Result<Config, ConfigError> {
        Self::resolve_inner(args, cwd, env).map_err(ConfigError)
    }

    fn resolve_inner(args: &CommonArgs, cwd: &Path, env: Environment) -> Result<Config> {
        let (config_file, project) = project_config(args, cwd)?;
        let config_dir = config_file
            .as_ref()
            .and_then(|p| p.parent())
            .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);

        let mut rules = if !args.rules.is_empty() {
            Rules::load(&args.rules, cwd)?
        } else if let Some(list) = &project.rules {
            Rules::load(list, &config_dir)?
        } else {
            let defaults: Vec<String> = DEFAULT_RULES.iter().map(|s| (*s).to_owned()).collect();
            Rules::load(&defaults, cwd)?
        };

        rules
            .restrict(&args.select, &args.ignore)
            .map_err(anyhow::Error::msg)?;
        let (setup, timezone) = site_setup(args, &project, config_file.as_deref(), cwd)?;
        let target = setup.target;
        // A rule that writes a field the target overwrites is a rule-file error.
        crate::rules::check_reserved(&rules.sets, target)?;
        let body = match args.body.or(project.body).unwrap_or(BodyArg::Auto) {
            BodyArg::Auto => BodyMode::Auto,
            BodyArg::Html => BodyMode::Html,
            BodyArg::Markdown => BodyMode::Markdown,
        };
        let to = match args.to.or(project.to).unwrap_or(To::Markdown) {
            To::Markdown => OutputFormat::Markdown,
            To::Html => OutputFormat::Html,
        };
        let include = if args.include.is_empty() {
            &project.include
        } else {
            &args.include
        };
        let mut exclude = project.exclude.clone();
        exclude.extend(args.exclude.iter().cloned());
        let filter = Filter::new(
            include,
            &exclude,
            args.force_exclude || project.force_exclude.unwrap_or(false),
        )
        .map_err(|e| anyhow!(e))?;

        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => env.stdout_is_terminal && !env.no_color,
        };
        let progress = !args.quiet && !args.no_progress && env.stderr_is_terminal && !env.ci;
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, jobs_warning) = crate::limits::jobs(args.jobs, cpus);

        let shard = match &args.shard {
            Some(text) => crate::shard::Shard::parse(text, |k| std::env::var(k).ok())
                .map_err(anyhow::Error::msg)?,
            None => None,
        };
        let cache = cache_setting(
            args,
            config_file.as_deref(),
            setup.choice.site().map(|s| s.root.as_path()),
            cwd,
            |k| std::env::var(k).ok(),
        );
        Ok(Config {
            shard,
            cache,
            rules,
            options: pipeline::Options {
                to,
                target,
                timezone,
                body,
                keep_fullwidth_indent: args.keep_fullwidth_indent
                    || project.keep_fullwidth_indent.unwrap_or(false),
                embeds: args.embeds.or(project.embeds).map(|e| match e {
                    EmbedsArg::Keep => EmbedMode::Keep,
                    EmbedsArg::Link => EmbedMode::Link,
                    EmbedsArg::Drop => EmbedMode::Drop,
                }),
                typographer: setup.typographer,
                raw_html_rendered: setup.raw_html_rendered,
            },
            filter,
            jobs,
            follow: args.follow,
            max_post_size: args
                .max_post_size
                .unwrap_or(crate::limits::DEFAULT_MAX_POST_SIZE),
            warnings: jobs_warning
                .into_iter()
                .chain(site::describe::empty_zone_warning(&setup, cwd))
                .collect(),
            color,
            progress,
            quiet: args.quiet,
            format: project.format,
            config_file,
            site: setup,
            verbose: args.verbose,
        })
    }

    /// The site and what it decides (target, time zone), without loading rules: what
    /// `postscrub site` shows. Also returns the warnings a run would start with.
    pub fn site(args: &CommonArgs, cwd: &Path) -> Result<(Setup, Vec<String>), ConfigError> {
        let inner = || -> Result<(Setup, Vec<String>)> {
            let (config_file, project) = project_config(args, cwd)?;
            let (setup, _) = site_setup(args, &project, config_file.as_deref(), cwd)?;
            let warnings = site::describe::empty_zone_warning(&setup, cwd)
                .into_iter()
                .collect();
            Ok((setup, warnings))
        };
        inner().map_err(ConfigError)
    }
}

/// The config file in use (`--config`, found upward, or none with `--no-config`) and what it
/// says.
fn project_config(args: &CommonArgs, cwd: &Path) -> Result<(Option<PathBuf>, ProjectConfig)> {
    let config_file = if args.no_config {
        None
    } else if let Some(path) = &args.config {
        Some(cwd.join(path))
    } else {
        find_config(cwd)
    };
    let project = match &config_file {
        None => ProjectConfig::default(),
        Some(path) => load_config(path, cwd)?,
    };
    Ok((config_file, project))
}

/// The site, then the target and time zone with their origins. Precedence: flags, then
/// `postscrub.yaml`, then the site, then defaults (`plain`, UTC).
fn site_setup(
    args: &CommonArgs,
    project: &ProjectConfig,
    config_file: Option<&Path>,
    cwd: &Path,
) -> Result<(Setup, jiff::tz::TimeZone)> {
    let choice = site::choose(project.site.as_ref(), config_file, cwd, args.no_site)
        .map_err(|e| anyhow!(e.render(cwd)))?;
    let site = choice.site();
    let from_file =
        || Origin::ProjectConfig(config_file.map(Path::to_path_buf).unwrap_or_default());

    let (target, target_origin) = match (args.target, project.target, site) {
        (Some(t), _, _) => (target_of(t), Origin::Flag("--target")),
        (None, Some(t), _) => (target_of(t), from_file()),
        (None, None, Some(site)) => (site.kind.target(), Origin::Site(site.kind)),
        (None, None, None) => (Target::Plain, Origin::Default),
    };

    let parse = |spec: &str, flag: bool| {
        crate::dates::parse_timezone(spec).map_err(|e| match (flag, config_file) {
            (false, Some(file)) => anyhow!("{}: {e}", file.display()),
            _ => anyhow!("--timezone: {e}"),
        })
    };
    let (timezone, timezone_name, timezone_origin) =
        match (args.timezone.as_deref(), project.timezone.as_deref(), site) {
            (Some(tz), _, _) => (
                parse(tz, true)?,
                tz.trim().to_owned(),
                Origin::Flag("--timezone"),
            ),
            (None, Some(tz), _) => (parse(tz, false)?, tz.trim().to_owned(), from_file()),
            (None, None, Some(s)) => match s.timezone().map_err(|e| anyhow!(e.render(cwd)))? {
                Some(tz) => (
                    tz,
                    s.zone.value.clone().unwrap_or_default(),
                    Origin::SiteFile(
                        s.zone.file.clone().unwrap_or_else(|| s.root.clone()),
                        s.zone.line,
                    ),
                ),
                None if s.kind.unset_zone() == site::UnsetZone::Utc => (
                    jiff::tz::TimeZone::UTC,
                    "UTC".into(),
                    Origin::GeneratorDefault(s.kind),
                ),
                None => (jiff::tz::TimeZone::UTC, "UTC".into(), Origin::Default),
            },
            (None, None, None) => (jiff::tz::TimeZone::UTC, "UTC".into(), Origin::Default),
        };
    // The site's own renderer settings count only when the output is for its generator.
    let target_kind = site::Kind::of_target(target);
    let own_site = site.filter(|s| Some(s.kind) == target_kind);
    let (typographer, typographer_origin) =
        match (args.typographer.or(project.typographer), target_kind) {
            (_, None) => (false, Origin::Default),
            (Some(TypographerArg::On), _) | (Some(TypographerArg::Off), _) => (
                args.typographer.or(project.typographer) == Some(TypographerArg::On),
                if args.typographer.is_some() {
                    Origin::Flag("--typographer")
                } else {
                    from_file()
                },
            ),
            (None | Some(TypographerArg::Auto), Some(kind)) => match own_site {
                Some(s) => match &s.renderer.typographer_set {
                    Some((file, line)) => (
                        s.renderer.typographer,
                        Origin::SiteFile(file.clone(), *line),
                    ),
                    None => (s.renderer.typographer, Origin::GeneratorDefault(kind)),
                },
                None => (true, Origin::GeneratorDefault(kind)),
            },
        };
    let raw_html_rendered = target == Target::Hugo && own_site.is_some_and(|s| s.renderer.raw_html);
    Ok((
        Setup {
            choice,
            target,
            target_origin,
            timezone_name,
            timezone_origin,
            typographer,
            typographer_origin,
            raw_html_rendered,
        },
        timezone,
    ))
}

fn target_of(t: TargetArg) -> Target {
    match t {
        TargetArg::Hexo => Target::Hexo,
        TargetArg::Hugo => Target::Hugo,
        TargetArg::Jekyll => Target::Jekyll,
        TargetArg::Plain => Target::Plain,
    }
}

/// `postscrub.yaml` in `start` or the nearest folder above it.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|p| p.is_file())
}

fn load_config(path: &Path, cwd: &Path) -> Result<ProjectConfig> {
    // Named as the user would write it: relative to the current folder.
    let shown = path.strip_prefix(cwd).unwrap_or(path).display();
    let text = crate::userfile::read_text(path, "config file")
        .map_err(|message| anyhow!("{shown}: {message}"))?;
    if text.trim().is_empty() {
        return Ok(ProjectConfig::default());
    }
    if let Err(e) = crate::yaml_guard::check(&text) {
        bail!(
            "{}:{}:{}: config file {e}",
            path.display(),
            e.line,
            e.column
        );
    }
    serde_yaml::from_str(&text).map_err(|e| {
        let p = crate::userfile::yaml_problem(
            &e,
            "ProjectConfig",
            "config file",
            "`rules:`, `target:` and `include:`",
        );
        let position = match (p.line, p.column) {
            (Some(l), Some(c)) => format!(":{l}:{c}"),
            (Some(l), None) => format!(":{l}"),
            _ => String::new(),
        };
        anyhow!("{shown}{position}: {}", p.message)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENV: Environment = Environment {
        stderr_is_terminal: false,
        stdout_is_terminal: false,
        no_color: false,
        ci: true,
    };

    #[test]
    fn config_found_from_subfolder_and_rules_relative_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("rules")).unwrap();
        std::fs::create_dir_all(root.join("content/deep")).unwrap();
        std::fs::write(
            root.join("postscrub.yaml"),
            "rules: [sina-finance, rules/local.yaml]\ntarget: hexo\ntimezone: '+08:00'\n",
        )
        .unwrap();
        std::fs::write(
            root.join("rules/local.yaml"),
            "html:\n  - id: x\n    remove: marquee\n",
        )
        .unwrap();
        let c = Config::resolve(&CommonArgs::default(), &root.join("content/deep"), ENV).unwrap();
        assert!(c.rules.find("x").is_some());
        assert!(c.rules.find("qr-ad-block").is_some());
        assert_eq!(c.options.target, Target::Hexo);
    }

    #[test]
    fn unknown_config_key_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("postscrub.yaml"),
            "target: hexo\nrulez: []\n",
        )
        .unwrap();
        let e = Config::resolve(&CommonArgs::default(), dir.path(), ENV).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("postscrub.yaml:2:"), "{msg}");
        assert!(msg.contains("rulez"), "{msg}");
    }
}
