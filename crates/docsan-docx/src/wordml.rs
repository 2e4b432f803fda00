//! The walker for WordprocessingML-like parts: the body, headers, footers, notes, comments,
//! the glossary, settings, people, charts and SmartArt data.
//!
//! One streaming pass per part turns every paragraph (`w:p`, and DrawingML `a:p`) into a unit
//! whose text joins its runs (`w:t`, `a:t`, `m:t`), so a value split across runs by formatting,
//! spell-check marks or bookmarks is read whole. Markup that stands for a character (`w:tab`,
//! `w:br`, `w:noBreakHyphen`) becomes a synthetic character. Deleted text (`w:delText`) and field
//! codes (`w:instrText`) of a paragraph become units of their own, so deleted or hidden text is
//! never joined with the visible text around it. Table cells carry their column header and the
//! text of the cell to their left. Attributes that hold names, descriptions or instructions
//! (`w:author`, `descr`, `w:tooltip`, `w:instr`, `w:docVar`…) are units of one attribute each.
//! Text in elements this walker does not know is still extracted, as `Other` units, except
//! in a short list of elements that only ever hold numbers or formulas: unknown places are
//! checked rather than skipped.

use crate::events::{Events, comment_slot, event_chars};
use crate::units::{Collector, SlotKind, UnitBuf};
use crate::xml::{RawAttr, decode_raw, local, scan_attrs};
use docsan_core::{Limits, Location, Result, UnitContext, UnitKind};
use quick_xml::events::Event;
use std::collections::BTreeMap;

/// What a text element contributes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TextElem {
    /// Visible text: `w:t`, `a:t`, `m:t`, chart values.
    Visible,
    /// `w:delText`.
    Deleted,
    /// `w:instrText` and `w:delInstrText`: field codes, kept apart from the text around them.
    Instr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    P,
    Tbl,
    Tr,
    Tc,
    Txbx,
    Comment,
    Del,
    Ins,
    Text,
    /// `mc:Fallback` inside a paragraph (its text repeats the choice) or ruby text (a reading
    /// guide between base characters): a unit of its own, so it never splits the paragraph's
    /// text.
    Fallback,
    Other,
}

#[derive(Debug)]
struct Para {
    buf: UnitBuf,
    field: Option<UnitBuf>,
    del: Option<UnitBuf>,
    /// Every visible character so far came from inside `w:ins`.
    all_ins: bool,
    /// The paragraph belongs to the innermost table cell (not to a text box inside it).
    in_cell: bool,
}

#[derive(Debug, Default)]
struct Cell {
    start_col: u32,
    span: u32,
    text: String,
}

#[derive(Debug, Default)]
struct Table {
    number: u32,
    grid_cols: u32,
    row: u32,
    next_col: u32,
    row_is_header_flag: bool,
    /// Every row so far was a header row (flagged, first, or under a title row).
    only_headers_so_far: bool,
    /// Every row so far was one cell spanning the table (a title).
    only_titles_so_far: bool,
    header: BTreeMap<u32, String>,
    row_cells: Vec<Cell>,
    cell: Option<Cell>,
    /// Stack depth of the open `w:tc`, to tell whether a text box was opened inside it.
    cell_depth: usize,
}

/// Kind of a whole part, from its root element.
fn part_kind(root: &[u8]) -> UnitKind {
    match root {
        b"document" | b"glossaryDocument" => UnitKind::Body,
        b"hdr" | b"ftr" => UnitKind::HeaderFooter,
        b"footnotes" | b"endnotes" => UnitKind::Footnote,
        b"comments" => UnitKind::Comment,
        b"chartSpace" | b"chartSpaceEx" => UnitKind::Cache,
        b"settings" => UnitKind::Metadata,
        _ => UnitKind::Other,
    }
}

/// Elements whose text content is never personal (numbers, positions, formulas).
fn numeric_element(l: &[u8]) -> bool {
    matches!(
        l,
        b"posOffset"
            | b"align"
            | b"pctWidth"
            | b"pctHeight"
            | b"pctPosHOffset"
            | b"pctPosVOffset"
            | b"formatCode"
            | b"f"
            | b"style"
    )
}

/// Which attributes hold text worth checking, and as what kind of unit.
fn attr_kind(elem: &[u8], attr: &[u8]) -> Option<UnitKind> {
    match attr {
        b"author"
        | b"initials"
        | b"userId"
        | b"suggestedsigner"
        | b"suggestedsigner2"
        | b"suggestedsigneremail" => Some(UnitKind::Author),
        b"ed" if elem == b"permStart" => Some(UnitKind::Author),
        b"descr" | b"title" | b"alt" => Some(UnitKind::AltText),
        b"tooltip" => Some(UnitKind::Hyperlink),
        b"instr" if elem == b"fldSimple" => Some(UnitKind::Field),
        b"string" if elem == b"textpath" => Some(UnitKind::TextBox),
        b"fullDate" if elem == b"date" => Some(UnitKind::Other),
        b"displayText" | b"value" if elem == b"listItem" => Some(UnitKind::Other),
        // Smart tags (`PersonName`, `address`) keep the recognized value in `w:attr`.
        b"val" if elem == b"attr" => Some(UnitKind::Other),
        // ActiveX controls keep their properties (a text box's `Value`) in `ax:ocxPr`.
        b"value" if elem == b"ocxPr" => Some(UnitKind::Other),
        b"val" => match elem {
            b"docVar" | b"connectString" | b"query" => Some(UnitKind::Metadata),
            b"tblCaption" | b"tblDescription" => Some(UnitKind::AltText),
            b"alias" | b"tag" | b"default" | b"statusText" | b"helpText" | b"listEntry" => {
                Some(UnitKind::Other)
            }
            _ => None,
        },
        _ => None,
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.trim().chars().take(max_chars).collect()
}

fn attr_text(tag: &[u8], a: &RawAttr) -> Option<String> {
    decode_raw(&tag[a.value.clone()], true)
        .ok()
        .map(|c| c.into_iter().collect())
}

fn find_attr<'t>(tag: &'t [u8], attrs: &[RawAttr], name: &[u8]) -> Option<&'t [u8]> {
    attrs
        .iter()
        .find(|a| local(&tag[a.name.clone()]) == name)
        .map(|a| &tag[a.value.clone()])
}

fn flag_on(v: Option<&[u8]>) -> bool {
    !matches!(v, Some(b"0") | Some(b"false") | Some(b"off"))
}

struct Walker<'c> {
    c: &'c mut Collector,
    part: usize,
    name: &'c str,
    kind: Option<UnitKind>,
    chart: bool,
    stack: Vec<(Frame, Vec<u8>)>,
    paras: Vec<Para>,
    tables: Vec<Table>,
    txbx_depths: Vec<usize>,
    comment: Option<String>,
    ins_depth: u32,
    para_count: u32,
    table_count: u32,
    text_elem: Option<TextElem>,
    /// Text outside paragraphs, keyed by the stack depth of the element that holds it.
    loose: Option<(usize, UnitBuf)>,
    /// Byte ranges of `o:gfxdata` attributes (with the whitespace before them).
    gfxdata: Vec<std::ops::Range<usize>>,
}

impl std::fmt::Debug for Walker<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Walker").field("part", &self.name).finish()
    }
}

/// What the walk of one part noticed besides units.
#[derive(Debug, Default)]
pub(crate) struct WalkNotes {
    /// Byte ranges of `o:gfxdata` attributes, including the whitespace before each. VML shapes
    /// carry there an encoded (zipped, base64) copy of the shape and its text; the rewrite drops
    /// them from every part it changes, since they would keep the unmasked text.
    pub gfxdata: Vec<std::ops::Range<usize>>,
}

/// Walks one WordprocessingML-like part, adding its slots and units to `c`.
pub(crate) fn walk(
    c: &mut Collector,
    part: usize,
    name: &str,
    src: &[u8],
    limits: &Limits,
) -> Result<WalkNotes> {
    let mut ev = Events::new(src, name, limits)?;
    let mut w = Walker {
        c,
        part,
        name,
        kind: None,
        chart: false,
        stack: Vec::new(),
        paras: Vec::new(),
        tables: Vec::new(),
        txbx_depths: Vec::new(),
        comment: None,
        ins_depth: 0,
        para_count: 0,
        table_count: 0,
        text_elem: None,
        loose: None,
        gfxdata: Vec::new(),
    };
    while let Some((e, range)) = ev.next_event()? {
        let raw = &src[range.clone()];
        match &e {
            Event::Start(s) => {
                let qn = s.name().as_ref().to_vec();
                w.open(&qn, raw, range.start, false)?;
            }
            Event::Empty(s) => {
                let qn = s.name().as_ref().to_vec();
                w.open(&qn, raw, range.start, true)?;
            }
            Event::End(_) => w.close()?,
            Event::Text(_) | Event::GeneralRef(_) | Event::CData(_) => {
                if let Some(chars) = event_chars(&e, raw)? {
                    w.text(range, chars)?;
                }
            }
            Event::Comment(_) => {
                if let Some((r, chars)) = comment_slot(raw, &range)? {
                    let mut ctx = UnitContext::new(UnitKind::Other, w.location(None));
                    ctx.label = Some("xml comment".into());
                    w.c.single(w.part, r, SlotKind::Comment, chars, ctx)?;
                }
            }
            _ => {}
        }
    }
    // Anything left open would mean the XML was not closed, which the event stream refuses.
    Ok(WalkNotes { gfxdata: w.gfxdata })
}

impl Walker<'_> {
    fn part_kind(&self) -> UnitKind {
        self.kind.unwrap_or(UnitKind::Other)
    }

    fn location(&self, detail: Option<String>) -> Location {
        Location {
            part: Some(self.name.into()),
            line: if self.para_count > 0 {
                Some(self.para_count)
            } else {
                None
            },
            detail: detail.map(Into::into),
            ..Location::default()
        }
    }

    /// The innermost table cell that the current position belongs to, ignoring cells outside
    /// a text box opened inside them.
    fn current_table(&self) -> Option<&Table> {
        let t = self.tables.last()?;
        t.cell.as_ref()?;
        let last_txbx = self.txbx_depths.last().copied().unwrap_or(0);
        if last_txbx > t.cell_depth {
            return None;
        }
        Some(t)
    }

    /// Handles a start or empty tag: `tag` is its source bytes, starting at `tag_start` in the
    /// part.
    fn open(&mut self, qn: &[u8], tag: &[u8], tag_start: usize, empty: bool) -> Result<()> {
        let l = local(qn).to_vec();
        if self.kind.is_none() {
            self.kind = Some(part_kind(&l));
            self.chart = matches!(l.as_slice(), b"chartSpace" | b"chartSpaceEx");
        }
        let attrs = scan_attrs(tag)?;
        self.attribute_units(qn, &l, tag, tag_start, &attrs)?;
        let parent = self
            .stack
            .last()
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        let frame = match l.as_slice() {
            b"p" if !empty => {
                self.open_para();
                Frame::P
            }
            b"tbl" if !empty => {
                self.table_count += 1;
                let number = self.table_count;
                self.tables.push(Table {
                    number,
                    only_headers_so_far: true,
                    only_titles_so_far: true,
                    ..Table::default()
                });
                Frame::Tbl
            }
            b"gridCol" => {
                if let Some(t) = self.tables.last_mut() {
                    t.grid_cols += 1;
                }
                Frame::Other
            }
            b"tr" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.next_col = 0;
                    t.row_is_header_flag = false;
                    t.row_cells.clear();
                }
                Frame::Tr
            }
            b"tblHeader" => {
                let on = flag_on(find_attr(tag, &attrs, b"val"));
                if let Some(t) = self.tables.last_mut() {
                    t.row_is_header_flag = on;
                }
                Frame::Other
            }
            b"gridBefore" => {
                let n = number_attr(tag, &attrs);
                if let Some(t) = self.tables.last_mut() {
                    t.next_col = t.next_col.saturating_add(n.min(1000));
                }
                Frame::Other
            }
            b"tc" if !empty => {
                let depth = self.stack.len() + 1;
                if let Some(t) = self.tables.last_mut() {
                    t.cell = Some(Cell {
                        start_col: t.next_col,
                        span: 1,
                        text: String::new(),
                    });
                    t.cell_depth = depth;
                }
                Frame::Tc
            }
            b"gridSpan" => {
                let n = number_attr(tag, &attrs).clamp(1, 1000);
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.span = n;
                }
                Frame::Other
            }
            b"txbxContent" if !empty => {
                self.txbx_depths.push(self.stack.len() + 1);
                Frame::Txbx
            }
            b"comment" if !empty => {
                self.comment = find_attr(tag, &attrs, b"id")
                    .map(|v| String::from_utf8_lossy(v).chars().take(20).collect());
                Frame::Comment
            }
            b"del" | b"moveFrom" if !empty => Frame::Del,
            b"Fallback" if !empty && !self.paras.is_empty() => {
                self.open_shadow("alternate content fallback");
                Frame::Fallback
            }
            b"rt" if !empty && !self.paras.is_empty() && parent_is(&parent, b"ruby") => {
                self.open_shadow("ruby text");
                Frame::Fallback
            }
            b"ins" | b"moveTo" if !empty => {
                self.ins_depth += 1;
                Frame::Ins
            }
            b"t" | b"delText" | b"instrText" | b"delInstrText" if !empty => {
                self.text_elem = Some(match l.as_slice() {
                    b"t" => TextElem::Visible,
                    b"instrText" | b"delInstrText" => TextElem::Instr,
                    _ => TextElem::Deleted,
                });
                Frame::Text
            }
            b"v" | b"pt" if self.chart && !empty => {
                self.text_elem = Some(TextElem::Visible);
                Frame::Text
            }
            b"tab" | b"ptab" if parent_is(&parent, b"r") => {
                self.synthetic('\t');
                Frame::Other
            }
            b"br" | b"cr" if parent_is(&parent, b"r") || parent_is(&parent, b"p") => {
                self.synthetic('\n');
                Frame::Other
            }
            b"noBreakHyphen" if parent_is(&parent, b"r") => {
                self.synthetic('-');
                Frame::Other
            }
            b"fldChar" => {
                let t = find_attr(tag, &attrs, b"fldCharType");
                if matches!(t, Some(b"separate") | Some(b"end")) {
                    self.flush_field()?;
                }
                Frame::Other
            }
            _ => Frame::Other,
        };
        for a in &attrs {
            if local(&tag[a.name.clone()]) == b"gfxdata" {
                let mut start = a.name.start;
                while start > 0 && matches!(tag[start - 1], b' ' | b'\t' | b'\r' | b'\n') {
                    start -= 1;
                }
                // The value's closing quote ends the attribute.
                self.gfxdata
                    .push(tag_start + start..tag_start + a.value.end + 1);
            }
        }
        if !empty {
            self.stack.push((frame, qn.to_vec()));
        }
        Ok(())
    }

    fn attribute_units(
        &mut self,
        qn: &[u8],
        l: &[u8],
        tag: &[u8],
        tag_start: usize,
        attrs: &[RawAttr],
    ) -> Result<()> {
        for a in attrs {
            let an = &tag[a.name.clone()];
            let Some(kind) = attr_kind(l, local(an)) else {
                continue;
            };
            let chars = decode_raw(&tag[a.value.clone()], true)?;
            // A document variable is labelled with its name, every other attribute with the
            // attribute's qualified name.
            let var_name = (l == b"docVar")
                .then(|| {
                    attrs
                        .iter()
                        .find(|x| local(&tag[x.name.clone()]) == b"name")
                        .and_then(|x| attr_text(tag, x))
                        .map(|n| truncate(&n, 100))
                })
                .flatten();
            let label = var_name.unwrap_or_else(|| String::from_utf8_lossy(an).into_owned());
            let mut ctx = UnitContext::new(
                kind,
                self.location(Some(String::from_utf8_lossy(qn).into_owned())),
            );
            ctx.label = Some(label.into());
            let raw = tag_start + a.value.start..tag_start + a.value.end;
            self.c.single(
                self.part,
                raw,
                SlotKind::Attr { quote: a.quote },
                chars,
                ctx,
            )?;
        }
        Ok(())
    }

    fn open_para(&mut self) {
        self.para_count += 1;
        let in_txbx = !self.txbx_depths.is_empty();
        let table = self.current_table();
        let in_cell = table.is_some();
        let base = self.part_kind();
        let kind = if in_txbx && base != UnitKind::HeaderFooter {
            UnitKind::TextBox
        } else if in_cell && base == UnitKind::Body {
            UnitKind::TableCell
        } else {
            base
        };
        let mut detail = Vec::new();
        let mut cell_ref = None;
        let mut column_header = None;
        let mut label = None;
        if let Some(t) = table
            && let Some(cell) = &t.cell
        {
            detail.push(format!("table {}", t.number));
            cell_ref = Some(format!("row {}, column {}", t.row + 1, cell.start_col + 1));
            if !t.only_headers_so_far || t.row > 0 && !t.row_is_header_flag {
                column_header = (cell.start_col..cell.start_col + cell.span)
                    .find_map(|c| t.header.get(&c))
                    .filter(|h| !h.is_empty())
                    .map(|h| truncate(h, 100));
            }
            if let Some(left) = t.row_cells.last() {
                let lt = left.text.trim();
                if !lt.is_empty() && (t.grid_cols <= 4 || lt.ends_with('：') || lt.ends_with(':'))
                {
                    label = Some(truncate(lt, 100));
                }
            }
        }
        if in_txbx {
            detail.push("text box".to_string());
        }
        if let Some(id) = &self.comment {
            detail.push(format!("comment {id}"));
        }
        let detail = if detail.is_empty() {
            None
        } else {
            Some(detail.join(", "))
        };
        let mut location = self.location(detail);
        location.cell = cell_ref.map(Into::into);
        let mut buf = UnitBuf::new(kind, location);
        buf.context.column_header = column_header.map(Into::into);
        buf.context.label = label.map(Into::into);
        self.paras.push(Para {
            buf,
            field: None,
            del: None,
            all_ins: true,
            in_cell,
        });
    }

    /// Starts the unit for an `mc:Fallback` or ruby text inside a paragraph: same context as
    /// the paragraph, its own text, never counted as the cell's text.
    fn open_shadow(&mut self, what: &str) {
        let Some(p) = self.paras.last() else {
            return;
        };
        let mut buf = p.buf.clone();
        buf.text.clear();
        buf.origins.clear();
        let detail = match buf.context.location.detail.take() {
            Some(d) => format!("{d}, {what}"),
            None => what.to_string(),
        };
        buf.context.location.detail = Some(detail.into());
        self.paras.push(Para {
            buf,
            field: None,
            del: None,
            all_ins: true,
            in_cell: false,
        });
    }

    fn synthetic(&mut self, c: char) {
        if let Some(p) = self.paras.last_mut() {
            p.buf.push_synthetic(c);
        }
    }

    fn flush_field(&mut self) -> Result<()> {
        if let Some(f) = self.paras.last_mut().and_then(|p| p.field.take()) {
            self.c.finish(f)?;
        }
        Ok(())
    }

    fn flush_del(&mut self) -> Result<()> {
        if let Some(d) = self.paras.last_mut().and_then(|p| p.del.take()) {
            self.c.finish(d)?;
        }
        Ok(())
    }

    fn text(&mut self, range: std::ops::Range<usize>, chars: Vec<char>) -> Result<()> {
        if chars.is_empty() {
            return Ok(());
        }
        match self.text_elem {
            Some(te) if !self.paras.is_empty() => {
                let slot = self.c.add_slot(self.part, range, SlotKind::Text, chars)?;
                let chars = self.c.slots[slot as usize].chars.clone();
                let in_ins = self.ins_depth > 0;
                let Some(p) = self.paras.last_mut() else {
                    return Ok(());
                };
                match te {
                    TextElem::Visible => {
                        p.all_ins &= in_ins;
                        p.buf.push_slot(slot, &chars);
                    }
                    TextElem::Deleted => {
                        let ctx = p.buf.context.clone();
                        p.del
                            .get_or_insert_with(|| {
                                let mut b = UnitBuf::new(UnitKind::TrackedDeletion, ctx.location);
                                b.context.column_header = ctx.column_header;
                                b.context.label = ctx.label;
                                b
                            })
                            .push_slot(slot, &chars);
                    }
                    TextElem::Instr => {
                        let loc = p.buf.context.location.clone();
                        p.field
                            .get_or_insert_with(|| UnitBuf::new(UnitKind::Field, loc))
                            .push_slot(slot, &chars);
                    }
                }
                Ok(())
            }
            _ => {
                // Text outside a paragraph: in a chart cache, an unknown element, or a text
                // element with no paragraph around it.
                let depth = self.stack.len();
                let Some((frame, qn)) = self.stack.last() else {
                    return Ok(());
                };
                let (frame, qn) = (*frame, qn.clone());
                let is_text_elem = frame == Frame::Text;
                if !is_text_elem && numeric_element(local(&qn)) {
                    return Ok(());
                }
                let has_buf = matches!(&self.loose, Some((d, _)) if *d == depth);
                if !has_buf && chars.iter().all(|c| c.is_whitespace()) {
                    return Ok(());
                }
                if !has_buf {
                    self.flush_loose()?;
                    let kind = match self.text_elem {
                        Some(TextElem::Deleted) => UnitKind::TrackedDeletion,
                        Some(TextElem::Instr) => UnitKind::Field,
                        _ if self.chart => UnitKind::Cache,
                        Some(TextElem::Visible) => self.part_kind(),
                        None => UnitKind::Other,
                    };
                    let mut b = UnitBuf::new(kind, self.location(None));
                    b.context.label = Some(String::from_utf8_lossy(&qn).into_owned().into());
                    self.loose = Some((depth, b));
                }
                let slot = self.c.add_slot(self.part, range, SlotKind::Text, chars)?;
                let chars = self.c.slots[slot as usize].chars.clone();
                if let Some((_, b)) = self.loose.as_mut() {
                    b.push_slot(slot, &chars);
                }
                Ok(())
            }
        }
    }

    fn flush_loose(&mut self) -> Result<()> {
        if let Some((_, b)) = self.loose.take()
            && !b.text.trim().is_empty()
        {
            self.c.finish(b)?;
        }
        Ok(())
    }

    fn close(&mut self) -> Result<()> {
        let depth = self.stack.len();
        if matches!(&self.loose, Some((d, _)) if *d == depth) {
            self.flush_loose()?;
        }
        let Some((frame, _)) = self.stack.pop() else {
            return Ok(());
        };
        match frame {
            Frame::P => self.close_para()?,
            Frame::Tbl => {
                self.tables.pop();
            }
            Frame::Tr => {
                if let Some(t) = self.tables.last_mut() {
                    close_row(t);
                }
            }
            Frame::Tc => {
                if let Some(t) = self.tables.last_mut()
                    && let Some(cell) = t.cell.take()
                {
                    t.next_col = t.next_col.saturating_add(cell.span);
                    t.row_cells.push(cell);
                }
            }
            Frame::Txbx => {
                self.txbx_depths.pop();
            }
            Frame::Comment => self.comment = None,
            Frame::Del => self.flush_del()?,
            Frame::Ins => self.ins_depth = self.ins_depth.saturating_sub(1),
            Frame::Text => self.text_elem = None,
            Frame::Fallback => self.close_para()?,
            Frame::Other => {}
        }
        Ok(())
    }

    fn close_para(&mut self) -> Result<()> {
        let Some(mut p) = self.paras.pop() else {
            return Ok(());
        };
        if let Some(f) = p.field.take() {
            self.c.finish(f)?;
        }
        if let Some(d) = p.del.take() {
            self.c.finish(d)?;
        }
        if p.all_ins && p.buf.has_slot_text() && p.buf.context.kind == UnitKind::Body {
            p.buf.context.kind = UnitKind::TrackedInsertion;
        }
        if p.in_cell
            && let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut())
        {
            if !cell.text.is_empty() {
                cell.text.push(' ');
            }
            if cell.text.len() < 400 {
                cell.text.push_str(&p.buf.text);
            }
        }
        self.c.finish(p.buf)
    }
}

fn parent_is(parent: &[u8], l: &[u8]) -> bool {
    local(parent) == l
}

fn number_attr(tag: &[u8], attrs: &[RawAttr]) -> u32 {
    find_attr(tag, attrs, b"val")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|s| s.trim().parse::<u32>().ok())
        .unwrap_or(1)
}

/// Ends a row: header rows feed the column headers of the rows below.
fn close_row(t: &mut Table) {
    let title_row = t.row_cells.len() == 1
        && t.row_cells
            .first()
            .is_some_and(|c| c.span > 1 && (t.grid_cols == 0 || c.span >= t.grid_cols));
    // A first row that starts with `标签：` belongs to a form of labels and values, not to a
    // table with a header row. Other two-column tables keep their first row as header: a
    // two-column roster (`姓名 | 身份证号`) needs it, and a label cell read under a label
    // header costs little.
    let form_row = !t.row_is_header_flag
        && t.row_cells
            .first()
            .is_some_and(|c| c.text.trim_end().ends_with(['：', ':']));
    let is_header = t.only_headers_so_far
        && (t.row == 0 || t.row_is_header_flag || t.only_titles_so_far)
        && !title_row
        && !form_row;
    if is_header {
        for cell in &t.row_cells {
            let text = cell.text.trim();
            if text.is_empty() {
                continue;
            }
            for col in cell.start_col..cell.start_col.saturating_add(cell.span).min(4096) {
                let h = t.header.entry(col).or_default();
                if !h.is_empty() {
                    h.push(' ');
                }
                if h.len() < 200 {
                    h.push_str(text);
                }
            }
        }
    }
    if !title_row {
        t.only_titles_so_far = false;
        if !is_header {
            t.only_headers_so_far = false;
        }
    }
    t.row += 1;
}
