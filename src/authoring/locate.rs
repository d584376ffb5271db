//! Where things are in a rule file's YAML text: the lines of each item of a top-level sequence
//! (`html:`, `front_matter:`, `examples:`), so `rules test` and `rules show` can point at an
//! example or print a rule as it was written.
//!
//! This is a line scanner for block-style YAML, the style every rule file in this project uses;
//! for flow-style sequences (`examples: [...]`) it finds nothing and callers fall back to
//! printing the parsed values.

use std::ops::Range;

/// One item of a block sequence: its 0-based line range (blank and comment lines at the end
/// excluded) and the indentation of its `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub lines: Range<usize>,
    pub indent: usize,
    /// The same lines as a byte range of the source, so `text` need not rescan from the start.
    pub bytes: Range<usize>,
}

impl Item {
    /// 1-based line of the item's `-`.
    pub fn line(&self) -> usize {
        self.lines.start + 1
    }

    /// The item's text, dedented so that its `-` is in column 0.
    pub fn text(&self, source: &str) -> String {
        let mut text = String::new();
        let part = source.get(self.bytes.clone()).unwrap_or_default();
        for line in part.lines().take(self.lines.len()) {
            let cut = line
                .char_indices()
                .take_while(|(i, c)| *i < self.indent && *c == ' ')
                .count();
            text.push_str(&line[cut..]);
            text.push('\n');
        }
        text
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

fn is_item_start(line: &str, indent: usize) -> bool {
    indent_of(line) == indent && {
        let t = &line[indent..];
        t == "-" || t.starts_with("- ")
    }
}

/// The items of the block sequence under the top-level key `key`, in order.
pub fn items(source: &str, key: &str) -> Vec<Item> {
    let lines: Vec<&str> = source.lines().collect();
    // Byte offset of each line's start (and of the end), for the items' byte ranges.
    let mut starts = Vec::with_capacity(lines.len() + 1);
    starts.push(0);
    starts.extend(
        source
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i + 1),
    );
    if starts.len() <= lines.len() {
        starts.push(source.len());
    }
    let item = |lines: Range<usize>| Item {
        bytes: starts[lines.start]..starts[lines.end.min(starts.len() - 1)],
        lines,
        indent: 0,
    };
    let Some(start) = lines.iter().position(|l| {
        l.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|rest| is_blank_or_comment(rest) || rest.trim().is_empty())
    }) else {
        return Vec::new();
    };
    let Some(first) = (start + 1..lines.len()).find(|&i| !is_blank_or_comment(lines[i])) else {
        return Vec::new();
    };
    let indent = indent_of(lines[first]);
    if !is_item_start(lines[first], indent) {
        return Vec::new();
    }
    let mut items = Vec::new();
    let mut current: Option<usize> = None;
    let mut last_content = first;
    let mut i = first;
    while i < lines.len() {
        let line = lines[i];
        if is_blank_or_comment(line) {
            i += 1;
            continue;
        }
        let ind = indent_of(line);
        if is_item_start(line, indent) {
            if let Some(s) = current.take() {
                items.push(Item {
                    indent,
                    ..item(s..last_content + 1)
                });
            }
            current = Some(i);
        } else if ind <= indent {
            break; // the next top-level key
        }
        last_content = i;
        i += 1;
    }
    if let Some(s) = current {
        items.push(Item {
            indent,
            ..item(s..last_content + 1)
        });
    }
    items
}

/// The `html:` or `front_matter:` item that holds 1-based line `line` (a rule's `id:` line).
pub fn rule_at(source: &str, line: usize) -> Option<Item> {
    ["html", "front_matter"]
        .iter()
        .flat_map(|key| items(source, key))
        .find(|item| item.lines.contains(&(line.saturating_sub(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# c\nname: x\nhtml:\n  - id: a\n    remove: p\n\n  - id: b  # two\n    unwrap: span\nexamples:\n- input: '<p>'\n  output: ''\n# between\n- input: |\n    <b>x</b>\n\n  output: x\nfront_matter: []\n";

    #[test]
    fn finds_items_in_both_indent_styles() {
        let html = items(TEXT, "html");
        assert_eq!(html.len(), 2);
        assert_eq!(html[0].line(), 4);
        assert_eq!(html[1].text(TEXT), "- id: b  # two\n  unwrap: span\n");
        let examples = items(TEXT, "examples");
        assert_eq!(
            examples.iter().map(Item::line).collect::<Vec<_>>(),
            [10, 13]
        );
        assert_eq!(
            examples[1].text(TEXT),
            "- input: |\n    <b>x</b>\n\n  output: x\n"
        );
        assert!(items(TEXT, "front_matter").is_empty());
        assert!(items(TEXT, "nothing").is_empty());
    }

    #[test]
    fn rule_by_line() {
        assert_eq!(rule_at(TEXT, 7).map(|i| i.line()), Some(7));
        assert_eq!(rule_at(TEXT, 5).map(|i| i.line()), Some(4));
        assert_eq!(rule_at(TEXT, 2), None);
    }
}
