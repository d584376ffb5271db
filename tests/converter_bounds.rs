//! The converter on generated hostile inputs: deep nesting and huge blocks
//! neither panic nor overflow the stack, and the output keeps its shape and
//! its source mapping. Timing is not asserted here; `scripts/converter-bounds`
//! measures time and memory on a release build.

use postscrub::markdown::{MAX_DEPTH, MAX_TABLE_DEPTH, Options, convert};

fn md(html: &str) -> String {
    convert(html, &Options::default())
}

/// Runs `f` on a thread with a small stack (rayon workers and test threads
/// have 2 MiB): deep input must not need more.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic, no overflow")
}

#[test]
fn three_thousand_nested_tables() {
    let n = 3000;
    let html = format!(
        "{}deep{}",
        "<table><tr><td>".repeat(n),
        "</td></tr></table>".repeat(n)
    );
    let out = small_stack(move || md(&html));
    assert!(out.contains("deep"), "{out}");
    assert!(
        out.len() < 1 << 20,
        "output stays small: {} bytes",
        out.len()
    );
}

#[test]
fn nested_tables_of_two_columns() {
    let n = 2000;
    let html = format!(
        "{}deep{}",
        "<table><tr><td>a</td><td>".repeat(n),
        "</td></tr></table>".repeat(n)
    );
    let out = small_stack(move || md(&html));
    assert!(out.contains("deep"));
    // Flattened past the limit: no more nested tables than it allows.
    assert!(out.matches("<table>").count() <= MAX_TABLE_DEPTH, "{out}");
}

#[test]
fn hundred_thousand_nested_divs() {
    let n = 100_000;
    let html = format!("{}bottom{}", "<div>".repeat(n), "</div>".repeat(n));
    assert_eq!(small_stack(move || md(&html)), "bottom\n");
}

#[test]
fn deep_quotes_and_lists_are_bounded() {
    let n = 5000;
    let html = format!("{}q{}", "<blockquote>".repeat(n), "</blockquote>".repeat(n));
    let out = small_stack(move || md(&html));
    let depth = out.trim_end().matches('>').count();
    assert!(depth > 0 && depth <= MAX_DEPTH, "quote depth {depth}");
    assert!(out.trim_end().ends_with('q'));
    let html = format!("{}item{}", "<ul><li>".repeat(n), "</li></ul>".repeat(n));
    let out = small_stack(move || md(&html));
    assert!(out.trim_end().ends_with("- item"));
    assert!(out.len() < 8 * MAX_DEPTH * MAX_DEPTH, "{} bytes", out.len());
}

#[test]
fn seventy_thousand_bold_spans_in_one_block() {
    let n = 70_000;
    let html = format!("<p>{}</p>", "<b>x</b> ".repeat(n));
    let out = md(&html);
    assert_eq!(out.matches("**x**").count(), n);
}

#[test]
fn seventy_thousand_links_keep_their_targets() {
    let n = 70_000;
    let html: String = (0..n)
        .map(|i| format!("<a href=\"/p/{i}\">{i}</a> "))
        .collect();
    let out = md(&format!("<p>{html}</p>"));
    let want: String = (0..n)
        .map(|i| format!("[{i}](/p/{i})"))
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(out, format!("{want}\n"));
}

#[test]
fn seventy_thousand_images_keep_their_sources() {
    let n = 70_000;
    let html: String = (0..n)
        .map(|i| format!("<img src=\"/i/{i}.png\">"))
        .collect();
    let out = md(&format!("<p>{html}</p>"));
    let want: String = (0..n).map(|i| format!("![](/i/{i}.png)")).collect();
    assert_eq!(out, format!("{want}\n"));
}

#[test]
fn sixteen_thousand_bold_cjk_spans() {
    let n = 16_000;
    let html = format!("<p>{}</p>", "<strong>时间，</strong>请".repeat(n));
    let out = md(&html);
    assert_eq!(out, format!("{}\n", "**时间**，请".repeat(n)));
}

#[test]
fn many_breaks_after_many_open_marks() {
    let n = 50_000;
    let html = format!("<p>{}{}x</p>", "<b>".repeat(n), "<br>".repeat(n));
    let out = small_stack(move || md(&html));
    // Nested bold is kept (faithful), but no deeper than the nesting limit.
    assert!(out.contains('x'));
    assert!(
        out.matches("<strong>").count() <= MAX_DEPTH,
        "{} bytes",
        out.len()
    );
    // Every break comes before the first content: each shows an empty line, and is written.
    assert_eq!(out.matches("\\\n").count(), n, "one hard break per <br>");
}

#[test]
fn many_trailing_blank_spans() {
    let n = 50_000;
    let html = format!("<p>x{}</p>", "<b>&nbsp;</b> ".repeat(n));
    // Kept (faithful: trimming block-end blanks is the `trim_block_ends` rule), in linear time.
    let out = md(&html);
    assert!(out.starts_with("x<strong>\u{a0}</strong> "));
    assert_eq!(out.matches("<strong>\u{a0}</strong>").count(), n);
}

#[test]
fn many_cjk_line_breaks() {
    let n = 100_000;
    let html = format!("<p>{}</p>", "中\n".repeat(n));
    assert_eq!(md(&html), format!("{}\n", "中".repeat(n)));
}
