//! Reading the YAML files a user names (rule files, `extends:`, `postscrub.yaml`), safely.
//!
//! Two traps live here. Opening a FIFO blocks forever and a device never ends, so anything but
//! a regular file is refused before it is opened. And serde_yaml's error messages quote the
//! input (`invalid type: string "root:x:0:0:..."`), so a path to a file that is not a rule file
//! (`/etc/passwd`, a `.env` with a token) would print its contents: every message built here
//! names the position and the problem in words, and any value it quotes is cut to a short,
//! escaped prefix, or left out where it would be the whole file.

use std::path::Path;

/// How long a quoted name (a key, a variant) may be in a message.
const QUOTE_MAX: usize = 24;

/// Read a file that must be a regular UTF-8 text file; `what` names it in messages
/// ("rule file", "config file"). The error is a message in words.
pub fn read_text(path: &Path, what: &str) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read {what}: {e}"))?;
    if meta.is_dir() {
        return Err(format!(
            "is a folder, not a {what}: give the path of a YAML {what} inside it"
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "not a regular file (a FIFO, socket or device): give the path of a YAML {what}"
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {what}: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {}): is this a {what}?",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A YAML error as position and words. `root` is the serde name of the file's top-level type
/// (`RuleFileSpec`), `what` how to call the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlProblem {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

pub fn yaml_problem(e: &serde_yaml::Error, root: &str, what: &str, keys: &str) -> YamlProblem {
    let location = e.location();
    let raw = e.to_string();
    let mut message = sanitize(&raw);
    for mark in [" at line ", " at position "] {
        if let Some(i) = message.find(mark) {
            message.truncate(i);
        }
    }
    if message.starts_with("found unexpected end of stream") {
        message.push_str(" (a quote or bracket opened earlier is probably not closed)");
    } else if message.contains("duplicate field `") {
        message.push_str(": each key may appear once; keep one, or split the rule in two");
    }
    // The whole file is one value of the wrong type: it is not this kind of file at all.
    if message.starts_with("invalid type: ") && message.contains(&format!("expected struct {root}"))
    {
        let found = message
            .trim_start_matches("invalid type: ")
            .split(", expected")
            .next()
            .unwrap_or("");
        message = format!(
            "not a {what}: a {what} is a YAML mapping with keys such as {keys}, but this file is {}",
            describe_found(found)
        );
    }
    YamlProblem {
        line: location.as_ref().map(|l| l.line()),
        column: location.as_ref().map(|l| l.column()),
        message,
    }
}

fn describe_found(found: &str) -> &'static str {
    match found.split_whitespace().next().unwrap_or("") {
        "a" if found.contains("string") => "plain text (YAML reads it as one string)",
        "string" => "plain text (YAML reads it as one string)",
        "sequence" => "a list",
        "integer" | "floating" => "a number",
        "boolean" => "`true` or `false`",
        "unit" | "null" => "empty (null)",
        _ => "some other value",
    }
}

/// Rewrite quoted input in a serde message: `string "..."` → `a string` (the value left out),
/// other `"..."` and `` `...` `` cut to a short escaped prefix.
fn sanitize(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(512));
    let mut rest = message;
    while let Some(i) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[i] as char;
        let before = &rest[..i];
        let after = &rest[i + 1..];
        // The end of the quoted part: the next unescaped quote (serde escapes `"` in `"..."`).
        let mut end = None;
        let mut escaped = false;
        for (j, c) in after.char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' && quote == '"' {
                escaped = true;
            } else if c == quote {
                end = Some(j);
                break;
            }
        }
        let (inner, next) = match end {
            Some(j) => (&after[..j], &after[j + 1..]),
            None => (after, ""),
        };
        if quote == '"' && (before.ends_with("string ") || before.ends_with("str ")) {
            let before = before
                .strip_suffix("string ")
                .or_else(|| before.strip_suffix("str "))
                .unwrap_or(before);
            out.push_str(before);
            out.push_str("a string");
        } else if quote == '`' && !looks_like_key(inner) {
            // A key of a file that is not what it should be (`root:$6$...:` in a shadow file
            // reads as a key): never shown.
            out.push_str(before);
            out.push_str("(a key not shown: it does not look like a rule or config key)");
        } else {
            out.push_str(before);
            out.push(quote);
            out.push_str(&short(inner, quote));
            out.push(quote);
        }
        rest = next;
    }
    out.push_str(rest);
    out
}

/// A name a rule or config file could use: short, letters, digits, `_`, `-` and `.` only.
fn looks_like_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// At most `QUOTE_MAX` characters of `s`, control characters escaped, `…` when cut.
fn short(s: &str, quote: char) -> String {
    let mut out = String::new();
    for (n, c) in s.chars().enumerate() {
        if n == QUOTE_MAX {
            out.push('…');
            break;
        }
        if c == quote || c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Spec {
        html: Option<Vec<String>>,
        level: Option<u8>,
    }

    fn problem(text: &str) -> YamlProblem {
        let e = serde_yaml::from_str::<Spec>(text).unwrap_err();
        yaml_problem(&e, "Spec", "rule file", "`html:`")
    }

    #[test]
    fn never_echoes_a_file_that_is_not_yaml_of_the_right_shape() {
        let passwd =
            "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n";
        let p = problem(passwd);
        assert!(!p.message.contains("root"), "{p:?}");
        assert!(p.message.starts_with("not a rule file: "), "{p:?}");
        assert!(p.message.contains("plain text"), "{p:?}");
        assert_eq!(p.line, Some(1));
        let p = problem("API_TOKEN=ghp_0123456789abcdefSECRET\n");
        assert!(
            !p.message.contains("SECRET") && !p.message.contains("ghp"),
            "{p:?}"
        );
        let p = problem("html: ghp_0123456789abcdefSECRET\n");
        assert!(!p.message.contains("ghp"), "{p:?}");
        assert!(
            p.message
                .contains("invalid type: a string, expected a sequence"),
            "{p:?}"
        );
        let p = problem("- a\n- b\n");
        assert!(p.message.contains("this file is a list"), "{p:?}");
    }

    #[test]
    fn quoted_names_are_cut_or_left_out() {
        let p = problem("colour: red\n");
        assert!(
            p.message.starts_with("unknown field `colour`, expected"),
            "{p:?}"
        );
        let p = problem("\"colour\\nwith a very long name that goes on\": 1\n");
        assert!(
            p.message.starts_with("unknown field (a key not shown"),
            "{p:?}"
        );
        let p = problem("root:$6$SALTSALT$HASHEDPASSWORD:19000:0:99999:7:::\n");
        assert!(
            !p.message.contains("root") && !p.message.contains("SALT"),
            "{p:?}"
        );
        assert_eq!(p.line, Some(1));
        let p = problem("level: 300\n");
        assert!(p.message.contains("300"), "{p:?}");
    }

    #[test]
    fn not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_text(dir.path(), "rule file").unwrap_err();
        assert!(e.starts_with("is a folder"), "{e}");
        let e = read_text(&dir.path().join("none.yaml"), "rule file").unwrap_err();
        assert!(e.starts_with("cannot read rule file"), "{e}");
    }
}
