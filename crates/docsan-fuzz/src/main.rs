//! `docsan-fuzz TARGET SEED_FILE_OR_DIR… [--iterations N] [--seed S]`: a mutation fuzzer on
//! stable Rust. Each crash (panic) is written to `fuzz-crashes/TARGET-N.bin` and the run exits
//! with status 1.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

fn seeds(paths: &[PathBuf]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            out.extend(seeds(&entries));
        } else if let Ok(b) = std::fs::read(p) {
            out.push(b);
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(target) = args
        .first()
        .filter(|t| docsan_fuzz::TARGETS.contains(&t.as_str()))
    else {
        eprintln!(
            "usage: docsan-fuzz {{{}}} SEEDS… [--iterations N] [--seed S]",
            docsan_fuzz::TARGETS.join("|")
        );
        std::process::exit(2);
    };
    let mut iterations = 10_000u64;
    let mut seed = 1u64;
    let mut paths = Vec::new();
    let mut it = args[1..].iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--iterations" => {
                iterations = it.next().and_then(|v| v.parse().ok()).unwrap_or(iterations)
            }
            "--seed" => seed = it.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            p => paths.push(PathBuf::from(p)),
        }
    }
    let inputs = seeds(&paths);
    if inputs.is_empty() {
        eprintln!("no seed files");
        std::process::exit(2);
    }
    std::panic::set_hook(Box::new(|_| {}));
    let mut m = docsan_fuzz::Mutator::new(seed);
    let mut crashes = 0;
    for i in 0..iterations {
        let a = &inputs[(i as usize) % inputs.len()];
        let b = &inputs[(i as usize * 7 + 3) % inputs.len()];
        let data = m.mutate(a, b);
        if catch_unwind(AssertUnwindSafe(|| docsan_fuzz::run(target, &data))).is_err() {
            crashes += 1;
            let dir = Path::new("fuzz-crashes");
            let _ = std::fs::create_dir_all(dir);
            let path = dir.join(format!("{target}-{i}.bin"));
            let _ = std::fs::write(&path, &data);
            eprintln!("crash at iteration {i}: saved {}", path.display());
        }
        if i % 1000 == 999 {
            eprintln!("{target}: {} iterations, {crashes} crash(es)", i + 1);
        }
    }
    if crashes > 0 {
        std::process::exit(1);
    }
}
