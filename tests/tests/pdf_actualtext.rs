//! LibreOffice on a machine without CJK fonts draws every Chinese character as a fallback glyph
//! and keeps the real character only in a `/Span <</ActualText …>>` around it. Text extractors
//! read the ActualText, so the name is there for anyone: docsan must read it too, mask it, and
//! mask the ActualText string, or it would publish the name while reporting success.

use docsan::{Options, Sanitizer, Status};

fn utf16_hex(s: &str) -> String {
    let mut h = String::from("<FEFF");
    for u in s.encode_utf16() {
        h.push_str(&format!("{u:04X}"));
    }
    h.push('>');
    h
}

/// One line: `label` and `name` drawn as fallback glyphs in ActualText spans, then digits.
fn pdf(label_and_name: &str, digits: &str) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 12 Tf\n50 700 Td\n");
    for c in label_and_name.chars() {
        content.push_str(&format!(
            "/Span <</ActualText {}>> BDC\n(?) Tj\nEMC\n",
            utf16_hex(&c.to_string())
        ));
    }
    content.push_str(&format!("( {digits}) Tj\nET\n"));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    docsan_tests::samples::write_pdf(b"%PDF-1.4\n", &objects, "")
}

#[test]
fn names_in_actual_text_spans_are_read_and_masked() {
    let s = Sanitizer::new(Options::default()).unwrap();
    let bytes = pdf("联系人：欧阳秀英，电话", "13812345678");
    let scan = s.scan(&bytes, Some("a.pdf"));
    let kinds: Vec<String> = scan.findings.iter().map(|f| f.kind.to_string()).collect();
    assert!(
        kinds.contains(&"name".to_string()),
        "the name behind fallback glyphs is found: {kinds:?}"
    );
    let (report, out) = s.sanitize(&bytes, Some("a.pdf"));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);
    // The ActualText strings of the name are masked: no UTF-16 code of 秀 or 英 is left.
    let raw = docsan_tests::oracle::qpdf_uncompressed(&out).unwrap_or_else(|| out.clone());
    let raw = String::from_utf8_lossy(&raw).to_uppercase();
    for c in ["79C0", "82F1"] {
        assert!(
            !raw.contains(&format!("FEFF{c}")),
            "ActualText of the name left in the output"
        );
    }
    if let Some(text) = docsan_tests::oracle::pdftotext(&out) {
        assert!(
            !text.contains("秀英") && !text.contains("13812345678"),
            "pdftotext still reads a value: {text}"
        );
        assert!(text.contains("联系人"), "the label stays: {text}");
    }
}

/// A public office number after a label drawn as fallback glyphs: the independent verifier
/// reads the label from the spans too (as the backend and every text extractor do), so the
/// number is a public one and not a residue that fails the file.
#[test]
fn the_verifier_reads_labels_behind_fallback_glyphs() {
    let s = Sanitizer::new(Options::default()).unwrap();
    let bytes = pdf("监督电话：", "0562-2812345");
    let gate = s.verify(&bytes, Some("a.pdf"));
    assert_eq!(
        gate.status,
        Status::Clean,
        "residues: {:?}",
        gate.residues.iter().map(|r| &r.rule).collect::<Vec<_>>()
    );
    let (report, out) = s.sanitize(&bytes, Some("a.pdf"));
    assert_eq!(report.status, Status::Clean, "{:?}", report.error);
    assert!(out.is_some());
    // The same digits after a label that says nothing about them are still a landline.
    let gate = s.verify(&pdf("联系人电话：", "0562-2812345"), Some("b.pdf"));
    assert_eq!(gate.status, Status::Found);
}

/// A span cannot hide what its glyphs show: when the glyphs read more characters than the
/// span's text, they keep their own text, and a mobile number drawn inside is still found.
#[test]
fn a_short_actual_text_does_not_hide_the_glyphs() {
    let content = "BT\n/F1 12 Tf\n50 700 Td\n/Span <</ActualText <FEFF0078>>> BDC\n(13812345678) Tj\nEMC\nET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let bytes = docsan_tests::samples::write_pdf(b"%PDF-1.4\n", &objects, "");
    let s = Sanitizer::new(Options::default()).unwrap();
    let gate = s.verify(&bytes, Some("c.pdf"));
    assert_eq!(gate.status, Status::Found);
    assert!(
        gate.findings
            .iter()
            .chain(&gate.residues)
            .any(|f| f.kind.to_string() == "mobile"),
        "the mobile number is found"
    );
}

/// Nor can a span of the same length: glyphs that show digits keep their own text in the
/// verifier, so a phone number drawn under an /ActualText of letters is still found.
#[test]
fn an_actual_text_of_the_same_length_does_not_hide_digits() {
    let content = "BT\n/F1 12 Tf\n50 700 Td\n/Span <</ActualText (abcdefghijk)>> BDC\n(13812345678) Tj\nEMC\nET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
    ];
    let bytes = docsan_tests::samples::write_pdf(b"%PDF-1.4\n", &objects, "");
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&bytes, Some("d.pdf"));
    assert!(
        out.is_none() || report.status == Status::Sanitized,
        "a file whose glyphs show a phone number is never passed as clean: {:?}",
        report.status
    );
    let gate = s.verify(&bytes, Some("d.pdf"));
    assert_eq!(gate.status, Status::Found);
}
