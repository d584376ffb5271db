//! Byte offsets → 1-based line and column numbers, for messages that point into a file.
//!
//! Counting newlines from the start for every offset is quadratic when a post has many of them
//! (100,000 raw-HTML islands, each a rule fire); this index is built once per text, in one pass,
//! and answers each question with a binary search.

/// `text.split('\n')` by the memchr crate's vector search (a `char` split goes a word at a
/// time): for the converter's blocks and front matter, split on every post.
pub(crate) fn split_lf(text: &str) -> impl Iterator<Item = &str> {
    let mut ends = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let from = start?;
        match ends.next() {
            Some(end) => {
                start = Some(end + 1);
                Some(&text[from..end])
            }
            None => {
                start = None;
                Some(&text[from..])
            }
        }
    })
}

/// The byte offset where each line of a text starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        // A memchr-backed search, not a test of every byte: this runs over whole posts.
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The 1-based line that holds byte `offset` (an offset past the end is on the last line).
    pub fn line(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        // Lines starting at or before `offset`.
        self.starts.partition_point(|&s| s <= offset)
    }

    /// The 1-based line and column of byte `offset` in `text` (the text the index was built
    /// from). Columns count characters (Unicode scalar values), not bytes: `中文x` has `x` at
    /// column 3. An offset inside a character counts that character as before it.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let end = offset.min(self.len).min(text.len());
        let column = text.as_bytes()[start.min(end)..end]
            .iter()
            .filter(|b| (**b as i8) >= -0x40)
            .count();
        (line, column + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_lf_is_split_on_newline() {
        for text in [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "\na",
            "a\nb",
            "a\r\nb\n\n中\n",
            "中文",
        ] {
            assert_eq!(
                split_lf(text).collect::<Vec<_>>(),
                text.split('\n').collect::<Vec<_>>(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn lines_of_offsets() {
        let text = "ab\ncd\n\nx";
        let index = LineIndex::new(text);
        let naive = |o: usize| 1 + text[..o.min(text.len())].matches('\n').count();
        for o in 0..=text.len() + 2 {
            assert_eq!(index.line(o), naive(o), "offset {o}");
        }
        assert_eq!(LineIndex::new("").line(5), 1);
    }

    #[test]
    fn columns_count_characters() {
        let text = "ab\n中文x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), (1, 1));
        assert_eq!(index.position(text, 1), (1, 2));
        assert_eq!(index.position(text, 3), (2, 1));
        assert_eq!(index.position(text, 9), (2, 3));
        assert_eq!(index.position(text, 99), (3, 1));
    }
}
