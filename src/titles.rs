//! The `remove_redundant_titles` clean-up: an editorial choice the converter used to make
//! silently, now a rule that shows in `--explain` and can be turned off.
//!
//! `title="a.png"` on `<img src="/x/a.png">` is a tooltip that repeats what the reader sees.
//! CMSs fill titles that way (Juejin, woshipm, Dockone); `remove_redundant_titles` drops a
//! title that is blank or equals the URL, its file name, or the alt text. What it needs is on
//! the element itself, so it works in the rewriting pass.

use lol_html::html_content::Element;

/// The `remove_redundant_titles` handler.
pub(crate) fn handler<'h>(
    bump: impl Fn(usize) + 'h,
) -> Box<dyn FnMut(&mut Element<'_, '_>) -> lol_html::HandlerResult + 'h> {
    Box::new(move |el| {
        if el.removed() {
            return Ok(());
        }
        let Some(title) = el.get_attribute("title") else {
            return Ok(());
        };
        let title = htmlize::unescape_attribute(&title).into_owned();
        let decoded = |name: &str| {
            el.get_attribute(name)
                .map(|v| htmlize::unescape_attribute(&v).trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let urls: Vec<String> = [
            "href",
            "src",
            "data-src",
            "data-original",
            "_src",
            "data-actualsrc",
            "data-lazy-src",
        ]
        .iter()
        .filter_map(|n| decoded(n))
        .collect();
        let alt = decoded("alt");
        if repeats(&title, &urls, alt.as_deref()) {
            el.remove_attribute("title");
            bump(el.source_location().bytes().start);
        }
        Ok(())
    })
}

/// A title that is blank or only repeats one of the URLs, its file name, or the alt text.
fn repeats(title: &str, urls: &[String], alt: Option<&str>) -> bool {
    let title = title.trim();
    if title.is_empty() || alt == Some(title) {
        return true;
    }
    urls.iter().any(|url| {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        url == title || path.rsplit('/').next() == Some(title)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redundant_titles() {
        let urls = ["https://a/b/c.png?x=1".to_owned()];
        assert!(repeats("c.png", &urls, None));
        assert!(repeats("https://a/b/c.png?x=1", &urls, None));
        assert!(repeats(" ", &urls, None));
        assert!(repeats("图", &urls, Some("图")));
        assert!(!repeats("架构图", &urls, Some("图")));
    }
}
