//! Page headers and footers (`oddHeader`, `evenFooter`, …) as they are printed.
//!
//! Their text mixes what is printed with formatting codes (ECMA-376 Part 1, 18.3.1.39):
//! sections `&L`, `&C`, `&R`; fonts `&"Arial,Bold"`; sizes `&12`; colours `&K000000` or
//! `&K01+050`; switches `&B`, `&I`, `&U`, …; fields `&P`, `&D`, `&A`, …; and `&&` for one `&`.
//! A code between two halves of a value hides it from detection (`&L138&B1234&I5678` prints
//! `13812345678`, `&L&"宋体"吴京` prints `吴京`), so a header is one unit of its printed
//! sections (joined by a line break), and its edits are put back into the full text.

use crate::{Pos, Slot};
use docsan_core::{Error, Result};
use std::ops::Range;

/// Where a header's printed text stands in its full text.
#[derive(Clone, Debug)]
pub(crate) struct HfBinding {
    /// The element's text content in the part.
    pub slot: Slot,
    /// Its decoded full text, codes included.
    pub full: String,
    pub pieces: Vec<Piece>,
}

/// One piece of a header's unit text, with its byte length: a range of the full text, or
/// (`None`) the line break put between two sections.
pub(crate) type Piece = (Option<Range<Pos>>, u32);

/// Splits a header's full text into its printed pieces. Returns the unit text and the pieces,
/// or `None` when the text holds no code (it is then an ordinary text unit).
pub(crate) fn printed(full: &str) -> Option<(String, Vec<Piece>)> {
    if !full.contains('&') {
        return None;
    }
    let b = full.as_bytes();
    let mut pieces: Vec<Piece> = Vec::new();
    let mut text = String::new();
    let mut seg_start = 0usize;
    let mut section_has_text = false;
    let mut i = 0usize;
    let push = |pieces: &mut Vec<_>, text: &mut String, a: usize, b: usize, has: &mut bool| {
        if a < b {
            pieces.push((Some(a as Pos..b as Pos), (b - a) as u32));
            text.push_str(&full[a..b]);
            *has = true;
        }
    };
    while i < b.len() {
        if b[i] != b'&' {
            i += 1;
            continue;
        }
        push(&mut pieces, &mut text, seg_start, i, &mut section_has_text);
        let code = b.get(i + 1).copied();
        let after = match code {
            None => i + 1,
            Some(b'L' | b'C' | b'R' | b'l' | b'c' | b'r') => {
                if section_has_text {
                    pieces.push((None, 1));
                    text.push('\n');
                    section_has_text = false;
                }
                i + 2
            }
            // A font: up to the closing quote.
            Some(b'"') => match full[i + 2..].find('"') {
                Some(q) => i + 2 + q + 1,
                None => b.len(),
            },
            // A colour: six characters (`RRGGBB` or a theme colour `TTSNNN`).
            Some(b'K' | b'k') => {
                let mut j = i + 2;
                let mut n = 0;
                while n < 6
                    && j < b.len()
                    && (b[j].is_ascii_alphanumeric() || b"+-".contains(&b[j]))
                {
                    j += 1;
                    n += 1;
                }
                j
            }
            // A font size: its digits (at most three).
            Some(d) if d.is_ascii_digit() => {
                let mut j = i + 1;
                while j < b.len() && j < i + 4 && b[j].is_ascii_digit() {
                    j += 1;
                }
                j
            }
            // `&&` prints one `&`, any other code one field or switch: either way the text
            // on its two sides is not one word.
            Some(c) => i + 1 + utf8_len(c),
        };
        i = after.min(b.len());
        seg_start = i;
    }
    push(
        &mut pieces,
        &mut text,
        seg_start,
        b.len(),
        &mut section_has_text,
    );
    // A trailing section break has no text after it.
    if matches!(pieces.last(), Some((None, _))) {
        pieces.pop();
        text.pop();
    }
    Some((text, pieces))
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// The full text with each printed piece replaced by its new text (`new`, one per piece, as
/// [`crate::rewrite`] distributes the edited unit text over the pieces). A section break
/// cannot change: an edit across two sections is refused.
pub(crate) fn rebuild(hf: &HfBinding, new: &[String]) -> Result<String> {
    let mut out = String::with_capacity(hf.full.len());
    let mut pos = 0usize;
    for ((piece, _), n) in hf.pieces.iter().zip(new) {
        match piece {
            Some(r) => {
                let (s, e) = (r.start as usize, r.end as usize);
                out.push_str(hf.full.get(pos..s).ok_or_else(bad)?);
                out.push_str(n);
                pos = e;
            }
            None if n == "\n" => {}
            None => {
                return Err(Error::refused(
                    "a masked value spans two sections of a page header or footer",
                ));
            }
        }
    }
    out.push_str(hf.full.get(pos..).ok_or_else(bad)?);
    Ok(out)
}

fn bad() -> Error {
    Error::internal("header piece outside its text")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(full: &str) -> String {
        printed(full).map(|(t, _)| t).unwrap_or_else(|| full.into())
    }

    #[test]
    fn codes_are_taken_out_of_the_printed_text() {
        assert_eq!(shown("&L15011112222"), "15011112222");
        assert_eq!(shown("&L制表人：&\"宋体,加粗\"吴京"), "制表人：吴京");
        assert_eq!(shown("&B吴京&B"), "吴京");
        assert_eq!(shown("110101&K000000199003071233"), "110101199003071233");
        assert_eq!(shown("&K01+050张三"), "张三");
        assert_eq!(shown("138&\"Arial\"1234&B5678"), "13812345678");
        assert_eq!(shown("&12&U电话 13812345678"), "电话 13812345678");
        // Sections are lines; fields split words; `&&` prints an ampersand between words.
        assert_eq!(shown("&L张三&C第&P页&R李四"), "张三\n第页\n李四");
        assert_eq!(shown("&LA&&B"), "AB");
        assert_eq!(shown("&C&R"), "");
        assert_eq!(shown("no codes"), "no codes");
        assert_eq!(shown("&L吴&"), "吴");
        assert_eq!(shown("&\"宋体"), "");
    }

    #[test]
    fn edits_go_back_into_the_full_text() {
        let full = "&L制表&B138&\"Arial\"1234&B5678&R李四";
        let (text, pieces) = printed(full).unwrap();
        assert_eq!(text, "制表13812345678\n李四");
        let hf = HfBinding {
            slot: Slot {
                part: 0,
                start: 0,
                end: 0,
                quote: 0,
            },
            full: full.into(),
            pieces,
        };
        let lens: Vec<u32> = hf.pieces.iter().map(|(_, l)| *l).collect();
        assert_eq!(lens.iter().sum::<u32>() as usize, text.len());
        // The pieces as the rewrite's distribution would give them.
        let new = ["制表", "138", "****", "5678", "\n", "李＊"].map(String::from);
        assert_eq!(
            rebuild(&hf, &new).unwrap(),
            "&L制表&B138&\"Arial\"****&B5678&R李＊"
        );
        let across = ["制表", "138", "****", "5678", "", "李＊"].map(String::from);
        assert!(rebuild(&hf, &across).is_err());
    }
}
