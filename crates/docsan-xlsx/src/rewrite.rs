//! Rewriting: masked text is spliced into the byte ranges recorded at extraction.
//!
//! Each edited unit becomes splices of the parts that hold it; parts without splices are copied
//! raw by the package layer. Shared strings used by several cells are rewritten once when every
//! use is edited the same way, and split (a new item appended, the cells re-pointed, the
//! `uniqueCount` raised) when only some uses are personal. A numeric cell that holds personal
//! data becomes an inline string cell with the same style; a formula cell keeps its formula and
//! gets a string result, and the calculation chain is dropped. Formula text is edited only
//! inside string literals, and a sheet name is renamed only when nothing refers to it by name.

use crate::xml::{
    Ev, Splice, Walker, apply_splices, decode_utf16, encode_utf16, escape, escape_into, local,
    order_splices, scan_attrs, stream_spliced, tag_name, unescape,
};
use crate::{Binding, Pos, Slot, TextBinding, XlsxDocument};
use docsan_core::{
    Diagnostic, Edit, EmbeddedAction, Error, Location, Plan, Result, UnitId, UnitKind,
};
use docsan_opc::NewPart;
use std::collections::{BTreeMap, BTreeSet};

/// Masks every non-space character of a phonetic run or other shadow text.
fn mask_all(s: &str) -> String {
    docsan_core::mask_every_char(s, '*', '＊')
}

/// Checks that edits are in range, on character boundaries, sorted and disjoint.
fn check_edits(text: &str, edits: &[Edit]) -> Result<()> {
    let mut pos = 0usize;
    for e in edits {
        let r = &e.range;
        if r.start < pos
            || r.start > r.end
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            return Err(Error::internal(
                "plan edit out of range, not on a character boundary, or overlapping",
            ));
        }
        pos = r.end;
    }
    Ok(())
}

/// Whether `edits` (checked first, see [`check_edits`]) change anything in `text`: an edit
/// may replace a value with itself (already masked).
fn changes_text(text: &str, edits: &[Edit]) -> Result<bool> {
    check_edits(text, edits)?;
    Ok(edits.iter().any(|e| text[e.range.clone()] != e.replacement))
}

/// Applies edits to a whole text.
fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in edits {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// Distributes the edited text over the slots the unit text came from. A replacement of the
/// same number of characters keeps every character in its slot (so rich-text runs keep their
/// lengths); any other replacement goes to the slot where the range starts.
fn new_slot_texts(text: &str, lens: &[u32], edits: &[Edit]) -> Result<Vec<String>> {
    // One slot (most texts): the edited text, built at once.
    if let [len] = lens {
        if *len as usize != text.len() {
            return Err(Error::internal("text unit does not match its slots"));
        }
        return Ok(vec![apply_edits(text, edits)]);
    }
    let mut starts = Vec::with_capacity(lens.len());
    let mut acc = 0usize;
    for l in lens {
        starts.push(acc);
        acc += *l as usize;
    }
    if acc != text.len() || lens.is_empty() {
        return Err(Error::internal("text unit does not match its slots"));
    }
    let slot_of = |p: usize| -> usize {
        if p >= text.len() {
            return lens.len() - 1;
        }
        starts.partition_point(|&s| s <= p).saturating_sub(1)
    };
    let mut out = vec![String::new(); lens.len()];
    let copy = |out: &mut Vec<String>, a: usize, b: usize| {
        for k in 0..lens.len() {
            let s = starts[k];
            let e = s + lens[k] as usize;
            let lo = a.max(s);
            let hi = b.min(e);
            if lo < hi {
                out[k].push_str(&text[lo..hi]);
            }
        }
    };
    let mut pos = 0usize;
    for e in edits {
        copy(&mut out, pos, e.range.start);
        let orig = &text[e.range.clone()];
        if orig.chars().count() == e.replacement.chars().count() {
            for ((off, _), nc) in orig.char_indices().zip(e.replacement.chars()) {
                out[slot_of(e.range.start + off)].push(nc);
            }
        } else {
            out[slot_of(e.range.start)].push_str(&e.replacement);
        }
        pos = e.range.end;
    }
    copy(&mut out, pos, text.len());
    Ok(out)
}

/// Splices for one text binding given new slot texts (shadows are masked whole).
fn binding_splices(text: &str, tb: &TextBinding, new: &[String]) -> Vec<(u32, Splice)> {
    let mut out = Vec::new();
    let mut pos = 0usize;
    for ((slot, len), n) in tb.slots.iter().zip(new) {
        let old = &text[pos..pos + *len as usize];
        pos += *len as usize;
        if old != n {
            out.push((slot.part, slot_splice(slot, n)));
        }
    }
    for (slot, t) in tb.shadows.iter() {
        let m = mask_all(t);
        if &m != t {
            out.push((slot.part, slot_splice(slot, &m)));
        }
    }
    out
}

fn slot_splice(slot: &Slot, text: &str) -> Splice {
    Splice {
        start: slot.start,
        end: slot.end,
        bytes: escape(text, slot.quote).into(),
    }
}

/// A unit's planned edits with `extra` edits laid over them: a planned edit that overlaps one
/// of `extra` gives way. Sorted by range.
fn merge_over(planned: Vec<Edit>, extra: Vec<Edit>) -> Vec<Edit> {
    let mut merged: Vec<Edit> = planned
        .into_iter()
        .filter(|e| {
            !extra
                .iter()
                .any(|x| x.range.start < e.range.end && e.range.start < x.range.end)
        })
        .collect();
    merged.extend(extra);
    merged.sort_by_key(|e| (e.range.start, e.range.end));
    merged
}

/// Per byte of a formula: is it inside a string literal (quotes excluded)?
fn literal_mask(s: &str) -> Vec<bool> {
    let b = s.as_bytes();
    let mut mask = vec![false; b.len()];
    let mut inside = false;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            if inside && b.get(i + 1) == Some(&b'"') {
                mask[i] = true;
                mask[i + 1] = true;
                i += 2;
                continue;
            }
            inside = !inside;
            i += 1;
            continue;
        }
        mask[i] = inside;
        i += 1;
    }
    mask
}

/// The byte range of the number literal of a formula that contains `range`, if it is one: a
/// run of digits and dots not preceded by a letter, `$`, `:`, `_` or `!` (which would make it
/// part of a reference such as `A1`, `$4`, `4:4` or a name) and not followed by a letter or `:`.
fn number_token(
    text: &str,
    range: &std::ops::Range<usize>,
    mask: &[bool],
) -> Option<std::ops::Range<usize>> {
    let b = text.as_bytes();
    let is_num = |c: u8| c.is_ascii_digit() || c == b'.';
    if range.start >= range.end || !b.get(range.clone())?.iter().all(|&c| is_num(c)) {
        return None;
    }
    if mask.get(range.clone())?.iter().any(|&m| m) {
        return None;
    }
    let mut s = range.start;
    while s > 0 && is_num(b[s - 1]) {
        s -= 1;
    }
    let mut e = range.end;
    while e < b.len() && is_num(b[e]) {
        e += 1;
    }
    let before_ok = s == 0
        || !(b[s - 1].is_ascii_alphanumeric()
            || matches!(b[s - 1], b'$' | b':' | b'_' | b'!' | b'\'' | b'[')
            || b[s - 1] >= 0x80);
    let after_ok = e == b.len()
        || !(b[e].is_ascii_alphanumeric() || matches!(b[e], b':' | b'(' | b'!') || b[e] >= 0x80);
    (before_ok && after_ok).then_some(s..e)
}

/// Turns the planned edits of a formula into edits that keep it valid: edits inside string
/// literals stay; edits of number literals replace the whole number with a string literal of
/// the masked number; sheet-reference renames pass. Anything else gives `None` (refused).
fn formula_edits(
    text: &str,
    edits: &[Edit],
    renames: Option<&Vec<std::ops::Range<usize>>>,
) -> Option<Vec<Edit>> {
    let mask = literal_mask(text);
    let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
    let mut i = 0;
    while i < edits.len() {
        let e = &edits[i];
        if renames.is_some_and(|r| r.contains(&e.range)) {
            out.push(e.clone());
            i += 1;
            continue;
        }
        let inside = mask
            .get(e.range.clone())
            .is_some_and(|m| m.iter().all(|&b| b));
        if inside && !e.replacement.contains('"') {
            out.push(e.clone());
            i += 1;
            continue;
        }
        let tok = number_token(text, &e.range, &mask)?;
        // Every edit inside this number joins one replacement of the whole token.
        let mut j = i;
        let mut inner: Vec<Edit> = Vec::new();
        while j < edits.len() && edits[j].range.start < tok.end {
            let x = &edits[j];
            if x.range.start < tok.start || x.range.end > tok.end || x.replacement.contains('"') {
                return None;
            }
            inner.push(Edit {
                unit: x.unit,
                range: x.range.start - tok.start..x.range.end - tok.start,
                replacement: x.replacement.clone(),
            });
            j += 1;
        }
        let masked = apply_edits(&text[tok.clone()], &inner);
        out.push(Edit {
            unit: e.unit,
            range: tok,
            replacement: docsan_core::format_compact!("\"{masked}\""),
        });
        i = j;
    }
    Some(out)
}

/// Characters Excel forbids in sheet names, replaced by their full-width forms.
fn sheet_name_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '*' => '＊',
            '?' => '？',
            '/' => '／',
            '\\' => '＼',
            '[' => '［',
            ']' => '］',
            ':' => '：',
            '\'' => '＇',
            c => c,
        })
        .collect()
}

/// The plan's edits grouped by unit without copying them: ranges into the plan (sorted by
/// unit and start, or a sorted copy when the plan is not), plus owned lists for units whose
/// edits were merged with sheet-reference renames.
struct UnitEdits<'p> {
    /// The plan's edits sorted by unit (a map of ranges cost 10 MB on a 100k-row sheet).
    storage: std::borrow::Cow<'p, [Edit]>,
    /// Where each unit's edits start in `storage`, by unit, and where the last one's end: four
    /// bytes a unit, so that a unit's edits are found without a search (a sheet looks up each
    /// of its 300,000 edited units twice).
    starts: Vec<u32>,
    /// Units whose edits were taken out of `storage`.
    taken: BTreeSet<u32>,
    /// Edits set for a unit after the plan (merged with those of a renamed sheet).
    owned: BTreeMap<u32, Vec<Edit>>,
}

impl<'p> UnitEdits<'p> {
    fn new(edits: &'p [Edit], n_units: usize) -> Result<Self> {
        let key = |e: &Edit| (e.unit.0, e.range.start, e.range.end);
        let sorted = edits.windows(2).all(|w| key(&w[0]) <= key(&w[1]));
        let storage: std::borrow::Cow<'p, [Edit]> = if sorted {
            std::borrow::Cow::Borrowed(edits)
        } else {
            let mut v = edits.to_vec();
            v.sort_by_key(key);
            std::borrow::Cow::Owned(v)
        };
        if storage.iter().any(|e| e.unit.0 as usize >= n_units) {
            return Err(Error::internal(
                "plan names a unit this document does not have",
            ));
        }
        let count = u32::try_from(storage.len())
            .map_err(|_| Error::limit("more edits than a rewrite can index"))?;
        let mut starts = vec![count; n_units + 1];
        for (i, e) in storage.iter().enumerate().rev() {
            starts[e.unit.0 as usize] = i as u32;
        }
        // A unit without edits starts where the next one with edits does.
        for u in (0..n_units).rev() {
            starts[u] = starts[u].min(starts[u + 1]);
        }
        Ok(UnitEdits {
            starts,
            storage,
            taken: BTreeSet::new(),
            owned: BTreeMap::new(),
        })
    }

    /// A unit's edits in `storage`.
    fn stored(&self, uid: u32) -> Option<&[Edit]> {
        if self.taken.contains(&uid) {
            return None;
        }
        let start = *self.starts.get(uid as usize)? as usize;
        let end = *self.starts.get(uid as usize + 1)? as usize;
        (start < end).then(|| &self.storage[start..end])
    }

    fn get(&self, uid: u32) -> Option<&[Edit]> {
        if let Some(v) = self.owned.get(&uid) {
            return Some(v);
        }
        self.stored(uid)
    }

    /// Removes and returns a unit's edits.
    fn take(&mut self, uid: u32) -> Vec<Edit> {
        let v = self.get(uid).map(<[Edit]>::to_vec).unwrap_or_default();
        self.owned.remove(&uid);
        self.taken.insert(uid);
        v
    }

    fn insert(&mut self, uid: u32, edits: Vec<Edit>) {
        self.owned.insert(uid, edits);
    }

    /// The units with edits, in order.
    fn uids(&self) -> Vec<u32> {
        let mut v: Vec<u32> = self
            .storage
            .iter()
            .map(|e| e.unit.0)
            .filter(|u| !self.taken.contains(u))
            .collect();
        v.extend(self.owned.keys().copied());
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Reads parts once during a rewrite.
struct Parts<'d> {
    doc: &'d XlsxDocument,
    cache: BTreeMap<u32, Vec<u8>>,
}

impl Parts<'_> {
    fn get(&mut self, part: u32) -> Result<&Vec<u8>> {
        if !self.cache.contains_key(&part) {
            let name = self
                .doc
                .parts
                .get(part as usize)
                .ok_or_else(|| Error::internal("unknown part index"))?;
            let mut bytes = self.doc.pkg.read(name)?;
            if self.doc.utf16.contains_key(&part)
                && let Some((utf8, _)) = decode_utf16(&bytes)?
            {
                bytes = utf8;
            }
            self.cache.insert(part, bytes);
        }
        self.cache
            .get(&part)
            .ok_or_else(|| Error::internal("part cache"))
    }
}

fn part_index(doc: &XlsxDocument, name: &str) -> Option<u32> {
    doc.parts.iter().position(|p| p == name).map(|i| i as u32)
}

/// Finds empty or start elements named `elem` with attribute `attr` ending in `suffix`
/// (case-insensitive) and returns their byte ranges.
fn element_ranges(
    src: &[u8],
    elem: &[u8],
    attr: &[u8],
    suffix: &str,
) -> Result<Vec<(usize, usize)>> {
    let mut w = Walker::new(src, 64, false)?;
    let mut out = Vec::new();
    loop {
        match w.next()? {
            Ev::Start {
                raw,
                pos,
                end,
                empty: true,
            } if local(tag_name(raw)) == elem => {
                for a in scan_attrs(raw)? {
                    if &raw[a.name.clone()] == attr {
                        let v = unescape(&raw[a.value.clone()])?.to_ascii_lowercase();
                        if v.ends_with(&suffix.to_ascii_lowercase()) {
                            out.push((pos, end));
                        }
                    }
                }
            }
            Ev::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

pub(crate) fn rewrite(
    doc: &mut XlsxDocument,
    plan: &Plan,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>> {
    // Without edits the input is the output, unless it has an archive comment, which the
    // package writer leaves out.
    let note = doc.pkg.comment_note();
    let comment = note.is_some();
    diagnostics.extend(note);
    if plan.is_empty() && !comment {
        return Ok(doc.input.to_vec());
    }
    let doc: &XlsxDocument = doc;
    let mut by_unit = UnitEdits::new(&plan.edits, doc.units_len())?;
    let mut parts = Parts {
        doc,
        cache: BTreeMap::new(),
    };
    let mut splices: BTreeMap<u32, Vec<Splice>> = BTreeMap::new();
    let mut drop_calc = false;
    // Pivot cache fields (definition part, field index) of number items turned into text.
    let mut text_fields: BTreeSet<crate::PivotField> = BTreeSet::new();
    // Masked queries of Power Query packages, by the package's slot.
    let mut mashups: BTreeMap<(u32, Pos, Pos), BTreeMap<String, String>> = BTreeMap::new();

    // Sheet renames come first: every reference to a renamed sheet is rewritten with it.
    let sheet_units: Vec<u32> = (0..doc.units_len() as u32)
        .filter(|&i| matches!(doc.bindings[i as usize], Binding::SheetName(_)))
        .collect();
    let mut renamed: BTreeMap<u32, String> = BTreeMap::new();
    let mut renames: Vec<(String, String)> = Vec::new();
    for &uid in &sheet_units {
        let Some(edits) = by_unit.get(uid) else {
            continue;
        };
        let text = doc.text_at(uid);
        check_edits(text, edits)?;
        let applied = apply_edits(text, edits);
        if applied == text {
            continue;
        }
        let base = sheet_name_safe(&applied);
        let taken: BTreeSet<String> = sheet_units
            .iter()
            .filter(|&&i| i != uid)
            .map(|&i| {
                renamed
                    .get(&i)
                    .cloned()
                    .unwrap_or_else(|| doc.text_at(i).to_string())
            })
            .collect();
        let mut new_name = base.clone();
        let mut n = 2;
        while taken.contains(&new_name) || new_name.trim().is_empty() {
            new_name = format!("{base}{n}");
            n += 1;
        }
        renames.push((text.to_string(), new_name.clone()));
        renamed.insert(uid, new_name);
    }
    // A formula's string literals joined, edited: the edits go back into the literals of the
    // formula (its own edits there give way to them), and the formula is written as one.
    if doc.formula_pieces {
        for uid in by_unit.uids() {
            let Some(Binding::FormulaPieces(fp)) = doc.bindings.get(uid as usize) else {
                continue;
            };
            let (fuid, ranges) = &**fp;
            let text = doc.text_at(uid);
            let edits = by_unit.take(uid);
            check_edits(text, &edits)?;
            let lens: Vec<u32> = ranges.iter().map(|&(a, b)| b - a).collect();
            let new = new_slot_texts(text, &lens, &edits)?;
            let ftext = doc.text_at(*fuid);
            let extra: Vec<Edit> = ranges
                .iter()
                .zip(new)
                .filter(|(r, n)| ftext.get(r.0 as usize..r.1 as usize) != Some(n.as_str()))
                .map(|(r, n)| Edit {
                    unit: UnitId(*fuid),
                    range: r.0 as usize..r.1 as usize,
                    replacement: n.into(),
                })
                .collect();
            if extra.is_empty() {
                continue;
            }
            let planned = by_unit.take(*fuid);
            by_unit.insert(*fuid, merge_over(planned, extra));
        }
    }
    let mut rename_ranges: BTreeMap<u32, Vec<std::ops::Range<usize>>> = BTreeMap::new();
    if !renames.is_empty() {
        for (i, b) in doc.bindings.iter().enumerate() {
            let uid = i as u32;
            let text = doc.text_at(uid);
            if matches!(
                b,
                Binding::SheetName(_)
                    | Binding::Sst { .. }
                    | Binding::Number(_)
                    | Binding::FormulaPieces(_)
            ) {
                continue;
            }
            let formula = matches!(b, Binding::Formula(_));
            let refers = formula
                || matches!(
                    doc.unit_kind(uid),
                    UnitKind::Field
                        | UnitKind::Name
                        | UnitKind::Cache
                        | UnitKind::Hyperlink
                        | UnitKind::Metadata
                );
            if !refers {
                continue;
            }
            let mut extra: Vec<Edit> = Vec::new();
            for (old, new) in &renames {
                for e in sheet_refs(text, old, new, UnitId(uid), !formula) {
                    if !extra
                        .iter()
                        .any(|x| x.range.start < e.range.end && e.range.start < x.range.end)
                    {
                        extra.push(e);
                    }
                }
            }
            if extra.is_empty() {
                continue;
            }
            let planned = by_unit.take(uid);
            rename_ranges.insert(uid, extra.iter().map(|e| e.range.clone()).collect());
            by_unit.insert(uid, merge_over(planned, extra));
        }
    }

    let uids = by_unit.uids();
    // Room for each part's splices before they are made: a sheet has one or two per personal
    // cell, and vectors grown by doubling held up to half as much again while they were
    // copied. (At most: a unit whose edits change nothing makes none.)
    let mut room: BTreeMap<u32, usize> = BTreeMap::new();
    for &uid in &uids {
        let (part, n) = match doc.bindings.get(uid as usize) {
            Some(Binding::Text(tb)) => match tb.slots.first() {
                Some((slot, _)) => (slot.part, tb.slots.len() + tb.shadows.len()),
                None => continue,
            },
            Some(Binding::Number(nc)) => (nc.part, 3),
            Some(Binding::Formula(slot) | Binding::SheetName(slot)) => (slot.part, 1),
            Some(Binding::HeaderFooter(hf)) => (hf.slot.part, 1),
            Some(Binding::CacheNumber(b)) => (b.0.part, 2),
            Some(Binding::CachePoint(b)) => (b.0.part, 1),
            Some(Binding::ExternalNumber(b)) => (b.0.part, 2),
            Some(Binding::PropertyNumber(b)) => (b.0.part, 3),
            Some(Binding::Mashup(m)) => (m.0.part, 1),
            Some(Binding::FormulaPieces(_)) => continue,
            Some(Binding::Sst { .. }) | None => continue,
        };
        *room.entry(part).or_default() += n;
    }
    for (part, n) in room {
        splices.entry(part).or_default().reserve_exact(n);
    }
    // The shared strings with an edited use, sorted: rewritten on a thread of their own
    // beside the loop over the other units below (a 100k-row sheet has 200,000 of each).
    let mut sst_edits: Vec<u32> = Vec::new();
    for &uid in &uids {
        if let Some(Binding::Sst { index, .. }) = doc.bindings.get(uid as usize)
            && let Some(edits) = by_unit.get(uid)
        {
            let text = doc.text_at(uid);
            if changes_text(text, edits)? {
                sst_edits.push(*index);
            }
        }
    }
    sst_edits.sort_unstable();
    sst_edits.dedup();
    let by_unit = &by_unit;
    let (looped, sst_made) = std::thread::scope(|scope| {
        let sst_maker = (!sst_edits.is_empty()).then(|| {
            let sst_edits = &sst_edits;
            scope.spawn(docsan_core::carry_deadline(move || {
                let mut own = Parts {
                    doc,
                    cache: BTreeMap::new(),
                };
                let mut made: BTreeMap<u32, Vec<Splice>> = BTreeMap::new();
                sst_rewrite(doc, by_unit, sst_edits, &mut own, &mut made)
                    .map(|()| (made, own.cache))
            }))
        });
        let looped = (|| -> Result<()> {
            for uid in uids {
                if let Some(Binding::Sst { .. }) = doc.bindings.get(uid as usize) {
                    continue;
                }
                let Some(edits) = by_unit.get(uid) else {
                    continue;
                };
                let text = doc.text_at(uid);
                if !changes_text(text, edits)? {
                    continue;
                }
                match &doc.bindings[uid as usize] {
                    Binding::Text(tb) => {
                        let lens: Vec<u32> = tb.slots.iter().map(|(_, l)| *l).collect();
                        let new = new_slot_texts(text, &lens, edits)?;
                        for (p, s) in binding_splices(text, tb, &new) {
                            splices.entry(p).or_default().push(s);
                        }
                    }
                    // Made beside this loop (above).
                    Binding::Sst { .. } => {}
                    Binding::Number(nc) => {
                        let new_text = apply_edits(text, edits);
                        // The cell becomes a string cell: its `t` attribute (if any) goes, one is
                        // added at the end of its start tag, and its value becomes the masked text.
                        // Every other byte of the cell stays, so the part is not read here.
                        let (se, ce) = (nc.stag_end as usize, nc.cell.end as usize);
                        let p = &nc.prefix;
                        let ends_with_gt = se > nc.cell.start as usize;
                        if !ends_with_gt || se > ce {
                            return Err(Error::internal("cell range outside its part"));
                        }
                        let mut add = |start: usize, end: usize, bytes: Vec<u8>| {
                            // Positions within the cell's, which are `Pos`.
                            splices.entry(nc.part).or_default().push(Splice {
                                start: start as Pos,
                                end: end as Pos,
                                bytes: bytes.into(),
                            });
                        };
                        if let Some(t) = &nc.t_attr {
                            add(t.start as usize, t.end as usize, Vec::new());
                        }
                        match &nc.formula {
                            Some(f) => {
                                // The start tag and the value change; the formula element between
                                // them stays untouched (its own unit may be edited separately).
                                let (fs, fe) = (f.start as usize, f.end as usize);
                                if fs < se || fe > ce {
                                    return Err(Error::internal("formula outside its cell"));
                                }
                                add(se - 1, se - 1, b" t=\"str\"".to_vec());
                                let mut tail = format!("<{p}v>").into_bytes();
                                escape_into(&new_text, 0, &mut tail);
                                tail.extend_from_slice(format!("</{p}v></{p}c>").as_bytes());
                                add(fe, ce, tail);
                                drop_calc = true;
                            }
                            None => {
                                add(se - 1, se - 1, b" t=\"inlineStr\"".to_vec());
                                let mut out = format!("<{p}is><{p}t>").into_bytes();
                                escape_into(&new_text, 0, &mut out);
                                out.extend_from_slice(format!("</{p}t></{p}is></{p}c>").as_bytes());
                                add(se, ce, out);
                            }
                        }
                    }
                    Binding::Formula(slot) => {
                        let renames_here = rename_ranges.get(&uid);
                        let fixed = formula_edits(text, edits, renames_here).ok_or_else(|| {
                    Error::refused(format!(
                        "edit touches formula syntax outside a string or number literal at {}",
                        doc.unit_location(uid, slot.part)
                    ))
                })?;
                        let new_text = apply_edits(text, &fixed);
                        splices
                            .entry(slot.part)
                            .or_default()
                            .push(slot_splice(slot, &new_text));
                    }
                    Binding::CacheNumber(b) => {
                        // The item becomes a string item holding the masked text.
                        let (slot, name, field) = &**b;
                        if let Some(f) = field {
                            text_fields.insert(*f);
                        }
                        let new_text = apply_edits(text, edits);
                        let sp = splices.entry(slot.part).or_default();
                        sp.push(Splice {
                            start: name.start,
                            end: name.end,
                            bytes: b"s".to_vec().into(),
                        });
                        sp.push(slot_splice(slot, &new_text));
                    }
                    Binding::ExternalNumber(b) => {
                        // The cell becomes a text cell holding the masked value.
                        let (slot, ty) = &**b;
                        let sp = splices.entry(slot.part).or_default();
                        sp.push(match ty {
                            crate::CellType::Replace(r) => Splice {
                                start: r.start,
                                end: r.end,
                                bytes: b"str".to_vec().into(),
                            },
                            crate::CellType::Insert(at) => Splice {
                                start: *at,
                                end: *at,
                                bytes: b" t=\"str\"".to_vec().into(),
                            },
                        });
                        sp.push(slot_splice(slot, &apply_edits(text, edits)));
                    }
                    Binding::PropertyNumber(b) => {
                        // The property becomes a string holding the masked value.
                        let (slot, start_name, end_name, prefix) = &**b;
                        let lpwstr = format!("{prefix}lpwstr").into_bytes();
                        let sp = splices.entry(slot.part).or_default();
                        sp.push(Splice {
                            start: start_name.start,
                            end: start_name.end,
                            bytes: lpwstr.clone().into(),
                        });
                        sp.push(slot_splice(slot, &apply_edits(text, edits)));
                        sp.push(Splice {
                            start: end_name.start,
                            end: end_name.end,
                            bytes: lpwstr.into(),
                        });
                    }
                    Binding::CachePoint(b) => {
                        // A masked value is no number: the point goes.
                        let (slot, point) = &**b;
                        splices.entry(slot.part).or_default().push(Splice {
                            start: point.start,
                            end: point.end,
                            bytes: Vec::new().into(),
                        });
                    }
                    Binding::HeaderFooter(hf) => {
                        let lens: Vec<u32> = hf.pieces.iter().map(|(_, l)| *l).collect();
                        let new = new_slot_texts(text, &lens, edits)?;
                        let full = crate::headerfooter::rebuild(hf, &new)?;
                        splices
                            .entry(hf.slot.part)
                            .or_default()
                            .push(slot_splice(&hf.slot, &full));
                    }
                    // Written with their formula (above).
                    Binding::FormulaPieces(_) => {}
                    Binding::Mashup(m) => {
                        let (slot, member) = &**m;
                        mashups
                            .entry((slot.part, slot.start, slot.end))
                            .or_default()
                            .insert(member.clone(), apply_edits(text, edits));
                    }
                    Binding::SheetName(slot) => {
                        if let Some(new_name) = renamed.get(&uid) {
                            splices
                                .entry(slot.part)
                                .or_default()
                                .push(slot_splice(slot, new_name));
                        }
                    }
                }
            }
            Ok(())
        })();
        let sst_made = sst_maker.map(|h| {
            h.join()
                .unwrap_or_else(|_| Err(Error::internal("the shared strings' rewrite panicked")))
        });
        (looped, sst_made)
    });
    looped?;

    // Pivot cache fields with a number item turned into text: their `sharedItems` tag must
    // not say they hold no text, and its bounds (`minValue`, `maxValue`, optional) were
    // those of the numbers masked: they go.
    for key in text_fields {
        let Some(range) = doc.shared_items.get(&key) else {
            continue;
        };
        let src = parts.get(key.0)?;
        let attrs = src
            .get(range.start as usize..range.end as usize)
            .ok_or_else(|| Error::internal("pivot field attributes outside their part"))?;
        let new = shared_items_attrs(attrs)?;
        if new != attrs {
            splices.entry(key.0).or_default().push(Splice {
                start: range.start,
                end: range.end,
                bytes: new.into(),
            });
        }
    }

    // Each Power Query package with a masked query is written again, once for all of them.
    for ((part, start, end), queries) in mashups {
        let src = parts.get(part)?;
        let b64 = src
            .get(start as usize..end as usize)
            .ok_or_else(|| Error::internal("Power Query package outside its part"))?;
        let new = crate::mashup::rebuild(b64, &queries, doc.pkg.limits())?;
        splices.entry(part).or_default().push(Splice {
            start,
            end,
            bytes: new.into_bytes().into(),
        });
    }

    if let Some(made) = sst_made {
        let (made, cache) = made?;
        for (p, sp) in made {
            let to = splices.entry(p).or_default();
            if to.is_empty() {
                *to = sp;
            } else {
                to.extend(sp);
            }
        }
        for (p, bytes) in cache {
            parts.cache.entry(p).or_insert(bytes);
        }
    }

    let mut remove: BTreeSet<String> = BTreeSet::new();
    if drop_calc
        && let Some(cc) = &doc.calc_chain
        && let Some(ccname) = doc
            .parts
            .iter()
            .find(|p| p.replace('\\', "/").trim_start_matches('/') == cc)
    {
        remove.insert(ccname.clone());
        for holder in [&doc.workbook_rels, &doc.content_types]
            .into_iter()
            .flatten()
        {
            if let Some(pi) = part_index(doc, holder) {
                let src = parts.get(pi)?;
                let is_ct = Some(holder) == doc.content_types.as_ref();
                let (elem, attr): (&[u8], &[u8]) = if is_ct {
                    (b"Override", b"PartName")
                } else {
                    (b"Relationship", b"Target")
                };
                for (s, e) in element_ranges(src, elem, attr, "calcChain.xml")? {
                    // Positions from a part's walker, which refuses 4 GiB.
                    splices.entry(pi).or_default().push(Splice {
                        start: s as Pos,
                        end: e as Pos,
                        bytes: Vec::new().into(),
                    });
                }
            }
        }
        diagnostics.push(
                    Diagnostic::info(
                        "calc-chain-dropped",
                        "a formula cell changed type; the calculation chain was removed and is rebuilt by the reader",
                    )
                    .at(Location::part(ccname.clone())),
                );
    }

    let mut replace: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (id, action) in &plan.embedded {
        let Some((_, name)) = doc.embedded.iter().find(|(i, _)| i == id) else {
            return Err(Error::internal(
                "plan names an embedded document this workbook does not have",
            ));
        };
        match action {
            EmbeddedAction::Replace(bytes) => {
                replace.insert(name.clone(), bytes.clone());
            }
            EmbeddedAction::Remove => {
                remove.insert(name.clone());
                diagnostics.push(
                    Diagnostic::info("embedded-removed", "embedded document removed")
                        .at(Location::part(name.clone())),
                );
            }
        }
    }
    // Spliced parts are written straight into the new package, compressed as they are
    // made: a large sheet is never held a second time, spliced. (UTF-16 parts are spliced
    // as UTF-8 first.)
    let mut writers: BTreeMap<String, NewPart<'_>> = BTreeMap::new();
    for (p, sp) in splices {
        if sp.is_empty() {
            continue;
        }
        let name = doc.parts[p as usize].clone();
        if let Some(&enc) = doc.utf16.get(&p) {
            let src = parts.get(p)?;
            let new = encode_utf16(&apply_splices(src, sp)?, enc)?;
            replace.insert(name, new);
            continue;
        }
        // A part read already is spliced from memory; any other (a large sheet, the shared
        // strings) is read again as it is written, never held whole.
        let writer: NewPart<'_> = match parts.cache.remove(&p) {
            Some(src) => {
                let (sp, size) = order_splices(src.len(), sp)?;
                NewPart::Writer {
                    size: size as u64,
                    write: Box::new(move |w| stream_spliced(&mut &src[..], &sp, w)),
                }
            }
            None => {
                let declared = doc.pkg.entry(&name).map_or(0, |e| e.size);
                let (sp, size) =
                    order_splices(usize::try_from(declared).unwrap_or(usize::MAX), sp)?;
                let pkg = &doc.pkg;
                let part = name.clone();
                NewPart::Writer {
                    size: size as u64,
                    write: Box::new(move |w| pkg.with_reader(&part, |r| stream_spliced(r, &sp, w))),
                }
            }
        };
        writers.insert(name, writer);
    }
    if replace.is_empty() && writers.is_empty() && remove.is_empty() && !comment {
        return Ok(doc.input.to_vec());
    }
    for (name, bytes) in &replace {
        writers.insert(name.clone(), NewPart::Bytes(bytes));
    }
    drop(parts);
    doc.pkg.write_parts(writers, &remove)
}

/// Edits that rewrite references to sheet `old` as `'new'` in formula-like text: `'old'!` and
/// `old!` (not part of a longer name), or the whole text when it is exactly the name.
fn sheet_refs(text: &str, old: &str, new: &str, unit: UnitId, exact: bool) -> Vec<Edit> {
    let mut out = Vec::new();
    if old.is_empty() {
        return out;
    }
    if exact && text == old {
        out.push(Edit {
            unit,
            range: 0..text.len(),
            replacement: new.into(),
        });
        return out;
    }
    let quoted_new = format!("'{}'", new.replace('\'', "''"));
    let quoted_old = format!("'{}'!", old.replace('\'', "''"));
    for (p, _) in text.match_indices(&quoted_old) {
        out.push(Edit {
            unit,
            range: p..p + quoted_old.len() - 1,
            replacement: quoted_new.clone().into(),
        });
    }
    let bare = format!("{old}!");
    for (p, _) in text.match_indices(&bare) {
        let prev = text[..p].chars().next_back();
        if prev.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '\'' | ']')) {
            continue;
        }
        out.push(Edit {
            unit,
            range: p..p + old.len(),
            replacement: quoted_new.clone().into(),
        });
    }
    out
}

/// Rewrites shared strings: in place when every use is edited alike, split otherwise.
fn sst_rewrite(
    doc: &XlsxDocument,
    by_unit: &UnitEdits<'_>,
    sst_edits: &[u32],
    parts: &mut Parts<'_>,
    splices: &mut BTreeMap<u32, Vec<Splice>>,
) -> Result<()> {
    let sst = doc
        .sst
        .as_ref()
        .ok_or_else(|| Error::internal("shared string edit without a shared string table"))?;
    // Every use of each edited string: (string, unit) pairs sorted, not a map of vectors (a
    // sheet has a string per personal cell).
    let mut uses: Vec<(u32, u32)> = Vec::with_capacity(sst_edits.len());
    for (uid, b) in doc.bindings.iter().enumerate() {
        if let Binding::Sst { index, .. } = b
            && sst_edits.binary_search(index).is_ok()
        {
            uses.push((*index, uid as u32));
        }
    }
    uses.sort_unstable();
    // Room for one splice of each used string in the shared strings part (a split string
    // adds its cells' splices to their sheets).
    let distinct = uses.chunk_by(|a, b| a.0 == b.0).count();
    splices.entry(sst.part).or_default().reserve(distinct);
    let mut appended: Vec<u8> = Vec::new();
    let mut n_appended = 0u64;
    let base = sst.sis.len() as u64;
    for group in uses.chunk_by(|a, b| a.0 == b.0) {
        let idx = group[0].0;
        let use_units = group.iter().map(|&(_, uid)| uid);
        let si = sst
            .sis
            .get(idx as usize)
            .ok_or_else(|| Error::internal("shared string index out of range"))?;
        let lens: Vec<u32> = si.binding.slots.iter().map(|(_, l)| *l).collect();
        let mut variants: Vec<(Vec<String>, Vec<u32>)> = Vec::new();
        let mut unedited = false;
        for uid in use_units {
            let edits = by_unit.get(uid).filter(|e| {
                e.iter()
                    .any(|e| si.text.get(e.range.clone()) != Some(e.replacement.as_str()))
            });
            let Some(edits) = edits else {
                unedited = true;
                continue;
            };
            let new = if lens.is_empty() {
                Vec::new()
            } else {
                new_slot_texts(&si.text, &lens, edits)?
            };
            match variants.iter_mut().find(|(v, _)| *v == new) {
                Some((_, us)) => us.push(uid),
                None => variants.push((new, vec![uid])),
            }
        }
        let mut iter = variants.into_iter();
        if !unedited && let Some((new, _)) = iter.next() {
            for (p, s) in binding_splices(&si.text, &si.binding, &new) {
                splices.entry(p).or_default().push(s);
            }
        }
        for (new, us) in iter {
            let src = parts.get(sst.part)?;
            let (s0, e0) = (si.range.start as usize, si.range.end as usize);
            let raw = src
                .get(s0..e0)
                .ok_or_else(|| Error::internal("shared string range outside its part"))?;
            let local_splices: Vec<Splice> = binding_splices(&si.text, &si.binding, &new)
                .into_iter()
                .map(|(_, mut s)| {
                    s.start -= si.range.start;
                    s.end -= si.range.start;
                    s
                })
                .collect();
            appended.extend(apply_splices(raw, local_splices)?);
            let new_index = base + n_appended;
            n_appended += 1;
            for uid in us {
                if let Binding::Sst { cells, .. } = &doc.bindings[uid as usize] {
                    for &(p, vs, ve) in cells.iter() {
                        splices.entry(p).or_default().push(Splice {
                            start: vs,
                            end: ve,
                            bytes: new_index.to_string().into_bytes().into(),
                        });
                    }
                }
            }
        }
    }
    if n_appended > 0 {
        if sst.self_closing {
            return Err(Error::refused(
                "cannot append to an empty shared string table",
            ));
        }
        let src = parts.get(sst.part)?;
        if let Some(uc) = &sst.unique_count {
            let old: u64 = src
                .get(uc.start as usize..uc.end as usize)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(base);
            splices.entry(sst.part).or_default().push(Splice {
                start: uc.start,
                end: uc.end,
                bytes: (old + n_appended).to_string().into_bytes().into(),
            });
        }
        splices.entry(sst.part).or_default().push(Splice {
            start: sst.end_tag,
            end: sst.end_tag,
            bytes: appended.into(),
        });
    }
    Ok(())
}

/// The attributes of a pivot cache field's `sharedItems` tag (everything after its name)
/// once a number item of the field became text: `containsString="0"` and
/// `containsSemiMixedTypes="0"` (which say it holds none) go, as do `minValue` and `maxValue`
/// (the numbers' bounds, optional, which were the masked values); a field that declared
/// numbers now holds more than one type (`containsMixedTypes="1"`). Every other attribute
/// stays as written.
fn shared_items_attrs(attrs: &[u8]) -> Result<Vec<u8>> {
    // (The tag's name is put back to scan the attributes as a tag.)
    let mut tag = b"sharedItems".to_vec();
    tag.extend_from_slice(attrs);
    let found = crate::xml::scan_attrs(&tag)?;
    let base = b"sharedItems".len();
    let value = |a: &crate::xml::AttrSpan| &tag[a.value.clone()];
    let numbers = found
        .iter()
        .any(|a| &tag[a.name.clone()] == b"containsNumber" && matches!(value(a), b"1" | b"true"));
    let mut out = Vec::with_capacity(attrs.len() + 24);
    let mut mixed = false;
    let mut last = base;
    for a in &found {
        let name = &tag[a.name.clone()];
        // The attribute with the blanks before it and its closing quote.
        let start = tag[..a.name.start]
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .map_or(base, |p| p + 1)
            .max(last);
        let end = a.value.end + 1;
        out.extend_from_slice(&tag[last..start]);
        last = end;
        let v = value(a);
        match name {
            b"containsString" | b"containsSemiMixedTypes" if matches!(v, b"0" | b"false") => {}
            b"minValue" | b"maxValue" => {}
            b"containsMixedTypes" => {
                mixed = true;
                if numbers {
                    out.extend_from_slice(b" containsMixedTypes=\"1\"");
                } else {
                    out.extend_from_slice(&tag[start..end]);
                }
            }
            _ => out.extend_from_slice(&tag[start..end]),
        }
    }
    if numbers && !mixed {
        out.extend_from_slice(b" containsMixedTypes=\"1\"");
    }
    out.extend_from_slice(&tag[last..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    /// A unit's edits are the plan's for that unit, whatever units have none around it, and
    /// a plan out of order is sorted first.
    #[test]
    fn edits_are_found_by_unit() {
        let e = |u: u32, a: usize| Edit {
            unit: UnitId(u),
            range: a..a + 1,
            replacement: "*".into(),
        };
        let plan = [e(1, 0), e(1, 4), e(3, 2), e(6, 0)];
        let by = UnitEdits::new(&plan, 7).unwrap();
        let starts = |u: u32| -> Vec<usize> {
            by.get(u)
                .unwrap_or_default()
                .iter()
                .map(|e| e.range.start)
                .collect()
        };
        assert_eq!(starts(0), Vec::<usize>::new());
        assert_eq!(starts(1), [0, 4]);
        assert_eq!(starts(2), Vec::<usize>::new());
        assert_eq!(starts(3), [2]);
        assert_eq!(starts(5), Vec::<usize>::new());
        assert_eq!(starts(6), [0]);
        assert!(by.get(7).is_none());
        assert_eq!(by.uids(), [1, 3, 6]);
        let shuffled = [e(6, 0), e(1, 4), e(3, 2), e(1, 0)];
        let by = UnitEdits::new(&shuffled, 7).unwrap();
        assert_eq!(by.get(1).unwrap().len(), 2);
        assert_eq!(by.get(1).unwrap()[0].range.start, 0);
        assert!(UnitEdits::new(&plan, 6).is_err());
    }

    use super::*;
    use docsan_core::UnitId;

    #[test]
    fn same_length_mask_keeps_runs() {
        let text = "330782196209226905";
        let e = Edit {
            unit: UnitId(0),
            range: 6..14,
            replacement: "********".into(),
        };
        let out = new_slot_texts(text, &[9, 9], std::slice::from_ref(&e)).unwrap();
        assert_eq!(out, ["330782***", "*****6905"]);
        let e2 = Edit {
            unit: UnitId(0),
            range: 0..18,
            replacement: "[ID]".into(),
        };
        let out = new_slot_texts(text, &[9, 9], std::slice::from_ref(&e2)).unwrap();
        assert_eq!(out, ["[ID]", ""]);
    }

    #[test]
    fn literal_mask_marks_only_string_contents() {
        let m = literal_mask(r#"A1&"张""三""#);
        let s = r#"A1&"张""三""#;
        let inside: String = s
            .char_indices()
            .filter(|(i, _)| m[*i])
            .map(|(_, c)| c)
            .collect();
        assert_eq!(inside, "张\"\"三");
    }

    #[test]
    fn shared_items_say_they_hold_text_and_lose_their_bounds() {
        let cases: [(&str, &str); 3] = [
            (
                r#" containsSemiMixedTypes="0" containsString="0" containsNumber="1" minValue="13812345678" maxValue="19988887777""#,
                r#" containsNumber="1" containsMixedTypes="1""#,
            ),
            // Single quotes, blanks and other attributes kept as written; an existing
            // mixed-types flag set once.
            (
                " containsBlank='1'\n  containsString='0' containsNumber='1' containsMixedTypes='0' count=\"3\" ",
                " containsBlank='1' containsNumber='1' containsMixedTypes=\"1\" count=\"3\" ",
            ),
            // Text already allowed, no numbers declared: only the bounds go.
            (r#" count="2" minValue="1""#, r#" count="2""#),
        ];
        for (attrs, want) in cases {
            let got = shared_items_attrs(attrs.as_bytes()).unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), want, "{attrs}");
        }
    }
}
