//! Corners of a workbook where an adversarial run (session 9) found personal data left in
//! sanitized output, each in one workbook built here: page headers whose formatting codes split
//! a value (`&"宋体,加粗"吴京`, `138&"Arial"1234&B5678`, an ID split by a colour code), a form
//! whose first row passes for a header row (`姓名 | 贾宝玉 | 性别 | 男`), a shared workbook's
//! user name and the author's folder path, who refreshed a pivot cache and its numeric phone
//! items, an external link's cached sheet with its own header row, a revision log's user list,
//! a scenario's author, a filter value of the name column, the zip archive comment and a
//! printer settings record holding a name in UTF-16.
//!
//! Every value must be gone (the zip comment included), the texts around them must stay, the
//! codes must stay where they were, a masked pivot number item must become a string item, and
//! the output must pass docsan's own verifier.

use docsan::{Options, Sanitizer, Status};
use docsan_tests::{fake, oracle};
use std::io::{Read, Write};

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RNS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn id18(first17: &str) -> String {
    format!("{first17}{}", fake::id_check(first17))
}

fn inline(r: &str, t: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#)
}

/// The workbook, and the values that must be gone from it.
fn workbook() -> (Vec<u8>, Vec<String>) {
    let form_id = id18("11010119800101011");
    let footer_id = id18("11010119900307123");
    let form_phone = "13811112222";
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{NS}" xmlns:r="{RNS}"><sheetData><row r="1">{}</row><row r="2">{}{}{}{}</row><row r="3">{}{}{}{}</row><row r="4">{}{}{}{}</row></sheetData><scenarios current="0"><scenario name="方案一" count="1" user="黄渤" comment="测算"><inputCells r="D4" val="本科"/></scenario></scenarios><autoFilter ref="A2:D4"><filterColumn colId="0"><filters><filter val="薛宝钗"/><filter val="已核实完毕"/></filters></filterColumn></autoFilter><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><headerFooter><oddHeader>&amp;L制表人：&amp;"宋体,加粗"吴京&amp;C第&amp;P页&amp;R电话 138&amp;"Arial"1234&amp;B5678</oddHeader><oddFooter>&amp;R身份证 {}&amp;K000000{}</oddFooter></headerFooter></worksheet>"#,
        inline("A1", "个人信息登记表"),
        inline("A2", "姓名"),
        inline("B2", "贾宝玉"),
        inline("C2", "性别"),
        inline("D2", "男"),
        inline("A3", "身份证号"),
        inline("B3", &form_id),
        inline("C3", "民族"),
        inline("D3", "汉"),
        inline("A4", "联系电话"),
        inline("B4", form_phone),
        inline("C4", "学历"),
        inline("D4", "本科"),
        &footer_id[..6],
        &footer_id[6..],
    );
    let parts: Vec<(&str, String)> = vec![
        (
            "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.printerSettings"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"/><Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/><Override PartName="/xl/revisions/userNames.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.userNames+xml"/></Types>"#
                .to_string(),
        ),
        (
            "_rels/.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RNS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{NS}" xmlns:r="{RNS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" mc:Ignorable="x15ac"><fileSharing userName="段智兴"/><mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\Users\duanzx\Desktop\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><sheets><sheet name="登记表" sheetId="1" r:id="rId1"/></sheets><pivotCaches><pivotCache cacheId="1" r:id="rId2"/></pivotCaches><externalReferences><externalReference r:id="rId3"/></externalReferences></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RNS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{RNS}/pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/><Relationship Id="rId3" Type="{RNS}/externalLink" Target="externalLinks/externalLink1.xml"/><Relationship Id="rId4" Type="{RNS}/usernames" Target="revisions/userNames.xml"/></Relationships>"#
            ),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        (
            "xl/pivotCache/pivotCacheDefinition1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheDefinition xmlns="{NS}" xmlns:r="{RNS}" refreshedBy="周芷若" refreshedDate="45000" recordCount="2"><cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="登记表"/></cacheSource><cacheFields count="2"><cacheField name="联系电话" numFmtId="0"><sharedItems containsNumber="1" containsInteger="1" count="2"><n v="13987654321"/><n v="42"/></sharedItems></cacheField><cacheField name="备注" numFmtId="0"><sharedItems count="1"><s v="无"/></sharedItems></cacheField></cacheFields></pivotCacheDefinition>"#
            ),
        ),
        (
            "xl/externalLinks/externalLink1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<externalLink xmlns="{NS}" xmlns:r="{RNS}"><externalBook r:id="rId1"><sheetNames><sheetName val="名单"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1" t="str"><v>姓名</v></cell><cell r="B1" t="str"><v>备注</v></cell></row><row r="2"><cell r="A2" t="str"><v>林志玲</v></cell><cell r="B2" t="str"><v>已核</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>"#
            ),
        ),
        (
            "xl/revisions/userNames.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<users xmlns="{NS}" xmlns:r="{RNS}" count="1"><userInfo guid="{{6F9619FF-8B86-D011-B42D-00C04FC964FF}}" name="吴亦凡" id="1234" dateTime="2024-01-01T00:00:00"/></users>"#
            ),
        ),
    ];
    // A printer settings record with the form's name as the user name (UTF-16).
    let mut devmode = Vec::new();
    for u in "贾宝玉".encode_utf16() {
        devmode.extend_from_slice(&u.to_le_bytes());
    }
    devmode.resize(128, 0);

    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .last_modified_time(zip::DateTime::from_date_and_time(2024, 1, 2, 3, 4, 6).unwrap());
    for (name, data) in &parts {
        w.start_file(*name, opts).unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    w.start_file("xl/printerSettings/printerSettings1.bin", opts)
        .unwrap();
    w.write_all(&devmode).unwrap();
    w.set_comment("联系人 韩梅梅 13987654321").unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let values = [
        "贾宝玉",
        &form_id,
        form_phone,
        "吴京",
        &footer_id[6..],
        "段智兴",
        "duanzx",
        "周芷若",
        "13987654321",
        "林志玲",
        "吴亦凡",
        "黄渤",
        "韩梅梅",
        "薛宝钗",
    ]
    .map(String::from)
    .to_vec();
    (bytes, values)
}

fn member(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn corners_found_by_the_adversarial_run_are_sanitized() {
    let (input, values) = workbook();
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&input, Some("corners.xlsx"));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);

    let before = oracle::ooxml_haystack(&input);
    let after = oracle::ooxml_haystack(&out);
    let comment_in = zip::ZipArchive::new(std::io::Cursor::new(&input))
        .unwrap()
        .comment()
        .to_vec();
    let comment_out = zip::ZipArchive::new(std::io::Cursor::new(&out))
        .unwrap()
        .comment()
        .to_vec();
    let comment_in = String::from_utf8(comment_in).unwrap();
    assert!(comment_out.is_empty(), "the archive comment is left out");
    let printer = member(&out, "xl/printerSettings/printerSettings1.bin");
    let printer: String =
        char::decode_utf16(printer.chunks(2).map(|c| u16::from_le_bytes([c[0], c[1]])))
            .map(|c| c.unwrap_or('?'))
            .collect();
    for v in &values {
        assert!(
            before.contains(v.as_str()) || comment_in.contains(v.as_str()),
            "premise: a value is in the input ({})",
            docsan::core::mask_every_char(v, '*', '＊')
        );
        assert!(
            !after.contains(v.as_str()) && !printer.contains(v.as_str()),
            "a value is left in the output (masked: {})",
            docsan::core::mask_every_char(v, '*', '＊')
        );
    }
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == "zip-comment-removed")
    );

    // What is not personal stays, the header codes where they were.
    let sheet = String::from_utf8(member(&out, "xl/worksheets/sheet1.xml")).unwrap();
    for keep in [
        "<t>姓名</t>",
        "<t>性别</t>",
        "<t>男</t>",
        "<t>民族</t>",
        "<t>本科</t>",
        "个人信息登记表",
        "&amp;L制表人：&amp;\"宋体,加粗\"吴",
        "&amp;C第&amp;P页&amp;R电话 138&amp;\"Arial\"****&amp;B5678",
        "&amp;R身份证 110101&amp;K000000",
        "方案一",
        "<filter val=\"已核实完毕\"/>",
    ] {
        assert!(sheet.contains(keep), "lost: {keep}");
    }
    // A masked number item of a pivot cache becomes a string item; the other stays a number.
    let pivot = String::from_utf8(member(&out, "xl/pivotCache/pivotCacheDefinition1.xml")).unwrap();
    assert!(
        pivot.contains(r#"<s v="139****4321"/><n v="42"/>"#),
        "{pivot}"
    );
    let ext = String::from_utf8(member(&out, "xl/externalLinks/externalLink1.xml")).unwrap();
    assert!(ext.contains("<v>姓名</v>") && ext.contains("<v>已核</v>"));

    let checked = s.verify(&out, Some("out.xlsx"));
    assert_eq!(checked.status, Status::Clean, "{:?}", checked.residues);
    // And the verifier finds what was there before.
    let checked = s.verify(&input, Some("in.xlsx"));
    assert_eq!(checked.status, Status::Found);
}

/// The verifier alone (no sanitizer before it) reads a header's printed text, a form row, a
/// zip comment and an entry's name: each of these holding a value makes a file fail.
#[test]
fn the_verifier_reads_the_same_corners() {
    let s = Sanitizer::new(Options::default()).unwrap();
    let build = |sheet_extra: &str, comment: &str, media: Option<&str>| {
        let data = format!(
            r#"<row r="1">{}{}</row>"#,
            inline("A1", "备注"),
            inline("B1", "无")
        );
        package(&data, sheet_extra, comment, media)
    };
    let clean = build("", "", None);
    assert_eq!(s.verify(&clean, Some("c.xlsx")).status, Status::Clean);
    for (what, bytes, want) in [
        (
            "header",
            build(
                r#"<headerFooter><oddHeader>&amp;L电话 138&amp;"Arial"1234&amp;B5678</oddHeader></headerFooter>"#,
                "",
                None,
            ),
            Status::Found,
        ),
        (
            "comment",
            build("", "联系电话 13987654321", None),
            Status::Found,
        ),
        // A comment that ends in a record of its own with no entries, which a zip reader
        // takes for the real one: the package is refused rather than read as empty.
        (
            "comment with a record inside",
            build(
                "",
                &format!("联系电话 13987654321 PK\u{5}\u{6}{}", "\0".repeat(18)),
                None,
            ),
            Status::Failed,
        ),
        (
            "entry name",
            build("", "", Some("xl/media/13987654321.png")),
            Status::Found,
        ),
    ] {
        let r = s.verify(&bytes, Some("x.xlsx"));
        assert_eq!(r.status, want, "{what}");
    }
    // A plain zip archive's comment is read too (its members are clean).
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("a.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all("公示无误".as_bytes()).unwrap();
    let plain = w.finish().unwrap().into_inner();
    assert_eq!(s.verify(&plain, Some("a.zip")).status, Status::Clean);
    let mut w = zip::ZipWriter::new_append(std::io::Cursor::new(plain)).unwrap();
    w.set_comment("联系电话 13987654321").unwrap();
    let commented = w.finish().unwrap().into_inner();
    assert_eq!(s.verify(&commented, Some("a.zip")).status, Status::Found);
}

/// A workbook of one sheet, its rows given as inline-string cells (column A, B, …).
fn one_sheet(rows: &[Vec<&str>]) -> Vec<u8> {
    let mut data = String::new();
    for (i, cells) in rows.iter().enumerate() {
        let r = i + 1;
        data.push_str(&format!(r#"<row r="{r}">"#));
        for (c, t) in cells.iter().enumerate() {
            let col = char::from(b'A' + c as u8);
            data.push_str(&inline(&format!("{col}{r}"), t));
        }
        data.push_str("</row>");
    }
    package(&data, "", "", None)
}

/// A workbook of one sheet with these rows (`sheetData`'s content) and what follows its data,
/// an archive comment and a picture of this name when asked.
fn package(data: &str, sheet_extra: &str, comment: &str, media: Option<&str>) -> Vec<u8> {
    let files = [
        (
            "[Content_Types].xml".to_string(),
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels".to_string(),
            format!(r#"<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RNS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml".to_string(),
            format!(r#"<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            format!(r#"<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RNS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml".to_string(),
            format!(r#"<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{data}</sheetData>{sheet_extra}</worksheet>"#),
        ),
    ];
    let opts = zip::write::SimpleFileOptions::default();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, d) in &files {
        w.start_file(n.as_str(), opts).unwrap();
        w.write_all(d.as_bytes()).unwrap();
    }
    if let Some(m) = media {
        w.start_file(m, opts).unwrap();
        w.write_all(b"\x89PNG").unwrap();
    }
    if !comment.is_empty() {
        w.set_comment(comment).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// Layouts the second adversarial run found unread: a sheet of a single column under `姓名`,
/// and a roster whose header row follows forty rows of notes. Every name goes; the notes and
/// headers stay.
#[test]
fn a_single_name_column_and_a_header_far_down_are_read() {
    let s = Sanitizer::new(Options::default()).unwrap();
    let names = [
        "曾静",
        "曹雪芹",
        "熊猫儿",
        "吕布",
        "邵华",
        "胡适",
        "田丰",
        "毛遂",
    ];
    let mut single: Vec<Vec<&str>> = vec![vec!["姓名"]];
    single.extend(names.iter().map(|n| vec![*n]));
    let notes: Vec<String> = (0..40).map(|i| format!("说明第{i}条")).collect();
    let mut far: Vec<Vec<&str>> = notes.iter().map(|n| vec![n.as_str()]).collect();
    far.push(vec!["序号", "姓名", "年龄"]);
    for (i, n) in names.iter().enumerate() {
        far.push(vec![["1", "2", "3", "4", "5", "6", "7", "8"][i], n, "40"]);
    }
    for (what, rows) in [("single", single), ("far", far)] {
        let input = one_sheet(&rows);
        let (report, out) = s.sanitize(&input, Some("list.xlsx"));
        let out = out.unwrap_or_else(|| panic!("{what}: not sanitized: {:?}", report.error));
        let sheet = String::from_utf8(member(&out, "xl/worksheets/sheet1.xml")).unwrap();
        for n in names {
            assert!(!sheet.contains(n), "{what}: a name is left");
        }
        assert!(sheet.contains("<t>姓名</t>"), "{what}");
        if what == "far" {
            assert!(sheet.contains("<t>说明第39条</t>") && sheet.contains("<t>年龄</t>"));
        }
    }
}
