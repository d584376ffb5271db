//! Block layout: containers (blockquotes, list items), the blank lines
//! between blocks, and line prefixes.
//!
//! Every finished block (a paragraph's text, a heading, a code block, a table)
//! arrives here whole. This module decides what goes between it and the
//! previous block (one blank line; one newline inside a tight list; a blank
//! line at the depth the two blocks share, so a quote's inner blank lines keep
//! their `>`), and prefixes each of its lines with the containers' markers
//! (`> `, `- `, `10. `, or the matching indentation). Lists are tight until an
//! item holds two blocks; a list that directly follows another list of the
//! same kind switches bullet character so that the two stay two lists.

/// What kind of block is being written (for tight-list decisions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Paragraph,
    /// A fenced code block: may follow an item's first paragraph tightly.
    Code,
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
        first_is_paragraph: bool,
    },
}

#[derive(Debug, Clone)]
struct List {
    ordered: bool,
    start: u64,
    written: u64,
    loose: bool,
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
        if matches!(self.containers.last(), Some(Container::Quote { .. })) {
            self.containers.pop();
        }
    }

    pub(crate) fn start_list(&mut self, ordered: bool, start: u64) {
        self.lists.push(List {
            ordered,
            start,
            written: 0,
            loose: false,
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
            first_is_paragraph: false,
        });
    }

    pub(crate) fn end_item(&mut self) {
        if matches!(self.containers.last(), Some(Container::Item { .. })) {
            self.containers.pop();
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
        let thing_is_item = match self.containers.get(k) {
            Some(Container::Item { .. }) => true,
            Some(Container::Quote { .. }) | None => false,
        };
        let parent_blocks = if k == 0 {
            self.root_blocks
        } else {
            container_blocks(&self.containers[k - 1])
        };
        let mut blank = parent_blocks > 0;
        if thing_is_item {
            let list_idx = match self.containers[k] {
                Container::Item { list, .. } => list,
                Container::Quote { .. } => 0,
            };
            let list = self.lists[list_idx].clone();
            if list.written > 0 {
                blank = list.loose || list.interrupted;
                self.lists[list_idx].interrupted = false;
            } else {
                // A list starting in an item right after its first paragraph
                // stays tight, unless it is ordered from a number other than 1
                // (which cannot interrupt a paragraph).
                let tight_start = k > 0
                    && matches!(
                        self.containers[k - 1],
                        Container::Item {
                            blocks: 1,
                            first_is_paragraph: true,
                            ..
                        }
                    )
                    && (!list.ordered || list.start == 1);
                if tight_start {
                    blank = false;
                } else if k > 0 && parent_blocks > 0 {
                    self.loosen(k - 1);
                }
                // Two adjacent lists of the same kind would merge: switch bullet.
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
            let tight_code = kind == Kind::Code
                && k > 0
                && k == self.containers.len()
                && matches!(
                    self.containers[k - 1],
                    Container::Item {
                        blocks: 1,
                        first_is_paragraph: true,
                        ..
                    }
                );
            if tight_code {
                blank = false;
            } else if k > 0 && parent_blocks > 0 {
                self.loosen(k - 1);
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
        if k == 0 {
            self.root_blocks += 1;
        } else {
            bump(&mut self.containers[k - 1]);
        }
        let n = self.containers.len();
        for j in k..n {
            let is_leaf_parent = j == n - 1;
            match &mut self.containers[j] {
                Container::Quote { blocks } => *blocks = 1,
                Container::Item {
                    list,
                    width,
                    marker,
                    blocks,
                    first_is_paragraph,
                } => {
                    *blocks = 1;
                    *first_is_paragraph = is_leaf_parent && kind == Kind::Paragraph;
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

    fn loosen(&mut self, idx: usize) {
        if let Some(Container::Item { list, .. }) = self.containers.get(idx) {
            let list = *list;
            self.lists[list].loose = true;
        }
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

    /// Writes a paragraph (lines joined by `\n` after hard breaks).
    pub(crate) fn paragraph(&mut self, text: &str) {
        self.begin(Kind::Paragraph);
        for l in text.split('\n') {
            self.line(l);
        }
    }

    /// Writes an ATX heading.
    pub(crate) fn heading(&mut self, level: u8, text: &str) {
        self.begin(Kind::Other);
        let mut s = String::with_capacity(text.len() + 8);
        for _ in 0..level {
            s.push('#');
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
        // Trailing blank lines are layout, not code.
        let body = code.trim_end_matches(['\n', '\r']);
        for l in body.split('\n') {
            self.code_line(l);
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
        self.begin(Kind::Other);
        self.line("* * *");
    }

    /// Writes a block of ready-made lines (a GFM table or a raw HTML table).
    pub(crate) fn raw_lines(&mut self, text: &str) {
        self.begin(Kind::Other);
        for l in text.split('\n') {
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
        b.paragraph("a");
        b.paragraph("b");
        assert_eq!(b.finish(), "a\n\nb\n");
    }

    #[test]
    fn tight_nested_list() {
        let mut b = Blocks::default();
        b.start_list(false, 1);
        b.start_item();
        b.paragraph("a");
        b.start_list(true, 1);
        b.start_item();
        b.paragraph("b");
        b.end_item();
        b.end_list();
        b.end_item();
        b.start_item();
        b.paragraph("c");
        b.end_item();
        b.end_list();
        assert_eq!(b.finish(), "- a\n  1. b\n- c\n");
    }

    #[test]
    fn quote_blank_lines_keep_marker() {
        let mut b = Blocks::default();
        b.start_quote();
        b.paragraph("a");
        b.start_quote();
        b.paragraph("b");
        b.end_quote();
        b.paragraph("c");
        b.end_quote();
        assert_eq!(b.finish(), "> a\n>\n> > b\n>\n> c\n");
    }

    #[test]
    fn loose_item_and_adjacent_lists() {
        let mut b = Blocks::default();
        b.start_list(false, 1);
        b.start_item();
        b.paragraph("a");
        b.paragraph("a2");
        b.end_item();
        b.start_item();
        b.paragraph("b");
        b.end_item();
        b.end_list();
        b.start_list(false, 1);
        b.start_item();
        b.paragraph("c");
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
