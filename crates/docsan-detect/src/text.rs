//! Small character helpers shared by the detectors.
//!
//! Kept in one place so that "what is a CJK character", "what is a mask character" and "what
//! may sit between a label and its value" mean the same thing to every detector.

/// A CJK ideograph, the kind of character names are made of: the basic block, extension A,
/// the compatibility ideographs, and the supplementary planes' extensions B to H with their
/// compatibility supplement (U+20000 to U+323AF: rare characters of names, `王𠮷`, `陈𬘭`).
pub fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{4E00}'..='\u{9FFF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{323AF}'
    )
}

/// Characters that show nothing and that the verifier drops before it detects (zero-width
/// space and joiners, direction marks, word joiner and invisible operators, byte order mark,
/// soft hyphen): a value with one inside is still the value.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
}

/// Spaces other than the ordinary one that read as one: the no-break spaces (U+00A0, U+202F),
/// the typographic spaces U+2000 to U+200A, the medium mathematical space U+205F. (The
/// ideographic space U+3000 keeps its own width and is read as a blank where it matters.)
pub fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\u{A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}'
    )
}

/// A unit's text with invisible characters dropped and odd spaces made ordinary ones, and the
/// way back from its byte offsets to the original's.
pub struct Folded {
    pub text: String,
    /// For each byte offset of `text` where a character starts (and its end), the original
    /// offset where that character starts.
    starts: Vec<usize>,
    /// For each byte offset of `text` where a character ends (and 0), the original offset where
    /// that character ends.
    ends: Vec<usize>,
}

/// Does `b` (UTF-8) hold an invisible character or an odd space? Read byte by byte, as it is
/// asked of every unit: their encodings start with `C2`, `E2` or `EF BB BF`.
fn needs_folding(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            0xC2 => {
                if matches!(b.get(i + 1), Some(0xA0 | 0xAD)) {
                    return true;
                }
            }
            0xE2 => match (b.get(i + 1), b.get(i + 2)) {
                (Some(0x80), Some(0x80..=0x8F | 0xAF)) | (Some(0x81), Some(0x9F..=0xA4)) => {
                    return true;
                }
                _ => {}
            },
            0xEF => {
                if b.get(i + 1) == Some(&0xBB) && b.get(i + 2) == Some(&0xBF) {
                    return true;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

impl Folded {
    /// The folded form of `text`, or `None` when folding changes nothing (most texts).
    pub fn new(text: &str) -> Option<Folded> {
        // A pass the compiler vectorizes first: most texts hold no `C2`, no `E2` and no
        // `BB BF` (the end of a byte order mark).
        let b = text.as_bytes();
        let lead = b
            .iter()
            .zip(&b[1.min(b.len())..])
            .fold(false, |acc, (&x, &y)| {
                acc | (x == 0xC2) | (x == 0xE2) | ((x == 0xBB) & (y == 0xBF))
            });
        if !lead || !needs_folding(b) {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut starts = vec![0; text.len() + 1];
        let mut ends = vec![0; text.len() + 1];
        for (i, c) in text.char_indices() {
            if is_invisible(c) {
                continue;
            }
            let at = out.len();
            out.push(if is_odd_space(c) { ' ' } else { c });
            starts[at] = i;
            ends[out.len()] = i + c.len_utf8();
        }
        starts[out.len()] = text.len();
        starts.truncate(out.len() + 1);
        ends.truncate(out.len() + 1);
        Some(Folded {
            text: out,
            starts,
            ends,
        })
    }

    /// The original byte range of a range of the folded text (on character boundaries): from
    /// the start of its first character to the end of its last.
    pub fn original(&self, r: std::ops::Range<usize>) -> std::ops::Range<usize> {
        if r.start >= r.end {
            let s = self.starts[r.start];
            return s..s;
        }
        self.starts[r.start]..self.ends[r.end]
    }
}

/// Characters that masks are made of: a value next to one was masked already and must not be
/// reported again (the verifier re-runs detection on sanitized output).
pub fn is_mask_char(c: char) -> bool {
    matches!(
        c,
        '*' | '＊' | '×' | '●' | '■' | '█' | '□' | '○' | '※' | '✱' | '∗' | '⁎' | '﹡'
    )
}

/// Characters allowed between a label and its value: spaces, colons, `为`, `是`.
pub fn is_filler(c: char) -> bool {
    c.is_whitespace() || matches!(c, ':' | '：' | '为' | '是' | '﹕' | '∶' | '\u{3000}')
}

/// The byte offset after skipping at most `max` filler characters from `pos`.
pub fn skip_fillers(text: &str, pos: usize, max: usize) -> usize {
    let mut p = pos;
    for (n, c) in text.get(pos..).unwrap_or("").chars().enumerate() {
        if n >= max || !is_filler(c) {
            break;
        }
        p += c.len_utf8();
    }
    p
}

/// The character just before byte `pos`.
pub fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos).and_then(|s| s.chars().next_back())
}

/// The character at byte `pos`.
pub fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

/// Trims whitespace (including the ideographic space) and returns the trimmed byte range.
pub fn trimmed_range(text: &str) -> std::ops::Range<usize> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if end <= start {
        start..start
    } else {
        start..end
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_invisibles_and_maps_ranges_back() {
        assert!(Folded::new("王芳 13900001234，“引号”").is_none());
        assert!(Folded::new("plain ascii").is_none());
        let t = "\u{feff}电话139\u{200b}0000\u{a0}1234\u{ad}";
        let f = Folded::new(t).expect("folds");
        assert_eq!(f.text, "电话1390000 1234");
        let s = f.text.find('1').unwrap();
        // The range of the number, on the original: from its first digit to its last, the
        // invisible characters and the space inside it included, the soft hyphen after it not.
        let r = f.original(s..f.text.len());
        assert_eq!(&t[r.clone()], "139\u{200b}0000\u{a0}1234");
        assert_eq!(&t[f.original(0..s)], "电话");
        assert_eq!(f.original(0..0), 3..3);
        for c in [
            '\u{a0}', '\u{2009}', '\u{202f}', '\u{205f}', '\u{200b}', '\u{2060}', '\u{feff}',
            '\u{ad}',
        ] {
            assert!(Folded::new(&format!("a{c}b")).is_some(), "{c:?}");
        }
        for c in ['\u{3000}', '\u{2010}', '\u{2026}', '\u{201c}', '\u{bb}'] {
            assert!(Folded::new(&format!("a{c}b")).is_none(), "{c:?}");
        }
    }
}
