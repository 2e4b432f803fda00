//! Zip members found by scanning for local file headers, not by trusting the central directory.
//!
//! A zip reader shows what the central directory lists. A sanitizer that rewrote a package can
//! leave behind entries the directory no longer names (an orphaned local entry holding the
//! unmasked part) or two entries of the same name, and other tools may still read them. So the
//! verifier walks every `PK\x03\x04` signature in the file, parses the header itself and inflates
//! the data itself (bounded), and uses the central directory only for sizes and to tell which
//! entries are orphaned.

use crate::Ctx;
use crate::inflate::{End, inflate_sized};
use docsan_core::{Diagnostic, Error};
use std::collections::BTreeMap;

/// One member as found in the bytes.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) name: String,
    pub(crate) offset: usize,
    /// Listed in the central directory.
    pub(crate) listed: bool,
    /// The decoded data, read through [`Member::load`].
    body: Body,
    /// Whether the data decoded completely.
    pub(crate) complete: bool,
}

/// A member's data as the scan leaves it.
#[derive(Debug)]
enum Body {
    Kept(Vec<u8>),
    /// A large deflated member is not kept: its compressed bytes in the package and its
    /// size, to be inflated (again) when it is checked. `counted`: its inflated size was
    /// taken from the document's byte budget by the scan already.
    Deferred {
        range: std::ops::Range<usize>,
        declared: u64,
        counted: std::sync::atomic::AtomicBool,
    },
}

/// Members that inflate to this size or more are inflated again when checked rather than
/// kept: the verifier then holds one large part at a time, not all of them (a 100k-row
/// sheet's 20 MB and its shared strings' 8 MB at once).
const DEFER_FROM: usize = 1 << 20;

impl Member {
    /// The member's data: kept, or inflated from `package` (the bytes it was found in).
    pub(crate) fn load<'m>(
        &'m self,
        ctx: &Ctx<'_>,
        package: &[u8],
    ) -> Result<std::borrow::Cow<'m, [u8]>, Error> {
        Ok(self.load_checked(ctx, package)?.0)
    }

    /// [`Member::load`], and whether the data decoded completely (known for a member the scan
    /// did not inflate only once it is loaded).
    pub(crate) fn load_checked<'m>(
        &'m self,
        ctx: &Ctx<'_>,
        package: &[u8],
    ) -> Result<(std::borrow::Cow<'m, [u8]>, bool), Error> {
        let (range, declared, counted) = match &self.body {
            Body::Kept(data) => return Ok((std::borrow::Cow::Borrowed(data), self.complete)),
            Body::Deferred {
                range,
                declared,
                counted,
            } => (range, declared, counted),
        };
        let input = package.get(range.clone()).unwrap_or_default();
        let what = format!("zip entry {}", self.name);
        // Taken from the budget once, however often it is loaded.
        let count = !counted.swap(true, std::sync::atomic::Ordering::Relaxed);
        let (data, end, _) = inflate_sized(ctx, &what, input, false, *declared, count)?;
        Ok((
            std::borrow::Cow::Owned(data),
            self.complete && end == End::Complete,
        ))
    }
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
        *b.get(i + 2)?,
        *b.get(i + 3)?,
    ]))
}

fn positions(bytes: &[u8], sig: &[u8; 4]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        if bytes.get(i..i + 4) == Some(sig.as_slice()) {
            out.push(i);
            i += 4;
        } else {
            i += 1;
        }
    }
    out
}

fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK
            .decode_without_bom_handling(raw)
            .0
            .into_owned(),
    }
}

/// Central directory records: local header offset → (compressed size, name).
fn central(bytes: &[u8]) -> BTreeMap<usize, (u64, String)> {
    let mut map = BTreeMap::new();
    for p in positions(bytes, b"PK\x01\x02") {
        let (Some(csize), Some(nlen), Some(off)) = (
            u32_at(bytes, p + 20),
            u16_at(bytes, p + 28),
            u32_at(bytes, p + 42),
        ) else {
            continue;
        };
        let Some(name) = bytes.get(p + 46..p + 46 + usize::from(nlen)) else {
            continue;
        };
        map.insert(off as usize, (u64::from(csize), decode_name(name)));
    }
    map
}

/// The archive comment: every byte after the end-of-central-directory record (its comment
/// and anything trailing it), when there are any.
pub(crate) fn archive_comment(bytes: &[u8]) -> Option<&[u8]> {
    // The record is 22 bytes and its comment at most 65,535: it starts in the file's last
    // 65,557 bytes. A comment may hold the record's signature itself (text before it would go
    // unread if the last signature were taken): the record is the earliest one whose comment
    // reaches the end of the file, or else the earliest.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let tail = bytes.get(from..)?;
    let mut found = positions(tail, b"PK\x05\x06");
    let first = *found.first()?;
    found.retain(|&at| {
        u16_at(tail, at + 20).is_some_and(|n| at + 22 + usize::from(n) == tail.len())
    });
    let at = found.first().copied().unwrap_or(first);
    let comment = tail.get(at + 22..)?;
    (!comment.is_empty()).then_some(comment)
}

/// Every member of the package, in file order, including orphaned and duplicate ones.
pub(crate) fn scan(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Result<Vec<Member>, Error> {
    let dir = central(bytes);
    let mut members = Vec::new();
    // Signatures inside an entry's data belong to a nested archive (a stored .docx inside a
    // .docx), which is read when that entry is verified, not as members of this one: reading
    // them here too would make nesting cost exponential time.
    let mut covered_until = 0usize;
    for p in positions(bytes, b"PK\x03\x04") {
        if p < covered_until && !dir.contains_key(&p) {
            continue;
        }
        let (Some(flags), Some(method), Some(csize), Some(nlen), Some(elen)) = (
            u16_at(bytes, p + 6),
            u16_at(bytes, p + 8),
            u32_at(bytes, p + 18),
            u16_at(bytes, p + 26),
            u16_at(bytes, p + 28),
        ) else {
            continue;
        };
        let nlen = usize::from(nlen);
        let Some(raw_name) = bytes.get(p + 30..p + 30 + nlen) else {
            continue;
        };
        if nlen == 0 {
            continue;
        }
        let listed = dir.contains_key(&p);
        let name = decode_name(raw_name);
        let start = p + 30 + nlen + usize::from(elen);
        let Some(rest) = bytes.get(start..) else {
            continue;
        };
        if members.len() as u64 >= u64::from(ctx.limits.max_zip_entries) {
            return Err(Error::limit(format!(
                "package has more than {} entries",
                ctx.limits.max_zip_entries
            )));
        }
        if flags & 1 != 0 {
            ctx.diagnostics.push(
                Diagnostic::warning(
                    "encrypted-entry",
                    "an encrypted zip entry cannot be checked",
                )
                .at(ctx.loc(&name)),
            );
            continue;
        }
        let size = match dir.get(&p) {
            Some((c, _)) if csize == 0 || csize == u32::MAX => *c,
            _ => u64::from(csize),
        };
        match method {
            0 => {
                let n = usize::try_from(size).unwrap_or(usize::MAX).min(rest.len());
                if size > ctx.limits.max_entry_bytes {
                    return Err(Error::limit(
                        "a stored zip entry exceeds the entry size limit",
                    ));
                }
                let data = rest.get(..n).unwrap_or_default().to_vec();
                covered_until = covered_until.max(start + n);
                ctx.budget.take(data.len() as u64)?;
                members.push(Member {
                    name,
                    offset: p,
                    listed,
                    complete: n as u64 == size,
                    body: Body::Kept(data),
                });
            }
            8 => {
                let input = if size > 0 && flags & 8 == 0 {
                    rest.get(..usize::try_from(size).unwrap_or(usize::MAX).min(rest.len()))
                        .unwrap_or_default()
                } else {
                    rest
                };
                let declared = u32_at(bytes, p + 22).map_or(0, u64::from);
                // A large member the central directory lists, whose header gives its sizes, is
                // not inflated here only to be let go: it is inflated when it is checked, and
                // its data ends where its compressed size says.
                if listed
                    && flags & 8 == 0
                    && size > 0
                    && declared >= DEFER_FROM as u64
                    && declared != u64::from(u32::MAX)
                    && input.len() as u64 == size
                {
                    covered_until = covered_until.max(start + input.len());
                    members.push(Member {
                        name,
                        offset: p,
                        listed,
                        complete: true,
                        body: Body::Deferred {
                            range: start..start + input.len(),
                            declared,
                            counted: false.into(),
                        },
                    });
                    continue;
                }
                let what = format!("zip entry {name}");
                let (data, end, used) = inflate_sized(ctx, &what, input, false, declared, true)?;
                if end == End::Complete {
                    covered_until = covered_until.max(start + used);
                }
                if end == End::Damaged && data.is_empty() && !listed {
                    // A signature inside compressed data, not an entry.
                    continue;
                }
                let body = if data.len() >= DEFER_FROM {
                    // The same input as now, so the same data comes out.
                    Body::Deferred {
                        range: start..start + input.len(),
                        declared: data.len() as u64,
                        counted: true.into(),
                    }
                } else {
                    Body::Kept(data)
                };
                members.push(Member {
                    name,
                    offset: p,
                    listed,
                    complete: end == End::Complete,
                    body,
                });
            }
            _ => {
                if listed {
                    ctx.diagnostics.push(
                        Diagnostic::warning(
                            "unsupported-compression",
                            format!(
                                "a zip entry uses compression method {method} and cannot be checked"
                            ),
                        )
                        .at(ctx.loc(&name)),
                    );
                }
            }
        }
    }
    if members.is_empty() {
        return Err(Error::malformed("no readable zip entries"));
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::archive_comment;

    /// The comment is everything after the real end record, also when the comment holds a
    /// record of its own that ends the file.
    #[test]
    fn the_archive_comment_is_read_from_the_real_record() {
        let record = |comment: &[u8]| {
            let mut r = b"PK\x05\x06".to_vec();
            r.extend_from_slice(&[0; 16]);
            r.extend_from_slice(&(comment.len() as u16).to_le_bytes());
            r.extend_from_slice(comment);
            r
        };
        let mut file = b"PK\x03\x04 entries".to_vec();
        file.extend(record(b"phone 13987654321"));
        assert_eq!(archive_comment(&file), Some(&b"phone 13987654321"[..]));
        let mut inner = b"phone 13987654321 ".to_vec();
        inner.extend(record(b""));
        let mut tricked = b"PK\x03\x04 entries".to_vec();
        tricked.extend(record(&inner));
        assert_eq!(archive_comment(&tricked), Some(&inner[..]));
        let mut none = b"PK\x03\x04 entries".to_vec();
        none.extend(record(b""));
        assert_eq!(archive_comment(&none), None);
    }
}
