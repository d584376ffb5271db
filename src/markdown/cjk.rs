//! Character classes that decide how CJK text and emphasis delimiters behave.
//!
//! Two decisions in the converter depend on the characters around a spot rather
//! than on the markup: whether a source line break between two characters is
//! dropped (CSS segment-break rules: it vanishes between two East Asian wide
//! characters, Hangul excepted), and whether an emphasis delimiter run can open
//! or close under CommonMark's flanking rules. Both are answered here, from the
//! same classification the renderer uses (see [`super::punct`]).

use super::punct::is_punctuation;

/// How a character next to a delimiter run looks to CommonMark's flanking rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// Unicode whitespace, or the start/end of a line.
    Space,
    /// CommonMark punctuation (Unicode P and S categories).
    Punct,
    /// Anything else (letters, digits, ideographs).
    Other,
}

/// Classifies `c` for the flanking rules; `None` means a line edge.
pub(crate) fn class_of(c: Option<char>) -> Class {
    match c {
        None => Class::Space,
        Some(c) if is_unicode_whitespace(c) => Class::Space,
        // A Nunjucks marker stands for a brace (see `super::nunjucks`).
        Some(c) if is_punctuation(c) || super::nunjucks::is_marker(c) => Class::Punct,
        Some(_) => Class::Other,
    }
}

/// CommonMark's "Unicode whitespace": tab, LF, FF, CR and category Zs.
pub(crate) fn is_unicode_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// A delimiter run is left-flanking: it may open emphasis (`*`, `~`).
pub(crate) fn left_flanking(before: Class, after: Class) -> bool {
    after != Class::Space && (after != Class::Punct || before != Class::Other)
}

/// A delimiter run is right-flanking: it may close emphasis (`*`, `~`).
pub(crate) fn right_flanking(before: Class, after: Class) -> bool {
    before != Class::Space && (before != Class::Punct || after != Class::Other)
}

/// East Asian wide/fullwidth/halfwidth characters, Hangul excluded: the
/// characters between which CSS removes a source line break instead of
/// rendering it as a space.
pub(crate) fn is_cjk(c: char) -> bool {
    let cp = c as u32;
    matches!(cp,
        0x2E80..=0x312F // radicals, Kangxi, ideographic description, CJK symbols and punctuation, kana, bopomofo
        | 0x3190..=0x9FFF // kanbun, CJK strokes, katakana ext, enclosed CJK, CJK compat, ext A, unified
        | 0xF900..=0xFAFF // compatibility ideographs
        | 0xFE10..=0xFE1F // vertical forms
        | 0xFE30..=0xFE4F // compatibility forms
        | 0xFF00..=0xFFEF // halfwidth and fullwidth forms
        | 0x1B000..=0x1B16F // kana supplement and extensions
        | 0x20000..=0x3FFFD // supplementary ideographic planes
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_ranges() {
        assert!(is_cjk('中'));
        assert!(is_cjk('，'));
        assert!(is_cjk('あ'));
        assert!(is_cjk('ア'));
        assert!(!is_cjk('한'));
        assert!(!is_cjk('a'));
        assert!(!is_cjk('“'));
    }

    #[test]
    fn flanking_matches_commonmark_examples() {
        // `**时间，**请`: closer after punctuation, before a letter: not right-flanking.
        assert!(!right_flanking(Class::Punct, Class::Other));
        // `**时间**，请`: closer after a letter: right-flanking.
        assert!(right_flanking(Class::Other, Class::Punct));
        // `他说**“双方”`: opener after a letter, before punctuation: not left-flanking.
        assert!(!left_flanking(Class::Other, Class::Punct));
        // ` **“双方”`: opener after a space: left-flanking.
        assert!(left_flanking(Class::Space, Class::Punct));
        assert!(!left_flanking(Class::Other, Class::Space));
    }

    #[test]
    fn whitespace_includes_nbsp_and_ideographic_space() {
        assert!(is_unicode_whitespace('\u{A0}'));
        assert!(is_unicode_whitespace('\u{3000}'));
        assert!(!is_unicode_whitespace('x'));
        assert_eq!(class_of(None), Class::Space);
        assert_eq!(class_of(Some('中')), Class::Other);
    }
}
