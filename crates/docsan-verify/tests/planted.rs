//! Planted residues: each test builds real document bytes with one personal value left in a
//! place a careless sanitizer misses, and checks that the verifier reports it, both as an
//! original value and (where the test detector can see it) by fresh detection. Clean twins of the
//! same documents must come back with no residue at all.

mod common;

use common::run;
use docsan_core::{ErrorKind, Format, Limits, PiiKind, Sensitive};
use docsan_verify::{Report, Request, ResidueSource, verify};
use flate2::Compression;
use flate2::write::{DeflateEncoder, ZlibEncoder};
use std::io::Write;

const MOBILE: &str = "13812345678";
const ID: &str = "340702199001011234";
const MASKED_ID: &str = "340702********1234";

fn original_found(r: &Report, value: &str) -> bool {
    r.residues
        .iter()
        .any(|x| x.source == ResidueSource::Original && x.value.expose() == value)
}

fn detected(r: &Report, kind: PiiKind) -> bool {
    r.residues
        .iter()
        .any(|x| x.source == ResidueSource::Detected && x.kind == Some(kind))
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

// ---------------------------------------------------------------------------------------------
// PDF building.

/// A stream object body, Flate-compressed.
fn stream(dict_extra: &str, data: &[u8]) -> Vec<u8> {
    let z = zlib(data);
    let mut out = format!(
        "<< /Length {} /Filter /FlateDecode {dict_extra} >>\nstream\n",
        z.len()
    )
    .into_bytes();
    out.extend_from_slice(&z);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Writes objects with an xref table and trailer; `prev` makes it an incremental update of
/// `base`.
fn write_pdf(base: Vec<u8>, objects: &[(u32, Vec<u8>)], size: u32, prev: Option<usize>) -> Vec<u8> {
    let mut out = base;
    if out.is_empty() {
        out.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    }
    let mut offsets = Vec::new();
    for (n, body) in objects {
        offsets.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    if prev.is_none() {
        out.extend_from_slice(format!("0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for (_, off) in &offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
    } else {
        for (n, off) in &offsets {
            out.extend_from_slice(format!("{n} 1\n{off:010} 00000 n \n").as_bytes());
        }
    }
    let prev = prev.map_or(String::new(), |p| format!(" /Prev {p}"));
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R{prev} >>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

fn startxref(pdf: &[u8]) -> usize {
    let s = String::from_utf8_lossy(pdf);
    let i = s.rfind("startxref").unwrap();
    s[i + 9..]
        .trim()
        .trim_end_matches("%%EOF")
        .trim()
        .parse()
        .unwrap()
}

/// A one-page PDF whose page shows `text` in Helvetica, plus extra objects.
fn simple_pdf(text: &str, extra: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
    let mut objects = vec![
        (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
                .to_vec(),
        ),
        (4, stream("", content.as_bytes())),
        (
            5,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        ),
    ];
    objects.extend(extra.iter().cloned());
    let size = objects.iter().map(|o| o.0).max().unwrap() + 1;
    write_pdf(Vec::new(), &objects, size, None)
}

#[test]
fn pdf_old_revision_of_an_incremental_update() {
    let v1 = simple_pdf(&format!("Tel {MOBILE}"), &[]);
    let prev = startxref(&v1);
    let masked = stream("", b"BT /F1 12 Tf 72 720 Td (Tel 138****5678) Tj ET");
    let v2 = write_pdf(v1, &[(4, masked)], 6, Some(prev));
    let r = run(&v2, Format::Pdf, &[MOBILE]);
    assert!(original_found(&r, MOBILE), "{:?}", r.residues);
    assert!(detected(&r, PiiKind::Mobile));
    // The residue names the stray stream, not the current page.
    assert!(r.residues.iter().any(|x| {
        x.location
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("earlier revision"))
    }));
    // The current revision alone is clean.
    let clean = simple_pdf("Tel 138****5678", &[]);
    assert!(run(&clean, Format::Pdf, &[MOBILE]).residues.is_empty());
}

#[test]
fn pdf_unreferenced_object() {
    let stray = stream(
        "",
        format!("BT /F1 9 Tf 10 10 Td (ID {ID}) Tj ET").as_bytes(),
    );
    let pdf = simple_pdf(&format!("ID {MASKED_ID}"), &[(9, stray)]);
    let r = run(&pdf, Format::Pdf, &[ID]);
    assert!(original_found(&r, ID));
    assert!(detected(&r, PiiKind::Id18));
    // An unreferenced plain string object is found too.
    let pdf = simple_pdf("nothing", &[(9, format!("({MOBILE})").into_bytes())]);
    let r = run(&pdf, Format::Pdf, &[MOBILE]);
    assert!(original_found(&r, MOBILE));
    assert!(detected(&r, PiiKind::Mobile));
}

#[test]
fn pdf_xmp_metadata() {
    let xmp = "<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?><x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator><rdf:Seq><rdf:li>\u{5F20}\u{4E09}\u{4E30} \
         &#49;38 1234 5678</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>\
         <?xpacket end=\"w\"?>";
    let pdf = simple_pdf(
        "hello",
        &[(6, stream("/Type /Metadata /Subtype /XML", xmp.as_bytes()))],
    );
    let r = run(&pdf, Format::Pdf, &["张三丰", MOBILE]);
    assert!(original_found(&r, "张三丰"));
    assert!(original_found(&r, MOBILE), "formatted and referenced value");
    assert!(r.residues.iter().any(|x| {
        x.location
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("XMP"))
    }));
    // A JavaScript stream is text too.
    let pdf = simple_pdf(
        "hello",
        &[
            (6, stream("", format!("app.alert('{MOBILE}');").as_bytes())),
            (7, b"<< /S /JavaScript /JS 6 0 R >>".to_vec()),
        ],
    );
    let r = run(&pdf, Format::Pdf, &[]);
    assert!(detected(&r, PiiKind::Mobile));
}

/// A simple font with a custom one-byte encoding: codes 1..=10 show the digits 0..=9, declared
/// both by `Differences` glyph names and a ToUnicode map; the page shows the value glyph by
/// glyph in one `TJ` array with kerning numbers between the codes.
fn custom_font_pdf(value: &str, tounicode: bool) -> Vec<u8> {
    let code = |c: char| (c as u8 - b'0' + 1) as char;
    let mut tj = String::from("[");
    for c in value.chars() {
        tj.push_str(&format!("(\\{:03o}) -12 ", code(c) as u8));
    }
    tj.push(']');
    let content = format!("BT /F1 10 Tf 50 700 Td {tj} TJ ET");
    let names = "/zero /one /two /three /four /five /six /seven /eight /nine";
    let tu_ref = if tounicode { "/ToUnicode 7 0 R" } else { "" };
    let font = format!(
        "<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Custom /FirstChar 1 /LastChar 10 \
         /Widths [500 500 500 500 500 500 500 500 500 500] \
         /Encoding << /Type /Encoding /Differences [1 {names}] >> {tu_ref} >>"
    );
    let cmap = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
        1 begincodespacerange <00> <FF> endcodespacerange\n\
        1 beginbfrange <01> <0A> <0030> endbfrange\n\
        endcmap CMapName currentdict /CMap defineresource pop end end";
    let objects = vec![
        (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
                .to_vec(),
        ),
        (4, stream("", content.as_bytes())),
        (5, font.into_bytes()),
        (7, stream("", cmap.as_bytes())),
    ];
    write_pdf(Vec::new(), &objects, 8, None)
}

#[test]
fn pdf_font_encoded_tj_split_glyph_by_glyph() {
    let pdf = custom_font_pdf(MOBILE, true);
    // The raw file holds neither the value nor any standard encoding of it.
    assert!(!pdf.windows(MOBILE.len()).any(|w| w == MOBILE.as_bytes()));
    let r = run(&pdf, Format::Pdf, &[MOBILE]);
    assert!(
        r.residues
            .iter()
            .any(|x| x.rule == "original.font-encoded" && x.value.expose() == MOBILE),
        "{:?}",
        r.residues
    );
    assert!(original_found(&r, MOBILE));
    assert!(detected(&r, PiiKind::Mobile));
    // Without a ToUnicode map the Differences glyph names still decode the codes.
    let r = run(&custom_font_pdf(MOBILE, false), Format::Pdf, &[MOBILE]);
    assert!(original_found(&r, MOBILE));
    assert!(detected(&r, PiiKind::Mobile));
    // The same page with another number is clean for this value.
    let r = run(
        &custom_font_pdf("13900000000", true),
        Format::Pdf,
        &[MOBILE],
    );
    assert!(!original_found(&r, MOBILE));
}

#[test]
fn pdf_marked_content_actual_text() {
    // The page shows a mask, but the marked content still carries the value as ActualText.
    let pdf = simple_pdf(
        &format!("ID {MASKED_ID}) Tj ET /Span << /ActualText (ID {ID}) >> BDC EMC BT (x"),
        &[],
    );
    let r = run(&pdf, Format::Pdf, &[]);
    assert!(detected(&r, PiiKind::Id18));
    let r = run(&pdf, Format::Pdf, &[ID]);
    assert!(original_found(&r, ID));
}

#[test]
fn pdf_identity_h_and_ucs2_text() {
    // Type0 font with the predefined UniGB-UCS2-H CMap: codes are UTF-16BE.
    let mut be = Vec::new();
    for u in format!("张三丰{ID}").encode_utf16() {
        be.extend_from_slice(&u.to_be_bytes());
    }
    let hex: String = be.iter().map(|b| format!("{b:02X}")).collect();
    let content = format!("BT /F2 10 Tf 50 700 Td <{hex}> Tj ET");
    let objects = vec![
        (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F2 5 0 R >> >> /Contents 4 0 R >>"
                .to_vec(),
        ),
        (4, stream("", content.as_bytes())),
        (
            5,
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>"
                .to_vec(),
        ),
        (
            6,
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>"
                .to_vec(),
        ),
    ];
    let pdf = write_pdf(Vec::new(), &objects, 7, None);
    let r = run(&pdf, Format::Pdf, &["张三丰"]);
    assert!(original_found(&r, "张三丰"));
    assert!(detected(&r, PiiKind::Id18));
}

#[test]
fn pdf_info_and_annotation_strings() {
    // UTF-16BE Info author and a link annotation with a mailto URI.
    let mut author = b"(\xFE\xFF".to_vec();
    for u in "张三丰".encode_utf16() {
        for b in u.to_be_bytes() {
            if b == b'(' || b == b')' || b == b'\\' {
                author.push(b'\\');
            }
            author.push(b);
        }
    }
    author.push(b')');
    let mut info = b"<< /Author ".to_vec();
    info.extend_from_slice(&author);
    info.extend_from_slice(b" >>");
    let mut pdf = simple_pdf(
        "hello",
        &[
            (6, info),
            (
                7,
                b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (mailto:zhangsan@example.com) >> >>"
                    .to_vec(),
            ),
        ],
    );
    // Point the trailer at the Info dictionary.
    let s = String::from_utf8_lossy(&pdf).replace("/Root 1 0 R", "/Root 1 0 R /Info 6 0 R");
    pdf = s.into_bytes();
    let r = run(&pdf, Format::Pdf, &["张三丰", "zhangsan@example.com"]);
    assert!(original_found(&r, "张三丰"));
    assert!(original_found(&r, "zhangsan@example.com"));
    assert!(detected(&r, PiiKind::Email));
}

// ---------------------------------------------------------------------------------------------
// OOXML building.

fn zip(entries: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const CT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#;

fn docx(body: &str, rels: &str) -> Vec<u8> {
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:body>{body}</w:body></w:document>"#
    );
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    zip(&[
        ("[Content_Types].xml", CT),
        ("word/document.xml", &doc),
        ("word/_rels/document.xml.rels", &rels),
    ])
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

#[test]
fn docx_deleted_text_is_checked() {
    let body = format!(
        "<w:p><w:r><w:t>身份证号：</w:t></w:r><w:del w:id=\"1\" w:author=\"x\"><w:r><w:delText>{}</w:delText></w:r></w:del>\
         <w:del w:id=\"2\" w:author=\"x\"><w:r><w:delText>{}</w:delText></w:r></w:del>\
         <w:ins w:id=\"3\" w:author=\"x\"><w:r><w:t>{MASKED_ID}</w:t></w:r></w:ins></w:p>",
        &ID[..9],
        &ID[9..]
    );
    let r = run(&docx(&body, ""), Format::Docx, &[ID]);
    assert!(original_found(&r, ID), "split delText joined");
    assert!(detected(&r, PiiKind::Id18));
    // The same paragraph without the deletion is clean, masked value included.
    let clean = format!(
        "<w:p><w:r><w:t>身份证号：</w:t></w:r><w:ins w:id=\"3\" w:author=\"x\"><w:r><w:t>{MASKED_ID}</w:t></w:r></w:ins></w:p>"
    );
    assert!(
        run(&docx(&clean, ""), Format::Docx, &[ID])
            .residues
            .is_empty()
    );
}

#[test]
fn docx_vml_fallback_textbox() {
    let body = format!(
        "<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>{}</w:txbxContent></wps:txbx></w:drawing></mc:Choice>\
         <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>电话 138</w:t></w:r><w:r><w:t>1234</w:t></w:r><w:r><w:t>5678</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>",
        para("电话 138****5678")
    );
    let r = run(&docx(&body, ""), Format::Docx, &[MOBILE]);
    assert!(original_found(&r, MOBILE));
    assert!(detected(&r, PiiKind::Mobile));
}

#[test]
fn docx_mailto_target_in_rels() {
    let rels = r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="mailto:zhang%73an@example.com" TargetMode="External"/>"#;
    let r = run(
        &docx(&para("联系邮箱：z***@example.com"), rels),
        Format::Docx,
        &["zhangsan@example.com"],
    );
    assert!(original_found(&r, "zhangsan@example.com"));
    assert!(detected(&r, PiiKind::Email));
    assert!(r.residues.iter().any(|x| {
        x.location
            .part
            .as_deref()
            .is_some_and(|p| p.ends_with(".rels"))
    }));
}

#[test]
fn obfuscated_values_are_still_detected() {
    // Zero-width spaces between the digits, and full-width digits.
    let zw: String = MOBILE.chars().map(|c| format!("{c}\u{200B}")).collect();
    let fw: String = ID
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let r = run(
        &docx(&format!("{}{}", para(&zw), para(&fw)), ""),
        Format::Docx,
        &[],
    );
    assert!(detected(&r, PiiKind::Mobile));
    assert!(detected(&r, PiiKind::Id18));
}

#[test]
fn docx_character_references_are_decoded() {
    // Every character written as a numeric reference.
    let refs: String = ID.chars().map(|c| format!("&#{};", c as u32)).collect();
    let r = run(&docx(&para(&refs), ""), Format::Docx, &[ID]);
    assert!(original_found(&r, ID));
    assert!(detected(&r, PiiKind::Id18));
}

/// Inserts a deflated local entry that the central directory does not list, before the central
/// directory, and fixes the directory offset in the end record.
fn with_orphan(package: Vec<u8>, name: &str, body: &str) -> Vec<u8> {
    let eocd = package
        .windows(4)
        .rposition(|w| w == b"PK\x05\x06")
        .unwrap();
    let cd_off = u32::from_le_bytes(package[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
    e.write_all(body.as_bytes()).unwrap();
    let data = e.finish().unwrap();
    let mut entry = Vec::new();
    entry.extend_from_slice(b"PK\x03\x04");
    entry.extend_from_slice(&20u16.to_le_bytes());
    entry.extend_from_slice(&0u16.to_le_bytes());
    entry.extend_from_slice(&8u16.to_le_bytes());
    entry.extend_from_slice(&[0; 4]);
    entry.extend_from_slice(&0u32.to_le_bytes());
    entry.extend_from_slice(&(data.len() as u32).to_le_bytes());
    entry.extend_from_slice(&(body.len() as u32).to_le_bytes());
    entry.extend_from_slice(&(name.len() as u16).to_le_bytes());
    entry.extend_from_slice(&0u16.to_le_bytes());
    entry.extend_from_slice(name.as_bytes());
    entry.extend_from_slice(&data);
    let mut out = package[..cd_off].to_vec();
    out.extend_from_slice(&entry);
    out.extend_from_slice(&package[cd_off..]);
    let new_eocd = eocd + entry.len();
    let new_off = (cd_off + entry.len()) as u32;
    out[new_eocd + 16..new_eocd + 20].copy_from_slice(&new_off.to_le_bytes());
    out
}

#[test]
fn zip_orphaned_local_entry() {
    let clean = docx(&para(&format!("身份证号 {MASKED_ID}")), "");
    let dirty = with_orphan(
        clean.clone(),
        "word/document.xml",
        &format!(
            "<w:document><w:body>{}</w:body></w:document>",
            para(&format!("身份证号 {ID}"))
        ),
    );
    // A zip reader that trusts the central directory does not see the orphan.
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(dirty.clone())).unwrap();
    assert_eq!(z.len(), 3);
    assert!(z.by_name("word/document.xml").is_ok());
    let r = run(&dirty, Format::Docx, &[ID]);
    assert!(original_found(&r, ID));
    assert!(detected(&r, PiiKind::Id18));
    assert!(r.residues.iter().any(|x| {
        x.location
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("orphaned"))
    }));
    assert!(run(&clean, Format::Docx, &[ID]).residues.is_empty());
}

fn xlsx(sheet_rows: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let wb = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wbrels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>"#
    );
    let mut entries: Vec<(&str, &str)> = vec![
        ("[Content_Types].xml", CT),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wbrels),
        ("xl/worksheets/sheet1.xml", &sheet),
    ];
    entries.extend_from_slice(extra);
    zip(&entries)
}

const HEADER_ROW: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>联系电话</t></is></c></row>"#;

#[test]
fn xlsx_numeric_cell() {
    let rows = format!(
        r#"{HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>张*</t></is></c><c r="B2"><v>{MOBILE}</v></c></row>"#
    );
    let r = run(&xlsx(&rows, &[]), Format::Xlsx, &[MOBILE]);
    assert!(original_found(&r, MOBILE));
    let d = r
        .residues
        .iter()
        .find(|x| x.source == ResidueSource::Detected && x.kind == Some(PiiKind::Mobile))
        .expect("detected");
    assert_eq!(d.location.cell.as_deref(), Some("B2"));
    assert_eq!(d.location.sheet.as_deref(), Some("名单"));
    // Exponent notation, as some writers store large numbers.
    let rows = format!(r#"{HEADER_ROW}<row r="2"><c r="B2"><v>1.3812345678E10</v></c></row>"#);
    let r = run(&xlsx(&rows, &[]), Format::Xlsx, &[MOBILE]);
    assert!(original_found(&r, MOBILE));
    // Masked twin is clean.
    let rows = format!(
        r#"{HEADER_ROW}<row r="2"><c r="B2" t="inlineStr"><is><t>138****5678</t></is></c></row>"#
    );
    assert!(
        run(&xlsx(&rows, &[]), Format::Xlsx, &[MOBILE])
            .residues
            .is_empty()
    );
}

#[test]
fn sheet_named_after_a_person_is_masked_in_locations() {
    let wb = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="张三丰" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rows = format!(r#"{HEADER_ROW}<row r="2"><c r="B2"><v>{MOBILE}</v></c></row>"#);
    let pkg = zip(&[
        ("[Content_Types].xml", CT),
        ("xl/workbook.xml", wb),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
        (
            "xl/worksheets/sheet1.xml",
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>"#
            ),
        ),
    ]);
    let r = run(&pkg, Format::Xlsx, &["张三丰", MOBILE]);
    assert!(original_found(&r, "张三丰"));
    let json = serde_json_string(&r);
    assert!(!json.contains("张三丰"), "{json}");
    assert!(
        r.residues
            .iter()
            .any(|x| x.location.sheet.as_deref() == Some("＊＊＊"))
    );
}

#[test]
fn xlsx_pivot_cache_records() {
    let rows = format!(
        r#"{HEADER_ROW}<row r="2"><c r="A2" t="inlineStr"><is><t>张*</t></is></c><c r="B2" t="inlineStr"><is><t>138****5678</t></is></c></row>"#
    );
    let records = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1"><r><s v="张三丰"/><n v="{MOBILE}"/></r></pivotCacheRecords>"#
    );
    let pkg = xlsx(&rows, &[("xl/pivotCache/pivotCacheRecords1.xml", &records)]);
    let r = run(&pkg, Format::Xlsx, &["张三丰", MOBILE]);
    assert!(original_found(&r, "张三丰"));
    assert!(original_found(&r, MOBILE));
    assert!(detected(&r, PiiKind::Mobile));
    assert!(r.residues.iter().all(|x| {
        x.location
            .part
            .as_deref()
            .is_some_and(|p| p.contains("pivotCache"))
    }));
}

#[test]
fn xlsx_rich_text_shared_string_is_joined() {
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>{}</t></r><r><rPr><b/></rPr><t>{}</t></r></si></sst>"#,
        &ID[..6],
        &ID[6..]
    );
    let rows = format!(r#"{HEADER_ROW}<row r="2"><c r="B2" t="s"><v>0</v></c></row>"#);
    let r = run(
        &xlsx(&rows, &[("xl/sharedStrings.xml", &sst)]),
        Format::Xlsx,
        &[ID],
    );
    assert!(original_found(&r, ID));
    assert!(detected(&r, PiiKind::Id18));
}

/// Parts that inflate to a megabyte or more are inflated again when checked, not kept: the
/// values in them are found all the same, in a large shared string table resolved into a
/// large sheet, and at the very end of the sheet.
#[test]
fn xlsx_large_parts_are_checked_like_small_ones() {
    let mut items = String::new();
    let mut rows = String::from(HEADER_ROW);
    for i in 0..50_000u32 {
        items.push_str(&format!("<si><t>备注第{i}行</t></si>"));
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>{i}</v></c><c r="B{r}" t="inlineStr"><is><t>138****5678</t></is></c></row>"#,
            r = i + 2
        ));
    }
    items.push_str("<si><t>张三丰</t></si>");
    rows.push_str(&format!(
        r#"<row r="50002"><c r="A50002" t="s"><v>50000</v></c><c r="B50002"><v>{MOBILE}</v></c></row>"#
    ));
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>"#
    );
    assert!(sst.len() > 1 << 20 && rows.len() > 2 << 20);
    let pkg = xlsx(&rows, &[("xl/sharedStrings.xml", &sst)]);
    let r = run(&pkg, Format::Xlsx, &["张三丰", MOBILE]);
    assert!(original_found(&r, "张三丰"));
    assert!(original_found(&r, MOBILE));
    // The cell was resolved through the large shared string table: found in the sheet too.
    assert!(r.residues.iter().any(|x| {
        x.value.expose() == "张三丰" && x.location.cell.as_deref() == Some("A50002")
    }));
    let d = r
        .residues
        .iter()
        .find(|x| x.source == ResidueSource::Detected && x.kind == Some(PiiKind::Mobile))
        .expect("mobile detected");
    assert_eq!(d.location.cell.as_deref(), Some("B50002"));
}

/// A phonetic reading (`rPh`) is not part of its string's text, but a reader can show it: a
/// phone number in one is detected, on a string that holds nothing personal.
#[test]
fn xlsx_phonetic_reading_is_read_on_its_own() {
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>正常</t><rPh sb="0" eb="2"><t>联系电话 {MOBILE}</t></rPh></si></sst>"#
    );
    let rows = format!(r#"{HEADER_ROW}<row r="2"><c r="A2" t="s"><v>0</v></c></row>"#);
    let r = run(
        &xlsx(&rows, &[("xl/sharedStrings.xml", &sst)]),
        Format::Xlsx,
        &[],
    );
    assert!(detected(&r, PiiKind::Mobile), "{:?}", r.residues);
}

/// A large part listed with its sizes is inflated only when it is checked (not also by the
/// scan): a part cut short is still reported as damaged, and what decodes before the damage is
/// still searched.
#[test]
fn xlsx_large_damaged_part_is_reported_when_checked() {
    let mut rows = String::from(HEADER_ROW);
    rows.push_str(&format!(
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>张三丰</t></is></c><c r="B2"><v>{MOBILE}</v></c></row>"#
    ));
    // Text that deflates poorly, so that the middle of the compressed data is sheet data.
    let mut x: u64 = 7;
    for i in 0..60_000u32 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        rows.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>备注{x:x}</t></is></c></row>"#,
            r = i + 3
        ));
    }
    let mut pkg = xlsx(&rows, &[]);
    let (start, len) = {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&pkg)).unwrap();
        let f = z.by_name("xl/worksheets/sheet1.xml").unwrap();
        assert!(f.size() > 2 << 20);
        (
            f.data_start().unwrap() as usize,
            f.compressed_size() as usize,
        )
    };
    let intact = run(&pkg, Format::Xlsx, &["张三丰"]);
    assert!(!intact.diagnostics.iter().any(|d| d.code == "damaged-entry"));
    // The local header says the data is half as long as it is: it ends before its stream does.
    let header = pkg[..start]
        .windows(4)
        .rposition(|w| w == b"PK\x03\x04")
        .unwrap();
    pkg[header + 18..header + 22].copy_from_slice(&((len / 2) as u32).to_le_bytes());
    let r = run(&pkg, Format::Xlsx, &["张三丰"]);
    assert!(
        r.diagnostics.iter().any(|d| d.code == "damaged-entry"),
        "{:?}",
        r.diagnostics
    );
    assert!(original_found(&r, "张三丰"));
}

// ---------------------------------------------------------------------------------------------
// Text, CSV, allowed values, limits and hostile input.

#[test]
fn csv_in_utf16_with_header() {
    let text = format!("姓名,电话\r\n张三,\"{MOBILE}\"\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let r = run(&bytes, Format::Csv, &["张三"]);
    assert!(original_found(&r, "张三"));
    assert!(detected(&r, PiiKind::Mobile));
    let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
    let r = run(&gbk, Format::Text, &["张三"]);
    assert!(original_found(&r, "张三"));
}

#[test]
fn allowed_pseudonyms_and_masks_are_not_residues() {
    let limits = Limits::default();
    let det = common::TestDetector::new();
    let allowed = vec![docsan_core::CompactString::from("13900000000")];
    let bytes = docx(&para(&format!("电话 13900000000 身份证 {MASKED_ID}")), "");
    let r = verify(&Request {
        bytes: &bytes,
        format: Format::Docx,
        originals: &[Sensitive::new(MOBILE), Sensitive::new(ID)],
        allowed: &allowed,
        detector: &det,
        limits: &limits,
    })
    .unwrap();
    assert!(r.residues.is_empty(), "{:?}", r.residues);
    assert!(r.units_checked > 0 && r.parts_checked == 3);
}

#[test]
fn residues_never_print_values() {
    let r = run(&docx(&para(ID), ""), Format::Docx, &[ID]);
    assert!(!r.residues.is_empty());
    let dbg = format!("{:?}", r);
    let json = serde_json_string(&r);
    assert!(!dbg.contains(ID) && !json.contains(ID));
}

fn serde_json_string(r: &Report) -> String {
    serde_json::to_string(r).unwrap()
}

#[test]
fn bombs_and_garbage_give_clean_errors() {
    // An entry that inflates past the entry limit.
    let big = "0".repeat(200_000);
    let pkg = zip(&[("[Content_Types].xml", CT), ("word/document.xml", &big)]);
    let limits = Limits {
        max_entry_bytes: 10_000,
        ..Limits::default()
    };
    let det = common::TestDetector::new();
    let req = |bytes: &[u8], format| {
        verify(&Request {
            bytes,
            format,
            originals: &[],
            allowed: &[],
            detector: &det,
            limits: &limits,
        })
    };
    assert_eq!(req(&pkg, Format::Docx).unwrap_err().kind, ErrorKind::Limit);
    let pdf = simple_pdf(&"A".repeat(20_000), &[]);
    assert_eq!(req(&pdf, Format::Pdf).unwrap_err().kind, ErrorKind::Limit);
    assert_eq!(
        req(b"garbage", Format::Pdf).unwrap_err().kind,
        ErrorKind::Malformed
    );
    assert_eq!(
        req(b"garbage", Format::Docx).unwrap_err().kind,
        ErrorKind::Malformed
    );
    // Every prefix of real files: no panic, no hang.
    let docx_bytes = docx(&para(ID), "");
    let pdf_bytes = custom_font_pdf(MOBILE, true);
    for (bytes, format) in [(&docx_bytes, Format::Docx), (&pdf_bytes, Format::Pdf)] {
        for cut in (0..bytes.len()).step_by(7) {
            let _ = run_lenient(&bytes[..cut], format);
        }
    }
    // Deep nesting.
    let deep = format!("%PDF-1.4\n1 0 obj {} endobj", "[".repeat(100_000));
    let _ = run_lenient(deep.as_bytes(), Format::Pdf);
    let deep_xml = format!("<a>{}</a>", "<b>".repeat(100_000));
    let pkg = zip(&[("word/document.xml", &deep_xml)]);
    assert_eq!(
        run_lenient(&pkg, Format::Docx).unwrap_err().kind,
        ErrorKind::Limit
    );
}

fn run_lenient(bytes: &[u8], format: Format) -> Result<Report, docsan_core::Error> {
    let limits = Limits::default();
    let det = common::TestDetector::new();
    verify(&Request {
        bytes,
        format,
        originals: &[Sensitive::new(MOBILE)],
        allowed: &[],
        detector: &det,
        limits: &limits,
    })
}

#[test]
fn structure_names_pages_sheets_and_parts() {
    let limits = Limits::default();
    let s = docsan_verify::structure(&simple_pdf("x", &[]), Format::Pdf, &limits).unwrap();
    assert_eq!(s.pages, Some(1));
    let s = docsan_verify::structure(&xlsx(HEADER_ROW, &[]), Format::Xlsx, &limits).unwrap();
    assert_eq!(s.sheets, vec!["名单".to_string()]);
    assert_eq!(s.parts.len(), 4);
    assert!(s.parts.contains(&"xl/worksheets/sheet1.xml".to_string()));
}

// ---------------------------------------------------------------------------------------------
// An RC4-encrypted PDF (revision 3, 128-bit key) with an empty user password, built here.

fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: Vec<u8> = (0..=255u8).collect();
    let mut j: u8 = 0;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, j as usize);
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[i as usize]);
            s.swap(i as usize, j as usize);
            b ^ s[s[i as usize].wrapping_add(s[j as usize]) as usize]
        })
        .collect()
}

fn md5(parts: &[&[u8]]) -> Vec<u8> {
    use md5::Digest;
    let mut h = md5::Md5::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().to_vec()
}

#[test]
fn pdf_encrypted_with_an_empty_user_password() {
    const PAD: [u8; 32] = [
        0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01,
        0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53,
        0x69, 0x7A,
    ];
    let id0 = b"0123456789abcdef".to_vec();
    let p: i32 = -3904;
    // O from the owner password "owner" (algorithm 3).
    let mut owner = b"owner".to_vec();
    owner.extend_from_slice(&PAD[..27]);
    let mut ok = md5(&[&owner]);
    for _ in 0..50 {
        ok = md5(&[&ok]);
    }
    let mut o = rc4(&ok, &PAD);
    for i in 1..=19u8 {
        let k: Vec<u8> = ok.iter().map(|b| b ^ i).collect();
        o = rc4(&k, &o);
    }
    // File key (algorithm 2) and U (algorithm 5).
    let mut key = md5(&[&PAD, &o, &p.to_le_bytes(), &id0]);
    for _ in 0..50 {
        key = md5(&[&key]);
    }
    let mut u = rc4(&key, &md5(&[&PAD, &id0]));
    for i in 1..=19u8 {
        let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
        u = rc4(&k, &u);
    }
    u.extend_from_slice(&[0u8; 16]);
    let obj_key = |n: u32| md5(&[&key, &n.to_le_bytes()[..3], &[0, 0]]);
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02X}")).collect::<String>();
    let content = rc4(
        &obj_key(4),
        &zlib(format!("BT /F1 12 Tf 72 720 Td (Tel {MOBILE}) Tj ET").as_bytes()),
    );
    let mut stream4 = format!(
        "<< /Length {} /Filter /FlateDecode >>\nstream\n",
        content.len()
    )
    .into_bytes();
    stream4.extend_from_slice(&content);
    stream4.extend_from_slice(b"\nendstream");
    let author = rc4(&obj_key(6), ID.as_bytes());
    let objects = vec![
        (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
        (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
        (
            3,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
                .to_vec(),
        ),
        (4, stream4),
        (
            5,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        ),
        (6, format!("<< /Author <{}> >>", hex(&author)).into_bytes()),
        (
            7,
            format!(
                "<< /Filter /Standard /V 2 /R 3 /Length 128 /P {p} /O <{}> /U <{}> >>",
                hex(&o),
                hex(&u)
            )
            .into_bytes(),
        ),
    ];
    let pdf = replace_bytes(
        &write_pdf(Vec::new(), &objects, 8, None),
        b"/Root 1 0 R",
        format!(
            "/Root 1 0 R /Info 6 0 R /Encrypt 7 0 R /ID [<{0}> <{0}>]",
            hex(&id0)
        )
        .as_bytes(),
    );
    // Nothing readable in the raw bytes.
    assert!(!pdf.windows(MOBILE.len()).any(|w| w == MOBILE.as_bytes()));
    let r = run(&pdf, Format::Pdf, &[MOBILE, ID]);
    assert!(original_found(&r, MOBILE), "{:?}", r.diagnostics);
    assert!(original_found(&r, ID));
    assert!(detected(&r, PiiKind::Mobile));
    assert!(r.diagnostics.iter().any(|d| d.code == "decrypted"));
    // With a wrong U (a real user password), the file cannot be opened.
    let locked = replace_bytes(&pdf, hex(&u[..4]).as_bytes(), b"00000000");
    let e = run_lenient(&locked, Format::Pdf).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Encrypted);
}

fn replace_bytes(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let i = hay.windows(from.len()).position(|w| w == from).unwrap();
    [&hay[..i], to, &hay[i + from.len()..]].concat()
}

#[test]
fn ratio_bombs_and_deep_embedding_are_bounded() {
    // 4 MiB of zeros deflate to a few KiB: over the ratio limit.
    let zeros = "0".repeat(4 << 20);
    let pkg = zip(&[("[Content_Types].xml", CT), ("word/document.xml", &zeros)]);
    assert!(pkg.len() < 100_000);
    assert_eq!(
        run_lenient(&pkg, Format::Docx).unwrap_err().kind,
        ErrorKind::Limit
    );
    // A document embedded in itself twenty times: the depth limit stops the recursion with a
    // warning, and the innermost value is still searched as raw bytes of the last level read.
    let mut inner = docx(&para(ID), "");
    for _ in 0..20 {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file("[Content_Types].xml", opts).unwrap();
        w.write_all(CT.as_bytes()).unwrap();
        w.start_file("word/document.xml", opts).unwrap();
        w.write_all(para("outer").as_bytes()).unwrap();
        w.start_file("word/embeddings/inner.docx", opts).unwrap();
        w.write_all(&inner).unwrap();
        inner = w.finish().unwrap().into_inner();
    }
    let r = run_lenient(&inner, Format::Docx).unwrap();
    assert!(r.diagnostics.iter().any(|d| d.code == "embedded-too-deep"));
}

#[test]
fn many_unterminated_streams_are_read_in_linear_time() {
    let mut pdf = b"%PDF-1.4\n".to_vec();
    for i in 1..40_000 {
        pdf.extend_from_slice(format!("{i} 0 obj << /Length 999999 >> stream\nxx\n").as_bytes());
    }
    let t = std::time::Instant::now();
    let _ = run_lenient(&pdf, Format::Pdf);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        t.elapsed()
    );
    // A stream without `endstream` does not hide the objects after it.
    let mut pdf = simple_pdf("x", &[]);
    pdf.extend_from_slice(b"8 0 obj << /Length 5 >> stream\nbroken\nendobj\n");
    pdf.extend_from_slice(format!("9 0 obj ({MOBILE}) endobj\n").as_bytes());
    let r = run(&pdf, Format::Pdf, &[]);
    assert!(detected(&r, PiiKind::Mobile));
}

#[test]
fn a_header_with_a_year_still_names_its_columns() {
    let rows = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>联系电话</t></is></c><c r="C1" t="inlineStr"><is><t>2021年补助金额</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>张*</t></is></c><c r="B2"><v>{MOBILE}</v></c><c r="C2"><v>300</v></c></row>"#
    );
    let units = docsan_verify::extract_units(&Request {
        bytes: &xlsx(&rows, &[]),
        format: Format::Xlsx,
        originals: &[],
        allowed: &[],
        detector: &common::TestDetector::new(),
        limits: &Limits::default(),
    })
    .unwrap();
    let b2 = units
        .iter()
        .find(|u| u.context.location.cell.as_deref() == Some("B2"))
        .unwrap();
    assert_eq!(b2.context.column_header.as_deref(), Some("联系电话"));
}

/// Finds a mobile number only on the line after a `联系电话` line: a detector that needs its
/// neighbour, like the real engine's label rules.
struct NeighbourDetector;

impl docsan_core::Detector for NeighbourDetector {
    fn detect(&self, _: &docsan_core::TextUnit) -> Vec<docsan_core::Finding> {
        Vec::new()
    }

    fn detect_all(&self, units: &[docsan_core::TextUnit]) -> Vec<docsan_core::Finding> {
        units
            .windows(2)
            .filter(|w| w[0].text == "联系电话" && w[1].text.len() == 11)
            .map(|w| docsan_core::Finding {
                unit: w[1].id,
                range: 0..11,
                kind: PiiKind::Mobile,
                rule: "test.neighbour".into(),
                confidence: 1.0,
                value: Sensitive::new(w[1].text.as_str()),
            })
            .collect()
    }
}

#[test]
fn a_long_document_is_detected_in_batches_without_losing_context_or_doubling() {
    // 60,000 lines, so detection runs in several batches; one value's label ends a batch and
    // the value starts the next, and another sits in the lines both batches see.
    let mut lines: Vec<String> = (0..60_000).map(|i| format!("第{i}行")).collect();
    let labelled = [100usize, 19_999, 19_700, 30_000, 59_998];
    for (n, &at) in labelled.iter().enumerate() {
        lines[at] = "联系电话".into();
        lines[at + 1] = format!("1381234567{n}");
    }
    let text = lines.join("\n");
    let r = verify(&Request {
        bytes: text.as_bytes(),
        format: Format::Text,
        originals: &[],
        allowed: &[],
        detector: &NeighbourDetector,
        limits: &Limits::default(),
    })
    .unwrap();
    let mut found: Vec<u32> = r
        .residues
        .iter()
        .filter(|x| x.source == ResidueSource::Detected)
        .map(|x| x.location.line.unwrap())
        .collect();
    found.sort();
    let want: Vec<u32> = {
        let mut w: Vec<u32> = labelled.iter().map(|&a| a as u32 + 2).collect();
        w.sort();
        w
    };
    assert_eq!(found, want, "every value once, at its 1-based line");
    assert_eq!(r.units_checked, 60_000);
}

#[test]
fn only_detections_inside_a_replacement_are_excused() {
    let limits = Limits::default();
    let det = common::TestDetector::new();
    // A pseudonym docsan wrote, with a detectable number inside it, and a real number beside.
    let allowed = vec![docsan_core::CompactString::from("编号13900000000号")];
    let bytes = docx(&para("编号13900000000号 另 13711112222"), "");
    let r = verify(&Request {
        bytes: &bytes,
        format: Format::Docx,
        originals: &[],
        allowed: &allowed,
        detector: &det,
        limits: &limits,
    })
    .unwrap();
    let found: Vec<&str> = r.residues.iter().map(|x| x.value.expose()).collect();
    assert_eq!(found, ["13711112222"], "{:?}", r.residues);
}

/// A Power Query package (`DataMashup`, base64 in a custom XML item) is decoded and its queries
/// checked: a phone typed into a query is found; the masked twin is clean.
#[test]
fn xlsx_power_query_package() {
    fn b64(data: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in data.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                out.push(if i <= c.len() {
                    char::from(A[(n >> (18 - 6 * i)) as usize & 63])
                } else {
                    '='
                });
            }
        }
        out
    }
    let item = |phone: &str| {
        let query = format!(
            "section Section1;\nshared 名单 = let 源 = #table({{\"手机\"}},{{{{\"{phone}\"}}}}) in 源;"
        );
        let package = zip(&[("Formulas/Section1.m", &query)]);
        let mut blob = vec![0u8; 4];
        blob.extend((package.len() as u32).to_le_bytes());
        blob.extend(package);
        blob.extend([0u8; 4]);
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><DataMashup xmlns="http://schemas.microsoft.com/DataMashup">{}</DataMashup>"#,
            b64(&blob)
        )
    };
    let planted = item(MOBILE);
    let r = run(
        &xlsx(HEADER_ROW, &[("customXml/item1.xml", &planted)]),
        Format::Xlsx,
        &[MOBILE],
    );
    assert!(original_found(&r, MOBILE));
    assert!(detected(&r, PiiKind::Mobile));
    assert!(
        r.residues.iter().all(|x| x
            .location
            .to_string()
            .contains("DataMashup!Formulas/Section1.m")),
        "{:?}",
        r.residues
    );
    let masked = item("138****5678");
    let clean = xlsx(HEADER_ROW, &[("customXml/item1.xml", &masked)]);
    assert!(run(&clean, Format::Xlsx, &[MOBILE]).residues.is_empty());

    // A prefixed element, and a value in the metadata after the package (a query's
    // description), are read too.
    let query = "section Section1;\nshared 名单 = 1;";
    let package = zip(&[("Formulas/Section1.m", query)]);
    let mut blob = vec![0u8; 4];
    blob.extend((package.len() as u32).to_le_bytes());
    blob.extend(package);
    let meta = format!(
        "<LocalPackageMetadataFile><Entry Type=\"Description\" Value=\"经办人电话 {MOBILE}\"/></LocalPackageMetadataFile>"
    );
    blob.extend((meta.len() as u32).to_le_bytes());
    blob.extend(meta.as_bytes());
    let prefixed = format!(
        r#"<?xml version="1.0"?><dm:DataMashup xmlns:dm="http://schemas.microsoft.com/DataMashup">{}</dm:DataMashup>"#,
        b64(&blob)
    );
    let r = run(
        &xlsx(HEADER_ROW, &[("customXml/item1.xml", &prefixed)]),
        Format::Xlsx,
        &[MOBILE],
    );
    assert!(
        r.residues
            .iter()
            .any(|x| x.location.to_string().contains("DataMashup!metadata")),
        "{:?}",
        r.residues
    );
}
