//! The paths that spare memory on large files must not change what the pipeline sees:
//!
//! - `Document::release_context` frees the units' contexts before the rewrite (a large sheet's
//!   units are most of its memory): the same plan gives the same bytes with and without it.
//! - `Backend::for_each_unit` hands over the same units as `Backend::open`, one at a time.
//! - `Backend::for_each_text` (the re-open check) hands over every text `Backend::open`
//!   extracts, and no other.

use docsan::core::{Detector, Plan, Policy};
use docsan::{backend_for, plan_edits, sniff};
use std::path::Path;

fn rewrite_both_ways(name: &str, bytes: &[u8]) {
    let format = sniff(bytes, Some(name)).unwrap();
    let backend = backend_for(format).unwrap();
    let limits = docsan::core::Limits::default();
    let policy = Policy::default();
    let sanitizer = docsan::Sanitizer::new(docsan::Options::default()).unwrap();
    let engine = sanitizer.engine();

    let mut kept = backend.open(bytes, &limits).unwrap();
    let findings = engine.detect_all(kept.units());
    assert!(!findings.is_empty(), "{name}: premise, something to mask");
    let replace = |f: &docsan::core::Finding| engine.replacement(f);
    let plan = Plan {
        edits: plan_edits(&findings, &policy, &replace),
        embedded: Vec::new(),
        visual_mask: policy.pdf_mask,
    };
    let mut released = backend.open(bytes, &limits).unwrap();
    released.release_context();

    let mut d1 = Vec::new();
    let mut d2 = Vec::new();
    let a = kept.rewrite(&plan, &mut d1).unwrap();
    let b = released.rewrite(&plan, &mut d2).unwrap();
    assert_ne!(a, bytes, "{name}: premise, the plan changes the file");
    assert!(a == b, "{name}: the rewrite differs after release_context");
    assert_eq!(
        d1.iter().map(|d| &d.code).collect::<Vec<_>>(),
        d2.iter().map(|d| &d.code).collect::<Vec<_>>(),
        "{name}"
    );
}

#[test]
fn rewrite_is_the_same_after_release_context() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut seen = 0;
    for path in [
        "公益林补偿公示.xlsx",
        "公示说明.txt",
        "考试成绩公示.pdf",
        "补贴名单.csv",
        "gbk/困难群众救助名单.csv",
        "health/孕前优生健康检查名单.docx",
    ] {
        let bytes = std::fs::read(samples.join(path)).unwrap();
        rewrite_both_ways(path, &bytes);
        seen += 1;
    }
    assert_eq!(seen, 6);
    // Numeric phone cells (rewritten as string cells) and shared strings.
    let big = docsan_xlsx::generate_large_sheet(50);
    rewrite_both_ways("large.xlsx", &big);
}

/// The workbooks and CSV files of the dev-set and the corpus (from Excel, WPS, LibreOffice and
/// openpyxl), sorted; `None`, with a message, when `../shared` is absent.
fn shared_sheets() -> Option<Vec<std::path::PathBuf>> {
    let Some(shared) = docsan_tests::shared_dir() else {
        eprintln!("skipping the dev-set and corpus part: ../shared not found");
        return None;
    };
    let mut files = Vec::new();
    for dir in ["dev-set", "corpus/xlsx"] {
        let Ok(rd) = std::fs::read_dir(shared.join(dir)) else {
            continue;
        };
        let mut names: Vec<_> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let n = p.to_string_lossy();
                n.ends_with(".xlsx") || n.ends_with(".csv")
            })
            .collect();
        names.sort();
        files.extend(names);
    }
    Some(files)
}

/// A unit as compared between `open` and `for_each_unit`. A unit standing for several cells
/// of a column says so in its location once they are all seen, which a unit handed over at
/// the first cell cannot: that note is left out of the comparison.
fn comparable(u: &docsan::core::TextUnit) -> String {
    let mut loc = u.context.location.clone();
    if let Some(d) = &loc.detail
        && let Some(i) = d.find("and ")
        && d.ends_with("more cells of this column")
    {
        let kept = d[..i].trim_end_matches([',', ' ']);
        loc.detail = (!kept.is_empty()).then(|| kept.into());
    }
    format!(
        "{} {:?} {:?} {:?} {:?} {:?}",
        u.id.0, u.text, u.context.kind, u.context.column_header, u.context.label, loc
    )
}

fn same_units_both_ways(name: &str, bytes: &[u8]) -> usize {
    let format = sniff(bytes, Some(name)).unwrap();
    let backend = backend_for(format).unwrap();
    let limits = docsan::core::Limits::default();
    let doc = backend.open(bytes, &limits).unwrap();
    let opened: Vec<String> = doc.units().iter().map(comparable).collect();
    let mut streamed = Vec::new();
    backend
        .for_each_unit(bytes, &limits, &mut |u| streamed.push(comparable(u)))
        .unwrap();
    assert!(!opened.is_empty(), "{name}");
    assert_eq!(opened, streamed, "{name}");
    opened.len()
}

/// The distinct texts of `open` and of `for_each_text` are the same (the second may skip
/// repeats of a shared string); returns how many there are.
fn same_texts_both_ways(name: &str, bytes: &[u8]) -> usize {
    use std::collections::BTreeSet;
    let format = sniff(bytes, Some(name)).unwrap();
    let backend = backend_for(format).unwrap();
    let limits = docsan::core::Limits::default();
    let doc = backend.open(bytes, &limits).unwrap();
    let opened: BTreeSet<String> = doc.units().iter().map(|u| u.text.to_string()).collect();
    let mut handed = BTreeSet::new();
    let mut located = true;
    backend
        .for_each_text(bytes, &limits, &mut |u| {
            located &= u.context.location.part.is_some() || u.context.location.page.is_some();
            handed.insert(u.text.to_string());
        })
        .unwrap();
    assert_eq!(opened, handed, "{name}");
    if format == docsan::core::Format::Xlsx {
        assert!(located, "{name}: every unit has its part");
    }
    opened.len()
}

#[test]
fn for_each_text_hands_over_every_text_open_extracts() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    for path in [
        "公益林补偿公示.xlsx",
        "补贴名单.csv",
        "health/孕前优生健康检查名单.docx",
    ] {
        let bytes = std::fs::read(samples.join(path)).unwrap();
        same_texts_both_ways(path, &bytes);
    }
    let n = same_texts_both_ways("large.xlsx", &docsan_xlsx::generate_large_sheet(200));
    assert!(n > 400, "{n}");
    for_each_shared_sheet(|n, bytes| {
        same_texts_both_ways(n, bytes);
    });
}

/// Calls `f` with each workbook and CSV file of the dev-set and the corpus (Excel, WPS,
/// LibreOffice and openpyxl wrote them) that opens with units, and checks there are ten or
/// more; does nothing when `../shared` is not there.
fn for_each_shared_sheet(mut f: impl FnMut(&str, &[u8])) {
    let Some(files) = shared_sheets() else {
        return;
    };
    let mut seen = 0;
    for p in files {
        let n = p.to_string_lossy().to_string();
        let bytes = std::fs::read(&p).unwrap();
        let Ok(format) = sniff(&bytes, Some(&n)) else {
            continue;
        };
        let backend = backend_for(format).unwrap();
        if backend
            .open(&bytes, &docsan::core::Limits::default())
            .is_ok_and(|d| !d.units().is_empty())
        {
            f(&n, &bytes);
            seen += 1;
        }
    }
    assert!(seen >= 10, "{seen} workbooks and CSV files compared");
}

#[test]
fn for_each_unit_hands_over_what_open_extracts() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    for path in [
        "公益林补偿公示.xlsx",
        "公示说明.txt",
        "考试成绩公示.pdf",
        "补贴名单.csv",
        "gbk/困难群众救助名单.csv",
        "health/孕前优生健康检查名单.docx",
    ] {
        let bytes = std::fs::read(samples.join(path)).unwrap();
        same_units_both_ways(path, &bytes);
    }
    // A sheet with 200 rows: numeric phone cells, shared strings, a header row.
    let n = same_units_both_ways("large.xlsx", &docsan_xlsx::generate_large_sheet(200));
    assert!(n > 400, "{n}");
    for_each_shared_sheet(|n, bytes| {
        same_units_both_ways(n, bytes);
    });
}

/// Sanitizes `bytes` detected whole and a window of units at a time (`Options::stream_from`):
/// the same status, output bytes and counts per kind. Returns how many findings there were.
fn sanitize_streamed_and_whole(name: &str, bytes: &[u8]) -> usize {
    let run = |stream_from: u64| {
        let s = docsan::Sanitizer::new(docsan::Options {
            stream_from: Some(stream_from),
            ..docsan::Options::default()
        })
        .unwrap();
        s.sanitize(bytes, Some(name))
    };
    let (whole, whole_out) = run(u64::MAX);
    let (streamed, streamed_out) = run(0);
    // `scan` and `verify` (every finding listed) read large files a window at a time too.
    let checks = |stream_from: u64| {
        let s = docsan::Sanitizer::new(docsan::Options {
            stream_from: Some(stream_from),
            list_limit: None,
            ..docsan::Options::default()
        })
        .unwrap();
        let scan = s.scan(bytes, Some(name));
        let verify = s.verify(bytes, Some(name));
        (
            scan.status,
            scan.counts,
            scan.findings.len(),
            verify.status,
            verify.counts,
        )
    };
    assert_eq!(checks(u64::MAX), checks(0), "{name}: scan or verify differ");
    assert_eq!(whole.status, streamed.status, "{name}");
    assert_eq!(whole.counts, streamed.counts, "{name}");
    assert!(whole_out == streamed_out, "{name}: output bytes differ");
    let listed = |r: &docsan::FileReport| {
        let mut v: Vec<String> = r
            .findings
            .iter()
            .map(|f| format!("{} {} {}", f.kind, f.rule, f.masked))
            .collect();
        v.sort();
        v
    };
    assert_eq!(listed(&whole), listed(&streamed), "{name}");
    whole.counts.values().sum()
}

#[test]
fn windowed_detection_finds_what_whole_detection_finds() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    for path in [
        "公益林补偿公示.xlsx",
        "补贴名单.csv",
        "gbk/困难群众救助名单.csv",
    ] {
        let bytes = std::fs::read(samples.join(path)).unwrap();
        assert!(sanitize_streamed_and_whole(path, &bytes) > 0, "{path}");
    }
    // Cells whose text is not one verbatim stretch of the file (doubled quotes), kept apart
    // once the units are released; a BOM; a multi-line quoted cell.
    let quoted = "\u{FEFF}序号,姓名,身份证号,备注\n1,张伟,110105195208121887,\"他说\"\"电话13985371388\"\"\"\n2,\"李\"\"娜\",\"37020220050928\n0783\",\"住址：北京市朝阳区三里屯街道幸福路118号\"\n";
    assert!(sanitize_streamed_and_whole("quoted.csv", quoted.as_bytes()) >= 2);
    rewrite_both_ways("quoted.csv", quoted.as_bytes());
    // Over window boundaries: 8,000 rows of 3 units (the windows hold 20,000), and a CSV of
    // 3,000 people (nine cells a row).
    let n = sanitize_streamed_and_whole("large.xlsx", &docsan_xlsx::generate_large_sheet(8_000));
    assert!(n >= 24_000, "{n}");
    let csv = docsan_tests::samples::subsidy_csv(&docsan_tests::samples::people(9, 3_000));
    let n = sanitize_streamed_and_whole("large.csv", csv.as_bytes());
    assert!(n >= 9_000, "{n}");
    if let Some(files) = shared_sheets() {
        for p in &files {
            let n = p.to_string_lossy().to_string();
            sanitize_streamed_and_whole(&n, &std::fs::read(p).unwrap());
        }
        assert!(
            files.len() >= 10,
            "{} workbooks and CSV files compared",
            files.len()
        );
    }
}

/// A large sheet's windows are detected as pool tasks while the backend makes the next: the
/// same output from a pool of one thread (the `-j1` case: the waiting thread runs the window
/// itself), of two, and outside any pool, over window boundaries.
#[test]
fn windowed_detection_gives_the_same_bytes_on_any_pool() {
    let bytes = docsan_xlsx::generate_large_sheet(15_000);
    let s = docsan::Sanitizer::new(docsan::Options {
        stream_from: Some(0),
        ..docsan::Options::default()
    })
    .unwrap();
    let (outside, outside_out) = s.sanitize(&bytes, Some("large.xlsx"));
    assert!(outside_out.is_some(), "{:?}", outside.status);
    assert!(outside.counts.values().sum::<usize>() >= 45_000);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let (r, out) = pool.install(|| s.sanitize(&bytes, Some("large.xlsx")));
        assert_eq!(r.counts, outside.counts, "{threads} threads");
        assert!(out == outside_out, "{threads} threads: output bytes differ");
    }
}
