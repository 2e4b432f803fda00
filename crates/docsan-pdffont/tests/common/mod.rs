//! Helpers shared by the integration tests: locating the shared material and decoding the text
//! of every page with the fonts of that page, the way the PDF backend will.

#![allow(dead_code)]

use docsan_core::Limits;
use docsan_pdffont::Font;
use lopdf::content::Content;
use lopdf::{Document, Object};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The shared material directory (/work/shared from main and from worktrees), if present.
pub fn shared() -> Option<PathBuf> {
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
