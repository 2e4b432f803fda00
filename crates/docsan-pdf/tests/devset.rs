//! The dev-set PDFs: every personal value of `truth.json` must be findable in the units, and a
//! plan that masks every occurrence must leave none of them anywhere in the output while the
//! anchor lines stay where they were.

use docsan_core::{Backend, Edit, Limits, Plan, VisualMask};
use docsan_pdf::PdfBackend;
use std::path::PathBuf;

fn shared() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

struct Case {
    name: String,
    bytes: Vec<u8>,
    probes: Vec<(String, String)>,
    anchors: Vec<String>,
}

fn cases() -> Option<Vec<Case>> {
    let dir = shared().join("dev-set");
    let truth = std::fs::read_to_string(dir.join("truth.json")).ok()?;
    let truth: serde_json::Value = serde_json::from_str(&truth).ok()?;
    let files = truth.get("files")?.as_object()?;
    let mut out = Vec::new();
    for (name, v) in files {
        if !name.ends_with(".pdf") {
            continue;
        }
        let bytes = std::fs::read(dir.join(name)).ok()?;
        let mut probes = Vec::new();
        for p in v["pii"].as_array()? {
            let kind = p["kind"].as_str().unwrap_or("").to_string();
            for pr in p["probes"].as_array()? {
                probes.push((kind.clone(), pr.as_str()?.to_string()));
            }
        }
        let anchors = v["anchors"]
            .as_array()?
            .iter()
            .filter_map(|a| a.as_str().map(String::from))
            .collect();
        out.push(Case {
            name: name.clone(),
            bytes,
            probes,
            anchors,
        });
    }
    Some(out)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_truth_value_is_in_the_units() {
    let Some(cases) = cases() else {
        println!("dev-set not found; skipping");
        return;
    };
    let mut total_missing = 0;
    for c in &cases {
        let doc = PdfBackend.open(&c.bytes, &Limits::default()).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let joined: String = doc.units().iter().map(|u| squash(&u.text)).collect::<Vec<_>>().join("\n");
        let mut missing = Vec::new();
        for (kind, p) in &c.probes {
            if !joined.contains(&squash(p)) {
                missing.push(kind.clone());
            }
        }
        println!(
            "{}: {} units, {} diagnostics, {} of {} probes missing {:?}",
            c.name,
            doc.units().len(),
            doc.diagnostics().len(),
            missing.len(),
            c.probes.len(),
            missing
        );
        for d in doc.diagnostics() {
            println!("   {d}");
        }
        total_missing += missing.len();
    }
    assert_eq!(total_missing, 0, "values not extracted");
}
