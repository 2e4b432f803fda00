//! The bundled samples: small synthetic disclosure documents with fake personal data.
//!
//! `cargo xtask samples` writes them to `samples/`; a test regenerates them and compares
//! byte-for-byte, so the generator stays deterministic (fixed seed, fixed zip timestamps, no
//! clock). The documents are shaped like real attachments: a subsidy list as CSV (UTF-8 and
//! GBK), a notice as text, a health-check roster as DOCX, a compensation list as XLSX, and an
//! exam result list as PDF with a non-embedded Chinese font.

use crate::fake::{self, Rng};
use std::io::{Cursor, Write};

/// One person of a list.
#[derive(Clone, Debug)]
pub struct Person {
    pub name: String,
    pub id: String,
    pub mobile: String,
    pub card: String,
    pub address: String,
    pub amount: String,
}

/// `n` fake people from `seed`.
pub fn people(seed: u64, n: usize) -> Vec<Person> {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| Person {
            name: fake::name(&mut r),
            id: fake::id18(&mut r),
            mobile: fake::mobile(&mut r),
            card: fake::card(&mut r),
            address: fake::address(&mut r),
            amount: format!(
                "{},{:03}.{:02}",
                1 + r.below(9),
                r.below(1000),
                r.below(100)
            ),
        })
        .collect()
}

/// Every sample as (relative path, bytes).
pub fn generate() -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "补贴名单.csv".into(),
            subsidy_csv(&people(1, 12)).into_bytes(),
        ),
        (
            "gbk/困难群众救助名单.csv".into(),
            encoding_rs::GBK
                .encode(&subsidy_csv(&people(2, 8)))
                .0
                .into_owned(),
        ),
        (
            "公示说明.txt".into(),
            notice_txt(&people(3, 2)).into_bytes(),
        ),
        (
            "health/孕前优生健康检查名单.docx".into(),
            roster_docx(&people(4, 6)),
        ),
        (
            "公益林补偿公示.xlsx".into(),
            compensation_xlsx(&people(5, 10)),
        ),
        ("考试成绩公示.pdf".into(), results_pdf(&people(6, 8))),
    ]
}

pub fn subsidy_csv(people: &[Person]) -> String {
    let mut s = String::from("序号,姓名,身份证号,联系电话,银行卡号,家庭住址,补贴金额（元）\n");
    for (i, p) in people.iter().enumerate() {
        s.push_str(&format!(
            "{},{},{},{},{},{},\"{}\"\n",
            i + 1,
            p.name,
            p.id,
            p.mobile,
            p.card,
            p.address,
            p.amount
        ));
    }
    s.push_str("合计,,,,,,\"以上金额已于2021年7月31日发放，文号铜政办〔2021〕12号\"\n");
    s
}

pub fn notice_txt(people: &[Person]) -> String {
    let a = &people[0];
    let b = &people[1];
    format!(
        "关于2021年度困难群众医疗救助情况的公示\n\n\
         根据皖财社〔2015〕102号文件，现将救助情况公示如下。\n\
         申请人：{}，身份证号：{}，联系电话：{}，家庭住址：{}。\n\
         监护人{}，手机 {}，救助金额1,250.00元。\n\
         公示期为2021年7月1日至2021年7月7日。监督电话：0562-2812345。\n\
         地址：铜陵市义安区人民路49号政务服务中心4楼\n",
        a.name, a.id, a.mobile, a.address, b.name, b.mobile
    )
}

/// Fixed timestamp for every zip entry, so output is the same on every run.
fn zip_time() -> zip::DateTime {
    zip::DateTime::from_date_and_time(2021, 7, 1, 9, 0, 0).unwrap_or_default()
}

fn zip_parts(parts: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time());
    for (name, body) in parts {
        w.start_file(*name, opts).expect("zip entry");
        w.write_all(body.as_bytes()).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn w_para(text: &str) -> String {
    format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>",
        esc(text)
    )
}

fn w_cell(text: &str) -> String {
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"1400\" w:type=\"dxa\"/></w:tcPr>{}</w:tc>",
        w_para(text)
    )
}

pub fn roster_docx(people: &[Person]) -> Vec<u8> {
    let mut body = String::new();
    body.push_str(&w_para("2021年孕前优生健康检查名单"));
    let lead = &people[0];
    // A value split across runs, as Word does at a formatting change.
    body.push_str(&format!(
        "<w:p><w:r><w:t xml:space=\"preserve\">联系人：{}，电话：{}</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{}</w:t></w:r></w:p>",
        esc(&lead.name),
        &lead.mobile[..5],
        &lead.mobile[5..]
    ));
    body.push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
    for _ in 0..5 {
        body.push_str("<w:gridCol w:w=\"1400\"/>");
    }
    body.push_str("</w:tblGrid><w:tr>");
    for h in ["序号", "姓名", "身份证号码", "联系电话", "家庭住址"] {
        body.push_str(&w_cell(h));
    }
    body.push_str("</w:tr>");
    for (i, p) in people.iter().enumerate().skip(1) {
        body.push_str("<w:tr>");
        for c in [
            i.to_string(),
            p.name.clone(),
            p.id.clone(),
            p.mobile.clone(),
            p.address.clone(),
        ] {
            body.push_str(&w_cell(&c));
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    body.push_str(&w_para(
        "体检地点：义安区妇幼保健计划生育服务中心，2021年3月15日。",
    ));
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"{W_NS}\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>"
    );
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/><Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/></Types>".to_string();
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/></Relationships>".to_string();
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:title>孕前优生健康检查名单</dc:title><dc:creator>{}</dc:creator></cp:coreProperties>",
        esc(&people[people.len() - 1].name)
    );
    zip_parts(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("word/document.xml", document),
        ("docProps/core.xml", core),
    ])
}

fn col(i: usize) -> char {
    char::from(b'A' + i as u8)
}

pub fn compensation_xlsx(people: &[Person]) -> Vec<u8> {
    let mut strings: Vec<String> = Vec::new();
    let idx = |s: &str, strings: &mut Vec<String>| -> usize {
        match strings.iter().position(|x| x == s) {
            Some(i) => i,
            None => {
                strings.push(s.to_string());
                strings.len() - 1
            }
        }
    };
    let mut rows = String::new();
    let title = idx("义安区2021年公益林补偿资金发放公示", &mut strings);
    rows.push_str(&format!(
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>{title}</v></c></row>"
    ));
    rows.push_str("<row r=\"2\">");
    for (i, h) in [
        "序号",
        "户主姓名",
        "身份证号码",
        "联系电话",
        "开户账号",
        "补偿金额",
    ]
    .iter()
    .enumerate()
    {
        let s = idx(h, &mut strings);
        rows.push_str(&format!("<c r=\"{}2\" t=\"s\"><v>{s}</v></c>", col(i)));
    }
    rows.push_str("</row>");
    for (n, p) in people.iter().enumerate() {
        let r = n + 3;
        let name = idx(&p.name, &mut strings);
        let id = idx(&p.id, &mut strings);
        let card = idx(&p.card, &mut strings);
        let amount = p.amount.replace(',', "");
        rows.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\"><v>{}</v></c><c r=\"B{r}\" t=\"s\"><v>{name}</v></c><c r=\"C{r}\" t=\"s\"><v>{id}</v></c><c r=\"D{r}\"><v>{}</v></c><c r=\"E{r}\" t=\"s\"><v>{card}</v></c><c r=\"F{r}\"><v>{amount}</v></c></row>",
            n + 1,
            p.mobile
        ));
    }
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:F1\"/></mergeCells><headerFooter><oddFooter>&amp;C制表人：{}</oddFooter></headerFooter></worksheet>",
        esc(&people[0].name)
    );
    let sst_items: String = strings
        .iter()
        .map(|s| format!("<si><t>{}</t></si>", esc(s)))
        .collect();
    let sst = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{}\" uniqueCount=\"{}\">{sst_items}</sst>",
        strings.len(),
        strings.len()
    );
    let workbook = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"公示\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".to_string();
    let wb_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>".to_string();
    let styles = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"宋体\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs></styleSheet>".to_string();
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>".to_string();
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>".to_string();
    zip_parts(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", sst),
        ("xl/styles.xml", styles),
    ])
}

/// UCS-2 hex string for the `UniGB-UCS2-H` CMap.
fn ucs2_hex(s: &str) -> String {
    let mut h = String::from("<");
    for u in s.encode_utf16() {
        h.push_str(&format!("{u:04X}"));
    }
    h.push('>');
    h
}

/// A one-page PDF drawn with the non-embedded `STSong-Light` font (Adobe-GB1, UniGB-UCS2-H), as
/// reportlab writes it: every reader has the font, nothing is embedded.
pub fn results_pdf(people: &[Person]) -> Vec<u8> {
    let mut content = String::from("BT\n/F1 14 Tf\n60 790 Td\n");
    content.push_str(&format!(
        "{} Tj\n",
        ucs2_hex("2021年事业单位招聘考试成绩公示")
    ));
    content.push_str("ET\n");
    let cols = [60.0, 100.0, 160.0, 330.0, 430.0];
    let header = ["序号", "姓名", "身份证号", "手机号码", "笔试成绩"];
    let mut y = 750.0;
    let line = |cells: [String; 5], y: f64, content: &mut String| {
        for (x, c) in cols.iter().zip(cells) {
            content.push_str(&format!(
                "BT\n/F1 10 Tf\n1 0 0 1 {x} {y} Tm\n{} Tj\nET\n",
                ucs2_hex(&c)
            ));
        }
    };
    line(header.map(String::from), y, &mut content);
    for (i, p) in people.iter().enumerate() {
        y -= 20.0;
        let score = format!("{}.{}", 60 + (i * 7) % 35, i % 10);
        line(
            [
                (i + 1).to_string(),
                p.name.clone(),
                p.id.clone(),
                p.mobile.clone(),
                score,
            ],
            y,
            &mut content,
        );
    }
    content.push_str(&format!(
        "BT\n/F1 10 Tf\n60 {} Td\n{} Tj\nET\n",
        y - 40.0,
        ucs2_hex("公示期：2021年8月2日至8月6日，监督电话：0562-2812345")
    ));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [5 0 R] >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>".to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_string(),
        "<< /Title (Exam results) /Producer (docsan samples) >>".to_string(),
    ];
    write_pdf(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n", &objects, " /Info 8 0 R")
}

/// A PDF of `pages` pages, each a table of `rows` people, for benchmarks.
pub fn long_pdf(seed: u64, pages: usize, rows: usize) -> Vec<u8> {
    let everyone = people(seed, pages * rows);
    let mut objects: Vec<String> = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        String::new(),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>".to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>".to_string(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_string(),
    ];
    let mut kids = Vec::new();
    for (p, chunk) in everyone.chunks(rows).enumerate() {
        let mut content = String::new();
        let mut y = 800.0;
        for (i, person) in chunk.iter().enumerate() {
            let cells = [
                (p * rows + i + 1).to_string(),
                person.name.clone(),
                person.id.clone(),
                person.mobile.clone(),
                person.amount.clone(),
            ];
            for (x, c) in [60.0, 100.0, 160.0, 330.0, 430.0].iter().zip(cells) {
                content.push_str(&format!(
                    "BT\n/F1 10 Tf\n1 0 0 1 {x} {y} Tm\n{} Tj\nET\n",
                    ucs2_hex(&c)
                ));
            }
            y -= 18.0;
        }
        let page_id = objects.len() + 1;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            page_id + 1
        ));
        objects.push(format!(
            "<< /Length {} >>\nstream\n{content}endstream",
            content.len()
        ));
        kids.push(format!("{page_id} 0 R"));
    }
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        kids.len()
    );
    write_pdf(b"%PDF-1.4\n", &objects, "")
}

/// Writes numbered objects (object 1 is the catalog) with a classic cross-reference table.
/// `trailer_extra` is added to the trailer dictionary (` /Info 8 0 R`).
pub fn write_pdf(header: &[u8], objects: &[String], trailer_extra: &str) -> Vec<u8> {
    let mut pdf = header.to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
