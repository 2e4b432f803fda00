//! The masked output opens in LibreOffice: converted headless to text, it shows the masks where
//! the values were and keeps the rest. Skips (with a message) when `soffice` is not installed;
//! CI installs it.

use docsan_core::{Backend, Edit, Limits, Plan};
use docsan_docx::DocxBackend;
use std::process::Command;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn soffice() -> Option<&'static str> {
    ["soffice", "libreoffice"].into_iter().find(|b| {
        Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn masked_dev_set_documents_convert_in_libreoffice() {
    let Some(bin) = soffice() else {
        println!("skipping: LibreOffice (soffice) is not installed");
        return;
    };
    let dir = std::path::Path::new(SHARED).join("dev-set");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        println!("skipping: dev-set not present");
        return;
    };
    let mut files: Vec<_> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "docx"))
        .collect();
    files.sort();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for (i, p) in files.iter().enumerate() {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(entry) = truth["files"].get(&name) else {
            continue;
        };
        let probes: Vec<String> = entry["pii"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|v| v["probes"].as_array().cloned().unwrap_or_default())
            .filter_map(|p| p.as_str().map(str::to_string))
            .collect();
        let bytes = std::fs::read(p).unwrap();
        let mut doc = DocxBackend.open(&bytes, &Limits::default()).unwrap();
        // A perfect detector: every character of every probe occurrence is masked.
        let mut plan = Plan::default();
        for u in doc.units() {
            let mut masked = vec![false; u.text.len()];
            for pr in &probes {
                for (j, _) in u.text.match_indices(pr.as_str()) {
                    masked[j..j + pr.len()].iter_mut().for_each(|m| *m = true);
                }
            }
            for (j, c) in u.text.char_indices() {
                if masked[j] {
                    plan.edits.push(Edit {
                        unit: u.id,
                        range: j..j + c.len_utf8(),
                        replacement: "*".into(),
                    });
                }
            }
        }
        let out = doc.rewrite(&plan, &mut Vec::new()).unwrap();
        let path = tmp.path().join(format!("masked{i}.docx"));
        std::fs::write(&path, out).unwrap();
        let status = Command::new(bin)
            .args(["--headless", "--convert-to", "txt:Text", "--outdir"])
            .arg(tmp.path())
            .arg(&path)
            .output()
            .unwrap();
        assert!(status.status.success(), "LibreOffice failed to convert");
        let txt = std::fs::read_to_string(tmp.path().join(format!("masked{i}.txt")))
            .expect("LibreOffice wrote the text");
        for pr in &probes {
            assert!(!txt.contains(pr.as_str()), "{name}: a value survived");
        }
        assert!(txt.contains("****"), "the masks are visible");
    }
}
