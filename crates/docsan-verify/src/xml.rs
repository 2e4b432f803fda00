//! A small XML tokenizer of our own, for text, attributes and character references.
//!
//! The verifier must not share parsing code with the backends, and it must read XML that is
//! damaged or hostile without giving up: this tokenizer never expands DTD entities, never
//! allocates more than the input, stops at the configured nesting depth, and treats anything it
//! cannot parse as text rather than skipping it.
//!
//! Text and attribute values borrow from the input unless a reference had to be decoded, and
//! the attribute list of a start tag lives in one buffer reused for every tag: a big sheet has
//! millions of events, and an allocation for each cost more than the tokenizing.

use std::borrow::Cow;

/// One XML event. `'x` is the input, `'a` the tokenizer's attribute buffer (valid for the
/// duration of the callback only).
#[derive(Debug)]
pub(crate) enum Ev<'x, 'a> {
    /// A start tag with its local name (prefix stripped) and its decoded attributes (local
    /// names).
    Start {
        local: &'x str,
        attrs: &'a [(&'x str, Cow<'x, str>)],
        empty: bool,
    },
    End {
        local: &'x str,
    },
    /// Character data with references decoded.
    Text(Cow<'x, str>),
}

/// The part after the namespace prefix.
pub(crate) fn local(name: &str) -> &str {
    // Names are short: a byte loop beats `rfind`'s word-at-a-time search.
    match name.bytes().rposition(|c| c == b':') {
        Some(p) => name.get(p + 1..).unwrap_or(name),
        None => name,
    }
}

/// `str::trim`, answered at once when both ends are visible ASCII (as tag names are).
fn trim(s: &str) -> &str {
    let visible = |c: Option<&u8>| c.is_some_and(|&c| c.is_ascii_graphic());
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// Whether a text is empty or whitespace only (`str::trim` semantics), answered from the first
/// byte when that is a visible ASCII character.
pub(crate) fn is_blank(t: &str) -> bool {
    match t.as_bytes().first() {
        None => true,
        Some(&c) if c.is_ascii() && !matches!(c, b'\t'..=b'\r' | b' ') => false,
        Some(_) => t.trim().is_empty(),
    }
}

/// Decodes the five predefined entities and numeric character references, then
/// SpreadsheetML's `_xHHHH_` escapes (U+HHHH, as Excel shows cell text, shared strings,
/// comments and attributes: `_x0031_3812345678` is a phone number); anything else is kept as
/// written.
pub(crate) fn unescape(s: &str) -> Cow<'_, str> {
    let xml = unescape_entities(s);
    match decode_xstring(&xml) {
        Some(d) => Cow::Owned(d),
        None => xml,
    }
}

/// `_xHHHH_` escapes decoded; `None` when there is none.
fn decode_xstring(s: &str) -> Option<String> {
    let b = s.as_bytes();
    // (Not `str::contains`, which builds a searcher each call: this runs on every text.)
    if !b.windows(2).any(|w| w[0] == b'_' && w[1] == b'x') {
        return None;
    }
    let at_escape = |at: usize| -> Option<char> {
        let hex = b.get(at + 2..at + 6)?;
        if b.get(at + 6) != Some(&b'_') || !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        char::from_u32(u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?)
    };
    let mut out = String::with_capacity(s.len());
    let (mut last, mut i) = (0, 0);
    while let Some(p) = s[i..].find("_x") {
        let at = i + p;
        match at_escape(at) {
            Some(c) => {
                out.push_str(&s[last..at]);
                out.push(c);
                last = at + 7;
                i = at + 7;
            }
            None => i = at + 2,
        }
    }
    (last > 0).then(|| {
        out.push_str(&s[last..]);
        out
    })
}

fn unescape_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find(';').filter(|&e| e <= 12);
        let decoded = end.and_then(|e| {
            let ent = &after[1..e];
            let c = match ent {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => {
                    if let Some(h) = ent.strip_prefix("#x").or_else(|| ent.strip_prefix("#X")) {
                        u32::from_str_radix(h, 16).ok().and_then(char::from_u32)
                    } else if let Some(d) = ent.strip_prefix('#') {
                        d.parse::<u32>().ok().and_then(char::from_u32)
                    } else {
                        None
                    }
                }
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decodes XML bytes to text: BOM, then UTF-16 without one (`<` in two bytes), then the
/// declared encoding (GBK family), then UTF-8 with replacement. Valid UTF-8 is borrowed, not
/// copied.
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return Cow::Owned(
            enc.decode_without_bom_handling(bytes.get(bom..).unwrap_or_default())
                .0
                .into_owned(),
        );
    }
    // UTF-16 without a byte order mark (.NET writes custom XML items so): the first
    // character, `<`, in two bytes.
    let bare = match bytes {
        [b'<', 0, ..] => Some(encoding_rs::UTF_16LE),
        [0, b'<', ..] => Some(encoding_rs::UTF_16BE),
        _ => None,
    };
    if let Some(enc) = bare {
        return Cow::Owned(enc.decode_without_bom_handling(bytes).0.into_owned());
    }
    let head = String::from_utf8_lossy(bytes.get(..100.min(bytes.len())).unwrap_or_default())
        .to_ascii_lowercase();
    if head.starts_with("<?xml")
        && (head.contains("gbk") || head.contains("gb2312") || head.contains("gb18030"))
    {
        return Cow::Owned(
            encoding_rs::GB18030
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
        );
    }
    // Strict validation first: it is much faster than the lossy decoder on valid text.
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Tokenizes `text`, calling `f` for each event. Fails when nesting exceeds `max_depth`.
pub(crate) fn parse<'x>(
    text: &'x str,
    max_depth: u32,
    mut f: impl FnMut(Ev<'x, '_>),
) -> Result<(), &'static str> {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut depth = 0u32;
    let find =
        |from: usize, pat: &str| text.get(from..).and_then(|t| t.find(pat)).map(|p| p + from);
    // The next `>` (tags are short: a byte loop beats a substring search).
    let find_gt = |from: usize| {
        b.get(from..)
            .and_then(|t| t.iter().position(|&c| c == b'>'))
            .map(|p| p + from)
    };
    // The attributes of the current start tag; cleared, not freed, between tags.
    let mut attrs: Vec<(&'x str, Cow<'x, str>)> = Vec::new();
    while i < b.len() {
        if b[i] != b'<' {
            let end = text
                .get(i..)
                .and_then(|t| t.find('<'))
                .map_or(b.len(), |p| p + i);
            if let Some(t) = text.get(i..end) {
                f(Ev::Text(unescape(t)));
            }
            i = end;
            continue;
        }
        let rest = &text[i..];
        if rest.starts_with("<!--") {
            i = find(i + 4, "-->").map_or(b.len(), |p| p + 3);
        } else if rest.starts_with("<![CDATA[") {
            let end = find(i + 9, "]]>").unwrap_or(b.len());
            if let Some(t) = text.get(i + 9..end) {
                f(Ev::Text(Cow::Borrowed(t)));
            }
            i = (end + 3).min(b.len());
        } else if rest.starts_with("<?") {
            i = find(i + 2, "?>").map_or(b.len(), |p| p + 2);
        } else if rest.starts_with("<!") {
            let gt = find_gt(i).unwrap_or(b.len());
            let br = find(i, "[");
            i = match br {
                Some(p) if p < gt => find(p, "]>").map_or(b.len(), |q| q + 2),
                _ => (gt + 1).min(b.len()),
            };
        } else if rest.starts_with("</") {
            let gt = find_gt(i).unwrap_or(b.len());
            let name = trim(text.get(i + 2..gt).unwrap_or(""));
            f(Ev::End { local: local(name) });
            depth = depth.saturating_sub(1);
            i = (gt + 1).min(b.len());
        } else {
            // Start tag: name, attributes, optional `/`.
            let mut j = i + 1;
            while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
                j += 1;
            }
            let name = text.get(i + 1..j).unwrap_or("");
            attrs.clear();
            let mut empty = false;
            loop {
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j >= b.len() {
                    break;
                }
                if b[j] == b'>' {
                    j += 1;
                    break;
                }
                if b[j] == b'/' {
                    empty = true;
                    j += 1;
                    continue;
                }
                let ns = j;
                while j < b.len() && b[j] != b'=' && b[j] != b'>' && !b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let an = text.get(ns..j).unwrap_or("");
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < b.len() && b[j] == b'=' {
                    j += 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                        let q = b[j];
                        let vs = j + 1;
                        let mut k = vs;
                        while k < b.len() && b[k] != q {
                            k += 1;
                        }
                        attrs.push((local(an), unescape(text.get(vs..k).unwrap_or(""))));
                        j = (k + 1).min(b.len());
                    } else {
                        let vs = j;
                        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        attrs.push((local(an), unescape(text.get(vs..j).unwrap_or(""))));
                    }
                } else if an.is_empty() {
                    j += 1;
                }
            }
            if !empty {
                depth += 1;
                if depth > max_depth {
                    return Err("xml nesting deeper than the depth limit");
                }
            }
            f(Ev::Start {
                local: local(name),
                attrs: &attrs,
                empty,
            });
            if empty {
                f(Ev::End { local: local(name) });
            }
            i = j.max(i + 1);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_references_and_attributes() {
        assert_eq!(unescape("&#24352;&#x4E09;&amp;&bogus;"), "张三&&bogus;");
        // SpreadsheetML's escapes, after the entities (`_x005F_` is a literal `_`).
        assert_eq!(unescape("_x738B_建国 _x0031_38&#95;x0031_"), "王建国 1381");
        assert_eq!(
            unescape("_x005F_x0031_ _x12_ _xZZZZ_"),
            "_x0031_ _x12_ _xZZZZ_"
        );
        let mut seen = Vec::new();
        parse(
            r#"<?xml version="1.0"?><a:p x='1' y="&#49;2"><!-- c --><t>A<![CDATA[<B>]]></t><br/></a:p>"#,
            8,
            |e| seen.push(format!("{e:?}")),
        )
        .unwrap();
        let all = seen.join("|");
        assert!(all.contains("Start { local: \"p\""));
        assert!(all.contains("\"12\""));
        assert!(all.contains("Text(\"<B>\")"));
        assert!(parse("<a><a><a>", 2, |_| {}).is_err());
    }

    #[test]
    fn blank_and_local_agree_with_the_std_forms() {
        for t in [
            "",
            " ",
            "\t\n",
            "\x0B",
            "\x0C",
            "\u{3000}",
            "\u{A0}",
            "a",
            " a",
            "\u{3000}x",
            "张",
            "\u{85}",
            "\u{200B}",
        ] {
            assert_eq!(is_blank(t), t.trim().is_empty(), "{t:?}");
        }
        for t in ["", "p", " p", "p ", "\u{3000}p", "w:p\t", "张", " ", "a b"] {
            assert_eq!(trim(t), t.trim(), "{t:?}");
        }
        for n in ["w:p", "p", "a:b:c", ":x", "x:", "", "张:三"] {
            assert_eq!(local(n), n.rsplit(':').next().unwrap_or(n), "{n:?}");
        }
    }

    #[test]
    fn text_and_attributes_borrow_unless_decoded() {
        let mut texts = Vec::new();
        let mut values = Vec::new();
        parse(
            r#"<a x="plain" y="&amp;x">one<b/>t&#119;o</a>"#,
            8,
            |e| match e {
                Ev::Start { attrs, .. } => {
                    for (_, v) in attrs {
                        values.push((v.to_string(), matches!(v, Cow::Borrowed(_))));
                    }
                }
                Ev::Text(t) => texts.push((t.to_string(), matches!(t, Cow::Borrowed(_)))),
                Ev::End { .. } => {}
            },
        )
        .unwrap();
        assert_eq!(
            values,
            vec![("plain".to_string(), true), ("&x".to_string(), false)]
        );
        assert_eq!(
            texts,
            vec![("one".to_string(), true), ("two".to_string(), false)]
        );
        assert!(matches!(decode(b"<a>x</a>"), Cow::Borrowed(_)));
        assert_eq!(decode(b"<a>\xFF</a>"), "<a>\u{FFFD}</a>");
    }
}
