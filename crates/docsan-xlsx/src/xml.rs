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
    pub start: crate::Pos,
    pub end: crate::Pos,
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
        let (start, end) = (s.start as usize, s.end as usize);
        if start < pos || end < start || end > len {
            return Err(Error::internal(
                "overlapping or out-of-range rewrite of one xml part",
            ));
        }
        size = size - (end - start) + s.bytes.len();
        pos = end;
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
    let mut pos: crate::Pos = 0;
    for s in splices {
        let keep = u64::from(s.start - pos);
        if std::io::copy(&mut (&mut src).take(keep), &mut w).map_err(io)? != keep {
            return Err(short());
        }
        let skip = u64::from(s.end - s.start);
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

/// A simplified event with absolute byte positions in the part. Tag bytes borrow from the
/// walker and are valid until its next event.
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

/// The kind of the tag event held in [`Walker::tag`].
#[derive(Clone, Copy, Debug)]
enum Tag {
    Start,
    Empty,
    End,
    Eof,
}

/// Walks a part, merging text pieces and checking nesting depth. It reads from any buffered
/// reader: a part in memory (`&[u8]`) or a part inflating from the package, so that a large
/// sheet is never held whole; only the current event's bytes are.
pub(crate) struct Walker<R> {
    reader: Reader<R>,
    /// The bytes of the event being read.
    buf: Vec<u8>,
    /// The content of the last tag read (between `<` and `>`, or the end tag's name).
    tag: Vec<u8>,
    /// Bytes before the reader's first (a UTF-8 byte order mark).
    base: usize,
    /// A tag read after a run of text, returned by the next call.
    pending: Option<(Tag, usize, usize)>,
    depth: u32,
    max_depth: u32,
    /// Set when the part holds a non-empty XML comment, which is not extracted.
    pub(crate) saw_comment: bool,
    lenient: bool,
    /// Events read, to check the time budget every few thousand.
    events: u32,
}

impl<R> std::fmt::Debug for Walker<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walker")
            .field("depth", &self.depth)
            .finish()
    }
}

fn xml_err(e: impl std::fmt::Display) -> Error {
    Error::malformed(format!("xml: {e}"))
}

/// One event as read, with its bytes kept as [`Walker`] needs them.
enum Raw {
    Tag(Tag),
    Text(String),
    Skip,
}

/// The length of the UTF-8 byte order mark a part starts with (0 or 3), or `None` when its
/// first bytes are a UTF-16 one.
fn utf8_bom_len(head: &[u8]) -> Option<usize> {
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        None
    } else if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        Some(3)
    } else {
        Some(0)
    }
}

impl<'a> Walker<&'a [u8]> {
    /// Starts walking `src` (a whole part; a UTF-8 byte order mark is skipped). `lenient`
    /// accepts mismatched end tags (legacy VML is often not well-formed).
    pub(crate) fn new(src: &'a [u8], max_depth: u32, lenient: bool) -> Result<Walker<&'a [u8]>> {
        let base =
            utf8_bom_len(src).ok_or_else(|| Error::unsupported("xml part encoded as utf-16"))?;
        Ok(Walker::with_base(&src[base..], base, max_depth, lenient))
    }
}

/// The first bytes of a part read from a stream, then the rest of it.
pub(crate) type Streamed<'r> =
    std::io::BufReader<std::io::Chain<std::io::Cursor<Vec<u8>>, &'r mut dyn std::io::Read>>;

impl<'r> Walker<Streamed<'r>> {
    /// Starts walking a part as it is read from `src`, like [`Walker::new`]; `None` when the
    /// part is UTF-16 (its first bytes tell), which is decoded whole instead.
    pub(crate) fn streaming(
        src: &'r mut dyn std::io::Read,
        max_depth: u32,
        lenient: bool,
    ) -> Result<Option<Walker<Streamed<'r>>>> {
        use std::io::Read;
        // The first three bytes decide the encoding; a stream may hand them over one by one.
        let mut head = Vec::with_capacity(3);
        (&mut *src)
            .take(3)
            .read_to_end(&mut head)
            .map_err(|e| Error::io(format!("reading a part: {e}")))?;
        let Some(base) = utf8_bom_len(&head) else {
            return Ok(None);
        };
        head.drain(..base);
        let reader =
            std::io::BufReader::with_capacity(1 << 16, std::io::Cursor::new(head).chain(src));
        Ok(Some(Walker::with_base(reader, base, max_depth, lenient)))
    }
}

impl<R: std::io::BufRead> Walker<R> {
    fn with_base(src: R, base: usize, max_depth: u32, lenient: bool) -> Walker<R> {
        let mut reader = Reader::from_reader(src);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        if lenient {
            cfg.check_end_names = false;
            cfg.allow_unmatched_ends = true;
        }
        Walker {
            reader,
            buf: Vec::with_capacity(256),
            tag: Vec::with_capacity(256),
            base,
            pending: None,
            events: 0,
            depth: 0,
            max_depth,
            saw_comment: false,
            lenient,
        }
    }

    /// The reader, at the end of the last event read.
    pub(crate) fn into_inner(self) -> R {
        self.reader.into_inner()
    }

    /// Reads one event; a tag's content goes to `self.tag`, text is decoded.
    fn raw_next(&mut self) -> Result<(Raw, usize, usize)> {
        self.events = self.events.wrapping_add(1);
        if self.events.is_multiple_of(8192) {
            docsan_core::check_deadline("XML parsing")?;
        }
        let start = self.reader.buffer_position() as usize + self.base;
        self.buf.clear();
        let ev = self
            .reader
            .read_event_into(&mut self.buf)
            .map_err(xml_err)?;
        let raw = match ev {
            Event::Start(e) => {
                self.tag.clear();
                self.tag.extend_from_slice(&e);
                Raw::Tag(Tag::Start)
            }
            Event::Empty(e) => {
                self.tag.clear();
                self.tag.extend_from_slice(&e);
                Raw::Tag(Tag::Empty)
            }
            Event::End(e) => {
                self.tag.clear();
                self.tag.extend_from_slice(&e);
                Raw::Tag(Tag::End)
            }
            Event::Eof => Raw::Tag(Tag::Eof),
            Event::Text(t) => Raw::Text(
                std::str::from_utf8(&t)
                    .map_err(|_| Error::malformed("xml text is not utf-8"))?
                    .to_string(),
            ),
            Event::CData(t) => Raw::Text(
                std::str::from_utf8(&t)
                    .map_err(|_| Error::malformed("xml cdata is not utf-8"))?
                    .to_string(),
            ),
            Event::GeneralRef(r) => {
                let name = std::str::from_utf8(&r)
                    .map_err(|_| Error::malformed("xml entity is not utf-8"))?;
                match resolve_entity(name) {
                    Ok(c) => Raw::Text(c.to_string()),
                    // Legacy VML may use HTML entities: keep them as written.
                    Err(_) if self.lenient => Raw::Text(format!("&{name};")),
                    Err(e) => return Err(e),
                }
            }
            Event::Comment(c) => {
                if !c.iter().all(|b| b.is_ascii_whitespace()) {
                    self.saw_comment = true;
                }
                Raw::Skip
            }
            Event::PI(_) | Event::Decl(_) | Event::DocType(_) => Raw::Skip,
        };
        let end = self.reader.buffer_position() as usize + self.base;
        if end > crate::Pos::MAX as usize {
            // Positions are kept as 32-bit numbers.
            return Err(Error::limit("xml part of 4 GiB or more"));
        }
        Ok((raw, start, end))
    }

    /// The event for a tag held in `self.tag`.
    fn tag_event(&mut self, tag: Tag, start: usize, end: usize) -> Result<Ev<'_>> {
        Ok(match tag {
            Tag::Start => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(Error::limit("xml nesting deeper than the depth limit"));
                }
                Ev::Start {
                    raw: &self.tag,
                    pos: start,
                    end,
                    empty: false,
                }
            }
            Tag::Empty => Ev::Start {
                raw: &self.tag,
                pos: start,
                end,
                empty: true,
            },
            Tag::End => {
                self.depth = self.depth.saturating_sub(1);
                Ev::End {
                    name: tag_name(&self.tag),
                    pos: start,
                    end,
                }
            }
            Tag::Eof => Ev::Eof,
        })
    }

    /// The next event.
    pub(crate) fn next(&mut self) -> Result<Ev<'_>> {
        if let Some((tag, start, end)) = self.pending.take() {
            return self.tag_event(tag, start, end);
        }
        loop {
            let (raw, start, end) = self.raw_next()?;
            match raw {
                Raw::Tag(tag) => return self.tag_event(tag, start, end),
                Raw::Skip => {}
                Raw::Text(mut text) => {
                    let mut last_end = end;
                    loop {
                        let (next, s2, e2) = self.raw_next()?;
                        match next {
                            Raw::Text(t) => {
                                text.push_str(&t);
                                last_end = e2;
                            }
                            // A comment or instruction ends the run, as before.
                            Raw::Skip => break,
                            Raw::Tag(tag) => {
                                self.pending = Some((tag, s2, e2));
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
                start: start as crate::Pos,
                end: end as crate::Pos,
                bytes: escape("x<", 0).into(),
            }],
        )
        .unwrap();
        assert!(String::from_utf8(out).unwrap().contains("<b>x&lt;</b>"));
    }

    /// Reads one byte per call, as a slow stream may.
    struct OneByte<'a>(&'a [u8]);

    impl std::io::Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.is_empty()) {
                (Some((&b, rest)), false) => {
                    buf[0] = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn events<R: std::io::BufRead>(mut w: Walker<R>) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let ev = w.next().unwrap();
            let done = matches!(ev, Ev::Eof);
            out.push(match ev {
                Ev::Start {
                    raw,
                    pos,
                    end,
                    empty,
                } => format!(
                    "start {:?} {pos} {end} {empty}",
                    String::from_utf8_lossy(raw)
                ),
                Ev::End { name, pos, end } => {
                    format!("end {:?} {pos} {end}", String::from_utf8_lossy(name))
                }
                Ev::Text { start, end, text } => format!("text {text:?} {start} {end}"),
                Ev::Eof => "eof".into(),
            });
            if done {
                break;
            }
        }
        out.push(format!("comment {}", w.saw_comment));
        out
    }

    #[test]
    fn a_streamed_part_gives_the_events_of_the_part_in_memory() {
        let body = "<?xml version=\"1.0\"?>\n<x:worksheet xmlns:x=\"u\"><x:sheetData>\
            <x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\" ><x:is><x:t>王&#x5C0F;明 &amp; <![CDATA[<b>]]>\
            </x:t></x:is></x:c><x:c r=\"B1\"/></x:row><!-- note --></x:sheetData ></x:worksheet>";
        for bom in [&b""[..], &[0xEF, 0xBB, 0xBF][..]] {
            let src = [bom, body.as_bytes()].concat();
            let whole = events(Walker::new(&src, 16, false).unwrap());
            let mut one = OneByte(&src);
            let streamed = events(Walker::streaming(&mut one, 16, false).unwrap().unwrap());
            assert_eq!(whole, streamed);
            // The positions are those of the bytes in the part, the byte order mark counted.
            let Some(text) = whole.iter().find(|e| e.starts_with("text \"王小明")) else {
                panic!("no cell text in {whole:?}")
            };
            let start: usize = text.split(' ').nth(4).unwrap().parse().unwrap();
            assert_eq!(&src[start..start + 3], "王".as_bytes());
            assert!(whole.contains(&"comment true".to_string()));
        }
        let mut utf16 = OneByte(&[0xFF, 0xFE, b'<', 0]);
        assert!(Walker::streaming(&mut utf16, 16, false).unwrap().is_none());
    }
}
