//! The CLI contract, tried as a new user would: a mixed folder, exit codes, masked reports,
//! no output for failures, inputs untouched, JSON that parses, no value printed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ID: &str = "340702199001011230";
const PHONE: &str = "13812345678";

fn docsan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_docsan"))
        .args(args)
        .output()
        .expect("run docsan")
}

fn id_with_check(first17: &str) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(W)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

/// A mixed folder: CSV with IDs and phones, a PDF renamed .docx, a legacy .xls, an empty file,
/// nested folders, a clean text file.
fn mixed_folder() -> (tempfile::TempDir, String) {
    let d = tempfile::tempdir().unwrap();
    let id = id_with_check(&ID[..17]);
    let root = d.path();
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::write(
        root.join("a/b/名单.csv"),
        format!("姓名,身份证号,联系电话\n张三,{id},{PHONE}\n"),
    )
    .unwrap();
    std::fs::write(
        root.join("clean.txt"),
        "本公告无个人信息。金额1,234.50元。\n",
    )
    .unwrap();
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.extend("Workbook".encode_utf16().flat_map(|u| u.to_le_bytes()));
    xls.resize(1024, 0);
    std::fs::write(root.join("old.xls"), xls).unwrap();
    std::fs::write(root.join("empty.docx"), b"").unwrap();
    (d, id)
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = walk(dir)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    v.sort();
    v
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn help_speaks_to_a_disclosure_officer() {
    let o = docsan(&["--help"]);
    assert!(o.status.success());
    let s = String::from_utf8_lossy(&o.stdout);
    for word in ["scan", "sanitize", "verify", "Exit codes", "personal data"] {
        assert!(s.contains(word), "--help lacks {word}:\n{s}");
    }
    assert_eq!(
        docsan(&["sanitize"]).status.code(),
        Some(2),
        "missing arguments are usage errors"
    );
    assert_eq!(
        docsan(&["scan", "/nonexistent/path"]).status.code(),
        Some(2)
    );
}

#[test]
fn scan_reports_masked_values_and_exit_1() {
    let (d, id) = mixed_folder();
    let before = snapshot(d.path());
    let o = docsan(&["scan", d.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!all.contains(&id), "scan printed a raw ID");
    assert!(!all.contains(PHONE), "scan printed a raw phone number");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON parses");
    let files = v["files"].as_array().unwrap();
    let csv = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("名单.csv"))
        .unwrap();
    assert_eq!(csv["status"], "found");
    let masked: Vec<&str> = csv["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["masked"].as_str().unwrap())
        .collect();
    assert!(
        masked.contains(&"340702********1230")
            || masked
                .iter()
                .any(|m| m.starts_with("340702") && m.contains('*')),
        "{masked:?}"
    );
    let xls = files
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("old.xls"))
        .unwrap();
    assert_eq!(xls["status"], "failed");
    assert!(
        xls["report"]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("legacy Excel")
    );
    assert_eq!(snapshot(d.path()), before, "scan must not touch inputs");

    let shown = docsan(&[
        "scan",
        d.path().join("a").to_str().unwrap(),
        "--format",
        "jsonl",
        "--show-values",
    ]);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains(&id),
        "--show-values shows values"
    );

    // --list-limit lists fewer findings and counts them all.
    let few = docsan(&[
        "scan",
        d.path().join("a").to_str().unwrap(),
        "--format",
        "json",
        "--list-limit",
        "1",
    ]);
    assert_eq!(few.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&few.stdout).expect("JSON parses");
    let rep = &v["files"][0]["report"];
    assert_eq!(rep["findings"].as_array().unwrap().len(), 1, "{rep}");
    let counted: u64 = rep["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert!(counted >= 3, "{rep}");
    assert_eq!(rep["findings_omitted"].as_u64(), Some(counted - 1), "{rep}");
}

#[test]
fn sanitize_writes_verified_copies_only_and_never_touches_inputs() {
    let (d, id) = mixed_folder();
    let out = tempfile::tempdir().unwrap();
    let before = snapshot(d.path());
    let report = out.path().join("report.json");
    let o = docsan(&[
        "sanitize",
        d.path().to_str().unwrap(),
        "-o",
        out.path().join("o").to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(
        o.status.code(),
        Some(1),
        "legacy .xls and empty file fail the run:\n{err}"
    );
    assert!(
        !err.contains(&id) && !err.contains(PHONE),
        "summary leaked a value:\n{err}"
    );
    assert_eq!(snapshot(d.path()), before, "inputs untouched");
    let csv =
        std::fs::read_to_string(out.path().join("o/a/b/名单.csv")).expect("nested folder mirrored");
    assert!(!csv.contains(&id) && !csv.contains(PHONE), "{csv}");
    assert!(
        csv.contains("340702********") && csv.contains("138****5678"),
        "{csv}"
    );
    assert!(
        csv.starts_with("姓名,身份证号,联系电话\n"),
        "header row kept: {csv}"
    );
    assert!(
        !out.path().join("o/old.xls").exists(),
        "no output for a failed file"
    );
    assert!(
        !out.path().join("o/empty.docx").exists(),
        "no output for a failed file"
    );
    assert_eq!(
        std::fs::read(out.path().join("o/clean.txt")).unwrap(),
        std::fs::read(d.path().join("clean.txt")).unwrap()
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["exit_code"], 1);
    assert!(!std::fs::read_to_string(&report).unwrap().contains(&id));
    assert!(
        walk(&out.path().join("o")).iter().all(|p| !p
            .file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with(".tmp")),
        "no temporary files left"
    );

    // A second run resumes from the journal; without --force nothing is overwritten.
    let again = docsan(&[
        "sanitize",
        d.path().to_str().unwrap(),
        "-o",
        out.path().join("o").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    let csv_status = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"].as_str().unwrap().ends_with("名单.csv"))
        .unwrap()["status"]
        .clone();
    assert_eq!(csv_status, "resumed");

    // An output that did not reach the disk whole (a power cut: outputs are not fsynced by
    // default) fails the journal's hash check and is redone, overwriting the damaged copy.
    let csv_out = out.path().join("o/a/b/名单.csv");
    let good = std::fs::read(&csv_out).unwrap();
    std::fs::write(&csv_out, &good[..good.len() / 2]).unwrap();
    let third = docsan(&[
        "sanitize",
        d.path().to_str().unwrap(),
        "-o",
        out.path().join("o").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&third.stdout).unwrap();
    let status_of = |suffix: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(suffix))
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of("名单.csv"), "sanitized");
    assert_eq!(status_of("clean.txt"), "resumed");
    assert_eq!(std::fs::read(&csv_out).unwrap(), good);
    let noj = docsan(&[
        "sanitize",
        d.path().join("a").to_str().unwrap(),
        "-o",
        out.path().join("o/a").to_str().unwrap(),
        "--no-journal",
    ]);
    assert_eq!(
        noj.status.code(),
        Some(1),
        "existing output without --force fails"
    );
    assert!(String::from_utf8_lossy(&noj.stderr).contains("--force"));
}

#[test]
fn verify_gates_a_release() {
    let (d, _id) = mixed_folder();
    let out = tempfile::tempdir().unwrap();
    let o = docsan(&[
        "sanitize",
        d.path().join("a").to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let ok = docsan(&["verify", out.path().to_str().unwrap(), "--format", "sarif"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let sarif: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let bad = docsan(&[
        "verify",
        d.path().join("a").to_str().unwrap(),
        "--format",
        "sarif",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 2, "{results:?}");
    assert!(results.iter().all(|r| {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.is_ascii() && u.starts_with("file://"))
    }));
    let against = docsan(&[
        "verify",
        "--against",
        d.path().join("a").to_str().unwrap(),
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(
        against.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&against.stderr)
    );
}

#[test]
fn shards_split_the_work_without_overlap() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..12 {
        std::fs::write(d.path().join(format!("{i}.txt")), format!("第{i}号公告\n")).unwrap();
    }
    let mut seen = Vec::new();
    for k in 1..=3 {
        let o = docsan(&[
            "scan",
            d.path().to_str().unwrap(),
            "--shard",
            &format!("{k}/3"),
            "--format",
            "jsonl",
        ]);
        assert_eq!(o.status.code(), Some(0));
        for line in String::from_utf8_lossy(&o.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            seen.push(v["path"].as_str().unwrap().to_string());
        }
    }
    seen.sort();
    let n = seen.len();
    seen.dedup();
    assert_eq!((n, seen.len()), (12, 12), "every file in exactly one shard");
    assert_eq!(
        docsan(&["scan", d.path().to_str().unwrap(), "--shard", "4/3"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn policy_file_changes_masks_rules_and_allow_list() {
    let d = tempfile::tempdir().unwrap();
    let id = id_with_check("34070219900101123");
    std::fs::write(
        d.path().join("案卷.txt"),
        format!("案号：AB12345678，当事人：王小明，身份证号：{id}，电话：{PHONE}。经办单位：国家税务总局铜陵市税务局。\n"),
    )
    .unwrap();
    let policy = d.path().join("policy.toml");
    std::fs::write(
        &policy,
        r#"
mode = "redact"
allow = ["13812345678"]
[[rules]]
name = "case_number"
pattern = "案号：(?P<value>[A-Z]{2}\\d{8})"
"#,
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = docsan(&[
        "sanitize",
        d.path().join("案卷.txt").to_str().unwrap(),
        "-o",
        out.path().to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(out.path().join("案卷.txt")).unwrap();
    assert!(
        text.contains("案号：**********"),
        "custom rule masked: {text}"
    );
    assert!(
        text.contains(&"*".repeat(18)),
        "redact masks the whole ID: {text}"
    );
    assert!(text.contains(PHONE), "allow-listed value kept: {text}");
    assert!(text.contains("国家税务总局铜陵市税务局"), "{text}");

    std::fs::write(&policy, "mdoe = \"mask\"\n").unwrap();
    let bad = docsan(&[
        "scan",
        d.path().join("案卷.txt").to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a typo in a policy is a usage error"
    );
}
