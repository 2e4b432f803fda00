//! Runs the backend over the shared dev-set and corpus: no panics, clean errors only, an empty
//! plan gives back the same bytes, every truth value is extracted (recall) and, once masked,
//! appears in no part of the output.

mod common;

use common::*;
use docsan_core::{Backend, Limits, Plan};
use docsan_xlsx::XlsxBackend;

fn truth() -> Option<serde_json::Value> {
    let dir = shared_dir()?;
    let text = std::fs::read_to_string(dir.join("dev-set/truth.json")).ok()?;
    serde_json::from_str(&text).ok()
}

/// Does a unit hold the value verbatim, or as the numeric text of a number cell?
fn found(units: &[docsan_core::TextUnit], value: &str) -> bool {
    units.iter().any(|u| {
        if u.text.contains(value) {
            return true;
        }
        match (u.text.trim().parse::<f64>(), value.parse::<f64>()) {
            (Ok(a), Ok(b)) => b != 0.0 && ((a - b) / b).abs() < 1e-14,
            _ => false,
        }
    })
}

#[test]
fn devset_recall_and_no_residue() {
    let (Some(dir), Some(truth)) = (shared_dir(), truth()) else {
        println!("shared dev-set not found; skipping");
        return;
    };
    let files = truth["files"].as_object().expect("files");
    let mut total = 0;
    let mut hit = 0;
    for (name, entry) in files {
        if !name.ends_with(".xlsx") {
            continue;
        }
        let bytes = std::fs::read(dir.join("dev-set").join(name)).expect("read");
        let doc = XlsxBackend.open(&bytes, &Limits::default()).expect("open");
        let units = doc.units();
        let mut values: Vec<String> = Vec::new();
        for p in entry["pii"].as_array().expect("pii") {
            let v = p["value"].as_str().unwrap_or_default().to_string();
            total += 1;
            if found(units, &v) {
                hit += 1;
            } else {
                println!("{name}: not extracted: {:?} ({})", p["kind"], p["where"]);
            }
            values.push(v);
        }
        // Numeric cells: mask the unit whose number equals the value.
        let mut plan = plan_values(
            units,
            &values.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        );
        for u in units {
            if let Ok(a) = u.text.trim().parse::<f64>()
                && values.iter().any(|v| {
                    v.parse::<f64>()
                        .is_ok_and(|b| b != 0.0 && ((a - b) / b).abs() < 1e-14)
                })
                && !plan.edits.iter().any(|e| e.unit == u.id)
            {
                plan.edits.push(docsan_core::Edit {
                    unit: u.id,
                    range: 0..u.text.len(),
                    replacement: mask(&u.text).into(),
                });
            }
        }
        plan.edits.sort_by_key(|e| (e.unit, e.range.start));
        let mut doc = XlsxBackend.open(&bytes, &Limits::default()).expect("open");
        let mut diags = Vec::new();
        let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
        for (part, data) in entries(&out) {
            let text = decoded_text(&data);
            for p in entry["pii"].as_array().expect("pii") {
                for probe in p["probes"].as_array().expect("probes") {
                    let probe = probe.as_str().unwrap_or_default();
                    assert!(
                        !text.contains(probe),
                        "{name}: a {} probe is left in {part}",
                        p["kind"]
                    );
                }
            }
        }
        for d in entry["decoys"].as_array().into_iter().flatten() {
            let v = d["value"].as_str().unwrap_or_default();
            let before = entries(&bytes)
                .iter()
                .any(|(_, b)| decoded_text(b).contains(v));
            let after = entries(&out)
                .iter()
                .any(|(_, b)| decoded_text(b).contains(v));
            assert_eq!(before, after, "{name}: decoy {:?} changed", d["kind"]);
        }
        // The output re-opens.
        XlsxBackend
            .open(&out, &Limits::default())
            .expect("output re-opens");
    }
    println!("dev-set xlsx recall: {hit}/{total}");
    assert_eq!(hit, total, "every truth value must be extracted");
}

#[test]
fn corpus_opens_cleanly_and_empty_plan_is_identical() {
    let Some(dir) = shared_dir() else {
        println!("shared corpus not found; skipping");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("corpus/xlsx"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.extend(
        std::fs::read_dir(dir.join("dev-set"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx")),
    );
    paths.sort();
    let (mut ok, mut err) = (0, 0);
    for p in paths {
        let bytes = std::fs::read(&p).expect("read");
        match XlsxBackend.open(&bytes, &Limits::default()) {
            Ok(mut doc) => {
                ok += 1;
                let mut d = Vec::new();
                let out = doc
                    .rewrite(&Plan::default(), &mut d)
                    .expect("empty rewrite");
                assert_eq!(out, bytes, "{}: empty plan changed bytes", p.display());
                // Masking every unit must give a package that opens again.
                let ids: Vec<_> = doc
                    .units()
                    .iter()
                    .filter(|u| {
                        !matches!(
                            u.context.kind,
                            docsan_core::UnitKind::Name | docsan_core::UnitKind::Field
                        )
                    })
                    .map(|u| u.id)
                    .collect();
                let plan = plan_units(doc.units(), &ids);
                let out = doc
                    .rewrite(&plan, &mut d)
                    .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                XlsxBackend
                    .open(&out, &Limits::default())
                    .unwrap_or_else(|e| panic!("{}: output does not re-open: {e}", p.display()));
                // Whatever calamine could read before, it reads after, with the same sheets.
                if let Ok(mut before) =
                    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone()))
                {
                    use calamine::Reader;
                    let mut after =
                        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(out.clone()))
                            .unwrap_or_else(|e| {
                                panic!("{}: calamine cannot open the output: {e}", p.display())
                            });
                    assert_eq!(before.sheet_names().len(), after.sheet_names().len());
                    for (nb, na) in before.sheet_names().into_iter().zip(after.sheet_names()) {
                        if let Ok(rb) = before.worksheet_range(&nb) {
                            let ra = after.worksheet_range(&na).unwrap_or_else(|e| {
                                panic!("{}: sheet unreadable after masking: {e}", p.display())
                            });
                            assert_eq!(rb.get_size(), ra.get_size(), "{}", p.display());
                        }
                    }
                }
                println!(
                    "{}: {} units, {} diagnostics",
                    p.display(),
                    doc.units().len(),
                    doc.diagnostics().len()
                );
            }
            Err(e) => {
                err += 1;
                println!("{}: {e}", p.display());
            }
        }
    }
    println!("corpus: {ok} opened, {err} refused");
}

/// Masks every unit of every corpus workbook (formulas and names excepted, whose syntax edits
/// are refused by design) and checks that no masked text is left in any part, read back
/// through a decoder that shares nothing with the backend.
#[test]
fn corpus_units_fully_masked_leave_no_residue() {
    let Some(dir) = shared_dir() else {
        println!("shared corpus not found; skipping");
        return;
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("corpus/xlsx"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut checked = 0usize;
    for p in paths {
        let bytes = std::fs::read(&p).expect("read");
        let Ok(mut doc) = XlsxBackend.open(&bytes, &Limits::default()) else {
            continue;
        };
        let skip = |u: &docsan_core::TextUnit| {
            matches!(
                u.context.kind,
                docsan_core::UnitKind::Name | docsan_core::UnitKind::Field
            )
        };
        let ids: Vec<_> = doc
            .units()
            .iter()
            .filter(|u| !skip(u))
            .map(|u| u.id)
            .collect();
        let kept: Vec<String> = doc
            .units()
            .iter()
            .filter(|u| skip(u))
            .map(|u| u.text.to_string())
            .collect();
        let plan = plan_units(doc.units(), &ids);
        let mut d = Vec::new();
        let out = doc
            .rewrite(&plan, &mut d)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let texts: Vec<String> = entries(&out).iter().map(|(_, b)| decoded_text(b)).collect();
        let originals: Vec<String> = entries(&bytes)
            .iter()
            .map(|(_, b)| decoded_text(b))
            .collect();
        for id in &ids {
            let t = doc.units()[id.0 as usize].text.trim();
            if t.chars().count() < 4 || t.is_ascii() || kept.iter().any(|k| k.contains(t)) {
                continue;
            }
            // Text that also sits where no unit is (a font name in the styles) is not ours.
            let in_parts: usize = originals.iter().map(|x| x.matches(t).count()).sum();
            let in_units = doc.units().iter().filter(|u| u.text.contains(t)).count();
            if in_parts > in_units {
                continue;
            }
            checked += 1;
            assert!(
                !texts.iter().any(|x| x.contains(t)),
                "{}: a masked unit ({}) is still in the output",
                p.display(),
                doc.units()[id.0 as usize].context.location
            );
        }
    }
    println!("corpus: {checked} masked texts checked for residue");
}
