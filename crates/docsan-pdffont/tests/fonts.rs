//! Behaviour of [`Font`] on font dictionaries built with lopdf: each construct the PDF backend
//! meets (encodings, Differences, ToUnicode, CID fonts, predefined CMaps, GBK bytes, Type3,
//! malformed input) decoded from real PDF objects.

use docsan_core::Limits;
use docsan_pdffont::Font;
use lopdf::{Dictionary, Document, Object, Stream, dictionary};

fn load(doc: &Document, d: &Dictionary) -> Font {
    Font::load(doc, d, &Limits::default())
}

fn texts(f: &Font, bytes: &[u8]) -> String {
    f.decode(bytes).iter().map(|g| g.text.as_str()).collect()
}

fn tounicode(doc: &mut Document, body: &str) -> Object {
    let cmap = format!(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n{body}\nendcmap CMapName currentdict /CMap defineresource pop end end"
    );
    let id = doc.add_object(Stream::new(Dictionary::new(), cmap.into_bytes()));
    Object::Reference(id)
}

#[test]
fn standard14_winansi_text_widths_and_mask() {
    let doc = Document::with_version("1.7");
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    };
    let f = load(&doc, &d);
    let g = f.decode(b"A *\xe9");
    assert_eq!(texts(&f, b"A *\xe9\x80"), "A *é€");
    assert_eq!(
        g.iter().map(|g| g.width).collect::<Vec<_>>(),
        vec![667.0, 278.0, 389.0, 556.0]
    );
    assert!(g[1].is_space && !g[0].is_space);
    assert!(
        !format!("{:?}", g[0]).contains('A'),
        "Debug leaves the text out"
    );
    assert_eq!(f.mask_code(), Some((42, 1, 389.0)));
    assert_eq!(f.codes_for('A'), vec![(65, 1)]);
    assert_eq!(f.encode(65, 1), b"A");
    assert!(f.reliable());
    assert_eq!(f.name(), "Helvetica");
    assert_eq!(f.font_matrix(), [0.001, 0.0, 0.0, 0.001, 0.0, 0.0]);
}

#[test]
fn differences_and_glyph_name_fallbacks() {
    let mut doc = Document::with_version("1.7");
    let enc = doc.add_object(dictionary! {
        "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
        "Differences" => vec![1.into(), "one".into(), "uni4E2D".into(), "u1D400".into(), "f_i".into(), 65.into(), "g17".into()],
    });
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "ABCDEF+Foo",
        "Encoding" => Object::Reference(enc),
        "FirstChar" => 1, "Widths" => vec![500.into(), 1000.into(), 700.into(), 550.into()],
    };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"\x01\x02\x03\x04B"), "1中\u{1D400}fiB");
    let g = f.decode(b"\x01\x02\x05");
    assert_eq!(g[0].width, 500.0);
    assert_eq!(g[1].width, 1000.0);
    assert_eq!(g[2].width, 0.0, "outside /Widths and no MissingWidth");
    // `g17` names a glyph without saying what it is: decoding cannot be trusted.
    assert_eq!(texts(&f, b"A"), "");
    assert!(!f.reliable());
    assert!(
        f.diagnostics()
            .iter()
            .any(|d| d.code == "font-codes-unmapped")
    );
}

#[test]
fn tounicode_wins_and_a_lying_one_is_exposed() {
    let mut doc = Document::with_version("1.7");
    let tu = tounicode(
        &mut doc,
        "1 begincodespacerange <00> <FF> endcodespacerange\n\
         2 beginbfchar <31> <0037> <32> <D835DC00> endbfchar\n\
         1 beginbfrange <41> <43> [<0058> <0059> <005A>] endbfrange",
    );
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
        "Encoding" => "WinAnsiEncoding", "ToUnicode" => tu,
    };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"12ABCD"), "7\u{1D400}XYZD");
    assert_eq!(f.alt_text(0x31, 1).as_deref(), Some("1"));
    assert_eq!(f.alt_text(0x41, 1).as_deref(), Some("A"));
    assert_eq!(f.alt_text(0x44, 1), None, "agrees (no ToUnicode entry)");
    assert_eq!(f.codes_for('7'), vec![(0x31, 1), (0x37, 1)]);
    assert!(
        f.diagnostics()
            .iter()
            .any(|d| d.code == "tounicode-disagrees")
    );
    // Times-Roman widths still come from the font's metrics, by the glyph the code draws.
    assert_eq!(f.decode(b"1")[0].width, 500.0);
}

#[test]
fn identity_h_with_tounicode_and_w_arrays() {
    let mut doc = Document::with_version("1.7");
    let tu = tounicode(
        &mut doc,
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
         3 beginbfchar <0003> <0020> <0011> <0031> <0a2b> <4E2D> endbfchar\n\
         1 beginbfrange <0020> <0029> <0030> endbfrange",
    );
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "ABCDEF+Cairo",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
        "DW" => 900,
        "W" => vec![3.into(), vec![250.into()].into(), 0x20.into(), 0x29.into(), 556.into(), 0x0a2b.into(), vec![1000.into(), 1001.into()].into()],
    });
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Cairo",
        "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => tu,
    };
    let f = load(&doc, &d);
    let b = [0x00, 0x11, 0x00, 0x03, 0x0a, 0x2b, 0x00, 0x25, 0x00, 0x07];
    let g = f.decode(&b);
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "1 中5"
    );
    assert_eq!(
        g.iter()
            .map(|g| (g.code, g.len, g.width))
            .collect::<Vec<_>>(),
        vec![
            (0x11, 2, 900.0),
            (3, 2, 250.0),
            (0x0a2b, 2, 1000.0),
            (0x25, 2, 556.0),
            (7, 2, 900.0)
        ]
    );
    assert!(
        g.iter().all(|g| !g.is_space),
        "two-byte code 0x0003 is not a word space"
    );
    assert_eq!(f.codes_for('中'), vec![(0x0a2b, 2)]);
    assert_eq!(f.encode(0x0a2b, 2), vec![0x0a, 0x2b]);
    assert!(f.reliable());
    assert!(!f.is_vertical());
}

#[test]
fn identity_without_tounicode_is_unreliable_unless_adobe_collection() {
    let mut doc = Document::with_version("1.7");
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "X",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Identity"), "Supplement" => 0 },
    });
    let d = dictionary! { "Subtype" => "Type0", "Encoding" => "Identity-V", "DescendantFonts" => vec![Object::Reference(cid)] };
    let f = load(&doc, &d);
    assert!(!f.reliable());
    assert!(f.is_vertical());
    assert_eq!(f.vertical_metrics(5, 2), [-1000.0, 500.0, 880.0]);
    assert!(
        f.diagnostics()
            .iter()
            .any(|d| d.code == "cid-font-no-unicode")
    );

    // Adobe-GB1 CIDs have a meaning: CID 4559 is 中 and CID 18 is '1'.
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 4 },
    });
    let d = dictionary! { "Subtype" => "Type0", "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)] };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, &[0x11, 0xCF, 0x00, 0x12]), "中1");
    assert!(f.reliable());
    assert!(f.codes_for('中').contains(&(4559, 2)));
}

#[test]
fn stsong_light_with_unigb_ucs2_h() {
    let mut doc = Document::with_version("1.7");
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 2 },
        "DW" => 1000,
        // reportlab's STSong-Light widths: CIDs 1..95 (ASCII) are proportional.
        "W" => vec![1.into(), 95.into(), 500.into()],
    });
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light-UniGB-UCS2-H",
        "Encoding" => "UniGB-UCS2-H", "DescendantFonts" => vec![Object::Reference(cid)],
    };
    let f = load(&doc, &d);
    let g = f.decode(&[0x4E, 0x2D, 0x00, 0x31, 0x00, 0x2A]);
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "中1*"
    );
    assert_eq!(
        g.iter().map(|g| g.width).collect::<Vec<_>>(),
        vec![1000.0, 500.0, 500.0]
    );
    assert_eq!(f.mask_code(), Some((0x2A, 2, 500.0)));
    assert_eq!(f.codes_for('中'), vec![(0x4E2D, 2)]);
    assert!(f.reliable());
}

#[test]
fn gbk_euc_h_type0() {
    let mut doc = Document::with_version("1.7");
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => Object::Name(b"\xcb\xce\xcc\xe5".to_vec()),
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 2 },
        "W" => vec![4559.into(), vec![990.into()].into()],
    });
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => Object::Name(b"\xcb\xce\xcc\xe5".to_vec()),
        "Encoding" => "GBK-EUC-H", "DescendantFonts" => vec![Object::Reference(cid)],
    };
    let f = load(&doc, &d);
    let g = f.decode(b"A\xd6\xd0 ");
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "A中 "
    );
    assert_eq!(
        g.iter().map(|g| (g.len, g.width)).collect::<Vec<_>>(),
        vec![(1, 1000.0), (2, 990.0), (1, 1000.0)]
    );
    assert!(g[2].is_space);
    assert_eq!(f.codes_for('中'), vec![(0xD6D0, 2)]);
    assert!(f.reliable());
}

#[test]
fn gbk_bytes_in_a_winansi_font() {
    let doc = Document::with_version("1.7");
    let widths: Vec<Object> = (0..256).map(|_| 500.into()).collect();
    // BaseFont is 宋体 in raw GBK bytes, as old Chinese producers write it.
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => Object::Name(b"\xcb\xce\xcc\xe5".to_vec()),
        "Encoding" => "WinAnsiEncoding", "FirstChar" => 0, "Widths" => widths.clone(),
    };
    let f = load(&doc, &d);
    let g = f.decode(b"\xc4\xbf\xc2\xbc 12");
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "目录 12"
    );
    assert_eq!(g[0].len, 2);
    assert_eq!(g[0].code, 0xc4bf);
    assert_eq!(g[0].width, 1000.0);
    assert_eq!(f.encode(0xc4bf, 2), b"\xc4\xbf");
    assert_eq!(f.codes_for('目'), vec![(0xc4bf, 2)]);
    assert!(f.reliable());
    // A high byte without a partner has no text rather than mojibake.
    assert_eq!(texts(&f, b"\xc4"), "");

    // Same bytes, a font name that says nothing: decoded as GBK, but not reliable.
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "F1",
        "Encoding" => "WinAnsiEncoding", "FirstChar" => 0, "Widths" => widths,
    };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"\xc4\xbf\xc2\xbc"), "目录");
    assert_eq!(
        texts(&f, b"caf\xe9"),
        "café",
        "a lone Latin-1 byte stays WinAnsi"
    );
    assert_eq!(
        texts(&f, b"\xe9a\xc4\xbf"),
        "éaÄ¿",
        "all high bytes must pair"
    );
    assert_eq!(texts(&f, b"a\xc4\xbf\xc2\xbc"), "a目录");
    assert!(!f.reliable());
    assert!(f.diagnostics().iter().any(|d| d.code == "font-maybe-gbk"));
}

#[test]
fn type3_fonts() {
    let mut doc = Document::with_version("1.7");
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type3", "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FirstChar" => 65, "Widths" => vec![96.into()], "CharProcs" => Dictionary::new(),
    };
    let f = load(&doc, &d);
    assert!(f.is_type3());
    assert!(!f.reliable());
    assert_eq!(f.font_matrix(), [0.01, 0.0, 0.0, 0.01, 0.0, 0.0]);
    assert_eq!(f.decode(b"A")[0].width, 96.0);
    let enc = doc.add_object(
        dictionary! { "Differences" => vec![65.into(), "asterisk".into(), "B".into()] },
    );
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type3", "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FirstChar" => 65, "Widths" => vec![96.into(), 50.into()], "Encoding" => Object::Reference(enc), "CharProcs" => Dictionary::new(),
    };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"AB"), "*B");
    assert!(f.reliable());
    assert_eq!(f.mask_code(), None, "no /CharProcs entry for asterisk");
    // With glyph procedures: one that paints, one that only sets its width.
    let star = doc.add_object(Stream::new(
        Dictionary::new(),
        b"96 0 0 0 96 96 d1 0 0 m 96 96 l 0 96 l f".to_vec(),
    ));
    let blank = doc.add_object(Stream::new(
        Dictionary::new(),
        b"96 0 0 0 96 96 d1".to_vec(),
    ));
    let procs =
        dictionary! { "asterisk" => Object::Reference(star), "B" => Object::Reference(blank) };
    let enc = doc.add_object(dictionary! { "Differences" => vec![65.into(), "asterisk".into(), "B".into(), "asterisk".into()] });
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "Type3", "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FirstChar" => 65, "Widths" => vec![96.into(), 50.into(), 0.into()], "Encoding" => Object::Reference(enc), "CharProcs" => procs,
    };
    let f = load(&doc, &d);
    assert_eq!(
        f.mask_code(),
        Some((65, 1, 96.0)),
        "67 also draws it but has no width"
    );
    assert_eq!(f.has_glyph(66, 1), Some(false));
}

#[test]
fn malformed_fonts_do_not_panic() {
    let mut doc = Document::with_version("1.7");
    let bad_tu = doc.add_object(Stream::new(
        Dictionary::new(),
        b"beginbfrange <FFFF> <0000> <41> endbfrange beginbfchar <> <>".to_vec(),
    ));
    let cases = vec![
        Dictionary::new(),
        dictionary! { "Subtype" => "Type0" },
        dictionary! { "Subtype" => "Type0", "Encoding" => 5, "DescendantFonts" => 7 },
        dictionary! { "Subtype" => "Type0", "Encoding" => "Nonsense-H", "DescendantFonts" => vec![dictionary! {
            "W" => vec![0.into(), 4_000_000_000i64.into(), 1.into(), (-5).into(), vec![Object::Null].into(), 3.into()],
            "W2" => vec![1.into()], "DW2" => "x",
        }.into()] },
        dictionary! { "Subtype" => "TrueType", "FirstChar" => -1000, "Widths" => vec![Object::string_literal("x"), 1.5.into()], "Encoding" => dictionary! { "Differences" => vec![(-3).into(), "a".into(), 300.into(), "b".into()] } },
        dictionary! { "Subtype" => "Type1", "ToUnicode" => Object::Reference(bad_tu), "Encoding" => "Bogus" },
        dictionary! { "Subtype" => "Type1", "ToUnicode" => Object::Reference((999, 0)) },
        dictionary! { "Subtype" => "Type3", "FontMatrix" => vec![1.into()] },
        dictionary! { "Subtype" => "Type1", "FirstChar" => 1e30, "Widths" => vec![1.into(), 2.into()],
        "Encoding" => dictionary! { "Differences" => vec![i64::MAX.into(), "a".into(), "b".into(), i64::MIN.into(), "c".into()] } },
    ];
    for d in &cases {
        let f = load(&doc, d);
        for bytes in [&b""[..], b"\x00", b"\xff\xff\xff", b"\xd6\xd0\x81"] {
            let _ = f.decode(bytes);
        }
        let _ = f.mask_code();
        let _ = f.codes_for('*');
    }
    let f = load(&doc, &cases[3]);
    assert!(!f.reliable());
    assert!(f.diagnostics().iter().any(|d| d.code == "cmap-unknown"));
    let f = load(&doc, &cases[5]);
    assert!(!f.reliable());
}

#[test]
fn latin_non_embedded_fonts_are_not_taken_for_gbk() {
    let doc = Document::with_version("1.7");
    let mut widths: Vec<Object> = (0..256).map(|_| 500.into()).collect();
    widths[0xe9] = 444.into();
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "LiberationSans",
        "Encoding" => "WinAnsiEncoding", "FirstChar" => 0, "Widths" => widths,
    };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"\xc4\xbf"), "\u{c4}\u{bf}");
    assert!(f.reliable());
}

#[test]
fn standard_symbol_font_uses_its_builtin_encoding() {
    let doc = Document::with_version("1.7");
    let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Symbol" };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"a1\""), "α1∀");
    assert_eq!(f.decode(b"a")[0].width, 631.0);
    assert!(f.reliable());
    // ZapfDingbats' glyph names are not in the AGL: not reliable.
    let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ZapfDingbats" };
    assert!(!load(&doc, &d).reliable());
}

#[test]
fn simple_font_with_a_gb_cmap_name_as_encoding() {
    let doc = Document::with_version("1.7");
    let d = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "F9", "Encoding" => "GBK-EUC-H",
    };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"ID:\xc4\xbf"), "ID:目");
    assert!(f.reliable());
    assert!(f.diagnostics().iter().any(|d| d.code == "font-gbk-bytes"));
}

#[test]
fn utf16_and_gb18030_four_byte_codes() {
    let mut doc = Document::with_version("1.7");
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "AdobeSongStd-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 5 },
    });
    let utf16 = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "Encoding" => "UniGB-UTF16-H",
        "DescendantFonts" => vec![Object::Reference(cid)],
    };
    let f = load(&doc, &utf16);
    // U+20BB7 𠮷 as a surrogate pair, then 中.
    let g = f.decode(&[0xD8, 0x42, 0xDF, 0xB7, 0x4E, 0x2D]);
    assert_eq!(
        g.iter()
            .map(|g| (g.text.as_str(), g.len))
            .collect::<Vec<_>>(),
        vec![("𠮷", 4), ("中", 2)]
    );
    assert_eq!(f.codes_for('𠮷'), vec![(0xD842_DFB7, 4)]);
    let gbk2k = dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "Encoding" => "GBK2K-H",
        "DescendantFonts" => vec![Object::Reference(cid)],
    };
    let f = load(&doc, &gbk2k);
    // GB18030 four-byte 0x8139EF30 is U+3401 㐁; then ASCII and a two-byte character.
    let g = f.decode(&[0x81, 0x39, 0xEF, 0x30, b'7', 0xD6, 0xD0]);
    assert_eq!(
        g.iter()
            .map(|g| (g.text.as_str(), g.len))
            .collect::<Vec<_>>(),
        vec![("㐁", 4), ("7", 1), ("中", 2)]
    );
    assert_eq!(f.encode(0x8139_EF30, 4), vec![0x81, 0x39, 0xEF, 0x30]);
}

#[test]
fn utf8_and_utf32_cmaps() {
    let mut doc = Document::with_version("1.7");
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "KozMinPr6N-Regular",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Japan1"), "Supplement" => 6 },
    });
    let d = dictionary! { "Subtype" => "Type0", "Encoding" => "UniJIS-UTF8-H", "DescendantFonts" => vec![Object::Reference(cid)] };
    let f = load(&doc, &d);
    let bytes = "A日本\u{20BB7}".as_bytes();
    let g = f.decode(bytes);
    assert_eq!(
        g.iter()
            .map(|g| (g.text.as_str(), g.len))
            .collect::<Vec<_>>(),
        vec![("A", 1), ("日", 3), ("本", 3), ("\u{20BB7}", 4)]
    );
    assert_eq!(f.codes_for('日'), vec![(0xE6_97_A5, 3)]);
    assert!(f.reliable());
    let d = dictionary! { "Subtype" => "Type0", "Encoding" => "UniJIS-UTF32-H", "DescendantFonts" => vec![Object::Reference(cid)] };
    let f = load(&doc, &d);
    assert_eq!(
        texts(&f, &[0, 0, 0x65, 0xE5, 0, 1, 0xF6, 0x00]),
        "日\u{1F600}"
    );
}

#[test]
fn embedded_cmap_extending_a_predefined_one() {
    let mut doc = Document::with_version("1.7");
    let cmap = doc.add_object(Stream::new(
        dictionary! { "Type" => "CMap", "CMapName" => "Custom" },
        b"/UniGB-UCS2-H usecmap 1 begincidrange <0041> <0041> 9999 endcidrange".to_vec(),
    ));
    let cid = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 4 },
        "W" => vec![18.into(), vec![480.into()].into(), 9999.into(), vec![321.into()].into()],
    });
    let d = dictionary! { "Subtype" => "Type0", "Encoding" => Object::Reference(cmap), "DescendantFonts" => vec![Object::Reference(cid)] };
    let f = load(&doc, &d);
    let g = f.decode(&[0x4E, 0x2D, 0x00, 0x31, 0x00, 0x41]);
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "中1A"
    );
    // '1' is CID 18 through the predefined CMap; 'A' is CID 9999 through the embedded entry.
    assert_eq!(
        g.iter().map(|g| g.width).collect::<Vec<_>>(),
        vec![1000.0, 480.0, 321.0]
    );
    assert!(f.reliable());
}

#[test]
fn default_base_encoding_is_no_evidence_against_tounicode() {
    let mut doc = Document::with_version("1.7");
    let tu = tounicode(
        &mut doc,
        "1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <4E2D> endbfchar",
    );
    // No /Encoding: the Standard names are only a default, so 'A' is no second reading of 中.
    let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ABCDEF+Sub", "ToUnicode" => tu.clone() };
    let f = load(&doc, &d);
    assert_eq!(texts(&f, b"A"), "中");
    assert_eq!(f.alt_text(0x41, 1), None);
    assert!(
        !f.diagnostics()
            .iter()
            .any(|d| d.code == "tounicode-disagrees")
    );
    // With an explicit encoding the names are the font's own statement.
    let d = dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ABCDEF+Sub", "ToUnicode" => tu, "Encoding" => "WinAnsiEncoding" };
    let f = load(&doc, &d);
    assert_eq!(f.alt_text(0x41, 1).as_deref(), Some("A"));
}
