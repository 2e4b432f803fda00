//! Sanitized workbooks and documents still open in LibreOffice, with every non-personal cell
//! unchanged and personal cells masked. Skips when `soffice` is not installed (`.ci/run`
//! installs it).

use docsan::{Options, Sanitizer};
use std::path::Path;
use std::process::{Command, Stdio};

fn soffice() -> bool {
    Command::new("soffice")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Converts `file` with LibreOffice headless into `dir`, returning the converted text.
fn convert(file: &Path, to: &str, dir: &Path) -> Option<String> {
    let profile = dir.join("lo-profile");
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        return None;
    }
    let ext = to.split(':').next().unwrap_or(to);
    let out = dir.join(Path::new(file.file_name()?).with_extension(ext));
    std::fs::read(out)
        .ok()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn masked(s: &str) -> bool {
    s.contains('*') || s.contains('＊')
}

#[test]
fn sanitized_workbook_converts_with_only_personal_cells_changed() {
    if !soffice() {
        eprintln!("skipping: LibreOffice (soffice) is not installed");
        return;
    }
    let s = Sanitizer::new(Options::default()).unwrap();
    let xlsx = docsan_tests::samples::compensation_xlsx(&docsan_tests::samples::people(77, 12));
    let (report, out) = s.sanitize(&xlsx, Some("x.xlsx"));
    let out = out.unwrap_or_else(|| panic!("sample workbook not sanitized: {:?}", report.error));
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("orig.xlsx"), &xlsx).unwrap();
    std::fs::create_dir_all(d.path().join("o")).unwrap();
    std::fs::write(d.path().join("o/orig.xlsx"), &out).unwrap();
    let a = convert(&d.path().join("orig.xlsx"), "csv", d.path()).expect("original converts");
    let b = convert(&d.path().join("o/orig.xlsx"), "csv", &d.path().join("o"))
        .expect("sanitized converts");
    let (ra, rb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(ra.len(), rb.len(), "row count kept");
    let mut changed = 0;
    for (la, lb) in ra.iter().zip(&rb) {
        let (ca, cb): (Vec<&str>, Vec<&str>) = (la.split(',').collect(), lb.split(',').collect());
        assert_eq!(ca.len(), cb.len(), "column count kept: {la} / {lb}");
        for (x, y) in ca.iter().zip(&cb) {
            if x != y {
                assert!(masked(y), "a changed cell must be masked: {x} -> {y}");
                assert_eq!(
                    x.chars().count(),
                    y.chars().count(),
                    "mask keeps the length"
                );
                changed += 1;
            }
        }
    }
    assert!(
        changed >= 12 * 4,
        "names, IDs, phones and accounts of 12 people masked, got {changed}"
    );
}

#[test]
fn sanitized_document_converts_and_keeps_its_text() {
    if !soffice() {
        eprintln!("skipping: LibreOffice (soffice) is not installed");
        return;
    }
    let s = Sanitizer::new(Options::default()).unwrap();
    let people = docsan_tests::samples::people(78, 6);
    let docx = docsan_tests::samples::roster_docx(&people);
    let (_, out) = s.sanitize(&docx, Some("r.docx"));
    let out = out.expect("sample document sanitized");
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("r.docx"), &out).unwrap();
    let text = convert(
        &d.path().join("r.docx"),
        "txt:Text (encoded):UTF8",
        d.path(),
    )
    .expect("converts");
    assert!(text.contains("孕前优生健康检查名单"), "title kept");
    assert!(
        text.contains("体检地点：义安区妇幼保健计划生育服务中心，2021年3月15日。"),
        "closing line kept"
    );
    for p in &people {
        assert!(
            !text.contains(&p.id) && !text.contains(&p.mobile),
            "personal value left in LibreOffice's text"
        );
    }
}
