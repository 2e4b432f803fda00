//! Small character helpers shared by the detectors.
//!
//! Kept in one place so that "what is a CJK character", "what is a mask character" and "what
//! may sit between a label and its value" mean the same thing to every detector.

/// A CJK ideograph (the basic block and extension A), the kind of character names are made of.
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

/// Characters that masks are made of: a value next to one was masked already and must not be
/// reported again (the verifier re-runs detection on sanitized output).
pub fn is_mask_char(c: char) -> bool {
    matches!(
        c,
        '*' | '＊' | '×' | '●' | '■' | '█' | '□' | '○' | '※' | '✱' | '∗' | '⁎' | '﹡'
    )
}

/// Characters allowed between a label and its value: spaces, colons, `为`, `是`.
pub fn is_filler(c: char) -> bool {
    c.is_whitespace() || matches!(c, ':' | '：' | '为' | '是' | '﹕' | '∶' | '\u{3000}')
}

/// The byte offset after skipping at most `max` filler characters from `pos`.
pub fn skip_fillers(text: &str, pos: usize, max: usize) -> usize {
    let mut p = pos;
    for (n, c) in text.get(pos..).unwrap_or("").chars().enumerate() {
        if n >= max || !is_filler(c) {
            break;
        }
        p += c.len_utf8();
    }
    p
}

/// The character just before byte `pos`.
pub fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos).and_then(|s| s.chars().next_back())
}

/// The character at byte `pos`.
pub fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

/// Trims whitespace (including the ideographic space) and returns the trimmed byte range.
pub fn trimmed_range(text: &str) -> std::ops::Range<usize> {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len();
    if end <= start {
        start..start
    } else {
        start..end
    }
}
