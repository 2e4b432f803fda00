//! Mask-glyph checks against real embedded font programs taken from the dev-set PDFs: a code is
//! offered as a mask only when the glyph it selects exists in the font program and has an
//! outline. The programs are read from /work/shared at test time (skipped when absent) and
//! wrapped in font dictionaries whose encodings we control.

mod common;

use common::shared;
use docsan_core::Limits;
use docsan_pdffont::Font;
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

/// The font program stored under `key` (FontFile, FontFile2, FontFile3) for the font whose
/// FontName ends with `name` in a dev-set PDF.
fn program(file: &str, key: &[u8], name: &str) -> Option<Stream> {
    let root = shared()?;
    let doc = Document::load(root.join("dev-set").join(file)).ok()?;
    for obj in doc.objects.values() {
        if let Object::Dictionary(d) = obj
            && d.has_type(b"FontDescriptor")
            && d.get(b"FontName")
                .and_then(|n| n.as_name())
                .is_ok_and(|n| n.ends_with(name.as_bytes()))
            && let Ok(Object::Reference(id)) = d.get(key)
            && let Ok(Object::Stream(s)) = doc.get_object(*id)
        {
            let mut s = s.clone();
            // Store it uncompressed so the test document does not depend on filters.
            if s.decompress().is_err() {
                return None;
            }
            return Some(s);
        }
    }
    None
}

fn simple_truetype(doc: &mut Document, prog: Stream, differences: Vec<Object>) -> Dictionary {
    let ff = doc.add_object(prog);
    let fd = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+Test", "Flags" => 4, "FontFile2" => Object::Reference(ff),
    });
    let widths: Vec<Object> = (0..256).map(|_| 600.into()).collect();
    dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+Test",
        "FirstChar" => 0, "Widths" => widths, "FontDescriptor" => Object::Reference(fd),
        "Encoding" => dictionary! { "Type" => "Encoding", "Differences" => differences },
    }
}

#[test]
fn truetype_subset_glyph_coverage_decides_the_mask() {
    // LibreOffice's LiberationSerif subset: a symbolic TrueType with a (1,0) cmap for codes 1..=28.
    let Some(prog) = program(
        "01-孕前优生健康检查名单.pdf",
        b"FontFile2",
        "+LiberationSerif",
    ) else {
        eprintln!("dev-set absent; skipping");
        return;
    };
    let mut doc = Document::with_version("1.7");
    // Code 14 selects a glyph with an outline: usable.
    let d = simple_truetype(&mut doc, prog.clone(), vec![14.into(), "asterisk".into()]);
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.mask_code(), Some((14, 1, 600.0)));
    // Code 200 selects no glyph in the subset: the encoding names `asterisk`, the font cannot
    // draw it, so no mask code is offered.
    let d = simple_truetype(&mut doc, prog.clone(), vec![200.into(), "asterisk".into()]);
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.decode(&[200])[0].text, "*");
    assert_eq!(f.mask_code(), None);
    // A garbled program: coverage unknown, no mask code (fail closed).
    let mut broken = prog;
    broken.content.truncate(40);
    let d = simple_truetype(&mut doc, broken, vec![14.into(), "asterisk".into()]);
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.mask_code(), None);
}

#[test]
fn cff_cid_font_glyph_coverage_decides_the_mask() {
    // cairo's NotoSansCJKsc CID-keyed CFF subset (319 glyphs).
    let Some(prog) = program(
        "01-困难群众医疗救助公示_identity_h.pdf",
        b"FontFile3",
        "+NotoSansCJKsc-Regular",
    ) else {
        eprintln!("dev-set absent; skipping");
        return;
    };
    let mut doc = Document::with_version("1.7");
    let ff = doc.add_object(prog);
    let fd = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+Noto", "Flags" => 4, "FontFile3" => Object::Reference(ff),
    });
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "ABCDEF+Noto",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => Object::Reference(fd), "DW" => 1000,
    });
    // CID 5 exists in the subset; CID 60000 does not. Both claim to be '*'.
    for (code, expected) in [(5u32, Some((5u32, 2u8, 1000.0f32))), (60000, None)] {
        let tu = format!(
            "1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <{code:04X}> <002A> endbfchar"
        );
        let tu = doc.add_object(Stream::new(Dictionary::new(), tu.into_bytes()));
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Noto", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => Object::Reference(tu),
        };
        let f = Font::load(&doc, &d, &Limits::default());
        assert_eq!(f.mask_code(), expected, "code {code}");
    }
}

#[test]
fn devset_mask_codes_decode_to_mask_characters() {
    let Some(root) = shared() else { return };
    let limits = Limits::default();
    let mut fonts = 0;
    let mut with_mask = 0;
    for entry in std::fs::read_dir(root.join("dev-set")).expect("dev-set") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
            continue;
        }
        let doc = Document::load(&path).expect("loads");
        for (_, page) in doc.get_pages() {
            for (_, d) in doc.get_page_fonts(page).unwrap_or_default() {
                let f = Font::load(&doc, d, &limits);
                fonts += 1;
                if let Some((code, len, width)) = f.mask_code() {
                    with_mask += 1;
                    let g = f.decode(&f.encode(code, len));
                    assert_eq!(g.len(), 1);
                    assert!(["*", "＊", "x", "X"].contains(&g[0].text.as_str()));
                    assert_eq!(g[0].width, width);
                    assert!(width > 0.0);
                }
            }
        }
    }
    eprintln!("{fonts} dev-set page fonts, {with_mask} with a usable mask code");
    assert!(fonts > 0);
}

#[test]
fn type1_program_builtin_encoding_and_charstrings() {
    // LibreOffice's NotoSerifCJKjp Type1 subset: built-in encoding of `cidNNNNN` glyph names.
    let Some(prog) = program(
        "01-孕前优生健康检查名单.pdf",
        b"FontFile",
        "NotoSerifCJKjp-Regular-VKana",
    ) else {
        eprintln!("dev-set absent; skipping");
        return;
    };
    let mut doc = Document::with_version("1.7");
    let ff = doc.add_object(prog);
    let fd = doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "BAAAAA+Noto", "Flags" => 4, "FontFile" => Object::Reference(ff),
    });
    let base = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "BAAAAA+Noto",
        "FirstChar" => 1, "Widths" => vec![1000.into(), 1000.into()], "FontDescriptor" => Object::Reference(fd),
    };
    // Without /Encoding or /ToUnicode the built-in encoding gives glyph names that say nothing
    // about the text: the font is not reliable.
    let f = Font::load(&doc, &base, &Limits::default());
    assert!(!f.reliable());
    assert_eq!(f.decode(&[1])[0].text, "");
    // A ToUnicode that calls code 1 '*': its glyph (`cid31594`, from the built-in encoding) is in
    // /CharStrings with an outline, so it is a mask; code 2 claimed as 'x' is too, but '*' wins.
    let tu = doc.add_object(Stream::new(
        Dictionary::new(),
        b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <01> <002A> <02> <0078> endbfchar".to_vec(),
    ));
    let mut d = base.clone();
    d.set("ToUnicode", Object::Reference(tu));
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.mask_code(), Some((1, 1, 1000.0)));
    // The same claim for a code that /Differences sends to a glyph the program lacks: no mask.
    let tu = doc.add_object(Stream::new(
        Dictionary::new(),
        b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <F0> <002A> endbfchar"
            .to_vec(),
    ));
    let mut d = base;
    d.set("ToUnicode", Object::Reference(tu));
    d.set(
        "Widths",
        (0..256).map(|_| 1000.into()).collect::<Vec<Object>>(),
    );
    d.set("FirstChar", 0);
    d.set(
        "Encoding",
        dictionary! { "Differences" => vec![240.into(), "nosuchglyph".into()] },
    );
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.mask_code(), None);
}

const TINY_TTF: &[u8] = include_bytes!("fixtures/tiny.ttf");

fn tiny_descriptor(doc: &mut Document, flags: i64) -> Object {
    let ff = doc.add_object(Stream::new(
        dictionary! { "Length1" => TINY_TTF.len() as i64 },
        TINY_TTF.to_vec(),
    ));
    Object::Reference(doc.add_object(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "ABCDEF+DocsanTiny", "Flags" => flags, "FontFile2" => Object::Reference(ff),
    }))
}

#[test]
fn identity_truetype_without_tounicode_decodes_through_its_cmap() {
    // Glyph ids in tiny.ttf: 2 asterisk, 3 one, 4 A, 5 x (empty).
    let mut doc = Document::with_version("1.7");
    let fd = tiny_descriptor(&mut doc, 4);
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "ABCDEF+DocsanTiny",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "FontDescriptor" => fd, "DW" => 500, "CIDToGIDMap" => "Identity",
    });
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+DocsanTiny", "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid)],
    };
    let f = Font::load(&doc, &d, &Limits::default());
    let text: String = f
        .decode(&[0, 4, 0, 3, 0, 2])
        .iter()
        .map(|g| g.text.as_str())
        .collect();
    assert_eq!(text, "A1*");
    assert!(f.reliable(), "every drawn glyph is in the cmap");
    assert_eq!(f.codes_for('1'), vec![(3, 2)]);
    assert_eq!(f.mask_code(), Some((2, 2, 500.0)));
}

#[test]
fn simple_truetype_mask_needs_an_outline() {
    let mut doc = Document::with_version("1.7");
    let fd = tiny_descriptor(&mut doc, 32);
    let widths: Vec<Object> = (0..256).map(|_| 500.into()).collect();
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+DocsanTiny", "Encoding" => "WinAnsiEncoding",
        "FirstChar" => 0, "Widths" => widths.clone(), "FontDescriptor" => fd.clone(),
    };
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.mask_code(), Some((42, 1, 500.0)));
    // Without '*' in the encoding the next candidates are 'x' (no outline in the font) and 'X'
    // (not in the font): no mask code.
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+DocsanTiny",
        "Encoding" => dictionary! { "BaseEncoding" => "WinAnsiEncoding", "Differences" => vec![42.into(), "bullet".into()] },
        "FirstChar" => 0, "Widths" => widths, "FontDescriptor" => fd,
    };
    let f = Font::load(&doc, &d, &Limits::default());
    assert_eq!(f.mask_code(), None);
}

#[test]
fn symbolic_truetype_without_encoding_reads_its_cmap() {
    // A symbolic font, no /Encoding, no /ToUnicode: codes select glyphs through the program's
    // cmap, and its (3,1) table says what they are.
    let mut doc = Document::with_version("1.7");
    let fd = tiny_descriptor(&mut doc, 4);
    let mut widths: Vec<Object> = (0..256).map(|_| 0.into()).collect();
    for c in [0x2A, 0x31, 0x41] {
        widths[c] = 500.into();
    }
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+DocsanTiny",
        "FirstChar" => 0, "Widths" => widths.clone(), "FontDescriptor" => fd.clone(),
    };
    let f = Font::load(&doc, &d, &Limits::default());
    let text: String = f.decode(b"A1*").iter().map(|g| g.text.as_str()).collect();
    assert_eq!(text, "A1*");
    assert!(f.reliable());
    assert_eq!(f.has_glyph(0x41, 1), Some(true));
    assert_eq!(f.has_glyph(0x78, 1), Some(false), "x has no outline");
    // A drawn code the cmap does not cover makes the font unreliable.
    widths[0x42] = 500.into();
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+DocsanTiny",
        "FirstChar" => 0, "Widths" => widths, "FontDescriptor" => fd,
    };
    let f = Font::load(&doc, &d, &Limits::default());
    assert!(!f.reliable());
}
