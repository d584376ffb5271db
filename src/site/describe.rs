//! The words for what the site decided: `postscrub site`, the `--verbose` line, and the
//! warning when the site sets no time zone. Built here as text and JSON; the commands print it.

use super::{Choice, ContentOrigin, Found, Kind, Setup, Site, UnsetZone};
use crate::pipeline::Target;
use serde_json::json;
use std::path::{Component, Path, PathBuf};

/// What detection looks for, in the words `postscrub site` and errors use.
pub const LOOKED_FOR: &str = "Hexo: _config.yml + source/_posts, or a package.json naming hexo; \
Hugo: hugo.toml, hugo.yaml or hugo.json, or config.toml, config.yaml or config.json + content/; \
Jekyll: _config.yml + _posts/, or a Gemfile naming jekyll";

/// Where a setting came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag (`--timezone`).
    Flag(&'static str),
    /// This `postscrub.yaml`.
    ProjectConfig(PathBuf),
    /// The site's config file, at this line.
    SiteFile(PathBuf, Option<usize>),
    /// The kind of site detected (the target).
    Site(Kind),
    /// What the generator does when its config says nothing (Hugo: UTC).
    GeneratorDefault(Kind),
    /// postscrub's own default.
    Default,
}

impl Origin {
    pub fn shown(&self, cwd: &Path) -> String {
        match self {
            Origin::Flag(flag) => (*flag).to_owned(),
            Origin::ProjectConfig(p) => relative(p, cwd),
            Origin::SiteFile(p, Some(line)) => format!("{}:{line}", relative(p, cwd)),
            Origin::SiteFile(p, None) => relative(p, cwd),
            Origin::Site(kind) => format!("the {} site", kind.name()),
            Origin::GeneratorDefault(kind) => format!("{}'s default", kind.name()),
            Origin::Default => "default".into(),
        }
    }
}

/// `--target`'s spelling of a target.
pub fn target_id(target: Target) -> &'static str {
    match target {
        Target::Hexo => "hexo",
        Target::Hugo => "hugo",
        Target::Jekyll => "jekyll",
        Target::Plain => "plain",
    }
}

/// `path` as the user would type it from `cwd`: `source/_posts`, `..`, `../source/_posts`;
/// absolute when they share nothing but `/`. Both are absolute (or both relative).
pub fn relative(path: &Path, cwd: &Path) -> String {
    let p: Vec<Component> = path
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let c: Vec<Component> = cwd
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    let common = p.iter().zip(&c).take_while(|(a, b)| a == b).count();
    if path.is_absolute() && common <= 1 && c.len() > 1 {
        return crate::printable::path(path);
    }
    let mut out = PathBuf::new();
    for _ in common..c.len() {
        out.push("..");
    }
    for part in &p[common..] {
        out.push(part.as_os_str());
    }
    if out.as_os_str().is_empty() {
        ".".into()
    } else {
        crate::printable::path(&out)
    }
}

fn list(paths: &[PathBuf], cwd: &Path, mark_missing: bool) -> String {
    paths
        .iter()
        .map(|p| {
            let shown = relative(p, cwd);
            if mark_missing && !p.is_dir() {
                format!("{shown} (missing)")
            } else {
                shown
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file a site's time zone is (or would be) set in.
fn zone_file(site: &Site) -> PathBuf {
    site.zone.file.clone().unwrap_or_else(|| {
        site.root.join(match site.kind {
            Kind::Hugo => "hugo.toml",
            Kind::Hexo | Kind::Jekyll => "_config.yml",
        })
    })
}

/// The line to write in the site's config so that it reads dates in `zone`: IANA names as
/// they are, fixed offsets as the `Etc/GMT` name of a whole-hour offset (whose sign POSIX
/// inverts), anything else as a request for the zone's name.
fn zone_line(kind: Kind, zone: &str, format_toml: bool) -> String {
    let key = kind.zone_key();
    let value = match crate::dates::parse_timezone(zone) {
        Ok(tz) if tz.iana_name().is_some() => tz.iana_name().unwrap_or(zone).to_owned(),
        Ok(tz) => {
            let seconds = tz.to_fixed_offset().map_or(1, |o| o.seconds());
            if seconds == 0 {
                "UTC".into()
            } else if seconds % 3600 == 0 {
                let hours = -seconds / 3600;
                format!("Etc/GMT{hours:+}")
            } else {
                format!("<the IANA name of {zone}>")
            }
        }
        Err(_) => zone.to_owned(),
    };
    if format_toml {
        format!("{key} = '{value}'")
    } else {
        format!("{key}: {value}")
    }
}

/// The warning when the site sets no time zone and its generator then reads dates in the
/// building machine's zone; `None` when it sets one, reads UTC without one (Hugo), or the run
/// is not for this site's generator.
pub fn empty_zone_warning(setup: &Setup, cwd: &Path) -> Option<String> {
    let site = setup.choice.site()?;
    if site.zone.value.is_some()
        || site.kind.unset_zone() != UnsetZone::MachineZone
        || setup.target != site.kind.target()
    {
        return None;
    }
    let file = zone_file(site);
    let shown = relative(&file, cwd);
    let at = match site.zone.line {
        Some(line) if site.zone.file.is_some() => format!("{shown}:{line}"),
        _ => shown.clone(),
    };
    let toml = file.extension().is_some_and(|e| e == "toml");
    Some(format!(
        "{at}: no `{key}` set, so {name} reads dates in the zone of whichever machine builds the site; postscrub writes them for {zone} ({origin}): set `{line}` in {shown} (or your zone there and in --timezone)",
        key = site.kind.zone_key(),
        name = site.kind.name(),
        zone = setup.timezone_name,
        origin = setup.timezone_origin.shown(cwd),
        line = zone_line(site.kind, &setup.timezone_name, toml),
    ))
}

fn site_line(choice: &Choice, cwd: &Path) -> String {
    match choice {
        Choice::Site(site) => site.kind.name().into(),
        Choice::Off(None) => "none (--no-site)".into(),
        Choice::Off(Some(file)) => {
            format!("none (`site: {{kind: none}}` in {})", relative(file, cwd))
        }
        Choice::NotFound => format!("none found from {} upward", relative(cwd, cwd)),
    }
}

fn found_line(site: &Site, cwd: &Path) -> String {
    match &site.found {
        Found::Detected(files) => files.join(" + "),
        Found::Configured(file) => format!("`site:` in {}", relative(file, cwd)),
    }
}

fn content_line(setup: &Setup, cwd: &Path) -> String {
    match setup.choice.site() {
        Some(site) => {
            let folders = list(&site.content, cwd, true);
            match &site.content_origin {
                ContentOrigin::Generator => folders,
                ContentOrigin::ProjectConfig(file) => {
                    format!("{folders} (site.content in {})", relative(file, cwd))
                }
            }
        }
        None => "the paths given, or the current folder".into(),
    }
}

fn zone_value(setup: &Setup, cwd: &Path) -> String {
    let mut text = format!(
        "{} ({})",
        setup.timezone_name,
        setup.timezone_origin.shown(cwd)
    );
    if let Some(site) = setup.choice.site()
        && site.zone.value.is_none()
    {
        let file = relative(&zone_file(site), cwd);
        let consequence = match site.kind.unset_zone() {
            UnsetZone::MachineZone => "the building machine's zone",
            UnsetZone::Utc => "UTC",
        };
        text.push_str(&format!(
            "; {file} sets no `{}`, so {} uses {consequence}",
            site.kind.zone_key(),
            site.kind.name()
        ));
    }
    text
}

/// `postscrub site`, as `label: value` lines.
pub fn lines(setup: &Setup, cwd: &Path) -> Vec<(&'static str, String)> {
    let mut out = vec![("site", site_line(&setup.choice, cwd))];
    match &setup.choice {
        Choice::Site(site) => {
            out.push(("root", relative(&site.root, cwd)));
            out.push(("found from", found_line(site, cwd)));
            out.push((
                "config file",
                site.config_file
                    .as_deref()
                    .map_or_else(|| "none".into(), |f| relative(f, cwd)),
            ));
        }
        Choice::NotFound => out.push(("looked for", LOOKED_FOR.into())),
        Choice::Off(_) => {}
    }
    out.push(("content", content_line(setup, cwd)));
    out.push((
        "target",
        format!(
            "{} ({})",
            target_id(setup.target),
            setup.target_origin.shown(cwd)
        ),
    ));
    out.push(("time zone", zone_value(setup, cwd)));
    out.push(("typographer", typographer_value(setup, cwd)));
    out
}

/// Whether the target's renderer substitutes typographic characters, from where, and what
/// postscrub does about it.
fn typographer_value(setup: &Setup, cwd: &Path) -> String {
    let Some(kind) = Kind::of_target(setup.target) else {
        return "not used (target plain: any CommonMark reader)".into();
    };
    let origin = setup.typographer_origin.shown(cwd);
    if setup.typographer {
        let off = match super::renderer::typographer_off_setting(kind) {
            Some(setting) => format!("if the site sets {setting}, that is read; else"),
            None => {
                "kramdown's smart quotes and symbols can only be remapped one by one: if yours are,"
                    .into()
            }
        };
        format!(
            "on ({origin}): straight quotes, `--` and `...` are written escaped where {} would make them curly, dashes or an ellipsis; {off} pass --typographer off",
            kind.name(),
        )
    } else {
        format!("off ({origin}): quotes, dashes and dots are written plainly")
    }
}

/// The one line `--verbose` prints before a run.
pub fn one_line(setup: &Setup, cwd: &Path) -> String {
    let site = match setup.choice.site() {
        Some(site) => format!(
            "{} at {} (from {}); content: {}",
            site.kind.name(),
            relative(&site.root, cwd),
            found_line(site, cwd),
            content_line(setup, cwd)
        ),
        None => format!("{}; see `postscrub site`", site_line(&setup.choice, cwd)),
    };
    format!(
        "site: {site}; target {} ({}); time zone {} ({})",
        target_id(setup.target),
        setup.target_origin.shown(cwd),
        setup.timezone_name,
        setup.timezone_origin.shown(cwd)
    )
}

/// `postscrub site --format json`: paths absolute, for scripts.
pub fn json(setup: &Setup, cwd: &Path) -> serde_json::Value {
    let site = setup.choice.site().map(|s| {
        json!({
            "kind": s.kind.id(),
            "root": s.root.to_string_lossy(),
            "found_from": match &s.found {
                Found::Detected(files) => json!(files),
                Found::Configured(file) => json!([file.to_string_lossy()]),
            },
            "config_file": s.config_file.as_ref().map(|f| f.to_string_lossy()),
            "timezone": s.zone.value,
            "timezone_line": s.zone.line,
            "content": s.content.iter().map(|c| json!({
                "path": c.to_string_lossy(),
                "exists": c.is_dir(),
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "site": site,
        "off": matches!(setup.choice, Choice::Off(_)),
        "target": target_id(setup.target),
        "target_from": setup.target_origin.shown(cwd),
        "timezone": setup.timezone_name,
        "timezone_from": setup.timezone_origin.shown(cwd),
        "typographer": setup.typographer,
        "typographer_from": setup.typographer_origin.shown(cwd),
        "warnings": empty_zone_warning(setup, cwd).into_iter().collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_as_typed() {
        let cwd = Path::new("/site/themes");
        assert_eq!(
            relative(Path::new("/site/source/_posts"), cwd),
            "../source/_posts"
        );
        assert_eq!(relative(Path::new("/site"), cwd), "..");
        assert_eq!(relative(Path::new("/site/themes/."), cwd), ".");
        assert_eq!(relative(Path::new("/site/themes/x"), cwd), "x");
        assert_eq!(relative(Path::new("/elsewhere/x"), cwd), "/elsewhere/x");
    }

    #[test]
    fn zone_lines_for_the_generator() {
        assert_eq!(
            zone_line(Kind::Hexo, "Asia/Shanghai", false),
            "timezone: Asia/Shanghai"
        );
        assert_eq!(
            zone_line(Kind::Jekyll, "+08:00", false),
            "timezone: Etc/GMT-8"
        );
        assert_eq!(
            zone_line(Kind::Hexo, "-05:00", false),
            "timezone: Etc/GMT+5"
        );
        assert_eq!(zone_line(Kind::Hexo, "UTC", false), "timezone: UTC");
        assert_eq!(
            zone_line(Kind::Hexo, "+05:30", false),
            "timezone: <the IANA name of +05:30>"
        );
    }
}
