//! Beyond the page: metadata, XMP, annotations, forms, outlines, marked content, JavaScript,
//! attachments, text under painted boxes, incremental updates and encryption, each on a small
//! PDF built here (or a committed fixture) and checked on the output's real bytes.

use docsan_core::{
    Backend, Edit, EmbeddedAction, EmbeddedId, ErrorKind, Limits, Plan, UnitKind, VisualMask,
};
use docsan_pdf::PdfBackend;
use lopdf::{Dictionary, Document, Object, Stream, StringFormat, dictionary};

const ID: &str = "110101199003074258";
const NAME: &str = "Zhang Wei";
const PHONE: &str = "13812345678";
const MAIL: &str = "zhang.wei@example.com";

fn s(t: &str) -> Object {
    Object::String(t.as_bytes().to_vec(), StringFormat::Literal)
}

fn utf16(t: &str) -> Object {
    let mut v = vec![0xFE, 0xFF];
    for u in t.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(v, StringFormat::Hexadecimal)
}

/// A one-page PDF that hides the same personal values in every place issue 7 lists.
fn build() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let content = format!(
        "BT /F1 12 Tf 20 150 Td (ID {ID}) Tj ET\n\
         /Span <</ActualText (Tel {PHONE})>> BDC BT /F1 12 Tf 20 120 Td (Tel ) Tj ({PHONE}) Tj ET EMC\n\
         BT /F1 12 Tf 20 90 Td [(Na) -20 (me ) 10 (Zhang) ( Wei)] TJ ET\n\
         0 g 15 85 200 20 re f\n\
         BT /F1 10 Tf 20 40 Td (Decoy 2021-06-16 amount 11,166.50) Tj ET\n"
    );
    let content_id = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
    let popup_id = doc.new_object_id();
    let annot_id = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Text", "Rect" => vec![200.into(), 150.into(), 220.into(), 170.into()],
        "Contents" => s(&format!("Call {PHONE}")), "T" => s(NAME), "Popup" => Object::Reference(popup_id),
    });
    doc.objects.insert(
        popup_id,
        Object::Dictionary(dictionary! {
            "Type" => "Annot", "Subtype" => "Popup", "Rect" => vec![0.into(), 0.into(), 1.into(), 1.into()],
            "Parent" => Object::Reference(annot_id),
        }),
    );
    let link_id = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![20.into(), 20.into(), 100.into(), 30.into()],
        "A" => dictionary! { "S" => "URI", "URI" => s(&format!("mailto:{MAIL}")) },
    });
    let field_id = doc.add_object(dictionary! {
        "FT" => "Tx", "T" => s("idno"), "V" => s(ID), "TU" => s("ID number"),
        "Type" => "Annot", "Subtype" => "Widget", "Rect" => vec![20.into(), 0.into(), 200.into(), 15.into()],
    });
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id),
        "MediaBox" => vec![0.into(), 0.into(), 300.into(), 200.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font_id) } },
        "Contents" => Object::Reference(content_id),
        "Annots" => vec![Object::Reference(annot_id), Object::Reference(popup_id), Object::Reference(link_id), Object::Reference(field_id)],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![Object::Reference(page_id)], "Count" => 1,
        }),
    );
    let xmp = format!(
        "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\
         <rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/' xmlns:pdf='http://ns.adobe.com/pdf/1.3/' pdf:Author='{NAME}'>\
         <dc:creator><rdf:Seq><rdf:li>{NAME}</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end='w'?>"
    );
    let xmp_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp.into_bytes(),
    ));
    let outline_item = doc.new_object_id();
    let outlines = doc.add_object(dictionary! {
        "Type" => "Outlines", "First" => Object::Reference(outline_item), "Last" => Object::Reference(outline_item), "Count" => 1,
    });
    doc.objects.insert(
        outline_item,
        Object::Dictionary(dictionary! {
            "Title" => utf16(&format!("张伟 {ID}")), "Parent" => Object::Reference(outlines),
            "Dest" => vec![Object::Reference(page_id), "Fit".into()],
        }),
    );
    let csv_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile" },
        format!("name,id\n{NAME},{ID}\n").into_bytes(),
    ));
    let bin_id = doc.add_object(Stream::new(
        dictionary! { "Type" => "EmbeddedFile" },
        format!("\x00\x01binary {ID}").into_bytes(),
    ));
    let js = format!("app.alert('{PHONE}');");
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => Object::Reference(pages_id), "Metadata" => Object::Reference(xmp_id),
        "Outlines" => Object::Reference(outlines),
        "AcroForm" => dictionary! { "Fields" => vec![Object::Reference(field_id)] },
        "OpenAction" => dictionary! { "S" => "JavaScript", "JS" => s(&js) },
        "Names" => dictionary! { "EmbeddedFiles" => dictionary! { "Names" => vec![
            s("list.csv"), dictionary! { "Type" => "Filespec", "F" => s("list.csv"), "UF" => s("list.csv"), "EF" => dictionary! { "F" => Object::Reference(csv_id) } }.into(),
            s("blob.bin"), dictionary! { "Type" => "Filespec", "F" => s("blob.bin"), "EF" => dictionary! { "F" => Object::Reference(bin_id) } }.into(),
        ] } },
    });
    let info_id = doc.add_object(dictionary! {
        "Author" => s(NAME), "Title" => utf16(&format!("名单 {PHONE}")), "Custom" => s(MAIL),
    });
    doc.trailer.set("Root", Object::Reference(catalog_id));
    doc.trailer.set("Info", Object::Reference(info_id));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// Masks every occurrence of the values, character by character.
fn plan_for(units: &[docsan_core::TextUnit], values: &[&str], mode: VisualMask) -> Plan {
    let mut edits = Vec::new();
    for u in units {
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for v in values {
            let mut from = 0;
            while let Some(p) = u.text[from..].find(v) {
                ranges.push(from + p..from + p + v.len());
                from += p + v.len();
            }
        }
        let mut chars: Vec<usize> = Vec::new();
        for r in ranges {
            for (i, c) in u.text[r.clone()].char_indices() {
                if !c.is_whitespace() {
                    chars.push(r.start + i);
                }
            }
        }
        chars.sort();
        chars.dedup();
        for i in chars {
            let c = u.text[i..].chars().next().unwrap_or('*');
            edits.push(Edit {
                unit: u.id,
                range: i..i + c.len_utf8(),
                replacement: if c.is_ascii() {
                    "*".into()
                } else {
                    "＊".into()
                },
            });
        }
    }
    Plan {
        edits,
        embedded: Vec::new(),
        visual_mask: mode,
    }
}

fn all_bytes(out: &[u8]) -> Vec<Vec<u8>> {
    let doc = Document::load_mem(out).expect("output loads");
    let mut v = vec![out.to_vec()];
    for o in doc.objects.values() {
        if let Ok(st) = o.as_stream() {
            v.push(
                st.get_plain_content_with_limit(1 << 24)
                    .expect("stream decodes"),
            );
        }
    }
    v
}

fn has(hay: &[u8], needle: &str) -> bool {
    let mut u16 = Vec::new();
    for u in needle.encode_utf16() {
        u16.extend_from_slice(&u.to_be_bytes());
    }
    [needle.as_bytes().to_vec(), u16]
        .iter()
        .any(|n| hay.windows(n.len()).any(|w| w == &n[..]))
}

#[test]
fn every_place_becomes_a_unit_of_the_right_kind() {
    let bytes = build();
    let doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    let units = doc.units();
    let find = |needle: &str, kind: UnitKind| {
        units
            .iter()
            .any(|u| u.text.contains(needle) && u.context.kind == kind)
    };
    assert!(find(ID, UnitKind::Body), "page text");
    assert!(
        find(NAME, UnitKind::Body),
        "text under a painted box, split over a TJ"
    );
    assert!(find(NAME, UnitKind::Metadata), "Info /Author");
    assert!(find(PHONE, UnitKind::Metadata), "UTF-16 Info /Title");
    assert!(find(MAIL, UnitKind::Metadata), "custom Info key");
    assert!(
        units
            .iter()
            .filter(|u| u.text == NAME && u.context.kind == UnitKind::Metadata)
            .count()
            >= 3,
        "Info plus XMP element and XMP attribute"
    );
    assert!(find(PHONE, UnitKind::Annotation), "annotation /Contents");
    assert!(find(NAME, UnitKind::Author), "annotation /T");
    assert!(find(MAIL, UnitKind::Hyperlink), "mailto: link");
    assert!(find(ID, UnitKind::Field), "form value");
    assert!(find(ID, UnitKind::Annotation), "outline title");
    assert!(find(PHONE, UnitKind::AltText), "inline /ActualText");
    assert!(find(PHONE, UnitKind::Other), "JavaScript");
    let emb = doc.embedded();
    assert_eq!(
        emb.len(),
        1,
        "the CSV goes to the facade, the binary does not"
    );
    assert!(emb[0].name.ends_with(".csv"));
    assert!(
        doc.diagnostics()
            .iter()
            .any(|d| d.code == "attachment-removed"),
        "unsupported attachment reported"
    );
}

#[test]
fn masking_removes_every_value_from_every_place() {
    for mode in [VisualMask::Glyph, VisualMask::Box, VisualMask::Blank] {
        let bytes = build();
        let mut doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
        let mut plan = plan_for(doc.units(), &[ID, NAME, PHONE, MAIL], mode);
        let emb = doc.embedded();
        plan.embedded.push((
            emb[0].id,
            EmbeddedAction::Replace(b"name,id\n*,*\n".to_vec()),
        ));
        let mut diags = Vec::new();
        let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
        for chunk in all_bytes(&out) {
            for v in [ID, NAME, PHONE, MAIL] {
                assert!(
                    !has(&chunk, v),
                    "{mode:?}: a value survived in the output bytes"
                );
            }
        }
        let again = PdfBackend
            .open(&out, &Limits::default())
            .expect("output opens");
        for u in again.units() {
            for v in [ID, NAME, PHONE, MAIL] {
                assert!(
                    !u.text.contains(v),
                    "{mode:?}: a value is still extractable"
                );
            }
        }
        assert!(
            again
                .units()
                .iter()
                .any(|u| u.text.contains("Decoy 2021-06-16 amount 11,166.50")),
            "decoy untouched"
        );
        assert_eq!(again.embedded().len(), 1);
        assert_eq!(again.embedded()[0].bytes, b"name,id\n*,*\n");
        if let Some(ok) = qpdf_check(&out) {
            assert!(ok, "{mode:?}: qpdf --check finds errors in the output");
        }
        let loaded = Document::load_mem(&out).expect("loads");
        assert!(
            !loaded.objects.values().any(|o| o
                .as_stream()
                .is_ok_and(|s| s.content.windows(6).any(|w| w == b"binary"))),
            "unsupported attachment removed"
        );
    }
}

#[test]
fn empty_plan_keeps_page_content_and_writes_one_revision() {
    let bytes = build();
    let mut doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    let out = doc
        .rewrite(&Plan::default(), &mut Vec::new())
        .expect("rewrite");
    let a = Document::load_mem(&bytes).expect("in");
    let b = Document::load_mem(&out).expect("out");
    let pa: Vec<_> = a
        .get_pages()
        .values()
        .map(|p| a.get_page_content(*p))
        .collect();
    let pb: Vec<_> = b
        .get_pages()
        .values()
        .map(|p| b.get_page_content(*p))
        .collect();
    assert_eq!(pa, pb);
    assert_eq!(out.windows(5).filter(|w| w == b"%%EOF").count(), 1);
    // Deterministic: the same input gives the same bytes.
    let mut doc2 = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    assert_eq!(
        out,
        doc2.rewrite(&Plan::default(), &mut Vec::new())
            .expect("rewrite")
    );
}

/// Appends an incremental update that replaces the page content, keeping the old one in the
/// file's first revision.
fn incremental() -> Vec<u8> {
    let base = {
        let mut doc = Document::with_version("1.4");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let content_id = doc.add_object(Stream::new(
            Dictionary::new(),
            format!("BT /F1 12 Tf 20 100 Td (Old {ID}) Tj ET").into_bytes(),
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => Object::Reference(pages_id),
            "MediaBox" => vec![0.into(), 0.into(), 300.into(), 200.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => Object::Reference(font_id) } },
            "Contents" => Object::Reference(content_id),
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page_id)], "Count" => 1 }),
        );
        let cat = doc.add_object(
            dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) },
        );
        doc.trailer.set("Root", Object::Reference(cat));
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        (out, content_id, cat)
    };
    let (mut bytes, content_id, cat) = base;
    let prev = {
        let t = String::from_utf8_lossy(&bytes);
        let p = t.rfind("startxref").expect("startxref");
        t[p + 9..]
            .split_whitespace()
            .next()
            .expect("offset")
            .parse::<usize>()
            .expect("number")
    };
    let new_content = format!("BT /F1 12 Tf 20 100 Td (New {PHONE}) Tj ET");
    let off = bytes.len() + 1;
    let obj = format!(
        "\n{} 0 obj\n<< /Length {} >>\nstream\n{}\nendstream\nendobj\n",
        content_id.0,
        new_content.len(),
        new_content
    );
    bytes.extend_from_slice(obj.as_bytes());
    let xref = bytes.len();
    let tail = format!(
        "xref\n0 1\n0000000000 65535 f \n{} 1\n{:010} 00000 n \ntrailer\n<< /Size {} /Root {} 0 R /Prev {} >>\nstartxref\n{}\n%%EOF\n",
        content_id.0,
        off,
        content_id.0 + 10,
        cat.0,
        prev,
        xref
    );
    bytes.extend_from_slice(tail.as_bytes());
    bytes
}

#[test]
fn incremental_update_output_has_no_old_revision() {
    let bytes = incremental();
    assert!(
        bytes.windows(ID.len()).any(|w| w == ID.as_bytes()),
        "fixture holds the old value"
    );
    let mut doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    assert!(
        doc.units().iter().any(|u| u.text.contains(PHONE)),
        "current revision read"
    );
    let plan = plan_for(doc.units(), &[PHONE], VisualMask::Glyph);
    let out = doc.rewrite(&plan, &mut Vec::new()).expect("rewrite");
    assert_eq!(out.windows(5).filter(|w| w == b"%%EOF").count(), 1);
    assert!(!out.windows(5).any(|w| w == b"/Prev"));
    // One cross-reference table whose only free entry is object 0.
    let text = String::from_utf8_lossy(&out);
    let xref = text.rfind("\nxref").expect("classic xref table");
    let free = text[xref..]
        .lines()
        .filter(|l| l.trim_end().ends_with(" f"))
        .count();
    assert_eq!(free, 1, "no free objects besides 0");
    for chunk in all_bytes(&out) {
        assert!(!has(&chunk, ID), "old revision survived");
        assert!(!has(&chunk, PHONE), "masked value survived");
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

#[test]
fn empty_user_password_is_decrypted_and_written_in_the_clear() {
    for f in ["enc-rc4-empty.pdf", "enc-aes256-empty.pdf"] {
        let bytes = fixture(f);
        let mut doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
        assert!(
            doc.diagnostics().iter().any(|d| d.code == "pdf-decrypted"),
            "{f}"
        );
        assert!(
            doc.units().iter().any(|u| u.text.contains(ID)),
            "{f}: text decrypted"
        );
        let plan = plan_for(doc.units(), &[ID, "Zhang Wei"], VisualMask::Glyph);
        let out = doc.rewrite(&plan, &mut Vec::new()).expect("rewrite");
        let loaded = Document::load_mem(&out).expect("loads");
        assert!(!loaded.trailer.has(b"Encrypt"), "{f}: output not encrypted");
        for chunk in all_bytes(&out) {
            assert!(!has(&chunk, ID), "{f}: value left");
            assert!(!has(&chunk, "Zhang Wei"), "{f}: author left");
        }
        let again = PdfBackend
            .open(&out, &Limits::default())
            .expect("output opens");
        assert!(
            again
                .diagnostics()
                .iter()
                .all(|d| d.code != "pdf-decrypted"),
            "{f}: output is not encrypted"
        );
        assert!(
            again.units().iter().any(|u| u.text.contains("13812345678")),
            "{f}: untouched text is readable in the clear"
        );
    }
}

#[test]
fn unknown_password_is_a_clear_error() {
    let e = PdfBackend
        .open(&fixture("enc-aes128-secret.pdf"), &Limits::default())
        .err()
        .expect("must fail");
    assert_eq!(e.kind, ErrorKind::Encrypted);
}

#[test]
fn garbage_and_bombs_fail_cleanly() {
    assert!(PdfBackend.open(b"not a pdf", &Limits::default()).is_err());
    assert!(
        PdfBackend
            .open(b"%PDF-1.7\n garbage", &Limits::default())
            .is_err()
    );
    // A content stream that inflates far beyond its size.
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut z, &vec![b' '; 8 << 20]).expect("deflate");
    let bomb = z.finish().expect("deflate");
    let content_id = doc.add_object(
        Stream::new(dictionary! { "Filter" => "FlateDecode" }, bomb).with_compression(false),
    );
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id), "Contents" => Object::Reference(content_id),
        "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page_id)], "Count" => 1 }));
    let cat =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(cat));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    let limits = Limits {
        max_ratio: 100,
        ..Limits::default()
    };
    let e = PdfBackend
        .open(&bytes, &limits)
        .err()
        .expect("bomb refused");
    assert_eq!(e.kind, ErrorKind::Limit);
    let _ = EmbeddedId(0);
}

fn one_page(
    resources: Dictionary,
    content: &str,
    extra: impl FnOnce(&mut Document) -> Dictionary,
) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let mut resources = resources;
    let more = extra(&mut doc);
    for (k, v) in more.iter() {
        resources.set(k.clone(), v.clone());
    }
    let cid = doc.add_object(Stream::new(Dictionary::new(), content.as_bytes().to_vec()));
    let pid = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id),
        "MediaBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
        "Resources" => resources, "Contents" => Object::Reference(cid),
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(pid)], "Count" => 1 },
        ),
    );
    let cat =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(cat));
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn image_only_page_is_reported() {
    let bytes = one_page(Dictionary::new(), "q 100 0 0 100 0 0 cm /Im1 Do Q", |doc| {
        let img = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            },
            vec![0],
        ));
        dictionary! { "XObject" => dictionary! { "Im1" => Object::Reference(img) } }
    });
    let doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    let d = doc
        .diagnostics()
        .iter()
        .find(|d| d.code == "image-only-page")
        .expect("diagnostic");
    assert_eq!(d.severity, docsan_core::Severity::Warning);
    assert_eq!(d.location.as_ref().and_then(|l| l.page), Some(1));
}

#[test]
fn self_referencing_form_does_not_hang_and_deep_nesting_is_a_limit() {
    // A form that draws itself.
    let bytes = one_page(Dictionary::new(), "/X1 Do", |doc| {
        let id = doc.new_object_id();
        doc.objects.insert(
            id,
            Object::Stream(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()],
                    "Resources" => dictionary! { "XObject" => dictionary! { "X1" => Object::Reference(id) } },
                },
                b"/X1 Do".to_vec(),
            )),
        );
        dictionary! { "XObject" => dictionary! { "X1" => Object::Reference(id) } }
    });
    assert!(PdfBackend.open(&bytes, &Limits::default()).is_ok());
    // A chain of forms deeper than the limit.
    let bytes = one_page(Dictionary::new(), "/X0 Do", |doc| {
        let mut next: Option<lopdf::ObjectId> = None;
        for _ in 0..30 {
            let res = match next {
                Some(n) => {
                    dictionary! { "XObject" => dictionary! { "X0" => Object::Reference(n) } }
                }
                None => Dictionary::new(),
            };
            next = Some(doc.add_object(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()], "Resources" => res },
                b"/X0 Do".to_vec(),
            )));
        }
        dictionary! { "XObject" => dictionary! { "X0" => Object::Reference(next.expect("chain")) } }
    });
    let e = PdfBackend
        .open(&bytes, &Limits::default())
        .err()
        .expect("too deep");
    assert_eq!(e.kind, ErrorKind::Limit);
}

/// Runs `qpdf --check` when qpdf is installed (None otherwise); true when it finds no errors.
fn qpdf_check(bytes: &[u8]) -> Option<bool> {
    let dir = std::env::temp_dir().join(format!("docsan-pdf-beyond-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{}.pdf", bytes.len()));
    std::fs::write(&path, bytes).ok()?;
    let out = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .ok()?;
    let _ = std::fs::remove_file(&path);
    Some(out.status.code() == Some(0))
}

#[test]
fn thumbnails_and_private_data_are_removed() {
    let bytes = one_page(Dictionary::new(), "", |doc| {
        let thumb = doc.add_object(Stream::new(
            dictionary! { "Width" => 1, "Height" => 1, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
            vec![0],
        ));
        let private = doc.add_object(Stream::new(
            Dictionary::new(),
            format!("private copy {ID}").into_bytes(),
        ));
        doc.trailer.set("DocsanTestThumb", Object::Reference(thumb));
        doc.trailer
            .set("DocsanTestPrivate", Object::Reference(private));
        Dictionary::new()
    });
    // Move the test references from the trailer onto the page.
    let mut doc = Document::load_mem(&bytes).expect("loads");
    let thumb = doc.trailer.remove(b"DocsanTestThumb").expect("thumb");
    let private = doc.trailer.remove(b"DocsanTestPrivate").expect("private");
    let page = *doc.get_pages().values().next().expect("page");
    let pd = doc.get_dictionary_mut(page).expect("page dict");
    pd.set("Thumb", thumb);
    pd.set(
        "PieceInfo",
        dictionary! { "App" => dictionary! { "Private" => private } },
    );
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");

    let mut d = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    assert!(
        d.diagnostics()
            .iter()
            .any(|x| x.code == "page-private-data-removed")
    );
    assert!(
        d.diagnostics().iter().all(|x| x.code != "unchecked-stream"),
        "removed data is not reported as unchecked"
    );
    let out = d
        .rewrite(&Plan::default(), &mut Vec::new())
        .expect("rewrite");
    for chunk in all_bytes(&out) {
        assert!(!has(&chunk, ID), "private data left");
    }
    let o = Document::load_mem(&out).expect("loads");
    let page = *o.get_pages().values().next().expect("page");
    assert!(!o.get_dictionary(page).expect("page").has(b"Thumb"));
}

#[test]
fn unknown_streams_are_reported() {
    let bytes = one_page(Dictionary::new(), "", |doc| {
        let s = doc.add_object(Stream::new(Dictionary::new(), b"opaque".to_vec()));
        dictionary! { "Private" => Object::Reference(s) }
    });
    let d = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    assert!(
        d.diagnostics()
            .iter()
            .any(|x| x.code == "unchecked-stream" && x.severity == docsan_core::Severity::Warning)
    );
}

#[test]
fn unparsable_content_fails_closed() {
    let fonts = dictionary! { "Font" => dictionary! { "F1" => dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    } } };
    let bytes = one_page(
        fonts,
        &format!("BT /F1 12 Tf 10 50 Td (visible) Tj ET ) junk BT /F1 12 Tf (ID {ID}) Tj ET"),
        |_| Dictionary::new(),
    );
    let d = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    assert!(d.units().iter().any(|u| u.text.contains("visible")));
    assert!(
        d.diagnostics()
            .iter()
            .any(|x| x.code == "content-unparsable" && x.severity == docsan_core::Severity::Error),
        "text after the junk cannot be checked, so the file must fail"
    );
}

#[test]
fn a_lying_to_unicode_does_not_hide_a_value() {
    // /ToUnicode maps the digit codes to letters; the encoding's glyph names say digits.
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Lie def \
        1 begincodespacerange <00> <FF> endcodespacerange \
        10 beginbfrange <30> <30> <0041> <31> <31> <0042> <32> <32> <0043> <33> <33> <0044> \
        <34> <34> <0045> <35> <35> <0046> <36> <36> <0047> <37> <37> <0048> <38> <38> <0049> \
        <39> <39> <004A> endbfrange endcmap CMapName currentdict /CMap defineresource pop end end";
    let bytes = one_page(
        Dictionary::new(),
        &format!("BT /F1 12 Tf 10 50 Td (ID {ID}) Tj ET"),
        |doc| {
            let tu = doc.add_object(Stream::new(Dictionary::new(), cmap.as_bytes().to_vec()));
            let names: Vec<Object> = std::iter::once(Object::Integer(48))
                .chain(
                    [
                        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                        "nine",
                    ]
                    .iter()
                    .map(|n| Object::Name(n.as_bytes().to_vec())),
                )
                .collect();
            let f = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
                "Encoding" => dictionary! { "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding", "Differences" => names },
                "ToUnicode" => Object::Reference(tu),
            });
            dictionary! { "Font" => dictionary! { "F1" => Object::Reference(f) } }
        },
    );
    let mut doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
    assert!(
        doc.units().iter().any(|u| u.text.contains(ID)),
        "the value is visible through the font's own encoding"
    );
    let plan = plan_for(doc.units(), &[ID], VisualMask::Glyph);
    let out = doc.rewrite(&plan, &mut Vec::new()).expect("rewrite");
    for chunk in all_bytes(&out) {
        assert!(!has(&chunk, ID), "the codes of the value are gone");
    }
}

#[test]
fn invisible_ocr_text_is_masked_and_its_box_covered() {
    let bytes = one_page(
        Dictionary::new(),
        &format!("q 100 0 0 100 0 0 cm /Im1 Do Q BT 3 Tr /F1 12 Tf 10 50 Td (ID {ID}) Tj ET"),
        |doc| {
            let img = doc.add_object(Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                    "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
                },
                vec![0],
            ));
            let f = doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
            });
            dictionary! {
                "XObject" => dictionary! { "Im1" => Object::Reference(img) },
                "Font" => dictionary! { "F1" => Object::Reference(f) },
            }
        },
    );
    for mode in [VisualMask::Glyph, VisualMask::Blank] {
        let mut doc = PdfBackend.open(&bytes, &Limits::default()).expect("opens");
        assert!(
            doc.units().iter().any(|u| u.text.contains(ID)),
            "invisible text is text"
        );
        let plan = plan_for(doc.units(), &[ID], mode);
        let out = doc.rewrite(&plan, &mut Vec::new()).expect("rewrite");
        let o = Document::load_mem(&out).expect("loads");
        let page = *o.get_pages().values().next().expect("page");
        let content = String::from_utf8_lossy(&o.get_page_content(page)).into_owned();
        assert_eq!(
            content.matches(" re f").count(),
            ID.len(),
            "{mode:?}: each masked invisible glyph gets a box over the image"
        );
    }
}
