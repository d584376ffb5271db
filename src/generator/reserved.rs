//! Front-matter fields a generator computes itself and overwrites, so a rule must not write them.
//!
//! The RSSHub scraper's Sina posts carry a `来源：` line that the sina-finance preset once moved
//! to `source:`; Hexo sets `source` to the post's file path, so every extracted value vanished
//! from the built site without a word. The lists below come from the generators' source:
//! - Hexo 8: `lib/plugins/processor/post.ts` sets `source`, `raw` and `slug` (from the file
//!   name) over the parsed front matter; `lib/models/post.ts` computes `path`, `full_source` and
//!   `asset_dir`; the render step sets `content` and `_content`, the excerpt filter `more`, the
//!   post generator `prev` and `next` (and its own `__post`, `__permalink`, `_id`). `permalink`
//!   and `excerpt` are honoured when set, so they are not reserved.
//! - Jekyll 4: `Drops::DocumentDrop` answers `path`, `relative_path`, `id`, `url`, `output`,
//!   `content`, `collection`, `next` and `previous` itself, before looking at the front matter.
//! - Hugo: front matter goes to `.Params`, but `hugolib/page__meta.go` replaces `draft`,
//!   `published` and `iscjklanguage` with the booleans it computes (keys are case-insensitive);
//!   a boolean set there is honoured, any other value is lost.

use super::Target;

/// A field the generator computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reserved {
    pub field: &'static str,
    /// What the generator puts there.
    pub holds: &'static str,
    /// A name to write the value under instead.
    pub instead: &'static str,
    /// The generator honours a boolean written there (Hugo's `draft`); any other value is lost.
    pub boolean_ok: bool,
}

const fn r(field: &'static str, holds: &'static str, instead: &'static str) -> Reserved {
    Reserved {
        field,
        holds,
        instead,
        boolean_ok: false,
    }
}

const HEXO: &[Reserved] = &[
    r("source", "the post's file path", "source_name"),
    r("raw", "the post file's whole text", "raw_text"),
    r("slug", "the post's file name", "original_slug"),
    r("path", "the post's URL path", "original_path"),
    r(
        "full_source",
        "the post file's full path",
        "original_source",
    ),
    r("asset_dir", "the post's asset folder", "original_asset_dir"),
    r("content", "the rendered post", "original_content"),
    r("_content", "the post's body", "original_content"),
    r(
        "more",
        "the rendered text after `<!-- more -->`",
        "more_text",
    ),
    r("prev", "the previous post", "previous_post"),
    r("next", "the next post", "next_post"),
    r("__post", "its own marker", "post_marker"),
    r("__permalink", "the post's `permalink`", "permalink"),
    r("_id", "its database id", "original_id"),
];

const JEKYLL: &[Reserved] = &[
    r("path", "the post's file path", "original_path"),
    r("relative_path", "the post's file path", "original_path"),
    r(
        "id",
        "the post's id (its URL without extension)",
        "original_id",
    ),
    r("url", "the post's URL", "original_url"),
    r("output", "the rendered page", "original_output"),
    r("content", "the rendered post", "original_content"),
    r(
        "collection",
        "the post's collection name",
        "original_collection",
    ),
    r("next", "the next post", "next_post"),
    r("previous", "the previous post", "previous_post"),
];

const HUGO: &[Reserved] = &[
    Reserved {
        boolean_ok: true,
        ..r("draft", "the page's draft flag, a boolean", "draft_note")
    },
    Reserved {
        boolean_ok: true,
        ..r(
            "published",
            "nothing: it reads it as the opposite of `draft` and drops it",
            "published_note",
        )
    },
    Reserved {
        boolean_ok: true,
        ..r(
            "iscjklanguage",
            "whether the page is Chinese, Japanese or Korean, a boolean",
            "cjk_note",
        )
    },
];

/// The fields `target` computes.
pub fn fields(target: Target) -> &'static [Reserved] {
    match target {
        Target::Hexo => HEXO,
        Target::Hugo => HUGO,
        Target::Jekyll => JEKYLL,
        Target::Plain => &[],
    }
}

/// `field` if `target` computes it (Hugo's keys are case-insensitive).
pub fn find(target: Target, field: &str) -> Option<&'static Reserved> {
    fields(target).iter().find(|r| match target {
        Target::Hugo => r.field.eq_ignore_ascii_case(field),
        _ => r.field == field,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert_eq!(find(Target::Hexo, "source").unwrap().instead, "source_name");
        assert!(find(Target::Hexo, "Source").is_none());
        assert!(find(Target::Hexo, "permalink").is_none());
        assert!(find(Target::Hugo, "isCJKLanguage").is_some());
        assert!(find(Target::Jekyll, "url").is_some());
        assert!(find(Target::Plain, "source").is_none());
        // A suggested name is never reserved itself.
        for target in [Target::Hexo, Target::Hugo, Target::Jekyll] {
            for r in fields(target) {
                for other in [Target::Hexo, Target::Hugo, Target::Jekyll] {
                    assert!(
                        find(other, r.instead).is_none(),
                        "{} for {other:?}",
                        r.instead
                    );
                }
            }
        }
    }
}
