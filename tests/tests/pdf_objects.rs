//! Strings in PDF objects other than the trailer's /Info. pdf.js's `comments.pdf` holds the
//! document information of OmniGraffle drawings that pdfTeX included (`/PTEX.InfoDict` of a
//! form XObject: `/Author (David Mandelin)`, `/Creator (OmniGraffle 4.2.3)`): the backend read
//! their /Author as an unlabelled string and left it, and the file failed closed on what the
//! verifier found.

use docsan::{Options, Sanitizer, Status};

fn pdf_with_included_drawing(author: &str) -> Vec<u8> {
    let content = "BT /F1 12 Tf 50 700 Td (Diagram) Tj ET\n";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> /XObject << /Fm1 6 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /PTEX.InfoDict 7 0 R /Length 0 >>\nstream\n\nendstream".to_string(),
        format!("<< /Author ({author}) /Creator (OmniGraffle 4.2.3) /CreationDate (D:20090317221100Z) >>"),
    ];
    docsan_tests::samples::write_pdf(b"%PDF-1.4\n", &objects, "")
}

#[test]
fn the_author_of_an_imported_drawing_is_masked() {
    let bytes = pdf_with_included_drawing("David Mandelin");
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&bytes, Some("drawing.pdf"));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);
    assert!(
        !String::from_utf8_lossy(&out).contains("David Mandelin"),
        "the author is left"
    );
    match docsan_tests::oracle::qpdf_uncompressed(&out) {
        Some(plain) => {
            let plain = String::from_utf8_lossy(&plain);
            assert!(!plain.contains("David Mandelin"), "the author is left");
            assert!(plain.contains("OmniGraffle 4.2.3"), "the program is kept");
        }
        None => eprintln!("skipping the object check: qpdf is not installed"),
    }
    let checked = s.verify(&out, Some("out.pdf"));
    assert_eq!(checked.status, Status::Clean, "{:?}", checked.residues);
}
