//! Format detection by content, never by extension alone.
//!
//! A `.docx` that is really a PDF is a PDF; a `.pdf` that is really a legacy Word file is
//! refused as such. The file name is consulted only to tell CSV from plain text, which no
//! byte pattern can do reliably.

use docsan_core::{Error, Format, Result};
use std::io::Cursor;

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Decides the format of `bytes`. `name` (a file name or path) only separates CSV from text.
pub fn sniff(bytes: &[u8], name: Option<&str>) -> Result<Format> {
    if bytes.is_empty() {
        return Err(Error::unsupported("empty file"));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return sniff_zip(bytes);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(Error::unsupported(ole_kind(bytes)));
    }
    let binary_kinds: [(&[u8], &str); 10] = [
        (b"{\\rtf", "RTF document"),
        (b"\x89PNG", "PNG image: text in images cannot be checked"),
        (
            b"\xFF\xD8\xFF",
            "JPEG image: text in images cannot be checked",
        ),
        (b"GIF8", "GIF image: text in images cannot be checked"),
        (b"II*\0", "TIFF image: text in images cannot be checked"),
        (b"MM\0*", "TIFF image: text in images cannot be checked"),
        (b"\x1F\x8B", "gzip archive"),
        (b"Rar!", "RAR archive"),
        (b"7z\xBC\xAF", "7-Zip archive"),
        (b"\xDB\xA5\x2D\x00", "legacy Word 2 document"),
    ];
    for (magic, what) in binary_kinds {
        if bytes.starts_with(magic) {
            return Err(Error::unsupported(what));
        }
    }
    if docsan_text::looks_binary(bytes) {
        return Err(Error::unsupported("unknown binary format"));
    }
    let lower = name.map(|n| n.to_ascii_lowercase()).unwrap_or_default();
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        Ok(Format::Csv)
    } else {
        Ok(Format::Text)
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Legacy binaries and encrypted OOXML packages share the OLE compound file container; the
/// stream names (UTF-16LE in the directory) tell them apart.
fn ole_kind(bytes: &[u8]) -> String {
    let has = |name: &str| {
        let utf16: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        find(bytes, &utf16).is_some()
    };
    if has("EncryptedPackage") || has("EncryptionInfo") {
        "encrypted (password-protected) Office document: remove the password and try again".into()
    } else if has("WordDocument") {
        "legacy Word .doc/.wps (OLE compound file): save it as .docx first".into()
    } else if has("Workbook") || has("Book") {
        "legacy Excel .xls/.et (OLE compound file): save it as .xlsx first".into()
    } else if has("PowerPoint Document") {
        "legacy PowerPoint .ppt (OLE compound file)".into()
    } else {
        "legacy Office or WPS binary (OLE compound file)".into()
    }
}

fn sniff_zip(bytes: &[u8]) -> Result<Format> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Error::malformed(format!("zip archive: {e}")))?;
    // Some writers store Windows separators (`xl\\workbook.xml`); readers accept them.
    let names: Vec<String> = archive
        .file_names()
        .filter_map(|r| r.ok())
        .map(|c| c.replace('\\', "/"))
        .collect();
    let has = |n: &str| names.iter().any(|x| x.eq_ignore_ascii_case(n));
    if has("[Content_Types].xml") {
        if has("word/document.xml") {
            return Ok(Format::Docx);
        }
        if has("xl/workbook.xml") {
            return Ok(Format::Xlsx);
        }
        if has("xl/workbook.bin") {
            return Err(Error::unsupported("binary Excel workbook (.xlsb)"));
        }
        if has("ppt/presentation.xml") {
            return Err(Error::unsupported("PowerPoint presentation (.pptx)"));
        }
        if names.iter().any(|n| n.starts_with("word/")) {
            return Ok(Format::Docx);
        }
        if names.iter().any(|n| n.starts_with("xl/")) {
            return Ok(Format::Xlsx);
        }
        return Err(Error::unsupported("Office package of an unknown kind"));
    }
    if has("mimetype") && has("content.xml") {
        return Err(Error::unsupported("OpenDocument file (.odt/.ods)"));
    }
    if has("word/document.xml") {
        return Ok(Format::Docx);
    }
    if has("xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    Ok(Format::Zip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for n in names {
            w.start_file(*n, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn content_decides_not_extension() {
        assert_eq!(
            sniff(b"%PDF-1.7\n...", Some("a.docx")).unwrap(),
            Format::Pdf
        );
        let docx = zip_with(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"]);
        assert_eq!(sniff(&docx, Some("a.pdf")).unwrap(), Format::Docx);
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(sniff(&xlsx, None).unwrap(), Format::Xlsx);
        assert_eq!(
            sniff(&zip_with(&["a.pdf", "b.csv"]), None).unwrap(),
            Format::Zip
        );
        assert_eq!(
            sniff("姓名,电话\n".as_bytes(), Some("x.CSV")).unwrap(),
            Format::Csv
        );
        assert_eq!(
            sniff("姓名,电话\n".as_bytes(), Some("x.txt")).unwrap(),
            Format::Text
        );
    }

    #[test]
    fn legacy_and_encrypted_are_unsupported() {
        let mut doc = OLE_MAGIC.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let e = sniff(&doc, Some("a.doc")).unwrap_err();
        assert!(e.message.contains("legacy Word"), "{e}");
        let mut enc = OLE_MAGIC.to_vec();
        enc.extend(
            "EncryptionInfo"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert!(
            sniff(&enc, Some("a.docx"))
                .unwrap_err()
                .message
                .contains("encrypted")
        );
        assert!(sniff(b"", None).unwrap_err().message.contains("empty"));
        assert!(sniff(b"\x00\x01\x02\x03", None).is_err());
        assert!(sniff(b"PK\x03\x04broken", None).is_err());
    }
}
