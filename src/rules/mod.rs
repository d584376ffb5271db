//! Rule files: where they come from, how they load, and the errors they can have.
//!
//! Loading is all-or-nothing: a run with a broken rule file processes no post (exit code 2),
//! because a half-applied rule set would make every diff misleading.

pub mod compile;
pub mod presets;
pub mod spec;
pub mod subjects;

pub use compile::{
    AttributeValue, Extract, FrontMatterAction, FrontMatterRule, HtmlAction, HtmlRule, RuleMeta,
    RuleSet, When,
};
pub use spec::Severity;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a rule set was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleSource {
    Preset(String),
    File(PathBuf),
}

impl RuleSource {
    pub fn stem(&self) -> String {
        match self {
            RuleSource::Preset(name) => name.clone(),
            RuleSource::File(path) => path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }
}

impl fmt::Display for RuleSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleSource::Preset(name) => write!(f, "preset `{name}`"),
            RuleSource::File(path) => {
                // Show paths as the user wrote them: relative to the current folder.
                let cwd = std::env::current_dir().unwrap_or_default();
                write!(f, "{}", path.strip_prefix(&cwd).unwrap_or(path).display())
            }
        }
    }
}

/// A rule file that cannot be used, with everything needed to find and fix it.
#[derive(Debug, Clone)]
pub struct RuleError {
    pub source: RuleSource,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub rule_id: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": ")?;
        if let Some(id) = &self.rule_id {
            write!(f, "rule `{id}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuleError {}

/// A rule file that loads but cannot do what it says: a rule that can never act, a file with no
/// rules. The run goes on; the command layer shows these through its reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleWarning {
    pub source: RuleSource,
    pub line: Option<usize>,
    pub rule_id: Option<String>,
    pub message: String,
}

impl fmt::Display for RuleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(id) = &self.rule_id {
            write!(f, "rule `{id}`: ")?;
        }
        f.write_str(&self.message)
    }
}

/// All rule sets of a run, in the order given (a set's `extends` come before it).
#[derive(Debug, Default)]
pub struct Rules {
    pub sets: Vec<RuleSet>,
    /// Ids of rules loaded and then left out (`severity: off`, `--select`, `--ignore`): still
    /// known, so a post that opts out of one is not told the id does not exist.
    left_out: HashSet<String>,
}

impl Rules {
    /// Load rule sets named on the command line or in the config: a preset name, or a path
    /// (relative to `base`).
    pub fn load(names: &[String], base: &Path) -> Result<Rules, RuleError> {
        let mut rules = Rules::default();
        let mut loading = Vec::new();
        for name in names {
            rules.load_one(name, base, &mut loading)?;
        }
        rules.check_overrides()?;
        rules.apply_overrides();
        Ok(rules)
    }

    /// Load a rule file from text (for tests and `rules test`).
    pub fn from_text(text: &str, source: RuleSource) -> Result<Rules, RuleError> {
        let mut rules = Rules::default();
        let set = parse(text, source)?;
        rules.push(set)?;
        rules.apply_overrides();
        Ok(rules)
    }

    fn load_one(
        &mut self,
        name: &str,
        base: &Path,
        loading: &mut Vec<(PathBuf, String)>,
    ) -> Result<(), RuleError> {
        let (source, text, dir) = resolve(name, base)?;
        let key = match &source {
            RuleSource::Preset(n) => PathBuf::from(format!("preset:{n}")),
            RuleSource::File(p) => p.canonicalize().unwrap_or_else(|_| p.clone()),
        };
        if self.sets.iter().any(|s| s.source == source) {
            return Ok(()); // already loaded, e.g. extended by two files
        }
        if let Some(at) = loading.iter().position(|(k, _)| *k == key) {
            let chain: Vec<String> = loading[at..]
                .iter()
                .map(|(_, shown)| shown.clone())
                .chain([source.to_string()])
                .collect();
            return Err(RuleError {
                source,
                line: None,
                column: None,
                rule_id: None,
                message: format!(
                    "`extends` forms a cycle: {}; remove one of these `extends:` entries",
                    chain.join(" → ")
                ),
            });
        }
        loading.push((key.clone(), source.to_string()));
        let set_spec = parse_spec(&text, &source)?;
        for parent in &set_spec.extends {
            self.load_one(parent, &dir, loading).map_err(|mut e| {
                // Say where a broken parent was named, once (at the innermost level).
                if e.source != source
                    && !e.message.contains("(named in `extends:`")
                    && !e.message.contains("forms a cycle")
                {
                    e.message = format!("{} (named in `extends:` of {source})", e.message);
                }
                e
            })?;
        }
        let set = compile::compile(set_spec, source, &text)?;
        loading.pop();
        self.push(set)
    }

    fn push(&mut self, set: RuleSet) -> Result<(), RuleError> {
        // One index of the ids loaded so far, not a search per rule: rule files can be large.
        let taken: HashMap<&str, &RuleSource> = self
            .sets
            .iter()
            .flat_map(|s| s.metas().map(move |m| (m.id.as_str(), &s.source)))
            .collect();
        for meta in set.metas() {
            if let Some(other) = taken.get(meta.id.as_str()) {
                return Err(RuleError {
                    source: set.source.clone(),
                    line: Some(meta.line).filter(|l| *l > 0),
                    column: None,
                    rule_id: Some(meta.id.clone()),
                    message: format!(
                        "rule id `{}` is already used by {}: rename it, or turn the other off with `- id: {}` and `severity: off`",
                        meta.id, other, meta.id
                    ),
                });
            }
        }
        self.sets.push(set);
        Ok(())
    }

    /// Every `severity: off` override names a rule loaded before it: a typo would otherwise
    /// turn nothing off, silently.
    fn check_overrides(&self) -> Result<(), RuleError> {
        for (i, set) in self.sets.iter().enumerate() {
            for (id, line) in &set.disabled {
                let earlier = self.sets[..i]
                    .iter()
                    .any(|s| s.metas().any(|m| m.id == *id));
                if earlier {
                    continue;
                }
                let later = self.sets[i + 1..]
                    .iter()
                    .find(|s| s.metas().any(|m| m.id == *id));
                let message = match later {
                    Some(other) => format!(
                        "`severity: off` turns off `{id}`, but {} is loaded after this file, so it is not turned off: put {} before this file in `rules:`/--rules, or in this file's `extends:`",
                        other.source, other.source
                    ),
                    None => {
                        let ids: Vec<&str> = self.sets[..i]
                            .iter()
                            .flat_map(|s| s.metas().map(|m| m.id.as_str()))
                            .collect();
                        let hint = crate::did_you_mean::did_you_mean(id, ids.iter().copied());
                        format!(
                            "`severity: off` names no rule loaded before this file{hint} (`postscrub rules list` shows the ids; a file turns off rules of the files it extends or that come before it)"
                        )
                    }
                };
                return Err(RuleError {
                    source: set.source.clone(),
                    line: *line,
                    column: None,
                    rule_id: Some(id.clone()),
                    message,
                });
            }
        }
        Ok(())
    }

    /// Drop rules that a later set turned `off`, and rules that are `off` themselves.
    fn apply_overrides(&mut self) {
        let mut off: HashSet<String> = HashSet::new();
        for set in &self.sets {
            for m in set.metas().filter(|m| m.severity == Severity::Off) {
                self.left_out.insert(m.id.clone());
            }
            self.left_out
                .extend(set.disabled.iter().map(|(id, _)| id.clone()));
        }
        for i in (0..self.sets.len()).rev() {
            let set = &mut self.sets[i];
            set.html
                .retain(|r| r.meta.severity != Severity::Off && !off.contains(&r.meta.id));
            set.front_matter
                .retain(|r| r.meta.severity != Severity::Off && !off.contains(&r.meta.id));
            off.extend(set.disabled.iter().map(|(id, _)| id.clone()));
        }
    }

    /// Keep only the rules `select` names (all when it is empty), less those `ignore` names:
    /// `--select` and `--ignore`. An id no loaded rule has is an error with the closest id.
    pub fn restrict(&mut self, select: &[String], ignore: &[String]) -> Result<(), String> {
        let ids: Vec<String> = self
            .sets
            .iter()
            .flat_map(|s| s.metas().map(|m| m.id.clone()))
            .collect();
        for (flag, list) in [("--select", select), ("--ignore", ignore)] {
            for id in list {
                if !ids.contains(id) {
                    let hint =
                        crate::did_you_mean::did_you_mean(id, ids.iter().map(String::as_str));
                    return Err(format!(
                        "{flag} {id}: no rule loaded has this id{hint} (`postscrub rules list` shows the ids of the rules in use)"
                    ));
                }
            }
        }
        let keep = |id: &str| {
            (select.is_empty() || select.iter().any(|s| s == id)) && !ignore.iter().any(|s| s == id)
        };
        for id in ids.iter().filter(|id| !keep(id)) {
            self.left_out.insert(id.clone());
        }
        for set in &mut self.sets {
            set.html.retain(|r| keep(&r.meta.id));
            set.front_matter.retain(|r| keep(&r.meta.id));
        }
        Ok(())
    }

    /// A hash of everything that decides what these rules do to a post: each set's source and
    /// text, and which rules run at which severity after overrides, `--select` and `--ignore`
    /// (and which were left out, since a post's opt-out of one is then not an unknown id).
    /// Two runs with the same fingerprint transform the same post the same way.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        for set in &self.sets {
            h.update(format!("{:?}\0", set.source).as_bytes());
            h.update(&set.digest);
            for meta in set.metas() {
                h.update(format!("{}\0{:?}\0", meta.id, meta.severity).as_bytes());
            }
            h.update(b"\x01");
        }
        let mut left_out: Vec<&String> = self.left_out.iter().collect();
        left_out.sort();
        for id in left_out {
            h.update(id.as_bytes());
            h.update(b"\0");
        }
        *h.finalize().as_bytes()
    }

    /// Whether `id` names a rule that was loaded, whether or not it runs.
    pub fn knows(&self, id: &str) -> bool {
        self.find(id).is_some() || self.left_out.contains(id)
    }

    /// Every id [`Rules::knows`].
    pub fn known_ids(&self) -> impl Iterator<Item = &str> {
        self.sets
            .iter()
            .flat_map(|s| s.metas().map(|m| m.id.as_str()))
            .chain(self.left_out.iter().map(String::as_str))
    }

    /// Load warnings of every set, in load order.
    pub fn warnings(&self) -> impl Iterator<Item = &RuleWarning> {
        self.sets.iter().flat_map(|s| s.warnings.iter())
    }

    /// Find a rule by id: its set and metadata.
    pub fn find(&self, id: &str) -> Option<(&RuleSet, &RuleMeta)> {
        self.sets
            .iter()
            .find_map(|s| s.metas().find(|m| m.id == id).map(|m| (s, m)))
    }

    pub fn is_empty(&self) -> bool {
        self.sets
            .iter()
            .all(|s| s.html.is_empty() && s.front_matter.is_empty())
    }
}

/// Refuse rules that write a front-matter field `target` computes and overwrites (see
/// [`crate::generator::reserved`]): the value would never show on the built site. The error names
/// the rule file, line, rule id and field, and a name to use instead.
pub fn check_reserved<'a>(
    sets: impl IntoIterator<Item = &'a RuleSet>,
    target: crate::generator::Target,
) -> Result<(), RuleError> {
    use crate::generator::reserved;
    for set in sets {
        let writes = set
            .html
            .iter()
            .filter_map(|r| match &r.action {
                HtmlAction::Extract(e) if !e.field.is_empty() => {
                    Some((&r.meta, e.field.as_str(), "extract.field", None))
                }
                _ => None,
            })
            .chain(set.front_matter.iter().filter_map(|r| match &r.action {
                FrontMatterAction::SetField { name, value, .. } => {
                    Some((&r.meta, name.as_str(), "set_field.name", Some(value)))
                }
                FrontMatterAction::RenameField { to, .. } => {
                    Some((&r.meta, to.as_str(), "rename_field.to", None))
                }
                _ => None,
            }));
        for (meta, field, key, value) in writes {
            let Some(found) = reserved::find(target, field) else {
                continue;
            };
            let boolean = matches!(value, Some(serde_yaml::Value::Bool(_)));
            if found.boolean_ok && (boolean || key == "rename_field.to") {
                continue;
            }
            let only = if found.boolean_ok {
                " unless the value is a boolean"
            } else {
                ""
            };
            return Err(RuleError {
                source: set.source.clone(),
                line: Some(meta.line).filter(|l| *l > 0),
                column: None,
                rule_id: Some(meta.id.clone()),
                message: format!(
                    "writes the front-matter field `{field}` (`{key}`), which {} computes itself and overwrites with {}{only}, so the value would never show on the site: write it as `{}` instead (or convert with another --target)",
                    target.name(),
                    found.holds,
                    found.instead
                ),
            });
        }
    }
    Ok(())
}

/// A name is a path when it looks like one or exists; otherwise a preset.
fn resolve(name: &str, base: &Path) -> Result<(RuleSource, String, PathBuf), RuleError> {
    let looks_like_path = name.contains('/')
        || name.contains('\\')
        || name.ends_with(".yaml")
        || name.ends_with(".yml");
    let path = base.join(name);
    if looks_like_path || (presets::get(name).is_none() && path.exists()) {
        let source = RuleSource::File(path.clone());
        let text = crate::userfile::read_text(&path, "rule file").map_err(|message| RuleError {
            source: source.clone(),
            line: None,
            column: None,
            rule_id: None,
            message,
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok((source, text, dir));
    }
    match presets::get(name) {
        Some(text) => Ok((
            RuleSource::Preset(name.to_owned()),
            text.to_owned(),
            base.to_path_buf(),
        )),
        None => Err(RuleError {
            source: RuleSource::Preset(name.to_owned()),
            line: None,
            column: None,
            rule_id: None,
            message: format!(
                "no preset named `{name}` and no such file: presets are {}; give a path to use a rule file",
                presets::names().collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

fn parse_spec(text: &str, source: &RuleSource) -> Result<spec::RuleFileSpec, RuleError> {
    crate::yaml_guard::check(text).map_err(|e| RuleError {
        source: source.clone(),
        line: Some(e.line),
        column: Some(e.column),
        rule_id: None,
        message: format!("rule file {e}: no rule needs such structure"),
    })?;
    serde_yaml::from_str(text).map_err(|e| {
        let p = crate::userfile::yaml_problem(
            &e,
            "RuleFileSpec",
            "rule file",
            "`html:`, `front_matter:` and `extends:`",
        );
        RuleError {
            source: source.clone(),
            line: p.line,
            column: p.column,
            rule_id: None,
            message: p.message,
        }
    })
}

/// Parse and compile one rule file's text, without `extends`.
pub fn parse(text: &str, source: RuleSource) -> Result<RuleSet, RuleError> {
    let spec = parse_spec(text, &source)?;
    compile::compile(spec, source, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Rules, RuleError> {
        Rules::from_text(text, RuleSource::File("r.yaml".into()))
    }

    #[test]
    fn selectors_are_narrowed_to_the_parts_a_body_can_match() {
        let rules = load(
            "name: n\nhtml:\n  - id: a\n    remove: 'div.ad, span[data-x], p i'\n  - id: b\n    unwrap: 'div *'\n",
        )
        .unwrap();
        let (a, b) = (&rules.sets[0].html[0], &rules.sets[0].html[1]);
        let narrowed = |body: &str, rule: &HtmlRule| {
            rule.selector_for(&subjects::body_names(body))
                .map(|s| format!("{s:?}"))
        };
        // Every part may match, or none does (the rule is left out then), or nothing to narrow.
        assert_eq!(narrowed("<div class=x><span data-x><i>", a), None);
        assert_eq!(narrowed("<p>", a), None);
        assert_eq!(narrowed("<div class=x>", b), None);
        // Only the parts whose tag and attributes the body writes.
        let only_i = narrowed("<p><i>x</i></p><div>", a).unwrap();
        let want = format!("{:?}", "p i".parse::<lol_html::Selector>().unwrap());
        assert_eq!(only_i, want);
        let two = narrowed("<div class=y><i>", a).unwrap();
        let want = format!("{:?}", "div.ad, p i".parse::<lol_html::Selector>().unwrap());
        assert_eq!(two, want);
    }

    #[test]
    fn presets_compile() {
        for name in presets::names() {
            let rules = Rules::load(&[name.to_owned()], Path::new(".")).unwrap();
            assert_eq!(rules.warnings().count(), 0, "{name}");
        }
    }

    #[test]
    fn unknown_key_names_line() {
        let e = load("html:\n  - id: a\n    remove: p\n    colour: red\n").unwrap_err();
        assert_eq!(e.line, Some(4), "{e}");
        assert!(e.to_string().starts_with("r.yaml:4:"), "{e}");
        assert!(e.message.contains("colour"), "{e}");
    }

    #[test]
    fn bad_selector_names_rule_and_line() {
        let e = load("html:\n  - id: ok\n    remove: p\n  - id: bad\n    remove: 'div[' \n")
            .unwrap_err();
        // At the selector itself, not at the rule's `id:` line.
        assert_eq!((e.line, e.column), (Some(5), Some(14)), "{e}");
        assert_eq!(e.rule_id.as_deref(), Some("bad"));
        assert!(e.message.contains("invalid selector `div[`"), "{e}");
        let e = load("html:\n  - id: sib\n    remove: 'a + b'\n").unwrap_err();
        assert!(e.message.contains("invalid selector"), "{e}");
    }

    #[test]
    fn bad_pattern_duplicate_id_and_action_count() {
        let e = load("html:\n  - id: c\n    remove_comments: '('\n").unwrap_err();
        assert!(e.message.contains("invalid pattern"), "{e}");
        let e = load("html:\n  - id: a\n    remove: p\n  - id: a\n    unwrap: p\n").unwrap_err();
        assert!(e.message.contains("duplicate rule id"), "{e}");
        let e = load("html:\n  - id: a\n    message: nothing\n").unwrap_err();
        assert!(e.message.contains("no action"), "{e}");
        let e = load("html:\n  - id: a\n    remove: p\n    unwrap: p\n").unwrap_err();
        assert!(e.message.contains("several actions"), "{e}");
    }

    fn warnings(text: &str) -> Vec<String> {
        load(text)
            .unwrap()
            .warnings()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn rules_that_never_act_are_warnings() {
        for (rule, what) in [
            ("remove: body", "no <body>"),
            ("remove: html", "no <html>"),
            ("remove: 'head meta'", "no <head>"),
            ("unwrap: 'body > div'", "no <body>"),
            ("unwrap: script", "does not unwrap <script>"),
            ("unwrap: 'div.x, style'", "does not unwrap <style>"),
        ] {
            let w = warnings(&format!(
                "html:\n  - id: a\n    remove: p\n  - id: w\n    {rule}\n"
            ));
            assert_eq!(w.len(), 1, "{rule}: {w:?}");
            assert!(w[0].starts_with("r.yaml:4: rule `w`: "), "{w:?}");
            assert!(w[0].contains(what), "{rule}: {w:?}");
        }
        for fine in [
            "remove: 'p.body'",
            "remove: '[data-x=\"body\"]'",
            "unwrap: 'span.style'",
            "remove: style",
            "remove: '* > p'",
            "remove: 'div *'",
            "remove_attributes: { selector: '*', names: [style] }",
        ] {
            let w = warnings(&format!("html:\n  - id: ok\n    {fine}\n"));
            assert!(w.is_empty(), "{fine}: {w:?}");
        }
        let w = warnings("name: nothing\n");
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("r.yaml: ") && w[0].contains("does nothing"),
            "{w:?}"
        );
        assert!(warnings("extends: [sina-finance]\n").is_empty());
    }

    #[test]
    fn removing_every_element_is_an_error() {
        for sel in ["'*'", "'p, *'", "'*|*'", "' * '"] {
            let e = load(&format!("html:\n  - id: all\n    remove: {sel}\n")).unwrap_err();
            assert!(e.message.contains("removes every element"), "{sel}: {e}");
            assert_eq!(e.line, Some(2));
        }
    }

    #[test]
    fn reserved_fields_are_refused_for_their_target() {
        use crate::generator::Target;
        let rules = load(
            "html:\n  - id: ok\n    remove: p\n  - id: src\n    extract: { selector: p.s, field: source }\n",
        )
        .unwrap();
        let e = check_reserved(&rules.sets, Target::Hexo).unwrap_err();
        assert_eq!((e.line, e.rule_id.as_deref()), (Some(4), Some("src")));
        assert!(e.to_string().starts_with("r.yaml:4: rule `src`: writes the front-matter field `source` (`extract.field`), which Hexo computes"), "{e}");
        assert!(e.message.contains("`source_name`"), "{e}");
        assert!(check_reserved(&rules.sets, Target::Hugo).is_ok());
        assert!(check_reserved(&rules.sets, Target::Plain).is_ok());
        let rules =
            load("front_matter:\n  - id: u\n    rename_field: { from: link, to: url }\n").unwrap();
        assert!(check_reserved(&rules.sets, Target::Jekyll).is_err());
        assert!(check_reserved(&rules.sets, Target::Hexo).is_ok());
        // Hugo honours a boolean `draft`, and nothing else there.
        let rules = load("front_matter:\n  - id: d\n    set_field: { name: Draft, value: true }\n")
            .unwrap();
        assert!(check_reserved(&rules.sets, Target::Hugo).is_ok());
        let rules = load("front_matter:\n  - id: d\n    set_field: { name: draft, value: 'no' }\n")
            .unwrap();
        let e = check_reserved(&rules.sets, Target::Hugo).unwrap_err();
        assert!(e.message.contains("unless the value is a boolean"), "{e}");
        for name in presets::names() {
            let rules = Rules::load(&[name.to_owned()], Path::new(".")).unwrap();
            for target in [Target::Hexo, Target::Hugo, Target::Jekyll] {
                check_reserved(&rules.sets, target).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    #[test]
    fn unknown_preset() {
        let e = Rules::load(&["nope".into()], Path::new(".")).unwrap_err();
        assert!(e.message.contains("sina-finance"), "{e}");
    }

    #[test]
    fn off_override_drops_earlier_rule() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("local.yaml"),
            "extends: [sina-finance]\nhtml:\n  - id: stock-keyword-link\n    severity: off\n",
        )
        .unwrap();
        let rules = Rules::load(&["local.yaml".into()], dir.path()).unwrap();
        assert!(rules.find("stock-keyword-link").is_none());
        assert!(rules.find("qr-ad-block").is_some());
    }
}
