//! Simple-font encodings: base encodings, glyph names to Unicode, standard 14 metrics.
//!
//! A simple font maps a byte to a glyph name (through its base encoding and `/Differences`) and
//! the glyph name to Unicode through the Adobe Glyph List, with the `uniXXXX`, `uXXXX[XX]` and
//! producer-specific `gXX`/`cidXX` conventions as fallbacks. The tables are generated into
//! `tables.rs` by `data/gen_tables.py`.

use crate::tables;

/// A base encoding a simple font can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Base {
    Standard,
    WinAnsi,
    MacRoman,
    PdfDoc,
    /// The built-in encoding of the standard Symbol font (never named by `/BaseEncoding`).
    Symbol,
}

impl Base {
    pub fn from_name(n: &[u8]) -> Option<Base> {
        match n {
            b"StandardEncoding" => Some(Base::Standard),
            b"WinAnsiEncoding" => Some(Base::WinAnsi),
            b"MacRomanEncoding" => Some(Base::MacRoman),
            b"PDFDocEncoding" => Some(Base::PdfDoc),
            _ => None,
        }
    }

    pub fn table(self) -> &'static [&'static str; 256] {
        match self {
            Base::Standard => &tables::STANDARD,
            Base::WinAnsi => &tables::WIN_ANSI,
            Base::MacRoman => &tables::MAC_ROMAN,
            Base::PdfDoc => &tables::PDF_DOC,
            Base::Symbol => &tables::SYMBOL,
        }
    }
}

fn hex_scalar(s: &str) -> Option<char> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok().and_then(char::from_u32)
}

/// What a glyph name means as text, or `None` when it is unknown. Follows the AGL specification:
/// strip a suffix after `.`, split ligatures on `_`, look up the AGL, then `uniXXXX…` and
/// `uXXXX[XX]`.
pub(crate) fn glyph_to_unicode(name: &str) -> Option<String> {
    glyph_to_unicode_raw(name).map(|s| expand_ligatures(&s))
}

/// Latin presentation-form ligatures (`fi`, `ffl`…) become their letters, so that a word drawn
/// with a ligature glyph is still found by text search.
fn expand_ligatures(s: &str) -> String {
    if !s.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            '\u{FB05}' | '\u{FB06}' => out.push_str("st"),
            other => out.push(other),
        }
    }
    out
}

fn glyph_to_unicode_raw(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let mut out = String::new();
        for part in base.split('_') {
            out.push_str(&component(part)?);
        }
        return Some(out);
    }
    component(base)
}

/// Glyph names outside the AGL that TeX and other producers use for ordinary characters.
const EXTRA_NAMES: [(&str, &str); 7] = [
    // lopdf's name for the Symbol font's code 0x6A (Adobe: phi1).
    ("phi2", "\u{3D5}"),
    ("circlecopyrt", "\u{A9}"),
    ("dotlessj", "\u{237}"),
    ("tie", "\u{2040}"),
    ("visiblespace", "\u{2423}"),
    ("angbracketleft", "\u{27E8}"),
    ("angbracketright", "\u{27E9}"),
];

fn component(name: &str) -> Option<String> {
    if let Some((_, u)) = EXTRA_NAMES.iter().find(|(n, _)| *n == name) {
        return Some((*u).to_string());
    }
    if let Ok(i) = tables::AGL.binary_search_by(|(k, _)| k.as_bytes().cmp(name.as_bytes())) {
        return Some(tables::AGL[i].1.to_string());
    }
    if let Some(rest) = name.strip_prefix("uni")
        && rest.len() >= 4
        && rest.len() % 4 == 0
    {
        let mut units = Vec::new();
        for i in (0..rest.len()).step_by(4) {
            let u = u16::from_str_radix(rest.get(i..i + 4)?, 16).ok()?;
            units.push(u);
        }
        let s = String::from_utf16(&units).ok()?;
        return Some(s);
    }
    if let Some(rest) = name.strip_prefix('u')
        && (4..=6).contains(&rest.len())
    {
        return hex_scalar(rest).map(String::from);
    }
    None
}

/// Numeric fallbacks some producers use for glyph names: `gXX`, `cidXX`, `glyphXX`, `GXX`
/// (decimal) and `aXX` (decimal). The number is a glyph id or a code, not Unicode: callers treat
/// it as "known glyph, unknown text".
pub(crate) fn numeric_glyph(name: &str) -> Option<u32> {
    for p in ["glyph", "cid", "g", "G", "index"] {
        if let Some(rest) = name.strip_prefix(p)
            && !rest.is_empty()
            && rest.bytes().all(|b| b.is_ascii_digit())
        {
            return rest.parse().ok();
        }
    }
    None
}

/// Standard 14 font widths for a base font name, with the usual aliases (`Arial,Bold`,
/// `TimesNewRomanPS-BoldItalicMT`, `CourierNew`…), keyed by Unicode char.
pub(crate) fn std14_widths(base_font: &str) -> Option<&'static [(u32, u16)]> {
    let name = base_font.split_once('+').map_or(base_font, |(_, b)| b);
    let canonical = std14_canonical(name)?;
    tables::STD14
        .iter()
        .find(|(n, _)| *n == canonical)
        .map(|(_, w)| *w)
}

fn std14_canonical(name: &str) -> Option<String> {
    if name == "Symbol" || name == "ZapfDingbats" {
        return Some(name.to_string());
    }
    let compact: String = name.chars().filter(|c| *c != ' ').collect();
    let lower = compact.to_ascii_lowercase();
    let (family, rest) = [
        ("timesnewromanps", "Times"),
        ("timesnewroman", "Times"),
        ("times", "Times"),
        ("helvetica", "Helvetica"),
        ("arialmt", "Helvetica"),
        ("arial", "Helvetica"),
        ("couriernewps", "Courier"),
        ("couriernew", "Courier"),
        ("courier", "Courier"),
    ]
    .iter()
    .find_map(|(p, fam)| lower.strip_prefix(p).map(|r| (*fam, r)))?;
    // What follows the family may only be a style: `,Bold`, `-BoldItalicMT`, `-Roman`, `MT`…
    let style: String = rest.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let style = style.strip_suffix("mt").unwrap_or(&style);
    let bold = style.contains("bold");
    let italic = style.contains("italic") || style.contains("oblique");
    let known = style
        .replace("bold", "")
        .replace("italic", "")
        .replace("oblique", "")
        .replace("roman", "")
        .replace("regular", "")
        .replace("ps", "");
    if !known.is_empty() {
        return None;
    }
    let suffix = match (family, bold, italic) {
        ("Times", false, false) => "-Roman",
        ("Times", true, false) => "-Bold",
        ("Times", false, true) => "-Italic",
        ("Times", true, true) => "-BoldItalic",
        (_, false, false) => "",
        (_, true, false) => "-Bold",
        (_, false, true) => "-Oblique",
        (_, true, true) => "-BoldOblique",
    };
    Some(format!("{family}{suffix}"))
}

/// Width of a character in one of the standard 14 fonts.
pub(crate) fn std14_width(table: &[(u32, u16)], ch: char) -> Option<f32> {
    table
        .binary_search_by_key(&(ch as u32), |p| p.0)
        .ok()
        .map(|i| table[i].1 as f32)
}

/// True for the standard 14 font names (and their usual aliases), which need no embedding.
pub(crate) fn is_std14(base_font: &str) -> bool {
    std14_widths(base_font).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names_follow_the_agl_rules() {
        assert_eq!(glyph_to_unicode("A").as_deref(), Some("A"));
        assert_eq!(glyph_to_unicode("asterisk").as_deref(), Some("*"));
        assert_eq!(glyph_to_unicode("one.sc").as_deref(), Some("1"));
        assert_eq!(glyph_to_unicode("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_to_unicode("fi").as_deref(), Some("fi"));
        assert_eq!(glyph_to_unicode("ffl").as_deref(), Some("ffl"));
        assert_eq!(glyph_to_unicode("uni4E2D").as_deref(), Some("中"));
        assert_eq!(glyph_to_unicode("uni00410042").as_deref(), Some("AB"));
        assert_eq!(glyph_to_unicode("u1D400").as_deref(), Some("\u{1D400}"));
        assert_eq!(glyph_to_unicode("g12"), None);
        assert_eq!(numeric_glyph("g12"), Some(12));
        assert_eq!(numeric_glyph("cid00345"), Some(345));
        assert_eq!(glyph_to_unicode(""), None);
        assert_eq!(Base::WinAnsi.table()[0x80], "Euro");
        assert_eq!(Base::Standard.table()[0x27], "quoteright");
        assert_eq!(Base::MacRoman.table()[0x80], "Adieresis");
        assert_eq!(Base::Symbol.table()[0x61], "alpha");
        assert_eq!(
            glyph_to_unicode(Base::Symbol.table()[0x61]).as_deref(),
            Some("α")
        );
    }

    #[test]
    fn std14_metrics_are_compiled_in() {
        let h = std14_widths("Helvetica").expect("helvetica");
        assert_eq!(std14_width(h, 'A'), Some(667.0));
        let c = std14_widths("Courier").expect("courier");
        assert_eq!(std14_width(c, 'W'), Some(600.0));
        let t = std14_widths("ABCDEF+TimesNewRomanPSMT").expect("times alias");
        assert_eq!(std14_width(t, ' '), Some(250.0));
        assert!(!is_std14("SimSun"));
        for (alias, canonical) in [
            ("Arial,Bold", "Helvetica-Bold"),
            ("Arial-BoldItalicMT", "Helvetica-BoldOblique"),
            ("ArialMT", "Helvetica"),
            ("Times-Roman", "Times-Roman"),
            ("TimesNewRomanPS-BoldItalicMT", "Times-BoldItalic"),
            ("Times New Roman,Italic", "Times-Italic"),
            ("CourierNewPSMT", "Courier"),
            ("Courier-Oblique", "Courier-Oblique"),
            ("Helvetica-Narrow", ""),
            ("ArialUnicodeMS", ""),
        ] {
            assert_eq!(
                std14_canonical(alias).unwrap_or_default(),
                canonical,
                "{alias}"
            );
        }
    }
}
