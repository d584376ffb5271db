//! Finding the posts: paths given on the command line, walked recursively, filtered, sorted.
//!
//! Order is by path, always, so output and reports are the same whatever the number of
//! threads. A folder inside an input that is also the `--out` folder is skipped, so converting
//! `posts/` into `posts/clean/` does not feed on its own output.
//!
//! The walk never leaves the tree on its own: a symlink met in a folder is not followed (a link
//! to `/etc/passwd` is not a post, and `--in-place` must not rewrite a folder elsewhere); each one
//! is named in a warning. `--follow` opts in, and a loop is reported instead of walked. A path
//! named on the command line is followed: it was asked for. FIFOs, sockets and devices are
//! never taken as posts (opening a FIFO blocks forever).

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::io::ErrorKind;
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
    /// Path relative to the folder given (the file name for a file given directly), with `/`,
    /// for globs and rules; not UTF-8 parts are replaced (U+FFFD), so never build a path from it.
    pub relative: String,
    /// The same relative path, exact: what output paths are built from.
    pub rel_path: PathBuf,
    /// The tree this post was found in, canonical: the folder given, or for a file given
    /// directly the folder that holds it. `--in-place` writes nowhere else.
    pub tree: PathBuf,
    /// Named on the command line (not found by walking).
    pub named: bool,
    /// `path` itself is a symlink (named, or met with `--follow`).
    pub symlink: bool,
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

/// A path that could not be walked (an error: exit 2).
#[derive(Debug)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
}

/// Something met in the walk and deliberately not taken as a post (a warning).
#[derive(Debug, PartialEq, Eq)]
pub struct WalkNote {
    pub path: PathBuf,
    pub message: String,
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Sorted by path, no path twice.
    pub posts: Vec<Post>,
    pub errors: Vec<WalkError>,
    pub notes: Vec<WalkNote>,
    /// Folders below a root that hold a postscrub lock file (another run may write there).
    pub locked_dirs: Vec<PathBuf>,
}

/// How to walk.
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions<'a> {
    pub filter: &'a Filter,
    /// A folder never walked into (the `--out` folder).
    pub skip: Option<&'a Path>,
    /// Follow symlinks met in the walk (`--follow`); loops are reported, not walked.
    pub follow: bool,
}

/// What kind of non-regular file this is, for messages.
pub fn special_kind(ft: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else if ft.is_dir() {
        "a folder"
    } else {
        "not a file"
    }
}

/// `a/b/c` for a relative path, each part lossily decoded (for globs and rules).
fn slash_string(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Every post under `roots`, sorted by path, plus the paths that could not be read and the
/// entries skipped on purpose. Files named directly are taken whatever their extension, unless
/// excluded; a named symlink is followed (it was asked for). Symlinks met in the walk are not
/// followed unless `follow`: each is reported as a note, never silently taken or dropped.
/// FIFOs, sockets and devices are never opened.
pub fn find_posts(roots: &[PathBuf], options: WalkOptions<'_>) -> Walk {
    let filter = options.filter;
    let skip = options.skip.and_then(|s| s.canonicalize().ok());
    let mut walk = Walk::default();
    for root in roots {
        let link = std::fs::symlink_metadata(root).is_ok_and(|m| m.file_type().is_symlink());
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                let message = if link {
                    format!("symlink to a missing target: {e}")
                } else {
                    format!("cannot read: {e}")
                };
                walk.errors.push(WalkError {
                    path: root.clone(),
                    message,
                });
                continue;
            }
        };
        if meta.is_file() {
            let rel_path = PathBuf::from(root.file_name().unwrap_or_default());
            let parent = match root.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !filter.explicitly_excluded(root) {
                walk.posts.push(Post {
                    path: root.clone(),
                    relative: slash_string(&rel_path),
                    rel_path,
                    tree: parent
                        .canonicalize()
                        .unwrap_or_else(|_| parent.to_path_buf()),
                    named: true,
                    symlink: link,
                });
            }
            continue;
        }
        if !meta.is_dir() {
            walk.errors.push(WalkError {
                path: root.clone(),
                message: format!(
                    "not a regular file ({}); not opened",
                    special_kind(meta.file_type())
                ),
            });
            continue;
        }
        let tree = root.canonicalize().unwrap_or_else(|_| root.clone());
        walk_tree(root, &tree, skip.as_deref(), options, &mut walk);
    }
    walk.posts.sort();
    walk.posts.dedup_by(|a, b| a.path == b.path);
    walk
}

fn walk_tree(
    root: &Path,
    tree: &Path,
    skip: Option<&Path>,
    options: WalkOptions<'_>,
    walk: &mut Walk,
) {
    let filter = options.filter;
    let locked_dirs = &mut walk.locked_dirs;
    let walker = walkdir::WalkDir::new(root)
        .follow_links(options.follow)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let name = e.file_name();
            let hidden = e.depth() > 0 && name.as_encoded_bytes().starts_with(b".");
            if hidden
                && name == crate::lock::LOCK_FILE
                && let Some(dir) = e.path().parent()
            {
                locked_dirs.push(dir.to_path_buf());
            }
            let is_skip = e.file_type().is_dir()
                && skip.is_some_and(|s| e.path().canonicalize().is_ok_and(|p| p == s));
            !hidden && !is_skip
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let dangling = e
                    .io_error()
                    .is_some_and(|io| io.kind() == ErrorKind::NotFound)
                    && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                if let Some(ancestor) = e.loop_ancestor() {
                    let shown = root
                        .parent()
                        .and_then(|p| ancestor.strip_prefix(p).ok())
                        .unwrap_or(ancestor);
                    walk.notes.push(WalkNote {
                        path,
                        message: format!(
                            "symlink loop (leads back to {}); not followed again",
                            crate::printable::path(shown)
                        ),
                    });
                } else if dangling {
                    let relative = slash_string(path.strip_prefix(root).unwrap_or(&path));
                    if filter.included(&relative) && !filter.excluded(&relative) {
                        walk.notes.push(WalkNote {
                            path,
                            message: "symlink to a missing target; skipped".into(),
                        });
                    }
                } else {
                    walk.errors.push(WalkError {
                        path,
                        message: format!(
                            "cannot read: {}",
                            e.io_error()
                                .map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    });
                }
                continue;
            }
        };
        let rel_path = entry
            .path()
            .strip_prefix(root)
            .unwrap_or(entry.path())
            .to_path_buf();
        let relative = slash_string(&rel_path);
        let wanted = || {
            let document = is_repository_document(&entry.file_name().to_string_lossy());
            !document && filter.included(&relative) && !filter.excluded(&relative)
        };
        let ft = entry.file_type();
        if ft.is_symlink() {
            // Only without --follow (with it, walkdir reports the target's type).
            let target = std::fs::metadata(entry.path());
            let worth_saying = match &target {
                Ok(m) if m.is_dir() => !filter.excluded(&relative),
                _ => wanted(),
            };
            if worth_saying {
                let what = match &target {
                    Ok(m) if m.is_dir() => "symlink to a folder",
                    Ok(_) => "symlink",
                    Err(_) => "symlink to a missing target",
                };
                walk.notes.push(WalkNote {
                    path: entry.path().to_path_buf(),
                    message: format!("{what}, not followed (--follow follows symlinks)"),
                });
            }
            continue;
        }
        if ft.is_dir() {
            continue;
        }
        if !ft.is_file() {
            if wanted() {
                walk.notes.push(WalkNote {
                    path: entry.path().to_path_buf(),
                    message: format!("not a regular file ({}); skipped", special_kind(ft)),
                });
            }
            continue;
        }
        if wanted() {
            walk.posts.push(Post {
                symlink: entry.path_is_symlink(),
                path: entry.into_path(),
                relative,
                rel_path,
                tree: tree.to_path_buf(),
                named: false,
            });
        }
    }
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
        let filter = Filter::default();
        let options = WalkOptions {
            filter: &filter,
            skip: Some(&p.join("out")),
            follow: false,
        };
        let walk = find_posts(&[p.to_path_buf()], options);
        assert!(walk.errors.is_empty());
        let posts = walk.posts;
        let rel: Vec<&str> = posts.iter().map(|p| p.relative.as_str()).collect();
        assert_eq!(rel, ["a/c.md", "a/readme-notes.md", "a/z.md", "b.md"]);
        // Named explicitly, a README is processed.
        let options = WalkOptions {
            skip: None,
            ..options
        };
        let walk = find_posts(&[p.join("README.md")], options);
        assert_eq!(walk.posts.len(), 1);
        assert!(walk.posts[0].named);
    }
}
