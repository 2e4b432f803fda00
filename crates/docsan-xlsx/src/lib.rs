//! The XLSX backend: finds every piece of text a workbook holds and masks it in place.
//!
//! Skeleton: the public API is in place; extraction and rewriting follow.

#![forbid(unsafe_code)]

pub mod bench_support;

pub use bench_support::generate_large_sheet;

use docsan_core::{Backend, Document, Error, Format, Limits, Result};

/// The XLSX backend. Stateless; [`Backend::open`] parses one workbook.
#[derive(Debug, Default, Clone, Copy)]
pub struct XlsxBackend;

impl Backend for XlsxBackend {
    fn format(&self) -> Format {
        Format::Xlsx
    }

    fn open(&self, _bytes: &[u8], _limits: &Limits) -> Result<Box<dyn Document>> {
        Err(Error::unsupported("xlsx backend not implemented yet"))
    }
}
