//! The report folder: which one may be written, clearing an earlier report, and writing files
//! only inside it.
//!
//! A report writes nothing but its folder. So the folder may not be a folder read, lie inside
//! one, or hold one (its `posts/` could then be an input's); a folder that is not empty must be
//! an earlier report (it holds [`MARKER`]) or be given with `--force`. An earlier report's own
//! files are removed before the new one is written, so no page of a post that no longer changes
//! survives; nothing else in the folder is touched. Files are written atomically, and never
//! through a symlink inside the folder.

use crate::atomic::{self, Attributes, DirError};
use crate::plan::canonical_lenient;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// The file that marks a folder as a postscrub report.
pub const MARKER: &str = ".postscrub-report";
/// What a report writes at the top of its folder (and removes when it is written again).
pub const OWN: &[&str] = &["index.html", "assets", "data", "posts", MARKER];

/// Why a folder is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotAFolder,
    IsInput(PathBuf),
    InsideInput(PathBuf),
    HoldsInput(PathBuf),
    /// Not empty, not an earlier report, and no `--force`.
    NotEmpty,
}

/// Decide whether `dir` may hold the report of `inputs` (files or folders, as walked).
pub fn check(dir: &Path, inputs: &[PathBuf], force: bool) -> Result<(), Refusal> {
    if let Ok(meta) = std::fs::metadata(dir)
        && !meta.is_dir()
    {
        return Err(Refusal::NotAFolder);
    }
    let out = canonical_lenient(dir);
    for input in inputs {
        let real = canonical_lenient(input);
        if real == out {
            return Err(Refusal::IsInput(input.clone()));
        }
        if input.is_dir() && out.starts_with(&real) {
            return Err(Refusal::InsideInput(input.clone()));
        }
        if real.starts_with(&out) {
            return Err(Refusal::HoldsInput(input.clone()));
        }
    }
    let is_report = dir.join(MARKER).is_file();
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(_) => true,
    };
    if !empty && !is_report && !force {
        return Err(Refusal::NotEmpty);
    }
    Ok(())
}

/// Create `dir` and remove an earlier report's files from it.
pub fn prepare(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    if !dir.join(MARKER).is_file() {
        return Ok(());
    }
    for own in OWN {
        let path = dir.join(own);
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(&path)?,
            Ok(_) => std::fs::remove_file(&path)?,
            Err(_) => {}
        }
    }
    Ok(())
}

/// Write `bytes` at `rel` (made by the report, `/`-separated) under `dir`, creating folders
/// below `dir` but never writing through a symlink there.
pub fn write(dir: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    let rel = Path::new(rel);
    if let Some(parent) = rel.parent()
        && !parent.as_os_str().is_empty()
    {
        match atomic::create_dirs_below(dir, parent) {
            Ok(()) => {}
            Err(DirError::Symlink(p)) => bail!(
                "{} is a symlink: the report does not write through symlinks",
                crate::printable::path(&p)
            ),
            Err(DirError::NotAFolder(p)) => {
                bail!("{} is a file, not a folder", crate::printable::path(&p))
            }
            Err(DirError::Io(p, e)) => bail!("cannot create {}: {e}", crate::printable::path(&p)),
        }
    }
    let target = dir.join(rel);
    atomic::write(
        &target,
        bytes,
        Attributes {
            mode: Some(0o644),
            ..Attributes::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", crate::printable::path(&target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_read_are_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let posts = tmp.path().join("posts");
        std::fs::create_dir_all(posts.join("sub")).unwrap();
        std::fs::write(posts.join("sub/a.md"), "x").unwrap();
        let inputs = [posts.clone()];
        assert_eq!(
            check(&posts, &inputs, true),
            Err(Refusal::IsInput(posts.clone()))
        );
        assert_eq!(
            check(&posts.join("sub/report"), &inputs, true),
            Err(Refusal::InsideInput(posts.clone()))
        );
        assert_eq!(
            check(tmp.path(), &inputs, true),
            Err(Refusal::HoldsInput(posts.clone()))
        );
        assert_eq!(check(&tmp.path().join("report"), &inputs, false), Ok(()));
        assert_eq!(
            check(&posts.join("sub/a.md"), &[], false),
            Err(Refusal::NotAFolder)
        );
    }

    #[test]
    fn a_folder_not_empty_needs_force_unless_it_is_a_report() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("r");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        assert_eq!(check(&dir, &[], false), Err(Refusal::NotEmpty));
        assert_eq!(check(&dir, &[], true), Ok(()));
        std::fs::write(dir.join(MARKER), "").unwrap();
        std::fs::create_dir(dir.join("posts")).unwrap();
        std::fs::write(dir.join("posts/000001.html"), "old").unwrap();
        assert_eq!(check(&dir, &[], false), Ok(()));
        prepare(&dir).unwrap();
        assert!(!dir.join("posts").exists(), "an earlier report's pages go");
        assert!(
            dir.join("notes.txt").exists(),
            "what is not the report's stays"
        );
    }

    #[test]
    fn writes_stay_inside_and_refuse_symlinks() {
        let tmp = tempfile::tempdir().unwrap();
        let (dir, elsewhere) = (tmp.path().join("r"), tmp.path().join("elsewhere"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        write(&dir, "posts/000001.html", b"page").unwrap();
        assert_eq!(
            std::fs::read(dir.join("posts/000001.html")).unwrap(),
            b"page"
        );
        std::os::unix::fs::symlink(&elsewhere, dir.join("data")).unwrap();
        assert!(write(&dir, "data/list-0001.js", b"x").is_err());
        assert!(!elsewhere.join("list-0001.js").exists());
    }
}
