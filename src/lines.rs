//! Byte offsets → 1-based line numbers, for messages that point into a file.
//!
//! Counting newlines from the start for every offset is quadratic when a post has many of them
//! (100,000 raw-HTML islands, each a rule fire); this index is built once per text, in one pass,
//! and answers each question with a binary search.

/// The byte offset where each line of a text starts.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
