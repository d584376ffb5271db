//! Inline content of one leaf block (paragraph, heading or table cell),
//! collected as tokens and written out when the block ends.
//!
//! Why buffer a whole paragraph: whether `**` opens or closes emphasis depends
//! on the characters on both sides of it, and the one after a closer has not
//! arrived when `</strong>` does; whether a collapsible space survives depends
//! on the next visible character (dropped between CJK characters, moved outside
//! markers, dropped at line edges); whether `#` or `1.` needs escaping depends
//! on the line start. With the block's tokens in hand all of that is decided
//! exactly, in three steps: [`Inline::normalize`] (spaces, empty markers,
//! indents, breaks), [`Inline::decide_emphasis`] (CommonMark flanking, CJK
//! punctuation moved outside the markers or a raw-HTML fallback), and
//! serialization with position-aware escaping. Memory is bounded by one leaf
//! block; text lives in one reused arena.

use super::cjk::{Class, class_of, is_cjk, left_flanking, right_flanking};
use super::escape::{self, Context};

/// An inline formatting span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mark {
    Strong,
    Emphasis,
    Strike,
    Link { href: String, title: String },
    Raw(&'static str),
}

impl Mark {
    fn delimiter(&self) -> Option<char> {
        match self {
            Mark::Strong | Mark::Emphasis => Some('*'),
            Mark::Strike => Some('~'),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// Visible text (no whitespace runs), a range of the arena.
    Text(u32, u32),
    /// A collapsible whitespace run; `newline` when it held a line break.
    Space { newline: bool },
    /// A hard line break.
    Break,
    /// Opens mark `n` of this block.
    Open(u32),
    /// Closes mark `n` of this block.
    Close(u32),
    /// An inline code span, a range of the arena.
    Code(u32, u32),
    /// Image `n` of this block.
    Image(u32),
    /// A GFM task list marker (`[ ]`, or `[x]` when checked) opening a list item.
    Task(bool),
}

#[derive(Debug)]
struct MarkSlot {
    mark: Mark,
    /// Written as raw HTML (`<strong>`) because `**` would not parse here.
    html: bool,
    /// Written with `_` instead of `*`: emphasis nested in emphasis of the
    /// same kind (`*(_x_)*`, `**__x__**`).
    alt: bool,
    /// An element with no content that is still written (`[](url)`).
    keep_empty: bool,
    /// Reopened after a block boundary inside the element (not its start).
    reopened: bool,
}

#[derive(Debug)]
struct Image {
    alt: String,
    src: String,
    title: String,
}

/// Output settings for one flush.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Flush {
    /// Escape `|` (GFM table cell).
    pub table: bool,
    /// Keep leading U+3000 indents.
    pub keep_indent: bool,
    /// An ATX heading's content: it does not start a Markdown line (`1.` or
    /// `-` after `## ` needs no backslash).
    pub heading: bool,
    /// The renderer that reads the output.
    pub dialect: super::renderer::Dialect,
}

/// The token buffer of the current leaf block plus the marks that stay open
/// across blocks (`<b><p>a</p><p>b</p></b>` bolds both paragraphs).
#[derive(Debug, Default)]
pub(crate) struct Inline {
    toks: Vec<Tok>,
    arena: String,
    marks: Vec<MarkSlot>,
    images: Vec<Image>,
    /// Marks open in the HTML, with their index in the current block.
    open: Vec<(Mark, u32)>,
    content: bool,
    /// Content tokens pushed since creation (never reset).
    count: u32,
    scratch: Vec<Tok>,
    /// The destination of every image written so far, as a CommonMark reader reads it back
    /// (never reset; the writer truncates it when it takes written output back).
    pub(crate) written_images: Vec<String>,
}

impl Inline {
    /// True when the block holds visible content.
    pub(crate) fn has_content(&self) -> bool {
        self.content
    }

    /// True when the block holds nothing yet but collapsible spaces (no content, no
    /// break, no mark).
    pub(crate) fn is_blank(&self) -> bool {
        self.toks.iter().all(|t| matches!(t, Tok::Space { .. }))
    }

    /// Appends a task list marker (the caller checked [`Inline::is_blank`] at a list
    /// item's start).
    pub(crate) fn task(&mut self, checked: bool) {
        self.toks.push(Tok::Task(checked));
        self.content = true;
        self.count = self.count.wrapping_add(1);
    }

    /// A counter that grows with every piece of visible content.
    pub(crate) fn content_count(&self) -> u32 {
        self.count
    }

    /// Opens a mark; returns its handle (a depth in the open stack).
    pub(crate) fn open_mark(&mut self, mark: Mark) -> usize {
        let idx = self.new_slot(mark.clone());
        self.toks.push(Tok::Open(idx));
        self.open.push((mark, idx));
        self.open.len() - 1
    }

    /// Closes the mark opened with `handle` (and any still open above it).
    pub(crate) fn close_mark(&mut self, handle: usize) {
        while self.open.len() > handle {
            if let Some((_, idx)) = self.open.pop() {
                self.keep_if_empty_link(idx);
                self.toks.push(Tok::Close(idx));
            }
        }
    }

    /// A link element with nothing inside is still a link: `[](url)`.
    fn keep_if_empty_link(&mut self, idx: u32) {
        let Some(slot) = self.marks.get_mut(idx as usize) else {
            return;
        };
        if !matches!(slot.mark, Mark::Link { .. }) || slot.reopened {
            return;
        }
        let last = self
            .toks
            .iter()
            .rev()
            .find(|t| !matches!(t, Tok::Space { .. }));
        if last == Some(&Tok::Open(idx)) {
            slot.keep_empty = true;
            self.content = true;
            self.count = self.count.wrapping_add(1);
        }
    }

    /// True when a mark equal in kind to `mark` is open (nested strike and raw
    /// inline marks are dropped; nested emphasis is kept).
    pub(crate) fn is_open(&self, mark: &Mark) -> bool {
        self.open.iter().any(|(m, _)| match (m, mark) {
            (Mark::Link { .. }, Mark::Link { .. }) => true,
            (a, b) => a == b,
        })
    }

    /// True while inside a link (its text is being collected).
    pub(crate) fn in_link(&self) -> bool {
        self.open
            .iter()
            .any(|(m, _)| matches!(m, Mark::Link { .. }))
    }

    fn new_slot(&mut self, mark: Mark) -> u32 {
        self.marks.push(MarkSlot {
            mark,
            html: false,
            alt: false,
            keep_empty: false,
            reopened: false,
        });
        to_u32(self.marks.len() - 1)
    }

    /// Appends HTML text: whitespace runs collapse into single space tokens.
    pub(crate) fn text(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if is_html_space(bytes[i]) {
                let mut newline = false;
                while i < bytes.len() && is_html_space(bytes[i]) {
                    newline |= bytes[i] == b'\n' || bytes[i] == b'\r';
                    i += 1;
                }
                self.space(newline);
            } else {
                let start = i;
                i = next_space(bytes, i);
                self.push_text(&s[start..i]);
            }
        }
    }

    fn push_text(&mut self, s: &str) {
        let start = self.arena.len();
        self.arena.push_str(s);
        let end = self.arena.len();
        let (start, end) = (to_u32(start), to_u32(end));
        if let Some(Tok::Text(_, e)) = self.toks.last_mut()
            && *e == start
        {
            *e = end;
        } else {
            self.toks.push(Tok::Text(start, end));
        }
        self.content = true;
        self.count = self.count.wrapping_add(1);
    }

    /// Appends a collapsible space.
    pub(crate) fn space(&mut self, newline: bool) {
        if let Some(Tok::Space { newline: n }) = self.toks.last_mut() {
            *n |= newline;
        } else {
            self.toks.push(Tok::Space { newline });
        }
    }

    /// Appends a hard line break.
    pub(crate) fn hard_break(&mut self) {
        self.toks.push(Tok::Break);
    }

    /// Appends an inline code span (content already collapsed).
    pub(crate) fn code(&mut self, code: &str) {
        let start = to_u32(self.arena.len());
        self.arena.push_str(code);
        self.toks.push(Tok::Code(start, to_u32(self.arena.len())));
        self.content = true;
        self.count = self.count.wrapping_add(1);
    }

    /// Appends an image.
    pub(crate) fn image(&mut self, alt: String, src: String, title: String) {
        self.images.push(Image { alt, src, title });
        let idx = to_u32(self.images.len() - 1);
        self.toks.push(Tok::Image(idx));
        self.content = true;
        self.count = self.count.wrapping_add(1);
    }

    /// Writes the block's Markdown into `out` (lines joined by `\n`), resets the
    /// buffer, and reopens the marks still open. Returns false when the block
    /// had no visible content (nothing was written).
    pub(crate) fn flush(&mut self, out: &mut String, flush: Flush) -> bool {
        let wrote = if self.content {
            for k in (0..self.open.len()).rev() {
                let idx = self.open[k].1;
                self.toks.push(Tok::Close(idx));
            }
            self.normalize(flush.keep_indent);
            self.drop_cjk_breaks();
            self.alternate_nested();
            self.decide_emphasis();
            let before = out.len();
            let mut written = std::mem::take(&mut self.written_images);
            self.serialize(out, flush, &mut written);
            self.written_images = written;
            out.len() > before
        } else {
            false
        };
        self.toks.clear();
        self.arena.clear();
        self.marks.clear();
        self.images.clear();
        self.content = false;
        let open = std::mem::take(&mut self.open);
        for (mark, _) in open {
            let idx = self.new_slot(mark.clone());
            if let Some(slot) = self.marks.last_mut() {
                slot.reopened = true;
            }
            self.toks.push(Tok::Open(idx));
            self.open.push((mark, idx));
        }
        wrote
    }

    fn text_of(&self, a: u32, b: u32) -> &str {
        &self.arena[a as usize..b as usize]
    }

    /// Spaces move outside markers and vanish at line edges and around breaks;
    /// empty marker pairs vanish (an empty link element stays: `[](url)`);
    /// U+3000 indents at line starts go; breaks are
    /// kept only between content.
    fn normalize(&mut self, keep_indent: bool) {
        // NBSP and U+3000 at the end of a block are kept (`结尾&nbsp;</p>`): the author wrote
        // them; trimming them is the `trim_block_ends` rule.
        let toks = std::mem::take(&mut self.toks);
        let mut v = std::mem::take(&mut self.scratch);
        v.clear();
        // Alias: a mark merged into an adjacent earlier one of the same kind.
        let mut alias: Vec<u32> = (0..to_u32(self.marks.len())).collect();
        let mut line_content = false;
        // Line breaks waiting for the next content (`<br><br>` is two).
        let mut pending_break = 0u32;
        for &t in &toks {
            match t {
                Tok::Space { newline } => {
                    if !line_content {
                        continue;
                    }
                    // Insert before trailing opens.
                    let mut at = v.len();
                    while at > 0 && matches!(v[at - 1], Tok::Open(_)) {
                        at -= 1;
                    }
                    match at.checked_sub(1).map(|i| v[i]) {
                        Some(Tok::Space { newline: n }) => {
                            v[at - 1] = Tok::Space {
                                newline: n | newline,
                            };
                        }
                        Some(Tok::Break) | None => {}
                        _ => v.insert(at, Tok::Space { newline }),
                    }
                }
                // Breaks before the first content are kept too (an empty line shows);
                // breaks that no content follows go at the end.
                Tok::Break => pending_break += 1,
                Tok::Open(i) => {
                    // Merge with an adjacent closer of the same kind.
                    if let Some(&Tok::Close(j)) = v.last() {
                        let j = alias[j as usize];
                        if self.marks[j as usize].mark == self.marks[i as usize].mark
                            && !matches!(self.marks[i as usize].mark, Mark::Link { .. })
                        {
                            v.pop();
                            alias[i as usize] = j;
                            continue;
                        }
                    }
                    v.push(Tok::Open(i));
                }
                Tok::Close(i) => {
                    let i = alias[i as usize];
                    // Trailing space moves outside.
                    let mut space = None;
                    if let Some(&Tok::Space { newline }) = v.last() {
                        v.pop();
                        space = Some(newline);
                    }
                    if let Some(&Tok::Open(j)) = v.last()
                        && alias[j as usize] == i
                        && !self.marks[i as usize].keep_empty
                    {
                        v.pop();
                    } else {
                        v.push(Tok::Close(i));
                    }
                    if let Some(newline) = space {
                        match v.last_mut() {
                            Some(Tok::Space { newline: n }) => *n |= newline,
                            _ => v.push(Tok::Space { newline }),
                        }
                    }
                }
                Tok::Text(mut a, b) => {
                    if (!line_content || pending_break > 0) && !keep_indent {
                        let s = self.text_of(a, b);
                        let trimmed = s.trim_start_matches('\u{3000}');
                        a += to_u32(s.len() - trimmed.len());
                        if a == b {
                            continue;
                        }
                    }
                    if pending_break == 0
                        && let Some(Tok::Text(_, pb)) = v.last_mut()
                        && *pb == a
                    {
                        *pb = b;
                    } else {
                        self.push_content(&mut v, Tok::Text(a, b), &mut pending_break);
                    }
                    line_content = true;
                }
                Tok::Code(..) | Tok::Image(_) | Tok::Task(_) => {
                    self.push_content(&mut v, t, &mut pending_break);
                    line_content = true;
                }
            }
        }
        // Trailing spaces (possibly before closers) go.
        let mut i = v.len();
        while i > 0 {
            match v[i - 1] {
                Tok::Space { .. } => {
                    v.remove(i - 1);
                }
                Tok::Close(_) | Tok::Open(_) => {}
                _ => break,
            }
            i -= 1;
        }
        self.toks = v;
        self.scratch = toks;
        self.scratch.clear();
    }

    fn push_content(&self, v: &mut Vec<Tok>, t: Tok, pending_break: &mut u32) {
        if *pending_break > 0 {
            // The break goes before any opens that precede this content, and
            // drops the space before it.
            let mut at = v.len();
            while at > 0 && matches!(v[at - 1], Tok::Open(_)) {
                at -= 1;
            }
            let mut sp = at;
            while sp > 0 && matches!(v[sp - 1], Tok::Space { .. } | Tok::Close(_)) {
                sp -= 1;
            }
            // Remove spaces between the last content and the break position.
            let mut k = sp;
            while k < at {
                if matches!(v[k], Tok::Space { .. }) {
                    v.remove(k);
                    at -= 1;
                } else {
                    k += 1;
                }
            }
            // All at once: one shift of what follows, however many breaks.
            v.splice(
                at..at,
                std::iter::repeat_n(Tok::Break, *pending_break as usize),
            );
            // Spaces right after the break (before the opens) go too.
            *pending_break = 0;
        }
        v.push(t);
    }

    /// A line break in the source between two CJK characters is dropped
    /// (CSS segment-break rules), instead of becoming a space.
    fn drop_cjk_breaks(&mut self) {
        // Decided on the tokens as they are (a dropped space never is the
        // visible neighbour of another one), then removed in one pass.
        let drop: Vec<bool> = (0..self.toks.len())
            .map(|i| {
                matches!(self.toks[i], Tok::Space { newline: true })
                    && self.visible_before(i).is_some_and(is_cjk)
                    && self.visible_after(i).is_some_and(is_cjk)
            })
            .collect();
        let mut k = 0;
        self.toks.retain(|_| {
            k += 1;
            !drop[k - 1]
        });
    }

    fn visible_before(&self, i: usize) -> Option<char> {
        for t in self.toks[..i].iter().rev() {
            match *t {
                Tok::Text(a, b) => return self.text_of(a, b).chars().next_back(),
                Tok::Open(_) | Tok::Close(_) => {}
                _ => return None,
            }
        }
        None
    }

    fn visible_after(&self, i: usize) -> Option<char> {
        for t in &self.toks[i + 1..] {
            match *t {
                Tok::Text(a, b) => return self.text_of(a, b).chars().next(),
                Tok::Open(_) | Tok::Close(_) => {}
                _ => return None,
            }
        }
        None
    }

    /// First output character of token `t` (approximate but class-exact).
    fn first_char(&self, t: Tok) -> Option<char> {
        match t {
            Tok::Text(a, b) => self.text_of(a, b).chars().next(),
            Tok::Space { .. } => Some(' '),
            Tok::Break => Some('\\'),
            Tok::Code(..) => Some('`'),
            Tok::Image(_) => Some('!'),
            Tok::Task(_) => Some('['),
            Tok::Open(i) => Some(self.open_char(i)),
            Tok::Close(i) => Some(self.close_first_char(i)),
        }
    }

    /// Last output character of token `t`; `None` after a line break.
    fn last_char(&self, t: Tok) -> Option<char> {
        match t {
            Tok::Text(a, b) => self.text_of(a, b).chars().next_back(),
            Tok::Space { .. } => Some(' '),
            Tok::Break => None,
            Tok::Code(..) => Some('`'),
            Tok::Image(_) => Some(')'),
            Tok::Task(_) => Some(' '),
            Tok::Open(i) => {
                let s = &self.marks[i as usize];
                match (&s.mark, s.html) {
                    (Mark::Link { .. }, _) => Some('['),
                    (m, false) if m.delimiter().is_some() => self.delimiter(i),
                    _ => Some('>'),
                }
            }
            Tok::Close(i) => {
                let s = &self.marks[i as usize];
                match (&s.mark, s.html) {
                    (Mark::Link { .. }, _) => Some(')'),
                    (m, false) if m.delimiter().is_some() => self.delimiter(i),
                    _ => Some('>'),
                }
            }
        }
    }

    fn open_char(&self, i: u32) -> char {
        let s = &self.marks[i as usize];
        match (&s.mark, s.html) {
            (Mark::Link { .. }, _) => '[',
            (_, false) => self.delimiter(i).unwrap_or('<'),
            _ => '<',
        }
    }

    fn close_first_char(&self, i: u32) -> char {
        let s = &self.marks[i as usize];
        match (&s.mark, s.html) {
            (Mark::Link { .. }, _) => ']',
            (_, false) => self.delimiter(i).unwrap_or('<'),
            _ => '<',
        }
    }

    /// The delimiter character mark `i` is written with (`_` for an
    /// alternate), ignoring whether it falls back to HTML.
    fn delimiter(&self, i: u32) -> Option<char> {
        let s = &self.marks[i as usize];
        match s.mark.delimiter() {
            Some('*') if s.alt => Some('_'),
            d => d,
        }
    }

    /// Emphasis inside emphasis of the same kind alternates `*` and `_`, so
    /// that the inner one is not read as a continuation of the outer.
    fn alternate_nested(&mut self) {
        let mut stack: Vec<u32> = Vec::new();
        let mut alts: Vec<u32> = Vec::new();
        for &t in &self.toks {
            match t {
                Tok::Open(i) => {
                    let mark = &self.marks[i as usize].mark;
                    if matches!(mark, Mark::Strong | Mark::Emphasis)
                        && let Some(&outer) = stack
                            .iter()
                            .rev()
                            .find(|&&j| self.marks[j as usize].mark == *mark)
                        && !alts.contains(&outer)
                    {
                        alts.push(i);
                    }
                    stack.push(i);
                }
                Tok::Close(i) => {
                    if let Some(p) = stack.iter().rposition(|&j| j == i) {
                        stack.truncate(p);
                    }
                }
                _ => {}
            }
        }
        for i in alts {
            self.marks[i as usize].alt = true;
        }
    }

    /// The delimiter character of token `t` when it is a Markdown emphasis marker.
    fn delim_of(&self, t: Tok) -> Option<char> {
        match t {
            Tok::Open(i) | Tok::Close(i) => {
                if self.marks[i as usize].html {
                    None
                } else {
                    self.delimiter(i)
                }
            }
            _ => None,
        }
    }

    /// The classes around the delimiter run containing token `i`, and
    /// whether that run mixes openers and closers.
    fn run_context(&self, i: usize) -> (Class, Class, bool) {
        let d = self.delim_of(self.toks[i]);
        let mut a = i;
        while a > 0 && self.delim_of(self.toks[a - 1]) == d {
            a -= 1;
        }
        let mut b = i + 1;
        while b < self.toks.len() && self.delim_of(self.toks[b]) == d {
            b += 1;
        }
        let before = if a == 0 {
            None
        } else {
            self.last_char(self.toks[a - 1])
        };
        let after = self.toks.get(b).and_then(|&t| self.first_char(t));
        let opens = self.toks[a..b].iter().any(|t| matches!(t, Tok::Open(_)));
        let closes = self.toks[a..b].iter().any(|t| matches!(t, Tok::Close(_)));
        (class_of(before), class_of(after), opens && closes)
    }

    /// Makes every `*`/`~` marker parse as intended: punctuation at the inner
    /// edge of a span moves outside it when that makes it parse (`**时间，**请`
    /// → `**时间**，请`); otherwise the span is written as raw HTML.
    fn decide_emphasis(&mut self) {
        // Each fix changes at most the run it is in and the texts next to
        // it, so the scan resumes at that run instead of the block start:
        // linear in the block, however many fixes it needs.
        let limit = self.toks.len() * 2 + 4;
        let mut from = 0;
        let mut open = Vec::new();
        for _ in 0..limit {
            match self.fix_one(from, &mut open) {
                Some(resume) => from = resume,
                None => return,
            }
        }
        // Give up on Markdown delimiters altogether: still correct output.
        for s in &mut self.marks {
            if s.mark.delimiter().is_some() {
                s.html = true;
            }
        }
    }

    /// Fixes the first invalid marker at or after `from`; returns where to
    /// resume checking (the start of the text or run before the fix), or
    /// `None` when all are valid. `open` holds the Markdown markers open at
    /// `from` (mark, delimiter, start of its run, length of its run), kept
    /// across calls: a fix only changes its own run and the text before it.
    fn fix_one(&mut self, from: usize, open: &mut Vec<(u32, char, usize, usize)>) -> Option<usize> {
        // Markers fixed since (a closer's fix turns its opener to HTML too)
        // are no longer open Markdown markers.
        let marks = &self.marks;
        open.retain(|&(m, _, start, _)| start < from && !marks[m as usize].html);
        for i in from..self.toks.len() {
            let t = self.toks[i];
            let Some(d) = self.delim_of(t) else {
                continue;
            };
            let (before, after, mixed) = self.run_context(i);
            let under = d == '_';
            let resume = self.run_start(i).saturating_sub(1);
            match t {
                Tok::Open(m) => {
                    let opens = left_flanking(before, after)
                        && (!under || !right_flanking(before, after) || before == Class::Punct);
                    // An opener that could also close would close an
                    // enclosing marker of the same character instead
                    // (unless the rule of 3 keeps them apart).
                    let closes = right_flanking(before, after)
                        && (!under || !left_flanking(before, after) || after == Class::Punct);
                    let (start, len) = self.run_span(i);
                    let steals = closes
                        && open.iter().any(|&(_, c, s, l)| {
                            c == d
                                && s < start
                                && ((l + len) % 3 != 0 || (l % 3 == 0 && len % 3 == 0))
                        });
                    if !mixed && opens && !steals {
                        open.push((m, d, start, len));
                        continue;
                    }
                    if mixed || !self.move_leading_out(i) {
                        self.marks[m as usize].html = true;
                    }
                    return Some(self.run_start(resume));
                }
                Tok::Close(m) => {
                    let closes = right_flanking(before, after)
                        && (!under || !left_flanking(before, after) || after == Class::Punct);
                    if !mixed && closes {
                        if let Some(p) = open.iter().rposition(|&(o, ..)| o == m) {
                            open.truncate(p);
                        }
                        continue;
                    }
                    if mixed || !self.move_trailing_out(i) {
                        self.marks[m as usize].html = true;
                    }
                    return Some(self.run_start(resume));
                }
                _ => {}
            }
        }
        None
    }

    /// The first token of the delimiter run (or other run of markers) that
    /// token `i` belongs to.
    fn run_start(&self, i: usize) -> usize {
        let mut a = i;
        while a > 0
            && matches!(self.toks[a - 1], Tok::Open(_) | Tok::Close(_))
            && matches!(self.toks.get(a), Some(Tok::Open(_) | Tok::Close(_)))
        {
            a -= 1;
        }
        a
    }

    /// The first token of the delimiter run holding token `i`, and the run's
    /// length in characters.
    fn run_span(&self, i: usize) -> (usize, usize) {
        let d = self.delim_of(self.toks[i]);
        let mut a = i;
        while a > 0 && self.delim_of(self.toks[a - 1]) == d {
            a -= 1;
        }
        let mut len = 0;
        let mut b = a;
        while b < self.toks.len() && self.delim_of(self.toks[b]) == d {
            if let Tok::Open(m) | Tok::Close(m) = self.toks[b] {
                len += if self.marks[m as usize].mark == Mark::Emphasis {
                    1
                } else {
                    2
                };
            }
            b += 1;
        }
        (a, len)
    }

    /// For an opener before text starting with punctuation: moves that
    /// punctuation in front of the run of openers. False when impossible.
    fn move_leading_out(&mut self, i: usize) -> bool {
        let mut j = i;
        while j < self.toks.len() && self.delim_of(self.toks[j]).is_some() {
            if !matches!(self.toks[j], Tok::Open(_)) {
                return false;
            }
            j += 1;
        }
        let Some(&Tok::Text(a, b)) = self.toks.get(j) else {
            return false;
        };
        let s = self.text_of(a, b);
        let Some((k, _)) = s
            .char_indices()
            .find(|&(_, c)| class_of(Some(c)) == Class::Other)
        else {
            return false;
        };
        if k == 0 {
            return false;
        }
        let mid = a + to_u32(k);
        let mut start = i;
        while start > 0 && matches!(self.toks[start - 1], Tok::Open(_)) {
            start -= 1;
        }
        self.toks[j] = Tok::Text(mid, b);
        match start.checked_sub(1).map(|k| self.toks[k]) {
            // The text before the openers ends where this one starts: it
            // grows instead of a token being inserted (no shifting).
            Some(Tok::Text(x, y)) if y == a => self.toks[start - 1] = Tok::Text(x, mid),
            _ => self.toks.insert(start, Tok::Text(a, mid)),
        }
        true
    }

    /// For a closer after text ending with punctuation: moves that punctuation
    /// after the run of closers. False when impossible.
    fn move_trailing_out(&mut self, i: usize) -> bool {
        let mut j = i;
        while j > 0 && self.delim_of(self.toks[j - 1]).is_some() {
            if !matches!(self.toks[j - 1], Tok::Close(_)) {
                return false;
            }
            j -= 1;
        }
        if j == 0 {
            return false;
        }
        let Tok::Text(a, b) = self.toks[j - 1] else {
            return false;
        };
        let s = self.text_of(a, b);
        let Some((k, c)) = s
            .char_indices()
            .rev()
            .find(|&(_, c)| class_of(Some(c)) == Class::Other)
        else {
            return false;
        };
        let cut = a + to_u32(k + c.len_utf8());
        if cut == b {
            return false;
        }
        let mut end = i + 1;
        while end < self.toks.len() && matches!(self.toks[end], Tok::Close(_)) {
            end += 1;
        }
        self.toks[j - 1] = Tok::Text(a, cut);
        match self.toks.get(end) {
            Some(&Tok::Text(x, y)) if x == b => self.toks[end] = Tok::Text(cut, y),
            _ => self.toks.insert(end, Tok::Text(cut, b)),
        }
        true
    }

    /// Which of `*`, `_`, `~` occur at most once in the block's output.
    fn lone_delimiters(&self) -> u8 {
        fn add(counts: &mut [usize; 3], s: &str) {
            // Most text holds none of them: one branch-free pass (plain
            // comparisons OR-ed into flags, so it vectorizes) tells which
            // occur, and only those are counted.
            let s = s.as_bytes();
            let (mut star, mut under, mut tilde) = (false, false, false);
            for &b in s {
                star |= b == b'*';
                under |= b == b'_';
                tilde |= b == b'~';
            }
            let present = u8::from(star) | (u8::from(under) << 1) | (u8::from(tilde) << 2);
            if present == 0 {
                return;
            }
            for (k, (count, d)) in counts.iter_mut().zip([b'*', b'_', b'~']).enumerate() {
                if present & (1 << k) != 0 {
                    *count += s.iter().filter(|&&x| x == d).count();
                }
            }
        }
        let mut counts = [0usize; 3];
        // The same counts over text tokens only: without a literal `*` or `_`
        // there, `can_pair` is false and need not run.
        let mut text_counts = [0usize; 3];
        for &t in &self.toks {
            match t {
                Tok::Text(a, b) => add(&mut text_counts, self.text_of(a, b)),
                Tok::Image(n) => add(&mut counts, &self.images[n as usize].alt),
                Tok::Open(_) | Tok::Close(_) => match self.delim_of(t) {
                    Some('*') => counts[0] += 2,
                    Some('_') => counts[1] += 2,
                    Some('~') => counts[2] += 2,
                    _ => {}
                },
                _ => {}
            }
        }
        let mut lone = 0;
        for (i, (&n, &t)) in counts.iter().zip(&text_counts).enumerate() {
            if n + t <= 1 {
                lone |= 1 << i;
            }
        }
        if text_counts[0] == 0 || !self.can_pair('*') {
            lone |= 1;
        }
        if text_counts[1] == 0 || !self.can_pair('_') {
            lone |= 2;
        }
        lone
    }

    /// Whether a literal `*` or `_` in the block's text could take part in
    /// emphasis. CommonMark pairs a closer only with an earlier opener, so
    /// when no potential opener precedes a potential closer (one of them
    /// literal text), no literal delimiter needs a backslash: `，*ST华讯、*ST腾邦`
    /// (stock names, openers only) or `日期_产品_AC版本_$出价` (intraword `_`
    /// neither opens nor closes; the last one only closes). Our own markers
    /// take part with their real flanking; a literal delimiter touching a
    /// marker or another run of its kind, or inside image alt text, counts
    /// as pairable (the answer is "escape as before").
    fn can_pair(&self, c: char) -> bool {
        // Without a literal `c` there is nothing to escape either way (memchr-fast).
        let literal = self.toks.iter().any(|&t| match t {
            Tok::Text(a, b) => self.text_of(a, b).contains(c),
            _ => false,
        });
        if !literal {
            return false;
        }
        let flanks = |before: Option<char>, after: Option<char>| {
            let (b, a) = (class_of(before), class_of(after));
            let (lf, rf) = (left_flanking(b, a), right_flanking(b, a));
            if c == '_' {
                (
                    lf && (!rf || b == Class::Punct),
                    rf && (!lf || a == Class::Punct),
                )
            } else {
                (lf, rf)
            }
        };
        // (literal, can open, can close), in output order.
        let mut events: Vec<(bool, bool, bool)> = Vec::new();
        let mut prev: Option<char> = None;
        for (i, &t) in self.toks.iter().enumerate() {
            let next = self.toks.get(i + 1).and_then(|&n| self.first_char(n));
            match t {
                Tok::Text(a, b) => {
                    let text = self.text_of(a, b);
                    let mut before = prev;
                    let mut chars = text.char_indices().peekable();
                    while let Some((at, ch)) = chars.next() {
                        if ch != c {
                            before = Some(ch);
                            continue;
                        }
                        let mut len = 1;
                        while chars.next_if(|&(_, n)| n == c).is_some() {
                            len += 1;
                        }
                        let after = chars.peek().map(|&(_, n)| n).or(next);
                        if before == Some(c) || after == Some(c) {
                            return true;
                        }
                        let (open, close) = flanks(before, after);
                        events.push((true, open, close));
                        if at == 0 && prev.is_none() && len > 1 {
                            // A line start may escape the run's first char
                            // (`\**`): the rest is then a run after punctuation.
                            let (open, close) = flanks(Some(c), after);
                            events.push((true, open, close));
                        }
                        before = Some(c);
                    }
                }
                Tok::Image(n) if self.images[n as usize].alt.contains(c) => return true,
                Tok::Open(_) | Tok::Close(_) if self.delim_of(t) == Some(c) => {
                    let (open, close) = flanks(prev, next);
                    events.push((false, open, close));
                }
                _ => {}
            }
            prev = self.last_char(t);
        }
        // Any opener before any closer, with a literal on either side.
        let mut literal_opener = false;
        let mut any_opener = false;
        for (literal, open, close) in events {
            if close && (literal_opener || (literal && any_opener)) {
                return true;
            }
            if open {
                any_opener = true;
                literal_opener |= literal;
            }
        }
        false
    }

    /// `<url>` for a link at token `i` whose whole text is its URL (no title,
    /// no markup inside).
    fn autolink_at(&self, i: usize) -> Option<String> {
        let Tok::Open(m) = self.toks[i] else {
            return None;
        };
        let slot = &self.marks[m as usize];
        let Mark::Link { href, title } = &slot.mark else {
            return None;
        };
        if !title.is_empty() {
            return None;
        }
        match (self.toks.get(i + 1), self.toks.get(i + 2)) {
            (Some(&Tok::Text(a, b)), Some(&Tok::Close(c))) if c == m => {
                escape::autolink(self.text_of(a, b), href)
            }
            _ => None,
        }
    }

    /// The visible text from token `i` to the end of its output line, with
    /// each emphasis marker as its delimiter and any other marker, code span
    /// or image as one U+0001 placeholder; cut after
    /// 1000 bytes (a label is at most 999 characters).
    fn line_from(&self, i: usize) -> String {
        let mut s = String::new();
        for &t in &self.toks[i..] {
            match t {
                Tok::Text(a, b) => s.push_str(self.text_of(a, b)),
                Tok::Space { .. } => s.push(' '),
                Tok::Break => break,
                _ => s.push(self.delim_of(t).unwrap_or('\u{1}')),
            }
            if s.len() > 1000 {
                // Longer than any label: stop, and stay on the safe side.
                s.push(':');
                break;
            }
        }
        s
    }

    /// The text of the link whose content starts at token `i`, up to its
    /// closer, with any other token as a U+0001 placeholder.
    fn link_text_from(&self, i: usize) -> String {
        let mut s = String::new();
        let mut depth = 0u32;
        for &t in &self.toks[i..] {
            match t {
                Tok::Open(m) if matches!(self.marks[m as usize].mark, Mark::Link { .. }) => {
                    depth += 1;
                }
                Tok::Close(m) if matches!(self.marks[m as usize].mark, Mark::Link { .. }) => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Text(a, b) => s.push_str(self.text_of(a, b)),
                Tok::Space { .. } => s.push(' '),
                _ => s.push('\u{1}'),
            }
        }
        s
    }

    fn serialize(&self, out: &mut String, flush: Flush, written_images: &mut Vec<String>) {
        let lone = self.lone_delimiters();
        let mut line_start = !flush.heading;
        let mut prev: Option<char> = None;
        let mut link_depth = 0u32;
        // Per open link: its text's brackets pair up.
        let mut balanced: Vec<bool> = Vec::new();
        let mut skip = 0usize;
        for (i, &t) in self.toks.iter().enumerate() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            if let Some(auto) = self.autolink_at(i) {
                out.push_str(&auto);
                line_start = false;
                prev = Some('>');
                skip = 2;
                continue;
            }
            match t {
                Tok::Text(a, b) => {
                    let text = self.text_of(a, b);
                    let is_text = |c: char| {
                        !matches!(c, '-' | '=' | '|' | ':' | '*' | '_' | '+' | ' ' | '\t')
                    };
                    // The line starts with this token's text, always whole:
                    // when that text already holds a text character, the rest
                    // of the line is only needed for a leading `[`.
                    let starts_with_text = line_start && text.chars().any(is_text);
                    let line = if line_start && (!starts_with_text || text.starts_with('[')) {
                        self.line_from(i)
                    } else {
                        String::new()
                    };
                    let ctx = Context {
                        line_start,
                        prev,
                        next: self.toks.get(i + 1).and_then(|&n| self.first_char(n)),
                        link_text: link_depth > 0,
                        table: flush.table,
                        lone,
                        not_definition: line_start
                            && text.starts_with('[')
                            && !escape::could_be_definition(&line),
                        line_has_text: starts_with_text || line.chars().any(is_text),
                        brackets_balanced: balanced.last().copied().unwrap_or(false),
                        dialect: flush.dialect,
                    };
                    escape::escape_text(out, text, &ctx);
                }
                Tok::Space { .. } => out.push(' '),
                Tok::Break => out.push_str("\\\n"),
                // The marker needs whitespace after it to be one.
                Tok::Task(checked) => {
                    out.push_str(if checked { "[x]" } else { "[ ]" });
                    if !matches!(self.toks.get(i + 1), Some(Tok::Space { .. }) | None) {
                        out.push(' ');
                    }
                }
                // Hugo: a shortcode opener in code is shown with its comment form, or,
                // never closed, from HTML.
                Tok::Code(a, b)
                    if flush.dialect.shortcodes()
                        && super::shortcodes::has_opener(self.text_of(a, b))
                        && !(i > 0 && matches!(self.toks[i - 1], Tok::Code(..))) =>
                {
                    match super::shortcodes::comment_form(self.text_of(a, b)) {
                        Some(code) => escape::push_code_span(out, &code, flush.table),
                        None => push_html_code(out, self.text_of(a, b)),
                    }
                }
                // Two code spans in a row cannot both be backtick spans
                // (`` `a``b` `` is one span): the second is written as HTML.
                Tok::Code(a, b) if i > 0 && matches!(self.toks[i - 1], Tok::Code(..)) => {
                    push_html_code(out, self.text_of(a, b));
                }
                Tok::Code(a, b) => escape::push_code_span(out, self.text_of(a, b), flush.table),
                Tok::Image(n) => {
                    let img = &self.images[n as usize];
                    out.push_str("![");
                    let ctx = Context {
                        line_start: false,
                        prev: Some('['),
                        next: Some(']'),
                        link_text: true,
                        table: flush.table,
                        lone,
                        not_definition: false,
                        line_has_text: false,
                        brackets_balanced: brackets_pair(&img.alt),
                        dialect: flush.dialect,
                    };
                    escape::escape_text(out, &img.alt, &ctx);
                    out.push_str("](");
                    let at = out.len();
                    push_destination(out, &img.src, flush.table);
                    written_images.push(escape::destination_as_read(&out[at..]));
                    escape::push_title(out, &img.title);
                    out.push(')');
                }
                Tok::Open(m) => {
                    let s = &self.marks[m as usize];
                    match (&s.mark, s.html) {
                        (Mark::Strong, false) if s.alt => out.push_str("__"),
                        (Mark::Emphasis, false) if s.alt => out.push('_'),
                        (Mark::Strong, false) => out.push_str("**"),
                        (Mark::Emphasis, false) => out.push('*'),
                        (Mark::Strike, false) => out.push_str("~~"),
                        (Mark::Strong, true) => out.push_str("<strong>"),
                        (Mark::Emphasis, true) => out.push_str("<em>"),
                        (Mark::Strike, true) => out.push_str("<del>"),
                        (Mark::Link { .. }, _) => {
                            out.push('[');
                            link_depth += 1;
                            balanced.push(brackets_pair(&self.link_text_from(i + 1)));
                        }
                        (Mark::Raw(tag), _) => {
                            out.push('<');
                            out.push_str(tag);
                            out.push('>');
                        }
                    }
                }
                Tok::Close(m) => {
                    let s = &self.marks[m as usize];
                    match (&s.mark, s.html) {
                        (Mark::Strong, false) if s.alt => out.push_str("__"),
                        (Mark::Emphasis, false) if s.alt => out.push('_'),
                        (Mark::Strong, false) => out.push_str("**"),
                        (Mark::Emphasis, false) => out.push('*'),
                        (Mark::Strike, false) => out.push_str("~~"),
                        (Mark::Strong, true) => out.push_str("</strong>"),
                        (Mark::Emphasis, true) => out.push_str("</em>"),
                        (Mark::Strike, true) => out.push_str("</del>"),
                        (Mark::Link { href, title }, _) => {
                            out.push_str("](");
                            push_destination(out, href, flush.table);
                            escape::push_title(out, title);
                            out.push(')');
                            link_depth = link_depth.saturating_sub(1);
                            balanced.pop();
                        }
                        (Mark::Raw(tag), _) => {
                            out.push_str("</");
                            out.push_str(tag);
                            out.push('>');
                        }
                    }
                }
            }
            let last = self.last_char(t);
            line_start = matches!(t, Tok::Break);
            prev = last;
        }
    }
}

/// A code span written as inline HTML: `<code>`, its text escaped for HTML and Markdown.
fn push_html_code(out: &mut String, code: &str) {
    out.push_str("<code>");
    for c in code.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push_str("</code>");
}

/// Whether the brackets of link or alt text pair up with no `](` inside, so
/// that CommonMark reads them as text: `map[string]interface{}`.
fn brackets_pair(text: &str) -> bool {
    let mut depth = 0u32;
    let mut prev = '\0';
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            '(' if prev == ']' => return false,
            _ => {}
        }
        prev = c;
    }
    depth == 0
}

/// A link destination; in a table `|` must not end the cell.
fn push_destination(out: &mut String, url: &str, table: bool) {
    if table && url.contains('|') {
        escape::push_url(out, &url.replace('|', "%7C"));
    } else {
        escape::push_url(out, url);
    }
}

fn is_html_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0C)
}

/// Index of the first HTML whitespace byte at or after `i`, or `bytes.len()`.
///
/// Eight bytes at a time: HTML whitespace is all below 0x21, so a word
/// without such a byte (the bulk of visible text, CJK included) is skipped
/// whole; a word with one is looked at byte by byte.
fn next_space(bytes: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    loop {
        while let Some(word) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            let x = u64::from_le_bytes(w);
            // Nonzero exactly when some byte is below 0x21.
            if x.wrapping_sub(ONES * 0x21) & !x & HIGHS != 0 {
                break;
            }
            i += 8;
        }
        let end = bytes.len().min(i + 8);
        while i < end {
            if is_html_space(bytes[i]) {
                return i;
            }
            i += 1;
        }
        if i == bytes.len() {
            return i;
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_space_matches_a_byte_scan() {
        let naive = |b: &[u8], i: usize| {
            b[i..]
                .iter()
                .position(|&c| is_html_space(c))
                .map_or(b.len(), |p| i + p)
        };
        let pieces = [
            "a", "中", " ", "\t", "\n", "\r", "\u{c}", "\u{1}", "\u{b}", "!", "~", "\u{7f}", "é",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut s = String::new();
            let mut x = seed;
            for _ in 0..(seed % 40) {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                // Mostly letters, so long runs without whitespace occur.
                let k = (x >> 33) as usize % (pieces.len() * 3);
                s.push_str(pieces.get(k).unwrap_or(&"x"));
            }
            let b = s.as_bytes();
            for i in 0..=b.len() {
                assert_eq!(next_space(b, i), naive(b, i), "{s:?} at {i}");
            }
        }
    }

    fn render(build: impl FnOnce(&mut Inline)) -> String {
        let mut inline = Inline::default();
        build(&mut inline);
        let mut out = String::new();
        inline.flush(&mut out, Flush::default());
        out
    }

    #[test]
    fn whitespace_collapses_across_markers() {
        let md = render(|i| {
            i.text("foo ");
            let h = i.open_mark(Mark::Strong);
            i.text(" bar ");
            i.close_mark(h);
            i.text("baz");
        });
        assert_eq!(md, "foo **bar** baz");
    }

    #[test]
    fn empty_emphasis_vanishes() {
        let md = render(|i| {
            i.text("a");
            let h = i.open_mark(Mark::Emphasis);
            i.text("  ");
            i.close_mark(h);
            i.text("b");
        });
        assert_eq!(md, "a b");
    }

    #[test]
    fn cjk_line_break_dropped_space_kept() {
        assert_eq!(render(|i| i.text("中文\n中文")), "中文中文");
        assert_eq!(render(|i| i.text("中文 中文")), "中文 中文");
        assert_eq!(render(|i| i.text("中文\nabc")), "中文 abc");
    }

    #[test]
    fn cjk_punctuation_moves_outside_strong() {
        let md = render(|i| {
            let h = i.open_mark(Mark::Strong);
            i.text("时间，");
            i.close_mark(h);
            i.text("请");
        });
        assert_eq!(md, "**时间**，请");
        let md = render(|i| {
            i.text("他说");
            let h = i.open_mark(Mark::Strong);
            i.text("“双方”");
            i.close_mark(h);
            i.text("都");
        });
        assert_eq!(md, "他说“**双方**”都");
    }

    #[test]
    fn punctuation_only_emphasis_falls_back_to_html() {
        let md = render(|i| {
            i.text("甲");
            let h = i.open_mark(Mark::Strong);
            i.text("：");
            i.close_mark(h);
            i.text("乙");
        });
        assert_eq!(md, "甲<strong>：</strong>乙");
    }

    #[test]
    fn english_colon_stays_inside() {
        let md = render(|i| {
            let h = i.open_mark(Mark::Strong);
            i.text("Note:");
            i.close_mark(h);
            i.text(" text");
        });
        assert_eq!(md, "**Note:** text");
    }

    #[test]
    fn adjacent_same_marks_merge() {
        let md = render(|i| {
            let h = i.open_mark(Mark::Strong);
            i.text("a");
            i.close_mark(h);
            let h = i.open_mark(Mark::Strong);
            i.text("b");
            i.close_mark(h);
        });
        assert_eq!(md, "**ab**");
    }

    #[test]
    fn breaks_before_content_kept_after_it_dropped() {
        // A leading break shows an empty line; a trailing one shows nothing.
        let md = render(|i| {
            i.hard_break();
            i.text("a ");
            i.hard_break();
            i.text(" b");
            i.hard_break();
        });
        assert_eq!(md, "\\\na\\\nb");
        assert_eq!(render(|i| i.hard_break()), "");
    }

    #[test]
    fn fullwidth_indent_stripped() {
        assert_eq!(render(|i| i.text("\u{3000}\u{3000}正文")), "正文");
    }
}
