//! The dev-set: every written output must be free of every `pii` probe (fail closed), and the
//! scores are printed as a table. Skips when ../shared/dev-set is absent.

#[test]
fn devset_outputs_never_leak_and_scores_are_reported() {
    let Some(shared) = docsan_tests::shared_dir() else {
        eprintln!("skipping: ../shared/dev-set not found");
        return;
    };
    let scores = docsan_tests::devset::score(&shared.join("dev-set"));
    assert!(!scores.is_empty(), "dev-set present but nothing scored");
    eprintln!("{}", docsan_tests::devset::table(&scores));
    for s in &scores {
        assert!(
            s.leaked.is_empty(),
            "{}: output was written but still holds {} value(s) of kinds {:?}: fail-closed violated",
            s.file,
            s.leaked.len(),
            s.leaked
        );
    }
    let written = scores.iter().filter(|s| s.written).count();
    assert!(written >= 1, "no dev-set file could be sanitized");
}
