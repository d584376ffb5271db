//! Converts the HTML on stdin to Markdown on stdout (for eyeballing output).
//! `--hexo` turns on Nunjucks safety, `--keep-indent` keeps U+3000 indents.
use std::io::{Read, Write};

use postscrub::markdown::{Options, convert};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let opts = Options {
        nunjucks_safe: args.iter().any(|a| a == "--hexo"),
        keep_fullwidth_indent: args.iter().any(|a| a == "--keep-indent"),
    };
    let mut html = String::new();
    std::io::stdin().read_to_string(&mut html)?;
    std::io::stdout().write_all(convert(&html, &opts).as_bytes())
}
