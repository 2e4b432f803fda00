//! A short, fixed-seed fuzz run of every target over the bundled samples (a few hundred
//! mutations each), plus replay of every saved crash fixture. Counts, not time, bound it.

use std::panic::{AssertUnwindSafe, catch_unwind};

#[test]
fn every_target_survives_a_short_seeded_run() {
    let samples: Vec<(String, Vec<u8>)> = docsan_tests::samples::generate();
    for target in docsan_fuzz::TARGETS {
        let mut m = docsan_fuzz::Mutator::new(42);
        let iterations = if target == "pipeline" { 60 } else { 150 };
        for i in 0..iterations {
            let (name, a) = &samples[i % samples.len()];
            let b = &samples[(i * 7 + 3) % samples.len()].1;
            let data = m.mutate(a, b);
            let r = catch_unwind(AssertUnwindSafe(|| docsan_fuzz::run(target, &data)));
            assert!(
                r.is_ok(),
                "target {target} panicked on a mutation {i} of {name}"
            );
        }
    }
}

#[test]
fn saved_crash_fixtures_replay_cleanly() {
    let dir = docsan_tests::repo_root().join("tests/fixtures/fuzz");
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let target = name.split('-').next().unwrap_or("pipeline").to_string();
        let data = std::fs::read(e.path()).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| docsan_fuzz::run(&target, &data)));
        assert!(r.is_ok(), "fixture {name} panics again");
    }
}
