//! The dev-set PDFs: every personal value of `truth.json` must be findable in the units, and a
//! plan that masks every occurrence must leave none of them anywhere in the output while the
//! anchor lines stay where they were.

use docsan_core::{Backend, Edit, Limits, Plan, VisualMask};
use docsan_pdf::PdfBackend;
use std::path::PathBuf;

fn shared() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

struct Case {
    name: String,
    bytes: Vec<u8>,
    probes: Vec<(String, String)>,
    anchors: Vec<String>,
}

fn cases() -> Option<Vec<Case>> {
    let dir = shared().join("dev-set");
    let truth = std::fs::read_to_string(dir.join("truth.json")).ok()?;
    let truth: serde_json::Value = serde_json::from_str(&truth).ok()?;
    let files = truth.get("files")?.as_object()?;
    let mut out = Vec::new();
    for (name, v) in files {
        if !name.ends_with(".pdf") {
            continue;
        }
        let bytes = std::fs::read(dir.join(name)).ok()?;
        let mut probes = Vec::new();
        for p in v["pii"].as_array()? {
            // Values only in an earlier revision are not part of the current document.
            let old_only = p["where"]
                .as_array()
                .is_some_and(|w| w.iter().any(|x| x == "old_revision"));
            if old_only {
                continue;
            }
            let kind = p["kind"].as_str().unwrap_or("").to_string();
            for pr in p["probes"].as_array()? {
                probes.push((kind.clone(), pr.as_str()?.to_string()));
            }
        }
        let anchors = v["anchors"]
            .as_array()?
            .iter()
            .filter_map(|a| a.as_str().map(String::from))
            .collect();
        out.push(Case {
            name: name.clone(),
            bytes,
            probes,
            anchors,
        });
    }
    Some(out)
}

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn every_truth_value_is_in_the_units() {
    let Some(cases) = cases() else {
        println!("dev-set not found; skipping");
        return;
    };
    let mut total_missing = 0;
    for c in &cases {
        let doc = PdfBackend
            .open(&c.bytes, &Limits::default())
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        let joined: String = doc
            .units()
            .iter()
            .map(|u| squash(&u.text))
            .collect::<Vec<_>>()
            .join("\n");
        let mut missing = Vec::new();
        for (kind, p) in &c.probes {
            if !joined.contains(&squash(p)) {
                missing.push(kind.clone());
            }
        }
        println!(
            "{}: {} units, {} diagnostics, {} of {} probes missing {:?}",
            c.name,
            doc.units().len(),
            doc.diagnostics().len(),
            missing.len(),
            c.probes.len(),
            missing
        );
        for d in doc.diagnostics() {
            println!("   {d}");
        }
        total_missing += missing.len();
    }
    assert_eq!(total_missing, 0, "values not extracted");
}

/// Edits that mask every non-space character of every probe occurrence in every unit.
fn mask_plan(
    units: &[docsan_core::TextUnit],
    probes: &[(String, String)],
    mode: VisualMask,
) -> Plan {
    let mut edits = Vec::new();
    for u in units {
        // Non-whitespace characters of the unit with their byte ranges.
        let chars: Vec<(usize, char)> = u
            .text
            .char_indices()
            .filter(|(_, c)| !c.is_whitespace())
            .collect();
        let squashed: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
        let mut masked = vec![false; chars.len()];
        for (_, p) in probes {
            let pc: Vec<char> = p.chars().filter(|c| !c.is_whitespace()).collect();
            if pc.is_empty() || pc.len() > squashed.len() {
                continue;
            }
            for i in 0..=squashed.len() - pc.len() {
                if squashed[i..i + pc.len()] == pc[..] {
                    masked[i..i + pc.len()].iter_mut().for_each(|m| *m = true);
                }
            }
        }
        for (k, (pos, c)) in chars.iter().enumerate() {
            if masked[k] {
                edits.push(Edit {
                    unit: u.id,
                    range: *pos..*pos + c.len_utf8(),
                    replacement: if c.is_ascii() {
                        "*".into()
                    } else {
                        "＊".into()
                    },
                });
            }
        }
    }
    Plan {
        edits,
        embedded: Vec::new(),
        visual_mask: mode,
    }
}

/// Every stream of a PDF, decompressed (within a generous cap), and every string.
fn raw_texts(bytes: &[u8]) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load_mem(bytes).expect("output loads");
    let mut out = vec![bytes.to_vec()];
    for obj in doc.objects.values() {
        if let Ok(s) = obj.as_stream()
            && let Ok(d) = s.get_plain_content_with_limit(64 << 20)
        {
            out.push(d);
        }
    }
    out
}

/// Page contents and form XObjects of a PDF, decompressed.
fn content_streams(bytes: &[u8]) -> Vec<Vec<u8>> {
    let doc = lopdf::Document::load_mem(bytes).expect("output loads");
    let mut out: Vec<Vec<u8>> = doc
        .get_pages()
        .values()
        .map(|p| doc.get_page_content(*p))
        .collect();
    for obj in doc.objects.values() {
        if let Ok(s) = obj.as_stream()
            && s.dict
                .get(b"Subtype")
                .and_then(|o| o.as_name())
                .is_ok_and(|n| n == b"Form")
            && let Ok(d) = s.get_plain_content_with_limit(64 << 20)
        {
            out.push(d);
        }
    }
    out
}

fn encodings(p: &str) -> Vec<Vec<u8>> {
    let mut v = vec![p.as_bytes().to_vec()];
    let mut u16 = Vec::new();
    for u in p.encode_utf16() {
        u16.extend_from_slice(&u.to_be_bytes());
    }
    v.push(u16);
    v
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

fn check_masking(mode: VisualMask) {
    let Some(cases) = cases() else {
        println!("dev-set not found; skipping");
        return;
    };
    for c in &cases {
        let limits = Limits::default();
        let before = docsan_pdf::PdfDocument::open(&c.bytes, &limits).expect("opens");
        let mut doc = PdfBackend.open(&c.bytes, &limits).expect("opens");
        let plan = mask_plan(doc.units(), &c.probes, mode);
        let mut diags = Vec::new();
        let out = doc
            .rewrite(&plan, &mut diags)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        if let Ok(dir) = std::env::var("DOCSAN_TEST_OUT") {
            let _ = std::fs::write(format!("{dir}/{:?}-{}", mode, c.name), &out);
        }
        let after = docsan_pdf::PdfDocument::open(&out, &limits).expect("output opens");
        let joined: String = docsan_core::Document::units(&after)
            .iter()
            .map(|u| squash(&u.text))
            .collect::<Vec<_>>()
            .join("\n");
        let mut leaks = 0;
        for (kind, p) in &c.probes {
            if joined.contains(&squash(p)) {
                println!("{}: {kind} still extractable", c.name);
                leaks += 1;
            }
        }
        // Raw bytes: the whole file and every decompressed stream, UTF-8 and UTF-16BE. Probes
        // shorter than 4 characters (short names) are checked by extraction only: their bytes
        // occur by chance in binary data.
        let raws = raw_texts(&out);
        for (kind, p) in &c.probes {
            if p.chars().count() < 4 {
                continue;
            }
            for e in encodings(p) {
                if raws.iter().any(|r| contains(r, &e)) {
                    println!("{}: {kind} found in raw bytes", c.name);
                    leaks += 1;
                }
            }
        }
        // The fonts' own codes: no content stream of the output draws a value in any font.
        let content = content_streams(&out);
        for (kind, p) in &c.probes {
            if p.chars().count() < 5 {
                continue;
            }
            for e in before.font_encodings_of(p) {
                if content.iter().any(|r| contains(r, &e)) {
                    println!("{}: {kind} found in a font's codes", c.name);
                    leaks += 1;
                }
            }
        }
        // Glyph positions: every glyph of the input is in the output at the same place, with
        // its own text or as a mask, unless it was masked and removed.
        let mut pos_after: std::collections::BTreeMap<(u32, String), Vec<(f32, f32)>> =
            Default::default();
        for (page, _, text, x, y) in after.glyph_positions() {
            pos_after.entry((page, text)).or_default().push((x, y));
        }
        let near = |v: Option<&Vec<(f32, f32)>>, x: f32, y: f32| {
            v.is_some_and(|v| {
                v.iter()
                    .any(|(a, b)| (a - x).abs() < 0.01 && (b - y).abs() < 0.01)
            })
        };
        let edited = before.edited_glyph_positions(&plan);
        let mut unmatched = 0;
        let mut moved = 0;
        for (page, _, text, x, y) in before.glyph_positions() {
            if !near(pos_after.get(&(page, text.clone())), x, y) {
                unmatched += 1;
                let was_edited = edited.iter().any(|(p, ex, ey)| {
                    *p == page && (ex - x).abs() < 0.01 && (ey - y).abs() < 0.01
                });
                if !was_edited {
                    moved += 1;
                }
            }
        }
        let masked_chars = plan.edits.len();
        println!(
            "{}: {} edits, {} glyphs changed, {} unmasked glyphs moved, {} leaks, {} bytes -> {} bytes",
            c.name,
            masked_chars,
            unmatched,
            moved,
            leaks,
            c.bytes.len(),
            out.len()
        );
        assert_eq!(leaks, 0, "{}: values left in the output", c.name);
        assert_eq!(moved, 0, "{}: glyphs that were not masked moved", c.name);
        // Anchor lines are untouched and keep their glyphs where they were.
        for a in &c.anchors {
            let sa = squash(a);
            assert!(joined.contains(&sa), "{}: an anchor line is gone", c.name);
        }
        if out.windows(5).filter(|w| w == b"%%EOF").count() != 1 {
            panic!("{}: output has more than one revision", c.name);
        }
    }
}

#[test]
fn masking_every_value_leaves_nothing_and_moves_nothing_glyph_mode() {
    check_masking(VisualMask::Glyph);
}

#[test]
fn masking_every_value_leaves_nothing_and_moves_nothing_box_mode() {
    check_masking(VisualMask::Box);
}
