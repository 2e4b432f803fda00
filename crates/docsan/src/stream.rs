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

/// A window being detected on the pool: empty until its units come back with their
/// findings (those in the window that the policy does not allow), or with the panic that
/// detection raised, which the waiting thread then resumes.
type Slot = std::sync::Arc<(
    std::sync::Mutex<Option<std::thread::Result<(Vec<TextUnit>, Vec<Finding>)>>>,
    std::sync::Condvar,
)>;

/// Units as they arrive, detected a window at a time. A full window is detected on the
/// caller's pool while the backend goes on making the next one; its findings are taken in
/// order before the next window is handed over, so at most one runs at a time and the
/// findings are those of detecting the windows one after the other.
pub(crate) struct Windows<'s> {
    sanitizer: &'s Sanitizer,
    buf: Vec<TextUnit>,
    /// How many units at the start of `buf` were detected in the window before (context).
    before: usize,
    /// The window being detected.
    running: Option<Slot>,
    /// Findings not allowed by the policy, in document order window by window: one vector
    /// per window, never joined (one growing vector was held twice its size while it was
    /// copied at each doubling: 63 MB for a 100k-row sheet).
    chunks: Vec<Vec<Finding>>,
    /// How many findings the chunks hold.
    found: usize,
    /// Report entries of the first `limit` findings.
    listed: Vec<FindingReport>,
    limit: usize,
    /// The vector of the last window detected, emptied, for the next to be gathered in: a
    /// window's megabytes are not mapped and faulted in afresh for each.
    spare: Vec<TextUnit>,
}

impl<'s> Windows<'s> {
    pub(crate) fn new(sanitizer: &'s Sanitizer, limit: Option<usize>) -> Self {
        Windows {
            sanitizer,
            buf: Vec::with_capacity(BEFORE + WINDOW + AFTER),
            before: 0,
            running: None,
            chunks: Vec::new(),
            found: 0,
            listed: Vec::new(),
            limit: limit.unwrap_or(usize::MAX),
            spare: Vec::new(),
        }
    }

    /// Takes one unit; a full window is handed to `scope`.
    pub(crate) fn push<'scope>(&mut self, unit: TextUnit, scope: &rayon::Scope<'scope>)
    where
        's: 'scope,
    {
        self.buf.push(unit);
        if self.buf.len() >= self.before + WINDOW + AFTER {
            let end = self.buf.len() - AFTER;
            self.launch(end, scope);
        }
    }

    /// Detects the units left; returns the findings, one vector per window, and the report
    /// entries of the first of them.
    pub(crate) fn finish(mut self) -> (Vec<Vec<Finding>>, Vec<FindingReport>) {
        self.collect();
        self.spare = Vec::new();
        let end = self.buf.len();
        if end > self.before && !docsan_core::deadline_passed() {
            let units = std::mem::take(&mut self.buf);
            let kept = detect_window(self.sanitizer, &units, self.before, end);
            self.take_findings(&units, kept);
        }
        (self.chunks, self.listed)
    }

    /// Hands `buf[before..end]` (read with all of `buf`) to the pool, after taking the
    /// findings of the window before; keeps the last [`BEFORE`] units before `end` and those
    /// after it for the next window. Nothing is detected once time is up (the pipeline's
    /// deadline check then fails the file).
    fn launch<'scope>(&mut self, end: usize, scope: &rayon::Scope<'scope>)
    where
        's: 'scope,
    {
        self.collect();
        let keep_from = end.saturating_sub(BEFORE);
        let mut next = std::mem::take(&mut self.spare);
        next.clear();
        next.reserve(BEFORE + WINDOW + AFTER);
        next.extend_from_slice(&self.buf[keep_from..]);
        let units = std::mem::replace(&mut self.buf, next);
        let before = std::mem::replace(&mut self.before, end - keep_from);
        if end <= before || docsan_core::deadline_passed() {
            return;
        }
        let slot: Slot = Default::default();
        let task = std::sync::Arc::clone(&slot);
        let sanitizer = self.sanitizer;
        // The deadline is the caller's thread's: carried to the thread that detects.
        let deadline = docsan_core::current_deadline();
        scope.spawn(move |_| {
            let _deadline = docsan_core::deadline_scope(deadline);
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let kept = detect_window(sanitizer, &units, before, end);
                (units, kept)
            }));
            *task.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(done);
            task.1.notify_all();
        });
        self.running = Some(slot);
    }

    /// Waits for the window being detected and takes its findings. The pool's pending work
    /// is run meanwhile (with one thread, that is the window itself); when there is none,
    /// the window runs on another thread and this one sleeps until it is done.
    fn collect(&mut self) {
        let Some(slot) = self.running.take() else {
            return;
        };
        let (lock, ready) = &*slot;
        let done = loop {
            if let Some(d) = lock.lock().unwrap_or_else(|e| e.into_inner()).take() {
                break d;
            }
            if rayon::yield_now() == Some(rayon::Yield::Executed) {
                continue;
            }
            let guard = lock.lock().unwrap_or_else(|e| e.into_inner());
            if guard.is_none() {
                // Woken when the window is done; the timeout only re-checks the pool.
                let (mut guard, _) = ready
                    .wait_timeout(guard, std::time::Duration::from_millis(20))
                    .unwrap_or_else(|e| e.into_inner());
                if let Some(d) = guard.take() {
                    break d;
                }
            }
        };
        let (mut units, kept) = match done {
            Ok(d) => d,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        self.take_findings(&units, kept);
        units.clear();
        self.spare = units;
    }

    /// Keeps a window's findings, with report entries for the first of all.
    fn take_findings(&mut self, units: &[TextUnit], kept: Vec<Finding>) {
        let first = units.first().map_or(0, |u| u.id.0);
        for f in &kept {
            if self.listed.len() < self.limit && self.listed.len() == self.found {
                let pos = f.unit.0.saturating_sub(first) as usize;
                self.listed.push(finding_report(units.get(pos), f));
            }
            self.found += 1;
        }
        if !kept.is_empty() {
            self.chunks.push(kept);
        }
    }
}

/// Detects `units[before..end]`, reading all of `units`; returns the findings there that the
/// policy does not allow.
fn detect_window(
    sanitizer: &Sanitizer,
    units: &[TextUnit],
    before: usize,
    end: usize,
) -> Vec<Finding> {
    let first = units.first().map_or(0, |u| u.id.0);
    let policy = &sanitizer.options.policy;
    let mut kept: Vec<Finding> = sanitizer
        .engine
        .detect_all(units)
        .into_iter()
        .filter(|f| {
            f.unit.0.checked_sub(first).is_some_and(|p| {
                let p = p as usize;
                p >= before && p < end && !policy.is_allowed(f.value.expose())
            })
        })
        .collect();
    kept.shrink_to_fit();
    kept
}
