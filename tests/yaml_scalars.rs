//! The YAML scalar writer against the readers the generators use.
//!
//! `tests/fixtures/yaml/plain-scalars.tsv` holds, for ~1500 strings, whether js-yaml (Hexo),
//! Psych (Jekyll) and Hugo read `v: S` back as the string S (written by `scripts/yaml-readers`,
//! which asks the real readers). serde_yaml, postscrub's own reader, is asked here. A string is
//! quoted exactly when one of them would not give it back; whatever is written, serde_yaml reads
//! back the same string.

use postscrub::yaml_write::{field, needs_quotes, scalar};
use serde_yaml::Value;

fn serde_reads_back(key: &str, text: &str, want: &str) -> bool {
    match serde_yaml::from_str::<serde_yaml::Mapping>(&format!("{key}: {text}\n")) {
        Ok(m) => m.get(key) == Some(&Value::String(want.to_owned())),
        Err(_) => false,
    }
}

#[test]
fn quotes_exactly_what_some_reader_would_not_read_back() {
    let data = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/yaml/plain-scalars.tsv"
    ))
    .unwrap();
    let mut wrong = Vec::new();
    let mut n = 0;
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{line}");
        let s: String = serde_json::from_str(cols[0]).unwrap();
        let some_reader_differs = cols[1..].contains(&"differs") || !serde_reads_back("v", &s, &s);
        if needs_quotes(&s) != some_reader_differs {
            wrong.push(format!(
                "{s:?}: readers {}, serde_yaml {}, needs_quotes says {}",
                cols[1..].join("/"),
                if serde_reads_back("v", &s, &s) {
                    "same"
                } else {
                    "differs"
                },
                needs_quotes(&s)
            ));
        }
        assert!(
            serde_reads_back("v", &scalar(&s), &s),
            "{s:?} written as {}",
            scalar(&s)
        );
        n += 1;
    }
    assert!(n >= 1000, "only {n} verdicts");
    assert!(
        wrong.is_empty(),
        "{} of {n} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// A small deterministic generator (xorshift), so the property test needs no crate and fails
/// the same way every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn every_written_string_reads_back() {
    const PIECES: &[&str] = &[
        "a", "Z", "1", "0", "9", "-", "+", ".", "e", "E", "x", "o", "b", "_", ",", ":", " ", "\t",
        "#", "'", "\"", "\\", "~", "*", "&", "!", "%", "@", "`", "|", ">", "?", "[", "]", "{", "}",
        "\n", "\r", "\u{7}", "\u{0}", "\u{85}", "\u{2028}", "\u{feff}", "\u{a0}", "\u{3000}",
        "梁斌", "😀", "yes", "no", "on", "null", "true", "inf", "nan", "2021", "-01", "T", "Z",
        "10:00:00", "<<", "---", "...", "=",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let len = 1 + rng.next() % 6;
        let s: String = (0..len).map(|_| rng.pick(PIECES)).collect();
        let text = field("v", &Value::String(s.clone()));
        let back: serde_yaml::Mapping =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{s:?} as {text:?}: {e}"));
        assert_eq!(
            back.get("v"),
            Some(&Value::String(s.clone())),
            "{s:?} as {text:?}"
        );
        // A key is written the same way.
        let text = field(&s, &Value::Bool(true));
        let back: serde_yaml::Mapping =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("key {s:?} as {text:?}: {e}"));
        assert_eq!(back.get(s.as_str()), Some(&Value::Bool(true)), "key {s:?}");
    }
}
