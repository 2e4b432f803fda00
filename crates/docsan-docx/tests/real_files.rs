//! Runs the backend over the shared dev-set and corpus: every file opens (or fails with a clean
//! error), an empty plan gives the input bytes back, masking every unit keeps the package
//! readable, and every personal value of the dev-set truth appears in some unit (extraction
//! recall). The material lives outside the repository; the tests skip when it is absent.

use docsan_core::{Backend, Edit, Limits, Plan, UnitId};
use docsan_docx::DocxBackend;
use std::path::{Path, PathBuf};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn docx_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| p.extension().is_some_and(|e| e == "docx"));
    v.sort();
    v
}

/// Masks every character of every unit that is not whitespace with `*`.
fn mask_all(units: &[docsan_core::TextUnit]) -> Plan {
    let mut plan = Plan::default();
    for u in units {
        let mut start = None;
        for (i, c) in u.text.char_indices().chain([(u.text.len(), ' ')]) {
            match (c.is_whitespace(), start) {
                (false, None) => start = Some(i),
                (true, Some(s)) => {
                    let n = u.text[s..i].chars().count();
                    plan.edits.push(Edit {
                        unit: UnitId(u.id.0),
                        range: s..i,
                        replacement: "*".repeat(n),
                    });
                    start = None;
                }
                _ => {}
            }
        }
    }
    plan
}

fn roundtrip(path: &Path) -> Result<(usize, usize), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let limits = Limits::default();
    let mut doc = DocxBackend
        .open(&bytes, &limits)
        .map_err(|e| e.to_string())?;
    let n_units = doc.units().len();
    let mut diags = Vec::new();
    let same = doc
        .rewrite(&Plan::default(), &mut diags)
        .map_err(|e| e.to_string())?;
    assert_eq!(
        same,
        bytes,
        "{}: empty plan must give the input back",
        path.display()
    );
    let plan = mask_all(doc.units());
    let out = doc.rewrite(&plan, &mut diags).map_err(|e| e.to_string())?;
    let again = DocxBackend
        .open(&out, &limits)
        .map_err(|e| format!("masked output does not reopen: {e}"))?;
    assert_eq!(
        again.units().len(),
        n_units,
        "{}: masking changed the unit count",
        path.display()
    );
    for (a, b) in doc.units().iter().zip(again.units()) {
        assert_eq!(a.text.chars().count(), b.text.chars().count());
        assert!(
            b.text.chars().all(|c| c == '*' || c.is_whitespace()),
            "{}: unit {} not fully masked",
            path.display(),
            a.id.0
        );
    }
    Ok((n_units, doc.diagnostics().len()))
}

#[test]
fn corpus_and_dev_set_open_rewrite_and_reopen() {
    let mut seen = 0;
    for sub in ["dev-set", "corpus/docx"] {
        let dir = Path::new(SHARED).join(sub);
        if !dir.exists() {
            println!("skipping {}: not present", dir.display());
            continue;
        }
        for p in docx_files(&dir) {
            seen += 1;
            match roundtrip(&p) {
                Ok((u, d)) => println!("ok    {u:6} units {d:3} diags  {}", p.display()),
                Err(e) => println!("error {e}  {}", p.display()),
            }
        }
    }
    println!("{seen} files");
}

#[test]
fn dev_set_values_are_all_extracted() {
    let dir = Path::new(SHARED).join("dev-set");
    let Ok(truth) = std::fs::read_to_string(dir.join("truth.json")) else {
        println!("skipping: dev-set not present");
        return;
    };
    let truth: serde_json::Value = serde_json::from_str(&truth).unwrap();
    let mut total = 0;
    let mut found = 0;
    for p in docx_files(&dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(entry) = truth["files"].get(&name) else {
            continue;
        };
        let bytes = std::fs::read(&p).unwrap();
        let doc = DocxBackend.open(&bytes, &Limits::default()).unwrap();
        for v in entry["pii"].as_array().unwrap() {
            let value = v["value"].as_str().unwrap();
            let probes: Vec<&str> = v["probes"]
                .as_array()
                .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default();
            total += 1;
            let hit = doc.units().iter().any(|u| u.text.contains(value))
                || (!probes.is_empty()
                    && probes
                        .iter()
                        .all(|pr| doc.units().iter().any(|u| u.text.contains(pr))));
            if hit {
                found += 1;
            } else {
                println!("missing in {name}: where {}", v["where"]);
            }
        }
    }
    println!("dev-set extraction recall: {found}/{total}");
    assert_eq!(found, total, "every dev-set value must appear in some unit");
}
