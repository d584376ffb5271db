//! The Markdown renderer that will read the output, and where it reads text differently from
//! CommonMark.
//!
//! The converter writes CommonMark, but a site's generator renders it with its own library, and
//! each one turns some plain text into something else:
//! - **typographic substitution**: hexo-renderer-marked (`smartypants`), Hugo's goldmark
//!   (`typographer` extension) and kramdown (smart quotes and typographic symbols) turn the
//!   straight quotes, `--`, `...` (and, goldmark and kramdown, `<<`/`>>`) of text into curly
//!   quotes, dashes, an ellipsis and guillemets. The HTML the post came from showed them
//!   straight, so where the renderer would substitute, the character is written with a
//!   backslash, which all three read as the literal character (checked by building real sites:
//!   site-check/README.md);
//! - **kramdown** reads a line holding `|` as a table row, and pairs `*` for emphasis where
//!   CommonMark's flanking rules would not (`、*ST华讯、*ST腾邦`);
//! - **marked's GFM autolink** and **goldmark's linkify** run a bare URL on through a `[` that
//!   directly follows it, swallowing the next link.
//!
//! This module only says what each renderer does; [`super::escape`] decides the backslashes.

/// The library a target renders Markdown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Renderer {
    /// Any CommonMark + GFM reader (`--target plain`): nothing beyond the spec is assumed.
    #[default]
    CommonMark,
    /// hexo-renderer-marked (Hexo's default renderer).
    Marked,
    /// goldmark (Hugo).
    Goldmark,
    /// kramdown (Jekyll's default).
    Kramdown,
}

/// The renderer and how the site configures it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Dialect {
    pub renderer: Renderer,
    /// The renderer's typographic substitutions are on (each generator's default).
    pub typographer: bool,
}

impl Dialect {
    /// Plain CommonMark: no escaping beyond the spec's.
    pub fn is_plain(self) -> bool {
        self.renderer == Renderer::CommonMark
    }

    /// Quotes, dashes and dots are substituted.
    pub(crate) fn typographic(self) -> bool {
        self.typographer && self.renderer != Renderer::CommonMark
    }

    /// `<<` and `>>` become guillemets.
    pub(crate) fn angle_quotes(self) -> bool {
        self.typographer && matches!(self.renderer, Renderer::Goldmark | Renderer::Kramdown)
    }

    /// `|` anywhere in a line can make it a table row.
    pub(crate) fn pipes_make_tables(self) -> bool {
        self.renderer == Renderer::Kramdown
    }

    /// `*` pairs for emphasis whenever it is not between two spaces.
    pub(crate) fn loose_emphasis(self) -> bool {
        self.renderer == Renderer::Kramdown
    }

    /// `{{<` and `{{%` open shortcodes (Hugo, before Markdown, code included).
    pub(crate) fn shortcodes(self) -> bool {
        self.renderer == Renderer::Goldmark
    }

    /// A bare `http://`, `https://`, `ftp://` or `www.` URL is linked, and the link runs on
    /// through a link or emphasis written right after it (marked's GFM autolink; goldmark's
    /// linkify, Hugo's default, too).
    pub(crate) fn greedy_autolinks(self) -> bool {
        matches!(self.renderer, Renderer::Marked | Renderer::Goldmark)
    }

    /// Whether the typographer would change the quote `c` (`"` or `'`) with `before` and
    /// `after` around its run of equal quotes, and `prev`/`next` the characters right beside
    /// it.
    pub(crate) fn substitutes_quote(
        self,
        c: char,
        flanking: (bool, bool),
        prev: Option<char>,
        next: Option<char>,
    ) -> bool {
        if !self.typographic() {
            return false;
        }
        match self.renderer {
            // marked's smartypants replaces every quote of a text token; kramdown's smart
            // quotes do too (both checked on `中"文"字` and ` " `).
            Renderer::Marked | Renderer::Kramdown => true,
            // goldmark: a double quote only when it can open or close but not both; a single
            // quote also as an apostrophe, so all but one between two digits (`1'2`).
            Renderer::Goldmark => match c {
                '"' => flanking.0 != flanking.1,
                _ => {
                    !(prev.is_some_and(|p| p.is_ascii_digit())
                        && next.is_some_and(|n| n.is_ascii_digit()))
                }
            },
            Renderer::CommonMark => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_each_renderer_substitutes() {
        let on = |renderer| Dialect {
            renderer,
            typographer: true,
        };
        let g = on(Renderer::Goldmark);
        // `"x"`: the first can only open.
        assert!(g.substitutes_quote('"', (true, false), Some(' '), Some('x')));
        // `中"文`: both flanking, left alone.
        assert!(!g.substitutes_quote('"', (true, true), Some('中'), Some('文')));
        assert!(!g.substitutes_quote('\'', (true, true), Some('1'), Some('2')));
        assert!(g.substitutes_quote('\'', (true, true), Some('a'), Some('b')));
        assert!(on(Renderer::Marked).substitutes_quote('"', (true, true), None, None));
        assert!(!on(Renderer::CommonMark).substitutes_quote('"', (true, false), None, None));
        let off = Dialect {
            renderer: Renderer::Kramdown,
            typographer: false,
        };
        assert!(!off.substitutes_quote('"', (true, false), None, None));
        assert!(off.pipes_make_tables() && off.loose_emphasis() && !off.angle_quotes());
        assert!(
            on(Renderer::Marked).greedy_autolinks() && on(Renderer::Goldmark).greedy_autolinks()
        );
        assert!(!on(Renderer::Kramdown).greedy_autolinks());
        assert!(!on(Renderer::Marked).angle_quotes());
    }
}
