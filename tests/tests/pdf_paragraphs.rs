//! A plain-text list of statements exported to PDF by LibreOffice (`soffice --headless
//! --convert-to pdf tests/fixtures/pdf/short-lines.txt`, on a machine without CJK fonts, so
//! every Chinese character is a fallback glyph with its text in `/ActualText`), saved as
//! `tests/fixtures/pdf/short-lines.pdf`. Each statement is one short line, set as close to
//! the next as the lines of a wrapped paragraph.
//!
//! The layout used to read every line after the first as the continuation of one paragraph,
//! so an address ran on into the next line's label (`…幸福路12号开户账号`) and was missed, a
//! list of names ran into the next line's label, and the file failed closed on what the
//! verifier found. A line now runs on only when it reaches the right end of the text.

use docsan::{Options, Sanitizer, Status};
use docsan_tests::oracle;

#[test]
fn short_lines_are_statements_of_their_own() {
    let path = docsan_tests::repo_root().join("tests/fixtures/pdf/short-lines.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&bytes, Some("short-lines.pdf"));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);
    let checked = s.verify(&out, Some("out.pdf"));
    assert_eq!(checked.status, Status::Clean, "{:?}", checked.residues);

    let values = [
        "张三丰",
        "李秀英",
        "王建国",
        "李娜",
        "张小明",
        "铜陵市义安区五松镇幸福路12号",
        "长江西路100号2栋301室",
        "1985年3月12日",
        "赵敏",
        "刘德华",
        "买买提",
        "6228480402564890018",
        "13912345678",
    ];
    let kept = [
        "获奖名单：",
        "家庭成员：",
        "现住址：",
        "开户账号：6228",
        "申请人张",
        "于2021年3月提出申请",
        "中国农业银行",
    ];
    oracle::check_pdf_text(&bytes, &out, &values, &kept);
}
