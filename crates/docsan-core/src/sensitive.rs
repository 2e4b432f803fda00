//! A string that holds personal data and refuses to print it.
//!
//! Logs, errors, panics and reports are the classic way a sanitizer leaks what it was meant to
//! remove. `Sensitive` makes the safe thing the default: formatting it shows a mask, and the value
//! is reachable only through the explicitly named [`Sensitive::expose`].

use compact_str::CompactString;
use std::fmt;

/// Masks every character of `text` but whitespace: `narrow` for ASCII, `wide` for the rest (so
/// the masked text keeps its width). The one rule behind every mask that hides a whole text.
pub fn mask_every_char(text: &str, narrow: char, wide: char) -> String {
    text.chars()
        .map(|c| {
            if c.is_whitespace() {
                c
            } else if c.is_ascii() {
                narrow
            } else {
                wide
            }
        })
        .collect()
}

/// A personal value. `Debug` and `Display` show only a generic mask such as `34**********34`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Sensitive(CompactString);

impl Sensitive {
    /// Wraps a personal value.
    pub fn new(value: impl Into<CompactString>) -> Self {
        Sensitive(value.into())
    }

    /// The raw value. Call this only to compare, to rewrite, or when the user asked for values
    /// (`--show-values`).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Number of characters of the value.
    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// A generic mask that keeps at most the first two and last two characters of values long
    /// enough that this cannot reveal them (eight characters or more), and masks everything
    /// else. Kind-aware masks (`340702********1234`) are made by the detection crate.
    pub fn generic_mask(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        let keep = if n >= 8 { 2 } else { 0 };
        chars
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i < keep || i + keep >= n {
                    *c
                } else if c.is_ascii() {
                    '*'
                } else {
                    '＊'
                }
            })
            .collect()
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sensitive({:?})", self.generic_mask())
    }
}

impl fmt::Display for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.generic_mask())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_never_shows_the_value() {
        let s = Sensitive::new("340702199001011234");
        assert_eq!(format!("{s}"), "34**************34");
        assert!(!format!("{s:?}").contains("340702199001011234"));
        assert_eq!(Sensitive::new("张三").to_string(), "＊＊");
        assert_eq!(s.expose(), "340702199001011234");
    }
}
