//! The OOXML package layer shared by the DOCX and XLSX backends.
//!
//! A [`Package`] is a zip archive read within [`Limits`]: every entry's decompressed size and
//! ratio are bounded, and reads stop at the cap even when the zip header lies about the size.
//! [`Package::write`] produces the new archive: entries that were not replaced are copied
//! **raw** (the compressed bytes, local header fields, timestamps and order as they were), so an
//! untouched part is byte-for-byte identical. Replaced parts keep their name, position,
//! compression method and timestamp.
//!
//! The crate knows zip, content types and relationships; it knows nothing of WordprocessingML,
//! SpreadsheetML or detection.

#![forbid(unsafe_code)]

mod rels;

pub use rels::{Relationship, content_types, parse_rels, rels_path_for, resolve_target};

use docsan_core::{Diagnostic, Error, Limits, LimitsBudget, Result};
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::sync::Arc;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The deflate level of rewritten parts. Level 3 (zlib-rs' fast strategy) compresses a
/// 100k-row sheet about 0.3 s faster than the default 6, for a part about 6% larger.
const LEVEL: i64 = 3;

/// Writes a part's content. It may run on a thread of its own (see [`PIPE_FROM`]).
pub type PartWriter<'a> = Box<dyn FnOnce(&mut dyn Write) -> Result<()> + Send + 'a>;

/// From this size on, a part given as a writer is made on a thread of its own while this one
/// compresses what it makes (a 100k-row sheet's 25 MB: read, spliced and compressed one after
/// the other before). Below it a thread costs more than it saves.
pub const PIPE_FROM: u64 = 1 << 20;

/// The size of the pieces handed from the making thread to the compressing one.
const PIPE_CHUNK: usize = 1 << 16;

/// A writer that hands on what it is given in pieces of exactly [`PIPE_CHUNK`] bytes (the
/// last one shorter): to the other half of a pipe, or to a compressor on the same thread.
/// The compressed bytes depend on the pieces the compressor is given, so a part is handed
/// over in the same pieces wherever it is compressed.
struct Chunked<F: FnMut(&mut Vec<u8>) -> std::io::Result<()>> {
    buf: Vec<u8>,
    /// Takes a full buffer and leaves it empty.
    sink: F,
}

impl<F: FnMut(&mut Vec<u8>) -> std::io::Result<()>> Chunked<F> {
    fn new(sink: F) -> Self {
        Chunked {
            buf: Vec::with_capacity(PIPE_CHUNK),
            sink,
        }
    }

    /// Hands on what is buffered.
    fn send(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        (self.sink)(&mut self.buf)
    }
}

impl<F: FnMut(&mut Vec<u8>) -> std::io::Result<()>> Write for Chunked<F> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = PIPE_CHUNK - self.buf.len();
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == PIPE_CHUNK {
            self.send()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Runs `write` into `w` on this thread, in the pieces [`piped`] would hand over.
fn chunked(write: PartWriter<'_>, w: &mut dyn Write) -> Result<()> {
    let mut cw = Chunked::new(|buf: &mut Vec<u8>| {
        w.write_all(buf)?;
        buf.clear();
        Ok(())
    });
    write(&mut cw)?;
    cw.send().map_err(|e| Error::io(format!("zip write: {e}")))
}

/// The options a replaced entry is written with: its original's compression (stored stays
/// stored, anything else is deflated at [`LEVEL`]), time and permissions.
fn entry_options<R: Read>(f: &zip::read::ZipFile<'_, R>, size: u64) -> SimpleFileOptions {
    let method = match f.compression() {
        CompressionMethod::Stored => CompressionMethod::Stored,
        _ => CompressionMethod::Deflated,
    };
    let mut opts = SimpleFileOptions::default()
        .compression_method(method)
        .compression_level((method == CompressionMethod::Deflated).then_some(LEVEL))
        .large_file(size >= u32::MAX as u64);
    if let Some(t) = f.last_modified() {
        opts = opts.last_modified_time(t);
    }
    if let Some(mode) = f.unix_mode() {
        opts = opts.unix_permissions(mode);
    }
    opts
}

/// Runs `write` on a thread of its own, writing what it makes into `w` here as it comes
/// (the time budget goes with it). The first error of either side is returned: the maker's,
/// or this side's, after which the maker stops at its next write.
fn piped(write: PartWriter<'_>, w: &mut dyn Write) -> Result<()> {
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    let make = docsan_core::carry_deadline(move || {
        let mut pw = Chunked::new(|buf: &mut Vec<u8>| {
            let full = std::mem::replace(buf, Vec::with_capacity(PIPE_CHUNK));
            tx.send(full)
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "writer gone"))
        });
        write(&mut pw)?;
        pw.send().map_err(|e| Error::io(format!("zip write: {e}")))
    });
    std::thread::scope(|s| {
        let maker = s.spawn(make);
        let mut written: Result<()> = Ok(());
        for chunk in rx.iter() {
            if let Err(e) = w.write_all(&chunk) {
                written = Err(Error::io(format!("zip write: {e}")));
                break;
            }
        }
        // (Dropping the receiver here, on error, makes the maker's next send fail.)
        drop(rx);
        let made = maker
            .join()
            .unwrap_or_else(|_| Err(Error::internal("the part writer panicked")));
        written.and(made)
    })
}

/// A reader that counts what it gives and refuses to give more than `cap` bytes.
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.cap {
            return Err(std::io::Error::other("part larger than its limit"));
        }
        Ok(n)
    }
}

/// The new content of a replaced part.
pub enum NewPart<'a> {
    Bytes(&'a [u8]),
    /// Writes the content; `size` is its exact length (it decides whether the entry needs
    /// zip64 sizes).
    Writer {
        size: u64,
        write: PartWriter<'a>,
    },
}

impl NewPart<'_> {
    fn size(&self) -> u64 {
        match self {
            NewPart::Bytes(b) => b.len() as u64,
            NewPart::Writer { size, .. } => *size,
        }
    }
}

impl std::fmt::Debug for NewPart<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewPart({} bytes)", self.size())
    }
}

/// One zip entry's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Part name (UTF-8 or lossily decoded), with `\\` separators read as `/`.
    pub name: String,
    /// The name exactly as stored, used when the entry is written again.
    pub stored_name: String,
    /// Index in the central directory.
    pub index: usize,
    pub compressed_size: u64,
    pub size: u64,
    pub is_dir: bool,
    pub encrypted: bool,
}

/// An opened zip package.
#[derive(Debug)]
pub struct Package {
    archive: ZipArchive<Cursor<Arc<[u8]>>>,
    entries: Vec<Entry>,
    by_name: BTreeMap<String, usize>,
    limits: Limits,
    budget: LimitsBudget,
}

fn zip_err(e: zip::result::ZipError) -> Error {
    Error::malformed(format!("zip: {e}"))
}

impl Package {
    /// Opens a zip archive. Fails on more entries than allowed, on encrypted entries, and on
    /// names that appear twice (a classic way to show one reader different content than another).
    pub fn open(bytes: Arc<[u8]>, limits: &Limits) -> Result<Package> {
        if bytes.len() as u64 > limits.max_input_bytes {
            return Err(Error::limit("input is larger than the input size limit"));
        }
        let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_err)?;
        if archive.len() > limits.max_zip_entries as usize {
            return Err(Error::limit(format!(
                "zip has {} entries, more than the limit of {}",
                archive.len(),
                limits.max_zip_entries
            )));
        }
        let mut entries = Vec::with_capacity(archive.len());
        let mut by_name = BTreeMap::new();
        for index in 0..archive.len() {
            let f = archive.by_index_raw(index).map_err(zip_err)?;
            let stored = String::from_utf8_lossy(f.name_raw()).into_owned();
            // Part names use `/`; some writers store Windows separators, which readers accept.
            let name = stored.replace('\\', "/");
            let entry = Entry {
                name: name.clone(),
                stored_name: stored,
                index,
                compressed_size: f.compressed_size(),
                size: f.size(),
                is_dir: f.is_dir(),
                encrypted: f.encrypted(),
            };
            if entry.encrypted {
                return Err(Error::encrypted(format!("zip entry {name} is encrypted")));
            }
            if by_name.insert(name.clone(), index).is_some() {
                return Err(Error::malformed(format!("zip entry {name} appears twice")));
            }
            entries.push(entry);
        }
        Ok(Package {
            archive,
            entries,
            by_name,
            limits: limits.clone(),
            budget: LimitsBudget::new(limits),
        })
    }

    /// The archive comment (free text after the central directory). [`Package::write_parts`]
    /// leaves it out.
    pub fn comment(&self) -> &[u8] {
        self.archive.comment()
    }

    /// The note for a report that a written copy of this package leaves its archive comment
    /// out, when it has one.
    pub fn comment_note(&self) -> Option<Diagnostic> {
        (!self.comment().is_empty()).then(|| {
            Diagnostic::info(
                "zip-comment-removed",
                "the zip archive comment was removed (free text outside the document's parts)",
            )
        })
    }

    /// The limits the package was opened with.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Entries in central-directory order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Does the package hold this part?
    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Reads and decompresses one part, within the per-entry, ratio and total limits.
    pub fn read(&self, name: &str) -> Result<Vec<u8>> {
        let room = self.entry(name).map_or(0, |e| {
            e.size
                .min(self.limits.entry_cap(e.compressed_size))
                .min(64 << 20)
        });
        self.with_reader(name, |r| {
            let mut out = Vec::with_capacity(room as usize);
            r.read_to_end(&mut out)
                .map_err(|e| Error::malformed(format!("zip entry {name}: {e}")))?;
            Ok(out)
        })
    }

    /// The entry of a part.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).and_then(|&i| self.entries.get(i))
    }

    /// Hands one part, decompressed as it is read, to `f`: the same limits as
    /// [`Package::read`], but the part is never held whole (a large sheet is spliced into
    /// the new package as it is read).
    pub fn with_reader<T>(
        &self,
        name: &str,
        f: impl FnOnce(&mut dyn Read) -> Result<T>,
    ) -> Result<T> {
        let index = *self
            .by_name
            .get(name)
            .ok_or_else(|| Error::malformed(format!("missing part {name}")))?;
        let entry = &self.entries[index];
        let cap = self.limits.entry_cap(entry.compressed_size);
        let mut archive = self.archive.clone();
        let file = archive.by_index(index).map_err(zip_err)?;
        let mut reader = Capped {
            inner: file.take(cap + 1),
            read: 0,
            cap,
        };
        let out = f(&mut reader);
        if reader.read > cap {
            return Err(Error::limit(format!(
                "zip entry {name} decompresses beyond the size or ratio limit (possible zip bomb)"
            )));
        }
        let out = out?;
        self.limits.check_entry(
            &format!("zip entry {name}"),
            entry.compressed_size,
            reader.read,
        )?;
        self.budget.take(reader.read)?;
        Ok(out)
    }

    /// Reads a part as UTF-8 text, or `None` when it is absent.
    pub fn read_optional(&self, name: &str) -> Result<Option<Vec<u8>>> {
        if self.contains(name) {
            self.read(name).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Writes a new package: every entry in its original order; entries named in `replace`
    /// get the new bytes (same name, compression method and timestamp), entries named in
    /// `remove` are left out, every other entry is copied raw.
    pub fn write(
        &self,
        replace: &BTreeMap<String, Vec<u8>>,
        remove: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<u8>> {
        let replace: BTreeMap<String, NewPart<'_>> = replace
            .iter()
            .map(|(k, v)| (k.clone(), NewPart::Bytes(v)))
            .collect();
        self.write_parts(replace, remove)
    }

    /// Like [`Package::write`], each replaced part given as bytes or as a writer of them:
    /// a large part is then compressed as it is made, never held whole a second time.
    pub fn write_parts(
        &self,
        mut replace: BTreeMap<String, NewPart<'_>>,
        remove: &std::collections::BTreeSet<String>,
    ) -> Result<Vec<u8>> {
        for name in replace.keys() {
            if !self.contains(name) {
                return Err(Error::internal(format!(
                    "replacement for missing part {name}"
                )));
            }
        }
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        let mut archive = self.archive.clone();
        // Large parts are made and compressed ahead, in entry order, on a thread of their own,
        // while this one writes the entries before them: every large part given as bytes (a
        // sheet's shared strings), and every large part given as a writer but the first (which
        // is made on a thread of its own while this one compresses it). Each goes into a
        // package of its own entry, copied from there as it was compressed: the same bytes as
        // compressed here.
        let mut ahead_parts: Vec<(String, SimpleFileOptions, NewPart<'_>)> = Vec::new();
        let mut ahead: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut first_writer = true;
        for entry in &self.entries {
            let Some(new) = replace.get(&entry.name) else {
                continue;
            };
            if new.size() < PIPE_FROM || remove.contains(&entry.name) {
                continue;
            }
            if let NewPart::Writer { .. } = new
                && std::mem::take(&mut first_writer)
            {
                continue;
            }
            let f = archive.by_index_raw(entry.index).map_err(zip_err)?;
            let opts = entry_options(&f, new.size());
            drop(f);
            if let Some(new) = replace.remove(&entry.name) {
                ahead_parts.push((entry.stored_name.clone(), opts, new));
                ahead.insert(&entry.name);
            }
        }
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = std::sync::mpsc::channel::<Result<Vec<u8>>>();
            let compressor = if ahead_parts.is_empty() {
                drop(tx);
                None
            } else {
                let compress = docsan_core::carry_deadline(move || {
                    for (name, opts, new) in ahead_parts {
                        let one = (|| {
                            let mut one = ZipWriter::new(Cursor::new(Vec::new()));
                            one.start_file(name, opts).map_err(zip_err)?;
                            match new {
                                NewPart::Bytes(bytes) => one
                                    .write_all(bytes)
                                    .map_err(|e| Error::io(format!("zip write: {e}")))?,
                                NewPart::Writer { write, .. } => chunked(write, &mut one)?,
                            }
                            Ok(one.finish().map_err(zip_err)?.into_inner())
                        })();
                        if tx.send(one).is_err() {
                            break;
                        }
                    }
                });
                Some(scope.spawn(compress))
            };
            let written = (|| -> Result<()> {
                for entry in &self.entries {
                    if remove.contains(&entry.name) {
                        continue;
                    }
                    if ahead.contains(entry.name.as_str()) {
                        let one = rx
                            .recv()
                            .map_err(|_| Error::internal("the part compressor stopped"))??;
                        let mut one = ZipArchive::new(Cursor::new(one)).map_err(zip_err)?;
                        let compressed = one.by_index_raw(0).map_err(zip_err)?;
                        w.raw_copy_file(compressed).map_err(zip_err)?;
                        continue;
                    }
                    let f = archive.by_index_raw(entry.index).map_err(zip_err)?;
                    match replace.remove(&entry.name) {
                        None => w.raw_copy_file(f).map_err(zip_err)?,
                        Some(new) => {
                            let opts = entry_options(&f, new.size());
                            let name = entry.stored_name.clone();
                            drop(f);
                            w.start_file(name, opts).map_err(zip_err)?;
                            match new {
                                NewPart::Bytes(bytes) => w
                                    .write_all(bytes)
                                    .map_err(|e| Error::io(format!("zip write: {e}")))?,
                                NewPart::Writer { write, size } if size >= PIPE_FROM => {
                                    piped(write, &mut w)?
                                }
                                NewPart::Writer { write, .. } => write(&mut w)?,
                            }
                        }
                    }
                }
                Ok(())
            })();
            // On an error, the receiver goes first, so the compressor stops at its next part.
            drop(rx);
            let compressed = match compressor.map(|h| h.join()) {
                Some(Err(_)) => Err(Error::internal("the part compressor panicked")),
                _ => Ok(()),
            };
            written.and(compressed)
        })?;
        // The archive comment is not copied: it is free text outside every part, which no
        // backend reads (a comment naming a person was copied into sanitized output).
        // The buffer grew by doubling: up to twice the package, held through every check of it.
        let mut out = w.finish().map_err(zip_err)?.into_inner();
        out.shrink_to_fit();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn make_zip(parts: &[(&str, &[u8], CompressionMethod)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, m) in parts {
            let t = zip::DateTime::from_date_and_time(2020, 5, 6, 7, 8, 10).unwrap();
            w.start_file(
                *name,
                SimpleFileOptions::default()
                    .compression_method(*m)
                    .last_modified_time(t),
            )
            .unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn empty_rewrite_keeps_every_entry_byte_for_byte() {
        let src = make_zip(&[
            (
                "[Content_Types].xml",
                b"<Types/>",
                CompressionMethod::Deflated,
            ),
            (
                "word/document.xml",
                "\u{feff}<w:document>数据</w:document>".as_bytes(),
                CompressionMethod::Deflated,
            ),
            (
                "word/media/a.png",
                b"\x89PNG....",
                CompressionMethod::Stored,
            ),
        ]);
        let p = Package::open(src.clone().into(), &Limits::default()).unwrap();
        let out = p.write(&BTreeMap::new(), &BTreeSet::new()).unwrap();
        assert_eq!(
            out, src,
            "raw copy of every entry must reproduce the archive"
        );
    }

    /// The archive comment is left out of a written package; the entries are not touched.
    #[test]
    fn the_archive_comment_is_not_copied() {
        let plain = make_zip(&[("a.xml", b"<a/>", CompressionMethod::Deflated)]);
        let mut w = ZipWriter::new_append(Cursor::new(plain.clone())).unwrap();
        w.set_comment("联系人 韩梅梅 13987654321").unwrap();
        let src = w.finish().unwrap().into_inner();
        let p = Package::open(src.clone().into(), &Limits::default()).unwrap();
        assert_eq!(p.comment(), "联系人 韩梅梅 13987654321".as_bytes());
        let out = p.write(&BTreeMap::new(), &BTreeSet::new()).unwrap();
        assert_eq!(out, plain);
        let again = Package::open(out.into(), &Limits::default()).unwrap();
        assert!(again.comment().is_empty());
    }

    #[test]
    fn replaced_part_keeps_order_and_others_stay_raw() {
        let src = make_zip(&[
            ("a.xml", b"<a>old</a>", CompressionMethod::Deflated),
            ("b.xml", b"<b>keep</b>", CompressionMethod::Deflated),
        ]);
        let p = Package::open(src.into(), &Limits::default()).unwrap();
        let mut rep = BTreeMap::new();
        rep.insert("a.xml".to_string(), b"<a>new</a>".to_vec());
        let out = p.write(&rep, &BTreeSet::new()).unwrap();
        let q = Package::open(out.into(), &Limits::default()).unwrap();
        let names: Vec<_> = q.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.xml", "b.xml"]);
        assert_eq!(q.read("a.xml").unwrap(), b"<a>new</a>");
        assert_eq!(q.read("b.xml").unwrap(), b"<b>keep</b>");
    }

    /// A stored (uncompressed) part replaced stays stored: it takes no compression level
    /// (the writer refused one, and a DOCX with a stored chart part failed to write).
    #[test]
    fn a_replaced_stored_part_stays_stored() {
        let src = make_zip(&[
            ("a.xml", b"<a>old</a>", CompressionMethod::Stored),
            ("b.xml", b"<b>old</b>", CompressionMethod::Deflated),
        ]);
        let p = Package::open(src.into(), &Limits::default()).unwrap();
        let mut rep = BTreeMap::new();
        rep.insert("a.xml".to_string(), b"<a>new</a>".to_vec());
        rep.insert("b.xml".to_string(), b"<b>new</b>".to_vec());
        let out = p.write(&rep, &BTreeSet::new()).unwrap();
        let mut z = ZipArchive::new(Cursor::new(out)).unwrap();
        assert_eq!(
            z.by_name("a.xml").unwrap().compression(),
            CompressionMethod::Stored
        );
        assert_eq!(
            z.by_name("b.xml").unwrap().compression(),
            CompressionMethod::Deflated
        );
    }

    /// A large part given as a writer is made on a thread of its own and compressed here:
    /// the same bytes as written in one piece, and an error of the maker part-way through
    /// fails the write.
    #[test]
    fn a_large_part_is_made_beside_its_compression() {
        let src = make_zip(&[
            ("a.xml", b"<a>old</a>", CompressionMethod::Deflated),
            ("b.xml", b"<b>keep</b>", CompressionMethod::Deflated),
        ]);
        let p = Package::open(src.into(), &Limits::default()).unwrap();
        let big: Vec<u8> = (0..(PIPE_FROM as usize + 12_345))
            .map(|i| b"<row>0123456789</row>"[i % 21] ^ (i / 4096) as u8 & 1)
            .collect();
        let mut rep = BTreeMap::new();
        let content = big.clone();
        rep.insert(
            "a.xml".to_string(),
            NewPart::Writer {
                size: big.len() as u64,
                // Odd-sized writes, so that pieces straddle the pipe's chunks.
                write: Box::new(move |w| {
                    for c in content.chunks(1000) {
                        w.write_all(c).map_err(|e| Error::io(e.to_string()))?;
                    }
                    Ok(())
                }),
            },
        );
        let out = p.write_parts(rep, &BTreeSet::new()).unwrap();
        let q = Package::open(out.into(), &Limits::default()).unwrap();
        assert_eq!(q.read("a.xml").unwrap(), big);
        assert_eq!(q.read("b.xml").unwrap(), b"<b>keep</b>");

        let mut rep = BTreeMap::new();
        rep.insert(
            "a.xml".to_string(),
            NewPart::Writer {
                size: PIPE_FROM * 2,
                write: Box::new(|w| {
                    w.write_all(&vec![b'x'; PIPE_CHUNK * 3])
                        .map_err(|e| Error::io(e.to_string()))?;
                    Err(Error::malformed("cut short"))
                }),
            },
        );
        let err = p.write_parts(rep, &BTreeSet::new()).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
    }

    /// A second large part given as a writer is made and compressed ahead, on a thread of its
    /// own, while the first is written: its entry holds the very bytes it has when it is the
    /// only one (compressed from the same pieces), and its maker's error fails the write.
    #[test]
    fn a_second_large_writer_is_compressed_ahead_to_the_same_bytes() {
        let src = make_zip(&[
            ("a.xml", b"<a>old</a>", CompressionMethod::Deflated),
            ("b.xml", b"<b>old</b>", CompressionMethod::Deflated),
            ("c.xml", b"<c>keep</c>", CompressionMethod::Deflated),
        ]);
        let p = Package::open(src.into(), &Limits::default()).unwrap();
        // Shared strings as a masked roster has them.
        let content = |seed: u64| -> Vec<u8> {
            let mut x = seed;
            let mut v = Vec::new();
            while v.len() < 3 * PIPE_FROM as usize {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let surname = ['李', '王', '张', '刘', '陈', '杨'][(x >> 40) as usize % 6];
                let tail = (x >> 20) % 10_000;
                v.extend_from_slice(
                    format!("<si><t>{surname}＊＊</t></si><si><t>340702********{tail:04}</t></si>")
                        .as_bytes(),
                );
            }
            v
        };
        // Writes of odd and varied sizes, some larger than a piece: the pieces handed to the
        // compressor differ from the writes.
        let writer = |data: Vec<u8>| NewPart::Writer {
            size: data.len() as u64,
            write: Box::new(move |w| {
                // Buffered, as a spliced part is written.
                let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
                let mut rest = &data[..];
                for n in [3, 5, 17, 40, 7, 2, 11, 100_003].iter().cycle() {
                    let (c, r) = rest.split_at((*n).min(rest.len()));
                    w.write_all(c).map_err(|e| Error::io(e.to_string()))?;
                    rest = r;
                    if rest.is_empty() {
                        break;
                    }
                }
                w.flush().map_err(|e| Error::io(e.to_string()))
            }),
        };
        let raw_entry = |zip: &[u8], name: &str| -> Vec<u8> {
            let mut z = ZipArchive::new(Cursor::new(zip)).unwrap();
            let i = z.index_for_name(name).unwrap();
            let mut f = z.by_index_raw(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            v
        };
        let alone = p
            .write_parts(
                BTreeMap::from([("b.xml".to_string(), writer(content(7)))]),
                &BTreeSet::new(),
            )
            .unwrap();
        let both = p
            .write_parts(
                BTreeMap::from([
                    ("a.xml".to_string(), writer(content(3))),
                    ("b.xml".to_string(), writer(content(7))),
                ]),
                &BTreeSet::new(),
            )
            .unwrap();
        let q = Package::open(both.clone().into(), &Limits::default()).unwrap();
        assert_eq!(q.read("a.xml").unwrap(), content(3));
        assert_eq!(q.read("b.xml").unwrap(), content(7));
        assert_eq!(q.read("c.xml").unwrap(), b"<c>keep</c>");
        let names: Vec<&str> = q.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["a.xml", "b.xml", "c.xml"]);
        assert!(
            raw_entry(&both, "b.xml") == raw_entry(&alone, "b.xml"),
            "the part compressed ahead differs from the part compressed alone"
        );

        let failing = NewPart::Writer {
            size: PIPE_FROM * 2,
            write: Box::new(|w| {
                w.write_all(&vec![b'y'; PIPE_CHUNK * 2 + 5])
                    .map_err(|e| Error::io(e.to_string()))?;
                Err(Error::malformed("ahead cut short"))
            }),
        };
        let err = p
            .write_parts(
                BTreeMap::from([
                    ("a.xml".to_string(), writer(content(3))),
                    ("b.xml".to_string(), failing),
                ]),
                &BTreeSet::new(),
            )
            .unwrap_err();
        assert!(err.to_string().contains("ahead cut short"), "{err}");
    }

    #[test]
    fn windows_separators_are_read_as_slashes_and_written_back_as_stored() {
        let src = make_zip(&[(
            "xl\\workbook.xml",
            b"<w>old</w>",
            CompressionMethod::Deflated,
        )]);
        let p = Package::open(src.into(), &Limits::default()).unwrap();
        assert!(p.contains("xl/workbook.xml"));
        let mut rep = BTreeMap::new();
        rep.insert("xl/workbook.xml".to_string(), b"<w>new</w>".to_vec());
        let out = p.write(&rep, &BTreeSet::new()).unwrap();
        let q = Package::open(out.into(), &Limits::default()).unwrap();
        assert_eq!(q.entries()[0].stored_name, "xl\\workbook.xml");
        assert_eq!(q.read("xl/workbook.xml").unwrap(), b"<w>new</w>");
    }

    #[test]
    fn zip_bomb_is_refused() {
        let big = vec![b'A'; 50 << 20];
        let src = make_zip(&[("bomb.xml", &big, CompressionMethod::Deflated)]);
        let limits = Limits {
            max_ratio: 100,
            ..Limits::default()
        };
        let p = Package::open(src.into(), &limits).unwrap();
        let e = p.read("bomb.xml").unwrap_err();
        assert_eq!(e.kind, docsan_core::ErrorKind::Limit, "{e}");
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        for bytes in [
            &b""[..],
            b"PK\x03\x04garbage",
            b"PK\x05\x06\0\0\0\0\xff\xff",
        ] {
            assert!(Package::open(bytes.to_vec().into(), &Limits::default()).is_err());
        }
    }
}
