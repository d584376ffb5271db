//! Minimal Markdown escaping: a backslash only where a character would
//! otherwise change meaning in its exact position.
//!
//! Escaping everything that *could* be syntax (`\*`, `\_`, `\#` everywhere)
//! makes CJK and code-heavy prose unreadable, and escaping too little loses
//! text. The escaper therefore looks at each special character together with
//! its neighbours in the final output (the caller passes the character before
//! the run and the one after it, including marker characters): `snake_case`
//! keeps its underscore, `a * b` keeps its asterisk, `#tag` its hash, while
//! `2021. 年` at a line start becomes `2021\. 年`. A byte table skips the
//! common case (no special ASCII byte) in one scan.
//!
//! Also here: link destinations and titles, code spans, and HTML escaping for
//! the raw-HTML table fallback.

use super::cjk::{Class, class_of, left_flanking, right_flanking};
use super::punct::is_ascii_punctuation;
use super::renderer::Dialect;

/// Where a run of text sits in the output.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Context {
    /// Nothing has been written on this output line yet.
    pub line_start: bool,
    /// The output character just before the run (`None` at a line start).
    pub prev: Option<char>,
    /// The output character just after the run (`None` at a line end).
    pub next: Option<char>,
    /// Inside link text or image alt text: brackets are always escaped.
    pub link_text: bool,
    /// Inside a GFM table cell: `|` is always escaped.
    pub table: bool,
    /// Delimiter characters that can never pair in the whole block (bit 0:
    /// `*`, bit 1: `_`, bit 2: `~`): a lone one, or (`*`, `_`) one with no
    /// potential opener before a potential closer. They need no backslash
    /// away from line starts.
    pub lone: u8,
    /// The run starts a line that cannot be a link reference definition, so
    /// a leading `[` is plain text.
    pub not_definition: bool,
    /// The run starts a line that also holds text other than `- = | : * _ +`
    /// and blanks, so the line cannot be a thematic break, a setext underline
    /// or a table delimiter row: `----分割线----` needs no backslash.
    pub line_has_text: bool,
    /// Inside link text or alt text whose brackets pair up (and no `](`):
    /// `[map[string]interface{}](…)` needs no backslashes.
    pub brackets_balanced: bool,
    /// The renderer that reads the output, where it differs from CommonMark.
    pub dialect: Dialect,
}

/// ASCII bytes that may need a backslash somewhere (digits only at a line start).
const SPECIAL: [bool; 128] = {
    let mut t = [false; 128];
    let s = b"\\`*_~[]<>&#-+=|:!";
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
};

#[cfg(test)]
fn is_special(b: u8) -> bool {
    b < 128 && SPECIAL[b as usize]
}

/// [`SPECIAL`] over all byte values (non-ASCII bytes are never special).
const SPECIAL_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 128 {
        t[i] = SPECIAL[i];
        i += 1;
    }
    t
};

/// [`SPECIAL_BYTE`] plus what a site's renderer may read differently: quotes and dots
/// (typographic substitution, `www.` autolinks).
const SPECIAL_DIALECT: [bool; 256] = {
    let mut t = SPECIAL_BYTE;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t[b'.' as usize] = true;
    t[b'%' as usize] = true;
    t
};

/// Index of the first special byte: eight table lookups OR-ed together per
/// step, branching once per eight bytes.
#[cfg(test)]
fn first_special(bytes: &[u8]) -> Option<usize> {
    first_in(bytes, &SPECIAL_BYTE)
}

fn first_in(bytes: &[u8], table: &[bool; 256]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |hit, &b| hit | table[b as usize]) {
            break;
        }
        base += 8;
    }
    bytes[base..]
        .iter()
        .position(|&b| table[b as usize])
        .map(|p| base + p)
}

/// Appends `text` (plain visible text, no line breaks) to `out`, escaped for
/// its position.
pub(crate) fn escape_text(out: &mut String, text: &str, ctx: &Context) {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return;
    }
    let plain = ctx.dialect.is_plain();
    let table = if plain {
        &SPECIAL_BYTE
    } else {
        &SPECIAL_DIALECT
    };
    let first_is_digit = ctx.line_start && bytes[0].is_ascii_digit();
    let first_special = first_in(bytes, table);
    if !first_is_digit && first_special.is_none() {
        out.push_str(text);
        return;
    }
    // Position of an ordered-list delimiter (`1.`/`1)`) that must be escaped.
    let list_delim = if first_is_digit {
        ordered_marker_delimiter(text, ctx.next)
    } else {
        None
    };
    // Nothing before the first special byte or list delimiter needs looking at.
    let from = match (first_special, list_delim) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b).unwrap_or(bytes.len()),
    };
    // kramdown pairs `*` and `_` that CommonMark would leave alone: none is lone to it.
    let loose;
    let ctx = if ctx.dialect.loose_emphasis() {
        loose = Context { lone: 0, ..*ctx };
        &loose
    } else {
        ctx
    };
    let url_breaks = if ctx.dialect.greedy_autolinks() {
        autolink_breaks(text, ctx.next)
    } else {
        Vec::new()
    };
    let mut flushed = 0;
    let mut prev = ctx.prev;
    // The byte index of the last character written with a backslash.
    let mut last_escaped: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        if !(table[b as usize] || Some(i) == list_delim) {
            continue;
        }
        let c = b as char;
        if i > 0 {
            prev = text[..i].chars().next_back();
        }
        let next = text[i + 1..].chars().next().or(ctx.next);
        let at_start = i == 0 && ctx.line_start;
        let escape = Some(i) == list_delim
            || url_breaks.contains(&i)
            || (SPECIAL_BYTE[b as usize] && needs_escape(c, &text[i..], prev, next, at_start, ctx))
            || (!plain && dialect_needs_escape(text, i, prev, next, last_escaped, ctx));
        if escape {
            out.push_str(&text[flushed..i]);
            out.push('\\');
            flushed = i;
            last_escaped = Some(i);
        }
    }
    out.push_str(&text[flushed..]);
}

/// Whether the byte at `i` of `text` needs a backslash for the site's renderer, beyond what
/// CommonMark needs: so that its typographer leaves the character alone, or so that kramdown
/// reads it as text. `last_escaped` is the last byte before `i` written with a backslash.
fn dialect_needs_escape(
    text: &str,
    i: usize,
    prev: Option<char>,
    next: Option<char>,
    last_escaped: Option<usize>,
    ctx: &Context,
) -> bool {
    let d = ctx.dialect;
    let bytes = text.as_bytes();
    let b = bytes[i];
    // The character before is the same one, written without a backslash.
    let after_same = |b: u8| {
        if i == 0 {
            prev == Some(b as char)
        } else {
            bytes[i - 1] == b && last_escaped != Some(i - 1)
        }
    };
    match b {
        // `{{<` and `{{%` would open a Hugo shortcode.
        b'<' | b'%'
            if d.shortcodes()
                && match i {
                    0 => prev == Some('{'),
                    1 => bytes[0] == b'{' && ctx.prev == Some('{'),
                    _ => bytes[i - 1] == b'{' && bytes[i - 2] == b'{',
                } =>
        {
            true
        }
        b'"' | b'\'' if d.typographic() => {
            // The run of equal quotes this one is in, and what is around it.
            let start = bytes[..i]
                .iter()
                .rposition(|&x| x != b)
                .map_or(0, |p| p + 1);
            let end = bytes[i..]
                .iter()
                .position(|&x| x != b)
                .map_or(bytes.len(), |p| i + p);
            let before = if start > 0 {
                text[..start].chars().next_back()
            } else if ctx.line_start {
                None
            } else {
                ctx.prev
            };
            let after =
                text[end..]
                    .chars()
                    .next()
                    .or(if end == bytes.len() { ctx.next } else { None });
            let (cb, ca) = (class_of(before), class_of(after));
            let flanking = (left_flanking(cb, ca), right_flanking(cb, ca));
            d.substitutes_quote(b as char, flanking, prev, next)
        }
        // `--` is a dash, `---` a longer one: no two unescaped in a row.
        b'-' if d.typographic() => after_same(b'-'),
        // `...` is an ellipsis: no three unescaped in a row.
        b'.' if d.typographic() => match i {
            0 => false,
            1 => bytes[0] == b'.' && last_escaped != Some(0) && ctx.prev == Some('.'),
            _ => {
                bytes[i - 1] == b'.'
                    && bytes[i - 2] == b'.'
                    && last_escaped.is_none_or(|e| e < i - 2)
            }
        },
        b'<' | b'>' if d.angle_quotes() => after_same(b),
        b'|' => d.pipes_make_tables(),
        // kramdown opens emphasis at a `*` before a non-space, and closes it at one after.
        b'*' => {
            d.loose_emphasis()
                && !(prev.is_none_or(char::is_whitespace) && next.is_none_or(char::is_whitespace))
        }
        _ => false,
    }
}

/// marked's GFM autolink (and goldmark's linkify) starts at every `http://`, `https://`,
/// `ftp://` or `www.` and runs to the next white space or `<`, through a link or emphasis that
/// follows without a space. When the end of `text` is followed by such markup (`next`), the
/// URLs of its last word are broken with a backslash before the scheme's `:` (or after `www`):
/// CommonMark reads `https\://x` as the text `https://x`, as the HTML had it.
fn autolink_breaks(text: &str, next: Option<char>) -> Vec<usize> {
    let Some(next) = next else {
        return Vec::new();
    };
    if next.is_whitespace() || next == '<' {
        return Vec::new();
    }
    let word_start = text
        .rfind(|c: char| c.is_whitespace() || c == '<')
        .map_or(0, |p| {
            p + text[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &text[word_start..];
    let lower = word.to_ascii_lowercase();
    let mut breaks = Vec::new();
    for (at, _) in lower.match_indices("://") {
        let scheme = &lower[..at];
        if scheme.ends_with("http") || scheme.ends_with("https") || scheme.ends_with("ftp") {
            breaks.push(word_start + at);
        }
    }
    for (at, _) in lower.match_indices("www.") {
        breaks.push(word_start + at + 3);
    }
    breaks.sort_unstable();
    breaks
}

/// Byte index of the `.`/`)` in a line-start `123.` that would start a list.
fn ordered_marker_delimiter(text: &str, after: Option<char>) -> Option<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 9 {
        return None;
    }
    let delim = *text.as_bytes().get(digits)?;
    if delim != b'.' && delim != b')' {
        return None;
    }
    let follow = text[digits + 1..].chars().next().or(after);
    matches!(follow, None | Some(' ' | '\t')).then_some(digits)
}

/// Whether the special character `c` (the first char of `rest`) needs a backslash.
fn needs_escape(
    c: char,
    rest: &str,
    prev: Option<char>,
    next: Option<char>,
    at_start: bool,
    ctx: &Context,
) -> bool {
    let before = if at_start {
        Class::Space
    } else {
        class_of(prev)
    };
    let after = class_of(next);
    match c {
        '\\' => next.is_none_or(|n| n.is_ascii() && is_ascii_punctuation(n as u8)),
        '`' => true,
        '*' => {
            (at_start
                && (matches!(next, None | Some(' ' | '\t'))
                    || (!ctx.line_has_text && next == Some('*'))))
                || (ctx.lone & 1 == 0
                    && (left_flanking(before, after) || right_flanking(before, after)))
        }
        '~' => {
            at_start
                || (ctx.lone & 4 == 0
                    && (left_flanking(before, after) || right_flanking(before, after)))
        }
        '_' => {
            if at_start
                && (matches!(next, None | Some(' ' | '\t'))
                    || (!ctx.line_has_text && next == Some('_')))
            {
                return true;
            }
            if ctx.lone & 2 != 0 {
                return false;
            }
            let lf = left_flanking(before, after);
            let rf = right_flanking(before, after);
            let can_open = lf && (!rf || before == Class::Punct);
            let can_close = rf && (!lf || after == Class::Punct);
            can_open || can_close
        }
        '[' => (ctx.link_text && !ctx.brackets_balanced) || (at_start && !ctx.not_definition),
        ']' => (ctx.link_text && !ctx.brackets_balanced) || next == Some('('),
        '<' => next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
        '>' => at_start,
        // `!` before a link would turn it into an image.
        '!' => next == Some('['),
        '&' => could_be_entity(&rest[1..]),
        // `rest` runs to the end of the text; what follows it is `ctx.next`.
        '#' => at_start && is_atx_opening(rest, ctx.next),
        '-' => {
            at_start
                && (matches!(next, None | Some(' ' | '\t'))
                    || (!ctx.line_has_text && matches!(next, Some('-' | '|' | ':'))))
        }
        '+' => at_start && matches!(next, None | Some(' ' | '\t')),
        '=' => at_start && !ctx.line_has_text && matches!(next, None | Some(' ' | '\t' | '=')),
        '|' => ctx.table || at_start,
        ':' => at_start && !ctx.line_has_text && next == Some('-'),
        _ => false,
    }
}

/// Whether `line` (the rest of an output line that starts with `[`, markup
/// replaced by a placeholder) could be a link reference definition
/// (`[label]:`). It cannot when the label visibly closes with something other
/// than `:` right after it (`[ 1 ] 李奕坤 .`, or `[1]` ending the line);
/// then the `[` needs no backslash:
/// without definitions no reference link resolves, and a `]` before `(` is
/// escaped on its own.
pub(crate) fn could_be_definition(line: &str) -> bool {
    let Some(j) = line
        .get(1..)
        .and_then(|r| r.find(['[', ']']))
        .map(|j| j + 1)
    else {
        return true;
    };
    line.as_bytes()[j] == b'[' || line[j + 1..].starts_with(':')
}

/// `&` followed by `name;`, `#123;` or `#x1F;` would be read as an entity.
fn could_be_entity(after_amp: &str) -> bool {
    let b = after_amp.as_bytes();
    let (body, start) = match b.first() {
        Some(b'#') => match b.get(1) {
            Some(b'x' | b'X') => (&b[2..], 2),
            _ => (&b[1..], 1),
        },
        _ => (b, 0),
    };
    let hex = start == 2;
    let numeric = start > 0;
    let n = body
        .iter()
        .take_while(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphanumeric()
            }
        })
        .count();
    n > 0 && body.get(n) == Some(&b';')
}

/// A line-start run of 1–6 `#` followed by a space or the line end.
fn is_atx_opening(rest: &str, next_after_text: Option<char>) -> bool {
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if hashes > 6 {
        return false;
    }
    let follow = rest[hashes..].chars().next().or(if hashes == rest.len() {
        next_after_text
    } else {
        None
    });
    // `follow` is None both at the text end with nothing after, and at the line end.
    matches!(follow, None | Some(' ' | '\t'))
}

/// Appends a link or image destination: spaces and angle brackets are
/// percent-encoded, and the `<…>` form is used when parentheses or brackets
/// remain (so that the output is the same when read back).
/// The CommonMark autolink that renders exactly `text` as a link to `href`
/// (`<https://x.cn/a>`, or `<a@b.cn>` for `mailto:a@b.cn`), when there is one.
///
/// An autolink's text is taken literally (no escapes, no entities), so it is
/// only offered when the text would read the same: an absolute URI or an
/// e-mail address without spaces, `<`, `>`, a possible entity, or a `|` (GFM
/// cell) and without `{`/`}` (Hexo templates).
pub(crate) fn autolink(text: &str, href: &str) -> Option<String> {
    let plain = !text.is_empty()
        && !text.bytes().any(|b| {
            b <= b' ' || b == 0x7F || matches!(b, b'<' | b'>' | b'|' | b'{' | b'}' | b'\\')
        })
        && !text
            .match_indices('&')
            .any(|(i, _)| could_be_entity(&text[i + 1..]));
    if !plain {
        return None;
    }
    if text == href && is_uri(text) {
        return Some(format!("<{text}>"));
    }
    let addr = href.strip_prefix("mailto:")?;
    (addr == text && is_email(text)).then(|| format!("<{text}>"))
}

/// `scheme:rest` with a 2–32 character scheme (CommonMark's absolute URI).
fn is_uri(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    let b = scheme.as_bytes();
    (2..=32).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}

/// CommonMark's e-mail autolink grammar.
fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b".!#$%&'*+/=?^_`{|}~-".contains(&c))
        && domain.split('.').all(|label| {
            let l = label.as_bytes();
            !l.is_empty()
                && l.len() <= 63
                && l[0].is_ascii_alphanumeric()
                && l[l.len() - 1].is_ascii_alphanumeric()
                && l.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

/// Per byte of a URL: 1 when [`push_url`] rewrites it, 2 for a bracket or
/// parenthesis (the destination then goes in `<…>`).
const URL_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = 1;
        i += 1;
    }
    t[0x7f] = 1;
    t[b' ' as usize] = 1;
    t[b'<' as usize] = 1;
    t[b'>' as usize] = 1;
    t[b'\\' as usize] = 1;
    t[b'&' as usize] = 1;
    t[b'(' as usize] = 2;
    t[b')' as usize] = 2;
    t[b'[' as usize] = 2;
    t[b']' as usize] = 2;
    t
};

pub(crate) fn push_url(out: &mut String, url: &str) {
    let bytes = url.as_bytes();
    // One branch-free pass: does anything need rewriting, any brackets?
    let flags = bytes.iter().fold(0u8, |f, &b| f | URL_BYTE[b as usize]);
    // Angle brackets when the written destination would be empty (only
    // dropped control characters) or holds brackets or parentheses; the
    // encoding below neither adds nor removes those.
    let angle = flags & 2 != 0 || bytes.iter().all(|&b| b < 0x20 || b == 0x7f);
    if flags & 1 == 0 {
        if angle {
            out.push('<');
            out.push_str(url);
            out.push('>');
        } else {
            out.push_str(url);
        }
        return;
    }
    if angle {
        out.push('<');
    }
    // Every byte that needs work is ASCII, so a byte walk never splits a
    // character; untouched runs are copied whole.
    let mut flushed = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b' ' => "%20",
            b'<' => "%3C",
            b'>' => "%3E",
            b if b < 0x20 || b == 0x7f => "",
            b'\\' => {
                if bytes
                    .get(i + 1)
                    .is_none_or(|&n| n.is_ascii() && is_ascii_punctuation(n))
                {
                    "\\\\"
                } else {
                    "\\"
                }
            }
            b'&' => {
                // The check looks at no more than the next 40 characters.
                let rest = &url[i + 1..];
                let end = rest.char_indices().nth(40).map_or(rest.len(), |(k, _)| k);
                if could_be_entity(&rest[..end]) {
                    "\\&"
                } else {
                    "&"
                }
            }
            _ => continue,
        };
        out.push_str(&url[flushed..i]);
        out.push_str(rep);
        flushed = i + 1;
    }
    out.push_str(&url[flushed..]);
    if angle {
        out.push('>');
    }
}

/// The destination a CommonMark reader takes from `written`, a destination [`push_url`]
/// wrote: the angle brackets around it go, and a backslash before ASCII punctuation is an
/// escape. `push_url` writes no entity (an `&` that could start one is escaped), so there is
/// none to decode.
pub(crate) fn destination_as_read(written: &str) -> String {
    let inner = written
        .strip_prefix('<')
        .and_then(|w| w.strip_suffix('>'))
        .unwrap_or(written);
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.as_bytes().first() {
            Some(&b) if is_ascii_punctuation(b) => {
                out.push(b as char);
                rest = &after[1..];
            }
            _ => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Appends ` "title"` for a link or image title (nothing when empty).
pub(crate) fn push_title(out: &mut String, title: &str) {
    if title.is_empty() {
        return;
    }
    out.push_str(" \"");
    let mut chars = title.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Kept, on one Markdown line (a blank line would end the title).
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '"' => out.push_str("\\\""),
            '\\' => {
                if chars
                    .peek()
                    .is_none_or(|n| n.is_ascii() && is_ascii_punctuation(*n as u8))
                {
                    out.push('\\');
                }
                out.push('\\');
            }
            '&' => {
                let rest: String = chars.clone().take(40).collect();
                if could_be_entity(&rest) {
                    out.push('\\');
                }
                out.push('&');
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends an inline code span holding `code` verbatim (already whitespace-collapsed).
pub(crate) fn push_code_span(out: &mut String, code: &str, table: bool) {
    let fence = longest_run(code, b'`') + 1;
    let bytes = code.as_bytes();
    let pad = bytes.first() == Some(&b'`')
        || bytes.last() == Some(&b'`')
        || (bytes.first() == Some(&b' ')
            && bytes.last() == Some(&b' ')
            && bytes.iter().any(|&b| b != b' '));
    for _ in 0..fence {
        out.push('`');
    }
    if pad {
        out.push(' ');
    }
    if table {
        for c in code.chars() {
            if c == '|' {
                out.push('\\');
            }
            out.push(c);
        }
    } else {
        out.push_str(code);
    }
    if pad {
        out.push(' ');
    }
    for _ in 0..fence {
        out.push('`');
    }
}

/// Length of the longest run of `byte` in `s`.
pub(crate) fn longest_run(s: &str, byte: u8) -> usize {
    let mut best = 0;
    let mut cur = 0;
    for &b in s.as_bytes() {
        if b == byte {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// Appends `s` escaped for HTML text (or a double-quoted attribute value).
pub(crate) fn push_html_escaped(out: &mut String, s: &str) {
    let mut flushed = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => continue,
        };
        out.push_str(&s[flushed..i]);
        out.push_str(rep);
        flushed = i + 1;
    }
    out.push_str(&s[flushed..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_destination_reads_back_as_the_url_less_what_push_url_encodes() {
        for (url, read) in [
            ("http://a.cn/b.png", "http://a.cn/b.png"),
            ("a b.png", "a%20b.png"),
            ("a (1).png", "a%20(1).png"),
            ("a\\b", "a\\b"),
            ("a\\.png", "a\\.png"),
            ("a\\", "a\\"),
            ("x&copy;y", "x&copy;y"),
            ("x&y", "x&y"),
            ("<>", "%3C%3E"),
            ("\u{1}", ""),
        ] {
            let mut written = String::new();
            push_url(&mut written, url);
            assert_eq!(destination_as_read(&written), read, "{url} as {written}");
        }
    }

    #[test]
    fn first_special_matches_a_byte_scan() {
        let text = "中文 plain words, then a_b and *x* or [link](u) 2021. 年 ok";
        for start in 0..text.len() {
            for end in start..=text.len() {
                let b = &text.as_bytes()[start..end];
                assert_eq!(
                    first_special(b),
                    b.iter().position(|&c| is_special(c)),
                    "{start}..{end}"
                );
            }
        }
    }

    fn esc(text: &str, line_start: bool, prev: Option<char>, next: Option<char>) -> String {
        let mut out = String::new();
        let ctx = Context {
            line_start,
            prev,
            next,
            ..Context::default()
        };
        escape_text(&mut out, text, &ctx);
        out
    }

    fn mid(text: &str) -> String {
        esc(text, false, Some(' '), Some(' '))
    }

    #[test]
    fn lone_delimiters_need_no_escape() {
        let mut out = String::new();
        let ctx = Context {
            prev: Some('A'),
            next: Some('是'),
            lone: 1 | 2 | 4,
            ..Context::default()
        };
        escape_text(&mut out, "A*是 x_ 灯~", &ctx);
        assert_eq!(out, "A*是 x_ 灯~");
    }

    #[test]
    fn plain_text_untouched() {
        assert_eq!(mid("hello world"), "hello world");
        assert_eq!(mid("中文，测试。"), "中文，测试。");
        assert_eq!(mid("snake_case_name"), "snake_case_name");
        assert_eq!(mid("a * b"), "a * b");
        assert_eq!(mid("#tag and C#"), "#tag and C#");
        assert_eq!(mid("R&D, a&b"), "R&D, a&b");
        assert_eq!(mid("1 < 2 > 0"), "1 < 2 > 0");
        assert_eq!(mid("C:\\Users"), "C:\\Users");
        assert_eq!(mid("[1] note"), "[1] note");
    }

    #[test]
    fn emphasis_characters() {
        assert_eq!(mid("*bold*"), "\\*bold\\*");
        assert_eq!(mid("2*3"), "2\\*3");
        assert_eq!(mid("_init_"), "\\_init\\_");
        assert_eq!(mid("10~20"), "10\\~20");
        assert_eq!(mid("~ ok"), "~ ok");
    }

    #[test]
    fn code_and_backslashes() {
        assert_eq!(mid("a `b` c"), "a \\`b\\` c");
        assert_eq!(mid("\\*"), "\\\\\\*");
        assert_eq!(esc("end\\", false, Some(' '), None), "end\\\\");
    }

    #[test]
    fn links_html_entities() {
        assert_eq!(mid("[a](b)"), "[a\\](b)");
        assert_eq!(mid("<div>"), "\\<div>");
        assert_eq!(mid("a <b"), "a \\<b");
        assert_eq!(mid("&amp; &#123; &#x7b;"), "\\&amp; \\&#123; \\&#x7b;");
        assert_eq!(esc("x", false, None, None), "x");
    }

    #[test]
    fn line_start_constructs() {
        assert_eq!(esc("# title", true, None, None), "\\# title");
        assert_eq!(esc("#hashtag", true, None, None), "#hashtag");
        assert_eq!(esc("#", true, None, Some(' ')), "\\#");
        assert_eq!(esc("> quote", true, None, None), "\\> quote");
        assert_eq!(esc("- item", true, None, None), "\\- item");
        assert_eq!(esc("-5°C", true, None, None), "-5°C");
        assert_eq!(esc("+ x", true, None, None), "\\+ x");
        assert_eq!(esc("===", true, None, None), "\\===");
        assert_eq!(esc("2021. 年", true, None, None), "2021\\. 年");
        assert_eq!(esc("2021.", true, None, Some(' ')), "2021\\.");
        assert_eq!(esc("3.14", true, None, None), "3.14");
        assert_eq!(esc("1) x", true, None, None), "1\\) x");
        assert_eq!(esc("* x", true, None, None), "\\* x");
        assert_eq!(esc("```", true, None, None), "\\`\\`\\`");
        assert_eq!(esc("~~~", true, None, None), "\\~\\~\\~");
        assert_eq!(esc("[x]: y", true, None, None), "\\[x]: y");
        assert_eq!(esc("| a", true, None, None), "\\| a");
        assert_eq!(esc("- x", false, Some(' '), None), "- x");
    }

    #[test]
    fn link_text_and_tables() {
        let mut out = String::new();
        let ctx = Context {
            link_text: true,
            table: true,
            prev: Some('['),
            next: Some(']'),
            ..Context::default()
        };
        escape_text(&mut out, "a [b] | c", &ctx);
        assert_eq!(out, "a \\[b\\] \\| c");
    }

    #[test]
    fn urls_and_titles() {
        let mut out = String::new();
        push_url(&mut out, "http://x.com/a b?q=1&b=2");
        assert_eq!(out, "http://x.com/a%20b?q=1&b=2");
        out.clear();
        push_url(&mut out, "https://en.wikipedia.org/wiki/Foo_(bar)");
        assert_eq!(out, "<https://en.wikipedia.org/wiki/Foo_(bar)>");
        out.clear();
        push_url(&mut out, "/x?a&amp;");
        assert_eq!(out, "/x?a\\&amp;");
        out.clear();
        push_title(&mut out, "say \"hi\"");
        assert_eq!(out, " \"say \\\"hi\\\"\"");
    }

    #[test]
    fn code_spans() {
        let mut out = String::new();
        push_code_span(&mut out, "a`b", false);
        assert_eq!(out, "``a`b``");
        out.clear();
        push_code_span(&mut out, "`x`", false);
        assert_eq!(out, "`` `x` ``");
        out.clear();
        push_code_span(&mut out, " a ", false);
        assert_eq!(out, "`  a  `");
        out.clear();
        push_code_span(&mut out, "a|b", true);
        assert_eq!(out, "`a\\|b`");
    }

    fn dialect(
        text: &str,
        renderer: super::super::renderer::Renderer,
        next: Option<char>,
    ) -> String {
        let mut out = String::new();
        let ctx = Context {
            prev: Some(' '),
            next,
            dialect: Dialect {
                renderer,
                typographer: true,
            },
            ..Context::default()
        };
        escape_text(&mut out, text, &ctx);
        out
    }

    #[test]
    fn typographer_runs_are_broken() {
        use super::super::renderer::Renderer::*;
        assert_eq!(
            dialect("a--b---c----d", Marked, None),
            "a-\\-b-\\--c-\\--\\-d"
        );
        assert_eq!(
            dialect("x... y.... z..", Marked, None),
            "x..\\. y..\\.. z.."
        );
        assert_eq!(dialect("\"a\" it's", Kramdown, None), "\\\"a\\\" it\\'s");
        // goldmark: a double quote that can both open and close stays.
        assert_eq!(dialect("中\"文 \"x\"", Goldmark, None), "中\"文 \\\"x\\\"");
        assert_eq!(dialect("<< c >> d", Goldmark, None), "<\\< c >\\> d");
        assert_eq!(dialect("<< c", Marked, None), "<< c");
        // Plain CommonMark and a typographer that is off: nothing added.
        assert_eq!(dialect("\"a\" -- ...", CommonMark, None), "\"a\" -- ...");
        let mut out = String::new();
        let off = Context {
            dialect: Dialect {
                renderer: Marked,
                typographer: false,
            },
            ..Context::default()
        };
        escape_text(&mut out, "\"a\" -- ...", &off);
        assert_eq!(out, "\"a\" -- ...");
    }

    #[test]
    fn kramdown_tables_and_emphasis() {
        use super::super::renderer::Renderer::*;
        assert_eq!(dialect("a | b", Kramdown, None), "a \\| b");
        assert_eq!(
            dialect("、*ST、*ST a * b", Kramdown, None),
            "、\\*ST、\\*ST a * b"
        );
        assert_eq!(dialect("a | b", Goldmark, None), "a | b");
    }

    #[test]
    fn shortcode_openers_and_autolinks() {
        use super::super::renderer::Renderer::*;
        assert_eq!(
            dialect("{{< x >}} {{% y %}}", Goldmark, None),
            "{{\\< x >}} {{\\% y %}}"
        );
        assert_eq!(dialect("{{< x", Marked, None), "{{< x");
        // A bare URL right before markup: broken for marked and goldmark, not for kramdown.
        assert_eq!(
            dialect("see https://a.cn/x", Marked, Some('[')),
            "see https\\://a.cn/x"
        );
        assert_eq!(dialect("www.a.cn", Goldmark, Some('*')), "www\\.a.cn");
        assert_eq!(
            dialect("https://a.cn/x", Marked, Some(' ')),
            "https://a.cn/x"
        );
        assert_eq!(
            dialect("https://a.cn/x", Kramdown, Some('[')),
            "https://a.cn/x"
        );
    }

    #[test]
    fn html_escaping() {
        let mut out = String::new();
        push_html_escaped(&mut out, "a<b & \"c\"");
        assert_eq!(out, "a&lt;b &amp; &quot;c&quot;");
    }
}
