//! Rule specs → runtime rules: selectors parsed, patterns compiled, one action per rule.
//!
//! Everything that can be wrong in a rule file is found here, at load time, and reported with
//! the file, the line of the rule and its id. Nothing user-written ever reaches lol_html's
//! panicking `element!` macro: selectors are parsed with `Selector::from_str`.

use super::spec::*;
use super::{RuleError, RuleSource, RuleWarning};
use globset::{Glob, GlobSet, GlobSetBuilder};
use lol_html::Selector;
use regex::Regex;
use std::collections::HashMap;

/// Elements whose content is raw text: unwrapping them would turn that text into live markup.
pub const RAW_TEXT_ELEMENTS: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "noscript",
    "iframe",
    "xmp",
    "noembed",
    "noframes",
    "plaintext",
];

/// What every rule has: who it is, where it is, how much it matters.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: String,
    pub message: Option<String>,
    pub severity: Severity,
    /// 1-based line of the rule in its file (0 when unknown).
    pub line: usize,
}

#[derive(Debug)]
pub struct HtmlRule {
    pub meta: RuleMeta,
    pub action: HtmlAction,
    /// What the rule's elements must carry, per selector part (`None`: any element, or not
    /// element-bound): a body that writes none of it cannot be touched (see `rules::subjects`).
    pub subjects: Option<Vec<super::subjects::Needs>>,
    /// The text of each comma-separated part of the selector `subjects` describes, in the
    /// same order (empty when `subjects` is `None`): a body's rewriters get only the parts it
    /// can match (see [`HtmlRule::selector_for`]).
    pub parts: Vec<String>,
}

impl HtmlRule {
    /// Whether the rule could act on a body that writes `names`.
    pub fn may_act(&self, names: &super::subjects::BodyNames) -> bool {
        if matches!(self.action, HtmlAction::RemoveComments(_)) {
            return names.may_have_comments();
        }
        self.subjects
            .as_ref()
            .is_none_or(|needs| super::subjects::may_act(needs, names))
    }

    /// The rule's selector for a body that writes `names`, when some of its parts cannot
    /// match there: only the others, so that the rewriters compile and run fewer selectors.
    /// `None`: use the rule's own selector (every part may match, or the rule has none to
    /// narrow). A part left out needs a tag or attribute the body does not write, so it
    /// matches nothing there, and the narrowed list matches exactly the same elements.
    pub fn selector_for(&self, names: &super::subjects::BodyNames) -> Option<Selector> {
        let needs = self.subjects.as_ref()?;
        if matches!(
            self.action,
            HtmlAction::RemoveComments(_) | HtmlAction::TightenLists { .. }
        ) || needs.len() != self.parts.len()
        {
            return None;
        }
        let mut kept = Vec::with_capacity(needs.len());
        for (n, part) in needs.iter().zip(&self.parts) {
            if super::subjects::may_act(std::slice::from_ref(n), names) {
                kept.push(part.as_str());
            }
        }
        if kept.len() == needs.len() || kept.is_empty() {
            return None;
        }
        crate::fixed_selectors::parsed(&kept.join(", "))
    }
}

#[derive(Debug)]
pub enum HtmlAction {
    Remove(Selector),
    Unwrap(Selector),
    /// `None` removes every comment.
    RemoveComments(Option<Regex>),
    RemoveAttributes {
        selector: Selector,
        names: Vec<String>,
    },
    SetAttribute {
        selector: Selector,
        name: String,
        value: AttributeValue,
    },
    Extract(Extract),
    RewriteAttribute {
        selector: Selector,
        name: String,
        rewrite: Rewrite,
    },
    /// Elements with no visible content are removed (decided by a first pass).
    RemoveEmpty(Selector),
    /// A `<br>` between a picture that opens a block and the text after it.
    CaptionImages(Selector),
    /// Link and image titles that repeat the URL, its file name or the alt text go.
    RemoveRedundantTitles(Selector),
    /// Runs of two or more `<br>` (the selected breaks) become a paragraph break.
    ParagraphBreaks(Selector),
    /// `&nbsp;`, U+3000 and whitespace at the end of the selected blocks go (first pass).
    TrimBlockEnds(Selector),
    /// One-column tables of data cells become `div`s (first pass).
    UnwrapLayoutTables(Selector),
    /// The selected `<br>` before any content of their block go.
    TrimLeadingBreaks(Selector),
    /// In the selected code blocks, the newline right after a `<br>` goes.
    CollapseCodeBreaks(Selector),
    /// The selected headings that hold only pictures become `p` (first pass).
    DemotePictureHeadings(Selector),
    /// Lists whose items hold at most one `<p>` each lose those `<p>` tags.
    TightenLists {
        /// The lists.
        lists: Selector,
        /// Their items (`L > li`).
        items: Selector,
        /// Paragraphs directly in their items (`L > li > p`).
        paragraphs: Selector,
    },
}

/// A regex replacement, optionally followed by percent-decoding.
#[derive(Debug, Clone)]
pub struct Rewrite {
    pub pattern: Regex,
    pub replace: String,
    pub url_decode: bool,
}

impl Rewrite {
    /// The rewritten value, or `None` when the pattern does not match.
    pub fn apply(&self, value: &str) -> Option<String> {
        if !self.pattern.is_match(value) {
            return None;
        }
        let replaced = self.pattern.replace_all(value, self.replace.as_str());
        Some(if self.url_decode {
            percent_decode(&replaced)
        } else {
            replaced.into_owned()
        })
    }
}

/// Decode `%XX` escapes; a result that is not UTF-8 is returned undecoded.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

#[derive(Debug, Clone)]
pub enum AttributeValue {
    From { attribute: String, remove: bool },
    Literal(String),
}

#[derive(Debug)]
pub struct Extract {
    pub selector: Selector,
    /// The selector as written: rules with the same one share one capture pass.
    pub selector_text: String,
    /// The field to fill; empty for `remove: {selector, text_matches}`, which removes the
    /// elements whose text matches `pattern` and fills nothing.
    pub field: String,
    pub pattern: Option<Regex>,
    pub max: Option<usize>,
    pub keep_existing: bool,
}

#[derive(Debug)]
pub struct FrontMatterRule {
    pub meta: RuleMeta,
    pub action: FrontMatterAction,
}

#[derive(Debug)]
pub enum FrontMatterAction {
    RemoveFields {
        names: Vec<String>,
        value_contains: Vec<String>,
        value_matches: Option<Regex>,
    },
    RenameField {
        from: String,
        to: String,
    },
    SetField {
        name: String,
        value: serde_yaml::Value,
        if_missing: bool,
    },
    RewriteFields {
        names: Vec<String>,
        rewrite: Rewrite,
    },
    NormalizeDate {
        field: String,
        /// `None`: the run's time zone.
        timezone: Option<jiff::tz::TimeZone>,
        invalid: InvalidDate,
    },
}

/// When a rule set applies.
#[derive(Debug, Default)]
pub struct When {
    pub body_contains: Vec<String>,
    pub path: Option<GlobSet>,
}

impl When {
    pub fn matches(&self, relative_path: &str, body: &str) -> bool {
        (self.body_contains.is_empty() || self.body_contains.iter().any(|s| body.contains(s)))
            && self.path.as_ref().is_none_or(|g| g.is_match(relative_path))
    }
}

/// One loaded rule file.
#[derive(Debug)]
pub struct RuleSet {
    pub name: String,
    pub description: Option<String>,
    pub source: RuleSource,
    pub when: When,
    pub html: Vec<HtmlRule>,
    pub front_matter: Vec<FrontMatterRule>,
    pub examples: Vec<ExampleSpec>,
    /// Ids of rules from earlier rule sets that this one turns `off`.
    /// Overrides: ids this set turns off in the sets loaded before it, with their line.
    pub disabled: Vec<(String, Option<usize>)>,
    /// What loads but cannot do what it says (a rule that never acts, a file with no rules).
    pub warnings: Vec<RuleWarning>,
    /// A hash of the file's text: what the result cache keys a run's rules on.
    pub digest: [u8; 32],
}

impl RuleSet {
    /// Every rule's metadata, body rules first.
    pub fn metas(&self) -> impl Iterator<Item = &RuleMeta> {
        self.html
            .iter()
            .map(|r| &r.meta)
            .chain(self.front_matter.iter().map(|r| &r.meta))
    }
}

/// Compile one parsed rule file. `text` is the file's YAML, used to find rule lines.
pub fn compile(spec: RuleFileSpec, source: RuleSource, text: &str) -> Result<RuleSet, RuleError> {
    let lines = IdLines::new(text);
    let err = |id: Option<&str>, message: String| {
        let line = id.and_then(|id| lines.find(id));
        // A bad selector or pattern is pointed at where it is written, not at the rule's id.
        let (line, column) = match quoted_subject(&message).zip(line) {
            Some((subject, from)) => locate_after(text, from, subject)
                .map_or((Some(from), None), |(l, c)| (Some(l), Some(c))),
            None => (line, None),
        };
        RuleError {
            source: source.clone(),
            line,
            column,
            rule_id: id.map(str::to_owned),
            message,
        }
    };

    let mut seen: HashMap<&str, ()> = HashMap::new();
    let ids = spec
        .html
        .iter()
        .map(|r| r.id.as_str())
        .chain(spec.front_matter.iter().map(|r| r.id.as_str()));
    for id in ids {
        if !valid_id(id) {
            return Err(err(
                Some(id),
                format!("rule id `{id}` must be letters, digits, `-`, `_` or `.`"),
            ));
        }
        if seen.insert(id, ()).is_some() {
            let first = lines.find(id);
            let mut e = err(
                Some(id),
                format!(
                    "duplicate rule id `{id}`{}: every rule in a file needs its own id; rename one",
                    first
                        .map(|l| format!(" (first used on line {l})"))
                        .unwrap_or_default()
                ),
            );
            e.line = lines.second(id).or(first);
            return Err(e);
        }
    }

    let when = match spec.when {
        None => When::default(),
        Some(w) => When {
            body_contains: w.body_contains.map(OneOrMany::into_vec).unwrap_or_default(),
            path: match w.path {
                None => None,
                Some(globs) => {
                    let mut builder = GlobSetBuilder::new();
                    for g in globs.into_vec() {
                        let glob = Glob::new(&g).map_err(|e| {
                            err(None, format!("invalid `when.path` glob `{g}`: {e}"))
                        })?;
                        builder.add(glob);
                    }
                    Some(builder.build().map_err(|e| err(None, e.to_string()))?)
                }
            },
        },
    };

    let mut disabled = Vec::new();
    let mut warnings = Vec::new();
    let mut html = Vec::with_capacity(spec.html.len());
    for rule in spec.html {
        let id = rule.id.clone();
        let (message, severity) = (rule.message.clone(), rule.severity);
        let mut notes = Vec::new();
        let mut subjects = None;
        let action = html_action(rule, &mut notes, &mut subjects);
        let (subjects, parts) = match subjects {
            Some((needs, parts)) => (Some(needs), parts),
            None => (None, Vec::new()),
        };
        warnings.extend(notes.into_iter().map(|message| RuleWarning {
            source: source.clone(),
            line: lines.find(&id),
            rule_id: Some(id.clone()),
            message,
        }));
        match compile_rule(&id, message, severity, action, HTML_ACTIONS, &lines)
            .map_err(|m| err(Some(&id), m))?
        {
            Some((meta, action)) => html.push(HtmlRule {
                meta,
                action,
                subjects,
                parts,
            }),
            None => {
                let line = lines.find(&id);
                disabled.push((id, line));
            }
        }
    }

    let mut front_matter = Vec::with_capacity(spec.front_matter.len());
    for rule in spec.front_matter {
        let id = rule.id.clone();
        let (message, severity) = (rule.message.clone(), rule.severity);
        let action = front_matter_action(rule);
        match compile_rule(&id, message, severity, action, FRONT_MATTER_ACTIONS, &lines)
            .map_err(|m| err(Some(&id), m))?
        {
            Some((meta, action)) => front_matter.push(FrontMatterRule { meta, action }),
            None => {
                let line = lines.find(&id);
                disabled.push((id, line));
            }
        }
    }

    if html.is_empty() && front_matter.is_empty() && disabled.is_empty() && spec.extends.is_empty()
    {
        warnings.push(RuleWarning {
            source: source.clone(),
            line: None,
            rule_id: None,
            message: "this rule file has no `html:` or `front_matter:` rules, so it does nothing: add rules, or stop naming it in --rules, `extends:` or the config".into(),
        });
    }

    Ok(RuleSet {
        name: spec.name.unwrap_or_else(|| source.stem()),
        description: spec.description,
        source,
        when,
        html,
        front_matter,
        examples: spec.examples,
        disabled,
        warnings,
        digest: *blake3::hash(text.as_bytes()).as_bytes(),
    })
}

/// One rule's metadata and action; `Ok(None)` for an override: a rule with no action and
/// `severity: off` turns off an earlier rule with the same id.
fn compile_rule<A>(
    id: &str,
    message: Option<String>,
    severity: Option<Severity>,
    action: Result<Option<A>, String>,
    all_actions: &str,
    lines: &IdLines,
) -> Result<Option<(RuleMeta, A)>, String> {
    match action? {
        Some(action) => Ok(Some((
            RuleMeta {
                id: id.to_owned(),
                message,
                severity: severity.unwrap_or_default(),
                line: lines.find(id).unwrap_or(0),
            },
            action,
        ))),
        None if severity == Some(Severity::Off) => Ok(None),
        None => Err(format!(
            "rule has no action: give one of {all_actions} (or `severity: off` to turn off an earlier rule with this id)"
        )),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

const HTML_ACTIONS: &str = "remove, unwrap, remove_comments, remove_attributes, set_attribute, extract or rewrite_attribute";
const FRONT_MATTER_ACTIONS: &str =
    "remove_fields, rename_field, set_field, normalize_date or rewrite_fields";

/// The one action given, `None` when there is none.
fn one_action<T>(actions: Vec<(&str, Option<T>)>) -> Result<Option<T>, String> {
    let mut given: Vec<(&str, T)> = actions
        .into_iter()
        .filter_map(|(name, a)| a.map(|a| (name, a)))
        .collect();
    match given.len() {
        0 | 1 => Ok(given.pop().map(|(_, a)| a)),
        _ => Err(format!(
            "rule has several actions ({}): split it into one rule per action",
            given.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        )),
    }
}

enum HtmlActionSpec {
    Remove(super::spec::RemoveSpec),
    Unwrap(String),
    Comments(CommentsSpec),
    Attributes(RemoveAttributesSpec),
    Set(SetAttributeSpec),
    Extract(ExtractSpec),
    Rewrite(RewriteAttributeSpec),
    Empty(String),
    Tighten(String),
    Captions(String),
    Titles(String),
    Breaks(String),
    TrimEnds(String),
    LayoutTables(String),
    LeadingBreaks(String),
    CodeBreaks(String),
    PictureHeadings(String),
}

/// The rule's action; `notes` receives what would make it never act.
/// `subjects` receives what the action's elements must carry, when its selector says.
fn html_action(
    rule: HtmlRuleSpec,
    notes: &mut Vec<String>,
    subjects: &mut Option<(Vec<super::subjects::Needs>, Vec<String>)>,
) -> Result<Option<HtmlAction>, String> {
    let Some(spec) = one_action(vec![
        ("remove", rule.remove.map(HtmlActionSpec::Remove)),
        ("unwrap", rule.unwrap.map(HtmlActionSpec::Unwrap)),
        (
            "remove_comments",
            rule.remove_comments.map(HtmlActionSpec::Comments),
        ),
        (
            "remove_attributes",
            rule.remove_attributes.map(HtmlActionSpec::Attributes),
        ),
        ("set_attribute", rule.set_attribute.map(HtmlActionSpec::Set)),
        ("extract", rule.extract.map(HtmlActionSpec::Extract)),
        (
            "rewrite_attribute",
            rule.rewrite_attribute.map(HtmlActionSpec::Rewrite),
        ),
        ("remove_empty", rule.remove_empty.map(HtmlActionSpec::Empty)),
        (
            "caption_images",
            rule.caption_images.map(HtmlActionSpec::Captions),
        ),
        (
            "tighten_lists",
            rule.tighten_lists.map(HtmlActionSpec::Tighten),
        ),
        (
            "remove_redundant_titles",
            rule.remove_redundant_titles.map(HtmlActionSpec::Titles),
        ),
        (
            "paragraph_breaks",
            rule.paragraph_breaks.map(HtmlActionSpec::Breaks),
        ),
        (
            "trim_block_ends",
            rule.trim_block_ends.map(HtmlActionSpec::TrimEnds),
        ),
        (
            "unwrap_layout_tables",
            rule.unwrap_layout_tables.map(HtmlActionSpec::LayoutTables),
        ),
        (
            "trim_leading_breaks",
            rule.trim_leading_breaks.map(HtmlActionSpec::LeadingBreaks),
        ),
        (
            "collapse_code_breaks",
            rule.collapse_code_breaks.map(HtmlActionSpec::CodeBreaks),
        ),
        (
            "demote_picture_headings",
            rule.demote_picture_headings
                .map(HtmlActionSpec::PictureHeadings),
        ),
    ])?
    else {
        return Ok(None);
    };
    let (action_name, selector_text) = match &spec {
        HtmlActionSpec::Remove(super::spec::RemoveSpec::Selector(s)) => {
            ("remove", Some(s.as_str()))
        }
        HtmlActionSpec::Remove(super::spec::RemoveSpec::Matching(m)) => {
            ("remove", Some(m.selector.as_str()))
        }
        HtmlActionSpec::Unwrap(s) => ("unwrap", Some(s.as_str())),
        HtmlActionSpec::Comments(_) => ("remove_comments", None),
        HtmlActionSpec::Attributes(a) => ("remove_attributes", Some(a.selector.as_str())),
        HtmlActionSpec::Set(a) => ("set_attribute", Some(a.selector.as_str())),
        HtmlActionSpec::Extract(e) => ("extract", Some(e.selector.as_str())),
        HtmlActionSpec::Rewrite(r) => ("rewrite_attribute", Some(r.selector.as_str())),
        HtmlActionSpec::Empty(s) => ("remove_empty", Some(s.as_str())),
        HtmlActionSpec::Tighten(s) => ("tighten_lists", Some(s.as_str())),
        HtmlActionSpec::Captions(s) => ("caption_images", Some(s.as_str())),
        HtmlActionSpec::Titles(s) => ("remove_redundant_titles", Some(s.as_str())),
        HtmlActionSpec::Breaks(s) => ("paragraph_breaks", Some(s.as_str())),
        HtmlActionSpec::TrimEnds(s) => ("trim_block_ends", Some(s.as_str())),
        HtmlActionSpec::LayoutTables(s) => ("unwrap_layout_tables", Some(s.as_str())),
        HtmlActionSpec::LeadingBreaks(s) => ("trim_leading_breaks", Some(s.as_str())),
        HtmlActionSpec::CodeBreaks(s) => ("collapse_code_breaks", Some(s.as_str())),
        HtmlActionSpec::PictureHeadings(s) => ("demote_picture_headings", Some(s.as_str())),
    };
    if let Some(text) = selector_text {
        // Parse first: a selector lol_html rejects is reported as such.
        selector(text)?;
        check_selector(action_name, text, notes)?;
        *subjects = super::subjects::subject_needs(text)
            .map(|needs| (needs, super::subjects::subject_parts(text)));
    }
    Ok(Some(match spec {
        HtmlActionSpec::Remove(super::spec::RemoveSpec::Selector(s)) => {
            HtmlAction::Remove(selector(&s)?)
        }
        // Decided per element from its text, as `extract` is (one scan of the text first),
        // with no field to fill.
        HtmlActionSpec::Remove(super::spec::RemoveSpec::Matching(m)) => {
            HtmlAction::Extract(Extract {
                selector: selector(&m.selector)?,
                selector_text: m.selector.trim().to_owned(),
                field: String::new(),
                pattern: Some(
                    pattern(&m.text_matches).map_err(|e| format!("`remove.text_matches`: {e}"))?,
                ),
                max: None,
                keep_existing: false,
            })
        }
        HtmlActionSpec::Unwrap(s) => HtmlAction::Unwrap(selector(&s)?),
        HtmlActionSpec::Comments(CommentsSpec::All(true)) => HtmlAction::RemoveComments(None),
        HtmlActionSpec::Comments(CommentsSpec::All(false)) => {
            return Err("`remove_comments: false` does nothing: remove the rule, or give `true` or a pattern".into());
        }
        HtmlActionSpec::Comments(CommentsSpec::Matching(p)) => {
            HtmlAction::RemoveComments(Some(pattern(&p)?))
        }
        HtmlActionSpec::Attributes(a) => {
            if a.names.is_empty() {
                return Err(
                    "`remove_attributes.names` is empty: list the attributes to remove".into(),
                );
            }
            HtmlAction::RemoveAttributes {
                selector: selector(&a.selector)?,
                names: a.names.iter().map(|n| n.to_ascii_lowercase()).collect(),
            }
        }
        HtmlActionSpec::Set(s) => {
            let value = match (s.from, s.value) {
                (Some(from), None) => AttributeValue::From {
                    attribute: from.to_ascii_lowercase(),
                    remove: s.remove_from,
                },
                (None, Some(v)) => AttributeValue::Literal(v),
                _ => return Err(
                    "`set_attribute` needs exactly one of `from` (an attribute to copy) or `value`"
                        .into(),
                ),
            };
            HtmlAction::SetAttribute {
                selector: selector(&s.selector)?,
                name: s.name.to_ascii_lowercase(),
                value,
            }
        }
        HtmlActionSpec::Extract(e) => {
            if e.field.trim().is_empty() {
                return Err("`extract.field` is empty: name the front-matter field to fill".into());
            }
            HtmlAction::Extract(Extract {
                selector: selector(&e.selector)?,
                selector_text: e.selector.trim().to_owned(),
                field: e.field,
                pattern: e.pattern.as_deref().map(pattern).transpose()?,
                max: e.max,
                keep_existing: e.keep_existing,
            })
        }
        HtmlActionSpec::Empty(s) => HtmlAction::RemoveEmpty(selector(&s)?),
        HtmlActionSpec::Captions(s) => HtmlAction::CaptionImages(selector(&s)?),
        HtmlActionSpec::Titles(s) => HtmlAction::RemoveRedundantTitles(selector(&s)?),
        HtmlActionSpec::Breaks(s) => HtmlAction::ParagraphBreaks(selector(&s)?),
        HtmlActionSpec::TrimEnds(s) => HtmlAction::TrimBlockEnds(selector(&s)?),
        HtmlActionSpec::LayoutTables(s) => HtmlAction::UnwrapLayoutTables(selector(&s)?),
        HtmlActionSpec::LeadingBreaks(s) => HtmlAction::TrimLeadingBreaks(selector(&s)?),
        HtmlActionSpec::CodeBreaks(s) => HtmlAction::CollapseCodeBreaks(selector(&s)?),
        HtmlActionSpec::PictureHeadings(s) => HtmlAction::DemotePictureHeadings(selector(&s)?),
        HtmlActionSpec::Tighten(s) => {
            let lists = selector(&s)?;
            let parts = selector_list(&s);
            let child = |suffix: &str| {
                let joined: Vec<String> = parts.iter().map(|p| format!("{p} > {suffix}")).collect();
                selector(&joined.join(", "))
            };
            HtmlAction::TightenLists {
                lists,
                items: child("li")?,
                paragraphs: child("li > p")?,
            }
        }
        HtmlActionSpec::Rewrite(r) => HtmlAction::RewriteAttribute {
            selector: selector(&r.selector)?,
            name: r.name.to_ascii_lowercase(),
            rewrite: Rewrite {
                pattern: pattern(&r.pattern)?,
                replace: r.replace,
                url_decode: r.url_decode,
            },
        },
    }))
}

enum FmActionSpec {
    Remove(RemoveFieldsSpec),
    Rename(RenameFieldSpec),
    Set(SetFieldSpec),
    Date(NormalizeDateSpec),
    Rewrite(RewriteFieldsSpec),
}

fn front_matter_action(rule: FrontMatterRuleSpec) -> Result<Option<FrontMatterAction>, String> {
    let Some(spec) = one_action(vec![
        (
            "remove_fields",
            rule.remove_fields.map(FmActionSpec::Remove),
        ),
        ("rename_field", rule.rename_field.map(FmActionSpec::Rename)),
        ("set_field", rule.set_field.map(FmActionSpec::Set)),
        (
            "normalize_date",
            rule.normalize_date.map(FmActionSpec::Date),
        ),
        (
            "rewrite_fields",
            rule.rewrite_fields.map(FmActionSpec::Rewrite),
        ),
    ])?
    else {
        return Ok(None);
    };
    Ok(Some(match spec {
        FmActionSpec::Remove(r) => FrontMatterAction::RemoveFields {
            names: r.names.into_vec(),
            value_contains: r
                .value_contains
                .map(OneOrMany::into_vec)
                .unwrap_or_default(),
            value_matches: r.value_matches.as_deref().map(pattern).transpose()?,
        },
        FmActionSpec::Rename(r) => FrontMatterAction::RenameField {
            from: r.from,
            to: r.to,
        },
        FmActionSpec::Set(s) => FrontMatterAction::SetField {
            name: s.name,
            value: s.value,
            if_missing: s.if_missing,
        },
        FmActionSpec::Date(d) => FrontMatterAction::NormalizeDate {
            field: d.field,
            timezone: d
                .timezone
                .as_deref()
                .map(crate::dates::parse_timezone)
                .transpose()?,
            invalid: d.invalid,
        },
        FmActionSpec::Rewrite(r) => FrontMatterAction::RewriteFields {
            names: r.names.into_vec(),
            rewrite: Rewrite {
                pattern: pattern(&r.pattern)?,
                replace: r.replace,
                url_decode: r.url_decode,
            },
        },
    }))
}

/// The comma-separated parts of a selector list (commas inside `[...]`, `(...)` or quotes do
/// not separate).
fn selector_list(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(std::mem::take(&mut cur).trim().to_owned());
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur.trim().to_owned());
    parts.retain(|p| !p.is_empty());
    parts
}

/// Elements a post body never has: it is an HTML fragment, the inside of `<body>`.
const DOCUMENT_ELEMENTS: &[&str] = &["html", "head", "body"];

/// Find what makes a (valid) selector useless or destructive for `action`: an error for
/// `remove` of every element, notes for parts that can never act.
fn check_selector(action: &str, text: &str, notes: &mut Vec<String>) -> Result<(), String> {
    for part in selector_parts(text) {
        let compounds = &part.compounds;
        let Some(subject) = compounds.last() else {
            continue;
        };
        if action == "remove" && compounds.len() == 1 && subject.universal && !subject.qualified {
            return Err(format!(
                "`remove: '{}'` removes every element of every post, leaving only loose text: name the elements to remove (e.g. `div.ad`)",
                part.text
            ));
        }
        if let Some(document) = compounds
            .iter()
            .find_map(|c| c.name.as_deref().filter(|n| DOCUMENT_ELEMENTS.contains(n)))
        {
            let whole = if action == "remove" && document != "head" {
                " (and in a body that does carry one, it would remove the whole post)"
            } else {
                ""
            };
            notes.push(format!(
                "`{action}: '{}'` never acts: a post body is an HTML fragment with no <{document}> element{whole}; select the elements inside it instead",
                part.text
            ));
        } else if action == "unwrap"
            && let Some(raw) = subject
                .name
                .as_deref()
                .filter(|n| RAW_TEXT_ELEMENTS.contains(n))
        {
            notes.push(format!(
                "`unwrap: '{}'` never acts: postscrub does not unwrap <{raw}>, whose text would become live markup; use `remove:` to drop it",
                part.text
            ));
        }
    }
    Ok(())
}

/// One comma-separated part of a selector list.
#[derive(Debug)]
struct SelectorPart<'a> {
    text: &'a str,
    compounds: Vec<Compound>,
}

/// One compound selector (between combinators): its element name, if any.
#[derive(Debug, Default)]
struct Compound {
    /// Lower-cased type selector (`div`), without any namespace prefix.
    name: Option<String>,
    /// `*` (with or without a namespace prefix).
    universal: bool,
    /// Has classes, ids, attributes or pseudo-classes.
    qualified: bool,
}

/// Split a selector (already accepted by lol_html) into parts and compounds. Brackets, parens
/// and quotes are skipped over, so `[title="a, b"]` and `:not(a b)` stay whole.
fn selector_parts(text: &str) -> Vec<SelectorPart<'_>> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    let mut split = Vec::new();
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, ',') if depth == 0 => {
                split.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    split.push(&text[start..]);
    for piece in split {
        let piece = piece.trim();
        parts.push(SelectorPart {
            text: piece,
            compounds: compounds(piece),
        });
    }
    parts
}

fn compounds(part: &str) -> Vec<Compound> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut current: Option<Compound> = None;
    let mut chars = part.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if depth > 0 {
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' => depth -= 1,
                '"' | '\'' => quote = Some(c),
                _ => {}
            }
            continue;
        }
        match c {
            c if c.is_whitespace() || c == '>' => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
            }
            '[' | '(' => {
                depth += 1;
                current.get_or_insert_with(Compound::default).qualified = true;
            }
            '.' | '#' | ':' => {
                current.get_or_insert_with(Compound::default).qualified = true;
                // Skip the name after it.
                while chars
                    .peek()
                    .is_some_and(|(_, n)| n.is_alphanumeric() || matches!(n, '-' | '_'))
                {
                    chars.next();
                }
            }
            '*' => current.get_or_insert_with(Compound::default).universal = true,
            '|' => {
                // A namespace prefix: what follows is the element (or `*`).
                let compound = current.get_or_insert_with(Compound::default);
                compound.universal = false;
                compound.name = None;
            }
            c if c.is_alphanumeric() || c == '-' || c == '_' || c == '\\' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, n)) = chars.peek() {
                    if n.is_alphanumeric() || matches!(n, '-' | '_') {
                        end = j + n.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                current.get_or_insert_with(Compound::default).name =
                    Some(part[i..end].to_ascii_lowercase());
            }
            _ => {}
        }
    }
    if let Some(done) = current {
        out.push(done);
    }
    out
}

fn selector(s: &str) -> Result<Selector, String> {
    s.parse::<Selector>().map_err(|e| {
        format!("invalid selector `{s}`: {e} (supported: type, .class, #id, [attr] with = ~= |= ^= $= *=, descendant and `>` combinators, :not(), :first-child, :nth-child(); see `postscrub rules docs`)")
    })
}

/// The selector or pattern an error message quotes (`invalid selector `X`: …`).
fn quoted_subject(message: &str) -> Option<&str> {
    let rest = ["invalid selector `", "invalid pattern `"]
        .iter()
        .find_map(|p| message.find(p).map(|at| &message[at + p.len()..]))?;
    // The subject ends at the backtick before `: ` (it may hold backticks itself).
    rest.find("`: ")
        .map(|end| &rest[..end])
        .filter(|s| !s.is_empty())
}

/// The first place at or after line `from` (1-based) where `needle` is written, as 1-based
/// line and column (in characters); `needle` as written in YAML may differ only in quoting, so
/// a needle that does not appear gives `None`.
fn locate_after(text: &str, from: usize, needle: &str) -> Option<(usize, usize)> {
    let first_line = needle.lines().next().unwrap_or(needle).trim();
    if first_line.is_empty() {
        return None;
    }
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .take(50)
        .find_map(|(i, line)| {
            line.find(first_line)
                .map(|at| (i + 1, line[..at].chars().count() + 1))
        })
}

fn pattern(p: &str) -> Result<Regex, String> {
    Regex::new(p).map_err(|e| format!("invalid pattern `{p}`: {e}"))
}

/// The line of each `id: X` in a rule file, indexed in one pass over the text (a rule file
/// with tens of thousands of rules must not be rescanned once per rule).
struct IdLines {
    lines: HashMap<String, usize>,
    /// The second line of ids used twice, for the duplicate-id error.
    again: HashMap<String, usize>,
}

impl IdLines {
    fn new(text: &str) -> Self {
        let mut lines = HashMap::new();
        let mut again = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start().trim_start_matches('-').trim_start();
            let Some(value) = t.strip_prefix("id:") else {
                continue;
            };
            let value = value.trim();
            let value = value.split(" #").next().unwrap_or(value).trim();
            let value = value.trim_matches(|c| c == '"' || c == '\'');
            // The first line wins, as a top-down search would find it.
            if lines.contains_key(value) {
                again.entry(value.to_owned()).or_insert(i + 1);
            } else {
                lines.insert(value.to_owned(), i + 1);
            }
        }
        IdLines { lines, again }
    }

    fn second(&self, id: &str) -> Option<usize> {
        self.again.get(id).copied()
    }

    fn find(&self, id: &str) -> Option<usize> {
        self.lines.get(id).copied()
    }
}
