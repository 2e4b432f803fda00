//! Number tokens: digit runs with the separators people write inside them.
//!
//! Resident IDs, phones and cards are written `13812345678`, `138 1234 5678`,
//! `(0562)5879868`, `6236 6861 2638 6644 973`, in ASCII or full-width digits. The scanner finds
//! each maximal run of digit groups joined by single separators, notes what touches it (a
//! letter glued to it, a decimal point or thousands separator that makes it an amount), and
//! hands the groups to classification, which tries the whole run first and then contiguous
//! sub-runs split at separators. Boundaries are digit- and letter-aware: `\b` would not fire
//! between a Chinese character and a digit, and a match inside a longer digit run is never
//! reported.

/// The ASCII value of a digit character (ASCII or full-width), if it is one.
pub fn digit_value(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

/// Separators allowed between digit groups inside one value: dashes, a closing bracket, and
/// blanks of every kind (a tab, a line break inside a wrapped cell, the no-break and
/// typographic spaces, the ideographic space).
fn is_group_sep(c: char) -> bool {
    matches!(
        c,
        ' ' | '-' | '－' | '‐' | '–' | '\u{3000}' | ')' | '）' | '\t' | '\n' | '\r'
    ) || crate::text::is_odd_space(c)
}

/// One group of consecutive digits.
#[derive(Clone, Debug)]
pub struct Group {
    pub start: usize,
    pub end: usize,
    /// ASCII digits.
    pub digits: String,
}

/// A run of digit groups.
#[derive(Clone, Debug)]
pub struct NumToken {
    /// Byte start of the token, including an opening bracket or `+` before the first digit.
    pub start: usize,
    /// Byte end, after the last digit or the trailing `X`.
    pub end: usize,
    pub groups: Vec<Group>,
    /// A check character `X` directly after the last group, with its byte range.
    pub check_x: Option<(usize, usize)>,
    /// An ASCII letter touches the token on the left.
    pub letter_before: Option<char>,
    /// An ASCII letter touches the token on the right (other than the `X`).
    pub letter_after: bool,
    /// The ASCII letters touching the token on the left read as a word (`Tel`, `No`, `x`):
    /// see [`word_glued_before`].
    pub word_before: bool,
    /// The ASCII letters touching the token on the right read as a word: see
    /// [`word_glued_after`].
    pub word_after: bool,
    /// The first group is the fraction or a thousands group of an amount (`1,234.50`).
    pub amount_left: bool,
    /// The last group is the integer part of a decimal or an amount (`3.14159`, `1,234`).
    pub amount_right: bool,
    /// The token began with `+` (an international prefix).
    pub plus: bool,
}

fn char_at(text: &str, pos: usize) -> Option<char> {
    text.get(pos..).and_then(|s| s.chars().next())
}

fn char_before(text: &str, pos: usize) -> Option<char> {
    text.get(..pos).and_then(|s| s.chars().next_back())
}

/// Is this ASCII letter one that cannot be a hexadecimal digit (`g`-`z`)?
fn non_hex_letter(b: u8) -> bool {
    b.is_ascii_alphabetic() && !b.is_ascii_hexdigit()
}

/// Do the ASCII letters right before byte `pos` read as a word glued to a number (`Tel`,
/// `Mobile`, `No`, `x` in `Tel15011112222`), rather than as part of a hexadecimal string (a
/// GUID, an rsid `a13812345678`, `00A1B2C3`) or of a code mixing letters and digits? The run
/// must hold a letter outside `a`-`f`, and no digit may stand right before it (`0x…`,
/// base64). False when no letter touches `pos`.
pub fn word_glued_before(text: &str, pos: usize) -> bool {
    let b = &text.as_bytes()[..pos];
    let run = b
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let letters = &b[b.len() - run..];
    run > 0
        && letters.iter().any(|c| non_hex_letter(*c))
        && !b[..b.len() - run].last().is_some_and(u8::is_ascii_digit)
}

/// The same on the right of byte `pos` (`x15011112222x`): a run of ASCII letters holding one
/// outside `a`-`f`, with no digit right after it.
pub fn word_glued_after(text: &str, pos: usize) -> bool {
    let b = &text.as_bytes()[pos..];
    let run = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    run > 0
        && b[..run].iter().any(|c| non_hex_letter(*c))
        && !b.get(run).is_some_and(u8::is_ascii_digit)
}

/// Finds every number token in `text`, in order.
pub fn tokens(text: &str) -> Vec<NumToken> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < bytes.len() {
        // Fast skip to the next ASCII digit or full-width digit lead sequence.
        let b = bytes[pos];
        let is_ascii_digit = b.is_ascii_digit();
        let is_wide_digit = b == 0xEF
            && bytes.get(pos + 1) == Some(&0xBC)
            && bytes
                .get(pos + 2)
                .is_some_and(|x| (0x90..=0x99).contains(x));
        if !is_ascii_digit && !is_wide_digit {
            pos += 1;
            continue;
        }
        // A mobile number, an ID, a card or a landline written with dots (`186.5555.7777`):
        // read as one only when its groups are laid out as one, so that decimals, dates,
        // versions and host addresses stay what they are.
        let dotted = |text: &str, pos: usize, out: &mut Vec<NumToken>| -> Option<usize> {
            dotted_chain(text, pos).then(|| {
                let tok = read_token(text, pos, true);
                let end = tok.end.max(pos + 1);
                out.push(tok);
                end
            })
        };
        // Fast path: a short run of ASCII digits standing alone (a date part, a page number,
        // a small amount) can hold nothing and is skipped without further work.
        if is_ascii_digit {
            let k = bytes[pos..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let next = bytes.get(pos + k).copied();
            let dot =
                next == Some(b'.') || bytes.get(pos + k..pos + k + 3) == Some("．".as_bytes());
            if dot && let Some(end) = dotted(text, pos, &mut out) {
                pos = end;
                continue;
            }
            let continues = match next {
                Some(b' ' | b'-' | b')' | b'X' | b'x' | b'\t' | b'\n' | b'\r') => true,
                Some(b) if b >= 0x80 => {
                    // Full-width digits, separators or an `Ｘ` may continue the run.
                    matches!(char_at(text, pos + k), Some(c) if digit_value(c).is_some() || is_group_sep(c) || matches!(c, 'Ｘ' | 'ｘ' | '\u{a0}'))
                }
                _ => false,
            };
            if k < 6 && !continues {
                pos += k;
                continue;
            }
        } else if let Some(end) = dotted(text, pos, &mut out) {
            pos = end;
            continue;
        }
        let tok = read_token(text, pos, false);
        pos = tok.end.max(pos + 1);
        out.push(tok);
    }
    out
}

/// The token whose first digit is at `first` (a char boundary), however short.
pub fn token_at(text: &str, first: usize) -> NumToken {
    read_token(text, first, false)
}

/// Is the dot `.` or the full-width `．`?
fn is_dot(c: char) -> bool {
    matches!(c, '.' | '．')
}

/// Do the digits at `first` start groups joined by dots, all the same, laid out as a mobile
/// number (3-4-4), an ID (eighteen digits, or seventeen and an `X`), a card in fours or a
/// landline (an area code, then 7 or 8 digits or two groups of 3 or 4), with no dot, digit or
/// ASCII letter right before them?
fn dotted_chain(text: &str, first: usize) -> bool {
    if char_before(text, first)
        .is_some_and(|c| is_dot(c) || digit_value(c).is_some() || c.is_ascii_alphabetic())
    {
        return false;
    }
    // Group lengths, without allocating: asked of every number a dot follows (`196.50`).
    let mut lens = [0usize; 6];
    let mut groups = 0;
    let mut dot = None;
    let mut pos = first;
    loop {
        let mut n = 0;
        while let Some(c) = char_at(text, pos).filter(|c| digit_value(*c).is_some()) {
            pos += c.len_utf8();
            n += 1;
        }
        // No group of a value laid out so is longer than eight digits.
        if n > 8 || groups == lens.len() {
            return false;
        }
        lens[groups] = n;
        groups += 1;
        match char_at(text, pos) {
            Some(c)
                if is_dot(c)
                    && char_at(text, pos + c.len_utf8())
                        .and_then(digit_value)
                        .is_some() =>
            {
                // Dots all alike.
                if *dot.get_or_insert(c) != c {
                    return false;
                }
                pos += c.len_utf8();
            }
            _ => break,
        }
    }
    let lens = &lens[..groups];
    if lens.len() < 2 {
        return false;
    }
    let total: usize = lens.iter().sum();
    let x_after = matches!(char_at(text, pos), Some('X' | 'x' | 'Ｘ' | 'ｘ'));
    let fours = lens.len() >= 4
        && lens[..lens.len() - 1].iter().all(|l| *l == 4)
        && (1..=4).contains(&lens[lens.len() - 1]);
    let area = char_at(text, first).and_then(digit_value) == Some(0) && (3..=4).contains(&lens[0]);
    lens == [3, 4, 4]
        || ((total == 18 || (total == 17 && x_after)) && lens.iter().all(|l| *l >= 2))
        || ((16..=19).contains(&total) && fours)
        || (area
            && match lens[1..] {
                [7 | 8] => true,
                [a, b] => (3..=4).contains(&a) && (3..=4).contains(&b),
                _ => false,
            })
}

/// Reads one token whose first digit is at `first` (a char boundary); with `dots`, its groups
/// are joined by dots and nothing else.
fn read_token(text: &str, first: usize, dots: bool) -> NumToken {
    let mut start = first;
    let mut plus = false;
    let prev = char_before(text, first);
    // An opening bracket directly before the digits belongs to a landline `(0562)`, and `+`
    // to an international prefix.
    match prev {
        Some('(') | Some('（') => start = first - prev.map_or(0, char::len_utf8),
        Some('+') | Some('＋') => {
            start = first - prev.map_or(0, char::len_utf8);
            plus = true;
        }
        _ => {}
    }
    let before_start = char_before(text, start);
    let letter_before = before_start.filter(|c| c.is_ascii_alphabetic());
    let mut groups: Vec<Group> = Vec::new();
    let mut pos = first;
    loop {
        let gstart = pos;
        // (Sized for the ASCII digits ahead: a value's group is read without regrowing.)
        let ascii = text.as_bytes()[pos..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let mut digits = String::with_capacity(ascii.max(4));
        while let Some(c) = char_at(text, pos) {
            match digit_value(c) {
                Some(v) => {
                    digits.push(char::from(b'0' + v));
                    pos += c.len_utf8();
                }
                None => break,
            }
        }
        groups.push(Group {
            start: gstart,
            end: pos,
            digits,
        });
        // A single separator followed by a digit continues the token; a bracket pair closes
        // an area code.
        let Some(sep) = char_at(text, pos) else { break };
        let sep_ok = if dots { is_dot(sep) } else { is_group_sep(sep) };
        if !sep_ok || groups.len() >= 16 {
            break;
        }
        let mut after = pos + sep.len_utf8();
        // A Windows line break is one separator.
        if sep == '\r' && char_at(text, after) == Some('\n') {
            after += 1;
        }
        let next_is_digit = char_at(text, after).and_then(digit_value).is_some();
        // `) ` or `)-` after an area code: allow one more separator.
        let (after, next_is_digit) = if next_is_digit {
            (after, true)
        } else if matches!(sep, ')' | '）') {
            match char_at(text, after) {
                Some(c2) if matches!(c2, ' ' | '-' | '－') => {
                    let a2 = after + c2.len_utf8();
                    (a2, char_at(text, a2).and_then(digit_value).is_some())
                }
                _ => (after, false),
            }
        } else {
            (after, false)
        };
        if !next_is_digit {
            break;
        }
        pos = after;
    }
    let mut end = pos;
    let mut check_x = None;
    // The check character directly after the digits, or, after exactly seventeen digits, after
    // one space: a table cell too narrow for the ID pushes its `X` a little to the right, and
    // a PDF's text then reads `…421 x`. (The check digit still has to agree.)
    let seventeen = groups.iter().map(|g| g.digits.len()).sum::<usize>() == 17;
    let x_at = match char_at(text, end) {
        Some('X' | 'x' | 'Ｘ' | 'ｘ') => Some(end),
        Some(sp) if seventeen && matches!(sp, ' ' | '\u{a0}' | '\u{3000}') => {
            let at = end + sp.len_utf8();
            char_at(text, at)
                .filter(|c| matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ'))
                .map(|_| at)
        }
        _ => None,
    };
    if let Some(at) = x_at
        && let Some(c) = char_at(text, at)
    {
        let after = at + c.len_utf8();
        let glued = char_at(text, after).is_some_and(|n| n.is_ascii_alphanumeric());
        if !glued {
            check_x = Some((at, after));
            end = after;
        }
    }
    let next = char_at(text, end);
    let letter_after = next.is_some_and(|c| c.is_ascii_alphabetic());
    let word_before = letter_before.is_some() && word_glued_before(text, start);
    let word_after = letter_after && word_glued_after(text, end);
    // Amounts and decimals: `1,234.50`, `.5`, `3.14`.
    let (mut amount_left, mut amount_right) = (false, false);
    let first_len = groups.first().map_or(0, |g| g.digits.len());
    let last_len = groups.last().map_or(0, |g| g.digits.len());
    if check_x.is_none() {
        if let Some(c) = next
            && matches!(c, '.' | ',' | '，' | '．')
        {
            let after = end + c.len_utf8();
            let tail: String = text
                .get(after..)
                .unwrap_or("")
                .chars()
                .take_while(|c| digit_value(*c).is_some())
                .collect();
            if !tail.is_empty() {
                amount_right = match c {
                    '.' | '．' => !(tail.chars().all(|d| d == '0') && last_len >= 11),
                    _ => tail.chars().count() == 3 && last_len <= 3,
                };
            }
        }
        if let Some(p) = char_before(text, start)
            && matches!(p, '.' | ',' | '．')
        {
            let pp = char_before(text, start - p.len_utf8());
            // After a decimal point the run is a fraction; after a comma it is a thousands
            // group only when it has three digits (`13812345678,13912345678` is a list).
            if pp.and_then(digit_value).is_some() && (p != ',' || first_len == 3) {
                amount_left = true;
            }
        }
    }
    NumToken {
        start,
        end,
        groups,
        check_x,
        letter_before,
        letter_after,
        word_before,
        word_after,
        amount_left,
        amount_right,
        plus,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_boundaries() {
        let t = tokens(
            "电话138 1234 5678，金额1,234.50元，身份证３４０７０２１９９００１０１１２３Ｘ。",
        );
        // Short runs standing alone (`1`, `234`, `50`) are skipped by the fast path.
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].groups.len(), 3);
        assert!(!t[0].amount_left && !t[0].amount_right);
        assert!(t[1].check_x.is_some());
        assert_eq!(t[1].groups[0].digits.len(), 17);
        let t = tokens("合计13812345.50元，13812345678,13912345678");
        assert!(t[0].amount_right);
        assert!(!t[1].amount_right && !t[2].amount_left);
        // Only the edge group next to the decimal point belongs to the amount.
        let t = tokens("面试86.10 70.23 13251127011 1");
        let last = t.last().unwrap();
        assert!(last.amount_left && !last.amount_right && last.groups.len() == 3);
        let t = tokens("(0562)5879868 tel:+86 13812345678 E12345678");
        assert_eq!(t[0].groups.len(), 2);
        assert_eq!(t[0].start, 0);
        assert!(t[1].plus);
        assert_eq!(t[2].letter_before, Some('E'));
    }
}
