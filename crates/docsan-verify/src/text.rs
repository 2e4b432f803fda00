//! Plain text and CSV: decoded by their byte-order mark or as UTF-8, else GB18030.
//!
//! Text files are the simplest case but still come in several encodings in Chinese offices;
//! the raw bytes are searched in every encoding as well, so a wrong guess here cannot hide an
//! original value. Lines are units; CSV cells are units with their column header.

use crate::Ctx;
use docsan_core::{Error, Location, UnitKind};

/// Decodes text bytes: BOMs first, then strict UTF-8, then GB18030.
/// UTF-8 without a BOM is borrowed, not copied.
pub(crate) fn decode(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let rest = bytes.get(bom..).unwrap_or_default();
        return enc.decode_without_bom_handling(rest).0;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => encoding_rs::GB18030.decode_without_bom_handling(bytes).0,
    }
}

/// Splits one CSV record set into rows of cells, honouring quotes (a quoted cell may hold
/// separators and line breaks), and hands each row to `f` as it ends: a large file is never
/// held as cells.
pub(crate) fn csv_rows(text: &str, mut f: impl FnMut(Vec<String>)) {
    let sep = {
        let first = text.lines().next().unwrap_or("");
        if first.matches('\t').count() > first.matches(',').count() {
            '\t'
        } else {
            ','
        }
    };
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
        } else if c == '"' {
            quoted = true;
        } else if c == sep {
            row.push(std::mem::take(&mut cell));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            row.push(std::mem::take(&mut cell));
            f(std::mem::take(&mut row));
        } else {
            cell.push(c);
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        f(row);
    }
}

pub(crate) fn verify_text(ctx: &mut Ctx<'_>, bytes: &[u8], csv: bool) -> Result<(), Error> {
    ctx.parts += 1;
    let whole = ctx.loc("text");
    ctx.scan_bytes(bytes, true, &whole);
    let text = decode(bytes);
    for (i, line) in text.lines().enumerate() {
        let mut loc = ctx.loc("text");
        loc.line = Some(i as u32 + 1);
        ctx.add_unit(line, UnitKind::Body, loc, None, None);
    }
    if csv {
        let mut header: Vec<String> = Vec::new();
        let mut r = 0usize;
        csv_rows(&text, |row| {
            if r == 0 {
                header = row.clone();
            }
            for (c, cell) in row.iter().enumerate() {
                let loc = Location {
                    cell: Some(docsan_core::format_compact!(
                        "row {}, column {}",
                        r + 1,
                        c + 1
                    )),
                    ..ctx.loc("text")
                };
                let h = if r > 0 {
                    header.get(c).map(|h| h.trim().to_string())
                } else {
                    None
                };
                // Header cells say so, so that a detector does not read one header as the
                // label of the next.
                let label = (r == 0).then(|| "column header".to_string());
                ctx.add_unit(cell, UnitKind::TableCell, loc, h, label);
            }
            r += 1;
        });
    }
    Ok(())
}
