//! The original values, compiled into every form they could take in an output file.
//!
//! A value left behind is rarely stored as plain UTF-8: Word writes XML character references,
//! PDF producers write UTF-16BE text strings, hex strings, GBK bytes or glyph codes. Each value is
//! therefore expanded once into all those byte forms and searched with one [`Matcher`] pass per
//! buffer (built in time linear in the patterns, since it is built anew for every document). Extracted text is compared after whitespace normalization, so that
//! `138 1234 5678` and `13812345678` are the same value.

use crate::matcher::{Matcher, MatcherBuilder};
use docsan_core::Sensitive;
use std::borrow::Cow;

/// Encodings shorter than this many bytes are searched only in text-bearing buffers.
pub(crate) const SHORT: usize = 6;

/// Normalizes text for comparison: drops whitespace and invisible characters, folds full-width
/// ASCII variants to ASCII, and drops hyphens between digits (`178-6990-5432` is the mobile
/// `17869905432`).
pub(crate) fn normalize(s: &str) -> String {
    normalize_cow(s).into_owned()
}

/// Whether normalization drops this character.
fn dropped(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}')
}

/// Whether [`normalize`] leaves nothing of this text (it is all whitespace or invisible).
pub(crate) fn normalizes_to_nothing(s: &str) -> bool {
    s.chars().all(dropped)
}

/// A hyphen or dash, dropped between two digits.
fn dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}')
}

/// [`normalize`], borrowing the text when normalization leaves it as it is (most texts: no
/// whitespace, no full-width forms, no dashes), so that searching a text allocates nothing.
pub(crate) fn normalize_cow(s: &str) -> Cow<'_, str> {
    let unchanged = if s.is_ascii() {
        !s.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' ' | b'-'))
    } else {
        !s.chars()
            .any(|c| dropped(c) || dash(c) || ('\u{FF01}'..='\u{FF5E}').contains(&c))
    };
    if unchanged {
        return Cow::Borrowed(s);
    }
    // One pass over the kept characters (whitespace and invisible ones dropped, full-width
    // folded); a dash after a digit waits for the next kept character, and is dropped when
    // that is a digit too.
    let mut out = String::with_capacity(s.len());
    let mut prev_digit = false;
    let mut pending: Option<char> = None;
    for c in s.chars() {
        if dropped(c) {
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if let Some(p) = pending.take()
            && !c.is_ascii_digit()
        {
            out.push(p);
        }
        if dash(c) && prev_digit {
            pending = Some(c);
        } else {
            out.push(c);
        }
        prev_digit = c.is_ascii_digit();
    }
    if let Some(p) = pending {
        out.push(p);
    }
    Cow::Owned(out)
}

/// A hash set with [`FastHasher`](docsan_core::FastHasher): only membership is asked of the
/// sets built here (hundreds of thousands of short strings), never their order.
pub(crate) type FastSet<T> = docsan_core::FastSet<T>;

/// The compiled originals.
pub(crate) struct Needles<'a> {
    originals: &'a [Sensitive],
    /// The searchable values: indices into `originals` (not copies: a sheet has hundreds of
    /// thousands).
    values: Vec<u32>,
    /// For each byte pattern: its value, its rule (an index into [`RULES`]), whether it is
    /// short, and whether it is the normalized value's UTF-8 form, which text is searched for
    /// (every value has one: its UTF-8 form, or that of its normalized form, or an earlier form
    /// of it with the same bytes). Eight bytes each: a sheet's values have millions of forms;
    /// a second matcher of the normalized values cost a quarter of the verifier's memory.
    byte_pats: Vec<(u32, u8, bool, bool)>,
    byte_m: Matcher,
    /// The length of the longest byte pattern.
    max_len: usize,
}

/// The rule names of the byte forms.
const RULES: [&str; 9] = [
    "original.utf8",
    "original.utf16be",
    "original.utf16le",
    "original.gbk",
    "original.hex-gbk",
    "original.hex-utf8",
    "original.hex-utf16be",
    "original.pdfdoc",
    "original.char-ref",
];

fn rule_index(rule: &str) -> u8 {
    RULES.iter().position(|r| *r == rule).unwrap_or(0) as u8
}

/// The rule of forms found only once XML character references are decoded.
const CHAR_REF: u8 = 8;
const UTF8: u8 = 0;
const UTF16BE: u8 = 1;
const UTF16LE: u8 = 2;

/// `buf` with its XML character references (`&#24352;`, `&#x5F20;`, `&#X5f20;`) decoded to
/// UTF-8, or `None` when it has none. Values written as references, in any mix of decimal and
/// hexadecimal, upper and lower case, are then found by their UTF-8 form; no per-value
/// pattern for each way of writing them is needed.
fn decode_char_refs(buf: &[u8]) -> Option<Vec<u8>> {
    let first = memchr_amp_hash(buf)?;
    let mut out = Vec::with_capacity(buf.len());
    out.extend_from_slice(&buf[..first]);
    let mut i = first;
    while i < buf.len() {
        if buf[i] == b'&'
            && buf.get(i + 1) == Some(&b'#')
            && let Some((c, len)) = char_ref_at(&buf[i + 2..])
        {
            let mut tmp = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut tmp).as_bytes());
            i += 2 + len;
        } else {
            out.push(buf[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The position of the first `&#` in `buf`.
fn memchr_amp_hash(buf: &[u8]) -> Option<usize> {
    buf.windows(2).position(|w| w == b"&#")
}

/// The character of a reference body (`24352;` or `x5F20;`) and the bytes it takes,
/// semicolon included.
fn char_ref_at(b: &[u8]) -> Option<(char, usize)> {
    let (radix, start) = match b.first() {
        Some(b'x' | b'X') => (16, 1),
        _ => (10, 0),
    };
    let digits = b[start..]
        .iter()
        .take(8)
        .take_while(|d| char::from(**d).is_digit(radix))
        .count();
    if digits == 0 || b.get(start + digits) != Some(&b';') {
        return None;
    }
    let s = std::str::from_utf8(&b[start..start + digits]).ok()?;
    let c = char::from_u32(u32::from_str_radix(s, radix).ok()?)?;
    Some((c, start + digits + 1))
}

/// GBK bytes of a string, or GB18030 when GBK cannot hold it.
pub(crate) fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, errors) = encoding_rs::GBK.encode(s);
    if errors {
        encoding_rs::GB18030.encode(s).0.into_owned()
    } else {
        bytes.into_owned()
    }
}

/// Up to four bytes and their count.
type GbkChar = ([u8; 4], usize);

/// GBK bytes of one character, remembered per thread (the encoder searches its tables for
/// every Hanzi, and the same surnames and place names recur in every document). `None` when
/// GBK cannot hold the character.
fn gbk_char(c: char) -> Option<GbkChar> {
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<char, Option<GbkChar>>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    CACHE.with(|cache| {
        if let Some(hit) = cache.borrow().get(&c) {
            return *hit;
        }
        let mut buf = [0u8; 4];
        let (bytes, _, errors) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        let v = (!errors && bytes.len() <= 4).then(|| {
            let mut out = [0u8; 4];
            out[..bytes.len()].copy_from_slice(&bytes);
            (out, bytes.len())
        });
        let mut m = cache.borrow_mut();
        if m.len() >= 65_536 {
            m.clear();
        }
        m.insert(c, v);
        v
    })
}

/// Appends the GBK bytes of `s` (GB18030 when GBK cannot hold it), as [`gbk`] returns them.
fn gbk_into(s: &str, out: &mut Vec<u8>) {
    let start = out.len();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else if let Some((b, n)) = gbk_char(c) {
            out.extend_from_slice(&b[..n]);
        } else {
            out.truncate(start);
            out.extend_from_slice(&gbk(s));
            return;
        }
    }
}

/// Appends the UTF-16 bytes of `s`, big-endian when `be`.
fn utf16_into(s: &str, be: bool, out: &mut Vec<u8>) {
    out.reserve(s.len() * 2);
    if s.is_ascii() {
        // Each byte is one code unit.
        out.extend(s.bytes().flat_map(|b| if be { [0, b] } else { [b, 0] }));
        return;
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
    }
}

fn hex_into(bytes: &[u8], upper: bool, out: &mut Vec<u8>) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    for b in bytes {
        out.push(digits[usize::from(b >> 4)]);
        out.push(digits[usize::from(b & 15)]);
    }
}

/// Writes every byte form of one string into `b`, each as a pattern with the rule name that
/// reports it in `rules`. PDF-only forms (hex strings, PDFDocEncoding) only when `pdf`. A form
/// that is empty or repeats an earlier form of the same value (from `first`) is dropped.
fn push_forms(
    s: &str,
    pdf: bool,
    first: usize,
    b: &mut MatcherBuilder,
    rules: &mut Vec<&'static str>,
) {
    let mut add = |b: &mut MatcherBuilder, rule: &'static str, write: &dyn Fn(&mut Vec<u8>)| {
        let i = b.push_with(|out| write(out));
        let new = b.get(i);
        if new.is_empty() || (first..i).any(|j| b.get(j) == new) {
            b.pop();
        } else {
            rules.push(rule);
        }
    };
    let ascii = s.is_ascii();
    add(b, "original.utf8", &|o| o.extend_from_slice(s.as_bytes()));
    // The UTF-16 forms of an ASCII value are found by its UTF-8 form in the buffer's UTF-16
    // views instead (see [`utf16_ascii_views`]): most values of a sheet are numbers, and two
    // patterns fewer each is a third of the matcher's memory.
    if !ascii {
        add(b, "original.utf16be", &|o| utf16_into(s, true, o));
        add(b, "original.utf16le", &|o| utf16_into(s, false, o));
    }
    if !ascii {
        add(b, "original.gbk", &|o| gbk_into(s, o));
    }
    if pdf {
        if !ascii {
            for upper in [true, false] {
                add(b, "original.hex-gbk", &|o| {
                    let mut g = Vec::new();
                    gbk_into(s, &mut g);
                    hex_into(&g, upper, o)
                });
            }
        }
        for upper in [true, false] {
            add(b, "original.hex-utf8", &|o| {
                hex_into(s.as_bytes(), upper, o)
            });
        }
        for upper in [true, false] {
            add(b, "original.hex-utf16be", &|o| {
                let mut be = Vec::with_capacity(s.len() * 2);
                utf16_into(s, true, &mut be);
                hex_into(&be, upper, o)
            });
        }
    }
    if !ascii {
        if pdf && s.chars().all(|c| (c as u32) < 256) {
            add(b, "original.pdfdoc", &|o| {
                o.extend(s.chars().map(|c| c as u8))
            });
        }
    }
}

impl<'a> Needles<'a> {
    /// `pdf`: also the forms only a PDF holds (hex strings, PDFDocEncoding); other formats
    /// keep every raw encoding (UTF-8, UTF-16, GBK, character references).
    pub(crate) fn new(
        originals: &'a [Sensitive],
        allowed: &[docsan_core::CompactString],
        pdf: bool,
    ) -> Self {
        // Room for every form, estimated from above: a sheet's hundreds of thousands of
        // values must not be copied again at every doubling of the buffers.
        let (mut bytes, mut forms) = (0usize, 0usize);
        for o in originals {
            let v = o.expose();
            // UTF-8, and for other than ASCII two UTF-16 forms and GBK (at most two bytes a
            // character but for the rare four-byte GB18030 ones, which grow the buffer).
            let (b, f) = if v.is_ascii() {
                (v.len(), 1)
            } else {
                let chars = v.chars().count();
                (v.len() + 6 * chars, 4)
            };
            // The PDF forms (hex, PDFDocEncoding) about triple it.
            let pdf_factor = if pdf { 3 } else { 1 };
            bytes += b * pdf_factor;
            forms += f * pdf_factor;
        }
        let mut values: Vec<u32> = Vec::with_capacity(originals.len());
        let mut byte_b = MatcherBuilder::with_capacity(bytes, forms);
        // The rules of one value's forms.
        let mut rules: Vec<&'static str> = Vec::new();
        let mut byte_pats = Vec::with_capacity(forms);
        // Sorted lists (as the facade passes them) are searched and de-duplicated as they
        // are; others through sets. Not a scan per value: a 100k-row sheet has as many of each.
        let originals_sorted = originals.windows(2).all(|w| w[0] <= w[1]);
        let allowed_sorted = allowed.windows(2).all(|w| w[0] <= w[1]);
        let mut uniq: FastSet<&str> = FastSet::default();
        let allowed_set: FastSet<&str> = if allowed_sorted {
            FastSet::default()
        } else {
            allowed.iter().map(|a| a.as_str()).collect()
        };
        // With both lists sorted, the replacements are walked beside the originals (a binary
        // search for each of a sheet's 300,000 values took a fifth of this function).
        let both_sorted = originals_sorted && allowed_sorted;
        let mut next_allowed = 0usize;
        let mut is_allowed = |v: &str| {
            if both_sorted {
                while allowed.get(next_allowed).is_some_and(|a| a.as_str() < v) {
                    next_allowed += 1;
                }
                allowed.get(next_allowed).is_some_and(|a| a.as_str() == v)
            } else if allowed_sorted {
                allowed.binary_search_by(|a| a.as_str().cmp(v)).is_ok()
            } else {
                allowed_set.contains(v)
            }
        };
        for (oi, o) in originals.iter().enumerate() {
            let v = o.expose();
            let repeated = if originals_sorted {
                oi > 0 && originals[oi - 1].expose() == v
            } else {
                !uniq.insert(v)
            };
            if repeated || is_allowed(v) {
                continue;
            }
            let norm = normalize(v);
            if norm.is_empty() {
                continue;
            }
            let idx = values.len();
            values.push(oi as u32);
            let first = byte_b.len();
            rules.clear();
            push_forms(v, pdf, first, &mut byte_b, &mut rules);
            if norm != v {
                push_forms(&norm, pdf, first, &mut byte_b, &mut rules);
            }
            for (k, rule) in rules.iter().enumerate() {
                let form = byte_b.get(first + k);
                let is_norm = form == norm.as_bytes();
                byte_pats.push((idx as u32, rule_index(rule), form.len() < SHORT, is_norm));
            }
        }
        let max_len = (0..byte_b.len())
            .map(|i| byte_b.get(i).len())
            .max()
            .unwrap_or(0);
        Needles {
            originals,
            values,
            byte_pats,
            byte_m: byte_b.build(),
            max_len,
        }
    }

    /// True when there are no originals to look for.
    pub(crate) fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub(crate) fn value(&self, idx: usize) -> &'a Sensitive {
        &self.originals[self.values[idx] as usize]
    }

    /// The searchable values with their index, for callers that encode them their own way.
    pub(crate) fn values(&self) -> impl Iterator<Item = (usize, &str)> {
        (0..self.values.len()).map(|i| (i, self.value(i).expose()))
    }

    /// Which values occur in this text (after normalization).
    pub(crate) fn find_in_text(&self, text: &str) -> Vec<usize> {
        if self.byte_m.is_empty() {
            return Vec::new();
        }
        let norm = normalize_cow(text);
        let mut hits = Vec::new();
        let pats = &self.byte_pats;
        self.byte_m.for_each(norm.as_bytes(), |p, _| {
            if let Some(&(idx, _, _, true)) = pats.get(p) {
                hits.push(idx as usize);
            }
        });
        hits.sort_unstable();
        hits.dedup();
        hits
    }

    /// Which values occur in this buffer, in which encoding. A buffer with XML character
    /// references is searched a second time with them decoded; a value found only then is
    /// reported as `original.char-ref`.
    pub(crate) fn find_in_bytes(
        &self,
        buf: &[u8],
        text_bearing: bool,
    ) -> Vec<(usize, &'static str)> {
        let pats = &self.byte_pats;
        let search = |hay: &[u8]| {
            let mut hits: Vec<(usize, u8)> = Vec::new();
            self.byte_m.for_each(hay, |p, _| {
                if let Some(&(idx, rule, short, _)) = pats.get(p)
                    && (text_bearing || !short)
                {
                    hits.push((idx as usize, rule));
                }
            });
            hits
        };
        // A large part (a sheet's 20 MB) is searched in pieces on the pool, each overlapping
        // the next by a pattern's length less one: a thread done with its own check takes
        // some (only which values occur counts, so the pieces' hits are simply joined).
        let mut hits: Vec<(usize, u8)> = if buf.len() >= 2 * SEARCH_PIECE && self.max_len > 0 {
            use rayon::prelude::*;
            let pieces = buf.len().div_ceil(SEARCH_PIECE);
            let found: Vec<Vec<(usize, u8)>> = (0..pieces)
                .into_par_iter()
                .map(|k| {
                    let start = k * SEARCH_PIECE;
                    let end = ((k + 1) * SEARCH_PIECE + self.max_len - 1).min(buf.len());
                    search(&buf[start..end])
                })
                .collect();
            found.concat()
        } else {
            search(buf)
        };
        // ASCII values in UTF-16: their UTF-8 form in the text of the buffer's runs of
        // `c 00` (little-endian) or `00 c` (big-endian) code units.
        if buf.contains(&0) {
            for (be, view) in utf16_ascii_views(buf) {
                let rule = if be { UTF16BE } else { UTF16LE };
                self.byte_m.for_each(&view, |p, _| {
                    if let Some(&(idx, r, _, _)) = pats.get(p)
                        && r == UTF8
                        && (text_bearing || 2 * self.byte_m.pattern_len(p) >= SHORT)
                    {
                        hits.push((idx as usize, rule));
                    }
                });
            }
        }
        if let Some(decoded) = decode_char_refs(buf) {
            let raw: FastSet<usize> = hits.iter().map(|h| h.0).collect();
            let mut more = Vec::new();
            self.byte_m.for_each(&decoded, |p, _| {
                if let Some(&(idx, _, short, _)) = pats.get(p)
                    && (text_bearing || !short)
                    && !raw.contains(&(idx as usize))
                {
                    more.push((idx as usize, CHAR_REF));
                }
            });
            hits.extend(more);
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter()
            .map(|(i, r)| (i, RULES[usize::from(r)]))
            .collect()
    }
}

/// The size of the pieces a large buffer is searched in, side by side.
const SEARCH_PIECE: usize = 1 << 21;

/// The ASCII text a buffer holds as UTF-16: for each byte order and each of the two
/// alignments, every run of code units below 0x80 (and not NUL), the runs separated by NUL
/// (which no pattern holds). A value's UTF-16 form occurs in the buffer exactly where its
/// ASCII form occurs in one of these views. `true` marks the big-endian views.
fn utf16_ascii_views(buf: &[u8]) -> Vec<(bool, Vec<u8>)> {
    let mut views = Vec::new();
    for be in [false, true] {
        let mut view = Vec::new();
        for align in 0..2 {
            let mut run = 0usize;
            for pair in buf.get(align..).unwrap_or(&[]).chunks_exact(2) {
                let (c, zero) = if be {
                    (pair[1], pair[0])
                } else {
                    (pair[0], pair[1])
                };
                if zero == 0 && (1..0x80).contains(&c) {
                    view.push(c);
                    run += 1;
                } else if run > 0 {
                    view.push(0);
                    run = 0;
                }
            }
            if run > 0 {
                view.push(0);
            }
        }
        if !view.is_empty() {
            views.push((be, view));
        }
    }
    views
}

/// Patterns of one font's glyph codes, compiled once: (value index, code bytes).
#[derive(Debug, Default)]
pub(crate) struct Custom {
    values: Vec<usize>,
    m: Matcher,
}

impl Custom {
    pub(crate) fn new(patterns: Vec<(usize, Vec<u8>)>) -> Self {
        let (values, bytes): (Vec<usize>, Vec<Vec<u8>>) = patterns.into_iter().unzip();
        Custom {
            m: Matcher::new(&bytes),
            values,
        }
    }

    /// Which values occur in `buf`.
    pub(crate) fn find(&self, buf: &[u8]) -> Vec<usize> {
        let mut hits = Vec::new();
        self.m.for_each(buf, |p, _| {
            if let Some(v) = self.values.get(p) {
                hits.push(*v);
            }
        });
        hits.sort_unstable();
        hits.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forms as first written (one allocation per form), kept as the reference the
    /// in-place writer must reproduce.
    mod reference {
        use super::super::gbk;

        fn hex(bytes: &[u8], upper: bool) -> Vec<u8> {
            let digits: &[u8; 16] = if upper {
                b"0123456789ABCDEF"
            } else {
                b"0123456789abcdef"
            };
            let mut out = Vec::with_capacity(bytes.len() * 2);
            for b in bytes {
                out.push(digits[usize::from(b >> 4)]);
                out.push(digits[usize::from(b & 15)]);
            }
            out
        }

        /// Every byte form of one string, with the rule name that reports it.
        pub(super) fn forms(s: &str) -> Vec<(&'static str, Vec<u8>)> {
            let mut out: Vec<(&'static str, Vec<u8>)> = Vec::new();
            let utf8 = s.as_bytes().to_vec();
            let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
            let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
            let g = gbk(s);
            out.push(("original.utf8", utf8.clone()));
            out.push(("original.utf16be", be.clone()));
            out.push(("original.utf16le", le));
            if g != utf8 {
                out.push(("original.gbk", g.clone()));
                out.push(("original.hex-gbk", hex(&g, true)));
                out.push(("original.hex-gbk", hex(&g, false)));
            }
            out.push(("original.hex-utf8", hex(&utf8, true)));
            out.push(("original.hex-utf8", hex(&utf8, false)));
            out.push(("original.hex-utf16be", hex(&be, true)));
            out.push(("original.hex-utf16be", hex(&be, false)));
            if !s.is_ascii() {
                if s.chars().all(|c| (c as u32) < 256) {
                    out.push(("original.pdfdoc", s.chars().map(|c| c as u8).collect()));
                }
            }
            out
        }
    }

    /// Normalization as first written (characters collected, then dashes between digits
    /// dropped), kept as the reference the one-pass version must reproduce.
    fn normalize_reference(s: &str) -> String {
        let chars: Vec<char> = s
            .chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}')
            })
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .collect();
        let mut out = String::with_capacity(s.len());
        for (i, &c) in chars.iter().enumerate() {
            if matches!(c, '-' | '\u{2010}'..='\u{2015}')
                && i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            {
                continue;
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn fast_set_keeps_set_semantics() {
        let words: Vec<String> = (0..5000).map(|i| format!("值{i}")).collect();
        let mut set: FastSet<&str> = FastSet::default();
        for w in &words {
            assert!(set.insert(w));
        }
        for w in &words {
            assert!(!set.insert(w));
            assert!(set.contains(w.as_str()));
        }
        assert!(!set.contains("值5000"));
        assert!(!set.contains(""));
        assert_eq!(set.len(), 5000);
    }

    #[test]
    fn normalize_matches_the_reference() {
        for s in [
            "",
            "张三",
            "13812345678",
            "138-1234-5678",
            "138 - 1234\u{2014}5678",
            "1--2",
            "1-2-3-",
            "-1-",
            "a-1",
            "１３８－１２３４",
            "１-２",
            "x\u{200B}1\u{00AD}-\u{FEFF}2",
            "\u{3000}张\u{00A0}三\t\n",
            "1\u{2010}\u{2015}2",
            "ABC\x1Cdef",
        ] {
            assert_eq!(normalize(s), normalize_reference(s), "{s:?}");
            assert_eq!(normalize_cow(s), normalize_reference(s), "{s:?}");
        }
        // Unchanged texts are borrowed, changed ones are not.
        assert!(matches!(normalize_cow("张三13812345678"), Cow::Borrowed(_)));
        assert!(matches!(normalize_cow("a-b"), Cow::Owned(_)));
        assert_eq!(normalize_cow("1 2"), "12");
    }

    proptest::proptest! {
        #[test]
        fn normalize_agrees_with_the_reference(
            chars in proptest::collection::vec(
                proptest::sample::select(vec![
                    '1', '2', 'a', '-', ' ', '\t', '张', '\u{2010}', '\u{2015}', '\u{FF0D}',
                    '\u{FF11}', '\u{FF41}', '\u{200B}', '\u{00AD}', '\u{FEFF}', '\u{3000}',
                    '\u{00A0}', '\u{2016}', '\x1C', '\u{FF5F}',
                ]),
                0..16,
            )
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(normalize_cow(&s).into_owned(), normalize_reference(&s));
        }
    }

    #[test]
    fn forms_written_in_place_match_the_reference() {
        for s in [
            "张三丰",
            "13812345678",
            "ABC张x",
            "Zoë Ärger",
            "€5 测试",
            "北京市朝阳区建国路8号",
            "𠀋家",
        ] {
            for pdf in [false, true] {
                let mut b = MatcherBuilder::new();
                let mut rules = Vec::new();
                push_forms(s, pdf, 0, &mut b, &mut rules);
                let got: Vec<(&str, Vec<u8>)> = (0..b.len())
                    .map(|i| (rules[i], b.get(i).to_vec()))
                    .collect();
                let mut want: Vec<(&str, Vec<u8>)> = Vec::new();
                for (rule, bytes) in reference::forms(s) {
                    let pdf_only = rule.starts_with("original.hex") || rule == "original.pdfdoc";
                    // ASCII values in UTF-16 are found through the UTF-16 views.
                    let view = s.is_ascii() && rule.starts_with("original.utf16");
                    if bytes.is_empty()
                        || (pdf_only && !pdf)
                        || view
                        || want.iter().any(|w| w.1 == bytes)
                    {
                        continue;
                    }
                    want.push((rule, bytes));
                }
                let (mut g, mut w) = (got.clone(), want.clone());
                g.sort();
                w.sort();
                assert_eq!(g, w, "{s} pdf={pdf}");
            }
        }
    }

    /// A large buffer is searched in pieces: a value across the boundary of two pieces, at
    /// the very start and at the very end is found, once each, as in one search.
    #[test]
    fn a_large_buffer_is_searched_in_pieces_like_one() {
        let originals: Vec<Sensitive> = ["13812345678", "110101199003071234", "王小明"]
            .into_iter()
            .map(Sensitive::new)
            .collect();
        let n = Needles::new(&originals, &[], false);
        let mut buf = vec![b'x'; 3 * SEARCH_PIECE + 77];
        let put = |buf: &mut Vec<u8>, at: usize, v: &str| {
            buf[at..at + v.len()].copy_from_slice(v.as_bytes());
        };
        put(&mut buf, SEARCH_PIECE - 5, "13812345678");
        put(&mut buf, 0, "王小明");
        let end = buf.len() - 18;
        put(&mut buf, end, "110101199003071234");
        let whole = n.find_in_bytes(&buf, true);
        assert_eq!(whole.len(), 3, "{whole:?}");
        let mut one = Vec::new();
        for piece in [&buf[..SEARCH_PIECE + 20], &buf[SEARCH_PIECE + 20..]] {
            one.extend(n.find_in_bytes(piece, true));
        }
        one.sort_unstable();
        let mut whole_sorted = whole.clone();
        whole_sorted.sort_unstable();
        assert_eq!(whole_sorted, one);
    }

    proptest::proptest! {
        /// An ASCII value's UTF-16 forms are found through the views exactly where a search
        /// for those bytes finds them: either byte order, either alignment, among other
        /// UTF-16 text and bytes that are not.
        #[test]
        fn ascii_values_in_utf16_are_found_where_their_bytes_are(
            values in proptest::collection::vec("[12a]{1,5}", 1..4),
            buf in proptest::collection::vec(
                proptest::sample::select(vec![0u8, 0, 0, b'1', b'2', b'a', 0x80, 0xE5, b'x']),
                0..40,
            ),
            text_bearing in proptest::bool::ANY,
        ) {
            let originals: Vec<Sensitive> = values.iter().map(Sensitive::new).collect();
            let n = Needles::new(&originals, &[], false);
            let got: Vec<(usize, &str)> = n
                .find_in_bytes(&buf, text_bearing)
                .into_iter()
                .filter(|h| h.1.starts_with("original.utf16"))
                .collect();
            let mut want = Vec::new();
            for (i, v) in n.values() {
                for (be, rule) in [(true, "original.utf16be"), (false, "original.utf16le")] {
                    let mut form = Vec::new();
                    utf16_into(v, be, &mut form);
                    let short = form.len() < SHORT;
                    if (text_bearing || !short) && buf.windows(form.len()).any(|w| w == form) {
                        want.push((i, rule));
                    }
                }
            }
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }

    proptest::proptest! {
        /// Text is searched through the byte patterns: a value is found exactly where its
        /// normalized form occurs in the normalized text.
        #[test]
        fn text_search_finds_exactly_the_normalized_values(
            values in proptest::collection::vec("[12a张 \\-－]{1,5}", 1..5),
            text in "[12a张三 \\-－x]{0,30}",
            pdf in proptest::bool::ANY,
        ) {
            let mut originals: Vec<Sensitive> = values.iter().map(Sensitive::new).collect();
            originals.sort();
            let n = Needles::new(&originals, &[], pdf);
            let got = n.find_in_text(&text);
            let hay = normalize(&text);
            let mut want: Vec<usize> = n
                .values()
                .filter(|(_, v)| hay.contains(normalize(v).as_str()))
                .map(|(i, _)| i)
                .collect();
            want.sort_unstable();
            proptest::prop_assert_eq!(got, want);
        }
    }

    /// The values searched for are the originals less the replacements, whether the lists
    /// come sorted (walked side by side) or not (a set), repeated values once.
    #[test]
    fn replacements_are_left_out_sorted_or_not() {
        let words = ["张三", "李四", "王五", "赵六", "钱七", "孙八", "周九"];
        let mut originals: Vec<Sensitive> = words
            .iter()
            .chain(&words[2..4])
            .map(|w| Sensitive::new(*w))
            .collect();
        let mut allowed: Vec<docsan_core::CompactString> = ["李四", "周九", "吴十", "一"]
            .iter()
            .map(|w| docsan_core::CompactString::from(*w))
            .collect();
        let searched = |o: &[Sensitive], a: &[docsan_core::CompactString]| {
            let n = Needles::new(o, a, false);
            let mut v: Vec<String> = n.values().map(|(_, v)| v.to_string()).collect();
            v.sort();
            v
        };
        let want = vec!["孙八", "张三", "王五", "赵六", "钱七"];
        assert_eq!(searched(&originals, &allowed), want);
        originals.sort();
        assert_eq!(searched(&originals, &allowed), want);
        allowed.sort();
        assert_eq!(searched(&originals, &allowed), want);
        originals.reverse();
        assert_eq!(searched(&originals, &allowed), want);
        assert_eq!(searched(&originals, &[]), {
            let mut all = want.clone();
            all.extend(["周九", "李四"]);
            all.sort();
            all
        });
    }

    #[test]
    fn finds_values_in_every_encoding() {
        let originals = [Sensitive::new("张三丰"), Sensitive::new("138 1234 5678")];
        let n = Needles::new(&originals, &[], true);
        assert_eq!(n.find_in_text("电话：13812345678"), vec![1]);
        assert_eq!(n.find_in_text("张 三 丰"), vec![0]);
        let be: Vec<u8> = "张三丰"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect();
        assert_eq!(n.find_in_bytes(&be, true), vec![(0, "original.utf16be")]);
        // An ASCII value in UTF-16, at an odd offset in a buffer of other UTF-16 text.
        let mut le = vec![b'x'];
        for u in "电话 13812345678。".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        // (Its bytes, shifted by one, are also its big-endian form, as a search for those
        // bytes finds too.)
        assert_eq!(
            n.find_in_bytes(&le, false),
            vec![(1, "original.utf16be"), (1, "original.utf16le")]
        );
        assert_eq!(
            n.find_in_bytes(&gbk("x张三丰x"), true),
            vec![(0, "original.gbk")]
        );
        assert!(
            n.find_in_bytes(b"&#24352;&#19977;&#20016;", true)
                .contains(&(0, "original.char-ref"))
        );
        // Any mix of decimal and hexadecimal, upper and lower case, and plain characters.
        assert_eq!(
            n.find_in_bytes("<t>&#24352;&#x4E09;丰</t>".as_bytes(), true),
            vec![(0, "original.char-ref")]
        );
        assert_eq!(
            n.find_in_bytes(b"&#X5f20;&#x4e09;&#x4E30;", true),
            vec![(0, "original.char-ref")]
        );
        // Found as it is: reported once, by its plain form.
        assert_eq!(
            n.find_in_bytes("张三丰 &#24352;".as_bytes(), true),
            vec![(0, "original.utf8")]
        );
        // Broken references decode to nothing.
        assert!(n.find_in_bytes(b"&#24352&#19977;&#20016;", true).is_empty());
        assert!(n.find_in_bytes(b"&#x;&#;&#", true).is_empty());
        assert!(
            n.find_in_bytes(b"13812345678", false)
                .contains(&(1, "original.utf8"))
        );
        assert!(n.find_in_text("138****5678").is_empty());
        assert_eq!(n.find_in_text("手机 138-1234-5678"), vec![1]);
    }
}
