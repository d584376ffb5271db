//! Converts the HTML on stdin to Markdown on stdout (for eyeballing output).
//! `--hexo` turns on Nunjucks safety and keeps embeds as HTML players, `--hugo` keeps them as
//! Hugo shortcodes, `--keep-indent` keeps U+3000 indents.
use std::io::{Read, Write};

use postscrub::markdown::{Embeds, Options, convert};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let opts = Options {
        nunjucks_safe: has("--hexo"),
        keep_fullwidth_indent: has("--keep-indent"),
        embeds: if has("--hexo") {
            Embeds::Html
        } else if has("--hugo") {
            Embeds::HugoShortcodes
        } else {
            Embeds::Link
        },
        ..Options::default()
    };
    let mut html = String::new();
    std::io::stdin().read_to_string(&mut html)?;
    std::io::stdout().write_all(convert(&html, &opts).as_bytes())
}
