//! Byte-level XML helpers shared by extraction and rewriting.
//!
//! The rewrite never re-serializes a part. Extraction records the exact byte ranges of text
//! content and attribute values, and the rewrite splices new bytes into the original at those
//! ranges, so every byte that holds no personal data stays where it was. These helpers walk a
//! part with quick-xml while keeping byte positions, scan attributes with their ranges, decode
//! and encode text, and apply splices.

use docsan_core::{Error, Result};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::ops::Range;

/// One attribute of a start tag, as byte ranges relative to the tag's raw content.
#[derive(Clone, Debug)]
pub(crate) struct AttrSpan {
    pub name: Range<usize>,
    pub value: Range<usize>,
    pub quote: u8,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Scans the attributes of a start tag's raw content (`c r="A1" t="s"`, without `<` and `>`).
/// Malformed attribute syntax is an error: an attribute we cannot see may hold personal data.
pub(crate) fn scan_attrs(raw: &[u8]) -> Result<Vec<AttrSpan>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() && !is_ws(raw[i]) {
        i += 1;
    }
    loop {
        while i < raw.len() && is_ws(raw[i]) {
            i += 1;
        }
        if i >= raw.len() {
            break;
        }
        let ns = i;
        while i < raw.len() && raw[i] != b'=' && !is_ws(raw[i]) {
            i += 1;
        }
        let ne = i;
        while i < raw.len() && is_ws(raw[i]) {
            i += 1;
        }
        if raw.get(i) != Some(&b'=') {
            return Err(Error::malformed("xml attribute without a value"));
        }
        i += 1;
        while i < raw.len() && is_ws(raw[i]) {
            i += 1;
        }
        let quote = match raw.get(i) {
            Some(&q) if q == b'"' || q == b'\'' => q,
            _ => return Err(Error::malformed("xml attribute value without quotes")),
        };
        i += 1;
        let vs = i;
        let len = raw
            .get(vs..)
            .and_then(|rest| rest.iter().position(|&b| b == quote))
            .ok_or_else(|| Error::malformed("unterminated xml attribute value"))?;
        let ve = vs + len;
        out.push(AttrSpan {
            name: ns..ne,
            value: vs..ve,
            quote,
        });
        i = ve + 1;
    }
    Ok(out)
}

/// The element name of a start tag's raw content.
pub(crate) fn tag_name(raw: &[u8]) -> &[u8] {
    let end = raw.iter().position(|&b| is_ws(b)).unwrap_or(raw.len());
    &raw[..end]
}

/// The local part of a qualified name (`x:c` → `c`).
pub(crate) fn local(qname: &[u8]) -> &[u8] {
    match qname.iter().rposition(|&b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

/// The prefix of a qualified name with its colon (`x:c` → `x:`), or empty.
pub(crate) fn prefix(qname: &[u8]) -> &[u8] {
    match qname.iter().rposition(|&b| b == b':') {
        Some(i) => &qname[..=i],
        None => b"",
    }
}

fn resolve_entity(name: &str) -> Result<char> {
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = name
                .strip_prefix('#')
                .ok_or_else(|| Error::malformed("undefined xml entity"))?;
            let code = match num.strip_prefix('x').or_else(|| num.strip_prefix('X')) {
                Some(hex) => u32::from_str_radix(hex, 16),
                None => num.parse::<u32>(),
            }
            .map_err(|_| Error::malformed("bad xml character reference"))?;
            match char::from_u32(code) {
                Some(c) if code != 0 => c,
                _ => return Err(Error::malformed("bad xml character reference")),
            }
        }
    };
    Ok(c)
}

/// Decodes raw attribute or text bytes: UTF-8 plus the predefined entities and character
/// references.
pub(crate) fn unescape(raw: &[u8]) -> Result<String> {
    let s = std::str::from_utf8(raw).map_err(|_| Error::malformed("xml text is not utf-8"))?;
    if !s.contains('&') {
        return Ok(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let semi = after
            .find(';')
            .filter(|&k| k <= 16)
            .ok_or_else(|| Error::malformed("unterminated xml entity"))?;
        out.push(resolve_entity(&after[..semi])?);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Encodes text content (`quote == 0`) or an attribute value delimited by `quote`.
pub(crate) fn escape_into(s: &str, quote: u8, out: &mut Vec<u8>) {
    for c in s.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' if quote == b'"' => out.extend_from_slice(b"&quot;"),
            '\'' if quote == b'\'' => out.extend_from_slice(b"&apos;"),
            '\r' => out.extend_from_slice(b"&#13;"),
            '\n' if quote != 0 => out.extend_from_slice(b"&#10;"),
            '\t' if quote != 0 => out.extend_from_slice(b"&#9;"),
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
}

/// Encodes into a new vector.
pub(crate) fn escape(s: &str, quote: u8) -> Vec<u8> {
    let mut v = Vec::with_capacity(s.len() + 8);
    escape_into(s, quote, &mut v);
    v
}

/// Replace `start..end` of a part with `bytes` (an insertion when `start == end`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Splice {
    pub start: usize,
    pub end: usize,
    pub bytes: SmallBytes,
}

/// Bytes kept inline up to [`SmallBytes::INLINE`] long, in an exact-size box beyond: most
/// splices are a masked value of a few bytes, and a sheet has one per personal cell.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum SmallBytes {
    Inline(u8, [u8; SmallBytes::INLINE]),
    Heap(Box<[u8]>),
}

impl SmallBytes {
    pub(crate) const INLINE: usize = 22;
}

impl From<Vec<u8>> for SmallBytes {
    fn from(v: Vec<u8>) -> Self {
        if v.len() <= Self::INLINE {
            let mut a = [0u8; Self::INLINE];
            a[..v.len()].copy_from_slice(&v);
            SmallBytes::Inline(v.len() as u8, a)
        } else {
            SmallBytes::Heap(v.into_boxed_slice())
        }
    }
}

impl std::ops::Deref for SmallBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            SmallBytes::Inline(n, a) => &a[..usize::from(*n)],
            SmallBytes::Heap(b) => b,
        }
    }
}

impl std::fmt::Debug for SmallBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self))
    }
}

/// Applies non-overlapping splices to `src`.
pub(crate) fn apply_splices(src: &[u8], splices: Vec<Splice>) -> Result<Vec<u8>> {
    let (splices, size) = order_splices(src.len(), splices)?;
    let mut out = Vec::with_capacity(size);
    stream_spliced(&mut &src[..], &splices, &mut out)?;
    Ok(out)
}

/// Sorts splices of a part of `len` bytes and checks that they neither overlap nor leave it;
/// returns them with the size of the spliced part.
pub(crate) fn order_splices(len: usize, mut splices: Vec<Splice>) -> Result<(Vec<Splice>, usize)> {
    // Usually in order already (made cell after cell); a stable sort otherwise, so that
    // insertions at one place keep their order. (Sorting anyway cost a scratch buffer of
    // half the list.)
    if !splices.is_sorted_by_key(|a| (a.start, a.end)) {
        splices.sort_by_key(|a| (a.start, a.end));
    }
    let mut pos = 0usize;
    let mut size = len;
    for s in &splices {
        if s.start < pos || s.end < s.start || s.end > len {
            return Err(Error::internal(
                "overlapping or out-of-range rewrite of one xml part",
            ));
        }
        size = size - (s.end - s.start) + s.bytes.len();
        pos = s.end;
    }
    Ok((splices, size))
}

/// Writes the part `src` reads (a stream from the package, or a part in memory as `&[u8]`),
/// with splices from [`order_splices`] applied, as it is read. A part shorter than a splice's
/// range is an error.
pub(crate) fn stream_spliced(
    src: &mut dyn std::io::Read,
    splices: &[Splice],
    w: &mut dyn std::io::Write,
) -> Result<()> {
    use std::io::{Read, Write};
    let io = |e: std::io::Error| Error::io(format!("splicing a part: {e}"));
    let short = || Error::internal("part shorter than the ranges read from it");
    // Buffered both ways: a sheet has a splice per personal cell, each a few bytes apart,
    // and every read from the inflater or write to the deflater costs a call through it.
    let mut src = std::io::BufReader::with_capacity(1 << 16, src);
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    let mut pos = 0usize;
    for s in splices {
        let keep = (s.start - pos) as u64;
        if std::io::copy(&mut (&mut src).take(keep), &mut w).map_err(io)? != keep {
            return Err(short());
        }
        let skip = (s.end - s.start) as u64;
        if std::io::copy(&mut (&mut src).take(skip), &mut std::io::sink()).map_err(io)? != skip {
            return Err(short());
        }
        w.write_all(&s.bytes).map_err(io)?;
        pos = s.end;
    }
    std::io::copy(&mut src, &mut w).map_err(io)?;
    w.flush().map_err(io)?;
    Ok(())
}

/// A simplified event with absolute byte positions in the part.
#[derive(Debug)]
pub(crate) enum Ev<'a> {
    /// A start or empty tag; `raw` is the content between `<` and `>` (or `/>`).
    Start {
        raw: &'a [u8],
        pos: usize,
        end: usize,
        empty: bool,
    },
    /// An end tag with its qualified name.
    End {
        name: &'a [u8],
        pos: usize,
        end: usize,
    },
    /// A maximal run of text, entity references and CDATA between two tags.
    Text {
        start: usize,
        end: usize,
        text: String,
    },
    Eof,
}

/// Walks a part, merging text pieces and checking nesting depth.
pub(crate) struct Walker<'a> {
    src: &'a [u8],
    reader: Reader<&'a [u8]>,
    base: usize,
    pending: Option<(Event<'a>, usize, usize)>,
    depth: u32,
    max_depth: u32,
    /// Set when the part holds a non-empty XML comment, which is not extracted.
    pub(crate) saw_comment: bool,
    lenient: bool,
    /// Events read, to check the time budget every few thousand.
    events: u32,
}

impl std::fmt::Debug for Walker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walker")
            .field("depth", &self.depth)
            .finish()
    }
}

fn xml_err(e: impl std::fmt::Display) -> Error {
    Error::malformed(format!("xml: {e}"))
}

impl<'a> Walker<'a> {
    /// Starts walking `src` (a whole part; a UTF-8 byte order mark is skipped). `lenient`
    /// accepts mismatched end tags (legacy VML is often not well-formed).
    pub(crate) fn new(src: &'a [u8], max_depth: u32, lenient: bool) -> Result<Walker<'a>> {
        if src.starts_with(&[0xFF, 0xFE]) || src.starts_with(&[0xFE, 0xFF]) {
            return Err(Error::unsupported("xml part encoded as utf-16"));
        }
        let base = if src.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let mut reader = Reader::from_reader(&src[base..]);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        if lenient {
            cfg.check_end_names = false;
            cfg.allow_unmatched_ends = true;
        }
        Ok(Walker {
            src,
            reader,
            base,
            pending: None,
            events: 0,
            depth: 0,
            max_depth,
            saw_comment: false,
            lenient,
        })
    }

    fn raw_next(&mut self) -> Result<(Event<'a>, usize, usize)> {
        if let Some(p) = self.pending.take() {
            return Ok(p);
        }
        self.events = self.events.wrapping_add(1);
        if self.events.is_multiple_of(8192) {
            docsan_core::check_deadline("XML parsing")?;
        }
        let start = self.reader.buffer_position() as usize + self.base;
        let ev = self.reader.read_event().map_err(xml_err)?;
        let end = self.reader.buffer_position() as usize + self.base;
        Ok((ev, start, end))
    }

    /// The next event.
    pub(crate) fn next(&mut self) -> Result<Ev<'a>> {
        loop {
            let (ev, start, end) = self.raw_next()?;
            match ev {
                Event::Start(_) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(Error::limit("xml nesting deeper than the depth limit"));
                    }
                    let raw = self
                        .src
                        .get(start + 1..end.saturating_sub(1))
                        .ok_or_else(|| Error::internal("xml tag outside its part"))?;
                    return Ok(Ev::Start {
                        raw,
                        pos: start,
                        end,
                        empty: false,
                    });
                }
                Event::Empty(_) => {
                    let raw = self
                        .src
                        .get(start + 1..end.saturating_sub(2))
                        .ok_or_else(|| Error::internal("xml tag outside its part"))?;
                    return Ok(Ev::Start {
                        raw,
                        pos: start,
                        end,
                        empty: true,
                    });
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    let inner = self
                        .src
                        .get(start + 2..end.saturating_sub(1))
                        .ok_or_else(|| Error::internal("xml tag outside its part"))?;
                    return Ok(Ev::End {
                        name: tag_name(inner),
                        pos: start,
                        end,
                    });
                }
                Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                    let mut text = String::new();
                    let mut last_end = end;
                    let mut cur = Some(ev);
                    loop {
                        match cur.take() {
                            Some(Event::Text(t)) => {
                                let s = std::str::from_utf8(&t)
                                    .map_err(|_| Error::malformed("xml text is not utf-8"))?;
                                text.push_str(s);
                            }
                            Some(Event::CData(t)) => {
                                let s = std::str::from_utf8(&t)
                                    .map_err(|_| Error::malformed("xml cdata is not utf-8"))?;
                                text.push_str(s);
                            }
                            Some(Event::GeneralRef(r)) => {
                                let name = std::str::from_utf8(&r)
                                    .map_err(|_| Error::malformed("xml entity is not utf-8"))?;
                                match resolve_entity(name) {
                                    Ok(c) => text.push(c),
                                    // Legacy VML may use HTML entities: keep them as written.
                                    Err(_) if self.lenient => {
                                        text.push('&');
                                        text.push_str(name);
                                        text.push(';');
                                    }
                                    Err(e) => return Err(e),
                                }
                            }
                            _ => break,
                        }
                        let (ev2, s2, e2) = self.raw_next()?;
                        match ev2 {
                            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                                last_end = e2;
                                cur = Some(ev2);
                            }
                            other => {
                                self.pending = Some((other, s2, e2));
                                break;
                            }
                        }
                    }
                    return Ok(Ev::Text {
                        start,
                        end: last_end,
                        text,
                    });
                }
                Event::Eof => return Ok(Ev::Eof),
                Event::Comment(c) => {
                    if !c.iter().all(|b| b.is_ascii_whitespace()) {
                        self.saw_comment = true;
                    }
                }
                Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
            }
        }
    }
}

/// Decodes a UTF-16 part (recognized by its byte order mark) to UTF-8 without the mark.
/// Returns `None` for parts that are not UTF-16, and the byte order (`true` for little endian).
pub(crate) fn decode_utf16(bytes: &[u8]) -> Result<Option<(Vec<u8>, bool)>> {
    let le = if bytes.starts_with(&[0xFF, 0xFE]) {
        true
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        false
    } else {
        return Ok(None);
    };
    let body = &bytes[2..];
    if !body.len().is_multiple_of(2) {
        return Err(Error::malformed(
            "utf-16 xml part with an odd number of bytes",
        ));
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    let s = String::from_utf16(&units).map_err(|_| Error::malformed("invalid utf-16 xml part"))?;
    Ok(Some((s.into_bytes(), le)))
}

/// Encodes UTF-8 bytes back to UTF-16 with a byte order mark.
pub(crate) fn encode_utf16(utf8: &[u8], le: bool) -> Result<Vec<u8>> {
    let s =
        std::str::from_utf8(utf8).map_err(|_| Error::internal("rewritten part is not utf-8"))?;
    let mut out = Vec::with_capacity(utf8.len() * 2 + 2);
    out.extend_from_slice(if le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    for u in s.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    Ok(out)
}

/// Does this text hold only whitespace?
pub(crate) fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attrs_entities_and_positions() {
        let src = "<a x=\"1\" y='&#25105;&amp;'><b>t&#25105;<![CDATA[<c>]]>u</b></a>".as_bytes();
        let mut w = Walker::new(src, 10, false).unwrap();
        let Ev::Start { raw, pos, .. } = w.next().unwrap() else {
            panic!()
        };
        assert_eq!(pos, 0);
        let attrs = scan_attrs(raw).unwrap();
        assert_eq!(attrs.len(), 2);
        let v = &raw[attrs[1].value.clone()];
        assert_eq!(unescape(v).unwrap(), "我&");
        let _ = w.next().unwrap();
        let Ev::Text { start, end, text } = w.next().unwrap() else {
            panic!()
        };
        assert_eq!(text, "t我<c>u");
        assert_eq!(&src[start..end], "t&#25105;<![CDATA[<c>]]>u".as_bytes());
        let out = apply_splices(
            src,
            vec![Splice {
                start,
                end,
                bytes: escape("x<", 0).into(),
            }],
        )
        .unwrap();
        assert!(String::from_utf8(out).unwrap().contains("<b>x&lt;</b>"));
    }
}
