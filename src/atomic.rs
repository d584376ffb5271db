//! Atomic writes: a temporary file in the target's folder, renamed over the target.
//!
//! The target is always either the old file or the new one, whatever kills the run. The new
//! file gets the permission bits it should have (the input's, not a temp file's 0600), and
//! `--in-place` keeps the owner where the system lets it. Temporary files are named
//! `.postscrub-tmp-<pid>-<n>-<name>`, so a later run can tell its own from a killed run's and
//! remove the stale ones ([`sweep`]): the walk never sees them (they are hidden), so nothing
//! else would.
//!
//! What a rename cannot keep: hard links (the name now points to a new inode; other links keep
//! the old content), extended attributes and ACLs (not copied), the inode number, and the owner
//! when the user running postscrub may not give files away.

use crate::lock::process_alive;
use std::ffi::{OsStr, OsString};
use std::fs::{self, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// Prefix of every temporary file postscrub creates.
pub const TEMP_PREFIX: &str = ".postscrub-tmp-";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// What the written file should look like besides its bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attributes {
    /// Permission bits (`st_mode & 0o777`); `None` leaves the default of a new file.
    pub mode: Option<u32>,
    /// Owner and group to give the file; a refusal (EPERM) is ignored.
    pub owner: Option<(u32, u32)>,
    /// Flush the data to disk before the rename (for `--in-place`: even a power loss then
    /// cannot leave an empty file where a post was).
    pub durable: bool,
}

impl Attributes {
    /// The permission bits and owner of an existing file.
    pub fn of(meta: &fs::Metadata) -> Attributes {
        Attributes {
            mode: Some(meta.mode() & 0o777),
            owner: Some((meta.uid(), meta.gid())),
            durable: false,
        }
    }
}

fn temp_name(target_name: &OsStr) -> OsString {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut name = OsString::from(format!("{TEMP_PREFIX}{}-{n}-", std::process::id()));
    // Keep the name short enough for the file system (255 bytes on most).
    let bytes = target_name.as_bytes();
    name.push(OsStr::from_bytes(&bytes[..bytes.len().min(200)]));
    name
}

/// Write `bytes` to `target` atomically. The folder must exist.
pub fn write(target: &Path, bytes: &[u8], attrs: Attributes) -> io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = target.file_name().ok_or_else(|| {
        io::Error::new(io::ErrorKind::InvalidInput, "the target has no file name")
    })?;
    let tmp = dir.join(temp_name(name));
    let result = write_temp(&tmp, bytes, attrs).and_then(|()| fs::rename(&tmp, target));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_temp(tmp: &Path, bytes: &[u8], attrs: Attributes) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(tmp)?;
    file.write_all(bytes)?;
    if let Some((uid, gid)) = attrs.owner {
        let meta = file.metadata()?;
        if (meta.uid(), meta.gid()) != (uid, gid) {
            // Only root (or the owner, for a group it is in) may; otherwise keep ours.
            match std::os::unix::fs::fchown(&file, Some(uid), Some(gid)) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                    let _ = std::os::unix::fs::fchown(&file, None, Some(gid));
                }
                Err(e) => return Err(e),
            }
        }
    }
    // After chown, which may clear set-id bits; umask does not apply to fchmod.
    if let Some(mode) = attrs.mode {
        file.set_permissions(Permissions::from_mode(mode))?;
    }
    if attrs.durable {
        file.sync_all()?;
    }
    Ok(())
}

/// Why a folder under `--out` cannot be written into.
#[derive(Debug)]
pub enum DirError {
    /// This part is a symlink: writing through it would write outside `--out`.
    Symlink(PathBuf),
    /// This part is a file, not a folder.
    NotAFolder(PathBuf),
    Io(PathBuf, io::Error),
}

/// Create the folders of `rel` below `base` (the `--out` folder, which exists), one part at a
/// time, refusing any part that is a symlink or a file.
pub fn create_dirs_below(base: &Path, rel: &Path) -> Result<(), DirError> {
    let mut dir = base.to_path_buf();
    for part in rel.components() {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => return Err(DirError::Symlink(dir)),
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(DirError::NotAFolder(dir)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&dir) {
                Ok(()) => {}
                // Made by another thread meanwhile: check what it is.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    match fs::symlink_metadata(&dir) {
                        Ok(m) if m.is_dir() => {}
                        _ => return Err(DirError::NotAFolder(dir)),
                    }
                }
                Err(e) => return Err(DirError::Io(dir, e)),
            },
            Err(e) => return Err(DirError::Io(dir, e)),
        }
    }
    Ok(())
}

/// The pid in a temp file name `.postscrub-tmp-<pid>-<n>-<name>`, or in the name of a lock
/// being made, `.postscrub.lock.<pid>`.
fn temp_pid(name: &OsStr) -> Option<u32> {
    let bytes = name.as_bytes();
    if let Some(pid) = bytes
        .strip_prefix(crate::lock::LOCK_FILE.as_bytes())
        .and_then(|rest| rest.strip_prefix(b"."))
    {
        return std::str::from_utf8(pid).ok()?.parse().ok();
    }
    let rest = bytes.strip_prefix(TEMP_PREFIX.as_bytes())?;
    let end = rest.iter().position(|b| *b == b'-')?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

/// Whether `name` is a temp file left by an older postscrub (random names, before pids).
fn legacy_temp(name: &OsStr) -> bool {
    let b = name.as_bytes();
    b.starts_with(b".postscrub-") && b.ends_with(b".tmp") && !b.starts_with(TEMP_PREFIX.as_bytes())
}

/// Remove the temp files in `dir` that a killed run left: those of a pid that is no longer a
/// running postscrub, and our own pid's only when older than this run (a previous process had
/// it). Temp files of a concurrent run are kept. Returns the files removed.
pub fn sweep(dir: &Path, run_start: SystemTime) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return removed;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let older = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|t| t < run_start)
        };
        let stale = match temp_pid(&name) {
            Some(pid) if pid == std::process::id() => older(),
            Some(pid) => !process_alive(pid),
            None => legacy_temp(&name) && older(),
        };
        if stale
            && entry.file_type().is_ok_and(|t| t.is_file())
            && fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_file_gets_the_mode_asked_and_no_temp_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.md");
        let attrs = Attributes {
            mode: Some(0o640),
            ..Attributes::default()
        };
        write(&target, b"x", attrs).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"x");
        let mode = fs::metadata(&target).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn sweep_removes_dead_runs_temps_and_keeps_live_ones() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join(".postscrub-tmp-4194304-0-a.md"), "dead").unwrap();
        fs::write(d.join(".postscrub-abc123.tmp"), "legacy").unwrap();
        fs::write(d.join(".postscrub-tmp-notapid"), "other").unwrap();
        fs::write(d.join("post.md"), "post").unwrap();
        let mine = d.join(format!(".postscrub-tmp-{}-99-b.md", std::process::id()));
        let start = SystemTime::now() - std::time::Duration::from_secs(3600);
        fs::write(&mine, "in flight").unwrap();
        let removed = sweep(d, start);
        assert_eq!(removed, [d.join(".postscrub-tmp-4194304-0-a.md")]);
        assert!(mine.exists(), "a temp file of this run is not stale");
        assert!(
            d.join(".postscrub-abc123.tmp").exists(),
            "newer than the run"
        );
        // Files older than the run: a previous process with our pid, and the legacy name.
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        assert_eq!(sweep(d, later).len(), 2);
        assert!(d.join("post.md").exists());
        assert!(d.join(".postscrub-tmp-notapid").exists());
        assert_eq!(temp_pid(OsStr::new(".postscrub-tmp-12-3-x.md")), Some(12));
        assert_eq!(temp_pid(OsStr::new(".postscrub.lock.12")), Some(12));
        assert_eq!(temp_pid(OsStr::new(".postscrub.lock")), None);
    }
}
