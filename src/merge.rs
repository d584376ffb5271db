//! `postscrub merge`: the JSON reports of the jobs of a CI matrix (`check --shard K/N --format
//! json`), joined into the one report an unsharded run would have written.
//!
//! Shards partition the posts, so joining is a sorted union; what can go wrong is a wrong set of
//! files. A post in two files, files from matrices of different sizes, or a shard given twice is
//! an error; a shard missing is said, since the report then covers only part of the site.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The largest report file read (a report of a million posts is a few hundred MB).
const MAX_REPORT: u64 = 4 << 30;

/// One merged report.
#[derive(Debug)]
pub struct Merged {
    /// Every post's record (without its `shard`), in the order an unsharded run writes them.
    pub records: Vec<Value>,
    /// The matrix the files came from (`N` of `K/N`), when their records carry shards.
    pub of: Option<u32>,
    /// Shards of that matrix no file covered.
    pub missing: Vec<u32>,
    pub changed: usize,
    pub failed: usize,
}

/// A file that cannot be merged, or files that do not go together: exit code 2.
#[derive(Debug)]
pub struct MergeError(pub String);

/// Read and join the report files.
pub fn merge(files: &[PathBuf], shown: &dyn Fn(&Path) -> String) -> Result<Merged, MergeError> {
    let mut by_path: BTreeMap<PathBuf, (Value, usize)> = BTreeMap::new();
    let mut shards: BTreeMap<u32, usize> = BTreeMap::new();
    let mut of: Option<(u32, usize)> = None;
    for (i, file) in files.iter().enumerate() {
        let name = shown(file);
        let records = read(file, &name)?;
        let mut in_file: BTreeSet<u32> = BTreeSet::new();
        for (n, mut record) in records.into_iter().enumerate() {
            let Some(path) = record
                .get("path")
                .and_then(Value::as_str)
                .map(PathBuf::from)
            else {
                return Err(MergeError(format!(
                    "{name}: record {} has no \"path\": is this a `check --format json` report?",
                    n + 1
                )));
            };
            if let Some(shard) = record.as_object_mut().and_then(|o| o.remove("shard")) {
                let (k, total) = parse_shard(&shard).ok_or_else(|| {
                    MergeError(format!(
                        "{name}: record {} has \"shard\": {shard}, not \"K/N\"",
                        n + 1
                    ))
                })?;
                match of {
                    Some((t, first)) if t != total => {
                        return Err(MergeError(format!(
                            "{name} is from a matrix of {total} shards, {} from one of {t}: merge the reports of one run",
                            shown(&files[first])
                        )));
                    }
                    None => of = Some((total, i)),
                    _ => {}
                }
                in_file.insert(k);
            }
            if let Some((_, other)) = by_path.get(&path) {
                return Err(MergeError(format!(
                    "{} is in both {} and {name}: the reports overlap (the same shard twice, or reports of different runs)",
                    path.display(),
                    shown(&files[*other])
                )));
            }
            by_path.insert(path, (record, i));
        }
        for k in in_file {
            if let Some(other) = shards.insert(k, i) {
                return Err(MergeError(format!(
                    "{name} and {} both cover shard {k}: give each shard's report once",
                    shown(&files[other])
                )));
            }
        }
    }
    let of = of.map(|(t, _)| t);
    let missing = of.map_or_else(Vec::new, |t| {
        (1..=t).filter(|k| !shards.contains_key(k)).collect()
    });
    // BTreeMap<PathBuf> orders by path components: the walk's order, so the merge of the
    // shards is byte for byte the unsharded report.
    let records: Vec<Value> = by_path.into_values().map(|(v, _)| v).collect();
    let status = |s: &str| {
        records
            .iter()
            .filter(|r| r.get("status").and_then(Value::as_str) == Some(s))
            .count()
    };
    Ok(Merged {
        changed: status("changed"),
        failed: status("failed"),
        of,
        missing,
        records,
    })
}

fn read(file: &Path, name: &str) -> Result<Vec<Value>, MergeError> {
    let meta =
        std::fs::metadata(file).map_err(|e| MergeError(format!("{name}: cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(MergeError(format!("{name}: not a regular file")));
    }
    if meta.len() > MAX_REPORT {
        return Err(MergeError(format!(
            "{name}: {} bytes, larger than any report postscrub writes",
            meta.len()
        )));
    }
    let bytes = std::fs::read(file).map_err(|e| MergeError(format!("{name}: cannot read: {e}")))?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| {
        MergeError(format!(
            "{name}:{}:{}: not JSON ({e}); give the output of `postscrub check --format json`",
            e.line(),
            e.column()
        ))
    })?;
    match doc {
        Value::Array(records) => Ok(records),
        _ => Err(MergeError(format!(
            "{name}: not a JSON array of posts; give the output of `postscrub check --format json`"
        ))),
    }
}

fn parse_shard(v: &Value) -> Option<(u32, u32)> {
    let (k, n) = v.as_str()?.split_once('/')?;
    let (k, n): (u32, u32) = (k.parse().ok()?, n.parse().ok()?);
    (k >= 1 && k <= n).then_some((k, n))
}

/// The merged report, as `check --format json` writes one.
pub fn write_json(records: &[Value], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    if records.is_empty() {
        return out.write_all(b"[]\n");
    }
    for (i, r) in records.iter().enumerate() {
        out.write_all(if i == 0 { b"[\n  " } else { b",\n  " })?;
        serde_json::to_writer(&mut *out, r)?;
    }
    out.write_all(b"\n]\n")
}
