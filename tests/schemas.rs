//! The committed JSON Schemas (`schemas/*.json`) are what the serde types generate.
//! `POSTSCRUB_BLESS=1 cargo test --test schemas` rewrites them.

use postscrub::authoring::schema::{committed_path, generate};
use postscrub::cli::SchemaKind;
use std::path::Path;

#[test]
fn committed_schemas_are_in_sync() {
    let bless = std::env::var_os("POSTSCRUB_BLESS").is_some_and(|v| v != "0");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for kind in [SchemaKind::Rules, SchemaKind::Config] {
        let path = root.join(committed_path(kind));
        let generated = generate(kind);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
            continue;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is out of date with the serde types: run `POSTSCRUB_BLESS=1 cargo test --test schemas` and commit it",
            path.display()
        );
    }
}

#[test]
fn presets_point_at_the_rule_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, text) in postscrub::rules::presets::PRESETS {
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schemas/rules.schema.json\n"),
            "rules/{name}.yaml: first line must name the schema"
        );
    }
    assert!(root.join("schemas/rules.schema.json").is_file());
}
