//! Reports: the readable summary on stderr, JSON / JSON lines / SARIF on stdout, `--report`.
//!
//! Values are masked everywhere unless `--show-values` was given; the raw value is added to
//! the JSON only through [`result_json`], which is the one place that reads it.

use docsan::{FileReport, Status};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One input's result as the CLI reports it.
#[derive(Clone, Debug, Serialize)]
pub struct FileResult {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// clean, sanitized, found, failed, skipped, resumed
    pub status: String,
    pub bytes: u64,
    pub millis: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<FileReport>,
    /// Set for skipped files and CLI-level failures (I/O, existing output).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl FileResult {
    pub fn is_failed(&self) -> bool {
        self.status == "failed"
    }
    pub fn is_found(&self) -> bool {
        self.status == "found"
    }
}

/// Serializes a result, adding raw values to findings only when `show_values`.
pub fn result_json(r: &FileResult, show_values: bool) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if show_values {
        if let (Some(rep), Some(obj)) = (&r.report, v.get_mut("report")) {
            add_values(rep, obj);
        }
    }
    v
}

fn add_values(rep: &FileReport, v: &mut Value) {
    for (key, list) in [("findings", &rep.findings), ("residues", &rep.residues)] {
        if let Some(Value::Array(items)) = v.get_mut(key) {
            for (item, f) in items.iter_mut().zip(list) {
                if let Value::Object(m) = item {
                    m.insert("value".into(), Value::String(f.value.expose().to_string()));
                }
            }
        }
    }
    if let Some(Value::Array(items)) = v.get_mut("embedded") {
        for (item, e) in items.iter_mut().zip(&rep.embedded) {
            if let Some(r) = item.get_mut("report") {
                add_values(&e.report, r);
            }
        }
    }
}

/// The whole run as one JSON document.
pub fn run_json(command: &str, results: &[FileResult], show_values: bool, exit_code: i32) -> Value {
    json!({
        "docsan": env!("CARGO_PKG_VERSION"),
        "command": command,
        "exit_code": exit_code,
        "summary": summary_json(results),
        "files": results.iter().map(|r| result_json(r, show_values)).collect::<Vec<_>>(),
    })
}

fn summary_json(results: &[FileResult]) -> Value {
    let mut status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut formats: BTreeMap<String, usize> = BTreeMap::new();
    for r in results {
        *status.entry(r.status.as_str()).or_default() += 1;
        if let Some(rep) = &r.report {
            for (k, n) in &rep.counts {
                *kinds.entry(k.to_string()).or_default() += n;
            }
            if let Some(f) = rep.format {
                *formats.entry(f.to_string()).or_default() += 1;
            }
        }
    }
    json!({ "files": results.len(), "status": status, "kinds": kinds, "formats": formats })
}

/// SARIF 2.1.0: one result per finding or residue, with file and logical location.
pub fn sarif(results: &[FileResult], show_values: bool) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for r in results {
        let Some(rep) = &r.report else {
            if r.is_failed() {
                notes.push(json!({"level": "error", "message": {"text": format!("{}: {}", r.path, r.note.clone().unwrap_or_default())}}));
            }
            continue;
        };
        sarif_report(
            &r.path,
            "",
            rep,
            show_values,
            &mut rules,
            &mut out,
            &mut notes,
        );
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "docsan",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/docsan",
                "rules": rules.into_values().collect::<Vec<_>>(),
            }},
            "invocations": [{"executionSuccessful": notes.is_empty(), "toolExecutionNotifications": notes}],
            "results": out,
        }]
    })
}

fn sarif_report(
    path: &str,
    prefix: &str,
    rep: &FileReport,
    show_values: bool,
    rules: &mut BTreeMap<String, Value>,
    out: &mut Vec<Value>,
    notes: &mut Vec<Value>,
) {
    for f in rep.findings.iter().chain(&rep.residues) {
        let rule_id = format!("pii/{}", f.kind);
        rules.entry(rule_id.clone()).or_insert_with(|| {
            json!({"id": rule_id, "name": f.kind.to_string(),
                   "shortDescription": {"text": format!("Personal data: {}", f.kind)},
                   "defaultConfiguration": {"level": "error"}})
        });
        let shown = if show_values {
            f.value.expose().to_string()
        } else {
            f.masked.to_string()
        };
        let where_ = format!("{prefix}{}", f.location);
        out.push(json!({
            "ruleId": rule_id,
            "level": "error",
            "message": {"text": format!("{} ({}) found: {shown}", f.kind, f.rule)},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": uri_reference(path)}},
                "logicalLocations": [{"fullyQualifiedName": where_, "kind": "member"}],
            }],
            "properties": {"unitKind": f.unit_kind, "detector": f.rule},
        }));
    }
    if let Some(e) = &rep.error {
        notes.push(json!({"level": "error", "message": {"text": format!("{path}: {}: {}", e.kind, e.message)}}));
    }
    let omitted = rep.findings_omitted + rep.residues_omitted;
    if omitted > 0 {
        notes.push(json!({"level": "warning", "message": {"text": format!(
            "{path}: {prefix}{omitted} more result(s) not listed (--list-limit); counts cover them all"
        )}}));
    }
    for e in &rep.embedded {
        let p = format!("{prefix}{} > ", e.name);
        sarif_report(path, &p, &e.report, show_values, rules, out, notes);
    }
}

/// A path as an RFC 3986 URI reference, as SARIF requires: absolute paths become `file://`
/// URIs, and every byte outside the unreserved set (Chinese names, spaces) is percent-encoded.
pub fn uri_reference(path: &str) -> String {
    let mut out = String::new();
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A line per file plus diagnostics, for stderr.
pub fn file_summary(r: &FileResult, show_values: bool) -> String {
    let mut s = String::new();
    let _ = write!(s, "{:<9} {}", r.status, r.path);
    if let Some(o) = &r.output {
        let _ = write!(s, " -> {o}");
    }
    if let Some(rep) = &r.report {
        if let Some(f) = rep.format {
            let _ = write!(s, " [{f}]");
        }
        if !rep.counts.is_empty() {
            let counts: Vec<String> = rep
                .counts
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect();
            let _ = write!(s, " ({})", counts.join(", "));
        }
        if let Some(e) = &rep.error {
            let _ = write!(s, "\n    {}: {}", e.kind, e.message);
        }
        append_details(&mut s, rep, show_values, "    ");
    }
    if let Some(n) = &r.note {
        let _ = write!(s, "\n    {n}");
    }
    s
}

fn append_details(s: &mut String, rep: &FileReport, show_values: bool, indent: &str) {
    for f in rep.residues.iter().take(10) {
        let v = if show_values {
            f.value.expose().to_string()
        } else {
            f.masked.to_string()
        };
        let _ = write!(s, "\n{indent}residue {} {v} at {}", f.kind, f.location);
    }
    if show_values {
        for f in rep.findings.iter().take(50) {
            let _ = write!(
                s,
                "\n{indent}{} {} at {}",
                f.kind,
                f.value.expose(),
                f.location
            );
        }
    }
    for d in &rep.diagnostics {
        if d.severity != docsan::core::Severity::Info {
            let _ = write!(s, "\n{indent}{d}");
        }
    }
    for e in &rep.embedded {
        if e.report.status == Status::Failed || !e.report.counts.is_empty() {
            let _ = write!(s, "\n{indent}{} {}", e.report.status.as_str(), e.name);
            if let Some(err) = &e.report.error {
                let _ = write!(s, ": {}", err.message);
            }
            append_details(s, &e.report, show_values, &format!("{indent}  "));
        }
    }
}

/// The closing summary: files per status and format, data per kind, slowest files, failures.
pub fn run_summary(results: &[FileResult], seconds: f64) -> String {
    let mut s = String::new();
    let mut status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut formats: BTreeMap<String, usize> = BTreeMap::new();
    let mut bytes = 0u64;
    for r in results {
        *status.entry(r.status.as_str()).or_default() += 1;
        bytes += r.bytes;
        if let Some(rep) = &r.report {
            for (k, n) in &rep.counts {
                *kinds.entry(k.to_string()).or_default() += n;
            }
            if let Some(f) = rep.format {
                *formats.entry(f.to_string()).or_default() += 1;
            }
        }
    }
    fn join(m: &BTreeMap<String, usize>) -> String {
        m.iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
    let _ = writeln!(
        s,
        "\n{} file(s), {:.1} MB in {:.1} s",
        results.len(),
        bytes as f64 / 1e6,
        seconds
    );
    let st: BTreeMap<String, usize> = status.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    let _ = writeln!(s, "  status:  {}", join(&st));
    if !formats.is_empty() {
        let _ = writeln!(s, "  formats: {}", join(&formats));
    }
    if !kinds.is_empty() {
        let _ = writeln!(s, "  personal data: {}", join(&kinds));
    }
    let mut slow: Vec<&FileResult> = results.iter().filter(|r| r.millis > 0).collect();
    slow.sort_by(|a, b| b.millis.cmp(&a.millis).then(a.path.cmp(&b.path)));
    if results.len() > 5 && !slow.is_empty() {
        let _ = writeln!(
            s,
            "  slowest: {}",
            slow.iter()
                .take(3)
                .map(|r| format!("{} ({} ms)", r.path, r.millis))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let failed: Vec<&FileResult> = results.iter().filter(|r| r.is_failed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(s, "  failures:");
        for r in failed.iter().take(20) {
            let reason = r
                .report
                .as_ref()
                .and_then(|rep| {
                    rep.error
                        .as_ref()
                        .map(|e| format!("{}: {}", e.kind, e.message))
                })
                .or_else(|| r.note.clone())
                .unwrap_or_default();
            let _ = writeln!(s, "    {}: {reason}", r.path);
        }
        if failed.len() > 20 {
            let _ = writeln!(s, "    … and {} more", failed.len() - 20);
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sarif_uris_are_uri_references() {
        assert_eq!(
            uri_reference("/tmp/公示 1.pdf"),
            "file:///tmp/%E5%85%AC%E7%A4%BA%201.pdf"
        );
        assert_eq!(uri_reference("out/a.csv"), "out/a.csv");
    }
}
