//! Zip archives of attachments: sanitized member by member, GBK and UTF-8 member names kept,
//! nested zips recursed, unsupported members left out with a warning.

use docsan::{Options, Sanitizer, Status};
use std::io::{Cursor, Read, Write};

fn zip_of(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in parts {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn members(z: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(Cursor::new(z)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let name =
                String::from_utf8(f.name_raw().to_vec()).expect("names are written as UTF-8");
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (name, v)
        })
        .collect()
}

#[test]
fn zip_of_attachments_is_sanitized_member_by_member_with_names_kept() {
    let people = docsan_tests::samples::people(31, 5);
    let csv = docsan_tests::samples::subsidy_csv(&people).into_bytes();
    let inner = zip_of(&[("内层/名单.csv", csv.clone())]);
    let mut legacy = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    legacy.extend("Workbook".encode_utf16().flat_map(|u| u.to_le_bytes()));
    // "AAAA.csv" is patched into the GBK bytes of "名单.csv" (same length, no UTF-8 flag), as
    // Chinese Windows zip tools write names.
    let mut outer = zip_of(&[
        ("AAAA.csv", csv.clone()),
        ("附件/公示.pdf", docsan_tests::samples::results_pdf(&people)),
        ("nested.zip", inner),
        ("old.xls", legacy),
    ]);
    let gbk = encoding_rs::GBK.encode("名单.csv").0.into_owned();
    assert_eq!(gbk.len(), 8);
    let mut i = 0;
    while let Some(p) = outer[i..].windows(8).position(|w| w == b"AAAA.csv") {
        outer[i + p..i + p + 8].copy_from_slice(&gbk);
        i += p + 8;
    }
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&outer, Some("attachments.zip"));
    let out = out.unwrap_or_else(|| panic!("archive not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "zip-member-removed"),
        "legacy member left out with a warning"
    );
    let m = members(&out);
    let names: Vec<&str> = m.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["名单.csv", "附件/公示.pdf", "nested.zip"]);
    let text = String::from_utf8(m[0].1.clone()).unwrap();
    let nested = members(&m[2].1);
    assert_eq!(nested[0].0, "内层/名单.csv");
    let nested_text = String::from_utf8(nested[0].1.clone()).unwrap();
    for p in &people {
        assert!(
            !text.contains(&p.id) && !nested_text.contains(&p.id),
            "ID left in a member"
        );
        assert!(
            !text.contains(&p.mobile) && !nested_text.contains(&p.mobile),
            "phone left in a member"
        );
    }
    // The whole archive verifies clean; the original does not.
    assert_eq!(s.verify(&out, Some("out.zip")).status, Status::Clean);
    assert_eq!(
        s.verify(&outer, Some("in.zip")).status,
        Status::Failed,
        "the legacy member cannot be checked"
    );
}
