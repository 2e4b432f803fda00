//! Detection over a large document a window of units at a time.
//!
//! A 100k-row sheet has hundreds of thousands of units; with their contexts (column header,
//! label, location) they cost more memory than anything else in the pipeline. For such
//! documents the backend hands units over as it makes them ([`Backend::open_streaming`]) and
//! keeps only their texts and where they stand; detection runs on windows of
//! [`WINDOW`] units, each read with the [`BEFORE`] units before it and the [`AFTER`] units
//! after it, and keeps only the findings in the window itself. So every unit is detected with
//! at least as much around it as any detector looks at (a neighbouring label, a value wrapped
//! into the next units), and the findings are those of one pass over the whole document.
//!
//! Report entries are built while a finding's unit is in the window; the entries of values
//! found again elsewhere (propagation, after detection) take their units' contexts from one
//! more extraction pass, only when the report lists any of them.
//!
//! [`Backend::open_streaming`]: docsan_core::Backend::open_streaming

use crate::report::FindingReport;
use crate::{Sanitizer, finding_report};
use docsan_core::{Detector, Finding, TextUnit};

/// Units detected at once.
pub(crate) const WINDOW: usize = 20_000;
/// Units read before a window as its context: neighbouring labels, a value's start in the
/// units before.
pub(crate) const BEFORE: usize = 512;
/// Units read after a window: a value wrapped into the next units (detection looks at most
/// six units ahead).
pub(crate) const AFTER: usize = 64;

/// Units as they arrive, detected a window at a time.
pub(crate) struct Windows<'s> {
    sanitizer: &'s Sanitizer,
    buf: Vec<TextUnit>,
    /// How many units at the start of `buf` were detected in the window before (context).
    before: usize,
    /// Findings not allowed by the policy, in document order window by window: one vector
    /// per window, never joined (one growing vector was held twice its size while it was
    /// copied at each doubling: 63 MB for a 100k-row sheet).
    chunks: Vec<Vec<Finding>>,
    /// How many findings the chunks hold.
    found: usize,
    /// Report entries of the first `limit` findings.
    listed: Vec<FindingReport>,
    limit: usize,
}

impl<'s> Windows<'s> {
    pub(crate) fn new(sanitizer: &'s Sanitizer, limit: Option<usize>) -> Self {
        Windows {
            sanitizer,
            buf: Vec::with_capacity(BEFORE + WINDOW + AFTER),
            before: 0,
            chunks: Vec::new(),
            found: 0,
            listed: Vec::new(),
            limit: limit.unwrap_or(usize::MAX),
        }
    }

    pub(crate) fn push(&mut self, unit: TextUnit) {
        self.buf.push(unit);
        if self.buf.len() >= self.before + WINDOW + AFTER {
            self.detect(self.buf.len() - AFTER);
        }
    }

    /// Detects the units left; returns the findings, one vector per window, and the report
    /// entries of the first of them.
    pub(crate) fn finish(mut self) -> (Vec<Vec<Finding>>, Vec<FindingReport>) {
        self.detect(self.buf.len());
        self.buf = Vec::new();
        (self.chunks, self.listed)
    }

    /// Detects `buf[before..end]`, reading all of `buf`, then keeps the last [`BEFORE`] units
    /// before `end` and those after it.
    fn detect(&mut self, end: usize) {
        if end <= self.before {
            return;
        }
        // Out of time: the pipeline's deadline check fails the file; nothing here is used.
        if docsan_core::deadline_passed() {
            self.buf.clear();
            self.before = 0;
            return;
        }
        let first = self.buf[0].id.0;
        let policy = &self.sanitizer.options.policy;
        let found = self.sanitizer.engine.detect_all(&self.buf);
        let mut kept = Vec::new();
        for f in found {
            let Some(pos) = f.unit.0.checked_sub(first).map(|p| p as usize) else {
                continue;
            };
            if pos < self.before || pos >= end || policy.is_allowed(f.value.expose()) {
                continue;
            }
            if self.listed.len() < self.limit && self.listed.len() == self.found {
                self.listed.push(finding_report(self.buf.get(pos), &f));
            }
            self.found += 1;
            kept.push(f);
        }
        if !kept.is_empty() {
            kept.shrink_to_fit();
            self.chunks.push(kept);
        }
        let keep_from = end.saturating_sub(BEFORE);
        self.buf.drain(..keep_from);
        self.before = end - keep_from;
    }
}
