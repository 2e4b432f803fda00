//! The small traits every backend and detector implements, and the plan that joins them.
//!
//! The flow for one document is: [`Backend::open`] → [`Document::units`] → [`Detector::detect`]
//! per unit → the facade's planner builds a [`Plan`] → [`Document::rewrite`] → bytes. Backends
//! know nothing of detection, detectors nothing of formats.

use crate::{Diagnostic, Finding, Format, Limits, Result, TextUnit, UnitId};
use compact_str::CompactString;
use std::ops::Range;

/// Replace a byte range of one unit's text.
///
/// `replacement` normally has the same number of characters as the range (masks preserve
/// length); a backend that cannot keep the layout otherwise may refuse a different length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub unit: UnitId,
    /// Byte range into the unit's text, on character boundaries.
    pub range: Range<usize>,
    pub replacement: CompactString,
}

/// Identifies an embedded document within its container (an attachment, an embedded workbook).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EmbeddedId(pub u32);

/// A document inside a document, handed to the facade to sanitize recursively.
#[derive(Clone, Debug)]
pub struct EmbeddedPart {
    pub id: EmbeddedId,
    /// A name for reports (`word/embeddings/Microsoft_Excel_Worksheet.xlsx`, `attachment.csv`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What to do with one embedded document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbeddedAction {
    /// Replace it with these (sanitized) bytes.
    Replace(Vec<u8>),
    /// Remove it (the backend reports a diagnostic).
    Remove,
}

/// Everything the rewrite must do to one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by unit then range start; ranges of one unit do not overlap.
    pub edits: Vec<Edit>,
    pub embedded: Vec<(EmbeddedId, EmbeddedAction)>,
    /// How masked PDF glyphs look; other backends ignore it.
    pub visual_mask: crate::VisualMask,
}

impl Plan {
    /// True when applying the plan must give back the input bytes unchanged.
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty() && self.embedded.is_empty()
    }
}

/// What a backend that extracts unit by unit does with each unit it makes: the one
/// extraction behind [`Backend::open`], [`Backend::for_each_unit`] and
/// [`Backend::open_streaming`].
pub enum UnitSink<'s> {
    /// Keep the units in the document (`open`).
    Keep,
    /// Hand each unit over and keep nothing: the document cannot be rewritten
    /// (`for_each_unit`).
    Check(&'s mut dyn FnMut(&TextUnit)),
    /// Hand each unit over and keep what the rewrite needs (`open_streaming`).
    Stream(&'s mut dyn FnMut(TextUnit)),
}

impl std::fmt::Debug for UnitSink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UnitSink::Keep => "UnitSink::Keep",
            UnitSink::Check(_) => "UnitSink::Check",
            UnitSink::Stream(_) => "UnitSink::Stream",
        })
    }
}

impl UnitSink<'_> {
    /// Whether the document extracted can be rewritten.
    pub fn keeps_document(&self) -> bool {
        !matches!(self, UnitSink::Check(_))
    }
}

/// A format backend. Stateless; [`Backend::open`] parses one document.
pub trait Backend: Send + Sync {
    fn format(&self) -> Format;

    /// Parses `bytes` into a document, within `limits`. Errors are typed: unsupported,
    /// malformed, limit, encrypted.
    fn open(&self, bytes: &[u8], limits: &Limits) -> Result<Box<dyn Document>>;

    /// Hands every unit of `bytes` to `f` in document order, as [`Backend::open`] would
    /// extract them, for checks that read each unit once (the re-open check of a sanitized
    /// output). A backend that can extracts them one at a time without keeping them all, so a
    /// large sheet is never held as units. Default: opens the document and walks its units.
    fn for_each_unit(
        &self,
        bytes: &[u8],
        limits: &Limits,
        f: &mut dyn FnMut(&TextUnit),
    ) -> Result<()> {
        let doc = self.open(bytes, limits)?;
        doc.units().iter().for_each(f);
        Ok(())
    }

    /// Like [`Backend::for_each_unit`], for a search of the units' texts only (the re-open
    /// check of a sanitized output, which asks whether any text holds an original value): every
    /// text is handed over at least once, with its location, but units may lack the contexts
    /// detection needs (column headers, labels), and text that several units would hold may
    /// come once. A backend that can skips the work those contexts cost. Default:
    /// [`Backend::for_each_unit`].
    fn for_each_text(
        &self,
        bytes: &[u8],
        limits: &Limits,
        f: &mut dyn FnMut(&TextUnit),
    ) -> Result<()> {
        self.for_each_unit(bytes, limits, f)
    }

    /// Opens like [`Backend::open`], but hands each unit to `sink`, in document order, as it
    /// is made, instead of keeping it: the document returned is as after
    /// [`Document::release_context`] (no [`Document::units`], but [`Document::unit_count`]
    /// and [`Document::unit_text`] answer and the rewrite works). For large documents, whose
    /// units with their contexts would cost more memory than everything else: the caller
    /// detects over a window of them at a time. Default: opens, hands over every unit, then
    /// releases the contexts.
    fn open_streaming(
        &self,
        bytes: &[u8],
        limits: &Limits,
        sink: &mut dyn FnMut(TextUnit),
    ) -> Result<Box<dyn Document>> {
        let mut doc = self.open(bytes, limits)?;
        doc.units().iter().cloned().for_each(&mut *sink);
        doc.release_context();
        Ok(doc)
    }
}

/// One opened document: its units, what the backend noticed, and the rewrite.
pub trait Document: Send {
    /// Every text unit, in document order, ids dense from 0.
    fn units(&self) -> &[TextUnit];

    /// What the backend noticed while parsing (uncheckable content, recovered damage).
    fn diagnostics(&self) -> &[Diagnostic];

    /// Detection and reporting are done with this document: the backend may free what only
    /// they needed (the units' contexts), keeping what [`Document::rewrite`] needs. Afterwards
    /// `units()` may be empty; the rewrite works as before. A large sheet's units are most of
    /// its memory. Default: nothing is freed.
    fn release_context(&mut self) {}

    /// How many units the document has, also after [`Document::release_context`].
    fn unit_count(&self) -> usize {
        self.units().len()
    }

    /// The text of unit `i`, also after [`Document::release_context`]. The default knows
    /// only the kept units: a backend that releases contexts keeps the texts and overrides.
    fn unit_text(&self, i: u32) -> Option<&str> {
        self.units().get(i as usize).map(|u| u.text.as_str())
    }

    /// Embedded documents to sanitize recursively. Default: none.
    fn embedded(&self) -> Vec<EmbeddedPart> {
        Vec::new()
    }

    /// Applies the plan and returns the new file's bytes. An empty plan must return bytes that
    /// hold exactly the same content (for OOXML and text: the same bytes). A backend refuses
    /// (`ErrorKind::Refused`) any edit it cannot apply without leaving the value behind or
    /// corrupting the file. Diagnostics raised while rewriting are appended to `diagnostics`.
    fn rewrite(&mut self, plan: &Plan, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<u8>>;
}

/// A detector: reads one unit, returns findings in it. Knows nothing of formats.
pub trait Detector: Send + Sync {
    fn detect(&self, unit: &TextUnit) -> Vec<Finding>;

    /// Detects over a whole document. The default calls [`Detector::detect`] per unit;
    /// detectors that use neighbouring units (a name in the row of a labelled table) override.
    fn detect_all(&self, units: &[TextUnit]) -> Vec<Finding> {
        units.iter().flat_map(|u| self.detect(u)).collect()
    }
}
