//! A fast subset of the real-world corpus (files up to 150 KB): nothing panics, and every
//! written output re-opens, keeps its structure and verifies clean. Skips without the corpus.

#[test]
fn corpus_subset_never_panics_and_outputs_hold() {
    let Some(shared) = docsan_tests::shared_dir() else {
        eprintln!("skipping: ../shared/corpus not found");
        return;
    };
    let rows = docsan_tests::corpus::run(&shared.join("corpus"), Some(150_000));
    eprintln!("{}", docsan_tests::corpus::table(&rows));
    assert!(!rows.is_empty(), "corpus present but no file read");
    let panics: Vec<&str> = rows
        .iter()
        .filter(|r| r.outcome == "panic")
        .map(|r| r.file.as_str())
        .collect();
    assert!(panics.is_empty(), "panics on {panics:?}");
    let problems: Vec<String> = rows
        .iter()
        .filter(|r| r.output_problem)
        .map(|r| format!("{}: {}", r.file, r.reason))
        .collect();
    assert!(
        problems.is_empty(),
        "written outputs with problems: {problems:#?}"
    );
    for r in &rows {
        if r.outcome == "failed" {
            assert!(!r.reason.is_empty(), "{} failed without a reason", r.file);
        }
    }
}
