//! Zip archives of attachments, and structure comparison for `verify --against`.
//!
//! A zip of attachments is sanitized member by member into a new zip: documents go through the
//! pipeline recursively; a member that cannot be sanitized is left out with a warning (its
//! content is unknown, so copying it would publish whatever it holds). Member names written in
//! GBK by Chinese Windows zip tools are decoded and stored as UTF-8, so names survive; names
//! with `..` or absolute paths are made safe.

use crate::Sanitizer;
use crate::report::{EmbeddedReport, FileReport};
use docsan_core::{Diagnostic, Error, Format, Limits, LimitsBudget, Result};
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// One member read from an archive.
struct Member {
    index: usize,
    name: String,
    is_dir: bool,
    bytes: Vec<u8>,
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::malformed(format!("zip archive: {e}"))
}

/// Decodes a raw member name: UTF-8 when valid, else GBK when that decodes cleanly, else a
/// lossy UTF-8 reading. Then removes path components that could escape a directory.
pub(crate) fn member_name(raw: &[u8]) -> String {
    let decoded = match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (s, _, bad) = encoding_rs::GBK.decode(raw);
            if bad {
                String::from_utf8_lossy(raw).into_owned()
            } else {
                s.into_owned()
            }
        }
    };
    safe_relative_path(&decoded)
}

/// Makes a relative path that stays inside its root: `..`, `.`, empty and drive components
/// are dropped, backslashes are separators.
pub fn safe_relative_path(name: &str) -> String {
    let parts: Vec<&str> = name
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != ".." && !p.ends_with(':'))
        .collect();
    let mut s = parts.join("/");
    if name.ends_with('/') && !s.is_empty() {
        s.push('/');
    }
    s
}

/// The members of a zip archive as its central directory lists them, and its archive comment.
fn read_members(bytes: &[u8], limits: &Limits) -> Result<(Vec<Member>, Vec<u8>)> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_err)?;
    if archive.len() > limits.max_zip_entries as usize {
        return Err(Error::limit("zip archive has more entries than the limit"));
    }
    // A directory that does not list the entry the file starts with (a record of no entries
    // planted in the comment, read first from the end) would hide every member from the check.
    if bytes.starts_with(b"PK\x03\x04")
        && !(0..archive.len()).any(|i| archive.by_index_raw(i).is_ok_and(|f| f.header_start() == 0))
    {
        return Err(Error::malformed(
            "the zip's central directory does not list the entry the file starts with",
        ));
    }
    let comment = archive.comment().to_vec();
    let budget = LimitsBudget::new(limits);
    let mut out = Vec::new();
    for index in 0..archive.len() {
        let f = archive.by_index(index).map_err(zip_err)?;
        if f.encrypted() {
            return Err(Error::encrypted("zip archive member is password-protected"));
        }
        let name = member_name(f.name_raw());
        let is_dir = f.is_dir();
        let cap = limits.entry_cap(f.compressed_size());
        let compressed = f.compressed_size();
        let mut data = Vec::new();
        f.take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|e| Error::malformed(format!("zip member {name}: {e}")))?;
        if data.len() as u64 > cap {
            return Err(Error::limit(format!(
                "zip member {name} decompresses beyond the limit"
            )));
        }
        limits.check_entry(&format!("zip member {name}"), compressed, data.len() as u64)?;
        budget.take(data.len() as u64)?;
        out.push(Member {
            index,
            name,
            is_dir,
            bytes: data,
        });
    }
    Ok((out, comment))
}

/// The name under which an archive's comment is reported.
const ARCHIVE_COMMENT: &str = "zip archive comment";

fn depth_error() -> Error {
    Error::limit("archives nested too deeply")
}

pub(crate) fn scan_zip(s: &Sanitizer, bytes: &[u8], depth: u32, full: bool) -> FileReport {
    let mut report = FileReport::new(Format::Zip);
    if depth > s.options().limits.max_depth {
        return FileReport::failed(Some(Format::Zip), &depth_error());
    }
    match read_members(bytes, &s.options().limits) {
        Ok((members, comment)) => {
            for m in members.into_iter().filter(|m| !m.is_dir) {
                let sub = s.scan_at(&m.bytes, Some(&m.name), depth + 1, full);
                report.embedded.push(EmbeddedReport {
                    name: m.name,
                    report: sub,
                });
            }
            // The archive comment is read as a text (a sanitized archive leaves it out).
            if !comment.is_empty() {
                let sub = s.scan_at(&comment, Some(ARCHIVE_COMMENT), depth + 1, full);
                report.embedded.push(EmbeddedReport {
                    name: ARCHIVE_COMMENT.into(),
                    report: sub,
                });
            }
        }
        Err(e) => return FileReport::failed(Some(Format::Zip), &e),
    }
    report.count_findings();
    s.finish_found(&mut report);
    report
}

pub(crate) fn verify_zip(s: &Sanitizer, bytes: &[u8], depth: u32) -> FileReport {
    let mut report = FileReport::new(Format::Zip);
    if depth > s.options().limits.max_depth {
        return FileReport::failed(Some(Format::Zip), &depth_error());
    }
    match read_members(bytes, &s.options().limits) {
        Ok((members, comment)) => {
            for m in members.into_iter().filter(|m| !m.is_dir) {
                let sub = s.verify_at(&m.bytes, Some(&m.name), &[], depth + 1);
                report.embedded.push(EmbeddedReport {
                    name: m.name,
                    report: sub,
                });
            }
            if !comment.is_empty() {
                let sub = s.verify_at(&comment, Some(ARCHIVE_COMMENT), &[], depth + 1);
                report.embedded.push(EmbeddedReport {
                    name: ARCHIVE_COMMENT.into(),
                    report: sub,
                });
            }
        }
        Err(e) => return FileReport::failed(Some(Format::Zip), &e),
    }
    report.count_findings();
    s.finish_found(&mut report);
    report
}

pub(crate) fn sanitize_zip(
    s: &Sanitizer,
    bytes: &[u8],
    depth: u32,
) -> (FileReport, Option<Vec<u8>>) {
    let mut report = FileReport::new(Format::Zip);
    let result = sanitize_zip_inner(s, bytes, depth, &mut report);
    s.finish_sanitized(report, result)
}

fn sanitize_zip_inner(
    s: &Sanitizer,
    bytes: &[u8],
    depth: u32,
    report: &mut FileReport,
) -> Result<Vec<u8>> {
    if depth > s.options().limits.max_depth {
        return Err(depth_error());
    }
    // The archive comment is not written into the sanitized archive.
    let (members, _comment) = read_members(bytes, &s.options().limits)?;
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_err)?;
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let mut written = std::collections::BTreeSet::new();
    for m in members {
        let raw = archive.by_index_raw(m.index).map_err(zip_err)?;
        let time = raw.last_modified();
        let method = raw.compression();
        drop(raw);
        if m.name.is_empty() || !written.insert(m.name.clone()) {
            report.diagnostics.push(Diagnostic::warning(
                "zip-member-skipped",
                "a zip member with an empty or duplicate name was left out",
            ));
            continue;
        }
        let mut opts = SimpleFileOptions::default().compression_method(
            if method == CompressionMethod::Stored {
                CompressionMethod::Stored
            } else {
                CompressionMethod::Deflated
            },
        );
        if let Some(t) = time {
            opts = opts.last_modified_time(t);
        }
        if m.is_dir {
            w.add_directory(m.name.trim_end_matches('/'), opts)
                .map_err(zip_err)?;
            continue;
        }
        let (sub, out) = s.sanitize_at(&m.bytes, Some(&m.name), depth + 1);
        match out {
            Some(out) => {
                w.start_file(m.name.clone(), opts).map_err(zip_err)?;
                w.write_all(&out)
                    .map_err(|e| Error::io(format!("zip write: {e}")))?;
            }
            None => report.diagnostics.push(Diagnostic::warning(
                "zip-member-removed",
                format!(
                    "member {} was left out of the sanitized archive: {}",
                    m.name,
                    sub.error
                        .as_ref()
                        .map(|e| e.message.as_str())
                        .unwrap_or("not sanitized")
                ),
            )),
        }
        report.embedded.push(EmbeddedReport {
            name: m.name,
            report: sub,
        });
    }
    Ok(w.finish().map_err(zip_err)?.into_inner())
}

/// Checks that a sanitized file keeps the structure of its original: same zip parts (less
/// the parts docsan drops on purpose), same PDF page count, same number of lines.
pub(crate) fn same_structure(
    original: &[u8],
    sanitized: &[u8],
    format: Option<Format>,
) -> Result<()> {
    match format {
        Some(Format::Docx | Format::Xlsx | Format::Zip) => {
            let names = |b: &[u8]| -> Result<std::collections::BTreeSet<String>> {
                let a = ZipArchive::new(Cursor::new(b)).map_err(zip_err)?;
                Ok(a.file_names()
                    .filter_map(|r| r.ok())
                    .map(|c| c.into_owned())
                    .collect())
            };
            let (a, b) = (names(original)?, names(sanitized)?);
            let dropped_on_purpose =
                |n: &str| n.starts_with("docProps/thumbnail") || n == "xl/calcChain.xml";
            if let Some(missing) = a.difference(&b).find(|n| !dropped_on_purpose(n)) {
                return Err(Error::residue(format!(
                    "sanitized file lacks part {missing}"
                )));
            }
            if let Some(extra) = b.difference(&a).next() {
                return Err(Error::residue(format!(
                    "sanitized file has an extra part {extra}"
                )));
            }
            Ok(())
        }
        Some(Format::Pdf) => {
            let pages = |b: &[u8]| lopdf::Document::load_mem(b).map(|d| d.get_pages().len());
            match (pages(original), pages(sanitized)) {
                (Ok(a), Ok(b)) if a == b => Ok(()),
                (Ok(a), Ok(b)) => Err(Error::residue(format!(
                    "page count changed from {a} to {b}"
                ))),
                (_, Err(e)) => Err(Error::residue(format!("sanitized PDF does not open: {e}"))),
                (Err(_), Ok(_)) => Ok(()),
            }
        }
        Some(Format::Csv | Format::Text) => {
            let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
            if lines(original) == lines(sanitized) {
                Ok(())
            } else {
                Err(Error::residue("line count changed"))
            }
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_inside_and_gbk_survives() {
        assert_eq!(safe_relative_path("../../etc/passwd"), "etc/passwd");
        assert_eq!(safe_relative_path("/abs\\win\\..\\x.pdf"), "abs/win/x.pdf");
        assert_eq!(safe_relative_path("C:\\a.pdf"), "a.pdf");
        let gbk = encoding_rs::GBK.encode("附件1/名单.csv").0;
        assert_eq!(member_name(&gbk), "附件1/名单.csv");
    }
}
