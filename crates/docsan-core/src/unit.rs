//! Text units: what a reader sees, with where it came from.
//!
//! A [`TextUnit`] is one logical piece of text (a paragraph, a cell, a PDF line, a metadata
//! field). Detection reads `text` and `context` only; the backend keeps the map from unit bytes
//! back to runs, glyphs or cells privately, keyed by [`UnitId`].

use compact_str::CompactString;
use serde::Serialize;
use std::fmt;

/// Identifies a unit within one opened document. Assigned by the backend, dense from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UnitId(pub u32);

/// What kind of place a unit comes from. Detection uses it (a name in `Author` metadata is a
/// person; a column of IDs in a sheet is a table), reports show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnitKind {
    /// Running text: a paragraph, a text line, a line of a text file.
    Body,
    /// A cell of a table in a document (DOCX table, PDF table reconstructed by geometry, CSV).
    TableCell,
    /// A spreadsheet cell or a shared string used by cells.
    SheetCell,
    /// Page or sheet header or footer.
    HeaderFooter,
    Footnote,
    Comment,
    /// The author or initials of a comment, revision, annotation.
    Author,
    TrackedInsertion,
    TrackedDeletion,
    TextBox,
    /// Field code or field result, data-validation list, formula literal.
    Field,
    /// A hyperlink target or tooltip.
    Hyperlink,
    /// Image alt text or title.
    AltText,
    /// Document properties, PDF Info/XMP, settings paths.
    Metadata,
    /// Sheet names, table names, defined names.
    Name,
    /// Pivot caches, chart caches, external link caches.
    Cache,
    /// PDF annotations, form fields, outlines, structure tree text.
    Annotation,
    /// Anything else a backend extracts.
    Other,
}

impl UnitKind {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Body => "body",
            UnitKind::TableCell => "table_cell",
            UnitKind::SheetCell => "sheet_cell",
            UnitKind::HeaderFooter => "header_footer",
            UnitKind::Footnote => "footnote",
            UnitKind::Comment => "comment",
            UnitKind::Author => "author",
            UnitKind::TrackedInsertion => "tracked_insertion",
            UnitKind::TrackedDeletion => "tracked_deletion",
            UnitKind::TextBox => "text_box",
            UnitKind::Field => "field",
            UnitKind::Hyperlink => "hyperlink",
            UnitKind::AltText => "alt_text",
            UnitKind::Metadata => "metadata",
            UnitKind::Name => "name",
            UnitKind::Cache => "cache",
            UnitKind::Annotation => "annotation",
            UnitKind::Other => "other",
        }
    }
}

/// Where a unit sits, for people reading a report. Every field is optional; backends fill what
/// they know. Never holds personal data (sheet names are the one exception a backend must mask
/// before putting them here if they were found personal).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Location {
    /// Zip part name (`word/document.xml`) or PDF object (`12 0 R`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<CompactString>,
    /// 1-based page number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<CompactString>,
    /// A1-style cell reference, or `row 3, column 2` for CSV.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<CompactString>,
    /// 1-based paragraph or line number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Anything else: `comment 3`, `/Author`, `header1.xml`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<CompactString>,
}

impl Location {
    /// A location naming a zip part or PDF object.
    pub fn part(part: impl Into<CompactString>) -> Self {
        Location {
            part: Some(part.into()),
            ..Location::default()
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts: Vec<String> = Vec::new();
        if let Some(p) = &self.part {
            parts.push(p.to_string());
        }
        if let Some(p) = self.page {
            parts.push(format!("page {p}"));
        }
        if let Some(s) = &self.sheet {
            parts.push(format!("sheet {s}"));
        }
        if let Some(c) = &self.cell {
            parts.push(format!("cell {c}"));
        }
        if let Some(l) = self.line {
            parts.push(format!("line {l}"));
        }
        if let Some(d) = &self.detail {
            parts.push(d.to_string());
        }
        if parts.is_empty() {
            f.write_str("(document)")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

/// What detection may know about a unit beyond its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitContext {
    pub kind: UnitKind,
    /// The header of the table or sheet column the unit sits in (`身份证号`, `姓名`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column_header: Option<CompactString>,
    /// A label that names what the unit holds when it is not in the text itself: a metadata
    /// key (`Author`, `dc:creator`), an attribute name (`w:author`), the text in the cell to the
    /// left in a two-column form (`联系电话`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<CompactString>,
    pub location: Location,
}

impl UnitContext {
    /// A context of the given kind with nothing else known.
    pub fn new(kind: UnitKind, location: Location) -> Self {
        UnitContext {
            kind,
            column_header: None,
            label: None,
            location,
        }
    }
}

/// One logical piece of text as a reader sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextUnit {
    pub id: UnitId,
    /// The logical text. It is personal data itself, so it is never serialized.
    #[serde(skip)]
    pub text: CompactString,
    pub context: UnitContext,
}

impl TextUnit {
    pub fn new(id: UnitId, text: impl Into<CompactString>, context: UnitContext) -> Self {
        TextUnit {
            id,
            text: text.into(),
            context,
        }
    }
}
