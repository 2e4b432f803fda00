//! Bounded decompression shared by the zip scanner and the PDF stream decoder.
//!
//! Neither flate2 nor a zip or PDF library stops a decompression bomb for us, so every inflate
//! here is capped by the per-entry size, the ratio limit and the document's running budget.
//! Damaged streams give back what decoded before the damage: for a verifier, partial text is
//! still worth searching.

use crate::Ctx;
use docsan_core::Error;
use flate2::{Decompress, FlushDecompress, Status};

/// How one inflate ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The stream ended properly.
    Complete,
    /// The data was damaged or truncated; the output holds what decoded before.
    Damaged,
}

/// Inflates `input` (zlib-wrapped when `zlib`, raw deflate otherwise) within the limits.
/// Returns the output, how it ended and how many input bytes were consumed.
pub(crate) fn inflate(
    ctx: &Ctx<'_>,
    what: &str,
    input: &[u8],
    zlib: bool,
) -> Result<(Vec<u8>, End, usize), Error> {
    inflate_sized(ctx, what, input, zlib, 0, true)
}

/// [`inflate`] with the size the output is declared to have (a zip entry's header), used
/// to size the output once, within the limits: a large part is not copied at every doubling.
/// The declaration is only a hint; the limits are checked on what comes out.
pub(crate) fn inflate_sized(
    ctx: &Ctx<'_>,
    what: &str,
    input: &[u8],
    zlib: bool,
    declared: u64,
    count: bool,
) -> Result<(Vec<u8>, End, usize), Error> {
    // Inflating data a second time takes nothing more from the document's byte budget.
    let take = |n: usize| {
        if count {
            ctx.budget.take(n as u64)
        } else {
            Ok(())
        }
    };
    let cap = ctx.limits.entry_cap(input.len() as u64);
    let mut d = Decompress::new(zlib);
    let first = (input.len() as u64).saturating_mul(4).min(1 << 20);
    let room = declared.min(cap).max(first);
    let mut out: Vec<u8> = Vec::with_capacity(usize::try_from(room).unwrap_or(1 << 20));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let before_in = d.total_in();
        let before_out = d.total_out();
        let pos = usize::try_from(before_in).unwrap_or(usize::MAX);
        let rest = input.get(pos..).unwrap_or_default();
        let status = d.decompress(rest, &mut chunk, FlushDecompress::None);
        let produced = usize::try_from(d.total_out() - before_out).unwrap_or(0);
        if let Some(piece) = chunk.get(..produced) {
            out.extend_from_slice(piece);
        }
        ctx.limits
            .check_entry(what, input.len() as u64, out.len() as u64)?;
        if out.len() as u64 > cap {
            return Err(Error::limit(format!(
                "{what} decompresses beyond the size or ratio limit"
            )));
        }
        let consumed = usize::try_from(d.total_in()).unwrap_or(usize::MAX);
        match status {
            Ok(Status::StreamEnd) => {
                take(out.len())?;
                return Ok((out, End::Complete, consumed));
            }
            Ok(_) => {
                if d.total_in() == before_in && d.total_out() == before_out {
                    take(out.len())?;
                    return Ok((out, End::Damaged, consumed));
                }
            }
            Err(_) => {
                take(out.len())?;
                return Ok((out, End::Damaged, consumed));
            }
        }
    }
}
