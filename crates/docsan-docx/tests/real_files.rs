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
                        replacement: "*".repeat(n).into(),
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
    let mut ok = 0;
    for sub in ["dev-set", "corpus/docx"] {
        let dir = Path::new(SHARED).join(sub);
        if !dir.exists() {
            println!("skipping {}: not present", dir.display());
            continue;
        }
        for p in docx_files(&dir) {
            seen += 1;
            match roundtrip(&p) {
                Ok((u, d)) => {
                    ok += 1;
                    println!("ok    {u:6} units {d:3} diags  {}", p.display())
                }
                Err(e) => {
                    println!("error {e}  {}", p.display());
                    // Dev-set files are ordinary Word files: they must go through.
                    assert!(sub != "dev-set", "a dev-set file failed");
                }
            }
        }
    }
    println!(
        "{ok} of {seen} files opened, rewrote identically with an empty plan, and reopened masked"
    );
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
    let mut verbatim = 0;
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
            if doc.units().iter().any(|u| u.text.contains(value)) {
                verbatim += 1;
            }
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
    println!("dev-set extraction recall: {found}/{total} ({verbatim} verbatim in one unit)");
    assert_eq!(found, total, "every dev-set value must appear in some unit");
}

/// Text of an XML part with every tag removed and the common references decoded, so a value
/// split across runs reads whole.
fn stripped(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn decompressed_entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut a = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (String::from_utf8_lossy(f.name_raw()).into_owned(), v)
        })
        .collect()
}

/// With a perfect detector (the truth values), the rewrite leaves no probe anywhere: not in the
/// raw XML of any part, not in the text of a part with its tags removed. Decoys stay.
#[test]
fn dev_set_with_perfect_detection_leaves_no_residue() {
    let dir = Path::new(SHARED).join("dev-set");
    let Ok(truth) = std::fs::read_to_string(dir.join("truth.json")) else {
        println!("skipping: dev-set not present");
        return;
    };
    let truth: serde_json::Value = serde_json::from_str(&truth).unwrap();
    for p in docx_files(&dir) {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let Some(entry) = truth["files"].get(&name) else {
            continue;
        };
        let bytes = std::fs::read(&p).unwrap();
        let mut doc = DocxBackend.open(&bytes, &Limits::default()).unwrap();
        let mut needles: Vec<String> = Vec::new();
        for v in entry["pii"].as_array().unwrap() {
            needles.push(v["value"].as_str().unwrap().to_string());
            for pr in v["probes"].as_array().into_iter().flatten() {
                needles.push(pr.as_str().unwrap().to_string());
            }
        }
        // One mask per character of every occurrence, merged so edits never overlap.
        let mut plan = Plan::default();
        for u in doc.units() {
            let mut masked = vec![false; u.text.len()];
            for n in &needles {
                for (i, _) in u.text.match_indices(n.as_str()) {
                    masked[i..i + n.len()].iter_mut().for_each(|m| *m = true);
                }
            }
            for (i, c) in u.text.char_indices() {
                if masked[i] {
                    plan.edits.push(Edit {
                        unit: UnitId(u.id.0),
                        range: i..i + c.len_utf8(),
                        replacement: "*".into(),
                    });
                }
            }
        }
        let mut diags = Vec::new();
        let out = doc.rewrite(&plan, &mut diags).unwrap();
        let before = decompressed_entries(&bytes);
        let after = decompressed_entries(&out);
        let mut leaks = 0;
        for (part, data) in &after {
            let raw = String::from_utf8_lossy(data);
            let text = stripped(&raw);
            for n in &needles {
                if raw.contains(n.as_str()) || text.contains(n.as_str()) {
                    leaks += 1;
                    println!("{name}: a value is left in {part}");
                }
            }
        }
        let joined = |entries: &[(String, Vec<u8>)]| -> String {
            entries
                .iter()
                .map(|(_, d)| stripped(&String::from_utf8_lossy(d)))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let (tb, ta) = (joined(&before), joined(&after));
        let mut decoys_kept = 0;
        let decoys = entry["decoys"].as_array().unwrap();
        for d in decoys {
            let v = d["value"].as_str().unwrap();
            if tb.matches(v).count() == ta.matches(v).count() {
                decoys_kept += 1;
            }
        }
        println!(
            "{name}: {} edits, {leaks} leaks, decoys kept {decoys_kept}/{}",
            plan.edits.len(),
            decoys.len()
        );
        assert_eq!(leaks, 0);
        assert_eq!(decoys_kept, decoys.len());
    }
}
