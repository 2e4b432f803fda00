//! Fixture workbooks built in the test: every location holds personal data, and the tests
//! check units and contexts, masking in every place, untouched parts byte-identical, empty
//! plans identical, and the output re-read by calamine.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::*;
use docsan_core::{Backend, Document, Edit, ErrorKind, Limits, Plan, UnitKind};
use docsan_xlsx::XlsxBackend;
use std::io::Cursor;

fn open(bytes: &[u8]) -> Box<dyn Document> {
    XlsxBackend.open(bytes, &Limits::default()).expect("open")
}

fn unit<'a>(doc: &'a dyn Document, text: &str) -> &'a docsan_core::TextUnit {
    doc.units()
        .iter()
        .find(|u| u.text == text)
        .unwrap_or_else(|| {
            panic!(
                "no unit with the expected text ({} chars)",
                text.chars().count()
            )
        })
}

fn cell(bytes: &[u8], sheet: &str, r: u32, c: u32) -> Data {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens");
    let range = wb.worksheet_range(sheet).expect("sheet");
    range.get_value((r, c)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn units_carry_their_contexts() {
    let bytes = rich_workbook();
    let doc = open(&bytes);
    let d: &dyn Document = doc.as_ref();

    // Shared string in the name column, header in row 3 under a merged title.
    let u = unit(d, "郭靖");
    assert_eq!(u.context.kind, UnitKind::SheetCell);
    assert_eq!(u.context.column_header.as_deref(), Some("姓名"));
    assert_eq!(u.context.location.cell.as_deref(), Some("B4"));
    // Who refreshed the pivot cache is an author.
    let u = unit(d, "周芷若");
    assert_eq!(u.context.label.as_deref(), Some("refreshedBy"));
    // Rich-text runs join into one string.
    let u = unit(d, "110101199003071234");
    assert_eq!(u.context.column_header.as_deref(), Some("身份证号"));
    // Numbers keep their raw text.
    let u = unit(d, "13812345678");
    assert_eq!(u.context.column_header.as_deref(), Some("联系电话"));
    let u = unit(d, "1.10101199003071E+17");
    assert_eq!(u.context.column_header.as_deref(), Some("身份证号"));
    assert!(
        d.diagnostics()
            .iter()
            .any(|x| x.code == "number-lost-digits")
    );
    // Row 5 is hidden.
    assert!(
        u.context
            .location
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("hidden row")
    );
    // Formula cell with a numeric result, formula string result.
    unit(d, "13912345678");
    assert!(d.units().iter().any(
        |u| u.text == "110101199003071234" && u.context.location.cell.as_deref() == Some("C6")
    ));
    // Inline string stored as character references.
    assert_eq!(
        unit(d, "杨过").context.column_header.as_deref(),
        Some("姓名")
    );
    // Hidden and very hidden sheets.
    let u = unit(d, "周伯通");
    assert!(
        u.context
            .location
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("hidden")
    );
    assert_eq!(u.context.column_header.as_deref(), Some("姓名"));
    let u = unit(d, "一灯大师");
    assert!(
        u.context
            .location
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("very hidden")
    );
    assert_eq!(u.context.label.as_deref(), Some("联系人："));
    // A labelled value under a table keeps its label.
    assert_eq!(
        unit(d, "13500000000").context.label.as_deref(),
        Some("联系电话：")
    );
    // A two-cell form line inside a wider table is labelled by its first cell.
    assert_eq!(unit(d, "裘千仞").context.label.as_deref(), Some("审核人"));
    // Ordinary table rows carry no label.
    assert_eq!(unit(d, "郭靖").context.label, None);
    // Phonetic runs are not part of the text.
    assert_eq!(
        unit(d, "黄蓉").context.column_header.as_deref(),
        Some("姓名")
    );
    // Legacy comment split over runs, and its author.
    let u = unit(d, "柯镇恶:核实人郭靖电话13812345678");
    assert_eq!(u.context.kind, UnitKind::Comment);
    assert_eq!(u.context.location.cell.as_deref(), Some("B4"));
    assert!(
        d.units()
            .iter()
            .any(|u| u.text == "柯镇恶" && u.context.kind == UnitKind::Author)
    );
    // VML text box and alt text.
    assert!(d.units().iter().any(|u| u.text == "柯镇恶:核实郭靖"));
    // Threaded comment and person.
    assert_eq!(
        unit(d, "请核实郭靖的电话13812345678").context.kind,
        UnitKind::Comment
    );
    assert!(
        d.units()
            .iter()
            .any(|u| u.text == "柯镇恶" && u.context.label.as_deref() == Some("displayName"))
    );
    assert!(d.units().iter().any(|u| u.text == "kezhene@example.com"));
    // Pivot cache: shared items and records, with the field name as header.
    assert!(d.units().iter().any(|u| u.text == "黄蓉"
        && u.context.kind == UnitKind::Cache
        && u.context.column_header.as_deref() == Some("姓名")));
    assert!(d.units().iter().any(|u| u.text == "13912345678"
        && u.context.kind == UnitKind::Cache
        && u.context.column_header.as_deref() == Some("联系电话")));
    // Header and footer, hyperlink, properties, file sharing, folder path.
    // A header is read as printed: its sections on lines, its codes left out.
    assert_eq!(
        unit(d, "制表人：郭靖\n电话13812345678").context.kind,
        UnitKind::HeaderFooter
    );
    assert_eq!(
        unit(d, "mailto:guojing@example.com").context.kind,
        UnitKind::Hyperlink
    );
    assert_eq!(
        unit(d, "guojing@example.com").context.kind,
        UnitKind::Hyperlink
    );
    assert_eq!(unit(d, "写信给郭靖").context.kind, UnitKind::Hyperlink);
    let u = unit(d, "欧阳锋");
    assert_eq!(
        (u.context.kind, u.context.label.as_deref()),
        (UnitKind::Metadata, Some("creator"))
    );
    assert_eq!(unit(d, "洪七公").context.label.as_deref(), Some("Manager"));
    assert_eq!(unit(d, "段智兴").context.label.as_deref(), Some("userName"));
    assert!(d.units().iter().any(|u| u.text.contains("duanzx")));
    // Sheet names and an unused shared string. Markup names carry no label: detection reads a
    // label with "name" in it as "a person's name".
    assert_eq!(unit(d, "备份").context.kind, UnitKind::Name);
    // A sheet title is not labelled as a name (only person-shaped sheet names are).
    assert_eq!(unit(d, "备份").context.label, None);
    assert_eq!(unit(d, "名单!$3:$3").context.label, None);
    // Header cells say so, so that no neighbour is taken for their label.
    let h = d
        .units()
        .iter()
        .find(|u| u.text == "身份证号" && u.context.location.cell.as_deref() == Some("C3"))
        .expect("header cell");
    assert_eq!(h.context.label.as_deref(), Some("column header"));
    assert!(d.units().iter().any(|u| u.text == " 未使用 "));
    // Ids are dense.
    for (i, u) in d.units().iter().enumerate() {
        assert_eq!(u.id.0 as usize, i);
    }
}

#[test]
fn empty_plan_gives_back_the_same_bytes() {
    let bytes = rich_workbook();
    let mut doc = open(&bytes);
    let mut diags = Vec::new();
    assert_eq!(
        doc.rewrite(&Plan::default(), &mut diags).expect("rewrite"),
        bytes
    );
}

#[test]
fn masking_every_value_leaves_nothing_and_keeps_the_rest() {
    let bytes = rich_workbook();
    let mut doc = open(&bytes);
    let plan = plan_values(doc.units(), RICH_VALUES);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");

    let before = entries(&bytes);
    let after = entries(&out);
    for (name, data) in &after {
        let text = decoded_text(data);
        for v in RICH_VALUES {
            assert!(!text.contains(v), "a value is left in {name}");
        }
    }
    // Untouched parts are identical; the calculation chain is gone.
    for name in [
        "xl/styles.xml",
        "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels",
        "xl/worksheets/_rels/sheet1.xml.rels",
    ] {
        let a = before.iter().find(|(n, _)| n == name).map(|(_, d)| d);
        let b = after.iter().find(|(n, _)| n == name).map(|(_, d)| d);
        if name.ends_with("sheet1.xml.rels") {
            assert_ne!(a, b, "the mailto target must change");
        } else {
            assert_eq!(a, b, "{name} must be untouched");
        }
    }
    assert!(!after.iter().any(|(n, _)| n == "xl/calcChain.xml"));
    assert!(diags.iter().any(|d| d.code == "calc-chain-dropped"));
    let ct = &after
        .iter()
        .find(|(n, _)| n == "[Content_Types].xml")
        .expect("ct")
        .1;
    assert!(!String::from_utf8_lossy(ct).contains("calcChain"));
    let wr = &after
        .iter()
        .find(|(n, _)| n == "xl/_rels/workbook.xml.rels")
        .expect("rels")
        .1;
    assert!(!String::from_utf8_lossy(wr).contains("calcChain"));
    // Order of entries is kept.
    let names_before: Vec<_> = before
        .iter()
        .map(|(n, _)| n.clone())
        .filter(|n| n != "xl/calcChain.xml")
        .collect();
    let names_after: Vec<_> = after.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names_before, names_after);

    // calamine reads the result: non-personal cells equal, personal cells masked.
    assert_eq!(cell(&out, "名单", 0, 0), cell(&bytes, "名单", 0, 0));
    assert_eq!(cell(&out, "名单", 2, 1), Data::String("姓名".into()));
    assert_eq!(cell(&out, "名单", 3, 0), Data::Float(1.0));
    assert_eq!(cell(&out, "名单", 5, 3), Data::Float(100.5));
    assert_eq!(cell(&out, "名单", 3, 1), Data::String("＊＊".into()));
    assert_eq!(
        cell(&out, "名单", 3, 2),
        Data::String("******************".into())
    );
    assert_eq!(cell(&out, "名单", 3, 3), Data::String("***********".into()));
    assert_eq!(
        cell(&out, "名单", 4, 2),
        Data::String("********************".into())
    );
    assert_eq!(cell(&out, "名单", 4, 3), Data::String("***********".into()));
    assert_eq!(cell(&out, "名单", 5, 1), Data::String("＊＊".into()));
    assert_eq!(cell(&out, "备份", 1, 1), Data::String("***********".into()));
    // The numeric cell kept its style and reference.
    let s1 = String::from_utf8_lossy(
        &after
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .expect("sheet")
            .1,
    )
    .into_owned();
    assert!(
        s1.contains(r#"<c r="D4" s="2" t="inlineStr"><is><t>***********</t></is></c>"#),
        "{s1}"
    );
    assert!(
        s1.contains(r#"<c r="D5" s="2" t="str"><f>13900000000+12345678</f><v>***********</v></c>"#)
    );
    // Phonetic run masked with its string.
    let sst = String::from_utf8_lossy(
        &after
            .iter()
            .find(|(n, _)| n == "xl/sharedStrings.xml")
            .expect("sst")
            .1,
    )
    .into_owned();
    assert!(sst.contains("<rPh sb=\"0\" eb=\"2\"><t>*********</t></rPh>"));
    // Rich-text runs keep their lengths and formatting.
    assert!(sst.contains("<r><rPr><b/><sz val=\"11\"/></rPr><t>************</t></r><r><rPr><sz val=\"11\"/></rPr><t>******</t></r>"));
    // The output opens again.
    open(&out);
}

#[test]
fn a_shared_string_personal_in_one_column_only_is_split() {
    let bytes = rich_workbook();
    let mut doc = open(&bytes);
    // Mask only the name-column use of the string that is also used under 备注 (E5).
    let id = doc
        .units()
        .iter()
        .find(|u| u.text == "郭靖" && u.context.location.cell.as_deref() == Some("B4"))
        .expect("unit")
        .id;
    let other = doc
        .units()
        .iter()
        .find(|u| u.text == "郭靖" && u.context.location.cell.as_deref() == Some("E5"))
        .expect("second use is its own unit");
    assert_eq!(other.context.column_header.as_deref(), Some("备注"));
    let plan = plan_units(doc.units(), &[id]);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    assert_eq!(cell(&out, "名单", 3, 1), Data::String("＊＊".into()));
    assert_eq!(cell(&out, "名单", 4, 4), Data::String("郭靖".into()));
    let after = entries(&out);
    let sst = String::from_utf8_lossy(
        &after
            .iter()
            .find(|(n, _)| n == "xl/sharedStrings.xml")
            .expect("sst")
            .1,
    )
    .into_owned();
    assert!(sst.contains(r#"count="12" uniqueCount="11""#), "{sst}");
    assert!(sst.ends_with("<si><t>＊＊</t></si></sst>"));
    // Every other part, and every other byte of the sheet, stays.
    for ((n1, d1), (n2, d2)) in entries(&bytes).iter().zip(&after) {
        assert_eq!(n1, n2);
        if n1 != "xl/sharedStrings.xml" && n1 != "xl/worksheets/sheet1.xml" {
            assert_eq!(d1, d2, "{n1} changed");
        }
    }
    let s_before = String::from_utf8_lossy(
        &entries(&bytes)
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .expect("s")
            .1,
    )
    .into_owned();
    let s_after = String::from_utf8_lossy(
        &after
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .expect("s")
            .1,
    )
    .into_owned();
    assert_eq!(
        s_after,
        s_before.replace(
            r#"<c r="B4" t="s"><v>7</v>"#,
            r#"<c r="B4" t="s"><v>10</v>"#
        )
    );
}

#[test]
fn formula_edits_only_inside_string_literals() {
    let bytes = rich_workbook();
    let doc = open(&bytes);
    let f = doc
        .units()
        .iter()
        .find(|u| u.context.kind == UnitKind::Field && u.text.contains("11010119"))
        .expect("formula unit");
    let start = f.text.find("11010119").expect("literal");
    let good = Plan {
        edits: vec![Edit {
            unit: f.id,
            range: start..start + 8,
            replacement: "********".into(),
        }],
        ..Plan::default()
    };
    let bad = Plan {
        edits: vec![Edit {
            unit: f.id,
            range: 0..1,
            replacement: "*".into(),
        }],
        ..Plan::default()
    };
    let mut doc = open(&bytes);
    let mut diags = Vec::new();
    let out = doc.rewrite(&good, &mut diags).expect("literal edit");
    assert!(
        decoded_text(
            &entries(&out)
                .iter()
                .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
                .expect("s")
                .1
        )
        .contains(r#"<f>"********"&"9003071234"</f>"#)
    );
    let e = doc.rewrite(&bad, &mut diags).expect_err("syntax edit");
    assert_eq!(e.kind, ErrorKind::Refused);
}

#[test]
fn renaming_a_sheet_rewrites_every_reference_to_it() {
    let bytes = rich_workbook();
    let mut doc = open(&bytes);
    let hidden = doc
        .units()
        .iter()
        .find(|u| u.text == "备份")
        .expect("sheet name")
        .id;
    let listed = doc
        .units()
        .iter()
        .find(|u| u.text == "名单" && u.context.kind == UnitKind::Name)
        .expect("sheet name")
        .id;
    let mut diags = Vec::new();
    let out = doc
        .rewrite(&plan_units(doc.units(), &[hidden]), &mut diags)
        .expect("rename");
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(out)).expect("calamine");
    assert!(wb.sheet_names().contains(&"＊＊".to_string()));
    // 名单 is referenced by a defined name and by the pivot cache source: both follow.
    let out = doc
        .rewrite(&plan_units(doc.units(), &[listed, hidden]), &mut diags)
        .expect("rename");
    let after = entries(&out);
    let text = |name: &str| decoded_text(&after.iter().find(|(n, _)| n == name).expect("part").1);
    let wbx = text("xl/workbook.xml");
    assert!(
        wbx.contains(
            "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">'＊＊'!$3:$3</definedName>"
        ),
        "{wbx}"
    );
    assert!(
        wbx.contains("<sheet name=\"＊＊2\" sheetId=\"2\""),
        "names stay unique: {wbx}"
    );
    assert!(text("xl/pivotCache/pivotCacheDefinition1.xml").contains("sheet=\"＊＊\""));
    assert_eq!(cell(&out, "＊＊", 2, 1), Data::String("姓名".into()));
    // A planned edit of the reference itself is absorbed by the rename.
    let dn = doc
        .units()
        .iter()
        .find(|u| u.text == "名单!$3:$3")
        .expect("defined name")
        .id;
    let plan = Plan {
        edits: vec![
            Edit {
                unit: listed,
                range: 0..6,
                replacement: "＊＊".into(),
            },
            Edit {
                unit: dn,
                range: 0..6,
                replacement: "＊＊".into(),
            },
        ],
        ..Plan::default()
    };
    let out = doc
        .rewrite(&plan, &mut diags)
        .expect("rename with reference edit");
    assert!(
        decoded_text(
            &entries(&out)
                .iter()
                .find(|(n, _)| n == "xl/workbook.xml")
                .expect("wb")
                .1
        )
        .contains(">'＊＊'!$3:$3<")
    );
    // Any other edit of formula syntax is refused.
    let plan = Plan {
        edits: vec![Edit {
            unit: dn,
            range: 7..8,
            replacement: "*".into(),
        }],
        ..Plan::default()
    };
    assert_eq!(
        doc.rewrite(&plan, &mut diags).expect_err("refused").kind,
        ErrorKind::Refused
    );
}

#[test]
fn bad_inputs_are_clean_errors() {
    for bytes in [
        &b""[..],
        b"PK\x03\x04garbage",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest",
        b"<xml/>",
    ] {
        assert!(XlsxBackend.open(bytes, &Limits::default()).is_err());
    }
    // A package without a workbook.
    let z = build_zip(&[("a.xml", "<a/>")]);
    assert_eq!(
        XlsxBackend
            .open(&z, &Limits::default())
            .err()
            .map(|e| e.kind),
        Some(ErrorKind::Malformed)
    );
    // Deep nesting is a limit error, not a stack overflow.
    let deep = format!(
        "<?xml version=\"1.0\"?><x>{}{}</x>",
        "<a>".repeat(5000),
        "</a>".repeat(5000)
    );
    let z = build_zip(&[
        (
            "xl/workbook.xml",
            &format!("<workbook xmlns=\"{NS}\"><sheets/></workbook>"),
        ),
        ("docProps/custom.xml", &deep),
    ]);
    assert_eq!(
        XlsxBackend
            .open(&z, &Limits::default())
            .err()
            .map(|e| e.kind),
        Some(ErrorKind::Limit)
    );
    // Broken XML in a sheet.
    let z = build_zip(&[
        (
            "xl/workbook.xml",
            &format!("<workbook xmlns=\"{NS}\"><sheets/></workbook>"),
        ),
        (
            "xl/worksheets/sheet1.xml",
            "<worksheet><sheetData><row><c r=\"A1\"><v>1</c></row>",
        ),
    ]);
    assert!(XlsxBackend.open(&z, &Limits::default()).is_err());
    // Every truncation of a real workbook fails cleanly or opens.
    let bytes = rich_workbook();
    for cut in (0..bytes.len()).step_by(97) {
        let _ = XlsxBackend.open(&bytes[..cut], &Limits::default());
    }
}

#[test]
fn uncheckable_parts_are_warnings() {
    let wb = format!("<workbook xmlns=\"{NS}\"><sheets/></workbook>");
    let z = build_zip(&[
        ("xl/workbook.xml", &wb),
        ("xl/media/image1.png", "\u{89}PNG"),
        ("xl/vbaProject.bin", "x"),
        ("xl/embeddings/oleObject1.bin", "x"),
        ("xl/embeddings/Book1.xlsx", "PK"),
    ]);
    let doc = XlsxBackend.open(&z, &Limits::default()).expect("open");
    let codes: Vec<_> = doc.diagnostics().iter().map(|d| d.code.as_str()).collect();
    for c in ["image", "vba-project", "ole-object"] {
        assert!(codes.contains(&c), "{c} missing from {codes:?}");
    }
    assert_eq!(doc.embedded().len(), 1);
}

fn utf16le(s: &str) -> Vec<u8> {
    let mut v = vec![0xFF, 0xFE];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

#[test]
fn utf16_parts_are_read_and_written_back_as_utf16() {
    use std::io::Write;
    let wb = format!("<workbook xmlns=\"{NS}\"><sheets/></workbook>");
    let item = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><root><!-- 备注 --><owner>梅超风</owner></root>";
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    w.start_file("xl/workbook.xml", opts).expect("start");
    w.write_all(wb.as_bytes()).expect("write");
    w.start_file("customXml/item1.xml", opts).expect("start");
    w.write_all(&utf16le(item)).expect("write");
    let bytes = w.finish().expect("finish").into_inner();
    let mut doc = open(&bytes);
    assert!(doc.diagnostics().iter().any(|d| d.code == "xml-comment"));
    let plan = plan_values(doc.units(), &["梅超风"]);
    assert_eq!(plan.edits.len(), 1);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    let part = entries(&out)
        .into_iter()
        .find(|(n, _)| n == "customXml/item1.xml")
        .expect("part")
        .1;
    assert_eq!(part, utf16le(&item.replace("梅超风", "＊＊＊")));
}

/// Sheets are walked as they inflate; a UTF-16 sheet is decoded whole instead: same units,
/// headers and places.
#[test]
fn utf16_and_utf8_sheets_give_the_same_units() {
    use std::io::Write;
    let wb = format!(
        "<workbook xmlns=\"{NS}\" xmlns:r=\"{RNS}\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
    );
    let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>";
    let sheet = format!(
        "<?xml version=\"1.0\"?><worksheet xmlns=\"{NS}\"><sheetData>\
         <row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>联系人</t></is></c><c r=\"C1\" t=\"inlineStr\"><is><t>备注</t></is></c></row>\
         <row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>梅超风</t></is></c><c r=\"B2\" t=\"inlineStr\"><is><t>陈玄风</t></is></c><c r=\"C2\" t=\"inlineStr\"><is><t>无</t></is></c></row>\
         </sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>"
    );
    let build = |sheet_bytes: &[u8]| {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (n, b) in [
            ("xl/workbook.xml", wb.as_bytes()),
            ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
            ("xl/worksheets/sheet1.xml", sheet_bytes),
        ] {
            w.start_file(n, opts).expect("start");
            w.write_all(b).expect("write");
        }
        w.finish().expect("finish").into_inner()
    };
    let describe = |doc: &dyn Document| -> Vec<String> {
        doc.units()
            .iter()
            .map(|u| {
                format!(
                    "{} {:?} {:?}",
                    u.text, u.context.column_header, u.context.location.cell
                )
            })
            .collect()
    };
    let utf8 = open(&build(sheet.as_bytes()));
    let utf16 = open(&build(&utf16le(&sheet)));
    let units = describe(&*utf8);
    assert_eq!(units, describe(&*utf16));
    let a2 = units.iter().find(|u| u.starts_with("梅超风")).expect("A2");
    assert!(a2.ends_with("Some(\"A2\")"), "{a2}");
    assert_eq!(units.len(), 6, "{units:?}");
}

#[test]
fn large_generated_sheet_masks_whole_columns() {
    let rows = 3000;
    let bytes = docsan_xlsx::generate_large_sheet(rows);
    assert_eq!(
        bytes,
        docsan_xlsx::generate_large_sheet(rows),
        "deterministic"
    );
    let mut doc = open(&bytes);
    let ids: Vec<_> = doc
        .units()
        .iter()
        .filter(|u| {
            matches!(
                u.context.column_header.as_deref(),
                Some("身份证号" | "联系电话")
            )
        })
        .map(|u| u.id)
        .collect();
    assert_eq!(ids.len(), 2 * rows);
    let plan = plan_units(doc.units(), &ids);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(out)).expect("calamine");
    let masked = wb.worksheet_range("名单").expect("sheet");
    let mut wb0: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("calamine");
    let orig = wb0.worksheet_range("名单").expect("sheet");
    for r in 2..(rows as u32 + 2) {
        for c in [0u32, 1, 4] {
            assert_eq!(masked.get_value((r, c)), orig.get_value((r, c)));
        }
        assert_eq!(
            masked.get_value((r, 2)),
            Some(&Data::String("*".repeat(18)))
        );
        assert_eq!(
            masked.get_value((r, 3)),
            Some(&Data::String("*".repeat(11)))
        );
    }
}

#[test]
fn table_parts_name_the_columns_of_their_cells() {
    let wb = format!(
        r#"<workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let wb_rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(
        r#"<worksheet xmlns="{NS}" xmlns:r="{RNS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c><c r="B1" t="inlineStr"><is><t>说明</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>无</t></is></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>联系人</t></is></c><c r="B3" t="inlineStr"><is><t>手机</t></is></c></row><row r="4"><c r="A4" t="inlineStr"><is><t>陆乘风</t></is></c><c r="B4"><v>13700000000</v></c></row></sheetData><tableParts count="1"><tablePart r:id="rId1"/></tableParts></worksheet>"#
    );
    let sheet_rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/table" Target="../tables/table1.xml"/></Relationships>"#
    );
    let table = format!(
        r#"<table xmlns="{NS}" id="1" name="表1" displayName="表1" ref="A3:B4"><autoFilter ref="A3:B4"/><tableColumns count="2"><tableColumn id="1" name="联系人"/><tableColumn id="2" name="手机"/></tableColumns></table>"#
    );
    let bytes = build_zip(&[
        ("xl/workbook.xml", &wb),
        ("xl/_rels/workbook.xml.rels", &wb_rels),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/worksheets/_rels/sheet1.xml.rels", &sheet_rels),
        ("xl/tables/table1.xml", &table),
    ]);
    let doc = open(&bytes);
    let d: &dyn Document = doc.as_ref();
    assert_eq!(
        unit(d, "13700000000").context.column_header.as_deref(),
        Some("手机")
    );
    assert_eq!(
        unit(d, "陆乘风").context.column_header.as_deref(),
        Some("联系人")
    );
    assert!(
        d.units()
            .iter()
            .any(|u| u.text == "手机" && u.context.kind == UnitKind::Name)
    );
}

#[test]
fn mutated_parts_never_panic() {
    let bytes = rich_workbook();
    let parts = entries(&bytes);
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let specials: &[&[u8]] = &[
        b"<",
        b">",
        b"&",
        b"\"",
        b"'",
        b"/",
        b"&#0;",
        b"&#xFFFFFF;",
        b"r=\"XFD99999999999\"",
        b"<c r=\"A1\" t=\"s\"><v>999999</v></c>",
        b"\xff",
        b"<x:c>",
        b"</row>",
        b"headerRowCount=\"4294967295\"",
    ];
    for round in 0..300 {
        let k = next() % parts.len();
        let mut owned: Vec<(String, String)> = Vec::new();
        for (i, (n, d)) in parts.iter().enumerate() {
            let mut d = d.clone();
            if i == k && !d.is_empty() {
                let at = next() % d.len();
                match round % 3 {
                    0 => d.truncate(at),
                    1 => {
                        let s = specials[next() % specials.len()];
                        d.splice(at..at, s.iter().copied());
                    }
                    _ => {
                        let end = (at + 1 + next() % 8).min(d.len());
                        d.drain(at..end);
                    }
                }
            }
            owned.push((n.clone(), String::from_utf8_lossy(&d).into_owned()));
        }
        let refs: Vec<(&str, &str)> = owned
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let z = build_zip(&refs);
        if let Ok(mut doc) = XlsxBackend.open(&z, &Limits::default()) {
            let ids: Vec<_> = doc.units().iter().map(|u| u.id).collect();
            let plan = plan_units(doc.units(), &ids);
            let mut diags = Vec::new();
            let _ = doc.rewrite(&plan, &mut diags);
        }
    }
}

#[test]
fn odd_cell_types_are_still_extracted() {
    let wb = format!(
        r#"<workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let wb_rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(
        r#"<worksheet xmlns="{NS}"><sheetData><row><c t="inlineStr"><v>曲灵风</v></c><c t="weird"><v>冯默风</v></c><c><v>武眠风</v></c><c><is><t>陈玄风</t></is></c><c><v>123</v></c></row></sheetData></worksheet>"#
    );
    let bytes = build_zip(&[
        ("xl/workbook.xml", &wb),
        ("xl/_rels/workbook.xml.rels", &wb_rels),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    let mut doc = open(&bytes);
    let names = ["曲灵风", "冯默风", "武眠风", "陈玄风"];
    let d: &dyn Document = doc.as_ref();
    for (i, n) in names.iter().enumerate() {
        let u = unit(d, n);
        assert_eq!(
            u.context.location.cell.as_deref(),
            Some(["A1", "B1", "C1", "D1"][i])
        );
    }
    assert!(
        !d.units().iter().any(|u| u.text == "123"),
        "short numbers are not units"
    );
    let plan = plan_values(doc.units(), &names);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    let text = decoded_text(
        &entries(&out)
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .expect("sheet")
            .1,
    );
    for n in names {
        assert!(!text.contains(n));
    }
    assert!(text.contains("<c><v>123</v></c>"));
}

#[test]
fn drawings_charts_links_connections_and_custom_properties() {
    let wb = format!(r#"<workbook xmlns="{NS}"><sheets/></workbook>"#);
    let drawing = r#"<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor><xdr:sp><xdr:nvSpPr><xdr:cNvPr id="2" name="TextBox 1" descr="经办人尹志平的签名"/></xdr:nvSpPr><xdr:txBody><a:p>
  <a:r><a:t>经办人：尹</a:t></a:r>
  <a:r><a:rPr b="1"/><a:t>志平</a:t></a:r>
</a:p></xdr:txBody></xdr:sp></xdr:twoCellAnchor></xdr:wsDr>"#;
    let chart = r#"<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:ser><c:cat><c:strRef><c:f>Sheet1!$A$2:$A$3</c:f><c:strCache><c:ptCount val="2"/><c:pt idx="0"><c:v>丘处机</c:v></c:pt><c:pt idx="1"><c:v>王处一</c:v></c:pt></c:strCache></c:strRef></c:cat></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>"#;
    let ext = format!(
        r#"<externalLink xmlns="{NS}"><externalBook xmlns:r="{RNS}" r:id="rId1"><sheetNames><sheetName val="孙不二"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1" t="str"><v>郝大通</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>"#
    );
    let ext_rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/externalLinkPath" Target="file:///C:\Users\madaqing\Documents\名单.xlsx" TargetMode="External"/></Relationships>"#
    );
    let conn = format!(
        r#"<connections xmlns="{NS}"><connection id="1" name="查询" type="1"><dbPr connection="DSN=hr;UID=tanchuduan;PWD=x" command="SELECT * FROM t WHERE name='刘处玄'"/></connection></connections>"#
    );
    let custom = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="审核人"><vt:lpwstr>周芷若</vt:lpwstr></property></Properties>"#;
    let bytes = build_zip(&[
        ("xl/workbook.xml", &wb),
        ("xl/drawings/drawing1.xml", drawing),
        ("xl/charts/chart1.xml", chart),
        ("xl/externalLinks/externalLink1.xml", &ext),
        ("xl/externalLinks/_rels/externalLink1.xml.rels", &ext_rels),
        ("xl/connections.xml", &conn),
        ("docProps/custom.xml", custom),
    ]);
    let mut doc = open(&bytes);
    let d: &dyn Document = doc.as_ref();
    assert_eq!(unit(d, "经办人：尹志平").context.kind, UnitKind::TextBox);
    assert_eq!(
        unit(d, "经办人尹志平的签名").context.kind,
        UnitKind::AltText
    );
    assert_eq!(unit(d, "丘处机").context.kind, UnitKind::Cache);
    assert_eq!(unit(d, "郝大通").context.kind, UnitKind::Cache);
    assert_eq!(unit(d, "孙不二").context.kind, UnitKind::Cache);
    assert!(d.units().iter().any(|u| u.text.contains("madaqing")));
    assert!(d.units().iter().any(|u| u.text.contains("tanchuduan")));
    assert!(d.units().iter().any(|u| u.text.contains("刘处玄")));
    let u = unit(d, "周芷若");
    assert_eq!(
        (u.context.kind, u.context.label.as_deref()),
        (UnitKind::Metadata, Some("审核人"))
    );
    let values = [
        "尹志平",
        "丘处机",
        "郝大通",
        "孙不二",
        "madaqing",
        "tanchuduan",
        "刘处玄",
        "周芷若",
    ];
    let plan = plan_values(doc.units(), &values);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    for (name, data) in entries(&out) {
        let text = decoded_text(&data);
        for v in values {
            assert!(!text.contains(v), "a value is left in {name}");
        }
    }
    // The split name keeps its two runs.
    let dr = decoded_text(
        &entries(&out)
            .iter()
            .find(|(n, _)| n == "xl/drawings/drawing1.xml")
            .expect("d")
            .1,
    );
    assert!(
        dr.contains("<a:t>经办人：＊</a:t></a:r>\n  <a:r><a:rPr b=\"1\"/><a:t>＊＊</a:t>"),
        "{dr}"
    );
}

#[test]
fn number_literals_in_formulas_become_masked_strings() {
    let bytes = rich_workbook();
    let mut doc = open(&bytes);
    let f = doc
        .units()
        .iter()
        .find(|u| u.context.kind == UnitKind::Field && u.text == "13900000000+12345678")
        .expect("formula with a long number is a unit")
        .id;
    let v = doc
        .units()
        .iter()
        .find(|u| u.text == "13912345678" && u.context.kind == UnitKind::SheetCell)
        .expect("value")
        .id;
    let plan = Plan {
        edits: vec![
            Edit {
                unit: f,
                range: 3..7,
                replacement: "****".into(),
            },
            Edit {
                unit: v,
                range: 0..11,
                replacement: "*".repeat(11).into(),
            },
        ],
        ..Plan::default()
    };
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    let s1 = decoded_text(
        &entries(&out)
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .expect("sheet")
            .1,
    );
    assert!(
        s1.contains(
            r#"<c r="D5" s="2" t="str"><f>"139****0000"+12345678</f><v>***********</v></c>"#
        ),
        "{s1}"
    );
    // A digit of a cell reference is syntax: refused.
    let r = doc
        .units()
        .iter()
        .find(|u| u.text == "名单!$3:$3")
        .expect("defined name")
        .id;
    let plan = Plan {
        edits: vec![Edit {
            unit: r,
            range: 8..9,
            replacement: "*".into(),
        }],
        ..Plan::default()
    };
    assert_eq!(
        doc.rewrite(&plan, &mut diags).expect_err("refused").kind,
        ErrorKind::Refused
    );
}

#[test]
fn legacy_vml_quirks_are_tolerated() {
    let wb = format!("<workbook xmlns=\"{NS}\"><sheets/></workbook>");
    let vml = "<xml><v:shape filled=f><v:textbox><div>审核&nbsp;李莫愁<br></div></v:textbox></v:shape></xml>";
    let bytes = build_zip(&[
        ("xl/workbook.xml", &wb),
        ("xl/drawings/vmlDrawing2.vml", vml),
    ]);
    let mut doc = open(&bytes);
    assert!(
        doc.diagnostics()
            .iter()
            .any(|d| d.code == "unreadable-attributes")
    );
    let plan = plan_values(doc.units(), &["李莫愁"]);
    assert_eq!(plan.edits.len(), 1);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    let part = entries(&out)
        .into_iter()
        .find(|(n, _)| n.ends_with(".vml"))
        .expect("vml")
        .1;
    assert!(!String::from_utf8_lossy(&part).contains("李莫愁"));
}

#[test]
fn plan_order_does_not_matter() {
    let bytes = rich_workbook();
    let mut doc = open(&bytes);
    let plan = plan_values(doc.units(), RICH_VALUES);
    let mut reversed = plan.clone();
    reversed.edits.reverse();
    let mut diags = Vec::new();
    let a = doc.rewrite(&plan, &mut diags).expect("sorted");
    let b = doc.rewrite(&reversed, &mut diags).expect("reversed");
    assert_eq!(a, b);
    // Rewriting twice from the same document gives the same bytes (deterministic).
    assert_eq!(a, doc.rewrite(&plan, &mut diags).expect("again"));
}

#[test]
fn prefixed_sheets_get_prefixed_inline_strings() {
    let wb = format!(
        r#"<x:workbook xmlns:x="{NS}" xmlns:r="{RNS}"><x:sheets><x:sheet name="S" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>"#
    );
    let wb_rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
    );
    let sheet = format!(
        r#"<x:worksheet xmlns:x="{NS}"><x:sheetData><x:row r="1"><x:c r="A1" s="3"><x:v>13812345678</x:v></x:c><x:c r="B1"><x:v>7</x:v></x:c></x:row><x:row r="2"><x:c r="A2"  t="n"
 s="3"><x:v>13812345679</x:v></x:c><x:c r="B2" t="n"><x:v>8</x:v></x:c></x:row></x:sheetData></x:worksheet>"#
    );
    let bytes = build_zip(&[
        (
            "_rels/.rels",
            &format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        ("xl/workbook.xml", &wb),
        ("xl/_rels/workbook.xml.rels", &wb_rels),
        ("xl/worksheets/sheet1.xml", &sheet),
    ]);
    let mut doc = open(&bytes);
    let plan = plan_values(doc.units(), &["13812345678", "13812345679"]);
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).expect("rewrite");
    let s = decoded_text(
        &entries(&out)
            .iter()
            .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
            .expect("sheet")
            .1,
    );
    assert!(s.contains(r#"<x:c r="A1" s="3" t="inlineStr"><x:is><x:t>***********</x:t></x:is></x:c><x:c r="B1"><x:v>7</x:v></x:c>"#), "{s}");
    assert_eq!(cell(&out, "S", 0, 0), Data::String("*".repeat(11)));
    assert_eq!(cell(&out, "S", 0, 1), Data::Float(7.0));
    // A `t="n"` attribute goes with the blanks before it; the rest of the start tag, odd
    // whitespace included, stays byte for byte.
    assert!(
        s.contains("<x:c r=\"A2\"\n s=\"3\" t=\"inlineStr\"><x:is><x:t>***********</x:t></x:is></x:c><x:c r=\"B2\" t=\"n\"><x:v>8</x:v></x:c>"),
        "{s}"
    );
    assert_eq!(cell(&out, "S", 1, 0), Data::String("*".repeat(11)));
    assert_eq!(cell(&out, "S", 1, 1), Data::Float(8.0));
}
