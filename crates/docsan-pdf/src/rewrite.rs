//! Applying a plan: glyph-exact masking in content streams, string and XMP edits, attachments,
//! and writing a single fresh revision.
//!
//! A masked glyph's code is replaced inside its own string by the font's mask glyph, and the
//! difference in advance is compensated by a `TJ` adjustment, so every later glyph keeps its
//! exact position. When the font has no mask glyph (or the policy asks for a box or blank), the
//! code is removed, its advance kept by an adjustment, and the mask drawn separately as a path.
//! The output is always one revision with only reachable objects: earlier revisions, free
//! objects and object streams of the input never reach it.

use crate::content::{Matrix, OwnerKind};
use crate::objects::{string_at_mut, xml_escape};
use crate::textenc::encode_text_string;
use crate::{PdfDocument, Source};
use docsan_core::{Diagnostic, EmbeddedAction, Error, Plan, Result, VisualMask};
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};
use std::collections::{BTreeMap, BTreeSet};

/// What happens to one glyph.
#[derive(Clone, Copy, Debug)]
enum Act {
    /// Replace the code by another of the same font (the mask glyph or a substitute).
    Replace {
        code: u32,
        len: u8,
        width: f32,
        /// Vertical displacement (w1y) of the new glyph, for vertical fonts.
        w1: f32,
    },
    /// Remove the code, keep the advance; `draw` says whether a mask is drawn in its place.
    Remove,
}

/// Substitute codes (code, length, width) per (font, character), looked up once.
type SubCache = BTreeMap<(usize, char), Option<(u32, u8, f32, f32)>>;

fn is_mask_char(c: char) -> bool {
    matches!(c, '*' | '＊' | '█' | '■' | '●' | '×' | 'x' | 'X' | '#')
}

/// Applies the edits of one unit to its text, checking ranges.
fn apply_edits(text: &str, edits: &[&docsan_core::Edit]) -> Result<String> {
    let mut out = String::new();
    let mut pos = 0;
    for e in edits {
        if e.range.start < pos
            || e.range.end > text.len()
            || e.range.start > e.range.end
            || !text.is_char_boundary(e.range.start)
            || !text.is_char_boundary(e.range.end)
        {
            return Err(Error::refused(
                "an edit range is outside its unit or overlaps another",
            ));
        }
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

pub(crate) fn rewrite(
    d: &mut PdfDocument,
    plan: &Plan,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<u8>> {
    let mut doc = d.doc.clone();
    // Group edits per unit, in order.
    let mut per_unit: BTreeMap<usize, Vec<&docsan_core::Edit>> = BTreeMap::new();
    for e in &plan.edits {
        let u = e.unit.0 as usize;
        if u >= d.units.len() {
            return Err(Error::refused(
                "an edit names a unit this document does not have",
            ));
        }
        per_unit.entry(u).or_default().push(e);
    }
    for v in per_unit.values_mut() {
        v.sort_by_key(|e| (e.range.start, e.range.end));
    }

    // Glyphs to change: (document-wide glyph, replacement character), in plan order.
    let mut wanted: Vec<(u32, char)> = Vec::new();
    let mut subs = BTreeMap::new();
    let mut op_string_new: BTreeMap<usize, String> = BTreeMap::new();
    let mut xmp_new: BTreeMap<usize, String> = BTreeMap::new();
    let mut js_new: BTreeMap<ObjectId, String> = BTreeMap::new();
    for (&u, edits) in &per_unit {
        let text = &d.units[u].text;
        let new_text = apply_edits(text, edits)?;
        match &d.sources[u] {
            Source::Glyphs(chars) => wanted_glyphs(text, edits, chars, &d.walk.copies, &mut wanted),
            Source::OpString(i) => {
                op_string_new.insert(*i, new_text);
            }
            Source::Str(i) => {
                let s = &d.strs[*i];
                let bytes = encode_text_string(&new_text, s.encoding);
                let obj = doc
                    .get_object_mut(s.id)
                    .map_err(|_| Error::internal("a string unit's object disappeared"))?;
                let slot = string_at_mut(obj, &s.path)
                    .ok_or_else(|| Error::internal("a string unit's path no longer resolves"))?;
                *slot = bytes;
            }
            Source::Xmp(i) => {
                xmp_new.insert(*i, new_text);
            }
            Source::Js(id) => {
                js_new.insert(*id, new_text);
            }
        }
    }

    // Content streams with masked glyphs or edited marked-content strings, one at a time: each
    // is read again (operations and glyphs), changed, encoded and let go, so a long document
    // never holds the operations of all its pages at once.
    // A stable sort keeps the plan order of the characters asked for one glyph.
    wanted.sort_by_key(|(g, _)| *g);
    let mut wanted_by_owner: BTreeMap<usize, Vec<(usize, char)>> = BTreeMap::new();
    for (g, c) in wanted {
        let g = g as usize;
        let owner = d
            .walk
            .owner_of(g)
            .ok_or_else(|| Error::internal("a masked glyph belongs to no content stream"))?;
        let local = g - d.walk.owners[owner].glyph_start;
        wanted_by_owner.entry(owner).or_default().push((local, c));
    }
    let mut strings_by_owner: BTreeMap<usize, BTreeMap<usize, String>> = BTreeMap::new();
    for (i, t) in op_string_new {
        strings_by_owner
            .entry(d.walk.op_strings[i].owner)
            .or_default()
            .insert(i, t);
    }
    let mut touched: BTreeSet<usize> = wanted_by_owner.keys().copied().collect();
    touched.extend(strings_by_owner.keys().copied());
    let mut type3: Option<ObjectId> = None;
    for owner in touched {
        let (ops, glyphs) = crate::content::reread(&d.doc, &d.limits, &mut d.walk, owner)?;
        let mut acts: BTreeMap<usize, Act> = BTreeMap::new();
        let mut draw: BTreeSet<usize> = BTreeSet::new();
        if let Some(w) = wanted_by_owner.get(&owner) {
            glyph_actions(
                &d.walk.fonts,
                &glyphs,
                w,
                plan.visual_mask,
                &mut acts,
                &mut draw,
                &mut subs,
            )?;
        }
        let mut op_string_new = strings_by_owner.remove(&owner).unwrap_or_default();
        // A masked glyph that carries an /ActualText span's text: the span's string is masked
        // too, character for character, or the value would stay in the marked content.
        for gi in acts.keys() {
            if let Some(ai) = glyphs[*gi].actual
                && !op_string_new.contains_key(&ai)
            {
                let (text, _) = crate::textenc::decode_text_string(&d.walk.op_strings[ai].bytes);
                let masked = docsan_core::mask_every_char(&text, '*', '＊');
                op_string_new.insert(ai, masked);
            }
        }
        if acts.is_empty() && op_string_new.is_empty() {
            continue;
        }
        let needs_font = plan.visual_mask == VisualMask::Glyph && !draw.is_empty();
        let font_name = if needs_font {
            add_mask_font(&mut doc, &d.walk.owners[owner].kind, &mut type3)
        } else {
            None
        };
        let bytes = rewrite_owner(
            d,
            owner,
            ops,
            &glyphs,
            &acts,
            &draw,
            &op_string_new,
            plan.visual_mask,
            font_name.as_deref(),
        )?;
        drop(glyphs);
        let mut stream = Stream::new(Dictionary::new(), Vec::new());
        stream.set_plain_content(bytes.clone());
        compress(&mut stream).map_err(|_| Error::internal("cannot compress a content stream"))?;
        match &d.walk.owners[owner].kind {
            OwnerKind::Page { page_id } => {
                let sid = doc.add_object(Object::Stream(stream));
                let page = doc
                    .get_dictionary_mut(*page_id)
                    .map_err(|_| Error::internal("a page disappeared"))?;
                page.set("Contents", Object::Reference(sid));
            }
            OwnerKind::Stream { id, .. } => {
                let Ok(Object::Stream(s)) = doc.get_object_mut(*id) else {
                    return Err(Error::internal("a form stream disappeared"));
                };
                s.set_plain_content(bytes);
                compress(s).map_err(|_| Error::internal("cannot compress a content stream"))?;
            }
        }
    }

    // XMP packets: replace text nodes from the end so earlier ranges stay valid.
    let mut per_stream: BTreeMap<ObjectId, Vec<usize>> = BTreeMap::new();
    for i in xmp_new.keys() {
        per_stream.entry(d.xmp[*i].stream).or_default().push(*i);
    }
    for (sid, mut items) in per_stream {
        let Some(orig) = d.xmp_text.get(&sid) else {
            continue;
        };
        let mut text = orig.clone();
        items.sort_by_key(|i| std::cmp::Reverse(d.xmp[*i].range.start));
        for i in items {
            let r = d.xmp[i].range.clone();
            if r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
            {
                text.replace_range(r, &xml_escape(&xmp_new[&i]));
            } else {
                return Err(Error::internal("an XMP range is out of bounds"));
            }
        }
        set_stream(&mut doc, sid, text.into_bytes())?;
    }
    for (sid, text) in js_new {
        // Written as UTF-8 when the script was; otherwise as a PDF text string (UTF-16BE).
        let original = crate::content::stream_bytes(
            &d.doc,
            sid,
            &d.limits,
            &docsan_core::LimitsBudget::new(&d.limits),
        )?;
        let bytes = if std::str::from_utf8(&original).is_ok() {
            text.into_bytes()
        } else {
            encode_text_string(&text, crate::textenc::TextEncoding::Utf16Be)
        };
        set_stream(&mut doc, sid, bytes)?;
    }

    // Attachments: replace or remove as the plan says; unsupported types are always removed.
    let mut remove: BTreeSet<ObjectId> = BTreeSet::new();
    for (i, a) in d.attachments.iter().enumerate() {
        if a.bytes.is_none() {
            remove.insert(a.att.stream);
        }
        let action = plan
            .embedded
            .iter()
            .find(|(id, _)| id.0 as usize == i)
            .map(|(_, a)| a);
        match action {
            Some(EmbeddedAction::Replace(bytes)) => {
                let Ok(Object::Stream(s)) = doc.get_object_mut(a.att.stream) else {
                    continue;
                };
                s.dict.remove(b"Params");
                s.set_plain_content(bytes.clone());
                let _ = compress(s);
            }
            Some(EmbeddedAction::Remove) => {
                remove.insert(a.att.stream);
                diags.push(Diagnostic::info(
                    "attachment-removed",
                    "an attached file was removed as planned",
                ));
            }
            None => {}
        }
    }
    if !remove.is_empty() {
        remove_attachments(&mut doc, &remove);
    }
    // XFA cannot be checked: drop it so viewers use the (checked) AcroForm fields.
    let af_ref = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"AcroForm").ok())
        .cloned();
    match af_ref {
        Some(Object::Reference(id)) => {
            if let Ok(af) = doc.get_dictionary_mut(id) {
                af.remove(b"XFA");
            }
        }
        Some(Object::Dictionary(_)) => {
            if let Ok(c) = doc.catalog_mut()
                && let Ok(Object::Dictionary(af)) = c.get_mut(b"AcroForm")
            {
                af.remove(b"XFA");
            }
        }
        _ => {}
    }
    // Thumbnails are pictures of the unmasked page; private application data may hold a copy.
    let page_ids: Vec<ObjectId> = doc.get_pages().values().copied().collect();
    for p in page_ids {
        if let Ok(pd) = doc.get_dictionary_mut(p) {
            pd.remove(b"Thumb");
            pd.remove(b"PieceInfo");
        }
    }
    if let Ok(c) = doc.catalog_mut() {
        c.remove(b"PieceInfo");
    }
    for obj in doc.objects.values_mut() {
        if let Object::Stream(st) = obj {
            st.dict.remove(b"PieceInfo");
        }
    }
    finalize(&mut doc, &d.id_seed)
}

/// A glyph procedure drawing a six-armed asterisk in a 500 × 1000 glyph box.
const ASTERISK_PROC: &[u8] =
    b"500 0 d0 60 w 1 J 250 560 m 250 140 l 68 455 m 432 245 l 68 245 m 432 455 l S";

/// Adds the small Type3 `*` font to the resources of an owner (once per document for the
/// font object, once per owner for the resource entry) and returns its resource name. The
/// owner's resources are copied into its own dictionary first, so resources shared with other
/// pages or inherited from the page tree are not changed for anyone else. Forms that inherit
/// their resources get `None`: their mask is drawn as a path instead.
fn add_mask_font(
    doc: &mut lopdf::Document,
    kind: &OwnerKind,
    type3: &mut Option<ObjectId>,
) -> Option<String> {
    let mut resources = match kind {
        OwnerKind::Page { page_id } => crate::content::page_resources(doc, *page_id),
        OwnerKind::Stream { id, .. } => {
            let s = doc.get_object(*id).ok()?.as_stream().ok()?;
            let r = s.dict.get(b"Resources").ok()?;
            crate::content::deref_dict(doc, r)?.clone()
        }
    };
    let mut fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|f| crate::content::deref_dict(doc, f))
        .cloned()
        .unwrap_or_default();
    let mut name = String::from("DocsanMask");
    let mut n = 0;
    while fonts.has(name.as_bytes()) {
        n += 1;
        name = format!("DocsanMask{n}");
    }
    let font_id = match type3 {
        Some(id) => *id,
        None => {
            let proc_id = doc.add_object(Stream::new(Dictionary::new(), ASTERISK_PROC.to_vec()));
            let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /DocsanMask def 1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <2A> <002A> endbfchar endcmap CMapName currentdict /CMap defineresource pop end end".to_vec();
            let tu = doc.add_object(Stream::new(Dictionary::new(), cmap));
            let mut procs = Dictionary::new();
            procs.set("asterisk", Object::Reference(proc_id));
            let mut enc = Dictionary::new();
            enc.set("Type", Object::Name(b"Encoding".to_vec()));
            enc.set(
                "Differences",
                Object::Array(vec![
                    Object::Integer(42),
                    Object::Name(b"asterisk".to_vec()),
                ]),
            );
            let mut f = Dictionary::new();
            f.set("Type", Object::Name(b"Font".to_vec()));
            f.set("Subtype", Object::Name(b"Type3".to_vec()));
            f.set(
                "FontBBox",
                Object::Array(vec![0.into(), 0.into(), 500.into(), 1000.into()]),
            );
            f.set(
                "FontMatrix",
                Object::Array(vec![
                    Object::Real(0.001),
                    0.into(),
                    0.into(),
                    Object::Real(0.001),
                    0.into(),
                    0.into(),
                ]),
            );
            f.set("CharProcs", Object::Dictionary(procs));
            f.set("Encoding", Object::Dictionary(enc));
            f.set("FirstChar", 42);
            f.set("LastChar", 42);
            f.set("Widths", Object::Array(vec![500.into()]));
            f.set("Resources", Object::Dictionary(Dictionary::new()));
            f.set("ToUnicode", Object::Reference(tu));
            let id = doc.add_object(Object::Dictionary(f));
            *type3 = Some(id);
            id
        }
    };
    fonts.set(name.clone(), Object::Reference(font_id));
    resources.set("Font", Object::Dictionary(fonts));
    match kind {
        OwnerKind::Page { page_id } => {
            doc.get_dictionary_mut(*page_id)
                .ok()?
                .set("Resources", Object::Dictionary(resources));
        }
        OwnerKind::Stream { id, .. } => {
            let Ok(Object::Stream(s)) = doc.get_object_mut(*id) else {
                return None;
            };
            s.dict.set("Resources", Object::Dictionary(resources));
        }
    }
    Some(name)
}

fn set_stream(doc: &mut lopdf::Document, id: ObjectId, bytes: Vec<u8>) -> Result<()> {
    let Ok(Object::Stream(s)) = doc.get_object_mut(id) else {
        return Err(Error::internal("a text stream disappeared"));
    };
    s.set_plain_content(bytes);
    compress(s).map_err(|_| Error::internal("cannot compress a stream"))
}

/// Deletes embedded file streams and the `/EF` entries that point at them.
fn remove_attachments(doc: &mut lopdf::Document, remove: &BTreeSet<ObjectId>) {
    fn strip(o: &mut Object, remove: &BTreeSet<ObjectId>, depth: u32) {
        if depth > 32 {
            return;
        }
        match o {
            Object::Dictionary(d) => {
                let hit = d
                    .get(b"EF")
                    .ok()
                    .and_then(|e| e.as_dict().ok())
                    .is_some_and(|ef| {
                        ef.iter()
                            .any(|(_, v)| v.as_reference().is_ok_and(|r| remove.contains(&r)))
                    });
                if hit {
                    d.remove(b"EF");
                }
                for (_, v) in d.iter_mut() {
                    strip(v, remove, depth + 1);
                }
            }
            Object::Array(a) => {
                for v in a {
                    strip(v, remove, depth + 1);
                }
            }
            _ => {}
        }
    }
    for obj in doc.objects.values_mut() {
        strip(obj, remove, 0);
    }
    for id in remove {
        doc.objects.remove(id);
    }
}

/// The trailer's `/ID` when it is well formed (two strings), which the output keeps.
pub(crate) fn trailer_id(trailer: &Dictionary) -> Option<Object> {
    match trailer.get(b"ID") {
        Ok(Object::Array(a))
            if a.len() == 2 && a.iter().all(|x| matches!(x, Object::String(..))) =>
        {
            Some(Object::Array(a.clone()))
        }
        _ => None,
    }
}

/// Writes one fresh revision: a clean trailer, only reachable objects, a deterministic /ID.
fn finalize(doc: &mut lopdf::Document, id_seed: &[u8; 16]) -> Result<Vec<u8>> {
    let old = std::mem::take(&mut doc.trailer);
    let mut trailer = Dictionary::new();
    for k in [&b"Root"[..], b"Info"] {
        if let Ok(v) = old.get(k)
            && matches!(v, Object::Reference(_))
        {
            trailer.set(k, v.clone());
        }
    }
    let id = match trailer_id(&old) {
        Some(id) => id,
        None => Object::Array(vec![
            Object::String(id_seed.to_vec(), StringFormat::Hexadecimal),
            Object::String(id_seed.to_vec(), StringFormat::Hexadecimal),
        ]),
    };
    trailer.set("ID", id);
    doc.trailer = trailer;
    // The output is not encrypted: a leftover `/Crypt` filter (an unencrypted-metadata marker)
    // would make readers look for a security handler that is gone.
    for obj in doc.objects.values_mut() {
        if let Object::Stream(s) = obj
            && s.filters().is_ok_and(|f| f == [b"Crypt".as_slice()])
        {
            s.dict.remove(b"Filter");
            s.dict.remove(b"DecodeParms");
        }
    }
    doc.prune_objects();
    // Dense numbering: the cross-reference table then lists no free objects besides 0.
    doc.renumber_objects();
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|_| Error::internal("cannot serialize the pdf"))?;
    Ok(out)
}

/// The glyphs a unit's edits change, with the character each should show.
fn wanted_glyphs(
    text: &str,
    edits: &[&docsan_core::Edit],
    chars: &[crate::layout::CharMap],
    table: &[u32],
    wanted: &mut Vec<(u32, char)>,
) {
    for e in edits {
        let orig: Vec<(usize, char)> = text[e.range.clone()]
            .char_indices()
            .map(|(i, c)| (i + e.range.start, c))
            .collect();
        let repl: Vec<char> = e.replacement.chars().collect();
        let same_len = orig.len() == repl.len();
        for (k, (pos, oc)) in orig.iter().enumerate() {
            let rc = if same_len { repl[k] } else { '*' };
            if rc == *oc || oc.is_whitespace() {
                continue;
            }
            let Some(m) = chars.iter().find(|m| m.range().contains(pos)) else {
                continue;
            };
            for gi in m.glyphs(table) {
                wanted.push((u32::try_from(gi).unwrap_or(u32::MAX), rc));
            }
        }
    }
}

/// What happens to each glyph of one owner that the plan changes (`wanted`: owner-local glyph
/// and character, sorted by glyph, plan order within one glyph; the first character that changes
/// the glyph wins).
#[allow(clippy::too_many_arguments)]
fn glyph_actions(
    fonts: &[crate::font::Font],
    glyphs: &[crate::content::GlyphRec],
    wanted: &[(usize, char)],
    mode: VisualMask,
    acts: &mut BTreeMap<usize, Act>,
    draw: &mut BTreeSet<usize>,
    subs: &mut SubCache,
) -> Result<()> {
    for &(gi, rc) in wanted {
        if acts.contains_key(&gi) {
            continue;
        }
        let g = glyphs
            .get(gi)
            .ok_or_else(|| Error::internal("a masked glyph is missing from its content stream"))?;
        let font = &fonts[g.font];
        if g.tfs.abs() < 1e-6 || g.th.abs() < 1e-6 {
            return Err(Error::refused(
                "a masked glyph has a zero font size or scaling",
            ));
        }
        let act = match mode {
            VisualMask::Glyph => {
                // Looking codes up is costly for large CMaps: once per font and char.
                let key = (g.font, if is_mask_char(rc) { '*' } else { rc });
                let sub = *subs.entry(key).or_insert_with(|| {
                    let sub = if is_mask_char(rc) {
                        font.mask_code()
                    } else {
                        font.codes_for(rc).first().and_then(|&(code, len)| {
                            let bytes = font.encode(code, len);
                            font.decode(&bytes).first().map(|gl| (code, len, gl.width))
                        })
                    };
                    sub.map(|(c, l, w)| {
                        let w1 = if font.is_vertical() {
                            font.vertical_metrics(c, l)[0]
                        } else {
                            0.0
                        };
                        (c, l, crate::font::width_1000(font, w), w1)
                    })
                });
                match sub {
                    // The glyph already shows the substitute: nothing to change.
                    Some((code, len, _, _)) if code == g.code && len == g.len => continue,
                    Some((code, len, width, w1)) => Act::Replace {
                        code,
                        len,
                        width,
                        w1,
                    },
                    None => {
                        draw.insert(gi);
                        Act::Remove
                    }
                }
            }
            VisualMask::Box => {
                draw.insert(gi);
                Act::Remove
            }
            VisualMask::Blank => Act::Remove,
        };
        // Invisible text usually lies over a scanned image that shows the same value:
        // cover its box as well, whatever the mode.
        if g.invisible {
            draw.insert(gi);
        }
        acts.insert(gi, act);
    }
    Ok(())
}

fn fmt_num(v: f32) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The mask drawn for a removed glyph, in the owner's initial user space.
fn mask_drawing(
    out: &mut String,
    trm: &Matrix,
    width: f32,
    offset: (f32, f32),
    mode: VisualMask,
    font: Option<&str>,
) {
    let trm = &crate::content::mul(&[1.0, 0.0, 0.0, 1.0, offset.0, offset.1], trm);
    let det = trm[0] * trm[3] - trm[1] * trm[2];
    if !det.is_finite() || det.abs() < 1e-9 || width.is_nan() || width <= 0.0 {
        return;
    }
    let m: Vec<String> = trm.iter().map(|v| fmt_num(*v)).collect();
    out.push_str(&format!("q {} cm ", m.join(" ")));
    match mode {
        VisualMask::Box => {
            out.push_str(&format!("0 g 0 -0.2 {} 1 re f Q\n", fmt_num(width)));
        }
        _ if font.is_some() => {
            // The added Type3 font's `*` (0.5 wide at size 1), centred in the glyph's advance
            // and shrunk for narrow glyphs; it extracts as `*` like any mask glyph.
            let size = (width / 0.5).min(1.0);
            let x = (width - 0.5 * size) / 2.0;
            out.push_str(&format!(
                "0 g 0 G BT /{} {} Tf {} 0 Td <2A> Tj ET Q\n",
                font.unwrap_or_default(),
                fmt_num(size),
                fmt_num(x)
            ));
        }
        _ => {
            // A six-armed asterisk, stroked, centred in the glyph box.
            let cx = width / 2.0;
            let cy = 0.35;
            let r = (width / 2.0).min(0.3) * 0.8;
            let lw = r * 0.3;
            let (s, c) = (0.5f32, 0.866f32);
            out.push_str(&format!(
                "0 G {lw} w 1 J {x0} {y0} m {x1} {y1} l {x2} {y2} m {x3} {y3} l {x4} {y4} m {x5} {y5} l S Q\n",
                lw = fmt_num(lw),
                x0 = fmt_num(cx),
                y0 = fmt_num(cy + r),
                x1 = fmt_num(cx),
                y1 = fmt_num(cy - r),
                x2 = fmt_num(cx - r * c),
                y2 = fmt_num(cy + r * s),
                x3 = fmt_num(cx + r * c),
                y3 = fmt_num(cy - r * s),
                x4 = fmt_num(cx - r * c),
                y4 = fmt_num(cy - r * s),
                x5 = fmt_num(cx + r * c),
                y5 = fmt_num(cy + r * s),
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn rewrite_owner(
    d: &PdfDocument,
    owner: usize,
    ops: Vec<Operation>,
    glyphs: &[crate::content::GlyphRec],
    acts: &BTreeMap<usize, Act>,
    draw: &BTreeSet<usize>,
    op_string_new: &BTreeMap<usize, String>,
    mode: VisualMask,
    mask_font: Option<&str>,
) -> Result<Vec<u8>> {
    let mut ops = ops;
    // Marked-content strings first: they do not change operation indices.
    for (i, new_text) in op_string_new {
        let s = &d.walk.op_strings[*i];
        if s.owner != owner {
            continue;
        }
        if let Some(op) = ops.get_mut(s.op)
            && let Some(Object::Dictionary(props)) = op.operands.get_mut(s.operand)
        {
            let (_, enc) = crate::textenc::decode_text_string(&s.bytes);
            props.set(
                s.key.clone(),
                Object::String(encode_text_string(new_text, enc), StringFormat::Hexadecimal),
            );
        }
    }
    let mut affected_ops: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for gi in acts.keys() {
        affected_ops.entry(glyphs[*gi].op).or_default().push(*gi);
    }
    let mut drawings = String::new();
    let mut out: Vec<Operation> = Vec::with_capacity(ops.len() + 8);
    for (oi, op) in ops.into_iter().enumerate() {
        let Some(gis) = affected_ops.get(&oi) else {
            out.push(op);
            continue;
        };
        let font = &d.walk.fonts[glyphs[gis[0]].font];
        let elems: Vec<(usize, Object)> = if op.operator == "TJ" {
            match op.operands.first() {
                Some(Object::Array(a)) => a.iter().cloned().enumerate().collect(),
                _ => return Err(Error::internal("a TJ operation lost its array")),
            }
        } else {
            op.operands
                .iter()
                .cloned()
                .enumerate()
                .filter(|(_, x)| matches!(x, Object::String(..)))
                .collect()
        };
        let mut arr: Vec<Object> = Vec::new();
        let mut cur: Vec<u8> = Vec::new();
        let flush = |cur: &mut Vec<u8>, arr: &mut Vec<Object>| {
            if !cur.is_empty() {
                arr.push(Object::String(
                    std::mem::take(cur),
                    StringFormat::Hexadecimal,
                ));
            }
        };
        for (ei, e) in elems {
            match e {
                Object::String(bytes, _) => {
                    // The string's glyphs as the second reading decoded them (same font, same
                    // bytes), found by binary search: glyphs are in reading order, (operation,
                    // element, offset) ascending.
                    let from = glyphs.partition_point(|g| (g.op, g.elem) < (oi, ei));
                    let to = from + glyphs[from..].partition_point(|g| (g.op, g.elem) == (oi, ei));
                    let mut off = 0usize;
                    for gi in from..to {
                        let glen = usize::from(glyphs[gi].len.max(1));
                        let end = (off + glen).min(bytes.len());
                        let slice = bytes.get(off..end).unwrap_or(&[]);
                        match acts.get(&gi).map(|a| (gi, *a)) {
                            None => cur.extend_from_slice(slice),
                            Some((gi, act)) => {
                                let g = &glyphs[gi];
                                let n = match act {
                                    // A TJ number n moves the next glyph by -n/1000 × Tfs
                                    // (× Th horizontally): n makes up the advance difference.
                                    Act::Replace {
                                        code,
                                        len,
                                        width,
                                        w1,
                                    } => {
                                        cur.extend_from_slice(&font.encode(code, len));
                                        if g.vertical {
                                            (w1 - g.vmetrics[0]) - g.tw_applied * 1000.0 / g.tfs
                                        } else {
                                            (width - g.width) - g.tw_applied * 1000.0 / g.tfs
                                        }
                                    }
                                    Act::Remove if g.vertical => {
                                        -(g.vmetrics[0] + (g.tc + g.tw_applied) * 1000.0 / g.tfs)
                                    }
                                    Act::Remove => {
                                        -(g.width + (g.tc + g.tw_applied) * 1000.0 / g.tfs)
                                    }
                                };
                                if n.abs() > 1e-6 {
                                    flush(&mut cur, &mut arr);
                                    arr.push(Object::Real(n));
                                }
                                if draw.contains(&gi) {
                                    let mode = if g.invisible { VisualMask::Box } else { mode };
                                    // Vertical glyphs hang from their origin: the glyph box
                                    // starts at (-vx, -vy) in thousandths.
                                    let offset = if g.vertical {
                                        (-g.vmetrics[1] / 1000.0, -g.vmetrics[2] / 1000.0)
                                    } else {
                                        (0.0, 0.0)
                                    };
                                    mask_drawing(
                                        &mut drawings,
                                        &g.trm,
                                        g.width / 1000.0,
                                        offset,
                                        mode,
                                        mask_font,
                                    );
                                }
                            }
                        }
                        off = end;
                    }
                    if off < bytes.len() {
                        cur.extend_from_slice(&bytes[off..]);
                    }
                }
                other => {
                    flush(&mut cur, &mut arr);
                    arr.push(other);
                }
            }
        }
        flush(&mut cur, &mut arr);
        match op.operator.as_str() {
            "'" => out.push(Operation::new("T*", vec![])),
            "\"" => {
                if let (Some(aw), Some(ac)) = (op.operands.first(), op.operands.get(1)) {
                    out.push(Operation::new("Tw", vec![aw.clone()]));
                    out.push(Operation::new("Tc", vec![ac.clone()]));
                }
                out.push(Operation::new("T*", vec![]));
            }
            _ => {}
        }
        out.push(Operation::new("TJ", vec![Object::Array(arr)]));
    }
    let encoded = Content { operations: out }
        .encode()
        .map_err(|_| Error::internal("cannot encode a content stream"))?;
    if drawings.is_empty() {
        return Ok(encoded);
    }
    let mut bytes = b"q\n".to_vec();
    bytes.extend_from_slice(&encoded);
    bytes.extend_from_slice(b"\nQ\n");
    bytes.extend_from_slice(drawings.as_bytes());
    Ok(bytes)
}

/// Flate-compresses a stream that has no filter, as `Stream::compress` does, but at zlib's
/// default level rather than level 9: rewritten content streams are recompressed on every
/// sanitized page, and level 9 costs two to three times as much for a few percent of size.
fn compress(s: &mut Stream) -> std::io::Result<()> {
    use std::io::Write as _;
    if s.dict.get(b"Filter").is_ok() {
        return Ok(());
    }
    let mut e = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(s.content.len() / 2),
        flate2::Compression::default(),
    );
    e.write_all(&s.content)?;
    let compressed = e.finish()?;
    if compressed.len() + 19 < s.content.len() {
        s.dict.set("Filter", "FlateDecode");
        s.set_content(compressed);
    }
    Ok(())
}
