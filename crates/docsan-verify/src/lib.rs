//! docsan's independent residue check.
//!
//! The promise docsan makes is that nothing personal is left in its output. This crate checks
//! that promise without trusting the code that did the rewriting: it shares no decoding or
//! rewriting code with the format backends. It re-reads the output bytes through its own route
//! (its own zip local-header scan and inflater, its own XML tag stripper, its own PDF object
//! scanner, stream decoder, content-stream interpreter and font decoding) and then looks for
//! personal data in two ways:
//!
//! 1. **Originals**: every value found in the original document is searched in every extracted
//!    text (whitespace-normalized) and in every raw or decompressed buffer, encoded every way it
//!    could appear (UTF-8, UTF-16BE/LE, GBK/GB18030, hex, XML character references, and through
//!    each PDF font's own code mapping).
//! 2. **Fresh detection**: every extracted text becomes a [`TextUnit`] and goes through the
//!    caller's [`Detector`]; a finding whose value docsan did not itself write is a residue.
//!
//! [`verify`] returns `Err` only when the file cannot be opened at all (malformed, over a limit,
//! encrypted with a real password). Content it cannot look into (images, OLE objects, fonts
//! whose codes map to nothing, unsupported filters) becomes a Warning diagnostic, so that a
//! strict caller can fail closed.
//!
//! Where things live:
//! - `needles`: the originals compiled into every byte form and the normalization (whitespace,
//!   full-width, hyphens between digits) used to compare texts.
//! - `zipscan`, `inflate`: zip members by local-header scan (orphaned and duplicate entries
//!   included), bounded inflate.
//! - `xml`, `ooxml`: our own XML tokenizer; paragraphs (accepted and pre-revision views), cells
//!   with their sheet, reference and column header, Word table headers, every attribute.
//! - `pdf`: object scan of every revision, own filters and decryption (empty user password),
//!   content interpreter with its own font decoding, lines rebuilt by geometry.
//! - `text`: plain text and CSV.
//!
//! Invariants: nothing here depends on a format backend; no clock, randomness or hash order
//! reaches the report; values travel as [`Sensitive`] and location texts that contain a found
//! value are masked; every loop over input is bounded by the input size or by [`Limits`].

#![forbid(unsafe_code)]

mod inflate;
mod matcher;
pub use matcher::{Matcher, MatcherBuilder};
mod needles;
mod ooxml;
mod pdf;
mod text;
mod xml;
mod zipscan;

use docsan_core::{
    CompactString, Detector, Diagnostic, Error, Format, Limits, LimitsBudget, Location, PiiKind,
    Sensitive, TextUnit, UnitContext, UnitId, UnitKind,
};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Everything one verification needs.
pub struct Request<'a> {
    /// The bytes of the (sanitized) document.
    pub bytes: &'a [u8],
    /// Its format: Pdf, Docx, Xlsx, Csv or Text. Zip archives are recursed by the facade.
    pub format: Format,
    /// Values found in the original that must not appear anywhere.
    pub originals: &'a [Sensitive],
    /// Replacement values docsan itself wrote: detection hits equal to these are not residues.
    pub allowed: &'a [docsan_core::CompactString],
    pub detector: &'a dyn Detector,
    pub limits: &'a Limits,
}

impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("bytes", &self.bytes.len())
            .field("format", &self.format)
            .field("originals", &self.originals.len())
            .field("allowed", &self.allowed.len())
            .finish_non_exhaustive()
    }
}

/// Why a residue was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidueSource {
    /// A value of the original document was found again.
    Original,
    /// The detector found personal data that docsan did not write.
    Detected,
}

/// One piece of personal data still present in the output.
#[derive(Debug, Clone, Serialize)]
pub struct Residue {
    pub source: ResidueSource,
    /// The kind, when the detector named it (originals carry no kind).
    pub kind: Option<PiiKind>,
    /// For originals, how it was found (`original.text`, `original.utf16be`,
    /// `original.font-encoded`…); for detections, the detector's rule.
    pub rule: String,
    pub location: Location,
    #[serde(skip)]
    pub value: Sensitive,
    /// A generic mask of the value, safe to print.
    pub masked: String,
}

/// The outcome of one verification.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub residues: Vec<Residue>,
    pub diagnostics: Vec<Diagnostic>,
    /// Text units extracted and run through detection.
    pub units_checked: usize,
    /// Zip members, PDF objects and streams, or text files looked at.
    pub parts_checked: usize,
}

impl Report {
    /// True when nothing was found.
    pub fn is_clean(&self) -> bool {
        self.residues.is_empty()
    }
}

/// Verifies one document. Returns `Err` only when the file cannot be opened at all
/// (malformed, over a limit, encrypted); everything else is a residue or a diagnostic.
pub fn verify(req: &Request<'_>) -> Result<Report, Error> {
    if req.bytes.len() as u64 > req.limits.max_input_bytes {
        return Err(Error::limit(format!(
            "input is larger than {} bytes",
            req.limits.max_input_bytes
        )));
    }
    let mut ctx = Ctx::new(req);
    ctx.verify_bytes(req.bytes, req.format)?;
    let report = ctx.finish();
    // Detection stops early when the caller's time budget runs out: never return that.
    docsan_core::check_deadline("verification")?;
    Ok(report)
}

/// The text units the verifier extracted from a document, in extraction order. Useful to
/// compare structure (pages, sheets, parts) and to debug what the verifier can see; the text is
/// personal data, so callers must not log it.
pub fn extract_units(req: &Request<'_>) -> Result<Vec<TextUnit>, Error> {
    let mut ctx = Ctx::new(req);
    ctx.keep_units = true;
    ctx.verify_bytes(req.bytes, req.format)?;
    Ok(ctx.units)
}

/// The shape of a document: what a sanitized twin must keep (`docsan verify --against`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Structure {
    /// Number of pages reached from the PDF catalog.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// Sheet names of a workbook, in workbook order. Sheet names can be personal data: compare
    /// them, do not print them.
    #[serde(skip)]
    pub sheets: Vec<String>,
    /// Zip part names listed in the central directory, in file order.
    pub parts: Vec<String>,
}

/// Reads the shape of a document through the verifier's own route: pages, sheets, parts.
pub fn structure(bytes: &[u8], format: Format, limits: &Limits) -> Result<Structure, Error> {
    struct Nothing;
    impl Detector for Nothing {
        fn detect(&self, _: &TextUnit) -> Vec<docsan_core::Finding> {
            Vec::new()
        }
    }
    let req = Request {
        bytes,
        format,
        originals: &[],
        allowed: &[],
        detector: &Nothing,
        limits,
    };
    let mut ctx = Ctx::new(&req);
    ctx.verify_bytes(bytes, format)?;
    Ok(ctx.structure)
}

/// Units run through detection at a time.
const BATCH: usize = 20_000;
/// Spare units kept for sheet cells to be written into: a fifth of a batch (a whole batch
/// of them held 19 MB on a 100k-row sheet).
const SPARE: usize = BATCH / 5;
/// Units of the previous batch kept as context for the next.
const OVERLAP: usize = 512;

/// The state of one verification: the compiled needles, the units extracted so far, what was
/// found, and the running decompression budget.
pub(crate) struct Ctx<'a> {
    pub(crate) limits: &'a Limits,
    detector: &'a dyn Detector,
    /// The replacements docsan wrote, searched once per batch for the detections of that
    /// batch (a detection inside a pseudonym is not a residue).
    allowed: &'a [docsan_core::CompactString],
    /// Those whose normalized form differs from them, normalized, by index: the others are
    /// searched as they are (not a joined copy of them all: 10 MB on a 100k-row CSV).
    allowed_normalized: Vec<(u32, String)>,
    /// Shared, so that a part's bytes are searched on the pool while its text is read.
    pub(crate) needles: std::sync::Arc<needles::Needles<'a>>,
    pub(crate) budget: LimitsBudget,
    /// Units not yet run through detection, after the last `OVERLAP` units of the previous
    /// batch, which are kept as context only.
    units: Vec<TextUnit>,
    /// Units extracted so far (the id of the next one).
    units_total: u32,
    /// How many units at the start of `units` were already run through detection.
    carried: usize,
    /// Units already run through detection, whose strings `add_cell` writes over instead of
    /// allocating new ones (at most `BATCH`).
    spare: Vec<TextUnit>,
    /// Whether units are written into spare ones (sheet cells are).
    spare_used: bool,
    /// Keep every unit (for [`extract_units`]) instead of detecting in batches.
    keep_units: bool,
    pub(crate) residues: Vec<Residue>,
    /// Units put together from other texts (`add_derived`), with the prefix their detections
    /// are reported under (`pdf.wrapped.`).
    derived_units: BTreeMap<u32, &'static str>,
    seen: BTreeSet<(usize, String, String)>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) parts: usize,
    /// Nesting depth of embedded documents.
    pub(crate) depth: u32,
    /// Prefix naming the embedded document currently read (`outer.pdf!attachment.docx`).
    prefix: Option<String>,
    /// The shape of the outermost document.
    pub(crate) structure: Structure,
    /// Embedded documents verified so far.
    embedded_seen: u32,
}

impl<'a> Ctx<'a> {
    fn new(req: &'a Request<'a>) -> Self {
        Ctx {
            limits: req.limits,
            detector: req.detector,
            allowed: req.allowed,
            allowed_normalized: req
                .allowed
                .iter()
                .enumerate()
                .filter_map(|(i, a)| match needles::normalize_cow(a) {
                    Cow::Owned(n) => Some((i as u32, n)),
                    Cow::Borrowed(_) => None,
                })
                .collect(),
            needles: std::sync::Arc::new(needles::Needles::new(
                req.originals,
                req.allowed,
                req.format == Format::Pdf,
            )),
            budget: LimitsBudget::new(req.limits),
            units: Vec::new(),
            units_total: 0,
            carried: 0,
            spare: Vec::new(),
            spare_used: false,
            keep_units: false,
            residues: Vec::new(),
            derived_units: BTreeMap::new(),
            seen: BTreeSet::new(),
            diagnostics: Vec::new(),
            parts: 0,
            depth: 0,
            prefix: None,
            structure: Structure::default(),
            embedded_seen: 0,
        }
    }

    /// Dispatches on the format.
    pub(crate) fn verify_bytes(&mut self, bytes: &[u8], format: Format) -> Result<(), Error> {
        match format {
            Format::Pdf => pdf::verify_pdf(self, bytes),
            Format::Docx | Format::Xlsx => ooxml::verify_ooxml(self, bytes, format),
            Format::Csv => text::verify_text(self, bytes, true),
            Format::Text => text::verify_text(self, bytes, false),
            Format::Zip => Err(Error::unsupported(
                "zip archives are verified member by member by the caller",
            )),
        }
    }

    /// Verifies a document embedded in the current one (a PDF attachment, an OLE package), with
    /// the embedded name prefixed to every location. Errors become diagnostics, since the outer
    /// file did open.
    pub(crate) fn verify_embedded(&mut self, name: &str, bytes: &[u8]) {
        let format = sniff(bytes);
        if self.depth >= self.limits.max_depth {
            self.diagnostics.push(
                Diagnostic::warning(
                    "embedded-too-deep",
                    "embedded document nested deeper than the depth limit was only scanned as bytes",
                )
                .at(self.loc(name)),
            );
            return;
        }
        let Some(format) = format else {
            return;
        };
        // Bound the total work: a file can hold many copies of nested documents.
        self.embedded_seen += 1;
        if self.embedded_seen > 1000 {
            if self.embedded_seen == 1001 {
                self.diagnostics.push(Diagnostic::warning(
                    "too-many-embedded",
                    "more than 1000 embedded documents; the rest were only scanned as bytes",
                ));
            }
            return;
        }
        let saved = self.prefix.clone();
        self.prefix = Some(match &saved {
            Some(p) => format!("{p}!{name}"),
            None => name.to_string(),
        });
        self.depth += 1;
        let r = self.verify_bytes(bytes, format);
        self.depth -= 1;
        self.prefix = saved;
        if let Err(e) = r {
            self.diagnostics.push(
                Diagnostic::warning(
                    "embedded-unreadable",
                    format!("an embedded {format} document could not be opened ({e})"),
                )
                .at(self.loc(name)),
            );
        }
    }

    /// Verifies a text file found inside the current document.
    pub(crate) fn verify_embedded_text(&mut self, name: &str, bytes: &[u8]) {
        let saved = self.prefix.clone();
        self.prefix = Some(self.part_name(name));
        let _ = text::verify_text(self, bytes, name.to_ascii_lowercase().ends_with(".csv"));
        self.prefix = saved;
    }

    /// A location naming a part, with the embedded-document prefix applied.
    pub(crate) fn loc(&self, part: &str) -> Location {
        Location::part(self.part_name(part))
    }

    /// The part name with the embedded-document prefix applied.
    pub(crate) fn part_name(&self, part: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{p}!{part}"),
            None => part.to_string(),
        }
    }

    /// Adds one extracted text: searched for originals now, run through detection at the end.
    pub(crate) fn add_unit(
        &mut self,
        text: &str,
        kind: UnitKind,
        location: Location,
        column_header: Option<String>,
        label: Option<String>,
    ) {
        self.add_unit_from(text, kind, location, column_header, label, None);
    }

    /// Adds a text the verifier put together from other texts it read (the pieces of a number
    /// wrapped over several lines of a PDF table cell, joined): a unit of its own. An original
    /// value found in it but in none of the `pieces` (which were reported where they were
    /// read) is reported as `{prefix}original`, a detection in it as `prefix` and the
    /// detector's rule.
    pub(crate) fn add_derived(
        &mut self,
        text: &str,
        kind: UnitKind,
        pieces: &[String],
        prefix: &'static str,
        location: Location,
    ) {
        self.add_unit_from(text, kind, location, None, None, Some((pieces, prefix)));
    }

    /// [`Ctx::add_unit`]; `derived`: the text was put together from these pieces, and is
    /// reported under this rule prefix (see [`Ctx::add_derived`]).
    fn add_unit_from(
        &mut self,
        text: &str,
        kind: UnitKind,
        mut location: Location,
        column_header: Option<String>,
        label: Option<String>,
        derived: Option<(&[String], &'static str)>,
    ) {
        if xml::is_blank(text) {
            return;
        }
        // Originals in a derived text: those no piece holds on its own (reported there).
        let (rule, hits) = match derived {
            None => (
                Cow::Borrowed("original.text"),
                self.needles.find_in_text(text),
            ),
            Some((parts, prefix)) => {
                let mut hits = self.needles.find_in_text(text);
                if !hits.is_empty() {
                    let single: BTreeSet<usize> = parts
                        .iter()
                        .flat_map(|p| self.needles.find_in_text(p))
                        .collect();
                    hits.retain(|h| !single.contains(h));
                }
                (Cow::Owned(format!("{prefix}original")), hits)
            }
        };
        if u64::from(self.units_total) >= u64::from(self.limits.max_units) {
            if u64::from(self.units_total) == u64::from(self.limits.max_units) {
                self.units_total += 1;
                self.diagnostics.push(Diagnostic::warning(
                    "too-many-units",
                    "more text units than the unit limit; the rest were searched only for original values",
                ));
            }
            for hit in hits {
                self.add_original(hit, &rule, location.clone());
            }
            return;
        }
        if let (Some(p), Some(part)) = (&self.prefix, &location.part)
            && !part.starts_with(p.as_str())
        {
            location.part = Some(docsan_core::format_compact!("{p}!{part}"));
        }
        for hit in hits {
            self.add_original(hit, &rule, location.clone());
        }
        let id = UnitId(self.units_total);
        self.units_total += 1;
        if let Some((_, prefix)) = derived {
            self.derived_units.insert(id.0, prefix);
        }
        // Detection reads the text as a person would: invisible characters (which can be slipped
        // between the digits of a value to defeat pattern matching) are dropped and full-width
        // digits and letters folded, so obfuscated values are still found.
        let text = fold_for_detection(text);
        let mut context = UnitContext::new(kind, location);
        context.column_header = column_header.map(Into::into);
        context.label = label.map(Into::into);
        self.push_unit(TextUnit::new(id, text, context));
    }

    /// Adds a sheet cell: [`Ctx::add_unit`] with the location `base` with `sheet` and `cell`
    /// set, written into the strings of a spare unit when there is one (a big sheet has
    /// hundreds of thousands of cells, each with a text, location and header to allocate).
    pub(crate) fn add_cell(
        &mut self,
        text: &str,
        base: &Location,
        sheet: Option<&str>,
        cell: &str,
        column_header: Option<&str>,
        label: Option<&str>,
    ) {
        if xml::is_blank(text) {
            return;
        }
        // Embedded documents (a prefix to apply) and units past the limit take the general way.
        if self.prefix.is_some() || u64::from(self.units_total) >= u64::from(self.limits.max_units)
        {
            let location = Location {
                sheet: sheet.map(Into::into),
                cell: Some(cell.into()),
                ..base.clone()
            };
            self.add_unit(
                text,
                UnitKind::SheetCell,
                location,
                column_header.map(str::to_string),
                label.map(str::to_string),
            );
            return;
        }
        self.spare_used = true;
        let mut unit = self.spare.pop().unwrap_or_else(|| {
            TextUnit::new(
                UnitId(0),
                String::new(),
                UnitContext::new(UnitKind::SheetCell, Location::default()),
            )
        });
        let l = &mut unit.context.location;
        l.part.clone_from(&base.part);
        l.page = base.page;
        set_str(&mut l.sheet, sheet);
        set_str(&mut l.cell, Some(cell));
        l.line = base.line;
        l.detail.clone_from(&base.detail);
        for hit in self.needles.find_in_text(text) {
            self.add_original(hit, "original.text", unit.context.location.clone());
        }
        unit.id = UnitId(self.units_total);
        self.units_total += 1;
        unit.text.clear();
        fold_into(text, &mut unit.text);
        unit.context.kind = UnitKind::SheetCell;
        set_str(&mut unit.context.column_header, column_header);
        set_str(&mut unit.context.label, label);
        self.push_unit(unit);
    }

    /// Queues a unit for detection, detecting a batch when one is full.
    fn push_unit(&mut self, unit: TextUnit) {
        self.units.push(unit);
        if !self.keep_units && self.units.len() >= BATCH + self.carried {
            self.detect_batch();
        }
    }

    /// Searches a text for original values without running detection on it.
    pub(crate) fn check_originals(&mut self, text: &str, location: &Location) {
        self.check_originals_at(text, || location.clone());
    }

    /// Searches a text for original values without running detection on it; `at` builds the
    /// location, and is called only when there is a value to report (most texts hold none).
    pub(crate) fn check_originals_at(&mut self, text: &str, at: impl FnOnce() -> Location) {
        let hits = self.needles.find_in_text(text);
        if hits.is_empty() {
            return;
        }
        let mut location = at();
        if let (Some(p), Some(part)) = (&self.prefix, &location.part)
            && !part.starts_with(p.as_str())
        {
            location.part = Some(docsan_core::format_compact!("{p}!{part}"));
        }
        for hit in hits {
            self.add_original(hit, "original.text", location.clone());
        }
    }

    /// Searches a raw or decompressed buffer for every encoding of every original value.
    /// `text_bearing` buffers (XML, content streams, strings) are also searched for short
    /// encodings; binary ones (fonts, images) only for long ones, to avoid chance collisions.
    pub(crate) fn scan_bytes(&mut self, buf: &[u8], text_bearing: bool, location: &Location) {
        let hits = self.needles.find_in_bytes(buf, text_bearing);
        self.add_byte_hits(hits, location);
    }

    /// Records what [`needles::Needles::find_in_bytes`] found in a part.
    pub(crate) fn add_byte_hits(&mut self, hits: Vec<(usize, &'static str)>, location: &Location) {
        for (value, rule) in hits {
            self.add_original(value, rule, location.clone());
        }
    }

    /// Records an original value found again, once per value, rule and location.
    pub(crate) fn add_original(&mut self, value: usize, rule: &str, location: Location) {
        let key = (value, rule.to_string(), location.to_string());
        if !self.seen.insert(key) {
            return;
        }
        let v = self.needles.value(value).clone();
        self.residues.push(Residue {
            source: ResidueSource::Original,
            kind: None,
            rule: rule.to_string(),
            location,
            masked: v.generic_mask(),
            value: v,
        });
    }

    /// Runs detection over the units not yet detected, then keeps the last `OVERLAP` of them
    /// as context for the next batch. A big sheet thus never holds all its units at once; the
    /// overlap gives the detectors their neighbouring cells and header lines across a cut.
    fn detect_batch(&mut self) {
        if self.units.len() <= self.carried {
            return;
        }
        let mut findings = self.detector.detect_all(&self.units);
        let first = self.units[0].id.0;
        let first_new = first + self.carried as u32;
        // A detection whose value normalizes to nothing (whitespace only) is not a residue.
        findings
            .retain(|f| f.unit.0 >= first_new && !needles::normalizes_to_nothing(f.value.expose()));
        // Which detections lie inside a replacement docsan wrote: one pass over all of them
        // with a matcher of this batch's detections (a per-detection scan of every replacement
        // is quadratic on a sheet where both number in the hundreds of thousands).
        let mut inside = vec![false; findings.len()];
        if !self.allowed.is_empty() && !findings.is_empty() {
            // (A value holding NUL is never inside a replacement, as when they were searched
            // joined by NULs.)
            let m = matcher::Matcher::new(findings.iter().map(|f| {
                match needles::normalize_cow(f.value.expose()) {
                    n if n.contains('\0') => Cow::Borrowed(&b""[..]),
                    Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
                    Cow::Owned(o) => Cow::Owned(o.into_bytes()),
                }
            }));
            // Each replacement in its normalized form, one at a time.
            let mut changed = self.allowed_normalized.iter().peekable();
            for (i, a) in self.allowed.iter().enumerate() {
                let hay = match changed.peek() {
                    Some((k, n)) if *k as usize == i => {
                        changed.next();
                        n.as_str()
                    }
                    _ => a.as_str(),
                };
                m.for_each(hay.as_bytes(), |p, _| inside[p] = true);
            }
        }
        // A detection reported twice (by two rules, say) counts once. The set is this batch's
        // only: a batch's new units are never new in another batch.
        let mut detected: needles::FastSet<(u32, usize, usize)> = needles::FastSet::default();
        detected.reserve(findings.len());
        for (f, inside) in findings.into_iter().zip(inside) {
            if inside {
                continue;
            }
            if !detected.insert((f.unit.0, f.range.start, f.range.end)) {
                continue;
            }
            let Some(unit) = self.units.get((f.unit.0 - first) as usize) else {
                continue;
            };
            let rule = match self.derived_units.get(&f.unit.0) {
                Some(prefix) => format!("{prefix}{}", f.rule),
                None => f.rule.to_string(),
            };
            self.residues.push(Residue {
                source: ResidueSource::Detected,
                kind: Some(f.kind),
                location: unit.context.location.clone(),
                masked: f.value.generic_mask(),
                rule,
                value: f.value,
            });
        }
        if !self.derived_units.is_empty() {
            self.derived_units = self.derived_units.split_off(&first_new);
        }
        let keep = self.units.len().min(OVERLAP);
        for u in self.units.drain(..self.units.len() - keep) {
            // Only sheet cells are written into spare units: other units would keep a batch of
            // dead units (18 MB on a 100k-row CSV).
            if self.spare_used && self.spare.len() < SPARE {
                self.spare.push(u);
            }
        }
        self.carried = keep;
    }

    /// Runs detection over the remaining units and assembles the report.
    fn finish(mut self) -> Report {
        self.detect_batch();
        // Locations name sheets and parts, and those names can themselves be personal (a sheet
        // called after a person): mask any location text that contains a residue's value.
        // One matcher over all values: a sheet can have hundreds of thousands of residues, each
        // with a location to check against every value. (Duplicates are dropped: the matcher's
        // buckets would grow with each copy.)
        let m = {
            let mut seen: needles::FastSet<Cow<'_, str>> = needles::FastSet::default();
            let mut b = matcher::MatcherBuilder::new();
            for r in &self.residues {
                let v = needles::normalize_cow(r.value.expose());
                if v.chars().nth(1).is_some() && !seen.contains(&v) {
                    b.push(v.as_bytes());
                    seen.insert(v);
                }
            }
            b.build()
        };
        // Residues come in runs with the same part and sheet: the last text of each field and
        // whether it held a value are remembered, so each run is normalized and searched once.
        let mut last: [(String, bool); 4] = Default::default();
        let mut scrub = |l: &mut Location| {
            if m.is_empty() {
                return;
            }
            let fields = [&mut l.part, &mut l.sheet, &mut l.cell, &mut l.detail];
            for (field, (last_text, last_hit)) in fields.into_iter().zip(last.iter_mut()) {
                if let Some(t) = field.as_mut() {
                    if *last_text != *t {
                        let n = needles::normalize_cow(t);
                        let mut hit = false;
                        m.for_each(n.as_bytes(), |_, _| hit = true);
                        last_text.clear();
                        last_text.push_str(t);
                        *last_hit = hit;
                    }
                    if *last_hit {
                        *t = Sensitive::new(t.as_str()).generic_mask().into();
                    }
                }
            }
        };
        for r in &mut self.residues {
            scrub(&mut r.location);
        }
        for d in &mut self.diagnostics {
            if let Some(l) = d.location.as_mut() {
                scrub(l);
            }
        }
        Report {
            residues: self.residues,
            diagnostics: self.diagnostics,
            units_checked: (self.units_total as usize).min(self.limits.max_units as usize),
            parts_checked: self.parts,
        }
    }
}

/// Sets an optional string, reusing the buffer already there.
fn set_str(dst: &mut Option<CompactString>, src: Option<&str>) {
    match (dst.as_mut(), src) {
        (Some(d), Some(s)) => {
            d.clear();
            d.push_str(s);
        }
        (_, s) => *dst = s.map(CompactString::from),
    }
}

/// Drops invisible characters and folds full-width ASCII digits and letters.
fn fold_for_detection(text: &str) -> CompactString {
    let mut out = CompactString::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold_for_detection`], appending to `out`.
fn fold_into(text: &str, out: &mut CompactString) {
    // ASCII text has nothing to drop or fold.
    if text.is_ascii() {
        out.push_str(text);
        return;
    }
    out.reserve(text.len());
    for c in text.chars() {
        match c {
            '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' => {}
            '\u{FF10}'..='\u{FF19}'
            | '\u{FF21}'..='\u{FF3A}'
            | '\u{FF41}'..='\u{FF5A}'
            | '\u{FF20}' => {
                out.push(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c));
            }
            _ => out.push(c),
        }
    }
}

/// Recognizes an embedded document by its bytes.
pub(crate) fn sniff(bytes: &[u8]) -> Option<Format> {
    let head = bytes.get(..1024.min(bytes.len()))?;
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let has = |n: &[u8]| bytes.windows(n.len()).any(|w| w == n);
        if has(b"word/") {
            return Some(Format::Docx);
        }
        if has(b"xl/") {
            return Some(Format::Xlsx);
        }
        return Some(Format::Docx);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records every unit handed to detection, and reports the text of each unit holding `@`
    /// as a finding.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<TextUnit>>);

    impl Detector for Recorder {
        fn detect(&self, unit: &TextUnit) -> Vec<docsan_core::Finding> {
            self.0.lock().unwrap().push(unit.clone());
            if !unit.text.contains('@') {
                return Vec::new();
            }
            vec![docsan_core::Finding {
                unit: unit.id,
                range: 0..unit.text.len(),
                kind: PiiKind::Email,
                rule: "test".into(),
                confidence: 1.0,
                value: Sensitive::new(unit.text.as_str()),
            }]
        }
    }

    /// The cells of a sheet bigger than two batches: texts of every length (ASCII, CJK,
    /// full-width, blank), headers and labels present or not, sheet names present or not.
    #[allow(clippy::type_complexity)]
    fn cells() -> Vec<(
        String,
        Option<&'static str>,
        String,
        Option<String>,
        Option<&'static str>,
    )> {
        (0..BATCH * 2 + 700)
            .map(|i| {
                let text = match i % 7 {
                    0 => format!("张三{i}"),
                    1 => " ".to_string(),
                    2 => format!("ｕｓｅｒ{i}@example.com"),
                    3 => "x".repeat(i % 50),
                    4 => format!("138{i:08}"),
                    5 => format!("a\u{200B}b{i}"),
                    _ => String::new(),
                };
                let sheet = (i % 3 != 0).then_some(if i % 2 == 0 { "名单" } else { "S" });
                let header = (i % 5 != 0).then(|| "姓名".repeat(i % 4 + 1));
                let label = (i % 11 == 0).then_some("column header");
                (text, sheet, format!("B{i}"), header, label)
            })
            .collect()
    }

    #[test]
    fn cells_written_into_spare_units_equal_cells_added_whole() {
        let originals = [Sensitive::new("张三7")];
        let limits = Limits::default();
        let run = |spare: bool| {
            let rec = Recorder::default();
            let req = Request {
                bytes: b"",
                format: Format::Xlsx,
                originals: &originals,
                allowed: &[],
                detector: &rec,
                limits: &limits,
            };
            let mut ctx = Ctx::new(&req);
            let mut base = Location::part("xl/worksheets/sheet1.xml");
            base.detail = Some("d".into());
            for (text, sheet, cell, header, label) in cells() {
                if spare {
                    ctx.add_cell(&text, &base, sheet, &cell, header.as_deref(), label);
                } else {
                    let l = Location {
                        sheet: sheet.map(Into::into),
                        cell: Some(cell.into()),
                        ..base.clone()
                    };
                    ctx.add_unit(
                        &text,
                        UnitKind::SheetCell,
                        l,
                        header,
                        label.map(str::to_string),
                    );
                }
            }
            let report = ctx.finish();
            let units = std::mem::take(&mut *rec.0.lock().unwrap());
            let residues: Vec<String> = report
                .residues
                .iter()
                .map(|r| format!("{:?} {} {} {}", r.source, r.rule, r.location, r.masked))
                .collect();
            (units, residues, report.units_checked)
        };
        let (whole, whole_residues, whole_n) = run(false);
        let (spared, spared_residues, spared_n) = run(true);
        // Detection ran in more than one batch, so later cells were written into spare units.
        assert!(whole.len() > BATCH + OVERLAP, "{}", whole.len());
        assert_eq!(whole_n, spared_n);
        assert_eq!(whole, spared);
        assert!(whole_residues.len() > 2000, "{}", whole_residues.len());
        assert!(whole_residues.iter().any(|r| r.starts_with("Original")));
        assert_eq!(whole_residues, spared_residues);
    }
}
