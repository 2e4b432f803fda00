//! PDF text strings: PDFDocEncoding and UTF-16BE with a byte-order mark, both ways.
//!
//! Metadata, annotation contents, form values and outline titles are "text strings" in the
//! PDF sense. Detection reads them as Unicode, and the rewrite must write a masked value back in
//! an encoding a viewer decodes the same way, so both directions live here.

/// PDFDocEncoding bytes 0x80..=0x9F and 0xA0..=0xFF where they differ from Latin-1.
const PDFDOC_HIGH: [char; 32] = [
    '\u{2022}', '\u{2020}', '\u{2021}', '\u{2026}', '\u{2014}', '\u{2013}', '\u{0192}', '\u{2044}',
    '\u{2039}', '\u{203A}', '\u{2212}', '\u{2030}', '\u{201E}', '\u{201C}', '\u{201D}', '\u{2018}',
    '\u{2019}', '\u{201A}', '\u{2122}', '\u{FB01}', '\u{FB02}', '\u{0141}', '\u{0152}', '\u{0160}',
    '\u{0178}', '\u{017D}', '\u{0131}', '\u{0142}', '\u{0153}', '\u{0161}', '\u{017E}', '\u{FFFD}',
];

/// Which encoding a text string used, so a rewrite can keep it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TextEncoding {
    PdfDoc,
    Utf16Be,
    Utf8,
}

/// Decodes a PDF text string.
pub(crate) fn decode_text_string(bytes: &[u8]) -> (String, TextEncoding) {
    if bytes.len() >= 2 && bytes[0] == 0xFE && bytes[1] == 0xFF {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| {
                let hi = u16::from(c[0]);
                let lo = c.get(1).copied().map(u16::from).unwrap_or(0);
                (hi << 8) | lo
            })
            .collect();
        return (
            char::decode_utf16(units)
                .map(|r| r.unwrap_or('\u{FFFD}'))
                .collect(),
            TextEncoding::Utf16Be,
        );
    }
    if bytes.len() >= 3 && bytes[..3] == [0xEF, 0xBB, 0xBF] {
        return (
            String::from_utf8_lossy(&bytes[3..]).into_owned(),
            TextEncoding::Utf8,
        );
    }
    let s = bytes
        .iter()
        .map(|&b| match b {
            0x18 => '\u{02D8}',
            0x19 => '\u{02C7}',
            0x1A => '\u{02C6}',
            0x1B => '\u{02D9}',
            0x1C => '\u{02DD}',
            0x1D => '\u{02DB}',
            0x1E => '\u{02DA}',
            0x1F => '\u{02DC}',
            0x80..=0x9F => PDFDOC_HIGH[usize::from(b - 0x80)],
            0xA0 => '\u{20AC}',
            _ => char::from(b),
        })
        .collect();
    (s, TextEncoding::PdfDoc)
}

/// Encodes a text string, keeping the original encoding when every character fits in it.
pub(crate) fn encode_text_string(text: &str, original: TextEncoding) -> Vec<u8> {
    match original {
        TextEncoding::PdfDoc if text.is_ascii() => text.as_bytes().to_vec(),
        TextEncoding::Utf8 => {
            let mut v = vec![0xEF, 0xBB, 0xBF];
            v.extend_from_slice(text.as_bytes());
            v
        }
        _ => {
            let mut v = vec![0xFE, 0xFF];
            for u in text.encode_utf16() {
                v.extend_from_slice(&u.to_be_bytes());
            }
            v
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_encodings() {
        let (s, e) = decode_text_string(b"Zhang San");
        assert_eq!((s.as_str(), e), ("Zhang San", TextEncoding::PdfDoc));
        let u = encode_text_string("张三", TextEncoding::PdfDoc);
        assert_eq!(&u[..2], &[0xFE, 0xFF]);
        let (s, e) = decode_text_string(&u);
        assert_eq!((s.as_str(), e), ("张三", TextEncoding::Utf16Be));
        // An odd trailing byte must not panic.
        let (s, _) = decode_text_string(&[0xFE, 0xFF, 0x4E]);
        assert_eq!(s.chars().count(), 1);
    }
}
