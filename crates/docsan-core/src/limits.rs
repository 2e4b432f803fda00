//! Resource limits: every decompression, recursion and allocation driven by input is bounded.
//!
//! Backends check these explicitly (lopdf and zip do not do it for us). [`LimitsBudget`] tracks
//! the running total of decompressed bytes across one document, so a thousand streams just under
//! the per-stream limit still cannot exhaust memory.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// Configurable limits with defaults sized for real disclosure documents on a small machine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest input file accepted, in bytes.
    pub max_input_bytes: u64,
    /// Largest decompressed size of one zip entry or one PDF stream.
    pub max_entry_bytes: u64,
    /// Largest sum of decompressed bytes over one document.
    pub max_total_bytes: u64,
    /// Largest ratio of decompressed to compressed size for one entry or stream (entries or
    /// streams smaller than 1 MiB decompressed are exempt: small highly compressible parts are
    /// normal).
    pub max_ratio: u64,
    /// Most zip entries in one package.
    pub max_zip_entries: u32,
    /// Deepest XML element nesting.
    pub max_xml_depth: u32,
    /// Most objects in one PDF.
    pub max_pdf_objects: u32,
    /// Deepest recursion: nested form XObjects, embedded documents, nested zips.
    pub max_depth: u32,
    /// Most text units in one document.
    pub max_units: u32,
    /// Wall-clock budget per file in seconds, enforced by the caller (0 = none).
    pub max_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 512 << 20,
            max_entry_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            max_ratio: 200,
            max_zip_entries: 20_000,
            max_xml_depth: 256,
            max_pdf_objects: 2_000_000,
            max_depth: 16,
            max_units: 5_000_000,
            max_seconds: 300,
        }
    }
}

impl Limits {
    /// Checks one decompressed size against the per-entry limit and the ratio limit.
    pub fn check_entry(&self, what: &str, compressed: u64, decompressed: u64) -> Result<()> {
        if decompressed > self.max_entry_bytes {
            return Err(Error::limit(format!(
                "{what} decompresses to more than {} bytes",
                self.max_entry_bytes
            )));
        }
        if decompressed > (1 << 20) && decompressed / compressed.max(1) > self.max_ratio {
            return Err(Error::limit(format!(
                "{what} has a compression ratio above {} (possible decompression bomb)",
                self.max_ratio
            )));
        }
        Ok(())
    }

    /// The most bytes one entry of `compressed` bytes may decompress to under both limits.
    pub fn entry_cap(&self, compressed: u64) -> u64 {
        let by_ratio = compressed.saturating_mul(self.max_ratio).max(1 << 20);
        by_ratio.min(self.max_entry_bytes)
    }
}

thread_local! {
    /// The time by which the document being processed on this thread must be done.
    static DEADLINE: std::cell::Cell<Option<std::time::Instant>> =
        const { std::cell::Cell::new(None) };
}

/// Sets the deadline of the work on this thread until the guard is dropped. A deadline already
/// set and earlier is kept (an embedded document cannot extend its container's budget).
#[must_use = "the deadline holds only while the guard lives"]
pub fn deadline_scope(deadline: Option<std::time::Instant>) -> DeadlineGuard {
    let previous = DEADLINE.with(|d| d.get());
    let next = match (previous, deadline) {
        (Some(p), Some(n)) => Some(p.min(n)),
        (p, n) => p.or(n),
    };
    DEADLINE.with(|d| d.set(next));
    DeadlineGuard { previous }
}

/// This thread's deadline, to carry over to work another thread does for the same document
/// (`deadline_scope(current_deadline())` there).
pub fn current_deadline() -> Option<std::time::Instant> {
    DEADLINE.with(|d| d.get())
}

/// `f`, made to run under this thread's deadline wherever it runs: for either half of a
/// `rayon::join`, which another thread may take (thread-locals do not go with it).
pub fn carry_deadline<T>(f: impl FnOnce() -> T) -> impl FnOnce() -> T {
    let deadline = current_deadline();
    move || {
        let _deadline = deadline_scope(deadline);
        f()
    }
}

/// Restores the previous deadline when dropped.
#[derive(Debug)]
pub struct DeadlineGuard {
    previous: Option<std::time::Instant>,
}

impl Drop for DeadlineGuard {
    fn drop(&mut self) {
        let previous = self.previous;
        DEADLINE.with(|d| d.set(previous));
    }
}

/// True once this thread's deadline has passed. Long loops (parsing, content streams,
/// detection) call it every few thousand steps and stop early; the caller then fails the file
/// with [`check_deadline`], so stopping early never yields a result.
pub fn deadline_passed() -> bool {
    DEADLINE
        .with(|d| d.get())
        .is_some_and(|d| std::time::Instant::now() >= d)
}

/// Fails with a limit error once this thread's deadline has passed.
pub fn check_deadline(during: &str) -> Result<()> {
    if deadline_passed() {
        Err(Error::limit(format!(
            "time budget per file exceeded (stopped during {during})"
        )))
    } else {
        Ok(())
    }
}

/// Running total of decompressed bytes for one document.
#[derive(Debug)]
pub struct LimitsBudget {
    remaining: AtomicU64,
}

impl LimitsBudget {
    pub fn new(limits: &Limits) -> Self {
        LimitsBudget {
            remaining: AtomicU64::new(limits.max_total_bytes),
        }
    }

    /// Takes `bytes` from the budget, or fails with a limit error; also fails once the
    /// thread's deadline has passed (every decompression passes here).
    pub fn take(&self, bytes: u64) -> Result<()> {
        check_deadline("decompression")?;
        self.remaining
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |r| {
                r.checked_sub(bytes)
            })
            .map(|_| ())
            .map_err(|_| Error::limit("document decompresses to more than the total byte limit"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_nest_and_stop_decompression() {
        let budget = LimitsBudget::new(&Limits::default());
        assert!(budget.take(10).is_ok());
        let past = std::time::Instant::now();
        let later = past + std::time::Duration::from_secs(3600);
        {
            let _outer = deadline_scope(Some(later));
            assert!(!deadline_passed());
            {
                let _inner = deadline_scope(Some(past));
                assert!(deadline_passed());
                let e = budget.take(10).unwrap_err();
                assert!(e.message.contains("time budget"), "{e}");
            }
            assert!(!deadline_passed(), "the inner deadline ends with its scope");
            let _longer = deadline_scope(Some(later + std::time::Duration::from_secs(1)));
            let _ = deadline_scope(Some(past));
            assert!(!deadline_passed(), "a dropped guard restores at once");
        }
        assert!(!deadline_passed());
    }

    /// Work handed to another thread keeps the deadline of the thread that made it, and
    /// leaves that thread's own deadline as it was.
    #[test]
    fn a_carried_deadline_holds_on_another_thread() {
        let past = std::time::Instant::now();
        let work = {
            let _scope = deadline_scope(Some(past));
            carry_deadline(|| (deadline_passed(), current_deadline()))
        };
        let (passed, seen) = std::thread::spawn(move || {
            let before = deadline_passed();
            let carried = work();
            (before, carried, deadline_passed())
        })
        .join()
        .map(|(before, carried, after)| {
            assert!(
                !before && !after,
                "the other thread's own deadline is unchanged"
            );
            carried
        })
        .unwrap();
        assert!(passed);
        assert_eq!(seen, Some(past));
    }

    #[test]
    fn ratio_and_size_are_enforced() {
        let l = Limits {
            max_entry_bytes: 10 << 20,
            max_ratio: 100,
            ..Limits::default()
        };
        assert!(
            l.check_entry("x", 1000, 500_000).is_ok(),
            "small entries are exempt"
        );
        assert!(l.check_entry("x", 1000, 5 << 20).is_err(), "ratio 5000");
        assert!(l.check_entry("x", 1 << 20, 11 << 20).is_err(), "size");
        assert_eq!(l.entry_cap(100), 1 << 20);
        let b = LimitsBudget::new(&Limits {
            max_total_bytes: 10,
            ..Limits::default()
        });
        assert!(b.take(6).is_ok());
        assert!(b.take(6).is_err());
    }
}
