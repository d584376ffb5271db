//! Rule sets shipped inside the binary, selectable by name (`--rules sina-finance`).
//!
//! They are plain rule files under `rules/` at the crate root: data, not code, and tested by
//! their own `examples:` like any user rule file.

/// `(name, YAML)` of every shipped preset, sorted by name.
pub const PRESETS: &[(&str, &str)] = &[
    ("36kr", include_str!("../../rules/36kr.yaml")),
    (
        "rsshub-common",
        include_str!("../../rules/rsshub-common.yaml"),
    ),
    (
        "sina-finance",
        include_str!("../../rules/sina-finance.yaml"),
    ),
];

pub fn get(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|(n, _)| *n)
}
