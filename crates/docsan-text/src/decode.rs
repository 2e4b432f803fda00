//! Encoding detection and exact round-tripping for text files.
//!
//! Order of guesses: a BOM decides (UTF-8, UTF-16LE, UTF-16BE); otherwise valid UTF-8 is UTF-8;
//! otherwise GB18030 (a superset of GBK and GB2312, the encodings of older Chinese exports).
//! Bytes that look binary (NUL bytes without a UTF-16 BOM, many control characters) are
//! `unsupported`, so an unknown binary format never passes as an empty text file.

use docsan_core::{Diagnostic, Error, Result};
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};

/// The encoding a text file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Gb18030,
}

/// A decoded text file.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub encoding: TextEncoding,
    /// The text without any BOM.
    pub text: String,
}

/// True when the bytes are not text in any encoding docsan reads.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    controls * 20 > head.len().max(1)
}

/// Decodes a text file, or fails with `unsupported` for binary content.
pub fn decode(bytes: &[u8]) -> Result<Decoded> {
    if looks_binary(bytes) {
        return Err(Error::unsupported(
            "binary content that is not a known document format",
        ));
    }
    let (encoding, body, enc): (TextEncoding, &[u8], &'static Encoding) =
        if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            (TextEncoding::Utf8Bom, rest, encoding_rs::UTF_8)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
            (TextEncoding::Utf16Le, rest, UTF_16LE)
        } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
            (TextEncoding::Utf16Be, rest, UTF_16BE)
        } else if std::str::from_utf8(bytes).is_ok() {
            (TextEncoding::Utf8, bytes, encoding_rs::UTF_8)
        } else {
            (TextEncoding::Gb18030, bytes, GB18030)
        };
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    if had_errors {
        return Err(Error::unsupported(
            "text in an unknown encoding (neither UTF-8, UTF-16 nor GB18030)",
        ));
    }
    Ok(Decoded {
        encoding,
        text: text.into_owned(),
    })
}

impl Decoded {
    /// Diagnostics worth reporting about the encoding.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self.encoding {
            TextEncoding::Gb18030 => {
                vec![Diagnostic::info(
                    "encoding-gb18030",
                    "text read as GB18030 (GBK)",
                )]
            }
            TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                vec![Diagnostic::info("encoding-utf16", "text read as UTF-16")]
            }
            _ => Vec::new(),
        }
    }

    /// [`Decoded::encode`] of an owned text: UTF-8 output is the text's own buffer, not a
    /// copy (a large CSV is not held twice).
    pub fn encode_owned(&self, text: String, original: &[u8]) -> Result<Vec<u8>> {
        match self.encoding {
            TextEncoding::Utf8 => Ok(text.into_bytes()),
            TextEncoding::Utf8Bom => {
                let mut v = text.into_bytes();
                v.splice(0..0, [0xEF, 0xBB, 0xBF]);
                Ok(v)
            }
            _ => self.encode(&text, original),
        }
    }

    /// Encodes `text` in this file's encoding. Refuses when the original text would not
    /// round-trip to `original` exactly, since then bytes outside the edits would change.
    pub fn encode(&self, text: &str, original: &[u8]) -> Result<Vec<u8>> {
        let enc = |t: &str| -> Vec<u8> {
            match self.encoding {
                TextEncoding::Utf8 => t.as_bytes().to_vec(),
                TextEncoding::Utf8Bom => [&[0xEF, 0xBB, 0xBF][..], t.as_bytes()].concat(),
                TextEncoding::Utf16Le => {
                    let mut v = vec![0xFF, 0xFE];
                    t.encode_utf16()
                        .for_each(|u| v.extend_from_slice(&u.to_le_bytes()));
                    v
                }
                TextEncoding::Utf16Be => {
                    let mut v = vec![0xFE, 0xFF];
                    t.encode_utf16()
                        .for_each(|u| v.extend_from_slice(&u.to_be_bytes()));
                    v
                }
                TextEncoding::Gb18030 => GB18030.encode(t).0.into_owned(),
            }
        };
        if !matches!(self.encoding, TextEncoding::Utf8 | TextEncoding::Utf8Bom)
            && enc(&self.text) != original
        {
            return Err(Error::refused(
                "the file's encoding does not round-trip exactly, so masking would alter other bytes",
            ));
        }
        Ok(enc(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guesses() {
        assert_eq!(decode(b"abc").unwrap().encoding, TextEncoding::Utf8);
        assert_eq!(decode(b"\xEF\xBB\xBFabc").unwrap().text, "abc");
        let gbk = encoding_rs::GBK.encode("身份证").0;
        let d = decode(&gbk).unwrap();
        assert_eq!(
            (d.encoding, d.text.as_str()),
            (TextEncoding::Gb18030, "身份证")
        );
        let u16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("张三".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode(&u16).unwrap().text, "张三");
        assert!(decode(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0").is_err());
    }
}
