//! The site postscrub works on: which generator (Hexo, Hugo, Jekyll), where its root is, which
//! folders hold its content, and which time zone it reads dates in.
//!
//! Users run postscrub at the root of a site, not on a folder of posts. Without knowing the
//! site, `postscrub check` there walks `node_modules/`, `themes/` and `scaffolds/` (and would
//! rewrite `scaffolds/post.md`, so every later `hexo new` post has no date), and dates are
//! written for a zone the generator does not read them in. The root is found upward from the
//! current folder, the way `postscrub.yaml` is, from the files each generator needs:
//! - Hexo: `_config.yml` + `source/_posts`, or a `package.json` naming hexo;
//! - Hugo: `hugo.{toml,yaml,json}`, or `config.{toml,yaml,json}` + `content/`;
//! - Jekyll: `_config.yml` + `_posts/`, or a `Gemfile` naming jekyll.
//!
//! This module only finds and reads; [`crate::config`] decides what the site changes (the
//! default target and time zone: flags and `postscrub.yaml` come first), [`scope`] decides
//! what is walked, and the commands print what [`describe`] words.

pub mod describe;
mod files;
pub mod renderer;
pub mod scope;

pub use describe::Origin;
use files::ConfigFile;
pub use files::{MAX_SIZE as MAX_CONFIG_SIZE, SiteError};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A site generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Hexo,
    Hugo,
    Jekyll,
}

/// What a generator does with front-matter dates that carry no offset when its config sets
/// no time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsetZone {
    /// Reads them in the zone of the machine that builds the site (Hexo, Jekyll): the same
    /// post gets another date on another machine.
    MachineZone,
    /// Reads them as UTC (Hugo: `timeZone` defaults to `Etc/UTC`).
    Utc,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Hexo => "Hexo",
            Kind::Hugo => "Hugo",
            Kind::Jekyll => "Jekyll",
        }
    }

    /// The name as `--target` and `site.kind` spell it.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Hexo => "hexo",
            Kind::Hugo => "hugo",
            Kind::Jekyll => "jekyll",
        }
    }

    /// The config key holding the site's time zone.
    pub fn zone_key(self) -> &'static str {
        match self {
            Kind::Hexo | Kind::Jekyll => "timezone",
            Kind::Hugo => "timeZone",
        }
    }

    pub fn unset_zone(self) -> UnsetZone {
        match self {
            Kind::Hexo | Kind::Jekyll => UnsetZone::MachineZone,
            Kind::Hugo => UnsetZone::Utc,
        }
    }

    /// The target this generator's site is converted for.
    pub fn target(self) -> crate::pipeline::Target {
        match self {
            Kind::Hexo => crate::pipeline::Target::Hexo,
            Kind::Hugo => crate::pipeline::Target::Hugo,
            Kind::Jekyll => crate::pipeline::Target::Jekyll,
        }
    }

    /// Hugo's config keys are case-insensitive; Hexo's and Jekyll's are not.
    fn any_case(self) -> bool {
        self == Kind::Hugo
    }

    /// The config files this generator reads at its root, first found wins.
    fn config_files(self) -> &'static [&'static str] {
        match self {
            Kind::Hexo | Kind::Jekyll => &["_config.yml"],
            Kind::Hugo => &[
                "hugo.toml",
                "hugo.yaml",
                "hugo.json",
                "config.toml",
                "config.yaml",
                "config.json",
            ],
        }
    }
}

/// The site's time zone setting, as its config file has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// `None` when missing or empty.
    pub value: Option<String>,
    /// The file it is (or would be) set in; `None` when the site has no config file.
    pub file: Option<PathBuf>,
    /// The line it is set on.
    pub line: Option<usize>,
}

/// Where the content folder list came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentOrigin {
    /// The generator's layout (and its config keys: `source_dir`, `contentDir`,
    /// `collections_dir`, `collections`).
    Generator,
    /// `site.content` in this `postscrub.yaml`.
    ProjectConfig(PathBuf),
}

/// How the site was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// Detected upward from the current folder, from these files and folders (relative to
    /// the root).
    Detected(Vec<String>),
    /// Named by `site:` in this `postscrub.yaml`.
    Configured(PathBuf),
}

/// A site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub kind: Kind,
    /// Absolute.
    pub root: PathBuf,
    pub found: Found,
    /// The generator's config file read, absolute.
    pub config_file: Option<PathBuf>,
    pub zone: Zone,
    /// Absolute, in order; some may not exist.
    pub content: Vec<PathBuf>,
    pub content_origin: ContentOrigin,
    /// How the site configures its Markdown renderer (typographer, raw HTML).
    pub renderer: renderer::RendererConfig,
}

impl Site {
    /// The site's time zone, parsed: `Ok(None)` when it sets none.
    pub fn timezone(&self) -> Result<Option<jiff::tz::TimeZone>, SiteError> {
        let Some(value) = &self.zone.value else {
            return Ok(None);
        };
        crate::dates::parse_timezone(value).map(Some).map_err(|e| {
            let file = self.zone.file.clone().unwrap_or_else(|| self.root.clone());
            SiteError {
                file,
                line: self.zone.line,
                column: None,
                message: format!(
                    "`{}`: {e}; fix it (the site reads dates in this zone), or give --timezone (or `timezone:` in postscrub.yaml)",
                    self.kind.zone_key()
                ),
            }
        })
    }

    /// The content folders that exist.
    pub fn existing_content(&self) -> impl Iterator<Item = &PathBuf> {
        self.content.iter().filter(|p| p.is_dir())
    }
}

/// `site:` in `postscrub.yaml`.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The generator: `hexo`, `hugo` or `jekyll`; `none` works without a site (no detection:
    /// target `plain`, walk the current folder).
    pub kind: Option<KindSetting>,
    /// The site's root folder, relative to this file (default: detected upward from the
    /// current folder; with `kind` given, the folder of this file).
    pub root: Option<String>,
    /// Content folders, relative to this file, replacing the generator's (Hexo
    /// `source/_posts` and `source/_drafts`, Hugo `content/`, Jekyll `_posts`, `_drafts` and
    /// collections).
    pub content: Option<Vec<String>>,
}

/// `site.kind` in `postscrub.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KindSetting {
    Hexo,
    Hugo,
    Jekyll,
    None,
}

/// What a run works with: a site, or none and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Site(Box<Site>),
    /// Turned off: by `--no-site`, or by `site: {kind: none}` in this file.
    Off(Option<PathBuf>),
    /// Nothing found upward from the current folder.
    NotFound,
}

impl Choice {
    pub fn site(&self) -> Option<&Site> {
        match self {
            Choice::Site(s) => Some(s),
            _ => None,
        }
    }
}

/// What the site decides for a run, after flags and `postscrub.yaml` had their say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub choice: Choice,
    pub target: crate::pipeline::Target,
    pub target_origin: Origin,
    /// The zone dates are written for, as given (`Asia/Shanghai`, `+08:00`, `UTC`).
    pub timezone_name: String,
    pub timezone_origin: Origin,
    /// The target's Markdown renderer substitutes typographic characters.
    pub typographer: bool,
    pub typographer_origin: Origin,
    /// The site renders raw HTML in Markdown (a Hugo site with `unsafe = true`, converted
    /// for Hugo).
    pub raw_html_rendered: bool,
}

impl Kind {
    /// The generator a target is for (`None` for `plain`).
    pub fn of_target(target: crate::pipeline::Target) -> Option<Kind> {
        match target {
            crate::pipeline::Target::Hexo => Some(Kind::Hexo),
            crate::pipeline::Target::Hugo => Some(Kind::Hugo),
            crate::pipeline::Target::Jekyll => Some(Kind::Jekyll),
            crate::pipeline::Target::Plain => None,
        }
    }
}

/// The site for a run. `setting` is `site:` from `config_file`; `no_site` is `--no-site`.
pub fn choose(
    setting: Option<&SiteConfig>,
    config_file: Option<&Path>,
    cwd: &Path,
    no_site: bool,
) -> Result<Choice, SiteError> {
    if no_site {
        return Ok(Choice::Off(None));
    }
    let setting = setting.cloned().unwrap_or_default();
    let config_dir = config_file
        .and_then(Path::parent)
        .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
    let config_path =
        config_file.map_or_else(|| cwd.join(crate::config::CONFIG_FILE), Path::to_path_buf);
    let kind = match setting.kind {
        Some(KindSetting::None) => return Ok(Choice::Off(Some(config_path))),
        Some(KindSetting::Hexo) => Some(Kind::Hexo),
        Some(KindSetting::Hugo) => Some(Kind::Hugo),
        Some(KindSetting::Jekyll) => Some(Kind::Jekyll),
        None => None,
    };
    let bad = |message: String| SiteError::new(&config_path, None, message);
    let root = match &setting.root {
        Some(r) => {
            let root = config_dir.join(r);
            if !root.is_dir() {
                return Err(bad(format!(
                    "site.root `{r}`: no such folder (it is relative to this file); fix it, or remove it to detect the site"
                )));
            }
            Some(root)
        }
        None => None,
    };
    let mut site = match (kind, root) {
        (Some(kind), root) => {
            let root = root.unwrap_or_else(|| config_dir.clone());
            let mut site = open(kind, &root)?;
            site.found = Found::Configured(config_path.clone());
            Some(site)
        }
        (None, Some(root)) => match detect_at(&root)? {
            Some(mut site) => {
                site.found = Found::Configured(config_path.clone());
                Some(site)
            }
            None => {
                return Err(bad(format!(
                    "site.root `{}`: no Hexo, Hugo or Jekyll site there ({}); give site.kind",
                    setting.root.as_deref().unwrap_or_default(),
                    describe::LOOKED_FOR
                )));
            }
        },
        (None, None) => detect(cwd)?,
    };
    if let Some(content) = &setting.content {
        let Some(site) = site.as_mut() else {
            return Err(bad(format!(
                "site.content needs a site, and none was found from {} upward; give site.kind (and site.root)",
                crate::printable::path(cwd)
            )));
        };
        site.content = content.iter().map(|c| config_dir.join(c)).collect();
        site.content_origin = ContentOrigin::ProjectConfig(config_path);
    }
    Ok(site.map_or(Choice::NotFound, |s| Choice::Site(Box::new(s))))
}

/// The nearest site at `start` or above it.
pub fn detect(start: &Path) -> Result<Option<Site>, SiteError> {
    for dir in start.ancestors() {
        if let Some(site) = detect_at(dir)? {
            return Ok(Some(site));
        }
    }
    Ok(None)
}

/// The site whose root is `dir`, if the files there say so. When more than one generator's
/// files are there, the one named outright wins: `hugo.*`, then a `package.json` naming hexo,
/// then a `Gemfile` naming jekyll, then the folder layouts.
pub fn detect_at(dir: &Path) -> Result<Option<Site>, SiteError> {
    let file = |name: &str| dir.join(name).is_file();
    let folder = |name: &str| dir.join(name).is_dir();

    for name in ["hugo.toml", "hugo.yaml", "hugo.json"] {
        if file(name) {
            let config = ConfigFile::read(&dir.join(name))?;
            return Ok(Some(build(
                Kind::Hugo,
                dir,
                Some(config),
                vec![name.into()],
            )?));
        }
    }

    let hexo_package = package_names_hexo(dir);
    let jekyll_gem = gemfile_names_jekyll(dir);
    // Parsed only when something says it is a site's: a _config.yml alone is any tool's.
    let moved = || {
        files::read_small(&dir.join("_config.yml"), "config")
            .is_ok_and(|t| t.contains("source_dir") || t.contains("collections_dir"))
    };
    if file("_config.yml")
        && (hexo_package || jekyll_gem || folder("source") || folder("_posts") || moved())
    {
        let config = ConfigFile::read(&dir.join("_config.yml"))?;
        let source_dir = config.text("source_dir", false)?;
        let collections_dir = config.text("collections_dir", false)?;
        let hexo_posts = format!("{}/_posts", source_dir.as_deref().unwrap_or("source"));
        let jekyll_posts = match collections_dir.as_deref() {
            Some(c) => format!("{c}/_posts"),
            None => "_posts".into(),
        };
        let kind = if hexo_package {
            Some((Kind::Hexo, "package.json"))
        } else if jekyll_gem {
            Some((Kind::Jekyll, "Gemfile"))
        } else if folder(&hexo_posts) {
            Some((Kind::Hexo, hexo_posts.as_str()))
        } else if folder(&jekyll_posts) {
            Some((Kind::Jekyll, jekyll_posts.as_str()))
        } else {
            None
        };
        if let Some((kind, because)) = kind {
            let evidence = vec!["_config.yml".into(), because.to_owned()];
            return Ok(Some(build(kind, dir, Some(config), evidence)?));
        }
    }

    for name in ["config.toml", "config.yaml", "config.json"] {
        if file(name) && folder("content") {
            let config = ConfigFile::read(&dir.join(name))?;
            let evidence = vec![name.into(), "content".into()];
            return Ok(Some(build(Kind::Hugo, dir, Some(config), evidence)?));
        }
    }

    if hexo_package {
        return Ok(Some(build(
            Kind::Hexo,
            dir,
            None,
            vec!["package.json".into()],
        )?));
    }
    if jekyll_gem {
        return Ok(Some(build(
            Kind::Jekyll,
            dir,
            None,
            vec!["Gemfile".into()],
        )?));
    }
    Ok(None)
}

/// A site of a known kind at `root` (named in `postscrub.yaml`): its config file is read when
/// it has one.
pub fn open(kind: Kind, root: &Path) -> Result<Site, SiteError> {
    let config = kind
        .config_files()
        .iter()
        .map(|name| root.join(name))
        .find(|p| p.is_file())
        .map(|p| ConfigFile::read(&p))
        .transpose()?;
    build(kind, root, config, Vec::new())
}

fn build(
    kind: Kind,
    root: &Path,
    config: Option<ConfigFile>,
    evidence: Vec<String>,
) -> Result<Site, SiteError> {
    let text = |key: &str| -> Result<Option<String>, SiteError> {
        match &config {
            Some(c) => c.text(key, kind.any_case()),
            None => Ok(None),
        }
    };
    let zone_key = kind.zone_key();
    let zone = Zone {
        value: text(zone_key)?,
        file: config.as_ref().map(|c| c.path.clone()),
        line: config
            .as_ref()
            .and_then(|c| c.line_of(zone_key, kind.any_case())),
    };
    let content: Vec<PathBuf> = match kind {
        Kind::Hexo => {
            let source = root.join(text("source_dir")?.unwrap_or_else(|| "source".into()));
            vec![source.join("_posts"), source.join("_drafts")]
        }
        Kind::Hugo => vec![root.join(text("contentDir")?.unwrap_or_else(|| "content".into()))],
        Kind::Jekyll => {
            let base = match text("collections_dir")? {
                Some(c) => root.join(c),
                None => root.to_path_buf(),
            };
            let mut folders = vec![base.join("_posts"), base.join("_drafts")];
            for name in config.as_ref().map(jekyll_collections).unwrap_or_default() {
                let folder = base.join(format!("_{name}"));
                if !folders.contains(&folder) {
                    folders.push(folder);
                }
            }
            folders
        }
    };
    let renderer = renderer::read(kind, config.as_ref());
    Ok(Site {
        kind,
        root: root.to_path_buf(),
        found: Found::Detected(evidence),
        renderer,
        config_file: config.map(|c| c.path),
        zone,
        content,
        content_origin: ContentOrigin::Generator,
    })
}

/// Jekyll's `collections:`, a mapping (`recipes: {output: true}`) or a list of names. Names
/// that could leave the site (`../x`, `a/b`) are not folders of it and are left out.
fn jekyll_collections(config: &ConfigFile) -> Vec<String> {
    let names: Vec<String> = match config.get("collections", false) {
        Some(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    names
        .into_iter()
        .filter(|n| !n.is_empty() && !n.contains(['/', '\\']) && n != "..")
        .collect()
}

/// `package.json` lists hexo as a dependency (or has the `hexo` key Hexo writes there). A
/// `package.json` that is not JSON names nothing: it is npm's file, not the site's config.
fn package_names_hexo(dir: &Path) -> bool {
    let path = dir.join("package.json");
    if !path.is_file() {
        return false;
    }
    let Ok(text) = files::read_small(&path, "package.json") else {
        return false;
    };
    if !text.contains("hexo") {
        return false;
    }
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    json.get("hexo").is_some()
        || ["dependencies", "devDependencies"]
            .iter()
            .any(|k| json.get(k).and_then(|d| d.get("hexo")).is_some())
}

/// A `Gemfile` line `gem "jekyll"` (or `gem "github-pages"`, which is Jekyll).
fn gemfile_names_jekyll(dir: &Path) -> bool {
    let path = dir.join("Gemfile");
    if !path.is_file() {
        return false;
    }
    let Ok(text) = files::read_small(&path, "Gemfile") else {
        return false;
    };
    text.lines().any(|line| {
        let Some(rest) = line.trim_start().strip_prefix("gem") else {
            return false;
        };
        if !rest.starts_with([' ', '\t', '(']) {
            return false;
        }
        let rest = rest.trim_start_matches([' ', '\t', '(']);
        let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return false;
        };
        let name = rest[1..].split(quote).next().unwrap_or("");
        name == "jekyll" || name == "github-pages"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            if path.ends_with('/') {
                std::fs::create_dir_all(&p).unwrap();
            } else {
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
        }
        dir
    }

    #[test]
    fn gemfile_and_package_json_are_read_for_names_only() {
        let d = tree(&[
            (
                "a/Gemfile",
                "source 'https://rubygems.org'\ngem \"jekyll\", \"~> 4.3\"\n",
            ),
            ("b/Gemfile", "gem 'github-pages', group: :jekyll_plugins\n"),
            ("c/Gemfile", "gem 'jekyll-feed'\n# gem 'jekyll'\n"),
            (
                "d/package.json",
                "{\"dependencies\": {\"hexo\": \"^8.0.0\"}}",
            ),
            ("e/package.json", "{\"hexo\": {\"version\": \"8.0.0\"}}"),
            (
                "f/package.json",
                "{\"dependencies\": {\"hexo-cli\": \"1\"}}",
            ),
            ("g/package.json", "{ hexo"),
        ]);
        let p = d.path();
        assert!(gemfile_names_jekyll(&p.join("a")));
        assert!(gemfile_names_jekyll(&p.join("b")));
        assert!(!gemfile_names_jekyll(&p.join("c")));
        assert!(package_names_hexo(&p.join("d")));
        assert!(package_names_hexo(&p.join("e")));
        assert!(!package_names_hexo(&p.join("f")));
        assert!(!package_names_hexo(&p.join("g")));
    }

    #[test]
    fn jekyll_collections_dir_and_collections() {
        let d = tree(&[
            (
                "_config.yml",
                "collections_dir: my\ncollections:\n  recipes:\n    output: true\n  posts: {}\n  ../up: {}\n",
            ),
            ("Gemfile", "gem 'jekyll'\n"),
        ]);
        let site = detect_at(d.path()).unwrap().unwrap();
        assert_eq!(site.kind, Kind::Jekyll);
        let rel: Vec<_> = site
            .content
            .iter()
            .map(|p| {
                p.strip_prefix(d.path())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(rel, ["my/_posts", "my/_drafts", "my/_recipes"]);
    }

    #[test]
    fn hugo_content_dir_and_zone_any_case() {
        let d = tree(&[
            (
                "config.yaml",
                "title: x\ncontentdir: posts\ntimezone: Europe/Oslo\n",
            ),
            ("content/", ""),
        ]);
        let site = detect_at(d.path()).unwrap().unwrap();
        assert_eq!(site.kind, Kind::Hugo);
        assert_eq!(site.content, [d.path().join("posts")]);
        assert_eq!(site.zone.value.as_deref(), Some("Europe/Oslo"));
        assert_eq!(site.zone.line, Some(3));
    }

    #[test]
    fn a_config_yml_alone_is_no_site_and_is_not_parsed() {
        let d = tree(&[("_config.yml", "{ broken")]);
        assert_eq!(detect_at(d.path()).unwrap(), None);
    }

    #[test]
    fn bad_zone_names_the_line() {
        let d = tree(&[
            ("_config.yml", "title: t\ntimezone: Asia/Shangai\n"),
            ("source/_posts/", ""),
        ]);
        let site = detect_at(d.path()).unwrap().unwrap();
        let e = site.timezone().unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("--timezone"), "{}", e.message);
    }
}
