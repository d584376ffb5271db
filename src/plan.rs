//! Where each post is written, decided for all posts before any is written.
//!
//! Deciding per post, in parallel, lets two inputs race for one output (`a/x.md` and `b/x.md`
//! into `out/x.md`, or `p.html` and `p.htm` both becoming `p.md`): the last rename wins and a
//! post is silently lost, differently from run to run. Here every target is known up front,
//! so such pairs are an error naming both, independent of thread timing. Paths are built from
//! `Path`s, never from lossily decoded strings, so two names that differ only in bytes that
//! are not UTF-8 stay two files. This is also where `--in-place` decides what to do with a
//! symlink: rewrite its target when that lies inside the tree, otherwise leave it alone.

use crate::printable;
use crate::walk::Post;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Where posts go.
#[derive(Debug, Clone, Copy)]
pub enum Destination<'a> {
    Out { dir: &'a Path, force: bool },
    InPlace,
}

/// What to do with one post once it is converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Write here (atomically).
    Write {
        path: PathBuf,
        /// `--in-place` turned a page into the `.md` beside it: remove this after writing.
        remove: Option<PathBuf>,
        /// `--in-place` on a page whose `.md` name is taken: that `.md`. When it already holds
        /// exactly this page's conversion, a run was killed between writing it and removing
        /// the page, and finishing that conversion means removing the page.
        taken_md: Option<PathBuf>,
    },
    /// Leave the post alone, with a warning saying why.
    Skip(String),
}

/// The targets of all posts (same order), or the collisions that forbid the run.
#[derive(Debug)]
pub struct Plan {
    pub targets: Vec<Target>,
    /// Fatal: two posts would share an output, or an input would be overwritten.
    pub conflicts: Vec<String>,
}

fn is_html(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"))
}

/// Where a post goes under `--out`: its relative path, with `.html`/`.htm` becoming `.md` when
/// the body becomes Markdown, unless another input already has that name.
pub fn output_relative(rel: &Path, to_markdown: bool, inputs: &HashSet<&Path>) -> PathBuf {
    if to_markdown && is_html(rel) {
        let md = rel.with_extension("md");
        if !inputs.contains(md.as_path()) {
            return md;
        }
    }
    rel.to_path_buf()
}

/// `path` made absolute and free of symlinks as far as it exists; the rest appended as is
/// (an output that is not written yet).
pub fn canonical_lenient(path: &Path) -> PathBuf {
    let mut missing = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(c) = existing.canonicalize() {
            let mut out = c;
            for part in missing.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name.to_os_string());
                existing = if parent.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    parent
                };
            }
            _ => return path.to_path_buf(),
        }
    }
}

/// Plan the run. `display` turns a path into what messages show.
pub fn plan(
    posts: &[Post],
    destination: Destination<'_>,
    to_markdown: bool,
    display: &dyn Fn(&Path) -> String,
) -> Plan {
    let targets: Vec<Target> = match destination {
        Destination::Out { dir, .. } => {
            let inputs: HashSet<&Path> = posts.iter().map(|p| p.rel_path.as_path()).collect();
            posts
                .iter()
                .map(|p| Target::Write {
                    path: dir.join(output_relative(&p.rel_path, to_markdown, &inputs)),
                    remove: None,
                    taken_md: None,
                })
                .collect()
        }
        Destination::InPlace => in_place_targets(posts, to_markdown, display),
    };
    let mut conflicts = Vec::new();
    let mut seen: HashMap<&Path, usize> = HashMap::new();
    for (i, t) in targets.iter().enumerate() {
        let Target::Write { path, .. } = t else {
            continue;
        };
        if let Some(&first) = seen.get(path.as_path()) {
            conflicts.push(format!(
                "{} and {} would both be written to {}: rename one, or convert them separately",
                display(&posts[first].path),
                display(&posts[i].path),
                display(path)
            ));
        } else {
            seen.insert(path, i);
        }
    }
    if let Destination::Out { force: true, .. } = destination {
        let sources: HashMap<PathBuf, usize> = posts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.path.canonicalize().ok().map(|c| (c, i)))
            .collect();
        for (i, t) in targets.iter().enumerate() {
            if let Target::Write { path, .. } = t
                && let Some(&source) = sources.get(&canonical_lenient(path))
            {
                conflicts.push(if source == i {
                    format!(
                        "{} is inside --out, and --force would overwrite it with its own conversion: move it out of --out, or use --in-place to rewrite posts where they are",
                        display(&posts[i].path)
                    )
                } else {
                    format!(
                        "{} would be written over the input {} (--force with --out overlapping the input): use --in-place to rewrite posts where they are",
                        display(&posts[i].path),
                        display(&posts[source].path)
                    )
                });
            }
        }
    }
    Plan { targets, conflicts }
}

fn in_place_targets(
    posts: &[Post],
    to_markdown: bool,
    display: &dyn Fn(&Path) -> String,
) -> Vec<Target> {
    // Regular files reached without a symlink, by canonical path: a link to one of them is
    // the same post, converted once.
    let direct: HashMap<PathBuf, &Post> = posts
        .iter()
        .filter(|p| !p.symlink)
        .filter_map(|p| p.path.canonicalize().ok().map(|c| (c, p)))
        .collect();
    posts
        .iter()
        .map(|post| {
            let Ok(real) = post.path.canonicalize() else {
                return Target::Skip("cannot resolve its path; not rewritten in place".into());
            };
            if !real.starts_with(&post.tree) {
                let how = if post.symlink {
                    "is a symlink to"
                } else {
                    "is reached through a symlink, at"
                };
                return Target::Skip(format!(
                    "{how} {}, outside {}; not rewritten in place (edit the target itself)",
                    printable::path(&real),
                    printable::path(&post.tree)
                ));
            }
            if post.symlink
                && let Some(other) = direct.get(&real)
            {
                return Target::Skip(format!(
                    "symlink to {}, which is converted itself",
                    display(&other.path)
                ));
            }
            // A symlink is never replaced by a file: its target is rewritten.
            let base = if post.symlink {
                real
            } else {
                post.path.clone()
            };
            if to_markdown && is_html(&base) {
                let md = base.with_extension("md");
                // A dangling symlink named `p.md` is taken too.
                if std::fs::symlink_metadata(&md).is_err() {
                    return Target::Write {
                        path: md,
                        remove: Some(base),
                        taken_md: None,
                    };
                }
                return Target::Write {
                    path: base,
                    remove: None,
                    taken_md: Some(md),
                };
            }
            Target::Write {
                path: base,
                remove: None,
                taken_md: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_inputs_become_md_outputs_unless_taken() {
        let inputs: HashSet<&Path> = ["a/x.html", "a/y.htm", "a/z.html", "a/z.md"]
            .iter()
            .map(Path::new)
            .collect();
        let out = |p: &str, md: bool| output_relative(Path::new(p), md, &inputs);
        assert_eq!(out("a/x.html", true), Path::new("a/x.md"));
        assert_eq!(out("a/y.htm", true), Path::new("a/y.md"));
        assert_eq!(out("a/z.html", true), Path::new("a/z.html"));
        assert_eq!(out("a/x.html", false), Path::new("a/x.html"));
        assert_eq!(out("a/z.md", true), Path::new("a/z.md"));
    }

    #[test]
    fn lenient_canonical_keeps_the_missing_tail() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            canonical_lenient(&dir.path().join("no/such/file.md")),
            real.join("no/such/file.md")
        );
    }
}
