//! Block layout: containers (blockquotes, list items), the blank lines
//! between blocks, and line prefixes.
//!
//! Every finished block (a paragraph's text, a heading, a code block, a table)
//! arrives here whole. This module decides what goes between it and the
//! previous block (one blank line; one newline inside a tight list; a blank
//! line at the depth the two blocks share, so a quote's inner blank lines keep
//! their `>`), and prefixes each of its lines with the containers' markers
//! (`> `, `- `, `10. `, or the matching indentation). A list is loose or tight
//! as the HTML says: its first paragraph directly in an item decides (`<p>` in
//! `<li>` is a loose list, bare text a tight one); a blank line is still forced
//! where Markdown needs one (two paragraphs, or a paragraph after a quote or a
//! list, in one item). Empty items and quotes are written as bare markers. A
//! list that directly follows another list of the same kind switches bullet
//! character so that the two stay two lists.

/// What kind of block is being written (for tight-list decisions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Paragraph,
    /// A fenced code block: can interrupt a paragraph.
    Code,
    /// A heading or a thematic break: can interrupt a paragraph.
    Heading,
    Other,
}

#[derive(Debug, Clone)]
enum Container {
    Quote {
        blocks: u32,
    },
    Item {
        list: usize,
        /// Marker width, known once the first line is written.
        width: usize,
        /// The marker, until the first line consumes it.
        marker: Option<String>,
        blocks: u32,
        /// The kind of the last block written directly in the item (`None`:
        /// nothing yet, or a quote or a list came last).
        last: Option<Kind>,
    },
}

#[derive(Debug, Clone)]
struct List {
    ordered: bool,
    start: u64,
    written: u64,
    /// Loose (`Some(true)`) or tight, once its first paragraph decided.
    loose: Option<bool>,
    bullet: char,
    /// Container depth of the list's items' parent.
    depth: usize,
    /// Other content was written between items: the next item starts anew.
    interrupted: bool,
}

/// A saved layout state, to undo a speculative table rendering.
#[derive(Debug, Clone)]
pub(crate) struct Checkpoint {
    len: usize,
    containers: Vec<Container>,
    lists: Vec<List>,
    root_blocks: u32,
    last_list: Option<(usize, bool, char)>,
}

/// The Markdown document being written.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    out: String,
    containers: Vec<Container>,
    lists: Vec<List>,
    root_blocks: u32,
    /// A list just ended at this depth: (depth, ordered, bullet).
    last_list: Option<(usize, bool, char)>,
    line: String,
}

impl Blocks {
    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            len: self.out.len(),
            containers: self.containers.clone(),
            lists: self.lists.clone(),
            root_blocks: self.root_blocks,
            last_list: self.last_list,
        }
    }

    pub(crate) fn restore(&mut self, c: Checkpoint) {
        self.out.truncate(c.len);
        self.containers = c.containers;
        self.lists = c.lists;
        self.root_blocks = c.root_blocks;
        self.last_list = c.last_list;
    }

    pub(crate) fn start_quote(&mut self) {
        self.containers.push(Container::Quote { blocks: 0 });
    }

    pub(crate) fn end_quote(&mut self) {
        if let Some(Container::Quote { blocks }) = self.containers.last() {
            if *blocks == 0 {
                self.empty_container();
            }
            self.containers.pop();
            self.mark_container_last();
        }
    }

    pub(crate) fn start_list(&mut self, ordered: bool, start: u64) {
        self.lists.push(List {
            ordered,
            start,
            written: 0,
            loose: None,
            bullet: if ordered { '.' } else { '-' },
            depth: self.containers.len(),
            interrupted: false,
        });
    }

    pub(crate) fn end_list(&mut self) {
        if let Some(list) = self.lists.pop()
            && list.written > 0
        {
            self.last_list = Some((self.containers.len(), list.ordered, list.bullet));
            self.mark_container_last();
        }
    }

    /// Starts an item of the innermost list (a bullet list if there is none).
    pub(crate) fn start_item(&mut self) {
        if self.lists.is_empty() {
            self.start_list(false, 1);
        }
        self.containers.push(Container::Item {
            list: self.lists.len() - 1,
            width: 0,
            marker: None,
            blocks: 0,
            last: None,
        });
    }

    /// True inside a list item that holds no block yet (where a task list marker goes).
    pub(crate) fn at_item_start(&self) -> bool {
        matches!(
            self.containers.last(),
            Some(Container::Item { blocks: 0, .. })
        )
    }

    pub(crate) fn end_item(&mut self) {
        if let Some(Container::Item { blocks, .. }) = self.containers.last() {
            if *blocks == 0 {
                self.empty_container();
            }
            self.containers.pop();
        }
    }

    /// An item or quote that holds nothing: its marker alone on a line.
    fn empty_container(&mut self) {
        self.begin(Kind::Other);
        self.line.clear();
        for c in &mut self.containers {
            push_prefix(&mut self.line, c, true);
            if let Container::Item { marker, .. } = c {
                *marker = None;
            }
        }
        let t = self.line.trim_end();
        self.out.push_str(t);
        self.out.push('\n');
        if let Some(Container::Item { last, .. }) = self.containers.last_mut() {
            *last = None;
        }
    }

    /// A quote or list just ended inside an item: a paragraph right after it
    /// would be its lazy continuation.
    fn mark_container_last(&mut self) {
        if let Some(Container::Item { last, blocks, .. }) = self.containers.last_mut()
            && *blocks > 0
        {
            *last = None;
        }
    }

    /// Writes the separator before a new block and consumes pending markers.
    fn begin(&mut self, kind: Kind) {
        // The deepest container that already holds something.
        let mut k = self.containers.len();
        while k > 0 && container_blocks(&self.containers[k - 1]) == 0 {
            k -= 1;
        }
        // The "thing" placed in container k (or the root when k == 0).
        let thing = self.containers.get(k).map(|c| match c {
            Container::Item { list, .. } => Some(*list),
            Container::Quote { .. } => None,
        });
        let parent_blocks = if k == 0 {
            self.root_blocks
        } else {
            container_blocks(&self.containers[k - 1])
        };
        // The item that holds the previous block, when the new thing goes
        // into that same item: (its list, the kind of its last block).
        let in_item = match k.checked_sub(1).map(|i| &self.containers[i]) {
            Some(Container::Item { list, last, .. }) if parent_blocks > 0 => Some((*list, *last)),
            _ => None,
        };
        let mut blank = parent_blocks > 0;
        if let Some(Some(list_idx)) = thing {
            let list = &self.lists[list_idx];
            if list.written > 0 {
                blank = list.loose == Some(true) || list.interrupted;
                self.lists[list_idx].interrupted = false;
            } else {
                if let Some((outer, last)) = in_item {
                    // An ordered list from a number other than 1 cannot
                    // interrupt a paragraph.
                    let needs = list.ordered && list.start != 1 && last == Some(Kind::Paragraph);
                    blank = self.item_separator(outer, needs);
                }
                // Two adjacent lists of the same kind would merge: switch bullet.
                let list = &self.lists[list_idx];
                if let Some((depth, ordered, bullet)) = self.last_list
                    && depth == k
                    && ordered == list.ordered
                    && parent_blocks > 0
                {
                    let alt = match bullet {
                        '-' => '*',
                        '*' => '-',
                        '.' => ')',
                        _ => '.',
                    };
                    self.lists[list_idx].bullet = alt;
                }
            }
        } else {
            if let Some((outer, last)) = in_item {
                // A paragraph would continue a paragraph, quote or list before
                // it; a quote would continue a quote; a table or raw HTML
                // needs a blank line to start.
                let thing_is_quote = thing.is_some();
                let needs = match kind {
                    _ if thing_is_quote => last.is_none(),
                    Kind::Paragraph => matches!(last, None | Some(Kind::Paragraph | Kind::Other)),
                    Kind::Code | Kind::Heading => false,
                    Kind::Other => true,
                };
                blank = self.item_separator(outer, needs);
            }
            for l in &mut self.lists {
                if l.depth == k && l.written > 0 {
                    l.interrupted = true;
                }
            }
        }
        self.last_list = None;
        if blank && !self.out.is_empty() {
            self.line.clear();
            for c in &self.containers[..k] {
                push_prefix(&mut self.line, c, false);
            }
            let trimmed = self.line.trim_end();
            self.out.push_str(trimmed);
            self.out.push('\n');
        }
        // Count the new thing in container k and open the fresh ones.
        let n = self.containers.len();
        if k == 0 {
            self.root_blocks += 1;
        } else {
            let c = &mut self.containers[k - 1];
            bump(c);
            if let Container::Item { last, .. } = c {
                *last = (k == n).then_some(kind);
            }
        }
        for j in k..n {
            let is_leaf_parent = j == n - 1;
            match &mut self.containers[j] {
                Container::Quote { blocks } => *blocks = 1,
                Container::Item {
                    list,
                    width,
                    marker,
                    blocks,
                    last,
                } => {
                    *blocks = 1;
                    *last = is_leaf_parent.then_some(kind);
                    let l = &mut self.lists[*list];
                    let m = if l.ordered {
                        format!("{}{} ", l.start + l.written, l.bullet)
                    } else {
                        format!("{} ", l.bullet)
                    };
                    l.written += 1;
                    *width = m.chars().count();
                    *marker = Some(m);
                }
            }
        }
    }

    /// The separator between two blocks of one item of list `list`: a blank
    /// line when the list is loose or Markdown `needs` one (which makes the
    /// Markdown list loose from there on).
    fn item_separator(&mut self, list: usize, needs: bool) -> bool {
        let l = &mut self.lists[list];
        if needs {
            l.loose = Some(true);
        }
        l.loose == Some(true)
    }

    /// Writes one line of the current block with its prefix.
    fn line(&mut self, text: &str) {
        self.line.clear();
        let blank = text.is_empty();
        for c in &mut self.containers {
            push_prefix(&mut self.line, c, !blank);
            if let Container::Item { marker, .. } = c
                && !blank
            {
                *marker = None;
            }
        }
        if blank {
            let t = self.line.trim_end();
            self.out.push_str(t);
        } else {
            self.out.push_str(&self.line);
            self.out.push_str(text);
        }
        self.out.push('\n');
    }

    /// Writes a paragraph (lines joined by `\n` after hard breaks);
    /// `wrapped`: it was a `<p>` element, which makes a list whose first
    /// paragraph it is loose (bare text in `<li>` makes it tight).
    pub(crate) fn paragraph(&mut self, text: &str, wrapped: bool) {
        if let Some(Container::Item { list, .. }) = self.containers.last() {
            let l = &mut self.lists[*list];
            if l.loose.is_none() {
                l.loose = Some(wrapped);
            }
        }
        self.begin(Kind::Paragraph);
        for l in crate::lines::split_lf(text) {
            self.line(l);
        }
    }

    /// Writes an ATX heading.
    pub(crate) fn heading(&mut self, level: u8, text: &str) {
        self.begin(Kind::Heading);
        let mut s = String::with_capacity(text.len() + 8);
        for _ in 0..level {
            s.push('#');
        }
        if text.is_empty() {
            self.line(&s);
            return;
        }
        s.push(' ');
        // A trailing run of `#` after a space would be read as a closing sequence.
        let body = text.trim_end_matches('#');
        if body.len() < text.len() && (body.is_empty() || body.ends_with(' ')) {
            s.push_str(body);
            s.push('\\');
            s.push_str(&text[body.len()..]);
        } else {
            s.push_str(text);
        }
        self.line(&s);
    }

    /// Writes a fenced code block.
    pub(crate) fn code_block(&mut self, lang: &str, code: &str) {
        self.begin(Kind::Code);
        let fence_len = super::escape::longest_run(code, b'`').max(2) + 1;
        let fence = "`".repeat(fence_len);
        let mut open = fence.clone();
        open.push_str(lang);
        self.line(&open);
        // Every line of the code, blank ones at the end too; the last line
        // break is the fence's.
        if !code.is_empty() {
            let body = code.strip_suffix('\n').unwrap_or(code);
            for l in crate::lines::split_lf(body) {
                self.code_line(l);
            }
        }
        self.line(&fence);
    }

    /// A code line: written verbatim (whitespace is content in code; only a CR
    /// left by CRLF input goes, the file's line endings are chosen on output);
    /// blank lines keep only `>` prefixes.
    fn code_line(&mut self, text: &str) {
        let text = text.strip_suffix('\r').unwrap_or(text);
        if text.is_empty() {
            self.line("");
        } else {
            self.line(text);
        }
    }

    /// Writes a thematic break (`* * *`, never read as a setext underline or a
    /// front-matter fence).
    pub(crate) fn rule(&mut self) {
        self.begin(Kind::Heading);
        self.line("* * *");
    }

    /// Writes a block of ready-made lines (a GFM table or a raw HTML table).
    pub(crate) fn raw_lines(&mut self, text: &str) {
        self.begin(Kind::Other);
        for l in crate::lines::split_lf(text) {
            self.line(l);
        }
    }

    /// The finished document: "" or blocks ending with exactly one newline.
    pub(crate) fn finish(mut self) -> String {
        let end = self.out.trim_end_matches('\n').len();
        self.out.truncate(end);
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

fn container_blocks(c: &Container) -> u32 {
    match c {
        Container::Quote { blocks } | Container::Item { blocks, .. } => *blocks,
    }
}

fn bump(c: &mut Container) {
    match c {
        Container::Quote { blocks } | Container::Item { blocks, .. } => *blocks += 1,
    }
}

fn push_prefix(line: &mut String, c: &Container, use_marker: bool) {
    match c {
        Container::Quote { .. } => line.push_str("> "),
        Container::Item { width, marker, .. } => match marker {
            Some(m) if use_marker => line.push_str(m),
            _ => {
                for _ in 0..*width {
                    line.push(' ');
                }
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_separated_by_one_blank_line() {
        let mut b = Blocks::default();
        b.paragraph("a", false);
        b.paragraph("b", false);
        assert_eq!(b.finish(), "a\n\nb\n");
    }

    #[test]
    fn tight_nested_list() {
        let mut b = Blocks::default();
        b.start_list(false, 1);
        b.start_item();
        b.paragraph("a", false);
        b.start_list(true, 1);
        b.start_item();
        b.paragraph("b", false);
        b.end_item();
        b.end_list();
        b.end_item();
        b.start_item();
        b.paragraph("c", false);
        b.end_item();
        b.end_list();
        assert_eq!(b.finish(), "- a\n  1. b\n- c\n");
    }

    #[test]
    fn quote_blank_lines_keep_marker() {
        let mut b = Blocks::default();
        b.start_quote();
        b.paragraph("a", false);
        b.start_quote();
        b.paragraph("b", false);
        b.end_quote();
        b.paragraph("c", false);
        b.end_quote();
        assert_eq!(b.finish(), "> a\n>\n> > b\n>\n> c\n");
    }

    #[test]
    fn loose_item_and_adjacent_lists() {
        let mut b = Blocks::default();
        b.start_list(false, 1);
        b.start_item();
        b.paragraph("a", false);
        b.paragraph("a2", false);
        b.end_item();
        b.start_item();
        b.paragraph("b", false);
        b.end_item();
        b.end_list();
        b.start_list(false, 1);
        b.start_item();
        b.paragraph("c", false);
        b.end_item();
        b.end_list();
        assert_eq!(b.finish(), "- a\n\n  a2\n\n- b\n\n* c\n");
    }

    #[test]
    fn heading_trailing_hashes_escaped() {
        let mut b = Blocks::default();
        b.heading(2, "C #");
        assert_eq!(b.finish(), "## C \\#\n");
    }
}
