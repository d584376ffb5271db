//! The rule-file format, mirrored one-to-one by serde types.
//!
//! This is the only place that knows the YAML shape. Unknown keys are errors
//! (`deny_unknown_fields`), so a typo in a user's rule file fails loudly with its line instead of
//! silently doing nothing. Semantic checks (selectors, patterns, one action per rule, unique
//! ids) happen in `compile`.

use serde::Deserialize;

/// One rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSpec {
    /// Name of the rule set; defaults to the file stem.
    pub name: Option<String>,
    pub description: Option<String>,
    /// Presets or files whose rules come first (paths relative to this file).
    #[serde(default)]
    pub extends: Vec<String>,
    /// Which posts the rule set applies to; all posts when absent.
    pub when: Option<WhenSpec>,
    #[serde(default)]
    pub html: Vec<HtmlRuleSpec>,
    #[serde(default)]
    pub front_matter: Vec<FrontMatterRuleSpec>,
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
}

/// Conditions on a post; every condition given must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhenSpec {
    /// The raw body contains at least one of these strings.
    pub body_contains: Option<OneOrMany<String>>,
    /// The post's path (relative to the folder given) matches at least one of these globs.
    pub path: Option<OneOrMany<String>>,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

/// How much a rule's finding matters to `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Info,
    #[default]
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A body rule: an id, and exactly one action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HtmlRuleSpec {
    pub id: String,
    pub message: Option<String>,
    pub severity: Option<Severity>,
    /// Remove matching elements with their content.
    pub remove: Option<String>,
    /// Remove matching elements' tags, keep their content.
    pub unwrap: Option<String>,
    /// `true` for every comment, or a regex the comment text must match.
    pub remove_comments: Option<CommentsSpec>,
    pub remove_attributes: Option<RemoveAttributesSpec>,
    pub set_attribute: Option<SetAttributeSpec>,
    pub extract: Option<ExtractSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum CommentsSpec {
    All(bool),
    Matching(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveAttributesSpec {
    pub selector: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetAttributeSpec {
    pub selector: String,
    pub name: String,
    /// Copy the value of this attribute (when the element has it).
    pub from: Option<String>,
    /// Or set this literal value.
    pub value: Option<String>,
    /// Remove the `from` attribute after copying it.
    #[serde(default)]
    pub remove_from: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractSpec {
    pub selector: String,
    /// Front-matter field that receives the text.
    pub field: String,
    /// Regex over the element's whitespace-trimmed text; capture group 1 (or the whole match)
    /// becomes the value. Elements whose text does not match are left in place.
    pub pattern: Option<String>,
    /// Extract from at most this many elements (the first ones); the first value wins.
    pub max: Option<usize>,
    /// Keep an existing field value instead of overwriting it.
    #[serde(default)]
    pub keep_existing: bool,
}

/// A front-matter rule: an id, and exactly one action.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatterRuleSpec {
    pub id: String,
    pub message: Option<String>,
    pub severity: Option<Severity>,
    pub remove_fields: Option<RemoveFieldsSpec>,
    pub rename_field: Option<RenameFieldSpec>,
    pub set_field: Option<SetFieldSpec>,
    pub normalize_date: Option<NormalizeDateSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveFieldsSpec {
    pub names: OneOrMany<String>,
    /// Only when the value contains one of these strings.
    pub value_contains: Option<OneOrMany<String>>,
    /// Only when the value matches this regex.
    pub value_matches: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenameFieldSpec {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetFieldSpec {
    pub name: String,
    pub value: serde_yaml::Value,
    /// Only add the field when the post does not have it.
    #[serde(default)]
    pub if_missing: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalizeDateSpec {
    #[serde(default = "default_date_field")]
    pub field: String,
    /// Time zone for dates written without one, and for Hexo output: `+08:00`, `UTC` or an
    /// IANA name such as `Asia/Shanghai`. Defaults to the run's `timezone` setting.
    pub timezone: Option<String>,
    /// What to do with a value that is not a date: `keep` it (reported), or `remove` it.
    #[serde(default)]
    pub invalid: InvalidDate,
}

fn default_date_field() -> String {
    "date".to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum InvalidDate {
    #[default]
    Keep,
    Remove,
}

/// A rule-set test: `postscrub rules test` checks that `input` becomes `output`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// Body HTML before cleaning.
    pub input: Option<String>,
    /// Expected cleaned HTML.
    pub output: Option<String>,
    /// Expected Markdown after conversion.
    pub markdown: Option<String>,
    /// Front matter (YAML text) before and after the front-matter rules.
    pub front_matter: Option<FrontMatterExampleSpec>,
    /// Target the example runs with (`plain` when absent): it decides the date format.
    pub target: Option<String>,
    /// Time zone the example runs with (`UTC` when absent).
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatterExampleSpec {
    pub input: String,
    pub output: String,
}
