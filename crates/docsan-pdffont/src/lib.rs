//! PDF font decoding and encoding for docsan's PDF backend.
//!
//! The PDF backend sees text as string operands of `Tj`/`TJ`; what those bytes mean depends on
//! the font: a simple font maps each byte through an encoding to a glyph name, a Type0 font
//! splits the bytes into codes with a CMap and maps codes to CIDs, and either may carry a
//! `/ToUnicode` CMap that says what the codes mean as text. To find personal data the backend
//! needs the Unicode text of every glyph, its width (to keep the line in place when a glyph is
//! replaced) and the reverse direction (which code draws a mask character). [`Font`] gathers all
//! of this from a font dictionary once, and never fails: whatever it cannot decode with confidence
//! is reported through [`Font::reliable`] and [`Font::diagnostics`], so the backend can fail
//! closed.
//!
//! Contract for callers:
//! - A [`Glyph`] with empty `text` is a glyph whose meaning is unknown (not "no text"); a font
//!   whose codes may decode that way reports `reliable() == false` and a `Warning` diagnostic.
//! - `decode` returns the `/ToUnicode` reading; where the font's own encoding (glyph names, CMap,
//!   character collection, font cmap) reads a code differently, [`Font::alt_text`] returns that
//!   reading and a `tounicode-disagrees` warning is raised: search both.
//! - Widths are in glyph space: thousandths of text space, except Type3 fonts, whose widths are
//!   scaled by [`Font::font_matrix`]. Vertical fonts advance by [`Font::vertical_metrics`].
//! - [`Font::mask_code`] only offers a glyph the font program really draws; [`Font::has_glyph`]
//!   answers the same question for any code (for instance one found with [`Font::codes_for`]).
//! - Loading parses the font program and CMaps: cache one `Font` per font object.
//!
//! Modules: `cmap` (CMap programs), `encoding` (simple-font encodings and glyph names), `cjk`
//! (Adobe's predefined CMaps and CID tables, compiled in), `program` (TrueType/CFF/Type1 readers),
//! `tables` (generated data).

#![forbid(unsafe_code)]

mod cjk;
mod cmap;
mod encoding;
mod program;
mod tables;

use cmap::{CMap, Codespace};
use docsan_core::{Diagnostic, Limits};
use encoding::Base;
use lopdf::{Dictionary, Document, Object};
use program::Program;
use std::collections::BTreeMap;

/// One glyph of a decoded string. Its `Debug` output leaves the text out (it may be personal
/// data) and shows only its length.
#[derive(Clone, PartialEq)]
pub struct Glyph {
    /// Character code as read from the string.
    pub code: u32,
    /// Number of bytes the code took in the string (1 for simple fonts; 1–4 for CMaps).
    pub len: u8,
    /// Unicode for this code (empty if unknown, several chars for ligatures).
    pub text: String,
    /// Horizontal advance in glyph space units (1/1000 text space; for Type3 fonts in the
    /// font's own glyph space, see [`Font::font_matrix`]).
    pub width: f32,
    /// True when this is a single-byte code 32 (word spacing `Tw` applies).
    pub is_space: bool,
}

impl std::fmt::Debug for Glyph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Glyph")
            .field("code", &self.code)
            .field("len", &self.len)
            .field("text_chars", &self.text.chars().count())
            .field("width", &self.width)
            .field("is_space", &self.is_space)
            .finish()
    }
}

/// What kind of font dictionary this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Simple,
    Type0,
    Type3,
}

/// How codes of a Type0 font become text when there is no (usable) `/ToUnicode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CodeText {
    /// Codes are CIDs; text is unknown without a ToUnicode (or a CID table).
    Identity,
    /// Codes are UCS-2 code units.
    Ucs2,
    /// Codes are UTF-16BE, 2 or 4 bytes.
    Utf16,
    /// Codes are UTF-8, 1 to 4 bytes.
    Utf8,
    /// Codes are UTF-32BE, 4 bytes.
    Utf32,
    /// Codes are bytes of a legacy multi-byte encoding that `encoding_rs` decodes.
    Legacy(&'static encoding_rs::Encoding),
    /// An embedded CMap: codes map to CIDs through it.
    Embedded,
    /// Unknown predefined CMap.
    Unknown,
}

/// Whether a simple font's strings carry GBK double-byte characters (old Chinese producers that
/// write GBK bytes under a WinAnsi or custom encoding and let the system font draw them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gbk {
    /// Plain single-byte decoding.
    Off,
    /// The font's name or charset says GB: pairs of high bytes that form GBK characters are
    /// decoded as such.
    Definite,
    /// Nothing says GB, but nothing rules it out (a non-embedded, non-standard font without
    /// `/ToUnicode`): a string whose high bytes all pair into GBK characters is decoded as GBK, and
    /// the font is not reliable.
    Suspect,
}

/// Font name fragments that mean a GB-encoded Chinese system font.
const GB_NAME_HINTS: [&str; 16] = [
    "GB2312",
    "GBK",
    "GB18030",
    "SimSun",
    "SimHei",
    "SimFang",
    "SimKai",
    "FangSong",
    "KaiTi",
    "XiaoBiaoSong",
    "STSong",
    "STHeiti",
    "STKaiti",
    "STFangsong",
    "NSimSun",
    "Microsoft YaHei",
];

/// True when a BaseFont name (raw bytes) says the font is a GB-encoded Chinese system font: a
/// name written in GBK bytes, or one of the usual Chinese font names.
fn gb_name(raw: &[u8]) -> bool {
    let lossy = String::from_utf8_lossy(raw);
    let lower = lossy.to_ascii_lowercase();
    if GB_NAME_HINTS
        .iter()
        .any(|h| lower.contains(&h.to_ascii_lowercase()))
    {
        return true;
    }
    if raw.iter().any(|&b| b >= 0x80) {
        let (text, had_errors) = encoding_rs::GBK.decode_without_bom_handling(raw);
        return !had_errors && text.chars().any(is_cjk);
    }
    false
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Decodes a GBK double-byte pair, if it is one.
fn gbk_pair(b1: u8, b2: u8) -> Option<String> {
    if !(0x81..=0xFE).contains(&b1) || !(0x40..=0xFE).contains(&b2) || b2 == 0x7F {
        return None;
    }
    let pair = [b1, b2];
    let (t, had_errors) = encoding_rs::GBK.decode_without_bom_handling(&pair);
    if had_errors {
        None
    } else {
        Some(t.into_owned())
    }
}

/// A loaded font: everything needed to decode string operands and to pick mask codes.
#[derive(Clone)]
pub struct Font {
    name: String,
    kind: Kind,
    codespace: Vec<Codespace>,
    to_unicode: Option<CMap>,
    /// Simple fonts: glyph name per code (from the base encoding and `/Differences`).
    glyph_names: Vec<Option<String>>,
    /// Simple fonts: width per code from `/Widths` (index = code).
    simple_widths: Vec<Option<f32>>,
    missing_width: f32,
    std14: Option<&'static [(u32, u16)]>,
    /// Type0 fonts: `/W` as (first cid, last cid, width) ranges.
    cid_widths: Vec<(u32, u32, f32)>,
    cid_width_index: cmap::RangeIndex,
    default_width: f32,
    /// Type0 fonts: `/W2` as (first, last, w1y, vx, vy) and `/DW2`.
    cid_vmetrics: Vec<(u32, u32, [f32; 3])>,
    default_vmetrics: [f32; 2],
    code_text: CodeText,
    embedded_cmap: Option<CMap>,
    /// Predefined CMap whose code-to-CID table docsan carries (for widths and reverse maps).
    predefined: Option<String>,
    /// Its tables, found once.
    predefined_cmap: cjk::PredefinedCmap,
    /// Character collection (index into the compiled CID-to-Unicode tables) when CIDs have a
    /// known meaning, and whether CID text may be used for decoding.
    ordering: Option<usize>,
    cid_text: bool,
    vertical: bool,
    gbk: Gbk,
    /// The embedded font program, when present and parseable.
    program: Option<Program>,
    /// True when the font (or its descendant) has a FontFile entry.
    embedded: bool,
    /// CIDFontType2 `/CIDToGIDMap` stream (None = Identity).
    cid_to_gid: Option<Vec<u16>>,
    /// CIDFontType0: CIDs resolve through the CFF charset.
    cid_cff: bool,
    /// Identity TrueType fonts without `/ToUnicode`: glyph id to Unicode from the font's cmap.
    gid_text: Option<BTreeMap<u16, char>>,
    /// Simple TrueType fonts: per code, the Unicode the font program's own cmap gives for the
    /// glyph the code selects through the (1,0) or (3,0) cmap.
    sfnt_text: Option<Vec<Option<char>>>,
    /// Simple fonts: whether the glyph names come from something the font states (see
    /// `load_simple`), so that they may contradict a `/ToUnicode`.
    names_meaningful: bool,
    /// Type3: glyph names whose CharProcs stream draws something.
    char_procs: Option<BTreeMap<String, bool>>,
    font_matrix: [f32; 6],
    reliable: bool,
    diagnostics: Vec<Diagnostic>,
}

fn as_num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match doc.dereference(o) {
        Ok((_, o)) => o,
        Err(_) => &Object::Null,
    }
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn get_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, d, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn get_name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn get_array<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, d, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

/// Most entries of a `/Widths`, `/W` or `/Differences` array we read.
const MAX_ARRAY: usize = 1 << 20;

fn stream_bytes(
    doc: &Document,
    o: &Object,
    limits: &Limits,
    what: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    let s = match deref(doc, o) {
        Object::Stream(s) => s,
        _ => {
            diags.push(Diagnostic::warning(
                "font-stream-missing",
                format!("the font's {what} is not a stream"),
            ));
            return None;
        }
    };
    let cap = usize::try_from(limits.entry_cap(s.content.len() as u64)).unwrap_or(usize::MAX);
    match s.get_plain_content_with_limit(cap) {
        Ok(b) => Some(b),
        Err(_) => {
            diags.push(Diagnostic::warning(
                "font-stream-undecodable",
                format!("the font's {what} could not be decompressed within the limits"),
            ));
            None
        }
    }
}

/// A short summary: the maps are large and say nothing a reader of a log needs.
impl std::fmt::Debug for Font {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Font")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("code_text", &self.code_text)
            .field("to_unicode", &self.to_unicode.is_some())
            .field("embedded", &self.embedded)
            .field("program", &self.program.is_some())
            .field("gbk", &self.gbk)
            .field("vertical", &self.vertical)
            .field("reliable", &self.reliable)
            .field("diagnostics", &self.diagnostics.len())
            .finish()
    }
}

/// True when a Type3 glyph procedure contains a painting operator (a fill, a stroke, an image,
/// a shading or text); `d0`/`d1` alone draw nothing.
fn paints(content: &[u8]) -> bool {
    const PAINT: [&[u8]; 16] = [
        b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"Do", b"BI", b"sh", b"Tj", b"TJ",
        b"'", b"\"",
    ];
    content
        .split(|b| b.is_ascii_whitespace() || b"[]()<>/".contains(b))
        .any(|t| PAINT.contains(&t))
}

/// Loads the embedded font program named by a FontDescriptor.
fn load_program(
    doc: &Document,
    descriptor: &Dictionary,
    limits: &Limits,
    diags: &mut Vec<Diagnostic>,
) -> (bool, Option<Program>) {
    for key in [&b"FontFile2"[..], b"FontFile3", b"FontFile"] {
        let Ok(o) = descriptor.get(key) else { continue };
        let (subtype, length1) = match deref(doc, o) {
            Object::Stream(s) => (
                get_name(doc, &s.dict, b"Subtype").unwrap_or(b"").to_vec(),
                get(doc, &s.dict, b"Length1")
                    .and_then(as_num)
                    .map(|v| v.max(0.0) as usize),
            ),
            _ => (Vec::new(), None),
        };
        let Some(data) = stream_bytes(doc, o, limits, "font program", diags) else {
            return (true, None);
        };
        let p = Program::parse(key, &subtype, &data, length1);
        if p.is_none() {
            diags.push(Diagnostic::info(
                "font-program-unparsed",
                "the embedded font program could not be parsed; its glyph coverage is unknown",
            ));
        }
        return (true, p);
    }
    (false, None)
}

impl Font {
    /// Loads a font from its dictionary. Never fails: uncertainty goes into diagnostics and
    /// [`Font::reliable`].
    pub fn load(doc: &Document, font: &Dictionary, limits: &Limits) -> Font {
        let name = get_name(doc, font, b"BaseFont")
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .unwrap_or_default();
        let kind = match get_name(doc, font, b"Subtype") {
            Some(b"Type0") => Kind::Type0,
            Some(b"Type3") => Kind::Type3,
            _ => Kind::Simple,
        };
        let mut f = Font {
            name,
            kind,
            codespace: Vec::new(),
            to_unicode: None,
            glyph_names: vec![None; 256],
            simple_widths: vec![None; 256],
            missing_width: 0.0,
            std14: None,
            cid_widths: Vec::new(),
            cid_width_index: cmap::RangeIndex::default(),
            default_width: 1000.0,
            cid_vmetrics: Vec::new(),
            default_vmetrics: [880.0, -1000.0],
            code_text: CodeText::Identity,
            embedded_cmap: None,
            predefined: None,
            predefined_cmap: cjk::PredefinedCmap::default(),
            ordering: None,
            cid_text: false,
            vertical: false,
            gbk: Gbk::Off,
            program: None,
            embedded: false,
            cid_to_gid: None,
            cid_cff: false,
            gid_text: None,
            sfnt_text: None,
            names_meaningful: false,
            char_procs: None,
            font_matrix: [0.001, 0.0, 0.0, 0.001, 0.0, 0.0],
            reliable: true,
            diagnostics: Vec::new(),
        };
        if let Ok(o) = font.get(b"ToUnicode") {
            let o = deref(doc, o);
            if matches!(o, Object::Stream(_)) {
                if let Some(b) = stream_bytes(doc, o, limits, "/ToUnicode", &mut f.diagnostics) {
                    let cm = cmap::parse(&b);
                    if cm.truncated {
                        f.diagnostics.push(Diagnostic::warning(
                            "tounicode-malformed",
                            "the font's /ToUnicode CMap is malformed or too large; parts were ignored",
                        ));
                        f.reliable = false;
                    }
                    if cm.has_unicode() {
                        f.to_unicode = Some(cm);
                    }
                } else {
                    f.reliable = false;
                }
            }
        }
        match kind {
            Kind::Simple | Kind::Type3 => f.load_simple(doc, font, limits),
            Kind::Type0 => f.load_type0(doc, font, limits),
        }
        f.cross_check_tounicode();
        f
    }

    fn load_simple(&mut self, doc: &Document, font: &Dictionary, limits: &Limits) {
        self.codespace = vec![Codespace {
            len: 1,
            lo: [0; 4],
            hi: [0xFF, 0, 0, 0],
        }];
        let subtype = get_name(doc, font, b"Subtype").unwrap_or(b"");
        let descriptor = get_dict(doc, font, b"FontDescriptor");
        let flags = descriptor
            .and_then(|d| get(doc, d, b"Flags"))
            .and_then(as_num)
            .unwrap_or(0.0) as i64;
        let symbolic = flags & 4 != 0;
        if let Some(d) = descriptor {
            let (e, p) = load_program(doc, d, limits, &mut self.diagnostics);
            self.embedded = e;
            self.program = p;
        }
        let embedded = self.embedded;
        if self.kind == Kind::Type3
            && let Some(procs) = get_dict(doc, font, b"CharProcs")
        {
            let mut m = BTreeMap::new();
            for (k, v) in procs.iter().take(MAX_ARRAY) {
                let drawn = match deref(doc, v) {
                    Object::Stream(st) => st
                        .get_plain_content_with_limit(1 << 20)
                        .is_ok_and(|c| paints(&c)),
                    _ => false,
                };
                m.insert(String::from_utf8_lossy(k).into_owned(), drawn);
            }
            self.char_procs = Some(m);
        }
        if self.kind == Kind::Type3
            && let Some(m) = get_array(doc, font, b"FontMatrix")
            && m.len() == 6
        {
            {
                let v: Vec<f32> = m.iter().filter_map(|o| as_num(deref(doc, o))).collect();
                if v.len() == 6 {
                    self.font_matrix = [v[0], v[1], v[2], v[3], v[4], v[5]];
                }
            }
        }
        self.std14 = if embedded || self.kind == Kind::Type3 {
            None
        } else {
            encoding::std14_widths(&self.name)
        };
        // The base encoding: explicit, or the font's built-in one. For non-embedded and
        // non-symbolic fonts the built-in encoding is Standard; TrueType fonts without an
        // encoding are in practice WinAnsi.
        let enc_obj = font.get(b"Encoding").ok().map(|o| deref(doc, o));
        let mut base = if subtype == b"TrueType" {
            Base::WinAnsi
        } else {
            Base::Standard
        };
        let mut explicit_base = false;
        let mut gb_encoding = false;
        let mut differences: Option<&[Object]> = None;
        match enc_obj {
            Some(Object::Name(n)) => match Base::from_name(n) {
                Some(b) => {
                    base = b;
                    explicit_base = true;
                }
                // Some old producers put a GB CMap name on a simple font: its strings are GBK.
                None if String::from_utf8_lossy(n).contains("GB") => gb_encoding = true,
                None => {
                    self.diagnostics.push(Diagnostic::warning(
                        "font-encoding-unknown",
                        "a simple font names an encoding docsan does not know",
                    ));
                    self.reliable = false;
                }
            },
            Some(Object::Dictionary(d)) => {
                if let Some(b) = get_name(doc, d, b"BaseEncoding").and_then(Base::from_name) {
                    base = b;
                    explicit_base = true;
                }
                differences = get_array(doc, d, b"Differences");
            }
            _ => {}
        }
        // Embedded Type1 and CFF programs carry their own built-in encoding.
        let type1_builtin = match &self.program {
            Some(Program::Type1(t)) => !t.encoding.is_empty() || t.standard_encoding,
            Some(Program::Cff(c)) => !c.encoding.is_empty() || c.standard_encoding,
            _ => false,
        };
        // The standard Symbol font, not embedded: its built-in encoding is known.
        if !explicit_base && !embedded && self.name == "Symbol" && self.kind == Kind::Simple {
            base = Base::Symbol;
            explicit_base = true;
        }
        let builtin_symbolic = !explicit_base
            && !type1_builtin
            && (symbolic || matches!(self.name.as_str(), "Symbol" | "ZapfDingbats"))
            && self.kind != Kind::Type3;
        // Type3 fonts have no built-in encoding; symbolic fonts have their own.
        let apply_base = if self.kind == Kind::Type3 {
            explicit_base
        } else {
            !builtin_symbolic
        };
        // Glyph names are evidence only when something chose them: an explicit encoding,
        // /Differences or the program's own encoding; a default base encoding applied to a font
        // without /Encoding is a guess, not a second reading.
        self.names_meaningful = explicit_base || differences.is_some() || type1_builtin;
        let builtin = match &self.program {
            Some(Program::Type1(t)) if !explicit_base && !t.encoding.is_empty() => {
                Some(&t.encoding)
            }
            Some(Program::Cff(c)) if !explicit_base && !c.encoding.is_empty() => Some(&c.encoding),
            _ => None,
        };
        if let Some(enc) = builtin {
            // An embedded Type1 font without a base encoding uses its own built-in one.
            for (&c, n) in enc {
                self.glyph_names[c as usize] = Some(n.clone());
            }
        } else if apply_base {
            for (i, n) in base.table().iter().enumerate() {
                if !n.is_empty() {
                    self.glyph_names[i] = Some((*n).to_string());
                }
            }
        }
        if let Some(diffs) = differences {
            let mut code: i64 = -1;
            for o in diffs.iter().take(MAX_ARRAY) {
                match deref(doc, o) {
                    Object::Integer(i) => code = *i,
                    Object::Name(n) => {
                        if (0..256).contains(&code) {
                            self.glyph_names[code as usize] =
                                Some(String::from_utf8_lossy(n).into_owned());
                        }
                        code = code.saturating_add(1);
                    }
                    _ => {}
                }
            }
        }
        // Widths.
        let first = get(doc, font, b"FirstChar").and_then(as_num).unwrap_or(0.0) as i64;
        if let Some(w) = get_array(doc, font, b"Widths") {
            for (i, o) in w.iter().take(256).enumerate() {
                let code = first.saturating_add(i as i64);
                if (0..256).contains(&code) {
                    self.simple_widths[code as usize] = as_num(deref(doc, o));
                }
            }
        }
        self.missing_width = descriptor
            .and_then(|d| get(doc, d, b"MissingWidth"))
            .and_then(as_num)
            .unwrap_or(0.0);
        // Old Chinese producers: GBK bytes under a single-byte encoding.
        let raw_name = get_name(doc, font, b"BaseFont").unwrap_or(b"");
        let high_differences = differences.is_some_and(|d| {
            d.iter()
                .any(|o| matches!(deref(doc, o), Object::Integer(i) if *i >= 128))
        });
        let charset_gb = descriptor
            .and_then(|d| get(doc, d, b"CharSet"))
            .and_then(|o| o.as_str().ok())
            .is_some_and(|c| String::from_utf8_lossy(c).contains("GB"));
        if self.kind == Kind::Simple
            && self.to_unicode.is_none()
            && !high_differences
            && !encoding::is_std14(&self.name)
            && !builtin_symbolic
        {
            if gb_name(raw_name) || charset_gb || gb_encoding {
                self.gbk = Gbk::Definite;
                self.diagnostics.push(Diagnostic::info(
                    "font-gbk-bytes",
                    "a simple font with a Chinese GB font name: its double-byte strings are decoded as GBK",
                ));
                self.std14 = None;
            } else if !embedded {
                // A Latin font has varying widths for its accented high codes; a GBK font seen
                // through a single-byte encoding has one half-em width for every high byte.
                let high: Vec<f32> = (0xA1..=0xFEusize)
                    .filter_map(|c| self.simple_widths[c])
                    .collect();
                let uniform = high.len() == 0xFE - 0xA1 + 1 && high.iter().all(|&w| w == high[0]);
                if high.is_empty() {
                    self.gbk = Gbk::Suspect;
                    self.diagnostics.push(Diagnostic::info(
                        "font-maybe-gbk",
                        "a non-embedded simple font without /ToUnicode or widths for high codes: strings whose high bytes form GB2312 characters are decoded as GBK",
                    ));
                } else if uniform {
                    self.gbk = Gbk::Suspect;
                    self.diagnostics.push(Diagnostic::warning(
                        "font-maybe-gbk",
                        "a non-embedded simple font without /ToUnicode and uniform widths for high codes may carry GBK bytes; strings whose high bytes form GB2312 characters are decoded as GBK",
                    ));
                    self.reliable = false;
                }
            }
        }
        // Reliability: every code that has a width (so is likely drawn) must have text.
        if let Some(Program::Sfnt(sf)) = &self.program
            && sf.cff.is_none()
            && sf.unicode_cmap().is_some()
        {
            let inv = sf.inverse_unicode();
            let t: Vec<Option<char>> = (0..256u32)
                .map(|code| {
                    // Viewers fall back to the (3,1) table by code when the others are absent.
                    let gid = sf
                        .lookup(1, 0, code)
                        .or_else(|| sf.lookup(3, 0, 0xF000 + code))
                        .or_else(|| sf.lookup(3, 0, code))
                        .or_else(|| sf.lookup(3, 1, code))?;
                    inv.get(&gid).copied()
                })
                .collect();
            if t.iter().any(Option::is_some) {
                self.sfnt_text = Some(t);
            }
        }
        if builtin_symbolic && self.to_unicode.is_none() {
            // Codes the font draws (a non-zero width) must all have text from its cmap.
            let covered = self.sfnt_text.as_ref().is_some_and(|t| {
                (0..256usize)
                    .all(|c| self.simple_widths[c].is_none_or(|w| w == 0.0) || t[c].is_some())
            });
            if covered {
                self.diagnostics.push(Diagnostic::info(
                    "font-cmap-text",
                    "a symbolic TrueType font without /ToUnicode is decoded through the font program's own cmap",
                ));
            } else {
                self.diagnostics.push(Diagnostic::warning(
                    "font-symbolic-no-unicode",
                    "a symbolic font without an encoding or /ToUnicode: its text cannot be decoded with confidence",
                ));
                self.reliable = false;
            }
        }
        let mut unmapped = 0;
        let mut numeric = 0;
        // In GBK mode the high bytes are halves of double-byte characters, not glyphs.
        let checked = if self.gbk == Gbk::Off { 256 } else { 128 };
        for code in 0..checked {
            // A code without a glyph name draws `.notdef` (its width is padding of a full
            // /Widths array), except in symbolic fonts, handled above.
            let drawn = self.glyph_names[code as usize]
                .as_deref()
                .is_some_and(|n| !n.starts_with(".notdef"));
            if drawn && self.text_for(code, 1).is_none() {
                unmapped += 1;
                if self.glyph_names[code as usize]
                    .as_deref()
                    .and_then(encoding::numeric_glyph)
                    .is_some()
                {
                    numeric += 1;
                }
            }
        }
        if unmapped > 0 {
            self.diagnostics.push(Diagnostic::warning(
                "font-codes-unmapped",
                format!(
                    "{unmapped} codes of a simple font have no Unicode mapping ({numeric} with numeric glyph names)"
                ),
            ));
            self.reliable = false;
        }
        if !embedded && self.kind == Kind::Simple && !encoding::is_std14(&self.name) {
            self.diagnostics.push(Diagnostic::info(
                "font-not-embedded",
                "a simple font is neither embedded nor one of the standard 14; widths come from /Widths only",
            ));
        }
        if self.kind == Kind::Type3 && self.to_unicode.is_none() && differences.is_none() {
            self.diagnostics.push(Diagnostic::warning(
                "type3-no-unicode",
                "a Type3 font without /ToUnicode or glyph names: its text cannot be decoded",
            ));
            self.reliable = false;
        }
    }

    fn load_type0(&mut self, doc: &Document, font: &Dictionary, limits: &Limits) {
        let descendant = get_array(doc, font, b"DescendantFonts")
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| match o {
                Object::Dictionary(d) => Some(d),
                _ => None,
            });
        let enc = font.get(b"Encoding").ok().map(|o| deref(doc, o));
        let two = || {
            vec![Codespace {
                len: 2,
                lo: [0; 4],
                hi: [0xFF, 0xFF, 0, 0],
            }]
        };
        match enc {
            Some(Object::Name(n)) => {
                let n = String::from_utf8_lossy(n).into_owned();
                self.vertical = n.ends_with("-V");
                self.set_predefined(&n, two());
            }
            Some(Object::Stream(_)) => {
                if let Some(o) = font.get(b"Encoding").ok()
                    && let Some(b) =
                        stream_bytes(doc, o, limits, "/Encoding CMap", &mut self.diagnostics)
                {
                    let cm = cmap::parse(&b);
                    self.vertical = cm.wmode == 1;
                    if let Some(u) = &cm.usecmap {
                        let u = u.clone();
                        self.set_predefined(&u, two());
                    }
                    if !cm.codespace.is_empty() {
                        self.codespace = cm.codespace.clone();
                    }
                    if cm.truncated {
                        self.diagnostics.push(Diagnostic::warning(
                            "cmap-malformed",
                            "the font's embedded CMap is malformed or too large",
                        ));
                        self.reliable = false;
                    }
                    // A CMap that only extends a predefined one (`usecmap`) keeps that one's
                    // reading of codes as text; its own entries take precedence for CIDs.
                    let inherited = cm.usecmap.is_some()
                        && !matches!(self.code_text, CodeText::Identity | CodeText::Unknown);
                    if !inherited {
                        self.code_text = CodeText::Embedded;
                    }
                    self.embedded_cmap = Some(cm);
                }
                if self.codespace.is_empty() {
                    self.codespace = two();
                }
            }
            _ => {
                self.diagnostics.push(Diagnostic::warning(
                    "type0-encoding-missing",
                    "a Type0 font has no usable /Encoding; assuming two-byte codes",
                ));
                self.codespace = two();
                self.code_text = CodeText::Unknown;
                self.reliable = false;
            }
        }
        if let Some(d) = descendant {
            self.default_width = get(doc, d, b"DW").and_then(as_num).unwrap_or(1000.0);
            if let Some(w) = get_array(doc, d, b"W") {
                self.cid_widths = parse_w(doc, w, 1)
                    .into_iter()
                    .map(|(a, b, v)| (a, b, v[0]))
                    .collect();
                self.cid_width_index =
                    cmap::RangeIndex::build(self.cid_widths.iter().map(|r| (0, r.0, r.1)));
            }
            if let Some(dw2) = get_array(doc, d, b"DW2") {
                let v: Vec<f32> = dw2.iter().filter_map(|o| as_num(deref(doc, o))).collect();
                if v.len() == 2 {
                    self.default_vmetrics = [v[0], v[1]];
                }
            }
            if let Some(w2) = get_array(doc, d, b"W2") {
                self.cid_vmetrics = parse_w(doc, w2, 3)
                    .into_iter()
                    .map(|(a, b, v)| (a, b, [v[0], v[1], v[2]]))
                    .collect();
            }
        }
        let has_tu = self.to_unicode.is_some();
        // The character collection named by the CIDFont, when it is one of Adobe's.
        let mut cid_type2_embedded = false;
        let mut identity_gid = false;
        if let Some(d) = descendant {
            if let Some(info) = get_dict(doc, d, b"CIDSystemInfo")
                && get(doc, info, b"Registry").is_some_and(|o| o.as_str().ok() == Some(b"Adobe"))
                && let Some(Ok(ord)) = get(doc, info, b"Ordering").map(|o| o.as_str())
                && let Some(i) = cjk::ordering_index(&String::from_utf8_lossy(ord))
            {
                self.ordering = Some(i);
            }
            let embedded = get_dict(doc, d, b"FontDescriptor").is_some_and(|fd| {
                fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3")
            });
            cid_type2_embedded = embedded && get_name(doc, d, b"Subtype") == Some(b"CIDFontType2");
            identity_gid = !matches!(get(doc, d, b"CIDToGIDMap"), Some(Object::Stream(_)));
            if let Some(fd) = get_dict(doc, d, b"FontDescriptor") {
                let (e, p) = load_program(doc, fd, limits, &mut self.diagnostics);
                self.embedded = e;
                self.program = p;
            }
            self.cid_cff = get_name(doc, d, b"Subtype") == Some(b"CIDFontType0");
            if let Ok(o) = d.get(b"CIDToGIDMap")
                && matches!(deref(doc, o), Object::Stream(_))
            {
                match stream_bytes(doc, o, limits, "/CIDToGIDMap", &mut self.diagnostics) {
                    Some(b) => {
                        self.cid_to_gid = Some(
                            b.chunks_exact(2)
                                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                                .collect(),
                        )
                    }
                    None => self.reliable = false,
                }
            }
        }
        // Identity TrueType fonts without /ToUnicode: the font's own Unicode cmap, inverted, says
        // what each glyph is, if it covers every drawn glyph.
        // With a /ToUnicode it still serves to cross-check it.
        let mut gid_complete = false;
        if matches!(self.code_text, CodeText::Identity)
            && let Some(Program::Sfnt(sf)) = &self.program
            && sf.unicode_cmap().is_some()
            && sf.cff.is_none()
        {
            let inv = sf.inverse_unicode();
            let uncovered = sf.drawn_glyphs().filter(|g| !inv.contains_key(g)).count();
            gid_complete = uncovered == 0;
            if !inv.is_empty() {
                self.gid_text = Some(inv);
            }
        }
        match self.code_text {
            CodeText::Identity if !has_tu && gid_complete => {
                self.diagnostics.push(Diagnostic::info(
                    "cid-font-cmap-text",
                    "a TrueType CID font without /ToUnicode is decoded through the font program's own cmap",
                ));
            }
            CodeText::Identity | CodeText::Embedded if !has_tu => {
                if self.ordering.is_some() {
                    self.cid_text = true;
                    if cid_type2_embedded && identity_gid {
                        self.diagnostics.push(Diagnostic::warning(
                            "cid-font-gid-as-cid",
                            "an embedded TrueType CID font without /ToUnicode claims an Adobe character collection with identity glyph mapping; its text is guessed",
                        ));
                        self.reliable = false;
                    } else {
                        self.diagnostics.push(Diagnostic::info(
                            "cid-font-collection-text",
                            "a CID font without /ToUnicode is decoded through its Adobe character collection",
                        ));
                    }
                } else {
                    self.diagnostics.push(Diagnostic::warning(
                        "cid-font-no-unicode",
                        "a CID font without /ToUnicode: its text cannot be decoded with confidence",
                    ));
                    self.reliable = false;
                }
            }
            CodeText::Unknown if !has_tu => {
                self.reliable = false;
            }
            _ => {}
        }
        // With a /ToUnicode, an Adobe collection still gives a second reading of each CID (for
        // codes the ToUnicode lacks, and for [`Font::alt_text`]).
        if has_tu && self.ordering.is_some() && !(cid_type2_embedded && identity_gid) {
            self.cid_text = true;
        }
    }

    /// Compares `/ToUnicode` with the font's own reading (glyph names, CMap, collection, font
    /// cmap) and reports codes where they disagree on letters, digits or CJK characters: a lying
    /// `/ToUnicode` could hide a value from a text search, and [`Font::alt_text`] exposes it.
    fn cross_check_tounicode(&mut self) {
        let Some(tu) = &self.to_unicode else { return };
        let mut keys: Vec<(u32, u8)> = tu.chars.keys().copied().collect();
        for r in &tu.ranges {
            let n = (r.hi - r.lo).min(0xFFFF);
            keys.extend((0..=n).map(|o| (r.lo + o, r.len)));
            if keys.len() > 1 << 17 {
                break;
            }
        }
        let meaningful = |t: &str| t.chars().any(|c| c.is_ascii_alphanumeric() || is_cjk(c));
        let mut disagree = 0usize;
        for (code, len) in keys {
            let len = if self.kind == Kind::Type0 { len } else { 1 };
            if self.kind != Kind::Type0 && code > 0xFF {
                continue;
            }
            if let Some(alt) = self.alt_text(code, len) {
                let t = self.text_for(code, len).unwrap_or_default();
                if meaningful(&alt) || meaningful(&t) {
                    disagree += 1;
                }
            }
        }
        if disagree > 0 {
            self.diagnostics.push(Diagnostic::warning(
                "tounicode-disagrees",
                format!(
                    "the font's /ToUnicode disagrees with its own encoding for {disagree} codes holding letters, digits or CJK characters; both readings must be searched (alt_text)"
                ),
            ));
        }
    }

    fn set_predefined(&mut self, name: &str, two: Vec<Codespace>) {
        let cs = |r: &[(&[u8], &[u8])]| -> Vec<Codespace> {
            r.iter().filter_map(|(a, b)| Codespace::new(a, b)).collect()
        };
        if cjk::has_cmap(name) {
            self.predefined = Some(name.to_string());
            self.predefined_cmap = cjk::PredefinedCmap::new(name);
            self.ordering = cjk::ordering_of_cmap(name);
        }
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))
            .unwrap_or(name);
        match base {
            "Identity" => {
                self.codespace = two;
                self.code_text = CodeText::Identity;
            }
            "UniGB-UCS2" | "UniCNS-UCS2" | "UniJIS-UCS2" | "UniKS-UCS2" | "UniJIS-UCS2-HW" => {
                self.codespace = two;
                self.code_text = CodeText::Ucs2;
            }
            "UniGB-UTF8" | "UniCNS-UTF8" | "UniJIS-UTF8" | "UniKS-UTF8" | "UniJIS2004-UTF8" => {
                self.codespace = cs(&[
                    (&[0x00], &[0x7F]),
                    (&[0xC2, 0x80], &[0xDF, 0xBF]),
                    (&[0xE0, 0x80, 0x80], &[0xEF, 0xBF, 0xBF]),
                    (&[0xF0, 0x80, 0x80, 0x80], &[0xF4, 0xBF, 0xBF, 0xBF]),
                ]);
                self.code_text = CodeText::Utf8;
            }
            "UniGB-UTF32"
            | "UniCNS-UTF32"
            | "UniJIS-UTF32"
            | "UniKS-UTF32"
            | "UniJIS2004-UTF32"
            | "UniJISX0213-UTF32"
            | "UniJISX02132004-UTF32" => {
                self.codespace = cs(&[(&[0x00, 0x00, 0x00, 0x00], &[0x00, 0x10, 0xFF, 0xFF])]);
                self.code_text = CodeText::Utf32;
            }
            "UniGB-UTF16" | "UniCNS-UTF16" | "UniJIS-UTF16" | "UniKS-UTF16"
            | "UniJIS2004-UTF16" => {
                self.codespace = cs(&[
                    (&[0x00, 0x00], &[0xD7, 0xFF]),
                    (&[0xD8, 0x00, 0xDC, 0x00], &[0xDB, 0xFF, 0xDF, 0xFF]),
                    (&[0xE0, 0x00], &[0xFF, 0xFF]),
                ]);
                self.code_text = CodeText::Utf16;
            }
            "GBK-EUC" | "GBpc-EUC" | "GBK2K" | "GBKp-EUC" => {
                let mut r = cs(&[(&[0x00], &[0x80]), (&[0x81, 0x40], &[0xFE, 0xFE])]);
                if base == "GBK2K" {
                    r.extend(cs(&[(
                        &[0x81, 0x30, 0x81, 0x30],
                        &[0xFE, 0x39, 0xFE, 0x39],
                    )]));
                }
                self.codespace = r;
                self.code_text = CodeText::Legacy(encoding_rs::GB18030);
            }
            "GB-EUC" => {
                self.codespace = cs(&[(&[0x00], &[0x80]), (&[0xA1, 0xA1], &[0xFE, 0xFE])]);
                self.code_text = CodeText::Legacy(encoding_rs::GBK);
            }
            "B5pc" | "ETen-B5" | "HKscs-B5" => {
                self.codespace = cs(&[(&[0x00], &[0x80]), (&[0x81, 0x40], &[0xFE, 0xFE])]);
                self.code_text = CodeText::Legacy(encoding_rs::BIG5);
            }
            "90ms-RKSJ" | "90msp-RKSJ" | "83pv-RKSJ" | "90pv-RKSJ" => {
                self.codespace = cs(&[
                    (&[0x00], &[0x80]),
                    (&[0xA0], &[0xDF]),
                    (&[0x81, 0x40], &[0x9F, 0xFC]),
                    (&[0xE0, 0x40], &[0xFC, 0xFC]),
                ]);
                self.code_text = CodeText::Legacy(encoding_rs::SHIFT_JIS);
            }
            "EUC" => {
                self.codespace = cs(&[(&[0x00], &[0x80]), (&[0x8E, 0xA0], &[0xFE, 0xFE])]);
                self.code_text = CodeText::Legacy(encoding_rs::EUC_JP);
            }
            "KSC-EUC" | "KSCms-UHC" | "KSCpc-EUC" => {
                self.codespace = cs(&[(&[0x00], &[0x80]), (&[0x81, 0x41], &[0xFE, 0xFE])]);
                self.code_text = CodeText::Legacy(encoding_rs::EUC_KR);
            }
            _ => {
                self.diagnostics.push(Diagnostic::warning(
                    "cmap-unknown",
                    "a Type0 font uses a predefined CMap docsan does not know; assuming two-byte codes",
                ));
                self.codespace = two;
                self.code_text = CodeText::Unknown;
                self.reliable = false;
            }
        }
    }

    /// Text for one code, before any cross-check.
    fn text_for(&self, code: u32, len: u8) -> Option<String> {
        if let Some(tu) = &self.to_unicode
            && let Some(s) = tu.lookup_any(code, len)
        {
            return Some(s);
        }
        self.own_text(code, len)
    }

    /// Text for one code from the font's encoding alone (glyph names or the CMap's character
    /// collection), ignoring `/ToUnicode`.
    fn own_text(&self, code: u32, len: u8) -> Option<String> {
        match self.kind {
            Kind::Simple | Kind::Type3 => {
                let named = self
                    .glyph_names
                    .get(code as usize)
                    .and_then(|n| n.as_deref())
                    .and_then(encoding::glyph_to_unicode);
                named.or_else(|| {
                    let c = (*self.sfnt_text.as_ref()?.get(code as usize)?)?;
                    Some(c.to_string())
                })
            }
            Kind::Type0 => match self.code_text {
                CodeText::Ucs2 => char::from_u32(code).map(String::from),
                CodeText::Utf16 => {
                    let units: Vec<u16> = if len == 4 {
                        vec![(code >> 16) as u16, code as u16]
                    } else {
                        vec![code as u16]
                    };
                    String::from_utf16(&units).ok()
                }
                CodeText::Utf8 => String::from_utf8(self.encode(code, len)).ok(),
                CodeText::Utf32 => char::from_u32(code).map(String::from),
                CodeText::Legacy(enc) => {
                    let bytes = self.encode(code, len);
                    let (s, had_errors) = enc.decode_without_bom_handling(&bytes);
                    if had_errors {
                        None
                    } else {
                        Some(s.into_owned())
                    }
                }
                CodeText::Identity if self.gid_text.is_some() => {
                    let gid = self.gid_for_cid(self.cid_for(code, len)?)?;
                    self.gid_text.as_ref()?.get(&gid).map(|c| c.to_string())
                }
                CodeText::Identity | CodeText::Embedded if self.cid_text => {
                    let cid = self.cid_for(code, len)?;
                    cjk::cid_to_unicode(self.ordering?, cid).map(String::from)
                }
                _ => None,
            },
        }
    }

    /// CID for a code (Type0 fonts), when known.
    fn cid_for(&self, code: u32, len: u8) -> Option<u32> {
        if let Some(cid) = self.embedded_cmap.as_ref().and_then(|cm| cm.cid(code, len)) {
            return Some(cid);
        }
        match self.code_text {
            CodeText::Identity => Some(code),
            _ => {
                self.predefined.as_ref()?;
                self.predefined_cmap.cid(code, len)
            }
        }
    }

    /// Glyph id of a CID in the embedded program (CIDFontType2 through `/CIDToGIDMap`).
    fn gid_for_cid(&self, cid: u32) -> Option<u16> {
        match &self.cid_to_gid {
            Some(map) => map.get(cid as usize).copied(),
            None => u16::try_from(cid).ok(),
        }
    }

    /// Whether the glyph a code selects is drawn (present with an outline): `Some(true/false)`
    /// when the font program (or the Type3 CharProcs) says so, `None` when it cannot be told.
    fn glyph_drawn(&self, code: u32, len: u8) -> Option<bool> {
        match self.kind {
            Kind::Type3 => {
                let name = self.glyph_names.get(code as usize)?.as_deref()?;
                Some(*self.char_procs.as_ref()?.get(name)?)
            }
            Kind::Simple => {
                if !self.embedded {
                    // The viewer draws it with a substitute font that has the character.
                    return Some(true);
                }
                let name = self
                    .glyph_names
                    .get(code as usize)
                    .and_then(|n| n.as_deref());
                match self.program.as_ref()? {
                    Program::Type1(t) => Some(t.glyph_drawn(name?)),
                    Program::Cff(c) => {
                        Some(c.gid_for_name(name?).is_some_and(|g| c.glyph_drawn(g)))
                    }
                    Program::Sfnt(sf) => {
                        if let Some(c) = &sf.cff {
                            return Some(c.gid_for_name(name?).is_some_and(|g| c.glyph_drawn(g)));
                        }
                        // PDF 32000 9.6.6.4: (3,1) through the glyph name's Unicode, then (1,0)
                        // by code, then (3,0) at 0xF000 + code.
                        let mut gid = None;
                        if let Some(n) = name
                            && let Some(t) = encoding::glyph_to_unicode(n)
                            && let Some(ch) = t.chars().next()
                            && sf.has_cmap(3, 1)
                        {
                            gid = sf.lookup(3, 1, ch as u32);
                        }
                        gid = gid
                            .or_else(|| sf.lookup(1, 0, code))
                            .or_else(|| sf.lookup(3, 0, 0xF000 + code))
                            .or_else(|| sf.lookup(3, 0, code))
                            .or_else(|| sf.lookup(3, 1, code));
                        Some(gid.is_some_and(|g| sf.glyph_drawn(g)))
                    }
                }
            }
            Kind::Type0 => {
                if !self.embedded {
                    return Some(true);
                }
                let cid = self.cid_for(code, len)?;
                match self.program.as_ref()? {
                    Program::Cff(c) => Some(c.gid_for_cid(cid).is_some_and(|g| c.glyph_drawn(g))),
                    Program::Sfnt(sf) => match (&sf.cff, self.cid_cff) {
                        (Some(c), _) => Some(c.gid_for_cid(cid).is_some_and(|g| c.glyph_drawn(g))),
                        (None, _) => Some(self.gid_for_cid(cid).is_some_and(|g| sf.glyph_drawn(g))),
                    },
                    Program::Type1(_) => None,
                }
            }
        }
    }

    fn width_for(&self, code: u32, len: u8, text: &str) -> f32 {
        match self.kind {
            Kind::Simple | Kind::Type3 => {
                if let Some(Some(w)) = self.simple_widths.get(code as usize) {
                    return *w;
                }
                if let Some(t) = self.std14 {
                    let mut chars = text.chars();
                    if let (Some(c), None) = (chars.next(), chars.next())
                        && let Some(w) = encoding::std14_width(t, c)
                    {
                        return w;
                    }
                }
                self.missing_width
            }
            Kind::Type0 => {
                let Some(cid) = self.cid_for(code, len) else {
                    return self.default_width;
                };
                self.cid_width_index
                    .find(0, cid)
                    .and_then(|i| self.cid_widths.get(i))
                    .map_or(self.default_width, |r| r.2)
            }
        }
    }

    /// Decodes the bytes of a string operand into glyphs.
    pub fn decode(&self, bytes: &[u8]) -> Vec<Glyph> {
        if self.gbk != Gbk::Off
            && bytes.iter().any(|&b| b >= 0x80)
            && let Some(g) = self.decode_gbk(bytes)
        {
            return g;
        }
        self.decode_plain(bytes)
    }

    /// A one-byte glyph of a simple font; `gbk_half` marks a high byte that, in a GBK string, lost
    /// its partner.
    fn one_byte(&self, b: u8, gbk_half: bool) -> Glyph {
        let code = b as u32;
        let text = if gbk_half && b >= 0x80 {
            // Half of a GBK character that lost its partner: its text is unknown.
            String::new()
        } else {
            self.text_for(code, 1).unwrap_or_default()
        };
        let width = self.width_for(code, 1, &text);
        Glyph {
            code,
            len: 1,
            width,
            is_space: code == 32,
            text,
        }
    }

    /// GBK decoding of a simple font's string: high-byte pairs that form GBK characters become
    /// two-byte glyphs whose width is the sum of both bytes' widths. In `Suspect` mode the string
    /// is decoded this way only if all its high bytes pair up.
    fn decode_gbk(&self, bytes: &[u8]) -> Option<Vec<Glyph>> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b >= 0x80 {
                // Without a name that says GB, only GB2312's two-high-byte characters count, so
                // Latin text with accents is not taken for Chinese.
                let strict = self.gbk == Gbk::Suspect;
                if let Some(&b2) = bytes.get(i + 1)
                    && (!strict || ((0xA1..=0xF7).contains(&b) && b2 >= 0xA1))
                    && let Some(text) = gbk_pair(b, b2)
                {
                    let code = ((b as u32) << 8) | b2 as u32;
                    let width = self.width_for(b as u32, 1, "") + self.width_for(b2 as u32, 1, "");
                    out.push(Glyph {
                        code,
                        len: 2,
                        width,
                        is_space: false,
                        text,
                    });
                    i += 2;
                    continue;
                }
                if self.gbk == Gbk::Suspect {
                    return None;
                }
            }
            out.push(self.one_byte(b, true));
            i += 1;
        }
        Some(out)
    }

    fn decode_plain(&self, bytes: &[u8]) -> Vec<Glyph> {
        if self.kind != Kind::Type0 {
            return bytes.iter().map(|&b| self.one_byte(b, false)).collect();
        }
        cmap::split_codes(&self.codespace, bytes)
            .into_iter()
            .map(|(code, len, _)| {
                let text = self.text_for(code, len).unwrap_or_default();
                let width = self.width_for(code, len, &text);
                Glyph {
                    code,
                    len,
                    width,
                    is_space: len == 1 && code == 32,
                    text,
                }
            })
            .collect()
    }

    /// The string bytes for a code.
    pub fn encode(&self, code: u32, len: u8) -> Vec<u8> {
        let len = len.clamp(1, 4) as u32;
        (0..len).rev().map(|i| (code >> (8 * i)) as u8).collect()
    }

    /// The text the font's own encoding (glyph names, or the CMap's character collection) gives
    /// for a code, when it differs from the `/ToUnicode` text that [`Font::decode`] returns. A
    /// `/ToUnicode` can lie; the backend checks both.
    pub fn alt_text(&self, code: u32, len: u8) -> Option<String> {
        let tu = self.to_unicode.as_ref()?.lookup_any(code, len)?;
        let own = if self.kind != Kind::Type0 && !self.names_meaningful {
            // Only the program's cmap is evidence here.
            let c = (*self.sfnt_text.as_ref()?.get(code as usize)?)?;
            c.to_string()
        } else {
            self.own_text(code, len)?
        };
        (own != tu && !own.is_empty()).then_some(own)
    }

    /// A code whose glyph draws a mask character (`*`, else `＊`; never a letter, since `X` is a
    /// valid ID check character and would read as data). The glyph is
    /// checked in the embedded font program (present with an outline) or, for Type3 fonts, in
    /// `/CharProcs`; non-embedded fonts are trusted by their encoding. Returns (code, len, width).
    pub fn mask_code(&self) -> Option<(u32, u8, f32)> {
        for ch in ['*', '＊'] {
            for (code, len) in self.codes_for(ch) {
                let text = ch.to_string();
                let w = self.width_for(code, len, &text);
                if w > 0.0 && self.glyph_drawn(code, len) == Some(true) {
                    return Some((code, len, w));
                }
            }
        }
        None
    }

    /// Whether the glyph a code selects is drawn: `Some(true)` when the embedded font program
    /// (or Type3 `/CharProcs`) has it with an outline, or the font is not embedded (the viewer's
    /// substitute draws it); `Some(false)` when the program lacks it or it is empty; `None` when
    /// the program could not be read. Use it before substituting a code from [`Font::codes_for`].
    pub fn has_glyph(&self, code: u32, len: u8) -> Option<bool> {
        self.glyph_drawn(code, len)
    }

    /// All codes whose text is `ch`.
    pub fn codes_for(&self, ch: char) -> Vec<(u32, u8)> {
        let s = ch.to_string();
        let mut out = Vec::new();
        if let Some(tu) = &self.to_unicode {
            out.extend(tu.reverse(&s, 64));
        }
        match self.kind {
            Kind::Simple | Kind::Type3 => {
                let top = if self.gbk == Gbk::Off { 256 } else { 128 };
                for code in 0..top {
                    if self.text_for(code, 1).as_deref() == Some(s.as_str()) {
                        out.push((code, 1));
                    }
                }
                if self.gbk != Gbk::Off {
                    let (b, _, err) = encoding_rs::GBK.encode(&s);
                    if !err && b.len() == 2 && gbk_pair(b[0], b[1]).as_deref() == Some(s.as_str()) {
                        out.push((((b[0] as u32) << 8) | b[1] as u32, 2));
                    }
                }
            }
            Kind::Type0 => match self.code_text {
                CodeText::Ucs2 if (ch as u32) < 0x10000 => out.push((ch as u32, 2)),
                CodeText::Utf8 => {
                    let b = s.as_bytes();
                    let code = b.iter().fold(0u32, |a, &x| (a << 8) | x as u32);
                    out.push((code, b.len() as u8));
                }
                CodeText::Utf32 => out.push((ch as u32, 4)),
                CodeText::Embedded if self.cid_text => {
                    // CIDs of `ch` in the collection, back to codes through the embedded CMap.
                    if let (Some(o), Some(cm)) = (self.ordering, &self.embedded_cmap) {
                        for cid in cjk::unicode_to_cids(o, ch) {
                            for r in &cm.cid_ranges {
                                if cid >= r.3 && cid - r.3 <= r.1 - r.0 {
                                    out.push((r.0 + (cid - r.3), r.2));
                                }
                            }
                        }
                    }
                }
                CodeText::Utf16 => {
                    let mut b = [0u16; 2];
                    let u = ch.encode_utf16(&mut b);
                    if u.len() == 1 {
                        out.push((u[0] as u32, 2));
                    } else {
                        out.push((((u[0] as u32) << 16) | u[1] as u32, 4));
                    }
                }
                CodeText::Identity if self.gid_text.is_some() => {
                    // Glyphs whose cmap entry is `ch`, back to CIDs through /CIDToGIDMap.
                    let gids: Vec<u16> = self
                        .gid_text
                        .iter()
                        .flatten()
                        .filter(|(_, c)| **c == ch)
                        .map(|(g, _)| *g)
                        .collect();
                    for g in gids {
                        match &self.cid_to_gid {
                            None => out.push((g as u32, 2)),
                            Some(map) => out.extend(
                                map.iter()
                                    .enumerate()
                                    .filter(|(_, m)| **m == g)
                                    .map(|(cid, _)| (cid as u32, 2)),
                            ),
                        }
                    }
                }
                CodeText::Identity if self.cid_text => {
                    if let Some(o) = self.ordering {
                        out.extend(
                            cjk::unicode_to_cids(o, ch)
                                .into_iter()
                                .filter(|&c| c <= 0xFFFF)
                                .map(|c| (c, 2)),
                        );
                    }
                }
                CodeText::Legacy(enc) => {
                    let (b, _, err) = enc.encode(&s);
                    if !err && !b.is_empty() && b.len() <= 4 {
                        let code = b.iter().fold(0u32, |a, &x| (a << 8) | x as u32);
                        out.push((code, b.len() as u8));
                    }
                }
                _ => {}
            },
        }
        out.sort_unstable();
        out.dedup();
        // Only codes that really decode to `ch` (a ToUnicode entry may be shadowed).
        out.retain(|&(c, l)| {
            let bytes = self.encode(c, l);
            let g = self.decode(&bytes);
            g.len() == 1 && g[0].text == s
        });
        out
    }

    /// True for vertical writing (`-V` CMaps, `/WMode 1`).
    pub fn is_vertical(&self) -> bool {
        self.vertical
    }

    /// Vertical metrics of a code for vertical fonts: (w1y, vx, vy) in glyph space units, from
    /// `/W2` or `/DW2` (vx defaults to half the horizontal width).
    pub fn vertical_metrics(&self, code: u32, len: u8) -> [f32; 3] {
        let w0 = self.width_for(code, len, "");
        if let Some(cid) = self.cid_for(code, len)
            && let Some(r) = self
                .cid_vmetrics
                .iter()
                .rev()
                .find(|r| cid >= r.0 && cid <= r.1)
        {
            return r.2;
        }
        [self.default_vmetrics[1], w0 / 2.0, self.default_vmetrics[0]]
    }

    /// True for Type3 fonts.
    pub fn is_type3(&self) -> bool {
        self.kind == Kind::Type3
    }

    /// The Type3 `/FontMatrix`, else the standard `[0.001 0 0 0.001 0 0]`.
    pub fn font_matrix(&self) -> [f32; 6] {
        self.font_matrix
    }

    /// False if some codes could not be mapped to Unicode with confidence.
    pub fn reliable(&self) -> bool {
        self.reliable
    }

    /// What the loader noticed (never containing text values).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The `/BaseFont` name (lossy UTF-8).
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Parses a `/W` (n = 1) or `/W2` (n = 3) array into (first, last, values) ranges. Both forms:
/// `c [w1 w2 …]` and `c_first c_last w`. Bounded by [`MAX_ARRAY`].
fn parse_w(doc: &Document, arr: &[Object], n: usize) -> Vec<(u32, u32, Vec<f32>)> {
    let mut out = Vec::new();
    let mut i = 0;
    let num = |o: &Object| as_num(deref(doc, o));
    while i < arr.len() && out.len() < MAX_ARRAY {
        let Some(first) = num(&arr[i]) else {
            i += 1;
            continue;
        };
        if first < 0.0 {
            i += 1;
            continue;
        }
        let first = first as u32;
        match arr.get(i + 1).map(|o| deref(doc, o)) {
            Some(Object::Array(list)) => {
                let vals: Vec<f32> = list.iter().filter_map(num).collect();
                for (k, chunk) in vals.chunks(n).enumerate() {
                    if chunk.len() == n {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, chunk.to_vec()));
                    }
                    if out.len() >= MAX_ARRAY {
                        break;
                    }
                }
                i += 2;
            }
            Some(o) => {
                let Some(last) = as_num(o) else {
                    i += 1;
                    continue;
                };
                let vals: Vec<f32> = arr
                    .get(i + 2..i + 2 + n)
                    .map(|s| s.iter().filter_map(num).collect())
                    .unwrap_or_default();
                if vals.len() == n && last >= first as f32 {
                    out.push((first, last as u32, vals));
                }
                i += 2 + n;
            }
            None => break,
        }
    }
    out
}
