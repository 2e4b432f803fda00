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

    /// Takes `bytes` from the budget, or fails with a limit error.
    pub fn take(&self, bytes: u64) -> Result<()> {
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
