//! A small RFC 4180 CSV reader that remembers where each cell's characters stand.
//!
//! We need positions, not just values: a masked character must go back to the exact place it
//! came from, inside quotes and next to doubled quotes. Malformed quoting never fails: an
//! unterminated quote runs to the end of the file, as spreadsheet programs read it.

use crate::Segment;

/// One parsed cell: its unquoted text and the verbatim segments that make it up.
#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub text: String,
    pub segments: Vec<Segment>,
    /// 1-based line on which the cell starts.
    pub line: usize,
}

/// Picks the delimiter that splits the first lines most consistently.
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(10)
        .collect();
    let mut best = (b',', 0usize);
    for d in [b',', b'\t', b';', b'|'] {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| l.bytes().filter(|&b| b == d).count())
            .collect();
        let min = counts.iter().copied().min().unwrap_or(0);
        if min > best.1 {
            best = (d, min);
        }
    }
    best.0
}

/// Parses CSV text into rows of cells.
#[cfg(test)]
pub(crate) fn parse(text: &str, delimiter: u8) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    let _ = parse_rows(text, delimiter, |row| {
        rows.push(row);
        Ok::<(), ()>(())
    });
    rows
}

/// Parses record by record, handing each row to `on_row` as soon as it is complete, so that
/// a large file is never held as cells and as units at once. Stops at the first error.
pub(crate) fn parse_rows<E>(
    text: &str,
    delimiter: u8,
    mut on_row: impl FnMut(Vec<Cell>) -> Result<(), E>,
) -> Result<(), E> {
    let bytes = text.as_bytes();
    let mut row: Vec<Cell> = Vec::new();
    let mut line = 1usize;
    let mut i = 0usize;
    let n = bytes.len();
    // Each iteration reads one cell starting at `i`.
    loop {
        let cell_line = line;
        let mut cell = Cell {
            text: String::new(),
            segments: Vec::new(),
            line: cell_line,
        };
        if i < n && bytes[i] == b'"' {
            i += 1;
            let mut seg_start = i;
            loop {
                if i >= n {
                    push_seg(&mut cell, text, seg_start, i);
                    break;
                }
                if bytes[i] == b'"' {
                    push_seg(&mut cell, text, seg_start, i);
                    if i + 1 < n && bytes[i + 1] == b'"' {
                        // A doubled quote is one quote character of the value.
                        let unit = cell.text.len();
                        cell.text.push('"');
                        cell.segments.push(Segment {
                            unit,
                            source: i,
                            len: 1,
                            doubled: true,
                        });
                        i += 2;
                        seg_start = i;
                        continue;
                    }
                    i += 1;
                    break;
                }
                if bytes[i] == b'\n' {
                    line += 1;
                }
                i += 1;
            }
            // Anything after the closing quote up to the delimiter belongs to the cell.
            let rest_start = i;
            while i < n && bytes[i] != delimiter && bytes[i] != b'\n' && bytes[i] != b'\r' {
                i += 1;
            }
            push_seg(&mut cell, text, rest_start, i);
        } else {
            let start = i;
            while i < n && bytes[i] != delimiter && bytes[i] != b'\n' && bytes[i] != b'\r' {
                i += 1;
            }
            push_seg(&mut cell, text, start, i);
        }
        row.push(cell);
        if i >= n {
            on_row(row)?;
            break;
        }
        if bytes[i] == delimiter {
            i += 1;
            continue;
        }
        // End of record: \r\n, \n or \r.
        if bytes[i] == b'\r' && i + 1 < n && bytes[i + 1] == b'\n' {
            i += 1;
        }
        i += 1;
        line += 1;
        on_row(std::mem::take(&mut row))?;
        if i >= n {
            break;
        }
    }
    Ok(())
}

fn push_seg(cell: &mut Cell, text: &str, start: usize, end: usize) {
    if end > start {
        let unit = cell.text.len();
        cell.text.push_str(&text[start..end]);
        // Most cells are one segment: room for one, not the default four.
        if cell.segments.is_empty() {
            cell.segments.reserve_exact(1);
        }
        cell.segments.push(Segment {
            unit,
            source: start,
            len: end - start,
            doubled: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_positions() {
        let t = "a,\"b,\"\"c\"\"\",d\r\n\"multi\nline\",x";
        let rows = parse(t, b',');
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][1].text, "b,\"c\"");
        assert_eq!(rows[1][0].text, "multi\nline");
        assert_eq!(rows[1][1].line, 3);
        for r in &rows {
            for c in r {
                for s in c.segments.iter().filter(|s| !s.doubled) {
                    assert_eq!(
                        &c.text[s.unit..s.unit + s.len],
                        &t[s.source..s.source + s.len]
                    );
                }
            }
        }
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(parse("\"unterminated", b',')[0][0].text, "unterminated");
    }
}
