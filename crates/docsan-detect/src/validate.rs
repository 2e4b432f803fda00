//! Validators: check digits, region codes, number ranges.
//!
//! Detection never trusts a bare pattern: a resident ID must carry a valid birth date and the
//! GB 11643 check digit, a card a known issuer prefix (and Luhn unless context says "card"), a
//! mobile number a range in use. These functions are pure, total on any input (no panic), and
//! work on ASCII text; callers normalise full-width digits first.

use crate::data;

/// Weights of GB 11643 (ISO 7064 MOD 11-2) for the first 17 digits.
const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check characters indexed by the weighted sum modulo 11.
const ID_CHECK: [u8; 11] = *b"10X98765432";

/// The GB 11643 check character for 17 ASCII digits, or `None` when the input is not 17 digits.
pub fn gb11643_check_char(first17: &str) -> Option<char> {
    let b = first17.as_bytes();
    if b.len() != 17 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = b
        .iter()
        .zip(ID_WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    Some(char::from(ID_CHECK[(sum % 11) as usize]))
}

/// True when `id` is a structurally valid 18-character resident ID: a known first digit pair
/// (province, residence permit 81/82/83, or 9 for the new foreigners' permanent residence ID),
/// a real birth date, and the right check digit (`X` in either case).
pub fn gb11643(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !province_ok(&id[..2]) {
        return false;
    }
    if !birth_date_ok(&id[6..14], true) {
        return false;
    }
    let Some(check) = gb11643_check_char(&id[..17]) else {
        return false;
    };
    b[17].to_ascii_uppercase() == check as u8
}

/// True when the 18-character `id` has a valid prefix and birth date, whatever its check digit.
pub fn id18_shape(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 18
        && b[..17].iter().all(u8::is_ascii_digit)
        && (b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x')
        && province_ok(&id[..2])
        && birth_date_ok(&id[6..14], true)
}

/// True when `id` is a valid 15-digit legacy ID: a known province and a real `yymmdd` date.
pub fn id15(id: &str) -> bool {
    let b = id.as_bytes();
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !province_ok(&id[..2]) || !region_known(&id[..6]) {
        return false;
    }
    let full = format!("19{}", &id[6..12]);
    birth_date_ok(&full, false)
}

/// True when the two leading digits name a province-level unit, a residence permit series
/// (81 Hong Kong, 82 Macau, 83 Taiwan) or the new foreigners' ID (9x).
pub fn province_ok(two: &str) -> bool {
    matches!(
        two,
        "11" | "12"
            | "13"
            | "14"
            | "15"
            | "21"
            | "22"
            | "23"
            | "31"
            | "32"
            | "33"
            | "34"
            | "35"
            | "36"
            | "37"
            | "41"
            | "42"
            | "43"
            | "44"
            | "45"
            | "46"
            | "50"
            | "51"
            | "52"
            | "53"
            | "54"
            | "61"
            | "62"
            | "63"
            | "64"
            | "65"
            | "71"
            | "81"
            | "82"
            | "83"
            | "91"
            | "92"
            | "93"
            | "94"
            | "95"
            | "96"
            | "97"
            | "98"
            | "99"
    )
}

/// True when the 6-digit code is a GB/T 2260 region code of any revision in the compiled list
/// (or a residence permit code 810000/820000/830000).
pub fn region_known(six: &str) -> bool {
    let Ok(code) = six.parse::<u32>() else {
        return false;
    };
    if six.len() != 6 {
        return false;
    }
    matches!(code, 810000 | 820000 | 830000 | 710000)
        || data::regions().binary_search(&code).is_ok()
}

/// True when `yyyymmdd` is a real calendar date between 1900 and 2099; with `strict_year`
/// also not in the far future (after 2030).
pub fn birth_date_ok(yyyymmdd: &str, strict_year: bool) -> bool {
    let b = yyyymmdd.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> u32 {
        b[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'))
    };
    let (y, m, d) = (num(0..4), num(4..6), num(6..8));
    let max_year = if strict_year { 2030 } else { 2099 };
    date_ok(y, m, d) && (1900..=max_year).contains(&y)
}

/// True when year/month/day form a real Gregorian date.
pub fn date_ok(y: u32, m: u32, d: u32) -> bool {
    if !(1..=12).contains(&m) || d == 0 {
        return false;
    }
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if leap => 29,
        _ => 28,
    };
    d <= days
}

/// The Luhn check over ASCII digits (at least two).
pub fn luhn(digits: &str) -> bool {
    let b = digits.as_bytes();
    if b.len() < 2 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut sum = 0u32;
    for (i, d) in b.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum.is_multiple_of(10)
}

/// The Luhn check digit to append to `body` (ASCII digits).
pub fn luhn_check_digit(body: &str) -> Option<char> {
    if !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (0..10u8)
        .map(|d| char::from(b'0' + d))
        .find(|c| luhn(&format!("{body}{c}")))
}

/// Characters of GB 32100 unified social credit codes, in value order.
const USCC_CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// True when `code` is a valid 18-character unified social credit code of an organisation
/// (GB 32100): registration authority, organisation type, region, and the MOD 31 check.
pub fn uscc(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 18 {
        return false;
    }
    let mut vals = [0u32; 18];
    for (i, c) in b.iter().enumerate() {
        let c = c.to_ascii_uppercase();
        match USCC_CHARS.iter().position(|x| *x == c) {
            Some(v) => vals[i] = v as u32,
            None => return false,
        }
    }
    if !b[2..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = vals[..17]
        .iter()
        .zip(USCC_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    let check = (31 - sum % 31) % 31;
    vals[17] == check
}

/// True when the 11 ASCII digits are a mainland mobile number of a range in use.
pub fn mobile(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) || b[0] != b'1' {
        return false;
    }
    let p = (b[1] - b'0') * 10 + (b[2] - b'0');
    matches!(
        p,
        30..=39 | 45..=49 | 50..=53 | 55..=59 | 62 | 65..=67 | 70..=78 | 80..=89 | 90..=93 | 95..=99
    )
}

/// The length of the landline area code at the start of `d` (digits, starting with `0`), or
/// `None` when no real area code starts it.
pub fn area_code_len(d: &str) -> Option<usize> {
    let b = d.as_bytes();
    if b.len() < 3 || b[0] != b'0' || !b[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if data::AREA_CODES_3.contains(&&d[..3]) {
        return Some(3);
    }
    if b.len() >= 4 && b[3].is_ascii_digit() && data::AREA_CODES_4.contains(&&d[..4]) {
        return Some(4);
    }
    None
}

/// True when `d` is a valid area code by itself.
pub fn area_code(d: &str) -> bool {
    area_code_len(d) == Some(d.len())
}

/// True when `d` is a subscriber number of a fixed line: 7 or 8 digits not starting with 0 or 1.
pub fn landline_local(d: &str) -> bool {
    let b = d.as_bytes();
    (b.len() == 7 || b.len() == 8) && b.iter().all(u8::is_ascii_digit) && b[0] >= b'2'
}

/// True when the digits (with the area code) form a landline number: area code + 7/8 digits.
pub fn landline(d: &str) -> bool {
    match area_code_len(d) {
        Some(n) => landline_local(&d[n..]),
        None => false,
    }
}

/// True when the digits start with the issuer prefix of a card issued in China: UnionPay `62`,
/// the older domestic BINs (`60`, `9`), and the international schemes Chinese banks issue
/// under (`4` Visa, `5` Mastercard, `35` JCB, `37` American Express).
pub fn card_prefix(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() < 2 {
        return false;
    }
    matches!(
        (b[0], b[1]),
        (b'6', b'2')
            | (b'6', b'0')
            | (b'9', b'5')
            | (b'4', _)
            | (b'5', b'1'..=b'5')
            | (b'3', b'5')
            | (b'3', b'7')
    )
}

/// True when `s` is a Hong Kong identity card number with a valid check digit, written
/// `A123456(7)`, `A1234567` or `AB123456(A)`.
pub fn hkid(s: &str) -> bool {
    let compact: String = s.chars().filter(|c| *c != '(' && *c != ')').collect();
    let b = compact.as_bytes();
    let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if !(1..=2).contains(&letters) || b.len() != letters + 7 {
        return false;
    }
    let digits = &b[letters..letters + 6];
    if !digits.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let check = b[letters + 6];
    let mut sum: u32 = if letters == 1 {
        36 * 9 + (u32::from(b[0] - b'A') + 10) * 8
    } else {
        (u32::from(b[0] - b'A') + 10) * 9 + (u32::from(b[1] - b'A') + 10) * 8
    };
    for (i, d) in digits.iter().enumerate() {
        sum += u32::from(d - b'0') * (7 - i as u32);
    }
    let expect = (11 - sum % 11) % 11;
    let got = match check {
        b'A' => 10,
        c if c.is_ascii_digit() => u32::from(c - b'0'),
        _ => return false,
    };
    got == expect
}

/// A Taiwan resident identity card number: a capital letter (the place of first registration),
/// `1` or `2` (the sex), seven digits and a check digit (`A123456789`).
pub fn taiwan_id(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10
        || !b[0].is_ascii_uppercase()
        || !matches!(b[1], b'1' | b'2')
        || !b[1..].iter().all(u8::is_ascii_digit)
    {
        return false;
    }
    // The letters' two-digit codes, A = 10 … Z = 33, in the order the ministry assigned them.
    const CODES: [u32; 26] = [
        10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32,
        30, 31, 33,
    ];
    let code = CODES[usize::from(b[0] - b'A')];
    let mut sum = code / 10 + (code % 10) * 9;
    for (i, d) in b[1..9].iter().enumerate() {
        sum += u32::from(d - b'0') * (8 - i as u32);
    }
    sum += u32::from(b[9] - b'0');
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_need_check_digit_and_date() {
        assert!(gb11643("330782195610192110"));
        assert!(gb11643("33052219620604421x"));
        assert!(gb11643("33078219560603024X"));
        assert!(!gb11643("340706197705283418"));
        assert!(!gb11643("330782195613192110"));
        assert!(!gb11643("33078219561019211"));
        assert!(!gb11643("３３0782195610192110"));
        assert!(id15("440305450808484"));
        assert!(!id15("440305451308484"));
    }

    #[test]
    fn luhn_uscc_mobile_landline_hkid() {
        assert!(luhn("6222026469406667049"));
        assert!(!luhn("6254273764504662760"));
        assert!(uscc("5234070041069026XD"));
        assert!(uscc("1233070052970012XM"));
        assert!(!uscc("5234070041069026XE"));
        assert!(mobile("14756898699"));
        assert!(!mobile("12545744505"));
        assert!(!mobile("10633914563"));
        assert!(landline("05625879868"));
        assert!(landline("075585519958"));
        assert!(!landline("05005879868"));
        assert!(hkid("A123456(3)"));
        assert!(!hkid("A123456(4)"));
        assert!(region_known("340702"));
        assert!(!region_known("349999"));
    }

    #[test]
    fn taiwan_ids_by_letter_code_and_check_digit() {
        // The ministry's own example, and others with the letters' codes out of order
        // (I = 34, O = 35, W = 32, Z = 33).
        for ok in [
            "A123456789",
            "I123456781",
            "O123456782",
            "W123456789",
            "Z223456782",
        ] {
            assert!(taiwan_id(ok), "{ok}");
        }
        for bad in [
            "A123456788",
            "A323456789",
            "a123456789",
            "A12345678",
            "A1234567890",
            "AB23456789",
            "F223456789",
        ] {
            assert!(!taiwan_id(bad), "{bad}");
        }
    }
}
