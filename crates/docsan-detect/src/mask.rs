//! Replacements: masks that keep length and shape, and keyed pseudonyms.
//!
//! A mask keeps the value's character count exactly and every separator where it was, so the
//! layout of the page and the reader's ability to recognise their own entry survive
//! (`340702********1234`, `138-****-5678`, `欧阳＊＊`). Wide characters are masked with the wide
//! mask character, narrow ones with the narrow one. Pseudonyms are derived from a keyed hash
//! of the value, so the same value gets the same fake everywhere in a run and nothing random
//! enters the output; fakes of IDs and cards carry valid check digits.

use crate::{data, names, validate};
use docsan_core::{CompactString, MaskMode, PiiKind, Policy};
use sha2::{Digest, Sha256};

/// Is `c` a separator kept as it is inside a masked value? Blanks of every kind (a line break
/// in a wrapped cell, a tab, a no-break space) and invisible characters are.
fn is_separator(c: char) -> bool {
    // Digits and letters first: most of every value.
    if c.is_ascii_alphanumeric() {
        return false;
    }
    c.is_whitespace()
        || crate::text::is_invisible(c)
        || matches!(
            c,
            '-' | '－' | '(' | ')' | '（' | '）' | '+' | '＋' | '·' | '.' | '/'
        )
}

/// Is `c` drawn wide (CJK, full-width forms)?
fn is_wide(c: char) -> bool {
    !c.is_ascii()
        && (crate::text::is_cjk(c)
            || ('\u{FF00}'..='\u{FFEF}').contains(&c)
            || ('\u{3000}'..='\u{303F}').contains(&c))
}

/// The default characters kept at the start and end of a value of this kind.
fn default_keep(kind: PiiKind, rule: &str, value: &str) -> (usize, usize) {
    // What is left of a value that lost digits says too little to keep any of it.
    if rule.ends_with("numeric_truncated") || rule.ends_with("cut_off") {
        return (0, 0);
    }
    // The digits of the value (separators dropped), needed for phone numbers only.
    let digits = || -> String {
        value
            .chars()
            .filter(|c| !is_separator(*c))
            .filter_map(crate::scan::digit_value)
            .map(|d| char::from(b'0' + d))
            .collect()
    };
    match kind {
        PiiKind::Id18 => (6, 4),
        PiiKind::Id15 => (6, 3),
        PiiKind::Mobile => {
            let extra = digits().len().saturating_sub(11);
            (extra + 3, 4)
        }
        PiiKind::Landline => {
            let digits = digits();
            let area = if digits.starts_with('0') {
                validate::area_code_len(&digits).unwrap_or(
                    if digits
                        .as_bytes()
                        .get(1)
                        .is_some_and(|b| *b == b'1' || *b == b'2')
                    {
                        3
                    } else {
                        4
                    },
                )
            } else {
                0
            };
            (area, 2)
        }
        PiiKind::Card => (4, 4),
        PiiKind::Name => (data::surname_len(value.trim()), 0),
        PiiKind::Address => (names::admin_prefix_chars(value), 0),
        _ => (0, 0),
    }
}

/// Masks the significant characters of `value` outside the kept prefix and suffix.
fn mask_keep(value: &str, pre: usize, suf: usize, policy: &Policy) -> CompactString {
    // Numbers (most values) a byte at a time: the same as below, without decoding characters.
    if value.is_ascii() && policy.mask_char.is_ascii() {
        let separator = |b: u8| {
            matches!(
                b,
                b'\t'..=b'\r' | b' ' | b'-' | b'(' | b')' | b'+' | b'.' | b'/'
            )
        };
        let sig = value.bytes().filter(|b| !separator(*b)).count();
        let (pre, suf) = kept(pre, suf, sig);
        let mut idx = 0;
        let (mut small, mut large) = ([0u8; 32], Vec::new());
        let out: &mut [u8] = if value.len() <= small.len() {
            &mut small[..value.len()]
        } else {
            large.resize(value.len(), 0);
            &mut large
        };
        for (o, b) in out.iter_mut().zip(value.bytes()) {
            let keep = separator(b) || {
                idx += 1;
                idx <= pre || idx > sig - suf
            };
            *o = if keep { b } else { policy.mask_char as u8 };
        }
        // ASCII in, ASCII out.
        if let Ok(masked) = std::str::from_utf8(out) {
            return masked.into();
        }
    }
    mask_keep_chars(value, pre, suf, policy)
}

/// How many significant characters to keep at each end of a value that has `sig` of them:
/// never the whole value (at most half of it when asked for more).
fn kept(pre: usize, suf: usize, sig: usize) -> (usize, usize) {
    if pre + suf >= sig {
        (pre.min(sig / 2), 0)
    } else {
        (pre, suf)
    }
}

/// [`mask_keep`] a character at a time.
fn mask_keep_chars(value: &str, pre: usize, suf: usize, policy: &Policy) -> CompactString {
    let sig = value.chars().filter(|c| !is_separator(*c)).count();
    let (pre, suf) = kept(pre, suf, sig);
    let mut idx = 0;
    // Into a `String`, not character by character into a `CompactString` (whose every push
    // cost as much as the rest): a sheet has hundreds of thousands of values to mask.
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        if is_separator(c) {
            out.push(c);
            continue;
        }
        let keep = idx < pre || idx >= sig - suf;
        idx += 1;
        out.push(if keep {
            c
        } else if is_wide(c) {
            policy.mask_char_wide
        } else {
            policy.mask_char
        });
    }
    out.into()
}

/// The replacement for one value under `policy`.
pub fn replacement(policy: &Policy, kind: PiiKind, rule: &str, value: &str) -> CompactString {
    match policy.mode_for(kind) {
        MaskMode::Redact => mask_keep(value, 0, 0, policy),
        MaskMode::Mask => {
            if kind == PiiKind::Email && !rule.ends_with("numeric_truncated") {
                return mask_email(value, policy).into();
            }
            // A landline's extension is masked whole; the kept suffix counts from the end of
            // the number itself.
            if kind == PiiKind::Landline
                && let Some(at) = ["转", "分机", "ext", "EXT", "Ext"]
                    .iter()
                    .filter_map(|m| value.find(m))
                    .min()
                && at > 0
            {
                let marker_len = value[at..]
                    .chars()
                    .take_while(|c| !c.is_ascii_digit())
                    .map(char::len_utf8)
                    .sum::<usize>();
                let (main, ext) = value.split_at(at + marker_len);
                let (num, marker) = main.split_at(at);
                return docsan_core::format_compact!(
                    "{}{marker}{}",
                    replacement(policy, kind, rule, num),
                    mask_keep(ext, 0, 0, policy)
                );
            }
            // A number written in scientific notation is masked in its digits: the notation
            // would keep the exponent and count it among the digits kept.
            if rule.ends_with(".enotation")
                && let Some(d) = crate::engine::enotation_digits(value)
            {
                return replacement(policy, kind, "mobile.range", &d);
            }
            // Two numbers written together are masked as two numbers.
            if rule == "mobile.concatenated" && value.chars().count() == 22 {
                let split = value.char_indices().nth(11).map_or(value.len(), |(i, _)| i);
                let (a, b) = value.split_at(split);
                return docsan_core::format_compact!(
                    "{}{}",
                    replacement(policy, kind, "mobile.range", a),
                    replacement(policy, kind, "mobile.range", b)
                );
            }
            let kp = policy.kinds.get(&kind);
            // An address in English or pinyin keeps its district and city, which stand at its
            // end (`…, Chaoyang District, Beijing`), and its punctuation; its letters and
            // digits before them are masked.
            if kind == PiiKind::Address
                && kp.is_none_or(|k| k.keep_prefix.is_none() && k.keep_suffix.is_none())
                && value.bytes().any(|b| b.is_ascii_alphabetic())
                && !value.chars().any(crate::text::is_cjk)
            {
                let keep = names::latin_admin_tail(value);
                let (head, tail) = value.split_at(keep);
                let masked: String = head
                    .chars()
                    .map(|c| {
                        if c.is_alphanumeric() {
                            policy.mask_char
                        } else {
                            c
                        }
                    })
                    .collect();
                return docsan_core::format_compact!("{masked}{tail}");
            }
            let (dp, ds) = default_keep(kind, rule, value);
            let pre = kp.and_then(|k| k.keep_prefix).unwrap_or(dp);
            let suf = kp.and_then(|k| k.keep_suffix).unwrap_or(ds);
            mask_keep(value, pre, suf, policy)
        }
        MaskMode::Pseudonymize => {
            if rule.ends_with("numeric_truncated") {
                return mask_keep(value, 0, 0, policy);
            }
            pseudonym(policy, kind, value).into()
        }
    }
}

/// E-mail: keep the first character of the local part and the whole domain.
fn mask_email(value: &str, policy: &Policy) -> String {
    let Some(at) = value.rfind('@') else {
        return mask_keep(value, 0, 0, policy).to_string();
    };
    let local = &value[..at];
    let pre = policy
        .kinds
        .get(&PiiKind::Email)
        .and_then(|k| k.keep_prefix)
        .unwrap_or(1);
    let n = local.chars().count();
    let pre = if n <= 1 { 0 } else { pre.min(n - 1) };
    let masked: String = local
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i < pre {
                c
            } else if is_wide(c) {
                policy.mask_char_wide
            } else {
                policy.mask_char
            }
        })
        .collect();
    format!("{masked}{}", &value[at..])
}

/// A keyed byte stream for one value.
struct KeyStream {
    seed: Vec<u8>,
    block: Vec<u8>,
    counter: u32,
    pos: usize,
}

impl KeyStream {
    fn new(key: &str, kind: PiiKind, value: &str) -> Self {
        let mut seed = Vec::new();
        seed.extend_from_slice(key.as_bytes());
        seed.push(0);
        seed.extend_from_slice(kind.as_str().as_bytes());
        seed.push(0);
        seed.extend_from_slice(value.as_bytes());
        KeyStream {
            seed,
            block: Vec::new(),
            counter: 0,
            pos: 0,
        }
    }
    fn byte(&mut self) -> u8 {
        if self.pos >= self.block.len() {
            let mut h = Sha256::new();
            h.update(&self.seed);
            h.update(self.counter.to_le_bytes());
            self.block = h.finalize().to_vec();
            self.counter += 1;
            self.pos = 0;
        }
        let b = self.block.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }
    fn below(&mut self, n: u32) -> u32 {
        let v = u32::from(self.byte()) << 8 | u32::from(self.byte());
        if n == 0 { 0 } else { v % n }
    }
    fn digit(&mut self) -> char {
        char::from(b'0' + self.below(10) as u8)
    }
}

/// Puts the significant characters `sig` back into the shape of `value` (separators kept).
fn reshape(value: &str, sig: &[char]) -> String {
    let mut it = sig.iter();
    value
        .chars()
        .map(|c| {
            if is_separator(c) {
                c
            } else {
                it.next().copied().unwrap_or(c)
            }
        })
        .collect()
}

/// A deterministic fake of the same kind, shape and length.
fn pseudonym(policy: &Policy, kind: PiiKind, value: &str) -> String {
    let key = policy.pseudonym_key.as_deref().unwrap_or("docsan");
    let mut ks = KeyStream::new(key, kind, value);
    let sig: Vec<char> = value.chars().filter(|c| !is_separator(*c)).collect();
    let wide_digits = sig.iter().any(|c| ('０'..='９').contains(c));
    let all_digits = |s: &[char]| {
        s.iter()
            .all(|c| crate::scan::digit_value(*c).is_some() || matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ'))
    };
    let fake: Option<Vec<char>> = match kind {
        PiiKind::Id18 if sig.len() == 18 && all_digits(&sig) => Some(fake_id(&mut ks, true)),
        PiiKind::Id15 if sig.len() == 15 && all_digits(&sig) => Some(fake_id(&mut ks, false)),
        PiiKind::Mobile if all_digits(&sig) && sig.len() >= 11 => {
            let keep = sig.len() - 8;
            let mut v: Vec<char> = sig[..keep].to_vec();
            v.extend((0..8).map(|_| ks.digit()));
            Some(v)
        }
        PiiKind::Landline if all_digits(&sig) => {
            let digits: String = sig
                .iter()
                .filter_map(|c| crate::scan::digit_value(*c))
                .map(|d| char::from(b'0' + d))
                .collect();
            let area = validate::area_code_len(&digits).unwrap_or(0);
            let mut v: Vec<char> = sig[..area.min(sig.len())].to_vec();
            for i in area..sig.len() {
                v.push(if i == area {
                    char::from(b'2' + ks.below(8) as u8)
                } else {
                    ks.digit()
                });
            }
            Some(v)
        }
        PiiKind::Card
            if sig.len() >= 8 && sig.iter().all(|c| crate::scan::digit_value(*c).is_some()) =>
        {
            let digits: String = sig
                .iter()
                .filter_map(|c| crate::scan::digit_value(*c))
                .map(|d| char::from(b'0' + d))
                .collect();
            let had_luhn = validate::luhn(&digits);
            let mut body: String = digits[..6].to_string();
            while body.len() < digits.len() - 1 {
                body.push(ks.digit());
            }
            let last = if had_luhn {
                validate::luhn_check_digit(&body).unwrap_or('0')
            } else {
                ks.digit()
            };
            body.push(last);
            Some(body.chars().collect())
        }
        PiiKind::Email => {
            if let Some(at) = value.rfind('@') {
                let local: String = value[..at].chars().map(|c| fake_like(&mut ks, c)).collect();
                return format!("{local}{}", &value[at..]);
            }
            None
        }
        PiiKind::Name if sig.iter().all(|c| crate::text::is_cjk(*c)) && !sig.is_empty() => {
            let s: String = sig.iter().collect();
            let sl = data::surname_len(&s).max(1).min(sig.len());
            let mut v: Vec<char> = Vec::new();
            if sl == 2 {
                let list = data::COMPOUND_SURNAMES;
                let pick = list[ks.below(list.len() as u32) as usize];
                v.extend(pick.chars());
            } else {
                let list: Vec<char> = data::SINGLE_SURNAMES.chars().take(100).collect();
                v.push(list[ks.below(list.len() as u32) as usize]);
            }
            let given: Vec<char> = data::GIVEN_NAME_CHARS.chars().collect();
            while v.len() < sig.len() {
                v.push(given[ks.below(given.len() as u32) as usize]);
            }
            v.truncate(sig.len());
            Some(v)
        }
        PiiKind::Address => {
            let keep = names::admin_prefix_chars(value);
            let mut out = String::new();
            for (i, c) in value.chars().enumerate() {
                out.push(if i < keep || is_separator(c) {
                    c
                } else {
                    fake_like(&mut ks, c)
                });
            }
            return out;
        }
        _ => None,
    };
    let fake = fake.unwrap_or_else(|| sig.iter().map(|c| fake_like(&mut ks, *c)).collect());
    let fake: Vec<char> = if wide_digits {
        fake.iter()
            .map(|c| match c {
                '0'..='9' => char::from_u32('０' as u32 + (*c as u32 - '0' as u32)).unwrap_or(*c),
                _ => *c,
            })
            .collect()
    } else {
        fake
    };
    reshape(value, &fake)
}

/// A fake character of the same class as `c`.
fn fake_like(ks: &mut KeyStream, c: char) -> char {
    const ROAD: &str = "东西南北中新华民建和平光明人民长江解放朝阳幸福团结友谊文化";
    if c.is_ascii_digit() {
        ks.digit()
    } else if c.is_ascii_lowercase() {
        char::from(b'a' + ks.below(26) as u8)
    } else if c.is_ascii_uppercase() {
        char::from(b'A' + ks.below(26) as u8)
    } else if ('０'..='９').contains(&c) {
        char::from_u32('０' as u32 + ks.below(10)).unwrap_or(c)
    } else if crate::text::is_cjk(c) {
        if "省市区县乡镇街道村组路巷弄号栋幢单元室楼".contains(c) {
            c
        } else {
            let r: Vec<char> = ROAD.chars().collect();
            r[ks.below(r.len() as u32) as usize]
        }
    } else {
        c
    }
}

/// A fake resident ID with a real region code, a real birth date and a valid check digit.
fn fake_id(ks: &mut KeyStream, long: bool) -> Vec<char> {
    let regions: Vec<u32> = data::regions()
        .iter()
        .copied()
        .filter(|c| c % 100 != 0)
        .collect();
    let region = if regions.is_empty() {
        110101
    } else {
        regions[ks.below(regions.len() as u32) as usize]
    };
    let year = 1940 + ks.below(65);
    let month = 1 + ks.below(12);
    let day = 1 + ks.below(28);
    let seq = ks.below(1000);
    if long {
        let body = format!("{region:06}{year:04}{month:02}{day:02}{seq:03}");
        let check = validate::gb11643_check_char(&body).unwrap_or('0');
        format!("{body}{check}").chars().collect()
    } else {
        format!("{region:06}{:02}{month:02}{day:02}{seq:03}", year % 100)
            .chars()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time path for ASCII values gives what the character path gives.
    #[test]
    fn ascii_values_are_masked_as_characters_are() {
        let policy = Policy::default();
        let values = [
            "13812345678",
            "110101199003071234",
            "11010119900307123X",
            "010-6552 1234",
            "+86 (138) 1234.5678/9",
            "\t139\u{0B}1234\r\n5678 ",
            "6222 0212 3456 7890 123",
            "AB12",
            "1",
            "--",
            "",
            "a1234567890123456789012345678901234567890z",
        ];
        for v in values {
            for (pre, suf) in [(0, 0), (3, 4), (6, 4), (1, 1), (20, 20), (0, 3)] {
                assert_eq!(
                    mask_keep(v, pre, suf, &policy),
                    mask_keep_chars(v, pre, suf, &policy),
                    "{v:?} keeping {pre} and {suf}"
                );
            }
        }
    }
}
