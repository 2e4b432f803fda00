//! What the pipeline tells its caller about one file.
//!
//! Reports are made to be printed and serialized: they hold masked values only. The raw value
//! of each finding stays in a [`Sensitive`] that serialization skips, so the CLI can add it
//! under `--show-values` and nothing else can leak it by accident.

use docsan_core::{
    CompactString, Diagnostic, Error, ErrorKind, Format, Location, PiiKind, Sensitive, UnitKind,
};
use serde::Serialize;
use std::collections::BTreeMap;

/// The outcome of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Checked, nothing personal found (scan/verify), or sanitized with nothing to mask.
    Clean,
    /// Personal data was masked and the output verified.
    Sanitized,
    /// Personal data found (scan, verify).
    Found,
    /// Could not be processed, sanitized or verified; no output was written.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Clean => "clean",
            Status::Sanitized => "sanitized",
            Status::Found => "found",
            Status::Failed => "failed",
        }
    }
}

/// One finding or residue, with its value masked.
#[derive(Clone, Debug, Serialize)]
pub struct FindingReport {
    pub kind: PiiKind,
    pub rule: CompactString,
    pub confidence: f32,
    pub unit_kind: UnitKind,
    pub location: Location,
    /// The value as masked by the default policy (`340702********1234`).
    pub masked: CompactString,
    /// The raw value, for `--show-values` only.
    #[serde(skip)]
    pub value: Sensitive,
}

/// Why a file failed.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorReport {
    pub kind: String,
    pub message: String,
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        ErrorReport {
            kind: e.kind.as_str().to_string(),
            message: e.message.clone(),
        }
    }
}

/// An embedded document's own report (attachment, embedded workbook, zip member).
#[derive(Clone, Debug, Serialize)]
pub struct EmbeddedReport {
    pub name: String,
    pub report: FileReport,
}

/// Everything about one file.
#[derive(Clone, Debug, Serialize)]
pub struct FileReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
    /// Findings per kind (in the input for scan/sanitize, in the file for verify).
    pub counts: BTreeMap<PiiKind, usize>,
    pub findings: Vec<FindingReport>,
    /// Findings counted in `counts` but not listed, beyond [`crate::Options::list_limit`].
    #[serde(skip_serializing_if = "is_zero")]
    pub findings_omitted: usize,
    /// Personal data found in a sanitized output: any residue fails the file.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub residues: Vec<FindingReport>,
    /// Residues beyond the list limit: counted, not listed.
    #[serde(skip_serializing_if = "is_zero")]
    pub residues_omitted: usize,
    /// The kinds of the findings left out of `findings`, so that `counts` stays complete.
    #[serde(skip)]
    omitted_kinds: BTreeMap<PiiKind, usize>,
    pub diagnostics: Vec<Diagnostic>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub embedded: Vec<EmbeddedReport>,
}

impl FileReport {
    /// A report for a file that failed before anything was found.
    pub fn failed(format: Option<Format>, error: &Error) -> FileReport {
        FileReport {
            format,
            status: Status::Failed,
            error: Some(error.into()),
            counts: BTreeMap::new(),
            findings: Vec::new(),
            findings_omitted: 0,
            residues: Vec::new(),
            residues_omitted: 0,
            omitted_kinds: BTreeMap::new(),
            diagnostics: Vec::new(),
            embedded: Vec::new(),
        }
    }

    pub(crate) fn new(format: Format) -> FileReport {
        FileReport {
            format: Some(format),
            status: Status::Clean,
            error: None,
            counts: BTreeMap::new(),
            findings: Vec::new(),
            findings_omitted: 0,
            residues: Vec::new(),
            residues_omitted: 0,
            omitted_kinds: BTreeMap::new(),
            diagnostics: Vec::new(),
            embedded: Vec::new(),
        }
    }

    /// Marks the report failed with `error`, keeping what was found so far.
    pub fn fail(&mut self, error: Error) {
        self.status = Status::Failed;
        self.error = Some((&error).into());
    }

    /// The error kind, when failed.
    pub fn error_kind(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.kind.as_str())
    }

    pub(crate) fn count_findings(&mut self) {
        self.counts.clear();
        for f in &self.findings {
            *self.counts.entry(f.kind).or_default() += 1;
        }
        for (k, n) in &self.omitted_kinds {
            *self.counts.entry(*k).or_default() += n;
        }
        for e in &self.embedded {
            for (k, n) in &e.report.counts {
                *self.counts.entry(*k).or_default() += n;
            }
        }
    }

    /// Lists reports of the first `limit` of `findings` (all when `None`) and counts the rest
    /// by kind, without building their entries: `report` makes the entry of one finding.
    pub(crate) fn set_findings<F>(
        &mut self,
        findings: &[F],
        limit: Option<usize>,
        kind: impl Fn(&F) -> PiiKind,
        report: impl Fn(&F) -> FindingReport,
    ) {
        let n = limit.map_or(findings.len(), |l| l.min(findings.len()));
        self.findings = findings[..n].iter().map(report).collect();
        for f in &findings[n..] {
            *self.omitted_kinds.entry(kind(f)).or_default() += 1;
        }
        self.findings_omitted += findings.len() - n;
    }

    /// Sets entries built already, those of the first `listed.len()` of `findings`, and
    /// counts the rest by kind.
    pub(crate) fn set_listed_findings<'f, F: 'f>(
        &mut self,
        listed: Vec<FindingReport>,
        findings: impl Iterator<Item = &'f F>,
        total: usize,
        kind: impl Fn(&F) -> PiiKind,
    ) {
        let n = listed.len().min(total);
        self.findings = listed;
        self.findings.truncate(n);
        for f in findings.skip(n) {
            *self.omitted_kinds.entry(kind(f)).or_default() += 1;
        }
        self.findings_omitted += total - n;
    }

    /// Keeps the first `limit` findings and residues (in document order), counting the rest:
    /// a 100k-row sheet has hundreds of thousands of findings, and a list of them all would
    /// cost more memory than the sheet. `counts` stays complete (see [`Self::count_findings`]).
    pub(crate) fn limit_lists(&mut self, limit: Option<usize>) {
        let Some(limit) = limit else { return };
        if self.findings.len() > limit {
            for f in &self.findings[limit..] {
                *self.omitted_kinds.entry(f.kind).or_default() += 1;
            }
            self.findings_omitted += self.findings.len() - limit;
            self.findings.truncate(limit);
            self.findings.shrink_to_fit();
        }
        if self.residues.len() > limit {
            self.residues_omitted += self.residues.len() - limit;
            self.residues.truncate(limit);
            self.residues.shrink_to_fit();
        }
    }

    /// Warnings (content that could not be checked) in this file and its embedded files.
    pub fn warning_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == docsan_core::Severity::Warning)
            .count()
            + self
                .embedded
                .iter()
                .map(|e| e.report.warning_count())
                .sum::<usize>()
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// `ErrorKind` for a strict-mode failure.
pub(crate) fn strict_error(warnings: usize) -> Error {
    Error::new(
        ErrorKind::Refused,
        format!("--strict: {warnings} warning(s) about content that could not be checked"),
    )
}
