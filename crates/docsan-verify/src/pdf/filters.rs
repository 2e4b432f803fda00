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
    for (i, f) in filters(dict).into_iter().enumerate() {
        data = match f.as_slice() {
            b"FlateDecode" | b"Fl" | b"LZWDecode" | b"LZW" => {
                let out = if f.starts_with(b"F") {
                    let (out, _, _) = inflate(ctx, what, &data, true)?;
                    if out.is_empty() && !data.is_empty() {
                        inflate(ctx, what, &data, false)?.0
                    } else {
                        out
                    }
                } else {
                    let out = lzw(&data, ctx.limits.entry_cap(data.len() as u64));
                    ctx.budget.take(out.len() as u64)?;
                    out
                };
                unpredict(&out, parms(dict, i))
            }
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&data),
            b"ASCII85Decode" | b"A85" => ascii85(&data),
            b"RunLengthDecode" | b"RL" => {
                let out = run_length(&data, ctx.limits.entry_cap(data.len() as u64));
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

/// The decode parameters of the `i`th filter.
fn parms(dict: &Obj, i: usize) -> Option<&Obj> {
    match dict.get(b"DecodeParms").or_else(|| dict.get(b"DP")) {
        Some(Obj::Array(a)) => a.get(i),
        Some(d @ Obj::Dict(_)) if i == 0 => Some(d),
        _ => None,
    }
}

/// Undoes PNG predictors (`/Predictor` 10 to 15); other predictors are left as they are.
fn unpredict(data: &[u8], parms: Option<&Obj>) -> Vec<u8> {
    let Some(p) = parms else {
        return data.to_vec();
    };
    let num = |k: &[u8], d: f64| p.get(k).and_then(Obj::num).unwrap_or(d);
    if num(b"Predictor", 1.0) < 10.0 {
        return data.to_vec();
    }
    let colors = num(b"Colors", 1.0).clamp(1.0, 32.0) as usize;
    let bits = num(b"BitsPerComponent", 8.0).clamp(1.0, 16.0) as usize;
    let columns = num(b"Columns", 1.0).clamp(1.0, 1e6) as usize;
    let bpp = (colors * bits).div_ceil(8).max(1);
    let row = (columns * colors * bits).div_ceil(8);
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let (Some(&kind), Some(line)) = (chunk.first(), chunk.get(1..)) else {
            break;
        };
        let mut cur = line.to_vec();
        cur.resize(row, 0);
        for x in 0..row {
            let left = if x >= bpp { cur[x - bpp] } else { 0 };
            let up = prev[x];
            let ul = if x >= bpp { prev[x - bpp] } else { 0 };
            cur[x] = match kind {
                1 => cur[x].wrapping_add(left),
                2 => cur[x].wrapping_add(up),
                3 => cur[x].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => {
                    let pa = (i16::from(up) - i16::from(ul)).abs();
                    let pb = (i16::from(left) - i16::from(ul)).abs();
                    let pc = (i16::from(left) + i16::from(up) - 2 * i16::from(ul)).abs();
                    let pred = if pa <= pb && pa <= pc {
                        left
                    } else if pb <= pc {
                        up
                    } else {
                        ul
                    };
                    cur[x].wrapping_add(pred)
                }
                _ => cur[x],
            };
        }
        out.extend_from_slice(&cur[..line.len().min(row)]);
        prev = cur;
    }
    out
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
        // PNG "Up" predictor over two rows of three columns.
        let p = Obj::Dict(vec![
            (b"Predictor".to_vec(), Obj::Num(12.0)),
            (b"Columns".to_vec(), Obj::Num(3.0)),
        ]);
        assert_eq!(
            unpredict(&[2, 1, 2, 3, 2, 1, 1, 1], Some(&p)),
            vec![1, 2, 3, 2, 3, 4]
        );
        // "-----A---B" from the PDF reference's LZW example.
        assert_eq!(
            lzw(&[0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01], 100),
            b"-----A---B"
        );
    }
}
