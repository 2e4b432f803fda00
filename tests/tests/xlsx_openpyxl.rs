//! A workbook written by openpyxl (inline strings, no shared string table) with personal data
//! in most of the places issue 5 lists: a title row and a merged caption above the header, a
//! numeric phone column, an ID stored as a number that lost its last digits, a hidden row, a
//! hidden sheet named after a person, a very hidden sheet, a legacy comment whose author is
//! signed with a role (`审核员刘洋`), a formula with a string literal, a formula referring to
//! the person's sheet, a page header, a `mailto:` link with a tooltip, a data-validation list,
//! a defined name whose value is a name and a phone number (`联系人`), a table part,
//! document and custom properties. Generator: `tests/fixtures/xlsx/openpyxl-every-location.py`.
//!
//! `libreoffice-every-location.xlsx` is that workbook opened and saved by LibreOffice Calc
//! (`soffice --headless --convert-to xlsx`): shared strings split into runs by font, a defined
//! name holding a contact's name and number in one literal (`"刘洋13912349876"`), no comment
//! author. It found that literal's name left in place, now found.
//!
//! Every value in `.values` must be gone from every part (in any XML encoding), every text in
//! `.keep` must still be there, and the output must pass docsan's own verifier.

use docsan::{Options, Sanitizer, Status};
use docsan_tests::oracle;
use std::path::Path;

fn fixture(stem: &str, ext: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/xlsx")
        .join(format!("{stem}.{ext}"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn lines(stem: &str, ext: &str) -> Vec<String> {
    String::from_utf8(fixture(stem, ext))
        .unwrap()
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

#[test]
fn every_location_of_an_openpyxl_workbook_is_sanitized() {
    every_location_is_sanitized("openpyxl-every-location", &["xl/theme/theme1.xml"]);
}

#[test]
fn every_location_of_the_workbook_saved_by_libreoffice_is_sanitized() {
    every_location_is_sanitized("libreoffice-every-location", &[]);
}

fn every_location_is_sanitized(stem: &str, also_untouched: &[&str]) {
    let input = fixture(stem, "xlsx");
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&input, Some(&format!("{stem}.xlsx")));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);

    let before = oracle::ooxml_haystack(&input);
    let after = oracle::ooxml_haystack(&out);
    let values = lines(stem, "values");
    assert!(values.len() >= 30);
    for v in &values {
        assert!(before.contains(v.as_str()), "premise: {v} is in the input");
        assert!(
            !after.contains(v.as_str()),
            "a value is left in the output (masked: {})",
            docsan::core::mask_every_char(v, '*', '＊')
        );
    }
    for k in lines(stem, "keep") {
        assert!(after.contains(&k), "lost a non-personal text: {k}");
    }
    let checked = s.verify(&out, Some("out.xlsx"));
    assert_eq!(checked.status, Status::Clean, "{:?}", checked.residues);

    // The parts with nothing personal are copied byte for byte.
    let members_in = oracle::zip_members(&input);
    let members_out = oracle::zip_members(&out);
    let untouched = ["xl/styles.xml", "docProps/app.xml"];
    let mut compared = 0;
    for (name, data) in &members_in {
        if untouched.contains(&name.as_str()) || also_untouched.contains(&name.as_str()) {
            compared += 1;
            let o = members_out.iter().find(|(n, _)| n == name).unwrap();
            assert!(&o.1 == data, "{name} changed");
        }
    }
    assert_eq!(compared, untouched.len() + also_untouched.len());
}

/// The openpyxl workbook with a printer settings part added (a DEVMODE record whose device
/// name and driver data hold a name and an e-mail address found elsewhere in the workbook, as
/// calamine's `richtext-namespaced.xlsx` holds its author's user name): the values are
/// overwritten in place, the record keeps its size and every other byte.
#[test]
fn values_in_printer_settings_are_overwritten_in_place() {
    use std::io::{Read, Write};
    let input = fixture("openpyxl-every-location", "xlsx");
    let mut devmode = Vec::new();
    for u in "欧阳娜娜 的打印机".encode_utf16() {
        devmode.extend_from_slice(&u.to_le_bytes());
    }
    devmode.resize(64, 0);
    devmode.extend_from_slice(&[0x01, 0x04, 0x07, 0x01, 0xdc, 0x00]);
    devmode.extend_from_slice(b"owner=zhangwei@example.com;");
    devmode.resize(256, 0);

    let mut src = zip::ZipArchive::new(std::io::Cursor::new(&input)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..src.len() {
        let f = src.by_index_raw(i).unwrap();
        w.raw_copy_file(f).unwrap();
    }
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("xl/printerSettings/printerSettings1.bin", opts)
        .unwrap();
    w.write_all(&devmode).unwrap();
    let input = w.finish().unwrap().into_inner();

    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&input, Some("printer.xlsx"));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(&out)).unwrap();
    let mut after = Vec::new();
    z.by_name("xl/printerSettings/printerSettings1.bin")
        .unwrap()
        .read_to_end(&mut after)
        .unwrap();
    assert_eq!(after.len(), devmode.len());
    let mut expect_le = Vec::new();
    for u in "****".encode_utf16().chain(" 的打印机".encode_utf16()) {
        expect_le.extend_from_slice(&u.to_le_bytes());
    }
    assert_eq!(&after[..expect_le.len()], &expect_le[..]);
    assert_eq!(&after[expect_le.len()..64], &devmode[expect_le.len()..64]);
    let tail = String::from_utf8_lossy(&after[64..]);
    assert!(tail.contains("owner=********************;"), "{tail}");
    let checked = s.verify(&out, Some("out.xlsx"));
    assert_eq!(checked.status, Status::Clean, "{:?}", checked.residues);
}
