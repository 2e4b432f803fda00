//! Helpers shared by the integration tests: a value-based planner, part decoding for residue
//! checks, and the location of the shared material.

#![allow(dead_code)]

use docsan_core::{Edit, Plan, TextUnit, UnitId};
use std::io::{Cursor, Read};

/// Where the shared dev-set and corpus live (absent on machines without them).
pub fn shared_dir() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if p.is_dir() { Some(p) } else { None }
}

/// A mask of the same length: ASCII characters become `*`, others `＊`.
pub fn mask(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii() { '*' } else { '＊' })
        .collect()
}

/// Plans a mask of every occurrence of every value in every unit.
pub fn plan_values(units: &[TextUnit], values: &[&str]) -> Plan {
    let mut edits = Vec::new();
    for u in units {
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
        for v in values {
            if v.is_empty() {
                continue;
            }
            let mut from = 0;
            while let Some(p) = u.text[from..].find(v) {
                let s = from + p;
                ranges.push(s..s + v.len());
                from = s + v.len();
            }
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
        for r in ranges {
            match merged.last_mut() {
                Some(m) if r.start <= m.end => m.end = m.end.max(r.end),
                _ => merged.push(r),
            }
        }
        for r in merged {
            edits.push(Edit {
                unit: u.id,
                replacement: mask(&u.text[r.clone()]).into(),
                range: r,
            });
        }
    }
    Plan {
        edits,
        ..Plan::default()
    }
}

/// Plans a mask of whole units.
pub fn plan_units(units: &[TextUnit], ids: &[UnitId]) -> Plan {
    let edits = ids
        .iter()
        .map(|id| {
            let u = &units[id.0 as usize];
            Edit {
                unit: u.id,
                range: 0..u.text.len(),
                replacement: mask(&u.text).into(),
            }
        })
        .collect();
    Plan {
        edits,
        ..Plan::default()
    }
}

/// Every entry of a zip: name and decompressed bytes.
pub fn entries(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let mut v = Vec::new();
        f.read_to_end(&mut v).expect("read");
        out.push((String::from_utf8_lossy(f.name_raw()).into_owned(), v));
    }
    out
}

/// A part's text with character references and the predefined entities decoded, so that a
/// value stored as `&#25105;` is found.
pub fn decoded_text(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(s.len());
    let mut rest: &str = &s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        match after.find(';').filter(|&k| k <= 10) {
            Some(k) => {
                let ent = &after[..k];
                let c = match ent {
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    _ => ent.strip_prefix('#').and_then(|n| {
                        let v = match n.strip_prefix('x') {
                            Some(h) => u32::from_str_radix(h, 16).ok(),
                            None => n.parse().ok(),
                        };
                        v.and_then(char::from_u32)
                    }),
                };
                match c {
                    Some(c) => out.push(c),
                    None => out.push_str(&rest[p..p + k + 2]),
                }
                rest = &after[k + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Builds a zip package from (name, content) pairs, deflated, with a fixed timestamp.
pub fn build_zip(parts: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let t = zip::DateTime::from_date_and_time(2021, 11, 1, 9, 0, 0).expect("date");
    for (name, body) in parts {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(t);
        w.start_file(*name, opts).expect("start");
        w.write_all(body.as_bytes()).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

pub const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
pub const RNS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
pub const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A small but complete workbook with personal data in every kind of place.
pub fn rich_workbook() -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet3.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"/><Override PartName="/xl/threadedComments/threadedComment1.xml" ContentType="application/vnd.ms-excel.threadedcomments+xml"/><Override PartName="/xl/persons/person.xml" ContentType="application/vnd.ms-excel.person+xml"/><Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheDefinition+xml"/><Override PartName="/xl/pivotCache/pivotCacheRecords1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.pivotCacheRecords+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;
    let root_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>"#
    );
    let core = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:creator>欧阳锋</dc:creator><cp:lastModifiedBy>黄药师</cp:lastModifiedBy><dcterms:created>2021-10-30T08:30:00Z</dcterms:created></cp:coreProperties>"#;
    let app = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application><Manager>洪七公</Manager><Company>桃花岛</Company></Properties>"#;
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{NS}" xmlns:r="{RNS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"><fileVersion appName="xl"/><fileSharing userName="段智兴" reservationPassword="CC3D"/><workbookPr/><mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath url="C:\Users\duanzx\Desktop\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><sheets><sheet name="名单" sheetId="1" r:id="rId1"/><sheet name="备份" sheetId="2" state="hidden" r:id="rId2"/><sheet name="档案" sheetId="3" state="veryHidden" r:id="rId3"/></sheets><definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">名单!$3:$3</definedName></definedNames><pivotCaches><pivotCache cacheId="1" r:id="rId7"/></pivotCaches></workbook>"#
    );
    let wb_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="{REL}/worksheet" Target="worksheets/sheet3.xml"/><Relationship Id="rId4" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId5" Type="{REL}/styles" Target="styles.xml"/><Relationship Id="rId6" Type="{REL}/calcChain" Target="calcChain.xml"/><Relationship Id="rId7" Type="{REL}/pivotCacheDefinition" Target="pivotCache/pivotCacheDefinition1.xml"/><Relationship Id="rId8" Type="http://schemas.microsoft.com/office/2017/10/relationships/person" Target="persons/person.xml"/></Relationships>"#
    );
    // 0 title, 1-5 headers, 6 rich-text ID, 7 a name used twice, 8 a name with a phonetic run,
    // 9 an unused string.
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="{NS}" count="12" uniqueCount="10"><si><t>2021年救助名单</t></si><si><t>序号</t></si><si><t>姓名</t></si><si><t>身份证号</t></si><si><t>联系电话</t></si><si><t>备注</t></si><si><r><rPr><b/><sz val="11"/></rPr><t>110101199003</t></r><r><rPr><sz val="11"/></rPr><t>071234</t></r></si><si><t>郭靖</t></si><si><t>黄蓉</t><rPh sb="0" eb="2"><t>huangrong</t></rPh><phoneticPr fontId="1" type="noConversion"/></si><si><t xml:space="preserve"> 未使用 </t></si></sst>"#
    );
    let sheet1 = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{NS}" xmlns:r="{RNS}"><dimension ref="A1:E6"/><sheetData><row r="1"><c r="A1" s="1" t="s"><v>0</v></c></row><row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>2</v></c><c r="C3" t="s"><v>3</v></c><c r="D3" t="s"><v>4</v></c><c r="E3" t="s"><v>5</v></c></row><row r="4"><c r="A4"><v>1</v></c><c r="B4" t="s"><v>7</v></c><c r="C4" t="s"><v>6</v></c><c r="D4" s="2"><v>13812345678</v></c><c r="E4" t="s"><v>9</v></c></row><row r="5" hidden="1"><c r="A5"><v>2</v></c><c r="B5" t="s"><v>8</v></c><c r="C5" s="2"><v>1.10101199003071E+17</v></c><c r="D5" s="2"><f>13900000000+12345678</f><v>13912345678</v></c><c r="E5" t="s"><v>7</v></c></row><row r="6"><c r="A6"><v>3</v></c><c r="B6" t="inlineStr"><is><t>&#26472;&#36807;</t></is></c><c r="C6" t="str"><f>"11010119"&amp;"9003071234"</f><v>110101199003071234</v></c><c r="D6"><v>100.5</v></c><c r="E6" t="s"><v>5</v></c></row><row r="8"><c r="A8" t="inlineStr"><is><t>联系电话：</t></is></c><c r="B8"><v>13500000000</v></c></row><row r="9"><c r="A9" t="inlineStr"><is><t>审核人</t></is></c><c r="B9" t="inlineStr"><is><t>裘千仞</t></is></c></row></sheetData><mergeCells count="1"><mergeCell ref="A1:E1"/></mergeCells><hyperlinks><hyperlink ref="E6" r:id="rId1" display="guojing@example.com" tooltip="写信给郭靖"/></hyperlinks><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><headerFooter><oddHeader>&amp;L制表人：郭靖&amp;R电话13812345678</oddHeader></headerFooter><legacyDrawing r:id="rId3"/></worksheet>"#
    );
    let sheet1_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/hyperlink" Target="mailto:guojing@example.com" TargetMode="External"/><Relationship Id="rId2" Type="{REL}/comments" Target="../comments1.xml"/><Relationship Id="rId3" Type="{REL}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" Target="../threadedComments/threadedComment1.xml"/></Relationships>"#
    );
    let sheet2 = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>电话</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>周伯通</t></is></c><c r="B2"><v>13600000000</v></c></row></sheetData></worksheet>"#
    );
    let sheet3 = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>联系人：</t></is></c><c r="B1" t="inlineStr"><is><t>一灯大师</t></is></c></row></sheetData></worksheet>"#
    );
    let comments = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<comments xmlns="{NS}"><authors><author>柯镇恶</author></authors><commentList><comment ref="B4" authorId="0"><text><r><rPr><b/></rPr><t>柯镇恶:</t></r><r><t xml:space="preserve">核实人郭</t></r><r><t>靖电话13812345678</t></r></text></comment></commentList></comments>"#
    );
    let vml = r##"<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t202" alt="郭靖的批注"><v:textbox><div style="text-align:left"><font face="宋体">柯镇恶:</font><font>核实郭靖<br></font></div></v:textbox><x:ClientData ObjectType="Note"><x:Row>3</x:Row><x:Column>1</x:Column></x:ClientData></v:shape></xml>"##;
    let threaded = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><threadedComment ref="B4" dT="2021-11-01T09:00:00.00" personId="{11111111-2222-3333-4444-555555555555}" id="{AAAAAAAA-2222-3333-4444-555555555555}"><text>请核实郭靖的电话13812345678</text></threadedComment></ThreadedComments>"#;
    let persons = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments"><person displayName="柯镇恶" id="{11111111-2222-3333-4444-555555555555}" userId="kezhene@example.com" providerId="None"/></personList>"#;
    let pivot_def = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheDefinition xmlns="{NS}" xmlns:r="{RNS}" r:id="rId1" refreshedBy="周芷若" recordCount="2"><cacheSource type="worksheet"><worksheetSource ref="A3:E6" sheet="名单"/></cacheSource><cacheFields count="2"><cacheField name="姓名" numFmtId="0"><sharedItems><s v="郭靖"/><s v="黄蓉"/></sharedItems></cacheField><cacheField name="联系电话" numFmtId="0"><sharedItems containsNumber="1"/></cacheField></cacheFields></pivotCacheDefinition>"#
    );
    let pivot_def_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/pivotCacheRecords" Target="pivotCacheRecords1.xml"/></Relationships>"#
    );
    let pivot_rec = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotCacheRecords xmlns="{NS}" count="2"><r><x v="0"/><n v="13812345678"/></r><r><s v="黄蓉"/><n v="13912345678"/></r></pivotCacheRecords>"#
    );
    let calc = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<calcChain xmlns="{NS}"><c r="D5" i="1"/><c r="C6" i="1"/></calcChain>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0"/></numFmts><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    build_zip(&[
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", &root_rels),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
        ("xl/workbook.xml", &workbook),
        ("xl/_rels/workbook.xml.rels", &wb_rels),
        ("xl/sharedStrings.xml", &sst),
        ("xl/styles.xml", &styles),
        ("xl/worksheets/sheet1.xml", &sheet1),
        ("xl/worksheets/_rels/sheet1.xml.rels", &sheet1_rels),
        ("xl/worksheets/sheet2.xml", &sheet2),
        ("xl/worksheets/sheet3.xml", &sheet3),
        ("xl/comments1.xml", &comments),
        ("xl/drawings/vmlDrawing1.vml", vml),
        ("xl/threadedComments/threadedComment1.xml", threaded),
        ("xl/persons/person.xml", persons),
        ("xl/pivotCache/pivotCacheDefinition1.xml", &pivot_def),
        (
            "xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels",
            &pivot_def_rels,
        ),
        ("xl/pivotCache/pivotCacheRecords1.xml", &pivot_rec),
        ("xl/calcChain.xml", &calc),
    ])
}

/// The personal values of [`rich_workbook`].
pub const RICH_VALUES: &[&str] = &[
    // Who refreshed the pivot cache (`refreshedBy`).
    "周芷若",
    "欧阳锋",
    "黄药师",
    "洪七公",
    "段智兴",
    "duanzx",
    "郭靖",
    "黄蓉",
    "huangrong",
    "杨过",
    "110101199003071234",
    "13812345678",
    "1.10101199003071E+17",
    "13912345678",
    "guojing@example.com",
    "柯镇恶",
    "kezhene@example.com",
    "周伯通",
    "13600000000",
    "一灯大师",
    "裘千仞",
];
