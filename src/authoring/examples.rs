//! Running a rule set's `examples:`: the body through the body rules, the front matter through
//! the whole pipeline (so extracted fields and date formats are exactly what a run produces).
//!
//! An example runs with the rule set *and the sets it extends*, as the set would be used on its
//! own, and ignores `when:` (an example is a fragment, not a post). Body `output` is compared
//! byte for byte with the cleaned HTML; `front_matter.output` up to its final newline.

use crate::body::BodyMode;
use crate::clean;
use crate::document::Document;
use crate::markdown;
use crate::pipeline::{self, Options, OutputFormat, Target};
use crate::rules::RuleSet;
use crate::rules::spec::ExampleSpec;
use std::collections::BTreeSet;

/// What one example found.
#[derive(Debug, Default)]
pub struct ExampleRun {
    /// Ids of the rules that changed something in this example.
    pub fired: BTreeSet<String>,
    /// Expectations that did not hold.
    pub failures: Vec<Failure>,
}

impl ExampleRun {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A failed expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// `key` (`output`, `markdown`, `front_matter.output`) was expected to be `expected`.
    Mismatch {
        key: &'static str,
        expected: String,
        actual: String,
    },
    /// The example cannot be run as written.
    Invalid(String),
}

/// The options an example runs with: its target and time zone, HTML in and out.
pub fn options(example: &ExampleSpec) -> Result<Options, String> {
    let target = match example.target.as_deref() {
        None | Some("plain") => Target::Plain,
        Some("hexo") => Target::Hexo,
        Some("hugo") => Target::Hugo,
        Some("jekyll") => Target::Jekyll,
        Some(other) => {
            return Err(format!(
                "unknown `target: {other}`: use hexo, hugo, jekyll or plain"
            ));
        }
    };
    let timezone = match example.timezone.as_deref() {
        None => jiff::tz::TimeZone::UTC,
        Some(tz) => crate::dates::parse_timezone(tz).map_err(|e| format!("`timezone`: {e}"))?,
    };
    Ok(Options {
        to: OutputFormat::Html,
        target,
        timezone,
        body: BodyMode::Html,
        keep_fullwidth_indent: false,
        embeds: None,
        typographer: true,
        raw_html_rendered: false,
    })
}

/// Run one example with `sets` (a rule set preceded by the sets it extends).
pub fn run(example: &ExampleSpec, sets: &[&RuleSet]) -> ExampleRun {
    let mut run = ExampleRun::default();
    let options = match options(example) {
        Ok(o) => o,
        Err(e) => {
            run.failures.push(Failure::Invalid(e));
            return run;
        }
    };
    if let Err(e) = crate::rules::check_reserved(sets.iter().copied(), options.target) {
        run.failures.push(Failure::Invalid(e.to_string()));
        return run;
    }
    let expects_body = example.output.is_some() || example.markdown.is_some();
    match &example.input {
        None if expects_body => run.failures.push(Failure::Invalid(
            "`output`/`markdown` without `input`: give the HTML the rules start from".into(),
        )),
        None if example.front_matter.is_none() => run.failures.push(Failure::Invalid(
            "empty example: give `input` and `output`, or `front_matter: {input, output}`".into(),
        )),
        Some(_) if !expects_body && example.front_matter.is_none() => {
            run.failures.push(Failure::Invalid(
                "`input` without `output`, `markdown` or `front_matter`: nothing to compare".into(),
            ));
        }
        _ => {}
    }
    if let Some(input) = &example.input {
        match clean::clean(input, sets, &crate::suppress::Skip::none()) {
            Ok(cleaned) => {
                run.fired
                    .extend(cleaned.fired.iter().map(|f| f.meta.id.clone()));
                match &example.output {
                    Some(expected) if *expected != cleaned.html => {
                        run.failures.push(Failure::Mismatch {
                            key: "output",
                            expected: expected.clone(),
                            actual: cleaned.html.clone(),
                        });
                    }
                    _ => {}
                }
                if let Some(expected) = &example.markdown {
                    let actual = markdown::convert(&cleaned.html, &options.markdown());
                    if *expected != actual {
                        run.failures.push(Failure::Mismatch {
                            key: "markdown",
                            expected: expected.clone(),
                            actual,
                        });
                    }
                }
            }
            Err(e) => run
                .failures
                .push(Failure::Invalid(format!("cannot rewrite `input`: {e}"))),
        }
    }
    if let Some(fm) = &example.front_matter {
        let newline = if fm.input.is_empty() || fm.input.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        let post = format!(
            "---\n{}{newline}---\n{}",
            fm.input,
            example.input.as_deref().unwrap_or("")
        );
        match pipeline::process_with_sets(&post, sets, &options) {
            Ok(processed) => {
                run.fired
                    .extend(processed.fired.iter().map(|f| f.meta.id.clone()));
                let doc = Document::split(&processed.output);
                let actual = with_final_newline(doc.front_matter.unwrap_or(""));
                let expected = with_final_newline(&fm.output);
                if expected != actual {
                    run.failures.push(Failure::Mismatch {
                        key: "front_matter.output",
                        expected,
                        actual,
                    });
                }
            }
            Err(e) => run.failures.push(Failure::Invalid(format!(
                "`front_matter.input` is not valid front matter: {e}"
            ))),
        }
    }
    run
}

/// `text` ending in exactly one newline (none when empty).
fn with_final_newline(text: &str) -> String {
    let t = text.trim_end_matches(['\n', '\r']);
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleSource, Rules};

    fn example(yaml: &str) -> ExampleSpec {
        serde_yaml::from_str(yaml).unwrap()
    }

    fn rules() -> Rules {
        Rules::from_text(
            "html:\n  - id: ad\n    remove: div.ad\n  - id: by\n    extract: { selector: p.by, field: author }\nfront_matter:\n  - id: date\n    normalize_date: { field: date }\n",
            RuleSource::File("t.yaml".into()),
        )
        .unwrap()
    }

    #[test]
    fn an_example_for_a_target_that_overwrites_a_field_the_set_writes_fails() {
        let rules = Rules::from_text(
            "html:\n  - id: src\n    extract: { selector: p.src, field: source }\n",
            RuleSource::File("t.yaml".into()),
        )
        .unwrap();
        let sets: Vec<&RuleSet> = rules.sets.iter().collect();
        let text = "input: '<p class=src>x</p>'\noutput: ''\nfront_matter:\n  input: ''\n  output: 'source: x'\n";
        assert!(run(&example(text), &sets).passed());
        let hexo = run(&example(&format!("target: hexo\n{text}")), &sets);
        match hexo.failures.as_slice() {
            [Failure::Invalid(m)] => assert!(m.contains("`source_name`"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn passing_and_failing_examples() {
        let rules = rules();
        let sets: Vec<&RuleSet> = rules.sets.iter().collect();
        let ok = run(
            &example("input: '<p>a</p><div class=ad>x</div>'\noutput: '<p>a</p>'"),
            &sets,
        );
        assert!(ok.passed(), "{:?}", ok.failures);
        assert_eq!(ok.fired.iter().collect::<Vec<_>>(), ["ad"]);

        let bad = run(
            &example("input: '<div class=ad>x</div>'\noutput: 'x'"),
            &sets,
        );
        assert_eq!(
            bad.failures,
            [Failure::Mismatch {
                key: "output",
                expected: "x".into(),
                actual: String::new()
            }]
        );
    }

    #[test]
    fn front_matter_gets_extracted_fields_and_target_dates() {
        let rules = rules();
        let sets: Vec<&RuleSet> = rules.sets.iter().collect();
        let r = run(
            &example(
                "input: '<p class=by>Ann</p>'\noutput: ''\ntarget: hexo\ntimezone: '+08:00'\nfront_matter:\n  input: 'date: 2021-08-13T07:51:58Z'\n  output: \"date: 2021-08-13 15:51:58\\nauthor: Ann\"\n",
            ),
            &sets,
        );
        assert!(r.passed(), "{:?}", r.failures);
        assert_eq!(r.fired.iter().collect::<Vec<_>>(), ["by", "date"]);
    }

    #[test]
    fn invalid_examples() {
        let rules = rules();
        let sets: Vec<&RuleSet> = rules.sets.iter().collect();
        for yaml in [
            "output: x",
            "input: x",
            "target: gatsby\ninput: a\noutput: a",
            "{}",
        ] {
            let r = run(&example(yaml), &sets);
            assert!(
                matches!(r.failures.first(), Some(Failure::Invalid(_))),
                "{yaml}: {:?}",
                r.failures
            );
        }
    }
}
