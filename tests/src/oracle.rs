//! Test oracles that share nothing with docsan: what a third party would see in a file.
//!
//! OOXML: every zip member decompressed, as raw bytes and as text with tags stripped and
//! character references decoded (runs joined). PDF: poppler's `pdftotext` and qpdf's fully
//! decompressed rewrite, when those tools are installed.

use std::io::{Cursor, Read, Write};
use std::process::{Command, Stdio};

/// Every member of a zip, decompressed (member name, bytes). Members that fail to read are
/// skipped.
pub fn zip_members(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Ok(mut a) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..a.len() {
        if let Ok(mut f) = a.by_index(i) {
            let name = String::from_utf8_lossy(f.name_raw()).into_owned();
            let mut v = Vec::new();
            if f.read_to_end(&mut v).is_ok() {
                out.push((name, v));
            }
        }
    }
    out
}

/// XML text with tags removed and references decoded, so split runs join up. Attribute values
/// are kept too (authors, targets), each followed by a newline.
pub fn xml_text(xml: &str) -> String {
    let mut text = String::new();
    let mut attrs = String::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            break;
        };
        let tag = &rest[lt..lt + gt];
        // Attribute values.
        let mut t = tag;
        while let Some(eq) = t.find("=\"") {
            let after = &t[eq + 2..];
            if let Some(end) = after.find('"') {
                attrs.push_str(&after[..end]);
                attrs.push('\n');
                t = &after[end + 1..];
            } else {
                break;
            }
        }
        // Paragraph-like boundaries become newlines so separate cells do not run together.
        if tag.starts_with("</w:p")
            || tag.starts_with("</si")
            || tag.starts_with("</c")
            || tag.starts_with("</a:p")
            || tag.starts_with("</w:tc")
        {
            text.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    text.push_str(rest);
    decode_refs(&format!("{text}\n{attrs}"))
}

/// Decodes `&amp;`-style and numeric character references.
pub fn decode_refs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match after.find(';') {
            Some(semi) if semi <= 10 => {
                let ent = &after[..semi];
                let ch = match ent {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    e if e.starts_with("#x") || e.starts_with("#X") => {
                        u32::from_str_radix(&e[2..], 16)
                            .ok()
                            .and_then(char::from_u32)
                    }
                    e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
                    _ => None,
                };
                match ch {
                    Some(c) => {
                        out.push(c);
                        rest = &after[semi + 1..];
                    }
                    None => {
                        out.push('&');
                        rest = after;
                    }
                }
            }
            _ => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// All text a reader of an OOXML package could get at: every member's XML text and raw bytes.
pub fn ooxml_haystack(bytes: &[u8]) -> String {
    let mut s = String::new();
    for (name, data) in zip_members(bytes) {
        let raw = String::from_utf8_lossy(&data);
        s.push_str(&name);
        s.push('\n');
        s.push_str(&xml_text(&raw));
        s.push('\n');
        s.push_str(&raw);
        s.push('\n');
        // URL-encoded targets.
        s.push_str(&percent_decode(&raw));
        s.push('\n');
        // SpreadsheetML's `_xHHHH_` escapes, which Excel shows as the character.
        s.push_str(&xstring_decode(&xml_text(&raw)));
        s.push('\n');
    }
    s
}

/// Decodes `_xHHHH_` (written here without the backends' or the verifier's code).
fn xstring_decode(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '_' && i + 6 < chars.len() && chars[i + 1] == 'x' && chars[i + 6] == '_' {
            let hex: String = chars[i + 2..i + 6].iter().collect();
            if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                out.push(c);
                i += 7;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

pub fn has_pdftotext() -> bool {
    tool("pdftotext")
        || Command::new("pdftotext")
            .arg("-v")
            .stderr(Stdio::null())
            .status()
            .is_ok()
}

pub fn has_qpdf() -> bool {
    tool("qpdf")
}

fn run_with_stdin(cmd: &mut Command, input: &[u8]) -> Option<Vec<u8>> {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    Some(out.stdout)
}

/// `pdftotext` of the whole file, or `None` when poppler is not installed.
pub fn pdftotext(bytes: &[u8]) -> Option<String> {
    if !has_pdftotext() {
        return None;
    }
    let out = run_with_stdin(Command::new("pdftotext").args(["-q", "-", "-"]), bytes)?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// Checks with `pdftotext` that every value of `gone` shows in `input` and not in `output`,
/// and that every text of `kept` still shows in `output` (whitespace ignored). Returns `false`,
/// having checked nothing, when poppler is not installed.
pub fn check_pdf_text(input: &[u8], output: &[u8], gone: &[&str], kept: &[&str]) -> bool {
    let Some(before) = pdftotext(input) else {
        eprintln!("skipping the text check: poppler-utils is not installed");
        return false;
    };
    let before = squash(&before);
    let after = squash(&pdftotext(output).expect("pdftotext reads the output"));
    for v in gone {
        assert!(before.contains(v), "premise: {v} is shown");
        assert!(!after.contains(v), "left in the output: {v}");
    }
    for keep in kept {
        assert!(after.contains(keep), "lost: {keep}");
    }
    true
}

/// qpdf's rewrite with every stream decompressed and no object streams, or `None`.
pub fn qpdf_uncompressed(bytes: &[u8]) -> Option<Vec<u8>> {
    if !has_qpdf() {
        return None;
    }
    let dir = tempfile_dir();
    let inp = dir.join("in.pdf");
    let outp = dir.join("out.pdf");
    std::fs::write(&inp, bytes).ok()?;
    let _ = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable", "--decode-level=all"])
        .arg(&inp)
        .arg(&outp)
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let r = std::fs::read(&outp).ok();
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let d = std::env::temp_dir().join(format!(
        "docsan-oracle-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::create_dir_all(&d);
    d
}

/// Removes all whitespace, so values broken over lines by text extraction still match.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_text_joins_runs_and_decodes() {
        let t = xml_text(
            "<w:p><w:r><w:t>3407</w:t></w:r><w:r><w:t>02&#49;9</w:t></w:r></w:p><a b=\"mailto:x%40y\"/>",
        );
        assert!(t.contains("3407021 9".replace(' ', "").as_str()), "{t}");
        assert!(t.contains("mailto:x%40y"));
        assert_eq!(percent_decode("x%40y"), "x@y");
        assert_eq!(decode_refs("&#x5F20;&amp;&bogus;"), "张&&bogus;");
    }
}
