//! A multi-pattern byte matcher that is cheap to build.
//!
//! The verifier compiles a new set of patterns for every document: each original value in a
//! dozen encodings, so a small roster gives about a thousand patterns and a 100k-row sheet
//! hundreds of thousands. An Aho-Corasick automaton over them costs more to build (its failure
//! links) than searching the document does. This matcher builds in time linear in the number of
//! patterns: each pattern is indexed by one 8-byte window of it (4 bytes for patterns of 4 to 7
//! bytes) in a hash table laid out as one array with bucket offsets; a search hashes the 8 (and
//! 4) bytes at every position, and compares the full pattern only when the bucket holds that
//! key. The window of each pattern is chosen among its start, middle and end as the one whose
//! bucket is emptiest so far: values often share a prefix (ID numbers of one district born in
//! one decade share their first 8 digits) and indexing them all by it would make every such
//! position compare thousands of patterns. The few patterns under 4 bytes go to a small
//! Aho-Corasick automaton.
//!
//! It reports every occurrence of every pattern, overlapping ones included, like an
//! Aho-Corasick search with overlapping matches.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

const MUL: u64 = 0x9E37_79B9_7F4A_7C15;

/// Patterns keyed by one `W`-byte window (`W` is 4 or 8).
#[derive(Debug, Default)]
struct Table {
    shift: u32,
    /// `starts[b]..starts[b + 1]` are the entries of bucket `b`.
    starts: Vec<u32>,
    /// (key folded to 32 bits, pattern index, offset of the key window in the pattern), grouped
    /// by bucket.
    entries: Vec<(u32, u32, u32)>,
    /// One bit per `1 << FILTER_BITS`-th of a bucket, set where a key hashes: most positions of
    /// a haystack find their bit clear and cost one load, instead of two bucket bounds and a
    /// key comparison in about half of them (the buckets are two per pattern).
    filter: Vec<u64>,
    /// One bit for each value of the first two bytes of a key window (8 KB, which stays in
    /// the first-level cache): a position whose two bytes start no window is passed over
    /// without touching `filter`, which for a sheet's millions of patterns is megabytes and
    /// cost a cache miss at nearly every position (the tags and attributes of XML start
    /// none: their bytes pair as no value's do).
    pairs: Vec<u64>,
}

/// A key folded to 32 bits for the bucket entries (twelve bytes an entry, not sixteen): equal
/// keys fold equal; the rare different keys that fold equal are told apart by the pattern
/// comparison that follows.
#[inline(always)]
fn fold(k: u64) -> u32 {
    (k ^ (k >> 32)) as u32
}

/// The filter has `1 << FILTER_BITS` bits per bucket.
const FILTER_BITS: u32 = 3;

impl Table {
    /// `items`: (pattern index, pattern) with every pattern at least `width` bytes long.
    fn build<'a>(
        items: impl ExactSizeIterator<Item = (u32, &'a [u8])> + Clone,
        width: usize,
        key: fn(&[u8]) -> u64,
    ) -> Table {
        if items.len() == 0 {
            return Table::default();
        }
        // About two buckets per pattern, so that most positions of a haystack land in an empty
        // bucket and cost one load.
        let bits = (items.len() * 2)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let shift = 64 - bits;
        let mut filter = vec![0u64; (1usize << (bits + FILTER_BITS)).div_ceil(64)];
        let mut pairs = vec![0u64; (1 << 16) / 64];
        let buckets = 1usize << bits;
        let bucket = |k: u64| (k.wrapping_mul(MUL) >> shift) as usize;
        let mut counts = vec![0u32; buckets + 1];
        // The offset of each pattern's key window, in pattern order (the key is read again
        // from the pattern when it is placed: four bytes each, not sixteen).
        let mut chosen: Vec<u32> = Vec::with_capacity(items.len());
        for (_, pat) in items.clone() {
            let last = pat.len() - width;
            let mut best: Option<(u32, u64, usize)> = None;
            for off in [last, 0, last / 2] {
                let k = key(&pat[off..]);
                let c = counts[bucket(k) + 1];
                if best.is_none_or(|(bc, _, _)| c < bc) {
                    best = Some((c, k, off));
                }
            }
            if let Some((_, k, off)) = best {
                counts[bucket(k) + 1] += 1;
                let pair = (k & 0xFFFF) as usize;
                pairs[pair / 64] |= 1 << (pair % 64);
                let fi = (k.wrapping_mul(MUL) >> (shift - FILTER_BITS)) as usize;
                filter[fi / 64] |= 1 << (fi % 64);
                chosen.push(off as u32);
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        // `counts[b]` is where bucket `b` starts; used as its fill cursor it ends where the
        // bucket ends, which is where the next starts: shifted by one, it gives the starts.
        let mut entries = vec![(0u32, 0u32, 0u32); chosen.len()];
        for ((p, pat), off) in items.zip(chosen) {
            let k = key(&pat[off as usize..]);
            let b = bucket(k);
            entries[counts[b] as usize] = (fold(k), p, off);
            counts[b] += 1;
        }
        counts.pop();
        counts.insert(0, 0);
        Table {
            shift,
            starts: counts,
            entries,
            filter,
            pairs,
        }
    }

    /// Whether some key window starts with the first two bytes of `key`.
    #[inline(always)]
    fn pair(&self, key: u64) -> bool {
        let p = (key & 0xFFFF) as usize;
        self.pairs
            .get(p / 64)
            .is_some_and(|w| w & (1 << (p % 64)) != 0)
    }

    /// The filter position of `key`, when its bit is set (`None` for most keys: no pattern
    /// has that key).
    #[inline(always)]
    fn filtered(&self, key: u64) -> Option<usize> {
        let fi = (key.wrapping_mul(MUL) >> self.shift.saturating_sub(FILTER_BITS)) as usize;
        let w = *self.filter.get(fi / 64)?;
        (w & (1 << (fi % 64)) != 0).then_some(fi)
    }

    /// The entries of the bucket of filter position `fi`.
    #[inline]
    fn bucket_at(&self, fi: usize) -> &[(u32, u32, u32)] {
        let b = fi >> FILTER_BITS;
        match (self.starts.get(b), self.starts.get(b + 1)) {
            (Some(&s), Some(&e)) => self.entries.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Patterns written one after another into one buffer, then compiled into a [`Matcher`].
/// Writing in place avoids an allocation per pattern (a 100k-row sheet has millions).
#[derive(Debug, Default)]
pub struct MatcherBuilder {
    bytes: Vec<u8>,
    /// The end of each pattern in `bytes`; each starts where the one before ends (eight bytes
    /// a pattern rather than sixteen).
    ends: Vec<usize>,
}

/// Pattern `i` of patterns written one after another, as `ends` gives them.
#[inline]
fn span(ends: &[usize], i: usize) -> (usize, usize) {
    let start = if i == 0 { 0 } else { ends[i - 1] };
    (start, ends[i])
}

impl MatcherBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder with room for `patterns` patterns of `bytes` bytes in all, so that a large
    /// set is not copied again and again as it grows (room never written costs no memory).
    pub fn with_capacity(bytes: usize, patterns: usize) -> Self {
        MatcherBuilder {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(patterns),
        }
    }

    /// Adds a pattern; returns its index.
    pub fn push(&mut self, pattern: &[u8]) -> usize {
        self.push_with(|b| b.extend_from_slice(pattern))
    }

    /// Adds the pattern that `write` appends to the buffer; returns its index.
    pub fn push_with(&mut self, write: impl FnOnce(&mut Vec<u8>)) -> usize {
        write(&mut self.bytes);
        self.ends.push(self.bytes.len());
        self.ends.len() - 1
    }

    /// The bytes of pattern `i`.
    pub fn get(&self, i: usize) -> &[u8] {
        let (s, e) = span(&self.ends, i);
        &self.bytes[s..e]
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Removes the last pattern.
    pub fn pop(&mut self) {
        if self.ends.pop().is_some() {
            self.bytes.truncate(self.ends.last().copied().unwrap_or(0));
        }
    }

    /// Compiles the patterns; empty patterns never match.
    pub fn build(self) -> Matcher {
        let MatcherBuilder { bytes, ends } = self;
        let of = |w: usize| {
            let (bytes, ends) = (&bytes, &ends);
            (0..ends.len())
                .map(move |i| (i, span(ends, i)))
                .filter(move |(_, (s, e))| {
                    let n = e - s;
                    if w == 8 { n >= 8 } else { (4..8).contains(&n) }
                })
                .map(move |(i, (s, e))| (i as u32, &bytes[s..e]))
        };
        let long_n = of(8).count();
        let mid_n = of(4).count();
        // The two tables are independent: built side by side (a sheet's hundreds of
        // thousands of patterns took tens of milliseconds on one thread).
        let (long, mid) = rayon::join(
            || Table::build(Sized(of(8), long_n), 8, key8),
            || Table::build(Sized(of(4), mid_n), 4, key4),
        );
        let mut short = Vec::new();
        let mut short_ids = Vec::new();
        for i in 0..ends.len() {
            let (s, e) = span(&ends, i);
            if (1..4).contains(&(e - s)) {
                short.push(&bytes[s..e]);
                short_ids.push(i as u32);
            }
        }
        let short = if short.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .build(&short)
                .ok()
        };
        Matcher {
            bytes,
            ends,
            long,
            mid,
            short,
            short_ids,
        }
    }
}

/// An iterator with a known length (the filtered pattern lists above).
#[derive(Clone)]
struct Sized<I>(I, usize);

impl<I: Iterator> Iterator for Sized<I> {
    type Item = I::Item;
    fn next(&mut self) -> Option<I::Item> {
        self.0.next()
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.1, Some(self.1))
    }
}

impl<I: Iterator> ExactSizeIterator for Sized<I> {}

/// A compiled set of byte patterns.
#[derive(Debug, Default)]
pub struct Matcher {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    long: Table,
    mid: Table,
    short: Option<AhoCorasick>,
    short_ids: Vec<u32>,
}

fn key8(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

fn key4(b: &[u8]) -> u64 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u64::from(u32::from_le_bytes(a))
}

impl Matcher {
    /// Compiles the patterns; empty patterns never match. Pattern indices in results are
    /// positions in `patterns`.
    pub fn new<I, P>(patterns: I) -> Matcher
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        let mut b = MatcherBuilder::new();
        for p in patterns {
            b.push(p.as_ref());
        }
        b.build()
    }

    #[inline]
    fn pattern(&self, p: u32) -> &[u8] {
        let (s, e) = span(&self.ends, p as usize);
        &self.bytes[s..e]
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The length in bytes of pattern `p` (0 when there is no such pattern).
    pub fn pattern_len(&self, p: usize) -> usize {
        if p < self.ends.len() {
            let (s, e) = span(&self.ends, p);
            e - s
        } else {
            0
        }
    }

    /// Reports the patterns of `table` whose key window, `k` at filter position `fi`, is the
    /// window of `hay` at `i`.
    fn probe(
        &self,
        table: &Table,
        fi: usize,
        k: u64,
        hay: &[u8],
        i: usize,
        f: &mut impl FnMut(usize, usize),
    ) {
        let folded = fold(k);
        for &(key, p, off) in table.bucket_at(fi) {
            let off = off as usize;
            if key == folded
                && i >= off
                && hay
                    .get(i - off..)
                    .is_some_and(|h| h.starts_with(self.pattern(p)))
            {
                f(p as usize, i - off);
            }
        }
    }

    /// Calls `f(pattern, start)` for every occurrence of every pattern in `hay`, overlapping
    /// ones included, each once; in no particular order.
    pub fn for_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize)) {
        let n = hay.len();
        let (has_long, has_mid) = (!self.long.is_empty(), !self.mid.is_empty());
        if has_long || has_mid {
            // Every position with 8 bytes left: one load gives both keys (the 4-byte key is
            // the low half of the little-endian 8-byte one).
            for (i, w) in hay.windows(8).enumerate() {
                let k8 = key8(w);
                if has_mid
                    && self.mid.pair(k8)
                    && let Some(fi) = self.mid.filtered(k8 & 0xFFFF_FFFF)
                {
                    self.probe(&self.mid, fi, k8 & 0xFFFF_FFFF, hay, i, &mut f);
                }
                if has_long
                    && self.long.pair(k8)
                    && let Some(fi) = self.long.filtered(k8)
                {
                    self.probe(&self.long, fi, k8, hay, i, &mut f);
                }
            }
            // The last positions, with 4 to 7 bytes left.
            if has_mid {
                for i in n.saturating_sub(7)..n.saturating_sub(3) {
                    let k = key4(&hay[i..]);
                    if self.mid.pair(k)
                        && let Some(fi) = self.mid.filtered(k)
                    {
                        self.probe(&self.mid, fi, k, hay, i, &mut f);
                    }
                }
            }
        }
        if let Some(ac) = &self.short {
            for m in ac.find_overlapping_iter(hay) {
                f(self.short_ids[m.pattern().as_usize()] as usize, m.start());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn naive(patterns: &[Vec<u8>], hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (p, pat) in patterns.iter().enumerate() {
            if pat.is_empty() {
                continue;
            }
            for i in 0..hay.len() {
                if hay[i..].starts_with(pat) {
                    out.push((p, i));
                }
            }
        }
        out.sort();
        out
    }

    fn all(m: &Matcher, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        m.for_each(hay, |p, i| out.push((p, i)));
        out.sort();
        out
    }

    #[test]
    fn finds_every_occurrence_of_every_length() {
        let pats: Vec<Vec<u8>> = vec![
            b"ab".to_vec(),
            b"abc".to_vec(),
            b"abcd".to_vec(),
            b"abcdefg".to_vec(),
            b"abcdefgh".to_vec(),
            b"abcdefghij".to_vec(),
            b"bcdefghi".to_vec(),
            b"abcdefghij".to_vec(),
            Vec::new(),
            "张三丰".as_bytes().to_vec(),
        ];
        let m = Matcher::new(&pats);
        let hay = "xxabcdefghijab张三丰abcd".as_bytes();
        assert_eq!(all(&m, hay), naive(&pats, hay));
        assert!(all(&m, hay).contains(&(9, 14)));
        assert!(all(&m, b"").is_empty());
        assert!(all(&m, b"abc").contains(&(1, 0)));
        assert!(Matcher::new(Vec::<Vec<u8>>::new()).is_empty());
    }

    #[test]
    fn values_sharing_a_prefix_are_indexed_apart() {
        // 2,000 ID-like values with the same first 10 digits: each is keyed by another window,
        // so the search stays one bucket probe per position and still finds every value.
        let pats: Vec<Vec<u8>> = (0..2000)
            .map(|i| format!("3407021990{i:08}").into_bytes())
            .collect();
        let m = Matcher::new(&pats);
        let max_bucket = (0..m.long.starts.len() - 1)
            .map(|b| m.long.starts[b + 1] - m.long.starts[b])
            .max()
            .unwrap_or(0);
        assert!(max_bucket <= 8, "a bucket holds {max_bucket} patterns");
        let hay = b"x340702199000001999y3407021990000000003407021990";
        assert_eq!(all(&m, hay), naive(&pats, hay));
        assert_eq!(all(&m, hay), vec![(0, 20), (1999, 1)]);
    }

    proptest! {
        #[test]
        fn agrees_with_a_naive_search(
            pats in proptest::collection::vec(proptest::collection::vec(0u8..4, 0..12), 0..40),
            hay in proptest::collection::vec(0u8..4, 0..300),
        ) {
            let m = Matcher::new(&pats);
            prop_assert_eq!(all(&m, &hay), naive(&pats, &hay));
        }
    }
}
