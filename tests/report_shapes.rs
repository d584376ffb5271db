//! `check --format github|sarif|json|gitlab` against the shapes their consumers document:
//! GitHub's workflow-command syntax, its annotation cap and job summary, SARIF 2.1.0's required
//! properties with RFC 3986 URIs, GitLab's Code Quality fields, and our JSON record.

use std::path::Path;
use std::process::Command;

fn check(format: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["check", "posts", "--format", format, "--no-config"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/check.in"))
        .env("CI", "true")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// `check` over tests/cmd/ci-formats.in: six posts that fire one rule each or two (so the
/// GitHub cap bites), one named `100% sure #1.html`. Returns exit code, stdout, stderr.
fn check_many(format: &str, env: &[(&str, &Path)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_postscrub"));
    cmd.env("POSTSCRUB_NO_CACHE", "1");
    cmd.args([
        "check",
        "posts",
        "--rules",
        "rules.yaml",
        "--to",
        "html",
        "--format",
        format,
    ])
    .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/ci-formats.in"))
    .env("CI", "true")
    .env_remove("GITHUB_STEP_SUMMARY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// RFC 3986 `relative-ref` with a path only: segments of unreserved, sub-delims, `:`, `@`
/// and `%XX`, no scheme, query or fragment.
fn is_relative_uri_path(uri: &str) -> bool {
    let pchar = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})";
    let first = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=@]|%[0-9A-Fa-f]{2})";
    regex::Regex::new(&format!("^{first}+(?:{pchar}*)(?:/{pchar}*)*$"))
        .unwrap()
        .is_match(uri)
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn github_annotations_are_capped_per_rule_with_a_summary_and_a_job_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let (code, out, err) = check_many("github", &[("GITHUB_STEP_SUMMARY", &summary)]);
    assert_eq!(code, Some(1), "{err}");
    let per_rule = |id: &str| out.matches(&format!("title=postscrub/{id}::")).count();
    assert_eq!(per_rule("ad-block"), 3, "{out}");
    assert_eq!(per_rule("spacer"), 3, "{out}");
    let notice: Vec<&str> = out.lines().filter(|l| l.starts_with("::notice")).collect();
    assert_eq!(notice.len(), 1, "{out}");
    assert!(
        notice[0].contains("6 of 6 posts would change; 5 more annotations not shown"),
        "{}",
        notice[0]
    );
    assert!(
        out.lines().last().unwrap().starts_with("::notice"),
        "summary comes last"
    );
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.starts_with("earlier step\n## postscrub\n"),
        "appended, not replaced: {md}"
    );
    assert!(md.contains("| `ad-block` | error | 6 | 6 |"), "{md}");
    assert!(md.contains("| `spacer` | warning | 5 | 5 |"), "{md}");
    assert!(
        md.contains("| posts/100% sure #1.html | 4 | ad-block |"),
        "{md}"
    );
    // Every post is listed, though only 6 annotations were.
    for i in 1..=5 {
        assert!(md.contains(&format!("| posts/p{i}.html |")), "{md}");
    }
}

#[test]
fn sarif_uris_are_rfc3986_references_on_a_base() {
    let (code, out, err) = check_many("sarif", &[]);
    assert_eq!(code, Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run = &doc["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with("/ci-formats.in/"),
        "{base}"
    );
    let mut odd = 0;
    for r in run["results"].as_array().unwrap() {
        let location = &r["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            is_relative_uri_path(uri),
            "not an RFC 3986 relative reference: {uri}"
        );
        let name = percent_decode(uri);
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/cmd/ci-formats.in")
            .join(std::str::from_utf8(&name).unwrap());
        assert!(file.is_file(), "{uri} does not decode to a file");
        if uri == "posts/100%25%20sure%20%231.html" {
            odd += 1;
            assert_eq!(location["region"]["startColumn"], 12);
        }
        assert!(location["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    assert_eq!(odd, 1, "{out}");
}

#[test]
fn gitlab_code_quality_has_its_fields() {
    let (code, out, err) = check_many("gitlab", &[]);
    assert_eq!(code, Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let issues = doc.as_array().unwrap();
    assert_eq!(issues.len(), 11, "{out}");
    let mut fingerprints = std::collections::HashSet::new();
    for i in issues {
        assert!(!i["description"].as_str().unwrap().is_empty());
        assert!(i["check_name"].as_str().unwrap().starts_with("postscrub/"));
        let fp = i["fingerprint"].as_str().unwrap();
        assert!(
            fingerprints.insert(fp.to_owned()),
            "duplicate fingerprint {fp}"
        );
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        let path = i["location"]["path"].as_str().unwrap();
        assert!(
            path.starts_with("posts/") && path.ends_with(".html"),
            "{path}"
        );
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    // Stable across runs.
    assert_eq!(check_many("gitlab", &[]).1, out);
}

#[test]
fn github_annotations_follow_workflow_command_syntax() {
    let (code, out) = check("github");
    assert_eq!(code, Some(1));
    // ::LEVEL file=F,line=N,title=T::MESSAGE — properties escaped (no raw `,` or `:` inside).
    let shape = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,col=[1-9][0-9]*,title=postscrub/[A-Za-z0-9._-]+::[^\r\n]+$|^::notice title=postscrub summary::[^\r\n]+$",
    )
    .unwrap();
    assert!(out.lines().count() >= 4, "{out}");
    for line in out.lines() {
        assert!(shape.is_match(line), "not a workflow command: {line}");
    }
    assert!(
        out.contains("::error file=posts/sina/seed.md,line=8,col=1,title=postscrub/qr-cover::")
    );
}

#[test]
fn sarif_has_the_required_properties() {
    let (code, out) = check("sarif");
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "postscrub");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let id = r["ruleId"].as_str().unwrap();
        assert!(
            rules.iter().any(|rule| rule["id"] == id),
            "{id} not in driver.rules"
        );
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
        let location = &r["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("posts/") && !uri.contains('\\'), "{uri}");
        assert!(location["region"]["startLine"].as_u64().unwrap() >= 1);
    }
    for rule in rules {
        assert!(
            !rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .is_empty()
        );
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
}

#[test]
fn json_is_one_record_per_post() {
    let (code, out) = check("json");
    assert_eq!(code, Some(1));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let posts = doc.as_array().unwrap();
    assert_eq!(posts.len(), 2);
    for p in posts {
        assert!(p["path"].is_string());
        assert_eq!(p["status"], "changed");
        assert!(!p["rules"].as_array().unwrap().is_empty());
        for rule in p["rules"].as_array().unwrap() {
            assert!(rule["line"].as_u64().unwrap() >= 1, "{rule}");
            assert!(rule["column"].as_u64().unwrap() >= 1, "{rule}");
        }
        for range in p["changed_lines"].as_array().unwrap() {
            assert!(range["start"].as_u64().unwrap() <= range["end"].as_u64().unwrap());
        }
    }
}
