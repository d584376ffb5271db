//! `postscrub rules suggest [PATH]...`: find the boilerplate of each source in a site and write
//! a draft rule file per source, tested and commented, for the user to review and keep.
//!
//! Boilerplate is what repeats across the posts of one source while article text does not. The
//! command only reads posts, in three passes that each read a post once:
//! 1. front matter only: the key posts are grouped by ([`grouping`]);
//! 2. one lol_html pass per body ([`scan`]), counted into small per-group tables ([`stats`]),
//!    from which rules are proposed ([`candidates`]);
//! 3. the draft applied in memory to every post of its group ([`safety`]): what each rule
//!    would remove; a rule that removes article text is dropped; examples are cut from two
//!    real posts and their output computed by the draft itself ([`draft`]).
//!
//! Each pass walks the posts again ([`posts`]) and names a post by its index in the walk, so
//! memory holds the per-group tables, not the list of posts: it is the same for a thousand
//! posts or a million.
//!
//! Posts are cleaned with the rule sets in use before they are looked at, so what the presets
//! already remove is not proposed again (with `rules: []` in postscrub.yaml everything is).
//! Results go through [`report`]: the table on `err` or JSON on `out`.

pub mod candidates;
pub mod draft;
pub mod grouping;
pub mod posts;
pub mod report;
pub mod safety;
pub mod scan;
pub mod stats;

use crate::cli::{RulesSuggestArgs, SuggestFormat};
use crate::config::{Config, Environment};
use crate::generator::Target;
use crate::rules::{RuleSet, RuleSource, Rules};
use crate::run::{Outcome, RuleBase, display_path};
use crate::walk::{self, Post, Root, WalkOptions};
use anyhow::{Context as _, Result, bail};
use candidates::{Candidate, Kind, Limits};
use draft::{Draft, DraftExample, DraftRule};
use grouping::GroupBy;
use posts::Posts;
use safety::Effect;
use stats::GroupStats;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Posts handled per thread between two merges (merges are in walk order).
const BATCH_PER_THREAD: usize = 64;
/// A finding must be in at least this many posts of its group.
pub const MIN_POSTS: u32 = 3;
/// Marker words offered per group for its `when:`.
const MARKER_CANDIDATES: usize = 8;

/// What a suggestion run found, for the reporters and tests.
#[derive(Debug)]
pub struct Suggestions {
    pub grouped_by: GroupBy,
    pub min_share: f64,
    pub posts: usize,
    /// What the walk met (errors, notes) that it reports itself.
    pub walked: walk::Walk,
    /// Posts that could not be read, or had no value to group by.
    pub skipped: Vec<(String, String)>,
    pub groups: Vec<GroupResult>,
}

#[derive(Debug)]
pub struct GroupResult {
    pub name: String,
    pub posts: u32,
    /// The draft's file name (`NAME.yaml`).
    pub file: String,
    pub markers: Vec<String>,
    pub rules: Vec<RuleResult>,
    /// The draft rule file, when some rule was kept.
    pub draft: Option<String>,
}

#[derive(Debug)]
pub struct RuleResult {
    pub candidate: Candidate,
    pub effect: Effect,
    pub largest_post: Option<String>,
    /// Why it was left out of the draft.
    pub dropped: Option<String>,
}

/// Run `postscrub rules suggest`.
pub fn run(
    args: &RulesSuggestArgs,
    cwd: &Path,
    env: Environment,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome> {
    if !(args.min_share > 0.0 && args.min_share <= 1.0) {
        bail!(
            "--min-share {}: give a fraction above 0 and at most 1 (0.3 = in 30 % of a group's posts)",
            args.min_share
        );
    }
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("`rules suggest` compares many posts: give files or folders, not `-`");
    }
    let config = Config::resolve(&args.common, cwd, env)?;
    if !config.quiet {
        for w in &config.warnings {
            writeln!(err, "warning: {}", crate::printable::printable(w))?;
        }
        for w in config.rules.warnings() {
            writeln!(err, "warning: {w}")?;
        }
    }
    let given: Vec<PathBuf> = args.paths.iter().map(|p| cwd.join(p)).collect();
    let the_site = config.site.choice.site();
    let scope = crate::site::scope::plan(&given, the_site, cwd, &config.filter);
    let roots: Vec<Root> = scope.roots;
    let site_root = the_site.map(|s| crate::plan::canonical_lenient(&s.root));
    let out_path = args.out.as_ref().map(|o| cwd.join(o));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(config.jobs)
        .build()
        .context("cannot start worker threads")?;
    let settings = Settings {
        config: &config,
        cwd,
        base: RuleBase::new(config.rule_base(cwd)),
        limits: Limits {
            min_share: args.min_share,
            min_posts: MIN_POSTS,
            target: config.options.target,
        },
        batch: (BATCH_PER_THREAD * config.jobs).max(1),
    };
    let group_by = args.group_by.as_deref().map(GroupBy::parse);
    let shard_base = RuleBase::new(config.rule_base(cwd));
    let in_shard = |p: &Post| {
        config
            .shard
            .is_none_or(|s| s.holds(Path::new(&shard_base.relative(&p.path, &p.relative))))
    };
    let walk_options = WalkOptions {
        filter: &config.filter,
        skip: out_path.as_deref(),
        follow: config.follow,
        site_root: site_root.as_deref(),
    };
    let (posts, listed) = Posts::new(&roots, walk_options, &in_shard);
    crate::run::walk_problems(&listed.errors, &listed.notes, config.quiet, cwd, err)?;
    let found = pool.install(|| suggest(&posts, group_by, &settings))?;
    let walked = &found.walked;
    crate::run::walk_problems(&walked.errors, &walked.notes, config.quiet, cwd, err)?;
    if found.posts == 0 {
        bail!(
            "no posts found in {}: give the folders that hold them (looked for *.md, *.markdown, *.html)",
            if roots.is_empty() {
                "the site's content folders".to_owned()
            } else {
                roots
                    .iter()
                    .map(|r| display_path(&r.path, cwd))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );
    }
    for (path, why) in &found.skipped {
        if !config.quiet {
            writeln!(err, "skipped: {path}: {why}")?;
        }
    }
    write_drafts(&found, out_path.as_deref(), args, cwd, out, err)?;
    match args.format {
        SuggestFormat::Human => report::human(&found, err)?,
        SuggestFormat::Json => report::json(&found, out)?,
    }
    Ok(Outcome::Done)
}

/// Where the drafts go: a folder (one file per group), one `.yaml` file, or standard output.
fn write_drafts(
    found: &Suggestions,
    out_path: Option<&Path>,
    args: &RulesSuggestArgs,
    cwd: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    let drafts: Vec<(&GroupResult, &String)> = found
        .groups
        .iter()
        .filter_map(|g| g.draft.as_ref().map(|d| (g, d)))
        .collect();
    let Some(path) = out_path else {
        if args.format == SuggestFormat::Human {
            for (i, (g, d)) in drafts.iter().enumerate() {
                if i > 0 {
                    writeln!(out)?;
                }
                writeln!(out, "# ---- {} ----", g.file)?;
                out.write_all(d.as_bytes())?;
            }
        }
        return Ok(());
    };
    let shown = display_path(path, cwd);
    let is_file = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if is_file {
        match drafts.as_slice() {
            [(_, d)] => {
                std::fs::write(path, d.as_bytes())
                    .with_context(|| format!("cannot write {shown}"))?;
                writeln!(err, "wrote {shown}")?;
            }
            [] => writeln!(err, "nothing to write to {shown}: no group has a finding")?,
            more => bail!(
                "--out {shown}: {} groups have findings; give a folder (one NAME.yaml per group), or PATHs that hold one source",
                more.len()
            ),
        }
        return Ok(());
    }
    std::fs::create_dir_all(path).with_context(|| format!("cannot create {shown}"))?;
    for (g, d) in &drafts {
        let file = path.join(&g.file);
        std::fs::write(&file, d.as_bytes())
            .with_context(|| format!("cannot write {}", display_path(&file, cwd)))?;
    }
    writeln!(
        err,
        "wrote {} draft{} to {shown}",
        drafts.len(),
        if drafts.len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

/// What every pass needs.
pub struct Settings<'a> {
    pub config: &'a Config,
    pub cwd: &'a Path,
    pub(crate) base: RuleBase,
    pub limits: Limits,
    pub batch: usize,
}

/// A post read and cleaned with the rule sets in use.
struct Read {
    raw_body: String,
    html: String,
    front_matter: Option<String>,
}

fn read(post: &Post, settings: &Settings<'_>) -> Result<Read, String> {
    let (bytes, _) = crate::run::read_post(&post.path, settings.config.max_post_size)?;
    let text = String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned())?;
    let text = crate::document::lone_cr_to_lf(&text).unwrap_or(text);
    let doc = crate::document::Document::split(&text);
    let relative = settings.base.relative(&post.path, &post.relative);
    let sets: Vec<&RuleSet> = settings
        .config
        .rules
        .sets
        .iter()
        .filter(|s| s.when.matches(&relative, doc.body))
        .collect();
    let html = crate::clean::clean(doc.body, &sets, &crate::suppress::Skip::none())
        .map_err(|e| format!("cannot parse: {e}"))?
        .html;
    Ok(Read {
        raw_body: doc.body.to_owned(),
        html,
        front_matter: doc.front_matter.map(str::to_owned),
    })
}

/// A post's group under `by`, read from its front matter and path.
fn group_key(front_matter: Option<&str>, post: &Post, by: &GroupBy) -> Option<String> {
    grouping::group_of(&grouping::keys(front_matter, &post.relative, Some(by)), by)
}

/// The whole analysis: group, count, propose, check, draft. Nothing per post is kept between
/// passes but what the tables hold; posts are named by their index in the walk.
pub fn suggest(
    posts: &Posts<'_>,
    group_by: Option<GroupBy>,
    settings: &Settings<'_>,
) -> Result<Suggestions> {
    let mut skipped: Vec<(String, String)> = Vec::new();
    // Posts already reported as skipped, so later passes do not report them again.
    let mut unreadable: BTreeSet<u32> = BTreeSet::new();

    // Pass 1: the keys to group by, tallied per key.
    let candidates_keys: Vec<GroupBy> = match &group_by {
        Some(by) => vec![by.clone()],
        None => vec![
            GroupBy::Field("author".to_owned()),
            GroupBy::Category,
            GroupBy::Folder,
        ],
    };
    let mut tallies: Vec<grouping::Tally> = candidates_keys
        .iter()
        .map(|_| grouping::Tally::default())
        .collect();
    let (count, walked) = posts.in_order(
        settings.batch,
        |_, post| {
            let (bytes, _) = crate::run::read_post(&post.path, settings.config.max_post_size)?;
            let text = String::from_utf8_lossy(&bytes);
            let doc = crate::document::Document::split(&text);
            let keys = grouping::keys(doc.front_matter, &post.relative, group_by.as_ref());
            Ok::<_, String>(
                candidates_keys
                    .iter()
                    .map(|by| grouping::group_of(&keys, by))
                    .collect::<Vec<_>>(),
            )
        },
        |i, post, r| match r {
            Ok(values) => {
                for (t, v) in tallies.iter_mut().zip(values) {
                    t.add(i, v);
                }
            }
            Err(e) => {
                unreadable.insert(i);
                skipped.push((post.relative.clone(), e));
            }
        },
    );
    let mut found = Suggestions {
        grouped_by: GroupBy::Folder,
        min_share: settings.limits.min_share,
        posts: count as usize,
        walked,
        skipped,
        groups: Vec::new(),
    };
    if count == 0 {
        return Ok(found);
    }
    let chosen = match group_by {
        Some(_) => 0,
        None => (0..2)
            .find(|k| tallies[*k].separates(MIN_POSTS))
            .unwrap_or(2),
    };
    let by = candidates_keys[chosen].clone();
    let names = tallies[chosen].names();
    drop(tallies);
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(g, n)| (n.as_str(), g))
        .collect();
    let same_posts = |n: u32| -> Result<()> {
        if n != count {
            bail!(
                "the posts changed while they were read ({count} posts, then {n}): run `rules suggest` again when nothing writes to them"
            );
        }
        Ok(())
    };
    let mut stats: Vec<GroupStats> = names.iter().map(|_| GroupStats::default()).collect();

    // Pass 2: one scan per post, counted per group.
    let (n, _) = posts.in_order(
        settings.batch,
        |_, post| {
            read(post, settings).map(|r| {
                let group = group_key(r.front_matter.as_deref(), post, &by);
                (
                    group,
                    scan::scan(&r.html),
                    grouping::facts(r.front_matter.as_deref()),
                )
            })
        },
        |i, post, r| match r {
            Ok((Some(group), scan, facts)) if !unreadable.contains(&i) => {
                if let Some(&g) = index.get(group.as_str()) {
                    let g = &mut stats[g];
                    g.add(i, &scan);
                    g.add_fields(facts.fields);
                    g.add_front_matter(i, &facts.urls);
                }
            }
            Ok((None, _, _)) if !unreadable.contains(&i) => {
                unreadable.insert(i);
                found.skipped.push((
                    post.relative.clone(),
                    format!("no {} to group it by", by.describe()),
                ));
            }
            Err(e) if !unreadable.contains(&i) => {
                unreadable.insert(i);
                found.skipped.push((post.relative.clone(), e));
            }
            _ => {}
        },
    );
    same_posts(n)?;
    let proposed: Vec<Vec<Candidate>> = names
        .iter()
        .zip(&stats)
        .map(|(name, s)| candidates::propose(name, s, &settings.limits))
        .collect();
    let markers: Vec<Vec<String>> = (0..names.len())
        .map(|g| marker_candidates(g, &stats, &proposed[g], &settings.limits))
        .collect();

    // Pass 3: every group's draft applied to its posts; markers counted in every post.
    let checks: Vec<Check> = names
        .iter()
        .zip(&proposed)
        .map(|(name, c)| Check::new(name, c))
        .collect();
    // Front-matter rules change the posts whose values they were found in.
    let mut effects: Vec<Vec<Effect>> = proposed
        .iter()
        .map(|cs| {
            cs.iter()
                .map(|c| Effect {
                    posts: if c.kind.front_matter() { c.posts } else { 0 },
                    count: if c.kind.front_matter() {
                        u64::from(c.posts)
                    } else {
                        0
                    },
                    ..Effect::default()
                })
                .collect()
        })
        .collect();
    let mut fragments: Vec<BTreeMap<String, Vec<(u32, String)>>> =
        names.iter().map(|_| BTreeMap::new()).collect();
    // Per group and marker: posts of the group, posts outside it, that contain it.
    let mut marker_hits: Vec<Vec<(u32, u32)>> =
        markers.iter().map(|m| vec![(0, 0); m.len()]).collect();
    let (n, _) = posts.in_order(
        settings.batch,
        |i, post| {
            let read = read(post, settings).ok()?;
            let group = group_key(read.front_matter.as_deref(), post, &by)?;
            let g = *index.get(group.as_str())?;
            let hits: Vec<Vec<bool>> = markers
                .iter()
                .map(|ms| {
                    ms.iter()
                        .map(|m| read.raw_body.contains(m.as_str()))
                        .collect()
                })
                .collect();
            let applied = checks[g].apply(i, &read.html, &proposed[g], &stats[g]);
            Some((g, hits, applied))
        },
        |i, _, r| {
            let Some((g, hits, applied)) = r else { return };
            if unreadable.contains(&i) {
                return;
            }
            for (h, found) in hits.iter().enumerate() {
                for (m, hit) in found.iter().enumerate() {
                    if *hit {
                        if h == g {
                            marker_hits[h][m].0 += 1;
                        } else {
                            marker_hits[h][m].1 += 1;
                        }
                    }
                }
            }
            for (c, removal, visible, fired) in applied.rules {
                if fired > 0 {
                    effects[g][c].posts += 1;
                    effects[g][c].count += u64::from(fired);
                }
                safety::judge(&mut effects[g][c], &proposed[g][c], i, visible, &removal);
            }
            for (c, fragment) in applied.fragments {
                let list = fragments[g].entry(proposed[g][c].id.clone()).or_default();
                if list.len() < 2 && !list.iter().any(|(_, f)| *f == fragment) {
                    list.push((i, fragment));
                }
            }
        },
    );
    same_posts(n)?;

    // The posts named in the results, found by their index.
    let mut named: BTreeSet<u32> = BTreeSet::new();
    for e in effects.iter().flatten() {
        named.extend(e.largest.map(|(_, p)| p));
        named.extend(e.violation.as_ref().map(|v| v.post));
    }
    named.extend(
        fragments
            .iter()
            .flat_map(|f| f.values().flatten().map(|(p, _)| *p)),
    );
    let names_of = posts.names(&named);
    let shown = |i: u32| {
        names_of
            .get(&i)
            .cloned()
            .unwrap_or_else(|| format!("post {i}"))
    };

    for (g, name) in names.iter().enumerate() {
        let s = &stats[g];
        let chosen = choose_markers(
            &markers[g],
            &marker_hits[g],
            names.len(),
            &settings.limits,
            s.posts,
        );
        let marked = chosen.1;
        let mut rules: Vec<RuleResult> = proposed[g]
            .iter()
            .zip(&effects[g])
            .map(|(c, e)| RuleResult {
                candidate: c.clone(),
                effect: e.clone(),
                largest_post: e.largest.map(|(_, p)| shown(p)),
                dropped: e
                    .violation
                    .as_ref()
                    .map(|v| format!("{} in {}", v.reason, shown(v.post))),
            })
            .collect();
        for r in &mut rules {
            if r.dropped.is_none() && r.effect.posts == 0 {
                r.dropped = Some("changes no post when applied".to_owned());
            }
            // Confidence: the share of posts it was seen in, and no more than it changes.
            let changed = f64::from(r.effect.posts) / f64::from(r.candidate.posts.max(1));
            r.candidate.confidence *= changed.min(1.0);
        }
        rules.sort_by(|a, b| {
            b.candidate
                .confidence
                .total_cmp(&a.candidate.confidence)
                .then(a.candidate.kind.cmp(&b.candidate.kind))
                .then(a.candidate.id.cmp(&b.candidate.id))
        });
        let file = format!("{}.yaml", file_stem(name));
        let draft = build_draft(
            name,
            &by,
            s.posts,
            &chosen.0,
            marked,
            &mut rules,
            &fragments[g],
            settings,
            &shown,
        );
        found.groups.push(GroupResult {
            name: name.clone(),
            posts: s.posts,
            file,
            markers: chosen.0,
            rules,
            draft,
        });
    }
    found
        .groups
        .sort_by(|a, b| b.posts.cmp(&a.posts).then(a.name.cmp(&b.name)));
    found.grouped_by = by;
    Ok(found)
}

/// A group's proposed rules compiled, all together and each alone.
struct Check {
    all: Option<Rules>,
    alone: Vec<Option<Rules>>,
}

/// What the draft did to one post.
struct Applied {
    /// Per rule: index, what it removed alone, the post's visible characters, times it fired.
    rules: Vec<(usize, safety::Removal, usize, u32)>,
    /// Example fragments cut from this post: rule index, HTML.
    fragments: Vec<(usize, String)>,
}

fn rule_file(name: &str, candidates: &[&Candidate]) -> String {
    let mut y = format!("name: {}\n", candidates::quote(name));
    for (key, front_matter) in [("html", false), ("front_matter", true)] {
        let part: Vec<&&Candidate> = candidates
            .iter()
            .filter(|c| c.kind.front_matter() == front_matter)
            .collect();
        if part.is_empty() {
            continue;
        }
        y.push_str(&format!("{key}:\n"));
        for c in part {
            y.push_str(&format!("  - id: {}\n", c.id));
            for line in &c.action {
                y.push_str(&format!("    {line}\n"));
            }
        }
    }
    y
}

fn compile(name: &str, candidates: &[&Candidate]) -> Option<Rules> {
    if candidates.is_empty() {
        return None;
    }
    Rules::from_text(
        &rule_file(name, candidates),
        RuleSource::File(PathBuf::from(format!("{}.yaml", file_stem(name)))),
    )
    .ok()
}

impl Check {
    fn new(name: &str, candidates: &[Candidate]) -> Check {
        let body: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| !c.kind.front_matter())
            .collect();
        Check {
            all: compile(name, &body),
            alone: candidates
                .iter()
                .map(|c| {
                    (!c.kind.front_matter())
                        .then(|| compile(name, &[c]))
                        .flatten()
                })
                .collect(),
        }
    }

    fn apply(
        &self,
        post: u32,
        html: &str,
        candidates: &[Candidate],
        stats: &GroupStats,
    ) -> Applied {
        let mut applied = Applied {
            rules: Vec::new(),
            fragments: Vec::new(),
        };
        let Some(all) = &self.all else {
            return applied;
        };
        let sets: Vec<&RuleSet> = all.sets.iter().collect();
        let skip = crate::suppress::Skip::none();
        let Ok(cleaned) = crate::clean::clean(html, &sets, &skip) else {
            return applied;
        };
        let fired: BTreeMap<&str, u32> = cleaned
            .fired
            .iter()
            .map(|f| (f.meta.id.as_str(), f.count))
            .collect();
        let before = candidates
            .iter()
            .any(|c| c.kind.removes_text() && fired.contains_key(c.id.as_str()))
            .then(|| safety::visible(html));
        let visible = before.as_ref().map_or(0, |b| b.chars().count());
        for (i, c) in candidates.iter().enumerate() {
            let times = fired.get(c.id.as_str()).copied().unwrap_or(0);
            let mut removal = safety::Removal::default();
            if times > 0
                && c.kind.removes_text()
                && let (Some(before), Some(alone)) = (&before, &self.alone[i])
            {
                let sets: Vec<&RuleSet> = alone.sets.iter().collect();
                if let Ok(after) = crate::clean::clean(html, &sets, &skip) {
                    removal = safety::removed(before, &safety::visible(&after.html));
                }
            }
            applied.rules.push((i, removal, visible, times));
            if times > 0
                && let Some(fragment) = fragment(post, html, c, stats)
            {
                applied.fragments.push((i, fragment));
            }
        }
        applied
    }
}

/// The piece of a post an example of `c` is cut from: a place the tables kept, or for
/// attribute rules the first tag that carries one of the attributes.
fn fragment(post: u32, html: &str, c: &Candidate, _stats: &GroupStats) -> Option<String> {
    if let Some((_, (start, end))) = c.examples.iter().find(|(p, _)| *p == post) {
        return html.get(*start..*end).map(str::to_owned);
    }
    if !c.examples.is_empty() {
        return None;
    }
    if let Some((_, needle)) = c.needle.as_ref().filter(|_| c.kind == Kind::Proxy) {
        return first_tag_containing(html, needle).map(|(s, e)| html[s..e].to_owned());
    }
    let names = attribute_names(c);
    let img_only =
        matches!(c.kind, Kind::LazyImage) || c.action.iter().any(|a| a.contains("selector: img,"));
    first_tag_with(html, img_only, &names).map(|(s, e)| html[s..e].to_owned())
}

fn attribute_names(c: &Candidate) -> Vec<String> {
    let action = c.action.join(" ");
    if let Some(rest) = action.split("names: [").nth(1) {
        return rest
            .split(']')
            .next()
            .unwrap_or("")
            .split(',')
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
            .collect();
    }
    if let Some(rest) = action.split("from: ").nth(1) {
        return vec![rest.split([',', ' ']).next().unwrap_or("").to_owned()];
    }
    Vec::new()
}

/// The first start tag that holds `needle`.
fn first_tag_containing(html: &str, needle: &str) -> Option<(usize, usize)> {
    let at = html.find(needle)?;
    let start = html[..at].rfind('<')?;
    let end = at + html[at..].find('>')? + 1;
    Some((start, end))
}

/// The first start tag (only `<img>` when `img_only`) that carries one of `names`.
fn first_tag_with(html: &str, img_only: bool, names: &[String]) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = html[from..].find('<') {
        let start = from + at;
        let end = start + html[start..].find('>')? + 1;
        let tag = &html[start + 1..end - 1];
        from = start + 1;
        let tag_name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if tag_name.is_empty() || (img_only && tag_name != "img") {
            continue;
        }
        let lower = tag.to_ascii_lowercase();
        if names.iter().any(|n| {
            lower.contains(&format!(" {n}="))
                || lower.contains(&format!(" {n} "))
                || lower.ends_with(&format!(" {n}"))
        }) {
            return Some((start, end));
        }
    }
    None
}

/// Words group `g`'s `when:` may be chosen from: the class names of its findings, then the
/// words most of its posts have that no other group's table holds.
fn marker_candidates(
    g: usize,
    stats: &[GroupStats],
    proposed: &[Candidate],
    limits: &Limits,
) -> Vec<String> {
    if stats.len() < 2 {
        return Vec::new();
    }
    let s = &stats[g];
    let elsewhere = |w: &str| {
        stats
            .iter()
            .enumerate()
            .any(|(h, o)| h != g && o.markers.map.contains_key(w))
    };
    let mut words: Vec<String> = Vec::new();
    for c in proposed {
        for w in &c.markers {
            if !words.contains(w) && !elsewhere(w) {
                words.push(w.clone());
            }
        }
    }
    let mut frequent: Vec<(&String, u32)> = s
        .markers
        .frequent(limits.needed(s.posts))
        .into_iter()
        .map(|(k, v)| (k, v.seen.posts))
        .collect();
    frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (w, _) in frequent {
        if !words.contains(w) && !elsewhere(w) {
            words.push(w.clone());
        }
    }
    words.truncate(MARKER_CANDIDATES);
    words
}

/// Up to three markers that no post outside the group contains, best first, and the posts of
/// the group they cover together (an estimate: the sum, at most the group).
fn choose_markers(
    words: &[String],
    hits: &[(u32, u32)],
    groups: usize,
    limits: &Limits,
    posts: u32,
) -> (Vec<String>, u32) {
    if groups < 2 {
        return (Vec::new(), posts);
    }
    let mut ok: Vec<(&String, u32)> = words
        .iter()
        .zip(hits)
        .filter(|(_, (inside, outside))| *outside == 0 && *inside >= limits.needed(posts))
        .map(|(w, (inside, _))| (w, *inside))
        .collect();
    ok.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    ok.truncate(3);
    let covered = ok.first().map_or(0, |(_, n)| *n);
    let mut chosen: Vec<String> = ok.into_iter().map(|(w, _)| w.clone()).collect();
    chosen.sort();
    (chosen, covered)
}

/// A file stem for a group name: letters and digits, `-` between words.
pub fn file_stem(name: &str) -> String {
    let s = candidates::slug(name);
    if s.is_empty() { "group".to_owned() } else { s }
}

/// The draft of one group, with examples whose output the draft itself computed; rules that
/// were dropped are left out. `None` when no rule is kept.
#[allow(clippy::too_many_arguments)]
fn build_draft(
    name: &str,
    by: &GroupBy,
    posts: u32,
    markers: &[String],
    marked: u32,
    rules: &mut [RuleResult],
    fragments: &BTreeMap<String, Vec<(u32, String)>>,
    settings: &Settings<'_>,
    shown: &dyn Fn(u32) -> String,
) -> Option<String> {
    let kept: Vec<usize> = (0..rules.len())
        .filter(|i| rules[*i].dropped.is_none())
        .collect();
    if kept.is_empty() {
        return None;
    }
    let set_name = format!("suggested-{}", file_stem(name));
    let refs: Vec<&Candidate> = kept.iter().map(|i| &rules[*i].candidate).collect();
    let compiled = compile(&set_name, &refs)?;
    let sets: Vec<&RuleSet> = compiled.sets.iter().collect();
    let options = example_options(settings.config.options.target);
    let mut examples = Vec::new();
    for &i in &kept {
        let c = &rules[i].candidate;
        if c.kind.front_matter() {
            if let Some((field, value)) = &c.needle
                && let Some(example) = front_matter_example(c, field, value, &sets, &options)
            {
                examples.push(example);
            }
            continue;
        }
        for (post, input) in fragments.get(&c.id).into_iter().flatten() {
            let Ok(cleaned) = crate::clean::clean(input, &sets, &crate::suppress::Skip::none())
            else {
                continue;
            };
            let front_matter = if c.kind == Kind::Extract {
                let before = "title: t\n".to_owned();
                let post_text = format!("---\n{before}---\n{input}");
                let Ok(processed) = crate::pipeline::process_with_sets(&post_text, &sets, &options)
                else {
                    continue;
                };
                let doc = crate::document::Document::split(&processed.output);
                let mut after = doc.front_matter.unwrap_or("").to_owned();
                if !after.ends_with('\n') {
                    after.push('\n');
                }
                if after == before {
                    continue;
                }
                Some((before, after))
            } else {
                None
            };
            if cleaned.html == *input && front_matter.is_none() {
                continue;
            }
            examples.push(DraftExample {
                rule: c.id.clone(),
                from: shown(*post),
                input: input.clone(),
                output: cleaned.html,
                front_matter,
            });
        }
    }
    let draft = Draft {
        group: name,
        grouped_by: by.describe(),
        posts,
        name: set_name.clone(),
        markers: markers.to_vec(),
        marked,
        rules: kept
            .iter()
            .map(|i| DraftRule {
                candidate: &rules[*i].candidate,
                effect: &rules[*i].effect,
                largest_post: rules[*i].largest_post.clone(),
            })
            .collect(),
        examples,
    };
    let mut text = draft.yaml(true);
    // The draft must pass `rules test` as written: an example that does not is left out.
    if let Ok(loaded) = Rules::from_text(
        &text,
        RuleSource::File(PathBuf::from(format!("{set_name}.yaml"))),
    ) && let Some(set) = loaded.sets.last()
    {
        let chain: Vec<&RuleSet> = loaded.sets.iter().collect();
        let failing: BTreeSet<usize> = set
            .examples
            .iter()
            .enumerate()
            .filter(|(_, e)| !crate::authoring::examples::run(e, &chain).passed())
            .map(|(i, _)| i)
            .collect();
        if !failing.is_empty() {
            let mut draft = draft;
            let mut n = 0;
            draft.examples.retain(|_| {
                n += 1;
                !failing.contains(&(n - 1))
            });
            text = draft.yaml(true);
        }
    }
    Some(text)
}

/// An example of a front-matter rule: a post with the value seen, before and after.
fn front_matter_example(
    c: &Candidate,
    field: &str,
    value: &str,
    sets: &[&RuleSet],
    options: &crate::pipeline::Options,
) -> Option<DraftExample> {
    let before = format!(
        "title: t\n{field}: {}\n",
        serde_json::to_string(value).ok()?
    );
    let processed =
        crate::pipeline::process_with_sets(&format!("---\n{before}---\n"), sets, options).ok()?;
    let doc = crate::document::Document::split(&processed.output);
    let mut after = doc.front_matter.unwrap_or("").to_owned();
    if !after.ends_with('\n') {
        after.push('\n');
    }
    (after != before).then(|| DraftExample {
        rule: c.id.clone(),
        from: format!("the `{field}` of posts of the group"),
        input: String::new(),
        output: String::new(),
        front_matter: Some((before, after)),
    })
}

/// The options examples run with: plain HTML out, the target given (for reserved names).
fn example_options(target: Target) -> crate::pipeline::Options {
    let spec = crate::rules::spec::ExampleSpec {
        input: None,
        output: None,
        markdown: None,
        front_matter: None,
        target: None,
        timezone: None,
    };
    let _ = target;
    crate::authoring::examples::options(&spec).expect("default example options")
}
