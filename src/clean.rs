//! HTML → HTML: apply body rules to a post in one streaming lol_html pass.
//!
//! Every handler checks `removed()` first, so content inside an element that an earlier rule
//! removed is neither counted nor touched: a post's rule counts say what really changed it.
//! `extract` rules need to know an element's text before deciding to remove it, which a
//! streaming rewriter cannot do, so when (and only when) a post has extract rules, a first
//! lol_html pass reads the candidates' text and decides; the rewriting pass then removes exactly
//! the elements whose text matched, counted in document order.
//!
//! Inside `<pre>`/`<code>`, tags and bogus comments that are code the scraper failed to escape
//! (`Map<String, Object>`, `Class<?>`, see `markdown::literal`) are text, not markup: rules leave
//! them as written, so that the converter can recover them.

use crate::markdown::literal;
use crate::rules::compile::RAW_TEXT_ELEMENTS;
use crate::rules::compile::Rewrite;
use crate::rules::{AttributeValue, Extract, HtmlAction, HtmlRule, RuleMeta, RuleSet};
use crate::suppress::Skip;
use lol_html::html_content::{Comment, ContentType, Element, TextChunk};
use lol_html::{
    DocumentContentHandlers, ElementContentHandlers, HtmlRewriter, MemorySettings, Selector,
    Settings,
};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Memory one lol_html rewriter may use for one post (its parsing buffer and its open-element
/// stack; text is never buffered). A post that needs more fails alone, with
/// [`MEMORY_LIMIT_MESSAGE`].
pub const MAX_PARSE_MEMORY: usize = 64 * 1024 * 1024;

/// What a post over [`MAX_PARSE_MEMORY`] fails with.
pub const MEMORY_LIMIT_MESSAGE: &str = "post needs more than 64 MiB to parse (postscrub's per-post limit; usually markup nested hundreds of thousands deep): left untouched; split or repair it";

/// The memory settings of every lol_html rewriter postscrub builds.
pub fn memory_settings() -> MemorySettings {
    MemorySettings::new()
        .with_preallocated_parsing_buffer_size(1024)
        .with_max_allowed_memory_usage(MAX_PARSE_MEMORY)
}

/// The result of cleaning one body.
#[derive(Debug, Default)]
pub struct Cleaned<'r> {
    pub html: String,
    /// Rules that changed something, in rule order.
    pub fired: Vec<Fired<'r>>,
    /// Values taken out of the body by `extract` rules, for the front matter.
    pub extracted: Vec<Extracted<'r>>,
}

/// A rule that changed a post: how often, and where it first did (byte offset in the input).
#[derive(Debug, Clone, Copy)]
pub struct Fired<'r> {
    pub meta: &'r RuleMeta,
    pub count: u32,
    pub offset: Option<usize>,
}

/// Per-rule tally kept while rewriting.
#[derive(Debug, Default)]
struct Tally {
    count: Cell<u32>,
    first: Cell<Option<usize>>,
}

impl Tally {
    fn bump(&self, offset: usize) {
        self.count.set(self.count.get() + 1);
        if self.first.get().is_none() {
            self.first.set(Some(offset));
        }
    }
}

#[derive(Debug)]
pub struct Extracted<'r> {
    pub meta: &'r RuleMeta,
    pub field: &'r str,
    pub value: String,
    pub keep_existing: bool,
}

/// Clean `body` with the body rules of `sets`, but those `skip` names.
pub fn clean<'r>(
    body: &str,
    sets: &[&'r RuleSet],
    skip: &Skip,
) -> Result<Cleaned<'r>, lol_html::errors::RewritingError> {
    // Only the rules that could act on this body: a rewriter compiles every selector it is
    // given, which costs more than a short body (`rules::subjects`). Rules the post opts out of
    // (`suppress`) are left out too. No HTML rule at all: nothing to look for in the body.
    if sets.iter().all(|s| s.html.is_empty()) {
        return Ok(Cleaned {
            html: body.to_owned(),
            ..Cleaned::default()
        });
    }
    let names = crate::rules::subjects::body_names(body);
    let rules: Vec<&'r HtmlRule> = sets
        .iter()
        .flat_map(|s| s.html.iter())
        .filter(|r| r.may_act(&names) && !skip.skips(&r.meta.id))
        .collect();
    if rules.is_empty() {
        return Ok(Cleaned {
            html: body.to_owned(),
            ..Cleaned::default()
        });
    }
    // Each rule's selector cut down to the parts that can match this body: fewer selectors
    // to compile and to run, the same elements matched.
    let narrowed: Vec<Option<Selector>> = rules.iter().map(|r| r.selector_for(&names)).collect();
    let decisions = scan_extracts(body, &rules)?;
    let editorial = if crate::editorial::needed(&rules) {
        crate::editorial::scan(body, &rules, &narrowed, &names)?
    } else {
        crate::editorial::Decisions::new()
    };
    let counts: Vec<Tally> = rules.iter().map(|_| Tally::default()).collect();
    // Depth of removed elements we are inside: comments there are gone already.
    let removed_depth = Rc::new(Cell::new(0u32));
    let mut output = Vec::with_capacity(body.len());
    {
        let mut settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(memory_settings());
        // Registered first: for one start tag, handlers run in registration order.
        let code_depth = Rc::new(Cell::new(0u32));
        if CODE_TAGS.iter().any(|t| names.has_tag(t)) {
            settings = settings.append_element_content_handler((
                Cow::Owned(code_elements()),
                element_handler(track_code(Rc::clone(&code_depth))),
            ));
        }
        let mut comment_rules: Vec<(usize, Option<&regex::Regex>)> = Vec::new();
        let hooks = |count| hooks(count, &removed_depth);
        for (i, rule) in rules.iter().enumerate() {
            let count = &counts[i];
            let narrow = narrowed[i].as_ref();
            let (selector, handler) = match &rule.action {
                HtmlAction::CaptionImages(images) => {
                    settings =
                        crate::captions::register(settings, pick(narrow, images), hooks(count));
                    continue;
                }
                HtmlAction::ParagraphBreaks(breaks) => {
                    settings = crate::breaks::register_paragraph_breaks(
                        settings,
                        pick(narrow, breaks),
                        hooks(count),
                    );
                    continue;
                }
                HtmlAction::TrimLeadingBreaks(breaks) => {
                    settings = crate::breaks::register_leading_breaks(
                        settings,
                        pick(narrow, breaks),
                        hooks(count),
                    );
                    continue;
                }
                HtmlAction::CollapseCodeBreaks(blocks) => {
                    settings = crate::breaks::register_code_breaks(
                        settings,
                        pick(narrow, blocks),
                        hooks(count),
                    );
                    continue;
                }
                HtmlAction::DemotePictureHeadings(selector) => {
                    let decided = editorial.get(&i).map(Vec::as_slice).unwrap_or(&[]);
                    (pick(narrow, selector), rename_decided(count, decided, "p"))
                }
                HtmlAction::RemoveRedundantTitles(selector) => (
                    pick(narrow, selector),
                    crate::titles::handler(move |offset| count.bump(offset)),
                ),
                HtmlAction::TrimBlockEnds(_) => {
                    let decided = editorial.get(&i).cloned().unwrap_or_default();
                    settings = crate::editorial::register_trim(settings, decided, move |offset| {
                        count.bump(offset)
                    });
                    continue;
                }
                HtmlAction::UnwrapLayoutTables(selector) => {
                    let decided = editorial.get(&i).cloned().unwrap_or_default();
                    settings = crate::editorial::register_layout_tables(
                        settings,
                        pick(narrow, selector),
                        decided,
                        move |offset| count.bump(offset),
                    );
                    continue;
                }
                HtmlAction::RemoveComments(pattern) => {
                    comment_rules.push((i, pattern.as_ref()));
                    continue;
                }
                HtmlAction::Remove(selector) => (
                    pick(narrow, selector),
                    remove(count, Rc::clone(&removed_depth)),
                ),
                HtmlAction::Unwrap(selector) => (pick(narrow, selector), unwrap(count)),
                HtmlAction::RemoveAttributes { selector, names } => {
                    (pick(narrow, selector), remove_attributes(count, names))
                }
                HtmlAction::SetAttribute {
                    selector,
                    name,
                    value,
                } => (pick(narrow, selector), set_attribute(count, name, value)),
                HtmlAction::RewriteAttribute {
                    selector,
                    name,
                    rewrite,
                } => (
                    pick(narrow, selector),
                    rewrite_attribute(count, name, rewrite),
                ),
                HtmlAction::Extract(Extract { selector, .. }) => {
                    let decided = decisions.get(&i).map(Vec::as_slice).unwrap_or(&[]);
                    (
                        selector,
                        remove_decided(count, decided, Rc::clone(&removed_depth)),
                    )
                }
                HtmlAction::RemoveEmpty(selector) => {
                    let decided = editorial.get(&i).map(Vec::as_slice).unwrap_or(&[]);
                    (
                        pick(narrow, selector),
                        remove_decided(count, decided, Rc::clone(&removed_depth)),
                    )
                }
                HtmlAction::TightenLists { paragraphs, .. } => {
                    let decided = editorial.get(&i).map(Vec::as_slice).unwrap_or(&[]);
                    (paragraphs, unwrap_decided(count, decided))
                }
            };
            let handler = if matches!(
                rule.action,
                HtmlAction::Extract(_)
                    | HtmlAction::RemoveEmpty(_)
                    | HtmlAction::TightenLists { .. }
                    | HtmlAction::DemotePictureHeadings(_)
            ) {
                // Their decisions were counted over every match in document order.
                element_handler(handler)
            } else {
                skip_code_text(Rc::clone(&code_depth), handler)
            };
            settings = settings.append_element_content_handler((Cow::Borrowed(selector), handler));
        }
        if !comment_rules.is_empty() {
            let counts = &counts;
            let removed_depth = Rc::clone(&removed_depth);
            let code_depth = Rc::clone(&code_depth);
            settings = settings.append_document_content_handler(
                DocumentContentHandlers::default().comments(move |c: &mut Comment| {
                    if code_depth.get() > 0 {
                        let raw = body.get(c.source_location().bytes()).unwrap_or("");
                        if literal::bogus_comment_text(raw).is_some() {
                            // `Class<?>`: code text, not a comment.
                            return Ok(());
                        }
                    }
                    if crate::suppress::is_directive(&c.text()) {
                        // The post's own opt-out: kept, so the next run reads it too.
                        return Ok(());
                    }
                    for (i, pattern) in &comment_rules {
                        if c.removed() || removed_depth.get() > 0 {
                            break;
                        }
                        if pattern.is_none_or(|p| p.is_match(&c.text())) {
                            c.remove();
                            counts[*i].bump(c.source_location().bytes().start);
                        }
                    }
                    Ok(())
                }),
            );
        }
        let mut rewriter = HtmlRewriter::new(settings, |bytes: &[u8]| {
            output.extend_from_slice(bytes);
        });
        rewriter.write(body.as_bytes())?;
        rewriter.end()?;
    }
    let html = String::from_utf8(output)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());

    let fired = rules
        .iter()
        .zip(&counts)
        .filter(|(_, t)| t.count.get() > 0)
        .map(|(r, t)| Fired {
            meta: &r.meta,
            count: t.count.get(),
            offset: t.first.get(),
        })
        .collect();
    let mut extracted = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        if let HtmlAction::Extract(e) = &rule.action
            && !e.field.is_empty()
        {
            let first = decisions.get(&i).and_then(|d| d.iter().flatten().next());
            if let Some(value) = first {
                extracted.push(Extracted {
                    meta: &rule.meta,
                    field: &e.field,
                    value: value.clone(),
                    keep_existing: e.keep_existing,
                });
            }
        }
    }
    Ok(Cleaned {
        html,
        fired,
        extracted,
    })
}

/// A rule's selector narrowed to a body (see [`HtmlRule::selector_for`]) if it was, else its own.
pub(crate) fn pick<'a>(narrowed: Option<&'a Selector>, own: &'a Selector) -> &'a Selector {
    narrowed.unwrap_or(own)
}

/// What a streaming editorial rule is handed: its counter and the removed-content depth.
fn hooks<'h>(count: &'h Tally, removed_depth: &Rc<Cell<u32>>) -> crate::flow::Hooks<'h> {
    crate::flow::Hooks {
        bump: Rc::new(move |offset| count.bump(offset)),
        removed_depth: Rc::clone(removed_depth),
    }
}

type Handler<'h> = Box<dyn FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h>;

/// The elements inside which mis-tokenized code text is recovered.
const CODE_ELEMENTS: &str = "pre, code, tt, samp";
/// [`CODE_ELEMENTS`]' tags: a body that writes none of them has no code to track.
const CODE_TAGS: [&str; 4] = ["pre", "code", "tt", "samp"];

thread_local! {
    /// [`CODE_ELEMENTS`] parsed once per thread: a Markdown body is cleaned island by island,
    /// and parsing the selector for each of 100,000 islands was a tenth of the work.
    static CODE_SELECTOR: Selector = CODE_ELEMENTS.parse().expect("valid selector");
}

fn code_elements() -> Selector {
    CODE_SELECTOR.with(Selector::clone)
}

/// Counts the open code elements.
fn track_code<'h>(depth: Rc<Cell<u32>>) -> Handler<'h> {
    Box::new(move |el| {
        if let Some(handlers) = el.end_tag_handlers() {
            depth.set(depth.get() + 1);
            let depth = Rc::clone(&depth);
            handlers.push(Box::new(move |_end| {
                depth.set(depth.get().saturating_sub(1));
                Ok(())
            }));
        }
        Ok(())
    })
}

/// Runs `inner` unless the element is code text inside code.
fn skip_code_text<'h>(depth: Rc<Cell<u32>>, mut inner: Handler<'h>) -> ElementContentHandlers<'h> {
    element_handler(Box::new(move |el| {
        if depth.get() > 0 {
            let names: Vec<String> = el.attributes().iter().map(|a| a.name()).collect();
            let name = el.tag_name_preserve_case();
            if literal::is_literal_tag(&name, names.iter().map(String::as_str)) {
                return Ok(());
            }
        }
        inner(el)
    }))
}

fn element_handler(handler: Handler<'_>) -> ElementContentHandlers<'_> {
    ElementContentHandlers::default().element(handler)
}

fn bump(count: &Tally, el: &Element<'_, '_>) {
    count.bump(el.source_location().bytes().start);
}

fn remove(count: &Tally, removed_depth: Rc<Cell<u32>>) -> Handler<'_> {
    Box::new(move |el| {
        if !el.removed() {
            remove_tracked(el, &removed_depth);
            bump(count, el);
        }
        Ok(())
    })
}

/// Remove an element and keep `removed_depth` counting while we are inside it.
fn remove_tracked(el: &mut Element<'_, '_>, removed_depth: &Rc<Cell<u32>>) {
    el.remove();
    if let Some(handlers) = el.end_tag_handlers() {
        removed_depth.set(removed_depth.get() + 1);
        let depth = Rc::clone(removed_depth);
        handlers.push(Box::new(move |_end| {
            depth.set(depth.get().saturating_sub(1));
            Ok(())
        }));
    }
}

fn unwrap(count: &Tally) -> Handler<'_> {
    Box::new(move |el| {
        if unwrap_element(el) {
            bump(count, el);
        }
        Ok(())
    })
}

/// Removes an element's tags and keeps its content; false (and nothing done) for removed
/// elements and raw-text elements.
fn unwrap_element(el: &mut Element<'_, '_>) -> bool {
    {
        // Unwrapping a raw-text element would turn its text into live markup.
        let name = el.tag_name();
        if !el.removed() && !RAW_TEXT_ELEMENTS.contains(&name.as_str()) {
            el.remove_and_keep_content();
            // An element closed implicitly (`<li>a<li>b</ul>`) ends at an ancestor's end tag,
            // and lol_html would drop that tag with it: put the ancestor's end tag back.
            if let Some(handlers) = el.end_tag_handlers() {
                handlers.push(Box::new(move |end| {
                    if !end.name().eq_ignore_ascii_case(&name) {
                        let tag = format!("</{}>", end.name());
                        end.before(&tag, ContentType::Html);
                    }
                    Ok(())
                }));
            }
            return true;
        }
        false
    }
}

/// Removes the elements `decided` names (by match number): `remove_empty`, and `extract`
/// (whose decision is the value found).
fn remove_decided<'h, T>(
    count: &'h Tally,
    decided: &'h [Option<T>],
    removed_depth: Rc<Cell<u32>>,
) -> Handler<'h> {
    let mut index = 0;
    Box::new(move |el| {
        let matched = decided.get(index).is_some_and(Option::is_some);
        index += 1;
        if matched && !el.removed() {
            remove_tracked(el, &removed_depth);
            bump(count, el);
        }
        Ok(())
    })
}

/// Unwraps the elements `decided` names (by match number), counting one change per group (a
/// list): `tighten_lists`.
fn unwrap_decided<'h>(count: &'h Tally, decided: &'h [Option<u32>]) -> Handler<'h> {
    let mut index = 0;
    let mut last_group = None;
    Box::new(move |el| {
        let group = decided.get(index).copied().flatten();
        index += 1;
        if group.is_some() && unwrap_element(el) && last_group != group {
            last_group = group;
            bump(count, el);
        }
        Ok(())
    })
}

fn remove_attributes<'h>(count: &'h Tally, names: &'h [String]) -> Handler<'h> {
    Box::new(move |el| {
        if el.removed() {
            return Ok(());
        }
        let mut changed = false;
        for name in names {
            if el.has_attribute(name) {
                el.remove_attribute(name);
                changed = true;
            }
        }
        if changed {
            bump(count, el);
        }
        Ok(())
    })
}

fn set_attribute<'h>(count: &'h Tally, name: &'h str, value: &'h AttributeValue) -> Handler<'h> {
    Box::new(move |el| {
        if el.removed() {
            return Ok(());
        }
        let (new, drop_from) = match value {
            AttributeValue::Literal(v) => (Some(v.clone()), None),
            AttributeValue::From { attribute, remove } => (
                el.get_attribute(attribute).filter(|v| !v.trim().is_empty()),
                remove.then_some(attribute.as_str()),
            ),
        };
        let Some(new) = new else { return Ok(()) };
        let mut changed = false;
        if el.get_attribute(name).as_deref() != Some(new.as_str()) {
            el.set_attribute(name, &new)?;
            changed = true;
        }
        if let Some(from) = drop_from.filter(|f| *f != name) {
            el.remove_attribute(from);
            changed = true;
        }
        if changed {
            bump(count, el);
        }
        Ok(())
    })
}

fn rewrite_attribute<'h>(count: &'h Tally, name: &'h str, rewrite: &'h Rewrite) -> Handler<'h> {
    Box::new(move |el| {
        if el.removed() {
            return Ok(());
        }
        let Some(raw) = el.get_attribute(name) else {
            return Ok(());
        };
        // Patterns see the value as a browser does: entities decoded.
        let value = htmlize::unescape_attribute(&raw);
        if let Some(new) = rewrite.apply(&value).filter(|new| *new != value) {
            // lol_html escapes `"` but not `&`.
            el.set_attribute(name, &new.replace('&', "&amp;"))?;
            bump(count, el);
        }
        Ok(())
    })
}

/// Renames the elements `decided` names (by match number) to `name`:
/// `demote_picture_headings`.
fn rename_decided<'h>(
    count: &'h Tally,
    decided: &'h [Option<u32>],
    name: &'static str,
) -> Handler<'h> {
    let mut index = 0;
    Box::new(move |el| {
        let matched = decided.get(index).is_some_and(Option::is_some);
        index += 1;
        if matched && !el.removed() {
            el.set_tag_name(name)?;
            bump(count, el);
        }
        Ok(())
    })
}

/// For each extract rule (by index into `rules`), the value found in each element its selector
/// matches, in document order; `None` where the text did not match or `max` was reached.
fn scan_extracts(
    body: &str,
    rules: &[&HtmlRule],
) -> Result<std::collections::HashMap<usize, Vec<Option<String>>>, lol_html::errors::RewritingError>
{
    let extracts: Vec<(usize, &Extract)> = rules
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match &r.action {
            HtmlAction::Extract(e) => Some((i, e)),
            _ => None,
        })
        .collect();
    let mut decisions = std::collections::HashMap::new();
    if extracts.is_empty() {
        return Ok(decisions);
    }
    // One capture per distinct selector (rules often share one, e.g. `p`), holding the raw
    // text of each matched element and the stack of open matches.
    let mut groups: Vec<(&str, &Selector)> = Vec::new();
    let group_of: Vec<usize> = extracts
        .iter()
        .map(
            |(_, e)| match groups.iter().position(|(t, _)| *t == e.selector_text) {
                Some(g) => g,
                None => {
                    groups.push((&e.selector_text, &e.selector));
                    groups.len() - 1
                }
            },
        )
        .collect();
    let captures: Vec<Rc<RefCell<Capture>>> = groups
        .iter()
        .map(|_| Rc::new(RefCell::new(Capture::default())))
        .collect();
    {
        let mut settings = Settings::new()
            .with_strict(false)
            .with_memory_settings(memory_settings());
        for ((_, selector), capture) in groups.iter().zip(&captures) {
            let on_element = Rc::clone(capture);
            let on_text = Rc::clone(capture);
            let handlers = ElementContentHandlers::default()
                .element(move |el: &mut Element| {
                    let index = {
                        let mut c = on_element.borrow_mut();
                        c.texts.push(String::new());
                        let index = c.texts.len() - 1;
                        c.open.push(index);
                        index
                    };
                    if el.can_have_content() {
                        let on_end = Rc::clone(&on_element);
                        if let Some(handlers) = el.end_tag_handlers() {
                            handlers.push(Box::new(move |_end| {
                                crate::open_stack::close(&mut on_end.borrow_mut().open, &index);
                                Ok(())
                            }));
                        }
                    } else {
                        crate::open_stack::close(&mut on_element.borrow_mut().open, &index);
                    }
                    Ok(())
                })
                .text(move |t: &mut TextChunk| {
                    if t.text_type().allows_html_entities() {
                        let mut c = on_text.borrow_mut();
                        if let Some(&open) = c.open.last() {
                            c.texts[open].push_str(t.as_str());
                        }
                    }
                    Ok(())
                });
            settings =
                settings.append_element_content_handler((Cow::Borrowed(*selector), handlers));
        }
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter.write(body.as_bytes())?;
        rewriter.end()?;
    }
    // Each element's text as a browser shows it, decoded once per group.
    let texts: Vec<Vec<String>> = captures
        .iter()
        .map(|c| {
            c.borrow()
                .texts
                .iter()
                .map(|raw| collapse_whitespace(&htmlize::unescape(raw)))
                .collect()
        })
        .collect();
    for ((i, e), group) in extracts.iter().zip(group_of) {
        let mut found = 0;
        let values = texts[group]
            .iter()
            .map(|text| {
                if e.max.is_some_and(|max| found >= max) {
                    return None;
                }
                if e.field.is_empty() {
                    // `remove: {selector, text_matches}`: the text decides, nothing is kept.
                    return e
                        .pattern
                        .as_ref()
                        .is_some_and(|p| p.is_match(text))
                        .then(String::new);
                }
                let value = match &e.pattern {
                    None => Some(text.clone()).filter(|t| !t.is_empty()),
                    Some(p) => p.captures(text).map(|c| {
                        c.get(1)
                            .or_else(|| c.get(0))
                            .map_or(String::new(), |m| m.as_str().trim().to_owned())
                    }),
                }?;
                (!value.is_empty()).then(|| {
                    found += 1;
                    value
                })
            })
            .collect();
        decisions.insert(*i, values);
    }
    Ok(decisions)
}

#[derive(Default)]
struct Capture {
    texts: Vec<String>,
    open: Vec<usize>,
}

/// Trim and collapse runs of whitespace (including U+3000 indents) to one space.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleSource, Rules};

    type Run = (String, Vec<(String, u32)>, Vec<(String, String)>);

    fn run(rules: &str, body: &str) -> Run {
        let rules = Rules::from_text(rules, RuleSource::File("t.yaml".into())).unwrap();
        let sets: Vec<&RuleSet> = rules.sets.iter().collect();
        let c = clean(body, &sets, &Skip::none()).unwrap();
        (
            c.html,
            c.fired
                .iter()
                .map(|f| (f.meta.id.clone(), f.count))
                .collect(),
            c.extracted
                .iter()
                .map(|e| (e.field.to_owned(), e.value.clone()))
                .collect(),
        )
    }

    #[test]
    fn remove_unwrap_and_counts() {
        let (html, fired, _) = run(
            "html:\n  - id: u\n    unwrap: 'span[id^=\"stock_\"], a.keyword'\n  - id: r\n    remove: 'span[id^=\"quote_\"]'\n",
            r#"<p>a<span id="stock_sz1"><a class="keyword" href="x">b</a></span><span id="quote_sz1"></span>c</p>"#,
        );
        assert_eq!(html, "<p>abc</p>");
        assert_eq!(fired, [("u".into(), 2), ("r".into(), 1)]);
    }

    #[test]
    fn nothing_counted_inside_removed_content() {
        let (html, fired, _) = run(
            "html:\n  - id: r\n    remove: div.ad\n  - id: a\n    remove_attributes: { selector: img, names: [referrerpolicy] }\n  - id: c\n    remove_comments: true\n",
            r#"<div class="ad"><img referrerpolicy="x"><!-- c --></div><img referrerpolicy="y">"#,
        );
        assert_eq!(html, "<img>");
        assert_eq!(fired, [("r".into(), 1), ("a".into(), 1)]);
    }

    #[test]
    fn comments_by_pattern() {
        let (html, fired, _) = run(
            "html:\n  - id: c\n    remove_comments: '^\\s*news_'\n",
            "<!-- news_keyword_pub --><p>x</p><!-- keep -->",
        );
        assert_eq!(html, "<p>x</p><!-- keep -->");
        assert_eq!(fired, [("c".into(), 1)]);
    }

    #[test]
    fn lazy_image_source() {
        let (html, _, _) = run(
            "html:\n  - id: l\n    set_attribute: { selector: 'img[data-original]', name: src, from: data-original, remove_from: true }\n",
            r#"<img data-original="http://a/1.jpg?x=1&amp;y=2" src="data:image/gif;base64,R0">"#,
        );
        assert_eq!(html, r#"<img src="http://a/1.jpg?x=1&amp;y=2">"#);
    }

    #[test]
    fn unwrap_keeps_the_end_tag_of_an_implicitly_closing_ancestor() {
        let (html, _, _) = run(
            "html:\n  - id: u\n    unwrap: li, span\n",
            "<ul><li>a<li>b<li>c</ul>x<p><span>d</p>e<div><span><span>f</div>",
        );
        assert_eq!(html, "<ul>abc</ul>x<p>d</p>e<div>f</div>");
    }

    #[test]
    fn unwrap_refuses_raw_text_elements() {
        let (html, fired, _) = run(
            "html:\n  - id: u\n    unwrap: style, b\n",
            "<style>a&lt;b</style><b>x</b>",
        );
        assert_eq!(html, "<style>a&lt;b</style>x");
        assert_eq!(fired, [("u".into(), 1)]);
    }

    #[test]
    fn extract_only_matching_elements() {
        let (html, fired, extracted) = run(
            "html:\n  - id: e\n    extract: { selector: p, field: source, pattern: '^来源：\\s*(.+)$', max: 1 }\n",
            "<p>　　来源：大众日报</p><p>正文</p><p>来源：第二</p>",
        );
        assert_eq!(html, "<p>正文</p><p>来源：第二</p>");
        assert_eq!(fired, [("e".into(), 1)]);
        assert_eq!(extracted, [("source".into(), "大众日报".into())]);
    }

    #[test]
    fn rewrite_attribute_decodes_and_reencodes() {
        let (html, fired, _) = run(
            "html:\n  - id: r\n    rewrite_attribute: { selector: a, name: href, pattern: '^https://link\\.juejin\\.cn/\\?target=([^&]+).*$', replace: '$1', url_decode: true }\n",
            r#"<a href="https://link.juejin.cn/?target=https%3A%2F%2Fa.b%2Fx%3Fp%3D1%26q%3D2&amp;utm=1">x</a><a href="/keep">y</a>"#,
        );
        assert_eq!(
            html,
            r#"<a href="https://a.b/x?p=1&amp;q=2">x</a><a href="/keep">y</a>"#
        );
        assert_eq!(fired, [("r".into(), 1)]);
    }

    #[test]
    fn extract_decodes_entities() {
        let (_, _, extracted) = run(
            "html:\n  - id: e\n    extract: { selector: p.article-editor, field: editor, pattern: '责任编辑：\\s*(.+)' }\n",
            r#"<p class="article-editor">责任编辑：A&amp;B </p>"#,
        );
        assert_eq!(extracted, [("editor".into(), "A&B".into())]);
    }
}
