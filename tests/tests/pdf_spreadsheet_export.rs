//! A workbook exported to PDF by LibreOffice Calc (`soffice --headless --convert-to pdf` of
//! `tests/fixtures/xlsx/openpyxl-every-location.xlsx`, saved as
//! `tests/fixtures/pdf/calc-overflowing-cells.pdf`). Calc draws each cell's text at the cell's
//! left edge with no gap to the neighbouring cell, lets an address run on under the next
//! cell's e-mail address, clips a long number at the next cell's edge (the clipped glyph still
//! drawn), right-aligns row numbers and numbers, and leaves cells empty in a sparse row.
//!
//! Before the layout read such rows cell by cell, this file failed (addresses found only by
//! the verifier), and a version of the reading that found the addresses but not the names
//! wrote it out with every name intact: hence the check that no name is left, whatever else.

use docsan::{Options, Sanitizer, Status};
use docsan_tests::oracle;

#[test]
fn a_calc_export_with_overflowing_cells_is_sanitized_without_residue() {
    let path = docsan_tests::repo_root().join("tests/fixtures/pdf/calc-overflowing-cells.pdf");
    let bytes = std::fs::read(&path).unwrap();
    let s = Sanitizer::new(Options::default()).unwrap();
    let (report, out) = s.sanitize(&bytes, Some("calc.pdf"));
    let out = out.unwrap_or_else(|| panic!("not sanitized: {:?}", report.error));
    assert_eq!(report.status, Status::Sanitized);

    let values = [
        "张伟",
        "李秀英",
        "王建国",
        "王小明",
        "赵敏",
        "孙丽",
        "周杰",
        "18612345678",
        "安徽省铜陵市义安区五松镇幸福路12号",
        "北京市朝阳区建国路88号3栋1201室",
        "江苏省南京市玄武区中山路1号",
        "lxy1979@163.com",
    ];
    let kept = [
        "2021年度困难群众救助发放名单",
        "序号",
        "姓名",
        "家庭住址",
        "电子邮箱",
        "金额",
    ];
    oracle::check_pdf_text(&bytes, &out, &values, &kept);
}
