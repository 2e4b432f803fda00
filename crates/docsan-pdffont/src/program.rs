//! Minimal readers for embedded font programs: TrueType (`glyf`/`loca`/`cmap`), CFF (charset,
//! CharStrings) and Type1 (`/CharStrings` after eexec, built-in `/Encoding`).
//!
//! The PDF backend replaces a masked glyph with the font's own `*` when the font has one. An
//! encoding can name `asterisk` while a subset font program holds no such glyph (or an empty
//! one), and the mask would then draw nothing. So before offering a mask code we look into the
//! font program: is the glyph present and does it have an outline? The same readers give the
//! TrueType `cmap` for Identity fonts without `/ToUnicode`, and a Type1 font's built-in encoding.
//! Every read is bounds-checked; a program we cannot parse is simply "unknown".

use std::collections::BTreeMap;

fn u8_at(d: &[u8], o: usize) -> Option<u8> {
    d.get(o).copied()
}
fn u16_at(d: &[u8], o: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*d.get(o)?, *d.get(o.checked_add(1)?)?]))
}
fn i16_at(d: &[u8], o: usize) -> Option<i16> {
    u16_at(d, o).map(|v| v as i16)
}
fn u32_at(d: &[u8], o: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *d.get(o)?,
        *d.get(o.checked_add(1)?)?,
        *d.get(o.checked_add(2)?)?,
        *d.get(o.checked_add(3)?)?,
    ]))
}

/// Most cmap entries we collect from one subtable (a full Unicode font has ~65k).
const MAX_CMAP: usize = 200_000;

/// A parsed sfnt (TrueType or OpenType) font.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sfnt {
    /// Glyph outline byte lengths from `loca` (index = glyph id); empty for CFF-flavoured fonts.
    glyph_len: Vec<u32>,
    /// cmap subtables: (platform, encoding) to code-to-glyph map.
    cmaps: BTreeMap<(u16, u16), BTreeMap<u32, u16>>,
    /// An embedded `CFF ` table (OpenType CFF flavour).
    pub cff: Option<Cff>,
}

impl Sfnt {
    pub fn parse(d: &[u8]) -> Option<Sfnt> {
        let num_tables = u16_at(d, 4)? as usize;
        let mut tables = BTreeMap::new();
        for i in 0..num_tables.min(256) {
            let rec = 12 + 16 * i;
            let tag = d.get(rec..rec + 4)?;
            let off = u32_at(d, rec + 8)? as usize;
            let len = u32_at(d, rec + 12)? as usize;
            let end = off.checked_add(len)?.min(d.len());
            if off <= end {
                tables.insert(tag.to_vec(), (off, end));
            }
        }
        let table = |t: &[u8]| tables.get(t).and_then(|&(a, b)| d.get(a..b));
        let mut s = Sfnt::default();
        if let (Some(head), Some(loca), Some(maxp)) =
            (table(b"head"), table(b"loca"), table(b"maxp"))
        {
            let long = i16_at(head, 50)? == 1;
            let n = u16_at(maxp, 4)? as usize;
            let mut offs = Vec::with_capacity(n + 1);
            for i in 0..=n {
                let o = if long {
                    u32_at(loca, 4 * i)
                } else {
                    u16_at(loca, 2 * i).map(|v| v as u32 * 2)
                };
                match o {
                    Some(o) => offs.push(o),
                    None => break,
                }
            }
            s.glyph_len = offs.windows(2).map(|w| w[1].saturating_sub(w[0])).collect();
        }
        if let Some(c) = table(b"CFF ") {
            s.cff = Cff::parse(c);
        }
        if let Some(cmap) = table(b"cmap") {
            let n = u16_at(cmap, 2).unwrap_or(0) as usize;
            for i in 0..n.min(64) {
                let (Some(pid), Some(eid), Some(off)) = (
                    u16_at(cmap, 4 + 8 * i),
                    u16_at(cmap, 6 + 8 * i),
                    u32_at(cmap, 8 + 8 * i),
                ) else {
                    break;
                };
                if let Some(sub) = cmap.get(off as usize..)
                    && let Some(m) = parse_cmap_subtable(sub)
                {
                    s.cmaps.entry((pid, eid)).or_insert(m);
                }
            }
        }
        Some(s)
    }

    /// True when glyph `gid` exists and has an outline (for CFF-flavoured fonts, a charstring
    /// longer than an empty one).
    pub fn glyph_drawn(&self, gid: u16) -> bool {
        if let Some(c) = &self.cff {
            return c.glyph_drawn(gid as usize);
        }
        gid != 0 && self.glyph_len.get(gid as usize).is_some_and(|&l| l > 0)
    }

    pub fn lookup(&self, pid: u16, eid: u16, code: u32) -> Option<u16> {
        self.cmaps.get(&(pid, eid))?.get(&code).copied()
    }

    /// Unicode cmap ((3,10), (3,1) or (0,*)).
    pub fn unicode_cmap(&self) -> Option<&BTreeMap<u32, u16>> {
        self.cmaps
            .get(&(3, 10))
            .or_else(|| self.cmaps.get(&(3, 1)))
            .or_else(|| self.cmaps.iter().find(|(k, _)| k.0 == 0).map(|(_, v)| v))
    }

    /// Glyph id to Unicode, by inverting the Unicode cmap (lowest code point wins).
    pub fn inverse_unicode(&self) -> BTreeMap<u16, char> {
        let mut out = BTreeMap::new();
        if let Some(m) = self.unicode_cmap() {
            for (&u, &g) in m {
                if g != 0
                    && let Some(c) = char::from_u32(u)
                {
                    out.entry(g).or_insert(c);
                }
            }
        }
        out
    }

    pub fn has_cmap(&self, pid: u16, eid: u16) -> bool {
        self.cmaps.contains_key(&(pid, eid))
    }

    /// Number of glyphs with outlines.
    pub fn drawn_glyphs(&self) -> impl Iterator<Item = u16> + '_ {
        let n = match &self.cff {
            Some(c) => c.charstring_len.len(),
            None => self.glyph_len.len(),
        };
        (1..n.min(65536))
            .map(|g| g as u16)
            .filter(|&g| self.glyph_drawn(g))
    }
}

/// Most code points we visit in one cmap subtable, mapped or not: a hostile table can declare
/// 32k segments each spanning the whole BMP.
const MAX_CMAP_STEPS: usize = 1 << 21;

fn parse_cmap_subtable(d: &[u8]) -> Option<BTreeMap<u32, u16>> {
    let format = u16_at(d, 0)?;
    let mut m = BTreeMap::new();
    let mut steps = 0usize;
    match format {
        0 => {
            for c in 0..256usize {
                m.insert(c as u32, u8_at(d, 6 + c)? as u16);
            }
        }
        4 => {
            let segx2 = u16_at(d, 6)? as usize;
            let ends = 14;
            let starts = ends + segx2 + 2;
            let deltas = starts + segx2;
            let ranges = deltas + segx2;
            for s in 0..segx2 / 2 {
                let end = u16_at(d, ends + 2 * s)? as u32;
                let start = u16_at(d, starts + 2 * s)? as u32;
                let delta = u16_at(d, deltas + 2 * s)?;
                let ro = u16_at(d, ranges + 2 * s)? as usize;
                if start > end {
                    continue;
                }
                for c in start..=end.min(0xFFFE) {
                    let g = if ro == 0 {
                        (c as u16).wrapping_add(delta)
                    } else {
                        let at = ranges + 2 * s + ro + 2 * (c - start) as usize;
                        match u16_at(d, at) {
                            Some(0) | None => 0,
                            Some(g) => g.wrapping_add(delta),
                        }
                    };
                    if g != 0 {
                        m.insert(c, g);
                    }
                    steps += 1;
                    if m.len() > MAX_CMAP || steps > MAX_CMAP_STEPS {
                        return Some(m);
                    }
                }
            }
        }
        6 => {
            let first = u16_at(d, 6)? as u32;
            let n = u16_at(d, 8)? as u32;
            for i in 0..n {
                let g = u16_at(d, 10 + 2 * i as usize)?;
                m.insert(first + i, g);
            }
        }
        12 => {
            let n = u32_at(d, 12)? as usize;
            for i in 0..n.min(MAX_CMAP) {
                let b = 16 + 12 * i;
                let (s, e, g) = (u32_at(d, b)?, u32_at(d, b + 4)?, u32_at(d, b + 8)?);
                if s > e || e > 0x10FFFF {
                    continue;
                }
                for (k, c) in (s..=e).enumerate() {
                    let gid = g.saturating_add(k as u32);
                    if let Ok(gid) = u16::try_from(gid) {
                        m.insert(c, gid);
                    }
                    steps += 1;
                    if m.len() > MAX_CMAP || steps > MAX_CMAP_STEPS {
                        return Some(m);
                    }
                }
            }
        }
        _ => return None,
    }
    Some(m)
}

/// A CFF INDEX: the byte ranges of its items, and the offset just past it.
fn cff_index(d: &[u8], at: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let count = u16_at(d, at)? as usize;
    if count == 0 {
        return Some((Vec::new(), at + 2));
    }
    let osize = u8_at(d, at + 2)? as usize;
    if !(1..=4).contains(&osize) {
        return None;
    }
    let base = at + 3 + (count + 1) * osize - 1;
    let read = |i: usize| -> Option<usize> {
        let p = at + 3 + i * osize;
        let b = d.get(p..p + osize)?;
        Some(b.iter().fold(0usize, |a, &x| (a << 8) | x as usize))
    };
    let mut items = Vec::with_capacity(count.min(65536));
    let mut prev = read(0)?;
    for i in 1..=count {
        let o = read(i)?;
        if o < prev {
            return None;
        }
        items.push((base + prev, base + o));
        prev = o;
    }
    let end = base + prev;
    if end > d.len() {
        return None;
    }
    Some((items, end))
}

/// Top DICT operands we need: (operator, operands).
fn cff_dict(d: &[u8]) -> BTreeMap<u16, Vec<f64>> {
    let mut out = BTreeMap::new();
    let mut ops: Vec<f64> = Vec::new();
    let mut i = 0;
    while i < d.len() {
        let b = d[i];
        match b {
            0..=21 => {
                let op = if b == 12 {
                    i += 1;
                    1200 + d.get(i).copied().unwrap_or(0) as u16
                } else {
                    b as u16
                };
                out.insert(op, std::mem::take(&mut ops));
                i += 1;
            }
            28 => {
                ops.push(i16_at(d, i + 1).unwrap_or(0) as f64);
                i += 3;
            }
            29 => {
                ops.push(u32_at(d, i + 1).unwrap_or(0) as i32 as f64);
                i += 5;
            }
            30 => {
                // Real number: skip nibbles up to the 0xf terminator.
                i += 1;
                while i < d.len() {
                    let x = d[i];
                    i += 1;
                    if x & 0x0f == 0x0f || x >> 4 == 0x0f {
                        break;
                    }
                }
                ops.push(0.0);
            }
            32..=246 => {
                ops.push(b as f64 - 139.0);
                i += 1;
            }
            247..=250 => {
                let w = d.get(i + 1).copied().unwrap_or(0) as f64;
                ops.push((b as f64 - 247.0) * 256.0 + w + 108.0);
                i += 2;
            }
            251..=254 => {
                let w = d.get(i + 1).copied().unwrap_or(0) as f64;
                ops.push(-(b as f64 - 251.0) * 256.0 - w - 108.0);
                i += 2;
            }
            _ => i += 1,
        }
        if ops.len() > 64 {
            ops.clear();
        }
    }
    out
}

/// A parsed CFF font: charstring lengths, and the charset (glyph id to SID or CID).
#[derive(Debug, Clone, Default)]
pub(crate) struct Cff {
    charstring_len: Vec<usize>,
    /// Glyph id to SID (name-keyed) or CID (CID-keyed); glyph 0 is `.notdef`.
    charset: Vec<u16>,
    cid_keyed: bool,
    /// Custom strings (SID 391 onwards).
    strings: Vec<String>,
    /// Built-in encoding of a name-keyed font (code to glyph name); empty when it is the
    /// Standard encoding or absent.
    pub encoding: BTreeMap<u8, String>,
    /// True when the Top DICT names the Standard encoding (offset 0, the default).
    pub standard_encoding: bool,
}

/// SID of a standard string.
fn standard_sid(name: &str) -> Option<u16> {
    crate::tables::CFF_STANDARD_STRINGS
        .iter()
        .position(|s| *s == name)
        .and_then(|i| u16::try_from(i).ok())
}

impl Cff {
    pub fn parse(d: &[u8]) -> Option<Cff> {
        let hdr = u8_at(d, 2)? as usize;
        let (_, after_names) = cff_index(d, hdr)?;
        let (tops, after_tops) = cff_index(d, after_names)?;
        let (strings, _) = cff_index(d, after_tops)?;
        let &(ts, te) = tops.first()?;
        let top = cff_dict(d.get(ts..te)?);
        let cs_off = *top.get(&17)?.first()? as usize;
        let (cs, _) = cff_index(d, cs_off)?;
        let n = cs.len();
        let mut c = Cff {
            charstring_len: cs.iter().map(|(a, b)| b - a).collect(),
            cid_keyed: top.contains_key(&1230),
            strings: strings
                .iter()
                .take(65536)
                .filter_map(|&(a, b)| d.get(a..b))
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect(),
            charset: Vec::new(),
            encoding: BTreeMap::new(),
            standard_encoding: false,
        };
        let charset_off = top.get(&15).and_then(|v| v.first()).copied().unwrap_or(0.0) as usize;
        c.charset.push(0);
        if charset_off > 2 {
            let fmt = u8_at(d, charset_off)?;
            let mut p = charset_off + 1;
            while c.charset.len() < n {
                match fmt {
                    0 => {
                        c.charset.push(u16_at(d, p)?);
                        p += 2;
                    }
                    1 | 2 => {
                        let first = u16_at(d, p)?;
                        let left = if fmt == 1 {
                            u8_at(d, p + 2)? as u16
                        } else {
                            u16_at(d, p + 2)?
                        };
                        p += if fmt == 1 { 3 } else { 4 };
                        for k in 0..=left {
                            if c.charset.len() >= n {
                                break;
                            }
                            c.charset.push(first.wrapping_add(k));
                        }
                    }
                    _ => return None,
                }
            }
        } else if charset_off == 0 {
            // ISOAdobe charset: glyph id = SID for the first 229 glyphs.
            c.charset.extend((1..n.min(229)).map(|g| g as u16));
        }
        if !c.cid_keyed {
            let enc_off = top.get(&16).and_then(|v| v.first()).copied().unwrap_or(0.0) as usize;
            if enc_off == 0 {
                c.standard_encoding = true;
            } else if enc_off > 1 {
                c.parse_encoding(d, enc_off);
            }
        }
        Some(c)
    }

    /// Name of the glyph with SID `sid`.
    fn sid_name(&self, sid: u16) -> Option<&str> {
        match crate::tables::CFF_STANDARD_STRINGS.get(sid as usize) {
            Some(s) => Some(s),
            None => self.strings.get(sid as usize - 391).map(String::as_str),
        }
    }

    /// A custom encoding (formats 0 and 1, with supplements): code to glyph name.
    fn parse_encoding(&mut self, d: &[u8], at: usize) {
        let Some(fmt) = u8_at(d, at) else { return };
        let mut codes: Vec<(u8, usize)> = Vec::new();
        let mut p = at + 1;
        match fmt & 0x7f {
            0 => {
                let n = u8_at(d, p).unwrap_or(0) as usize;
                for i in 0..n {
                    let Some(code) = u8_at(d, p + 1 + i) else {
                        break;
                    };
                    codes.push((code, i + 1));
                }
                p += 1 + n;
            }
            1 => {
                let n = u8_at(d, p).unwrap_or(0) as usize;
                let mut gid = 1usize;
                for i in 0..n {
                    let (Some(first), Some(left)) =
                        (u8_at(d, p + 1 + 2 * i), u8_at(d, p + 2 + 2 * i))
                    else {
                        break;
                    };
                    for k in 0..=left as usize {
                        if let Ok(code) = u8::try_from(first as usize + k) {
                            codes.push((code, gid));
                        }
                        gid += 1;
                    }
                }
                p += 1 + 2 * n;
            }
            _ => return,
        }
        for (code, gid) in codes {
            if let Some(&sid) = self.charset.get(gid)
                && let Some(name) = self.sid_name(sid)
            {
                self.encoding.insert(code, name.to_string());
            }
        }
        if fmt & 0x80 != 0 {
            let n = u8_at(d, p).unwrap_or(0) as usize;
            for i in 0..n {
                let (Some(code), Some(sid)) = (u8_at(d, p + 1 + 3 * i), u16_at(d, p + 2 + 3 * i))
                else {
                    break;
                };
                if let Some(name) = self.sid_name(sid) {
                    self.encoding.insert(code, name.to_string());
                }
            }
        }
    }

    pub fn glyph_drawn(&self, gid: usize) -> bool {
        // An empty Type2 charstring is at most a width and `endchar` (a few bytes).
        gid != 0 && self.charstring_len.get(gid).is_some_and(|&l| l > 4)
    }

    /// Glyph id of a named glyph (name-keyed fonts).
    pub fn gid_for_name(&self, name: &str) -> Option<usize> {
        if self.cid_keyed {
            return None;
        }
        let sid = standard_sid(name).or_else(|| {
            self.strings
                .iter()
                .position(|s| s == name)
                .and_then(|i| u16::try_from(i + 391).ok())
        })?;
        self.charset
            .iter()
            .position(|&s| s == sid)
            .filter(|&g| g != 0)
    }

    /// Glyph id of a CID (CID-keyed fonts), or the CID itself for name-keyed fonts used as CID
    /// fonts.
    pub fn gid_for_cid(&self, cid: u32) -> Option<usize> {
        if !self.cid_keyed {
            return Some(cid as usize);
        }
        let cid = u16::try_from(cid).ok()?;
        self.charset
            .iter()
            .position(|&s| s == cid)
            .filter(|&g| g != 0)
    }
}

/// A Type1 font program: its built-in encoding and the charstring lengths by glyph name.
#[derive(Debug, Clone, Default)]
pub(crate) struct Type1 {
    pub encoding: BTreeMap<u8, String>,
    /// True when the program says `/Encoding StandardEncoding def`.
    pub standard_encoding: bool,
    charstrings: BTreeMap<String, usize>,
}

fn eexec_decrypt(data: &[u8]) -> Vec<u8> {
    let mut r: u16 = 55665;
    let mut out = Vec::with_capacity(data.len());
    for &c in data {
        out.push(c ^ (r >> 8) as u8);
        r = (c as u16)
            .wrapping_add(r)
            .wrapping_mul(52845)
            .wrapping_add(22719);
    }
    out
}

fn find(h: &[u8], n: &[u8], from: usize) -> Option<usize> {
    if n.is_empty() || from >= h.len() {
        return None;
    }
    h[from..]
        .windows(n.len())
        .position(|w| w == n)
        .map(|p| p + from)
}

impl Type1 {
    pub fn parse(d: &[u8], length1: Option<usize>) -> Type1 {
        let mut t = Type1::default();
        let split = length1
            .filter(|&l| l <= d.len())
            .or_else(|| find(d, b"eexec", 0).map(|p| p + 5))
            .unwrap_or(d.len());
        let (clear, rest) = d.split_at(split);
        // Built-in encoding: `dup <code> /<name> put`.
        let txt = String::from_utf8_lossy(clear);
        let toks: Vec<&str> = txt.split_ascii_whitespace().collect();
        t.standard_encoding = toks
            .windows(3)
            .any(|w| w == ["/Encoding", "StandardEncoding", "def"]);
        for w in toks.windows(4) {
            if w[0] == "dup"
                && w[3] == "put"
                && let (Ok(c), Some(n)) = (w[1].parse::<u8>(), w[2].strip_prefix('/'))
            {
                t.encoding.insert(c, n.to_string());
            }
        }
        // eexec part: binary, or hex when its first bytes are hex digits.
        let rest = {
            let start = rest
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            &rest[start..]
        };
        let binary: Vec<u8> = if rest.len() >= 4 && rest[..4].iter().all(|b| b.is_ascii_hexdigit())
        {
            let hex: Vec<u8> = rest
                .iter()
                .filter_map(|&b| (b as char).to_digit(16).map(|v| v as u8))
                .collect();
            hex.chunks(2)
                .map(|p| (p[0] << 4) | p.get(1).copied().unwrap_or(0))
                .collect()
        } else {
            rest.to_vec()
        };
        let plain = eexec_decrypt(&binary);
        let Some(cs) = find(&plain, b"/CharStrings", 0) else {
            return t;
        };
        // Entries: /name <len> RD <len bytes> ND
        let mut i = cs + 12;
        let n = plain.len();
        while i < n && t.charstrings.len() < 65536 {
            let Some(slash) = plain[i..].iter().position(|&b| b == b'/') else {
                break;
            };
            let s = i + slash + 1;
            let mut e = s;
            while e < n && !plain[e].is_ascii_whitespace() && !b"/[]{}()<>".contains(&plain[e]) {
                e += 1;
            }
            let name = String::from_utf8_lossy(&plain[s..e]).into_owned();
            // Skip whitespace, read the length, skip the RD token and one space.
            let mut p = e;
            while p < n && plain[p].is_ascii_whitespace() {
                p += 1;
            }
            let ns = p;
            while p < n && plain[p].is_ascii_digit() {
                p += 1;
            }
            let Ok(len) = std::str::from_utf8(&plain[ns..p])
                .unwrap_or("")
                .parse::<usize>()
            else {
                i = e;
                if name == "end" || e == s {
                    i += 1;
                }
                continue;
            };
            while p < n && plain[p].is_ascii_whitespace() {
                p += 1;
            }
            while p < n && !plain[p].is_ascii_whitespace() {
                p += 1;
            }
            p += 1;
            t.charstrings.insert(name, len);
            i = p.saturating_add(len).min(n);
        }
        t
    }

    /// True when the named glyph has a charstring longer than an empty one (4 bytes of lenIV
    /// plus a width and `endchar`).
    pub fn glyph_drawn(&self, name: &str) -> bool {
        self.charstrings.get(name).is_some_and(|&l| l > 9)
    }

    pub fn has_charstrings(&self) -> bool {
        !self.charstrings.is_empty()
    }
}

/// An embedded font program of any of the supported kinds.
#[derive(Debug, Clone)]
pub(crate) enum Program {
    Sfnt(Box<Sfnt>),
    Cff(Box<Cff>),
    Type1(Box<Type1>),
}

impl Program {
    /// Parses a font program; `kind` is the FontDescriptor key it came from and `subtype` the
    /// stream's `/Subtype` (for FontFile3).
    pub fn parse(
        kind: &[u8],
        subtype: &[u8],
        data: &[u8],
        length1: Option<usize>,
    ) -> Option<Program> {
        let sfnt_magic =
            data.len() > 4 && matches!(&data[..4], [0, 1, 0, 0] | b"true" | b"OTTO" | b"typ1");
        match kind {
            b"FontFile2" => Sfnt::parse(data).map(|s| Program::Sfnt(Box::new(s))),
            b"FontFile3" if subtype == b"OpenType" || sfnt_magic => {
                Sfnt::parse(data).map(|s| Program::Sfnt(Box::new(s)))
            }
            b"FontFile3" => Cff::parse(data).map(|c| Program::Cff(Box::new(c))),
            b"FontFile" => {
                let t = Type1::parse(data, length1);
                t.has_charstrings().then(|| Program::Type1(Box::new(t)))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny CFF font with `.notdef`, `asterisk` (drawn) and `x` (empty), built by hand.
    fn tiny_cff() -> Vec<u8> {
        let mut d = Vec::new();
        let header = [1u8, 0, 4, 1];
        let names = [0u8, 1, 1, 1, 2, b'T'];
        let strings = [0u8, 0];
        let gsubrs = [0u8, 0];
        // Charset format 0: glyph 1 = SID 11 (asterisk), glyph 2 = SID 89 (x).
        let charset = [0u8, 0, 11, 0, 89];
        // CharStrings INDEX: .notdef "endchar", asterisk with an outline, x "endchar".
        let cs_items: [&[u8]; 3] = [&[14], &[139, 139, 21, 239, 139, 5, 14], &[14]];
        let mut cs = vec![0u8, 3, 1, 1];
        let mut off = 1u8;
        for it in cs_items {
            off += it.len() as u8;
            cs.push(off);
        }
        for it in cs_items {
            cs.extend_from_slice(it);
        }
        // Top DICT: charset offset (op 15), CharStrings offset (op 17), encoded with 28 (int16).
        let top_len = 3 + 1 + 3 + 1;
        let top_index_len = 2 + 1 + 2 + top_len;
        let base = header.len() + names.len() + top_index_len + strings.len() + gsubrs.len();
        let charset_off = base as i16;
        let cs_off = (base + charset.len()) as i16;
        let mut top = vec![28];
        top.extend(charset_off.to_be_bytes());
        top.push(15);
        top.push(28);
        top.extend(cs_off.to_be_bytes());
        top.push(17);
        d.extend(header);
        d.extend(names);
        d.extend([0, 1, 1, 1, 1 + top.len() as u8]);
        d.extend(&top);
        d.extend(strings);
        d.extend(gsubrs);
        d.extend(charset);
        d.extend(cs);
        d
    }

    #[test]
    fn cff_charset_and_charstrings() {
        let c = Cff::parse(&tiny_cff()).expect("parses");
        assert_eq!(c.gid_for_name("asterisk"), Some(1));
        assert!(c.glyph_drawn(1));
        assert_eq!(c.gid_for_name("x"), Some(2));
        assert!(!c.glyph_drawn(2), "x is only endchar");
        assert_eq!(c.gid_for_name("X"), None);
        assert!(c.standard_encoding);
        // Custom encodings: format 0 (codes per glyph), format 1 (ranges), supplements.
        let mut c = c;
        c.parse_encoding(&[0, 2, 0x41, 0x78], 0);
        assert_eq!(c.encoding.get(&0x41).map(String::as_str), Some("asterisk"));
        assert_eq!(c.encoding.get(&0x78).map(String::as_str), Some("x"));
        c.encoding.clear();
        c.parse_encoding(&[0x81, 1, 0x30, 1, 1, 0x2A, 0, 11], 0);
        assert_eq!(c.encoding.get(&0x30).map(String::as_str), Some("asterisk"));
        assert_eq!(c.encoding.get(&0x31).map(String::as_str), Some("x"));
        assert_eq!(c.encoding.get(&0x2A).map(String::as_str), Some("asterisk"));
        c.parse_encoding(&[0x81, 200], 0);
        // Truncations never panic.
        let full = tiny_cff();
        for n in 0..full.len() {
            let _ = Cff::parse(&full[..n]);
        }
    }

    #[test]
    fn type1_eexec_charstrings_and_builtin_encoding() {
        // Encrypt a private part the way Type1 fonts do.
        fn encrypt(p: &[u8]) -> Vec<u8> {
            let mut r: u16 = 55665;
            p.iter()
                .map(|&b| {
                    let c = b ^ (r >> 8) as u8;
                    r = (c as u16)
                        .wrapping_add(r)
                        .wrapping_mul(52845)
                        .wrapping_add(22719);
                    c
                })
                .collect()
        }
        let mut private = b"abcd dup /Private 8 dict dup begin end 2 index /CharStrings 3 dict dup begin\n/.notdef 9 RD ".to_vec();
        private.extend([0u8; 9]);
        private.extend(b" ND\n/asterisk 20 RD ");
        private.extend([7u8; 20]);
        private.extend(b" ND\n/x 5 RD ");
        private.extend([1u8; 5]);
        private.extend(b" ND\nend end");
        let clear = b"%!FontType1\n/Encoding 256 array\ndup 42 /asterisk put\ndup 120 /x put\nreadonly def\ncurrentfile eexec\n";
        let mut font = clear.to_vec();
        font.extend(encrypt(&private));
        let t = Type1::parse(&font, Some(clear.len()));
        assert_eq!(t.encoding.get(&42).map(String::as_str), Some("asterisk"));
        assert!(!t.standard_encoding);
        let std = Type1::parse(
            b"%!PS-AdobeFont-1.0\n/Encoding StandardEncoding def\ncurrentfile eexec\n",
            None,
        );
        assert!(std.standard_encoding && std.encoding.is_empty());
        assert!(t.glyph_drawn("asterisk"));
        assert!(!t.glyph_drawn("x"));
        assert!(!t.glyph_drawn("X"));
        for n in 0..font.len() {
            let _ = Type1::parse(&font[..n], None);
        }
    }

    #[test]
    fn hostile_cmap_subtables_are_bounded() {
        // Format 4 with 32767 segments each spanning the BMP, all mapping to glyph 0.
        let segs = 32767usize;
        let mut d = vec![0u8, 4, 0, 0, 0, 0];
        d.extend(((segs * 2) as u16).to_be_bytes());
        d.extend([0; 6]);
        d.extend((0..segs).flat_map(|_| [0xFF, 0xFE]));
        d.extend([0, 0]);
        d.extend((0..segs).flat_map(|_| [0, 0]));
        d.extend((0..segs).flat_map(|_| [0, 0]));
        d.extend((0..segs).flat_map(|_| [0x7F, 0xFF]));
        let start = std::time::Instant::now();
        let m = parse_cmap_subtable(&d).expect("parses");
        assert!(m.len() <= MAX_CMAP + 1);
        assert!(start.elapsed().as_secs() < 10);
        // Format 12 with huge groups mapping beyond 16-bit glyph ids.
        let mut d = vec![0u8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        d.extend(200_000u32.to_be_bytes());
        for _ in 0..200_000 {
            d.extend(0u32.to_be_bytes());
            d.extend(0x10FFFFu32.to_be_bytes());
            d.extend(0x10000u32.to_be_bytes());
        }
        let m = parse_cmap_subtable(&d).expect("parses");
        assert!(m.len() <= MAX_CMAP + 1);
        assert!(start.elapsed().as_secs() < 20);
    }

    #[test]
    fn cmap_format4() {
        // One segment 0x2A..0x2B -> delta so that 0x2A maps to glyph 5, plus the 0xFFFF end.
        let mut d = vec![0u8, 4, 0, 32, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0];
        d.extend([0x00, 0x2B, 0xFF, 0xFF]); // ends
        d.extend([0, 0]); // pad
        d.extend([0x00, 0x2A, 0xFF, 0xFF]); // starts
        let delta = (5i32 - 0x2A) as i16;
        d.extend(delta.to_be_bytes());
        d.extend([0, 1]); // delta for 0xFFFF segment
        d.extend([0, 0, 0, 0]); // range offsets
        let m = parse_cmap_subtable(&d).expect("format 4");
        assert_eq!(m.get(&0x2A), Some(&5));
        assert_eq!(m.get(&0x2B), Some(&6));
        assert_eq!(m.get(&0x41), None);
        for n in 0..d.len() {
            let _ = parse_cmap_subtable(&d[..n]);
        }
    }
}
