//! Text units and the private map from each of their characters back to the source bytes.
//!
//! A *slot* is one place in one XML part whose text we may rewrite: the content of one text
//! event (a run of character data, one entity reference or one CDATA section) or the value of one
//! attribute. A unit's text is the concatenation of slot texts and synthetic characters (`\t` for
//! `w:tab`, `\n` for `w:br`); for every character of a unit we remember which slot and which
//! character of that slot it came from. The rewrite therefore writes each masked character back
//! into the very slot (and so the very run) that held it, and a slot keeps its character count.

use docsan_core::{Error, Limits, Location, Result, TextUnit, UnitContext, UnitId, UnitKind};
use std::ops::Range;

/// Where a slot's bytes sit and how to write new text there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SlotKind {
    /// Element content; written escaped for content.
    Text,
    /// An attribute value; written escaped for the given quote.
    Attr { quote: u8 },
    /// The content of an XML comment; written as it is, never with `--`.
    Comment,
}

/// One rewritable place in a part.
#[derive(Clone)]
pub(crate) struct Slot {
    /// Index into the document's list of parsed parts.
    pub part: usize,
    /// Byte range in the part's source that the new text replaces.
    pub raw: Range<usize>,
    pub kind: SlotKind,
    /// The decoded characters.
    pub chars: Vec<char>,
    /// For a percent-decoded URL: the original text of each character (`%E5%BC%A0` or `a`), so
    /// unchanged characters are written back exactly as they were.
    pub pieces: Option<Vec<String>>,
}

/// Where one character of a unit came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Character `ch` of slot `slot`.
    Slot { slot: u32, ch: u32 },
    /// A character that stands for markup (`w:tab`, `w:br`, `w:noBreakHyphen`) and holds no
    /// data of its own.
    Synthetic,
}

/// A unit under construction.
#[derive(Clone, Debug)]
pub(crate) struct UnitBuf {
    pub text: String,
    pub origins: Vec<Origin>,
    pub context: UnitContext,
}

impl UnitBuf {
    pub fn new(kind: UnitKind, location: Location) -> Self {
        UnitBuf {
            text: String::new(),
            origins: Vec::new(),
            context: UnitContext::new(kind, location),
        }
    }

    /// Appends every character of a slot.
    pub fn push_slot(&mut self, slot: u32, chars: &[char]) {
        for (i, c) in chars.iter().enumerate() {
            self.text.push(*c);
            self.origins.push(Origin::Slot { slot, ch: i as u32 });
        }
    }

    /// Appends a character that stands for markup.
    pub fn push_synthetic(&mut self, c: char) {
        self.text.push(c);
        self.origins.push(Origin::Synthetic);
    }

    pub fn has_slot_text(&self) -> bool {
        self.origins
            .iter()
            .any(|o| matches!(o, Origin::Slot { .. }))
    }
}

/// Collects slots and units for one document.
pub(crate) struct Collector {
    pub slots: Vec<Slot>,
    pub units: Vec<TextUnit>,
    pub maps: Vec<Vec<Origin>>,
    max_units: u32,
}

impl std::fmt::Debug for Collector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collector")
            .field("slots", &self.slots.len())
            .field("units", &self.units.len())
            .finish()
    }
}

impl Collector {
    pub fn new(limits: &Limits) -> Self {
        Collector {
            slots: Vec::new(),
            units: Vec::new(),
            maps: Vec::new(),
            max_units: limits.max_units,
        }
    }

    /// Registers a slot and returns its id.
    pub fn add_slot(
        &mut self,
        part: usize,
        raw: Range<usize>,
        kind: SlotKind,
        chars: Vec<char>,
    ) -> Result<u32> {
        let id = u32::try_from(self.slots.len())
            .map_err(|_| Error::limit("too many text nodes in one document"))?;
        self.slots.push(Slot {
            part,
            raw,
            kind,
            chars,
            pieces: None,
        });
        Ok(id)
    }

    /// Turns a finished buffer into a unit. Buffers with no text from the file are dropped:
    /// they hold nothing to detect or rewrite.
    pub fn finish(&mut self, buf: UnitBuf) -> Result<()> {
        if !buf.has_slot_text() {
            return Ok(());
        }
        if self.units.len() as u64 >= u64::from(self.max_units) {
            return Err(Error::limit(format!(
                "document has more than {} text units",
                self.max_units
            )));
        }
        let id = UnitId(self.units.len() as u32);
        self.units.push(TextUnit::new(id, buf.text, buf.context));
        self.maps.push(buf.origins);
        Ok(())
    }

    /// Registers a URL attribute as a unit on its own, percent-decoded when it holds
    /// percent-encoded UTF-8 (`mailto:%E5%BC%A0…`), so detection reads the characters a person
    /// would see.
    pub fn single_url(
        &mut self,
        part: usize,
        raw: Range<usize>,
        quote: u8,
        chars: Vec<char>,
        context: UnitContext,
    ) -> Result<()> {
        let Some((decoded, pieces)) = percent_decode(&chars) else {
            return self.single(part, raw, SlotKind::Attr { quote }, chars, context);
        };
        let id = self.add_slot(part, raw, SlotKind::Attr { quote }, decoded.clone())?;
        self.slots[id as usize].pieces = Some(pieces);
        let mut buf = UnitBuf {
            text: String::new(),
            origins: Vec::new(),
            context,
        };
        buf.push_slot(id, &decoded);
        self.finish(buf)
    }

    /// Registers a slot that is a unit on its own (an attribute value, a metadata field).
    pub fn single(
        &mut self,
        part: usize,
        raw: Range<usize>,
        kind: SlotKind,
        chars: Vec<char>,
        context: UnitContext,
    ) -> Result<()> {
        if chars.iter().all(|c| c.is_whitespace()) {
            return Ok(());
        }
        let mut buf = UnitBuf {
            text: String::new(),
            origins: Vec::new(),
            context,
        };
        let id = self.add_slot(part, raw, kind, chars)?;
        let chars = self.slots[id as usize].chars.clone();
        buf.push_slot(id, &chars);
        self.finish(buf)
    }
}

fn hex(b: char) -> Option<u8> {
    b.to_digit(16).map(|d| d as u8)
}

/// Decodes `%XX` sequences that form UTF-8 characters. Returns the decoded characters and the
/// original text of each, or `None` when nothing needs decoding or the escapes are not UTF-8.
pub(crate) fn percent_decode(chars: &[char]) -> Option<(Vec<char>, Vec<String>)> {
    if !chars.contains(&'%') {
        return None;
    }
    let mut out = Vec::with_capacity(chars.len());
    let mut pieces = Vec::with_capacity(chars.len());
    let mut i = 0;
    let mut changed = false;
    while i < chars.len() {
        if chars[i] == '%' {
            // Collect a run of escapes and decode it as UTF-8.
            let mut bytes = Vec::new();
            let mut j = i;
            while chars.get(j) == Some(&'%') {
                let (Some(h), Some(l)) = (
                    chars.get(j + 1).copied().and_then(hex),
                    chars.get(j + 2).copied().and_then(hex),
                ) else {
                    break;
                };
                bytes.push(h * 16 + l);
                j += 3;
            }
            if bytes.is_empty() {
                out.push('%');
                pieces.push("%".to_string());
                i += 1;
                continue;
            }
            let s = std::str::from_utf8(&bytes).ok()?;
            let mut k = i;
            for c in s.chars() {
                let n = c.len_utf8() * 3;
                out.push(c);
                pieces.push(chars[k..k + n].iter().collect());
                k += n;
            }
            changed = true;
            i = j;
        } else {
            out.push(chars[i]);
            pieces.push(chars[i].to_string());
            i += 1;
        }
    }
    changed.then_some((out, pieces))
}

/// Writes a character for a URL: ASCII other than space and `%` as it is, everything else
/// percent-encoded.
pub(crate) fn percent_encode(c: char, out: &mut String) {
    if c.is_ascii() && c != ' ' && c != '%' && !c.is_ascii_control() {
        out.push(c);
    } else {
        let mut b = [0u8; 4];
        for byte in c.encode_utf8(&mut b).bytes() {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_decode_per_character() {
        let chars: Vec<char> = "mailto:%E5%BC%A0%e4%b8%89@x.cn?a=%20".chars().collect();
        let (d, p) = percent_decode(&chars).unwrap();
        assert_eq!(d.iter().collect::<String>(), "mailto:张三@x.cn?a= ");
        assert_eq!(p[7], "%E5%BC%A0");
        assert_eq!(p.concat(), chars.iter().collect::<String>());
        assert!(percent_decode(&"100%".chars().collect::<Vec<_>>()).is_none());
        assert!(percent_decode(&"%FF%FE".chars().collect::<Vec<_>>()).is_none());
        let mut s = String::new();
        percent_encode('张', &mut s);
        percent_encode('*', &mut s);
        assert_eq!(s, "%E5%BC%A0*");
    }
}
