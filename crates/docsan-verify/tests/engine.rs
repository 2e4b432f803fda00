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
