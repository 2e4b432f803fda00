//! The XLSX backend: finds every piece of text a workbook holds and masks it in place.
//!
//! Spreadsheets leak personal data in many places besides the visible cells: shared strings
//! split into rich-text runs, numbers that are phone or ID numbers, hidden sheets, comments and
//! threaded comments, pivot caches that copy the source data, chart caches, headers and footers,
//! hyperlinks, drawings and document properties. [`XlsxBackend::open`] walks every XML part of
//! the package with a streaming reader (never a DOM), turns each piece of text into a
//! [`TextUnit`] with its context (a cell's column header, a metadata key, a comment's cell) and
//! records the exact byte ranges that hold it. [`Document::rewrite`] splices masked text into
//! those ranges only: a part without edits is copied raw by [`docsan_opc::Package::write`], and
//! inside an edited part every byte outside the edited ranges stays as it was.
//!
//! Invariants: an empty plan returns the input bytes; content that cannot be checked (images,
//! OLE objects, VBA, binary parts) is a warning diagnostic; an edit that cannot be applied
//! safely (formula syntax, a sheet name referenced by formulas) is refused.

#![forbid(unsafe_code)]

pub mod bench_support;
mod extract;
mod headerfooter;
mod mashup;
mod rewrite;
mod xml;

pub use bench_support::generate_large_sheet;

use docsan_core::{
    Backend, CompactString, Diagnostic, Document, EmbeddedId, EmbeddedPart, Format, Limits, Plan,
    Result, TextUnit, UnitKind, UnitSink,
};
use docsan_opc::Package;
use std::ops::Range;
use std::sync::Arc;

/// The XLSX backend. Stateless; [`Backend::open`] parses one workbook.
#[derive(Debug, Default, Clone, Copy)]
pub struct XlsxBackend;

impl Backend for XlsxBackend {
    fn format(&self) -> Format {
        Format::Xlsx
    }

    fn open(&self, bytes: &[u8], limits: &Limits) -> Result<Box<dyn Document>> {
        Ok(Box::new(extract::open(
            bytes,
            limits,
            UnitSink::Keep,
            false,
        )?))
    }

    /// The same extraction as `open`, but each unit goes to `f` as it is made and none is
    /// kept: a sheet part is held as XML, never as units.
    fn for_each_unit(
        &self,
        bytes: &[u8],
        limits: &Limits,
        f: &mut dyn FnMut(&TextUnit),
    ) -> Result<()> {
        extract::open(bytes, limits, UnitSink::Check(f), false).map(drop)
    }

    /// Without the sheets' header pass (each sheet is read once, not twice, and its column
    /// headers are not looked for), and each shared string handed over once per sheet rather
    /// than once per column it fills.
    fn for_each_text(
        &self,
        bytes: &[u8],
        limits: &Limits,
        f: &mut dyn FnMut(&TextUnit),
    ) -> Result<()> {
        extract::open(bytes, limits, UnitSink::Check(f), true).map(drop)
    }

    /// The same extraction as `open`, each unit handed to `sink` as it is made; the document
    /// keeps each unit's text, kind and binding only. A unit standing for several cells of a
    /// column is handed over before the sheet's end, so its location does not count the other
    /// cells.
    fn open_streaming(
        &self,
        bytes: &[u8],
        limits: &Limits,
        sink: &mut dyn FnMut(TextUnit),
    ) -> Result<Box<dyn Document>> {
        Ok(Box::new(extract::open(
            bytes,
            limits,
            UnitSink::Stream(sink),
            false,
        )?))
    }
}

/// How a number cell's type is made text: its `t` attribute's value replaced, or ` t="str"`
/// inserted after its attributes.
#[derive(Clone, Debug)]
pub(crate) enum CellType {
    Replace(Range<Pos>),
    Insert(Pos),
}

/// A pivot cache field: its definition part and its index among the definition's fields.
pub(crate) type PivotField = (u32, u32);

/// A byte range of one part that holds text (`quote == 0`) or an attribute value delimited by
/// `quote`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Slot {
    pub part: u32,
    pub start: Pos,
    pub end: Pos,
    pub quote: u8,
}

/// A byte position in a part. Parts are walked by [`xml::Walker`], which refuses one of
/// 4 GiB or more, so positions fit; half the size of `u64` on a sheet's hundreds of thousands
/// of cells.
pub(crate) type Pos = u32;

/// One item or several, the one kept without an allocation of its own: a binding's slots
/// and a shared string's cells are nearly always one (a sheet has one per personal cell).
#[derive(Clone, Debug, Default)]
pub(crate) enum OneOrMany<T> {
    #[default]
    None,
    One(T),
    /// Boxed: the enum stays about the size of one item (a vector is three words).
    #[allow(clippy::box_collection)]
    Many(Box<Vec<T>>),
}

impl<T> OneOrMany<T> {
    pub(crate) fn one(item: T) -> Self {
        OneOrMany::One(item)
    }

    pub(crate) fn push(&mut self, item: T) {
        *self = match std::mem::take(self) {
            OneOrMany::None => OneOrMany::One(item),
            OneOrMany::One(first) => OneOrMany::Many(Box::new(vec![first, item])),
            OneOrMany::Many(mut v) => {
                v.push(item);
                OneOrMany::Many(v)
            }
        };
    }
}

impl<T> std::ops::Deref for OneOrMany<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        match self {
            OneOrMany::None => &[],
            OneOrMany::One(x) => std::slice::from_ref(x),
            OneOrMany::Many(v) => v,
        }
    }
}

/// Phonetic runs with their text: rare, so eight bytes when there are none.
#[derive(Clone, Debug, Default)]
pub(crate) struct Shadows(Option<Box<[(Slot, String)]>>);

impl Shadows {
    pub(crate) fn push(&mut self, item: (Slot, String)) {
        let mut v = self.0.take().map(Vec::from).unwrap_or_default();
        v.push(item);
        self.0 = Some(v.into_boxed_slice());
    }
}

impl std::ops::Deref for Shadows {
    type Target = [(Slot, String)];
    fn deref(&self) -> &[(Slot, String)] {
        self.0.as_deref().unwrap_or(&[])
    }
}

/// Slots, each with the byte length of its decoded text.
pub(crate) type Slots = OneOrMany<(Slot, u32)>;

/// The slots whose decoded texts, joined, form one unit's text (rich-text runs of one string),
/// and shadow slots (phonetic runs) that are masked whole when the unit is edited.
#[derive(Clone, Debug, Default)]
pub(crate) struct TextBinding {
    /// Each slot with the byte length of its decoded text.
    pub slots: Slots,
    pub shadows: Shadows,
}

impl TextBinding {
    /// The binding of a text read from one slot, `len` bytes once decoded, with no shadows.
    pub(crate) fn one(slot: Slot, len: usize) -> TextBinding {
        TextBinding {
            slots: Slots::one((slot, len as u32)),
            shadows: Shadows::default(),
        }
    }
}

/// A numeric cell whose value may be personal: rewriting turns it into a string cell.
#[derive(Clone, Debug)]
pub(crate) struct NumberCell {
    pub part: u32,
    /// The whole `<c>…</c>` element.
    pub cell: Range<Pos>,
    /// End of the `<c …>` start tag.
    pub stag_end: Pos,
    /// The `t` attribute with the blanks before it, removed when the cell becomes a string.
    pub t_attr: Option<Range<Pos>>,
    /// The whole `<f>…</f>` element, when the cell holds a formula.
    pub formula: Option<Range<Pos>>,
    /// The element prefix with its colon (`x:`), usually empty.
    pub prefix: String,
}

/// How a unit maps back to bytes.
#[derive(Clone, Debug)]
pub(crate) enum Binding {
    /// Boxed: the other bindings are half its size.
    Text(Box<TextBinding>),
    /// Cells that reference one shared string: the ranges of their `<v>` contents.
    Sst {
        index: u32,
        cells: OneOrMany<(u32, Pos, Pos)>,
    },
    Number(Box<NumberCell>),
    /// Formula text (cell formulas, defined names, validation lists): edits only inside
    /// string literals.
    Formula(Slot),
    /// A sheet's name in the workbook.
    SheetName(Slot),
    /// A page header or footer: its printed sections, without formatting codes.
    HeaderFooter(Box<headerfooter::HfBinding>),
    /// A pivot cache's number item (`<n v="13812345678"/>`): the value's slot and the
    /// element's local name, which becomes `s` (a string item) when the value is masked, and
    /// its field (definition part, field index), whose `sharedItems` then says it holds text.
    CacheNumber(Box<(Slot, Range<Pos>, Option<PivotField>)>),
    /// The value of a chart's number cache point and the whole point element
    /// (`<c:pt idx="0"><c:v>…</c:v></c:pt>`): a masked value is no number, so the point is
    /// removed (a cache may leave points out; the chart reads them again from the sheet).
    CachePoint(Box<(Slot, Range<Pos>)>),
    /// The value of an external link's cached number cell (`<cell r="B2"><v>1381…</v>`) and
    /// how the cell's type becomes text (`t="str"`) when the value is masked.
    ExternalNumber(Box<(Slot, CellType)>),
    /// The value of a custom document property of a number type (`<vt:r8>17712340987</vt:r8>`):
    /// the start and end tags' names, which become `vt:lpwstr` (a string) when the value is
    /// masked (readers refuse a number property that holds no number).
    PropertyNumber(Box<(Slot, Range<Pos>, Range<Pos>, CompactString)>),
    /// A query of a Power Query package: the slot of the package's base64 text and the
    /// query's member name in the package.
    Mashup(Box<(Slot, String)>),
    /// A formula's string literals joined (a value spelt in pieces, `CONCATENATE("320106",
    /// "19840704","561X")`): the formula's unit and each literal's content range in its text.
    /// Edits go back into the formula's literals.
    FormulaPieces(Box<(u32, Vec<(u32, u32)>)>),
}

/// One shared string item.
#[derive(Clone, Debug)]
pub(crate) struct SiInfo {
    pub range: Range<Pos>,
    pub text: CompactString,
    pub binding: TextBinding,
}

/// The shared string table.
#[derive(Clone, Debug, Default)]
pub(crate) struct SstInfo {
    pub part: u32,
    pub sis: Vec<SiInfo>,
    /// Where new items are inserted: the start of the `</sst>` end tag.
    pub end_tag: Pos,
    /// The value of the `uniqueCount` attribute, when present.
    pub unique_count: Option<Range<Pos>>,
    /// Set when the root is self-closing (`<sst/>`): appending is refused.
    pub self_closing: bool,
}

/// A unit as the rewrite needs it, once detection no longer needs its context
/// (see [`Document::release_context`]): 32 bytes instead of about 200.
#[derive(Clone, Debug)]
pub(crate) struct SlimUnit {
    pub text: CompactString,
    pub kind: UnitKind,
}

/// An opened workbook.
pub struct XlsxDocument {
    pub(crate) input: Arc<[u8]>,
    pub(crate) pkg: Package,
    /// Part names by part index (as stored in the zip).
    pub(crate) parts: Vec<String>,
    pub(crate) units: Vec<TextUnit>,
    /// The units without their contexts, after [`Document::release_context`] (then `units`
    /// is empty).
    pub(crate) slim: Vec<SlimUnit>,
    pub(crate) bindings: Vec<Binding>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) sst: Option<SstInfo>,
    pub(crate) embedded: Vec<(EmbeddedId, String)>,
    /// The calculation chain part and the workbook's relationships part, when present.
    pub(crate) calc_chain: Option<String>,
    pub(crate) workbook_rels: Option<String>,
    pub(crate) content_types: Option<String>,
    /// Parts stored as UTF-16 (with their byte order and mark): extracted and spliced as UTF-8,
    /// written back as UTF-16.
    pub(crate) utf16: std::collections::BTreeMap<u32, xml::Utf16>,
    /// Whether any unit is bound as [`Binding::FormulaPieces`].
    pub(crate) formula_pieces: bool,
    /// The attributes of pivot cache fields' `sharedItems` tags, by (definition part, field
    /// index).
    pub(crate) shared_items: std::collections::BTreeMap<PivotField, Range<Pos>>,
}

impl XlsxDocument {
    /// How many units the workbook has (before or after the contexts are released).
    pub(crate) fn units_len(&self) -> usize {
        self.units.len().max(self.slim.len())
    }

    pub(crate) fn text_at(&self, i: u32) -> &str {
        match self.units.get(i as usize) {
            Some(u) => &u.text,
            None => self.slim.get(i as usize).map_or("", |u| u.text.as_str()),
        }
    }

    pub(crate) fn unit_kind(&self, i: u32) -> UnitKind {
        match self.units.get(i as usize) {
            Some(u) => u.context.kind,
            None => self
                .slim
                .get(i as usize)
                .map_or(UnitKind::Other, |u| u.kind),
        }
    }

    /// Where a unit is, for error messages: its full location while contexts are kept, its
    /// part afterwards.
    pub(crate) fn unit_location(&self, i: u32, part: u32) -> docsan_core::Location {
        match self.units.get(i as usize) {
            Some(u) => u.context.location.clone(),
            None => docsan_core::Location::part(
                self.parts.get(part as usize).map_or("", |p| p.as_str()),
            ),
        }
    }
}

impl std::fmt::Debug for XlsxDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxDocument")
            .field("parts", &self.parts.len())
            .field("units", &self.units_len())
            .field("diagnostics", &self.diagnostics.len())
            .finish()
    }
}

impl Document for XlsxDocument {
    fn units(&self) -> &[TextUnit] {
        &self.units
    }

    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn unit_count(&self) -> usize {
        self.units_len()
    }

    fn unit_text(&self, i: u32) -> Option<&str> {
        ((i as usize) < self.units_len()).then(|| self.text_at(i))
    }

    fn release_context(&mut self) {
        if self.units.is_empty() {
            return;
        }
        self.slim = self
            .units
            .iter()
            .map(|u| SlimUnit {
                text: u.text.clone(),
                kind: u.context.kind,
            })
            .collect();
        self.units = Vec::new();
    }

    fn embedded(&self) -> Vec<EmbeddedPart> {
        self.embedded
            .iter()
            .filter_map(|(id, name)| {
                self.pkg.read(name).ok().map(|bytes| EmbeddedPart {
                    id: *id,
                    name: name.clone(),
                    bytes,
                })
            })
            .collect()
    }

    fn rewrite(&mut self, plan: &Plan, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<u8>> {
        rewrite::rewrite(self, plan, diagnostics)
    }
}
