//! One writer per output root: a lock file, created exclusively, removed when the run ends.
//!
//! Two `--in-place` runs on one folder with `.html` pages each decide "`p.md` is free, convert
//! `p.html` into it and remove `p.html`", interleaved, and leave both files. A re-check before
//! each rename would narrow that window, not close it (check and rename are two steps, and a
//! rename onto an existing `.md` succeeds silently). So a run that writes takes
//! `.postscrub.lock` in each folder it writes under (created with its pid in it by a hard link,
//! which fails atomically when the lock exists, on every local file system). A second run stops with a message naming the holder. A lock
//! left by a killed run (kill -9, power loss) is stale when its pid is no longer a running
//! postscrub, and is taken over.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Name of the lock file in an output root.
pub const LOCK_FILE: &str = ".postscrub.lock";

/// A held lock; dropping it removes the file.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether process `pid` is alive and (where the system says) a postscrub. Without `/proc`
/// every pid counts as alive: a stale lock is then removed by hand, never a live one by us.
pub fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    let dir = proc.join(pid.to_string());
    if !dir.exists() {
        return false;
    }
    // A reused pid that now belongs to another program does not hold our lock.
    match fs::read_to_string(dir.join("comm")) {
        Ok(comm) => comm.trim().starts_with("postscrub"),
        Err(_) => true,
    }
}

/// Why a lock could not be taken.
#[derive(Debug)]
pub enum LockError {
    /// A running postscrub holds it.
    Held(u32),
    Io(io::Error),
}

/// Take the lock of `root` (a folder that exists).
pub fn acquire(root: &Path) -> Result<Lock, LockError> {
    let path = root.join(LOCK_FILE);
    // The lock appears with its pid already in it (written aside, then hard-linked into
    // place, which fails if the lock exists), so no run ever reads a half-made lock.
    let pid = std::process::id();
    let aside = root.join(format!("{LOCK_FILE}.{pid}"));
    fs::File::create(&aside)
        .and_then(|mut f| writeln!(f, "{pid}"))
        .map_err(LockError::Io)?;
    let result = link_lock(&aside, &path);
    let _ = fs::remove_file(&aside);
    result
}

fn link_lock(aside: &Path, path: &Path) -> Result<Lock, LockError> {
    let mut last = None;
    for _ in 0..3 {
        match fs::hard_link(aside, path) {
            Ok(()) => {
                return Ok(Lock {
                    path: path.to_path_buf(),
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(path)
                    .ok()
                    .and_then(|s| s.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if pid != std::process::id() && process_alive(pid) => {
                        return Err(LockError::Held(pid));
                    }
                    // Stale: its run was killed. (Two runs taking over one stale lock at the
                    // same instant could both succeed; that needs a kill and two starts
                    // within microseconds.)
                    _ => {
                        let _ = fs::remove_file(path);
                        last = Some(e);
                    }
                }
            }
            Err(e) => return Err(LockError::Io(e)),
        }
    }
    Err(LockError::Io(last.unwrap_or_else(|| {
        io::Error::other("the lock file keeps reappearing")
    })))
}

/// A live lock in `dir` held by another run, if any (for checking the folders above and below
/// the one this run locks).
pub fn held_by_other(dir: &Path) -> Option<u32> {
    let pid = fs::read_to_string(dir.join(LOCK_FILE))
        .ok()?
        .trim()
        .parse::<u32>()
        .ok()?;
    (pid != std::process::id() && process_alive(pid)).then_some(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_is_refused_and_stale_lock_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let lock = acquire(dir.path()).unwrap();
        assert!(dir.path().join(LOCK_FILE).exists());
        // Our own pid in the file: taken over (a previous process with our pid is gone).
        drop(lock);
        assert!(!dir.path().join(LOCK_FILE).exists());
        // A dead pid: stale.
        fs::write(dir.path().join(LOCK_FILE), "4194304\n").unwrap();
        let lock = acquire(dir.path()).unwrap();
        drop(lock);
    }
}
