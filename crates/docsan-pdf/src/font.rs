//! Fonts come from `docsan_pdffont`; this module adds what the backend needs on top.
//!
//! Widths of Type3 glyphs are in the font's own glyph space; everything in this crate works in
//! thousandths of text space, so the conversion lives here, in one place, for both the walker
//! and the rewrite.

pub(crate) use docsan_pdffont::Font;

/// A glyph width in thousandths of text space.
pub(crate) fn width_1000(font: &Font, width: f32) -> f32 {
    if font.is_type3() {
        let fm = font.font_matrix();
        let w = width * fm[0] * 1000.0;
        if w.is_finite() { w } else { 0.0 }
    } else {
        width
    }
}
