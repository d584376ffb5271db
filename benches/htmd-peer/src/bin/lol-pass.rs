//! lol_html pass-through: a rewriter with no handlers over each post body (the cheapest thing a
//! lol_html-based tool can do), with postscrub's settings (non-strict).
//!
//! Usage: `lol-pass PATH...`; the rewritten HTML is counted, not written.

use lol_html::{HtmlRewriter, Settings};
use postscrub_bench_peers::{body, posts_from_args, read, report};

fn main() {
    let files = posts_from_args();
    let (mut inb, mut outb) = (0, 0);
    for f in &files {
        let bytes = read(f);
        let html = body(&bytes);
        inb += html.len();
        let mut rw = HtmlRewriter::new(Settings::new().with_strict(false), |c: &[u8]| {
            outb += c.len()
        });
        rw.write(html).expect("rewrite");
        rw.end().expect("rewrite");
    }
    report("lol_html pass-through", files.len(), inb, outb);
}
