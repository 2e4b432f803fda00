//! Stream filters of our own, bounded: Flate, ASCIIHex, ASCII85, RunLength, LZW.
//!
//! Image codecs (DCT, JPX, JBIG2, CCITT) are not decoded: their content cannot be read as text
//! and is reported as such by the caller.

use super::lexer::Obj;
use crate::Ctx;
use crate::inflate::inflate;
use docsan_core::Error;

/// The result of decoding one stream.
#[derive(Debug)]
pub(crate) enum Decoded {
    Data(Vec<u8>),
    /// An image codec: not text.
    Image,
    /// A filter we do not implement (named).
    Unsupported(String),
}

fn filters(dict: &Obj) -> Vec<Vec<u8>> {
    match dict.get(b"Filter").or_else(|| dict.get(b"F")) {
        Some(Obj::Name(n)) => vec![n.clone()],
        Some(Obj::Array(a)) => a
            .iter()
            .filter_map(|o| o.name().map(<[u8]>::to_vec))
            .collect(),
        _ => Vec::new(),
    }
}

/// Decodes `raw` through the filters named in `dict`.
pub(crate) fn decode(ctx: &Ctx<'_>, what: &str, dict: &Obj, raw: &[u8]) -> Result<Decoded, Error> {
    let mut data = raw.to_vec();
    for f in filters(dict) {
        data = match f.as_slice() {
            b"FlateDecode" | b"Fl" => {
                let (out, _, _) = inflate(ctx, what, &data, true)?;
                if out.is_empty() && !data.is_empty() {
                    inflate(ctx, what, &data, false)?.0
                } else {
                    out
                }
            }
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data),
            b"ASCII85Decode" | b"A85" => ascii85(&data),
            b"RunLengthDecode" | b"RL" => {
                let out = run_length(&data, ctx.limits.entry_cap(data.len() as u64));
                ctx.budget.take(out.len() as u64)?;
                out
            }
            b"LZWDecode" | b"LZW" => {
                let out = lzw(&data, ctx.limits.entry_cap(data.len() as u64));
                ctx.budget.take(out.len() as u64)?;
                out
            }
            b"DCTDecode" | b"DCT" | b"JPXDecode" | b"JBIG2Decode" | b"CCITTFaxDecode" | b"CCF" => {
                return Ok(Decoded::Image);
            }
            other => {
                return Ok(Decoded::Unsupported(
                    String::from_utf8_lossy(other).into_owned(),
                ));
            }
        };
    }
    Ok(Decoded::Data(data))
}

fn ascii_hex(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len() / 2);
    let mut hi: Option<u8> = None;
    for &c in d {
        if c == b'>' {
            break;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    out
}

fn ascii85(d: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(d.len());
    let mut group = [0u32; 5];
    let mut n = 0;
    let body = d.strip_prefix(b"<~").unwrap_or(d);
    for &c in body {
        if c == b'~' {
            break;
        }
        if c == b'z' && n == 0 {
            out.extend_from_slice(&[0, 0, 0, 0]);
            continue;
        }
        if !(b'!'..=b'u').contains(&c) {
            continue;
        }
        group[n] = u32::from(c - b'!');
        n += 1;
        if n == 5 {
            let v = group
                .iter()
                .fold(0u32, |a, &g| a.wrapping_mul(85).wrapping_add(g));
            out.extend_from_slice(&v.to_be_bytes());
            n = 0;
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group
            .iter()
            .fold(0u32, |a, &g| a.wrapping_mul(85).wrapping_add(g));
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    out
}

fn run_length(d: &[u8], cap: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < d.len() && (out.len() as u64) < cap {
        let l = d[i];
        i += 1;
        if l == 128 {
            break;
        } else if l < 128 {
            let n = usize::from(l) + 1;
            out.extend_from_slice(d.get(i..(i + n).min(d.len())).unwrap_or_default());
            i += n;
        } else {
            if let Some(&b) = d.get(i) {
                out.extend(std::iter::repeat_n(b, 257 - usize::from(l)));
            }
            i += 1;
        }
    }
    out
}

fn lzw(d: &[u8], cap: u64) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    let mut table: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    table.push(Vec::new());
    table.push(Vec::new());
    let mut width = 9u32;
    let (mut buf, mut bits) = (0u32, 0u32);
    let mut prev: Option<Vec<u8>> = None;
    for &byte in d {
        buf = buf << 8 | u32::from(byte);
        bits += 8;
        while bits >= width {
            let code = (buf >> (bits - width)) & ((1 << width) - 1);
            bits -= width;
            buf &= (1 << bits) - 1;
            if code == 256 {
                table.truncate(258);
                width = 9;
                prev = None;
                continue;
            }
            if code == 257 {
                return out;
            }
            let entry = match (table.get(code as usize), &prev) {
                (Some(e), _) => e.clone(),
                (None, Some(p)) => {
                    let mut e = p.clone();
                    e.push(p.first().copied().unwrap_or(0));
                    e
                }
                (None, None) => return out,
            };
            out.extend_from_slice(&entry);
            if out.len() as u64 > cap {
                return out;
            }
            if let Some(p) = prev.take()
                && table.len() < 4096
            {
                let mut n = p;
                n.push(entry.first().copied().unwrap_or(0));
                table.push(n);
            }
            prev = Some(entry);
            if table.len() + 1 >= (1 << width) && width < 12 {
                width += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_simple_filters() {
        assert_eq!(ascii_hex(b"48 65 6c6c6f>"), b"Hello");
        assert_eq!(ascii85(b"<~87cURDZ~>"), b"Hello");
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], 100),
            b"abcxxx"
        );
        // "-----A---B" from the PDF reference's LZW example.
        assert_eq!(
            lzw(&[0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01], 100),
            b"-----A---B"
        );
    }
}
