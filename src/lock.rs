//! One writer per output root: a lock file, created exclusively, removed when the run ends.
//!
//! Two `--in-place` runs on one folder with `.html` pages each decide "`p.md` is free, convert
//! `p.html` into it and remove `p.html`", interleaved, and leave both files. A re-check before
//! each rename would narrow that window, not close it (check and rename are two steps, and a
//! rename onto an existing `.md` succeeds silently). So a run that writes takes
//! `.postscrub.lock` in each folder it writes under (`File::create_new`, atomic on every local
//! file system), holding its pid. A second run stops with a message naming the holder. A lock
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

/// Take the lock of `root` (a folder that exists).
pub fn acquire(root: &Path) -> Result<Lock, String> {
    let path = root.join(LOCK_FILE);
    for _ in 0..2 {
        match fs::File::create_new(&path) {
            Ok(mut f) => {
                let _ = writeln!(f, "{}", std::process::id());
                return Ok(Lock { path });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                let holder = fs::read_to_string(&path)
                    .ok()
                    .and_then(|s| s.trim().parse::<u32>().ok());
                match holder {
                    Some(pid) if pid != std::process::id() && process_alive(pid) => {
                        return Err(format!(
                            "another postscrub run (pid {pid}) is writing here ({}); wait for it to finish, or remove the file if no postscrub is running",
                            crate::printable::path(&path)
                        ));
                    }
                    // Stale (its run was killed) or unreadable half-written: take it over.
                    _ => {
                        let _ = fs::remove_file(&path);
                    }
                }
            }
            Err(e) => {
                return Err(format!(
                    "cannot create the lock file {}: {e}",
                    crate::printable::path(&path)
                ));
            }
        }
    }
    Err(format!(
        "cannot take the lock file {} (another run keeps recreating it); try again",
        crate::printable::path(&path)
    ))
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
