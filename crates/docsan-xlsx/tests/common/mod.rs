//! Helpers shared by the integration tests: a value-based planner, part decoding for residue
//! checks, and the location of the shared material.

#![allow(dead_code)]

use docsan_core::{Edit, Plan, TextUnit, UnitId};
use std::io::{Cursor, Read};

/// Where the shared dev-set and corpus live (absent on machines without them).
pub fn shared_dir() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if p.is_dir() { Some(p) } else { None }
}

/// A mask of the same length: ASCII characters become `*`, others `＊`.
pub fn mask(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii() { '*' } else { '＊' })
        .collect()
}

/// Plans a mask of every occurrence of every value in every unit.
pub fn plan_values(units: &[TextUnit], values: &[&str]) -> Plan {
    let mut edits = Vec::new();
    for u in units {
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for v in values {
            if v.is_empty() {
                continue;
            }
            let mut from = 0;
            while let Some(p) = u.text[from..].find(v) {
                let s = from + p;
                ranges.push(s..s + v.len());
                from = s + v.len();
            }
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(m) if r.start <= m.end => m.end = m.end.max(r.end),
                _ => merged.push(r),
            }
        }
        for r in merged {
            edits.push(Edit {
                unit: u.id,
                replacement: mask(&u.text[r.clone()]),
                range: r,
            });
        }
    }
    Plan {
        edits,
        ..Plan::default()
    }
}

/// Plans a mask of whole units.
pub fn plan_units(units: &[TextUnit], ids: &[UnitId]) -> Plan {
    let edits = ids
        .iter()
        .map(|id| {
            let u = &units[id.0 as usize];
            Edit {
                unit: u.id,
                range: 0..u.text.len(),
                replacement: mask(&u.text),
            }
        })
        .collect();
    Plan {
        edits,
        ..Plan::default()
    }
}

/// Every entry of a zip: name and decompressed bytes.
pub fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let mut v = Vec::new();
        f.read_to_end(&mut v).expect("read");
        out.push((String::from_utf8_lossy(f.name_raw()).into_owned(), v));
    }
    out
}

/// A part's text with character references and the predefined entities decoded, so that a
/// value stored as `&#25105;` is found.
pub fn decoded_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        match after.find(';').filter(|&k| k <= 10) {
            Some(k) => {
                let ent = &after[..k];
                let c = match ent {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => ent.strip_prefix('#').and_then(|n| {
                        let v = match n.strip_prefix('x') {
                            Some(h) => u32::from_str_radix(h, 16).ok(),
                            None => n.parse().ok(),
                        };
                        v.and_then(char::from_u32)
                    }),
                };
                match c {
                    Some(c) => out.push(c),
                    None => out.push_str(&rest[p..p + k + 2]),
                }
                rest = &after[k + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
