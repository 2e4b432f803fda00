//! The DOCX backend: every place a Word package holds text, extracted as units and masked in
//! place.
//!
//! [`DocxBackend::open`] reads the package through `docsan-opc` within the limits and walks every
//! XML part once with quick-xml, recording for each unit character the exact source bytes it came
//! from (see `units`). [`Document::rewrite`] splices the masked text back into those byte ranges
//! only: a changed part keeps its XML declaration, BOM, namespaces, attribute order and quoting,
//! every run keeps its number of characters, and a part without an edit is copied raw from the
//! original zip. What cannot be checked (images, OLE objects, `altChunk`, macros) is reported as a
//! warning with its part name; the thumbnail in `docProps` is dropped whenever anything is masked,
//! because it is a picture of the first page. A value the plan masks in one unit is masked
//! wherever else it occurs too (see `propagated_edits`): detection depends on context, and Word
//! refills content controls bound to a data store from that store.
//!
//! Where units come from, and their kinds:
//!
//! | place | unit | kind |
//! | --- | --- | --- |
//! | `w:p` / `a:p` in the body, glossary, SmartArt, charts | runs joined (`w:t`, `a:t`, `m:t`; `w:tab` → `\t`, `w:br` → `\n`) | `Body`, `TableCell` (with column header and left-cell label), `TextBox`, `TrackedInsertion`, `Cache` |
//! | headers, footers / footnotes, endnotes / comments | paragraphs | `HeaderFooter` / `Footnote` / `Comment` |
//! | `w:delText` in a paragraph | one unit per `w:del` | `TrackedDeletion` |
//! | `w:instrText`, `w:delInstrText`, `w:fldSimple/@w:instr` | one unit per field code | `Field` |
//! | run-level `mc:Fallback`, ruby text | their own unit, never joined into the paragraph | as the paragraph |
//! | `@w:author`, `@w:initials`, `@w15:userId`, `@w:ed`, signature-line signers | one attribute each | `Author` |
//! | `@descr`, `@title`, `@alt`, table caption and description | one attribute each | `AltText` |
//! | `@w:tooltip`, external relationship targets (percent-decoded) | one each | `Hyperlink` (`Metadata` for template and data-source paths) |
//! | `docProps/*.xml` elements, `w:docVar`, mail-merge connection | one value each | `Metadata` |
//! | custom XML data stores (text and attributes), smart-tag values, content-control list items and dates, XML comments, text in unknown elements | one value each | `Other` |
//! | chart `c:v` outside paragraphs | one value each | `Cache` |
//!
//! The crate knows nothing of detection: it only turns bytes into units and edits into bytes.

#![forbid(unsafe_code)]

mod events;
mod simple;
mod units;
mod wordml;
mod xml;

use docsan_core::{
    Backend, CompactString, Diagnostic, Document, Edit, EmbeddedAction, EmbeddedId, EmbeddedPart,
    Error, Format, Limits, Location, Plan, Result, TextUnit, UnitId, UnitKind,
};
use docsan_opc::{Package, parse_rels, rels_path_for, resolve_target};
use simple::RelElement;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;
use units::{Collector, Origin, Slot, SlotKind};

/// New bytes for byte ranges, per walked part index.
type Splices = BTreeMap<usize, Vec<(Range<usize>, Vec<u8>)>>;

/// The DOCX format backend.
#[derive(Debug, Default, Clone, Copy)]
pub struct DocxBackend;

impl Backend for DocxBackend {
    fn format(&self) -> Format {
        Format::Docx
    }

    fn open(&self, bytes: &[u8], limits: &Limits) -> Result<Box<dyn Document>> {
        Ok(Box::new(DocxDocument::open(bytes, limits)?))
    }
}

/// One opened DOCX package.
pub struct DocxDocument {
    original: Arc<[u8]>,
    package: Package,
    limits: Limits,
    /// Source bytes of every XML part that was walked, by index.
    parts: Vec<(String, Vec<u8>)>,
    /// Relationship elements of each walked `.rels` part, by part index.
    rels: BTreeMap<usize, Vec<RelElement>>,
    units: Vec<TextUnit>,
    maps: Vec<Vec<Origin>>,
    slots: Vec<Slot>,
    diagnostics: Vec<Diagnostic>,
    embedded: Vec<EmbeddedPart>,
    thumbnails: Vec<String>,
    /// Ranges of `o:gfxdata` attributes per walked part index.
    gfxdata: BTreeMap<usize, Vec<Range<usize>>>,
    /// The package carries a digital signature (reported once).
    signed: bool,
}

impl std::fmt::Debug for DocxDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocxDocument")
            .field("parts", &self.parts.len())
            .field("units", &self.units.len())
            .field("slots", &self.slots.len())
            .field("diagnostics", &self.diagnostics.len())
            .field("embedded", &self.embedded.len())
            .finish()
    }
}

fn extension(name: &str) -> String {
    let file = name.rsplit('/').next().unwrap_or(name);
    match file.rfind('.') {
        Some(i) => file[i + 1..].to_ascii_lowercase(),
        None => String::new(),
    }
}

/// The part that `dir/_rels/x.rels` describes (`dir/x`), `""` for the package.
fn source_of_rels(rels: &str) -> Option<String> {
    let (dir, file) = match rels.rfind("_rels/") {
        Some(i) => (&rels[..i], &rels[i + "_rels/".len()..]),
        None => return None,
    };
    let file = file.strip_suffix(".rels")?;
    Some(format!("{dir}{file}"))
}

fn warn(code: &str, message: &str, part: &str) -> Diagnostic {
    Diagnostic::warning(code, message).at(Location::part(part))
}

const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "emf", "wmf", "svg", "wdp", "jxr", "ico",
    "webp", "pict", "emz", "wmz",
];

impl DocxDocument {
    /// Opens a DOCX package: walks every part and collects units and diagnostics.
    pub fn open(bytes: &[u8], limits: &Limits) -> Result<DocxDocument> {
        let original: Arc<[u8]> = Arc::from(bytes);
        let package = Package::open(original.clone(), limits)?;
        let names: Vec<String> = package
            .entries()
            .iter()
            .filter(|e| !e.is_dir)
            .map(|e| e.name.clone())
            .collect();

        // Relationship types of every internal target, to find the main part and altChunks.
        let mut main = None;
        let mut alt_chunks = BTreeSet::new();
        for name in names.iter().filter(|n| n.ends_with(".rels")) {
            let Some(source) = source_of_rels(name) else {
                continue;
            };
            let rels = parse_rels(&package.read(name)?)?;
            for r in rels.iter().filter(|r| !r.external) {
                let target = resolve_target(&source, &r.target);
                if r.rel_type.ends_with("/officeDocument") && source.is_empty() {
                    main = Some(target);
                } else if r.rel_type.ends_with("/aFChunk") {
                    alt_chunks.insert(target);
                }
            }
        }
        let main = main
            .filter(|m| package.contains(m))
            .unwrap_or_else(|| "word/document.xml".to_string());
        if !package.contains(&main) {
            return Err(Error::malformed(
                "no word/document.xml: not a WordprocessingML package",
            ));
        }
        // A workbook or presentation package has a main part too; refuse it here rather than
        // walk it as a Word document.
        if let Some(ct) = package.read_optional("[Content_Types].xml")? {
            let (_, overrides) = docsan_opc::content_types(&ct)?;
            if let Some(t) = overrides.get(&main)
                && !(t.contains("wordprocessingml") || t.contains("ms-word"))
            {
                return Err(Error::unsupported(format!(
                    "the main part {main} is not a Word document"
                )));
            }
        }

        let mut doc = DocxDocument {
            original,
            package,
            limits: limits.clone(),
            parts: Vec::new(),
            rels: BTreeMap::new(),
            units: Vec::new(),
            maps: Vec::new(),
            slots: Vec::new(),
            diagnostics: Vec::new(),
            embedded: Vec::new(),
            thumbnails: Vec::new(),
            gfxdata: BTreeMap::new(),
            signed: false,
        };
        let mut c = Collector::new(limits);
        let mut order = vec![main.clone()];
        order.extend(names.iter().filter(|n| **n != main).cloned());
        for name in order {
            doc.visit(&mut c, &name, &alt_chunks)?;
        }
        // The vectors grew by doubling; give back the unused half for the rest of the run.
        doc.units = std::mem::take(&mut c.units);
        doc.units.shrink_to_fit();
        doc.maps = std::mem::take(&mut c.maps);
        doc.maps.shrink_to_fit();
        doc.slots = std::mem::take(&mut c.slots);
        doc.slots.shrink_to_fit();
        Ok(doc)
    }

    fn add_part(&mut self, name: &str) -> Result<usize> {
        let src = self.package.read(name)?;
        self.parts.push((name.to_string(), src));
        Ok(self.parts.len() - 1)
    }

    /// Classifies one part and walks it or reports it.
    fn visit(
        &mut self,
        c: &mut Collector,
        name: &str,
        alt_chunks: &BTreeSet<String>,
    ) -> Result<()> {
        let lower = name.to_ascii_lowercase();
        let ext = extension(&lower);
        let limits = self.limits.clone();
        if alt_chunks.contains(name) {
            self.diagnostics.push(warn(
                "alt-chunk",
                "altChunk: imported HTML, RTF or text content cannot be checked",
                name,
            ));
            return Ok(());
        }
        if lower == "[content_types].xml" {
            return Ok(());
        }
        if ext == "rels" {
            let i = self.add_part(name)?;
            let (n, src) = &self.parts[i];
            let rels = simple::walk_rels(c, i, n, src, &limits)?;
            self.rels.insert(i, rels);
            return Ok(());
        }
        if lower.starts_with("docprops/") {
            if lower.starts_with("docprops/thumbnail") {
                // The thumbnail pictures the first page, whose text is checked as text; it is
                // dropped whenever anything is masked, since it would still show the original.
                self.thumbnails.push(name.to_string());
                self.diagnostics.push(
                    Diagnostic::info(
                        "thumbnail",
                        "thumbnail: a picture of the first page; it is dropped when anything is masked",
                    )
                    .at(Location::part(name)),
                );
                return Ok(());
            }
            if ext == "xml" {
                let i = self.add_part(name)?;
                let (n, src) = &self.parts[i];
                return simple::walk_values(c, i, n, src, &limits, UnitKind::Metadata, false);
            }
        }
        if lower.starts_with("customxml/") && ext == "xml" {
            let file = lower.rsplit('/').next().unwrap_or("");
            if file.starts_with("itemprops") {
                return Ok(());
            }
            let i = self.add_part(name)?;
            let (n, src) = &self.parts[i];
            return simple::walk_values(c, i, n, src, &limits, UnitKind::Other, true);
        }
        if lower.contains("vbaproject") || lower.ends_with("vbadata.xml") {
            self.diagnostics.push(warn(
                "macros",
                "macros: a VBA project cannot be checked",
                name,
            ));
            return Ok(());
        }
        if lower.starts_with("_xmlsignatures/") && !self.signed {
            self.signed = true;
            self.diagnostics.push(warn(
                "signature",
                "digital signature: masking the document invalidates it",
                name,
            ));
        }
        if ext == "sigs" {
            return Ok(());
        }
        if ext == "xml" || ext == "vml" {
            let i = self.add_part(name)?;
            let (n, src) = &self.parts[i];
            let notes = wordml::walk(c, i, n, src, &limits)?;
            if !notes.gfxdata.is_empty() {
                self.diagnostics.push(
                    Diagnostic::info(
                        "vml-gfxdata",
                        "vml shapes: encoded shape copies (o:gfxdata) are dropped from the part when it is masked",
                    )
                    .at(Location::part(name)),
                );
                self.gfxdata.insert(i, notes.gfxdata);
            }
            return Ok(());
        }
        if lower.contains("/embeddings/") || lower.starts_with("embeddings/") {
            if matches!(ext.as_str(), "xlsx" | "xlsm" | "docx" | "docm") {
                let bytes = self.package.read(name)?;
                if bytes.starts_with(b"PK") {
                    let id = EmbeddedId(self.embedded.len() as u32);
                    self.embedded.push(EmbeddedPart {
                        id,
                        name: name.to_string(),
                        bytes,
                    });
                    return Ok(());
                }
            }
            self.diagnostics.push(warn(
                "ole-object",
                "embedded object: its content cannot be checked",
                name,
            ));
            return Ok(());
        }
        if IMAGE_EXTENSIONS.contains(&ext.as_str()) {
            self.diagnostics.push(warn(
                "image",
                "image: text in images cannot be checked",
                name,
            ));
            return Ok(());
        }
        if lower.contains("/fonts/") || matches!(ext.as_str(), "odttf" | "ttf" | "otf" | "fntdata")
        {
            return Ok(());
        }
        if lower.contains("printersettings") {
            self.diagnostics.push(
                Diagnostic::info(
                    "printer-settings",
                    "printer settings: binary printer data, not read as text; values found elsewhere are overwritten where they occur in it",
                )
                .at(Location::part(name)),
            );
            return Ok(());
        }
        self.diagnostics.push(warn(
            "unknown-part",
            "part of an unknown type: its content cannot be checked",
            name,
        ));
        Ok(())
    }

    /// Edits that mask, everywhere else in the document, the values the plan masks somewhere.
    ///
    /// Detection depends on context, so a name found in a table may go unnoticed in a link
    /// target or a property; and Word refills content controls bound to a data store (custom XML
    /// parts, document properties) from that store when it opens the file, so a value masked in
    /// the text but left in the store would come back. Every masked value of two characters or
    /// more is therefore also masked wherever else it occurs in a unit of the stores; in other
    /// units, values that are all ASCII letters must be longer (four characters or more), so that
    /// a short word found once does not spread through the whole text.
    fn propagated_edits(&self, plan: &Plan) -> Result<Vec<Edit>> {
        let mut values: BTreeMap<&str, &str> = BTreeMap::new();
        for e in &plan.edits {
            let Some(u) = self.units.get(e.unit.0 as usize) else {
                continue;
            };
            if let Some(v) = u.text.get(e.range.clone())
                && v.chars().count() >= 2
                && v.trim() == v
            {
                values.insert(v, e.replacement.as_str());
            }
        }
        let mut out = Vec::new();
        if values.is_empty() {
            return Ok(out);
        }
        let patterns: Vec<&str> = values.keys().copied().collect();
        let ac = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .map_err(|_| Error::internal("cannot index the masked values"))?;
        let spreads_everywhere = |v: &str| {
            !v.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') || v.chars().count() >= 4
        };
        let mut by_unit: BTreeMap<UnitId, Vec<&Range<usize>>> = BTreeMap::new();
        for e in &plan.edits {
            by_unit.entry(e.unit).or_default().push(&e.range);
        }
        for u in &self.units {
            let in_store = u
                .context
                .location
                .part
                .as_deref()
                .map(str::to_ascii_lowercase)
                .is_some_and(|p| p.starts_with("customxml/") || p.starts_with("docprops/"));
            let edited = by_unit.get(&u.id).map(Vec::as_slice).unwrap_or_default();
            for m in ac.find_iter(u.text.as_str()) {
                let value = patterns[m.pattern().as_usize()];
                if !in_store && !spreads_everywhere(value) {
                    continue;
                }
                let r = m.start()..m.end();
                if edited.iter().any(|x| x.start < r.end && r.start < x.end) {
                    continue;
                }
                out.push(Edit {
                    unit: u.id,
                    range: r,
                    replacement: values[value].into(),
                });
            }
        }
        Ok(out)
    }

    /// Turns the plan's edits into new text per slot.
    fn slot_changes(&self, plan: &Plan) -> Result<BTreeMap<u32, Vec<Option<CompactString>>>> {
        // One entry per character of a changed slot; a masked character is stored inline.
        let mut changes: BTreeMap<u32, Vec<Option<CompactString>>> = BTreeMap::new();
        // Byte offset of every character of the unit edited last (edits come sorted by unit).
        let mut offsets: (Option<usize>, Vec<usize>) = (None, Vec::new());
        for edit in &plan.edits {
            let ui = edit.unit.0 as usize;
            let (Some(unit), Some(map)) = (self.units.get(ui), self.maps.get(ui)) else {
                return Err(Error::refused(format!(
                    "edit names unit {} which this document does not have",
                    edit.unit.0
                )));
            };
            let text = &unit.text;
            let r = edit.range.clone();
            if offsets.0 != Some(ui) {
                offsets.1 = text.char_indices().map(|(i, _)| i).collect();
                offsets.1.push(text.len());
                offsets.0 = Some(ui);
            }
            let (Ok(c0), Ok(c1)) = (
                offsets.1.binary_search(&r.start),
                offsets.1.binary_search(&r.end),
            ) else {
                return Err(Error::refused(format!(
                    "edit range of unit {} is not on character boundaries ({})",
                    edit.unit.0, unit.context.location
                )));
            };
            if c1 < c0 {
                return Err(Error::refused(format!(
                    "edit range of unit {} is reversed ({})",
                    edit.unit.0, unit.context.location
                )));
            }
            let n = c1 - c0;
            let origins = map.get(c0..c0 + n).ok_or_else(|| {
                Error::internal(format!("unit {} has no map for its text", edit.unit.0))
            })?;
            let mut set = |o: &Origin, s: CompactString| -> Result<()> {
                if let Origin::Slot { slot, ch } = *o {
                    let len = self
                        .slots
                        .get(slot as usize)
                        .map(|s| s.chars.len())
                        .ok_or_else(|| Error::internal("unit map names a missing slot"))?;
                    let v = changes.entry(slot).or_insert_with(|| vec![None; len]);
                    let cell = v
                        .get_mut(ch as usize)
                        .ok_or_else(|| Error::internal("unit map points past its slot"))?;
                    *cell = Some(s);
                }
                Ok(())
            };
            if edit.replacement.chars().any(|c| !xml_char(c)) {
                return Err(Error::refused(format!(
                    "replacement for unit {} holds a character XML cannot carry",
                    edit.unit.0
                )));
            }
            let repl: Vec<char> = edit.replacement.chars().collect();
            if repl.len() == n {
                for (o, c) in origins.iter().zip(repl) {
                    set(o, CompactString::from(&*c.encode_utf8(&mut [0u8; 4])))?;
                }
            } else {
                // A replacement of another length goes whole into the first character that
                // came from the file; the other characters of the range are removed.
                let mut first = true;
                for o in origins {
                    if matches!(o, Origin::Slot { .. }) {
                        let s = if first {
                            edit.replacement.as_str().into()
                        } else {
                            CompactString::default()
                        };
                        first = false;
                        set(o, s)?;
                    }
                }
            }
        }
        Ok(changes)
    }

    /// Byte ranges to delete for the relationships and content-type overrides of removed parts.
    fn removal_splices(
        &self,
        removed: &BTreeSet<String>,
        splices: &mut Splices,
        replace: &mut BTreeMap<String, Vec<u8>>,
    ) -> Result<()> {
        for (&pi, rels) in &self.rels {
            let Some(source) = source_of_rels(&self.parts[pi].0) else {
                continue;
            };
            for r in rels.iter().filter(|r| !r.external) {
                if removed.contains(&resolve_target(&source, &r.target)) {
                    splices
                        .entry(pi)
                        .or_default()
                        .push((r.range.clone(), Vec::new()));
                    // A chart keeps drawing from its cache without its workbook, and an OLE
                    // object keeps its preview picture, but a reference to a relationship
                    // that is gone would make the file invalid: drop the referring element.
                    if let Some(si) = self.parts.iter().position(|(n, _)| *n == source) {
                        let (name, src) = &self.parts[si];
                        for element in [&b"externalData"[..], b"OLEObject"] {
                            for range in simple::elements_referencing(
                                src,
                                name,
                                element,
                                &r.id,
                                &self.limits,
                            )? {
                                splices.entry(si).or_default().push((range, Vec::new()));
                            }
                        }
                    }
                }
            }
        }
        let ct = "[Content_Types].xml";
        if let Some(src) = self.package.read_optional(ct)? {
            let ranges = simple::override_ranges(&src, removed, &self.limits)?;
            if !ranges.is_empty() {
                let edits: Vec<_> = ranges.into_iter().map(|r| (r, Vec::new())).collect();
                replace.insert(ct.to_string(), splice(&src, edits)?);
            }
        }
        Ok(())
    }
}

/// Characters that XML 1.0 allows in content.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Applies non-overlapping byte-range replacements to `src`. A replacement inside a removed
/// range is dropped (the removal wins).
fn splice(src: &[u8], mut edits: Vec<(Range<usize>, Vec<u8>)>) -> Result<Vec<u8>> {
    edits.sort_by_key(|a| (a.0.start, a.0.end));
    let mut out = Vec::with_capacity(src.len() + 64);
    let mut pos = 0usize;
    let mut last: Option<(Range<usize>, bool)> = None;
    for (r, bytes) in edits {
        if let Some((lr, removal)) = &last
            && r.start < lr.end
        {
            if *removal && r.end <= lr.end {
                continue;
            }
            return Err(Error::internal("overlapping rewrites in one part"));
        }
        if r.start < pos || r.end > src.len() || r.start > r.end {
            return Err(Error::internal("rewrite range outside its part"));
        }
        out.extend_from_slice(&src[pos..r.start]);
        out.extend_from_slice(&bytes);
        pos = r.end;
        let removal = bytes.is_empty() && r.end > r.start;
        last = Some((r, removal));
    }
    out.extend_from_slice(&src[pos..]);
    Ok(out)
}

impl Document for DocxDocument {
    fn units(&self) -> &[TextUnit] {
        &self.units
    }

    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn embedded(&self) -> Vec<EmbeddedPart> {
        self.embedded.clone()
    }

    fn rewrite(&mut self, plan: &Plan, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<u8>> {
        // Without edits the input is the output, unless it has an archive comment, which the
        // package writer leaves out.
        let note = self.package.comment_note();
        let comment = note.is_some();
        diagnostics.extend(note);
        if plan.is_empty() && !comment {
            return Ok(self.original.to_vec());
        }
        let extra = self.propagated_edits(plan)?;
        let changes = if extra.is_empty() {
            self.slot_changes(plan)?
        } else {
            let mut all = plan.clone();
            all.edits.extend(extra);
            self.slot_changes(&all)?
        };
        let mut splices: Splices = BTreeMap::new();
        for (slot_id, new) in changes {
            let slot = &self.slots[slot_id as usize];
            if new.iter().zip(&slot.chars).all(|(n, c)| match n {
                None => true,
                Some(n) => n.chars().eq(std::iter::once(*c)),
            }) {
                continue;
            }
            let text: String = match &slot.pieces {
                None => {
                    let mut t = String::with_capacity(slot.chars.len());
                    for (c, n) in slot.chars.iter().zip(&new) {
                        match n {
                            Some(n) => t.push_str(n),
                            None => t.push(*c),
                        }
                    }
                    t
                }
                Some(pieces) => {
                    let mut t = String::new();
                    for (piece, n) in pieces.iter().zip(&new) {
                        match n {
                            None => t.push_str(piece),
                            Some(n) => n.chars().for_each(|c| units::percent_encode(c, &mut t)),
                        }
                    }
                    t
                }
            };
            let mut bytes = Vec::with_capacity(text.len() + 8);
            match slot.kind {
                SlotKind::Text => xml::escape_text(&text, &mut bytes),
                SlotKind::Attr { quote } => xml::escape_attr(&text, quote, &mut bytes),
                SlotKind::Comment => {
                    if text.contains("--") || text.ends_with('-') {
                        return Err(Error::refused(format!(
                            "masked XML comment in {} would not be well-formed",
                            self.parts[slot.part].0
                        )));
                    }
                    bytes.extend_from_slice(text.as_bytes());
                }
            }
            splices
                .entry(slot.part)
                .or_default()
                .push((slot.raw.clone(), bytes));
        }

        let mut replace: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut remove: BTreeSet<String> = BTreeSet::new();
        for (id, action) in &plan.embedded {
            let Some(part) = self.embedded.iter().find(|e| e.id == *id) else {
                return Err(Error::refused(format!(
                    "plan names embedded document {} which this document does not have",
                    id.0
                )));
            };
            match action {
                EmbeddedAction::Replace(bytes) => {
                    replace.insert(part.name.clone(), bytes.clone());
                }
                EmbeddedAction::Remove => {
                    remove.insert(part.name.clone());
                    diagnostics.push(warn(
                        "embedded-removed",
                        "embedded document removed with its relationship; a chart keeps its cached values, an object its preview picture",
                        &part.name,
                    ));
                }
            }
        }
        for t in &self.thumbnails {
            remove.insert(t.clone());
            diagnostics.push(
                Diagnostic::info("thumbnail-removed", "thumbnail removed")
                    .at(Location::part(t.clone())),
            );
        }
        if !remove.is_empty() {
            self.removal_splices(&remove, &mut splices, &mut replace)?;
            for name in remove.clone() {
                let rp = rels_path_for(&name);
                if self.package.contains(&rp) {
                    remove.insert(rp);
                }
            }
        }
        for (pi, edits) in splices.iter_mut() {
            if let Some(ranges) = self.gfxdata.get(pi) {
                edits.extend(ranges.iter().map(|r| (r.clone(), Vec::new())));
            }
        }
        for (pi, edits) in splices {
            let (name, src) = &self.parts[pi];
            if remove.contains(name) {
                continue;
            }
            replace.insert(name.clone(), splice(src, edits)?);
        }
        self.package.write(&replace, &remove)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rels_sources_and_splices() {
        assert_eq!(
            source_of_rels("word/_rels/document.xml.rels").as_deref(),
            Some("word/document.xml")
        );
        assert_eq!(source_of_rels("_rels/.rels").as_deref(), Some(""));
        let out = splice(b"0123456789", vec![(5..6, b"X".to_vec()), (1..3, vec![])]).unwrap();
        assert_eq!(out, b"034X6789");
        let out = splice(b"0123456789", vec![(1..6, vec![]), (2..3, b"Y".to_vec())]).unwrap();
        assert_eq!(out, b"06789");
        assert!(splice(b"0123", vec![(0..2, b"a".to_vec()), (1..3, b"b".to_vec())]).is_err());
    }
}
