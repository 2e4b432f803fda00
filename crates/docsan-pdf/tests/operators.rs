//! Text operators and state on a built PDF: after masking, every glyph that was not masked is
//! exactly where it was (0.01 pt), whatever operator drew it and whatever spacing applied.

use docsan_core::{Backend, Edit, Limits, Plan, VisualMask};
use docsan_pdf::{PdfBackend, PdfDocument};
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

const ID: &str = "110101199003074258";

fn build(content: &str, form: Option<&str>) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let fonts = dictionary! { "F1" => Object::Reference(font_id) };
    let mut resources = dictionary! { "Font" => fonts.clone() };
    if let Some(f) = form {
        let fid = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => vec![0.into(), 0.into(), 300.into(), 100.into()],
                "Resources" => dictionary! { "Font" => fonts },
            },
            f.as_bytes().to_vec(),
        ));
        resources.set("XObject", dictionary! { "X1" => Object::Reference(fid) });
    }
    let mut kids = Vec::new();
    for _ in 0..2 {
        let cid = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
        let pid = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => Object::Reference(pages_id),
            "MediaBox" => vec![0.into(), 0.into(), 400.into(), 300.into()],
            "Resources" => resources.clone(), "Contents" => Object::Reference(cid),
        });
        kids.push(Object::Reference(pid));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }),
    );
    let cat =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(cat));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn mask_all(doc: &dyn docsan_core::Document, value: &str, mode: VisualMask) -> Plan {
    let mut edits = Vec::new();
    for u in doc.units() {
        let mut from = 0;
        while let Some(p) = u.text[from..].find(value) {
            let s = from + p;
            // Keep the first six and last four characters, as the default policy does.
            for i in s + 6..s + value.len() - 4 {
                edits.push(Edit {
                    unit: u.id,
                    range: i..i + 1,
                    replacement: "*".into(),
                });
            }
            from = s + value.len();
        }
    }
    Plan {
        edits,
        embedded: Vec::new(),
        visual_mask: mode,
    }
}

fn check(content: &str, form: Option<&str>, expect_hits: usize) {
    for mode in [VisualMask::Glyph, VisualMask::Box, VisualMask::Blank] {
        let bytes = build(content, form);
        let limits = Limits::default();
        let before = PdfDocument::open(&bytes, &limits).expect("opens");
        let mut doc = PdfBackend.open(&bytes, &limits).expect("opens");
        let hits = doc.units().iter().filter(|u| u.text.contains(ID)).count();
        assert_eq!(
            hits, expect_hits,
            "{mode:?}: the value is found as one string each time"
        );
        let plan = mask_all(doc.as_ref(), ID, mode);
        let out = doc.rewrite(&plan, &mut Vec::new()).expect("rewrite");
        let after = PdfDocument::open(&out, &limits).expect("output opens");
        assert!(
            !docsan_core::Document::units(&after)
                .iter()
                .any(|u| u.text.contains(ID)),
            "{mode:?}: value left"
        );
        let masked = before.edited_glyph_positions(&plan);
        let after_glyphs = after.glyph_positions();
        let mut kept = 0;
        for (page, _, text, x, y) in before.glyph_positions() {
            let is_masked = masked
                .iter()
                .any(|(p, mx, my)| *p == page && (mx - x).abs() < 1e-3 && (my - y).abs() < 1e-3);
            let found = after_glyphs.iter().any(|(p, _, t, ax, ay)| {
                *p == page && *t == text && (ax - x).abs() < 0.01 && (ay - y).abs() < 0.01
            });
            if is_masked {
                let star = after_glyphs.iter().any(|(p, _, t, ax, ay)| {
                    *p == page && t == "*" && (ax - x).abs() < 0.01 && (ay - y).abs() < 0.01
                });
                if mode == VisualMask::Glyph {
                    assert!(star, "the mask glyph sits where the masked glyph was");
                }
            } else {
                assert!(found, "{mode:?}: an unmasked glyph moved");
                kept += 1;
            }
        }
        assert!(kept > 0);
    }
}

#[test]
fn tj_with_spacing_scaling_and_rise() {
    check(
        &format!("BT /F1 11 Tf 1.5 Tc 3 Tw 90 Tz 2 Ts 20 250 Td (ID {ID} end of line) Tj ET"),
        None,
        2,
    );
}

#[test]
fn tj_array_with_kerning_split_inside_the_value() {
    check(
        "BT /F1 10 Tf 20 250 Td [(ID 1101) -120 (0119) 35.5 (90030) -7 (74258 tail)] TJ ET",
        None,
        2,
    );
}

#[test]
fn quote_operators_and_glyph_by_glyph() {
    let mut per_glyph = String::from("BT /F1 10 Tf 14 TL 20 250 Td (header) Tj ");
    per_glyph.push_str(&format!("({ID} after) ' 2 0.5 (second {ID}) \" ET\n"));
    // The same value drawn one glyph per text object, at computed positions.
    let mut x = 20.0;
    for ch in ID.chars() {
        per_glyph.push_str(&format!("BT /F1 10 Tf {x:.3} 100 Td ({ch}) Tj ET\n"));
        x += 5.56;
    }
    // Per page: the three lines joined as a paragraph, and the glyph-by-glyph line.
    check(&per_glyph, None, 4);
}

#[test]
fn faux_bold_copy_and_shared_form() {
    let content = format!(
        "BT /F1 10 Tf 20 250 Td ({ID}) Tj ET BT /F1 10 Tf 20.3 250 Td ({ID}) Tj ET q 1 0 0 1 10 10 cm /X1 Do Q"
    );
    let form = format!("BT /F1 9 Tf 5 5 Td (Form {ID} x) Tj ET");
    // Two pages with one line each (the bold copy merges), and the shared form once.
    check(&content, Some(&form), 3);
}

fn ucs2_hex(s: &str) -> String {
    s.encode_utf16().map(|u| format!("{u:04X}")).collect()
}

#[test]
fn vertical_cjk_font_masks_in_place() {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 4,
        },
        "FontDescriptor" => dictionary! {
            "Type" => "FontDescriptor", "FontName" => "STSong-Light", "Flags" => 6,
            "FontBBox" => vec![(-25).into(), (-254).into(), 1000.into(), 880.into()],
            "ItalicAngle" => 0, "Ascent" => 880, "Descent" => -120, "CapHeight" => 880, "StemV" => 93,
        },
        "DW" => 1000,
    });
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
        "Encoding" => "UniGB-UCS2-V", "DescendantFonts" => vec![Object::Reference(cid)],
    });
    let content = format!(
        "BT /F1 12 Tf 1 0 0 1 200 280 Tm <{}> Tj [<{}> -50 <{}>] TJ ET",
        ucs2_hex("身份证"),
        ucs2_hex(&ID[..7]),
        ucs2_hex(&format!("{}号码", &ID[7..]))
    );
    let cid_stream = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id),
        "MediaBox" => vec![0.into(), 0.into(), 400.into(), 400.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font) } },
        "Contents" => Object::Reference(cid_stream),
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1 }),
    );
    let cat =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(cat));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");

    for mode in [VisualMask::Glyph, VisualMask::Box, VisualMask::Blank] {
        let limits = Limits::default();
        let before = PdfDocument::open(&bytes, &limits).expect("opens");
        let mut d = PdfBackend.open(&bytes, &limits).expect("opens");
        assert!(
            d.units().iter().any(|u| u.text.contains(ID)),
            "the vertical line reads as one string"
        );
        let plan = mask_all(d.as_ref(), ID, mode);
        let out = d
            .rewrite(&plan, &mut Vec::new())
            .expect("vertical masking is supported");
        if let Ok(dir) = std::env::var("DOCSAN_TEST_OUT") {
            let _ = std::fs::write(format!("{dir}/vertical-{mode:?}.pdf"), &out);
        }
        let after = PdfDocument::open(&out, &limits).expect("output opens");
        assert!(
            !docsan_core::Document::units(&after)
                .iter()
                .any(|u| u.text.contains(ID))
        );
        let masked = before.edited_glyph_positions(&plan);
        let ag = after.glyph_positions();
        for (page, _, text, x, y) in before.glyph_positions() {
            if masked
                .iter()
                .any(|(p, mx, my)| *p == page && (mx - x).abs() < 1e-3 && (my - y).abs() < 1e-3)
            {
                continue;
            }
            assert!(
                ag.iter().any(|(p, _, t, ax, ay)| *p == page
                    && *t == text
                    && (ax - x).abs() < 0.01
                    && (ay - y).abs() < 0.01),
                "{mode:?}: an unmasked vertical glyph moved"
            );
        }
    }
}
