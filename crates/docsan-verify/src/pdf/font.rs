//! Font decoding of our own: how the bytes of a content-stream string become characters, and
//! back.
//!
//! Supported: ToUnicode CMaps (bfchar, bfrange, codespace ranges), Type0 fonts with Identity-H/V,
//! the predefined `UniGB-UCS2`/`UniGB-UTF16` CMaps (codes are UTF-16BE) and the GBK family
//! (`GBK-EUC`, `GB-EUC`, `GBpc-EUC`, `GBK2K`: codes are GBK bytes), simple fonts with WinAnsi or
//! a `Differences` array of common glyph names, and a heuristic for GBK byte pairs shown through
//! a simple font without a ToUnicode map. The inverse map (character to code bytes) lets the
//! verifier search content streams for an original value as the glyph codes a producer would
//! have written, which catches values a text extractor would miss.

use super::lexer::{Lexer, Obj};
use std::collections::BTreeMap;

/// How codes without a ToUnicode entry become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fallback {
    /// Codes are UTF-16BE code units (`UniGB-UCS2-H`, `UniGB-UTF16-H`).
    Utf16,
    /// Codes are GBK bytes.
    Gbk,
    /// Codes are UTF-8 sequences (`UniGB-UTF8-H`).
    Utf8,
    /// Codes are glyph ids; without ToUnicode nothing can be said.
    Identity,
    /// One-byte codes through a simple encoding (`simple` table).
    Simple,
}

/// One font, as far as text goes.
#[derive(Debug, Clone)]
pub(crate) struct Font {
    /// Codespace ranges: (byte length, low, high).
    pub(crate) codespace: Vec<(usize, u32, u32)>,
    pub(crate) to_unicode: BTreeMap<(usize, u32), String>,
    pub(crate) fallback: Fallback,
    /// Simple fonts: code to text from the base encoding and Differences.
    pub(crate) simple: BTreeMap<u32, String>,
    pub(crate) widths: BTreeMap<u32, f64>,
    pub(crate) default_width: f64,
    /// A simple font without ToUnicode: GBK byte pairs may be shown through it.
    pub(crate) gbk_guess: bool,
    /// Vertical writing (`Identity-V` and other `-V` CMaps): glyphs advance downwards.
    pub(crate) vertical: bool,
}

/// Maps a glyph name to its text: digits, letters, common punctuation, `uniXXXX`, `uXXXX`.
pub(crate) fn glyph_to_text(name: &[u8]) -> Option<String> {
    let n = std::str::from_utf8(name).ok()?;
    let n = n.split('.').next().unwrap_or(n);
    const DIGITS: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    if let Some(d) = DIGITS.iter().position(|d| *d == n) {
        return Some(((b'0' + d as u8) as char).to_string());
    }
    if n.len() == 1 && n.as_bytes()[0].is_ascii_alphabetic() {
        return Some(n.to_string());
    }
    let p = match n {
        "space" | "nbspace" => " ",
        "period" => ".",
        "comma" => ",",
        "hyphen" | "minus" | "endash" => "-",
        "at" => "@",
        "underscore" => "_",
        "parenleft" => "(",
        "parenright" => ")",
        "colon" => ":",
        "semicolon" => ";",
        "slash" => "/",
        "plus" => "+",
        "numbersign" => "#",
        "asterisk" => "*",
        "X" => "X",
        _ => "",
    };
    if !p.is_empty() {
        return Some(p.to_string());
    }
    let hex_units = |h: &str| -> Option<String> {
        if h.is_empty() || !h.len().is_multiple_of(4) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let units: Vec<u16> = (0..h.len() / 4)
            .filter_map(|i| u16::from_str_radix(h.get(i * 4..i * 4 + 4)?, 16).ok())
            .collect();
        Some(String::from_utf16_lossy(&units))
    };
    if let Some(h) = n.strip_prefix("uni") {
        return hex_units(h);
    }
    if let Some(h) = n.strip_prefix('u')
        && (4..=6).contains(&h.len())
        && h.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return u32::from_str_radix(h, 16)
            .ok()
            .and_then(char::from_u32)
            .map(|c| c.to_string());
    }
    None
}

fn be_num(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |a, &x| a << 8 | u32::from(x))
}

fn utf16be(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// Parses a CMap (ToUnicode or an embedded encoding CMap): codespace ranges and bf mappings.
pub(crate) fn parse_cmap(data: &[u8], font: &mut Font) {
    let mut lx = Lexer::new(data, 0);
    let mut stack: Vec<Obj> = Vec::new();
    let mut mode = 0u8;
    let mut budget: u32 = 1 << 20;
    while let Some(tok) = lx.next() {
        match tok {
            Obj::Op(op) => {
                match op.as_slice() {
                    b"begincodespacerange" => mode = 1,
                    b"beginbfchar" => mode = 2,
                    b"beginbfrange" => mode = 3,
                    b"endcodespacerange" => {
                        for pair in stack.chunks(2) {
                            if let [Obj::Str(lo), Obj::Str(hi)] = pair
                                && !lo.is_empty()
                                && lo.len() <= 4
                            {
                                font.codespace.push((lo.len(), be_num(lo), be_num(hi)));
                            }
                        }
                        mode = 0;
                    }
                    b"endbfchar" => {
                        for pair in stack.chunks(2) {
                            if let [Obj::Str(src), dst] = pair
                                && !src.is_empty()
                                && src.len() <= 4
                            {
                                let t = match dst {
                                    Obj::Str(d) => utf16be(d),
                                    Obj::Name(n) => glyph_to_text(n).unwrap_or_default(),
                                    _ => continue,
                                };
                                font.to_unicode.insert((src.len(), be_num(src)), t);
                            }
                        }
                        mode = 0;
                    }
                    b"endbfrange" => {
                        for tri in stack.chunks(3) {
                            let [Obj::Str(lo), Obj::Str(hi), dst] = tri else {
                                continue;
                            };
                            if lo.is_empty() || lo.len() > 4 {
                                continue;
                            }
                            let (l, h) = (be_num(lo), be_num(hi));
                            if h < l || h - l > 0xFFFF {
                                continue;
                            }
                            for (i, code) in (l..=h).enumerate() {
                                if budget == 0 {
                                    break;
                                }
                                budget -= 1;
                                let t = match dst {
                                    Obj::Str(d) if !d.is_empty() => {
                                        let mut d = d.clone();
                                        // Increment the last UTF-16 unit.
                                        let n = d.len();
                                        if n >= 2 {
                                            let last = u16::from_be_bytes([d[n - 2], d[n - 1]])
                                                as usize
                                                + i;
                                            let last = (last & 0xFFFF) as u16;
                                            d[n - 2..].copy_from_slice(&last.to_be_bytes());
                                        } else {
                                            d[0] = d[0].wrapping_add(i as u8);
                                        }
                                        utf16be(&d)
                                    }
                                    Obj::Array(items) => match items.get(i) {
                                        Some(Obj::Str(d)) => utf16be(d),
                                        _ => continue,
                                    },
                                    _ => continue,
                                };
                                font.to_unicode.insert((lo.len(), code), t);
                            }
                        }
                        mode = 0;
                    }
                    _ => {}
                }
                stack.clear();
            }
            other => {
                if mode != 0 && stack.len() < 1 << 16 {
                    stack.push(other);
                } else {
                    stack.clear();
                }
            }
        }
    }
}

impl Font {
    pub(crate) fn new(fallback: Fallback) -> Self {
        Font {
            codespace: Vec::new(),
            to_unicode: BTreeMap::new(),
            fallback,
            simple: BTreeMap::new(),
            widths: BTreeMap::new(),
            default_width: if fallback == Fallback::Simple {
                500.0
            } else {
                1000.0
            },
            gbk_guess: false,
            vertical: false,
        }
    }

    /// Splits a string into codes: (byte length, code).
    pub(crate) fn codes(&self, s: &[u8]) -> Vec<(usize, u32)> {
        let mut out = Vec::with_capacity(s.len());
        let mut i = 0;
        while i < s.len() {
            let mut len = 0;
            for &(n, lo, hi) in &self.codespace {
                if let Some(b) = s.get(i..i + n) {
                    let c = be_num(b);
                    if c >= lo && c <= hi {
                        len = n;
                        break;
                    }
                }
            }
            if len == 0 {
                len = match self.fallback {
                    Fallback::Simple => 1,
                    Fallback::Gbk => {
                        if s[i] < 0x80 {
                            1
                        } else {
                            2
                        }
                    }
                    Fallback::Utf16 | Fallback::Identity => 2,
                    Fallback::Utf8 => match s[i] {
                        0xF0..=0xF7 => 4,
                        0xE0..=0xEF => 3,
                        0xC0..=0xDF => 2,
                        _ => 1,
                    },
                };
            }
            let len = len.min(s.len() - i);
            out.push((len, be_num(&s[i..i + len])));
            i += len;
        }
        out
    }

    /// The text of one code, if known.
    pub(crate) fn text_of(&self, len: usize, code: u32) -> Option<String> {
        if let Some(t) = self.to_unicode.get(&(len, code)) {
            return Some(t.clone());
        }
        match self.fallback {
            Fallback::Utf16 => Some(utf16be(&code.to_be_bytes()[4 - len.min(4)..])),
            Fallback::Gbk => {
                let bytes = &code.to_be_bytes()[4 - len.min(4)..];
                let (t, _, err) = encoding_rs::GBK.decode(bytes);
                (!err).then(|| t.into_owned())
            }
            Fallback::Utf8 => std::str::from_utf8(&code.to_be_bytes()[4 - len.min(4)..])
                .ok()
                .map(str::to_string),
            Fallback::Identity => None,
            Fallback::Simple => self.simple.get(&code).cloned(),
        }
    }

    /// Decodes a string into glyphs: (text, width in thousandths, is single-byte 32, number of
    /// codes the glyph took: character spacing applies once per code).
    pub(crate) fn decode(&self, s: &[u8]) -> Vec<(String, f64, bool, u8)> {
        let width = |code: u32| {
            self.widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width)
        };
        if self.gbk_guess && s.iter().any(|&b| b >= 0x81) && !encoding_rs::GBK.decode(s).2 {
            // GBK pairs: one character from two single-byte codes.
            let mut out = Vec::with_capacity(s.len());
            let mut i = 0;
            while i < s.len() {
                let b = s[i];
                if b >= 0x81
                    && let Some(&b2) = s.get(i + 1)
                {
                    let t = encoding_rs::GBK
                        .decode_without_bom_handling(&[b, b2])
                        .0
                        .into_owned();
                    out.push((t, width(u32::from(b)) + width(u32::from(b2)), false, 2));
                    i += 2;
                } else {
                    let t = self
                        .simple
                        .get(&u32::from(b))
                        .cloned()
                        .unwrap_or_else(|| winansi(b));
                    out.push((t, width(u32::from(b)), b == b' ', 1));
                    i += 1;
                }
            }
            return out;
        }
        self.codes(s)
            .into_iter()
            .map(|(len, code)| {
                let t = self.text_of(len, code).unwrap_or_else(|| "\u{FFFD}".into());
                let w = match self.widths.get(&code) {
                    Some(w) => *w,
                    // Predefined CMaps map codes to CIDs we do not know: guess from the text.
                    None if matches!(
                        self.fallback,
                        Fallback::Utf16 | Fallback::Gbk | Fallback::Utf8
                    ) && t.is_ascii() =>
                    {
                        500.0
                    }
                    None => self.default_width,
                };
                (t, w, len == 1 && code == 32, 1)
            })
            .collect()
    }

    /// The code bytes that would show `value` in this font, if every character has a code.
    pub(crate) fn encode(
        &self,
        value: &str,
        inverse: &BTreeMap<String, Vec<u8>>,
    ) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for c in value.chars() {
            let key = c.to_string();
            out.extend_from_slice(inverse.get(&key)?);
        }
        Some(out)
    }

    /// Character to code bytes, from the ToUnicode map and the simple encoding (lowest code
    /// wins, so the result is deterministic).
    pub(crate) fn inverse(&self) -> BTreeMap<String, Vec<u8>> {
        let mut inv: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        if self.fallback == Fallback::Simple {
            for (code, t) in &self.simple {
                inv.entry(t.clone())
                    .or_insert_with(|| vec![(*code & 0xFF) as u8]);
            }
        }
        for ((len, code), t) in &self.to_unicode {
            let bytes = code.to_be_bytes()[4 - (*len).min(4)..].to_vec();
            inv.entry(t.clone()).or_insert(bytes);
        }
        inv
    }
}

/// The WinAnsi (Windows-1252) text of a byte.
pub(crate) fn winansi(b: u8) -> String {
    if b.is_ascii() {
        return (b as char).to_string();
    }
    encoding_rs::WINDOWS_1252
        .decode_without_bom_handling(&[b])
        .0
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_to_unicode_ranges_and_inverts() {
        let mut f = Font::new(Fallback::Identity);
        parse_cmap(
            b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0033> <0004> <5F20> endbfchar\n\
              1 beginbfrange <0010> <0012> <0030> endbfrange",
            &mut f,
        );
        let t: String = f
            .decode(&[0, 3, 0, 0x11, 0, 4])
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(t, "31张");
        let inv = f.inverse();
        assert_eq!(f.encode("张3", &inv), Some(vec![0, 4, 0, 3]));
        assert_eq!(glyph_to_text(b"seven"), Some("7".into()));
        let u = Font::new(Fallback::Utf8);
        let t: String = u
            .decode("张3".as_bytes())
            .into_iter()
            .map(|x| x.0)
            .collect();
        assert_eq!(t, "张3");
        assert_eq!(glyph_to_text(b"uni5F20"), Some("张".into()));
    }
}
