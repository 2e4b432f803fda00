//! A quick-xml event stream that reports the exact source byte range of every event.
//!
//! Rewriting splices bytes into the original part, so every walker needs positions into the
//! original bytes. This wrapper strips a UTF-8 byte order mark itself (so positions stay exact),
//! refuses document type declarations (entity expansion has no place in OOXML), and enforces
//! the nesting depth limit so that hostile input cannot make a walker's stacks grow unbounded.

use docsan_core::{Error, Limits, Result};
use quick_xml::Reader;
use quick_xml::events::Event;
use std::ops::Range;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Events of one part with their byte ranges.
pub(crate) struct Events<'a> {
    reader: Reader<&'a [u8]>,
    base: usize,
    depth: u32,
    max_depth: u32,
    part: &'a str,
    /// Events read, to check the time budget every few thousand.
    events: u32,
}

impl std::fmt::Debug for Events<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").field("part", &self.part).finish()
    }
}

impl<'a> Events<'a> {
    pub fn new(src: &'a [u8], part: &'a str, limits: &Limits) -> Result<Self> {
        if src.starts_with(b"\xFF\xFE") || src.starts_with(b"\xFE\xFF") {
            return Err(Error::unsupported(format!(
                "{part}: UTF-16 XML parts are not supported"
            )));
        }
        let base = if src.starts_with(BOM) { BOM.len() } else { 0 };
        let mut reader = Reader::from_reader(&src[base..]);
        let cfg = reader.config_mut();
        cfg.trim_text(false);
        cfg.expand_empty_elements = false;
        cfg.check_end_names = true;
        Ok(Events {
            reader,
            base,
            depth: 0,
            max_depth: limits.max_xml_depth,
            events: 0,
            part,
        })
    }

    /// The next event and its byte range in the part, or `None` at the end.
    pub fn next_event(&mut self) -> Result<Option<(Event<'a>, Range<usize>)>> {
        self.events = self.events.wrapping_add(1);
        if self.events.is_multiple_of(8192) {
            docsan_core::check_deadline("XML parsing")?;
        }
        let start = self.base + self.reader.buffer_position() as usize;
        let ev = self.reader.read_event().map_err(|_| {
            Error::malformed(format!(
                "{}: XML is not well-formed near byte {}",
                self.part,
                self.base as u64 + self.reader.error_position()
            ))
        })?;
        let end = self.base + self.reader.buffer_position() as usize;
        match &ev {
            Event::Eof => {
                if self.depth != 0 {
                    return Err(Error::malformed(format!(
                        "{}: XML ends inside an element",
                        self.part
                    )));
                }
                return Ok(None);
            }
            Event::DocType(_) => {
                return Err(Error::unsupported(format!(
                    "{}: document type declarations are not allowed in OOXML",
                    self.part
                )));
            }
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > self.max_depth {
                    return Err(Error::limit(format!(
                        "{}: XML nesting deeper than {}",
                        self.part, self.max_depth
                    )));
                }
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
            }
            _ => {}
        }
        Ok(Some((ev, start..end)))
    }
}

/// Decodes the characters of a text-like event from its source bytes.
pub(crate) fn event_chars(ev: &Event<'_>, raw: &[u8]) -> Result<Option<Vec<char>>> {
    match ev {
        Event::Text(_) => Ok(Some(crate::xml::decode_raw(raw, false)?)),
        Event::GeneralRef(_) => {
            let inner = raw
                .strip_prefix(b"&")
                .and_then(|r| r.strip_suffix(b";"))
                .ok_or_else(|| Error::malformed("xml: unreadable reference"))?;
            Ok(Some(vec![crate::xml::decode_ref(inner)?]))
        }
        Event::CData(_) => {
            let inner = raw
                .strip_prefix(b"<![CDATA[")
                .and_then(|r| r.strip_suffix(b"]]>"))
                .ok_or_else(|| Error::malformed("xml: unreadable CDATA section"))?;
            let s = std::str::from_utf8(inner)
                .map_err(|_| Error::malformed("xml: text is not UTF-8"))?;
            Ok(Some(s.replace("\r\n", "\n").chars().collect()))
        }
        _ => Ok(None),
    }
}

/// The content range and characters of an XML comment event (`<!-- … -->`), or `None` when it
/// holds only whitespace.
pub(crate) fn comment_slot(
    raw: &[u8],
    range: &Range<usize>,
) -> Result<Option<(Range<usize>, Vec<char>)>> {
    let inner = raw
        .strip_prefix(b"<!--")
        .and_then(|r| r.strip_suffix(b"-->"))
        .ok_or_else(|| Error::malformed("xml: unreadable comment"))?;
    let s = std::str::from_utf8(inner).map_err(|_| Error::malformed("xml: text is not UTF-8"))?;
    if s.trim().is_empty() {
        return Ok(None);
    }
    let start = range.start + 4;
    Ok(Some((start..start + inner.len(), s.chars().collect())))
}
