//! `check --format github|sarif|json` against the shapes their consumers document:
//! GitHub's workflow-command syntax, SARIF 2.1.0's required properties, and our JSON record.

use std::path::Path;
use std::process::Command;

fn check(format: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_postscrub"))
        .args(["check", "posts", "--format", format, "--no-config"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/check.in"))
        .env("CI", "true")
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn github_annotations_follow_workflow_command_syntax() {
    let (code, out) = check("github");
    assert_eq!(code, Some(1));
    // ::LEVEL file=F,line=N,title=T::MESSAGE — properties escaped (no raw `,` or `:` inside).
    let shape = regex::Regex::new(
        r"^::(error|warning|notice) file=[^,:\r\n]+,line=[1-9][0-9]*,title=postscrub/[A-Za-z0-9._-]+::[^\r\n]+$",
    )
    .unwrap();
    assert!(out.lines().count() >= 4, "{out}");
    for line in out.lines() {
        assert!(shape.is_match(line), "not a workflow command: {line}");
    }
    assert!(out.contains("::error file=posts/sina/seed.md,line=8,title=postscrub/qr-cover::"));
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
        for range in p["changed_lines"].as_array().unwrap() {
            assert!(range["start"].as_u64().unwrap() <= range["end"].as_u64().unwrap());
        }
    }
}
