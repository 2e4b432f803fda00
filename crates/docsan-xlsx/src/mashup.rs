//! Power Query packages (`DataMashup`): a custom XML item whose one element holds, in base64,
//! a version (4 bytes), the length of a zip package (4 bytes, little-endian), the package,
//! and then permissions, metadata and their bindings, each after its own length ([MS-QDEFF]).
//! The package holds the queries as M code (`Formulas/Section1.m`), which may name a user's
//! folder (`File.Contents("C:\Users\zhangsan\…")`) or hold values typed into a query
//! (`#table(…, {{"刘海燕", "186…"}})`).
//!
//! Each query is read as a unit. A masked query is written back into the package (the other
//! members copied as they were), the package into the blob after its new length (everything
//! after it kept byte for byte), and the blob back into the element as base64. The permission
//! bindings, a checksum of the package under the user's key, no longer match: Excel then
//! resets the query permissions to their defaults, the documented outcome.

use docsan_core::{Error, Limits, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// The ranges of the base64 text of a part's `DataMashup` elements (its UTF-8 view; any
/// prefix), and whether some element was found that could not be read that way (its text in
/// CDATA, with references or comments, or no end tag): the caller warns of that one.
pub(crate) fn find(src: &[u8]) -> (Vec<Range<usize>>, bool) {
    const NAME: &[u8] = b"DataMashup";
    let is_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.');
    let mut out = Vec::new();
    let mut unread = false;
    let mut from = 0;
    while let Some(p) = find_bytes(src, NAME, from) {
        from = p + NAME.len();
        // A start tag's name: `<DataMashup` or `<prefix:DataMashup`, then a blank, `>` or `/`.
        let mut q = p;
        if q > 0 && src[q - 1] == b':' {
            q -= 1;
            while q > 0 && is_name(src[q - 1]) {
                q -= 1;
            }
        }
        let after = src.get(from).copied();
        if q == 0
            || src[q - 1] != b'<'
            || !matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        {
            continue;
        }
        // Inside a comment: not an element.
        let last_open = memchr::memmem::rfind(&src[..q], b"<!--");
        let last_close = memchr::memmem::rfind(&src[..q], b"-->");
        if last_open.is_some_and(|o| last_close.is_none_or(|c| c < o)) {
            continue;
        }
        let qname = &src[q..from];
        // The end of the start tag, quoted attribute values skipped.
        let mut i = from;
        let mut quote = None;
        while i < src.len() {
            match (quote, src[i]) {
                (None, b'"' | b'\'') => quote = Some(src[i]),
                (Some(c), b) if b == c => quote = None,
                (None, b'>') => break,
                _ => {}
            }
            i += 1;
        }
        if i >= src.len() {
            unread = true;
            break;
        }
        if src[i - 1] == b'/' {
            continue;
        }
        let body = i + 1;
        let mut end_tag = b"</".to_vec();
        end_tag.extend_from_slice(qname);
        let Some(end) = find_bytes(src, &end_tag, body) else {
            unread = true;
            break;
        };
        let text = &src[body..end];
        if text.iter().all(|&c| {
            c.is_ascii_alphanumeric()
                || matches!(c, b'+' | b'/' | b'=' | b' ' | b'\t' | b'\r' | b'\n')
        }) {
            out.push(body..end);
        } else {
            unread = true;
        }
        from = end;
    }
    (out, unread)
}

fn find_bytes(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| i + from)
}

/// A decoded blob: the package and what surrounds it.
struct Blob {
    version: [u8; 4],
    package: Vec<u8>,
    rest: Vec<u8>,
}

fn decode_blob(b64: &[u8]) -> Result<Blob> {
    let bad = || Error::malformed("Power Query package (DataMashup) does not decode");
    let blob = base64_decode(b64).ok_or_else(bad)?;
    let version: [u8; 4] = blob
        .get(..4)
        .ok_or_else(bad)?
        .try_into()
        .map_err(|_| bad())?;
    let len = u32::from_le_bytes(
        blob.get(4..8)
            .ok_or_else(bad)?
            .try_into()
            .map_err(|_| bad())?,
    );
    let end = 8usize.checked_add(len as usize).ok_or_else(bad)?;
    let package = blob.get(8..end).ok_or_else(bad)?.to_vec();
    let rest = blob[end..].to_vec();
    Ok(Blob {
        version,
        package,
        rest,
    })
}

/// The queries of a package: each M member's name and text (a byte order mark left out).
pub(crate) fn queries(b64: &[u8], limits: &Limits) -> Result<Vec<(String, String)>> {
    let blob = decode_blob(b64)?;
    let pkg = docsan_opc::Package::open(blob.package.into(), limits)?;
    let mut out = Vec::new();
    for e in pkg.entries() {
        if e.is_dir || !e.name.to_ascii_lowercase().ends_with(".m") {
            continue;
        }
        let data = pkg.read(&e.name)?;
        let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&data);
        let text = std::str::from_utf8(data)
            .map_err(|_| Error::malformed("a Power Query's code (DataMashup) is not UTF-8 text"))?;
        out.push((e.name.clone(), text.to_string()));
    }
    Ok(out)
}

/// The base64 text of the blob with these queries' texts replaced.
pub(crate) fn rebuild(
    b64: &[u8],
    new: &BTreeMap<String, String>,
    limits: &Limits,
) -> Result<String> {
    let blob = decode_blob(b64)?;
    let pkg = docsan_opc::Package::open(blob.package.into(), limits)?;
    let mut replace: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, text) in new {
        let old = pkg.read(name)?;
        let mut bytes = if old.starts_with(b"\xEF\xBB\xBF") {
            b"\xEF\xBB\xBF".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend_from_slice(text.as_bytes());
        replace.insert(name.clone(), bytes);
    }
    let package = pkg.write(&replace, &BTreeSet::new())?;
    let len = u32::try_from(package.len())
        .map_err(|_| Error::limit("Power Query package too large to write back"))?;
    let mut out = blob.version.to_vec();
    out.extend(len.to_le_bytes());
    out.extend(package);
    out.extend(blob.rest);
    Ok(base64_encode(&out))
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 (whitespace ignored, `=` ends it); `None` on any other character.
fn base64_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in s {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Standard base64 with padding, on one line (as Excel writes it).
fn base64_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(c.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(c.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            if i <= c.len() {
                out.push(char::from(B64[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [
            &b""[..],
            b"f",
            b"fo",
            b"foo",
            b"foob",
            b"fooba",
            b"foobar",
            &[0, 255, 7, 128],
        ] {
            let e = base64_encode(data);
            assert_eq!(base64_decode(e.as_bytes()).unwrap(), data);
        }
        assert_eq!(base64_encode(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64_encode(b"fo"), "Zm8=");
        assert_eq!(base64_decode(b"Zm9v\r\nYmFy").unwrap(), b"foobar");
        assert_eq!(base64_decode(b"Zm9v*"), None);
    }

    #[test]
    fn the_element_text_is_found() {
        let src = br#"<?xml version="1.0"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">QUJD</DataMashup>"#;
        let (r, unread) = find(src);
        assert_eq!(&src[r[0].clone()], b"QUJD");
        assert!(!unread);
        assert_eq!(find(b"<DataMashup/>"), (vec![], false));
        assert_eq!(find(b"<other/>"), (vec![], false));
        // A prefix, two elements, a comment naming one, a sibling of a longer name, a `>`
        // in an attribute.
        let src = br#"<r><!-- <DataMashup>AAAA</DataMashup> --><DataMashupInfo>x</DataMashupInfo><dm:DataMashup a="1>2" xmlns:dm="u">QUJD</dm:DataMashup><DataMashup>REVG</DataMashup></r>"#;
        let (r, unread) = find(src);
        let got: Vec<&[u8]> = r.iter().map(|r| &src[r.clone()]).collect();
        assert_eq!(got, [&b"QUJD"[..], b"REVG"]);
        assert!(!unread);
        // Text in CDATA or with a reference is not read that way, and says so.
        for src in [
            &br#"<DataMashup><![CDATA[QUJD]]></DataMashup>"#[..],
            br#"<DataMashup>QU&#74;D</DataMashup>"#,
            br#"<DataMashup>QUJD"#,
        ] {
            assert!(find(src).1, "{}", String::from_utf8_lossy(src));
        }
    }
}
