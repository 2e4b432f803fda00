//! Hostile and damaged input: every bomb fails cleanly within bounded time, damaged files give
//! a clear error or a recovered result, and nothing panics.

use docsan::core::{ErrorKind, Limits};
use docsan::{Options, Sanitizer, Status};
use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

fn sanitizer() -> Sanitizer {
    Sanitizer::new(Options::default()).expect("default policy compiles")
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CT: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Runs one sanitize and checks it fails (no output) within the time budget.
fn must_fail_fast(name: &str, bytes: &[u8]) -> docsan::FileReport {
    let t = Instant::now();
    let (report, out) = sanitizer().sanitize(bytes, Some(name));
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "{name}: took {:?}",
        t.elapsed()
    );
    assert!(out.is_none(), "{name}: a hostile file produced output");
    assert_eq!(report.status, Status::Failed, "{name}");
    report
}

#[test]
fn zip_bomb_in_a_docx_is_refused() {
    let bomb = vec![b' '; 300 << 20];
    let docx = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", &bomb),
    ]);
    assert!(docx.len() < 2 << 20, "the bomb is small on disk");
    let r = must_fail_fast("bomb.docx", &docx);
    assert_eq!(r.error_kind(), Some("limit"), "{:?}", r.error);
}

#[test]
fn deflate_bomb_in_a_pdf_stream_is_refused() {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![b'0'; 400 << 20]).unwrap();
    let data = enc.finish().unwrap();
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offs = Vec::new();
    let objs: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Contents 4 0 R >>".to_vec(),
        [
            format!(
                "<< /Length {} /Filter /FlateDecode >>\nstream\n",
                data.len()
            )
            .as_bytes(),
            &data,
            b"\nendstream",
        ]
        .concat(),
    ];
    for (i, o) in objs.iter().enumerate() {
        offs.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(o);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let x = pdf.len();
    pdf.extend_from_slice(b"xref\n0 5\n0000000000 65535 f \n");
    for o in offs {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!("trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n{x}\n%%EOF\n").as_bytes(),
    );
    let r = must_fail_fast("bomb.pdf", &pdf);
    assert!(
        matches!(r.error_kind(), Some("limit" | "malformed")),
        "{:?}",
        r.error
    );
}

#[test]
fn deep_xml_nesting_and_billion_laughs_are_refused() {
    let deep = format!(
        "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}{}</w:body></w:document>",
        "<w:p>".repeat(100_000),
        "</w:p>".repeat(100_000)
    );
    let docx = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", deep.as_bytes()),
    ]);
    must_fail_fast("deep.docx", &docx);

    let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"#;
    let docx = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", laughs),
    ]);
    let t = Instant::now();
    let (r, out) = sanitizer().sanitize(&docx, Some("laughs.docx"));
    assert!(t.elapsed() < Duration::from_secs(5));
    // Entities are never expanded: either refused, or the text holds the literal reference.
    if let Some(out) = out {
        assert!(out.len() < 1 << 20, "entity expansion happened");
    } else {
        assert_eq!(r.status, Status::Failed);
    }
}

#[test]
fn pdf_reference_loops_and_deep_form_nesting_terminate() {
    // A page whose form XObject draws itself, and a Pages node that is its own kid.
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] /Resources << /XObject << /X 5 0 R >> >> /Contents 4 0 R >>",
        "<< /Length 8 >>\nstream\n/X Do   \nendstream",
        "<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << /X 5 0 R >> >> /Length 8 >>\nstream\n/X Do   \nendstream",
    ];
    let objs: Vec<String> = objs.iter().map(|o| o.to_string()).collect();
    let pdf = docsan_tests::samples::write_pdf(b"%PDF-1.4\n", &objs, "");
    let t = Instant::now();
    let (r, _) = sanitizer().sanitize(&pdf, Some("loop.pdf"));
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "took {:?}",
        t.elapsed()
    );
    let _ = r.status;
}

#[test]
fn zip_entry_count_limit_is_enforced() {
    let limits = Limits {
        max_zip_entries: 50,
        ..Limits::default()
    };
    let s = Sanitizer::new(Options {
        limits,
        ..Options::default()
    })
    .unwrap();
    let names: Vec<String> = (0..100).map(|i| format!("f{i}.txt")).collect();
    let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"x"[..])).collect();
    let z = zip_of(&parts);
    let (r, out) = s.sanitize(&z, Some("many.zip"));
    assert!(out.is_none());
    assert_eq!(r.error_kind(), Some(ErrorKind::Limit.as_str()));
}

/// Truncations and byte flips of every sample: a clear error or a result, never a panic, and
/// never an output that still holds a value the intact file showed.
#[test]
fn damaged_samples_never_panic() {
    let s = sanitizer();
    for (name, bytes) in docsan_tests::samples::generate() {
        let cuts = [
            0,
            1,
            7,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len().saturating_sub(22),
            bytes.len().saturating_sub(1),
        ];
        for cut in cuts {
            let t = Instant::now();
            let _ = s.sanitize(&bytes[..cut], Some(&name));
            assert!(t.elapsed() < Duration::from_secs(10), "{name} cut at {cut}");
        }
        let mut rng = docsan_tests::fake::Rng::new(bytes.len() as u64);
        for _ in 0..20 {
            let mut b = bytes.clone();
            for _ in 0..4 {
                let i = rng.below(b.len() as u64) as usize;
                b[i] = rng.below(256) as u8;
            }
            let _ = s.sanitize(&b, Some(&name));
            let _ = s.scan(&b, Some(&name));
        }
    }
}

#[test]
fn renamed_and_legacy_files_are_sniffed_by_content() {
    let s = sanitizer();
    let pdf = docsan_tests::samples::results_pdf(&docsan_tests::samples::people(9, 2));
    assert_eq!(
        s.scan(&pdf, Some("looks-like.docx")).format,
        Some(docsan::core::Format::Pdf)
    );
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
    let r = s.scan(&ole, Some("x.docx"));
    assert_eq!(r.status, Status::Failed);
    assert!(r.error.unwrap().message.contains("legacy Word"));
}

#[test]
fn time_budget_per_file_fails_cleanly() {
    let s = Sanitizer::new(Options {
        time_budget: Some(Duration::ZERO),
        ..Options::default()
    })
    .unwrap();
    let csv = docsan_tests::samples::subsidy_csv(&docsan_tests::samples::people(3, 3));
    let (r, out) = s.sanitize(csv.as_bytes(), Some("a.csv"));
    assert!(out.is_none(), "no output past the budget");
    assert_eq!(r.error_kind(), Some("limit"));
    assert!(r.error.unwrap().message.contains("time budget"));
    let ok = Sanitizer::new(Options {
        time_budget: Some(Duration::from_secs(60)),
        ..Options::default()
    })
    .unwrap();
    assert!(ok.sanitize(csv.as_bytes(), Some("a.csv")).1.is_some());
}

/// The budget is enforced inside a stage, not only between stages: with no time at all, a
/// workbook stops at its first decompression, a PDF at its content stream, and scan and verify
/// fail too (a partial scan is never reported as clean).
#[test]
fn time_budget_stops_work_inside_a_stage() {
    let s = Sanitizer::new(Options {
        time_budget: Some(Duration::ZERO),
        ..Options::default()
    })
    .unwrap();
    let people = docsan_tests::samples::people(4, 20);
    for (name, bytes) in [
        ("a.xlsx", docsan_tests::samples::compensation_xlsx(&people)),
        ("a.docx", docsan_tests::samples::roster_docx(&people)),
        ("a.pdf", docsan_tests::samples::long_pdf(9, 2, 30)),
    ] {
        let (r, out) = s.sanitize(&bytes, Some(name));
        assert!(out.is_none(), "{name}: no output past the budget");
        let msg = r.error.as_ref().unwrap().message.clone();
        assert!(
            msg.contains("time budget") && msg.contains("stopped during"),
            "{name}: stopped inside a stage, not after it: {msg}"
        );
        for r in [s.scan(&bytes, Some(name)), s.verify(&bytes, Some(name))] {
            assert_eq!(r.status, Status::Failed, "{name}");
            assert_eq!(r.error_kind(), Some("limit"), "{name}");
        }
    }
}

/// Same input and options, same output bytes: every sample, sanitized twice by two sanitizers,
/// and once more from another thread.
#[test]
fn output_is_deterministic() {
    let a = sanitizer();
    let b = sanitizer();
    for (name, bytes) in docsan_tests::samples::generate() {
        let x = a
            .sanitize(&bytes, Some(&name))
            .1
            .unwrap_or_else(|| panic!("{name} not sanitized"));
        let y = b.sanitize(&bytes, Some(&name)).1.unwrap();
        let z = std::thread::scope(|s| {
            s.spawn(|| a.sanitize(&bytes, Some(&name)).1.unwrap())
                .join()
                .unwrap()
        });
        assert!(x == y && y == z, "{name}: two runs gave different bytes");
    }
}

/// `verify --against` takes its values from a scan of the original: when that scan stops at a
/// limit, the values it found may be only some of them, and the twin must not pass.
#[test]
fn against_an_original_that_cannot_be_read_in_full_fails() {
    let people = docsan_tests::samples::people(5, 40);
    let original = docsan_tests::samples::subsidy_csv(&people);
    let twin = "序号,金额\n1,300\n".to_string();
    let s = Sanitizer::new(Options {
        limits: Limits {
            max_input_bytes: (original.len() / 2) as u64,
            ..Default::default()
        },
        ..Options::default()
    })
    .unwrap();
    let r = s.verify_against(original.as_bytes(), twin.as_bytes(), Some("a.csv"));
    assert_eq!(r.status, Status::Failed);
    assert_eq!(r.error_kind(), Some("limit"));
    assert!(
        r.error.unwrap().message.contains("not all its values"),
        "fails because of the original, not the twin"
    );
}
