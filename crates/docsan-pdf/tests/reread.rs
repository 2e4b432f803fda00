//! The rewrite reads each content stream it changes a second time (the opened document keeps
//! no operations nor glyphs): masks land on the right glyphs of pages, forms and `/ActualText`
//! spans, fonts given as direct dictionaries still resolve, and streams without edits are not
//! rewritten.

use docsan_core::{Backend, Edit, Limits, Plan, VisualMask};
use docsan_pdf::PdfBackend;
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

const PAGE1: &[u8] =
    b"BT /F1 12 Tf 50 250 Td (Zhang San) Tj /F1 10 Tf 0 -20 Td [(ID 1101) -20 (0119)] TJ ET \
/Span <</ActualText (LS)>> BDC BT /F1 10 Tf 50 150 Td (XY) Tj ET EMC /X1 Do";
const PAGE2: &[u8] = b"BT /F2 11 Tf 14 TL 40 200 Td (second page 5678) Tj T* (more) ' ET";
const PAGE3: &[u8] = b"BT /F2 11 Tf 40 200 Td (third page 5678) Tj ET";

fn build() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    };
    let font_id = doc.add_object(font.clone());
    let form = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 300.into(), 100.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F9" => Object::Reference(font_id) } },
        },
        b"BT /F9 9 Tf 10 10 Td (form 4321) Tj ET".to_vec(),
    ));
    let mut kids = Vec::new();
    let referenced = dictionary! { "Font" => dictionary! { "F2" => Object::Reference(font_id) } };
    for (content, resources) in [
        (
            PAGE1,
            dictionary! {
                // A direct font dictionary: it has no object id.
                "Font" => dictionary! { "F1" => Object::Dictionary(font) },
                "XObject" => dictionary! { "X1" => Object::Reference(form) },
            },
        ),
        (PAGE2, referenced.clone()),
        (PAGE3, referenced),
    ] {
        let cid = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
        let pid = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => Object::Reference(pages_id),
            "MediaBox" => vec![0.into(), 0.into(), 400.into(), 300.into()],
            "Resources" => resources, "Contents" => Object::Reference(cid),
        });
        kids.push(Object::Reference(pid));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 3 }),
    );
    let cat =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(cat));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// Masks every occurrence of each value, character for character, in units whose text
/// satisfies `take`.
fn plan(doc: &dyn docsan_core::Document, values: &[&str], take: impl Fn(&str) -> bool) -> Plan {
    let mut edits = Vec::new();
    for u in doc.units() {
        if !take(&u.text) {
            continue;
        }
        for v in values {
            let mut from = 0;
            while let Some(p) = u.text[from..].find(v) {
                let s = from + p;
                edits.push(Edit {
                    unit: u.id,
                    range: s..s + v.len(),
                    replacement: "*".repeat(v.chars().count()).into(),
                });
                from = s + v.len();
            }
        }
    }
    assert!(!edits.is_empty());
    Plan {
        edits,
        embedded: Vec::new(),
        visual_mask: VisualMask::Glyph,
    }
}

fn page_contents(bytes: &[u8]) -> Vec<Vec<u8>> {
    let doc = Document::load_mem(bytes).expect("load");
    doc.get_pages()
        .values()
        .map(|p| doc.get_page_content(*p))
        .collect()
}

#[test]
fn masks_land_on_pages_forms_and_spans_and_other_pages_stay() {
    let input = build();
    let limits = Limits::default();
    let mut doc = PdfBackend.open(&input, &limits).expect("open");
    let texts: Vec<String> = doc.units().iter().map(|u| u.text.to_string()).collect();
    assert!(texts.iter().any(|t| t.contains("ID 11010119")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("LS")), "{texts:?}");
    // Page 3 is left alone: its 5678 is not in the plan.
    let plan = plan(&*doc, &["1101", "LS", "4321", "5678"], |t| {
        !t.contains("third")
    });
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");

    let after = PdfBackend.open(&out, &limits).expect("re-open");
    let texts: Vec<String> = after.units().iter().map(|u| u.text.to_string()).collect();
    let all = texts.join("\n");
    for gone in ["1101", "LS", "4321", "second page 5678"] {
        assert!(!all.contains(gone), "{gone} left in {texts:?}");
    }
    for kept in [
        "Zhang San",
        "ID ****0119",
        "form ****",
        "second page ****",
        "third page 5678",
    ] {
        assert!(all.contains(kept), "{kept} missing from {texts:?}");
    }
    // The span's own string is masked with its glyphs.
    assert!(texts.iter().any(|t| t == "**"), "{texts:?}");

    let before = page_contents(&input);
    let now = page_contents(&out);
    assert_ne!(before[0], now[0]);
    assert_ne!(before[1], now[1]);
    // The page without edits keeps its content stream as it was.
    assert_eq!(before[2], now[2]);
    assert_eq!(now[2].trim_ascii_end(), PAGE3);
}

#[test]
fn the_document_can_be_rewritten_twice() {
    let input = build();
    let limits = Limits::default();
    let mut doc = PdfBackend.open(&input, &limits).expect("open");
    let plan = plan(&*doc, &["1101"], |_| true);
    let mut diags = Vec::new();
    let first = doc.rewrite(&plan, &mut diags).expect("first rewrite");
    let second = doc.rewrite(&plan, &mut diags).expect("second rewrite");
    assert_eq!(first, second);
}
