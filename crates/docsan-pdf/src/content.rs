//! The content-stream walker: text state, glyph positions, form XObjects and marked content.
//!
//! A PDF page is a program. To know which bytes draw which characters, and where, the walker
//! replays the operators that matter for text (graphics state, text state, text positioning and
//! text showing) and records one [`GlyphRec`] per shown glyph: which operation, which operand
//! element and which bytes drew it, the font and state needed to recompute its advance, and its
//! position in the content's own user space. The layout step rebuilds lines and cells from them
//! as soon as one content stream is read, and the records and operations are then let go (a
//! long document would otherwise hold a few hundred bytes per glyph and per operation); the
//! rewrite reads the streams it changes a second time ([`reread`]) to replace codes in place.
//! Glyphs are numbered document-wide in reading order, one content stream after the other.
//! Nothing is drawn or rasterized.

use crate::font::{Font, width_1000};
use crate::layout::{self, CharMap, GlyphUnit};
use docsan_core::{Diagnostic, Error, Limits, Location, Result};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, BTreeSet};

/// A 2-D affine matrix `[a b c d e f]` in PDF's row-vector convention.
pub(crate) type Matrix = [f32; 6];

pub(crate) const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m1 × m2`: apply `m1` first, then `m2`.
pub(crate) fn mul(m1: &Matrix, m2: &Matrix) -> Matrix {
    [
        m1[0] * m2[0] + m1[1] * m2[2],
        m1[0] * m2[1] + m1[1] * m2[3],
        m1[2] * m2[0] + m1[3] * m2[2],
        m1[2] * m2[1] + m1[3] * m2[3],
        m1[4] * m2[0] + m1[5] * m2[2] + m2[4],
        m1[4] * m2[1] + m1[5] * m2[3] + m2[5],
    ]
}

/// Applies a matrix to a point.
pub(crate) fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

/// Whose operations these are: a page's content streams, a form XObject, or an annotation
/// appearance stream (both of the latter are streams rewritten in place).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum OwnerKind {
    Page { page_id: ObjectId },
    Stream { id: ObjectId, appearance: bool },
}

/// One content stream (or a page's concatenated streams) that was read.
///
/// Neither its operations nor its glyphs are kept: a long document would hold hundreds of bytes
/// per glyph for its whole life. The rewrite reads the few owners it changes a second time
/// ([`reread`]), which gives the same operations and glyphs, checked by count and digest.
#[derive(Clone)]
pub(crate) struct Owner {
    pub kind: OwnerKind,
    /// 1-based page number (for shared forms, the first page that uses it).
    pub page: u32,
    pub part: String,
    pub has_image: bool,
    /// The resources the content was read with.
    pub resources: Dictionary,
    /// Document-wide index of the owner's first glyph (glyphs are numbered in reading order,
    /// one owner after the other), and how many glyphs it shows.
    pub glyph_start: usize,
    pub glyph_count: usize,
    /// Index of the owner's first string in [`Walk::op_strings`].
    pub op_string_start: usize,
    /// Digest of the owner's glyph sequence, to check that a second reading matches the first.
    pub digest: u64,
}

/// One shown glyph.
#[derive(Clone)]
#[allow(dead_code)]
pub(crate) struct GlyphRec {
    pub owner: usize,
    pub op: usize,
    /// Index of the string in the operation's operands (Tj, ', ") or in the TJ array.
    pub elem: usize,
    /// Byte offset of the glyph's code within that string.
    pub start: usize,
    pub len: u8,
    pub code: u32,
    pub font: usize,
    pub text: String,
    /// Advance width in glyph space (1/1000 of text space).
    pub width: f32,
    pub tfs: f32,
    pub th: f32,
    pub tc: f32,
    /// Word spacing that was applied to this glyph (0 unless it is a one-byte code 32).
    pub tw_applied: f32,
    /// Text rendering matrix at the glyph origin (`[Tfs·Th 0 0 Tfs 0 Trise] × Tm × CTM`).
    pub trm: Matrix,
    /// Origin and end of the advance in the owner's user space.
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    /// Inside a `/Span <</ActualText …>>` sequence (the replacement text is a unit of its own).
    pub in_actual_text: bool,
    /// The `/ActualText` string (index into `op_strings`) of the innermost span around this
    /// glyph. Producers without a font for a script (LibreOffice without CJK fonts) draw a
    /// fallback glyph and put the real character only there, so the glyph's text is taken
    /// from it and masking the glyph masks the string too.
    pub actual: Option<usize>,
    /// Drawn in an invisible rendering mode (typically OCR text over a scanned image).
    pub invisible: bool,
    /// Vertical fonts: (w1y, vx, vy) in glyph space units (1/1000 text space); zeros otherwise.
    pub vmetrics: [f32; 3],
    /// Drawn with a vertical (top-to-bottom) font.
    pub vertical: bool,
    /// The text the font's own encoding gives when a `/ToUnicode` says otherwise (it may lie).
    pub alt: Option<String>,
}

/// A PDF string inside a content operation's operands (marked-content properties).
#[derive(Clone)]
pub(crate) struct OpString {
    pub owner: usize,
    pub op: usize,
    /// Path below the operand list: operand index, then dictionary keys.
    pub operand: usize,
    pub key: Vec<u8>,
    pub bytes: Vec<u8>,
}

/// A unit built from one owner's glyphs, and its reading by the fonts' own encodings when a
/// `/ToUnicode` disagrees with them. Glyph indices are document-wide.
pub(crate) struct OwnerUnit {
    /// 1-based position among the owner's units, blank ones included.
    pub line: u32,
    pub unit: GlyphUnit,
    pub alt: Option<(String, Vec<CharMap>)>,
}

/// Everything the walk over all pages produced.
#[derive(Default)]
pub(crate) struct Walk {
    pub owners: Vec<Owner>,
    /// Per owner, the units built from its glyphs (taken by the document when it is opened).
    pub units: Vec<Vec<OwnerUnit>>,
    /// Number of glyphs over all owners.
    pub glyph_total: usize,
    /// Glyphs drawn over others (faux bold), listed for the character maps.
    pub copies: Vec<u32>,
    pub fonts: Vec<Font>,
    /// Fonts by their object id, or by (owner, resource name) for direct dictionaries.
    pub font_by_id: BTreeMap<ObjectId, usize>,
    pub font_by_name: BTreeMap<(usize, Vec<u8>), usize>,
    pub op_strings: Vec<OpString>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Walk {
    /// The owner that shows a document-wide glyph index.
    pub(crate) fn owner_of(&self, glyph: usize) -> Option<usize> {
        let i = self
            .owners
            .partition_point(|o| o.glyph_start + o.glyph_count <= glyph);
        (i < self.owners.len() && self.owners[i].glyph_start <= glyph).then_some(i)
    }

    /// What a second reading needs, for `&self` callers (tests and tools).
    pub(crate) fn clone_for_reread(&self) -> Walk {
        Walk {
            owners: self.owners.clone(),
            fonts: self.fonts.clone(),
            font_by_id: self.font_by_id.clone(),
            font_by_name: self.font_by_name.clone(),
            op_strings: self.op_strings.clone(),
            ..Walk::default()
        }
    }
}

/// FNV-1a over a glyph's place, font and code.
fn digest_glyph(h: u64, g: &GlyphRec) -> u64 {
    let mut h = h;
    for v in [
        g.font as u64,
        g.op as u64,
        g.elem as u64,
        g.start as u64,
        u64::from(g.code),
        u64::from(g.len),
    ] {
        for b in v.to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

const DIGEST_SEED: u64 = 0xcbf2_9ce4_8422_2325;

#[derive(Clone, Debug)]
struct GState {
    ctm: Matrix,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    tfs: f32,
    trise: f32,
    /// Text rendering mode (`Tr`); 3 and 7 draw nothing.
    tr: i64,
    font: Option<usize>,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            tfs: 0.0,
            trise: 0.0,
            tr: 0,
            font: None,
        }
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let mut out = [0.0; N];
    let base = ops.len() - N;
    for (i, o) in out.iter_mut().enumerate() {
        *o = num(&ops[base + i])?;
    }
    Some(out)
}

/// Follows a reference (once; PDF does not chain them in practice, and cycles must not hang).
pub(crate) fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        other => Some(other),
    }
}

pub(crate) fn deref_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, o)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

/// Decodes one stream within the limits.
pub(crate) fn stream_bytes(
    doc: &Document,
    id: ObjectId,
    limits: &Limits,
    budget: &docsan_core::LimitsBudget,
) -> Result<Vec<u8>> {
    let obj = doc
        .get_object(id)
        .map_err(|_| Error::malformed(format!("object {} {} R is missing", id.0, id.1)))?;
    let stream = obj
        .as_stream()
        .map_err(|_| Error::malformed(format!("object {} {} R is not a stream", id.0, id.1)))?;
    // An `/Identity` crypt filter (metadata left unencrypted) leaves the bytes as they are.
    if let Ok(f) = stream.filters()
        && f == [b"Crypt".as_slice()]
    {
        budget.take(stream.content.len() as u64)?;
        return Ok(stream.content.clone());
    }
    let cap = limits.entry_cap(stream.content.len() as u64);
    let cap = usize::try_from(cap).unwrap_or(usize::MAX);
    let data = stream.get_plain_content_with_limit(cap).map_err(|e| {
        if matches!(
            e,
            lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })
        ) {
            Error::limit(format!(
                "stream {} {} R decompresses beyond the limits",
                id.0, id.1
            ))
        } else {
            Error::malformed(format!("stream {} {} R cannot be decoded", id.0, id.1))
        }
    })?;
    limits.check_entry(
        &format!("stream {} {} R", id.0, id.1),
        stream.content.len() as u64,
        data.len() as u64,
    )?;
    budget.take(data.len() as u64)?;
    Ok(data)
}

struct Walker<'a> {
    doc: &'a Document,
    limits: &'a Limits,
    budget: &'a docsan_core::LimitsBudget,
    walk: Walk,
    /// The glyphs of the owner being read.
    glyphs: Vec<GlyphRec>,
    /// Index the next marked-content string takes in `walk.op_strings`.
    next_op_string: usize,
    /// A second reading of one owner: no new strings, forms or units.
    reread: bool,
    /// Nesting depth of the owner being read (forms it draws are one deeper).
    depth: u32,
    forms_seen: BTreeSet<ObjectId>,
    queue: Vec<(ObjectId, Dictionary, u32, u32, bool)>,
    fonts_reported: BTreeSet<usize>,
    fonts_unmapped: BTreeSet<usize>,
    /// `/ActualText` strings already given to a glyph (the first glyph of a span carries them).
    actual_used: BTreeSet<usize>,
}

/// Walks every page, the form XObjects they use and their annotations' appearance streams.
pub(crate) fn walk_document(
    doc: &Document,
    limits: &Limits,
    budget: &docsan_core::LimitsBudget,
) -> Result<Walk> {
    let mut w = Walker {
        doc,
        limits,
        budget,
        walk: Walk::default(),
        glyphs: Vec::new(),
        next_op_string: 0,
        reread: false,
        depth: 0,
        forms_seen: BTreeSet::new(),
        queue: Vec::new(),
        fonts_reported: BTreeSet::new(),
        fonts_unmapped: BTreeSet::new(),
        actual_used: BTreeSet::new(),
    };
    for (page_no, page_id) in doc.get_pages() {
        let data = page_content(doc, page_id, limits, budget)?;
        let resources = page_resources(doc, page_id);
        let part = format!("{} {} R", page_id.0, page_id.1);
        w.walk_owner(
            OwnerKind::Page { page_id },
            page_no,
            &data,
            &resources,
            part,
            0,
        )?;
        drop(data);
        // Annotation appearance streams are content too.
        if let Ok(page) = doc.get_dictionary(page_id)
            && let Ok(annots) = page.get(b"Annots")
            && let Some(Object::Array(annots)) = deref(doc, annots)
        {
            for a in annots {
                let Some(ad) = deref_dict(doc, a) else {
                    continue;
                };
                let Some(ap) = ad.get(b"AP").ok().and_then(|o| deref_dict(doc, o)) else {
                    continue;
                };
                for (_, v) in ap.iter() {
                    let mut ids = Vec::new();
                    match v {
                        Object::Reference(id) => match doc.get_object(*id) {
                            Ok(Object::Stream(_)) => ids.push(*id),
                            Ok(Object::Dictionary(states)) => {
                                ids.extend(states.iter().filter_map(|(_, s)| s.as_reference().ok()))
                            }
                            _ => {}
                        },
                        Object::Dictionary(states) => {
                            ids.extend(states.iter().filter_map(|(_, s)| s.as_reference().ok()))
                        }
                        _ => {}
                    }
                    for id in ids {
                        if w.forms_seen.insert(id) {
                            w.queue.push((id, resources.clone(), page_no, 1, true));
                        }
                    }
                }
            }
        }
        w.drain_queue()?;
    }
    // Forms no page draws, and tiling patterns (content streams too), still hold text in the
    // file: walk them as well (page 0 = no page).
    let orphans: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(id, o)| {
            !w.forms_seen.contains(id)
                && o.as_stream().is_ok_and(|s| {
                    s.dict
                        .get(b"Subtype")
                        .and_then(|t| t.as_name())
                        .is_ok_and(|n| n == b"Form")
                        || s.dict
                            .get(b"PatternType")
                            .and_then(|t| t.as_i64())
                            .is_ok_and(|t| t == 1)
                })
        })
        .map(|(id, _)| *id)
        .collect();
    for id in orphans {
        if w.forms_seen.insert(id) {
            w.queue.push((id, Dictionary::new(), 0, 1, false));
            w.drain_queue()?;
        }
    }
    // Appearance streams of annotations no page lists (widgets known only to the AcroForm).
    let mut appearances = Vec::new();
    for obj in doc.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        let Some(ap) = d.get(b"AP").ok().and_then(|a| deref_dict(doc, a)) else {
            continue;
        };
        for (_, v) in ap.iter() {
            match v {
                Object::Reference(id) => match doc.get_object(*id) {
                    Ok(Object::Stream(_)) => appearances.push(*id),
                    Ok(Object::Dictionary(states)) => {
                        appearances.extend(states.iter().filter_map(|(_, s)| s.as_reference().ok()))
                    }
                    _ => {}
                },
                Object::Dictionary(states) => {
                    appearances.extend(states.iter().filter_map(|(_, s)| s.as_reference().ok()))
                }
                _ => {}
            }
        }
    }
    for id in appearances {
        if matches!(doc.get_object(id), Ok(Object::Stream(_))) && w.forms_seen.insert(id) {
            w.queue.push((id, Dictionary::new(), 0, 1, true));
            w.drain_queue()?;
        }
    }
    Ok(w.walk)
}

/// The unit's text with each glyph's alternative text, if any glyph has one.
/// `glyphs` are one owner's, the first being document-wide glyph `base`.
fn alt_unit(
    glyphs: &[GlyphRec],
    base: usize,
    table: &[u32],
    text: &str,
    chars: &[CharMap],
) -> Option<(String, Vec<CharMap>)> {
    let alt = |g: usize| glyphs.get(g.checked_sub(base)?)?.alt.as_deref();
    let any = chars
        .iter()
        .any(|m| m.glyphs(table).any(|g| alt(g).is_some()));
    if !any {
        return None;
    }
    let mut out = String::new();
    let mut map = Vec::new();
    let mut pos = 0;
    for m in chars {
        let range = m.range();
        if range.start < pos || range.end > text.len() {
            return None;
        }
        out.push_str(text.get(pos..range.start)?);
        let s = out.len();
        match m.glyphs(table).find_map(alt) {
            Some(a) => out.push_str(a),
            None => out.push_str(text.get(range.clone())?),
        }
        map.push(m.with_range(s..out.len()));
        pos = range.end;
    }
    out.push_str(text.get(pos..)?);
    Some((out, map))
}

/// A page's content streams, decoded and joined as one content.
fn page_content(
    doc: &Document,
    page_id: ObjectId,
    limits: &Limits,
    budget: &docsan_core::LimitsBudget,
) -> Result<Vec<u8>> {
    let mut data = Vec::new();
    for cid in doc.get_page_contents(page_id) {
        data.extend_from_slice(&stream_bytes(doc, cid, limits, budget)?);
        data.push(b'\n');
    }
    Ok(data)
}

/// Reads one owner a second time, for the rewrite: its operations and its glyphs (with their
/// owner-local indices; add `glyph_start` for document-wide ones), exactly as the first reading
/// produced them. The fonts and strings of `walk` are used, not added to.
pub(crate) fn reread(
    doc: &Document,
    limits: &Limits,
    walk: &mut Walk,
    owner: usize,
) -> Result<(Vec<Operation>, Vec<GlyphRec>)> {
    let o = walk
        .owners
        .get(owner)
        .ok_or_else(|| Error::internal("a content stream to rewrite is unknown"))?
        .clone();
    let budget = docsan_core::LimitsBudget::new(limits);
    let data = match &o.kind {
        OwnerKind::Page { page_id } => page_content(doc, *page_id, limits, &budget)?,
        OwnerKind::Stream { id, .. } => stream_bytes(doc, *id, limits, &budget)?,
    };
    let mut w = Walker {
        doc,
        limits,
        budget: &budget,
        walk: Walk {
            owners: std::mem::take(&mut walk.owners),
            fonts: std::mem::take(&mut walk.fonts),
            font_by_id: std::mem::take(&mut walk.font_by_id),
            font_by_name: std::mem::take(&mut walk.font_by_name),
            op_strings: std::mem::take(&mut walk.op_strings),
            ..Walk::default()
        },
        glyphs: Vec::new(),
        next_op_string: o.op_string_start,
        reread: true,
        depth: 0,
        forms_seen: BTreeSet::new(),
        queue: Vec::new(),
        fonts_reported: BTreeSet::new(),
        fonts_unmapped: BTreeSet::new(),
        actual_used: BTreeSet::new(),
    };
    let result = w.read_owner(owner, &data, &o.resources, &o.part, o.page);
    // Give the shared tables back whatever happened.
    walk.owners = std::mem::take(&mut w.walk.owners);
    walk.fonts = std::mem::take(&mut w.walk.fonts);
    walk.font_by_id = std::mem::take(&mut w.walk.font_by_id);
    walk.font_by_name = std::mem::take(&mut w.walk.font_by_name);
    walk.op_strings = std::mem::take(&mut w.walk.op_strings);
    let (ops, _) = result?;
    let digest = w.glyphs.iter().fold(DIGEST_SEED, digest_glyph);
    if w.glyphs.len() != o.glyph_count || digest != o.digest {
        return Err(Error::internal(
            "a content stream reads differently the second time",
        ));
    }
    Ok((ops, w.glyphs))
}

/// The page's resources, following inheritance from the page tree.
pub(crate) fn page_resources(doc: &Document, page_id: ObjectId) -> Dictionary {
    let mut cur = Some(page_id);
    let mut hops = 0;
    while let Some(id) = cur {
        hops += 1;
        if hops > 64 {
            break;
        }
        let Ok(d) = doc.get_dictionary(id) else {
            break;
        };
        if let Ok(r) = d.get(b"Resources")
            && let Some(rd) = deref_dict(doc, r)
        {
            return rd.clone();
        }
        cur = d.get(b"Parent").and_then(|p| p.as_reference()).ok();
    }
    Dictionary::new()
}

impl Walker<'_> {
    fn drain_queue(&mut self) -> Result<()> {
        while let Some((id, inherited, page, depth, appearance)) = self.queue.pop() {
            if depth > self.limits.max_depth {
                return Err(Error::limit(format!(
                    "form XObjects nest deeper than {} levels",
                    self.limits.max_depth
                )));
            }
            let Ok(Object::Stream(s)) = self.doc.get_object(id) else {
                continue;
            };
            let resources = s
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|r| deref_dict(self.doc, r))
                .cloned()
                .unwrap_or(inherited);
            let data = stream_bytes(self.doc, id, self.limits, self.budget)?;
            let part = format!("{} {} R", id.0, id.1);
            self.walk_owner(
                OwnerKind::Stream { id, appearance },
                page,
                &data,
                &resources,
                part,
                depth,
            )?;
        }
        Ok(())
    }

    fn font_for(&mut self, owner: usize, resources: &Dictionary, name: &[u8]) -> Option<usize> {
        let fonts = resources
            .get(b"Font")
            .ok()
            .and_then(|f| deref_dict(self.doc, f))?;
        let entry = fonts.get(name).ok()?;
        if let Object::Reference(id) = entry {
            if let Some(i) = self.walk.font_by_id.get(id) {
                return Some(*i);
            }
            let dict = deref_dict(self.doc, entry)?;
            let f = Font::load(self.doc, dict, self.limits);
            self.walk.fonts.push(f);
            let i = self.walk.fonts.len() - 1;
            self.walk.font_by_id.insert(*id, i);
            Some(i)
        } else {
            // A direct dictionary has no id: it is known by its name in this owner's resources.
            let key = (owner, name.to_vec());
            if let Some(i) = self.walk.font_by_name.get(&key) {
                return Some(*i);
            }
            let dict = deref_dict(self.doc, entry)?;
            self.walk
                .fonts
                .push(Font::load(self.doc, dict, self.limits));
            let i = self.walk.fonts.len() - 1;
            self.walk.font_by_name.insert(key, i);
            Some(i)
        }
    }

    /// Reads one owner for the first time: its glyphs become units, and only a summary of
    /// them is kept (see [`Owner`]).
    fn walk_owner(
        &mut self,
        kind: OwnerKind,
        page: u32,
        data: &[u8],
        resources: &Dictionary,
        part: String,
        depth: u32,
    ) -> Result<()> {
        let owner = self.walk.owners.len();
        self.walk.owners.push(Owner {
            kind,
            page,
            part: part.clone(),
            has_image: false,
            resources: resources.clone(),
            glyph_start: self.walk.glyph_total,
            glyph_count: 0,
            op_string_start: self.next_op_string,
            digest: DIGEST_SEED,
        });
        self.depth = depth;
        let (ops, has_image) = self.read_owner(owner, data, resources, &part, page)?;
        drop(ops);
        let glyphs = std::mem::take(&mut self.glyphs);
        let base = self.walk.glyph_total;
        let mut units = Vec::new();
        let units_of_owner = layout::build_units(&glyphs, base, &mut self.walk.copies);
        for (li, unit) in units_of_owner.into_iter().enumerate() {
            if unit.text.trim().is_empty() {
                continue;
            }
            // A /ToUnicode that disagrees with the font's own encoding may hide a value:
            // detection also reads the line as the encoding spells it.
            let alt = alt_unit(&glyphs, base, &self.walk.copies, &unit.text, &unit.chars);
            units.push(OwnerUnit {
                line: li as u32 + 1,
                unit,
                alt,
            });
        }
        self.walk.units.push(units);
        let o = &mut self.walk.owners[owner];
        o.has_image = has_image;
        o.glyph_count = glyphs.len();
        o.digest = glyphs.iter().fold(DIGEST_SEED, digest_glyph);
        self.walk.glyph_total += glyphs.len();
        Ok(())
    }

    /// Parses one owner's content and replays it: its glyphs go to `self.glyphs`. Returns the
    /// operations and whether the content draws images.
    fn read_owner(
        &mut self,
        owner: usize,
        data: &[u8],
        resources: &Dictionary,
        part: &str,
        page: u32,
    ) -> Result<(Vec<Operation>, bool)> {
        self.glyphs.clear();
        // lopdf's lenient parser stops at the first token it cannot read and silently drops the
        // rest, which may be text: parse strictly, and if that fails keep what parses but fail
        // the file through an error diagnostic (the rest is never checked nor rewritten).
        let content = match Content::decode_strict(data) {
            Ok(c) => c,
            Err(_) => {
                let c = Content::decode(data).map_err(|_| {
                    Error::malformed(format!("content stream of {part} cannot be parsed"))
                })?;
                if !self.reread {
                    self.walk.diagnostics.push(
                        Diagnostic::error(
                            "content-unparsable",
                            "part of a content stream cannot be parsed; text in it cannot be checked",
                        )
                        .at(loc(part, page)),
                    );
                }
                c
            }
        };
        let depth = self.depth;
        let ops = content.operations;
        let mut gs = GState::default();
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        // Marked-content nesting: true for sequences that carry /ActualText.
        let mut mc: Vec<Option<usize>> = Vec::new();
        let mut has_image = false;
        for (oi, op) in ops.iter().enumerate() {
            if oi % 8192 == 8191 {
                docsan_core::check_deadline("a content stream")?;
            }
            let o = &op.operands;
            match op.operator.as_str() {
                "q" if stack.len() < 4096 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" => {
                    if let Some(m) = nums::<6>(o) {
                        gs.ctm = mul(&m, &gs.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tc" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.tc = v;
                    }
                }
                "Tw" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.tw = v;
                    }
                }
                "Tz" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.th = v / 100.0;
                    }
                }
                "TL" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.tl = v;
                    }
                }
                "Ts" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.trise = v;
                    }
                }
                "Tr" => {
                    if let Some(Object::Integer(m)) = o.first() {
                        gs.tr = *m;
                    }
                }
                "Tf" => {
                    if let (Some(Object::Name(n)), Some(size)) = (o.first(), o.get(1).and_then(num))
                    {
                        gs.tfs = size;
                        gs.font = self.font_for(owner, resources, n);
                        if gs.font.is_none() {
                            self.walk.diagnostics.push(
                                Diagnostic::error(
                                    "font-missing",
                                    "a text operation uses a font that is not in the resources; its text cannot be checked",
                                )
                                .at(loc(part, page)),
                            );
                        }
                    }
                }
                "Td" => {
                    if let Some([tx, ty]) = nums::<2>(o) {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                "TD" => {
                    if let Some([tx, ty]) = nums::<2>(o) {
                        gs.tl = -ty;
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(o) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator == "'" || op.operator == "\"" {
                        if op.operator == "\""
                            && let Some([aw, ac]) = o.get(..2).and_then(nums::<2>)
                        {
                            gs.tw = aw;
                            gs.tc = ac;
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                        tm = tlm;
                    }
                    let in_at = mc.iter().rev().find_map(|a| *a);
                    let elems: Vec<(usize, &Object)> = if op.operator == "TJ" {
                        match o.first() {
                            Some(Object::Array(a)) => a.iter().enumerate().collect(),
                            _ => Vec::new(),
                        }
                    } else {
                        o.iter()
                            .enumerate()
                            .filter(|(_, x)| matches!(x, Object::String(..)))
                            .collect()
                    };
                    for (ei, e) in elems {
                        match e {
                            Object::String(bytes, _) => {
                                self.show(owner, oi, ei, bytes, &gs, &mut tm, in_at, part, page)
                            }
                            other => {
                                if let Some(n) = num(other) {
                                    let tx = -n / 1000.0 * gs.tfs * gs.th;
                                    let vertical = gs
                                        .font
                                        .and_then(|f| self.walk.fonts.get(f))
                                        .is_some_and(|f| f.is_vertical());
                                    let t = if vertical {
                                        [1.0, 0.0, 0.0, 1.0, 0.0, -n / 1000.0 * gs.tfs]
                                    } else {
                                        [1.0, 0.0, 0.0, 1.0, tx, 0.0]
                                    };
                                    tm = mul(&t, &tm);
                                }
                            }
                        }
                    }
                }
                "BDC" | "BMC" | "DP" | "MP" => {
                    let mut has_at = None;
                    if let Some(Object::Dictionary(props)) = o.get(1) {
                        for (k, v) in props.iter() {
                            if let Object::String(b, _) = v {
                                let si = self.next_op_string;
                                self.next_op_string += 1;
                                if k == b"ActualText" {
                                    has_at = Some(si);
                                }
                                if !self.reread {
                                    self.walk.op_strings.push(OpString {
                                        owner,
                                        op: oi,
                                        operand: 1,
                                        key: k.clone(),
                                        bytes: b.clone(),
                                    });
                                }
                            }
                        }
                    }
                    if (op.operator == "BDC" || op.operator == "BMC") && mc.len() < 4096 {
                        mc.push(has_at);
                    }
                }
                "EMC" => {
                    if let Some(Some(ai)) = mc.pop() {
                        self.close_actual_text(ai);
                    }
                }
                "BI" | "INLINE IMAGE" => has_image = true,
                "Do" => {
                    if let Some(Object::Name(n)) = o.first() {
                        self.do_xobject(resources, n, page, depth, &mut has_image);
                    }
                }
                _ => {}
            }
        }
        Ok((ops, has_image))
    }

    fn do_xobject(
        &mut self,
        resources: &Dictionary,
        name: &[u8],
        page: u32,
        depth: u32,
        has_image: &mut bool,
    ) {
        let Some(xobjs) = resources
            .get(b"XObject")
            .ok()
            .and_then(|x| deref_dict(self.doc, x))
        else {
            return;
        };
        let Ok(Object::Reference(id)) = xobjs.get(name) else {
            return;
        };
        let Ok(Object::Stream(s)) = self.doc.get_object(*id) else {
            return;
        };
        match s.dict.get(b"Subtype").and_then(|o| o.as_name()) {
            Ok(b"Form") if !self.reread && self.forms_seen.insert(*id) => {
                self.queue
                    .push((*id, resources.clone(), page, depth + 1, false));
            }
            Ok(b"Image") => *has_image = true,
            _ => {}
        }
    }

    /// At the end of an `/ActualText` span: when the glyphs read differently from the span's
    /// text and there is one glyph per character (fallback glyphs of a font that lacks the
    /// script), each glyph takes its character from the span, so the unit reads the real text.
    fn close_actual_text(&mut self, ai: usize) {
        if !self.actual_used.insert(ai) {
            return;
        }
        let Some(s) = self.walk.op_strings.get(ai) else {
            return;
        };
        let (text, _) = crate::textenc::decode_text_string(&s.bytes);
        let mut idx: Vec<usize> = Vec::new();
        for (i, g) in self.glyphs.iter().enumerate().rev() {
            if g.actual != Some(ai) {
                break;
            }
            idx.push(i);
        }
        idx.reverse();
        let shown: String = idx.iter().map(|&i| self.glyphs[i].text.as_str()).collect();
        let chars: Vec<char> = text.chars().collect();
        if shown == text || chars.len() != idx.len() {
            return;
        }
        for (&i, c) in idx.iter().zip(chars) {
            self.glyphs[i].text = c.to_string();
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn show(
        &mut self,
        owner: usize,
        op: usize,
        elem: usize,
        bytes: &[u8],
        gs: &GState,
        tm: &mut Matrix,
        actual: Option<usize>,
        part: &str,
        page: u32,
    ) {
        let Some(fi) = gs.font else {
            if !bytes.is_empty() {
                self.walk.diagnostics.push(
                    Diagnostic::error(
                        "text-without-font",
                        "text is shown without a usable font; it cannot be checked",
                    )
                    .at(loc(part, page)),
                );
            }
            return;
        };
        if self.fonts_reported.insert(fi) {
            let font = &self.walk.fonts[fi];
            for d in font.diagnostics() {
                let mut d = d.clone();
                if d.location.is_none() {
                    d = d.at(loc(part, page));
                }
                self.walk.diagnostics.push(d);
            }
        }
        let font = &self.walk.fonts[fi];
        let vertical = font.is_vertical();
        let glyphs = font.decode(bytes);
        // Inside an /ActualText span the text comes from the span, not from the glyphs.
        let unknown = actual.is_none() && glyphs.iter().any(|g| g.text.is_empty() && g.width > 0.0);
        if unknown && self.fonts_unmapped.insert(fi) && font.diagnostics().is_empty() {
            self.walk.diagnostics.push(
                Diagnostic::error(
                    "glyph-without-text",
                    "a font draws glyphs whose text is unknown; they cannot be checked",
                )
                .at(loc(part, page)),
            );
        }
        let font = &self.walk.fonts[fi];
        let mut start = 0usize;
        for mut g in glyphs {
            g.width = width_1000(font, g.width);

            let trm = mul(
                &mul(&[gs.tfs * gs.th, 0.0, 0.0, gs.tfs, 0.0, gs.trise], tm),
                &gs.ctm,
            );
            let tw_applied = if g.len == 1 && g.code == 32 {
                gs.tw
            } else {
                0.0
            };
            let (x0, y0) = apply(&trm, 0.0, 0.0);
            let vm = if vertical {
                let m = font.vertical_metrics(g.code, g.len);
                [
                    if m[0].is_finite() { m[0] } else { -1000.0 },
                    if m[1].is_finite() {
                        m[1]
                    } else {
                        g.width / 2.0
                    },
                    if m[2].is_finite() { m[2] } else { 880.0 },
                ]
            } else {
                [0.0; 3]
            };
            let t = if vertical {
                [
                    1.0,
                    0.0,
                    0.0,
                    1.0,
                    0.0,
                    vm[0] / 1000.0 * gs.tfs + gs.tc + tw_applied,
                ]
            } else {
                let tx = (g.width / 1000.0 * gs.tfs + gs.tc + tw_applied) * gs.th;
                [1.0, 0.0, 0.0, 1.0, tx, 0.0]
            };
            *tm = mul(&t, tm);
            let trm_end = mul(
                &mul(&[gs.tfs * gs.th, 0.0, 0.0, gs.tfs, 0.0, gs.trise], tm),
                &gs.ctm,
            );
            let (x1, y1) = apply(&trm_end, 0.0, 0.0);
            let alt = font.alt_text(g.code, g.len);
            self.glyphs.push(GlyphRec {
                owner,
                op,
                elem,
                start,
                len: g.len,
                code: g.code,
                font: fi,
                text: g.text,
                width: g.width,
                tfs: gs.tfs,
                th: gs.th,
                tc: gs.tc,
                tw_applied,
                invisible: gs.tr == 3 || gs.tr == 7,
                vmetrics: vm,
                trm,
                x0,
                y0,
                x1,
                y1,
                in_actual_text: actual.is_some(),
                actual,
                vertical,
                alt,
            });
            start += usize::from(g.len.max(1));
        }
    }
}

pub(crate) fn loc(part: &str, page: u32) -> Location {
    Location {
        part: Some(part.into()),
        page: (page > 0).then_some(page),
        ..Location::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use docsan_core::ErrorKind;
    use lopdf::{Stream, dictionary};

    /// Two pages; the first uses a direct (unreferenced) font dictionary under two `Tf`, draws a
    /// form and carries an `/ActualText` span; the second uses a referenced font.
    fn sample() -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let font = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
        };
        let font_id = doc.add_object(font.clone());
        let form = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 300.into(), 100.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F9" => Object::Reference(font_id) } },
            },
            b"BT /F9 9 Tf 10 10 Td (in the form) Tj ET".to_vec(),
        ));
        let page1 = b"BT /F1 12 Tf 50 250 Td (Zhang San) Tj /F1 10 Tf 0 -20 Td [(ID 1101) -20 (0119)] TJ ET \
/Span <</ActualText (LS)>> BDC BT /F1 10 Tf 50 150 Td (XY) Tj ET EMC /X1 Do"
            .to_vec();
        let page2 = b"BT /F2 11 Tf 40 200 Td (second page) Tj T* (more) ' ET".to_vec();
        let mut kids = Vec::new();
        for (content, resources) in [
            (
                page1,
                dictionary! {
                    "Font" => dictionary! { "F1" => Object::Dictionary(font) },
                    "XObject" => dictionary! { "X1" => Object::Reference(form) },
                },
            ),
            (
                page2,
                dictionary! { "Font" => dictionary! { "F2" => Object::Reference(font_id) } },
            ),
        ] {
            let cid = doc.add_object(Stream::new(Dictionary::new(), content));
            let pid = doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => Object::Reference(pages_id),
                "MediaBox" => vec![0.into(), 0.into(), 400.into(), 300.into()],
                "Resources" => resources, "Contents" => Object::Reference(cid),
            });
            kids.push(Object::Reference(pid));
        }
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }),
        );
        let cat = doc.add_object(
            dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) },
        );
        doc.trailer.set("Root", Object::Reference(cat));
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    #[test]
    fn a_second_reading_gives_the_same_glyphs_and_no_new_fonts() {
        let bytes = sample();
        let limits = Limits::default();
        let doc = crate::load(&bytes, &limits).expect("load");
        let budget = docsan_core::LimitsBudget::new(&limits);
        let mut walk = walk_document(&doc, &limits, &budget).expect("walk");
        // Page 1, the form it draws, page 2.
        assert_eq!(walk.owners.len(), 3);
        let fonts = walk.fonts.len();
        // The direct dictionary is loaded once for both `Tf`, the referenced one once for the
        // form and page 2.
        assert_eq!(fonts, 2);
        let mut next = 0;
        let mut texts = Vec::new();
        for oi in 0..walk.owners.len() {
            assert_eq!(walk.owners[oi].glyph_start, next);
            next += walk.owners[oi].glyph_count;
            let (ops, glyphs) = reread(&doc, &limits, &mut walk, oi).expect("reread");
            assert!(!ops.is_empty());
            assert_eq!(glyphs.len(), walk.owners[oi].glyph_count);
            // Glyphs are in (op, elem, start) order, which the rewrite's binary search needs.
            assert!(
                glyphs
                    .windows(2)
                    .all(|w| (w[0].op, w[0].elem, w[0].start) < (w[1].op, w[1].elem, w[1].start))
            );
            texts.push(glyphs.iter().map(|g| g.text.as_str()).collect::<String>());
            for g in 0..walk.owners[oi].glyph_count {
                assert_eq!(walk.owner_of(walk.owners[oi].glyph_start + g), Some(oi));
            }
        }
        assert_eq!(walk.owner_of(next), None);
        assert_eq!(walk.fonts.len(), fonts, "a second reading loads no font");
        // The span's text replaces its fallback glyphs' text in the second reading too.
        assert_eq!(texts[0], "Zhang SanID 11010119LS");
        assert_eq!(texts[1], "in the form");
        assert_eq!(texts[2], "second pagemore");
    }

    #[test]
    fn a_second_reading_that_differs_is_an_internal_error() {
        let bytes = sample();
        let limits = Limits::default();
        let doc = crate::load(&bytes, &limits).expect("load");
        let budget = docsan_core::LimitsBudget::new(&limits);
        let mut walk = walk_document(&doc, &limits, &budget).expect("walk");
        walk.owners[2].digest ^= 1;
        let e = reread(&doc, &limits, &mut walk, 2)
            .err()
            .expect("must fail");
        assert_eq!(e.kind, ErrorKind::Internal);
        walk.owners[2].digest ^= 1;
        walk.owners[2].glyph_count += 1;
        let e = reread(&doc, &limits, &mut walk, 2)
            .err()
            .expect("must fail");
        assert_eq!(e.kind, ErrorKind::Internal);
        // The shared tables are given back after a failure.
        assert_eq!(walk.owners.len(), 3);
        assert_eq!(walk.fonts.len(), 2);
        assert_eq!(walk.op_strings.len(), 1);
        assert!(reread(&doc, &limits, &mut walk, 0).is_ok());
    }
}
