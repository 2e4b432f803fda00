//! docsan as a library: one document through sniff → extract → detect → plan → rewrite →
//! verify, returning a [`FileReport`] and, for `sanitize`, the new bytes.
//!
//! ```text
//! bytes ─sniff─▶ Backend::open ─▶ units ─▶ Engine::detect_all ─▶ findings ─▶ plan_edits
//!   ─▶ Document::rewrite ─▶ bytes' ─▶ reopen: no original value left ┐
//!                                 └─▶ docsan_verify::verify (detects again) ┴─▶ clean? output : failed
//! ```
//!
//! Invariants:
//! - **Fail closed**: [`Sanitizer::sanitize`] returns bytes only when the rewrite succeeded, the
//!   output re-opened with no original value left, and the independent verifier found no
//!   residue (and, under `strict`, no warning). Otherwise the report says failed and there are no bytes.
//! - Embedded documents (attachments, embedded workbooks, zip members) go through the same
//!   pipeline recursively, bounded by `Limits::max_depth`.
//! - No I/O, and no threads of its own: parallel work runs on the caller's rayon pool and is
//!   joined in order, so outputs do not depend on it (detection's per-unit pass in chunks; a
//!   large sheet's detection windows, each detected while the backend makes the next; the
//!   search for values found again, in slices; the two checks of an output side by side,
//!   except for CSV and text; the verifier's byte search beside its text reading). The clock
//!   is read only for the time budget, whose deadline goes with the work to the thread that
//!   runs it. Before a large output is checked, the allocator is asked to return its free
//!   memory to the system (`docsan_malloc::trim`).

#![forbid(unsafe_code)]

mod archive;
mod plan;
mod propagate;
mod report;
mod sniff;
mod stream;

pub use docsan_core as core;
pub use plan::{mask_all, plan_edits};
pub use report::{EmbeddedReport, ErrorReport, FileReport, FindingReport, Status};
pub use sniff::sniff;

use docsan_core::{
    Backend, Detector, Diagnostic, EmbeddedAction, Error, Finding, Format, Limits, Plan, Policy,
    Result, Sensitive, Severity, TextUnit,
};
use std::collections::{BTreeMap, BTreeSet};

/// Options for one run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub policy: Policy,
    pub limits: Limits,
    /// Warnings (content that cannot be checked) fail the file.
    pub strict: bool,
    /// Wall-clock budget per document for `sanitize`, checked between the pipeline's stages
    /// (open, detect, rewrite, re-open, verify) and inside their long loops (XML events,
    /// content-stream operators, decompression, detection); a document over budget fails with
    /// a limit error. `None` means no budget. This is the facade's only use of a clock, and it never
    /// affects output bytes.
    pub time_budget: Option<std::time::Duration>,
    /// How many findings (and residues) a report lists per file; the rest are counted in
    /// `counts` and `findings_omitted` only. `None` lists all. Values searched by
    /// [`Sanitizer::verify_against`] and the de-duplication in [`Sanitizer::verify`] always
    /// use every finding, whatever the limit.
    pub list_limit: Option<usize>,
    /// XLSX and CSV inputs of at least this many bytes are detected a window of units at a
    /// time, never holding all units with their contexts (see `stream.rs`). `None` means
    /// [`STREAM_FROM`]; `Some(0)` streams every such input, `Some(u64::MAX)` none.
    pub stream_from: Option<u64>,
}

/// Inputs from this size on are detected a window at a time (see [`Options::stream_from`]).
pub const STREAM_FROM: u64 = 1 << 20;

/// Outputs from this size on have the allocator's free memory returned to the system before
/// they are checked (see [`Sanitizer::sanitize`]); for smaller ones it is not worth the call.
const TRIM_FROM: u64 = 1 << 20;

/// Fails with a limit error once this thread's deadline (see [`Sanitizer::budget_scope`]) has
/// passed: the check between the pipeline's stages.
fn check_time(stage: &str) -> Result<()> {
    if docsan_core::deadline_passed() {
        Err(Error::limit(format!(
            "time budget per file exceeded (during {stage})"
        )))
    } else {
        Ok(())
    }
}

/// The pipeline. Build once, use from many threads.
#[derive(Debug)]
pub struct Sanitizer {
    options: Options,
    engine: docsan_detect::Engine,
}

/// Returns the backend for a format, or `None` for formats handled by the facade itself.
pub fn backend_for(format: Format) -> Option<Box<dyn Backend>> {
    match format {
        Format::Text => Some(Box::new(docsan_text::TextBackend)),
        Format::Csv => Some(Box::new(docsan_text::CsvBackend::default())),
        Format::Docx => Some(Box::new(docsan_docx::DocxBackend)),
        Format::Xlsx => Some(Box::new(docsan_xlsx::XlsxBackend)),
        Format::Pdf => Some(Box::new(docsan_pdf::PdfBackend)),
        Format::Zip => None,
    }
}

/// What detection found in one document, before reporting: the findings in the vectors they
/// were made in (one per detection window of a large sheet, then one of the values found
/// again elsewhere). Joining them would hold them twice for a moment: 80 MB on a 100k-row CSV.
struct Detected {
    chunks: Vec<Vec<Finding>>,
    min_confidence: f32,
}

impl Detected {
    fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.chunks.iter().flatten()
    }

    fn len(&self) -> usize {
        self.chunks.iter().map(Vec::len).sum()
    }

    /// The findings as one slice of references, for the calls that index them.
    fn refs(&self) -> Vec<&Finding> {
        let mut v = Vec::with_capacity(self.len());
        v.extend(self.findings());
        v
    }

    /// The edits of the findings to mask, planned a vector of findings at a time, each let go
    /// once planned (planning them all at once held every finding and every edit: 35 MB more
    /// on a 100k-row CSV). A unit's findings are all in one vector (a detection window keeps
    /// only its own units'), and the values found again elsewhere overlap no other finding,
    /// so the edits are those of planning them all at once.
    fn into_edits(
        self,
        policy: &Policy,
        replace: &(dyn Fn(&Finding) -> docsan_core::CompactString + Sync),
    ) -> Vec<docsan_core::Edit> {
        use rayon::prelude::*;
        let min = self.min_confidence;
        // Each chunk is planned on its own (as one after the other would), on the pool: the
        // replacements of a sheet's 300,000 findings took 60 ms on one thread. Each chunk's
        // findings go as soon as its edits are made; the parts are joined in order.
        let parts: Vec<Vec<docsan_core::Edit>> = self
            .chunks
            .into_par_iter()
            .map(|chunk| {
                plan_edits(
                    chunk.iter().filter(|f| f.confidence >= min),
                    policy,
                    replace,
                )
            })
            .collect();
        // Sized once, not grown by doubling (a 100k-row sheet's 300,000 edits were copied at
        // each step and left up to a third of their room unused).
        let mut edits = Vec::with_capacity(parts.iter().map(Vec::len).sum());
        for mut part in parts {
            edits.append(&mut part);
        }
        let key = |e: &docsan_core::Edit| (e.unit, e.range.start);
        if !edits.is_sorted_by_key(key) {
            edits.sort_unstable_by_key(key);
        }
        edits
    }

    /// Findings to mask (confidence at or above the policy minimum). An iterator, not a copy:
    /// a 100k-row sheet has hundreds of thousands.
    fn masked(&self) -> impl Iterator<Item = &Finding> {
        self.findings()
            .filter(|f| f.confidence >= self.min_confidence)
    }
}

impl Sanitizer {
    /// Compiles the detectors of the policy.
    pub fn new(options: Options) -> Result<Sanitizer> {
        let engine = docsan_detect::Engine::new(&options.policy)?;
        Ok(Sanitizer { options, engine })
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The detection engine, for callers that scan raw text.
    pub fn engine(&self) -> &docsan_detect::Engine {
        &self.engine
    }

    fn detect(&self, units: &[TextUnit]) -> Detected {
        let policy = &self.options.policy;
        let findings: Vec<Finding> = self
            .engine
            .detect_all(units)
            .into_iter()
            .filter(|f| !policy.is_allowed(f.value.expose()))
            .collect();
        self.propagated(
            vec![findings],
            units.iter().map(|u| (u.id, u.text.as_str())),
        )
    }

    /// Adds the findings of values found again elsewhere (see `propagate.rs`) to the
    /// detected ones.
    fn propagated<'u>(
        &self,
        mut chunks: Vec<Vec<Finding>>,
        units: impl Iterator<Item = (docsan_core::UnitId, &'u str)>,
    ) -> Detected {
        let min_confidence = self.options.policy.min_confidence;
        let refs: Vec<&Finding> = chunks.iter().flatten().collect();
        let more = propagate::elsewhere_in(units, &refs, min_confidence);
        drop(refs);
        if !more.is_empty() {
            chunks.push(more);
        }
        Detected {
            chunks,
            min_confidence,
        }
    }

    /// Whether an input of `len` bytes in `format` is detected a window at a time.
    fn streams(&self, format: Format, len: usize) -> bool {
        matches!(format, Format::Xlsx | Format::Csv)
            && len as u64 >= self.options.stream_from.unwrap_or(STREAM_FROM)
    }

    /// Opens a document and detects in it: all its units at once, or, for a large sheet, a
    /// window at a time as the backend makes them (then the document keeps no contexts).
    /// Sets the report's findings.
    fn open_and_detect(
        &self,
        backend: &dyn Backend,
        format: Format,
        bytes: &[u8],
        report: &mut FileReport,
        full: bool,
    ) -> Result<(Box<dyn docsan_core::Document>, Detected)> {
        let limits = &self.options.limits;
        if !self.streams(format, bytes.len()) {
            let doc = backend.open(bytes, limits)?;
            check_time("parsing")?;
            let detected = self.detect(doc.units());
            check_time("detection")?;
            self.set_findings(report, doc.units(), &detected.refs(), full);
            return Ok((doc, detected));
        }
        let list_limit = if full { None } else { self.options.list_limit };
        let mut windows = stream::Windows::new(self, list_limit);
        let doc = rayon::in_place_scope(|s| {
            backend.open_streaming(bytes, limits, &mut |u| windows.push(u, s))
        })?;
        let (chunks, mut listed) = windows.finish();
        check_time("parsing and detection")?;
        let found: usize = chunks.iter().map(Vec::len).sum();
        let detected = self.propagated(
            chunks,
            (0..doc.unit_count() as u32)
                .filter_map(|i| doc.unit_text(i).map(|t| (docsan_core::UnitId(i), t))),
        );
        check_time("detection")?;
        // Entries for the values found again elsewhere that the report lists: their units'
        // contexts are read in one more pass.
        let limit = list_limit.unwrap_or(usize::MAX);
        let total = detected.len();
        if listed.len() == found && listed.len() < limit && total > found {
            let more: Vec<&Finding> = detected
                .findings()
                .skip(found)
                .take(limit - found)
                .collect();
            let mut wanted: Vec<u32> = more.iter().map(|f| f.unit.0).collect();
            wanted.sort_unstable();
            wanted.dedup();
            let mut contexts: Vec<TextUnit> = Vec::with_capacity(wanted.len());
            backend.for_each_unit(bytes, limits, &mut |u| {
                if wanted.binary_search(&u.id.0).is_ok() {
                    contexts.push(TextUnit::new(u.id, "", u.context.clone()));
                }
            })?;
            for f in more {
                let unit = contexts
                    .binary_search_by_key(&f.unit.0, |u| u.id.0)
                    .ok()
                    .map(|i| &contexts[i]);
                listed.push(finding_report(unit, f));
            }
        }
        report.set_listed_findings(listed, detected.findings(), total, |f| f.kind);
        Ok((doc, detected))
    }

    /// Sets the report's findings: entries for the first [`Options::list_limit`] (all when
    /// `full`), counts for the rest, whose entries are never built.
    fn set_findings(
        &self,
        report: &mut FileReport,
        units: &[TextUnit],
        findings: &[&Finding],
        full: bool,
    ) {
        let limit = if full { None } else { self.options.list_limit };
        report.set_findings(
            findings,
            limit,
            |f| f.kind,
            |f| finding_report(units.get(f.unit.0 as usize), f),
        );
    }

    /// Lists findings without writing anything.
    pub fn scan(&self, bytes: &[u8], name: Option<&str>) -> FileReport {
        self.within_budget(|| self.scan_at(bytes, name, 0, false))
    }

    /// Starts the per-file time budget on this thread, until the guard is dropped. Long loops
    /// inside the stages (decompression, XML events, content operators, detection) check it,
    /// so one slow stage cannot run past the budget.
    fn budget_scope(&self) -> docsan_core::DeadlineGuard {
        docsan_core::deadline_scope(
            self.options
                .time_budget
                .map(|b| std::time::Instant::now() + b),
        )
    }

    /// Runs `work` under the per-file time budget: its long loops stop once the budget is
    /// spent, and the report then fails (never a partial result).
    fn within_budget(&self, work: impl FnOnce() -> FileReport) -> FileReport {
        let _deadline = self.budget_scope();
        let mut report = work();
        if let Err(e) = docsan_core::check_deadline("the check") {
            report.fail(e);
        }
        report
    }

    /// Scans one document. `full` keeps every finding in the report whatever the list limit
    /// (for callers that need all the values).
    pub(crate) fn scan_at(
        &self,
        bytes: &[u8],
        name: Option<&str>,
        depth: u32,
        full: bool,
    ) -> FileReport {
        let format = match sniff(bytes, name) {
            Ok(f) => f,
            Err(e) => return FileReport::failed(None, &e),
        };
        if format == Format::Zip {
            return archive::scan_zip(self, bytes, depth, full);
        }
        let mut report = FileReport::new(format);
        let Some(backend) = backend_for(format) else {
            return FileReport::failed(Some(format), &Error::unsupported(format.as_str()));
        };
        // A large sheet is detected a window at a time here too (`verify` of an unsanitized
        // 100k-row sheet held every unit and every finding with its report entry).
        let doc = match self.open_and_detect(&*backend, format, bytes, &mut report, full) {
            Ok((doc, detected)) => {
                drop(detected);
                doc
            }
            Err(e) => return FileReport::failed(Some(format), &e),
        };
        report.diagnostics = doc.diagnostics().to_vec();
        for part in doc.embedded() {
            let sub = if depth + 1 > self.options.limits.max_depth {
                FileReport::failed(None, &Error::limit("embedded documents nested too deeply"))
            } else {
                self.scan_at(&part.bytes, Some(&part.name), depth + 1, full)
            };
            report.embedded.push(EmbeddedReport {
                name: part.name,
                report: sub,
            });
        }
        report.count_findings();
        self.finish_found(&mut report);
        report
    }

    /// Sets Found/Clean/Failed for scan and verify.
    pub(crate) fn finish_found(&self, report: &mut FileReport) {
        if report.status == Status::Failed {
            return;
        }
        let embedded_failed = report
            .embedded
            .iter()
            .any(|e| e.report.status == Status::Failed);
        let embedded_found = report
            .embedded
            .iter()
            .any(|e| e.report.status == Status::Found);
        report.status =
            if !report.findings.is_empty() || !report.residues.is_empty() || embedded_found {
                Status::Found
            } else {
                Status::Clean
            };
        if let Some(e) = error_diagnostic(report) {
            report.fail(e);
        } else if embedded_failed {
            report.fail(Error::refused("an embedded document could not be checked"));
        } else if self.options.strict && report.warning_count() > 0 {
            report.fail(report::strict_error(report.warning_count()));
        }
    }

    /// Sanitizes one document. Returns the report and, only when the output was verified
    /// clean, the new bytes.
    pub fn sanitize(&self, bytes: &[u8], name: Option<&str>) -> (FileReport, Option<Vec<u8>>) {
        self.sanitize_at(bytes, name, 0)
    }

    pub(crate) fn sanitize_at(
        &self,
        bytes: &[u8],
        name: Option<&str>,
        depth: u32,
    ) -> (FileReport, Option<Vec<u8>>) {
        let format = match sniff(bytes, name) {
            Ok(f) => f,
            Err(e) => return (FileReport::failed(None, &e), None),
        };
        if format == Format::Zip {
            return archive::sanitize_zip(self, bytes, depth);
        }
        let mut report = FileReport::new(format);
        let result = self.sanitize_document(format, bytes, depth, &mut report);
        self.finish_sanitized(report, result)
    }

    /// Sets the status of a sanitized file and keeps the output only when nothing fails it:
    /// no error, no error diagnostic, and under `strict` no warning.
    pub(crate) fn finish_sanitized(
        &self,
        mut report: FileReport,
        result: Result<Vec<u8>>,
    ) -> (FileReport, Option<Vec<u8>>) {
        report.limit_lists(self.options.list_limit);
        report.count_findings();
        let failure = match result {
            Err(e) => Err(e),
            Ok(out) => match error_diagnostic(&report) {
                Some(e) => Err(e),
                None if self.options.strict && report.warning_count() > 0 => {
                    Err(report::strict_error(report.warning_count()))
                }
                None => Ok(out),
            },
        };
        match failure {
            Ok(out) => {
                report.status = if report.counts.is_empty() {
                    Status::Clean
                } else {
                    Status::Sanitized
                };
                (report, Some(out))
            }
            Err(e) => {
                report.fail(e);
                (report, None)
            }
        }
    }

    fn sanitize_document(
        &self,
        format: Format,
        bytes: &[u8],
        depth: u32,
        report: &mut FileReport,
    ) -> Result<Vec<u8>> {
        let limits = &self.options.limits;
        let _deadline = self.budget_scope();
        let backend = backend_for(format).ok_or_else(|| Error::unsupported(format.as_str()))?;
        let (mut doc, detected) = self.open_and_detect(&*backend, format, bytes, report, false)?;
        report.diagnostics = doc.diagnostics().to_vec();
        let policy = &self.options.policy;
        let replace = |f: &Finding| self.engine.replacement(f);
        // Sorted vectors, not sets: a 100k-row sheet has 300,000 of each. Sized before they
        // are filled and trimmed after: a sheet's hundreds of thousands of values must not be
        // copied at every doubling. The findings go as soon as the edits are planned, before
        // the replacements are collected.
        let mut originals: Vec<Sensitive> = Vec::with_capacity(detected.masked().count());
        originals.extend(detected.masked().map(|f| f.value.clone()));
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut originals[..]);
        originals.dedup();
        originals.shrink_to_fit();
        // The reports, the edits and the value sets hold all that is needed of the findings,
        // and the rewrite needs no unit context.
        let edits = detected.into_edits(policy, &replace);
        doc.release_context();

        let mut plan = Plan {
            edits,
            embedded: Vec::new(),
            visual_mask: policy.pdf_mask,
        };
        for part in doc.embedded() {
            let (sub, out) = if depth + 1 > limits.max_depth {
                (
                    FileReport::failed(None, &Error::limit("embedded documents nested too deeply")),
                    None,
                )
            } else {
                self.sanitize_at(&part.bytes, Some(&part.name), depth + 1)
            };
            match out {
                Some(b) => plan.embedded.push((part.id, EmbeddedAction::Replace(b))),
                None => {
                    report.diagnostics.push(Diagnostic::warning(
                        "embedded-removed",
                        format!(
                            "embedded document {} could not be sanitized and was removed",
                            part.name
                        ),
                    ));
                    plan.embedded.push((part.id, EmbeddedAction::Remove));
                }
            }
            report.embedded.push(EmbeddedReport {
                name: part.name,
                report: sub,
            });
        }

        let mut diags = Vec::new();
        let out = doc.rewrite(&plan, &mut diags)?;
        check_time("rewriting")?;
        report.diagnostics.extend(diags);
        // Only the values and their replacements are needed from here on: free the document
        // and the plan before the checks re-read the output. (The replacements are collected
        // here, not before the rewrite, which then had them besides its own memory.)
        drop(doc);
        let mut allowed: Vec<docsan_core::CompactString> = Vec::with_capacity(plan.edits.len());
        allowed.extend(plan.edits.iter().map(|e| e.replacement.clone()));
        drop(plan);
        // In parallel: a sheet has 300,000 of them, and nothing else runs meanwhile.
        rayon::slice::ParallelSliceMut::par_sort_unstable(&mut allowed[..]);
        allowed.dedup();
        allowed.shrink_to_fit();
        // The OOXML backends note each printer settings part they pass over: without one, the
        // package is not opened again.
        let has_printer_settings = report
            .diagnostics
            .iter()
            .any(|d| d.code == "printer-settings");
        let out = if has_printer_settings && !originals.is_empty() {
            scrub_printer_settings(out, &originals, limits)?
        } else {
            out
        };

        // Before the checks, the memory the document and plan held goes back to the system:
        // the checks run on two threads, whose allocations come from different arenas, and
        // without it a large sheet's peak rose by 6 MB (malloc's free lists of the first
        // arena are of no use to the second).
        let side_by_side = !matches!(format, Format::Csv | Format::Text);
        if side_by_side && out.len() as u64 >= TRIM_FROM {
            docsan_malloc::trim();
        }

        // Check 1: the output re-opens with the backend, and its own extraction holds none of
        // the original values. (Detection is not run again here: the verifier below runs it on
        // its own extraction, which is the independent check.) The units are read one at a
        // time: a large sheet is not held as units a second time.
        // The search is built on the thread that runs the re-open, beside the verifier building
        // its own, and is let go when the re-open ends.
        let mut residues = Vec::new();
        let mut reopen = || {
            let search = OriginalsSearch::new(&originals, &allowed);
            if search.is_empty() {
                backend.open(&out, limits).map(drop)
            } else {
                backend.for_each_text(&out, limits, &mut |u| search.in_unit(u, &mut residues))
            }
        };
        // Check 2: the independent verifier, which shares no decoding code with the backends.
        let verify = || {
            docsan_verify::verify(&docsan_verify::Request {
                bytes: &out,
                format,
                originals: &originals,
                allowed: &allowed,
                detector: &self.engine,
                limits,
            })
        };
        // The two checks run side by side (the time budget carried to the thread that runs
        // either), except for CSV and plain text, whose re-open holds every unit with its
        // context: side by side, a 100k-row CSV went over its memory target. Measured on the
        // bench: the 100k-row sheet 2.05 -> 1.76 s at 113 MB (target 118), the 200-page PDF
        // 1.16 -> 0.94 s, the 300-page DOCX 0.53 -> 0.44 s, without more memory.
        let (opened, vr) = if !side_by_side {
            // One after the other, the search for originals goes (with the re-open) before
            // the verifier builds its own.
            let opened = reopen();
            (opened, verify())
        } else {
            rayon::join(
                docsan_core::carry_deadline(reopen),
                docsan_core::carry_deadline(verify),
            )
        };
        opened
            .map_err(|e| Error::residue(format!("the sanitized output does not re-open: {e}")))?;
        report.residues = residues;
        check_time("the re-open check")?;
        let vr = vr?;
        for r in vr.residues {
            report.residues.push(residue_report(r));
        }
        merge_diagnostics(&mut report.diagnostics, vr.diagnostics);
        check_time("verification")?;
        if !report.residues.is_empty() {
            let first = &report.residues[0];
            return Err(Error::residue(format!(
                "{} value(s) still present after masking, first: {} at {}",
                report.residues.len(),
                first.kind,
                first.location
            )));
        }
        Ok(out)
    }

    /// Checks a file about to be released: full detection through the backend, plus the
    /// independent verifier. Status `Found` when anything personal is present.
    pub fn verify(&self, bytes: &[u8], name: Option<&str>) -> FileReport {
        self.verify_with(bytes, name, &[])
    }

    /// Like [`Sanitizer::verify`], also searching for the given original values.
    pub fn verify_with(
        &self,
        bytes: &[u8],
        name: Option<&str>,
        originals: &[Sensitive],
    ) -> FileReport {
        self.within_budget(|| self.verify_at(bytes, name, originals, 0))
    }

    pub(crate) fn verify_at(
        &self,
        bytes: &[u8],
        name: Option<&str>,
        originals: &[Sensitive],
        depth: u32,
    ) -> FileReport {
        let format = match sniff(bytes, name) {
            Ok(f) => f,
            Err(e) => return FileReport::failed(None, &e),
        };
        if format == Format::Zip {
            return archive::verify_zip(self, bytes, depth);
        }
        // Every finding, whatever the list limit: the verifier's residues are de-duplicated
        // against all of them. The lists are cut at the end.
        let mut report = self.scan_at(bytes, name, depth, true);
        if report.status == Status::Failed && report.error.is_some() && report.findings.is_empty() {
            // The backend could not open it: the independent verifier may still see inside.
            report.diagnostics.push(Diagnostic::warning(
                "backend-failed",
                format!(
                    "the {format} backend could not open the file; only the independent check ran"
                ),
            ));
        }
        match docsan_verify::verify(&docsan_verify::Request {
            bytes,
            format,
            originals,
            allowed: &[],
            detector: &self.engine,
            limits: &self.options.limits,
        }) {
            Ok(vr) => {
                // A set, not a scan per residue: an unsanitized 100k-row sheet has hundreds of
                // thousands of both.
                let found: std::collections::HashSet<&str> =
                    report.findings.iter().map(|f| f.value.expose()).collect();
                let fresh: Vec<_> = vr
                    .residues
                    .into_iter()
                    .filter(|r| !found.contains(r.value.expose()))
                    .collect();
                for r in fresh {
                    report.residues.push(residue_report(r));
                }
                merge_diagnostics(&mut report.diagnostics, vr.diagnostics);
            }
            Err(e) => report.fail(e),
        }
        for r in &report.residues {
            *report.counts.entry(r.kind).or_default() += 1;
        }
        if report.status != Status::Failed {
            self.finish_found(&mut report);
        }
        report.limit_lists(self.options.list_limit);
        report
    }

    /// `verify --against`: every value found in `original` must be gone from `sanitized`, and
    /// the sanitized twin must keep the original's structure (pages, sheets, parts).
    pub fn verify_against(
        &self,
        original: &[u8],
        sanitized: &[u8],
        name: Option<&str>,
    ) -> FileReport {
        // Every value of the original, whatever the list limit.
        let orig = self.within_budget(|| self.scan_at(original, name, 0, true));
        let values: Vec<Sensitive> = collect_values(&orig);
        let mut report = self.verify_with(sanitized, name, &values);
        // A scan that stopped (time budget, a limit) may have found only some of the values:
        // checking the twin against those would pass what it cannot vouch for.
        if let Some(e) = orig.error.as_ref().filter(|e| e.kind == "limit") {
            report.fail(Error::limit(format!(
                "the original could not be read in full, so not all its values can be checked: {}",
                e.message
            )));
        }
        if report.status != Status::Failed
            && let Err(e) = archive::same_structure(original, sanitized, report.format)
        {
            report.fail(e);
        }
        report
    }
}

/// Searches a re-opened output's units for original values, in one pass per unit (one
/// [`docsan_verify::Matcher`] over all values, built in linear time, so a 100k-row sheet costs
/// no more than its text). Values that a replacement itself contains (pseudonyms) and
/// one-character values are not searched.
struct OriginalsSearch<'a> {
    candidates: Vec<&'a Sensitive>,
    matcher: docsan_verify::Matcher,
    inside_replacement: Vec<bool>,
}

impl<'a> OriginalsSearch<'a> {
    fn new(
        originals: &'a [Sensitive],
        replacements: &[docsan_core::CompactString],
    ) -> OriginalsSearch<'a> {
        let candidates: Vec<&Sensitive> = originals.iter().filter(|o| o.char_len() >= 2).collect();
        let matcher = docsan_verify::Matcher::new(candidates.iter().map(|o| o.expose()));
        let mut inside_replacement = vec![false; candidates.len()];
        if !matcher.is_empty() {
            for r in replacements {
                matcher.for_each(r.as_bytes(), |p, _| inside_replacement[p] = true);
            }
        }
        OriginalsSearch {
            candidates,
            matcher,
            inside_replacement,
        }
    }

    fn is_empty(&self) -> bool {
        self.matcher.is_empty()
    }

    /// Adds a residue entry for each original value (once per unit) found in `u`.
    fn in_unit(&self, u: &TextUnit, out: &mut Vec<report::FindingReport>) {
        let mut seen = BTreeSet::new();
        self.matcher.for_each(u.text.as_bytes(), |i, start| {
            if !self.inside_replacement[i] && seen.insert(i) {
                let f = Finding {
                    unit: u.id,
                    range: start..start + self.candidates[i].expose().len(),
                    kind: docsan_core::PiiKind::Custom,
                    rule: "residue.original".into(),
                    confidence: 1.0,
                    value: self.candidates[i].clone(),
                };
                out.push(finding_report(Some(u), &f));
            }
        });
    }
}

/// Printer settings (`xl/printerSettings/*.bin`, `word/printerSettings/*.bin`) are binary
/// DEVMODE records that Office copies from the printer driver, and they can hold a user's name
/// (a printer named after its owner, a driver's private data). No backend reads them as text;
/// every value found elsewhere in the document is overwritten where it occurs in them, as
/// UTF-16LE or as UTF-8, with `*` of the same byte length, so every field keeps its size. The
/// verifier then searches them like every other part.
fn scrub_printer_settings(
    out: Vec<u8>,
    originals: &[Sensitive],
    limits: &Limits,
) -> Result<Vec<u8>> {
    let pkg = docsan_opc::Package::open(out.clone().into(), limits)?;
    let mut replace = BTreeMap::new();
    for e in pkg.entries() {
        let lower = e.name.to_ascii_lowercase();
        if !(lower.contains("printersettings/") && lower.ends_with(".bin")) {
            continue;
        }
        let mut data = pkg.read(&e.name)?;
        let mut changed = false;
        for o in originals {
            let v = o.expose();
            // Short ASCII values would match by chance in binary data; a name of two Chinese
            // characters (four bytes in UTF-16, six in UTF-8) is long enough.
            let min = if v.is_ascii() { 3 } else { 2 };
            if v.chars().count() < min {
                continue;
            }
            let le: Vec<u8> = v.encode_utf16().flat_map(u16::to_le_bytes).collect();
            changed |= overwrite_all(&mut data, &le, &[b'*', 0]);
            changed |= overwrite_all(&mut data, v.as_bytes(), b"*");
        }
        if changed {
            replace.insert(e.name.clone(), data);
        }
    }
    if replace.is_empty() {
        return Ok(out);
    }
    pkg.write(&replace, &BTreeSet::new())
}

/// Overwrites every occurrence of `needle` in `data` with copies of `fill` (whose length
/// divides the needle's). Returns whether anything changed.
fn overwrite_all(data: &mut [u8], needle: &[u8], fill: &[u8]) -> bool {
    if needle.is_empty() || data.len() < needle.len() || !needle.len().is_multiple_of(fill.len()) {
        return false;
    }
    let mut changed = false;
    let mut i = 0;
    while i + needle.len() <= data.len() {
        if &data[i..i + needle.len()] == needle {
            for (k, b) in data[i..i + needle.len()].iter_mut().enumerate() {
                *b = fill[k % fill.len()];
            }
            changed = true;
            i += needle.len();
        } else {
            i += 1;
        }
    }
    changed
}

/// The report entry of one finding in `unit`.
fn finding_report(unit: Option<&TextUnit>, f: &Finding) -> report::FindingReport {
    report::FindingReport {
        kind: f.kind,
        rule: f.rule.clone(),
        confidence: f.confidence,
        unit_kind: unit
            .map(|u| u.context.kind)
            .unwrap_or(docsan_core::UnitKind::Other),
        location: unit.map(|u| u.context.location.clone()).unwrap_or_default(),
        masked: docsan_detect::mask_for_report(f.kind, f.value.expose()),
        value: f.value.clone(),
    }
}

/// A residue of the independent verifier as a report entry.
fn residue_report(r: docsan_verify::Residue) -> report::FindingReport {
    report::FindingReport {
        kind: r.kind.unwrap_or(docsan_core::PiiKind::Custom),
        rule: docsan_core::format_compact!("verify.{}", r.rule),
        confidence: 1.0,
        unit_kind: docsan_core::UnitKind::Other,
        location: r.location,
        masked: r.masked.into(),
        value: r.value,
    }
}

/// The failure an error diagnostic imposes on a file, if it has one.
fn error_diagnostic(report: &FileReport) -> Option<Error> {
    report
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .map(|d| Error::refused(format!("{} ({})", d.message, d.code)))
}

fn collect_values(r: &FileReport) -> Vec<Sensitive> {
    let mut v: BTreeSet<Sensitive> = r.findings.iter().map(|f| f.value.clone()).collect();
    for e in &r.embedded {
        v.extend(collect_values(&e.report));
    }
    v.into_iter().collect()
}

/// Appends diagnostics whose (code, location) is not there yet.
fn merge_diagnostics(into: &mut Vec<Diagnostic>, more: Vec<Diagnostic>) {
    let seen: BTreeMap<(String, String), ()> = into
        .iter()
        .map(|d| {
            (
                (
                    d.code.clone(),
                    d.location
                        .as_ref()
                        .map(|l| l.to_string())
                        .unwrap_or_default(),
                ),
                (),
            )
        })
        .collect();
    for d in more {
        let key = (
            d.code.clone(),
            d.location
                .as_ref()
                .map(|l| l.to_string())
                .unwrap_or_default(),
        );
        if !seen.contains_key(&key) {
            into.push(d);
        }
    }
}
