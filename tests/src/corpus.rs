//! The real-world corpus run: scan, sanitize and verify each file of `../shared/corpus`, check
//! that outputs still open and keep their structure, and that a file with nothing to mask keeps
//! its content. Shared by `cargo xtask corpus` (every file) and a test (a fast subset).

use crate::oracle;
use docsan::{Options, Sanitizer, Status};
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One corpus file's outcome.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub file: String,
    pub format: String,
    /// sanitized, clean, failed, or panic.
    pub outcome: String,
    pub findings: usize,
    pub diagnostics: usize,
    pub millis: u128,
    /// Why it failed, or what check of the output did not hold.
    pub reason: String,
    /// A check of a written output failed (does not open, structure changed, content lost).
    pub output_problem: bool,
}

/// Corpus files under `dir` (pdf/, docx/, xlsx/), sorted, optionally only those up to
/// `max_bytes`.
pub fn files(dir: &Path, max_bytes: Option<u64>) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["pdf", "docx", "xlsx"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd.flatten() {
                let p = e.path();
                let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                if p.is_file() && max_bytes.is_none_or(|m| len <= m) {
                    v.push(p);
                }
            }
        }
    }
    v.sort();
    v
}

/// Runs one file through scan, sanitize and verify.
pub fn run_one(s: &Sanitizer, path: &Path) -> Row {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut row = Row {
        file: name.clone(),
        ..Row::default()
    };
    let Ok(bytes) = std::fs::read(path) else {
        row.outcome = "failed".into();
        row.reason = "cannot read".into();
        return row;
    };
    let t = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let scan = s.scan(&bytes, Some(&name));
        let (report, out) = s.sanitize(&bytes, Some(&name));
        let check = out
            .as_ref()
            .map(|o| (s.verify_against(&bytes, o, Some(&name)), o.clone()));
        (scan, report, check)
    }));
    row.millis = t.elapsed().as_millis();
    let (scan, report, check) = match result {
        Ok(r) => r,
        Err(_) => {
            row.outcome = "panic".into();
            row.reason = "docsan panicked".into();
            return row;
        }
    };
    row.format = report
        .format
        .map(|f| f.to_string())
        .unwrap_or_else(|| "?".into());
    row.findings = scan.findings.len();
    row.diagnostics = report.diagnostics.len();
    row.outcome = report.status.as_str().to_string();
    if let Some(e) = &report.error {
        row.reason = format!("{}: {}", e.kind, e.message);
    }
    if let Some((verified, out)) = check {
        if verified.status == Status::Failed || verified.status == Status::Found {
            row.output_problem = true;
            row.reason = format!(
                "output check: {}",
                verified
                    .error
                    .as_ref()
                    .map(|e| e.message.clone())
                    .unwrap_or_else(|| format!(
                        "{} finding(s) left",
                        verified.findings.len() + verified.residues.len()
                    ))
            );
        }
        if report.findings.is_empty() {
            // Nothing to mask: the content must be kept.
            let same = match report.format {
                Some(docsan::core::Format::Pdf) => {
                    match (oracle::pdftotext(&bytes), oracle::pdftotext(&out)) {
                        (Some(a), Some(b)) => oracle::squash(&a) == oracle::squash(&b),
                        _ => true,
                    }
                }
                _ => out == bytes,
            };
            if !same {
                row.output_problem = true;
                row.reason = "nothing to mask, but the content changed".into();
            }
        }
        if report.format == Some(docsan::core::Format::Pdf) && oracle::has_qpdf() {
            // Only a check the input passed and the output fails is docsan's doing.
            if let (None, Some(msg)) = (qpdf_check(&bytes), qpdf_check(&out)) {
                row.output_problem = true;
                row.reason = format!("qpdf --check: {msg}");
            }
        }
    }
    row
}

/// `qpdf --check` on bytes; `Some(message)` on errors (exit code 2).
fn qpdf_check(bytes: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("docsan-qpdf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let p = dir.join(format!("{}.pdf", bytes.len()));
    std::fs::write(&p, bytes).ok()?;
    let o = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&p)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&p);
    (o.status.code() == Some(2)).then(|| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .unwrap_or("")
            .to_string()
    })
}

/// Runs every file.
pub fn run(dir: &Path, max_bytes: Option<u64>) -> Vec<Row> {
    let s = match Sanitizer::new(Options::default()) {
        Ok(s) => s,
        Err(_) => return Vec::new(),
    };
    files(dir, max_bytes)
        .iter()
        .map(|p| run_one(&s, p))
        .collect()
}

pub fn table(rows: &[Row]) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<46} {:<5} {:<10} {:>8} {:>6} {:>7}  reason",
        "file", "fmt", "outcome", "findings", "diags", "ms"
    );
    for r in rows {
        let _ = writeln!(
            t,
            "{:<46} {:<5} {:<10} {:>8} {:>6} {:>7}  {}",
            r.file.chars().take(46).collect::<String>(),
            r.format,
            r.outcome,
            r.findings,
            r.diagnostics,
            r.millis,
            r.reason.chars().take(90).collect::<String>()
        );
    }
    let count = |o: &str| rows.iter().filter(|r| r.outcome == o).count();
    let _ = writeln!(
        t,
        "\n{} files: {} sanitized, {} clean, {} failed, {} panics; {} written outputs with a problem",
        rows.len(),
        count("sanitized"),
        count("clean"),
        count("failed"),
        count("panic"),
        rows.iter().filter(|r| r.output_problem).count()
    );
    t
}
