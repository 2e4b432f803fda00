//! `Document::release_context` frees the units' contexts before the rewrite (a large sheet's
//! units are most of its memory). The rewrite must not notice: the same plan gives the same
//! bytes with and without it, on every bundled sample and a workbook with formulas, a sheet
//! name and numeric cells to rewrite.

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
