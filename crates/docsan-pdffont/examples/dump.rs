//! Development aid: prints each page's decoded text and each font's diagnostics for the PDFs
//! given on the command line, to compare with `pdftotext`.

use docsan_core::Limits;
use docsan_pdffont::Font;
use lopdf::content::Content;
use lopdf::{Document, Object};
use std::collections::BTreeMap;

fn main() {
    let limits = Limits::default();
    for path in std::env::args().skip(1) {
        println!("=== {path}");
        let doc = match Document::load(&path) {
            Ok(d) => d,
            Err(e) => {
                println!("load error: {e}");
                continue;
            }
        };
        for (n, page) in doc.get_pages() {
            let fonts: BTreeMap<Vec<u8>, Font> = doc
                .get_page_fonts(page)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, d)| (k, Font::load(&doc, d, &limits)))
                .collect();
            for (k, f) in &fonts {
                println!(
                    "font {} {:?} reliable={} mask={:?} vertical={}",
                    String::from_utf8_lossy(k),
                    f.name(),
                    f.reliable(),
                    f.mask_code(),
                    f.is_vertical()
                );
                for d in f.diagnostics() {
                    println!("   {d}");
                }
            }
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
                            .and_then(|n| fonts.get(n))
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
            println!(
                "--- page {n}\n{}",
                if std::env::var_os("DUMP_FULL").is_some() {
                    text.clone()
                } else {
                    text.chars().take(600).collect::<String>()
                }
            );
        }
    }
}
