//! PDF: our own object scanner, stream decoder, content-stream interpreter and font decoding.
//!
//! The scanner does not follow the cross-reference table: it finds every `N G obj` in the file,
//! so objects of earlier revisions (incremental updates), unreferenced objects and objects in
//! object streams are all read. Every object version is searched: strings anywhere (Info,
//! annotations, outlines, forms, JavaScript), every decompressed stream's bytes, XMP, embedded
//! files (recursively), and the whole raw file. Pages reached from the catalog are interpreted
//! with their resources; every other stream that shows text (an old revision's page, an
//! unreferenced object, an annotation appearance) is interpreted too, with its own resources or
//! with the fonts its resource names had elsewhere in the file.

mod content;
mod crypt;
mod filters;
mod font;
mod lexer;
mod wrap;

use crate::{Ctx, xml};
use docsan_core::{Diagnostic, Error, Location, UnitKind};
use filters::Decoded;
use lexer::{Lexer, Obj};
use std::collections::{BTreeMap, BTreeSet};

static NULL: Obj = Obj::Null;

/// One object version found in the file.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) num: u32,
    pub(crate) generation: u16,
    /// File offset (for objects in object streams: the container's offset).
    pub(crate) offset: usize,
    pub(crate) value: Obj,
    /// Raw stream data range in the file.
    pub(crate) stream: Option<(usize, usize)>,
}

impl Entry {
    pub(crate) fn label(&self) -> String {
        format!("{} {} R", self.num, self.generation)
    }
}

/// All object versions of one file, and the latest version of each number.
pub(crate) struct Doc {
    pub(crate) entries: Vec<Entry>,
    pub(crate) latest: BTreeMap<u32, usize>,
    pub(crate) trailers: Vec<Obj>,
    /// Decoded stream data by entry index.
    pub(crate) decoded: BTreeMap<usize, Vec<u8>>,
}

impl Doc {
    /// Follows references to the latest version of the object.
    pub(crate) fn resolve<'s>(&'s self, o: &'s Obj) -> &'s Obj {
        let mut cur = o;
        for _ in 0..16 {
            match cur {
                Obj::Ref(n, _) => match self.latest.get(n).and_then(|&i| self.entries.get(i)) {
                    Some(e) => cur = &e.value,
                    None => return &NULL,
                },
                _ => return cur,
            }
        }
        &NULL
    }

    /// The entry index a reference points to.
    pub(crate) fn entry_of(&self, o: &Obj) -> Option<usize> {
        match o {
            Obj::Ref(n, _) => self.latest.get(n).copied(),
            _ => None,
        }
    }

    pub(crate) fn get<'s>(&'s self, dict: &'s Obj, key: &[u8]) -> &'s Obj {
        dict.get(key).map_or(&NULL, |v| self.resolve(v))
    }
}

/// Finds `pat` in `b` starting at `from`.
pub(crate) fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

/// Parses `N G` right before `pos` (the start of `obj`).
fn num_gen_before(b: &[u8], pos: usize) -> Option<(u32, u16)> {
    let mut i = pos;
    let skip_ws_back = |i: &mut usize| {
        while *i > 0 && lexer::is_ws(b[*i - 1]) {
            *i -= 1;
        }
    };
    let digits_back = |i: &mut usize| -> Option<u64> {
        let end = *i;
        while *i > 0 && b[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        if *i == end {
            return None;
        }
        std::str::from_utf8(&b[*i..end]).ok()?.parse().ok()
    };
    if i == 0 || !lexer::is_ws(b[i - 1]) {
        return None;
    }
    skip_ws_back(&mut i);
    let generation = digits_back(&mut i)?;
    if i == 0 || !lexer::is_ws(b[i - 1]) {
        return None;
    }
    skip_ws_back(&mut i);
    let num = digits_back(&mut i)?;
    if i > 0 && !(lexer::is_ws(b[i - 1]) || lexer::is_delim(b[i - 1])) {
        return None;
    }
    Some((u32::try_from(num).ok()?, u16::try_from(generation).ok()?))
}

/// Scans the whole file for `N G obj`.
fn scan_objects(ctx: &Ctx<'_>, b: &[u8]) -> Result<Vec<Entry>, Error> {
    let mut out = Vec::new();
    let all = |pat: &[u8]| {
        let mut v = Vec::new();
        let mut at = 0;
        while let Some(p) = find(b, at, pat) {
            v.push(p);
            at = p + pat.len();
        }
        v
    };
    let endstreams = all(b"endstream");
    let endobjs = all(b"endobj");
    let mut from = 0;
    while let Some(p) = find(b, from, b"obj") {
        from = p + 3;
        if b.get(p + 3)
            .is_some_and(|&c| !(lexer::is_ws(c) || lexer::is_delim(c)))
        {
            continue;
        }
        let Some((num, generation)) = num_gen_before(b, p) else {
            continue;
        };
        let mut lx = Lexer::new(b, p + 3);
        let value = match lx.next() {
            Some(Obj::Op(op)) if op == b"endobj" => Obj::Null,
            Some(v) => v,
            None => continue,
        };
        let mut stream = None;
        lx.skip_ws();
        if b.get(lx.pos..lx.pos + 6) == Some(b"stream".as_slice()) {
            let mut start = lx.pos + 6;
            if b.get(start) == Some(&b'\r') {
                start += 1;
            }
            if b.get(start) == Some(&b'\n') {
                start += 1;
            }
            let by_len = value
                .get(b"Length")
                .and_then(Obj::num)
                .filter(|&l| l >= 0.0)
                .map(|l| start.saturating_add(l as usize))
                .filter(|&e| {
                    e <= b.len() && {
                        let mut l2 = Lexer::new(b, e);
                        l2.skip_ws();
                        b.get(l2.pos..l2.pos + 9) == Some(b"endstream".as_slice())
                    }
                });
            let end = match by_len {
                Some(e) => e,
                None => {
                    // The next `endstream`, from positions found once (not a scan per stream).
                    // Without one, the stream ends at the next `endobj`, so that a damaged stream
                    // does not swallow the objects after it.
                    let next = |v: &Vec<usize>| v.get(v.partition_point(|&x| x < start)).copied();
                    let mut e = match (next(&endstreams), next(&endobjs)) {
                        (Some(a), Some(o)) => a.min(o),
                        (Some(a), None) => a,
                        (None, Some(o)) => o,
                        (None, None) => b.len(),
                    };
                    if e > start && b.get(e - 1) == Some(&b'\n') {
                        e -= 1;
                    }
                    if e > start && b.get(e - 1) == Some(&b'\r') {
                        e -= 1;
                    }
                    e
                }
            };
            stream = Some((start, end.max(start)));
            from = end.max(from);
        } else {
            from = lx.pos.max(from);
        }
        if out.len() as u64 >= u64::from(ctx.limits.max_pdf_objects) {
            return Err(Error::limit(format!(
                "pdf has more than {} objects",
                ctx.limits.max_pdf_objects
            )));
        }
        out.push(Entry {
            num,
            generation,
            offset: p,
            value,
            stream,
        });
    }
    Ok(out)
}

/// Finds every `trailer` dictionary and cross-reference stream dictionary.
fn scan_trailers(b: &[u8], entries: &[Entry]) -> Vec<Obj> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(p) = find(b, from, b"trailer") {
        from = p + 7;
        let mut lx = Lexer::new(b, p + 7);
        if let Some(d @ Obj::Dict(_)) = lx.next() {
            out.push(d);
        }
    }
    for e in entries {
        if e.value.get(b"Type").is_some_and(|t| t.is_name(b"XRef")) {
            out.push(e.value.clone());
        }
    }
    out
}

/// Decodes a PDF text string: UTF-16BE/LE or UTF-8 by BOM, else PDFDocEncoding (read as
/// Latin-1, which agrees on every character a personal value can hold). GBK bytes, which some
/// Chinese producers write, are returned as a second reading.
pub(crate) fn text_strings(s: &[u8]) -> Vec<String> {
    if let Some(rest) = s.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return vec![String::from_utf16_lossy(&units)];
    }
    if let Some(rest) = s.strip_prefix(b"\xFF\xFE") {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        return vec![String::from_utf16_lossy(&units)];
    }
    if let Some(rest) = s.strip_prefix(b"\xEF\xBB\xBF") {
        return vec![String::from_utf8_lossy(rest).into_owned()];
    }
    let mut out = vec![s.iter().map(|&c| c as char).collect::<String>()];
    if s.iter().any(|&c| c >= 0x80) {
        if let Ok(u) = std::str::from_utf8(s) {
            out.push(u.to_string());
        }
        let (g, _, err) = encoding_rs::GBK.decode(s);
        if !err {
            out.push(g.into_owned());
        }
    }
    out
}

fn key_kind(key: &[u8]) -> UnitKind {
    match key {
        b"Author" | b"Creator" | b"Producer" | b"Title" | b"Subject" | b"Keywords" => {
            UnitKind::Metadata
        }
        b"URI" | b"F" | b"UF" | b"D" => UnitKind::Hyperlink,
        b"T" | b"TU" | b"TM" | b"V" | b"DV" | b"Contents" | b"RC" | b"Opt" => UnitKind::Annotation,
        _ => UnitKind::Other,
    }
}

/// Walks an object for strings, adding each as a unit under the key it sits.
fn walk_strings(
    ctx: &mut Ctx<'_>,
    o: &Obj,
    key: &[u8],
    loc: &Location,
    depth: u32,
    count: &mut usize,
) {
    if depth > 64 {
        return;
    }
    match o {
        Obj::Str(s) => {
            *count += 1;
            let mut l = loc.clone();
            let k = String::from_utf8_lossy(key).into_owned();
            l.detail = Some(docsan_core::format_compact!("/{k}"));
            ctx.scan_bytes(s, true, &l);
            // Binary strings (document IDs, encryption keys, signatures) are not text: searched
            // for originals, not run through detection.
            let binary = !s.starts_with(b"\xFE\xFF")
                && !s.starts_with(b"\xFF\xFE")
                && s.iter()
                    .any(|&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'));
            if binary || matches!(key, b"ID" | b"O" | b"U" | b"OE" | b"UE" | b"Perms") {
                for t in text_strings(s) {
                    ctx.check_originals(&t, &l);
                }
                return;
            }
            // The key is a label only where it says what the string is; `FontName` or
            // `PTEX.FileName` would make a detector read font and file names as people.
            let label = match key {
                // `/Creator` and `/Producer` name the software, not a person.
                b"Author" | b"Title" | b"Subject" | b"Keywords" => Some(k.clone()),
                _ => None,
            };
            for t in text_strings(s) {
                ctx.add_unit(&t, key_kind(key), l.clone(), None, label.clone());
            }
        }
        Obj::Array(a) => {
            for v in a {
                walk_strings(ctx, v, key, loc, depth + 1, count);
            }
        }
        Obj::Dict(d) => {
            for (k, v) in d {
                walk_strings(ctx, v, k, loc, depth + 1, count);
            }
        }
        _ => {}
    }
}

/// Parses the objects of an object stream.
fn objstm_entries(data: &[u8], container: &Entry) -> Vec<Entry> {
    let n = container.value.get(b"N").and_then(Obj::num).unwrap_or(0.0) as usize;
    let first = container
        .value
        .get(b"First")
        .and_then(Obj::num)
        .unwrap_or(0.0) as usize;
    let mut lx = Lexer::new(data, 0);
    let mut pairs = Vec::new();
    for _ in 0..n.min(1 << 20) {
        let (Some(Obj::Num(num)), Some(Obj::Num(off))) = (lx.next(), lx.next()) else {
            break;
        };
        pairs.push((num as u32, off as usize));
    }
    let mut out = Vec::new();
    for (num, off) in pairs {
        let mut l = Lexer::new(data, first.saturating_add(off).min(data.len()));
        if let Some(v) = l.next() {
            out.push(Entry {
                num,
                generation: 0,
                offset: container.offset,
                value: v,
                stream: None,
            });
        }
    }
    out
}

pub(crate) fn verify_pdf(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Result<(), Error> {
    let head = bytes.get(..1024.min(bytes.len())).unwrap_or_default();
    if find(head, 0, b"%PDF-").is_none() {
        return Err(Error::malformed("not a pdf (no %PDF- header)"));
    }
    let mut entries = scan_objects(ctx, bytes)?;
    if entries.is_empty() {
        return Err(Error::malformed("no pdf objects found"));
    }
    let trailers = scan_trailers(bytes, &entries);
    // Encrypted with an empty user password: derive the key and decrypt strings now, streams
    // as they are decoded. A file that needs a password cannot be opened at all.
    let mut crypt: Option<crypt::Crypt> = None;
    let mut encrypt_idx: Option<usize> = None;
    if let Some(t) = trailers.iter().rev().find(|t| t.get(b"Encrypt").is_some()) {
        let mut latest_tmp: BTreeMap<u32, usize> = BTreeMap::new();
        for (i, e) in entries.iter().enumerate() {
            latest_tmp.insert(e.num, i);
        }
        let resolve = |o: &Obj| -> Obj {
            let mut cur = o.clone();
            for _ in 0..8 {
                match cur {
                    Obj::Ref(n, _) => match latest_tmp.get(&n).and_then(|&i| entries.get(i)) {
                        Some(e) => cur = e.value.clone(),
                        None => return Obj::Null,
                    },
                    other => return other,
                }
            }
            Obj::Null
        };
        let enc_ref = t.get(b"Encrypt").cloned().unwrap_or(Obj::Null);
        if let Obj::Ref(n, _) = enc_ref {
            encrypt_idx = latest_tmp.get(&n).copied();
        }
        let enc = resolve(&enc_ref);
        let id0 = match t.get(b"ID").map(&resolve) {
            Some(Obj::Array(a)) => match a.first() {
                Some(Obj::Str(s)) => s.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        crypt = Some(crypt::Crypt::new(&enc, &id0, &resolve)?);
        ctx.diagnostics.push(
            Diagnostic::info(
                "decrypted",
                "the pdf is encrypted with an empty user password and was decrypted for checking",
            )
            .at(ctx.loc("document")),
        );
    }
    if let Some(c) = &crypt {
        for (i, e) in entries.iter_mut().enumerate() {
            if Some(i) == encrypt_idx || e.value.get(b"Type").is_some_and(|t| t.is_name(b"XRef")) {
                continue;
            }
            let (num, generation) = (e.num, e.generation);
            c.strings(num, generation, &mut e.value, 0);
        }
    }

    // Decode every stream once; object streams add their objects.
    let mut decoded: BTreeMap<usize, Vec<u8>> = BTreeMap::new();
    let mut images = 0usize;
    let mut i = 0;
    while i < entries.len() {
        let Some((s, e)) = entries[i].stream else {
            i += 1;
            continue;
        };
        let mut raw = std::borrow::Cow::Borrowed(bytes.get(s..e).unwrap_or_default());
        if let Some(c) = &crypt {
            let v = &entries[i].value;
            let skip = v.get(b"Type").is_some_and(|t| t.is_name(b"XRef"))
                || (!c.encrypt_metadata && v.get(b"Type").is_some_and(|t| t.is_name(b"Metadata")));
            if !skip {
                raw =
                    std::borrow::Cow::Owned(c.stream(entries[i].num, entries[i].generation, &raw));
            }
        }
        let raw: &[u8] = &raw;
        let label = entries[i].label();
        let is_image = entries[i]
            .value
            .get(b"Subtype")
            .is_some_and(|t| t.is_name(b"Image"));
        match filters::decode(ctx, &format!("stream {label}"), &entries[i].value, raw)? {
            Decoded::Data(d) => {
                if is_image {
                    images += 1;
                } else {
                    if entries[i]
                        .value
                        .get(b"Type")
                        .is_some_and(|t| t.is_name(b"ObjStm"))
                    {
                        let more = objstm_entries(&d, &entries[i]);
                        if (entries.len() + more.len()) as u64
                            > u64::from(ctx.limits.max_pdf_objects)
                        {
                            return Err(Error::limit("pdf has too many objects"));
                        }
                        entries.extend(more);
                    }
                    decoded.insert(i, d);
                }
            }
            Decoded::Image => images += 1,
            Decoded::Unsupported(f) => {
                ctx.diagnostics.push(
                    Diagnostic::warning(
                        "unsupported-filter",
                        format!("a stream uses the {f} filter and could not be checked"),
                    )
                    .at(ctx.loc(&label)),
                );
            }
        }
        i += 1;
    }
    if images > 0 {
        ctx.diagnostics.push(
            Diagnostic::warning(
                "image",
                format!("{images} image(s) may hold text that cannot be checked"),
            )
            .at(ctx.loc("document")),
        );
    }
    // Latest version of each object number: later in the file wins.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| (entries[i].offset, i));
    let mut latest = BTreeMap::new();
    for i in order {
        latest.insert(entries[i].num, i);
    }
    let doc = Doc {
        entries,
        latest,
        trailers,
        decoded,
    };
    ctx.parts += doc.entries.len();

    // Binary streams: fonts. Everything else that decodes is text-bearing.
    let mut binary: BTreeSet<usize> = BTreeSet::new();
    for e in &doc.entries {
        for k in [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"] {
            if let Some(i) = e.value.get(k).and_then(|r| doc.entry_of(r)) {
                binary.insert(i);
            }
        }
    }

    // Streams holding JavaScript (`/JS 12 0 R`).
    let js: BTreeSet<usize> = doc
        .entries
        .iter()
        .filter_map(|e| e.value.get(b"JS").and_then(|r| doc.entry_of(r)))
        .collect();

    // Strings anywhere, and every decoded stream's bytes.
    for idx in 0..doc.entries.len() {
        let e = &doc.entries[idx];
        let loc = ctx.loc(&e.label());
        let mut n = 0;
        walk_strings(ctx, &e.value, b"", &loc, 0, &mut n);
        if let Some(d) = doc.decoded.get(&idx) {
            let text_bearing = !binary.contains(&idx)
                && !e.value.get(b"Type").is_some_and(|t| t.is_name(b"XRef"))
                && looks_textual(d);
            ctx.scan_bytes(d, text_bearing, &loc);
            let v = &e.value;
            if v.get(b"Type").is_some_and(|t| t.is_name(b"Metadata"))
                || v.get(b"Subtype").is_some_and(|t| t.is_name(b"XML"))
            {
                read_xmp(ctx, d, &loc);
            } else if v.get(b"Type").is_some_and(|t| t.is_name(b"EmbeddedFile")) {
                if crate::sniff(d).is_some() {
                    ctx.verify_embedded(&format!("embedded file {}", e.label()), d);
                } else {
                    ctx.verify_embedded_text(&format!("embedded file {}", e.label()), d);
                }
            } else if text_bearing && js.contains(&idx) {
                // JavaScript: every line is text.
                let t = String::from_utf8_lossy(d).into_owned();
                for (k, line) in t.lines().enumerate() {
                    let l = Location {
                        line: Some(k as u32 + 1),
                        detail: Some("JavaScript".into()),
                        ..loc.clone()
                    };
                    ctx.add_unit(line, UnitKind::Other, l, None, None);
                }
            } else if text_bearing && looks_xml(d) {
                // XFA forms and other XML streams.
                read_xmp(ctx, d, &loc);
            }
        }
    }
    // The whole raw file: anything stored uncompressed that the object scan missed.
    let raw_loc = Location {
        detail: Some("raw file bytes".into()),
        ..ctx.loc("file")
    };
    ctx.scan_bytes(bytes, false, &raw_loc);

    content::interpret_all(ctx, &doc, &binary);
    Ok(())
}

/// Whether decoded stream data is text (content streams, XML, CMaps, object streams) rather
/// than binary (fonts, ICC profiles, hint tables), where short encodings would match by chance.
fn looks_textual(d: &[u8]) -> bool {
    let sample = d.get(..d.len().min(64 * 1024)).unwrap_or_default();
    if sample.is_empty() {
        return false;
    }
    let control = sample
        .iter()
        .filter(|&&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r' | b'\x0c'))
        .count();
    control * 20 < sample.len()
}

/// Whether decoded data is an XML document (XFA, XMP without its dictionary markers).
fn looks_xml(d: &[u8]) -> bool {
    let head: Vec<u8> = d
        .iter()
        .copied()
        .skip_while(|c| c.is_ascii_whitespace())
        .take(6)
        .collect();
    head.starts_with(b"<?xml") || head.starts_with(b"<xdp") || head.starts_with(b"<x:xmp")
}

/// XMP: every text node and attribute value is a metadata unit.
fn read_xmp(ctx: &mut Ctx<'_>, data: &[u8], loc: &Location) {
    let text = xml::decode(data);
    let mut units: Vec<(String, Option<String>)> = Vec::new();
    let mut parent: Vec<String> = Vec::new();
    // Only authorship is a meaningful label: element names such as `Producer` or `fontName`
    // would make a detector read tool and font names as people.
    let author = |names: &[String], k: &str| {
        names
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(k))
            .any(|n| {
                let n = n.to_ascii_lowercase();
                n == "creator" || n == "author" || n == "lastmodifiedby"
            })
            .then(|| "Author".to_string())
    };
    let _ = xml::parse(&text, ctx.limits.max_xml_depth, |e| match e {
        xml::Ev::Start {
            local,
            attrs,
            empty,
        } => {
            for (k, v) in attrs {
                if v.chars().count() >= 2 && *k != "about" {
                    let label = author(&parent, k);
                    units.push((v.to_string(), label));
                }
            }
            if !empty {
                parent.push(local.to_string());
            }
        }
        xml::Ev::End { .. } => {
            parent.pop();
        }
        xml::Ev::Text(t) => {
            if !t.trim().is_empty() {
                let label = author(&parent, "");
                units.push((t.into_owned(), label));
            }
        }
    });
    for (t, label) in units {
        let l = Location {
            detail: Some("XML stream (XMP or XFA)".into()),
            ..loc.clone()
        };
        ctx.add_unit(&t, UnitKind::Metadata, l, None, label);
    }
}
