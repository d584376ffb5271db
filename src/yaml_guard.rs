//! Bounds on YAML nesting and alias expansion, checked before any YAML parser sees the text.
//!
//! libyaml's work grows with the square of the nesting depth: 100,000 `[` take about a minute
//! before serde_yaml gives up, and serde_yaml refuses anything deeper than 128 levels anyway.
//! Aliases (`*a`) copy the node of an anchor (`&a`), so ten lines can stand for a billion
//! nodes; serde_yaml stops such a "billion laughs" eventually, but only after seconds of work
//! that grow with the file. A linear pre-scan ([`crate::yaml_scan`]) counts flow depth (`[`,
//! `{` outside quotes and comments) plus open block collections (indentation levels, `- `
//! entries), and the nodes aliases would add, and stops at the first place past a limit, so
//! hostile front matter or rule files fail in microseconds with a position instead of stalling
//! a run.

use crate::yaml_scan::{self, Event, NodeKind};
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;

/// The deepest nesting accepted: serde_yaml's own recursion limit, so a file the guard lets
/// through is never one the parser would refuse for depth.
pub const MAX_DEPTH: usize = 128;

/// The most nodes that aliases may add to a document when expanded. Front matter and rule
/// files that use aliases at all reuse a few small nodes; a billion laughs needs millions.
pub const MAX_ALIAS_NODES: usize = 10_000;

/// Text refused by the guard, and the first place where it went past a limit (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub line: usize,
    pub column: usize,
    pub limit: Limit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Depth(usize),
    AliasNodes(usize),
    /// An alias inside the node of its own anchor: infinite when expanded.
    RecursiveAlias,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.limit {
            Limit::Depth(n) => write!(f, "nests deeper than {n} levels"),
            Limit::AliasNodes(n) => write!(
                f,
                "has aliases that expand to more than {n} nodes (a \"billion laughs\")"
            ),
            Limit::RecursiveAlias => f.write_str(
                "has an alias inside the node of its own anchor (infinite when expanded)",
            ),
        }
    }
}

impl std::error::Error for Refused {}

/// Check `text` against [`MAX_DEPTH`] and [`MAX_ALIAS_NODES`].
pub fn check(text: &str) -> Result<(), Refused> {
    check_with(text, MAX_DEPTH, MAX_ALIAS_NODES)
}

/// Where an open anchor's node ends.
#[derive(Debug, Clone, Copy)]
enum End {
    /// The node has not started yet (the anchor was the last token).
    Pending(isize),
    /// When the flow depth is back to this.
    Flow(usize),
    /// At a line indented at most this deep (a block collection under a key or entry).
    Block(isize),
}

struct Anchor<'a> {
    name: &'a str,
    size: usize,
    end: End,
}

/// Check `text` against the given limits. Linear in the text's length (times the nesting of
/// anchors inside anchors, itself bounded by `depth`).
pub fn check_with(text: &str, depth: usize, alias_nodes: usize) -> Result<(), Refused> {
    let mut refused = None;
    let line_number = Cell::new(1);
    let line_start = Cell::new(0);
    let mut open: Vec<Anchor> = Vec::new();
    let mut sizes: HashMap<&str, usize> = HashMap::new();
    let mut added = 0usize;
    let mut flow = 0usize;
    yaml_scan::scan(
        text,
        |l| {
            line_number.set(l.number + 1);
            line_start.set(l.next);
            true
        },
        |event| {
            match event {
                Event::Depth(d) => {
                    if d.depth > depth {
                        refused = Some(Refused {
                            line: d.line,
                            column: d.column(text),
                            limit: Limit::Depth(depth),
                        });
                        return false;
                    }
                }
                Event::LineStart { indent, dash } => {
                    for a in &mut open {
                        if let End::Pending(parent) = a.end {
                            a.end = End::Block(parent);
                        }
                    }
                    let indent = indent as isize;
                    while let Some(a) = open.last() {
                        match a.end {
                            End::Block(p) if indent < p || (indent == p && !dash) => {
                                let a = open.pop().expect("an anchor is open");
                                sizes.insert(a.name, a.size + 1);
                            }
                            _ => break,
                        }
                    }
                }
                Event::Node(kind) => {
                    if kind == NodeKind::Flow {
                        flow += 1;
                    }
                    if let Some(a) = open.last_mut()
                        && let End::Pending(_) = a.end
                    {
                        if kind == NodeKind::Flow {
                            a.end = End::Flow(flow - 1);
                        } else {
                            let a = open.pop().expect("an anchor is open");
                            sizes.insert(a.name, a.size + 1);
                        }
                    }
                    for a in &mut open {
                        a.size += 1;
                    }
                }
                Event::FlowClose { depth } => {
                    flow = depth;
                    while let Some(a) = open.last() {
                        match a.end {
                            End::Flow(d) if d >= depth => {
                                let a = open.pop().expect("an anchor is open");
                                sizes.insert(a.name, a.size + 1);
                            }
                            _ => break,
                        }
                    }
                }
                Event::Anchor { name, parent } => {
                    open.push(Anchor {
                        name: &text[name.0..name.1],
                        size: 0,
                        end: End::Pending(parent),
                    });
                }
                Event::Alias { name } => {
                    let name_text = &text[name.0..name.1];
                    let recursive = open.iter().any(|a| a.name == name_text);
                    let cost = sizes.get(name_text).copied().unwrap_or(1);
                    added = added.saturating_add(cost);
                    for a in &mut open {
                        a.size = a.size.saturating_add(cost);
                    }
                    if recursive || added > alias_nodes {
                        let before = text.get(line_start.get()..name.0).unwrap_or_default();
                        refused = Some(Refused {
                            line: line_number.get(),
                            column: before.chars().count(),
                            limit: if recursive {
                                Limit::RecursiveAlias
                            } else {
                                Limit::AliasNodes(alias_nodes)
                            },
                        });
                        return false;
                    }
                }
            }
            true
        },
    );
    refused.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_depth(text: &str, limit: usize) -> Result<(), Refused> {
        check_with(text, limit, MAX_ALIAS_NODES)
    }

    #[test]
    fn deep_flow_is_refused_at_its_position() {
        let text = format!("title: t\ntags: {}", "[".repeat(200));
        let e = check_depth(&text, MAX_DEPTH).unwrap_err();
        // `tags:` opens nothing new (the mapping is at depth 1); the 128th `[` reaches 129.
        assert_eq!((e.line, e.column), (2, 7 + 127));
        assert_eq!(e.to_string(), "nests deeper than 128 levels");
    }

    #[test]
    fn deep_blocks_are_refused() {
        let text = "- ".repeat(200);
        assert_eq!(check_depth(&text, MAX_DEPTH).unwrap_err().line, 1);
        let mut text = String::new();
        for i in 0..200 {
            text.push_str(&" ".repeat(i));
            text.push_str("k:\n");
        }
        assert_eq!(check_depth(&text, MAX_DEPTH).unwrap_err().line, 129);
    }

    #[test]
    fn brackets_in_text_do_not_count() {
        let deep = "[".repeat(300);
        for text in [
            format!("a: \"{deep}\"\n"),
            format!("a: '{deep}'\n"),
            format!("a: x{deep}\n"),
            format!("a: x # {deep}\n"),
            format!("a: |\n  {deep}\n"),
            format!("# {deep}\n"),
        ] {
            check_depth(&text, MAX_DEPTH).unwrap();
        }
        // ... but a quote inside a flow plain scalar is text, and the brackets after it count.
        let text = format!("a: [x\"{deep}");
        assert!(check_depth(&text, MAX_DEPTH).is_err());
        // Lone CR is a line break to libyaml: a comment ends there.
        let text = format!("# c\r{deep}");
        assert!(check_depth(&text, MAX_DEPTH).is_err());
    }

    fn laughs(levels: usize, width: usize) -> String {
        let mut s = format!("l0: &a0 [{}]\n", vec!["lol"; width].join(", "));
        for i in 1..levels {
            let refs = vec![format!("*a{}", i - 1); width].join(", ");
            s.push_str(&format!("l{i}: &a{i} [{refs}]\n"));
        }
        s
    }

    #[test]
    fn billion_laughs_are_refused() {
        let e = check(&laughs(10, 9)).unwrap_err();
        assert_eq!(e.limit, Limit::AliasNodes(MAX_ALIAS_NODES));
        assert_eq!(e.line, 5, "{e:?}");
        // Block anchors count too.
        let mut text = String::from("a0: &x0\n  k: [lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            text.push_str(&format!("a{i}: &x{i}\n"));
            for _ in 0..8 {
                text.push_str(&format!("  - *x{}\n", i - 1));
            }
        }
        assert!(check(&text).is_err());
    }

    #[test]
    fn recursive_alias_is_refused() {
        let e = check("a: &x [1, *x]\n").unwrap_err();
        assert_eq!((e.line, e.column, e.limit), (1, 11, Limit::RecursiveAlias));
        // A redefined anchor is the new node from its start: this is recursive too.
        assert!(check("a: &x [1]\nb: &x [*x]\n").is_err());
    }

    #[test]
    fn ordinary_aliases_pass() {
        check(&laughs(3, 9)).unwrap();
        let text = "defaults: &d {remove: p, message: m}\n".to_owned()
            + &"r: *d\n".repeat(100)
            + "block: &b\n  x: 1\n  y: [1, 2]\nother: *b\nlist:\n- &s x\n- *s\n";
        check(&text).unwrap();
    }

    #[test]
    fn linear_on_huge_input() {
        let text = "[".repeat(1_000_000);
        let start = std::time::Instant::now();
        assert!(check(&text).is_err());
        let text = format!("a: [{}]\n", "1,".repeat(500_000));
        check(&text).unwrap();
        let text = format!("a: &a [x]\nb: [{}]\n", "*a, ".repeat(2_000));
        check(&text).unwrap();
        // Quadratic work would take hours here; linear work takes well under a second (release).
        assert!(start.elapsed().as_secs() < 10);
    }
}
