//! The floor of any converter built on lol_html: no-op handlers on every element (`*`) and on
//! every text chunk, which is what a converter must at least register, so lol_html tokenises
//! every tag and hands over every text chunk.
//!
//! Usage: `lol-floor PATH...`; the rewritten HTML is counted, not written.

use lol_html::{HtmlRewriter, Settings, doc_text, element};
use postscrub_bench_peers::{body, posts_from_args, read, report};

fn main() {
    let files = posts_from_args();
    let (mut inb, mut outb) = (0, 0);
    for f in &files {
        let bytes = read(f);
        let html = body(&bytes);
        inb += html.len();
        let settings = Settings::new()
            .with_strict(false)
            .append_element_content_handler(element!("*", |_el| Ok(())))
            .append_document_content_handler(doc_text!(|_t| Ok(())));
        let mut rw = HtmlRewriter::new(settings, |c: &[u8]| outb += c.len());
        rw.write(html).expect("rewrite");
        rw.end().expect("rewrite");
    }
    report("lol_html floor", files.len(), inb, outb);
}
