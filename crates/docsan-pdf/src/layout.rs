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
    for (v, size, items) in groups {
        let (items, cuts) = order_line(items);
        // Merge duplicates: the same text drawn again at almost the same place (faux bold).
        let mut merged: Vec<Placed> = Vec::new();
        let mut cut_at: Vec<usize> = Vec::new();
        for (i, p) in items.into_iter().enumerate() {
            if cuts.contains(&i) {
                cut_at.push(merged.len());
            }
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
        for (i, p) in merged.into_iter().enumerate() {
            let gap = p.u0 - last_end;
            if segments.is_empty()
                || (gap > 0.6 * p.size.max(size * 0.5) && !p.text.starts_with(' '))
                || cut_at.contains(&i)
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

/// Orders the glyphs of one line left to right, and says before which of them a new segment
/// must start. Glyphs are sorted by position, except where two strings drawn one after the
/// other overlap (a spreadsheet cell's text running on under the next cell's): sorting their
/// glyphs together would interleave them (`安徽zh松a镇n`), so there each string is kept whole,
/// the strings ordered by where they start, and each overlapping one starts a segment. A string
/// drawn again over itself (faux bold) is no such overlap: the duplicates are merged later.
fn order_line(mut items: Vec<Placed<'_>>) -> (Vec<Placed<'_>>, Vec<usize>) {
    // Strings in drawing order: glyphs drawn one after the other, each no further left than
    // the one before (by a tenth of the size) and not far to its right.
    items.sort_by_key(|p| p.glyphs.first.unwrap_or(u32::MAX));
    let mut runs: Vec<Vec<Placed<'_>>> = Vec::new();
    for p in items {
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|q| {
            let size = p.size.max(q.size);
            q.glyphs
                .first
                .zip(p.glyphs.first)
                .is_some_and(|(a, b)| b == a + 1)
                && p.u0 >= q.u0 - 0.1 * size
                && p.u0 <= q.u1 + 1.5 * size
        });
        match runs.last_mut() {
            Some(r) if joins => r.push(p),
            _ => runs.push(vec![p]),
        }
    }
    let extent = |r: &[Placed<'_>]| {
        (
            r.iter().map(|p| p.u0).fold(f32::MAX, f32::min),
            r.iter().map(|p| p.u1).fold(f32::MIN, f32::max),
            r.iter().map(|p| p.size).fold(0.0f32, f32::max),
        )
    };
    let text = |r: &[Placed<'_>]| r.iter().map(|p| p.text).collect::<String>();
    // Glyphs of one string drawn over glyphs of the other. Strings that only fill each
    // other's gaps are not tangled: the masks docsan draws over removed glyphs come as one
    // string after the line, each in the gap its glyph left.
    let collide = |a: &[Placed<'_>], b: &[Placed<'_>], size: f32| {
        b.iter().any(|q| {
            a.iter()
                .any(|p| overlap(p.u0, p.u1, q.u0, q.u1) > 0.3 * size)
        })
    };
    // Two different strings overlapping by more than half a character, glyph on glyph, not a
    // copy of one another at almost the same place.
    let tangled = runs.len() <= 64
        && runs.iter().enumerate().any(|(i, a)| {
            let (a0, a1, sa) = extent(a);
            runs[i + 1..].iter().any(|b| {
                let (b0, b1, sb) = extent(b);
                let size = sa.max(sb);
                overlap(a0, a1, b0, b1) > 0.5 * size
                    && a.len() >= 2
                    && b.len() >= 2
                    && !((a0 - b0).abs() < 0.3 * size && text(a) == text(b))
                    && collide(a, b, size)
            })
        });
    if !tangled {
        let mut all: Vec<Placed<'_>> = runs.into_iter().flatten().collect();
        all.sort_by(|a, b| a.u0.total_cmp(&b.u0));
        return (all, Vec::new());
    }
    runs.sort_by(|a, b| extent(a).0.total_cmp(&extent(b).0));
    let mut out = Vec::new();
    let mut cuts = Vec::new();
    let mut end = f32::MIN;
    for r in runs {
        let (r0, r1, size) = extent(&r);
        if !out.is_empty() && r0 < end - 0.5 * size {
            cuts.push(out.len());
        }
        end = end.max(r1);
        out.extend(r);
    }
    (out, cuts)
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

/// Lines of one cell are at most this many font sizes apart (baselines of digits and CJK text
/// drawn side by side can differ by a fifth of the size, and some tables are set loosely).
const PITCH: f32 = 2.0;
/// When every cell of a line continues the one above, the line must also be this close: a
/// new row starts after the cell padding, often a border.
const TIGHT_PITCH: f32 = 1.5;

/// The table being read: its columns and, per column, where its last cell ended, so that the
/// lines of a cell wrapped inside a narrow column go back into that cell.
#[derive(Clone, Default)]
struct Table {
    /// (u0, u1, header text): the header's segments widened to the midpoints between them.
    columns: Vec<(f32, f32, String)>,
    /// The extent actually covered by each column's cells (header and rows), which wrapped
    /// continuation lines are matched against (headers are often centred, text left-aligned).
    observed: Vec<(f32, f32)>,
    /// Where each column's text starts (the header's and those of full rows, left-aligned
    /// text starts at the same place in every row), for cutting a line whose cells are too
    /// close together to be told apart by the gap between them.
    starts: Vec<Vec<f32>>,
    /// Per column: its last cell (index into the cells) and the baseline and end of that
    /// cell's last line.
    last: Vec<Option<(usize, f32, f32)>>,
    /// The first column the current row's first line filled (a row number, say, which does
    /// not wrap: a line that fills it again is a new row unless it wraps too).
    first_col: Option<usize>,
    /// The distance between two lines of one cell, once a continuation has been seen.
    pitch: Option<f32>,
    /// The header row may still continue on the next line (a wrapped header).
    header_open: bool,
    /// Starts shown by the line below, when a row is read again (see `reread_row`).
    extra: Vec<f32>,
    /// Rows seen whose cells mostly start exactly where the header's texts start (cells
    /// left-aligned under left-aligned headers, as a spreadsheet exports them): then a
    /// sparse row is read by where its cells start.
    start_aligned_rows: u32,
}

/// How a line of a table is read.
enum Role {
    /// Wrapped text of the cells above: the column of each segment.
    Continuation(Vec<usize>),
    /// A new row: the column of each segment.
    Row(Vec<Option<usize>>),
}

/// Width of the first word of a segment: its first character when that is not ASCII (CJK
/// text wraps between any two characters), else its leading run of ASCII non-spaces (Latin
/// text wraps at spaces, and a long number anywhere, which leaves the rest as one run).
fn first_word_width(seg: &Segment<'_>) -> f32 {
    let mut items = seg.items.iter().skip_while(|p| p.text.trim().is_empty());
    let Some(first) = items.next() else {
        return 0.0;
    };
    let mut end = first.u1;
    if first.text.is_ascii() {
        for p in items {
            if !p.text.is_ascii() || p.text.contains(' ') || p.text.trim().is_empty() {
                break;
            }
            end = end.max(p.u1);
        }
    }
    (end - first.u0).max(0.0)
}

impl Table {
    fn start(&mut self, header: &[Segment<'_>]) {
        self.columns = header
            .iter()
            .map(|s| (s.u0(), s.u1(), s.text().trim().to_string()))
            .collect();
        // Widen each column to the midpoints between neighbours (as the header drew them:
        // no gap is left between two columns).
        let n = self.columns.len();
        let drawn: Vec<(f32, f32)> = header.iter().map(|s| (s.u0(), s.u1())).collect();
        for i in 0..n {
            let left = if i == 0 {
                f32::MIN / 4.0
            } else {
                (drawn[i - 1].1 + drawn[i].0) / 2.0
            };
            let right = if i + 1 == n {
                f32::MAX / 4.0
            } else {
                (drawn[i].1 + drawn[i + 1].0) / 2.0
            };
            self.columns[i].0 = self.columns[i].0.min(left);
            self.columns[i].1 = self.columns[i].1.max(right);
        }
        self.observed = header.iter().map(|s| (s.u0(), s.u1())).collect();
        self.starts = header.iter().map(|s| vec![s.u0()]).collect();
        self.start_aligned_rows = 0;
        self.last = vec![None; n];
        // A header wraps freely (a two-character header over a narrow column of numbers).
        self.first_col = None;
        self.pitch = None;
        self.header_open = true;
    }

    fn clear(&mut self) {
        self.columns.clear();
        self.last.clear();
        self.start_aligned_rows = 0;
    }

    /// Cuts the segments of a line where a glyph starts exactly where a column's text starts
    /// and is set apart from the glyph before it: cells of a narrow table often stand closer
    /// together than a word space.
    fn cut<'a>(&self, segments: &[Segment<'a>], size: f32) -> Option<Vec<Segment<'a>>> {
        let tol = (0.06 * size).max(0.6);
        let at_start = |u: f32| {
            self.starts
                .iter()
                .skip(1)
                .flatten()
                .chain(&self.extra)
                .any(|&c| (u - c).abs() <= tol)
        };
        // A spreadsheet exported to PDF clips a cell's text at the next cell's edge but still
        // draws the clipped glyph: a glyph starting exactly where a column's text starts is
        // cut there even when the glyph before it runs on under it (not when it merely ends
        // there: prose can put a glyph boundary on a column's start by chance).
        let exactly_at_start = |u: f32| {
            self.starts
                .iter()
                .skip(1)
                .flatten()
                .any(|&c| (u - c).abs() <= 0.05)
        };
        let mut out: Vec<Segment<'a>> = Vec::new();
        let mut any = false;
        for seg in segments {
            let mut cur = Segment::default();
            let mut prev_end: Option<f32> = None;
            for p in &seg.items {
                let real = p.glyphs.first.is_some();
                if real
                    && let Some(end) = prev_end
                    && ((p.u0 - end > 0.02 * size && end <= p.u0 + tol && at_start(p.u0))
                        || (end > p.u0 + tol && end <= p.u0 + 0.5 * size && exactly_at_start(p.u0)))
                {
                    // Drop the space that stood for the gap: it drew nothing.
                    while cur
                        .items
                        .last()
                        .is_some_and(|q| q.glyphs.first.is_none() && q.text.trim().is_empty())
                    {
                        cur.items.pop();
                    }
                    if cur.items.iter().any(|q| q.glyphs.first.is_some()) {
                        out.push(std::mem::take(&mut cur));
                        any = true;
                    }
                }
                if real {
                    prev_end = Some(prev_end.map_or(p.u1, |e| e.max(p.u1)));
                }
                cur.items.push(p.clone());
            }
            if !cur.items.is_empty() {
                out.push(cur);
            }
        }
        any.then_some(out)
    }

    /// Whether a line, after a gap too wide for the next line of a table, is still one of
    /// its rows: at least two segments and all columns but one filled, each segment starting
    /// where a different column's text starts, left to right. Tables made by word processors
    /// set their rows apart with padding and borders (two and a quarter lines from baseline
    /// to baseline is common), which text alone cannot tell from the gap before a paragraph.
    fn aligned_row(&self, segments: &[Segment<'_>], size: f32) -> bool {
        let ncol = self.columns.len();
        if segments.len() < 2 || segments.len() + 1 < ncol || segments.len() > ncol {
            return false;
        }
        let tol = (0.3 * size).max(1.0);
        let mut next_col = 0;
        for seg in segments {
            let u = seg.u0();
            let Some(col) = (next_col..ncol).find(|&c| {
                self.starts
                    .get(c)
                    .is_some_and(|v| v.iter().any(|&x| (u - x).abs() <= tol))
                    || self.left(c).is_some_and(|x| (u - x).abs() <= tol)
            }) else {
                return false;
            };
            next_col = col + 1;
        }
        true
    }

    /// Where column `col`'s text starts: the leftmost start seen.
    fn left(&self, col: usize) -> Option<f32> {
        let s = self
            .starts
            .get(col)?
            .iter()
            .copied()
            .fold(f32::MAX, f32::min);
        let o = self.observed.get(col).map_or(f32::MAX, |o| o.0);
        let m = s.min(o);
        (m < f32::MAX / 2.0).then_some(m)
    }

    /// Whether `seg`, below a line of column `col` that ended at `prev_end`, is text that did
    /// not fit on that line, and whether it is short against the column's width (strong
    /// evidence: a long first word wraps in any narrow column, even as a new row's value).
    fn wrapped(&self, col: usize, prev_end: f32, seg: &Segment<'_>, size: f32) -> (bool, bool) {
        let Some(left) = self.left(col) else {
            return (false, false);
        };
        let widest = self
            .observed
            .get(col)
            .map_or(prev_end, |o| o.1)
            .max(prev_end);
        // The right edge of the column's text: before the next column's text by the gap seen
        // between them (at most a little over half a character); the last column, only as far
        // as its text has been seen to reach.
        let right = match self.left(col + 1) {
            Some(next) if next > widest => next - (next - widest).min(0.6 * size),
            _ => widest,
        } - 0.15 * size;
        let w = first_word_width(seg);
        let fits = prev_end + w <= right;
        (!fits, !fits && w <= 0.5 * (right - left))
    }

    /// How `segments` (a line at baseline `v` of font size `size`) is read, if it belongs to
    /// the table.
    fn role(&self, segments: &[Segment<'_>], v: f32, size: f32, step: f32) -> Option<Role> {
        let nseg = segments.len();
        let ncol = self.columns.len();
        // Assign each segment to the column it overlaps most.
        let assign: Vec<Option<usize>> = segments
            .iter()
            .map(|s| {
                let (a, b) = (s.u0(), s.u1());
                let mut best = None;
                let mut best_ov = 0.0;
                for (ci, (c0, c1, _)) in self.columns.iter().enumerate() {
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
        // A full row (one segment per column) takes the columns in order: a short cell such
        // as a two-character name, left-aligned under a centred header, can overlap the
        // neighbouring column more than its own.
        let assign: Vec<Option<usize>> = if nseg == ncol && nseg >= 3 {
            (0..nseg).map(Some).collect()
        } else {
            // Cells of one row stand in distinct columns, left to right: a segment that
            // overlaps the previous segment's column most belongs to the next one.
            let mut last: Option<usize> = None;
            assign
                .into_iter()
                .map(|a| {
                    let a = match (a, last) {
                        (Some(c), Some(l)) if c <= l && l + 1 < ncol => Some(l + 1),
                        (a, _) => a,
                    };
                    if a.is_some() {
                        last = a;
                    }
                    a
                })
                .collect()
        };
        // Cells left-aligned under left-aligned headers (a spreadsheet exported to PDF) start
        // where their columns do: when most segments start exactly at a column's start, each
        // segment takes the column it starts in (a right-aligned number, a row number, ends
        // before the next column's start but may reach past the midpoint between headers).
        let tol = (0.06 * size).max(0.6);
        let by_start: Vec<Option<usize>> = segments
            .iter()
            .map(|s| {
                (0..ncol)
                    .rev()
                    .find(|&c| self.left(c).is_some_and(|l| l <= s.u0() + tol))
            })
            .collect();
        let exact = segments
            .iter()
            .filter(|s| {
                self.starts
                    .iter()
                    .flatten()
                    .any(|&c| (s.u0() - c).abs() <= tol)
            })
            .count();
        let starts_ok = nseg < ncol
            && by_start.iter().all(|c| c.is_some())
            && by_start.windows(2).all(|w| w[0] < w[1]);
        let by_starts = starts_ok
            && ((nseg >= 3 && 2 * exact > nseg) || (nseg >= 2 && self.start_aligned_rows > 0));
        // A sparse row of such a table: it starts in the first column.
        let sparse_row = by_starts && self.start_aligned_rows > 0 && by_start[0] == Some(0);
        let assign = if by_starts { by_start } else { assign };
        if !assign.iter().all(|a| a.is_some()) {
            return None;
        }
        let row_like = nseg >= ncol.saturating_sub(1).max(2) || sparse_row;
        // A wrapped continuation stays inside one column; prose after a table does not.
        let fits = segments.iter().all(|s| {
            self.observed
                .iter()
                .filter(|(o0, o1)| overlap(s.u0(), s.u1(), *o0, *o1) > 1.0)
                .count()
                <= 1
        });
        if fits {
            // The column of each segment by the extent its cells were seen to cover.
            let cols: Vec<usize> = segments
                .iter()
                .zip(&assign)
                .map(|(seg, col)| {
                    let (a, b) = (seg.u0(), seg.u1());
                    let mut col = col.unwrap_or(0);
                    let mut best = 0.0;
                    for (ci, (o0, o1)) in self.observed.iter().enumerate() {
                        let ov = overlap(a, b, *o0, *o1);
                        if ov > best {
                            best = ov;
                            col = ci;
                        }
                    }
                    col
                })
                .collect();
            // Each segment continues a cell with a line just above it.
            let below: Vec<Option<f32>> = cols
                .iter()
                .map(|&c| match self.last.get(c) {
                    Some(Some((_, lv, end))) if *lv > v && lv - v <= PITCH * size => Some(*end),
                    _ => None,
                })
                .collect();
            let distinct = cols.windows(2).all(|w| w[0] < w[1]);
            if distinct && below.iter().all(|b| b.is_some()) {
                let tests: Vec<(bool, bool)> = cols
                    .iter()
                    .zip(&below)
                    .zip(segments)
                    .map(|((&c, b), seg)| self.wrapped(c, b.unwrap_or(f32::MAX), seg, size))
                    .collect();
                let refills = cols
                    .iter()
                    .zip(&tests)
                    .find(|(c, _)| Some(**c) == self.first_col)
                    .map(|(_, t)| t.0);
                let continuation = match (row_like, refills) {
                    // Some cells of the row wrapped, the others ended (or this is the header's
                    // second line).
                    (false, None) => true,
                    // The row's first column (a row number, a name) is filled again: a new
                    // row, unless that column too ran out of room.
                    (false, Some(wrapped)) => wrapped,
                    // Every column but the row's first: the rest of the cells that did not
                    // fit on the line above.
                    // One of them may be the short rest of a number whose cell ended just
                    // at the column's edge (`1391234567` / `8`): padding between columns
                    // makes such a rest look as if it would have fitted above.
                    (true, None) => {
                        let unwrapped: Vec<&Segment<'_>> = segments
                            .iter()
                            .zip(&tests)
                            .filter(|(_, t)| !t.0)
                            .map(|(seg, _)| seg)
                            .collect();
                        self.first_col.is_some()
                            && match unwrapped.as_slice() {
                                [] => true,
                                [one] => {
                                    let t = one.text();
                                    let t = t.trim();
                                    segments.len() >= 3
                                        && (1..=4).contains(&t.len())
                                        && t.bytes().all(|b| b.is_ascii_digit())
                                }
                                _ => false,
                            }
                    }
                    // Every cell wrapped: at the line pitch, with every segment the text that
                    // did not fit above it and at least one of them short enough that it
                    // would have fitted on a line of its own (a long number wraps in any
                    // narrow column, a new row's value as much as the rest of the one above).
                    (true, Some(_)) => {
                        // The short one must be the rest of a number or word: a single CJK
                        // character is also what the next row's name or address starts
                        // with, and a column's right edge is known only as far as its text
                        // has reached.
                        let latin = segments.iter().zip(&tests).any(|(seg, t)| {
                            t.1 && seg
                                .items
                                .iter()
                                .find(|p| !p.text.trim().is_empty())
                                .is_some_and(|p| p.text.is_ascii())
                        });
                        latin
                            && self.pitch.is_none_or(|p| step <= p + 0.15 * size)
                            && step <= TIGHT_PITCH * size
                            && tests.iter().all(|t| t.0)
                            && tests.iter().any(|t| t.1)
                    }
                };
                if continuation {
                    return Some(Role::Continuation(cols));
                }
            }
        }
        row_like.then_some(Role::Row(assign))
    }
}

/// Appends the segments of a continuation line to the cells above them.
fn continue_cells<'a>(
    tab: &mut Table,
    cells: &mut [Cell<'a>],
    segments: Vec<Segment<'a>>,
    cols: Vec<usize>,
    v: f32,
) {
    for (seg, col) in segments.into_iter().zip(cols) {
        if tab.header_open
            && let Some(c) = tab.columns.get_mut(col)
        {
            c.2.push_str(seg.text().trim());
        }
        let end = seg.u1();
        if let Some(Some((ci, lv, _))) = tab.last.get(col).copied()
            && let Some(cell) = cells.get_mut(ci)
        {
            tab.pitch = Some(tab.pitch.map_or(lv - v, |p| p.min(lv - v)));
            cell.segs.push(seg);
            if let Some(slot) = tab.last.get_mut(col) {
                *slot = Some((ci, v, end));
            }
        }
    }
}

/// Starts a row of the table with the segments of a line.
fn start_row<'a>(
    tab: &mut Table,
    cells: &mut Vec<Cell<'a>>,
    segments: Vec<Segment<'a>>,
    assign: Vec<Option<usize>>,
    v: f32,
) {
    tab.header_open = false;
    tab.first_col = assign.first().copied().flatten();
    let full = segments.len() == tab.columns.len();
    let header_starts: Vec<f32> = tab
        .starts
        .iter()
        .filter_map(|v| v.first().copied())
        .collect();
    let exact = segments
        .iter()
        .filter(|s| header_starts.iter().any(|&c| (s.u0() - c).abs() <= 0.6))
        .count();
    if segments.len() >= 3 && 2 * exact > segments.len() {
        tab.start_aligned_rows += 1;
    }
    let mut left: Option<String> = None;
    for (seg, col) in segments.into_iter().zip(assign) {
        let col = col.unwrap_or(0);
        let label = left.replace(seg.text()).and_then(|l| as_label(&l));
        let (u0, u1) = (seg.u0(), seg.u1());
        if let Some(o) = tab.observed.get_mut(col) {
            o.0 = o.0.min(u0);
            o.1 = o.1.max(u1);
        }
        if full
            && let Some(s) = tab.starts.get_mut(col)
            && s.len() < 4
            && !s.iter().any(|c| (c - u0).abs() < 0.5)
        {
            s.push(u0);
        }
        let header = tab.columns.get(col).map(|c| c.2.clone());
        cells.push(Cell {
            segs: vec![seg],
            header,
            table: true,
            // The cell to the left: in a two-column form it names this value.
            label,
        });
        if let Some(slot) = tab.last.get_mut(col) {
            *slot = Some((cells.len() - 1, v, u1));
        }
    }
}

/// Where the first word of `next`, the line below `above` in a cell, would have ended on the
/// line above: a number or word broken inside (no space at the break) moves down one character
/// at a time, anything else a word at a time.
fn end_with_next(above: &Segment<'_>, next: &Segment<'_>) -> f32 {
    let last = above.items.iter().rev().find(|p| p.glyphs.first.is_some());
    let first = next.items.iter().find(|p| !p.text.trim().is_empty());
    let alnum = |t: &str| t.chars().all(|c| c.is_ascii_alphanumeric());
    let w = match (last, first) {
        (Some(a), Some(b)) if alnum(a.text) && alnum(b.text) => b.u1 - b.u0,
        _ => first_word_width(next),
    };
    above.u1() + w
}

/// Merges rows that turn out to be the lines of one row: when the current row (the last of
/// `rows`, each the index of its first cell) has just been continued by a line of wrapped
/// text, and the row above it filled every column to the brim on its last line (the first
/// character of the line below would have run into the next column's text or, in the last
/// column, past the widest line seen), left-aligned and at the table's line pitch, the current
/// row is the rest of that one: a table in which every column wraps on every line, the first
/// column too, fills every column on each line of a row but the last, so its lines cannot be
/// told from rows until one of them ends short.
fn merge_wrapped_rows(tab: &mut Table, cells: &mut Vec<Cell<'_>>, rows: &mut Vec<usize>) {
    let ncol = tab.columns.len();
    let Some(pitch) = tab.pitch else {
        return;
    };
    while ncol >= 3 && rows.len() >= 2 {
        let (a, b) = (rows[rows.len() - 2], rows[rows.len() - 1]);
        if b != a + ncol || cells.len() != b + ncol {
            return;
        }
        let fits = (0..ncol).all(|c| {
            let (Some(p), Some(q)) = (cells[a + c].segs.last(), cells[b + c].segs.first()) else {
                return false;
            };
            let (Some(pi), Some(qi)) = (p.items.first(), q.items.first()) else {
                return false;
            };
            let size = pi.size.max(qi.size);
            let right = if c + 1 < ncol {
                tab.left(c + 1)
            } else {
                tab.observed.get(c).map(|o| o.1)
            };
            right.is_some_and(|r| end_with_next(p, q) > r - 0.05 * size)
                && (p.u0() - q.u0()).abs() <= 0.3 * size
                && ((pi.v - qi.v) - pitch).abs() <= 0.25 * size
        });
        if !fits {
            return;
        }
        let rest: Vec<Cell<'_>> = cells.split_off(b);
        for (c, cell) in rest.into_iter().enumerate() {
            cells[a + c].segs.extend(cell.segs);
            if let Some(Some(slot)) = tab.last.get_mut(c) {
                slot.0 = a + c;
            }
        }
        rows.pop();
    }
}

/// A row just read from a single line, kept so that it can be read again cut at the column
/// starts the next line shows (cells closer together than a word space, under centred
/// headers that do not tell where their columns' text starts).
struct RowLine<'a> {
    /// The table as it was before the row.
    before: Table,
    /// How many cells there were before the row.
    ncells: usize,
    segments: Vec<Segment<'a>>,
    v: f32,
    size: f32,
    step: f32,
}

/// Reads the previous row again, cut at the starts of the segments of `next` (the line after
/// it, which did not fit the table as the row was read); returns the role of `next` when it
/// fits after that, and leaves everything as it was when it does not.
fn reread_row<'a>(
    tab: &mut Table,
    cells: &mut Vec<Cell<'a>>,
    row: &RowLine<'a>,
    next: &[Segment<'a>],
    line: (f32, f32, f32),
) -> Option<(Vec<Segment<'a>>, Role)> {
    let mut t = row.before.clone();
    t.extra = next.iter().map(|s| s.u0()).collect();
    let cut = t.cut(&row.segments, row.size)?;
    if cut.len() <= row.segments.len() {
        return None;
    }
    let Some(Role::Row(assign)) = t.role(&cut, row.v, row.size, row.step) else {
        return None;
    };
    t.extra.clear();
    let removed = cells.split_off(row.ncells.min(cells.len()));
    let saved = std::mem::replace(tab, t);
    start_row(tab, cells, cut, assign, row.v);
    let (v, size, step) = line;
    let segments = tab.cut(next, size).unwrap_or_else(|| next.to_vec());
    if let Some(role) = tab.role(&segments, v, size, step) {
        return Some((segments, role));
    }
    if let Some(role) = tab.role(next, v, size, step) {
        return Some((next.to_vec(), role));
    }
    cells.truncate(row.ncells);
    cells.extend(removed);
    *tab = saved;
    None
}

/// How far short of the text block's right end (in font sizes) a line may end and still be
/// wrapped: justified text reaches it, ragged text leaves less than a word or, in CJK text,
/// a character or two kept off the line by punctuation rules.
const WRAP_SLACK: f32 = 3.0;

fn units_from_lines(lines: Vec<Line<'_>>, table: &mut Vec<u32>) -> Vec<GlyphUnit> {
    // Where the text block ends on the right: the end of its longest line. A paragraph goes on
    // to the next line only from a line that ends there (wrapped); a line ending well short of
    // it ends its paragraph (`获奖名单：…` then `户主：…`, one paragraph each).
    let right = lines
        .iter()
        .filter_map(|l| l.segments.last())
        .map(|s| s.u1())
        .fold(f32::MIN, f32::max);
    let mut cells: Vec<Cell> = Vec::new();
    let mut tab = Table::default();
    // The last single-segment body line that reached the right end: (cell, baseline, size,
    // start).
    let mut last_body: Option<(usize, f32, f32, f32)> = None;
    let mut prev_v: Option<(f32, f32)> = None;
    // The row read from the previous line, if it was one.
    let mut row_line: Option<RowLine> = None;
    // The first cell of each row of the current table, for `merge_wrapped_rows`.
    let mut rows: Vec<usize> = Vec::new();
    for line in lines {
        let step = prev_v.map_or(f32::MAX, |(v, _)| v - line.v);
        let close = prev_v.is_some_and(|(v, s)| {
            let gap = v - line.v;
            let size = s.max(line.size);
            gap < 2.2 * size
                || (gap < 3.5 * size
                    && !tab.columns.is_empty()
                    && tab.aligned_row(&line.segments, line.size))
        });
        let in_table = !tab.columns.is_empty() && close;
        if !in_table {
            tab.clear();
            rows.clear();
        }
        let prev_row = row_line.take();
        if in_table {
            // Cut at the columns' starts first; read the line as it was when the cut one
            // does not belong to the table.
            let cut = tab.cut(&line.segments, line.size);
            let mut read = match cut
                .as_ref()
                .and_then(|c| tab.role(c, line.v, line.size, step))
            {
                Some(role) => Some((cut.unwrap_or_default(), role)),
                None => tab
                    .role(&line.segments, line.v, line.size, step)
                    .map(|role| (line.segments.clone(), role)),
            };
            if read.is_none()
                && let Some(row) = &prev_row
            {
                read = reread_row(
                    &mut tab,
                    &mut cells,
                    row,
                    &line.segments,
                    (line.v, line.size, step),
                );
            }
            match read {
                Some((segments, Role::Continuation(cols))) => {
                    continue_cells(&mut tab, &mut cells, segments, cols, line.v);
                    merge_wrapped_rows(&mut tab, &mut cells, &mut rows);
                    prev_v = Some((line.v, line.size));
                    continue;
                }
                Some((segments, Role::Row(assign))) => {
                    let before = tab.clone();
                    let ncells = cells.len();
                    row_line = Some(RowLine {
                        before,
                        ncells,
                        segments: segments.clone(),
                        v: line.v,
                        size: line.size,
                        step,
                    });
                    // A row read again (`reread_row`) replaced the one before it.
                    rows.retain(|&r| r < ncells);
                    rows.push(ncells);
                    start_row(&mut tab, &mut cells, segments, assign, line.v);
                    prev_v = Some((line.v, line.size));
                    continue;
                }
                None => {
                    tab.clear();
                    rows.clear();
                }
            }
        }
        let nseg = line.segments.len();
        if nseg >= 3 {
            // A new table starts with this line as its header row.
            tab.start(&line.segments);
            rows.clear();
            let mut left: Option<String> = None;
            for (ci, seg) in line.segments.into_iter().enumerate() {
                let label = left.replace(seg.text()).and_then(|l| as_label(&l));
                let end = seg.u1();
                cells.push(Cell {
                    segs: vec![seg],
                    header: None,
                    table: true,
                    label,
                });
                tab.last[ci] = Some((cells.len() - 1, line.v, end));
            }
        } else if line.segments.len() == 1
            && let Some((ci, pv, ps, pu)) = last_body
            && (pv - line.v) < 1.8 * ps.max(line.size)
            && (ps - line.size).abs() < 0.15 * ps.max(line.size)
            && (pu - line.segments[0].u0()).abs() < 3.0 * line.size
        {
            // The next line of a paragraph: a value wrapped at the line end stays one string.
            let seg = line.segments.into_iter().next().unwrap_or_default();
            last_body = (seg.u1() >= right - WRAP_SLACK * line.size).then_some((
                ci,
                line.v,
                line.size,
                seg.u0(),
            ));
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
            last_body = if single
                && cells[cells.len() - 1].segs[0].u1() >= right - WRAP_SLACK * line.size
            {
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

    /// A line of segments `(start, text)` at baseline `v`, size 10: ASCII glyphs are 5 wide,
    /// others 10. Glyph indices are handed out from `next`.
    fn line(v: f32, segs: &[(f32, &'static str)], next: &mut usize) -> Line<'static> {
        let size = 10.0;
        let segments = segs
            .iter()
            .map(|&(u, text)| {
                let mut u0 = u;
                let mut items = Vec::new();
                for (i, c) in text.char_indices() {
                    let t = &text[i..i + c.len_utf8()];
                    let w = if c.is_ascii() { 5.0 } else { 10.0 };
                    items.push(Placed {
                        glyphs: GlyphList::one(*next),
                        text: t,
                        u0,
                        u1: u0 + w,
                        v,
                        size,
                    });
                    *next += 1;
                    u0 += w;
                }
                Segment { items }
            })
            .collect();
        Line { v, size, segments }
    }

    /// A line with one segment per non-empty cell, each at its column's start in `cols`.
    fn row_at(
        cols: &[f32; 4],
        v: f32,
        cells: [&'static str; 4],
        next: &mut usize,
    ) -> Line<'static> {
        let segs: Vec<(f32, &'static str)> = cols
            .iter()
            .zip(cells)
            .filter(|(_, t)| !t.is_empty())
            .map(|(&c, t)| (c, t))
            .collect();
        line(v, &segs, next)
    }

    fn texts(lines: Vec<Line<'static>>) -> Vec<String> {
        let mut table = Vec::new();
        let units = units_from_lines(lines, &mut table);
        // Every character still maps to the glyph that drew it.
        for u in &units {
            for c in &u.chars {
                assert!(u.text.is_char_boundary(c.range().start));
                assert!(u.text.is_char_boundary(c.range().end));
            }
        }
        units.into_iter().map(|u| u.text).collect()
    }

    /// Columns of a narrow table: number at 0, ID at 20 (45 wide: nine digits), phone at 70
    /// (35 wide), address at 110 (60 wide: six characters).
    const COLS: [f32; 4] = [0.0, 20.0, 70.0, 110.0];

    fn header(next: &mut usize) -> Line<'static> {
        line(
            700.0,
            &[
                (COLS[0], "序号"),
                (COLS[1], "身份证号"),
                (COLS[2], "电话"),
                (COLS[3], "家庭住址"),
            ],
            next,
        )
    }

    /// A word processor's table: rows 23 apart (font size 10: more than the 22 that keeps a
    /// line in a table), the name column never wraps, a phone's last digit alone on the next
    /// line. A paragraph as far below, not aligned to the columns, is not a row.
    /// Lines of a paragraph that wraps at the right end are one unit, a value broken at the
    /// wrap included; lines ending short of it end their paragraph, however close the next.
    #[test]
    fn only_lines_that_reach_the_right_end_run_on() {
        let mut n = 0;
        let lines = vec![
            line(
                700.0,
                &[(0.0, "经核实，申请人王秀兰的公民身份证号码为34070219")],
                &mut n,
            ),
            line(688.0, &[(0.0, "8503124511，符合条件。")], &mut n),
            line(676.0, &[(0.0, "获奖名单：张三丰、李秀英")], &mut n),
            line(664.0, &[(0.0, "户主：张伟")], &mut n),
            line(
                652.0,
                &[(0.0, "现住址：铜陵市义安区五松镇幸福路12号")],
                &mut n,
            ),
            line(640.0, &[(0.0, "开户账号：6228 4804 0256 4890 018")], &mut n),
        ];
        assert_eq!(
            texts(lines),
            [
                "经核实，申请人王秀兰的公民身份证号码为340702198503124511，符合条件。",
                "获奖名单：张三丰、李秀英",
                "户主：张伟",
                "现住址：铜陵市义安区五松镇幸福路12号",
                "开户账号：6228 4804 0256 4890 018",
            ]
        );
    }

    #[test]
    fn padded_rows_stay_in_their_table_and_join() {
        let mut n = 0;
        let lines = vec![
            header(&mut n),
            line(
                677.0,
                &[
                    (COLS[0], "张三"),
                    (COLS[1], "340702199"),
                    (COLS[2], "1391234"),
                    (COLS[3], "安徽省铜陵市"),
                ],
                &mut n,
            ),
            line(
                664.0,
                &[(COLS[1], "001011239"), (COLS[2], "5"), (COLS[3], "义安区")],
                &mut n,
            ),
            line(
                641.0,
                &[
                    (COLS[0], "李四"),
                    (COLS[1], "110105198"),
                    (COLS[2], "1881234"),
                    (COLS[3], "北京市"),
                ],
                &mut n,
            ),
            line(628.0, &[(COLS[1], "512120022"), (COLS[2], "6")], &mut n),
            line(
                605.0,
                &[(3.0, "以上名单公示七天，如有异议请来电。")],
                &mut n,
            ),
        ];
        let t = texts(lines);
        for want in [
            "张三",
            "340702199001011239",
            "13912345",
            "安徽省铜陵市义安区",
            "李四",
            "110105198512120022",
            "18812346",
            "以上名单公示七天，如有异议请来电。",
        ] {
            assert!(t.iter().any(|u| u == want), "{want} not a unit: {t:?}");
        }
    }

    #[test]
    fn a_wrapped_row_joins_cell_by_cell() {
        let mut n = 0;
        let lines = vec![
            header(&mut n),
            // Cells closer together than a word space (2.5 between ID and phone, none
            // between phone and address): cut where each column's text starts.
            line(
                688.0,
                &[
                    (COLS[0], "1"),
                    (COLS[1], "340702197"),
                    (67.5, "1527650"),
                    (COLS[3], "安徽省铜陵市"),
                ],
                &mut n,
            ),
            // Every column but the first continues, the address over three lines.
            line(
                676.0,
                &[
                    (COLS[1], "212277572"),
                    (COLS[2], "3845"),
                    (COLS[3], "义安区五松镇"),
                ],
                &mut n,
            ),
            line(664.0, &[(COLS[3], "幸福路1号")], &mut n),
            line(
                652.0,
                &[
                    (COLS[0], "2"),
                    (COLS[1], "340702198"),
                    (COLS[2], "1773294"),
                    (COLS[3], "安徽省铜陵市"),
                ],
                &mut n,
            ),
            line(
                640.0,
                &[
                    (COLS[1], "004135566"),
                    (COLS[2], "4007"),
                    (COLS[3], "义安区"),
                ],
                &mut n,
            ),
        ];
        let t = texts(lines);
        let want = [
            "序号",
            "身份证号",
            "电话",
            "家庭住址",
            "1",
            "340702197212277572",
            "15276503845",
            "安徽省铜陵市义安区五松镇幸福路1号",
            "2",
            "340702198004135566",
            "17732944007",
            "安徽省铜陵市义安区",
        ];
        assert_eq!(t, want);
    }

    #[test]
    fn a_row_whose_every_cell_wraps_joins() {
        let mut n = 0;
        // A first column one digit wide, then ID (nine digits wide), phone (ten) and address.
        let cols = [0.0, 8.0, 58.0, 108.0];
        let row = |v: f32, cells: [&'static str; 4], n: &mut usize| row_at(&cols, v, cells, n);
        let lines = vec![
            row(700.0, ["N", "身份证号", "电话", "家庭住址"], &mut n),
            row(
                688.0,
                ["1", "340702197", "152765038", "安徽省铜陵市"],
                &mut n,
            ),
            row(676.0, ["", "212277572", "45", "义安区"], &mut n),
            // Row 10: its number wraps too, so every column continues on the next line, each
            // with text that did not fit above it.
            row(
                664.0,
                ["1", "340702198", "177329440", "安徽省铜陵市"],
                &mut n,
            ),
            row(652.0, ["0", "004135566", "07", "义安区"], &mut n),
        ];
        let t = texts(lines);
        let want = [
            "N",
            "身份证号",
            "电话",
            "家庭住址",
            "1",
            "340702197212277572",
            "15276503845",
            "安徽省铜陵市义安区",
            "10",
            "340702198004135566",
            "17732944007",
            "安徽省铜陵市义安区",
        ];
        assert_eq!(t, want);
    }

    #[test]
    fn a_table_whose_every_column_wraps_on_every_line_joins() {
        let mut n = 0;
        // Columns as narrow as their text: the ID column holds seven digits (35 wide, the next
        // column's text 1 further), the phone column five, the card column seven, the address
        // column eleven CJK characters. No padding: rows at the line pitch.
        let cols = [0.0, 36.0, 62.0, 98.0];
        let row = |v: f32, cells: [&'static str; 4], n: &mut usize| row_at(&cols, v, cells, n);
        let lines = vec![
            row(700.0, ["证号", "电话", "卡号", "家庭住址"], &mut n),
            // Every line of a row but its last fills every column, the first one too.
            row(
                688.0,
                ["3407021", "15276", "6222058", "安徽省铜陵市义安区五松"],
                &mut n,
            ),
            row(
                676.0,
                ["9721227", "50384", "3842777", "镇幸福路幸福家园239号"],
                &mut n,
            ),
            row(664.0, ["7572", "5", "79029", "25栋1121室"], &mut n),
            row(
                652.0,
                ["3407021", "17732", "6222314", "安徽省铜陵市义安区五松"],
                &mut n,
            ),
            row(
                640.0,
                ["9800413", "94400", "6682369", "镇幸福路幸福苑128号1"],
                &mut n,
            ),
            // A row over four lines (made-up values): its lines join one after the other.
            row(
                628.0,
                ["1234567", "12345", "1234567", "安徽省铜陵市义安区五松"],
                &mut n,
            ),
            row(616.0, ["5566", "7", "69580", "栋988室"], &mut n),
            // A row that fits on one line after a row that ended short: a row.
            row(604.0, ["3407021", "17019", "6222920", "安徽省"], &mut n),
        ];
        let t = texts(lines);
        let want = [
            "证号",
            "电话",
            "卡号",
            "家庭住址",
            "340702197212277572",
            "15276503845",
            "6222058384277779029",
            "安徽省铜陵市义安区五松镇幸福路幸福家园239号25栋1121室",
            "3407021980041312345675566",
            "1773294400123457",
            "62223146682369123456769580",
            "安徽省铜陵市义安区五松镇幸福路幸福苑128号1安徽省铜陵市义安区五松栋988室",
            "3407021",
            "17019",
            "6222920",
            "安徽省",
        ];
        assert_eq!(t, want);
    }

    #[test]
    fn rows_of_a_table_that_does_not_wrap_stay_apart() {
        let mut n = 0;
        // Wide columns, rows at the line pitch, values of the same length in every row.
        let cols = [0.0, 30.0, 140.0, 210.0];
        let row = |v: f32,
                   no: &'static str,
                   id: &'static str,
                   ph: &'static str,
                   name: &'static str,
                   n: &mut usize| {
            line(
                v,
                &[(cols[0], no), (cols[1], id), (cols[2], ph), (cols[3], name)],
                n,
            )
        };
        let lines = vec![
            line(
                700.0,
                &[
                    (cols[0], "序号"),
                    (cols[1], "身份证号"),
                    (cols[2], "电话"),
                    (cols[3], "姓名"),
                ],
                &mut n,
            ),
            row(
                688.0,
                "1",
                "340702197212277572",
                "15276503845",
                "欧阳娜杰",
                &mut n,
            ),
            row(
                676.0,
                "2",
                "340702198004135566",
                "17732944007",
                "李伟洋",
                &mut n,
            ),
            // A row with empty cells is a row, not the rest of the one above.
            line(664.0, &[(cols[0], "3"), (cols[3], "李强勇")], &mut n),
            row(
                652.0,
                "4",
                "340702196002056320",
                "15651938379",
                "王芳军",
                &mut n,
            ),
        ];
        let t = texts(lines);
        let want = [
            "序号",
            "身份证号",
            "电话",
            "姓名",
            "1",
            "340702197212277572",
            "15276503845",
            "欧阳娜杰",
            "2",
            "340702198004135566",
            "17732944007",
            "李伟洋",
            "3",
            "李强勇",
            "4",
            "340702196002056320",
            "15651938379",
            "王芳军",
        ];
        assert_eq!(t, want);
    }

    #[test]
    fn a_paragraph_under_a_wrapped_table_is_not_merged_into_it() {
        let mut n = 0;
        let lines = vec![
            header(&mut n),
            line(
                688.0,
                &[
                    (COLS[0], "1"),
                    (COLS[1], "340702197"),
                    (COLS[2], "1527650"),
                    (COLS[3], "安徽省铜陵市"),
                ],
                &mut n,
            ),
            line(
                676.0,
                &[
                    (COLS[1], "212277572"),
                    (COLS[2], "3845"),
                    (COLS[3], "义安区"),
                ],
                &mut n,
            ),
            // Prose at the line pitch right under the table, from the left margin across
            // every column; then a short note that fits inside the first column.
            line(664.0, &[(0.0, "公示期：2021年10月1日至10月7日。")], &mut n),
            line(652.0, &[(0.0, "注")], &mut n),
        ];
        let t = texts(lines);
        assert_eq!(t[4..7], ["1", "340702197212277572", "15276503845"]);
        assert_eq!(t[7], "安徽省铜陵市义安区");
        assert_eq!(t[8], "公示期：2021年10月1日至10月7日。注");
    }
}
