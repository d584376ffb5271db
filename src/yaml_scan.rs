//! A linear, line-by-line scan of YAML's layout, without building any value.
//!
//! serde_yaml gives values but no positions, and two jobs need positions: bounding nesting
//! before the parser sees a hostile file ([`crate::yaml_guard`]), and finding the exact lines of
//! a top-level front-matter field so that it can be edited in place ([`crate::frontmatter`]).
//! Both need to know which `"`, `'`, `[`, `{`, `#`, `|` or `>` is syntax and which is text, and
//! that has to agree with libyaml (the parser serde_yaml uses), so the rules here follow
//! libyaml's scanner:
//!
//! - a token starts at the start of a line, after an indicator (`- `, `? `, `: `, `[`, `{`, `,`)
//!   or after a finished scalar; only there do `"`, `'`, `[`, `{`, `|`, `>`, `&`, `!`, `*` and `#`
//!   mean anything. Inside a plain scalar (also across lines) they are text, except that
//!   ` #` starts a comment, and in a flow collection `,[]{}` end the scalar;
//! - a plain scalar continues on the next line when that line is indented deeper than the block
//!   collection around it (in flow collections, always);
//! - a block scalar (`|`, `>`, with `1-9`/`+`/`-` indicators) holds the blank lines and the lines
//!   indented at least as deep as its first non-blank line (or as its indentation indicator);
//! - line breaks are `\n`, `\r\n` and a lone `\r`.
//!
//! The scan is one pass, constant work per byte, and never recurses, whatever the input.

/// What the scan learnt about one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Byte offset of the line's first byte.
    pub start: usize,
    /// Byte offset of the line's end, before its line break.
    pub end: usize,
    /// Byte offset of the next line (after the line break).
    pub next: usize,
    /// 1-based line number.
    pub number: usize,
    /// The line begins inside a value opened above: a quoted scalar, a flow collection, a
    /// block scalar or a plain scalar continued.
    pub continues: bool,
    /// Spaces before the first other byte.
    pub indent: usize,
    /// Nothing but spaces and tabs.
    pub blank: bool,
    /// Only a comment (after spaces), outside any value.
    pub comment: bool,
    /// The line's first token is a block sequence entry (`- `).
    pub dash: bool,
    /// The byte range of the line's first token when a `:` value indicator follows it: the key
    /// of a `key: value` line.
    pub key: Option<(usize, usize)>,
    /// Byte offset of a `#` comment on this line, outside any value.
    pub comment_at: Option<usize>,
}

/// Nesting reached at some point: block collections open around it plus flow depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Depth {
    pub depth: usize,
    /// 1-based line where that depth was reached.
    pub line: usize,
    /// Byte offsets of that line's start and of the place in the text.
    pub line_start: usize,
    pub offset: usize,
}

impl Depth {
    /// 1-based column, in characters, of the place in `text` (the text scanned).
    pub fn column(&self, text: &str) -> usize {
        text.get(self.line_start..self.offset)
            .map_or(1, |s| s.chars().count() + 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Normal,
    Double,
    Single,
    /// In a block scalar whose block collection is at `parent` (-1: none); `indent` is the
    /// content indentation once known.
    BlockScalar {
        parent: isize,
        indent: Option<usize>,
    },
}

/// The scanner. Feed it the whole text with [`scan`]; it calls back per line and per depth
/// increase, and the callbacks can stop it.
struct Scanner<'a> {
    text: &'a str,
    mode: Mode,
    flow: usize,
    /// In a plain scalar that may continue on the next line.
    plain: bool,
    /// Columns of the open block collections, innermost last.
    stack: Vec<usize>,
    line_number: usize,
    line_start: usize,
}

/// What the scan meets, in text order, for [`scan`]'s `on_event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The nesting depth increased.
    Depth(Depth),
    /// A line that starts outside any value and holds more than a comment (before its tokens).
    LineStart { indent: usize, dash: bool },
    /// A node starts: a scalar, a flow collection, a block scalar.
    Node(NodeKind),
    /// `&name` (the byte range of `name`); `parent` is the column of the innermost open block
    /// collection (-1: none).
    Anchor { name: (usize, usize), parent: isize },
    /// `*name` (the byte range of `name`).
    Alias { name: (usize, usize) },
    /// A flow collection closed; `depth` is the flow depth after it.
    FlowClose { depth: usize },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    Scalar,
    Flow,
    BlockScalar,
}

/// Scan `text`. `on_line` sees every line (after its events); `on_event` sees what is in it.
/// Either returns `false` to stop the scan.
pub fn scan(
    text: &str,
    mut on_line: impl FnMut(&Line) -> bool,
    mut on_event: impl FnMut(Event) -> bool,
) {
    let mut s = Scanner {
        text,
        mode: Mode::Normal,
        flow: 0,
        plain: false,
        stack: Vec::new(),
        line_number: 0,
        line_start: 0,
    };
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr_break(bytes, pos);
        let next = match bytes.get(end) {
            Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        };
        s.line_number += 1;
        s.line_start = pos;
        let Some(line) = s.line(pos, end, next, &mut on_event) else {
            return;
        };
        if !on_line(&line) {
            return;
        }
        pos = next;
    }
}

/// All lines of `text`.
pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    scan(
        text,
        |l| {
            out.push(*l);
            true
        },
        |_| true,
    );
    out
}

/// The first line break (`\n` or `\r`) at or after `pos`, or the text's end.
fn memchr_break(bytes: &[u8], pos: usize) -> usize {
    bytes[pos..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |i| pos + i)
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl Scanner<'_> {
    /// Scan one line; `None` when `on_depth` asked to stop.
    fn line(
        &mut self,
        start: usize,
        end: usize,
        next: usize,
        on_event: &mut impl FnMut(Event) -> bool,
    ) -> Option<Line> {
        let bytes = &self.text.as_bytes()[start..end];
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes.iter().all(|&b| is_blank(b));
        let mut line = Line {
            start,
            end,
            next,
            number: self.line_number,
            continues: false,
            indent,
            blank,
            comment: false,
            dash: false,
            key: None,
            comment_at: None,
        };
        // A document marker ends everything.
        if self.mode != Mode::Double
            && self.mode != Mode::Single
            && (bytes.starts_with(b"---") || bytes.starts_with(b"..."))
            && bytes.get(3).is_none_or(|&b| is_blank(b))
        {
            self.mode = Mode::Normal;
            self.flow = 0;
            self.plain = false;
            self.stack.clear();
            return Some(line);
        }
        if let Mode::BlockScalar {
            parent,
            indent: content,
        } = self.mode
        {
            if blank {
                line.continues = true;
                return Some(line);
            }
            match content {
                None if indent as isize > parent => {
                    self.mode = Mode::BlockScalar {
                        parent,
                        indent: Some(indent),
                    };
                    line.continues = true;
                    return Some(line);
                }
                Some(d) if indent >= d => {
                    line.continues = true;
                    return Some(line);
                }
                _ => self.mode = Mode::Normal,
            }
        }
        let mut i = 0;
        match self.mode {
            Mode::Double | Mode::Single => {
                line.continues = true;
                i = self.quoted(bytes, 0)?;
            }
            _ if self.plain => {
                let first = bytes.get(indent).copied();
                if blank {
                    line.continues = true;
                    return Some(line);
                }
                let deeper = self.flow > 0
                    || indent as isize > self.stack.last().map_or(-1, |&c| c as isize);
                if first != Some(b'#') && deeper {
                    line.continues = true;
                    i = self.plain_run(bytes, indent, &mut line);
                } else {
                    self.plain = false;
                }
            }
            _ => {
                if self.flow > 0 {
                    line.continues = true;
                }
            }
        }
        if !line.continues {
            if blank {
                return Some(line);
            }
            // A new line in block context closes the collections indented deeper.
            while self.stack.last().is_some_and(|&c| c > indent) {
                self.stack.pop();
            }
            i = indent;
        }
        if !line.continues
            && bytes.get(indent) != Some(&b'#')
            && !on_event(Event::LineStart {
                indent,
                dash: bytes.get(indent) == Some(&b'-')
                    && bytes.get(indent + 1).is_none_or(|&b| is_blank(b)),
            })
        {
            return None;
        }
        self.tokens(bytes, i, &mut line, on_event)?;
        Some(line)
    }

    /// Walk the tokens of a line from `i`. `None` when told to stop.
    fn tokens(
        &mut self,
        bytes: &[u8],
        mut i: usize,
        line: &mut Line,
        on_event: &mut impl FnMut(Event) -> bool,
    ) -> Option<()> {
        // Start of the current token (for keys) and whether anything came before on the line.
        let mut first_token = if line.continues { None } else { Some(i) };
        let mut token_start = i;
        while i < bytes.len() {
            let b = bytes[i];
            if is_blank(b) {
                i += 1;
                continue;
            }
            let next = bytes.get(i + 1).copied();
            let next_blank = next.is_none_or(is_blank);
            match b {
                b'#' => {
                    line.comment_at = Some(line.start + i);
                    if first_token == Some(i) {
                        line.comment = true;
                    }
                    self.plain = false;
                    return Some(());
                }
                b'"' | b'\'' => {
                    token_start = i;
                    if !on_event(Event::Node(NodeKind::Scalar)) {
                        return None;
                    }
                    self.mode = if b == b'"' {
                        Mode::Double
                    } else {
                        Mode::Single
                    };
                    i = self.quoted(bytes, i + 1)?;
                    if self.mode != Mode::Normal {
                        return Some(());
                    }
                }
                b'[' | b'{' => {
                    if self.flow == 0 {
                        token_start = i;
                    }
                    self.flow += 1;
                    self.plain = false;
                    let depth = self.stack.len() + self.flow;
                    if !on_event(Event::Depth(self.depth_at(depth, i)))
                        || !on_event(Event::Node(NodeKind::Flow))
                    {
                        return None;
                    }
                    i += 1;
                }
                b']' | b'}' => {
                    self.flow = self.flow.saturating_sub(1);
                    self.plain = false;
                    i += 1;
                    if !on_event(Event::FlowClose { depth: self.flow }) {
                        return None;
                    }
                }
                b',' if self.flow > 0 => {
                    self.plain = false;
                    i += 1;
                }
                b'-' if self.flow == 0 && next_blank => {
                    if first_token == Some(i) {
                        line.dash = true;
                    }
                    self.push_block(i, on_event)?;
                    self.plain = false;
                    i += 1;
                    token_start = i;
                }
                b'?' if next_blank || self.flow > 0 && next.is_some_and(is_flow_indicator) => {
                    if self.flow == 0 {
                        self.push_block(i, on_event)?;
                    }
                    self.plain = false;
                    i += 1;
                    token_start = i;
                }
                b':' if next_blank || self.flow > 0 => {
                    self.value_indicator(token_start, first_token, line, on_event)?;
                    i += 1;
                    token_start = i;
                }
                b'|' | b'>' if self.flow == 0 => {
                    let parent = self.stack.last().map_or(-1, |&c| c as isize);
                    let mut explicit = None;
                    let mut j = i + 1;
                    while let Some(&c) = bytes.get(j) {
                        match c {
                            b'1'..=b'9' => explicit = Some(usize::from(c - b'0')),
                            b'+' | b'-' => {}
                            _ => break,
                        }
                        j += 1;
                    }
                    // What follows the header can only be a comment.
                    if let Some(k) = bytes[j..].iter().position(|&c| c == b'#') {
                        line.comment_at = Some(line.start + j + k);
                    }
                    let indent = explicit.map(|m| parent.max(0) as usize + m);
                    self.mode = Mode::BlockScalar { parent, indent };
                    self.plain = false;
                    on_event(Event::Node(NodeKind::BlockScalar)).then_some(())?;
                    return Some(());
                }
                b'&' | b'!' => {
                    // A property: anchor or tag, then the node (the key, if first on a line).
                    let property = i;
                    let anchor = b == b'&';
                    while i < bytes.len()
                        && !is_blank(bytes[i])
                        && !(self.flow > 0 && is_flow_indicator(bytes[i]))
                    {
                        i += 1;
                    }
                    let name_end = i;
                    if anchor {
                        let parent = self.stack.last().map_or(-1, |&c| c as isize);
                        let start = self.line_start;
                        on_event(Event::Anchor {
                            name: (start + property + 1, start + name_end),
                            parent,
                        })
                        .then_some(())?;
                    }
                    while i < bytes.len() && is_blank(bytes[i]) {
                        i += 1;
                    }
                    if first_token == Some(property) && i < bytes.len() {
                        first_token = Some(i);
                    }
                }
                b'*' => {
                    token_start = i;
                    i += 1;
                    // The alias name ends at a blank, a flow indicator or a `:` indicator.
                    let ends_name = |i: usize| {
                        let c = bytes[i];
                        let value = c == b':'
                            && bytes
                                .get(i + 1)
                                .is_none_or(|&n| is_blank(n) || self.flow > 0);
                        is_blank(c) || is_flow_indicator(c) || value
                    };
                    while i < bytes.len() && !ends_name(i) {
                        i += 1;
                    }
                    let start = self.line_start;
                    on_event(Event::Alias {
                        name: (start + token_start + 1, start + i),
                    })
                    .then_some(())?;
                }
                _ => {
                    token_start = i;
                    on_event(Event::Node(NodeKind::Scalar)).then_some(())?;
                    i = self.plain_run(bytes, i, line);
                }
            }
        }
        Some(())
    }

    /// A `:` after the token at `token_start`: that token was a key. In block context this
    /// opens (or continues) the block mapping at the key's column.
    fn value_indicator(
        &mut self,
        token_start: usize,
        first_token: Option<usize>,
        line: &mut Line,
        on_event: &mut impl FnMut(Event) -> bool,
    ) -> Option<()> {
        self.plain = false;
        if self.flow > 0 {
            return Some(());
        }
        if first_token == Some(token_start) {
            line.key = Some((
                line.start + token_start,
                line.start + self.key_end(token_start),
            ));
        }
        self.push_block(token_start, on_event)
    }

    /// End of the key token starting at `start` on the current line: before the `:` and the
    /// blanks before it.
    fn key_end(&self, start: usize) -> usize {
        let bytes = &self.text.as_bytes()[self.line_start..];
        let line_end = memchr_break(bytes, 0);
        let bytes = &bytes[..line_end];
        let mut i = start;
        match bytes.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' if q == b'"' => i += 2,
                        b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
                        c if c == q => return i + 1,
                        _ => i += 1,
                    }
                }
                bytes.len()
            }
            _ => {
                while i < bytes.len()
                    && !(bytes[i] == b':' && bytes.get(i + 1).is_none_or(|&c| is_blank(c)))
                {
                    i += 1;
                }
                let mut end = i;
                while end > start && is_blank(bytes[end - 1]) {
                    end -= 1;
                }
                end
            }
        }
    }

    /// Open a block collection at `column` unless one is open there.
    fn push_block(
        &mut self,
        column: usize,
        on_event: &mut impl FnMut(Event) -> bool,
    ) -> Option<()> {
        if self.stack.last().is_some_and(|&c| c >= column) {
            return Some(());
        }
        self.stack.push(column);
        let depth = self.stack.len() + self.flow;
        on_event(Event::Depth(self.depth_at(depth, column))).then_some(())
    }

    fn depth_at(&self, depth: usize, i: usize) -> Depth {
        Depth {
            depth,
            line: self.line_number,
            line_start: self.line_start,
            offset: self.line_start + i,
        }
    }

    /// Scan a quoted scalar (mode says which quote) from `i`; returns where scanning stops. The
    /// mode becomes `Normal` when the scalar closes on this line.
    fn quoted(&mut self, bytes: &[u8], mut i: usize) -> Option<usize> {
        let double = self.mode == Mode::Double;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if double => i += 2,
                b'"' if double => {
                    self.mode = Mode::Normal;
                    return Some(i + 1);
                }
                b'\'' if !double => {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                    } else {
                        self.mode = Mode::Normal;
                        return Some(i + 1);
                    }
                }
                _ => i += 1,
            }
        }
        Some(bytes.len())
    }

    /// Scan a plain scalar from `i` to where it stops on this line: a `:` value indicator, a
    /// ` #` comment, a flow indicator in a flow collection, or the line's end (where it may
    /// continue).
    fn plain_run(&mut self, bytes: &[u8], mut i: usize, line: &mut Line) -> usize {
        self.plain = true;
        while i < bytes.len() {
            let b = bytes[i];
            if is_blank(b) {
                // ` #` ends the scalar with a comment.
                let mut j = i;
                while j < bytes.len() && is_blank(bytes[j]) {
                    j += 1;
                }
                if bytes.get(j) == Some(&b'#') {
                    line.comment_at = Some(line.start + j);
                    self.plain = false;
                    return bytes.len();
                }
                i = j;
                continue;
            }
            let next = bytes.get(i + 1).copied();
            if b == b':'
                && (next.is_none_or(is_blank)
                    || (self.flow > 0 && next.is_some_and(is_flow_indicator)))
            {
                return i;
            }
            if self.flow > 0 && is_flow_indicator(b) {
                return i;
            }
            i += 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn continues(text: &str) -> Vec<bool> {
        lines(text).iter().map(|l| l.continues).collect()
    }

    #[test]
    fn multi_line_values_continue() {
        assert_eq!(continues("a: [x,\ny]\nb: 1\n"), [false, true, false]);
        assert_eq!(continues("a: \"x\nb: y\"\nc: 1\n"), [false, true, false]);
        assert_eq!(continues("a: 'it''s\nb'\nc: 1\n"), [false, true, false]);
        assert_eq!(
            continues("a: |-\n  x\n\n  # y\nb: 1\n"),
            [false, true, true, true, false]
        );
        assert_eq!(continues("a: x\n  y\nb: 1\n"), [false, true, false]);
        assert_eq!(continues("a: \"x\\\"\nb\"\nc: 1\n"), [false, true, false]);
    }

    #[test]
    fn quotes_inside_plain_are_text() {
        assert_eq!(continues("a: x\"y\nb: 1\n"), [false, false]);
        assert_eq!(continues("a: [x \"y, z]\nb: 1\n"), [false, false]);
    }

    #[test]
    fn keys_and_comments() {
        let l = lines("'a b': 1 # c\n- x\n# only\n");
        assert_eq!(l[0].key, Some((0, 5)));
        assert_eq!(l[0].comment_at, Some(9));
        assert!(l[1].dash);
        assert!(l[2].comment);
    }

    #[test]
    fn depth_counts_flow_and_blocks() {
        let mut max = 0;
        scan(
            "a:\n  b: [[{c: 1}]]\n- - - x\n",
            |_| true,
            |e| {
                if let Event::Depth(d) = e {
                    max = max.max(d.depth);
                }
                true
            },
        );
        assert_eq!(max, 5);
    }
}
