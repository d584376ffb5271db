//! One post of a report run: read it, transform it as `check` would, and for a changed post
//! render and write its page. What comes back is small (the list entry, the rules, counts), so a
//! run of 50,000 posts keeps only that in memory.

use super::frame::markdown_to_html;
use super::index_page::{Entry, post_file};
use super::out_dir;
use super::post_page::{self, PostInput};
use crate::body::BodyMode;
use crate::config::Config;
use crate::document::Document;
use crate::frontmatter::{FrontMatter, value_text};
use crate::memo::{self, Failure, Need};
use crate::pipeline::{OutputFormat, PostWarning};
use crate::plan::PostNaming;
use crate::report::FiredRule;
use crate::walk::Post;
use anyhow::Result;
use std::path::Path;

/// What became of one post.
#[derive(Debug)]
pub enum Reviewed {
    Unchanged {
        path: String,
        warnings: Vec<PostWarning>,
    },
    /// Its page is written; `entry` lists it.
    Changed {
        entry: Entry,
        fired: Vec<FiredRule>,
        warnings: Vec<PostWarning>,
    },
    Failed {
        path: String,
        message: String,
    },
}

/// What every post of the run shares.
pub struct Context<'a> {
    pub cwd: &'a Path,
    pub config: &'a Config,
    pub out: &'a Path,
    /// What `when.path` globs are relative to, as for `check`.
    pub rule_base: crate::run::RuleBase,
    /// The result cache, as for `check`.
    pub cache: Option<&'a crate::cache::Cache>,
}

/// Review post `number` (its place in the walk, which names its page).
pub fn review(
    post: &Post,
    naming: &PostNaming,
    number: usize,
    cx: &Context<'_>,
) -> Result<Reviewed> {
    let path = crate::run::display_path(&post.path, cx.cwd);
    let fail = |message: String| {
        Ok(Reviewed::Failed {
            path: path.clone(),
            message,
        })
    };
    let bytes = match crate::run::read_post(&post.path, cx.config.max_post_size) {
        Ok((bytes, _)) => bytes,
        Err(message) => return fail(message),
    };
    let Ok(text) = simdutf8::basic::from_utf8(&bytes) else {
        return fail("not UTF-8 text: convert it first (e.g. with iconv)".into());
    };
    let rule_path = cx.rule_base.relative(&post.path, &post.relative);
    let memo = match memo::transform(text, &rule_path, cx.config, Need::Output, cx.cache) {
        Ok(m) => m,
        Err(Failure::Post(e)) => {
            let at = match (e.line, e.column) {
                (Some(l), Some(c)) => format!("line {l}:{c}: "),
                (Some(l), None) => format!("line {l}: "),
                _ => String::new(),
            };
            return fail(format!("{at}{}", e.message));
        }
        Err(Failure::Internal) => {
            return fail(
                "internal error while converting this post (a bug: please report it with the post)"
                    .into(),
            );
        }
    };
    if let Some(planned) = naming.date
        && let Some(date) = &memo.date
        && *date != planned.to_string()
    {
        return fail(format!(
            "its converted date ({date}) is not the one its Jekyll name was made from ({planned})"
        ));
    }
    let mut warnings = memo.warnings.clone();
    warnings.extend(naming.warnings.iter().cloned());
    let renamed = naming.rename.is_some();
    if !memo.changed && !renamed {
        return Ok(Reviewed::Unchanged { path, warnings });
    }
    let output: &str = memo.output.as_deref().unwrap_or(text);
    let mut fired = memo.fired.clone();
    if renamed {
        fired.push(crate::run::jekyll_rename_rule());
    }

    let original_body = Document::split(text).body;
    let original_html = match cx.config.options.body.resolve(original_body) {
        BodyMode::Markdown => markdown_to_html(original_body),
        _ => original_body.to_owned(),
    };
    let converted_body = Document::split(output).body;
    let converted_html = match cx.config.options.to {
        OutputFormat::Html => converted_body.to_owned(),
        OutputFormat::Markdown => markdown_to_html(converted_body),
    };
    let title = title(output).or_else(|| title(text));
    let (page, added, removed) = post_page::render(&PostInput {
        path: &path,
        renamed_to: naming.shown_as.as_deref(),
        title: title.as_deref(),
        original: text,
        converted: output,
        original_html: &original_html,
        converted_html: &converted_html,
        fired: &fired,
        warnings: &warnings,
    });
    out_dir::write(cx.out, &post_file(number), page.as_bytes())?;
    Ok(Reviewed::Changed {
        entry: Entry {
            number,
            path,
            title: title.unwrap_or_default(),
            rules: fired.iter().map(|f| f.id.clone()).collect(),
            added,
            removed,
        },
        fired,
        warnings,
    })
}

/// The `title:` of a post's front matter, as text.
fn title(text: &str) -> Option<String> {
    let fm = FrontMatter::parse(Document::split(text).front_matter?).ok()?;
    fm.get("title").map(value_text)
}
