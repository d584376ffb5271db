//! Closing an entry of a stack of open elements in O(1) when elements close in order.
//!
//! The rewriting handlers keep, per rule, a stack of the matches still open and drop a match
//! when its end tag arrives. `Vec::retain` does that in O(open), which made 100,000 nested
//! `<div>`s take seconds (O(depth²)). End tags arrive innermost first, so the entry to drop is
//! almost always the last one: search from the end. Entries are unique keys (match numbers),
//! so removing the last equal entry removes the only one, exactly what `retain` did.

/// Remove `key` from `open`, searching from the top of the stack.
pub(crate) fn close<T: PartialEq>(open: &mut Vec<T>, key: &T) {
    if let Some(i) = open.iter().rposition(|x| x == key) {
        open.remove(i);
    }
}

/// Remove every entry of `open` for which `belongs` holds, looking only at the entries above
/// the first one that is `< floor`. `open` must be sorted ascending (pushed in increasing
/// order, removed from anywhere), and entries `< floor` must never satisfy `belongs`: then this
/// equals `open.retain(|x| !belongs(x))` and costs only the entries opened since `floor`.
pub(crate) fn close_above(open: &mut Vec<usize>, floor: usize, belongs: impl Fn(usize) -> bool) {
    let from = open.partition_point(|&x| x < floor);
    let mut keep = from;
    for j in from..open.len() {
        if !belongs(open[j]) {
            open[keep] = open[j];
            keep += 1;
        }
    }
    open.truncate(keep);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_removes_the_one_entry_wherever_it_is() {
        let mut v = vec![1, 2, 3, 4];
        close(&mut v, &4);
        assert_eq!(v, [1, 2, 3]);
        close(&mut v, &1);
        assert_eq!(v, [2, 3]);
        close(&mut v, &9);
        assert_eq!(v, [2, 3]);
    }

    #[test]
    fn close_above_equals_retain_when_its_contract_holds() {
        // Items 0..10, item i belongs to list i / 3; list 2 opened when item 6 was next.
        let owner = |i: usize| i / 3;
        let mut v: Vec<usize> = vec![0, 2, 4, 6, 7, 8, 9];
        let mut expected = v.clone();
        expected.retain(|&i| owner(i) != 2);
        close_above(&mut v, 6, |i| owner(i) == 2);
        assert_eq!(v, expected);
    }
}
