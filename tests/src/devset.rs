//! Scoring docsan on `../shared/dev-set`: for each file, sanitize it, then look for every
//! `pii` probe in the output with the third-party oracles (a leak), and for every decoy that the
//! original showed (a false alarm if it is gone). Used by a test and by `cargo xtask devset`.

use crate::oracle;
use docsan::{Options, Sanitizer};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The score of one file.
#[derive(Clone, Debug, Default)]
pub struct FileScore {
    pub file: String,
    pub status: String,
    pub error: Option<String>,
    pub pii_total: usize,
    /// Kinds of values whose probe is still in a written output.
    pub leaked: Vec<String>,
    pub decoys_total: usize,
    /// Kinds of decoys the original showed and the output lost.
    pub decoys_lost: Vec<String>,
    /// Per kind: (removed, total).
    pub kinds: BTreeMap<String, (usize, usize)>,
    pub written: bool,
}

/// What a reader can get out of a file: text (for decoys) and everything (for leaks).
fn haystacks(name: &str, bytes: &[u8]) -> (String, String) {
    let lower = name.to_lowercase();
    if lower.ends_with(".pdf") {
        let text = oracle::pdftotext(bytes).unwrap_or_default();
        let mut all = text.clone();
        all.push_str(&String::from_utf8_lossy(bytes));
        if let Some(u) = oracle::qpdf_uncompressed(bytes) {
            all.push_str(&String::from_utf8_lossy(&u));
        }
        (oracle::squash(&text), oracle::squash(&all))
    } else if lower.ends_with(".docx") || lower.ends_with(".xlsx") {
        let all = oracle::ooxml_haystack(bytes);
        let mut text = String::new();
        for (_, data) in oracle::zip_members(bytes) {
            text.push_str(&oracle::xml_text(&String::from_utf8_lossy(&data)));
        }
        (oracle::squash(&text), oracle::squash(&all))
    } else {
        let s = String::from_utf8_lossy(bytes).into_owned();
        (oracle::squash(&s), oracle::squash(&s))
    }
}

/// Scores every file of the dev-set in `dir` (which holds `truth.json`).
pub fn score(dir: &Path) -> Vec<FileScore> {
    let truth: Value = match std::fs::read_to_string(dir.join("truth.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
    {
        Some(v) => v,
        None => return Vec::new(),
    };
    let sanitizer = match Sanitizer::new(Options::default()) {
        Ok(s) => s,
        Err(_) => return Vec::new(),
    };
    let Some(files) = truth["files"].as_object() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, entry) in files {
        let Ok(bytes) = std::fs::read(dir.join(name)) else {
            continue;
        };
        let mut s = FileScore {
            file: name.clone(),
            ..FileScore::default()
        };
        let (report, output) = sanitizer.sanitize(&bytes, Some(name));
        s.status = report.status.as_str().to_string();
        s.error = report
            .error
            .as_ref()
            .map(|e| format!("{}: {}", e.kind, e.message));
        s.written = output.is_some();
        let (orig_text, _) = haystacks(name, &bytes);
        let (out_text, out_all) = match &output {
            Some(o) => haystacks(name, o),
            None => (String::new(), String::new()),
        };
        for p in entry["pii"].as_array().into_iter().flatten() {
            let kind = p["kind"].as_str().unwrap_or("?").to_string();
            s.pii_total += 1;
            let e = s.kinds.entry(kind.clone()).or_default();
            e.1 += 1;
            if output.is_none() {
                continue;
            }
            let leaked = p["probes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .any(|probe| {
                    let q = oracle::squash(probe);
                    !q.is_empty() && out_all.contains(&q)
                });
            if leaked {
                s.leaked.push(kind);
            } else {
                e.0 += 1;
            }
        }
        for d in entry["decoys"].as_array().into_iter().flatten() {
            let v = oracle::squash(d["value"].as_str().unwrap_or(""));
            if v.is_empty() || !orig_text.contains(&v) {
                continue;
            }
            s.decoys_total += 1;
            if output.is_some() && !out_text.contains(&v) {
                s.decoys_lost
                    .push(d["kind"].as_str().unwrap_or("?").to_string());
            }
        }
        out.push(s);
    }
    out
}

/// A table for people.
pub fn table(scores: &[FileScore]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<48} {:<10} {:>9} {:>7} {:>10}",
        "file", "status", "removed", "leaked", "decoys ok"
    );
    let mut kinds: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (mut dt, mut dl) = (0, 0);
    for s in scores {
        let removed: usize = s.kinds.values().map(|k| k.0).sum();
        let _ = writeln!(
            t,
            "{:<48} {:<10} {:>4}/{:<4} {:>7} {:>4}/{:<4}{}",
            s.file,
            s.status,
            removed,
            s.pii_total,
            s.leaked.len(),
            s.decoys_total - s.decoys_lost.len(),
            s.decoys_total,
            s.error
                .as_ref()
                .map(|e| format!("  ({e})"))
                .unwrap_or_default()
        );
        for (k, (a, b)) in &s.kinds {
            let e = kinds.entry(k.clone()).or_default();
            e.0 += a;
            e.1 += b;
        }
        dt += s.decoys_total;
        dl += s.decoys_lost.len();
    }
    let _ = writeln!(t, "\nper kind (removed from written outputs / total):");
    for (k, (a, b)) in &kinds {
        let _ = writeln!(
            t,
            "  {k:<10} {a:>5}/{b:<5} {:>6.1}%",
            100.0 * *a as f64 / (*b).max(1) as f64
        );
    }
    let _ = writeln!(t, "decoys kept: {}/{} ({} lost)", dt - dl, dt, dl);
    t
}
