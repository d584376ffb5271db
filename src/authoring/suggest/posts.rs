//! The posts of a `rules suggest` run, handed to each pass in walk order without being held.
//!
//! Three passes read every post, and a site can hold a million posts: keeping the list (four
//! paths per post) would make memory grow with the site, not with what the passes count. On
//! one tree the walk is simply done again for each pass. A tree walks in path order, so every
//! pass sees the same posts in the same order, and a post's index in that order names it in
//! every pass (the tables keep indices, not paths). Posts given across several trees are
//! listed once instead, as the other commands do, so that a post found twice is read once.
//!
//! Each pass counts what it saw; [`Posts::each`] returns the count, and the caller refuses a
//! tree that changed between passes rather than build a draft from mixed-up indices.

use crate::walk::{self, Post, Root, Walk, WalkOptions};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

/// Where the posts come from.
pub struct Posts<'a> {
    source: Source<'a>,
    /// Which posts are this run's (`--shard`).
    keep: &'a (dyn Fn(&Post) -> bool + Sync),
}

enum Source<'a> {
    /// One tree, walked again for each pass.
    Walked {
        roots: &'a [Root],
        options: WalkOptions<'a>,
    },
    /// Several trees: walked once, sorted and without duplicates.
    Listed(Vec<Post>),
}

impl<'a> Posts<'a> {
    /// The posts under `roots`. For several trees they are listed now, and what that walk met
    /// (errors, notes) is returned; for one tree it comes from the first [`Posts::each`].
    pub fn new(
        roots: &'a [Root],
        options: WalkOptions<'a>,
        keep: &'a (dyn Fn(&Post) -> bool + Sync),
    ) -> (Posts<'a>, Walk) {
        if roots.len() == 1 {
            let source = Source::Walked { roots, options };
            return (Posts { source, keep }, Walk::default());
        }
        let mut walked = walk::find_posts(roots, options);
        let mut listed = std::mem::take(&mut walked.posts);
        listed.retain(|p| keep(p));
        (
            Posts {
                source: Source::Listed(listed),
                keep,
            },
            walked,
        )
    }

    /// Hand every post, with its index, to `each`, in walk order. Returns how many posts there
    /// were and what the walk met (nothing for listed posts: [`Posts::new`] returned that).
    pub fn each(&self, each: &mut dyn FnMut(u32, Post) -> ControlFlow<()>) -> (u32, Walk) {
        let mut n: u32 = 0;
        let mut give = |post: Post| {
            let i = n;
            n += 1;
            each(i, post)
        };
        match &self.source {
            Source::Walked { roots, options } => {
                let walked = walk::walk_posts(roots, *options, &mut |post| {
                    if (self.keep)(&post) {
                        give(post)
                    } else {
                        ControlFlow::Continue(())
                    }
                });
                (n, walked)
            }
            Source::Listed(posts) => {
                for post in posts {
                    if give(post.clone()).is_break() {
                        break;
                    }
                }
                (n, Walk::default())
            }
        }
    }

    /// Posts in batches of `batch`, each batch worked on in parallel, the results handed to
    /// `merge` in walk order (so what is merged does not depend on `-j`). Returns the count.
    pub fn in_order<T: Send>(
        &self,
        batch: usize,
        work: impl Fn(u32, &Post) -> T + Sync,
        mut merge: impl FnMut(u32, &Post, T),
    ) -> (u32, Walk) {
        let mut pending: Vec<(u32, Post)> = Vec::with_capacity(batch);
        let mut flush = |pending: &mut Vec<(u32, Post)>| {
            let results: Vec<T> = pending.par_iter().map(|(i, p)| work(*i, p)).collect();
            for ((i, post), r) in pending.iter().zip(results) {
                merge(*i, post, r);
            }
            pending.clear();
        };
        let counted = self.each(&mut |i, post| {
            pending.push((i, post));
            if pending.len() >= batch {
                flush(&mut pending);
            }
            ControlFlow::Continue(())
        });
        flush(&mut pending);
        counted
    }

    /// The paths (relative, as shown) of the posts at `indices`.
    pub fn names(&self, indices: &BTreeSet<u32>) -> BTreeMap<u32, String> {
        let mut names = BTreeMap::new();
        let Some(&last) = indices.last() else {
            return names;
        };
        self.each(&mut |i, post| {
            if indices.contains(&i) {
                names.insert(i, post.relative);
            }
            if i >= last {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        names
    }
}
