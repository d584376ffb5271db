//! Finding the posts: paths given on the command line, walked recursively, filtered, sorted.
//!
//! Order is by path, always, so output and reports are the same whatever the number of
//! threads. A folder inside an input that is also the `--out` folder is skipped, so converting
//! `posts/` into `posts/clean/` does not feed on its own output.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// Extensions walked by default.
pub const DEFAULT_EXTENSIONS: &[&str] = &["md", "markdown", "html", "htm"];

/// Documents about a repository rather than posts in it: never picked up by walking a folder
/// (a README that describes scraped cruft is not cruft). Name one explicitly to process it.
pub const REPOSITORY_DOCUMENTS: &[&str] = &[
    "readme",
    "changelog",
    "license",
    "licence",
    "contributing",
    "code_of_conduct",
    "security",
];

fn is_repository_document(file_name: &str) -> bool {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem)
        .to_ascii_lowercase();
    REPOSITORY_DOCUMENTS.contains(&stem.as_str())
}

/// One post to process.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Post {
    /// Path to read (as given, joined with the walked part).
    pub path: PathBuf,
    /// Path relative to the folder given (the file name for a file given directly), with `/`.
    pub relative: String,
}

/// Include/exclude globs, matched against relative paths.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// Apply excludes to files named on the command line too (as ruff's `--force-exclude`;
    /// what a pre-commit hook, which names every staged file, needs).
    force_exclude: bool,
}

impl Filter {
    pub fn new(
        include: &[String],
        exclude: &[String],
        force_exclude: bool,
    ) -> Result<Filter, String> {
        Ok(Filter {
            include: glob_set(include)?,
            exclude: glob_set(exclude)?,
            force_exclude,
        })
    }

    /// A file named directly is skipped only with `force_exclude`, when an exclude glob
    /// matches its path or any trailing part of it (`drafts/x.md` in `content/drafts/x.md`).
    fn explicitly_excluded(&self, path: &Path) -> bool {
        if !self.force_exclude {
            return false;
        }
        let parts: Vec<String> = path
            .components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        (0..parts.len()).any(|i| self.excluded(&parts[i..].join("/")))
    }

    fn included(&self, relative: &str) -> bool {
        match &self.include {
            Some(set) => set.is_match(relative),
            None => Path::new(relative)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| DEFAULT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())),
        }
    }

    fn excluded(&self, relative: &str) -> bool {
        self.exclude.as_ref().is_some_and(|set| {
            set.is_match(relative)
                || Path::new(relative)
                    .ancestors()
                    .skip(1)
                    .any(|a| !a.as_os_str().is_empty() && set.is_match(a))
        })
    }
}

fn glob_set(globs: &[String]) -> Result<Option<GlobSet>, String> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        // `*.md` should match at any depth, as in .gitignore.
        let pattern = if g.contains('/') {
            g.clone()
        } else {
            format!("**/{g}")
        };
        builder.add(Glob::new(&pattern).map_err(|e| format!("invalid glob `{g}`: {e}"))?);
        if !g.contains('/') {
            builder.add(Glob::new(g).map_err(|e| format!("invalid glob `{g}`: {e}"))?);
        }
    }
    builder.build().map(Some).map_err(|e| e.to_string())
}

/// A path that could not be walked.
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Every post under `roots`, sorted by path, plus the paths that could not be read.
/// Files named directly are taken whatever their extension, unless excluded.
pub fn find_posts(
    roots: &[PathBuf],
    filter: &Filter,
    skip: Option<&Path>,
) -> (Vec<Post>, Vec<WalkError>) {
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut posts = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                errors.push(WalkError {
                    path: root.clone(),
                    message: format!("cannot read: {e}"),
                });
                continue;
            }
        };
        if meta.is_file() {
            let relative = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if !filter.explicitly_excluded(root) {
                posts.push(Post {
                    path: root.clone(),
                    relative,
                });
            }
            continue;
        }
        let walker = walkdir::WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                let is_skip = e.file_type().is_dir()
                    && skip
                        .as_ref()
                        .is_some_and(|s| e.path().canonicalize().is_ok_and(|p| &p == s));
                !hidden && !is_skip
            });
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(WalkError {
                        path: e.path().map_or_else(|| root.clone(), Path::to_path_buf),
                        message: format!(
                            "cannot read: {}",
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    });
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel_path = entry.path().strip_prefix(root).unwrap_or(entry.path());
            let relative = rel_path
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let document = is_repository_document(&entry.file_name().to_string_lossy());
            if !document && filter.included(&relative) && !filter.excluded(&relative) {
                posts.push(Post {
                    path: entry.into_path(),
                    relative,
                });
            }
        }
    }
    posts.sort();
    posts.dedup_by(|a, b| a.path == b.path);
    (posts, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_defaults_and_globs() {
        let f = Filter::default();
        assert!(f.included("a/b.md"));
        assert!(f.included("x.HTML"));
        assert!(!f.included("a/b.txt"));
        let f = Filter::new(
            &["*.txt".into()],
            &["drafts".into(), "*_old.txt".into()],
            false,
        )
        .unwrap();
        assert!(f.included("a/b.txt"));
        assert!(f.excluded("drafts/x.txt"));
        assert!(f.excluded("a/y_old.txt"));
        assert!(!f.excluded("a/y.txt"));
        assert!(!f.explicitly_excluded(Path::new("/site/content/drafts/x.txt")));
        let f = Filter::new(&[], &["drafts".into()], true).unwrap();
        assert!(f.explicitly_excluded(Path::new("/site/content/drafts/x.txt")));
        assert!(!f.explicitly_excluded(Path::new("/site/content/posts/x.txt")));
    }

    #[test]
    fn walk_is_sorted_and_skips_hidden_and_out() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        for f in [
            "b.md",
            "a/z.md",
            "a/c.md",
            ".git/x.md",
            "out/o.md",
            "n.txt",
            "README.md",
            "a/CHANGELOG.md",
            "a/readme-notes.md",
        ] {
            let path = p.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let (posts, errors) =
            find_posts(&[p.to_path_buf()], &Filter::default(), Some(&p.join("out")));
        assert!(errors.is_empty());
        let rel: Vec<&str> = posts.iter().map(|p| p.relative.as_str()).collect();
        assert_eq!(rel, ["a/c.md", "a/readme-notes.md", "a/z.md", "b.md"]);
        // Named explicitly, a README is processed.
        let (posts, _) = find_posts(&[p.join("README.md")], &Filter::default(), None);
        assert_eq!(posts.len(), 1);
    }
}
