//! CMap parsing: `/ToUnicode` streams and embedded CID CMaps.
//!
//! A PDF CMap is a small PostScript program. We do not run it; we tokenize it and pick out the
//! operators that matter (`begincodespacerange`, `beginbfchar`, `beginbfrange`, `begincidchar`,
//! `begincidrange`, `usecmap`, `/WMode`). Ranges are kept as ranges, never expanded, so a hostile
//! `<0000> <FFFFFFFF>` range costs a few bytes, and the number of entries is bounded.

use std::collections::BTreeMap;

/// Most entries (chars plus ranges) we accept from one CMap; beyond that the CMap is truncated
/// and the caller is told.
pub(crate) const MAX_ENTRIES: usize = 200_000;

/// One codespace range: codes of `len` bytes whose every byte lies between the bytes of `lo` and
/// `hi` (per-byte comparison, as the CMap specification defines it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Codespace {
    pub len: u8,
    pub lo: [u8; 4],
    pub hi: [u8; 4],
}

impl Codespace {
    pub fn new(lo: &[u8], hi: &[u8]) -> Option<Codespace> {
        if lo.is_empty() || lo.len() > 4 || lo.len() != hi.len() {
            return None;
        }
        let mut l = [0u8; 4];
        let mut h = [0u8; 4];
        l[..lo.len()].copy_from_slice(lo);
        h[..hi.len()].copy_from_slice(hi);
        Some(Codespace {
            len: lo.len() as u8,
            lo: l,
            hi: h,
        })
    }

    /// True when the first `len` bytes of `bytes` fall in this range.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        let n = self.len as usize;
        if bytes.len() < n {
            return false;
        }
        (0..n).all(|i| bytes[i] >= self.lo[i] && bytes[i] <= self.hi[i])
    }
}

/// Splits a string into codes using codespace ranges. Returns (code, len) pairs. When no range
/// matches, the shortest range length is consumed (at least one byte) so decoding always
/// progresses, and the code is flagged as outside the codespace.
pub(crate) fn split_codes(spaces: &[Codespace], bytes: &[u8]) -> Vec<(u32, u8, bool)> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    let min_len = spaces.iter().map(|c| c.len).min().unwrap_or(1).max(1) as usize;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let mut found = None;
        for len in 1..=4u8 {
            if spaces.iter().any(|c| c.len == len && c.matches(rest)) {
                found = Some(len as usize);
                break;
            }
        }
        let (n, ok) = match found {
            Some(n) => (n, true),
            None => (min_len.min(rest.len()), false),
        };
        let code = rest[..n].iter().fold(0u32, |a, &b| (a << 8) | b as u32);
        out.push((code, n as u8, ok));
        i += n;
    }
    out
}

/// An index over (code length, first, last) ranges: binary search when the ranges do not
/// overlap, else a scan from the last range (later definitions win), so lookups stay fast on
/// CMaps and width arrays with thousands of entries.
#[derive(Clone, Debug, Default)]
pub(crate) struct RangeIndex {
    order: Vec<(u8, u32, u32, usize)>,
    disjoint: bool,
}

impl RangeIndex {
    pub fn build(ranges: impl Iterator<Item = (u8, u32, u32)>) -> RangeIndex {
        let mut order: Vec<(u8, u32, u32, usize)> = ranges
            .enumerate()
            .map(|(i, (l, a, b))| (l, a, b, i))
            .collect();
        order.sort_unstable();
        let disjoint = order
            .windows(2)
            .all(|w| w[0].0 != w[1].0 || w[0].2 < w[1].1);
        if !disjoint {
            // Keep definition order for the reverse scan.
            order.sort_unstable_by_key(|r| r.3);
        }
        RangeIndex { order, disjoint }
    }

    /// Index of the range holding `code` of length `len`.
    pub fn find(&self, len: u8, code: u32) -> Option<usize> {
        if self.disjoint {
            let i = self.order.partition_point(|r| (r.0, r.1) <= (len, code));
            let r = self.order.get(i.checked_sub(1)?)?;
            (r.0 == len && code >= r.1 && code <= r.2).then_some(r.3)
        } else {
            self.order
                .iter()
                .rev()
                .find(|r| r.0 == len && code >= r.1 && code <= r.2)
                .map(|r| r.3)
        }
    }
}

/// A range destination in a `bfrange`: either a base string incremented per code, or an
/// explicit list of strings.
#[derive(Clone, Debug)]
pub(crate) enum RangeDst {
    Base(Vec<u16>),
    List(Vec<String>),
}

#[derive(Clone, Debug)]
pub(crate) struct BfRange {
    pub lo: u32,
    pub hi: u32,
    pub len: u8,
    pub dst: RangeDst,
}

/// Text to the codes that decode to it.
type ReverseMap = BTreeMap<String, Vec<(u32, u8)>>;

/// A parsed CMap: codespace ranges, code-to-Unicode entries (for ToUnicode) and code-to-CID
/// entries (for embedded encodings).
#[derive(Clone, Debug, Default)]
pub(crate) struct CMap {
    pub codespace: Vec<Codespace>,
    /// Single code to text, keyed by (code, byte length).
    pub chars: BTreeMap<(u32, u8), String>,
    pub ranges: Vec<BfRange>,
    /// code ranges to CIDs: (lo, hi, len, first cid).
    pub cid_ranges: Vec<(u32, u32, u8, u32)>,
    pub usecmap: Option<String>,
    pub wmode: u8,
    /// True when the parser hit a limit or a malformed construct.
    pub truncated: bool,
    range_index: RangeIndex,
    cid_index: RangeIndex,
    reverse_index: std::sync::OnceLock<Option<ReverseMap>>,
    /// Which code lengths (1 to 4) have Unicode entries.
    lens: [bool; 5],
}

fn utf16_to_string(units: &[u16]) -> String {
    String::from_utf16_lossy(units)
}

fn bytes_to_u16s(b: &[u8]) -> Vec<u16> {
    if b.len() % 2 == 1 {
        // An odd-length destination is not UTF-16; treat each byte as a Latin-1 character.
        return b.iter().map(|&x| x as u16).collect();
    }
    b.chunks(2)
        .map(|c| ((c[0] as u16) << 8) | c[1] as u16)
        .collect()
}

fn be(b: &[u8]) -> Option<u32> {
    if b.is_empty() || b.len() > 4 {
        return None;
    }
    Some(b.iter().fold(0u32, |a, &x| (a << 8) | x as u32))
}

impl CMap {
    /// Text for a code of a given length, looking at chars first then at ranges (later
    /// definitions win, as in a PostScript dictionary).
    pub fn lookup(&self, code: u32, len: u8) -> Option<String> {
        if let Some(s) = self.chars.get(&(code, len)) {
            return Some(s.clone());
        }
        if let Some(i) = self.range_index.find(len, code)
            && let Some(r) = self.ranges.get(i)
        {
            {
                let off = code - r.lo;
                return match &r.dst {
                    RangeDst::Base(u) => {
                        let mut u = u.clone();
                        if let Some(last) = u.last_mut() {
                            *last = last.wrapping_add(off as u16);
                        }
                        Some(utf16_to_string(&u))
                    }
                    RangeDst::List(l) => l.get(off as usize).cloned(),
                };
            }
        }
        None
    }

    /// Lookup that tolerates a ToUnicode written with a different code length than the font's
    /// codespace (for example `<0041>` keys for a one-byte font), but only when the ToUnicode
    /// has no entry of the right length at all: with mixed lengths the length is meaningful.
    pub fn lookup_any(&self, code: u32, len: u8) -> Option<String> {
        if let Some(s) = self.lookup(code, len) {
            return Some(s);
        }
        if self.has_len(len) {
            return None;
        }
        (1..=4u8)
            .filter(|&l| l != len)
            .find_map(|l| self.lookup(code, l))
    }

    /// True when some entry has codes of `len` bytes.
    pub fn has_len(&self, len: u8) -> bool {
        self.lens.get(len as usize).copied().unwrap_or(false)
    }

    pub fn has_unicode(&self) -> bool {
        !self.chars.is_empty() || !self.ranges.is_empty()
    }

    /// All (code, len) whose text equals `text`, bounded by `max` results. Served from an
    /// index built on first use when the CMap is small enough to expand, else by a scan.
    pub fn reverse(&self, text: &str, max: usize) -> Vec<(u32, u8)> {
        let index = self.reverse_index.get_or_init(|| self.build_reverse());
        match index {
            Some(map) => {
                let mut v = map.get(text).cloned().unwrap_or_default();
                v.truncate(max);
                v
            }
            None => self.reverse_scan(text, max),
        }
    }

    /// Text to codes for every code the CMap defines, or `None` when its ranges expand to more
    /// than [`MAX_ENTRIES`] codes.
    fn build_reverse(&self) -> Option<ReverseMap> {
        let mut total = self.chars.len();
        for r in &self.ranges {
            total = total.saturating_add((r.hi - r.lo) as usize + 1);
            if total > MAX_ENTRIES {
                return None;
            }
        }
        let mut keys: Vec<(u32, u8)> = self.chars.keys().copied().collect();
        for r in &self.ranges {
            keys.extend((r.lo..=r.hi).map(|c| (c, r.len)));
        }
        keys.sort_unstable();
        keys.dedup();
        let mut map = ReverseMap::new();
        for (c, l) in keys {
            if let Some(t) = self.lookup(c, l) {
                map.entry(t).or_default().push((c, l));
            }
        }
        Some(map)
    }

    fn reverse_scan(&self, text: &str, max: usize) -> Vec<(u32, u8)> {
        let mut out: Vec<(u32, u8)> = Vec::new();
        for (k, v) in &self.chars {
            if v == text {
                out.push(*k);
            }
        }
        let units: Vec<u16> = text.encode_utf16().collect();
        for r in &self.ranges {
            match &r.dst {
                RangeDst::Base(b) => {
                    if b.len() == units.len() && !b.is_empty() {
                        let n = b.len() - 1;
                        if b[..n] == units[..n] && units[n] >= b[n] {
                            let off = (units[n] - b[n]) as u32;
                            if let Some(c) = r.lo.checked_add(off)
                                && c <= r.hi
                            {
                                out.push((c, r.len));
                            }
                        }
                    }
                }
                RangeDst::List(l) => {
                    for (i, s) in l.iter().enumerate() {
                        if s == text
                            && let Some(c) = r.lo.checked_add(i as u32)
                            && c <= r.hi
                        {
                            out.push((c, r.len));
                        }
                    }
                }
            }
            if out.len() >= max {
                break;
            }
        }
        out.sort_unstable();
        out.dedup();
        // A code defined as a char shadows ranges; keep only codes whose lookup really is `text`.
        out.retain(|&(c, l)| self.lookup(c, l).as_deref() == Some(text));
        out.truncate(max);
        out
    }

    /// CID for a code through cidchar/cidrange entries.
    pub fn cid(&self, code: u32, len: u8) -> Option<u32> {
        let r = self.cid_ranges.get(self.cid_index.find(len, code)?)?;
        Some(r.3.saturating_add(code - r.0))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Str(Vec<u8>),
    Name(String),
    Int(i64),
    Kw(String),
    ArrOpen,
    ArrClose,
    Other,
}

fn tokenize(data: &[u8], max_tokens: usize) -> (Vec<Tok>, bool) {
    let mut toks = Vec::new();
    let mut i = 0;
    let n = data.len();
    let is_delim = |c: u8| b"()<>[]{}/%".contains(&c);
    let is_ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | 0);
    while i < n {
        if toks.len() >= max_tokens {
            return (toks, true);
        }
        let c = data[i];
        if is_ws(c) {
            i += 1;
        } else if c == b'%' {
            while i < n && data[i] != b'\n' && data[i] != b'\r' {
                i += 1;
            }
        } else if c == b'<' {
            if i + 1 < n && data[i + 1] == b'<' {
                toks.push(Tok::Other);
                i += 2;
                continue;
            }
            i += 1;
            let mut hex = Vec::new();
            let mut half: Option<u8> = None;
            while i < n && data[i] != b'>' {
                let d = data[i];
                let v = match d {
                    b'0'..=b'9' => Some(d - b'0'),
                    b'a'..=b'f' => Some(d - b'a' + 10),
                    b'A'..=b'F' => Some(d - b'A' + 10),
                    _ => None,
                };
                if let Some(v) = v {
                    match half.take() {
                        Some(h) => hex.push((h << 4) | v),
                        None => half = Some(v),
                    }
                }
                i += 1;
            }
            if let Some(h) = half {
                hex.push(h << 4);
            }
            i += 1;
            toks.push(Tok::Hex(hex));
        } else if c == b'>' {
            i += if i + 1 < n && data[i + 1] == b'>' {
                2
            } else {
                1
            };
            toks.push(Tok::Other);
        } else if c == b'(' {
            i += 1;
            let mut depth = 1usize;
            let mut s = Vec::new();
            while i < n {
                let d = data[i];
                if d == b'\\' && i + 1 < n {
                    let e = data[i + 1];
                    i += 2;
                    match e {
                        b'n' => s.push(b'\n'),
                        b'r' => s.push(b'\r'),
                        b't' => s.push(b'\t'),
                        b'b' => s.push(8),
                        b'f' => s.push(12),
                        b'0'..=b'7' => {
                            let mut v = (e - b'0') as u32;
                            let mut k = 0;
                            while k < 2 && i < n && (b'0'..=b'7').contains(&data[i]) {
                                v = v * 8 + (data[i] - b'0') as u32;
                                i += 1;
                                k += 1;
                            }
                            s.push(v as u8);
                        }
                        b'\r' | b'\n' => {}
                        other => s.push(other),
                    }
                    continue;
                }
                if d == b'(' {
                    depth += 1;
                } else if d == b')' {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                s.push(d);
                i += 1;
            }
            toks.push(Tok::Str(s));
        } else if c == b'[' {
            toks.push(Tok::ArrOpen);
            i += 1;
        } else if c == b']' {
            toks.push(Tok::ArrClose);
            i += 1;
        } else if c == b'{' || c == b'}' || c == b')' {
            toks.push(Tok::Other);
            i += 1;
        } else if c == b'/' {
            i += 1;
            let s = i;
            while i < n && !is_ws(data[i]) && !is_delim(data[i]) {
                i += 1;
            }
            toks.push(Tok::Name(String::from_utf8_lossy(&data[s..i]).into_owned()));
        } else {
            let s = i;
            while i < n && !is_ws(data[i]) && !is_delim(data[i]) {
                i += 1;
            }
            if i == s {
                i += 1;
                toks.push(Tok::Other);
                continue;
            }
            let w = &data[s..i];
            let txt = String::from_utf8_lossy(w).into_owned();
            match txt.parse::<i64>() {
                Ok(v) => toks.push(Tok::Int(v)),
                Err(_) => toks.push(Tok::Kw(txt)),
            }
        }
    }
    (toks, false)
}

fn tok_bytes(t: &Tok) -> Option<&[u8]> {
    match t {
        Tok::Hex(b) | Tok::Str(b) => Some(b),
        _ => None,
    }
}

/// Parses a CMap program. Never fails: malformed parts set `truncated`.
pub(crate) fn parse(data: &[u8]) -> CMap {
    let mut cm = parse_entries(data);
    cm.range_index = RangeIndex::build(cm.ranges.iter().map(|r| (r.len, r.lo, r.hi)));
    cm.cid_index = RangeIndex::build(cm.cid_ranges.iter().map(|r| (r.2, r.0, r.1)));
    for l in cm
        .chars
        .keys()
        .map(|k| k.1)
        .chain(cm.ranges.iter().map(|r| r.len))
    {
        if let Some(slot) = cm.lens.get_mut(l as usize) {
            *slot = true;
        }
    }
    cm
}

fn parse_entries(data: &[u8]) -> CMap {
    let (toks, over) = tokenize(data, MAX_ENTRIES * 4);
    let mut cm = CMap {
        truncated: over,
        ..CMap::default()
    };
    let mut entries = 0usize;
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Name(n) if n == "WMode" => {
                if let Some(Tok::Int(v)) = toks.get(i + 1) {
                    cm.wmode = u8::from(*v == 1);
                }
                i += 1;
            }
            Tok::Kw(k) if k == "usecmap" => {
                if i > 0
                    && let Tok::Name(n) = &toks[i - 1]
                {
                    cm.usecmap = Some(n.clone());
                }
                i += 1;
            }
            Tok::Kw(k) if k == "begincodespacerange" => {
                i += 1;
                while i + 1 < toks.len() {
                    if matches!(&toks[i], Tok::Kw(k) if k == "endcodespacerange") {
                        break;
                    }
                    match (tok_bytes(&toks[i]), tok_bytes(&toks[i + 1])) {
                        (Some(a), Some(b)) => {
                            match Codespace::new(a, b) {
                                Some(c) => cm.codespace.push(c),
                                None => cm.truncated = true,
                            }
                            i += 2;
                        }
                        _ => {
                            cm.truncated = true;
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            Tok::Kw(k) if k == "beginbfchar" => {
                i += 1;
                while i + 1 < toks.len() {
                    if matches!(&toks[i], Tok::Kw(k) if k == "endbfchar") {
                        break;
                    }
                    let src = tok_bytes(&toks[i]).and_then(|b| be(b).map(|c| (c, b.len() as u8)));
                    let dst = match &toks[i + 1] {
                        Tok::Hex(b) | Tok::Str(b) => Some(utf16_to_string(&bytes_to_u16s(b))),
                        Tok::Name(n) => crate::encoding::glyph_to_unicode(n),
                        _ => None,
                    };
                    match (src, dst) {
                        (Some(k), Some(v)) => {
                            entries += 1;
                            if entries > MAX_ENTRIES {
                                cm.truncated = true;
                                return cm;
                            }
                            cm.chars.insert(k, v);
                            i += 2;
                        }
                        _ => {
                            cm.truncated = true;
                            i += 1;
                        }
                    }
                }
                i += 1;
            }
            Tok::Kw(k) if k == "beginbfrange" => {
                i += 1;
                while i + 2 < toks.len() {
                    if matches!(&toks[i], Tok::Kw(k) if k == "endbfrange") {
                        break;
                    }
                    let (a, b) = match (tok_bytes(&toks[i]), tok_bytes(&toks[i + 1])) {
                        (Some(a), Some(b)) => (a, b),
                        _ => {
                            cm.truncated = true;
                            i += 1;
                            continue;
                        }
                    };
                    let (lo, hi) = match (be(a), be(b)) {
                        (Some(lo), Some(hi)) if lo <= hi => (lo, hi),
                        _ => {
                            cm.truncated = true;
                            i += 3;
                            continue;
                        }
                    };
                    let len = a.len() as u8;
                    match &toks[i + 2] {
                        Tok::Hex(d) | Tok::Str(d) => {
                            cm.ranges.push(BfRange {
                                lo,
                                hi,
                                len,
                                dst: RangeDst::Base(bytes_to_u16s(d)),
                            });
                            i += 3;
                        }
                        Tok::ArrOpen => {
                            let mut list = Vec::new();
                            let mut j = i + 3;
                            while j < toks.len() && toks[j] != Tok::ArrClose {
                                if let Some(d) = tok_bytes(&toks[j]) {
                                    list.push(utf16_to_string(&bytes_to_u16s(d)));
                                } else if let Tok::Name(n) = &toks[j] {
                                    list.push(
                                        crate::encoding::glyph_to_unicode(n).unwrap_or_default(),
                                    );
                                }
                                j += 1;
                                if list.len() > MAX_ENTRIES {
                                    break;
                                }
                            }
                            entries += list.len();
                            cm.ranges.push(BfRange {
                                lo,
                                hi,
                                len,
                                dst: RangeDst::List(list),
                            });
                            i = j + 1;
                        }
                        _ => {
                            cm.truncated = true;
                            i += 3;
                        }
                    }
                    entries += 1;
                    if entries > MAX_ENTRIES {
                        cm.truncated = true;
                        return cm;
                    }
                }
                i += 1;
            }
            Tok::Kw(k) if k == "begincidrange" || k == "beginnotdefrange" => {
                let is_cid = k == "begincidrange";
                i += 1;
                while i + 2 < toks.len() {
                    if matches!(&toks[i], Tok::Kw(k) if k == "endcidrange" || k == "endnotdefrange")
                    {
                        break;
                    }
                    match (tok_bytes(&toks[i]), tok_bytes(&toks[i + 1]), &toks[i + 2]) {
                        (Some(a), Some(b), Tok::Int(c)) => {
                            if let (Some(lo), Some(hi)) = (be(a), be(b))
                                && lo <= hi
                                && *c >= 0
                                && is_cid
                            {
                                cm.cid_ranges.push((lo, hi, a.len() as u8, *c as u32));
                            }
                            i += 3;
                        }
                        _ => {
                            cm.truncated = true;
                            i += 1;
                        }
                    }
                    entries += 1;
                    if entries > MAX_ENTRIES {
                        cm.truncated = true;
                        return cm;
                    }
                }
                i += 1;
            }
            Tok::Kw(k) if k == "begincidchar" || k == "beginnotdefchar" => {
                let is_cid = k == "begincidchar";
                i += 1;
                while i + 1 < toks.len() {
                    if matches!(&toks[i], Tok::Kw(k) if k == "endcidchar" || k == "endnotdefchar") {
                        break;
                    }
                    match (tok_bytes(&toks[i]), &toks[i + 1]) {
                        (Some(a), Tok::Int(c)) => {
                            if let Some(v) = be(a)
                                && *c >= 0
                                && is_cid
                            {
                                cm.cid_ranges.push((v, v, a.len() as u8, *c as u32));
                            }
                            i += 2;
                        }
                        _ => {
                            cm.truncated = true;
                            i += 1;
                        }
                    }
                    entries += 1;
                    if entries > MAX_ENTRIES {
                        cm.truncated = true;
                        return cm;
                    }
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    cm
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bfchar_bfrange_and_codespace() {
        let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
            1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
            2 beginbfchar <0003> <0020> <0011> <D835DC00> endbfchar\n\
            2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<4E00> <4E8C>] endbfrange\n\
            endcmap";
        let cm = parse(src);
        assert!(!cm.truncated);
        assert_eq!(cm.codespace.len(), 1);
        assert_eq!(cm.lookup(3, 2).as_deref(), Some(" "));
        assert_eq!(cm.lookup(0x11, 2).as_deref(), Some("\u{1D400}"));
        assert_eq!(cm.lookup(0x21, 2).as_deref(), Some("B"));
        assert_eq!(cm.lookup(0x31, 2).as_deref(), Some("二"));
        assert_eq!(cm.lookup(0x23, 2), None);
        assert_eq!(cm.reverse("C", 8), vec![(0x22, 2)]);
        assert_eq!(cm.reverse("一", 8), vec![(0x30, 2)]);
        // One-byte lookups fall back to the two-byte keys only because no one-byte key exists.
        assert_eq!(cm.lookup_any(0x21, 1).as_deref(), Some("B"));
        let codes = split_codes(&cm.codespace, &[0, 3, 0, 0x21, 7]);
        assert_eq!(codes, vec![(3, 2, true), (0x21, 2, true), (7, 1, false)]);
    }

    #[test]
    fn overlapping_ranges_later_wins_and_disjoint_ones_bisect() {
        let cm = parse(
            b"2 beginbfrange <0000> <00FF> <0041> <0010> <0012> <0061> endbfrange\n\
              3 begincidrange <00> <7F> 1 <80> <FF> 500 <8140> <817E> 633 endcidrange",
        );
        assert_eq!(cm.lookup(0x11, 2).as_deref(), Some("b"));
        assert_eq!(cm.lookup(0x20, 2).as_deref(), Some("a"));
        assert_eq!(cm.cid(0x41, 1), Some(0x42));
        assert_eq!(cm.cid(0x80, 1), Some(500));
        assert_eq!(cm.cid(0x8141, 2), Some(634));
        assert_eq!(cm.cid(0x8141, 1), None);
        let idx = RangeIndex::build((0..5000u32).map(|i| (2, i * 4, i * 4 + 1)));
        assert_eq!(idx.find(2, 4 * 777 + 1), Some(777));
        assert_eq!(idx.find(2, 4 * 777 + 2), None);
    }

    #[test]
    fn hostile_cmaps_do_not_explode() {
        let src = b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange 1 begincodespacerange <00> endcodespacerange";
        let cm = parse(src);
        assert_eq!(cm.lookup(0x1234_5678, 4).as_deref(), Some("\u{56B9}"));
        // Too large to index: the reverse map scans.
        assert_eq!(cm.reverse("\u{56B9}", 4), vec![(0x5678, 4)]);
        let cm = parse(b"<<<<((((([[[[ beginbfchar <01");
        assert!(cm.chars.is_empty());
    }
}
