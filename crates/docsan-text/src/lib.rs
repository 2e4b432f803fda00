//! Plain text and CSV backend.
//!
//! Many disclosure lists are published as CSV or plain text, often in GBK. This backend decodes
//! the file (UTF-8, UTF-8 with BOM, UTF-16 with BOM, else GB18030), makes one unit per line
//! (text) or per cell (CSV, with the column header from the first non-empty row as context),
//! and writes edits back into the same places.
//!
//! Invariants:
//! - An empty plan returns the input bytes unchanged.
//! - Edits are applied to the decoded text and the result re-encoded in the input's encoding;
//!   a file whose decoding does not round-trip exactly is refused rather than silently altered.
//! - CSV quoting is kept: a cell's quotes and doubled quotes stay where they were; only the
//!   characters of the masked value change.

#![forbid(unsafe_code)]

mod csv;
mod decode;

pub use decode::{Decoded, TextEncoding, decode, looks_binary};

use docsan_core::{
    Backend, CompactString, Diagnostic, Document, Error, Format, Limits, Location, Plan, Result,
    TextUnit, UnitContext, UnitId, UnitKind, UnitSink,
};

/// The plain text backend: one unit per line.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextBackend;

/// The CSV backend: one unit per cell, column header as context. `delimiter` `None` sniffs
/// comma, tab or semicolon from the first lines.
#[derive(Debug, Default, Clone, Copy)]
pub struct CsvBackend {
    pub delimiter: Option<u8>,
}

/// A contiguous piece of a unit's text that stands verbatim in the decoded file.
#[derive(Clone, Copy, Debug, Default)]
struct Segment {
    /// Byte offset in the unit text.
    unit: usize,
    /// Byte offset in the decoded file text.
    source: usize,
    len: usize,
    /// A doubled quote inside a quoted cell: one `"` of the text, two bytes in the file.
    doubled: bool,
}

/// A unit's segments: nearly always the whole text as one verbatim stretch of the file, kept
/// as its start and length in 24 bytes without an allocation of its own (a CSV has one per
/// cell: 40 bytes each cost 11 MB more on a 100k-row file).
#[derive(Clone, Debug)]
enum Segs {
    Whole { source: usize, len: u32 },
    Many(Vec<Segment>),
}

impl Segs {
    fn from_vec(mut v: Vec<Segment>) -> Self {
        if let [s] = v.as_slice()
            && s.unit == 0
            && !s.doubled
            && let Ok(len) = u32::try_from(s.len)
        {
            return Segs::Whole {
                source: s.source,
                len,
            };
        }
        v.shrink_to_fit();
        Segs::Many(v)
    }

    /// The segments, the one of a whole text written into `one`.
    fn get<'a>(&'a self, one: &'a mut [Segment; 1]) -> &'a [Segment] {
        match self {
            Segs::Whole { source, len } => {
                one[0] = Segment {
                    unit: 0,
                    source: *source,
                    len: *len as usize,
                    doubled: false,
                };
                &one[..]
            }
            Segs::Many(v) => v,
        }
    }
}

#[derive(Debug)]
struct TextDocument {
    /// The input, when it is not UTF-8 (UTF-8 input is the decoded text, with its BOM).
    input: Option<Vec<u8>>,
    decoded: Decoded,
    units: Vec<TextUnit>,
    /// After [`Document::release_context`] (then `units` is empty): how many units there
    /// are, and the texts of those that are not one verbatim stretch of the decoded file
    /// (quoted cells with doubled quotes), by unit. The others are read from the file's text:
    /// a large CSV's cells are not held twice.
    count: usize,
    texts: Vec<(u32, CompactString)>,
    segments: Vec<Segs>,
    diagnostics: Vec<Diagnostic>,
}

/// The text of a unit of `segs` when it is one verbatim stretch of `text`.
fn verbatim_in<'t>(text: &'t str, segs: &Segs) -> Option<&'t str> {
    match segs {
        Segs::Whole { source, len } => text.get(*source..*source + *len as usize),
        Segs::Many(v) => match v.as_slice() {
            [s] if !s.doubled && s.unit == 0 => text.get(s.source..s.source + s.len),
            _ => None,
        },
    }
}

impl TextDocument {
    fn new(bytes: &[u8], decoded: Decoded, units: Vec<TextUnit>, segments: Vec<Segs>) -> Self {
        let utf8 = matches!(
            decoded.encoding,
            decode::TextEncoding::Utf8 | decode::TextEncoding::Utf8Bom
        );
        let diagnostics = decoded.diagnostics();
        TextDocument {
            input: (!utf8).then(|| bytes.to_vec()),
            decoded,
            units,
            count: 0,
            texts: Vec::new(),
            segments,
            diagnostics,
        }
    }

    /// The input bytes.
    fn input(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.input {
            Some(b) => std::borrow::Cow::Borrowed(b),
            None if self.decoded.encoding == decode::TextEncoding::Utf8Bom => {
                std::borrow::Cow::Owned(
                    [&[0xEF, 0xBB, 0xBF][..], self.decoded.text.as_bytes()].concat(),
                )
            }
            None => std::borrow::Cow::Borrowed(self.decoded.text.as_bytes()),
        }
    }

    /// Unit `i`'s text when it stands verbatim, as one stretch, in the decoded file.
    fn verbatim(&self, i: usize) -> Option<&str> {
        verbatim_in(&self.decoded.text, self.segments.get(i)?)
    }

    /// Hands `f` each (source byte range, replacement) of the plan in the decoded text, in
    /// the plan's order: one per edit, or one per character where an edit crosses a doubled
    /// quote. Stops when `f` returns `false`, and then returns `false`.
    fn each_replacement(
        &self,
        plan: &Plan,
        f: &mut dyn FnMut(usize, usize, &str) -> Result<bool>,
    ) -> Result<bool> {
        for edit in &plan.edits {
            let i = edit.unit.0 as usize;
            let text = self
                .text(i)
                .ok_or_else(|| Error::internal("edit names a unit that does not exist"))?;
            let mut one = [Segment::default()];
            let segs = self
                .segments
                .get(i)
                .ok_or_else(|| Error::internal("edit names a unit that does not exist"))?
                .get(&mut one);
            let old = text
                .get(edit.range.clone())
                .ok_or_else(|| Error::internal("edit range is not on character boundaries"))?;
            // An edit inside one verbatim segment (no doubled quote) replaces its source bytes
            // at once; otherwise it goes character by character.
            let verbatim = segs.iter().find(|s| {
                !s.doubled && edit.range.start >= s.unit && edit.range.end <= s.unit + s.len
            });
            if let Some(seg) = verbatim {
                let s = seg.source + (edit.range.start - seg.unit);
                if !f(s, s + edit.range.len(), &edit.replacement)? {
                    return Ok(false);
                }
                continue;
            }
            let old_chars: Vec<(usize, char)> = old
                .char_indices()
                .map(|(o, c)| (o + edit.range.start, c))
                .collect();
            let new_chars: Vec<char> = edit.replacement.chars().collect();
            if old_chars.len() != new_chars.len() {
                return Err(Error::refused(
                    "a replacement of another length spans quoted CSV text",
                ));
            }
            for ((uo, oc), nc) in old_chars.iter().zip(&new_chars) {
                let (src, doubled) = map_offset(segs, *uo)
                    .ok_or_else(|| Error::refused("masked character has no place in the file"))?;
                // A doubled quote is replaced whole; a new quote inside quotes is doubled.
                let len = if doubled { 2 } else { oc.len_utf8() };
                let mut buf = [0u8; 4];
                let new: &str = if *nc == '"' && doubled {
                    "\"\""
                } else {
                    nc.encode_utf8(&mut buf)
                };
                if !f(src, src + len, new)? {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    fn text(&self, i: usize) -> Option<&str> {
        if let Some(u) = self.units.get(i) {
            return Some(&u.text);
        }
        if i >= self.count {
            return None;
        }
        match self.texts.binary_search_by_key(&(i as u32), |t| t.0) {
            Ok(k) => Some(&self.texts[k].1),
            Err(_) => self.verbatim(i),
        }
    }
}

fn check_input(bytes: &[u8], limits: &Limits) -> Result<()> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(Error::limit("input is larger than the input size limit"));
    }
    Ok(())
}

impl Backend for TextBackend {
    fn format(&self) -> Format {
        Format::Text
    }

    fn open(&self, bytes: &[u8], limits: &Limits) -> Result<Box<dyn Document>> {
        check_input(bytes, limits)?;
        let decoded = decode(bytes)?;
        let mut units = Vec::new();
        let mut segments = Vec::new();
        let mut start = 0usize;
        let text = &decoded.text;
        for (line_no, line) in text.split_inclusive('\n').enumerate() {
            let body = line.trim_end_matches(['\n', '\r']);
            if !body.trim().is_empty() {
                if units.len() as u64 >= u64::from(limits.max_units) {
                    return Err(Error::limit("more text units than the unit limit"));
                }
                let id = UnitId(units.len() as u32);
                let loc = Location {
                    line: Some(line_no as u32 + 1),
                    ..Location::default()
                };
                units.push(TextUnit::new(
                    id,
                    body,
                    UnitContext::new(UnitKind::Body, loc),
                ));
                segments.push(Segs::from_vec(vec![Segment {
                    unit: 0,
                    source: start,
                    len: body.len(),
                    doubled: false,
                }]));
            }
            start += line.len();
        }
        Ok(Box::new(TextDocument::new(bytes, decoded, units, segments)))
    }
}

impl Backend for CsvBackend {
    fn format(&self) -> Format {
        Format::Csv
    }

    fn open(&self, bytes: &[u8], limits: &Limits) -> Result<Box<dyn Document>> {
        self.extract(bytes, limits, UnitSink::Keep)
            .map(|d| Box::new(d) as Box<dyn Document>)
    }

    /// The same extraction as `open`, each unit handed to `sink` as its row is parsed; the
    /// document keeps each unit's text and where it stands in the file.
    fn open_streaming(
        &self,
        bytes: &[u8],
        limits: &Limits,
        sink: &mut dyn FnMut(TextUnit),
    ) -> Result<Box<dyn Document>> {
        self.extract(bytes, limits, UnitSink::Stream(sink))
            .map(|d| Box::new(d) as Box<dyn Document>)
    }

    /// The same extraction as `open`, each unit handed to `f` as its row is parsed and none
    /// kept.
    fn for_each_unit(
        &self,
        bytes: &[u8],
        limits: &Limits,
        f: &mut dyn FnMut(&TextUnit),
    ) -> Result<()> {
        self.extract(bytes, limits, UnitSink::Check(f)).map(drop)
    }
}

impl CsvBackend {
    /// Parses a CSV file into units, kept or handed over as `sink` says.
    fn extract(
        &self,
        bytes: &[u8],
        limits: &Limits,
        mut sink: UnitSink<'_>,
    ) -> Result<TextDocument> {
        check_input(bytes, limits)?;
        let decoded = decode(bytes)?;
        let delimiter = self
            .delimiter
            .unwrap_or_else(|| csv::sniff_delimiter(&decoded.text));
        let mut units: Vec<TextUnit> = Vec::new();
        let mut texts: Vec<(u32, CompactString)> = Vec::new();
        let mut segments: Vec<Segs> = Vec::new();
        let mut header: Option<Vec<String>> = None;
        let mut r = 0usize;
        let mut count = 0u64;
        // Rows become units as they are parsed, so a large file is never held as cells and as
        // units at once.
        csv::parse_rows(&decoded.text, delimiter, |row| -> Result<()> {
            let is_header = header.is_none() && row.iter().any(|c| !c.text.trim().is_empty());
            if is_header {
                header = Some(row.iter().map(|c| c.text.trim().to_string()).collect());
            }
            let header_now = if is_header { None } else { header.as_ref() };
            // In a two-column "label, value" list, the left cell names the value.
            let mut left: Option<docsan_core::CompactString> = None;
            for (c, cell) in row.into_iter().enumerate() {
                let label = left.take();
                let n = cell.text.chars().count();
                if n > 0 && n <= 12 && !cell.text.chars().any(|ch| ch.is_ascii_digit()) {
                    left = Some(cell.text.as_str().into());
                }
                if cell.text.trim().is_empty() {
                    continue;
                }
                if count >= u64::from(limits.max_units) {
                    return Err(Error::limit("more text units than the unit limit"));
                }
                let id = UnitId(count as u32);
                count += 1;
                let loc = Location {
                    cell: Some(docsan_core::format_compact!("{}{}", column_name(c), r + 1)),
                    line: Some(cell.line as u32),
                    ..Location::default()
                };
                let mut ctx = UnitContext::new(UnitKind::TableCell, loc);
                if let Some(h) = header_now {
                    ctx.column_header = h
                        .get(c)
                        .filter(|s| !s.trim().is_empty())
                        .map(|s| s.as_str().into());
                    if c > 0 {
                        ctx.label = label;
                    }
                }
                let unit = TextUnit::new(id, cell.text, ctx);
                match &mut sink {
                    UnitSink::Check(f) => f(&unit),
                    UnitSink::Stream(f) => {
                        let segs = Segs::from_vec(cell.segments);
                        if verbatim_in(&decoded.text, &segs) != Some(unit.text.as_str()) {
                            texts.push((id.0, unit.text.clone()));
                        }
                        segments.push(segs);
                        f(unit);
                    }
                    UnitSink::Keep => {
                        units.push(unit);
                        segments.push(Segs::from_vec(cell.segments));
                    }
                }
            }
            r += 1;
            Ok(())
        })?;
        units.shrink_to_fit();
        texts.shrink_to_fit();
        segments.shrink_to_fit();
        let mut doc = TextDocument::new(bytes, decoded, units, segments);
        if matches!(sink, UnitSink::Stream(_)) {
            doc.count = count as usize;
            doc.texts = texts;
        }
        Ok(doc)
    }
}

/// `0` → `A`, `26` → `AA`.
fn column_name(mut c: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

impl Document for TextDocument {
    fn units(&self) -> &[TextUnit] {
        &self.units
    }

    fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    fn unit_count(&self) -> usize {
        self.units.len().max(self.count)
    }

    fn unit_text(&self, i: u32) -> Option<&str> {
        self.text(i as usize)
    }

    fn release_context(&mut self) {
        if !self.units.is_empty() {
            let units = std::mem::take(&mut self.units);
            self.count = units.len();
            self.texts = units
                .into_iter()
                .enumerate()
                .filter(|(i, u)| self.verbatim(*i) != Some(u.text.as_str()))
                .map(|(i, u)| (i as u32, u.text))
                .collect();
        }
    }

    fn rewrite(&mut self, plan: &Plan, _diagnostics: &mut Vec<Diagnostic>) -> Result<Vec<u8>> {
        if plan.edits.is_empty() {
            return Ok(self.input().into_owned());
        }
        let text = &self.decoded.text;
        // Room for a byte-order mark too: UTF-8 output is this buffer itself.
        let mut out = String::with_capacity(text.len() + 3);
        // The edits come cell after cell, so their places in the file nearly always do too:
        // they are written as they come, without a list of them (a CSV has one per personal
        // cell). Should one come before the last, the output is built again from a sorted list.
        let mut pos = 0usize;
        let in_order = self.each_replacement(plan, &mut |s, e, new| {
            if s < pos {
                return Ok(false);
            }
            out.push_str(&text[pos..s]);
            out.push_str(new);
            pos = e;
            Ok(true)
        })?;
        if in_order {
            out.push_str(&text[pos..]);
        } else {
            let mut replacements: Vec<(usize, usize, CompactString)> = Vec::new();
            self.each_replacement(plan, &mut |s, e, new| {
                replacements.push((s, e, new.into()));
                Ok(true)
            })?;
            replacements.sort_by_key(|r| r.0);
            for w in replacements.windows(2) {
                if w[0].1 > w[1].0 {
                    return Err(Error::internal("overlapping edits"));
                }
            }
            out.clear();
            let mut pos = 0;
            for (s, e, r) in &replacements {
                out.push_str(&text[pos..*s]);
                out.push_str(r);
                pos = *e;
            }
            out.push_str(&text[pos..]);
        }
        // The original is compared only for encodings other than UTF-8.
        self.decoded
            .encode_owned(out, self.input.as_deref().unwrap_or(&[]))
    }
}

/// Maps a unit byte offset to the decoded file text offset, and tells whether the character
/// there is a doubled quote (two bytes in the file).
fn map_offset(segs: &[Segment], unit_off: usize) -> Option<(usize, bool)> {
    let s = segs
        .iter()
        .find(|s| unit_off >= s.unit && unit_off < s.unit + s.len)?;
    Some((s.source + (unit_off - s.unit), s.doubled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use docsan_core::Edit;

    fn mask(doc: &mut Box<dyn Document>, unit: u32, needle: &str, with: &str) -> Vec<u8> {
        let u = &doc.units()[unit as usize];
        let start = u.text.find(needle).expect("needle in unit");
        let plan = Plan {
            edits: vec![Edit {
                unit: UnitId(unit),
                range: start..start + needle.len(),
                replacement: with.into(),
            }],
            ..Plan::default()
        };
        doc.rewrite(&plan, &mut Vec::new()).unwrap()
    }

    #[test]
    fn csv_cells_carry_headers_and_masks_land_in_place() {
        let src = "序号,姓名,身份证号,备注\n1,张三,340702199001011234,\"说明,\"\"含引号\"\"\"\n"
            .as_bytes();
        let mut doc = CsvBackend::default().open(src, &Limits::default()).unwrap();
        let units = doc.units();
        let id = units
            .iter()
            .find(|u| u.text == "340702199001011234")
            .unwrap();
        assert_eq!(id.context.column_header.as_deref(), Some("身份证号"));
        assert_eq!(id.context.location.cell.as_deref(), Some("C2"));
        let note = units.iter().find(|u| u.text.starts_with("说明")).unwrap();
        assert_eq!(note.text, "说明,\"含引号\"");
        let (nid, idid) = (note.id.0, id.id.0);
        let out = mask(&mut doc, idid, "19900101", "********");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "序号,姓名,身份证号,备注\n1,张三,340702********1234,\"说明,\"\"含引号\"\"\"\n"
        );
        // A mask across a doubled quote keeps the quoting.
        let mut doc = CsvBackend::default().open(src, &Limits::default()).unwrap();
        let out = mask(&mut doc, nid, "\"含引号\"", "*＊＊＊*");
        assert!(
            String::from_utf8(out)
                .unwrap()
                .ends_with(",\"说明,*＊＊＊*\"\n")
        );
    }

    #[test]
    fn edits_out_of_file_order_give_the_same_bytes() {
        let src = "姓名,身份证号,备注\n张三,340702199001011234,\"他说\"\"138\"\"\"\n李四,110105195208121887,无\n"
            .as_bytes();
        let mut doc = CsvBackend::default().open(src, &Limits::default()).unwrap();
        let edit = |doc: &dyn Document, text: &str, needle: &str, with: &str| {
            let u = doc.units().iter().find(|u| u.text == text).unwrap();
            let start = u.text.find(needle).unwrap();
            Edit {
                unit: u.id,
                range: start..start + needle.len(),
                replacement: with.into(),
            }
        };
        let edits = vec![
            edit(&*doc, "340702199001011234", "19900101", "********"),
            // Across doubled quotes: one replacement per character.
            edit(&*doc, "他说\"138\"", "\"138\"", "*****"),
            edit(&*doc, "李四", "李四", "李*"),
        ];
        let in_order = Plan {
            edits: edits.clone(),
            ..Plan::default()
        };
        let reversed = Plan {
            edits: edits.into_iter().rev().collect(),
            ..Plan::default()
        };
        let a = doc.rewrite(&in_order, &mut Vec::new()).unwrap();
        let b = doc.rewrite(&reversed, &mut Vec::new()).unwrap();
        assert_eq!(
            String::from_utf8(a.clone()).unwrap(),
            "姓名,身份证号,备注\n张三,340702********1234,\"他说*****\"\n李*,110105195208121887,无\n"
        );
        assert_eq!(a, b);
    }

    #[test]
    fn csv_labels_come_from_the_cell_to_the_left_and_lengths_may_change_only_inside_a_segment() {
        let src =
            "项目,内容\n联系人,王小明\n电话,13812345678\n备注,\"他说\"\"你好\"\"\"\n".as_bytes();
        let mut doc = CsvBackend::default().open(src, &Limits::default()).unwrap();
        let units = doc.units();
        let name = units.iter().find(|u| u.text == "王小明").unwrap();
        assert_eq!(name.context.label.as_deref(), Some("联系人"));
        assert_eq!(name.context.column_header.as_deref(), Some("内容"));
        assert_eq!(name.context.location.cell.as_deref(), Some("B2"));
        assert_eq!(name.context.location.line, Some(2));
        // The header row itself has neither header nor label.
        let phone = units.iter().find(|u| u.text == "13812345678").unwrap();
        assert_eq!(phone.context.label.as_deref(), Some("电话"));
        let head = units.iter().find(|u| u.text == "内容").unwrap();
        assert_eq!(head.context.column_header, None);
        assert_eq!(head.context.label, None);
        let (nid, note) = (
            name.id.0,
            units
                .iter()
                .find(|u| u.text.starts_with("他说"))
                .unwrap()
                .id
                .0,
        );
        // Inside one verbatim stretch a replacement may be longer.
        let out = mask(&mut doc, nid, "王小明", "[姓名]");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "项目,内容\n联系人,[姓名]\n电话,13812345678\n备注,\"他说\"\"你好\"\"\"\n"
        );
        // Across a doubled quote it may not.
        let mut doc = CsvBackend::default().open(src, &Limits::default()).unwrap();
        let u = &doc.units()[note as usize];
        let start = u.text.find('"').unwrap();
        let plan = Plan {
            edits: vec![Edit {
                unit: UnitId(note),
                range: start..u.text.len(),
                replacement: "*".into(),
            }],
            ..Plan::default()
        };
        let e = doc.rewrite(&plan, &mut Vec::new()).unwrap_err();
        assert_eq!(e.kind, docsan_core::ErrorKind::Refused);
    }

    #[test]
    fn gbk_csv_round_trips_and_empty_plan_is_identity() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,电话\r\n李四,13812345678\r\n");
        let mut doc = CsvBackend::default()
            .open(&gbk, &Limits::default())
            .unwrap();
        assert_eq!(
            doc.rewrite(&Plan::default(), &mut Vec::new()).unwrap(),
            gbk.to_vec()
        );
        let phone = doc
            .units()
            .iter()
            .find(|u| u.text == "13812345678")
            .unwrap()
            .id
            .0;
        let out = mask(&mut doc, phone, "1234", "****");
        let (back, _, _) = encoding_rs::GB18030.decode(&out);
        assert_eq!(back, "姓名,电话\r\n李四,138****5678\r\n");
    }

    #[test]
    fn text_lines_keep_bom_and_line_endings() {
        let src = "\u{feff}第一行\r\n联系电话：13812345678\r\n".as_bytes();
        let mut doc = TextBackend.open(src, &Limits::default()).unwrap();
        assert_eq!(doc.units().len(), 2);
        assert_eq!(doc.units()[1].context.location.line, Some(2));
        let out = mask(&mut doc, 1, "1234", "****");
        assert_eq!(
            out,
            "\u{feff}第一行\r\n联系电话：138****5678\r\n".as_bytes()
        );
    }

    #[test]
    fn binary_is_unsupported() {
        let e = TextBackend
            .open(b"\x00\x01\x02binary\x00", &Limits::default())
            .err()
            .unwrap();
        assert_eq!(e.kind, docsan_core::ErrorKind::Unsupported);
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
    }
}
