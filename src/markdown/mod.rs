//! HTML → CommonMark + GFM (interim: the streaming converter lands on the `converter` branch).

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub keep_fullwidth_indent: bool,
    pub nunjucks_safe: bool,
}

pub fn convert(html: &str, _options: &Options) -> String {
    let t = html.trim();
    if t.is_empty() {
        String::new()
    } else {
        format!("{t}\n")
    }
}
