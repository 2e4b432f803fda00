//! The planner: findings in, non-overlapping edits out.
//!
//! Overlapping findings (an ID inside a labelled bank account, a name inside an address) are
//! merged into one edit over their union: the first finding's replacement covers its own
//! range and every further character is masked, so nothing of either value survives and the
//! character count is kept.

use docsan_core::{Edit, Finding, Policy};

/// Builds sorted, non-overlapping edits. `replacement` gives each finding's new text.
pub fn plan_edits<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    policy: &Policy,
    replacement: &dyn Fn(&Finding) -> docsan_core::CompactString,
) -> Vec<Edit> {
    let mut sorted: Vec<&Finding> = findings.into_iter().collect();
    sorted.sort_by(|a, b| {
        (a.unit, a.range.start, std::cmp::Reverse(a.range.end)).cmp(&(
            b.unit,
            b.range.start,
            std::cmp::Reverse(b.range.end),
        ))
    });
    let mut edits: Vec<Edit> = Vec::with_capacity(sorted.len());
    for f in sorted {
        if let Some(last) = edits.last_mut()
            && last.unit == f.unit
            && f.range.start < last.range.end
        {
            if f.range.end > last.range.end {
                // Extend the previous edit over the tail of this one, masked char by char.
                let tail = &f.value.expose()[last.range.end - f.range.start..];
                last.replacement.push_str(&mask_all(tail, policy));
                last.range.end = f.range.end;
            }
            continue;
        }
        edits.push(Edit {
            unit: f.unit,
            range: f.range.clone(),
            replacement: replacement(f),
        });
    }
    edits
}

/// Masks every character: wide characters with the wide mask, the rest with the narrow one.
/// Whitespace stays, so layout is kept.
pub fn mask_all(text: &str, policy: &Policy) -> String {
    docsan_core::mask_every_char(text, policy.mask_char, policy.mask_char_wide)
}

#[cfg(test)]
mod tests {
    use super::*;
    use docsan_core::{PiiKind, Sensitive, UnitId};

    fn f(unit: u32, text: &str, start: usize, end: usize) -> Finding {
        Finding {
            unit: UnitId(unit),
            range: start..end,
            kind: PiiKind::Custom,
            rule: "t".into(),
            confidence: 1.0,
            value: Sensitive::new(&text[start..end]),
        }
    }

    #[test]
    fn overlaps_merge_into_one_masked_edit() {
        let t = "abcdefghij";
        let p = Policy::default();
        let rep = |x: &Finding| "#".repeat(x.range.len()).into();
        let edits = plan_edits(
            &[f(0, t, 4, 8), f(0, t, 2, 6), f(1, t, 0, 2), f(0, t, 3, 5)],
            &p,
            &rep,
        );
        assert_eq!(edits.len(), 2);
        assert_eq!(edits[0].range, 2..8);
        assert_eq!(edits[0].replacement, "####**");
        assert_eq!(edits[1].unit, UnitId(1));
        assert_eq!(mask_all("张 3", &p), "＊ *");
    }
}
