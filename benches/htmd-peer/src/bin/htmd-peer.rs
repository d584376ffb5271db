//! htmd 0.5 (DOM-based, the fastest peer converter measured) on each post body, one thread.
//!
//! Usage: `htmd-peer PATH...`; the Markdown is counted, not written.

use postscrub_bench_peers::{body, posts_from_args, read, report};

fn main() {
    let files = posts_from_args();
    let (mut inb, mut outb) = (0, 0);
    for f in &files {
        let bytes = read(f);
        let html = std::str::from_utf8(body(&bytes)).expect("UTF-8 post");
        inb += html.len();
        outb += htmd::convert(html).expect("htmd converts").len();
    }
    report("htmd", files.len(), inb, outb);
}
