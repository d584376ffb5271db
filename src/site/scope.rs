//! What a run walks, given the paths on the command line and the site: only content.
//!
//! - No PATH: the site's content folders (relative paths from the site root, so `--out`
//!   mirrors `source/_posts/…` and two content folders cannot collide), or the current folder
//!   when it is inside one of them, or with no site the current folder.
//! - A folder that holds content folders (the site root, Hexo's `source/`): those content
//!   folders, with relative paths from the folder named. `postscrub check .` at the root of a
//!   site reads the posts, as `postscrub check` does.
//! - A folder inside a content folder, or outside the site, or any other folder named
//!   (`themes/x`): walked, since it was named.
//! - A file inside the site root but in no content folder (the pre-commit hook names
//!   `README.md`, `CHANGELOG.md`, `themes/x/README.md` …): skipped and reported, unless an
//!   `include` glob (flag or config) matches its path from the site root or a trailing part of
//!   it, or `site.content` lists a folder holding it. Files outside the site are taken as
//!   named.

use super::Site;
use crate::plan::canonical_lenient;
use crate::walk::{Filter, Root};
use std::path::{Path, PathBuf};

/// What to walk, and the named files left out as not content.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scope {
    pub roots: Vec<Root>,
    /// Files named on the command line that are not content of the site, in the order given.
    pub not_content: Vec<PathBuf>,
}

/// The roots to walk for `paths` (already joined to `cwd`; empty: none given).
pub fn plan(paths: &[PathBuf], site: Option<&Site>, cwd: &Path, filter: &Filter) -> Scope {
    let mut scope = Scope::default();
    let Some(site) = site else {
        scope.roots = if paths.is_empty() {
            vec![Root::new(cwd.join("."))]
        } else {
            paths.iter().cloned().map(Root::new).collect()
        };
        return scope;
    };
    let root = canonical_lenient(&site.root);
    let content: Vec<(PathBuf, &PathBuf)> = site
        .existing_content()
        .map(|c| (canonical_lenient(c), c))
        .collect();
    let in_content = |p: &Path| content.iter().any(|(c, _)| p.starts_with(c));

    if paths.is_empty() {
        if in_content(&canonical_lenient(cwd)) {
            scope.roots.push(Root::new(cwd.join(".")));
        } else {
            scope.roots = content
                .iter()
                .map(|(_, c)| Root {
                    path: (*c).clone(),
                    base: Some(site.root.clone()),
                })
                .collect();
        }
        return scope;
    }

    for path in paths {
        let is_file = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let is_dir = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
        if is_file {
            // Where the name is, not where a symlink leads: the hook names repository paths.
            let real = match (path.parent(), path.file_name()) {
                (Some(parent), Some(name)) => canonical_lenient(parent).join(name),
                _ => canonical_lenient(path),
            };
            let inside_site = real.starts_with(&root);
            if inside_site && !in_content(&real) {
                let relative = real
                    .strip_prefix(&root)
                    .unwrap_or(&real)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if !filter.opts_in(&relative) {
                    scope.not_content.push(path.clone());
                    continue;
                }
            }
            scope.roots.push(Root::new(path.clone()));
        } else if is_dir {
            let real = canonical_lenient(path);
            let below: Vec<&(PathBuf, &PathBuf)> = content
                .iter()
                .filter(|(c, _)| c.starts_with(&real) && *c != real)
                .collect();
            if in_content(&real) || below.is_empty() {
                scope.roots.push(Root::new(path.clone()));
            } else {
                for (c, _) in below {
                    let rel = c.strip_prefix(&real).unwrap_or(c);
                    scope.roots.push(Root {
                        path: path.join(rel),
                        base: Some(path.clone()),
                    });
                }
            }
        } else {
            // Missing, a FIFO, a device: the walk reports it.
            scope.roots.push(Root::new(path.clone()));
        }
    }
    scope
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::detect_at;

    fn hexo() -> tempfile::TempDir {
        crate::test_tree::tree(
            &[
                "_config.yml",
                "README.md",
                "source/_posts/a.md",
                "source/about/index.md",
                "themes/x/README.md",
            ],
            "",
        )
    }

    #[test]
    fn no_path_walks_content_from_the_root_or_the_folder_inside_it() {
        let d = hexo();
        let root = d.path().canonicalize().unwrap();
        let site = detect_at(&root).unwrap().unwrap();
        let f = Filter::default();
        let s = plan(&[], Some(&site), &root.join("themes"), &f);
        assert_eq!(
            s.roots,
            [Root {
                path: root.join("source/_posts"),
                base: Some(root.clone())
            }]
        );
        let inside = root.join("source/_posts");
        let s = plan(&[], Some(&site), &inside, &f);
        assert_eq!(s.roots, [Root::new(inside.join("."))]);
    }

    #[test]
    fn a_folder_holding_content_is_narrowed_to_it() {
        let d = hexo();
        let root = d.path().canonicalize().unwrap();
        let site = detect_at(&root).unwrap().unwrap();
        let f = Filter::default();
        let s = plan(&[root.join(".")], Some(&site), &root, &f);
        assert_eq!(
            s.roots,
            [Root {
                path: root.join("./source/_posts"),
                base: Some(root.join("."))
            }]
        );
        let s = plan(&[root.join("themes")], Some(&site), &root, &f);
        assert_eq!(s.roots, [Root::new(root.join("themes"))]);
    }

    #[test]
    fn named_files_outside_content_are_left_out_unless_included() {
        let d = hexo();
        let root = d.path().canonicalize().unwrap();
        let site = detect_at(&root).unwrap().unwrap();
        let named = [
            root.join("README.md"),
            root.join("themes/x/README.md"),
            root.join("source/_posts/a.md"),
            root.join("source/about/index.md"),
        ];
        let s = plan(&named, Some(&site), &root, &Filter::default());
        assert_eq!(s.roots, [Root::new(root.join("source/_posts/a.md"))]);
        assert_eq!(
            s.not_content,
            [named[0].clone(), named[1].clone(), named[3].clone()]
        );
        let f = Filter::new(&["about/*.md".into()], &[], false).unwrap();
        let s = plan(&named, Some(&site), &root, &f);
        assert_eq!(s.not_content, [named[0].clone(), named[1].clone()]);
        // Outside the site, a file is taken as named.
        let other = tempfile::tempdir().unwrap();
        let outside = other.path().join("README.md");
        std::fs::write(&outside, "").unwrap();
        let s = plan(
            std::slice::from_ref(&outside),
            Some(&site),
            &root,
            &Filter::default(),
        );
        assert_eq!(s.roots, [Root::new(outside)]);
    }
}
