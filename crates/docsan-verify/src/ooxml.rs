//! OOXML packages (DOCX, XLSX): every zip member, every text, every attribute.
//!
//! Members come from our own local-header scan (so orphaned and duplicate entries are read too).
//! Each member's bytes are searched raw for the originals; XML members are then tokenized and
//! turned into units: paragraphs with their runs joined (tracked deletions, text boxes and VML
//! fallbacks included, deletions also on their own), shared strings with rich-text pieces joined,
//! sheet cells resolved to their text (numeric cells too) with the column header of the first
//! row, and every attribute value (pivot cache items, comment authors, relationship targets with
//! percent-escapes decoded). Nothing is skipped by element name: unknown XML still yields text.

use crate::zipscan::{self, Member};
use crate::{Ctx, xml};
use docsan_core::{Diagnostic, Error, Format, Location, UnitKind};
use std::borrow::Cow;
use std::collections::BTreeMap;

const IMAGE_EXT: [&str; 12] = [
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".svg", ".webp",
    ".jfif",
];

fn ext_is(name: &str, exts: &[&str]) -> bool {
    let n = name.to_ascii_lowercase();
    exts.iter().any(|e| n.ends_with(e))
}

fn looks_xml(m: &Member, data: &[u8]) -> bool {
    let head: Vec<u8> = data
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .take(8)
        .collect();
    ext_is(&m.name, &[".xml", ".rels", ".vml"])
        || head.starts_with(b"<")
        || head.starts_with(b"\xEF\xBB\xBF<")
        || head.starts_with(b"\xFF\xFE<")
        || head.starts_with(b"\xFE\xFF\0<")
}

/// Whether bytes are text rather than binary: no NUL and few control characters.
fn textual(d: &[u8]) -> bool {
    let sample = d.get(..d.len().min(8192)).unwrap_or_default();
    !sample.is_empty()
        && !sample.contains(&0)
        && sample
            .iter()
            .filter(|&&c| c < 0x20 && !matches!(c, b'\t' | b'\n' | b'\r'))
            .count()
            * 50
            < sample.len()
}

/// Percent-decodes a URL (invalid escapes are kept).
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(match String::from_utf8(out) {
        Ok(s) => s,
        Err(e) => encoding_rs::GB18030
            .decode_without_bom_handling(e.as_bytes())
            .0
            .into_owned(),
    })
}

pub(crate) fn verify_ooxml(ctx: &mut Ctx<'_>, bytes: &[u8], _format: Format) -> Result<(), Error> {
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        let marker: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        if bytes.windows(marker.len()).any(|w| w == marker.as_slice()) {
            return Err(Error::encrypted(
                "password-protected OOXML (encrypted OLE package)",
            ));
        }
        return Err(Error::unsupported(
            "an OLE compound file is not an OOXML package",
        ));
    }
    let members = zipscan::scan(ctx, bytes)?;
    // Text outside every part: the archive comment and the entries' names (a picture named
    // after the person it shows), read like any other text.
    if let Some(comment) = zipscan::archive_comment(bytes) {
        let loc = ctx.loc("zip archive comment");
        ctx.scan_bytes(comment, true, &loc);
        ctx.add_unit(
            &String::from_utf8_lossy(comment),
            UnitKind::Metadata,
            loc,
            None,
            None,
        );
    }
    let mut names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let mut loc = ctx.loc(name);
        loc.detail = Some("zip entry name".into());
        ctx.add_unit(&percent_decode(name), UnitKind::Other, loc, None, None);
    }
    // Shared strings first, so that sheet cells can be resolved to their text: their part is
    // checked before the others, and its strings are collected as it is read.
    let mut shared: Vec<String> = Vec::new();
    // Which shared strings a cell uses: those are read as cells, under their column's header,
    // and only the others on their own (at the end), out of any sheet's order: read in the
    // table's order, one string took the one before it as its label (`住址` then `身份证号`),
    // and a number under `物流单号` passed for a bank card.
    let mut used: Vec<bool> = Vec::new();
    let ss_index = members
        .iter()
        .position(|m| m.listed && m.name.to_ascii_lowercase().ends_with("sharedstrings.xml"));
    let order: Vec<usize> = ss_index
        .into_iter()
        .chain((0..members.len()).filter(|&i| Some(i) != ss_index))
        .collect();
    let (sheet_names, ordered) = sheet_names(ctx, bytes, &members)?;
    if ctx.depth == 0 {
        ctx.structure.sheets = ordered;
        ctx.structure.parts = members
            .iter()
            .filter(|m| m.listed)
            .map(|m| m.name.clone())
            .collect();
    }
    let mut names_seen: BTreeMap<String, u32> = BTreeMap::new();
    for i in order {
        let m = &members[i];
        let is_ss = Some(i) == ss_index;
        ctx.parts += 1;
        let count = names_seen.entry(m.name.clone()).or_insert(0);
        *count += 1;
        let mut loc = ctx.loc(&m.name);
        if !m.listed {
            loc.detail = Some(docsan_core::format_compact!(
                "orphaned zip entry at offset {}",
                m.offset
            ));
            ctx.diagnostics.push(
                Diagnostic::info(
                    "orphaned-entry",
                    "a zip entry not listed in the central directory was checked",
                )
                .at(loc.clone()),
            );
        } else if *count > 1 {
            loc.detail = Some(docsan_core::format_compact!(
                "duplicate zip entry at offset {}",
                m.offset
            ));
        }
        let (data, complete) = m.load_checked(ctx, bytes)?;
        if !complete {
            ctx.diagnostics.push(
                Diagnostic::warning(
                    "damaged-entry",
                    "a zip entry is damaged; only the part before the damage was checked",
                )
                .at(loc.clone()),
            );
        }
        let data = &data[..];
        let is_xml = looks_xml(m, data);
        let lower = m.name.to_ascii_lowercase();
        // Printer settings hold the user's and the printer's names as UTF-16 text: short values
        // (a name of two Chinese characters) are searched there too.
        let text_bearing = is_xml
            || ext_is(&lower, &[".txt", ".csv"])
            || (lower.contains("printersettings") && ext_is(&lower, &[".bin"]));
        if is_xml {
            // The part's bytes are searched on the pool while its text is read; the residues
            // are recorded in the order of one after the other (bytes first).
            let sheet = sheet_names.get(&m.name).cloned();
            let needles = std::sync::Arc::clone(&ctx.needles);
            let at = ctx.residues.len();
            // Either may run on another thread: the time budget goes with it.
            // The text reading, the longer, starts on this thread; the byte search waits for
            // a thread that is free (with two, the other may be busy with the backend's check).
            let mut collected: Vec<String> = Vec::new();
            let strings = is_ss.then_some(&mut collected);
            let (read, hits) = rayon::join(
                docsan_core::carry_deadline(|| {
                    let table = SharedStrings {
                        items: &shared,
                        used: &mut used,
                    };
                    read_xml(ctx, m, data, &loc, table, sheet, strings)
                }),
                docsan_core::carry_deadline(|| needles.find_in_bytes(data, text_bearing)),
            );
            if is_ss {
                shared = collected;
                used = vec![false; shared.len()];
            }
            let from_text = ctx.residues.split_off(at);
            ctx.add_byte_hits(hits, &loc);
            ctx.residues.extend(from_text);
            read?;
            // A Power Query package (`DataMashup`, base64 in a custom XML item): its queries
            // may hold values typed into them (`#table(…, {{"刘海燕", "186…"}})`).
            if lower.starts_with("customxml/") {
                for (k, blob) in data_mashups(data, ctx.limits.max_xml_depth)
                    .into_iter()
                    .enumerate()
                {
                    let name = match k {
                        0 => format!("{}!DataMashup", m.name),
                        k => format!("{}!DataMashup {}", m.name, k + 1),
                    };
                    verify_mashup(ctx, &name, &blob);
                }
            }
            continue;
        }
        ctx.scan_bytes(data, text_bearing, &loc);
        if ext_is(&lower, &IMAGE_EXT) {
            ctx.diagnostics.push(
                Diagnostic::warning("image", "an image may hold text that cannot be checked")
                    .at(loc.clone()),
            );
        } else if crate::sniff(data).is_some() {
            ctx.verify_embedded(&m.name, data);
        } else if lower.contains("printersettings") {
            // Printer settings (a DEVMODE record): searched as raw bytes above, nothing else.
        } else if ext_is(&lower, &[".bin", ".ole"]) || data.starts_with(b"\xD0\xCF\x11\xE0") {
            ctx.diagnostics.push(
                Diagnostic::warning(
                    "ole-object",
                    "an embedded OLE object was only searched as raw bytes",
                )
                .at(loc.clone()),
            );
        } else if ext_is(
            &lower,
            &[".txt", ".csv", ".htm", ".html", ".mht", ".mhtml", ".rtf"],
        ) || textual(data)
        {
            // Other text (altChunk HTML or MHT, RTF, plain text): lines are units.
            ctx.verify_embedded_text(&m.name, data);
        }
    }
    if let Some(ss) = ss_index {
        for (i, text) in shared.iter().enumerate() {
            if used.get(i).copied().unwrap_or(false) || xml::is_blank(text) {
                continue;
            }
            let mut loc = ctx.loc(&members[ss].name);
            loc.detail = Some(docsan_core::format_compact!(
                "shared string {i} used by no cell"
            ));
            ctx.add_unit(text, UnitKind::Other, loc, None, None);
        }
    }
    Ok(())
}

/// Maps worksheet part names to sheet names through `xl/workbook.xml` and its relationships.
fn sheet_names(
    ctx: &Ctx<'_>,
    package: &[u8],
    members: &[Member],
) -> Result<(BTreeMap<String, String>, Vec<String>), Error> {
    let find = |n: &str| members.iter().find(|m| m.listed && m.name == n);
    let mut out = BTreeMap::new();
    let mut ordered = Vec::new();
    let Some(wb) = find("xl/workbook.xml") else {
        return Ok((out, ordered));
    };
    let rels = match find("xl/_rels/workbook.xml.rels") {
        Some(r) => r.load(ctx, package)?,
        None => std::borrow::Cow::Borrowed(&[][..]),
    };
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    let rt = xml::decode(&rels);
    let _ = xml::parse(&rt, 64, |e| {
        if let xml::Ev::Start {
            local: "Relationship",
            attrs,
            ..
        } = e
        {
            let get = |k: &str| {
                attrs
                    .iter()
                    .find(|(a, _)| *a == k)
                    .map(|(_, v)| v.to_string())
            };
            if let (Some(id), Some(t)) = (get("Id"), get("Target")) {
                let t = t.trim_start_matches('/');
                let full = if t.starts_with("xl/") {
                    t.to_string()
                } else {
                    format!("xl/{t}")
                };
                targets.insert(id, full);
            }
        }
    });
    let wb = wb.load(ctx, package)?;
    let wt = xml::decode(&wb);
    let _ = xml::parse(&wt, 64, |e| {
        if let xml::Ev::Start {
            local: "sheet",
            attrs,
            ..
        } = e
        {
            let get = |k: &str| {
                attrs
                    .iter()
                    .find(|(a, _)| *a == k)
                    .map(|(_, v)| v.to_string())
            };
            if let Some(name) = get("name") {
                ordered.push(name.clone());
                if let Some(id) = get("id")
                    && let Some(t) = targets.get(&id)
                {
                    out.insert(t.clone(), name);
                }
            }
        }
    });
    Ok((out, ordered))
}

fn part_kind(name: &str) -> UnitKind {
    let n = name.to_ascii_lowercase();
    if n.contains("docprops/") || n.contains("customxml/") {
        UnitKind::Metadata
    } else if n.contains("comments") || n.contains("threadedcomment") {
        UnitKind::Comment
    } else if n.contains("header") || n.contains("footer") {
        UnitKind::HeaderFooter
    } else if n.contains("footnotes") || n.contains("endnotes") {
        UnitKind::Footnote
    } else if n.contains("pivotcache") || n.contains("externallink") || n.contains("chart") {
        UnitKind::Cache
    } else if n.ends_with(".rels") {
        UnitKind::Hyperlink
    } else if n.contains("worksheets/") {
        UnitKind::SheetCell
    } else if n.contains("sharedstrings") {
        // The string table is not in sheet order: its entries are not cells next to each
        // other (the cells that use them are units of their own, with their headers).
        UnitKind::Other
    } else {
        UnitKind::Body
    }
}

/// The column letters of a cell reference (`B` of `B12`).
fn ref_column(r: &str) -> &str {
    let n = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    &r[..n]
}

/// Whether `hay` contains `needle` (ASCII), ignoring ASCII case.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Adds the plain integer form of a number written in exponent notation (`1.3812345678E10`).
fn numeric_forms(v: &str) -> String {
    let t = v.trim();
    if (t.contains('E') || t.contains('e'))
        && let Ok(f) = t.parse::<f64>()
        && f.is_finite()
        && f.fract() == 0.0
        && f.abs() < 1e21
    {
        return format!("{t} {f:.0}");
    }
    t.to_string()
}

/// Parts that hold only formatting (styles, themes, fonts, numbering).
fn is_formatting_part(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "styles",
        "theme",
        "fonttable",
        "numbering",
        "websettings",
        "stylesweffects",
    ]
    .iter()
    .any(|k| n.contains(k))
        && !n.ends_with(".rels")
}

/// Whether an attribute value could hold personal data worth running detection on: CJK text,
/// an e-mail sign, or a run of five or more digits.
fn looks_personal(v: &str) -> bool {
    let mut run = 0;
    for c in v.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 5 {
                return true;
            }
        } else {
            run = 0;
        }
        if c == '@' || ('\u{3400}'..='\u{9FFF}').contains(&c) {
            return true;
        }
    }
    false
}

/// An open Word table: row number, column number, header texts, this row's texts, and the
/// index of this row's first unit.
type TableState = (u32, usize, Vec<String>, Vec<String>, usize);

/// The label given to the cells of a header row.
const HEADER_LABEL: &str = "column header";

/// Whether a row of cell texts looks like column headers: at least two non-empty cells, all
/// short and without digits.
fn looks_like_header<'s>(cells: impl Iterator<Item = &'s str>) -> bool {
    let (mut n, mut with_digits) = (0, 0);
    for c in cells {
        let c = c.trim();
        if c.is_empty() {
            continue;
        }
        if c.chars().count() > 20
            || c.chars().any(|ch| matches!(ch, '*' | '＊' | ':' | '：'))
            || c.chars()
                .all(|ch| ch.is_ascii_digit() || ch == '.' || ch == ',')
        {
            return false;
        }
        if c.chars().any(|ch| ch.is_ascii_digit()) {
            with_digits += 1;
        }
        n += 1;
    }
    // A header may name a year (`2021年补助金额`) in one column, not in most.
    n >= 2 && (with_digits == 0 || (n >= 3 && with_digits * 3 <= n))
}

/// A unit waiting to be added: text, kind, location, column header, label.
type Pending<'s> = (
    Cow<'s, str>,
    UnitKind,
    Location,
    Option<String>,
    Option<String>,
);

/// An open paragraph-like element. Its text is kept in two views: as accepted (tracked
/// deletions dropped) and as originally written (tracked insertions dropped), so that a value
/// split across deleted runs is seen whole.
struct Block {
    accepted: String,
    original: String,
    kind: UnitKind,
    index: u32,
}

impl Block {
    fn push(&mut self, t: &str, in_del: bool, in_ins: bool) {
        if !in_del {
            self.accepted.push_str(t);
        }
        if !in_ins {
            self.original.push_str(t);
        }
    }
}

/// Whether an element is a paragraph-like block whose text becomes one unit.
fn is_block(local: &str) -> bool {
    matches!(
        local,
        "p" | "si"
            | "is"
            | "comment"
            | "author"
            | "oddHeader"
            | "oddFooter"
            | "evenHeader"
            | "evenFooter"
            | "firstHeader"
            | "firstFooter"
            | "f"
            | "title"
            | "tx"
    )
}

/// The printed text of a spreadsheet page header or footer (ECMA-376 Part 1, 18.3.1.39):
/// sections (`&L`, `&C`, `&R`) on lines of their own, every other code (`&"font"`, `&K`
/// colour, `&12` size, `&B`, `&P`, `&&`) taken out. `None` when it holds no code.
fn header_printed(s: &str) -> Option<String> {
    if !s.contains('&') {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '&' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('L' | 'C' | 'R' | 'l' | 'c' | 'r') => out.push('\n'),
            Some('"') => {
                for f in it.by_ref() {
                    if f == '"' {
                        break;
                    }
                }
            }
            Some('K' | 'k') => {
                for _ in 0..6 {
                    if it
                        .next_if(|x| x.is_ascii_alphanumeric() || *x == '+' || *x == '-')
                        .is_none()
                    {
                        break;
                    }
                }
            }
            Some(d) if d.is_ascii_digit() => {
                for _ in 0..2 {
                    if it.next_if(char::is_ascii_digit).is_none() {
                        break;
                    }
                }
            }
            // Fields and switches (and `&&`, one `&`): the text on their two sides is read
            // as it is printed, side by side.
            _ => {}
        }
    }
    Some(out)
}

/// The shared strings read so far, and which of them a cell has used.
struct SharedStrings<'a> {
    items: &'a [String],
    used: &'a mut [bool],
}

fn read_xml(
    ctx: &mut Ctx<'_>,
    m: &Member,
    data: &[u8],
    loc: &Location,
    table: SharedStrings<'_>,
    sheet: Option<String>,
    mut strings: Option<&mut Vec<String>>,
) -> Result<(), Error> {
    let SharedStrings {
        items: shared,
        used,
    } = table;
    // The shared strings part: its items are read as the cells that use them (and those no
    // cell uses, at the end).
    let sst_part = strings.is_some();
    let text = xml::decode(data);
    // The shared string table's items (`si`, phonetic runs left out), when asked for.
    let mut si: Option<String> = None;
    let mut si_rph = 0u32;
    let base_kind = part_kind(&m.name);
    let is_sheet = m.name.to_ascii_lowercase().contains("worksheets/");
    let is_rels = m.name.ends_with(".rels");
    let mut out: Vec<Pending<'_>> = Vec::new();
    let noise = is_formatting_part(&m.name);
    let mut stack: Vec<&str> = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut block_count = 0u32;
    let mut in_del = 0u32;
    let mut in_ins = 0u32;
    let mut loose = String::new();
    // Sheet state: whether a cell is open, its reference and type, its value text (one buffer
    // for every cell), the header row, and the cells of the current row (value, location).
    let mut cell_open = false;
    let mut cell_r: Cow<'_, str> = Cow::Borrowed("");
    let mut cell_t: Cow<'_, str> = Cow::Borrowed("");
    let mut cell_v = String::new();
    // Cells a cell was opened inside (no writer makes one): each read on after it ends.
    let mut outer_cells: Vec<(Cow<'_, str>, Cow<'_, str>, String)> = Vec::new();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut row_cells: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::new();
    // Word tables: (row number, column number, header texts, this row's texts).
    let mut tables: Vec<TableState> = Vec::new();
    let mut in_ph = 0u32;

    let max_depth = ctx.limits.max_xml_depth;
    // Units go to the context (which detects in batches) as they are read, so a big part is
    // never held whole; only the cells of an open Word table row wait, since the row may turn
    // out to be a header row and its cells labelled so.
    let res = xml::parse(&text, max_depth, |e| {
        if let Some(list) = strings.as_deref_mut() {
            match &e {
                xml::Ev::Start { local: "si", .. } => si = Some(String::new()),
                xml::Ev::Start { local: "rPh", .. } => si_rph += 1,
                xml::Ev::End { local: "rPh" } => si_rph = si_rph.saturating_sub(1),
                xml::Ev::End { local: "si" } => list.push(si.take().unwrap_or_default()),
                xml::Ev::Text(t) => {
                    if let Some(c) = si.as_mut()
                        && si_rph == 0
                    {
                        c.push_str(t);
                    }
                }
                _ => {}
            }
        }
        let row_end = matches!(&e, xml::Ev::End { local } if *local == "tr");
        match e {
            xml::Ev::Start {
                local,
                attrs,
                empty,
            } => {
                // Attributes: every value is text someone can read.
                for (name, value) in attrs {
                    if name.starts_with("rsid")
                        || matches!(
                            *name,
                            "paraId" | "textId" | "xmlns" | "space" | "r" | "s" | "t"
                        )
                        || value.chars().count() < 2
                        || (value.len() <= 8
                            && value.bytes().all(|b| b.is_ascii_hexdigit())
                            && !is_rels)
                    {
                        continue;
                    }
                    let v: Cow<'_, str> = match value {
                        Cow::Borrowed(b) if is_rels || b.contains('%') => percent_decode(b),
                        Cow::Borrowed(b) => Cow::Borrowed(*b),
                        Cow::Owned(o) if is_rels || o.contains('%') => {
                            Cow::Owned(percent_decode(o).into_owned())
                        }
                        Cow::Owned(o) => Cow::Owned(o.clone()),
                    };
                    let person = contains_ignore_case(name, "author")
                        || matches!(
                            *name,
                            "initials"
                                | "creator"
                                | "user"
                                | "userName"
                                | "refreshedBy"
                                | "modifiedBy"
                                | "createdBy"
                        )
                        || (local == "userInfo" && *name == "name");
                    let kind = if person {
                        UnitKind::Author
                    } else if is_rels || *name == "tooltip" || *name == "location" {
                        UnitKind::Hyperlink
                    } else if matches!(*name, "descr" | "title" | "alt") {
                        UnitKind::AltText
                    } else if base_kind == UnitKind::Cache {
                        UnitKind::Cache
                    } else {
                        UnitKind::Other
                    };
                    let at = || {
                        let mut l = loc.clone();
                        l.detail = Some(match &loc.detail {
                            Some(d) => {
                                docsan_core::format_compact!("{d}, attribute {local}@{name}")
                            }
                            None => docsan_core::format_compact!("attribute {local}@{name}"),
                        });
                        l
                    };
                    // Formatting attributes (style names, fonts, sizes) are searched for originals
                    // but not run through detection, where a font called 宋体 could pass for a name;
                    // a number format's literal text (`"TEL 13600001111 "@`) is shown in cells, and is.
                    let shown = !noise || *name == "formatCode";
                    if shown && (kind != UnitKind::Other || looks_personal(&v)) {
                        // The attribute name is a label only where it says what the value is: a
                        // generic `name` would make a detector read sheet names as people.
                        let label = (kind == UnitKind::Author).then(|| (*name).to_string());
                        out.push((v, kind, at(), None, label));
                    } else {
                        // The location is only built when there is something to report at it.
                        ctx.check_originals_at(&v, at);
                    }
                }
                if empty {
                    match local {
                        "tab" => {
                            if let Some(b) = blocks.last_mut() {
                                b.push("\t", in_del > 0, in_ins > 0);
                            }
                        }
                        "br" | "cr" => {
                            if let Some(b) = blocks.last_mut() {
                                b.push("\n", in_del > 0, in_ins > 0);
                            }
                        }
                        _ => {}
                    }
                }
                if local == "rPh" || local == "phoneticPr" {
                    in_ph += 1;
                }
                if is_sheet && local == "c" {
                    let get = |k: &str| {
                        attrs
                            .iter()
                            .find(|(a, _)| *a == k)
                            .map_or(Cow::Borrowed(""), |(_, v)| v.clone())
                    };
                    if std::mem::take(&mut cell_open) {
                        outer_cells.push((
                            std::mem::take(&mut cell_r),
                            std::mem::take(&mut cell_t),
                            std::mem::take(&mut cell_v),
                        ));
                    }
                    cell_open = true;
                    cell_r = get("r");
                    cell_t = get("t");
                    cell_v.clear();
                }
                if !empty && !is_sheet {
                    match local {
                        "tbl" => tables.push((0, 0, Vec::new(), Vec::new(), 0)),
                        "tr" => {
                            if let Some(t) = tables.last_mut() {
                                t.0 += 1;
                                t.1 = 0;
                                t.3.clear();
                                t.4 = out.len();
                            }
                        }
                        "tc" => {
                            if let Some(t) = tables.last_mut() {
                                t.1 += 1;
                            }
                        }
                        _ => {}
                    }
                }
                if !empty && matches!(local, "del" | "moveFrom") {
                    in_del += 1;
                }
                if !empty && matches!(local, "ins" | "moveTo") {
                    in_ins += 1;
                }
                if is_block(local) && !(is_sheet && local == "is") && !empty {
                    block_count += 1;
                    let anc = |n: &str| stack.contains(&n);
                    let kind = if anc("txbxContent") || anc("textbox") || anc("txBody") {
                        UnitKind::TextBox
                    } else if local == "author" {
                        UnitKind::Author
                    } else if local == "f" {
                        UnitKind::Field
                    } else if local.ends_with("Header") || local.ends_with("Footer") {
                        UnitKind::HeaderFooter
                    } else if anc("tc") {
                        UnitKind::TableCell
                    } else {
                        base_kind
                    };
                    blocks.push(Block {
                        accepted: String::new(),
                        original: String::new(),
                        kind,
                        index: block_count,
                    });
                }
                if !empty {
                    stack.push(local);
                }
            }
            xml::Ev::End { local } => {
                if let Some(pos) = stack.iter().rposition(|n| *n == local) {
                    stack.truncate(pos);
                }
                if local == "rPh" || local == "phoneticPr" {
                    in_ph = in_ph.saturating_sub(1);
                }
                if !is_sheet {
                    match local {
                        "tbl" => {
                            tables.pop();
                        }
                        "tr" => {
                            if let Some(t) = tables.last_mut()
                                && t.2.is_empty()
                                && looks_like_header(t.3.iter().map(String::as_str))
                            {
                                t.2 = std::mem::take(&mut t.3);
                                for u in out.iter_mut().skip(t.4) {
                                    if u.1 == UnitKind::TableCell && u.4.is_none() {
                                        u.4 = Some(HEADER_LABEL.to_string());
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
                if matches!(local, "del" | "moveFrom") {
                    in_del = in_del.saturating_sub(1);
                }
                if matches!(local, "ins" | "moveTo") {
                    in_ins = in_ins.saturating_sub(1);
                }
                if is_sheet && local == "c" {
                    if std::mem::take(&mut cell_open) {
                        let value: Cow<'_, str> = match cell_t.as_ref() {
                            "s" => match cell_v.trim().parse::<usize>().ok().and_then(|i| {
                                if let Some(u) = used.get_mut(i) {
                                    *u = true;
                                }
                                shared.get(i)
                            }) {
                                Some(s) => Cow::Borrowed(s.as_str()),
                                None => Cow::Owned(cell_v.clone()),
                            },
                            "inlineStr" | "str" | "e" | "b" => Cow::Owned(cell_v.clone()),
                            _ => Cow::Owned(numeric_forms(&cell_v)),
                        };
                        row_cells.push((value, std::mem::take(&mut cell_r)));
                    }
                    if let Some((r, t, v)) = outer_cells.pop() {
                        cell_open = true;
                        cell_r = r;
                        cell_t = t;
                        cell_v = v;
                    }
                } else if is_sheet && local == "row" {
                    // The first row that looks like column headers names the columns below it.
                    let is_header = headers.is_empty()
                        && looks_like_header(row_cells.iter().map(|c| c.0.as_ref()));
                    // Units go straight to the context (no Word table is ever open in a sheet,
                    // so nothing waits in `out`), which writes them into spare buffers.
                    debug_assert!(out.is_empty());
                    for (value, r) in row_cells.drain(..) {
                        let col = ref_column(&r);
                        if is_header {
                            headers.insert(col.to_string(), value.trim().to_string());
                            // Header cells say so, so that a detector does not read one header
                            // as the label of the next.
                            ctx.add_cell(
                                &value,
                                loc,
                                sheet.as_deref(),
                                &r,
                                None,
                                Some(HEADER_LABEL),
                            );
                        } else {
                            let header = headers.get(col).map(String::as_str);
                            ctx.add_cell(&value, loc, sheet.as_deref(), &r, header, None);
                        }
                    }
                } else if is_block(local)
                    && !(is_sheet && local == "is")
                    && let Some(b) = blocks.pop()
                {
                    let mut l = loc.clone();
                    l.line = Some(b.index);
                    if sheet.is_some() {
                        l.sheet = sheet.clone().map(Into::into);
                    }
                    // Inside a Word table: remember the row's texts, name the column.
                    let mut header = None;
                    if local == "p"
                        && stack.contains(&"tc")
                        && let Some(t) = tables.last_mut()
                    {
                        let col = t.1.max(1) - 1;
                        if t.3.len() <= col {
                            t.3.resize(col + 1, String::new());
                        }
                        t.3[col].push_str(b.accepted.trim());
                        if !t.2.is_empty() {
                            header = t.2.get(col).cloned().filter(|h| !h.is_empty());
                        }
                        l.cell = Some(docsan_core::format_compact!(
                            "table row {}, column {}",
                            t.0,
                            col + 1
                        ));
                    }
                    if b.original != b.accepted {
                        let mut d = l.clone();
                        d.detail = Some("text before tracked changes".into());
                        out.push((
                            Cow::Owned(b.original),
                            UnitKind::TrackedDeletion,
                            d,
                            header.clone(),
                            None,
                        ));
                    }
                    // A formula's string literals joined (`CONCATENATE("320106","19840704",
                    // "561X")`, `"139"&"55556789"`): a value may be spelt in pieces.
                    if b.kind == UnitKind::Field
                        && local == "f"
                        && let Some(joined) = formula_pieces(&b.accepted)
                    {
                        let mut d = l.clone();
                        d.detail = Some("formula string pieces joined".into());
                        out.push((Cow::Owned(joined), UnitKind::Field, d, None, None));
                    }
                    // A spreadsheet page header's printed text (`oddHeader` …), without the
                    // codes that may split a value (`&L138&B1234&I5678`), is read besides the
                    // text as it is stored. (A Word header's `&` is an ampersand.)
                    if b.kind == UnitKind::HeaderFooter
                        && (local.ends_with("Header") || local.ends_with("Footer"))
                        && let Some(p) = header_printed(&b.accepted)
                    {
                        let mut d = l.clone();
                        d.detail = Some("printed text".into());
                        out.push((Cow::Owned(p), b.kind, d, None, None));
                    }
                    if !(sst_part && local == "si") {
                        out.push((Cow::Owned(b.accepted), b.kind, l, header, None));
                    }
                } else if blocks.is_empty() && !cell_open && !loose.trim().is_empty() {
                    let l = Location {
                        detail: Some(docsan_core::format_compact!("element {local}")),
                        ..loc.clone()
                    };
                    // The element name labels the text only where it names a person's role
                    // (`creator`, `lastModifiedBy`, `Manager`); others (`name`, `Company`) would
                    // mislead a detector.
                    let label = matches!(
                        local,
                        "creator" | "lastModifiedBy" | "Manager" | "author" | "Author"
                    )
                    .then(|| local.to_string());
                    // Formula text outside cells (defined names, validation and conditional
                    // format formulas): its string literals joined, too.
                    if matches!(
                        local,
                        "definedName" | "formula" | "formula1" | "formula2" | "f"
                    ) && let Some(joined) = formula_pieces(&loose)
                    {
                        let mut d = l.clone();
                        d.detail = Some(docsan_core::format_compact!(
                            "element {local}, formula string pieces joined"
                        ));
                        out.push((Cow::Owned(joined), UnitKind::Field, d, None, None));
                    }
                    out.push((
                        Cow::Owned(std::mem::take(&mut loose)),
                        base_kind,
                        l,
                        None,
                        label,
                    ));
                }
                loose.clear();
            }
            xml::Ev::Text(t) => {
                let parent = stack.last().copied().unwrap_or("");
                let textual = matches!(
                    parent,
                    "t" | "delText" | "instrText" | "v" | "f" | "delInstrText"
                );
                if xml::is_blank(&t) && !textual {
                    return;
                }
                // A phonetic reading is not part of its string's text, but it is text a reader
                // can show: read on its own.
                if in_ph > 0 {
                    let mut l = loc.clone();
                    l.detail = Some("phonetic reading".into());
                    out.push((Cow::Owned(t.into_owned()), base_kind, l, None, None));
                    return;
                }
                match blocks.last_mut() {
                    _ if cell_open && parent != "f" => cell_v.push_str(&t),
                    Some(b) => b.push(&t, in_del > 0, in_ins > 0),
                    None => loose.push_str(&t),
                }
            }
        }
        if !out.is_empty() && (tables.is_empty() || (row_end && tables.len() == 1)) {
            for (text, kind, l, header, label) in out.drain(..) {
                ctx.add_unit(&text, kind, l, header, label);
            }
        }
    });
    for (text, kind, l, header, label) in out {
        ctx.add_unit(&text, kind, l, header, label);
    }
    if res.is_err() {
        return Err(Error::limit(format!(
            "{} nests XML deeper than {} levels",
            m.name, ctx.limits.max_xml_depth
        )));
    }
    Ok(())
}

/// The string literals of a formula joined, and its number literals joined by `&`
/// (`"320106"&19840704&"561X"`) or given as arguments to a function that joins text
/// (`CONCATENATE(139,"55556789")`, `CONCAT`, `TEXTJOIN`), when it has two or more (a doubled
/// quote inside a string stands for a quote).
fn formula_pieces(f: &str) -> Option<String> {
    let upper = f.to_ascii_uppercase();
    let joins = upper.contains("CONCAT") || upper.contains("TEXTJOIN");
    let mut out = String::new();
    let mut count = 0;
    let c: Vec<char> = f.chars().collect();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_ascii_digit() {
            let glued =
                i > 0 && (c[i - 1].is_alphanumeric() || matches!(c[i - 1], '$' | '_' | '.'));
            let start = i;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            let before = c[..start].iter().rev().find(|x| !x.is_whitespace());
            let after = c[i..].iter().find(|x| !x.is_whitespace());
            let name_after = c.get(i).is_some_and(|x| x.is_alphabetic() || *x == '_');
            let argument = joins
                && matches!(before, Some('(' | ',' | ';'))
                && matches!(after, Some(')' | ',' | ';'));
            if !glued && !name_after && (before == Some(&'&') || after == Some(&'&') || argument) {
                count += 1;
                out.extend(&c[start..i]);
            }
            continue;
        }
        if c[i] != '"' {
            i += 1;
            continue;
        }
        count += 1;
        i += 1;
        loop {
            match c.get(i) {
                Some('"') if c.get(i + 1) == Some(&'"') => {
                    out.push('"');
                    i += 2;
                }
                Some('"') => {
                    i += 1;
                    break;
                }
                None => break,
                Some(&x) => {
                    out.push(x);
                    i += 1;
                }
            }
        }
    }
    (count >= 2).then_some(out)
}

/// The decoded blobs of a part's Power Query `DataMashup` elements (in a custom XML item,
/// usually UTF-16), read with this crate's own XML reader: any prefix, any number of them,
/// their text with references and CDATA decoded and comments left out.
pub(crate) fn data_mashups(data: &[u8], max_depth: u32) -> Vec<Vec<u8>> {
    let text = xml::decode(data);
    if !text.contains("DataMashup") {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut open: Option<String> = None;
    let _ = xml::parse(&text, max_depth, |e| match e {
        xml::Ev::Start {
            local: "DataMashup",
            empty: false,
            ..
        } => open = Some(String::new()),
        xml::Ev::Text(t) => {
            if let Some(o) = open.as_mut() {
                o.push_str(&t);
            }
        }
        xml::Ev::End {
            local: "DataMashup",
        } => {
            if let Some(b) = open.take().and_then(|o| base64_decode(&o)) {
                out.push(b);
            }
        }
        _ => {}
    });
    out
}

/// Verifies a Power Query blob: a version (4 bytes), the package's length (4 bytes,
/// little-endian), the package (a zip of the queries), then permissions and metadata (query
/// names and descriptions, as XML, and another zip). The package is verified as an embedded
/// document; what follows it (or, when the length does not fit, the whole blob) as text, and
/// every other zip found in it as an embedded document too.
fn verify_mashup(ctx: &mut Ctx<'_>, name: &str, blob: &[u8]) {
    let declared = blob
        .get(4..8)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let (package, rest) = match declared {
        Some(len) if len > 0 && blob.len() >= 8 + len && blob[8..].starts_with(b"PK") => {
            (Some(&blob[8..8 + len]), &blob[8 + len..])
        }
        _ => (None, blob),
    };
    if let Some(p) = package {
        ctx.verify_embedded(name, p);
    }
    let loc = ctx.loc(name);
    ctx.scan_bytes(rest, true, &loc);
    ctx.verify_embedded_text(&format!("{name}!metadata"), rest);
    // Zips inside what follows (the metadata's content, or a package whose length lies),
    // each up to the end of its end record.
    let mut from = 0;
    for _ in 0..16 {
        let Some(off) = rest[from..].windows(4).position(|w| w == b"PK\x03\x04") else {
            break;
        };
        let at = from + off;
        let Some(e) = rest[at..].windows(4).position(|w| w == b"PK\x05\x06") else {
            break;
        };
        let comment = rest
            .get(at + e + 20..at + e + 22)
            .map_or(0, |c| usize::from(u16::from_le_bytes([c[0], c[1]])));
        let end = (at + e + 22 + comment).min(rest.len());
        ctx.verify_embedded(&format!("{name}!zip at {at}"), &rest[at..end]);
        from = end;
    }
}

/// Standard base64 (whitespace ignored, `=` padding optional); `None` on any other character.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_pieces_are_joined() {
        assert_eq!(
            formula_pieces(r#"CONCATENATE("320106","19840704","561X")"#).as_deref(),
            Some("32010619840704561X")
        );
        assert_eq!(
            formula_pieces(r#""139"&"5555"&A1"#).as_deref(),
            Some("1395555")
        );
        assert_eq!(formula_pieces(r#""a""b"&"c""#).as_deref(), Some("a\"bc"));
        assert_eq!(formula_pieces(r#"SUM(A1:A3)&"元""#), None);
        assert_eq!(
            formula_pieces(r#""320106"&19840704&"561X""#).as_deref(),
            Some("32010619840704561X")
        );
        assert_eq!(
            formula_pieces("139&55556789").as_deref(),
            Some("13955556789")
        );
        assert_eq!(formula_pieces(r#"A1&B1&LOG10(2)&"x""#), None);
    }

    #[test]
    fn header_codes_are_read_through() {
        let p = |s: &str| header_printed(s).unwrap_or_else(|| s.to_string());
        assert_eq!(p("&L15011112222"), "\n15011112222");
        assert_eq!(p("138&\"Arial\"1234&B5678"), "13812345678");
        assert_eq!(p("110101&K000000199003071233"), "110101199003071233");
        assert_eq!(
            p("&L制表人：&\"宋体,加粗\"吴京&R&12第&P页"),
            "\n制表人：吴京\n第页"
        );
        assert_eq!(p("&K01+050张三"), "张三");
        assert_eq!(p("plain"), "plain");
    }
}
