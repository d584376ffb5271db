//! JSON Schemas of rule files and of `postscrub.yaml`, generated from the serde types, so an
//! editor (yaml-language-server: `# yaml-language-server: $schema=…` on the first line)
//! completes keys and flags typos as the loader would.
//!
//! The committed copies in `schemas/` are checked against these by `tests/schemas.rs`
//! (`POSTSCRUB_BLESS=1` rewrites them).

use crate::cli::SchemaKind;
use crate::config::ProjectConfig;
use crate::rules::spec::RuleFileSpec;
use schemars::schema_for;

/// Where the committed schema of `kind` lives, relative to the crate root.
pub fn committed_path(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Rules => "schemas/rules.schema.json",
        SchemaKind::Config => "schemas/postscrub.schema.json",
    }
}

/// The schema of `kind` as pretty JSON with a final newline.
pub fn generate(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Rules => {
            let mut s = schema_for!(RuleFileSpec);
            s.insert("title".into(), "postscrub rule file".into());
            s
        }
        SchemaKind::Config => {
            let mut s = schema_for!(ProjectConfig);
            s.insert("title".into(), "postscrub.yaml".into());
            s
        }
    };
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_schema_mirrors_the_loader() {
        let rules: serde_json::Value = serde_json::from_str(&generate(SchemaKind::Rules)).unwrap();
        assert_eq!(rules["additionalProperties"], false);
        for key in [
            "name",
            "extends",
            "when",
            "html",
            "front_matter",
            "examples",
        ] {
            assert!(rules["properties"].get(key).is_some(), "{key}");
        }
        let config: serde_json::Value =
            serde_json::from_str(&generate(SchemaKind::Config)).unwrap();
        assert_eq!(config["additionalProperties"], false);
        assert!(config["properties"]["include"]["description"].is_string());
    }
}
