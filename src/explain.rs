//! `--explain` and `check --statistics`: reporters that wrap another reporter and add which
//! rules changed the posts.
//!
//! `--explain` (on `convert` and `diff`) writes, after each changed post's own report, one
//! `#`-prefixed line per rule that fired: count, first line, severity, message. The lines start
//! with `#` so a diff stays usable as a patch. `--statistics` (on `check`) totals every rule over
//! the run and prints the table after the report: on stdout for the human format, on stderr for
//! the machine formats (json, github, sarif) so their stdout stays parseable.

use crate::cli::Format;
use crate::report::{PostResult, Reporter, Status, Summary};
use crate::rules::{RuleWarning, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// What to add to a run's report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Extras {
    pub explain: bool,
    pub statistics: bool,
}

impl Extras {
    /// Only `--explain`, as `convert` and `diff` take it.
    pub fn explaining(explain: bool) -> Extras {
        Extras {
            explain,
            ..Extras::default()
        }
    }

    /// `inner`, wrapped as asked.
    pub fn wrap(self, inner: Box<dyn Reporter>, format: Format) -> Box<dyn Reporter> {
        let mut reporter = inner;
        if self.explain {
            reporter = Box::new(Explain { inner: reporter });
        }
        if self.statistics {
            reporter = Box::new(Statistics {
                inner: reporter,
                to_stdout: format == Format::Human,
                totals: BTreeMap::new(),
            });
        }
        reporter
    }
}

struct Explain {
    inner: Box<dyn Reporter>,
}

impl Reporter for Explain {
    fn rule_warning(
        &mut self,
        w: &RuleWarning,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        self.inner.rule_warning(w, out, err)
    }

    fn post(&mut self, r: &PostResult, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        self.inner.post(r, out, err)?;
        if r.status != Status::Changed || r.fired.is_empty() {
            return Ok(());
        }
        writeln!(
            out,
            "# rules that changed {}:",
            crate::printable::printable(&r.path)
        )?;
        let width = r.fired.iter().map(|f| f.id.len()).max().unwrap_or(0);
        for f in &r.fired {
            let line = f.line.map_or_else(|| "-".to_owned(), |l| l.to_string());
            let message = f
                .message
                .as_deref()
                .map(|m| format!("  {m}"))
                .unwrap_or_default();
            writeln!(
                out,
                "#   {:<width$}  {:>4}×  first at line {:<5} {:<7}{message}",
                f.id,
                f.count,
                line,
                f.severity.as_str(),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        self.inner.finish(s, out, err)
    }
}

#[derive(Debug, Default)]
struct Total {
    posts: usize,
    count: u64,
    severity: Option<Severity>,
}

struct Statistics {
    inner: Box<dyn Reporter>,
    to_stdout: bool,
    totals: BTreeMap<String, Total>,
}

impl Reporter for Statistics {
    fn rule_warning(
        &mut self,
        w: &RuleWarning,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<()> {
        self.inner.rule_warning(w, out, err)
    }

    fn post(&mut self, r: &PostResult, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        if r.status == Status::Changed {
            for f in &r.fired {
                let total = self.totals.entry(f.id.clone()).or_default();
                total.posts += 1;
                total.count += u64::from(f.count);
                total.severity = Some(f.severity);
            }
        }
        self.inner.post(r, out, err)
    }

    fn finish(&mut self, s: &Summary, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
        // The table before the summary, which comes last.
        if self.to_stdout {
            write_table(&self.totals, out)?;
            out.flush()?;
        } else {
            write_table(&self.totals, err)?;
        }
        self.inner.finish(s, out, err)
    }
}

/// Rules sorted by count (then posts, then id), one line each.
fn write_table(totals: &BTreeMap<String, Total>, out: &mut dyn Write) -> io::Result<()> {
    if totals.is_empty() {
        return writeln!(out, "no rule changed any post");
    }
    let mut rows: Vec<(&String, &Total)> = totals.iter().collect();
    rows.sort_by(|a, b| {
        b.1.count
            .cmp(&a.1.count)
            .then(b.1.posts.cmp(&a.1.posts))
            .then(a.0.cmp(b.0))
    });
    let width = rows
        .iter()
        .map(|(id, _)| id.len())
        .max()
        .unwrap_or(0)
        .max(4);
    writeln!(
        out,
        "{:<width$}  {:>5}  {:>6}  severity",
        "rule", "posts", "count"
    )?;
    for (id, t) in rows {
        writeln!(
            out,
            "{:<width$}  {:>5}  {:>6}  {}",
            id,
            t.posts,
            t.count,
            t.severity.map_or("", Severity::as_str)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FiredRule, ReporterOptions, Verb, reporter};
    use std::path::Path;

    fn result(path: &str, fired: &[(&str, u32, Option<usize>)]) -> PostResult {
        PostResult {
            path: path.into(),
            file: path.into(),
            status: Status::Changed,
            fired: fired
                .iter()
                .map(|(id, count, line)| FiredRule {
                    id: (*id).into(),
                    count: *count,
                    severity: Severity::Warning,
                    message: None,
                    line: *line,
                    column: None,
                })
                .collect(),
            warnings: Vec::new(),
            diff: None,
            diff_stat: None,
            changed_lines: vec![(1, 1)],
            notes: Default::default(),
        }
    }

    #[test]
    fn statistics_total_and_sort() {
        let extras = Extras {
            explain: false,
            statistics: true,
        };
        let mut r = extras.wrap(
            reporter(ReporterOptions::plain(Verb::Check, Path::new("."))),
            Format::Human,
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        r.post(
            &result("a.md", &[("x", 1, Some(3)), ("y", 4, Some(5))]),
            &mut out,
            &mut err,
        )
        .unwrap();
        r.post(&result("b.md", &[("x", 2, None)]), &mut out, &mut err)
            .unwrap();
        r.finish(&Summary::default(), &mut out, &mut err).unwrap();
        let out = String::from_utf8(out).unwrap();
        let table: Vec<&str> = out.lines().skip(2).collect();
        assert_eq!(
            table,
            [
                "rule  posts   count  severity",
                "y         1       4  warning",
                "x         2       3  warning"
            ],
            "{out}"
        );
    }

    #[test]
    fn explain_lists_rules_of_changed_posts() {
        let extras = Extras {
            explain: true,
            statistics: false,
        };
        let mut r = extras.wrap(
            reporter(ReporterOptions::plain(Verb::Convert, Path::new("."))),
            Format::Human,
        );
        let (mut out, mut err) = (Vec::new(), Vec::new());
        r.post(&result("a.md", &[("x", 2, Some(7))]), &mut out, &mut err)
            .unwrap();
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "# rules that changed a.md:\n#   x     2×  first at line 7     warning\n"
        );
    }
}
