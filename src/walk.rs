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
//!
//! What is not content is not walked: files ignored by `.gitignore`, `.ignore` or
//! `.git/info/exclude` (read with the `ignore` crate, the walker ripgrep uses), `node_modules/`,
//! and a site's scaffolds, themes, layouts and built output ([`SITE_FOLDERS`]). A folder named
//! on the command line is walked whatever its name.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

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
        .map_or(file_name, |(stem, _)| stem);
    REPOSITORY_DOCUMENTS
        .iter()
        .any(|d| stem.eq_ignore_ascii_case(d))
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

    /// A file named on the command line that is not content of the detected site is taken
    /// all the same when an include glob matches its path relative to the site root, or a
    /// trailing part of it (`--include README.md` takes `README.md` and `docs/README.md`).
    pub fn opts_in(&self, relative: &str) -> bool {
        let Some(set) = &self.include else {
            return false;
        };
        let parts: Vec<&str> = relative.split('/').collect();
        (0..parts.len()).any(|i| set.is_match(parts[i..].join("/")))
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
    /// Posts found and not handed over because the `select` of [`walk_selected`] left them
    /// out (another shard's).
    pub passed_over: usize,
}

/// How to walk.
#[derive(Debug, Clone, Copy)]
pub struct WalkOptions<'a> {
    pub filter: &'a Filter,
    /// A folder never walked into (the `--out` folder).
    pub skip: Option<&'a Path>,
    /// Follow symlinks met in the walk (`--follow`); loops are reported, not walked.
    pub follow: bool,
    /// The site's root, canonical: its [`SITE_FOLDERS`] are not walked. `None` (no site):
    /// those directly below each folder walked are not.
    pub site_root: Option<&'a Path>,
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
pub fn slash_string(rel: &Path) -> String {
    // Most paths are already that string: UTF-8, and no empty or `.` part for `components`
    // to drop. Taken as they are, without parsing them into parts (the walk does this for
    // every entry of the tree).
    if let Some(text) = rel.to_str()
        && text.split('/').all(|part| !part.is_empty() && part != ".")
    {
        return text.to_owned();
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Folders of a site that are not content: generator scaffolds, themes, layouts, archetypes and
/// built output. Never walked into when met directly below the site root (or, with no site,
/// directly below a folder given), unless named as a PATH: `scaffolds/post.md` is the template
/// of every new Hexo post, and rewriting it breaks them all.
pub const SITE_FOLDERS: &[&str] = &[
    "scaffolds",
    "themes",
    "layouts",
    "archetypes",
    "public",
    "_site",
];

/// Never walked into at any depth unless named: npm's packages are never posts.
pub const PACKAGE_FOLDER: &str = "node_modules";

/// One path to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// A file or folder, as given (joined to the current folder).
    pub path: PathBuf,
    /// What relative paths are taken from: the folder given (a site's content folders are
    /// walked with the site root, or the folder named, as base). `None`: the folder itself,
    /// or for a file the folder holding it.
    pub base: Option<PathBuf>,
}

impl Root {
    pub fn new(path: PathBuf) -> Root {
        Root { path, base: None }
    }
}

/// Every post under `roots`, sorted by path, plus the paths that could not be read and the
/// entries skipped on purpose. Files named directly are taken whatever their extension, unless
/// excluded; a named symlink is followed (it was asked for). Symlinks met in the walk are not
/// followed unless `follow`: each is reported as a note, never silently taken or dropped.
/// FIFOs, sockets and devices are never opened. Folders honour `.gitignore` (inside a Git
/// repository, as Git does), `.ignore` and `.git/info/exclude`.
pub fn find_posts(roots: &[Root], options: WalkOptions<'_>) -> Walk {
    let mut posts = Vec::new();
    let mut walk = walk_posts(roots, options, &mut |post| {
        posts.push(post);
        std::ops::ControlFlow::Continue(())
    });
    posts.sort();
    posts.dedup_by(|a, b| a.path == b.path);
    walk.posts = posts;
    walk
}

/// Walk `roots`, handing each post to `each` as it is found instead of keeping them: what a
/// run over a million posts needs to stay in bounded memory. Within one root the posts come
/// sorted by path (each folder's entries are sorted, and the walk is depth first); over
/// several roots, in the order of the roots. `each` can stop the walk. The returned `Walk`
/// holds the errors, notes and locked folders, and no posts.
pub fn walk_posts(
    roots: &[Root],
    options: WalkOptions<'_>,
    each: &mut dyn FnMut(Post) -> std::ops::ControlFlow<()>,
) -> Walk {
    walk_selected(roots, options, &|_, _| true, each)
}

/// [`walk_posts`], handing over only the posts `select` takes, given the post's path and its
/// relative path (as [`Post::path`] and [`Post::relative`]); the others are only counted
/// ([`Walk::passed_over`]). Deciding from the paths before the post is made spares a run of
/// one shard the work of making the posts of the others.
pub fn walk_selected(
    roots: &[Root],
    options: WalkOptions<'_>,
    select: &dyn Fn(&Path, &str) -> bool,
    each: &mut dyn FnMut(Post) -> std::ops::ControlFlow<()>,
) -> Walk {
    let filter = options.filter;
    let skip = options.skip.and_then(|s| s.canonicalize().ok());
    let mut walk = Walk::default();
    for Root { path: root, base } in roots {
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
            let relative = slash_string(&rel_path);
            if filter.explicitly_excluded(root) {
                continue;
            }
            if !select(root, &relative) {
                walk.passed_over += 1;
            } else {
                let post = Post {
                    path: root.clone(),
                    relative,
                    rel_path,
                    tree: parent
                        .canonicalize()
                        .unwrap_or_else(|_| parent.to_path_buf()),
                    named: true,
                    symlink: link,
                };
                if each(post).is_break() {
                    return walk;
                }
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
        let base = base.as_deref().unwrap_or(root);
        let found = Tree {
            root,
            base,
            canonical: &tree,
        };
        if walk_tree(found, skip.as_deref(), options, select, &mut walk, each).is_break() {
            return walk;
        }
    }
    walk
}

/// The parts of an error from the walk: the path, the ancestor a symlink loop leads back to,
/// and the I/O error.
fn error_parts(e: &ignore::Error) -> (Option<&Path>, Option<&Path>, Option<&std::io::Error>) {
    match e {
        ignore::Error::WithPath { path, err } => {
            let (inner, ancestor, io) = error_parts(err);
            (inner.or(Some(path.as_path())), ancestor, io)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_parts(err)
        }
        ignore::Error::Loop { ancestor, child } => (Some(child), Some(ancestor), None),
        ignore::Error::Io(io) => (None, None, Some(io)),
        ignore::Error::Partial(errors) => errors
            .first()
            .map_or((None, None, None), |first| error_parts(first)),
        _ => (None, None, None),
    }
}

/// A problem with a `.gitignore`, `.ignore` or `info/exclude` (a bad glob, an unreadable
/// file), not with a post: a warning, and the rest of the walk goes on.
fn is_ignore_file_problem(e: &ignore::Error) -> bool {
    match e {
        ignore::Error::Partial(_) | ignore::Error::Glob { .. } => true,
        ignore::Error::WithLineNumber { .. } => true,
        ignore::Error::WithPath { path, err } => {
            let name = path.file_name().and_then(|n| n.to_str());
            matches!(name, Some(".gitignore" | ".ignore" | "exclude"))
                || is_ignore_file_problem(err)
        }
        ignore::Error::WithDepth { err, .. } => is_ignore_file_problem(err),
        _ => false,
    }
}

/// An error's words without the paths the walker wraps it in (the message names the file).
fn without_paths(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            without_paths(err)
        }
        ignore::Error::Partial(errors) => errors
            .iter()
            .map(without_paths)
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

/// The walker of one folder: ignore files honoured, hidden entries, the `--out` folder and
/// the site's non-content folders left out, lock files noticed on the way.
fn walker(
    root: &Path,
    skip: Option<&Path>,
    options: WalkOptions<'_>,
    locked_dirs: &Arc<Mutex<Vec<PathBuf>>>,
) -> ignore::Walk {
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(false)
        .ignore(true)
        .git_ignore(true)
        .git_exclude(true)
        .parents(true)
        // As Git: a .gitignore means something inside a repository, and one above it (a
        // dotfiles `*` in the home folder) does not reach into it.
        .require_git(true)
        // The user's global excludes differ per machine; CI and a laptop must agree.
        .git_global(false)
        .follow_links(options.follow)
        // By file name. The entries sorted together are those of one folder, whose paths are
        // that folder's path joined with their names: comparing the paths' bytes orders them
        // as their names, without taking each name out of its path again for every comparison
        // (`sort_by_file_name` does, and that was most of the cost of walking a large folder).
        .sort_by_file_path(|a, b| {
            a.as_os_str()
                .as_encoded_bytes()
                .cmp(b.as_os_str().as_encoded_bytes())
        });
    let skip = skip.map(Path::to_path_buf);
    let site_root = options.site_root.map(Path::to_path_buf);
    let locked_dirs = Arc::clone(locked_dirs);
    builder.filter_entry(move |e| {
        let name = e.file_name();
        let hidden = e.depth() > 0 && name.as_encoded_bytes().starts_with(b".");
        if hidden
            && name == crate::lock::LOCK_FILE
            && let Some(dir) = e.path().parent()
            && let Ok(mut dirs) = locked_dirs.lock()
        {
            dirs.push(dir.to_path_buf());
        }
        if hidden {
            return false;
        }
        let is_dir = e.file_type().is_some_and(|t| t.is_dir());
        if !is_dir || e.depth() == 0 {
            return true;
        }
        if name == PACKAGE_FOLDER {
            return false;
        }
        if SITE_FOLDERS.iter().any(|f| name == *f) {
            let below_root = match &site_root {
                Some(site) => e
                    .path()
                    .parent()
                    .and_then(|p| p.canonicalize().ok())
                    .is_some_and(|p| &p == site),
                None => e.depth() == 1,
            };
            if below_root {
                return false;
            }
        }
        !skip
            .as_ref()
            .is_some_and(|s| e.path().canonicalize().is_ok_and(|p| &p == s))
    });
    builder.build()
}

/// One folder to walk: as given, what relative paths are taken from, and its canonical path.
#[derive(Clone, Copy)]
struct Tree<'a> {
    root: &'a Path,
    base: &'a Path,
    canonical: &'a Path,
}

/// The relative path of `path`, met in the walk of `root`, as [`slash_string`] of its path from
/// `base`: from the bytes after the root's when it can be (`root_rest` is the root's own
/// relative path), as the entries of a walk are the root's path joined with their names.
fn relative_in(path: &Path, tree: Tree<'_>, root_rest: Option<&str>) -> String {
    let root = tree.root.as_os_str().as_encoded_bytes();
    if let Some(rest) = root_rest
        && let Some(sub) = path.as_os_str().as_encoded_bytes().strip_prefix(root)
        && let Some(sub) = if root.ends_with(b"/") {
            Some(sub)
        } else {
            sub.strip_prefix(b"/")
        }
        && let Ok(sub) = std::str::from_utf8(sub)
        && sub.split('/').all(|part| !part.is_empty() && part != ".")
    {
        let mut relative = String::with_capacity(rest.len() + 1 + sub.len());
        if !rest.is_empty() {
            relative.push_str(rest);
            relative.push('/');
        }
        relative.push_str(sub);
        return relative;
    }
    slash_string(path.strip_prefix(tree.base).unwrap_or(path))
}

fn walk_tree(
    found: Tree<'_>,
    skip: Option<&Path>,
    options: WalkOptions<'_>,
    select: &dyn Fn(&Path, &str) -> bool,
    walk: &mut Walk,
    each: &mut dyn FnMut(Post) -> std::ops::ControlFlow<()>,
) -> std::ops::ControlFlow<()> {
    let Tree {
        root,
        base,
        canonical: tree,
    } = found;
    let root_rest = root.strip_prefix(base).ok().map(slash_string);
    let filter = options.filter;
    let locked_dirs = Arc::new(Mutex::new(Vec::new()));
    let mut flow = std::ops::ControlFlow::Continue(());
    for entry in walker(root, skip, options, &locked_dirs) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) if is_ignore_file_problem(&e) => {
                let (path, _, _) = error_parts(&e);
                walk.notes.push(WalkNote {
                    path: path.map_or_else(|| root.to_path_buf(), Path::to_path_buf),
                    message: format!(
                        "ignore file read only in part ({}); the rest of it applies",
                        without_paths(&e)
                    ),
                });
                continue;
            }
            Err(e) => {
                let (path, ancestor, io) = error_parts(&e);
                let path = path.map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let dangling = io.is_some_and(|io| io.kind() == ErrorKind::NotFound)
                    && std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                if let Some(ancestor) = ancestor {
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
                    let relative = slash_string(path.strip_prefix(base).unwrap_or(&path));
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
                            io.map_or_else(|| e.to_string(), ToString::to_string)
                        ),
                    });
                }
                continue;
            }
        };
        // An ignore file that could be read only in part (a bad glob in a .gitignore): the
        // rest of it applies, and the user hears of the part that does not.
        if let Some(e) = entry.error() {
            let (path, _, _) = error_parts(e);
            walk.notes.push(WalkNote {
                path: path.map_or_else(|| entry.path().to_path_buf(), Path::to_path_buf),
                message: format!(
                    "ignore file read only in part ({}); the rest of it applies",
                    without_paths(e)
                ),
            });
        }
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if ft.is_dir() && !ft.is_symlink() {
            continue;
        }
        let relative = relative_in(entry.path(), found, root_rest.as_deref());
        let wanted = || {
            let document = is_repository_document(&entry.file_name().to_string_lossy());
            !document && filter.included(&relative) && !filter.excluded(&relative)
        };
        if ft.is_symlink() {
            // Only without --follow (with it, the walk reports the target's type).
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
            if !select(entry.path(), &relative) {
                walk.passed_over += 1;
                continue;
            }
            let rel_path = entry
                .path()
                .strip_prefix(base)
                .unwrap_or(entry.path())
                .to_path_buf();
            let post = Post {
                symlink: entry.path_is_symlink(),
                path: entry.into_path(),
                relative,
                rel_path,
                tree: tree.to_path_buf(),
                named: false,
            };
            if each(post).is_break() {
                flow = std::ops::ControlFlow::Break(());
                break;
            }
        }
    }
    if let Ok(mut dirs) = locked_dirs.lock() {
        walk.locked_dirs.append(&mut dirs);
    }
    flow
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_tree::tree;

    /// What [`slash_string`] gives, part by part (its shortcut must agree).
    fn slash_string_by_parts(rel: &Path) -> String {
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn slash_string_shortcut_agrees_with_the_parts() {
        use std::os::unix::ffi::OsStrExt;
        let odd = std::ffi::OsStr::from_bytes(b"a/\xff\xfe/b.md");
        let mut paths: Vec<&Path> = [
            "a/b.md",
            "b.md",
            "./a/b.md",
            "a/./b.md",
            "a//b.md",
            "a/b/",
            "",
            ".",
            "..",
            "a/../b.md",
            "/abs/a.md",
            "ü/ñ.md",
            "a/.hidden/b.md",
            "./",
            "a/.",
        ]
        .iter()
        .map(Path::new)
        .collect();
        paths.push(Path::new(odd));
        for path in paths {
            assert_eq!(slash_string(path), slash_string_by_parts(path), "{path:?}");
        }
    }

    #[test]
    fn relative_in_agrees_with_the_parts() {
        let cases = [
            ("/s/source/_posts", "/s", "/s/source/_posts/f/x.md"),
            ("/s/source/_posts/", "/s", "/s/source/_posts/f/x.md"),
            (
                "/s/source/_posts",
                "/s/source/_posts",
                "/s/source/_posts/x.md",
            ),
            ("/s/./source", "/s", "/s/./source/x.md"),
            ("/s//source", "/s", "/s//source/a/x.md"),
            ("/s/source", "/elsewhere", "/s/source/x.md"),
            ("/s/source", "/s", "/s/source/a/ü.md"),
            ("/s/source", "/s", "/s/sourcex/a.md"),
        ];
        for (root, base, path) in cases {
            let (root, base, path) = (Path::new(root), Path::new(base), Path::new(path));
            let tree = Tree {
                root,
                base,
                canonical: root,
            };
            let root_rest = root.strip_prefix(base).ok().map(slash_string);
            let expected = slash_string_by_parts(path.strip_prefix(base).unwrap_or(path));
            assert_eq!(
                relative_in(path, tree, root_rest.as_deref()),
                expected,
                "{root:?} {base:?} {path:?}"
            );
        }
    }

    #[test]
    fn selected_posts_only_are_made_and_the_rest_counted() {
        let dir = tree(&["a/x.md", "a/y.md", "b/z.md", "n.txt"], "x");
        let p = dir.path();
        let filter = Filter::default();
        let options = WalkOptions {
            filter: &filter,
            skip: None,
            follow: false,
            site_root: None,
        };
        let mut seen = Vec::new();
        let walk = walk_selected(
            &[Root::new(p.to_path_buf())],
            options,
            &|path, relative| {
                assert_eq!(path, p.join(relative));
                relative != "a/y.md"
            },
            &mut |post| {
                seen.push(post.relative);
                std::ops::ControlFlow::Continue(())
            },
        );
        assert_eq!(seen, ["a/x.md", "b/z.md"]);
        assert_eq!(walk.passed_over, 1);
    }

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
        let dir = tree(
            &[
                "b.md",
                "a/z.md",
                "a/c.md",
                ".git/x.md",
                "out/o.md",
                "n.txt",
                "README.md",
                "a/CHANGELOG.md",
                "a/readme-notes.md",
            ],
            "x",
        );
        let p = dir.path();
        let filter = Filter::default();
        let options = WalkOptions {
            filter: &filter,
            skip: Some(&p.join("out")),
            follow: false,
            site_root: None,
        };
        let walk = find_posts(&[Root::new(p.to_path_buf())], options);
        assert!(walk.errors.is_empty());
        let posts = walk.posts;
        let rel: Vec<&str> = posts.iter().map(|p| p.relative.as_str()).collect();
        assert_eq!(rel, ["a/c.md", "a/readme-notes.md", "a/z.md", "b.md"]);
        // Named explicitly, a README is processed.
        let options = WalkOptions {
            skip: None,
            ..options
        };
        let walk = find_posts(&[Root::new(p.join("README.md"))], options);
        assert_eq!(walk.posts.len(), 1);
        assert!(walk.posts[0].named);
    }
}
