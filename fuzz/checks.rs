//! The checks the fuzz targets run, one function per target, each taking the raw fuzz input.
//!
//! A check panics when an invariant fails; libFuzzer records the input as a crash. The same file
//! is compiled into `tests/fuzz_regressions.rs` (via `#[path]`), which replays every input under
//! `tests/fuzz-regressions/<target>/` through exactly these functions, so a crash found by the
//! fuzzer becomes a regression test by copying its file there.
//!
//! Only the `postscrub` library, `serde_yaml` and `jiff` are used (all regular dependencies of
//! the main crate), so both crates can compile this file.

#![allow(dead_code)] // each fuzz target uses one check

use postscrub::authoring::examples;
use postscrub::body::BodyMode;
use postscrub::document::Document;
use postscrub::frontmatter::FrontMatter;
use postscrub::markdown::{self, Converter};
use postscrub::pipeline::{Options, OutputFormat, Target, process, process_with_sets};
use postscrub::rules::{RuleSet, RuleSource, Rules};
use serde_yaml::{Mapping, Value};
use std::path::Path;
use std::sync::LazyLock;

/// The presets a run uses when no rules are configured (`config::DEFAULT_RULES`).
static DEFAULT_RULES: LazyLock<Rules> = LazyLock::new(|| {
    let names: Vec<String> = postscrub::config::DEFAULT_RULES
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    Rules::load(&names, Path::new(".")).expect("the default presets load")
});

/// Where `a` and `b` first differ, for assertion messages that stay readable on big inputs.
fn first_difference(a: &str, b: &str) -> String {
    let i = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let start = floor(a, i.saturating_sub(60));
    let end_a = ceil(a, (i + 60).min(a.len()));
    let end_b = ceil(b, (i + 60).min(b.len()));
    format!(
        "first difference at byte {i} (lengths {} and {}):\n  first:  {:?}\n  second: {:?}",
        a.len(),
        b.len(),
        &a[start..end_a],
        &b[start.min(b.len())..end_b.max(start.min(b.len()))]
    )
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The run options a pipeline input asks for: a first byte 0x01..=0x08 (which no real post
/// starts with) selects a mode and is not part of the post; anything else runs the defaults.
fn pipeline_options(data: &[u8]) -> (Options, &[u8]) {
    let east8 = || postscrub::dates::parse_timezone("+08:00").expect("+08:00 is a time zone");
    let mode = match data.first() {
        Some(&b @ 1..=8) => b,
        _ => return (Options::default(), data),
    };
    let o = Options::default();
    let options = match mode {
        1 => Options {
            target: Target::Hexo,
            timezone: east8(),
            ..o
        },
        2 => Options {
            target: Target::Hugo,
            timezone: east8(),
            ..o
        },
        3 => Options {
            to: OutputFormat::Html,
            ..o
        },
        4 => Options {
            body: BodyMode::Markdown,
            ..o
        },
        5 => Options {
            body: BodyMode::Html,
            ..o
        },
        6 => Options {
            keep_fullwidth_indent: true,
            ..o
        },
        7 => Options {
            target: Target::Hexo,
            body: BodyMode::Html,
            ..o
        },
        _ => Options {
            target: Target::Jekyll,
            to: OutputFormat::Html,
            ..o
        },
    };
    (options, &data[1..])
}

/// `pipeline`: one post through the whole pipeline with the default presets.
///
/// - no panic (and, by libFuzzer's limits, no abort, stack overflow, hang or runaway memory);
/// - the output is a `String`, so valid UTF-8 by construction: nothing to assert;
/// - idempotency (DESIGN.md invariant 1): the output, processed again with the same options,
///   succeeds and is unchanged. For `--body html`, which by definition converts its input
///   again, the output is read back with `--body auto` (what a later default run does).
///
/// Bytes that are not UTF-8 are replaced (U+FFFD): the CLI rejects such posts before the
/// pipeline, so the replaced text is the interesting input.
pub fn pipeline(data: &[u8]) {
    let (options, post) = pipeline_options(data);
    let text = String::from_utf8_lossy(post);
    let rules = &*DEFAULT_RULES;
    let Ok(first) = process(&text, "fuzz.md", rules, &options) else {
        return; // an error for this post (bad YAML, ...): reported by the CLI, not a bug
    };
    // `--body html` by definition converts its input again, so its output is read back the way
    // a later default run reads it: with `--body auto`, which must see Markdown and keep it.
    let again = if options.body == BodyMode::Html {
        Options {
            body: BodyMode::Auto,
            ..options.clone()
        }
    } else {
        options.clone()
    };
    let second = match process(&first.output, "fuzz.md", rules, &again) {
        Ok(p) => p,
        Err(e) => panic!(
            "the output of a successful run fails when processed again: {e}\noutput:\n{}",
            first.output
        ),
    };
    assert!(
        second.output == first.output,
        "not idempotent: processing the output again changes it; {}",
        first_difference(&first.output, &second.output)
    );
}

/// A post that exercises every kind of rule a fuzzed rule file may contain.
const SAMPLE_POST: &str = "\n---\ntitle: 'a: b'\ndate: Fri, 13 Aug 2021 07:51:58 GMT\nheadimg: 'https://n.sinaimg.cn/343233024.png'\ntags:\n - x\n - y\nauthor: someone\n---\n\n<div class=\"appendQr_wrap\"><style>p{}</style><p id=\"x\" class=\"article-editor a\" style=\"c\">责任编辑：李墨轩 <span id=\"stock_sz1\"><a class=\"keyword\" href=\"x\">b</a></span><!-- c --><img data-src=\"a.png\" referrerpolicy=\"no-referrer\"></p><ul><li>x<li>y</ul><table><tr><td>1</td></tr></table><pre><code class=\"language-rust\">Map&lt;String&gt;</code></pre><p>   </p><iframe src=\"v\"></iframe></div>\n";

/// `rules`: arbitrary text as a rule file. Loading must not panic; the error, if any, must
/// display; a rule set that loads must run (its own examples and a sample post) without panic:
/// selectors are compiled at load time, so nothing a rule file says may make lol_html panic.
pub fn rules(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match Rules::from_text(&text, RuleSource::File("fuzz.yaml".into())) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(rules) => {
            let sets: Vec<&RuleSet> = rules.sets.iter().collect();
            for set in &sets {
                for example in &set.examples {
                    let _ = examples::run(example, &sets);
                }
            }
            let options = Options {
                target: Target::Hexo,
                ..Options::default()
            };
            let _ = process_with_sets(SAMPLE_POST, &sets, &options);
            let _ = process(SAMPLE_POST, "fuzz.md", &rules, &Options::default());
        }
    }
}

/// The YAML mapping a front matter text means (empty text: an empty mapping).
fn mapping(text: &str) -> Result<Mapping, String> {
    match serde_yaml::from_str::<Value>(text) {
        Ok(Value::Mapping(m)) => Ok(m),
        Ok(Value::Null) => Ok(Mapping::new()),
        Ok(other) => Err(format!("not a mapping: {other:?}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Value equality where NaN equals NaN (`.nan` is a valid YAML value).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y || (x.as_f64().is_some_and(f64::is_nan) && y.as_f64().is_some_and(f64::is_nan))
        }
        (Value::Sequence(x), Value::Sequence(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Mapping(x), Value::Mapping(y)) => same_mapping(x, y),
        (Value::Tagged(x), Value::Tagged(y)) => x.tag == y.tag && same(&x.value, &y.value),
        _ => a == b,
    }
}

fn same_mapping(x: &Mapping, y: &Mapping) -> bool {
    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
}

/// Field names an edit may use besides those in the input: ones YAML reads specially.
const NAMES: &[&str] = &[
    "editor", "cover", "date", "title", "a b", "x: y", "#c", "- z", "'q'", "\"d\"", "", "yes", "1",
    "null", "~", "t ", " s", "中文", "[a]", "{b}", "?", "k\nl", "*x", "&y", "!t", "@", "`", "---",
    "a:b", "a #b", "\t", "<<",
];

/// Values an edit may set.
fn value(i: u8) -> Value {
    let s = |t: &str| Value::String(t.to_owned());
    match i % 28 {
        0 => s(""),
        1 => s("a: b"),
        2 => s("- x"),
        3 => s("#c"),
        4 => s("line1\nline2\n"),
        5 => s("'"),
        6 => s("\""),
        7 => s("yes"),
        8 => s("~"),
        9 => s("2021-08-13 15:51:58"),
        10 => s("李墨轩"),
        11 => s("*alias"),
        12 => s("&anchor x"),
        13 => s("!tag"),
        14 => s("  lead"),
        15 => s("trail "),
        16 => s("---"),
        17 => s("a\n---\nb"),
        18 => Value::Number(1.into()),
        19 => Value::Bool(true),
        20 => Value::Null,
        21 => Value::Sequence(vec![s("a"), s("b: c")]),
        22 => {
            let mut m = Mapping::new();
            m.insert(s("a"), Value::Number(1.into()));
            Value::Mapping(m)
        }
        23 => s("{{ x }}"),
        24 => s("a\tb"),
        25 => s("\u{feff}x"),
        26 => s("\r\n"),
        _ => s("https://n.sinaimg.cn/343233024.png"),
    }
}

/// `frontmatter`: split a document, parse its front matter, apply edits, and check after each
/// edit (DESIGN.md invariant 6) that the edited text re-parses to exactly the intended mapping
/// and that the editor's return value says whether it changed something.
///
/// Input: `DOCUMENT [NUL OPS]`. Without a NUL, default edits run. OPS are byte pairs
/// `(op, arg)`: `op % 3` is remove / rename / set, `op / 3` picks the field (the input's own
/// keys first, then [`NAMES`]), `arg` picks the new name or the value. A document without
/// fences is read as front matter text as a whole.
pub fn frontmatter(data: &[u8]) {
    let (doc_bytes, ops) = match data.iter().rposition(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[0u8, 0, 1, 1, 2, 1, 5, 0][..]),
    };
    let text = String::from_utf8_lossy(doc_bytes);
    let doc = Document::split(&text);
    let fm_text = doc.front_matter.unwrap_or(&text);
    // The fast reader of plain front matter answers only what serde_yaml answers, alike.
    if let Some(fast) = postscrub::yaml_fast::read(fm_text) {
        match serde_yaml::from_str::<Value>(fm_text) {
            Ok(slow) => {
                assert_eq!(fast, slow, "yaml_fast and serde_yaml differ on:\n{fm_text}");
                // FrontMatter::parse does not run the guard on what yaml_fast answers.
                assert_eq!(
                    postscrub::yaml_guard::check(fm_text),
                    Ok(()),
                    "the YAML guard refuses what yaml_fast reads:\n{fm_text}"
                );
            }
            Err(e) => panic!("yaml_fast read text serde_yaml refuses ({e}):\n{fm_text}"),
        }
    }
    if fm_text
        .lines()
        .any(|l| matches!(l.trim_end(), "---" | "..."))
    {
        // Only a fence-less input can hold a fence line: real front matter never does.
        return;
    }
    let Ok(mut fm) = FrontMatter::parse(fm_text) else {
        return; // invalid YAML: the pipeline reports it
    };
    let Ok(mut model) = mapping(fm_text) else {
        panic!("FrontMatter::parse accepted text serde_yaml rejects:\n{fm_text}");
    };
    for pair in ops.chunks(2) {
        let (op, arg) = (pair[0], pair.get(1).copied().unwrap_or(0));
        let mut pool: Vec<String> = model
            .keys()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        pool.extend(NAMES.iter().map(|s| (*s).to_owned()));
        let name = pool[(op / 3) as usize % pool.len()].clone();
        let before = fm.text().to_owned();
        let model_before = model.clone();
        // An edit the editor refuses (`Err`) must leave text and mapping as they were;
        // one it makes must report whether it changed something.
        let outcome =
            |changed: Result<bool, _>, expected: bool, model: &mut Mapping, what: &str| {
                match changed {
                    Ok(changed) => assert_eq!(changed, expected, "{what} return value"),
                    Err(_) => *model = model_before.clone(),
                }
            };
        let what = match op % 3 {
            0 => {
                let expected = model.remove(name.as_str()).is_some();
                let what = format!("remove({name:?})");
                outcome(fm.remove(&name), expected, &mut model, &what);
                what
            }
            1 => {
                let to = pool[arg as usize % pool.len()].clone();
                let expected = match model.get(name.as_str()).cloned() {
                    Some(v) if name != to => {
                        model.remove(to.as_str());
                        model.remove(name.as_str());
                        model.insert(Value::String(to.clone()), v);
                        true
                    }
                    _ => false,
                };
                let what = format!("rename({name:?}, {to:?})");
                outcome(fm.rename(&name, &to), expected, &mut model, &what);
                what
            }
            _ => {
                let v = value(arg);
                let expected = model.get(name.as_str()).is_none_or(|old| !same(old, &v));
                model.insert(Value::String(name.clone()), v.clone());
                let what = format!("set({name:?}, {v:?})");
                outcome(fm.set(&name, v.clone()), expected, &mut model, &what);
                what
            }
        };
        let edited = fm.text();
        match mapping(edited) {
            Ok(m) => assert!(
                same_mapping(&m, &model),
                "{what} produced a different mapping\nbefore:\n{before}\nafter:\n{edited}\nexpected: {model:?}\nparsed:   {m:?}"
            ),
            Err(e) => {
                panic!("{what} produced invalid YAML ({e})\nbefore:\n{before}\nafter:\n{edited}")
            }
        }
    }
    // The edited front matter survives being joined into a file and split again.
    // Without fences the whole input was the front matter: there is no body to join.
    let body = if doc.front_matter.is_some() {
        doc.body
    } else {
        ""
    };
    let joined = Document::join(doc.bom, Some(fm.text()), body, doc.line_ending);
    let again = Document::split(&joined);
    let Some(fm_again) = again.front_matter else {
        panic!("joined front matter is not found by split:\n{joined}");
    };
    match mapping(fm_again) {
        Ok(m) => assert!(
            same_mapping(&m, &model),
            "joined and split again, the front matter changed\njoined:\n{joined}"
        ),
        Err(e) => panic!("joined and split again, the front matter is invalid ({e}):\n{joined}"),
    }
}

/// `convert_chunks`: the converter fed HTML in pieces gives the same Markdown as fed whole,
/// and its documented output shape holds: "" or text ending in exactly one newline.
///
/// Input: `FLAGS SIZE HTML`. FLAGS bit 0 = Hexo-safe output (for marked, typographer on), bit 1 = keep full-width indents,
/// bits 2..8 + 1 = the first chunk size; SIZE + 1 = the second; chunks alternate the two sizes
/// and cut anywhere, also inside a UTF-8 sequence.
pub fn convert_chunks(data: &[u8]) {
    let [flags, size, ref html @ ..] = *data else {
        return;
    };
    let options = markdown::Options {
        nunjucks_safe: flags & 1 != 0,
        keep_fullwidth_indent: flags & 2 != 0,
        // Hexo-safe inputs also keep their embeds as players: both writers get fuzzed.
        embeds: if flags & 1 != 0 {
            markdown::Embeds::Html
        } else {
            markdown::Embeds::Link
        },
        // ... and are written for hexo-renderer-marked with its typographer on.
        dialect: markdown::Dialect {
            renderer: if flags & 1 != 0 {
                markdown::Renderer::Marked
            } else {
                markdown::Renderer::CommonMark
            },
            typographer: true,
        },
        ..markdown::Options::default()
    };
    let sizes = [(flags >> 2) as usize + 1, size as usize + 1];
    let html = String::from_utf8_lossy(html);
    let full = markdown::try_convert_in_full(&html, &options);
    let whole = markdown::convert(&html, &options);
    // Without raw HTML, the images the converter says it wrote are what the audit reads.
    if let Ok(c) = &full
        && let Some(images) = &c.image_destinations
        && !postscrub::body::may_hold_html(&c.markdown)
    {
        assert_eq!(c.markdown, whole);
        assert_eq!(
            postscrub::audit::Needs::of_images(images.iter().map(String::as_str)),
            postscrub::audit::audit(&whole),
            "the converter's image list ({images:?}) is not what the Markdown holds"
        );
    }
    assert!(
        whole.is_empty() || (whole.ends_with('\n') && !whole.ends_with("\n\n")),
        "output does not end in exactly one newline: {:?}",
        &whole[floor(&whole, whole.len().saturating_sub(40))..]
    );
    let bytes = html.as_bytes();
    let mut converter = Converter::new(&options);
    let (mut pos, mut k) = (0, 0);
    while pos < bytes.len() {
        let n = sizes[k % 2].min(bytes.len() - pos);
        converter.write(&bytes[pos..pos + n]);
        pos += n;
        k += 1;
    }
    let chunked = converter.finish();
    assert!(
        chunked == whole,
        "chunks of {sizes:?} bytes convert differently from the whole input; {}",
        first_difference(&whole, &chunked)
    );
    // The text read from between the tokens is the text lol_html's handler would give.
    let mut reference = Converter::reference(&options);
    reference.write(bytes);
    let reference = reference.finish();
    assert!(
        reference == whole,
        "the text read between tokens differs from lol_html's text chunks; {}",
        first_difference(&reference, &whole)
    );
}
