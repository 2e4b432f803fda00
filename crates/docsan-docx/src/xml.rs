//! Byte-level XML helpers that keep exact source positions.
//!
//! The rewrite splices new bytes into the original part at the byte ranges of the text nodes and
//! attribute values it changes, so it needs those ranges exactly. quick-xml tells us where each
//! event starts and ends; this module decodes the raw bytes of one text event, entity reference
//! or attribute value, finds the value ranges of attributes inside a start tag, and escapes new
//! text for the place it goes. Nothing here allocates in proportion to more than one event.

use docsan_core::{Error, Result};
use std::ops::Range;

/// One attribute of a start tag, as byte ranges into the tag's source bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawAttr {
    /// The qualified name (`w:author`).
    pub name: Range<usize>,
    /// The value between the quotes, still escaped.
    pub value: Range<usize>,
    /// The quote character used (`"` or `'`).
    pub quote: u8,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Finds the attributes of a start or empty tag given its full source bytes (`<w:x a="1"/>`).
pub(crate) fn scan_attrs(tag: &[u8]) -> Result<Vec<RawAttr>> {
    let bad = || Error::malformed("xml: unreadable attribute list in a start tag");
    if tag.first() != Some(&b'<') {
        return Err(bad());
    }
    let mut i = 1;
    while i < tag.len() && !is_ws(tag[i]) && tag[i] != b'/' && tag[i] != b'>' {
        i += 1;
    }
    let mut out = Vec::new();
    loop {
        while i < tag.len() && is_ws(tag[i]) {
            i += 1;
        }
        match tag.get(i) {
            None => return Err(bad()),
            Some(b'/') | Some(b'>') => return Ok(out),
            Some(_) => {}
        }
        let name_start = i;
        while i < tag.len() && tag[i] != b'=' && !is_ws(tag[i]) && tag[i] != b'>' {
            i += 1;
        }
        let name = name_start..i;
        while i < tag.len() && is_ws(tag[i]) {
            i += 1;
        }
        if tag.get(i) != Some(&b'=') {
            return Err(bad());
        }
        i += 1;
        while i < tag.len() && is_ws(tag[i]) {
            i += 1;
        }
        let quote = match tag.get(i) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => return Err(bad()),
        };
        i += 1;
        let value_start = i;
        while i < tag.len() && tag[i] != quote {
            i += 1;
        }
        if i >= tag.len() {
            return Err(bad());
        }
        out.push(RawAttr {
            name,
            value: value_start..i,
            quote,
        });
        i += 1;
    }
}

/// The local part of a qualified name (`w:author` → `author`).
pub(crate) fn local(qname: &[u8]) -> &[u8] {
    match qname.iter().rposition(|&b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

/// Decodes one entity or character reference (`&amp;`, `&#x4E2D;`). Entities other than the
/// five predefined ones would need a DTD, which OOXML forbids, so they are refused.
pub(crate) fn decode_ref(name: &[u8]) -> Result<char> {
    let bad = || Error::unsupported("xml: reference to an entity that OOXML does not define");
    match name {
        b"lt" => Ok('<'),
        b"gt" => Ok('>'),
        b"amp" => Ok('&'),
        b"quot" => Ok('"'),
        b"apos" => Ok('\''),
        _ => {
            let digits = name.strip_prefix(b"#").ok_or_else(bad)?;
            let s = std::str::from_utf8(digits).map_err(|_| bad())?;
            let n = if let Some(hex) = s.strip_prefix('x').or_else(|| s.strip_prefix('X')) {
                u32::from_str_radix(hex, 16)
            } else {
                s.parse::<u32>()
            }
            .map_err(|_| bad())?;
            char::from_u32(n).ok_or_else(bad)
        }
    }
}

/// Decodes raw character data that contains no markup but may contain references (used for
/// attribute values and for text events). Line ends are normalized as an XML parser does; in
/// attributes, literal whitespace becomes a space.
pub(crate) fn decode_raw(raw: &[u8], attribute: bool) -> Result<Vec<char>> {
    let s = std::str::from_utf8(raw).map_err(|_| Error::malformed("xml: text is not UTF-8"))?;
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['&', '\r', '\t', '\n']) {
        push_plain(&rest[..i], &mut out);
        let tail = &rest[i..];
        match tail.as_bytes()[0] {
            b'&' => {
                let end = tail
                    .find(';')
                    .ok_or_else(|| Error::malformed("xml: unterminated reference"))?;
                out.push(decode_ref(&tail.as_bytes()[1..end])?);
                rest = &tail[end + 1..];
            }
            b'\r' => {
                out.push(if attribute { ' ' } else { '\n' });
                rest = tail.strip_prefix("\r\n").unwrap_or(&tail[1..]);
            }
            c => {
                out.push(if attribute { ' ' } else { c as char });
                rest = &tail[1..];
            }
        }
    }
    push_plain(rest, &mut out);
    Ok(out)
}

fn push_plain(s: &str, out: &mut Vec<char>) {
    out.extend(s.chars());
}

/// Escapes text for element content.
pub(crate) fn escape_text(s: &str, out: &mut Vec<u8>) {
    for c in s.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\r' => out.extend_from_slice(b"&#13;"),
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

/// Escapes text for an attribute value delimited by `quote`. Whitespace other than a space is
/// written as a character reference so that attribute normalization keeps it.
pub(crate) fn escape_attr(s: &str, quote: u8, out: &mut Vec<u8>) {
    for c in s.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' if quote == b'"' => out.extend_from_slice(b"&quot;"),
            '\'' if quote == b'\'' => out.extend_from_slice(b"&apos;"),
            '\t' => out.extend_from_slice(b"&#9;"),
            '\n' => out.extend_from_slice(b"&#10;"),
            '\r' => out.extend_from_slice(b"&#13;"),
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_with_exact_ranges() {
        let tag = br#"<w:ins w:id="5"  w:author = '&amp;Zh' w:date="x"/>"#;
        let a = scan_attrs(tag).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(&tag[a[1].name.clone()], b"w:author");
        assert_eq!(&tag[a[1].value.clone()], b"&amp;Zh");
        assert_eq!(a[1].quote, b'\'');
        assert!(scan_attrs(b"<a b=\"unterminated>").is_err());
    }

    #[test]
    fn references_and_line_ends_decode_like_a_parser() {
        let t: String = decode_raw(b"a&#x4E2D;&lt;b\r\nc", false)
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(t, "a中<b\nc");
        let t: String = decode_raw(b"x\ty", true).unwrap().into_iter().collect();
        assert_eq!(t, "x y");
        assert!(decode_raw(b"&custom;", false).is_err());
        assert!(decode_raw(b"&#xFFFFFFFF;", false).is_err());
        let mut out = Vec::new();
        escape_attr("a\"<&\t", b'"', &mut out);
        assert_eq!(out, b"a&quot;&lt;&amp;&#9;");
    }
}
