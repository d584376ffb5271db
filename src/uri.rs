//! File names as URIs and stable fingerprints, for the machine formats (SARIF, GitLab).
//!
//! A file name is bytes and may hold spaces, `%`, `#`, `?`, non-ASCII or even non-UTF-8 bytes;
//! a SARIF `artifactLocation.uri` must be a valid RFC 3986 URI reference, or a code-scanning
//! upload mislocates or rejects the result. Everything outside the unreserved set and `/` is
//! percent-encoded (the `percent-encoding` crate), byte by byte, so the URI names the file
//! exactly and decodes back to it.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use std::hash::Hasher;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// RFC 3986 `unreserved` (ALPHA / DIGIT / `-` `.` `_` `~`) and the segment separator stay; all
/// else is encoded.
const PATH_SEGMENTS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A relative path as a relative URI reference (`posts/my%20post.md`). A leading `./` is
/// dropped; a first segment holding `:` is encoded, so it cannot read as a scheme.
pub fn relative_reference(path: &Path) -> String {
    let bytes = path.as_os_str().as_bytes();
    let bytes = bytes.strip_prefix(b"./").unwrap_or(bytes);
    encode(bytes)
}

/// `file:///abs/path` (with a final `/` when `dir`): the URI of an absolute path.
pub fn file_url(path: &Path, dir: bool) -> String {
    let mut url = format!("file://{}", encode(path.as_os_str().as_bytes()));
    if dir && !url.ends_with('/') {
        url.push('/');
    }
    url
}

fn encode(bytes: &[u8]) -> String {
    percent_encoding::percent_encode(bytes, PATH_SEGMENTS).to_string()
}

/// A stable 32-hex-digit fingerprint of `parts` (SipHash-1-3 128 with fixed keys: the same
/// on every machine and release, unlike std's `DefaultHasher`).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h = siphasher::sip128::SipHasher13::new_with_keys(0x706f_7374, 0x0073_6372_7562);
    for p in parts {
        h.write(p.as_bytes());
        h.write_u8(0xff);
    }
    use siphasher::sip128::Hasher128;
    format!("{:032x}", h.finish128().as_u128())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    /// RFC 3986 relative-ref path: only unreserved, `/`, and `%XX` escapes.
    fn is_uri_path(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' => {
                    if i + 2 >= b.len()
                        || !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
                    {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                c if c.is_ascii_alphanumeric() || b"-._~/".contains(&c) => {}
                _ => return false,
            }
            i += 1;
        }
        true
    }

    #[test]
    fn names_become_uri_references() {
        assert_eq!(
            relative_reference(Path::new("./posts/my post.md")),
            "posts/my%20post.md"
        );
        assert_eq!(relative_reference(Path::new("a/100%.md")), "a/100%25.md");
        assert_eq!(
            relative_reference(Path::new("新闻/a#b?.md")),
            "%E6%96%B0%E9%97%BB/a%23b%3F.md"
        );
        assert_eq!(relative_reference(Path::new("c:x.md")), "c%3Ax.md");
        let raw = Path::new(OsStr::from_bytes(b"caf\xe9.md"));
        assert_eq!(relative_reference(raw), "caf%E9.md");
        assert_eq!(
            file_url(Path::new("/w/my site"), true),
            "file:///w/my%20site/"
        );
        for name in ["a b/c.md", "x%y", "中文 名.md", "q\"'`<>.md", "t\tn\n.md"] {
            assert!(is_uri_path(&relative_reference(Path::new(name))), "{name}");
        }
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(&["p.md", "rule", "3"]);
        assert_eq!(a.len(), 32);
        assert_eq!(a, fingerprint(&["p.md", "rule", "3"]));
        assert_ne!(a, fingerprint(&["p.md", "rule", "4"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
    }
}
