//! Length-sorted batching: texts of similar length share a batch, so little compute is spent
//! on padding. Scoring sorts by token count, batches, and puts results back in input order.

/// Splits item indices into batches of at most `batch_size`, grouping items of similar length.
/// Within each batch, indices are in ascending length order (ties keep input order).
pub fn length_sorted_batches(lengths: &[usize], batch_size: usize) -> Vec<Vec<usize>> {
    let batch_size = batch_size.max(1);
    let mut order: Vec<usize> = (0..lengths.len()).collect();
    order.sort_by_key(|&i| lengths[i]); // stable: equal lengths keep their input order
    order.chunks(batch_size).map(|c| c.to_vec()).collect()
}

/// Puts per-batch results back into input order: `batches[b][k]` is the input index of
/// `results[b][k]`. Every index in `0..n` must appear exactly once.
pub fn restore_order<T>(n: usize, batches: &[Vec<usize>], results: Vec<Vec<T>>) -> Vec<T> {
    let mut slots: Vec<Option<T>> = (0..n).map(|_| None).collect();
    for (indices, values) in batches.iter().zip(results) {
        assert_eq!(indices.len(), values.len(), "a batch returned the wrong number of results");
        for (&i, v) in indices.iter().zip(values) {
            slots[i] = Some(v);
        }
    }
    slots.into_iter().map(|s| s.expect("every input index is in exactly one batch")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_group_similar_lengths_and_cover_every_index_once() {
        let lengths = [5, 1, 9, 1, 3, 7, 2];
        let batches = length_sorted_batches(&lengths, 3);
        assert_eq!(batches, vec![vec![1, 3, 6], vec![4, 0, 5], vec![2]]);
        let restored = restore_order(
            lengths.len(),
            &batches,
            batches.iter().map(|b| b.iter().map(|&i| lengths[i] * 10).collect()).collect(),
        );
        assert_eq!(restored, vec![50, 10, 90, 10, 30, 70, 20]);
    }

    #[test]
    fn empty_input_gives_no_batches() {
        assert!(length_sorted_batches(&[], 8).is_empty());
        assert!(restore_order::<u8>(0, &[], vec![]).is_empty());
    }
}
