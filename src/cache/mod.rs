//! The result cache: what a post's transformation gave, stored under a key made of everything
//! that decides it, so a run that meets the same post again does not convert it again.
//!
//! A post's transformation is a pure function of its bytes, its path (for `when.path`), the
//! rules and the options. The key is a BLAKE3 hash of all of them plus the postscrub build
//! (version, and the size and modification time of the executable, so a rebuilt binary never
//! reads what an older one wrote). Any change to any part is a miss.
//!
//! Like ruff's `.ruff_cache`, the cache is a folder (`.postscrub_cache/` beside the config file
//! or at the site root) holding its own `.gitignore` and a `CACHEDIR.TAG`. Each entry is one
//! file named by its key, under a folder per postscrub version and one of 256 buckets:
//!
//! - **Never a wrong result.** Every entry carries its key, its length and a hash of its
//!   payload ([`entry`]): a file that is half written, torn by a crash, truncated, corrupted or
//!   copied under another key fails the checks, and is a miss, then replaced.
//! - **Safe under concurrent runs without locks.** An entry is created exclusively and never
//!   changed; two runs that write the same key write the same bytes, so whichever comes second
//!   finds it there. A reader that meets an entry being written sees a short file: a miss.
//! - **Bounded.** A run that wrote entries estimates the cache's size from a few buckets; over
//!   the bound, the least recently used entries go (a hit refreshes an entry's time at most once
//!   an hour) until it is back under three quarters of it.
//! - **Not through symlinks.** A cache folder, version folder or bucket that is a symlink is not
//!   used: the run goes on without the cache, with a warning.

pub mod entry;

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The default bound on the cache's size on disk.
pub const DEFAULT_MAX_SIZE: u64 = 512 * 1024 * 1024;
/// The cache folder's name where none is given.
pub const FOLDER: &str = ".postscrub_cache";

const GITIGNORE: &str =
    "# Automatically created by postscrub: the result cache is not source.\n*\n";
const CACHEDIR_TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by postscrub.\n# For information about cache directory tags see https://bford.info/cachedir/\n";
const BUCKETS: usize = 256;
/// Buckets read to estimate the size; below `SAMPLE_MIN_ENTRIES` in them, all are read.
const SAMPLE_BUCKETS: usize = 8;
const SAMPLE_MIN_ENTRIES: u64 = 256;
/// A hit refreshes its entry's time (for least-recently-used pruning) at most this often.
const TOUCH_AFTER: Duration = Duration::from_secs(3600);

/// What a lookup found.
#[derive(Debug)]
pub enum Lookup<T> {
    Hit(T),
    Missing,
    /// There, but torn, truncated, corrupted or not for this key: a miss, to be replaced.
    Unreadable,
}

/// An entry's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key([u8; 32]);

impl Key {
    fn hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for b in self.0 {
            hex.push(char::from(DIGITS[usize::from(b >> 4)]));
            hex.push(char::from(DIGITS[usize::from(b & 15)]));
        }
        hex
    }
}

/// What a run did with the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub hits: u64,
    pub misses: u64,
    /// Entries that were there but could not be used (torn, corrupt, foreign): also misses.
    pub unreadable: u64,
    pub written: u64,
    /// Entries removed to stay within the bound.
    pub pruned: u64,
}

/// The cache of one run.
#[derive(Debug)]
pub struct Cache {
    root: PathBuf,
    /// `root/<version>`: this build's entries.
    entries: PathBuf,
    /// What every key of this run starts from (build, rules, options).
    run: [u8; 32],
    max_size: u64,
    hits: AtomicU64,
    misses: AtomicU64,
    unreadable: AtomicU64,
    written: AtomicU64,
    /// Buckets known to exist, so a write does not look for its folder every time.
    buckets_made: Vec<AtomicBool>,
}

/// Why the cache cannot be used this run (the run goes on without it).
#[derive(Debug)]
pub struct Unusable(pub String);

impl Cache {
    /// Open (and create) the cache at `root` for a run whose rules and options hash to `run`.
    pub fn open(root: &Path, run: [u8; 32], max_size: u64) -> Result<Cache, Unusable> {
        let version = env!("CARGO_PKG_VERSION");
        let entries = root.join(version);
        let shown = |p: &Path| p.display().to_string();
        create_dir_no_symlink(root).map_err(|e| Unusable(format!("{}: {e}", shown(root))))?;
        for (name, text) in [(".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)] {
            let path = root.join(name);
            if std::fs::symlink_metadata(&path).is_err() {
                write_atomic(&path, text.as_bytes(), 0)
                    .map_err(|e| Unusable(format!("{}: {e}", shown(&path))))?;
            }
        }
        create_dir_no_symlink(&entries)
            .map_err(|e| Unusable(format!("{}: {e}", shown(&entries))))?;
        let mut h = blake3::Hasher::new();
        h.update(b"postscrub ");
        h.update(version.as_bytes());
        h.update(&build_identity());
        h.update(&run);
        Ok(Cache {
            root: root.to_path_buf(),
            entries,
            run: *h.finalize().as_bytes(),
            max_size,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            unreadable: AtomicU64::new(0),
            written: AtomicU64::new(0),
            buckets_made: (0..BUCKETS).map(|_| AtomicBool::new(false)).collect(),
        })
    }

    /// The cache folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The key of one post: what is asked of it (`kind`), the path its rules see, its bytes.
    pub fn key(&self, kind: &str, rule_path: &str, bytes: &[u8]) -> Key {
        let mut h = blake3::Hasher::new();
        h.update(&self.run);
        for part in [kind.as_bytes(), rule_path.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        h.update(bytes);
        Key(*h.finalize().as_bytes())
    }

    fn path_of(&self, key: &Key) -> PathBuf {
        let hex = key.hex();
        let mut path = PathBuf::with_capacity(self.entries.as_os_str().len() + 68);
        path.push(&self.entries);
        path.push(&hex[..2]);
        path.push(&hex[2..]);
        path
    }

    /// The entry for `key`, if there is a usable one.
    pub fn get<T: DeserializeOwned>(&self, key: &Key) -> Lookup<T> {
        let path = self.path_of(key);
        let Some((bytes, modified, file)) = read_entry(&path) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return Lookup::Missing;
        };
        match entry::decode(&key.0, &bytes) {
            Ok(value) => {
                self.hits.fetch_add(1, Ordering::Relaxed);
                touch(&file, modified);
                Lookup::Hit(value)
            }
            Err(_) => {
                self.misses.fetch_add(1, Ordering::Relaxed);
                self.unreadable.fetch_add(1, Ordering::Relaxed);
                Lookup::Unreadable
            }
        }
    }

    /// Store `value` under `key`; `replace`: over an entry that could not be read. A failure
    /// to write only costs a later miss.
    ///
    /// The entry is created exclusively under its own name and written once; it is not renamed
    /// into place (a rename costs four times a create on ext4). A reader that meets it half
    /// written, or torn by a crash, fails its length and hash checks: a miss, and it replaces it.
    /// Two runs that write one key write the same bytes, so the second just finds it there.
    pub fn put<T: Serialize>(&self, key: &Key, value: &T, replace: bool) {
        let path = self.path_of(key);
        let Some(bucket) = path.parent() else { return };
        let index = usize::from(key.0[0]);
        if !self.buckets_made[index].load(Ordering::Relaxed) {
            if create_dir_no_symlink(bucket).is_err() {
                return;
            }
            self.buckets_made[index].store(true, Ordering::Relaxed);
        }
        if replace {
            let _ = std::fs::remove_file(&path);
        }
        let bytes = entry::encode(&key.0, value);
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| file.write_all(&bytes));
        match written {
            Ok(()) => {
                self.written.fetch_add(1, Ordering::Relaxed);
            }
            // Written meanwhile by another run: the same bytes.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            // Half written (a full disk): nobody may read that as more than a miss, but
            // better gone.
            Err(_) => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    /// Keep the cache within its bound, then say what the run did with it.
    pub fn finish(&self) -> Stats {
        let mut stats = Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            unreadable: self.unreadable.load(Ordering::Relaxed),
            written: self.written.load(Ordering::Relaxed),
            pruned: 0,
        };
        if stats.written > 0 {
            stats.pruned = prune(&self.root, self.max_size);
        }
        stats
    }
}

/// What identifies the running executable: its size and modification time. A rebuilt or
/// reinstalled binary has other keys, so a cache never outlives the code that wrote it.
fn build_identity() -> Vec<u8> {
    let meta = std::env::current_exe().and_then(std::fs::metadata);
    match meta {
        Ok(meta) => {
            let mtime = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let mut v = meta.len().to_le_bytes().to_vec();
            v.extend_from_slice(&mtime.to_le_bytes());
            v
        }
        // Unknown: a key no other run can have, so nothing stale is ever read.
        Err(_) => std::process::id().to_le_bytes().to_vec(),
    }
}

/// Create `dir` (and its parents) unless it exists; a symlink where a folder should be is an
/// error, so nothing is written through it.
fn create_dir_no_symlink(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Err(io::Error::other(
            "is a symlink: postscrub does not write its cache through symlinks (remove it, or give --cache-dir)",
        )),
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::other("is not a folder")),
        Err(_) => match std::fs::create_dir_all(dir) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(e),
        },
    }
}

/// Write a file whole or not at all: a temporary file in the same folder, renamed into place.
fn write_atomic(path: &Path, bytes: &[u8], n: u64) -> io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = path.with_file_name(format!(".tmp-{}-{n}-{name}", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// An entry's bytes, its modification time and the open file (to refresh that time): one
/// open, one `fstat` and one read of the length `fstat` gave. A file that grows meanwhile is
/// read short, which its header's length check turns into a miss.
fn read_entry(path: &Path) -> Option<(Vec<u8>, Option<SystemTime>, std::fs::File)> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).ok()?);
    // `take` stops at the length: no second read to find the end.
    (&file).take(meta.len()).read_to_end(&mut bytes).ok()?;
    Some((bytes, meta.modified().ok(), file))
}

/// Refresh an entry's time if it is older than `TOUCH_AFTER` (least recently used = oldest).
fn touch(file: &std::fs::File, modified: Option<SystemTime>) {
    let now = SystemTime::now();
    let old = modified.is_some_and(|t| now.duration_since(t).is_ok_and(|age| age > TOUCH_AFTER));
    if old {
        let _ = file.set_modified(now);
    }
}

/// One file in a bucket.
struct Found {
    path: PathBuf,
    bytes: u64,
    modified: SystemTime,
}

/// The files of one bucket folder.
fn bucket_files(dir: &Path) -> Vec<Found> {
    use std::os::unix::fs::MetadataExt;
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for item in read.flatten() {
        let Ok(meta) = item.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        // What the file takes on disk (whole blocks), not only its length.
        let bytes = (meta.blocks() * 512).max(meta.len());
        found.push(Found {
            path: item.path(),
            bytes,
            modified,
        });
    }
    found
}

/// Every bucket folder of every version folder under `root`.
fn buckets(root: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    let Ok(versions) = std::fs::read_dir(root) else {
        return all;
    };
    let mut versions: Vec<PathBuf> = versions
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .collect();
    versions.sort();
    for version in versions {
        for b in 0..BUCKETS {
            all.push(version.join(format!("{b:02x}")));
        }
    }
    // Only real folders: pruning through a planted symlink would delete files elsewhere.
    all.retain(|dir| std::fs::symlink_metadata(dir).map_or(true, |m| m.file_type().is_dir()));
    all
}

/// Bring the cache under `max_size` if it is over it; returns how many entries were removed.
/// The size is estimated from a sample of buckets (keys spread evenly over them), so a run
/// that wrote a few entries into a large cache does not read every bucket.
pub fn prune(root: &Path, max_size: u64) -> u64 {
    let all = buckets(root);
    if all.is_empty() {
        return 0;
    }
    let sample: Vec<&PathBuf> = all
        .iter()
        .step_by((all.len() / SAMPLE_BUCKETS).max(1))
        .collect();
    let (mut entries, mut bytes) = (0u64, 0u64);
    for dir in &sample {
        let files = bucket_files(dir);
        entries += files.len() as u64;
        bytes += files.iter().map(|f| f.bytes).sum::<u64>();
    }
    if entries < SAMPLE_MIN_ENTRIES {
        // A small cache: read it all, and drop the oldest entries first.
        let mut files: Vec<Found> = all.iter().flat_map(|dir| bucket_files(dir)).collect();
        let mut total: u64 = files.iter().map(|f| f.bytes).sum();
        if total <= max_size {
            return 0;
        }
        files.sort_by_key(|f| f.modified);
        return remove_oldest(files, &mut total, max_size / 4 * 3);
    }
    let estimate = bytes * all.len() as u64 / sample.len() as u64;
    if estimate <= max_size {
        return 0;
    }
    // A large cache: each bucket keeps its newest entries within its share of three quarters
    // of the bound (keys spread evenly), so the next runs do not prune again at once.
    let share = max_size / 4 * 3 / all.len() as u64;
    let mut removed = 0;
    for dir in &all {
        let mut files = bucket_files(dir);
        let mut total: u64 = files.iter().map(|f| f.bytes).sum();
        if total > share {
            files.sort_by_key(|f| f.modified);
            removed += remove_oldest(files, &mut total, share);
        }
    }
    removed
}

/// Remove `files` (oldest first) until `total` is at most `goal`.
fn remove_oldest(files: Vec<Found>, total: &mut u64, goal: u64) -> u64 {
    let mut removed = 0;
    for f in files {
        if *total <= goal {
            break;
        }
        if std::fs::remove_file(&f.path).is_ok() {
            removed += 1;
        }
        *total = total.saturating_sub(f.bytes);
    }
    removed
}

/// The cache's size on disk: every entry of every version (what the bound is on).
pub fn usage(root: &Path) -> u64 {
    buckets(root)
        .iter()
        .map(|dir| bucket_files(dir).iter().map(|f| f.bytes).sum::<u64>())
        .sum()
}
