//! `--shard K/N`: this run's share of the posts, for a CI matrix (GitHub `strategy.matrix`,
//! GitLab `parallel:`) that splits one site across N jobs.
//!
//! A post's shard is a stable hash of its path relative to the folder it was found in (SipHash
//! with fixed keys, the same on every machine and release), not its position in the list: adding
//! a post places only that post and moves no other. Every post is in exactly one shard.

use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Shard `index` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub total: u64,
}

impl Shard {
    /// `K/N` with 1 ≤ K ≤ N, or `auto`: GitLab's `CI_NODE_INDEX`/`CI_NODE_TOTAL` (1-based, as
    /// `parallel:` sets them) from `var`. `auto` outside a parallel job is no sharding (`None`).
    pub fn parse(
        text: &str,
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, String> {
        if text == "auto" {
            return match (var("CI_NODE_INDEX"), var("CI_NODE_TOTAL")) {
                (Some(k), Some(n)) => Shard::parse_numbers(&k, &n).map(Some).map_err(|e| {
                    format!("--shard auto: CI_NODE_INDEX={k}, CI_NODE_TOTAL={n}: {e}")
                }),
                _ => Ok(None),
            };
        }
        let Some((k, n)) = text.split_once('/') else {
            return Err(format!(
                "--shard {text}: give K/N (this job's share, 1 ≤ K ≤ N, e.g. 2/4) or auto"
            ));
        };
        Shard::parse_numbers(k, n)
            .map(Some)
            .map_err(|e| format!("--shard {text}: {e}"))
    }

    fn parse_numbers(k: &str, n: &str) -> Result<Shard, String> {
        let (Ok(index), Ok(total)) = (k.trim().parse::<u64>(), n.trim().parse::<u64>()) else {
            return Err("K and N must be whole numbers (K/N, e.g. 2/4)".into());
        };
        if total == 0 || index == 0 || index > total {
            return Err(format!("need 1 ≤ K ≤ N (got {index}/{total})"));
        }
        Ok(Shard { index, total })
    }

    /// Whether the post at `relative` (to the folder it was found in) is in this shard.
    pub fn holds(&self, relative: &Path) -> bool {
        bucket(relative, self.total) == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

/// The 0-based shard of `relative` among `total`.
fn bucket(relative: &Path, total: u64) -> u64 {
    use std::hash::Hasher;
    let mut h = siphasher::sip::SipHasher13::new_with_keys(0x7368_6172_6400, 0x706f_7374);
    h.write(relative.as_os_str().as_bytes());
    h.finish() % total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("posts/{}/{i}.md", i % 7)).collect()
    }

    #[test]
    fn shards_are_disjoint_and_cover_every_post() {
        let posts = names(2000);
        for total in [1, 2, 3, 4, 7] {
            let mut count = vec![0usize; total as usize];
            for p in &posts {
                let holders: Vec<u64> = (1..=total)
                    .filter(|&k| Shard { index: k, total }.holds(Path::new(p)))
                    .collect();
                assert_eq!(holders.len(), 1, "{p} in {holders:?} of {total}");
                count[(holders[0] - 1) as usize] += 1;
            }
            // Roughly even: no shard under half its share.
            for c in count {
                assert!(c * total as usize * 2 >= posts.len(), "{total}: {c}");
            }
        }
    }

    #[test]
    fn adding_a_post_moves_no_other() {
        let before = names(500);
        let mut after = before.clone();
        after.insert(123, "posts/new.md".into());
        let shard = |p: &String| bucket(Path::new(p), 4);
        for p in &before {
            assert_eq!(shard(p), after.iter().find(|q| *q == p).map(shard).unwrap());
        }
    }

    #[test]
    fn parsing() {
        let none = |_: &str| None;
        assert_eq!(
            Shard::parse("2/4", none),
            Ok(Some(Shard { index: 2, total: 4 }))
        );
        assert!(Shard::parse("0/4", none).is_err());
        assert!(Shard::parse("5/4", none).is_err());
        assert!(Shard::parse("x", none).unwrap_err().contains("K/N"));
        assert_eq!(Shard::parse("auto", none), Ok(None));
        let gitlab = |k: &str| match k {
            "CI_NODE_INDEX" => Some("3".to_owned()),
            "CI_NODE_TOTAL" => Some("5".to_owned()),
            _ => None,
        };
        assert_eq!(
            Shard::parse("auto", gitlab),
            Ok(Some(Shard { index: 3, total: 5 }))
        );
    }
}
