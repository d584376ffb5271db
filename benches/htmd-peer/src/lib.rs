//! What the three peer binaries share: find the posts, read them, and cut off the front matter,
//! so that every row of `scripts/bench` starts from the same files as postscrub does.
//!
//! The split is the minimal one the corpus needs (blank lines, then a `---` fenced block); it
//! is not postscrub's and need not be: a post without front matter is taken whole.

use std::path::{Path, PathBuf};

/// Every `*.md` file under each argument (a file is taken as given), sorted by path.
pub fn posts_from_args() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for arg in std::env::args_os().skip(1) {
        collect(Path::new(&arg), &mut files);
    }
    files.sort();
    files
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let entries = std::fs::read_dir(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for entry in entries {
            collect(&entry.expect("readable folder entry").path(), files);
        }
    } else if path.extension().is_some_and(|x| x == "md") {
        files.push(path.to_path_buf());
    }
}

/// The file's bytes.
pub fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The body: what follows the closing `---` line of a leading front matter block.
pub fn body(post: &[u8]) -> &[u8] {
    let start = post
        .iter()
        .position(|&b| !matches!(b, b'\n' | b'\r' | b' ' | b'\t'))
        .unwrap_or(post.len());
    let rest = &post[start..];
    if !rest.starts_with(b"---\n") {
        return post;
    }
    let mut at = 4;
    while at < rest.len() {
        let end = rest[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(rest.len(), |i| at + i + 1);
        let line = &rest[at..end];
        if line == b"---\n" || line == b"---" {
            return &rest[end..];
        }
        at = end;
    }
    post
}

/// Report the total output size on stderr, so no conversion can be optimised away.
pub fn report(name: &str, posts: usize, in_bytes: usize, out_bytes: usize) {
    eprintln!("{name}: {posts} posts, {in_bytes} body bytes in, {out_bytes} bytes out");
}

#[cfg(test)]
mod tests {
    use super::body;

    #[test]
    fn front_matter_is_cut_off() {
        assert_eq!(body(b"\n---\ntitle: t\n---\n<p>x</p>"), b"<p>x</p>");
        assert_eq!(body(b"<p>no front matter</p>"), b"<p>no front matter</p>");
        assert_eq!(body(b"---\nunclosed\n"), b"---\nunclosed\n");
    }
}
