//! Test folders for unit tests: a temporary tree holding the files named, so each test module
//! does not write its own loop of `create_dir_all` and `write`.

/// A temporary folder holding `files` (relative paths, parents made), each with `text`.
pub(crate) fn tree(files: &[&str], text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let path = dir.path().join(f);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}
