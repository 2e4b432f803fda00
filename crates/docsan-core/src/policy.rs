//! The masking policy: what to find, how to mask it, what never to touch.
//!
//! Read from a TOML file (`--policy FILE`); [`Policy::default`] is the built-in policy. Parsing
//! is strict (`deny_unknown_fields`), so a typo in a policy file is an error rather than a
//! silently ignored rule.
//!
//! ```toml
//! mode = "mask"                 # mask | redact | pseudonymize
//! disabled = ["plate"]          # kinds not to look for
//! allow = ["国家税务总局"]       # values never masked
//! terms = ["张三", "李四"]       # literal names always masked (kind = name)
//! pdf_mask = "glyph"            # glyph | box | blank
//!
//! [kinds.id18]
//! keep_prefix = 6
//! keep_suffix = 4
//!
//! [[rules]]
//! name = "case_number"
//! pattern = "案号[:：]?\\s*(?P<value>[A-Z0-9]{10})"
//! kind = "custom"
//! ```

use crate::PiiKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a finding is replaced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaskMode {
    /// Keep the kind's prefix and suffix, mask the middle (`340702********1234`).
    #[default]
    Mask,
    /// Mask every character.
    Redact,
    /// A keyed, deterministic fake value of the same kind and shape.
    Pseudonymize,
}

/// How masked glyphs look in a PDF.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisualMask {
    /// The font's own `*` glyph, or a small added font's `*`.
    #[default]
    Glyph,
    /// A filled rectangle over each masked glyph's box.
    Box,
    /// Nothing drawn; the glyph's advance is kept.
    Blank,
}

/// Per-kind overrides. Unset fields fall back to the kind's built-in default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindPolicy {
    pub mode: Option<MaskMode>,
    /// Characters kept at the start.
    pub keep_prefix: Option<usize>,
    /// Characters kept at the end.
    pub keep_suffix: Option<usize>,
    /// Set to false to stop looking for this kind.
    pub enabled: Option<bool>,
}

/// A user rule: a regular expression (with an optional `value` capture group naming the part
/// to mask) and an optional validator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    pub name: String,
    pub pattern: String,
    /// Kind reported for matches; `custom` unless given.
    #[serde(default = "custom_kind")]
    pub kind: PiiKind,
    /// `luhn`, `gb11643`, `uscc` (reject values that validate as an organisation code) or none.
    #[serde(default)]
    pub validator: Option<String>,
}

fn custom_kind() -> PiiKind {
    PiiKind::Custom
}

/// The whole policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    pub mode: MaskMode,
    /// Mask character for ASCII characters.
    pub mask_char: char,
    /// Mask character for wide (CJK) characters, so the visual width is kept.
    pub mask_char_wide: char,
    /// Findings below this confidence are reported by `scan` but not masked.
    pub min_confidence: f32,
    /// Kinds not to look for, by name (`plate`, `birth_date`).
    pub disabled: Vec<PiiKind>,
    /// Exact values that are never masked.
    pub allow: Vec<String>,
    /// Exact values that are always masked as names (people named in a case file).
    pub terms: Vec<String>,
    pub rules: Vec<CustomRule>,
    pub kinds: BTreeMap<PiiKind, KindPolicy>,
    /// Key for `pseudonymize`. The CLI also reads `DOCSAN_PSEUDONYM_KEY`.
    pub pseudonym_key: Option<String>,
    pub pdf_mask: VisualMask,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            mode: MaskMode::Mask,
            mask_char: '*',
            mask_char_wide: '＊',
            min_confidence: 0.0,
            disabled: Vec::new(),
            allow: Vec::new(),
            terms: Vec::new(),
            rules: Vec::new(),
            kinds: BTreeMap::new(),
            pseudonym_key: None,
            pdf_mask: VisualMask::Glyph,
        }
    }
}

/// A policy file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid policy: {0}")]
pub struct PolicyError(pub String);

impl Policy {
    /// Parses a TOML policy.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let p: Policy = toml::from_str(text).map_err(|e| PolicyError(e.to_string()))?;
        if p.mask_char == '\0' || p.mask_char_wide == '\0' {
            return Err(PolicyError("mask characters must not be NUL".into()));
        }
        Ok(p)
    }

    /// Is this kind looked for?
    pub fn is_enabled(&self, kind: PiiKind) -> bool {
        !self.disabled.contains(&kind)
            && self
                .kinds
                .get(&kind)
                .and_then(|k| k.enabled)
                .unwrap_or(true)
    }

    /// The mode for one kind.
    pub fn mode_for(&self, kind: PiiKind) -> MaskMode {
        self.kinds
            .get(&kind)
            .and_then(|k| k.mode)
            .unwrap_or(self.mode)
    }

    /// Is this exact value on the allow list?
    pub fn is_allowed(&self, value: &str) -> bool {
        self.allow.iter().any(|a| a == value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_policy_and_rejects_typos() {
        let p = Policy::from_toml(
            r#"
            mode = "redact"
            disabled = ["plate"]
            allow = ["国家税务总局"]
            pdf_mask = "box"
            [kinds.id18]
            keep_prefix = 4
            [[rules]]
            name = "case"
            pattern = "AB\\d+"
            "#,
        )
        .unwrap();
        assert_eq!(p.mode, MaskMode::Redact);
        assert!(!p.is_enabled(PiiKind::Plate));
        assert!(p.is_enabled(PiiKind::Id18));
        assert_eq!(p.kinds[&PiiKind::Id18].keep_prefix, Some(4));
        assert_eq!(p.rules[0].kind, PiiKind::Custom);
        assert_eq!(p.pdf_mask, VisualMask::Box);
        assert!(Policy::from_toml("mdoe = \"mask\"").is_err());
        assert!(Policy::from_toml("disabled = [\"nonsense\"]").is_err());
    }
}
