//! Text outside the page: every string object, XMP metadata, JavaScript streams, attachments.
//!
//! Personal data hides where a viewer does not show it: the Info dictionary, XMP, annotation
//! contents and authors, form values, outline titles, structure-tree alternate text, link URIs,
//! JavaScript. Rather than enumerate the places we know, every string in every (non-stream)
//! object becomes a unit, classified by the key and dictionary it sits in, so a place nobody
//! listed is still checked (fail closed). Only keys that are binary by definition are skipped.

use crate::content::deref_dict;
use crate::textenc::{TextEncoding, decode_text_string};
use docsan_core::UnitKind;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

/// One step of a path from an object's root to a string inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PathSeg {
    Key(Vec<u8>),
    Index(usize),
}

/// A string object found in the document.
#[derive(Clone)]
pub(crate) struct StrUnit {
    pub id: ObjectId,
    pub path: Vec<PathSeg>,
    pub text: String,
    pub encoding: TextEncoding,
    pub kind: UnitKind,
    pub label: String,
}

/// Keys whose strings are binary or structural, never text for a reader.
const BINARY_KEYS: &[&[u8]] = &[
    b"ID",
    b"O",
    b"U",
    b"OE",
    b"UE",
    b"Perms",
    b"CheckSum",
    b"ByteRange",
    b"Panose",
    b"Registry",
    b"Ordering",
    b"CIDSet",
    b"Style",
    b"Lang",
    b"DA",
    b"DS",
    b"Version",
];

fn type_of(d: &Dictionary) -> &[u8] {
    d.get(b"Type").and_then(|t| t.as_name()).unwrap_or(b"")
}

/// Walks every object for strings.
pub(crate) fn collect_strings(doc: &Document) -> Vec<StrUnit> {
    let info_id = doc.trailer.get(b"Info").and_then(|o| o.as_reference()).ok();
    let mut out = Vec::new();
    for (&id, obj) in &doc.objects {
        let dict = match obj {
            Object::Dictionary(d) => Some(d),
            Object::Stream(s) => Some(&s.dict),
            _ => None,
        };
        if let Some(d) = dict {
            let t = type_of(d);
            if matches!(t, b"Font" | b"FontDescriptor" | b"XRef" | b"ObjStm") {
                continue;
            }
        }
        let is_info = Some(id) == info_id;
        let mut path = Vec::new();
        walk(obj, id, is_info, None, &mut path, &mut out, 0);
    }
    out
}

fn classify(parent: Option<&Dictionary>, key: &[u8], is_info: bool) -> UnitKind {
    if is_info {
        return UnitKind::Metadata;
    }
    let is_annot =
        parent.is_some_and(|d| type_of(d) == b"Annot" || (d.has(b"Subtype") && d.has(b"Rect")));
    let is_field = parent.is_some_and(|d| d.has(b"FT") || d.has(b"Kids") && d.has(b"T"));
    match key {
        b"URI" => UnitKind::Hyperlink,
        b"V" | b"DV" | b"TU" | b"TM" | b"Opt" => UnitKind::Field,
        b"T" if is_field => UnitKind::Field,
        b"T" if is_annot => UnitKind::Author,
        b"Alt" | b"ActualText" | b"E" => UnitKind::AltText,
        // The document information of an imported page or form (an /Info-like dictionary
        // kept in a /PieceInfo or XObject) names its author like the trailer's does.
        b"Author" => UnitKind::Metadata,
        b"Contents" | b"RC" | b"Subj" => UnitKind::Annotation,
        b"Title" => UnitKind::Annotation,
        b"F" | b"UF" | b"Desc" => UnitKind::Name,
        _ => UnitKind::Other,
    }
}

fn walk(
    obj: &Object,
    id: ObjectId,
    is_info: bool,
    parent: Option<(&Dictionary, &[u8])>,
    path: &mut Vec<PathSeg>,
    out: &mut Vec<StrUnit>,
    depth: u32,
) {
    if depth > 64 {
        return;
    }
    match obj {
        Object::String(bytes, _) => {
            let (key, pd) = match parent {
                Some((d, k)) => (k, Some(d)),
                None => (&b""[..], None),
            };
            if BINARY_KEYS.contains(&key) {
                return;
            }
            // A signature's /Contents is the binary signature itself; its /Name, /Reason and
            // /Location are text like any other.
            if key == b"Contents" && pd.is_some_and(|d| d.has(b"ByteRange")) {
                return;
            }
            let (text, encoding) = decode_text_string(bytes);
            if text.trim().is_empty() {
                return;
            }
            out.push(StrUnit {
                id,
                path: path.clone(),
                text,
                encoding,
                kind: classify(pd, key, is_info),
                label: String::from_utf8_lossy(key).into_owned(),
            });
        }
        Object::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                path.push(PathSeg::Index(i));
                walk(e, id, is_info, parent, path, out, depth + 1);
                path.pop();
            }
        }
        Object::Dictionary(d) => walk_dict(d, id, is_info, path, out, depth),
        Object::Stream(s) => walk_dict(&s.dict, id, is_info, path, out, depth),
        _ => {}
    }
}

fn walk_dict(
    d: &Dictionary,
    id: ObjectId,
    is_info: bool,
    path: &mut Vec<PathSeg>,
    out: &mut Vec<StrUnit>,
    depth: u32,
) {
    for (k, v) in d.iter() {
        path.push(PathSeg::Key(k.clone()));
        walk(
            v,
            id,
            is_info,
            Some((d, k.as_slice())),
            path,
            out,
            depth + 1,
        );
        path.pop();
    }
}

/// Finds the string at `path` inside `obj`, mutably.
pub(crate) fn string_at_mut<'a>(obj: &'a mut Object, path: &[PathSeg]) -> Option<&'a mut Vec<u8>> {
    let mut cur = obj;
    for seg in path {
        cur = match (cur, seg) {
            (Object::Array(a), PathSeg::Index(i)) => a.get_mut(*i)?,
            (Object::Dictionary(d), PathSeg::Key(k)) => d.get_mut(k).ok()?,
            (Object::Stream(s), PathSeg::Key(k)) => s.dict.get_mut(k).ok()?,
            _ => return None,
        };
    }
    match cur {
        Object::String(b, _) => Some(b),
        _ => None,
    }
}

/// A text node or attribute value of an XMP packet.
#[derive(Clone)]
pub(crate) struct XmpItem {
    pub stream: ObjectId,
    /// Byte range of the escaped text in the decoded stream.
    pub range: std::ops::Range<usize>,
    pub text: String,
    pub label: String,
}

/// Unescapes the five XML entities and numeric character references.
pub(crate) fn xml_unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p..];
        let Some(end) = after.find(';').filter(|e| *e <= 12) else {
            out.push('&');
            rest = &after[1..];
            continue;
        };
        let ent = &after[1..end];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                u32::from_str_radix(&ent[2..], 16)
                    .ok()
                    .and_then(char::from_u32)
            }
            _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub(crate) fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Splits an XMP packet into text nodes and attribute values, each labelled with the nearest
/// element or attribute name that is not RDF plumbing.
pub(crate) fn xmp_items(stream: ObjectId, text: &str) -> Vec<XmpItem> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut i = 0usize;
    while i < b.len() {
        if b[i] == b'<' {
            let Some(end_rel) = text[i..].find('>') else {
                break;
            };
            let end = i + end_rel;
            let tag = &text[i + 1..end];
            if tag.starts_with('?') || tag.starts_with('!') {
                // Comments and processing instructions; CDATA is rare in XMP.
                if tag.starts_with("!--")
                    && let Some(e) = text[i..].find("-->")
                {
                    i += e + 3;
                    continue;
                }
            } else if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim();
                while let Some(top) = stack.pop() {
                    if top == name {
                        break;
                    }
                }
            } else {
                let self_closing = tag.ends_with('/');
                let name_end = tag
                    .find(|c: char| c.is_whitespace() || c == '/')
                    .unwrap_or(tag.len());
                let name = tag[..name_end].to_string();
                // Attributes: name="value" or name='value'.
                let mut j = name_end;
                let tb = tag.as_bytes();
                while j < tb.len() {
                    let Some(eq) = tag[j..].find('=') else {
                        break;
                    };
                    let aname = tag[j..j + eq].trim().to_string();
                    let mut k = j + eq + 1;
                    while k < tb.len() && tb[k].is_ascii_whitespace() {
                        k += 1;
                    }
                    let Some(&q) = tb.get(k) else {
                        break;
                    };
                    if q != b'"' && q != b'\'' {
                        break;
                    }
                    let Some(close) = tag[k + 1..].find(char::from(q)) else {
                        break;
                    };
                    let vs = i + 1 + k + 1;
                    let ve = vs + close;
                    let raw = &text[vs..ve];
                    if !aname.starts_with("xmlns")
                        && !aname.starts_with("rdf:")
                        && !aname.starts_with("xml:")
                        && !raw.trim().is_empty()
                    {
                        out.push(XmpItem {
                            stream,
                            range: vs..ve,
                            text: xml_unescape(raw),
                            label: aname,
                        });
                    }
                    j = k + 1 + close + 1;
                }
                if !self_closing {
                    stack.push(name);
                }
            }
            i = end + 1;
        } else {
            let end = text[i..].find('<').map(|e| i + e).unwrap_or(b.len());
            let raw = &text[i..end];
            if !raw.trim().is_empty() {
                let label = stack
                    .iter()
                    .rev()
                    .find(|n| !n.starts_with("rdf:") && !n.starts_with("x:"))
                    .cloned()
                    .unwrap_or_default();
                out.push(XmpItem {
                    stream,
                    range: i..end,
                    text: xml_unescape(raw),
                    label,
                });
            }
            i = end;
        }
    }
    out
}

/// The XMP metadata streams and JavaScript streams of a document.
pub(crate) fn text_streams(doc: &Document) -> (Vec<ObjectId>, Vec<ObjectId>) {
    let mut xmp = Vec::new();
    let mut js = Vec::new();
    for (&id, obj) in &doc.objects {
        match obj {
            Object::Stream(s) => {
                let d = &s.dict;
                if type_of(d) == b"Metadata"
                    || d.get(b"Subtype")
                        .and_then(|o| o.as_name())
                        .is_ok_and(|n| n == b"XML")
                {
                    xmp.push(id);
                }
            }
            Object::Dictionary(d) => {
                if let Ok(Object::Reference(r)) = d.get(b"JS")
                    && matches!(doc.get_object(*r), Ok(Object::Stream(_)))
                {
                    js.push(*r);
                }
            }
            _ => {}
        }
    }
    js.sort();
    js.dedup();
    (xmp, js)
}

/// An embedded file stream and the name its file specification gives it.
#[derive(Clone)]
pub(crate) struct Attachment {
    pub stream: ObjectId,
    pub name: String,
}

/// Finds every embedded file (through `/EF` of any file specification, direct or indirect).
pub(crate) fn attachments(doc: &Document) -> Vec<Attachment> {
    let mut found: BTreeMap<ObjectId, String> = BTreeMap::new();
    fn visit(doc: &Document, o: &Object, found: &mut BTreeMap<ObjectId, String>, depth: u32) {
        if depth > 32 {
            return;
        }
        match o {
            Object::Dictionary(d) => {
                if let Some(ef) = d.get(b"EF").ok().and_then(|e| deref_dict(doc, e)) {
                    let name = ["UF", "F"]
                        .iter()
                        .find_map(|k| d.get(k.as_bytes()).ok().and_then(|v| v.as_str().ok()))
                        .map(|b| decode_text_string(b).0)
                        .unwrap_or_else(|| "attachment".into());
                    for (_, v) in ef.iter() {
                        if let Object::Reference(r) = v {
                            found.entry(*r).or_insert_with(|| name.clone());
                        }
                    }
                }
                for (_, v) in d.iter() {
                    visit(doc, v, found, depth + 1);
                }
            }
            Object::Array(a) => {
                for v in a {
                    visit(doc, v, found, depth + 1);
                }
            }
            _ => {}
        }
    }
    for obj in doc.objects.values() {
        visit(doc, obj, &mut found, 0);
    }
    // Embedded file streams not reached through a file specification still count, when they
    // are written at all (unreachable objects never reach the output).
    let reachable = reachable(doc);
    for (&id, obj) in &doc.objects {
        if !reachable.contains(&id) {
            continue;
        }
        if let Object::Stream(s) = obj
            && type_of(&s.dict) == b"EmbeddedFile"
        {
            found.entry(id).or_insert_with(|| "attachment".into());
        }
    }
    found
        .into_iter()
        .filter(|(id, _)| matches!(doc.get_object(*id), Ok(Object::Stream(_))))
        .map(|(stream, name)| Attachment { stream, name })
        .collect()
}

/// Keys whose stream values hold no text for a reader: font programs and their tables, CMaps,
/// masks, transfer and halftone functions, output profiles.
const KNOWN_STREAM_KEYS: &[&[u8]] = &[
    b"FontFile",
    b"FontFile2",
    b"FontFile3",
    b"ToUnicode",
    b"Encoding",
    b"JS",
    b"ColorSpace",
    b"CIDSet",
    b"CIDToGIDMap",
    b"SMask",
    b"Mask",
    b"TR",
    b"TR2",
    b"BG",
    b"BG2",
    b"UCR",
    b"UCR2",
    b"HT",
    b"Function",
    b"DestOutputProfile",
    b"Metadata",
    b"UseCMap",
];

/// Streams whose content docsan neither reads as text nor knows to be free of text (private
/// application data, tiling patterns, 3-D, sound, unknown types). Each is reported, because
/// nothing checks what it holds.
pub(crate) fn unchecked_streams(
    doc: &Document,
    walked: &std::collections::BTreeSet<ObjectId>,
) -> Vec<ObjectId> {
    // Streams read as content, and streams referenced where their role is known: font
    // programs, CMaps, glyph procedures.
    let mut known: std::collections::BTreeSet<ObjectId> = walked.clone();
    for obj in doc.objects.values() {
        let d = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            Object::Array(a) => {
                if a.first().is_some_and(|n| n.as_name().is_ok()) {
                    known.extend(a.iter().filter_map(|v| v.as_reference().ok()));
                }
                continue;
            }
            _ => continue,
        };
        for key in KNOWN_STREAM_KEYS {
            if let Ok(Object::Reference(r)) = d.get(key) {
                known.insert(*r);
            }
        }
        // Page content streams.
        match d.get(b"Contents") {
            Ok(Object::Reference(r)) => {
                known.insert(*r);
                if let Ok(Object::Array(a)) = doc.get_object(*r) {
                    known.extend(a.iter().filter_map(|v| v.as_reference().ok()));
                }
            }
            Ok(Object::Array(a)) => known.extend(a.iter().filter_map(|v| v.as_reference().ok())),
            _ => {}
        }
        if let Ok(procs) = d.get(b"CharProcs")
            && let Some(pd) = deref_dict(doc, procs)
        {
            known.extend(pd.iter().filter_map(|(_, v)| v.as_reference().ok()));
        }
        // Colour spaces are arrays led by a name: ICC profiles, Indexed lookup tables,
        // DeviceN and Separation tint functions.
        fn colour_arrays(o: &Object, known: &mut std::collections::BTreeSet<ObjectId>, depth: u32) {
            if depth > 8 {
                return;
            }
            match o {
                Object::Array(a) if a.first().is_some_and(|n| n.as_name().is_ok()) => {
                    for v in a {
                        match v {
                            Object::Reference(r) => {
                                known.insert(*r);
                            }
                            other => colour_arrays(other, known, depth + 1),
                        }
                    }
                }
                Object::Dictionary(d) => d
                    .iter()
                    .for_each(|(_, v)| colour_arrays(v, known, depth + 1)),
                _ => {}
            }
        }
        for (_, v) in d.iter() {
            colour_arrays(v, &mut known, 0);
        }
    }
    let reachable = reachable(doc);
    let mut out = Vec::new();
    for (&id, obj) in &doc.objects {
        let Object::Stream(s) = obj else { continue };
        if !reachable.contains(&id) {
            // Unreachable objects are not written to the output at all.
            continue;
        }
        let d = &s.dict;
        let t = type_of(d);
        let sub = d.get(b"Subtype").and_then(|o| o.as_name()).unwrap_or(b"");
        let ok = known.contains(&id)
            || matches!(
                t,
                b"XObject" | b"Metadata" | b"EmbeddedFile" | b"ObjStm" | b"XRef" | b"CMap"
            )
            || matches!(
                sub,
                b"Form" | b"Image" | b"XML" | b"Type1C" | b"CIDFontType0C" | b"OpenType"
            )
            || d.has(b"Length1")
            || d.has(b"Length2")
            || d.has(b"FunctionType")
            || d.has(b"PatternType")
            || d.has(b"Width") && d.has(b"Height")
            || d.has(b"ShadingType")
            || d.has(b"N") && d.has(b"Alternate");
        if !ok {
            out.push(id);
        }
    }
    out
}

/// Objects reachable from the trailer (what the writer keeps).
pub(crate) fn reachable(doc: &Document) -> std::collections::BTreeSet<ObjectId> {
    fn refs(o: &Object, out: &mut Vec<ObjectId>, depth: u32) {
        if depth > 64 {
            return;
        }
        match o {
            Object::Reference(r) => out.push(*r),
            Object::Array(a) => a.iter().for_each(|v| refs(v, out, depth + 1)),
            // Thumbnails, private application data and XFA are removed on rewrite.
            Object::Dictionary(d) => d
                .iter()
                .filter(|(k, _)| !matches!(k.as_slice(), b"Thumb" | b"PieceInfo" | b"XFA"))
                .for_each(|(_, v)| refs(v, out, depth + 1)),
            Object::Stream(s) => s
                .dict
                .iter()
                .filter(|(k, _)| k.as_slice() != b"PieceInfo")
                .for_each(|(_, v)| refs(v, out, depth + 1)),
            _ => {}
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = Vec::new();
    for (k, v) in doc.trailer.iter() {
        if k.as_slice() != b"Prev" && k.as_slice() != b"XRefStm" {
            refs(v, &mut stack, 0);
        }
    }
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        if let Ok(o) = doc.get_object(id) {
            refs(o, &mut stack, 0);
        }
    }
    seen
}
