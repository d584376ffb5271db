//! How the site configures its Markdown renderer, read from the generator's config file: whether
//! typographic substitution is on, and (Hugo) whether raw HTML is rendered.
//!
//! Both change what the converted Markdown must look like. With the typographer on (every
//! generator's default) the straight quotes, `--` and `...` of converted text would show curly,
//! as dashes and as an ellipsis, so they are written escaped; with Hugo's raw HTML off (its
//! default) every post that needs raw HTML is a warning. A user who has already changed these
//! settings should get neither the escapes nor the warning.
//!
//! The keys, per generator (their documentation, checked by building real sites):
//! - Hexo (hexo-renderer-marked): `marked: {smartypants: false}`;
//! - Hugo: `markup.goldmark.extensions.typographer` is `false` (before Hugo 0.112) or has
//!   `disable: true` (0.112 on); `markup.goldmark.renderer.unsafe: true` renders raw HTML. Hugo's
//!   keys are case-insensitive;
//! - Jekyll (kramdown): smart quotes and typographic symbols can only be remapped one by one
//!   (`kramdown.smart_quotes`, `kramdown.typographic_symbols`), not turned off, so the
//!   typographer is taken as on; `--typographer off` says otherwise.

use super::Kind;
use super::files::ConfigFile;
use serde_json::Value;
use std::path::PathBuf;

/// What the site's config says about its Markdown renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RendererConfig {
    /// Typographic substitution is on.
    pub typographer: bool,
    /// Where that was read: the file and line of the key, or `None` for the generator's
    /// default.
    pub typographer_set: Option<(PathBuf, Option<usize>)>,
    /// Raw HTML in Markdown is rendered (Hugo `markup.goldmark.renderer.unsafe = true`).
    pub raw_html: bool,
}

impl RendererConfig {
    /// A generator's defaults, as when the site has no config file.
    pub fn defaults() -> RendererConfig {
        RendererConfig {
            typographer: true,
            typographer_set: None,
            raw_html: false,
        }
    }
}

/// The setting that turns the typographer off, as the user would write it (`None`: there is
/// none, kramdown's substitutions are remapped one by one).
pub fn typographer_off_setting(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Hexo => Some("`marked: {smartypants: false}` in _config.yml"),
        Kind::Hugo => Some(
            "`[markup.goldmark.extensions.typographer] disable = true` in hugo.toml (Hugo before 0.112: `typographer = false` under `[markup.goldmark.extensions]`)",
        ),
        Kind::Jekyll => None,
    }
}

/// The value at `path` below the top-level key `path[0]`.
fn nested<'c>(config: &'c ConfigFile, path: &[&str], any_case: bool) -> Option<&'c Value> {
    let (first, rest) = path.split_first()?;
    let mut v = config.get(first, any_case)?;
    for key in rest {
        let Value::Object(map) = v else {
            return None;
        };
        v = if any_case {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)?
        } else {
            map.get(*key)?
        };
    }
    Some(v)
}

/// Reads the renderer settings of a `kind` site from its config file.
pub fn read(kind: Kind, config: Option<&ConfigFile>) -> RendererConfig {
    let mut out = RendererConfig::defaults();
    let Some(config) = config else {
        return out;
    };
    let any_case = kind == Kind::Hugo;
    let top = |key: &str| Some((config.path.clone(), config.line_of(key, any_case)));
    match kind {
        Kind::Hexo => {
            if let Some(Value::Bool(on)) = nested(config, &["marked", "smartypants"], false) {
                out.typographer = *on;
                out.typographer_set = top("marked");
            }
        }
        Kind::Hugo => {
            let path = ["markup", "goldmark", "extensions", "typographer"];
            match nested(config, &path, true) {
                Some(Value::Bool(on)) => {
                    out.typographer = *on;
                    out.typographer_set = top("markup");
                }
                Some(Value::Object(_)) => {
                    let disable = [path.as_slice(), &["disable"]].concat();
                    if let Some(Value::Bool(off)) = nested(config, &disable, true) {
                        out.typographer = !off;
                        out.typographer_set = top("markup");
                    }
                }
                _ => {}
            }
            out.raw_html = matches!(
                nested(config, &["markup", "goldmark", "renderer", "unsafe"], true),
                Some(Value::Bool(true))
            );
        }
        Kind::Jekyll => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(name: &str, text: &str) -> (tempfile::TempDir, ConfigFile) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let c = ConfigFile::read(&path).unwrap();
        (dir, c)
    }

    #[test]
    fn hexo_smartypants() {
        let (_d, c) = config("_config.yml", "title: x\nmarked:\n  smartypants: false\n");
        let r = read(Kind::Hexo, Some(&c));
        assert!(!r.typographer);
        assert_eq!(r.typographer_set.unwrap().1, Some(2));
        let (_d, c) = config("_config.yml", "title: x\nmarked:\n  gfm: true\n");
        assert_eq!(read(Kind::Hexo, Some(&c)), RendererConfig::defaults());
        assert_eq!(read(Kind::Hexo, None), RendererConfig::defaults());
    }

    #[test]
    fn hugo_typographer_both_forms_and_unsafe_any_case() {
        let (_d, c) = config(
            "hugo.toml",
            "title = 'x'\n[markup.goldmark.extensions]\ntypographer = false\n[markup.goldmark.renderer]\nunsafe = true\n",
        );
        let r = read(Kind::Hugo, Some(&c));
        assert!(!r.typographer && r.raw_html);
        let (_d, c) = config(
            "hugo.yaml",
            "Markup:\n  Goldmark:\n    Extensions:\n      Typographer:\n        disable: true\n",
        );
        let r = read(Kind::Hugo, Some(&c));
        assert!(!r.typographer && !r.raw_html);
        let (_d, c) = config(
            "hugo.toml",
            "[markup.goldmark.renderer]\nunsafe = false\n[markup.goldmark.extensions.typographer]\nleftDoubleQuote = '&laquo;'\n",
        );
        let r = read(Kind::Hugo, Some(&c));
        assert!(r.typographer && !r.raw_html && r.typographer_set.is_none());
    }

    #[test]
    fn jekyll_is_always_on() {
        let (_d, c) = config(
            "_config.yml",
            "kramdown:\n  smart_quotes: [apos, apos, quot, quot]\n",
        );
        assert!(read(Kind::Jekyll, Some(&c)).typographer);
    }
}
