//! Numbers of a table cell wrapped over several lines, read whole again.
//!
//! A number too long for its column continues on the next line of the same cell
//! (`110101199003` / `07123X`, `1391234567` / `8`), so a reading line by line sees two pieces on
//! two lines, each too short to be anything. This pass finds, for every run of digits on a
//! line, the run of digits on the line just below (at most 1.7 font sizes lower, same font
//! size) that starts where the upper run starts, or where the upper run's stretch of text (its
//! cell's text on that line) starts, and is no wider than what the upper line holds from
//! there: the rest of a cell that did not fit. Chains of such pieces over up to
//! [`MAX_LINES`] lines are joined, and every join is read as a text of its own besides the
//! lines. Nothing here decides what a join is: the original-value search and detection do,
//! so a join of two unrelated numbers stacked in a column (which also start at the same x)
//! costs a unit and finds nothing unless the two happen to make a valid number.
//!
//! Masked digits (`*`) count as digits, so that a masked value reads as masked when joined
//! (`152****38` / `45`), never as its kept digits alone.
//!
//! Also here: rows whose number is drawn as one string with the next cell (`1张伟`, as
//! LibreOffice Calc exports a sheet), read again with the number set apart, after the table's
//! header line, so that the name reads as the cell under `姓名` it is.

use super::content::{Frag, GAP};

/// Lines a wrapped value may span.
pub(super) const MAX_LINES: usize = 4;
/// Longest join read (in characters): the longest number the detectors know has 22 digits,
/// and an original value read in a join is a number of a few dozen at most.
const MAX_CHARS: usize = 40;
/// Fewest digits a join must hold to be read: shorter ones are no number worth finding.
const MIN_DIGITS: usize = 6;

/// Pieces of a number joined across lines.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Join {
    /// The pieces, top to bottom, joined without a space.
    pub(super) text: String,
    /// Each piece on its own (an original value found in one already was reported there).
    pub(super) parts: Vec<String>,
    /// Index of the line group of the first piece.
    pub(super) group: usize,
}

/// A run of digits on one line.
#[derive(Debug)]
struct Run {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
    /// Where the run's text may start a cell's line: its own start and every fragment start
    /// inside it set off from the glyph before by a gap (two strings drawn one after the
    /// other: `65` ending an address, `622298111` starting the card in the next cell), with
    /// the byte offset of that start in `text`.
    starts: Vec<(f64, usize)>,
    /// Start of the stretch of glyphs without a gap that the run ends (the cell's text on
    /// this line), when the run is the first run of digits in it (`电话：139`).
    stretch_x0: Option<f64>,
    /// Nothing is glued before the run: it starts a stretch, as a cell's next line does.
    leading: bool,
    /// Index of the line group.
    group: usize,
}

fn digitish(c: char) -> bool {
    c.is_ascii_digit() || ('０'..='９').contains(&c) || c == '*'
}

/// Runs of digits of one line, its fragments sorted left to right.
fn runs_of(group: usize, line: &[&Frag], out: &mut Vec<Run>) {
    let mut cur: Option<Run> = None;
    // End of the previous glyph, and the previous glyph with its start (faux bold copies).
    let mut prev_end: Option<f64> = None;
    let mut prev_glyph: Option<(char, f64)> = None;
    let mut stretch_x0 = 0.0;
    // Whether the current stretch already had a run of digits.
    let mut stretch_had_run = false;
    let mut prev_frag: Option<&Frag> = None;
    for f in line {
        // A second copy of a string drawn on top (faux bold).
        if let Some(p) = prev_frag
            && p.text == f.text
            && (f.x0 - p.x0).abs() < 0.1 * f.size
            && (f.y - p.y).abs() < 0.1 * f.size
        {
            continue;
        }
        prev_frag = Some(f);
        let n = f.text.chars().count().max(1);
        let w = (f.x1 - f.x0) / n as f64;
        for (i, c) in f.text.chars().enumerate() {
            let cx0 = f.x0 + w * i as f64;
            let cx1 = cx0 + w;
            if let Some((pc, px)) = prev_glyph
                && pc == c
                && (cx0 - px).abs() < 0.1 * f.size
            {
                continue;
            }
            let gap = prev_end.map(|e| cx0 - e);
            let glued = gap.is_some_and(|g| g <= GAP * f.size && g >= -0.3 * f.size);
            prev_end = Some(cx1);
            prev_glyph = Some((c, cx0));
            if !glued {
                stretch_x0 = cx0;
                stretch_had_run = false;
                if let Some(r) = cur.take() {
                    out.push(r);
                }
            }
            let check_x = matches!(c, 'X' | 'x')
                && cur
                    .as_ref()
                    .is_some_and(|r| r.text.ends_with(|d: char| d.is_ascii_digit()));
            if digitish(c) || check_x {
                match cur.as_mut() {
                    Some(r) => {
                        // A fragment drawn after a little gap may start a cell.
                        if i == 0 && gap.is_some_and(|g| g > 0.02 * f.size) && !check_x {
                            r.starts.push((cx0, r.text.len()));
                        }
                        r.text.push(c);
                        r.x1 = cx1;
                    }
                    None => {
                        cur = Some(Run {
                            text: c.to_string(),
                            x0: cx0,
                            x1: cx1,
                            y: f.y,
                            size: f.size,
                            starts: vec![(cx0, 0)],
                            stretch_x0: (!stretch_had_run && stretch_x0 < cx0)
                                .then_some(stretch_x0),
                            leading: !glued,
                            group,
                        });
                        stretch_had_run = true;
                    }
                }
                // A check character ends the number.
                if check_x && let Some(r) = cur.take() {
                    out.push(r);
                }
            } else if let Some(r) = cur.take() {
                out.push(r);
            }
        }
    }
    if let Some(r) = cur {
        out.push(r);
    }
}

/// Whether `lower` continues `upper` on the next line of its cell; the byte offset in
/// `upper.text` where the cell's line starts.
fn continues(upper: &Run, lower: &Run) -> Option<usize> {
    let s = upper.size;
    let dy = upper.y - lower.y;
    if !lower.leading
        || (lower.size - s).abs() > 0.15 * s
        || dy <= 0.5 * s
        || dy > 1.7 * s
        || upper.text.ends_with(['X', 'x'])
    {
        return None;
    }
    let tol = 0.25 * s;
    let width = lower.x1 - lower.x0;
    let anchors = upper
        .starts
        .iter()
        .copied()
        .chain(upper.stretch_x0.map(|x| (x, 0)));
    // A cell's first line that wrapped is full: at least a few digits wide (a column of row
    // numbers `7` / `8` is no wrapped cell).
    for (a, off) in anchors {
        if (lower.x0 - a).abs() <= tol && width <= upper.x1 - a + tol && upper.x1 - a >= 2.0 * s {
            return Some(off);
        }
    }
    None
}

/// The joins of a page: `lines` are its line groups top to bottom, each sorted left to right.
pub(super) fn joins(lines: &[Vec<&Frag>]) -> Vec<Join> {
    let mut runs: Vec<Run> = Vec::new();
    for (g, line) in lines.iter().enumerate() {
        runs_of(g, line, &mut runs);
    }
    // Where each line starts, and the run of digits it starts with, if any.
    let line_x0: Vec<Option<f64>> = lines.iter().map(|l| l.first().map(|f| f.x0)).collect();
    let mut first_run: Vec<Option<usize>> = vec![None; lines.len()];
    for (i, r) in runs.iter().enumerate() {
        if first_run[r.group].is_none()
            && r.leading
            && line_x0[r.group].is_some_and(|x| r.x0 <= x + 0.05 * r.size)
        {
            first_run[r.group] = Some(i);
        }
    }
    // Whether line `lower` starts a new row of the table rather than continuing the cells of
    // line `upper`: it starts left of where `upper` starts, or where `upper` starts without
    // its first text being the rest of a number that `upper` starts with. Rows of one line
    // each refill the first column (a row number, a name); a wrapped cell's next line leaves
    // it empty, or continues it too when every column wraps.
    let new_row = |upper: usize, lower: usize, size: f64| -> bool {
        let (Some(xu), Some(xl)) = (line_x0[upper], line_x0[lower]) else {
            return true;
        };
        let tol = 0.25 * size;
        if xl < xu - tol {
            return true;
        }
        if xl > xu + tol {
            return false;
        }
        match (first_run[upper], first_run[lower]) {
            (Some(a), Some(b)) => continues(&runs[a], &runs[b]).is_none(),
            _ => true,
        }
    };
    // The continuation of each run: the highest aligned run below it within reach. Runs come
    // in line order, so those below start after it.
    let mut link: Vec<Option<(usize, usize)>> = vec![None; runs.len()];
    for i in 0..runs.len() {
        let u = &runs[i];
        let mut best: Option<(usize, usize)> = None;
        for (j, l) in runs.iter().enumerate().skip(i + 1) {
            if l.group == u.group || new_row(u.group, l.group, u.size) {
                continue;
            }
            if u.y - l.y > 1.7 * u.size {
                // Line groups go down the page; a group's runs may sit a little apart.
                if l.y < u.y - 3.0 * u.size {
                    break;
                }
                continue;
            }
            if let Some(off) = continues(u, l)
                && best.is_none_or(|(b, _)| runs[b].y < l.y)
            {
                best = Some((j, off));
            }
        }
        link[i] = best;
    }
    let mut out = Vec::new();
    for i in 0..runs.len() {
        let Some((mut j, off)) = link[i] else {
            continue;
        };
        let first = &runs[i].text[off..];
        let mut text = first.to_string();
        let mut parts = vec![first.to_string()];
        loop {
            text.push_str(&runs[j].text);
            parts.push(runs[j].text.clone());
            if text.chars().count() > MAX_CHARS {
                break;
            }
            let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
            if digits >= MIN_DIGITS {
                out.push(Join {
                    text: text.clone(),
                    parts: parts.clone(),
                    group: runs[i].group,
                });
            }
            match link[j] {
                Some((k, 0)) if parts.len() < MAX_LINES => j = k,
                _ => break,
            }
        }
    }
    out
}

/// Rows of a table whose number (1 to 4 digits) is glued to a Chinese text that follows (`1张伟
/// 3407…`), each with the number set apart (`1 张伟 3407…`), by the header line above them:
/// (index of the header line, [(index of the row's line, its text with the number apart)]).
/// A header line is a line of three or more short cells without digits (whether it names
/// personal data, detection decides); a line with sentence punctuation between it and the
/// row ends its table.
pub(super) fn glued_row_numbers(lines: &[String]) -> Vec<(usize, Vec<(usize, String)>)> {
    let mut out: Vec<(usize, Vec<(usize, String)>)> = Vec::new();
    let mut header: Option<usize> = None;
    for (k, line) in lines.iter().enumerate() {
        let t = line.trim();
        let cells: Vec<&str> = t.split_whitespace().collect();
        if t.len() <= 400
            && !t.bytes().any(|b| b.is_ascii_digit())
            && cells.len() >= 3
            && cells.iter().all(|c| c.len() <= 30)
        {
            header = Some(k);
            continue;
        }
        if t.contains(['。', '，', '；', '：']) {
            header = None;
            continue;
        }
        let Some(h) = header else {
            continue;
        };
        let n = t.bytes().take_while(u8::is_ascii_digit).count();
        let next = t[n..].chars().next();
        if (1..=4).contains(&n) && next.is_some_and(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c)) {
            let split = format!("{} {}", &t[..n], &t[n..]);
            match out.last_mut() {
                Some((hh, rows)) if *hh == h => rows.push((k, split)),
                _ => out.push((h, vec![(k, split)])),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fragment of `size` 10 at (x, y), its glyphs `w` wide each.
    fn frag(text: &str, x: f64, y: f64, w: f64) -> Frag {
        let n = text.chars().count() as f64;
        Frag {
            text: text.to_string(),
            x0: x,
            x1: x + n * w,
            y,
            size: 10.0,
            seq: 0,
        }
    }

    /// Line groups of fragments, each sorted left to right.
    fn lines(frags: &[Vec<Frag>]) -> Vec<Join> {
        let groups: Vec<Vec<&Frag>> = frags
            .iter()
            .map(|l| {
                let mut g: Vec<&Frag> = l.iter().collect();
                g.sort_by(|a, b| a.x0.total_cmp(&b.x0));
                g
            })
            .collect();
        joins(&groups)
    }

    fn texts(j: &[Join]) -> Vec<&str> {
        j.iter().map(|j| j.text.as_str()).collect()
    }

    #[test]
    fn a_number_wrapped_in_its_cell_is_joined_with_its_rest() {
        // Two cells per row, the ID and phone columns too narrow.
        let j = lines(&[
            vec![
                frag("110101199003", 100.0, 700.0, 6.0),
                frag("1391234567", 200.0, 700.0, 6.0),
            ],
            vec![
                frag("07123X", 100.0, 688.0, 6.0),
                frag("8", 200.0, 688.0, 6.0),
            ],
        ]);
        assert_eq!(texts(&j), ["11010119900307123X", "13912345678"]);
        assert_eq!(j[0].parts, ["110101199003", "07123X"]);
        assert_eq!(j[0].group, 0);
    }

    #[test]
    fn a_number_over_three_lines_is_joined_whole_and_by_pairs() {
        let j = lines(&[
            vec![frag("622205838", 300.0, 700.0, 7.0)],
            vec![frag("427777902", 300.0, 686.0, 7.0)],
            vec![frag("9", 300.0, 672.0, 7.0)],
        ]);
        assert_eq!(
            texts(&j),
            ["622205838427777902", "6222058384277779029", "4277779029"]
        );
    }

    #[test]
    fn the_cells_text_before_the_number_is_where_the_next_line_starts() {
        let j = lines(&[
            vec![
                frag("1", 50.0, 700.0, 6.0),
                frag("电话：1391234", 100.0, 700.0, 10.0),
            ],
            vec![frag("5678", 100.0, 688.0, 6.0)],
        ]);
        assert_eq!(texts(&j), ["13912345678"]);
    }

    #[test]
    fn a_number_glued_to_the_cell_before_starts_where_its_string_starts() {
        // `65` ends an address drawn right up to the card's cell, whose string starts after a
        // hair of a gap.
        let j = lines(&[
            vec![
                frag("幸福路65", 250.0, 700.0, 9.0),
                frag("622298111", 295.7, 700.0, 7.0),
            ],
            vec![frag("644048402", 295.7, 686.0, 7.0)],
        ]);
        assert_eq!(texts(&j), ["622298111644048402"]);
    }

    #[test]
    fn masked_digits_stay_in_the_join() {
        let j = lines(&[
            vec![frag("152****38", 200.0, 700.0, 6.0)],
            vec![frag("45", 200.0, 688.0, 6.0)],
        ]);
        assert_eq!(texts(&j), ["152****3845"]);
    }

    #[test]
    fn what_is_not_the_rest_of_a_cell_is_not_joined() {
        let none = |rows: &[Vec<Frag>]| assert_eq!(texts(&lines(rows)), Vec::<&str>::new());
        // Wider than the line above: a new value, not the rest of this one.
        none(&[
            vec![frag("1998", 100.0, 700.0, 6.0)],
            vec![frag("1234567", 100.0, 688.0, 6.0)],
        ]);
        // Right-aligned numbers stacked in a column.
        none(&[
            vec![frag("13901234", 100.0, 700.0, 6.0)],
            vec![frag("567", 130.0, 688.0, 6.0)],
        ]);
        // Too far below for the next line of the cell.
        none(&[
            vec![frag("13901234", 100.0, 700.0, 6.0)],
            vec![frag("567", 100.0, 680.0, 6.0)],
        ]);
        // Another font size: a footnote, not the cell's next line.
        none(&[
            vec![frag("13901234", 100.0, 700.0, 6.0)],
            vec![Frag {
                size: 7.0,
                ..frag("567", 100.0, 690.0, 4.0)
            }],
        ]);
        // The lower run does not start its line's text: `编号567`.
        none(&[
            vec![frag("13901234", 100.0, 700.0, 6.0)],
            vec![frag("编号567", 82.0, 688.0, 6.0)],
        ]);
        // Check character ends a number.
        none(&[
            vec![frag("11010119900307123X", 100.0, 700.0, 6.0)],
            vec![frag("12", 100.0, 688.0, 6.0)],
        ]);
    }

    #[test]
    fn row_numbers_glued_to_a_name_are_set_apart_under_their_header() {
        let lines: Vec<String> = [
            "2021年度困难群众救助发放名单",
            "序号 姓名 身份证号 联系电话",
            "1张伟 340702198109 1234.5",
            "2 李秀英 110105197105",
            "12王建国 320102196109",
            "合计：3人",
            "4周杰 320102196109",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let got = glued_row_numbers(&lines);
        assert_eq!(
            got,
            [(
                1,
                vec![
                    (2, "1 张伟 340702198109 1234.5".to_string()),
                    (4, "12 王建国 320102196109".to_string())
                ]
            )]
        );
        // No header above, or a year rather than a row number: nothing.
        assert!(glued_row_numbers(&lines[2..3]).is_empty());
        let years: Vec<String> = vec!["序号 姓名 说明".into(), "20210年度".into()];
        assert!(glued_row_numbers(&years).is_empty());
    }

    #[test]
    fn rows_of_one_line_each_are_not_joined() {
        // Row numbers, then card numbers cut to their column's width (as Calc draws a sheet):
        // each line refills the first column, so none continues the one above.
        let cards = ["621700916", "621700544", "622700951"];
        let rows: Vec<Vec<Frag>> = (0..3)
            .map(|k| {
                let y = 700.0 - 12.0 * k as f64;
                vec![
                    frag(&(k + 7).to_string(), 50.0, y, 6.0),
                    frag(cards[k], 200.0, y, 6.0),
                ]
            })
            .collect();
        assert_eq!(texts(&lines(&rows)), Vec::<&str>::new());
    }

    #[test]
    fn when_every_column_wraps_each_cell_is_joined_and_no_row_with_the_next() {
        let cells = [
            ["3407021", "15276", "6222058"],
            ["9721227", "50384", "3842777"],
            ["7572", "5", "79029"],
            ["3407021", "17732", "6222314"],
            ["9800413", "94400", "6682369"],
            ["5566", "7", "69580"],
        ];
        let rows: Vec<Vec<Frag>> = cells
            .iter()
            .enumerate()
            .map(|(k, row)| {
                let y = 700.0 - 12.0 * k as f64;
                (0..3)
                    .map(|c| frag(row[c], 100.0 + 60.0 * c as f64, y, 6.0))
                    .collect()
            })
            .collect();
        let j = lines(&rows);
        let t = texts(&j);
        for whole in [
            "340702197212277572",
            "15276503845",
            "6222058384277779029",
            "340702198004135566",
            "17732944007",
            "6222314668236969580",
        ] {
            assert!(t.contains(&whole), "{whole} in {t:?}");
        }
        assert!(!t.iter().any(|t| t.contains("75723407021")), "{t:?}");
    }

    #[test]
    fn a_faux_bold_copy_is_read_once() {
        let j = lines(&[
            vec![
                frag("1391234567", 200.0, 700.0, 6.0),
                frag("1391234567", 200.2, 700.0, 6.0),
            ],
            vec![frag("8", 200.0, 688.0, 6.0), frag("8", 200.2, 688.0, 6.0)],
        ]);
        assert_eq!(texts(&j), ["13912345678"]);
    }
}
