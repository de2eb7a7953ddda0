//! One comparison sort for the whole app.
//!
//! Each call of `slice::sort_by` (or `sort`, `sort_by_key`, `sort_unstable`...) compiles its own
//! copy of the standard library's sort for its element type and comparator: about 3.5 KB of wasm
//! each, 56 KB for the fourteen the app had. Here the standard sort is compiled once, over row
//! indices with a comparator behind `dyn`, and the result is applied to the slice by following
//! the permutation's cycles (a few hundred bytes per element type).
//!
//! Every sort here is stable. It suits the small sorts (failure groups, filter values, summary
//! series, a page of looked-up entries) and the rare ones; the store's big sorts over a million
//! rows are radix sorts (`store::radix_order`).

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (`slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order = sorted_indices(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, &mut order);
}

/// Sorts `v` by a key, stably (`slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` by a key computed once per element, stably (`slice::sort_by_cached_key`).
pub fn sort_by_cached_key<T, K: Ord>(v: &mut [T], key: impl FnMut(&T) -> K) {
    if v.len() < 2 {
        return;
    }
    let keys: Vec<K> = v.iter().map(key).collect();
    let mut order = sorted_indices(v.len(), &mut |a, b| keys[a].cmp(&keys[b]));
    permute(v, &mut order);
}

/// Sorts `v` in its natural order, stably (`slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The positions `0..n` in the order `cmp` gives them (ties keep their position order). The one
/// instance of the standard sort.
#[inline(never)]
fn sorted_indices(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<u32> {
    let n = u32::try_from(n).expect("sorting at most u32::MAX elements");
    let mut order: Vec<u32> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a as usize, b as usize));
    order
}

/// Rearranges `v` so that `v[i]` becomes the old `v[order[i]]`, in place (each cycle of the
/// permutation is walked once; `order` is spent as the walk's marks).
fn permute<T>(v: &mut [T], order: &mut [u32]) {
    debug_assert_eq!(v.len(), order.len());
    for start in 0..v.len() {
        let mut at = start;
        while order[at] as usize != start {
            let from = order[at] as usize;
            if from == at {
                break;
            }
            v.swap(at, from);
            order[at] = at as u32;
            at = from;
        }
        order[at] = at as u32;
    }
}

// proptest is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Each function sorts exactly as its standard counterpart does, ties included (the
        /// tag is the element's first position, invisible to the comparison).
        #[test]
        fn sorts_as_the_standard_sort(keys in prop::collection::vec(0u8..6, 0..300)) {
            let tagged: Vec<(u8, usize)> = keys.iter().copied().zip(0..).collect();

            let mut expected = tagged.clone();
            expected.sort_by_key(|e| std::cmp::Reverse(e.0));
            let mut got = tagged.clone();
            sort_by(&mut got, |a, b| b.0.cmp(&a.0));
            prop_assert_eq!(&got, &expected);

            let mut expected = tagged.clone();
            expected.sort_by_key(|e| e.0);
            let mut got = tagged.clone();
            sort_by_key(&mut got, |e| e.0);
            prop_assert_eq!(&got, &expected);
            let mut got = tagged.clone();
            sort_by_cached_key(&mut got, |e| e.0.to_string());
            prop_assert_eq!(&got, &expected);

            let mut expected = keys.clone();
            expected.sort();
            let mut got = keys.clone();
            sort(&mut got);
            prop_assert_eq!(got, expected);
        }

        /// Any permutation is applied as asked, whatever its cycles.
        #[test]
        fn permute_applies_any_permutation(order in Just((0u32..200).collect::<Vec<_>>()).prop_shuffle()) {
            let old: Vec<String> = (0..order.len()).map(|i| format!("v{i}")).collect();
            let mut v = old.clone();
            let mut marks = order.clone();
            permute(&mut v, &mut marks);
            let expected: Vec<String> = order.iter().map(|&i| old[i as usize].clone()).collect();
            prop_assert_eq!(v, expected);
        }
    }
}
