//! The part of a post's result that depends only on its bytes, the path its rules see, the
//! rules and the options: computed by the pipeline, or read back from the result cache.
//!
//! Everything else a command does with a post (the Jekyll rename, the diff shown, the file
//! written) is decided after, from this and the run's plan, so a cached post goes through
//! exactly the same code as a converted one.

use crate::cache::{Cache, Lookup};
use crate::config::Config;
use crate::diff;
use crate::generator::Target;
use crate::pipeline::{self, PostError, PostNotes, PostWarning};
use crate::report::FiredRule;
use serde::{Deserialize, Serialize};

/// What a command needs of a post. Each is cached apart, so `check` stores no converted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// `check`: whether it changes, the rules, the changed lines (`all_lines`: every changed
    /// range, for JSON; else the first changed line).
    Verdict { all_lines: bool },
    /// `diff`, `report`, `convert`: the converted text too.
    Output,
}

impl Need {
    fn tag(self) -> &'static str {
        match self {
            Need::Verdict { all_lines: false } => "verdict",
            Need::Verdict { all_lines: true } => "verdict+lines",
            Need::Output => "output",
        }
    }
}

/// A post's transformation, owned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memo {
    /// The output differs from the input.
    pub changed: bool,
    /// The output, when it was asked for and differs from the input.
    pub output: Option<String>,
    /// The rules that changed the post (the Jekyll rename not included: the plan decides it).
    pub fired: Vec<FiredRule>,
    pub warnings: Vec<PostWarning>,
    pub notes: PostNotes,
    /// The converted front matter's date (`YYYY-MM-DD`), for a Jekyll site, whose file names
    /// were planned from the dates.
    pub date: Option<String>,
    /// Changed line ranges of the file, for `Need::Verdict` and a changed post.
    pub lines: Vec<(usize, usize)>,
}

/// Why a post could not be transformed.
#[derive(Debug, Clone)]
pub enum Failure {
    Post(PostError),
    /// The pipeline panicked: a bug, reported as such.
    Internal,
}

/// Transform `text` (or find its transformation in `cache`).
pub fn transform(
    text: &str,
    rule_path: &str,
    config: &Config,
    need: Need,
    cache: Option<&Cache>,
) -> Result<Memo, Failure> {
    let key = cache.map(|c| c.key(need.tag(), rule_path, text.as_bytes()));
    let mut replace = false;
    if let (Some(cache), Some(key)) = (cache, &key) {
        match cache.get::<Memo>(key) {
            Lookup::Hit(memo) if memo.fits(need) => return Ok(memo),
            Lookup::Hit(_) | Lookup::Unreadable => replace = true,
            Lookup::Missing => {}
        }
    }
    let memo = compute(text, rule_path, config, need)?;
    if let (Some(cache), Some(key)) = (cache, &key) {
        cache.put(key, &memo, replace);
    }
    Ok(memo)
}

impl Memo {
    /// Whether a cached entry holds what `need` asks for (a sanity check on top of the key).
    fn fits(&self, need: Need) -> bool {
        match need {
            Need::Output => self.changed == self.output.is_some(),
            Need::Verdict { .. } => self.output.is_none(),
        }
    }
}

fn compute(text: &str, rule_path: &str, config: &Config, need: Need) -> Result<Memo, Failure> {
    let processed = match std::panic::catch_unwind(|| {
        pipeline::process(text, rule_path, &config.rules, &config.options)
    }) {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return Err(Failure::Post(e)),
        Err(_) => return Err(Failure::Internal),
    };
    let changed = processed.output != text;
    let date = if config.options.target == Target::Jekyll {
        pipeline::output_facts(&processed.output, &config.options)
            .date
            .map(|d| d.to_string())
    } else {
        None
    };
    let fired = crate::run::fired_rules(&processed);
    let lines = match need {
        Need::Verdict { .. } if !changed => Vec::new(),
        Need::Verdict { all_lines: true } => diff::changed_lines(text, &processed.output),
        Need::Verdict { all_lines: false } => {
            let line = diff::first_changed_line(text, &processed.output);
            vec![(line, line)]
        }
        Need::Output => Vec::new(),
    };
    let output = match need {
        Need::Output if changed => Some(processed.output),
        _ => None,
    };
    Ok(Memo {
        changed,
        output,
        fired,
        warnings: processed.warnings,
        notes: processed.notes,
        date,
        lines,
    })
}
