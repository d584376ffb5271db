//! Property test of the front-matter editor: over thousands of generated front matters mixing
//! every way YAML writes a value (plain, quoted with escapes, quoted and plain over several
//! lines, flow collections over several lines, block scalars with indicators, nested blocks,
//! comments inside values, anchors, tags, CRLF), every remove, rename and set must give text
//! that parses to exactly the intended mapping, in order, and touch only the edited field's
//! lines. An edit may be refused only where an alias makes it impossible, and a refused edit
//! leaves the text as it was. The generator is a seeded xorshift: deterministic, no crate.

use postscrub::frontmatter::FrontMatter;
use serde_yaml::{Mapping, Value};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A plain scalar that YAML reads as text (no indicator at its start, no `: ` or ` #`).
fn plain(rng: &mut Rng) -> String {
    rng.pick(&[
        "a",
        "金融 新浪",
        "x-y",
        "it's",
        "q\"z",
        "a,b",
        "b:c",
        "c#d",
        "1.5",
        "yes",
    ])
    .to_owned()
}

fn double_quoted(rng: &mut Rng, multi: bool) -> String {
    let mut s = String::from("\"");
    for _ in 0..1 + rng.below(4) {
        s.push_str(rng.pick(&[
            "a", "\\\"", "\\\\", "\\n", "b: c", " # x", "[", "'", "\\t", "金",
        ]));
        if multi && rng.below(2) == 0 {
            s.push_str(rng.pick(&["\n", "\n  ", "\n\n ", "\\\n "]));
        }
    }
    s.push('"');
    s
}

fn single_quoted(rng: &mut Rng, multi: bool) -> String {
    let mut s = String::from("'");
    for _ in 0..1 + rng.below(4) {
        s.push_str(rng.pick(&["a", "''", "\\", "b: c", " # x", "{", "\"", "金"]));
        if multi && rng.below(2) == 0 {
            s.push_str(rng.pick(&["\n", "\n  ", "\n\n "]));
        }
    }
    s.push('\'');
    s
}

fn flow_item(rng: &mut Rng, depth: usize) -> String {
    match rng.below(if depth > 2 { 3 } else { 5 }) {
        0 => plain(rng).replace(',', ""),
        1 => double_quoted(rng, false),
        2 => single_quoted(rng, false),
        3 => flow(rng, depth + 1),
        _ => format!("{{k: {}}}", flow_item(rng, depth + 1)),
    }
}

fn flow(rng: &mut Rng, depth: usize) -> String {
    let mut s = String::from("[");
    for i in 0..rng.below(4) {
        if i > 0 {
            s.push(',');
            s.push_str(rng.pick(&[" ", "\n", "\n  ", " # c\n  "]));
        }
        s.push_str(&flow_item(rng, depth));
    }
    s.push(']');
    s
}

fn block_scalar(rng: &mut Rng, indent: usize) -> String {
    let header = rng.pick(&["|", "|-", "|+", ">", ">-", ">+", "|2", ">2-", "|+1"]);
    let explicit = header
        .bytes()
        .find(u8::is_ascii_digit)
        .map(|d| usize::from(d - b'0'));
    let content = indent + explicit.unwrap_or(2);
    let mut s = format!("{header}{}\n", rng.pick(&["", " # c"]));
    for i in 0..1 + rng.below(4) {
        let extra = if i > 0 {
            rng.pick(&["", " ", "   "])
        } else {
            ""
        };
        let text = rng.pick(&["text", "# not a comment", "key: v", "[x", "\"q", "- y"]);
        s.push_str(&format!("{}{extra}{text}\n", " ".repeat(content)));
        if rng.below(3) == 0 {
            s.push('\n');
        }
    }
    s.pop();
    s
}

/// A value after `key:` (the text from the colon on, without the final newline); `indent` is
/// the column of the key.
fn value(rng: &mut Rng, indent: usize, depth: usize, anchors: &mut Vec<String>) -> String {
    let pad = " ".repeat(indent);
    let kind = rng.below(if depth > 1 { 11 } else { 14 });
    match kind {
        0 => format!(" {}", plain(rng)),
        1 => format!(" {} # comment", plain(rng)),
        2 => format!(" {}", double_quoted(rng, false)),
        3 => format!(" {}", single_quoted(rng, false)),
        4 => format!(" {}", double_quoted(rng, true)),
        5 => format!(" {}", single_quoted(rng, true)),
        6 => format!(
            " {}\n{pad}  {}\n{pad}  {}",
            plain(rng),
            plain(rng),
            plain(rng)
        ),
        7 => format!(" {}", flow(rng, 0)),
        8 => format!(" {}", block_scalar(rng, indent)),
        9 => format!(" !!str {}", rng.pick(&["123", "true", "\"x\ny\""])),
        10 => String::new(),
        11 => {
            // Nested block mapping, with comments inside.
            let mut s = String::from(rng.pick(&["", " # c"]));
            for i in 0..1 + rng.below(3) {
                s.push('\n');
                if rng.below(3) == 0 {
                    s.push_str(&format!("{pad}  # inside\n"));
                }
                let v = value(rng, indent + 2, depth + 1, anchors);
                s.push_str(&format!("{pad}  k{i}:{v}"));
            }
            s
        }
        12 => {
            // Block sequence, at the key's column or indented.
            let dash = if rng.below(2) == 0 {
                pad.clone()
            } else {
                format!("{pad}  ")
            };
            let mut s = String::new();
            for _ in 0..1 + rng.below(3) {
                let item = match rng.below(3) {
                    0 => format!(" {}", plain(rng)),
                    1 => format!(" {}", double_quoted(rng, true).replace('\n', " \n")),
                    _ => format!(" {}", flow(rng, 0)),
                };
                s.push_str(&format!("\n{dash}-{item}"));
            }
            s
        }
        _ => {
            let name = format!("a{}", anchors.len());
            let v = value(rng, indent, depth + 1, anchors);
            if v.is_empty() || v.starts_with(" #") || v.starts_with('\n') {
                return v;
            }
            anchors.push(name.clone());
            format!(" &{name}{v}")
        }
    }
}

/// A generated front matter, whether it uses aliases, and the byte range of each field.
fn front_matter(rng: &mut Rng) -> (String, bool, Vec<(String, usize, usize)>) {
    let mut anchors = Vec::new();
    let mut text = String::new();
    let mut aliased = false;
    let mut fields = Vec::new();
    let crlf = rng.below(8) == 0;
    let nl = |s: String| if crlf { s.replace('\n', "\r\n") } else { s };
    let n = 1 + rng.below(6);
    for i in 0..n {
        if rng.below(4) == 0 {
            text.push_str(&nl(rng
                .pick(&["# comment\n", "\n", "  # indented comment\n"])
                .to_owned()));
        }
        let (key, name) = match rng.below(6) {
            0 => (format!("\"k {i}\""), format!("k {i}")),
            1 => (format!("'k{i}'"), format!("k{i}")),
            _ => (format!("k{i}"), format!("k{i}")),
        };
        let v = if !anchors.is_empty() && rng.below(6) == 0 {
            aliased = true;
            format!(" *{}", anchors[rng.below(anchors.len())])
        } else {
            value(rng, 0, 0, &mut anchors)
        };
        let start = text.len();
        text.push_str(&nl(format!("{key}:{v}\n")));
        fields.push((name, start, text.len()));
    }
    (text, aliased, fields)
}

fn parse(text: &str) -> Mapping {
    match serde_yaml::from_str::<Value>(text).unwrap() {
        Value::Mapping(m) => m,
        Value::Null => Mapping::new(),
        other => panic!("not a mapping: {other:?}"),
    }
}

fn new_value(rng: &mut Rng) -> Value {
    match rng.below(5) {
        0 => Value::String("2021-08-13 15:51:58".into()),
        1 => Value::String("two\nlines: [x".into()),
        2 => Value::Number(7.into()),
        3 => Value::Sequence(vec!["a".into(), "b, c".into()]),
        _ => Value::String("# not a comment".into()),
    }
}

/// The range of `before` that differs from `after` lies within `start..end`.
fn changes_only(before: &str, after: &str, start: usize, end: usize) -> bool {
    let prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    // Blank and comment lines after a field may go with it (blank lines can be a block
    // scalar's content; comments indented under it are its own).
    let mut end = end;
    while let Some(rest) = before.get(end..) {
        let line = rest.split_inclusive('\n').next().unwrap_or("");
        if line.is_empty() || !(line.trim().is_empty() || line.trim_start().starts_with('#')) {
            break;
        }
        end += line.len();
    }
    // Keep `..start` and `end..` of `before` at both ends of `after`, without overlapping.
    let tail = before.len() - end;
    start <= prefix && tail <= suffix && start + tail <= after.len()
}

#[test]
fn every_edit_gives_the_intended_mapping() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut cases, mut refused, mut skipped) = (0, 0, 0);
    for _ in 0..3200 {
        let (text, aliased, fields) = front_matter(&mut rng);
        let Ok(original) = serde_yaml::from_str::<Value>(&text) else {
            // The generator can write a few things YAML refuses; they are not edits.
            skipped += 1;
            continue;
        };
        let Value::Mapping(original) = original else {
            skipped += 1;
            continue;
        };
        let mut fm = FrontMatter::parse(&text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
        let keys: Vec<String> = fm.keys().map(str::to_owned).collect();
        let key = keys[rng.below(keys.len())].clone();
        let mut expected = original.clone();
        let op = rng.below(4);
        let result = match op {
            0 => {
                expected.shift_remove(key.as_str());
                fm.remove(&key)
            }
            1 => {
                // To a new name, or over another existing field.
                let to = if rng.below(3) == 0 {
                    keys[rng.below(keys.len())].clone()
                } else {
                    "renamed".to_owned()
                };
                if to != key {
                    expected.shift_remove(to.as_str());
                    let mut renamed = Mapping::new();
                    for (k, v) in &expected {
                        let k = if k.as_str() == Some(key.as_str()) {
                            Value::String(to.clone())
                        } else {
                            k.clone()
                        };
                        renamed.insert(k, v.clone());
                    }
                    expected = renamed;
                }
                fm.rename(&key, &to)
            }
            2 => {
                let v = new_value(&mut rng);
                expected.insert(Value::String(key.clone()), v.clone());
                fm.set(&key, v)
            }
            _ => {
                let v = new_value(&mut rng);
                expected.insert(Value::String("added".into()), v.clone());
                fm.set("added", v)
            }
        };
        cases += 1;
        let normalized = if text.ends_with('\n') {
            text.clone()
        } else {
            format!("{text}\n")
        };
        match result {
            Ok(_) => {
                let got = parse(fm.text());
                assert!(
                    got.iter().eq(expected.iter()),
                    "op {op} on `{key}` of\n{text}\ngave\n{}\n{got:?}\nwanted {expected:?}",
                    fm.text()
                );
                // Only the edited field's lines changed (a new field goes at the end; a
                // rename over another field also removes that one).
                let (start, end) = match op {
                    3 => (normalized.len(), normalized.len()),
                    _ => fields
                        .iter()
                        .find(|f| f.0 == key)
                        .map(|f| (f.1, f.2))
                        .unwrap(),
                };
                let overwrote = op == 1 && fm.text().matches("renamed").count() == 0;
                assert!(
                    overwrote || changes_only(&normalized, fm.text(), start, end),
                    "op {op} on `{key}` touched more than its field:\n{text}\ngave\n{}",
                    fm.text()
                );
            }
            Err(e) => {
                assert!(
                    aliased,
                    "refused without an alias: {e}\nop {op} on `{key}` of\n{text}"
                );
                assert_eq!(fm.text(), normalized, "a refused edit changed the text");
                refused += 1;
            }
        }
    }
    assert!(cases > 3000, "only {cases} cases ({skipped} skipped)");
    assert!(refused < cases / 10, "{refused} refused of {cases}");
}
