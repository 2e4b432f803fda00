//! A roster exported to PDF by LibreOffice with columns too narrow for their values: every ID,
//! phone number, address and bank card wraps over two or three lines inside its cell, and the
//! cells stand closer together than a word space. The backend must put each cell back
//! together, so that every value is found and masked glyph by glyph, and nothing personal is
//! left that a reader could put back together column by column.
//!
//! Fixtures (`tests/fixtures/pdf/`): `wrapped-roster.fodt`, converted with
//! `soffice --headless --convert-to pdf`, gives `wrapped-roster.pdf` (a table without padding
//! or borders, headers left-aligned, then a paragraph); `wrapped-roster-table-only.pdf` is the
//! same without the paragraph; `wrapped-roster-bordered.fodt` gives
//! `wrapped-roster-bordered.pdf` (cell padding, borders, centred headers, so the columns'
//! text does not start under their headers). `wrapped-roster.values` lists every personal
//! value (fake data). `wrapped-numbers.fodt` gives `wrapped-numbers.pdf`: IDs, phones and
//! cards only, every column wrapped. `wrapped-every-column.fodt` gives
//! `wrapped-every-column.pdf`: IDs, phones, cards and addresses, every column wrapping on
//! every line. `wrapped-variants.py` wrote the `.fodt` variants.

use docsan::core::Sensitive;
use docsan::{Options, Sanitizer, Status};
use std::io::Write;
use std::process::{Command, Stdio};

fn fixture(name: &str) -> Vec<u8> {
    let path = docsan_tests::repo_root()
        .join("tests/fixtures/pdf")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The personal values of the fixtures. `14360645580` is left out: 143 is a data-only prefix,
/// not a mobile number the engine looks for, wrapped or not.
fn values() -> Vec<String> {
    values_in("wrapped-roster.values")
}

fn values_in(file: &str) -> Vec<String> {
    String::from_utf8(fixture(file))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && *l != "14360645580")
        .map(str::to_string)
        .collect()
}

/// `pdftotext -bbox` words: (x, y, text), or `None` without poppler.
fn words(pdf: &[u8]) -> Option<Vec<(f32, f32, String)>> {
    if !docsan_tests::oracle::has_pdftotext() {
        return None;
    }
    let mut child = Command::new("pdftotext")
        .args(["-q", "-bbox", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let data = pdf.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().ok()?;
    let _ = writer.join();
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |line: &str, name: &str| -> Option<f32> {
        let at = line.find(&format!("{name}=\""))? + name.len() + 2;
        line[at..].split('"').next()?.parse().ok()
    };
    let mut words = Vec::new();
    for line in html
        .lines()
        .filter(|l| l.trim_start().starts_with("<word "))
    {
        let (Some(x), Some(y)) = (attr(line, "xMin"), attr(line, "yMin")) else {
            continue;
        };
        let text = line
            .split_once('>')
            .and_then(|(_, rest)| rest.rsplit_once("</word>"))
            .map(|(t, _)| t.replace("&amp;", "&"))
            .unwrap_or_default();
        words.push((x, y, text));
    }
    Some(words)
}

/// The text of each column of the table, read top to bottom as one string: a value wrapped
/// inside its cell reads whole there, whatever a layout analysis makes of it. Columns start
/// where the original's first row's words start (headers may be centred): `starts`, or this
/// file's own when it is the original.
fn columns(pdf: &[u8], starts: Option<&[f32]>) -> Option<(Vec<f32>, Vec<String>)> {
    let words = words(pdf)?;
    let header = words
        .iter()
        .find(|w| w.2 == "身份证号")
        .expect("header word");
    let top = header.1 + 5.0;
    let mut below: Vec<&(f32, f32, String)> = words.iter().filter(|w| w.1 > top).collect();
    below.sort_by(|a, b| a.1.total_cmp(&b.1));
    // Words of one line (digits and CJK text sit a point or two apart) in left-to-right order.
    let mut lines: Vec<Vec<&(f32, f32, String)>> = Vec::new();
    for w in below {
        match lines.last_mut() {
            Some(l) if (w.1 - l[0].1).abs() < 4.0 => l.push(w),
            _ => lines.push(vec![w]),
        }
    }
    for l in &mut lines {
        l.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let starts: Vec<f32> = match starts {
        Some(s) => s.to_vec(),
        None => lines.first()?.iter().map(|w| w.0).collect(),
    };
    let mut cols = vec![String::new(); starts.len()];
    for l in lines {
        for w in l {
            let col = starts.iter().rposition(|&s| w.0 >= s - 1.0).unwrap_or(0);
            cols[col].push_str(&w.2);
        }
    }
    Some((starts, cols))
}

/// Sanitizes fixture `name`, which holds `present` of the values, of every kind in `kinds`;
/// `numbered`: its first column holds row numbers (kept).
fn check(name: &str, kinds: &[&str], present: usize, numbered: bool, wrapped_min: usize) {
    check_with(name, values(), kinds, present, numbered, wrapped_min)
}

/// `wrapped_min`: masked numbers the verifier must read joined from the lines of their cells
/// (35 in the roster: its IDs, cards and mobile numbers, each wrapped; the padded table wraps
/// the ID, phone and card of each of its two rows).
fn check_with(
    name: &str,
    values: Vec<String>,
    kinds: &[&str],
    present: usize,
    numbered: bool,
    wrapped_min: usize,
) {
    let bytes = fixture(name);
    let s = Sanitizer::new(Options::default()).unwrap();

    let (report, out) = s.sanitize(&bytes, Some(name));
    let out = out.unwrap_or_else(|| panic!("{name}: not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized, "{name}");
    for kind in kinds {
        assert!(
            report.findings.iter().any(|f| f.kind.to_string() == *kind),
            "{name}: no {kind} found"
        );
    }

    // The independent verifier, given every original value, finds none of them.
    let originals: Vec<Sensitive> = values.iter().map(|v| Sensitive::new(v.as_str())).collect();
    let gate = s.verify_with(&out, Some(name), &originals);
    assert_eq!(
        gate.status,
        Status::Clean,
        "{name}: residues {:?}",
        gate.residues.iter().map(|r| &r.rule).collect::<Vec<_>>()
    );

    // The verifier called directly: the output is clean, and not for want of reading the
    // wrapped cells: it joined the pieces of the masked numbers (`340702********7572` read
    // from its two or three lines) and found nothing in the joins.
    let engine = docsan_detect::Engine::new(&docsan::core::Policy::default()).unwrap();
    let limits = docsan::core::Limits::default();
    let req = docsan_verify::Request {
        bytes: &out,
        format: docsan::core::Format::Pdf,
        originals: &originals,
        allowed: &[],
        detector: &engine,
        limits: &limits,
    };
    let direct = docsan_verify::verify(&req).expect("the output opens");
    assert!(direct.is_clean(), "{name}: verifier residues");
    let joined = docsan_verify::extract_units(&req)
        .unwrap()
        .into_iter()
        .filter(|u| {
            u.context
                .location
                .detail
                .as_deref()
                .is_some_and(|d| d.contains("lines of a column joined"))
                && u.text.contains('*')
        })
        .count();
    assert!(
        joined >= wrapped_min,
        "{name}: {joined} masked numbers joined"
    );

    // pdftotext as an oracle: each column of the original reads every value of its cells
    // whole; the sanitized one none.
    let Some((starts, before)) = columns(&bytes, None) else {
        eprintln!("skipping the pdftotext check: poppler-utils is not installed");
        return;
    };
    let before_cols = before;
    let before = before_cols.concat();
    let values: Vec<String> = values
        .into_iter()
        .filter(|v| before.contains(v.as_str()))
        .collect();
    assert_eq!(values.len(), present, "{name}: values the oracle reads");
    let (_, after) = columns(&out, Some(&starts)).expect("pdftotext reads the output");
    let after_all = after.concat();
    let left: Vec<&String> = values
        .iter()
        .filter(|v| after_all.contains(v.as_str()))
        .collect();
    assert!(
        left.is_empty(),
        "{name}: values left in the output: {left:?}"
    );
    // Neither does any line of the plain text.
    let text = docsan_tests::oracle::pdftotext(&out).expect("pdftotext");
    let squashed = docsan_tests::oracle::squash(&text);
    for v in &values {
        assert!(
            !squashed.contains(v.as_str()),
            "{name}: {v} left in the text"
        );
    }
    // What is not personal stays: the title, the headers, the row numbers, the public line.
    let original = docsan_tests::oracle::squash(&docsan_tests::oracle::pdftotext(&bytes).unwrap());
    for keep in [
        "2021年第三季度临时救助发放名单公示",
        "序号",
        "姓名",
        "身份证号",
        "联系电话",
        "家庭住址",
        "银行卡号",
    ]
    .into_iter()
    .filter(|k| original.contains(k))
    {
        assert!(squashed.contains(keep), "{name}: {keep} is gone: {text}");
    }
    // The first column (row numbers, and the paragraph under the table) is unchanged.
    if numbered {
        assert_eq!(after[0], before_cols[0], "{name}: row numbers kept");
    }
    if name == "wrapped-roster.pdf" {
        assert!(
            squashed.contains("公示期：2021年10月1日至10月7日。监督电话：0562-2812345。"),
            "{name}: the paragraph under the table is kept: {text}"
        );
    }
}

const ALL: [&str; 5] = ["id18", "mobile", "card", "name", "address"];

/// The values of `padded-docx-table.values` that its PDF shows (comments, properties and the
/// mail address are not exported).
const PADDED_PRESENT: usize = 12;

/// The values of `wrapped-roster.values` that `wrapped-every-column.pdf` shows: its IDs,
/// phones, cards and addresses.
const PRESENT_EVERY_COLUMN: usize = 47;

#[test]
fn a_roster_whose_cells_all_wrap_is_sanitized_cell_by_cell() {
    check("wrapped-roster.pdf", &ALL, 59, true, 35);
}

#[test]
fn the_same_table_without_a_paragraph_under_it() {
    check("wrapped-roster-table-only.pdf", &ALL, 59, true, 35);
}

#[test]
fn a_bordered_roster_with_centred_headers() {
    check("wrapped-roster-bordered.pdf", &ALL, 59, true, 35);
}

/// A table made by a word processor (python-docx, exported by LibreOffice): cell padding sets
/// the rows two and a quarter lines apart, more than the gap the layout takes for the next
/// line of a table, and the phone numbers wrap with one digit on the second line, which the
/// padding between columns makes look as if it would have fitted above. Fixture and generator:
/// `padded-docx-table.{docx,pdf,py,values}`.
#[test]
fn a_padded_word_processor_table() {
    check_with(
        "padded-docx-table.pdf",
        values_in("padded-docx-table.values"),
        &ALL,
        PADDED_PRESENT,
        false,
        6,
    );
}

/// Only long numbers, every one wrapped, the first column too: every line fills every column,
/// so a continuation is told from a new row by its short rest of a number that did not fit.
#[test]
fn a_table_of_numbers_that_all_wrap() {
    check(
        "wrapped-numbers.pdf",
        &["id18", "mobile", "card"],
        35,
        false,
        35,
    );
}

/// Every column wraps on every line, the first one too, and no line starts with a short rest
/// of a number (`wrapped-every-column.pdf`, `v2` of `wrapped-variants.py`): every line of a row
/// but its last fills every column, so its lines look like rows until the last one ends short;
/// then the lines above it that filled their columns to the brim are put back into its row.
/// Every ID, phone, card and address is masked and none is left (the file used to fail closed
/// on its phone numbers).
#[test]
fn a_table_whose_every_column_wraps_is_sanitized() {
    check(
        "wrapped-every-column.pdf",
        &["id18", "mobile", "card", "address"],
        PRESENT_EVERY_COLUMN,
        false,
        35,
    );
}
