//! Project tasks beyond cargo, run as `cargo xtask TASK`:
//! - `samples`: regenerate `samples/` (deterministic; a test checks it byte-for-byte).
//! - `bench`: throughput and memory against baselines (see bench.rs).
//! - `corpus`: scan, sanitize and verify ../shared/corpus and print a table.
//! - `devset`: recall and decoy hits on ../shared/dev-set per kind.

mod bench;

use anyhow::Context as _;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("samples") => samples(),
        Some("devset") => devset(),
        Some("corpus") => corpus(),
        Some("bench") => bench::run(),
        _ => anyhow::bail!("usage: cargo xtask samples|bench|corpus|devset"),
    }
}

fn samples() -> anyhow::Result<()> {
    let dir = docsan_tests::repo_root().join("samples");
    for (rel, bytes) in docsan_tests::samples::generate() {
        let path = dir.join(&rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote samples/{rel}");
    }
    Ok(())
}

fn devset() -> anyhow::Result<()> {
    let dir = docsan_tests::shared_dir()
        .context("../shared/dev-set not found beside the repository")?
        .join("dev-set");
    let scores = docsan_tests::devset::score(&dir);
    print!("{}", docsan_tests::devset::table(&scores));
    Ok(())
}

fn corpus() -> anyhow::Result<()> {
    let dir = docsan_tests::shared_dir()
        .context("../shared/corpus not found beside the repository")?
        .join("corpus");
    let rows = docsan_tests::corpus::run(&dir, None);
    print!("{}", docsan_tests::corpus::table(&rows));
    Ok(())
}
