//! The report's own stylesheet and scripts, written once under `assets/`.
//!
//! Plain JavaScript, no library, nothing fetched: the list script pages through the data files
//! (`<script src>`, as `file://` allows no `fetch()`) and filters them; the post script scrolls
//! the two frames together and swaps a frame's policy when remote images are turned on. Pages
//! build their rows with `textContent`, never `innerHTML`, so a name stays text.

/// (path in the report, contents).
pub const FILES: &[(&str, &str)] = &[
    ("assets/report.css", include_str!("assets/report.css")),
    ("assets/index.js", include_str!("assets/index.js")),
    ("assets/post.js", include_str!("assets/post.js")),
];
