//! Which rules can act on a body at all, decided before any rewriter is built.
//!
//! Building a lol_html rewriter compiles every selector it is given, and that costs far more
//! than reading a short body: a Markdown post is cleaned island by island, so 100,000 small
//! raw-HTML islands built 200,000 rewriters of ~40 selectors each (19 s). Most rules say what
//! the elements they act on must carry (`remove: div.appendQr_wrap` needs a `div` start tag
//! with a `class` attribute; `remove_attributes: '[style]'` needs a `style` attribute): such a
//! rule is left out of the rewriters for bodies that write none of what it needs, which changes
//! nothing but the work. lol_html builds elements only from start tags in the text (it does not
//! imply elements or attributes the way a browser's tree builder does), so a tag or attribute
//! that is not written cannot be matched.
//!
//! The body is read with an over-approximation of the HTML tokenizer: it may see a tag or an
//! attribute that the tokenizer does not (inside a comment, say), which only keeps a rule; it
//! never misses one the tokenizer sees.

/// What one comma-separated part of a selector needs written on an element for it to match:
/// the tag name and/or attribute names, all lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Needs {
    pub tag: Option<String>,
    pub attributes: Vec<String>,
}

impl Needs {
    fn met_by(&self, names: &BodyNames) -> bool {
        self.tag.as_deref().is_none_or(|t| names.has_tag(t))
            && self.attributes.iter().all(|a| names.has_attribute(a))
    }
}

/// What a selector's subject needs, one [`Needs`] per comma-separated part; `None` when some
/// part can match any element (`*`, `:not(x)` alone, `div *`) or has a shape this reading does
/// not know (then the rule is always kept).
pub fn subject_needs(selector: &str) -> Option<Vec<Needs>> {
    let mut parts = Vec::new();
    for part in split_top_level(selector, |c| c == ',') {
        let compounds =
            split_top_level(part, |c| c.is_whitespace() || matches!(c, '>' | '+' | '~'));
        let subject = compounds.into_iter().rev().find(|c| !c.trim().is_empty())?;
        let needs = compound_needs(subject.trim())?;
        if needs.tag.is_none() && needs.attributes.is_empty() {
            return None;
        }
        parts.push(needs);
    }
    (!parts.is_empty()).then_some(parts)
}

/// The comma-separated parts of a selector, trimmed, in order: one per [`Needs`] that
/// [`subject_needs`] gives.
pub fn subject_parts(selector: &str) -> Vec<String> {
    split_top_level(selector, |c| c == ',')
        .into_iter()
        .map(|p| p.trim().to_owned())
        .collect()
}

/// What one compound selector (`p.x[data-y]:not(.z)`) needs; `None` for shapes not understood
/// (namespaces, escapes).
fn compound_needs(compound: &str) -> Option<Needs> {
    if compound.contains(['|', '\\']) {
        return None;
    }
    let name_len = compound
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
        .unwrap_or(compound.len());
    let name = &compound[..name_len];
    let mut needs = Needs::default();
    if !name.is_empty() {
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        needs.tag = Some(name.to_ascii_lowercase());
    }
    // Simple selectors at the top level (not inside `:not(...)` or an attribute's value).
    let bytes = compound.as_bytes();
    let (mut depth, mut i) = (0usize, name_len);
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b'"' | b'\'' => {
                let quote = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += 1;
                }
            }
            b'.' if depth == 0 => needs.attributes.push("class".into()),
            b'#' if depth == 0 => needs.attributes.push("id".into()),
            b'[' if depth == 0 => {
                let rest = compound[i + 1..].trim_start();
                let len = rest
                    .find(|c: char| {
                        matches!(c, ']' | '=' | '~' | '^' | '$' | '*' | '!') || c.is_whitespace()
                    })
                    .unwrap_or(rest.len());
                if len == 0 {
                    return None;
                }
                needs.attributes.push(rest[..len].to_ascii_lowercase());
                // Skip to the closing bracket, past any quoted value.
                let mut quote = None;
                while i < bytes.len() {
                    match (quote, bytes[i]) {
                        (Some(q), c) if c == q => quote = None,
                        (None, b'"' | b'\'') => quote = Some(bytes[i]),
                        (None, b']') => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    needs.attributes.sort();
    needs.attributes.dedup();
    Some(needs)
}

/// Whether a rule whose subjects need `needs` could act on a body that writes `names`.
pub fn may_act(needs: &[Needs], names: &BodyNames) -> bool {
    needs.iter().any(|n| n.met_by(names))
}

/// `text` cut at the characters `is_separator` accepts, outside `[...]`, `(...)` and quotes.
fn split_top_level(text: &str, is_separator: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0usize, None::<char>, 0usize);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(') => depth += 1,
            (None, ']' | ')') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && is_separator(c) => {
                parts.push(&text[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.retain(|p| !p.trim().is_empty());
    parts
}

/// What a body writes, as far as selectors can see: its start tag names (found by one pass
/// over the text) and, on demand, whether an attribute name occurs in it at all.
#[derive(Debug)]
pub struct BodyNames<'b> {
    html: &'b str,
    /// Distinct start tag names, lowercased and sorted: few enough that a binary search beats
    /// hashing (this is asked once per rule per body).
    tags: Vec<String>,
    /// Whether some `<` could open a comment as the tokenizer reads one: `<!`, `<?`, or `</`
    /// not followed by a letter (a bogus comment).
    comments: bool,
    /// The body with ASCII letters lowercased, made the first time an attribute is asked for.
    lowered: std::cell::OnceCell<Vec<u8>>,
    /// Attribute names asked for so far, and the answers: rules ask for the same few
    /// (`class`, `style`, `src`) over and over, and each search reads the whole body.
    asked: std::cell::RefCell<Vec<(String, bool)>>,
}

impl<'b> BodyNames<'b> {
    pub fn has_tag(&self, name: &str) -> bool {
        self.tags.binary_search_by(|t| t.as_str().cmp(name)).is_ok()
    }

    /// Whether the body may hold a comment (see the field).
    pub fn may_have_comments(&self) -> bool {
        self.comments
    }

    /// Whether `name` (lowercase) occurs anywhere in the body, in any ASCII case. An attribute
    /// the tokenizer reads has its name written in the text as is (names are not
    /// entity-decoded), so this never misses one; it may find the word in text or in a value,
    /// which only keeps a rule.
    pub fn has_attribute(&self, name: &str) -> bool {
        if let Some((_, found)) = self.asked.borrow().iter().find(|(n, _)| n == name) {
            return *found;
        }
        // Bytes, and the memchr crate's substring search: this runs over whole bodies.
        let lowered = self.lowered.get_or_init(|| {
            let mut bytes = self.html.as_bytes().to_vec();
            bytes.make_ascii_lowercase();
            bytes
        });
        let found = memchr::memmem::find(lowered, name.as_bytes()).is_some();
        self.asked.borrow_mut().push((name.to_owned(), found));
        found
    }
}

/// The names of every start tag written in `html`, lowercased: `<name` followed by whitespace,
/// `/`, `>` or the end, as the HTML tokenizer reads a tag name. One pass over the text; every
/// `<` is looked at, so a tag the tokenizer sees is never missed.
pub fn body_names(html: &str) -> BodyNames<'_> {
    let bytes = html.as_bytes();
    let mut tags: Vec<String> = Vec::new();
    let mut comments = false;
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        let start = i + off + 1;
        let mut end = start;
        match (bytes.get(start), bytes.get(start + 1)) {
            (Some(b'!' | b'?'), _) => comments = true,
            (Some(b'/'), next) if !next.is_some_and(u8::is_ascii_alphabetic) => comments = true,
            _ => {}
        }
        if bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
            while end < bytes.len()
                && !matches!(
                    bytes[end],
                    b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>'
                )
            {
                end += 1;
            }
            let name = &html[start..end];
            if !tags.iter().any(|t| t.eq_ignore_ascii_case(name)) {
                tags.push(name.to_ascii_lowercase());
            }
        }
        i = end.max(start);
    }
    tags.sort();
    BodyNames {
        html,
        tags,
        comments,
        lowered: std::cell::OnceCell::new(),
        asked: std::cell::RefCell::new(Vec::new()),
    }
}

fn memchr_lt(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'<', bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str) -> Needs {
        Needs {
            tag: Some(name.into()),
            attributes: vec![],
        }
    }

    fn needs(tag: Option<&str>, attributes: &[&str]) -> Needs {
        Needs {
            tag: tag.map(Into::into),
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn needs_of_typed_selectors() {
        assert_eq!(
            subject_needs("p, h1, LI"),
            Some(vec![tag("p"), tag("h1"), tag("li")])
        );
        assert_eq!(
            subject_needs("div.appendQr_wrap"),
            Some(vec![needs(Some("div"), &["class"])])
        );
        assert_eq!(subject_needs("ul > li p:not(.x, .y)"), Some(vec![tag("p")]));
        assert_eq!(
            subject_needs("a[href^='a, b.c']"),
            Some(vec![needs(Some("a"), &["href"])])
        );
        assert_eq!(
            subject_needs("span[id^=\"stock_\"], a.keyword"),
            Some(vec![
                needs(Some("span"), &["id"]),
                needs(Some("a"), &["class"])
            ])
        );
        assert_eq!(subject_needs("pre code"), Some(vec![tag("code")]));
    }

    #[test]
    fn needs_of_attribute_selectors() {
        assert_eq!(
            subject_needs("[style], [CMS-style], .ad, #x, *[data-a=\"]\"][b]"),
            Some(vec![
                needs(None, &["style"]),
                needs(None, &["cms-style"]),
                needs(None, &["class"]),
                needs(None, &["id"]),
                needs(None, &["b", "data-a"]),
            ])
        );
        assert_eq!(
            subject_needs("input:not([type=\"checkbox\"])"),
            Some(vec![tag("input")])
        );
    }

    #[test]
    fn selectors_that_can_match_anything_are_kept() {
        assert_eq!(subject_needs("*"), None);
        assert_eq!(subject_needs("p, *"), None);
        assert_eq!(subject_needs("div *"), None);
        assert_eq!(subject_needs(":not(p)"), None);
        assert_eq!(subject_needs("svg|rect"), None);
        assert_eq!(subject_needs("[xlink|href]"), None);
        assert_eq!(subject_needs(""), None);
    }

    #[test]
    fn start_tags_as_the_tokenizer_reads_them() {
        let names = body_names("<P class=x>a</p><pre>\n<br/><IMG\tsrc=y>< b><!-- <em> --><1>x<");
        // `<em>` inside a comment is counted too: over-counting only keeps a rule, never drops one.
        assert_eq!(names.tags, ["br", "em", "img", "p", "pre"]);
        assert!(names.has_attribute("class") && names.has_attribute("src"));
        assert!(!names.has_attribute("style"));
        assert!(names.may_have_comments());
        for (html, comments) in [
            ("<p>a</p><br/>", false),
            ("<?php x ?>", true),
            ("</ x>", true),
            ("a </", true),
            ("<!doctype html>", true),
        ] {
            assert_eq!(body_names(html).may_have_comments(), comments, "{html}");
        }
    }

    #[test]
    fn attributes_are_found_in_any_case_and_anywhere() {
        // A quote opened in a comment must not hide the attribute after it.
        let names = body_names("<!-- <a title=\"x --><P STYLE=y>\"");
        assert!(names.has_attribute("style"));
        assert!(may_act(&[needs(Some("p"), &["style"])], &names));
        assert!(!may_act(&[needs(Some("p"), &["class"])], &names));
        assert!(!may_act(&[needs(Some("a"), &["style", "href"])], &names));
    }
}
