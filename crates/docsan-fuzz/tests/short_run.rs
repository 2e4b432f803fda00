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

/// Saved crash, timeout and out-of-memory inputs: `tests/fixtures/fuzz/TARGET/NAME` (the layout
/// `fuzz/run.sh` artifacts are filed under), or `tests/fixtures/fuzz/TARGET-NAME`. Each must run
/// to the end without a panic, and well within the fuzzers' 10 s timeout even in a debug build.
#[test]
fn saved_crash_fixtures_replay_cleanly() {
    let dir = docsan_tests::repo_root().join("tests/fixtures/fuzz");
    let mut fixtures: Vec<(String, std::path::PathBuf)> = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_dir() {
            for f in std::fs::read_dir(e.path()).into_iter().flatten().flatten() {
                fixtures.push((name.clone(), f.path()));
            }
        } else {
            // The longest target name the file name starts with: `docx-parts-…` is not `docx`.
            let target = docsan_fuzz::TARGETS
                .iter()
                .filter(|t| name.starts_with(&format!("{t}-")))
                .max_by_key(|t| t.len())
                .map_or(String::new(), |t| t.to_string());
            fixtures.push((target, e.path()));
        }
    }
    fixtures.sort();
    for (target, path) in &fixtures {
        assert!(
            docsan_fuzz::TARGETS.contains(&target.as_str()),
            "fixture {} is not filed under a target",
            path.display()
        );
        let data = std::fs::read(path).unwrap();
        let start = std::time::Instant::now();
        let r = catch_unwind(AssertUnwindSafe(|| docsan_fuzz::run(target, &data)));
        assert!(r.is_ok(), "fixture {} panics again", path.display());
        let took = start.elapsed();
        assert!(
            took < std::time::Duration::from_secs(30),
            "fixture {} took {took:?}",
            path.display()
        );
    }
}
