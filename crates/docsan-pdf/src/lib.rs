//! docsan's PDF backend: find every piece of text a PDF holds and mask it in place.
//!
//! The classic failure of PDF redaction is a black box over text that is still there. This
//! backend removes personal text from the content itself: [`PdfBackend::open`] replays every
//! page's content (and the forms and appearance streams it uses) to know which bytes draw which
//! glyph where, rebuilds lines and table cells by geometry, and also turns every string object,
//! XMP packet and JavaScript stream into units; the rewrite replaces each masked glyph's code in
//! its own string with a mask glyph and keeps every other glyph exactly where it was, then writes
//! a single fresh revision holding only reachable objects (no old revisions, no free objects).
//!
//! The crate knows nothing of detection: it produces [`docsan_core::TextUnit`]s and applies a
//! [`docsan_core::Plan`]. Fonts are decoded by `docsan_pdffont`.
//!
//! Invariants:
//! - Fail closed: content that cannot be read (a partly parsable content stream, glyphs without
//!   text, an unknown stream kind, images) becomes a diagnostic; an edit that cannot be applied
//!   safely (zero font size or scaling, a range off character boundaries) is refused.
//! - Unmasked glyphs keep their exact position: every change of advance is compensated inside
//!   the same `TJ` array.
//! - Always one fresh revision: only reachable objects, densely renumbered, a clean trailer, the
//!   input's `/ID` (or one derived from the input bytes), never encrypted. Thumbnails, private
//!   application data, XFA and attachments of unsupported types are dropped.
//! - Deterministic: no clock, no randomness, ordered maps only.
//!
//! Known limits: text drawn by Type3 glyph procedures themselves is not read; forms that inherit their resources get a drawn path
//! instead of the added Type3 `*` when their font has no mask glyph.

#![forbid(unsafe_code)]

mod content;
mod font;
mod layout;
mod objects;
mod rewrite;
mod textenc;

use content::{Walk, loc, stream_bytes};
use docsan_core::{
    Backend, Diagnostic, Document, EmbeddedPart, Error, Format, Limits, LimitsBudget, Location,
    Plan, Result, TextUnit, UnitContext, UnitId, UnitKind,
};
use layout::CharMap;
use lopdf::ObjectId;
use objects::{Attachment, StrUnit, XmpItem};

/// The PDF backend. Stateless; [`Backend::open`] parses one document.
#[derive(Debug, Default, Clone, Copy)]
pub struct PdfBackend;

impl Backend for PdfBackend {
    fn format(&self) -> Format {
        Format::Pdf
    }

    fn open(&self, bytes: &[u8], limits: &Limits) -> Result<Box<dyn Document>> {
        Ok(Box::new(PdfDocument::open(bytes, limits)?))
    }
}

/// Where a unit's text lives, for the rewrite.
#[derive(Clone, Debug)]
pub(crate) enum Source {
    /// Glyphs on a page, in a form or in an appearance stream.
    Glyphs(Vec<CharMap>),
    /// A string in a marked-content property list inside a content stream.
    OpString(usize),
    /// A string object.
    Str(usize),
    /// A text node or attribute of an XMP packet.
    Xmp(usize),
    /// A JavaScript stream.
    Js(ObjectId),
}

/// What an attachment is, as far as the facade's pipeline is concerned.
#[derive(Clone)]
pub(crate) struct AttachmentInfo {
    pub att: Attachment,
    /// Bytes handed to the facade, when the type is one docsan sanitizes.
    pub bytes: Option<Vec<u8>>,
}

/// One opened PDF.
pub struct PdfDocument {
    pub(crate) doc: lopdf::Document,
    pub(crate) limits: Limits,
    pub(crate) id_seed: [u8; 16],
    pub(crate) units: Vec<TextUnit>,
    pub(crate) sources: Vec<Source>,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) walk: Walk,
    pub(crate) strs: Vec<StrUnit>,
    pub(crate) xmp: Vec<XmpItem>,
    pub(crate) xmp_text: std::collections::BTreeMap<ObjectId, String>,
    pub(crate) attachments: Vec<AttachmentInfo>,
}

impl std::fmt::Debug for PdfDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfDocument")
            .field("units", &self.units.len())
            .field("diagnostics", &self.diagnostics.len())
            .finish_non_exhaustive()
    }
}

fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document> {
    let cap = usize::try_from(limits.max_entry_bytes).unwrap_or(usize::MAX);
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(cap),
        ..lopdf::LoadOptions::default()
    };
    // lopdf is not ours; a panic inside it on hostile bytes must become an error, not a crash.
    let result =
        std::panic::catch_unwind(|| lopdf::Document::load_mem_with_options(bytes, options));
    match result {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(lopdf::Error::InvalidPassword)) => Err(Error::encrypted(
            "pdf is encrypted with a password docsan does not have",
        )),
        Ok(Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
            ..
        }))) => Err(Error::limit("a pdf stream decompresses beyond the limits")),
        Ok(Err(_)) => Err(Error::malformed("not a readable pdf file")),
        Err(_) => Err(Error::malformed("the pdf parser failed on this file")),
    }
}

impl PdfDocument {
    /// Parses a PDF and extracts every unit.
    pub fn open(bytes: &[u8], limits: &Limits) -> Result<PdfDocument> {
        if bytes.len() as u64 > limits.max_input_bytes {
            return Err(Error::limit(format!(
                "input is larger than {} bytes",
                limits.max_input_bytes
            )));
        }
        if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
            return Err(Error::unsupported("not a pdf file (no %PDF- header)"));
        }
        let mut doc = load(bytes, limits)?;
        let mut diagnostics = Vec::new();
        // A password-protected PDF loads with zero pages and no error: check after every load.
        if doc.trailer.has(b"Encrypt") {
            return Err(Error::encrypted(
                "pdf is encrypted with a password docsan does not have",
            ));
        }
        if doc.encryption_state.is_some() {
            diagnostics.push(Diagnostic::info(
                "pdf-decrypted",
                "the pdf was encrypted with an empty user password; it is decrypted and written without encryption",
            ));
            doc.encryption_state = None;
        }
        match doc.xref_recovery {
            Some(lopdf::xref::XrefRecovery::Reconstructed) => diagnostics.push(Diagnostic::warning(
                "xref-recovered",
                "the cross-reference data was damaged and has been rebuilt by scanning the file; objects of an older revision may have been used",
            )),
            Some(_) => diagnostics.push(Diagnostic::info(
                "xref-offset-corrected",
                "a cross-reference offset was wrong and a section found nearby was used",
            )),
            None => {}
        }
        if doc.objects.len() as u64 > u64::from(limits.max_pdf_objects) {
            return Err(Error::limit(format!(
                "pdf has more than {} objects",
                limits.max_pdf_objects
            )));
        }
        if doc.get_pages().is_empty() {
            return Err(Error::malformed("pdf has no readable pages"));
        }
        let budget = LimitsBudget::new(limits);
        let mut walk = content::walk_document(&doc, limits, &budget)?;
        diagnostics.extend(walk.diagnostics.iter().cloned());

        let mut units = Vec::new();
        let mut sources = Vec::new();
        let push = |units: &mut Vec<TextUnit>,
                    sources: &mut Vec<Source>,
                    text: String,
                    ctx: UnitContext,
                    src: Source| {
            let id = UnitId(units.len() as u32);
            units.push(TextUnit::new(id, text, ctx));
            sources.push(src);
        };

        // Page text, per owner (units were built as each owner was read).
        let owner_units = std::mem::take(&mut walk.units);
        let mut page_has_text = std::collections::BTreeMap::<u32, bool>::new();
        let mut page_has_image = std::collections::BTreeMap::<u32, bool>::new();
        for (owner, ounits) in walk.owners.iter().zip(owner_units) {
            *page_has_text.entry(owner.page).or_default() |= owner.glyph_count > 0;
            *page_has_image.entry(owner.page).or_default() |= owner.has_image;
            let appearance = matches!(
                owner.kind,
                content::OwnerKind::Stream {
                    appearance: true,
                    ..
                }
            );
            for ou in ounits {
                let gu = ou.unit;
                let kind = if appearance {
                    UnitKind::Annotation
                } else if gu.table_cell {
                    UnitKind::TableCell
                } else {
                    UnitKind::Body
                };
                let mut location = loc(&owner.part, owner.page);
                location.line = Some(ou.line);
                let mut ctx = UnitContext::new(kind, location);
                ctx.column_header = gu.column_header.map(Into::into);
                ctx.label = gu.label.map(Into::into);
                let actx = ou.alt.as_ref().map(|_| {
                    let mut actx = ctx.clone();
                    actx.location.detail = Some("text by the font's own encoding".into());
                    actx
                });
                push(
                    &mut units,
                    &mut sources,
                    gu.text,
                    ctx,
                    Source::Glyphs(gu.chars),
                );
                if let (Some((text, chars)), Some(actx)) = (ou.alt, actx) {
                    push(&mut units, &mut sources, text, actx, Source::Glyphs(chars));
                }
            }
        }
        for (page, has_image) in &page_has_image {
            if !has_image {
                continue;
            }
            let location = Location {
                page: Some(*page),
                ..Location::default()
            };
            if page_has_text.get(page).copied().unwrap_or(false) {
                diagnostics.push(
                    Diagnostic::warning(
                        "image",
                        "page contains images: text in images cannot be checked",
                    )
                    .at(location),
                );
            } else {
                diagnostics.push(
                    Diagnostic::warning(
                        "image-only-page",
                        "image-only page: text in images cannot be checked",
                    )
                    .at(location),
                );
            }
        }

        // Marked-content properties inline in content streams.
        for (i, s) in walk.op_strings.iter().enumerate() {
            let (text, _) = textenc::decode_text_string(&s.bytes);
            if text.trim().is_empty() {
                continue;
            }
            let owner = &walk.owners[s.owner];
            let mut location = loc(&owner.part, owner.page);
            location.detail = Some(docsan_core::format_compact!(
                "marked content /{}",
                String::from_utf8_lossy(&s.key)
            ));
            let mut ctx = UnitContext::new(UnitKind::AltText, location);
            ctx.label = Some(String::from_utf8_lossy(&s.key).into_owned().into());
            push(&mut units, &mut sources, text, ctx, Source::OpString(i));
        }

        // Every string object.
        let strs = objects::collect_strings(&doc);
        for (i, s) in strs.iter().enumerate() {
            let mut location = Location::part(format!("{} {} R", s.id.0, s.id.1));
            location.detail = Some(docsan_core::format_compact!("/{}", s.label));
            let mut ctx = UnitContext::new(s.kind, location);
            ctx.label = Some(s.label.clone().into());
            push(
                &mut units,
                &mut sources,
                s.text.clone(),
                ctx,
                Source::Str(i),
            );
        }

        // XMP packets and JavaScript streams.
        let (xmp_ids, js_ids) = objects::text_streams(&doc);
        let mut xmp = Vec::new();
        let mut xmp_text = std::collections::BTreeMap::new();
        for id in xmp_ids {
            let data = stream_bytes(&doc, id, limits, &budget)?;
            let Ok(text) = String::from_utf8(data) else {
                diagnostics.push(
                    Diagnostic::error(
                        "xmp-not-utf8",
                        "an XMP metadata stream is not UTF-8 and cannot be checked",
                    )
                    .at(Location::part(format!("{} {} R", id.0, id.1))),
                );
                continue;
            };
            for item in objects::xmp_items(id, &text) {
                let mut ctx = UnitContext::new(
                    UnitKind::Metadata,
                    Location {
                        part: Some(docsan_core::format_compact!("{} {} R", id.0, id.1)),
                        detail: Some(docsan_core::format_compact!("XMP {}", item.label)),
                        ..Location::default()
                    },
                );
                ctx.label = Some(item.label.clone().into());
                push(
                    &mut units,
                    &mut sources,
                    item.text.clone(),
                    ctx,
                    Source::Xmp(xmp.len()),
                );
                xmp.push(item);
            }
            xmp_text.insert(id, text);
        }
        for id in js_ids {
            let data = stream_bytes(&doc, id, limits, &budget)?;
            // Scripts are ASCII or UTF-8 in practice; anything else is read as PDFDocEncoding or
            // UTF-16 like a text string, and the rewrite writes it back the same way.
            let text = match String::from_utf8(data) {
                Ok(t) => t,
                Err(e) => textenc::decode_text_string(e.as_bytes()).0,
            };
            let mut ctx = UnitContext::new(
                UnitKind::Other,
                Location {
                    part: Some(docsan_core::format_compact!("{} {} R", id.0, id.1)),
                    detail: Some("JavaScript".into()),
                    ..Location::default()
                },
            );
            ctx.label = Some("JavaScript".into());
            push(&mut units, &mut sources, text, ctx, Source::Js(id));
        }
        if units.len() as u64 > u64::from(limits.max_units) {
            return Err(Error::limit(format!(
                "pdf has more than {} text units",
                limits.max_units
            )));
        }

        // Attachments.
        let mut attachments = Vec::new();
        for att in objects::attachments(&doc) {
            let data = stream_bytes(&doc, att.stream, limits, &budget)?;
            let lower = att.name.to_lowercase();
            let supported = data.starts_with(b"%PDF-")
                || (data.starts_with(b"PK")
                    && (lower.ends_with(".docx") || lower.ends_with(".xlsx")))
                || lower.ends_with(".csv");
            if !supported {
                diagnostics.push(
                    Diagnostic::warning(
                        "attachment-removed",
                        "an attached file of a type docsan cannot check is removed",
                    )
                    .at(Location::part(format!(
                        "{} {} R",
                        att.stream.0, att.stream.1
                    ))),
                );
            }
            attachments.push(AttachmentInfo {
                att,
                bytes: supported.then_some(data),
            });
        }
        let walked: std::collections::BTreeSet<ObjectId> = walk
            .owners
            .iter()
            .filter_map(|o| match o.kind {
                content::OwnerKind::Stream { id, .. } => Some(id),
                content::OwnerKind::Page { .. } => None,
            })
            .collect();
        for id in objects::unchecked_streams(&doc, &walked) {
            diagnostics.push(
                Diagnostic::warning(
                    "unchecked-stream",
                    "a stream of a kind docsan does not read (private data, pattern, multimedia) cannot be checked",
                )
                .at(Location::part(format!("{} {} R", id.0, id.1))),
            );
        }
        if doc.objects.values().any(|o| {
            o.as_dict()
                .is_ok_and(|d| d.has(b"ByteRange") && d.has(b"Contents"))
        }) {
            diagnostics.push(Diagnostic::info(
                "signature-invalidated",
                "the pdf is digitally signed; any rewrite invalidates the signature",
            ));
        }
        let pages = doc.get_pages();
        if pages.values().any(|p| {
            doc.get_dictionary(*p)
                .is_ok_and(|d| d.has(b"Thumb") || d.has(b"PieceInfo"))
        }) || doc.catalog().is_ok_and(|c| c.has(b"PieceInfo"))
            || doc
                .objects
                .values()
                .any(|o| o.as_stream().is_ok_and(|s| s.dict.has(b"PieceInfo")))
        {
            diagnostics.push(Diagnostic::info(
                "page-private-data-removed",
                "page thumbnails and private application data (/Thumb, /PieceInfo) are removed: they may show unmasked content",
            ));
        }
        if let Ok(cat) = doc.catalog()
            && let Some(af) = cat
                .get(b"AcroForm")
                .ok()
                .and_then(|a| content::deref_dict(&doc, a))
            && af.has(b"XFA")
        {
            diagnostics.push(Diagnostic::warning(
                "xfa-removed",
                "the XFA form description cannot be checked and is removed; the AcroForm fields remain",
            ));
        }

        // The output keeps the input's /ID; only a file without one needs an ID derived from its
        // bytes (hashing a large input costs more than a reading of it).
        let mut id_seed = [0u8; 16];
        if rewrite::trailer_id(&doc.trailer).is_none() {
            use sha2::Digest;
            let h = sha2::Sha256::digest(bytes);
            id_seed.copy_from_slice(&h[..16]);
        }
        Ok(PdfDocument {
            doc,
            limits: limits.clone(),
            id_seed,
            units,
            sources,
            diagnostics,
            walk,
            strs,
            xmp,
            xmp_text,
            attachments,
        })
    }
}

impl PdfDocument {
    /// Every shown glyph as (page, owner part, text, x, y) in its content's user space, in
    /// content order. For tests and tools that check glyph positions before and after a
    /// rewrite; not part of the backend contract.
    #[doc(hidden)]
    pub fn glyph_positions(&self) -> Vec<(u32, String, String, f32, f32)> {
        let mut walk = self.walk.clone_for_reread();
        let mut out = Vec::new();
        for oi in 0..walk.owners.len() {
            let Ok((_, glyphs)) = content::reread(&self.doc, &self.limits, &mut walk, oi) else {
                continue;
            };
            let o = &walk.owners[oi];
            out.extend(
                glyphs
                    .into_iter()
                    .map(|g| (o.page, o.part.clone(), g.text, g.x0, g.y0)),
            );
        }
        out
    }

    /// The byte strings that draw `value` in each font of the document (first code per
    /// character), for residue checks in the fonts' own codes. Fonts that cannot draw every
    /// character of the value give nothing.
    #[doc(hidden)]
    pub fn font_encodings_of(&self, value: &str) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for f in &self.walk.fonts {
            let mut bytes = Vec::new();
            let mut ok = true;
            for ch in value.chars() {
                match f.codes_for(ch).first() {
                    Some(&(code, len)) => bytes.extend(f.encode(code, len)),
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok && !bytes.is_empty() && !out.contains(&bytes) {
                out.push(bytes);
            }
        }
        out
    }

    /// Positions (page, x, y) of the glyphs a plan's edits change. For tests that check that
    /// every other glyph stays where it was.
    #[doc(hidden)]
    pub fn edited_glyph_positions(&self, plan: &Plan) -> Vec<(u32, f32, f32)> {
        let mut walk = self.walk.clone_for_reread();
        let mut read: std::collections::BTreeMap<usize, Vec<content::GlyphRec>> =
            Default::default();
        let mut out = Vec::new();
        for e in &plan.edits {
            let Some(Source::Glyphs(chars)) = self.sources.get(e.unit.0 as usize) else {
                continue;
            };
            for m in chars {
                let r = m.range();
                if r.start < e.range.end && e.range.start < r.end {
                    for g in m.glyphs(&self.walk.copies) {
                        let Some(oi) = walk.owner_of(g) else { continue };
                        let glyphs = read.entry(oi).or_insert_with(|| {
                            content::reread(&self.doc, &self.limits, &mut walk, oi)
                                .map(|(_, g)| g)
                                .unwrap_or_default()
                        });
                        let o = &walk.owners[oi];
                        if let Some(gr) = glyphs.get(g - o.glyph_start) {
                            out.push((o.page, gr.x0, gr.y0));
                        }
                    }
                }
            }
        }
        out
    }
}

impl Document for PdfDocument {
    fn units(&self) -> &[TextUnit] {
        &self.units
    }

    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn embedded(&self) -> Vec<EmbeddedPart> {
        self.attachments
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                a.bytes.as_ref().map(|b| EmbeddedPart {
                    id: docsan_core::EmbeddedId(i as u32),
                    name: a.att.name.clone(),
                    bytes: b.clone(),
                })
            })
            .collect()
    }

    fn rewrite(&mut self, plan: &Plan, diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<u8>> {
        rewrite::rewrite(self, plan, diagnostics)
    }
}
