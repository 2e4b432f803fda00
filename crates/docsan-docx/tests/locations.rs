//! Every place the issue lists, built as a small DOCX in the test: extraction finds the text
//! with the right context, masking changes it where it sits (same runs, same character count per
//! run), and every untouched entry stays byte-for-byte identical.

use docsan_core::{Backend, Document, Edit, ErrorKind, Limits, Plan, UnitKind};
use docsan_docx::DocxBackend;
use std::io::{Cursor, Read, Write};
use zip::write::SimpleFileOptions;

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office""#;

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/thumbnail.jpeg" ContentType="image/jpeg"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId11" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:zhang.san@example.cn" TargetMode="External"/><Relationship Id="rId12" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>"#;

const CORE: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>名单</dc:title><dc:creator>赵晶</dc:creator><cp:lastModifiedBy>邹文秀</cp:lastModifiedBy></cp:coreProperties>"#;

fn document(body: &str) -> String {
    format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:document {NS}><w:body>{body}<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId9\"/></w:sectPr></w:body></w:document>"
    )
}

fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let t = zip::DateTime::from_date_and_time(2021, 10, 30, 8, 30, 0).unwrap();
    for (name, data) in parts {
        let method = if name.ends_with(".jpeg") {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        w.start_file(
            *name,
            SimpleFileOptions::default()
                .compression_method(method)
                .last_modified_time(t),
        )
        .unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A package with the usual parts around the given body and any extra parts.
fn package(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let doc = document(body);
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CT.as_bytes()),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("docProps/core.xml", CORE.as_bytes()),
        ("docProps/thumbnail.jpeg", b"\xFF\xD8\xFF\xE0fakejpeg"),
        ("word/document.xml", doc.as_bytes()),
        ("word/_rels/document.xml.rels", DOC_RELS.as_bytes()),
    ];
    for (n, d) in extra {
        parts.push((n, d.as_bytes()));
    }
    zip(&parts)
}

/// Every entry: name, decompressed bytes, raw compressed bytes.
fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Vec::new();
    for i in 0..a.len() {
        let (name, raw) = {
            let mut f = a.by_index_raw(i).unwrap();
            let mut raw = Vec::new();
            f.read_to_end(&mut raw).unwrap();
            (String::from_utf8_lossy(f.name_raw()).into_owned(), raw)
        };
        let mut data = Vec::new();
        a.by_index(i).unwrap().read_to_end(&mut data).unwrap();
        out.push((name, data, raw));
    }
    out
}

fn part(bytes: &[u8], name: &str) -> String {
    let e = entries(bytes);
    let (_, data, _) = e.iter().find(|(n, _, _)| n == name).expect("part present");
    String::from_utf8(data.clone()).unwrap()
}

fn open(bytes: &[u8]) -> Box<dyn Document> {
    DocxBackend.open(bytes, &Limits::default()).unwrap()
}

/// Masks every occurrence of `needle` in every unit with `*` (one per character).
fn mask(doc: &dyn Document, needle: &str) -> Plan {
    let mut plan = Plan::default();
    for u in doc.units() {
        for (i, _) in u.text.match_indices(needle) {
            plan.edits.push(Edit {
                unit: u.id,
                range: i..i + needle.len(),
                replacement: "*".repeat(needle.chars().count()).into(),
            });
        }
    }
    plan
}

fn rewrite(bytes: &[u8], needles: &[&str]) -> Vec<u8> {
    let mut doc = open(bytes);
    let mut plan = Plan::default();
    for n in needles {
        plan.edits.extend(mask(doc.as_ref(), n).edits);
    }
    assert!(!plan.edits.is_empty(), "nothing to mask for {needles:?}");
    plan.edits.sort_by_key(|e| (e.unit, e.range.start));
    let mut diags = Vec::new();
    doc.rewrite(&plan, &mut diags).unwrap()
}

/// Texts of every `w:t`/`w:delText`/`w:instrText` element in order, decoded.
fn run_texts(xml: &str) -> Vec<String> {
    let mut r = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match r.read_event().unwrap() {
            quick_xml::events::Event::Start(e)
                if matches!(e.local_name().as_ref(), b"t" | b"delText" | b"instrText") =>
            {
                inside = true;
                out.push(String::new());
            }
            quick_xml::events::Event::End(_) => inside = false,
            quick_xml::events::Event::Text(t) if inside => {
                out.last_mut().unwrap().push_str(&t.decode().unwrap());
            }
            quick_xml::events::Event::GeneralRef(g) if inside => {
                let s = match g.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => {
                        let name: &[u8] = &g;
                        match name {
                            b"amp" => "&".to_string(),
                            b"lt" => "<".to_string(),
                            b"gt" => ">".to_string(),
                            b"quot" => "\"".to_string(),
                            _ => "'".to_string(),
                        }
                    }
                };
                out.last_mut().unwrap().push_str(&s);
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn unit_with<'a>(doc: &'a dyn Document, text: &str) -> &'a docsan_core::TextUnit {
    doc.units()
        .iter()
        .find(|u| u.text.contains(text))
        .unwrap_or_else(|| panic!("no unit holds the expected text"))
}

/// The checks every masking test shares: the value is gone from every entry, run lengths are
/// kept, and entries with nothing to change are raw-identical.
fn assert_masked(input: &[u8], output: &[u8], value: &str, changed: &[&str]) {
    assert_well_formed(output);
    let a = entries(input);
    let b = entries(output);
    for (name, data, _) in &b {
        let text = String::from_utf8_lossy(data);
        assert!(!text.contains(value), "value still in {name}");
    }
    for (name, data, raw) in &a {
        let Some((_, data2, raw2)) = b.iter().find(|(n, _, _)| n == name) else {
            continue;
        };
        if changed.contains(&name.as_str()) {
            assert_ne!(data, data2, "{name} should have changed");
            let (x, y) = (
                String::from_utf8_lossy(data),
                String::from_utf8_lossy(data2),
            );
            let (rx, ry) = (run_texts(&x), run_texts(&y));
            assert_eq!(rx.len(), ry.len(), "{name}: run count changed");
            for (p, q) in rx.iter().zip(&ry) {
                assert_eq!(p.chars().count(), q.chars().count(), "{name}: run length");
            }
        } else if name != "[Content_Types].xml" && name != "_rels/.rels" {
            // Those two lose the thumbnail's entries; the thumbnail test checks them.
            assert!(raw == raw2, "{name} must be copied raw");
        }
    }
}

#[test]
fn empty_plan_gives_back_the_same_bytes() {
    let bytes = package(r#"<w:p><w:r><w:t>张三</w:t></w:r></w:p>"#, &[]);
    let mut doc = open(&bytes);
    let mut diags = Vec::new();
    assert_eq!(doc.rewrite(&Plan::default(), &mut diags).unwrap(), bytes);
    assert!(diags.is_empty());
}

#[test]
fn split_runs_are_joined_and_masked_in_their_own_runs() {
    let body = r#"<w:p><w:r><w:t>身份证号：</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>340706200</w:t></w:r><w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="1" w:name="_GoBack"/><w:r><w:t>11121</w:t></w:r><w:bookmarkEnd w:id="1"/><w:proofErr w:type="spellEnd"/><w:r><w:t xml:space="preserve">8354 </w:t></w:r><w:r><w:tab/><w:t>完</w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let u = unit_with(doc.as_ref(), "340706200111218354");
    assert_eq!(u.text, "身份证号：340706200111218354 \t完");
    assert_eq!(u.context.kind, UnitKind::Body);
    assert_eq!(
        u.context.location.part.as_deref(),
        Some("word/document.xml")
    );
    let out = rewrite(&bytes, &["340706200111218354"]);
    assert_masked(&bytes, &out, "340706200111218354", &["word/document.xml"]);
    let xml = part(&out, "word/document.xml");
    assert_eq!(
        run_texts(&xml),
        ["身份证号：", "*********", "*****", "**** ", "完"]
    );
    // The BOM, the XML declaration and the line end after it are kept.
    assert!(
        xml.starts_with(
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
        )
    );
    // Everything outside the masked runs is byte-identical.
    let orig = part(&bytes, "word/document.xml");
    let unmasked = xml
        .replace("*********", "340706200")
        .replace("*****", "11121")
        .replace("**** ", "8354 ");
    assert_eq!(unmasked, orig);
}

#[test]
fn references_are_decoded_and_rewritten_escaped() {
    let body = r#"<w:p><w:r><w:t>A&amp;B 张&#x4E09;丰 &lt;x&gt;</w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let u = unit_with(doc.as_ref(), "张三丰");
    assert_eq!(u.text, "A&B 张三丰 <x>");
    let out = rewrite(&bytes, &["张三丰", "A&B"]);
    let xml = part(&out, "word/document.xml");
    assert!(
        xml.contains("<w:t>*** *** &lt;x&gt;</w:t>"),
        "{}",
        run_texts(&xml)[0]
    );
}

#[test]
fn table_cells_carry_their_column_header_and_left_label() {
    let body = r#"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr><w:p><w:r><w:t>2021年补贴发放表</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:trPr><w:tblHeader/></w:trPr><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>联系电话</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:tc><w:p><w:r><w:t>李</w:t></w:r><w:r><w:t>四</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>13800138000</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>备用</w:t></w:r></w:p></w:tc></w:tr>
</w:tbl>
<w:tbl><w:tblPr><w:tblCaption w:val="王五的表"/></w:tblPr><w:tr><w:tc><w:p><w:r><w:t>联系人：</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>王五</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let name = unit_with(doc.as_ref(), "李四");
    assert_eq!(name.context.kind, UnitKind::TableCell);
    assert_eq!(name.context.column_header.as_deref(), Some("姓名"));
    let phone = unit_with(doc.as_ref(), "13800138000");
    assert_eq!(phone.context.column_header.as_deref(), Some("联系电话"));
    assert_eq!(phone.context.label.as_deref(), Some("李四"));
    let spare = unit_with(doc.as_ref(), "备用");
    assert_eq!(spare.context.column_header.as_deref(), Some("联系电话"));
    let header = unit_with(doc.as_ref(), "姓名");
    assert_eq!(header.context.column_header, None);
    let caption = unit_with(doc.as_ref(), "王五的表");
    assert_eq!(caption.context.kind, UnitKind::AltText);
    let form = doc.units().iter().find(|u| u.text == "王五").unwrap();
    assert_eq!(form.context.label.as_deref(), Some("联系人："));
    assert_eq!(
        form.context.column_header, None,
        "a one-row table has no header row"
    );
    let out = rewrite(&bytes, &["李四", "13800138000"]);
    let xml = part(&out, "word/document.xml");
    let runs = run_texts(&xml);
    assert!(runs.contains(&"*".to_string()) && runs.contains(&"*".repeat(11)));
}

#[test]
fn header_comment_and_its_author() {
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr {NS}><w:p><w:r><w:t>经办人：</w:t></w:r><w:r><w:t>马轩娜</w:t></w:r></w:p></w:hdr>"#
    );
    let comments = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:comments {NS}><w:comment w:id="0" w:author="谭云" w:initials="谭" w:date="2021-10-30T09:00:00Z"><w:p><w:r><w:annotationRef/></w:r><w:r><w:t>原号码13377346470已停机</w:t></w:r></w:p></w:comment></w:comments>"#
    );
    let bytes = package(
        r#"<w:p><w:commentRangeStart w:id="0"/><w:r><w:t>正文</w:t></w:r><w:commentRangeEnd w:id="0"/></w:p>"#,
        &[
            ("word/header1.xml", &header),
            ("word/comments.xml", &comments),
        ],
    );
    let doc = open(&bytes);
    let h = unit_with(doc.as_ref(), "马轩娜");
    assert_eq!(h.context.kind, UnitKind::HeaderFooter);
    assert_eq!(h.context.location.part.as_deref(), Some("word/header1.xml"));
    let c = unit_with(doc.as_ref(), "13377346470");
    assert_eq!(c.context.kind, UnitKind::Comment);
    let author = doc.units().iter().find(|u| u.text == "谭云").unwrap();
    assert_eq!(author.context.kind, UnitKind::Author);
    assert_eq!(author.context.label.as_deref(), Some("w:author"));
    let initials = doc.units().iter().find(|u| u.text == "谭").unwrap();
    assert_eq!(initials.context.label.as_deref(), Some("w:initials"));

    let out = rewrite(&bytes, &["马轩娜", "谭云", "谭"]);
    assert_masked(
        &bytes,
        &out,
        "马轩娜",
        &["word/header1.xml", "word/comments.xml"],
    );
    let c = part(&out, "word/comments.xml");
    assert!(c.contains(r#"w:author="**" w:initials="*" w:date="2021-10-30T09:00:00Z""#));
    assert!(!c.contains("谭"));
}

#[test]
fn tracked_insertions_deletions_and_revision_authors() {
    let body = r#"<w:p><w:r><w:t>手机号码更正为</w:t></w:r><w:del w:id="801" w:author="薛华珍" w:date="2021-10-30T09:12:00Z"><w:r><w:delText>1536013</w:delText></w:r><w:r><w:rPr><w:b/></w:rPr><w:delText>9518</w:delText></w:r></w:del><w:ins w:id="802" w:author="薛华珍"><w:r><w:t>13943517537</w:t></w:r></w:ins></w:p><w:p><w:pPr><w:rPr><w:ins w:id="9" w:author="A"/></w:rPr></w:pPr><w:ins w:id="803" w:author="周七"><w:r><w:rPr><w:b/><w:rPrChange w:id="804" w:author="吴八"><w:rPr/></w:rPrChange></w:rPr><w:t>整段插入</w:t></w:r></w:ins></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let del = unit_with(doc.as_ref(), "15360139518");
    assert_eq!(del.context.kind, UnitKind::TrackedDeletion);
    assert_eq!(del.text, "15360139518");
    let ins = unit_with(doc.as_ref(), "13943517537");
    assert_eq!(ins.text, "手机号码更正为13943517537");
    let whole = unit_with(doc.as_ref(), "整段插入");
    assert_eq!(whole.context.kind, UnitKind::TrackedInsertion);
    for who in ["薛华珍", "周七", "吴八"] {
        assert!(
            doc.units()
                .iter()
                .any(|u| u.text == who && u.context.kind == UnitKind::Author),
            "revision author missing"
        );
    }
    let out = rewrite(&bytes, &["15360139518", "薛华珍", "吴八"]);
    assert_masked(&bytes, &out, "薛华珍", &["word/document.xml"]);
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains("<w:delText>*******</w:delText>"));
    assert!(xml.contains("<w:delText>****</w:delText>"));
    assert!(!xml.contains("吴八"));
}

#[test]
fn text_boxes_in_both_alternate_content_branches_and_vml() {
    let body = r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="文本框 1" descr="东方红的照片" title="东方红签名"/><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent><w:p><w:r><w:t>复核人东方红</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape id="t1" alt="东方红"><v:textbox><w:txbxContent><w:p><w:r><w:t>复核人东方红</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>之后</w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let boxes: Vec<_> = doc
        .units()
        .iter()
        .filter(|u| u.text == "复核人东方红")
        .collect();
    assert_eq!(boxes.len(), 2, "both branches hold the text");
    assert!(boxes.iter().all(|u| u.context.kind == UnitKind::TextBox));
    let alt: Vec<_> = doc
        .units()
        .iter()
        .filter(|u| u.context.kind == UnitKind::AltText && u.text.contains("东方红"))
        .collect();
    assert_eq!(alt.len(), 3, "descr, title and VML alt");
    assert_eq!(unit_with(doc.as_ref(), "之后").text, "之后");
    let out = rewrite(&bytes, &["东方红"]);
    assert_masked(&bytes, &out, "东方红", &["word/document.xml"]);
}

#[test]
fn mailto_relationship_fields_and_tooltips() {
    let body = r#"<w:p><w:hyperlink r:id="rId11" w:tooltip="写信给zhang.san@example.cn"><w:r><w:t>zhang.san@example.cn</w:t></w:r></w:hyperlink><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "mailto:zhang.san</w:instrText></w:r><w:r><w:instrText>@example.cn" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>邮件</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr=" HYPERLINK &quot;mailto:zhang.san@example.cn&quot; "><w:r><w:t>链接</w:t></w:r></w:fldSimple></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let rel = doc
        .units()
        .iter()
        .find(|u| u.context.kind == UnitKind::Hyperlink && u.text.starts_with("mailto:"))
        .expect("rels target unit");
    assert_eq!(
        rel.context.location.part.as_deref(),
        Some("word/_rels/document.xml.rels")
    );
    let field = doc
        .units()
        .iter()
        .find(|u| u.context.kind == UnitKind::Field && u.text.contains("HYPERLINK"))
        .unwrap();
    assert_eq!(field.text, r#" HYPERLINK "mailto:zhang.san@example.cn" "#);
    let out = rewrite(&bytes, &["zhang.san@example.cn"]);
    assert_masked(
        &bytes,
        &out,
        "zhang.san@example.cn",
        &["word/document.xml", "word/_rels/document.xml.rels"],
    );
    let rels = part(&out, "word/_rels/document.xml.rels");
    assert!(rels.contains(r#"Target="mailto:********************" TargetMode="External""#));
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains(r#"w:instr=" HYPERLINK &quot;mailto:********************&quot; ""#));
}

#[test]
fn properties_custom_xml_doc_vars_and_people() {
    let settings = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:settings {NS}><w:docVars><w:docVar w:name="经办人" w:val="钱六"/></w:docVars></w:settings>"#
    );
    let people = r#"<?xml version="1.0" encoding="UTF-8"?><w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"><w15:person w15:author="孙九"><w15:presenceInfo w15:providerId="AD" w15:userId="S::sunjiu@example.cn::1"/></w15:person></w15:people>"#;
    let store = r#"<?xml version="1.0" encoding="UTF-8"?><root xmlns="urn:x"><applicant id="7"><name>钱六</name><phone>13900001111</phone></applicant></root>"#;
    let custom = r#"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="审核人"><vt:lpwstr>钱六</vt:lpwstr></property></Properties>"#;
    let bytes = package(
        r#"<w:p><w:sdt><w:sdtPr><w:dataBinding w:xpath="/root/applicant/name" w:storeItemID="{1}"/></w:sdtPr><w:sdtContent><w:r><w:t>钱六</w:t></w:r></w:sdtContent></w:sdt></w:p>"#,
        &[
            ("word/settings.xml", &settings),
            ("word/people.xml", people),
            ("customXml/item1.xml", store),
            ("docProps/custom.xml", custom),
        ],
    );
    let doc = open(&bytes);
    let creator = doc.units().iter().find(|u| u.text == "赵晶").unwrap();
    assert_eq!(creator.context.kind, UnitKind::Metadata);
    assert_eq!(creator.context.label.as_deref(), Some("dc:creator"));
    let prop = doc
        .units()
        .iter()
        .find(|u| u.context.label.as_deref() == Some("审核人"))
        .unwrap();
    assert_eq!(prop.text, "钱六");
    let var = doc
        .units()
        .iter()
        .find(|u| u.context.label.as_deref() == Some("经办人"))
        .unwrap();
    assert_eq!(var.text, "钱六");
    let stored = doc
        .units()
        .iter()
        .find(|u| {
            u.context.location.part.as_deref() == Some("customXml/item1.xml") && u.text == "钱六"
        })
        .unwrap();
    assert_eq!(stored.context.label.as_deref(), Some("name"));
    assert!(
        doc.units()
            .iter()
            .any(|u| u.text == "孙九" && u.context.kind == UnitKind::Author)
    );
    assert!(
        doc.units()
            .iter()
            .any(|u| u.text.contains("sunjiu@example.cn"))
    );

    let out = rewrite(&bytes, &["钱六", "赵晶", "孙九", "sunjiu@example.cn"]);
    assert_masked(
        &bytes,
        &out,
        "钱六",
        &[
            "word/document.xml",
            "word/settings.xml",
            "customXml/item1.xml",
            "docProps/custom.xml",
            "docProps/core.xml",
            "word/people.xml",
        ],
    );
    assert!(part(&out, "docProps/core.xml").contains("<dc:creator>**</dc:creator>"));
}

#[test]
fn thumbnail_is_dropped_with_its_relationship_when_anything_is_masked() {
    let bytes = package(r#"<w:p><w:r><w:t>张三</w:t></w:r></w:p>"#, &[]);
    let mut doc = open(&bytes);
    assert!(doc.diagnostics().iter().any(|d| d.code == "thumbnail"));
    let plan = mask(doc.as_ref(), "张三");
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).unwrap();
    assert!(diags.iter().any(|d| d.code == "thumbnail-removed"));
    let names: Vec<String> = entries(&out).into_iter().map(|e| e.0).collect();
    assert!(!names.iter().any(|n| n.contains("thumbnail")));
    let rels = part(&out, "_rels/.rels");
    assert!(!rels.contains("thumbnail"));
    assert!(rels.contains("officeDocument"));
    let ct = part(&out, "[Content_Types].xml");
    assert!(!ct.contains("thumbnail") && ct.contains("/word/document.xml"));
    // The result opens again and holds the masked text.
    let again = open(&out);
    assert!(again.units().iter().any(|u| u.text == "**"));
}

#[test]
fn uncheckable_parts_are_reported_and_embedded_packages_handed_out() {
    let inner = zip(&[("xl/workbook.xml", b"<workbook/>")]);
    let parts: Vec<(&str, Vec<u8>)> = vec![
        ("[Content_Types].xml", CT.as_bytes().to_vec()),
        ("_rels/.rels", ROOT_RELS.as_bytes().to_vec()),
        ("word/document.xml", document("<w:p/>").into_bytes()),
        ("word/_rels/document.xml.rels", DOC_RELS.as_bytes().to_vec()),
        ("word/media/image1.png", b"\x89PNG".to_vec()),
        (
            "word/embeddings/oleObject1.bin",
            b"\xD0\xCF\x11\xE0".to_vec(),
        ),
        (
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx",
            inner.clone(),
        ),
        ("word/vbaProject.bin", b"\xD0\xCF".to_vec()),
    ];
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    let bytes = zip(&refs);
    let mut doc = open(&bytes);
    let codes: Vec<&str> = doc.diagnostics().iter().map(|d| d.code.as_str()).collect();
    for c in ["image", "ole-object", "macros"] {
        assert!(codes.contains(&c), "missing diagnostic {c}");
    }
    let emb = doc.embedded();
    assert_eq!(emb.len(), 1);
    assert_eq!(
        emb[0].name,
        "word/embeddings/Microsoft_Excel_Worksheet.xlsx"
    );
    assert_eq!(emb[0].bytes, inner);
    let new_inner = zip(&[("xl/workbook.xml", b"<workbook a=\"1\"/>")]);
    let plan = Plan {
        embedded: vec![(
            emb[0].id,
            docsan_core::EmbeddedAction::Replace(new_inner.clone()),
        )],
        ..Plan::default()
    };
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).unwrap();
    let e = entries(&out);
    let (_, data, _) = e
        .iter()
        .find(|(n, _, _)| n.ends_with("Worksheet.xlsx"))
        .unwrap();
    assert_eq!(data, &new_inner);
}

#[test]
fn hostile_and_broken_input_fails_cleanly() {
    let limits = Limits::default();
    // Not a zip, a zip without a document, a document that is not XML.
    assert!(DocxBackend.open(b"not a zip", &limits).is_err());
    let e = DocxBackend
        .open(&zip(&[("a.txt", b"x")]), &limits)
        .err()
        .unwrap();
    assert_eq!(e.kind, ErrorKind::Malformed);
    let broken = zip(&[("word/document.xml", b"<w:document><w:p></w:document>")]);
    assert_eq!(
        DocxBackend.open(&broken, &limits).err().unwrap().kind,
        ErrorKind::Malformed
    );
    // Entity declarations are refused.
    let dtd = zip(&[(
        "word/document.xml",
        b"<!DOCTYPE x [<!ENTITY a \"b\">]><w:document>&a;</w:document>",
    )]);
    assert!(DocxBackend.open(&dtd, &limits).is_err());
    // Nesting beyond the limit.
    let deep = format!(
        "<w:document>{}{}</w:document>",
        "<x>".repeat(300),
        "</x>".repeat(300)
    );
    let deep = zip(&[("word/document.xml", deep.as_bytes())]);
    assert_eq!(
        DocxBackend.open(&deep, &limits).err().unwrap().kind,
        ErrorKind::Limit
    );
    // Truncated versions of a real package never panic.
    let good = package(r#"<w:p><w:r><w:t>张三</w:t></w:r></w:p>"#, &[]);
    for cut in (0..good.len()).step_by(97) {
        let _ = DocxBackend.open(&good[..cut], &limits);
    }
}

#[test]
fn edits_that_cannot_be_mapped_are_refused() {
    let bytes = package(r#"<w:p><w:r><w:t>张三</w:t></w:r></w:p>"#, &[]);
    let mut doc = open(&bytes);
    let u = unit_with(doc.as_ref(), "张三").id;
    let mut diags = Vec::new();
    let bad = Plan {
        edits: vec![Edit {
            unit: u,
            range: 1..3,
            replacement: "*".into(),
        }],
        ..Plan::default()
    };
    assert_eq!(
        doc.rewrite(&bad, &mut diags).unwrap_err().kind,
        ErrorKind::Refused
    );
    let missing = Plan {
        edits: vec![Edit {
            unit: docsan_core::UnitId(9999),
            range: 0..1,
            replacement: "*".into(),
        }],
        ..Plan::default()
    };
    assert_eq!(
        doc.rewrite(&missing, &mut diags).unwrap_err().kind,
        ErrorKind::Refused
    );
}

#[test]
fn a_replacement_of_another_length_goes_into_the_first_run() {
    let body = r#"<w:p><w:r><w:t>电话138</w:t></w:r><w:r><w:t>0013</w:t></w:r><w:r><w:t>8000。</w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let mut doc = open(&bytes);
    let u = unit_with(doc.as_ref(), "13800138000");
    let start = u.text.find("138").unwrap();
    let plan = Plan {
        edits: vec![Edit {
            unit: u.id,
            range: start..start + 11,
            replacement: "[电话]".into(),
        }],
        ..Plan::default()
    };
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).unwrap();
    let runs = run_texts(&part(&out, "word/document.xml"));
    assert_eq!(runs, ["电话[电话]", "", "。"]);
}

#[test]
fn run_level_fallback_is_its_own_unit_and_gfxdata_is_dropped_when_masked() {
    let body = r#"<w:p><w:r><w:t>电话</w:t></w:r><mc:AlternateContent><mc:Choice Requires="w14"><w:r><w:t>13800138000</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>13800138000</w:t></w:r></mc:Fallback></mc:AlternateContent><w:r><w:t>。</w:t></w:r></w:p><w:p><w:r><w:pict><v:shape id="s1" o:gfxdata="UEsDBBQABgAIAAAAIQ" style="width:1pt"><v:textbox><w:txbxContent><w:p><w:r><w:t>周七</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let main = unit_with(doc.as_ref(), "电话");
    assert_eq!(
        main.text, "电话13800138000。",
        "the fallback does not repeat inside"
    );
    let fallback = doc
        .units()
        .iter()
        .find(|u| u.text == "13800138000")
        .expect("fallback unit");
    assert!(
        fallback
            .context
            .location
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("fallback"))
    );
    assert!(doc.diagnostics().iter().any(|d| d.code == "vml-gfxdata"));
    let out = rewrite(&bytes, &["13800138000", "周七"]);
    let xml = part(&out, "word/document.xml");
    assert!(!xml.contains("13800138000") && !xml.contains("周七"));
    assert!(xml.contains(r#"<v:shape id="s1" style="width:1pt">"#));
}

#[test]
fn content_control_lists_and_dates_are_units() {
    let body = r#"<w:sdt><w:sdtPr><w:date w:fullDate="1990-03-07T00:00:00Z"><w:dateFormat w:val="yyyy年M月d日"/></w:date></w:sdtPr><w:sdtContent><w:p><w:r><w:t>1990年3月7日</w:t></w:r></w:p></w:sdtContent></w:sdt><w:sdt><w:sdtPr><w:dropDownList><w:listItem w:displayText="吴八" w:value="吴八"/></w:dropDownList></w:sdtPr><w:sdtContent><w:p><w:r><w:t>吴八</w:t></w:r></w:p></w:sdtContent></w:sdt>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    assert_eq!(doc.units().iter().filter(|u| u.text == "吴八").count(), 3);
    assert!(doc.units().iter().any(|u| u.text == "1990-03-07T00:00:00Z"));
    let out = rewrite(&bytes, &["吴八"]);
    assert!(!part(&out, "word/document.xml").contains("吴八"));
}

/// Every part of a package parses as well-formed XML (the sanity check for changed parts).
fn assert_well_formed(bytes: &[u8]) {
    for (name, data, _) in entries(bytes) {
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut r = quick_xml::Reader::from_reader(data.as_slice());
        let mut depth = 0i64;
        loop {
            match r.read_event() {
                Ok(quick_xml::events::Event::Start(_)) => depth += 1,
                Ok(quick_xml::events::Event::End(_)) => depth -= 1,
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed: {e}"),
            }
        }
        assert_eq!(depth, 0, "{name} is not closed");
    }
}

#[test]
fn masked_parts_stay_well_formed_with_markup_characters_in_replacements() {
    let body =
        r#"<w:p><w:hyperlink w:tooltip="张三"><w:r><w:t>张三</w:t></w:r></w:hyperlink></w:p>"#;
    let bytes = package(body, &[]);
    let mut doc = open(&bytes);
    let mut plan = Plan::default();
    for u in doc.units() {
        if let Some(i) = u.text.find("张三") {
            plan.edits.push(Edit {
                unit: u.id,
                range: i..i + "张三".len(),
                replacement: "<\"".into(),
            });
        }
    }
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).unwrap();
    assert_well_formed(&out);
    let xml = part(&out, "word/document.xml");
    assert!(xml.contains(r#"w:tooltip="&lt;&quot;""#));
    assert!(xml.contains("<w:t>&lt;\"</w:t>"));
    let again = open(&out);
    assert_eq!(again.units().iter().filter(|u| u.text == "<\"").count(), 2);
}

/// Mutated XML never panics: each single-byte change of the document part either opens or
/// fails with an error, and what opens can be masked and reopened.
#[test]
fn mutated_documents_never_panic() {
    let body = r#"<w:p><w:r><w:t xml:space="preserve">张三 &amp; 13800138000</w:t></w:r><w:ins w:author="李四"><w:r><w:t>x</w:t></w:r></w:ins></w:p><w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let doc = document(body);
    let src = doc.as_bytes();
    let limits = Limits::default();
    let mut state: u32 = 12345;
    let mut opened = 0;
    for i in 0..src.len() {
        for _ in 0..3 {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let mut m = src.to_vec();
            m[i] = b"<>/&\"'=;#x:0 a"[(state >> 16) as usize % 14];
            let z = zip(&[("word/document.xml", m.as_slice())]);
            if let Ok(mut d) = DocxBackend.open(&z, &limits) {
                opened += 1;
                let mut plan = Plan::default();
                for u in d.units() {
                    if let Some((j, c)) = u.text.char_indices().next() {
                        plan.edits.push(Edit {
                            unit: u.id,
                            range: j..j + c.len_utf8(),
                            replacement: "*".into(),
                        });
                    }
                }
                let mut diags = Vec::new();
                if let Ok(out) = d.rewrite(&plan, &mut diags) {
                    DocxBackend
                        .open(&out, &limits)
                        .expect("masked output reopens");
                }
            }
        }
    }
    assert!(opened > 0);
}

#[test]
fn ruby_text_and_smart_tags_do_not_split_or_hide_names() {
    let body = r#"<w:p><w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="PersonName"><w:smartTagPr><w:attr w:name="ProductID" w:val="郑兰秀"/></w:smartTagPr><w:r><w:t>郑兰秀</w:t></w:r></w:smartTag><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>zhèng</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>郑</w:t></w:r></w:rubyBase></w:ruby></w:r><w:r><w:t>兰</w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let p = unit_with(doc.as_ref(), "郑兰秀郑兰");
    assert_eq!(p.text, "郑兰秀郑兰");
    assert!(doc.units().iter().any(|u| u.text == "zhèng"));
    let tag = doc
        .units()
        .iter()
        .find(|u| u.text == "郑兰秀" && u.context.label.as_deref() == Some("w:val"))
        .expect("smart tag value");
    assert_eq!(tag.context.kind, UnitKind::Other);
    let out = rewrite(&bytes, &["郑兰秀"]);
    assert!(!part(&out, "word/document.xml").contains("郑兰秀"));
}

#[test]
fn percent_encoded_link_targets_are_read_decoded_and_masked_encoded() {
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://example.cn/q?name=%E9%83%91%E5%85%B0%E7%A7%80&amp;x=1" TargetMode="External"/><Relationship Id="rId10" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:zhenglanxiu@example.cn"/></Relationships>"#;
    let doc_xml = document("<w:p/>");
    let bytes = zip(&[
        ("word/document.xml", doc_xml.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
    ]);
    let doc = open(&bytes);
    let u = unit_with(doc.as_ref(), "郑兰秀");
    assert_eq!(u.text, "https://example.cn/q?name=郑兰秀&x=1");
    assert!(
        doc.units()
            .iter()
            .any(|u| u.text == "mailto:zhenglanxiu@example.cn"),
        "a link target without TargetMode is still a unit"
    );
    let out = rewrite(&bytes, &["郑兰秀", "zhenglanxiu"]);
    let r = part(&out, "word/_rels/document.xml.rels");
    assert!(r.contains(r#"Target="mailto:***********@example.cn""#));
    assert!(r.contains(r#"Target="https://example.cn/q?name=***&amp;x=1""#));
}

#[test]
fn a_removed_embedded_package_takes_its_relationship_and_override_along() {
    let inner = zip(&[("xl/workbook.xml", b"<workbook/>")]);
    let rels = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/package" Target="../embeddings/Book1.xlsx"/></Relationships>"#;
    let ct = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/embeddings/Book1.xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/></Types>"#;
    let chart = r#"<?xml version="1.0" encoding="UTF-8"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:chart><c:ser><c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:pt idx="0"><c:v>王五</c:v></c:pt></c:strCache></c:strRef></c:tx></c:ser></c:chart><c:externalData r:id="rId1"><c:autoUpdate val="0"/></c:externalData></c:chartSpace>"#;
    let doc_xml = document("<w:p/>");
    let bytes = zip(&[
        ("[Content_Types].xml", ct.as_bytes()),
        ("word/document.xml", doc_xml.as_bytes()),
        ("word/charts/chart1.xml", chart.as_bytes()),
        ("word/charts/_rels/chart1.xml.rels", rels.as_bytes()),
        ("word/embeddings/Book1.xlsx", &inner),
    ]);
    let mut doc = open(&bytes);
    let cache = unit_with(doc.as_ref(), "王五");
    assert_eq!(cache.context.kind, UnitKind::Cache);
    let emb = doc.embedded();
    assert_eq!(emb.len(), 1);
    let mut plan = mask(doc.as_ref(), "王五");
    plan.embedded
        .push((emb[0].id, docsan_core::EmbeddedAction::Remove));
    let mut diags = Vec::new();
    let out = doc.rewrite(&plan, &mut diags).unwrap();
    assert!(diags.iter().any(|d| d.code == "embedded-removed"));
    assert_well_formed(&out);
    let names: Vec<String> = entries(&out).into_iter().map(|e| e.0).collect();
    assert!(!names.iter().any(|n| n.ends_with(".xlsx")));
    assert!(!part(&out, "word/charts/_rels/chart1.xml.rels").contains("Book1"));
    assert!(!part(&out, "[Content_Types].xml").contains("Book1"));
    let chart = part(&out, "word/charts/chart1.xml");
    assert!(chart.contains("<c:v>**</c:v>"));
    assert!(
        chart.ends_with("</c:chart></c:chartSpace>"),
        "the chart's reference to the removed workbook goes too"
    );
}

#[test]
fn xml_comments_are_checked_too() {
    let body = r#"<w:p><!-- 经办人 郑兰秀 --><w:r><w:t>正文</w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let c = unit_with(doc.as_ref(), "郑兰秀");
    assert_eq!(c.context.label.as_deref(), Some("xml comment"));
    let out = rewrite(&bytes, &["郑兰秀"]);
    assert_well_formed(&out);
    assert!(part(&out, "word/document.xml").contains("<!-- 经办人 *** -->"));
}

#[test]
fn two_column_forms_have_labels_and_colon_forms_no_column_headers() {
    let body = r#"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>姓名：</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>张三</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>电话：</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>13800138000</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr><w:tc><w:p><w:r><w:t>姓名</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>身份证号</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>李四</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>340706198402162637</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    let phone_label = unit_with(doc.as_ref(), "电话");
    assert_eq!(phone_label.context.column_header, None);
    let phone = unit_with(doc.as_ref(), "13800138000");
    assert_eq!(phone.context.label.as_deref(), Some("电话："));
    assert_eq!(phone.context.column_header, None);
    let name = unit_with(doc.as_ref(), "李四");
    assert_eq!(name.context.column_header.as_deref(), Some("姓名"));
    let id = unit_with(doc.as_ref(), "340706198402162637");
    assert_eq!(id.context.column_header.as_deref(), Some("身份证号"));
}

#[test]
fn a_workbook_is_not_taken_for_a_document() {
    let ct = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#;
    let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let bytes = zip(&[
        ("[Content_Types].xml", ct.as_bytes()),
        ("_rels/.rels", rels.as_bytes()),
        ("xl/workbook.xml", b"<workbook/>"),
    ]);
    let e = DocxBackend.open(&bytes, &Limits::default()).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Unsupported);
}

#[test]
fn a_value_masked_in_a_bound_content_control_is_masked_in_its_data_store() {
    let store = r#"<?xml version="1.0" encoding="UTF-8"?><root xmlns="urn:x"><applicant><name>钱六</name><note>钱六的电话</note></applicant></root>"#;
    let body = r#"<w:p><w:sdt><w:sdtPr><w:dataBinding w:xpath="/root/applicant/name" w:storeItemID="{1}"/></w:sdtPr><w:sdtContent><w:r><w:t>钱六</w:t></w:r></w:sdtContent></w:sdt></w:p><w:p><w:sdt><w:sdtPr><w:dataBinding w:xpath="/ns1:coreProperties[1]/ns0:creator[1]" w:storeItemID="{6C3C8BC8-F283-45AE-878A-BAB7291924A1}"/></w:sdtPr><w:sdtContent><w:r><w:t>赵晶</w:t></w:r></w:sdtContent></w:sdt></w:p>"#;
    let bytes = package(body, &[("customXml/item1.xml", store)]);
    let mut doc = open(&bytes);
    // Only the body unit is masked, as a detector that does not look at stores would.
    let body_unit = doc
        .units()
        .iter()
        .find(|u| u.context.location.part.as_deref() == Some("word/document.xml"))
        .unwrap()
        .id;
    let plan = Plan {
        edits: vec![Edit {
            unit: body_unit,
            range: 0.."钱六".len(),
            replacement: "＊＊".into(),
        }],
        ..Plan::default()
    };
    let out = doc.rewrite(&plan, &mut Vec::new()).unwrap();
    let s = part(&out, "customXml/item1.xml");
    assert!(
        s.contains("<name>＊＊</name><note>＊＊的电话</note>"),
        "{s}"
    );
}

#[test]
fn notes_smartart_glossary_app_properties_and_template_path() {
    let footnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:footnotes {NS}><w:footnote w:id="1"><w:p><w:r><w:t>数据来源：孙九提供</w:t></w:r></w:p></w:footnote></w:footnotes>"#
    );
    let endnotes = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:endnotes {NS}><w:endnote w:id="1"><w:p><w:r><w:t>复核：孙九</w:t></w:r></w:p></w:endnote></w:endnotes>"#
    );
    let smartart = r#"<?xml version="1.0" encoding="UTF-8"?><dgm:dataModel xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><dgm:ptLst><dgm:pt modelId="{1}"><dgm:prSet phldrT="[文本]"/><dgm:spPr/><dgm:t><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN"/><a:t>组长孙</a:t></a:r><a:r><a:t>九</a:t></a:r></a:p></dgm:t></dgm:pt></dgm:ptLst></dgm:dataModel>"#;
    let glossary = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:glossaryDocument {NS}><w:docParts><w:docPart><w:docPartBody><w:p><w:r><w:t>签发人孙九</w:t></w:r></w:p></w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>"#
    );
    let app = r#"<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Company>孙九工作室</Company><Manager>孙九</Manager><Pages>1</Pages></Properties>"#;
    let settings_rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" Target="file:///C:\Users\孙九\AppData\Roaming\Microsoft\Templates\Normal.dotm" TargetMode="External"/></Relationships>"#;
    let settings = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:settings {NS}><w:attachedTemplate r:id="rId1"/></w:settings>"#
    );
    let bytes = package(
        r#"<w:p><w:r><w:t>正文</w:t></w:r></w:p>"#,
        &[
            ("word/footnotes.xml", &footnotes),
            ("word/endnotes.xml", &endnotes),
            ("word/diagrams/data1.xml", smartart),
            ("word/glossary/document.xml", &glossary),
            ("docProps/app.xml", app),
            ("word/settings.xml", &settings),
            ("word/_rels/settings.xml.rels", settings_rels),
        ],
    );
    let doc = open(&bytes);
    let kind_of = |needle: &str| unit_with(doc.as_ref(), needle).context.kind;
    assert_eq!(kind_of("数据来源"), UnitKind::Footnote);
    assert_eq!(kind_of("复核："), UnitKind::Footnote);
    assert_eq!(unit_with(doc.as_ref(), "组长").text, "组长孙九");
    assert_eq!(unit_with(doc.as_ref(), "签发人").text, "签发人孙九");
    let manager = doc
        .units()
        .iter()
        .find(|u| u.context.label.as_deref() == Some("Manager"))
        .unwrap();
    assert_eq!(manager.text, "孙九");
    let template = unit_with(doc.as_ref(), "Normal.dotm");
    assert_eq!(template.context.kind, UnitKind::Metadata);
    assert_eq!(template.context.label.as_deref(), Some("attachedTemplate"));

    let out = rewrite(&bytes, &["孙九"]);
    assert_masked(
        &bytes,
        &out,
        "孙九",
        &[
            "word/footnotes.xml",
            "word/endnotes.xml",
            "word/diagrams/data1.xml",
            "word/glossary/document.xml",
            "docProps/app.xml",
            "word/_rels/settings.xml.rels",
        ],
    );
    // The SmartArt name split over two runs is masked in both.
    assert!(
        part(&out, "word/diagrams/data1.xml").contains("<a:t>组长*</a:t></a:r><a:r><a:t>*</a:t>")
    );
}

#[test]
fn oversized_parts_and_too_many_units_hit_the_limits() {
    let big = document(&format!(
        "<w:p><w:r><w:t>{}</w:t></w:r></w:p>",
        "A".repeat(3 << 20)
    ));
    let bytes = zip(&[("word/document.xml", big.as_bytes())]);
    let limits = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = DocxBackend.open(&bytes, &limits).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Limit);
    let many = document(&"<w:p><w:r><w:t>x</w:t></w:r></w:p>".repeat(50));
    let bytes = zip(&[("word/document.xml", many.as_bytes())]);
    let limits = Limits {
        max_units: 10,
        ..Limits::default()
    };
    let e = DocxBackend.open(&bytes, &limits).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Limit);
}

#[test]
fn cdata_text_is_read_and_rewritten_escaped() {
    let body = r#"<w:p><w:r><w:t><![CDATA[张三<x>]]></w:t></w:r></w:p>"#;
    let bytes = package(body, &[]);
    let doc = open(&bytes);
    assert_eq!(unit_with(doc.as_ref(), "张三").text, "张三<x>");
    let out = rewrite(&bytes, &["张三"]);
    assert!(part(&out, "word/document.xml").contains("<w:t>**&lt;x&gt;</w:t>"));
}

#[test]
fn a_value_masked_once_is_masked_everywhere_else() {
    let body = r#"<w:p><w:r><w:t>联系人：郑兰秀</w:t></w:r></w:p><w:p><w:hyperlink w:tooltip="郑兰秀的主页"><w:r><w:t>主页 Ann</w:t></w:r></w:hyperlink></w:p>"#;
    let bytes = package(body, &[]);
    let mut doc = open(&bytes);
    // The plan masks the name and a short ASCII word in the first paragraph only.
    let u = unit_with(doc.as_ref(), "联系人");
    let i = u.text.find("郑兰秀").unwrap();
    let plan = Plan {
        edits: vec![Edit {
            unit: u.id,
            range: i..i + "郑兰秀".len(),
            replacement: "＊＊＊".into(),
        }],
        ..Plan::default()
    };
    let out = doc.rewrite(&plan, &mut Vec::new()).unwrap();
    let xml = part(&out, "word/document.xml");
    assert!(!xml.contains("郑兰秀"));
    assert!(xml.contains(r#"w:tooltip="＊＊＊的主页""#));
    assert!(
        xml.contains("主页 Ann"),
        "text that was not masked anywhere stays"
    );
}

#[test]
fn a_removed_embedded_ole_package_leaves_its_preview_picture() {
    let inner = zip(&[("xl/workbook.xml", b"<workbook/>")]);
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/package" Target="embeddings/Microsoft_Excel_Worksheet.xlsx"/></Relationships>"#;
    let doc_xml = document(
        r#"<w:p><w:r><w:object><v:shape id="_x0000_i1025" style="width:1pt"><v:imagedata r:id="rId7" o:title=""/></v:shape><o:OLEObject Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025" r:id="rId8"/></w:object></w:r></w:p>"#,
    );
    let bytes = zip(&[
        ("word/document.xml", doc_xml.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", &inner),
    ]);
    let mut doc = open(&bytes);
    let id = doc.embedded()[0].id;
    let plan = Plan {
        embedded: vec![(id, docsan_core::EmbeddedAction::Remove)],
        ..Plan::default()
    };
    let out = doc.rewrite(&plan, &mut Vec::new()).unwrap();
    assert_well_formed(&out);
    let xml = part(&out, "word/document.xml");
    assert!(!xml.contains("OLEObject") && xml.contains("v:imagedata"));
    assert!(!part(&out, "word/_rels/document.xml.rels").contains("rId8"));
}

#[test]
fn schema_stores_yield_no_attribute_units_but_data_stores_do() {
    let schema = r#"<?xml version="1.0"?><xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x"><xsd:element name="ReviewerName" type="xsd:string"/></xsd:schema>"#;
    let data = r#"<?xml version="1.0"?><root SelectedStyle="x"><person id="郑兰秀"/></root>"#;
    let bytes = package(
        "<w:p/>",
        &[
            ("customXml/item1.xml", schema),
            ("customXml/item2.xml", data),
        ],
    );
    let doc = open(&bytes);
    assert!(
        !doc.units()
            .iter()
            .any(|u| u.text == "ReviewerName" || u.text == "x")
    );
    assert!(doc.units().iter().any(|u| u.text == "郑兰秀"));
}

#[test]
fn activex_values_are_units_and_their_binary_state_is_reported() {
    let ax = r#"<?xml version="1.0" encoding="UTF-8"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{8BD21D10-EC42-11CE-9E0D-00AA006002F3}" ax:persistence="persistStorage"><ax:ocxPr ax:name="Value" ax:value="郑兰秀"/></ax:ocx>"#;
    let mut parts = vec![("word/activeX/activeX1.xml", ax)];
    parts.push(("word/activeX/activeX1.bin", "\u{1}binary"));
    let bytes = package("<w:p/>", &parts);
    let doc = open(&bytes);
    assert!(doc.units().iter().any(|u| u.text == "郑兰秀"));
    assert!(
        doc.diagnostics()
            .iter()
            .any(|d| d.location.as_ref().and_then(|l| l.part.as_deref())
                == Some("word/activeX/activeX1.bin"))
    );
    let out = rewrite(&bytes, &["郑兰秀"]);
    assert!(part(&out, "word/activeX/activeX1.xml").contains(r#"ax:value="***""#));
}
