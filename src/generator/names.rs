//! File names and URLs as each generator sees them.
//!
//! - Jekyll builds a file in `_posts` only when its name starts with a date
//!   (`YYYY-MM-DD-title.md`, `lib/jekyll/document.rb` `DATE_FILENAME_MATCHER`); drafts in
//!   `_drafts` and documents of other collections have none.
//! - Hugo gives a page the URL of its path in `content/`, each part "sanitized" and lowercased
//!   (or `slug:` for the last part, or `url:` for all of it), so two files can share one URL, and
//!   Hugo then builds only one of them. [`hugo_sanitize`] is Hugo's `paths.Sanitize`, checked
//!   against the URLs Hugo 0.111 gives the corpus (`tests/fixtures/hugo/urls.tsv`).
//! - Hexo skips files and folders whose names start with `_` or `.` (`isHiddenFile` in
//!   `lib/plugins/processor/common.ts`), below `source/_posts` as anywhere else.

use jiff::civil::Date;

/// What the generator reads from a post's front matter to name and route it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostFacts {
    /// The post's date, in the site's zone.
    pub date: Option<Date>,
    /// The day the file was last modified, in the site's zone: what a Jekyll post without a
    /// date is named by (Hexo, too, dates such a post by its file).
    pub file_date: Option<Date>,
    pub slug: Option<String>,
    pub url: Option<String>,
}

/// Whether a file name starts with the date Jekyll needs: `2021-08-13-` (Jekyll also accepts
/// one-digit months and days, and two-digit years).
pub fn has_jekyll_date(file_name: &str) -> bool {
    let mut parts = file_name.splitn(4, '-');
    let digits = |p: Option<&str>, min: usize, max: usize| {
        p.is_some_and(|p| (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
    };
    digits(parts.next(), 2, 4)
        && digits(parts.next(), 1, 2)
        && digits(parts.next(), 1, 2)
        && parts.next().is_some_and(|rest| !rest.is_empty())
}

/// Jekyll's name for a post file named `file_name` with date `date`: `YYYY-MM-DD-` before the
/// name. `None` when the name already has a date.
pub fn jekyll_file_name(file_name: &str, date: Date) -> Option<String> {
    if has_jekyll_date(file_name) {
        return None;
    }
    Some(format!("{}-{file_name}", date.strftime("%Y-%m-%d")))
}

/// Whether Jekyll needs a date in the name of the file at `relative`: a post in `_posts`, or a
/// file in a folder of posts that is in no Jekyll folder at all (converted to go into
/// `_posts`). Drafts (`_drafts`) and documents of other collections (`_recipes`) have none.
pub fn jekyll_needs_date(relative: &str) -> bool {
    let mut folders: Vec<&str> = relative.split('/').collect();
    folders.pop();
    folders
        .iter()
        .rev()
        .find(|f| f.starts_with('_'))
        .is_none_or(|f| *f == "_posts")
}

/// Hexo skips this post: a part of its path below `_posts`/`_drafts` (or of the whole path
/// when it has neither) starts with `_` or `.`. Returns that part.
pub fn hexo_hidden_part(relative: &str) -> Option<&str> {
    let parts: Vec<&str> = relative.split('/').collect();
    let start = parts
        .iter()
        .rposition(|p| *p == "_posts" || *p == "_drafts")
        .map_or(0, |i| i + 1);
    parts[start..]
        .iter()
        .copied()
        .find(|p| p.starts_with('_') || p.starts_with('.'))
}

/// Hugo's `paths.Sanitize` (0.111): letters, digits, marks and `. / \ _ # + ~ - @` are kept,
/// as is `%` before two hex digits; a run of white space becomes one `-` (none after a `-`);
/// everything else goes.
pub fn hugo_sanitize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut pending_hyphen = false;
    let mut was_hyphen = false;
    for (i, &c) in chars.iter().enumerate() {
        let allowed = matches!(c, '.' | '/' | '\\' | '_' | '#' | '+' | '~' | '-' | '@')
            || is_letter_or_digit(c)
            || is_mark(c)
            || (c == '%'
                && chars.get(i + 1).is_some_and(char::is_ascii_hexdigit)
                && chars.get(i + 2).is_some_and(char::is_ascii_hexdigit));
        if allowed {
            was_hyphen = c == '-';
            if pending_hyphen && !was_hyphen {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c);
        } else if c.is_whitespace() && !was_hyphen {
            pending_hyphen = true;
        }
    }
    if pending_hyphen {
        out.push('-');
    }
    out
}

/// Go's `unicode.IsLetter || unicode.IsDigit`: letters and decimal digits, not the other
/// numbers (`Ⅳ`, `①`, `²`, `½`), which Rust counts as alphabetic or numeric.
fn is_letter_or_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let other_number = matches!(u32::from(c),
        0x00B2 | 0x00B3 | 0x00B9 | 0x00BC..=0x00BE | 0x16EE..=0x16F0 | 0x2070..=0x2079
        | 0x2080..=0x2089 | 0x2150..=0x2189 | 0x2460..=0x249B | 0x24EA..=0x24FF
        | 0x2776..=0x2793 | 0x3007 | 0x3021..=0x3029 | 0x3038..=0x303A | 0x3192..=0x3195
        | 0x3220..=0x3229 | 0x3248..=0x324F | 0x3251..=0x325F | 0x3280..=0x3289
        | 0x32B1..=0x32BF | 0x10107..=0x10133 | 0x1F100..=0x1F10C);
    !other_number && (c.is_alphabetic() || c.is_numeric())
}

/// Combining marks (Unicode categories Mn, Mc, Me) in the scripts posts are written in.
fn is_mark(c: char) -> bool {
    matches!(u32::from(c),
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0E31 | 0x0E34..=0x0E3A | 0x0E47..=0x0E4E
        | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0x302A..=0x302F
        | 0x3099..=0x309A | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

/// The URL Hugo gives the content file at `relative` (its path inside `content/`, with `/`),
/// with the post's `slug:` and `url:`. Trailing slashes are dropped, so URLs compare.
pub fn hugo_url(relative: &str, facts: &PostFacts) -> String {
    if let Some(url) = facts
        .url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        let url = url.trim_end_matches('/');
        return if url.starts_with('/') {
            url.to_owned()
        } else {
            format!("/{url}")
        };
    }
    let (dir, file) = relative.rsplit_once('/').unwrap_or(("", relative));
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    // A bundle (`x/index.md`) or a section page (`x/_index.md`) is the folder's URL.
    let (dir, last) = match stem {
        "index" | "_index" => match dir.rsplit_once('/') {
            Some((parent, name)) => (parent, name),
            None => ("", dir),
        },
        _ => (dir, stem),
    };
    let last = match facts
        .slug
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(slug) => slug.trim_matches('-'),
        None => last,
    };
    let path = if dir.is_empty() {
        last.to_owned()
    } else {
        format!("{dir}/{last}")
    };
    let url = hugo_sanitize(&path).to_lowercase();
    format!("/{}", url.trim_end_matches('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jekyll_names() {
        let date = Date::constant(2021, 8, 13);
        assert_eq!(
            jekyll_file_name("东京.md", date).as_deref(),
            Some("2021-08-13-东京.md")
        );
        assert_eq!(jekyll_file_name("2021-08-13-东京.md", date), None);
        assert_eq!(jekyll_file_name("21-8-1-x.md", date), None);
        assert_eq!(
            jekyll_file_name("2021-08-13.md", date).as_deref(),
            Some("2021-08-13-2021-08-13.md")
        );
        assert_eq!(
            jekyll_file_name("2021年.md", date).as_deref(),
            Some("2021-08-13-2021年.md")
        );
        assert!(!jekyll_needs_date("site/_drafts/x.md"));
        assert!(!jekyll_needs_date("_recipes/soup.md"));
        assert!(jekyll_needs_date("_posts/2021/x.md"));
        assert!(jekyll_needs_date("posts/x.md"));
        assert!(jekyll_needs_date("x.md"));
    }

    #[test]
    fn hexo_hidden() {
        assert_eq!(hexo_hidden_part("_x.md"), Some("_x.md"));
        assert_eq!(hexo_hidden_part("source/_posts/a/_b/c.md"), Some("_b"));
        assert_eq!(hexo_hidden_part("source/_posts/a/c.md"), None);
        assert_eq!(hexo_hidden_part("_posts/x.md"), None);
        assert_eq!(hexo_hidden_part("a/.x.md"), Some(".x.md"));
    }

    #[test]
    fn hugo_urls() {
        let none = PostFacts::default();
        for (path, url) in [
            (
                "posts/第10话 - 说谎者的宴会.md",
                "/posts/第10话-说谎者的宴会",
            ),
            (
                "posts/2022 热 梗 年 度 总 结 ！！！.md",
                "/posts/2022-热-梗-年-度-总-结-",
            ),
            ("posts/ .md", "/posts/-"),
            ("posts/i--j.md", "/posts/i--j"),
            ("posts/p%41q r%zz.md", "/posts/p%41q-rzz"),
            ("posts/S T/index.md", "/posts/s-t"),
            ("posts/_index.md", "/posts"),
            ("Ω.md", "/ω"),
        ] {
            assert_eq!(hugo_url(path, &none), url, "{path}");
        }
        let slug = PostFacts {
            slug: Some("-My Slug-".into()),
            ..PostFacts::default()
        };
        assert_eq!(hugo_url("posts/a.md", &slug), "/posts/my-slug");
        let url = PostFacts {
            url: Some("a/B/".into()),
            ..PostFacts::default()
        };
        assert_eq!(hugo_url("posts/a.md", &url), "/a/B");
    }
}
