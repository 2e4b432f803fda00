//! A deterministic synthetic workbook for the project's benchmark and for tests.
//!
//! The workbook has a title row, a header row and `rows` data rows with a name, an 18-digit
//! resident ID (valid check digit) and an amount as shared strings, and a mobile number as a
//! numeric cell, the way Excel writes a subsidy list. Values come from a fixed linear
//! congruential generator, so the same `rows` always gives the same bytes.

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// The GB 11643 check character of the first seventeen digits.
fn id_check(first17: &[u8]) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .iter()
        .zip(W)
        .map(|(d, w)| (d - b'0') as u32 * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

fn xml_part(w: &mut ZipWriter<Cursor<Vec<u8>>>, name: &str, body: &[u8]) {
    let t = DateTime::from_date_and_time(2021, 11, 1, 9, 0, 0).unwrap_or_default();
    let opts = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(t);
    // Writing to an in-memory vector cannot fail except on allocation failure.
    let _ = w.start_file(name, opts);
    let _ = w.write_all(body);
}

/// Builds a workbook with `rows` data rows (deterministic).
pub fn generate_large_sheet(rows: usize) -> Vec<u8> {
    let mut rng = Lcg(20211101);
    let mut sst: Vec<String> = vec![
        "困难群众救助发放名单".into(),
        "序号".into(),
        "姓名".into(),
        "身份证号".into(),
        "联系电话".into(),
        "救助金额".into(),
    ];
    let mut sheet = String::with_capacity(rows * 200 + 1024);
    sheet.push_str(r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#);
    sheet.push_str("\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><dimension ref=\"A1:E");
    sheet.push_str(&(rows + 2).to_string());
    sheet.push_str("\"/><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row><row r=\"2\"><c r=\"A2\" t=\"s\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"C2\" t=\"s\"><v>3</v></c><c r=\"D2\" t=\"s\"><v>4</v></c><c r=\"E2\" t=\"s\"><v>5</v></c></row>");
    let mut count = 6usize;
    for i in 0..rows {
        let r = i + 3;
        let name = format!(
            "{}{}{}",
            SURNAMES[(rng.next() % SURNAMES.len() as u64) as usize],
            GIVEN[(rng.next() % GIVEN.len() as u64) as usize],
            GIVEN[(rng.next() % GIVEN.len() as u64) as usize]
        );
        let year = 1950 + rng.next() % 55;
        let month = 1 + rng.next() % 12;
        let day = 1 + rng.next() % 28;
        let seq = rng.next() % 1000;
        let first17 = format!("340702{year:04}{month:02}{day:02}{seq:03}");
        let id = format!("{first17}{}", id_check(first17.as_bytes()));
        let phone = 13_000_000_000u64 + rng.next() % 999_999_999;
        let amount = format!("{}.{:02}", 100 + rng.next() % 9000, rng.next() % 100);
        let ni = sst.len();
        sst.push(name);
        sst.push(id);
        sheet.push_str(&format!(
            "<row r=\"{r}\"><c r=\"A{r}\"><v>{}</v></c><c r=\"B{r}\" t=\"s\"><v>{ni}</v></c><c r=\"C{r}\" t=\"s\"><v>{}</v></c><c r=\"D{r}\" s=\"1\"><v>{phone}</v></c><c r=\"E{r}\"><v>{amount}</v></c></row>",
            i + 1,
            ni + 1
        ));
        count += 2;
    }
    sheet.push_str("</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:E1\"/></mergeCells><headerFooter><oddHeader>&amp;C救助名单</oddHeader></headerFooter></worksheet>");
    let mut sst_xml = String::with_capacity(sst.len() * 40 + 256);
    sst_xml.push_str(&format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{count}\" uniqueCount=\"{}\">", sst.len()));
    for s in &sst {
        sst_xml.push_str("<si><t>");
        sst_xml.push_str(s);
        sst_xml.push_str("</t></si>");
    }
    sst_xml.push_str("</sst>");

    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    xml_part(&mut w, "[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#);
    xml_part(&mut w, "_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#);
    xml_part(&mut w, "docProps/core.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator>王建国</dc:creator><cp:lastModifiedBy>李秀英</cp:lastModifiedBy></cp:coreProperties>".as_bytes());
    xml_part(&mut w, "xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>".as_bytes());
    xml_part(&mut w, "xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#);
    xml_part(&mut w, "xl/styles.xml", br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#);
    xml_part(&mut w, "xl/worksheets/sheet1.xml", sheet.as_bytes());
    xml_part(&mut w, "xl/sharedStrings.xml", sst_xml.as_bytes());
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}
