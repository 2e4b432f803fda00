//! A value found once is masked everywhere it occurs.
//!
//! Detection works by context, so the same person's name is found in a `姓名` column but not
//! where it recurs without a label: in a file path (`C:\Users\dtolnay\…`), a pivot cache, a
//! settings part, a comment. Leaving those copies would publish the value and fail
//! verification, so every occurrence of a masked value in any unit is masked too. Values too
//! short to be searched safely (one character, or Latin strings under four characters, such as
//! initials) are not propagated.

use docsan_core::{Finding, UnitId};
use rayon::prelude::*;
use std::collections::BTreeSet;

fn searchable(v: &str) -> bool {
    let n = v.chars().count();
    if v.is_ascii() { n >= 4 } else { n >= 2 }
}

/// A Latin name of two or three words (`joel gilmore`, `Zhang Wei`) with its spaces taken
/// out, when that is long enough to search safely (eight letters or more).
fn joined_latin_name(v: &str) -> Option<String> {
    // Most values (numbers, Chinese names) are not: told without a vector and a string each.
    if !v.is_ascii() || !v.contains(' ') {
        return None;
    }
    let words: Vec<&str> = v.split(' ').collect();
    let latin = (2..=3).contains(&words.len())
        && words
            .iter()
            .all(|w| w.len() >= 2 && w.bytes().all(|b| b.is_ascii_alphabetic()));
    let joined = words.concat();
    (latin && joined.len() >= 8).then_some(joined)
}

/// Findings for every other occurrence of a value in `findings` (at or above `min_confidence`)
/// that no finding covers yet.
#[cfg(test)]
pub(crate) fn elsewhere(
    units: &[docsan_core::TextUnit],
    findings: &[Finding],
    min_confidence: f32,
) -> Vec<Finding> {
    let refs: Vec<&Finding> = findings.iter().collect();
    elsewhere_in(
        units.iter().map(|u| (u.id, u.text.as_str())),
        &refs,
        min_confidence,
    )
}

/// [`elsewhere`] over units given as their ids and texts, in order: the units with their
/// contexts, or the texts a streamed document keeps.
pub(crate) fn elsewhere_in<'u>(
    units: impl Iterator<Item = (UnitId, &'u str)>,
    findings: &[&Finding],
    min_confidence: f32,
) -> Vec<Finding> {
    // Each searchable value with the first finding of it: a vector of
    // finding indices, not a map of strings (a sheet has a value per personal cell). A value
    // is its finding's, or, for the few Latin names searched without their spaces, one of
    // `joined` (marked by the high bit).
    const JOINED: u32 = 1 << 31;
    let mut joined: Vec<String> = Vec::new();
    // (hash of the value, value, the finding it came from)
    let mut keyed: Vec<(u64, u32, u32)> = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        if f.confidence < min_confidence || i as u64 >= u64::from(JOINED) {
            continue;
        }
        let v = f.value.expose();
        if searchable(v) {
            keyed.push((value_hash(v), i as u32, i as u32));
        }
        // A Latin name recurs without its spaces in user names and folders
        // (`/Users/joelgilmore/…` for `joel gilmore`).
        if let Some(j) = joined_latin_name(v) {
            keyed.push((value_hash(&j), JOINED | joined.len() as u32, i as u32));
            joined.push(j);
        }
    }
    if keyed.is_empty() {
        return Vec::new();
    }
    let text_of = |k: u32| -> &str {
        if k & JOINED == 0 {
            findings[k as usize].value.expose()
        } else {
            &joined[(k & !JOINED) as usize]
        }
    };
    // Sorted by the value's hash, then by value, then by the finding it came from, the first
    // finding of a value kept. (By hash first: comparing values read each from its finding,
    // scattered in memory, took most of the time on a sheet with 300,000 of them; the order
    // of distinct values does not change what is found.)
    keyed.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| text_of(a.1).cmp(text_of(b.1)))
            .then(a.2.cmp(&b.2))
    });
    keyed.dedup_by(|later, first| later.0 == first.0 && text_of(later.1) == text_of(first.1));
    keyed.shrink_to_fit();
    // Back in the findings' order, so that the matcher reads their values one after the
    // other rather than all over memory (the order of the patterns changes nothing found).
    keyed.par_sort_unstable_by_key(|e| e.1);
    let pattern = |p: usize| -> &str { text_of(keyed[p].1) };
    // One linear-time-build matcher (a 100k-row sheet has a value per row); matches are then
    // taken leftmost-longest without overlap, as a reader would split the text.
    let matcher = docsan_verify::Matcher::new(keyed.iter().map(|&(_, k, _)| text_of(k).as_bytes()));
    // What findings cover, by unit: one sorted vector rather than a map of vectors (a sheet
    // has a finding per personal cell).
    let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut covered: Vec<(u32, u32, u32)> = findings
        .iter()
        .map(|f| (f.unit.0, narrow(f.range.start), narrow(f.range.end)))
        .collect();
    covered.sort_unstable();
    // The units are searched a batch at a time, each batch in parallel slices on the
    // caller's pool, the slices' findings joined in unit order: the same findings in the same
    // order as one pass, and never more than a batch of texts held.
    let search = |slice: &[(UnitId, &str)]| -> Vec<Finding> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for &(id, text) in slice {
            let first = covered.partition_point(|c| c.0 < id.0);
            let mine = &covered[first..covered.partition_point(|c| c.0 <= id.0)];
            if whole(mine, text.len()) {
                // Every copy in it would overlap a finding and be skipped: not searched.
                continue;
            }
            hits.clear();
            matcher.for_each(text.as_bytes(), |p, start| {
                hits.push((start, pattern(p).len(), p));
            });
            hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
            let mut end_of_last = 0;
            for &(s, len, p) in &hits {
                if s < end_of_last {
                    continue;
                }
                let e = s + len;
                end_of_last = e;
                let overlaps = mine.iter().any(|&(_, a, b)| narrow(s) < b && a < narrow(e));
                if overlaps || !seen.insert((id.0, s, e)) {
                    continue;
                }
                let origin = findings[keyed[p].2 as usize];
                // The value as it stands here (a joined name differs from the one found).
                let value = if pattern(p) == origin.value.expose() {
                    origin.value.clone()
                } else {
                    docsan_core::Sensitive::new(pattern(p))
                };
                out.push(Finding {
                    unit: id,
                    range: s..e,
                    kind: origin.kind,
                    rule: docsan_core::format_compact!("{}.elsewhere", origin.rule),
                    confidence: origin.confidence,
                    value,
                });
            }
        }
        out
    };
    let mut out = Vec::new();
    let mut batch: Vec<(UnitId, &str)> = Vec::with_capacity(BATCH);
    let mut units = units.peekable();
    while units.peek().is_some() {
        batch.clear();
        batch.extend(units.by_ref().take(BATCH));
        let found: Vec<Vec<Finding>> = batch.par_chunks(SLICE).map(search).collect();
        for mut f in found {
            out.append(&mut f);
        }
    }
    out
}

/// A hash of a value, the same in every run (values are sorted by it).
fn value_hash(v: &str) -> u64 {
    let mut h = 0xCBF2_9CE4_8422_2325u64 ^ v.len() as u64;
    for chunk in v.as_bytes().chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    h
}

/// Do these ranges of a unit (sorted by start) cover all of its `len` bytes? A unit that
/// findings cover wholly (a cell that is one ID number or one name, the bulk of a personal
/// sheet) gets nothing from the search: every copy found in it would overlap a finding.
fn whole(ranges: &[(u32, u32, u32)], len: usize) -> bool {
    let mut end = 0u32;
    for &(_, a, b) in ranges {
        if a > end {
            return false;
        }
        end = end.max(b);
    }
    end as usize >= len
}

/// Units searched per batch, and per parallel slice of a batch.
const BATCH: usize = 16_384;
const SLICE: usize = 2_048;

#[cfg(test)]
mod tests {
    use super::*;
    use docsan_core::{Location, PiiKind, Sensitive, TextUnit, UnitContext, UnitId, UnitKind};

    /// A name found at `range` of unit `u` by `rule`.
    fn name(u: u32, range: std::ops::Range<usize>, v: &str, rule: &str) -> Finding {
        Finding {
            unit: UnitId(u),
            range,
            kind: PiiKind::Name,
            rule: rule.into(),
            confidence: 0.9,
            value: Sensitive::new(v),
        }
    }

    fn unit(id: u32, t: &str) -> TextUnit {
        TextUnit::new(
            UnitId(id),
            t,
            UnitContext::new(UnitKind::Body, Location::default()),
        )
    }

    #[test]
    fn copies_of_a_value_are_found_but_short_ones_are_not() {
        let units = [
            unit(0, "作者：dtolnay"),
            unit(1, "C:\\Users\\dtolnay\\x.xlsx"),
            unit(2, "张三丰路 s"),
            unit(3, "户主：张三"),
        ];
        let f = |u: u32, r: std::ops::Range<usize>, v: &str| name(u, r, v, "name.label");
        let found = [
            f(0, 9..16, "dtolnay"),
            f(2, 13..14, "s"),
            f(3, 9..15, "张三"),
        ];
        let more = elsewhere(&units, &found, 0.0);
        let spots: Vec<(u32, usize)> = more.iter().map(|m| (m.unit.0, m.range.start)).collect();
        assert_eq!(spots, [(1, 9), (2, 0)], "{more:?}");
        assert!(more.iter().all(|m| m.rule.ends_with(".elsewhere")));
    }

    #[test]
    fn a_latin_name_is_found_again_without_its_spaces() {
        let units = [
            unit(0, "joel gilmore"),
            unit(1, "/Users/joelgilmore/Code/calamine/tests/"),
            unit(2, "refreshed by joelgilmore"),
        ];
        let found = [Finding {
            unit: UnitId(0),
            range: 0..12,
            kind: PiiKind::Name,
            rule: "name.author".into(),
            confidence: 0.7,
            value: Sensitive::new("joel gilmore"),
        }];
        let more = elsewhere(&units, &found, 0.0);
        let spots: Vec<(u32, usize, &str)> = more
            .iter()
            .map(|m| (m.unit.0, m.range.start, m.value.expose()))
            .collect();
        assert_eq!(spots, [(1, 7, "joelgilmore"), (2, 13, "joelgilmore")]);
        // Short or single-word values are not joined.
        assert_eq!(joined_latin_name("li na"), None);
        assert_eq!(joined_latin_name("dtolnay"), None);
        assert_eq!(joined_latin_name("Zhang Wei").as_deref(), Some("ZhangWei"));
    }

    /// A value found several times is searched once, as its first finding (whose rule the
    /// copies carry), among thousands of others.
    #[test]
    fn a_value_found_twice_is_searched_as_its_first_finding() {
        let f = |u: u32, v: &str, rule: &str| name(u, 0..v.len(), v, rule);
        let names: Vec<String> = (0..3000).map(|i| format!("name{i:05}")).collect();
        let mut units: Vec<TextUnit> = names
            .iter()
            .enumerate()
            .map(|(i, n)| unit(i as u32, n))
            .collect();
        let mut found: Vec<Finding> = names
            .iter()
            .enumerate()
            .map(|(i, n)| f(i as u32, n, "name.first"))
            .collect();
        // The same values again, found by another rule later.
        found.extend(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| f(i as u32, n, "name.second")),
        );
        units.push(unit(3000, "备注 name00042 与 name02999"));
        let more = elsewhere(&units, &found, 0.0);
        let got: Vec<(u32, usize, &str, &str)> = more
            .iter()
            .map(|m| (m.unit.0, m.range.start, m.value.expose(), m.rule.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3000, 7, "name00042", "name.first.elsewhere"),
                (3000, 21, "name02999", "name.first.elsewhere")
            ]
        );
    }

    /// A unit is skipped only when its findings leave no byte of it uncovered; one that
    /// holds a value beside a finding is still searched.
    #[test]
    fn only_wholly_covered_units_are_skipped() {
        assert!(whole(&[(0, 0, 9), (0, 9, 18)], 18));
        assert!(whole(&[(0, 0, 12), (0, 3, 9), (0, 9, 18)], 18));
        assert!(whole(&[], 0));
        assert!(!whole(&[(0, 0, 9), (0, 12, 18)], 18));
        assert!(!whole(&[(0, 3, 18)], 18));
        assert!(!whole(&[(0, 0, 9)], 18));
        let units = [
            unit(0, "张三丰"),
            unit(1, "张三丰张三丰"),
            unit(2, "张三丰：13800138000"),
        ];
        let f = |u: u32, r: std::ops::Range<usize>, v: &str| name(u, r, v, "name.label");
        let found = [
            f(0, 0..9, "张三丰"),
            f(1, 0..9, "张三丰"),
            f(1, 9..18, "张三丰"),
            f(2, 12..23, "13800138000"),
        ];
        let more = elsewhere(&units, &found, 0.0);
        let spots: Vec<(u32, usize)> = more.iter().map(|m| (m.unit.0, m.range.start)).collect();
        assert_eq!(spots, [(2, 0)], "{more:?}");
    }

    /// Units are searched in batches and parallel slices: every copy is found, in unit order,
    /// across their boundaries.
    #[test]
    fn copies_are_found_in_order_across_batches_and_slices() {
        let n = BATCH as u32 + 3 * SLICE as u32 + 7;
        let units: Vec<TextUnit> = (0..n)
            .map(|i| {
                if i % 3 == 0 {
                    unit(i, "备注：张三丰已核实")
                } else {
                    unit(i, "无")
                }
            })
            .collect();
        let found = [Finding {
            unit: UnitId(0),
            range: 9..18,
            kind: PiiKind::Name,
            rule: "name.label".into(),
            confidence: 0.9,
            value: Sensitive::new("张三丰"),
        }];
        let more = elsewhere(&units, &found, 0.0);
        let ids: Vec<u32> = more.iter().map(|m| m.unit.0).collect();
        let expected: Vec<u32> = (3..n).step_by(3).collect();
        assert_eq!(ids, expected);
        assert!(more.iter().all(|m| m.range == (9..18)));
    }
}
