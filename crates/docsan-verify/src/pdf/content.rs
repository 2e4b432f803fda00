//! Content streams: our own interpreter for the text operators, producing text lines per page
//! and, per font, the concatenated glyph codes the page shows.
//!
//! Lines are grouped by the text matrix: a change of baseline starts a new line, a horizontal
//! gap wider than about a third of the font size inserts a space (so table cells on one row do
//! not run together), and glyphs positioned one by one or split over several text objects join
//! up again. The glyph-code runs let an original value be found as the codes its font would use
//! even where mapping codes back to text fails: a `TJ` array split glyph by glyph with kerning
//! numbers is still one run of codes.

use super::font::{self, Fallback, Font, parse_cmap};
use super::lexer::{Lexer, Obj};
use super::{Doc, NULL, wrap};
use crate::Ctx;
use crate::needles::{Custom, normalize};
use docsan_core::{Diagnostic, Location, UnitKind};
use std::collections::{BTreeMap, BTreeSet};

/// Original values as the glyph codes of one font: (value index, code bytes).
type Encoded = Custom;

/// Fonts loaded so far, and each one's encoding of the original values.
struct Fonts {
    by_entry: BTreeMap<usize, usize>,
    fonts: Vec<Font>,
    encoded: Vec<Option<Encoded>>,
    warned: BTreeSet<usize>,
}

impl Fonts {
    fn load(&mut self, ctx: &mut Ctx<'_>, doc: &Doc, obj: &Obj) -> Option<usize> {
        let key = doc.entry_of(obj);
        if let Some(k) = key
            && let Some(&p) = self.by_entry.get(&k)
        {
            return Some(p);
        }
        let dict = doc.resolve(obj);
        if !matches!(dict, Obj::Dict(_)) {
            return None;
        }
        let f = build_font(doc, dict);
        let p = self.fonts.len();
        if f.fallback == Fallback::Identity && f.to_unicode.is_empty() && self.warned.insert(p) {
            let label = key
                .and_then(|k| doc.entries.get(k))
                .map_or("font".into(), |e| e.label());
            ctx.diagnostics.push(
                Diagnostic::warning(
                    "font-undecodable",
                    "a font has no ToUnicode map and an Identity encoding; its text cannot be read",
                )
                .at(ctx.loc(&label)),
            );
        }
        self.fonts.push(f);
        self.encoded.push(None);
        if let Some(k) = key {
            self.by_entry.insert(k, p);
        }
        Some(p)
    }

    fn encoded(&mut self, ctx: &Ctx<'_>, p: usize) -> Option<&Custom> {
        if self.encoded.get(p).is_some_and(Option::is_none) {
            let f = &self.fonts[p];
            let inv = f.inverse();
            let mut v = Vec::new();
            if !inv.is_empty() {
                for (idx, value) in ctx.needles.values() {
                    if let Some(b) = f.encode(&normalize(value), &inv)
                        && b.len() >= 2
                    {
                        v.push((idx, b));
                    }
                }
            }
            self.encoded[p] = Some(Custom::new(v));
        }
        self.encoded.get(p).and_then(Option::as_ref)
    }
}

fn num_at(a: &[Obj], i: usize) -> f64 {
    a.get(i).and_then(Obj::num).unwrap_or(0.0)
}

fn build_font(doc: &Doc, dict: &Obj) -> Font {
    let subtype = dict.get(b"Subtype").and_then(Obj::name).unwrap_or_default();
    let enc = doc.get(dict, b"Encoding");
    let mut f;
    if subtype == b"Type0" {
        let fallback = match enc {
            Obj::Name(n) => {
                let n = String::from_utf8_lossy(n);
                if n.contains("UCS2") || n.contains("UTF16") {
                    Fallback::Utf16
                } else if n.contains("UTF8") {
                    Fallback::Utf8
                } else if n.starts_with("GB") {
                    Fallback::Gbk
                } else {
                    Fallback::Identity
                }
            }
            _ => Fallback::Identity,
        };
        f = Font::new(fallback);
        f.vertical = matches!(enc, Obj::Name(n) if n.ends_with(b"-V"));
        if let Some(i) = dict.get(b"Encoding").and_then(|r| doc.entry_of(r))
            && let Some(d) = doc.decoded.get(&i)
        {
            let mut tmp = Font::new(Fallback::Identity);
            parse_cmap(d, &mut tmp);
            f.codespace = tmp.codespace;
        }
        if let Obj::Array(desc) = doc.get(dict, b"DescendantFonts")
            && let Some(d0) = desc.first()
        {
            let d0 = doc.resolve(d0);
            if let Some(dw) = doc.get(d0, b"DW").num() {
                f.default_width = dw;
            }
            if let Obj::Array(w) = doc.get(d0, b"W")
                && f.fallback == Fallback::Identity
            {
                let mut i = 0;
                let mut budget = 1usize << 18;
                while i < w.len() && budget > 0 {
                    let c = num_at(w, i) as u32;
                    match doc.resolve(w.get(i + 1).unwrap_or(&NULL)) {
                        Obj::Array(ws) => {
                            for (k, x) in ws.iter().enumerate() {
                                f.widths
                                    .insert(c.wrapping_add(k as u32), x.num().unwrap_or(1000.0));
                                budget = budget.saturating_sub(1);
                            }
                            i += 2;
                        }
                        _ => {
                            let c2 = num_at(w, i + 1) as u32;
                            let wv = num_at(w, i + 2);
                            for code in c..=c2.min(c.saturating_add(0xFFFF)) {
                                f.widths.insert(code, wv);
                                budget = budget.saturating_sub(1);
                            }
                            i += 3;
                        }
                    }
                }
            }
        }
    } else {
        f = Font::new(Fallback::Simple);
        let mut high_differences = false;
        for b in 0..=255u8 {
            f.simple.insert(u32::from(b), font::winansi(b));
        }
        if let Obj::Dict(_) = enc
            && let Obj::Array(diffs) = doc.get(enc, b"Differences")
        {
            let mut code = 0u32;
            for d in diffs {
                match d {
                    Obj::Num(n) => code = *n as u32,
                    Obj::Name(g) => {
                        if code >= 0x80 {
                            high_differences = true;
                        }
                        match font::glyph_to_text(g) {
                            Some(t) => f.simple.insert(code, t),
                            None => f.simple.remove(&code),
                        };
                        code = code.wrapping_add(1);
                    }
                    _ => {}
                }
            }
        }
        let first = doc.get(dict, b"FirstChar").num().unwrap_or(0.0) as u32;
        if let Obj::Array(ws) = doc.get(dict, b"Widths") {
            for (k, w) in ws.iter().enumerate().take(256) {
                f.widths.insert(
                    first.wrapping_add(k as u32),
                    doc.resolve(w).num().unwrap_or(500.0),
                );
            }
        }
        // GBK byte pairs shown through a simple font: old Chinese producers name a system
        // font (SimSun, 宋体 in GBK bytes) and write GBK codes under WinAnsi. Embedded Latin
        // fonts keep their accented WinAnsi characters.
        let base = dict
            .get(b"BaseFont")
            .and_then(Obj::name)
            .unwrap_or_default();
        let base_s = String::from_utf8_lossy(base).to_ascii_lowercase();
        let cjk_name = !base.is_ascii()
            || [
                "song", "sim", "hei", "kai", "fang", "ming", "gb", "yahei", "stx", "fz",
            ]
            .iter()
            .any(|k| base_s.contains(k));
        let descriptor = doc.get(dict, b"FontDescriptor");
        let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| descriptor.get(k).is_some());
        f.gbk_guess =
            !high_differences && dict.get(b"ToUnicode").is_none() && (cjk_name || !embedded);
    }
    if let Some(i) = dict.get(b"ToUnicode").and_then(|r| doc.entry_of(r))
        && let Some(d) = doc.decoded.get(&i)
    {
        let mut tmp = Font::new(Fallback::Identity);
        parse_cmap(d, &mut tmp);
        f.to_unicode = tmp.to_unicode;
        if f.codespace.is_empty() {
            f.codespace = tmp.codespace;
        }
    }
    if f.codespace.is_empty() && f.fallback == Fallback::Identity {
        f.codespace.push((2, 0, 0xFFFF));
    }
    f
}

#[derive(Clone)]
struct GState {
    font: Option<usize>,
    size: f64,
    tc: f64,
    tw: f64,
    th: f64,
    tl: f64,
    /// Current transformation matrix, so that positions compare across `cm` changes.
    ctm: [f64; 6],
}

/// Text lines of one page (or one stray stream) and per-font glyph-code runs.
struct Sink {
    lines: Vec<String>,
    cur: String,
    cur_y: Option<f64>,
    end_x: f64,
    runs: BTreeMap<usize, Vec<u8>>,
    frags: Vec<Frag>,
    /// Text of marked-content properties (`/ActualText`, `/Alt`).
    marked: Vec<String>,
    /// Open marked-content sequences: `Some` for a span with `/ActualText`.
    spans: Vec<Option<Span>>,
    /// Sequences opened beyond the depth kept in `spans` (closed first).
    spans_overflow: usize,
}

/// An open `/ActualText` span: its text and where its glyphs start.
struct Span {
    actual: String,
    frag_start: usize,
    cur_start: usize,
    cur_y: Option<f64>,
}

/// Marked-content nesting kept for `/ActualText`; deeper nesting is only counted.
const MAX_SPANS: usize = 256;

impl Sink {
    fn new() -> Self {
        Sink {
            lines: Vec::new(),
            cur: String::new(),
            cur_y: None,
            end_x: 0.0,
            runs: BTreeMap::new(),
            frags: Vec::new(),
            marked: Vec::new(),
            spans: Vec::new(),
            spans_overflow: 0,
        }
    }

    fn open_span(&mut self, actual: Option<String>) {
        if self.spans.len() >= MAX_SPANS {
            self.spans_overflow += 1;
            return;
        }
        let span = actual.map(|actual| Span {
            actual,
            frag_start: self.frags.len(),
            cur_start: self.cur.len(),
            cur_y: self.cur_y,
        });
        self.spans.push(span);
    }

    /// At the end of a span with `/ActualText`: when its glyphs read as many characters as the
    /// span's text but other ones (the fallback glyphs of a font that lacks the script, which
    /// all read alike), the glyphs take the span's characters, in order, so that detection
    /// reads the text as a reader copies it. Glyphs that read differently in number, or that
    /// show an ASCII letter or digit, keep their own text: a span cannot hide a number, an
    /// e-mail address or a Latin name that its glyphs show.
    fn close_span(&mut self) {
        if self.spans_overflow > 0 {
            self.spans_overflow -= 1;
            return;
        }
        let Some(Some(span)) = self.spans.pop() else {
            return;
        };
        let chars: Vec<char> = span.actual.chars().collect();
        let frags = self.frags.get_mut(span.frag_start..).unwrap_or_default();
        let shown: usize = frags.iter().map(|f| f.text.chars().count()).sum();
        if shown == 0 || shown != chars.len() {
            return;
        }
        if frags.iter().map(|f| f.text.as_str()).collect::<String>() == span.actual
            || frags
                .iter()
                .any(|f| f.text.bytes().any(|b| b.is_ascii_alphanumeric()))
        {
            return;
        }
        let mut next = chars.iter();
        for f in frags.iter_mut() {
            let n = f.text.chars().count();
            f.text = next.by_ref().take(n).collect();
        }
        // The line in drawing order, when the span's glyphs are still its last characters.
        if span.cur_y == self.cur_y
            && span.cur_start <= self.cur.len()
            && self.cur.is_char_boundary(span.cur_start)
            && self.cur[span.cur_start..].chars().count() == chars.len()
        {
            self.cur.truncate(span.cur_start);
            self.cur.push_str(&span.actual);
        }
    }

    fn flush(&mut self) {
        if !self.cur.trim().is_empty() {
            self.lines.push(std::mem::take(&mut self.cur));
        }
        self.cur.clear();
        self.cur_y = None;
    }
}

struct Interp<'x, 'c> {
    ctx: &'x mut Ctx<'c>,
    doc: &'x Doc,
    fonts: &'x mut Fonts,
    /// Fallback font names (resource name to font object) for streams without resources.
    global_fonts: &'x BTreeMap<Vec<u8>, Obj>,
    done: &'x mut BTreeSet<usize>,
    ops: u64,
}

fn mul(m: &[f64; 6], n: &[f64; 6]) -> [f64; 6] {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

const IDENT: [f64; 6] = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

impl Interp<'_, '_> {
    fn run(&mut self, data: &[u8], resources: &Obj, sink: &mut Sink, depth: u32, ctm: [f64; 6]) {
        let doc = self.doc;
        let font_dict = doc.get(resources, b"Font");
        let xobjects = doc.get(resources, b"XObject");
        let mut lx = Lexer::new(data, 0);
        let mut operands: Vec<Obj> = Vec::new();
        let mut gs = GState {
            font: None,
            size: 1.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            ctm,
        };
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENT;
        let mut tlm = IDENT;
        while let Some(tok) = lx.next() {
            let Obj::Op(op) = tok else {
                if operands.len() < 64 {
                    operands.push(tok);
                }
                continue;
            };
            self.ops += 1;
            if self.ops > 50_000_000 {
                break;
            }
            let nums: Vec<f64> = operands.iter().map(|o| o.num().unwrap_or(0.0)).collect();
            let n = |i: usize| nums.get(i).copied().unwrap_or(0.0);
            match op.as_slice() {
                b"BT" => {
                    tm = IDENT;
                    tlm = IDENT;
                }
                b"q" if stack.len() < 256 => stack.push(gs.clone()),
                b"Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                b"Tf" => {
                    gs.size = n(1);
                    let name = operands.first().and_then(Obj::name).unwrap_or_default();
                    let fobj = match font_dict.get(name) {
                        Some(o) => Some(o.clone()),
                        None => self.global_fonts.get(name).cloned(),
                    };
                    gs.font = fobj.and_then(|o| self.fonts.load(self.ctx, doc, &o));
                }
                b"cm" => gs.ctm = mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &gs.ctm),
                b"Tc" => gs.tc = n(0),
                b"Tw" => gs.tw = n(0),
                b"Tz" => gs.th = n(0) / 100.0,
                b"TL" => gs.tl = n(0),
                b"Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                b"TD" => {
                    gs.tl = -n(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                b"Tm" => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                b"T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                    tm = tlm;
                }
                b"Tj" | b"'" | b"\"" => {
                    if op != b"Tj" {
                        if op == b"\"" {
                            gs.tw = n(0);
                            gs.tc = n(1);
                        }
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], &tlm);
                        tm = tlm;
                    }
                    if let Some(Obj::Str(s)) = operands.last() {
                        self.show(s, &gs, &mut tm, sink);
                    }
                }
                b"TJ" => {
                    if let Some(Obj::Array(items)) = operands.last() {
                        for it in items {
                            match it {
                                Obj::Str(s) => self.show(s, &gs, &mut tm, sink),
                                Obj::Num(k) => {
                                    if self.vertical(&gs) {
                                        let ty = -k / 1000.0 * gs.size;
                                        tm[4] -= ty * tm[2];
                                        tm[5] -= ty * tm[3];
                                    } else {
                                        let tx = -k / 1000.0 * gs.size * gs.th;
                                        tm[4] += tx * tm[0];
                                        tm[5] += tx * tm[1];
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    let name = operands.first().and_then(Obj::name).unwrap_or_default();
                    if let Some(r) = xobjects.get(name)
                        && let Some(idx) = doc.entry_of(r)
                    {
                        let x = &doc.entries[idx].value;
                        if x.get(b"Subtype").is_some_and(|s| s.is_name(b"Form"))
                            && depth < self.ctx.limits.max_depth
                            && self.done.insert(idx)
                            && let Some(d) = doc.decoded.get(&idx)
                        {
                            let res = match doc.get(x, b"Resources") {
                                r @ Obj::Dict(_) => r,
                                _ => resources,
                            };
                            let saved = (tm, tlm);
                            let m = match doc.get(x, b"Matrix") {
                                Obj::Array(a) if a.len() == 6 => {
                                    [0, 1, 2, 3, 4, 5].map(|i| num_at(a, i))
                                }
                                _ => IDENT,
                            };
                            self.run(d, res, sink, depth + 1, mul(&m, &gs.ctm));
                            (tm, tlm) = saved;
                        }
                    }
                }
                b"BDC" | b"DP" => {
                    // Marked content may carry text that is not shown: /ActualText, /Alt, /E.
                    let props = match operands.last() {
                        Some(Obj::Name(n)) => doc.get(doc.get(resources, b"Properties"), n),
                        Some(d) => d,
                        None => &NULL,
                    };
                    let mut actual = None;
                    for key in [b"ActualText".as_slice(), b"Alt", b"E"] {
                        if let Obj::Str(st) = doc.get(props, key)
                            && let Some(t) = super::text_strings(st).into_iter().last()
                        {
                            if key == b"ActualText" {
                                actual = Some(t.clone());
                            }
                            if sink.marked.len() < 1 << 20 {
                                sink.marked.push(t);
                            }
                        }
                    }
                    if op == b"BDC" {
                        sink.open_span(actual);
                    }
                }
                b"BMC" => sink.open_span(None),
                b"EMC" => sink.close_span(),
                b"BI" => {
                    // Inline image: skip its dictionary and data.
                    while let Some(t) = lx.next() {
                        if t == Obj::Op(b"ID".to_vec()) {
                            lx.skip_inline_image();
                            break;
                        }
                    }
                }
                _ => {}
            }
            operands.clear();
        }
    }

    /// Whether the current font writes vertically.
    fn vertical(&self, gs: &GState) -> bool {
        gs.font
            .and_then(|p| self.fonts.fonts.get(p))
            .is_some_and(|f| f.vertical)
    }

    fn show(&mut self, s: &[u8], gs: &GState, tm: &mut [f64; 6], sink: &mut Sink) {
        let glyphs = match gs.font.and_then(|p| self.fonts.fonts.get(p)) {
            Some(f) => {
                sink.runs
                    .entry(gs.font.unwrap_or(usize::MAX))
                    .or_default()
                    .extend_from_slice(s);
                f.decode(s)
            }
            None => s
                .iter()
                .map(|&b| (font::winansi(b), 500.0, b == b' ', 1))
                .collect(),
        };
        // Codes that map to no character: text the verifier cannot read, so it says so.
        if let Some(p) = gs.font
            && glyphs.iter().any(|g| g.0 == "\u{FFFD}")
            && self.fonts.warned.insert(p)
        {
            let label = self
                .fonts
                .by_entry
                .iter()
                .find(|(_, v)| **v == p)
                .and_then(|(k, _)| self.doc.entries.get(*k))
                .map_or("font".into(), |e| e.label());
            let loc = self.ctx.loc(&label);
            self.ctx.diagnostics.push(
                Diagnostic::warning(
                    "font-undecodable",
                    "a font shows codes that map to no character; that text cannot be checked",
                )
                .at(loc),
            );
        }
        // Positions and sizes in device space.
        let full = mul(tm, &gs.ctm);
        let scale = (full[0] * full[0] + full[1] * full[1]).sqrt().max(1e-6);
        let size_u = (gs.size.abs() * scale).max(0.1);
        let (x, y) = (full[4], full[5]);
        match sink.cur_y {
            Some(cy) if (y - cy).abs() <= 0.5 * size_u => {
                if x - sink.end_x > 0.3 * size_u || x < sink.end_x - 2.0 * size_u {
                    sink.cur.push(' ');
                }
            }
            Some(_) => {
                sink.flush();
                sink.cur_y = Some(y);
            }
            None => sink.cur_y = Some(y),
        }
        let mut text = String::new();
        let vertical = self.vertical(gs);
        for (t, w, space, codes) in glyphs {
            text.push_str(&t);
            let tc = gs.tc * f64::from(codes);
            if vertical {
                // Default vertical metrics: one em down per glyph.
                let ty = gs.size + tc + if space { gs.tw } else { 0.0 };
                tm[4] -= ty * tm[2];
                tm[5] -= ty * tm[3];
            } else {
                let tx = (w / 1000.0 * gs.size + tc + if space { gs.tw } else { 0.0 }) * gs.th;
                tm[4] += tx * tm[0];
                tm[5] += tx * tm[1];
            }
        }
        sink.cur.push_str(&text);
        let end = mul(tm, &gs.ctm);
        sink.end_x = end[4];
        if !text.is_empty() && sink.frags.len() < 4_000_000 {
            let seq = sink.frags.len();
            // Vertical text is assembled in columns: the column's x plays the baseline, the
            // distance down the page the position along it.
            let (x0, x1, y) = if vertical {
                (-y, -end[5], x)
            } else {
                (x, end[4], y)
            };
            sink.frags.push(Frag {
                text,
                x0,
                x1,
                y,
                size: size_u,
                seq,
            });
        }
    }
}

/// A horizontal gap wider than this many font sizes separates words.
pub(super) const GAP: f64 = 0.2;

/// A piece of text at a position on the page.
pub(super) struct Frag {
    pub(super) text: String,
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y: f64,
    pub(super) size: f64,
    pub(super) seq: usize,
}

/// Assembles fragments into lines by geometry: same baseline (within half the font size), left
/// to right, a space where the gap is wider than about a third of the font size. This puts a
/// table row back together even when the producer drew the table column by column; a second
/// copy of the same text drawn on top (faux bold) is dropped. Also returns the numbers of
/// table cells wrapped over several lines, joined (see `wrap`), each with the index in the
/// lines of the line its first piece is in.
fn assemble(frags: &mut [Frag]) -> (Vec<String>, Vec<(wrap::Join, usize)>) {
    use std::cmp::Ordering;
    frags.sort_by(|a, b| {
        b.y.partial_cmp(&a.y)
            .unwrap_or(Ordering::Equal)
            .then(a.seq.cmp(&b.seq))
    });
    let mut groups: Vec<Vec<&Frag>> = Vec::new();
    let mut line_y: Option<f64> = None;
    for f in frags.iter() {
        match (line_y, groups.last_mut()) {
            (Some(y), Some(g)) if (f.y - y).abs() <= 0.5 * f.size.max(0.5) => g.push(f),
            _ => {
                groups.push(vec![f]);
                line_y = Some(f.y);
            }
        }
    }
    for g in &mut groups {
        g.sort_by(|a, b| {
            a.x0.partial_cmp(&b.x0)
                .unwrap_or(Ordering::Equal)
                .then(a.seq.cmp(&b.seq))
        });
    }
    let joins = wrap::joins(&groups);
    // Words of each line: runs of fragments without a gap.
    let mut rows: Vec<(f64, f64, Vec<Word>)> = Vec::with_capacity(groups.len());
    for g in groups {
        let frags_y_min = g.iter().map(|f| f.y).reduce(f64::min);
        let mut words: Vec<Word> = Vec::new();
        let mut prev: Option<&Frag> = None;
        for f in g {
            if let Some(p) = prev {
                if p.text == f.text
                    && (f.x0 - p.x0).abs() < 0.1 * f.size
                    && (f.y - p.y).abs() < 0.1 * f.size
                {
                    continue;
                }
                let gap = f.x0 - p.x1;
                // Producers add a little space between Chinese and Latin text (autospacing);
                // Chinese uses no spaces between words, so such a gap joins.
                let cjk =
                    |c: Option<char>| c.is_some_and(|c| ('\u{3000}'..='\u{9FFF}').contains(&c));
                let (last, first) = (p.text.chars().last(), f.text.chars().next());
                let autospace = gap < 0.6 * f.size
                    && ((cjk(last) && first.is_some_and(|c| c.is_ascii_alphanumeric()))
                        || (cjk(first) && last.is_some_and(|c| c.is_ascii_alphanumeric())));
                if (gap > GAP * f.size || gap < -2.0 * f.size)
                    && !autospace
                    && let Some(w) = words.last_mut()
                {
                    w.closed = true;
                }
            }
            match words.last_mut() {
                Some(w) if !w.closed => {
                    w.text.push_str(&f.text);
                    w.x1 = f.x1;
                }
                _ => words.push(Word {
                    text: f.text.clone(),
                    x0: f.x0,
                    x1: f.x1,
                    closed: false,
                }),
            }
            prev = Some(f);
        }
        // The lowest baseline of the line (CJK and Latin fonts may sit a little apart).
        let y = frags_y_min.unwrap_or(0.0);
        let size = prev.map_or(1.0, |p| p.size);
        rows.push((y, size, words));
    }
    // A table cell wrapped over two lines: a following line with few words, close below, whose
    // words start where a cell of the line above starts, continues that cell. Cells of the line
    // above are runs of words separated by more than one font size.
    let mut base: Option<usize> = None;
    // The line each row was appended to, if any.
    let mut merged: Vec<Option<usize>> = vec![None; rows.len()];
    for i in 0..rows.len() {
        let (y, size) = (rows[i].0, rows[i].1);
        if let Some(b) = base {
            let (by, bn) = (rows[b].0, rows[b].2.len());
            let n = rows[i].2.len();
            if n > 0 && n * 2 <= bn && (by - y).abs() <= 1.7 * size {
                let bw = &rows[b].2;
                // (start x, index of the cell's last word)
                let mut cells: Vec<(f64, usize)> = Vec::new();
                for (j, w) in bw.iter().enumerate() {
                    match cells.last_mut() {
                        Some(c) if w.x0 - bw[j - 1].x1 <= size => c.1 = j,
                        _ => cells.push((w.x0, j)),
                    }
                }
                let mut plan: Vec<usize> = Vec::new();
                let mut aligned: BTreeSet<usize> = BTreeSet::new();
                let mut ok = true;
                for w in &rows[i].2 {
                    let Some(ci) = cells.iter().rposition(|c| c.0 <= w.x0 + 0.5 * size) else {
                        ok = false;
                        break;
                    };
                    // The continuation must fit in its cell.
                    if cells.get(ci + 1).is_some_and(|next| w.x1 > next.0 + size) {
                        ok = false;
                        break;
                    }
                    if !aligned.contains(&ci) {
                        if (cells[ci].0 - w.x0).abs() >= size {
                            ok = false;
                            break;
                        }
                        aligned.insert(ci);
                    }
                    plan.push(cells[ci].1);
                }
                if ok {
                    let words = std::mem::take(&mut rows[i].2);
                    let mut started: BTreeSet<usize> = BTreeSet::new();
                    for (target, w) in plan.into_iter().zip(words) {
                        if let Some(u) = rows[b].2.get_mut(target) {
                            if !started.insert(target) {
                                u.text.push(' ');
                            }
                            u.text.push_str(&w.text);
                        }
                    }
                    merged[i] = Some(b);
                    continue;
                }
            }
        }
        base = Some(i);
    }
    let mut lines = Vec::with_capacity(rows.len());
    // The index in `lines` of each row's line (the next line's for a blank row).
    let mut line_of: Vec<usize> = Vec::with_capacity(rows.len());
    for (_, _, words) in rows {
        line_of.push(lines.len());
        let line = words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        if !line.trim().is_empty() {
            lines.push(line);
        }
    }
    let joins = joins
        .into_iter()
        .map(|j| {
            let row = merged.get(j.group).copied().flatten().unwrap_or(j.group);
            let line = line_of.get(row).copied().unwrap_or(0);
            (j, line)
        })
        .collect();
    (lines, joins)
}

/// Adjacent fragments of one line without a gap between them.
struct Word {
    text: String,
    x0: f64,
    x1: f64,
    closed: bool,
}

/// Concatenated decoded data of a page's content streams, with the indices used.
fn page_contents(doc: &Doc, page: &Obj) -> (Vec<u8>, Vec<usize>) {
    let mut data = Vec::new();
    let mut used = Vec::new();
    let refs: Vec<&Obj> = match page.get(b"Contents") {
        Some(r @ Obj::Ref(..)) => match doc.resolve(r) {
            Obj::Array(a) => a.iter().collect(),
            _ => vec![r],
        },
        Some(Obj::Array(a)) => a.iter().collect(),
        _ => Vec::new(),
    };
    for r in refs {
        if let Some(i) = doc.entry_of(r)
            && let Some(d) = doc.decoded.get(&i)
        {
            data.extend_from_slice(d);
            data.push(b'\n');
            used.push(i);
        }
    }
    (data, used)
}

/// Walks the page tree from the catalog, in order, with inherited resources.
fn collect_pages(doc: &Doc) -> Vec<(usize, Obj)> {
    let mut pages = Vec::new();
    let root = doc
        .trailers
        .iter()
        .rev()
        .map(|t| doc.get(t, b"Root"))
        .find(|r| matches!(r, Obj::Dict(_)));
    let mut visited = BTreeSet::new();
    let mut stack: Vec<(Obj, Obj, u32)> = Vec::new();
    if let Some(root) = root
        && let Some(p) = root.get(b"Pages")
    {
        stack.push((p.clone(), NULL.clone(), 0));
    }
    while let Some((node_ref, inherited, depth)) = stack.pop() {
        let Some(idx) = doc.entry_of(&node_ref) else {
            continue;
        };
        if depth > 64 || !visited.insert(idx) || pages.len() > 1_000_000 {
            continue;
        }
        let node = &doc.entries[idx].value;
        let res = match doc.get(node, b"Resources") {
            r @ Obj::Dict(_) => r.clone(),
            _ => inherited.clone(),
        };
        if let Obj::Array(kids) = doc.get(node, b"Kids") {
            for k in kids.iter().rev() {
                stack.push((k.clone(), res.clone(), depth + 1));
            }
        } else {
            pages.push((idx, res));
        }
    }
    if pages.is_empty() {
        // No usable page tree: take every page object in file order.
        for (i, e) in doc.entries.iter().enumerate() {
            if e.value.get(b"Type").is_some_and(|t| t.is_name(b"Page")) {
                let res = doc.get(&e.value, b"Resources").clone();
                pages.push((i, res));
            }
        }
    }
    pages
}

fn emit(ctx: &mut Ctx<'_>, fonts: &mut Fonts, sink: Sink, base: Location, kind: UnitKind) {
    let mut sink = sink;
    sink.flush();
    // Units are the geometric lines; the lines in drawing order are searched for originals
    // too, since a cell wrapped over two lines is drawn line after line.
    let (lines, joins) = assemble(&mut sink.frags);
    for (k, line) in lines.iter().enumerate() {
        let l = Location {
            line: Some(k as u32 + 1),
            ..base.clone()
        };
        ctx.add_unit(line, kind, l, None, None);
    }
    // A sentence wrapped onto the next line (an address at the end of a notice line) is read
    // whole as well: prose lines that do not end their sentence are joined with the next one.
    for (k, pair) in lines.windows(2).enumerate() {
        let (a, b) = (pair[0].trim_end(), pair[1].trim());
        let prose = |t: &str| t.contains(['，', '：', '；', '。']);
        if prose(a)
            && !a.ends_with(['。', '；', '！', '？'])
            && b.split(' ').filter(|w| !w.is_empty()).count() <= 2
        {
            let l = Location {
                line: Some(k as u32 + 1),
                detail: Some(match &base.detail {
                    Some(d) => docsan_core::format_compact!("{d}, joined with the next line"),
                    None => "joined with the next line".into(),
                }),
                ..base.clone()
            };
            ctx.add_unit(&format!("{a}{b}"), kind, l, None, None);
        }
    }
    // A number wrapped inside a table cell, read whole: searched for originals and run through
    // detection as a cell of its own.
    for (j, line) in &joins {
        let l = Location {
            line: Some(*line as u32 + 1),
            detail: Some(match &base.detail {
                Some(d) => docsan_core::format_compact!(
                    "{d}, digits of {} lines of a column joined (a number wrapped in its cell)",
                    j.parts.len()
                ),
                None => docsan_core::format_compact!(
                    "digits of {} lines of a column joined (a number wrapped in its cell)",
                    j.parts.len()
                ),
            }),
            ..base.clone()
        };
        ctx.add_derived(&j.text, UnitKind::TableCell, &j.parts, "pdf.wrapped.", l);
    }
    // Rows whose number is glued to the name after it (`1张伟`): read again with the number set
    // apart, after their header line, so that detection reads the name under its column.
    for (h, rows) in wrap::glued_row_numbers(&lines) {
        let at = |k: usize, what: &str| Location {
            line: Some(k as u32 + 1),
            detail: Some(match &base.detail {
                Some(d) => docsan_core::format_compact!("{d}, {what}"),
                None => what.into(),
            }),
            ..base.clone()
        };
        let l = at(
            h,
            "header line read again before rows whose number is glued to a cell",
        );
        ctx.add_derived(
            &lines[h],
            kind,
            std::slice::from_ref(&lines[h]),
            "pdf.row-number.",
            l,
        );
        for (k, text) in rows {
            let l = at(k, "row number set apart from the cell after it");
            ctx.add_derived(
                &text,
                kind,
                std::slice::from_ref(&lines[k]),
                "pdf.row-number.",
                l,
            );
        }
    }
    for t in &sink.marked {
        let l = Location {
            detail: Some("marked-content text (ActualText or Alt)".into()),
            ..base.clone()
        };
        ctx.add_unit(t, UnitKind::AltText, l, None, None);
    }
    if ctx.needles.is_empty() {
        return;
    }
    let drawn = Location {
        detail: Some(match &base.detail {
            Some(d) => docsan_core::format_compact!("{d}, in drawing order"),
            None => "in drawing order".into(),
        }),
        ..base.clone()
    };
    for line in &sink.lines {
        ctx.check_originals(line, &drawn);
    }
    for seq in [&lines, &sink.lines] {
        for (k, pair) in seq.windows(2).enumerate() {
            let single: BTreeSet<usize> = ctx
                .needles
                .find_in_text(&pair[0])
                .into_iter()
                .chain(ctx.needles.find_in_text(&pair[1]))
                .collect();
            for idx in ctx.needles.find_in_text(&format!("{}{}", pair[0], pair[1])) {
                // Short values (two- or three-character names) would match across unrelated
                // line ends by chance; wrapped cells hold longer values.
                if !single.contains(&idx) && ctx.needles.value(idx).char_len() >= 4 {
                    let l = Location {
                        line: Some(k as u32 + 1),
                        ..base.clone()
                    };
                    ctx.add_original(idx, "original.text-wrapped", l);
                }
            }
        }
    }
    for (p, codes) in &sink.runs {
        let hits: Vec<usize> = fonts
            .encoded(ctx, *p)
            .map(|c| c.find(codes))
            .unwrap_or_default();
        for idx in hits {
            ctx.add_original(idx, "original.font-encoded", base.clone());
        }
    }
}

fn shows_text(d: &[u8]) -> bool {
    let has = |p: &[u8]| d.windows(p.len()).any(|w| w == p);
    has(b"BT") && (has(b"Tj") || has(b"TJ") || has(b"'"))
}

/// Interprets every page, every annotation appearance, and every other stream that shows text.
pub(crate) fn interpret_all(ctx: &mut Ctx<'_>, doc: &Doc, binary: &BTreeSet<usize>) {
    let mut fonts = Fonts {
        by_entry: BTreeMap::new(),
        fonts: Vec::new(),
        encoded: Vec::new(),
        warned: BTreeSet::new(),
    };
    // Resource names of fonts anywhere in the file (latest wins), for stray streams.
    let mut global_fonts: BTreeMap<Vec<u8>, Obj> = BTreeMap::new();
    let mut order: Vec<usize> = (0..doc.entries.len()).collect();
    order.sort_by_key(|&i| (doc.entries[i].offset, i));
    for &i in &order {
        let v = &doc.entries[i].value;
        for holder in [v, doc.get(v, b"Resources")] {
            if let Some(f) = holder.get(b"Font")
                && let Obj::Dict(d) = doc.resolve(f)
            {
                for (k, v) in d {
                    global_fonts.insert(k.clone(), v.clone());
                }
            }
        }
    }
    let mut done: BTreeSet<usize> = BTreeSet::new();
    let pages = collect_pages(doc);
    if ctx.depth == 0 {
        ctx.structure.pages = Some(u32::try_from(pages.len()).unwrap_or(u32::MAX));
    }
    for (pno, (idx, res)) in pages.iter().enumerate() {
        let page = &doc.entries[*idx].value;
        let (data, used) = page_contents(doc, page);
        // Pages that share all their content streams with an earlier page (templates, or a
        // hostile file with a million pages over one big stream) show nothing new.
        let repeat = !used.is_empty() && used.iter().all(|u| done.contains(u));
        done.extend(used.iter().copied());
        let data = if repeat { Vec::new() } else { data };
        let mut sink = Sink::new();
        let mut it = Interp {
            ctx,
            doc,
            fonts: &mut fonts,
            global_fonts: &global_fonts,
            done: &mut done,
            ops: 0,
        };
        it.run(&data, res, &mut sink, 0, IDENT);
        let part = used
            .first()
            .map_or_else(|| doc.entries[*idx].label(), |&u| doc.entries[u].label());
        let base = Location {
            page: Some(pno as u32 + 1),
            ..ctx.loc(&part)
        };
        emit(ctx, &mut fonts, sink, base, UnitKind::Body);
        // Annotation appearances of this page.
        if let Obj::Array(annots) = doc.get(page, b"Annots") {
            for a in annots {
                let a = doc.resolve(a);
                let ap = doc.get(doc.get(a, b"AP"), b"N");
                let mut streams: Vec<&Obj> = Vec::new();
                match ap.get(b"Type").or(ap.get(b"Subtype")).or(ap.get(b"BBox")) {
                    Some(_) => streams.push(doc.get(a, b"AP").get(b"N").unwrap_or(&NULL)),
                    None => {
                        if let Obj::Dict(states) = ap {
                            streams.extend(states.iter().map(|(_, v)| v));
                        }
                    }
                }
                for s in streams {
                    run_stray(
                        ctx,
                        doc,
                        &mut fonts,
                        &global_fonts,
                        &mut done,
                        s,
                        Some(pno as u32 + 1),
                    );
                }
            }
        }
    }
    // Everything else that shows text: old revisions, unreferenced objects, stray forms.
    for i in 0..doc.entries.len() {
        if done.contains(&i) || binary.contains(&i) {
            continue;
        }
        let Some(d) = doc.decoded.get(&i) else {
            continue;
        };
        let v = &doc.entries[i].value;
        if v.get(b"Type")
            .is_some_and(|t| t.is_name(b"ObjStm") || t.is_name(b"XRef"))
            || v.get(b"Length1").is_some()
            || !shows_text(d)
        {
            continue;
        }
        let r = Obj::Ref(doc.entries[i].num, doc.entries[i].generation);
        run_stray_idx(ctx, doc, &mut fonts, &global_fonts, &mut done, i, &r, None);
    }
}

fn run_stray(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    fonts: &mut Fonts,
    global_fonts: &BTreeMap<Vec<u8>, Obj>,
    done: &mut BTreeSet<usize>,
    s: &Obj,
    page: Option<u32>,
) {
    if let Some(i) = doc.entry_of(s) {
        run_stray_idx(ctx, doc, fonts, global_fonts, done, i, s, page);
    }
}

#[allow(clippy::too_many_arguments)]
fn run_stray_idx(
    ctx: &mut Ctx<'_>,
    doc: &Doc,
    fonts: &mut Fonts,
    global_fonts: &BTreeMap<Vec<u8>, Obj>,
    done: &mut BTreeSet<usize>,
    i: usize,
    _r: &Obj,
    page: Option<u32>,
) {
    if !done.insert(i) {
        return;
    }
    let Some(d) = doc.decoded.get(&i) else {
        return;
    };
    let v = &doc.entries[i].value;
    let res = doc.get(v, b"Resources").clone();
    let mut sink = Sink::new();
    let mut it = Interp {
        ctx: &mut *ctx,
        doc,
        fonts: &mut *fonts,
        global_fonts,
        done,
        ops: 0,
    };
    it.run(d, &res, &mut sink, 1, IDENT);
    let mut base = ctx.loc(&doc.entries[i].label());
    base.page = page;
    let (kind, detail) = if page.is_some() {
        (UnitKind::Annotation, "annotation appearance")
    } else {
        (
            UnitKind::Other,
            "stream not reached from any page (earlier revision or unreferenced object)",
        )
    };
    base.detail = Some(detail.into());
    emit(ctx, fonts, sink, base, kind);
}
