//! Extraction recall on the shared dev-set: each original file, verified with its own truth
//! values as originals, must report (nearly) every value as a residue. The corpus run checks
//! that real third-party files give clean results or clean errors, never panics.

mod common;

use docsan_core::{Format, Limits, Sensitive};
use docsan_verify::{Request, ResidueSource, verify};
use std::collections::BTreeSet;

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

/// Whether the PDF route is in place yet.
const PDF_READY: bool = true;

#[test]
fn devset_originals_are_found_in_the_originals() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("dev-set");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let files = truth["files"].as_object().unwrap();
    let mut total = 0usize;
    let mut found_total = 0usize;
    let mut det_total = 0usize;
    let mut det_found_total = 0usize;
    for (name, entry) in files {
        let Some(format) = format_of(name) else {
            continue;
        };
        if format == Format::Pdf && !PDF_READY {
            continue;
        }
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let values: Vec<String> = entry["pii"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["value"].as_str().unwrap().to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let originals: Vec<Sensitive> = values.iter().map(Sensitive::new).collect();
        let limits = Limits::default();
        let det = common::TestDetector::new();
        let t0 = std::time::Instant::now();
        let report = verify(&Request {
            bytes: &bytes,
            format,
            originals: &originals,
            allowed: &[],
            detector: &det,
            limits: &limits,
        });
        let report = match report {
            Ok(r) => r,
            Err(e) => {
                println!("{name}: error {e}; recall 0/{}", values.len());
                total += values.len();
                continue;
            }
        };
        let found: BTreeSet<&str> = report
            .residues
            .iter()
            .filter(|r| r.source == ResidueSource::Original)
            .map(|r| r.value.expose())
            .collect();
        let missing: Vec<String> = values
            .iter()
            .filter(|v| !found.contains(v.as_str()))
            .map(|v| Sensitive::new(v.as_str()).generic_mask())
            .collect();
        let detected = report
            .residues
            .iter()
            .filter(|r| r.source == ResidueSource::Detected)
            .count();
        // What the test detector can find (18-digit IDs, mobiles, e-mail) must be found by
        // fresh detection alone, as in `docsan verify` without originals.
        let detectable: BTreeSet<&str> = entry["pii"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| matches!(p["kind"].as_str(), Some("id18" | "mobile" | "email")))
            .map(|p| p["value"].as_str().unwrap())
            .filter(|v| !v.contains(' ') && !v.contains('-'))
            .collect();
        let det_found: BTreeSet<&str> = report
            .residues
            .iter()
            .filter(|r| r.source == ResidueSource::Detected)
            .map(|r| r.value.expose())
            .filter(|v| detectable.contains(v))
            .collect();
        let det_missing: Vec<String> = detectable
            .iter()
            .filter(|v| !det_found.contains(*v))
            .map(|v| Sensitive::new(*v).generic_mask())
            .collect();
        println!(
            "{name}: detection recall {}/{}; missing {det_missing:?}",
            det_found.len(),
            detectable.len()
        );
        det_total += detectable.len();
        det_found_total += det_found.len();
        let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
        println!(
            "{name}: recall {}/{} units {} parts {} detected {} diags {:?} in {:?}; missing {:?}",
            found.len(),
            values.len(),
            report.units_checked,
            report.parts_checked,
            detected,
            codes,
            t0.elapsed(),
            missing
        );
        total += values.len();
        found_total += found.len();
    }
    println!("overall recall {found_total}/{total}");
    println!("overall detection recall {det_found_total}/{det_total}");
    assert!(
        det_found_total * 100 >= det_total * 90,
        "detection recall {det_found_total}/{det_total} below 90%"
    );
    assert!(
        found_total * 100 >= total * 95,
        "recall {found_total}/{total} below 95%"
    );
}

#[test]
fn corpus_gives_reports_or_clean_errors() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("corpus");
    let mut names: Vec<std::path::PathBuf> = Vec::new();
    for sub in ["pdf", "docx", "xlsx"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            names.extend(rd.filter_map(|e| e.ok()).map(|e| e.path()));
        }
    }
    names.sort();
    let (mut ok, mut err) = (0, 0);
    for path in names {
        let Some(format) = format_of(&path.to_string_lossy()) else {
            continue;
        };
        let bytes = std::fs::read(&path).unwrap();
        let limits = Limits::default();
        let det = common::TestDetector::new();
        let t0 = std::time::Instant::now();
        let r = verify(&Request {
            bytes: &bytes,
            format,
            originals: &[],
            allowed: &[],
            detector: &det,
            limits: &limits,
        });
        match r {
            Ok(rep) => {
                ok += 1;
                println!(
                    "{}: ok units {} parts {} detected {} diags {} in {:?}",
                    path.display(),
                    rep.units_checked,
                    rep.parts_checked,
                    rep.residues.len(),
                    rep.diagnostics.len(),
                    t0.elapsed()
                );
            }
            Err(e) => {
                err += 1;
                println!("{}: error {e} in {:?}", path.display(), t0.elapsed());
            }
        }
    }
    println!("corpus: {ok} ok, {err} errors");
    assert!(ok > 0);
}

#[test]
fn damaged_devset_files_never_panic() {
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("dev-set");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .collect();
    names.sort();
    let limits = Limits::default();
    let det = common::TestDetector::new();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut runs = 0;
    for path in names {
        let Some(format) = format_of(&path.to_string_lossy()) else {
            continue;
        };
        let original = std::fs::read(&path).unwrap();
        for round in 0..12 {
            let mut bytes = original.clone();
            // Deterministic damage: flip bytes, cut the tail, or both.
            for _ in 0..(1 + round * 4) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let i = (seed >> 17) as usize % bytes.len();
                bytes[i] ^= (seed >> 7) as u8 | 1;
            }
            if round % 3 == 2 {
                bytes.truncate(bytes.len() * (round + 1) / 13);
            }
            let _ = verify(&Request {
                bytes: &bytes,
                format,
                originals: &[Sensitive::new("13812345678")],
                allowed: &[],
                detector: &det,
                limits: &limits,
            });
            runs += 1;
        }
    }
    println!("{runs} damaged files verified without panic");
}

#[test]
fn values_of_another_file_are_not_found() {
    // False-positive check of the originals search: each file is verified with the values of
    // the next file in the set (other people, other numbers). Only values that really occur in
    // the file's text may be reported.
    let Some(shared) = common::shared() else {
        return;
    };
    let dir = shared.join("dev-set");
    let truth: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("truth.json")).unwrap()).unwrap();
    let files: Vec<(&String, &serde_json::Value)> =
        truth["files"].as_object().unwrap().iter().collect();
    let limits = Limits::default();
    let det = common::TestDetector::new();
    let mut false_hits = 0usize;
    let mut checked = 0usize;
    for (k, (name, _)) in files.iter().enumerate() {
        let Some(format) = format_of(name) else {
            continue;
        };
        let other = files[(k + 3) % files.len()].1;
        let mine: BTreeSet<String> = files[k].1["pii"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["value"].as_str().unwrap().to_string())
            .collect();
        let values: Vec<Sensitive> = other["pii"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["value"].as_str().unwrap())
            .filter(|v| !mine.contains(*v))
            .map(Sensitive::new)
            .collect();
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let report = verify(&Request {
            bytes: &bytes,
            format,
            originals: &values,
            allowed: &[],
            detector: &det,
            limits: &limits,
        })
        .unwrap();
        let hits: BTreeSet<String> = report
            .residues
            .iter()
            .filter(|r| r.source == ResidueSource::Original)
            .map(|r| r.value.generic_mask())
            .collect();
        println!(
            "{name}: {} foreign values, {} reported {hits:?}",
            values.len(),
            hits.len()
        );
        false_hits += hits.len();
        checked += values.len();
    }
    println!("foreign values reported: {false_hits}/{checked}");
    assert!(false_hits * 50 <= checked, "{false_hits}/{checked}");
}
