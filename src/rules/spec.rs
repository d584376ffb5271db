//! The rule-file format, mirrored one-to-one by serde types.
//!
//! This is the only place that knows the YAML shape. Unknown keys are errors
//! (`deny_unknown_fields`), so a typo in a user's rule file fails loudly with its line instead of
//! silently doing nothing. Semantic checks (selectors, patterns, one action per rule, unique
//! ids) happen in `compile`.

use schemars::JsonSchema;
use serde::Deserialize;

/// One rule file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSpec {
    /// Name of the rule set; defaults to the file stem.
    pub name: Option<String>,
    /// One line on what the rule set cleans, shown by `postscrub rules list`.
    pub description: Option<String>,
    /// Presets or files whose rules come first (paths relative to this file).
    #[serde(default)]
    pub extends: Vec<String>,
    /// Which posts the rule set applies to; all posts when absent.
    pub when: Option<WhenSpec>,
    /// Body rules, applied in one streaming pass in this order.
    #[serde(default)]
    pub html: Vec<HtmlRuleSpec>,
    /// Front-matter rules, applied in this order after the body rules' `extract`s.
    #[serde(default)]
    pub front_matter: Vec<FrontMatterRuleSpec>,
    /// Rule tests, run by `postscrub rules test`.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
}

/// Conditions on a post; every condition given must hold.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WhenSpec {
    /// The raw body contains at least one of these strings.
    pub body_contains: Option<OneOrMany<String>>,
    /// The post's path (relative to the folder given) matches at least one of these globs.
    pub path: Option<OneOrMany<String>>,
}

/// A string or a list of strings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Deserialize,
    serde::Serialize,
    Default,
    JsonSchema,
)]
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HtmlRuleSpec {
    /// Unique id (letters, digits, `-`, `_`, `.`), named in diffs and `check` reports.
    pub id: String,
    /// What the rule removes or fixes, in a few words (shown by `check`).
    pub message: Option<String>,
    /// How much a finding matters to `check` (default `warning`); `off` with no action turns off
    /// an earlier rule with the same id.
    pub severity: Option<Severity>,
    /// Remove matching elements with their content: a CSS selector, or `{selector,
    /// text_matches}` to remove only the elements whose text matches a regex.
    pub remove: Option<RemoveSpec>,
    /// Remove matching elements' tags, keep their content.
    pub unwrap: Option<String>,
    /// `true` for every comment, or a regex the comment text must match.
    pub remove_comments: Option<CommentsSpec>,
    /// Remove these attributes from matching elements.
    pub remove_attributes: Option<RemoveAttributesSpec>,
    /// Set an attribute of matching elements, from another attribute or to a literal value.
    pub set_attribute: Option<SetAttributeSpec>,
    /// Move an element's text into a front-matter field, and remove the element.
    pub extract: Option<ExtractSpec>,
    /// Rewrite an attribute's value with a regex (strip proxies, unwrap redirect links).
    pub rewrite_attribute: Option<RewriteAttributeSpec>,
    /// Remove matching elements that show nothing: no text but whitespace (`&nbsp;` and
    /// U+3000 included) and no image, video, iframe, embed, object or rule inside
    /// (`'p, h1, h2, h3, h4, h5, h6, li'`). An editorial clean-up: the converter itself keeps
    /// empty headings, items, quotes and code blocks.
    pub remove_empty: Option<String>,
    /// Make matching lists (`ul, ol`) tight: where every item holds at most one `<p>`, that
    /// `<p>` is unwrapped, so the list is written `- a` / `- b` with no blank lines. An
    /// editorial clean-up: the converter writes `<li><p>…</p></li>` as a loose list.
    pub tighten_lists: Option<String>,
    /// Put text that follows a picture opening a block (`<div><img><span>图：…</span></div>`)
    /// on a line of its own, as the picture's caption (`img`). An editorial clean-up: the
    /// converter runs such text on after the image.
    pub caption_images: Option<String>,
    /// Remove the `title` of matching links and images (`'a[title], img[title]'`) when it only
    /// repeats what the reader sees already: the URL, its file name, or the alt text (or is
    /// blank). An editorial clean-up: the converter writes every title as `[a](url "title")`.
    pub remove_redundant_titles: Option<String>,
    /// Make a paragraph break of two or more `<br>` in a row (the selector picks the breaks:
    /// `br`); not inside headings, table cells, code or inline formatting, where it would change
    /// more than the break. An editorial clean-up: the converter writes `<br><br>` as two line
    /// breaks.
    pub paragraph_breaks: Option<String>,
    /// Trim `&nbsp;`, U+3000 and whitespace at the end of matching blocks
    /// (`'p, div, li, td, th, h1'`…). An editorial clean-up: the converter keeps them (a
    /// paragraph of only `&nbsp;` is a paragraph).
    pub trim_block_ends: Option<String>,
    /// Write matching one-column tables of data cells only (`table`: no `<th>`, at most one
    /// cell in every row) as their content, cell after cell: CMS layout tables (a picture and
    /// its caption). An editorial clean-up: the converter writes them as one-column GFM tables.
    pub unwrap_layout_tables: Option<String>,
    /// Remove the `<br>` (the selector picks the breaks: `br`) that come before any content of
    /// their block (`<p><br>text</p>`, `</p><br>text`); not inside code. An editorial
    /// clean-up: the converter writes such a break as the empty line a browser shows (`\`
    /// alone on the block's first line).
    pub trim_leading_breaks: Option<String>,
    /// Inside matching code blocks (`pre`), drop the newline right after a `<br>`: scrapers
    /// write each code line as `line<br>` and a newline, meaning one line break. An editorial
    /// clean-up: the converter writes both, as a browser shows them (a blank line after each
    /// code line).
    pub collapse_code_breaks: Option<String>,
    /// Write matching headings that hold only pictures (`'h1, h2, h3, h4, h5, h6'`: images, no
    /// text but blanks, no code) as paragraphs: CMSs set pictures apart with heading tags. An
    /// editorial clean-up: the converter writes `## ![](x.png)`.
    pub demote_picture_headings: Option<String>,
}

/// Replace what `pattern` matches in an attribute's (entity-decoded) value by `replace`
/// (`$1` refers to capture group 1), then optionally percent-decode the result.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewriteAttributeSpec {
    pub selector: String,
    pub name: String,
    pub pattern: String,
    #[serde(default)]
    pub replace: String,
    /// Percent-decode the rewritten value (`https%3A%2F%2Fa.b` → `https://a.b`), for redirect
    /// links that carry the real URL encoded in a query parameter.
    #[serde(default)]
    pub url_decode: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CommentsSpec {
    All(bool),
    Matching(String),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveAttributesSpec {
    /// CSS selector of the elements.
    pub selector: String,
    /// Attribute names (ASCII case-insensitive).
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAttributeSpec {
    /// CSS selector of the elements.
    pub selector: String,
    /// Attribute to set.
    pub name: String,
    /// Copy the value of this attribute (when the element has it).
    pub from: Option<String>,
    /// Or set this literal value.
    pub value: Option<String>,
    /// Remove the `from` attribute after copying it.
    #[serde(default)]
    pub remove_from: bool,
}

/// What `remove` takes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RemoveSpec {
    /// Every element the CSS selector matches.
    Selector(String),
    /// Only the matched elements whose text matches.
    Matching(RemoveMatchingSpec),
}

/// `remove: { selector: p, text_matches: '^\s*责任编辑' }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveMatchingSpec {
    /// CSS selector of the candidate elements.
    pub selector: String,
    /// Regex over the element's text as a browser shows it (entities decoded, white space
    /// collapsed to single spaces and trimmed); the element is removed when it matches.
    pub text_matches: String,
}

/// `extract`: move an element's text into a front-matter field.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtractSpec {
    /// CSS selector of the candidate elements.
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
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatterRuleSpec {
    /// Unique id (letters, digits, `-`, `_`, `.`), named in diffs and `check` reports.
    pub id: String,
    /// What the rule fixes, in a few words (shown by `check`).
    pub message: Option<String>,
    /// How much a finding matters to `check` (default `warning`); `off` with no action turns off
    /// an earlier rule with the same id.
    pub severity: Option<Severity>,
    /// Remove fields, optionally only when their value contains or matches something.
    pub remove_fields: Option<RemoveFieldsSpec>,
    /// Rename a field, keeping its place and value.
    pub rename_field: Option<RenameFieldSpec>,
    /// Set a field to a value.
    pub set_field: Option<SetFieldSpec>,
    /// Rewrite a date field in the target's format (Hexo `YYYY-MM-DD HH:mm:ss`, else RFC 3339).
    pub normalize_date: Option<NormalizeDateSpec>,
    /// Rewrite field values with a regex (e.g. strip an image proxy from a cover URL).
    pub rewrite_fields: Option<RewriteFieldsSpec>,
}

/// Replace what `pattern` matches in string fields by `replace` (`$1` = capture group 1).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewriteFieldsSpec {
    pub names: OneOrMany<String>,
    pub pattern: String,
    #[serde(default)]
    pub replace: String,
    #[serde(default)]
    pub url_decode: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveFieldsSpec {
    /// Top-level field names.
    pub names: OneOrMany<String>,
    /// Only when the value contains one of these strings.
    pub value_contains: Option<OneOrMany<String>>,
    /// Only when the value matches this regex.
    pub value_matches: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameFieldSpec {
    /// Current field name.
    pub from: String,
    /// New field name.
    pub to: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetFieldSpec {
    /// Field name.
    pub name: String,
    /// Any YAML value.
    #[schemars(with = "serde_json::Value")]
    pub value: serde_yaml::Value,
    /// Only add the field when the post does not have it.
    #[serde(default)]
    pub if_missing: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NormalizeDateSpec {
    /// The date field (default `date`).
    #[serde(default = "default_date_field")]
    pub field: String,
    /// The zone the source wrote zone-less dates in (the feed's zone): `+08:00`, `UTC` or an
    /// IANA name such as `Asia/Shanghai`. Without it, zone-less dates are wall-clock time in the
    /// site's zone (`--timezone`) and stay as written. With it, they are written as RFC 3339 in
    /// this zone for Hugo, Jekyll and plain; Hexo reads every date in its own zone, so for Hexo
    /// set the site's zone instead. Output for Hexo is always in the site's zone.
    pub timezone: Option<String>,
    /// What to do with a value that is not a date: `keep` it (reported), or `remove` it.
    #[serde(default)]
    pub invalid: InvalidDate,
}

fn default_date_field() -> String {
    "date".to_owned()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum InvalidDate {
    #[default]
    Keep,
    Remove,
}

/// A rule-set test: `postscrub rules test` checks that `input` becomes `output`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
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
    #[schemars(extend("enum" = ["hexo", "hugo", "jekyll", "plain"]))]
    pub target: Option<String>,
    /// Time zone the example runs with (`UTC` when absent).
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrontMatterExampleSpec {
    /// Front matter YAML (without the `---` fences) before the rules.
    pub input: String,
    /// Expected front matter YAML after the rules and the body's `extract`s.
    pub output: String,
}
