//! From positioned glyphs to lines, cells and text units, by geometry alone.
//!
//! The order of operations in a content stream says little about reading order: producers draw
//! a value glyph by glyph, split it over text objects, draw a faux-bold copy on top, or wrap it
//! inside a table cell. Detection needs the logical string, so glyphs are grouped by baseline
//! (in the direction they are written), sorted along it, split into segments at wide gaps, and
//! segments that line up under a header row become table cells with that header as context.
//! Each character of a unit's text maps back to the glyphs that drew it.

use crate::content::GlyphRec;
use std::ops::Range;

/// One character (or more, for ligatures) of a unit and the glyphs that drew it.
///
/// A document holds one per character of its page text, so it is kept to 16 bytes: byte offsets
/// as `u32` (units are far below 4 GiB), the first glyph (document-wide index), and where the
/// rare copies drawn over it (faux bold) are listed in the document's table of copies.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CharMap {
    start: u32,
    end: u32,
    first: u32,
    /// 0: no copies; else 1 + the offset of `[count, glyph…]` in the table of copies.
    copies: u32,
}

fn idx(v: usize) -> u32 {
    u32::try_from(v).unwrap_or(u32::MAX)
}

impl CharMap {
    /// A character at `range` of its unit, drawn by `first` and the copies `more` (listed in
    /// `table` when there are any).
    fn new(range: Range<usize>, first: u32, more: &[u32], table: &mut Vec<u32>) -> CharMap {
        let copies = if more.is_empty() {
            0
        } else {
            let at = idx(table.len() + 1);
            table.push(idx(more.len()));
            table.extend_from_slice(more);
            at
        };
        CharMap {
            start: idx(range.start),
            end: idx(range.end),
            first,
            copies,
        }
    }

    /// Byte range of the character in its unit's text.
    pub(crate) fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The same glyphs for another place in another text.
    pub(crate) fn with_range(&self, range: Range<usize>) -> CharMap {
        CharMap {
            start: idx(range.start),
            end: idx(range.end),
            ..*self
        }
    }

    /// The glyphs that drew it, in order (`table`: the document's table of copies).
    pub(crate) fn glyphs<'a>(&self, table: &'a [u32]) -> impl Iterator<Item = usize> + 'a {
        let more: &[u32] = match (self.copies as usize).checked_sub(1) {
            None => &[],
            Some(k) => table
                .get(k)
                .and_then(|&n| table.get(k + 1..k + 1 + n as usize))
                .unwrap_or(&[]),
        };
        std::iter::once(self.first as usize).chain(more.iter().map(|&g| g as usize))
    }
}

/// A unit made of glyphs, before ids are assigned.
#[derive(Clone)]
pub(crate) struct GlyphUnit {
    pub text: String,
    pub chars: Vec<CharMap>,
    pub table_cell: bool,
    pub column_header: Option<String>,
    pub label: Option<String>,
}

/// Glyph indices drawing the same character at the same place (faux bold copies): no
/// allocation for the usual single glyph.
#[derive(Clone, Default)]
struct GlyphList {
    first: Option<u32>,
    more: Vec<u32>,
}

impl GlyphList {
    fn one(g: usize) -> GlyphList {
        GlyphList {
            first: Some(u32::try_from(g).unwrap_or(u32::MAX)),
            more: Vec::new(),
        }
    }

    fn extend(&mut self, other: GlyphList) {
        for g in other.first.into_iter().chain(other.more) {
            if self.first.is_none() {
                self.first = Some(g);
            } else {
                self.more.push(g);
            }
        }
    }
}

#[derive(Clone)]
struct Placed<'a> {
    /// Glyph indices drawing the same character at the same place (faux bold copies).
    glyphs: GlyphList,
    /// The glyph's text, borrowed (a page has thousands of glyphs).
    text: &'a str,
    u0: f32,
    u1: f32,
    v: f32,
    size: f32,
}

#[derive(Clone, Default)]
struct Segment<'a> {
    items: Vec<Placed<'a>>,
}

impl Segment<'_> {
    fn u0(&self) -> f32 {
        self.items.first().map(|p| p.u0).unwrap_or(0.0)
    }
    fn u1(&self) -> f32 {
        self.items.iter().map(|p| p.u1).fold(f32::MIN, f32::max)
    }
    fn text(&self) -> String {
        self.items.iter().map(|p| p.text).collect()
    }
}

#[derive(Clone)]
struct Line<'a> {
    v: f32,
    size: f32,
    segments: Vec<Segment<'a>>,
}

/// Builds units from the glyphs of one owner. Character maps hold document-wide indices: `base`
/// plus the index into `glyphs`; copies are listed in `table`.
pub(crate) fn build_units(
    glyphs: &[GlyphRec],
    base: usize,
    table: &mut Vec<u32>,
) -> Vec<GlyphUnit> {
    // Group by writing direction (whole degrees), then lay out each direction on its own.
    let mut by_dir: std::collections::BTreeMap<i32, Vec<Placed<'_>>> = Default::default();
    for (gi, g) in glyphs.iter().enumerate() {
        if g.text.is_empty() {
            continue;
        }
        // Vertical fonts advance down the page: their writing direction is the advance.
        let (dx, dy) = if g.vertical && ((g.x1 - g.x0).abs() + (g.y1 - g.y0).abs()) > 1e-4 {
            (g.x1 - g.x0, g.y1 - g.y0)
        } else {
            (g.trm[0], g.trm[1])
        };
        let len = (dx * dx + dy * dy).sqrt();
        let (ux, uy) = if len > 1e-6 {
            (dx / len, dy / len)
        } else {
            (1.0, 0.0)
        };
        let angle = uy.atan2(ux).to_degrees().round() as i32;
        let size = (g.trm[2] * g.trm[2] + g.trm[3] * g.trm[3]).sqrt().max(0.01);
        let u0 = g.x0 * ux + g.y0 * uy;
        let mut u1 = g.x1 * ux + g.y1 * uy;
        if u1 < u0 {
            u1 = u0;
        }
        let v = -g.x0 * uy + g.y0 * ux;
        by_dir.entry(angle).or_default().push(Placed {
            glyphs: GlyphList::one(base + gi),
            text: g.text.as_str(),
            u0,
            u1,
            v,
            size,
        });
    }
    let mut out = Vec::new();
    for (_, placed) in by_dir {
        let lines = make_lines(placed);
        out.extend(units_from_lines(lines, table));
    }
    out
}

fn make_lines(mut placed: Vec<Placed<'_>>) -> Vec<Line<'_>> {
    // Top to bottom (higher v first), then left to right.
    placed.sort_by(|a, b| b.v.total_cmp(&a.v).then(a.u0.total_cmp(&b.u0)));
    let mut groups: Vec<(f32, f32, Vec<Placed>)> = Vec::new();
    for p in placed {
        match groups.last_mut() {
            Some((v, size, items)) if (*v - p.v).abs() <= 0.4 * size.max(p.size) => {
                *size = size.max(p.size);
                items.push(p);
            }
            _ => groups.push((p.v, p.size, vec![p])),
        }
    }
    let mut lines = Vec::new();
    for (v, size, mut items) in groups {
        items.sort_by(|a, b| a.u0.total_cmp(&b.u0));
        // Merge duplicates: the same text drawn again at almost the same place (faux bold).
        let mut merged: Vec<Placed> = Vec::new();
        for p in items {
            if let Some(prev) = merged.iter_mut().rev().take(4).find(|q| {
                q.text == p.text
                    && (q.u0 - p.u0).abs() < 0.3 * p.size
                    && (q.v - p.v).abs() < 0.3 * p.size
            }) {
                prev.glyphs.extend(p.glyphs);
                continue;
            }
            merged.push(p);
        }
        let mut segments: Vec<Segment> = Vec::new();
        let mut last_end = f32::MIN;
        for p in merged {
            let gap = p.u0 - last_end;
            if segments.is_empty()
                || (gap > 0.6 * p.size.max(size * 0.5) && !p.text.starts_with(' '))
            {
                segments.push(Segment::default());
            } else if gap > 0.25 * p.size
                && let Some(seg) = segments.last_mut()
                && !seg.text().ends_with(' ')
                && !p.text.starts_with(' ')
            {
                // A visible gap without a space glyph reads as a space.
                seg.items.push(Placed {
                    glyphs: GlyphList::default(),
                    text: " ",
                    u0: last_end,
                    u1: last_end,
                    v: p.v,
                    size: p.size,
                });
            }
            last_end = last_end.max(p.u1);
            if let Some(seg) = segments.last_mut() {
                seg.items.push(p);
            }
        }
        lines.push(Line { v, size, segments });
    }
    lines
}

/// The text of a neighbouring cell as a label, when it looks like one: short and without
/// digits, so that a neighbouring ID, phone or address never travels as context.
fn as_label(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches([':', '：']).trim();
    (!t.is_empty() && t.chars().count() <= 12 && !t.chars().any(|c| c.is_ascii_digit()))
        .then(|| t.to_string())
}

fn overlap(a0: f32, a1: f32, b0: f32, b1: f32) -> f32 {
    (a1.min(b1) - a0.max(b0)).max(0.0)
}

struct Cell<'a> {
    segs: Vec<Segment<'a>>,
    header: Option<String>,
    table: bool,
    label: Option<String>,
}

fn units_from_lines(lines: Vec<Line<'_>>, table: &mut Vec<u32>) -> Vec<GlyphUnit> {
    let mut cells: Vec<Cell> = Vec::new();
    // Columns of the current table: (u0, u1, header text) and the index of each column's
    // last cell, so wrapped continuation lines can be appended to it.
    let mut columns: Vec<(f32, f32, String)> = Vec::new();
    // The extent actually covered by each column's cells (header and rows), which wrapped
    // continuation lines are matched against (headers are often centred, text left-aligned).
    let mut observed: Vec<(f32, f32)> = Vec::new();
    let mut header_open = false;
    // The last single-segment body line: (cell, baseline, size, start).
    let mut last_body: Option<(usize, f32, f32, f32)> = None;
    let mut last_cell_of_col: Vec<Option<usize>> = Vec::new();
    let mut prev_v: Option<(f32, f32)> = None;
    for line in lines {
        let nseg = line.segments.len();
        let close = prev_v.is_some_and(|(v, s)| (v - line.v) < 2.2 * s.max(line.size));
        let in_table = !columns.is_empty() && close;
        if !in_table {
            columns.clear();
            last_cell_of_col.clear();
        }
        if in_table {
            // Assign each segment to the column it overlaps most.
            let assign: Vec<Option<usize>> = line
                .segments
                .iter()
                .map(|s| {
                    let (a, b) = (s.u0(), s.u1());
                    let mut best = None;
                    let mut best_ov = 0.0;
                    for (ci, (c0, c1, _)) in columns.iter().enumerate() {
                        let ov = overlap(a, b, *c0, *c1);
                        let center = (a + b) / 2.0;
                        let ov = if ov <= 0.0 && center >= *c0 - 2.0 && center <= *c1 + 2.0 {
                            0.01
                        } else {
                            ov
                        };
                        if ov > best_ov {
                            best_ov = ov;
                            best = Some(ci);
                        }
                    }
                    best
                })
                .collect();
            // A full row (one segment per column) takes the columns in order: a short cell
            // such as a two-character name, left-aligned under a centred header, can overlap
            // the neighbouring column more than its own.
            let assign: Vec<Option<usize>> = if nseg == columns.len() && nseg >= 3 {
                (0..nseg).map(Some).collect()
            } else {
                // Cells of one row stand in distinct columns, left to right: a segment that
                // overlaps the previous segment's column most belongs to the next one.
                let mut last: Option<usize> = None;
                assign
                    .into_iter()
                    .map(|a| {
                        let a = match (a, last) {
                            (Some(c), Some(l)) if c <= l && l + 1 < columns.len() => Some(l + 1),
                            (a, _) => a,
                        };
                        if a.is_some() {
                            last = a;
                        }
                        a
                    })
                    .collect()
            };
            let aligned = assign.iter().all(|a| a.is_some());
            let row_like = nseg >= columns.len().saturating_sub(1).max(2);
            // A wrapped continuation stays inside one column; prose after a table does not.
            let fits = line.segments.iter().all(|s| {
                observed
                    .iter()
                    .filter(|(o0, o1)| overlap(s.u0(), s.u1(), *o0, *o1) > 1.0)
                    .count()
                    <= 1
            });
            if aligned && !row_like && fits {
                // A continuation line: wrapped text of cells above, matched by observed extent.
                for (seg, col) in line.segments.into_iter().zip(assign) {
                    let (a, b) = (seg.u0(), seg.u1());
                    let mut col = col.unwrap_or(0);
                    let mut best = 0.0;
                    for (ci, (o0, o1)) in observed.iter().enumerate() {
                        let ov = overlap(a, b, *o0, *o1);
                        if ov > best {
                            best = ov;
                            col = ci;
                        }
                    }
                    if header_open && let Some(c) = columns.get_mut(col) {
                        c.2.push_str(seg.text().trim());
                    }
                    if let Some(Some(ci)) = last_cell_of_col.get(col) {
                        cells[*ci].segs.push(seg);
                    } else {
                        let header = columns.get(col).map(|c| c.2.clone());
                        cells.push(Cell {
                            segs: vec![seg],
                            header,
                            table: true,
                            label: None,
                        });
                    }
                }
                prev_v = Some((line.v, line.size));
                continue;
            }
            if aligned && row_like {
                header_open = false;
                let mut left: Option<String> = None;
                for (seg, col) in line.segments.into_iter().zip(assign) {
                    let col = col.unwrap_or(0);
                    let label = left.replace(seg.text()).and_then(|l| as_label(&l));
                    if let Some(o) = observed.get_mut(col) {
                        o.0 = o.0.min(seg.u0());
                        o.1 = o.1.max(seg.u1());
                    }
                    let header = columns.get(col).map(|c| c.2.clone());
                    cells.push(Cell {
                        segs: vec![seg],
                        header,
                        table: true,
                        // The cell to the left: in a two-column form it names this value.
                        label,
                    });
                    if let Some(slot) = last_cell_of_col.get_mut(col) {
                        *slot = Some(cells.len() - 1);
                    }
                }
                prev_v = Some((line.v, line.size));
                continue;
            }
            columns.clear();
            last_cell_of_col.clear();
        }
        if nseg >= 3 {
            // A new table starts with this line as its header row.
            columns = line
                .segments
                .iter()
                .map(|s| (s.u0(), s.u1(), s.text().trim().to_string()))
                .collect();
            // Widen each column to the midpoints between neighbours.
            let n = columns.len();
            for i in 0..n {
                let left = if i == 0 {
                    f32::MIN / 4.0
                } else {
                    (columns[i - 1].1 + columns[i].0) / 2.0
                };
                let right = if i + 1 == n {
                    f32::MAX / 4.0
                } else {
                    (columns[i].1 + columns[i + 1].0) / 2.0
                };
                columns[i].0 = columns[i].0.min(left);
                columns[i].1 = columns[i].1.max(right);
            }
            last_cell_of_col = vec![None; n];
            observed = line.segments.iter().map(|s| (s.u0(), s.u1())).collect();
            header_open = true;
            let mut left: Option<String> = None;
            for (ci, seg) in line.segments.into_iter().enumerate() {
                let label = left.replace(seg.text()).and_then(|l| as_label(&l));
                cells.push(Cell {
                    segs: vec![seg],
                    header: None,
                    table: true,
                    label,
                });
                last_cell_of_col[ci] = Some(cells.len() - 1);
            }
        } else if line.segments.len() == 1
            && let Some((ci, pv, ps, pu)) = last_body
            && (pv - line.v) < 1.8 * ps.max(line.size)
            && (ps - line.size).abs() < 0.15 * ps.max(line.size)
            && (pu - line.segments[0].u0()).abs() < 3.0 * line.size
        {
            // The next line of a paragraph: a value wrapped at the line end stays one string.
            let seg = line.segments.into_iter().next().unwrap_or_default();
            last_body = Some((ci, line.v, line.size, seg.u0()));
            cells[ci].segs.push(seg);
            prev_v = Some((line.v, line.size));
            continue;
        } else {
            let single = line.segments.len() == 1;
            let mut left: Option<String> = None;
            for seg in line.segments {
                let t = seg.text();
                cells.push(Cell {
                    segs: vec![seg],
                    header: None,
                    table: false,
                    label: left.take().and_then(|l| as_label(&l)),
                });
                left = Some(t.trim().to_string());
            }
            last_body = if single {
                Some((
                    cells.len() - 1,
                    line.v,
                    line.size,
                    cells[cells.len() - 1].segs[0].u0(),
                ))
            } else {
                None
            };
            prev_v = Some((line.v, line.size));
            continue;
        }
        last_body = None;
        prev_v = Some((line.v, line.size));
    }
    cells
        .into_iter()
        .map(|c| {
            let mut text = String::new();
            let mut chars = Vec::new();
            for (si, seg) in c.segs.iter().enumerate() {
                if si > 0 {
                    // Latin text wraps at spaces, CJK text and numbers anywhere: join wrapped
                    // lines with a space only between Latin characters that are not both
                    // digits (an ID or phone wrapped at the line end stays one string) and not
                    // around the joiners of e-mail addresses and URLs.
                    let prev = text.chars().last();
                    let next = seg.items.first().and_then(|p| p.text.chars().next());
                    let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_graphic());
                    let joiner = |c: Option<char>| c.is_some_and(|c| "@._-/:".contains(c));
                    let digits = prev.is_some_and(|c| c.is_ascii_digit())
                        && next.is_some_and(|c| c.is_ascii_digit())
                        || joiner(prev)
                        || joiner(next);
                    let (prev_ascii, next_ascii) = (latin(prev) && !digits, latin(next));
                    if prev_ascii && next_ascii {
                        text.push(' ');
                    }
                }
                for p in &seg.items {
                    let s = text.len();
                    text.push_str(p.text);
                    if let Some(first) = p.glyphs.first {
                        chars.push(CharMap::new(s..text.len(), first, &p.glyphs.more, table));
                    }
                }
            }
            // A document holds these for its whole life: no spare capacity.
            chars.shrink_to_fit();
            text.shrink_to_fit();
            GlyphUnit {
                text,
                chars,
                table_cell: c.table,
                column_header: c.header.filter(|h| !h.is_empty()),
                label: c.label.filter(|l| !l.is_empty()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_maps_list_their_copies_in_the_table() {
        let mut table = vec![7];
        let one = CharMap::new(0..3, 10, &[], &mut table);
        let bold = CharMap::new(3..4, 11, &[40, 41], &mut table);
        let other = CharMap::new(4..5, 12, &[50], &mut table);
        assert_eq!(table, [7, 2, 40, 41, 1, 50]);
        assert_eq!(one.glyphs(&table).collect::<Vec<_>>(), [10]);
        assert_eq!(bold.glyphs(&table).collect::<Vec<_>>(), [11, 40, 41]);
        assert_eq!(other.glyphs(&table).collect::<Vec<_>>(), [12, 50]);
        assert_eq!(bold.range(), 3..4);
        let moved = bold.with_range(8..11);
        assert_eq!(moved.range(), 8..11);
        assert_eq!(moved.glyphs(&table).collect::<Vec<_>>(), [11, 40, 41]);
        // A damaged reference gives the first glyph only, never a panic.
        assert_eq!(bold.glyphs(&[]).collect::<Vec<_>>(), [11]);
        assert_eq!(std::mem::size_of::<CharMap>(), 16);
    }
}
