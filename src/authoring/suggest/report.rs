//! How a suggestion run is told: a table on stderr for people (rule, group, posts changed,
//! characters removed, the largest removal and its post, confidence; then what was dropped and
//! why), or one JSON object on stdout for scripts.

use super::Suggestions;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

fn pad(s: &str, width: usize) -> String {
    let w = UnicodeWidthStr::width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

/// The human table.
pub fn human(found: &Suggestions, err: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        err,
        "{} posts in {} groups, grouped by {} (--group-by); findings in at least {:.0} % of a group's posts and at least {}",
        found.posts,
        found.groups.len(),
        found.grouped_by.describe(),
        found.min_share * 100.0,
        super::MIN_POSTS
    )?;
    let mut rows: Vec<[String; 6]> = vec![[
        "rule".into(),
        "group".into(),
        "posts".into(),
        "chars".into(),
        "largest".into(),
        "confidence".into(),
    ]];
    let mut dropped = Vec::new();
    for g in &found.groups {
        for r in &g.rules {
            if let Some(why) = &r.dropped {
                dropped.push(format!("{} ({}): {why}", r.candidate.id, g.name));
                continue;
            }
            let largest = match (r.effect.largest, &r.largest_post) {
                (Some((n, _)), Some(post)) => format!("{n} {post}"),
                _ => "-".into(),
            };
            rows.push([
                r.candidate.id.clone(),
                g.name.clone(),
                format!("{}/{}", r.effect.posts, g.posts),
                r.effect.chars.to_string(),
                largest,
                format!("{:.0} %", r.candidate.confidence * 100.0),
            ]);
        }
    }
    if rows.len() == 1 {
        writeln!(err, "no finding repeats in enough posts of any group")?;
    } else {
        let widths: Vec<usize> = (0..6)
            .map(|c| {
                rows.iter()
                    .map(|r| UnicodeWidthStr::width(r[c].as_str()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for row in &rows {
            let line = (0..6)
                .map(|c| {
                    if c == 5 {
                        row[c].clone()
                    } else {
                        pad(&row[c], widths[c])
                    }
                })
                .collect::<Vec<_>>()
                .join("  ");
            writeln!(err, "{}", line.trim_end())?;
        }
    }
    for d in &dropped {
        writeln!(err, "dropped: {d}")?;
    }
    let drafts = found.groups.iter().filter(|g| g.draft.is_some()).count();
    let kept: usize = found
        .groups
        .iter()
        .map(|g| g.rules.iter().filter(|r| r.dropped.is_none()).count())
        .sum();
    writeln!(
        err,
        "{kept} rule{} in {drafts} draft{}, {} dropped; review them, then `postscrub rules test FILE`",
        if kept == 1 { "" } else { "s" },
        if drafts == 1 { "" } else { "s" },
        dropped.len()
    )
}

/// The JSON report.
pub fn json(found: &Suggestions, out: &mut dyn Write) -> std::io::Result<()> {
    use serde_json::json;
    let groups: Vec<serde_json::Value> = found
        .groups
        .iter()
        .map(|g| {
            json!({
                "group": g.name,
                "posts": g.posts,
                "file": g.draft.as_ref().map(|_| g.file.clone()),
                "when": { "body_contains": g.markers },
                "rules": g.rules.iter().map(|r| json!({
                    "id": r.candidate.id,
                    "kind": r.candidate.kind.name(),
                    "action": r.candidate.action.join("\n"),
                    "message": r.candidate.message,
                    "field": r.candidate.field,
                    "confidence": (r.candidate.confidence * 1000.0).round() / 1000.0,
                    "posts_seen": r.candidate.posts,
                    "posts_changed": r.effect.posts,
                    "count": r.effect.count,
                    "chars_removed": r.effect.chars,
                    "largest": r.effect.largest.map(|(n, _)| json!({
                        "chars": n,
                        "post": r.largest_post,
                    })),
                    "dropped": r.dropped,
                })).collect::<Vec<_>>(),
                "draft": g.draft,
            })
        })
        .collect();
    let value = json!({
        "grouped_by": found.grouped_by.name(),
        "min_share": found.min_share,
        "min_posts": super::MIN_POSTS,
        "posts": found.posts,
        "skipped": found.skipped.iter().map(|(p, why)| json!({"post": p, "reason": why})).collect::<Vec<_>>(),
        "groups": groups,
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
