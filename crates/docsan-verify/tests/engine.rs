//! The verifier with the real detection engine, as `docsan verify` runs it without originals:
//! over the dev-set originals, every personal value should be reported by fresh detection alone,
//! and the decoys (amounts, wrong check digits, organisation codes) should not be. Prints a
//! table per file; fails when number recall drops below what the two crates reach together.

mod common;

use docsan_core::{Format, Limits, Policy};
use docsan_detect::Engine;
use docsan_verify::{Request, ResidueSource, verify};
use std::collections::BTreeMap;

fn format_of(name: &str) -> Option<Format> {
    let n = name.to_ascii_lowercase();
    if n.ends_with(".pdf") {
        Some(Format::Pdf)
    } else if n.ends_with(".docx") {
        Some(Format::Docx)
    } else if n.ends_with(".xlsx") {
        Some(Format::Xlsx)
    } else {
        None
    }
}

fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

#[test]
fn devset_fresh_detection_with_the_engine() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("dev-set");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    // kind -> (found, total)
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut decoys_hit = 0usize;
    let mut decoys_total = 0usize;
    for (name, entry) in truth["files"].as_object().unwrap() {
        let Some(format) = format_of(name) else {
            continue;
        };
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = verify(&Request {
            bytes: &bytes,
            format,
            originals: &[],
            allowed: &[],
            detector: &engine,
            limits: &limits,
        })
        .unwrap();
        let found: Vec<String> = report
            .residues
            .iter()
            .filter(|r| r.source == ResidueSource::Detected)
            .map(|r| squash(r.value.expose()))
            .collect();
        let (mut f_ok, mut f_all) = (0, 0);
        for p in entry["pii"].as_array().unwrap() {
            let kind = p["kind"].as_str().unwrap().to_string();
            let probes: Vec<String> = p["probes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| squash(x.as_str().unwrap()))
                .collect();
            // Found when a detection covers one of the probes.
            let hit = found
                .iter()
                .any(|v| probes.iter().any(|pr| v.contains(pr.as_str())));
            let e = per_kind.entry(kind).or_insert((0, 0));
            e.1 += 1;
            f_all += 1;
            if hit {
                e.0 += 1;
                f_ok += 1;
            } else if std::env::var_os("SHOW_MISSING").is_some() {
                println!(
                    "  missing {} {}",
                    p["kind"].as_str().unwrap(),
                    docsan_core::Sensitive::new(p["value"].as_str().unwrap()).generic_mask()
                );
            }
        }
        let mut d_hit = 0;
        let decoys = entry["decoys"].as_array().cloned().unwrap_or_default();
        for d in &decoys {
            let v = squash(d["value"].as_str().or(d.as_str()).unwrap_or(""));
            if !v.is_empty() && found.contains(&v) {
                d_hit += 1;
            }
        }
        decoys_hit += d_hit;
        decoys_total += decoys.len();
        println!(
            "{name}: {f_ok}/{f_all} values detected, {d_hit}/{} decoys flagged, {} residues, {} units",
            decoys.len(),
            report.residues.len(),
            report.units_checked
        );
    }
    for (k, (ok, all)) in &per_kind {
        println!("  {k:<10} {ok}/{all}");
    }
    println!("decoys flagged: {decoys_hit}/{decoys_total}");
    let numbers: (usize, usize) = ["id18", "mobile", "card", "email"]
        .iter()
        .filter_map(|k| per_kind.get(*k))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    assert!(
        numbers.0 * 100 >= numbers.1 * 90,
        "number recall {}/{} below 90%",
        numbers.0,
        numbers.1
    );
}

/// Masks every truth value written literally in an OOXML package's XML members (a naive
/// sanitizer: values split across runs or written as character references survive).
fn naive_mask(bytes: &[u8], values: &[String]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if let Ok(mut text) = String::from_utf8(data.clone()) {
            for v in values {
                let mask: String = v
                    .chars()
                    .map(|c| if c.is_ascii() { '*' } else { '＊' })
                    .collect();
                text = text.replace(v.as_str(), &mask);
            }
            data = text.into_bytes();
        }
        w.start_file(name, opts).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn naively_masked_packages_report_only_true_leftovers() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("dev-set");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    for (name, entry) in truth["files"].as_object().unwrap() {
        let Some(format @ (Format::Docx | Format::Xlsx)) = format_of(name) else {
            continue;
        };
        let pii = entry["pii"].as_array().unwrap();
        let mut values: Vec<String> = pii
            .iter()
            .map(|p| p["value"].as_str().unwrap().to_string())
            .collect();
        // Longest first, so that a value inside another is not half-masked.
        values.sort_by_key(|v| std::cmp::Reverse(v.chars().count()));
        let masked = naive_mask(&std::fs::read(dir.join(name)).unwrap(), &values);
        let originals: Vec<docsan_core::Sensitive> =
            values.iter().map(docsan_core::Sensitive::new).collect();
        let report = verify(&Request {
            bytes: &masked,
            format,
            originals: &originals,
            allowed: &[],
            detector: &engine,
            limits: &limits,
        })
        .unwrap();
        let truth_squashed: Vec<String> = pii
            .iter()
            .flat_map(|p| {
                let mut v = vec![squash(p["value"].as_str().unwrap())];
                v.extend(
                    p["probes"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| squash(x.as_str().unwrap())),
                );
                v
            })
            .collect();
        let mut unrelated = 0;
        for r in &report.residues {
            let v = squash(r.value.expose());
            if !truth_squashed
                .iter()
                .any(|t| t.contains(v.as_str()) || v.contains(t.as_str()))
            {
                unrelated += 1;
                println!(
                    "  unrelated {:?} {} {} at {}",
                    r.kind, r.rule, r.masked, r.location
                );
            }
        }
        let leftovers: std::collections::BTreeSet<&str> =
            report.residues.iter().map(|r| r.value.expose()).collect();
        println!(
            "{name}: naive masking left {} values found again, {} unrelated residues",
            leftovers.len(),
            unrelated
        );
        assert_eq!(unrelated, 0);
    }
}

#[test]
fn corpus_detections_with_the_engine() {
    // Prints what the engine finds in the third-party corpus through the verifier's extraction,
    // masked, so that extraction artifacts (numbers glued across cells) can be spotted.
    let Some(shared) = common::shared() else {
        return;
    };
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    let mut paths = Vec::new();
    for sub in ["pdf", "docx", "xlsx"] {
        if let Ok(rd) = std::fs::read_dir(shared.join("corpus").join(sub)) {
            paths.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
        }
    }
    paths.sort();
    let mut total = 0;
    for p in paths {
        let Some(format) = format_of(&p.to_string_lossy()) else {
            continue;
        };
        let bytes = std::fs::read(&p).unwrap();
        if let Ok(r) = verify(&Request {
            bytes: &bytes,
            format,
            originals: &[],
            allowed: &[],
            detector: &engine,
            limits: &limits,
        }) {
            for x in &r.residues {
                total += 1;
                println!(
                    "{}: {:?} {} {} at {}",
                    p.file_name().unwrap().to_string_lossy(),
                    x.kind,
                    x.rule,
                    x.masked,
                    x.location
                );
            }
        }
    }
    println!("corpus detections: {total}");
}

#[test]
fn clean_csv_header_is_not_a_name() {
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    let csv = "序号,户主姓名,身份证号,联系电话\n1,张*,340702********1234,138****5678\n";
    let r = verify(&Request {
        bytes: csv.as_bytes(),
        format: Format::Csv,
        originals: &[],
        allowed: &[],
        detector: &engine,
        limits: &limits,
    })
    .unwrap();
    assert!(r.residues.is_empty(), "{:?}", r.residues);
}

fn package(entries: &[(&str, String)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (n, b) in entries {
        w.start_file(*n, opts).unwrap();
        w.write_all(b.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn clean_masked_tables_pass_with_the_engine() {
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    let run = |bytes: &[u8], format| {
        verify(&Request {
            bytes,
            format,
            originals: &[],
            allowed: &[],
            detector: &engine,
            limits: &limits,
        })
        .unwrap()
    };
    let cells = ["序号", "户主姓名", "身份证号", "联系电话", "家庭住址"];
    let rows = [[
        "1",
        "张*",
        "340702********1234",
        "138****5678",
        "安徽省铜陵市义安区****",
    ]];
    // Word table.
    let tc = |t: &str| format!("<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let mut body = String::from("<w:tbl><w:tr>");
    body.extend(cells.iter().map(|c| tc(c)));
    body.push_str("</w:tr>");
    for r in &rows {
        body.push_str("<w:tr>");
        body.extend(r.iter().map(|c| tc(c)));
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    let doc = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let r = run(&package(&[("word/document.xml", doc)]), Format::Docx);
    assert!(r.residues.is_empty(), "{:?}", r.residues);
    // Sheet.
    let cell = |c: char, n: usize, t: &str| {
        format!(r#"<c r="{c}{n}" t="inlineStr"><is><t>{t}</t></is></c>"#)
    };
    let mut data = String::from(r#"<row r="1">"#);
    for (i, c) in cells.iter().enumerate() {
        data.push_str(&cell((b'A' + i as u8) as char, 1, c));
    }
    data.push_str("</row>");
    for (k, r) in rows.iter().enumerate() {
        data.push_str(&format!(r#"<row r="{}">"#, k + 2));
        for (i, c) in r.iter().enumerate() {
            data.push_str(&cell((b'A' + i as u8) as char, k + 2, c));
        }
        data.push_str("</row>");
    }
    let sheet = format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>"#
    );
    let r = run(
        &package(&[("xl/worksheets/sheet1.xml", sheet)]),
        Format::Xlsx,
    );
    assert!(r.residues.is_empty(), "{:?}", r.residues);
}

#[test]
fn clean_masked_pdf_table_passes_with_the_engine() {
    let engine = Engine::new(&Policy::default()).unwrap();
    let limits = Limits::default();
    let hex = |t: &str| -> String {
        t.encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .map(|b| format!("{b:02X}"))
            .collect()
    };
    let rows: [[&str; 5]; 3] = [
        ["序号", "户主姓名", "身份证号", "联系电话", "家庭住址"],
        [
            "1",
            "张*",
            "340702********1234",
            "138****5678",
            "安徽省铜陵市义安区****",
        ],
        [
            "2",
            "李**",
            "330782********0650",
            "153****8005",
            "浙江省金华市义乌市****",
        ],
    ];
    let mut content = String::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, t) in row.iter().enumerate() {
            let x = 50 + c * 110;
            let y = 700 - r * 20;
            content.push_str(&format!(
                "BT /F1 9 Tf 1 0 0 1 {x} {y} Tm <{}> Tj ET\n",
                hex(t)
            ));
        }
    }
    let mut pdf = b"%PDF-1.7\n".to_vec();
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len() + 1),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>".to_string(),
    ];
    for (i, o) in objects.iter().enumerate() {
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    pdf.extend_from_slice(b"trailer\n<< /Root 1 0 R /Size 7 >>\n%%EOF\n");
    let run = |bytes: &[u8]| {
        verify(&Request {
            bytes,
            format: Format::Pdf,
            originals: &[],
            allowed: &[],
            detector: &engine,
            limits: &limits,
        })
        .unwrap()
    };
    let r = run(&pdf);
    assert!(r.residues.is_empty(), "{:?}", r.residues);
    assert!(r.units_checked >= 3);
    // The same table unmasked is found.
    let dirty = String::from_utf8(pdf)
        .unwrap()
        .replace(&hex("340702********1234"), &hex("340702199001011234"));
    let r = run(dirty.as_bytes());
    assert!(
        r.residues
            .iter()
            .any(|x| x.kind == Some(docsan_core::PiiKind::Id18))
    );
}
