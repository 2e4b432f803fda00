//! Decodes every page of the shared dev-set PDFs with the fonts of each page and checks that the
//! personal values listed in truth.json appear in the decoded text, so the PDF backend can find
//! them. Skips with a message when the shared material is absent.

use docsan_core::Limits;
use docsan_pdffont::Font;
use lopdf::content::Content;
use lopdf::{Document, Object};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn shared() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if p.join("dev-set").is_dir() {
        Some(p)
    } else {
        eprintln!("shared material not found at {}; skipping", p.display());
        None
    }
}

/// Decoded text of every page, joined without separators between glyphs of one operator and with
/// a newline between text objects.
pub fn page_texts(doc: &Document) -> Vec<(String, bool)> {
    let limits = Limits::default();
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let fonts: BTreeMap<Vec<u8>, Font> = doc
            .get_page_fonts(page)
            .unwrap_or_default()
            .into_iter()
            .map(|(k, d)| (k, Font::load(doc, d, &limits)))
            .collect();
        let mut reliable = fonts.values().all(Font::reliable);
        let content = doc.get_page_content(page);
        let ops = Content::decode(&content)
            .map(|c| c.operations)
            .unwrap_or_default();
        let mut cur: Option<&Font> = None;
        let mut text = String::new();
        for op in &ops {
            match op.operator.as_str() {
                "Tf" => {
                    cur = op
                        .operands
                        .first()
                        .and_then(|o| o.as_name().ok())
                        .and_then(|n| fonts.get(n));
                    if cur.is_none() {
                        reliable = false;
                    }
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    let Some(f) = cur else { continue };
                    for o in &op.operands {
                        let items: Vec<&Object> = match o {
                            Object::Array(a) => a.iter().collect(),
                            other => vec![other],
                        };
                        for it in items {
                            if let Object::String(b, _) = it {
                                for g in f.decode(b) {
                                    text.push_str(&g.text);
                                }
                            }
                        }
                    }
                }
                "ET" | "T*" | "Td" | "TD" => text.push('\n'),
                _ => {}
            }
        }
        out.push((text, reliable));
    }
    out
}

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
