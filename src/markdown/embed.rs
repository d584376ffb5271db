//! Embeds (`<iframe>`, `<video>`, `<audio>`, `<embed>`, `<object>`): what each one becomes.
//!
//! Markdown has no embed, so the choice is the user's (`--embeds keep|link|drop`) and the
//! target's: a site generator that renders raw HTML (Hexo's marked, Jekyll's kramdown) can keep
//! the player as a sanitized HTML block; Hugo has built-in shortcodes for YouTube and Vimeo and
//! drops raw HTML unless told otherwise; a plain Markdown file gets a readable link. This module
//! makes that decision for one element, from the attributes the converter read, and writes the
//! result; where it goes (a block of its own, a table cell, a link's text) is the state
//! machine's business.
//!
//! Kept players carry only an allow-list of attributes, never a script or an event handler,
//! and their sources are written `https://`: an `http://` iframe on an https page is blocked
//! outright as mixed content (an `http://` video or audio is upgraded by the browser anyway),
//! and a protocol-relative `//host` source means https on any published site.

use super::escape::push_html_escaped;

/// How embeds are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Embeds {
    /// A link to the player or the media (`[Video: YouTube](https://www.youtube.com/watch?v=…)`).
    #[default]
    Link,
    /// Nothing: the embed is removed.
    Drop,
    /// A sanitized HTML player on its own line (Hexo, Jekyll).
    Html,
    /// Hugo's built-in shortcodes where one exists, else a sanitized HTML player.
    HugoShortcodes,
}

/// Which element an embed came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Frame,
    Video,
    Audio,
    /// `<embed>`, `<object>`: plug-in content (Flash), which no browser plays any more.
    Plugin,
}

impl Kind {
    pub(crate) fn from_name(name: &str) -> Kind {
        match name {
            "video" => Kind::Video,
            "audio" => Kind::Audio,
            "iframe" => Kind::Frame,
            _ => Kind::Plugin,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Video => "Video",
            Kind::Audio => "Audio",
            Kind::Frame | Kind::Plugin => "Embed",
        }
    }
}

/// The attributes of an embed that can matter, entity-decoded, unchecked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EmbedAttrs {
    pub src: Option<String>,
    pub width: Option<String>,
    pub height: Option<String>,
    pub frameborder: Option<String>,
    pub allow: Option<String>,
    pub allowfullscreen: bool,
    pub sandbox: Option<String>,
    pub poster: Option<String>,
    pub preload: Option<String>,
    pub looped: bool,
    pub muted: bool,
    pub playsinline: bool,
    /// `<source src type>` children (and `<param>` movie URLs), in order.
    pub sources: Vec<(String, Option<String>)>,
}

/// More `<source>` children than this are not kept (a player needs a few formats at most).
pub(crate) const MAX_SOURCES: usize = 8;

/// An embed decided: always a link (what inline contexts such as a heading or a link's text
/// can hold), and the block that replaces it where it stands on its own, if it is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rendered {
    pub label: String,
    pub url: String,
    pub block: Option<Block>,
}

/// A kept embed as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    /// The line(s): an HTML player or a Hugo shortcode.
    pub text: String,
    /// Raw HTML (false for a shortcode).
    pub html: bool,
}

/// What an embed becomes, or `None` when it is dropped or has no usable source.
pub(crate) fn render(kind: Kind, attrs: &EmbedAttrs, mode: Embeds) -> Option<Rendered> {
    if mode == Embeds::Drop {
        return None;
    }
    let src = attrs
        .src
        .as_deref()
        .or_else(|| attrs.sources.first().map(|(s, _)| s.as_str()))
        .map(str::trim)
        .filter(|s| !s.is_empty())?;
    let player = (kind == Kind::Frame).then(|| Player::of(src)).flatten();
    let (label, url) = match &player {
        Some(p) => (format!("Video: {}", p.site()), p.page_url()),
        None => {
            let url = match src.strip_prefix("//") {
                Some(rest) => format!("https://{rest}"),
                None => src.to_owned(),
            };
            let label = match host_of(&url) {
                Some(host) => format!("{}: {host}", kind.label()),
                None => kind.label().to_owned(),
            };
            (label, url)
        }
    };
    let block = match mode {
        Embeds::Link | Embeds::Drop => None,
        Embeds::HugoShortcodes => match player.as_ref().and_then(Player::shortcode) {
            Some(text) => Some(Block { text, html: false }),
            None => html_player(kind, attrs),
        },
        Embeds::Html => html_player(kind, attrs),
    };
    Some(Rendered { label, url, block })
}

/// A video site's player recognized from its embed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Player {
    YouTube { id: String, start: Option<String> },
    Vimeo { id: String },
    Bilibili { video: String, page: Option<String> },
}

impl Player {
    fn of(src: &str) -> Option<Player> {
        let url = web_url(src)?;
        let host = host_of(&url)?.to_ascii_lowercase();
        let rest = url.split_once("://")?.1;
        let path_query = rest.get(rest.find('/')?..)?;
        let (path, query) = path_query
            .split_once('?')
            .map_or((path_query, ""), |(p, q)| {
                (p, q.split('#').next().unwrap_or(""))
            });
        let param = |name: &str| {
            query.split('&').find_map(|kv| {
                let (k, v) = kv.split_once('=')?;
                (k == name && !v.is_empty()).then(|| v.to_owned())
            })
        };
        let word = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        };
        let digits =
            |s: &str| !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit());
        let youtube = matches!(
            host.as_str(),
            "www.youtube.com"
                | "youtube.com"
                | "m.youtube.com"
                | "www.youtube-nocookie.com"
                | "youtube-nocookie.com"
        );
        if youtube {
            let id = path.strip_prefix("/embed/")?.trim_end_matches('/');
            return word(id).then(|| Player::YouTube {
                id: id.to_owned(),
                start: param("start").filter(|s| digits(s)),
            });
        }
        if host == "player.vimeo.com" {
            let id = path.strip_prefix("/video/")?.trim_end_matches('/');
            return digits(id).then(|| Player::Vimeo { id: id.to_owned() });
        }
        if host == "player.bilibili.com" && path == "/player.html" {
            let video = param("bvid")
                .filter(|b| word(b) && b.starts_with("BV"))
                .or_else(|| param("aid").filter(|a| digits(a)).map(|a| format!("av{a}")))?;
            let page = param("page")
                .or_else(|| param("p"))
                .filter(|p| digits(p) && p != "1");
            return Some(Player::Bilibili { video, page });
        }
        None
    }

    fn site(&self) -> &'static str {
        match self {
            Player::YouTube { .. } => "YouTube",
            Player::Vimeo { .. } => "Vimeo",
            Player::Bilibili { .. } => "Bilibili",
        }
    }

    /// The video's own page: what a reader opens.
    fn page_url(&self) -> String {
        match self {
            Player::YouTube { id, start: None } => format!("https://www.youtube.com/watch?v={id}"),
            Player::YouTube { id, start: Some(s) } => {
                format!("https://www.youtube.com/watch?v={id}&t={s}s")
            }
            Player::Vimeo { id } => format!("https://vimeo.com/{id}"),
            Player::Bilibili { video, page: None } => {
                format!("https://www.bilibili.com/video/{video}")
            }
            Player::Bilibili {
                video,
                page: Some(p),
            } => format!("https://www.bilibili.com/video/{video}?p={p}"),
        }
    }

    /// Hugo's built-in shortcode for this player, if Hugo has one (`youtube`, `vimeo`).
    fn shortcode(&self) -> Option<String> {
        match self {
            Player::YouTube { id, start: None } => Some(format!("{{{{< youtube {id} >}}}}")),
            Player::YouTube { id, start: Some(s) } => {
                Some(format!("{{{{< youtube id=\"{id}\" start=\"{s}\" >}}}}"))
            }
            Player::Vimeo { id } => Some(format!("{{{{< vimeo {id} >}}}}")),
            Player::Bilibili { .. } => None,
        }
    }
}

/// The sanitized HTML player, or `None` when the element cannot be kept as one (no http(s)
/// source, or plug-in content).
fn html_player(kind: Kind, a: &EmbedAttrs) -> Option<Block> {
    let mut out = String::new();
    match kind {
        Kind::Plugin => return None,
        Kind::Frame => {
            let src = web_url(a.src.as_deref()?)?;
            out.push_str("<iframe");
            push_attr(&mut out, "src", &src);
            push_size(&mut out, a);
            if let Some(v) = a.frameborder.as_deref().filter(|v| is_token(v, 8)) {
                push_attr(&mut out, "frameborder", v);
            }
            if let Some(v) = a.allow.as_deref().filter(|v| is_allow_list(v)) {
                push_attr(&mut out, "allow", v);
            }
            if a.allowfullscreen {
                out.push_str(" allowfullscreen");
            }
            // `sandbox` only takes permissions away from the frame: keeping it is safer.
            if let Some(v) = a.sandbox.as_deref().filter(|v| is_sandbox(v)) {
                push_attr(&mut out, "sandbox", v);
            }
            out.push_str("></iframe>");
        }
        Kind::Video | Kind::Audio => {
            let name = if kind == Kind::Video {
                "video"
            } else {
                "audio"
            };
            let src = a.src.as_deref().and_then(web_url);
            let sources: Vec<(String, Option<&str>)> = a
                .sources
                .iter()
                .filter_map(|(s, t)| {
                    let t = t.as_deref().filter(|t| is_mime(t));
                    web_url(s).map(|s| (s, t))
                })
                .collect();
            if src.is_none() && sources.is_empty() {
                return None;
            }
            // The open tag alone on the first line: an HTML block (CommonMark type 7,
            // kramdown's block HTML) that ends at the blank line after the close tag.
            out.push('<');
            out.push_str(name);
            // Autoplay is never kept, so without controls the player could not be started.
            out.push_str(" controls");
            if let Some(src) = &src {
                push_attr(&mut out, "src", src);
            }
            if kind == Kind::Video {
                if let Some(poster) = a.poster.as_deref().and_then(web_url) {
                    push_attr(&mut out, "poster", &poster);
                }
                push_size(&mut out, a);
            }
            if let Some(v) = a
                .preload
                .as_deref()
                .filter(|v| matches!(*v, "none" | "metadata" | "auto"))
            {
                push_attr(&mut out, "preload", v);
            }
            for (flag, on) in [
                ("loop", a.looped),
                ("muted", a.muted),
                ("playsinline", a.playsinline && kind == Kind::Video),
            ] {
                if on {
                    out.push(' ');
                    out.push_str(flag);
                }
            }
            out.push('>');
            for (s, t) in &sources {
                out.push_str("\n<source");
                push_attr(&mut out, "src", s);
                if let Some(t) = t {
                    push_attr(&mut out, "type", t);
                }
                out.push('>');
            }
            out.push_str("\n</");
            out.push_str(name);
            out.push('>');
        }
    }
    Some(Block {
        text: out,
        html: true,
    })
}

fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    push_html_escaped(out, value);
    out.push('"');
}

fn push_size(out: &mut String, a: &EmbedAttrs) {
    for (name, v) in [("width", &a.width), ("height", &a.height)] {
        if let Some(v) = v.as_deref().filter(|v| is_size(v)) {
            push_attr(out, name, v);
        }
    }
}

/// An absolute http(s) or protocol-relative URL, written `https://`; `None` for anything else
/// (relative paths, other schemes).
pub(crate) fn web_url(src: &str) -> Option<String> {
    let src = src.trim();
    let rest = if let Some(rest) = src.strip_prefix("//") {
        rest
    } else {
        let (scheme, rest) = src.split_once("://")?;
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            return None;
        }
        rest
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(format!("https://{rest}"))
}

/// The host of an absolute URL, for labels.
pub(crate) fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?;
    (!host.is_empty()).then_some(host)
}

/// `650`, `100%`.
fn is_size(v: &str) -> bool {
    let digits = v.strip_suffix('%').unwrap_or(v);
    (1..=5).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn is_token(v: &str, max: usize) -> bool {
    (1..=max).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A permissions-policy list: `autoplay; fullscreen 'self' https://x.example`.
fn is_allow_list(v: &str) -> bool {
    !v.trim().is_empty()
        && v.len() <= 512
        && v.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b' ' | b';' | b'-' | b'*' | b'\'' | b'.' | b':' | b'/')
        })
}

/// `allow-scripts allow-popups`.
fn is_sandbox(v: &str) -> bool {
    v.len() <= 512
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || matches!(b, b' ' | b'-'))
}

/// `video/mp4`, `video/webm; codecs="vp9"` is not kept (quotes), `audio/mpeg` is.
fn is_mime(v: &str) -> bool {
    (3..=64).contains(&v.len())
        && v.contains('/')
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'+' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(src: &str) -> EmbedAttrs {
        EmbedAttrs {
            src: Some(src.into()),
            ..EmbedAttrs::default()
        }
    }

    #[test]
    fn players_link_to_their_pages() {
        let r = render(
            Kind::Frame,
            &frame("//player.bilibili.com/player.html?aid=422316914&high_quality=1"),
            Embeds::Link,
        )
        .unwrap();
        assert_eq!(r.label, "Video: Bilibili");
        assert_eq!(r.url, "https://www.bilibili.com/video/av422316914");
        assert_eq!(r.block, None);
        let r = render(
            Kind::Frame,
            &frame("https://player.bilibili.com/player.html?bvid=BV1xx411c7mD&page=2"),
            Embeds::Link,
        )
        .unwrap();
        assert_eq!(r.url, "https://www.bilibili.com/video/BV1xx411c7mD?p=2");
        let r = render(
            Kind::Frame,
            &frame("https://www.youtube-nocookie.com/embed/0RKpf3rK57I?start=30"),
            Embeds::HugoShortcodes,
        )
        .unwrap();
        assert_eq!(r.url, "https://www.youtube.com/watch?v=0RKpf3rK57I&t=30s");
        assert_eq!(
            r.block.unwrap().text,
            "{{< youtube id=\"0RKpf3rK57I\" start=\"30\" >}}"
        );
        let r = render(
            Kind::Frame,
            &frame("https://player.vimeo.com/video/55073825"),
            Embeds::HugoShortcodes,
        )
        .unwrap();
        assert_eq!(r.block.unwrap().text, "{{< vimeo 55073825 >}}");
    }

    #[test]
    fn kept_frames_carry_only_safe_attributes() {
        let a = EmbedAttrs {
            src: Some("http://v.example/e?a=1&b=\"2\"".into()),
            width: Some("100%".into()),
            height: Some("200px".into()),
            frameborder: Some("no".into()),
            allow: Some("autoplay; fullscreen".into()),
            allowfullscreen: true,
            sandbox: Some("allow-scripts\" onload=\"x".into()),
            ..EmbedAttrs::default()
        };
        let r = render(Kind::Frame, &a, Embeds::Html).unwrap();
        assert_eq!(r.label, "Embed: v.example");
        assert_eq!(
            r.block.unwrap().text,
            "<iframe src=\"https://v.example/e?a=1&amp;b=&quot;2&quot;\" width=\"100%\" frameborder=\"no\" allow=\"autoplay; fullscreen\" allowfullscreen></iframe>"
        );
        // A relative or non-web source is not kept as a player.
        assert_eq!(
            render(Kind::Frame, &frame("/local.html"), Embeds::Html)
                .unwrap()
                .block,
            None
        );
        assert!(web_url("javascript://x").is_none());
        assert!(render(Kind::Frame, &frame("https://x"), Embeds::Drop).is_none());
    }

    #[test]
    fn kept_media_lists_sources() {
        let a = EmbedAttrs {
            poster: Some("//v.example/p.jpg".into()),
            sources: vec![
                ("https://v.example/a.webm".into(), Some("video/webm".into())),
                ("/rel.mp4".into(), None),
            ],
            ..EmbedAttrs::default()
        };
        let r = render(Kind::Video, &a, Embeds::Html).unwrap();
        assert_eq!(r.label, "Video: v.example");
        assert_eq!(
            r.block.unwrap().text,
            "<video controls poster=\"https://v.example/p.jpg\">\n<source src=\"https://v.example/a.webm\" type=\"video/webm\">\n</video>"
        );
        let plugin = render(
            Kind::Plugin,
            &frame("https://e.example/x.swf"),
            Embeds::Html,
        )
        .unwrap();
        assert_eq!(plugin.label, "Embed: e.example");
        assert_eq!(plugin.block, None);
    }
}
