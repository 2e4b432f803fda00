//! Decodes every page of the shared dev-set PDFs with the fonts of each page and checks that the
//! personal values listed in truth.json appear in the decoded text, so the PDF backend can find
//! them. Skips with a message when the shared material is absent.

mod common;

use common::{page_texts, shared};
use lopdf::Document;
use std::collections::BTreeMap;

#[test]
fn devset_pii_values_are_found_in_decoded_text() {
    let Some(root) = shared() else { return };
    let truth: serde_json::Value = match std::fs::read(root.join("dev-set/truth.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(v) => v,
        None => {
            eprintln!("truth.json unreadable; skipping");
            return;
        }
    };
    let mut total = 0;
    let mut found_total = 0;
    let mut files = 0;
    for entry in std::fs::read_dir(root.join("dev-set")).expect("dev-set dir") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        let fname = path.file_name().unwrap().to_string_lossy().into_owned();
        let Ok(doc) = Document::load(&path) else {
            panic!("lopdf cannot load {fname}");
        };
        files += 1;
        let pages = page_texts(&doc);
        // Lines are split at text objects; compare with whitespace removed.
        let all: String = pages
            .iter()
            .map(|p| p.0.as_str())
            .collect::<String>()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let entry = &truth["files"][&fname];
        // Values that live only outside the page content (metadata, annotations, an earlier
        // revision) are the PDF backend's business, not the fonts'.
        const OFF_PAGE: [&str; 9] = [
            "info_dict",
            "core_properties",
            "xmp_metadata",
            "annotation",
            "annotation_appearance",
            "annotation_author",
            "link_uri",
            "old_revision",
            "tracked_deletion",
        ];
        let pii: Vec<serde_json::Value> = entry["pii"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                p["where"].as_array().is_some_and(|w| {
                    w.iter().all(|x| x.as_str() != Some("old_revision"))
                        && w.iter()
                            .any(|x| !OFF_PAGE.contains(&x.as_str().unwrap_or("")))
                })
            })
            .collect();
        let mut found = 0;
        for p in &pii {
            let v = p["value"].as_str().unwrap_or_default();
            let v: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            if all.contains(&v) {
                found += 1;
            } else {
                eprintln!("  missing a {} value in {:?}", p["kind"], p["where"]);
            }
        }
        eprintln!(
            "{fname}: {found}/{} pii values found, pages reliable: {:?}",
            pii.len(),
            pages.iter().map(|p| p.1).collect::<Vec<_>>()
        );
        total += pii.len();
        found_total += found;
    }
    eprintln!("total recall {found_total}/{total} over {files} files");
    assert!(files > 0);
    assert_eq!(found_total, total, "every pii value must be decodable");
}

#[test]
fn decoded_text_matches_pdftotext_per_page() {
    use sha2::{Digest, Sha256};
    let Some(root) = shared() else { return };
    let expected = include_str!("fixtures/devset_pdftotext.tsv");
    let mut docs: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    let mut checked = 0;
    let mut mismatched = Vec::new();
    for line in expected
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "fixture line");
        let (file, page, count, hash) = (f[0], f[1].parse::<usize>().expect("page"), f[2], f[3]);
        let path = root.join("dev-set").join(file);
        if !path.exists() {
            eprintln!("{file} absent; skipping");
            continue;
        }
        let pages = docs
            .entry(file.to_string())
            .or_insert_with(|| page_texts(&Document::load(&path).expect("dev-set PDF loads")));
        let text = &pages[page - 1].0;
        let mut chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
        chars.sort_unstable();
        let joined: String = chars.iter().collect();
        let digest: String = Sha256::digest(joined.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        checked += 1;
        if digest != hash || chars.len().to_string() != count {
            mismatched.push(format!(
                "{file} page {page}: {} chars, pdftotext {count}",
                chars.len()
            ));
        }
    }
    eprintln!(
        "{checked} pages compared with pdftotext, {} differ",
        mismatched.len()
    );
    assert!(mismatched.is_empty(), "{mismatched:#?}");
}

/// reportlab and cairo place many text pieces right after the previous one with an absolute
/// matrix, so each piece's start is the previous piece's end as computed from the font widths.
/// Recomputing those ends with our widths must land on the next start within 0.01 pt; a wrong
/// width (for example DW instead of the /W entry of a CID) breaks the chain.
#[test]
fn text_pieces_chain_with_our_widths() {
    use lopdf::content::Content;
    let Some(root) = shared() else { return };
    let limits = docsan_core::Limits::default();
    for (file, min_chains) in [
        ("01-公益林补偿公示_rl_cid.pdf", 50),
        ("01-考试成绩公示_rl_ttf.pdf", 50),
    ] {
        let Ok(doc) = Document::load(root.join("dev-set").join(file)) else {
            eprintln!("{file} absent; skipping");
            continue;
        };
        let (mut chained, mut broken) = (0, 0);
        for (_, page) in doc.get_pages() {
            let fonts: BTreeMap<Vec<u8>, docsan_pdffont::Font> = doc
                .get_page_fonts(page)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, d)| (k, docsan_pdffont::Font::load(&doc, d, &limits)))
                .collect();
            let ops = Content::decode(&doc.get_page_content(page))
                .map(|c| c.operations)
                .unwrap_or_default();
            let (mut font, mut size, mut tc, mut tw) = (None, 0.0f32, 0.0f32, 0.0f32);
            let (mut x, mut y) = (0.0f32, 0.0f32);
            let mut last_end: Option<(f32, f32)> = None;
            for op in &ops {
                let num = |i: usize| op.operands.get(i).and_then(|o| o.as_float().ok());
                match op.operator.as_str() {
                    "Tf" => {
                        font = op
                            .operands
                            .first()
                            .and_then(|o| o.as_name().ok())
                            .and_then(|n| fonts.get(n));
                        size = num(1).unwrap_or(0.0);
                    }
                    "Tc" => tc = num(0).unwrap_or(0.0),
                    "Tw" => tw = num(0).unwrap_or(0.0),
                    "BT" => {
                        tc = 0.0;
                        tw = 0.0;
                    }
                    "Tm" => {
                        x = num(4).unwrap_or(0.0);
                        y = num(5).unwrap_or(0.0);
                        if let Some((ex, ey)) = last_end
                            && (ey - y).abs() < 0.01
                            && (ex - x).abs() < 0.5
                        {
                            if (ex - x).abs() < 0.01 {
                                chained += 1;
                            } else {
                                broken += 1;
                            }
                        }
                    }
                    "Tj" => {
                        let (Some(f), Some(lopdf::Object::String(b, _))) =
                            (font, op.operands.first())
                        else {
                            continue;
                        };
                        for g in f.decode(b) {
                            let spacing = tc + if g.is_space { tw } else { 0.0 };
                            x += g.width / 1000.0 * size + spacing;
                        }
                        last_end = Some((x, y));
                    }
                    _ => {}
                }
            }
        }
        eprintln!("{file}: {chained} text pieces chain exactly, {broken} miss by 0.01–0.5 pt");
        assert_eq!(broken, 0, "{file}");
        assert!(chained >= min_chains, "{file}: only {chained} chains");
    }
}
