//! Numbers wrapped inside narrow PDF table cells, read by the verifier on its own.
//!
//! The fixtures are LibreOffice exports (`tests/fixtures/pdf/`, made from the `.fodt` files
//! beside them by `wrapped-variants.py` and `soffice --headless --convert-to pdf`) of a
//! roster whose ID, phone and card columns are too narrow: every such number is drawn in two
//! or three pieces on consecutive lines of its cell (`34070219` / `72122775` / `72`). Read line
//! by line, no piece is anything. The verifier must put the pieces back together, so that a
//! value the sanitizer missed would still be reported: given the originals it finds each of
//! them in a join, and with no originals at all its detection reads the IDs and mobile numbers
//! whole.

use docsan_core::{Format, Limits, PiiKind, Policy, Sensitive};
use docsan_detect::Engine;
use docsan_verify::{Report, Request, ResidueSource, verify};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/pdf")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The numbers of the roster (IDs, phones, cards), every one wrapped in the fixtures below.
fn numbers() -> Vec<String> {
    String::from_utf8(fixture("wrapped-roster.values"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit() || b == b'X'))
        .map(str::to_string)
        .collect()
}

/// Fixtures showing every number of the roster, each wrapped over two or three lines: a
/// table without padding or borders, the same with cell padding, borders and centred headers,
/// a table of numbers only, and one in which every column wraps on every line.
const FIXTURES: [&str; 4] = [
    "wrapped-roster.pdf",
    "wrapped-roster-bordered.pdf",
    "wrapped-numbers.pdf",
    "wrapped-every-column.pdf",
];

fn run(bytes: &[u8], originals: &[String]) -> Report {
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    let originals: Vec<Sensitive> = originals
        .iter()
        .map(|v| Sensitive::new(v.as_str()))
        .collect();
    verify(&Request {
        bytes,
        format: Format::Pdf,
        originals: &originals,
        allowed: &[],
        detector: &engine,
        limits: &limits,
    })
    .expect("the fixture opens")
}

#[test]
fn every_number_wrapped_in_a_cell_of_an_unsanitized_table_is_a_residue() {
    let numbers = numbers();
    assert_eq!(numbers.len(), 36, "12 IDs, phones and cards");
    for name in FIXTURES {
        let report = run(&fixture(name), &numbers);
        for v in &numbers {
            assert!(
                report
                    .residues
                    .iter()
                    .any(|r| r.source == ResidueSource::Original
                        && r.rule == "pdf.wrapped.original"
                        && r.value.expose() == v
                        && r.location.page == Some(1)),
                "{name}: {} not found joined",
                Sensitive::new(v.as_str()).generic_mask()
            );
        }
    }
}

/// Without any original value (as `docsan verify` runs on a file to be released), detection
/// reads every wrapped ID and mobile number whole. (Cards need their column header or a valid
/// Luhn digit, which these fake ones lack; `14360645580` is no mobile range.)
#[test]
fn detection_reads_wrapped_ids_and_mobile_numbers_whole() {
    let numbers = numbers();
    for name in FIXTURES {
        let report = run(&fixture(name), &[]);
        let found = |v: &str, kind: PiiKind| {
            report.residues.iter().any(|r| {
                r.source == ResidueSource::Detected
                    && r.kind == Some(kind)
                    && r.rule.starts_with("pdf.wrapped.")
                    && r.value.expose() == v
            })
        };
        let mut ids = 0;
        let mut mobiles = 0;
        for v in &numbers {
            if v.len() == 18 {
                assert!(found(v, PiiKind::Id18), "{name}: an ID not detected joined");
                ids += 1;
            } else if v.len() == 11 && v != "14360645580" {
                assert!(
                    found(v, PiiKind::Mobile),
                    "{name}: a mobile not detected joined"
                );
                mobiles += 1;
            }
        }
        assert_eq!((ids, mobiles), (12, 11), "{name}");
    }
}

/// The joins are read besides the lines, not instead of them: the text a line shows whole is
/// still reported where it is, as before.
#[test]
fn a_value_on_one_line_is_still_reported_on_that_line() {
    let report = run(
        &fixture("wrapped-roster.pdf"),
        &["0562-2812345".to_string()],
    );
    assert!(
        report
            .residues
            .iter()
            .any(|r| r.rule == "original.text" && r.value.expose() == "0562-2812345")
    );
    assert!(
        !report
            .residues
            .iter()
            .any(|r| r.rule.starts_with("pdf.wrapped") && r.value.expose() == "0562-2812345")
    );
}

/// A sheet exported by LibreOffice Calc (`calc-overflowing-cells.pdf`) draws each row's number
/// and name as one string (`1张伟`). Without originals, detection reads the name only when the
/// row is read again with its number set apart, after the table's header line.
#[test]
fn names_glued_to_their_row_numbers_are_detected() {
    let report = run(&fixture("calc-overflowing-cells.pdf"), &[]);
    for name in ["张伟", "李秀英", "王建国"] {
        assert!(
            report
                .residues
                .iter()
                .any(|r| r.source == ResidueSource::Detected
                    && r.kind == Some(PiiKind::Name)
                    && r.rule.starts_with("pdf.row-number.")
                    && r.value.expose() == name
                    && r.location.page == Some(1)),
            "a name of page 1 not detected"
        );
    }
}
