//! What each site target writes for its generator's Markdown renderer, through the command
//! line: escapes against typographic substitution (hexo-renderer-marked, goldmark, kramdown),
//! kramdown's tables and emphasis, marked's greedy autolinks, Hugo shortcodes, and the name of
//! a Jekyll post without a date. These outputs are full of backslashes, which the trycmd cases
//! in tests/cmd cannot check (they read `\` as a path separator), so they are checked here,
//! byte for byte. scripts/site-check builds the corpus with the real generators.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_postscrub");

/// `postscrub convert -` with `args`, on `html`: stdout and stderr.
fn convert(html: &str, args: &[&str]) -> (String, String) {
    let mut child = Command::new(BIN)
        .env("POSTSCRUB_NO_CACHE", "1")
        .args(["convert", "-", "--no-site", "--no-config"])
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(html.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn hexo_escapes_what_smartypants_would_change() {
    let html = "<p>He said \"hi\" -- it's 1990s... ----分割线---- see https://a.example/x<a href=\"https://b.example/\">b</a></p>";
    let (md, _) = convert(html, &["--target", "hexo"]);
    assert_eq!(
        md,
        "He said \\\"hi\\\" -\\- it\\'s 1990s..\\. -\\--\\-分割线-\\--\\- see https\\://a.example/x[b](https://b.example/)\n"
    );
    // The same for a plain CommonMark reader, and with the typographer off: nothing added.
    let plain = "He said \"hi\" -- it's 1990s... ----分割线---- see https://a.example/x[b](https://b.example/)\n";
    assert_eq!(convert(html, &["--target", "plain"]).0, plain);
    let (off, _) = convert(html, &["--target", "hexo", "--typographer", "off"]);
    assert_eq!(
        off,
        plain.replace("https://a.example/x[", "https\\://a.example/x[")
    );
}

#[test]
fn hexo_tags_keep_their_quotes() {
    let (md, _) = convert(
        "<p>{% asset_img cover.png \"A cover\" %} and \"quoted\"</p>",
        &["--target", "hexo"],
    );
    assert_eq!(
        md,
        "{% asset_img cover.png \"A cover\" %} and \\\"quoted\\\"\n"
    );
}

#[test]
fn hugo_escapes_only_where_goldmark_substitutes() {
    // goldmark leaves a quote between spaces or between letters alone, and `<<` is a guillemet.
    let (md, _) = convert(
        "<p>中 \" 你 \" 好 \"x\" a\"b -- ... &lt;&lt;k&gt;&gt;</p>",
        &["--target", "hugo"],
    );
    assert_eq!(md, "中 \" 你 \" 好 \\\"x\\\" a\"b -\\- ..\\. <\\<k>\\>\n");
}

#[test]
fn hugo_shortcode_openers_stay_text() {
    let (md, err) = convert(
        "<p>use {{< figure >}} or {{% note %}}</p><p><code>{{< x >}}</code> and <code>{{< open</code></p><pre>{{% y %}}</pre>",
        &["--target", "hugo"],
    );
    assert_eq!(
        md,
        "use {{\\< figure >}} or {{\\% note %}}\n\n`{{</* x */>}}` and <code>\\{\\{&lt; open</code>\n\n```\n{{%/* y */%}}\n```\n"
    );
    // The HTML code span is raw HTML: Hugo must be told.
    assert!(err.contains("[hugo-raw-html]"), "{err}");
    // A table that stays HTML: `<` is `&lt;` there, and `%` becomes a reference.
    let (md, _) = convert(
        "<table><tr><td colspan=2>{{% a %}} {{< b >}}</td></tr><tr><td>x</td><td>y</td></tr></table>",
        &["--target", "hugo"],
    );
    assert!(
        md.contains("<td colspan=\"2\">{{&#37; a %}} {{&lt; b &gt;}}</td>"),
        "{md}"
    );
}

#[test]
fn jekyll_escapes_what_kramdown_misreads() {
    let (md, _) = convert(
        "<p>作 者 | 龙龙龙 编 辑 | 唐也钦</p><p>其中，*ST华讯、*ST腾邦 a * b \"停牌\"</p><p>{{ x }}</p>",
        &["--target", "jekyll"],
    );
    assert_eq!(
        md,
        "作 者 \\| 龙龙龙 编 辑 \\| 唐也钦\n\n其中，\\*ST华讯、\\*ST腾邦 a * b \\\"停牌\\\"\n\n{% raw %}{{ x }}{% endraw %}\n"
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_jekyll_post_without_a_date_is_named_by_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let post = dir.path().join("_posts/d.md");
    write(&post, "---\ntitle: d\n---\n\nno date\n");
    // 2021-03-04 20:00 UTC is already the 5th in Shanghai.
    let when = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_614_888_000);
    std::fs::File::options()
        .write(true)
        .open(&post)
        .unwrap()
        .set_modified(when)
        .unwrap();
    let out = Command::new(BIN)
        .env("POSTSCRUB_NO_CACHE", "1")
        .current_dir(dir.path())
        .args([
            "convert",
            "_posts",
            "--out",
            "site/_posts",
            "--no-config",
            "--target",
            "jekyll",
            "--timezone",
            "Asia/Shanghai",
        ])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        dir.path().join("site/_posts/2021-03-05-d.md").is_file(),
        "{err}"
    );
    assert!(
        err.contains("named by the day the file was last modified (2021-03-05)"),
        "{err}"
    );
}
