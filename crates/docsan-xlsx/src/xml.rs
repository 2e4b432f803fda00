//! Byte-level XML helpers shared by extraction and rewriting.
//!
//! The rewrite never re-serializes a part. Extraction records the exact byte ranges of text
//! content and attribute values, and the rewrite splices new bytes into the original at those
//! ranges, so every byte that holds no personal data stays where it was. These helpers walk a
//! part with quick-xml while keeping byte positions, scan attributes with their ranges, decode
//! and encode text, and apply splices.

use docsan_core::{Error, Result};
use std::ops::Range;

/// One attribute of a start tag, as byte ranges relative to the tag's raw content.
#[derive(Clone, Debug)]
pub(crate) struct AttrSpan {
    pub name: Range<usize>,
    pub value: Range<usize>,
    pub quote: u8,
}

/// Whether an end tag's name is the open element's: names are a few bytes (`c`, `v`, `row`),
/// compared here rather than through a call to `memcmp` for each end tag.
#[inline]
fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Scans the attributes of a start tag's raw content (`c r="A1" t="s"`, without `<` and `>`).
/// Malformed attribute syntax is an error: an attribute we cannot see may hold personal data.
pub(crate) fn scan_attrs(raw: &[u8]) -> Result<Vec<AttrSpan>> {
    let mut out = Vec::new();
    each_attr(raw, |a| out.push(a))?;
    Ok(out)
}

/// [`scan_attrs`] handing each attribute to `f` as it is read, for the tags of every cell and
/// row of a sheet (no vector for each).
#[inline]
pub(crate) fn each_attr(raw: &[u8], mut f: impl FnMut(AttrSpan)) -> Result<()> {
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
        f(AttrSpan {
            name: ns..ne,
            value: vs..ve,
            quote,
        });
        i = ve + 1;
    }
    Ok(())
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
    let s = unescape_xml(s)?;
    Ok(decode_xstring(&s).unwrap_or(s))
}

/// The five predefined entities and character references of `s` decoded.
fn unescape_xml(s: &str) -> Result<String> {
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

/// Whether `s` holds `_x` (a `str::contains` builds a searcher each call: this runs on
/// every text of a sheet).
#[inline]
fn has_xstring_mark(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(b'_', b).any(|i| b.get(i + 1) == Some(&b'x'))
}

/// The `_xHHHH_` at byte `at` of `s` (SpreadsheetML's escape of a character, `ST_Xstring`):
/// its character, when it is one.
fn xstring_escape_at(s: &str, at: usize) -> Option<char> {
    let b = s.as_bytes();
    let hex = b.get(at + 2..at + 6)?;
    if b.get(at..at + 2) != Some(b"_x") || b.get(at + 6) != Some(&b'_') {
        return None;
    }
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16)
        .ok()
        .and_then(char::from_u32)
}

/// Decodes SpreadsheetML's escapes: `_xHHHH_` is the character U+HHHH in the text of cells,
/// shared strings, comments and most attributes, and Excel shows it as that character
/// (`_x0031_3812345678` is a phone number, `_x005F_` a literal `_`). `None` when `s` holds
/// none. Units carry the decoded text, so that what a reader shows is what is detected.
pub(crate) fn decode_xstring(s: &str) -> Option<String> {
    if !has_xstring_mark(s) {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    // (`last` is past the last escape decoded: 0 while there is none.)
    let (mut last, mut i) = (0, 0);
    while let Some(p) = s[i..].find("_x") {
        let at = i + p;
        if let Some(c) = xstring_escape_at(s, at) {
            out.push_str(&s[last..at]);
            out.push(c);
            last = at + 7;
            i = at + 7;
        } else {
            i = at + 2;
        }
    }
    (last > 0).then(|| {
        out.push_str(&s[last..]);
        out
    })
}

/// Encodes text content (`quote == 0`) or an attribute value delimited by `quote`. Text that
/// reads as a SpreadsheetML escape (`_x0031_`) gets its `_` escaped (`_x005F_x0031_`), so that
/// a reader shows it as written (see [`decode_xstring`]).
pub(crate) fn escape_into(s: &str, quote: u8, out: &mut Vec<u8>) {
    if has_xstring_mark(s) {
        // Every `_x` that would read as an escape, overlapping ones too (`_x0031_x0032_`
        // holds two), unlike decoding, which goes on after the escape it read.
        let mut from = 0;
        let mut i = 0;
        while let Some(p) = s[i..].find("_x") {
            let at = i + p;
            if xstring_escape_at(s, at).is_some() {
                escape_plain(&s[from..at], quote, out);
                out.extend_from_slice(b"_x005F_");
                from = at + 1;
            }
            i = at + 2;
        }
        escape_plain(&s[from..], quote, out);
        return;
    }
    escape_plain(s, quote, out);
}

fn escape_plain(s: &str, quote: u8, out: &mut Vec<u8>) {
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
    /// A maximal run of text, entity references and CDATA between two tags: borrowed from
    /// the walker when it is one plain piece (most are), decoded otherwise.
    Text {
        start: usize,
        end: usize,
        text: std::borrow::Cow<'a, str>,
    },
    Eof,
}

/// The kind of the tag held in [`Walker::tag`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Start,
    Empty,
    End,
    Eof,
}

/// What one piece of markup was.
enum Markup {
    /// A tag, whose content is in [`Walker::tag`].
    Tag(Tag),
    /// A CDATA section, its content at this range of the window.
    CData(usize, usize),
    /// A comment, processing instruction, XML declaration or document type declaration.
    Skip,
}

/// Bytes read from the source at a time.
const CHUNK: usize = 64 << 10;

/// A run of text being read: where it starts and ends in the part, and its characters once
/// decoded (`None` while it is one plain piece, read from the walker's window).
type Run = (usize, usize, Option<String>);

/// Walks a part, merging text pieces and checking nesting depth and end tag names. It reads
/// from any reader: a part in memory (`&[u8]`) or a part inflating from the package, so that a
/// large sheet is never held whole; only a window of it is, at least the current event's bytes.
///
/// Its own tokenizer, in the manner of quick-xml's (the one it replaced, kept in the tests to
/// compare events with): tags, end tags (names checked against the open elements unless
/// `lenient`), text with the predefined entities and character references, CDATA,
/// comments and processing instructions; every byte of markup and text must be UTF-8. A
/// document type declaration is refused (Office writes none; it may declare entities). Tags and text are read from the
/// window where they lie: no byte is copied to hand out a tag.
pub(crate) struct Walker<R> {
    src: R,
    /// Bytes read and not yet walked are `win[at..filled]`; the rest is room to read into.
    win: Vec<u8>,
    at: usize,
    filled: usize,
    /// Position in the part of `win[0]` (a byte order mark counted).
    off: usize,
    /// A position in the part whose bytes the window keeps when it reads more (the start of
    /// the plain text run being read, handed out after the tag that ends it), or `usize::MAX`.
    keep: usize,
    /// The source has no more bytes.
    eof: bool,
    /// The content of the last tag read, as a range of `win` (between `<` and `>` or `/>`, or
    /// the end tag's name).
    tag: (usize, usize),
    /// The names of the open elements, one after the other, and where each starts.
    names: Vec<u8>,
    opened: Vec<usize>,
    /// A tag read after a run of text, returned by the next call.
    pending: Option<(Tag, usize, usize)>,
    depth: u32,
    max_depth: u32,
    /// Set when the part holds a non-empty XML comment, which is not extracted.
    pub(crate) saw_comment: bool,
    lenient: bool,
    /// Events read, to check the time budget every few thousand.
    events: u32,
    /// `win[..checked]` is known to be UTF-8 (see [`Walker::valid_to`]).
    checked: usize,
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

fn utf8<'b>(b: &'b [u8], what: &str) -> Result<&'b str> {
    std::str::from_utf8(b).map_err(|_| Error::malformed(format!("xml {what} is not utf-8")))
}

/// The length of the UTF-8 byte order mark a part starts with (0 or 3), or `None` when its
/// first bytes say it is UTF-16 (a byte order mark, or `<` in two bytes).
fn utf8_bom_len(head: &[u8]) -> Option<usize> {
    if utf16_of(head).is_some() {
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
        Ok(Walker::with_base(
            &src[base..],
            Vec::new(),
            base,
            max_depth,
            lenient,
        ))
    }
}

/// A part read from a stream.
pub(crate) type Streamed<'r> = &'r mut dyn std::io::Read;

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
        let mut head = Vec::with_capacity(CHUNK);
        (&mut *src)
            .take(3)
            .read_to_end(&mut head)
            .map_err(|e| Error::io(format!("reading a part: {e}")))?;
        let Some(base) = utf8_bom_len(&head) else {
            return Ok(None);
        };
        head.drain(..base);
        Ok(Some(Walker::with_base(src, head, base, max_depth, lenient)))
    }
}

impl<R: std::io::Read> Walker<R> {
    fn with_base(src: R, win: Vec<u8>, base: usize, max_depth: u32, lenient: bool) -> Walker<R> {
        Walker {
            src,
            filled: win.len(),
            win,
            at: 0,
            keep: usize::MAX,
            off: base,
            eof: false,
            tag: (0, 0),
            names: Vec::with_capacity(256),
            opened: Vec::with_capacity(16),
            pending: None,
            events: 0,
            depth: 0,
            max_depth,
            saw_comment: false,
            lenient,
            checked: 0,
        }
    }

    /// What the walker has not read yet: the rest of its window, then the rest of the source.
    pub(crate) fn into_rest(self) -> impl std::io::Read {
        let rest = self.win[self.at..self.filled].to_vec();
        std::io::Read::chain(std::io::Cursor::new(rest), self.src)
    }

    /// The position in the part of window index `i`.
    fn pos(&self, i: usize) -> Result<usize> {
        let p = self.off + i;
        if p > crate::Pos::MAX as usize {
            // Positions are kept as 32-bit numbers.
            return Err(Error::limit("xml part of 4 GiB or more"));
        }
        Ok(p)
    }

    /// Reads more of the source into the window, first dropping what has been walked and is
    /// not kept (the event being read starts at `at`, so indices relative to `at` stay
    /// valid). False at the end of the source.
    fn fill(&mut self) -> Result<bool> {
        if self.eof {
            return Ok(false);
        }
        let from = self.at.min(self.keep.saturating_sub(self.off));
        if from > 0 {
            self.win.copy_within(from..self.filled, 0);
            self.off += from;
            self.filled -= from;
            self.at -= from;
            self.checked = self.checked.saturating_sub(from);
        }
        if self.win.len() - self.filled < CHUNK / 2 {
            // Grown (and zeroed) only when an event outgrows the window.
            let len = (self.win.len() * 2).max(self.filled + CHUNK);
            self.win.resize(len, 0);
        }
        let n = loop {
            match self.src.read(&mut self.win[self.filled..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(xml_err(e)),
            }
        };
        self.filled += n;
        self.eof = n == 0;
        Ok(n > 0)
    }

    /// Makes at least `n` bytes from `at` available; false when the part ends before.
    fn ensure(&mut self, n: usize) -> Result<bool> {
        while self.filled - self.at < n {
            if !self.fill()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Checks that the window's bytes up to index `end` are UTF-8. Markup is checked this way,
    /// a window at a time (one validation of tens of kilobytes rather than one per tag): what
    /// is valid is remembered, so each byte is checked once, and a tag fails exactly when its
    /// own bytes hold the first invalid sequence, as if it were checked alone. (A character
    /// cut by the end of the window is checked once the rest is read: the markup that asks
    /// ends with an ASCII `>` after it.)
    #[inline]
    fn valid_to(&mut self, end: usize, what: &str) -> Result<()> {
        if end <= self.checked {
            return Ok(());
        }
        let from = self.checked.min(self.filled);
        self.checked = match std::str::from_utf8(&self.win[from..self.filled]) {
            Ok(_) => self.filled,
            Err(e) => from + e.valid_up_to(),
        };
        if end <= self.checked {
            Ok(())
        } else {
            Err(Error::malformed(format!("xml {what} is not utf-8")))
        }
    }

    /// The offset from `at` of the first match of `find` in the bytes from `at + from`,
    /// reading more as needed; `None` when the part ends first. `find` is given the bytes
    /// not searched yet (a needle split by a read is found: the search resumes `back`
    /// bytes before where the last one ended).
    fn seek(
        &mut self,
        from: usize,
        back: usize,
        mut find: impl FnMut(&[u8]) -> Option<usize>,
    ) -> Result<Option<usize>> {
        let mut from = from;
        loop {
            let hay = &self.win[(self.at + from).min(self.filled)..self.filled];
            if let Some(i) = find(hay) {
                return Ok(Some(from + i));
            }
            let searched = self.filled - self.at;
            if !self.fill()? {
                return Ok(None);
            }
            from = from.max(searched.saturating_sub(back));
        }
    }

    /// The offset from `at` of the `>` that ends the tag at `at`: the first outside quoted
    /// attribute values (end tags are read the same way, as quick-xml reads them).
    fn tag_end(&mut self) -> Result<Option<usize>> {
        // A byte loop: tags are short, and a vector search's setup costs more than it saves.
        let mut quote = 0u8;
        self.seek(1, 0, |h| {
            for (i, &b) in h.iter().enumerate() {
                match (quote, b) {
                    (0, b'>') => return Some(i),
                    (0, b'"' | b'\'') => quote = b,
                    (q, b) if q == b => quote = 0,
                    _ => {}
                }
            }
            None
        })
    }

    /// Reads the markup at `at` (a `<`), leaving `at` after it.
    fn markup(&mut self) -> Result<Markup> {
        if !self.ensure(2)? {
            return Err(xml_err("unclosed tag at the end of the part"));
        }
        let unclosed = |what: &str| xml_err(format!("unclosed {what}"));
        match self.win[self.at + 1] {
            b'?' => {
                // `<?>` ends at once, too short to be an instruction.
                let end = self
                    .seek(1, 1, |h| memchr::memmem::find(h, b"?>"))?
                    .ok_or_else(|| unclosed("processing instruction"))?
                    + 2;
                if end <= 3 {
                    return Err(xml_err("empty processing instruction"));
                }
                self.valid_to(self.at + end, "instruction")?;
                self.at += end;
                Ok(Markup::Skip)
            }
            b'!' => {
                if !self.ensure(3)? {
                    return Err(unclosed("markup"));
                }
                match self.win[self.at + 2] {
                    b'-' => {
                        if !self.ensure(4)? || self.win[self.at + 3] != b'-' {
                            return Err(xml_err("bad comment"));
                        }
                        let end = self
                            .seek(4, 2, |h| memchr::memmem::find(h, b"-->"))?
                            .ok_or_else(|| unclosed("comment"))?
                            + 3;
                        let body = utf8(&self.win[self.at + 4..self.at + end - 3], "comment")?;
                        if !body.bytes().all(|b| b.is_ascii_whitespace()) {
                            self.saw_comment = true;
                        }
                        self.at += end;
                        Ok(Markup::Skip)
                    }
                    b'[' => {
                        if !self.ensure(9)? || &self.win[self.at..self.at + 9] != b"<![CDATA[" {
                            return Err(xml_err("bad cdata section"));
                        }
                        let end = self
                            .seek(9, 2, |h| memchr::memmem::find(h, b"]]>"))?
                            .ok_or_else(|| unclosed("cdata section"))?
                            + 3;
                        let (s, e) = (self.at + 9, self.at + end - 3);
                        self.at += end;
                        Ok(Markup::CData(s, e))
                    }
                    // Office writes none, and a document type declaration may declare
                    // entities: refused.
                    b'D' | b'd' => Err(Error::unsupported(
                        "xml part with a document type declaration",
                    )),
                    _ => Err(xml_err("bad markup after <!")),
                }
            }
            b'/' => {
                let gt = self.tag_end()?.ok_or_else(|| unclosed("end tag"))?;
                self.valid_to(self.at + gt, "tag")?;
                let content = &self.win[self.at + 2..self.at + gt];
                let name_len = content
                    .iter()
                    .rposition(|&b| !is_ws(b))
                    .map_or(content.len(), |p| p + 1);
                let name = &content[..name_len];
                // Errors name the tag's place, not its name: an element's name can be
                // anything, a person's name included.
                match self.opened.pop() {
                    Some(s) => {
                        if !self.lenient && !same_name(&self.names[s..], name) {
                            return Err(xml_err(format!(
                                "the end tag at byte {} does not close the element open before it",
                                self.pos(self.at)?
                            )));
                        }
                        self.names.truncate(s);
                    }
                    None if self.lenient => {}
                    None => {
                        return Err(xml_err(format!(
                            "the end tag at byte {} closes no element",
                            self.pos(self.at)?
                        )));
                    }
                }
                self.tag = (self.at + 2, self.at + 2 + name_len);
                self.at += gt + 1;
                Ok(Markup::Tag(Tag::End))
            }
            _ => {
                let gt = self.tag_end()?.ok_or_else(|| unclosed("tag"))?;
                let mut content = (self.at + 1, self.at + gt);
                self.valid_to(content.1, "tag")?;
                let kind = if self.win[content.0..content.1].ends_with(b"/") {
                    content.1 -= 1;
                    Tag::Empty
                } else {
                    let raw = &self.win[content.0..content.1];
                    let name_len = raw.iter().position(|&b| is_ws(b)).unwrap_or(raw.len());
                    self.opened.push(self.names.len());
                    self.names.extend_from_slice(&raw[..name_len]);
                    Tag::Start
                };
                self.tag = content;
                self.at += gt + 1;
                Ok(Markup::Tag(kind))
            }
        }
    }

    /// Reads text from `at` up to the next `<` or the end of the part into `out`, entity
    /// and character references decoded.
    fn text_into(&mut self, out: &mut String) -> Result<()> {
        loop {
            let rest = &self.win[self.at..self.filled];
            match memchr::memchr2(b'<', b'&', rest) {
                Some(i) => {
                    out.push_str(utf8(&rest[..i], "text")?);
                    let amp = rest[i] == b'&';
                    self.at += i;
                    if !amp {
                        return Ok(());
                    }
                    // A reference ends at `;`, before any other `&` or `<`.
                    let semi = self
                        .seek(1, 0, |h| memchr::memchr3(b';', b'&', b'<', h))?
                        .filter(|&j| self.win[self.at + j] == b';')
                        .ok_or_else(|| xml_err("unclosed reference"))?;
                    let name = utf8(&self.win[self.at + 1..self.at + semi], "reference")?;
                    match resolve_entity(name) {
                        Ok(c) => out.push(c),
                        // Legacy VML may use HTML entities: keep them as written.
                        Err(_) if self.lenient => {
                            out.push('&');
                            out.push_str(name);
                            out.push(';');
                        }
                        Err(e) => return Err(e),
                    }
                    self.at += semi + 1;
                }
                None => {
                    // All of the window is text: what is valid UTF-8 of it is taken, a
                    // character cut by the read waits for the next one.
                    let valid = match std::str::from_utf8(rest) {
                        Ok(s) => s.len(),
                        Err(e) if e.error_len().is_none() => e.valid_up_to(),
                        Err(_) => return Err(Error::malformed("xml text is not utf-8")),
                    };
                    out.push_str(utf8(&rest[..valid], "text")?);
                    self.at += valid;
                    if !self.fill()? {
                        if self.at < self.filled {
                            return Err(Error::malformed("xml text is not utf-8"));
                        }
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Counts an event read, checking the time budget every few thousand.
    fn count(&mut self) -> Result<()> {
        self.events = self.events.wrapping_add(1);
        if self.events.is_multiple_of(8192) {
            docsan_core::check_deadline("XML parsing")?;
        }
        Ok(())
    }

    /// The event for the tag held in `self.tag`.
    fn tag_event(&mut self, tag: Tag, start: usize, end: usize) -> Result<Ev<'_>> {
        if tag == Tag::Eof {
            return Ok(Ev::Eof);
        }
        let raw = &self.win[self.tag.0..self.tag.1];
        Ok(match tag {
            Tag::Start => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(Error::limit("xml nesting deeper than the depth limit"));
                }
                Ev::Start {
                    raw,
                    pos: start,
                    end,
                    empty: false,
                }
            }
            Tag::Empty => Ev::Start {
                raw,
                pos: start,
                end,
                empty: true,
            },
            Tag::End => {
                self.depth = self.depth.saturating_sub(1);
                Ev::End {
                    name: tag_name(raw),
                    pos: start,
                    end,
                }
            }
            Tag::Eof => Ev::Eof,
        })
    }

    /// The next event.
    pub(crate) fn next(&mut self) -> Result<Ev<'_>> {
        self.keep = usize::MAX;
        if let Some((tag, start, end)) = self.pending.take() {
            return self.tag_event(tag, start, end);
        }
        // A run of text: where it starts and ends so far, and its characters once they are
        // decoded (while it is one plain piece, it is read from the window).
        let mut run: Option<Run> = None;
        loop {
            self.count()?;
            if self.at >= self.filled && !self.fill()? {
                return match run {
                    Some(r) => {
                        self.pending = Some((Tag::Eof, r.1, r.1));
                        self.text_event(r)
                    }
                    None => Ok(Ev::Eof),
                };
            }
            let start = self.pos(self.at)?;
            if self.win[self.at] != b'<' {
                let rest = &self.win[self.at..self.filled];
                if let Some(i) = memchr::memchr2(b'<', b'&', rest).filter(|&i| rest[i] == b'<') {
                    // A plain piece that ends in the window: kept there while it is the
                    // whole run (it is checked as UTF-8 when it is handed out).
                    run = Some(match run.take() {
                        None => {
                            self.keep = start;
                            (start, start + i, None)
                        }
                        Some(r) => {
                            let (s, mut text) = self.owned(Some(r), start)?;
                            text.push_str(utf8(&self.win[self.at..self.at + i], "text")?);
                            (s, start + i, Some(text))
                        }
                    });
                    self.at += i;
                    continue;
                }
                let (s, mut text) = self.owned(run.take(), start)?;
                self.text_into(&mut text)?;
                run = Some((s, self.pos(self.at)?, Some(text)));
                continue;
            }
            match self.markup()? {
                Markup::Tag(tag) => {
                    let end = self.pos(self.at)?;
                    if let Some(r) = run {
                        self.pending = Some((tag, start, end));
                        return self.text_event(r);
                    }
                    return self.tag_event(tag, start, end);
                }
                Markup::CData(cs, ce) => {
                    let (s, mut text) = self.owned(run.take(), start)?;
                    text.push_str(utf8(&self.win[cs..ce], "cdata")?);
                    run = Some((s, self.pos(self.at)?, Some(text)));
                }
                // A comment or instruction ends the run.
                Markup::Skip => {
                    if let Some(r) = run {
                        return self.text_event(r);
                    }
                }
            }
        }
    }

    /// The characters of a plain text run still in the window.
    fn run_str(&self, (start, end, _): &Run) -> Result<&str> {
        let i = start - self.off;
        utf8(&self.win[i..i + (end - start)], "text")
    }

    /// A text run's characters as a string of its own, to add to (an empty one starting at
    /// `start` when there is no run yet); the window no longer keeps it.
    fn owned(&mut self, run: Option<Run>, start: usize) -> Result<(usize, String)> {
        self.keep = usize::MAX;
        Ok(match run {
            None => (start, String::new()),
            Some((s, _, Some(text))) => (s, text),
            Some(r) => (r.0, self.run_str(&r)?.to_string()),
        })
    }

    /// The text event for a run: its decoded characters, or its bytes in the window.
    fn text_event(&self, run: Run) -> Result<Ev<'_>> {
        let text = match run.2 {
            Some(t) => std::borrow::Cow::Owned(t),
            None => std::borrow::Cow::Borrowed(self.run_str(&run)?),
        };
        // SpreadsheetML's `_xHHHH_` escapes decoded, as a reader shows them.
        let text = match decode_xstring(&text) {
            Some(d) => std::borrow::Cow::Owned(d),
            None => text,
        };
        Ok(Ev::Text {
            start: run.0,
            end: run.1,
            text,
        })
    }
}

/// How a UTF-16 part was stored: its byte order, and whether it starts with a byte order mark
/// (.NET writes custom XML items without one: `<\0?\0x\0…`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Utf16 {
    pub le: bool,
    pub bom: bool,
}

/// Recognizes a UTF-16 part: by its byte order mark, or, without one, by its first character
/// `<` written in two bytes (an XML part starts with a tag).
fn utf16_of(bytes: &[u8]) -> Option<Utf16> {
    match bytes {
        [0xFF, 0xFE, ..] => Some(Utf16 {
            le: true,
            bom: true,
        }),
        [0xFE, 0xFF, ..] => Some(Utf16 {
            le: false,
            bom: true,
        }),
        [b'<', 0, ..] => Some(Utf16 {
            le: true,
            bom: false,
        }),
        [0, b'<', ..] => Some(Utf16 {
            le: false,
            bom: false,
        }),
        _ => None,
    }
}

/// Decodes a UTF-16 part (see [`utf16_of`]) to UTF-8 without the mark. Returns `None` for
/// parts that are not UTF-16, and how the part was stored.
pub(crate) fn decode_utf16(bytes: &[u8]) -> Result<Option<(Vec<u8>, Utf16)>> {
    let Some(enc) = utf16_of(bytes) else {
        return Ok(None);
    };
    let body = if enc.bom { &bytes[2..] } else { bytes };
    if !body.len().is_multiple_of(2) {
        return Err(Error::malformed(
            "utf-16 xml part with an odd number of bytes",
        ));
    }
    let units: Vec<u16> = body
        .chunks_exact(2)
        .map(|c| {
            if enc.le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        })
        .collect();
    let s = String::from_utf16(&units).map_err(|_| Error::malformed("invalid utf-16 xml part"))?;
    Ok(Some((s.into_bytes(), enc)))
}

/// Encodes a rewritten part back to UTF-16 as it was stored.
pub(crate) fn encode_utf16(utf8: &[u8], enc: Utf16) -> Result<Vec<u8>> {
    let s =
        std::str::from_utf8(utf8).map_err(|_| Error::internal("rewritten part is not utf-8"))?;
    let mut out = Vec::with_capacity(utf8.len() * 2 + 2);
    if enc.bom {
        out.extend_from_slice(if enc.le { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
    }
    for u in s.encode_utf16() {
        out.extend_from_slice(&if enc.le {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    Ok(out)
}

/// Does this text hold only whitespace?
pub(crate) fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// The walker this module's tokenizer replaced, on quick-xml: the tests compare their events.
#[cfg(test)]
pub(crate) mod reference {
    use super::{Ev, resolve_entity, tag_name};
    use docsan_core::{Error, Result};
    use quick_xml::Reader;
    use quick_xml::events::Event;

    fn xml_err(e: impl std::fmt::Display) -> Error {
        Error::malformed(format!("xml: {e}"))
    }

    /// The kind of the tag event held in [`RefWalker::tag`].
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
    pub(crate) struct RefWalker<R> {
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
        pub(super) saw_comment: bool,
        lenient: bool,
        /// Events read, to check the time budget every few thousand.
        events: u32,
    }

    /// One event as read, with its bytes kept as [`RefWalker`] needs them.
    enum Raw {
        Tag(Tag),
        Text(String),
        Skip,
    }

    impl<R: std::io::BufRead> RefWalker<R> {
        pub(super) fn with_base(
            src: R,
            base: usize,
            max_depth: u32,
            lenient: bool,
        ) -> RefWalker<R> {
            let mut reader = Reader::from_reader(src);
            let cfg = reader.config_mut();
            cfg.trim_text(false);
            cfg.expand_empty_elements = false;
            if lenient {
                cfg.check_end_names = false;
                cfg.allow_unmatched_ends = true;
            }
            RefWalker {
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
        pub(super) fn next(&mut self) -> Result<Ev<'_>> {
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
                            text: text.into(),
                        });
                    }
                }
            }
        }
    }
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

    /// Reads at most so many bytes per call.
    struct Chunks<'a>(&'a [u8], usize);

    impl std::io::Read for Chunks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(self.1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
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

    #[test]
    fn a_streamed_part_gives_the_events_of_the_part_in_memory() {
        let body = "<?xml version=\"1.0\"?>\n<x:worksheet xmlns:x=\"u\"><x:sheetData>\
            <x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\" ><x:is><x:t>王&#x5C0F;明 &amp; <![CDATA[<b>]]>\
            </x:t></x:is></x:c><x:c r=\"B1\"/></x:row><!-- note --></x:sheetData ></x:worksheet>";
        for bom in [&b""[..], &[0xEF, 0xBB, 0xBF][..]] {
            let src = [bom, body.as_bytes()].concat();
            let whole = trace_new(Walker::new(&src, 16, false).unwrap());
            let mut one = OneByte(&src);
            let streamed = trace_new(Walker::streaming(&mut one, 16, false).unwrap().unwrap());
            assert!(!whole.contains(&"error".to_string()), "{whole:?}");
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
        // Without a byte order mark too.
        let mut utf16 = OneByte(&[b'<', 0, b'a', 0]);
        assert!(Walker::streaming(&mut utf16, 16, false).unwrap().is_none());
    }

    /// The events of a walk as text, up to its end (`eof`) or its first error (`error`).
    fn trace(mut next: impl FnMut() -> Result<Option<String>>) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            match next() {
                Ok(Some(e)) => out.push(e),
                Ok(None) => {
                    out.push("eof".into());
                    return out;
                }
                Err(_) => {
                    out.push("error".into());
                    return out;
                }
            }
        }
    }

    /// An event as text; `None` at the end.
    fn shown(ev: Ev<'_>) -> Option<String> {
        (!matches!(ev, Ev::Eof)).then(|| show(ev))
    }

    fn trace_new<R: std::io::Read>(mut w: Walker<R>) -> Vec<String> {
        let mut out = trace(|| w.next().map(shown));
        out.push(format!("comment {}", w.saw_comment));
        out
    }

    fn trace_old(src: &[u8], lenient: bool) -> Vec<String> {
        let base = if src.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let mut w = reference::RefWalker::with_base(&src[base..], base, 16, lenient);
        let mut out = trace(|| w.next().map(shown));
        out.push(format!("comment {}", w.saw_comment));
        out
    }

    fn show(ev: Ev<'_>) -> String {
        match ev {
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
        }
    }

    /// The tokenizer gives the events quick-xml gave (positions, text, end tag checks, errors)
    /// on well-formed parts and on thousands of mutations of them, read whole and one byte
    /// at a time.
    #[test]
    fn the_tokenizer_agrees_with_quick_xml() {
        let seeds: [&str; 6] = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"u\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> 王&#x5C0F;明 &amp; &lt;x&gt; </t></is></c></row></sheetData><headerFooter><oddHeader>&amp;C名单</oddHeader></headerFooter></worksheet>",
            "<sst count=\"2\"><si><r><rPr><b/></rPr><t>张</t></r><r><t>三</t></r><rPh sb=\"0\" eb=\"1\"><t>ちょう</t></rPh></si><si><t><![CDATA[a<b>]]>c</t></si></sst>",
            "<a x='1 > 0' y=\"it's\"><!-- note --><b>t<?pi x?>u</b><!----><c/><d >e</d ></a>",
            "<!DOCTYPE a PUBLIC \"-//x//y\" \"z.dtd\"><a>&quot;&apos;&#38;&#x26;</a>",
            "<x:a xmlns:x=\"u\">\r\n  <x:b>1</x:b>\r\n</x:a>\r\n",
            "<v:shape><v:textbox><div>a&nbsp;b</div></v:textbox></v:shape>",
        ];
        let alphabet: &[&[u8]] = &[
            b"<",
            b">",
            b"/",
            b"&",
            b";",
            b"!",
            b"?",
            b"-",
            b"[",
            b"]",
            b"\"",
            b"'",
            b"=",
            b" ",
            b"a",
            b"#",
            b"x",
            b"CDATA",
            b"<!--",
            b"-->",
            b"]]>",
            b"</a>",
            b"&amp;",
            b"&#1;",
            "王".as_bytes(),
            &[0xE7],
            &[0xFF],
            b"\0",
            b"<![CDATA[",
            b"?>",
            b"<?",
        ];
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut cases = 0;
        for seed in seeds {
            for round in 0..1000 {
                let mut src = seed.as_bytes().to_vec();
                for _ in 0..(round % 4) {
                    let at = (next() as usize) % (src.len() + 1);
                    match next() % 3 {
                        0 => {
                            let piece = alphabet[(next() as usize) % alphabet.len()];
                            src.splice(at..at, piece.iter().copied());
                        }
                        1 if at < src.len() => {
                            let n = 1 + (next() as usize) % 4;
                            src.drain(at..(at + n).min(src.len()));
                        }
                        _ if at < src.len() => {
                            src[at] = alphabet[(next() as usize) % alphabet.len()][0];
                        }
                        _ => {}
                    }
                }
                // A part whose first bytes say UTF-16 (`<` and NUL) is decoded before it is
                // walked: the walker refuses it.
                if utf16_of(&src).is_some() {
                    assert!(Walker::new(&src, 16, false).is_err());
                    cases += 2;
                    continue;
                }
                for lenient in [false, true] {
                    let old = trace_old(&src, lenient);
                    let whole = trace_new(Walker::new(&src, 16, lenient).unwrap());
                    let text = String::from_utf8_lossy(&src);
                    let doctype = text.to_ascii_uppercase().contains("DOCTYPE");
                    if std::str::from_utf8(&src).is_ok() && !doctype {
                        assert_eq!(old, whole, "{text}");
                    } else {
                        // quick-xml let bytes that are not UTF-8 through in tags, and read a
                        // document type declaration with markup or an internal subset in it;
                        // the tokenizer refuses both, possibly earlier: its events are the
                        // first of quick-xml's, then an error.
                        let n = whole.len() - 2;
                        assert!(
                            old == whole
                                || (whole[n] == "error" && old.len() > n && old[..n] == whole[..n]),
                            "{text}\n{old:?}\n{whole:?}"
                        );
                    }
                    let mut one = OneByte(&src);
                    let streamed =
                        trace_new(Walker::streaming(&mut one, 16, lenient).unwrap().unwrap());
                    assert_eq!(whole, streamed, "{text}");
                    cases += 1;
                }
            }
        }
        assert_eq!(cases, 6 * 1000 * 2);
        // A document type declaration is refused, whatever follows.
        assert_eq!(
            trace_new(Walker::new(seeds[3].as_bytes(), 16, false).unwrap())[0],
            "error"
        );
        // Events larger than the window and reads of every size: a text and an attribute
        // of hundreds of kilobytes, many references, a comment split anywhere.
        let big = format!(
            "<a v=\"{}\"><b>{}</b><!--{}--><c>{}</c></a>",
            "x>".repeat(100_000),
            "王&amp;".repeat(40_000),
            "-".repeat(70_000),
            "<![CDATA[]]]]>".repeat(20_000)
        );
        let old = trace_old(big.as_bytes(), false);
        assert_eq!(old.len(), 10);
        assert!(!old.contains(&"error".to_string()) && old[9] == "comment true");
        for size in [1, 7, 4096, 1 << 20] {
            let mut r = Chunks(big.as_bytes(), size);
            assert_eq!(
                trace_new(Walker::streaming(&mut r, 16, false).unwrap().unwrap()),
                old
            );
        }
        assert_eq!(
            trace_new(Walker::new(big.as_bytes(), 16, false).unwrap()),
            old
        );
    }
}
