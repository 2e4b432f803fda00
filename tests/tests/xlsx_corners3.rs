//! Workbooks of the third adversarial run (session 10) that were refused although they could be
//! sanitized, or kept a value: the most common roster layout (`家庭住址 | 身份证号码`, whose
//! header strings stand next to each other in the shared strings), phone numbers stored as
//! numbers in Java's exponent form (`1.3812345678E10`, cells and a pivot cache), a filter's
//! value, a smart tag's property, a defined name's comment and a SharePoint user's display name.
//!
//! Every value must be gone, the text around it must stay, and the output must pass docsan's
//! own verifier.

use docsan::{Options, Sanitizer, Status};
use docsan_tests::{fake, oracle};
use std::io::{Read, Write};

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RNS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG: &str = "http://schemas.openxmlformats.org/package/2006/relationships";

fn id18(first17: &str) -> String {
    format!("{first17}{}", fake::id_check(first17))
}

/// A workbook: the sheet's `sheetData` content and what follows it, the shared strings (none
/// when empty), what goes into the workbook after its sheets, and more parts (with their
/// workbook relationships when they are given a type).
fn workbook(
    data: &str,
    sheet_extra: &str,
    shared: &[&str],
    book_extra: &str,
    parts: &[(&str, Option<&str>, String)],
) -> Vec<u8> {
    let mut rels = format!(
        r#"<Relationship Id="rId1" Type="{RNS}/worksheet" Target="worksheets/sheet1.xml"/>"#
    );
    if !shared.is_empty() {
        rels.push_str(&format!(
            r#"<Relationship Id="rId2" Type="{RNS}/sharedStrings" Target="sharedStrings.xml"/>"#
        ));
    }
    for (i, (name, ty, _)) in parts.iter().enumerate() {
        if let Some(ty) = ty {
            let target = name.strip_prefix("xl/").unwrap_or(name);
            rels.push_str(&format!(
                r#"<Relationship Id="rId{}" Type="{RNS}/{ty}" Target="{target}"/>"#,
                i + 10
            ));
        }
    }
    let mut files = vec![
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
            format!(r#"<?xml version="1.0"?><workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets>{book_extra}</workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels".to_string(),
            format!(r#"<?xml version="1.0"?><Relationships xmlns="{PKG}">{rels}</Relationships>"#),
        ),
        (
            "xl/worksheets/sheet1.xml".to_string(),
            format!(r#"<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>{data}</sheetData>{sheet_extra}</worksheet>"#),
        ),
    ];
    if !shared.is_empty() {
        let items: String = shared
            .iter()
            .map(|s| format!("<si><t>{s}</t></si>"))
            .collect();
        files.push((
            "xl/sharedStrings.xml".to_string(),
            format!(
                r#"<?xml version="1.0"?><sst xmlns="{NS}" count="{n}" uniqueCount="{n}">{items}</sst>"#,
                n = shared.len()
            ),
        ));
    }
    for (name, _, body) in parts {
        files.push((name.to_string(), body.clone()));
    }
    let opts = zip::write::SimpleFileOptions::default();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (n, d) in &files {
        w.start_file(n.as_str(), opts).unwrap();
        w.write_all(d.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A row of shared-string cells (`t="s"`, indexes into the table) and number cells.
fn row(r: u32, cells: &[(&str, &str)]) -> String {
    let mut out = format!(r#"<row r="{r}">"#);
    for (i, (t, v)) in cells.iter().enumerate() {
        let col = char::from(b'A' + i as u8);
        match *t {
            "s" => out.push_str(&format!(r#"<c r="{col}{r}" t="s"><v>{v}</v></c>"#)),
            _ => out.push_str(&format!(r#"<c r="{col}{r}"><v>{v}</v></c>"#)),
        }
    }
    out.push_str("</row>");
    out
}

fn member(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Sanitizes, checks that every value was in the input and is gone from every part of the
/// output, and that the output passes the verifier. Returns the output.
fn sanitized(what: &str, input: &[u8], values: &[&str]) -> Vec<u8> {
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(input, Some("case.xlsx"));
    let out = out.unwrap_or_else(|| {
        panic!(
            "{what}: not sanitized: {:?} {:?}",
            report.error, report.residues
        )
    });
    assert_eq!(report.status, Status::Sanitized, "{what}");
    let before = oracle::ooxml_haystack(input);
    let after = oracle::ooxml_haystack(&out);
    for v in values {
        let masked = docsan::core::mask_every_char(v, '*', '＊');
        assert!(before.contains(v), "{what}: premise: {masked} in the input");
        assert!(!after.contains(v), "{what}: {masked} left in the output");
    }
    let checked = s.verify(&out, Some("out.xlsx"));
    assert_eq!(
        checked.status,
        Status::Clean,
        "{what}: {:?}",
        checked.residues
    );
    out
}

/// `序号 | 姓名 | 家庭住址 | 身份证号码 | 联系电话`: the shared strings hold `家庭住址` right
/// before `身份证号码`, which the verifier read as the address the label was followed by, and
/// failed every such file (and `verify` failed its masked output).
#[test]
fn an_address_header_before_an_id_header_is_not_an_address() {
    let id = id18("11010119900307123");
    let shared = [
        "序号",
        "姓名",
        "家庭住址",
        "身份证号码",
        "联系电话",
        "王建国",
        "北京市朝阳区建国路88号院3号楼2单元501室",
        &id,
    ];
    let data = [
        row(
            1,
            &[("s", "0"), ("s", "1"), ("s", "2"), ("s", "3"), ("s", "4")],
        ),
        row(
            2,
            &[
                ("n", "1"),
                ("s", "5"),
                ("s", "6"),
                ("s", "7"),
                ("n", "13812345678"),
            ],
        ),
    ]
    .concat();
    let input = workbook(&data, "", &shared, "", &[]);
    let out = sanitized(
        "roster",
        &input,
        &["王建国", &id, "13812345678", "建国路88号院3号楼2单元501室"],
    );
    let sst = member(&out, "xl/sharedStrings.xml");
    for keep in ["<t>家庭住址</t>", "<t>身份证号码</t>", "<t>联系电话</t>"] {
        assert!(sst.contains(keep), "lost {keep}");
    }
}

/// Phone numbers stored as numbers the way Java (Apache POI) writes them, in exponent form:
/// in cells and as a pivot cache's number items. They become masked text; other numbers stay.
#[test]
fn phone_numbers_in_exponent_form_are_masked() {
    let shared = ["姓名", "联系电话", "人数", "王建国", "李秀英", "张志强"];
    let data = [
        row(1, &[("s", "0"), ("s", "1"), ("s", "2")]),
        row(2, &[("s", "3"), ("n", "1.3812345678E10"), ("n", "3")]),
        row(3, &[("s", "4"), ("n", "1.5011112222E+10"), ("n", "2.5E1")]),
        row(4, &[("s", "5"), ("n", "0.19988887777E11"), ("n", "4")]),
    ]
    .concat();
    let pivot = format!(
        r#"<?xml version="1.0"?><pivotCacheDefinition xmlns="{NS}" recordCount="3"><cacheSource type="worksheet"><worksheetSource ref="A1:C4" sheet="名单"/></cacheSource><cacheFields count="2"><cacheField name="联系电话" numFmtId="0"><sharedItems containsNumber="1"><n v="1.7712340987E10"/><n v="42"/></sharedItems></cacheField></cacheFields></pivotCacheDefinition>"#
    );
    let input = workbook(
        &data,
        "",
        &shared,
        r#"<pivotCaches><pivotCache cacheId="1" r:id="rId10"/></pivotCaches>"#,
        &[(
            "xl/pivotCache/pivotCacheDefinition1.xml",
            Some("pivotCacheDefinition"),
            pivot,
        )],
    );
    let out = sanitized(
        "exponent",
        &input,
        &[
            "1.3812345678E10",
            "1.5011112222E+10",
            "0.19988887777E11",
            "1.7712340987E10",
        ],
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("138****5678"), "{sheet}");
    assert!(sheet.contains("<v>2.5E1</v>") && sheet.contains("<v>3</v>"));
    let pivot = member(&out, "xl/pivotCache/pivotCacheDefinition1.xml");
    assert!(
        pivot.contains(r#"<s v="177****0987"/><n v="42"/>"#),
        "{pivot}"
    );
}

/// Values outside the cells that the verifier reads and the backend did not: a custom
/// filter's value, a smart tag's property, a defined name's comment (labelled by the name), a
/// SharePoint user's display name in a custom XML item.
#[test]
fn filters_smart_tags_name_comments_and_sharepoint_users_are_masked() {
    let shared = ["姓名", "联系电话", "王建国"];
    let data = row(1, &[("s", "0"), ("s", "1")]) + &row(2, &[("s", "2"), ("n", "13812345678")]);
    let sheet_extra = r#"<autoFilter ref="A1:B2"><filterColumn colId="1"><customFilters><customFilter operator="equal" val="18655556666"/></customFilters></filterColumn></autoFilter><smartTags><cellSmartTags r="B2"><cellSmartTag type="0"><cellSmartTagPr key="FullName" val="张志强"/><cellSmartTagPr key="Phone" val="15011112222"/></cellSmartTag></cellSmartTags></smartTags>"#;
    let book_extra = r#"<definedNames><definedName name="联系人" comment="杨晓东 19988887777">名单!$A$2</definedName></definedNames>"#;
    let custom = r#"<?xml version="1.0"?><p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties"><documentManagement><Owner xmlns="abc"><UserInfo><DisplayName>刘海燕</DisplayName><AccountId>12</AccountId></UserInfo></Owner><Status xmlns="abc">已审核</Status></documentManagement></p:properties>"#;
    let input = workbook(
        &data,
        sheet_extra,
        &shared,
        book_extra,
        &[("customXml/item1.xml", None, custom.to_string())],
    );
    let out = sanitized(
        "attributes",
        &input,
        &[
            "18655556666",
            "15011112222",
            "张志强",
            "杨晓东",
            "19988887777",
            "刘海燕",
            "13812345678",
            "王建国",
        ],
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"key="Phone""#) && sheet.contains(r#"operator="equal""#));
    let book = member(&out, "xl/workbook.xml");
    assert!(
        book.contains(r#"name="联系人""#) && book.contains("名单!$A$2"),
        "{book}"
    );
    let custom = member(&out, "customXml/item1.xml");
    assert!(
        custom.contains("<Status xmlns=\"abc\">已审核</Status>"),
        "{custom}"
    );
    assert!(custom.contains("<AccountId>12</AccountId>"), "{custom}");
}

/// The base64 text of a Power Query blob (a small header and a zip of the queries) with
/// `query` as its `Formulas/Section1.m`.
fn mashup_b64(query: &str) -> String {
    let opts = zip::write::SimpleFileOptions::default();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    w.start_file("[Content_Types].xml", opts).unwrap();
    w.write_all(br#"<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="m" ContentType="application/x-ms-m"/></Types>"#).unwrap();
    w.start_file("Formulas/Section1.m", opts).unwrap();
    w.write_all(query.as_bytes()).unwrap();
    let package = w.finish().unwrap().into_inner();
    let mut blob = 0u32.to_le_bytes().to_vec();
    blob.extend((package.len() as u32).to_le_bytes());
    blob.extend(&package);
    blob.extend(0u32.to_le_bytes());
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b64 = String::new();
    for c in blob.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= c.len() {
                b64.push(char::from(B64[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                b64.push('=');
            }
        }
    }
    b64
}

/// A custom XML item holding a Power Query package (`DataMashup`, UTF-16, base64 of a small
/// header and a zip of the queries), with `query` as its `Formulas/Section1.m`.
fn data_mashup_item(query: &str) -> Vec<u8> {
    let b64 = mashup_b64(query);
    let text = format!(
        r#"<?xml version="1.0" encoding="utf-16"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">{b64}</DataMashup>"#
    );
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend(u.to_le_bytes());
    }
    out
}

/// The package made again with member `name` holding `bytes` (in place of one of that name,
/// or added at the end): for members that are not UTF-8 text.
fn with_member_bytes(input: Vec<u8>, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(input)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        if z.by_index_raw(i).unwrap().name().unwrap() != name {
            w.raw_copy_file(z.by_index_raw(i).unwrap()).unwrap();
        }
    }
    w.start_file(name, zip::write::SimpleFileOptions::default())
        .unwrap();
    w.write_all(bytes).unwrap();
    w.finish().unwrap().into_inner()
}

/// A one-name roster (`姓名`, `王建国`) with this custom XML item.
fn with_item(item: &str) -> Vec<u8> {
    let shared = ["姓名", "王建国"];
    let data = row(1, &[("s", "0")]) + &row(2, &[("s", "1")]);
    workbook(
        &data,
        "",
        &shared,
        "",
        &[("customXml/item1.xml", None, item.to_string())],
    )
}

/// Two packages in one item, one of them with a prefix: both are found and masked.
#[test]
fn prefixed_and_repeated_power_query_elements_are_read() {
    let item = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><root><!-- <DataMashup>old</DataMashup> --><dm:DataMashup xmlns:dm="http://schemas.microsoft.com/DataMashup">{}</dm:DataMashup><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">{}</DataMashup></root>"#,
        mashup_b64("section Section1;\nshared a = \"手机18655556666\";"),
        mashup_b64("section Section1;\nshared b = \"手机13987654321\";"),
    );
    let input = with_item(&item);
    let out = sanitized("two packages", &input, &["王建国"]);
    let after = member(&out, "customXml/item1.xml");
    assert!(after.contains("<!-- <DataMashup>old</DataMashup> -->"));
    let mut queries = Vec::new();
    for open in [
        "<dm:DataMashup xmlns:dm=\"http://schemas.microsoft.com/DataMashup\">",
        "<DataMashup xmlns=\"http://schemas.microsoft.com/DataMashup\">",
    ] {
        let at = after.find(open).unwrap() + open.len();
        let end = at + after[at..].find("</").unwrap();
        queries.push(section1(&after[at..end]));
    }
    assert!(queries[0].contains("手机186****6666"), "{queries:?}");
    assert!(queries[1].contains("手机139****4321"), "{queries:?}");
}

/// A Power Query package was neither read nor noted: values typed into a query
/// (`#table(…, {{"刘海燕", "186…"}})`) and a login in a file path passed as clean. Its queries
/// are now units, masked inside the package (the rest of the package and the blob kept), and
/// the verifier reads them on its own.
#[test]
fn power_query_packages_are_read_and_masked() {
    let shared = ["姓名", "王建国"];
    let data = row(1, &[("s", "0")]) + &row(2, &[("s", "1")]);
    let id = id18("51010420010630778");
    let s = Sanitizer::new(Options::default()).unwrap();
    let personal = format!(
        "section Section1;\r\nshared 名单 = let 源 = #table({{\"姓名\",\"手机\",\"身份证号\"}},{{{{\"刘海燕\",\"18655556666\",\"{id}\"}}}}) in 源;\r\nshared 表2 = let 源 = Excel.Workbook(File.Contents(\"C:\\Users\\zhangsan\\Desktop\\名单.xlsx\")) in 源;"
    );
    let plain = "section Section1;\r\nshared 名单 = let 源 = Excel.CurrentWorkbook(){[Name=\"表1\"]}[Content] in 源;";
    for (query, values) in [
        (
            personal.as_str(),
            vec!["18655556666", id.as_str(), "zhangsan"],
        ),
        (plain, vec![]),
    ] {
        let item = data_mashup_item(query);
        // The item goes in as bytes (UTF-16).
        let input = with_member_bytes(
            workbook(&data, "", &shared, "", &[]),
            "customXml/item1.xml",
            &item,
        );

        let verified = s.verify(&input, Some("pq.xlsx"));
        // Found by the backend (`Power Query Formulas/Section1.m`) and the verifier
        // (`…!DataMashup!Formulas/Section1.m`).
        let in_query = verified
            .findings
            .iter()
            .chain(&verified.residues)
            .filter(|r| r.location.to_string().contains("Formulas/Section1.m"))
            .count();
        assert_eq!(in_query > 0, !values.is_empty(), "{:?}", verified.findings);

        let (report, out) = s.sanitize(&input, Some("pq.xlsx"));
        let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
        assert!(report.diagnostics.iter().any(|d| d.code == "power-query"));
        assert!(!oracle::ooxml_haystack(&out).contains("王建国"));
        let after = member_bytes(&out, "customXml/item1.xml");
        if values.is_empty() {
            assert_eq!(after, item, "an untouched package stays byte for byte");
            continue;
        }
        let checked = s.verify(&out, Some("out.xlsx"));
        assert_eq!(checked.status, Status::Clean, "{:?}", checked.residues);
        // The masked query, read back out of the package.
        let text: String = char::decode_utf16(
            after[2..]
                .chunks(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]])),
        )
        .map(|c| c.unwrap())
        .collect();
        let b64 = &text[text.find("\">").unwrap() + 2..text.find("</DataMashup").unwrap()];
        let query = section1(b64);
        for v in &values {
            assert!(!query.contains(v), "{query}");
        }
        assert!(query.contains("186****6666"), "{query}");
        assert!(
            query.contains("Excel.Workbook(File.Contents(\"C:\\Users\\"),
            "{query}"
        );
    }
}

/// A package that does not decode, or text that is not plain base64, is not read, and says
/// so: a warning (which `--strict` makes a failure), the rest of the workbook sanitized.
#[test]
fn an_unreadable_power_query_package_is_a_warning() {
    let s = Sanitizer::new(Options::default()).unwrap();
    for (body, says) in [
        ("QUJD", "could not be read"),
        ("AAAA!!not base64", "does not read"),
        ("<![CDATA[QUJD]]>", "does not read"),
    ] {
        let item = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">{body}</DataMashup>"#
        );
        let input = with_item(&item);
        let out = sanitized("unreadable package", &input, &["王建国"]);
        assert_eq!(member_bytes(&out, "customXml/item1.xml"), item.as_bytes());
        let (report, _) = s.sanitize(&input, Some("pq.xlsx"));
        assert!(
            report.diagnostics.iter().any(|d| d.code == "power-query"
                && d.severity == docsan::core::Severity::Warning
                && d.message.contains(says)),
            "{body}: {:?}",
            report.diagnostics
        );
    }
}

/// `Formulas/Section1.m` of a DataMashup blob given in base64.
fn section1(b64: &str) -> String {
    let mut bytes = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in b64.bytes().take_while(|&c| c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            _ => 63,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    let len = u32::from_le_bytes(bytes[4..8].try_into().unwrap()) as usize;
    let package = bytes[8..8 + len].to_vec();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    let mut out = String::new();
    z.by_name("Formulas/Section1.m")
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    out
}

fn member_bytes(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

/// A value spelt by a formula in pieces (`CONCATENATE("320106","19840704","561X")`,
/// `"139"&"55556789"`): the cached value was masked, the formula kept the pieces, and a
/// recalculation showed the value again. The literals joined are now read; the masked pieces
/// go back into the literals, the formula's syntax untouched.
#[test]
fn values_spelt_by_formula_pieces_are_masked() {
    let id = id18("32010619840704561");
    let (a, b, c) = (&id[..6], &id[6..14], &id[14..]);
    let data = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>身份证号</t></is></c><c r="B1" t="inlineStr"><is><t>电话</t></is></c><c r="C1" t="inlineStr"><is><t>合计</t></is></c></row><row r="2"><c r="A2" t="str"><f>CONCATENATE("{a}","{b}","{c}")</f><v>{a}********{c}</v></c><c r="B2" t="str"><f>"139"&amp;"55556789"</f><v>139****6789</v></c><c r="C2" t="str"><f>"共"&amp;SUM(D2:D9)&amp;"元"</f><v>共0元</v></c><c r="D2" t="str"><f>"备注""甲""："&amp;"138"&amp;"12345678"</f><v>x</v></c></row><row r="3"><c r="A3" t="str"><f>"{a}"&amp;{b}&amp;"{c}"</f><v>{a}********{c}</v></c></row>"#
    );
    let input = workbook(&data, "", &[], "", &[]);
    let s = Sanitizer::new(Options::default()).unwrap();
    assert_eq!(s.verify(&input, Some("in.xlsx")).status, Status::Found);
    let out = sanitized(
        "pieces",
        &input,
        &[
            &format!("\"{b}\""),
            &format!("&amp;{b}&amp;"),
            "\"55556789\"",
            "\"12345678\"",
        ],
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(&format!(r#"<f>CONCATENATE("{a}","********","{c}")</f>"#)),
        "{sheet}"
    );
    assert!(sheet.contains(r#"<f>"139"&amp;"****6789"</f>"#), "{sheet}");
    assert!(
        sheet.contains(r#"<f>"共"&amp;SUM(D2:D9)&amp;"元"</f>"#),
        "{sheet}"
    );
    // A number literal among the pieces becomes a masked string literal.
    assert!(
        sheet.contains(&format!(r#"<f>"{a}"&amp;"********"&amp;"{c}"</f>"#)),
        "{sheet}"
    );
    // The same in a defined name and a validation formula.
    let book = r#"<definedNames><definedName name="备用">"139"&amp;"87654321"</definedName></definedNames>"#;
    let dv = r#"<dataValidations count="1"><dataValidation type="list" sqref="B2"><formula1>CONCATENATE("320106","19840704","561X")</formula1></dataValidation></dataValidations>"#;
    let input = workbook(&data, dv, &[], book, &[]);
    let out = sanitized(
        "pieces elsewhere",
        &input,
        &["\"87654321\"", &format!("\"{b}\"")],
    );
    assert!(member(&out, "xl/workbook.xml").contains(r#""139"&amp;"****4321""#));
    // A doubled quote inside a literal stays as it was.
    assert!(
        sheet.contains(r#"<f>"备注""甲""："&amp;"138"&amp;"****5678"</f>"#),
        "{sheet}"
    );
}

/// Numbers that pass for bank cards (Luhn-valid, card-like prefixes) under headers that say
/// what they are (`物流单号`, `订单编号`) are kept, and the verifier, which read the shared
/// strings in the table's order without their column, no longer fails the file for them: a
/// shared string a cell uses is read as that cell.
#[test]
fn card_like_numbers_under_order_headers_are_kept_and_pass() {
    let waybill = format!("400000584830401{}", fake::luhn_digit("400000584830401"));
    let order = format!(
        "600000198036494205{}",
        fake::luhn_digit("600000198036494205")
    );
    let shared = ["姓名", "物流单号", "订单编号", "王建国", &waybill, &order];
    let data = row(1, &[("s", "0"), ("s", "1"), ("s", "2")])
        + &row(2, &[("s", "3"), ("s", "4"), ("s", "5")]);
    let input = workbook(&data, "", &shared, "", &[]);
    let out = sanitized("order numbers", &input, &["王建国"]);
    let sst = member(&out, "xl/sharedStrings.xml");
    assert!(sst.contains(&format!("<t>{waybill}</t>")), "{sst}");
    assert!(sst.contains(&format!("<t>{order}</t>")), "{sst}");
}

/// Phone numbers written as text in exponent form (a CSV export read back into Excel): shared
/// strings and a formula's string result under phone headers, and a chart's number cache.
/// They become the masked number (in the chart's number cache, which holds only numbers, the
/// point is left out); an amount in the same notation stays.
#[test]
fn phone_numbers_written_as_exponent_text_are_masked() {
    let shared = [
        "姓名",
        "联系电话",
        "手机号",
        "王建国",
        "1.3812345678E10",
        "1.3987654321E+10",
    ];
    let data = [
        row(1, &[("s", "0"), ("s", "1"), ("s", "2")]),
        row(2, &[("s", "3"), ("s", "4"), ("s", "5")]),
        r#"<row r="3"><c r="A3"><v>7</v></c><c r="B3" t="str"><f>TEXT(A3,"0")</f><v>1.8655556666E10</v></c><c r="C3" t="str"><v>1.5E3</v></c></row>"#.to_string(),
    ]
    .concat();
    let chart = r#"<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart><c:plotArea><c:barChart><c:ser><c:val><c:numRef><c:f>名单!$B$2:$B$3</c:f><c:numCache><c:ptCount val="2"/><c:pt idx="0"><c:v>1.5011112222E10</c:v></c:pt><c:pt idx="1"><c:v>1.5E3</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>"#;
    let input = workbook(
        &data,
        "",
        &shared,
        "",
        &[("xl/charts/chart1.xml", None, chart.to_string())],
    );
    let out = sanitized(
        "exponent text",
        &input,
        &[
            "1.3812345678E10",
            "1.3987654321E+10",
            "1.8655556666E10",
            "1.5011112222E10",
        ],
    );
    let sst = member(&out, "xl/sharedStrings.xml");
    assert!(
        sst.contains("<t>138****5678</t>") && sst.contains("<t>139****4321</t>"),
        "{sst}"
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>186****6666</v>"), "{sheet}");
    assert!(sheet.contains("<v>1.5E3</v>"), "{sheet}");
    // The chart's number cache keeps only numbers: the masked point goes, the other stays.
    let chart = member(&out, "xl/charts/chart1.xml");
    assert!(
        chart.contains(r#"<c:ptCount val="2"/><c:pt idx="1"><c:v>1.5E3</c:v></c:pt></c:numCache>"#),
        "{chart}"
    );
}

/// Number literals given as arguments to a function that joins text are pieces of the value
/// it makes (`CONCATENATE(139,"55556789")`): masked there too, as string literals, and the
/// verifier reads them joined; numbers of other functions stay.
#[test]
fn number_arguments_of_joining_functions_are_pieces() {
    let data = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>说明</t></is></c></row><row r="2"><c r="A2" t="str"><f>CONCATENATE(139,"55556789")</f><v>x</v></c><c r="B2" t="str"><f>_xlfn.CONCAT("150",1111,"2222")</f><v>x</v></c><c r="C2" t="str"><f>"第"&amp;ROUND(D2,2)&amp;"名"</f><v>x</v></c><c r="D2"><f>SUM(13912345678,1)</f><v>13912345679</v></c></row>"#;
    let input = workbook(data, "", &[], "", &[]);
    let s = Sanitizer::new(Options::default()).unwrap();
    assert_eq!(s.verify(&input, Some("in.xlsx")).status, Status::Found);
    let out = sanitized(
        "number arguments",
        &input,
        &["(139,\"55556789\")", "1111,\"2222\""],
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"<f>CONCATENATE(139,"****6789")</f>"#),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"<f>_xlfn.CONCAT("150","****","2222")</f>"#),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"<f>"第"&amp;ROUND(D2,2)&amp;"名"</f>"#),
        "{sheet}"
    );
}

/// A pivot cache over a column of phone numbers stored as numbers, as Excel writes it: the
/// field's `sharedItems` says it holds numbers only and gives their bounds (`minValue`,
/// `maxValue`: two of the numbers themselves), with the numbers as shared items or, for a
/// numeric field, only in the records. The file was refused (the bounds were left); now the
/// items become masked text, and the field says so and loses its bounds.
#[test]
fn pivot_fields_of_masked_numbers_say_they_hold_text() {
    let shared = ["联系电话", "人数"];
    let data = [
        row(1, &[("s", "0"), ("s", "1")]),
        row(2, &[("n", "13812345678"), ("n", "3")]),
        row(3, &[("n", "19988887777"), ("n", "5")]),
    ]
    .concat();
    let field = |items: &str| {
        let close = if items.is_empty() {
            "/>".to_string()
        } else {
            format!(">{items}</sharedItems>")
        };
        format!(
            r#"<sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1" containsInteger="1" minValue="13812345678" maxValue="19988887777"{close}"#
        )
    };
    let definition = |items: &str| {
        format!(
            r#"<?xml version="1.0"?><pivotCacheDefinition xmlns="{NS}" xmlns:r="{RNS}" r:id="rId1" recordCount="2"><cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="名单"/></cacheSource><cacheFields count="2"><cacheField name="联系电话" numFmtId="0">{}</cacheField><cacheField name="人数" numFmtId="0"><sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1" containsInteger="1" minValue="3" maxValue="5"/></cacheField></cacheFields></pivotCacheDefinition>"#,
            field(items)
        )
    };
    let records = |first: &str| {
        format!(
            r#"<?xml version="1.0"?><pivotCacheRecords xmlns="{NS}" count="2"><r>{}<n v="3"/></r><r>{}<n v="5"/></r></pivotCacheRecords>"#,
            first.replace("N", "13812345678"),
            first.replace("N", "19988887777")
        )
    };
    let def_rels = format!(
        r#"<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{RNS}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>"#
    );
    for (what, items, first) in [
        // The numbers as the field's shared items, the records pointing at them.
        (
            "shared items",
            r#"<n v="13812345678"/><n v="19988887777"/>"#,
            r#"<x v="0"/>"#,
        ),
        // A numeric field: the numbers only in the records.
        ("records", "", r#"<n v="N"/>"#),
    ] {
        let input = workbook(
            &data,
            "",
            &shared,
            r#"<pivotCaches><pivotCache cacheId="1" r:id="rId10"/></pivotCaches>"#,
            &[
                (
                    "xl/pivotCache/pivotCacheDefinition1.xml",
                    Some("pivotCacheDefinition"),
                    definition(items),
                ),
                (
                    "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels",
                    None,
                    def_rels.clone(),
                ),
                ("xl/pivotCache/pivotCacheRecords1.xml", None, records(first)),
            ],
        );
        let out = sanitized(what, &input, &["13812345678", "19988887777"]);
        let def = member(&out, "xl/pivotCache/pivotCacheDefinition1.xml");
        assert!(
            def.contains(
                r#"<sharedItems containsNumber="1" containsInteger="1" containsMixedTypes="1""#
            ),
            "{what}: {def}"
        );
        // The other field is as it was.
        assert!(
            def.contains(r#"<sharedItems containsSemiMixedTypes="0" containsString="0" containsNumber="1" containsInteger="1" minValue="3" maxValue="5"/>"#),
            "{what}: {def}"
        );
        let rec = member(&out, "xl/pivotCache/pivotCacheRecords1.xml");
        if items.is_empty() {
            assert!(
                rec.contains(r#"<s v="138****5678"/><n v="3"/>"#),
                "{what}: {rec}"
            );
        } else {
            assert!(
                def.contains(r#"<s v="138****5678"/><s v="199****7777"/>"#),
                "{what}: {def}"
            );
            assert_eq!(rec, records(first), "{what}: records changed");
        }
    }
}

/// A custom XML item in UTF-16 without a byte order mark, as .NET writes SharePoint's
/// properties: it was refused as malformed. Both byte orders are read, masked and written
/// back as they were stored (no mark added); the verifier reads them too.
#[test]
fn utf16_custom_xml_without_a_byte_order_mark_is_read() {
    let s = Sanitizer::new(Options::default()).unwrap();
    let text = r#"<?xml version="1.0" encoding="utf-16"?><p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties"><documentManagement><Owner xmlns="abc"><UserInfo><DisplayName>刘海燕</DisplayName></UserInfo></Owner><Phone xmlns="abc">联系电话：13812345678</Phone></documentManagement></p:properties>"#;
    for le in [true, false] {
        let item: Vec<u8> = text
            .encode_utf16()
            .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
            .collect();
        let input = with_member_bytes(with_item(""), "customXml/item1.xml", &item);
        assert_eq!(s.verify(&input, Some("in.xlsx")).status, Status::Found);

        let (report, out) = s.sanitize(&input, Some("utf16.xlsx"));
        let out = out.unwrap_or_else(|| panic!("le {le}: not sanitized: {:?}", report.error));
        assert_eq!(report.status, Status::Sanitized);
        let after = member_bytes(&out, "customXml/item1.xml");
        assert_eq!(&after[..2], if le { b"<\0" } else { b"\0<" }, "le {le}");
        let units: Vec<u16> = after
            .chunks_exact(2)
            .map(|c| {
                if le {
                    u16::from_le_bytes([c[0], c[1]])
                } else {
                    u16::from_be_bytes([c[0], c[1]])
                }
            })
            .collect();
        let decoded = String::from_utf16(&units).unwrap();
        for v in ["刘海燕", "13812345678"] {
            assert!(!decoded.contains(v), "le {le}: left in {decoded}");
        }
        assert!(decoded.contains("联系电话：138****5678"), "{decoded}");
        assert_eq!(s.verify(&out, Some("out.xlsx")).status, Status::Clean);
    }
}

/// An external link's cached cells: a phone number stored as a number (no type, or `t="n"`)
/// becomes a text cell (`t="str"`) holding the masked value, not text in a number cell; other
/// numbers and cells stay as they were.
#[test]
fn external_link_number_cells_become_text_when_masked() {
    let link = r#"<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook><sheetNames><sheetName val="名单"/></sheetNames><sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1" t="str"><v>联系电话</v></cell><cell r="B1" t="str"><v>手机</v></cell><cell r="C1" t="str"><v>人数</v></cell></row><row r="2"><cell r="A2"><v>13812345678</v></cell><cell r="B2" t="n"><v>19988887777</v></cell><cell r="C2"><v>42</v></cell></row></sheetData></sheetDataSet></externalBook></externalLink>"#;
    let shared = ["姓名", "王建国"];
    let data = row(1, &[("s", "0")]) + &row(2, &[("s", "1")]);
    let input = workbook(
        &data,
        "",
        &shared,
        "",
        &[(
            "xl/externalLinks/externalLink1.xml",
            Some("externalLink"),
            link.to_string(),
        )],
    );
    let out = sanitized("external link", &input, &["13812345678", "19988887777"]);
    let after = member(&out, "xl/externalLinks/externalLink1.xml");
    for want in [
        r#"<cell r="A2" t="str"><v>138****5678</v></cell>"#,
        r#"<cell r="B2" t="str"><v>199****7777</v></cell>"#,
        r#"<cell r="C2"><v>42</v></cell>"#,
        r#"<cell r="A1" t="str"><v>联系电话</v></cell>"#,
    ] {
        assert!(after.contains(want), "{want} not in {after}");
    }
}

/// SpreadsheetML escapes a character as `_xHHHH_` (`_x000D_` for a carriage return), and Excel
/// shows any such escape as its character: `_x0031_3812345678` is a phone number, `_x738B_建国`
/// a name, `_x59D3_名` the header 姓名. Values spelt so were reported clean and left.
#[test]
fn values_spelt_with_spreadsheet_escapes_are_masked() {
    let id = id18("11010119900307123");
    let escaped_id = format!("{}_x{:04X}_", &id[..17], u32::from(id.as_bytes()[17]));
    let shared = [
        "_x59D3_名",
        "联系电话",
        "身份证号码",
        "_x738B_建国",
        "_x0031_3812345678",
        escaped_id.as_str(),
        "备注",
        "_x005F_x0031_ 是原样",
    ];
    // Row 3: inline strings spelt the same way.
    let data = [
        row(1, &[("s", "0"), ("s", "1"), ("s", "2"), ("s", "6")]),
        row(2, &[("s", "3"), ("s", "4"), ("s", "5"), ("s", "7")]),
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t>_x5F20_志强</t></is></c><c r="B3" t="inlineStr"><is><t>_x0031__x0035_011112222</t></is></c></row>"#.to_string(),
    ]
    .concat();
    let input = workbook(&data, "", &shared, "", &[]);
    let out = sanitized(
        "escaped values",
        &input,
        &["王建国", "13812345678", &id, "张志强", "15011112222"],
    );
    let sst = member(&out, "xl/sharedStrings.xml");
    // The masked text is written plainly; the header and a literal `_x0031_` (itself escaped)
    // stay as they were.
    assert!(
        sst.contains("<t>王＊＊</t>") || sst.contains("<t>王**</t>"),
        "{sst}"
    );
    assert!(sst.contains("<t>_x59D3_名</t>"), "{sst}");
    assert!(sst.contains("<t>_x005F_x0031_ 是原样</t>"), "{sst}");
}

/// A number format's quoted literal is printed in every cell that uses it: a phone number or
/// an ID written there in plain ASCII (`"TEL 13600001111 "@`) was reported clean and left in
/// `styles.xml`; format codes without a literal stay as they were.
#[test]
fn number_format_literals_are_masked() {
    let id = id18("21020219880808342");
    let styles = format!(
        r##"<?xml version="1.0"?><styleSheet xmlns="{NS}"><numFmts count="3"><numFmt numFmtId="164" formatCode="&quot;TEL 13600001111 &quot;@"/><numFmt numFmtId="165" formatCode="&quot;ID {id}&quot;0"/><numFmt numFmtId="166" formatCode="#,##0.000000000"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/></cellXfs></styleSheet>"##
    );
    let data = r#"<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>备注</t></is></c><c r="B1" s="2"><v>1</v></c></row>"#;
    let input = workbook(
        data,
        "",
        &[],
        "",
        &[("xl/styles.xml", Some("styles"), styles)],
    );
    let out = sanitized("number formats", &input, &["13600001111", &id]);
    let styles = member(&out, "xl/styles.xml");
    assert!(
        styles.contains(r###"formatCode="#,##0.000000000""###),
        "{styles}"
    );
    assert!(styles.contains("&quot;TEL 136"), "{styles}");
}

/// A form's name label over two merged cells (`姓名` in A2:B2) or with an empty cell after it
/// (`联系人 | | 刘海燕`) labels the name two columns to its right; the name was left.
#[test]
fn a_name_past_an_empty_or_merged_cell_after_its_label_is_masked() {
    let is = |r: &str, t: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{t}</t></is></c>"#);
    let data = format!(
        r#"<row r="1">{}</row><row r="2">{}{}{}{}</row><row r="3">{}{}</row><row r="4">{}{}</row>"#,
        is("A1", "个人信息登记表"),
        is("A2", "姓名"),
        is("C2", "王建国"),
        is("D2", "性别"),
        is("E2", "男"),
        is("A3", "联系人"),
        is("C3", "刘海燕"),
        is("A4", "备注"),
        is("C4", "周报"),
    );
    let input = workbook(
        &data,
        r#"<mergeCells count="1"><mergeCell ref="A2:B2"/></mergeCells>"#,
        &[],
        "",
        &[],
    );
    let out = sanitized("form gaps", &input, &["王建国", "刘海燕"]);
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    for kept in [
        "个人信息登记表",
        "性别",
        "<t>男</t>",
        "<t>备注</t>",
        "<t>周报</t>",
    ] {
        assert!(sheet.contains(kept), "{kept}: {sheet}");
    }
}

/// A custom document property of a number type holding a phone number (`<vt:r8>`) became
/// `<vt:r8>177****0987</vt:r8>`, which readers refuse (openpyxl would not open the workbook):
/// a masked number property becomes a string property; other number properties stay.
#[test]
fn number_properties_become_strings_when_masked() {
    let vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes";
    let custom = format!(
        r#"<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="{vt}"><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="联系电话"><vt:r8>17712340987</vt:r8></property><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="3" name="手机"><vt:i8>13812345678</vt:i8></property><property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="4" name="Version"><vt:i4>42</vt:i4></property></Properties>"#
    );
    let data = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>备注</t></is></c></row>"#;
    let input = workbook(data, "", &[], "", &[("docProps/custom.xml", None, custom)]);
    let out = sanitized("number properties", &input, &["17712340987", "13812345678"]);
    let props = member(&out, "docProps/custom.xml");
    assert!(
        props.contains("<vt:lpwstr>177****0987</vt:lpwstr>"),
        "{props}"
    );
    assert!(
        props.contains("<vt:lpwstr>138****5678</vt:lpwstr>"),
        "{props}"
    );
    assert!(props.contains("<vt:i4>42</vt:i4>"), "{props}");
    assert!(props.contains(r#"name="Version""#), "{props}");
    assert!(
        !props.contains("vt:r8") && !props.contains("vt:i8"),
        "{props}"
    );
}

/// A data validation's list and a conditional format's text over a name column are values of
/// that column (`<formula1>"陈春梅,杨晓东"</formula1>` over `姓名`): they were left.
#[test]
fn validation_lists_and_format_texts_over_a_name_column_are_masked() {
    let data = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>序号</t></is></c><c r="B1" t="inlineStr"><is><t>姓名</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>王建国</t></is></c></row><row r="3"><c r="A3"><v>2</v></c><c r="B3" t="inlineStr"><is><t>李秀英</t></is></c></row>"#;
    let extra = r#"<conditionalFormatting sqref="B2:B100"><cfRule type="containsText" dxfId="0" priority="1" operator="containsText" text="张志强"><formula>NOT(ISERROR(SEARCH("张志强",B2)))</formula></cfRule></conditionalFormatting><dataValidations count="2"><dataValidation type="list" sqref="B2:B100"><formula1>"陈春梅,杨晓东"</formula1></dataValidation><dataValidation type="list" sqref="A2:A100"><formula1>"1,2,3"</formula1></dataValidation></dataValidations>"#;
    let input = workbook(data, extra, &[], "", &[]);
    let out = sanitized(
        "validation lists",
        &input,
        &["王建国", "李秀英", "张志强", "陈春梅", "杨晓东"],
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"<formula1>"1,2,3"</formula1>"#), "{sheet}");
    assert!(sheet.contains("SEARCH(\""), "{sheet}");
}

/// Cells inside cells (well-formed XML that no writer makes): an empty cell inside an open one
/// leaves it open, a cell with content inside one replaces it, and a row tag inside a cell
/// finishes the row before it while the cell goes on. No text is passed over: every value is
/// masked, the output verifies.
#[test]
fn cells_inside_cells_pass_no_text_over() {
    let data = concat!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>联系电话</t></is></c></row>"#,
        r#"<row r="2"><c r="A2" t="inlineStr"><c r="Z2"/><is><t>刘海燕</t></is></c><c r="B2" t="inlineStr"><is><t>13812345678</t></is></c></row>"#,
        r#"<row r="3"><c r="A3" t="inlineStr"><is><t>陈春梅</t></is></c><c r="B3"><row r="9"/><v>13912345678</v></c></row>"#,
        r#"<row r="4"><c r="A4"><c r="A4" t="inlineStr"><is><t>杨晓东</t></is></c></c><c r="B4"><v>15011112222</v></c></row>"#,
    );
    let input = workbook(data, "", &[], "", &[]);
    let values = [
        "刘海燕",
        "13812345678",
        "陈春梅",
        "13912345678",
        "杨晓东",
        "15011112222",
    ];
    sanitized("cells inside cells", &input, &values);
    // The independent verifier finds every one of them in the input, each in its own cell
    // under its column's header: it would see them were they left.
    let engine = docsan_detect::Engine::new(&docsan::core::Policy::default()).unwrap();
    let limits = docsan::core::Limits::default();
    let req = docsan_verify::Request {
        bytes: &input,
        format: docsan::core::Format::Xlsx,
        originals: &[],
        allowed: &[],
        detector: &engine,
        limits: &limits,
    };
    let found = docsan_verify::verify(&req).unwrap();
    for v in values {
        assert!(
            found.residues.iter().any(|r| r.value.expose() == v),
            "the verifier did not find {}",
            docsan::core::mask_every_char(v, '*', '＊')
        );
    }
}

/// An inline-string cell with a value beside its string (`<is><t>备注</t></is><v>刘海燕</v>`,
/// which no writer makes): a reader shows the string, but the value is in the file. It was
/// read neither by the backend (which took the string) nor, as a name, by the verifier (which
/// read both as one text) and was left; now it is a unit of its own, and the string stays.
#[test]
fn a_value_beside_an_inline_string_is_masked() {
    let data = concat!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>联系电话</t></is></c></row>"#,
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>备注</t></is><v>刘海燕</v></c><c r="B2"><v>13812345678</v></c></row>"#,
    );
    let input = workbook(data, "", &[], "", &[]);
    let out = sanitized(
        "a value beside an inline string",
        &input,
        &["刘海燕", "13812345678"],
    );
    let sheet = member(&out, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<is><t>备注</t></is>"), "{sheet}");
}
