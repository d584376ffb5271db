//! Where each post is written, decided for all posts before any is written.
//!
//! Deciding per post, in parallel, lets two inputs race for one output (`a/x.md` and `b/x.md`
//! into `out/x.md`, or `p.html` and `p.htm` both becoming `p.md`): the last rename wins and a
//! post is silently lost, differently from run to run. Here every target is known up front,
//! so such pairs are an error naming both, independent of thread timing. Paths are built from
//! `Path`s, never from lossily decoded strings, so two names that differ only in bytes that
//! are not UTF-8 stay two files. This is also where `--in-place` decides what to do with a
//! symlink: rewrite its target when that lies inside the tree, otherwise leave it alone.

use crate::generator::Target as Generator;
use crate::generator::names::{self, PostFacts};
use crate::pipeline::PostWarning;
use crate::printable;
use crate::walk::Post;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// What the target generator's naming rules ask of one post.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostNaming {
    /// A new file name for the post's output (Jekyll's `YYYY-MM-DD-`), in the same folder.
    pub rename: Option<String>,
    /// The output's file name when it is not the input's (a rename, or a page becoming `.md`),
    /// for the diff's `+++ b/` header.
    pub shown_as: Option<String>,
    /// The date the new name was made from: the converted post must still have it.
    pub date: Option<jiff::civil::Date>,
    /// What the user should know: a name Hexo hides, a URL Hugo gives another post too, a
    /// Jekyll post without a date.
    pub warnings: Vec<PostWarning>,
}

/// The naming of all posts (same order), and what forbids the run.
#[derive(Debug, Default)]
pub struct Naming {
    pub posts: Vec<PostNaming>,
    /// Fatal: two posts would get one name.
    pub conflicts: Vec<String>,
    /// Said in the summary: the posts Hexo will not build (hidden names).
    pub hidden: Vec<String>,
}

/// Fill each post's [`PostNaming::shown_as`]: the file name its output gets, when that is not
/// the input's.
pub fn show_output_names(posts: &[Post], namings: &mut [PostNaming], to_markdown: bool) {
    let inputs: HashSet<&Path> = posts.iter().map(|p| p.rel_path.as_path()).collect();
    for (post, naming) in posts.iter().zip(namings.iter_mut()) {
        let out = output_relative(&post.rel_path, to_markdown, &inputs);
        let name = naming
            .rename
            .clone()
            .or_else(|| out.file_name().and_then(|n| n.to_str()).map(str::to_owned));
        if name.as_deref() != post.rel_path.file_name().and_then(|n| n.to_str()) {
            naming.shown_as = name;
        }
    }
}

/// Warning ids, as the reporter shows them after each message.
pub const HEXO_HIDDEN_ID: &str = "hexo-hidden-name";
pub const HUGO_URL_ID: &str = "hugo-url-collision";

/// The name a post's output gets before any generator rule: `.html` pages become `.md`.
fn output_file_name(rel: &Path, to_markdown: bool) -> Option<String> {
    let name = rel.file_name()?.to_str()?;
    Some(if to_markdown && is_html(rel) {
        rel.with_extension("md").file_name()?.to_str()?.to_owned()
    } else {
        name.to_owned()
    })
}

/// Apply the generator's naming rules to all posts; `facts` (same order as `posts`) are read
/// from each post's converted front matter (empty when the generator needs none).
pub fn naming(
    posts: &[Post],
    facts: &[PostFacts],
    generator: Generator,
    to_markdown: bool,
    display: &dyn Fn(&Path) -> String,
) -> Naming {
    let mut naming = Naming {
        posts: vec![PostNaming::default(); posts.len()],
        ..Naming::default()
    };
    let no_facts = PostFacts::default();
    let facts_of = |i: usize| facts.get(i).unwrap_or(&no_facts);
    match generator {
        Generator::Jekyll => {
            // Final relative paths, to find two posts that would share one.
            let mut taken: BTreeMap<PathBuf, usize> = BTreeMap::new();
            for (i, post) in posts.iter().enumerate() {
                let Some(name) = output_file_name(&post.rel_path, to_markdown) else {
                    continue;
                };
                if !names::jekyll_needs_date(&post.relative) || names::has_jekyll_date(&name) {
                    taken
                        .entry(post.rel_path.with_file_name(&name))
                        .or_insert(i);
                    continue;
                }
                let facts = facts_of(i);
                let date = match (facts.date, facts.file_date) {
                    (Some(date), _) => date,
                    (None, Some(date)) => {
                        // Hexo dates a post without a date by its file: so does its name.
                        naming.posts[i].warnings.push(PostWarning {
                            line: None,
                            rule_id: crate::pipeline::JEKYLL_NAME_RULE.id.clone(),
                            message: format!(
                                "no `date:`, and Jekyll builds only posts named `YYYY-MM-DD-title.md`: named by the day the file was last modified ({date}), as Hexo dates such a post by its file; add a `date:` to choose another"
                            ),
                        });
                        date
                    }
                    (None, None) => {
                        naming.posts[i].warnings.push(PostWarning {
                            line: None,
                            rule_id: crate::pipeline::JEKYLL_NAME_RULE.id.clone(),
                            message: "no `date:` to name it by, and Jekyll builds only posts named `YYYY-MM-DD-title.md`: add a date, then convert it again".into(),
                        });
                        taken
                            .entry(post.rel_path.with_file_name(&name))
                            .or_insert(i);
                        continue;
                    }
                };
                let new = names::jekyll_file_name(&name, date).unwrap_or(name);
                naming.posts[i].rename = Some(new.clone());
                naming.posts[i].date = facts.date;
                let path = post.rel_path.with_file_name(&new);
                if let Some(&other) = taken.get(&path) {
                    naming.conflicts.push(format!(
                        "{} and {} would both be named {} for Jekyll: rename one, or change its date",
                        display(&posts[other].path),
                        display(&post.path),
                        printable::path(&path)
                    ));
                } else {
                    taken.insert(path, i);
                }
            }
        }
        Generator::Hugo => {
            let mut urls: BTreeMap<String, Vec<usize>> = BTreeMap::new();
            for (i, post) in posts.iter().enumerate() {
                // The path inside `content/` (the walked path when there is none), with the
                // output's file name.
                let parts: Vec<&str> = post.relative.split('/').collect();
                let start = parts
                    .iter()
                    .position(|p| *p == "content")
                    .map_or(0, |i| i + 1);
                let mut parts = parts[start..].to_vec();
                let name = output_file_name(&post.rel_path, to_markdown);
                if let (Some(last), Some(name)) = (parts.last_mut(), name.as_deref()) {
                    *last = name;
                }
                let relative = parts.join("/");
                urls.entry(names::hugo_url(&relative, facts_of(i)))
                    .or_default()
                    .push(i);
            }
            for (url, group) in urls.iter().filter(|(_, g)| g.len() > 1) {
                for &i in group {
                    let others: Vec<String> = group
                        .iter()
                        .filter(|&&j| j != i)
                        .map(|&j| display(&posts[j].path))
                        .collect();
                    let last = url.rsplit('/').next().unwrap_or_default();
                    naming.posts[i].warnings.push(PostWarning {
                        line: None,
                        rule_id: HUGO_URL_ID.into(),
                        message: format!(
                            "Hugo gives this post the URL {url}, and also {}, and builds only one of them: give one of them its own `slug:` in its front matter (e.g. `slug: {last}-2`)",
                            others.join(", ")
                        ),
                    });
                }
            }
        }
        Generator::Hexo => {
            for (i, post) in posts.iter().enumerate() {
                if let Some(part) = names::hexo_hidden_part(&post.relative) {
                    naming.hidden.push(display(&post.path));
                    let plain = part.trim_start_matches(['_', '.', ' ']);
                    naming.posts[i].warnings.push(PostWarning {
                        line: None,
                        rule_id: HEXO_HIDDEN_ID.into(),
                        message: format!(
                            "Hexo skips `{part}` (names starting with `_` or `.` are hidden), so this post will not be on the site: rename it{}",
                            if plain.is_empty() {
                                String::new()
                            } else {
                                format!(" (e.g. `{plain}`)")
                            }
                        ),
                    });
                }
            }
        }
        Generator::Plain => {}
    }
    naming
}

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

/// Plan the run. `renames` (same order as `posts`, may be empty) are new file names the target
/// generator needs (see [`naming`]). `display` turns a path into what messages show.
pub fn plan(
    posts: &[Post],
    destination: Destination<'_>,
    to_markdown: bool,
    renames: &[Option<String>],
    display: &dyn Fn(&Path) -> String,
) -> Plan {
    let rename = |i: usize| renames.get(i).and_then(Option::as_deref);
    let mut conflicts = Vec::new();
    let targets: Vec<Target> = match destination {
        Destination::Out { dir, .. } => {
            let inputs: HashSet<&Path> = posts.iter().map(|p| p.rel_path.as_path()).collect();
            posts
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let mut path = dir.join(output_relative(&p.rel_path, to_markdown, &inputs));
                    if let Some(name) = rename(i) {
                        path.set_file_name(name);
                    }
                    Target::Write {
                        path,
                        remove: None,
                        taken_md: None,
                    }
                })
                .collect()
        }
        Destination::InPlace => {
            let mut targets = in_place_targets(posts, to_markdown, display);
            for (i, target) in targets.iter_mut().enumerate() {
                let Some(name) = rename(i) else { continue };
                let Target::Write { path, remove, .. } = target else {
                    continue;
                };
                if posts[i].symlink {
                    *target = Target::Skip(format!(
                        "is a symlink, and its target would have to be renamed {name}: rename it by hand"
                    ));
                    continue;
                }
                let original = remove.take().unwrap_or_else(|| path.clone());
                let new = original.with_file_name(name);
                if std::fs::symlink_metadata(&new).is_ok() {
                    conflicts.push(format!(
                        "{} would be renamed {}, which exists: rename or remove one of them",
                        display(&posts[i].path),
                        display(&new)
                    ));
                }
                *target = Target::Write {
                    path: new,
                    remove: Some(original),
                    taken_md: None,
                };
            }
            targets
        }
    };
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
